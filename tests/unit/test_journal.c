/*
 * test_journal - the local evidence journal: append, then replay.
 *
 * Each case writes evidence (through the API, or as raw bytes where it
 * plays a crashed or foreign writer), replays it into a sink that keeps
 * what it was given, and says what the sink must hold: every item exactly
 * once, in the order written, with all its fields, and every bad line
 * counted and copied to PATH.bad.  Each case has its own directory under
 * /tmp, removed afterwards.
 */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "unit.h"
#include "journal.h"

#define T0	1700000000		/* some time in 2023 */

typedef struct {
    char    dir[64];
    char    path[128];			/* the journal */
    char    bad[160];			/* PATH.bad */
} TMP;

/* setup - a fresh directory for one case */
static int setup(void **state)
{
    TMP    *t = calloc(1, sizeof(*t));

    if (t == NULL)
	return (-1);
    snprintf(t->dir, sizeof(t->dir), "/tmp/liveaddr-journal.XXXXXX");
    if (mkdtemp(t->dir) == NULL)
	return (-1);
    snprintf(t->path, sizeof(t->path), "%s/evidence.journal", t->dir);
    snprintf(t->bad, sizeof(t->bad), "%s.bad", t->path);
    *state = t;
    return (0);
}

/* teardown - remove the directory and all in it */
static int teardown(void **state)
{
    TMP    *t = *state;
    DIR    *dp = opendir(t->dir);
    struct dirent *de;
    char    name[512];

    while (dp != NULL && (de = readdir(dp)) != NULL) {
	if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
	    continue;
	snprintf(name, sizeof(name), "%s/%s", t->dir, de->d_name);
	unlink(name);
    }
    if (dp != NULL)
	closedir(dp);
    rmdir(t->dir);
    free(t);
    return (0);
}

/* item - evidence number `seq' of writer `tag', every field filled */
static EVIDENCE item(const char *tag, int seq)
{
    EVIDENCE ev;
    char    buf[64];

    evidence_init(&ev, (EV_KIND) (seq % EV_UNDO), T0 + seq, "");
    snprintf(ev.id, sizeof(ev.id), "%s-%d", tag, seq);
    snprintf(ev.address, sizeof(ev.address), "%s.%d@example.test", tag, seq);
    EVIDENCE_SET(&ev, reason, "userunknown");
    EVIDENCE_SET(&ev, status, "5.1.1");
    ev.reply_code = 550;
    snprintf(buf, sizeof(buf), "msg-%s-%d", tag, seq);
    EVIDENCE_SET(&ev, msgref, buf);
    EVIDENCE_SET(&ev, mta, "mx.example.test");
    EVIDENCE_SET(&ev, department, "service");
    EVIDENCE_SET(&ev, owner, "Иван Петров");
    EVIDENCE_SET(&ev, contact, "crm-42");
    EVIDENCE_SET(&ev, event, "delivery");
    /* what the encoder must escape, and stay intact through the journal */
    snprintf(ev.text, sizeof(ev.text), "550 5.1.1 <%s>:\tno such user\\here\r\nreally", tag);
    return (ev);
}

/* encoded - an item's journal line, without the newline */
static size_t encoded(const EVIDENCE *ev, char *buf, size_t len)
{
    int     n = evidence_encode(ev, buf, len);

    assert_true(n > 0);
    return ((size_t) n);
}

/* assert_same - every field of two items */
static void assert_same(const EVIDENCE *got, const EVIDENCE *want)
{
    assert_string_equal(got->id, want->id);
    assert_int_equal(got->kind, want->kind);
    assert_int_equal(got->when, want->when);
    assert_string_equal(got->address, want->address);
    assert_string_equal(got->reason, want->reason);
    assert_string_equal(got->status, want->status);
    assert_int_equal(got->reply_code, want->reply_code);
    assert_string_equal(got->msgref, want->msgref);
    assert_string_equal(got->mta, want->mta);
    assert_string_equal(got->department, want->department);
    assert_string_equal(got->owner, want->owner);
    assert_string_equal(got->contact, want->contact);
    assert_string_equal(got->event, want->event);
    assert_string_equal(got->target, want->target);
    assert_string_equal(got->text, want->text);
}

 /*
  * The sink: what apply() was given, in order.  It can be told to fail on
  * its Nth call, and to run a hook on each call.
  */
