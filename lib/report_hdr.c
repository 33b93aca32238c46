/*++
 * NAME
 *	report_hdr 3
 * SUMMARY
 *	header blocks and header values, for the MIME walk
 * SYNOPSIS
 *	#include "report_int.h"
 *
 *	int	report_hdr_block(const char *buf, size_t len, size_t *pos,
 *				 bool toplevel, REPORT_HDR_STOP stop,
 *				 REPORT_HDR_FIELD field, void *arg, int *nfields)
 *
 *	size_t	report_hdr_value(const REPORT_FIELD *f, char *out, size_t outlen)
 *
 *	int	report_hdr_encoding(const char *value)
 *
 *	bool	report_hdr_is(const REPORT_FIELD *f, const char *name)
 * DESCRIPTION
 *	report_hdr_block() reads the header block that starts at *pos in
 *	buf (LF line ends) and calls field() once per header field, in
 *	order: its name, the whole field as written (name, colon, folded
 *	value and line ends) and its value as written.  It reads the way
 *	GMime's parser does, so that the pieces do not change with the
 *	parser: a line that is not a field ("name:" without blanks or
 *	control characters in the name) is dropped; before the first field
 *	it is skipped, except in the message's own block (toplevel), where
 *	only an mbox "From " line may be; stop() is asked about each line
 *	that begins with "--" (a multipart boundary ends a part's headers).
 *	*nfields counts the fields.
 *
 *	report_hdr_value() unfolds a field's value (outer blanks and line
 *	ends removed), decodes RFC 2047 words and 8-bit text to UTF-8 with
 *	GMime's g_mime_utils_header_decode_text() when there are any, and
 *	copies it, NUL-terminated and cut at outlen - 1 bytes, to out.
 *
 *	report_hdr_encoding() maps a Content-Transfer-Encoding value to
 *	REPORT_ENC_*.  report_hdr_is() compares a field's name, ignoring
 *	case.  Content-Type values are parsed by report_hdr_ctype()
 *	(report_ctype.c).
 * MEMORY
 *	No allocation but GMime's, freed inside the call.  REPORT_FIELD
 *	points into buf.
 * DIAGNOSTICS
 *	report_hdr_block() returns REPORT_HDR_CONTENT (an empty line or the
 *	end of the input ended the block: *pos is past it),
 *	REPORT_HDR_STOPPED (stop() said yes: *pos is at that line) or
 *	REPORT_HDR_ERROR (no header block: the input ended, or ended inside
 *	a field name, or a toplevel block began with a line that is not a
 *	field).
 *--*/

#include "config.h"

#include <stdint.h>
#include <string.h>
#include <strings.h>

#include <gmime/gmime.h>

#include "report_int.h"

#define IS_BLANK(c)	((c) == ' ' || (c) == '\t')
#define IS_LWSP(c)	((c) == ' ' || (c) == '\t' || (c) == '\n' || (c) == '\r')
#define IS_CTRL(c)	((unsigned char) (c) < 32 || (c) == 127)

/* report_hdr_is - a field with this name */

bool    report_hdr_is(const REPORT_FIELD *f, const char *name)
{
    size_t  n = strlen(name);

    return (f->namelen == n && strncasecmp(f->name, name, n) == 0);
}

/* field_done - hand a complete field to the caller */

static void field_done(const char *buf, size_t start, size_t colon_at, size_t end,
		               REPORT_HDR_FIELD fn, void *arg, int *n)
{
    const char *colon = buf + colon_at;
    REPORT_FIELD f;
    size_t  nlen;

    nlen = colon_at - start;
    while (nlen > 0 && IS_BLANK(buf[start + nlen - 1]))
	nlen--;
    f.name = buf + start;
    f.namelen = nlen;
    f.raw = buf + start;
    f.rawlen = end - start;
    f.value = colon + 1;
    f.valuelen = (size_t) (buf + end - (colon + 1));
    ++*n;
    if (fn != NULL)
	fn(arg, &f);
}

