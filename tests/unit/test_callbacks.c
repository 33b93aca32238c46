/*
 * test_callbacks - the milter's callbacks with libmilter replaced by a
 * recording fake (mfx.h) and everything else real: liveaddr.conf, key
 * files, a private redis-server, the journal.  A CRM letter gets the
 * signed envelope sender and the tracking header and loses the hint
 * headers, and "sent" is stored with the hint's attribution; forged hints
 * are stripped and ignored; other mail is left alone; local submission
 * counts as outbound; with Redis stopped the letter goes on and the
 * evidence waits in the journal until a replay.
 *
 * What comes back (SPF over an in-memory zone: customer.test sends from
 * 192.0.2.0/24): a Postfix DSN to the signed bounce address of a letter
 * makes its recipient a hard bounce, once however often it comes; a forged,
 * expired or missing tag, an SPF fail, or a report naming somebody else
 * change nothing; a reply from a known address is a reply, from an unknown
 * one nothing; inbound mail is never changed; BounceRejectUnsigned rejects
 * only in smtpd; ReportDisposition discard discards processed reports only;
 * bodies that are not needed are skipped.
 */
#include "config.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <sys/types.h>
#include <arpa/nameser.h>

#include <spf2/spf.h>
#include <spf2/spf_dns_zone.h>

#include "unit.h"
#include "callbacks.h"
#include "hint.h"
#include "inbound_cb.h"
#include "log.h"
#include "mfx.h"
#include "outbound.h"
#include "prefetch.h"
#include "redis_fixture.h"
#include "runtime.h"
#include "tag.h"

static REDIS_FIXTURE fx;
static char dir[64], conf_path[128], journal_path[128];
static const char TAG_SECRET[] = "0123456789abcdef0123456789abcdef";
static const char HINT_SECRET[] = "fedcba9876543210fedcba9876543210";
static SPF_dns_server_t *zone;

/* ---- the fake libmilter */

typedef struct {
    const char *macros[16][2];
    int     nmacros;
    void   *priv;
    char    chgfrom[512];
    char    added[8][2][256];
    int     nadded;
    char    deleted[8][64];
    int     ndeleted;
    char    reply[512];
} FAKE;

static FAKE fake;

static char *f_getsymval(SMFICTX *ctx, char *name)
{
    (void) ctx;
    for (int i = 0; i < fake.nmacros; i++)
	if (strcmp(fake.macros[i][0], name) == 0)
	    return ((char *) fake.macros[i][1]);
    return (NULL);
}

static int f_setpriv(SMFICTX *ctx, void *p)
{
    (void) ctx;
    fake.priv = p;
    return (MI_SUCCESS);
}

static void *f_getpriv(SMFICTX *ctx)
{
    (void) ctx;
    return (fake.priv);
}

static int f_chgfrom(SMFICTX *ctx, char *from, char *args)
{
    (void) ctx;
    (void) args;
    snprintf(fake.chgfrom, sizeof(fake.chgfrom), "%s", from);
    return (MI_SUCCESS);
}

static int f_addheader(SMFICTX *ctx, char *name, char *value)
{
    (void) ctx;
    if (fake.nadded < 8) {
	snprintf(fake.added[fake.nadded][0], 256, "%s", name);
	snprintf(fake.added[fake.nadded][1], 256, "%s", value);
	fake.nadded++;
    }
    return (MI_SUCCESS);
}

static int f_chgheader(SMFICTX *ctx, char *name, int index, char *value)
{
    (void) ctx;
    if (value == NULL && fake.ndeleted < 8)
	snprintf(fake.deleted[fake.ndeleted++], 64, "%s/%d", name, index);
    return (MI_SUCCESS);
}

static int f_setreply(SMFICTX *ctx, char *rcode, char *xcode, char *msg)
{
    (void) ctx;
    snprintf(fake.reply, sizeof(fake.reply), "%s %s %s", rcode, xcode, msg);
    return (MI_SUCCESS);
}

static int f_setsymlist(SMFICTX *ctx, int where, char *list)
{
    (void) ctx;
    (void) where;
    (void) list;
    return (MI_SUCCESS);
}

static const MFX_OPS fake_ops = {
    f_getsymval, f_setpriv, f_getpriv, f_chgfrom, f_addheader, f_chgheader, f_setreply,
    f_setsymlist,
};

const MFX_OPS *mfx = &fake_ops;

static void fake_reset(void)
{
    void   *priv = fake.priv;

    memset(&fake, 0, sizeof(fake));
    fake.priv = priv;
}

static void macro(const char *name, const char *value)
{
    fake.macros[fake.nmacros][0] = name;
    fake.macros[fake.nmacros][1] = value;
    fake.nmacros++;
}

/* ---- a session */

static SMFICTX *const CTX = (SMFICTX *) 1;

