/*++
 * NAME
 *	store_write 3
 * SUMMARY
 *	the atomic compare-and-set writes of the evidence store
 * SYNOPSIS
 *	#include "store_int.h"
 *
 *	int	store_write(STORE *store, redisContext *c, STORE_GROUP *groups,
 *				size_t ng, const EVIDENCE *items,
 *				STORE_RESULT *results, bool *conflicts,
 *				char *err, size_t errlen)
 * DESCRIPTION
 *	store_write() writes every group (address) of a batch that has
 *	something new, with the one Lua script below (EVALSHA), in one
 *	pipeline.  Addresses of one bucket share one script call (at most
 *	STORE_CALL_ADDRESSES of them): all their keys are in the bucket's
 *	slot, and the script's fixed cost is paid once.  For each address the
 *	script compares the version the writer read with the one stored and,
 *	only when they match, sets the record, adds its event, counts its new
 *	items in the KPI hashes and writes the message references of its
 *	"sent" items; each address succeeds or fails on its own.
 *
 *	A group whose write went through is done and its items stored; one
 *	that another writer changed first is left for store_settle() to read
 *	and apply again (*conflicts); NOSCRIPT (the script cache was emptied)
 *	counts as a conflict, and the script is loaded once the pipeline is
 *	read.  A group whose record does not encode or whose call would not
 *	fit is refused.  It returns -1 when Redis fails (err says why).
 *--*/

#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "log.h"
#include "store_int.h"

 /*
  * The script.  KEYS: the bucket's events, then for each address its
  * record key, its KPI hashes and its message references.  ARGV: the
  * stream's MAXLEN, the number of addresses, then for each address: the
  * version read ("" when absent), the new value, nev, nkpi, nref, nev
  * event fields, nkpi pairs (field, increment), nref triples (the
  * reference, the recipient's line, the expiry time of the day's hash):
  * a reference's lines are kept one a recipient, without repeats.  The
  * KPI increments of the addresses written are added up first and sent
  * as one HINCRBY a field (a call's letters share most fields).  It
  * returns one integer an address: 1 written, 0 someone else wrote
  * first.
  */
const char store_cas_lua[] =
"local maxlen, naddr = ARGV[1], tonumber(ARGV[2])\n"
"local k, i = 2, 3\n"
"local res, expiring, kpi = {}, {}, {}\n"
"for a = 1, naddr do\n"
"  local key, want, val = KEYS[k], ARGV[i], ARGV[i + 1]\n"
"  local nev, nkpi, nref = tonumber(ARGV[i + 2]), tonumber(ARGV[i + 3]), tonumber(ARGV[i + 4])\n"
"  k, i = k + 1, i + 5\n"
"  local cur = redis.call('GET', key)\n"
"  local ver = ''\n"
"  if cur then ver = string.match(cur, '^R%d|([0-9a-z]*)|') or '?' end\n"
"  if ver == want then\n"
"    redis.call('SET', key, val)\n"
"    if nev > 0 then\n"
"      redis.call('XADD', KEYS[1], 'MAXLEN', '~', maxlen, '*', unpack(ARGV, i, i + nev - 1))\n"
"    end\n"
"    i = i + nev\n"
"    for j = 1, nkpi do\n"
"      local t = kpi[KEYS[k]]\n"
"      if not t then t = {}; kpi[KEYS[k]] = t end\n"
"      t[ARGV[i]] = (t[ARGV[i]] or 0) + tonumber(ARGV[i + 1])\n"
"      k, i = k + 1, i + 2\n"
"    end\n"
"    for j = 1, nref do\n"
"      if redis.call('HSETNX', KEYS[k], ARGV[i], ARGV[i + 1]) == 0 then\n"
"        local old = redis.call('HGET', KEYS[k], ARGV[i])\n"
"        if not string.find('\\n' .. old .. '\\n', '\\n' .. ARGV[i + 1] .. '\\n', 1, true) then\n"
"          redis.call('HSET', KEYS[k], ARGV[i], old .. '\\n' .. ARGV[i + 1])\n"
"        end\n"
"      end\n"
"      if not expiring[KEYS[k]] then\n"
"        redis.call('EXPIREAT', KEYS[k], ARGV[i + 2], 'NX')\n"
"        expiring[KEYS[k]] = true\n"
"      end\n"
"      k, i = k + 1, i + 3\n"
"    end\n"
"    res[a] = 1\n"
"  else\n"
"    k, i = k + nkpi + nref, i + nev + 2 * nkpi + 3 * nref\n"
"    res[a] = 0\n"
"  end\n"
"end\n"
"for key, t in pairs(kpi) do\n"
"  for field, n in pairs(t) do redis.call('HINCRBY', key, field, n) end\n"
"end\n"
"return res\n";

