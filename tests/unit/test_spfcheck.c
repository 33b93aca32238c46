/*
 * test_spfcheck - SPF check_host() as spfcheck runs it, over libspf2's
 * in-memory zone layer (no network): the results, the identities (MAIL
 * FROM, null sender and HELO), the inputs libspf2 must never see, and the
 * mapping of libspf2's "invalid" (a DNS failure) to temperror.  The same
 * cases over real DNS with our own layer are in tests/stack/dns-verdicts.sh.
 *
 * Client addresses are documentation ranges: libspf2 passes 127.0.0.0/8
 * whatever the record says.
 */
#include "config.h"

#include <sys/types.h>
#include <netinet/in.h>
#include <arpa/nameser.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <spf2/spf.h>
#include <spf2/spf_dns_zone.h>

#include "unit.h"
#include "spfcheck.h"

static SPF_dns_server_t *zone;
static SPFCHECK *spf;

 /*
  * The zone: each record and what it is for.
  */
static const struct {
    const char *name;
    ns_type type;
    SPF_dns_stat_t herrno;
    const char *data;
}       records[] = {
    {"pass.example", ns_t_txt, NETDB_SUCCESS, "v=spf1 ip4:192.0.2.0/24 -all"},
    {"pass.example", ns_t_mx, NETDB_SUCCESS, "10 mx.pass.example"},
    {"inc.example", ns_t_txt, NETDB_SUCCESS, "v=spf1 include:pass.example ~all"},
    {"chain.example", ns_t_txt, NETDB_SUCCESS, "v=spf1 include:inc.example -all"},
    {"neutral.example", ns_t_txt, NETDB_SUCCESS, "v=spf1 ?all"},
    {"norecord.example", ns_t_a, NETDB_SUCCESS, "192.0.2.1"},
    {"norecord.example", ns_t_txt, NETDB_SUCCESS, "just some text"},
    {"tempfail.example", ns_t_any, TRY_AGAIN, NULL},
    {"inc-tempfail.example", ns_t_txt, NETDB_SUCCESS, "v=spf1 include:tempfail.example -all"},
    {"loop.example", ns_t_txt, NETDB_SUCCESS, "v=spf1 include:loop.example -all"},
    {"loop-a.example", ns_t_txt, NETDB_SUCCESS, "v=spf1 include:loop-b.example -all"},
    {"loop-b.example", ns_t_txt, NETDB_SUCCESS, "v=spf1 include:loop-a.example -all"},
    {"many.example", ns_t_txt, NETDB_SUCCESS,
	"v=spf1 a:h1.many.example a:h2.many.example a:h3.many.example"
	" a:h4.many.example a:h5.many.example a:h6.many.example a:h7.many.example"
    " a:h8.many.example a:h9.many.example a:h10.many.example a:h11.many.example -all"},
    {"helo.example", ns_t_txt, NETDB_SUCCESS, "v=spf1 ip4:198.51.100.7 -all"},
    {"v6.example", ns_t_txt, NETDB_SUCCESS, "v=spf1 ip6:2001:db8::/32 -all"},
    {"exp.example", ns_t_txt, NETDB_SUCCESS, "v=spf1 -all exp=why.exp.example"},
    {"why.exp.example", ns_t_txt, NETDB_SUCCESS, "Mail%_from%_%{d}%_is%_not%_allowed"},
    {"syntax.example", ns_t_txt, NETDB_SUCCESS, "v=spf1 ip4:300.1.1.1 -all"},
    {"two.example", ns_t_txt, NETDB_SUCCESS, "v=spf1 -all"},
    {"two.example", ns_t_txt, NETDB_SUCCESS, "v=spf1 +all"},
    {"mx.example", ns_t_txt, NETDB_SUCCESS, "v=spf1 mx -all"},
    {"mx.example", ns_t_mx, NETDB_SUCCESS, "10 mail.mx.example"},
    {"mail.mx.example", ns_t_a, NETDB_SUCCESS, "203.0.113.25"},
};

static int setup(void **state)
{
    zone = SPF_dns_zone_new(NULL, "test", 0);
    if (zone == NULL)
	return (-1);
    for (size_t i = 0; i < sizeof(records) / sizeof(records[0]); i++)
	if (SPF_dns_zone_add_str(zone, records[i].name, records[i].type,
				 records[i].herrno, records[i].data) != SPF_E_SUCCESS)
	    return (-1);
    if ((spf = spfcheck_new_layer(zone)) == NULL)
	return (-1);
    return (spfcheck_set_receiver(spf, "mx.dealer.test"));
}

