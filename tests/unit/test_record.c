/*
 * test_record - the compact text form of an address record: what goes in
 * comes back, escapes survive, the size stays small, and anything that is
 * not a record is refused rather than half-read.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "unit.h"
#include "record.h"

static RECORD_DOC *doc_with_history(size_t n)
{
    RECORD_DOC *doc = calloc(1, sizeof(*doc));
    STATE_POLICY pol;

    state_policy_defaults(&pol);
    record_doc_init(doc);
    for (size_t i = 0; i < n; i++) {
	EVIDENCE ev;
	char    seed[32];

	evidence_init(&ev, i % 3 == 0 ? EV_SENT : i % 3 == 1 ? EV_DELIVERED : EV_BOUNCE_SOFT,
		      1790000000 + (time_t) i * 3600, "ivan@mail.ru");
	snprintf(seed, sizeof(seed), "item %zu", i);
	evidence_make_id(&ev, seed);
	EVIDENCE_SET(&ev, msgref, "m7q2k3a9xz01");
	EVIDENCE_SET(&ev, mta, "mx.customer.test");
	EVIDENCE_SET(&ev, department, "sales");
	EVIDENCE_SET(&ev, owner, "petrov|ivan");	/* a "|" to escape */
	EVIDENCE_SET(&ev, text, "550 5.2.2 mailbox full\\quota");
	if (ev.kind == EV_BOUNCE_SOFT) {
	    EVIDENCE_SET(&ev, reason, "mailboxfull");
	    EVIDENCE_SET(&ev, status, "4.2.2");
	    ev.reply_code = 452;
	}
	record_add(doc, &ev, 32, 1790000000 + (time_t) i * 3600, &pol);
    }
    doc->version = 77;
    return (doc);
}

static void round_trip(void **state)
{
    RECORD_DOC *doc = doc_with_history(5);
    RECORD_DOC *back = calloc(1, sizeof(*back));
    char   *buf = malloc(RECORD_TEXT_MAX);
    int     len = record_encode(doc, buf, RECORD_TEXT_MAX);

    assert_true(len > 0);
    assert_int_equal(record_decode(buf, (size_t) len, back), 0);
    assert_int_equal(back->version, 77);
    assert_int_equal(back->nhist, 5);
    assert_int_equal(back->rec.validity, doc->rec.validity);
    assert_int_equal(back->rec.n_sent, doc->rec.n_sent);
    assert_int_equal(back->rec.last_positive, doc->rec.last_positive);
    assert_string_equal(back->rec.owner, "petrov|ivan");
    for (size_t i = 0; i < 5; i++) {
	assert_string_equal(back->hist[i].id, doc->hist[i].id);
	assert_int_equal(back->hist[i].kind, doc->hist[i].kind);
	assert_int_equal(back->hist[i].when, doc->hist[i].when);
	assert_string_equal(back->hist[i].text, "550 5.2.2 mailbox full\\quota");
	assert_int_equal(back->hist[i].reply_code, doc->hist[i].reply_code);
    }
    free(buf);
    free(back);
    free(doc);
}

/* three typical items and the record fit well under 300 bytes */
static void small(void **state)
{
    RECORD_DOC *doc = doc_with_history(3);
    char   *buf = malloc(RECORD_TEXT_MAX);
    int     len;

    for (size_t i = 0; i < doc->nhist; i++)
	doc->hist[i].text[0] = 0, doc->hist[i].owner[0] = 0;
    len = record_encode(doc, buf, RECORD_TEXT_MAX);
    print_message("# record with 3 items: %d bytes\n", len);
    assert_true(len > 0 && len < 400);
    free(buf);
    free(doc);
}

/* the cap folds old items into the base; an undo needs its target kept */
static void cap_and_base(void **state)
{
    RECORD_DOC *doc = doc_with_history(40);
    RECORD_DOC *back = calloc(1, sizeof(*back));
    char   *buf = malloc(RECORD_TEXT_MAX);
    int     len;

    assert_int_equal(doc->nhist, 32);
    assert_true(doc->has_base);
    assert_int_equal(doc->rec.n_sent, 14);	/* items 0,3,...,39: all counted */
    len = record_encode(doc, buf, RECORD_TEXT_MAX);
    assert_int_equal(record_decode(buf, (size_t) len, back), 0);
    assert_true(back->has_base);
    assert_int_equal(back->base.n_sent + 0, doc->base.n_sent);
    free(buf);
    free(back);
    free(doc);
}

static void duplicates_change_nothing(void **state)
{
    RECORD_DOC *doc = doc_with_history(2);
    STATE_POLICY pol;
    EVIDENCE again = doc->hist[1];

    state_policy_defaults(&pol);
    strcpy(again.address, "ivan@mail.ru");
    assert_int_equal(record_add(doc, &again, 32, again.when, &pol), 0);
    assert_int_equal(doc->nhist, 2);
    free(doc);
}

static void garbage_refused(void **state)
{
    static const char *const bad[] = {
	"", "R2", "R2|1|9|||||||||||||||||||||||||\n", "X2|1\n", "R1|1|1\n",
	"R2|1|1|0|0|r|s|1|1|1|1|1|1|1|1|1|1|1|1|1|1|1|1|1|1|d|o|c|s\nid|Q|1|||||||||||||\n",
	"R2|1|1|0|0|r|s|1|1|1|1|1|1|1|1|1|1|1|1|1|1|1|1|1|1|d|o|c|s",	/* no LF */
	"R2|1|1|0|0|r\\x|s|1|1|1|1|1|1|1|1|1|1|1|1|1|1|1|1|1|1|d|o|c|s\n",
	"R2|1|1|0|0|r|s|1|1|1|1|1|1|1|1|1|1|1|1|1|1|1|1|1|1|d|o|c|s|extra\n",
	"R2|zzzzzzzzzzzzzz|1|0|0|r|s|1|1|1|1|1|1|1|1|1|1|1|1|1|1|1|1|1|1|d|o|c|s\n",
    };
    RECORD_DOC *doc = calloc(1, sizeof(*doc));

    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
	assert_int_equal(record_decode(bad[i], strlen(bad[i]), doc), -1);
    /* random bytes never crash */
    srand(7);
    for (int round = 0; round < 20000; round++) {
	char    junk[200];
	size_t  n = (size_t) (rand() % (int) sizeof(junk));

	for (size_t i = 0; i < n; i++)
	    junk[i] = "R2|\n\\0a1zBT"[rand() % 11];
	(void) record_decode(junk, n, doc);
    }
    free(doc);
}

int     main(void)
{
    const struct CMUnitTest tests[] = {
	cmocka_unit_test(round_trip),
	cmocka_unit_test(small),
	cmocka_unit_test(cap_and_base),
	cmocka_unit_test(duplicates_change_nothing),
	cmocka_unit_test(garbage_refused),
    };

    return (UNIT_RUN(tests));
}
