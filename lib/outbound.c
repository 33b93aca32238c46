/*++
 * NAME
 *	outbound 3
 * SUMMARY
 *	what the milter does to one of the dealer's outgoing letters
 * SYNOPSIS
 *	#include "outbound.h"
 *
 *	OUTMSG	*outmsg_new(void)
 *	void	outmsg_free(OUTMSG *msg)
 *	void	outmsg_connect(OUTMSG *msg, const char *hostname,
 *				bool local_submission)
 *	void	outmsg_reset(OUTMSG *msg)
 *	OUT_WHY	outmsg_mail(OUTMSG *msg, const OUTBOUND_CONF *conf,
 *				const char *sender, const char *daemon_name,
 *				const char *auth_authen)
 *	const OUT_RCPT *outmsg_rcpt(OUTMSG *msg, const char *recipient)
 *	void	outmsg_rcpt_drop(OUTMSG *msg)
 *	void	outmsg_header(OUTMSG *msg, const char *name, const char *value)
 *	int	outmsg_eom(OUTMSG *msg, const OUTBOUND_CONF *conf, time_t now,
 *				const char *queue_id, OUT_PLAN *plan)
 *	void	outmsg_plan_free(OUT_PLAN *plan)
 * DESCRIPTION
 *	The outbound half of the milter without libmilter: the callbacks
 *	feed an OUTMSG what the MTA says, and at the end of the message
 *	outmsg_eom() says what to do, as an OUT_PLAN the milter carries
 *	out with smfi_*() calls.  So all of it is tested without an MTA.
 *
 *	outmsg_connect() starts a connection; local_submission says it is
 *	Postfix's pickup path (non_smtpd_milters: Postfix pretends a client
 *	"localhost" at 127.0.0.1 port 0).  outmsg_reset() forgets the
 *	message (after the end of a message, or an abort).
 *
 *	outmsg_mail() decides whether the letter is outbound, in this order:
 *	{daemon_name} is one of conf->daemon_names (the submission service
 *	has -o milter_macro_daemon_name=ORIGINATING); the sender
 *	authenticated ({auth_authen}) and conf->authenticated; the pickup
 *	path and conf->pickup; the sender's domain is one of
 *	conf->sender_domains.  A null sender (a bounce) is never outbound.
 *	Other mail is left alone (OUT_NO) by this part.
 *
 *	outmsg_rcpt() records a recipient (at most OUT_RCPT_MAX) and returns
 *	it parsed, so that the caller can start the DNS lookup of its
 *	domain at once; NULL when it does not parse or there are too many.
 *	outmsg_rcpt_drop() forgets the last one (the milter rejected it).
 *
 *	outmsg_header() looks at each header: every X-Liveaddr-* header
 *	(hint_is_ours()), and the configured tracking and message-type
 *	headers whatever their names, is marked for removal with its index
 *	among headers of its name, so that hints and forged tracking headers
 *	never leave the host; the first X-Liveaddr-Hint is kept for
 *	outmsg_eom().  A letter with more than OUT_DELETE_MAX of them is
 *	hostile: outmsg_eom() then sets OUT_PLAN.overflow, and the milter
 *	rejects it rather than let a hint leave the host.
 *
 *	outmsg_eom() fills *plan for an outbound letter: a fresh message
 *	reference; when conf->tag_keys and conf->bounce_domain are set, the
 *	signed envelope sender "<la1=...@BOUNCE-DOMAIN>" and the tracking
 *	header's value (the same tag); the hint, verified against
 *	conf->hint_keys (honoured only with HINT_OK, and for each recipient
 *	only when its r= fits); the message-type header's value
 *	("department-event", when conf->msgtype_header and a hint say so);
 *	and one EV_SENT evidence a recipient, with the reference, the hint's
 *	department, owner, contact and event, and an id derived from the
 *	reference and the recipient.  For a letter that is not outbound it
 *	fills only why and the deletions.  It returns 0, or -1 when memory is
 *	short (the plan is then empty).  outmsg_plan_free() frees the items.
 * MEMORY
 *	An OUTMSG belongs to one connection (one thread).  A plan's deletes
 *	point into the OUTMSG: carry the plan out before outmsg_reset().
 *--*/

#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "outbound.h"

/* The count of headers of one name, for smfi_chgheader() indexes. */
typedef struct {
    char    name[64];
    int     count;
} OUT_NAMECOUNT;

struct OUTMSG {
    bool    local_submission;
    OUT_WHY why;
    bool    null_sender;
    OUT_RCPT *rcpts;
    size_t  nrcpt;
    size_t  rcpt_cap;
    OUT_DELETE deletes[OUT_DELETE_MAX];
    size_t  ndelete;
    OUT_NAMECOUNT names[OUT_DELETE_MAX];
    size_t  nnames;
    char   *hint;				/* the first X-Liveaddr-Hint value */
    const OUTBOUND_CONF *conf;			/* outmsg_mail()'s, for headers */
    size_t  nleft;				/* ours beyond OUT_DELETE_MAX */
};

