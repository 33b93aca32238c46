/*++
 * NAME
 *	domcache 3
 * SUMMARY
 *	in-process cache of domain verdicts (thread-safe, bounded)
 * SYNOPSIS
 *	#include "domcache.h"
 *
 *	DOMCACHE_TTL domcache_ttl_defaults(void)
 *	DOMCACHE *domcache_new(size_t max_entries, const DOMCACHE_TTL *ttl)
 *	DOMCACHE_STATUS domcache_get(DOMCACHE *cache, const char *domain,
 *				time_t now, DNS_RESULT *out)
 *	int	domcache_put(DOMCACHE *cache, const char *domain,
 *				const DNS_RESULT *result, time_t now)
 *	bool	domcache_remove(DOMCACHE *cache, const char *domain)
 *	size_t	domcache_count(DOMCACHE *cache)
 *	const char *domcache_status_name(DOMCACHE_STATUS status)
 *	void	domcache_free(DOMCACHE *cache)
 * DESCRIPTION
 *	Keeps the verdicts of dns(3) by ASCII domain (compared without
 *	case, one final dot ignored), so that a busy filter asks DNS about
 *	a domain now and then, not for every letter.  The caller passes the
 *	time (now, seconds), so tests can move the clock.
 *
 *	How long a verdict stays depends on its class (dns_verdict_class()),
 *	with the defaults of Postfix's address verification cache
 *	(domcache_ttl_defaults(), verify(8)):
 * .IP \(bu
 *	valid and weak (ok, implicit_mx): refreshed after 7 days, dropped
 *	after 31 days;
 * .IP \(bu
 *	invalid (null_mx, no_mail, nxdomain, ...): refreshed after 3 hours,
 *	dropped after 3 days;
 * .IP \(bu
 *	unknown (temporary failure): kept 60 seconds and never stale, so a
 *	domain whose DNS times out costs one full time budget a minute, not
 *	one per letter; unknown_expire 0 does not cache it at all.  An
 *	unknown result never replaces a known verdict that has not expired
 *	(as in Postfix: a DNS hiccup must not erase what we know); it only
 *	delays the next refresh by refresh_hold.
 * .PP
 *	domcache_get() copies the entry into *out and returns DOMCACHE_FRESH,
 *	or DOMCACHE_STALE when it is due for a refresh: the caller uses it
 *	and looks the domain up again, then calls domcache_put().  STALE is
 *	handed out once per refresh_hold (60 s) for an entry, so that many
 *	threads do not all refresh the same domain at once; the others get
 *	FRESH meanwhile.  DOMCACHE_MISS (no entry, or an expired one, which
 *	is then dropped) leaves *out as an empty DNS_V_UNKNOWN result.  If
 *	the clock went back before the time an entry was stored, the entry
 *	is treated as due for a refresh.
 *
 *	domcache_put() stores a copy of the result; it returns 0, 1 when it
 *	kept the older entry (an unknown result over a known verdict) or
 *	did not store (unknown_expire 0), and -1 for a domain that fails
 *	dns_name_is_valid() or when memory is short.  The cache holds at
 *	most max_entries (0: DOMCACHE_DEFAULT_MAX); a new entry beyond that
 *	evicts the least recently used one (get and put both count as use).
 *	domcache_remove() forgets a domain ("undo a wrong verdict").
 * MEMORY
 *	The cache owns copies of keys and results; the caller frees it with
 *	domcache_free() when no thread uses it any more.
 * THREADS
 *	Every call may come from any thread: one mutex guards the cache
 *	(a lookup moves the entry in the LRU list, so even reads write; a
 *	read-write lock would not help).  The lock is held for a hash
 *	lookup and a copy of one DNS_RESULT (about 400 bytes), never during
 *	DNS lookups.  The hash is seeded at random, so crafted domain names
 *	cannot pile into one chain.
 * DIAGNOSTICS
 *	domcache_new() returns NULL when memory is short or a TTL is
 *	negative.
 *--*/

