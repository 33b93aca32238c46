/*++
 * NAME
 *	state 3
 * SUMMARY
 *	the address record and the rules that turn evidence into state
 * SYNOPSIS
 *	#include "state.h"
 *
 *	void	state_policy_defaults(STATE_POLICY *pol)
 *	void	state_record_init(RECORD *rec)
 *	unsigned state_apply(RECORD *rec, const EVIDENCE *ev, time_t now,
 *				const STATE_POLICY *pol)
 *	unsigned state_refresh(RECORD *rec, time_t now,
 *				const STATE_POLICY *pol)
 *	void	state_fold(RECORD *out, const RECORD *base,
 *				const EVIDENCE *items, size_t n, time_t now,
 *				const STATE_POLICY *pol)
 *	void	state_fold_prefix(RECORD *base, const EVIDENCE *items,
 *				size_t n, size_t prefix, const STATE_POLICY *pol)
 *	const char *state_validity_name(VALIDITY v)
 *	const char *state_validity_text(VALIDITY v, bool stale,
 *				const char *lang)
 *	time_t	state_stale_age(const RECORD *rec, const STATE_POLICY *pol)
 * DESCRIPTION
 *	A RECORD is what liveaddr knows about one address, on two axes that
 *	never mix: validity (does the mailbox exist?  unknown, valid, risky,
 *	invalid, and "stale" as a flag on valid) and suppression (may we
 *	mail it?  SUPP_COMPLAINT, SUPP_MANUAL).  The rules are one function
 *	of (record, evidence, now), written as a table keyed by EV_KIND.
 *	Each row says which counters the kind adds to, which times it moves
 *	forward (a time only ever grows: max), whether it carries an RFC
 *	3463 status, which suppression bits it sets or clears, and which
 *	rule decides its effect on validity:
 *
 * .nf
 *	kind            counters         times                 supp   validity rule
 *	sent            n_sent           last_sent             -      none
 *	delivered       n_delivered,     last_delivered,       -      proof
 *	                n_positive       last_positive
 *	autoreply       n_positive       last_positive         -      proof
 *	reply           n_positive       last_positive         -      proof
 *	confirmed       n_positive       last_positive,        -      confirmed
 *	                                 last_confirmed
 *	hard_bounce     n_hard           last_bounce,last_hard -      hard
 *	soft_bounce     n_soft           last_bounce           -      soft
 *	policy_block    n_policy         -                     -      none
 *	complaint       n_complaint      last_positive         +C     proof
 *	suppress        -                -                     +M     none
 *	unsuppress      -                -                     -C -M  none
 *	domain_invalid  -                -                     -      negative
 *	undo            -                -                     -      none
 * .fi
 *
 *	Every item moves `updated' forward.  Every item but an undo also
 *	moves `first_seen' back to the earliest time, and passes on a
 *	non-empty department, owner and contact when it is not older than
 *	anything applied before (ev->when >= updated): the latest wins.
 *	Bounces keep their non-empty status in last_status.
 *
 *	The validity rules.  "Newer" compares ev->when, the time the thing
 *	happened, not the time the notice arrived: a late notice about an
 *	older letter must not undo what newer evidence said.
 * .IP proof
 *	A delivery, an auto-reply, a reply, a confirmation or a complaint
 *	(which proves the mailbox exists) makes the address valid, with the
 *	kind's name as reason, and ends the soft-bounce streak.  A hard
 *	bounce at least as new as the proof stands: then only counters and
 *	times change.  So does a soft streak with a bounce at least as new:
 *	the proof only cuts from the streak the days that may lie before it,
 *	and the streak alone decides (risky, or invalid at the limit; this
 *	also replaces an invalid verdict older than the proof).  When the
 *	address is valid already, the reason follows the newest proof.  A
 *	confirmation also keeps its source (ev->reason: link, loyalty-card,
 *	service-desk) in confirm_source when it is the newest.
 * .IP hard
 *	A hard bounce makes the address invalid at once, reason ev->reason
 *	or "hard_bounce", unless a positive proof is newer.
 * .IP soft
 *	A soft bounce older than the last proof changes counters only.
 *	Otherwise it joins the running streak, or opens a new one when there
 *	is none, when it is more than soft_window after the streak's first
 *	bounce (the streak decayed), or when a proof came after the streak
 *	began.  The streak counts distinct days (when / 86400, UTC): three
 *	bounces on one day are one day.  soft_limit days make the address
 *	invalid ("soft_bounces"); fewer make it risky (ev->reason or
 *	"soft_bounce"), but never turn an invalid address risky.
 * .IP negative
 *	A domain that takes no mail makes the address invalid, reason
 *	ev->reason or "domain_invalid", unless a positive proof is newer.
 * .IP none
 *	Sending proves nothing; a policy block (5.7.x) speaks about our
 *	reputation, not the address; suppression is the other axis; an
 *	undo is done by state_fold().
 * .PP
 *	At equal times a bounce wins over a proof, so the result does not
 *	depend on which notice came first.
 *
 *	state_refresh() applies what time alone changes.  Decay: a risky
 *	address whose last soft bounce is more than soft_window old (and no
 *	hard bounce after it) goes back to valid when it ever had a positive
 *	proof, else to unknown, reason "decayed", and the streak ends.
 *	Staleness: a valid address whose last proof is older than
 *	state_stale_age() is stale; anything else is not.  state_apply()
 *	calls it at the end; a periodic sweep calls it alone.
 *
 *	state_apply() applies one item and returns the STATE_CHANGED_* bits
 *	for what differs afterwards (the item and the refresh together):
 *	validity, stale, suppression, and RECORD when anything at all
 *	changed (a new reason alone, a counter, a time).  An EV_UNDO only
 *	moves `updated'.  state_refresh() returns the same bits.
 *
 *	state_fold() computes a record from `base' (NULL: a new record) and
 *	the items in their given order (the record keeps them in time order),
 *	then refreshes it at
 *	`now'.  It is how an undo works: the store folds the history again.
 *	An item is skipped when a live EV_UNDO among the items names its id
 *	in `target'; an undo is live unless a live undo names it in turn.
 *	Undos are resolved from the last to the first, so undoing an undo
 *	(a person changing their mind) brings the item back.  An undo that
 *	is live moves `updated' and nothing else.  Items are applied without
 *	refreshing in between, so a history folded long after the fact
 *	gives the state it had as the items came in, refreshed once.  `out'
 *	may be `base'.
 *
 *	state_fold_prefix() applies items[0..prefix) to `base' in place,
 *	skipping those a live undo among all n items takes back, and does not
 *	refresh: it is how the oldest items of a history are folded into the
 *	record's base (a soft streak in the base must not decay there; the
 *	fold of the whole history refreshes once, at the end).
 *
 *	state_validity_name() gives the stable machine name: "unknown",
 *	"valid", "risky", "invalid".  state_validity_text() gives the badge
 *	text in English, or in Russian when lang is "ru"; stale counts only
 *	on a valid address.  state_stale_age() picks the policy's age by
 *	department ("sales", "service", case-insensitive; anything else,
 *	or none, is "other").  An age of 0 means "never stale".
 *
 *	A NULL policy means state_policy_defaults(): soft_limit 3 days in a
 *	soft_window of 30 days; stale after 365 days in every department.
 * LIMITS
 *	The record keeps no history, so late arrivals are judged by what it
 *	does keep.  Where soft-bounce days must be guessed, the guess errs
 *	towards the milder verdict.  A soft bounce's day is counted when it
 *	surely is a new one: after the streak's last day, before its first
 *	(if the streak then still fits in soft_window), or between the two
 *	when only those two were seen.  So a day is never counted twice, and
 *	with soft_limit 3 or less (bounces within one window, no late proof
 *	among them) the order of arrival does not matter; a fourth or later
 *	day that arrives out of order may go uncounted.  Likewise a late
 *	proof inside a streak keeps only the days that surely came after it.
 *	A domain verdict keeps no time of its own: a proof that arrives
 *	after it makes the address valid whatever its time.  Suppression
 *	follows arrival order: an unsuppress lifts every complaint received
 *	before it; a complaint received after it suppresses again.
 *	Attribution "latest wins" compares with `updated', which any item
 *	moves, so an attributed item older than an unattributed newer one
 *	does not overwrite the attribution.
 * MEMORY
 *	RECORD, EVIDENCE and STATE_POLICY are plain structs that belong to
 *	the caller; nothing is kept between calls, so every function may be
 *	called from any thread on records of its own.  state_fold() borrows
 *	n bytes while it runs and frees them.
 * DIAGNOSTICS
 *	state_apply() logs a warning and changes nothing for an evidence
 *	kind out of range (0 is returned).  When state_fold() cannot get
 *	memory for its undo bookkeeping it logs an error and skips every
 *	item that any undo names (an undone undo does not bring it back).
 *--*/

