/*++
 * NAME
 *	store 3
 * SUMMARY
 *	evidence and address state in Redis
 * SYNOPSIS
 *	#include "store.h"
 *
 *	void	store_conf_defaults(STORE_CONF *conf)
 *	STORE	*store_new(RPOOL *pool, const STORE_CONF *conf, char *err, size_t errlen)
 *	int	store_apply(STORE *store, const EVIDENCE *items, size_t n, time_t now,
 *				STORE_RESULT *results, char *err, size_t errlen)
 *	STORE_SNAPSHOT *store_snapshot(STORE *store,
 *				const char *const *addresses, size_t n,
 *				char *err, size_t errlen)
 *	int	store_apply_snapshot(STORE *store, const STORE_SNAPSHOT *snap,
 *				const EVIDENCE *items, size_t n, time_t now,
 *				STORE_RESULT *results, char *err, size_t errlen)
 *	void	store_snapshot_free(STORE_SNAPSHOT *snap)
 *	int	store_load(STORE *store, const char *key, RECORD_DOC *doc,
 *				bool *found, char *err, size_t errlen)
 *	int	store_forget(STORE *store, const char *key, time_t now,
 *				size_t *events_removed, char *err, size_t errlen)
 *	int	store_sweep(STORE *store, time_t now, STORE_SWEEP *stats,
 *				char *err, size_t errlen)
 *	int	store_kpi(STORE *store, const char *month, STORE_KPI_FN fn,
 *				void *ctx, char *err, size_t errlen)
 *	int	store_message(STORE *store, const char *ref, STORE_MESSAGE_FN fn,
 *				void *ctx, char *err, size_t errlen)
 *	unsigned store_bucket(const char *key)
 *	int	store_address_key(const STORE *store, const char *key,
 *				char *buf, size_t len)
 *	void	store_free(STORE *store)
 * DESCRIPTION
 *	The one place where evidence becomes state.  Addresses are spread
 *	over STORE_BUCKETS buckets by a hash of the address; B is the
 *	bucket in hex, and {bB} a Redis Cluster hash tag, so that an
 *	address's record, its bucket's KPI counters and its bucket's event
 *	stream live in one slot and one Lua script can change them together
 *	(PREFIX is RedisKeyPrefix):
 *
 *	PREFIXa:{bB}ADDRESS	the address's record, history and base
 *				(record.c), one string
 *	PREFIXkpi:{bB}:YYYY-MM	KPI counters of a month (local time): hash,
 *				field "department|owner|event|kind"; a
 *				report adds up the buckets (store_kpi())
 *	PREFIXm:{bB}:DAY	the letters sent that day (UTC day number) to
 *				the bucket's addresses: hash, field the
 *				message reference, value one line a
 *				recipient, "address|department|owner|event|
 *				contact"; written with the "sent" evidence,
 *				expires msgref_ttl after the day ends (one
 *				key a bucket a day, not one a letter: cheap)
 *	PREFIXevents:{bB}	the bucket's event stream (XADD, capped at
 *				about events_maxlen / STORE_BUCKETS): one
 *				entry a change of validity, staleness or
 *				suppression
 *
 *	There is no index: store_sweep() walks the records with SCAN (a
 *	sorted set would cost more memory an address than the record).
 *
 *	store_apply() stores a batch of evidence.  It reads every address
 *	of the batch in one pipeline, applies the items with record_add()
 *	(an id already in the history is a duplicate and changes nothing),
 *	and writes each changed record with a Lua compare-and-set on its
 *	version (store_write.c: one EVALSHA for the addresses of a bucket,
 *	the script loaded again after NOSCRIPT), all in a second pipeline.
 *	An address that another writer changed in between is read and
 *	applied again after a short random pause that doubles each time
 *	(at most max_retries times).  So many threads and
 *	processes can write evidence for one address and none is lost.
 *	It returns 0 when every item is stored, 1 when every item is
 *	stored or refused, -1 otherwise (Redis down or failing: the caller
 *	journals the items whose results[i].stored is false and
 *	results[i].refused is not).  An item is refused when retrying can
 *	never help: the record under its address does not decode (left
 *	untouched for a person to look at), would not fit, or the address
 *	is too long for a key (logged).
 *	The same script counts the new items in the KPI counters, writes
 *	the message references of "sent" items, and adds
 *	an event when validity, staleness or suppression changed, so that a
 *	write is counted exactly when it happens.  results[i] says what
 *	happened to item i.
 *
 *	store_snapshot() reads the records of some addresses ahead of time
 *	(one pipeline; NULL when Redis fails), and store_apply_snapshot() is
 *	store_apply() that takes the first read of those addresses from the
 *	snapshot: the milter reads a letter's recipients when its headers
 *	end, so that at the end of the message the "sent" evidence and the
 *	message reference take one round trip.  A record that changed since
 *	the snapshot is a write conflict like any other: read again, applied
 *	again.  The snapshot is not changed; free it with
 *	store_snapshot_free().
 *
 *	store_load() reads one address.  store_forget() erases an address
 *	(personal-data law): its record becomes a tombstone that keeps
 *	nothing but the time, so that evidence older than that (a late DSN,
 *	a journal replay) cannot bring it back; it leaves the indexes, and
 *	its entries are deleted from the event stream.  The KPI counters
 *	hold no address and stay.  store_sweep() applies what time alone
 *	changes (staleness, decay of soft bounces) to every record, and
 *	emits the events.  store_kpi() adds up a month's KPI counters over
 *	the buckets and calls fn once a field, in field order.
 *	store_message() finds the recipients of a letter by its reference
 *	(one HGET a bucket and day of the tag lifetime, one pipeline) and
 *	calls fn once a recipient
 *	with what the letter was: department, owner, event and contact ("" when
 *	unknown); a non-zero return stops it.
 * THREADS
 *	A STORE may be shared by threads: it borrows a connection from the
 *	pool for each call.
 * DIAGNOSTICS
 *	Functions return 0 or -1 with a reason in err.
 *--*/

