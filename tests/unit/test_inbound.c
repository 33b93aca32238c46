/*
 * test_inbound - what comes back, without an MTA or Redis.  A table of
 * hand-built reports against the recipients of the letter they name: each
 * kind and reason class gives its evidence kind; a report naming somebody
 * the letter was not sent to gets nothing (a forger knows the tag); a
 * one-recipient letter takes a report about an alias; ids repeat for the
 * same report.  Then INMSG: the envelope tag, the tag quoted in the report,
 * forged, expired and missing tags; replies and auto-replies; the size
 * limit; ReportMaxSize's syntax.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "unit.h"
#include "inbound.h"

/* ---- attribution: one row a case */

typedef struct {
    const char *address;
    const char *original;
    REPORT_ACTION action;
    const char *status;
    const char *reason;
    bool    hard;
} ROW_RCPT;

typedef struct {
    const char *name;			/* what the row shows */
    REPORT_KIND kind;
    const char *from;			/* the report's From: */
    const char *feedback;		/* a complaint's type */
    ROW_RCPT rc[3];			/* the entries, up to an empty address+original */
    int     nrc;
    const char *letter[3];		/* the letter's recipients */
    size_t  nitems;			/* expected */
    EV_KIND kind0;			/* items[0] */
    const char *address0;		/* items[0] */
    const char *reason0;		/* items[0]; NULL: do not check */
    size_t  dropped;
} ROW;

#define A(addr, act, st, why, hard) {addr, "", act, st, why, hard}
#define F REPORT_ACTION_FAILED

