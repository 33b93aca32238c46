/*
 * test_record - the compact form of an address record: what goes in comes
 * back, field for field, at every field's longest; the usual record stays
 * small; anything that is not a record is refused rather than half-read,
 * and no byte string, however broken, makes the reader step out of it.
 */
#include "config.h"

#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "unit.h"
#include "record.h"

#define T	((time_t) 1790000000)	/* 2026-09-21, any time will do */
#define DAY	((time_t) 86400)

static RECORD_DOC *doc_new(void)
{
    RECORD_DOC *doc = calloc(1, sizeof(*doc));

    assert_non_null(doc);
    record_doc_init(doc);
    return (doc);
}

static RECORD_DOC *doc_with_history(size_t n)
{
    RECORD_DOC *doc = doc_new();
    STATE_POLICY pol;

    state_policy_defaults(&pol);
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
	EVIDENCE_SET(&ev, owner, "petrov|ivan");	/* a "|", once the separator */
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

/* typical_doc - sent, delivered seconds later, sent again two weeks on */

static RECORD_DOC *typical_doc(void)
{
    RECORD_DOC *doc = doc_new();
    STATE_POLICY pol;
    EVIDENCE ev;

    state_policy_defaults(&pol);
    evidence_init(&ev, EV_SENT, T, "ivan.petrov@mail.ru");
    EVIDENCE_SET(&ev, department, "sales");
    EVIDENCE_SET(&ev, owner, "petrova.e");
    EVIDENCE_SET(&ev, contact, "C0000001");
    EVIDENCE_SET(&ev, event, "contract");
    EVIDENCE_SET(&ev, msgref, "00000001a007");
    evidence_make_id(&ev, "00000001a007|ivan.petrov@mail.ru|sent");
    record_add(doc, &ev, 32, T, &pol);

    evidence_init(&ev, EV_DELIVERED, T + 3, "ivan.petrov@mail.ru");
    EVIDENCE_SET(&ev, status, "2.0.0");
    ev.reply_code = 250;
    EVIDENCE_SET(&ev, msgref, "00000001a007");
    EVIDENCE_SET(&ev, mta, "mxs.mail.ru");
    evidence_make_id(&ev, "00000001a007|ivan.petrov@mail.ru|delivered");
    record_add(doc, &ev, 32, T + 60, &pol);

    evidence_init(&ev, EV_SENT, T + 14 * DAY, "ivan.petrov@mail.ru");
    EVIDENCE_SET(&ev, department, "sales");
    EVIDENCE_SET(&ev, owner, "petrova.e");
    EVIDENCE_SET(&ev, contact, "C0000001");
    EVIDENCE_SET(&ev, event, "service");
    EVIDENCE_SET(&ev, msgref, "00000002b00e");
    evidence_make_id(&ev, "00000002b00e|ivan.petrov@mail.ru|sent");
    record_add(doc, &ev, 32, T + 14 * DAY, &pol);
    doc->version = 3;				/* three writes */
    return (doc);
}

/* ---- comparing, field for field */

static void record_equal(const RECORD *a, const RECORD *b)
{
    assert_int_equal(a->validity, b->validity);
    assert_int_equal(a->stale, b->stale);
    assert_int_equal(a->suppression, b->suppression);
    assert_string_equal(a->reason, b->reason);
    assert_string_equal(a->last_status, b->last_status);
    assert_int_equal(a->n_sent, b->n_sent);
    assert_int_equal(a->n_delivered, b->n_delivered);
    assert_int_equal(a->n_positive, b->n_positive);
    assert_int_equal(a->n_hard, b->n_hard);
    assert_int_equal(a->n_soft, b->n_soft);
    assert_int_equal(a->n_policy, b->n_policy);
    assert_int_equal(a->n_complaint, b->n_complaint);
    assert_int_equal(a->soft_days, b->soft_days);
    assert_true(a->soft_first == b->soft_first);
    assert_true(a->soft_last_day == b->soft_last_day);
    assert_true(a->first_seen == b->first_seen);
    assert_true(a->last_sent == b->last_sent);
    assert_true(a->last_delivered == b->last_delivered);
    assert_true(a->last_bounce == b->last_bounce);
    assert_true(a->last_hard == b->last_hard);
    assert_true(a->last_positive == b->last_positive);
    assert_true(a->last_confirmed == b->last_confirmed);
    assert_true(a->updated == b->updated);
    assert_string_equal(a->department, b->department);
    assert_string_equal(a->owner, b->owner);
    assert_string_equal(a->contact, b->contact);
    assert_string_equal(a->confirm_source, b->confirm_source);
}

/* item_equal - b read back from a; the history keeps `text' bytes of text */

static void item_equal(const EVIDENCE *a, const EVIDENCE *b, size_t text)
{
    assert_string_equal(a->id, b->id);
    assert_int_equal(a->kind, b->kind);
    assert_true(a->when == b->when);
    assert_string_equal(b->address, "");	/* the key says it */
    assert_string_equal(a->reason, b->reason);
    assert_string_equal(a->status, b->status);
    assert_int_equal(a->reply_code, b->reply_code);
    assert_string_equal(a->msgref, b->msgref);
    assert_string_equal(a->mta, b->mta);
    assert_string_equal(a->department, b->department);
    assert_string_equal(a->owner, b->owner);
    assert_string_equal(a->contact, b->contact);
    assert_string_equal(a->event, b->event);
    assert_string_equal(a->target, b->target);
    assert_int_equal(strlen(b->text), strlen(a->text) < text ? strlen(a->text) : text);
    assert_memory_equal(a->text, b->text, strlen(b->text));
}

static void doc_equal(const RECORD_DOC *a, const RECORD_DOC *b, size_t text)
{
    assert_true(a->version == b->version);
    record_equal(&a->rec, &b->rec);
    assert_int_equal(a->has_base, b->has_base);
    if (a->has_base)
	record_equal(&a->base, &b->base);
    assert_true(a->forgotten == b->forgotten);
    assert_int_equal(a->nhist, b->nhist);
    for (size_t i = 0; i < a->nhist; i++)
	item_equal(a->hist + i, b->hist + i, text);
}

/* trip - encode, decode, compare; the length */

static int trip(const RECORD_DOC *doc, size_t text)
{
    RECORD_DOC *back = calloc(1, sizeof(*back));
    char   *buf = malloc(RECORD_TEXT_MAX);
    int     len;

    assert_non_null(back);
    assert_non_null(buf);
    len = record_encode(doc, buf, RECORD_TEXT_MAX);
    assert_true(len > 0);
    assert_int_equal(record_decode(buf, (size_t) len, back), 0);
    doc_equal(doc, back, text);
    free(buf);
    free(back);
    return (len);
}

/* fill - a string field at its longest, of bytes that were once special */

static void fill(char *field, size_t size, unsigned seed)
{
    static const char bytes[] = "|\n\\\t aZ9\x7f\xd0\xb9\xff";

    for (size_t i = 0; i + 1 < size; i++)
	field[i] = bytes[(i + seed) % (sizeof(bytes) - 1)];
    field[size - 1] = 0;
}

#define FILL(s, field, seed)	fill((s)->field, sizeof((s)->field), (seed))

static void record_max(RECORD *r, unsigned seed)
{
    state_record_init(r);
    r->validity = VAL_INVALID;
    r->stale = true;
    r->suppression = UINT_MAX;
    FILL(r, reason, seed);
    FILL(r, last_status, seed + 1);
    r->n_sent = r->n_delivered = r->n_positive = r->n_hard = UINT_MAX;
    r->n_soft = r->n_policy = r->n_complaint = r->soft_days = UINT_MAX;
    r->soft_first = INT64_MAX;
    r->soft_last_day = LONG_MIN + 1;
    r->first_seen = INT64_MIN + 1;
    r->last_sent = -1;
    r->last_delivered = 1;
    r->last_bounce = INT64_MAX - 1;
    r->last_hard = T;
    r->last_positive = -T;
    r->last_confirmed = INT64_MAX;
    r->updated = 0;				/* T0 = the tombstone's time */
    FILL(r, department, seed + 2);
    FILL(r, owner, seed + 3);
    FILL(r, contact, seed + 4);
    FILL(r, confirm_source, seed + 5);
}

static void item_max(EVIDENCE *ev, size_t i)
{
    memset(ev, 0, sizeof(*ev));
    ev->kind = (EV_KIND) (i % EV_KIND_COUNT);
    ev->when = i % 2 ? INT64_MAX - (time_t) i : INT64_MIN + 1 + (time_t) i;
    if (i % 4 == 0)
	evidence_make_id(ev, "max");
    else
	FILL(ev, id, (unsigned) i);
    FILL(ev, reason, (unsigned) i);
    FILL(ev, status, (unsigned) i + 1);
    ev->reply_code = 999;
    FILL(ev, msgref, (unsigned) i + 2);
    FILL(ev, mta, (unsigned) i + 3);
    FILL(ev, department, (unsigned) i + 4);
    FILL(ev, owner, (unsigned) i + 5);
    FILL(ev, contact, (unsigned) i + 6);
    FILL(ev, event, (unsigned) i + 7);
    FILL(ev, target, (unsigned) i + 8);
    memset(ev->text, 'x', EV_TEXT_MAX);
}

static RECORD_DOC *max_doc(void)
{
    RECORD_DOC *doc = doc_new();

    doc->version = ULONG_MAX;
    record_max(&doc->rec, 0);
    doc->has_base = true;
    record_max(&doc->base, 7);
    doc->forgotten = -5;
    doc->nhist = RECORD_HISTORY_MAX;
    for (size_t i = 0; i < RECORD_HISTORY_MAX; i++)
	item_max(doc->hist + i, i);
    return (doc);
}

/* ---- what goes in comes back */

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
    doc_equal(doc, back, 63);
    free(buf);
    free(back);
    free(doc);
}