#include "config.h"

#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "log.h"
#include "store.h"
#include "store_int.h"


void    store_conf_defaults(STORE_CONF *conf)
{
    memset(conf, 0, sizeof(*conf));
    conf->prefix = "la:";
    conf->history_max = 32;
    state_policy_defaults(&conf->policy);
    conf->max_retries = 64;
    conf->events_maxlen = 100000;
    conf->tombstone_ttl = 90 * 86400;
    conf->msgref_ttl = 10 * 86400;
}

STORE  *store_new(RPOOL *pool, const STORE_CONF *conf, char *err, size_t errlen)
{
    STORE  *store = calloc(1, sizeof(*store));

    if (store == NULL || (store->prefix = strdup(conf->prefix ? conf->prefix : "")) == NULL) {
	free(store);
	snprintf(err, errlen, "out of memory");
	return (NULL);
    }
    store->pool = pool;
    store->conf = *conf;
    store->conf.prefix = store->prefix;
    store->cas.body = store_cas_lua;
    rscript_init(&store->cas);
    return (store);
}

void    store_free(STORE *store)
{
    if (store) {
	free(store->prefix);
	free(store);
    }
}

const STORE_CONF *store_conf(const STORE *store)
{
    return (&store->conf);
}

/* store_bucket - which bucket an address is in (FNV-1a) */

unsigned store_bucket(const char *key)
{
    uint32_t h = 2166136261u;

    for (const unsigned char *cp = (const unsigned char *) key; *cp; cp++)
	h = (h ^ *cp) * 16777619u;
    return (h % STORE_BUCKETS);
}

int     store_address_key(const STORE *store, const char *key, char *buf, size_t len)
{
    int     n = snprintf(buf, len, "%sa:{b%x}%s", store->prefix, store_bucket(key), key);

    return (n > 0 && (size_t) n < len ? 0 : -1);
}

/* store_bucket_key - PREFIXname:{bB}SUFFIX */

void    store_bucket_key(const STORE *store, const char *name, unsigned bucket,
			             const char *suffix, char *buf, size_t len)
{
    snprintf(buf, len, "%s%s:{b%x}%s", store->prefix, name, bucket, suffix);
}

/* store_backoff - a random pause after a write conflict, longer each time */

static void store_backoff(int attempt)
{
    static _Thread_local unsigned seed;
    long    cap = 200L << (attempt < 7 ? attempt : 7);	/* microseconds */
    struct timespec ts;

    if (seed == 0)
	seed = (unsigned) (uintptr_t) &seed ^ (unsigned) time(NULL);
    ts.tv_sec = 0;
    ts.tv_nsec = (rand_r(&seed) % cap) * 1000L;
    nanosleep(&ts, NULL);
}

/* store_version_text - a version as the record writes it (base 36, 0 = "") */

void    store_version_text(unsigned long v, char *buf)
{
    char    tmp[16];
    int     i = 0, j = 0;

    while (v > 0) {
	tmp[i++] = "0123456789abcdefghijklmnopqrstuvwxyz"[v % 36];
	v /= 36;
    }
    while (i > 0)
	buf[j++] = tmp[--i];
    buf[j] = 0;
}

/* store_field - a KPI field part: no "|" inside */

