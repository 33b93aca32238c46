/*++
 * NAME
 *	reason 3
 * SUMMARY
 *	why a delivery failed: Sisimai's reason names, hard or soft
 * SYNOPSIS
 *	#include "reason.h"
 *
 *	const char *reason_classify(const REASON_INPUT *in)
 *	bool	reason_is_hard(const char *reason, const char *status,
 *				int reply_code)
 * DESCRIPTION
 *	reason_classify() names why one recipient's delivery failed, with
 *	the reason names of Sisimai (userunknown, mailboxfull, blocked,
 *	...), from what the report said about that recipient: its DSN
 *	action, its RFC 3463 status, its SMTP reply code and the MTA's
 *	diagnostic text.  What it knows is data (reason_table.c); what the
 *	text says is read by reason_text.c and reason_sieve.c; this file
 *	decides, in this order:
 *
 *	1. The report's kind and action: a complaint is "feedback", an
 *	   auto-reply "vacation", a delivered or relayed (or expanded)
 *	   recipient "delivered"; so is a 2.x.x status without a failed or
 *	   delayed action.
 *
 *	2. The text, normalised once (lower-case ASCII and Cyrillic, one
 *	   space for any run of white space, typographic quotes as ASCII),
 *	   is looked at for a provider's documented numbered code
 *	   (reason_codes: Spectrum's "AUP#In-1310"), which names the reason
 *	   outright, and, when the recipient or the remote MTA is one of
 *	   theirs, for a provider's own wording (reason_provider.c: au's
 *	   "550 : User unknown"); else it is matched against the phrase table in its
 *	   order; the first firm phrase found is the text's reason, else the
 *	   first weak one.  One pass over the text first rules out the
 *	   patterns that cannot match (reason_marks()); only the others are
 *	   tested.
 *
 *	3. The status: the one given, or, when none or only a generic
 *	   x.0.0 is given, the status the text quotes: the first after an
 *	   SMTP reply code ("550 5.1.1 ...", the server's own), else the
 *	   first at all ("(#5.2.2)").  Its table row is the status's reason.  And
 *	   the SMTP stage: the command the caller names, or the one the
 *	   text names ("in reply to RCPT TO command", "after end of data").
 *
 *	4. Who wins:
 *	   - a status that says the mailbox exists (x.2.x) wins over a
 *	     text naming a hard reason, unless that text is a firm "user
 *	     unknown" answered to RCPT TO;
 *	   - a recipient's phrase (user or domain unknown) said to MAIL FROM
 *	     is about the sender: "rejected";
 *	   - a firm phrase wins over the status;
 *	   - with no firm phrase, a refusal at the connection or HELO is
 *	     "blocked", at MAIL FROM "rejected" (nothing was said about the
 *	     recipient yet);
 *	   - a decisive status (5.1.1, 5.2.2, 5.7.x, ...) wins over a weak
 *	     phrase (one MTAs also use for other things: "mailbox
 *	     unavailable", "recipient address rejected", "access denied");
 *	   - then the weak phrase (a reply prefix such as "recipient
 *	     address rejected" only when the reply says no more after it);
 *	     then "expired" for a delayed recipient;
 *	     then a status hint; then the reply code's row; then "onhold"
 *	     when there was a text we did not understand, "undefined" when
 *	     there was nothing to go on.
 *	   Thus a policy or reputation block (5.7.x) becomes a hard reason
 *	   only when its text plainly says that the user does not exist.
 *
 *	5. A "user unknown" text is hard only when corroborated: by an x.1.x
 *	   status (or x.5.x, not to DATA), or by the reply having answered
 *	   RCPT TO.  Said to DATA without x.1.x (the recipient had been
 *	   accepted) or with nothing to show which command it answered, it
 *	   is "filtered": gateways and mobile carriers word content refusals
 *	   that way.
 *
 *	6. A delayed recipient never gets a hard reason: the MTA is still
 *	   trying, so "user unknown" then is a temporary lookup failure
 *	   ("expired" instead).
 *
 *	The text is read up to REASON_NORM_MAX bytes; any bytes (not UTF-8,
 *	NUL-free) are safe.  Nothing is allocated; the result is static.
 *
 *	reason_is_hard() says whether a reason is a hard bounce, i.e.
 *	evidence that the address does not work: userunknown, hostunknown,
 *	hasmoved, and notaccept when its status or reply code is permanent
 *	(5.x.x, 5xx; a null MX).  Everything else (full, blocked, policy,
 *	spam, expired, ...) is soft: it says nothing about the address.
 * DIAGNOSTICS
 *	None: a NULL or empty input gives "undefined".
 *--*/

