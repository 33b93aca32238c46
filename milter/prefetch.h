#ifndef LIVEADDR_PREFETCH_H
#define LIVEADDR_PREFETCH_H

/*++
 * NAME
 *	prefetch 3h
 * SUMMARY
 *	recipient domain lookups started at RCPT, done by worker threads
 * SYNOPSIS
 *	#include "prefetch.h"
 * DESCRIPTION
 *	See prefetch.c.
 *--*/

#include <stdbool.h>

#include "runtime.h"

extern int prefetch_start(int workers, int queue_max);
extern bool prefetch_domain(RUNTIME *, const char *domain, const char *recipient_key);
extern void prefetch_stop(void);

#endif
