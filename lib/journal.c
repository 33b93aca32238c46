/*++
 * NAME
 *	journal 3
 * SUMMARY
 *	append-only local journal of evidence, replayed when Redis returns
 * SYNOPSIS
 *	#include "journal.h"
 *
 *	JOURNAL	*journal_open(const char *path, JOURNAL_SYNC sync,
 *				char *err, size_t errlen)
 *	void	journal_set_interval(JOURNAL *j, unsigned interval_ms)
 *	int	journal_append(JOURNAL *j, const EVIDENCE *items, size_t n)
 *	int	journal_sync(JOURNAL *j)
 *	char	*journal_error(JOURNAL *j, char *buf, size_t len)
 *	unsigned long journal_refused(JOURNAL *j)
 *	void	journal_close(JOURNAL *j)
 *
 *	int	journal_sync_by_name(const char *name, JOURNAL_SYNC *sync)
 *	const char *journal_sync_name(JOURNAL_SYNC sync)
 *
 *	int	journal_replay(const char *path, JOURNAL_APPLY apply, void *ctx,
 *				size_t batch, JOURNAL_STATS *stats,
 *				char *err, size_t errlen)
 * DESCRIPTION
 *	When Redis cannot be reached, the milter must not lose the evidence
 *	it saw: it appends it here, one evidence_encode() line per item, and
 *	the journal is replayed into the store when Redis is back.
 *
 *	The files of a journal PATH (one directory, a local file system,
 *	mode 0600):
 * .IP PATH
 *	the live journal, where appenders write.
 * .IP PATH.lock
 *	appenders hold flock(LOCK_SH) on it while they write, the replayer
 *	holds LOCK_EX while it renames PATH away.  It is never removed.
 * .IP PATH.replay.<time>-<pid>-<n>
 *	a journal renamed away for replay, or left by a replay that failed or
 *	crashed; the names sort by age.  PATH.replay.<...>.tmp is the rest of
 *	a failed replay file while it is being written.
 * .IP PATH.replay-lock
 *	a replay holds flock(LOCK_EX) on it: one replay at a time.
 * .IP PATH.bad
 *	bad lines, copied for a person to look at.  It only grows.
 * .PP
 *	journal_open() opens PATH and PATH.lock, creating them if missing.
 *	The directory must exist.
 *
 *	journal_append() writes the lines of all the items ("encoded\n")
 *	with one write() (looping on a short one), holding the handle's mutex
 *	and a shared lock on PATH.lock, so that lines of different threads
 *	and processes never interleave.  Before it writes, it checks that
 *	PATH still names the file it has open; when a replay has renamed it
 *	away, it opens (creates) PATH afresh, so that no line goes into a
 *	file that is being replayed.  An item that does not encode, or whose
 *	line would not decode (no id or address, a time before 1970, a reply
 *	code over 999), is refused and counted (journal_refused()); the other
 *	items of the call are still written.  Then it syncs as the policy
 *	says:
 * .IP JOURNAL_SYNC_ALWAYS
 *	fdatasync() before returning: an item for which journal_append()
 *	returned 0 survives a process crash and a power cut.  The default,
 *	since the journal is written only while Redis is down.
 * .IP JOURNAL_SYNC_INTERVAL
 *	fdatasync() when the last one is older than the interval
 *	(journal_set_interval(), default JOURNAL_INTERVAL_DEFAULT_MS), and in
 *	journal_sync() and journal_close().  A process crash loses nothing
 *	(the data is in the kernel); a power cut loses what was appended
 *	since the last fdatasync(): up to an interval, or more when nothing
 *	calls journal_sync() after a burst of appends.
 * .IP JOURNAL_SYNC_NEVER
 *	no fdatasync(): a process crash loses nothing, a power cut loses what
 *	the kernel had not yet written (on Linux typically up to 30s).
 * .PP
 *	journal_replay() takes the replay lock (when another replay holds it,
 *	it returns -1 at once and sets stats->busy), renames a non-empty PATH
 *	to PATH.replay.<...> under the exclusive lock on PATH.lock, then
 *	replays every PATH.replay.* file, oldest first.  Each line is decoded
 *	and the items go to apply() in batches of `batch' (the last of a file
 *	may be smaller).  A file applied completely is removed.
 *
 *	A bad line (longer than EV_LINE_MAX, or one that does not decode, or
 *	a last line without its newline) is counted and copied to PATH.bad
 *	with a newline, never dropped.  An unfinished line comes from a writer
 *	that died in write(), or from a write that failed (disk full); its
 *	start may decode with a shortened last field, so it is bad even then.
 *	When the next writer's line follows such a fragment on the same line,
 *	that line is recovered: a fragment and a whole line together have too
 *	many fields, so only the true start of the line decodes.  Empty lines
 *	are skipped.
 *
 *	When apply() fails, the replay stops: the file is replaced (a new
 *	file renamed over it) by the items of the failed batch and the lines
 *	not yet read, later files stay as they are, and journal_replay()
 *	returns -1.  The next replay goes on from there.
 * GUARANTEES
 *	At least once: every item that journal_append() wrote reaches apply()
 *	in a batch for which apply() returned 0, unless its line went bad.
 *	In a replay where apply() never fails, each item reaches it exactly
 *	once, in the order written.  An item may reach apply() again: the
 *	items of a failed batch are given again (apply() may have stored some
 *	of them), and so is all of a file whose replay was cut short (a crash,
 *	a read error, a failed rewrite) or whose removal a power cut undid.
 *	Every item has an id, and the store applies an id once: the effect is
 *	exactly once.
 * THREADS
 *	A JOURNAL may be shared by threads.  It must not cross fork(): a
 *	child opens its own (a flock() lock belongs to the open file, which
 *	parent and child would share).  journal_replay() may run in any
 *	thread or process, also while others append.
 * MEMORY
 *	journal_open() copies the path; journal_close() frees everything.
 *	apply() gets an array that the replay owns and reuses; it must not
 *	change the items (a failed batch is written back from them).
 * DIAGNOSTICS
 *	journal_open() returns NULL and journal_replay() returns -1, each with
 *	a reason in err.  journal_append() and journal_sync() return -1;
 *	journal_error() copies the reason of the latest failure on the handle
 *	(in any thread).  Nothing here aborts on file content.
 * BUGS
 *	The files belong to the user who created them: replay as the milter's
 *	user.  When a write() is short (disk full) and another process
 *	appends before the rest is written, the torn line ends up in PATH.bad.
 *	A file replayed whole again copies its bad lines to PATH.bad again.
 *--*/

