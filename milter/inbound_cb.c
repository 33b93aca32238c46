/*++
 * NAME
 *	inbound_cb 3
 * SUMMARY
 *	the milter's inbound steps: reports to the bounce domain, replies
 * SYNOPSIS
 *	#include "inbound_cb.h"
 *
 *	INBOUND_COUNTERS inbound_counters
 *
 *	sfsistat inbound_cb_rcpt(SMFICTX *ctx, RUNTIME *rt, INMSG *in,
 *				const char *recipient)
 *	sfsistat inbound_cb_eoh(SMFICTX *ctx, RUNTIME *rt, INMSG *in,
 *				const char *qid)
 *	sfsistat inbound_cb_eom(SMFICTX *ctx, RUNTIME *rt, INMSG *in,
 *				const char *qid)
 *	void	inbound_counters_log(void)
 * DESCRIPTION
 *	What callbacks.c does with a message that is not the dealer's own;
 *	the decisions are inbound(3)'s, this module reads the store, checks
 *	SPF and hands evidence to the sink.  An inbound message is never
 *	changed: no header is added or removed.
 *
 *	inbound_cb_rcpt() sorts a recipient.  With BounceRejectUnsigned, and
 *	only in smtpd (never on the local submission path, where Postfix's
 *	own bounces come from), a recipient in BounceDomain whose local part
 *	is not a valid unexpired tag is rejected, 550 5.7.1: no backscatter
 *	for forged senders.  postmaster@ and abuse@ are never rejected.
 *
 *	inbound_cb_eoh() lets a message go (SMFIS_ACCEPT) when there is
 *	nothing to learn from it, keeps a report (SMFIS_CONTINUE: its body
 *	is needed), and settles a reply at once, from its headers: a
 *	message to a dealer mailbox from an address the store knows (a
 *	record that is not a tombstone), whose MAIL FROM passes SPF, is
 *	EV_REPLY, or EV_AUTOREPLY when it is an auto-reply; then
 *	SMFIS_ACCEPT, so that its body never comes to the milter.  A reply
 *	on the local submission path proves nothing.  When the store cannot
 *	be read the reply goes on uncounted (a warning): replies are the
 *	dealer's business mail, never held for our sake.
 *
 *	inbound_cb_eom() settles a report.  Without a verified tag (missing,
 *	damaged, forged, expired: counted and logged) it changes nothing.
 *	Otherwise the SPF of its sender (HELO when MAIL FROM is <>, else MAIL
 *	FROM; not for Postfix's own bounces, which are trusted) must not be
 *	"fail", unless ReportTrustSPFFail.  Then the letter's recipients are
 *	read (store_message()), the report is attributed (inbound_evidence())
 *	and the evidence goes to the sink (the store, else the journal).
 *	When the store cannot be read, OnFailure decides: continue (the
 *	report is delivered unprocessed, a warning) or tempfail (451 4.3.0;
 *	never for Postfix's own bounces).  A report that made evidence is
 *	discarded with ReportDisposition discard; any other is delivered.
 *
 *	inbound_counters counts what came back, for operations;
 *	inbound_counters_log() logs the counts.
 * DIAGNOSTICS
 *	One log line a report, and one a reply from a known address, with
 *	the queue id: kind, tag, SPF, evidence, outcome.
 *--*/

#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "inbound_cb.h"
#include "log.h"
#include "mfx.h"
#include "record.h"

INBOUND_COUNTERS inbound_counters;

#define COUNT(field, n)	atomic_fetch_add(&inbound_counters.field, (unsigned long) (n))

/* count_tag - a report or recipient without a verified tag */

static void count_tag(TAG_STATUS st)
{
    switch (st) {
    case TAG_EXPIRED:
	COUNT(expired, 1);
	break;
    case TAG_BAD_MAC:
    case TAG_UNKNOWN_KEY:
	COUNT(bad_mac, 1);
	break;
    default:
	COUNT(untagged, 1);
	break;
    }
}

sfsistat inbound_cb_rcpt(SMFICTX *ctx, RUNTIME *rt, INMSG *in, const char *recipient)
{
    TAG_STATUS st = TAG_OK;
    const char *qid;
    char    text[512];

    if (inmsg_rcpt(in, &rt->in, recipient, tag_day(time(NULL)), &st) != IN_RCPT_BOUNCE
	|| st == TAG_OK || !rt->reject_unsigned || inmsg_local_submission(in))
	return (SMFIS_CONTINUE);
    inmsg_rcpt_drop(in);
    COUNT(rejected, 1);
    count_tag(st);
    snprintf(text, sizeof(text), "%s: not a bounce address of ours", recipient);
    mfx->setreply(ctx, "550", "5.7.1", text);
    qid = mfx->getsymval(ctx, "i");
    log_msg(LOG_INFO, qid ? qid : "", "rejected recipient %s: not a valid tag (%s)", recipient,
	    tag_status_name(st));
    return (SMFIS_REJECT);
}

