/*
 * test_state - the rules that turn evidence into the state of an address.
 *
 * The rule table is tested row by row: each row below is a short history
 * of evidence (kind, time, reason), the moment it is looked at, and the
 * state it must give: validity, reason, stale, suppression and the days
 * of the soft-bounce streak.  Unless a row says otherwise it is checked
 * twice, applied one item at a time as the items arrive (state_apply) and
 * folded from scratch (state_fold), since the store folds the history
 * again after an undo and must get the same answer.  Further tests cover
 * the order of arrival, counters and times, attribution, the change bits,
 * the periodic refresh and the names and badge texts.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>
#include <syslog.h>

#include "unit.h"
#include "log.h"
#include "state.h"

/* 2023-11-14 00:00:00 UTC: a day boundary, so D() and H() fall on known days */
#define T0	((time_t) 19675 * 86400)
#define D(d)	((time_t) (d) * 86400)
#define H(h)	((time_t) (h) * 3600)
#define ADDR	"ivan@example.ru"

typedef enum {
    BOTH,				/* state_apply and state_fold agree */
    LIVE,				/* state_apply only */
    FOLD,				/* state_fold only (undo) */
} MODE;

typedef struct {
    EV_KIND kind;
    time_t  at;				/* after T0 */
    const char *reason;			/* NULL: none */
    int     undo;			/* EV_UNDO: the step taken back */
} STEP;

#define MAX_STEPS	8
#define END		{EV_KIND_COUNT, 0, NULL, 0}

typedef struct {
    const char *name;			/* the rule, said as a specification */
    MODE    mode;
    const char *dept;			/* department on every step */
    time_t  service_age;		/* 0: the default policy */
    STEP    steps[MAX_STEPS];
    time_t  now;			/* after T0 */
    VALIDITY validity;
    const char *reason;
    bool    stale;
    unsigned supp;
    unsigned streak;			/* soft_days */
} ROW;

#define SENT(t)		{EV_SENT, (t), NULL, 0}
#define DELIVERED(t)	{EV_DELIVERED, (t), NULL, 0}
#define AUTOREPLY(t)	{EV_AUTOREPLY, (t), NULL, 0}
#define REPLY(t)	{EV_REPLY, (t), NULL, 0}
#define CONFIRMED(t, r)	{EV_CONFIRMED, (t), (r), 0}
#define HARD(t, r)	{EV_BOUNCE_HARD, (t), (r), 0}
#define SOFT(t)		{EV_BOUNCE_SOFT, (t), "mailboxfull", 0}
#define POLICY(t)	{EV_BOUNCE_POLICY, (t), "blocked", 0}
#define COMPLAINT(t)	{EV_COMPLAINT, (t), NULL, 0}
#define SUPPRESS(t)	{EV_SUPPRESS, (t), NULL, 0}
#define UNSUPPRESS(t)	{EV_UNSUPPRESS, (t), NULL, 0}
#define DOMAIN(t, r)	{EV_DOMAIN_INVALID, (t), (r), 0}
#define UNDO(t, i)	{EV_UNDO, (t), NULL, (i)}

