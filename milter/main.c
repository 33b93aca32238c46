/*++
 * NAME
 *	liveaddr-milter 8
 * SUMMARY
 *	tag the dealer's letters and learn from what comes back
 * SYNOPSIS
 *	liveaddr-milter [-f] [-n] [-c file] [-p socket]
 *	liveaddr-milter -V
 * DESCRIPTION
 *	The daemon: reads liveaddr.conf (-c, default LIVEADDR_CONF), opens
 *	the socket as libmilter spells it (Socket, or -p:
 *	local:/path, inet:port@host, inet6:port@[addr]), gives a local
 *	socket its owner, group and mode (SocketUser, SocketGroup,
 *	SocketMode; a mode writable by others is refused), then, when
 *	started as root, becomes UserID, and runs the callbacks
 *	(callbacks.c) until told to stop.
 *
 *	-f stays in the foreground (for systemd Type=simple and for
 *	containers; with "Syslog no" it logs to stderr); without it the
 *	milter detaches.  -n checks the configuration, the key files, the
 *	socket's spelling and mode and the users and groups it names, and
 *	exits: 0 good, 78 not.  -V prints the version.
 *
 *	Signals, taken by the main thread with sigwait() (smfi_main() runs in
 *	a thread of its own: see main()): SIGUSR1 (and SIGHUP)
 *	reload liveaddr.conf and the key files without dropping a
 *	connection: messages that started keep the settings they started
 *	with; a file with errors is logged and the old settings stay.  Keys
 *	marked "restart" in liveaddr.conf(5) (the socket, its owner and mode,
 *	UserID, PidFile) need a restart; a reload that moves JournalPath is
 *	refused.  SIGTERM and SIGINT stop accepting connections and let the
 *	messages in flight finish (drain(), at most DRAIN_SECONDS).
 *
 *	A housekeeping thread replays the journal (evidence that could not
 *	reach Redis) every 30 seconds while it holds something.
 * EXIT STATUS
 *	0 stopped normally, 64 usage, 69 the socket could not be opened,
 *	71 a system error, 78 configuration.
 *--*/

#include "config.h"

#include <errno.h>
#include <grp.h>
#include <limits.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sysexits.h>
#include <time.h>
#include <unistd.h>

#include "callbacks.h"
#include "log.h"
#include "mfx.h"
#include "prefetch.h"
#include "runtime.h"
#include "settings.h"

static const char *conf_path = LIVEADDR_CONF;
static char conf_abs[PATH_MAX];
static volatile int stopping;
static bool foreground;

static void usage(void)
{
    fprintf(stderr, "usage: liveaddr-milter [-f] [-n] [-c file] [-p socket] | -V\n");
    exit(EX_USAGE);
}

/* local_path - the file of a local socket spec, or NULL */

static const char *local_path(const char *spec)
{
    if (strncmp(spec, "local:", 6) == 0)
	return (spec + 6);
    if (strncmp(spec, "unix:", 5) == 0)
	return (spec + 5);
    if (spec[0] == '/')
	return (spec);
    return (NULL);
}

/* socket_spec_ok - a socket as libmilter spells it */

static bool socket_spec_ok(const char *spec)
{
    const char *at;

    if (local_path(spec))
	return (*local_path(spec) == '/');
    if (strncmp(spec, "inet:", 5) != 0 && strncmp(spec, "inet6:", 6) != 0)
	return (false);
    at = strchr(spec, ':') + 1;
    return (*at >= '0' && *at <= '9' && strtol(at, NULL, 10) > 0
	    && strtol(at, NULL, 10) < 65536);
}

/* socket_owner - check and resolve SocketUser, SocketGroup, SocketMode */

