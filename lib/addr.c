/*++
 * NAME
 *	addr 3
 * SUMMARY
 *	e-mail address parsing and normalization
 * SYNOPSIS
 *	#include "addr.h"
 *
 *	int	addr_parse(const char *input, size_t len, ADDR *out)
 *
 *	void	addr_envelope_bare(const char *in, char *out, size_t size)
 * DESCRIPTION
 *	addr_envelope_bare() copies an envelope address as an MTA hands
 *	it over ("<a@b>", " <a@b> ", "a@b", "<>") without its angle
 *	brackets and blanks, truncated to size.
 *
 *	addr_parse() checks one mailbox as RFC 5321 defines it (the
 *	addr-spec of RFC 5322 without its obsolete forms) and writes its
 *	normalized forms into a caller-owned ADDR.  The input is len
 *	octets of anything: it need not be NUL-terminated, and NUL bytes,
 *	invalid UTF-8 and megabytes of junk are refused with a reason,
 *	never read past.  The result is ADDR_OK or an ADDR_REASON, also
 *	stored in out->reason; on failure every string in out is empty.
 *
 *	What a person pastes is cleaned, not refused, and ADDR_F_CLEANED
 *	says so: surrounding white space (also CR, LF, no-break and
 *	zero-width spaces, a byte-order mark), one pair of enclosing angle
 *	brackets, a "mailto:" prefix (any case; its "?query" is dropped
 *	and %XX escapes are decoded), one trailing dot on the domain, and
 *	full-width Latin in the domain.  Input longer than ADDR_INPUT_MAX
 *	once trimmed is refused without a closer look.
 *
 *	The local part is a dot-atom.  A quoted string is accepted and
 *	flagged ADDR_F_QUOTED; its needless quotes and escapes are removed
 *	("ivan"@x is ivan@x).  Non-ASCII (RFC 6531) local parts must be
 *	UTF-8 and are flagged ADDR_F_UTF8_LOCAL: they need SMTPUTF8 on
 *	every hop.  A decomposed Cyrillic short i or io (a letter and a
 *	combining mark) is composed, as NFC would; other text is kept as
 *	given (full NFC would need libunistring).  Display names, comments,
 *	source routes and quoted words mixed with atoms are refused with
 *	their own reasons, before any character-level reason, so the
 *	person is told what they did rather than which octet is wrong.
 *
 *	The domain is checked by addr_domain.c: lower-cased, converted to
 *	A-labels with libidn2 when it holds non-ASCII (IDNA 2008, UTS 46
 *	non-transitional), and never sent to libidn2 when it is plain
 *	ASCII without "xn--" labels.  ADDR_F_IDN is set when it has
 *	A-labels.
 *
 *	Limits are counted in octets of the ASCII form: local part 64,
 *	domain 253, label 63, whole address 254.
 *
 *	What out holds on success:
 * .IP local
 *	the local part, case as given, needless quoting removed;
 * .IP domain
 *	the domain in A-label form, lower case;
 * .IP udomain
 *	the domain in U-label form, for display (the same as domain for
 *	ASCII names);
 * .IP address
 *	local@domain: what goes on the wire (with SMTPUTF8 when flagged);
 * .IP key
 *	the address with its local part case-folded (ASCII, Latin-1,
 *	Greek and Cyrillic letters): liveaddr treats addresses as
 *	case-insensitive, so this is the key to store them under;
 * .IP display
 *	local@udomain, what a person should see.
 * .PP
 *	The reasons' names and texts are in addr_reason.c, the UTF-8
 *	helpers in addr_utf8.c.
 * MEMORY
 *	Nothing is allocated for ASCII domains; the work buffers are on the
 *	stack (about 8 KB).  See addr_domain.c for libidn2 and its
 *	per-thread cache.  addr_parse() may be called from any number of
 *	threads.
 * DIAGNOSTICS
 *	ADDR_INTERNAL when libidn2 runs out of memory.  Nothing is logged:
 *	the caller decides what a refused address means.
 *--*/

#include "config.h"

#include <stdbool.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "addr.h"
#include "addr_int.h"

/*
 * A decomposed letter and the precomposed one NFC makes of it: the
 * Cyrillic letters whose combining form turns up in pasted text.
 */
