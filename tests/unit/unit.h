/*
 * unit.h - what every unit test includes: cmocka, with results in TAP so
 * that the automake TAP driver counts each test case.
 */
#ifndef LIVEADDR_UNIT_H
#define LIVEADDR_UNIT_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#define UNIT_RUN(tests) \
    (cmocka_set_message_output(CM_OUTPUT_TAP), \
     cmocka_run_group_tests((tests), NULL, NULL) ? 1 : 0)

#endif