static const ROW rows[] = {
    {"DSN failed, user unknown (hard): a hard bounce", REPORT_DSN, "", "",
	{A("anna@customer.test", F, "5.1.1", "userunknown", true)}, 1,
	{"anna@customer.test"}, 1, EV_BOUNCE_HARD, "anna@customer.test", "userunknown", 0},
    {"DSN failed, blocked: a policy block, not about the address", REPORT_DSN, "", "",
	{A("anna@customer.test", F, "5.7.1", "blocked", false)}, 1,
	{"anna@customer.test"}, 1, EV_BOUNCE_POLICY, "anna@customer.test", "blocked", 0},
    {"DSN failed, spam detected: a policy block", REPORT_DSN, "", "",
	{A("anna@customer.test", F, "5.7.1", "spamdetected", false)}, 1,
	{"anna@customer.test"}, 1, EV_BOUNCE_POLICY, "anna@customer.test", NULL, 0},
    {"DSN failed, message too big: a policy block", REPORT_DSN, "", "",
	{A("anna@customer.test", F, "5.3.4", "mesgtoobig", false)}, 1,
	{"anna@customer.test"}, 1, EV_BOUNCE_POLICY, "anna@customer.test", NULL, 0},
    {"DSN failed, mailbox full: a soft bounce", REPORT_DSN, "", "",
	{A("anna@customer.test", F, "5.2.2", "mailboxfull", false)}, 1,
	{"anna@customer.test"}, 1, EV_BOUNCE_SOFT, "anna@customer.test", "mailboxfull", 0},
    {"DSN delayed: a soft bounce", REPORT_DSN, "", "",
	{A("anna@customer.test", REPORT_ACTION_DELAYED, "4.4.1", "expired", false)}, 1,
	{"anna@customer.test"}, 1, EV_BOUNCE_SOFT, "anna@customer.test", NULL, 0},
    {"DSN delivered: delivered", REPORT_DSN, "", "",
	{A("anna@customer.test", REPORT_ACTION_DELIVERED, "2.0.0", "delivered", false)}, 1,
	{"anna@customer.test"}, 1, EV_DELIVERED, "anna@customer.test", NULL, 0},
    {"DSN relayed: delivered", REPORT_DSN, "", "",
	{A("anna@customer.test", REPORT_ACTION_RELAYED, "2.0.0", "delivered", false)}, 1,
	{"anna@customer.test"}, 1, EV_DELIVERED, "anna@customer.test", NULL, 0},
    {"DSN expanded: says nothing", REPORT_DSN, "", "",
	{A("anna@customer.test", REPORT_ACTION_EXPANDED, "2.0.0", "", false)}, 1,
	{"anna@customer.test"}, 0, EV_SENT, NULL, NULL, 0},
    {"a bounce written for people (no action) is a failure", REPORT_DSN, "", "",
	{A("anna@customer.test", REPORT_ACTION_NONE, "5.1.1", "userunknown", true)}, 1,
	{"anna@customer.test"}, 1, EV_BOUNCE_HARD, "anna@customer.test", NULL, 0},
    {"a complaint with the recipient redacted: the one recipient, type as reason",
	REPORT_COMPLAINT, "fbl@corp.mail.test", "abuse", {{0}}, 0,
	{"anna@customer.test"}, 1, EV_COMPLAINT, "anna@customer.test", "abuse", 0},
    {"an auto-reply from the recipient: proof", REPORT_AUTOREPLY, "anna@customer.test", "",
	{A("anna@customer.test", REPORT_ACTION_NONE, "", "vacation", false)}, 1,
	{"anna@customer.test", "boris@customer.test"}, 1, EV_AUTOREPLY, "anna@customer.test",
	NULL, 0},
    {"a person's message to the bounce address: a reply", REPORT_MESSAGE,
	"boris@customer.test", "",
	{A("boris@customer.test", REPORT_ACTION_NONE, "", "", false)}, 1,
	{"anna@customer.test", "boris@customer.test"}, 1, EV_REPLY, "boris@customer.test", NULL,
	0},
    {"forged: the report names somebody the letter never went to", REPORT_DSN, "", "",
	{A("victim@other.test", F, "5.1.1", "userunknown", true)}, 1,
	{"anna@customer.test", "boris@customer.test"}, 0, EV_SENT, NULL, NULL, 1},
    {"forged: a second name next to the real recipient gets nothing", REPORT_DSN, "", "",
	{A("anna@customer.test", F, "5.1.1", "userunknown", true),
	 A("victim@other.test", F, "5.1.1", "userunknown", true)}, 2,
	{"anna@customer.test"}, 1, EV_BOUNCE_HARD, "anna@customer.test", NULL, 1},
    {"one recipient, the report names an alias (forward): that recipient", REPORT_DSN, "",
	"", {A("a.petrova@mailhost.customer.test", F, "5.1.1", "userunknown", true)}, 1,
	{"anna@customer.test"}, 1, EV_BOUNCE_HARD, "anna@customer.test", NULL, 0},
    {"matched by Original-Recipient, case-folded", REPORT_DSN, "", "",
	{{"a.petrova@mailhost.customer.test", "Boris@Customer.TEST", F, "5.2.1", "suspend",
	  false}}, 1,
	{"anna@customer.test", "boris@customer.test"}, 1, EV_BOUNCE_SOFT,
	"boris@customer.test", NULL, 0},
    {"an auto-reply from a forward of a two-recipient letter: nobody", REPORT_AUTOREPLY,
	"a.petrova@home.test", "",
	{A("a.petrova@home.test", REPORT_ACTION_NONE, "", "vacation", false)}, 1,
	{"anna@customer.test", "boris@customer.test"}, 0, EV_SENT, NULL, NULL, 1},
    {"two failed recipients of one letter: two items", REPORT_DSN, "", "",
	{A("anna@customer.test", F, "5.1.1", "userunknown", true),
	 A("boris@customer.test", F, "4.2.2", "mailboxfull", false)}, 2,
	{"anna@customer.test", "boris@customer.test"}, 2, EV_BOUNCE_HARD,
	"anna@customer.test", NULL, 0},
    {"an unknown report: nothing", REPORT_UNKNOWN, "", "", {{0}}, 0,
	{"anna@customer.test"}, 0, EV_SENT, NULL, NULL, 0},
};

static void build(const ROW *row, REPORT *r, REPORT_RCPT *rc, IN_LETTER *letter)
{
    memset(r, 0, sizeof(*r));
    r->kind = row->kind;
    snprintf(r->from, sizeof(r->from), "%s", row->from);
    snprintf(r->feedback_type, sizeof(r->feedback_type), "%s", row->feedback);
    for (int i = 0; i < row->nrc; i++) {
	memset(rc + i, 0, sizeof(rc[i]));
	snprintf(rc[i].address, sizeof(rc[i].address), "%s", row->rc[i].address);
	snprintf(rc[i].original, sizeof(rc[i].original), "%s", row->rc[i].original);
	rc[i].action = row->rc[i].action;
	snprintf(rc[i].status, sizeof(rc[i].status), "%s", row->rc[i].status);
	snprintf(rc[i].reason, sizeof(rc[i].reason), "%s", row->rc[i].reason);
	rc[i].hard = row->rc[i].hard;
	rc[i].reply_code = row->rc[i].status[0] == '5' ? 550 : row->rc[i].status[0] == '4'
	    ? 450 : 0;
	snprintf(rc[i].remote_mta, sizeof(rc[i].remote_mta), "mx.customer.test");
	snprintf(rc[i].diagnostic, sizeof(rc[i].diagnostic), "550 %s whatever",
		 row->rc[i].status);
    }
    r->rcpt = row->nrc ? rc : NULL;
    r->nrcpt = row->nrc;
    memset(letter, 0, sizeof(*letter));
    for (int i = 0; i < 3 && row->letter[i]; i++)
	assert_int_equal(in_letter_add(letter, row->letter[i], "sales", "sidorov.k",
				       "delivery", "C-7"), 0);
}