static const struct {
    unsigned base;
    unsigned mark;
    unsigned composed;
} addr_compose[] = {
    {0x0438, 0x0306, 0x0439},		/* и + breve = й */
    {0x0418, 0x0306, 0x0419},		/* И + breve = Й */
    {0x0435, 0x0308, 0x0451},		/* е + diaeresis = ё */
    {0x0415, 0x0308, 0x0401},		/* Е + diaeresis = Ё */
    {0x0443, 0x0306, 0x045E},		/* у + breve = ў */
    {0x0423, 0x0306, 0x040E},		/* У + breve = Ў */
    {0x0456, 0x0308, 0x0457},		/* і + diaeresis = ї */
    {0x0406, 0x0308, 0x0407},		/* І + diaeresis = Ї */
};

/* addr_hexval - value of a hex digit, or -1 */

static int addr_hexval(int c)
{
    if (ADDR_IS_DIGIT(c))
	return (c - '0');
    c |= 0x20;
    if (c >= 'a' && c <= 'f')
	return (c - 'a' + 10);
    return (-1);
}

/*
 * addr_unwrap - remove what pasting adds around an address: angle
 * brackets, "mailto:" and its query.  Points *core at what is left (in
 * the input, or in work, ADDR_INPUT_MAX + 1 octets, when a mailto: URI
 * had to be decoded) and returns its length, or -1 when it is too long.
 */

static long addr_unwrap(const char *input, size_t len, char *work,
			        const unsigned char **core, unsigned *flags)
{
    const unsigned char *s = (const unsigned char *) input;
    const unsigned char *e = s + len;
    bool    mailto = false;
    size_t  n;

    if (addr_trim(&s, &e))
	*flags |= ADDR_F_CLEANED;
    for (int round = 0; round < 2; round++) {
	if (e - s >= 2 && s[0] == '<' && e[-1] == '>'
	    && memchr(s + 1, '<', (size_t) (e - s) - 2) == NULL
	    && memchr(s + 1, '>', (size_t) (e - s) - 2) == NULL) {
	    s++, e--;
	    *flags |= ADDR_F_CLEANED;
	    (void) addr_trim(&s, &e);
	}
	if (!mailto && e - s >= 7 && s[6] == ':' && (s[0] | 0x20) == 'm'
	    && strncasecmp((const char *) s, "mailto:", 7) == 0) {
	    const unsigned char *q;

	    s += 7;
	    mailto = true;
	    if ((q = memchr(s, '?', (size_t) (e - s))) != NULL)
		e = q;
	    *flags |= ADDR_F_CLEANED;
	    (void) addr_trim(&s, &e);
	}
    }
    if ((n = (size_t) (e - s)) > ADDR_INPUT_MAX)
	return (-1);
    if (!mailto) {
	*core = s;
	return ((long) n);
    }
    /* RFC 6068: the address in a mailto URI is percent-encoded. */
    size_t  o = 0;

    for (size_t i = 0; i < n; i++) {
	int     hi, lo;

	if (s[i] == '%' && i + 2 < n
	    && (hi = addr_hexval(s[i + 1])) >= 0
	    && (lo = addr_hexval(s[i + 2])) >= 0) {
	    work[o++] = (char) (hi * 16 + lo);
	    i += 2;
	} else {
	    work[o++] = (char) s[i];
	}
    }
    work[o] = 0;
    *core = (const unsigned char *) work;
    return ((long) o);
}

/*
 * What one pass over the core finds: where the @ signs are, whether
 * there is structure a person added (names, comments, lists), and the
 * first character-level problem.
 */
typedef struct {
    size_t  at;				/* first @ outside quotes */
    int     nat;			/* @ signs outside quotes */
    size_t  qend;			/* end of a leading quoted string */
    bool    open_quote;			/* that string is not closed */
    bool    quote_bad;			/* bad character inside it */
    bool    angle;			/* < ... > */
    bool    paren;			/* ( ... ) */
    bool    space;			/* white space outside quotes */
    bool    multi;			/* separator between two @ */
    bool    nonascii_domain;		/* non-ASCII after the first @ */
    ADDR_REASON hard;			/* control, encoding, invisible */
} ADDR_SCAN;

/* addr_scan - one pass over the core */