#include "config.h"

#include <ctype.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>

#include "domcache.h"

#define DOMCACHE_LIMIT	(1U << 24)	/* entries; larger requests are cut */

typedef struct DOMCACHE_ENTRY {
    struct DOMCACHE_ENTRY *chain;	/* next in the hash bucket */
    struct DOMCACHE_ENTRY *newer;	/* LRU list */
    struct DOMCACHE_ENTRY *older;
    char    key[DNS_NAME_LEN];		/* lower case, no final dot */
    DNS_RESULT result;
    time_t  stored;
    time_t  refresh_at;
    time_t  expire_at;
    time_t  hold_until;			/* no STALE before this */
} DOMCACHE_ENTRY;

struct DOMCACHE {
    pthread_mutex_t lock;
    DOMCACHE_TTL ttl;
    DOMCACHE_ENTRY **buckets;
    size_t  nbuckets;			/* a power of two */
    size_t  count;
    size_t  max;
    uint64_t seed;
    DOMCACHE_ENTRY *newest;
    DOMCACHE_ENTRY *oldest;
};

/* domcache_ttl_defaults - Postfix verify(8) times, and 60 s for unknown */

DOMCACHE_TTL domcache_ttl_defaults(void)
{
    DOMCACHE_TTL ttl = {
	.positive_refresh = 7 * 86400,
	.positive_expire = 31 * 86400,
	.negative_refresh = 3 * 3600,
	.negative_expire = 3 * 86400,
	.unknown_expire = 60,
	.refresh_hold = 60,
    };

    return (ttl);
}

/* domcache_after - now + secs, saturating instead of overflowing */

static time_t domcache_after(time_t now, time_t secs)
{
    const time_t max = (time_t) (((uint64_t) 1 << (sizeof(time_t) * 8 - 1)) - 1);

    return (now > max - secs ? max : now + secs);
}

/* domcache_key - normalize a domain into key[]; -1 if it is no name */

static int domcache_key(const char *domain, char *key)
{
    size_t  len;

    if (!dns_name_is_valid(domain))
	return (-1);
    len = strlen(domain);
    if (domain[len - 1] == '.')
	len--;
    for (size_t i = 0; i < len; i++)
	key[i] = (char) tolower((unsigned char) domain[i]);
    key[len] = 0;
    return (0);
}

/* domcache_hash - seeded FNV-1a */

static size_t domcache_hash(const DOMCACHE *cache, const char *key)
{
    uint64_t h = 0xcbf29ce484222325ULL ^ cache->seed;

    for (; *key; key++) {
	h ^= (unsigned char) *key;
	h *= 0x100000001b3ULL;
    }
    h ^= h >> 29;
    return ((size_t) h & (cache->nbuckets - 1));
}

/* domcache_find - the entry for a key, or NULL (lock held) */

static DOMCACHE_ENTRY *domcache_find(const DOMCACHE *cache, const char *key)
{
    DOMCACHE_ENTRY *e = cache->buckets[domcache_hash(cache, key)];

    while (e != NULL && strcmp(e->key, key) != 0)
	e = e->chain;
    return (e);
}

/* domcache_lru_unlink - take an entry out of the LRU list */

static void domcache_lru_unlink(DOMCACHE *cache, DOMCACHE_ENTRY *e)
{
    if (e->newer)
	e->newer->older = e->older;
    else
	cache->newest = e->older;
    if (e->older)
	e->older->newer = e->newer;
    else
	cache->oldest = e->newer;
    e->newer = e->older = NULL;
}

/* domcache_lru_front - make an entry the most recently used */

static void domcache_lru_front(DOMCACHE *cache, DOMCACHE_ENTRY *e)
{
    if (cache->newest == e)
	return;
    if (e->newer != NULL || e->older != NULL || cache->oldest == e)
	domcache_lru_unlink(cache, e);
    e->older = cache->newest;
    e->newer = NULL;
    if (cache->newest)
	cache->newest->newer = e;
    cache->newest = e;
    if (cache->oldest == NULL)
	cache->oldest = e;
}