static const ROW rows[] = {
    /* Each kind on its own. */
    {"new record: unknown, no reason, not stale, not suppressed", BOTH, "", 0,
	{END}, 0, VAL_UNKNOWN, "", false, 0, 0},
    {"sent: sending proves nothing, unknown stays unknown", BOTH, "", 0,
	{SENT(0), END}, H(1), VAL_UNKNOWN, "", false, 0, 0},
    {"delivered: the MX took the letter, valid", BOTH, "", 0,
	{SENT(0), DELIVERED(H(1)), END}, H(2), VAL_VALID, "delivered", false, 0, 0},
    {"autoreply: an RFC 3834 auto-reply proves the mailbox, valid", BOTH, "", 0,
	{SENT(0), AUTOREPLY(H(1)), END}, H(2), VAL_VALID, "autoreply", false, 0, 0},
    {"reply: a person answered, valid", BOTH, "", 0,
	{SENT(0), REPLY(H(1)), END}, H(2), VAL_VALID, "reply", false, 0, 0},
    {"confirmed: a loyalty-card confirmation, valid, reason confirmed", BOTH, "", 0,
	{CONFIRMED(0, "loyalty-card"), END}, H(1), VAL_VALID, "confirmed", false, 0, 0},
    {"hard bounce: user unknown makes a valid address invalid at once", BOTH, "", 0,
	{DELIVERED(0), HARD(D(1), "userunknown"), END}, D(1),
    VAL_INVALID, "userunknown", false, 0, 0},
    {"hard bounce without a reason: invalid, reason hard_bounce", BOTH, "", 0,
	{HARD(0, NULL), END}, H(1), VAL_INVALID, "hard_bounce", false, 0, 0},
    {"hard bounce: a newer proof revives the address", BOTH, "", 0,
	{HARD(0, "userunknown"), REPLY(D(10)), END}, D(10), VAL_VALID, "reply", false, 0, 0},
    {"hard bounce: the reason names the newest one, not the last to arrive", BOTH, "", 0,
	{HARD(D(5), "userunknown"), HARD(D(3), "hostunknown"), END}, D(5),
    VAL_INVALID, "userunknown", false, 0, 0},

    /* The soft-bounce streak and its threshold. */
    {"soft: one mailbox-full makes an unknown address risky", BOTH, "", 0,
	{SOFT(0), END}, H(1), VAL_RISKY, "mailboxfull", false, 0, 1},
    {"soft: one bounce on a valid address makes it risky, default reason", BOTH, "", 0,
	{DELIVERED(0), {EV_BOUNCE_SOFT, D(1), NULL, 0}, END}, D(1),
    VAL_RISKY, "soft_bounce", false, 0, 1},
    {"soft: 2 bounces on distinct days, risky", BOTH, "", 0,
	{SOFT(0), SOFT(D(1)), END}, D(1), VAL_RISKY, "mailboxfull", false, 0, 2},
    {"soft: 3 bounces on distinct days within 30 days, invalid", BOTH, "", 0,
	{SOFT(0), SOFT(D(1)), SOFT(D(2)), END}, D(2),
    VAL_INVALID, "soft_bounces", false, 0, 3},
    {"soft: 3 bounces on the same day count as 1 day, risky", BOTH, "", 0,
	{SOFT(H(1)), SOFT(H(5)), SOFT(H(23)), END}, H(23),
    VAL_RISKY, "mailboxfull", false, 0, 1},
    {"soft: 3 bounces over 32 days, the streak decayed, risky", BOTH, "", 0,
	{SOFT(0), SOFT(D(16)), SOFT(D(32)), END}, D(32),
    VAL_RISKY, "mailboxfull", false, 0, 1},
    {"soft: the third bounce exactly 30 days after the first still counts", BOTH, "", 0,
	{SOFT(0), SOFT(D(15)), SOFT(D(30)), END}, D(30),
    VAL_INVALID, "soft_bounces", false, 0, 3},
    {"soft: a proof between bounces resets the count", BOTH, "", 0,
	{SOFT(0), SOFT(D(1)), DELIVERED(D(2)), SOFT(D(3)), END}, D(3),
    VAL_RISKY, "mailboxfull", false, 0, 1},
    {"soft: a bounce older than the last proof changes counters only", BOTH, "", 0,
	{DELIVERED(D(5)), SOFT(D(3)), END}, D(5), VAL_VALID, "delivered", false, 0, 0},
    {"soft: a bounce on an invalid address keeps it invalid and its reason", BOTH, "", 0,
	{HARD(0, "userunknown"), SOFT(D(1)), END}, D(1),
    VAL_INVALID, "userunknown", false, 0, 1},
    {"soft: reaching the limit on a hard-bounced address keeps the hard reason", BOTH, "", 0,
	{HARD(0, "userunknown"), SOFT(D(1)), SOFT(D(2)), SOFT(D(3)), END}, D(3),
    VAL_INVALID, "userunknown", false, 0, 3},
    {"soft: a late bounce on a day already seen is not counted twice", BOTH, "", 0,
	{SOFT(H(1)), SOFT(D(2)), SOFT(H(5)), END}, D(2),
    VAL_RISKY, "mailboxfull", false, 0, 2},
    {"soft: late bounces from new earlier days count, invalid", BOTH, "", 0,
	{SOFT(D(3)), SOFT(D(1)), SOFT(D(2)), END}, D(3),
    VAL_INVALID, "soft_bounces", false, 0, 3},
    {"soft: a late bounce that would stretch the streak past 30 days is left out", BOTH, "", 0,
	{SOFT(D(10)), SOFT(D(26)), SOFT(-D(5)), END}, D(26),
    VAL_RISKY, "mailboxfull", false, 0, 2},
    {"soft: a late bounce between days when 3 are seen may repeat one: not counted", BOTH, "", 0,
	{SOFT(D(1)), SOFT(D(2)), SOFT(D(4)), SOFT(D(2) + H(5)), END}, D(4),
    VAL_INVALID, "soft_bounces", false, 0, 3},
    {"soft: a proof held back by a newer hard bounce still starts a new streak", BOTH, "", 0,
	{SOFT(D(1)), SOFT(D(2)), HARD(D(5), "userunknown"), DELIVERED(D(3)), SOFT(D(6)), END},
	D(6), VAL_INVALID, "userunknown", false, 0, 1},

    /* What says nothing about the address. */
    {"policy: a 5.7.x block on a valid address leaves it valid", BOTH, "", 0,
	{DELIVERED(0), POLICY(D(1)), END}, D(1), VAL_VALID, "delivered", false, 0, 0},
    {"policy: a block on an unknown address leaves it unknown", BOTH, "", 0,
	{POLICY(0), END}, H(1), VAL_UNKNOWN, "", false, 0, 0},
    {"policy: blocks do not add to a soft streak", BOTH, "", 0,
	{SOFT(0), POLICY(D(1)), POLICY(D(2)), END}, D(2),
    VAL_RISKY, "mailboxfull", false, 0, 1},

    /* Suppression, the other axis. */
    {"complaint: the mailbox exists (valid) and may not be mailed", BOTH, "", 0,
	{SENT(0), COMPLAINT(H(1)), END}, H(2),
    VAL_VALID, "complaint", false, SUPP_COMPLAINT, 0},
    {"complaint after a hard bounce: the mailbox exists after all", BOTH, "", 0,
	{HARD(0, "userunknown"), COMPLAINT(D(3)), END}, D(3),
    VAL_VALID, "complaint", false, SUPP_COMPLAINT, 0},
    {"complaint older than a hard bounce: suppressed, still invalid", BOTH, "", 0,
	{HARD(D(5), "userunknown"), COMPLAINT(D(3)), END}, D(5),
    VAL_INVALID, "userunknown", false, SUPP_COMPLAINT, 0},
    {"suppress: do-not-mail by hand, validity unchanged", BOTH, "", 0,
	{DELIVERED(0), SUPPRESS(H(1)), END}, H(1),
    VAL_VALID, "delivered", false, SUPP_MANUAL, 0},
    {"unsuppress: a person lifts both bits, validity unchanged", BOTH, "", 0,
	{COMPLAINT(0), SUPPRESS(H(1)), UNSUPPRESS(H(2)), END}, H(2),
    VAL_VALID, "complaint", false, 0, 0},
    {"suppress after unsuppress: do-not-mail again", BOTH, "", 0,
	{SUPPRESS(0), UNSUPPRESS(H(1)), SUPPRESS(H(2)), END}, H(2),
    VAL_UNKNOWN, "", false, SUPP_MANUAL, 0},

    /* DNS verdicts. */
    {"domain_invalid: a null MX makes the address invalid", BOTH, "", 0,
	{DOMAIN(0, "null_mx"), END}, H(1), VAL_INVALID, "null_mx", false, 0, 0},
    {"domain_invalid without a reason: invalid, reason domain_invalid", BOTH, "", 0,
	{DOMAIN(0, NULL), END}, H(1), VAL_INVALID, "domain_invalid", false, 0, 0},
    {"domain_invalid newer than the last proof: invalid", BOTH, "", 0,
	{DELIVERED(0), DOMAIN(D(3), "nxdomain"), END}, D(3),
    VAL_INVALID, "nxdomain", false, 0, 0},
    {"domain_invalid older than the last proof changes nothing", BOTH, "", 0,
	{DELIVERED(D(5)), DOMAIN(D(3), "nxdomain"), END}, D(5),
    VAL_VALID, "delivered", false, 0, 0},

    /* Late notices: what happened later wins, not what arrived later. */
    {"late DSN: an older delivery does not undo a newer hard bounce", BOTH, "", 0,
	{HARD(D(5), "userunknown"), DELIVERED(D(3)), END}, D(5),
    VAL_INVALID, "userunknown", false, 0, 0},
    {"late DSN: an older hard bounce does not undo a newer delivery", BOTH, "", 0,
	{DELIVERED(D(5)), HARD(D(3), "userunknown"), END}, D(5),
    VAL_VALID, "delivered", false, 0, 0},
    {"late notice: an older delivery does not end a newer soft streak", BOTH, "", 0,
	{SOFT(D(5)), SOFT(D(6)), DELIVERED(D(3)), END}, D(6),
    VAL_RISKY, "mailboxfull", false, 0, 2},
    {"late notice: a proof inside a streak keeps only the days after it", BOTH, "", 0,
	{SOFT(D(1)), SOFT(D(3)), SOFT(D(4)), DELIVERED(D(2)), END}, D(4),
    VAL_RISKY, "soft_bounce", false, 0, 1},
    {"late notice: a proof between an old hard bounce and a soft one, risky", BOTH, "", 0,
	{HARD(D(1), "userunknown"), SOFT(D(3)), DELIVERED(D(2)), END}, D(3),
    VAL_RISKY, "soft_bounce", false, 0, 1},
    {"late notice: the reason names the newest proof", BOTH, "", 0,
	{REPLY(D(5)), DELIVERED(D(3)), END}, D(5), VAL_VALID, "reply", false, 0, 0},
    {"same second: a hard bounce wins over a delivery (delivery first)", BOTH, "", 0,
	{DELIVERED(H(1)), HARD(H(1), "userunknown"), END}, H(1),
    VAL_INVALID, "userunknown", false, 0, 0},
    {"same second: a hard bounce wins over a delivery (bounce first)", BOTH, "", 0,
	{HARD(H(1), "userunknown"), DELIVERED(H(1)), END}, H(1),
    VAL_INVALID, "userunknown", false, 0, 0},

    /* Decay: what time alone does to soft bounces. */
    {"decay: risky without proof is unknown again a window after the bounce", BOTH, "", 0,
	{SOFT(0), END}, D(30) + 1, VAL_UNKNOWN, "decayed", false, 0, 0},
    {"decay: not yet at exactly the window", BOTH, "", 0,
	{SOFT(0), END}, D(30), VAL_RISKY, "mailboxfull", false, 0, 1},
    {"decay: risky with an earlier proof is valid again", BOTH, "", 0,
	{DELIVERED(0), SOFT(D(10)), END}, D(41), VAL_VALID, "decayed", false, 0, 0},
    {"decay: the window counts from the last soft bounce, not the first", BOTH, "", 0,
	{SOFT(0), SOFT(D(20)), END}, D(45), VAL_RISKY, "mailboxfull", false, 0, 2},
    {"decay: invalid by soft bounces does not decay", BOTH, "", 0,
	{SOFT(0), SOFT(D(1)), SOFT(D(2)), END}, D(400),
    VAL_INVALID, "soft_bounces", false, 0, 3},
    {"decay: back to valid on an old proof, and that proof is stale", BOTH, "", 0,
	{DELIVERED(0), SOFT(D(360)), END}, D(400), VAL_VALID, "decayed", true, 0, 0},

    /* Staleness by department. */
    {"stale: a sales proof 366 days old is stale", BOTH, "sales", 0,
	{DELIVERED(0), END}, D(366), VAL_VALID, "delivered", true, 0, 0},
    {"stale: a sales proof exactly 365 days old is still fresh", BOTH, "sales", 0,
	{DELIVERED(0), END}, D(365), VAL_VALID, "delivered", false, 0, 0},
    {"stale: service with a 180-day policy is stale at 200 days", BOTH, "service", D(180),
	{DELIVERED(0), END}, D(200), VAL_VALID, "delivered", true, 0, 0},
    {"stale: sales under that same policy is fresh at 200 days", BOTH, "sales", D(180),
	{DELIVERED(0), END}, D(200), VAL_VALID, "delivered", false, 0, 0},
    {"stale: Service in capitals is the service department", BOTH, "Service", D(180),
	{DELIVERED(0), END}, D(200), VAL_VALID, "delivered", true, 0, 0},
    {"stale: no department takes the other age, 365 days", BOTH, "", D(180),
	{DELIVERED(0), END}, D(366), VAL_VALID, "delivered", true, 0, 0},
    {"stale: a new confirmation makes the address fresh again", BOTH, "sales", 0,
	{DELIVERED(0), CONFIRMED(D(400), "link"), END}, D(401),
    VAL_VALID, "confirmed", false, 0, 0},
    {"stale: only a valid address can be stale", BOTH, "sales", 0,
	{HARD(0, "userunknown"), END}, D(1000), VAL_INVALID, "userunknown", false, 0, 0},

    /* Undo: the store folds the history again without the item. */
    {"undo: taking back the hard bounce makes the address valid again", FOLD, "", 0,
	{DELIVERED(0), HARD(D(5), "userunknown"), UNDO(D(6), 1), END}, D(6),
    VAL_VALID, "delivered", false, 0, 0},
    {"undo: taking back a complaint lifts its suppression", FOLD, "", 0,
	{SENT(0), COMPLAINT(H(1)), UNDO(H(2), 1), END}, H(2),
    VAL_UNKNOWN, "", false, 0, 0},
    {"undo: taking back a manual suppression", FOLD, "", 0,
	{DELIVERED(0), SUPPRESS(H(1)), UNDO(H(2), 1), END}, H(2),
    VAL_VALID, "delivered", false, 0, 0},
    {"undo of the undo: the hard bounce counts again", FOLD, "", 0,
	{DELIVERED(0), HARD(D(5), "userunknown"), UNDO(D(6), 1), UNDO(D(7), 2), END},
	D(7), VAL_INVALID, "userunknown", false, 0, 0},
    {"undo, redo, undo: the hard bounce is taken back", FOLD, "", 0,
	{DELIVERED(0), HARD(D(5), "userunknown"), UNDO(D(6), 1), UNDO(D(7), 2),
	UNDO(D(8), 3), END}, D(8), VAL_VALID, "delivered", false, 0, 0},
    {"undo: taking back one of three soft bounces leaves a risky address", FOLD, "", 0,
	{SOFT(0), SOFT(D(1)), SOFT(D(2)), UNDO(D(3), 1), END}, D(3),
    VAL_RISKY, "mailboxfull", false, 0, 2},
    {"undo: state_apply alone leaves the undone item in force", LIVE, "", 0,
	{DELIVERED(0), HARD(D(5), "userunknown"), UNDO(D(6), 1), END}, D(6),
    VAL_INVALID, "userunknown", false, 0, 0},
};

