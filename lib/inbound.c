/*++
 * NAME
 *	inbound 3
 * SUMMARY
 *	what comes back: reports to the bounce domain, replies, as evidence
 * SYNOPSIS
 *	#include "inbound.h"
 *
 *	INMSG	*inmsg_new(void)
 *	void	inmsg_free(INMSG *msg)
 *	void	inmsg_connect(INMSG *msg, const char *client_ip,
 *				bool local_submission)
 *	void	inmsg_helo(INMSG *msg, const char *helo)
 *	void	inmsg_reset(INMSG *msg)
 *	void	inmsg_mail(INMSG *msg, const char *sender)
 *	IN_RCPT_KIND inmsg_rcpt(INMSG *msg, const INBOUND_CONF *conf,
 *				const char *recipient, long today,
 *				TAG_STATUS *status)
 *	void	inmsg_rcpt_drop(INMSG *msg)
 *	void	inmsg_header(INMSG *msg, const INBOUND_CONF *conf,
 *				const char *name, const char *value)
 *	IN_ROLE	inmsg_role(const INMSG *msg, const INBOUND_CONF *conf)
 *	bool	inmsg_body(INMSG *msg, const INBOUND_CONF *conf,
 *				const void *data, size_t len)
 *	int	inmsg_eom(INMSG *msg, const INBOUND_CONF *conf, long today,
 *				IN_PLAN *plan)
 *	void	inplan_free(IN_PLAN *plan)
 *
 *	int	inbound_parse_size(const char *text, size_t *out)
 * DESCRIPTION
 *	The inbound half of the milter without libmilter and without Redis,
 *	as outbound(3) is the outbound half: the callbacks feed an INMSG
 *	what the MTA says about a message that is not the dealer's own, and
 *	inmsg_eom() says what it is; the milter reads the store and checks
 *	SPF, and inbound_evidence() turns a report into evidence.
 *
 *	inmsg_connect() starts a connection: the client's address (for
 *	SPF) and whether it is Postfix's local submission path, where
 *	Postfix's own bounces come from (trusted, never rejected).
 *	inmsg_mail() starts a message.  inmsg_rcpt() sorts a recipient: in
 *	conf->bounce_domain (IN_RCPT_BOUNCE, with tag_verify()'s word on its
 *	local part in *status; the first valid tag names the letter), a
 *	postmaster or abuse mailbox there (IN_RCPT_BOUNCE_ROLE: no tag, and
 *	never to be rejected), or a dealer mailbox (IN_RCPT_OTHER);
 *	IN_RCPT_IGNORED when it does not parse or there are too many.
 *	inmsg_rcpt_drop() forgets the last one (the milter rejected it).
 *
 *	inmsg_header() keeps the headers as "Name: value" lines, and
 *	inmsg_body() the body after them, together at most conf->max_report
 *	bytes; inmsg_body() returns false once it wants no more.
 *
 *	inmsg_role() says what the message is, once the recipients are
 *	known: IN_REPORT when a recipient is in the bounce domain (the body
 *	is needed), IN_REPLY when the sender is not null and
 *	conf->reply_proof is set (the headers suffice), else IN_NONE.
 *
 *	inmsg_eom() parses what was kept (report_parse()) and fills *plan.
 *	For a report: the verified reference of the letter it is about,
 *	from the envelope first, else from the tag the report quotes (valid
 *	only when it verifies with the same keys), or why there is none.
 *	For a reply: EV_REPLY for a person's message (no Auto-Submitted),
 *	EV_AUTOREPLY for an auto-reply, and the addresses it may prove: the
 *	envelope sender, and the From: author when it is in the sender's
 *	domain.  plan->seed is the message's Message-ID, else a hash of its
 *	text: the same report delivered twice gives the same evidence ids.
 *	It returns 0, or -1 when memory is short.
 *
 *	inbound_evidence() (inbound_attr(3)) then turns a report into
 *	evidence for the recipients of the letter it names.
 *
 *	inbound_parse_size() reads "1m", "512k", "65536" (bytes; k, m and g
 *	are powers of 1024).
 * MEMORY
 *	An INMSG belongs to one connection (one thread).  The plan's report
 *	is the caller's: inplan_free(), after any inmsg_eom().
 * DIAGNOSTICS
 *	None: a message that makes no sense makes no evidence.
 *--*/

#include "config.h"

#include <ctype.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "inbound.h"

#define IN_TEXT_MIN	1024		/* smallest max_report honoured */

