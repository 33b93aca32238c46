/*++
 * NAME
 *	report 3
 * SUMMARY
 *	what a message that came back says about our recipients
 * SYNOPSIS
 *	#include "report.h"
 *
 *	REPORT_STATUS report_parse(const char *msg, size_t len, REPORT *report)
 *	void	report_free(REPORT *report)
 *	const char *report_kind_name(REPORT_KIND kind)
 *	const char *report_action_name(REPORT_ACTION action)
 * DESCRIPTION
 *	report_parse() reads one whole message, len bytes of headers and
 *	body with any line ends (CRLF, CR or LF give the same answer), and
 *	fills *report: what kind of message it is and, for each address
 *	it is about, what happened.  The readers are tried in this order:
 *
 *	1. A complaint: a message/feedback-report part (RFC 5965), or an
 *	   Apple Mail unsubscribe request.  Kind REPORT_COMPLAINT, reason
 *	   "feedback", never hard: suppression, not invalidity.
 *	2. A delivery status report: a message/delivery-status part (RFC
 *	   3464), or DSN fields pasted into the text (report_dsn.c).
 *	   Diagnostics missing from the fields are taken from the text.
 *	   An Amazon SES notice (JSON) is read by report_json.c.
 *	3. A bounce written for people: a message that looks like a bounce
 *	   (report_auto.c) is read line by line (report_text.c).  When it
 *	   names nobody, the original's To: does.
 *	4. An auto-reply (RFC 3834 and the usual headers and subjects):
 *	   REPORT_AUTOREPLY, its author with reason "vacation": proof that
 *	   the mailbox is read, never a bounce.
 *	5. Anything else with an author is REPORT_MESSAGE: a person's
 *	   reply, its author as the one recipient, reason "".
 *
 *	A DSN recipient's reason and hardness come from reason_classify()
 *	and reason_is_hard() (reason.c) over its action, status, reply
 *	code and diagnostic; "delivered" and "relayed" recipients are
 *	"delivered", and a delayed recipient is never hard.  Statuses and
 *	reply codes missing from the fields are taken from the diagnostic.
 *
 *	report->tag is the first tag (tag_find()) in, in this order, the
 *	original's headers, the message's own headers (its To: is our
 *	bounce address), the DSN fields and the text; the caller verifies
 *	it.  report->from is the message's From: address.
 *
 *	REPORT_UNKNOWN means "cannot tell": a bounce that names no
 *	recipient (the tag may still say which letter it was), a message
 *	without an author, or nothing readable; report->why says which.
 *
 *	Limits: the first REPORT_INPUT_MAX bytes of a message are read;
 *	each piece of text at most REPORT_PIECE_MAX bytes; MIME nesting and
 *	part counts are capped; at most REPORT_RCPTS_MAX recipients are
 *	kept (nrcpt_dropped counts the rest).  Every step is linear in the
 *	size of the message.
 *
 *	report_free() frees report->rcpt.  report_kind_name() and
 *	report_action_name() return static names.
 * MEMORY
 *	The caller owns *report (a stack variable will do) and calls
 *	report_free() after any report_parse(), whatever it returned.
 * DIAGNOSTICS
 *	REPORT_ERR_NOMEM when memory ran out: nothing is filled in.
 *	Otherwise REPORT_OK, with a verdict that may be REPORT_UNKNOWN.
 *--*/

#include "config.h"

#include <ctype.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "reason.h"
#include "report_int.h"
#include "tag.h"

static REPORT_STATUS parse_depth(const char *, size_t, REPORT *, int);

/*
 * normalise - LF line ends, no NULs, no mbox "From " line.  Most
 * messages have no CR and no NUL (CRLF ones one a line): what lies
 * between them is copied with memcpy().
 */