void    store_field(char *dst, size_t size, const char *src)
{
    snprintf(dst, size, "%s", src && *src ? src : "-");
    for (char *cp = dst; *cp; cp++)
	if (*cp == '|')
	    *cp = '/';
}


/*
  * Record documents are large (the history has room for RECORD_HISTORY_MAX
  * items): each thread keeps up to STORE_DOC_CACHE of them for its next
  * batch instead of asking malloc() for fresh pages every time.
  */
#define STORE_DOC_CACHE	256

typedef struct {
    RECORD_DOC *docs[STORE_DOC_CACHE];
    int     n;
} STORE_DOCS;

static pthread_key_t store_docs_key;
static pthread_once_t store_docs_once = PTHREAD_ONCE_INIT;

/* store_docs_free - a thread's cache, when the thread ends */

static void store_docs_free(void *ptr)
{
    STORE_DOCS *cache = ptr;

    for (int i = 0; i < cache->n; i++)
	free(cache->docs[i]);
    free(cache);
}

static void store_docs_init(void)
{
    (void) pthread_key_create(&store_docs_key, store_docs_free);
}

static STORE_DOCS *store_docs(void)
{
    STORE_DOCS *cache;

    (void) pthread_once(&store_docs_once, store_docs_init);
    if ((cache = pthread_getspecific(store_docs_key)) == NULL
	&& (cache = calloc(1, sizeof(*cache))) != NULL
	&& pthread_setspecific(store_docs_key, cache) != 0) {
	free(cache);
	cache = NULL;
    }
    return (cache);
}

static RECORD_DOC *store_doc_take(void)
{
    STORE_DOCS *cache = store_docs();

    return (cache && cache->n > 0 ? cache->docs[--cache->n] : malloc(sizeof(RECORD_DOC)));
}

static void store_doc_give(RECORD_DOC *doc)
{
    STORE_DOCS *cache;

    if (doc == NULL)
	return;
    if ((cache = store_docs()) != NULL && cache->n < STORE_DOC_CACHE)
	cache->docs[cache->n++] = doc;
    else
	free(doc);
}

/* store_group - split a batch by address, keeping the order of items */

static STORE_GROUP *store_group(STORE *store, const EVIDENCE *items, size_t n,
				        size_t *ngroups)
{
    STORE_GROUP *groups = calloc(n ? n : 1, sizeof(*groups));
    size_t  g = 0;

    if (groups == NULL)
	return (NULL);
    for (size_t i = 0; i < n; i++) {
	size_t  k;

	for (k = 0; k < g; k++)
	    if (strcmp(groups[k].address, items[i].address) == 0)
		break;
	if (k == g) {
	    groups[g].address = items[i].address;
	    groups[g].bucket = store_bucket(items[i].address);
	    if ((groups[g].items = calloc(n, sizeof(size_t))) == NULL
		|| store_address_key(store, items[i].address, groups[g].key,
				     sizeof(groups[g].key)) < 0)
		groups[g].failed = groups[g].refused = groups[g].items != NULL;
	    if (groups[g].items == NULL)
		groups[g].failed = true;
	    g++;
	}
	if (groups[k].items)
	    groups[k].items[groups[k].nitems++] = i;
    }
    *ngroups = g;
    return (groups);
}

static void store_groups_free(STORE_GROUP *groups, size_t n)
{
    for (size_t i = 0; i < n; i++) {
	free(groups[i].items);
	store_doc_give(groups[i].doc);
    }
    free(groups);
}

/* store_take - decode what Redis holds for a group, apply its items */

static void store_take(STORE *store, STORE_GROUP *grp, bool nil, const char *value,
		               size_t len, const EVIDENCE *items, STORE_RESULT *results,
		               time_t now)
{
    if (grp->doc == NULL && (grp->doc = store_doc_take()) == NULL) {
	grp->failed = true;
	return;
    }
    if (nil) {
	record_doc_init(grp->doc);
    } else if (record_decode(value, len, grp->doc) < 0) {
	log_error("store: the record under %s does not decode; its evidence is refused",
		  grp->key);
	grp->failed = grp->refused = true;
	return;
    }
    store_version_text(grp->doc->version, grp->expect);
    grp->before = grp->doc->rec.validity;
    grp->changed = 0;
    if (grp->nitems == 0 && grp->doc->rec.updated > 0) {
	/* a sweep: only what time changes */
	unsigned ch = state_refresh(&grp->doc->rec, now, &store->conf.policy);

	grp->changed = ch ? ch | STATE_CHANGED_RECORD : 0;
    }
    for (size_t k = 0; k < grp->nitems; k++) {
	size_t  i = grp->items[k];
	unsigned ch = record_add(grp->doc, items + i, store->conf.history_max, now,
				 &store->conf.policy);

	results[i].duplicate = ch == 0;
	results[i].changed = ch;
	grp->changed |= ch;
    }
    if (grp->changed == 0) {
	grp->done = true;			/* nothing new: all duplicates */
	for (size_t k = 0; k < grp->nitems; k++)
	    results[grp->items[k]].stored = true;
    }
}

