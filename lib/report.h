#ifndef LIVEADDR_REPORT_H
#define LIVEADDR_REPORT_H

/*++
 * NAME
 *	report 3h
 * SUMMARY
 *	what a message that came back says about our recipients
 * SYNOPSIS
 *	#include "report.h"
 * DESCRIPTION
 *	See report.c.  report_parse() reads one whole message (headers and
 *	body, any line endings) and says what kind of message it is and,
 *	for each address it is about, what happened: a delivery status
 *	report (RFC 3464 or an MTA's own text), a complaint (RFC 5965
 *	ARF), an auto-reply (RFC 3834 and the usual vacation notices) or
 *	an ordinary message (a person's reply).  It knows nothing about
 *	the store, the milter or tags' keys: the caller verifies REPORT.tag
 *	and turns the verdicts into evidence.
 *--*/

#include <stdbool.h>
#include <stddef.h>

#include "addr.h"

typedef enum {
    REPORT_UNKNOWN = 0,			/* cannot tell: see REPORT.why */
    REPORT_DSN,				/* a delivery status report */
    REPORT_COMPLAINT,			/* an ARF feedback report */
    REPORT_AUTOREPLY,			/* an auto-reply, vacation notice */
    REPORT_MESSAGE,			/* an ordinary message: a reply */
    REPORT_KIND_COUNT
} REPORT_KIND;

typedef enum {
    REPORT_ACTION_NONE = 0,		/* not a DSN recipient */
    REPORT_ACTION_FAILED,
    REPORT_ACTION_DELAYED,
    REPORT_ACTION_DELIVERED,
    REPORT_ACTION_RELAYED,
    REPORT_ACTION_EXPANDED,
    REPORT_ACTION_COUNT
} REPORT_ACTION;

#define REPORT_WORD_MAX		31	/* reason, status, format */
#define REPORT_TEXT_MAX		511	/* diagnostic, shortened */
#define REPORT_RCPTS_MAX	64	/* recipients kept; the rest counted */
#define REPORT_TAG_MAX		63	/* a tag's text, as found */

/*
 * One address the report is about.  For a DSN, a recipient of the
 * original letter; for a complaint, the complaining recipient; for an
 * auto-reply or a message, its author.
 */
typedef struct {
    char    address[ADDR_ADDRESS_MAX + 1];	/* lower-case; "" unknown */
    char    original[ADDR_ADDRESS_MAX + 1];	/* Original-Recipient; "" */
    REPORT_ACTION action;
    char    status[REPORT_WORD_MAX + 1];	/* RFC 3463 "5.1.1"; "" */
    int     reply_code;				/* SMTP 550; 0 none */
    char    diagnostic[REPORT_TEXT_MAX + 1];	/* one line, for people */
    char    remote_mta[ADDR_ADDRESS_MAX + 1];	/* Remote-MTA; "" */
    char    command[8];				/* the SMTP command the reply
						 * answered: "RCPT", "DATA",
						 * "MAIL", "EHLO", "HELO",
						 * "CONN"; "" unknown */
    char    reason[REPORT_WORD_MAX + 1];	/* Sisimai's name; "" none */
    bool    hard;				/* a hard bounce */
} REPORT_RCPT;

typedef struct {
    REPORT_KIND kind;
    char    format[REPORT_WORD_MAX + 1];	/* the reader that decided */
    char    from[ADDR_ADDRESS_MAX + 1];		/* header From:, lower-case */
    char    tag[REPORT_TAG_MAX + 1];		/* a tag seen in the report */
    char    feedback_type[REPORT_WORD_MAX + 1];	/* ARF: abuse, opt-out, ... */
    char    why[128];				/* REPORT_UNKNOWN: why */
    int     nrcpt;
    int     nrcpt_dropped;			/* beyond REPORT_RCPTS_MAX */
    REPORT_RCPT *rcpt;				/* nrcpt of them; owned */
} REPORT;

typedef enum {
    REPORT_OK = 0,			/* a verdict, maybe REPORT_UNKNOWN */
    REPORT_ERR_NOMEM,			/* nothing filled in */
} REPORT_STATUS;

extern REPORT_STATUS report_parse(const char *msg, size_t len, REPORT *);
extern void report_free(REPORT *);
extern const char *report_kind_name(REPORT_KIND);
extern const char *report_action_name(REPORT_ACTION);

#endif