static void attribution_table(void **state)
{
    (void) state;
    for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
	const ROW *row = rows + i;
	REPORT  r;
	REPORT_RCPT rc[3];
	IN_LETTER letter;
	IN_RESULT res;

	build(row, &r, rc, &letter);
	assert_int_equal(inbound_evidence(&r, "abcdefghijkl", &letter, "<m1@x>", 1000, &res), 0);
	if (res.nitems != row->nitems || res.dropped != row->dropped)
	    fail_msg("%s: %zu items, %zu dropped; expected %zu and %zu", row->name,
		     res.nitems, res.dropped, row->nitems, row->dropped);
	if (row->nitems > 0) {
	    EVIDENCE *ev = res.items;

	    if (ev->kind != row->kind0 || strcmp(ev->address, row->address0) != 0)
		fail_msg("%s: %s for %s; expected %s for %s", row->name,
			 evidence_kind_name(ev->kind), ev->address,
			 evidence_kind_name(row->kind0), row->address0);
	    if (row->reason0 && strcmp(ev->reason, row->reason0) != 0)
		fail_msg("%s: reason %s, expected %s", row->name, ev->reason, row->reason0);
	    /* the letter's reference and attribution travel with it */
	    assert_string_equal(ev->msgref, "abcdefghijkl");
	    assert_string_equal(ev->owner, "sidorov.k");
	    assert_string_equal(ev->department, "sales");
	    assert_string_equal(ev->contact, "C-7");
	    assert_int_equal(ev->when, 1000);
	    assert_true(ev->id[0] != 0);
	}
	inbound_result_free(&res);
	in_letter_free(&letter);
    }
}

/* the DSN's details are in the item; the same report twice, the same id */
static void fields_and_ids(void **state)
{
    REPORT  r;
    REPORT_RCPT rc[3];
    IN_LETTER letter;
    IN_RESULT a, b, c;

    (void) state;
    build(rows + 0, &r, rc, &letter);
    assert_int_equal(inbound_evidence(&r, "abcdefghijkl", &letter, "<m1@x>", 1000, &a), 0);
    assert_int_equal(inbound_evidence(&r, "abcdefghijkl", &letter, "<m1@x>", 2000, &b), 0);
    assert_int_equal(inbound_evidence(&r, "abcdefghijkl", &letter, "<m2@x>", 1000, &c), 0);
    assert_string_equal(a.items[0].status, "5.1.1");
    assert_int_equal(a.items[0].reply_code, 550);
    assert_string_equal(a.items[0].mta, "mx.customer.test");
    assert_string_equal(a.items[0].text, "550 5.1.1 whatever");
    assert_string_equal(a.items[0].event, "delivery");
    assert_string_equal(a.items[0].id, b.items[0].id);	/* redelivered: applied once */
    assert_string_not_equal(a.items[0].id, c.items[0].id);	/* another report */
    inbound_result_free(&a);
    inbound_result_free(&b);
    inbound_result_free(&c);
    in_letter_free(&letter);
}

static void policy_reasons(void **state)
{
    static const char *const policy[] = {"blocked", "spamdetected", "policyviolation",
	"badreputation", "securityerror", "virusdetected", "contenterror", "norelaying",
	"requireptr", "authfailure", "notcompliantrfc", "rejected", "toomanyconn",
	"speeding", "syntaxerror", "mesgtoobig", "exceedlimit"};
    static const char *const not_policy[] = {"userunknown", "hostunknown", "mailboxfull",
	"suspend", "expired", "hasmoved", "undefined", "", "vacation"};

    (void) state;
    for (size_t i = 0; i < sizeof(policy) / sizeof(policy[0]); i++)
	if (!inbound_policy_reason(policy[i]))
	    fail_msg("%s should be a policy reason", policy[i]);
    for (size_t i = 0; i < sizeof(not_policy) / sizeof(not_policy[0]); i++)
	if (inbound_policy_reason(not_policy[i]))
	    fail_msg("%s is about the address", not_policy[i]);
    assert_false(inbound_policy_reason(NULL));
}