/* every field at its longest and its extreme, base, tombstone, 64 items */
static void round_trip_max(void **state)
{
    RECORD_DOC *doc = max_doc();
    char   *buf = malloc(RECORD_TEXT_MAX);
    int     len;

    len = trip(doc, 63);			/* the history keeps 63 bytes of text */
    print_message("# worst case: 64 items, every field at its longest: %d bytes"
		  " (RECORD_TEXT_MAX %d)\n", len, (int) RECORD_TEXT_MAX);
    assert_true(len < RECORD_TEXT_MAX);
    /* exactly the room it needs: the length and the NUL */
    assert_int_equal(record_encode(doc, buf, (size_t) len + 1), len);
    assert_int_equal(record_encode(doc, buf, (size_t) len), -1);
    assert_int_equal(record_encode(doc, buf, 1), -1);
    assert_int_equal(record_encode(doc, buf, 0), -1);
    free(buf);
    free(doc);
}

/* an empty document, and the tombstone store_forget() writes */
static void round_trip_small_docs(void **state)
{
    RECORD_DOC *doc = doc_new();
    char    buf[64];

    assert_int_equal(trip(doc, 63), 8);	/* "R3||" and four zero bytes */
    assert_int_equal(record_encode(doc, buf, sizeof(buf)), 8);
    assert_memory_equal(buf, "R3||\0\0\0\0", 9);
    doc->version = (unsigned long) T;
    doc->forgotten = T;
    print_message("# tombstone: %d bytes\n", trip(doc, 63));
    free(doc);
}