#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "journal.h"

#define JOURNAL_LINE	(EV_LINE_MAX + 1)	/* a line with its newline */
#define JOURNAL_READ	65536		/* replay read buffer */
#define JOURNAL_SCAN	(2 * EV_LINE_MAX)	/* longer without a newline: spill */
#define JOURNAL_WFLAGS	(O_WRONLY | O_APPEND | O_CLOEXEC | O_NOFOLLOW)
#define JOURNAL_LFLAGS	(O_RDONLY | O_CREAT | O_CLOEXEC | O_NOFOLLOW)
#define JOURNAL_PATH_MAX (PATH_MAX - 64)	/* room for the longest suffix */

struct JOURNAL {
    char   *path;
    char   *dir;			/* fsync()ed after PATH is created */
    JOURNAL_SYNC sync;
    unsigned interval_ms;
    pthread_mutex_t lock;		/* everything below */
    int     fd;				/* PATH; -1: open at the next append */
    dev_t   dev;			/* what fd is, to notice a rename */
    ino_t   ino;
    int     lockfd;			/* PATH.lock */
    bool    dirty;			/* written since the last fdatasync() */
    long long synced_ms;
    unsigned long refused;
    char    error[256];
};

static const char *const journal_sync_names[] = {
    [JOURNAL_SYNC_ALWAYS] = "always",
    [JOURNAL_SYNC_INTERVAL] = "interval",
    [JOURNAL_SYNC_NEVER] = "never",
};

#define JOURNAL_NSYNC (sizeof(journal_sync_names) / sizeof(journal_sync_names[0]))

/* journal_fmt - write a reason into a caller's buffer */

static void __attribute__((format(printf, 3, 4)))
journal_fmt(char *err, size_t errlen, const char *fmt,...)
{
    va_list ap;

    if (err == NULL || errlen == 0)
	return;
    va_start(ap, fmt);
    vsnprintf(err, errlen, fmt, ap);
    va_end(ap);
}

/* journal_now_ms - a monotonic clock */

static long long journal_now_ms(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ((long long) ts.tv_sec * 1000 + ts.tv_nsec / 1000000);
}

/* journal_name - PATH with a suffix; -1 when it does not fit */

static int journal_name(char *buf, size_t len, const char *path, const char *suffix)
{
    int     n = snprintf(buf, len, "%s%s", path, suffix);

    return (n < 0 || (size_t) n >= len ? -1 : 0);
}

