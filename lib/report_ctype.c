/*++
 * NAME
 *	report_ctype 3
 * SUMMARY
 *	a Content-Type value and the parameters the MIME walk wants
 * SYNOPSIS
 *	#include "report_int.h"
 *
 *	void	report_hdr_ctype(const char *value, REPORT_CTYPE *ct)
 * DESCRIPTION
 *	report_hdr_ctype() parses a Content-Type value (unfolded and
 *	decoded: report_hdr_value()) the way GMime does in its "loose"
 *	mode: comments and blanks skipped, the type and subtype tokens
 *	(ct->valid when both are there), then the parameters the walk
 *	wants: boundary, charset and report-type.  A value is a quoted
 *	string (backslashes undone) or everything up to the next ';'; RFC
 *	2231 continuations (name*0=, name*1*=) are joined in order and
 *	%XX escapes undone; a plain value with RFC 2047 words is decoded.
 *	The first parameter of a name wins.  A bad parameter is skipped
 *	when a ';' follows it, else it ends the list.
 *
 *	Values longer than their buffers in REPORT_CTYPE are cut; a
 *	boundary that does not fit is dropped (ct->boundary_ok false): the
 *	multipart is then read as one block.
 * MEMORY
 *	RFC 2231 sections, when there are any, get a temporary buffer.
 * DIAGNOSTICS
 *	None: what does not parse is not there.
 *--*/

#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <gmime/gmime.h>

#include "report_int.h"

#define IS_LWSP(c)	((c) == ' ' || (c) == '\t' || (c) == '\n' || (c) == '\r')

/*
 * is_ttoken - a character of a MIME token (RFC 2045): not a control,
 * a blank or a tspecial; 8-bit bytes are token characters, as in GMime.
 */

static bool is_ttoken(char c)
{
    unsigned char u = (unsigned char) c;

    if (u <= ' ' || u == 127)
	return (false);
    switch (u) {
    case '(': case ')': case '<': case '>': case '@': case ',': case ';':
    case ':': case '\\': case '"': case '/': case '[': case ']': case '?':
    case '=':
	return (false);
    default:
	return (true);
    }
}

/* cfws - skip blanks and (nested) comments; an open comment skips nothing */

static const char *cfws(const char *p)
{
    const char *q = p;

    while (IS_LWSP(*q))
	q++;
    while (*q == '(') {
	int     depth = 1;

	for (q++; *q && depth; q++) {
	    if (*q == '\\' && q[1])
		q++;
	    else if (*q == '(')
		depth++;
	    else if (*q == ')')
		depth--;
	}
	if (depth)
	    return (p);
	while (IS_LWSP(*q))
	    q++;
    }
    return (q);
}

/* put - copy a value, cut to fit; false when it did not fit */

static bool put(char *dst, size_t dstlen, const char *s, size_t len)
{
    bool    fits = len < dstlen;

    if (!fits)
	len = dstlen - 1;
    memcpy(dst, s, len);
    dst[len] = 0;
    return (fits);
}

/*
 * A parameter value as GMime reads it in its "loose" mode: a quoted
 * string (backslashes unescaped; unterminated, the quote is kept), else
 * everything up to the next ';', outer blanks removed.  The value is
 * copied to val (cut at vallen - 1); NULL when there is none.
 */

static const char *param_value(const char *p, char *val, size_t vallen, size_t *vlenp)
{
    const char *start;
    size_t  n = 0;

    p = cfws(p);
    if (*p == '"') {
	const char *end;
	bool    closed;

	start = p++;
	while (*p && *p != '"')
	    if (*p++ == '\\' && *p)
		p++;
	closed = *p == '"';
	end = p;
	if (closed) {
	    start++;
	    p++;
	}
	for (const char *s = start; s < end; s++) {
	    if (*s == '\\' && ++s >= end)
		break;
	    if (n + 1 < vallen)
		val[n++] = *s;
	}
	val[n] = 0;
	*vlenp = n;
	return (p);
    }
    start = p;
    while (*p && *p != ';')
	p++;
    while (p > start && IS_LWSP(p[-1]))
	p--;
    if (p == start)
	return (NULL);
    *vlenp = (size_t) (p - start) < vallen ? (size_t) (p - start) : vallen - 1;
    memcpy(val, start, *vlenp);
    val[*vlenp] = 0;
    return (p);
}

