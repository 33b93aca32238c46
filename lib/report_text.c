/*++
 * NAME
 *	report_text 3
 * SUMMARY
 *	read a bounce that is written for people, not machines
 * SYNOPSIS
 *	#include "report_int.h"
 *
 *	int	report_text_read(REPORT_CTX *ctx, int mode)
 * DESCRIPTION
 *	report_text_read() reads the text of a bounce (ctx->text) the way
 *	a person would.  It first finds where the copy of the original
 *	message starts (a "----- Original message -----" line, "Below this
 *	line is a copy of the message", or the first Received:/Return-Path:
 *	header line; see report_pat.c), keeps that copy's headers in
 *	ctx->orig when the message had no message/rfc822 part, and reads
 *	only the notice above it.
 *
 *	In the notice, a line names a failed recipient when it starts with
 *	an address ("  user@example.com", "<user@example.com>: host ...
 *	said: ...", "user@example.com... User unknown") or names one after
 *	a phrase such as "could not be delivered to" or "Your message to"
 *	(report_pat_rcpt_phrase).  The recipient's diagnostic is the rest of
 *	that line and the lines under it, up to an empty line or the next
 *	recipient; when those hold no SMTP reply the next paragraphs are
 *	added until one does (Gmail and others put the reply apart from
 *	the address).  Boilerplate lines are skipped.  In a Sendmail
 *	"Transcript of session" a recipient's line also takes the command of
 *	the nearest ">>> RCPT To:" line above it and the server's "<<<" reply
 *	lines in between (which come first in its diagnostic).  The repeated
 *	prefixes of a multi-line reply are dropped (report_diag_tidy()).  A
 *	line holds an SMTP reply only with a 4xx or 5xx code or status.
 *	When no line names a
 *	recipient, an address inside an SMTP reply line is taken, then the
 *	X-Failed-Recipients header.  Addresses that are the bounce's own
 *	From: or To:, or the original's sender, are never recipients.
 *
 *	In mode REPORT_TEXT_FILL, recipients are not added: the diagnostics
 *	found fill the recipients already known (from DSN fields) that have
 *	none.  REPORT_TEXT_ADD adds them.
 *	The function returns the number of recipients added or filled.
 *
 *	Last, in mode REPORT_TEXT_FALLBACK, a bounce that names no
 *	recipient is taken to be about the
 *	one address of the original's To: and Cc: headers (with several,
 *	it cannot tell which failed, and adds none).  Recipients without a
 *	diagnostic get the notice's SMTP reply lines, else its prose (not
 *	a short line that only introduces the list, "... failed
 *	permanently:").  A notice with no SMTP reply that links to Google
 *	Groups' help (report_pat_group_notice) is a group's refusal of a
 *	post, in any language: its failed recipients get the reason
 *	"rejected".  In a mailing-list manager's notice
 *	(report_list_notice()) the recipient is the list named in angle
 *	brackets.  A "Label: <addr>" line with nothing after the address
 *	takes its label, and the lines above it in its paragraph, as its
 *	diagnostic.  When the notice says its failures are permanent
 *	("This is a permanent error"), failed recipients that have no status
 *	and no reply code get the status 5.0.0.
 *
 *	Everything is read line by line, each line compared with the
 *	tables once and at most REPORT_LINE_MAX bytes of it: the time is
 *	linear in the (capped) text.
 *
 *	The work is shared out: report_tline.c indexes and classifies the
 *	lines (each lower-cased once and compared with all the phrase
 *	tables in one pass), report_trcpt.c says which lines name a
 *	recipient, report_tdiag.c gathers a recipient's diagnostic; this
 *	file decides what to make of them.
 * MEMORY
 *	A line index (and the lines' lower-case copies) is allocated and
 *	freed inside each call.
 *--*/

#include "config.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report_tline.h"
#include "report_pat.h"

/* any_code - does a line of the notice hold an SMTP reply or status */

static bool any_code(const TLINES *tl)
{
    for (size_t i = 0; i < tl->cut; i++)
	if (tl->v[i].code && tl->v[i].kind != TL_BLANK)
	    return (true);
    return (false);
}