static void addr_scan(const unsigned char *p, size_t n, ADDR_SCAN *sc)
{
    bool    in_q = (n > 0 && p[0] == '"');
    bool    lt = false, lp = false;
    bool    sep_after_at = false;
    size_t  i = in_q ? 1 : 0;

    memset(sc, 0, sizeof(*sc));
    while (i < n) {
	unsigned c = p[i];
	unsigned cp;
	size_t  k;

	/* Letters, digits, dots: nothing to note, in quotes or out. */
	if (addr_ctype[c] & (ADDR_C_ATEXT | ADDR_C_DOT)) {
	    while (++i < n && (addr_ctype[p[i]] & (ADDR_C_ATEXT | ADDR_C_DOT)))
		 /* void */ ;
	    continue;
	}
	if (c < 0x80) {
	    if (c < 0x20 || c == 0x7F) {
		if (c == '\t' && !in_q) {
		    sc->space = sep_after_at = true;
		} else if (c == '\t') {
		    sc->quote_bad = true;
		} else if (sc->hard == ADDR_OK) {
		    sc->hard = ADDR_CONTROL_CHAR;
		}
		i++;
		continue;
	    }
	    if (in_q) {
		if (c == '\\' && i + 1 < n && p[i + 1] >= 0x20 && p[i + 1] < 0x7F) {
		    i += 2;
		    continue;
		}
		if (c == '\\')
		    sc->quote_bad = true;
		if (c == '"') {
		    in_q = false;
		    sc->qend = i + 1;
		}
		i++;
		continue;
	    }
	    switch (c) {
	    case '@':
		if (sc->nat++ == 0)
		    sc->at = i;
		else if (sep_after_at)
		    sc->multi = true;
		break;
	    case ' ':
		sc->space = true;
		/* FALLTHROUGH */
	    case ',':
	    case ';':
		if (sc->nat > 0)
		    sep_after_at = true;
		break;
	    case '<':
		lt = true;
		break;
	    case '>':
		sc->angle |= lt;
		break;
	    case '(':
		lp = true;
		break;
	    case ')':
		sc->paren |= lp;
		break;
	    }
	    i++;
	    continue;
	}
	if ((k = addr_utf8_decode(p + i, n - i, &cp)) == 0) {
	    if (sc->hard == ADDR_OK || sc->hard == ADDR_INVISIBLE_CHAR)
		sc->hard = ADDR_BAD_UTF8;
	    i++;
	    continue;
	}
	if (sc->nat > 0)
	    sc->nonascii_domain = true;
	switch (addr_cp_reason(cp)) {
	case ADDR_OK:
	    break;
	case ADDR_SPACE:
	    if (in_q) {
		sc->quote_bad = true;
	    } else {
		sc->space = true;
		if (sc->nat > 0)
		    sep_after_at = true;
	    }
	    break;
	case ADDR_INVISIBLE_CHAR:
	    if (sc->hard == ADDR_OK)
		sc->hard = ADDR_INVISIBLE_CHAR;
	    break;
	default:				/* C1 control, non-character */
	    if (sc->hard == ADDR_OK || sc->hard == ADDR_INVISIBLE_CHAR)
		sc->hard = addr_cp_reason(cp);
	    break;
	}
	i += k;
    }
    sc->open_quote = in_q;
}

/* addr_structure - the reason a person's structure makes, or ADDR_OK */

static ADDR_REASON addr_structure(const unsigned char *p, size_t n,
				          const ADDR_SCAN *sc)
{
    if (sc->hard == ADDR_CONTROL_CHAR || sc->hard == ADDR_BAD_UTF8)
	return (sc->hard);
    if (sc->angle)
	return (ADDR_DISPLAY_NAME);
    if (sc->paren)
	return (ADDR_COMMENT);
    if (n > 0 && p[0] == '@' && sc->nat > 1 && memchr(p, ':', n) != NULL)
	return (ADDR_OBSOLETE);			/* source route @a,@b:u@c */
    if (sc->multi)
	return (ADDR_MULTIPLE);
    if (sc->open_quote)
	return (ADDR_QUOTED_BAD);
    if (sc->nat == 0)
	return (ADDR_NO_AT);
    if (sc->nat > 1)
	return (ADDR_MULTIPLE_AT);
    if (sc->hard != ADDR_OK)
	return (sc->hard);
    if (sc->space)
	return (ADDR_SPACE);
    if (sc->quote_bad)
	return (ADDR_QUOTED_BAD);
    return (ADDR_OK);
}

/*
 * addr_dot_atom - check an unquoted local part; counts non-ASCII.  The
 * characters were checked for encoding by addr_scan().
 */