#include "config.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "reason.h"
#include "reason_int.h"

/* status_row - the table's row for a status, or NULL */

static const REASON_STATUS *status_row(const REASON_STATUS3 *st)
{
    if (st->cls == 0)
	return (0);
    for (size_t i = 0; i < reason_status_count; i++) {
	const REASON_STATUS *r = reason_statuses + i;

	if ((r->cls == 0 || r->cls == st->cls) && r->subject == st->subject
	    && (r->detail < 0 || r->detail == st->detail
		|| (st->detail >= r->detail && st->detail <= r->detail_last)))
	    return (r);
    }
    return (0);
}

/* status_prefix - is the status "5.4.1" (exact) or under "5.7." (prefix) */

static bool status_prefix(const REASON_STATUS3 *st, const char *prefix)
{
    char    buf[16];
    size_t  n = strlen(prefix);

    if (st->cls == 0)
	return (false);
    snprintf(buf, sizeof(buf), "%d.%d.%d", st->cls, st->subject, st->detail);
    if (n > 0 && prefix[n - 1] == '.')
	return (strncmp(buf, prefix, n) == 0);
    return (strcmp(buf, prefix) == 0);
}

/*
 * says_no_more - after a prefix phrase ("recipient address rejected"),
 * does the reply end, or go on only with punctuation, a bracketed tag
 * or an "(in reply to ...)" note?  A ":" or "-" and words after it are
 * the server's own reason, which the prefix must not stand for.
 */
static bool says_no_more(const char *text, const char *pat)
{
    const char *hit = strstr(text, pat), *cp;

    if (hit == 0)
	return (false);
    for (cp = hit + strlen(pat); *cp == ' ' || *cp == '.' || *cp == ';' || *cp == ','; cp++)
	 /* void */ ;
    if (*cp == ':' || *cp == '-') {
	for (cp++; *cp == ' '; cp++)
	     /* void */ ;
	return (*cp == 0 || *cp == '[' || *cp == '(');
    }
    return (true);
}

/* phrase_row - the first firm phrase the text matches, else the first weak */

static const REASON_PHRASE *phrase_row(const char *text, size_t tlen, const REASON_STATUS3 *st,
				               const REASON_MARKS *marks)
{
    const REASON_PHRASE *weak = 0;

    if (tlen == 0)
	return (0);
    for (size_t i = reason_next_marked(marks, REASON_MARK_PHRASE, 0); i < reason_phrase_count;
	 i = reason_next_marked(marks, REASON_MARK_PHRASE, i + 1)) {
	const REASON_PHRASE *p = reason_phrases + i;

	bool    is_weak = p->strength == REASON_WEAK || p->strength == REASON_PREFIX;

	if (weak && is_weak)
	    continue;
	if (p->status && !status_prefix(st, p->status))
	    continue;
	if (reason_pattern_match(text, tlen, p->phrase)) {
	    if (!is_weak)
		return (p);
	    if (p->strength == REASON_PREFIX && !says_no_more(text, p->phrase))
		continue;
	    weak = p;
	}
    }
    return (weak);
}

/*
 * code_row - the reason of a provider's documented numbered code in the
 * text ("aup#in-1310"), or NULL.  Each marker is looked for once.
 */