#include "config.h"

#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "log.h"
#include "state.h"

#define STATE_DAY	86400
#define STATE_NO_DAY	(-1L)

 /*
  * The counters and times a row may touch, named by bit, found by offset.
  */
typedef enum {
    CNT_SENT, CNT_DELIVERED, CNT_POSITIVE, CNT_HARD, CNT_SOFT, CNT_POLICY,
    CNT_COMPLAINT, CNT_COUNT
} STATE_COUNTER;

static const size_t state_counter_off[CNT_COUNT] = {
    [CNT_SENT] = offsetof(RECORD, n_sent),
    [CNT_DELIVERED] = offsetof(RECORD, n_delivered),
    [CNT_POSITIVE] = offsetof(RECORD, n_positive),
    [CNT_HARD] = offsetof(RECORD, n_hard),
    [CNT_SOFT] = offsetof(RECORD, n_soft),
    [CNT_POLICY] = offsetof(RECORD, n_policy),
    [CNT_COMPLAINT] = offsetof(RECORD, n_complaint),
};

typedef enum {
    TIM_SENT, TIM_DELIVERED, TIM_BOUNCE, TIM_HARD, TIM_POSITIVE,
    TIM_CONFIRMED, TIM_COUNT
} STATE_TIME;

static const size_t state_time_off[TIM_COUNT] = {
    [TIM_SENT] = offsetof(RECORD, last_sent),
    [TIM_DELIVERED] = offsetof(RECORD, last_delivered),
    [TIM_BOUNCE] = offsetof(RECORD, last_bounce),
    [TIM_HARD] = offsetof(RECORD, last_hard),
    [TIM_POSITIVE] = offsetof(RECORD, last_positive),
    [TIM_CONFIRMED] = offsetof(RECORD, last_confirmed),
};

