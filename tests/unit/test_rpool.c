/*
 * test_rpool - the Redis connection pool against a real, private
 * redis-server: commands, AUTH (password and ACL user), SELECT, many
 * threads sharing a small pool, a dead server (fast failure and backoff),
 * a server that comes back, a stalled server (command timeout), and Lua
 * scripts surviving SCRIPT FLUSH.
 */
#include "config.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "unit.h"
#include "redis_fixture.h"
#include "rpool.h"

static REDIS_FIXTURE fx;

static long long now_ms(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ((long long) ts.tv_sec * 1000 + ts.tv_nsec / 1000000);
}

static RPOOL *pool_for(const char *server, const char *user, const char *password,
		               int db, int size)
{
    RPOOL_CONF conf;
    char    err[256] = "";
    RPOOL  *pool;

    rpool_conf_defaults(&conf);
    conf.server = server;
    conf.user = user;
    conf.password = password;
    conf.database = db;
    conf.size = size;
    conf.command_timeout_ms = 300;
    pool = rpool_new(&conf, err, sizeof(err));
    if (pool == NULL)
	fail_msg("rpool_new: %s", err);
    return (pool);
}

/* command - run one command through the pool; return the reply (caller frees) */
static redisReply *command(RPOOL *pool, const char *fmt, const char *arg)
{
    char    err[256] = "";
    redisContext *c = rpool_get(pool, err, sizeof(err));
    redisReply *r;

    if (c == NULL)
	return (NULL);
    r = redisCommand(c, fmt, arg);
    rpool_put(pool, c, rpool_reply_is_io_error(c, r));
    return (r);
}

static void bad_server_strings(void **state)
{
    static const char *const bad[] = {"localhost", "host:", "host:0", "host:70000",
    "[::1", "unix:relative", ":6379"};
    RPOOL_CONF conf;

    rpool_conf_defaults(&conf);
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
	char    err[256] = "";

	conf.server = bad[i];
	assert_null(rpool_new(&conf, err, sizeof(err)));
	assert_true(strlen(err) > 0);
    }
}

static void set_and_get(void **state)
{
    RPOOL  *pool = pool_for(fx.server, NULL, NULL, 0, 2);
    redisReply *r;

    r = command(pool, "SET la:test %s", "value");
    assert_non_null(r);
    freeReplyObject(r);
    r = command(pool, "GET la:test%s", "");
    assert_non_null(r);
    assert_int_equal(r->type, REDIS_REPLY_STRING);
    assert_string_equal(r->str, "value");
    freeReplyObject(r);
    rpool_free(pool);
}

static void select_database(void **state)
{
    RPOOL  *db3 = pool_for(fx.server, NULL, NULL, 3, 1);
    RPOOL  *db0 = pool_for(fx.server, NULL, NULL, 0, 1);
    redisReply *r;

    freeReplyObject(command(db3, "SET la:only-in-3 %s", "x"));
    r = command(db0, "EXISTS la:only-in-3%s", "");
    assert_int_equal(r->integer, 0);
    freeReplyObject(r);
    r = command(db3, "EXISTS la:only-in-3%s", "");
    assert_int_equal(r->integer, 1);
    freeReplyObject(r);
    rpool_free(db3);
    rpool_free(db0);
}

static void password_and_acl_user(void **state)
{
    REDIS_FIXTURE secured;
    RPOOL  *admin, *wrong, *user;
    redisReply *r;
    char    err[256] = "";

    assert_int_equal(redis_fixture_start(&secured, "s3cret"), 0);
    admin = pool_for(secured.server, NULL, "s3cret", 0, 1);
    r = command(admin, "ACL SETUSER liveaddr on >%s ~la:* +@all", "userpw");
    assert_non_null(r);
    assert_int_equal(r->type, REDIS_REPLY_STATUS);
    freeReplyObject(r);

    wrong = pool_for(secured.server, NULL, "nope", 0, 1);
    assert_null(rpool_get(wrong, err, sizeof(err)));
    assert_non_null(strstr(err, "AUTH"));

    user = pool_for(secured.server, "liveaddr", "userpw", 0, 1);
    r = command(user, "SET la:acl %s", "ok");
    assert_non_null(r);
    assert_int_equal(r->type, REDIS_REPLY_STATUS);
    freeReplyObject(r);
    /* the ACL allows only la:* keys */
    r = command(user, "SET other %s", "no");
    assert_int_equal(r->type, REDIS_REPLY_ERROR);
    freeReplyObject(r);

    rpool_free(user);
    rpool_free(wrong);
    rpool_free(admin);
    redis_fixture_stop(&secured);
}

typedef struct {
    RPOOL  *pool;
    int     failures;
} WORKER;

static void *incr_worker(void *arg)
{
    WORKER *w = arg;

    for (int i = 0; i < 500; i++) {
	redisReply *r = command(w->pool, "INCR la:counter%s", "");

	if (r == NULL || r->type != REDIS_REPLY_INTEGER)
	    w->failures++;
	if (r)
	    freeReplyObject(r);
    }
    return (NULL);
}

