/*
 * store_bench - evidence writes per second through the pool, and Redis
 * memory per tracked address, against baselines in the same run.
 *
 * Usage: store_bench SERVER ADDRESSES THREADS BATCH
 *
 * SERVER is "127.0.0.1:PORT" of an EMPTY private redis-server (the
 * benchmark flushes databases 0 and 1).  Steps:
 *
 *  1. Baseline memory: ADDRESSES bare keys named like the records, value
 *     "x", in database 1 (Redis's own cost of a key); flushed.
 *  2. Baseline writes: THREADS threads, each with a pool connection,
 *     pipelining BATCH plain SETs of a 300-byte value (what Redis takes
 *     when nothing is computed); flushed.
 *  3. liveaddr: three evidence items an address (sent, then delivered,
 *     then a third: sent again, a soft bounce with a diagnostic, or an
 *     auto-reply, by address), written with store_apply() in batches of
 *     BATCH items by THREADS threads sharing one pool, in three rounds
 *     so that each write reads and rewrites a record with history.
 *     Memory: INFO used_memory after minus before, per address; it
 *     includes the KPI counters, the event stream (capped) and the
 *     indexes.  The record length is sampled too.
 *
 * Output: "key: value" lines, then the targets' verdicts.  Exit 0 when
 * both targets are met (<= 400 bytes an address, >= 50,000 writes/s), 2
 * when not, 1 on error.
 */

#include "config.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <hiredis/hiredis.h>

#include "evidence.h"
#include "rpool.h"
#include "store.h"
#include "bench_util.h"

static const char *server;
static size_t naddr;
static int nthreads;
static size_t batch;
static RPOOL *pool;
static STORE *store;
static time_t base_time;
static int failures;
static pthread_mutex_t fail_lock = PTHREAD_MUTEX_INITIALIZER;

static void fail(const char *what)
{
    pthread_mutex_lock(&fail_lock);
    if (failures++ < 5)
	fprintf(stderr, "store_bench: %s\n", what);
    pthread_mutex_unlock(&fail_lock);
}

static void address_of(size_t i, char *buf, size_t len)
{
    static const char *domains[] = {"mail.ru", "yandex.ru", "gmail.com", "bk.ru",
	"rambler.ru", "list.ru", "inbox.ru", "ya.ru"};

    snprintf(buf, len, "client%07zu.%c@%s", i, 'a' + (int) (i % 26), domains[i % 8]);
}

/* evidence_of - item `round' (0, 1, 2) of address i */

static void evidence_of(size_t i, int round, EVIDENCE *ev)
{
    char    addr[64], seed[128], ref[32];
    static const char *events[] = {"contract", "delivery", "service", "birthday"};
    static const char *owners[] = {"ivanov.a", "petrova.e", "sidorov.k", "kuznetsova.o"};
    EV_KIND kind = round == 0 ? EV_SENT : round == 1 ? EV_DELIVERED
	: i % 3 == 0 ? EV_SENT : i % 3 == 1 ? EV_BOUNCE_SOFT : EV_AUTOREPLY;
    time_t  when = base_time + round * 86400 + (time_t) (i % 3600);

    address_of(i, addr, sizeof(addr));
    evidence_init(ev, kind, when, addr);
    snprintf(ref, sizeof(ref), "%08zx%c%03x", i, 'a' + round, (unsigned) (i * 7 % 4096));
    EVIDENCE_SET(ev, msgref, ref);
    switch (kind) {
    case EV_SENT:
	EVIDENCE_SET(ev, department, i % 2 ? "sales" : "service");
	EVIDENCE_SET(ev, owner, owners[i % 4]);
	snprintf(seed, sizeof(seed), "C%07zu", i);
	EVIDENCE_SET(ev, contact, seed);
	EVIDENCE_SET(ev, event, events[(i + round) % 4]);
	EVIDENCE_SET(ev, mta, "mx1.dealer.example");
	break;
    case EV_DELIVERED:
	EVIDENCE_SET(ev, status, "2.0.0");
	ev->reply_code = 250;
	EVIDENCE_SET(ev, mta, "mxs.mail.ru");
	break;
    case EV_BOUNCE_SOFT:
	EVIDENCE_SET(ev, reason, "mailboxfull");
	EVIDENCE_SET(ev, status, "4.2.2");
	ev->reply_code = 452;
	EVIDENCE_SET(ev, mta, "mxs.mail.ru");
	EVIDENCE_SET(ev, text, "452 4.2.2 Mailbox is full / Blocks limit exceeded / Inode limit exceeded");
	break;
    default:
	EVIDENCE_SET(ev, reason, "vacation");
	break;
    }
    snprintf(seed, sizeof(seed), "%s|%s|%d", ref, addr, (int) kind);
    evidence_make_id(ev, seed);
}