#define NROWS	(sizeof(rows) / sizeof(rows[0]))

/* make - one evidence item: step i of a history */

static void make(EVIDENCE *ev, const STEP *step, int i, const char *dept)
{
    char    id[16];

    evidence_init(ev, step->kind, T0 + step->at, ADDR);
    snprintf(id, sizeof(id), "e%d", i);
    EVIDENCE_SET(ev, id, id);
    EVIDENCE_SET(ev, reason, step->reason);
    EVIDENCE_SET(ev, department, dept);
    if (step->kind == EV_UNDO) {
	snprintf(id, sizeof(id), "e%d", step->undo);
	EVIDENCE_SET(ev, target, id);
    }
    if (step->kind == EV_BOUNCE_HARD)
	EVIDENCE_SET(ev, status, "5.1.1");
    else if (step->kind == EV_BOUNCE_SOFT)
	EVIDENCE_SET(ev, status, "4.2.2");
    else if (step->kind == EV_BOUNCE_POLICY)
	EVIDENCE_SET(ev, status, "5.7.1");
}

/* make_all - the items of a row; returns how many */

static size_t make_all(EVIDENCE *items, const ROW *row)
{
    size_t  n = 0;

    for (; n < MAX_STEPS && row->steps[n].kind != EV_KIND_COUNT; n++)
	make(items + n, row->steps + n, (int) n, row->dept);
    return (n);
}