/* domcache_drop - remove and free one entry (lock held) */

static void domcache_drop(DOMCACHE *cache, DOMCACHE_ENTRY *e)
{
    DOMCACHE_ENTRY **pp = cache->buckets + domcache_hash(cache, e->key);

    while (*pp != NULL && *pp != e)
	pp = &(*pp)->chain;
    if (*pp == e)
	*pp = e->chain;
    domcache_lru_unlink(cache, e);
    cache->count--;
    free(e);
}

/* domcache_new - an empty cache */

DOMCACHE *domcache_new(size_t max_entries, const DOMCACHE_TTL *ttl)
{
    DOMCACHE *cache;
    size_t  nbuckets = 16;

    if (ttl != NULL && (ttl->positive_refresh < 0 || ttl->positive_expire < 0
			|| ttl->negative_refresh < 0 || ttl->negative_expire < 0
			|| ttl->unknown_expire < 0 || ttl->refresh_hold < 0))
	return (NULL);
    if (max_entries == 0)
	max_entries = DOMCACHE_DEFAULT_MAX;
    if (max_entries > DOMCACHE_LIMIT)
	max_entries = DOMCACHE_LIMIT;
    while (nbuckets < max_entries)
	nbuckets *= 2;
    if ((cache = calloc(1, sizeof(*cache))) == NULL)
	return (NULL);
    if ((cache->buckets = calloc(nbuckets, sizeof(*cache->buckets))) == NULL
	|| pthread_mutex_init(&cache->lock, NULL) != 0) {
	free(cache->buckets);
	free(cache);
	return (NULL);
    }
    cache->nbuckets = nbuckets;
    cache->max = max_entries;
    cache->ttl = ttl ? *ttl : domcache_ttl_defaults();
    if (getrandom(&cache->seed, sizeof(cache->seed), GRND_NONBLOCK) != sizeof(cache->seed))
	cache->seed = (uint64_t) time(NULL) ^ (uint64_t) (uintptr_t) cache;
    return (cache);
}

/* domcache_free - destroy the cache and every entry */

void    domcache_free(DOMCACHE *cache)
{
    DOMCACHE_ENTRY *e;
    DOMCACHE_ENTRY *next;

    if (cache == NULL)
	return;
    for (e = cache->newest; e != NULL; e = next) {
	next = e->older;
	free(e);
    }
    pthread_mutex_destroy(&cache->lock);
    free(cache->buckets);
    free(cache);
}

/* domcache_empty - the result a miss leaves behind */

static void domcache_empty(DNS_RESULT *out)
{
    memset(out, 0, sizeof(*out));
    out->verdict = DNS_V_UNKNOWN;
    out->rcode = -1;
}

/* domcache_get - look a domain up: miss, fresh or stale */

DOMCACHE_STATUS domcache_get(DOMCACHE *cache, const char *domain, time_t now,
			             DNS_RESULT *out)
{
    char    key[DNS_NAME_LEN];
    DOMCACHE_ENTRY *e;
    DOMCACHE_STATUS status;

    if (out != NULL)
	domcache_empty(out);
    if (cache == NULL || out == NULL || domcache_key(domain, key) < 0)
	return (DOMCACHE_MISS);
    pthread_mutex_lock(&cache->lock);
    if ((e = domcache_find(cache, key)) == NULL) {
	status = DOMCACHE_MISS;
    } else if (now >= e->expire_at) {
	domcache_drop(cache, e);
	status = DOMCACHE_MISS;
    } else {
	if (now < e->stored) {
	    /* The clock went back: do not trust the times; refresh. */
	    e->stored = e->refresh_at = e->hold_until = now;
	}
	*out = e->result;
	domcache_lru_front(cache, e);
	if (now >= e->refresh_at && now >= e->hold_until) {
	    e->hold_until = domcache_after(now, cache->ttl.refresh_hold);
	    status = DOMCACHE_STALE;
	} else {
	    status = DOMCACHE_FRESH;
	}
    }
    pthread_mutex_unlock(&cache->lock);
    return (status);
}