/* journal_dirname - the directory of a path, allocated */

static char *journal_dirname(const char *path)
{
    const char *slash = strrchr(path, '/');

    if (slash == NULL)
	return (strdup("."));
    if (slash == path)
	return (strdup("/"));
    return (strndup(path, (size_t) (slash - path)));
}

/* journal_explain - say why a file of the journal cannot be opened */

static void journal_explain(const char *file, int errnum, char *err, size_t errlen)
{
    char   *dir = journal_dirname(file);
    struct stat st;

    if (errnum == ENOENT && dir != NULL && stat(dir, &st) < 0 && errno == ENOENT)
	journal_fmt(err, errlen, "journal directory %s does not exist: create it, "
		    "writable by the milter's user only", dir);
    else if (errnum == ENOTDIR)
	journal_fmt(err, errlen, "journal %s: a part of the directory is not a directory", file);
    else if (errnum == ELOOP)
	journal_fmt(err, errlen, "journal %s is a symbolic link: give the real path", file);
    else
	journal_fmt(err, errlen, "journal %s: %s", file, strerror(errnum));
    free(dir);
}

/* journal_flock - flock() that is not cut short by a signal */

static int journal_flock(int fd, int op)
{
    int     r;

    while ((r = flock(fd, op)) < 0 && errno == EINTR)
	 /* again */ ;
    return (r);
}

/* journal_write_all - write everything, looping on short writes */

static int journal_write_all(int fd, const char *buf, size_t len)
{
    while (len > 0) {
	ssize_t w = write(fd, buf, len);

	if (w < 0 && errno == EINTR)
	    continue;
	if (w <= 0) {
	    if (w == 0)
		errno = EIO;
	    return (-1);
	}
	buf += w;
	len -= (size_t) w;
    }
    return (0);
}

/* journal_fsync_dir - make a new directory entry survive a power cut */

static int journal_fsync_dir(const char *dir)
{
    int     fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    int     r;

    if (fd < 0)
	return (-1);
    r = fsync(fd);
    close(fd);
    return (r);
}

/* journal_sync_by_name - "always", "interval" or "never" */

int     journal_sync_by_name(const char *name, JOURNAL_SYNC *sync)
{
    for (size_t i = 0; name != NULL && i < JOURNAL_NSYNC; i++) {
	if (strcasecmp(name, journal_sync_names[i]) == 0) {
	    *sync = (JOURNAL_SYNC) i;
	    return (0);
	}
    }
    return (-1);
}

/* journal_sync_name - the name of a policy, for the configuration */

const char *journal_sync_name(JOURNAL_SYNC sync)
{
    return ((unsigned) sync < JOURNAL_NSYNC ? journal_sync_names[sync] : "?");
}

/* journal_datasync - fdatasync() what was written since the last one */

static int journal_datasync(JOURNAL *j)
{
    if (j->fd < 0 || !j->dirty)
	return (0);
    if (fdatasync(j->fd) < 0) {
	journal_fmt(j->error, sizeof(j->error), "fdatasync %s: %s", j->path,
		    strerror(errno));
	return (-1);
    }
    j->dirty = false;
    j->synced_ms = journal_now_ms();
    return (0);
}

/* journal_reopen - open PATH, creating it when a replay took it away */

static int journal_reopen(JOURNAL *j)
{
    struct stat st;
    bool    created = false;
    int     fd = -1;

    /* While we hold PATH.lock shared, PATH cannot go away: two rounds do. */
    for (int round = 0; fd < 0 && round < 2; round++) {
	if ((fd = open(j->path, JOURNAL_WFLAGS)) >= 0 || errno != ENOENT)
	    break;
	if ((fd = open(j->path, JOURNAL_WFLAGS | O_CREAT | O_EXCL, 0600)) >= 0)
	    created = true;
	else if (errno != EEXIST)
	    break;
    }
    if (fd < 0) {
	journal_explain(j->path, errno, j->error, sizeof(j->error));
	return (-1);
    }
    if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
	journal_fmt(j->error, sizeof(j->error), "journal %s is not a regular file", j->path);
	close(fd);
	return (-1);
    }
    j->fd = fd;
    j->dev = st.st_dev;
    j->ino = st.st_ino;
    j->dirty = false;
    if (created && j->sync != JOURNAL_SYNC_NEVER && journal_fsync_dir(j->dir) < 0) {
	journal_fmt(j->error, sizeof(j->error), "fsync %s: %s", j->dir, strerror(errno));
	return (-1);
    }
    return (0);
}

