#ifndef LIVEADDR_BENCH_UTIL_H
#define LIVEADDR_BENCH_UTIL_H

/*++
 * NAME
 *	bench_util 3h
 * SUMMARY
 *	what the benchmark programs share
 * SYNOPSIS
 *	#include "bench_util.h"
 *
 *	double	bench_now(void)
 * DESCRIPTION
 *	bench_now() gives monotonic seconds.  Files are read with
 *	msgfile_read() (lib/msgfile.h).
 *--*/

extern double bench_now(void);

#endif