/*
 * name_scan - 1: a field name and colon begin the line (*colon: where the
 * colon is), 0: not, -1: no end
 */

static int name_scan(const char *line, size_t llen, bool complete, size_t *colon)
{
    const unsigned char *u = (const unsigned char *) line;
    bool    blank = false;
    size_t  i = 0;

    if (llen > 0 && line[0] == ':')
	return (0);
    /*
     * The usual name bytes first: no colon, blank or control among them,
     * eight at a time.  In the word where one is, the lowest flag of the
     * three tests is exact (a false flag only ever comes above a true
     * one): its bit says where the run ends.
     */
    while (llen - i >= 8) {
	uint64_t w, m;

	memcpy(&w, u + i, 8);
	m = (((w - REPORT_W_ONES * (' ' + 1)) & ~w)
	     | (((w ^ (REPORT_W_ONES * ':')) - REPORT_W_ONES) & ~(w ^ (REPORT_W_ONES * ':')))
	     | (((w ^ (REPORT_W_ONES * 127)) - REPORT_W_ONES) & ~(w ^ (REPORT_W_ONES * 127))))
	    & REPORT_W_HIGHS;
	if (m != 0) {
	    i += (size_t) __builtin_ctzll(m) / 8;
	    break;
	}
	i += 8;
    }
    while (i < llen && u[i] > ' ' && u[i] != ':' && u[i] != 127)
	i++;
    for (; i < llen; i++) {
	if (line[i] == ':') {
	    *colon = i;
	    return (1);
	}
	if (IS_BLANK(line[i]))
	    blank = true;
	else if (blank || IS_CTRL(line[i]))
	    return (0);
    }
    return (complete ? 0 : -1);
}

/* mbox_marker - an mbox "From " line, maybe escaped as ">From " */

static bool mbox_marker(const char *line, size_t llen)
{
    if (llen > 0 && line[0] == '>')
	line++, llen--;
    return (llen >= 5 && memcmp(line, "From ", 5) == 0);
}

/* report_hdr_block - read one header block */

int     report_hdr_block(const char *buf, size_t len, size_t *posp, bool toplevel,
			         REPORT_HDR_STOP stop, REPORT_HDR_FIELD fn, void *arg,
			         int *nfields)
{
    size_t  pos = *posp, fstart = 0, fend = 0, fcolon = 0, colon = 0;
    bool    infield = false, fvalid = false;
    int     n = 0;

    *nfields = 0;
    if (pos >= len)
	return (REPORT_HDR_ERROR);
    for (;;) {
	const char *line = buf + pos, *nl;
	size_t  llen;
	bool    newfield, valid = true;

	if (pos >= len) {
	    if (infield && fvalid)
		field_done(buf, fstart, fcolon, fend, fn, arg, &n);
	    *posp = len;
	    *nfields = n;
	    return (REPORT_HDR_CONTENT);
	}
	nl = memchr(line, '\n', len - pos);
	llen = nl ? (size_t) (nl - line) : len - pos;
	newfield = !(infield && llen > 0 && IS_BLANK(line[0]));
	if (newfield && infield) {
	    if (fvalid)
		field_done(buf, fstart, fcolon, fend, fn, arg, &n);
	    infield = false;
	}
	if (newfield && llen > 0) {
	    int     r = name_scan(line, llen, nl != NULL, &colon);

	    if (r < 0) {
		*nfields = n;
		return (REPORT_HDR_ERROR);	/* the input ends in a name */
	    }
	    valid = r > 0;
	    if (!valid && n == 0 && toplevel && !mbox_marker(line, llen)) {
		*nfields = n;
		return (REPORT_HDR_ERROR);
	    }
	}
	if (nl == NULL) {			/* the last line, unterminated */
	    if (newfield) {
		fstart = pos;
		fcolon = pos + colon;
		fvalid = valid;
	    }
	    if (newfield ? valid : fvalid)
		field_done(buf, fstart, fcolon, len, fn, arg, &n);
	    *posp = len;
	    *nfields = n;
	    return (REPORT_HDR_CONTENT);
	}
	if (llen == 0) {			/* the empty line */
	    *posp = pos + 1;
	    *nfields = n;
	    return (REPORT_HDR_CONTENT);
	}
	if (stop != NULL && llen >= 2 && line[0] == '-' && line[1] == '-'
	    && stop(arg, line, llen)) {
	    *posp = pos;
	    *nfields = n;
	    return (REPORT_HDR_STOPPED);
	}
	if (newfield && !valid && n == 0) {
	    pos += llen + 1;			/* junk before the first field */
	    continue;
	}
	if (newfield) {
	    fstart = pos;
	    fcolon = pos + colon;
	    fvalid = valid;
	    infield = true;
	}
	fend = pos + llen + 1;
	pos = fend;
    }
}