/* ids: 16 lowercase hex digits take 8 bytes; any other id is kept as text */
static void ids(void **state)
{
    static const char *const id[] = {
	"0123456789abcdef", "ffffffffffffffff", "0000000000000000",
	"0123456789ABCDEF", "0123456789abcde", "0123456789abcdef0",
	"0123456789abcdeg", "", "x", "0123456789abcdef0123456789abcdef",
	"journal:7:deadbeef",
    };
    RECORD_DOC *doc = doc_new();

    for (size_t i = 0; i < sizeof(id) / sizeof(id[0]); i++) {
	evidence_init(doc->hist + i, EV_SENT, T + (time_t) i, "");
	EVIDENCE_SET(doc->hist + i, id, id[i]);
    }
    doc->nhist = sizeof(id) / sizeof(id[0]);
    doc->rec.updated = T;
    trip(doc, 63);
    doc->nhist = 1;				/* one hex id: 8 bytes */
    {
	int     hex = trip(doc, 63);

	doc->hist[0] = doc->hist[3];		/* upper case: text, 1 + 16 */
	assert_int_equal(trip(doc, 63), hex + 9);
    }
    free(doc);
}

/* an item's department, owner, contact: the record's, another, or none */
static void same_as_record(void **state)
{
    RECORD_DOC *doc = doc_new();
    RECORD_DOC *back = doc_new();
    char    buf[1024];
    int     same, other;

    doc->rec.updated = T;
    EVIDENCE_SET(&doc->rec, department, "sales");
    EVIDENCE_SET(&doc->rec, owner, "petrova.e");
    EVIDENCE_SET(&doc->rec, contact, "C0000001");
    doc->nhist = 3;
    evidence_init(doc->hist + 0, EV_SENT, T, "");
    evidence_make_id(doc->hist + 0, "0");
    EVIDENCE_SET(doc->hist + 0, department, "sales");	/* the record's */
    EVIDENCE_SET(doc->hist + 0, owner, "petrova.e");
    EVIDENCE_SET(doc->hist + 0, contact, "C0000001");
    evidence_init(doc->hist + 1, EV_SENT, T, "");
    evidence_make_id(doc->hist + 1, "1");
    EVIDENCE_SET(doc->hist + 1, department, "service");	/* another */
    EVIDENCE_SET(doc->hist + 1, owner, "petrova.ek");	/* longer */
    EVIDENCE_SET(doc->hist + 1, contact, "C000000");	/* a prefix */
    evidence_init(doc->hist + 2, EV_DELIVERED, T, "");
    evidence_make_id(doc->hist + 2, "2");	/* none: stays empty */
    trip(doc, 63);
    same = record_encode(doc, buf, sizeof(buf));
    assert_int_equal(record_decode(buf, (size_t) same, back), 0);
    assert_string_equal(back->hist[0].department, "sales");
    assert_string_equal(back->hist[0].contact, "C0000001");
    assert_string_equal(back->hist[1].owner, "petrova.ek");
    assert_string_equal(back->hist[1].contact, "C000000");
    assert_string_equal(back->hist[2].department, "");
    assert_string_equal(back->hist[2].owner, "");
    assert_string_equal(back->hist[2].contact, "");

    /* the record's values cost nothing in the item */
    doc->nhist = 1;
    same = record_encode(doc, buf, sizeof(buf));
    EVIDENCE_SET(doc->hist + 0, department, "salez");
    other = record_encode(doc, buf, sizeof(buf));
    assert_int_equal(other, same + 1 + 5 + 1);	/* a mask byte, a string */
    trip(doc, 63);

    /* a record with none: the item keeps its own */
    doc->rec.department[0] = doc->rec.owner[0] = doc->rec.contact[0] = 0;
    EVIDENCE_SET(doc->hist + 0, department, "sales");
    trip(doc, 63);
    free(back);
    free(doc);
}