/* expect - the state a row must give */

static void expect(const RECORD *rec, const ROW *row, const char *how)
{
    if (rec->validity != row->validity || strcmp(rec->reason, row->reason) != 0
	|| rec->stale != row->stale || rec->suppression != row->supp
	|| rec->soft_days != row->streak)
	print_message("# %s: %s \"%s\" stale %d supp %u streak %u\n", how,
		      state_validity_name(rec->validity), rec->reason,
		      rec->stale, rec->suppression, rec->soft_days);
    assert_string_equal(state_validity_name(rec->validity),
			state_validity_name(row->validity));
    assert_string_equal(rec->reason, row->reason);
    assert_int_equal(rec->stale, row->stale);
    assert_int_equal(rec->suppression, row->supp);
    assert_int_equal(rec->soft_days, row->streak);
}

/* rule_row - one row of the rule table, as it arrives and folded */

static void rule_row(void **state)
{
    const ROW *row = *state;
    EVIDENCE items[MAX_STEPS];
    size_t  n = make_all(items, row);
    STATE_POLICY pol;
    RECORD  rec;

    state_policy_defaults(&pol);
    if (row->service_age)
	pol.stale_age_service = row->service_age;
    if (row->mode != FOLD) {
	time_t  arrival = T0;

	/* A notice arrives no earlier than anything before it. */
	state_record_init(&rec);
	for (size_t i = 0; i < n; i++) {
	    if (items[i].when > arrival)
		arrival = items[i].when;
	    state_apply(&rec, items + i, arrival, &pol);
	}
	state_refresh(&rec, T0 + row->now, &pol);
	expect(&rec, row, "applied");
    }
    if (row->mode != LIVE) {
	state_fold(&rec, NULL, items, n, T0 + row->now, &pol);
	expect(&rec, row, "folded");
    }
}

 /*
  * Order of arrival: every permutation of a history must give the same
  * validity as the history in time order.
  */
