#ifndef LIVEADDR_FUZZ_H
#define LIVEADDR_FUZZ_H

/*
 * fuzz.h - what the libFuzzer harnesses share.
 *
 * CHECK - a broken property is a finding: say which (libFuzzer shows it
 * with the reproducer), then abort(), which is how libFuzzer is told.
 */

#include <stdio.h>
#include <stdlib.h>

#define CHECK(cond) do { \
	if (!(cond)) { \
	    fprintf(stderr, "%s:%d: property broken: %s\n", __FILE__, __LINE__, #cond); \
	    abort(); \
	} \
    } while (0)

#endif