#define N(c)	(1u << CNT_##c)
#define T(t)	(1u << TIM_##t)

typedef struct STATE_ROW STATE_ROW;

typedef void (*STATE_RULE) (RECORD *, const EVIDENCE *, const STATE_ROW *,
			            const STATE_POLICY *);

struct STATE_ROW {
    unsigned counters;			/* N(...): add one */
    unsigned times;			/* T(...): move forward to ev->when */
    unsigned supp_set;			/* SUPP_* bits to set */
    unsigned supp_clear;		/* SUPP_* bits to clear */
    unsigned flags;			/* ABOUT, STATUS */
    STATE_RULE rule;			/* the effect on validity; NULL none */
    const char *reason;			/* the rule's reason when ev has none */
};

#define ABOUT	(1u<<0)			/* first_seen, attribution (not undo) */
#define STATUS	(1u<<1)			/* keep ev->status in last_status */

static void state_rule_proof(RECORD *, const EVIDENCE *, const STATE_ROW *,
			             const STATE_POLICY *);
static void state_rule_confirmed(RECORD *, const EVIDENCE *, const STATE_ROW *,
				         const STATE_POLICY *);
static void state_rule_hard(RECORD *, const EVIDENCE *, const STATE_ROW *,
			            const STATE_POLICY *);
static void state_rule_soft(RECORD *, const EVIDENCE *, const STATE_ROW *,
			            const STATE_POLICY *);
static void state_rule_negative(RECORD *, const EVIDENCE *, const STATE_ROW *,
				        const STATE_POLICY *);

#define SUPP_ALL	(SUPP_COMPLAINT | SUPP_MANUAL)

