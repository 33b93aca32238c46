/*++
 * NAME
 *	ctl_store 3
 * SUMMARY
 *	liveaddrctl commands on the evidence store
 * SYNOPSIS
 *	liveaddrctl show ADDRESS
 *	liveaddrctl confirm ADDRESS --source loyalty-card|service-desk|link
 *	liveaddrctl suppress ADDRESS [--note TEXT]
 *	liveaddrctl unsuppress ADDRESS [--note TEXT]
 *	liveaddrctl undo ADDRESS EVIDENCE-ID
 *	liveaddrctl forget ADDRESS
 *	liveaddrctl sweep
 * DESCRIPTION
 *	show prints an address's state, why, and its evidence history in
 *	words (Language, or --lang), with the command that undoes a wrong
 *	verdict.  confirm, suppress, unsuppress and undo record one piece
 *	of evidence made by a person (its id is random); forget erases the
 *	address (personal-data law); sweep applies what time changes
 *	(staleness, decay) and emits the events.
 * DIAGNOSTICS
 *	Exit 0 done, 1 no such address or evidence, 64 usage, 75 (EX_TEMPFAIL)
 *	Redis cannot be reached, 78 configuration.
 *--*/

#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>
#include <time.h>

#include "addr.h"
#include "ctl.h"
#include "evidence.h"
#include "log.h"
#include "record.h"
#include "rpool.h"
#include "settings.h"
#include "state.h"
#include "store.h"

typedef struct {
    CONF   *conf;
    RPOOL  *pool;
    STORE  *store;
    const char *lang;
    char    err[256];
} CTL_STORE;

/* ctl_store_open - configuration, pool and store; an exit status or 0 */

static int ctl_store_open(CTL *ctl, CTL_STORE *cs)
{
    RPOOL_CONF rc;
    STORE_CONF sc;
    int     status;

    memset(cs, 0, sizeof(*cs));
    if ((cs->conf = ctl_load(ctl, &status)) == NULL)
	return (status);
    log_open("liveaddrctl", 0, LOG_TO_STDERR);
    log_set_level(LOG_WARNING);
    cs->lang = conf_str(cs->conf, "Language");
    settings_rpool_conf(cs->conf, &rc);
    settings_store_conf(cs->conf, &sc);
    if ((cs->pool = rpool_new(&rc, cs->err, sizeof(cs->err))) == NULL
	|| (cs->store = store_new(cs->pool, &sc, cs->err, sizeof(cs->err))) == NULL) {
	fprintf(stderr, "liveaddrctl: %s\n", cs->err);
	return (EX_CONFIG);
    }
    return (0);
}

static void ctl_store_close(CTL_STORE *cs)
{
    store_free(cs->store);
    rpool_free(cs->pool);
    conf_free(cs->conf);
}

/* ctl_key - the storage key of an address typed by a person */

static int ctl_key(const char *input, char *key, size_t len)
{
    ADDR    addr;

    if (addr_parse(input, strlen(input), &addr) != ADDR_OK) {
	fprintf(stderr, "liveaddrctl: \"%s\": %s\n", input,
		addr_reason_text(addr.reason, "en"));
	return (-1);
    }
    snprintf(key, len, "%s", addr.key);
    return (0);
}

static void ctl_time(time_t t, char *buf, size_t len)
{
    struct tm tm;

    if (t <= 0) {
	snprintf(buf, len, "-");
	return;
    }
    localtime_r(&t, &tm);
    strftime(buf, len, "%Y-%m-%d %H:%M", &tm);
}