/* a DSN names its letter's msgref: "as the item before" */
static void msgref_as_before(void **state)
{
    RECORD_DOC *doc = doc_new();
    char    buf[1024];
    int     as_before, own;

    doc->rec.updated = T;
    doc->nhist = 2;
    evidence_init(doc->hist + 0, EV_SENT, T, "");
    evidence_make_id(doc->hist + 0, "0");
    EVIDENCE_SET(doc->hist + 0, msgref, "00000001a007");
    evidence_init(doc->hist + 1, EV_DELIVERED, T + 3, "");
    evidence_make_id(doc->hist + 1, "1");
    EVIDENCE_SET(doc->hist + 1, msgref, "00000001a007");
    trip(doc, 63);
    as_before = record_encode(doc, buf, sizeof(buf));
    EVIDENCE_SET(doc->hist + 1, msgref, "00000001a008");
    trip(doc, 63);
    own = record_encode(doc, buf, sizeof(buf));
    assert_int_equal(own, as_before + 7);	/* 12 hex digits: 6 bytes */
    doc->hist[0].msgref[0] = 0;			/* none before: its own */
    trip(doc, 63);
    doc->hist[1].msgref[0] = 0;			/* both none */
    trip(doc, 63);
    free(doc);
}

/* the history keeps 63 bytes of the text, never half a character */
static void text_cut(void **state)
{
    RECORD_DOC *doc = doc_new();
    RECORD_DOC *back = doc_new();
    char    buf[1024];
    int     len;

    doc->nhist = 1;
    evidence_init(doc->hist, EV_BOUNCE_SOFT, T, "");
    evidence_make_id(doc->hist, "0");
    memset(doc->hist[0].text, 'a', 62);
    strcpy(doc->hist[0].text + 62, "\xd1\x8f and more");	/* "я" at 62-63 */
    len = record_encode(doc, buf, sizeof(buf));
    assert_int_equal(record_decode(buf, (size_t) len, back), 0);
    assert_int_equal(strlen(back->hist[0].text), 62);
    strcpy(doc->hist[0].text + 61, "\xd1\x8f and more");	/* at 61-62: kept */
    len = record_encode(doc, buf, sizeof(buf));
    assert_int_equal(record_decode(buf, (size_t) len, back), 0);
    assert_int_equal(strlen(back->hist[0].text), 63);
    free(back);
    free(doc);
}

/* reply codes 1-999 are kept, others are not (evidence_decode() has 0-999) */
static void reply_codes(void **state)
{
    RECORD_DOC *doc = doc_new();
    RECORD_DOC *back = doc_new();
    char    buf[256];
    static const int in[] = {0, 1, 250, 999, 1000, -1};
    static const int out[] = {0, 1, 250, 999, 0, 0};

    doc->nhist = 1;
    evidence_init(doc->hist, EV_DELIVERED, T, "");
    evidence_make_id(doc->hist, "0");
    for (size_t i = 0; i < sizeof(in) / sizeof(in[0]); i++) {
	int     len;

	doc->hist[0].reply_code = in[i];
	len = record_encode(doc, buf, sizeof(buf));
	assert_int_equal(record_decode(buf, (size_t) len, back), 0);
	assert_int_equal(back->hist[0].reply_code, out[i]);
    }
    free(back);
    free(doc);
}

