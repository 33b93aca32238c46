/*
 * test_outbound - which letters are outbound, what a tagged letter's plan
 * holds (signed sender, tracking header, evidence per recipient), hints
 * honoured only when signed (and for their recipient), our headers always
 * stripped, null senders and other mail left alone.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "unit.h"
#include "outbound.h"

static const time_t NOW = 1790000000;
static TAG_KEYRING tags, hints;
static char *daemons[] = {"ORIGINATING"};
static char *domains[] = {"dealer.test"};

static OUTBOUND_CONF conf(void)
{
    OUTBOUND_CONF c;

    memset(&c, 0, sizeof(c));
    c.daemon_names = daemons;
    c.ndaemon = 1;
    c.authenticated = true;
    c.sender_domains = domains;
    c.nsender = 1;
    c.pickup = true;
    c.bounce_domain = "bounce.dealer.test";
    c.tag_lifetime = 10 * 86400;
    c.tag_keys = &tags;
    c.hint_keys = &hints;
    c.hint_max_age = 7 * 86400;
    c.tracking_header = "X-Liveaddr-Tag";
    c.msgtype_header = "X-Mailru-Msgtype";
    return (c);
}

static int setup(void **state)
{
    char    err[256];

    memset(&tags, 0, sizeof(tags));
    memset(&hints, 0, sizeof(hints));
    if (tag_keyring_add(&tags, "t1", "0123456789abcdef0123456789abcdef", 32, err, sizeof(err))
	|| tag_keyring_add(&hints, "crm", "fedcba9876543210fedcba9876543210", 32, err,
			   sizeof(err)))
	return (-1);
    return (0);
}

/* a custom tracking header and the message-type header are ours too; a flood is flagged */
static void our_headers_by_any_name(void **state)
{
    OUTBOUND_CONF c = conf();
    OUTMSG *m = outmsg_new();
    OUT_PLAN p;

    (void) state;
    c.tracking_header = "X-Dealer-Ref";
    outmsg_connect(m, "crm.dealer.test", false);
    outmsg_mail(m, &c, "<crm@dealer.test>", "ORIGINATING", NULL);
    assert_non_null(outmsg_rcpt(m, "<ivan@customer.test>"));
    outmsg_header(m, "X-Dealer-Ref", "la1=forged");
    outmsg_header(m, "x-mailru-msgtype", "forged");
    outmsg_header(m, "X-Other", "kept");
    assert_int_equal(outmsg_eom(m, &c, NOW, "4ABCD1235", &p), 0);
    assert_int_equal(p.ndelete, 2);
    assert_string_equal(p.deletes[0].name, "X-Dealer-Ref");
    assert_string_equal(p.deletes[1].name, "x-mailru-msgtype");
    assert_false(p.overflow);
    outmsg_plan_free(&p);

    /* more than OUT_DELETE_MAX: they cannot all be removed, so say so */
    outmsg_reset(m);
    outmsg_mail(m, &c, "<crm@dealer.test>", "ORIGINATING", NULL);
    assert_non_null(outmsg_rcpt(m, "<ivan@customer.test>"));
    for (int i = 0; i < OUT_DELETE_MAX + 5; i++)
	outmsg_header(m, "X-Liveaddr-Hint", "flood");
    assert_int_equal(outmsg_eom(m, &c, NOW, "4ABCD1236", &p), 0);
    assert_true(p.overflow);
    outmsg_plan_free(&p);
    outmsg_free(m);
}

static void which_mail_is_outbound(void **state)
{
    OUTBOUND_CONF c = conf();
    OUTMSG *m = outmsg_new();

    outmsg_connect(m, "crm.dealer.test", false);
    assert_int_equal(outmsg_mail(m, &c, "<crm@dealer.test>", "ORIGINATING", NULL), OUT_DAEMON);
    assert_int_equal(outmsg_mail(m, &c, "<x@other.test>", "mx", "sales1"), OUT_AUTH);
    assert_int_equal(outmsg_mail(m, &c, "<x@DEALER.test>", "mx", NULL), OUT_SENDER_DOMAIN);
    assert_int_equal(outmsg_mail(m, &c, "<x@other.test>", "mx", NULL), OUT_NO);
    assert_int_equal(outmsg_mail(m, &c, "<>", "ORIGINATING", "sales1"), OUT_NO);	/* a bounce */
    c.authenticated = false;
    assert_int_equal(outmsg_mail(m, &c, "<x@other.test>", "mx", "sales1"), OUT_NO);
    outmsg_connect(m, "localhost", true);
    assert_int_equal(outmsg_mail(m, &c, "<x@other.test>", "", NULL), OUT_PICKUP);
    c.pickup = false;
    assert_int_equal(outmsg_mail(m, &c, "<x@other.test>", "", NULL), OUT_NO);
    outmsg_free(m);
}