typedef struct SINK {
    EVIDENCE *got;
    size_t  n;
    size_t  cap;
    int     calls;
    int     fail_call;			/* 1-based; 0: never fail */
    int     (*hook) (struct SINK *);	/* -1: fail this call */
    void   *arg;
} SINK;

static int sink_apply(void *ctx, EVIDENCE *items, size_t n)
{
    SINK   *s = ctx;

    s->calls++;
    if (s->hook != NULL && s->hook(s) < 0)
	return (-1);
    if (s->calls == s->fail_call)
	return (-1);
    if (s->n + n > s->cap) {
	s->cap = (s->n + n) * 2;
	if ((s->got = realloc(s->got, s->cap * sizeof(*s->got))) == NULL)
	    return (-1);
    }
    memcpy(s->got + s->n, items, n * sizeof(*items));
    s->n += n;
    return (0);
}

static void sink_free(SINK *s)
{
    free(s->got);
    memset(s, 0, sizeof(*s));
}

/* replay - replay into a sink, expecting `want' as the result */
static JOURNAL_STATS replay(const TMP *t, SINK *s, size_t batch, int want)
{
    JOURNAL_STATS st;
    char    err[512];

    assert_int_equal(journal_replay(t->path, sink_apply, s, batch, &st, err, sizeof(err)), want);
    if (want == 0)
	assert_string_equal(err, "");
    else
	assert_true(err[0] != 0);
    return (st);
}

/* open_journal - open or fail the case */
static JOURNAL *open_journal(const TMP *t, JOURNAL_SYNC sync)
{
    char    err[512];
    JOURNAL *j = journal_open(t->path, sync, err, sizeof(err));

    if (j == NULL)
	fail_msg("journal_open: %s", err);
    return (j);
}

/* write_raw - bytes as a crashed or foreign writer left them */
static void write_raw(const char *path, const char *data, size_t len)
{
    int     fd = open(path, O_WRONLY | O_APPEND | O_CREAT, 0600);

    assert_true(fd >= 0);
    assert_int_equal(write(fd, data, len), (ssize_t) len);
    close(fd);
}

/* read_all - a whole file; *len its size; NULL when it does not exist */
static char *read_all(const char *path, size_t *len)
{
    FILE   *fp = fopen(path, "r");
    char   *buf;
    long    size;

    *len = 0;
    if (fp == NULL)
	return (NULL);
    fseek(fp, 0, SEEK_END);
    size = ftell(fp);
    rewind(fp);
    buf = malloc((size_t) size + 1);
    assert_non_null(buf);
    *len = fread(buf, 1, (size_t) size, fp);
    buf[*len] = 0;
    fclose(fp);
    return (buf);
}

/* count_files - directory entries whose name contains `part' */
static int count_files(const TMP *t, const char *part)
{
    DIR    *dp = opendir(t->dir);
    struct dirent *de;
    int     n = 0;

    assert_non_null(dp);
    while ((de = readdir(dp)) != NULL)
	n += strstr(de->d_name, part) != NULL;
    closedir(dp);
    return (n);
}

/* the names in the configuration, any case; nothing else */
static void sync_names(void **state)
{
    static const struct {
	const char *name;
	int     want;			/* -1: refused */
    }       table[] = {
	{"always", JOURNAL_SYNC_ALWAYS},
	{"interval", JOURNAL_SYNC_INTERVAL},
	{"never", JOURNAL_SYNC_NEVER},
	{"Always", JOURNAL_SYNC_ALWAYS},
	{"NEVER", JOURNAL_SYNC_NEVER},
	{"sometimes", -1},
	{"", -1},
	{"always ", -1},
    };

    for (size_t i = 0; i < sizeof(table) / sizeof(table[0]); i++) {
	JOURNAL_SYNC sync = JOURNAL_SYNC_INTERVAL;
	int     r = journal_sync_by_name(table[i].name, &sync);

	if (table[i].want < 0) {
	    assert_int_equal(r, -1);
	} else {
	    assert_int_equal(r, 0);
	    assert_int_equal(sync, table[i].want);
	}
    }
    assert_string_equal(journal_sync_name(JOURNAL_SYNC_ALWAYS), "always");
    assert_string_equal(journal_sync_name(JOURNAL_SYNC_INTERVAL), "interval");
    assert_string_equal(journal_sync_name(JOURNAL_SYNC_NEVER), "never");
}

