/*++
 * NAME
 *	report_dsn 3
 * SUMMARY
 *	read the fields of an RFC 3464 delivery status report
 * SYNOPSIS
 *	#include "report_int.h"
 *
 *	int	report_dsn_read(REPORT_CTX *ctx, const char *text, size_t len)
 * DESCRIPTION
 *	report_dsn_read() reads the "Name: value" fields of a
 *	message/delivery-status part (or DSN fields that an MTA pasted
 *	into its text) and adds one recipient to ctx->report for each
 *	per-recipient group: Final-Recipient (or, lacking one,
 *	Original-Recipient; also when the Final-Recipient is a source
 *	route, the receiving system's own path such as
 *	"@smtp.example.net:user@server"), Original-Recipient, Action, Status,
 *	Diagnostic-Code (its type "smtp;" dropped, any other type such as
 *	"X-Unix;" or "X-Postfix;" kept: it says a local program or the MTA
 *	itself failed; the SMTP reply code taken from it; the repeated
 *	prefixes of a multi-line reply dropped), Remote-MTA.  A recipient
 *	without a Diagnostic-Code gets the comment of its Status field,
 *	"4.0.0 (cat.example.net: host name lookup failure)", unless that
 *	only names the code's class ("permanent failure").  Groups are separated by empty lines;
 *	a second Final-Recipient in one group also starts a new one, as
 *	some MTAs leave out the empty line.  Fields may be folded.  The
 *	per-message Reporting-MTA is used as the Remote-MTA of recipients
 *	that name none.
 *
 *	It returns the number of recipients found.  A recipient named
 *	twice is merged (the later fields fill what the first lacked).
 *--*/

#include "config.h"

#include <ctype.h>
#include <string.h>
#include <strings.h>

#include "report_int.h"
#include "report_pat.h"

#define DSN_FIELD_MAX	2048		/* bytes kept of one unfolded field */

typedef struct {
    char    final[ADDR_ADDRESS_MAX + 1];
    char    original[ADDR_ADDRESS_MAX + 1];
    char    action[REPORT_WORD_MAX + 1];
    char    status[REPORT_WORD_MAX + 1];
    char    diag[REPORT_TEXT_MAX + 1];
    char    remote[ADDR_ADDRESS_MAX + 1];
    char    comment[REPORT_TEXT_MAX + 1];	/* of the Status field */
    bool    any;			/* a per-recipient field was seen */
    bool    final_routed;		/* Final-Recipient: "@host:user@domain" */
} DSN_GROUP;

static const struct {
    const char *name;
    REPORT_ACTION action;
} dsn_actions[] = {
    {"failed", REPORT_ACTION_FAILED},
    {"failure", REPORT_ACTION_FAILED},
    {"delayed", REPORT_ACTION_DELAYED},
    {"delivered", REPORT_ACTION_DELIVERED},
    {"relayed", REPORT_ACTION_RELAYED},
    {"expanded", REPORT_ACTION_EXPANDED},
    {"deliverable", REPORT_ACTION_DELIVERED},
};

/* dsn_action - an Action: value */

static REPORT_ACTION dsn_action(const char *value)
{
    for (size_t i = 0; i < sizeof(dsn_actions) / sizeof(dsn_actions[0]); i++)
	if (strncasecmp(value, dsn_actions[i].name, strlen(dsn_actions[i].name)) == 0)
	    return (dsn_actions[i].action);
    return (REPORT_ACTION_NONE);
}

/* after_type - the value after its "type;" (rfc822; dns; smtp; ...) */

static const char *after_type(const char *value, size_t *len)
{
    const char *semi = memchr(value, ';', *len);

    if (semi != NULL && semi - value < 24) {
	for (const char *cp = value; cp < semi; cp++)
	    if (!isalnum((unsigned char) *cp) && *cp != '-' && *cp != '_' && *cp != ' ')
		return (value);
	semi++;
	while (semi < value + *len && isspace((unsigned char) *semi))
	    semi++;
	*len -= (size_t) (semi - value);
	return (semi);
    }
    return (value);
}

/* smtp_type - is a Diagnostic-Code of type "smtp;" (or of none)? */

static bool smtp_type(const char *value, size_t len)
{
    size_t  tlen = len;
    const char *rest = after_type(value, &tlen);

    if (rest == value)
	return (true);
    while (len > 0 && isspace((unsigned char) *value))
	value++, len--;
    return (strncasecmp(value, "smtp", 4) == 0 && (value[4] == ';' || value[4] == ' '));
}

/* status_comment - the comment after a Status field's code, if it says more */

static void status_comment(char *dst, size_t dstlen, const char *value)
{
    const char *open = strchr(value, '('), *close;
    char    lower[REPORT_TEXT_MAX + 1];

    *dst = 0;
    if (open == NULL || (close = strrchr(open, ')')) == NULL || close - open < 2)
	return;
    report_fold(dst, dstlen, open + 1, (size_t) (close - open - 1));
    report_lower(lower, sizeof(lower), dst, strlen(dst));
    for (int k = 0; report_pat_status_generic[k]; k++)
	if (strcmp(lower, report_pat_status_generic[k]) == 0)
	    *dst = 0;
}

/* field_address - the address in a recipient field; true: a source route */

static bool field_address(char *dst, size_t dstlen, const char *value, size_t len)
{
    const char *a;
    size_t  alen;
    bool    routed;

    value = after_type(value, &len);
    while (len > 0 && (*value == ' ' || *value == '\t' || *value == '<'))
	value++, len--;
    routed = len > 0 && *value == '@';
    if ((a = report_addr_scan(value, len, &alen, false)) != NULL)
	report_addr_copy(dst, dstlen, a, alen);
    return (routed);
}

