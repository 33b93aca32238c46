/*++
 * NAME
 *	parse_bench 1
 * SUMMARY
 *	time the report parser over a directory of messages
 * SYNOPSIS
 *	parse_bench [-r rounds] [-t seconds] [-s] [directory]
 * DESCRIPTION
 *	Reads every regular file of directory (default
 *	../shared/corpus/bounces/eml; names starting with "." are skipped),
 *	one whole message a file, into memory, then times, on one thread,
 *	what the milter does with a message that comes back:
 *	report_parse(), which finds the recipients and names each one's
 *	reason and hardness (reason_classify(), reason_is_hard()), then
 *	report_free().  A checksum over the reasons and hardness keeps the
 *	loop honest.
 *
 *	Only the loops are timed (CLOCK_MONOTONIC), not reading the files.
 *	One untimed pass goes first (GMime's start-up, cold caches).  A
 *	round repeats whole passes over the messages until it has run for
 *	at least -t seconds (default 1), so that a short corpus still
 *	gives a steady rate; there are -r rounds (default 5) and the
 *	median, lowest and highest rate are reported.
 *
 *	-s (lockstep) is for bench/parse-throughput.sh: after the loading
 *	and the untimed pass, print "ready", then run one round for each
 *	line read on standard input and print one "round" line for it;
 *	at end of input print the summary of the rounds run.  The script
 *	runs this program and bench/sisimai_bench.pl side by side that
 *	way, a round of each in turn, so that a change of load on a
 *	shared machine hits both.
 *
 *	Output: "ready messages=N bytes=B", "round n=I seconds=S passes=P
 *	rate=R" lines, then "liveaddr-parse messages=N bytes=B rounds=K
 *	rate=R min=R1 max=R2 mbps=M rcpts=C": R the median messages per
 *	second, M megabytes (10^6 bytes) of message per second at the
 *	median rate, C the recipients found in one pass (a sanity figure:
 *	the same in every pass).
 * DIAGNOSTICS
 *	Exit status 1 when the directory or a file cannot be read, it
 *	holds no message, or memory runs out.
 *--*/

#include "config.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "report.h"
#include "bench_util.h"
#include "msgfile.h"

#define ROUNDS_MAX	100

typedef struct {
    char   *text;
    size_t  len;
} MSG;

/* by_name - qsort order of file names: bytewise, as the Perl side sorts */

static int by_name(const void *a, const void *b)
{
    return (strcmp(*(char *const *) a, *(char *const *) b));
}

/* load - every regular file of dir; the count, or -1 */

static long load(const char *dir, MSG **msgs, size_t *bytes)
{
    DIR    *dp = opendir(dir);
    struct dirent *de;
    char  **names = NULL, path[4096];
    size_t  n = 0, cap = 0;
    long    count = 0;

    if (dp == NULL) {
	perror(dir);
	return (-1);
    }
    while ((de = readdir(dp)) != NULL) {
	if (de->d_name[0] == '.')
	    continue;
	if (n == cap) {
	    char  **grown = realloc(names, (cap = cap ? cap * 2 : 256) * sizeof(*names));

	    if (grown == NULL)
		goto nomem;
	    names = grown;
	}
	if ((names[n] = strdup(de->d_name)) == NULL)
	    goto nomem;
	n++;
    }
    closedir(dp);
    dp = NULL;
    if (n > 0)
	qsort(names, n, sizeof(*names), by_name);
    if ((*msgs = calloc(n ? n : 1, sizeof(**msgs))) == NULL)
	goto nomem;
    *bytes = 0;
    for (size_t i = 0; i < n; i++) {
	struct stat st;
	MSG    *m = *msgs + count;

	snprintf(path, sizeof(path), "%s/%s", dir, names[i]);
	if (stat(path, &st) != 0 || !S_ISREG(st.st_mode))
	    continue;
	if (msgfile_read(path, &m->text, &m->len) != MSGFILE_OK) {
	    perror(path);
	    count = -1;
	    break;
	}
	*bytes += m->len;
	count++;
    }
    for (size_t i = 0; i < n; i++)
	free(names[i]);
    free(names);
    return (count);

nomem:
    fprintf(stderr, "parse_bench: out of memory\n");
    if (dp != NULL)
	closedir(dp);
    for (size_t i = 0; i < n; i++)
	free(names[i]);
    free(names);
    return (-1);
}

