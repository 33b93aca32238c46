/*++
 * NAME
 *	corpus_report 1
 * SUMMARY
 *	measure the report parser on a labelled corpus of real bounces
 * SYNOPSIS
 *	corpus_report [-v] [-c] [-t] [-n loops] [-r min] [-s min] [-e min]
 *		[-x errata] [-S set] [-H half] dir
 * DESCRIPTION
 *	Reads dir/labels.tsv (one row per message and recipient; see
 *	dir/README.md), parses each dir/eml/FILE with report_parse() and
 *	prints, as TAP, a table per source MTA (source_mta_module) and
 *	overall: the share of rows whose recipient was found, whose reason
 *	equals the label, and whose hard/soft verdict equals the label
 *	(rows with hardbounce -1 are left out of that column).  Then the
 *	checks:
 *
 *	- recipients found >= -r percent (default 99)
 *	- hard/soft equal >= -s percent (default 99)
 *	- reasons equal >= -e percent (default 0: reported, not enforced)
 *	- no message that is not a bounce (auto-reply, complaint, delivery
 *	  notice, ordinary mail) has a hard recipient
 *	- the dos (CRLF) and mac (CR) copies give the same verdict as the
 *	  bsd (LF) original
 *
 *	-x names a file of label errata (file, label recipient, corrected
 *	recipient, evidence, and optionally a corrected reason and a
 *	corrected hardbounce; tab-separated, "#" comments): labels known to
 *	be wrong are corrected, for the bsd file and its dos and mac copies,
 *	and the overall figures are printed both ways; the checks use the
 *	corrected ones.
 *
 *	-S keeps only the rows of one set (bsd, dos, mac, err, not, debug).
 *	-H 0 or -H 1 keeps only one half of the files, split by a hash of
 *	the file's name (the dos and mac copies go with their original):
 *	develop on one half, check that the other improves too.
 *
 *	-v lists every row that differs from its label.  -c prints the
 *	confusion of reasons: each (label, ours) pair that differs, with
 *	its count, most frequent first.  -t parses the
 *	whole set -n times (default 20) and prints the messages per
 *	second: a measurement, not a test.
 * DIAGNOSTICS
 *	Exit 0 when every check passes, 1 otherwise, 2 usage or I/O.
 *--*/

#include "config.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "msgfile.h"
#include "report.h"

#define COLS_MAX	16

typedef struct {
    char   *file, *rcpt, *reason, *module, *set;
    char   *label_reason;		/* as labelled, before the errata */
    int     hard, label_hard;
    bool    corrected;			/* by the errata */
    bool    rcpt_fixed;			/* its recipient, by the errata */
} ROW;

typedef struct {
    char    label[32];
    char    ours[32];
    int     count;
} CONFUSION;

typedef struct {
    char    name[64];
    int     rows, rcpt_rows, rcpt_ok, reason_rows, reason_ok, hard_rows, hard_ok;
} TALLY;

typedef struct {
    char   *name;
    char   *data;
    size_t  len;
} MSG;

static int verbose;

/* FILE_REPORTS - the verdicts of every message of one file (an mbox may hold several) */

typedef struct {
    REPORT *rep;
    int     n;
} FILE_REPORTS;

/* file_reports - read a file and parse each of its messages */

static int file_reports(const char *path, FILE_REPORTS *fr)
{
    char   *data;
    size_t  len, pos = 0, msg_len;
    const char *msg;
    REPORT *nrep;

    fr->rep = NULL;
    fr->n = 0;
    if (msgfile_read(path, &data, &len) != MSGFILE_OK)
	return (-1);
    while (msgfile_next(data, len, &pos, &msg, &msg_len)) {
	if ((nrep = realloc(fr->rep, (size_t) (fr->n + 1) * sizeof(*nrep))) == NULL)
	    exit(2);
	fr->rep = nrep;
	if (report_parse(msg, msg_len, fr->rep + fr->n) != REPORT_OK) {
	    fprintf(stderr, "%s: out of memory\n", path);
	    exit(2);
	}
	fr->n++;
    }
    free(data);
    return (0);
}

/* file_reports_free - release what file_reports() made */

static void file_reports_free(FILE_REPORTS *fr)
{
    for (int i = 0; i < fr->n; i++)
	report_free(fr->rep + i);
    free(fr->rep);
}

/* split_tabs - cut a line into fields */

static int split_tabs(char *line, char **cols, int max)
{
    int     n = 0;

    line[strcspn(line, "\r\n")] = 0;
    cols[n++] = line;
    for (char *cp = line; *cp && n < max; cp++)
	if (*cp == '\t') {
	    *cp = 0;
	    cols[n++] = cp + 1;
	}
    return (n);
}