typedef struct {
    const char *name;
    STEP    steps[5];
    VALIDITY validity;			/* the answer in time order */
} SCENARIO;

static const SCENARIO scenarios[] = {
    {"any order: newer delivery, older hard bounce: valid",
	{HARD(D(1), "userunknown"), DELIVERED(D(2)), END}, VAL_VALID},
    {"any order: older delivery, newer hard bounce: invalid",
	{DELIVERED(D(1)), HARD(D(2), "userunknown"), END}, VAL_INVALID},
    {"any order: confirmation, hard bounce, reply: valid",
	{CONFIRMED(D(1), "link"), HARD(D(2), "userunknown"), REPLY(D(3)), END}, VAL_VALID},
    {"any order: complaint then a newer hard bounce: invalid",
	{COMPLAINT(D(1)), HARD(D(2), "userunknown"), END}, VAL_INVALID},
    {"any order: hard bounce, autoreply, soft bounce: risky",
	{HARD(D(1), "userunknown"), AUTOREPLY(D(2)), SOFT(D(3)), END}, VAL_RISKY},
    {"any order: 3 soft bounces on distinct days: invalid",
	{SOFT(D(1)), SOFT(D(2)), SOFT(D(3)), END}, VAL_INVALID},
    {"any order: 3 soft bounces on 2 days: risky",
	{SOFT(D(1)), SOFT(D(1) + H(3)), SOFT(D(2)), END}, VAL_RISKY},
    {"any order: soft, delivery, soft, soft: risky",
	{SOFT(D(1)), DELIVERED(D(2)), SOFT(D(3)), SOFT(D(4)), END}, VAL_RISKY},
    {"any order: a confirmation before 3 soft bounces: invalid",
	{CONFIRMED(D(0), "service-desk"), SOFT(D(1)), SOFT(D(2)), SOFT(D(3)), END},
    VAL_INVALID},
    {"any order: delivery, soft, hard, autoreply: valid",
	{DELIVERED(D(1)), SOFT(D(2)), HARD(D(3), "userunknown"), AUTOREPLY(D(4)), END},
    VAL_VALID},
    {"any order: soft bounce and a policy block after a delivery: risky",
	{DELIVERED(D(1)), POLICY(D(2)), SOFT(D(3)), END}, VAL_RISKY},
    {"any order: delivery and hard bounce in the same second: invalid",
	{DELIVERED(H(1)), HARD(H(1), "userunknown"), END}, VAL_INVALID},
};

#define NSCENARIOS	(sizeof(scenarios) / sizeof(scenarios[0]))

/* permute - the next permutation of p[0..n) in lexical order; false at the end */

static bool permute(size_t *p, size_t n)
{
    size_t  i, j, t;

    if (n < 2)
	return (false);
    for (i = n - 1; i > 0 && p[i - 1] >= p[i]; i--)
	 /* void */ ;
    if (i == 0)
	return (false);
    for (j = n - 1; p[j] <= p[i - 1]; j--)
	 /* void */ ;
    t = p[i - 1], p[i - 1] = p[j], p[j] = t;
    for (j = n - 1; i < j; i++, j--)
	t = p[i], p[i] = p[j], p[j] = t;
    return (true);
}

/* any_order - every permutation of a scenario gives the same validity */

static void any_order(void **state)
{
    const SCENARIO *sc = *state;
    EVIDENCE items[5], shuffled[5];
    size_t  p[5], n = 0;
    RECORD  rec;
    int     count = 0;

    for (; sc->steps[n].kind != EV_KIND_COUNT; n++) {
	make(items + n, sc->steps + n, (int) n, "");
	p[n] = n;
    }
    do {
	for (size_t i = 0; i < n; i++)
	    shuffled[i] = items[p[i]];
	state_fold(&rec, NULL, shuffled, n, T0 + D(5), NULL);
	if (rec.validity != sc->validity)
	    print_message("# order %zu %zu %zu %zu: %s\n", p[0], p[1],
			  n > 2 ? p[2] : 0, n > 3 ? p[3] : 0,
			  state_validity_name(rec.validity));
	assert_string_equal(state_validity_name(rec.validity),
			    state_validity_name(sc->validity));
	count++;
    } while (permute(p, n));
    assert_true(count >= 2);
}

