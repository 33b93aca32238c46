/*++
 * NAME
 *	addr_domain 3
 * SUMMARY
 *	domain checks and IDNA conversion for address parsing
 * SYNOPSIS
 *	#include "addr.h"
 *
 *	int	addr_parse_domain(const char *input, size_t len, ADDR *out)
 *
 *	#include "addr_int.h"
 *
 *	ADDR_REASON addr_check_domain(const unsigned char *d, size_t n,
 *				bool nonascii, ADDR *out)
 * DESCRIPTION
 *	addr_parse_domain() checks a domain alone (the lists of the
 *	suggestion module, a DNS caller): it trims white space and one
 *	trailing dot and fills reason, flags, domain, udomain and
 *	domain_len of out; it returns ADDR_OK or the reason.
 *
 *	addr_check_domain() is the domain half of addr_parse(): it checks
 *	the n octets at d (n <= ADDR_INPUT_MAX) and fills out->domain,
 *	out->domain_len and out->udomain.
 *
 *	Rules: letters, digits and hyphens; no hyphen at either end of a
 *	label, no "--" in the third and fourth positions except in "xn--";
 *	1 to 63 octets a label, at most 253 in all; at least two labels;
 *	the last label not all digits (four numeric labels: an IP address);
 *	no address literal in brackets.  The result is lower case.
 *
 *	A pure-ASCII domain is checked here without libidn2, unless a label
 *	starts with "xn--": then libidn2 checks the whole name round trip
 *	(A-label to U-label and back must give the same text).  A domain
 *	with non-ASCII is first checked for the mistakes a person can see
 *	(a comma, an empty label, a bad ASCII character), then converted by
 *	idn2_to_ascii_8z() with IDN2_NONTRANSITIONAL | IDN2_NFC_INPUT (UTS
 *	46 mapping: case, full-width forms, NFC; ß stays ß), and the result
 *	is checked like any ASCII domain.  When libidn2 was built without
 *	TR46 the fallback is plain IDNA 2008.  There is no IDNA 2003
 *	(transitional) fallback: it would admit "»" or emoji in a domain
 *	and map ß to ss, which names another domain.  Full-width Latin that
 *	maps to plain ASCII sets ADDR_F_CLEANED; a domain with A-labels
 *	sets ADDR_F_IDN and gets its U-label form from
 *	idn2_to_unicode_8z8z().
 * MEMORY
 *	libidn2's results are freed before return; the ASCII path
 *	allocates nothing.  Each thread keeps the results of its last IDN
 *	conversions (64 slots, about 32 KB of thread-local storage), since
 *	libidn2 costs microseconds a name and a CRM's IDN domains repeat.
 * DIAGNOSTICS
 *	libidn2 errors are mapped to reasons (a label too long, a bad
 *	hyphen, bad punycode; ADDR_IDN_INVALID for the rest, ADDR_INTERNAL
 *	when it runs out of memory).
 *--*/

#include "config.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <idn2.h>

#include "addr.h"
#include "addr_int.h"

#define ADDR_IDN2_FLAGS	(IDN2_NONTRANSITIONAL | IDN2_NFC_INPUT)

/*
 * addr_ascii_domain - check an ASCII domain and write it lower-cased
 * into dst, which has room for n + 1 octets.  *xn is set when a label
 * starts with "xn--".  The caller checks the total length.
 */

static ADDR_REASON addr_ascii_domain(const unsigned char *d, size_t n,
				             char *dst, bool *xn)
{
    size_t  i = 0;
    int     nlabels = 0;
    int     numeric = 0;

    if (n == 0)
	return (ADDR_DOMAIN_EMPTY);
    if (d[0] == '[')
	return (ADDR_LITERAL);
    for (;;) {
	size_t  start = i, len;
	unsigned digits = ADDR_C_DIGIT;
	const unsigned char *l = d + start;

	/* One label: letters, digits, hyphens, lower-cased on the way. */
	while (i < n && (addr_ctype[d[i]] & ADDR_C_LDH)) {
	    unsigned cls = addr_ctype[d[i]];

	    digits &= cls | (d[i] == '-' ? ADDR_C_DIGIT : 0);
	    dst[i] = (char) (d[i] | (cls & ADDR_C_UPPER));
	    i++;
	}
	if (i < n && d[i] != '.')
	    return (d[i] == ',' ? ADDR_COMMA
		    : d[i] == ' ' ? ADDR_SPACE : ADDR_DOMAIN_CHAR);
	if ((len = i - start) == 0)
	    return (ADDR_LABEL_EMPTY);
	if (len > ADDR_LABEL_MAX)
	    return (ADDR_LABEL_TOO_LONG);
	if (l[0] == '-' || l[len - 1] == '-')
	    return (ADDR_LABEL_HYPHEN);
	if (len >= 4 && l[2] == '-' && l[3] == '-') {
	    if ((l[0] | 0x20) != 'x' || (l[1] | 0x20) != 'n')
		return (ADDR_LABEL_RESERVED);
	    *xn = true;
	}
	nlabels++;
	numeric += (digits != 0);
	if (i == n) {
	    if (digits)				/* the last label is a number */
		return (nlabels == 4 && numeric == 4 ? ADDR_DOMAIN_IP
			: nlabels < 2 ? ADDR_DOTLESS : ADDR_TLD_NUMERIC);
	    break;
	}
	dst[i++] = '.';
    }
    dst[n] = 0;
    if (nlabels < 2)
	return (ADDR_DOTLESS);
    return (ADDR_OK);
}

