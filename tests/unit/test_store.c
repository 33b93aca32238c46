/*
 * test_store - evidence into a real, private redis-server: state and
 * history, duplicates applied once, many threads and several processes
 * writing for one address losing nothing, undo, forget with its
 * tombstone, the sweep, KPI counters and the event stream.
 */
#include "config.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "unit.h"
#include "redis_fixture.h"
#include "rpool.h"
#include "store.h"

static REDIS_FIXTURE fx;
static const time_t T0 = 1790000000;	/* 2026-09-21 */

static RPOOL *new_pool(int size)
{
    RPOOL_CONF rc;
    char    err[256];
    RPOOL  *pool;

    rpool_conf_defaults(&rc);
    rc.server = fx.server;
    rc.size = size;
    pool = rpool_new(&rc, err, sizeof(err));
    assert_non_null(pool);
    return (pool);
}

static STORE *new_store(RPOOL *pool)
{
    STORE_CONF sc;
    char    err[256];
    STORE  *store;

    store_conf_defaults(&sc);
    store = store_new(pool, &sc, err, sizeof(err));
    assert_non_null(store);
    return (store);
}

static EVIDENCE ev_make(EV_KIND kind, time_t when, const char *address, const char *seed)
{
    EVIDENCE ev;

    evidence_init(&ev, kind, when, address);
    evidence_make_id(&ev, seed);
    return (ev);
}

static long long redis_int(const char *fmt, const char *a, const char *b)
{
    RPOOL  *pool = new_pool(1);
    char    err[256];
    redisContext *c = rpool_get(pool, err, sizeof(err));
    redisReply *r = redisCommand(c, fmt, a, b);
    long long v = -1;

    if (r && r->type == REDIS_REPLY_INTEGER)
	v = r->integer;
    else if (r && r->type == REDIS_REPLY_STRING)
	v = atoll(r->str);
    else if (r && (r->type == REDIS_REPLY_NIL || r->type == REDIS_REPLY_STATUS))
	v = 0;
    freeReplyObject(r);
    rpool_put(pool, c, false);
    rpool_free(pool);
    return (v);
}

/* kpi - a month's KPI field, added up over the buckets */

typedef struct {
    const char *field;
    long long count;
    int     fields;
} KPI_WANT;

static int kpi_one(void *ctx, const char *field, long long count)
{
    KPI_WANT *w = ctx;

    w->fields++;
    if (strcmp(field, w->field) == 0)
	w->count = count;
    return (0);
}

static long long kpi(STORE *store, const char *month, const char *field)
{
    KPI_WANT w = {field, 0, 0};
    char    err[256];

    assert_int_equal(store_kpi(store, month, kpi_one, &w, err, sizeof(err)), 0);
    return (w.count);
}

/* events_of - how many stream entries name an address (in its bucket) */

static long long events_of(const char *address)
{
    char    key[64];

    snprintf(key, sizeof(key), "la:events:{b%x}", store_bucket(address));
    return (redis_int("XLEN %s%s", key, ""));
}

static RECORD_DOC *load(STORE *store, const char *key)
{
    RECORD_DOC *doc = malloc(sizeof(*doc));
    char    err[256];
    bool    found;

    assert_int_equal(store_load(store, key, doc, &found, err, sizeof(err)), 0);
    assert_true(found);
    return (doc);
}