/* ---- INMSG */

static const char SECRET[] = "0123456789abcdef0123456789abcdef";
static TAG_KEYRING ring;
static INBOUND_CONF conf;
static long today;

static void make_tag(const char *secret, const char *ref, long expires, char *buf, size_t len)
{
    TAG_KEYRING r;
    char    err[128];

    memset(&r, 0, sizeof(r));
    assert_int_equal(tag_keyring_add(&r, "t1", secret, strlen(secret), err, sizeof(err)), 0);
    assert_true(tag_make(&r, ref, expires, buf, len) > 0);
}

static const char DSN_HEAD[] =
    "Reporting-MTA: dns; mx.customer.test\n\n"
    "Final-Recipient: rfc822; anna@customer.test\n"
    "Action: failed\nStatus: 5.1.1\n"
    "Diagnostic-Code: smtp; 550 5.1.1 <anna@customer.test>: User unknown\n";

/* a Postfix DSN quoting the tracking header TAG (or none) */
static void feed_dsn(INMSG *m, const char *quoted_tag)
{
    char    body[4096];

    inmsg_header(m, &conf, "From", "MAILER-DAEMON@mx.customer.test (Mail Delivery System)");
    inmsg_header(m, &conf, "Subject", "Undelivered Mail Returned to Sender");
    inmsg_header(m, &conf, "Message-Id", "<20240610.4QDSN1@mx.customer.test>");
    inmsg_header(m, &conf, "MIME-Version", "1.0");
    inmsg_header(m, &conf, "Content-Type",
		 "multipart/report; report-type=delivery-status; boundary=\"B\"");
    snprintf(body, sizeof(body),
	     "--B\nContent-Type: text/plain\n\nI'm sorry to have to inform you...\n\n"
	     "--B\nContent-Type: message/delivery-status\n\n%s\n"
	     "--B\nContent-Type: text/rfc822-headers\n\n"
	     "From: sales@dealer.test\nTo: anna@customer.test\n%s%s%s\n--B--\n",
	     DSN_HEAD, quoted_tag ? "X-Liveaddr-Tag: " : "", quoted_tag ? quoted_tag : "",
	     quoted_tag ? "\n" : "");
    assert_true(inmsg_body(m, &conf, body, strlen(body)));
}

typedef struct {
    const char *name;
    int     envelope;			/* 0 none (postmaster@), 1 good, 2 forged, 3 expired */
    int     quoted;			/* the same, in the report */
    IN_TAG  tag;
    const char *source;
    bool    has_ref;
} TAG_ROW;

static const TAG_ROW tag_rows[] = {
    {"a good tag in the envelope", 1, 0, IN_TAG_OK, "envelope", true},
    {"none in the envelope, a good one quoted in the report", 0, 1, IN_TAG_OK, "report", true},
    {"a forged tag in the envelope, none quoted", 2, 0, IN_TAG_BAD, "envelope", false},
    {"an expired tag in the envelope, the same quoted", 3, 3, IN_TAG_EXPIRED, "report",
	false},
    {"no tag anywhere", 0, 0, IN_TAG_NONE, "none", false},
    {"none in the envelope, a forged one quoted", 0, 2, IN_TAG_BAD, "report", false},
};