static int socket_owner(const CONF *conf, const char *spec, uid_t *uid, gid_t *gid,
			        long *mode)
{
    const char *user = conf_str(conf, "SocketUser"), *group = conf_str(conf, "SocketGroup");
    char   *end;

    *uid = (uid_t) -1;
    *gid = (gid_t) -1;
    if (!socket_spec_ok(spec)) {
	log_error("Socket %s: not local:/path, inet:port@host or inet6:port@host", spec);
	return (-1);
    }
    *mode = strtol(conf_str(conf, "SocketMode"), &end, 8);
    if (*end || *mode < 0 || *mode > 0777) {
	log_error("SocketMode %s: not an octal mode", conf_str(conf, "SocketMode"));
	return (-1);
    }
    if (*mode & 0002) {
	log_error("SocketMode %04lo: a socket writable by every user lets anyone tamper "
		  "with mail; use 0660 and a group", *mode);
	return (-1);
    }
    if (user && *user) {
	struct passwd *pw = getpwnam(user);

	if (pw == NULL) {
	    log_error("SocketUser %s: no such user", user);
	    return (-1);
	}
	*uid = pw->pw_uid;
    }
    if (group && *group) {
	struct group *gr = getgrnam(group);

	if (gr == NULL) {
	    log_error("SocketGroup %s: no such group", group);
	    return (-1);
	}
	*gid = gr->gr_gid;
    }
    return (0);
}

/* socket_permissions - owner, group and mode of a local socket */

static int socket_permissions(const CONF *conf, const char *spec)
{
    const char *path = local_path(spec);
    uid_t   uid;
    gid_t   gid;
    long    mode;

    if (socket_owner(conf, spec, &uid, &gid, &mode) < 0)
	return (-1);
    if (path == NULL)
	return (0);
    if ((uid != (uid_t) -1 || gid != (gid_t) -1) && chown(path, uid, gid) < 0) {
	log_error("chown %s: %s", path, strerror(errno));
	return (-1);
    }
    if (chmod(path, (mode_t) mode) < 0) {
	log_error("chmod %s: %s", path, strerror(errno));
	return (-1);
    }
    return (0);
}

/* user_ok - UserID names a user (and group) that exist */

static int user_ok(const CONF *conf)
{
    const char *spec = conf_str(conf, "UserID");
    char    user[128], *colon;

    if (spec == NULL || *spec == 0)
	return (0);
    snprintf(user, sizeof(user), "%s", spec);
    if ((colon = strchr(user, ':')) != NULL)
	*colon++ = 0;
    if (getpwnam(user) == NULL) {
	log_error("UserID %s: no such user", user);
	return (-1);
    }
    if (colon && *colon && getgrnam(colon) == NULL) {
	log_error("UserID %s: no such group %s", spec, colon);
	return (-1);
    }
    return (0);
}

/*
  * tcp_nodelay - TCP_NODELAY on our listening socket, which accepted
  * sockets inherit on Linux.  libmilter writes each modification and the
  * final reply with a writev() of its own and sets no TCP_NODELAY, so over
  * TCP the second small write waited ~40 ms for the MTA's delayed ACK
  * (bench/milter_stall.md).  libmilter does not tell us its socket: it is
  * the listening TCP socket of this process on the spec's port.
  */
static void tcp_nodelay(const char *spec)
{
    long    max = sysconf(_SC_OPEN_MAX);
    const char *colon = strchr(spec, ':');
    long    port = colon ? strtol(colon + 1, NULL, 10) : 0;
    int     done = 0;

    if (strncmp(spec, "inet", 4) != 0 || port <= 0)
	return;
    for (int fd = 0; fd < (max > 0 && max < 65536 ? max : 1024); fd++) {
	int     listening = 0, domain = 0, one = 1;
	socklen_t len = sizeof(int);
	struct sockaddr_storage ss;
	socklen_t sslen = sizeof(ss);
	int     fdport = 0;

	if (getsockopt(fd, SOL_SOCKET, SO_ACCEPTCONN, &listening, &len) < 0 || !listening)
	    continue;
	len = sizeof(int);
	if (getsockopt(fd, SOL_SOCKET, SO_DOMAIN, &domain, &len) < 0
	    || (domain != AF_INET && domain != AF_INET6)
	    || getsockname(fd, (struct sockaddr *) &ss, &sslen) < 0)
	    continue;
	fdport = domain == AF_INET ? ntohs(((struct sockaddr_in *) &ss)->sin_port)
	    : ntohs(((struct sockaddr_in6 *) &ss)->sin6_port);
	if (fdport == port && setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one)) == 0)
	    done++;
    }
    if (done == 0)
	log_warn("could not set TCP_NODELAY on %s: letters may wait ~40 ms each", spec);
}

