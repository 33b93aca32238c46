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
 *	bool	report_status_find(const char *text, char *status, size_t len)
 *	int	report_reply_find(const char *text)
 *	const char *report_command_find(const char *text)
 *	void	report_diag_tidy(char *diag)
 *	const char *report_field_value(const char *line, size_t len,
 *				const char *name, size_t *vlen)
 *	const char *report_header_get(const char *block, size_t len,
 *				const char *name, size_t *vlen)
 *	void	report_headers_get(const char *block, size_t len,
 *				const char *const *names, int n,
 *				const char **vals, size_t *vlens)
 *	const char *report_field_find(const char *text, size_t len,
 *				const char *name, size_t *vlen)
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
 *	report_lower.c.
 *
 *	report_status_find() finds the first RFC 3463 status (2.0.0 to
 *	5.999.999) in text; report_reply_find() the first SMTP reply code
 *	(a word of three digits, 200 to 559), or 0.  report_command_find()
 *	names the SMTP command a reply answered ("RCPT", ...) when the text
 *	says ("in reply to RCPT TO command", "after end of data", ...), or
 *	returns NULL.
 *
 *	report_diag_tidy() drops, in a one-line diagnostic, the prefixes
 *	that a multi-line SMTP reply repeats on each of its lines: after
 *	"550-5.7.1 Messages with multiple", a later "550-5.7.1 " or
 *	"550 5.7.1 " goes (without a status, a later "550-", and "550 "
 *	once a "550-" was seen), so that the reply reads as one sentence
 *	("... multiple addresses in From: header ...").  Only the first
 *	reply's own code is dropped; other codes stay.  In place, linear.
 *
 *	report_field_value() returns the value of a "Name: value" line
 *	when its name is name (any case), trimmed, or NULL.
 *	report_header_get() finds the first header name in a header block
 *	and returns its value with its continuation lines (not unfolded).
 *	report_headers_get() does that for n names in one pass (vals[k]
 *	NULL when names[k] is not there).
 *	report_field_find() finds the first line "name: value" anywhere in
 *	text (empty lines do not stop it) and returns its value, one line.
 *--*/

#include "config.h"

#include <ctype.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "report_int.h"
#include "report_pat.h"

/*
 * ascii_lower - tolower() of the C locale (liveaddr never calls
 * setlocale()), without its call per byte
 */
static inline unsigned char ascii_lower(unsigned char c)
{
    return ((unsigned char) (c >= 'A' && c <= 'Z' ? c + ('a' - 'A') : c));
}

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
#define ADDR_CLASS4(c)	ADDR_CLASS(c), ADDR_CLASS((c) + 1), ADDR_CLASS((c) + 2), \
			ADDR_CLASS((c) + 3)
#define ADDR_CLASS16(c)	ADDR_CLASS4(c), ADDR_CLASS4((c) + 4), ADDR_CLASS4((c) + 8), \
			ADDR_CLASS4((c) + 12)
#define ADDR_CLASS64(c)	ADDR_CLASS16(c), ADDR_CLASS16((c) + 16), ADDR_CLASS16((c) + 32), \
			ADDR_CLASS16((c) + 48)

/* bit 1: a local part's byte, bit 2: a domain's, 4: a domain's in ASCII but "." */
static const unsigned char addr_class[256] = {
    ADDR_CLASS64(0), ADDR_CLASS64(64), ADDR_CLASS64(128), ADDR_CLASS64(192),
};

#define local_char(c)	((addr_class[(unsigned char) (c)] & 1) != 0)

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
	for (l = at; l > 0 && local_char(u[l - 1]); l--)
	     /* void */ ;
	while (l < at && (u[l] == '.' || u[l] == '\'' || u[l] == '/'))
	    l++;				/* 'addr' and paths */
	if (l == at)
	    continue;
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



/* report_status_find - the first RFC 3463 status in text */