#define STORE_CALL_ADDRESSES	64	/* addresses in one script call */

 /*
  * One script call under construction: its keys and its other arguments
  * are collected apart (KEYS come first on the wire) as offsets into one
  * arena that grows as needed; the arrays are sized for the whole batch
  * by store_write(), so a call never runs out of room (small batches, as
  * the milter's, cost little).
  */
typedef struct {
    size_t *keyoff, *keylen;
    int     nkeys, keycap;
    size_t *argoff, *arglen;
    int     nargs, argcap;
    char   *arena;
    size_t  used, size;
    bool    overflow;			/* out of memory */
    int     naddr;
    size_t  groups[STORE_CALL_ADDRESSES];	/* which groups, in order */
} STORE_CALL;

/* One KPI increment or message reference of an address. */
typedef struct {
    char    key[160];
    char    field[ADDR_ADDRESS_MAX + 1];
    char    value[ADDR_ADDRESS_MAX + 256];	/* the recipient's line */
    long long count;
    time_t  expires;
} STORE_PAIR;

/* call_new - a call with room for the keys and arguments of a batch */

static STORE_CALL *call_new(int keycap, int argcap)
{
    STORE_CALL *call = calloc(1, sizeof(*call));

    if (call == NULL)
	return (NULL);
    call->keycap = keycap;
    call->argcap = argcap;
    call->size = 16384;
    if ((call->keyoff = malloc(keycap * sizeof(size_t))) == NULL
	|| (call->keylen = malloc(keycap * sizeof(size_t))) == NULL
	|| (call->argoff = malloc(argcap * sizeof(size_t))) == NULL
	|| (call->arglen = malloc(argcap * sizeof(size_t))) == NULL
	|| (call->arena = malloc(call->size)) == NULL) {
	free(call->keyoff);
	free(call->keylen);
	free(call->argoff);
	free(call->arglen);
	free(call);
	return (NULL);
    }
    return (call);
}

static void call_free(STORE_CALL *call)
{
    if (call) {
	free(call->keyoff);
	free(call->keylen);
	free(call->argoff);
	free(call->arglen);
	free(call->arena);
	free(call);
    }
}

/* call_copy - text into the arena; its offset, or -1 when memory is short */

static long call_copy(STORE_CALL *call, const char *text, size_t len)
{
    size_t  off = call->used;

    if (call->used + len + 1 > call->size) {
	size_t  size = call->size;
	char   *more;

	while (call->used + len + 1 > size)
	    size *= 2;
	if ((more = realloc(call->arena, size)) == NULL) {
	    call->overflow = true;
	    return (-1);
	}
	call->arena = more;
	call->size = size;
    }
    memcpy(call->arena + off, text, len);
    call->arena[off + len] = 0;
    call->used += len + 1;
    return ((long) off);
}

static void call_key(STORE_CALL *call, const char *text)
{
    size_t  len = strlen(text);
    long    off;

    if (call->nkeys >= call->keycap || (off = call_copy(call, text, len)) < 0) {
	call->overflow = true;
	return;
    }
    call->keyoff[call->nkeys] = (size_t) off;
    call->keylen[call->nkeys++] = len;
}

static void call_argn(STORE_CALL *call, const char *text, size_t len)
{
    long    off;

    if (call->nargs >= call->argcap || (off = call_copy(call, text, len)) < 0) {
	call->overflow = true;
	return;
    }
    call->argoff[call->nargs] = (size_t) off;
    call->arglen[call->nargs++] = len;
}

static void call_arg(STORE_CALL *call, const char *text)
{
    call_argn(call, text, strlen(text));
}

static void call_num(STORE_CALL *call, long long n)
{
    char    buf[24];

    snprintf(buf, sizeof(buf), "%lld", n);
    call_arg(call, buf);
}

/* call_begin - a new call for a bucket */