static void connect_from(const char *host, const char *ip, int port)
{
    struct sockaddr_in sin = {.sin_family = AF_INET, .sin_port = htons((uint16_t) port)};
    unsigned long pf0 = 0, pf1 = 0, pf2 = 0, pf3 = 0;

    /* as Postfix 3.7 offers: every action, every protocol step and SKIP */
    assert_int_equal(cb_negotiate(CTX, 0x1ff, 0x1fffff, 0, 0, &pf0, &pf1, &pf2, &pf3),
		     SMFIS_CONTINUE);
    inet_pton(AF_INET, ip, &sin.sin_addr);
    assert_int_equal(cb_connect(CTX, (char *) host, (struct sockaddr *) &sin), SMFIS_CONTINUE);
}

static sfsistat mail_from(const char *sender)
{
    char   *argv[2] = {(char *) sender, NULL};

    return (cb_envfrom(CTX, argv));
}

static sfsistat rcpt_status(const char *rcpt)
{
    char   *argv[2] = {(char *) rcpt, NULL};

    return (cb_envrcpt(CTX, argv));
}

static void rcpt_to(const char *rcpt)
{
    assert_int_equal(rcpt_status(rcpt), SMFIS_CONTINUE);
}

static char *signed_hint(const char *secret, const char *dept)
{
    static char text[HINT_TEXT_MAX];
    TAG_KEYRING ring;
    HINT    h;
    char    err[256];

    memset(&ring, 0, sizeof(ring));
    memset(&h, 0, sizeof(h));
    assert_int_equal(tag_keyring_add(&ring, "crm", secret, strlen(secret), err, sizeof(err)), 0);
    snprintf(h.contact, sizeof(h.contact), "C-77");
    snprintf(h.department, sizeof(h.department), "%s", dept);
    snprintf(h.owner, sizeof(h.owner), "sidorov.k");
    snprintf(h.event, sizeof(h.event), "delivery");
    h.when = time(NULL);
    assert_true(hint_make(&ring, &h, text, sizeof(text)) > 0);
    return (text);
}

static RECORD_DOC *stored(const char *address)
{
    RUNTIME *rt = runtime_acquire();
    RECORD_DOC *doc = malloc(sizeof(*doc));
    char    err[256];
    bool    found = false;

    assert_int_equal(store_load(rt->store, address, doc, &found, err, sizeof(err)), 0);
    runtime_release(rt);
    if (!found) {
	free(doc);
	return (NULL);
    }
    return (doc);
}

/* ---- the tests */

static void crm_letter_is_tagged(void **state)
{
    TAG_KEYRING ring;
    TAG     tag;
    char    err[256];
    RECORD_DOC *doc;

    fake_reset();
    connect_from("crm.dealer.test", "10.1.2.3", 40000);
    macro("{daemon_name}", "ORIGINATING");
    macro("i", "4QX1Y2Z3");
    assert_int_equal(mail_from("<crm@dealer.test>"), SMFIS_CONTINUE);
    rcpt_to("<Anna.Petrova@Customer.test>");
    assert_int_equal(cb_header(CTX, "Subject", "Спасибо"), SMFIS_CONTINUE);
    assert_int_equal(cb_header(CTX, "X-Liveaddr-Hint", signed_hint(HINT_SECRET, "sales")),
		     SMFIS_CONTINUE);
    assert_int_equal(cb_header(CTX, "X-Liveaddr-Tag", "la1=forged=by=someone"), SMFIS_CONTINUE);
    assert_int_equal(cb_eoh(CTX), SMFIS_CONTINUE);
    assert_int_equal(cb_eom(CTX), SMFIS_CONTINUE);

    /* the signed envelope sender, the same tag in the tracking header */
    assert_non_null(strstr(fake.chgfrom, "@bounce.dealer.test>"));
    assert_int_equal(fake.nadded, 1);
    assert_string_equal(fake.added[0][0], "X-Liveaddr-Tag");
    assert_non_null(strstr(fake.chgfrom, fake.added[0][1]));
    memset(&ring, 0, sizeof(ring));
    assert_int_equal(tag_keyring_add(&ring, "t1", TAG_SECRET, strlen(TAG_SECRET), err,
				     sizeof(err)), 0);
    assert_int_equal(tag_verify(&ring, fake.added[0][1], strlen(fake.added[0][1]),
				time(NULL) / 86400, &tag), TAG_OK);
    /* the hint and the forged tag are gone, the last of each name first */
    assert_int_equal(fake.ndeleted, 2);
    assert_string_equal(fake.deleted[0], "X-Liveaddr-Tag/1");
    assert_string_equal(fake.deleted[1], "X-Liveaddr-Hint/1");
    /* "sent", with what the CRM said, under the letter's reference */
    assert_non_null(doc = stored("anna.petrova@customer.test"));
    assert_int_equal(doc->rec.n_sent, 1);
    assert_int_equal(doc->nhist, 1);
    assert_string_equal(doc->hist[0].department, "sales");
    assert_string_equal(doc->hist[0].owner, "sidorov.k");
    assert_string_equal(doc->hist[0].contact, "C-77");
    assert_string_equal(doc->hist[0].event, "delivery");
    assert_string_equal(doc->hist[0].msgref, tag.ref);
    free(doc);
}