/* code_text - the notice's lines that hold an SMTP reply (or its prose) */

static void code_text(TLINES *tl, char *buf, size_t len, bool prose)
{
    size_t  have = 0;			/* strlen(buf) */

    *buf = 0;
    for (size_t i = 0; i < tl->cut; i++) {
	TLINE  *l = tl->v + i;

	if (prose ? l->kind == TL_TEXT && !report_tdiag_intro(l) : (l->code && l->kind != TL_BLANK)) {
	    have = report_append_at(buf, have, len, l->s, l->len);
	    if (have + 2 >= len)
		break;
	}
    }
}

/* orig_keep - keep the headers of the quoted original */

static void orig_keep(REPORT_CTX *ctx, TLINES *tl)
{
    size_t  i = tl->cut;
    bool    header = false;

    if (ctx->orig.len > 0 || i >= tl->n)
	return;
    /* the separator line itself, unless it is already a header */
    if (memchr(tl->v[i].s, ':', tl->v[i].len) == NULL || tl->v[i].s[0] == '-'
	|| tl->v[i].s[0] == ' ')
	i++;
    while (i < tl->n && tl->v[i].len == 0)
	i++;
    for (; i < tl->n && !ctx->orig.cut; i++) {
	const TLINE *l = tl->v + i;

	if (report_tline_blank(l->s, l->len) && header)
	    break;
	header = true;
	rbuf_append(&ctx->orig, l->s, l->len);
	rbuf_append(&ctx->orig, "\n", 1);
    }
}

/* text_delayed - is the notice a delay warning? */

static bool text_delayed(REPORT_CTX *ctx, TLINES *tl)
{
    char    lower[REPORT_LINE_MAX + 1];
    PHRASE_HITS hits;

    /* one pass of the line tables, not one strstr() per delay phrase */
    report_lower_utf8(lower, sizeof(lower), ctx->subject, strlen(ctx->subject));
    report_pat_line(lower, strlen(lower), &hits);
    if (hits.mask & (1u << REPORT_PAT_L_DELAY))
	return (true);
    /* blank lines hold no phrase, and have no lower-case copy */
    for (size_t i = 0; i < tl->cut && i < 40; i++) {
	if (tl->v[i].kind == TL_RCPT)
	    break;
	if (tl->v[i].pats & (1u << REPORT_PAT_L_DELAY))
	    return (true);
    }
    return (false);
}

/* text_permanent - does the notice say that its failures are permanent? */

static bool text_permanent(TLINES *tl)
{
    for (size_t i = 0; i < tl->cut && i < 40; i++) {
	if (tl->v[i].kind == TL_BLANK)
	    continue;
	if (tl->v[i].pats & (1u << REPORT_PAT_L_PERMANENT))
	    return (true);
    }
    return (false);
}

/* single_rcpt - does the notice name one recipient only? */

static bool single_rcpt(TLINES *tl)
{
    const TLINE *first = NULL;

    for (size_t i = 0; i < tl->cut; i++) {
	if (tl->v[i].kind != TL_RCPT)
	    continue;
	if (first == NULL)
	    first = tl->v + i;
	else if (!report_tdiag_same_addr(first, tl->v + i))
	    return (false);
    }
    return (true);
}

/* text_rcpt - add or fill one recipient */

static REPORT_RCPT *text_rcpt(REPORT_CTX *ctx, const char *a, size_t alen, bool fill_only)
{
    char    addr[ADDR_ADDRESS_MAX + 1];

    if (!report_addr_copy(addr, sizeof(addr), a, alen))
	return (NULL);
    if (fill_only)
	return (report_rcpt_find(ctx, addr));
    return (report_rcpt_add(ctx, addr, alen));
}

/* code_lines - addresses inside SMTP reply lines, the last resort */

