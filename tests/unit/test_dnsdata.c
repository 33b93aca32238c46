/*
 * test_dnsdata - verdicts as data: the table of names and texts, the text
 * form of a DNS_RESULT (round trip and garbage), domain name syntax,
 * public addresses and SPF record classification.  No network.
 */
#include "config.h"

#include <arpa/inet.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "unit.h"
#include "dnsdata.h"

/* every verdict has a distinct name, a class, and texts in both languages */
static void verdict_table(void **state)
{
    for (int v = 0; v < DNS_V_COUNT; v++) {
	DNS_VERDICT back;

	assert_non_null(dns_verdict_name(v));
	assert_true(strlen(dns_verdict_text(v, "en")) > 10);
	assert_true(strlen(dns_verdict_text(v, "ru")) > 10);
	assert_string_not_equal(dns_verdict_text(v, "en"), dns_verdict_text(v, "ru"));
	assert_int_equal(dns_verdict_by_name(dns_verdict_name(v), &back), 0);
	assert_int_equal(back, v);
	for (int w = 0; w < v; w++)
	    assert_string_not_equal(dns_verdict_name(v), dns_verdict_name(w));
    }
    /* the names other programs store: they must never change */
    assert_string_equal(dns_verdict_name(DNS_V_OK), "ok");
    assert_string_equal(dns_verdict_name(DNS_V_IMPLICIT_MX), "implicit_mx");
    assert_string_equal(dns_verdict_name(DNS_V_NULL_MX), "null_mx");
    assert_string_equal(dns_verdict_name(DNS_V_NO_MAIL), "no_mail");
    assert_string_equal(dns_verdict_name(DNS_V_NO_HOST), "no_mail_host");
    assert_string_equal(dns_verdict_name(DNS_V_PRIVATE_HOST), "private_host");
    assert_string_equal(dns_verdict_name(DNS_V_NXDOMAIN), "nxdomain");
    assert_string_equal(dns_verdict_name(DNS_V_BAD_NAME), "bad_name");
    assert_string_equal(dns_verdict_name(DNS_V_UNKNOWN), "unknown");
    /* a value out of range reads as unknown, never NULL */
    assert_string_equal(dns_verdict_name((DNS_VERDICT) 99), "unknown");
    assert_string_equal(dns_verdict_name((DNS_VERDICT) - 1), "unknown");
    assert_int_equal(dns_verdict_by_name("OK", &(DNS_VERDICT) {0}), -1);
    assert_int_equal(dns_verdict_by_name(NULL, &(DNS_VERDICT) {0}), -1);
}

/* Russian for "ru" in any case and for a locale name; English otherwise */
static void verdict_languages(void **state)
{
    const char *ru = dns_verdict_text(DNS_V_NXDOMAIN, "ru");

    assert_string_equal(ru, "такого домена не существует");
    assert_string_equal(dns_verdict_text(DNS_V_NXDOMAIN, "RU"), ru);
    assert_string_equal(dns_verdict_text(DNS_V_NXDOMAIN, "ru_RU.UTF-8"), ru);
    assert_string_equal(dns_verdict_text(DNS_V_NXDOMAIN, "en"), "the domain does not exist");
    assert_string_equal(dns_verdict_text(DNS_V_NXDOMAIN, NULL), "the domain does not exist");
    assert_string_equal(dns_verdict_text(DNS_V_NXDOMAIN, "de"), "the domain does not exist");
    assert_string_equal(dns_verdict_text(DNS_V_NXDOMAIN, ""), "the domain does not exist");
}

/* the class decides how long a cache keeps a verdict */
static void verdict_classes(void **state)
{
    static const struct {
	DNS_VERDICT v;
	DNS_CLASS class;
    }       cases[] = {
	{DNS_V_OK, DNS_CLASS_VALID},
	{DNS_V_IMPLICIT_MX, DNS_CLASS_WEAK},
	{DNS_V_NULL_MX, DNS_CLASS_INVALID},
	{DNS_V_NO_MAIL, DNS_CLASS_INVALID},
	{DNS_V_NO_HOST, DNS_CLASS_INVALID},
	{DNS_V_PRIVATE_HOST, DNS_CLASS_INVALID},
	{DNS_V_NXDOMAIN, DNS_CLASS_INVALID},
	{DNS_V_BAD_NAME, DNS_CLASS_INVALID},
	{DNS_V_UNKNOWN, DNS_CLASS_TEMP},
	{(DNS_VERDICT) 42, DNS_CLASS_TEMP},
    };

    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
	assert_int_equal(dns_verdict_class(cases[i].v), cases[i].class);
}