/*
 * addr_idn2_ascii - libidn2 lookup, UTS 46 non-transitional.  A libidn2
 * built without TR46 refuses the flags: plain IDNA 2008 is the fallback.
 * There is deliberately no fallback to transitional (IDNA 2003) mapping:
 * it lets symbols and punctuation through ("mail.ru»" would become
 * "mail.xn--ru-efa") and maps ß to ss, another domain.
 */

static int addr_idn2_ascii(const char *in, char **out)
{
    int     rc;

    *out = NULL;
    rc = idn2_to_ascii_8z(in, out, ADDR_IDN2_FLAGS);
    if (rc == IDN2_INVALID_FLAGS)
	rc = idn2_to_ascii_8z(in, out, IDN2_NFC_INPUT);
    return (rc);
}

/* addr_idn2_reason - map a libidn2 error to a reason */

static ADDR_REASON addr_idn2_reason(int rc, bool alabel)
{
    static const struct {
	int     rc;
	ADDR_REASON reason;
    }       map[] = {
	{IDN2_MALLOC, ADDR_INTERNAL},
	{IDN2_TOO_BIG_DOMAIN, ADDR_DOMAIN_TOO_LONG},
	{IDN2_TOO_BIG_LABEL, ADDR_LABEL_TOO_LONG},
	{IDN2_HYPHEN_STARTEND, ADDR_LABEL_HYPHEN},
	{IDN2_2HYPHEN, ADDR_LABEL_RESERVED},
	{IDN2_PUNYCODE_BAD_INPUT, ADDR_ALABEL_INVALID},
	{IDN2_PUNYCODE_BIG_OUTPUT, ADDR_ALABEL_INVALID},
	{IDN2_PUNYCODE_OVERFLOW, ADDR_ALABEL_INVALID},
	{IDN2_INVALID_ALABEL, ADDR_ALABEL_INVALID},
	{IDN2_UALABEL_MISMATCH, ADDR_ALABEL_INVALID},
	{IDN2_ALABEL_ROUNDTRIP_FAILED, ADDR_ALABEL_INVALID},
    };

    /* Encoding a U-label: output too big for punycode = label too long. */
    if (!alabel && rc == IDN2_PUNYCODE_BIG_OUTPUT)
	return (ADDR_LABEL_TOO_LONG);
    for (size_t i = 0; i < sizeof(map) / sizeof(map[0]); i++)
	if (map[i].rc == rc)
	    return (map[i].reason);
    return (alabel ? ADDR_ALABEL_INVALID : ADDR_IDN_INVALID);
}

/* addr_set_udomain - the U-label form of out->domain, for display */

static void addr_set_udomain(ADDR *out)
{
    char   *u = NULL;

    if ((out->flags & ADDR_F_IDN) != 0
	&& idn2_to_unicode_8z8z(out->domain, &u, 0) == IDN2_OK
	&& strlen(u) <= ADDR_UDOMAIN_MAX) {
	strcpy(out->udomain, u);
    } else {
	memcpy(out->udomain, out->domain, out->domain_len + 1);
    }
    free(u);
}

/*
 * A per-thread cache of IDN conversions.  libidn2 takes microseconds per
 * name (UTS 46 mapping, NFC, punycode both ways) where the ASCII path
 * takes nanoseconds, and a CRM's IDN domains repeat (a company's staff,
 * a mail provider's .рф name).  Direct-mapped by a hash of the domain as
 * written; failures are cached too.  Thread-local, so no locks.
 */