/* sent, delivered: valid, with history, KPI and an event */
static void evidence_becomes_state(void **state)
{
    RPOOL  *pool = new_pool(2);
    STORE  *store = new_store(pool);
    EVIDENCE ev[2];
    STORE_RESULT res[2];
    char    err[256];
    RECORD_DOC *doc;

    ev[0] = ev_make(EV_SENT, T0, "anna@mail.ru", "sent anna");
    EVIDENCE_SET(&ev[0], department, "sales");
    EVIDENCE_SET(&ev[0], owner, "petrov");
    EVIDENCE_SET(&ev[0], event, "contract");
    EVIDENCE_SET(&ev[0], msgref, "ref1");
    ev[1] = ev_make(EV_DELIVERED, T0 + 60, "anna@mail.ru", "delivered anna");
    assert_int_equal(store_apply(store, ev, 2, T0 + 60, res, err, sizeof(err)), 0);
    assert_true(res[0].stored && res[1].stored);
    assert_true(res[1].changed & STATE_CHANGED_VALIDITY);
    doc = load(store, "anna@mail.ru");
    assert_int_equal(doc->rec.validity, VAL_VALID);
    assert_string_equal(doc->rec.department, "sales");
    assert_int_equal(doc->nhist, 2);
    assert_string_equal(doc->hist[0].msgref, "ref1");
    free(doc);
    assert_int_equal(kpi(store, "2026-09", "sales|petrov|contract|sent"), 1);
    assert_int_equal(kpi(store, "2026-09", "sales|petrov|-|delivered"), 1);
    assert_true(events_of("anna@mail.ru") >= 1);

    /* Letters to many addresses in one call share KPI fields: each counts. */
    {
	EVIDENCE many[40];
	STORE_RESULT mres[40];
	char    addr[64], seed[64];

	for (int i = 0; i < 40; i++) {
	    snprintf(addr, sizeof(addr), "kpi%d@mail.ru", i);
	    snprintf(seed, sizeof(seed), "sent kpi %d", i);
	    many[i] = ev_make(EV_SENT, T0, addr, seed);
	    EVIDENCE_SET(&many[i], department, "service");
	    EVIDENCE_SET(&many[i], owner, i % 2 ? "ivanov" : "sidorov");
	    EVIDENCE_SET(&many[i], event, "service");
	}
	assert_int_equal(store_apply(store, many, 40, T0, mres, err, sizeof(err)), 0);
	assert_int_equal(kpi(store, "2026-09", "service|ivanov|service|sent"), 20);
	assert_int_equal(kpi(store, "2026-09", "service|sidorov|service|sent"), 20);
	/* the same again (a replay): nothing counts twice */
	assert_int_equal(store_apply(store, many, 40, T0, mres, err, sizeof(err)), 0);
	assert_int_equal(kpi(store, "2026-09", "service|ivanov|service|sent"), 20);
    }
    store_free(store);
    rpool_free(pool);
}

/* the same evidence twice (a replayed journal): applied once */
static void duplicates_once(void **state)
{
    RPOOL  *pool = new_pool(1);
    STORE  *store = new_store(pool);
    EVIDENCE ev = ev_make(EV_SENT, T0, "boris@mail.ru", "sent boris");
    STORE_RESULT res;
    char    err[256];
    RECORD_DOC *doc;

    EVIDENCE_SET(&ev, department, "service");
    for (int i = 0; i < 3; i++)
	assert_int_equal(store_apply(store, &ev, 1, T0, &res, err, sizeof(err)), 0);
    assert_true(res.duplicate && res.stored);
    doc = load(store, "boris@mail.ru");
    assert_int_equal(doc->rec.n_sent, 1);
    free(doc);
    assert_int_equal(kpi(store, "2026-09", "service|-|-|sent"), 1);
    store_free(store);
    rpool_free(pool);
}

typedef struct {
    STORE  *store;
    int     base;
    int     failures;
} WRITER;

static void *writer(void *arg)
{
    WRITER *w = arg;

    for (int i = 0; i < 300; i++) {
	char    seed[64], err[256];
	EVIDENCE ev;

	snprintf(seed, sizeof(seed), "race %d", w->base + i);
	ev = ev_make(EV_SENT, T0 + w->base + i, "race@mail.ru", seed);
	if (store_apply(w->store, &ev, 1, T0, NULL, err, sizeof(err)) < 0) {
	    if (w->failures++ == 0)
		fprintf(stderr, "# writer %d: %s\n", w->base, err);
	}
    }
    return (NULL);
}

/* 8 threads and 3 processes write for one address: nothing is lost */
static void many_writers_lose_nothing(void **state)
{
    RPOOL  *pool = new_pool(4);
    STORE  *store = new_store(pool);
    pthread_t tid[8];
    WRITER  w[8];
    pid_t   kids[3];
    RECORD_DOC *doc;

    for (int p = 0; p < 3; p++) {
	if ((kids[p] = fork()) == 0) {
	    /* no cmocka asserts in a child: they would jump into its copy of the runner */
	    RPOOL_CONF rc;
	    STORE_CONF sc;
	    char    err[256];
	    RPOOL  *cpool;
	    STORE  *cstore;
	    WRITER  cw;

	    rpool_conf_defaults(&rc);
	    rc.server = fx.server;
	    store_conf_defaults(&sc);
	    if ((cpool = rpool_new(&rc, err, sizeof(err))) == NULL
		|| (cstore = store_new(cpool, &sc, err, sizeof(err))) == NULL)
		_exit(2);
	    cw = (WRITER) {cstore, 100000 * (p + 1), 0};
	    writer(&cw);
	    _exit(cw.failures ? 1 : 0);
	}
    }
    for (int i = 0; i < 8; i++) {
	w[i] = (WRITER) {store, 1000 * i, 0};
	pthread_create(tid + i, NULL, writer, w + i);
    }
    for (int i = 0; i < 8; i++) {
	pthread_join(tid[i], NULL);
	assert_int_equal(w[i].failures, 0);
    }
    for (int p = 0; p < 3; p++) {
	int     st;

	waitpid(kids[p], &st, 0);
	assert_true(WIFEXITED(st) && WEXITSTATUS(st) == 0);
    }
    doc = load(store, "race@mail.ru");
    assert_int_equal(doc->rec.n_sent, 11 * 300);
    assert_int_equal(doc->nhist, 32);
    free(doc);
    store_free(store);
    rpool_free(pool);
}

