/*++
 * NAME
 *	report_tline 3
 * SUMMARY
 *	index and classify the lines of a bounce's text
 * SYNOPSIS
 *	#include "report_tline.h"
 *
 *	bool	report_tline_split(TLINES *tl, const char *text, size_t len)
 *
 *	void	report_tline_free(TLINES *tl)
 *
 *	bool	report_tline_blank(const char *s, size_t len)
 *
 *	void	report_tline_cut(TLINES *tl)
 *
 *	void	report_tline_classify(REPORT_CTX *ctx, TLINES *tl)
 * DESCRIPTION
 *	The text reader (report_text.c) reads a bounce's text line by
 *	line.  report_tline_split() indexes the lines of text (which must
 *	outlive tl) and allocates room for their lower-case copies; false
 *	when memory runs out.  report_tline_free() frees what it allocated
 *	(not tl itself).  report_tline_blank() says whether s holds only
 *	white space.
 *
 *	report_tline_cut() finds where the copy of the original message
 *	starts (tl->cut: a "----- Original message -----" line, "Below this
 *	line is a copy of the message", the first Received: or Return-Path:
 *	header line; see report_pat.c), marks the blank lines above it and,
 *	for each other line above it and the cut line itself, makes its
 *	lower-case copy (report_lower_utf8(), at most REPORT_LINE_MAX bytes)
 *	and compares it once with all the phrase tables a line is read with
 *	(report_pat_line()): the readers after it look at TLINE.pats instead
 *	of searching the line again.
 *
 *	report_tline_classify() gives each line above the cut its kind: a
 *	recipient's line (report_trcpt.c), boilerplate, or text; and notes
 *	whether it holds an SMTP failure reply or status, and whether the
 *	notice is a group's refusal of a post.
 *
 *	Each line is lower-cased once and read a bounded number of times:
 *	the time is linear in the text.
 * MEMORY
 *	tl->v and tl->lower are allocated by report_tline_split() and freed
 *	by report_tline_free().
 *--*/

#include "config.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report_tline.h"
#include "report_pat.h"

/* report_tline_split - index the lines of text */

bool    report_tline_split(TLINES *tl, const char *text, size_t len)
{
    size_t  n = 1, i = 0;
    const char *cp = text, *end = text + len;

    for (const char *nl = text; (nl = memchr(nl, '\n', (size_t) (end - nl))) != NULL; nl++)
	n++;
    if ((tl->v = calloc(n, sizeof(*tl->v))) == NULL)
	return (false);
    /* each line's copy: at most its length and a NUL */
    if ((tl->lower = malloc(len + n + 1)) == NULL) {
	free(tl->v);
	tl->v = NULL;
	return (false);
    }
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

/* report_tline_free - free the index */

void    report_tline_free(TLINES *tl)
{
    free(tl->v);
    free(tl->lower);
    tl->v = NULL;
    tl->lower = NULL;
}

/* report_tline_blank - nothing but white space */

bool    report_tline_blank(const char *s, size_t len)
{
    for (size_t i = 0; i < len; i++)
	if (!isspace((unsigned char) s[i]))
	    return (false);
    return (true);
}

/* is_orig_start - does this line start the copy of the original? */

static bool is_orig_start(const TLINE *l)
{
    const char *line = l->s, *lower = l->lower;
    size_t  len = l->len, i = 0;

    while (i < len && isspace((unsigned char) line[i]))
	i++;
    if (l->pats & (1u << REPORT_PAT_L_ORIG_LINE))
	return (true);
    if (i < len && strchr("-=*_", line[i]) && i + 1 < len && line[i + 1] == line[i]
	&& (l->pats & (1u << REPORT_PAT_L_ORIG_MARKED)))
	return (true);
    /* a line that is nothing but "Original message:" and the like */
    if (l->pats & (1u << REPORT_PAT_L_ORIG_MARKED)) {
	size_t  b = 0, e = l->llen;

	while (b < e && !isalnum((unsigned char) lower[b]) && (unsigned char) lower[b] < 0x80)
	    b++;
	while (e > b && !isalnum((unsigned char) lower[e - 1]) && (unsigned char) lower[e - 1] < 0x80)
	    e--;
	for (int k = 0; report_pat_orig_marked[k]; k++)
	    if (strlen(report_pat_orig_marked[k]) == e - b
		&& memcmp(lower + b, report_pat_orig_marked[k], e - b) == 0)
		return (true);
    }
    if (i == 0 && (l->pats & (1u << REPORT_PAT_L_ORIG_HEADER))) {
	for (int k = 0; report_pat_orig_header[k]; k++)
	    if (strncmp(lower, report_pat_orig_header[k], strlen(report_pat_orig_header[k])) == 0)
		return (true);
    }
    return (false);
}

/* line_lower - a line's lower-case copy, and what phrases it holds */

static void line_lower(TLINE *l, char *dst)
{
    PHRASE_HITS hits;
    size_t  room = (l->len < REPORT_LINE_MAX ? l->len : REPORT_LINE_MAX) + 1;

    report_lower_utf8(dst, room, l->s, l->len);
    l->lower = dst;
    l->llen = strlen(dst);		/* a NUL may come from "\xD0\0" */
    report_pat_line(dst, l->llen, &hits);
    l->pats = hits.mask;
    l->rcpt_at = hits.left[REPORT_PAT_L_RCPT];
    l->rcpt_k = hits.left_index[REPORT_PAT_L_RCPT];
}

/* report_tline_cut - where the copy of the original starts */

void    report_tline_cut(TLINES *tl)
{
    bool    seen_text = false;
    char   *dst = tl->lower;

    for (size_t i = 0; i < tl->n; i++) {
	TLINE  *l = tl->v + i;

	if (report_tline_blank(l->s, l->len)) {
	    l->kind = TL_BLANK;
	    continue;
	}
	line_lower(l, dst);
	dst += l->llen + 1;
	if (seen_text && is_orig_start(l)) {
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

/* report_tline_classify - the kind of each line of the notice */

void    report_tline_classify(REPORT_CTX *ctx, TLINES *tl)
{
    bool    list = report_list_notice(ctx);

    for (size_t i = 0; i < tl->cut; i++) {
	TLINE  *l = tl->v + i;
	char    st[REPORT_WORD_MAX + 1];

	if (l->kind == TL_BLANK)
	    continue;
	l->code = failure_code(l->lower) || (report_status_find(l->lower, st, sizeof(st))
					     && st[0] != '2');
	if (l->pats & (1u << REPORT_PAT_L_GROUP))
	    tl->group = true;
	if (list ? report_trcpt_list(ctx, l) : report_trcpt_line(ctx, l))
	    l->kind = TL_RCPT;
	else if (l->pats & (1u << REPORT_PAT_L_BOILER))
	    l->kind = TL_BOILER;
	else
	    l->kind = TL_TEXT;
    }
}
