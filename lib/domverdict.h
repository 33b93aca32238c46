#ifndef LIVEADDR_DOMVERDICT_H
#define LIVEADDR_DOMVERDICT_H

/*++
 * NAME
 *	domverdict 3h
 * SUMMARY
 *	domain verdicts shared through an in-process cache and Redis
 * SYNOPSIS
 *	#include "domverdict.h"
 * DESCRIPTION
 *	See domverdict.c.
 *--*/

#include <time.h>

#include "dns.h"
#include "dnsdata.h"
#include "domcache.h"
#include "rpool.h"

typedef enum {
    DV_FROM_PROCESS,			/* this process's cache */
    DV_FROM_REDIS,			/* another process asked before */
    DV_FROM_DNS,			/* asked DNS now */
    DV_FROM_STALE,			/* an old answer: DNS failed to refresh it */
} DV_SOURCE;

typedef struct DOMVERDICT DOMVERDICT;

extern DOMVERDICT *domverdict_new(DNS_CTX *dns, DOMCACHE *cache, RPOOL *pool,
				          const char *key_prefix,
				          const DOMCACHE_TTL *ttl);
extern void domverdict_free(DOMVERDICT *);
extern DNS_VERDICT domverdict_get(DOMVERDICT *, const char *ascii_domain,
				          time_t now, DNS_RESULT *out,
				          DV_SOURCE *source);
extern const char *domverdict_source_name(DV_SOURCE);
extern int domverdict_redis_key(const DOMVERDICT *, const char *ascii_domain,
				        char *buf, size_t len);

#endif