static ADDR_REASON addr_dot_atom(const unsigned char *p, size_t n, bool *utf8)
{
    if (n == 0)
	return (ADDR_LOCAL_EMPTY);
    for (size_t i = 0; i < n; i++) {
	unsigned c;

	while (i < n && (addr_ctype[p[i]] & ADDR_C_ATEXT))
	    i++;
	if (i == n)
	    break;
	if ((c = p[i]) == '.') {
	    if (i == 0)
		return (ADDR_LOCAL_DOT_START);
	    if (p[i - 1] == '.')
		return (ADDR_LOCAL_DOTS);
	    if (i == n - 1)
		return (ADDR_LOCAL_DOT_END);
	} else if (c >= 0x80) {
	    *utf8 = true;
	} else {
	    return (c == ',' ? ADDR_COMMA
		    : c == '"' ? ADDR_OBSOLETE : ADDR_LOCAL_CHAR);
	}
    }
    return (ADDR_OK);
}

/* addr_compose_nfc - compose the decomposed letters of addr_compose[] */

static size_t addr_compose_nfc(char *buf, size_t n)
{
    size_t  i = 0, o = 0;
    unsigned prev = 0;
    size_t  prev_at = 0;

    while (i < n) {
	unsigned cp;
	size_t  k = addr_utf8_decode((unsigned char *) buf + i, n - i, &cp);
	bool    done = false;

	if (k == 0)				/* cannot happen: checked */
	    k = 1, cp = (unsigned char) buf[i];
	for (size_t j = 0; !done && (cp == 0x0306 || cp == 0x0308)
	     && j < sizeof(addr_compose) / sizeof(addr_compose[0]); j++) {
	    if (addr_compose[j].base == prev && addr_compose[j].mark == cp) {
		o = prev_at + addr_utf8_encode(addr_compose[j].composed,
					       buf + prev_at);
		prev = 0;
		done = true;
	    }
	}
	if (!done) {
	    prev_at = o;
	    prev = cp;
	    memmove(buf + o, buf + i, k);
	    o += k;
	}
	i += k;
    }
    return (o);
}

/*
 * addr_local - check the local part [p, p+n) and write its canonical
 * form into out->local.
 */

static ADDR_REASON addr_local(const unsigned char *p, size_t n,
			              const ADDR_SCAN *sc, ADDR *out)
{
    char    buf[ADDR_INPUT_MAX + 1];
    size_t  len = 0;
    bool    utf8 = false;
    ADDR_REASON r;

    if (n == 0)
	return (ADDR_LOCAL_EMPTY);
    if (sc->qend == 0) {
	if ((r = addr_dot_atom(p, n, &utf8)) != ADDR_OK)
	    return (r);
	if (!utf8) {				/* the common case: no copies */
	    if (n > ADDR_LOCAL_MAX)
		return (ADDR_LOCAL_TOO_LONG);
	    memcpy(out->local, p, n);
	    out->local[n] = 0;
	    out->local_len = n;
	    return (ADDR_OK);
	}
	memcpy(buf, p, n);
	len = n;
    } else {
	/* A quoted string; what follows it must be the @. */
	if (sc->qend != n)
	    return (p[sc->qend] == '.' ? ADDR_OBSOLETE : ADDR_LOCAL_CHAR);
	for (size_t i = 1; i + 1 < n; i++) {
	    if (p[i] == '\\')
		i++;
	    else if (p[i] >= 0x80)
		utf8 = true;
	    buf[len++] = (char) p[i];
	}
	if (len == 0)
	    return (ADDR_LOCAL_EMPTY);
	out->flags |= ADDR_F_QUOTED;
	if (addr_dot_atom((unsigned char *) buf, len, &utf8) != ADDR_OK) {
	    /* Needs its quotes: write it back with minimal escapes. */
	    char    q[ADDR_LOCAL_MAX * 2 + 3];
	    size_t  qn = 0;

	    if (len + 2 > ADDR_LOCAL_MAX)
		return (ADDR_LOCAL_TOO_LONG);

	    q[qn++] = '"';
	    for (size_t i = 0; i < len; i++) {
		if (buf[i] == '"' || buf[i] == '\\')
		    q[qn++] = '\\';
		q[qn++] = buf[i];
	    }
	    q[qn++] = '"';
	    if (qn > ADDR_LOCAL_MAX)
		return (ADDR_LOCAL_TOO_LONG);
	    memcpy(buf, q, qn);
	    len = qn;
	}
    }
    if (utf8) {
	out->flags |= ADDR_F_UTF8_LOCAL;
	len = addr_compose_nfc(buf, len);
    }
    if (len > ADDR_LOCAL_MAX)
	return (ADDR_LOCAL_TOO_LONG);
    memcpy(out->local, buf, len);
    out->local[len] = 0;
    out->local_len = len;
    return (ADDR_OK);
}

