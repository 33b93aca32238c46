/*
 * reason_corpus - the reason classifier measured on the labelled bounce
 * corpus, without the parser: reads the rows reason-dump.pl makes (what
 * Perl Sisimai read from each message, with the corpus label), runs
 * reason_classify() on each and prints the accuracy per source module and
 * overall.  A development aid: the end-to-end number comes from the
 * parser's corpus test.
 *
 * usage: reason_corpus [-v] [-m MIN%] reasons.tsv
 *	-v	print every row whose reason or hardness differs
 *	-m	fail (exit 1) when the reason accuracy is below MIN percent
 * Always fails when a non-bounce (complaint, auto-reply, delivery
 * notice, ordinary message) is called a hard bounce.
 */
#include "config.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "reason.h"

enum {
    C_FILE, C_RCPT, C_MODULE, C_SET, C_LABEL, C_HARD, C_STATUS, C_REPLY,
    C_ACTION, C_DIAG, C_KIND, C_SISIMAI, C_COMMAND, C_COUNT
};

typedef struct {
    char    name[64];
    int     rows, reason_ok, hard_rows, hard_ok;
} GROUP;

#define GROUPS_MAX	256

static GROUP groups[GROUPS_MAX], sets[GROUPS_MAX];
static int ngroups, nsets;

static GROUP *group(GROUP *list, int *count, const char *name)
{
    for (int i = 0; i < *count; i++)
	if (strcmp(list[i].name, name) == 0)
	    return (list + i);
    if (*count == GROUPS_MAX)
	return (list + GROUPS_MAX - 1);
    snprintf(list[*count].name, sizeof(list[*count].name), "%s", name);
    return (list + (*count)++);
}

static void count(GROUP *g, bool reason_ok, int label_hard, bool hard)
{
    g->rows++;
    if (reason_ok)
	g->reason_ok++;
    if (label_hard >= 0) {
	g->hard_rows++;
	if (hard == (label_hard == 1))
	    g->hard_ok++;
    }
}

static void print_group(const GROUP *g)
{
    printf("%-20s %5d %7.1f%% %7.1f%%\n", g->name, g->rows,
	   100.0 * g->reason_ok / (g->rows ? g->rows : 1),
	   g->hard_rows ? 100.0 * g->hard_ok / g->hard_rows : 100.0);
}

static REPORT_ACTION action_of(const char *s)
{
    static const struct {
	const char *name;
	REPORT_ACTION action;
    } map[] = {
	{"failed", REPORT_ACTION_FAILED},
	{"delayed", REPORT_ACTION_DELAYED},
	{"delivered", REPORT_ACTION_DELIVERED},
	{"relayed", REPORT_ACTION_RELAYED},
	{"expanded", REPORT_ACTION_EXPANDED},
    };

    for (size_t i = 0; i < sizeof(map) / sizeof(map[0]); i++)
	if (strcmp(s, map[i].name) == 0)
	    return (map[i].action);
    return (REPORT_ACTION_NONE);
}

static REPORT_KIND kind_of(const char *s)
{
    if (strcmp(s, "complaint") == 0)
	return (REPORT_COMPLAINT);
    if (strcmp(s, "autoreply") == 0)
	return (REPORT_AUTOREPLY);
    return (REPORT_DSN);
}

/* A label that is not a failure: a hard verdict there is the worst error. */
static bool not_bounce(const char *label)
{
    return (strcmp(label, "feedback") == 0 || strcmp(label, "vacation") == 0
	    || strcmp(label, "delivered") == 0 || strcmp(label, "notbounce") == 0);
}

static int cmp_group(const void *a, const void *b)
{
    const GROUP *ga = a, *gb = b;
    double  ra = ga->rows ? (double) ga->reason_ok / ga->rows : 1;
    double  rb = gb->rows ? (double) gb->reason_ok / gb->rows : 1;

    if (ra != rb)
	return (ra < rb ? -1 : 1);
    return (strcmp(ga->name, gb->name));
}

