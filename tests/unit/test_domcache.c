/*
 * test_domcache - the in-process cache of domain verdicts.
 *
 * The clock is the test's: each case stores a verdict at a time T and
 * asks at T plus some seconds, and says what the cache must answer
 * (MISS, FRESH or STALE) and why.
 */
#include "config.h"

#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "unit.h"
#include "domcache.h"

#define T0	1700000000		/* some time in 2023 */
#define DAY	86400
#define HOUR	3600

static DNS_RESULT verdict(DNS_VERDICT v, const char *mx)
{
    DNS_RESULT r;

    memset(&r, 0, sizeof(r));
    r.verdict = v;
    r.rcode = v == DNS_V_UNKNOWN ? -1 : 0;
    snprintf(r.mx, sizeof(r.mx), "%s", mx);
    return (r);
}

/* the defaults are Postfix's verify(8) times, and a minute for unknown */
static void ttl_defaults(void **state)
{
    DOMCACHE_TTL ttl = domcache_ttl_defaults();

    assert_int_equal(ttl.positive_refresh, 7 * DAY);
    assert_int_equal(ttl.positive_expire, 31 * DAY);
    assert_int_equal(ttl.negative_refresh, 3 * HOUR);
    assert_int_equal(ttl.negative_expire, 3 * DAY);
    assert_int_equal(ttl.unknown_expire, 60);
    assert_int_equal(ttl.refresh_hold, 60);
}

/* a good verdict: fresh for 7 days, then stale, gone after 31 days */
static void positive_life(void **state)
{
    DOMCACHE *c = domcache_new(0, NULL);
    DNS_RESULT r = verdict(DNS_V_OK, "mx1.mail-ok.test");
    DNS_RESULT out;

    assert_int_equal(domcache_get(c, "mail-ok.test", T0, &out), DOMCACHE_MISS);
    assert_int_equal(out.verdict, DNS_V_UNKNOWN);
    assert_int_equal(domcache_put(c, "mail-ok.test", &r, T0), 0);
    assert_int_equal(domcache_get(c, "mail-ok.test", T0, &out), DOMCACHE_FRESH);
    assert_int_equal(out.verdict, DNS_V_OK);
    assert_string_equal(out.mx, "mx1.mail-ok.test");
    assert_int_equal(domcache_get(c, "mail-ok.test", T0 + 7 * DAY - 1, &out), DOMCACHE_FRESH);
    /* due for a refresh: one caller is told, the others use it meanwhile */
    assert_int_equal(domcache_get(c, "mail-ok.test", T0 + 7 * DAY, &out), DOMCACHE_STALE);
    assert_int_equal(out.verdict, DNS_V_OK);
    assert_int_equal(domcache_get(c, "mail-ok.test", T0 + 7 * DAY + 1, &out), DOMCACHE_FRESH);
    assert_int_equal(domcache_get(c, "mail-ok.test", T0 + 7 * DAY + 59, &out), DOMCACHE_FRESH);
    /* nobody refreshed it within the hold: the next caller is told again */
    assert_int_equal(domcache_get(c, "mail-ok.test", T0 + 7 * DAY + 60, &out), DOMCACHE_STALE);
    assert_int_equal(domcache_get(c, "mail-ok.test", T0 + 31 * DAY - 1, &out), DOMCACHE_STALE);
    assert_int_equal(domcache_get(c, "mail-ok.test", T0 + 31 * DAY, &out), DOMCACHE_MISS);
    assert_int_equal(domcache_count(c), 0);
    domcache_free(c);
}

