/*++
 * NAME
 *	callbacks 3
 * SUMMARY
 *	the libmilter callbacks of liveaddr-milter
 * SYNOPSIS
 *	#include "callbacks.h"
 *
 *	struct smfiDesc callbacks_desc
 *
 *	int	callbacks_drain(void)
 * DESCRIPTION
 *	Thin: each callback hands what the MTA said to lib/outbound.c and
 *	carries out the plan it returns, through the mfx table (mfx.h), so
 *	that the callbacks are unit-tested without libmilter.
 *
 *	connect	notes whether this is Postfix's local submission path
 *		(non_smtpd_milters: "localhost", 127.0.0.1, port 0).
 *	envfrom	takes the current runtime (runtime.c) for the message and
 *		asks outbound.c whether the letter is the dealer's own; other
 *		mail is accepted at once (this part leaves it alone).
 *	envrcpt	records the recipient and starts the lookup of its domain
 *		(prefetch.c), or, with RejectNoMailDomains and in smtpd only,
 *		looks it up now and rejects a recipient whose domain certainly
 *		takes no mail (550 5.1.2).  Never in non_smtpd_milters.
 *	data	answers, so that no TCP stall follows (see cb_data()).
 *	header	marks X-Liveaddr-* headers for removal and keeps the hint.
 *	eoh	reads the recipients' records (store_snapshot()), so that the
 *		end of the message writes them in one round trip.
 *	eom	removes our headers, rewrites the envelope sender to the
 *		signed bounce address, adds the tracking header (and the
 *		message-type header), and hands the "sent" evidence to the
 *		sink: Redis, else the journal.  Only when the evidence is lost
 *		altogether does OnFailure decide: continue, or tempfail.
 *	abort, close
 *		forget the message, give the runtime back.
 *
 *	callbacks_drain() is for shutdown: from then on a new message
 *	passes untouched (SMFIS_ACCEPT), and it returns how many messages
 *	are still between MAIL FROM and their end, so that main() can wait
 *	for them.
 *
 *	A failure of ours (memory, a modification the MTA refuses) never
 *	holds mail: the letter goes on untagged, and it is logged.  The one
 *	letter refused is a hostile one: more X-Liveaddr headers than
 *	OUT_DELETE_MAX, which could not all be removed (550 5.7.1).
 * DIAGNOSTICS
 *	One log line an outbound letter, with the queue id.
 *--*/

#include "config.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <time.h>

#include "callbacks.h"
#include "log.h"
#include "mfx.h"
#include "outbound.h"
#include "prefetch.h"
#include "runtime.h"

/* What a connection keeps. */
typedef struct {
    OUTMSG *msg;
    RUNTIME *rt;			/* the message's runtime, or NULL */
    STORE_SNAPSHOT *snap;		/* the recipients' records, read at EOH */
    bool    local_submission;
    char    qid[32];
} CONN;

/* Messages between MAIL FROM and their end; no new ones once draining. */
static atomic_int in_flight;
static atomic_bool draining;

static CONN *conn_of(SMFICTX *ctx)
{
    return ((CONN *) mfx->getpriv(ctx));
}

/* message_end - forget the message and give its runtime back */

static void message_end(CONN *conn)
{
    if (conn == NULL)
	return;
    outmsg_reset(conn->msg);
    store_snapshot_free(conn->snap);
    conn->snap = NULL;
    if (conn->rt) {
	runtime_release(conn->rt);
	conn->rt = NULL;
	atomic_fetch_sub(&in_flight, 1);
    }
    conn->qid[0] = 0;
}

/* symval - a macro's value, or "" */

static const char *symval(SMFICTX *ctx, const char *name)
{
    char   *v = mfx->getsymval(ctx, (char *) name);

    return (v ? v : "");
}

/* is_local_submission - Postfix's pretend client for sendmail(1) mail */

static bool is_local_submission(const char *hostname, const _SOCK_ADDR *sa)
{
    if (sa == NULL || hostname == NULL || strcasecmp(hostname, "localhost") != 0)
	return (false);
    if (sa->sa_family == AF_INET) {
	const struct sockaddr_in *sin = (const struct sockaddr_in *) sa;

	return (ntohs(sin->sin_port) == 0 && sin->sin_addr.s_addr == htonl(INADDR_LOOPBACK));
    }
    if (sa->sa_family == AF_INET6) {		/* inet_protocols = ipv6 */
	const struct sockaddr_in6 *sin6 = (const struct sockaddr_in6 *) sa;

	return (ntohs(sin6->sin6_port) == 0 && IN6_IS_ADDR_LOOPBACK(&sin6->sin6_addr));
    }
    return (false);
}