/* a wrong hard bounce taken back: valid again, the bounce stays in history */
static void undo_a_wrong_verdict(void **state)
{
    RPOOL  *pool = new_pool(1);
    STORE  *store = new_store(pool);
    EVIDENCE ev[2];
    char    err[256];
    RECORD_DOC *doc;

    ev[0] = ev_make(EV_DELIVERED, T0, "vera@mail.ru", "vera delivered");
    ev[1] = ev_make(EV_BOUNCE_HARD, T0 + 100, "vera@mail.ru", "vera bounce");
    EVIDENCE_SET(&ev[1], reason, "userunknown");
    EVIDENCE_SET(&ev[1], status, "5.1.1");
    assert_int_equal(store_apply(store, ev, 2, T0 + 100, NULL, err, sizeof(err)), 0);
    doc = load(store, "vera@mail.ru");
    assert_int_equal(doc->rec.validity, VAL_INVALID);
    free(doc);
    ev[0] = ev_make(EV_UNDO, T0 + 200, "vera@mail.ru", "vera undo");
    strcpy(ev[0].target, ev[1].id);
    assert_int_equal(store_apply(store, ev, 1, T0 + 200, NULL, err, sizeof(err)), 0);
    doc = load(store, "vera@mail.ru");
    assert_int_equal(doc->rec.validity, VAL_VALID);
    assert_int_equal(doc->nhist, 3);
    free(doc);
    store_free(store);
    rpool_free(pool);
}

/* forget erases; older evidence (a late DSN) cannot bring it back */
static void forget_leaves_a_tombstone(void **state)
{
    RPOOL  *pool = new_pool(1);
    STORE  *store = new_store(pool);
    EVIDENCE ev = ev_make(EV_DELIVERED, T0, "gone@mail.ru", "gone delivered");
    char    err[256];
    size_t  removed;
    RECORD_DOC *doc;

    assert_int_equal(store_apply(store, &ev, 1, T0, NULL, err, sizeof(err)), 0);
    assert_int_equal(store_forget(store, "gone@mail.ru", T0 + 10, &removed, err, sizeof(err)), 0);
    assert_true(removed >= 1);
    doc = load(store, "gone@mail.ru");
    assert_int_equal(doc->rec.validity, VAL_UNKNOWN);
    assert_int_equal(doc->nhist, 0);
    assert_int_equal(doc->forgotten, T0 + 10);
    free(doc);
    assert_int_equal(events_of("gone@mail.ru"), 0);
    /* the same old evidence replayed: ignored; new evidence: a fresh start */
    assert_int_equal(store_apply(store, &ev, 1, T0 + 20, NULL, err, sizeof(err)), 0);
    doc = load(store, "gone@mail.ru");
    assert_int_equal(doc->nhist, 0);
    free(doc);
    ev = ev_make(EV_SENT, T0 + 30, "gone@mail.ru", "gone sent again");
    assert_int_equal(store_apply(store, &ev, 1, T0 + 30, NULL, err, sizeof(err)), 0);
    doc = load(store, "gone@mail.ru");
    assert_int_equal(doc->rec.n_sent, 1);
    free(doc);
    store_free(store);
    rpool_free(pool);
}

/* the sweep makes a year-old proof stale and says so on the stream */
static void sweep_finds_stale(void **state)
{
    RPOOL  *pool = new_pool(1);
    STORE  *store = new_store(pool);
    EVIDENCE ev = ev_make(EV_CONFIRMED, T0, "old@mail.ru", "old confirmed");
    char    err[256];
    STORE_SWEEP st;
    RECORD_DOC *doc;

    EVIDENCE_SET(&ev, reason, "service-desk");
    EVIDENCE_SET(&ev, department, "service");
    assert_int_equal(store_apply(store, &ev, 1, T0, NULL, err, sizeof(err)), 0);
    assert_int_equal(store_sweep(store, T0 + 100 * 86400, &st, err, sizeof(err)), 0);
    doc = load(store, "old@mail.ru");
    assert_false(doc->rec.stale);
    free(doc);
    assert_int_equal(store_sweep(store, T0 + 400 * 86400, &st, err, sizeof(err)), 0);
    assert_true(st.stale >= 1);
    doc = load(store, "old@mail.ru");
    assert_true(doc->rec.stale);
    assert_int_equal(doc->rec.validity, VAL_VALID);
    free(doc);
    /* a second sweep finds nothing more to do */
    assert_int_equal(store_sweep(store, T0 + 401 * 86400, &st, err, sizeof(err)), 0);
    assert_int_equal(st.stale, 0);
    assert_true(st.examined >= 1);
    store_free(store);
    rpool_free(pool);
}