/* hex_decode - undo RFC 2231 %XX escapes in place */

static size_t hex_decode(char *s, size_t len)
{
    size_t  n = 0;

    for (size_t i = 0; i < len; i++) {
	if (s[i] == '%' && i + 2 < len && g_ascii_isxdigit(s[i + 1])
	    && g_ascii_isxdigit(s[i + 2])) {
	    s[n++] = (char) (g_ascii_xdigit_value(s[i + 1]) * 16 + g_ascii_xdigit_value(s[i + 2]));
	    i += 2;
	} else
	    s[n++] = s[i];
    }
    s[n] = 0;
    return (n);
}

/* skip_charset - past "charset'language'" of an RFC 2231 value */

static const char *skip_charset(const char *v)
{
    const char *q1 = strchr(v, '\''), *q2;

    if (q1 == NULL)
	return (v);
    q2 = strchr(q1 + 1, '\'');
    return (q2 ? q2 + 1 : q1 + 1);
}

#define PARAM_PARTS	16		/* RFC 2231 sections kept */
#define WANT_COUNT	3		/* boundary, charset, report-type */

/* One RFC 2231 section of a parameter value. */
typedef struct {
    int     id;
    bool    encoded;
    char    text[REPORT_BOUNDARY_MAX + 1];
} SECTION;

/* One wanted parameter: the first one of its name wins, as in GMime. */
typedef struct {
    const char *name;
    size_t  namelen;
    char   *dst;
    size_t  dstlen;
    int     first;			/* 0 none, 1 plain, 2 RFC 2231 sections */
    bool    plain_ok;			/* the plain value fitted */
    int     nparts;
    SECTION *parts;
} WANT;

/* want_section - one RFC 2231 section of a wanted parameter */

static void want_section(WANT *w, int id, bool encoded, const char *val, size_t vlen)
{
    if (w->first == 0)
	w->first = 2;
    if (w->nparts >= PARAM_PARTS)
	return;
    if (w->nparts == 0 && encoded) {
	const char *v = skip_charset(val);

	vlen -= (size_t) (v - val);
	val = v;
    }
    w->parts[w->nparts].id = id;
    w->parts[w->nparts].encoded = encoded;
    put(w->parts[w->nparts].text, sizeof(w->parts[0].text), val, vlen);
    w->nparts++;
}

/* want_join - the sections of a parameter, in order */

static bool want_join(WANT *w)
{
    size_t  n = 0;
    bool    ok = true;

    for (int i = 1; i < w->nparts; i++)		/* insertion sort by id */
	for (int j = i; j > 0 && w->parts[j - 1].id > w->parts[j].id; j--) {
	    SECTION t = w->parts[j];

	    w->parts[j] = w->parts[j - 1];
	    w->parts[j - 1] = t;
	}
    w->dst[0] = 0;
    for (int i = 0; i < w->nparts; i++) {
	char   *t = w->parts[i].text;
	size_t  tl = strlen(t);

	if (w->parts[i].encoded)
	    tl = hex_decode(t, tl);
	if (n + tl >= w->dstlen) {
	    tl = w->dstlen - 1 - n;
	    ok = false;
	}
	memcpy(w->dst + n, t, tl);
	n += tl;
	w->dst[n] = 0;
    }
    return (ok);
}

/* params - the parameters after "type/subtype;" */