/* a refresh (put) makes the entry fresh again, for another 7 days */
static void refresh_renews(void **state)
{
    DOMCACHE *c = domcache_new(0, NULL);
    DNS_RESULT r = verdict(DNS_V_IMPLICIT_MX, "");
    DNS_RESULT out;

    domcache_put(c, "implicit.test", &r, T0);
    assert_int_equal(domcache_get(c, "implicit.test", T0 + 8 * DAY, &out), DOMCACHE_STALE);
    r.mx_count = 0;
    assert_int_equal(domcache_put(c, "implicit.test", &r, T0 + 8 * DAY), 0);
    assert_int_equal(domcache_get(c, "implicit.test", T0 + 8 * DAY, &out), DOMCACHE_FRESH);
    assert_int_equal(domcache_get(c, "implicit.test", T0 + 15 * DAY - 1, &out), DOMCACHE_FRESH);
    assert_int_equal(domcache_get(c, "implicit.test", T0 + 15 * DAY, &out), DOMCACHE_STALE);
    assert_int_equal(domcache_count(c), 1);
    domcache_free(c);
}

/* a bad verdict: fresh for 3 hours, gone after 3 days */
static void negative_life(void **state)
{
    static const DNS_VERDICT negative[] = {
	DNS_V_NXDOMAIN, DNS_V_NULL_MX, DNS_V_NO_MAIL, DNS_V_NO_HOST,
	DNS_V_PRIVATE_HOST, DNS_V_BAD_NAME,
    };
    DOMCACHE *c = domcache_new(0, NULL);

    for (size_t i = 0; i < sizeof(negative) / sizeof(negative[0]); i++) {
	DNS_RESULT r = verdict(negative[i], "");
	DNS_RESULT out;

	assert_int_equal(domcache_put(c, "gone.test", &r, T0), 0);
	assert_int_equal(domcache_get(c, "gone.test", T0 + 3 * HOUR - 1, &out), DOMCACHE_FRESH);
	assert_int_equal(out.verdict, negative[i]);
	assert_int_equal(domcache_get(c, "gone.test", T0 + 3 * HOUR, &out), DOMCACHE_STALE);
	assert_int_equal(domcache_get(c, "gone.test", T0 + 3 * DAY - 1, &out), DOMCACHE_STALE);
	assert_int_equal(domcache_get(c, "gone.test", T0 + 3 * DAY, &out), DOMCACHE_MISS);
    }
    domcache_free(c);
}

/* unknown (a DNS timeout): kept one minute, never stale, then gone */
static void unknown_life(void **state)
{
    DOMCACHE *c = domcache_new(0, NULL);
    DNS_RESULT r = verdict(DNS_V_UNKNOWN, "");
    DNS_RESULT out;

    snprintf(r.error, sizeof(r.error), "MX: timeout");
    assert_int_equal(domcache_put(c, "slow.test", &r, T0), 0);
    assert_int_equal(domcache_get(c, "slow.test", T0 + 59, &out), DOMCACHE_FRESH);
    assert_int_equal(out.verdict, DNS_V_UNKNOWN);
    assert_string_equal(out.error, "MX: timeout");
    assert_int_equal(domcache_get(c, "slow.test", T0 + 60, &out), DOMCACHE_MISS);
    domcache_free(c);
}

/* unknown_expire 0: unknown is not cached at all */
static void unknown_not_cached(void **state)
{
    DOMCACHE_TTL ttl = domcache_ttl_defaults();
    DOMCACHE *c;
    DNS_RESULT r = verdict(DNS_V_UNKNOWN, "");
    DNS_RESULT out;

    ttl.unknown_expire = 0;
    c = domcache_new(0, &ttl);
    assert_int_equal(domcache_put(c, "slow.test", &r, T0), 1);
    assert_int_equal(domcache_count(c), 0);
    assert_int_equal(domcache_get(c, "slow.test", T0, &out), DOMCACHE_MISS);
    domcache_free(c);
}

