/*++
 * NAME
 *	rpool 3
 * SUMMARY
 *	a pool of Redis connections shared by many threads
 * SYNOPSIS
 *	#include "rpool.h"
 *
 *	void	rpool_conf_defaults(RPOOL_CONF *conf)
 *	RPOOL	*rpool_new(const RPOOL_CONF *conf, char *err, size_t errlen)
 *	redisContext *rpool_get(RPOOL *pool, char *err, size_t errlen)
 *	void	rpool_put(RPOOL *pool, redisContext *c, bool broken)
 *	void	rpool_free(RPOOL *pool)
 *
 *	void	rscript_init(RSCRIPT *script)
 *	redisReply *rscript_call(redisContext *c, RSCRIPT *script, int nkeys,
 *				int argc, const char **argv, const size_t *argvlen)
 * DESCRIPTION
 *	A hiredis context is not thread-safe, and libmilter runs a thread per
 *	SMTP connection, so every thread borrows a connection from this pool
 *	for one short exchange and gives it back.
 *
 *	rpool_new() checks the configuration (it connects lazily).
 *	rpool_get() returns an idle connection (one the server closed while
 *	it was idle, which poll() shows readable, is dropped: after a Redis
 *	restart the first command does not fail), or opens a new one while
 *	fewer than `size' exist, or waits (at most the command timeout) for
 *	one to come back.  A new connection gets the connect timeout, then
 *	the command timeout on its socket (hiredis 0.14 keeps only the
 *	former across reconnects, so the pool never reconnects a context:
 *	it frees it and makes a new one), AUTH (with the ACL user when one
 *	is set) and SELECT.
 *
 *	When a connect fails, the pool backs off: for backoff_min_ms, then
 *	twice as long after each further failure up to backoff_max_ms,
 *	rpool_get() fails at once without trying, so that a dead Redis costs
 *	the mail flow nothing (callers journal what they could not store).
 *	A successful connect ends the backoff.
 *
 *	rpool_put() gives a connection back; with `broken' (an I/O or
 *	protocol error happened: the context is dead, or replies may be out
 *	of step) it is freed instead.  rpool_reply_is_io_error() tells
 *	whether a NULL reply or a context error means broken.
 *
 *	rscript_call() runs a Lua script with EVALSHA on its SHA1 (computed
 *	by rscript_init() with OpenSSL, so no SCRIPT LOAD round trip), and on
 *	NOSCRIPT (after a restart, a failover or SCRIPT FLUSH) with EVAL,
 *	which also caches it again.  argv holds the keys, then the arguments.
 * MEMORY
 *	The pool owns its connections; a borrowed one must be given back
 *	with rpool_put() before rpool_free().  The caller frees replies with
 *	freeReplyObject().  The configuration strings are copied.
 * DIAGNOSTICS
 *	rpool_new() and rpool_get() return NULL and write a reason into err.
 *--*/

#include "config.h"

#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <openssl/sha.h>

#include "rpool.h"

struct RPOOL {
    char   *host;			/* NULL for a unix socket */
    int     port;
    char   *path;			/* unix socket */
    char   *user;
    char   *password;
    RPOOL_CONF conf;
    pthread_mutex_t lock;
    pthread_cond_t returned;
    redisContext **idle;		/* stack of idle connections */
    int     nidle;
    int     nopen;			/* idle + borrowed */
    long long retry_at_ms;		/* backoff: no connect before this */
    int     backoff_ms;			/* current backoff step, 0 = none */
    char    last_error[128];
};

/* rpool_now_ms - a monotonic clock */

static long long rpool_now_ms(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ((long long) ts.tv_sec * 1000 + ts.tv_nsec / 1000000);
}

void    rpool_conf_defaults(RPOOL_CONF *conf)
{
    memset(conf, 0, sizeof(*conf));
    conf->server = "127.0.0.1:6379";
    conf->connect_timeout_ms = 500;
    conf->command_timeout_ms = 1000;
    conf->size = 8;
    conf->backoff_min_ms = 250;
    conf->backoff_max_ms = 10000;
}

/* rpool_parse_server - "host:port", "[v6]:port", "unix:/path" */

static int rpool_parse_server(RPOOL *pool, const char *server, char *err,
			              size_t errlen)
{
    const char *colon;
    char   *end;
    long    port;

    if (strncasecmp(server, "unix:", 5) == 0) {
	if (server[5] != '/') {
	    snprintf(err, errlen, "Redis server \"%s\": a unix socket needs an absolute path", server);
	    return (-1);
	}
	return ((pool->path = strdup(server + 5)) ? 0 : -1);
    }
    if (server[0] == '[') {
	const char *close = strchr(server, ']');

	if (close == NULL || close[1] != ':') {
	    snprintf(err, errlen, "Redis server \"%s\": expected [address]:port", server);
	    return (-1);
	}
	pool->host = strndup(server + 1, (size_t) (close - server - 1));
	colon = close + 1;
    } else {
	if ((colon = strrchr(server, ':')) == NULL || colon == server) {
	    snprintf(err, errlen, "Redis server \"%s\": expected host:port or unix:/path", server);
	    return (-1);
	}
	pool->host = strndup(server, (size_t) (colon - server));
    }
    errno = 0;
    port = strtol(colon + 1, &end, 10);
    if (errno || *end || port < 1 || port > 65535) {
	snprintf(err, errlen, "Redis server \"%s\": bad port", server);
	return (-1);
    }
    pool->port = (int) port;
    return (pool->host ? 0 : -1);
}