/* reply_known - does the store know the address?  -1: it cannot say */

static int reply_known(RUNTIME *rt, const char *address, char *err, size_t errlen)
{
    RECORD_DOC *doc = malloc(sizeof(*doc));
    bool    found = false;
    int     status;

    if (doc == NULL) {
	snprintf(err, errlen, "out of memory");
	return (-1);
    }
    status = store_load(rt->store, address, doc, &found, err, errlen);
    if (status == 0)
	status = found && doc->forgotten == 0;
    free(doc);
    return (status);
}

/* inbound_reply - a reply to a dealer mailbox, settled at EOH */

static void inbound_reply(RUNTIME *rt, INMSG *in, const char *qid)
{
    IN_PLAN plan;
    EVIDENCE items[2];
    const char *known[2];
    SPFCHECK_RESULT spf;
    SINK_OUTCOME outcome;
    size_t  nknown = 0;
    time_t  now = time(NULL);
    char    err[256];

    if (inmsg_local_submission(in))
	return;
    if (inmsg_eom(in, &rt->in, tag_day(now), &plan) < 0) {
	log_msg(LOG_WARNING, qid, "out of memory: a reply goes on uncounted");
	inplan_free(&plan);
	return;
    }
    for (int i = 0; plan.reply_kind != EV_SENT && i < plan.ncand; i++) {
	int     k = reply_known(rt, plan.cand[i], err, sizeof(err));

	if (k < 0) {
	    log_msg(LOG_WARNING, qid, "the store cannot be read (%s): a reply from %s goes "
		    "on uncounted", err, plan.cand[i]);
	    nknown = 0;
	    break;
	}
	if (k > 0)
	    known[nknown++] = plan.cand[i];
    }
    if (nknown == 0) {
	inplan_free(&plan);
	return;
    }
    spfcheck_check_host(rt->spf, inmsg_client_ip(in), inmsg_helo_name(in),
			inmsg_sender(in), &spf);
    if (spf.result != SPFCHECK_PASS) {
	if (spf.result == SPFCHECK_FAIL)
	    COUNT(spf_fail, 1);
	log_msg(LOG_INFO, qid, "inbound reply (%s) from %s: spf=%s: not counted",
		evidence_kind_name(plan.reply_kind), known[0], spfcheck_result_name(spf.result));
	inplan_free(&plan);
	return;
    }
    for (size_t i = 0; i < nknown; i++)
	inbound_reply_item(&plan, known[i], now, items + i);
    outcome = sink_put(rt->sink, items, nknown, now);
    COUNT(replies, 1);
    COUNT(evidence, nknown);
    log_msg(LOG_INFO, qid, "inbound reply (%s) from %s%s%s: spf=pass evidence=%zu (%s)",
	    evidence_kind_name(plan.reply_kind), known[0], nknown > 1 ? " and " : "",
	    nknown > 1 ? known[1] : "", nknown, sink_outcome_name(outcome));
    inplan_free(&plan);
}

sfsistat inbound_cb_eoh(SMFICTX *ctx, RUNTIME *rt, INMSG *in, const char *qid)
{
    (void) ctx;
    switch (inmsg_role(in, &rt->in)) {
    case IN_REPORT:
	return (SMFIS_CONTINUE);		/* the body is needed */
    case IN_REPLY:
	inbound_reply(rt, in, qid);
	return (SMFIS_ACCEPT);
    default:
	return (SMFIS_ACCEPT);			/* nothing to learn */
    }
}

/* report_spf - may the report be trusted?  The SPF verdict's name in *name */

static bool report_spf(RUNTIME *rt, INMSG *in, const char **name)
{
    SPFCHECK_RESULT spf;

    if (inmsg_local_submission(in)) {
	*name = "local";			/* Postfix's own bounce */
	return (true);
    }
    spfcheck_check_host(rt->spf, inmsg_client_ip(in), inmsg_helo_name(in),
			inmsg_sender(in), &spf);
    *name = spfcheck_result_name(spf.result);
    if (spf.result != SPFCHECK_FAIL)
	return (true);
    COUNT(spf_fail, 1);
    return (rt->trust_spf_fail);
}