/* store_read - pipeline GET of every pending group (or use what was read), apply */

static int store_read(STORE *store, redisContext *c, STORE_GROUP *groups, size_t ng,
		              const EVIDENCE *items, STORE_RESULT *results, time_t now,
		              char *err, size_t errlen)
{
    for (size_t g = 0; g < ng; g++) {
	const char *argv[2] = {"GET", groups[g].key};

	if (!groups[g].done && !groups[g].failed && !groups[g].preread)
	    redisAppendCommandArgv(c, 2, argv, NULL);
    }
    for (size_t g = 0; g < ng; g++) {
	STORE_GROUP *grp = groups + g;
	redisReply *r;

	if (grp->done || grp->failed)
	    continue;
	if (grp->preread) {
	    /* read before the message ended (store_snapshot()): once only */
	    grp->preread = false;
	    store_take(store, grp, grp->preread_value == NULL, grp->preread_value,
		       grp->preread_len, items, results, now);
	    continue;
	}
	if (redisGetReply(c, (void **) &r) != REDIS_OK || r == NULL) {
	    snprintf(err, errlen, "Redis: %s", c->errstr);
	    return (-1);
	}
	if (r->type == REDIS_REPLY_ERROR) {
	    /* Redis answers but fails (LOADING after a restart, OOM, READONLY):
	     * not the record's fault; the caller journals the batch. */
	    snprintf(err, errlen, "Redis GET: %s", r->str);
	    freeReplyObject(r);
	    return (-1);
	}
	if (r->type != REDIS_REPLY_NIL && r->type != REDIS_REPLY_STRING) {
	    log_error("store: %s holds no string; its evidence is refused", grp->key);
	    grp->failed = grp->refused = true;
	} else {
	    store_take(store, grp, r->type == REDIS_REPLY_NIL, r->str, r->len, items,
		       results, now);
	}
	freeReplyObject(r);
    }
    return (0);
}

/* store_settle - read, apply and write until no group has a conflict */

static int store_settle(STORE *store, redisContext *c, STORE_GROUP *groups, size_t ng,
			        const EVIDENCE *items, STORE_RESULT *results, time_t now,
			        char *err, size_t errlen)
{
    bool    conflicts = true;

    for (int attempt = 0; conflicts && attempt <= store->conf.max_retries; attempt++) {
	if (attempt > 0)
	    store_backoff(attempt);
	if (store_read(store, c, groups, ng, items, results, now, err, errlen) < 0
	    || store_write(store, c, groups, ng, items, results, &conflicts, err, errlen) < 0)
	    return (-1);
    }
    if (conflicts)
	log_warn("store: gave up after %d write conflicts in a row", store->conf.max_retries);
    return (0);
}

int     store_apply_snapshot(STORE *store, const STORE_SNAPSHOT *snap, const EVIDENCE *items,
			             size_t n, time_t now, STORE_RESULT *results,
			             char *err, size_t errlen)
{
    STORE_GROUP *groups;
    size_t  ng;
    redisContext *c;
    int     status = 0;
    STORE_RESULT *own = NULL;

    if (n == 0)
	return (0);
    if (results == NULL && (results = own = calloc(n, sizeof(*results))) == NULL) {
	snprintf(err, errlen, "out of memory");
	return (-1);
    }
    memset(results, 0, n * sizeof(*results));
    if ((groups = store_group(store, items, n, &ng)) == NULL) {
	free(own);
	snprintf(err, errlen, "out of memory");
	return (-1);
    }
    for (size_t g = 0; snap && g < ng; g++) {
	for (size_t k = 0; k < snap->n; k++) {
	    if (snap->read[k] && strcmp(snap->keys[k], groups[g].key) == 0) {
		groups[g].preread = true;
		groups[g].preread_value = snap->values[k];
		groups[g].preread_len = snap->lens[k];
		break;
	    }
	}
    }
    if ((c = rpool_get(store->pool, err, errlen)) == NULL) {
	store_groups_free(groups, ng);
	free(own);
	return (-1);
    }
    status = store_settle(store, c, groups, ng, items, results, now, err, errlen);
    rpool_put(store->pool, c, status < 0);
    for (size_t g = 0; g < ng; g++)
	for (size_t k = 0; groups[g].refused && k < groups[g].nitems; k++)
	    results[groups[g].items[k]].refused = true;
    for (size_t i = 0; i < n && status >= 0; i++) {
	if (!results[i].stored && !results[i].refused) {
	    snprintf(err, errlen, "some evidence was not stored (see the log)");
	    status = -1;
	} else if (results[i].refused) {
	    snprintf(err, errlen, "some evidence was refused (see the log)");
	    status = 1;
	}
    }
    store_groups_free(groups, ng);
    free(own);
    return (status);
}