static void forged_hint_is_stripped_and_ignored(void **state)
{
    RECORD_DOC *doc;

    fake_reset();
    connect_from("crm.dealer.test", "10.1.2.3", 40001);
    macro("{daemon_name}", "ORIGINATING");
    macro("i", "4QX1Y2Z4");
    assert_int_equal(mail_from("<crm@dealer.test>"), SMFIS_CONTINUE);
    rcpt_to("<boris@customer.test>");
    cb_header(CTX, "X-Liveaddr-Hint", signed_hint("not the shared secret at all!!!!", "sales"));
    assert_int_equal(cb_eom(CTX), SMFIS_CONTINUE);
    assert_int_equal(fake.ndeleted, 1);
    assert_non_null(strstr(fake.chgfrom, "@bounce.dealer.test>"));	/* still tagged */
    assert_non_null(doc = stored("boris@customer.test"));
    assert_string_equal(doc->hist[0].department, "");
    assert_string_equal(doc->hist[0].owner, "");
    free(doc);
}

static void other_mail_is_left_alone(void **state)
{
    fake_reset();
    connect_from("mx.customer.test", "192.0.2.7", 51000);
    macro("{daemon_name}", "dealer-mx");
    /* a reply candidate: its headers are looked at, the sender is unknown */
    assert_int_equal(mail_from("<ivan@customer.test>"), SMFIS_CONTINUE);
    rcpt_to("<sales@dealer.test>");
    assert_int_equal(cb_header(CTX, "Subject", "Hello"), SMFIS_CONTINUE);
    assert_int_equal(cb_eoh(CTX), SMFIS_ACCEPT);
    assert_string_equal(fake.chgfrom, "");
    assert_int_equal(fake.nadded + fake.ndeleted, 0);
    assert_null(stored("sales@dealer.test"));
    assert_null(stored("ivan@customer.test"));
    /* a bounce (null sender) is never tagged, even from the CRM's port;
     * to a dealer mailbox it teaches nothing */
    fake_reset();
    macro("{daemon_name}", "ORIGINATING");
    assert_int_equal(mail_from("<>"), SMFIS_CONTINUE);
    rcpt_to("<sales@dealer.test>");
    assert_int_equal(cb_eoh(CTX), SMFIS_ACCEPT);
    assert_string_equal(fake.chgfrom, "");
}

/* a letter with more X-Liveaddr headers than can be removed is refused */
static void header_flood_is_rejected(void **state)
{
    (void) state;
    fake_reset();
    connect_from("crm.dealer.test", "10.1.2.3", 40009);
    macro("{daemon_name}", "ORIGINATING");
    macro("i", "4QX1FLOOD");
    assert_int_equal(mail_from("<crm@dealer.test>"), SMFIS_CONTINUE);
    rcpt_to("<flood@customer.test>");
    for (int i = 0; i < OUT_DELETE_MAX + 1; i++)
	cb_header(CTX, "X-Liveaddr-Hint", "x");
    assert_int_equal(cb_eom(CTX), SMFIS_REJECT);
    assert_non_null(strstr(fake.reply, "550 5.7.1"));
    assert_string_equal(fake.chgfrom, "");
    assert_null(stored("flood@customer.test"));
}

static void local_submission_is_outbound(void **state)
{
    RECORD_DOC *doc;

    fake_reset();
    connect_from("localhost", "127.0.0.1", 0);		/* Postfix's pickup path */
    macro("i", "4QX1Y2Z5");
    assert_int_equal(mail_from("<crm@dealer.test>"), SMFIS_CONTINUE);
    rcpt_to("<vera@customer.test>");
    assert_int_equal(cb_eom(CTX), SMFIS_CONTINUE);
    assert_non_null(strstr(fake.chgfrom, "@bounce.dealer.test>"));
    assert_non_null(doc = stored("vera@customer.test"));
    free(doc);
    /* a client on localhost with a real port is an SMTP client */
    fake_reset();
    connect_from("localhost", "127.0.0.1", 40002);
    assert_int_equal(mail_from("<someone@other.test>"), SMFIS_CONTINUE);	/* inbound */
    rcpt_to("<sales@dealer.test>");
    assert_int_equal(cb_eoh(CTX), SMFIS_ACCEPT);
    assert_string_equal(fake.chgfrom, "");
}

static void redis_down_mail_flows_evidence_journaled(void **state)
{
    struct stat st;
    JOURNAL_STATS js;
    RUNTIME *rt;
    char    err[256];
    RECORD_DOC *doc;

    redis_fixture_pause(&fx, 1);			/* Redis hangs */
    fake_reset();
    connect_from("crm.dealer.test", "10.1.2.3", 40003);
    macro("{daemon_name}", "ORIGINATING");
    macro("i", "4QX1Y2Z6");
    assert_int_equal(mail_from("<crm@dealer.test>"), SMFIS_CONTINUE);
    rcpt_to("<gleb@customer.test>");
    assert_int_equal(cb_eom(CTX), SMFIS_CONTINUE);	/* the letter goes on */
    assert_non_null(strstr(fake.chgfrom, "@bounce.dealer.test>"));
    assert_int_equal(stat(journal_path, &st), 0);
    assert_true(st.st_size > 0);
    redis_fixture_pause(&fx, 0);
    sleep(1);					/* past the pool's backoff */
    rt = runtime_acquire();
    assert_int_equal(sink_replay(rt->sink, &js, err, sizeof(err)), 0);
    assert_int_equal(js.applied, 1);
    runtime_release(rt);
    assert_non_null(doc = stored("gleb@customer.test"));
    assert_int_equal(doc->rec.n_sent, 1);
    free(doc);
}