/* a DNS hiccup does not erase what we know; it delays the next refresh */
static void unknown_keeps_known(void **state)
{
    DOMCACHE *c = domcache_new(0, NULL);
    DNS_RESULT ok = verdict(DNS_V_OK, "mx1.mail-ok.test");
    DNS_RESULT unknown = verdict(DNS_V_UNKNOWN, "");
    DNS_RESULT out;

    domcache_put(c, "mail-ok.test", &ok, T0);
    assert_int_equal(domcache_get(c, "mail-ok.test", T0 + 8 * DAY, &out), DOMCACHE_STALE);
    assert_int_equal(domcache_put(c, "mail-ok.test", &unknown, T0 + 8 * DAY + 5), 1);
    assert_int_equal(domcache_get(c, "mail-ok.test", T0 + 8 * DAY + 6, &out), DOMCACHE_FRESH);
    assert_int_equal(out.verdict, DNS_V_OK);
    assert_int_equal(domcache_get(c, "mail-ok.test", T0 + 8 * DAY + 65, &out), DOMCACHE_STALE);

    /* after the known verdict expired, unknown takes its place */
    assert_int_equal(domcache_put(c, "mail-ok.test", &unknown, T0 + 40 * DAY), 0);
    assert_int_equal(domcache_get(c, "mail-ok.test", T0 + 40 * DAY, &out), DOMCACHE_FRESH);
    assert_int_equal(out.verdict, DNS_V_UNKNOWN);
    /* and a known verdict replaces an unknown one at once */
    assert_int_equal(domcache_put(c, "mail-ok.test", &ok, T0 + 40 * DAY + 1), 0);
    assert_int_equal(domcache_get(c, "mail-ok.test", T0 + 40 * DAY + 1, &out), DOMCACHE_FRESH);
    assert_int_equal(out.verdict, DNS_V_OK);
    domcache_free(c);
}

/* keys: no case, one final dot; names that are no domain are refused */
static void keys(void **state)
{
    DOMCACHE *c = domcache_new(0, NULL);
    DNS_RESULT r = verdict(DNS_V_OK, "mx");
    DNS_RESULT out;
    char    toolong[300];

    assert_int_equal(domcache_put(c, "Mail-OK.Test.", &r, T0), 0);
    assert_int_equal(domcache_get(c, "mail-ok.test", T0, &out), DOMCACHE_FRESH);
    assert_int_equal(domcache_get(c, "MAIL-OK.TEST", T0, &out), DOMCACHE_FRESH);
    assert_int_equal(domcache_get(c, "mail-ok.test.", T0, &out), DOMCACHE_FRESH);
    assert_int_equal(domcache_get(c, "mail-ok.tes", T0, &out), DOMCACHE_MISS);
    assert_int_equal(domcache_count(c), 1);

    memset(toolong, 'a', sizeof(toolong) - 1);
    toolong[sizeof(toolong) - 1] = 0;
    static const char *const bad[] = {"", ".", "a b", "a..b", "пример.рф"};

    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
	assert_int_equal(domcache_put(c, bad[i], &r, T0), -1);
	assert_int_equal(domcache_get(c, bad[i], T0, &out), DOMCACHE_MISS);
    }
    assert_int_equal(domcache_put(c, toolong, &r, T0), -1);
    assert_int_equal(domcache_put(c, NULL, &r, T0), -1);
    assert_int_equal(domcache_put(c, "x.test", NULL, T0), -1);
    assert_int_equal(domcache_get(c, NULL, T0, &out), DOMCACHE_MISS);
    assert_int_equal(domcache_get(c, "mail-ok.test", T0, NULL), DOMCACHE_MISS);
    assert_int_equal(domcache_get(NULL, "mail-ok.test", T0, &out), DOMCACHE_MISS);
    assert_int_equal(domcache_put(NULL, "mail-ok.test", &r, T0), -1);
    assert_int_equal(domcache_count(c), 1);
    domcache_free(c);
    domcache_free(NULL);
}