int     main(int argc, char **argv)
{
    bool    verbose = false;
    double  min = 0;
    FILE   *fp;
    char    line[8192];
    GROUP   all = {"ALL", 0, 0, 0, 0};
    int     unsafe = 0, ch;

    while ((ch = getopt(argc, argv, "vm:")) != -1) {
	if (ch == 'v')
	    verbose = true;
	else if (ch == 'm')
	    min = atof(optarg);
	else
	    return (2);
    }
    if (optind != argc - 1) {
	fprintf(stderr, "usage: reason_corpus [-v] [-m MIN%%] reasons.tsv\n");
	return (2);
    }
    if ((fp = fopen(argv[optind], "r")) == 0) {
	perror(argv[optind]);
	return (2);
    }
    while (fgets(line, sizeof(line), fp)) {
	char   *col[C_COUNT], *cp = line;
	REASON_INPUT in;
	const char *got;
	bool    hard;
	int     n = 0, label_hard;
	bool    ok;

	line[strcspn(line, "\n")] = 0;
	for (n = 0; n < C_COUNT && cp; n++) {
	    col[n] = cp;
	    if ((cp = strchr(cp, '\t')) != 0)
		*cp++ = 0;
	}
	if (n < C_COUNT)
	    continue;
	memset(&in, 0, sizeof(in));
	in.action = action_of(col[C_ACTION]);
	in.status = col[C_STATUS];
	in.reply_code = atoi(col[C_REPLY]);
	in.diagnostic = col[C_DIAG];
	in.kind = kind_of(col[C_KIND]);
	got = reason_classify(&in);
	hard = reason_is_hard(got, in.status, in.reply_code);
	label_hard = atoi(col[C_HARD]);
	ok = strcmp(got, col[C_LABEL]) == 0;
	count(group(groups, &ngroups, col[C_MODULE][0] ? col[C_MODULE] : "-"), ok,
	      label_hard, hard);
	count(group(sets, &nsets, col[C_SET]), ok, label_hard, hard);
	count(&all, ok, label_hard, hard);
	if (hard && not_bounce(col[C_LABEL])) {
	    unsafe++;
	    printf("UNSAFE %s %s: %s called hard (%s)\n", col[C_FILE], col[C_RCPT],
		   col[C_LABEL], got);
	}
	if (verbose && (strcmp(got, col[C_LABEL]) != 0
			|| (label_hard >= 0 && hard != (label_hard == 1))))
	    printf("MISS %s\t%s\tlabel=%s%s\tgot=%s%s\t[%s|%s|%s|sisimai4=%s] %.200s\n",
		   col[C_FILE], col[C_RCPT], col[C_LABEL], label_hard == 1 ? "(H)" : "",
		   got, hard ? "(H)" : "", col[C_STATUS], col[C_REPLY], col[C_ACTION],
		   col[C_SISIMAI], col[C_DIAG]);
    }
    fclose(fp);
    qsort(groups, (size_t) ngroups, sizeof(groups[0]), cmp_group);
    printf("%-20s %5s %8s %8s\n", "module", "rows", "reason", "hard");
    for (int i = 0; i < ngroups; i++)
	print_group(groups + i);
    printf("%-20s %5s %8s %8s\n", "set", "rows", "reason", "hard");
    for (int i = 0; i < nsets; i++)
	print_group(sets + i);
    printf("%-20s %5d %7.1f%% %7.1f%%  (%d/%d reasons, %d/%d hard/soft)\n", "ALL",
	   all.rows, 100.0 * all.reason_ok / (all.rows ? all.rows : 1),
	   100.0 * all.hard_ok / (all.hard_rows ? all.hard_rows : 1),
	   all.reason_ok, all.rows, all.hard_ok, all.hard_rows);
    printf("non-bounces called hard: %d\n", unsafe);
    if (unsafe)
	return (1);
    if (all.rows && 100.0 * all.reason_ok / all.rows < min)
	return (1);
    return (0);
}