/* hash_tag - "{...}" as Redis Cluster reads it from a key */

static const char *hash_tag(const char *key)
{
    static char tag[64];
    const char *open = strchr(key, '{'), *close = open ? strchr(open + 1, '}') : NULL;

    if (open == NULL || close == NULL || close == open + 1 || close - open >= 63)
	return ("");
    memcpy(tag, open, close - open + 1);
    tag[close - open + 1] = 0;
    return (tag);
}

/* every key one address's write touches is in one slot (one hash tag) */
static void one_slot_per_address(void **state)
{
    RPOOL  *pool = new_pool(1);
    STORE  *store = new_store(pool);
    char    key[300], events[64], tag[16];
    const char *addr = "slot.check@mail.ru";
    EVIDENCE ev = ev_make(EV_SENT, T0, addr, "slot sent");
    char    err[256];

    assert_int_equal(store_address_key(store, addr, key, sizeof(key)), 0);
    snprintf(tag, sizeof(tag), "{b%x}", store_bucket(addr));
    assert_non_null(strstr(key, tag));
    /* Redis Cluster hashes what is between the first "{" and the next "}" */
    assert_string_equal(hash_tag(key), tag);
    snprintf(events, sizeof(events), "la:events:%s", tag);
    assert_string_equal(hash_tag(events), tag);
    snprintf(events, sizeof(events), "la:kpi:%s:2026-09", tag);
    assert_string_equal(hash_tag(events), tag);
    assert_int_equal(store_apply(store, &ev, 1, T0, NULL, err, sizeof(err)), 0);
    assert_int_equal(redis_int("EXISTS %s%s", key, ""), 1);
    store_free(store);
    rpool_free(pool);
}

/* the script cache flushed (a restart): a whole pipelined batch still lands */
static void noscript_mid_pipeline(void **state)
{
    RPOOL  *pool = new_pool(1);
    STORE  *store = new_store(pool);
    EVIDENCE ev[20];
    STORE_RESULT res[20];
    char    err[256], addr[64], seed[64];

    for (int i = 0; i < 20; i++) {
	snprintf(addr, sizeof(addr), "flush%02d@mail.ru", i);
	snprintf(seed, sizeof(seed), "flush %d", i);
	ev[i] = ev_make(EV_SENT, T0, addr, seed);
	EVIDENCE_SET(&ev[i], department, "sales");
    }
    assert_int_equal(redis_int("SCRIPT FLUSH%s%s", "", ""), 0);
    assert_int_equal(store_apply(store, ev, 20, T0, res, err, sizeof(err)), 0);
    for (int i = 0; i < 20; i++)
	assert_true(res[i].stored);
    assert_int_equal(kpi(store, "2026-09", "sales|-|-|sent"), 20);
    store_free(store);
    rpool_free(pool);
}

/* a letter to two recipients: its reference names both, with what it was */

typedef struct {
    int     n;
    char    seen[2][64];
    char    what[2][128];
} REF_SEEN;

static int ref_one(void *ctx, const char *address, const char *dept, const char *owner,
		           const char *event, const char *contact)
{
    REF_SEEN *rs = ctx;

    if (rs->n < 2) {
	snprintf(rs->seen[rs->n], sizeof(rs->seen[0]), "%s", address);
	snprintf(rs->what[rs->n], sizeof(rs->what[0]), "%s/%s/%s/%s", dept, owner, event,
		 contact);
    }
    rs->n++;
    return (0);
}