static void ctl_show_doc(const CTL_STORE *cs, const char *key, const RECORD_DOC *doc)
{
    const RECORD *r = &doc->rec;
    bool    ru = strcmp(cs->lang, "ru") == 0;
    char    t1[32], t2[32], t3[32], t4[32];

    printf("%s\n", key);
    if (doc->forgotten) {
	ctl_time(doc->forgotten, t1, sizeof(t1));
	printf("  %s %s\n", ru ? "стёрт:" : "forgotten:", t1);
    }
    printf("  %-14s %s (%s%s%s)\n", ru ? "состояние:" : "state:",
	   state_validity_text(r->validity, r->stale, cs->lang),
	   state_validity_name(r->validity), r->stale ? ", stale" : "",
	   r->reason[0] ? "" : "");
    if (r->reason[0])
	printf("  %-14s %s%s%s\n", ru ? "причина:" : "reason:", r->reason,
	       r->last_status[0] ? ", " : "", r->last_status);
    printf("  %-14s %s\n", ru ? "рассылка:" : "mailing:",
	   r->suppression == 0 ? (ru ? "разрешена" : "allowed")
	   : (r->suppression & SUPP_COMPLAINT) ? (ru ? "запрещена: жалоба на спам" : "do not mail: spam complaint")
	   : (ru ? "запрещена вручную" : "do not mail: set by hand"));
    printf("  %-14s sent %u, delivered %u, proofs %u, hard %u, soft %u, blocked %u, complaints %u\n",
	   ru ? "счётчики:" : "counts:", r->n_sent, r->n_delivered, r->n_positive,
	   r->n_hard, r->n_soft, r->n_policy, r->n_complaint);
    ctl_time(r->last_sent, t1, sizeof(t1));
    ctl_time(r->last_positive, t2, sizeof(t2));
    ctl_time(r->last_bounce, t3, sizeof(t3));
    ctl_time(r->last_confirmed, t4, sizeof(t4));
    printf("  %-14s sent %s, proof %s, bounce %s, confirmed %s\n",
	   ru ? "последние:" : "last:", t1, t2, t3, t4);
    if (r->department[0] || r->owner[0] || r->contact[0])
	printf("  %-14s %s / %s, contact %s\n", ru ? "владелец:" : "owner:",
	       r->department[0] ? r->department : "-", r->owner[0] ? r->owner : "-",
	       r->contact[0] ? r->contact : "-");
    printf("  %s\n", ru ? "история (новые сверху):" : "history (newest first):");
    for (size_t i = doc->nhist; i-- > 0;) {
	const EVIDENCE *ev = doc->hist + i;

	ctl_time(ev->when, t1, sizeof(t1));
	printf("    %s  %-14s %s", t1, evidence_kind_name(ev->kind),
	       evidence_kind_text(ev->kind, cs->lang));
	if (ev->reason[0])
	    printf(" [%s]", ev->reason);
	if (ev->status[0])
	    printf(" %s", ev->status);
	if (ev->reply_code)
	    printf(" %d", ev->reply_code);
	printf("\n      id %s", ev->id);
	if (ev->msgref[0])
	    printf(", message %s", ev->msgref);
	if (ev->mta[0])
	    printf(ev->kind == EV_SENT ? ", queue id %s" : ", said by %s", ev->mta);
	if (ev->target[0])
	    printf(", takes back %s", ev->target);
	if (ev->event[0])
	    printf(", %s", ev->event);
	printf("\n");
	if (ev->text[0])
	    printf("      \"%s\"\n", ev->text);
    }
    if (doc->has_base)
	printf("    %s\n", ru ? "(более старые свидетельства учтены в состоянии)"
	       : "(older evidence is folded into the state)");
    if (doc->nhist > 0)
	printf("  %s liveaddrctl undo %s EVIDENCE-ID\n",
	       ru ? "отменить неверное свидетельство:" : "to take back a wrong piece of evidence:", key);
}

static int ctl_show(CTL *ctl, int argc, char **argv)
{
    CTL_STORE cs;
    RECORD_DOC *doc;
    char    key[ADDR_ADDRESS_MAX + 1];
    bool    found;
    int     status;

    if (argc != 2)
	return (EX_USAGE);
    if (ctl_key(argv[1], key, sizeof(key)) < 0)
	return (EX_DATAERR);
    if ((status = ctl_store_open(ctl, &cs)) != 0)
	return (status);
    if ((doc = malloc(sizeof(*doc))) == NULL) {
	ctl_store_close(&cs);
	return (EX_OSERR);
    }
    if (store_load(cs.store, key, doc, &found, cs.err, sizeof(cs.err)) < 0) {
	fprintf(stderr, "liveaddrctl: %s\n", cs.err);
	status = EX_TEMPFAIL;
    } else if (!found) {
	printf("%s: %s\n", key, strcmp(cs.lang, "ru") == 0 ? "ничего не известно" : "nothing known");
	status = 1;
    } else {
	ctl_show_doc(&cs, key, doc);
    }
    free(doc);
    ctl_store_close(&cs);
    return (status);
}

/* ctl_record - store one piece of evidence made by a person */

static int ctl_record(CTL *ctl, EV_KIND kind, const char *input, const char *reason,
		              const char *target, const char *note)
{
    CTL_STORE cs;
    EVIDENCE ev;
    STORE_RESULT res;
    char    key[ADDR_ADDRESS_MAX + 1];
    int     status;

    if (ctl_key(input, key, sizeof(key)) < 0)
	return (EX_DATAERR);
    if ((status = ctl_store_open(ctl, &cs)) != 0)
	return (status);
    evidence_init(&ev, kind, time(NULL), key);
    evidence_random_id(&ev);
    EVIDENCE_SET(&ev, reason, reason);
    EVIDENCE_SET(&ev, target, target);
    EVIDENCE_SET(&ev, text, note);
    EVIDENCE_SET(&ev, mta, "liveaddrctl");
    if (kind == EV_UNDO) {
	RECORD_DOC *doc = malloc(sizeof(*doc));
	bool    found = false;

	if (doc == NULL || store_load(cs.store, key, doc, &found, cs.err, sizeof(cs.err)) < 0) {
	    fprintf(stderr, "liveaddrctl: %s\n", doc ? cs.err : "out of memory");
	    free(doc);
	    ctl_store_close(&cs);
	    return (EX_TEMPFAIL);
	}
	if (!found || !record_has_evidence(doc, target)) {
	    fprintf(stderr, "liveaddrctl: %s has no evidence %s in its history%s\n", key, target,
		    found && doc->has_base ? " (older evidence is folded into its state and cannot be taken back)" : "");
	    free(doc);
	    ctl_store_close(&cs);
	    return (1);
	}
	free(doc);
    }
    switch (store_apply(cs.store, &ev, 1, time(NULL), &res, cs.err, sizeof(cs.err))) {
    case -1:
	fprintf(stderr, "liveaddrctl: not stored: %s\n", cs.err);
	status = EX_TEMPFAIL;
	break;
    case 1:
	fprintf(stderr, "liveaddrctl: refused: the record of %s cannot be read or written (see the log)\n", key);
	status = EX_DATAERR;
	break;
    default:
	printf("%s: %s (evidence %s)\n", key, evidence_kind_text(kind, cs.lang), ev.id);
	break;
    }
    ctl_store_close(&cs);
    return (status);
}

