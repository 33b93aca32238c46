#ifndef LIVEADDR_JSONW_H
#define LIVEADDR_JSONW_H

/*++
 * NAME
 *	jsonw 3h
 * SUMMARY
 *	write JSON to a stdio stream
 * SYNOPSIS
 *	#include "jsonw.h"
 * DESCRIPTION
 *	See jsonw.c.
 *--*/

#include <stdbool.h>
#include <stdio.h>

typedef struct {
    FILE   *fp;
    int     depth;
    bool    need_comma[32];
} JSONW;

extern void jsonw_init(JSONW *, FILE *);
extern void jsonw_object_begin(JSONW *, const char *key);
extern void jsonw_object_end(JSONW *);
extern void jsonw_array_begin(JSONW *, const char *key);
extern void jsonw_array_end(JSONW *);
extern void jsonw_string(JSONW *, const char *key, const char *value);
extern void jsonw_int(JSONW *, const char *key, long long value);
extern void jsonw_bool(JSONW *, const char *key, bool value);
extern void jsonw_null(JSONW *, const char *key);
extern void jsonw_escape(FILE *, const char *text);

#endif