OUTMSG *outmsg_new(void)
{
    return (calloc(1, sizeof(OUTMSG)));
}

void    outmsg_reset(OUTMSG *msg)
{
    msg->why = OUT_NO;
    msg->null_sender = false;
    msg->nrcpt = 0;
    msg->ndelete = 0;
    msg->nnames = 0;
    msg->nleft = 0;
    free(msg->hint);
    msg->hint = NULL;
}

void    outmsg_free(OUTMSG *msg)
{
    if (msg) {
	outmsg_reset(msg);
	free(msg->rcpts);
	free(msg);
    }
}

void    outmsg_connect(OUTMSG *msg, const char *hostname, bool local_submission)
{
    (void) hostname;
    outmsg_reset(msg);
    msg->local_submission = local_submission;
}

/* out_listed - is a word in a list (case-insensitive)? */

static bool out_listed(char *const *list, size_t n, const char *word)
{
    for (size_t i = 0; word && *word && i < n; i++)
	if (strcasecmp(list[i], word) == 0)
	    return (true);
    return (false);
}

OUT_WHY outmsg_mail(OUTMSG *msg, const OUTBOUND_CONF *conf, const char *sender,
		            const char *daemon_name, const char *auth_authen)
{
    char    bare[ADDR_ADDRESS_MAX + 3];
    const char *at;

    msg->conf = conf;
    addr_envelope_bare(sender ? sender : "", bare, sizeof(bare));
    msg->null_sender = bare[0] == 0;
    if (msg->null_sender)
	msg->why = OUT_NO;
    else if (out_listed(conf->daemon_names, conf->ndaemon, daemon_name))
	msg->why = OUT_DAEMON;
    else if (conf->authenticated && auth_authen && *auth_authen)
	msg->why = OUT_AUTH;
    else if (conf->pickup && msg->local_submission)
	msg->why = OUT_PICKUP;
    else if ((at = strrchr(bare, '@')) != NULL
	     && out_listed(conf->sender_domains, conf->nsender, at + 1))
	msg->why = OUT_SENDER_DOMAIN;
    else
	msg->why = OUT_NO;
    return (msg->why);
}

const OUT_RCPT *outmsg_rcpt(OUTMSG *msg, const char *recipient)
{
    OUT_RCPT *r;
    ADDR    a;

    if (msg->nrcpt >= OUT_RCPT_MAX)
	return (NULL);
    if (msg->nrcpt == msg->rcpt_cap) {
	size_t  cap = msg->rcpt_cap ? msg->rcpt_cap * 2 : 4;
	OUT_RCPT *more = realloc(msg->rcpts, cap * sizeof(*more));

	if (more == NULL)
	    return (NULL);
	msg->rcpts = more;
	msg->rcpt_cap = cap;
    }
    r = msg->rcpts + msg->nrcpt;
    addr_envelope_bare(recipient ? recipient : "", r->raw, sizeof(r->raw));
    if (addr_parse(r->raw, strlen(r->raw), &a) != 0 || a.reason != ADDR_OK)
	return (NULL);
    snprintf(r->key, sizeof(r->key), "%s", a.key);
    snprintf(r->domain, sizeof(r->domain), "%s", a.domain);
    msg->nrcpt++;
    return (r);
}

void    outmsg_rcpt_drop(OUTMSG *msg)
{
    if (msg->nrcpt > 0)
	msg->nrcpt--;
}

/* out_is_our_header - the configured tracking or message-type header */

static bool out_is_our_header(const OUTBOUND_CONF *conf, const char *name)
{
    return (conf && ((conf->tracking_header && *conf->tracking_header
		      && strcasecmp(name, conf->tracking_header) == 0)
		     || (conf->msgtype_header && *conf->msgtype_header
			 && strcasecmp(name, conf->msgtype_header) == 0)));
}

void    outmsg_header(OUTMSG *msg, const char *name, const char *value)
{
    OUT_NAMECOUNT *nc = NULL;

    if (name == NULL || !(hint_is_ours(name) || out_is_our_header(msg->conf, name)))
	return;
    for (size_t i = 0; i < msg->nnames; i++)
	if (strcasecmp(msg->names[i].name, name) == 0)
	    nc = msg->names + i;
    if (nc == NULL) {
	if (msg->nnames >= OUT_DELETE_MAX) {
	    msg->nleft++;
	    return;
	}
	nc = msg->names + msg->nnames++;
	snprintf(nc->name, sizeof(nc->name), "%s", name);
	nc->count = 0;
    }
    nc->count++;
    if (msg->ndelete >= OUT_DELETE_MAX)
	msg->nleft++;
    else {
	snprintf(msg->deletes[msg->ndelete].name, sizeof(msg->deletes[0].name), "%s", name);
	msg->deletes[msg->ndelete].index = nc->count;
	msg->ndelete++;
    }
    if (msg->hint == NULL && strcasecmp(name, HINT_HEADER) == 0 && value)
	msg->hint = strdup(value);
}

