/*++
 * NAME
 *	report_json 3
 * SUMMARY
 *	read an Amazon SES event notice (JSON, often inside an SNS notice)
 * SYNOPSIS
 *	#include "report_int.h"
 *
 *	bool	report_json_read(REPORT_CTX *ctx)
 * DESCRIPTION
 *	Amazon SES tells a sender about bounces, complaints and deliveries
 *	with a JSON object mailed by SNS ("notificationType" or
 *	"eventType": "Bounce", "Complaint" or "Delivery"), sometimes
 *	itself a string inside the SNS JSON: the "Message" of an SNS
 *	envelope, its quotes escaped.  Such a Message is unescaped once
 *	into a buffer of its own and read instead of the envelope.
 *	report_json_read() reads the notice without a JSON parser: it
 *	walks the "key": "value" pairs in order, once (string values end
 *	at the first quote that no backslash escapes).  Each
 *	"emailAddress" starts a recipient; the "action", "status" and
 *	"diagnosticCode" that follow it are its own.  A Delivery's
 *	"recipients" array names delivered recipients, its "smtpResponse"
 *	their diagnostic.  A Complaint's recipients get the reason
 *	"feedback" and its "complaintFeedbackType" is the feedback type.
 *
 *	It returns false, and changes nothing, when the text is not such
 *	a notice.
 * MEMORY
 *	The unescaped Message lives only inside the call.
 *--*/

#include "config.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "report_int.h"

#define JSON_KEY_MAX	40

typedef struct {
    const char *cp;
    const char *end;
} JSCAN;

/* next_pair - the next "key": value; *val and *vlen for a string value */

static bool next_pair(JSCAN *js, char *key, const char **val, size_t *vlen, bool *array)
{
    while (js->cp < js->end) {
	const char *q = memchr(js->cp, '"', (size_t) (js->end - js->cp));
	const char *k, *p;

	if (q == NULL)
	    break;
	k = q + 1;
	for (p = k; p < js->end && p - k <= JSON_KEY_MAX && *p != '"' && *p != '\\'; p++)
	     /* void */ ;
	if (p >= js->end || p - k > JSON_KEY_MAX || p == k) {
	    js->cp = p > k ? p : k;
	    continue;
	}
	memcpy(key, k, (size_t) (p - k));
	key[p - k] = 0;
	if (*p == '\\')
	    p++;
	p++;					/* the closing quote */
	while (p < js->end && (*p == ' ' || *p == '\t' || *p == '\n'))
	    p++;
	if (p >= js->end || *p != ':') {
	    js->cp = p;
	    continue;
	}
	for (p++; p < js->end && (*p == ' ' || *p == '\t' || *p == '\n'); p++)
	     /* void */ ;
	*array = p < js->end && *p == '[';
	*val = NULL;
	*vlen = 0;
	if (p < js->end && *p == '"') {
	    const char *v = p + 1, *e = v;

	    while (e < js->end && *e != '"')
		e += (*e == '\\' && e + 1 < js->end) ? 2 : 1;
	    if (e > js->end)
		e = js->end;
	    *val = v;
	    *vlen = (size_t) (e - v);
	    js->cp = e < js->end ? e + 1 : e;
	} else
	    js->cp = p;
	return (true);
    }
    return (false);
}

/* sns_message - the unescaped "Message" of an SNS envelope that holds a notice */

static char *sns_message(const char *text, size_t len, size_t *outlen)
{
    JSCAN   js = {text, text + len};
    char    key[JSON_KEY_MAX + 1];
    const char *v;
    size_t  vlen, n = 0;
    bool    array, found = false;
    char   *out;

    while (!found && next_pair(&js, key, &v, &vlen, &array))
	found = strcmp(key, "Message") == 0 && v != NULL && vlen > 1 && v[0] == '{';
    if (!found || (out = malloc(vlen + 1)) == NULL)
	return (NULL);
    for (size_t i = 0; i < vlen; i++) {
	if (v[i] != '\\' || i + 1 >= vlen) {
	    out[n++] = v[i];
	    continue;
	}
	switch (v[++i]) {
	case 'n':
	case 'r':
	case 't':
	    out[n++] = ' ';
	    break;
	default:				/* \" \\ \/ (\uXXXX kept as "uXXXX") */
	    out[n++] = v[i];
	    break;
	}
    }
    out[n] = 0;
    *outlen = n;
    return (out);
}

/* json_type - the notice's type, from its first notificationType/eventType */

static int json_type(const char *text, size_t len)
{
    JSCAN   js = {text, text + len};
    char    key[JSON_KEY_MAX + 1];
    const char *v;
    size_t  vlen;
    bool    array;

    while (next_pair(&js, key, &v, &vlen, &array)) {
	if (strcmp(key, "notificationType") != 0 && strcmp(key, "eventType") != 0)
	    continue;
	if (v == NULL)
	    return (0);
	if (vlen == 6 && memcmp(v, "Bounce", 6) == 0)
	    return (1);
	if (vlen == 9 && memcmp(v, "Complaint", 9) == 0)
	    return (2);
	if (vlen == 8 && memcmp(v, "Delivery", 8) == 0)
	    return (3);
	return (0);
    }
    return (0);
}

/* json_untyped - a value without its "type;" ("smtp; 550 ...", "dsn; a.example") */

