/*++
 * NAME
 *	report_tdiag 3
 * SUMMARY
 *	gather a recipient's diagnostic from the lines of a bounce's text
 * SYNOPSIS
 *	#include "report_tline.h"
 *
 *	bool	report_tdiag_block(TLINES *tl, size_t i, char *diag,
 *				size_t dlen)
 *
 *	const char *report_tdiag_transcript(TLINES *tl, size_t i,
 *				char *reply, size_t rlen)
 *
 *	bool	report_tdiag_same_addr(const TLINE *a, const TLINE *b)
 *
 *	bool	report_tdiag_intro(const TLINE *l)
 * DESCRIPTION
 *	The text reader (report_text.c) found a recipient on line i of
 *	the classified lines tl (report_tline.c); these gather what the
 *	notice says about it.
 *
 *	report_tdiag_block() writes to diag (dlen bytes) the rest of the
 *	recipient's line, the lines under it, up to an empty line or the
 *	next recipient, and when those hold no SMTP reply the next
 *	paragraphs until one does (Gmail and others put the reply apart
 *	from the address); boilerplate lines are skipped.  A "Label:
 *	<addr>" line with nothing after the address takes its label, and
 *	the lines above it in its paragraph.  It returns true when the
 *	diagnostic holds an SMTP reply or status.
 *
 *	report_tdiag_transcript() reads a Sendmail "Transcript of
 *	session": the command of the nearest ">>> RCPT To:" line above the
 *	recipient's line is returned (or NULL), and the server's "<<<"
 *	reply lines in between are written to reply (rlen bytes).
 *
 *	report_tdiag_same_addr() says whether two recipients' lines name
 *	the same address (case aside); report_tdiag_intro() whether a line
 *	is a short one that only introduces the list of recipients ("The
 *	following addresses had permanent fatal errors:").
 *
 *	Each looks at a bounded number of lines (BLOCK_LINES, PARA_ABOVE,
 *	TRANSCRIPT_LINES) around line i.
 * MEMORY
 *	Nothing is allocated; the caller owns the buffers.
 *--*/

#include "config.h"

#include <ctype.h>
#include <string.h>

#include "report_tline.h"

/* report_tdiag_same_addr - two lines name the same address */

bool    report_tdiag_same_addr(const TLINE *a, const TLINE *b)
{
    if (a->alen != b->alen)
	return (false);
    for (size_t i = 0; i < a->alen; i++)
	if (tolower((unsigned char) a->s[a->aoff + i]) != tolower((unsigned char) b->s[b->aoff + i]))
	    return (false);
    return (true);
}

/* rest_text - the line's own text after its address */

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

static bool para_above(TLINES *tl, size_t i, char *diag, size_t dlen)
{
    size_t  top = i;
    bool    code = false;

    while (top > 0 && i - top < PARA_ABOVE && tl->v[top - 1].kind != TL_BLANK
	   && tl->v[top - 1].kind != TL_RCPT && !report_tdiag_intro(tl->v + top - 1))
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
 * report_tdiag_block - the diagnostic of the recipient on line i: the rest of its
 * line, the lines under it, and the next paragraphs while none holds an
 * SMTP reply.  At most BLOCK_LINES lines are looked at, so that many
 * lines naming one recipient cost linear time.  Returns true when the
 * diagnostic holds an SMTP reply or status.
 */

#define BLOCK_LINES	48

bool    report_tdiag_block(TLINES *tl, size_t i, char *diag, size_t dlen)
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
	if (l->kind == TL_RCPT && !report_tdiag_same_addr(l, tl->v + i))
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

	    if (l->kind == TL_RCPT && !report_tdiag_same_addr(l, tl->v + i))
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
 * report_tdiag_transcript - Sendmail's "Transcript of session": a recipient's line
 * ("550 <addr>... User unknown") comes after the command it answered
 * (">>> RCPT To:<addr>") and the remote server's reply ("<<< 550 ...").
 * Looks at most TRANSCRIPT_LINES lines up from line i, not past an empty
 * line or another recipient's line, for the nearest ">>>" line; appends
 * the "<<<" lines in between to reply and returns the command, or NULL.
 * A recipient named by the ">>>" line itself gets that line's command.
 */

#define TRANSCRIPT_LINES	8

const char *report_tdiag_transcript(TLINES *tl, size_t i, char *reply, size_t rlen)
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
	if (l->kind == TL_RCPT && !report_tdiag_same_addr(l, tl->v + i))
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
 * report_tdiag_intro - a short line that introduces the list of recipients ("The
 * following addresses had permanent fatal errors:"): no reason in it.
 */

#define INTRO_LINE_MAX	80

bool    report_tdiag_intro(const TLINE *l)
{
    size_t  e = l->len;

    if (e > INTRO_LINE_MAX)
	return (false);
    while (e > 0 && (l->s[e - 1] == ' ' || l->s[e - 1] == '\t' || l->s[e - 1] == '-'))
	e--;
    return (e > 0 && l->s[e - 1] == ':');
}