bool    report_status_find(const char *text, char *status, size_t statuslen)
{
    const unsigned char *u = (const unsigned char *) text;
    const char *hit;

    /* strpbrk() skips to the next candidate many bytes at a time */
    for (size_t i = 0; (hit = strpbrk(text + i, "245")) != NULL; i++) {
	size_t  j, d2 = 0, d3 = 0;

	i = (size_t) (hit - text);
	j = i + 2;
	if (u[i + 1] != '.')
	    continue;
	if (i > 0 && (isalnum(u[i - 1]) || u[i - 1] == '.'))
	    continue;
	while (isdigit(u[j]) && d2 < 4)
	    j++, d2++;
	if (d2 == 0 || d2 > 3 || u[j] != '.')
	    continue;
	j++;
	while (isdigit(u[j]) && d3 < 4)
	    j++, d3++;
	if (d3 == 0 || d3 > 3 || isalnum(u[j]) || (u[j] == '.' && isdigit(u[j + 1])))
	    continue;
	if (j - i >= statuslen)
	    return (false);
	memcpy(status, text + i, j - i);
	status[j - i] = 0;
	return (true);
    }
    return (false);
}

/* report_reply_find - the first SMTP reply code in text */

int     report_reply_find(const char *text)
{
    const unsigned char *u = (const unsigned char *) text;
    const char *hit;

    for (size_t i = 0; (hit = strpbrk(text + i, "245")) != NULL; i++) {
	i = (size_t) (hit - text);
	if (i > 0 && !strchr(" \t:<([#'\"=", u[i - 1]))
	    continue;
	if (!isdigit(u[i + 1]) || !isdigit(u[i + 2]) || u[i + 1] > '5')
	    continue;
	if (u[i + 3] && u[i + 3] != ' ' && u[i + 3] != '-' && u[i + 3] != '\t'
	    && u[i + 3] != '\'' && u[i + 3] != '"' && u[i + 3] != ')')
	    continue;
	if (u[i + 3] == '-' && !isalnum(u[i + 4]) && u[i + 4] != ' ')
	    continue;
	return ((u[i] - '0') * 100 + (u[i + 1] - '0') * 10 + (u[i + 2] - '0'));
    }
    return (0);
}

/* report_field_value - the value of "Name: value", or NULL */

const char *report_field_value(const char *line, size_t len, const char *name,
			               size_t *vlen)
{
    size_t  n, i, e;

    /* most lines differ at once: no strlen() nor strncasecmp() for them */
    if (len == 0 || (name[0] != 0 && ascii_lower((unsigned char) line[0])
		     != ascii_lower((unsigned char) name[0])))
	return (NULL);
    n = strlen(name);
    if (len <= n || strncasecmp(line, name, n) != 0)
	return (NULL);
    for (i = n; i < len && (line[i] == ' ' || line[i] == '\t'); i++)
	 /* void */ ;
    if (i >= len || line[i] != ':')
	return (NULL);
    for (i++; i < len && (line[i] == ' ' || line[i] == '\t'); i++)
	 /* void */ ;
    for (e = len; e > i && isspace((unsigned char) line[e - 1]); e--)
	 /* void */ ;
    *vlen = e - i;
    return (line + i);
}

/* report_header_get - the first header name in a header block */

const char *report_header_get(const char *block, size_t len, const char *name,
			              size_t *vlen)
{
    const char *v;

    report_headers_get(block, len, &name, 1, &v, vlen);
    return (v);
}

/*
 * report_headers_get - the first of each of n header names, in one pass
 * over the block: what n report_header_get() calls would say
 */
void    report_headers_get(const char *block, size_t len, const char *const *names,
			           int n, const char **vals, size_t *vlens)
{
    const char *cp = block, *end = block + len;
    int     left = n;

    for (int k = 0; k < n; k++) {
	vals[k] = NULL;
	vlens[k] = 0;
    }
    while (cp < end && left > 0) {
	const char *eol = memchr(cp, '\n', (size_t) (end - cp));

	if (eol == NULL)
	    eol = end;
	if (eol == cp)
	    break;				/* the end of the headers */
	for (int k = 0; k < n; k++) {
	    const char *val, *vend = eol;
	    size_t  vlen;

	    /* most lines differ in the first letter: no call for them */
	    if (vals[k] != NULL
		|| ascii_lower((unsigned char) *cp) != ascii_lower((unsigned char) names[k][0])
		|| (val = report_field_value(cp, (size_t) (eol - cp), names[k], &vlen)) == NULL)
		continue;
	    while (vend < end && vend + 1 < end && (vend[1] == ' ' || vend[1] == '\t')) {
		const char *next = memchr(vend + 1, '\n', (size_t) (end - vend - 1));

		vend = next ? next : end;
	    }
	    vals[k] = val;
	    vlens[k] = (size_t) (vend - val);
	    left--;
	}
	cp = eol + 1;
    }
}

