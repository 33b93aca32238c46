/*++
 * NAME
 *	reason_text 3
 * SUMMARY
 *	what a diagnostic text says, for the reason classifier
 * SYNOPSIS
 *	#include "reason_int.h"
 *
 *	size_t	reason_norm(const char *in, char *out, size_t outlen)
 *
 *	bool	reason_pattern_match(const char *text, size_t tlen,
 *					const char *pat)
 *
 *	bool	reason_status_at(const char *cp, REASON_STATUS3 *st)
 *	bool	reason_status_in_text(const char *text, REASON_STATUS3 *st)
 *	int	reason_reply_in_text(const char *text)
 * DESCRIPTION
 *	The text half of reason.c: it reads the text, reason.c decides.
 *
 *	reason_norm() writes the normalised form of in (lower-case ASCII
 *	and Cyrillic, one space for any run of white space, no space at
 *	either end, typographic quotes as ASCII) into out, at most outlen
 *	bytes with the NUL, and returns its length.  Input stops at a NUL.
 *
 *	reason_pattern_match() says whether a normalised text contains a
 *	phrase pattern (see reason_int.h: "*" a gap, "^" the start).
 *
 *	reason_status_at() reads an RFC 3463 code at cp ("5.1.1", not the
 *	start of "5.1.1.2", an IP address or a version).
 *	reason_status_in_text() finds the status the text quotes: the first
 *	that follows an SMTP reply code ("550 5.7.1", "550-'5.7.1"), which
 *	is the remote server's own, else the first at all (a relay's
 *	summary such as "5.1.0 - Unknown address error 550-'5.7.1 ...'"
 *	comes first but is not what the server said).
 *	reason_reply_in_text() is the first SMTP reply code the text
 *	quotes ("550 ", "(451-"), or 0.
 * MEMORY
 *	Nothing is allocated; all is the caller's.
 *--*/

#include "config.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "bytetab.h"
#include "reason_int.h"

/*
 * norm_tab - the normalised form of a byte that stands for itself (ASCII
 * other than white space, capitals in lower case); 0 for the others: NUL,
 * white space, bytes of UTF-8 sequences
 */
#define NORM_TAB(c)	((c) == 0 || (c) == ' ' || ((c) >= '\t' && (c) <= '\r') || (c) >= 0x80 ? 0 \
			 : (c) >= 'A' && (c) <= 'Z' ? (c) + ('a' - 'A') : (c))

static const unsigned char norm_tab[256] = {BYTETAB_256(NORM_TAB)};

/* reason_norm - lower-case, fold white space and quotes; returns the length */

/*
 * Eight bytes at a time (a uint64_t loaded with memcpy()): norm_word()
 * says whether a word can be normalised as a whole, as the byte loop
 * would do it after a byte that is not white space: plain ASCII, no
 * control or NUL, no two spaces side by side and no space last (each
 * space is then a single one, kept).  word_lower() puts its capitals in
 * lower case; no byte is above 0x7F, so no sum carries into the next.
 */
#define W_ONES		0x0101010101010101ULL
#define W_HIGHS		0x8080808080808080ULL
#define W_HAS_LESS(w, n) ((((w) - W_ONES * (n)) & ~(w) & W_HIGHS) != 0)

static inline bool norm_word(uint64_t w)
{
    uint64_t t = w ^ (W_ONES * ' ');
    uint64_t sp = ~(((t & ~W_HIGHS) + ~W_HIGHS) | t | ~W_HIGHS);	/* spaces */

    return ((w & W_HIGHS) == 0 && !W_HAS_LESS(w, ' ') && (sp & (sp >> 8)) == 0
	    && (sp >> 63) == 0);
}

static inline uint64_t word_lower(uint64_t w)
{
    uint64_t ge_a = w + W_ONES * (0x80 - 'A');	/* high bit: byte >= 'A' */
    uint64_t gt_z = w + W_ONES * (0x7F - 'Z');	/* high bit: byte > 'Z' */

    return (w | (((ge_a & ~gt_z) & W_HIGHS) >> 2));
}