RPOOL  *rpool_new(const RPOOL_CONF *conf, char *err, size_t errlen)
{
    RPOOL  *pool;

    if ((pool = calloc(1, sizeof(*pool))) == NULL) {
	snprintf(err, errlen, "out of memory");
	return (NULL);
    }
    pool->conf = *conf;
    if (pool->conf.size < 1)
	pool->conf.size = 1;
    if (rpool_parse_server(pool, conf->server ? conf->server : "", err, errlen) < 0
	|| (conf->user && (pool->user = strdup(conf->user)) == NULL)
	|| (conf->password && (pool->password = strdup(conf->password)) == NULL)
	|| (pool->idle = calloc((size_t) pool->conf.size, sizeof(*pool->idle))) == NULL) {
	if (*err == 0)
	    snprintf(err, errlen, "out of memory");
	free(pool->host);
	free(pool->path);
	free(pool->user);
	free(pool->password);
	free(pool->idle);
	free(pool);
	return (NULL);
    }
    pool->conf.server = NULL;
    pool->conf.user = pool->conf.password = NULL;
    pthread_mutex_init(&pool->lock, NULL);
    pthread_cond_init(&pool->returned, NULL);
    return (pool);
}

/* rpool_command_ok - run a set-up command; 0 when it answered OK */

static int rpool_command_ok(redisContext *c, int argc, const char **argv,
			            char *err, size_t errlen)
{
    redisReply *r = redisCommandArgv(c, argc, argv, NULL);
    int     ok;

    if (r == NULL) {
	snprintf(err, errlen, "%s: %s", argv[0], c->errstr);
	return (-1);
    }
    ok = r->type == REDIS_REPLY_STATUS;
    if (!ok)
	snprintf(err, errlen, "%s: %s", argv[0],
		 r->type == REDIS_REPLY_ERROR ? r->str : "unexpected reply");
    freeReplyObject(r);
    return (ok ? 0 : -1);
}

/* rpool_connect - a new, ready connection, or NULL */

static redisContext *rpool_connect(RPOOL *pool, char *err, size_t errlen)
{
    struct timeval ctv = {pool->conf.connect_timeout_ms / 1000,
    (pool->conf.connect_timeout_ms % 1000) * 1000};
    struct timeval itv = {pool->conf.command_timeout_ms / 1000,
    (pool->conf.command_timeout_ms % 1000) * 1000};
    redisContext *c;
    char    dbtext[16];

    c = pool->path ? redisConnectUnixWithTimeout(pool->path, ctv)
	: redisConnectWithTimeout(pool->host, pool->port, ctv);
    if (c == NULL) {
	snprintf(err, errlen, "Redis: out of memory");
	return (NULL);
    }
    if (c->err) {
	snprintf(err, errlen, "Redis %s%s%d: %s", pool->path ? pool->path : pool->host,
		 pool->path ? "" : ":", pool->path ? 0 : pool->port, c->errstr);
	redisFree(c);
	return (NULL);
    }
    if (redisSetTimeout(c, itv) != REDIS_OK) {
	snprintf(err, errlen, "Redis: cannot set the command timeout");
	redisFree(c);
	return (NULL);
    }
    redisEnableKeepAlive(c);
    if (pool->password) {
	const char *argv[3] = {"AUTH", pool->user ? pool->user : pool->password,
	pool->password};

	if (rpool_command_ok(c, pool->user ? 3 : 2, argv, err, errlen) < 0) {
	    redisFree(c);
	    return (NULL);
	}
    }
    if (pool->conf.database != 0) {
	const char *argv[2] = {"SELECT", dbtext};

	snprintf(dbtext, sizeof(dbtext), "%d", pool->conf.database);
	if (rpool_command_ok(c, 2, argv, err, errlen) < 0) {
	    redisFree(c);
	    return (NULL);
	}
    }
    return (c);
}

/* rpool_get - borrow a connection */

/* rpool_idle_dead - an idle connection with something to read is closed */

static bool rpool_idle_dead(const redisContext *c)
{
    struct pollfd pfd = {.fd = c->fd,.events = POLLIN};

    /* Nothing was asked on an idle connection: readable means EOF or RST. */
    return (c->err != 0 || poll(&pfd, 1, 0) != 0);
}