static const STATE_ROW state_rows[EV_KIND_COUNT] = {
    /* counters, times; suppression set, clear; flags; validity rule, reason */
    [EV_SENT] = {N(SENT), T(SENT),
	0, 0, ABOUT, NULL, NULL},
    [EV_DELIVERED] = {N(DELIVERED) | N(POSITIVE), T(DELIVERED) | T(POSITIVE),
	0, 0, ABOUT, state_rule_proof, "delivered"},
    [EV_AUTOREPLY] = {N(POSITIVE), T(POSITIVE),
	0, 0, ABOUT, state_rule_proof, "autoreply"},
    [EV_REPLY] = {N(POSITIVE), T(POSITIVE),
	0, 0, ABOUT, state_rule_proof, "reply"},
    [EV_CONFIRMED] = {N(POSITIVE), T(POSITIVE) | T(CONFIRMED),
	0, 0, ABOUT, state_rule_confirmed, "confirmed"},
    [EV_BOUNCE_HARD] = {N(HARD), T(BOUNCE) | T(HARD),
	0, 0, ABOUT | STATUS, state_rule_hard, "hard_bounce"},
    [EV_BOUNCE_SOFT] = {N(SOFT), T(BOUNCE),
	0, 0, ABOUT | STATUS, state_rule_soft, "soft_bounce"},
    [EV_BOUNCE_POLICY] = {N(POLICY), 0,
	0, 0, ABOUT | STATUS, NULL, NULL},
    [EV_COMPLAINT] = {N(COMPLAINT), T(POSITIVE),
	SUPP_COMPLAINT, 0, ABOUT, state_rule_proof, "complaint"},
    [EV_SUPPRESS] = {0, 0,
	SUPP_MANUAL, 0, ABOUT, NULL, NULL},
    [EV_UNSUPPRESS] = {0, 0,
	0, SUPP_ALL, ABOUT, NULL, NULL},
    [EV_DOMAIN_INVALID] = {0, 0,
	0, 0, ABOUT, state_rule_negative, "domain_invalid"},
    [EV_UNDO] = {0, 0,
	0, 0, 0, NULL, NULL},
};

static const struct {
    const char *name;			/* stable, for machines */
    const char *en;			/* the badge */
    const char *ru;
}       state_validity_tab[VAL_COUNT] = {
    [VAL_UNKNOWN] = {"unknown", "not checked", "не проверен"},
    [VAL_VALID] = {"valid", "valid", "действителен"},
    [VAL_RISKY] = {"risky", "risky", "сомнителен"},
    [VAL_INVALID] = {"invalid", "invalid", "недействителен"},
};

#define STATE_STALE_EN	"stale: please re-confirm"
#define STATE_STALE_RU	"устарел — подтвердите адрес"

void    state_policy_defaults(STATE_POLICY *pol)
{
    pol->soft_limit = 3;
    pol->soft_window = 30 * STATE_DAY;
    pol->stale_age_sales = 365 * STATE_DAY;
    pol->stale_age_service = 365 * STATE_DAY;
    pol->stale_age_other = 365 * STATE_DAY;
}

void    state_record_init(RECORD *rec)
{
    memset(rec, 0, sizeof(*rec));
    rec->validity = VAL_UNKNOWN;
    rec->soft_last_day = STATE_NO_DAY;
}

/* state_day - the UTC day number of a time */

static long state_day(time_t when)
{
    return ((long) (when / STATE_DAY));
}

/* state_set - give the record a validity and the reason for it */

static void state_set(RECORD *rec, VALIDITY v, const char *reason)
{
    rec->validity = v;
    evidence_set(rec->reason, sizeof(rec->reason), reason);
}

/* state_reason - the item's own reason, or the row's */

static const char *state_reason(const EVIDENCE *ev, const STATE_ROW *row)
{
    return (ev->reason[0] ? ev->reason : row->reason);
}

/* state_streak_end - forget the soft-bounce streak */

static void state_streak_end(RECORD *rec)
{
    rec->soft_days = 0;
    rec->soft_first = 0;
    rec->soft_last_day = STATE_NO_DAY;
}

/* state_streak_set - the soft streak's verdict: risky, at the limit invalid */

static void state_streak_set(RECORD *rec, const char *reason,
			             const STATE_POLICY *pol)
{
    if (rec->soft_days >= pol->soft_limit)
	state_set(rec, VAL_INVALID, "soft_bounces");
    else if (rec->validity != VAL_RISKY || reason != NULL)
	state_set(rec, VAL_RISKY, reason ? reason : "soft_bounce");
}

/* state_streak_count - add a soft bounce's day when it is surely a new one */