/* pass - every message once, as the milter takes it; recipients found */

static long pass(const MSG *msgs, long n, unsigned long *sum)
{
    long    rcpts = 0;

    for (long i = 0; i < n; i++) {
	REPORT  rep;

	if (report_parse(msgs[i].text, msgs[i].len, &rep) == REPORT_OK) {
	    for (int k = 0; k < rep.nrcpt; k++) {
		const REPORT_RCPT *r = rep.rcpt + k;

		*sum += (unsigned char) r->reason[0] + r->hard;
	    }
	    rcpts += rep.nrcpt;
	}
	report_free(&rep);
    }
    return (rcpts);
}

/* round - whole passes for at least min_s seconds; messages per second */

static double round_rate(const MSG *msgs, long n, double min_s, long *passes,
			         double *secs, unsigned long *sum)
{
    double  t0 = bench_now(), t;

    *passes = 0;
    do {
	(void) pass(msgs, n, sum);
	++*passes;
    } while ((t = bench_now() - t0) < min_s);
    *secs = t;
    return ((double) n * (double) *passes / t);
}

/* sort_doubles - a few of them, ascending */

static void sort_doubles(double *v, int n)
{
    for (int i = 1; i < n; i++)
	for (int j = i; j > 0 && v[j] < v[j - 1]; j--) {
	    double  tmp = v[j];

	    v[j] = v[j - 1];
	    v[j - 1] = tmp;
	}
}

int     main(int argc, char **argv)
{
    const char *dir = "../shared/corpus/bounces/eml";
    int     rounds = 5, lockstep = 0, ch, k = 0;
    double  min_s = 1.0, rate[ROUNDS_MAX], med;
    unsigned long sum = 0;
    size_t  bytes = 0;
    long    n, rcpts;
    MSG    *msgs = NULL;
    char    line[64];

    while ((ch = getopt(argc, argv, "r:st:")) != -1) {
	switch (ch) {
	case 'r':
	    rounds = atoi(optarg);
	    break;
	case 's':
	    lockstep = 1;
	    break;
	case 't':
	    min_s = atof(optarg);
	    break;
	default:
	    fprintf(stderr, "usage: parse_bench [-r rounds] [-t seconds] [-s] [directory]\n");
	    return (1);
	}
    }
    if (rounds < 1 || rounds > ROUNDS_MAX || min_s < 0) {
	fprintf(stderr, "parse_bench: -r 1 to %d rounds, -t not negative\n", ROUNDS_MAX);
	return (1);
    }
    if (optind < argc)
	dir = argv[optind];
    if ((n = load(dir, &msgs, &bytes)) < 0)
	return (1);
    if (n == 0) {
	fprintf(stderr, "parse_bench: no message in %s\n", dir);
	return (1);
    }
    rcpts = pass(msgs, n, &sum);		/* untimed: start-up, caches */
    printf("ready messages=%ld bytes=%zu\n", n, bytes);
    fflush(stdout);
    while (k < ROUNDS_MAX && (lockstep ? fgets(line, sizeof(line), stdin) != NULL : k < rounds)) {
	long    passes;
	double  secs;

	rate[k] = round_rate(msgs, n, min_s, &passes, &secs, &sum);
	printf("round n=%d seconds=%.3f passes=%ld rate=%.0f\n", k + 1, secs, passes, rate[k]);
	fflush(stdout);
	k++;
    }
    if (k == 0) {
	fprintf(stderr, "parse_bench: no round run\n");
	return (1);
    }
    sort_doubles(rate, k);
    med = k % 2 ? rate[k / 2] : (rate[k / 2 - 1] + rate[k / 2]) / 2;
    printf("liveaddr-parse messages=%ld bytes=%zu rounds=%d rate=%.0f min=%.0f max=%.0f "
	   "mbps=%.2f rcpts=%ld checksum=%lu\n", n, bytes, k, med, rate[0], rate[k - 1],
	   med * ((double) bytes / (double) n) / 1e6, rcpts, sum % 1000);
    for (long i = 0; i < n; i++)
	free(msgs[i].text);
    free(msgs);
    return (0);
}