static const char *json_untyped(const char *v, size_t *vlen)
{
    const char *semi = memchr(v, ';', *vlen < 16 ? *vlen : 16);

    if (semi == NULL)
	return (v);
    *vlen -= (size_t) (semi + 1 - v);
    return (semi + 1);
}

/* json_notice - read a notice of a known type: 1 bounce, 2 complaint, 3 delivery */

static bool json_notice(REPORT_CTX *ctx, const char *text, size_t len, int type)
{
    REPORT *report = ctx->report;
    JSCAN   js;
    char    key[JSON_KEY_MAX + 1];
    const char *v;
    size_t  vlen;
    bool    array;
    REPORT_RCPT *rcpt = NULL;
    char    smtp[REPORT_TEXT_MAX + 1] = "";

    report->kind = type == 2 ? REPORT_COMPLAINT : REPORT_DSN;
    strcpy(report->format, "ses-json");
    js.cp = text;
    js.end = text + len;
    while (next_pair(&js, key, &v, &vlen, &array)) {
	if (strcmp(key, "emailAddress") == 0 && v != NULL && type != 3) {
	    const char *a;
	    size_t  alen;

	    if ((a = report_addr_find(v, vlen, &alen)) != NULL
		&& (rcpt = report_rcpt_add(ctx, a, alen)) != NULL) {
		if (type == 2) {
		    strcpy(rcpt->reason, "feedback");
		} else if (rcpt->action == REPORT_ACTION_NONE)
		    rcpt->action = REPORT_ACTION_FAILED;
	    }
	} else if (strcmp(key, "recipients") == 0 && array && type == 3) {
	    /* "recipients":["a@b", ...] */
	    const char *cp = js.cp, *close = memchr(cp, ']', (size_t) (js.end - cp));
	    const char *a;
	    size_t  alen;

	    if (close == NULL)
		close = js.end;
	    while ((a = report_addr_find(cp, (size_t) (close - cp), &alen)) != NULL) {
		if ((rcpt = report_rcpt_add(ctx, a, alen)) != NULL)
		    rcpt->action = REPORT_ACTION_DELIVERED;
		cp = a + alen;
	    }
	    js.cp = close;
	} else if (v == NULL) {
	    continue;
	} else if (strcmp(key, "complaintFeedbackType") == 0) {
	    report_lower(report->feedback_type, sizeof(report->feedback_type), v, vlen);
	} else if (strcmp(key, "smtpResponse") == 0) {
	    report_fold(smtp, sizeof(smtp), v, vlen);
	} else if (rcpt == NULL || type == 3) {
	    continue;
	} else if (strcmp(key, "action") == 0) {
	    char    word[REPORT_WORD_MAX + 1];

	    report_lower(word, sizeof(word), v, vlen);
	    if (strcmp(word, "delayed") == 0)
		rcpt->action = REPORT_ACTION_DELAYED;
	} else if (strcmp(key, "status") == 0 && !rcpt->status[0]) {
	    char    tmp[REPORT_WORD_MAX + 1];

	    report_fold(tmp, sizeof(tmp), v, vlen);
	    report_status_find(tmp, rcpt->status, sizeof(rcpt->status));
	} else if (strcmp(key, "diagnosticCode") == 0 && !rcpt->diagnostic[0]) {
	    v = json_untyped(v, &vlen);
	    report_fold(rcpt->diagnostic, sizeof(rcpt->diagnostic), v, vlen);
	} else if (strcmp(key, "reportingMTA") == 0 && !rcpt->remote_mta[0]) {
	    v = json_untyped(v, &vlen);
	    report_fold(rcpt->remote_mta, sizeof(rcpt->remote_mta), v, vlen);
	}
    }
    if (type == 2 && !report->feedback_type[0])
	strcpy(report->feedback_type, "abuse");
    for (int i = 0; i < report->nrcpt; i++)
	if (!report->rcpt[i].diagnostic[0] && smtp[0])
	    strcpy(report->rcpt[i].diagnostic, smtp);
    if (report->nrcpt == 0)
	strcpy(report->why, "an SES notice that names no recipient");
    return (true);
}

/*
 * json_marked - does text hold "notificationType" or "eventType"?  One
 * pass for "Type", then what stands before it, not a pass for each.
 */
static bool json_marked(const char *text)
{
    for (const char *t = text; (t = strstr(t, "Type")) != NULL; t++)
	if ((t - text >= 12 && memcmp(t - 12, "notification", 12) == 0)
	    || (t - text >= 5 && memcmp(t - 5, "event", 5) == 0))
	    return (true);
    return (false);
}

/* report_json_read - an SES notice's recipients */

bool    report_json_read(REPORT_CTX *ctx)
{
    const char *text = ctx->text.data;
    size_t  len = ctx->text.len;
    char   *inner = NULL;
    int     type;
    bool    done;

    if (len == 0 || !json_marked(text))
	return (false);
    if ((type = json_type(text, len)) == 0) {
	if ((inner = sns_message(text, len, &len)) == NULL)
	    return (false);
	text = inner;
	if ((type = json_type(text, len)) == 0) {
	    free(inner);
	    return (false);
	}
    }
    done = json_notice(ctx, text, len, type);
    free(inner);
    return (done);
}
