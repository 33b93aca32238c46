#ifndef LIVEADDR_STATE_H
#define LIVEADDR_STATE_H

/*++
 * NAME
 *	state 3h
 * SUMMARY
 *	the address record and the rules that turn evidence into state
 * SYNOPSIS
 *	#include "state.h"
 * DESCRIPTION
 *	See state.c.
 *--*/

#include <stdbool.h>
#include <time.h>

#include "evidence.h"

/* Validity: does the mailbox exist?  Stale is a flag on top of valid. */
typedef enum {
    VAL_UNKNOWN = 0,			/* no proof either way */
    VAL_VALID,				/* positive proof */
    VAL_RISKY,				/* soft bounces: may be dying */
    VAL_INVALID,			/* hard bounce, no such domain, ... */
    VAL_COUNT
} VALIDITY;

/* Suppression: may we mail it?  Bits, independent of validity. */
#define SUPP_COMPLAINT	(1u<<0)		/* the customer complained (ARF) */
#define SUPP_MANUAL	(1u<<1)		/* do-not-mail set by a person */

typedef struct {
    VALIDITY validity;
    bool    stale;			/* valid, but the proof is too old */
    unsigned suppression;		/* SUPP_* */
    char    reason[EV_WORD_MAX + 1];	/* why this validity (a rule name) */
    char    last_status[EV_WORD_MAX + 1];	/* last RFC 3463 code seen */
    unsigned n_sent;
    unsigned n_delivered;
    unsigned n_positive;		/* deliveries, replies, confirmations */
    unsigned n_hard;
    unsigned n_soft;			/* all soft bounces ever */
    unsigned n_policy;
    unsigned n_complaint;
    unsigned soft_days;			/* distinct days in the current streak */
    time_t  soft_first;			/* first soft bounce of the streak; 0 */
    long    soft_last_day;		/* day number (when / 86400) of the last */
    time_t  first_seen;
    time_t  last_sent;
    time_t  last_delivered;
    time_t  last_bounce;		/* last hard or soft bounce */
    time_t  last_hard;
    time_t  last_positive;		/* last positive proof */
    time_t  last_confirmed;
    time_t  updated;			/* last evidence applied */
    char    department[EV_WORD_MAX + 1];
    char    owner[EV_NAME_MAX + 1];
    char    contact[EV_NAME_MAX + 1];
    char    confirm_source[EV_WORD_MAX + 1];
} RECORD;

typedef struct {
    unsigned soft_limit;		/* soft bounces on distinct days ... */
    time_t  soft_window;		/* ... within this window: invalid */
    time_t  stale_age_sales;		/* positive proof older: stale */
    time_t  stale_age_service;
    time_t  stale_age_other;		/* any other or no department */
} STATE_POLICY;

#define STATE_CHANGED_VALIDITY	(1u<<0)
#define STATE_CHANGED_STALE	(1u<<1)
#define STATE_CHANGED_SUPPRESSION	(1u<<2)
#define STATE_CHANGED_RECORD	(1u<<3)	/* anything at all */

extern void state_policy_defaults(STATE_POLICY *);
extern void state_record_init(RECORD *);
extern unsigned state_apply(RECORD *, const EVIDENCE *, time_t now,
			            const STATE_POLICY *);
extern unsigned state_refresh(RECORD *, time_t now, const STATE_POLICY *);
extern void state_fold(RECORD *out, const RECORD *base, const EVIDENCE *items,
		               size_t n, time_t now, const STATE_POLICY *);
extern void state_fold_prefix(RECORD *base, const EVIDENCE *items, size_t n,
			              size_t prefix, const STATE_POLICY *);
extern const char *state_validity_name(VALIDITY);
extern const char *state_validity_text(VALIDITY, bool stale, const char *lang);
extern time_t state_stale_age(const RECORD *, const STATE_POLICY *);

#endif
