/*++
 * NAME
 *	ctl_parse 3
 * SUMMARY
 *	liveaddrctl parse: what stored messages say about our recipients
 * SYNOPSIS
 *	liveaddrctl parse [--json] FILE...
 * DESCRIPTION
 *	Runs the report parser (report_parse(), lib/report.c) on each
 *	message of each FILE (one message, or an mbox of several, any line
 *	ends; "-" reads standard input; lib/msgfile.c cuts them) and prints
 *	its verdict: the kind of message, the reader that decided, the tag,
 *	and per recipient its action, status, reply code, reason, hard or
 *	soft, remote MTA and diagnostic.  A message of an mbox is named
 *	FILE:N (N from 1).  With --json, one JSON object per message, one a
 *	line, with "file" and "message" (N).  No configuration, Redis or DNS
 *	is used: this is for looking at bounces by hand and for tests.
 * DIAGNOSTICS
 *	Exit 0 when every file was read, 66 (EX_NOINPUT) when one could not
 *	be, 71 (EX_OSERR) out of memory, 64 a bad command line.
 *--*/

#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>

#include "ctl.h"
#include "jsonw.h"
#include "msgfile.h"
#include "report.h"

/* parse_print_text - a verdict for people */

static void parse_print_text(const char *path, int nth, const REPORT *rep)
{
    if (nth > 0)
	printf("%s:%d", path, nth);
    else
	printf("%s", path);
    printf(": %s (%s)", report_kind_name(rep->kind), rep->format[0] ? rep->format : "-");
    if (rep->kind == REPORT_UNKNOWN)
	printf(": cannot tell: %s", rep->why);
    printf("\n");
    if (rep->from[0])
	printf("  from: %s\n", rep->from);
    if (rep->tag[0])
	printf("  tag: %s\n", rep->tag);
    if (rep->feedback_type[0])
	printf("  feedback-type: %s\n", rep->feedback_type);
    for (int i = 0; i < rep->nrcpt; i++) {
	const REPORT_RCPT *r = rep->rcpt + i;

	printf("  %s", r->address);
	if (r->original[0])
	    printf(" (originally %s)", r->original);
	printf(": %s%s%s", r->reason[0] ? r->reason : "-", r->hard ? " hard" : "",
	       r->action ? ", " : "");
	printf("%s", report_action_name(r->action));
	if (r->status[0])
	    printf(", status %s", r->status);
	if (r->reply_code)
	    printf(", reply %d", r->reply_code);
	if (r->command[0])
	    printf(" to %s", r->command);
	if (r->remote_mta[0])
	    printf(", remote %s", r->remote_mta);
	printf("\n");
	if (r->diagnostic[0])
	    printf("    %s\n", r->diagnostic);
    }
    if (rep->nrcpt_dropped)
	printf("  (%d more recipients not kept)\n", rep->nrcpt_dropped);
}

/* parse_print_json - a verdict as one JSON object */

static void parse_print_json(const char *path, int nth, const REPORT *rep)
{
    JSONW   w;

    jsonw_init(&w, stdout);
    jsonw_object_begin(&w, NULL);
    jsonw_string(&w, "file", path);
    jsonw_int(&w, "message", nth > 0 ? nth : 1);
    jsonw_string(&w, "kind", report_kind_name(rep->kind));
    jsonw_string(&w, "format", rep->format);
    jsonw_string(&w, "from", rep->from);
    jsonw_string(&w, "tag", rep->tag);
    jsonw_string(&w, "feedback_type", rep->feedback_type);
    if (rep->kind == REPORT_UNKNOWN)
	jsonw_string(&w, "why", rep->why);
    jsonw_array_begin(&w, "recipients");
    for (int i = 0; i < rep->nrcpt; i++) {
	const REPORT_RCPT *r = rep->rcpt + i;

	jsonw_object_begin(&w, NULL);
	jsonw_string(&w, "address", r->address);
	jsonw_string(&w, "original", r->original);
	jsonw_string(&w, "action", report_action_name(r->action));
	jsonw_string(&w, "status", r->status);
	jsonw_int(&w, "reply_code", r->reply_code);
	jsonw_string(&w, "command", r->command);
	jsonw_string(&w, "reason", r->reason);
	jsonw_bool(&w, "hard", r->hard);
	jsonw_string(&w, "remote_mta", r->remote_mta);
	jsonw_string(&w, "diagnostic", r->diagnostic);
	jsonw_object_end(&w);
    }
    jsonw_array_end(&w);
    jsonw_int(&w, "recipients_dropped", rep->nrcpt_dropped);
    jsonw_object_end(&w);			/* ends the line */
}

/* ctl_parse - liveaddrctl parse [--json] FILE... */

int     ctl_parse(CTL *ctl, int argc, char **argv)
{
    bool    json = false;
    int     status = 0, status_read, i = 1;

    (void) ctl;
    if (i < argc && strcmp(argv[i], "--json") == 0) {
	json = true;
	i++;
    }
    if (i >= argc)
	return (EX_USAGE);
    for (; i < argc; i++) {
	char   *data;
	size_t  len, pos = 0, msg_len;
	const char *msg;
	int     nth = 0, more;

	if ((status_read = msgfile_read(argv[i], &data, &len)) != MSGFILE_OK) {
	    if (status_read == MSGFILE_NOMEM) {
		fprintf(stderr, "liveaddrctl: %s: out of memory\n", argv[i]);
		return (EX_OSERR);
	    }
	    fprintf(stderr, "liveaddrctl: %s: %s\n", argv[i], strerror(errno));
	    status = EX_NOINPUT;
	    continue;
	}
	while (msgfile_next(data, len, &pos, &msg, &msg_len)) {
	    REPORT  rep;

	    /* One message: FILE; an mbox of several: FILE:1, FILE:2... */
	    more = pos < len;
	    nth = (nth > 0 || more) ? nth + 1 : 0;
	    if (report_parse(msg, msg_len, &rep) != REPORT_OK) {
		fprintf(stderr, "liveaddrctl: %s: out of memory\n", argv[i]);
		free(data);
		return (EX_OSERR);
	    }
	    if (json)
		parse_print_json(argv[i], nth, &rep);
	    else
		parse_print_text(argv[i], nth, &rep);
	    report_free(&rep);
	}
	free(data);
    }
    return (status);
}