/* what goes in comes back once, in order, every field intact; files are 0600 */
static void round_trip(void **state)
{
    TMP    *t = *state;
    JOURNAL *j = open_journal(t, JOURNAL_SYNC_ALWAYS);
    EVIDENCE in[5];
    SINK    s = {0};
    JOURNAL_STATS st;
    struct stat sb;
    char    lock[200];
    char   *text;
    size_t  len;

    for (int i = 0; i < 5; i++)
	in[i] = item("rt", i);
    in[3].kind = EV_UNDO;
    EVIDENCE_SET(&in[3], target, "rt-1");

    /* open creates the journal and its lock file, mode 0600 */
    assert_int_equal(stat(t->path, &sb), 0);
    assert_int_equal(sb.st_mode & 0777, 0600);
    snprintf(lock, sizeof(lock), "%s.lock", t->path);
    assert_int_equal(stat(lock, &sb), 0);
    assert_int_equal(sb.st_mode & 0777, 0600);

    assert_int_equal(journal_append(j, in, 1), 0);
    assert_int_equal(journal_append(j, in + 1, 4), 0);
    assert_int_equal(journal_append(j, in, 0), 0);	/* nothing: fine */

    /* one line per item, each with its newline */
    text = read_all(t->path, &len);
    assert_non_null(text);
    assert_int_equal(text[len - 1], '\n');
    for (size_t i = 0, lines = 0; i < len; i++)
	if (text[i] == '\n' && ++lines == 5)
	    assert_int_equal(i, len - 1);
    free(text);

    st = replay(t, &s, 2, 0);
    assert_int_equal(st.files, 1);
    assert_int_equal(st.lines, 5);
    assert_int_equal(st.applied, 5);
    assert_int_equal(st.batches, 3);		/* 2 + 2 + 1 */
    assert_int_equal(st.bad, 0);
    assert_false(st.busy);
    assert_int_equal(s.n, 5);
    for (int i = 0; i < 5; i++)
	assert_same(&s.got[i], &in[i]);
    assert_int_equal(access(t->bad, F_OK), -1);	/* no bad lines, no file */
    assert_int_equal(count_files(t, ".replay."), 0);

    /* the replay took the file away: the next append makes a new one */
    assert_int_equal(journal_append(j, &in[4], 1), 0);
    assert_int_equal(stat(t->path, &sb), 0);
    assert_int_equal(sb.st_mode & 0777, 0600);
    sink_free(&s);
    st = replay(t, &s, 100, 0);
    assert_int_equal(s.n, 1);
    assert_same(&s.got[0], &in[4]);

    /* and then there is nothing left */
    sink_free(&s);
    st = replay(t, &s, 100, 0);
    assert_int_equal(s.n, 0);
    assert_int_equal(st.files, 0);
    assert_int_equal(s.calls, 0);
    journal_close(j);
}

/* every policy writes the same; journal_sync() and close flush */
static void sync_policies(void **state)
{
    TMP    *t = *state;
    static const JOURNAL_SYNC policies[] = {
	JOURNAL_SYNC_ALWAYS, JOURNAL_SYNC_INTERVAL, JOURNAL_SYNC_NEVER,
    };

    for (size_t p = 0; p < 3; p++) {
	JOURNAL *j = open_journal(t, policies[p]);
	SINK    s = {0};

	journal_set_interval(j, p == 1 ? 0 : 60000);
	for (int i = 0; i < 3; i++) {
	    EVIDENCE ev = item("sync", i);

	    assert_int_equal(journal_append(j, &ev, 1), 0);
	}
	assert_int_equal(journal_sync(j), 0);
	assert_int_equal(journal_sync(j), 0);	/* nothing new: fine */
	journal_close(j);
	replay(t, &s, 10, 0);
	assert_int_equal(s.n, 3);
	assert_string_equal(s.got[2].id, "sync-2");
	sink_free(&s);
    }
}