struct INMSG {
    bool    local_submission;
    char    client_ip[64];
    char    helo[256];
    char    sender[ADDR_ADDRESS_MAX + 3];	/* without <> */
    size_t  nbounce;			/* recipients in the bounce domain */
    size_t  nother;			/* dealer mailboxes */
    size_t  ntag[TAG_EXPIRED + 1];	/* bounce recipients by tag status */
    IN_RCPT_KIND last;			/* inmsg_rcpt()'s last answer */
    TAG_STATUS last_status;
    char    ref[TAG_REF_LEN + 1];	/* from the first valid tag */
    char   *text;			/* headers, blank line, body */
    size_t  len;
    size_t  cap;
    bool    in_body;
    bool    truncated;
    bool    auto_submitted;
    char    msgid[IN_SEED_MAX];
};

INMSG  *inmsg_new(void)
{
    return (calloc(1, sizeof(INMSG)));
}

void    inmsg_reset(INMSG *msg)
{
    msg->sender[0] = 0;
    msg->nbounce = msg->nother = 0;
    memset(msg->ntag, 0, sizeof(msg->ntag));
    msg->last = IN_RCPT_IGNORED;
    msg->ref[0] = 0;
    msg->len = 0;
    msg->in_body = msg->truncated = msg->auto_submitted = false;
    msg->msgid[0] = 0;
}

void    inmsg_free(INMSG *msg)
{
    if (msg) {
	free(msg->text);
	free(msg);
    }
}

void    inmsg_connect(INMSG *msg, const char *client_ip, bool local_submission)
{
    inmsg_reset(msg);
    msg->local_submission = local_submission;
    snprintf(msg->client_ip, sizeof(msg->client_ip), "%s", client_ip ? client_ip : "");
    msg->helo[0] = 0;
}

void    inmsg_helo(INMSG *msg, const char *helo)
{
    snprintf(msg->helo, sizeof(msg->helo), "%s", helo ? helo : "");
}

void    inmsg_mail(INMSG *msg, const char *sender)
{
    inmsg_reset(msg);
    addr_envelope_bare(sender ? sender : "", msg->sender, sizeof(msg->sender));
}

IN_RCPT_KIND inmsg_rcpt(INMSG *msg, const INBOUND_CONF *conf, const char *recipient,
		               long today, TAG_STATUS *status)
{
    char    bare[ADDR_ADDRESS_MAX + 3];
    ADDR    a;
    TAG     tag;

    msg->last = IN_RCPT_IGNORED;
    if (msg->nbounce + msg->nother >= IN_RCPT_MAX)
	return (IN_RCPT_IGNORED);
    addr_envelope_bare(recipient ? recipient : "", bare, sizeof(bare));
    if (addr_parse(bare, strlen(bare), &a) != 0 || a.reason != ADDR_OK)
	return (IN_RCPT_IGNORED);
    if (conf->bounce_domain == NULL || !*conf->bounce_domain
	|| strcasecmp(a.domain, conf->bounce_domain) != 0) {
	msg->nother++;
	return (msg->last = IN_RCPT_OTHER);
    }
    msg->nbounce++;
    if (strcasecmp(a.local, "postmaster") == 0 || strcasecmp(a.local, "abuse") == 0) {
	*status = TAG_MALFORMED;
	return (msg->last = IN_RCPT_BOUNCE_ROLE);
    }
    *status = conf->tag_keys && conf->tag_keys->nkeys > 0
	? tag_verify(conf->tag_keys, a.local, strlen(a.local), today, &tag)
	: TAG_UNKNOWN_KEY;
    msg->ntag[*status]++;
    msg->last_status = *status;
    if (*status == TAG_OK && !msg->ref[0])
	snprintf(msg->ref, sizeof(msg->ref), "%s", tag.ref);
    return (msg->last = IN_RCPT_BOUNCE);
}

void    inmsg_rcpt_drop(INMSG *msg)
{
    switch (msg->last) {
    case IN_RCPT_OTHER:
	msg->nother--;
	break;
    case IN_RCPT_BOUNCE:
	msg->ntag[msg->last_status]--;
	/* FALLTHROUGH */
    case IN_RCPT_BOUNCE_ROLE:
	msg->nbounce--;
	break;
    case IN_RCPT_IGNORED:
	break;
    }
    msg->last = IN_RCPT_IGNORED;
}

/* in_limit - the bytes of a report kept */

static size_t in_limit(const INBOUND_CONF *conf)
{
    return (conf->max_report < IN_TEXT_MIN ? IN_TEXT_MIN : conf->max_report);
}

/* in_append - add to the text, up to the limit; false when it is full */

static bool in_append(INMSG *msg, const INBOUND_CONF *conf, const char *data, size_t len)
{
    size_t  limit = in_limit(conf);

    if (msg->len + len > limit) {
	len = limit - msg->len;
	msg->truncated = true;
    }
    if (msg->len + len + 1 > msg->cap) {
	size_t  cap = msg->cap ? msg->cap : 4096;
	char   *more;

	while (cap < msg->len + len + 1)
	    cap *= 2;
	if (cap > limit + 1)
	    cap = limit + 1;
	if ((more = realloc(msg->text, cap)) == NULL) {
	    msg->truncated = true;
	    return (false);
	}
	msg->text = more;
	msg->cap = cap;
    }
    memcpy(msg->text + msg->len, data, len);
    msg->len += len;
    msg->text[msg->len] = 0;
    return (!msg->truncated);
}