/* drop_privileges - become UserID ("user" or "user:group") */

static int drop_privileges(const CONF *conf)
{
    const char *spec = conf_str(conf, "UserID");
    char    user[128], *colon;
    struct passwd *pw;
    gid_t   gid;

    if (spec == NULL || *spec == 0) {
	if (getuid() == 0)
	    log_warn("running as root: set UserID (e.g. liveaddr) in %s", conf_path);
	return (0);
    }
    if (getuid() != 0 && geteuid() != 0)
	return (0);				/* started as that user already */
    snprintf(user, sizeof(user), "%s", spec);
    if ((colon = strchr(user, ':')) != NULL)
	*colon++ = 0;
    if ((pw = getpwnam(user)) == NULL) {
	log_error("UserID %s: no such user", user);
	return (-1);
    }
    gid = pw->pw_gid;
    if (colon && *colon) {
	struct group *gr = getgrnam(colon);

	if (gr == NULL) {
	    log_error("UserID %s: no such group %s", spec, colon);
	    return (-1);
	}
	gid = gr->gr_gid;
    }
    /* The journal files were opened as root: they must stay ours. */
    {
	const char *journal = conf_str(conf, "JournalPath");
	char    lock[4096];

	snprintf(lock, sizeof(lock), "%s.lock", journal);
	if ((chown(journal, pw->pw_uid, gid) < 0 && errno != ENOENT)
	    || (chown(lock, pw->pw_uid, gid) < 0 && errno != ENOENT))
	    log_warn("cannot give the journal to %s: %s", spec, strerror(errno));
    }
    if (initgroups(user, gid) < 0 || setgid(gid) < 0 || setuid(pw->pw_uid) < 0) {
	log_error("cannot become %s: %s", spec, strerror(errno));
	return (-1);
    }
    if (setuid(0) == 0) {
	log_error("could become root again after dropping to %s: refusing to run", spec);
	return (-1);
    }
    return (0);
}

/*
  * Reloads happen in their own thread, so that the main thread is back in
  * sigwait() at once (see main()).
  */
static pthread_mutex_t reload_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t reload_wanted = PTHREAD_COND_INITIALIZER;
static int reload_pending;

/*
  * restart_notes - a reload keeps the socket, its owner and mode, the user
  * and the pid file of the start (main() used them once): say so when the
  * file now says otherwise.  journal_moved - a new JournalPath would leave
  * the old journal unreplayed: such a reload is refused whole.
  */
static const char *const restart_keys[] = {
    "Socket", "SocketUser", "SocketGroup", "SocketMode", "UserID", "PidFile",
};

static bool same_value(const char *a, const char *b)
{
    return (strcmp(a ? a : "", b ? b : "") == 0);
}

static bool journal_moved(RUNTIME *rt)
{
    RUNTIME *old = runtime_acquire();
    bool    moved = false;

    if (old == NULL)
	return (false);
    for (size_t i = 0; i < sizeof(restart_keys) / sizeof(restart_keys[0]); i++)
	if (!same_value(conf_str(old->conf, restart_keys[i]), conf_str(rt->conf, restart_keys[i])))
	    log_warn("reload: %s changed; it takes effect at the next restart", restart_keys[i]);
    if (!same_value(conf_str(old->conf, "JournalPath"), conf_str(rt->conf, "JournalPath"))) {
	log_error("reload of %s refused, the old settings stay: JournalPath changed "
		  "(restart the milter to move the journal)", conf_path);
	moved = true;
    }
    runtime_release(old);
    return (moved);
}