/* report_fail - the store or memory failed: OnFailure decides */

static sfsistat report_fail(SMFICTX *ctx, RUNTIME *rt, INMSG *in)
{
    if (!rt->tempfail_on_failure || inmsg_local_submission(in))
	return (SMFIS_CONTINUE);
    mfx->setreply(ctx, "451", "4.3.0", "the report could not be processed; try again later");
    return (SMFIS_TEMPFAIL);
}

sfsistat inbound_cb_eom(SMFICTX *ctx, RUNTIME *rt, INMSG *in, const char *qid)
{
    IN_PLAN plan;
    IN_LETTER letter;
    IN_RESULT res;
    SINK_OUTCOME outcome = SINK_STORED;
    const char *spf = "-";
    const char *kind;
    time_t  now = time(NULL);
    sfsistat result = SMFIS_CONTINUE;
    char    err[256];

    memset(&letter, 0, sizeof(letter));
    memset(&res, 0, sizeof(res));
    if (inmsg_eom(in, &rt->in, tag_day(now), &plan) < 0) {
	log_msg(LOG_ERR, qid, "out of memory: a report is delivered unprocessed");
	inplan_free(&plan);
	return (report_fail(ctx, rt, in));
    }
    kind = report_kind_name(plan.report.kind);
    COUNT(reports, 1);
    if (plan.tag != IN_TAG_OK) {
	count_tag(plan.tag_status);
	log_msg(LOG_INFO, qid, "inbound report (%s): tag=%s (%s, %s): changes nothing, "
		"delivered", kind, in_tag_name(plan.tag), tag_status_name(plan.tag_status),
		plan.tag_source);
	goto done;
    }
    if (!report_spf(rt, in, &spf)) {
	log_msg(LOG_INFO, qid, "inbound report (%s): tag=ok ref=%s spf=%s: not trusted, "
		"delivered", kind, plan.ref, spf);
	goto done;
    }
    if (store_message(rt->store, plan.ref, in_letter_add, &letter, err, sizeof(err)) < 0
	|| letter.nomem) {
	log_msg(LOG_WARNING, qid, "inbound report (%s): ref=%s: the store cannot be read "
		"(%s): delivered unprocessed", kind, plan.ref, letter.nomem ? "out of memory"
		: err);
	result = report_fail(ctx, rt, in);
	goto done;
    }
    if (inbound_evidence(&plan.report, plan.ref, &letter, plan.seed, now, &res) < 0) {
	log_msg(LOG_ERR, qid, "out of memory: a report is delivered unprocessed");
	result = report_fail(ctx, rt, in);
	goto done;
    }
    if (res.dropped > 0)
	log_msg(LOG_NOTICE, qid, "report ref=%s names %zu address(es) that letter was not "
		"sent to (first: %s): dropped", plan.ref, res.dropped, res.dropped_first);
    if (res.nitems > 0) {
	outcome = sink_put(rt->sink, res.items, res.nitems, now);
	COUNT(evidence, res.nitems);
    }
    if (res.nitems > 0 && outcome != SINK_LOST && rt->report_discard)
	result = SMFIS_DISCARD;
    else if (outcome == SINK_LOST)
	result = report_fail(ctx, rt, in);
    log_msg(LOG_INFO, qid, "inbound report (%s): tag=ok (%s) ref=%s spf=%s letter=%zu "
	    "evidence=%zu%s%s%s %s%s", kind, plan.tag_source, plan.ref, spf, letter.n,
	    res.nitems, res.nitems ? " (" : "", res.nitems ? sink_outcome_name(outcome) : "",
	    res.nitems ? ")" : "", letter.n == 0 ? "(letter unknown or expired) " : "",
	    result == SMFIS_DISCARD ? "discarded" : result == SMFIS_TEMPFAIL ? "tempfail"
	    : "delivered");
done:
    inbound_result_free(&res);
    in_letter_free(&letter);
    inplan_free(&plan);
    return (result);
}

void    inbound_counters_log(void)
{
    log_info("inbound: reports=%lu untagged=%lu bad_mac=%lu expired=%lu rejected=%lu "
	     "spf_fail=%lu evidence=%lu replies=%lu",
	     atomic_load(&inbound_counters.reports), atomic_load(&inbound_counters.untagged),
	     atomic_load(&inbound_counters.bad_mac), atomic_load(&inbound_counters.expired),
	     atomic_load(&inbound_counters.rejected), atomic_load(&inbound_counters.spf_fail),
	     atomic_load(&inbound_counters.evidence), atomic_load(&inbound_counters.replies));
}
