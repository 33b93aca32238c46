#ifndef LIVEADDR_RECORD_H
#define LIVEADDR_RECORD_H

/*++
 * NAME
 *	record 3h
 * SUMMARY
 *	the compact text form of an address record and its history
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
#define RECORD_TEXT_MAX		(512 + RECORD_HISTORY_MAX * 640)

typedef struct {
    unsigned long version;		/* bumped by every write */
    RECORD  rec;			/* the state now */
    bool    has_base;			/* history was cut: base = state before it */
    RECORD  base;
    size_t  nhist;			/* oldest first */
    EVIDENCE hist[RECORD_HISTORY_MAX];
    time_t  forgotten;			/* a tombstone: erased at this time; 0 */
} RECORD_DOC;

extern void record_doc_init(RECORD_DOC *);
extern int record_encode(const RECORD_DOC *, char *buf, size_t len);
extern int record_decode(const char *text, size_t len, RECORD_DOC *);
extern bool record_has_evidence(const RECORD_DOC *, const char *id);
extern unsigned record_add(RECORD_DOC *, const EVIDENCE *, size_t history_max,
			           time_t now, const STATE_POLICY *);
extern unsigned record_refold(RECORD_DOC *, time_t now, const STATE_POLICY *);

#endif
