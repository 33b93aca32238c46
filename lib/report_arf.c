/*++
 * NAME
 *	report_arf 3
 * SUMMARY
 *	read a complaint: an RFC 5965 feedback report
 * SYNOPSIS
 *	#include "report_int.h"
#include "report_pat.h"
 *
 *	bool	report_arf_read(REPORT_CTX *ctx)
 * DESCRIPTION
 *	report_arf_read() reads the message/feedback-report part in ctx
 *	(when there is none, a multipart/report with report-type
 *	feedback-report whose fields were pasted as text) and names the
 *	complaining recipients, each with the reason "feedback": the
 *	Original-Rcpt-To fields, else the Removal-Recipient fields
 *	(opt-out reports), else the first address of the To: header of
 *	the reported message.  The Feedback-Type goes to
 *	report->feedback_type ("abuse" when none is given).
 *
 *	Without such a part, a message with a complaint's subject ("complaint
 *	about message", "abuse report", ...; report_pat.c) and the reported
 *	message attached is a complaint too (Hotmail's JMRP and the like).
 *
 *	A complaint is about suppression, not validity: it proves that the
 *	mailbox exists and reads mail, and asks us to stop.  It is never a
 *	hard bounce.
 *
 *	It returns true when ctx holds a feedback report, even one that
 *	names nobody (report->nrcpt is then 0).
 *--*/

#include "config.h"

#include <ctype.h>
#include <string.h>

#include "report_int.h"
#include "report_pat.h"

/* arf_add - one complaining recipient */

static int arf_add(REPORT_CTX *ctx, const char *value, size_t len)
{
    const char *a;
    size_t  alen;
    REPORT_RCPT *rcpt;

    if ((a = report_addr_find(value, len, &alen)) == NULL)
	return (0);
    if ((rcpt = report_rcpt_add(ctx, a, alen)) == NULL)
	return (0);
    strcpy(rcpt->reason, "feedback");
    rcpt->hard = false;
    return (1);
}

/* arf_fields - the recipients named by one kind of field */

static int arf_fields(REPORT_CTX *ctx, const char *text, size_t len, const char *name)
{
    const char *cp = text, *end = text + len;
    int     n = 0;

    while (cp < end) {
	const char *eol = memchr(cp, '\n', (size_t) (end - cp));
	const char *v;
	size_t  vlen;

	if (eol == NULL)
	    eol = end;
	if ((v = report_field_value(cp, (size_t) (eol - cp), name, &vlen)) != NULL)
	    n += arf_add(ctx, v, vlen);
	cp = eol + 1;
    }
    return (n);
}

/*
 * complaint_like - a complaint in an older form (Hotmail's JMRP and
 * others): a complaint's subject and the reported message attached.
 * The recipient is the one the reporter names in the attached headers
 * (X-HmXmrOriginalRecipient), else the attached message's To:.
 */

static bool complaint_like(REPORT_CTX *ctx)
{
    char    lower[REPORT_HDR_MAX];
    const char *v;
    size_t  vlen;

    if (ctx->orig.len == 0)
	return (false);
    report_lower_utf8(lower, sizeof(lower), ctx->subject, strlen(ctx->subject));
    if (report_pat_match(lower, report_pat_complaint_subject) < 0)
	return (false);
    ctx->report->kind = REPORT_COMPLAINT;
    strcpy(ctx->report->format, "complaint");
    strcpy(ctx->report->feedback_type, "abuse");
    if ((v = report_header_get(ctx->orig.data, ctx->orig.len, "X-HmXmrOriginalRecipient",
			       &vlen)) == NULL)
	v = report_header_get(ctx->orig.data, ctx->orig.len, "To", &vlen);
    if (v != NULL)
	arf_add(ctx, v, vlen);
    if (ctx->report->nrcpt == 0)
	strcpy(ctx->report->why, "a complaint that names no recipient");
    return (true);
}

/* report_arf_read - a feedback report's complaining recipients */

bool    report_arf_read(REPORT_CTX *ctx)
{
    const char *text = ctx->arf.data;
    size_t  len = ctx->arf.len;
    const char *v;
    size_t  vlen;

    if (len == 0) {
	if (strcmp(ctx->report_type, "feedback-report") != 0)
	    return (complaint_like(ctx));
	text = ctx->text.data;			/* fields pasted as text */
	len = ctx->text.len;
    }
    if (text == NULL)
	text = "";
    ctx->report->kind = REPORT_COMPLAINT;
    strcpy(ctx->report->format, "arf");
    if ((v = report_field_find(text, len, "Feedback-Type", &vlen)) != NULL) {
	char    word[REPORT_WORD_MAX + 1];
	size_t  n = 0;

	report_fold(word, sizeof(word), v, vlen);
	while (word[n] && (isalnum((unsigned char) word[n]) || word[n] == '-' || word[n] == '_'))
	    n++;
	report_lower(ctx->report->feedback_type, sizeof(ctx->report->feedback_type), word, n);
    }
    if (!ctx->report->feedback_type[0])
	strcpy(ctx->report->feedback_type, "abuse");
    if (arf_fields(ctx, text, len, "Original-Rcpt-To") > 0)
	return (true);
    if (arf_fields(ctx, text, len, "Removal-Recipient") > 0)
	return (true);
    if (ctx->orig.len > 0 && (v = report_header_get(ctx->orig.data, ctx->orig.len, "To",
						    &vlen)) != NULL)
	arf_add(ctx, v, vlen);
    return (true);
}
