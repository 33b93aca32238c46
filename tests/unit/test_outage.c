/*
 * test_outage - Redis goes away in the middle of a batch; the evidence
 * goes to the journal; Redis comes back; the replay gives exactly the
 * records and KPI counts of a run without the outage, and a second replay
 * changes nothing.
 *
 * The workload: 1200 addresses, first a letter to each (one batch of 1200
 * items), then what came back over the next days (deliveries, hard and
 * soft bounces, a complaint, an auto-reply, a 5.7.1 block) and a second
 * letter to each, in batches of 50, arriving in the same order in every
 * run.  The reference run writes it all through a sink into database 1.
 * The outage run writes it into database 0, and a watcher thread stops
 * Redis once a few keys of the first batch are written: either SIGSTOP (Redis hangs:
 * command timeouts; when it resumes it still runs what it had read) or
 * SIGKILL of a Redis with an append-only file (a crash; relaunched, it
 * reloads what it had fsynced).  Batches go on arriving while it is away
 * (journaled), and after it is back (stored at once, so the journaled,
 * older evidence arrives after newer evidence).  Then the journal is
 * replayed, and every record (version aside) and every KPI count is
 * compared with the reference.
 */
#include "config.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "unit.h"
#include "journal.h"
#include "log.h"
#include "redis_fixture.h"
#include "rpool.h"
#include "sink.h"
#include "store.h"

#define NADDR	1200
#define BATCH	50

static time_t T0;
static time_t NOW;

/* ---- the workload */

typedef struct {
    EVIDENCE *items;
    size_t  n;
} WORK;

static void address_of(int i, char *buf, size_t len)
{
    snprintf(buf, len, "out%04d@example.ru", i);
}

/*
 * work_add - one item.  Like the milter's, every item about a letter
 * carries the letter's reference and its attribution (department, owner,
 * event), which the message reference gives for a DSN: so the KPI field
 * an item counts under does not depend on what arrived first.
 */
static EVIDENCE *work_add(WORK *w, EV_KIND kind, time_t when, int i, const char *tag)
{
    EVIDENCE *ev = w->items + w->n++;
    char    addr[64], seed[128], ref[32];
    bool    second = strcmp(tag, "2nd") == 0;

    address_of(i, addr, sizeof(addr));
    evidence_init(ev, kind, when, addr);
    snprintf(seed, sizeof(seed), "%s|%s|%d", addr, tag, (int) kind);
    evidence_make_id(ev, seed);
    EVIDENCE_SET(ev, department, i % 2 ? "sales" : "service");
    EVIDENCE_SET(ev, owner, i % 3 ? "petrova.e" : "ivanov.a");
    EVIDENCE_SET(ev, event, second ? "service" : "contract");
    snprintf(ref, sizeof(ref), "%s%04d", second ? "2nd" : "1st", i);
    EVIDENCE_SET(ev, msgref, ref);
    return (ev);
}

static void work_sent(WORK *w, int i, time_t when, const char *tag)
{
    work_add(w, EV_SENT, when, i, tag);
}

static void work_bounce(WORK *w, int i, EV_KIND kind, time_t when, const char *tag,
			        const char *reason, const char *status)
{
    EVIDENCE *ev = work_add(w, kind, when, i, tag);

    EVIDENCE_SET(ev, reason, reason);
    EVIDENCE_SET(ev, status, status);
    ev->reply_code = status[0] == '5' ? 550 : 452;
}

/* work_build - batch 0: the first letters; then waves of 50 */

static void work_build(WORK *w)
{
    const time_t D = 86400;

    w->items = calloc(8 * NADDR, sizeof(EVIDENCE));
    w->n = 0;
    assert_non_null(w->items);
    for (int i = 0; i < NADDR; i++)
	work_sent(w, i, T0 + i, "1st");
    for (int day = 1; day <= 4; day++) {
	for (int i = 0; i < NADDR; i++) {
	    time_t  t = T0 + day * D + i;

	    switch (i % 6) {
	    case 0:
		if (day == 1)
		    work_add(w, EV_DELIVERED, t, i, "d1");
		break;
	    case 1:
		if (day == 1)
		    work_bounce(w, i, EV_BOUNCE_HARD, t, "h1", "userunknown", "5.1.1");
		break;
	    case 2:
		if (day <= 3)
		    work_bounce(w, i, EV_BOUNCE_SOFT, t, day == 1 ? "s1" : day == 2 ? "s2" : "s3",
				"mailboxfull", "4.2.2");
		break;
	    case 3:
		if (day == 1)
		    work_bounce(w, i, EV_BOUNCE_SOFT, t, "s1", "mailboxfull", "4.2.2");
		if (day == 2)
		    work_add(w, EV_DELIVERED, t, i, "d2");
		break;
	    case 4:
		if (day == 1)
		    work_add(w, EV_DELIVERED, t, i, "d1");
		if (day == 2)
		    work_add(w, EV_COMPLAINT, t, i, "c2");
		break;
	    default:
		if (day == 1)
		    work_add(w, EV_AUTOREPLY, t, i, "a1");
		if (day == 2)
		    work_bounce(w, i, EV_BOUNCE_POLICY, t, "p2", "blocked", "5.7.1");
		break;
	    }
	    if (day == 4)
		work_sent(w, i, t, "2nd");
	}
    }
}