static char *normalise(const char *msg, size_t len, size_t *outlen)
{
    char   *out = malloc(len + 1);
    size_t  n = 0, i = 0;

    if (out == NULL)
	return (NULL);
    if (len >= 5 && memcmp(msg, "From ", 5) == 0) {
	while (i < len && msg[i] != '\n' && msg[i] != '\r')
	    i++;
	if (i < len && msg[i] == '\r')
	    i++;
	if (i < len && msg[i] == '\n')
	    i++;
    }
    /*
     * The runs between CRs and NULs are copied whole; the next CR and the
     * next NUL are each looked for once (linear).  n <= i throughout.
     */
    {
	const char *p = msg + i, *end = msg + len, *cr = NULL, *nul = NULL;

	while (p < end) {
	    const char *stop;

	    if (cr == NULL || cr < p)
		if ((cr = memchr(p, '\r', (size_t) (end - p))) == NULL)
		    cr = end;
	    if (nul == NULL || nul < p)
		if ((nul = memchr(p, 0, (size_t) (end - p))) == NULL)
		    nul = end;
	    stop = cr < nul ? cr : nul;
	    memcpy(out + n, p, (size_t) (stop - p));
	    n += (size_t) (stop - p);
	    if (stop == end)
		break;
	    if (*stop == '\r') {
		out[n++] = '\n';
		p = stop + 1 < end && stop[1] == '\n' ? stop + 2 : stop + 1;
	    } else {
		out[n++] = ' ';
		p = stop + 1;
	    }
	}
    }
    out[n] = 0;
    *outlen = n;
    return (out);
}

/* report_rcpt_find - the recipient with this address, or NULL */

REPORT_RCPT *report_rcpt_find(REPORT_CTX *ctx, const char *addr)
{
    for (int i = 0; i < ctx->report->nrcpt; i++)
	if (strcmp(ctx->report->rcpt[i].address, addr) == 0)
	    return (ctx->report->rcpt + i);
    return (NULL);
}

/* report_rcpt_add - a new recipient, or the one with this address */

REPORT_RCPT *report_rcpt_add(REPORT_CTX *ctx, const char *addr, size_t len)
{
    REPORT *report = ctx->report;
    char    key[ADDR_ADDRESS_MAX + 1];
    REPORT_RCPT *rcpt;

    if (!report_addr_copy(key, sizeof(key), addr, len))
	return (NULL);
    if ((rcpt = report_rcpt_find(ctx, key)) != NULL)
	return (rcpt);
    if (report->nrcpt >= REPORT_RCPTS_MAX) {
	report->nrcpt_dropped++;
	return (NULL);
    }
    if (report->rcpt == NULL) {
	/* each record is cleared as it is handed out: no calloc of them all */
	if ((report->rcpt = malloc(REPORT_RCPTS_MAX * sizeof(*report->rcpt))) == NULL) {
	    ctx->nomem = true;
	    return (NULL);
	}
    }
    rcpt = report->rcpt + report->nrcpt++;
    memset(rcpt, 0, sizeof(*rcpt));
    strcpy(rcpt->address, key);
    return (rcpt);
}

/* report_rcpt_ignored - an address that is never a failed recipient */

bool    report_rcpt_ignored(REPORT_CTX *ctx, const char *addr)
{
    if (strcmp(addr, ctx->to) == 0 || strcmp(addr, ctx->report->from) == 0
	|| strcmp(addr, ctx->orig_from) == 0 || strcmp(addr, ctx->orig_sender) == 0)
	return (true);
    if (strncmp(addr, "mailer-daemon@", 14) == 0)
	return (true);
    return (false);
}

/* report_orig_senders - remember who sent the original */

void    report_orig_senders(REPORT_CTX *ctx)
{
    static const char *const names[] = {"From", "Return-Path"};
    char   *dst[] = {ctx->orig_from, ctx->orig_sender};
    const char *vals[2];
    size_t  vlens[2];

    if (ctx->orig.len == 0)
	return;
    report_headers_get(ctx->orig.data, ctx->orig.len, names, 2, vals, vlens);
    for (int k = 0; k < 2; k++) {
	const char *v = vals[k], *a, *lt;
	size_t  vlen = vlens[k], alen;

	if (v == NULL)
	    continue;
	if ((lt = memchr(v, '<', vlen)) != NULL) {
	    vlen -= (size_t) (lt - v);
	    v = lt;
	}
	if ((a = report_addr_find(v, vlen, &alen)) != NULL)
	    report_addr_copy(dst[k], ADDR_ADDRESS_MAX + 1, a, alen);
    }
}