/* an item that would not come back is refused, the others are written */
static void refused_items(void **state)
{
    TMP    *t = *state;
    JOURNAL *j = open_journal(t, JOURNAL_SYNC_ALWAYS);
    EVIDENCE in[3] = {item("ok", 0), item("nokind", 1), item("noid", 2)};
    SINK    s = {0};
    char    why[256];

    in[1].kind = EV_KIND_COUNT;		/* does not encode */
    in[2].id[0] = 0;			/* encodes, but would not decode */
    assert_int_equal(journal_append(j, in, 3), -1);
    assert_int_equal(journal_refused(j), 2);
    assert_non_null(strstr(journal_error(j, why, sizeof(why)), "2 of 3 items refused"));
    replay(t, &s, 10, 0);
    assert_int_equal(s.n, 1);
    assert_same(&s.got[0], &in[0]);
    assert_int_equal(access(t->bad, F_OK), -1);
    sink_free(&s);
    journal_close(j);
}

 /*
  * Many writers.  Writer w appends items "w<w>-<seq>", seq 0..n-1, in calls
  * of 1 to 4 items.  check_writers() wants each exactly once and each
  * writer's in order.
  */
#define WRITERS	8
#define PER_WRITER 1000

typedef struct {
    JOURNAL *j;
    const char *path;			/* a child opens its own */
    int     w;
    int     n;
    int     failed;
    int     done;			/* set when it has finished */
    useconds_t pause;			/* between calls */
} WRITER;

static void *writer_run(void *arg)
{
    WRITER *wr = arg;
    char    tag[16];
    EVIDENCE ev[4];

    snprintf(tag, sizeof(tag), "w%d", wr->w);
    for (int seq = 0, call = 0; seq < wr->n; call++) {
	int     k = 1 + call % 4;

	if (k > wr->n - seq)
	    k = wr->n - seq;
	for (int i = 0; i < k; i++)
	    ev[i] = item(tag, seq + i);
	if (journal_append(wr->j, ev, (size_t) k) < 0)
	    wr->failed++;
	seq += k;
	if (wr->pause)
	    usleep(wr->pause);
    }
    __atomic_store_n(&wr->done, 1, __ATOMIC_RELEASE);
    return (NULL);
}

static void check_writers(const EVIDENCE *got, size_t n, int writers, int per)
{
    int    *next = calloc((size_t) writers, sizeof(int));

    assert_non_null(next);
    assert_int_equal(n, (size_t) writers * per);
    for (size_t i = 0; i < n; i++) {
	int     w, seq;
	char    tag[16];
	EVIDENCE want;

	assert_int_equal(sscanf(got[i].id, "w%d-%d", &w, &seq), 2);
	assert_true(w >= 0 && w < writers);
	/* in order per writer, so none missing and none twice */
	assert_int_equal(seq, next[w]);
	next[w]++;
	snprintf(tag, sizeof(tag), "w%d", w);
	want = item(tag, seq);
	assert_same(&got[i], &want);
    }
    free(next);
}

/* 8 threads x 1000 appends on one handle: 8000 items, none lost or doubled */
static void threads_append(void **state)
{
    TMP    *t = *state;
    JOURNAL *j = open_journal(t, JOURNAL_SYNC_INTERVAL);
    pthread_t tid[WRITERS];
    WRITER  wr[WRITERS];
    SINK    s = {0};
    JOURNAL_STATS st;

    journal_set_interval(j, 20);
    for (int w = 0; w < WRITERS; w++) {
	wr[w] = (WRITER) {.j = j, .w = w, .n = PER_WRITER};
	assert_int_equal(pthread_create(&tid[w], NULL, writer_run, &wr[w]), 0);
    }
    for (int w = 0; w < WRITERS; w++) {
	pthread_join(tid[w], NULL);
	assert_int_equal(wr[w].failed, 0);
    }
    journal_close(j);
    st = replay(t, &s, 100, 0);
    assert_int_equal(st.lines, WRITERS * PER_WRITER);
    assert_int_equal(st.bad, 0);
    assert_int_equal(st.applied, WRITERS * PER_WRITER);
    check_writers(s.got, s.n, WRITERS, PER_WRITER);
    sink_free(&s);
}