/* ---- stores */

typedef struct {
    RPOOL  *pool;
    STORE  *store;
    JOURNAL *journal;
    SINK   *sink;
    char    dir[64];
    char    path[96];
} SIDE;

static void side_open(SIDE *s, const REDIS_FIXTURE *fx, int database)
{
    RPOOL_CONF rc;
    STORE_CONF sc;
    char    err[256];

    rpool_conf_defaults(&rc);
    rc.server = fx->server;
    rc.database = database;
    rc.size = 2;
    rc.connect_timeout_ms = 300;
    rc.command_timeout_ms = 300;
    rc.backoff_min_ms = 20;
    rc.backoff_max_ms = 100;
    store_conf_defaults(&sc);
    snprintf(s->dir, sizeof(s->dir), "/tmp/liveaddr-outage.XXXXXX");
    assert_non_null(mkdtemp(s->dir));
    snprintf(s->path, sizeof(s->path), "%s/journal", s->dir);
    assert_non_null(s->pool = rpool_new(&rc, err, sizeof(err)));
    assert_non_null(s->store = store_new(s->pool, &sc, err, sizeof(err)));
    assert_non_null(s->journal = journal_open(s->path, JOURNAL_SYNC_ALWAYS, err, sizeof(err)));
    assert_non_null(s->sink = sink_new(s->store, s->journal, s->path));
}

static void side_close(SIDE *s)
{
    char    cmd[128];

    sink_free(s->sink);
    journal_close(s->journal);
    store_free(s->store);
    rpool_free(s->pool);
    snprintf(cmd, sizeof(cmd), "rm -rf '%s'", s->dir);
    if (system(cmd) != 0)
	fprintf(stderr, "# could not remove %s\n", s->dir);
}

/* run - the batches from..to (exclusive) through the sink */

static void run(SIDE *s, const WORK *w, size_t from, size_t to, int *journaled)
{
    for (size_t i = from; i < to;) {
	size_t  n = i == 0 ? NADDR : (to - i < BATCH ? to - i : BATCH);

	if (sink_put(s->sink, w->items + i, n, NOW) == SINK_JOURNALED && journaled)
	    (*journaled)++;
	i += n;
    }
}

/* ---- comparing */

static char *canonical(STORE *store, int i)
{
    RECORD_DOC *doc = malloc(sizeof(*doc));
    char   *text = malloc(RECORD_TEXT_MAX);
    char    addr[64], err[256];
    bool    found;
    int     len;

    assert_non_null(doc);
    assert_non_null(text);
    address_of(i, addr, sizeof(addr));
    assert_int_equal(store_load(store, addr, doc, &found, err, sizeof(err)), 0);
    assert_true(found);
    doc->version = 0;				/* the number of writes differs */
    len = record_encode(doc, text, RECORD_TEXT_MAX);
    assert_true(len > 0);
    free(doc);
    return (text);
}

typedef struct {
    char    text[65536];
    size_t  used;
} KPI_TEXT;

static int kpi_line(void *ctx, const char *field, long long count)
{
    KPI_TEXT *k = ctx;
    int     n = snprintf(k->text + k->used, sizeof(k->text) - k->used, "%s=%lld\n",
			 field, count);

    if (n > 0 && k->used + (size_t) n < sizeof(k->text))
	k->used += (size_t) n;
    return (0);
}

