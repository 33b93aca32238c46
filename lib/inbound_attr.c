/*++
 * NAME
 *	inbound_attr 3
 * SUMMARY
 *	which recipient of our letter a report is about, and what it says
 * SYNOPSIS
 *	#include "inbound.h"
 *
 *	int	in_letter_add(void *letter, const char *address,
 *				const char *department, const char *owner,
 *				const char *event, const char *contact)
 *	void	in_letter_free(IN_LETTER *letter)
 *	bool	inbound_policy_reason(const char *reason)
 *	bool	inbound_kind(REPORT_KIND kind, const REPORT_RCPT *rcpt,
 *				EV_KIND *out)
 *	int	inbound_evidence(const REPORT *report, const char *ref,
 *				const IN_LETTER *letter, const char *seed,
 *				time_t now, IN_RESULT *result)
 *	void	inbound_result_free(IN_RESULT *result)
 *	void	inbound_reply_item(const IN_PLAN *plan, const char *address,
 *				time_t now, EVIDENCE *ev)
 *	void	inbound_key(const char *address, char *key, size_t size)
 * DESCRIPTION
 *	inbound_evidence() is the attribution: a pure function of a parsed
 *	report (report_parse()), the recipients of the letter its verified
 *	tag names (read by the caller with store_message(), collected with
 *	in_letter_add(), which has the STORE_MESSAGE_FN signature) and the
 *	time.  A customer who got one of our letters knows its tag and could
 *	forge a report naming anybody, so an address gets evidence only when
 *	it was a recipient of that letter.  An entry of the report is
 *	matched, case-folded, by its Final-Recipient, then its
 *	Original-Recipient, and for auto-replies and messages also by the
 *	author (From:).  When the letter had exactly one recipient and the
 *	report names one address that does not match (an alias or a forward
 *	rewrote it) or none at all, it is about that recipient.  Any other
 *	entry is dropped and counted (result->dropped, the first in
 *	result->dropped_first, for the log).
 *
 *	inbound_kind() is the table from a report's entry to an evidence
 *	kind; false when the entry says nothing (a DSN "expanded", an
 *	unknown report):
 * .nf
 *	DSN failed    hard                   EV_BOUNCE_HARD
 *	              a policy reason        EV_BOUNCE_POLICY
 *	              any other              EV_BOUNCE_SOFT
 *	DSN delayed                          EV_BOUNCE_SOFT
 *	DSN delivered, relayed               EV_DELIVERED
 *	complaint                            EV_COMPLAINT
 *	auto-reply                           EV_AUTOREPLY
 *	message                              EV_REPLY
 * .fi
 *	A DSN entry without an action (a bounce written for people) is a
 *	failure.  inbound_policy_reason() says whether a reason (Sisimai's
 *	names) is one that tells nothing about the address: the sender was
 *	blocked, the content refused, a limit hit.
 *
 *	Each item carries the reference, status, reply code, reason (the
 *	feedback type for a complaint), remote MTA and diagnostic, and the
 *	department, owner, event and contact the letter was sent with.  Its
 *	id is derived from the reference, the address, the kind, the status,
 *	the reason and the seed (the report's Message-ID, or a hash of it),
 *	so that a report delivered twice is applied once.  One item at most
 *	per address and kind.
 *
 *	inbound_reply_item() makes the evidence of a reply (EV_REPLY or
 *	EV_AUTOREPLY, plan->reply_kind) for one address.  inbound_key() is
 *	the storage key of an address (addr_parse()), or, when it does not
 *	parse, its text in lower case: how addresses are compared.
 * MEMORY
 *	inbound_result_free() frees result->items; in_letter_free() the
 *	letter's recipients.
 * DIAGNOSTICS
 *	inbound_evidence() returns 0, or -1 when memory is short (the
 *	result is then empty).  in_letter_add() returns 0 and sets
 *	letter->nomem when memory is short.
 *--*/

#include "config.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "inbound.h"