static const char *code_row(const char *text, const REASON_MARKS *marks)
{
    const char *prev = 0, *hit = 0;

    for (size_t i = 0; i < reason_code_count; i++) {
	const REASON_CODE *c = reason_codes + i;
	const char *cp;
	int     n = 0, digits = 0;

	if (prev == 0 || strcmp(prev, c->marker) != 0) {
	    prev = c->marker;
	    hit = reason_next_marked(marks, REASON_MARK_CODE, i) == i ? strstr(text, c->marker) : 0;
	}
	if (hit == 0)
	    continue;
	for (cp = hit + strlen(c->marker); (*cp >= 'a' && *cp <= 'z') || *cp == '-'; cp++)
	     /* void */ ;
	for (; *cp >= '0' && *cp <= '9' && digits < 6; cp++, digits++)
	    n = n * 10 + (*cp - '0');
	if (digits > 0 && n >= c->low && n <= c->high)
	    return (c->reason);
    }
    return (0);
}

/* reply_row - the table's reason for a reply code, or NULL */

static const char *reply_row(int code)
{
    for (size_t i = 0; i < reason_reply_count; i++)
	if (reason_replies[i].code == code)
	    return (reason_replies[i].reason);
    for (size_t i = 0; i < reason_reply_count; i++)
	if (reason_replies[i].code == code / 100 * 100)
	    return (reason_replies[i].reason);
    return (0);
}

/* stage_of - the SMTP stage the caller or the text says the reply answered */

static REASON_STAGE stage_of(const char *command, const char *text,
			              const REASON_MARKS *marks)
{
    static const struct {
	const char *name;
	REASON_STAGE stage;
    } commands[] = {
	{"CONN", REASON_STAGE_CONN}, {"HELO", REASON_STAGE_HELO},
	{"EHLO", REASON_STAGE_HELO}, {"MAIL", REASON_STAGE_MAIL},
	{"RCPT", REASON_STAGE_RCPT}, {"DATA", REASON_STAGE_DATA},
    };
    REASON_STAGE stage = REASON_STAGE_NONE;
    const char *first = 0, *hit;

    if (command && *command) {
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
	    if (strncasecmp(command, commands[i].name, 4) == 0)
		return (commands[i].stage);
    }

    for (size_t i = reason_next_marked(marks, REASON_MARK_STAGE, 0); i < reason_stage_count;
	 i = reason_next_marked(marks, REASON_MARK_STAGE, i + 1)) {
	if ((hit = strstr(text, reason_stages[i].phrase)) != 0
	    && (first == 0 || hit < first)) {
	    first = hit;
	    stage = reason_stages[i].stage;
	}
    }
    return (stage);
}

/*
 * corroborated - a "user unknown" text is a hard verdict only when the
 * status says so too (x.1.x; or x.5.x, a refused command, unless that was
 * DATA) or the reply answered RCPT TO; said to DATA, or with no sign of
 * the command, it is a filter's answer ("filtered"), as gateways and
 * carriers word their content refusals that way.  A sure phrase is the
 * reporting system's own directory verdict and needs no corroboration.
 */
static const char *corroborated(const REASON_PHRASE *ph, REASON_STAGE stage,
				         const REASON_STATUS3 *st)
{
    const char *reason = ph->reason;

    if (strcmp(reason, "userunknown") != 0 || ph->strength == REASON_SURE)
	return (reason);
    if (stage == REASON_STAGE_RCPT || (st->cls && st->subject == 1))
	return (reason);
    if (stage != REASON_STAGE_DATA && st->cls && st->subject == 5)
	return (reason);
    return ("filtered");
}

/* classify - steps 2 to 5 of the description */