static KPI_TEXT *kpi_all(STORE *store)
{
    KPI_TEXT *k = calloc(1, sizeof(*k));
    char    month[16], err[256];
    struct tm tm;

    assert_non_null(k);
    for (time_t t = T0 - 40 * 86400; t <= NOW + 40 * 86400; t += 28 * 86400) {
	localtime_r(&t, &tm);
	snprintf(month, sizeof(month), "%04d-%02d", (tm.tm_year + 1900) % 10000, (tm.tm_mon + 1) % 100);
	if (strstr(k->text, month) == NULL) {
	    k->used += (size_t) snprintf(k->text + k->used, sizeof(k->text) - k->used,
					 "[%s]\n", month);
	    assert_int_equal(store_kpi(store, month, kpi_line, k, err, sizeof(err)), 0);
	}
    }
    return (k);
}

static void compare(SIDE *ref, SIDE *out)
{
    KPI_TEXT *a, *b;
    int     differ = 0;

    for (int i = 0; i < NADDR; i++) {
	char   *x = canonical(ref->store, i), *y = canonical(out->store, i);

	if (strcmp(x, y) != 0 && differ++ < 3)
	    fprintf(stderr, "# address %d differs:\n# ref %s\n# out %s\n", i, x, y);
	free(x);
	free(y);
    }
    assert_int_equal(differ, 0);
    a = kpi_all(ref->store);
    b = kpi_all(out->store);
    if (strcmp(a->text, b->text) != 0)
	fprintf(stderr, "# KPI differ:\n%s\n--- vs ---\n%s\n", a->text, b->text);
    assert_string_equal(a->text, b->text);
    assert_true(strstr(a->text, "sales|petrova.e|contract|sent=") != NULL);
    free(a);
    free(b);
}

/* ---- the watcher: stops Redis while the first batch is being written */

typedef struct {
    REDIS_FIXTURE *fx;
    bool    kill;
    volatile int fired;
} WATCH;

static void *watcher(void *arg)
{
    WATCH  *w = arg;
    redisContext *c = redisConnect("127.0.0.1", w->fx->port);

    for (int spins = 0; c && !c->err && spins < 2000000; spins++) {
	redisReply *r = redisCommand(c, "DBSIZE");
	long long n = r && r->type == REDIS_REPLY_INTEGER ? r->integer : -1;

	if (r)
	    freeReplyObject(r);
	if (n < 0)
	    break;
	if (n >= NADDR / 20) {
	    if (w->kill)
		redis_fixture_kill(w->fx);
	    else
		redis_fixture_pause(w->fx, 1);
	    w->fired = 1;
	    break;
	}
    }
    if (c)
	redisFree(c);
    return (NULL);
}

static void outage(bool kill)
{
    REDIS_FIXTURE fx;
    SIDE    ref, out;
    WORK    w;
    WATCH   watch;
    pthread_t tid;
    SINK_STATS st;
    JOURNAL_STATS js;
    char    err[256];
    int     journaled = 0;
    size_t  wave_end, ndays1;
    struct timespec pause = {0, 300 * 1000000};

    assert_int_equal(kill ? redis_fixture_start_persistent(&fx)
		     : redis_fixture_start(&fx, NULL), 0);
    work_build(&w);
    /* batch 0, then the items of days 1-2 go in during the outage */
    ndays1 = 0;
    for (size_t i = NADDR; i < w.n; i++)
	if (w.items[i].when < T0 + 3 * 86400)
	    ndays1 = i + 1;
    wave_end = ndays1;

    side_open(&ref, &fx, 1);
    run(&ref, &w, 0, w.n, NULL);
    sink_stats(ref.sink, &st);
    assert_int_equal(st.stored, w.n);

    side_open(&out, &fx, 0);
    watch = (WATCH) {&fx, kill, 0};
    pthread_create(&tid, NULL, watcher, &watch);
    run(&out, &w, 0, NADDR, &journaled);		/* stopped in the middle */
    pthread_join(tid, NULL);
    assert_true(watch.fired);
    sink_stats(out.sink, &st);
    fprintf(stderr, "# first batch: %lu stored, %lu journaled\n", st.stored, st.journaled);
    assert_int_equal(journaled, 1);
    assert_true(st.journaled > 0);			/* Redis went away mid-batch */
    run(&out, &w, NADDR, wave_end, &journaled);	/* while it is away */
    sink_stats(out.sink, &st);
    assert_int_equal(st.lost, 0);
    assert_int_equal(st.stored + st.journaled, wave_end);
    assert_true(st.journaled >= wave_end - NADDR);

    if (kill)
	assert_int_equal(redis_fixture_relaunch(&fx), 0);
    else
	redis_fixture_pause(&fx, 0);
    nanosleep(&pause, NULL);			/* past the pool's backoff */
    run(&out, &w, wave_end, w.n, NULL);		/* newer evidence, stored at once */
    sink_stats(out.sink, &st);
    assert_int_equal(st.stored + st.journaled, w.n);
    assert_true(st.stored > (unsigned long) NADDR / 2);

    if (sink_replay(out.sink, &js, err, sizeof(err)) < 0)
	fprintf(stderr, "# replay failed: %s\n", err);
    fprintf(stderr, "# replay: %zu lines, %zu applied, %zu bad\n", js.lines, js.applied, js.bad);
    assert_int_equal(js.lines, st.journaled);
    assert_int_equal(js.bad, 0);
    compare(&ref, &out);

    /* A second replay: nothing left, nothing changes. */
    assert_int_equal(sink_replay(out.sink, &js, err, sizeof(err)), 0);
    assert_int_equal(js.lines, 0);
    compare(&ref, &out);

    /* The same journal lines replayed again (a copy kept by an admin): no change. */
    {
	JOURNAL *again;
	char    jerr[256];

	assert_non_null(again = journal_open(out.path, JOURNAL_SYNC_NEVER, jerr, sizeof(jerr)));
	assert_int_equal(journal_append(again, w.items, w.n), 0);
	journal_close(again);
	assert_int_equal(sink_replay(out.sink, &js, err, sizeof(err)), 0);
	assert_int_equal(js.applied, w.n);
	compare(&ref, &out);
    }
    side_close(&ref);
    side_close(&out);
    free(w.items);
    redis_fixture_stop(&fx);
}

