/*++
 * NAME
 *	report_decode 3
 * SUMMARY
 *	a MIME part's content as UTF-8 text (GMime's decoders)
 * SYNOPSIS
 *	#include "report_int.h"
 *
 *	const char *report_decode(const char *s, size_t len, int enc,
 *				  const char *charset, size_t max,
 *				  char **freeme, size_t *outlen)
 *
 *	void	report_decode_append(RBUF *dst, const char *s, size_t len)
 *
 *	void	report_decode_html(RBUF *dst, const char *s, size_t len)
 * DESCRIPTION
 *	report_decode() undoes the transfer encoding enc (REPORT_ENC_*:
 *	base64, quoted-printable and uuencode with GMime's step decoders)
 *	of the len bytes at s and converts them from charset to UTF-8 with
 *	iconv (g_mime_iconv_open(), which knows the usual aliases), as
 *	GMime's charset filter does: bytes iconv cannot read are dropped,
 *	and a charset iconv does not know leaves the bytes as they are.
 *	charset NULL, "utf-8" or "us-ascii" means no conversion.  It stops
 *	once max bytes are out: the cost follows what is kept, not the size
 *	of the part.
 *
 *	Opening a converter is costly (glibc loads a module each time the
 *	last user of it closes it), so a few are kept open for re-use, under
 *	a lock: the module is thread-safe.
 *
 *	report_decode_append() appends decoded text to a piece, CR and CRLF
 *	as LF and NUL as a space (pieces are LF text without NULs).
 *	report_decode_html() appends the text of HTML, crudely: tags become
 *	line breaks (br, p, div, tr, li) or spaces, and a few entities are
 *	undone.  Both stop where dst is full.
 * MEMORY
 *	The result of report_decode() is s itself (nothing to do) or a
 *	buffer the caller frees with free(*freeme); *freeme is NULL in the
 *	first case.
 * DIAGNOSTICS
 *	report_decode() returns NULL when memory ran out; the others set
 *	dst->nomem.
 *--*/

#include "config.h"

#include <errno.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <gmime/gmime.h>

#include "report_int.h"

#define CHUNK		8192		/* input decoded at a time */
#define CARRY_MAX	32		/* bytes of an incomplete character kept */
#define POOL_SIZE	8		/* converters kept open */

static struct {
    char    name[64];
    iconv_t cd;
    bool    busy;
    bool    used;
} pool[POOL_SIZE];
static unsigned pool_next;
static pthread_mutex_t pool_lock = PTHREAD_MUTEX_INITIALIZER;

/* conv_get - a converter from charset to UTF-8, from the pool if one is free */

static iconv_t conv_get(const char *charset, int *slot)
{
    *slot = -1;
    pthread_mutex_lock(&pool_lock);
    for (int i = 0; i < POOL_SIZE; i++) {
	if (pool[i].used && !pool[i].busy && strcasecmp(pool[i].name, charset) == 0) {
	    pool[i].busy = true;
	    *slot = i;
	    break;
	}
    }
    pthread_mutex_unlock(&pool_lock);
    if (*slot >= 0) {
	iconv(pool[*slot].cd, NULL, NULL, NULL, NULL);	/* initial state */
	return (pool[*slot].cd);
    }
    return (g_mime_iconv_open("UTF-8", charset));
}

/* conv_put - give a converter back: to the pool, or closed */

static void conv_put(iconv_t cd, int slot, const char *charset)
{
    iconv_t old = (iconv_t) - 1;

    pthread_mutex_lock(&pool_lock);
    if (slot >= 0) {
	pool[slot].busy = false;
    } else if (strlen(charset) < sizeof(pool[0].name)) {
	for (int n = 0; n < POOL_SIZE; n++) {
	    int     i = (int) (pool_next++ % POOL_SIZE);

	    if (pool[i].busy)
		continue;
	    if (pool[i].used)
		old = pool[i].cd;
	    strcpy(pool[i].name, charset);
	    pool[i].cd = cd;
	    pool[i].used = true;
	    cd = (iconv_t) - 1;
	    break;
	}
    }
    pthread_mutex_unlock(&pool_lock);
    if (cd != (iconv_t) - 1 && slot < 0)
	g_mime_iconv_close(cd);
    if (old != (iconv_t) - 1)
	g_mime_iconv_close(old);
}