/* threads append flat out while replays run back to back: nothing lost */
static void threads_append_while_replaying(void **state)
{
    TMP    *t = *state;
    JOURNAL *j = open_journal(t, JOURNAL_SYNC_NEVER);
    pthread_t tid[4];
    WRITER  wr[4];
    SINK    s = {0};
    JOURNAL_STATS st;
    size_t  files = 0;
    int     running;

    for (int w = 0; w < 4; w++) {
	wr[w] = (WRITER) {.j = j, .w = w, .n = 10 * PER_WRITER};
	assert_int_equal(pthread_create(&tid[w], NULL, writer_run, &wr[w]), 0);
    }

    /*
     * The race this is about: a replay renames the journal between a
     * writer's check of the name and its write().  The lock on PATH.lock
     * closes it; without the lock, a few items are lost in most runs.
     */
    do {
	st = replay(t, &s, 1000, 0);
	files += st.files;
	assert_int_equal(st.bad, 0);
	running = 0;
	for (int w = 0; w < 4; w++)
	    running += __atomic_load_n(&wr[w].done, __ATOMIC_ACQUIRE) == 0;
    } while (running > 0);
    for (int w = 0; w < 4; w++) {
	pthread_join(tid[w], NULL);
	assert_int_equal(wr[w].failed, 0);
    }
    st = replay(t, &s, 1000, 0);
    files += st.files;
    check_writers(s.got, s.n, 4, 10 * PER_WRITER);
    assert_true(files > 1);
    sink_free(&s);
    journal_close(j);
}

/* spawn_writers - fork children that each open the journal and append */
static void spawn_writers(const TMP *t, pid_t *pids, int n, int per, useconds_t pause)
{
    for (int w = 0; w < n; w++) {
	pid_t   pid = fork();

	assert_true(pid >= 0);
	if (pid == 0) {
	    char    err[256];
	    WRITER  wr = {.w = w, .n = per, .pause = pause};

	    /* no cmocka here: the exit status says it all */
	    if ((wr.j = journal_open(t->path, JOURNAL_SYNC_NEVER, err, sizeof(err))) == NULL)
		_exit(2);
	    writer_run(&wr);
	    journal_close(wr.j);
	    _exit(wr.failed ? 1 : 0);
	}
	pids[w] = pid;
    }
}

/* reap_writers - wait for children (or only look); how many still run */
static int reap_writers(pid_t *pids, int n, bool wait)
{
    int     running = 0;

    for (int w = 0; w < n; w++) {
	int     status;
	pid_t   r;

	if (pids[w] == 0)
	    continue;
	if ((r = waitpid(pids[w], &status, wait ? 0 : WNOHANG)) == 0) {
	    running++;
	    continue;
	}
	assert_int_equal(r, pids[w]);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);
	pids[w] = 0;
    }
    return (running);
}

/* 4 processes append at once: all their lines, whole */
static void processes_append(void **state)
{
    TMP    *t = *state;
    pid_t   pids[4];
    SINK    s = {0};
    JOURNAL_STATS st;

    spawn_writers(t, pids, 4, PER_WRITER, 0);
    reap_writers(pids, 4, true);
    st = replay(t, &s, 64, 0);
    assert_int_equal(st.bad, 0);
    check_writers(s.got, s.n, 4, PER_WRITER);
    sink_free(&s);
}

/* processes append while the parent replays again and again: nothing lost */
static void processes_append_while_replaying(void **state)
{
    TMP    *t = *state;
    pid_t   pids[3];
    SINK    s = {0};
    size_t  files = 0;
    JOURNAL_STATS st;

    spawn_writers(t, pids, 3, 600, 100);
    do {
	st = replay(t, &s, 16, 0);
	files += st.files;
	assert_int_equal(st.bad, 0);
	usleep(2000);
    } while (reap_writers(pids, 3, false) > 0);
    st = replay(t, &s, 16, 0);
    files += st.files;
    assert_int_equal(st.bad, 0);
    /* over all the replays: each item once, each writer's in order */
    check_writers(s.got, s.n, 3, 600);
    assert_true(files >= 1);
    sink_free(&s);
}