/* in_trim - a header value without blanks around it, bounded */

static void in_trim(const char *value, char *buf, size_t size)
{
    size_t  n;

    while (*value == ' ' || *value == '\t' || *value == '\r' || *value == '\n')
	value++;
    snprintf(buf, size, "%s", value);
    n = strlen(buf);
    while (n > 0 && isspace((unsigned char) buf[n - 1]))
	buf[--n] = 0;
}

void    inmsg_header(INMSG *msg, const INBOUND_CONF *conf, const char *name,
		             const char *value)
{
    if (name == NULL || value == NULL || msg->in_body)
	return;
    if (strcasecmp(name, "Message-ID") == 0 && !msg->msgid[0])
	in_trim(value, msg->msgid, sizeof(msg->msgid));
    if (strcasecmp(name, "Auto-Submitted") == 0) {
	char    word[16];

	in_trim(value, word, sizeof(word));
	if (strncasecmp(word, "no", 2) != 0 || isalnum((unsigned char) word[2]))
	    msg->auto_submitted = true;
    }
    if (msg->truncated)
	return;
    (void) (in_append(msg, conf, name, strlen(name)) && in_append(msg, conf, ": ", 2)
	    && in_append(msg, conf, value, strlen(value)) && in_append(msg, conf, "\n", 1));
}

IN_ROLE inmsg_role(const INMSG *msg, const INBOUND_CONF *conf)
{
    if (msg->nbounce > 0)
	return (IN_REPORT);
    if (msg->sender[0] && conf->reply_proof && msg->nother > 0)
	return (IN_REPLY);
    return (IN_NONE);
}

bool    inmsg_body(INMSG *msg, const INBOUND_CONF *conf, const void *data, size_t len)
{
    if (msg->truncated)
	return (false);
    if (!msg->in_body) {
	msg->in_body = true;
	if (!in_append(msg, conf, "\n", 1))
	    return (false);
    }
    return (in_append(msg, conf, data, len));
}

/* in_hash_seed - "h:" and a 64-bit FNV-1a of the text */

static void in_hash_seed(const char *text, size_t len, char *buf, size_t size)
{
    uint64_t h = 14695981039346656037ULL;

    for (size_t i = 0; i < len; i++) {
	h ^= (unsigned char) text[i];
	h *= 1099511628211ULL;
    }
    snprintf(buf, size, "h:%016llx", (unsigned long long) h);
}

/* in_worse - the tag status more worth reporting */

static TAG_STATUS in_worse(TAG_STATUS a, TAG_STATUS b)
{
    static const int rank[] = {
	[TAG_OK] = 4, [TAG_EXPIRED] = 3, [TAG_BAD_MAC] = 2, [TAG_UNKNOWN_KEY] = 1,
	[TAG_MALFORMED] = 0,
    };

    return (rank[b] > rank[a] ? b : a);
}

/* in_report_tag - which letter a report is about */

static void in_report_tag(const INMSG *msg, const INBOUND_CONF *conf, long today,
			          IN_PLAN *plan)
{
    TAG_STATUS best = TAG_MALFORMED;
    bool    seen = false;
    TAG     tag;

    plan->tag_source = "none";
    if (msg->ref[0]) {
	snprintf(plan->ref, sizeof(plan->ref), "%s", msg->ref);
	plan->tag = IN_TAG_OK;
	plan->tag_status = TAG_OK;
	plan->tag_source = "envelope";
	return;
    }
    for (int s = TAG_MALFORMED; s <= TAG_EXPIRED; s++)
	if (msg->ntag[s] > 0) {
	    best = in_worse(best, (TAG_STATUS) s);
	    seen = true;
	}
    if (plan->report.tag[0]) {
	TAG_STATUS st = conf->tag_keys && conf->tag_keys->nkeys > 0
	    ? tag_verify(conf->tag_keys, plan->report.tag, strlen(plan->report.tag), today,
			 &tag) : TAG_UNKNOWN_KEY;

	if (st == TAG_OK) {
	    snprintf(plan->ref, sizeof(plan->ref), "%s", tag.ref);
	    plan->tag = IN_TAG_OK;
	    plan->tag_status = TAG_OK;
	    plan->tag_source = "report";
	    return;
	}
	best = seen ? in_worse(best, st) : st;
	seen = true;
	plan->tag_source = "report";
    } else if (seen)
	plan->tag_source = "envelope";
    plan->tag_status = best;
    plan->tag = !seen || best == TAG_MALFORMED ? IN_TAG_NONE
	: best == TAG_EXPIRED ? IN_TAG_EXPIRED : IN_TAG_BAD;
}

