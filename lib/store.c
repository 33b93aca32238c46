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
 *	int	store_load(STORE *store, const char *key, RECORD_DOC *doc,
 *				bool *found, char *err, size_t errlen)
 *	int	store_forget(STORE *store, const char *key, time_t now,
 *				size_t *events_removed, char *err, size_t errlen)
 *	int	store_sweep(STORE *store, time_t now, STORE_SWEEP *stats,
 *				char *err, size_t errlen)
 *	void	store_free(STORE *store)
 * DESCRIPTION
 *	The one place where evidence becomes state.  Keys (PREFIX is
 *	RedisKeyPrefix; {...} is a Redis Cluster hash tag):
 *
 *	PREFIXa:{ADDRESS}	the address's record, history and base
 *				(record.c), one string: every per-address
 *				operation touches this one key
 *	PREFIXkpi:YYYY-MM	KPI counters of a month (local time): hash,
 *				field "department|owner|event|kind"
 *	PREFIXevents		the event stream (XADD, capped): one entry a
 *				change of validity, staleness or suppression
 *	PREFIXidx:valid		sorted set: valid addresses by last positive
 *				proof (the sweep finds the stale ones here)
 *	PREFIXidx:risky		sorted set: risky addresses by last bounce
 *				(the sweep finds those whose bounces decayed)
 *
 *	store_apply() stores a batch of evidence.  It reads every address
 *	of the batch in one pipeline, applies the items with record_add()
 *	(an id already in the history is a duplicate and changes nothing),
 *	and writes each changed record with a Lua compare-and-set on its
 *	version (EVALSHA; EVAL after NOSCRIPT), all in a second pipeline.
 *	An address that another writer changed in between is read and
 *	applied again after a short random pause that doubles each time
 *	(at most max_retries times).  So many threads and
 *	processes can write evidence for one address and none is lost.
 *	The KPI counters, the indexes and the event stream follow in a third
 *	pipeline, only for items that were new.  results[i] says what
 *	happened to item i.  It returns 0 when every item is stored, -1
 *	otherwise (Redis down or failing): the caller journals the items
 *	whose results[i].stored is false.  A record that does not decode is
 *	left untouched and its items are not stored (logged).
 *
 *	store_load() reads one address.  store_forget() erases an address
 *	(personal-data law): its record becomes a tombstone that keeps
 *	nothing but the time, so that evidence older than that (a late DSN,
 *	a journal replay) cannot bring it back; it leaves the indexes, and
 *	its entries are deleted from the event stream.  The KPI counters
 *	hold no address and stay.  store_sweep() applies what time alone
 *	changes (staleness, decay of soft bounces) to the addresses the
 *	indexes name, and emits the events.
 * THREADS
 *	A STORE may be shared by threads: it borrows a connection from the
 *	pool for each call.
 * DIAGNOSTICS
 *	Functions return 0 or -1 with a reason in err.
 *--*/

#include "config.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "log.h"
#include "store.h"

struct STORE {
    RPOOL  *pool;
    STORE_CONF conf;
    char   *prefix;
    RSCRIPT cas;
};

 /*
  * One atomic write: compare-and-set on the record's version (the second
  * field of its first line), and with it the indexes, the event and the
  * KPI counters, so that a write is counted exactly when it happens.
  * KEYS: the address key, idx:valid, idx:risky, events, then one KPI hash
  * per new item.  ARGV: the version read ("" when the key was absent), the
  * new value, the address, the valid score ("" to remove), the risky score
  * ("" to remove), the stream's MAXLEN, the number of event fields (0: no
  * event) and the fields, then one KPI field per KPI key.  1 written, 0
  * someone else wrote first (read again, apply again).
  */
