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
 * MEMORY
 *	A line index is allocated and freed inside each call.
 *--*/

#include "config.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report_int.h"
#include "report_pat.h"

typedef enum {
    TL_TEXT = 0,
    TL_BLANK,
    TL_RCPT,				/* names a recipient */
    TL_BOILER,				/* prose to skip */
} TL_KIND;

typedef struct {
    const char *s;
    size_t  len;
    TL_KIND kind;
    bool    code;			/* holds an SMTP reply or status */
    size_t  aoff, alen;			/* TL_RCPT: the address */
    size_t  rest;			/* TL_RCPT: where its own text starts */
    size_t  lablen;			/* TL_RCPT: "Label: addr", the label's
					 * length from the line's start */
} TLINE;

typedef struct {
    TLINE  *v;
    size_t  n;
    size_t  cut;			/* the first line of the original */
    bool    group;			/* a group's refusal of a post */
} TLINES;

/* lines_split - index the lines of text */

static bool lines_split(TLINES *tl, const char *text, size_t len)
{
    size_t  n = 1, i = 0;
    const char *cp = text, *end = text + len;

    for (size_t k = 0; k < len; k++)
	if (text[k] == '\n')
	    n++;
    if ((tl->v = calloc(n, sizeof(*tl->v))) == NULL)
	return (false);
    while (cp < end && i < n) {
	const char *eol = memchr(cp, '\n', (size_t) (end - cp));

	if (eol == NULL)
	    eol = end;
	tl->v[i].s = cp;
	tl->v[i].len = (size_t) (eol - cp);
	i++;
	cp = eol + 1;
    }
    tl->n = i;
    tl->cut = i;
    return (true);
}

/* is_blank - nothing but white space */

static bool is_blank(const char *s, size_t len)
{
    for (size_t i = 0; i < len; i++)
	if (!isspace((unsigned char) s[i]))
	    return (false);
    return (true);
}

/* is_orig_start - does this line start the copy of the original? */

static bool is_orig_start(const char *line, size_t len, const char *lower)
{
    size_t  i = 0;

    while (i < len && isspace((unsigned char) line[i]))
	i++;
    if (report_pat_match(lower, report_pat_orig_line) >= 0)
	return (true);
    if (i < len && strchr("-=*_", line[i]) && i + 1 < len && line[i + 1] == line[i]
	&& report_pat_match(lower, report_pat_orig_marked) >= 0)
	return (true);
    {
	/* a line that is nothing but "Original message:" and the like */
	size_t  b = 0, e = strlen(lower);
	int     k;

	while (b < e && !isalnum((unsigned char) lower[b]) && (unsigned char) lower[b] < 0x80)
	    b++;
	while (e > b && !isalnum((unsigned char) lower[e - 1]) && (unsigned char) lower[e - 1] < 0x80)
	    e--;
	for (k = 0; report_pat_orig_marked[k]; k++)
	    if (strlen(report_pat_orig_marked[k]) == e - b
		&& memcmp(lower + b, report_pat_orig_marked[k], e - b) == 0)
		return (true);
    }
    if (i == 0) {
	for (int k = 0; report_pat_orig_header[k]; k++)
	    if (strncmp(lower, report_pat_orig_header[k], strlen(report_pat_orig_header[k])) == 0)
		return (true);
    }
    return (false);
}

/*
 * addr_ok - an address that may be a recipient.  A line that starts
 * with an address (strong) may name the bounce's own To: or the
 * original's sender (people do write to themselves); one that merely
 * mentions an address may not.
 */

static bool addr_ok(REPORT_CTX *ctx, const char *a, size_t alen, bool strong)
{
    char    addr[ADDR_ADDRESS_MAX + 1];

    if (!report_addr_copy(addr, sizeof(addr), a, alen))
	return (false);
    if (strong)
	return (strncmp(addr, "mailer-daemon@", 14) != 0);
    return (!report_rcpt_ignored(ctx, addr));
}

/*
 * rcpt_shape - "<addr>", "addr:" or "addr..." alone or before the reason:
 * the way MTAs list a failed recipient (not "addr さま" greeting its sender).
 */