/* what cannot be written is refused, not written wrong */
static void encode_refuses(void **state)
{
    RECORD_DOC *doc = doc_new();
    char   *buf = malloc(RECORD_TEXT_MAX);

    doc->nhist = 1;
    evidence_init(doc->hist, EV_SENT, T, "");
    evidence_make_id(doc->hist, "0");
    assert_true(record_encode(doc, buf, RECORD_TEXT_MAX) > 0);
    doc->hist[0].kind = EV_KIND_COUNT;		/* unknown kind */
    assert_int_equal(record_encode(doc, buf, RECORD_TEXT_MAX), -1);
    doc->hist[0].kind = EV_SENT;
    doc->hist[0].when = INT64_MIN;		/* 2^63 s from T0 = 0 */
    assert_int_equal(record_encode(doc, buf, RECORD_TEXT_MAX), -1);
    doc->hist[0].when = T;
    memset(doc->hist[0].event, 'e', sizeof(doc->hist[0].event));	/* no NUL */
    assert_int_equal(record_encode(doc, buf, RECORD_TEXT_MAX), -1);
    doc->hist[0].event[0] = 0;
    memset(doc->hist[0].text, 't', sizeof(doc->hist[0].text));	/* no NUL */
    assert_int_equal(record_encode(doc, buf, RECORD_TEXT_MAX), -1);
    doc->hist[0].text[0] = 0;
    doc->rec.validity = VAL_COUNT;
    assert_int_equal(record_encode(doc, buf, RECORD_TEXT_MAX), -1);
    doc->rec.validity = VAL_VALID;
    doc->nhist = RECORD_HISTORY_MAX + 1;
    assert_int_equal(record_encode(doc, buf, RECORD_TEXT_MAX), -1);
    free(buf);
    free(doc);
}

/* ---- the memory target */

/* the usual record: three items and the state, about 150 bytes */
static void typical_size(void **state)
{
    RECORD_DOC *doc = typical_doc();
    int     len;

    assert_int_equal(doc->nhist, 3);
    assert_int_equal(doc->rec.validity, VAL_VALID);
    len = trip(doc, 63);
    print_message("# typical record (sent, delivered, sent): %d bytes\n", len);
    assert_true(len <= 200);
    free(doc);
}

/* the older test's three items (mta, dept, text-free) stay under 250 bytes */
static void small(void **state)
{
    RECORD_DOC *doc = doc_with_history(3);
    char   *buf = malloc(RECORD_TEXT_MAX);
    int     len;

    for (size_t i = 0; i < doc->nhist; i++)
	doc->hist[i].text[0] = 0, doc->hist[i].owner[0] = 0;
    len = record_encode(doc, buf, RECORD_TEXT_MAX);
    print_message("# record with 3 items: %d bytes\n", len);
    assert_true(len > 0 && len < 250);
    free(buf);
    free(doc);
}

/* ---- the history */

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
    doc_equal(doc, back, 63);
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

/* ---- what is not a record */

/* hex - bytes from "52 33 7c" */

static size_t hex(const char *text, unsigned char *out, size_t size)
{
    size_t  n = 0;
    unsigned v;
    int     used;

    while (sscanf(text, " %2x%n", &v, &used) == 1) {
	assert_true(n < size);
	out[n++] = (unsigned char) v;
	text += used;
    }
    return (n);
}

/* the old text form, and text that is no record */
static void garbage_refused(void **state)
{
    static const char *const bad[] = {
	"", "R2", "R2|1|9|||||||||||||||||||||||||\n", "X2|1\n", "R1|1|1\n",
	"R2|1|1|0|0|r|s|1|1|1|1|1|1|1|1|1|1|1|1|1|1|1|1|1|1|d|o|c|s\nid|Q|1|||||||||||||\n",
	"R2|1|1|0|0|r|s|1|1|1|1|1|1|1|1|1|1|1|1|1|1|1|1|1|1|d|o|c|s",
	"R2|1|1|0|0|r|s|1|1|1|1|1|1|1|1|1|1|1|1|1|1|1|1|1|1|d|o|c|s\n",
	"R3", "R3|", "R3||", "r3||", "R3|1", "R3|1|\n",
    };
    RECORD_DOC *doc = calloc(1, sizeof(*doc));

    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
	assert_int_equal(record_decode(bad[i], strlen(bad[i]), doc), -1);
    free(doc);
}

 /*
  * Hand-made values, each next to its broken twin.  The smallest record is
  * "R3||" and four bytes: T0 0; the record's flags 0 and mask 0; the shape
  * 0 (no items, no base, no tombstone).  The shape is count << 2 | base
  * << 1 | tombstone.  An item below is a head byte (kind 0, a hex id), 8
  * id bytes, `when' 01 (T0), a mask.  A string is its length << 1 (| 1:
  * hex digits, two to a byte) and its bytes.
  */
#define EMPTY_REC	" 00 00 "
#define NOTHING		" 00 "		/* shape: no items, no base, no tombstone */
#define ONE		" 04 "		/* shape: one item */
#define TWO		" 08 "
#define ITEM(head, mask) " " head " 01 02 03 04 05 06 07 08 01 " mask " "
#define REC_SALES	" 00 10 0a 73 61 6c 65 73 "	/* department "sales" */
#define A16		" 61 61 61 61 61 61 61 61 61 61 61 61 61 61 61 61 "

