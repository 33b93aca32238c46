#ifndef LIVEADDR_DOMCACHE_H
#define LIVEADDR_DOMCACHE_H

/*++
 * NAME
 *	domcache 3h
 * SUMMARY
 *	in-process cache of domain verdicts (thread-safe, bounded)
 * SYNOPSIS
 *	#include "domcache.h"
 * DESCRIPTION
 *	See domcache.c.
 *--*/

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#include "dnsdata.h"

#define DOMCACHE_DEFAULT_MAX	10000	/* entries, when 0 is given */

/* How long verdicts stay, in seconds (Postfix verify(8) defaults). */
typedef struct {
    time_t  positive_refresh;		/* valid/weak: refresh after 7 days */
    time_t  positive_expire;		/* and drop after 31 days */
    time_t  negative_refresh;		/* invalid: refresh after 3 hours */
    time_t  negative_expire;		/* and drop after 3 days */
    time_t  unknown_expire;		/* unknown: keep 60 s (0: never) */
    time_t  refresh_hold;		/* one STALE answer per 60 s */
} DOMCACHE_TTL;

typedef enum {
    DOMCACHE_MISS = 0,			/* not there (or expired) */
    DOMCACHE_FRESH,			/* use it */
    DOMCACHE_STALE,			/* use it, and look the domain up again */
} DOMCACHE_STATUS;

typedef struct DOMCACHE DOMCACHE;

extern DOMCACHE_TTL domcache_ttl_defaults(void);
extern DOMCACHE *domcache_new(size_t max_entries, const DOMCACHE_TTL *ttl);
extern void domcache_free(DOMCACHE *cache);
extern DOMCACHE_STATUS domcache_get(DOMCACHE *cache, const char *domain,
				            time_t now, DNS_RESULT *out);
extern int domcache_put(DOMCACHE *cache, const char *domain,
			        const DNS_RESULT *result, time_t now);
extern bool domcache_remove(DOMCACHE *cache, const char *domain);
extern size_t domcache_count(DOMCACHE *cache);
extern const char *domcache_status_name(DOMCACHE_STATUS status);

#endif