sfsistat cb_connect(SMFICTX *ctx, char *hostname, _SOCK_ADDR *hostaddr)
{
    CONN   *conn = conn_of(ctx);

    if (conn == NULL) {
	if ((conn = calloc(1, sizeof(*conn))) == NULL
	    || (conn->msg = outmsg_new()) == NULL) {
	    free(conn);
	    log_error("out of memory: this connection's mail goes on untouched");
	    return (SMFIS_ACCEPT);
	}
	mfx->setpriv(ctx, conn);
    }
    conn->local_submission = is_local_submission(hostname, hostaddr);
    outmsg_connect(conn->msg, hostname, conn->local_submission);
    return (SMFIS_CONTINUE);
}

sfsistat cb_envfrom(SMFICTX *ctx, char **argv)
{
    CONN   *conn = conn_of(ctx);
    OUT_WHY why;

    if (conn == NULL)
	return (SMFIS_ACCEPT);
    message_end(conn);				/* a new message on the connection */
    if (atomic_load(&draining)) {
	log_msg(LOG_NOTICE, symval(ctx, "i"), "stopping: a new letter passes untouched");
	return (SMFIS_ACCEPT);
    }
    if ((conn->rt = runtime_acquire()) == NULL)
	return (SMFIS_ACCEPT);
    atomic_fetch_add(&in_flight, 1);
    why = outmsg_mail(conn->msg, &conn->rt->out, argv && argv[0] ? argv[0] : "",
		      symval(ctx, "{daemon_name}"), symval(ctx, "{auth_authen}"));
    if (why == OUT_NO) {
	message_end(conn);
	return (SMFIS_ACCEPT);			/* not ours to tag */
    }
    return (SMFIS_CONTINUE);
}

sfsistat cb_envrcpt(SMFICTX *ctx, char **argv)
{
    CONN   *conn = conn_of(ctx);
    const OUT_RCPT *r;

    if (conn == NULL || conn->rt == NULL || argv == NULL || argv[0] == NULL)
	return (SMFIS_CONTINUE);
    if ((r = outmsg_rcpt(conn->msg, argv[0])) == NULL)
	return (SMFIS_CONTINUE);		/* not an address we can track */
    if (conn->rt->reject_no_mail && !conn->local_submission) {
	DNS_RESULT res;
	DV_SOURCE source;
	DNS_VERDICT v = domverdict_get(conn->rt->domains, r->domain, time(NULL), &res,
				       &source);

	if (dns_verdict_class(v) == DNS_CLASS_INVALID) {
	    char    text[600];

	    snprintf(text, sizeof(text), "<%s>: the domain %s takes no mail (%s)", r->raw,
		     r->domain, dns_verdict_name(v));
	    mfx->setreply(ctx, "550", "5.1.2", text);
	    outmsg_rcpt_drop(conn->msg);
	    log_info("rejected recipient <%s>: %s takes no mail (%s)", r->raw, r->domain,
		     dns_verdict_name(v));
	    return (SMFIS_REJECT);
	}
	return (SMFIS_CONTINUE);
    }
    (void) prefetch_domain(conn->rt, r->domain, r->key);
    return (SMFIS_CONTINUE);
}

sfsistat cb_header(SMFICTX *ctx, char *name, char *value)
{
    CONN   *conn = conn_of(ctx);

    if (conn && conn->rt)
	outmsg_header(conn->msg, name, value);
    return (SMFIS_CONTINUE);
}

/*
  * cb_data - nothing to do at DATA, but its reply matters: without a DATA
  * callback libmilter negotiates SMFIP_NODATA, Postfix's DATA macros go
  * unanswered, and over TCP the MTA's next small write waits ~40 ms for
  * our delayed ACK (bench/milter_stall.md).  Answering carries the ACK.
  */
sfsistat cb_data(SMFICTX *ctx)
{
    (void) ctx;
    return (SMFIS_CONTINUE);
}

sfsistat cb_eoh(SMFICTX *ctx)
{
    CONN   *conn = conn_of(ctx);
    size_t  n;
    const char **keys;
    char    err[256];

    if (conn == NULL || conn->rt == NULL || (n = outmsg_rcpt_count(conn->msg)) == 0
	|| (keys = calloc(n, sizeof(*keys))) == NULL)
	return (SMFIS_CONTINUE);
    for (size_t i = 0; i < n; i++)
	keys[i] = outmsg_rcpt_key(conn->msg, i);
    /* NULL when Redis fails: the end of the message reads them itself */
    conn->snap = store_snapshot(conn->rt->store, keys, n, err, sizeof(err));
    free(keys);
    return (SMFIS_CONTINUE);
}

/* carry_out - the plan's changes to the message; -1 when the MTA refused one */