/* the record read at end of headers changed before the end of the message:
 * a write conflict like any other, nothing is lost */
static void snapshot_overtaken(void **state)
{
    RUNTIME *rt;
    EVIDENCE ev;
    char    err[256];
    RECORD_DOC *doc;

    fake_reset();
    connect_from("crm.dealer.test", "10.1.2.3", 40010);
    macro("{daemon_name}", "ORIGINATING");
    macro("i", "4QX1Y2Z7");
    assert_int_equal(mail_from("<crm@dealer.test>"), SMFIS_CONTINUE);
    rcpt_to("<raced@customer.test>");
    assert_int_equal(cb_eoh(CTX), SMFIS_CONTINUE);
    rt = runtime_acquire();
    evidence_init(&ev, EV_DELIVERED, time(NULL) - 60, "raced@customer.test");
    evidence_make_id(&ev, "raced delivered");
    assert_int_equal(store_apply(rt->store, &ev, 1, time(NULL), NULL, err, sizeof(err)), 0);
    runtime_release(rt);
    assert_int_equal(cb_eom(CTX), SMFIS_CONTINUE);
    assert_non_null(doc = stored("raced@customer.test"));
    assert_int_equal(doc->nhist, 2);
    assert_int_equal(doc->rec.n_sent, 1);
    assert_int_equal(doc->rec.n_delivered, 1);
    free(doc);
}

/* ---- what comes back */

/* send_letter - one CRM letter to rcpt; its tag in tag (TAG_TEXT_MAX) */
static void send_letter(const char *rcpt, const char *qid, char tag[TAG_TEXT_MAX])
{
    fake_reset();
    connect_from("crm.dealer.test", "10.1.2.3", 40100);
    macro("{daemon_name}", "ORIGINATING");
    macro("i", qid);
    assert_int_equal(mail_from("<crm@dealer.test>"), SMFIS_CONTINUE);
    rcpt_to(rcpt);
    assert_int_equal(cb_eoh(CTX), SMFIS_CONTINUE);
    /* an outbound letter's body is skipped at its first chunk */
    assert_int_equal(cb_body(CTX, (unsigned char *) "Hello.\r\n", 8), SMFIS_SKIP);
    assert_int_equal(cb_eom(CTX), SMFIS_CONTINUE);
    assert_int_equal(fake.nadded, 1);
    assert_true(strlen(fake.added[0][1]) < TAG_TEXT_MAX);
    memcpy(tag, fake.added[0][1], strlen(fake.added[0][1]) + 1);
}

/* A DSN as Postfix writes it; %s: recipient (twice), quoted tracking header. */
static const char DSN_FMT[] =
    "This is a MIME-encapsulated message.\r\n"
    "\r\n"
    "--4QDSN.1718002800/mx.customer.test\r\n"
    "Content-Description: Notification\r\n"
    "Content-Type: text/plain; charset=us-ascii\r\n"
    "\r\n"
    "This is the mail system at host mx.customer.test.\r\n"
    "\r\n"
    "I'm sorry to have to inform you that your message could not\r\n"
    "be delivered to one or more recipients. It's attached below.\r\n"
    "\r\n"
    "                   The mail system\r\n"
    "\r\n"
    "<%s>: host mbox.customer.test[192.0.2.26] said: 550 5.1.1\r\n"
    "    User unknown in local recipient table (in reply to RCPT TO command)\r\n"
    "\r\n"
    "--4QDSN.1718002800/mx.customer.test\r\n"
    "Content-Description: Delivery report\r\n"
    "Content-Type: message/delivery-status\r\n"
    "\r\n"
    "Reporting-MTA: dns; mx.customer.test\r\n"
    "X-Postfix-Queue-ID: 4QDSN\r\n"
    "Arrival-Date: Mon, 10 Jun 2024 09:59:58 +0300 (MSK)\r\n"
    "\r\n"
    "Final-Recipient: rfc822; %s\r\n"
    "Action: failed\r\n"
    "Status: 5.1.1\r\n"
    "Remote-MTA: dns; mbox.customer.test\r\n"
    "Diagnostic-Code: smtp; 550 5.1.1 User unknown in local recipient table\r\n"
    "\r\n"
    "--4QDSN.1718002800/mx.customer.test\r\n"
    "Content-Description: Undelivered Message Headers\r\n"
    "Content-Type: text/rfc822-headers\r\n"
    "\r\n"
    "From: Sales <sales@dealer.test>\r\n"
    "Subject: Your car is ready\r\n"
    "%s"
    "\r\n"
    "--4QDSN.1718002800/mx.customer.test--\r\n";