int     store_apply(STORE *store, const EVIDENCE *items, size_t n, time_t now,
		            STORE_RESULT *results, char *err, size_t errlen)
{
    return (store_apply_snapshot(store, NULL, items, n, now, results, err, errlen));
}

STORE_SNAPSHOT *store_snapshot(STORE *store, const char *const *addresses, size_t n,
			               char *err, size_t errlen)
{
    STORE_SNAPSHOT *snap = calloc(1, sizeof(*snap));
    redisContext *c;
    int     status = 0;

    if (snap == NULL || (snap->keys = calloc(n ? n : 1, sizeof(char *))) == NULL
	|| (snap->values = calloc(n ? n : 1, sizeof(char *))) == NULL
	|| (snap->lens = calloc(n ? n : 1, sizeof(size_t))) == NULL
	|| (snap->read = calloc(n ? n : 1, sizeof(bool))) == NULL) {
	store_snapshot_free(snap);
	snprintf(err, errlen, "out of memory");
	return (NULL);
    }
    snap->n = n;
    for (size_t i = 0; i < n; i++) {
	char    key[ADDR_ADDRESS_MAX + 64];

	if (store_address_key(store, addresses[i], key, sizeof(key)) < 0
	    || (snap->keys[i] = strdup(key)) == NULL) {
	    store_snapshot_free(snap);
	    snprintf(err, errlen, "address too long, or out of memory");
	    return (NULL);
	}
    }
    if ((c = rpool_get(store->pool, err, errlen)) == NULL) {
	store_snapshot_free(snap);
	return (NULL);
    }
    for (size_t i = 0; i < n; i++) {
	const char *argv[2] = {"GET", snap->keys[i]};

	redisAppendCommandArgv(c, 2, argv, NULL);
    }
    for (size_t i = 0; i < n && status == 0; i++) {
	redisReply *r;

	if (redisGetReply(c, (void **) &r) != REDIS_OK || r == NULL) {
	    snprintf(err, errlen, "Redis: %s", c->errstr);
	    status = -1;
	    break;
	}
	if (r->type == REDIS_REPLY_STRING) {
	    if ((snap->values[i] = malloc(r->len + 1)) != NULL) {
		memcpy(snap->values[i], r->str, r->len);
		snap->values[i][r->len] = 0;
		snap->lens[i] = r->len;
		snap->read[i] = true;
	    }
	} else if (r->type == REDIS_REPLY_NIL) {
	    snap->read[i] = true;		/* absent: values[i] stays NULL */
	}					/* anything else: read again later */
	freeReplyObject(r);
    }
    rpool_put(store->pool, c, status < 0);
    if (status < 0) {
	store_snapshot_free(snap);
	return (NULL);
    }
    return (snap);
}

void    store_snapshot_free(STORE_SNAPSHOT *snap)
{
    if (snap == NULL)
	return;
    for (size_t i = 0; i < snap->n; i++) {
	if (snap->keys)
	    free(snap->keys[i]);
	if (snap->values)
	    free(snap->values[i]);
    }
    free(snap->keys);
    free(snap->values);
    free(snap->lens);
    free(snap->read);
    free(snap);
}

int     store_load(STORE *store, const char *key, RECORD_DOC *doc, bool *found,
		           char *err, size_t errlen)
{
    char    rkey[ADDR_ADDRESS_MAX + 64];
    redisContext *c;
    redisReply *r;
    const char *argv[2] = {"GET", rkey};
    int     status = 0;

    *found = false;
    record_doc_init(doc);
    if (store_address_key(store, key, rkey, sizeof(rkey)) < 0) {
	snprintf(err, errlen, "address too long");
	return (-1);
    }
    if ((c = rpool_get(store->pool, err, errlen)) == NULL)
	return (-1);
    r = redisCommandArgv(c, 2, argv, NULL);
    if (r == NULL) {
	snprintf(err, errlen, "Redis: %s", c->errstr);
	status = -1;
    } else if (r->type == REDIS_REPLY_STRING) {
	if (record_decode(r->str, r->len, doc) < 0) {
	    snprintf(err, errlen, "the record under %s does not decode", rkey);
	    status = -1;
	} else {
	    *found = true;
	}
    } else if (r->type != REDIS_REPLY_NIL) {
	snprintf(err, errlen, "Redis: %s", r->type == REDIS_REPLY_ERROR ? r->str : "unexpected reply");
	status = -1;
    }
    rpool_put(store->pool, c, rpool_reply_is_io_error(c, r));
    if (r)
	freeReplyObject(r);
    return (status);
}