/* ctl_option - "--name VALUE" at argv[i]; NULL when absent */

static const char *ctl_option(int argc, char **argv, const char *name)
{
    for (int i = 2; i + 1 < argc; i++)
	if (strcmp(argv[i], name) == 0)
	    return (argv[i + 1]);
    return (NULL);
}

static int ctl_confirm(CTL *ctl, int argc, char **argv)
{
    static const char *const sources[] = {"loyalty-card", "service-desk", "link"};
    const char *source = ctl_option(argc, argv, "--source");

    if (argc != 4 || source == NULL)
	return (EX_USAGE);
    for (size_t i = 0; i < sizeof(sources) / sizeof(sources[0]); i++)
	if (strcmp(source, sources[i]) == 0)
	    return (ctl_record(ctl, EV_CONFIRMED, argv[1], source, NULL, NULL));
    return (EX_USAGE);
}

static int ctl_suppress(CTL *ctl, int argc, char **argv)
{
    const char *note = ctl_option(argc, argv, "--note");

    if (argc != 2 && !(argc == 4 && note))
	return (EX_USAGE);
    return (ctl_record(ctl, strcmp(argv[0], "suppress") == 0 ? EV_SUPPRESS : EV_UNSUPPRESS,
		       argv[1], "manual", NULL, note));
}

static int ctl_undo(CTL *ctl, int argc, char **argv)
{
    if (argc != 3)
	return (EX_USAGE);
    return (ctl_record(ctl, EV_UNDO, argv[1], NULL, argv[2], NULL));
}

static int ctl_forget(CTL *ctl, int argc, char **argv)
{
    CTL_STORE cs;
    char    key[ADDR_ADDRESS_MAX + 1];
    size_t  removed;
    int     status;

    if (argc != 2)
	return (EX_USAGE);
    if (ctl_key(argv[1], key, sizeof(key)) < 0)
	return (EX_DATAERR);
    if ((status = ctl_store_open(ctl, &cs)) != 0)
	return (status);
    if (store_forget(cs.store, key, time(NULL), &removed, cs.err, sizeof(cs.err)) < 0) {
	fprintf(stderr, "liveaddrctl: %s\n", cs.err);
	status = EX_TEMPFAIL;
    } else {
	printf("%s: forgotten (record erased, %zu event(s) deleted)\n", key, removed);
    }
    ctl_store_close(&cs);
    return (status);
}

static int ctl_sweep(CTL *ctl, int argc, char **argv)
{
    CTL_STORE cs;
    STORE_SWEEP st;
    int     status;

    if (argc != 1)
	return (EX_USAGE);
    if ((status = ctl_store_open(ctl, &cs)) != 0)
	return (status);
    if (store_sweep(cs.store, time(NULL), &st, cs.err, sizeof(cs.err)) < 0) {
	fprintf(stderr, "liveaddrctl: %s\n", cs.err);
	status = EX_TEMPFAIL;
    } else {
	printf("sweep: %zu examined, %zu changed (%zu now stale, %zu soft bounces decayed)\n",
	       st.examined, st.changed, st.stale, st.decayed);
    }
    ctl_store_close(&cs);
    return (status);
}

const CTL_COMMAND ctl_store_commands[] = {
    {"show", ctl_show, "show ADDRESS"},
    {"confirm", ctl_confirm, "confirm ADDRESS --source loyalty-card|service-desk|link"},
    {"suppress", ctl_suppress, "suppress ADDRESS [--note TEXT]"},
    {"unsuppress", ctl_suppress, "unsuppress ADDRESS [--note TEXT]"},
    {"undo", ctl_undo, "undo ADDRESS EVIDENCE-ID"},
    {"forget", ctl_forget, "forget ADDRESS"},
    {"sweep", ctl_sweep, "sweep"},
    {"journal", ctl_journal, "journal replay"},
    {NULL, NULL, NULL},
};