/* journal_current - make fd the file that PATH names now */

static int journal_current(JOURNAL *j)
{
    struct stat st;

    if (j->fd >= 0) {
	if (stat(j->path, &st) == 0 && st.st_dev == j->dev && st.st_ino == j->ino)
	    return (0);

	/*
	 * A replay renamed it.  Keep the sync promise for what is in it; a
	 * failure is not this append's, and the replay has read it anyway.
	 */
	if (j->sync != JOURNAL_SYNC_NEVER)
	    (void) journal_datasync(j);
	close(j->fd);
	j->fd = -1;
    }
    return (journal_reopen(j));
}

/* journal_write_locked - write lines under PATH.lock; the mutex is held */

static int journal_write_locked(JOURNAL *j, const char *buf, size_t len)
{
    int     status = -1;

    if (journal_flock(j->lockfd, LOCK_SH) < 0) {
	journal_fmt(j->error, sizeof(j->error), "lock %s.lock: %s", j->path,
		    strerror(errno));
	return (-1);
    }
    if (journal_current(j) < 0) {
	 /* error set */ ;
    } else if (len > 0 && journal_write_all(j->fd, buf, len) < 0) {
	j->dirty = true;			/* a part may be in */
	journal_fmt(j->error, sizeof(j->error), "write %s: %s", j->path,
		    strerror(errno));
    } else {
	j->dirty = j->dirty || len > 0;
	if (j->sync == JOURNAL_SYNC_ALWAYS
	    || (j->sync == JOURNAL_SYNC_INTERVAL
		&& journal_now_ms() - j->synced_ms >= j->interval_ms))
	    status = journal_datasync(j);
	else
	    status = 0;
    }
    (void) journal_flock(j->lockfd, LOCK_UN);
    return (status);
}

JOURNAL *journal_open(const char *path, JOURNAL_SYNC sync, char *err, size_t errlen)
{
    char    lockpath[PATH_MAX];
    JOURNAL *j;
    int     status;

    if (path == NULL || *path == 0) {
	journal_fmt(err, errlen, "journal: no path given");
	return (NULL);
    }
    if ((unsigned) sync >= JOURNAL_NSYNC) {
	journal_fmt(err, errlen, "journal %s: unknown sync policy %d", path, (int) sync);
	return (NULL);
    }
    if (strlen(path) > JOURNAL_PATH_MAX) {
	journal_fmt(err, errlen, "journal %s: the path is too long", path);
	return (NULL);
    }
    (void) journal_name(lockpath, sizeof(lockpath), path, ".lock");
    if ((j = calloc(1, sizeof(*j))) == NULL
	|| (j->path = strdup(path)) == NULL
	|| (j->dir = journal_dirname(path)) == NULL) {
	journal_fmt(err, errlen, "journal %s: out of memory", path);
	goto fail;
    }
    j->sync = sync;
    j->interval_ms = JOURNAL_INTERVAL_DEFAULT_MS;
    j->synced_ms = journal_now_ms();
    j->fd = -1;
    if ((j->lockfd = open(lockpath, JOURNAL_LFLAGS, 0600)) < 0) {
	journal_explain(lockpath, errno, err, errlen);
	goto fail;
    }
    pthread_mutex_init(&j->lock, NULL);
    /* Create PATH now, so that a wrong directory shows at start-up. */
    pthread_mutex_lock(&j->lock);
    status = journal_write_locked(j, "", 0);
    pthread_mutex_unlock(&j->lock);
    if (status < 0) {
	journal_fmt(err, errlen, "%s", j->error);
	journal_close(j);
	return (NULL);
    }
    return (j);

fail:
    if (j != NULL) {
	free(j->path);
	free(j->dir);
	free(j);
    }
    return (NULL);
}

/* journal_set_interval - the JOURNAL_SYNC_INTERVAL period */

void    journal_set_interval(JOURNAL *j, unsigned interval_ms)
{
    pthread_mutex_lock(&j->lock);
    j->interval_ms = interval_ms;
    pthread_mutex_unlock(&j->lock);
}

/* journal_encode - an item's line and newline; -1 when it would not replay */

static int journal_encode(const EVIDENCE *ev, char *buf)
{
    EVIDENCE check;
    int     len = evidence_encode(ev, buf, JOURNAL_LINE);

    if (len < 0 || evidence_decode(buf, (size_t) len, &check) < 0)
	return (-1);
    buf[len] = '\n';
    return (len + 1);
}