typedef struct {
    int     id;
    int     round;				/* -1: the plain SET baseline */
    size_t  written;
} WORKER;

static void *store_worker(void *arg)
{
    WORKER *w = arg;
    EVIDENCE *items = calloc(batch, sizeof(*items));
    STORE_RESULT *res = calloc(batch, sizeof(*res));
    char    err[256];

    if (items == NULL || res == NULL) {
	fail("out of memory");
	goto out;
    }
    for (size_t start = (size_t) w->id * batch; start < naddr;
	 start += (size_t) nthreads * batch) {
	size_t  n = start + batch <= naddr ? batch : naddr - start;

	for (size_t k = 0; k < n; k++)
	    evidence_of(start + k, w->round, items + k);
	memset(res, 0, n * sizeof(*res));
	if (store_apply(store, items, n, base_time + 3 * 86400, res, err, sizeof(err)) < 0)
	    fail(err);
	else
	    w->written += n;
    }
out:
    free(items);
    free(res);
    return (NULL);
}

static void *set_worker(void *arg)
{
    WORKER *w = arg;
    char    err[256], key[96], addr[64], value[301];
    redisContext *c = rpool_get(pool, err, sizeof(err));

    if (c == NULL) {
	fail(err);
	return (NULL);
    }
    memset(value, 'v', 300);
    value[300] = 0;
    for (size_t start = (size_t) w->id * batch; start < naddr;
	 start += (size_t) nthreads * batch) {
	size_t  n = start + batch <= naddr ? batch : naddr - start;
	redisReply *r;

	for (size_t k = 0; k < n; k++) {
	    address_of(start + k, addr, sizeof(addr));
	    snprintf(key, sizeof(key), "lb:a:{%s}", addr);
	    redisAppendCommand(c, "SET %s %b", key, value, (size_t) 300);
	}
	for (size_t k = 0; k < n; k++) {
	    if (redisGetReply(c, (void **) &r) != REDIS_OK) {
		fail(c->errstr);
		rpool_put(pool, c, true);
		return (NULL);
	    }
	    freeReplyObject(r);
	}
	w->written += n;
    }
    rpool_put(pool, c, false);
    return (NULL);
}

/* run - THREADS workers, the rate of items written */

static double run(void *(*fn) (void *), int round, size_t *written)
{
    pthread_t tid[64];
    WORKER  w[64];
    double  t0 = bench_now(), secs;

    *written = 0;
    for (int t = 0; t < nthreads; t++) {
	w[t] = (WORKER) {.id = t,.round = round};
	pthread_create(tid + t, NULL, fn, w + t);
    }
    for (int t = 0; t < nthreads; t++) {
	pthread_join(tid[t], NULL);
	*written += w[t].written;
    }
    secs = bench_now() - t0;
    return (secs > 0 ? *written / secs : 0);
}

static long long used_memory(redisContext *c)
{
    redisReply *r = redisCommand(c, "INFO memory");
    long long m = -1;
    const char *p;

    if (r && r->type == REDIS_REPLY_STRING && (p = strstr(r->str, "used_memory:")))
	m = atoll(p + strlen("used_memory:"));
    if (r)
	freeReplyObject(r);
    return (m);
}

/* redis_cpu - the server's CPU seconds so far (user + system) */

static double redis_cpu(redisContext *c)
{
    redisReply *r = redisCommand(c, "INFO cpu");
    double  cpu = 0;
    const char *p;

    if (r && r->type == REDIS_REPLY_STRING) {
	if ((p = strstr(r->str, "used_cpu_sys:")))
	    cpu += atof(p + strlen("used_cpu_sys:"));
	if ((p = strstr(r->str, "used_cpu_user:")))
	    cpu += atof(p + strlen("used_cpu_user:"));
    }
    if (r)
	freeReplyObject(r);
    return (cpu);
}

/* client_cpu - this process's CPU seconds so far */

static double client_cpu(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return (ts.tv_sec + ts.tv_nsec / 1e9);
}

/* command_stats - "evalsha N calls X us/call, get ..." from INFO commandstats */

