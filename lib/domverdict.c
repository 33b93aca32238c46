/*++
 * NAME
 *	domverdict 3
 * SUMMARY
 *	domain verdicts shared through an in-process cache and Redis
 * SYNOPSIS
 *	#include "domverdict.h"
 *
 *	DOMVERDICT *domverdict_new(DNS_CTX *dns, DOMCACHE *cache, RPOOL *pool,
 *				const char *key_prefix, const DOMCACHE_TTL *ttl)
 *	DNS_VERDICT domverdict_get(DOMVERDICT *dv, const char *ascii_domain,
 *				time_t now, DNS_RESULT *out, DV_SOURCE *source)
 *	void	domverdict_free(DOMVERDICT *dv)
 * DESCRIPTION
 *	Many MTAs and the CRM ask about the same few thousand domains; this
 *	module makes them share one answer.  domverdict_get() looks in three
 *	places, nearest first:
 * .IP 1.
 *	the process's DOMCACHE: a fresh entry is the answer;
 * .IP 2.
 *	Redis (when a pool is given), key PREFIX "dom:" DOMAIN, value
 *	"FETCHED-UNIX-TIME " followed by dns_result_encode(); the key
 *	expires when the verdict's class says it must be dropped (Postfix's
 *	address-verify defaults: 31 days for a domain that takes mail, 3
 *	days for one that does not, a minute for "unknown").  An answer
 *	still within its refresh time goes into the process cache (with its
 *	original time) and is the answer;
 * .IP 3.
 *	DNS, within the DNS context's time budget.  The answer goes into
 *	the process cache and to Redis (SET with EX), and is the answer.
 * .PP
 *	An answer past its refresh time (stale) is asked again; if DNS then
 *	cannot tell (unknown: timeout, SERVFAIL), the stale answer stands,
 *	source DV_FROM_STALE: an old "takes mail" beats "cannot tell".
 *	Redis trouble (down, timeout, a value that does not decode) never
 *	fails a verdict: that layer is skipped, and a broken value is
 *	overwritten by the next DNS answer.
 * MEMORY
 *	The DNS context, cache and pool belong to the caller and must
 *	outlive the DOMVERDICT; the prefix is copied.
 * THREADS
 *	Any number of threads may share one DOMVERDICT (the DNS context,
 *	cache and pool are thread-safe).
 *--*/

#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "domverdict.h"
#include "log.h"

struct DOMVERDICT {
    DNS_CTX *dns;
    DOMCACHE *cache;
    RPOOL  *pool;
    char   *prefix;
    DOMCACHE_TTL ttl;
};

DOMVERDICT *domverdict_new(DNS_CTX *dns, DOMCACHE *cache, RPOOL *pool,
			           const char *key_prefix, const DOMCACHE_TTL *ttl)
{
    DOMVERDICT *dv = calloc(1, sizeof(*dv));

    if (dv == NULL || (dv->prefix = strdup(key_prefix ? key_prefix : "")) == NULL) {
	free(dv);
	return (NULL);
    }
    dv->dns = dns;
    dv->cache = cache;
    dv->pool = pool;
    dv->ttl = ttl ? *ttl : domcache_ttl_defaults();
    return (dv);
}

void    domverdict_free(DOMVERDICT *dv)
{
    if (dv) {
	free(dv->prefix);
	free(dv);
    }
}

const char *domverdict_source_name(DV_SOURCE source)
{
    static const char *const names[] = {"process", "redis", "dns", "stale"};

    return ((unsigned) source < 4 ? names[source] : "?");
}

int     domverdict_redis_key(const DOMVERDICT *dv, const char *ascii_domain,
			             char *buf, size_t len)
{
    int     n = snprintf(buf, len, "%sdom:%s", dv->prefix, ascii_domain);

    return (n > 0 && (size_t) n < len ? 0 : -1);
}

/* domverdict_times - refresh and expire ages for a verdict's class */

static void domverdict_times(const DOMVERDICT *dv, DNS_VERDICT verdict,
			             time_t *refresh, time_t *expire)
{
    switch (dns_verdict_class(verdict)) {
    case DNS_CLASS_VALID:
    case DNS_CLASS_WEAK:
	*refresh = dv->ttl.positive_refresh;
	*expire = dv->ttl.positive_expire;
	break;
    case DNS_CLASS_INVALID:
	*refresh = dv->ttl.negative_refresh;
	*expire = dv->ttl.negative_expire;
	break;
    default:
	*refresh = *expire = dv->ttl.unknown_expire;
	break;
    }
}