/* a record that does not decode: its items are refused and logged, never
 * journaled, and they do not stop a replay of the others */
static void unreadable_record_does_not_block(void **state)
{
    REDIS_FIXTURE fx;
    SIDE    s;
    EVIDENCE ev[2];
    JOURNAL_STATS js;
    SINK_STATS st;
    char    key[128], err[256];
    redisContext *c;
    redisReply *r;
    struct stat sb;

    assert_int_equal(redis_fixture_start(&fx, NULL), 0);
    side_open(&s, &fx, 0);
    evidence_init(ev, EV_DELIVERED, T0, "broken@example.ru");
    evidence_make_id(ev, "broken delivered");
    evidence_init(ev + 1, EV_DELIVERED, T0, "fine@example.ru");
    evidence_make_id(ev + 1, "fine delivered");
    assert_int_equal(store_address_key(s.store, "broken@example.ru", key, sizeof(key)), 0);
    assert_non_null(c = redisConnect("127.0.0.1", fx.port));
    freeReplyObject(redisCommand(c, "SET %s %s", key, "R9|not a record"));

    /* Refused for good: a retry would not help, so not SINK_LOST (no tempfail). */
    assert_int_equal(sink_put(s.sink, ev, 2, NOW), SINK_REFUSED);
    sink_stats(s.sink, &st);
    assert_int_equal(st.stored, 1);
    assert_int_equal(st.lost, 1);
    assert_int_equal(st.journaled, 0);
    assert_true(stat(s.path, &sb) != 0 || sb.st_size == 0);

    /* The same two from a journal: the replay finishes. */
    assert_int_equal(journal_append(s.journal, ev, 2), 0);
    assert_int_equal(sink_replay(s.sink, &js, err, sizeof(err)), 0);
    assert_int_equal(js.lines, 2);
    r = redisCommand(c, "GET %s", key);
    assert_non_null(r);
    assert_string_equal(r->str, "R9|not a record");	/* left for a person */
    freeReplyObject(r);
    redisFree(c);
    side_close(&s);
    redis_fixture_stop(&fx);
}

static void outage_redis_hangs(void **state)
{
    outage(false);
}

static void outage_redis_crashes(void **state)
{
    outage(true);
}

int     main(void)
{
    const struct CMUnitTest tests[] = {
	cmocka_unit_test(outage_redis_hangs),
	cmocka_unit_test(outage_redis_crashes),
	cmocka_unit_test(unreadable_record_does_not_block),
    };
    const char *missing = redis_fixture_missing();

    if (missing) {
	printf("1..0 # SKIP %s\n", missing);
	return (0);
    }
    NOW = time(NULL);
    T0 = NOW - 10 * 86400;
    log_open("test_outage", 0, LOG_TO_STDERR);
    cmocka_set_message_output(CM_OUTPUT_TAP);
    return (cmocka_run_group_tests(tests, NULL, NULL) ? 1 : 0);
}
