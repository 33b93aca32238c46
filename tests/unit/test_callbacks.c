/*
 * test_callbacks - the milter's callbacks with libmilter replaced by a
 * recording fake (mfx.h) and everything else real: liveaddr.conf, key
 * files, a private redis-server, the journal.  A CRM letter gets the
 * signed envelope sender and the tracking header and loses the hint
 * headers, and "sent" is stored with the hint's attribution; forged hints
 * are stripped and ignored; other mail is left alone; local submission
 * counts as outbound; with Redis stopped the letter goes on and the
 * evidence waits in the journal until a replay.
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

#include "unit.h"
#include "callbacks.h"
#include "hint.h"
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

    inet_pton(AF_INET, ip, &sin.sin_addr);
    assert_int_equal(cb_connect(CTX, (char *) host, (struct sockaddr *) &sin), SMFIS_CONTINUE);
}

static sfsistat mail_from(const char *sender)
{
    char   *argv[2] = {(char *) sender, NULL};

    return (cb_envfrom(CTX, argv));
}

static void rcpt_to(const char *rcpt)
{
    char   *argv[2] = {(char *) rcpt, NULL};

    assert_int_equal(cb_envrcpt(CTX, argv), SMFIS_CONTINUE);
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
    assert_int_equal(mail_from("<ivan@customer.test>"), SMFIS_ACCEPT);
    assert_string_equal(fake.chgfrom, "");
    assert_null(stored("sales@dealer.test"));
    /* a bounce (null sender) is never tagged, even from the CRM's port */
    fake_reset();
    macro("{daemon_name}", "ORIGINATING");
    assert_int_equal(mail_from("<>"), SMFIS_ACCEPT);
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
    assert_int_equal(mail_from("<someone@other.test>"), SMFIS_ACCEPT);
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
    runtime_install(rt);
    return (prefetch_start(1, 100));
}

static int teardown(void **state)
{
    char    cmd[128];

    prefetch_stop();
    runtime_shutdown();
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