/* domcache_put - store a verdict; 0 stored, 1 kept the older, -1 error */

int     domcache_put(DOMCACHE *cache, const char *domain, const DNS_RESULT *result,
		             time_t now)
{
    char    key[DNS_NAME_LEN];
    DOMCACHE_ENTRY *e;
    DNS_CLASS class;
    time_t  refresh;
    time_t  expire;

    if (cache == NULL || result == NULL || domcache_key(domain, key) < 0)
	return (-1);
    class = dns_verdict_class(result->verdict);
    switch (class) {
    case DNS_CLASS_VALID:
    case DNS_CLASS_WEAK:
	refresh = cache->ttl.positive_refresh;
	expire = cache->ttl.positive_expire;
	break;
    case DNS_CLASS_INVALID:
	refresh = cache->ttl.negative_refresh;
	expire = cache->ttl.negative_expire;
	break;
    case DNS_CLASS_TEMP:
    default:
	refresh = expire = cache->ttl.unknown_expire;
	break;
    }

    pthread_mutex_lock(&cache->lock);
    e = domcache_find(cache, key);
    if (class == DNS_CLASS_TEMP) {
	if (e != NULL && dns_verdict_class(e->result.verdict) != DNS_CLASS_TEMP
	    && now < e->expire_at && now >= e->stored) {
	    /* Keep what we know; ask again after the hold. */
	    e->hold_until = domcache_after(now, cache->ttl.refresh_hold);
	    pthread_mutex_unlock(&cache->lock);
	    return (1);
	}
	if (expire == 0) {
	    if (e != NULL)
		domcache_drop(cache, e);
	    pthread_mutex_unlock(&cache->lock);
	    return (1);
	}
    }
    if (e == NULL) {
	if (cache->count >= cache->max && cache->oldest != NULL)
	    domcache_drop(cache, cache->oldest);
	if ((e = calloc(1, sizeof(*e))) == NULL) {
	    pthread_mutex_unlock(&cache->lock);
	    return (-1);
	}
	memcpy(e->key, key, sizeof(e->key));
	e->chain = cache->buckets[domcache_hash(cache, key)];
	cache->buckets[domcache_hash(cache, key)] = e;
	cache->count++;
    }
    e->result = *result;
    e->stored = now;
    e->refresh_at = domcache_after(now, refresh);
    e->expire_at = domcache_after(now, expire);
    e->hold_until = now;
    domcache_lru_front(cache, e);
    pthread_mutex_unlock(&cache->lock);
    return (0);
}

/* domcache_remove - forget a domain; true if it was there */

bool    domcache_remove(DOMCACHE *cache, const char *domain)
{
    char    key[DNS_NAME_LEN];
    DOMCACHE_ENTRY *e;

    if (cache == NULL || domcache_key(domain, key) < 0)
	return (false);
    pthread_mutex_lock(&cache->lock);
    if ((e = domcache_find(cache, key)) != NULL)
	domcache_drop(cache, e);
    pthread_mutex_unlock(&cache->lock);
    return (e != NULL);
}

/* domcache_count - entries now held (expired ones included until seen) */

size_t  domcache_count(DOMCACHE *cache)
{
    size_t  count;

    if (cache == NULL)
	return (0);
    pthread_mutex_lock(&cache->lock);
    count = cache->count;
    pthread_mutex_unlock(&cache->lock);
    return (count);
}

/* domcache_status_name - "miss", "fresh", "stale" */

const char *domcache_status_name(DOMCACHE_STATUS status)
{
    static const char *const names[] = {"miss", "fresh", "stale"};

    return ((unsigned) status < 3 ? names[status] : "miss");
}