int     journal_append(JOURNAL *j, const EVIDENCE *items, size_t n)
{
    char   *buf = NULL;
    size_t  len = 0;
    size_t  refused = 0;
    int     status = -1;

    if (n > 0 && n <= SIZE_MAX / JOURNAL_LINE)
	buf = malloc(n * JOURNAL_LINE);
    /* Encode outside the mutex: only the write is serialized. */
    for (size_t i = 0; buf != NULL && i < n; i++) {
	int     l = journal_encode(items + i, buf + len);

	if (l < 0)
	    refused++;
	else
	    len += (size_t) l;
    }
    pthread_mutex_lock(&j->lock);
    if (n == 0) {
	status = 0;
    } else if (buf == NULL) {
	journal_fmt(j->error, sizeof(j->error), "journal %s: no memory for %zu items",
		    j->path, n);
    } else if ((status = journal_write_locked(j, buf, len)) == 0 && refused > 0) {
	journal_fmt(j->error, sizeof(j->error), "journal %s: %zu of %zu items refused: "
		    "they do not encode to a line that decodes", j->path, refused, n);
	status = -1;
    }
    j->refused += refused;
    pthread_mutex_unlock(&j->lock);
    free(buf);
    return (status);
}

int     journal_sync(JOURNAL *j)
{
    int     status;

    pthread_mutex_lock(&j->lock);
    status = journal_datasync(j);
    pthread_mutex_unlock(&j->lock);
    return (status);
}

/* journal_error - copy the reason of the latest failure */

char   *journal_error(JOURNAL *j, char *buf, size_t len)
{
    pthread_mutex_lock(&j->lock);
    journal_fmt(buf, len, "%s", j->error);
    pthread_mutex_unlock(&j->lock);
    return (buf);
}

/* journal_refused - how many items did not encode, since open */

unsigned long journal_refused(JOURNAL *j)
{
    unsigned long n;

    pthread_mutex_lock(&j->lock);
    n = j->refused;
    pthread_mutex_unlock(&j->lock);
    return (n);
}

void    journal_close(JOURNAL *j)
{
    if (j == NULL)
	return;
    if (j->fd >= 0) {
	if (j->sync != JOURNAL_SYNC_NEVER)
	    (void) journal_datasync(j);
	close(j->fd);
    }
    close(j->lockfd);
    pthread_mutex_destroy(&j->lock);
    free(j->path);
    free(j->dir);
    free(j);
}

 /*
  * Replay.
  */
typedef struct {
    JOURNAL_APPLY apply;
    void   *ctx;
    size_t  batch;
    JOURNAL_STATS *stats;
    char   *err;
    size_t  errlen;
    char    badpath[PATH_MAX];
    int     badfd;			/* PATH.bad, opened when first needed */
    bool    bad_dirty;			/* not yet fdatasync()ed */
    EVIDENCE *items;			/* the batch being filled */
    size_t  nitems;
    const char *file;			/* the replay file being read */
    int     fd;
    size_t  start;			/* unread: buf[start..end) */
    size_t  end;
    bool    eof;
    size_t  spilled;			/* bytes of this line already in .bad */
    char    buf[JOURNAL_READ];
} JOURNAL_REPLAY;

/* journal_bad_write - copy (a part of) a bad line to PATH.bad */

static int journal_bad_write(JOURNAL_REPLAY *rp, const char *data, size_t len, bool end)
{
    if (rp->badfd < 0
	&& (rp->badfd = open(rp->badpath, JOURNAL_WFLAGS | O_CREAT, 0600)) < 0) {
	journal_explain(rp->badpath, errno, rp->err, rp->errlen);
	return (-1);
    }
    rp->bad_dirty = true;
    if (journal_write_all(rp->badfd, data, len) < 0
	|| (end && journal_write_all(rp->badfd, "\n", 1) < 0)) {
	journal_fmt(rp->err, rp->errlen, "write %s: %s", rp->badpath, strerror(errno));
	return (-1);
    }
    return (0);
}

/* journal_bad_sync - bad lines are safe before their source goes */

static int journal_bad_sync(JOURNAL_REPLAY *rp)
{
    if (rp->bad_dirty && fdatasync(rp->badfd) < 0) {
	journal_fmt(rp->err, rp->errlen, "fdatasync %s: %s", rp->badpath, strerror(errno));
	return (-1);
    }
    rp->bad_dirty = false;
    return (0);
}

/* journal_read_line - the next line; 1 got one, 0 end of file, -1 error */