static int teardown(void **state)
{
    spfcheck_free(spf);
    SPF_dns_free(zone);
    return (0);
}

 /*
  * check_host() results: client, HELO, MAIL FROM, and what must come out.
  */
typedef struct {
    const char *ip;
    const char *helo;
    const char *from;
    SPFCHECK_CODE expect;
    const char *domain;			/* whose policy */
    const char *why;
} SPF_CASE;

static const SPF_CASE cases[] = {
    {"192.0.2.5", "mx.pass.example", "<a@pass.example>", SPFCHECK_PASS, "pass.example",
    "ip4 mechanism matches"},
    {"203.0.113.5", "mx.pass.example", "a@pass.example", SPFCHECK_FAIL, "pass.example",
    "only -all is left"},
    {"203.0.113.5", "x.example", "a@inc.example", SPFCHECK_SOFTFAIL, "inc.example",
    "the include does not match, ~all"},
    {"192.0.2.9", "x.example", "a@inc.example", SPFCHECK_PASS, "inc.example",
    "the include matches"},
    {"192.0.2.9", "x.example", "a@chain.example", SPFCHECK_PASS, "chain.example",
    "include of an include"},
    {"203.0.113.5", "x.example", "a@chain.example", SPFCHECK_FAIL, "chain.example",
    "nothing in the chain matches, -all"},
    {"203.0.113.5", "x.example", "a@neutral.example", SPFCHECK_NEUTRAL, "neutral.example",
    "?all"},
    {"203.0.113.5", "x.example", "a@norecord.example", SPFCHECK_NONE, "norecord.example",
    "TXT but no v=spf1"},
    {"203.0.113.5", "x.example", "a@nxdomain.example", SPFCHECK_NONE, "nxdomain.example",
    "the domain does not exist"},
    {"203.0.113.5", "x.example", "a@tempfail.example", SPFCHECK_TEMPERROR, "tempfail.example",
    "libspf2 says invalid for a DNS failure: temperror"},
    {"203.0.113.5", "x.example", "a@inc-tempfail.example", SPFCHECK_TEMPERROR,
    "inc-tempfail.example", "a DNS failure inside an include"},
    {"203.0.113.5", "x.example", "a@loop.example", SPFCHECK_PERMERROR, "loop.example",
    "includes itself"},
    {"203.0.113.5", "x.example", "a@loop-a.example", SPFCHECK_PERMERROR, "loop-a.example",
    "a includes b includes a: the lookup limit ends it"},
    {"203.0.113.5", "x.example", "a@many.example", SPFCHECK_PERMERROR, "many.example",
    "11 DNS mechanisms, 10 allowed"},
    {"203.0.113.5", "x.example", "a@syntax.example", SPFCHECK_PERMERROR, "syntax.example",
    "an IPv4 address that is none"},
    {"192.0.2.5", "x.example", "a@two.example", SPFCHECK_PERMERROR, "two.example",
    "two SPF records"},
    {"203.0.113.25", "x.example", "a@mx.example", SPFCHECK_PASS, "mx.example",
    "mx mechanism: the MX host's address"},
    {"203.0.113.26", "x.example", "a@mx.example", SPFCHECK_FAIL, "mx.example",
    "mx mechanism: another address"},
    /* the null sender: postmaster@HELO */
    {"198.51.100.7", "helo.example", "<>", SPFCHECK_PASS, "helo.example",
    "null sender in brackets"},
    {"198.51.100.7", "helo.example", "", SPFCHECK_PASS, "helo.example", "empty sender"},
    {"198.51.100.7", "helo.example", NULL, SPFCHECK_PASS, "helo.example", "NULL sender"},
    {"198.51.100.8", "helo.example", "<>", SPFCHECK_FAIL, "helo.example",
    "null sender, wrong client"},
    /* a MAIL FROM with no local part or no @ still names its domain */
    {"192.0.2.5", "x.example", "pass.example", SPFCHECK_PASS, "pass.example", "no @"},
    {"192.0.2.5", "x.example", "@pass.example", SPFCHECK_PASS, "pass.example", "empty local part"},
    /* IPv6 clients, with the forms MTAs give */
    {"2001:db8::25", "x.example", "a@v6.example", SPFCHECK_PASS, "v6.example", "ip6 matches"},
    {"IPv6:2001:db8::25", "x.example", "a@v6.example", SPFCHECK_PASS, "v6.example",
    "sendmail's IPv6: prefix"},
    {"2001:db9::25", "x.example", "a@v6.example", SPFCHECK_FAIL, "v6.example", "outside /32"},
    {"::ffff:192.0.2.5", "x.example", "a@pass.example", SPFCHECK_PASS, "pass.example",
    "IPv4-mapped: checked as IPv4"},
    /* what cannot be checked at all: none, and libspf2 never sees it */
    {"192.0.2.5", "", "<>", SPFCHECK_NONE, "", "null sender and no HELO"},
    {"192.0.2.5", NULL, NULL, SPFCHECK_NONE, "", "nothing at all"},
    {"192.0.2.5", "[192.0.2.1]", "<>", SPFCHECK_NONE, "[192.0.2.1]",
    "null sender, HELO is an address literal"},
    {"192.0.2.5", "localhost", "<>", SPFCHECK_NONE, "localhost",
    "null sender, single-label HELO"},
    {"192.0.2.5", "x.example", "a@", SPFCHECK_NONE, "", "no domain"},
    {"192.0.2.5", "x.example", "<a@bad..example>", SPFCHECK_NONE, "bad..example",
    "empty label"},
    {"192.0.2.5", "x.example", "a@b\r\n.example", SPFCHECK_NONE, "", "control characters"},
    {"garbage", "x.example", "a@pass.example", SPFCHECK_NONE, "", "client is no address"},
    {"", "x.example", "a@pass.example", SPFCHECK_NONE, "", "empty client"},
    {NULL, "x.example", "a@pass.example", SPFCHECK_NONE, "", "NULL client"},
    {"192.0.2.300", "x.example", "a@pass.example", SPFCHECK_NONE, "", "bad IPv4"},
    /* a bad HELO does not stop the MAIL FROM check */
    {"192.0.2.5", "bad helo\r\n", "a@pass.example", SPFCHECK_PASS, "pass.example",
    "HELO with spaces and CR LF"},
    /* libspf2: loopback always passes (documented; not our choice) */
    {"127.0.0.1", "x.example", "a@pass.example", SPFCHECK_PASS, "pass.example",
    "localhost is always allowed"},
};