static void command_stats(redisContext *c, char *buf, size_t len)
{
    redisReply *r = redisCommand(c, "INFO commandstats");
    static const char *names[] = {"evalsha", "get", "scan"};
    size_t  used = 0;

    buf[0] = 0;
    for (size_t i = 0; r && r->type == REDIS_REPLY_STRING && i < 3; i++) {
	char    want[64];
	const char *p, *calls, *per;

	snprintf(want, sizeof(want), "cmdstat_%s:", names[i]);
	if ((p = strstr(r->str, want)) == NULL || (calls = strstr(p, "calls=")) == NULL
	    || (per = strstr(p, "usec_per_call=")) == NULL)
	    continue;
	used += (size_t) snprintf(buf + used, len - used, "%s%s %lld calls %.2f us/call",
				  used ? ", " : "", names[i], atoll(calls + 6), atof(per + 14));
	if (used >= len)
	    break;
    }
    if (r)
	freeReplyObject(r);
}

/* unlink_matching - delete the keys SCAN finds; how many */

static long long unlink_matching(redisContext *c, const char *pattern)
{
    char    cursor[32] = "0";
    long long n = 0;

    do {
	redisReply *r = redisCommand(c, "SCAN %s MATCH %s COUNT 10000", cursor, pattern);

	if (r == NULL || r->type != REDIS_REPLY_ARRAY || r->elements != 2) {
	    fail("SCAN failed");
	    if (r)
		freeReplyObject(r);
	    return (n);
	}
	snprintf(cursor, sizeof(cursor), "%s", r->element[0]->str);
	for (size_t i = 0; i < r->element[1]->elements; i++)
	    redisAppendCommand(c, "UNLINK %s", r->element[1]->element[i]->str);
	for (size_t i = 0; i < r->element[1]->elements; i++) {
	    redisReply *d;

	    if (redisGetReply(c, (void **) &d) == REDIS_OK && d)
		freeReplyObject(d);
	    n++;
	}
	freeReplyObject(r);
    } while (strcmp(cursor, "0") != 0);
    return (n);
}

static void command(redisContext *c, const char *cmd)
{
    redisReply *r = redisCommand(c, cmd);

    if (r == NULL || r->type == REDIS_REPLY_ERROR)
	fail(r ? r->str : c->errstr);
    if (r)
	freeReplyObject(r);
}

