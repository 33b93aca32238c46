/*
 * dnsprobe - print domain verdicts and SPF results, for the stack test
 * tests/stack/dns-verdicts.sh (which starts the DNS test server).
 *
 * Usage:
 *	dnsprobe [options] verdict DOMAIN...
 *	dnsprobe [options] spf CLIENT_IP HELO MAIL_FROM
 *	dnsprobe [options] threads THREADS ROUNDS DOMAIN...
 *	dnsprobe [options] spfthreads THREADS ROUNDS IP,HELO,FROM...
 *	dnsprobe [options] encode DOMAIN
 * Options:
 *	-s SERVER	a nameserver ("IP", "IP:port", "[IPv6]:port"); repeat
 *	-p PORT		port for servers given without one (default 53)
 *	-b MS		time budget of one verdict or check (default 5000)
 *	-r FILE		resolv.conf to read when no -s is given
 *	-n		no recursion desired (RD off)
 *	-l LANG		language of the verdict text (en, ru)
 *
 * verdict prints one line per domain:
 *	DOMAIN verdict=V class=C mx_count=N mx=HOST spf=S rcode=R ms=T text=... error=...
 * (text and error last: they hold spaces).  spf prints "key=value" lines:
 * result, identity, domain, ms, queries, reason, explanation, received.
 * threads runs the verdicts of all domains in THREADS threads, ROUNDS
 * times each, and says "consistent" (exit 0) when every verdict matched
 * the one found first; spfthreads does the same with SPF checks, each
 * given as "ip,helo,from" (one SPFCHECK shared by all).  encode prints the stored text form of a verdict
 * after checking that it decodes to the same result.
 *
 * Run with no arguments (as "make check" does with every check program),
 * it prints a TAP plan that skips: it is a helper, not a test.
 */
#include "config.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "dns.h"
#include "spfcheck.h"

static const char *class_names[] = {"temp", "valid", "weak", "invalid"};

static void usage(void)
{
    fprintf(stderr, "usage: dnsprobe [-s server]... [-p port] [-b ms] [-r resolv.conf] [-n] [-l lang]\n"
	    "\tverdict DOMAIN... | spf IP HELO FROM | threads N ROUNDS DOMAIN...\n"
	    "\t| spfthreads N ROUNDS IP,HELO,FROM... | encode DOMAIN\n");
    exit(2);
}

static void print_verdict(const char *domain, const DNS_RESULT *r, const char *lang)
{
    printf("%s verdict=%s class=%s mx_count=%u mx=%s spf=%s rcode=%d ms=%u text=%s error=%s\n",
	   domain, dns_verdict_name(r->verdict),
	   class_names[dns_verdict_class(r->verdict)], r->mx_count, r->mx,
	   dns_spf_name(r->spf), r->rcode, r->elapsed_ms,
	   dns_verdict_text(r->verdict, lang), r->error);
}

typedef struct {
    DNS_CTX *ctx;
    char  **domains;
    int     ndomains;
    int     rounds;
    const DNS_VERDICT *first;
    long    mismatches;
} WORKER;

static void *worker(void *arg)
{
    WORKER *w = arg;

    for (int round = 0; round < w->rounds; round++) {
	for (int i = 0; i < w->ndomains; i++) {
	    DNS_RESULT r;

	    if (dns_domain_verdict(w->ctx, w->domains[i], &r) != w->first[i]) {
		fprintf(stderr, "%s: %s, first %s (%s)\n", w->domains[i],
			dns_verdict_name(r.verdict), dns_verdict_name(w->first[i]), r.error);
		w->mismatches++;
	    }
	}
    }
    return (NULL);
}

typedef struct {
    SPFCHECK *spf;
    char  **checks;			/* "ip,helo,from" */
    int     nchecks;
    int     rounds;
    const SPFCHECK_CODE *first;
    long    mismatches;
} SPF_WORKER;

/* spf_split - "ip,helo,from" into its three parts (in place) */