/* an apply() that fails on its 2nd batch; the next replay delivers the rest */
static void apply_fails(void **state)
{
    TMP    *t = *state;
    JOURNAL *j = open_journal(t, JOURNAL_SYNC_ALWAYS);
    EVIDENCE in[10];
    SINK    s = {.fail_call = 2};
    JOURNAL_STATS st;
    size_t  len;
    char   *bad;

    for (int i = 0; i < 10; i++)
	in[i] = item("f", i);
    assert_int_equal(journal_append(j, in, 4), 0);
    write_raw(t->path, "garbage\n", 8);	/* read while batch 2 fills */
    assert_int_equal(journal_append(j, in + 4, 6), 0);

    /* batch 1 (f-0..2) is stored, batch 2 (f-3..5) fails: stop */
    st = replay(t, &s, 3, -1);
    assert_int_equal(s.calls, 2);
    assert_int_equal(st.applied, 3);
    assert_int_equal(st.batches, 1);
    assert_int_equal(st.bad, 1);
    assert_int_equal(st.files, 0);
    assert_int_equal(s.n, 3);
    for (int i = 0; i < 3; i++)
	assert_same(&s.got[i], &in[i]);
    assert_int_equal(count_files(t, ".replay."), 1);	/* the rest, no .tmp */

    /*
     * The next replay starts with the failed batch: f-3..9, each once, and
     * nothing of the first batch again.  (Had apply() stored part of the
     * failed batch, that part would come twice: the store dedupes by id.)
     * The bad line is not copied a second time.
     */
    sink_free(&s);
    st = replay(t, &s, 3, 0);
    assert_int_equal(st.files, 1);
    assert_int_equal(st.applied, 7);
    assert_int_equal(st.bad, 0);
    assert_int_equal(s.n, 7);
    for (int i = 0; i < 7; i++)
	assert_same(&s.got[i], &in[3 + i]);
    bad = read_all(t->bad, &len);
    assert_non_null(bad);
    assert_string_equal(bad, "garbage\n");
    free(bad);
    assert_int_equal(count_files(t, ".replay."), 0);
    sink_free(&s);
    journal_close(j);
}

/* a failure in the last, short batch keeps just that; newer files wait */
static void apply_fails_last_batch(void **state)
{
    TMP    *t = *state;
    JOURNAL *j = open_journal(t, JOURNAL_SYNC_ALWAYS);
    EVIDENCE in[7];
    SINK    s = {.fail_call = 3};

    for (int i = 0; i < 7; i++)
	in[i] = item("g", i);
    assert_int_equal(journal_append(j, in, 5), 0);
    replay(t, &s, 2, -1);			/* g-0..3 stored, g-4 not */
    assert_int_equal(s.n, 4);

    /* meanwhile new evidence: the next replay keeps the order */
    assert_int_equal(journal_append(j, in + 5, 2), 0);
    sink_free(&s);
    replay(t, &s, 2, 0);
    assert_int_equal(s.n, 3);
    for (int i = 0; i < 3; i++)
	assert_same(&s.got[i], &in[4 + i]);
    sink_free(&s);
    journal_close(j);
}

 /*
  * Appends during a replay.  The first apply() call lets a thread append
  * through the same handle and waits until it has appended HALF items; the
  * thread then appends as many more while the replay goes on.
  */
#define PREFILL	100
#define HALF	50

typedef struct {
    JOURNAL *j;
    pthread_mutex_t lock;
    pthread_cond_t cond;
    bool    go;
    int     appended;
    int     failed;
} DURING;

static void *during_run(void *arg)
{
    DURING *d = arg;

    pthread_mutex_lock(&d->lock);
    while (!d->go)
	pthread_cond_wait(&d->cond, &d->lock);
    pthread_mutex_unlock(&d->lock);
    for (int i = 0; i < 2 * HALF; i++) {
	EVIDENCE ev = item("w1", i);

	if (journal_append(d->j, &ev, 1) < 0)
	    d->failed++;
	pthread_mutex_lock(&d->lock);
	d->appended++;
	pthread_cond_broadcast(&d->cond);
	pthread_mutex_unlock(&d->lock);
    }
    return (NULL);
}

static int during_hook(SINK *s)
{
    DURING *d = s->arg;
    struct timespec until;
    int     r = 0;

    if (s->calls != 1)
	return (0);
    clock_gettime(CLOCK_REALTIME, &until);
    until.tv_sec += 20;
    pthread_mutex_lock(&d->lock);
    d->go = true;
    pthread_cond_broadcast(&d->cond);
    while (d->appended < HALF && r == 0)
	r = pthread_cond_timedwait(&d->cond, &d->lock, &until);
    pthread_mutex_unlock(&d->lock);
    return (r == 0 ? 0 : -1);			/* appends blocked: fail */
}