static int journal_read_line(JOURNAL_REPLAY *rp, const char **line, size_t *len,
			             bool *complete)
{
    for (;;) {
	char   *start = rp->buf + rp->start;
	size_t  pending = rp->end - rp->start;
	char   *nl = memchr(start, '\n', pending);
	ssize_t got;

	if (nl != NULL || (rp->eof && pending > 0)) {
	    *line = start;
	    *len = nl ? (size_t) (nl - start) : pending;
	    *complete = (nl != NULL);
	    rp->start += *len + (nl != NULL);
	    return (1);
	}
	if (rp->eof)
	    return (0);

	/*
	 * Too long to be a line: copy it to PATH.bad as it comes, but keep
	 * its end, where a whole line may follow a torn one.
	 */
	if (pending > JOURNAL_SCAN) {
	    size_t  out = pending - EV_LINE_MAX;

	    if (journal_bad_write(rp, start, out, false) < 0)
		return (-1);
	    rp->spilled += out;
	    rp->start += out;
	    pending = EV_LINE_MAX;
	}
	memmove(rp->buf, rp->buf + rp->start, pending);
	rp->start = 0;
	rp->end = pending;
	while ((got = read(rp->fd, rp->buf + rp->end, sizeof(rp->buf) - rp->end)) < 0
	       && errno == EINTR)
	     /* again */ ;
	if (got < 0) {
	    journal_fmt(rp->err, rp->errlen, "read %s: %s", rp->file, strerror(errno));
	    return (-1);
	}
	if (got == 0)
	    rp->eof = true;
	rp->end += (size_t) got;
    }
}

/* journal_keep_rest - after a failed apply(): the file keeps what is left */

static int journal_keep_rest(JOURNAL_REPLAY *rp)
{
    char    tmp[PATH_MAX];
    char    line[JOURNAL_LINE];
    int     fd = -1;
    int     l;
    ssize_t got = 0;
    const char *why = NULL;

    if (journal_name(tmp, sizeof(tmp), rp->file, ".tmp") < 0) {
	errno = ENAMETOOLONG;
	why = "name";
    } else if ((fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW,
			  0600)) < 0)
	why = "open";
    for (size_t i = 0; why == NULL && i < rp->nitems; i++) {
	if ((l = journal_encode(rp->items + i, line)) < 0) {
	    errno = EINVAL;			/* apply() changed an item */
	    why = "encode";
	} else if (journal_write_all(fd, line, (size_t) l) < 0) {
	    why = "write";
	}
    }
    if (why == NULL && journal_write_all(fd, rp->buf + rp->start, rp->end - rp->start) < 0)
	why = "write";
    while (why == NULL && !rp->eof) {
	if ((got = read(rp->fd, rp->buf, sizeof(rp->buf))) < 0 && errno == EINTR)
	    continue;
	if (got < 0)
	    why = "read";
	else if (got == 0)
	    rp->eof = true;
	else if (journal_write_all(fd, rp->buf, (size_t) got) < 0)
	    why = "write";
    }
    if (why == NULL && fsync(fd) < 0)
	why = "fsync";
    if (why == NULL && journal_bad_sync(rp) < 0)
	why = "fdatasync";
    if (why == NULL && rename(tmp, rp->file) < 0)
	why = "rename";
    if (why != NULL) {
	journal_fmt(rp->err, rp->errlen, "apply failed, and the rest of %s could not be "
		    "set apart (%s: %s): it will be replayed whole", rp->file, why,
		    strerror(errno));
	if (fd >= 0)
	    (void) unlink(tmp);
    } else {
	journal_fmt(rp->err, rp->errlen, "apply failed: the failed batch (%zu items) and "
		    "what follows stay in %s for the next replay", rp->nitems, rp->file);
    }
    if (fd >= 0)
	close(fd);
    return (-1);
}

/* journal_flush - give the batch to apply() */

static int journal_flush(JOURNAL_REPLAY *rp)
{
    if (rp->nitems == 0)
	return (0);
    if (rp->apply(rp->ctx, rp->items, rp->nitems) != 0)
	return (journal_keep_rest(rp));
    rp->stats->applied += rp->nitems;
    rp->stats->batches++;
    rp->nitems = 0;
    return (0);
}

/* journal_resync - where a whole line starts after a torn one, or len */

static size_t journal_resync(const char *line, size_t len, size_t from, EVIDENCE *ev)
{
    if (len > EV_LINE_MAX && from < len - EV_LINE_MAX)
	from = len - EV_LINE_MAX;
    for (size_t p = from; p < len; p++)
	if (evidence_decode(line + p, len - p, ev) == 0)
	    return (p);
    return (len);
}