static int code_lines(REPORT_CTX *ctx, TLINES *tl, bool fill_only, REPORT_ACTION action)
{
    int     found = 0;

    for (size_t i = 0; i < tl->cut; i++) {
	TLINE  *l = tl->v + i;
	const char *a;
	size_t  alen;
	REPORT_RCPT *rcpt;

	if (!l->code || l->kind == TL_BLANK)
	    continue;
	if ((a = report_addr_find(l->s, l->len, &alen)) == NULL
	    || !report_trcpt_addr_ok(ctx, a, alen, false))
	    continue;
	if ((rcpt = text_rcpt(ctx, a, alen, fill_only)) == NULL)
	    continue;
	if (!rcpt->diagnostic[0])
	    report_fold(rcpt->diagnostic, sizeof(rcpt->diagnostic), l->s, l->len);
	if (rcpt->action == REPORT_ACTION_NONE)
	    rcpt->action = action;
	found++;
    }
    return (found);
}

/* orig_fallback - the one recipient of the original's headers */

static void orig_fallback(REPORT_CTX *ctx)
{
    static const char *const names[] = {"To", "Cc"};
    char    addrs[2][ADDR_ADDRESS_MAX + 1];
    int     n = 0;

    if (ctx->orig.len == 0)
	return;
    for (size_t k = 0; k < 2 && n < 2; k++) {
	const char *v, *a;
	size_t  vlen, alen;

	if ((v = report_header_get(ctx->orig.data, ctx->orig.len, names[k], &vlen)) == NULL)
	    continue;
	while (n < 2 && (a = report_addr_find(v, vlen, &alen)) != NULL) {
	    if (report_addr_copy(addrs[n], sizeof(addrs[n]), a, alen)
		&& !report_rcpt_ignored(ctx, addrs[n])
		&& (n == 0 || strcmp(addrs[0], addrs[n]) != 0))
		n++;
	    vlen -= (size_t) (a + alen - v);
	    v = a + alen;
	}
    }
    if (n == 1) {
	REPORT_RCPT *rcpt = report_rcpt_add(ctx, addrs[0], strlen(addrs[0]));

	if (rcpt != NULL && rcpt->action == REPORT_ACTION_NONE)
	    rcpt->action = REPORT_ACTION_FAILED;
    }
}

/* report_text_read - the recipients a bounce's text names */