/* appends while apply() runs go to a new journal: replayed next time, once */
static void appends_during_replay(void **state)
{
    TMP    *t = *state;
    DURING  d = {.lock = PTHREAD_MUTEX_INITIALIZER, .cond = PTHREAD_COND_INITIALIZER};
    SINK    s = {.hook = during_hook, .arg = &d};
    pthread_t tid;
    JOURNAL_STATS st;

    d.j = open_journal(t, JOURNAL_SYNC_ALWAYS);
    for (int i = 0; i < PREFILL; i++) {
	EVIDENCE ev = item("w0", i);

	assert_int_equal(journal_append(d.j, &ev, 1), 0);
    }
    assert_int_equal(pthread_create(&tid, NULL, during_run, &d), 0);
    st = replay(t, &s, 10, 0);
    pthread_join(tid, NULL);
    assert_int_equal(d.failed, 0);
    assert_int_equal(d.appended, 2 * HALF);

    /* this replay had exactly what was there when it began */
    assert_int_equal(st.applied, PREFILL);
    check_writers(s.got, s.n, 1, PREFILL);

    /* the next has exactly what came during it, in order */
    sink_free(&s);
    st = replay(t, &s, 10, 0);
    assert_int_equal(st.applied, 2 * HALF);
    assert_int_equal(s.n, 2 * HALF);
    for (int i = 0; i < 2 * HALF; i++) {
	EVIDENCE want = item("w1", i);

	assert_same(&s.got[i], &want);
    }
    sink_free(&s);
    journal_close(d.j);
}

/* a bad line is counted and copied, never dropped; whole lines after it live */
static void bad_lines(void **state)
{
    TMP    *t = *state;
    EVIDENCE g[8];
    char    line[8][EV_LINE_MAX + 1];
    size_t  len[8];
    char   *want, *got;
    size_t  wlen = 0, glen;
    size_t  big = 200000;			/* zeroes a crash can leave */
    char   *zeroes = calloc(1, big);
    char    longx[3000], longy[5000];
    size_t  cut;
    EVIDENCE probe;
    SINK    s = {0};
    JOURNAL_STATS st;

    assert_non_null(zeroes);
    memset(longx, 'x', sizeof(longx));
    memset(longy, 'y', sizeof(longy));
    for (int i = 0; i < 8; i++) {
	g[i] = item("bad", i);
	len[i] = encoded(&g[i], line[i], sizeof(line[i]));
    }
    /* the unfinished last line ends inside its last field: it decodes! */
    cut = len[7] - 3;
    assert_int_equal(evidence_decode(line[7], cut, &probe), 0);

#define RAW(p, n)	write_raw(t->path, (p), (n))
#define NL()		RAW("\n", 1)
    RAW(line[0], len[0]), NL();			/* good */
    RAW("garbage", 7), NL();			/* bad: does not decode */
    RAW(line[1], len[1]), NL();			/* good */
    RAW(longx, sizeof(longx)), NL();		/* bad: too long */
    NL();					/* empty: skipped */
    RAW(line[2], len[2]), NL();			/* good */
    RAW(line[3], 40), RAW(line[3], len[3]), NL();	/* torn, then whole */
    RAW(zeroes, big), RAW(line[4], len[4]), NL();	/* zeroes, then whole */
    RAW(longy, sizeof(longy)), RAW(line[5], len[5]), NL();	/* long, then whole */
    RAW(line[6], len[6]), NL();			/* good */
    RAW(line[7], cut);				/* torn at the end */
#undef RAW
#undef NL

    st = replay(t, &s, 3, 0);
    assert_int_equal(st.lines, 10);
    assert_int_equal(st.bad, 6);
    assert_int_equal(st.applied, 7);
    assert_int_equal(s.n, 7);
    for (int i = 0; i < 7; i++)
	assert_same(&s.got[i], &g[i]);

    /* PATH.bad holds exactly the bad lines, each with a newline */
    want = malloc(7 + 3000 + 40 + big + 5000 + cut + 16);
    assert_non_null(want);
#define ADD(p, n)	(memcpy(want + wlen, (p), (n)), wlen += (n), want[wlen++] = '\n')
    ADD("garbage", 7);
    ADD(longx, sizeof(longx));
    ADD(line[3], 40);
    ADD(zeroes, big);
    ADD(longy, sizeof(longy));
    ADD(line[7], cut);
#undef ADD
    got = read_all(t->bad, &glen);
    assert_non_null(got);
    assert_int_equal(glen, wlen);
    assert_memory_equal(got, want, wlen);
    free(got);
    free(want);
    free(zeroes);
    assert_int_equal(count_files(t, ".replay."), 0);
    sink_free(&s);
}