static const struct {
    int     want;
    const char *prefix;
    const char *body;			/* hex */
    const char *why;
}       made[] = {
    {0, "R3||", "00" EMPTY_REC NOTHING, "the smallest record"},
    {-1, "R3||", "00" EMPTY_REC, "one byte short"},
    {-1, "R3||", "00" EMPTY_REC NOTHING "00", "a byte after the end"},
    {0, "R3|3w5e11264sgsf|", "00" EMPTY_REC NOTHING, "version 2^64 - 1"},
    {-1, "R3|3w5e11264sgsg|", "00" EMPTY_REC NOTHING, "version 2^64"},
    {-1, "R3|zzzzzzzzzzzzzz|", "00" EMPTY_REC NOTHING, "version too long"},
    {-1, "R3|0|", "00" EMPTY_REC NOTHING, "version 0 is written as nothing"},
    {-1, "R3|01|", "00" EMPTY_REC NOTHING, "a leading zero"},
    {-1, "R3|A|", "00" EMPTY_REC NOTHING, "upper case"},
    {-1, "R3|-1|", "00" EMPTY_REC NOTHING, "a sign"},
    {-1, "R3|1 |", "00" EMPTY_REC NOTHING, "a space"},
    {-1, "R3|1", "", "no bar after the version"},
    {-1, "R2||", "00" EMPTY_REC NOTHING, "the old prefix"},
    {-1, "R3||", "80", "a varint cut short"},
    {0, "R3||", "ff ff ff ff ff ff ff ff ff 01" EMPTY_REC NOTHING, "T0: 64 bits"},
    {-1, "R3||", "ff ff ff ff ff ff ff ff ff 02" EMPTY_REC NOTHING, "T0: 65 bits"},
    {-1, "R3||", "ff ff ff ff ff ff ff ff ff 81 00" EMPTY_REC NOTHING, "T0: 11 bytes"},
    {0, "R3||", "00 03 00" NOTHING, "validity invalid, the last there is"},
    {0, "R3||", "00 ff ff ff ff 7f 00" NOTHING, "suppression 2^32 - 1"},
    {-1, "R3||", "00 80 80 80 80 80 01 00" NOTHING, "suppression 2^32"},
    {0, "R3||", "00 00 80 80 80 04 00" NOTHING, "mask: field 23, confirm_source"},
    {0, "R3||", "00 00 80 80 08 01" NOTHING, "mask: field 17, the day of T0"},
    {-1, "R3||", "00 00 80 80 80 08" NOTHING, "mask: field 24"},
    {0, "R3||", "00 00 08 ff ff ff ff 0f" NOTHING, "n_sent 2^32 - 1"},
    {-1, "R3||", "00 00 08 80 80 80 80 10" NOTHING, "n_sent 2^32"},
    {0, "R3||", "00" REC_SALES NOTHING, "a department"},
    {-1, "R3||", "00 00 10 12 73 61 6c 65 73", "a string past the end"},
    {-1, "R3||", "00 00 10 0a 73 61 00 65 73" NOTHING, "a NUL in a string"},
    {0, "R3||", "00 00 10 3e" A16 "61 61 61 61 61 61 61 61 61 61 61 61 61 61 61" NOTHING,
	"department: 31 bytes"},
    {-1, "R3||", "00 00 10 40" A16 A16 NOTHING, "department: 32 bytes"},
    {0, "R3||", "00 00 10 3f 01 23 45 67 89 ab cd ef 01 23 45 67 89 ab cd e0" NOTHING,
	"department: 31 hex digits"},
    {-1, "R3||", "00 00 10 3f 01 23 45 67 89 ab cd ef 01 23 45 67 89 ab cd ef" NOTHING,
	"department: 31 hex digits, the pad not 0"},
    {-1, "R3||", "00 00 10 41 01 23 45 67 89 ab cd ef 01 23 45 67 89 ab cd ef" NOTHING,
	"department: 32 hex digits"},
    {-1, "R3||", "00 00 10 3f 01 23 45 67 89 ab cd ef 01 23 45 67 89 ab cd" NOTHING,
	"hex digits past the end"},
    {0, "R3||", "00" EMPTY_REC "02" EMPTY_REC "00", "with a base"},
    {0, "R3||", "00" EMPTY_REC "02" EMPTY_REC "01 21 0123456789abcdef",
	"with a base and a folded id"},
    {-1, "R3||", "00" EMPTY_REC "02" EMPTY_REC "01 00", "a folded id that is empty"},
    {-1, "R3||", "00" EMPTY_REC "02" EMPTY_REC "41", "65 folded ids"},
    {-1, "R3||", "00" EMPTY_REC "02" EMPTY_REC "02 21 0123456789abcdef",
	"2 folded ids, 1 there"},
    {-1, "R3||", "00" EMPTY_REC "02", "with a base, not there"},
    {-1, "R3||", "00" EMPTY_REC "02 00 80 80 80 08", "base: mask field 24"},
    {0, "R3||", "00" EMPTY_REC "01 01", "a tombstone at T0"},
    {-1, "R3||", "00" EMPTY_REC "01", "a tombstone, not there"},
    {0, "R3||", "00" EMPTY_REC "07" EMPTY_REC "00 01" ITEM("00", "00"),
	"an item, a base, a tombstone"},
    {0, "R3||", "00" EMPTY_REC ONE ITEM("0c", "00"), "an undo"},
    {-1, "R3||", "00" EMPTY_REC ONE ITEM("0d", "00"), "kind 13"},
    {-1, "R3||", "00" EMPTY_REC ONE ITEM("0f", "00"), "kind 15"},
    {-1, "R3||", "00" EMPTY_REC TWO ITEM("00", "00"), "two items, one there"},
    {-1, "R3||", "00" EMPTY_REC "84 02", "65 items"},
    {-1, "R3||", "00" EMPTY_REC "ff ff ff ff ff ff ff ff ff 01", "2^62 items"},
    {0, "R3||", "00" EMPTY_REC ONE "80 00 01 00", "an empty id"},
    {0, "R3||", "00" EMPTY_REC ONE "80 40" A16 A16 "01 00", "a 32-byte id"},
    {-1, "R3||", "00" EMPTY_REC ONE "80 42" A16 A16 "61 01 00", "a 33-byte id"},
    {-1, "R3||", "00" EMPTY_REC ONE "00 01 02 03 04 05 06 07", "an id cut short"},
    {0, "R3||", "00" EMPTY_REC ONE ITEM("00", "10 fa 01"), "reply code 250"},
    {-1, "R3||", "00" EMPTY_REC ONE ITEM("00", "10 00"), "reply code 0"},
    {-1, "R3||", "00" EMPTY_REC ONE ITEM("00", "10 e8 07"), "reply code 1000"},
    {0, "R3||", "00" EMPTY_REC ONE ITEM("00", "80 10 00"), "mask: target (empty)"},
    {-1, "R3||", "00" EMPTY_REC ONE ITEM("00", "80 20"), "mask: field 12"},
    {0, "R3||", "00" REC_SALES ONE ITEM("10", "00"), "department: the record's"},
    {-1, "R3||", "00" EMPTY_REC ONE ITEM("10", "00"), "the record's, which is empty"},
    {-1, "R3||", "00" REC_SALES ONE ITEM("10", "80 02 02 78"), "the record's, and own"},
    {-1, "R3||", "00" EMPTY_REC ONE ITEM("00", "02"), "msgref as before: no before"},
    {0, "R3||", "00" EMPTY_REC TWO ITEM("00", "01 02 6d") ITEM("00", "02"),
	"msgref as before"},
    {-1, "R3||", "00" EMPTY_REC TWO ITEM("00", "00") ITEM("00", "02"),
	"msgref as before, which is empty"},
    {-1, "R3||", "00" EMPTY_REC TWO ITEM("00", "01 02 6d") ITEM("00", "03 02 6d"),
	"msgref as before, and own"},
    {-1, "R3||", "00" EMPTY_REC ONE ITEM("00", "80 01 c0 02 61"), "text: 160 bytes"},
    {-1, "R3||", "00" EMPTY_REC ONE ITEM("00", "80 01 be 02 61"), "text: 159 bytes, 1 there"},
    {0, "R3||", "00" EMPTY_REC ONE ITEM("00", "80 01 80 01" A16 A16 A16 A16),
	"text: 64 bytes, more than the history keeps, but it fits"},
};