int     in_letter_add(void *ctx, const char *address, const char *department,
		              const char *owner, const char *event, const char *contact)
{
    IN_LETTER *letter = (IN_LETTER *) ctx;
    IN_LETTER_RCPT *r;

    if (letter->n == letter->cap) {
	size_t  cap = letter->cap ? letter->cap * 2 : 4;
	IN_LETTER_RCPT *more = realloc(letter->rcpt, cap * sizeof(*more));

	if (more == NULL) {
	    letter->nomem = true;
	    return (1);
	}
	letter->rcpt = more;
	letter->cap = cap;
    }
    r = letter->rcpt + letter->n++;
    memset(r, 0, sizeof(*r));
    snprintf(r->address, sizeof(r->address), "%s", address ? address : "");
    snprintf(r->department, sizeof(r->department), "%s", department ? department : "");
    snprintf(r->owner, sizeof(r->owner), "%s", owner ? owner : "");
    snprintf(r->event, sizeof(r->event), "%s", event ? event : "");
    snprintf(r->contact, sizeof(r->contact), "%s", contact ? contact : "");
    return (0);
}

void    in_letter_free(IN_LETTER *letter)
{
    free(letter->rcpt);
    memset(letter, 0, sizeof(*letter));
}

/* Reasons that say nothing about the address itself. */
static const char *const policy_reasons[] = {
    "authfailure", "badreputation", "blocked", "contenterror", "exceedlimit", "failedstarttls",
    "mesgtoobig", "norelaying", "notcompliantrfc", "policyviolation", "rejected",
    "requireptr", "securityerror", "spamdetected", "speeding", "syntaxerror",
    "toomanyconn", "virusdetected",
};

bool    inbound_policy_reason(const char *reason)
{
    for (size_t i = 0; reason && i < sizeof(policy_reasons) / sizeof(policy_reasons[0]); i++)
	if (strcmp(reason, policy_reasons[i]) == 0)
	    return (true);
    return (false);
}

bool    inbound_kind(REPORT_KIND kind, const REPORT_RCPT *rcpt, EV_KIND *out)
{
    switch (kind) {
    case REPORT_DSN:
	switch (rcpt->action) {
	case REPORT_ACTION_NONE:
	case REPORT_ACTION_FAILED:
	    *out = rcpt->hard ? EV_BOUNCE_HARD
		: inbound_policy_reason(rcpt->reason) ? EV_BOUNCE_POLICY : EV_BOUNCE_SOFT;
	    return (true);
	case REPORT_ACTION_DELAYED:
	    *out = EV_BOUNCE_SOFT;
	    return (true);
	case REPORT_ACTION_DELIVERED:
	case REPORT_ACTION_RELAYED:
	    *out = EV_DELIVERED;
	    return (true);
	default:
	    return (false);
	}
    case REPORT_COMPLAINT:
	*out = EV_COMPLAINT;
	return (true);
    case REPORT_AUTOREPLY:
	*out = EV_AUTOREPLY;
	return (true);
    case REPORT_MESSAGE:
	*out = EV_REPLY;
	return (true);
    default:
	return (false);
    }
}

/* inbound_key - the storage key of an address, or its lower-case text */

void    inbound_key(const char *text, char *key, size_t size)
{
    ADDR    a;
    size_t  i;

    if (text && *text && addr_parse(text, strlen(text), &a) == 0 && a.reason == ADDR_OK) {
	snprintf(key, size, "%s", a.key);
	return;
    }
    for (i = 0; text && text[i] && i + 1 < size; i++)
	key[i] = (char) tolower((unsigned char) text[i]);
    key[i] = 0;
}

/* attr_find - the letter's recipient with this address, or NULL */

static const IN_LETTER_RCPT *attr_find(const IN_LETTER *letter, const char *text)
{
    char    key[ADDR_ADDRESS_MAX + 1];

    if (text == NULL || !*text)
	return (NULL);
    inbound_key(text, key, sizeof(key));
    for (size_t i = 0; i < letter->n; i++) {
	char    lkey[ADDR_ADDRESS_MAX + 1];

	inbound_key(letter->rcpt[i].address, lkey, sizeof(lkey));
	if (strcmp(key, lkey) == 0)
	    return (letter->rcpt + i);
    }
    return (NULL);
}

/* attr_named - how many distinct addresses the report names */

static int attr_named(const REPORT *report)
{
    int     n = 0;

    for (int i = 0; i < report->nrcpt; i++)
	if (report->rcpt[i].address[0] || report->rcpt[i].original[0])
	    n++;
    return (n);
}

/* attr_item - one evidence item for a recipient of the letter */

