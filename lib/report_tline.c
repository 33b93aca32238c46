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
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report_tline.h"
#include "report_pat.h"

/* report_tline_split - index the lines of text */

bool    report_tline_split(TLINES *tl, const char *text, size_t len)
{
    size_t  cap = len / 32 + 16, i = 0;
    const char *cp = text, *end = text + len;

    /* one pass: the index grows as lines come; each entry is cleared
     * as it is filled in */
    if ((tl->v = malloc(cap * sizeof(*tl->v))) == NULL)
	return (false);
    while (cp < end) {
	const char *eol = memchr(cp, '\n', (size_t) (end - cp));

	if (eol == NULL)
	    eol = end;
	if (i == cap) {
	    TLINE  *nv = realloc(tl->v, 2 * cap * sizeof(*nv));

	    if (nv == NULL) {
		free(tl->v);
		tl->v = NULL;
		return (false);
	    }
	    tl->v = nv;
	    cap *= 2;
	}
	tl->v[i] = (TLINE) {.s = cp, .len = (size_t) (eol - cp)};
	i++;
	cp = eol + 1;
    }
    /* each line's copy: at most its length and a NUL */
    if ((tl->lower = malloc(len + i + 1)) == NULL) {
	free(tl->v);
	tl->v = NULL;
	return (false);
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
    size_t  i = 0;

    /* most lines answer at their first byte */
    if (len > 0 && (unsigned char) s[0] > ' ')
	return (false);
    /* runs of spaces (indented text, converted HTML) eight at a time */
    for (; len - i >= 8; i += 8) {
	uint64_t w;

	memcpy(&w, s + i, 8);
	if (w != REPORT_W_ONES * ' ')
	    break;
    }
    /* isspace() of the C locale: " \t\n\v\f\r" */
    for (; i < len; i++)
	if (s[i] != ' ' && (s[i] < '\t' || s[i] > '\r'))
	    return (false);
    return (true);
}

/* is_orig_start - does this line start the copy of the original? */

static bool is_orig_start(const TLINE *l)
{
    const char *line = l->s, *lower = l->lower;
    size_t  len = l->len, i = 0;

    /* most lines hold no phrase of the three tables: nothing to look at */
    if ((l->pats & ((1u << REPORT_PAT_L_ORIG_LINE) | (1u << REPORT_PAT_L_ORIG_MARKED)
		    | (1u << REPORT_PAT_L_ORIG_HEADER))) == 0)
	return (false);
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

/* line_lower - a line's lower-case copy */

static void line_lower(TLINE *l, char *dst)
{
    size_t  room = (l->len < REPORT_LINE_MAX ? l->len : REPORT_LINE_MAX) + 1;

    /*
     * strlen(dst) is the length: a NUL could come only from "\xD0\0",
     * and the text has no NUL (pieces never do: report_decode(3))
     */
    l->llen = report_lower_utf8(dst, room, l->s, l->len);
    l->lower = dst;
}

/* line_pats - what the phrase tables found in a line */

static void line_pats(TLINE *l, const PHRASE_HITS *hits)
{
    l->pats = hits->mask;
    if (hits->mask & (1u << REPORT_PAT_L_RCPT)) {
	l->rcpt_at = hits->left[REPORT_PAT_L_RCPT];
	l->rcpt_k = hits->left_index[REPORT_PAT_L_RCPT];
    } else {
	l->rcpt_at = 0;
	l->rcpt_k = -1;
    }
}

/* next_text - the first line after i that is not blank, or tl->n */

static size_t next_text(const TLINES *tl, size_t i)
{
    for (i++; i < tl->n; i++)
	if (!report_tline_blank(tl->v[i].s, tl->v[i].len))
	    return (i);
    return (i);
}

/*
 * report_tline_cut - where the copy of the original starts.  Lines are
 * matched two at a time (report_pat_line2()): a line and the next that
 * is not blank, whose copy goes where it would go anyway.  When the cut
 * comes first, that next line is put back as the loop never saw it.
 */
void    report_tline_cut(TLINES *tl)
{
    bool    seen_text = false;
    char   *dst = tl->lower;
    size_t  ahead = tl->n;		/* a line lowered and matched already */

    for (size_t i = 0; i < tl->n; i++) {
	TLINE  *l = tl->v + i;

	if (report_tline_blank(l->s, l->len)) {
	    l->kind = TL_BLANK;
	    continue;
	}
	if (i != ahead) {
	    PHRASE_HITS h1, h2;
	    size_t  j = next_text(tl, i);

	    line_lower(l, dst);
	    if (j < tl->n) {
		line_lower(tl->v + j, dst + l->llen + 1);
		report_pat_line2(l->lower, l->llen, &h1, tl->v[j].lower, tl->v[j].llen, &h2);
		line_pats(tl->v + j, &h2);
	    } else {
		report_pat_line(l->lower, l->llen, &h1);
	    }
	    line_pats(l, &h1);
	    ahead = j;
	}
	dst += l->llen + 1;
	if (seen_text && is_orig_start(l)) {
	    tl->cut = i;
	    if (ahead > i && ahead < tl->n) {	/* as report_tline_split() left it */
		TLINE  *a = tl->v + ahead;

		a->lower = NULL;
		a->llen = 0;
		a->pats = 0;
		a->rcpt_at = 0;
		a->rcpt_k = 0;
	    }
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
	/* both look for a 2, 4 or 5 first: most lines have none */
	l->code = strpbrk(l->lower, "245") != NULL
	    && (failure_code(l->lower) || (report_status_find(l->lower, st, sizeof(st))
					   && st[0] != '2'));
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
