/*++
 * NAME
 *	sink 3
 * SUMMARY
 *	where evidence goes: the store, or the journal when the store fails
 * SYNOPSIS
 *	#include "sink.h"
 *
 *	SINK	*sink_new(STORE *store, JOURNAL *journal, const char *journal_path)
 *	void	sink_free(SINK *sink)
 *	const char *sink_outcome_name(SINK_OUTCOME outcome)
 *	SINK_OUTCOME sink_put(SINK *sink, const EVIDENCE *items, size_t n,
 *				time_t now)
 *	SINK_OUTCOME sink_put_snapshot(SINK *sink, const STORE_SNAPSHOT *snap,
 *				const EVIDENCE *items, size_t n, time_t now)
 *	int	sink_replay(SINK *sink, JOURNAL_STATS *stats, char *err,
 *				size_t errlen)
 *	int	sink_replay_apply(void *store, EVIDENCE *items, size_t n)
 *	void	sink_stats(SINK *sink, SINK_STATS *stats)
 * DESCRIPTION
 *	The milter and liveaddrctl hand every piece of evidence to a sink,
 *	and the sink sees that none is lost: sink_put() writes the items
 *	with store_apply(); when that fails (Redis down, slow or failing),
 *	the items the store did not take (STORE_RESULT.stored false) are
 *	appended to the journal, and the caller goes on: mail flow never
 *	waits for Redis to come back.  An item the journal refuses too (no
 *	journal configured, disk full) is logged at error level as its
 *	journal line, so that a person can still replay it from the log.
 *	An item the store refuses for good (the record under its address
 *	does not decode: see store_apply()) is logged the same way and not
 *	journaled, since no replay could store it.  sink_put() returns
 *	SINK_STORED, SINK_JOURNALED, SINK_REFUSED (everything stored or
 *	journaled but the refused items: a retry cannot help, so a caller
 *	must not tempfail for it) or SINK_LOST.
 *
 *	sink_put_snapshot() is sink_put() with records read ahead of time
 *	(store_snapshot()), so that the write takes one round trip.
 *
 *	The pool's reconnect backoff (rpool.c) makes sink_put() fail fast
 *	while Redis is known to be down, instead of waiting for a connect
 *	timeout with every message.
 *
 *	sink_replay() replays the journal (journal_replay()) into the store
 *	in batches of 500; items are applied once however often a journal
 *	is replayed (evidence ids); refused items are logged and do not
 *	stop the replay.  The milter calls it from its
 *	housekeeping when the journal holds something and the store works
 *	again; `liveaddrctl journal replay' is the same call.
 *	sink_replay_apply() is the JOURNAL_APPLY function it uses, with a
 *	STORE as its context.
 *
 *	sink_stats() copies the counters.
 * THREADS
 *	A SINK may be shared by threads (the store and the journal are).
 * MEMORY
 *	The sink borrows the store and the journal (NULL: none); the caller
 *	frees them after sink_free().  sink_new() copies journal_path.
 * DIAGNOSTICS
 *	Warnings when evidence goes to the journal, errors when it is lost.
 *	sink_new() returns NULL when out of memory.
 *--*/

#include "config.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "sink.h"

struct SINK {
    STORE  *store;
    JOURNAL *journal;
    char   *journal_path;
    pthread_mutex_t lock;		/* the counters */
    SINK_STATS stats;
};

SINK   *sink_new(STORE *store, JOURNAL *journal, const char *journal_path)
{
    SINK   *sink = calloc(1, sizeof(*sink));

    if (sink == NULL)
	return (NULL);
    if (journal_path && (sink->journal_path = strdup(journal_path)) == NULL) {
	free(sink);
	return (NULL);
    }
    sink->store = store;
    sink->journal = journal;
    pthread_mutex_init(&sink->lock, NULL);
    return (sink);
}

void    sink_free(SINK *sink)
{
    if (sink) {
	pthread_mutex_destroy(&sink->lock);
	free(sink->journal_path);
	free(sink);
    }
}

static void sink_count(SINK *sink, unsigned long stored, unsigned long journaled,
		               unsigned long lost, unsigned long replayed)
{
    pthread_mutex_lock(&sink->lock);
    sink->stats.stored += stored;
    sink->stats.journaled += journaled;
    sink->stats.lost += lost;
    sink->stats.replayed += replayed;
    pthread_mutex_unlock(&sink->lock);
}

/* sink_log_lost - the last resort: the journal line, in the log */