size_t  reason_norm(const char *in, char *out, size_t outlen)
{
    const unsigned char *cp = (const unsigned char *) in;
    const unsigned char *end = cp + strlen(in);
    size_t  n = 0;
    bool    space = true;		/* drop leading white space */

    while (*cp && n + 3 < outlen) {
	unsigned char c = *cp;

	/* whole words of the usual text, where the byte loop would copy each */
	while (end - cp >= 8 && n + 10 < outlen && (!space || *cp != ' ')) {
	    uint64_t w;

	    memcpy(&w, cp, 8);
	    if (!norm_word(w))
		break;
	    w = word_lower(w);
	    memcpy(out + n, &w, 8);
	    n += 8;
	    cp += 8;
	    space = false;
	}
	if (!*cp || n + 3 >= outlen)
	    break;
	c = *cp;

	if (norm_tab[c] != 0) {			/* the usual byte */
	    out[n++] = (char) norm_tab[c];
	    space = false;
	    cp++;
	    continue;
	}
	if (c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\v' || c == '\f') {
	    if (!space)
		out[n++] = ' ';
	    space = true;
	    cp++;
	    continue;
	}
	space = false;
	if (c == 0xD0 && cp[1] >= 0x90 && cp[1] <= 0x9F) {
	    /* U+0410..U+041F -> U+0430..U+043F */
	    out[n++] = (char) 0xD0;
	    out[n++] = (char) (cp[1] + 0x20);
	    cp += 2;
	} else if (c == 0xD0 && cp[1] >= 0xA0 && cp[1] <= 0xAF) {
	    /* U+0420..U+042F -> U+0440..U+044F */
	    out[n++] = (char) 0xD1;
	    out[n++] = (char) (cp[1] - 0x20);
	    cp += 2;
	} else if (c == 0xD0 && cp[1] == 0x81) {
	    /* Ё -> ё */
	    out[n++] = (char) 0xD1;
	    out[n++] = (char) 0x91;
	    cp += 2;
	} else if (c == 0xE2 && cp[1] == 0x80 && (cp[2] == 0x98 || cp[2] == 0x99)) {
	    out[n++] = '\'';
	    cp += 3;
	} else if (c == 0xE2 && cp[1] == 0x80 && (cp[2] == 0x9C || cp[2] == 0x9D)) {
	    out[n++] = '"';
	    cp += 3;
	} else {
	    out[n++] = (char) c;
	    cp++;
	}
    }
    while (n > 0 && out[n - 1] == ' ')
	n--;
    out[n] = 0;
    return (n);
}

/* find_in - the first of needle in text[from, limit), or -1 */

static long find_in(const char *text, size_t from, size_t limit,
		            const char *needle, size_t nlen)
{
    if (nlen == 0)
	return ((long) from);
    for (size_t i = from; i + nlen <= limit; i++) {
	const char *hit = memchr(text + i, needle[0], limit - nlen + 1 - i);

	if (hit == 0)
	    return (-1);
	i = (size_t) (hit - text);
	if (memcmp(hit, needle, nlen) == 0)
	    return ((long) i);
    }
    return (-1);
}

/* match_rest - the pieces of pat from here on, each within a gap */

static bool match_rest(const char *text, size_t tlen, size_t from, const char *pat)
{
    const char *star = strchr(pat, '*');
    size_t  plen = star ? (size_t) (star - pat) : strlen(pat);
    size_t  limit = from + REASON_GAP_MAX + plen;
    long    at;

    if (limit > tlen)
	limit = tlen;
    for (size_t start = from;; start = (size_t) at + 1) {
	if ((at = find_in(text, start, limit, pat, plen)) < 0)
	    return (false);
	if (star == 0 || match_rest(text, tlen, (size_t) at + plen, star + 1))
	    return (true);
    }
}

/* reason_pattern_match - does the normalised text contain the pattern */