/* A growing output buffer. */
typedef struct {
    char   *data;
    size_t  len;
    size_t  cap;
    bool    nomem;
} OUT;

/* out_room - room for need more bytes */

static bool out_room(OUT *o, size_t need)
{
    size_t  cap = o->cap ? o->cap : 4096;
    char   *data;

    if (o->nomem)
	return (false);
    if (o->len + need + 1 <= o->cap)
	return (true);
    while (cap < o->len + need + 1)
	cap *= 2;
    if ((data = realloc(o->data, cap)) == NULL) {
	o->nomem = true;
	return (false);
    }
    o->data = data;
    o->cap = cap;
    return (true);
}

/* out_put - append bytes as they are */

static void out_put(OUT *o, const char *s, size_t len)
{
    if (len > 0 && out_room(o, len)) {
	memcpy(o->data + o->len, s, len);
	o->len += len;
    }
}

/*
 * convert - iconv the *inlen bytes at in into o; what is left (an
 * incomplete character at the end) moves to the start of in.
 */

static void convert(OUT *o, iconv_t cd, char *in, size_t *inlen)
{
    char   *ip = in;
    size_t  il = *inlen;

    while (il > 0 && out_room(o, il * 4 + 16)) {
	char   *op = o->data + o->len;
	size_t  ol = o->cap - o->len - 1;
	size_t  r = iconv(cd, &ip, &il, &op, &ol);

	o->len = (size_t) (op - o->data);
	if (r != (size_t) -1)
	    break;
	if (errno == E2BIG)
	    continue;
	if (errno == EILSEQ || errno == ERANGE) {
	    ip++;				/* an invalid byte is dropped */
	    il--;
	    continue;
	}
	if (errno == EINVAL)
	    break;
	out_put(o, ip, il);			/* unknown trouble: as it is */
	il = 0;
    }
    if (il > CARRY_MAX)
	il = 0;
    memmove(in, ip, il);
    *inlen = il;
}

/* convert_end - the converter's closing shift sequence, if any */

static void convert_end(OUT *o, iconv_t cd)
{
    if (out_room(o, 64)) {
	char   *op = o->data + o->len;
	size_t  ol = o->cap - o->len - 1;

	iconv(cd, NULL, NULL, &op, &ol);
	o->len = (size_t) (op - o->data);
    }
}

/* uu_begin - where uuencoded data starts: past the "begin " line */

static size_t uu_begin(const char *s, size_t len)
{
    for (size_t i = 0; i < len;) {
	const char *nl = memchr(s + i, '\n', len - i);

	if (len - i >= 6 && memcmp(s + i, "begin ", 6) == 0)
	    return (nl ? (size_t) (nl - s) + 1 : len);
	if (nl == NULL)
	    break;
	i = (size_t) (nl - s) + 1;
    }
    return (len);
}

/*
 * plain_charset - a charset whose converter gives plain ASCII back as it
 * is: the ISO 8859 parts and Windows' code pages 1250-1257 but 1255
 * (single bytes, ASCII below 0x80), and
 * ISO-2022-JP, which starts in ASCII and leaves it only at an ESC.
 * Text in one of these is converted only from its first byte that is not
 * plain: the bytes before it would come out of the converter unchanged
 * and leave it in its initial state.
 */

static bool plain_charset(const char *cs)
{
    const char *d = NULL;

    if (strncasecmp(cs, "iso-8859-", 9) == 0)
	d = cs + 9;
    else if (strncasecmp(cs, "windows-125", 11) == 0)
	/* not 1255 nor 1258: their converters hold a letter back for an accent */
	return (cs[11] != 0 && strchr("0123467", cs[11]) != NULL && cs[12] == 0);
    else
	return (strcasecmp(cs, "iso-2022-jp") == 0);
    if (*d < '0' || *d > '9')
	return (false);
    while (*d >= '0' && *d <= '9')
	d++;
    return (*d == 0);
}

/* plain_prefix - how many bytes lead with none at or above 0x80, no ESC, SO or SI */