/* in_domain - the domain of an address key, or "" */

static const char *in_domain(const char *key)
{
    const char *at = strrchr(key, '@');

    return (at ? at + 1 : "");
}

/* in_reply - what a reply proves, and for whom */

static void in_reply(const INMSG *msg, IN_PLAN *plan)
{
    char    from[ADDR_ADDRESS_MAX + 1];

    plan->reply_kind = EV_SENT;
    if (plan->report.kind == REPORT_AUTOREPLY)
	plan->reply_kind = EV_AUTOREPLY;
    else if (plan->report.kind == REPORT_MESSAGE && !msg->auto_submitted)
	plan->reply_kind = EV_REPLY;
    if (plan->reply_kind == EV_SENT)
	return;
    inbound_key(msg->sender, plan->cand[0], sizeof(plan->cand[0]));
    if (strchr(plan->cand[0], '@') == NULL)
	return;
    plan->ncand = 1;
    inbound_key(plan->report.from, from, sizeof(from));
    if (from[0] && strcmp(from, plan->cand[0]) != 0
	&& strcasecmp(in_domain(from), in_domain(plan->cand[0])) == 0) {
	snprintf(plan->cand[1], sizeof(plan->cand[1]), "%s", from);
	plan->ncand = 2;
    }
}

int     inmsg_eom(INMSG *msg, const INBOUND_CONF *conf, long today, IN_PLAN *plan)
{
    memset(plan, 0, sizeof(*plan));
    plan->tag_source = "none";
    plan->reply_kind = EV_SENT;
    if ((plan->role = inmsg_role(msg, conf)) == IN_NONE)
	return (0);
    if (!msg->in_body)
	(void) inmsg_body(msg, conf, "", 0);		/* the blank line */
    if (report_parse(msg->text ? msg->text : "", msg->len, &plan->report) != REPORT_OK) {
	report_free(&plan->report);
	return (-1);
    }
    plan->truncated = msg->truncated;
    if (msg->msgid[0])
	snprintf(plan->seed, sizeof(plan->seed), "%s", msg->msgid);
    else
	in_hash_seed(msg->text ? msg->text : "", msg->len, plan->seed, sizeof(plan->seed));
    if (plan->role == IN_REPORT)
	in_report_tag(msg, conf, today, plan);
    else
	in_reply(msg, plan);
    return (0);
}

void    inplan_free(IN_PLAN *plan)
{
    report_free(&plan->report);
}

const char *inmsg_sender(const INMSG *msg)
{
    return (msg->sender);
}

const char *inmsg_helo_name(const INMSG *msg)
{
    return (msg->helo);
}

const char *inmsg_client_ip(const INMSG *msg)
{
    return (msg->client_ip);
}

bool    inmsg_local_submission(const INMSG *msg)
{
    return (msg->local_submission);
}

size_t  inmsg_bounce_rcpts(const INMSG *msg)
{
    return (msg->nbounce);
}

const char *in_role_name(IN_ROLE role)
{
    switch (role) {
    case IN_NONE:
	return ("none");
    case IN_REPORT:
	return ("report");
    case IN_REPLY:
	return ("reply");
    }
    return ("?");
}

const char *in_tag_name(IN_TAG tag)
{
    switch (tag) {
    case IN_TAG_NONE:
	return ("none");
    case IN_TAG_OK:
	return ("ok");
    case IN_TAG_BAD:
	return ("bad");
    case IN_TAG_EXPIRED:
	return ("expired");
    }
    return ("?");
}

/* inbound_parse_size - "1m", "512k", "65536": bytes */

int     inbound_parse_size(const char *text, size_t *out)
{
    unsigned long long n = 0, unit = 1;
    const char *cp = text;

    if (text == NULL || !isdigit((unsigned char) *cp))
	return (-1);
    for (; isdigit((unsigned char) *cp); cp++) {
	n = n * 10 + (unsigned) (*cp - '0');
	if (n > (1ULL << 40))
	    return (-1);
    }
    switch (tolower((unsigned char) *cp)) {
    case 0:
	break;
    case 'k':
	unit = 1024;
	break;
    case 'm':
	unit = 1024 * 1024;
	break;
    case 'g':
	unit = 1024 * 1024 * 1024;
	break;
    default:
	return (-1);
    }
    if (*cp && cp[1] && !(tolower((unsigned char) cp[1]) == 'b' && cp[2] == 0))
	return (-1);
    if (n * unit > (size_t) -1 / 2)
	return (-1);
    *out = (size_t) (n * unit);
    return (0);
}
