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
} REASON_INPUT;

/* The reason's name ("userunknown", ..., "undefined"); static storage. */
extern const char *reason_classify(const REASON_INPUT *);

/* Hard: userunknown, hostunknown, hasmoved; notaccept with a 5xx code. */
extern bool reason_is_hard(const char *reason, const char *status,
			           int reply_code);

#endif