int     report_text_read(REPORT_CTX *ctx, int mode)
{
    TLINES  tl;
    int     found = 0;
    REPORT_ACTION action;
    bool    fill_only = mode == REPORT_TEXT_FILL;
    char    codes[REPORT_TEXT_MAX + 1];
    char    diag[REPORT_TEXT_MAX + 1];
    bool    single = false, have_codes, have_single;

    memset(&tl, 0, sizeof(tl));
    if (ctx->text.len == 0 || !report_tline_split(&tl, ctx->text.data, ctx->text.len)) {
	if (ctx->text.len > 0)
	    ctx->nomem = true;
	return (0);
    }
    report_tline_cut(&tl);
    if (ctx->orig.len == 0) {
	orig_keep(ctx, &tl);
	report_orig_senders(ctx);
    }
    report_tline_classify(ctx, &tl);
    action = text_delayed(ctx, &tl) ? REPORT_ACTION_DELAYED : REPORT_ACTION_FAILED;
    /* the notice's reply lines, and whether it names one recipient: on demand */
    have_codes = have_single = false;
    for (size_t i = 0; i < tl.cut; i++) {
	TLINE  *l = tl.v + i;
	REPORT_RCPT *rcpt;
	const char *cmd;
	bool    code, searched;

	if (l->kind != TL_RCPT)
	    continue;
	if ((rcpt = text_rcpt(ctx, l->s + l->aoff, l->alen, fill_only)) == NULL)
	    continue;
	found++;
	if (rcpt->action == REPORT_ACTION_NONE)
	    rcpt->action = action;
	if (rcpt->diagnostic[0] && rcpt->command[0])
	    continue;
	code = report_tdiag_block(&tl, i, diag, sizeof(diag));
	/* a session transcript: the command, and the reply above the line */
	{
	    char    reply[REPORT_TEXT_MAX + 1];

	    if ((cmd = report_tdiag_transcript(&tl, i, reply, sizeof(reply))) != NULL && !rcpt->command[0])
		strcpy(rcpt->command, cmd);
	    if (reply[0]) {
		report_append_text(reply, sizeof(reply), diag, strlen(diag));
		strcpy(diag, reply);
		code = true;
	    }
	}
	/* one recipient, and the reply stands apart from it: take the reply */
	if (!code && !have_codes) {
	    code_text(&tl, codes, sizeof(codes), false);
	    have_codes = true;
	}
	if (!code && codes[0] && !have_single) {
	    single = single_rcpt(&tl);
	    have_single = true;
	}
	if (!code && codes[0] && single) {
	    char    both[REPORT_TEXT_MAX + 1];

	    snprintf(both, sizeof(both), "%s", codes);
	    report_append_text(both, sizeof(both), diag, strlen(diag));
	    strcpy(diag, both);
	}
	report_diag_tidy(diag);
	searched = false;
	if (!rcpt->command[0]) {
	    if ((cmd = report_command_find(diag)) != NULL)
		strcpy(rcpt->command, cmd);
	    else
		searched = true;
	}
	if (!rcpt->diagnostic[0]) {
	    strcpy(rcpt->diagnostic, diag);
	    /* a diagnostic is never changed once set: classify() need not look again */
	    if (searched && diag[0])
		ctx->cmd_none[rcpt - ctx->report->rcpt] = true;
	}
    }
    if (found == 0)
	found = code_lines(ctx, &tl, fill_only, action);
    if (found == 0 && !fill_only && ctx->failed[0]) {
	const char *cp = ctx->failed, *a;
	size_t  alen;

	while ((a = report_addr_find(cp, strlen(cp), &alen)) != NULL) {
	    REPORT_RCPT *rcpt = text_rcpt(ctx, a, alen, false);

	    if (rcpt != NULL) {
		rcpt->action = action;
		found++;
	    }
	    cp = a + alen;
	}
    }
    if (found == 0 && mode == REPORT_TEXT_FALLBACK) {
	orig_fallback(ctx);
	found = ctx->report->nrcpt;
    }
    /* recipients without a diagnostic get the notice's reply lines, or its prose */
    for (int r = 0; r < ctx->report->nrcpt; r++) {
	if (ctx->report->rcpt[r].diagnostic[0])
	    continue;
	if (!have_codes) {
	    code_text(&tl, codes, sizeof(codes), false);
	    have_codes = true;
	}
	if (!codes[0])
	    code_text(&tl, codes, sizeof(codes), true);
	strcpy(ctx->report->rcpt[r].diagnostic, codes);
    }
    /*
     * A group's refusal of a post (Google Groups, in any language): the
     * sender may not post there, whatever the notice's words; only when
     * the notice quotes no SMTP reply (a server's own refusal of the
     * group's address is read as any other).
     */
    if (!fill_only && tl.group && !any_code(&tl)) {
	for (int r = 0; r < ctx->report->nrcpt; r++) {
	    REPORT_RCPT *rcpt = ctx->report->rcpt + r;

	    if (rcpt->action == REPORT_ACTION_FAILED && !rcpt->reason[0])
		strcpy(rcpt->reason, "rejected");
	}
    }
    /* "This is a permanent error": a permanent class where no code says */
    if (!fill_only && action == REPORT_ACTION_FAILED && text_permanent(&tl)) {
	for (int r = 0; r < ctx->report->nrcpt; r++) {
	    REPORT_RCPT *rcpt = ctx->report->rcpt + r;

	    if (rcpt->action == REPORT_ACTION_FAILED && !rcpt->status[0] && !rcpt->reply_code
		&& !report_status_find(rcpt->diagnostic, rcpt->status, sizeof(rcpt->status))
		&& report_reply_find(rcpt->diagnostic) == 0)
		strcpy(rcpt->status, "5.0.0");
	}
    }
    report_tline_free(&tl);
    return (found);
}