static void tags(void **state)
{
    (void) state;
    for (size_t i = 0; i < sizeof(tag_rows) / sizeof(tag_rows[0]); i++) {
	const TAG_ROW *row = tag_rows + i;
	char    t[4][TAG_TEXT_MAX], rcpt[128];
	INMSG  *m = inmsg_new();
	IN_PLAN plan;
	TAG_STATUS st;

	make_tag(SECRET, "abcdefghijkl", today + 3, t[1], sizeof(t[1]));
	make_tag("not our secret, not our secret!!", "abcdefghijkl", today + 3, t[2],
		 sizeof(t[2]));
	make_tag(SECRET, "abcdefghijkl", today - 1, t[3], sizeof(t[3]));
	inmsg_connect(m, "192.0.2.25", false);
	inmsg_mail(m, "<>");
	snprintf(rcpt, sizeof(rcpt), "<%s@bounce.dealer.test>",
		 row->envelope ? t[row->envelope] : "postmaster");
	assert_int_equal(inmsg_rcpt(m, &conf, rcpt, today, &st),
			 row->envelope ? IN_RCPT_BOUNCE : IN_RCPT_BOUNCE_ROLE);
	assert_int_equal(inmsg_role(m, &conf), IN_REPORT);
	feed_dsn(m, row->quoted ? t[row->quoted] : NULL);
	assert_int_equal(inmsg_eom(m, &conf, today, &plan), 0);
	if (plan.tag != row->tag || strcmp(plan.tag_source, row->source) != 0
	    || (plan.ref[0] != 0) != row->has_ref)
	    fail_msg("%s: tag %s from %s ref \"%s\"", row->name, in_tag_name(plan.tag),
		     plan.tag_source, plan.ref);
	if (row->has_ref)
	    assert_string_equal(plan.ref, "abcdefghijkl");
	assert_int_equal(plan.report.kind, REPORT_DSN);
	assert_string_equal(plan.seed, "<20240610.4QDSN1@mx.customer.test>");
	inplan_free(&plan);
	inmsg_free(m);
    }
}

/* who a message is, by its recipients and sender */
static void roles(void **state)
{
    INMSG  *m = inmsg_new();
    TAG_STATUS st;
    INBOUND_CONF off = conf;

    (void) state;
    off.reply_proof = false;
    inmsg_connect(m, "192.0.2.25", false);
    inmsg_mail(m, "<>");
    assert_int_equal(inmsg_rcpt(m, &conf, "<sales@dealer.test>", today, &st), IN_RCPT_OTHER);
    assert_int_equal(inmsg_role(m, &conf), IN_NONE);	/* a bounce to a mailbox */
    inmsg_mail(m, "<anna@customer.test>");
    inmsg_rcpt(m, &conf, "<sales@dealer.test>", today, &st);
    assert_int_equal(inmsg_role(m, &conf), IN_REPLY);
    assert_int_equal(inmsg_role(m, &off), IN_NONE);		/* ReplyProof no */
    /* a rejected bounce recipient is forgotten */
    assert_int_equal(inmsg_rcpt(m, &conf, "<junk@BOUNCE.dealer.test>", today, &st),
		     IN_RCPT_BOUNCE);
    assert_int_equal(st, TAG_MALFORMED);
    assert_int_equal(inmsg_role(m, &conf), IN_REPORT);
    inmsg_rcpt_drop(m);
    assert_int_equal(inmsg_role(m, &conf), IN_REPLY);
    assert_int_equal(inmsg_rcpt(m, &conf, "not an address", today, &st), IN_RCPT_IGNORED);
    inmsg_free(m);
}

typedef struct {
    const char *name;
    const char *sender;
    const char *from;
    const char *auto_submitted;		/* NULL: no such header */
    const char *subject;
    EV_KIND kind;			/* EV_SENT: proves nothing */
    int     ncand;
    const char *cand1;			/* the second candidate */
} REPLY_ROW;

static const REPLY_ROW reply_rows[] = {
    {"a person's reply", "<Anna@Customer.test>", "Anna <anna@customer.test>", NULL,
	"Re: your car", EV_REPLY, 1, NULL},
    {"From: another mailbox of the sender's domain", "<anna@customer.test>",
	"boss@customer.test", NULL, "Re: your car", EV_REPLY, 2, "boss@customer.test"},
    {"From: another domain is not a candidate", "<anna@customer.test>",
	"anna@elsewhere.test", NULL, "Re: your car", EV_REPLY, 1, NULL},
    {"an auto-reply", "<anna@customer.test>", "anna@customer.test", "auto-replied",
	"Out of office", EV_AUTOREPLY, 1, NULL},
    {"Auto-Submitted: no is a person", "<anna@customer.test>", "anna@customer.test", "no",
	"Re: your car", EV_REPLY, 1, NULL},
};