/*
 * tag_scan - tag_find() over a window around each "la1=" (any case):
 * the same answer, without comparing at every byte of a long text.
 */

static const char *tag_scan(const char *text, size_t len, size_t *tlen)
{
    for (const char *cp = text; (cp = memchr(cp, '=', (size_t) (text + len - cp))) != NULL; cp++) {
	const char *start;
	size_t  win;

	if (cp - text < 3 || (cp[-1] != '1') || (cp[-2] | 0x20) != 'a' || (cp[-3] | 0x20) != 'l')
	    continue;
	start = cp - 3;
	win = (size_t) (text + len - start);
	if (win > REPORT_TAG_MAX + 8)
	    win = REPORT_TAG_MAX + 8;
	if (start > text && (isalnum((unsigned char) start[-1]) || start[-1] == '='))
	    continue;				/* inside a longer word */
	{
	    const char *t = tag_find(start, win, tlen);

	    if (t == start)
		return (t);
	}
    }
    *tlen = 0;
    return (NULL);
}

/* find_tag - the first tag in the pieces, most trusted first */

static void find_tag(REPORT_CTX *ctx)
{
    const RBUF *pieces[] = {&ctx->orig, &ctx->head, &ctx->dsn, &ctx->text};

    for (size_t i = 0; i < sizeof(pieces) / sizeof(pieces[0]); i++) {
	const char *t;
	size_t  tlen;

	if (pieces[i]->len == 0)
	    continue;
	if ((t = tag_scan(pieces[i]->data, pieces[i]->len, &tlen)) != NULL) {
	    if (tlen > REPORT_TAG_MAX)
		tlen = REPORT_TAG_MAX;
	    report_lower(ctx->report->tag, sizeof(ctx->report->tag), t, tlen);
	    return;
	}
    }
}

/* classify - reasons and hardness of a DSN's recipients */

static void classify(REPORT_CTX *ctx)
{
    REPORT *report = ctx->report;

    for (int i = 0; i < report->nrcpt; i++) {
	REPORT_RCPT *rcpt = report->rcpt + i;
	REASON_INPUT in;
	const char *cmd, *reason;
	size_t  n;

	if (!rcpt->status[0])
	    report_status_find(rcpt->diagnostic, rcpt->status, sizeof(rcpt->status));
	if (!rcpt->reply_code)
	    rcpt->reply_code = report_reply_find(rcpt->diagnostic);
	if (!rcpt->command[0] && !ctx->cmd_none[i]
	    && (cmd = report_command_find(rcpt->diagnostic)) != NULL)
	    strcpy(rcpt->command, cmd);
	if (report->kind != REPORT_DSN) {
	    rcpt->hard = false;
	    continue;
	}
	if (rcpt->reason[0])
	    continue;
	if (rcpt->action == REPORT_ACTION_DELIVERED || rcpt->action == REPORT_ACTION_RELAYED) {
	    strcpy(rcpt->reason, "delivered");
	    rcpt->hard = false;
	    continue;
	}
	memset(&in, 0, sizeof(in));
	in.action = rcpt->action;
	in.status = rcpt->status;
	in.reply_code = rcpt->reply_code;
	in.diagnostic = rcpt->diagnostic;
	in.format = report->format;
	in.kind = REPORT_DSN;
	in.command = rcpt->command[0] ? rcpt->command : NULL;
	in.recipient = rcpt->address;
	in.remote_mta = rcpt->remote_mta;
	reason = reason_classify(&in);
	if ((n = strlen(reason)) >= sizeof(rcpt->reason))
	    n = sizeof(rcpt->reason) - 1;
	memcpy(rcpt->reason, reason, n);
	rcpt->reason[n] = 0;
	rcpt->hard = rcpt->action != REPORT_ACTION_DELAYED
	    && rcpt->action != REPORT_ACTION_EXPANDED
	    && reason_is_hard(rcpt->reason, rcpt->status, rcpt->reply_code);
    }
}

/*
 * unquote - a bounce forwarded by a person arrives with "> " before each
 * line: when most lines of the text are quoted, read it without.
 */