/* counters_and_times - every kind adds to its counter and moves its time */

static void counters_and_times(void **state)
{
    static const STEP steps[] = {
	SENT(D(1)), DELIVERED(D(2)), AUTOREPLY(D(3)), REPLY(D(4)),
	CONFIRMED(D(5), "link"), SOFT(D(6)), POLICY(D(7)),
	HARD(D(8), "userunknown"), COMPLAINT(D(9)), SENT(D(10)),
	HARD(D(0), "hostunknown"),	/* a late one: counts, moves nothing back */
    };
    RECORD  rec;
    EVIDENCE ev;

    state_record_init(&rec);
    for (size_t i = 0; i < sizeof(steps) / sizeof(steps[0]); i++) {
	make(&ev, steps + i, (int) i, "");
	state_apply(&rec, &ev, T0 + D(10), NULL);
    }
    assert_int_equal(rec.n_sent, 2);
    assert_int_equal(rec.n_delivered, 1);
    assert_int_equal(rec.n_positive, 4);	/* delivered, autoreply, reply, confirmed */
    assert_int_equal(rec.n_soft, 1);
    assert_int_equal(rec.n_policy, 1);
    assert_int_equal(rec.n_hard, 2);
    assert_int_equal(rec.n_complaint, 1);
    assert_int_equal(rec.first_seen, T0);
    assert_int_equal(rec.last_sent, T0 + D(10));
    assert_int_equal(rec.last_delivered, T0 + D(2));
    assert_int_equal(rec.last_confirmed, T0 + D(5));
    assert_int_equal(rec.last_bounce, T0 + D(8));
    assert_int_equal(rec.last_hard, T0 + D(8));
    assert_int_equal(rec.last_positive, T0 + D(9));	/* the complaint */
    assert_int_equal(rec.updated, T0 + D(10));
    /* The status of the last bounce to arrive (the late hard one). */
    assert_string_equal(rec.last_status, "5.1.1");
    assert_string_equal(rec.confirm_source, "link");
    /* The complaint (day 9) is newer than the hard bounce (day 8). */
    assert_int_equal(rec.validity, VAL_VALID);
    assert_string_equal(rec.reason, "complaint");
    assert_int_equal(rec.suppression, SUPP_COMPLAINT);
    /* A bounce without a status leaves the last one in place. */
    {
	STEP    step = {EV_BOUNCE_POLICY, D(10), NULL, 0};

	make(&ev, &step, 20, "");
	ev.status[0] = 0;
	state_apply(&rec, &ev, T0 + D(10), NULL);
	assert_string_equal(rec.last_status, "5.1.1");
	assert_int_equal(rec.n_policy, 2);
    }
}

/* confirm_source - the newest confirmation says where it came from */

static void confirm_source(void **state)
{
    static const STEP steps[] = {
	CONFIRMED(D(5), "loyalty-card"),
	CONFIRMED(D(2), "link"),	/* older: the source stays */
	CONFIRMED(D(7), "service-desk"),
    };
    const char *expected[] = {"loyalty-card", "loyalty-card", "service-desk"};
    RECORD  rec;
    EVIDENCE ev;

    state_record_init(&rec);
    for (size_t i = 0; i < 3; i++) {
	make(&ev, steps + i, (int) i, "");
	state_apply(&rec, &ev, T0 + D(7), NULL);
	assert_string_equal(rec.confirm_source, expected[i]);
    }
    assert_int_equal(rec.last_confirmed, T0 + D(7));
    assert_int_equal(rec.n_positive, 3);
}

/* attribution - department, owner and contact: the latest item wins */

static void attribution(void **state)
{
    RECORD  rec;
    EVIDENCE ev;
    STEP    sent = SENT(D(1));

    state_record_init(&rec);
    make(&ev, &sent, 0, "sales");
    EVIDENCE_SET(&ev, owner, "petrov");
    EVIDENCE_SET(&ev, contact, "c-1001");
    state_apply(&rec, &ev, T0 + D(1), NULL);
    assert_string_equal(rec.department, "sales");
    assert_string_equal(rec.owner, "petrov");
    assert_string_equal(rec.contact, "c-1001");

    /* Newer, with a department only: the others stay. */
    sent.at = D(3);
    make(&ev, &sent, 1, "service");
    state_apply(&rec, &ev, T0 + D(3), NULL);
    assert_string_equal(rec.department, "service");
    assert_string_equal(rec.owner, "petrov");

    /* Older than what was applied: it does not overwrite. */
    sent.at = D(2);
    make(&ev, &sent, 2, "sales");
    EVIDENCE_SET(&ev, owner, "sidorov");
    state_apply(&rec, &ev, T0 + D(3), NULL);
    assert_string_equal(rec.department, "service");
    assert_string_equal(rec.owner, "petrov");
    /* ... but it moves first_seen no further back than it is. */
    assert_int_equal(rec.first_seen, T0 + D(1));

    /* An undo carries nothing: it only moves `updated'. */
    {
	STEP    undo = UNDO(D(4), 0);

	make(&ev, &undo, 3, "other");
	state_apply(&rec, &ev, T0 + D(4), NULL);
	assert_string_equal(rec.department, "service");
	assert_int_equal(rec.updated, T0 + D(4));
	assert_int_equal(rec.first_seen, T0 + D(1));
    }
}