static bool rcpt_shape(const char *line, size_t len, size_t e)
{
    if (e < len && line[e] == '>')
	e++;
    while (e < len && (line[e] == ' ' || line[e] == '\t'))
	e++;
    return (e >= len || line[e] == ':' || line[e] == '.' || line[e] == ',' || line[e] == ';'
	    || line[e] == '(');
}

/* sender_label - a header or label that names a sender, not a recipient */

static bool sender_label(const char *label, size_t len)
{
    static const char *const names[] = {
	"from", "to", "cc", "bcc", "reply-to", "sender", "return-path", "envelope-from",
	"delivered-to", "x-sender", "mail from", "errors-to", "resent-from", "x-postfix-sender",
	"original-mail-from", "x-original-from", "author", "message-id", "in-reply-to",
	"references", "x-apparently-from", "smtp.mailfrom", "envelope-sender",
    };

    while (len > 0 && label[len - 1] == ' ')
	len--;
    for (size_t k = 0; k < sizeof(names) / sizeof(names[0]); k++)
	if (strlen(names[k]) == len && memcmp(label, names[k], len) == 0)
	    return (true);
    return (false);
}

/* line_rcpt - does a line name a recipient?  Fill aoff, alen, rest. */

static bool line_rcpt(REPORT_CTX *ctx, TLINE *l, const char *lower)
{
    size_t  i = 0, e, alen, best = (size_t) -1, bestlen = 0;
    const char *a;
    size_t  llen = strlen(lower);	/* the part of the line looked at */

    /* an address at the start of the line, after a bullet or a reply code */
    while (i < llen && (lower[i] == ' ' || lower[i] == '\t'))
	i++;
    if (i + 1 < llen && strchr("*-+", lower[i]) && (lower[i + 1] == ' ' || lower[i + 1] == lower[i])) {
	while (i < llen && strchr("*-+", lower[i]))
	    i++;
	while (i < llen && lower[i] == ' ')
	    i++;
    } else if (i + 4 < llen && lower[i] >= '2' && lower[i] <= '5' && isdigit((unsigned char) lower[i + 1])
	       && isdigit((unsigned char) lower[i + 2]) && lower[i + 3] == ' ' && lower[i + 4] == '<') {
	i += 4;				/* sendmail: 550 <addr>... reason */
    } else if (i + 2 < llen && (unsigned char) lower[i] == 0xE2 && (unsigned char) lower[i + 1] == 0x80
	       && (unsigned char) lower[i + 2] == 0xA2) {
	i += 3;				/* a bullet: U+2022 */
	while (i < llen && lower[i] == ' ')
	    i++;
    }
    if (i < llen && (lower[i] == '<' || lower[i] == '"' || lower[i] == '\''))
	i++;
    if ((a = report_addr_find(l->s + i, llen - i, &alen)) == l->s + i) {
	e = i + alen;

	if (e >= llen || strchr(">\"': .,;)(\t", l->s[e])) {
	    /* "addr <addr2>": the second is the address, the first a name */
	    size_t  k = e;
	    const char *a2;
	    size_t  alen2;

	    while (k < llen && (lower[k] == ' ' || lower[k] == '"'))
		k++;
	    if (k < llen && lower[k] == '<'
		&& (a2 = report_addr_find(l->s + k + 1, llen - k - 1, &alen2)) == l->s + k + 1) {
		a = a2;
		alen = alen2;
		i = k + 1;
		e = i + alen;
	    }
	    if (addr_ok(ctx, a, alen, rcpt_shape(l->s, llen, e))) {
		l->aoff = i;
		l->alen = alen;
		l->rest = e;
		return (true);
	    }
	}
    }
    /* "Some label: <addr>", a label that is not a sender's header */
    {
	const char *colon = memchr(lower, ':', llen < 48 ? llen : 48);
	size_t  c, words = 1;

	if (colon != NULL && colon > lower + i && memchr(lower, '@', (size_t) (colon - lower)) == NULL) {
	    c = (size_t) (colon - lower);
	    for (size_t k = i; k < c; k++)
		if (lower[k] == ' ' && lower[k + 1] != ' ' && lower[k + 1] != ':')
		    words++;
	    for (e = c + 1; e < llen && (lower[e] == ' ' || lower[e] == '<' || lower[e] == '"'); e++)
		 /* void */ ;
	    if (words <= 5 && e < llen && !sender_label(lower + i, c - i)
		&& (a = report_addr_find(l->s + e, llen - e, &alen)) == l->s + e
		&& addr_ok(ctx, a, alen, false)) {
		l->aoff = e;
		l->alen = alen;
		l->rest = e + alen;
		l->lablen = c;
		return (true);
	    }
	}
    }
    /* an address after a phrase that introduces one */
    for (int k = 0; report_pat_rcpt_phrase[k]; k++) {
	const char *p = strstr(lower, report_pat_rcpt_phrase[k]);

	if (p != NULL && (size_t) (p - lower) < best) {
	    best = (size_t) (p - lower);
	    bestlen = strlen(report_pat_rcpt_phrase[k]);
	}
    }
    if (best != (size_t) -1) {
	size_t  from = best + bestlen;

	if ((a = report_addr_find(l->s + from, llen - from, &alen)) != NULL
	    && (size_t) (a - (l->s + from)) <= 8 && addr_ok(ctx, a, alen, false)) {
	    l->aoff = (size_t) (a - l->s);
	    l->alen = alen;
	    l->rest = 0;			/* the whole line says why */
	    return (true);
	}
    }
    return (false);
}