static const char *classify(const REASON_INPUT *in, const char *text, size_t tlen)
{
    REASON_STATUS3 st = {0, 0, 0};
    const REASON_PHRASE *ph;
    const REASON_STATUS *sr;
    REASON_STAGE stage;
    const char *r;
    int     reply = in->reply_code;
    bool    firm;
    REASON_MARKS marks;

    if (in->status == 0 || !reason_status_at(in->status, &st) || (st.subject == 0 && st.detail == 0)) {
	REASON_STATUS3 quoted;

	if (reason_status_in_text(text, &quoted) && (quoted.subject != 0 || quoted.detail != 0))
	    st = quoted;
    }
    if (st.cls == 2 && in->action != REPORT_ACTION_FAILED
	&& in->action != REPORT_ACTION_DELAYED)
	return ("delivered");
    reason_marks(text, tlen, &marks);
    if ((r = code_row(text, &marks)) != 0)
	return (r);
    if ((r = reason_provider_row(in->recipient, in->remote_mta, text)) != 0)
	return (r);
    ph = phrase_row(text, tlen, &st, &marks);
    sr = status_row(&st);
    stage = stage_of(in->command, text, &marks);
    firm = (ph && ph->strength != REASON_WEAK && ph->strength != REASON_PREFIX);

    /*
     * Refused at MAIL FROM, before any recipient was named: "no such
     * domain", "unknown user" there are about the sender.
     */
    if (stage == REASON_STAGE_MAIL && ph && reason_is_hard(ph->reason, "5", 0))
	return ("rejected");

    /*
     * x.2.x: the mailbox exists, whatever the text says about the user;
     * unless the text is a plain "user unknown" to RCPT TO, where the
     * status was ill chosen.
     */
    if (sr && sr->strength == REASON_EXISTS && ph && reason_is_hard(ph->reason, "5", 0)
	&& !(firm && stage == REASON_STAGE_RCPT))
	return (sr->reason);
    if (firm)
	return (corroborated(ph, stage, &st));
    /* refused before any recipient was named: the host or the sender */
    if (stage == REASON_STAGE_CONN || stage == REASON_STAGE_HELO)
	return ("blocked");
    if (stage == REASON_STAGE_MAIL)
	return ("rejected");
    if (sr && sr->strength == REASON_DECISIVE)
	return (sr->reason);
    if (ph)
	return (corroborated(ph, stage, &st));
    if (in->action == REPORT_ACTION_DELAYED)
	return ("expired");
    if (sr)
	return (sr->reason);
    if (reply < 200 || reply > 599)
	reply = reason_reply_in_text(text);
    if (reply && (r = reply_row(reply)) != 0)
	return (r);
    return (tlen ? "onhold" : "undefined");
}

/* reason_classify - name the reason of one recipient's report */

const char *reason_classify(const REASON_INPUT *in)
{
    char    text[REASON_NORM_MAX];
    size_t  tlen;
    const char *r;

    if (in == 0)
	return ("undefined");
    if (in->kind == REPORT_COMPLAINT)
	return ("feedback");
    if (in->kind == REPORT_AUTOREPLY)
	return ("vacation");
    if (in->action == REPORT_ACTION_DELIVERED || in->action == REPORT_ACTION_RELAYED
	|| in->action == REPORT_ACTION_EXPANDED)
	return ("delivered");
    tlen = reason_norm(in->diagnostic ? in->diagnostic : "", text, sizeof(text));
    r = classify(in, text, tlen);
    if (in->action == REPORT_ACTION_DELAYED && reason_is_hard(r, in->status, in->reply_code))
	r = "expired";
    return (r);
}

/* reason_is_hard - a hard bounce: the address does not work */

bool    reason_is_hard(const char *reason, const char *status, int reply_code)
{
    if (reason == 0)
	return (false);
    if (strcmp(reason, "userunknown") == 0 || strcmp(reason, "hostunknown") == 0
	|| strcmp(reason, "hasmoved") == 0)
	return (true);
    if (strcmp(reason, "notaccept") == 0)
	return ((status && status[0] == '5') || (reply_code >= 500 && reply_code < 600));
    return (false);
}