static void spf_names(void **state)
{
    for (int s = 0; s < DNS_SPF_COUNT; s++) {
	DNS_SPF back;

	assert_int_equal(dns_spf_by_name(dns_spf_name(s), &back), 0);
	assert_int_equal(back, s);
    }
    assert_string_equal(dns_spf_name(DNS_SPF_REJECT_ALL), "reject_all");
    assert_string_equal(dns_spf_name((DNS_SPF) 77), "unknown");
}

/* domain name syntax: what may be asked for at all */
static void name_syntax(void **state)
{
    char    label63[80];
    char    label64[80];
    char    long253[300];
    char    long254[300];
    static const char *const good[] = {
	"example.com", "example.com.", "a", "xn--80ak6aa92e.xn--p1ai",
	"_dmarc.example.com", "a-b.c", "123.example", "MAIL-OK.TEST",
    };
    static const char *const bad[] = {
	"", ".", "..", "a..b", ".a", "a b", "exa$mple.com", "пример.рф",
	"a.b..", "example.com/", "[192.0.2.1]", "user@example.com", "a\tb",
    };

    for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++)
	assert_true(dns_name_is_valid(good[i]));
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
	assert_false(dns_name_is_valid(bad[i]));
    assert_false(dns_name_is_valid(NULL));

    memset(label63, 'a', 63);
    strcpy(label63 + 63, ".test");
    assert_true(dns_name_is_valid(label63));
    memset(label64, 'a', 64);
    strcpy(label64 + 64, ".test");
    assert_false(dns_name_is_valid(label64));

    /* 253 characters is the most a name may have (254 with the final dot) */
    for (int i = 0; i < 253; i++)
	long253[i] = (i % 2) ? '.' : 'a';
    long253[253] = 0;
    assert_true(dns_name_is_valid(long253));
    strcpy(long254, long253);
    strcat(long254, ".");
    assert_true(dns_name_is_valid(long254));
    strcpy(long254, "b");
    strcat(long254, long253);
    assert_false(dns_name_is_valid(long254));
}

/* addresses a mail host on the Internet may have */
static void public_addresses(void **state)
{
    static const struct {
	const char *addr;
	bool    public;
    }       cases[] = {
	{"192.0.2.10", true},		/* documentation: the test zones */
	{"198.51.100.25", true},
	{"8.8.8.8", true},
	{"0.1.2.3", false},
	{"10.0.0.1", false},
	{"127.0.0.1", false},
	{"169.254.1.1", false},
	{"172.16.0.1", false},
	{"172.31.255.255", false},
	{"172.32.0.1", true},		/* just outside 172.16/12 */
	{"172.15.255.255", true},
	{"192.168.1.1", false},
	{"100.64.0.1", false},
	{"100.127.255.255", false},
	{"100.128.0.1", true},		/* just outside 100.64/10 */
	{"224.0.0.1", false},
	{"239.255.255.255", false},
	{"240.0.0.1", false},
	{"255.255.255.255", false},
	{"223.255.255.255", true},
	{"2001:db8::20", true},
	{"2a00:1450::1", true},
	{"::", false},
	{"::1", false},
	{"::2", true},
	{"fc00::1", false},
	{"fdff:ffff::1", false},
	{"fe80::1", false},
	{"febf::1", false},
	{"fec0::1", true},		/* not in fe80::/10 */
	{"ff02::1", false},
	{"::ffff:10.1.2.3", false},	/* IPv4-mapped: judged as IPv4 */
	{"::ffff:127.0.0.1", false},
	{"::ffff:192.0.2.7", true},
    };

    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
	unsigned char bytes[16];
	int     family = strchr(cases[i].addr, ':') ? AF_INET6 : AF_INET;

	assert_int_equal(inet_pton(family, cases[i].addr, bytes), 1);
	if (dns_addr_is_public(family, bytes) != cases[i].public)
	    fail_msg("%s: expected %s", cases[i].addr, cases[i].public ? "public" : "not public");
    }
    assert_false(dns_addr_is_public(AF_INET, NULL));
    assert_false(dns_addr_is_public(12345, "\x08\x08\x08\x08"));
}

