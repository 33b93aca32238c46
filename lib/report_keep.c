/*++
 * NAME
 *	report_keep 3
 * SUMMARY
 *	what a leaf part of a message gives the report readers
 * SYNOPSIS
 *	#include "report_mime.h"
 *
 *	void	report_mime_keep(WALK *w, HDRS *h, PTYPE *t, size_t start,
 *				size_t end)
 * DESCRIPTION
 *	The MIME walk (report_mime.c) hands over each leaf part it looks at:
 *	its headers h, its type t and its content, bytes start to end of
 *	the walk's message.  report_mime_keep() decodes the parts the
 *	readers want (report_decode.c) and appends them to their piece of
 *	the walk's REPORT_CTX: delivery-status and feedback-report parts;
 *	the original's headers (the first of the rfc822-headers and
 *	global-headers parts, and of the message/rfc822 parts kept whole);
 *	text/plain (an attached text file only while no plain text came
 *	before it); text/html, in w->html, while no plain text came before
 *	it (the walk keeps it for want of plain text); application/json.
 * MEMORY
 *	The pieces are the context's RBUFs; a decoded copy is freed here.
 * DIAGNOSTICS
 *	ctx->nomem when memory ran out.
 *--*/

#include "config.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "report_mime.h"

/* part_content - a leaf part's content, decoded, in UTF-8 when text */

static void part_content(WALK *w, HDRS *h, PTYPE *t, size_t start, size_t end,
			         RBUF *dst, bool html)
{
    char   *freeme;
    int     enc = h->cte ? report_hdr_encoding(report_mime_value(w, h->cte)) : REPORT_ENC_NONE;
    const char *text;
    size_t  n;

    if (end <= start)
	return;
    text = report_decode(w->buf + start, end - start, enc,
			 t->ct.valid && t->ct.has_charset ? t->ct.charset : NULL,
			 4 * REPORT_PIECE_MAX, &freeme, &n);
    if (text == NULL) {
	w->ctx->nomem = true;
	return;
    }
    if (n > 0) {
	if (html)
	    report_decode_html(dst, text, n);
	else if (freeme == NULL)		/* the input as it is: no CR, no NUL */
	    rbuf_append(dst, text, n);
	else
	    report_decode_append(dst, text, n);
	if (dst->len > 0 && dst->data[dst->len - 1] != '\n')
	    rbuf_append(dst, "\n", 1);
    }
    free(freeme);
}

/* report_mime_keep - what a leaf part gives the readers */

void    report_mime_keep(WALK *w, HDRS *h, PTYPE *t, size_t start, size_t end)
{
    REPORT_CTX *ctx = w->ctx;
    const char *type = t->type, *sub = t->subtype;

    if (IS(type, "message") || IS(type, "text")) {
	if (IS(sub, "delivery-status")
	    || IS(sub, "global-delivery-status")) {
	    part_content(w, h, t, start, end, &ctx->dsn, false);
	    rbuf_append(&ctx->dsn, "\n", 1);
	} else if (IS(sub, "feedback-report")) {
	    part_content(w, h, t, start, end, &ctx->arf, false);
	} else if (IS(sub, "rfc822-headers")
		   || IS(sub, "rfc822-header")
		   || IS(sub, "global-headers")
		   || (IS(sub, "rfc822") && ctx->orig.len == 0)) {
	    if (ctx->orig.len == 0)
		part_content(w, h, t, start, end, &ctx->orig, false);
	} else if (IS(type, "text") && IS(sub, "html")) {
	    /* kept only for want of plain text: none after a plain part */
	    if (!w->plain)
		part_content(w, h, t, start, end, &w->html, true);
	} else if (IS(type, "text")) {
	    /* an attached text file is not the notice, unless it is the only text */
	    if (h->disp != NULL && w->plain) {
		const char *d = report_mime_value(w, h->disp);
		size_t  n = strcspn(d, ";");

		while (n > 0 && isspace((unsigned char) d[n - 1]))
		    n--;
		if (n == 10 && strncasecmp(d, "attachment", 10) == 0)
		    return;
	    }
	    w->plain = true;
	    part_content(w, h, t, start, end, &ctx->text, false);
	}
    } else if (IS(type, "application") && IS(sub, "json")) {
	part_content(w, h, t, start, end, &ctx->text, false);
    }
}