#define ADDR_IDN_SLOTS	64
#define ADDR_IDN_KEY	96		/* longer names are not cached */
#define ADDR_IDN_ULEN	128

typedef struct {
    size_t  keylen;			/* 0: empty slot */
    char    key[ADDR_IDN_KEY];		/* the domain as written */
    ADDR_REASON reason;
    unsigned flags;			/* ADDR_F_ bits the conversion set */
    size_t  dlen;
    char    domain[ADDR_DOMAIN_MAX + 1];
    char    udomain[ADDR_IDN_ULEN];
} ADDR_IDN_SLOT;

static _Thread_local ADDR_IDN_SLOT addr_idn_cache[ADDR_IDN_SLOTS];

/* addr_idn_convert - the libidn2 half: A-label check or U-label conversion */

static ADDR_REASON addr_idn_convert(const unsigned char *d, size_t n,
				            bool nonascii, ADDR *out)
{
    char    buf[ADDR_INPUT_MAX + 1];
    bool    xn = false;
    ADDR_REASON r;
    char   *ascii;
    int     rc;

    if (!nonascii) {
	/* out->domain holds the checked, lower-cased A-label form. */
	rc = addr_idn2_ascii(out->domain, &ascii);
	if (rc == IDN2_OK && strcmp(ascii, out->domain) != 0)
	    rc = IDN2_ALABEL_ROUNDTRIP_FAILED;
	free(ascii);
	if (rc != IDN2_OK) {
	    out->domain[0] = 0;
	    out->domain_len = 0;
	    return (addr_idn2_reason(rc, true));
	}
	out->flags |= ADDR_F_IDN;
	addr_set_udomain(out);
	return (ADDR_OK);
    }
    memcpy(buf, d, n);
    buf[n] = 0;
    if ((rc = addr_idn2_ascii(buf, &ascii)) != IDN2_OK) {
	free(ascii);
	return (addr_idn2_reason(rc, false));
    }
    n = strlen(ascii);
    if (n > ADDR_DOMAIN_MAX) {
	free(ascii);
	return (ADDR_DOMAIN_TOO_LONG);
    }
    r = addr_ascii_domain((unsigned char *) ascii, n, out->domain, &xn);
    free(ascii);
    if (r != ADDR_OK) {
	out->domain[0] = 0;
	return (r);
    }
    out->domain_len = n;
    /* Full-width Latin maps to plain ASCII: a cleaning, not an IDN. */
    out->flags |= xn ? ADDR_F_IDN : ADDR_F_CLEANED;
    addr_set_udomain(out);
    return (ADDR_OK);
}

/* addr_idn_cached - addr_idn_convert() through the per-thread cache */

static ADDR_REASON addr_idn_cached(const unsigned char *d, size_t n,
				           bool nonascii, ADDR *out)
{
    uint64_t h = 0xcbf29ce484222325ULL;
    ADDR_IDN_SLOT *slot;
    unsigned before = out->flags;
    ADDR_REASON r;
    size_t  ulen;

    if (n > ADDR_IDN_KEY)
	return (addr_idn_convert(d, n, nonascii, out));
    for (size_t i = 0; i < n; i++)
	h = (h ^ d[i]) * 0x100000001b3ULL;
    slot = addr_idn_cache + (h >> 32) % ADDR_IDN_SLOTS;
    if (slot->keylen == n && memcmp(slot->key, d, n) == 0) {
	out->flags |= slot->flags;
	if (slot->reason == ADDR_OK) {
	    memcpy(out->domain, slot->domain, slot->dlen + 1);
	    out->domain_len = slot->dlen;
	    strcpy(out->udomain, slot->udomain);
	}
	return (slot->reason);
    }
    r = addr_idn_convert(d, n, nonascii, out);
    if (r == ADDR_INTERNAL
	|| (ulen = (r == ADDR_OK ? strlen(out->udomain) : 0)) >= ADDR_IDN_ULEN)
	return (r);
    slot->keylen = n;
    memcpy(slot->key, d, n);
    slot->reason = r;
    slot->flags = out->flags & ~before;
    slot->dlen = r == ADDR_OK ? out->domain_len : 0;
    memcpy(slot->domain, out->domain, slot->dlen);
    slot->domain[slot->dlen] = 0;
    memcpy(slot->udomain, r == ADDR_OK ? out->udomain : "", ulen + 1);
    return (r);
}

/* addr_has_dot - a dot, or one of the three full stops UTS 46 maps to it */