/*
 * list_rcpt - in a mailing-list manager's notice, the list is the
 * address in angle brackets ("... mailing list <list@example.org>."); an
 * address alone on a line there is one to write to, not a recipient.
 */
static bool list_rcpt(REPORT_CTX *ctx, TLINE *l)
{
    size_t  len = l->len < REPORT_LINE_MAX ? l->len : REPORT_LINE_MAX;
    const char *lt = memchr(l->s, '<', len), *a;
    size_t  alen;

    if (lt == NULL || (a = report_addr_find(lt + 1, len - (size_t) (lt + 1 - l->s), &alen)) != lt + 1
	|| (size_t) (a + alen - l->s) >= len || a[alen] != '>' || !addr_ok(ctx, a, alen, false))
	return (false);
    l->aoff = (size_t) (a - l->s);
    l->alen = alen;
    l->rest = 0;			/* the whole line says why */
    return (true);
}

/* lines_cut - where the copy of the original starts */

static void lines_cut(TLINES *tl)
{
    char    lower[REPORT_LINE_MAX + 1];
    bool    seen_text = false;

    for (size_t i = 0; i < tl->n; i++) {
	TLINE  *l = tl->v + i;

	if (is_blank(l->s, l->len)) {
	    l->kind = TL_BLANK;
	    continue;
	}
	report_lower_utf8(lower, sizeof(lower), l->s, l->len);
	if (seen_text && is_orig_start(l->s, l->len, lower)) {
	    tl->cut = i;
	    return;
	}
	seen_text = true;
    }
}

/*
 * failure_code - does a line hold a 4xx or 5xx reply code?  ("Size (in
 * bytes): 222" is not an SMTP reply that says why.)  Each call of
 * report_reply_find() starts after the previous code: linear.
 */

static bool failure_code(const char *lower)
{
    int     code;

    while ((code = report_reply_find(lower)) > 0) {
	char    digits[4];
	const char *at;

	if (code >= 400)
	    return (true);
	snprintf(digits, sizeof(digits), "%d", code);
	if ((at = strstr(lower, digits)) == NULL)
	    return (false);
	lower = at + 3;
    }
    return (false);
}

/* lines_classify - the kind of each line of the notice */