/* SPF records: none, present, reject_all ("v=spf1 -all"), multiple */
static void spf_classify(void **state)
{
    static const struct {
	const char *records[3];
	DNS_SPF expect;
    }       cases[] = {
	{{"v=spf1 -all"}, DNS_SPF_REJECT_ALL},
	{{"V=SPF1 -ALL"}, DNS_SPF_REJECT_ALL},
	{{"v=spf1   -all  "}, DNS_SPF_REJECT_ALL},
	{{"v=spf1 -all exp=why.example"}, DNS_SPF_REJECT_ALL},	/* modifiers aside */
	{{"google-site-verification=x", "v=spf1 -all"}, DNS_SPF_REJECT_ALL},
	{{"v=spf1 ~all"}, DNS_SPF_PRESENT},
	{{"v=spf1 all"}, DNS_SPF_PRESENT},
	{{"v=spf1 ip4:192.0.2.0/24 -all"}, DNS_SPF_PRESENT},
	{{"v=spf1 -all -all"}, DNS_SPF_PRESENT},	/* two mechanisms */
	{{"v=spf1"}, DNS_SPF_PRESENT},
	{{"v=spf1 redirect=_spf.example"}, DNS_SPF_PRESENT},
	{{"v=spf1 a:-all.example"}, DNS_SPF_PRESENT},
	{{"v=spf10 -all"}, DNS_SPF_NONE},
	{{"v=spf1-all"}, DNS_SPF_NONE},
	{{"spf1 -all"}, DNS_SPF_NONE},
	{{"hello"}, DNS_SPF_NONE},
	{{""}, DNS_SPF_NONE},
	{{"v=spf1 -all", "v=spf1 +all"}, DNS_SPF_MULTIPLE},
    };

    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
	size_t  n = 0;

	while (n < 3 && cases[i].records[n] != NULL)
	    n++;
	if (dns_spf_classify(cases[i].records, n) != cases[i].expect)
	    fail_msg("case %zu (%s): got %s", i, cases[i].records[0],
		     dns_spf_name(dns_spf_classify(cases[i].records, n)));
    }
    assert_int_equal(dns_spf_classify(NULL, 0), DNS_SPF_NONE);
    assert_int_equal(dns_spf_classify((const char *const[]) {NULL}, 1), DNS_SPF_NONE);
}

static DNS_RESULT sample(DNS_VERDICT v, const char *mx, const char *error)
{
    DNS_RESULT r;

    memset(&r, 0, sizeof(r));
    r.verdict = v;
    r.spf = DNS_SPF_PRESENT;
    r.rcode = 0;
    r.mx_count = 2;
    r.elapsed_ms = 12;
    snprintf(r.mx, sizeof(r.mx), "%s", mx);
    snprintf(r.error, sizeof(r.error), "%s", error);
    return (r);
}

static void assert_same(const DNS_RESULT *a, const DNS_RESULT *b)
{
    assert_int_equal(a->verdict, b->verdict);
    assert_int_equal(a->spf, b->spf);
    assert_int_equal(a->rcode, b->rcode);
    assert_int_equal(a->mx_count, b->mx_count);
    assert_int_equal(a->elapsed_ms, b->elapsed_ms);
    assert_string_equal(a->mx, b->mx);
    assert_string_equal(a->error, b->error);
}

/* the text form is compact, readable and exact */
static void encode_form(void **state)
{
    DNS_RESULT r = sample(DNS_V_OK, "mx1.mail-ok.test", "");
    char    buf[DNS_RESULT_TEXT_MAX];

    assert_int_equal(dns_result_encode(&r, buf, sizeof(buf)), 39);
    assert_string_equal(buf, "v1 ok present 0 2 12 mx1.mail-ok.test -");

    r = sample(DNS_V_UNKNOWN, "", "MX: 127.0.0.1:53: no answer in time");
    r.rcode = -1;
    r.spf = DNS_SPF_UNCHECKED;
    dns_result_encode(&r, buf, sizeof(buf));
    assert_string_equal(buf, "v1 unknown unchecked -1 2 12 - MX%3A%20127.0.0.1%3A53%3A%20no%20answer%20in%20time");

    /* a lone "-" is not the empty string */
    r = sample(DNS_V_OK, "-", "-");
    dns_result_encode(&r, buf, sizeof(buf));
    assert_string_equal(buf, "v1 ok present 0 2 12 %2D %2D");
}