/* full: the least recently used entry goes (get counts as use) */
static void lru_eviction(void **state)
{
    DOMCACHE *c = domcache_new(3, NULL);
    DNS_RESULT r = verdict(DNS_V_OK, "mx");
    DNS_RESULT out;

    domcache_put(c, "a.test", &r, T0);
    domcache_put(c, "b.test", &r, T0 + 1);
    domcache_put(c, "c.test", &r, T0 + 2);
    assert_int_equal(domcache_get(c, "a.test", T0 + 3, &out), DOMCACHE_FRESH);
    domcache_put(c, "d.test", &r, T0 + 4);	/* b is the least recently used */
    assert_int_equal(domcache_count(c), 3);
    assert_int_equal(domcache_get(c, "b.test", T0 + 5, &out), DOMCACHE_MISS);
    assert_int_equal(domcache_get(c, "a.test", T0 + 5, &out), DOMCACHE_FRESH);
    assert_int_equal(domcache_get(c, "c.test", T0 + 5, &out), DOMCACHE_FRESH);
    assert_int_equal(domcache_get(c, "d.test", T0 + 5, &out), DOMCACHE_FRESH);
    /* replacing an entry does not evict another */
    domcache_put(c, "c.test", &r, T0 + 6);
    assert_int_equal(domcache_count(c), 3);
    assert_int_equal(domcache_get(c, "a.test", T0 + 7, &out), DOMCACHE_FRESH);
    domcache_free(c);
}

/* the bound holds however many domains come */
static void bounded(void **state)
{
    DOMCACHE *c = domcache_new(100, NULL);
    DNS_RESULT r = verdict(DNS_V_NXDOMAIN, "");
    char    name[64];

    for (int i = 0; i < 20000; i++) {
	snprintf(name, sizeof(name), "d%d.test", i);
	assert_int_equal(domcache_put(c, name, &r, T0 + i), 0);
	assert_true(domcache_count(c) <= 100);
    }
    assert_int_equal(domcache_count(c), 100);
    /* the newest 100 are there */
    for (int i = 19900; i < 20000; i++) {
	DNS_RESULT out;

	snprintf(name, sizeof(name), "d%d.test", i);
	assert_int_equal(domcache_get(c, name, T0 + 20000, &out), DOMCACHE_FRESH);
    }
    domcache_free(c);
}

/* forget one domain ("undo a wrong verdict") */
static void removal(void **state)
{
    DOMCACHE *c = domcache_new(0, NULL);
    DNS_RESULT r = verdict(DNS_V_NULL_MX, "");
    DNS_RESULT out;

    domcache_put(c, "nullmx.test", &r, T0);
    assert_true(domcache_remove(c, "NULLMX.test"));
    assert_false(domcache_remove(c, "nullmx.test"));
    assert_int_equal(domcache_get(c, "nullmx.test", T0, &out), DOMCACHE_MISS);
    assert_int_equal(domcache_count(c), 0);
    assert_false(domcache_remove(NULL, "x.test"));
    domcache_free(c);
}

/* the clock went back: the times are not trusted; refresh */
static void clock_goes_back(void **state)
{
    DOMCACHE *c = domcache_new(0, NULL);
    DNS_RESULT r = verdict(DNS_V_OK, "mx");
    DNS_RESULT out;

    domcache_put(c, "mail-ok.test", &r, T0);
    assert_int_equal(domcache_get(c, "mail-ok.test", T0 - 3600, &out), DOMCACHE_STALE);
    assert_int_equal(out.verdict, DNS_V_OK);
    assert_int_equal(domcache_get(c, "mail-ok.test", T0 - 3599, &out), DOMCACHE_FRESH);
    domcache_free(c);
}

/* times at the ends of time_t do not overflow (UBSan watches) */
static void time_limits(void **state)
{
    DOMCACHE *c = domcache_new(0, NULL);
    DNS_RESULT r = verdict(DNS_V_OK, "mx");
    DNS_RESULT out;
    time_t  big = (time_t) (((uint64_t) 1 << (sizeof(time_t) * 8 - 1)) - 10);

    assert_int_equal(domcache_put(c, "mail-ok.test", &r, big), 0);
    assert_int_equal(domcache_get(c, "mail-ok.test", big + 5, &out), DOMCACHE_FRESH);
    assert_int_equal(domcache_put(c, "mail-ok.test", &r, 0), 0);
    assert_int_equal(domcache_get(c, "mail-ok.test", 1, &out), DOMCACHE_FRESH);
    domcache_free(c);
}