static TALLY *tally_get(TALLY *t, int *nt, const char *name)
{
    for (int i = 0; i < *nt; i++)
	if (strcmp(t[i].name, name) == 0)
	    return (t + i);
    memset(t + *nt, 0, sizeof(*t));
    snprintf(t[*nt].name, sizeof(t[*nt].name), "%s", name);
    return (t + (*nt)++);
}

/* base_name - the file's name without "sisimai-", "sisimai-dos-", "sisimai-mac-" */

static const char *base_name(const char *f)
{
    if (strncmp(f, "sisimai-dos-", 12) == 0 || strncmp(f, "sisimai-mac-", 12) == 0)
	return (f + 12);
    if (strncmp(f, "sisimai-", 8) == 0)
	return (f + 8);
    return (f);
}

/* half_of - 0 or 1: FNV-1a of the base name, its lowest bit */

static int half_of(const char *file)
{
    unsigned long h = 2166136261UL;

    for (const char *cp = base_name(file); *cp; cp++)
	h = ((h ^ (unsigned char) *cp) * 16777619UL) & 0xffffffffUL;
    return ((int) (h & 1));
}

static int cmp_confusion(const void *a, const void *b)
{
    const CONFUSION *x = a, *y = b;

    if (x->count != y->count)
	return (y->count - x->count);
    if (strcmp(x->label, y->label) != 0)
	return (strcmp(x->label, y->label));
    return (strcmp(x->ours, y->ours));
}

static double pct(int ok, int n)
{
    return (n ? 100.0 * ok / n : 100.0);
}

/* not_bounce - a row whose message is no bounce at all */

static bool not_bounce(const ROW *r)
{
    static const char *const reasons[] = {"vacation", "feedback", "delivered", "notbounce"};

    for (size_t i = 0; i < sizeof(reasons) / sizeof(reasons[0]); i++)
	if (strcmp(r->reason, reasons[i]) == 0)
	    return (true);
    return (strcmp(r->module, "ARF") == 0 || strcmp(r->module, "RFC3834") == 0);
}

/* verdict_text - a report as one line, to compare line-ending variants */

static void verdict_text(const FILE_REPORTS *fr, char *buf, size_t len)
{
    int     n = 0;

    buf[0] = 0;
    for (int m = 0; m < fr->n && n >= 0 && (size_t) n < len; m++) {
	const REPORT *rep = fr->rep + m;

	n += snprintf(buf + n, len - (size_t) n, "%s|%s|%s|", report_kind_name(rep->kind),
		      rep->format, rep->tag);
	for (int i = 0; i < rep->nrcpt && n > 0 && (size_t) n < len; i++)
	    n += snprintf(buf + n, len - (size_t) n, "%s %s %d %s %d;", rep->rcpt[i].address,
			  rep->rcpt[i].reason, rep->rcpt[i].hard, rep->rcpt[i].status,
			  rep->rcpt[i].reply_code);
    }
}

static int cmp_tally(const void *a, const void *b)
{
    const TALLY *x = a, *y = b;

    if (x->rows != y->rows)
	return (y->rows - x->rows);
    return (strcmp(x->name, y->name));
}