static void state_streak_count(RECORD *rec, time_t when, const STATE_POLICY *pol)
{
    long    day = state_day(when);
    long    first = state_day(rec->soft_first);

    if (rec->soft_days == 0) {
	/* The first bounce of a streak. */
	rec->soft_first = when;
	rec->soft_last_day = day;
	rec->soft_days = 1;
    } else if (day > rec->soft_last_day) {
	/* After every day seen: the usual case. */
	rec->soft_days++;
	rec->soft_last_day = day;
    } else if (when < rec->soft_first) {
	/* A late one from before the streak, unless that stretches it too far. */
	if (rec->last_bounce - when > pol->soft_window)
	    return;
	if (day < first)
	    rec->soft_days++;
	rec->soft_first = when;
    } else if (day > first && day < rec->soft_last_day && rec->soft_days == 2) {
	/* Between the only two days seen. */
	rec->soft_days++;
    }
    /* Any other day may have been seen: not counted, never counted twice. */
}

/* state_streak_split - a late proof inside the streak: keep what surely came after */

static void state_streak_split(RECORD *rec, time_t when)
{
    long    before, after;

    if (when <= rec->soft_first)
	return;
    /* At most this many of the streak's days lie on or before the proof's day; */
    before = state_day(when) - state_day(rec->soft_first) + 1;
    /* the rest surely came after it, and so did the newest bounce. */
    after = (long) rec->soft_days - before;
    rec->soft_days = after > 1 ? (unsigned) after : 1;
    rec->soft_first = when;
}

/* state_rule_proof - the mailbox exists: valid, unless a bounce is as new */

static void state_rule_proof(RECORD *rec, const EVIDENCE *ev,
			             const STATE_ROW *row, const STATE_POLICY *pol)
{
    /* A hard bounce at least as new stands. */
    if (rec->last_hard != 0 && rec->last_hard >= ev->when)
	return;
    /* So does a soft streak with a bounce at least as new. */
    if (rec->soft_days > 0 && rec->last_bounce >= ev->when) {
	state_streak_split(rec, ev->when);
	state_streak_set(rec, NULL, pol);
	return;
    }
    state_streak_end(rec);
    /* Valid already: the reason names the newest proof. */
    if (rec->validity != VAL_VALID || rec->last_positive == ev->when)
	state_set(rec, VAL_VALID, row->reason);
}

/* state_rule_confirmed - a proof that also says where it came from */

static void state_rule_confirmed(RECORD *rec, const EVIDENCE *ev,
			             const STATE_ROW *row, const STATE_POLICY *pol)
{
    if (rec->last_confirmed == ev->when)
	EVIDENCE_SET(rec, confirm_source, ev->reason);
    state_rule_proof(rec, ev, row, pol);
}

/* state_rule_hard - no such mailbox: invalid, unless a proof is newer */

static void state_rule_hard(RECORD *rec, const EVIDENCE *ev,
			            const STATE_ROW *row, const STATE_POLICY *pol)
{
    if (rec->last_positive > ev->when)
	return;
    if (rec->validity != VAL_INVALID || rec->last_hard == ev->when)
	state_set(rec, VAL_INVALID, state_reason(ev, row));
}

/* state_rule_soft - a streak of soft bounces: risky, at the limit invalid */

static void state_rule_soft(RECORD *rec, const EVIDENCE *ev,
			            const STATE_ROW *row, const STATE_POLICY *pol)
{
    if (rec->last_positive > ev->when)
	return;
    /* No streak, a decayed one, or one that a proof interrupted: start anew. */
    if (rec->soft_days == 0 || ev->when - rec->soft_first > pol->soft_window
	|| rec->last_positive > rec->soft_first)
	state_streak_end(rec);
    state_streak_count(rec, ev->when, pol);
    /* Soft bounces never make an invalid address less so. */
    if (rec->validity != VAL_INVALID)
	state_streak_set(rec, rec->last_bounce == ev->when ?
			 state_reason(ev, row) : NULL, pol);
}

/* state_rule_negative - the domain takes no mail: invalid, unless proof is newer */

static void state_rule_negative(RECORD *rec, const EVIDENCE *ev,
			            const STATE_ROW *row, const STATE_POLICY *pol)
{
    if (rec->last_positive > ev->when)
	return;
    state_set(rec, VAL_INVALID, state_reason(ev, row));
}

/* state_take - copy an attribution field when the item has one */

static void state_take(char *field, size_t size, const char *value)
{
    if (value[0])
	evidence_set(field, size, value);
}

/* state_rules - apply one item's row, without refreshing */

