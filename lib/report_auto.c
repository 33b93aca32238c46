/*++
 * NAME
 *	report_auto 3
 * SUMMARY
 *	is it a bounce, an auto-reply, or a person's message?
 * SYNOPSIS
 *	#include "report_int.h"
 *
 *	bool	report_bounce_like(REPORT_CTX *ctx)
 *	bool	report_auto_detect(REPORT_CTX *ctx)
 *
 *	bool	report_list_notice(REPORT_CTX *ctx)
 * DESCRIPTION
 *	report_bounce_like() says whether a message without a
 *	machine-readable report still looks like a delivery report: it
 *	comes from a mailer daemon or postmaster, has a bounce's subject,
 *	an X-Failed-Recipients header, or a bounce's wording in its first
 *	lines together with a sign of machine mail (Auto-Submitted, a null
 *	Return-Path).  A person's message that merely says "could not be
 *	delivered" is not a bounce.
 *
 *	report_auto_detect() says whether a message is an auto-reply (RFC
 *	3834 "Auto-Submitted: auto-replied", X-Autoreply and similar
 *	headers, "Precedence: auto_reply", or an auto-reply's subject in
 *	English, Russian or another usual language) and, if so, makes it
 *	REPORT_AUTOREPLY with its author as the one recipient, reason
 *	"vacation".  An Apple Mail unsubscribe request (X-Apple-Unsubscribe)
 *	is a complaint of type opt-out.  Call it only for messages that
 *	are not bounces: MTAs mark their bounces auto-replied too.
 *
 *	report_list_notice() says whether the message is a mailing-list
 *	manager's own notice about a post (fml's X-MLServer header and a
 *	sender that is the list's -admin, -owner or -request address);
 *	report_bounce_like() counts such a notice as a bounce.
 *--*/

#include "config.h"

#include <string.h>

#include "report_int.h"
#include "report_pat.h"

#define BOUNCE_HEAD_BYTES	4096	/* text looked at for a bounce's wording */

/* head_line_match - a phrase of table in the first lines of text */

static bool head_line_match(const char *text, size_t len, const char *const *table)
{
    const char *cp = text, *end = text + (len < BOUNCE_HEAD_BYTES ? len : BOUNCE_HEAD_BYTES);
    char    lower[REPORT_LINE_MAX + 1];

    /* join two lines at a time: phrases are often broken across lines */
    while (cp < end) {
	const char *eol = memchr(cp, '\n', (size_t) (end - cp));
	const char *eol2;

	if (eol == NULL)
	    eol = end;
	eol2 = eol < end ? memchr(eol + 1, '\n', (size_t) (end - eol - 1)) : NULL;
	if (eol2 == NULL)
	    eol2 = end;
	report_lower_utf8(lower, sizeof(lower), cp, (size_t) (eol2 - cp));
	for (char *p = lower; *p; p++)
	    if (*p == '\n')
		*p = ' ';
	if (report_pat_match(lower, table) >= 0)
	    return (true);
	cp = eol + 1;
    }
    return (false);
}

/*
 * report_list_notice - a mailing-list manager's own notice about a post
 * (fml: "You are not a member of this mailing list <list>", "Duplicated
 * Message-ID in <list>"): fml marks its mail X-MLServer, and its notices
 * come from the list's administrative address ("list-admin@",
 * "-owner", "-request", "owner-list@"), where posts come from their
 * authors.  The list that refused the post is named in the notice.
 */
bool    report_list_notice(REPORT_CTX *ctx)
{
    static const char *const admin[] = {"-admin@", "-owner@", "-request@"};
    const char *at;
    size_t  vlen;
    bool    admin_from = false;

    if (ctx->head.len == 0 || !ctx->report->from[0])
	return (false);
    /* the author first: the header block is looked through only for one */
    if (strncmp(ctx->report->from, "owner-", 6) == 0)
	admin_from = true;
    for (size_t i = 0; !admin_from && i < sizeof(admin) / sizeof(admin[0]); i++)
	if ((at = strstr(ctx->report->from, admin[i])) != NULL && at > ctx->report->from)
	    admin_from = true;
    return (admin_from
	    && report_header_get(ctx->head.data, ctx->head.len, "X-MLServer", &vlen) != NULL);
}

/* report_bounce_like - a delivery report without a report part? */

bool    report_bounce_like(REPORT_CTX *ctx)
{
    char    lower[REPORT_HDR_MAX];
    size_t  vlen;
    const char *rp;
    bool    machine;

    if (ctx->failed[0] || report_list_notice(ctx))
	return (true);
    report_lower_utf8(lower, sizeof(lower), ctx->from_raw, strlen(ctx->from_raw));
    if (report_pat_match(lower, report_pat_bounce_from) >= 0 || !ctx->from_raw[0])
	machine = true;
    else
	machine = false;
    report_lower_utf8(lower, sizeof(lower), ctx->subject, strlen(ctx->subject));
    if (report_pat_match(lower, report_pat_bounce_subject) >= 0
	&& (machine || report_pat_match(lower, report_pat_auto_subject) < 0))
	return (true);
    if (machine && ctx->from_raw[0])
	return (true);
    rp = ctx->head.len ? report_header_get(ctx->head.data, ctx->head.len, "Return-Path", &vlen)
	: NULL;
    if (rp != NULL && vlen >= 2 && memcmp(rp, "<>", 2) == 0)
	machine = true;
    if (strncmp(ctx->auto_submitted, "auto-", 5) == 0)
	machine = true;
    if (!machine || ctx->text.len == 0)
	return (false);
    return (head_line_match(ctx->text.data, ctx->text.len, report_pat_bounce_text));
}

/* report_auto_detect - an auto-reply? */

bool    report_auto_detect(REPORT_CTX *ctx)
{
    REPORT *report = ctx->report;
    REPORT_RCPT *rcpt;
    char    lower[REPORT_HDR_MAX];
    size_t  vlen;
    bool    apple_unsub = false;
    bool    is_auto = false;

    if (ctx->head.len && report_header_get(ctx->head.data, ctx->head.len,
					   "X-Apple-Unsubscribe", &vlen) != NULL)
	apple_unsub = true;
    if (apple_unsub && report->from[0]) {
	report->kind = REPORT_COMPLAINT;
	strcpy(report->format, "unsubscribe");
	strcpy(report->feedback_type, "opt-out");
	if ((rcpt = report_rcpt_add(ctx, report->from, strlen(report->from))) != NULL)
	    strcpy(rcpt->reason, "feedback");
	return (true);
    }
    if (strncmp(ctx->auto_submitted, "auto-replied", 12) == 0
	|| strncmp(ctx->auto_submitted, "auto-notified", 13) == 0)
	is_auto = true;
    else if (ctx->auto_header)
	is_auto = true;
    else if (strstr(ctx->precedence, "auto_reply") || strstr(ctx->precedence, "auto-reply"))
	is_auto = true;
    else {
	report_lower_utf8(lower, sizeof(lower), ctx->subject, strlen(ctx->subject));
	if (report_pat_match(lower, report_pat_auto_subject) >= 0)
	    is_auto = true;
    }
    if (!is_auto)
	return (false);
    report->kind = REPORT_AUTOREPLY;
    strcpy(report->format, "rfc3834");
    if (report->from[0]
	&& (rcpt = report_rcpt_add(ctx, report->from, strlen(report->from))) != NULL)
	strcpy(rcpt->reason, "vacation");
    return (true);
}