/* report_hdr_value - a field's value, unfolded, in UTF-8 */

size_t  report_hdr_value(const REPORT_FIELD *f, char *out, size_t outlen)
{
    const char *s = f->value, *e = f->value + f->valuelen;
    size_t  n = 0;
    bool    decode = false;

    if (outlen == 0)
	return (0);
    while (s < e && IS_LWSP(*s))
	s++;
    while (e > s && IS_LWSP(e[-1]))
	e--;
    for (; s < e && n + 1 < outlen; s++) {
	/* whole words of the usual bytes first (none of those below) */
	while (e - s >= 8 && n + 9 <= outlen) {
	    uint64_t w, x, m;

	    /*
	     * Line ends and other controls (copied as they are), 8-bit bytes
	     * and "=" go the byte way.  The lowest flag of the tests is exact
	     * (a false one only ever comes above a true one): the bytes
	     * before it are copied here (all eight are stored, the room is
	     * there), the byte way starts at it.
	     */
	    memcpy(&w, s, 8);
	    x = w ^ (REPORT_W_ONES * '=');
	    m = (w | ((w - REPORT_W_ONES * ('\r' + 1)) & ~w) | ((x - REPORT_W_ONES) & ~x))
		& REPORT_W_HIGHS;
	    memcpy(out + n, &w, 8);
	    if (m != 0) {
		size_t  k = (size_t) __builtin_ctzll(m) / 8;

		n += k;
		s += k;
		break;
	    }
	    n += 8;
	    s += 8;
	}
	if (s >= e || n + 1 >= outlen)
	    break;
	if (*s == '\n' || *s == '\r')
	    continue;
	if ((unsigned char) *s >= 0x80 || (*s == '=' && s + 1 < e && s[1] == '?'))
	    decode = true;
	out[n++] = *s;
    }
    out[n] = 0;
    if (decode) {
	char   *d = g_mime_utils_header_decode_text(NULL, out);

	if (d != NULL) {
	    n = strlen(d);
	    if (n >= outlen)
		n = outlen - 1;
	    memcpy(out, d, n);
	    out[n] = 0;
	    g_free(d);
	}
    }
    return (n);
}

/* report_hdr_encoding - REPORT_ENC_* of a Content-Transfer-Encoding */

int     report_hdr_encoding(const char *value)
{
    static const struct {
	const char *name;
	int     enc;
    } encs[] = {
	{"base64", REPORT_ENC_BASE64},
	{"quoted-printable", REPORT_ENC_QP},
	{"uuencode", REPORT_ENC_UUENCODE},
	{"x-uuencode", REPORT_ENC_UUENCODE},
	{"x-uue", REPORT_ENC_UUENCODE},
    };

    while (IS_LWSP(*value))
	value++;
    for (size_t i = 0; i < sizeof(encs) / sizeof(encs[0]); i++) {
	size_t  n = strlen(encs[i].name);

	if (strncasecmp(value, encs[i].name, n) == 0 && (value[n] == 0 || IS_LWSP(value[n])))
	    return (encs[i].enc);
    }
    return (REPORT_ENC_NONE);
}
