/*++
 * NAME
 *	bench_util 3
 * SUMMARY
 *	what the benchmark programs share: a clock
 * SYNOPSIS
 *	See bench_util.h.
 *--*/

#include "config.h"

#include <time.h>

#include "bench_util.h"

/* bench_now - monotonic seconds */

double  bench_now(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (ts.tv_sec + ts.tv_nsec / 1e9);
}