static void lines_classify(REPORT_CTX *ctx, TLINES *tl)
{
    char    lower[REPORT_LINE_MAX + 1];
    bool    list = report_list_notice(ctx);

    for (size_t i = 0; i < tl->cut; i++) {
	TLINE  *l = tl->v + i;
	char    st[REPORT_WORD_MAX + 1];

	if (l->kind == TL_BLANK)
	    continue;
	report_lower_utf8(lower, sizeof(lower), l->s, l->len);
	l->code = failure_code(lower) || (report_status_find(lower, st, sizeof(st))
					  && st[0] != '2');
	if (!tl->group && report_pat_match(lower, report_pat_group_notice) >= 0)
	    tl->group = true;
	if (list ? list_rcpt(ctx, l) : line_rcpt(ctx, l, lower))
	    l->kind = TL_RCPT;
	else if (report_pat_match(lower, report_pat_boiler) >= 0)
	    l->kind = TL_BOILER;
	else
	    l->kind = TL_TEXT;
    }
}

/* same_addr - two lines name the same address */

static bool same_addr(const TLINE *a, const TLINE *b)
{
    if (a->alen != b->alen)
	return (false);
    for (size_t i = 0; i < a->alen; i++)
	if (tolower((unsigned char) a->s[a->aoff + i]) != tolower((unsigned char) b->s[b->aoff + i]))
	    return (false);
    return (true);
}

/* rest_start - the line's own text after its address */

static void rest_text(const TLINE *l, const char **s, size_t *len)
{
    size_t  r = l->rest;

    while (r < l->len && strchr(">\"': .,;\t", l->s[r]))
	r++;
    *s = l->s + r;
    *len = l->len - r;
}

/*
 * para_above - the lines above a labelled recipient's line in its
 * paragraph ("reject reason: Mailbox full" over "target mail address:
 * <addr>"), at most PARA_ABOVE lines, not past another recipient's line;
 * appended to diag.  Returns true when one holds an SMTP reply.
 */

#define PARA_ABOVE	4

static bool intro_line(const TLINE *);

static bool para_above(TLINES *tl, size_t i, char *diag, size_t dlen)
{
    size_t  top = i;
    bool    code = false;

    while (top > 0 && i - top < PARA_ABOVE && tl->v[top - 1].kind != TL_BLANK
	   && tl->v[top - 1].kind != TL_RCPT && !intro_line(tl->v + top - 1))
	top--;
    for (size_t j = top; j < i; j++) {
	if (tl->v[j].kind == TL_BOILER)
	    continue;
	report_append_text(diag, dlen, tl->v[j].s, tl->v[j].len);
	code = code || tl->v[j].code;
    }
    return (code);
}

/*
 * block_diag - the diagnostic of the recipient on line i: the rest of its
 * line, the lines under it, and the next paragraphs while none holds an
 * SMTP reply.  At most BLOCK_LINES lines are looked at, so that many
 * lines naming one recipient cost linear time.  Returns true when the
 * diagnostic holds an SMTP reply or status.
 */

#define BLOCK_LINES	48

static bool block_diag(TLINES *tl, size_t i, char *diag, size_t dlen)
{
    const char *s;
    size_t  len, j = i + 1, stop = i + 1 + BLOCK_LINES;
    bool    code = false;
    int     paragraphs = 0;

    *diag = 0;
    if (stop > tl->cut)
	stop = tl->cut;
    rest_text(tl->v + i, &s, &len);
    if (len > 0) {
	report_append_text(diag, dlen, s, len);
	code = tl->v[i].code;
    } else if (tl->v[i].lablen > 0) {
	/* "User's mailbox is full: <addr>": the label says why */
	report_append_text(diag, dlen, tl->v[i].s, tl->v[i].lablen);
	/* and "reject reason: ..." lines just above, in its paragraph */
	code = para_above(tl, i, diag, dlen);
    }
    /* the lines under it (indented ones, when its own line said why) */
    for (; j < stop; j++) {
	TLINE  *l = tl->v + j;

	if (l->kind == TL_BLANK)
	    break;
	if (len > 0 && l->len > 0 && l->s[0] != ' ' && l->s[0] != '\t')
	    return (code);
	if (l->kind == TL_RCPT && !same_addr(l, tl->v + i))
	    return (code);
	if (l->kind == TL_BOILER)
	    continue;
	report_append_text(diag, dlen, l->s, l->len);
	code = code || l->code;
    }
    /* the paragraphs after it, until one holds an SMTP reply */
    while (!code && paragraphs < 3 && j < stop) {
	bool    any = false;

	while (j < stop && tl->v[j].kind == TL_BLANK)
	    j++;
	for (; j < stop && tl->v[j].kind != TL_BLANK; j++) {
	    TLINE  *l = tl->v + j;

	    if (l->kind == TL_RCPT && !same_addr(l, tl->v + i))
		return (code);
	    if (l->kind == TL_BOILER)
		continue;
	    report_append_text(diag, dlen, l->s, l->len);
	    code = code || l->code;
	    any = true;
	}
	if (any)
	    paragraphs++;
    }
    return (code);
}

