/*++
 * NAME
 *	report_mime 3
 * SUMMARY
 *	cut a message into the pieces the report readers want
 * SYNOPSIS
 *	#include "report_int.h"
 *
 *	void	report_mime_collect(REPORT_CTX *ctx, const char *msg, size_t len)
 * DESCRIPTION
 *	report_mime_collect() walks one message (LF line ends, no NULs,
 *	NUL-terminated) once, front to back, and fills ctx: the headers the
 *	readers ask about (decoded to UTF-8), the text of the message's own
 *	text/plain parts (or of its text/html parts, tags stripped, when it
 *	has no plain text), the message/delivery-status and
 *	message/feedback-report parts, the headers of the original message
 *	(a message/rfc822 part or a text/rfc822-headers part) and, when the
 *	attached message is itself a bounce, that message as written.
 *
 *	The walk is ours, not a GMime object tree: report_hdr.c reads the
 *	header blocks (report_ctype.c their Content-Type, report_top.c the
 *	message's own fields), multipart boundaries are found by looking at
 *	the lines that begin with "--" against a stack of the open
 *	boundaries, and only the parts that are kept are decoded
 *	(report_keep.c says which; report_decode.c, GMime's and iconv's
 *	decoders).  It reads MIME
 *	the way GMime's parser does (which lines end a part, which part
 *	without headers is skipped, what a bad Content-Type means), so that
 *	the pieces are those the GMime tree gave.  Differences: an attached
 *	bounce is kept as written, where GMime wrote it anew, and a field
 *	after junk lines is kept where GMime's 4 KB read buffer could lose
 *	it.
 *
 *	Bounds: one pass over the input; REPORT_NEST_MAX levels of nesting
 *	are parsed (deeper multiparts are read as one block) and
 *	REPORT_DEPTH_MAX levels and REPORT_PARTS_MAX parts are looked at;
 *	after that the walk stops.  Each piece keeps at most its RBUF's
 *	maximum, and no part is decoded beyond 4 * REPORT_PIECE_MAX bytes.
 *	An attached message's own parts are never looked at.
 * MEMORY
 *	The pieces are RBUFs in ctx, freed by the caller.  GMime is used
 *	for its decoders only; g_mime_init() runs once per process.
 * DIAGNOSTICS
 *	None: a message without a header block leaves its body as text.
 *	ctx->nomem when memory ran out.
 *--*/

#include "config.h"

#include <pthread.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <gmime/gmime.h>

#include "report_int.h"
#include "report_mime.h"

static pthread_once_t mime_once = PTHREAD_ONCE_INIT;

static void mime_init(void)
{
    g_mime_init();
}

static void entity(WALK *, HDRS *, PTYPE *, int, bool, int, int);

/* is_boundary - is this line a boundary of the open multiparts? */

static bool is_boundary(WALK *w, const char *line, size_t len)
{
    if (len < 2 || line[0] != '-' || line[1] != '-')
	return (false);
    for (int k = w->nbound - 1; k >= 0; k--) {
	size_t  bl = w->blen[k], i;

	if (len < bl + 2 || memcmp(line + 2, w->bound[k], bl) != 0)
	    continue;
	for (int end = 1; end >= 0; end--) {
	    i = bl + 2;
	    if (end) {
		if (len < i + 2 || line[i] != '-' || line[i + 1] != '-')
		    continue;
		i += 2;
	    }
	    while (i < len && (line[i] == ' ' || line[i] == '\t'))
		i++;
	    if (i == len) {
		w->found = FOUND_LINE;
		w->level = k;
		w->end = end;
		return (true);
	    }
	}
    }
    return (false);
}

/* hdr_stop - report_hdr_block() asks: does this line end the headers? */

static bool hdr_stop(void *arg, const char *line, size_t len)
{
    return (is_boundary(((HDRS *) arg)->w, line, len));
}

/* immediate - the boundary found is the innermost one, not its end */

static bool immediate(WALK *w)
{
    return (w->found == FOUND_LINE && w->level == w->nbound - 1 && !w->end);
}

/*
 * scan - the content from pos to the next boundary line (pos stops at
 * it) or to the end.  The line end before a boundary is the boundary's.
 */