/* addr_reset - an empty result */

void    addr_reset(ADDR *out)
{
    out->reason = ADDR_OK;
    out->flags = 0;
    out->local[0] = out->domain[0] = out->udomain[0] = 0;
    out->address[0] = out->key[0] = out->display[0] = 0;
    out->local_len = out->domain_len = out->address_len = 0;
}

/* addr_fail - record a reason, clear the strings, return the reason */

int     addr_fail(ADDR *out, ADDR_REASON reason)
{
    unsigned flags = out->flags;

    addr_reset(out);
    out->flags = flags & ADDR_F_CLEANED;
    out->reason = reason;
    return (reason);
}

/* addr_fold_local - case-fold the local part into dst */

static void addr_fold_local(const char *src, size_t n, bool utf8, char *dst)
{
    if (!utf8) {
	for (size_t i = 0; i < n; i++)
	    dst[i] = (char) ADDR_TOLOWER((unsigned char) src[i]);
	return;
    }
    for (size_t i = 0; i < n;) {
	unsigned cp;
	size_t  k;

	if ((unsigned char) src[i] < 0x80) {
	    dst[i] = (char) ADDR_TOLOWER((unsigned char) src[i]);
	    i++;
	    continue;
	}
	k = addr_utf8_decode((const unsigned char *) src + i, n - i, &cp);
	if (k == 0) {
	    dst[i] = src[i];
	    i++;
	    continue;
	}
	if (addr_utf8_encode(addr_fold_case(cp), dst + i) != k)
	    memcpy(dst + i, src + i, k);	/* cannot happen: same length */
	i += k;
    }
}

/* addr_parse - check and normalize one address */

int     addr_parse(const char *input, size_t len, ADDR *out)
{
    char    work[ADDR_INPUT_MAX + 1];
    const unsigned char *p;
    ADDR_SCAN sc;
    ADDR_REASON r;
    long    n;
    size_t  pos, ulen;

    addr_reset(out);
    if (input == NULL)
	len = 0;
    if ((n = addr_unwrap(input ? input : "", len, work, &p, &out->flags)) < 0)
	return (addr_fail(out, ADDR_TOO_LONG));
    if (n == 0)
	return (addr_fail(out, ADDR_EMPTY));
    addr_scan(p, (size_t) n, &sc);
    if ((r = addr_structure(p, (size_t) n, &sc)) != ADDR_OK)
	return (addr_fail(out, r));
    if ((r = addr_local(p, sc.at, &sc, out)) != ADDR_OK)
	return (addr_fail(out, r));
    if ((r = addr_check_domain(p + sc.at + 1, (size_t) n - sc.at - 1,
			 sc.nonascii_domain, out)) != ADDR_OK)
	return (addr_fail(out, r));
    if (out->local_len + 1 + out->domain_len > ADDR_ADDRESS_MAX)
	return (addr_fail(out, ADDR_TOO_LONG));

    pos = out->local_len;
    memcpy(out->address, out->local, pos);
    out->address[pos] = '@';
    memcpy(out->address + pos + 1, out->domain, out->domain_len + 1);
    out->address_len = pos + 1 + out->domain_len;

    addr_fold_local(out->local, out->local_len,
		    (out->flags & ADDR_F_UTF8_LOCAL) != 0, out->key);
    memcpy(out->key + pos, out->address + pos, out->domain_len + 2);

    memcpy(out->display, out->local, pos);
    out->display[pos] = '@';
    ulen = (out->flags & ADDR_F_IDN) ? strlen(out->udomain) : out->domain_len;
    memcpy(out->display + pos + 1, out->udomain, ulen + 1);
    return (ADDR_OK);
}

/* addr_envelope_bare - an envelope address without <> and blanks */

void    addr_envelope_bare(const char *in, char *out, size_t size)
{
    size_t  n;

    while (*in == ' ' || *in == '<')
	in++;
    snprintf(out, size, "%s", in);
    n = strlen(out);
    while (n > 0 && (out[n - 1] == '>' || out[n - 1] == ' '))
	out[--n] = 0;
}
