#ifndef LIVEADDR_RPOOL_H
#define LIVEADDR_RPOOL_H

/*++
 * NAME
 *	rpool 3h
 * SUMMARY
 *	a pool of Redis connections shared by many threads
 * SYNOPSIS
 *	#include "rpool.h"
 * DESCRIPTION
 *	See rpool.c.
 *--*/

#include <stdbool.h>
#include <stddef.h>

#include <hiredis/hiredis.h>

typedef struct {
    const char *server;			/* "host:port", "[v6]:port", "unix:/path" */
    const char *user;			/* ACL user (Redis 6+), or NULL */
    const char *password;		/* or NULL */
    int     database;			/* SELECT n */
    int     connect_timeout_ms;
    int     command_timeout_ms;
    int     size;			/* at most this many connections */
    int     backoff_min_ms;		/* after a failed connect */
    int     backoff_max_ms;
} RPOOL_CONF;

typedef struct RPOOL RPOOL;

extern void rpool_conf_defaults(RPOOL_CONF *);
extern RPOOL *rpool_new(const RPOOL_CONF *, char *err, size_t errlen);
extern redisContext *rpool_get(RPOOL *, char *err, size_t errlen);
extern void rpool_put(RPOOL *, redisContext *, bool broken);
extern void rpool_free(RPOOL *);
extern bool rpool_reply_is_io_error(const redisContext *, const redisReply *);

typedef struct {
    const char *body;			/* Lua source, static */
    char    sha[41];			/* SHA1 hex, filled by rscript_init */
} RSCRIPT;

extern void rscript_init(RSCRIPT *);
extern redisReply *rscript_call(redisContext *, RSCRIPT *, int nkeys,
				        int argc, const char **argv,
				        const size_t *argvlen);

#endif
