/*++
 * NAME
 *	ctl_journal 3
 * SUMMARY
 *	liveaddrctl journal replay: evidence from the journal into Redis
 * SYNOPSIS
 *	liveaddrctl journal replay
 * DESCRIPTION
 *	Applies the evidence that could not reach Redis (JournalPath) to the
 *	store, in batches of 500.  Each item has an id, so a replay that is
 *	repeated, or interrupted and run again, applies each item once.
 *	Lines that cannot be read are copied to JournalPath.bad.
 * DIAGNOSTICS
 *	Exit 0 done, 75 (EX_TEMPFAIL) Redis failed again or another replay
 *	runs (try later), 78 configuration.
 *--*/

#include "config.h"

#include <stdio.h>
#include <string.h>
#include <sysexits.h>
#include <time.h>

#include "ctl.h"
#include "journal.h"
#include "log.h"
#include "rpool.h"
#include "settings.h"
#include "sink.h"
#include "store.h"

int     ctl_journal(CTL *ctl, int argc, char **argv)
{
    CONF   *conf;
    RPOOL_CONF rc;
    STORE_CONF sc;
    RPOOL  *pool = NULL;
    STORE  *store = NULL;
    JOURNAL_STATS st;
    char    err[256];
    int     status;

    if (argc != 2 || strcmp(argv[1], "replay") != 0)
	return (EX_USAGE);
    if ((conf = ctl_load(ctl, &status)) == NULL)
	return (status);
    log_open("liveaddrctl", 0, LOG_TO_STDERR);
    log_set_level(LOG_WARNING);
    settings_rpool_conf(conf, &rc);
    settings_store_conf(conf, &sc);
    if ((pool = rpool_new(&rc, err, sizeof(err))) == NULL
	|| (store = store_new(pool, &sc, err, sizeof(err))) == NULL) {
	fprintf(stderr, "liveaddrctl: %s\n", err);
	status = EX_CONFIG;
    } else if (journal_replay(conf_str(conf, "JournalPath"), sink_replay_apply, store, 500,
			      &st, err, sizeof(err)) < 0) {
	fprintf(stderr, "liveaddrctl: journal replay: %s%s\n", err,
		st.busy ? " (another replay is running)" : "");
	printf("replayed %zu item(s) of %zu line(s) before stopping; %zu bad line(s)\n",
	       st.applied, st.lines, st.bad);
	status = EX_TEMPFAIL;
    } else {
	printf("replayed %zu item(s) from %zu line(s) in %zu file(s); %zu bad line(s)%s\n",
	       st.applied, st.lines, st.files, st.bad,
	       st.bad ? " (copied to the .bad file)" : "");
	status = 0;
    }
    store_free(store);
    rpool_free(pool);
    conf_free(conf);
    return (status);
}