/* send_dsn - a DSN from IP for FINAL to the envelope recipient ENV */
static sfsistat send_dsn(const char *ip, const char *env, const char *final,
			         const char *quoted_tag, const char *msgid)
{
    char    body[8192], quoted[128];

    snprintf(quoted, sizeof(quoted), "X-Liveaddr-Tag: %s\r\n", quoted_tag);
    snprintf(body, sizeof(body), DSN_FMT, final, final, quoted_tag ? quoted : "");
    fake_reset();
    connect_from("mx.customer.test", ip, 25000);
    assert_int_equal(cb_helo(CTX, "mx.customer.test"), SMFIS_CONTINUE);
    macro("i", "4QIN1");
    assert_int_equal(mail_from("<>"), SMFIS_CONTINUE);
    rcpt_to(env);
    cb_header(CTX, "From", "MAILER-DAEMON@mx.customer.test (Mail Delivery System)");
    cb_header(CTX, "Subject", "Undelivered Mail Returned to Sender");
    cb_header(CTX, "Message-Id", (char *) msgid);
    cb_header(CTX, "Auto-Submitted", "auto-replied");
    cb_header(CTX, "MIME-Version", "1.0");
    cb_header(CTX, "Content-Type", "multipart/report; report-type=delivery-status;\r\n"
	      "\tboundary=\"4QDSN.1718002800/mx.customer.test\"");
    assert_int_equal(cb_eoh(CTX), SMFIS_CONTINUE);
    assert_int_equal(cb_body(CTX, (unsigned char *) body, strlen(body)), SMFIS_CONTINUE);
    return (cb_eom(CTX));
}

/* hist_find - the record's evidence of a kind (same-second items: any order) */
static const EVIDENCE *hist_find(const RECORD_DOC *doc, EV_KIND kind)
{
    for (size_t i = 0; i < doc->nhist; i++)
	if (doc->hist[i].kind == kind)
	    return (doc->hist + i);
    return (NULL);
}

static unsigned n_hard(const char *address)
{
    RECORD_DOC *doc = stored(address);
    unsigned n;

    assert_non_null(doc);
    n = doc->rec.n_hard;
    free(doc);
    return (n);
}

static void dsn_makes_hard_bounce(void **state)
{
    char    tag[TAG_TEXT_MAX], env[128];
    RECORD_DOC *doc;
    const EVIDENCE *ev;

    (void) state;
    send_letter("<dora@customer.test>", "4QOUT1", tag);
    assert_int_equal(n_hard("dora@customer.test"), 0);
    snprintf(env, sizeof(env), "<%s@bounce.dealer.test>", tag);
    assert_int_equal(send_dsn("192.0.2.25", env, "dora@customer.test", tag, "<d1@mx>"),
		     SMFIS_CONTINUE);		/* delivered: ReportDisposition deliver */
    assert_string_equal(fake.chgfrom, "");	/* never changed */
    assert_int_equal(fake.nadded + fake.ndeleted, 0);
    assert_non_null(doc = stored("dora@customer.test"));
    assert_int_equal(doc->rec.n_hard, 1);
    assert_non_null(ev = hist_find(doc, EV_BOUNCE_HARD));
    assert_string_equal(ev->status, "5.1.1");
    assert_string_equal(ev->reason, "userunknown");
    assert_string_equal(ev->msgref, hist_find(doc, EV_SENT)->msgref);
    free(doc);
    /* the same report again: applied once */
    assert_int_equal(send_dsn("192.0.2.25", env, "dora@customer.test", tag, "<d1@mx>"),
		     SMFIS_CONTINUE);
    assert_int_equal(n_hard("dora@customer.test"), 1);
}

/* the envelope tag damaged by a forwarder: the quoted one still names it */
static void quoted_tag_is_enough(void **state)
{
    char    tag[TAG_TEXT_MAX];

    (void) state;
    send_letter("<quentin@customer.test>", "4QOUT2", tag);
    assert_int_equal(send_dsn("192.0.2.25", "<postmaster@bounce.dealer.test>",
			      "quentin@customer.test", tag, "<q1@mx>"), SMFIS_CONTINUE);
    assert_int_equal(n_hard("quentin@customer.test"), 1);
}