static const char store_cas_lua[] =
"local cur = redis.call('GET', KEYS[1])\n"
"local ver = ''\n"
"if cur then ver = string.match(cur, '^R2|([0-9a-z]*)|') or '?' end\n"
"if ver ~= ARGV[1] then return 0 end\n"
"redis.call('SET', KEYS[1], ARGV[2])\n"
"if ARGV[4] ~= '' then redis.call('ZADD', KEYS[2], ARGV[4], ARGV[3])\n"
"else redis.call('ZREM', KEYS[2], ARGV[3]) end\n"
"if ARGV[5] ~= '' then redis.call('ZADD', KEYS[3], ARGV[5], ARGV[3])\n"
"else redis.call('ZREM', KEYS[3], ARGV[3]) end\n"
"local n = tonumber(ARGV[7])\n"
"local i = 8\n"
"if n > 0 then\n"
"  local args = {'XADD', KEYS[4], 'MAXLEN', '~', ARGV[6], '*'}\n"
"  for j = 0, n - 1 do args[#args + 1] = ARGV[i + j] end\n"
"  redis.call(unpack(args))\n"
"  i = i + n\n"
"end\n"
"for k = 5, #KEYS do\n"
"  redis.call('HINCRBY', KEYS[k], ARGV[i], 1)\n"
"  i = i + 1\n"
"end\n"
"return 1\n";

void    store_conf_defaults(STORE_CONF *conf)
{
    memset(conf, 0, sizeof(*conf));
    conf->prefix = "la:";
    conf->history_max = 32;
    state_policy_defaults(&conf->policy);
    conf->max_retries = 64;
    conf->events_maxlen = 100000;
    conf->tombstone_ttl = 90 * 86400;
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

int     store_address_key(const STORE *store, const char *key, char *buf, size_t len)
{
    int     n = snprintf(buf, len, "%sa:{%s}", store->prefix, key);

    return (n > 0 && (size_t) n < len ? 0 : -1);
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

static void store_version_text(unsigned long v, char *buf)
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

static void store_field(char *dst, size_t size, const char *src)
{
    snprintf(dst, size, "%s", src && *src ? src : "-");
    for (char *cp = dst; *cp; cp++)
	if (*cp == '|')
	    *cp = '/';
}

/* One address of a batch. */
typedef struct {
    const char *address;
    size_t *items;			/* indexes into the batch */
    size_t  nitems;
    RECORD_DOC *doc;			/* as read, then as written */
    unsigned changed;
    bool    done;
    bool    failed;
    char    expect[16];			/* the version read */
    char    key[ADDR_ADDRESS_MAX + 64];
} STORE_GROUP;

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
	    if ((groups[g].items = calloc(n, sizeof(size_t))) == NULL
		|| store_address_key(store, items[i].address, groups[g].key,
				     sizeof(groups[g].key)) < 0)
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
	free(groups[i].doc);
    }
    free(groups);
}

/* store_read - pipeline GET of every pending group, apply the items */