static void scan(WALK *w, size_t *start, size_t *end)
{
    size_t  p = w->pos;

    *start = p;
    while (w->nbound > 0 && p < w->len) {
	const char *dash, *nl;
	size_t  le;

	/*
	 * Only a line that starts with "-" can be a boundary: skip to the
	 * next "-" at a line start, not from line to line.
	 */
	if (w->buf[p] != '-') {
	    if ((dash = memchr(w->buf + p, '-', w->len - p)) == NULL)
		break;
	    p = (size_t) (dash - w->buf);
	    if (p > *start && w->buf[p - 1] != '\n') {
		/* inside a line: go on from the next line's start */
		if ((nl = memchr(dash, '\n', w->len - p)) == NULL)
		    break;
		p = (size_t) (nl - w->buf) + 1;
		continue;
	    }
	}
	nl = memchr(w->buf + p, '\n', w->len - p);
	le = nl ? (size_t) (nl - w->buf) : w->len;
	if (is_boundary(w, w->buf + p, le - p)) {
	    w->pos = p;
	    *end = p > *start ? p - 1 : p;
	    return;
	}
	p = nl ? le + 1 : w->len;
    }
    w->pos = w->len;
    w->found = FOUND_EOS;
    *end = w->len;
}

/* skip_line - past the boundary line; false at the end of the input */

static bool skip_line(WALK *w)
{
    const char *nl = memchr(w->buf + w->pos, '\n', w->len - w->pos);

    if (nl == NULL) {
	w->pos = w->len;
	return (false);
    }
    w->pos = (size_t) (nl - w->buf) + 1;
    return (true);
}

/* hdr_field - report_hdr_block() hands over one field */

static void hdr_field(void *arg, const REPORT_FIELD *f)
{
    HDRS   *h = arg;

    if (h->raw != NULL)
	rbuf_append(h->raw, f->raw, f->rawlen);
    if (h->first == NULL)
	h->first = f->raw;
    if (f->namelen > 8 && (f->name[0] | 0x20) == 'c' && (f->name[7] == '-')
	&& strncasecmp(f->name, "Content-", 8) == 0) {
	if (REPORT_HDR_IS(f, "Content-Type")) {
	    h->f[0] = *f;
	    h->ctype = h->f;
	} else if (REPORT_HDR_IS(f, "Content-Transfer-Encoding")) {
	    if (h->cte_first == NULL) {
		h->f[1] = *f;
		h->cte_first = h->f + 1;
	    }
	    h->f[2] = *f;
	    h->cte = h->f + 2;
	} else if (REPORT_HDR_IS(f, "Content-Disposition")) {
	    h->f[3] = *f;
	    h->disp = h->f + 3;
	}
	return;
    }
    if (h->top) {
	/* as before: the first 1000 of the message's own fields */
	if (h->w->tops++ < 1000)
	    report_top_field(h->w->ctx, f, h->w->val, sizeof(h->w->val));
    } else if (h->from == NULL && REPORT_HDR_IS(f, "From")) {
	h->f[4] = *f;
	h->from = h->f + 4;
    }
}

/*
 * part_type - what a header block makes of its part.  Without a
 * Content-Type it is text/plain (message/rfc822 in a multipart/digest);
 * with one that does not parse, it is read as text/plain but is
 * application/octet-stream to the readers: GMime's answers.
 */

static void part_type(WALK *w, HDRS *h, bool digest, int depth, PTYPE *t)
{
    const char *dtype = digest ? "message" : "text", *dsub = digest ? "rfc822" : "plain";
    const char *ptype = dtype, *psub = dsub;

    /* no memset() of the whole: report_hdr_ctype() clears ct itself */
    t->multipart = t->message = false;
    t->type = dtype;
    t->subtype = dsub;
    if (h->ctype == NULL) {
	t->ct.valid = t->ct.has_boundary = t->ct.boundary_ok = t->ct.has_charset = false;
	t->ct.type[0] = t->ct.subtype[0] = t->ct.boundary[0] = t->ct.charset[0] = 0;
	t->ct.report_type[0] = 0;
    } else {
	report_hdr_ctype(report_mime_value(w, h->ctype), &t->ct);
	if (t->ct.valid) {
	    ptype = t->type = t->ct.type;
	    psub = t->subtype = t->ct.subtype;
	} else {
	    t->type = "application";
	    t->subtype = "octet-stream";
	}
    }
    t->multipart = IS(ptype, "multipart");
    if (IS(ptype, "message")
	&& (IS(psub, "rfc822") || IS(psub, "rfc2822")
	    || IS(psub, "global") || IS(psub, "news"))
	&& depth < REPORT_NEST_MAX) {
	/* encoded, it is a leaf (GMime reads the first such field) */
	t->message = h->cte_first == NULL
	    || report_hdr_encoding(report_mime_value(w, h->cte_first)) == REPORT_ENC_NONE;
    }
}