static void message_reference(void **state)
{
    RPOOL  *pool = new_pool(1);
    STORE  *store = new_store(pool);
    EVIDENCE ev[3];
    char    err[256];
    REF_SEEN rs;
    const char *to[2] = {"first.rcpt@mail.ru", "second.rcpt@yandex.ru"};

    for (int i = 0; i < 2; i++) {
	char    seed[64];

	snprintf(seed, sizeof(seed), "ref sent %d", i);
	ev[i] = ev_make(EV_SENT, time(NULL), to[i], seed);
	EVIDENCE_SET(&ev[i], msgref, "abcdefghijkl");
	EVIDENCE_SET(&ev[i], department, "sales");
	EVIDENCE_SET(&ev[i], owner, "petrova.e");
	EVIDENCE_SET(&ev[i], event, "contract");
	EVIDENCE_SET(&ev[i], contact, i ? "C2" : "C1");
    }
    assert_int_equal(store_apply(store, ev, 2, time(NULL), NULL, err, sizeof(err)), 0);
    memset(&rs, 0, sizeof(rs));
    assert_int_equal(store_message(store, "abcdefghijkl", ref_one, &rs, err, sizeof(err)), 0);
    assert_int_equal(rs.n, 2);
    for (int i = 0; i < 2; i++) {
	int     j = strcmp(rs.seen[0], to[i]) == 0 ? 0 : 1;

	assert_string_equal(rs.seen[j], to[i]);
	assert_string_equal(rs.what[j], i ? "sales/petrova.e/contract/C2"
			    : "sales/petrova.e/contract/C1");
    }
    /* it expires with the tag lifetime */
    {
	char    key[128];

	snprintf(key, sizeof(key), "la:m:{b%x}:%ld", store_bucket(to[0]), (long) (time(NULL) / 86400));
	assert_true(redis_int("TTL %s%s", key, "") > 9 * 86400);
    }
    memset(&rs, 0, sizeof(rs));
    assert_int_equal(store_message(store, "nosuchreference", ref_one, &rs, err, sizeof(err)), 0);
    assert_int_equal(rs.n, 0);
    store_free(store);
    rpool_free(pool);
}

/* Redis answers with errors (as while LOADING after a restart): the items
 * are not stored and not refused, so the sink journals them */
static void error_replies_are_failures(void **state)
{
    RPOOL_CONF rc;
    RPOOL  *pool;
    STORE  *store;
    EVIDENCE ev = ev_make(EV_SENT, T0, "loading@mail.ru", "loading");
    STORE_RESULT res;
    char    err[256];

    assert_int_equal(redis_int("ACL SETUSER noget on >pw ~* +@all -get%s%s", "", ""), 0);
    rpool_conf_defaults(&rc);
    rc.server = fx.server;
    rc.user = "noget";
    rc.password = "pw";
    pool = rpool_new(&rc, err, sizeof(err));
    store = new_store(pool);
    assert_int_equal(store_apply(store, &ev, 1, T0, &res, err, sizeof(err)), -1);
    assert_false(res.stored);
    assert_false(res.refused);
    assert_non_null(strstr(err, "NOPERM"));
    store_free(store);
    rpool_free(pool);
}

/* a dead Redis: apply fails at once and says nothing was stored */
static void dead_redis_fails_cleanly(void **state)
{
    RPOOL_CONF rc;
    char    err[256];
    RPOOL  *pool;
    STORE  *store;
    EVIDENCE ev = ev_make(EV_SENT, T0, "x@mail.ru", "dead");
    STORE_RESULT res;

    rpool_conf_defaults(&rc);
    rc.server = "127.0.0.1:1";
    pool = rpool_new(&rc, err, sizeof(err));
    store = new_store(pool);
    assert_int_equal(store_apply(store, &ev, 1, T0, &res, err, sizeof(err)), -1);
    assert_false(res.stored);
    store_free(store);
    rpool_free(pool);
}

static int setup(void **state)
{
    setenv("TZ", "UTC", 1);
    return (redis_fixture_start(&fx, NULL));
}

static int teardown(void **state)
{
    redis_fixture_stop(&fx);
    return (0);
}

int     main(void)
{
    const struct CMUnitTest tests[] = {
	cmocka_unit_test(evidence_becomes_state),
	cmocka_unit_test(duplicates_once),
	cmocka_unit_test(many_writers_lose_nothing),
	cmocka_unit_test(undo_a_wrong_verdict),
	cmocka_unit_test(forget_leaves_a_tombstone),
	cmocka_unit_test(sweep_finds_stale),
	cmocka_unit_test(one_slot_per_address),
	cmocka_unit_test(noscript_mid_pipeline),
	cmocka_unit_test(message_reference),
	cmocka_unit_test(error_replies_are_failures),
	cmocka_unit_test(dead_redis_fails_cleanly),
    };
    const char *missing = redis_fixture_missing();

    if (missing) {
	printf("1..0 # SKIP %s\n", missing);
	return (0);
    }
    cmocka_set_message_output(CM_OUTPUT_TAP);
    return (cmocka_run_group_tests(tests, setup, teardown) ? 1 : 0);
}