static void call_begin(const STORE *store, STORE_CALL *call, unsigned bucket)
{
    char    events[160];

    call->nkeys = call->nargs = call->naddr = 0;
    call->used = 0;
    call->overflow = false;
    store_bucket_key(store, "events", bucket, "", events, sizeof(events));
    call_key(call, events);
    call_num(call, store->conf.events_maxlen / STORE_BUCKETS + 1);
    call_arg(call, "0");			/* the address count, set at the end */
}

/* store_kpi_add - count an item under its month and field (merging) */

static int store_kpi_add(const STORE *store, const STORE_GROUP *grp, const EVIDENCE *ev,
			         STORE_PAIR *pairs, int *npairs, int cap)
{
    const RECORD *rec = &grp->doc->rec;
    char    dept[40], owner[72], event[40], month[24], key[160], field[200];
    struct tm tm;

    localtime_r(&ev->when, &tm);
    snprintf(month, sizeof(month), ":%04d-%02d", (tm.tm_year + 1900) % 10000,
	     (tm.tm_mon + 1) % 100);
    store_bucket_key(store, "kpi", grp->bucket, month, key, sizeof(key));
    store_field(dept, sizeof(dept), ev->department[0] ? ev->department : rec->department);
    store_field(owner, sizeof(owner), ev->owner[0] ? ev->owner : rec->owner);
    store_field(event, sizeof(event), ev->event);
    snprintf(field, sizeof(field), "%s|%s|%s|%s", dept, owner, event,
	     evidence_kind_name(ev->kind));
    for (int i = 0; i < *npairs; i++) {
	if (strcmp(pairs[i].key, key) == 0 && strcmp(pairs[i].field, field) == 0) {
	    pairs[i].count++;
	    return (0);
	}
    }
    if (*npairs >= cap)
	return (-1);
    snprintf(pairs[*npairs].key, sizeof(pairs[*npairs].key), "%s", key);
    snprintf(pairs[*npairs].field, sizeof(pairs[*npairs].field), "%s", field);
    pairs[*npairs].count = 1;
    (*npairs)++;
    return (0);
}

/* store_ref_add - a letter's reference names its recipient (EV_SENT) */

static int store_ref_add(const STORE *store, const STORE_GROUP *grp, const EVIDENCE *ev,
			         STORE_PAIR *refs, int *nrefs, int cap)
{
    char    dept[40], owner[72], event[40], contact[72], suffix[32];
    long    day = (long) (ev->when / 86400);
    STORE_PAIR *p;

    if (ev->kind != EV_SENT || ev->msgref[0] == 0 || store->conf.msgref_ttl <= 0)
	return (0);
    if (*nrefs >= cap)
	return (-1);
    p = refs + (*nrefs)++;
    snprintf(suffix, sizeof(suffix), ":%ld", day);
    store_bucket_key(store, "m", grp->bucket, suffix, p->key, sizeof(p->key));
    snprintf(p->field, sizeof(p->field), "%s", ev->msgref);
    store_field(dept, sizeof(dept), ev->department);
    store_field(owner, sizeof(owner), ev->owner);
    store_field(event, sizeof(event), ev->event);
    store_field(contact, sizeof(contact), ev->contact);
    snprintf(p->value, sizeof(p->value), "%s|%s|%s|%s|%s", grp->address, dept, owner, event,
	     contact);
    p->expires = (time_t) (day + 1) * 86400 + store->conf.msgref_ttl;
    return (0);
}

/* call_address - add one address's write to a call; -1 when it does not fit */