static int state_rules(RECORD *rec, const EVIDENCE *ev, const STATE_POLICY *pol)
{
    const STATE_ROW *row;

    if ((unsigned) ev->kind >= EV_KIND_COUNT) {
	log_warn("state: evidence %s: unknown kind %d", ev->id, (int) ev->kind);
	return (-1);
    }
    row = state_rows + ev->kind;
    if (row->flags & ABOUT) {
	if (rec->first_seen == 0 || ev->when < rec->first_seen)
	    rec->first_seen = ev->when;
	if (ev->when >= rec->updated) {
	    state_take(rec->department, sizeof(rec->department), ev->department);
	    state_take(rec->owner, sizeof(rec->owner), ev->owner);
	    state_take(rec->contact, sizeof(rec->contact), ev->contact);
	}
    }
    if (ev->when > rec->updated)
	rec->updated = ev->when;
    for (int c = 0; c < CNT_COUNT; c++)
	if (row->counters & (1u << c))
	    *(unsigned *) ((char *) rec + state_counter_off[c]) += 1;
    for (int t = 0; t < TIM_COUNT; t++) {
	time_t *tp = (time_t *) ((char *) rec + state_time_off[t]);

	if ((row->times & (1u << t)) && ev->when > *tp)
	    *tp = ev->when;
    }
    if ((row->flags & STATUS) && ev->status[0])
	EVIDENCE_SET(rec, last_status, ev->status);
    rec->suppression = (rec->suppression | row->supp_set) & ~row->supp_clear;
    if (row->rule)
	row->rule(rec, ev, row, pol);
    return (0);
}

/* state_same - every field equal (padding aside) */

static bool state_same(const RECORD *a, const RECORD *b)
{
    return (a->validity == b->validity && a->stale == b->stale
	    && a->suppression == b->suppression
	    && strcmp(a->reason, b->reason) == 0
	    && strcmp(a->last_status, b->last_status) == 0
	    && a->n_sent == b->n_sent && a->n_delivered == b->n_delivered
	    && a->n_positive == b->n_positive && a->n_hard == b->n_hard
	    && a->n_soft == b->n_soft && a->n_policy == b->n_policy
	    && a->n_complaint == b->n_complaint
	    && a->soft_days == b->soft_days && a->soft_first == b->soft_first
	    && a->soft_last_day == b->soft_last_day
	    && a->first_seen == b->first_seen && a->last_sent == b->last_sent
	    && a->last_delivered == b->last_delivered
	    && a->last_bounce == b->last_bounce && a->last_hard == b->last_hard
	    && a->last_positive == b->last_positive
	    && a->last_confirmed == b->last_confirmed
	    && a->updated == b->updated
	    && strcmp(a->department, b->department) == 0
	    && strcmp(a->owner, b->owner) == 0
	    && strcmp(a->contact, b->contact) == 0
	    && strcmp(a->confirm_source, b->confirm_source) == 0);
}

/* state_changes - the STATE_CHANGED_* bits between two records */

static unsigned state_changes(const RECORD *before, const RECORD *after)
{
    unsigned bits = 0;

    if (before->validity != after->validity)
	bits |= STATE_CHANGED_VALIDITY;
    if (before->stale != after->stale)
	bits |= STATE_CHANGED_STALE;
    if (before->suppression != after->suppression)
	bits |= STATE_CHANGED_SUPPRESSION;
    if (bits || !state_same(before, after))
	bits |= STATE_CHANGED_RECORD;
    return (bits);
}

/* state_policy - the caller's policy, or the defaults */

static const STATE_POLICY *state_policy(const STATE_POLICY *pol, STATE_POLICY *buf)
{
    if (pol != NULL)
	return (pol);
    state_policy_defaults(buf);
    return (buf);
}

time_t  state_stale_age(const RECORD *rec, const STATE_POLICY *pol)
{
    STATE_POLICY defaults;

    pol = state_policy(pol, &defaults);
    if (strcasecmp(rec->department, "sales") == 0)
	return (pol->stale_age_sales);
    if (strcasecmp(rec->department, "service") == 0)
	return (pol->stale_age_service);
    return (pol->stale_age_other);
}