static size_t plain_prefix(const char *s, size_t n)
{
    const unsigned char *u = (const unsigned char *) s;
    size_t  i = 0;

    /* eight at a time: no high bit, no byte 0x0E, 0x0F nor 0x1B */
    for (; n - i >= 8; i += 8) {
	uint64_t w;

	memcpy(&w, u + i, 8);
	if ((w & REPORT_W_HIGHS) || REPORT_W_HAS_BYTE(w, 0x1B) || REPORT_W_HAS_BYTE(w, 0x0E)
	    || REPORT_W_HAS_BYTE(w, 0x0F))
	    break;
    }
    for (; i < n; i++)
	if (u[i] >= 0x80 || u[i] == 0x1B || u[i] == 0x0E || u[i] == 0x0F)
	    break;
    return (i);
}

/* report_decode - a part's content, decoded, in UTF-8 */

const char *report_decode(const char *s, size_t len, int enc, const char *charset,
			          size_t max, char **freeme, size_t *outlen)
{
    static const GMimeContentEncoding genc[] = {
	GMIME_CONTENT_ENCODING_DEFAULT, GMIME_CONTENT_ENCODING_BASE64,
	GMIME_CONTENT_ENCODING_QUOTEDPRINTABLE, GMIME_CONTENT_ENCODING_UUENCODE,
    };
    iconv_t cd = (iconv_t) - 1;
    int     slot = -1;
    GMimeEncoding state;
    OUT     o = {0};
    char    buf[CHUNK + CARRY_MAX + 8];
    size_t  carry = 0, i = 0, k;
    bool    lazy = false;		/* no converter until text needs one */

    *freeme = NULL;
    if (charset != NULL && strcasecmp(charset, "utf-8") != 0
	&& strcasecmp(charset, "us-ascii") != 0) {
	if (plain_charset(charset))
	    lazy = true;
	else
	    cd = conv_get(charset, &slot);
    }
    if (enc == REPORT_ENC_NONE && cd == (iconv_t) - 1 && !lazy) {
	*outlen = len < max ? len : max;
	return (s);
    }
    if (enc != REPORT_ENC_NONE) {
	g_mime_encoding_init_decode(&state, genc[enc]);
	if (enc == REPORT_ENC_UUENCODE) {
	    if ((i = uu_begin(s, len)) < len)
		state.state |= GMIME_UUDECODE_STATE_BEGIN;
	}
    }
    for (; i < len && o.len < max && !o.nomem; i += CHUNK) {
	size_t  n = len - i < CHUNK ? len - i : CHUNK, d;

	if (enc == REPORT_ENC_UUENCODE
	    && (state.state & GMIME_UUDECODE_STATE_MASK) != GMIME_UUDECODE_STATE_BEGIN)
	    break;
	if (enc != REPORT_ENC_NONE)
	    d = g_mime_encoding_step(&state, s + i, n, buf + carry);
	else {
	    memcpy(buf + carry, s + i, n);
	    d = n;
	}
	d += carry;
	carry = 0;
	if (lazy && (k = plain_prefix(buf, d)) < d) {
	    /* the plain bytes before the first other one pass as they are */
	    out_put(&o, buf, k);
	    d -= k;
	    memmove(buf, buf + k, d);
	    cd = conv_get(charset, &slot);
	    lazy = false;
	}
	if (cd == (iconv_t) - 1)
	    out_put(&o, buf, d);
	else {
	    convert(&o, cd, buf, &d);
	    carry = d;
	}
    }
    if (cd != (iconv_t) - 1) {
	convert_end(&o, cd);
	conv_put(cd, slot, charset);
    }
    if (o.nomem || !out_room(&o, 0)) {
	free(o.data);
	*outlen = 0;
	return (NULL);
    }
    *freeme = o.data;
    *outlen = o.len < max ? o.len : max;
    return (o.data);
}

/*
 * report_decode_append - append text, CR and CRLF as LF, NUL as space.  Decoded
 * text rarely has either: the runs between them are appended whole (the
 * next CR and the next NUL are each looked for once: linear).
 */

void    report_decode_append(RBUF *dst, const char *s, size_t len)
{
    const char *end = s + len, *cr = NULL, *nul = NULL;

    while (s < end && !dst->cut) {
	const char *stop;

	if (cr == NULL || cr < s)
	    cr = (cr = memchr(s, '\r', (size_t) (end - s))) ? cr : end;
	if (nul == NULL || nul < s)
	    nul = (nul = memchr(s, 0, (size_t) (end - s))) ? nul : end;
	stop = cr < nul ? cr : nul;
	rbuf_append(dst, s, (size_t) (stop - s));
	if (stop == end)
	    break;
	if (*stop == 0)
	    rbuf_append(dst, " ", 1);
	else if (stop + 1 >= end || stop[1] != '\n')
	    rbuf_append(dst, "\n", 1);
	s = stop + 1;
    }
}