static void *reload_thread(void *arg)
{
    (void) arg;
    for (;;) {
	char    err[512];
	RUNTIME *rt;

	pthread_mutex_lock(&reload_lock);
	while (!reload_pending && !stopping)
	    pthread_cond_wait(&reload_wanted, &reload_lock);
	reload_pending = 0;
	pthread_mutex_unlock(&reload_lock);
	if (stopping)
	    return (NULL);
	if ((rt = runtime_build(conf_path, err, sizeof(err))) == NULL) {
	    log_error("reload of %s failed, the old settings stay: %s", conf_path, err);
	} else if (journal_moved(rt)) {
	    runtime_discard(rt);
	} else {
	    (void) settings_apply_logging(rt->conf, "liveaddr-milter", foreground);
	    runtime_install(rt);
	    log_info("reloaded %s", conf_path);
	}
    }
}

/*
  * drain - wait for the messages in flight to end (at most DRAIN_SECONDS,
  * under systemd's 90 s stop timeout) before smfi_stop(): libmilter's
  * worker pool stops serving every session as soon as smfi_stop() is
  * called, so a letter in the middle would be cut off.  Meanwhile new
  * letters pass untouched (callbacks_drain()).
  */
#define DRAIN_SECONDS	60

static void drain(void)
{
    int     left = callbacks_drain();

    for (int tenths = 0; left > 0 && tenths < DRAIN_SECONDS * 10; tenths++) {
	struct timespec ts = {0, 100 * 1000 * 1000};

	nanosleep(&ts, NULL);
	left = callbacks_drain();
    }
    if (left > 0)
	log_warn("stopping with %d message(s) still in flight after %d s", left, DRAIN_SECONDS);
}

static void *milter_thread(void *arg)
{
    int    *status = arg;

    *status = smfi_main() == MI_SUCCESS ? 0 : EX_SOFTWARE;
    stopping = 1;
    kill(getpid(), SIGUSR2);			/* wake the main thread */
    return (NULL);
}

/* housekeeping - replay the journal while it holds something */

static void *housekeeping(void *arg)
{
    (void) arg;
    while (!stopping) {
	RUNTIME *rt;

	for (int i = 0; i < 30 && !stopping; i++)
	    sleep(1);
	if (stopping || (rt = runtime_acquire()) == NULL)
	    continue;
	{
	    struct stat st;
	    const char *path = conf_str(rt->conf, "JournalPath");
	    SINK_STATS ss;

	    sink_stats(rt->sink, &ss);
	    if ((stat(path, &st) == 0 && st.st_size > 0) || ss.journaled > ss.replayed) {
		JOURNAL_STATS js;
		char    err[256];

		if (sink_replay(rt->sink, &js, err, sizeof(err)) == 0 && js.applied > 0)
		    log_info("journal replayed: %zu evidence item(s)", js.applied);
	    }
	}
	runtime_release(rt);
    }
    return (NULL);
}