/* store_command - one command, reply checked; 0 or -1 (argvlen: NULL for C strings) */

static int store_command_len(redisContext *c, int argc, const char **argv,
			             const size_t *argvlen, redisReply **out,
			             char *err, size_t errlen)
{
    redisReply *r = redisCommandArgv(c, argc, argv, argvlen);

    if (r == NULL || r->type == REDIS_REPLY_ERROR) {
	snprintf(err, errlen, "Redis %s: %s", argv[0], r ? r->str : c->errstr);
	if (r)
	    freeReplyObject(r);
	return (-1);
    }
    if (out)
	*out = r;
    else
	freeReplyObject(r);
    return (0);
}

static int store_command(redisContext *c, int argc, const char **argv,
			         redisReply **out, char *err, size_t errlen)
{
    return (store_command_len(c, argc, argv, NULL, out, err, errlen));
}

/* store_forget_events - delete the stream entries that name an address */

static int store_forget_events(STORE *store, redisContext *c, const char *key,
			               size_t *removed, char *err, size_t errlen)
{
    char    events[160], start[64] = "-";

    store_bucket_key(store, "events", store_bucket(key), "", events, sizeof(events));
    for (;;) {
	const char *argv[6] = {"XRANGE", events, start, "+", "COUNT", "1000"};
	redisReply *r;
	size_t  n;

	if (store_command(c, 6, argv, &r, err, errlen) < 0)
	    return (-1);
	n = r->type == REDIS_REPLY_ARRAY ? r->elements : 0;
	for (size_t i = 0; i < n; i++) {
	    redisReply *entry = r->element[i];
	    redisReply *fields;

	    if (entry->type != REDIS_REPLY_ARRAY || entry->elements != 2
		|| entry->element[0]->type != REDIS_REPLY_STRING)
		continue;
	    fields = entry->element[1];
	    for (size_t f = 0; fields->type == REDIS_REPLY_ARRAY && f + 1 < fields->elements; f += 2) {
		if (fields->element[f]->type == REDIS_REPLY_STRING
		    && fields->element[f + 1]->type == REDIS_REPLY_STRING
		    && strcmp(fields->element[f]->str, "address") == 0
		    && strcmp(fields->element[f + 1]->str, key) == 0) {
		    const char *del[3] = {"XDEL", events, entry->element[0]->str};

		    if (store_command(c, 3, del, NULL, err, errlen) == 0)
			(*removed)++;
		}
	    }
	    /* next page starts after this id: "(" is exclusive (Redis 6.2+) */
	    snprintf(start, sizeof(start), "(%s", entry->element[0]->str);
	}
	freeReplyObject(r);
	if (n < 1000)
	    return (0);
    }
}

int     store_forget(STORE *store, const char *key, time_t now, size_t *events_removed,
		             char *err, size_t errlen)
{
    RECORD_DOC *doc = malloc(sizeof(*doc));
    char    rkey[ADDR_ADDRESS_MAX + 64], value[512], ex[24];
    redisContext *c;
    int     len, status = 0;

    *events_removed = 0;
    if (doc == NULL) {
	snprintf(err, errlen, "out of memory");
	return (-1);
    }
    if (store_address_key(store, key, rkey, sizeof(rkey)) < 0) {
	free(doc);
	snprintf(err, errlen, "address too long");
	return (-1);
    }
    record_doc_init(doc);
    doc->version = (unsigned long) now;		/* any later than every writer's */
    doc->forgotten = now;
    len = record_encode(doc, value, sizeof(value));
    free(doc);
    snprintf(ex, sizeof(ex), "%lld", (long long) store->conf.tombstone_ttl);
    if ((c = rpool_get(store->pool, err, errlen)) == NULL)
	return (-1);
    {
	/* the record is binary: every length is given */
	const char *set[5] = {"SET", rkey, value, "EX", ex};
	size_t  setlen[5] = {3, strlen(rkey), len < 0 ? 0 : (size_t) len, 2, strlen(ex)};

	if (len < 0 || store_command_len(c, 5, set, setlen, NULL, err, errlen) < 0
	    || store_forget_events(store, c, key, events_removed, err, errlen) < 0)
	    status = -1;
    }
    rpool_put(store->pool, c, status < 0 && c->err);
    return (status);
}

