/*
 * redis_fixture.h - a private redis-server for one test program: a free
 * high port on 127.0.0.1, a temp dir, no persistence; stopped by its PID.
 */
#ifndef LIVEADDR_REDIS_FIXTURE_H
#define LIVEADDR_REDIS_FIXTURE_H

#include <sys/types.h>

typedef struct {
    pid_t   pid;
    int     port;
    char    dir[64];
    char    server[32];			/* "127.0.0.1:PORT" for RPOOL_CONF */
    char    password[32];		/* requirepass, or "" */
    int     persist;			/* AOF, fsync always */
} REDIS_FIXTURE;

extern const char *redis_fixture_missing(void);
extern int redis_fixture_start(REDIS_FIXTURE *, const char *password);
extern int redis_fixture_start_persistent(REDIS_FIXTURE *);
extern void redis_fixture_kill(REDIS_FIXTURE *);
extern int redis_fixture_relaunch(REDIS_FIXTURE *);
extern int redis_fixture_restart(REDIS_FIXTURE *);
extern void redis_fixture_stop(REDIS_FIXTURE *);
extern void redis_fixture_pause(REDIS_FIXTURE *, int paused);

#endif