/* starts_with - does the line, after white space, start with prefix */

static bool starts_with(const TLINE *l, const char *prefix)
{
    size_t  i = 0, n = strlen(prefix);

    while (i < l->len && (l->s[i] == ' ' || l->s[i] == '\t'))
	i++;
    return (l->len - i >= n && memcmp(l->s + i, prefix, n) == 0);
}

/* line_command - the SMTP command a line names, as report_command_find() */

static const char *line_command(const TLINE *l)
{
    char    buf[REPORT_LINE_MAX + 1];

    report_fold(buf, sizeof(buf), l->s, l->len);
    return (report_command_find(buf));
}

/*
 * transcript - Sendmail's "Transcript of session": a recipient's line
 * ("550 <addr>... User unknown") comes after the command it answered
 * (">>> RCPT To:<addr>") and the remote server's reply ("<<< 550 ...").
 * Looks at most TRANSCRIPT_LINES lines up from line i, not past an empty
 * line or another recipient's line, for the nearest ">>>" line; appends
 * the "<<<" lines in between to reply and returns the command, or NULL.
 * A recipient named by the ">>>" line itself gets that line's command.
 */

#define TRANSCRIPT_LINES	8

static const char *transcript(TLINES *tl, size_t i, char *reply, size_t rlen)
{
    size_t  top = i, stop = i > TRANSCRIPT_LINES ? i - TRANSCRIPT_LINES : 0;
    const char *cmd = NULL;

    *reply = 0;
    if (starts_with(tl->v + i, ">>>"))
	return (line_command(tl->v + i));
    for (size_t j = i; j-- > stop;) {
	TLINE  *l = tl->v + j;

	if (l->kind == TL_BLANK)
	    break;
	if (starts_with(l, ">>>")) {
	    cmd = line_command(l);
	    top = j;
	    break;
	}
	if (l->kind == TL_RCPT && !same_addr(l, tl->v + i))
	    break;
	if (starts_with(l, "<<<"))
	    top = j;
    }
    for (size_t j = top; j < i; j++) {
	const TLINE *l = tl->v + j;
	size_t  k = 0;

	if (!starts_with(l, "<<<"))
	    continue;
	while (k < l->len && (l->s[k] == ' ' || l->s[k] == '\t' || l->s[k] == '<'))
	    k++;
	report_append_text(reply, rlen, l->s + k, l->len - k);
    }
    return (cmd);
}

/*
 * intro_line - a short line that introduces the list of recipients ("The
 * following addresses had permanent fatal errors:"): no reason in it.
 */

#define INTRO_LINE_MAX	80

