#ifndef LIVEADDR_OUTBOUND_H
#define LIVEADDR_OUTBOUND_H

/*++
 * NAME
 *	outbound 3h
 * SUMMARY
 *	what the milter does to one of the dealer's outgoing letters
 * SYNOPSIS
 *	#include "outbound.h"
 * DESCRIPTION
 *	See outbound.c.
 *--*/

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#include "addr.h"
#include "evidence.h"
#include "hint.h"
#include "tag.h"

#define OUT_RCPT_MAX	1000		/* recipients tracked in one letter */
#define OUT_DELETE_MAX	64		/* our headers removed from one letter */

typedef struct {
    char  **daemon_names;		/* {daemon_name} values that are outbound */
    size_t  ndaemon;
    bool    authenticated;		/* SMTP AUTH makes a letter outbound */
    char  **sender_domains;		/* so does a sender in these domains */
    size_t  nsender;
    bool    pickup;			/* and local submission (sendmail) */
    const char *bounce_domain;		/* signed envelope senders go here */
    time_t  tag_lifetime;		/* how long a tag verifies */
    const TAG_KEYRING *tag_keys;	/* NULL: letters are not tagged */
    const TAG_KEYRING *hint_keys;	/* NULL: CRM hints are never honoured */
    time_t  hint_max_age;
    const char *tracking_header;	/* "X-Liveaddr-Tag" */
    const char *msgtype_header;		/* NULL: none; "X-Mailru-Msgtype" */
} OUTBOUND_CONF;

typedef enum {
    OUT_NO = 0,				/* not outbound: left alone */
    OUT_DAEMON,				/* the submission service */
    OUT_AUTH,				/* an authenticated sender */
    OUT_SENDER_DOMAIN,			/* a listed sender domain */
    OUT_PICKUP,				/* local submission */
} OUT_WHY;

typedef struct {
    char    name[64];
    int     index;			/* the n-th header of that name, from 1 */
} OUT_DELETE;

typedef struct {
    char    raw[ADDR_ADDRESS_MAX + 3];	/* as given, without <> */
    char    key[ADDR_ADDRESS_MAX + 1];	/* the storage key, "" when unparsable */
    char    domain[ADDR_ADDRESS_MAX + 1];	/* the ASCII domain */
} OUT_RCPT;

typedef struct OUTMSG OUTMSG;

typedef struct {
    OUT_WHY why;
    char    ref[TAG_REF_LEN + 1];	/* the message reference, "" when untagged */
    char    new_sender[TAG_TEXT_MAX + ADDR_ADDRESS_MAX + 4];	/* "<tag@domain>", or "" */
    char    tag[TAG_TEXT_MAX];		/* the tracking header's value, or "" */
    char    msgtype[EV_WORD_MAX * 2 + 2];	/* the message-type header's value, or "" */
    const OUT_DELETE *deletes;		/* our headers to remove */
    size_t  ndelete;
    bool    overflow;			/* more of our headers than OUT_DELETE_MAX */
    bool    hint_present;
    HINT_STATUS hint_status;		/* when present */
    HINT    hint;			/* honoured when hint_status is HINT_OK */
    EVIDENCE *items;			/* "sent", one a recipient */
    size_t  nitems;
} OUT_PLAN;

extern OUTMSG *outmsg_new(void);
extern void outmsg_free(OUTMSG *);
extern void outmsg_connect(OUTMSG *, const char *hostname, bool local_submission);
extern void outmsg_reset(OUTMSG *);
extern OUT_WHY outmsg_mail(OUTMSG *, const OUTBOUND_CONF *, const char *sender,
			           const char *daemon_name, const char *auth_authen);
extern const OUT_RCPT *outmsg_rcpt(OUTMSG *, const char *recipient);
extern void outmsg_rcpt_drop(OUTMSG *);
extern void outmsg_header(OUTMSG *, const char *name, const char *value);
extern int outmsg_eom(OUTMSG *, const OUTBOUND_CONF *, time_t now,
		              const char *queue_id, OUT_PLAN *);
extern void outmsg_plan_free(OUT_PLAN *);
extern OUT_WHY outmsg_why(const OUTMSG *);
extern size_t outmsg_rcpt_count(const OUTMSG *);
extern const char *outmsg_rcpt_key(const OUTMSG *, size_t);
extern const char *out_why_name(OUT_WHY);

#endif