/* decode(encode(r)) == r, for ordinary and for the worst strings */
static void round_trip(void **state)
{
    DNS_RESULT cases[6];
    char    worst_mx[DNS_NAME_LEN];
    char    worst_err[DNS_ERROR_LEN];
    char    buf[DNS_RESULT_TEXT_MAX];
    DNS_RESULT back;
    int     n;

    memset(worst_mx, '%', sizeof(worst_mx) - 1);
    worst_mx[sizeof(worst_mx) - 1] = 0;
    for (size_t i = 0; i < sizeof(worst_err) - 1; i++)
	worst_err[i] = (char) (0x80 + i % 0x7f);	/* bytes 0x80..0xfe */
    worst_err[sizeof(worst_err) - 1] = 0;

    cases[0] = sample(DNS_V_OK, "mx1.mail-ok.test", "");
    cases[1] = sample(DNS_V_NXDOMAIN, "", "");
    cases[2] = sample(DNS_V_UNKNOWN, "", "TXT: SERVFAIL; spaces & 100% \"quotes\"\n");
    cases[3] = sample(DNS_V_NULL_MX, "weird\\032name.example", "русский текст");
    cases[4] = sample(DNS_V_PRIVATE_HOST, worst_mx, worst_err);
    cases[4].rcode = 65535;
    cases[4].mx_count = 65535;
    cases[4].elapsed_ms = UINT_MAX;
    cases[4].spf = DNS_SPF_MULTIPLE;
    cases[5] = sample(DNS_V_BAD_NAME, "-", "-");
    cases[5].rcode = -1;

    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
	n = dns_result_encode(cases + i, buf, sizeof(buf));
	assert_true(n > 0 && (size_t) n == strlen(buf));
	assert_int_equal(dns_result_decode(buf, strlen(buf), &back), 0);
	assert_same(cases + i, &back);
    }
    /* the worst case fits DNS_RESULT_TEXT_MAX */
    n = dns_result_encode(cases + 4, buf, sizeof(buf));
    assert_true(n > 1000 && n < DNS_RESULT_TEXT_MAX);
}

/* a buffer too small is refused whole, never cut */
static void encode_small_buffer(void **state)
{
    DNS_RESULT r = sample(DNS_V_OK, "mx1.mail-ok.test", "");
    char    buf[64];

    assert_int_equal(dns_result_encode(&r, buf, 40), 39);	/* exact fit */
    assert_int_equal(dns_result_encode(&r, buf, 39), -1);
    assert_string_equal(buf, "");
    assert_int_equal(dns_result_encode(&r, buf, 0), -1);
    assert_int_equal(dns_result_encode(NULL, buf, sizeof(buf)), -1);
}