static bool intro_line(const TLINE *l)
{
    size_t  e = l->len;

    if (e > INTRO_LINE_MAX)
	return (false);
    while (e > 0 && (l->s[e - 1] == ' ' || l->s[e - 1] == '\t' || l->s[e - 1] == '-'))
	e--;
    return (e > 0 && l->s[e - 1] == ':');
}

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
    *buf = 0;
    for (size_t i = 0; i < tl->cut; i++) {
	TLINE  *l = tl->v + i;

	if (prose ? l->kind == TL_TEXT && !intro_line(l) : (l->code && l->kind != TL_BLANK)) {
	    report_append_text(buf, len, l->s, l->len);
	    if (strlen(buf) + 2 >= len)
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

	if (is_blank(l->s, l->len) && header)
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

    report_lower_utf8(lower, sizeof(lower), ctx->subject, strlen(ctx->subject));
    if (report_pat_match(lower, report_pat_delay) >= 0)
	return (true);
    for (size_t i = 0; i < tl->cut && i < 40; i++) {
	if (tl->v[i].kind == TL_RCPT)
	    break;
	report_lower_utf8(lower, sizeof(lower), tl->v[i].s, tl->v[i].len);
	if (report_pat_match(lower, report_pat_delay) >= 0)
	    return (true);
    }
    return (false);
}

/* text_permanent - does the notice say that its failures are permanent? */

static bool text_permanent(TLINES *tl)
{
    char    lower[REPORT_LINE_MAX + 1];

    for (size_t i = 0; i < tl->cut && i < 40; i++) {
	if (tl->v[i].kind == TL_BLANK)
	    continue;
	report_lower_utf8(lower, sizeof(lower), tl->v[i].s, tl->v[i].len);
	if (report_pat_match(lower, report_pat_permanent) >= 0)
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
	else if (!same_addr(first, tl->v + i))
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
	    || !addr_ok(ctx, a, alen, false))
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
    bool    single;

    memset(&tl, 0, sizeof(tl));
    if (ctx->text.len == 0 || !lines_split(&tl, ctx->text.data, ctx->text.len)) {
	if (ctx->text.len > 0)
	    ctx->nomem = true;
	return (0);
    }
    lines_cut(&tl);
    if (ctx->orig.len == 0) {
	orig_keep(ctx, &tl);
	report_orig_senders(ctx);
    }
    lines_classify(ctx, &tl);
    action = text_delayed(ctx, &tl) ? REPORT_ACTION_DELAYED : REPORT_ACTION_FAILED;
    code_text(&tl, codes, sizeof(codes), false);
    single = single_rcpt(&tl);
    for (size_t i = 0; i < tl.cut; i++) {
	TLINE  *l = tl.v + i;
	REPORT_RCPT *rcpt;
	const char *cmd;
	bool    code;

	if (l->kind != TL_RCPT)
	    continue;
	if ((rcpt = text_rcpt(ctx, l->s + l->aoff, l->alen, fill_only)) == NULL)
	    continue;
	found++;
	if (rcpt->action == REPORT_ACTION_NONE)
	    rcpt->action = action;
	if (rcpt->diagnostic[0] && rcpt->command[0])
	    continue;
	code = block_diag(&tl, i, diag, sizeof(diag));
	/* a session transcript: the command, and the reply above the line */
	{
	    char    reply[REPORT_TEXT_MAX + 1];

	    if ((cmd = transcript(&tl, i, reply, sizeof(reply))) != NULL && !rcpt->command[0])
		strcpy(rcpt->command, cmd);
	    if (reply[0]) {
		report_append_text(reply, sizeof(reply), diag, strlen(diag));
		strcpy(diag, reply);
		code = true;
	    }
	}
	/* one recipient, and the reply stands apart from it: take the reply */
	if (!code && codes[0] && single) {
	    char    both[REPORT_TEXT_MAX + 1];

	    snprintf(both, sizeof(both), "%s", codes);
	    report_append_text(both, sizeof(both), diag, strlen(diag));
	    strcpy(diag, both);
	}
	report_diag_tidy(diag);
	if (!rcpt->command[0] && (cmd = report_command_find(diag)) != NULL)
	    strcpy(rcpt->command, cmd);
	if (!rcpt->diagnostic[0])
	    strcpy(rcpt->diagnostic, diag);
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
    if (!codes[0])
	code_text(&tl, codes, sizeof(codes), true);
    for (int r = 0; r < ctx->report->nrcpt; r++)
	if (!ctx->report->rcpt[r].diagnostic[0])
	    strcpy(ctx->report->rcpt[r].diagnostic, codes);
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
    free(tl.v);
    return (found);
}