static void unquote(REPORT_CTX *ctx)
{
    RBUF    out;
    size_t  lines = 0, quoted = 0;
    const char *cp = ctx->text.data, *end;

    if (cp == NULL)				/* no text: no NULL + 0 either */
	return;
    end = cp + ctx->text.len;
    /* no line starts with ">": nothing is quoted (the usual case) */
    {
	const char *gt = memchr(cp, '>', (size_t) (end - cp));

	while (gt != NULL && gt > cp && gt[-1] != '\n')
	    gt = memchr(gt + 1, '>', (size_t) (end - gt - 1));
	if (gt == NULL)
	    return;
    }
    for (const char *p = cp; p < end; p++) {
	const char *eol = memchr(p, '\n', (size_t) (end - p));

	lines += *p != '\n';
	quoted += *p == '>';
	if ((p = eol) == NULL)
	    break;
    }
    if (lines < 4 || quoted * 2 < lines)
	return;
    rbuf_init(&out, REPORT_PIECE_MAX);
    while (cp < end) {
	const char *eol = memchr(cp, '\n', (size_t) (end - cp));

	if (eol == NULL)
	    eol = end;
	if (cp < eol && *cp == '>') {
	    cp++;
	    if (cp < eol && *cp == ' ')
		cp++;
	}
	rbuf_append(&out, cp, (size_t) (eol - cp));
	rbuf_append(&out, "\n", 1);
	cp = eol + 1;
    }
    if (out.nomem) {
	ctx->nomem = true;
	rbuf_free(&out);
	return;
    }
    rbuf_free(&ctx->text);
    ctx->text = out;
}

/* inner_report - a bounce whose attachment is the real bounce */

static bool inner_report(REPORT_CTX *ctx)
{
    REPORT  inner;

    if (parse_depth(ctx->inner.data, ctx->inner.len, &inner, ctx->depth + 1) != REPORT_OK) {
	ctx->nomem = true;
	return (false);
    }
    if (inner.kind != REPORT_DSN || inner.nrcpt == 0) {
	report_free(&inner);
	return (false);
    }
    report_free(ctx->report);
    *ctx->report = inner;
    memset(ctx->cmd_none, 0, sizeof(ctx->cmd_none));	/* other recipients */
    return (true);
}

/* decide - run the readers in turn */

static void decide(REPORT_CTX *ctx)
{
    REPORT *report = ctx->report;
    size_t  vlen;

    report_orig_senders(ctx);
    unquote(ctx);
    if (report_arf_read(ctx)) {
	if (report->nrcpt == 0)
	    strcpy(report->why, "a complaint that names no recipient");
	return;
    }
    if (ctx->dsn.len > 0 && report_dsn_read(ctx, ctx->dsn.data, ctx->dsn.len) > 0) {
	report->kind = REPORT_DSN;
	strcpy(report->format, "rfc3464");
	report_text_read(ctx, REPORT_TEXT_FILL);
	return;
    }
    if (report_json_read(ctx))
	return;
    if (ctx->text.len > 0 && report_field_find(ctx->text.data, ctx->text.len,
					       "Final-Recipient", &vlen) != NULL
	&& report_dsn_read(ctx, ctx->text.data, ctx->text.len) > 0) {
	report->kind = REPORT_DSN;
	strcpy(report->format, "rfc3464-text");
	report_text_read(ctx, REPORT_TEXT_FILL);
	return;
    }
    if (ctx->dsn.len > 0 || strcmp(ctx->report_type, "delivery-status") == 0
	|| report_bounce_like(ctx)) {
	if (report_text_read(ctx, REPORT_TEXT_ADD) == 0 && ctx->inner.len > 0
	    && ctx->depth < 1 && inner_report(ctx))
	    return;
	if (report->nrcpt == 0)
	    report_text_read(ctx, REPORT_TEXT_FALLBACK);
	if (report->nrcpt > 0) {
	    report->kind = REPORT_DSN;
	    strcpy(report->format, "text");
	} else {
	    report->kind = REPORT_UNKNOWN;
	    strcpy(report->format, "text");
	    strcpy(report->why, "a bounce that names no recipient");
	}
	return;
    }
    if (report_auto_detect(ctx))
	return;
    if (report->from[0]) {
	report->kind = REPORT_MESSAGE;
	strcpy(report->format, "message");
	report_rcpt_add(ctx, report->from, strlen(report->from));
	return;
    }
    report->kind = REPORT_UNKNOWN;
    strcpy(report->why, "neither a report nor a message with an author");
}