/*
 * html_is - does s start with name (lower case), ASCII case ignored: as
 * strncasecmp(s, name, strlen(name)) == 0 of the C locale, which reads s
 * no further than its first difference or NUL (neither does this), without
 * a call for the few bytes of a tag's name or an entity.
 */
static bool html_is(const char *s, const char *name)
{
    for (; *name; s++, name++) {
	unsigned char c = (unsigned char) *s;

	if ((c >= 'A' && c <= 'Z' ? c + ('a' - 'A') : c) != (unsigned char) *name)
	    return (false);
    }
    return (true);
}

/* report_decode_html - crude: tags become line breaks or spaces, a few entities */

void    report_decode_html(RBUF *dst, const char *s, size_t len)
{
    RBUF    tmp;
    size_t  i = 0;

    rbuf_init(&tmp, REPORT_PIECE_MAX);
    while (i < len && !tmp.cut) {
	if (s[i] == '<') {
	    size_t  j = i + 1;
	    bool    br;
	    unsigned c;

	    {
		const char *gt = memchr(s + j, '>', len - j);

		j = gt ? (size_t) (gt - s) : len;
	    }
	    c = j - i > 2 ? (unsigned char) s[i + 1] : 0;	/* b p / d t l */
	    c = c >= 'A' && c <= 'Z' ? c + ('a' - 'A') : c;
	    br = (j - i > 2 && (c == 'b' || c == 'p' || c == '/' || c == 'd' || c == 't'
				|| c == 'l')
		  && (html_is(s + i + 1, "br") || html_is(s + i + 1, "p")
		      || html_is(s + i + 1, "/p") || html_is(s + i + 1, "div")
		      || html_is(s + i + 1, "/div") || html_is(s + i + 1, "tr")
		      || html_is(s + i + 1, "li")));
	    rbuf_append(&tmp, br ? "\n" : " ", 1);
	    i = j + 1;
	} else if (s[i] == '&') {
	    static const struct {
		const char *ent;
		size_t  len;
		const char *text;
	    } ents[] = {
		{"&lt;", 4, "<"}, {"&gt;", 4, ">"}, {"&amp;", 5, "&"}, {"&nbsp;", 6, " "},
		{"&quot;", 6, "\""}, {"&#39;", 5, "'"},
	    };
	    size_t  k;

	    for (k = 0; k < sizeof(ents) / sizeof(ents[0]); k++) {
		size_t  n = ents[k].len;

		if (len - i >= n && html_is(s + i, ents[k].ent)) {
		    rbuf_puts(&tmp, ents[k].text);
		    i += n;
		    break;
		}
	    }
	    if (k == sizeof(ents) / sizeof(ents[0]))
		rbuf_append(&tmp, s + i++, 1);
	} else {
	    size_t  j = i;

	    /*
	     * Text up to the next tag or entity, eight bytes at a time; in
	     * the word that holds one, the lowest flag is exact (a false one
	     * only ever comes above a true one) and says where.
	     */
	    while (len - j >= 8) {
		uint64_t w, lt, amp, m;

		memcpy(&w, s + j, 8);
		lt = w ^ (REPORT_W_ONES * '<');
		amp = w ^ (REPORT_W_ONES * '&');
		m = (((lt - REPORT_W_ONES) & ~lt) | ((amp - REPORT_W_ONES) & ~amp)) & REPORT_W_HIGHS;
		if (m != 0) {
		    j += (size_t) __builtin_ctzll(m) / 8;
		    break;
		}
		j += 8;
	    }
	    while (j < len && s[j] != '<' && s[j] != '&')
		j++;
	    rbuf_append(&tmp, s + i, j - i);
	    i = j;
	}
    }
    if (tmp.data)
	report_decode_append(dst, tmp.data, tmp.len);
    if (tmp.nomem)
	dst->nomem = true;
    rbuf_free(&tmp);
}