static void params(const char *p, WANT *want)
{
    char    val[REPORT_BOUNDARY_MAX + 1];

    do {
	const char *name, *q;
	size_t  nlen, vlen;
	int     id = -1;
	bool    encoded = false, ext = false;

	p = cfws(p);
	if (*p == 0)
	    break;
	for (q = name = p; is_ttoken(*q) && *q != '*'; q++)
	     /* void */ ;
	nlen = (size_t) (q - name);
	if (nlen > 0) {
	    q = cfws(q);
	    if (*q == '*') {
		ext = true;
		q = cfws(q + 1);
		if (*q == '=')
		    encoded = true;
		else {
		    q = cfws(q);
		    for (id = 0; g_ascii_isdigit(*q); q++)
			id = id < 100000 ? id * 10 + (*q - '0') : id;
		    q = cfws(q);
		    if (*q == '*') {
			encoded = true;
			q = cfws(q + 1);
		    }
		}
	    }
	} else
	    q = p;
	if (*q != '=' || nlen == 0 || (q = param_value(q + 1, val, sizeof(val), &vlen)) == NULL) {
	    p = cfws(p);			/* a bad parameter: skip it */
	    if (*p == ';')
		continue;			/* the test below steps over ';' */
	    break;
	}
	p = q;
	for (int k = 0; k < WANT_COUNT; k++) {
	    WANT   *w = want + k;

	    if (w->namelen != nlen || strncasecmp(w->name, name, nlen) != 0)
		continue;
	    if (id >= 0)
		want_section(w, id, encoded, val, vlen);
	    else if (w->first == 0) {
		w->first = 1;
		if (encoded) {
		    const char *v = skip_charset(val);

		    vlen = hex_decode(val + (v - val), vlen - (size_t) (v - val));
		    memmove(val, v, vlen + 1);
		} else if (!ext && strstr(val, "=?") != NULL) {
		    char   *d = g_mime_utils_header_decode_text(NULL, val);

		    if (d != NULL) {
			vlen = strlen(d) < sizeof(val) ? strlen(d) : sizeof(val) - 1;
			memcpy(val, d, vlen);
			val[vlen] = 0;
			g_free(d);
		    }
		}
		w->plain_ok = put(w->dst, w->dstlen, val, vlen);
	    }
	}
	p = cfws(p);
    } while (*p++ == ';');
}

/* report_hdr_ctype - parse a Content-Type value */

void    report_hdr_ctype(const char *value, REPORT_CTYPE *ct)
{
    const char *p = cfws(value), *t, *s;
    size_t  tlen, slen;

    /* no memset() of the whole (a kilobyte): each string is written whole */
    ct->valid = ct->has_boundary = ct->boundary_ok = ct->has_charset = false;
    ct->type[0] = ct->subtype[0] = ct->boundary[0] = ct->charset[0] = ct->report_type[0] = 0;
    for (t = p; *p && is_ttoken(*p); p++)
	 /* void */ ;
    tlen = (size_t) (p - t);
    p = cfws(p);
    if (*p++ != '/')
	return;
    p = cfws(p);
    for (s = p; *p && is_ttoken(*p); p++)
	 /* void */ ;
    if ((slen = (size_t) (p - s)) == 0)
	return;
    ct->valid = true;
    put(ct->type, sizeof(ct->type), t, tlen);
    put(ct->subtype, sizeof(ct->subtype), s, slen);
    p = cfws(p);
    while (*p && *p != ';')
	p++;
    if (*p++ == ';' && *p) {
	WANT    want[WANT_COUNT];
	SECTION *parts;

	memset(want, 0, sizeof(want));
	want[0].name = "boundary";
	want[0].namelen = 8;
	want[0].dst = ct->boundary;
	want[0].dstlen = sizeof(ct->boundary);
	want[1].name = "charset";
	want[1].namelen = 7;
	want[1].dst = ct->charset;
	want[1].dstlen = sizeof(ct->charset);
	want[2].name = "report-type";
	want[2].namelen = 11;
	want[2].dst = ct->report_type;
	want[2].dstlen = sizeof(ct->report_type);

	/* RFC 2231 sections are rare: their room is allocated on demand */
	if (strchr(p, '*') != NULL && (parts = calloc(WANT_COUNT * PARAM_PARTS, sizeof(*parts)))) {
	    for (int k = 0; k < WANT_COUNT; k++)
		want[k].parts = parts + k * PARAM_PARTS;
	} else {
	    parts = NULL;
	    for (int k = 0; k < WANT_COUNT; k++)
		want[k].nparts = PARAM_PARTS;	/* no room: sections ignored */
	}
	params(p, want);
	for (int k = 0; k < WANT_COUNT; k++) {
	    bool    ok = want[k].plain_ok;

	    if (want[k].first == 2)
		ok = parts != NULL && want_join(want + k);
	    if (k == 0) {
		ct->has_boundary = want[k].first != 0;
		ct->boundary_ok = ct->has_boundary && ok;
	    } else if (k == 1)
		ct->has_charset = want[k].first != 0;
	}
	free(parts);
    }
}
