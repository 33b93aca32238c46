/*++
 * NAME
 *	report_util 3
 * SUMMARY
 *	small text tools of the report readers
 * SYNOPSIS
 *	#include "report_int.h"
 *
 *	void	rbuf_init(RBUF *b, size_t max)
 *	void	rbuf_append(RBUF *b, const char *s, size_t len)
 *	void	rbuf_puts(RBUF *b, const char *s)
 *	void	rbuf_free(RBUF *b)
 *
 *	const char *report_addr_find(const char *s, size_t len, size_t *alen)
 *	const char *report_addr_scan(const char *s, size_t len, size_t *alen,
 *				bool need_dot)
 *	bool	report_addr_copy(char *dst, size_t dstlen, const char *s, size_t len)
 *	size_t	report_fold(char *dst, size_t dstlen, const char *s, size_t len)
 *	size_t	report_append_text(char *dst, size_t dstlen, const char *s, size_t len)
 *	size_t	report_append_at(char *dst, size_t have, size_t dstlen,
 *					const char *s, size_t len)
 * DESCRIPTION
 *	An RBUF is a growing buffer with a ceiling: rbuf_append() keeps
 *	at most max bytes and sets cut when it drops some, nomem when an
 *	allocation failed.  rbuf_free() frees the data; the RBUF itself is
 *	the caller's.
 *
 *	report_addr_find() finds the first thing that looks like an
 *	address (local@domain.tld) in len bytes of text and returns its
 *	start and length, or NULL.  Each byte is looked at a bounded
 *	number of times: local parts and domains cannot contain "@", so
 *	the scans to either side of two "@" never overlap.
 *	report_addr_scan() is the same, and also takes a domain without a
 *	dot when need_dot is false (DSN fields name local hosts so).
 *	report_addr_copy() copies one, in lower case; false when it does
 *	not fit.
 *
 *	report_fold() copies text as one line: each run of white space
 *	becomes one space, the ends are trimmed, and a cut never splits a
 *	UTF-8 character.  report_append_text() does that after what dst
 *	holds, with a space between; report_append_at() is the same for a
 *	caller that knows strlen(dst) already (have).  The three return
 *	the length of the result.  The lower-case copies are in
 *	report_lower.c; the status, reply code and command finders in
 *	report_diag.c; the "Name: value" look-ups in report_field.c.
 *--*/

#include "config.h"

#include <ctype.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "bytetab.h"
#include "report_int.h"

/* rbuf_init - an empty buffer that keeps at most max bytes */

void    rbuf_init(RBUF *b, size_t max)
{
    memset(b, 0, sizeof(*b));
    b->max = max;
}

/* rbuf_free - release the data */

void    rbuf_free(RBUF *b)
{
    free(b->data);
    b->data = NULL;
    b->len = b->cap = 0;
}

/* rbuf_append - append up to the ceiling */

void    rbuf_append(RBUF *b, const char *s, size_t len)
{
    if (len > b->max - b->len) {
	len = b->max - b->len;
	b->cut = true;
    }
    if (len == 0 || b->nomem)
	return;
    if (b->len + len + 1 > b->cap) {
	size_t  cap = b->cap ? b->cap : 1024;
	char   *data;

	while (cap < b->len + len + 1)
	    cap *= 2;
	if ((data = realloc(b->data, cap)) == NULL) {
	    b->nomem = true;
	    return;
	}
	b->data = data;
	b->cap = cap;
    }
    memcpy(b->data + b->len, s, len);
    b->len += len;
    b->data[b->len] = 0;
}

void    rbuf_puts(RBUF *b, const char *s)
{
    rbuf_append(b, s, strlen(s));
}

/*
 * Characters of a local part (RFC 5322 atext, dots, UTF-8) and a domain:
 * tables (C locale letters), not isalnum() and strchr() per byte.
 */
#define ADDR_ALNUM(c)	(((c) >= '0' && (c) <= '9') || ((c) >= 'A' && (c) <= 'Z') \
			 || ((c) >= 'a' && (c) <= 'z') || (c) >= 0x80)