/* journal_take_line - decode a line into the batch, or set it apart */

static int journal_take_line(JOURNAL_REPLAY *rp, const char *line, size_t len,
			             bool complete)
{
    EVIDENCE *ev = rp->items + rp->nitems;
    bool    whole = complete && rp->spilled == 0;
    size_t  p = len;			/* where a good line starts in it */

    if (whole && len == 0)
	return (0);
    rp->stats->lines++;
    if (whole && len <= EV_LINE_MAX && evidence_decode(line, len, ev) == 0)
	p = 0;
    else if (complete)
	p = journal_resync(line, len, whole ? 1 : 0, ev);
    if (p > 0 || rp->spilled > 0) {
	if (journal_bad_write(rp, line, p, true) < 0)
	    return (-1);
	rp->stats->bad++;
    }
    rp->spilled = 0;
    if (p == len)
	return (0);
    return (++rp->nitems == rp->batch ? journal_flush(rp) : 0);
}

/* journal_replay_file - replay one file, remove it when all is stored */

static int journal_replay_file(JOURNAL_REPLAY *rp, const char *file)
{
    char    tmp[PATH_MAX];
    const char *line;
    size_t  len;
    bool    complete;
    int     r;

    rp->file = file;
    rp->start = rp->end = rp->spilled = rp->nitems = 0;
    rp->eof = false;
    if ((rp->fd = open(file, O_RDONLY | O_CLOEXEC | O_NOFOLLOW)) < 0) {
	journal_fmt(rp->err, rp->errlen, "open %s: %s", file, strerror(errno));
	return (-1);
    }
    while ((r = journal_read_line(rp, &line, &len, &complete)) > 0)
	if ((r = journal_take_line(rp, line, len, complete)) < 0)
	    break;
    if (r == 0)
	r = journal_flush(rp);
    close(rp->fd);
    if (r < 0 || journal_bad_sync(rp) < 0)
	return (-1);
    if (unlink(file) < 0) {
	journal_fmt(rp->err, rp->errlen, "unlink %s: %s", file, strerror(errno));
	return (-1);
    }
    if (journal_name(tmp, sizeof(tmp), file, ".tmp") == 0)
	(void) unlink(tmp);			/* left by a crash */
    rp->stats->files++;
    return (0);
}

/* journal_rotate - rename a non-empty PATH away; appenders start anew */

static int journal_rotate(const char *path, char *err, size_t errlen)
{
    static atomic_uint serial;
    char    lockpath[PATH_MAX];
    char    target[PATH_MAX];
    struct timespec ts;
    struct stat st;
    int     lockfd;
    int     status = 0;

    (void) journal_name(lockpath, sizeof(lockpath), path, ".lock");
    if ((lockfd = open(lockpath, JOURNAL_LFLAGS, 0600)) < 0) {
	journal_explain(lockpath, errno, err, errlen);
	return (-1);
    }
    if (journal_flock(lockfd, LOCK_EX) < 0) {
	journal_fmt(err, errlen, "lock %s: %s", lockpath, strerror(errno));
	close(lockfd);
	return (-1);
    }
    clock_gettime(CLOCK_REALTIME, &ts);
    if (lstat(path, &st) < 0) {
	if (errno != ENOENT) {
	    journal_fmt(err, errlen, "journal %s: %s", path, strerror(errno));
	    status = -1;
	}
    } else if (!S_ISREG(st.st_mode)) {
	journal_fmt(err, errlen, "journal %s is not a regular file", path);
	status = -1;
    } else if (st.st_size > 0) {

	/*
	 * No directory fsync: should a power cut undo the rename, the file
	 * is replayed again, and the store drops what it has seen.
	 */
	if (snprintf(target, sizeof(target), "%s.replay.%012lld%09ld-%ld-%u", path,
		     (long long) ts.tv_sec, ts.tv_nsec, (long) getpid(),
		     atomic_fetch_add(&serial, 1)) >= (int) sizeof(target)
	    || rename(path, target) < 0) {
	    journal_fmt(err, errlen, "rename %s: %s", path, strerror(errno));
	    status = -1;
	}
    }
    (void) journal_flock(lockfd, LOCK_UN);
    close(lockfd);
    return (status);
}

/* journal_by_name - qsort() by file name (they sort by age) */

static int journal_by_name(const void *a, const void *b)
{
    return (strcmp(*(char *const *) a, *(char *const *) b));
}

/* journal_list - the PATH.replay.* files, oldest first */