static int spf_split(char *check, char **ip, char **helo, char **from)
{
    char   *c1 = strchr(check, ',');
    char   *c2 = c1 ? strchr(c1 + 1, ',') : NULL;

    if (c2 == NULL)
	return (-1);
    *c1 = *c2 = 0;
    *ip = check;
    *helo = c1 + 1;
    *from = c2 + 1;
    return (0);
}

static void *spf_worker(void *arg)
{
    SPF_WORKER *w = arg;

    for (int round = 0; round < w->rounds; round++) {
	for (int i = 0; i < w->nchecks; i++) {
	    char   *ip = w->checks[i];
	    char   *helo = ip + strlen(ip) + 1;
	    char   *from = helo + strlen(helo) + 1;
	    SPFCHECK_RESULT r;

	    if (spfcheck_check_host(w->spf, ip, helo, from, &r) != w->first[i]) {
		fprintf(stderr, "%s %s %s: %s, first %s (%s)\n", ip, helo, from,
			spfcheck_result_name(r.result),
			spfcheck_result_name(w->first[i]), r.reason);
		w->mismatches++;
	    }
	}
    }
    return (NULL);
}

static int run_spf_threads(SPFCHECK *spf, int nthreads, int rounds, char **checks, int n)
{
    SPFCHECK_CODE *first = calloc((size_t) n, sizeof(*first));
    pthread_t *tids = calloc((size_t) nthreads, sizeof(*tids));
    SPF_WORKER *workers = calloc((size_t) nthreads, sizeof(*workers));
    long    mismatches = 0;

    if (first == NULL || tids == NULL || workers == NULL)
	return (2);
    for (int i = 0; i < n; i++) {
	char   *ip, *helo, *from;

	if (spf_split(checks[i], &ip, &helo, &from) < 0)
	    usage();
	first[i] = spfcheck_check_host(spf, ip, helo, from, NULL);
    }
    for (int t = 0; t < nthreads; t++) {
	workers[t] = (SPF_WORKER) {spf, checks, n, rounds, first, 0};
	if (pthread_create(tids + t, NULL, spf_worker, workers + t) != 0)
	    return (2);
    }
    for (int t = 0; t < nthreads; t++) {
	pthread_join(tids[t], NULL);
	mismatches += workers[t].mismatches;
    }
    printf("%s (%d threads x %d rounds x %d checks, %ld mismatches)\n",
	   mismatches ? "inconsistent" : "consistent", nthreads, rounds, n, mismatches);
    free(first);
    free(tids);
    free(workers);
    return (mismatches ? 1 : 0);
}

static int run_threads(DNS_CTX *ctx, int nthreads, int rounds, char **domains, int n)
{
    DNS_VERDICT *first = calloc((size_t) n, sizeof(*first));
    pthread_t *tids = calloc((size_t) nthreads, sizeof(*tids));
    WORKER *workers = calloc((size_t) nthreads, sizeof(*workers));
    long    mismatches = 0;

    if (first == NULL || tids == NULL || workers == NULL)
	return (2);
    for (int i = 0; i < n; i++)
	first[i] = dns_domain_verdict(ctx, domains[i], NULL);
    for (int t = 0; t < nthreads; t++) {
	workers[t] = (WORKER) {ctx, domains, n, rounds, first, 0};
	if (pthread_create(tids + t, NULL, worker, workers + t) != 0)
	    return (2);
    }
    for (int t = 0; t < nthreads; t++) {
	pthread_join(tids[t], NULL);
	mismatches += workers[t].mismatches;
    }
    printf("%s (%d threads x %d rounds x %d domains, %ld mismatches)\n",
	   mismatches ? "inconsistent" : "consistent", nthreads, rounds, n, mismatches);
    free(first);
    free(tids);
    free(workers);
    return (mismatches ? 1 : 0);
}

