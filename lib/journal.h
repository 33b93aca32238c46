#ifndef LIVEADDR_JOURNAL_H
#define LIVEADDR_JOURNAL_H

/*++
 * NAME
 *	journal 3h
 * SUMMARY
 *	append-only local journal of evidence, replayed when Redis returns
 * SYNOPSIS
 *	#include "journal.h"
 * DESCRIPTION
 *	See journal.c.
 *--*/

#include <stdbool.h>
#include <stddef.h>

#include "evidence.h"

typedef enum {
    JOURNAL_SYNC_ALWAYS = 0,		/* fdatasync() after every append */
    JOURNAL_SYNC_INTERVAL,		/* when the last one is older than N ms */
    JOURNAL_SYNC_NEVER,			/* the kernel decides */
} JOURNAL_SYNC;

#define JOURNAL_INTERVAL_DEFAULT_MS	1000

typedef struct JOURNAL JOURNAL;

extern JOURNAL *journal_open(const char *path, JOURNAL_SYNC sync, char *err,
			             size_t errlen);
extern void journal_set_interval(JOURNAL *, unsigned interval_ms);
extern int journal_append(JOURNAL *, const EVIDENCE *items, size_t n);
extern int journal_sync(JOURNAL *);
extern char *journal_error(JOURNAL *, char *buf, size_t len);
extern unsigned long journal_refused(JOURNAL *);
extern void journal_close(JOURNAL *);

extern int journal_sync_by_name(const char *name, JOURNAL_SYNC *sync);
extern const char *journal_sync_name(JOURNAL_SYNC);

 /*
  * Replay. apply() returns 0 when it stored the whole batch, -1 when not.
  */
typedef int (*JOURNAL_APPLY) (void *ctx, EVIDENCE *items, size_t n);

typedef struct {
    size_t  files;			/* replay files finished and removed */
    size_t  lines;			/* lines read (empty lines aside) */
    size_t  applied;			/* items in batches apply() stored */
    size_t  bad;			/* bad lines, copied to PATH.bad */
    size_t  batches;			/* apply() calls that returned 0 */
    bool    busy;			/* another replay was running */
} JOURNAL_STATS;

extern int journal_replay(const char *path, JOURNAL_APPLY apply, void *ctx,
			          size_t batch, JOURNAL_STATS *stats,
			          char *err, size_t errlen);

#endif
