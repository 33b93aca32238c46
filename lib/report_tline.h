#ifndef LIVEADDR_REPORT_TLINE_H
#define LIVEADDR_REPORT_TLINE_H

/*++
 * NAME
 *	report_tline 3h
 * SUMMARY
 *	the lines of a bounce's text, as the text reader sees them
 * SYNOPSIS
 *	#include "report_tline.h"
 * DESCRIPTION
 *	Internal to the text reader (report_text.c): the line index
 *	(report_tline.c), the recipient finder (report_trcpt.c) and the
 *	diagnostic gatherer (report_tdiag.c).
 *--*/

#include <stdbool.h>
#include <stddef.h>

#include "report_int.h"

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
    const char *lower;			/* lower-cased, at most REPORT_LINE_MAX
					 * bytes, NUL-terminated; NULL: blank
					 * or not looked at */
    size_t  llen;			/* strlen(lower) */
    unsigned pats;			/* REPORT_PAT_L_* tables found in it */
    size_t  rcpt_at;			/* the leftmost rcpt phrase, when found */
    int     rcpt_k;
} TLINE;

typedef struct {
    TLINE  *v;
    size_t  n;
    size_t  cut;			/* the first line of the original */
    bool    group;			/* a group's refusal of a post */
    char   *lower;			/* the lines' lower-case copies */
} TLINES;

/* report_tline.c: the index, the cut, the kinds */
extern bool report_tline_split(TLINES *, const char *text, size_t len);
extern void report_tline_free(TLINES *);
extern bool report_tline_blank(const char *s, size_t len);
extern void report_tline_cut(TLINES *);
extern void report_tline_classify(REPORT_CTX *, TLINES *);

/* report_trcpt.c: does a line name a recipient */
extern bool report_trcpt_addr_ok(REPORT_CTX *, const char *a, size_t alen, bool strong);
extern bool report_trcpt_line(REPORT_CTX *, TLINE *);
extern bool report_trcpt_list(REPORT_CTX *, TLINE *);

/* report_tdiag.c: a recipient's diagnostic */
extern bool report_tdiag_same_addr(const TLINE *, const TLINE *);
extern bool report_tdiag_intro(const TLINE *);
extern bool report_tdiag_block(TLINES *, size_t i, char *diag, size_t dlen);
extern const char *report_tdiag_transcript(TLINES *, size_t i, char *reply, size_t rlen);

#endif