static bool addr_has_dot(const unsigned char *d, size_t n)
{
    for (size_t i = 0; i < n; i++) {
	if (d[i] == '.')
	    return (true);
	if (i + 2 < n && ((d[i] == 0xE3 && d[i + 1] == 0x80 && d[i + 2] == 0x82)
			  || (d[i] == 0xEF && d[i + 1] == 0xBC && d[i + 2] == 0x8E)
			  || (d[i] == 0xEF && d[i + 1] == 0xBD && d[i + 2] == 0xA1)))
	    return (true);
    }
    return (false);
}

/*
 * addr_check_domain - check the domain [d, d+n), n <= ADDR_INPUT_MAX, and
 * fill out->domain, out->domain_len and out->udomain.
 */

ADDR_REASON addr_check_domain(const unsigned char *d, size_t n, bool nonascii,
			              ADDR *out)
{
    bool    xn = false;
    ADDR_REASON r;

    if (n > 1 && d[n - 1] == '.' && d[n - 2] != '.') {
	n--;					/* pasted "ivan@mail.ru." */
	out->flags |= ADDR_F_CLEANED;
    }
    if (n == 0)
	return (ADDR_DOMAIN_EMPTY);
    if (d[0] == '[')
	return (ADDR_LITERAL);

    /* The fast path: ASCII, no libidn2 unless a label is an A-label. */
    if (!nonascii) {
	if (n > ADDR_DOMAIN_MAX) {
	    /* Report a bad label or character before the length. */
	    char    tmp[ADDR_INPUT_MAX + 1];

	    r = addr_ascii_domain(d, n, tmp, &xn);
	    return (r == ADDR_OK ? ADDR_DOMAIN_TOO_LONG : r);
	}
	if ((r = addr_ascii_domain(d, n, out->domain, &xn)) != ADDR_OK)
	    return (r);
	out->domain_len = n;
	if (!xn) {
	    memcpy(out->udomain, out->domain, n + 1);
	    return (ADDR_OK);
	}
	return (addr_idn_cached(d, n, false, out));
    }

    /*
     * Non-ASCII: report the ASCII mistakes a person can see first (a
     * comma, an empty label, no dot at all), then let libidn2 map and
     * convert, and check what it made like any ASCII domain.  Only the
     * three Unicode full stops become dots under UTS 46, so a name with
     * none of them is one label whatever libidn2 says.
     */
    for (size_t i = 0; i < n; i++) {
	if (d[i] == ',')
	    return (ADDR_COMMA);
	if (d[i] == '.' && (i == 0 || d[i - 1] == '.'))
	    return (ADDR_LABEL_EMPTY);
	if (d[i] < 0x80 && !ADDR_IS_ALNUM(d[i]) && d[i] != '-' && d[i] != '.')
	    return (ADDR_DOMAIN_CHAR);
    }
    if (!addr_has_dot(d, n))
	return (ADDR_DOTLESS);
    return (addr_idn_cached(d, n, true, out));
}

/* addr_parse_domain - check and normalize a domain alone */

int     addr_parse_domain(const char *input, size_t len, ADDR *out)
{
    const unsigned char *s = (const unsigned char *) (input ? input : "");
    const unsigned char *e = s + (input ? len : 0);
    bool    nonascii = false;
    ADDR_REASON r;
    size_t  n;

    addr_reset(out);
    if (addr_trim(&s, &e))
	out->flags |= ADDR_F_CLEANED;
    if ((n = (size_t) (e - s)) == 0)
	return (addr_fail(out, ADDR_DOMAIN_EMPTY));
    if (n > ADDR_INPUT_MAX)
	return (addr_fail(out, ADDR_DOMAIN_TOO_LONG));
    for (size_t i = 0; i < n; i++) {
	if (s[i] < 0x20 || s[i] == 0x7F)
	    return (addr_fail(out, ADDR_CONTROL_CHAR));
	if (s[i] >= 0x80) {
	    unsigned cp;
	    size_t  k = addr_utf8_decode(s + i, n - i, &cp);

	    if (k == 0)
		return (addr_fail(out, ADDR_BAD_UTF8));
	    if ((r = addr_cp_reason(cp)) != ADDR_OK)
		return (addr_fail(out, r));
	    nonascii = true;
	    i += k - 1;
	}
    }
    if ((r = addr_check_domain(s, n, nonascii, out)) != ADDR_OK)
	return (addr_fail(out, r));
    return (ADDR_OK);
}