/* items older than every item kept join the base once; their repeats do not */
static void late_items_fold_once(void **state)
{
    RECORD_DOC *doc = doc_new();
    EVIDENCE ev;
    char    seed[32];
    unsigned long total = 0;

    record_doc_init(doc);
    /* 40 letters arriving newest first, with a history of 4 */
    for (int pass = 0; pass < 2; pass++) {
	for (int i = 40; i > 0; i--) {
	    unsigned ch;

	    snprintf(seed, sizeof(seed), "late %d", i);
	    evidence_init(&ev, EV_SENT, 1790000000 + i * 3600, "late@mail.ru");
	    evidence_make_id(&ev, seed);
	    ch = record_add(doc, &ev, 4, 1790000000 + 41 * 3600, NULL);
	    if (pass == 0)
		total += ch != 0;
	    else if (i > 40 - 4 - RECORD_FOLDED_MAX)
		assert_int_equal(ch, 0);	/* remembered: a duplicate */
	}
    }
    assert_int_equal(total, 40);
    assert_int_equal(doc->nhist, 4);
    assert_true(doc->has_base);
    assert_int_equal(doc->nfolded, 36);
    assert_int_equal(doc->rec.n_sent, 40);
    /* the kept items are the newest, in time order */
    for (size_t k = 1; k < doc->nhist; k++)
	assert_true(doc->hist[k - 1].when < doc->hist[k].when);
    assert_int_equal(doc->hist[3].when, 1790000000 + 40 * 3600);
    /* it survives encoding */
    {
	char   *buf = malloc(RECORD_TEXT_MAX);
	RECORD_DOC *back = doc_new();
	int     n = record_encode(doc, buf, RECORD_TEXT_MAX);

	assert_true(n > 0);
	assert_int_equal(record_decode(buf, (size_t) n, back), 0);
	assert_int_equal(back->nfolded, 36);
	assert_string_equal(back->folded[0], doc->folded[0]);
	free(buf);
	free(back);
    }
    free(doc);
}