static int call_address(const STORE *store, STORE_CALL *call, const STORE_GROUP *grp,
			        const EVIDENCE *items, const STORE_RESULT *results,
			        const char *value, size_t vlen, STORE_PAIR *kpi,
			        STORE_PAIR *refs, int cap)
{
    const RECORD *rec = &grp->doc->rec;
    const EVIDENCE *last = NULL;
    int     nkpi = 0, nref = 0;
    bool    event = (grp->changed & (STATE_CHANGED_VALIDITY | STATE_CHANGED_STALE
				     | STATE_CHANGED_SUPPRESSION)) != 0;
    char    buf[32];

    for (size_t k = 0; k < grp->nitems; k++) {
	const EVIDENCE *ev = items + grp->items[k];

	if (results[grp->items[k]].duplicate)
	    continue;
	last = ev;
	if (store_kpi_add(store, grp, ev, kpi, &nkpi, cap) < 0
	    || store_ref_add(store, grp, ev, refs, &nref, cap) < 0)
	    return (-1);
    }
    call_key(call, grp->key);
    for (int i = 0; i < nkpi; i++)
	call_key(call, kpi[i].key);
    for (int i = 0; i < nref; i++)
	call_key(call, refs[i].key);
    call_arg(call, grp->expect);
    call_argn(call, value, vlen);
    call_num(call, event ? 16 : 0);
    call_num(call, nkpi);
    call_num(call, nref);
    if (event) {
	call_arg(call, "address");
	call_arg(call, grp->address);
	call_arg(call, "validity");
	call_arg(call, state_validity_name(rec->validity));
	call_arg(call, "stale");
	call_arg(call, rec->stale ? "1" : "0");
	call_arg(call, "suppression");
	snprintf(buf, sizeof(buf), "%u", rec->suppression);
	call_arg(call, buf);
	call_arg(call, "reason");
	call_arg(call, rec->reason[0] ? rec->reason : "-");
	call_arg(call, "cause");
	call_arg(call, last ? evidence_kind_name(last->kind) : "sweep");
	call_arg(call, "contact");
	call_arg(call, rec->contact[0] ? rec->contact : "-");
	call_arg(call, "when");
	call_num(call, (long long) rec->updated);
    }
    for (int i = 0; i < nkpi; i++) {
	call_arg(call, kpi[i].field);
	call_num(call, kpi[i].count);
    }
    for (int i = 0; i < nref; i++) {
	call_arg(call, refs[i].field);
	call_arg(call, refs[i].value);
	call_num(call, (long long) refs[i].expires);
    }
    return (call->overflow ? -1 : 0);
}

/* call_send - append the call to the pipeline */

static int call_send(const STORE *store, redisContext *c, STORE_CALL *call)
{
    const char **argv;
    size_t *argl;
    int     argc = 3 + call->nkeys + call->nargs, n = 0;
    char    nkeys[16], naddr[16];

    if ((argv = malloc(argc * sizeof(*argv))) == NULL
	|| (argl = malloc(argc * sizeof(*argl))) == NULL) {
	free(argv);
	return (-1);
    }
    snprintf(nkeys, sizeof(nkeys), "%d", call->nkeys);
    snprintf(naddr, sizeof(naddr), "%d", call->naddr);
    argv[n] = "EVALSHA", argl[n++] = 7;
    argv[n] = store->cas.sha, argl[n++] = strlen(store->cas.sha);
    argv[n] = nkeys, argl[n++] = strlen(nkeys);
    for (int i = 0; i < call->nkeys; i++)
	argv[n] = call->arena + call->keyoff[i], argl[n++] = call->keylen[i];
    for (int i = 0; i < call->nargs; i++)
	argv[n] = call->arena + call->argoff[i], argl[n++] = call->arglen[i];
    argv[3 + call->nkeys + 1] = naddr;		/* ARGV[2] */
    argl[3 + call->nkeys + 1] = strlen(naddr);
    redisAppendCommandArgv(c, argc, argv, argl);
    free(argv);
    free(argl);
    return (0);
}

/* The calls sent, and the groups of each, for reading the replies. */
typedef struct {
    size_t  start;				/* first index into order[] */
    int     naddr;
} SENT_CALL;

/* call_undo - take back what the last call_address() added */

static void call_undo(STORE_CALL *call, int nkeys, int nargs, size_t used)
{
    call->nkeys = nkeys;
    call->nargs = nargs;
    call->used = used;
    call->overflow = false;
}

/* call_flush - send the call, note its groups, begin the next */

static void call_flush(const STORE *store, redisContext *c, STORE_CALL *call,
		               SENT_CALL *sent, size_t *nsent, size_t norder, unsigned bucket)
{
    sent[*nsent] = (SENT_CALL) {norder - (size_t) call->naddr, call->naddr};
    if (call_send(store, c, call) == 0)
	(*nsent)++;
    call_begin(store, call, bucket);
}