/* 8 threads share 3 connections; no increment is lost */
static void threads_share_the_pool(void **state)
{
    RPOOL  *pool = pool_for(fx.server, NULL, NULL, 0, 3);
    pthread_t tid[8];
    WORKER  w[8];
    redisReply *r;

    freeReplyObject(command(pool, "DEL la:counter%s", ""));
    for (int i = 0; i < 8; i++) {
	w[i].pool = pool;
	w[i].failures = 0;
	pthread_create(tid + i, NULL, incr_worker, w + i);
    }
    for (int i = 0; i < 8; i++) {
	pthread_join(tid[i], NULL);
	assert_int_equal(w[i].failures, 0);
    }
    r = command(pool, "GET la:counter%s", "");
    assert_string_equal(r->str, "4000");
    freeReplyObject(r);
    rpool_free(pool);
}

/* nothing listens: the first get fails, later ones fail at once (backoff) */
static void dead_server_backs_off(void **state)
{
    RPOOL  *pool = pool_for("127.0.0.1:1", NULL, NULL, 0, 2);
    char    err[256] = "";
    long long t0;

    assert_null(rpool_get(pool, err, sizeof(err)));
    assert_non_null(strstr(err, "127.0.0.1:1"));
    t0 = now_ms();
    assert_null(rpool_get(pool, err, sizeof(err)));
    assert_non_null(strstr(err, "retry in"));
    assert_true(now_ms() - t0 < 50);
    rpool_free(pool);
}

/* Redis restarts: broken connections are dropped and new ones work */
static void server_comes_back(void **state)
{
    RPOOL  *pool = pool_for(fx.server, NULL, NULL, 0, 2);
    redisReply *r;
    int     ok = 0;

    freeReplyObject(command(pool, "SET la:x %s", "1"));
    assert_int_equal(redis_fixture_restart(&fx), 0);
    /* the idle connection is dead: the first command fails, then it heals */
    for (int i = 0; i < 20 && !ok; i++) {
	struct timespec ts = {0, 100 * 1000000};

	r = command(pool, "PING%s", "");
	ok = r != NULL && r->type == REDIS_REPLY_STATUS;
	if (r)
	    freeReplyObject(r);
	if (!ok)
	    nanosleep(&ts, NULL);
    }
    assert_true(ok);
    rpool_free(pool);
}

/* a stalled server: the command times out within the command timeout */
static void stalled_server_times_out(void **state)
{
    RPOOL  *pool = pool_for(fx.server, NULL, NULL, 0, 1);
    redisReply *r;
    long long t0, took;

    freeReplyObject(command(pool, "PING%s", ""));
    redis_fixture_pause(&fx, 1);
    t0 = now_ms();
    r = command(pool, "PING%s", "");
    took = now_ms() - t0;
    redis_fixture_pause(&fx, 0);
    assert_null(r);
    assert_true(took >= 250 && took < 1500);
    rpool_free(pool);
}

static RSCRIPT echo_script = {"return {KEYS[1], ARGV[1]}", ""};

static void script_survives_flush(void **state)
{
    RPOOL  *pool = pool_for(fx.server, NULL, NULL, 0, 1);
    char    err[256] = "";
    redisContext *c = rpool_get(pool, err, sizeof(err));
    const char *argv[2] = {"la:k", "hello"};
    redisReply *r;

    assert_non_null(c);
    rscript_init(&echo_script);
    assert_int_equal(strlen(echo_script.sha), 40);
    for (int round = 0; round < 2; round++) {
	r = rscript_call(c, &echo_script, 1, 2, argv, NULL);
	assert_non_null(r);
	assert_int_equal(r->type, REDIS_REPLY_ARRAY);
	assert_string_equal(r->element[1]->str, "hello");
	freeReplyObject(r);
	freeReplyObject(redisCommand(c, "SCRIPT FLUSH"));
    }
    rpool_put(pool, c, false);
    rpool_free(pool);
}

static int setup(void **state)
{
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
	cmocka_unit_test(bad_server_strings),
	cmocka_unit_test(set_and_get),
	cmocka_unit_test(select_database),
	cmocka_unit_test(password_and_acl_user),
	cmocka_unit_test(threads_share_the_pool),
	cmocka_unit_test(dead_server_backs_off),
	cmocka_unit_test(server_comes_back),
	cmocka_unit_test(stalled_server_times_out),
	cmocka_unit_test(script_survives_flush),
    };
    const char *missing = redis_fixture_missing();

    if (missing) {
	printf("1..0 # SKIP %s\n", missing);
	return (0);
    }
    cmocka_set_message_output(CM_OUTPUT_TAP);
    return (cmocka_run_group_tests(tests, setup, teardown) ? 1 : 0);
}
