#ifndef LIVEADDR_EVIDENCE_H
#define LIVEADDR_EVIDENCE_H

/*++
 * NAME
 *	evidence 3h
 * SUMMARY
 *	one signal about one address: what, when, from where
 * SYNOPSIS
 *	#include "evidence.h"
 * DESCRIPTION
 *	See evidence.c.
 *--*/

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#include "addr.h"

typedef enum {
    EV_SENT = 0,			/* a letter went to the address */
    EV_DELIVERED,			/* the recipient's MX took it (positive) */
    EV_AUTOREPLY,			/* an RFC 3834 auto-reply (positive) */
    EV_REPLY,				/* a person answered (positive) */
    EV_CONFIRMED,			/* confirmed by loyalty card, desk, link */
    EV_BOUNCE_HARD,			/* user unknown, no such domain, ... */
    EV_BOUNCE_SOFT,			/* mailbox full, expired, ... */
    EV_BOUNCE_POLICY,			/* 5.7.x, blocked: not about the address */
    EV_COMPLAINT,			/* ARF: suppression; the mailbox exists */
    EV_SUPPRESS,			/* manual do-not-mail */
    EV_UNSUPPRESS,			/* lift a suppression */
    EV_DOMAIN_INVALID,			/* DNS: the domain takes no mail */
    EV_UNDO,				/* take back evidence `target' */
    EV_KIND_COUNT
} EV_KIND;

#define EV_ID_MAX	32		/* id text, without the NUL */
#define EV_WORD_MAX	31		/* reason, status, department, event */
#define EV_NAME_MAX	63		/* msgref, mta, owner, contact */
#define EV_TEXT_MAX	159		/* the diagnostic, shortened */
#define EV_LINE_MAX	1024		/* evidence_encode() never needs more */

typedef struct {
    char    id[EV_ID_MAX + 1];		/* unique; the same signal, the same id */
    EV_KIND kind;
    time_t  when;			/* when it happened (not when stored) */
    char    address[ADDR_ADDRESS_MAX + 1];	/* the storage key (ADDR.key) */
    char    reason[EV_WORD_MAX + 1];	/* userunknown, mailboxfull, link, ... */
    char    status[EV_WORD_MAX + 1];	/* RFC 3463: 5.1.1 */
    int     reply_code;			/* SMTP: 550; 0 none */
    char    msgref[EV_NAME_MAX + 1];	/* the message reference */
    char    mta[EV_NAME_MAX + 1];	/* who said it: Remote-MTA, our host */
    char    department[EV_WORD_MAX + 1];	/* sales, service */
    char    owner[EV_NAME_MAX + 1];	/* salesperson or service advisor */
    char    contact[EV_NAME_MAX + 1];	/* CRM contact id */
    char    event[EV_WORD_MAX + 1];	/* contract, delivery, service, ... */
    char    target[EV_ID_MAX + 1];	/* EV_UNDO: the id taken back */
    char    text[EV_TEXT_MAX + 1];	/* the diagnostic, for people */
} EVIDENCE;

extern void evidence_init(EVIDENCE *, EV_KIND kind, time_t when,
			          const char *address);
extern void evidence_make_id(EVIDENCE *, const char *seed);
extern void evidence_random_id(EVIDENCE *);
extern const char *evidence_kind_name(EV_KIND);
extern int evidence_kind_by_name(const char *name, EV_KIND *kind);
extern const char *evidence_kind_text(EV_KIND, const char *lang);
extern bool evidence_is_positive(EV_KIND);
extern void evidence_set(char *field, size_t size, const char *value);

#define EVIDENCE_SET(ev, field, value) \
    evidence_set((ev)->field, sizeof((ev)->field), (value))

extern int evidence_encode(const EVIDENCE *, char *buf, size_t len);
extern int evidence_decode(const char *line, size_t len, EVIDENCE *);

#endif