static void results(void **state)
{
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
	const SPF_CASE *c = cases + i;
	SPFCHECK_RESULT r;
	SPFCHECK_CODE got = spfcheck_check_host(spf, c->ip, c->helo, c->from, &r);

	if (got != c->expect || r.result != got || strcmp(r.domain, c->domain) != 0)
	    fail_msg("case %zu (%s): got %s for \"%s\" (reason \"%s\"), expected %s for \"%s\"",
		     i, c->why, spfcheck_result_name(got), r.domain, r.reason,
		     spfcheck_result_name(c->expect), c->domain);
	assert_true(r.reason[0] != 0);
	/* the header never holds a control character */
	for (const char *cp = r.received_spf; *cp; cp++)
	    assert_true((unsigned char) *cp >= 0x20 && *cp != 0x7f);
    }
}

/* the identity and the header say what was checked */
static void identities_and_header(void **state)
{
    SPFCHECK_RESULT r;

    spfcheck_check_host(spf, "192.0.2.5", "mx.pass.example", "<a@pass.example>", &r);
    assert_string_equal(r.identity, "mailfrom");
    assert_non_null(strstr(r.received_spf, "Received-SPF: pass"));
    assert_non_null(strstr(r.received_spf, "mx.dealer.test"));	/* the receiver */
    assert_non_null(strstr(r.received_spf, "client-ip=192.0.2.5;"));
    assert_non_null(strstr(r.received_spf, "envelope-from=a@pass.example;"));
    assert_non_null(strstr(r.received_spf, "helo=mx.pass.example;"));
    assert_string_equal(r.explanation, "");

    spfcheck_check_host(spf, "198.51.100.7", "helo.example", "<>", &r);
    assert_string_equal(r.identity, "helo");
    assert_non_null(strstr(r.received_spf, "envelope-from=postmaster@helo.example;"));

    /* temperror: we write the header, libspf2 would say "(invalid)" */
    spfcheck_check_host(spf, "203.0.113.5", "x.example", "a@tempfail.example", &r);
    assert_int_equal(r.result, SPFCHECK_TEMPERROR);
    assert_non_null(strstr(r.received_spf, "Received-SPF: temperror ("));
    assert_null(strstr(r.received_spf, "invalid"));
    print_message("# %s\n", r.received_spf);

    /* a fail carries the domain's explanation, macros expanded */
    spfcheck_check_host(spf, "203.0.113.5", "x.example", "a@exp.example", &r);
    assert_int_equal(r.result, SPFCHECK_FAIL);
    assert_string_equal(r.explanation, "Mail from exp.example is not allowed");

    /* the lookup limit is named in the reason */
    spfcheck_check_host(spf, "203.0.113.5", "x.example", "a@many.example", &r);
    print_message("# many.example: %s\n", r.reason);
}