/* changed_bits - state_apply says what changed */

static void changed_bits(void **state)
{
    RECORD  rec;
    EVIDENCE ev;
    STEP    step;
    const STEP steps[] = {
	SENT(D(1)),			/* counters only */
	DELIVERED(D(2)),		/* unknown -> valid */
	DELIVERED(D(3)),		/* valid stays valid, same reason */
	COMPLAINT(D(4)),		/* suppression; a new reason is no new validity */
	POLICY(D(5)),			/* counters only */
	UNSUPPRESS(D(6)),		/* suppression lifted */
	UNDO(D(1), 0),			/* older than updated: nothing at all */
    };
    const unsigned expected[] = {
	STATE_CHANGED_RECORD,
	STATE_CHANGED_VALIDITY | STATE_CHANGED_RECORD,
	STATE_CHANGED_RECORD,
	STATE_CHANGED_SUPPRESSION | STATE_CHANGED_RECORD,
	STATE_CHANGED_RECORD,
	STATE_CHANGED_SUPPRESSION | STATE_CHANGED_RECORD,
	0,
    };

    state_record_init(&rec);
    for (size_t i = 0; i < sizeof(steps) / sizeof(steps[0]); i++) {
	make(&ev, steps + i, (int) i, "sales");
	assert_int_equal(state_apply(&rec, &ev, T0 + D(6), NULL), expected[i]);
    }
    /* An item applied long after the proof: the refresh marks it stale. */
    step = (STEP) SENT(D(400));
    make(&ev, &step, 9, "sales");
    assert_int_equal(state_apply(&rec, &ev, T0 + D(400), NULL),
		     STATE_CHANGED_STALE | STATE_CHANGED_RECORD);
    assert_true(rec.stale);
    /* A bad kind changes nothing; the warning is silenced here. */
    log_set_level(LOG_ERR);
    ev.kind = EV_KIND_COUNT;
    assert_int_equal(state_apply(&rec, &ev, T0 + D(400), NULL), 0);
    log_set_level(LOG_INFO);
}

/* sweep - state_refresh alone: decay and staleness as time passes */

static void sweep(void **state)
{
    STATE_POLICY pol;
    RECORD  rec;
    EVIDENCE ev;
    STEP    steps[] = {DELIVERED(0), SOFT(D(100))};

    state_policy_defaults(&pol);
    state_record_init(&rec);
    for (int i = 0; i < 2; i++) {
	make(&ev, steps + i, i, "service");
	state_apply(&rec, &ev, T0 + steps[i].at, &pol);
    }
    assert_int_equal(rec.validity, VAL_RISKY);
    /* Within the window: nothing. */
    assert_int_equal(state_refresh(&rec, T0 + D(130), &pol), 0);
    /* After it: valid again (the delivery), reason "decayed". */
    assert_int_equal(state_refresh(&rec, T0 + D(131), &pol),
		     STATE_CHANGED_VALIDITY | STATE_CHANGED_RECORD);
    assert_int_equal(rec.validity, VAL_VALID);
    assert_string_equal(rec.reason, "decayed");
    assert_int_equal(rec.soft_days, 0);
    assert_int_equal(rec.soft_first, 0);
    /* The same again: nothing. */
    assert_int_equal(state_refresh(&rec, T0 + D(131), &pol), 0);
    /* Stale after the service age; a shorter policy makes it stale sooner. */
    assert_int_equal(state_refresh(&rec, T0 + D(365), &pol), 0);
    assert_int_equal(state_refresh(&rec, T0 + D(366), &pol),
		     STATE_CHANGED_STALE | STATE_CHANGED_RECORD);
    assert_true(rec.stale);
    pol.stale_age_service = 0;		/* 0: never stale */
    assert_int_equal(state_refresh(&rec, T0 + D(366), &pol),
		     STATE_CHANGED_STALE | STATE_CHANGED_RECORD);
    assert_false(rec.stale);
}

/* fold_base - folding on top of a stored record, and into it */

static void fold_base(void **state)
{
    static const STEP older[] = {SENT(0), DELIVERED(H(1))};
    static const STEP newer[] = {SOFT(D(1)), HARD(D(2), "userunknown"), UNDO(D(3), 1)};
    EVIDENCE a[2], b[3], all[5];
    RECORD  base, rec, whole;

    for (int i = 0; i < 2; i++)
	make(a + i, older + i, i, "sales");
    for (int i = 0; i < 3; i++)
	make(b + i, newer + i, 10 + i, "sales");
    /* UNDO targets "e1" of its own numbering: point it at the hard bounce. */
    EVIDENCE_SET(b + 2, target, "e11");
    state_fold(&base, NULL, a, 2, T0 + H(1), NULL);
    assert_int_equal(base.validity, VAL_VALID);

    state_fold(&rec, &base, b, 3, T0 + D(3), NULL);
    memcpy(all, a, sizeof(a));
    memcpy(all + 2, b, sizeof(b));
    state_fold(&whole, NULL, all, 5, T0 + D(3), NULL);
    assert_int_equal(rec.validity, VAL_RISKY);
    assert_int_equal(whole.validity, VAL_RISKY);
    assert_int_equal(rec.n_hard, 0);
    assert_int_equal(rec.n_positive, whole.n_positive);
    assert_int_equal(rec.updated, T0 + D(3));

    /* out may be base; no items: only the refresh. */
    state_fold(&base, &base, b, 3, T0 + D(3), NULL);
    assert_int_equal(base.validity, VAL_RISKY);
    state_fold(&base, &base, NULL, 0, T0 + D(40), NULL);
    assert_int_equal(base.validity, VAL_VALID);
    assert_string_equal(base.reason, "decayed");
    state_fold(&rec, NULL, NULL, 0, T0, NULL);
    assert_int_equal(rec.validity, VAL_UNKNOWN);
    assert_int_equal(rec.soft_last_day, -1);
}

