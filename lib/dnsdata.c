/*++
 * NAME
 *	dnsdata 3
 * SUMMARY
 *	domain verdicts as data: names, texts, classes, encoding
 * SYNOPSIS
 *	#include "dnsdata.h"
 *
 *	const char *dns_verdict_name(DNS_VERDICT verdict)
 *	const char *dns_verdict_text(DNS_VERDICT verdict, const char *lang)
 *	DNS_CLASS dns_verdict_class(DNS_VERDICT verdict)
 *	int	dns_verdict_by_name(const char *name, DNS_VERDICT *verdict)
 *	const char *dns_spf_name(DNS_SPF spf)
 *	int	dns_spf_by_name(const char *name, DNS_SPF *spf)
 *
 *	int	dns_result_encode(const DNS_RESULT *result, char *buf, size_t len)
 *	int	dns_result_decode(const char *text, size_t len, DNS_RESULT *result)
 *
 *	bool	dns_name_is_valid(const char *ascii_domain)
 *	bool	dns_addr_is_public(int family, const void *addr)
 *	DNS_SPF dns_spf_classify(const char *const *records, size_t count)
 * DESCRIPTION
 *	Everything about a domain verdict that needs no network: one table
 *	gives each verdict its stable machine name (for logs, Redis and the
 *	CRM), its class (valid, weak, invalid, temporary: what a cache does
 *	with it) and a sentence for people in English and Russian.
 *	dns_verdict_text() picks Russian when lang starts with "ru" (e.g.
 *	"ru" or "ru_RU.UTF-8") and English otherwise.  Names and texts of a
 *	value out of range are those of DNS_V_UNKNOWN, so they are never NULL.
 *	dns_verdict_by_name() and dns_spf_by_name() map a machine name back
 *	(0, or -1 for an unknown name).
 *
 *	dns_result_encode() writes a DNS_RESULT as one line of text for a
 *	shared store (Redis), version 1:
 * .nf
 *		v1 VERDICT SPF RCODE MX_COUNT ELAPSED_MS MX ERROR
 *	e.g.	v1 ok present 0 2 12 mx1.mail-ok.test -
 * .fi
 *	VERDICT and SPF are machine names; MX and ERROR are "-" when empty,
 *	otherwise every byte outside [A-Za-z0-9._-] is written as %XX (a
 *	lone "-" as %2D), so fields never hold a space.  The result is
 *	NUL-terminated; it returns the length, or -1 when buf is too small
 *	(DNS_RESULT_TEXT_MAX is always enough).  dns_result_decode() reads
 *	exactly that form from text[0..len) (no NUL needed) and returns 0,
 *	or -1 for anything else: another version, a field too many or too
 *	few, an unknown name, a number out of range, a bad %-escape, a NUL.
 *	On -1, *result is zeroed (DNS_V_UNKNOWN), never half filled.
 *
 *	dns_name_is_valid() accepts an ASCII domain name: labels of letters,
 *	digits, "-" and "_", 1 to 63 characters each, 253 in all, one final
 *	dot allowed.  Non-ASCII names must be converted to A-labels first.
 *
 *	dns_addr_is_public() says whether an IPv4 (AF_INET, 4 bytes) or IPv6
 *	(AF_INET6, 16 bytes) address may be a mail host on the Internet: not
 *	0/8, 10/8, 127/8, 169.254/16, 172.16/12, 192.168/16, 100.64/10,
 *	224/4, 240/4, ::, ::1, fc00::/7, fe80::/10, ff00::/8, nor an
 *	IPv4-mapped (::ffff:0:0/96) form of those.  Documentation ranges
 *	(192.0.2.0/24, 2001:db8::/32) count as public: the test zones use them.
 *
 *	dns_spf_classify() looks at the TXT records of a name (each record's
 *	strings already joined): no "v=spf1" record is DNS_SPF_NONE, two or
 *	more DNS_SPF_MULTIPLE, one whose only mechanism is "-all" (modifiers
 *	aside) DNS_SPF_REJECT_ALL, any other DNS_SPF_PRESENT.
 * THREADS
 *	Everything here is reentrant: constant tables and caller's buffers.
 * DIAGNOSTICS
 *	None: functions return a status, never abort, whatever the input.
 *--*/