static void sink_log_lost(const EVIDENCE *ev, const char *why)
{
    char    line[EV_LINE_MAX];

    if (evidence_encode(ev, line, sizeof(line)) < 0)
	snprintf(line, sizeof(line), "(does not encode) id %s", ev->id);
    log_error("evidence not stored (%s): %s", why, line);
}

/* sink_outcome_name - a word for the log */

const char *sink_outcome_name(SINK_OUTCOME outcome)
{
    switch (outcome) {
    case SINK_STORED:
	return ("stored");
    case SINK_JOURNALED:
	return ("journaled");
    case SINK_REFUSED:
	return ("partly-refused");
    default:
	return ("LOST");
    }
}

SINK_OUTCOME sink_put(SINK *sink, const EVIDENCE *items, size_t n, time_t now)
{
    return (sink_put_snapshot(sink, NULL, items, n, now));
}

SINK_OUTCOME sink_put_snapshot(SINK *sink, const STORE_SNAPSHOT *snap, const EVIDENCE *items,
			               size_t n, time_t now)
{
    STORE_RESULT *results;
    EVIDENCE *rest;
    size_t  nrest = 0, refused = 0;
    char    err[256], jerr[256];
    SINK_OUTCOME outcome;

    if (n == 0)
	return (SINK_STORED);
    if ((results = calloc(n, sizeof(*results))) == NULL
	|| (rest = malloc(n * sizeof(*rest))) == NULL) {
	free(results);
	for (size_t i = 0; i < n; i++)
	    sink_log_lost(items + i, "out of memory");
	sink_count(sink, 0, 0, n, 0);
	return (SINK_LOST);
    }
    if (store_apply_snapshot(sink->store, snap, items, n, now, results, err,
			     sizeof(err)) == 0) {
	sink_count(sink, n, 0, 0, 0);
	free(results);
	free(rest);
	return (SINK_STORED);
    }
    for (size_t i = 0; i < n; i++) {
	if (results[i].refused) {
	    sink_log_lost(items + i, "refused by the store");
	    refused++;
	} else if (!results[i].stored) {
	    rest[nrest++] = items[i];
	}
    }
    if (nrest == 0) {
	sink_count(sink, n - refused, 0, refused, 0);
	free(results);
	free(rest);
	return (SINK_REFUSED);
    }
    if (sink->journal && journal_append(sink->journal, rest, nrest) == 0) {
	log_warn("store: %s; %zu evidence item(s) journaled", err, nrest);
	sink_count(sink, n - nrest - refused, nrest, refused, 0);
	outcome = refused ? SINK_REFUSED : SINK_JOURNALED;
    } else {
	if (sink->journal)
	    journal_error(sink->journal, jerr, sizeof(jerr));
	else
	    snprintf(jerr, sizeof(jerr), "no journal");
	for (size_t i = 0; i < nrest; i++)
	    sink_log_lost(rest + i, jerr);
	sink_count(sink, n - nrest - refused, 0, nrest + refused, 0);
	outcome = SINK_LOST;
    }
    free(results);
    free(rest);
    return (outcome);
}

int     sink_replay_apply(void *store, EVIDENCE *items, size_t n)
{
    char    err[256];
    STORE_RESULT *results = calloc(n ? n : 1, sizeof(*results));
    int     status;

    if (results == NULL)
	return (-1);
    if ((status = store_apply((STORE *) store, items, n, time(NULL), results, err,
			      sizeof(err))) < 0) {
	log_warn("journal replay: %s", err);
    } else if (status > 0) {
	/* Refused for good: in the log, and the replay goes on. */
	for (size_t i = 0; i < n; i++)
	    if (results[i].refused)
		sink_log_lost(items + i, "refused by the store");
    }
    free(results);
    return (status < 0 ? -1 : 0);
}

int     sink_replay(SINK *sink, JOURNAL_STATS *stats, char *err, size_t errlen)
{
    JOURNAL_STATS own;
    int     status;

    if (stats == NULL)
	stats = &own;
    if (sink->journal_path == NULL) {
	memset(stats, 0, sizeof(*stats));
	snprintf(err, errlen, "no journal");
	return (-1);
    }
    status = journal_replay(sink->journal_path, sink_replay_apply, sink->store, 500,
			    stats, err, errlen);
    sink_count(sink, 0, 0, 0, stats->applied);
    return (status);
}

void    sink_stats(SINK *sink, SINK_STATS *stats)
{
    pthread_mutex_lock(&sink->lock);
    *stats = sink->stats;
    pthread_mutex_unlock(&sink->lock);
}