/* leftovers of an earlier replay go first; a .tmp is not a journal */
static void leftovers_first(void **state)
{
    TMP    *t = *state;
    JOURNAL *j = open_journal(t, JOURNAL_SYNC_ALWAYS);
    EVIDENCE old[2] = {item("old", 0), item("old", 1)};
    EVIDENCE now = item("now", 0);
    char    file[256], tmp[300], line[EV_LINE_MAX + 1];
    size_t  len;
    SINK    s = {0};

    snprintf(file, sizeof(file), "%s.replay.000000000001000000000-1-0", t->path);
    snprintf(tmp, sizeof(tmp), "%s.tmp", file);
    for (int i = 0; i < 2; i++) {
	len = encoded(&old[i], line, sizeof(line));
	write_raw(file, line, len);
	write_raw(file, "\n", 1);
    }
    write_raw(tmp, "half a rest\n", 12);	/* a crash while setting apart */
    assert_int_equal(journal_append(j, &now, 1), 0);
    replay(t, &s, 10, 0);
    assert_int_equal(s.n, 3);
    assert_same(&s.got[0], &old[0]);
    assert_same(&s.got[1], &old[1]);
    assert_same(&s.got[2], &now);
    assert_int_equal(count_files(t, ".replay."), 0);
    sink_free(&s);
    journal_close(j);
}

/* while one replay runs, a second one does nothing and says why */
static int nested_replay(SINK *s)
{
    const TMP *t = s->arg;
    SINK    other = {0};
    JOURNAL_STATS st;
    char    err[256];

    if (journal_replay(t->path, sink_apply, &other, 10, &st, err, sizeof(err)) != -1
	|| !st.busy || strstr(err, "another replay") == NULL || other.calls != 0)
	return (-1);
    return (0);
}

static void one_replay_at_a_time(void **state)
{
    TMP    *t = *state;
    JOURNAL *j = open_journal(t, JOURNAL_SYNC_ALWAYS);
    EVIDENCE in[4] = {item("one", 0), item("one", 1), item("one", 2), item("one", 3)};
    SINK    s = {.hook = nested_replay, .arg = t};
    JOURNAL_STATS st;

    assert_int_equal(journal_append(j, in, 4), 0);
    st = replay(t, &s, 2, 0);
    assert_int_equal(s.calls, 2);		/* the nested one never applied */
    assert_int_equal(st.applied, 4);
    assert_int_equal(s.n, 4);
    for (int i = 0; i < 4; i++)
	assert_same(&s.got[i], &in[i]);
    sink_free(&s);
    journal_close(j);
}

/* no journal yet: a replay does nothing and succeeds */
static void missing_journal(void **state)
{
    TMP    *t = *state;
    SINK    s = {0};
    JOURNAL_STATS st = replay(t, &s, 10, 0);

    assert_int_equal(st.files + st.lines + st.applied + st.bad + st.batches, 0);
    assert_int_equal(s.calls, 0);
    assert_int_equal(access(t->path, F_OK), -1);
    assert_int_equal(access(t->bad, F_OK), -1);
}

/* a journal in a directory that does not exist: say which */
static void missing_directory(void **state)
{
    TMP    *t = *state;
    char    path[256], err[512];
    SINK    s = {0};
    JOURNAL_STATS st;

    snprintf(path, sizeof(path), "%s/no-such-dir/evidence.journal", t->dir);
    assert_null(journal_open(path, JOURNAL_SYNC_ALWAYS, err, sizeof(err)));
    assert_non_null(strstr(err, "does not exist"));
    assert_non_null(strstr(err, "/no-such-dir"));
    assert_int_equal(journal_replay(path, sink_apply, &s, 10, &st, err, sizeof(err)), -1);
    assert_non_null(strstr(err, "does not exist"));
    assert_int_equal(s.calls, 0);
}

int     main(void)
{
#define CASE(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
    const struct CMUnitTest tests[] = {
	cmocka_unit_test(sync_names),
	CASE(round_trip),
	CASE(sync_policies),
	CASE(refused_items),
	CASE(threads_append),
	CASE(threads_append_while_replaying),
	CASE(processes_append),
	CASE(processes_append_while_replaying),
	CASE(apply_fails),
	CASE(apply_fails_last_batch),
	CASE(appends_during_replay),
	CASE(bad_lines),
	CASE(leftovers_first),
	CASE(one_replay_at_a_time),
	CASE(missing_journal),
	CASE(missing_directory),
    };

    return (UNIT_RUN(tests));
}
