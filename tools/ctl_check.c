/*++
 * NAME
 *	ctl_check 3
 * SUMMARY
 *	liveaddrctl check: the first verdict on addresses
 * SYNOPSIS
 *	liveaddrctl [-c file] check [--json] [--no-dns] [--lang ru|en] ADDRESS...
 *	liveaddrctl [-c file] check [options] -
 * DESCRIPTION
 *	Checks each address (or each line of standard input, with "-"):
 *	syntax and normalization, typo and keyboard-layout suggestions, role
 *	and disposable flags, and the domain's DNS verdict (through the
 *	process cache and the verdict cache in Redis, so MTAs and the CRM
 *	share answers).  Prints a verdict a person can read, in the language
 *	of liveaddr.conf (Language) or --lang, or one JSON object per address
 *	with --json.  --no-dns checks syntax and suggestions only.
 * DIAGNOSTICS
 *	The exit status is that of the most alarming verdict: 0 valid,
 *	1 invalid, 2 unknown, 3 risky; 64 usage, 78 configuration.
 *--*/

#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>
#include <time.h>

#include "check.h"
#include "ctl.h"
#include "dns.h"
#include "domcache.h"
#include "domverdict.h"
#include "jsonw.h"
#include "log.h"
#include "rpool.h"
#include "settings.h"
#include "suggest.h"

typedef struct {
    bool    json;
    bool    dns;
    const char *lang;
    CHECKER checker;
    CHECK_VERDICT worst;
    int     count;
} CHECK_RUN;

/* flag_list - the names of the flags an address carries, comma-separated */

static void flag_list(const CHECK_RESULT *r, char *buf, size_t len)
{
    size_t  used = 0;

    buf[0] = 0;
    for (unsigned bit = 1; bit && bit <= ADDR_F_CLEANED; bit <<= 1)
	if (r->addr.flags & bit)
	    used += (size_t) snprintf(buf + used, used < len ? len - used : 0, "%s%s",
				      used ? ", " : "", addr_flag_name(bit));
    for (unsigned bit = 1; bit && bit <= SUGGEST_F_EXTRACT; bit <<= 1)
	if (r->suggestion.flags & bit)
	    used += (size_t) snprintf(buf + used, used < len ? len - used : 0, "%s%s",
				      used ? ", " : "", suggest_flag_name(bit));
}

/* label - "  label:" padded to 14 columns, counting characters, not bytes */

static void label(const char *text)
{
    int     chars = 0;

    for (const unsigned char *cp = (const unsigned char *) text; *cp; cp++)
	chars += (*cp & 0xc0) != 0x80;
    printf("  %s%*s", text, chars < 13 ? 13 - chars : 1, "");
}

static void print_text(const CHECK_RUN *run, const char *input, const CHECK_RESULT *r)
{
    bool    ru = strcmp(run->lang, "ru") == 0;
    char    flags[256];

    printf("%s\n", input);
    label(ru ? "вердикт:" : "verdict:");
    printf("%s (%s)\n", check_verdict_text(r->verdict, run->lang), r->reason);
    label(ru ? "причина:" : "reason:");
    printf("%s\n", check_reason_text(r, run->lang));
    if (r->addr.reason == 0 && strcmp(r->addr.display, input) != 0) {
	label(ru ? "адрес:" : "address:");
	printf("%s\n", r->addr.display);
    }
    if (r->suggestion.rule != SUGGEST_NONE && r->suggestion.address[0]) {
	label(ru ? "подсказка:" : "suggestion:");
	printf("%s (%s)\n",
	       r->suggestion.display[0] ? r->suggestion.display : r->suggestion.address,
	       suggest_rule_text(r->suggestion.rule, run->lang));
    }
    if (r->dns_checked) {
	label(ru ? "домен:" : "domain:");
	printf("%s: %s", r->addr.domain, dns_verdict_text(r->dns.verdict, run->lang));
	if (r->dns.mx[0])
	    printf(" (MX %s)", r->dns.mx);
	if (r->dns.error[0])
	    printf(" (%s)", r->dns.error);
	printf(" [%s, %u ms]\n", domverdict_source_name(r->dns_source), r->dns.elapsed_ms);
    }
    flag_list(r, flags, sizeof(flags));
    if (flags[0]) {
	label(ru ? "признаки:" : "flags:");
	printf("%s\n", flags);
    }
}