static void replies(void **state)
{
    (void) state;
    for (size_t i = 0; i < sizeof(reply_rows) / sizeof(reply_rows[0]); i++) {
	const REPLY_ROW *row = reply_rows + i;
	INMSG  *m = inmsg_new();
	IN_PLAN plan;
	TAG_STATUS st;

	inmsg_connect(m, "192.0.2.25", false);
	inmsg_helo(m, "mx.customer.test");
	inmsg_mail(m, row->sender);
	inmsg_rcpt(m, &conf, "<sales@dealer.test>", today, &st);
	inmsg_header(m, &conf, "From", row->from);
	inmsg_header(m, &conf, "To", "sales@dealer.test");
	inmsg_header(m, &conf, "Subject", row->subject);
	if (row->auto_submitted)
	    inmsg_header(m, &conf, "Auto-Submitted", row->auto_submitted);
	assert_int_equal(inmsg_eom(m, &conf, today, &plan), 0);
	if (plan.reply_kind != row->kind || plan.ncand != row->ncand)
	    fail_msg("%s: %s with %d candidates (parser: %s)", row->name,
		     evidence_kind_name(plan.reply_kind), plan.ncand,
		     report_kind_name(plan.report.kind));
	assert_string_equal(plan.cand[0], "anna@customer.test");
	if (row->cand1)
	    assert_string_equal(plan.cand[1], row->cand1);
	assert_string_equal(inmsg_helo_name(m), "mx.customer.test");
	if (row->kind != EV_SENT) {
	    EVIDENCE ev, ev2;

	    inbound_reply_item(&plan, plan.cand[0], 77, &ev);
	    inbound_reply_item(&plan, plan.cand[0], 78, &ev2);
	    assert_int_equal(ev.kind, row->kind);
	    assert_string_equal(ev.address, "anna@customer.test");
	    assert_string_equal(ev.id, ev2.id);
	}
	inplan_free(&plan);
	inmsg_free(m);
    }
}

/* more than ReportMaxSize: the rest is not read, and nothing breaks */
static void size_limit(void **state)
{
    INBOUND_CONF small = conf;
    INMSG  *m = inmsg_new();
    IN_PLAN plan;
    TAG_STATUS st;
    char   *big = malloc(8192);

    (void) state;
    small.max_report = 4096;
    memset(big, 'x', 8192);
    inmsg_connect(m, "192.0.2.25", false);
    inmsg_mail(m, "<>");
    inmsg_rcpt(m, &small, "<postmaster@bounce.dealer.test>", today, &st);
    inmsg_header(m, &small, "Subject", "junk");
    assert_true(inmsg_body(m, &small, big, 1000));
    assert_false(inmsg_body(m, &small, big, 8192));
    assert_false(inmsg_body(m, &small, big, 10));
    assert_int_equal(inmsg_eom(m, &small, today, &plan), 0);
    assert_true(plan.truncated);
    assert_int_equal(strncmp(plan.seed, "h:", 2), 0);	/* no Message-ID: a hash */
    inplan_free(&plan);
    inmsg_free(m);
    free(big);
}

static void sizes(void **state)
{
    static const struct {
	const char *text;
	int     status;
	size_t  bytes;
    } t[] = {
	{"1m", 0, 1048576}, {"512k", 0, 524288}, {"65536", 0, 65536}, {"2M", 0, 2097152},
	{"1mb", 0, 1048576}, {"1g", 0, 1073741824}, {"", -1, 0}, {"m", -1, 0},
	{"1x", -1, 0}, {"-1", -1, 0}, {"1 m", -1, 0}, {"1mbb", -1, 0},
	{"99999999999999999999", -1, 0},
    };

    (void) state;
    for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
	size_t  n = 0;

	if (inbound_parse_size(t[i].text, &n) != t[i].status || (t[i].status == 0
								  && n != t[i].bytes))
	    fail_msg("\"%s\": %zu", t[i].text, n);
    }
}

int     main(void)
{
    const struct CMUnitTest tests[] = {
	cmocka_unit_test(attribution_table),
	cmocka_unit_test(fields_and_ids),
	cmocka_unit_test(policy_reasons),
	cmocka_unit_test(tags),
	cmocka_unit_test(roles),
	cmocka_unit_test(replies),
	cmocka_unit_test(size_limit),
	cmocka_unit_test(sizes),
    };
    char    err[128];

    if (tag_keyring_add(&ring, "t1", SECRET, strlen(SECRET), err, sizeof(err)) < 0)
	return (1);
    today = tag_day(time(NULL));
    conf.bounce_domain = "bounce.dealer.test";
    conf.tag_keys = &ring;
    conf.max_report = 1024 * 1024;
    conf.reply_proof = true;
    return (UNIT_RUN(tests));
}