/* a very long sender is not checked; an over-long HELO is not passed on */
static void long_inputs(void **state)
{
    char    from[2000];
    char    helo[600];
    SPFCHECK_RESULT r;

    memset(from, 'a', sizeof(from) - 1);
    from[sizeof(from) - 1] = 0;
    memcpy(from + sizeof(from) - 14, "@pass.example", 14);
    assert_int_equal(spfcheck_check_host(spf, "192.0.2.5", "x.example", from, &r), SPFCHECK_NONE);
    memset(helo, 'h', sizeof(helo) - 1);
    helo[sizeof(helo) - 1] = 0;
    assert_int_equal(spfcheck_check_host(spf, "192.0.2.5", helo, "a@pass.example", &r),
		     SPFCHECK_PASS);
    assert_non_null(strstr(r.received_spf, "helo=unknown;"));
    assert_int_equal(spfcheck_check_host(spf, "192.0.2.5", helo, "<>", &r), SPFCHECK_NONE);
}

/* no context, no result buffer: statuses, not crashes */
static void null_arguments(void **state)
{
    SPFCHECK_RESULT r;

    assert_int_equal(spfcheck_check_host(NULL, "192.0.2.5", "x.example", "a@pass.example", &r),
		     SPFCHECK_TEMPERROR);
    assert_string_equal(r.reason, "no SPF context");
    assert_int_equal(spfcheck_check_host(spf, "192.0.2.5", "x.example", "a@pass.example", NULL),
		     SPFCHECK_PASS);
    assert_null(spfcheck_new_layer(NULL));
    assert_int_equal(spfcheck_set_receiver(spf, "not a name"), -1);
    assert_int_equal(spfcheck_set_receiver(NULL, "mx.test"), -1);
    spfcheck_free(NULL);
}

static void result_names(void **state)
{
    static const char *const names[] = {
	"none", "neutral", "pass", "fail", "softfail", "temperror", "permerror",
    };

    for (int i = 0; i < SPFCHECK_COUNT; i++)
	assert_string_equal(spfcheck_result_name(i), names[i]);
    assert_string_equal(spfcheck_result_name((SPFCHECK_CODE) 99), "temperror");
}

/* bad DNS settings are refused with the reason */
static void bad_settings(void **state)
{
    const char *servers[] = {"127.0.0.1:99999"};
    DNS_CONF conf;
    char    err[256];

    dns_conf_init(&conf);
    conf.nameservers = servers;
    conf.nameserver_count = 1;
    assert_null(spfcheck_new(&conf, err, sizeof(err)));
    assert_string_equal(err, "nameserver \"127.0.0.1:99999\": bad port \"99999\" (1 to 65535)");
}

/* one context, many threads, the same answers */
#define THREADS	8
#define ROUNDS	200

static void *thread_main(void *arg)
{
    long    bad = 0;

    for (int i = 0; i < ROUNDS; i++) {
	const SPF_CASE *c = cases + i % (sizeof(cases) / sizeof(cases[0]));
	SPFCHECK_RESULT r;

	if (spfcheck_check_host(spf, c->ip, c->helo, c->from, &r) != c->expect)
	    bad++;
    }
    return ((void *) bad);
}

static void threads(void **state)
{
    pthread_t tids[THREADS];
    long    bad = 0;

    for (int i = 0; i < THREADS; i++)
	assert_int_equal(pthread_create(tids + i, NULL, thread_main, NULL), 0);
    /* join them all before any assert: teardown must not free under them */
    for (int i = 0; i < THREADS; i++) {
	void   *one;

	pthread_join(tids[i], &one);
	bad += (long) one;
    }
    assert_int_equal(bad, 0);
}

int     main(void)
{
    const struct CMUnitTest tests[] = {
	cmocka_unit_test(results),
	cmocka_unit_test(identities_and_header),
	cmocka_unit_test(long_inputs),
	cmocka_unit_test(null_arguments),
	cmocka_unit_test(result_names),
	cmocka_unit_test(bad_settings),
	cmocka_unit_test(threads),
    };

    cmocka_set_message_output(CM_OUTPUT_TAP);
    return (cmocka_run_group_tests(tests, setup, teardown) ? 1 : 0);
}
