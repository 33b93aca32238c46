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
 *	Thin: each callback hands what the MTA said to lib/outbound.c (the
 *	dealer's own letters) or lib/inbound.c (what comes back, through
 *	inbound_cb.c) and carries out the plan it returns, through the mfx
 *	table (mfx.h), so that the callbacks are unit-tested without
 *	libmilter.
 *
 *	negotiate
 *		asks for the actions the outbound half needs, SMFIP_SKIP when
 *		the MTA offers it, and SMFIP_NOBODY when no report can be
 *		verified (no BounceDomain or no tag keys): then no body is
 *		ever sent to the milter.
 *	connect	notes the client's address and whether this is Postfix's
 *		local submission path (non_smtpd_milters: "localhost",
 *		127.0.0.1, port 0).
 *	helo	notes the HELO name (the SPF identity of a null sender).
 *	envfrom	takes the current runtime (runtime.c) for the message and
 *		asks outbound.c whether the letter is the dealer's own.
 *		Other mail is inbound: it goes on when it may be a report
 *		(a BounceDomain is set) or a reply (a sender, ReplyProof),
 *		and is accepted at once otherwise.
 *	envrcpt	inbound: sorts the recipient, and with BounceRejectUnsigned
 *		rejects a BounceDomain recipient without a valid tag (550
 *		5.7.1; in smtpd only).  Outbound: records the recipient
 *		and starts the lookup of its domain
 *		(prefetch.c), or, with RejectNoMailDomains and in smtpd only,
 *		looks it up now and rejects a recipient whose domain certainly
 *		takes no mail (550 5.1.2).  Never in non_smtpd_milters.
 *	data	answers, so that no TCP stall follows (see cb_data()).
 *	header	outbound: marks X-Liveaddr-* headers for removal and keeps
 *		the hint; inbound: keeps the headers.
 *	eoh	outbound: reads the recipients' records (store_snapshot()),
 *		so that the end of the message writes them in one round
 *		trip.  Inbound: a report goes on; a reply is settled now and
 *		accepted (it needs no body); anything else is accepted.
 *	body	keeps a report's body, up to ReportMaxSize; any other body
 *		is skipped (SMFIS_SKIP, when negotiated): an outbound letter
 *		sends the milter at most its first chunk.
 *	eom	inbound: settles a report (inbound_cb.c): evidence, and
 *		SMFIS_DISCARD with ReportDisposition discard.  Outbound:
 *		removes our headers, rewrites the envelope sender to the
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
 *	for them.  Its first call logs the inbound counters (inbound_cb.c).
 *
 *	A failure of ours (memory, a modification the MTA refuses) never
 *	holds mail: the letter goes on untagged, and it is logged.  The one
 *	letter refused is a hostile one: more X-Liveaddr headers than
 *	OUT_DELETE_MAX, which could not all be removed (550 5.7.1).
 * DIAGNOSTICS
 *	One log line an outbound letter, a report, or a reply from a known
 *	address, with the queue id.
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
#include "inbound_cb.h"
#include "log.h"
#include "mfx.h"
#include "outbound.h"
#include "prefetch.h"
#include "runtime.h"