static char *signed_hint(const char *recipient, const TAG_KEYRING *ring)
{
    static char text[HINT_TEXT_MAX];
    HINT    h;

    memset(&h, 0, sizeof(h));
    snprintf(h.contact, sizeof(h.contact), "C42");
    snprintf(h.department, sizeof(h.department), "sales");
    snprintf(h.owner, sizeof(h.owner), "petrova.e");
    snprintf(h.event, sizeof(h.event), "contract");
    if (recipient)
	snprintf(h.recipient, sizeof(h.recipient), "%s", recipient);
    h.when = NOW - 5;
    assert_true(hint_make(ring, &h, text, sizeof(text)) > 0);
    return (text);
}

static void a_tagged_letter(void **state)
{
    OUTBOUND_CONF c = conf();
    OUTMSG *m = outmsg_new();
    OUT_PLAN p;
    TAG     tag;
    size_t  taglen;
    const char *t;

    outmsg_connect(m, "crm.dealer.test", false);
    outmsg_mail(m, &c, "<crm@dealer.test>", "ORIGINATING", NULL);
    assert_non_null(outmsg_rcpt(m, "<Ivan@Customer.test>"));
    assert_non_null(outmsg_rcpt(m, "<bob@customer.test>"));
    assert_null(outmsg_rcpt(m, "<not an address>"));
    outmsg_header(m, "Subject", "Спасибо за покупку");
    outmsg_header(m, "X-Liveaddr-Hint", signed_hint(NULL, &hints));
    outmsg_header(m, "X-LIVEADDR-Tag", "la1=forged");
    outmsg_header(m, "x-liveaddr-hint", "a second one");
    assert_int_equal(outmsg_eom(m, &c, NOW, "4ABCD1234", &p), 0);
    assert_int_equal(p.why, OUT_DAEMON);
    /* the signed envelope sender and the same tag in the tracking header */
    assert_int_equal(strlen(p.ref), TAG_REF_LEN);
    assert_true(strlen(p.new_sender) < 64 + 1 + 20);
    assert_int_equal(p.new_sender[0], '<');
    assert_non_null(strstr(p.new_sender, "@bounce.dealer.test>"));
    t = tag_find(p.new_sender, strlen(p.new_sender), &taglen);
    assert_non_null(t);
    assert_int_equal(taglen, strlen(p.tag));
    assert_int_equal(tag_verify(&tags, p.tag, strlen(p.tag), NOW / 86400, &tag), TAG_OK);
    assert_string_equal(tag.ref, p.ref);
    assert_int_equal(tag.expires, (NOW + 10 * 86400) / 86400);
    /* every X-Liveaddr-* header goes, each by its own index */
    assert_int_equal(p.ndelete, 3);
    assert_string_equal(p.deletes[0].name, "X-Liveaddr-Hint");
    assert_int_equal(p.deletes[0].index, 1);
    assert_int_equal(p.deletes[1].index, 1);
    assert_string_equal(p.deletes[2].name, "x-liveaddr-hint");
    assert_int_equal(p.deletes[2].index, 2);
    /* the first hint is honoured */
    assert_true(p.hint_present);
    assert_int_equal(p.hint_status, HINT_OK);
    assert_string_equal(p.msgtype, "sales-contract");
    /* "sent", once a recipient, attributed */
    assert_int_equal(p.nitems, 2);
    assert_string_equal(p.items[0].address, "ivan@customer.test");
    assert_int_equal(p.items[0].kind, EV_SENT);
    assert_string_equal(p.items[0].msgref, p.ref);
    assert_string_equal(p.items[0].department, "sales");
    assert_string_equal(p.items[0].owner, "petrova.e");
    assert_string_equal(p.items[0].contact, "C42");
    assert_string_equal(p.items[0].event, "contract");
    assert_string_not_equal(p.items[0].id, p.items[1].id);
    outmsg_plan_free(&p);
    outmsg_free(m);
}

