/*++
 * NAME
 *	audit_bench 1
 * SUMMARY
 *	time address normalization and suggestions over a file
 * SYNOPSIS
 *	audit_bench [-d datadir] [-r runs] file
 * DESCRIPTION
 *	Reads file (one address a line) into memory, loads the suggestion
 *	lists from datadir (default: the installed data directory;
 *	bench/audit-throughput.sh passes the source tree's data/), and
 *	times, on one thread:
 * .IP parse
 *	addr_parse() of every line;
 * .IP audit
 *	addr_parse() and suggest_check() of every line: what the CRM's
 *	typing-time check and liveaddrctl's audit of an export do.
 * .PP
 *	Only the loops are timed (CLOCK_MONOTONIC), not reading or loading.
 *	Each loop runs runs times (default 3) and the median is reported,
 *	because this small machine drifts by a quarter between runs.
 *
 *	Output: one "liveaddr-parse" and one "liveaddr-audit" line with
 *	lines=, seconds= and rate= (addresses per second), then what the
 *	audit found, so a reader can see the input was the realistic mix.
 * DIAGNOSTICS
 *	Exit status 1 when the file or the lists cannot be read.
 *--*/

#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "addr.h"
#include "suggest.h"
#include "bench_util.h"
#include "msgfile.h"

#ifndef LIVEADDR_DATADIR
#define LIVEADDR_DATADIR NULL
#endif

typedef struct {
    const char *text;
    size_t  len;
} LINE;

typedef struct {
    long    invalid, suggested;
    long    sflags[256];		/* per SUGGEST_F_ word, then per bit */
    long    aflags[16];			/* per ADDR_F_ word, then per bit */
    unsigned long checksum;		/* keeps the loop honest */
} COUNTS;

/* split - the lines of a buffer, without their line ends */

static LINE *split(const char *buf, size_t len, size_t *count)
{
    size_t  n = 0, cap = 1024;
    LINE   *lines = malloc(cap * sizeof(*lines));
    const char *p = buf, *end = buf + len;

    while (lines != NULL && p < end) {
	const char *nl = memchr(p, '\n', (size_t) (end - p));
	const char *e = nl ? nl : end;

	if (n == cap) {
	    LINE   *grown = realloc(lines, (cap *= 2) * sizeof(*lines));

	    if (grown == NULL) {
		free(lines);
		return (NULL);
	    }
	    lines = grown;
	}
	lines[n].text = p;
	lines[n].len = (size_t) (e - p);
	n++;
	p = nl ? nl + 1 : end;
    }
    *count = n;
    return (lines);
}

/* run_parse - addr_parse() over all lines; returns seconds */

static double run_parse(const LINE *lines, size_t n, unsigned long *sum)
{
    double  t0 = bench_now();
    ADDR    a;

    for (size_t i = 0; i < n; i++)
	*sum += (unsigned long) addr_parse(lines[i].text, lines[i].len, &a) + a.address_len;
    return (bench_now() - t0);
}

/* run_audit - parse and suggest over all lines; returns seconds */

static double run_audit(const SUGGEST *sg, const LINE *lines, size_t n, COUNTS *c)
{
    double  t0 = bench_now();
    SUGGESTION s;
    ADDR    a;

    memset(c, 0, sizeof(*c));
    for (size_t i = 0; i < n; i++) {
	int     r = addr_parse(lines[i].text, lines[i].len, &a);
	int     k = suggest_check(sg, lines[i].text, lines[i].len, &a, &s);

	/* Little bookkeeping in the timed loop: histograms of flag words. */
	c->invalid += (r != ADDR_OK);
	c->suggested += k;
	c->sflags[s.flags & 0xFF]++;
	c->aflags[a.flags & 0xF]++;
	c->checksum += (unsigned long) r * 31 + (unsigned char) s.address[0];
    }
    return (bench_now() - t0);
}

/* count_bits - how many lines had each flag, from a histogram of words */

static void count_bits(const long *words, int nwords, long *bits, int nbits)
{
    for (int b = 0; b < nbits; b++) {
	bits[b] = 0;
	for (int w = 0; w < nwords; w++)
	    if (w & (1 << b))
		bits[b] += words[w];
    }
}

/* median - of a few doubles (sorts them) */

static double median(double *v, int n)
{
    for (int i = 1; i < n; i++)
	for (int j = i; j > 0 && v[j] < v[j - 1]; j--) {
	    double  t = v[j];

	    v[j] = v[j - 1];
	    v[j - 1] = t;
	}
    return (v[n / 2]);
}

int     main(int argc, char **argv)
{
    const char *datadir = LIVEADDR_DATADIR;
    int     runs = 3, ch;
    double  tp[16], ta[16], sp, sa;
    long    sbits[8], abits[4];
    unsigned long psum = 0;
    char    err[512];
    size_t  len, n;
    char   *buf;
    LINE   *lines;
    SUGGEST *sg;
    COUNTS  c;

    while ((ch = getopt(argc, argv, "d:r:")) != -1) {
	switch (ch) {
	case 'd':
	    datadir = optarg;
	    break;
	case 'r':
	    runs = atoi(optarg);
	    if (runs < 1 || runs > 16)
		runs = 3;
	    break;
	default:
	    fprintf(stderr, "usage: audit_bench [-d datadir] [-r runs] file\n");
	    return (1);
	}
    }
    if (optind != argc - 1) {
	fprintf(stderr, "usage: audit_bench [-d datadir] [-r runs] file\n");
	return (1);
    }
    if (msgfile_read(argv[optind], &buf, &len) != MSGFILE_OK
	|| (lines = split(buf, len, &n)) == NULL) {
	perror(argv[optind]);
	return (1);
    }
    if ((sg = suggest_load(datadir, err, sizeof(err))) == NULL) {
	fprintf(stderr, "audit_bench: %s\n", err);
	return (1);
    }
    for (int i = 0; i < runs; i++) {
	tp[i] = run_parse(lines, n, &psum);
	ta[i] = run_audit(sg, lines, n, &c);
    }
    sp = median(tp, runs);
    sa = median(ta, runs);
    printf("liveaddr-parse lines=%zu seconds=%.3f rate=%.0f (median of %d)\n",
	   n, sp, n / sp, runs);
    printf("liveaddr-audit lines=%zu seconds=%.3f rate=%.0f (median of %d)\n",
	   n, sa, n / sa, runs);
    count_bits(c.sflags, 256, sbits, 8);
    count_bits(c.aflags, 16, abits, 4);
    printf("found: valid=%ld invalid=%ld suggestions=%ld", (long) n - c.invalid,
	   c.invalid, c.suggested);
    for (int b = 0; b < 8; b++)
	printf(" %s=%ld", suggest_flag_name(1u << b), sbits[b]);
    for (int b = 0; b < 4; b++)
	printf(" %s=%ld", addr_flag_name(1u << b), abits[b]);
    printf(" checksum=%lu\n", (c.checksum + psum) & 0xffff);
    suggest_free(sg);
    free(lines);
    free(buf);
    return (0);
}
