#ifndef LIVEADDR_INBOUND_H
#define LIVEADDR_INBOUND_H

/*++
 * NAME
 *	inbound 3h
 * SUMMARY
 *	what comes back: reports to the bounce domain, replies, as evidence
 * SYNOPSIS
 *	#include "inbound.h"
 * DESCRIPTION
 *	See inbound.c.
 *--*/

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#include "addr.h"
#include "evidence.h"
#include "report.h"
#include "tag.h"

#define IN_RCPT_MAX	1000		/* recipients looked at in one message */
#define IN_SEED_MAX	96		/* what makes a report's evidence ids */

typedef struct {
    const char *bounce_domain;		/* reports come to this domain */
    const TAG_KEYRING *tag_keys;	/* NULL: no tag verifies */
    size_t  max_report;			/* bytes of a report kept: ReportMaxSize */
    bool    reply_proof;		/* replies to dealer mailboxes count */
} INBOUND_CONF;

typedef enum {
    IN_NONE = 0,			/* nothing to learn: let it go */
    IN_REPORT,				/* to the bounce domain: needs the body */
    IN_REPLY,				/* a reply candidate: headers suffice */
} IN_ROLE;

typedef enum {
    IN_TAG_NONE = 0,			/* no tag anywhere */
    IN_TAG_OK,				/* a tag verified: plan.ref */
    IN_TAG_BAD,				/* damaged, unknown key or wrong MAC */
    IN_TAG_EXPIRED,			/* ours, but past its day */
} IN_TAG;

typedef enum {
    IN_RCPT_IGNORED = -1,		/* unparsable, or too many */
    IN_RCPT_OTHER = 0,			/* a dealer mailbox */
    IN_RCPT_BOUNCE = 1,			/* in the bounce domain: a tag or not */
    IN_RCPT_BOUNCE_ROLE = 2,		/* postmaster@, abuse@ the bounce domain */
} IN_RCPT_KIND;

typedef struct INMSG INMSG;

/* What inmsg_eom() found; the caller owns report (inplan_free()). */
typedef struct {
    IN_ROLE role;
    REPORT  report;			/* the parse of what was kept */
    bool    truncated;			/* longer than max_report */
    IN_TAG  tag;			/* reports: the best tag found */
    TAG_STATUS tag_status;		/* ... as tag_verify() said */
    const char *tag_source;		/* "envelope", "report" or "none" */
    char    ref[TAG_REF_LEN + 1];	/* the letter it names, when IN_TAG_OK */
    char    seed[IN_SEED_MAX];		/* Message-ID, or a hash of the text */
    /* replies */
    EV_KIND reply_kind;			/* EV_REPLY, EV_AUTOREPLY, or EV_SENT: none */
    char    cand[2][ADDR_ADDRESS_MAX + 1];	/* addresses it proves, keys */
    int     ncand;
} IN_PLAN;

/* One recipient of the letter a report is about (store_message()). */
typedef struct {
    char    address[ADDR_ADDRESS_MAX + 1];	/* storage key */
    char    department[EV_WORD_MAX + 1];
    char    owner[EV_NAME_MAX + 1];
    char    event[EV_WORD_MAX + 1];
    char    contact[EV_NAME_MAX + 1];
} IN_LETTER_RCPT;

typedef struct {
    IN_LETTER_RCPT *rcpt;
    size_t  n;
    size_t  cap;
    bool    nomem;
} IN_LETTER;

/* What inbound_evidence() made of a report. */
typedef struct {
    EVIDENCE *items;			/* owned: inbound_result_free() */
    size_t  nitems;
    size_t  dropped;			/* named addresses not in the letter */
    char    dropped_first[ADDR_ADDRESS_MAX + 1];	/* for the log */
    size_t  ignored;			/* entries that say nothing ("expanded") */
} IN_RESULT;

extern INMSG *inmsg_new(void);
extern void inmsg_free(INMSG *);
extern void inmsg_connect(INMSG *, const char *client_ip, bool local_submission);
extern void inmsg_helo(INMSG *, const char *helo);
extern void inmsg_reset(INMSG *);
extern void inmsg_mail(INMSG *, const char *sender);
extern IN_RCPT_KIND inmsg_rcpt(INMSG *, const INBOUND_CONF *, const char *recipient, long today,
		              TAG_STATUS *status);
extern void inmsg_rcpt_drop(INMSG *);
extern void inmsg_header(INMSG *, const INBOUND_CONF *, const char *name,
			         const char *value);
extern IN_ROLE inmsg_role(const INMSG *, const INBOUND_CONF *);
extern bool inmsg_body(INMSG *, const INBOUND_CONF *, const void *data, size_t len);
extern int inmsg_eom(INMSG *, const INBOUND_CONF *, long today, IN_PLAN *);
extern void inplan_free(IN_PLAN *);

extern const char *inmsg_sender(const INMSG *);
extern const char *inmsg_helo_name(const INMSG *);
extern const char *inmsg_client_ip(const INMSG *);
extern bool inmsg_local_submission(const INMSG *);
extern size_t inmsg_bounce_rcpts(const INMSG *);

extern int in_letter_add(void *letter, const char *address, const char *department,
			         const char *owner, const char *event, const char *contact);
extern void in_letter_free(IN_LETTER *);

extern bool inbound_policy_reason(const char *reason);
extern bool inbound_kind(REPORT_KIND kind, const REPORT_RCPT *, EV_KIND *out);
extern int inbound_evidence(const REPORT *, const char *ref, const IN_LETTER *,
			            const char *seed, time_t now, IN_RESULT *);
extern void inbound_result_free(IN_RESULT *);
extern void inbound_reply_item(const IN_PLAN *, const char *address, time_t now,
			               EVIDENCE *);
extern void inbound_key(const char *address, char *key, size_t size);
extern int inbound_parse_size(const char *text, size_t *out);
extern const char *in_role_name(IN_ROLE);
extern const char *in_tag_name(IN_TAG);

#endif