#include "config.h"

#include <errno.h>
#include <limits.h>
#include <netinet/in.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>

#include "dnsdata.h"

/*
 * One row per verdict: the machine name (stable: it is stored and sent
 * to the CRM), the class, and the text for people in English and Russian.
 */
static const struct {
    const char *name;
    DNS_CLASS class;
    const char *en;
    const char *ru;
}       dns_verdicts[DNS_V_COUNT] = {
    [DNS_V_UNKNOWN] = {"unknown", DNS_CLASS_TEMP,
	"the domain could not be checked (DNS error or timeout); it will be checked again",
	"домен не удалось проверить (ошибка DNS или тайм-аут); проверка будет повторена"},
    [DNS_V_OK] = {"ok", DNS_CLASS_VALID,
	"the domain has mail servers (MX records)",
	"у домена есть почтовые серверы (записи MX)"},
    [DNS_V_IMPLICIT_MX] = {"implicit_mx", DNS_CLASS_WEAK,
	"the domain has no MX records, but mail can go to its own address (A/AAAA)",
	"у домена нет записей MX, но почту можно доставить на его собственный адрес (A/AAAA)"},
    [DNS_V_NULL_MX] = {"null_mx", DNS_CLASS_INVALID,
	"the domain says it accepts no mail (null MX)",
	"домен сообщает, что не принимает почту (null MX)"},
    [DNS_V_NO_MAIL] = {"no_mail", DNS_CLASS_INVALID,
	"not a mail domain: no MX records, and its SPF record rejects all mail",
	"домен не почтовый: записей MX нет, а его запись SPF запрещает любую почту"},
    [DNS_V_NO_HOST] = {"no_mail_host", DNS_CLASS_INVALID,
	"the domain has no mail server: no MX records and no address",
	"у домена нет почтового сервера: нет ни записей MX, ни адреса"},
    [DNS_V_PRIVATE_HOST] = {"private_host", DNS_CLASS_INVALID,
	"the domain has no MX records and only private (non-public) addresses",
	"у домена нет записей MX, а его адреса только внутренние (не публичные)"},
    [DNS_V_NXDOMAIN] = {"nxdomain", DNS_CLASS_INVALID,
	"the domain does not exist",
	"такого домена не существует"},
    [DNS_V_BAD_NAME] = {"bad_name", DNS_CLASS_INVALID,
	"this is not a valid domain name",
	"это недопустимое доменное имя"},
};

static const char *const dns_spf_names[DNS_SPF_COUNT] = {
    [DNS_SPF_UNCHECKED] = "unchecked",
    [DNS_SPF_UNKNOWN] = "unknown",
    [DNS_SPF_NONE] = "none",
    [DNS_SPF_PRESENT] = "present",
    [DNS_SPF_REJECT_ALL] = "reject_all",
    [DNS_SPF_MULTIPLE] = "multiple",
};

/* dns_verdict_index - a table index; out of range means "unknown" */

static size_t dns_verdict_index(DNS_VERDICT verdict)
{
    return ((unsigned) verdict < DNS_V_COUNT ? (size_t) verdict : DNS_V_UNKNOWN);
}

/* dns_verdict_name - stable machine name */

const char *dns_verdict_name(DNS_VERDICT verdict)
{
    return (dns_verdicts[dns_verdict_index(verdict)].name);
}

/* dns_verdict_text - a sentence for people, English or Russian */

const char *dns_verdict_text(DNS_VERDICT verdict, const char *lang)
{
    size_t  idx = dns_verdict_index(verdict);

    if (lang != NULL && strncasecmp(lang, "ru", 2) == 0)
	return (dns_verdicts[idx].ru);
    return (dns_verdicts[idx].en);
}

/* dns_verdict_class - valid, weak, invalid or temporary */

DNS_CLASS dns_verdict_class(DNS_VERDICT verdict)
{
    return (dns_verdicts[dns_verdict_index(verdict)].class);
}

/* dns_verdict_by_name - machine name to verdict */