/* store_sweep_page - refresh the records one SCAN page names */

static int store_sweep_page(STORE *store, redisContext *c, redisReply *keys, time_t now,
			            STORE_SWEEP *stats, char *err, size_t errlen)
{
    STORE_GROUP *groups;
    size_t  n = keys->elements, ng = 0, skip = strlen(store->prefix) + 2;
    int     status;

    if (n == 0)
	return (0);
    if ((groups = calloc(n, sizeof(*groups))) == NULL) {
	snprintf(err, errlen, "out of memory");
	return (-1);
    }
    for (size_t i = 0; i < n; i++) {
	const redisReply *k = keys->element[i];
	const char *brace;

	/* PREFIXa:{bB}ADDRESS: the address follows the hash tag */
	if (k->type != REDIS_REPLY_STRING || k->len <= skip
	    || (brace = strchr(k->str + skip, '}')) == NULL || brace[1] == 0
	    || strlen(k->str) >= sizeof(groups[ng].key))
	    continue;
	groups[ng].address = brace + 1;
	groups[ng].bucket = store_bucket(brace + 1);
	strcpy(groups[ng].key, k->str);
	ng++;
    }
    status = store_settle(store, c, groups, ng, NULL, NULL, now, err, errlen);
    for (size_t i = 0; i < ng; i++) {
	stats->examined++;
	if (groups[i].done && groups[i].changed) {
	    stats->changed++;
	    if (groups[i].doc->rec.stale)
		stats->stale++;
	    if (groups[i].before == VAL_RISKY && groups[i].doc->rec.validity != VAL_RISKY)
		stats->decayed++;
	}
    }
    store_groups_free(groups, ng);
    return (status);
}

int     store_sweep(STORE *store, time_t now, STORE_SWEEP *stats, char *err, size_t errlen)
{
    char    match[128], cursor[32] = "0";
    redisContext *c;
    int     status = 0;

    memset(stats, 0, sizeof(*stats));
    {
	size_t  m = 0;

	/* the prefix is literal: escape what SCAN MATCH would read as a glob */
	for (const char *cp = store->prefix; *cp && m + 5 < sizeof(match); cp++) {
	    if (strchr("*?[]\\", *cp))
		match[m++] = '\\';
	    match[m++] = *cp;
	}
	memcpy(match + m, "a:*", 4);
    }
    if ((c = rpool_get(store->pool, err, errlen)) == NULL)
	return (-1);
    do {
	const char *argv[6] = {"SCAN", cursor, "MATCH", match, "COUNT", "1000"};
	redisReply *r;

	if (store_command(c, 6, argv, &r, err, errlen) < 0) {
	    status = -1;
	    break;
	}
	if (r->type != REDIS_REPLY_ARRAY || r->elements != 2
	    || r->element[0]->type != REDIS_REPLY_STRING
	    || r->element[1]->type != REDIS_REPLY_ARRAY
	    || r->element[0]->len >= sizeof(cursor)) {
	    snprintf(err, errlen, "Redis SCAN: unexpected reply");
	    freeReplyObject(r);
	    status = -1;
	    break;
	}
	memcpy(cursor, r->element[0]->str, r->element[0]->len + 1);
	status = store_sweep_page(store, c, r->element[1], now, stats, err, errlen);
	freeReplyObject(r);
    } while (status == 0 && strcmp(cursor, "0") != 0);
    rpool_put(store->pool, c, status < 0 && c->err);
    return (status);
}

/* kpi_field_cmp - qsort by field */

typedef struct {
    const char *field;
    long long count;
} KPI_PAIR;

static int kpi_field_cmp(const void *a, const void *b)
{
    return (strcmp(((const KPI_PAIR *) a)->field, ((const KPI_PAIR *) b)->field));
}