/* settings: a negative time is refused; names of the statuses */
static void settings(void **state)
{
    DOMCACHE_TTL ttl = domcache_ttl_defaults();

    ttl.negative_expire = -1;
    assert_null(domcache_new(10, &ttl));
    assert_string_equal(domcache_status_name(DOMCACHE_MISS), "miss");
    assert_string_equal(domcache_status_name(DOMCACHE_FRESH), "fresh");
    assert_string_equal(domcache_status_name(DOMCACHE_STALE), "stale");
    assert_string_equal(domcache_status_name((DOMCACHE_STATUS) 9), "miss");
}

 /*
  * Threads: many writers and readers on a small cache.  Each stored result
  * carries its own domain in mx and error, so a torn copy would show.
  */
#define THREADS	8
#define OPS	30000
#define NAMES	300

typedef struct {
    DOMCACHE *cache;
    unsigned seed;
    long    torn;
} WORKER;

static void *worker(void *arg)
{
    WORKER *w = arg;

    for (int i = 0; i < OPS; i++) {
	char    name[32];
	DNS_RESULT r;
	DNS_RESULT out;
	unsigned op;

	w->seed = w->seed * 1103515245 + 12345;
	op = (w->seed >> 16) % 10;
	snprintf(name, sizeof(name), "n%u.test", (w->seed >> 4) % NAMES);
	if (op < 4) {
	    r = verdict(op == 0 ? DNS_V_UNKNOWN : op == 1 ? DNS_V_NXDOMAIN : DNS_V_OK, name);
	    snprintf(r.error, sizeof(r.error), "%s", name);
	    domcache_put(w->cache, name, &r, T0 + i);
	} else if (op < 9) {
	    if (domcache_get(w->cache, name, T0 + i, &out) != DOMCACHE_MISS
		&& (strcmp(out.mx, name) != 0 || strcmp(out.error, name) != 0))
		w->torn++;
	} else {
	    domcache_remove(w->cache, name);
	}
    }
    return (NULL);
}

static void threads(void **state)
{
    DOMCACHE *c = domcache_new(64, NULL);
    pthread_t tids[THREADS];
    WORKER  workers[THREADS];

    for (int i = 0; i < THREADS; i++) {
	workers[i] = (WORKER) {c, (unsigned) i * 7919 + 1, 0};
	assert_int_equal(pthread_create(tids + i, NULL, worker, workers + i), 0);
    }
    /* join them all before any assert can leave this function */
    for (int i = 0; i < THREADS; i++)
	pthread_join(tids[i], NULL);
    for (int i = 0; i < THREADS; i++)
	assert_int_equal(workers[i].torn, 0);
    assert_true(domcache_count(c) <= 64);
    domcache_free(c);
}

int     main(void)
{
    const struct CMUnitTest tests[] = {
	cmocka_unit_test(ttl_defaults),
	cmocka_unit_test(positive_life),
	cmocka_unit_test(refresh_renews),
	cmocka_unit_test(negative_life),
	cmocka_unit_test(unknown_life),
	cmocka_unit_test(unknown_not_cached),
	cmocka_unit_test(unknown_keeps_known),
	cmocka_unit_test(keys),
	cmocka_unit_test(lru_eviction),
	cmocka_unit_test(bounded),
	cmocka_unit_test(removal),
	cmocka_unit_test(clock_goes_back),
	cmocka_unit_test(time_limits),
	cmocka_unit_test(settings),
	cmocka_unit_test(threads),
    };

    return (UNIT_RUN(tests));
}