int     store_write(STORE *store, redisContext *c, STORE_GROUP *groups, size_t ng,
		            const EVIDENCE *items, STORE_RESULT *results,
		            bool *conflicts, char *err, size_t errlen)
{
    char   *value = malloc(RECORD_TEXT_MAX);
    STORE_CALL *call;
    STORE_PAIR *pairs;
    size_t *order = calloc(ng ? ng : 1, sizeof(*order));
    SENT_CALL *sent = calloc(ng ? ng : 1, sizeof(*sent));
    size_t  norder = 0, nsent = 0, most = 1, keycap = 1, argcap = 2;
    bool    reload = false;
    int     status = 0;

    /* Room for any call of this batch: a call is a subset of its groups. */
    for (size_t g = 0; g < ng; g++) {
	if (groups[g].nitems > most)
	    most = groups[g].nitems;
	keycap += 1 + 2 * groups[g].nitems;
	argcap += 21 + 5 * groups[g].nitems;
    }
    call = call_new((int) keycap, (int) argcap);
    pairs = malloc(2 * most * sizeof(*pairs));
    *conflicts = false;
    if (value == NULL || call == NULL || pairs == NULL || order == NULL || sent == NULL) {
	snprintf(err, errlen, "out of memory");
	status = -1;
	goto out;
    }
    for (unsigned b = 0; b < STORE_BUCKETS; b++) {
	call_begin(store, call, b);
	for (size_t g = 0; g < ng; g++) {
	    STORE_GROUP *grp = groups + g;
	    int     len;
	    int     nk = call->nkeys, na = call->nargs;
	    size_t  used = call->used;

	    if (grp->bucket != b || grp->done || grp->failed)
		continue;
	    grp->doc->version++;
	    if ((len = record_encode(grp->doc, value, RECORD_TEXT_MAX)) < 0) {
		log_error("store: the record of %s does not encode; its evidence is refused",
			  grp->address);
		grp->failed = grp->refused = true;
		grp->doc->version--;
		continue;
	    }
	    if (call_address(store, call, grp, items, results, value, (size_t) len,
			     pairs, pairs + most, (int) most) < 0) {
		bool    fits = false;

		call_undo(call, nk, na, used);
		if (call->naddr > 0) {
		    /* This call is full: send it, start the next with this one. */
		    call_flush(store, c, call, sent, &nsent, norder, b);
		    fits = call_address(store, call, grp, items, results, value, (size_t) len,
					pairs, pairs + most, (int) most) == 0;
		    if (!fits)
			call_begin(store, call, b);
		}
		if (!fits) {
		    log_error("store: the record of %s does not fit a write; its evidence is refused",
			      grp->address);
		    grp->failed = grp->refused = true;
		    grp->doc->version--;
		    continue;
		}
	    }
	    order[norder++] = g;
	    call->groups[call->naddr++] = g;
	    if (call->naddr == STORE_CALL_ADDRESSES)
		call_flush(store, c, call, sent, &nsent, norder, b);
	}
	if (call->naddr > 0)
	    call_flush(store, c, call, sent, &nsent, norder, b);
    }
    for (size_t s = 0; s < nsent; s++) {
	redisReply *r;

	if (redisGetReply(c, (void **) &r) != REDIS_OK || r == NULL) {
	    snprintf(err, errlen, "Redis: %s", c->errstr);
	    status = -1;
	    break;
	}
	for (int a = 0; a < sent[s].naddr; a++) {
	    STORE_GROUP *grp = groups + order[sent[s].start + a];
	    redisReply *e = r->type == REDIS_REPLY_ARRAY && (size_t) a < r->elements
		? r->element[a] : NULL;

	    if (r->type == REDIS_REPLY_ERROR && strncmp(r->str, "NOSCRIPT", 8) == 0) {
		/* The script cache is empty (restart, failover): load it once
		 * the other replies of the pipeline are read, then try again. */
		reload = true;
		grp->doc->version--;
		*conflicts = true;
	    } else if (e && e->type == REDIS_REPLY_INTEGER && e->integer == 1) {
		grp->done = true;
		for (size_t k = 0; k < grp->nitems; k++)
		    results[grp->items[k]].stored = true;
	    } else if (e && e->type == REDIS_REPLY_INTEGER) {
		grp->doc->version--;
		*conflicts = true;		/* read again, apply again */
	    } else {
		log_error("store: writing %s: %s", grp->key,
			  r->type == REDIS_REPLY_ERROR ? r->str : "unexpected reply");
		grp->failed = true;
	    }
	}
	freeReplyObject(r);
    }
    if (reload && status == 0) {
	redisReply *l = redisCommand(c, "SCRIPT LOAD %s", store->cas.body);

	if (l == NULL) {
	    snprintf(err, errlen, "Redis: %s", c->errstr);
	    status = -1;
	} else {
	    freeReplyObject(l);
	}
    }
out:
    free(value);
    call_free(call);
    free(pairs);
    free(order);
    free(sent);
    return (status);
}
