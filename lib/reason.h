#ifndef LIVEADDR_REASON_H
#define LIVEADDR_REASON_H

/*++
 * NAME
 *	reason 3h
 * SUMMARY
 *	why a delivery failed: Sisimai's reason names, hard or soft
 * SYNOPSIS
 *	#include "reason.h"
 * DESCRIPTION
 *	See reason.c.  reason_classify() names the reason of one
 *	recipient's failure from what the report said about it: its
 *	RFC 3463 status, its SMTP reply code and the diagnostic text.  The
 *	phrases and codes it knows are data tables, not code.
 *--*/

#include <stdbool.h>

#include "report.h"

typedef struct {
    REPORT_ACTION action;		/* REPORT_ACTION_NONE: not given */
    const char *status;			/* "5.1.1"; NULL or "" none */
    int     reply_code;			/* 550; 0 none */
    const char *diagnostic;		/* the MTA's text; NULL or "" none */
    const char *format;			/* the reader: "postfix", ...; may be NULL */
    const char *command;		/* the SMTP command the reply answered:
					 * "CONN", "HELO", "EHLO", "MAIL",
					 * "RCPT", "DATA"; NULL: read from the
					 * text ("in reply to RCPT TO") */
    REPORT_KIND kind;			/* REPORT_UNKNOWN (0) or REPORT_DSN: a
					 * failure report; REPORT_COMPLAINT:
					 * "feedback"; REPORT_AUTOREPLY:
					 * "vacation" */
    const char *recipient;		/* the address it is about; NULL none */
    const char *remote_mta;		/* the host that replied; NULL none */
} REASON_INPUT;

/*
 * The reason's name ("userunknown", ..., "undefined"); static storage.
 * Never NULL, also for a NULL input.  A DELAYED action never gets a hard
 * reason.
 */
extern const char *reason_classify(const REASON_INPUT *);

/* Hard: userunknown, hostunknown, hasmoved; notaccept with a 5xx code. */
extern bool reason_is_hard(const char *reason, const char *status,
			           int reply_code);

#endif