int     store_kpi(STORE *store, const char *month, STORE_KPI_FN fn, void *ctx,
		          char *err, size_t errlen)
{
    redisReply *replies[STORE_BUCKETS] = {0};
    KPI_PAIR *pairs = NULL;
    size_t  npairs = 0, cap = 0;
    redisContext *c;
    char    key[160], suffix[40];
    int     status = 0;

    snprintf(suffix, sizeof(suffix), ":%s", month);
    if ((c = rpool_get(store->pool, err, errlen)) == NULL)
	return (-1);
    for (unsigned b = 0; b < STORE_BUCKETS; b++) {
	const char *argv[2] = {"HGETALL", key};

	store_bucket_key(store, "kpi", b, suffix, key, sizeof(key));
	redisAppendCommandArgv(c, 2, argv, NULL);
    }
    for (unsigned b = 0; b < STORE_BUCKETS && status == 0; b++) {
	redisReply *r;

	if (redisGetReply(c, (void **) &r) != REDIS_OK || r == NULL) {
	    snprintf(err, errlen, "Redis: %s", c->errstr);
	    status = -1;
	    break;
	}
	replies[b] = r;
	if (r->type != REDIS_REPLY_ARRAY) {
	    snprintf(err, errlen, "Redis HGETALL: %s",
		     r->type == REDIS_REPLY_ERROR ? r->str : "unexpected reply");
	    status = -1;
	    break;
	}
	for (size_t i = 0; i + 1 < r->elements; i += 2) {
	    if (r->element[i]->type != REDIS_REPLY_STRING
		|| r->element[i + 1]->type != REDIS_REPLY_STRING)
		continue;
	    if (npairs == cap) {
		KPI_PAIR *more = realloc(pairs, (cap = cap ? 2 * cap : 64) * sizeof(*pairs));

		if (more == NULL) {
		    snprintf(err, errlen, "out of memory");
		    status = -1;
		    break;
		}
		pairs = more;
	    }
	    pairs[npairs].field = r->element[i]->str;
	    pairs[npairs].count = atoll(r->element[i + 1]->str);
	    npairs++;
	}
    }
    rpool_put(store->pool, c, status < 0);
    if (status == 0 && npairs > 0) {
	qsort(pairs, npairs, sizeof(*pairs), kpi_field_cmp);
	for (size_t i = 0; i < npairs;) {
	    size_t  j = i;
	    long long sum = 0;

	    for (; j < npairs && strcmp(pairs[j].field, pairs[i].field) == 0; j++)
		sum += pairs[j].count;
	    if (fn(ctx, pairs[i].field, sum) != 0)
		break;
	    i = j;
	}
    }
    free(pairs);
    for (unsigned b = 0; b < STORE_BUCKETS; b++)
	if (replies[b])
	    freeReplyObject(replies[b]);
    return (status);
}

int     store_message(STORE *store, const char *ref, STORE_MESSAGE_FN fn, void *ctx,
		              char *err, size_t errlen)
{
    redisContext *c;
    long    today = (long) (time(NULL) / 86400);
    long    days = (long) (store->conf.msgref_ttl / 86400) + 2;
    size_t  sent = 0;
    int     status = 0, stop = 0;

    if (strlen(ref) == 0 || strlen(ref) > EV_NAME_MAX) {
	snprintf(err, errlen, "bad message reference");
	return (-1);
    }
    if ((c = rpool_get(store->pool, err, errlen)) == NULL)
	return (-1);
    /* The letter was sent on one of the last TagLifetime days, to any bucket. */
    for (unsigned b = 0; b < STORE_BUCKETS; b++) {
	for (long d = today - days; d <= today + 1; d++) {
	    char    key[160], suffix[32];
	    const char *argv[3] = {"HGET", key, ref};

	    snprintf(suffix, sizeof(suffix), ":%ld", d);
	    store_bucket_key(store, "m", b, suffix, key, sizeof(key));
	    redisAppendCommandArgv(c, 3, argv, NULL);
	    sent++;
	}
    }
    for (size_t i = 0; i < sent; i++) {
	redisReply *r;

	if (redisGetReply(c, (void **) &r) != REDIS_OK || r == NULL) {
	    snprintf(err, errlen, "Redis: %s", c->errstr);
	    status = -1;
	    break;
	}
	if (r->type == REDIS_REPLY_ERROR && status == 0) {
	    snprintf(err, errlen, "Redis HGET: %s", r->str);
	    status = -1;
	}
	if (r->type == REDIS_REPLY_STRING && status == 0) {
	    char   *lines = strdup(r->str), *line, *save = NULL;

	    for (line = lines ? strtok_r(lines, "\n", &save) : NULL; line && !stop;
		 line = strtok_r(NULL, "\n", &save)) {
		char   *part[5], *cp = line;

		for (int k = 0; k < 5; k++) {
		    part[k] = cp;
		    if (cp && (cp = strchr(cp, '|')) != NULL)
			*cp++ = 0;
		    if (part[k] == NULL || strcmp(part[k], "-") == 0)
			part[k] = "";
		}
		if (*part[0])
		    stop = fn(ctx, part[0], part[1], part[2], part[3], part[4]);
	    }
	    free(lines);
	}
	freeReplyObject(r);
    }
    rpool_put(store->pool, c, status < 0);
    return (status);
}
