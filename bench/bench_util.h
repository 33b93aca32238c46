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
 *
 *	char	*bench_slurp(const char *path, size_t *len)
 * DESCRIPTION
 *	bench_now() gives monotonic seconds.  bench_slurp() reads a whole
 *	file into memory, NUL-terminated (the NUL is not counted in
 *	*len); NULL when it cannot be opened or memory is short.
 * MEMORY
 *	The caller frees what bench_slurp() returns.
 *--*/

#include <stddef.h>

extern double bench_now(void);
extern char *bench_slurp(const char *path, size_t *len);

#endif