/* domverdict_redis_get - a fresh shared answer, with its fetch time */

static int domverdict_redis_get(DOMVERDICT *dv, const char *key, time_t now,
				        DNS_RESULT *out, time_t *fetched)
{
    char    err[256] = "";
    redisContext *c;
    redisReply *r;
    const char *argv[2] = {"GET", key};
    int     found = 0;

    if (dv->pool == NULL || (c = rpool_get(dv->pool, err, sizeof(err))) == NULL) {
	if (dv->pool)
	    log_debug("domain verdict cache in Redis skipped: %s", err);
	return (0);
    }
    r = redisCommandArgv(c, 2, argv, NULL);
    if (r != NULL && r->type == REDIS_REPLY_STRING) {
	char   *space = memchr(r->str, ' ', r->len);
	char   *end;
	long long when;
	time_t  refresh, expire;

	errno = 0;
	when = strtoll(r->str, &end, 10);
	if (space != NULL && end == space && errno == 0 && when > 0 && when <= now
	    && dns_result_decode(space + 1, r->len - (size_t) (space + 1 - r->str), out) == 0) {
	    domverdict_times(dv, out->verdict, &refresh, &expire);
	    if (now - (time_t) when < refresh) {
		*fetched = (time_t) when;
		found = 1;
	    }
	} else {
	    log_warn("domain verdict in Redis under %s does not decode; asking DNS", key);
	}
    }
    rpool_put(dv->pool, c, rpool_reply_is_io_error(c, r));
    if (r)
	freeReplyObject(r);
    return (found);
}

/* domverdict_redis_put - share an answer, expiring with its class */

static void domverdict_redis_put(DOMVERDICT *dv, const char *key, time_t now,
				         const DNS_RESULT *result)
{
    char    value[32 + DNS_RESULT_TEXT_MAX];
    char    ex[24];
    char    err[256] = "";
    int     n;
    time_t  refresh, expire;
    redisContext *c;
    redisReply *r;

    domverdict_times(dv, result->verdict, &refresh, &expire);
    if (dv->pool == NULL || expire <= 0)
	return;
    n = snprintf(value, sizeof(value), "%lld ", (long long) now);
    if (n < 0 || dns_result_encode(result, value + n, sizeof(value) - (size_t) n) < 0)
	return;
    snprintf(ex, sizeof(ex), "%lld", (long long) expire);
    if ((c = rpool_get(dv->pool, err, sizeof(err))) == NULL) {
	log_debug("domain verdict not shared in Redis: %s", err);
	return;
    }
    {
	const char *argv[5] = {"SET", key, value, "EX", ex};

	r = redisCommandArgv(c, 5, argv, NULL);
    }
    if (r == NULL || r->type == REDIS_REPLY_ERROR)
	log_warn("domain verdict not shared in Redis: %s",
		 r ? r->str : c->errstr);
    rpool_put(dv->pool, c, rpool_reply_is_io_error(c, r));
    if (r)
	freeReplyObject(r);
}

/* domverdict_get - the verdict for a domain, from the nearest place */

DNS_VERDICT domverdict_get(DOMVERDICT *dv, const char *ascii_domain, time_t now,
			           DNS_RESULT *out, DV_SOURCE *source)
{
    DOMCACHE_STATUS status = DOMCACHE_MISS;
    DNS_RESULT stale;
    bool    have_stale = false;
    time_t  fetched;
    char    key[512];
    bool    keyed = domverdict_redis_key(dv, ascii_domain, key, sizeof(key)) == 0;

    if (dv->cache != NULL) {
	status = domcache_get(dv->cache, ascii_domain, now, out);
	if (status == DOMCACHE_FRESH) {
	    *source = DV_FROM_PROCESS;
	    return (out->verdict);
	}
	if (status == DOMCACHE_STALE) {
	    stale = *out;
	    have_stale = true;
	}
    }
    if (keyed && domverdict_redis_get(dv, key, now, out, &fetched)) {
	if (dv->cache)
	    domcache_put(dv->cache, ascii_domain, out, fetched);
	*source = DV_FROM_REDIS;
	return (out->verdict);
    }
    dns_domain_verdict(dv->dns, ascii_domain, out);
    if (out->verdict == DNS_V_UNKNOWN && have_stale) {
	*out = stale;
	*source = DV_FROM_STALE;
	return (out->verdict);
    }
    if (dv->cache)
	domcache_put(dv->cache, ascii_domain, out, now);
    if (keyed)
	domverdict_redis_put(dv, key, now, out);
    *source = DV_FROM_DNS;
    return (out->verdict);
}