int     main(int argc, char **argv)
{
    double  min_rcpt = 99, min_hard = 99, min_reason = 0;
    int     loops = 20, ch, timing = 0, confusion = 0, half = -1;
    const char *only_set = NULL;
    CONFUSION *conf = NULL;
    int     nconf = 0;
    char    path[4096], line[8192];
    FILE   *fp;
    ROW    *rows = NULL;
    int     nrows = 0, caprows = 0;
    TALLY  *tally, all;
    int     ntally = 0, nonbounce_hard = 0, eol_diff = 0, eol_checked = 0, failures = 0;
    const char *dir, *errata = NULL;
    int     corrected = 0, raw_rcpt_ok = 0, raw_reason_ok = 0, raw_reason_rows = 0;
    int     raw_hard_ok = 0, raw_hard_rows = 0;

    while ((ch = getopt(argc, argv, "vctn:r:s:e:x:S:H:")) != -1) {
	switch (ch) {
	case 'v':
	    verbose = 1;
	    break;
	case 't':
	    timing = 1;
	    break;
	case 'n':
	    loops = atoi(optarg);
	    break;
	case 'r':
	    min_rcpt = atof(optarg);
	    break;
	case 's':
	    min_hard = atof(optarg);
	    break;
	case 'e':
	    min_reason = atof(optarg);
	    break;
	case 'x':
	    errata = optarg;
	    break;
	case 'c':
	    confusion = 1;
	    break;
	case 'S':
	    only_set = optarg;
	    break;
	case 'H':
	    half = atoi(optarg) & 1;
	    break;
	default:
	    fprintf(stderr, "usage: corpus_report [-v] [-c] [-t] [-n loops] [-r min] [-s min] [-e min] [-x errata] [-S set] [-H half] dir\n");
	    return (2);
	}
    }
    if (optind != argc - 1) {
	fprintf(stderr, "usage: corpus_report [-v] [-c] [-t] [-n loops] [-r min] [-s min] [-e min] [-x errata] [-S set] [-H half] dir\n");
	return (2);
    }
    dir = argv[optind];
    snprintf(path, sizeof(path), "%s/labels.tsv", dir);
    if ((fp = fopen(path, "r")) == NULL) {
	perror(path);
	return (2);
    }
    {
	int     ci[6] = {-1, -1, -1, -1, -1, -1};
	static const char *const want[6] = {"file", "recipient", "reason", "hardbounce",
	"source_mta_module", "set"};
	char   *cols[COLS_MAX];
	int     nc;

	if (fgets(line, sizeof(line), fp) == NULL)
	    return (2);
	nc = split_tabs(line, cols, COLS_MAX);
	for (int i = 0; i < nc; i++)
	    for (int k = 0; k < 6; k++)
		if (strcmp(cols[i], want[k]) == 0)
		    ci[k] = i;
	for (int k = 0; k < 6; k++)
	    if (ci[k] < 0) {
		fprintf(stderr, "labels.tsv: no column %s\n", want[k]);
		return (2);
	    }
	while (fgets(line, sizeof(line), fp) != NULL) {
	    ROW    *r;

	    nc = split_tabs(line, cols, COLS_MAX);
	    if (nc <= ci[5])
		continue;
	    if ((only_set != NULL && strcmp(cols[ci[5]], only_set) != 0)
		|| (half >= 0 && half_of(cols[ci[0]]) != half))
		continue;
	    if (nrows == caprows) {
		caprows = caprows ? 2 * caprows : 256;
		if ((rows = realloc(rows, (size_t) caprows * sizeof(*rows))) == NULL)
		    return (2);
	    }
	    r = rows + nrows++;
	    r->file = strdup(cols[ci[0]]);
	    r->rcpt = strdup(cols[ci[1]]);
	    r->reason = strdup(cols[ci[2]]);
	    r->hard = atoi(cols[ci[3]]);
	    r->label_reason = strdup(r->reason);
	    r->label_hard = r->hard;
	    r->module = strdup(cols[ci[4]][0] ? cols[ci[4]] : "(none)");
	    r->set = strdup(cols[ci[5]]);
	    r->corrected = false;
	    r->rcpt_fixed = false;
	}
	fclose(fp);
    }
    if (errata != NULL) {
	char   *cols[COLS_MAX];

	if ((fp = fopen(errata, "r")) == NULL) {
	    perror(errata);
	    return (2);
	}
	while (fgets(line, sizeof(line), fp) != NULL) {
	    int     nc;

	    if (line[0] == '#' || (nc = split_tabs(line, cols, COLS_MAX)) < 3)
		continue;
	    for (int i = 0; i < nrows; i++) {
		if (strcmp(base_name(rows[i].file), base_name(cols[0])) != 0
		    || strcmp(rows[i].rcpt, cols[1]) != 0)
		    continue;
		if (strcmp(cols[1], cols[2]) != 0) {
		    free(rows[i].rcpt);
		    rows[i].rcpt = strdup(cols[2]);
		    rows[i].rcpt_fixed = true;
		}
		if (nc > 4 && cols[4][0]) {
		    free(rows[i].reason);
		    rows[i].reason = strdup(cols[4]);
		}
		if (nc > 5 && cols[5][0])
		    rows[i].hard = atoi(cols[5]);
		rows[i].corrected = true;
		corrected++;
	    }
	}
	fclose(fp);
    }
    tally = calloc((size_t) nrows + 1, sizeof(*tally));
    memset(&all, 0, sizeof(all));
    strcpy(all.name, "overall");
    for (int i = 0; i < nrows; i++) {
	ROW    *r = rows + i;
	TALLY  *t = tally_get(tally, &ntally, r->module);
	FILE_REPORTS fr;
	const REPORT *rep;
	const REPORT_RCPT *got = NULL;
	int	nfound = 0;

	snprintf(path, sizeof(path), "%s/eml/%s", dir, r->file);
	if (file_reports(path, &fr) != 0) {
	    perror(path);
	    return (2);
	}
	rep = fr.rep;			/* the one message, or an mbox's first */
	for (int m = 0; m < fr.n; m++)
	    for (int k = 0; k < fr.rep[m].nrcpt; k++) {
		nfound++;
		if (r->rcpt[0] && strcmp(fr.rep[m].rcpt[k].address, r->rcpt) == 0)
		    got = fr.rep[m].rcpt + k, rep = fr.rep + m;
	    }
	if (!got && !r->rcpt[0] && nfound == 1)
	    for (int m = 0; m < fr.n; m++)
		if (fr.rep[m].nrcpt == 1)
		    got = fr.rep[m].rcpt, rep = fr.rep + m;
	t->rows++, all.rows++;
	if (r->rcpt[0]) {
	    t->rcpt_rows++, all.rcpt_rows++;
	    if (got)
		t->rcpt_ok++, all.rcpt_ok++;
	    if (got && !r->rcpt_fixed)
		raw_rcpt_ok++;
	}
	if (strcmp(r->reason, "UNLABELLED") != 0 && strcmp(r->reason, "notbounce") != 0) {
	    t->reason_rows++, all.reason_rows++;
	    if (got && strcmp(got->reason, r->reason) == 0)
		t->reason_ok++, all.reason_ok++;
	    else if (confusion) {
		const char *ours = got ? got->reason : "(not found)";
		int     k;

		for (k = 0; k < nconf; k++)
		    if (strcmp(conf[k].label, r->reason) == 0 && strcmp(conf[k].ours, ours) == 0)
			break;
		if (k == nconf) {
		    if ((conf = realloc(conf, (size_t) (nconf + 1) * sizeof(*conf))) == NULL)
			return (2);
		    snprintf(conf[k].label, sizeof(conf[k].label), "%s", r->reason);
		    snprintf(conf[k].ours, sizeof(conf[k].ours), "%s", ours);
		    conf[k].count = 0;
		    nconf++;
		}
		conf[k].count++;
	    }
	}
	if (strcmp(r->label_reason, "UNLABELLED") != 0 && strcmp(r->label_reason, "notbounce") != 0) {
	    raw_reason_rows++;
	    raw_reason_ok += got && strcmp(got->reason, r->label_reason) == 0;
	}
	if (r->label_hard != -1) {
	    raw_hard_rows++;
	    raw_hard_ok += got && got->hard == (r->label_hard == 1);
	}
	if (r->hard != -1) {
	    t->hard_rows++, all.hard_rows++;
	    if (got && got->hard == (r->hard == 1))
		t->hard_ok++, all.hard_ok++;
	}
	if (not_bounce(r))
	    for (int m = 0; m < fr.n; m++)
		for (int k = 0; k < fr.rep[m].nrcpt; k++)
		    if (fr.rep[m].rcpt[k].hard) {
			nonbounce_hard++;
			printf("# NOT A BOUNCE, YET HARD: %s %s\n", r->file,
			       fr.rep[m].rcpt[k].address);
		    }
	if (verbose && (!got || (strcmp(r->reason, "UNLABELLED") && strcmp(r->reason, "notbounce")
				 && strcmp(got->reason, r->reason))
			|| (r->hard != -1 && got->hard != (r->hard == 1))))
	    printf("# DIFF %s [%s] want %s <%s> %s/%d got %s %s %s/%d %s %d [%s]\n",
		   r->file, r->module, r->set, r->rcpt, r->reason, r->hard,
		   report_kind_name(rep->kind), rep->format, got ? got->reason : "-",
		   got ? got->hard : -1, got ? got->status : "", got ? got->reply_code : 0,
		   got ? got->diagnostic : (rep->nrcpt ? rep->rcpt[0].address : rep->why));
	/* the CRLF and CR copies answer as the LF original does */
	if (strcmp(r->set, "dos") == 0 || strcmp(r->set, "mac") == 0) {
	    char    orig[4096];
	    FILE_REPORTS fr2;

	    snprintf(orig, sizeof(orig), "%s/eml/sisimai-%s", dir, r->file + strlen("sisimai-dos-"));
	    if (file_reports(orig, &fr2) == 0) {
		char    v1[8192], v2[8192];

		verdict_text(&fr, v1, sizeof(v1));
		verdict_text(&fr2, v2, sizeof(v2));
		eol_checked++;
		if (strcmp(v1, v2) != 0) {
		    eol_diff++;
		    printf("# LINE ENDS DIFFER: %s\n#   %s\n#   %s\n", r->file, v1, v2);
		}
		file_reports_free(&fr2);
	    }
	}
	file_reports_free(&fr);
    }
    qsort(tally, (size_t) ntally, sizeof(*tally), cmp_tally);
    printf("# %-22s %5s %9s %9s %9s\n", "source MTA", "rows", "rcpt %", "reason %", "hard %");
    for (int i = 0; i <= ntally; i++) {
	TALLY  *t = i < ntally ? tally + i : &all;

	printf("# %-22s %5d %9.1f %9.1f %9.1f\n", t->name, t->rows,
	       pct(t->rcpt_ok, t->rcpt_rows), pct(t->reason_ok, t->reason_rows),
	       pct(t->hard_ok, t->hard_rows));
    }
    if (confusion && nconf > 0) {
	qsort(conf, (size_t) nconf, sizeof(*conf), cmp_confusion);
	printf("# reason confusion: label -> ours (count)\n");
	for (int k = 0; k < nconf; k++)
	    printf("#   %-16s -> %-16s %3d\n", conf[k].label, conf[k].ours, conf[k].count);
    }
    if (errata != NULL)
	printf("# label errata applied to %d rows (%s); as labelled: recipients found %.1f%%,"
	       " reasons %.1f%%, hard/soft %.1f%%\n", corrected, errata,
	       pct(raw_rcpt_ok, all.rcpt_rows), pct(raw_reason_ok, raw_reason_rows),
	       pct(raw_hard_ok, raw_hard_rows));
    printf("# non-bounces classified hard: %d; line-end variants differing: %d of %d\n",
	   nonbounce_hard, eol_diff, eol_checked);
    printf("1..5\n");
#define CHECK(n, cond, ...) do { int ok_ = (cond); failures += !ok_; \
	printf("%s %d - ", ok_ ? "ok" : "not ok", n); printf(__VA_ARGS__); printf("\n"); } while (0)
    CHECK(1, pct(all.rcpt_ok, all.rcpt_rows) >= min_rcpt, "recipients found %.1f%% >= %.1f%%",
	  pct(all.rcpt_ok, all.rcpt_rows), min_rcpt);
    CHECK(2, pct(all.hard_ok, all.hard_rows) >= min_hard, "hard/soft equal %.1f%% >= %.1f%%",
	  pct(all.hard_ok, all.hard_rows), min_hard);
    CHECK(3, pct(all.reason_ok, all.reason_rows) >= min_reason, "reasons equal %.1f%% >= %.1f%%",
	  pct(all.reason_ok, all.reason_rows), min_reason);
    CHECK(4, nonbounce_hard == 0, "no non-bounce classified hard (%d)", nonbounce_hard);
    CHECK(5, eol_diff == 0, "CRLF and CR copies give the LF verdict (%d of %d differ)",
	  eol_diff, eol_checked);
    fflush(stdout);
    if (timing) {
	MSG    *msgs = calloc((size_t) nrows, sizeof(*msgs));
	int     nmsgs = 0;
	struct timespec t0, t1;
	double  secs;
	size_t  bytes = 0;

	for (int i = 0; i < nrows; i++) {
	    if (i > 0 && strcmp(rows[i].file, rows[i - 1].file) == 0)
		continue;
	    snprintf(path, sizeof(path), "%s/eml/%s", dir, rows[i].file);
	    if (msgfile_read(path, &msgs[nmsgs].data, &msgs[nmsgs].len) != MSGFILE_OK) {
		perror(path);
		return (2);
	    }
	    bytes += msgs[nmsgs].len;
	    nmsgs++;
	}
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (int l = 0; l < loops; l++)
	    for (int i = 0; i < nmsgs; i++) {
		REPORT  rep;

		report_parse(msgs[i].data, msgs[i].len, &rep);
		report_free(&rep);
	    }
	clock_gettime(CLOCK_MONOTONIC, &t1);
	secs = (double) (t1.tv_sec - t0.tv_sec) + (double) (t1.tv_nsec - t0.tv_nsec) / 1e9;
	for (int i = 0; i < nmsgs; i++)
	    free(msgs[i].data);
	free(msgs);
	printf("# timing: %d messages (%zu bytes) x %d in %.3f s: %.0f messages/s, %.1f MB/s\n",
	       nmsgs, bytes, loops, secs, nmsgs * loops / secs, bytes * loops / secs / 1e6);
    }
    for (int i = 0; i < nrows; i++) {
	free(rows[i].file);
	free(rows[i].rcpt);
	free(rows[i].reason);
	free(rows[i].label_reason);
	free(rows[i].module);
	free(rows[i].set);
    }
    free(rows);
    free(tally);
    free(conf);
    return (failures ? 1 : 0);
}