/* looks_like_report - is an attached message a bounce itself? */

static bool looks_like_report(WALK *w, HDRS *h, PTYPE *body)
{
    char    lower[REPORT_HDR_MAX];
    const char *from;

    if (IS(body->type, "multipart") && IS(body->subtype, "report"))
	return (true);
    if (h->from == NULL)
	return (false);
    from = report_mime_value(w, h->from);
    report_lower(lower, sizeof(lower), from, strlen(from));
    return (strstr(lower, "mailer-daemon") != NULL || strstr(lower, "postmaster") != NULL);
}

/*
 * message_part - an attached message: its headers become the original's
 * headers (when there are none yet), and the whole message is kept when
 * it looks like a bounce.  Its body is parsed, to find its end, but not
 * looked at.
 */

static void message_part(WALK *w, int hstate, int depth, bool visit)
{
    REPORT_CTX *ctx = w->ctx;
    HDRS    h;
    PTYPE   body;
    size_t  start, end;
    int     n, r;
    bool    orig = visit && ctx->orig.len == 0;

    if (hstate != REPORT_HDR_CONTENT)
	return;
    if (w->nbound > 0) {			/* an empty part */
	const char *nl;

	if (w->pos >= w->len) {
	    w->found = FOUND_EOS;
	    return;
	}
	nl = memchr(w->buf + w->pos, '\n', w->len - w->pos);
	if (is_boundary(w, w->buf + w->pos, (nl ? (size_t) (nl - w->buf) : w->len) - w->pos))
	    return;
    }
    memset(&h, 0, sizeof(h));
    h.w = w;
    h.raw = orig ? &ctx->orig : NULL;
    start = w->pos;
    if ((r = report_hdr_block(w->buf, w->len, &w->pos, false, hdr_stop, hdr_field,
			      &h, &n)) == REPORT_HDR_ERROR) {
	if (orig) {				/* no message after all */
	    ctx->orig.len = 0;
	    if (ctx->orig.data)
		ctx->orig.data[0] = 0;
	}
	w->pos = w->len;
	w->found = FOUND_EOS;
	return;
    }
    if (orig)
	rbuf_append(&ctx->orig, "\n", 1);
    part_type(w, &h, false, depth + 2, &body);
    entity(w, &h, &body, r, false, depth + 2, -1);
    end = w->found == FOUND_LINE ? (w->pos > start ? w->pos - 1 : start) : w->len;
    if (h.first != NULL)
	start = (size_t) (h.first - w->buf);	/* junk before the headers: not kept */
    if (end < start)
	end = start;
    if (visit && ctx->inner.len == 0 && looks_like_report(w, &h, &body))
	rbuf_append(&ctx->inner, w->buf + start, end - start);
}

/* visit - count a part the walk looks at; false past the caps */

static bool visit(WALK *w, int wdepth)
{
    if (wdepth < 0 || wdepth > REPORT_DEPTH_MAX || w->stop)
	return (false);
    if (++w->ctx->nparts > REPORT_PARTS_MAX) {
	w->stop = true;
	return (false);
    }
    return (true);
}

/* subparts - the parts of a multipart, from its first boundary line */

static void subparts(WALK *w, bool digest, int depth, int wdepth)
{
    do {
	HDRS    h;
	int     r, n;

	if (!skip_line(w)) {
	    w->found = FOUND_EOS;
	    break;
	}
	memset(&h, 0, sizeof(h));
	h.w = w;
	r = report_hdr_block(w->buf, w->len, &w->pos, false, hdr_stop, hdr_field, &h, &n);
	if (r == REPORT_HDR_ERROR) {
	    w->pos = w->len;
	    w->found = FOUND_EOS;
	    break;
	}
	if (r == REPORT_HDR_STOPPED && n == 0) {
	    if (immediate(w))
		continue;			/* an empty part is no part */
	    break;
	}
	entity(w, &h, NULL, r, digest, depth + 1, wdepth);
	if (w->stop)
	    return;
    } while (immediate(w));
}