static void bad_tags_change_nothing(void **state)
{
    char    tag[TAG_TEXT_MAX], forged[TAG_TEXT_MAX], expired[TAG_TEXT_MAX], env[128];
    char    ref[TAG_REF_LEN + 1], err[128];
    TAG_KEYRING ring, other;
    unsigned long bad0 = atomic_load(&inbound_counters.bad_mac);
    unsigned long exp0 = atomic_load(&inbound_counters.expired);
    unsigned long un0 = atomic_load(&inbound_counters.untagged);

    (void) state;
    send_letter("<emil@customer.test>", "4QOUT3", tag);
    snprintf(ref, sizeof(ref), "%.*s", TAG_REF_LEN, tag + 4);
    memset(&ring, 0, sizeof(ring));
    memset(&other, 0, sizeof(other));
    assert_int_equal(tag_keyring_add(&ring, "t1", TAG_SECRET, strlen(TAG_SECRET), err,
				     sizeof(err)), 0);
    assert_int_equal(tag_keyring_add(&other, "t1", HINT_SECRET, strlen(HINT_SECRET), err,
				     sizeof(err)), 0);
    assert_true(tag_make(&other, ref, tag_day(time(NULL)) + 5, forged, sizeof(forged)) > 0);
    assert_true(tag_make(&ring, ref, tag_day(time(NULL)) - 1, expired, sizeof(expired)) > 0);

    snprintf(env, sizeof(env), "<%s@bounce.dealer.test>", forged);
    assert_int_equal(send_dsn("192.0.2.25", env, "emil@customer.test", forged, "<e1@mx>"),
		     SMFIS_CONTINUE);
    snprintf(env, sizeof(env), "<%s@bounce.dealer.test>", expired);
    assert_int_equal(send_dsn("192.0.2.25", env, "emil@customer.test", expired, "<e2@mx>"),
		     SMFIS_CONTINUE);
    assert_int_equal(send_dsn("192.0.2.25", "<postmaster@bounce.dealer.test>",
			      "emil@customer.test", NULL, "<e3@mx>"), SMFIS_CONTINUE);
    assert_int_equal(n_hard("emil@customer.test"), 0);
    assert_int_equal(atomic_load(&inbound_counters.bad_mac), bad0 + 1);
    assert_int_equal(atomic_load(&inbound_counters.expired), exp0 + 1);
    assert_int_equal(atomic_load(&inbound_counters.untagged), un0 + 1);
    /* a good tag, but the sender fails SPF: not trusted */
    snprintf(env, sizeof(env), "<%s@bounce.dealer.test>", tag);
    assert_int_equal(send_dsn("203.0.113.9", env, "emil@customer.test", tag, "<e4@mx>"),
		     SMFIS_CONTINUE);
    assert_int_equal(n_hard("emil@customer.test"), 0);
    /* a good tag, a report about somebody that letter never went to */
    assert_int_equal(send_dsn("192.0.2.25", env, "victim@customer.test", tag, "<e5@mx>"),
		     SMFIS_CONTINUE);
    assert_null(stored("victim@customer.test"));
    /* ... for a one-recipient letter it is an alias of that recipient */
    assert_int_equal(n_hard("emil@customer.test"), 1);
}

/* send_reply - a message from SENDER to a dealer mailbox */
static sfsistat send_reply(const char *ip, const char *sender, const char *from,
			           const char *auto_submitted)
{
    fake_reset();
    connect_from("mx.customer.test", ip, 25001);
    cb_helo(CTX, "mx.customer.test");
    macro("i", "4QREPLY");
    assert_int_equal(mail_from(sender), SMFIS_CONTINUE);
    rcpt_to("<sales@dealer.test>");
    cb_header(CTX, "From", (char *) from);
    cb_header(CTX, "To", "sales@dealer.test");
    cb_header(CTX, "Subject", "Re: your car is ready");
    cb_header(CTX, "Message-Id", "<r1@customer.test>");
    if (auto_submitted)
	cb_header(CTX, "Auto-Submitted", (char *) auto_submitted);
    return (cb_eoh(CTX));
}

static void reply_from_known_address(void **state)
{
    char    tag[TAG_TEXT_MAX];
    RECORD_DOC *doc;

    (void) state;
    send_letter("<fedor@customer.test>", "4QOUT4", tag);
    /* settled at the end of the headers: no body, no change */
    assert_int_equal(send_reply("192.0.2.30", "<Fedor@customer.test>",
				"Fedor <fedor@customer.test>", NULL), SMFIS_ACCEPT);
    assert_int_equal(fake.nadded + fake.ndeleted, 0);
    assert_non_null(doc = stored("fedor@customer.test"));
    assert_non_null(hist_find(doc, EV_REPLY));
    assert_int_equal(doc->rec.n_positive, 1);
    free(doc);
    /* an auto-reply from a known address: proof too */
    send_letter("<gala@customer.test>", "4QOUT5", tag);
    assert_int_equal(send_reply("192.0.2.30", "<gala@customer.test>", "gala@customer.test",
				"auto-replied"), SMFIS_ACCEPT);
    assert_non_null(doc = stored("gala@customer.test"));
    assert_non_null(hist_find(doc, EV_AUTOREPLY));
    free(doc);
    /* SPF fail: not counted */
    send_letter("<hugo@customer.test>", "4QOUT6", tag);
    assert_int_equal(send_reply("203.0.113.9", "<hugo@customer.test>", "hugo@customer.test",
				NULL), SMFIS_ACCEPT);
    assert_non_null(doc = stored("hugo@customer.test"));
    assert_int_equal(doc->rec.n_positive, 0);
    free(doc);
}

static void reply_from_unknown_address(void **state)
{
    (void) state;
    assert_int_equal(send_reply("192.0.2.30", "<stranger@customer.test>",
				"stranger@customer.test", NULL), SMFIS_ACCEPT);
    assert_null(stored("stranger@customer.test"));
}