static int journal_list(const char *path, char ***names, size_t *count,
			        char *err, size_t errlen)
{
    char   *dir = journal_dirname(path);
    const char *slash = strrchr(path, '/');
    char    prefix[PATH_MAX];
    size_t  plen;
    size_t  size = 0;
    DIR    *dp;
    struct dirent *de;

    *names = NULL;
    *count = 0;
    (void) journal_name(prefix, sizeof(prefix), slash ? slash + 1 : path, ".replay.");
    plen = strlen(prefix);
    if (dir == NULL || (dp = opendir(dir)) == NULL) {
	journal_fmt(err, errlen, "journal directory %s: %s", dir ? dir : path,
		    strerror(dir ? errno : ENOMEM));
	free(dir);
	return (-1);
    }
    while ((de = readdir(dp)) != NULL) {
	const char *suffix = de->d_name + plen;
	char  **grown;
	char   *name;

	/* Only our names: not .tmp, not the lock. */
	if (strncmp(de->d_name, prefix, plen) != 0 || *suffix == 0
	    || suffix[strspn(suffix, "0123456789-")] != 0)
	    continue;
	if (*count == size) {
	    size = size ? 2 * size : 8;
	    if ((grown = realloc(*names, size * sizeof(*grown))) == NULL)
		break;
	    *names = grown;
	}
	if ((name = malloc(strlen(dir) + strlen(de->d_name) + 2)) == NULL)
	    break;
	sprintf(name, "%s/%s", dir, de->d_name);
	(*names)[(*count)++] = name;
    }
    closedir(dp);
    free(dir);
    if (de != NULL) {
	journal_fmt(err, errlen, "journal %s: out of memory", path);
	return (-1);
    }
    if (*count > 0)
	qsort(*names, *count, sizeof(**names), journal_by_name);
    return (0);
}

int     journal_replay(const char *path, JOURNAL_APPLY apply, void *ctx, size_t batch,
		               JOURNAL_STATS *stats, char *err, size_t errlen)
{
    JOURNAL_STATS ignored;
    JOURNAL_REPLAY *rp = NULL;
    char    lockpath[PATH_MAX];
    char  **names = NULL;
    size_t  count = 0;
    int     rlock;
    int     status = -1;

    if (stats == NULL)
	stats = &ignored;
    memset(stats, 0, sizeof(*stats));
    journal_fmt(err, errlen, "%s", "");
    if (path == NULL || *path == 0 || apply == NULL || batch == 0) {
	journal_fmt(err, errlen, "journal_replay: needs a path, apply() and a batch of 1 or more");
	return (-1);
    }
    if (strlen(path) > JOURNAL_PATH_MAX) {
	journal_fmt(err, errlen, "journal %s: the path is too long", path);
	return (-1);
    }
    (void) journal_name(lockpath, sizeof(lockpath), path, ".replay-lock");
    if ((rlock = open(lockpath, JOURNAL_LFLAGS, 0600)) < 0) {
	journal_explain(lockpath, errno, err, errlen);
	return (-1);
    }
    if (journal_flock(rlock, LOCK_EX | LOCK_NB) < 0) {
	stats->busy = (errno == EWOULDBLOCK);
	journal_fmt(err, errlen, stats->busy ? "journal %s: another replay is running"
		    : "journal %s: cannot lock for replay", path);
	close(rlock);
	return (-1);
    }
    if (journal_rotate(path, err, errlen) < 0
	|| journal_list(path, &names, &count, err, errlen) < 0)
	goto done;
    if ((rp = calloc(1, sizeof(*rp))) == NULL
	|| (rp->items = calloc(batch, sizeof(*rp->items))) == NULL) {
	journal_fmt(err, errlen, "journal %s: no memory for a batch of %zu", path, batch);
	goto done;
    }
    rp->apply = apply;
    rp->ctx = ctx;
    rp->batch = batch;
    rp->stats = stats;
    rp->err = err;
    rp->errlen = errlen;
    rp->badfd = -1;
    (void) journal_name(rp->badpath, sizeof(rp->badpath), path, ".bad");
    status = 0;
    for (size_t i = 0; status == 0 && i < count; i++)
	status = journal_replay_file(rp, names[i]);

done:
    if (rp != NULL) {
	if (rp->badfd >= 0)
	    close(rp->badfd);
	free(rp->items);
	free(rp);
    }
    for (size_t i = 0; i < count; i++)
	free(names[i]);
    free(names);
    close(rlock);
    return (status);
}