int     main(int argc, char **argv)
{
    RPOOL_CONF pconf;
    STORE_CONF sconf;
    redisContext *admin;
    char    err[256], addr[64];
    long long m0, m1, m2, nrefs, nletters;
    double  rate_set, rate_store, rounds[3];
    size_t  written, total = 0;
    double  bytes_base, bytes_store, bytes_ref;
    double  srv_cpu0, cli_cpu0, srv_cpu, cli_cpu;
    char    cmdstats[512] = "";
    int     met;

    if (argc != 5) {
	fprintf(stderr, "usage: store_bench SERVER ADDRESSES THREADS BATCH\n");
	return (1);
    }
    server = argv[1];
    naddr = strtoul(argv[2], NULL, 10);
    nthreads = atoi(argv[3]);
    batch = strtoul(argv[4], NULL, 10);
    if (naddr == 0 || nthreads < 1 || nthreads > 64 || batch < 1) {
	fprintf(stderr, "store_bench: bad arguments\n");
	return (1);
    }
    base_time = time(NULL) - 10 * 86400;
    rpool_conf_defaults(&pconf);
    pconf.server = server;
    pconf.size = nthreads;
    pconf.command_timeout_ms = 30000;
    if ((pool = rpool_new(&pconf, err, sizeof(err))) == NULL
	|| (admin = rpool_get(pool, err, sizeof(err))) == NULL) {
	fprintf(stderr, "store_bench: %s\n", err);
	return (1);
    }
    command(admin, "FLUSHALL");

    /* 1. Redis's own cost of a key, in database 1. */
    command(admin, "SELECT 1");
    m0 = used_memory(admin);
    for (size_t i = 0; i < naddr; i += 1000) {
	for (size_t k = i; k < naddr && k < i + 1000; k++) {
	    address_of(k, addr, sizeof(addr));
	    redisAppendCommand(admin, "SET la:a:{%s} x", addr);
	}
	for (size_t k = i; k < naddr && k < i + 1000; k++) {
	    redisReply *r;

	    if (redisGetReply(admin, (void **) &r) != REDIS_OK) {
		fprintf(stderr, "store_bench: %s\n", admin->errstr);
		return (1);
	    }
	    freeReplyObject(r);
	}
    }
    m1 = used_memory(admin);
    bytes_base = (double) (m1 - m0) / naddr;
    command(admin, "FLUSHDB");
    command(admin, "SELECT 0");
    rpool_put(pool, admin, false);

    /* 2. Plain pipelined SETs: the floor of what Redis takes. */
    rate_set = run(set_worker, -1, &written);
    if (written != naddr)
	fail("the SET baseline did not write every key");
    admin = rpool_get(pool, err, sizeof(err));
    command(admin, "FLUSHALL");
    m0 = used_memory(admin);
    srv_cpu0 = redis_cpu(admin);
    command(admin, "CONFIG RESETSTAT");
    cli_cpu0 = client_cpu();
    rpool_put(pool, admin, false);

    /* 3. liveaddr: three rounds of evidence through store_apply(). */
    store_conf_defaults(&sconf);
    if (getenv("MSGREF_TTL"))			/* 0: no message references */
	sconf.msgref_ttl = atol(getenv("MSGREF_TTL"));
    if ((store = store_new(pool, &sconf, err, sizeof(err))) == NULL) {
	fprintf(stderr, "store_bench: %s\n", err);
	return (1);
    }
    {
	double  t0 = bench_now();

	for (int round = 0; round < 3; round++) {
	    rounds[round] = run(store_worker, round, &written);
	    total += written;
	}
	rate_store = total / (bench_now() - t0);
    }
    admin = rpool_get(pool, err, sizeof(err));
    m1 = used_memory(admin);
    srv_cpu = redis_cpu(admin) - srv_cpu0;
    command_stats(admin, cmdstats, sizeof(cmdstats));
    cli_cpu = client_cpu() - cli_cpu0;
    /*
     * The message references (la:m:...) belong to letters, not to
     * addresses, and expire with the tag lifetime: take them out of the
     * per-address figure and report them per letter.
     */
    nrefs = unlink_matching(admin, "la:m:*");
    m2 = used_memory(admin);
    bytes_store = (double) (m2 - m0) / naddr;
    nletters = sconf.msgref_ttl > 0 ? (long long) (naddr + (naddr + 2) / 3) : 0;	/* "sent" items */
    bytes_ref = nletters ? (double) (m1 - m2) / nletters : 0;
    {
	long long rec_sum = 0;
	int     samples = 0;

	for (size_t i = 0; i < naddr; i += naddr / 100 + 1) {
	    redisReply *r;

	    char    key[128];

	    address_of(i, addr, sizeof(addr));
	    store_address_key(store, addr, key, sizeof(key));
	    r = redisCommand(admin, "STRLEN %s", key);
	    if (r && r->type == REDIS_REPLY_INTEGER) {
		rec_sum += r->integer;
		samples++;
	    }
	    if (r)
		freeReplyObject(r);
	}
	printf("record_bytes_mean: %.0f\n", samples ? (double) rec_sum / samples : 0);
    }
    rpool_put(pool, admin, false);

    printf("addresses: %zu\nthreads: %d\nbatch: %zu\n", naddr, nthreads, batch);
    printf("baseline_key_bytes: %.1f (a bare key of the same name, value \"x\")\n", bytes_base);
    printf("liveaddr_bytes_per_address: %.1f (3 evidence items each; KPI, events, indexes included)\n",
	   bytes_store);
    printf("memory_ratio: %.2f (liveaddr / bare key)\n", bytes_store / bytes_base);
    printf("message_reference_bytes: %.1f a letter, %lld letters in %lld keys (kept for the tag lifetime; not in the figure above)\n",
	   bytes_ref, nletters, nrefs);
    printf("baseline_set_per_s: %.0f (pipelined SET, 300-byte value)\n", rate_set);
    printf("liveaddr_writes_per_s: %.0f (rounds: %.0f %.0f %.0f)\n", rate_store,
	   rounds[0], rounds[1], rounds[2]);
    printf("write_ratio: %.3f (liveaddr / plain SET)\n", rate_store / rate_set);
    printf("cpu_per_write_us: redis %.1f, client %.1f\n", srv_cpu * 1e6 / total,
	   cli_cpu * 1e6 / total);
    printf("redis_commands: %s\n", cmdstats);
    printf("failures: %d\n", failures);
    met = bytes_store <= 400 && rate_store >= 50000 && failures == 0 && total == 3 * naddr;
    printf("target memory <= 400 B/address: %s\n", bytes_store <= 400 ? "met" : "NOT met");
    printf("target writes >= 50000/s: %s\n", rate_store >= 50000 ? "met" : "NOT met");
    store_free(store);
    rpool_free(pool);
    return (failures || total != 3 * naddr ? 1 : met ? 0 : 2);
}