int     main(int argc, char **argv)
{
    const char *servers[DNS_MAX_NAMESERVERS + 1];
    DNS_CONF conf;
    const char *lang = "en";
    char    err[256];
    int     ch;

    if (argc == 1) {
	printf("1..0 # SKIP helper program for tests/stack/dns-verdicts.sh\n");
	return (0);
    }
    dns_conf_init(&conf);
    conf.nameservers = servers;
    while ((ch = getopt(argc, argv, "s:p:b:r:nl:")) != -1) {
	switch (ch) {
	case 's':
	    if (conf.nameserver_count > DNS_MAX_NAMESERVERS)
		usage();
	    servers[conf.nameserver_count++] = optarg;
	    break;
	case 'p':
	    conf.port = (unsigned) atoi(optarg);
	    break;
	case 'b':
	    conf.budget_ms = (unsigned) atoi(optarg);
	    break;
	case 'r':
	    conf.resolv_conf = optarg;
	    break;
	case 'n':
	    conf.recursion = false;
	    break;
	case 'l':
	    lang = optarg;
	    break;
	default:
	    usage();
	}
    }
    argc -= optind;
    argv += optind;
    if (argc < 1)
	usage();

    if (strcmp(argv[0], "spfthreads") == 0) {
	SPFCHECK *spf;
	int     status;

	if (argc < 4)
	    usage();
	if ((spf = spfcheck_new(&conf, err, sizeof(err))) == NULL) {
	    fprintf(stderr, "dnsprobe: %s\n", err);
	    return (2);
	}
	status = run_spf_threads(spf, atoi(argv[1]), atoi(argv[2]), argv + 3, argc - 3);
	spfcheck_free(spf);
	return (status);
    } else if (strcmp(argv[0], "spf") == 0) {
	SPFCHECK *spf;
	SPFCHECK_RESULT r;

	if (argc != 4)
	    usage();
	if ((spf = spfcheck_new(&conf, err, sizeof(err))) == NULL) {
	    fprintf(stderr, "dnsprobe: %s\n", err);
	    return (2);
	}
	spfcheck_check_host(spf, argv[1], argv[2], argv[3], &r);
	printf("result=%s\nidentity=%s\ndomain=%s\nms=%u\nqueries=%u\nreason=%s\n"
	       "explanation=%s\nreceived=%s\n", spfcheck_result_name(r.result),
	       r.identity, r.domain, r.elapsed_ms, r.dns_queries, r.reason,
	       r.explanation, r.received_spf);
	spfcheck_free(spf);
	return (0);
    } else {
	DNS_CTX *ctx = dns_new(&conf, err, sizeof(err));
	int     status = 0;

	if (ctx == NULL) {
	    fprintf(stderr, "dnsprobe: %s\n", err);
	    return (2);
	}
	if (strcmp(argv[0], "verdict") == 0 && argc >= 2) {
	    for (int i = 1; i < argc; i++) {
		DNS_RESULT r;

		dns_domain_verdict(ctx, argv[i], &r);
		print_verdict(argv[i], &r, lang);
	    }
	} else if (strcmp(argv[0], "threads") == 0 && argc >= 4) {
	    status = run_threads(ctx, atoi(argv[1]), atoi(argv[2]), argv + 3, argc - 3);
	} else if (strcmp(argv[0], "encode") == 0 && argc == 2) {
	    DNS_RESULT r;
	    DNS_RESULT back;
	    char    text[DNS_RESULT_TEXT_MAX];

	    dns_domain_verdict(ctx, argv[1], &r);
	    if (dns_result_encode(&r, text, sizeof(text)) < 0
		|| dns_result_decode(text, strlen(text), &back) < 0
		|| memcmp(&r, &back, sizeof(r)) != 0) {
		fprintf(stderr, "dnsprobe: encoding does not round-trip\n");
		status = 1;
	    }
	    printf("%s\n", text);
	} else {
	    usage();
	}
	dns_free(ctx);
	return (status);
    }
}
