/*++
 * NAME
 *	bench_util 3
 * SUMMARY
 *	what the benchmark programs share: a clock, a file reader
 * SYNOPSIS
 *	See bench_util.h.
 *--*/

#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "bench_util.h"

/* bench_now - monotonic seconds */

double  bench_now(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (ts.tv_sec + ts.tv_nsec / 1e9);
}

/* bench_slurp - the whole file, NUL-terminated */

char   *bench_slurp(const char *path, size_t *len)
{
    FILE   *fp = fopen(path, "rb");
    char   *buf = NULL;
    size_t  cap = 0, n = 0, got;

    if (fp == NULL)
	return (NULL);
    do {
	if (n + 65536 + 1 > cap) {
	    char   *grown = realloc(buf, cap = (cap ? cap * 2 : 1 << 20));

	    if (grown == NULL) {
		free(buf);
		fclose(fp);
		return (NULL);
	    }
	    buf = grown;
	}
	got = fread(buf + n, 1, 65536, fp);
	n += got;
    } while (got > 0);
    fclose(fp);
    buf[n] = 0;
    *len = n;
    return (buf);
}