/* multipart - a multipart's body: preamble, parts, epilogue */

static void multipart(WALK *w, PTYPE *t, int depth, int wdepth)
{
    size_t  s, e;
    bool    seen = visit(w, wdepth);

    if (w->stop)
	return;
    if (!t->ct.boundary_ok || depth >= REPORT_NEST_MAX) {
	scan(w, &s, &e);			/* all of it is preamble */
	return;
    }
    w->bound[w->nbound] = t->ct.boundary;
    w->blen[w->nbound] = strlen(t->ct.boundary);
    w->nbound++;
    scan(w, &s, &e);
    if (immediate(w))
	subparts(w, IS(t->ct.subtype, "digest"), depth,
		 seen ? wdepth + 1 : -1);
    if (w->stop)
	return;
    if (w->found == FOUND_LINE && w->level == w->nbound - 1 && w->end) {
	skip_line(w);
	w->nbound--;
	scan(w, &s, &e);			/* the epilogue */
	return;
    }
    w->nbound--;
}

/*
 * entity - one part, its headers read (hstate says how they ended), its
 * type t when the caller knows it already.
 */

static void entity(WALK *w, HDRS *h, PTYPE *given, int hstate, bool digest, int depth,
		           int wdepth)
{
    PTYPE   own, *t = given;
    size_t  s = w->pos, e = w->pos;
    bool    seen;

    if (t == NULL)
	part_type(w, h, digest, depth, t = &own);
    if (t->multipart) {
	multipart(w, t, depth, wdepth);
	return;
    }
    seen = visit(w, wdepth);
    if (w->stop)
	return;
    if (t->message) {
	message_part(w, hstate, depth, seen);
	return;
    }
    if (hstate == REPORT_HDR_CONTENT)
	scan(w, &s, &e);
    if (seen)
	report_mime_keep(w, h, t, s, e);
}

/* report_mime_collect - fill ctx from one message */

void    report_mime_collect(REPORT_CTX *ctx, const char *msg, size_t len)
{
    WALK    w;
    HDRS    h;
    PTYPE   t;
    int     r, n;

    pthread_once(&mime_once, mime_init);
    memset(&w, 0, offsetof(WALK, val));	/* val is scratch: 8 kB not cleared */
    w.val[0] = 0;
    w.ctx = ctx;
    w.buf = msg;
    w.len = len;
    memset(&h, 0, sizeof(h));
    h.w = &w;
    h.top = true;
    if ((r = report_hdr_block(msg, len, &w.pos, true, NULL, hdr_field, &h, &n))
	== REPORT_HDR_ERROR) {
	report_top_undo(ctx);
	rbuf_append(&ctx->text, msg, len);	/* no CR, no NUL: as it is */
	return;
    }
    part_type(&w, &h, false, 0, &t);
    {
	char    mt[sizeof(t.ct.type) + sizeof(t.ct.subtype) + 2];
	size_t  tl = strlen(t.type), sl = strlen(t.subtype);

	/* "type/subtype": both fit (each is shorter than its array) */
	if (tl >= sizeof(t.ct.type))
	    tl = sizeof(t.ct.type) - 1;
	if (sl >= sizeof(t.ct.subtype))
	    sl = sizeof(t.ct.subtype) - 1;
	memcpy(mt, t.type, tl);
	mt[tl] = '/';
	memcpy(mt + tl + 1, t.subtype, sl);
	report_lower(ctx->content_type, sizeof(ctx->content_type), mt, tl + 1 + sl);
	if (t.ct.valid && t.ct.report_type[0])
	    report_lower(ctx->report_type, sizeof(ctx->report_type), t.ct.report_type,
			 strlen(t.ct.report_type));
    }
    rbuf_init(&w.html, REPORT_PIECE_MAX);
    entity(&w, &h, &t, r, false, 0, 0);
    if (!w.plain && w.html.len > 0)
	rbuf_append(&ctx->text, w.html.data, w.html.len);
    if (w.html.nomem)
	ctx->nomem = true;
    /* a multipart whose boundaries are missing: its body as text */
    if (ctx->text.len == 0 && ctx->dsn.len == 0 && ctx->arf.len == 0) {
	const char *eoh = strstr(msg, "\n\n");

	if (eoh != NULL)
	    rbuf_append(&ctx->text, eoh + 2, len - (size_t) (eoh + 2 - msg));
    }
    rbuf_free(&w.html);
}