redisContext *rpool_get(RPOOL *pool, char *err, size_t errlen)
{
    redisContext *c = NULL;
    long long now;
    struct timespec deadline;

    pthread_mutex_lock(&pool->lock);
    clock_gettime(CLOCK_REALTIME, &deadline);
    deadline.tv_sec += pool->conf.command_timeout_ms / 1000;
    deadline.tv_nsec += (long) (pool->conf.command_timeout_ms % 1000) * 1000000L;
    if (deadline.tv_nsec >= 1000000000L) {
	deadline.tv_sec++;
	deadline.tv_nsec -= 1000000000L;
    }
    for (;;) {
	if (pool->nidle > 0) {
	    c = pool->idle[--pool->nidle];
	    if (!rpool_idle_dead(c)) {
		pthread_mutex_unlock(&pool->lock);
		return (c);
	    }
	    /* The server closed it while it was idle (restart, timeout). */
	    redisFree(c);
	    c = NULL;
	    pool->nopen--;
	    continue;
	}
	if (pool->nopen < pool->conf.size)
	    break;
	if (pthread_cond_timedwait(&pool->returned, &pool->lock, &deadline) == ETIMEDOUT) {
	    pthread_mutex_unlock(&pool->lock);
	    snprintf(err, errlen, "Redis: all %d connections busy", pool->conf.size);
	    return (NULL);
	}
    }
    now = rpool_now_ms();
    if (now < pool->retry_at_ms) {
	snprintf(err, errlen, "%s (retry in %lld ms)", pool->last_error,
		 pool->retry_at_ms - now);
	pthread_mutex_unlock(&pool->lock);
	return (NULL);
    }
    pool->nopen++;				/* reserve a slot, connect unlocked */
    pthread_mutex_unlock(&pool->lock);

    c = rpool_connect(pool, err, errlen);

    pthread_mutex_lock(&pool->lock);
    if (c == NULL) {
	pool->nopen--;
	pool->backoff_ms = pool->backoff_ms == 0 ? pool->conf.backoff_min_ms
	    : pool->backoff_ms * 2;
	if (pool->backoff_ms > pool->conf.backoff_max_ms)
	    pool->backoff_ms = pool->conf.backoff_max_ms;
	pool->retry_at_ms = rpool_now_ms() + pool->backoff_ms;
	snprintf(pool->last_error, sizeof(pool->last_error), "%s", err);
	pthread_cond_signal(&pool->returned);
    } else {
	pool->backoff_ms = 0;
	pool->retry_at_ms = 0;
    }
    pthread_mutex_unlock(&pool->lock);
    return (c);
}

/* rpool_put - give a connection back, or drop a broken one */

void    rpool_put(RPOOL *pool, redisContext *c, bool broken)
{
    if (c == NULL)
	return;
    if (c->err)
	broken = true;
    pthread_mutex_lock(&pool->lock);
    if (broken || pool->nidle >= pool->conf.size) {
	pool->nopen--;
	pthread_mutex_unlock(&pool->lock);
	redisFree(c);
	pthread_mutex_lock(&pool->lock);
    } else {
	pool->idle[pool->nidle++] = c;
    }
    pthread_cond_signal(&pool->returned);
    pthread_mutex_unlock(&pool->lock);
}

void    rpool_free(RPOOL *pool)
{
    if (pool == NULL)
	return;
    for (int i = 0; i < pool->nidle; i++)
	redisFree(pool->idle[i]);
    pthread_mutex_destroy(&pool->lock);
    pthread_cond_destroy(&pool->returned);
    free(pool->idle);
    free(pool->host);
    free(pool->path);
    free(pool->user);
    free(pool->password);
    free(pool);
}

/* rpool_reply_is_io_error - must the connection be dropped? */

bool    rpool_reply_is_io_error(const redisContext *c, const redisReply *r)
{
    return (r == NULL || c->err != 0);
}

/* rscript_init - compute the script's SHA1 for EVALSHA */

void    rscript_init(RSCRIPT *script)
{
    unsigned char md[SHA_DIGEST_LENGTH];

    SHA1((const unsigned char *) script->body, strlen(script->body), md);
    for (int i = 0; i < SHA_DIGEST_LENGTH; i++)
	snprintf(script->sha + 2 * i, 3, "%02x", md[i]);
}

/* rscript_call - EVALSHA, falling back to EVAL on NOSCRIPT */

redisReply *rscript_call(redisContext *c, RSCRIPT *script, int nkeys,
			         int argc, const char **argv,
			         const size_t *argvlen)
{
    const char *av[3 + argc];
    size_t  al[3 + argc];
    char    nk[16];
    redisReply *r;

    if (script->sha[0] == 0)
	rscript_init(script);
    snprintf(nk, sizeof(nk), "%d", nkeys);
    av[0] = "EVALSHA";
    al[0] = 7;
    av[1] = script->sha;
    al[1] = 40;
    av[2] = nk;
    al[2] = strlen(nk);
    for (int i = 0; i < argc; i++) {
	av[3 + i] = argv[i];
	al[3 + i] = argvlen ? argvlen[i] : strlen(argv[i]);
    }
    r = redisCommandArgv(c, 3 + argc, av, al);
    if (r != NULL && r->type == REDIS_REPLY_ERROR
	&& strncmp(r->str, "NOSCRIPT", 8) == 0) {
	freeReplyObject(r);
	av[0] = "EVAL";
	al[0] = 4;
	av[1] = script->body;
	al[1] = strlen(script->body);
	r = redisCommandArgv(c, 3 + argc, av, al);
    }
    return (r);
}