#define ADDR_ATEXT(c)	((c) == '!' || (c) == '#' || (c) == '$' || (c) == '%' || (c) == '&' \
			 || (c) == '\'' || (c) == '*' || (c) == '+' || (c) == '-' || (c) == '/' \
			 || (c) == '=' || (c) == '?' || (c) == '^' || (c) == '_' || (c) == '`' \
			 || (c) == '{' || (c) == '|' || (c) == '}' || (c) == '~' || (c) == '.')
#define ADDR_CLASS(c)	((ADDR_ALNUM(c) || ADDR_ATEXT(c) ? 1 : 0) \
			 | (ADDR_ALNUM(c) || (c) == '-' || (c) == '.' || (c) == '_' ? 2 : 0) \
			 | ((ADDR_ALNUM(c) && (c) < 0x80) || (c) == '-' || (c) == '_' ? 4 : 0))

/* bit 1: a local part's byte, bit 2: a domain's, 4: a domain's in ASCII but "." */
static const unsigned char addr_class[256] = {BYTETAB_256(ADDR_CLASS)};

#define local_char(c)	((addr_class[(unsigned char) (c)] & 1) != 0)

/*
 * quoted_local - a quoted local part that ends with the quote at close:
 * its opening quote's offset in *open.  At most 64 bytes of printable
 * ASCII, no quote, backslash or "<" inside, not empty.
 */
static bool quoted_local(const unsigned char *u, size_t close, size_t *open)
{
    for (size_t i = close; i > 0 && close - i < 64; i--) {
	unsigned char c = u[i - 1];

	if (c == '"') {
	    *open = i - 1;
	    return (i < close);
	}
	if (c < 0x20 || c >= 0x7f || c == '\\' || c == '<')
	    return (false);
    }
    return (false);
}

/* report_addr_find - the first address in text */

const char *report_addr_find(const char *s, size_t len, size_t *alen)
{
    return (report_addr_scan(s, len, alen, true));
}

/* report_addr_scan - the first address; need_dot: the domain has a dot */

const char *report_addr_scan(const char *s, size_t len, size_t *alen, bool need_dot)
{
    const unsigned char *u = (const unsigned char *) s;

    for (size_t at = 0; at < len; at++) {
	const unsigned char *hit = memchr(u + at, '@', len - at);
	size_t  l, r, dots = 0;
	bool    ascii;

	if (hit == NULL)
	    break;
	at = (size_t) (hit - u);
	if (at > 1 && u[at - 1] == '"' && quoted_local(u, at - 1, &l)) {
	    /* "neko....nyaan"@example.org: the quotes belong to it */
	} else {
	    for (l = at; l > 0 && local_char(u[l - 1]); l--)
		 /* void */ ;
	    while (l < at && (u[l] == '.' || u[l] == '\'' || u[l] == '/'))
		l++;				/* 'addr' and paths */
	    if (l == at)
		continue;
	}
	if (at + 1 < len && u[at + 1] == '[') {
	    /* an address literal */
	    for (r = at + 2; r < len && r - at < 64 && (isxdigit(u[r]) || u[r] == '.'
						       || u[r] == ':'); r++)
		 /* void */ ;
	    if (r < len && u[r] == ']' && r > at + 2) {
		*alen = r + 1 - l;
		return (s + l);
	    }
	    continue;
	}
	/* a label that starts in ASCII ends there: "example.jp" in "example.jpさま" */
	ascii = at + 1 < len && u[at + 1] < 0x80;
	for (r = at + 1; r < len; r++) {
	    if (addr_class[u[r]] & 4)		/* the usual: letters, digits, - _ */
		continue;
	    if (u[r] == '.') {
		dots++;
		ascii = r + 1 < len && u[r + 1] < 0x80;
	    } else if (u[r] < 0x80 || ascii)
		break;				/* no domain byte; 8-bit after ASCII */
	}
	while (r > at + 1 && (u[r - 1] == '.' || u[r - 1] == '-'))
	    if (u[--r] == '.')
		dots--;
	if ((need_dot && dots == 0) || r == at + 1 || u[at + 1] == '.' || u[at + 1] == '-')
	    continue;
	*alen = r - l;
	return (s + l);
    }
    *alen = 0;
    return (NULL);
}

