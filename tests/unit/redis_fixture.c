/*
 * redis_fixture - start and stop a private redis-server for a C test.
 *
 * redis_fixture_missing() returns why no server can be started (no
 * redis-server on PATH), or NULL.  redis_fixture_start() picks a free port,
 * starts redis-server in the foreground of a child process (no persistence,
 * loopback only), and waits until it answers.  redis_fixture_restart() stops
 * it and starts it again on the same port (data lost: no persistence).
 * redis_fixture_pause() sends SIGSTOP / SIGCONT, to test timeouts.
 * redis_fixture_start_persistent() starts one with an append-only file
 * fsynced before every reply; redis_fixture_kill() kills it with SIGKILL
 * (what a crash or power cut does) and redis_fixture_relaunch() starts it
 * again on the same port and directory, where it reloads its data.
 * redis_fixture_stop() sends SIGTERM to the recorded PID and reaps it.
 */
#include "config.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "redis_fixture.h"

const char *redis_fixture_missing(void)
{
    return (system("command -v redis-server >/dev/null 2>&1") == 0 ? NULL
	    : "redis-server not found (contrib/install-deps.sh installs it)");
}

/* free_port - a port the kernel says is free now */

static int free_port(void)
{
    struct sockaddr_in sin = {.sin_family = AF_INET};
    socklen_t len = sizeof(sin);
    int     fd = socket(AF_INET, SOCK_STREAM, 0);
    int     port = -1;

    sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (fd >= 0 && bind(fd, (struct sockaddr *) &sin, sizeof(sin)) == 0
	&& getsockname(fd, (struct sockaddr *) &sin, &len) == 0)
	port = ntohs(sin.sin_port);
    if (fd >= 0)
	close(fd);
    return (port);
}

/* answers - does the server answer PING with PONG (not LOADING)? */

static int answers(int port)
{
    struct sockaddr_in sin = {.sin_family = AF_INET, .sin_port = htons((uint16_t) port)};
    struct timeval tv = {1, 0};
    int     fd = socket(AF_INET, SOCK_STREAM, 0);
    char    buf[64] = "";
    int     ok = 0;

    sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (fd >= 0 && connect(fd, (struct sockaddr *) &sin, sizeof(sin)) == 0) {
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	if (write(fd, "PING\r\n", 6) == 6 && read(fd, buf, sizeof(buf) - 1) > 0)
	    ok = strncmp(buf, "+PONG", 5) == 0 || strncmp(buf, "-NOAUTH", 7) == 0;
    }
    if (fd >= 0)
	close(fd);
    return (ok);
}

static int launch(REDIS_FIXTURE *fx)
{
    char    port[16];
    pid_t   pid;

    snprintf(port, sizeof(port), "%d", fx->port);
    if ((pid = fork()) < 0)
	return (-1);
    if (pid == 0) {
	const char *argv[20];
	int     n = 0;

	argv[n++] = "redis-server";
	argv[n++] = "--port";
	argv[n++] = port;
	argv[n++] = "--bind";
	argv[n++] = "127.0.0.1";
	argv[n++] = "--save";
	argv[n++] = "";
	argv[n++] = "--appendonly";
	argv[n++] = fx->persist ? "yes" : "no";
	if (fx->persist) {
	    argv[n++] = "--appendfsync";
	    argv[n++] = "always";
	}
	argv[n++] = "--dir";
	argv[n++] = fx->dir;
	argv[n++] = "--logfile";
	argv[n++] = "redis.log";
	if (fx->password[0]) {
	    argv[n++] = "--requirepass";
	    argv[n++] = fx->password;
	}
	argv[n] = NULL;
	{
	    /* Not on the test's stdout (the TAP pipe would stay open), and
	     * gone when the test dies, whatever kills it. */
	    int     null = open("/dev/null", O_RDWR);

	    if (null >= 0) {
		dup2(null, 0);
		dup2(null, 1);
		dup2(null, 2);
	    }
	    prctl(PR_SET_PDEATHSIG, SIGTERM);
	}
	execvp("redis-server", (char *const *) argv);
	_exit(127);
    }
    fx->pid = pid;
    for (int i = 0; i < 200; i++) {
	struct timespec ts = {0, 20 * 1000000};

	if (answers(fx->port))
	    return (0);
	nanosleep(&ts, NULL);
    }
    return (-1);
}

static int start(REDIS_FIXTURE *fx, const char *password, int persist)
{
    memset(fx, 0, sizeof(*fx));
    fx->persist = persist;
    snprintf(fx->dir, sizeof(fx->dir), "/tmp/liveaddr-redis.XXXXXX");
    if (mkdtemp(fx->dir) == NULL)
	return (-1);
    if (password)
	snprintf(fx->password, sizeof(fx->password), "%s", password);
    if ((fx->port = free_port()) < 0)
	return (-1);
    snprintf(fx->server, sizeof(fx->server), "127.0.0.1:%d", fx->port);
    return (launch(fx));
}

int     redis_fixture_start(REDIS_FIXTURE *fx, const char *password)
{
    return (start(fx, password, 0));
}

int     redis_fixture_start_persistent(REDIS_FIXTURE *fx)
{
    return (start(fx, NULL, 1));
}

static void halt(REDIS_FIXTURE *fx)
{
    if (fx->pid > 0) {
	kill(fx->pid, SIGCONT);
	kill(fx->pid, SIGTERM);
	waitpid(fx->pid, NULL, 0);
	fx->pid = 0;
    }
}

int     redis_fixture_restart(REDIS_FIXTURE *fx)
{
    halt(fx);
    return (launch(fx));
}

void    redis_fixture_kill(REDIS_FIXTURE *fx)
{
    if (fx->pid > 0) {
	kill(fx->pid, SIGKILL);
	waitpid(fx->pid, NULL, 0);
	fx->pid = 0;
    }
}

int     redis_fixture_relaunch(REDIS_FIXTURE *fx)
{
    halt(fx);
    return (launch(fx));
}

void    redis_fixture_pause(REDIS_FIXTURE *fx, int paused)
{
    if (fx->pid > 0)
	kill(fx->pid, paused ? SIGSTOP : SIGCONT);
}

void    redis_fixture_stop(REDIS_FIXTURE *fx)
{
    char    path[128];

    halt(fx);
    if (fx->dir[0] == 0)
	return;
    if (fx->persist) {
	/* Redis 7 keeps its AOF in appendonlydir/: remove what is there */
	char    cmd[200];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s/appendonlydir'", fx->dir);
	if (system(cmd) != 0)
	    fprintf(stderr, "# could not remove %s/appendonlydir\n", fx->dir);
    }
    snprintf(path, sizeof(path), "%s/redis.log", fx->dir);
    unlink(path);
    rmdir(fx->dir);
}