static void made_values(void **state)
{
    RECORD_DOC *doc = doc_new();

    for (size_t i = 0; i < sizeof(made) / sizeof(made[0]); i++) {
	unsigned char value[512];
	size_t  n = strlen(made[i].prefix);
	int     got;

	memcpy(value, made[i].prefix, n);
	n += hex(made[i].body, value + n, sizeof(value) - n);
	got = record_decode((const char *) value, n, doc);
	if (got != made[i].want)
	    fail_msg("%s: %d, not %d", made[i].why, got, made[i].want);
	if (got < 0) {				/* never half-used */
	    assert_int_equal(doc->nhist, 0);
	    assert_false(doc->has_base);
	    assert_true(doc->version == 0);
	}
    }
    free(doc);
}

/* decode - read, and when that works, the document can be written again */

static void decode(const unsigned char *value, size_t len, RECORD_DOC *doc, char *buf)
{
    if (record_decode((const char *) value, len, doc) == 0)
	assert_true(record_encode(doc, buf, RECORD_TEXT_MAX) > 0);
}

/* every cut of a value is refused; no corruption makes the reader stray */
static void cuts_and_corruption(void **state)
{
    RECORD_DOC *docs[3] = {typical_doc(), doc_with_history(40), max_doc()};
    RECORD_DOC *back = doc_new();
    char   *buf = malloc(RECORD_TEXT_MAX);
    unsigned char *value = malloc(RECORD_TEXT_MAX);

    docs[1]->forgotten = T - DAY;
    EVIDENCE_SET(docs[1]->hist + 5, id, "a text id");
    for (size_t d = 0; d < 3; d++) {
	int     len = record_encode(docs[d], (char *) value, RECORD_TEXT_MAX);
	size_t  step = d == 2 ? 97 : 1;	/* the largest: a sample */

	assert_true(len > 0);
	for (size_t cut = 0; cut < (size_t) len; cut += step)
	    assert_int_equal(record_decode((const char *) value, cut, back), -1);
	for (size_t at = 0; at < (size_t) len; at += step) {
	    unsigned char was = value[at];

	    for (unsigned b = 0; b < 256; b += d == 0 ? 1 : 15) {
		value[at] = (unsigned char) b;
		decode(value, (size_t) len, back, buf);
	    }
	    value[at] = was;
	}
	assert_int_equal(record_decode((const char *) value, (size_t) len, back), 0);
	free(docs[d]);
    }
    free(value);
    free(buf);
    free(back);
}

/* random bytes, with and without a good prefix, never crash */
static void random_bytes(void **state)
{
    RECORD_DOC *doc = doc_new();
    char   *buf = malloc(RECORD_TEXT_MAX);

    srand(7);
    for (int r = 0; r < 200000; r++) {
	unsigned char junk[200];
	size_t  n = (size_t) (rand() % (int) sizeof(junk)), start = 0;

	if (r % 2) {
	    memcpy(junk, "R3|1|", 5);
	    start = 5;
	    n += 5;
	    if (n > sizeof(junk))
		n = sizeof(junk);
	}
	for (size_t i = start; i < n; i++)	/* small bytes: short varints, kinds */
	    junk[i] = (unsigned char) (r % 4 < 2 ? rand() : rand() % 24);
	decode(junk, n, doc, buf);
    }
    free(buf);
    free(doc);
}

int     main(void)
{
    const struct CMUnitTest tests[] = {
	cmocka_unit_test(round_trip),
	cmocka_unit_test(round_trip_max),
	cmocka_unit_test(round_trip_small_docs),
	cmocka_unit_test(ids),
	cmocka_unit_test(same_as_record),
	cmocka_unit_test(msgref_as_before),
	cmocka_unit_test(text_cut),
	cmocka_unit_test(reply_codes),
	cmocka_unit_test(encode_refuses),
	cmocka_unit_test(typical_size),
	cmocka_unit_test(small),
	cmocka_unit_test(cap_and_base),
	cmocka_unit_test(duplicates_change_nothing),
	cmocka_unit_test(garbage_refused),
	cmocka_unit_test(late_items_fold_once),
	cmocka_unit_test(made_values),
	cmocka_unit_test(cuts_and_corruption),
	cmocka_unit_test(random_bytes),
    };

    return (UNIT_RUN(tests));
}