int     main(int argc, char **argv)
{
    bool    check_only = false;
    const char *socket_spec = NULL;
    char    err[512];
    RUNTIME *rt;
    sigset_t set;
    pthread_t milter_tid, reload_tid, hk_tid;
    const char *pidfile;
    char    pidpath[4096] = "";
    int     ch, sig, status = 0;

    while ((ch = getopt(argc, argv, "c:fnp:V")) != -1) {
	switch (ch) {
	case 'c':
	    conf_path = optarg;
	    break;
	case 'f':
	    foreground = true;
	    break;
	case 'n':
	    check_only = true;
	    break;
	case 'p':
	    socket_spec = optarg;
	    break;
	case 'V':
	    printf("liveaddr-milter %s\n", PACKAGE_VERSION);
	    return (0);
	default:
	    usage();
	}
    }
    if (optind != argc)
	usage();
    /* Reloads happen after daemon() changed to "/": keep an absolute path. */
    if (conf_path[0] != '/' && realpath(conf_path, conf_abs) != NULL)
	conf_path = conf_abs;
    if ((rt = runtime_build(conf_path, err, sizeof(err))) == NULL) {
	fprintf(stderr, "liveaddr-milter: %s: %s\n", conf_path, err);
	return (EX_CONFIG);
    }
    if (socket_spec == NULL)
	socket_spec = conf_str(rt->conf, "Socket");
    if (check_only) {
	uid_t   uid;
	gid_t   gid;
	long    mode;
	int     bad;

	(void) settings_apply_logging(rt->conf, "liveaddr-milter", true);
	bad = socket_owner(rt->conf, socket_spec, &uid, &gid, &mode) < 0 || user_ok(rt->conf) < 0;
	if (!bad)
	    printf("liveaddr-milter: %s: ok\n", conf_path);
	runtime_install(rt);
	runtime_shutdown();
	return (bad ? EX_CONFIG : 0);
    }
    if (settings_apply_logging(rt->conf, "liveaddr-milter", foreground) < 0) {
	fprintf(stderr, "liveaddr-milter: bad SyslogFacility or LogLevel\n");
	return (EX_CONFIG);
    }
    if (!foreground && daemon(0, 0) < 0) {
	log_error("daemon: %s", strerror(errno));
	return (EX_OSERR);
    }

    /* The socket first (as root), then its permissions, then who we are. */
    umask(0117);
    if (smfi_setconn((char *) socket_spec) != MI_SUCCESS
	|| smfi_register(callbacks_desc) != MI_SUCCESS
	|| smfi_opensocket(true) != MI_SUCCESS) {
	log_error("cannot open the milter socket %s", socket_spec);
	return (EX_UNAVAILABLE);
    }
    if (socket_permissions(rt->conf, socket_spec) < 0 || drop_privileges(rt->conf) < 0)
	return (EX_CONFIG);
    tcp_nodelay(socket_spec);
    if ((pidfile = conf_str(rt->conf, "PidFile")) != NULL && *pidfile) {
	FILE   *fp;

	snprintf(pidpath, sizeof(pidpath), "%s", pidfile);
	if ((fp = fopen(pidpath, "w")) == NULL) {
	    log_error("PidFile %s: %s", pidpath, strerror(errno));
	} else {
	    fprintf(fp, "%ld\n", (long) getpid());
	    fclose(fp);
	}
    }
    log_info("liveaddr-milter %s listening on %s", PACKAGE_VERSION, socket_spec);
    runtime_install(rt);

    /*
     * Signals.  libmilter's smfi_main() starts a thread of its own that
     * waits for SIGHUP, SIGTERM and SIGINT and stops the milter on any of
     * them.  SIGHUP must reload instead, so smfi_main() runs in a thread of
     * its own, and the main thread waits for the signals: Linux gives a
     * signal sent to the process to its main thread first when that thread
     * waits for it, and the main thread only ever hands work to other
     * threads and goes back to waiting.
     */
    sigemptyset(&set);
    sigaddset(&set, SIGHUP);
    sigaddset(&set, SIGUSR1);
    sigaddset(&set, SIGUSR2);
    sigaddset(&set, SIGTERM);
    sigaddset(&set, SIGINT);
    pthread_sigmask(SIG_BLOCK, &set, NULL);
    signal(SIGPIPE, SIG_IGN);
    if (pthread_create(&reload_tid, NULL, reload_thread, NULL) != 0
	|| pthread_create(&hk_tid, NULL, housekeeping, NULL) != 0
	|| prefetch_start(4, 10000) < 0
	|| pthread_create(&milter_tid, NULL, milter_thread, &status) != 0) {
	log_error("cannot start threads: %s", strerror(errno));
	return (EX_OSERR);
    }
    while (!stopping) {
	if (sigwait(&set, &sig) != 0)
	    continue;
	if (sig == SIGHUP || sig == SIGUSR1) {
	    pthread_mutex_lock(&reload_lock);
	    reload_pending = 1;
	    pthread_cond_signal(&reload_wanted);
	    pthread_mutex_unlock(&reload_lock);
	} else if (sig == SIGTERM || sig == SIGINT) {
	    log_info("stopping on signal %d: messages in flight may finish", sig);
	    stopping = 1;
	    drain();
	    smfi_stop();
	}
    }
    pthread_join(milter_tid, NULL);
    pthread_mutex_lock(&reload_lock);
    pthread_cond_broadcast(&reload_wanted);
    pthread_mutex_unlock(&reload_lock);
    pthread_join(reload_tid, NULL);
    prefetch_stop();
    pthread_join(hk_tid, NULL);
    if (pidpath[0])
	unlink(pidpath);
    runtime_shutdown();
    log_info("stopped");
    return (status);
}