/* report_addr_copy - an address in lower case */

bool    report_addr_copy(char *dst, size_t dstlen, const char *s, size_t len)
{
    if (len == 0 || len >= dstlen) {
	*dst = 0;
	return (false);
    }
    /* tolower() of the C locale, eight bytes at a time */
    report_lower(dst, dstlen, s, len);
    return (true);
}

/* utf8_cut - the longest prefix of n bytes that ends on a character */

static size_t utf8_cut(const char *s, size_t n)
{
    size_t  i = n;

    while (i > 0 && ((unsigned char) s[i - 1] & 0xC0) == 0x80 && n - i < 3)
	i--;
    if (i > 0 && (unsigned char) s[i - 1] >= 0xC0) {
	unsigned char c = (unsigned char) s[i - 1];
	size_t  need = c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : 2;

	if (n - (i - 1) < need)
	    return (i - 1);
    }
    return (n);
}

/* report_fold - one line, white space folded */

static const bool fold_space[256] = {
    [' '] = true, ['\t'] = true, ['\n'] = true, ['\r'] = true, ['\f'] = true,
    ['\v'] = true, [0] = true,
};

/*
 * fold_word - can these eight bytes, after a byte that is not white
 * space, be copied as they are?  Yes when none is a control or a NUL,
 * no two spaces are side by side and the last is not a space: each
 * space is then a single one between two other bytes, as folding keeps
 * it.  (Bit 7 of each byte of sp: that byte is a space.)
 */
static inline bool fold_word(uint64_t w)
{
    uint64_t t = w ^ (REPORT_W_ONES * ' ');
    uint64_t sp = ~(((t & ~REPORT_W_HIGHS) + ~REPORT_W_HIGHS) | t | ~REPORT_W_HIGHS);

    return (!REPORT_W_HAS_LESS(w, ' ') && (sp & (sp >> 8)) == 0 && (sp >> 63) == 0);
}

size_t  report_fold(char *dst, size_t dstlen, const char *s, size_t len)
{
    const unsigned char *u = (const unsigned char *) s;
    size_t  n = 0, i = 0;
    bool    space = false;

    if (dstlen == 0)
	return (0);
    while (i < len && n + 1 < dstlen) {
	unsigned char c = u[i];
	size_t  stop;

	if (fold_space[c]) {
	    space = n > 0;
	    i++;
	    continue;
	}
	if (space) {
	    if (n + 2 >= dstlen)
		break;
	    dst[n++] = ' ';
	    space = false;
	}
	/* a run of other bytes, as far as both ends allow */
	stop = i + (len - i < dstlen - 1 - n ? len - i : dstlen - 1 - n);
	dst[n++] = (char) c;
	i++;
	while (i < stop) {
	    /* eight at a time, single spaces between words and all */
	    while (stop - i >= 8) {
		uint64_t w;

		memcpy(&w, u + i, 8);
		if (!fold_word(w))
		    break;
		memcpy(dst + n, &w, 8);
		n += 8;
		i += 8;
	    }
	    if (i >= stop || fold_space[u[i]])
		break;
	    dst[n++] = (char) u[i++];
	}
    }
    n = utf8_cut(dst, n);
    dst[n] = 0;
    return (n);
}

/* report_append_at - report_append_text() when dst's length is known */

size_t  report_append_at(char *dst, size_t have, size_t dstlen, const char *s, size_t len)
{
    size_t  n;

    if (have + 2 >= dstlen)
	return (have);
    if (have > 0)
	dst[have++] = ' ';
    n = report_fold(dst + have, dstlen - have, s, len);
    if (n == 0 && have > 0) {
	dst[have - 1] = 0;
	return (have - 1);
    }
    return (have + n);
}

/* report_append_text - folded text after what dst holds */

size_t  report_append_text(char *dst, size_t dstlen, const char *s, size_t len)
{
    return (report_append_at(dst, strlen(dst), dstlen, s, len));
}