static int carry_out(SMFICTX *ctx, const RUNTIME *rt, const OUT_PLAN *p, const char *qid)
{
    int     status = 0;

    /* Our headers go, the last of each name first, so indexes hold. */
    for (size_t i = p->ndelete; i-- > 0;)
	if (mfx->chgheader(ctx, (char *) p->deletes[i].name, p->deletes[i].index, NULL)
	    != MI_SUCCESS) {
	    log_msg(LOG_WARNING, qid, "could not remove header %s", p->deletes[i].name);
	    status = -1;
	}
    if (p->new_sender[0] && mfx->chgfrom(ctx, (char *) p->new_sender, NULL) != MI_SUCCESS) {
	log_msg(LOG_ERR, qid, "the MTA refused the new envelope sender (is SMFIF_CHGFROM "
		"available? Postfix 2.6 or later)");
	status = -1;
    }
    if (p->tag[0] && rt->out.tracking_header && *rt->out.tracking_header
	&& mfx->addheader(ctx, (char *) rt->out.tracking_header, (char *) p->tag)
	!= MI_SUCCESS)
	status = -1;
    if (p->msgtype[0] && rt->out.msgtype_header
	&& mfx->addheader(ctx, (char *) rt->out.msgtype_header, (char *) p->msgtype)
	!= MI_SUCCESS)
	status = -1;
    return (status);
}

sfsistat cb_eom(SMFICTX *ctx)
{
    CONN   *conn = conn_of(ctx);
    OUT_PLAN plan;
    SINK_OUTCOME outcome = SINK_STORED;
    sfsistat result = SMFIS_CONTINUE;
    const char *qid;

    if (conn == NULL || conn->rt == NULL)
	return (SMFIS_CONTINUE);
    snprintf(conn->qid, sizeof(conn->qid), "%s", symval(ctx, "i"));
    qid = conn->qid;
    if (outmsg_eom(conn->msg, &conn->rt->out, time(NULL), qid, &plan) < 0) {
	log_msg(LOG_ERR, qid, "out of memory: the letter goes on untagged");
	if (conn->rt->tempfail_on_failure)
	    result = SMFIS_TEMPFAIL;
	message_end(conn);
	return (result);
    }
    if (plan.why != OUT_NO && plan.overflow) {
	log_msg(LOG_WARNING, qid, "rejected: more than %d X-Liveaddr headers, which must "
		"not leave the host", OUT_DELETE_MAX);
	mfx->setreply(ctx, "550", "5.7.1", "too many X-Liveaddr headers in this letter");
	outmsg_plan_free(&plan);
	message_end(conn);
	return (SMFIS_REJECT);
    }
    if (plan.why != OUT_NO) {
	bool    changed = carry_out(ctx, conn->rt, &plan, qid) == 0;

	if (plan.nitems > 0)
	    outcome = sink_put_snapshot(conn->rt->sink, conn->snap, plan.items, plan.nitems,
					time(NULL));
	log_msg(LOG_INFO, qid, "outbound (%s): ref=%s recipients=%zu tag=%s hint=%s evidence=%s",
		out_why_name(plan.why), plan.ref, plan.nitems,
		!plan.tag[0] ? "no" : changed ? "yes" : "incomplete",
		plan.hint_present ? hint_status_name(plan.hint_status) : "none",
		sink_outcome_name(outcome));
	if (plan.hint_present && plan.hint_status != HINT_OK)
	    log_msg(LOG_WARNING, qid, "the CRM hint was not honoured (%s) and was removed",
		    hint_status_name(plan.hint_status));
	if (outcome == SINK_LOST && conn->rt->tempfail_on_failure) {
	    mfx->setreply(ctx, "451", "4.3.0", "evidence could not be recorded; try again later");
	    result = SMFIS_TEMPFAIL;
	}
    }
    outmsg_plan_free(&plan);
    message_end(conn);
    return (result);
}

sfsistat cb_abort(SMFICTX *ctx)
{
    message_end(conn_of(ctx));
    return (SMFIS_CONTINUE);
}

sfsistat cb_close(SMFICTX *ctx)
{
    CONN   *conn = conn_of(ctx);

    if (conn) {
	message_end(conn);
	outmsg_free(conn->msg);
	free(conn);
	mfx->setpriv(ctx, NULL);
    }
    return (SMFIS_CONTINUE);
}

/* callbacks_drain - let no new message start; how many are in flight */

int     callbacks_drain(void)
{
    atomic_store(&draining, true);
    return (atomic_load(&in_flight));
}

struct smfiDesc callbacks_desc = {
    .xxfi_name = "liveaddr-milter",
    .xxfi_version = SMFI_VERSION,
    .xxfi_flags = SMFIF_CHGFROM | SMFIF_ADDHDRS | SMFIF_CHGHDRS,
    .xxfi_connect = cb_connect,
    .xxfi_envfrom = cb_envfrom,
    .xxfi_envrcpt = cb_envrcpt,
    .xxfi_header = cb_header,
    .xxfi_eoh = cb_eoh,
    .xxfi_eom = cb_eom,
    .xxfi_data = cb_data,
    .xxfi_abort = cb_abort,
    .xxfi_close = cb_close,
};