unsigned state_refresh(RECORD *rec, time_t now, const STATE_POLICY *pol)
{
    STATE_POLICY defaults;
    RECORD  before;
    time_t  age;

    pol = state_policy(pol, &defaults);
    memcpy(&before, rec, sizeof(before));

    /* Decay: soft bounces that stopped long ago no longer count. */
    if (rec->validity == VAL_RISKY && rec->soft_days > 0
	&& now - rec->last_bounce > pol->soft_window
	&& rec->last_hard < rec->last_bounce) {
	state_set(rec, rec->last_positive ? VAL_VALID : VAL_UNKNOWN, "decayed");
	state_streak_end(rec);
    }
    /* Stale: the proof of a valid address is too old. */
    age = state_stale_age(rec, pol);
    rec->stale = rec->validity == VAL_VALID && age > 0
	&& now - rec->last_positive > age;
    return (state_changes(&before, rec));
}

unsigned state_apply(RECORD *rec, const EVIDENCE *ev, time_t now,
		             const STATE_POLICY *pol)
{
    STATE_POLICY defaults;
    RECORD  before;

    pol = state_policy(pol, &defaults);
    memcpy(&before, rec, sizeof(before));
    if (state_rules(rec, ev, pol) < 0)
	return (0);
    (void) state_refresh(rec, now, pol);
    return (state_changes(&before, rec));
}

/* state_undo_marks - which items a live undo takes back; NULL: no memory */

static bool *state_undo_marks(const EVIDENCE *items, size_t n)
{
    bool   *skip;

    if ((skip = calloc(n ? n : 1, sizeof(*skip))) == NULL)
	return (NULL);
    /* From the last: an undo that was itself taken back takes nothing. */
    for (size_t j = n; j-- > 0;) {
	if (items[j].kind != EV_UNDO || skip[j] || items[j].target[0] == 0)
	    continue;
	for (size_t i = 0; i < n; i++)
	    if (i != j && strcmp(items[i].id, items[j].target) == 0)
		skip[i] = true;
    }
    return (skip);
}

/* state_undone - is item i taken back?  (without marks: by any undo) */

static bool state_undone(const EVIDENCE *items, size_t n, size_t i,
			         const bool *skip)
{
    if (skip != NULL)
	return (skip[i]);
    for (size_t j = 0; j < n; j++)
	if (j != i && items[j].kind == EV_UNDO && items[j].target[0]
	    && strcmp(items[i].id, items[j].target) == 0)
	    return (true);
    return (false);
}

void    state_fold(RECORD *out, const RECORD *base, const EVIDENCE *items,
		           size_t n, time_t now, const STATE_POLICY *pol)
{
    STATE_POLICY defaults;
    RECORD  rec;
    bool   *skip;

    pol = state_policy(pol, &defaults);
    if (base != NULL)
	memcpy(&rec, base, sizeof(rec));
    else
	state_record_init(&rec);
    if ((skip = state_undo_marks(items, n)) == NULL)
	log_error("state: fold: out of memory; an undone undo is ignored");
    for (size_t i = 0; i < n; i++)
	if (!state_undone(items, n, i, skip))
	    (void) state_rules(&rec, items + i, pol);
    free(skip);
    (void) state_refresh(&rec, now, pol);
    memcpy(out, &rec, sizeof(rec));
}

void    state_fold_prefix(RECORD *base, const EVIDENCE *items, size_t n, size_t prefix,
			          const STATE_POLICY *pol)
{
    STATE_POLICY defaults;
    bool   *skip;

    pol = state_policy(pol, &defaults);
    if ((skip = state_undo_marks(items, n)) == NULL)
	log_error("state: fold: out of memory; an undone undo is ignored");
    for (size_t i = 0; i < prefix && i < n; i++)
	if (!state_undone(items, n, i, skip))
	    (void) state_rules(base, items + i, pol);
    free(skip);
}

const char *state_validity_name(VALIDITY v)
{
    return ((unsigned) v < VAL_COUNT ? state_validity_tab[v].name : "?");
}

const char *state_validity_text(VALIDITY v, bool stale, const char *lang)
{
    bool    ru = lang != NULL && strcmp(lang, "ru") == 0;

    if ((unsigned) v >= VAL_COUNT)
	return ("?");
    if (v == VAL_VALID && stale)
	return (ru ? STATE_STALE_RU : STATE_STALE_EN);
    return (ru ? state_validity_tab[v].ru : state_validity_tab[v].en);
}