/* names_and_texts - machine names and the badge in English and Russian */

static void names_and_texts(void **state)
{
    static const struct {
	VALIDITY v;
	bool    stale;
	const char *name, *en, *ru;
    }       cases[] = {
	{VAL_UNKNOWN, false, "unknown", "not checked", "не проверен"},
	{VAL_VALID, false, "valid", "valid", "действителен"},
	{VAL_VALID, true, "valid", "stale: please re-confirm", "устарел — подтвердите адрес"},
	{VAL_RISKY, false, "risky", "risky", "сомнителен"},
	{VAL_RISKY, true, "risky", "risky", "сомнителен"},	/* stale only on valid */
	{VAL_INVALID, false, "invalid", "invalid", "недействителен"},
	{VAL_COUNT, false, "?", "?", "?"},
    };

    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
	assert_string_equal(state_validity_name(cases[i].v), cases[i].name);
	assert_string_equal(state_validity_text(cases[i].v, cases[i].stale, "en"), cases[i].en);
	assert_string_equal(state_validity_text(cases[i].v, cases[i].stale, NULL), cases[i].en);
	assert_string_equal(state_validity_text(cases[i].v, cases[i].stale, "ru"), cases[i].ru);
    }
}

/* policy_and_ages - the defaults, and the stale age by department */

static void policy_and_ages(void **state)
{
    static const struct {
	const char *dept;
	time_t  age;
    }       cases[] = {
	{"sales", D(400)}, {"SALES", D(400)}, {"service", D(180)},
	{"parts", D(730)}, {"", D(730)},
    };
    STATE_POLICY pol;
    RECORD  rec;

    state_policy_defaults(&pol);
    assert_int_equal(pol.soft_limit, 3);
    assert_int_equal(pol.soft_window, D(30));
    assert_int_equal(pol.stale_age_sales, D(365));
    assert_int_equal(pol.stale_age_service, D(365));
    assert_int_equal(pol.stale_age_other, D(365));
    state_record_init(&rec);
    assert_int_equal(state_stale_age(&rec, NULL), D(365));
    pol.stale_age_sales = D(400);
    pol.stale_age_service = D(180);
    pol.stale_age_other = D(730);
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
	EVIDENCE_SET(&rec, department, cases[i].dept);
	assert_int_equal(state_stale_age(&rec, &pol), cases[i].age);
    }
}

/* soft_limit_policy - the threshold comes from the policy */

static void soft_limit_policy(void **state)
{
    STATE_POLICY pol;
    RECORD  rec;
    EVIDENCE ev;

    state_policy_defaults(&pol);
    pol.soft_limit = 2;
    pol.soft_window = D(7);
    state_record_init(&rec);
    for (int i = 0; i < 2; i++) {
	STEP    step = SOFT(D(i * 8));	/* 8 days apart: past a 7-day window */

	make(&ev, &step, i, "");
	state_apply(&rec, &ev, T0 + step.at, &pol);
    }
    assert_int_equal(rec.validity, VAL_RISKY);
    assert_int_equal(rec.soft_days, 1);
    {
	STEP    step = SOFT(D(9));

	make(&ev, &step, 3, "");
	state_apply(&rec, &ev, T0 + step.at, &pol);
    }
    assert_int_equal(rec.validity, VAL_INVALID);
    assert_string_equal(rec.reason, "soft_bounces");
}

int     main(void)
{
    static const struct CMUnitTest others[] = {
	cmocka_unit_test(counters_and_times),
	cmocka_unit_test(confirm_source),
	cmocka_unit_test(attribution),
	cmocka_unit_test(changed_bits),
	cmocka_unit_test(sweep),
	cmocka_unit_test(fold_base),
	cmocka_unit_test(names_and_texts),
	cmocka_unit_test(policy_and_ages),
	cmocka_unit_test(soft_limit_policy),
    };
    struct CMUnitTest tests[NROWS + NSCENARIOS + sizeof(others) / sizeof(others[0])];
    size_t  n = 0;

    for (size_t i = 0; i < NROWS; i++)
	tests[n++] = (struct CMUnitTest) {
	rows[i].name, rule_row, NULL, NULL, (void *) &rows[i]
	};
    for (size_t i = 0; i < NSCENARIOS; i++)
	tests[n++] = (struct CMUnitTest) {
	scenarios[i].name, any_order, NULL, NULL, (void *) &scenarios[i]
	};
    for (size_t i = 0; i < sizeof(others) / sizeof(others[0]); i++)
	tests[n++] = others[i];
    return (UNIT_RUN(tests));
}