static void print_json(const CHECK_RUN *run, const char *input, const CHECK_RESULT *r)
{
    JSONW   w;

    jsonw_init(&w, stdout);
    jsonw_object_begin(&w, NULL);
    jsonw_string(&w, "input", input);
    jsonw_string(&w, "verdict", check_verdict_name(r->verdict));
    jsonw_string(&w, "reason", r->reason);
    jsonw_string(&w, "text", check_reason_text(r, run->lang));
    if (r->addr.reason == 0) {
	jsonw_string(&w, "address", r->addr.address);
	jsonw_string(&w, "display", r->addr.display);
	jsonw_string(&w, "key", r->addr.key);
	jsonw_string(&w, "domain", r->addr.domain);
    }
    jsonw_array_begin(&w, "flags");
    for (unsigned bit = 1; bit && bit <= ADDR_F_CLEANED; bit <<= 1)
	if (r->addr.flags & bit)
	    jsonw_string(&w, NULL, addr_flag_name(bit));
    for (unsigned bit = 1; bit && bit <= SUGGEST_F_EXTRACT; bit <<= 1)
	if (r->suggestion.flags & bit)
	    jsonw_string(&w, NULL, suggest_flag_name(bit));
    jsonw_array_end(&w);
    if (r->suggestion.rule != SUGGEST_NONE && r->suggestion.address[0]) {
	jsonw_object_begin(&w, "suggestion");
	jsonw_string(&w, "address", r->suggestion.address);
	jsonw_string(&w, "display", r->suggestion.display);
	jsonw_string(&w, "rule", suggest_rule_name(r->suggestion.rule));
	jsonw_string(&w, "text", suggest_rule_text(r->suggestion.rule, run->lang));
	jsonw_object_end(&w);
    } else {
	jsonw_null(&w, "suggestion");
    }
    if (r->dns_checked) {
	jsonw_object_begin(&w, "dns");
	jsonw_string(&w, "verdict", dns_verdict_name(r->dns.verdict));
	jsonw_string(&w, "text", dns_verdict_text(r->dns.verdict, run->lang));
	jsonw_int(&w, "mx_count", r->dns.mx_count);
	jsonw_string(&w, "mx", r->dns.mx[0] ? r->dns.mx : NULL);
	jsonw_string(&w, "spf", dns_spf_name(r->dns.spf));
	jsonw_string(&w, "error", r->dns.error[0] ? r->dns.error : NULL);
	jsonw_string(&w, "source", domverdict_source_name(r->dns_source));
	jsonw_int(&w, "elapsed_ms", r->dns.elapsed_ms);
	jsonw_object_end(&w);
    } else {
	jsonw_null(&w, "dns");
    }
    jsonw_object_end(&w);
}

static void check_one(CHECK_RUN *run, const char *input, size_t len)
{
    CHECK_RESULT r;
    char    shown[ADDR_INPUT_MAX + 1];

    check_address(&run->checker, input, len, time(NULL), &r);
    snprintf(shown, sizeof(shown), "%.*s", (int) (len < ADDR_INPUT_MAX ? len : ADDR_INPUT_MAX), input);
    if (run->json)
	print_json(run, shown, &r);
    else
	print_text(run, shown, &r);
    run->worst = run->count++ ? check_worse(run->worst, r.verdict) : r.verdict;
}

int     ctl_check(CTL *ctl, int argc, char **argv)
{
    CHECK_RUN run = {.dns = true};
    CONF   *conf;
    int     status, first;
    char    err[256] = "";
    const char *servers[DNS_MAX_NAMESERVERS];
    DNS_CONF dc;
    RPOOL_CONF rc;
    DOMCACHE_TTL ttl;
    DNS_CTX *dns = NULL;
    DOMCACHE *cache = NULL;
    RPOOL  *pool = NULL;
    SUGGEST *suggest = NULL;

    for (first = 1; first < argc && strncmp(argv[first], "--", 2) == 0; first++) {
	if (strcmp(argv[first], "--json") == 0)
	    run.json = true;
	else if (strcmp(argv[first], "--no-dns") == 0)
	    run.dns = false;
	else if (strcmp(argv[first], "--lang") == 0 && first + 1 < argc
		 && (strcmp(argv[first + 1], "ru") == 0 || strcmp(argv[first + 1], "en") == 0))
	    run.lang = argv[++first];
	else
	    return (EX_USAGE);
    }
    if (first >= argc)
	return (EX_USAGE);
    if ((conf = ctl_load(ctl, &status)) == NULL)
	return (status);
    log_open("liveaddrctl", 0, LOG_TO_STDERR);
    log_set_level(LOG_WARNING);
    if (run.lang == NULL)
	run.lang = conf_str(conf, "Language");

    if ((suggest = suggest_load(conf_str(conf, "DataDirectory"), err, sizeof(err))) == NULL) {
	fprintf(stderr, "liveaddrctl: %s\n", err);
	conf_free(conf);
	return (EX_CONFIG);
    }
    run.checker.suggest = suggest;
    if (run.dns) {
	settings_dns_conf(conf, &dc, servers, DNS_MAX_NAMESERVERS);
	settings_rpool_conf(conf, &rc);
	ttl = settings_domcache_ttl(conf);
	if ((dns = dns_new(&dc, err, sizeof(err))) == NULL
	    || (pool = rpool_new(&rc, err, sizeof(err))) == NULL) {
	    fprintf(stderr, "liveaddrctl: %s\n", err);
	    status = EX_CONFIG;
	    goto done;
	}
	cache = domcache_new((size_t) conf_int(conf, "DomainCacheSize"), &ttl);
	run.checker.domains = domverdict_new(dns, cache, pool,
					     conf_str(conf, "RedisKeyPrefix"), &ttl);
	if (cache == NULL || run.checker.domains == NULL) {
	    fprintf(stderr, "liveaddrctl: out of memory\n");
	    status = EX_OSERR;
	    goto done;
	}
    }
    if (argc - first == 1 && strcmp(argv[first], "-") == 0) {
	char   *line = NULL;
	size_t  cap = 0;
	ssize_t got;

	while ((got = getline(&line, &cap, stdin)) >= 0) {
	    while (got > 0 && (line[got - 1] == '\n' || line[got - 1] == '\r'))
		line[--got] = 0;
	    if (got > 0)
		check_one(&run, line, (size_t) got);
	}
	free(line);
    } else {
	for (int i = first; i < argc; i++)
	    check_one(&run, argv[i], strlen(argv[i]));
    }
    status = run.count ? check_exit_status(run.worst) : 0;

done:
    domverdict_free(run.checker.domains);
    domcache_free(cache);
    rpool_free(pool);
    dns_free(dns);
    suggest_free(suggest);
    conf_free(conf);
    return (status);
}