int     dns_verdict_by_name(const char *name, DNS_VERDICT *verdict)
{
    for (size_t i = 0; name != NULL && i < DNS_V_COUNT; i++) {
	if (strcmp(name, dns_verdicts[i].name) == 0) {
	    *verdict = (DNS_VERDICT) i;
	    return (0);
	}
    }
    return (-1);
}

/* dns_spf_name - stable machine name of an SPF state */

const char *dns_spf_name(DNS_SPF spf)
{
    return (dns_spf_names[(unsigned) spf < DNS_SPF_COUNT ? spf : DNS_SPF_UNKNOWN]);
}

/* dns_spf_by_name - machine name to SPF state */

int     dns_spf_by_name(const char *name, DNS_SPF *spf)
{
    for (size_t i = 0; name != NULL && i < DNS_SPF_COUNT; i++) {
	if (strcmp(name, dns_spf_names[i]) == 0) {
	    *spf = (DNS_SPF) i;
	    return (0);
	}
    }
    return (-1);
}

/* dns_name_is_valid - ASCII domain name syntax (LDH and "_") */

bool    dns_name_is_valid(const char *name)
{
    size_t  len;
    size_t  label = 0;

    if (name == NULL)
	return (false);
    len = strlen(name);
    if (len > 0 && name[len - 1] == '.')
	len--;
    if (len == 0 || len > 253)
	return (false);
    for (size_t i = 0; i < len; i++) {
	unsigned char ch = (unsigned char) name[i];

	if (ch == '.') {
	    if (label == 0)
		return (false);
	    label = 0;
	} else if ((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z')
		   || (ch >= '0' && ch <= '9') || ch == '-' || ch == '_') {
	    if (++label > 63)
		return (false);
	} else {
	    return (false);
	}
    }
    return (label > 0);
}

 /*
  * Address ranges that are no mail host on the Internet.
  */
typedef struct {
    unsigned bits;
    uint8_t prefix[16];
} DNS_PREFIX;

static const DNS_PREFIX dns_private4[] = {
    {8, {0}},				/* "this network" */
    {8, {10}},				/* RFC 1918 */
    {8, {127}},				/* loopback */
    {16, {169, 254}},			/* link local */
    {12, {172, 16}},			/* RFC 1918 */
    {16, {192, 168}},			/* RFC 1918 */
    {10, {100, 64}},			/* carrier-grade NAT */
    {4, {224}},				/* multicast */
    {4, {240}},				/* reserved, broadcast */
};

static const DNS_PREFIX dns_private6[] = {
    {128, {0}},				/* unspecified */
    {128, {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1}},	/* loopback */
    {7, {0xfc}},			/* unique local */
    {10, {0xfe, 0x80}},			/* link local */
    {8, {0xff}},			/* multicast */
};

static const uint8_t dns_mapped_prefix[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};

/* dns_prefix_match - does addr start with the prefix's first bits? */

static bool dns_prefix_match(const uint8_t *addr, const DNS_PREFIX *pfx)
{
    unsigned full = pfx->bits / 8;
    unsigned rest = pfx->bits % 8;

    if (memcmp(addr, pfx->prefix, full) != 0)
	return (false);
    if (rest == 0)
	return (true);
    return (((addr[full] ^ pfx->prefix[full]) & (0xff << (8 - rest)) & 0xff) == 0);
}

/* dns_addr_is_public - may this address be a mail host on the Internet? */

bool    dns_addr_is_public(int family, const void *addr)
{
    const uint8_t *bytes = addr;
    const DNS_PREFIX *table;
    size_t  count;

    if (addr == NULL)
	return (false);
    if (family == AF_INET6 && memcmp(bytes, dns_mapped_prefix, 12) == 0)
	return (dns_addr_is_public(AF_INET, bytes + 12));
    if (family == AF_INET) {
	table = dns_private4;
	count = sizeof(dns_private4) / sizeof(dns_private4[0]);
    } else if (family == AF_INET6) {
	table = dns_private6;
	count = sizeof(dns_private6) / sizeof(dns_private6[0]);
    } else {
	return (false);
    }
    for (size_t i = 0; i < count; i++)
	if (dns_prefix_match(bytes, table + i))
	    return (false);
    return (true);
}

/* dns_spf_term_is_modifier - "name=value" (RFC 7208 section 4.6.1) */

static bool dns_spf_term_is_modifier(const char *term, size_t len)
{
    size_t  i = 0;

    if (len == 0 || !((term[0] >= 'a' && term[0] <= 'z')
		      || (term[0] >= 'A' && term[0] <= 'Z')))
	return (false);
    while (i < len && term[i] != '=' && term[i] != ':' && term[i] != '/')
	i++;
    return (i < len && term[i] == '=');
}

/* dns_spf_is_record - does a TXT string start with "v=spf1"? */

static bool dns_spf_is_record(const char *txt)
{
    return (strncasecmp(txt, "v=spf1", 6) == 0 && (txt[6] == ' ' || txt[6] == 0));
}

/* dns_spf_classify - none, present, reject_all or multiple */

DNS_SPF dns_spf_classify(const char *const *records, size_t count)
{
    const char *spf = NULL;
    size_t  found = 0;
    size_t  mechanisms = 0;
    bool    reject_all = false;
    const char *cp;

    for (size_t i = 0; records != NULL && i < count; i++) {
	if (records[i] != NULL && dns_spf_is_record(records[i])) {
	    spf = records[i];
	    found++;
	}
    }
    if (found == 0)
	return (DNS_SPF_NONE);
    if (found > 1)
	return (DNS_SPF_MULTIPLE);
    for (cp = spf + 6; *cp != 0; /* void */ ) {
	size_t  len;

	cp += strspn(cp, " ");
	if ((len = strcspn(cp, " ")) == 0)
	    break;
	if (!dns_spf_term_is_modifier(cp, len)) {
	    mechanisms++;
	    reject_all = (len == 4 && strncasecmp(cp, "-all", 4) == 0);
	}
	cp += len;
    }
    return (mechanisms == 1 && reject_all ? DNS_SPF_REJECT_ALL : DNS_SPF_PRESENT);
}

 /*
  * The text form of a DNS_RESULT.
  */
#define DNS_TEXT_VERSION	"v1"
#define DNS_TEXT_FIELDS		8

typedef struct {
    char   *buf;
    size_t  len;
    size_t  used;
    bool    overflow;
} DNS_WRITER;

/* dns_put - append bytes, remembering overflow */

static void dns_put(DNS_WRITER *wr, const char *data, size_t len)
{
    if (wr->overflow || len >= wr->len - wr->used) {
	wr->overflow = true;
	return;
    }
    memcpy(wr->buf + wr->used, data, len);
    wr->used += len;
    wr->buf[wr->used] = 0;
}

/* dns_text_safe - may this byte appear as itself in a text field? */

static bool dns_text_safe(unsigned char ch)
{
    return ((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z')
	    || (ch >= '0' && ch <= '9') || ch == '.' || ch == '_' || ch == '-');
}

/* dns_put_text - one %-encoded string field; "-" when empty */

static void dns_put_text(DNS_WRITER *wr, const char *text, size_t max)
{
    size_t  len = strnlen(text, max);
    char    esc[4];

    if (len == 0) {
	dns_put(wr, "-", 1);
	return;
    }
    for (size_t i = 0; i < len; i++) {
	unsigned char ch = (unsigned char) text[i];

	if (dns_text_safe(ch) && !(len == 1 && ch == '-')) {
	    dns_put(wr, text + i, 1);
	} else {
	    snprintf(esc, sizeof(esc), "%%%02X", ch);
	    dns_put(wr, esc, 3);
	}
    }
}

/* dns_result_encode - one line of text, version 1 */

int     dns_result_encode(const DNS_RESULT *result, char *buf, size_t len)
{
    DNS_WRITER wr = {buf, len, 0, false};
    char    nums[80];
    int     n;

    if (result == NULL || buf == NULL || len == 0)
	return (-1);
    buf[0] = 0;
    n = snprintf(nums, sizeof(nums), " %d %u %u ",
		 result->rcode, result->mx_count, result->elapsed_ms);
    dns_put(&wr, DNS_TEXT_VERSION " ", 3);
    dns_put(&wr, dns_verdict_name(result->verdict), strlen(dns_verdict_name(result->verdict)));
    dns_put(&wr, " ", 1);
    dns_put(&wr, dns_spf_name(result->spf), strlen(dns_spf_name(result->spf)));
    dns_put(&wr, nums, (size_t) n);
    dns_put_text(&wr, result->mx, sizeof(result->mx));
    dns_put(&wr, " ", 1);
    dns_put_text(&wr, result->error, sizeof(result->error));
    if (wr.overflow) {
	buf[0] = 0;
	return (-1);
    }
    return ((int) wr.used);
}

/* dns_hex_value - one hex digit, or -1 */

static int dns_hex_value(char ch)
{
    if (ch >= '0' && ch <= '9')
	return (ch - '0');
    if (ch >= 'A' && ch <= 'F')
	return (ch - 'A' + 10);
    if (ch >= 'a' && ch <= 'f')
	return (ch - 'a' + 10);
    return (-1);
}

/* dns_get_text - decode one string field into out[size] */

static int dns_get_text(const char *field, char *out, size_t size)
{
    size_t  used = 0;

    if (strcmp(field, "-") == 0) {
	out[0] = 0;
	return (0);
    }
    for (const char *cp = field; *cp; cp++) {
	int     ch = (unsigned char) *cp;

	if (*cp == '%') {
	    int     hi = dns_hex_value(cp[1]);
	    int     lo = hi < 0 ? -1 : dns_hex_value(cp[2]);

	    if (lo < 0 || (ch = hi * 16 + lo) == 0)
		return (-1);
	    cp += 2;
	} else if (!dns_text_safe((unsigned char) ch)) {
	    return (-1);
	}
	if (used + 1 >= size)
	    return (-1);
	out[used++] = (char) ch;
    }
    out[used] = 0;
    return (0);
}

/* dns_get_number - a decimal number in [min, max] */

static int dns_get_number(const char *field, long min, long max, long *out)
{
    char   *end;
    long    val;

    if (!((field[0] >= '0' && field[0] <= '9') || (field[0] == '-' && field[1] != 0)))
	return (-1);
    errno = 0;
    val = strtol(field, &end, 10);
    if (errno != 0 || *end != 0 || val < min || val > max)
	return (-1);
    *out = val;
    return (0);
}

/* dns_result_decode - read the version 1 text form */

int     dns_result_decode(const char *text, size_t len, DNS_RESULT *result)
{
    char    copy[DNS_RESULT_TEXT_MAX];
    char   *field[DNS_TEXT_FIELDS];
    size_t  nfield = 0;
    char   *cp;
    long    rcode;
    long    mx_count;
    long    elapsed;

    if (result == NULL)
	return (-1);
    memset(result, 0, sizeof(*result));
    result->rcode = -1;
    if (text == NULL || len == 0 || len >= sizeof(copy) || memchr(text, 0, len) != NULL)
	return (-1);
    memcpy(copy, text, len);
    copy[len] = 0;
    for (cp = copy; /* void */ ; cp++) {
	if (nfield == DNS_TEXT_FIELDS)
	    goto bad;
	field[nfield++] = cp;
	if ((cp = strchr(cp, ' ')) == NULL)
	    break;
	*cp = 0;
    }
    if (nfield != DNS_TEXT_FIELDS)
	goto bad;
    for (size_t i = 0; i < nfield; i++)
	if (field[i][0] == 0)
	    goto bad;
    if (strcmp(field[0], DNS_TEXT_VERSION) != 0
	|| dns_verdict_by_name(field[1], &result->verdict) < 0
	|| dns_spf_by_name(field[2], &result->spf) < 0
	|| dns_get_number(field[3], -1, 65535, &rcode) < 0
	|| dns_get_number(field[4], 0, 65535, &mx_count) < 0
	|| dns_get_number(field[5], 0, UINT_MAX < LONG_MAX ? UINT_MAX : LONG_MAX,
			  &elapsed) < 0
	|| dns_get_text(field[6], result->mx, sizeof(result->mx)) < 0
	|| dns_get_text(field[7], result->error, sizeof(result->error)) < 0)
	goto bad;
    result->rcode = (int) rcode;
    result->mx_count = (unsigned) mx_count;
    result->elapsed_ms = (unsigned) elapsed;
    return (0);

bad:
    memset(result, 0, sizeof(*result));
    result->rcode = -1;
    return (-1);
}