/* What a connection keeps. */
typedef struct {
    OUTMSG *msg;
    INMSG  *in;
    RUNTIME *rt;			/* the message's runtime, or NULL */
    STORE_SNAPSHOT *snap;		/* the recipients' records, read at EOH */
    bool    inbound;			/* the message is not the dealer's own */
    bool    local_submission;
    bool    can_skip;			/* SMFIP_SKIP negotiated */
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
    inmsg_reset(conn->in);
    conn->inbound = false;
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

/* conn_new - the connection's state, made at negotiation or connect */

static CONN *conn_new(SMFICTX *ctx)
{
    CONN   *conn = conn_of(ctx);

    if (conn != NULL)
	return (conn);
    if ((conn = calloc(1, sizeof(*conn))) == NULL
	|| (conn->msg = outmsg_new()) == NULL || (conn->in = inmsg_new()) == NULL) {
	if (conn)
	    outmsg_free(conn->msg);
	free(conn);
	log_error("out of memory: this connection's mail goes on untouched");
	return (NULL);
    }
    mfx->setpriv(ctx, conn);
    return (conn);
}

/* client_ip - the client's address as text, or "" */

static void client_ip(const _SOCK_ADDR *sa, char *buf, size_t len)
{
    buf[0] = 0;
    if (sa == NULL)
	return;
    if (sa->sa_family == AF_INET)
	inet_ntop(AF_INET, &((const struct sockaddr_in *) sa)->sin_addr, buf, (socklen_t) len);
    else if (sa->sa_family == AF_INET6)
	inet_ntop(AF_INET6, &((const struct sockaddr_in6 *) sa)->sin6_addr, buf,
		  (socklen_t) len);
}

/*
  * cb_negotiate - the actions outbound letters need (as xxfi_flags said),
  * SMFIP_SKIP when the MTA offers it (so that a body we do not want stops
  * after its first chunk), and no body at all when no report can be
  * verified.  Without this callback libmilter would never offer SKIP.
  */
sfsistat cb_negotiate(SMFICTX *ctx, unsigned long f0, unsigned long f1, unsigned long f2,
		              unsigned long f3, unsigned long *pf0, unsigned long *pf1,
		              unsigned long *pf2, unsigned long *pf3)
{
    const unsigned long need = SMFIF_CHGFROM | SMFIF_ADDHDRS | SMFIF_CHGHDRS;
    CONN   *conn;
    RUNTIME *rt;
    bool    body = true;

    (void) f2;
    (void) f3;
    if ((f0 & need) != need) {
	log_error("the MTA does not offer the actions needed (0x%lx of 0x%lx: "
		  "Postfix 2.6 or later has them)", f0 & need, need);
	return (SMFIS_REJECT);
    }
    conn = conn_new(ctx);
    if ((rt = runtime_acquire()) != NULL) {
	body = rt->in.bounce_domain && *rt->in.bounce_domain && rt->in.tag_keys;
	runtime_release(rt);
    }
    *pf0 = need;
    *pf1 = f1 & (SMFIP_NOUNKNOWN | SMFIP_SKIP | (body ? 0 : SMFIP_NOBODY));
    *pf2 = *pf3 = 0;
    if (conn)
	conn->can_skip = (*pf1 & SMFIP_SKIP) != 0;
    return (SMFIS_CONTINUE);
}

sfsistat cb_connect(SMFICTX *ctx, char *hostname, _SOCK_ADDR *hostaddr)
{
    CONN   *conn = conn_new(ctx);
    char    ip[INET6_ADDRSTRLEN];

    if (conn == NULL)
	return (SMFIS_ACCEPT);
    conn->local_submission = is_local_submission(hostname, hostaddr);
    outmsg_connect(conn->msg, hostname, conn->local_submission);
    client_ip(hostaddr, ip, sizeof(ip));
    inmsg_connect(conn->in, ip, conn->local_submission);
    return (SMFIS_CONTINUE);
}

sfsistat cb_helo(SMFICTX *ctx, char *helo)
{
    CONN   *conn = conn_of(ctx);

    if (conn)
	inmsg_helo(conn->in, helo);
    return (SMFIS_CONTINUE);
}

sfsistat cb_envfrom(SMFICTX *ctx, char **argv)
{
    CONN   *conn = conn_of(ctx);
    const char *sender;
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
    sender = argv && argv[0] ? argv[0] : "";
    why = outmsg_mail(conn->msg, &conn->rt->out, sender, symval(ctx, "{daemon_name}"),
		      symval(ctx, "{auth_authen}"));
    if (why != OUT_NO)
	return (SMFIS_CONTINUE);
    /* Inbound: a report may come to the bounce domain, a reply to anyone. */
    inmsg_mail(conn->in, sender);
    if ((conn->rt->in.bounce_domain && *conn->rt->in.bounce_domain)
	|| (conn->rt->in.reply_proof && *inmsg_sender(conn->in))) {
	conn->inbound = true;
	return (SMFIS_CONTINUE);
    }
    message_end(conn);
    return (SMFIS_ACCEPT);			/* nothing to learn */
}

sfsistat cb_envrcpt(SMFICTX *ctx, char **argv)
{
    CONN   *conn = conn_of(ctx);
    const OUT_RCPT *r;

    if (conn == NULL || conn->rt == NULL || argv == NULL || argv[0] == NULL)
	return (SMFIS_CONTINUE);
    if (conn->inbound)
	return (inbound_cb_rcpt(ctx, conn->rt, conn->in, argv[0]));
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

    if (conn && conn->rt && conn->inbound)
	inmsg_header(conn->in, &conn->rt->in, name, value);
    else if (conn && conn->rt)
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

    if (conn && conn->rt && conn->inbound) {
	sfsistat r = inbound_cb_eoh(ctx, conn->rt, conn->in, symval(ctx, "i"));

	if (r != SMFIS_CONTINUE)
	    message_end(conn);
	return (r);
    }
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

/*
  * cb_body - a report's body is kept up to ReportMaxSize; no other body
  * is wanted.  SMFIS_SKIP only when negotiated: else the chunks come and
  * go unread.
  */
sfsistat cb_body(SMFICTX *ctx, unsigned char *data, size_t len)
{
    CONN   *conn = conn_of(ctx);

    if (conn && conn->rt && conn->inbound
	&& inmsg_role(conn->in, &conn->rt->in) == IN_REPORT
	&& inmsg_body(conn->in, &conn->rt->in, data, len))
	return (SMFIS_CONTINUE);
    return (conn && conn->can_skip ? SMFIS_SKIP : SMFIS_CONTINUE);
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
    if (conn->inbound) {
	result = inbound_cb_eom(ctx, conn->rt, conn->in, qid);
	message_end(conn);
	return (result);
    }
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
	inmsg_free(conn->in);
	free(conn);
	mfx->setpriv(ctx, NULL);
    }
    return (SMFIS_CONTINUE);
}

/* callbacks_drain - let no new message start; how many are in flight */

int     callbacks_drain(void)
{
    if (!atomic_exchange(&draining, true))
	inbound_counters_log();			/* what came back, at the stop */
    return (atomic_load(&in_flight));
}

struct smfiDesc callbacks_desc = {
    .xxfi_name = "liveaddr-milter",
    .xxfi_version = SMFI_VERSION,
    .xxfi_flags = SMFIF_CHGFROM | SMFIF_ADDHDRS | SMFIF_CHGHDRS,
    .xxfi_connect = cb_connect,
    .xxfi_helo = cb_helo,
    .xxfi_envfrom = cb_envfrom,
    .xxfi_envrcpt = cb_envrcpt,
    .xxfi_header = cb_header,
    .xxfi_eoh = cb_eoh,
    .xxfi_body = cb_body,
    .xxfi_eom = cb_eom,
    .xxfi_data = cb_data,
    .xxfi_abort = cb_abort,
    .xxfi_close = cb_close,
    .xxfi_negotiate = cb_negotiate,
};