/* report_parse - what a message says about our recipients */

REPORT_STATUS report_parse(const char *msg, size_t len, REPORT *report)
{
    return (parse_depth(msg, len, report, 0));
}

/*
 * ctx_init - an empty context, field by field: no memset() of the whole,
 * whose strings take kilobytes of which only the first byte is read
 * before they are written (the pieces are set by rbuf_init()).  A new
 * field of REPORT_CTX is set here too.
 */
static void ctx_init(REPORT_CTX *ctx, REPORT *report, int depth)
{
    ctx->report = report;
    ctx->nomem = false;
    ctx->depth = depth;
    ctx->subject[0] = ctx->from_raw[0] = ctx->to[0] = ctx->content_type[0] = 0;
    ctx->report_type[0] = ctx->auto_submitted[0] = ctx->precedence[0] = ctx->failed[0] = 0;
    ctx->in_reply_to[0] = ctx->orig_from[0] = ctx->orig_sender[0] = 0;
    ctx->auto_header = ctx->list_header = ctx->ses_json = false;
    ctx->nparts = 0;
    memset(ctx->cmd_none, 0, sizeof(ctx->cmd_none));
}

/* parse_depth - report_parse(), for a message inside a message or not */

static REPORT_STATUS parse_depth(const char *msg, size_t len, REPORT *report, int depth)
{
    REPORT_CTX ctx;
    char   *norm;
    size_t  nlen;
    RBUF   *bufs[6];
    bool    nomem;

    memset(report, 0, sizeof(*report));
    ctx_init(&ctx, report, depth);
    if (msg == NULL)
	len = 0;
    if (len > REPORT_INPUT_MAX)
	len = REPORT_INPUT_MAX;
    if ((norm = normalise(msg ? msg : "", len, &nlen)) == NULL)
	return (REPORT_ERR_NOMEM);
    bufs[0] = &ctx.head;
    bufs[1] = &ctx.text;
    bufs[2] = &ctx.dsn;
    bufs[3] = &ctx.arf;
    bufs[4] = &ctx.orig;
    bufs[5] = &ctx.inner;
    for (int i = 0; i < 6; i++)
	rbuf_init(bufs[i], i == 5 ? REPORT_INNER_MAX : REPORT_PIECE_MAX);
    {
	const char *eoh = strstr(norm, "\n\n");

	rbuf_append(&ctx.head, norm, eoh ? (size_t) (eoh - norm) + 1 : nlen);
    }
    if (nlen == 0 || (norm[0] == '\n'))
	strcpy(report->why, "no headers");
    report_mime_collect(&ctx, norm, nlen);
    free(norm);
    if (!report->why[0])
	decide(&ctx);
    else
	report->kind = REPORT_UNKNOWN;
    find_tag(&ctx);
    classify(&ctx);
    nomem = ctx.nomem;
    for (int i = 0; i < 6; i++) {
	nomem = nomem || bufs[i]->nomem;
	rbuf_free(bufs[i]);
    }
    if (nomem) {
	report_free(report);
	memset(report, 0, sizeof(*report));
	return (REPORT_ERR_NOMEM);
    }
    return (REPORT_OK);
}

/* report_free - free the recipients */

void    report_free(REPORT *report)
{
    free(report->rcpt);
    report->rcpt = 0;
    report->nrcpt = 0;
}

static const char *const kind_names[] = {
    "unknown", "dsn", "complaint", "autoreply", "message",
};

static const char *const action_names[] = {
    "", "failed", "delayed", "delivered", "relayed", "expanded",
};

const char *report_kind_name(REPORT_KIND kind)
{
    return ((unsigned) kind < REPORT_KIND_COUNT ? kind_names[kind] : "unknown");
}

const char *report_action_name(REPORT_ACTION action)
{
    return ((unsigned) action < REPORT_ACTION_COUNT ? action_names[action] : "");
}