bool    reason_pattern_match(const char *text, size_t tlen, const char *pat)
{
    bool    anchored = (pat[0] == '^');
    const char *star;
    size_t  plen;
    long    at;

    if (anchored)
	pat++;
    star = strchr(pat, '*');
    if (star == 0 && !anchored)
	return (strstr(text, pat) != 0);
    plen = star ? (size_t) (star - pat) : strlen(pat);
    for (size_t start = 0;; start = (size_t) at + 1) {
	if ((at = find_in(text, start, anchored ? plen : tlen, pat, plen)) < 0)
	    return (false);
	if (star == 0 || match_rest(text, tlen, (size_t) at + plen, star + 1))
	    return (true);
	if (anchored)
	    return (false);
    }
}

/* num_at - up to 3 digits at *cp; -1 when none */

static int num_at(const char **cpp)
{
    const char *cp = *cpp;
    int     n = 0, digits = 0;

    while (*cp >= '0' && *cp <= '9' && digits < 4) {
	n = n * 10 + (*cp++ - '0');
	digits++;
    }
    if (digits == 0 || digits > 3)
	return (-1);
    *cpp = cp;
    return (n);
}

/* reason_status_at - an RFC 3463 code at cp, followed by no digit or ".digit" */

bool    reason_status_at(const char *cp, REASON_STATUS3 *st)
{
    int     c, s, d;

    if (*cp != '2' && *cp != '4' && *cp != '5')
	return (false);
    c = *cp++ - '0';
    if (*cp++ != '.' || (s = num_at(&cp)) < 0 || *cp++ != '.' || (d = num_at(&cp)) < 0)
	return (false);
    if (*cp == '.' && cp[1] >= '0' && cp[1] <= '9')
	return (false);				/* an IP address, a version */
    st->cls = c;
    st->subject = s;
    st->detail = d;
    return (true);
}

/* after_reply - is cp right after an SMTP reply code ("550 ", "550-'") */

static bool after_reply(const char *text, const char *cp)
{
    if (cp - text >= 1 && (cp[-1] == '\'' || cp[-1] == '"'))
	cp--;
    if (cp - text < 4 || (cp[-1] != ' ' && cp[-1] != '-'))
	return (false);
    cp -= 4;
    if (cp[0] < '2' || cp[0] > '5' || cp[1] < '0' || cp[1] > '9' || cp[2] < '0' || cp[2] > '9')
	return (false);
    return (cp == text || cp[-1] == ' ' || cp[-1] == '\'' || cp[-1] == '"' || cp[-1] == '(');
}

/* reason_status_in_text - the status code the text quotes */

bool    reason_status_in_text(const char *text, REASON_STATUS3 *st)
{
    REASON_STATUS3 first = {0, 0, 0};

    /* strpbrk() skips to the next candidate many bytes at a time */
    for (const char *cp = text; (cp = strpbrk(cp, "245")) != 0; cp++) {
	if (cp > text) {
	    unsigned char p = (unsigned char) cp[-1];

	    if ((p >= '0' && p <= '9') || (p >= 'a' && p <= 'z') || p == '.' || p == '_'
		|| p == '/' || p == '=' || p == ':')
		continue;
	    if (p == '-' && !(cp - text >= 4 && cp[-2] >= '0' && cp[-2] <= '9'))
		continue;			/* only "550-5.1.1" */
	}
	if (reason_status_at(cp, st)) {
	    if (after_reply(text, cp))
		return (true);
	    if (first.cls == 0)
		first = *st;
	}
    }
    *st = first;
    return (first.cls != 0);
}

/* reason_reply_in_text - an SMTP reply code the text quotes, or 0 */

int     reason_reply_in_text(const char *text)
{
    for (const char *cp = text; (cp = strpbrk(cp, "45")) != 0; cp++) {
	if (cp[1] < '0' || cp[1] > '9'
	    || cp[2] < '0' || cp[2] > '9' || (cp[3] != ' ' && cp[3] != '-'))
	    continue;
	if (cp > text && cp[-1] != ' ' && cp[-1] != '\'' && cp[-1] != '"'
	    && cp[-1] != '(' && cp[-1] != '<' && cp[-1] != '#')
	    continue;
	return ((cp[0] - '0') * 100 + (cp[1] - '0') * 10 + (cp[2] - '0'));
    }
    return (0);
}