/* group_flush - the recipient of a finished group */

static int group_flush(REPORT_CTX *ctx, DSN_GROUP *g, const char *reporting)
{
    REPORT_RCPT *rcpt;
    const char *addr = g->final[0] ? g->final : g->original;
    int     found = 0;

    if (g->final_routed && g->original[0])
	addr = g->original;			/* the address we sent to */

    if (g->any && addr[0] && (rcpt = report_rcpt_add(ctx, addr, strlen(addr))) != NULL) {
	if (!rcpt->original[0] && g->original[0] && strcmp(g->original, addr) != 0)
	    strcpy(rcpt->original, g->original);
	if (rcpt->action == REPORT_ACTION_NONE)
	    rcpt->action = dsn_action(g->action);
	if (!rcpt->status[0])
	    strcpy(rcpt->status, g->status);
	if (!rcpt->diagnostic[0])
	    strcpy(rcpt->diagnostic, g->diag[0] ? g->diag : g->comment);
	if (!rcpt->reply_code)
	    rcpt->reply_code = report_reply_find(rcpt->diagnostic);
	if (!rcpt->remote_mta[0])
	    strcpy(rcpt->remote_mta, g->remote[0] ? g->remote : reporting);
	found = 1;
    }
    memset(g, 0, sizeof(*g));
    return (found);
}

/* dsn_field - one unfolded field */

static int dsn_field(REPORT_CTX *ctx, DSN_GROUP *g, char *reporting, size_t replen,
		             const char *line, size_t len)
{
    const char *v;
    size_t  vlen;
    int     found = 0;

    /* names differ in their first letter (but Remote-MTA, Reporting-MTA) */
    switch (line[0] >= 'A' && line[0] <= 'Z' ? line[0] + ('a' - 'A') : line[0]) {
    case 'f':
	if ((v = report_field_value(line, len, "Final-Recipient", &vlen)) != NULL) {
	    if (g->final[0])
		found = group_flush(ctx, g, reporting);
	    g->final_routed = field_address(g->final, sizeof(g->final), v, vlen);
	    g->any = true;
	}
	break;
    case 'o':
	if ((v = report_field_value(line, len, "Original-Recipient", &vlen)) != NULL) {
	    if (g->original[0] && g->final[0])
		found = group_flush(ctx, g, reporting);
	    (void) field_address(g->original, sizeof(g->original), v, vlen);
	    g->any = true;
	}
	break;
    case 'a':
	if ((v = report_field_value(line, len, "Action", &vlen)) != NULL)
	    report_fold(g->action, sizeof(g->action), v, vlen);
	break;
    case 's':
	if ((v = report_field_value(line, len, "Status", &vlen)) != NULL) {
	    char    tmp[REPORT_TEXT_MAX + 1];

	    report_fold(tmp, sizeof(tmp), v, vlen);
	    if (!report_status_find(tmp, g->status, sizeof(g->status)))
		g->status[0] = 0;
	    status_comment(g->comment, sizeof(g->comment), tmp);
	}
	break;
    case 'd':
	if ((v = report_field_value(line, len, "Diagnostic-Code", &vlen)) != NULL) {
	    char    tmp[DSN_FIELD_MAX];

	    if (smtp_type(v, vlen))
		v = after_type(v, &vlen);
	    report_fold(tmp, sizeof(tmp), v, vlen);
	    report_diag_tidy(tmp);
	    report_fold(g->diag, sizeof(g->diag), tmp, strlen(tmp));
	}
	break;
    case 'r':
	if ((v = report_field_value(line, len, "Remote-MTA", &vlen)) != NULL) {
	    v = after_type(v, &vlen);
	    report_fold(g->remote, sizeof(g->remote), v, vlen);
	} else if ((v = report_field_value(line, len, "Reporting-MTA", &vlen)) != NULL) {
	    v = after_type(v, &vlen);
	    report_fold(reporting, replen, v, vlen);
	}
	break;
    }
    return (found);
}

/* report_dsn_read - the recipients of DSN fields */

int     report_dsn_read(REPORT_CTX *ctx, const char *text, size_t len)
{
    DSN_GROUP g;
    char    reporting[ADDR_ADDRESS_MAX + 1] = "";
    char    field[DSN_FIELD_MAX];
    size_t  flen = 0;
    int     found = 0;
    const char *cp = text, *end = text + len;

    memset(&g, 0, sizeof(g));
    while (cp <= end) {
	const char *eol = memchr(cp, '\n', (size_t) (end - cp));
	size_t  llen;
	bool    blank;

	if (eol == NULL)
	    eol = end;
	llen = (size_t) (eol - cp);
	blank = true;
	for (size_t i = 0; i < llen && blank; i++)
	    if (!isspace((unsigned char) cp[i]))
		blank = false;
	if (!blank && (cp[0] == ' ' || cp[0] == '\t') && flen > 0) {
	    /* a continuation line */
	    size_t  n = llen < sizeof(field) - flen - 1 ? llen : sizeof(field) - flen - 1;

	    memcpy(field + flen, cp, n);
	    flen += n;
	} else {
	    if (flen > 0)
		found += dsn_field(ctx, &g, reporting, sizeof(reporting), field, flen);
	    flen = 0;
	    if (blank) {
		if (g.any)
		    found += group_flush(ctx, &g, reporting);
	    } else {
		flen = llen < sizeof(field) - 1 ? llen : sizeof(field) - 1;
		memcpy(field, cp, flen);
	    }
	}
	if (eol == end)
	    break;
	cp = eol + 1;
    }
    if (flen > 0)
	found += dsn_field(ctx, &g, reporting, sizeof(reporting), field, flen);
    if (g.any)
	found += group_flush(ctx, &g, reporting);
    return (found);
}