static void reject_unsigned_in_smtpd_only(void **state)
{
    RUNTIME *rt = runtime_acquire();
    char    tag[TAG_TEXT_MAX], env[128];
    unsigned long rej0 = atomic_load(&inbound_counters.rejected);

    (void) state;
    send_letter("<ivo@customer.test>", "4QOUT7", tag);
    rt->reject_unsigned = true;
    fake_reset();
    connect_from("mx.other.test", "198.51.100.7", 25002);
    assert_int_equal(mail_from("<>"), SMFIS_CONTINUE);
    assert_int_equal(rcpt_status("<la1=junk@bounce.dealer.test>"), SMFIS_REJECT);
    assert_non_null(strstr(fake.reply, "550 5.7.1"));
    assert_int_equal(atomic_load(&inbound_counters.rejected), rej0 + 1);
    rcpt_to("<postmaster@bounce.dealer.test>");	/* never refused */
    snprintf(env, sizeof(env), "<%s@bounce.dealer.test>", tag);
    rcpt_to(env);				/* a good tag */
    cb_abort(CTX);
    /* Postfix's own bounce (non_smtpd_milters): never rejected */
    fake_reset();
    connect_from("localhost", "127.0.0.1", 0);
    assert_int_equal(mail_from("<>"), SMFIS_CONTINUE);
    rcpt_to("<la1=junk@bounce.dealer.test>");
    cb_abort(CTX);
    rt->reject_unsigned = false;
    runtime_release(rt);
}

static void discard_processed_reports_only(void **state)
{
    RUNTIME *rt = runtime_acquire();
    char    tag[TAG_TEXT_MAX], env[128];

    (void) state;
    send_letter("<jana@customer.test>", "4QOUT8", tag);
    snprintf(env, sizeof(env), "<%s@bounce.dealer.test>", tag);
    rt->report_discard = true;
    assert_int_equal(send_dsn("192.0.2.25", "<postmaster@bounce.dealer.test>",
			      "jana@customer.test", NULL, "<j1@mx>"), SMFIS_CONTINUE);
    assert_int_equal(send_dsn("192.0.2.25", env, "jana@customer.test", tag, "<j2@mx>"),
		     SMFIS_DISCARD);
    rt->report_discard = false;
    runtime_release(rt);
    assert_int_equal(n_hard("jana@customer.test"), 1);
}

/* a report longer than ReportMaxSize: the rest is skipped, no crash */
static void long_report_body_skipped(void **state)
{
    RUNTIME *rt = runtime_acquire();
    size_t  keep = rt->in.max_report;
    char   *big = malloc(3000);

    (void) state;
    memset(big, 'x', 3000);
    rt->in.max_report = 2048;
    fake_reset();
    connect_from("mx.customer.test", "192.0.2.25", 25003);
    assert_int_equal(mail_from("<>"), SMFIS_CONTINUE);
    rcpt_to("<postmaster@bounce.dealer.test>");
    assert_int_equal(cb_eoh(CTX), SMFIS_CONTINUE);
    assert_int_equal(cb_body(CTX, (unsigned char *) big, 1000), SMFIS_CONTINUE);
    assert_int_equal(cb_body(CTX, (unsigned char *) big, 3000), SMFIS_SKIP);
    assert_int_equal(cb_eom(CTX), SMFIS_CONTINUE);
    rt->in.max_report = keep;
    runtime_release(rt);
    free(big);
}

static void redis_down_report_delivered(void **state)
{
    RUNTIME *rt = runtime_acquire();
    char    tag[TAG_TEXT_MAX], env[128];

    (void) state;
    send_letter("<kira@customer.test>", "4QOUT9", tag);
    snprintf(env, sizeof(env), "<%s@bounce.dealer.test>", tag);
    redis_fixture_pause(&fx, 1);
    assert_int_equal(send_dsn("192.0.2.25", env, "kira@customer.test", tag, "<k1@mx>"),
		     SMFIS_CONTINUE);		/* OnFailure continue */
    rt->tempfail_on_failure = true;
    assert_int_equal(send_dsn("192.0.2.25", env, "kira@customer.test", tag, "<k1@mx>"),
		     SMFIS_TEMPFAIL);
    assert_non_null(strstr(fake.reply, "451 4.3.0"));
    rt->tempfail_on_failure = false;
    redis_fixture_pause(&fx, 0);
    runtime_release(rt);
    sleep(1);					/* past the pool's backoff */
    assert_int_equal(n_hard("kira@customer.test"), 0);
}

static void negotiation(void **state)
{
    unsigned long pf0 = 0, pf1 = 0, pf2 = 0, pf3 = 0;

    (void) state;
    assert_int_equal(cb_negotiate(CTX, 0x1ff, 0x1fffff, 0, 0, &pf0, &pf1, &pf2, &pf3),
		     SMFIS_CONTINUE);
    assert_int_equal(pf0, SMFIF_CHGFROM | SMFIF_ADDHDRS | SMFIF_CHGHDRS);
    assert_true(pf1 & SMFIP_SKIP);
    assert_false(pf1 & SMFIP_NOBODY);		/* reports need their body */
    assert_false(pf1 & (SMFIP_NOHELO | SMFIP_NOHDRS | SMFIP_NOEOH | SMFIP_NR_HDR));
    /* an MTA without SKIP is not asked for it */
    assert_int_equal(cb_negotiate(CTX, 0x1ff, 0x1fffff & ~SMFIP_SKIP, 0, 0, &pf0, &pf1, &pf2,
				  &pf3), SMFIS_CONTINUE);
    assert_false(pf1 & SMFIP_SKIP);
    /* one without CHGFROM cannot have the milter */
    assert_int_equal(cb_negotiate(CTX, 0x1ff & ~SMFIF_CHGFROM, 0x1fffff, 0, 0, &pf0, &pf1,
				  &pf2, &pf3), SMFIS_REJECT);
}