/* anything but the exact form is refused, and leaves an empty result */
static void decode_garbage(void **state)
{
    static const char *const bad[] = {
	"", "v1", "v1 ok", "v2 ok present 0 2 12 - -",
	"V1 ok present 0 2 12 - -",
	"v1 ok present 0 2 12 -",		/* a field too few */
	"v1 ok present 0 2 12 - - -",		/* a field too many */
	"v1  ok present 0 2 12 - -",		/* empty field */
	"v1 ok present 0 2 12 - - ",		/* trailing space */
	" v1 ok present 0 2 12 - -",
	"v1 ok present 0 2 12 - -\n",
	"v1 bogus present 0 2 12 - -",
	"v1 ok bogus 0 2 12 - -",
	"v1 OK present 0 2 12 - -",
	"v1 ok present x 2 12 - -",
	"v1 ok present -2 2 12 - -",
	"v1 ok present 65536 2 12 - -",
	"v1 ok present +0 2 12 - -",
	"v1 ok present 0 -1 12 - -",
	"v1 ok present 0 2 12x - -",
	"v1 ok present 0 2 99999999999999999999999 - -",
	"v1 ok present 0 2 - - -",
	"v1 ok present 0 2 12 mx% -",
	"v1 ok present 0 2 12 mx%4 -",
	"v1 ok present 0 2 12 mx%G1 -",
	"v1 ok present 0 2 12 mx%00 -",		/* a NUL */
	"v1 ok present 0 2 12 mx/x -",		/* a raw byte outside the set */
	"v1 ok present 0 2 12 mx\xff -",
	"v1 ok present 0 2 12 - %",
    };
    DNS_RESULT r;
    char    big[DNS_RESULT_TEXT_MAX + 10];
    char    longmx[600];
    static const char with_nul[] = "v1 ok present 0 2 12 mx\0x -";

    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
	memset(&r, 0x5a, sizeof(r));
	if (dns_result_decode(bad[i], strlen(bad[i]), &r) != -1)
	    fail_msg("accepted: \"%s\"", bad[i]);
	assert_int_equal(r.verdict, DNS_V_UNKNOWN);
	assert_int_equal(r.rcode, -1);
	assert_string_equal(r.mx, "");
    }
    assert_int_equal(dns_result_decode(with_nul, sizeof(with_nul) - 1, &r), -1);
    assert_int_equal(dns_result_decode(NULL, 5, &r), -1);
    assert_int_equal(dns_result_decode("v1 ok present 0 2 12 - -", 24, NULL), -1);

    /* too long as a whole, and an MX name longer than DNS_NAME_LEN */
    memset(big, 'a', sizeof(big));
    assert_int_equal(dns_result_decode(big, sizeof(big), &r), -1);
    memset(longmx, 'a', sizeof(longmx));
    memcpy(longmx, "v1 ok present 0 2 12 ", 21);
    strcpy(longmx + 21 + 300, " -");
    assert_int_equal(dns_result_decode(longmx, strlen(longmx), &r), -1);

    /* the length given counts, not a NUL: a prefix of a good line is bad */
    assert_int_equal(dns_result_decode("v1 ok present 0 2 12 - -", 22, &r), -1);
    assert_int_equal(dns_result_decode("v1 ok present 0 2 12 - -", 24, &r), 0);
}

/* random bytes and mutations never crash; what decodes re-encodes */
static void decode_fuzz(void **state)
{
    DNS_RESULT r = sample(DNS_V_OK, "mx1.mail-ok.test", "x y");
    char    good[DNS_RESULT_TEXT_MAX];
    char    buf[DNS_RESULT_TEXT_MAX];
    char    again[DNS_RESULT_TEXT_MAX];
    uint32_t seed = 12345;
    int     accepted = 0;

    dns_result_encode(&r, good, sizeof(good));
    for (int round = 0; round < 200000; round++) {
	size_t  len = strlen(good);
	DNS_RESULT out;
	DNS_RESULT twice;

	memset(buf, 'x', sizeof(buf));		/* lengths may go past the line */
	memcpy(buf, good, len);
	for (int k = 0; k < 1 + round % 4; k++) {
	    seed = seed * 1103515245 + 12345;
	    if (round % 7 == 0)
		len = seed % (sizeof(buf) - 1);
	    buf[(seed >> 8) % (len ? len : 1)] = (char) (seed >> 16);
	}
	if (dns_result_decode(buf, len, &out) == 0) {
	    accepted++;
	    assert_true(dns_result_encode(&out, again, sizeof(again)) > 0);
	    assert_int_equal(dns_result_decode(again, strlen(again), &twice), 0);
	    assert_same(&out, &twice);
	}
    }
    assert_true(accepted > 0);
}

int     main(void)
{
    const struct CMUnitTest tests[] = {
	cmocka_unit_test(verdict_table),
	cmocka_unit_test(verdict_languages),
	cmocka_unit_test(verdict_classes),
	cmocka_unit_test(spf_names),
	cmocka_unit_test(name_syntax),
	cmocka_unit_test(public_addresses),
	cmocka_unit_test(spf_classify),
	cmocka_unit_test(encode_form),
	cmocka_unit_test(round_trip),
	cmocka_unit_test(encode_small_buffer),
	cmocka_unit_test(decode_garbage),
	cmocka_unit_test(decode_fuzz),
    };

    return (UNIT_RUN(tests));
}