static int store_read(STORE *store, redisContext *c, STORE_GROUP *groups, size_t ng,
		              const EVIDENCE *items, STORE_RESULT *results, time_t now,
		              char *err, size_t errlen)
{
    for (size_t g = 0; g < ng; g++) {
	const char *argv[2] = {"GET", groups[g].key};

	if (!groups[g].done && !groups[g].failed)
	    redisAppendCommandArgv(c, 2, argv, NULL);
    }
    for (size_t g = 0; g < ng; g++) {
	STORE_GROUP *grp = groups + g;
	redisReply *r;

	if (grp->done || grp->failed)
	    continue;
	if (redisGetReply(c, (void **) &r) != REDIS_OK || r == NULL) {
	    snprintf(err, errlen, "Redis: %s", c->errstr);
	    return (-1);
	}
	if (grp->doc == NULL && (grp->doc = malloc(sizeof(*grp->doc))) == NULL) {
	    grp->failed = true;
	} else if (r->type == REDIS_REPLY_NIL) {
	    record_doc_init(grp->doc);
	} else if (r->type != REDIS_REPLY_STRING
		   || record_decode(r->str, r->len, grp->doc) < 0) {
	    log_error("store: the record under %s does not decode; its evidence is not stored",
		      grp->key);
	    grp->failed = true;
	}
	freeReplyObject(r);
	if (grp->failed)
	    continue;
	store_version_text(grp->doc->version, grp->expect);
	grp->changed = 0;
	if (grp->nitems == 0 && grp->doc->rec.updated > 0 && grp->doc->forgotten == 0) {
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
    return (0);
}

/* One script call under construction: argv strings it owns. */
typedef struct {
    const char *argv[64];
    size_t  argl[64];
    char   *owned[64];
    int     argc;
    int     nkeys;
} STORE_CALL;

static void call_add(STORE_CALL *call, const char *text, size_t len, bool copy)
{
    if (call->argc >= 64)
	return;
    if (copy) {
	char   *dup = malloc(len + 1);

	if (dup == NULL)
	    return;
	memcpy(dup, text, len);
	dup[len] = 0;
	call->owned[call->argc] = dup;
	text = dup;
    }
    call->argv[call->argc] = text;
    call->argl[call->argc] = len;
    call->argc++;
}

static void call_str(STORE_CALL *call, const char *text)
{
    call_add(call, text, strlen(text), true);
}

static void call_free(STORE_CALL *call)
{
    for (int i = 0; i < call->argc; i++)
	free(call->owned[i]);
    memset(call, 0, sizeof(*call));
}

/* store_call_build - EVALSHA with the record, indexes, event and KPI */

static int store_call_build(STORE *store, STORE_GROUP *grp, const EVIDENCE *items,
			            const STORE_RESULT *results, const char *value,
			            size_t vlen, STORE_CALL *call)
{
    const RECORD *rec = &grp->doc->rec;
    const EVIDENCE *last = NULL;
    char    buf[256], nk[16], nev[16];
    const char *kpi_fields[32];
    char    kpi_keys[32][64];
    char    fields[32][200];
    int     nkpi = 0;

    memset(call, 0, sizeof(*call));
    for (size_t k = 0; k < grp->nitems && nkpi < 32; k++) {
	const EVIDENCE *ev = items + grp->items[k];
	char    dept[40], owner[72], event[40];
	struct tm tm;

	if (results[grp->items[k]].duplicate)
	    continue;
	last = ev;
	localtime_r(&ev->when, &tm);
	snprintf(kpi_keys[nkpi], sizeof(kpi_keys[nkpi]), "%skpi:%04d-%02d", store->prefix,
		 tm.tm_year + 1900, tm.tm_mon + 1);
	store_field(dept, sizeof(dept), ev->department[0] ? ev->department : rec->department);
	store_field(owner, sizeof(owner), ev->owner[0] ? ev->owner : rec->owner);
	store_field(event, sizeof(event), ev->event);
	snprintf(fields[nkpi], sizeof(fields[nkpi]), "%s|%s|%s|%s", dept, owner, event,
		 evidence_kind_name(ev->kind));
	kpi_fields[nkpi] = fields[nkpi];
	nkpi++;
    }
    call_str(call, "EVALSHA");
    call_str(call, store->cas.sha);
    snprintf(nk, sizeof(nk), "%d", 4 + nkpi);
    call_str(call, nk);
    /* KEYS */
    call_str(call, grp->key);
    snprintf(buf, sizeof(buf), "%sidx:valid", store->prefix);
    call_str(call, buf);
    snprintf(buf, sizeof(buf), "%sidx:risky", store->prefix);
    call_str(call, buf);
    snprintf(buf, sizeof(buf), "%sevents", store->prefix);
    call_str(call, buf);
    for (int i = 0; i < nkpi; i++)
	call_str(call, kpi_keys[i]);
    /* ARGV */
    call_str(call, grp->expect);
    call_add(call, value, vlen, true);
    call_str(call, grp->address);
    if (rec->validity == VAL_VALID && !rec->stale && grp->doc->forgotten == 0)
	snprintf(buf, sizeof(buf), "%lld", (long long) rec->last_positive);
    else
	buf[0] = 0;
    call_str(call, buf);
    if (rec->validity == VAL_RISKY)
	snprintf(buf, sizeof(buf), "%lld", (long long) rec->last_bounce);
    else
	buf[0] = 0;
    call_str(call, buf);
    snprintf(buf, sizeof(buf), "%ld", store->conf.events_maxlen);
    call_str(call, buf);
    if (grp->changed & (STATE_CHANGED_VALIDITY | STATE_CHANGED_STALE
			| STATE_CHANGED_SUPPRESSION)) {
	snprintf(nev, sizeof(nev), "%d", 16);
	call_str(call, nev);
	call_str(call, "address");
	call_str(call, grp->address);
	call_str(call, "validity");
	call_str(call, state_validity_name(rec->validity));
	call_str(call, "stale");
	call_str(call, rec->stale ? "1" : "0");
	call_str(call, "suppression");
	snprintf(buf, sizeof(buf), "%u", rec->suppression);
	call_str(call, buf);
	call_str(call, "reason");
	call_str(call, rec->reason[0] ? rec->reason : "-");
	call_str(call, "cause");
	call_str(call, last ? evidence_kind_name(last->kind) : "sweep");
	call_str(call, "contact");
	call_str(call, rec->contact[0] ? rec->contact : "-");
	call_str(call, "when");
	snprintf(buf, sizeof(buf), "%lld", (long long) rec->updated);
	call_str(call, buf);
    } else {
	call_str(call, "0");
    }
    for (int i = 0; i < nkpi; i++)
	call_str(call, kpi_fields[i]);
    return (call->argc < 64 ? 0 : -1);
}

/* store_write - pipeline one atomic script call for every changed group */

static int store_write(STORE *store, redisContext *c, STORE_GROUP *groups, size_t ng,
		               const EVIDENCE *items, STORE_RESULT *results,
		               bool *conflicts, char *err, size_t errlen)
{
    size_t  sent = 0;
    char   *value = malloc(RECORD_TEXT_MAX);
    bool   *queued = calloc(ng ? ng : 1, sizeof(bool));
    int     status = 0;

    *conflicts = false;
    if (value == NULL || queued == NULL) {
	free(value);
	free(queued);
	snprintf(err, errlen, "out of memory");
	return (-1);
    }
    for (size_t g = 0; g < ng; g++) {
	STORE_GROUP *grp = groups + g;
	STORE_CALL call;
	int     len;

	if (grp->done || grp->failed)
	    continue;
	grp->doc->version++;
	if ((len = record_encode(grp->doc, value, RECORD_TEXT_MAX)) < 0
	    || store_call_build(store, grp, items, results, value, (size_t) len, &call) < 0) {
	    log_error("store: the record of %s does not fit; its evidence is not stored",
		      grp->address);
	    grp->failed = true;
	    grp->doc->version--;
	    continue;
	}
	redisAppendCommandArgv(c, call.argc, call.argv, call.argl);
	call_free(&call);
	queued[g] = true;
	sent++;
    }
    for (size_t g = 0; g < ng && sent > 0; g++) {
	STORE_GROUP *grp = groups + g;
	redisReply *r;

	if (!queued[g])
	    continue;
	sent--;
	if (redisGetReply(c, (void **) &r) != REDIS_OK || r == NULL) {
	    snprintf(err, errlen, "Redis: %s", c->errstr);
	    status = -1;
	    break;
	}
	if (r->type == REDIS_REPLY_ERROR && strncmp(r->str, "NOSCRIPT", 8) == 0) {
	    /* The script cache is empty (restart, failover): load it, try again. */
	    redisReply *l = redisCommand(c, "SCRIPT LOAD %s", store->cas.body);

	    if (l)
		freeReplyObject(l);
	    grp->doc->version--;
	    *conflicts = true;
	} else if (r->type == REDIS_REPLY_INTEGER && r->integer == 1) {
	    grp->done = true;
	    for (size_t k = 0; k < grp->nitems; k++)
		results[grp->items[k]].stored = true;
	} else if (r->type == REDIS_REPLY_INTEGER) {
	    *conflicts = true;			/* read again, apply again */
	} else {
	    log_error("store: writing %s: %s", grp->key,
		      r->type == REDIS_REPLY_ERROR ? r->str : "unexpected reply");
	    grp->failed = true;
	}
	freeReplyObject(r);
    }
    free(value);
    free(queued);
    return (status);
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

int     store_apply(STORE *store, const EVIDENCE *items, size_t n, time_t now,
		            STORE_RESULT *results, char *err, size_t errlen)
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
    if ((c = rpool_get(store->pool, err, errlen)) == NULL) {
	store_groups_free(groups, ng);
	free(own);
	return (-1);
    }
    status = store_settle(store, c, groups, ng, items, results, now, err, errlen);
    rpool_put(store->pool, c, status < 0);
    for (size_t i = 0; i < n; i++) {
	if (!results[i].stored && status == 0) {
	    snprintf(err, errlen, "some evidence was not stored (see the log)");
	    status = -1;
	}
    }
    store_groups_free(groups, ng);
    free(own);
    return (status);
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

/* store_command - one command, reply checked; 0 or -1 */

static int store_command(redisContext *c, int argc, const char **argv,
			         redisReply **out, char *err, size_t errlen)
{
    redisReply *r = redisCommandArgv(c, argc, argv, NULL);

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

/* store_forget_events - delete the stream entries that name an address */

static int store_forget_events(STORE *store, redisContext *c, const char *key,
			               size_t *removed, char *err, size_t errlen)
{
    char    events[128], start[64] = "-";

    snprintf(events, sizeof(events), "%sevents", store->prefix);
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
		if (strcmp(fields->element[f]->str, "address") == 0
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
    char    rkey[ADDR_ADDRESS_MAX + 64], value[512], ex[24], valid[128], risky[128];
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
    snprintf(valid, sizeof(valid), "%sidx:valid", store->prefix);
    snprintf(risky, sizeof(risky), "%sidx:risky", store->prefix);
    if ((c = rpool_get(store->pool, err, errlen)) == NULL)
	return (-1);
    {
	const char *set[5] = {"SET", rkey, value, "EX", ex};
	const char *zv[3] = {"ZREM", valid, key};
	const char *zr[3] = {"ZREM", risky, key};

	if (len < 0 || store_command(c, 5, set, NULL, err, errlen) < 0
	    || store_command(c, 3, zv, NULL, err, errlen) < 0
	    || store_command(c, 3, zr, NULL, err, errlen) < 0
	    || store_forget_events(store, c, key, events_removed, err, errlen) < 0)
	    status = -1;
    }
    rpool_put(store->pool, c, status < 0 && c->err);
    return (status);
}

/* store_sweep_index - refresh the addresses an index names up to a score */

static int store_sweep_index(STORE *store, const char *index, bool risky_index,
			             time_t max_score, time_t now, STORE_SWEEP *stats,
			             char *err, size_t errlen)
{
    redisContext *c;
    redisReply *r;
    char    max[24], offset[24];
    size_t  from = 0;
    int     status = 0;

    snprintf(max, sizeof(max), "%lld", (long long) max_score);
    for (;;) {
	const char *argv[7] = {"ZRANGEBYSCORE", index, "-inf", max, "LIMIT", offset, "500"};
	STORE_GROUP *groups;
	size_t  n;

	snprintf(offset, sizeof(offset), "%zu", from);
	if ((c = rpool_get(store->pool, err, errlen)) == NULL)
	    return (-1);
	if (store_command(c, 7, argv, &r, err, errlen) < 0) {
	    rpool_put(store->pool, c, c->err != 0);
	    return (-1);
	}
	n = r->type == REDIS_REPLY_ARRAY ? r->elements : 0;
	if (n == 0 || (groups = calloc(n, sizeof(*groups))) == NULL) {
	    freeReplyObject(r);
	    rpool_put(store->pool, c, false);
	    return (0);
	}
	for (size_t i = 0; i < n; i++) {
	    groups[i].address = r->element[i]->str;
	    if (store_address_key(store, groups[i].address, groups[i].key,
				  sizeof(groups[i].key)) < 0)
		groups[i].failed = true;
	}
	status = store_settle(store, c, groups, n, NULL, NULL, now, err, errlen);
	for (size_t i = 0; i < n; i++) {
	    stats->examined++;
	    if (groups[i].done && groups[i].changed) {
		stats->changed++;
		if (groups[i].doc->rec.stale)
		    stats->stale++;
		if (risky_index && groups[i].doc->rec.validity != VAL_RISKY)
		    stats->decayed++;
	    }
	}
	rpool_put(store->pool, c, status < 0);
	store_groups_free(groups, n);
	freeReplyObject(r);
	if (status < 0 || n < 500)
	    return (status);
	from += 500;				/* unchanged ones stay in the index */
    }
}

int     store_sweep(STORE *store, time_t now, STORE_SWEEP *stats, char *err, size_t errlen)
{
    char    valid[128], risky[128];
    const STATE_POLICY *p = &store->conf.policy;
    time_t  youngest = p->stale_age_sales;

    memset(stats, 0, sizeof(*stats));
    if (p->stale_age_service < youngest)
	youngest = p->stale_age_service;
    if (p->stale_age_other < youngest)
	youngest = p->stale_age_other;
    snprintf(valid, sizeof(valid), "%sidx:valid", store->prefix);
    snprintf(risky, sizeof(risky), "%sidx:risky", store->prefix);
    if (store_sweep_index(store, valid, false, now - youngest, now, stats, err, errlen) < 0
	|| store_sweep_index(store, risky, true, now - p->soft_window, now, stats, err, errlen) < 0)
	return (-1);
    return (0);
}