/* report_field_find - the first "name: value" line anywhere in text */

const char *report_field_find(const char *text, size_t len, const char *name,
			              size_t *vlen)
{
    const char *cp = text, *end = text + len;

    while (cp < end) {
	const char *eol = memchr(cp, '\n', (size_t) (end - cp));
	const char *val;

	if (eol == NULL)
	    eol = end;
	if (ascii_lower((unsigned char) *cp) == ascii_lower((unsigned char) name[0])
	    && (val = report_field_value(cp, (size_t) (eol - cp), name, vlen)) != NULL)
	    return (val);
	cp = eol + 1;
    }
    *vlen = 0;
    return (NULL);
}

/* report_command_find - the SMTP command a diagnostic names, or NULL */

const char *report_command_find(const char *text)
{
    size_t  len = strlen(text);
    int     k;

    /* as before, when a lower-case copy of REPORT_TEXT_MAX * 2 bytes was read */
    if (len > REPORT_TEXT_MAX * 2)
	len = REPORT_TEXT_MAX * 2;
    if ((k = report_pat_command_find(text, len)) < 0)
	return (NULL);
    return (report_pat_command[k].command);
}

/* reply_prefix - "550-5.7.1 " or "550 " at s: its length, 0 when none */

static size_t reply_prefix(const char *s, const char *code, const char *status,
			           size_t slen, char *sep)
{
    size_t  n = 4;

    if (strncmp(s, code, 3) != 0 || (s[3] != '-' && s[3] != ' '))
	return (0);
    *sep = s[3];
    if (slen > 0) {
	if (strncmp(s + 4, status, slen) != 0 || (s[4 + slen] != ' ' && s[4 + slen] != 0))
	    return (0);
	n += slen;
    }
    if (s[n] == ' ')
	n++;
    return (n);
}

/* report_diag_tidy - drop the repeated prefixes of a multi-line reply */

void    report_diag_tidy(char *diag)
{
    const unsigned char *u = (const unsigned char *) diag;
    char    code[4], status[REPORT_WORD_MAX + 1];
    size_t  slen = 0, i = 0, o, first = 0;
    bool    found = false, cont;
    char    sep;

    /* the first reply code at a word's start, and its status */
    for (const char *hit; (hit = strpbrk(diag + i, "2345")) != NULL; i++) {
	i = (size_t) (hit - diag);
	if (!isdigit(u[i + 1]) || !isdigit(u[i + 2])
	    || (u[i + 3] != '-' && u[i + 3] != ' '))
	    continue;
	if (i > 0 && u[i - 1] != ' ' && u[i - 1] != '(' && u[i - 1] != '"' && u[i - 1] != '\'')
	    continue;
	found = true;
	break;
    }
    if (!found)
	return;
    memcpy(code, diag + i, 3);
    code[3] = 0;
    cont = (diag[i + 3] == '-');
    if (report_status_find(diag + i + 4, status, sizeof(status))
	&& strncmp(diag + i + 4, status, strlen(status)) == 0
	&& (diag[i + 4 + strlen(status)] == ' ' || diag[i + 4 + strlen(status)] == 0))
	slen = strlen(status);
    first = i + 4 + slen;
    /*
     * Copy the rest, leaving out the later prefixes.  A prefix starts with
     * the code's first digit after a space: strchr() skips to the next
     * such digit, and the bytes before it are moved as one run.  The bytes
     * read are never those written (o <= i throughout).
     */
    for (i = o = first; diag[i]; ) {
	const char *hit = strchr(diag + i, code[0]);
	size_t  j = hit ? (size_t) (hit - diag) : i + strlen(diag + i), n;

	if (j > i) {
	    if (o != i)
		memmove(diag + o, diag + i, j - i);
	    o += j - i;
	    i = j;
	}
	if (!diag[i])
	    break;
	if (diag[i - 1] == ' ' && (n = reply_prefix(diag + i, code, status, slen, &sep)) > 0
	    && (slen > 0 || sep == '-' || cont)) {
	    cont = cont || sep == '-';
	    i += n;
	    continue;
	}
	diag[o++] = diag[i++];
    }
    while (o > first && diag[o - 1] == ' ')
	o--;
    diag[o] = 0;
}
