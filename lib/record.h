#ifndef LIVEADDR_RECORD_H
#define LIVEADDR_RECORD_H

/*++
 * NAME
 *	record 3h
 * SUMMARY
 *	the compact form of an address record and its history
 * SYNOPSIS
 *	#include "record.h"
 * DESCRIPTION
 *	See record.c.
 *--*/

#include <stdbool.h>
#include <stddef.h>

#include "evidence.h"
#include "state.h"

#define RECORD_HISTORY_MAX	64	/* never more items than this */
#define RECORD_FOLDED_MAX	64	/* ids of folded items remembered */
#define RECORD_TEXT_MAX		(1024 + RECORD_HISTORY_MAX * 656)	/* any value, NUL */

typedef struct {
    unsigned long version;		/* bumped by every write */
    RECORD  rec;			/* the state now */
    bool    has_base;			/* history was cut: base = state before it */
    RECORD  base;
    size_t  nhist;			/* oldest first */
    EVIDENCE hist[RECORD_HISTORY_MAX];
    size_t  nfolded;			/* ids of items in the base, newest last */
    char    folded[RECORD_FOLDED_MAX][EV_ID_MAX + 1];
    time_t  forgotten;			/* a tombstone: erased at this time; 0 */
} RECORD_DOC;

extern void record_doc_init(RECORD_DOC *);
extern int record_encode(const RECORD_DOC *, char *buf, size_t len);
extern int record_decode(const char *value, size_t len, RECORD_DOC *);
extern bool record_has_evidence(const RECORD_DOC *, const char *id);
extern unsigned record_add(RECORD_DOC *, const EVIDENCE *, size_t history_max,
			           time_t now, const STATE_POLICY *);
extern unsigned record_refold(RECORD_DOC *, time_t now, const STATE_POLICY *);

#endif
