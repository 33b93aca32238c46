#ifndef LIVEADDR_REPORT_MIME_H
#define LIVEADDR_REPORT_MIME_H

/*++
 * NAME
 *	report_mime 3h
 * SUMMARY
 *	the MIME walk's state, shared by its two files
 * SYNOPSIS
 *	#include "report_mime.h"
 * DESCRIPTION
 *	Internal to the MIME walk: report_mime.c walks the parts,
 *	report_keep.c says what a leaf part gives the readers
 *	(report_mime_keep()).
 *--*/

#include <stdbool.h>
#include <stddef.h>
#include <strings.h>

#include "report_int.h"

#define REPORT_NEST_MAX	16		/* MIME nesting parsed */

#define FOUND_NONE	0
#define FOUND_EOS	1		/* the input ended */
#define FOUND_LINE	2		/* a boundary line at pos */

/* The walk's state: where it is, the open boundaries, what it keeps. */
typedef struct {
    REPORT_CTX *ctx;
    const char *buf;
    size_t  len;
    size_t  pos;			/* a line start */
    const char *bound[REPORT_NEST_MAX];	/* open boundaries, innermost last */
    size_t  blen[REPORT_NEST_MAX];
    int     nbound;
    int     found;			/* FOUND_*: what ended the last scan */
    int     level;			/* FOUND_LINE: whose boundary */
    bool    end;			/* FOUND_LINE: "--boundary--" */
    bool    stop;			/* REPORT_PARTS_MAX: nothing more kept */
    int     tops;			/* the message's own fields seen */
    RBUF    html;			/* text/html parts, for want of plain */
    bool    plain;			/* a text/plain part was seen */
    char    val[REPORT_VALUE_MAX];	/* a header value, decoded */
} WALK;

/* What a header block said about its part. */
typedef struct {
    WALK   *w;
    bool    top;			/* the message's own header block */
    RBUF   *raw;			/* the fields as written go here */
    const REPORT_FIELD *ctype;		/* the last Content-Type */
    const REPORT_FIELD *cte_first;	/* the first Content-Transfer-Encoding */
    const REPORT_FIELD *cte;		/* the last one */
    const REPORT_FIELD *disp;		/* the last Content-Disposition */
    const REPORT_FIELD *from;		/* the first From */
    REPORT_FIELD f[5];			/* room for the above */
    const char *first;			/* where the first field starts */
} HDRS;

/* The type of a part, as the parser and as the reader see it. */
typedef struct {
    bool    multipart;			/* parsed as a multipart */
    bool    message;			/* parsed as an attached message */
    const char *type;			/* its Content-Type, for the reader */
    const char *subtype;
    REPORT_CTYPE ct;
} PTYPE;

/*
 * IS - a type or subtype is this lower-case name, case ignored: the
 * first letters are compared first, so most names differ without a call.
 */
#define LOWER_C(c)	((c) >= 'A' && (c) <= 'Z' ? (c) + ('a' - 'A') : (c))
#define IS(s, lit)	(LOWER_C((s)[0]) == (lit)[0] && strcasecmp((s), (lit)) == 0)

/*
 * report_mime_value - a field's value, decoded, in w->val: one buffer for the
 * whole walk (not one per nesting level), valid until the next call.
 */

static inline const char *report_mime_value(WALK *w, const REPORT_FIELD *f)
{
    report_hdr_value(f, w->val, sizeof(w->val));
    return (w->val);
}

/* report_keep.c: what a leaf part gives the readers */
extern void report_mime_keep(WALK *, HDRS *, PTYPE *, size_t start, size_t end);

#endif