/* out_msgtype - "department-event", reduced to [a-z0-9-] */

static void out_msgtype(const HINT *hint, char *buf, size_t len)
{
    size_t  j = 0;
    char    raw[EV_WORD_MAX * 2 + 2];

    snprintf(raw, sizeof(raw), "%s%s%s", hint->department,
	     hint->department[0] && hint->event[0] ? "-" : "", hint->event);
    for (const char *cp = raw; *cp && j + 1 < len; cp++) {
	char    c = *cp;

	if (c >= 'A' && c <= 'Z')
	    c = (char) (c - 'A' + 'a');
	if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-')
	    buf[j++] = c;
    }
    buf[j] = 0;
}

int     outmsg_eom(OUTMSG *msg, const OUTBOUND_CONF *conf, time_t now,
		           const char *queue_id, OUT_PLAN *plan)
{
    memset(plan, 0, sizeof(*plan));
    plan->why = msg->why;
    plan->deletes = msg->deletes;
    plan->ndelete = msg->ndelete;
    plan->overflow = msg->nleft > 0;
    if (msg->why == OUT_NO)
	return (0);

    tag_new_ref(plan->ref);
    if (conf->tag_keys && conf->tag_keys->nkeys > 0 && conf->bounce_domain
	&& *conf->bounce_domain) {
	long    expires = tag_day(now + (conf->tag_lifetime > 0 ? conf->tag_lifetime : 0));

	if (tag_make(conf->tag_keys, plan->ref, expires, plan->tag, sizeof(plan->tag)) > 0)
	    snprintf(plan->new_sender, sizeof(plan->new_sender), "<%s@%s>", plan->tag,
		     conf->bounce_domain);
	else
	    plan->tag[0] = 0;
    }
    if (msg->hint) {
	plan->hint_present = true;
	plan->hint_status = conf->hint_keys
	    ? hint_verify(conf->hint_keys, msg->hint, now, conf->hint_max_age, &plan->hint)
	    : HINT_UNKNOWN_KEY;
	if (plan->hint_status != HINT_OK)
	    memset(&plan->hint, 0, sizeof(plan->hint));
    }
    if (conf->msgtype_header && plan->hint_status == HINT_OK && plan->hint_present)
	out_msgtype(&plan->hint, plan->msgtype, sizeof(plan->msgtype));

    if (msg->nrcpt > 0 && (plan->items = calloc(msg->nrcpt, sizeof(EVIDENCE))) == NULL) {
	outmsg_plan_free(plan);
	return (-1);
    }
    for (size_t i = 0; i < msg->nrcpt; i++) {
	EVIDENCE *ev = plan->items + plan->nitems;
	const OUT_RCPT *r = msg->rcpts + i;
	bool    hinted = plan->hint_present && plan->hint_status == HINT_OK
	    && hint_check_recipient(&plan->hint, r->key) == HINT_OK;
	char    seed[TAG_REF_LEN + ADDR_ADDRESS_MAX + 16];

	evidence_init(ev, EV_SENT, now, r->key);
	EVIDENCE_SET(ev, msgref, plan->ref);
	EVIDENCE_SET(ev, mta, queue_id ? queue_id : "");
	if (hinted) {
	    EVIDENCE_SET(ev, department, plan->hint.department);
	    EVIDENCE_SET(ev, owner, plan->hint.owner);
	    EVIDENCE_SET(ev, contact, plan->hint.contact);
	    EVIDENCE_SET(ev, event, plan->hint.event);
	}
	snprintf(seed, sizeof(seed), "sent|%s|%s", plan->ref, r->key);
	evidence_make_id(ev, seed);
	plan->nitems++;
    }
    return (0);
}

void    outmsg_plan_free(OUT_PLAN *plan)
{
    free(plan->items);
    plan->items = NULL;
    plan->nitems = 0;
}

OUT_WHY outmsg_why(const OUTMSG *msg)
{
    return (msg->why);
}

size_t  outmsg_rcpt_count(const OUTMSG *msg)
{
    return (msg->nrcpt);
}

const char *outmsg_rcpt_key(const OUTMSG *msg, size_t i)
{
    return (i < msg->nrcpt ? msg->rcpts[i].key : NULL);
}

const char *out_why_name(OUT_WHY why)
{
    switch (why) {
    case OUT_NO:
	return ("not_outbound");
    case OUT_DAEMON:
	return ("daemon_name");
    case OUT_AUTH:
	return ("authenticated");
    case OUT_SENDER_DOMAIN:
	return ("sender_domain");
    case OUT_PICKUP:
	return ("pickup");
    }
    return ("?");
}