static void attr_item(EVIDENCE *ev, EV_KIND kind, const REPORT *report,
		              const REPORT_RCPT *rc, const IN_LETTER_RCPT *lr, const char *ref,
		              const char *seed, time_t now)
{
    char    id_seed[512];
    const char *reason = rc->reason;

    if (kind == EV_COMPLAINT)
	reason = report->feedback_type[0] ? report->feedback_type
	    : rc->reason[0] ? rc->reason : "feedback";
    evidence_init(ev, kind, now, lr->address);
    EVIDENCE_SET(ev, msgref, ref);
    EVIDENCE_SET(ev, status, rc->status);
    ev->reply_code = rc->reply_code;
    EVIDENCE_SET(ev, reason, reason);
    EVIDENCE_SET(ev, mta, rc->remote_mta);
    EVIDENCE_SET(ev, text, rc->diagnostic);
    EVIDENCE_SET(ev, department, lr->department);
    EVIDENCE_SET(ev, owner, lr->owner);
    EVIDENCE_SET(ev, event, lr->event);
    EVIDENCE_SET(ev, contact, lr->contact);
    snprintf(id_seed, sizeof(id_seed), "in|%s|%s|%s|%s|%s|%s", ref, lr->address,
	     evidence_kind_name(kind), rc->status, reason, seed ? seed : "");
    evidence_make_id(ev, id_seed);
}

/* attr_have - an item for this address and kind already? */

static bool attr_have(const IN_RESULT *res, const char *address, EV_KIND kind)
{
    for (size_t i = 0; i < res->nitems; i++)
	if (res->items[i].kind == kind && strcmp(res->items[i].address, address) == 0)
	    return (true);
    return (false);
}

/* attr_drop - count an entry that is about nobody of the letter */

static void attr_drop(IN_RESULT *res, const REPORT_RCPT *rc)
{
    res->dropped++;
    if (!res->dropped_first[0])
	snprintf(res->dropped_first, sizeof(res->dropped_first), "%s",
		 rc->address[0] ? rc->address : rc->original[0] ? rc->original : "?");
}

int     inbound_evidence(const REPORT *report, const char *ref, const IN_LETTER *letter,
			         const char *seed, time_t now, IN_RESULT *res)
{
    REPORT_RCPT none;
    const REPORT_RCPT *rcpts = report->rcpt;
    int     nrcpt = report->nrcpt;
    bool    author = report->kind == REPORT_AUTOREPLY || report->kind == REPORT_MESSAGE;
    bool    single = letter->n == 1 && attr_named(report) <= 1;

    memset(res, 0, sizeof(*res));
    if (nrcpt == 0 || rcpts == NULL) {
	/* A complaint or reply naming nobody (redacted) may still be ours. */
	if (report->kind != REPORT_COMPLAINT && !author)
	    return (0);
	memset(&none, 0, sizeof(none));
	rcpts = &none;
	nrcpt = 1;
    }
    if ((res->items = calloc((size_t) nrcpt, sizeof(EVIDENCE))) == NULL)
	return (-1);
    for (int i = 0; i < nrcpt; i++) {
	const REPORT_RCPT *rc = rcpts + i;
	const IN_LETTER_RCPT *lr;
	EV_KIND kind;

	if (!inbound_kind(report->kind, rc, &kind)) {
	    res->ignored++;
	    continue;
	}
	if ((lr = attr_find(letter, rc->address)) == NULL
	    && (lr = attr_find(letter, rc->original)) == NULL
	    && (!author || (lr = attr_find(letter, report->from)) == NULL)) {
	    if (!single) {
		attr_drop(res, rc);
		continue;
	    }
	    lr = letter->rcpt;				/* alias, forward, redacted */
	}
	if (attr_have(res, lr->address, kind))
	    continue;
	attr_item(res->items + res->nitems++, kind, report, rc, lr, ref, seed, now);
    }
    return (0);
}

void    inbound_result_free(IN_RESULT *res)
{
    free(res->items);
    res->items = NULL;
    res->nitems = 0;
}

void    inbound_reply_item(const IN_PLAN *plan, const char *address, time_t now,
			           EVIDENCE *ev)
{
    char    id_seed[512];

    evidence_init(ev, plan->reply_kind, now, address);
    if (plan->reply_kind == EV_AUTOREPLY)
	EVIDENCE_SET(ev, reason, "vacation");
    snprintf(id_seed, sizeof(id_seed), "reply|%s|%s|%s", address,
	     evidence_kind_name(plan->reply_kind), plan->seed);
    evidence_make_id(ev, id_seed);
}
