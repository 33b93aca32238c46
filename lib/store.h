#ifndef LIVEADDR_STORE_H
#define LIVEADDR_STORE_H

/*++
 * NAME
 *	store 3h
 * SUMMARY
 *	evidence and address state in Redis
 * SYNOPSIS
 *	#include "store.h"
 * DESCRIPTION
 *	See store.c.
 *--*/

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#include "evidence.h"
#include "record.h"
#include "rpool.h"
#include "state.h"

typedef struct {
    const char *prefix;			/* every key starts with it: "la:" */
    size_t  history_max;		/* evidence items kept an address: 32 */
    STATE_POLICY policy;
    int     max_retries;		/* compare-and-set conflicts: 64 */
    long    events_maxlen;		/* the event stream, about: 100000 */
    time_t  tombstone_ttl;		/* a forgotten address: 90 days */
    time_t  msgref_ttl;			/* a letter's reference: 10 days; 0 none */
} STORE_CONF;

typedef struct {
    bool    stored;			/* in Redis now (or was already) */
    bool    refused;			/* never will be: see store_apply() */
    bool    duplicate;			/* its id was there already */
    unsigned changed;			/* STATE_CHANGED_* */
} STORE_RESULT;

typedef struct {
    size_t  examined;
    size_t  changed;
    size_t  stale;
    size_t  decayed;
} STORE_SWEEP;

typedef struct STORE STORE;

typedef struct {
    size_t  n;
    char  **keys;			/* the record keys */
    char  **values;			/* as read; NULL: absent */
    size_t *lens;
    bool   *read;			/* false: read again when applying */
} STORE_SNAPSHOT;

#define STORE_BUCKETS	16		/* hash-tag buckets (one slot each) */

 /*
  * store_kpi() calls this once a KPI field of the month, counts added up
  * over the buckets; a non-zero return stops the walk.
  */
typedef int (*STORE_KPI_FN) (void *ctx, const char *field, long long count);

 /*
  * store_message() calls this once a recipient of the letter; a non-zero
  * return stops it.
  */
typedef int (*STORE_MESSAGE_FN) (void *ctx, const char *address, const char *department,
				         const char *owner, const char *event,
				         const char *contact);

extern void store_conf_defaults(STORE_CONF *);
extern STORE *store_new(RPOOL *, const STORE_CONF *, char *err, size_t errlen);
extern void store_free(STORE *);
extern int store_apply(STORE *, const EVIDENCE *items, size_t n, time_t now,
		               STORE_RESULT *results, char *err, size_t errlen);
extern STORE_SNAPSHOT *store_snapshot(STORE *, const char *const *addresses, size_t n,
				               char *err, size_t errlen);
extern int store_apply_snapshot(STORE *, const STORE_SNAPSHOT *, const EVIDENCE *items,
				        size_t n, time_t now, STORE_RESULT *results,
				        char *err, size_t errlen);
extern void store_snapshot_free(STORE_SNAPSHOT *);
extern int store_load(STORE *, const char *key, RECORD_DOC *doc, bool *found,
		              char *err, size_t errlen);
extern int store_forget(STORE *, const char *key, time_t now, size_t *events_removed,
			        char *err, size_t errlen);
extern int store_sweep(STORE *, time_t now, STORE_SWEEP *, char *err, size_t errlen);
extern int store_kpi(STORE *, const char *month, STORE_KPI_FN fn, void *ctx,
		             char *err, size_t errlen);
extern int store_message(STORE *, const char *ref, STORE_MESSAGE_FN fn, void *ctx,
			         char *err, size_t errlen);
extern unsigned store_bucket(const char *key);
extern int store_address_key(const STORE *, const char *key, char *buf, size_t len);
extern const STORE_CONF *store_conf(const STORE *);

#endif
