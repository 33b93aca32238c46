#ifndef LIVEADDR_SINK_H
#define LIVEADDR_SINK_H

/*++
 * NAME
 *	sink 3h
 * SUMMARY
 *	where evidence goes: the store, or the journal when the store fails
 * SYNOPSIS
 *	#include "sink.h"
 * DESCRIPTION
 *	See sink.c.
 *--*/

#include <stddef.h>
#include <time.h>

#include "evidence.h"
#include "journal.h"
#include "store.h"

typedef enum {
    SINK_STORED = 0,			/* every item is in Redis */
    SINK_JOURNALED = 1,			/* the rest is in the journal */
    SINK_REFUSED = 2,			/* the rest stored or journaled, but the
					 * store refused some for good (logged):
					 * trying again would not help */
    SINK_LOST = -1,			/* some item is in neither (logged) */
} SINK_OUTCOME;

typedef struct {
    unsigned long stored;		/* items in Redis */
    unsigned long journaled;		/* items written to the journal */
    unsigned long lost;			/* items only in the log */
    unsigned long replayed;		/* items a replay applied */
} SINK_STATS;

typedef struct SINK SINK;

extern SINK *sink_new(STORE *, JOURNAL *, const char *journal_path);
extern void sink_free(SINK *);
extern const char *sink_outcome_name(SINK_OUTCOME);
extern SINK_OUTCOME sink_put(SINK *, const EVIDENCE *items, size_t n, time_t now);
extern SINK_OUTCOME sink_put_snapshot(SINK *, const STORE_SNAPSHOT *, const EVIDENCE *items,
				              size_t n, time_t now);
extern int sink_replay(SINK *, JOURNAL_STATS *, char *err, size_t errlen);
extern int sink_replay_apply(void *store, EVIDENCE *items, size_t n);
extern void sink_stats(SINK *, SINK_STATS *);

#endif