static void close_frees(void **state)
{
    assert_int_equal(cb_close(CTX), SMFIS_CONTINUE);
    assert_null(fake.priv);
}

/* ---- setup */

static void write_file(const char *path, const char *text, mode_t mode)
{
    FILE   *fp = fopen(path, "w");

    assert_non_null(fp);
    fputs(text, fp);
    fclose(fp);
    chmod(path, mode);
}

static int setup(void **state)
{
    char    path[160], text[2048], err[512];
    RUNTIME *rt;

    if (redis_fixture_start(&fx, NULL) < 0)
	return (-1);
    snprintf(dir, sizeof(dir), "/tmp/liveaddr-cb.XXXXXX");
    if (mkdtemp(dir) == NULL)
	return (-1);
    snprintf(path, sizeof(path), "%s/tag.keys", dir);
    snprintf(text, sizeof(text), "t1 %s\n", TAG_SECRET);
    write_file(path, text, 0600);
    snprintf(path, sizeof(path), "%s/hint.keys", dir);
    snprintf(text, sizeof(text), "crm %s\n", HINT_SECRET);
    write_file(path, text, 0600);
    snprintf(journal_path, sizeof(journal_path), "%s/journal", dir);
    snprintf(conf_path, sizeof(conf_path), "%s/liveaddr.conf", dir);
    snprintf(text, sizeof(text),
	     "RedisServer %s\nRedisTimeout 300ms\nRedisConnectTimeout 300ms\n"
	     "JournalPath %s\nJournalSync always\n"
	     "Nameservers 127.0.0.1:9\nDNSTimeout 200ms\n"
	     "BounceDomain bounce.dealer.test\nTagKeyFile %s/tag.keys\n"
	     "HintKeyFile %s/hint.keys\n",
	     fx.server, journal_path, dir, dir);
    write_file(conf_path, text, 0644);
    if ((rt = runtime_build(conf_path, err, sizeof(err))) == NULL) {
	fprintf(stderr, "# runtime_build: %s\n", err);
	return (-1);
    }
    /* SPF over a zone: customer.test and its MX send from 192.0.2.0/24 */
    if ((zone = SPF_dns_zone_new(NULL, "test", 0)) == NULL
	|| SPF_dns_zone_add_str(zone, "customer.test", ns_t_txt, NETDB_SUCCESS,
				"v=spf1 ip4:192.0.2.0/24 -all") != SPF_E_SUCCESS
	|| SPF_dns_zone_add_str(zone, "mx.customer.test", ns_t_txt, NETDB_SUCCESS,
				"v=spf1 ip4:192.0.2.0/24 -all") != SPF_E_SUCCESS)
	return (-1);
    spfcheck_free(rt->spf);
    if ((rt->spf = spfcheck_new_layer(zone)) == NULL)
	return (-1);
    runtime_install(rt);
    return (prefetch_start(1, 100));
}

static int teardown(void **state)
{
    char    cmd[128];

    prefetch_stop();
    runtime_shutdown();
    SPF_dns_free(zone);
    redis_fixture_stop(&fx);
    snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
    return (system(cmd) == 0 ? 0 : -1);
}

int     main(void)
{
    const struct CMUnitTest tests[] = {
	cmocka_unit_test(crm_letter_is_tagged),
	cmocka_unit_test(forged_hint_is_stripped_and_ignored),
	cmocka_unit_test(other_mail_is_left_alone),
	cmocka_unit_test(local_submission_is_outbound),
	cmocka_unit_test(header_flood_is_rejected),
	cmocka_unit_test(redis_down_mail_flows_evidence_journaled),
	cmocka_unit_test(snapshot_overtaken),
	cmocka_unit_test(negotiation),
	cmocka_unit_test(dsn_makes_hard_bounce),
	cmocka_unit_test(quoted_tag_is_enough),
	cmocka_unit_test(bad_tags_change_nothing),
	cmocka_unit_test(reply_from_known_address),
	cmocka_unit_test(reply_from_unknown_address),
	cmocka_unit_test(reject_unsigned_in_smtpd_only),
	cmocka_unit_test(discard_processed_reports_only),
	cmocka_unit_test(long_report_body_skipped),
	cmocka_unit_test(redis_down_report_delivered),
	cmocka_unit_test(close_frees),
    };
    const char *missing = redis_fixture_missing();

    if (missing) {
	printf("1..0 # SKIP %s\n", missing);
	return (0);
    }
    log_open("test_callbacks", 0, LOG_TO_STDERR);
    cmocka_set_message_output(CM_OUTPUT_TAP);
    return (cmocka_run_group_tests(tests, setup, teardown) ? 1 : 0);
}