static void forged_hints_are_ignored(void **state)
{
    OUTBOUND_CONF c = conf();
    OUTMSG *m = outmsg_new();
    OUT_PLAN p;
    TAG_KEYRING other;
    char    err[256];

    memset(&other, 0, sizeof(other));
    assert_int_equal(tag_keyring_add(&other, "crm", "a different secret, same key id!", 32,
				     err, sizeof(err)), 0);
    outmsg_connect(m, "crm.dealer.test", false);
    outmsg_mail(m, &c, "<crm@dealer.test>", "ORIGINATING", NULL);
    outmsg_rcpt(m, "ivan@customer.test");
    outmsg_header(m, "X-Liveaddr-Hint", signed_hint(NULL, &other));
    assert_int_equal(outmsg_eom(m, &c, NOW, "Q1", &p), 0);
    assert_int_equal(p.hint_status, HINT_BAD_MAC);
    assert_int_equal(p.ndelete, 1);			/* stripped all the same */
    assert_string_equal(p.items[0].department, "");
    assert_string_equal(p.items[0].owner, "");
    assert_string_equal(p.msgtype, "");
    outmsg_plan_free(&p);

    /* unsigned: an unknown form */
    outmsg_reset(m);
    outmsg_mail(m, &c, "<crm@dealer.test>", "ORIGINATING", NULL);
    outmsg_rcpt(m, "ivan@customer.test");
    outmsg_header(m, "X-Liveaddr-Hint", "d=sales; o=boss");
    assert_int_equal(outmsg_eom(m, &c, NOW, "Q2", &p), 0);
    assert_int_equal(p.hint_status, HINT_MALFORMED);
    assert_string_equal(p.items[0].department, "");
    outmsg_plan_free(&p);

    /* signed for another recipient: not for this one */
    outmsg_reset(m);
    outmsg_mail(m, &c, "<crm@dealer.test>", "ORIGINATING", NULL);
    outmsg_rcpt(m, "ivan@customer.test");
    outmsg_rcpt(m, "petr@customer.test");
    outmsg_header(m, "X-Liveaddr-Hint", signed_hint("petr@customer.test", &hints));
    assert_int_equal(outmsg_eom(m, &c, NOW, "Q3", &p), 0);
    assert_int_equal(p.hint_status, HINT_OK);
    assert_string_equal(p.items[0].department, "");
    assert_string_equal(p.items[1].department, "sales");
    outmsg_plan_free(&p);

    /* no hint keys configured: never honoured */
    c.hint_keys = NULL;
    outmsg_reset(m);
    outmsg_mail(m, &c, "<crm@dealer.test>", "ORIGINATING", NULL);
    outmsg_rcpt(m, "ivan@customer.test");
    outmsg_header(m, "X-Liveaddr-Hint", signed_hint(NULL, &hints));
    assert_int_equal(outmsg_eom(m, &c, NOW, "Q4", &p), 0);
    assert_int_not_equal(p.hint_status, HINT_OK);
    assert_string_equal(p.items[0].department, "");
    outmsg_plan_free(&p);
    outmsg_free(m);
}

static void other_mail_left_alone(void **state)
{
    OUTBOUND_CONF c = conf();
    OUTMSG *m = outmsg_new();
    OUT_PLAN p;

    outmsg_connect(m, "mx.customer.test", false);
    outmsg_mail(m, &c, "<ivan@customer.test>", "mx", NULL);
    outmsg_rcpt(m, "sales@dealer.test");
    outmsg_header(m, "X-Liveaddr-Tag", "la1=whatever");
    assert_int_equal(outmsg_eom(m, &c, NOW, "Q5", &p), 0);
    assert_int_equal(p.why, OUT_NO);
    assert_int_equal(p.nitems, 0);
    assert_string_equal(p.new_sender, "");
    assert_string_equal(p.ref, "");
    outmsg_plan_free(&p);
    /* no keys: outbound, counted, but not rewritten */
    c.tag_keys = NULL;
    outmsg_reset(m);
    outmsg_mail(m, &c, "<crm@dealer.test>", "ORIGINATING", NULL);
    outmsg_rcpt(m, "ivan@customer.test");
    assert_int_equal(outmsg_eom(m, &c, NOW, "Q6", &p), 0);
    assert_string_equal(p.new_sender, "");
    assert_string_equal(p.tag, "");
    assert_int_equal(p.nitems, 1);
    outmsg_plan_free(&p);
    outmsg_free(m);
}

int     main(void)
{
    const struct CMUnitTest tests[] = {
	cmocka_unit_test(which_mail_is_outbound),
	cmocka_unit_test(a_tagged_letter),
	cmocka_unit_test(forged_hints_are_ignored),
	cmocka_unit_test(other_mail_left_alone),
	cmocka_unit_test(our_headers_by_any_name),
    };

    cmocka_set_message_output(CM_OUTPUT_TAP);
    return (cmocka_run_group_tests(tests, setup, NULL) ? 1 : 0);
}
