/*++
 * NAME
 *	record 3
 * SUMMARY
 *	the compact form of an address record and its history
 * SYNOPSIS
 *	#include "record.h"
 *
 *	void	record_doc_init(RECORD_DOC *doc)
 *	int	record_encode(const RECORD_DOC *doc, char *buf, size_t len)
 *	int	record_decode(const char *value, size_t len, RECORD_DOC *doc)
 *	bool	record_has_evidence(const RECORD_DOC *doc, const char *id)
 *	unsigned record_add(RECORD_DOC *doc, const EVIDENCE *ev,
 *				size_t history_max, time_t now,
 *				const STATE_POLICY *policy)
 *	unsigned record_refold(RECORD_DOC *doc, time_t now,
 *				const STATE_POLICY *policy)
 * DESCRIPTION
 *	Everything liveaddr keeps about one address lives in one Redis
 *	value, so that every per-address operation touches one key: the
 *	state (RECORD), the evidence history that explains it (oldest
 *	first, capped), and, once the cap has cut the history, the state as
 *	it was before the oldest item kept (the base), so that an undo can
 *	fold the history again without the undone item.
 *
 *	record_add() applies one item: an id already in the history, or
 *	among the last RECORD_FOLDED_MAX ids folded into the base, changes
 *	nothing (exactly once, even when a journal is replayed twice); an
 *	EV_UNDO whose target is not in the history changes nothing; an
 *	item older than a tombstone (the address was forgotten) changes
 *	nothing.  The history is kept in time order, ties by id, whatever
 *	the order of arrival, so that the state does not depend on that
 *	order: the newest item goes through state_apply(); a late item is
 *	inserted in its place, and an EV_UNDO is kept, and the state is then
 *	folded again from the base; a late item older than every item kept
 *	is folded into the base at once (its id remembered).  When the
 *	history grows past history_max, its oldest items are folded into
 *	the base, without a refresh, and their ids remembered.  It returns the STATE_CHANGED_*
 *	bits (0: nothing to store).  record_refold() folds the state again
 *	from the base and the history, at `now', and returns the same bits.
 *
 *	record_encode() writes the value; record_decode() reads it back.
 *	The form is binary and small on purpose: the target is 400 bytes of
 *	Redis memory an address, of which Redis itself takes about 110 for
 *	the key.  Only its prefix is text, "R3|", the version in base 36
 *	(0 written as nothing, no leading zeros) and "|", so that the
 *	compare-and-set script finds the version with
 *	string.match(v, '^R3|([0-9a-z]*)|').  Then:
 *
 * .nf
 *	T0		the reference time of the value, signed: the
 *			record's `updated', else the tombstone's time
 *	record		the state now (below)
 *	shape		count << 2 | has-base << 1 | has-tombstone;
 *			count is at most RECORD_HISTORY_MAX
 *	base		only with has-base: a record, then a count and
 *			the ids (strings) of the items folded into it
 *			last, at most RECORD_FOLDED_MAX, oldest first
 *	tombstone	only with has-tombstone: a time, the address
 *			was forgotten then
 *	item ...	the history, oldest first (below)
 * .fi
 *
 *	Numbers are unsigned LEB128 varints (7 bits a byte, low bits first,
 *	at most 64 bits, no needless 0 bytes).  A signed number is
 *	zigzag-coded (0 -1 1 -2 as 0 1 2 3).  A time is 0 for "no time",
 *	else zigzag(t - T0) + 1: one byte within a minute of T0, three
 *	within twelve days, four within four years.  A string, without a
 *	NUL, is a length code and its bytes: n << 1 and the n bytes, or,
 *	when it is all lowercase hex digits, n << 1 | 1 and the digits two
 *	to a byte, the high nibble first (an odd last digit leaves the low
 *	nibble 0).
 *
 *	A record is a varint of validity | stale << 2 | suppression << 3, a
 *	varint presence mask, and, for each bit set, one field in the order
 *	of record_fields[] (the common ones first, so that the mask stays
 *	short): a string, a count, a time, or the day of the last soft
 *	bounce (zigzag(day - T0's day) + 1).  A field that is empty, 0 or
 *	"no day" takes no room at all.
 *
 *	An item is a head byte: the kind (bits 0-3); "the department, the
 *	owner, the contact is the record's" (bits 4-6: the item has the
 *	record's non-empty value, and nothing more is written); "the id is
 *	text" (bit 7).  Then the id, 8 raw bytes for the usual 16 lowercase
 *	hex digits (evidence_make_id()), else a string; `when', a time; a
 *	presence mask, and the fields it names, in the order of
 *	item_fields[]: msgref, "msgref as the item before" (nothing
 *	written: a DSN follows its letter), mta, status, the reply code (a
 *	varint), event, reason, text, department, owner, contact, target.
 *	The history keeps 63 bytes of the text, cut at a UTF-8 character
 *	boundary, and a reply code only when it is 1-999 (another is
 *	dropped, not written).  The address is not stored (it is the key):
 *	decoded items have an empty address, as record_add() leaves it.
 *
 *	record_decode() refuses (-1) anything else: a wrong prefix, a
 *	version that is not canonical base 36 or does not fit, a short or
 *	overlong varint, a string longer than its field or than what is
 *	left, or holding a NUL, hex digits with a pad that is not 0, an
 *	unknown kind, enum value or mask bit, a field given twice, more
 *	than RECORD_HISTORY_MAX items, a tombstone without its time, a
 *	time that record_encode() could not write again, bytes after the
 *	last item.  It never reads past `len' and never trusts a length it
 *	read.  A value it cannot read is never half-used: the document is
 *	then empty (record_doc_init()).
 * DIAGNOSTICS
 *	record_encode() returns the length of the value, or -1 when the
 *	buffer is too small or the document cannot be written (an unknown
 *	kind or validity, a string without its NUL, a time 2^63 s away from
 *	T0).  The value holds NUL bytes: pass its length, never strlen().
 * MEMORY
 *	A RECORD_DOC is large (RECORD_HISTORY_MAX items); allocate it.  The
 *	caller owns the buffers; RECORD_TEXT_MAX bytes always suffice.  A
 *	typical record (sent, delivered, sent again; department, owner,
 *	contact) takes 156 bytes, the whole value; a tombstone 19.
 *--*/
#include "config.h"

#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "record.h"

#define RECORD_PREFIX		"R3|"
#define RECORD_PREFIX_LEN	3
#define RECORD_DAY		86400
#define RECORD_NO_DAY		(-1L)	/* soft_last_day: no streak */
#define RECORD_ITEM_TEXT	63	/* the history keeps this much text */
#define RECORD_VERSION_DIGITS	13	/* base 36 digits of 2^64 - 1 */

static const char record_digits[] = "0123456789abcdefghijklmnopqrstuvwxyz";

 /*
  * The record's fields after its flags, in the order of the presence mask:
  * what a record with a few items has comes first, so that its mask takes
  * two bytes.  A field type says how it is written and when it is absent.
  */
typedef enum {
    RF_STR,				/* char[size]: absent when empty */
    RF_COUNT,				/* unsigned: absent when 0 */
    RF_TIME,				/* time_t: absent when 0 */
    RF_DAY,				/* long day number: absent when -1 */
} RF_TYPE;

typedef struct {
    RF_TYPE type;
    size_t  off;
    size_t  size;
} RECORD_FIELD;

#define RF(type, field) {type, offsetof(RECORD, field), sizeof(((RECORD *) 0)->field)}

static const RECORD_FIELD record_fields[] = {
    RF(RF_TIME, updated),
    RF(RF_TIME, first_seen),
    RF(RF_TIME, last_sent),
    RF(RF_COUNT, n_sent),
    RF(RF_STR, department),
    RF(RF_STR, owner),
    RF(RF_STR, contact),
    RF(RF_STR, reason),
    RF(RF_COUNT, n_delivered),
    RF(RF_COUNT, n_positive),
    RF(RF_TIME, last_delivered),
    RF(RF_TIME, last_positive),
    RF(RF_STR, last_status),
    RF(RF_COUNT, n_soft),
    RF(RF_TIME, last_bounce),
    RF(RF_COUNT, soft_days),
    RF(RF_TIME, soft_first),
    RF(RF_DAY, soft_last_day),
    RF(RF_COUNT, n_hard),
    RF(RF_TIME, last_hard),
    RF(RF_COUNT, n_policy),
    RF(RF_COUNT, n_complaint),
    RF(RF_TIME, last_confirmed),
    RF(RF_STR, confirm_source),
};

#define RECORD_NFIELDS	(sizeof(record_fields) / sizeof(record_fields[0]))

 /*
  * An item's head byte, and the fields its presence mask names.  The
  * department, owner and contact of an item usually are the record's (the
  * latest wins): a head bit says so instead of the string.
  */
#define HEAD_KIND	0x0f
#define HEAD_SAME	4		/* bits 4-6: as the record's */
#define HEAD_ID_TEXT	0x80		/* the id is a string */

typedef enum {
    IF_STR,				/* a string field */
    IF_PREV,				/* msgref: the item before's */
    IF_CODE,				/* reply_code, a varint 1-999 */
} IF_TYPE;

typedef struct {
    IF_TYPE type;
    size_t  off;
    size_t  size;
} ITEM_FIELD;

#define IF(type, field) {type, offsetof(EVIDENCE, field), sizeof(((EVIDENCE *) 0)->field)}

static const ITEM_FIELD item_fields[] = {
    IF(IF_STR, msgref),
    IF(IF_PREV, msgref),
    IF(IF_STR, mta),
    IF(IF_STR, status),
    IF(IF_CODE, reply_code),
    IF(IF_STR, event),
    IF(IF_STR, reason),
    IF(IF_STR, text),
    IF(IF_STR, department),
    IF(IF_STR, owner),
    IF(IF_STR, contact),
    IF(IF_STR, target),
};

#define ITEM_NFIELDS	(sizeof(item_fields) / sizeof(item_fields[0]))

static const struct {
    size_t  ev_off;
    size_t  rec_off;
    size_t  size;
}       item_same[3] = {
    {offsetof(EVIDENCE, department), offsetof(RECORD, department), EV_WORD_MAX + 1},
    {offsetof(EVIDENCE, owner), offsetof(RECORD, owner), EV_NAME_MAX + 1},
    {offsetof(EVIDENCE, contact), offsetof(RECORD, contact), EV_NAME_MAX + 1},
};

_Static_assert(VAL_COUNT <= 4, "validity takes two bits");
_Static_assert(EV_KIND_COUNT <= HEAD_KIND + 1, "the kind takes four bits");
_Static_assert(sizeof(((EVIDENCE *) 0)->department) == sizeof(((RECORD *) 0)->department)
	       && sizeof(((EVIDENCE *) 0)->owner) == sizeof(((RECORD *) 0)->owner)
	       && sizeof(((EVIDENCE *) 0)->contact) == sizeof(((RECORD *) 0)->contact),
	       "an item's department, owner, contact fit the record's");

 /*
  * The longest value: every varint at 10 bytes, every string at its field's
  * limit with a length code of 2 bytes (hex digits take less), the text at
  * EV_TEXT_MAX although the history keeps less: the most that a document
  * record_decode() accepts can take when written again.  RECORD_TEXT_MAX
  * must hold it and a NUL.
  */
#define VARINT_MAX	10
#define BOUND_STR(max)	(2 + (max))
#define BOUND_RECORD	(2 * VARINT_MAX + 4 * BOUND_STR(EV_WORD_MAX) \
			 + 2 * BOUND_STR(EV_NAME_MAX) + 18 * VARINT_MAX)
#define BOUND_ITEM	(1 + BOUND_STR(EV_ID_MAX) + 3 * VARINT_MAX \
			 + 4 * BOUND_STR(EV_WORD_MAX) + 4 * BOUND_STR(EV_NAME_MAX) \
			 + BOUND_STR(EV_ID_MAX) + BOUND_STR(EV_TEXT_MAX))
#define BOUND_VALUE	(RECORD_PREFIX_LEN + RECORD_VERSION_DIGITS + 1 + 3 * VARINT_MAX \
			 + 2 * BOUND_RECORD + RECORD_HISTORY_MAX * BOUND_ITEM)

_Static_assert(EV_TEXT_MAX < 8192, "a string's length code takes at most 2 bytes");
_Static_assert(RECORD_NFIELDS == 24 && ITEM_NFIELDS == 12, "the bounds count the fields");
_Static_assert(BOUND_VALUE < RECORD_TEXT_MAX, "RECORD_TEXT_MAX holds any value");

/* ---- numbers */

/* zigzag - a signed difference (two's complement) as an unsigned number */

static uint64_t zigzag(uint64_t d)
{
    return ((d << 1) ^ (0 - (d >> 63)));
}

/* unzigzag - the inverse */

static uint64_t unzigzag(uint64_t z)
{
    return ((z >> 1) ^ (0 - (z & 1)));
}

/* as_signed - two's complement bits as int64_t, without overflow */

static int64_t as_signed(uint64_t u)
{
    return (u <= INT64_MAX ? (int64_t) u : -(int64_t) (~u) - 1);
}

/* record_t0 - the reference time of a document */

static int64_t record_t0(const RECORD_DOC *doc)
{
    return ((int64_t) (doc->rec.updated ? doc->rec.updated : doc->forgotten));
}

/* rel_fits - can v be written against ref?  Not 2^63 away */

static bool rel_fits(int64_t v, int64_t ref)
{
    return (zigzag((uint64_t) v - (uint64_t) ref) != UINT64_MAX);
}

/* record_day - the day of a time, as state.c counts (when / 86400) */

static int64_t record_day(int64_t t)
{
    return (t / RECORD_DAY);
}

/* ---- writing */

typedef struct {
    unsigned char *buf;
    size_t  len;			/* room, with the NUL */
    size_t  used;
    bool    bad;			/* no room, or cannot be written */
} OUT;

static void out_byte(OUT *o, unsigned c)
{
    if (o->used + 1 < o->len)
	o->buf[o->used++] = (unsigned char) c;
    else
	o->bad = true;
}

static void out_bytes(OUT *o, const void *p, size_t n)
{
    if (n < o->len && o->used + n < o->len) {
	memcpy(o->buf + o->used, p, n);
	o->used += n;
    } else {
	o->bad = true;
    }
}

static void out_varint(OUT *o, uint64_t v)
{
    while (v >= 0x80) {
	out_byte(o, (unsigned) (v & 0x7f) | 0x80);
	v >>= 7;
    }
    out_byte(o, (unsigned) v);
}

/* out_rel - a signed value against a reference; `none' writes 0 */

static void out_rel(OUT *o, int64_t v, int64_t ref, int64_t none)
{
    if (v == none)
	out_varint(o, 0);
    else if (!rel_fits(v, ref))
	o->bad = true;				/* 2^63 away: no code left */
    else
	out_varint(o, zigzag((uint64_t) v - (uint64_t) ref) + 1);
}

/* is_hex - a lowercase hex digit, as evidence_make_id() writes them */

static bool is_hex(unsigned char c)
{
    return ((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'));
}

static unsigned hex_value(char c)
{
    return ((unsigned) (c <= '9' ? c - '0' : c - 'a' + 10));
}

/* out_strn - n bytes as a string: hex digits two to a byte */

static void out_strn(OUT *o, const char *s, size_t n)
{
    size_t  i;

    for (i = 0; i < n && is_hex((unsigned char) s[i]); i++)
	 /* void */ ;
    if (n == 0 || i < n) {
	out_varint(o, (uint64_t) n << 1);
	out_bytes(o, s, n);
	return;
    }
    out_varint(o, (uint64_t) n << 1 | 1);
    for (i = 0; i + 1 < n; i += 2)
	out_byte(o, hex_value(s[i]) << 4 | hex_value(s[i + 1]));
    if (i < n)
	out_byte(o, hex_value(s[i]) << 4);	/* an odd last digit: pad 0 */
}

/* field_len - a field's string length; -1 when it has no NUL */

static int field_len(const char *s, size_t size, size_t *n)
{
    *n = strnlen(s, size);
    return (*n < size ? 0 : -1);
}

static void out_str(OUT *o, const char *s, size_t size)
{
    size_t  n;

    if (field_len(s, size, &n) < 0)
	o->bad = true;
    else
	out_strn(o, s, n);
}

/* out_text - the diagnostic, cut to what the history keeps */

static void out_text(OUT *o, const char *s, size_t size)
{
    size_t  n;

    if (field_len(s, size, &n) < 0) {
	o->bad = true;
	return;
    }
    if (n > RECORD_ITEM_TEXT) {
	n = RECORD_ITEM_TEXT;
	while (n > 0 && (s[n] & 0xc0) == 0x80)	/* not inside a character */
	    n--;
    }
    out_strn(o, s, n);
}

/* out_version - the text prefix */

static void out_version(OUT *o, unsigned long v)
{
    char    tmp[RECORD_VERSION_DIGITS];
    int     i = 0;

    out_bytes(o, RECORD_PREFIX, RECORD_PREFIX_LEN);
    while (v > 0) {
	tmp[i++] = record_digits[v % 36];
	v /= 36;
    }
    while (i > 0)
	out_byte(o, (unsigned char) tmp[--i]);
    out_byte(o, '|');
}

/* field_present - does a record field take room? */

static bool field_present(const RECORD *r, const RECORD_FIELD *f)
{
    const char *p = (const char *) r + f->off;

    switch (f->type) {
    case RF_STR:
	return (p[0] != 0);
    case RF_COUNT:
	return (*(const unsigned *) p != 0);
    case RF_TIME:
	return (*(const time_t *) p != 0);
    case RF_DAY:
	return (*(const long *) p != RECORD_NO_DAY);
    }
    return (false);
}

static void out_record(OUT *o, int64_t t0, const RECORD *r)
{
    uint64_t mask = 0;

    if ((unsigned) r->validity >= VAL_COUNT) {
	o->bad = true;
	return;
    }
    out_varint(o, (uint64_t) r->validity | (uint64_t) r->stale << 2
	       | (uint64_t) r->suppression << 3);
    for (size_t i = 0; i < RECORD_NFIELDS; i++)
	if (field_present(r, record_fields + i))
	    mask |= (uint64_t) 1 << i;
    out_varint(o, mask);
    for (size_t i = 0; i < RECORD_NFIELDS; i++) {
	const RECORD_FIELD *f = record_fields + i;
	const char *p = (const char *) r + f->off;

	if ((mask & ((uint64_t) 1 << i)) == 0)
	    continue;
	switch (f->type) {
	case RF_STR:
	    out_str(o, p, f->size);
	    break;
	case RF_COUNT:
	    out_varint(o, *(const unsigned *) p);
	    break;
	case RF_TIME:
	    out_rel(o, (int64_t) *(const time_t *) p, t0, 0);
	    break;
	case RF_DAY:
	    out_rel(o, (int64_t) *(const long *) p, record_day(t0), RECORD_NO_DAY);
	    break;
	}
    }
}

/* id_is_hex - 16 lowercase hex digits, the form evidence_make_id() makes */

static bool id_is_hex(const char *id)
{
    for (int i = 0; i < 16; i++)
	if (!is_hex((unsigned char) id[i]))
	    return (false);
    return (id[16] == 0);
}

/* item_mask - which of an item's fields take room */

static uint64_t item_mask(const EVIDENCE *ev, const EVIDENCE *prev, unsigned head)
{
    uint64_t mask = 0;

    for (size_t i = 0; i < ITEM_NFIELDS; i++) {
	const ITEM_FIELD *f = item_fields + i;
	const char *p = (const char *) ev + f->off;
	bool    on = false;

	switch (f->type) {
	case IF_STR:
	    on = p[0] != 0;
	    for (int s = 0; s < 3; s++)
		if (f->off == item_same[s].ev_off && (head & (1u << (HEAD_SAME + s))))
		    on = false;
	    if (f->off == offsetof(EVIDENCE, msgref) && prev != NULL
		&& strncmp(p, prev->msgref, f->size) == 0)
		on = false;
	    break;
	case IF_PREV:
	    on = p[0] != 0 && prev != NULL && strncmp(p, prev->msgref, f->size) == 0;
	    break;
	case IF_CODE:
	    on = ev->reply_code >= 1 && ev->reply_code <= 999;
	    break;
	}
	if (on)
	    mask |= (uint64_t) 1 << i;
    }
    return (mask);
}

static void out_item(OUT *o, int64_t t0, const RECORD *rec, const EVIDENCE *prev,
		             const EVIDENCE *ev)
{
    unsigned head;
    uint64_t mask;
    bool    hex;

    if ((unsigned) ev->kind >= EV_KIND_COUNT) {
	o->bad = true;
	return;
    }
    hex = id_is_hex(ev->id);
    head = (unsigned) ev->kind | (hex ? 0 : HEAD_ID_TEXT);
    for (int s = 0; s < 3; s++) {
	const char *mine = (const char *) ev + item_same[s].ev_off;
	const char *theirs = (const char *) rec + item_same[s].rec_off;

	if (theirs[0] && strncmp(mine, theirs, item_same[s].size) == 0)
	    head |= 1u << (HEAD_SAME + s);
    }
    out_byte(o, head);
    if (hex) {
	for (int i = 0; i < 8; i++)
	    out_byte(o, hex_value(ev->id[2 * i]) << 4 | hex_value(ev->id[2 * i + 1]));
    } else {
	out_str(o, ev->id, sizeof(ev->id));
    }
    out_rel(o, (int64_t) ev->when, t0, 0);
    mask = item_mask(ev, prev, head);
    out_varint(o, mask);
    for (size_t i = 0; i < ITEM_NFIELDS; i++) {
	const ITEM_FIELD *f = item_fields + i;
	const char *p = (const char *) ev + f->off;

	if ((mask & ((uint64_t) 1 << i)) == 0)
	    continue;
	if (f->type == IF_CODE)
	    out_varint(o, (uint64_t) ev->reply_code);
	else if (f->off == offsetof(EVIDENCE, text))
	    out_text(o, p, f->size);
	else if (f->type == IF_STR)
	    out_str(o, p, f->size);
    }
}

int     record_encode(const RECORD_DOC *doc, char *buf, size_t len)
{
    OUT     o = {(unsigned char *) buf, len < INT_MAX ? len : INT_MAX, 0, false};
    int64_t t0 = record_t0(doc);

    if (len == 0 || doc->nhist > RECORD_HISTORY_MAX)
	return (-1);
    out_version(&o, doc->version);
    out_varint(&o, zigzag((uint64_t) t0));
    out_record(&o, t0, &doc->rec);
    out_varint(&o, (uint64_t) doc->nhist << 2 | (uint64_t) doc->has_base << 1
	       | (doc->forgotten != 0));
    if (doc->has_base) {
	out_record(&o, t0, &doc->base);
	out_varint(&o, (uint64_t) doc->nfolded);
	for (size_t i = 0; i < doc->nfolded && i < RECORD_FOLDED_MAX; i++)
	    out_str(&o, doc->folded[i], sizeof(doc->folded[i]));
    }
    if (doc->forgotten != 0)
	out_rel(&o, (int64_t) doc->forgotten, t0, 0);
    for (size_t i = 0; i < doc->nhist; i++)
	out_item(&o, t0, &doc->rec, i > 0 ? doc->hist + i - 1 : NULL, doc->hist + i);
    if (o.bad)
	return (-1);
    buf[o.used] = 0;
    return ((int) o.used);
}

/* ---- reading */

typedef struct {
    const unsigned char *p;
    const unsigned char *end;
    bool    bad;			/* malformed: stop reading */
} IN;

static unsigned in_byte(IN *in)
{
    if (in->bad || in->p >= in->end) {
	in->bad = true;
	return (0);
    }
    return (*in->p++);
}

static uint64_t in_varint(IN *in)
{
    uint64_t v = 0;

    for (unsigned shift = 0; shift < 64; shift += 7) {
	unsigned c = in_byte(in);

	if (in->bad)
	    return (0);
	if (shift == 63 && c > 1) {		/* more than 64 bits */
	    in->bad = true;
	    return (0);
	}
	if (c == 0 && shift > 0) {		/* a needless 0 byte */
	    in->bad = true;
	    return (0);
	}
	v |= (uint64_t) (c & 0x7f) << shift;
	if ((c & 0x80) == 0)
	    return (v);
    }
    in->bad = true;				/* not reached */
    return (0);
}

/* in_count - a varint that must fit an unsigned */

static unsigned in_count(IN *in)
{
    uint64_t v = in_varint(in);

    if (v > UINT_MAX)
	in->bad = true;
    return (in->bad ? 0 : (unsigned) v);
}

/* in_rel - a value written by out_rel() */

static int64_t in_rel(IN *in, int64_t ref, int64_t none)
{
    uint64_t c = in_varint(in);

    if (in->bad || c == 0)
	return (none);
    return (as_signed((uint64_t) ref + unzigzag(c - 1)));
}

static time_t in_time(IN *in, int64_t t0)
{
    int64_t t = in_rel(in, t0, 0);

    if ((int64_t) (time_t) t != t)		/* a 32-bit time_t */
	in->bad = true;
    return (in->bad ? 0 : (time_t) t);
}

/* in_str - a string into a field of `size' bytes, NUL-terminated */

static void in_str(IN *in, char *dst, size_t size)
{
    uint64_t code = in_varint(in);
    uint64_t n = code >> 1;
    size_t  bytes;

    dst[0] = 0;
    if (in->bad)
	return;
    bytes = (code & 1) ? (size_t) (n + 1) / 2 : (size_t) n;
    if (n >= size || bytes > (size_t) (in->end - in->p)
	|| ((code & 1) == 0 && memchr(in->p, 0, bytes) != NULL)
	|| ((code & 1) && (n & 1) && (in->p[bytes - 1] & 0x0f) != 0)) {
	in->bad = true;
	return;
    }
    if (code & 1) {
	for (size_t i = 0; i < n; i++)
	    dst[i] = record_digits[i & 1 ? in->p[i / 2] & 0x0f : in->p[i / 2] >> 4];
    } else {
	memcpy(dst, in->p, bytes);
    }
    dst[n] = 0;
    in->p += bytes;
}

/* in_version - the text prefix: canonical base 36 that fits */

static unsigned long in_version(IN *in)
{
    unsigned long v = 0;
    const unsigned char *start;

    if ((size_t) (in->end - in->p) < RECORD_PREFIX_LEN
	|| memcmp(in->p, RECORD_PREFIX, RECORD_PREFIX_LEN) != 0) {
	in->bad = true;
	return (0);
    }
    in->p += RECORD_PREFIX_LEN;
    for (start = in->p; in->p < in->end && *in->p != '|'; in->p++) {
	const char *d = *in->p ? strchr(record_digits, *in->p) : NULL;
	unsigned long digit;

	if (d == NULL || (in->p == start && *in->p == '0')) {
	    in->bad = true;
	    return (0);
	}
	digit = (unsigned long) (d - record_digits);
	if (v > (ULONG_MAX - digit) / 36) {
	    in->bad = true;
	    return (0);
	}
	v = v * 36 + digit;
    }
    if (in->p >= in->end) {
	in->bad = true;
	return (0);
    }
    in->p++;					/* the "|" */
    return (v);
}

static void in_record(IN *in, int64_t t0, RECORD *r)
{
    uint64_t flags, mask;

    state_record_init(r);
    flags = in_varint(in);
    mask = in_varint(in);
    if (in->bad || (flags & 3) >= VAL_COUNT || (flags >> 3) > UINT_MAX
	|| (mask >> RECORD_NFIELDS) != 0) {
	in->bad = true;
	return;
    }
    r->validity = (VALIDITY) (flags & 3);
    r->stale = (flags >> 2) & 1;
    r->suppression = (unsigned) (flags >> 3);
    for (size_t i = 0; i < RECORD_NFIELDS && !in->bad; i++) {
	const RECORD_FIELD *f = record_fields + i;
	char   *p = (char *) r + f->off;
	int64_t day;

	if ((mask & ((uint64_t) 1 << i)) == 0)
	    continue;
	switch (f->type) {
	case RF_STR:
	    in_str(in, p, f->size);
	    break;
	case RF_COUNT:
	    *(unsigned *) p = in_count(in);
	    break;
	case RF_TIME:
	    *(time_t *) p = in_time(in, t0);
	    break;
	case RF_DAY:
	    day = in_rel(in, record_day(t0), RECORD_NO_DAY);
	    if (day < LONG_MIN || day > LONG_MAX)
		in->bad = true;
	    else
		*(long *) p = (long) day;
	    break;
	}
    }
}

static void in_item(IN *in, int64_t t0, const RECORD *rec, const EVIDENCE *prev,
		            EVIDENCE *ev)
{
    unsigned head;
    uint64_t mask;

    memset(ev, 0, sizeof(*ev));			/* the address stays empty */
    head = in_byte(in);
    if (in->bad || (head & HEAD_KIND) >= EV_KIND_COUNT) {
	in->bad = true;
	return;
    }
    ev->kind = (EV_KIND) (head & HEAD_KIND);
    if (head & HEAD_ID_TEXT) {
	in_str(in, ev->id, sizeof(ev->id));
    } else {
	for (int i = 0; i < 8; i++) {
	    unsigned c = in_byte(in);

	    ev->id[2 * i] = record_digits[c >> 4];
	    ev->id[2 * i + 1] = record_digits[c & 15];
	}
	ev->id[16] = 0;
    }
    ev->when = in_time(in, t0);
    for (int s = 0; s < 3; s++) {
	const char *theirs = (const char *) rec + item_same[s].rec_off;

	if ((head & (1u << (HEAD_SAME + s))) == 0)
	    continue;
	if (theirs[0] == 0) {			/* nothing to be the same as */
	    in->bad = true;
	    return;
	}
	memcpy((char *) ev + item_same[s].ev_off, theirs, item_same[s].size);
    }
    mask = in_varint(in);
    if (in->bad || (mask >> ITEM_NFIELDS) != 0) {
	in->bad = true;
	return;
    }
    for (size_t i = 0; i < ITEM_NFIELDS && !in->bad; i++) {
	const ITEM_FIELD *f = item_fields + i;
	char   *p = (char *) ev + f->off;
	uint64_t code;

	if ((mask & ((uint64_t) 1 << i)) == 0)
	    continue;
	switch (f->type) {
	case IF_STR:
	    if (p[0] != 0) {			/* given twice: by a head bit too */
		in->bad = true;
		break;
	    }
	    in_str(in, p, f->size);
	    break;
	case IF_PREV:
	    if (prev == NULL || prev->msgref[0] == 0 || p[0] != 0) {
		in->bad = true;
		break;
	    }
	    memcpy(p, prev->msgref, f->size);
	    break;
	case IF_CODE:
	    code = in_varint(in);
	    if (code < 1 || code > 999)
		in->bad = true;
	    else
		ev->reply_code = (int) code;
	    break;
	}
    }
}

 /*
  * A document that record_decode() accepts must be one that record_encode()
  * can write again.  A time is written against the T0 that the document
  * itself gives, which need not be the T0 the value was read with: refuse a
  * time that would then land 2^63 away from it.
  */

/* record_times_fit - can every time of a record be written against t0? */

static bool record_times_fit(const RECORD *r, int64_t t0)
{
    for (size_t i = 0; i < RECORD_NFIELDS; i++) {
	const RECORD_FIELD *f = record_fields + i;
	const char *p = (const char *) r + f->off;

	if (!field_present(r, f))
	    continue;
	if (f->type == RF_TIME && !rel_fits((int64_t) *(const time_t *) p, t0))
	    return (false);
	if (f->type == RF_DAY && !rel_fits((int64_t) *(const long *) p, record_day(t0)))
	    return (false);
    }
    return (true);
}

/* record_doc_fits - can every time of a document be written again? */

static bool record_doc_fits(const RECORD_DOC *doc)
{
    int64_t t0 = record_t0(doc);

    if (!record_times_fit(&doc->rec, t0)
	|| (doc->has_base && !record_times_fit(&doc->base, t0))
	|| (doc->forgotten != 0 && !rel_fits((int64_t) doc->forgotten, t0)))
	return (false);
    for (size_t i = 0; i < doc->nhist; i++)
	if (doc->hist[i].when != 0 && !rel_fits((int64_t) doc->hist[i].when, t0))
	    return (false);
    return (true);
}

/* record_doc_init - an empty document: no state, no history */

void    record_doc_init(RECORD_DOC *doc)
{
    doc->version = 0;
    state_record_init(&doc->rec);
    doc->has_base = false;
    state_record_init(&doc->base);
    doc->nhist = 0;
    doc->nfolded = 0;
    doc->forgotten = 0;
}

/* record_decode - read a value back into a document */

int     record_decode(const char *value, size_t len, RECORD_DOC *doc)
{
    IN      in = {(const unsigned char *) value, (const unsigned char *) value + len, false};
    int64_t t0;
    uint64_t shape, n;

    record_doc_init(doc);
    doc->version = in_version(&in);
    t0 = as_signed(unzigzag(in_varint(&in)));
    if ((int64_t) (time_t) t0 != t0)
	in.bad = true;
    in_record(&in, t0, &doc->rec);
    shape = in_varint(&in);
    n = shape >> 2;
    if (n > RECORD_HISTORY_MAX)
	in.bad = true;
    if ((shape & 2) && !in.bad) {
	uint64_t nf;

	in_record(&in, t0, &doc->base);
	doc->has_base = true;
	if ((nf = in_varint(&in)) > RECORD_FOLDED_MAX)
	    in.bad = true;
	for (size_t i = 0; i < nf && !in.bad; i++) {
	    in_str(&in, doc->folded[i], sizeof(doc->folded[i]));
	    if (doc->folded[i][0] == 0)
		in.bad = true;
	    doc->nfolded = i + 1;
	}
    }
    if ((shape & 1) && !in.bad) {
	if (in.p < in.end && *in.p == 0)	/* flagged, but no time */
	    in.bad = true;
	doc->forgotten = in_time(&in, t0);
    }
    for (size_t i = 0; i < n && !in.bad; i++) {
	in_item(&in, t0, &doc->rec, i > 0 ? doc->hist + i - 1 : NULL, doc->hist + i);
	doc->nhist = i + 1;
    }
    if (in.bad || in.p != in.end || !record_doc_fits(doc)) {
	record_doc_init(doc);			/* never half-used */
	return (-1);
    }
    return (0);
}

/* ---- the history */

/* record_has_evidence - is an item with this id in the history? */

bool    record_has_evidence(const RECORD_DOC *doc, const char *id)
{
    for (size_t i = 0; i < doc->nhist; i++)
	if (strcmp(doc->hist[i].id, id) == 0)
	    return (true);
    return (false);
}

/* record_refold - the state again from the base and the history, at now */

unsigned record_refold(RECORD_DOC *doc, time_t now, const STATE_POLICY *policy)
{
    RECORD  before = doc->rec;
    unsigned changed = 0;

    state_fold(&doc->rec, doc->has_base ? &doc->base : NULL, doc->hist, doc->nhist,
	       now, policy);
    if (before.validity != doc->rec.validity)
	changed |= STATE_CHANGED_VALIDITY;
    if (before.stale != doc->rec.stale)
	changed |= STATE_CHANGED_STALE;
    if (before.suppression != doc->rec.suppression)
	changed |= STATE_CHANGED_SUPPRESSION;
    return (changed | STATE_CHANGED_RECORD);
}

/* record_fold_id - remember the id of an item folded into the base */

static void record_fold_id(RECORD_DOC *doc, const char *id)
{
    if (doc->nfolded >= RECORD_FOLDED_MAX) {
	memmove(doc->folded, doc->folded + 1, (RECORD_FOLDED_MAX - 1) * sizeof(doc->folded[0]));
	doc->nfolded = RECORD_FOLDED_MAX - 1;
    }
    snprintf(doc->folded[doc->nfolded++], sizeof(doc->folded[0]), "%s", id);
}

/* record_was_folded - is this the id of an item folded into the base? */

static bool record_was_folded(const RECORD_DOC *doc, const char *id)
{
    for (size_t i = 0; i < doc->nfolded; i++)
	if (strcmp(doc->folded[i], id) == 0)
	    return (true);
    return (false);
}

/* record_cut - fold the oldest items into the base until the cap holds */

static void record_cut(RECORD_DOC *doc, size_t history_max)
{
    size_t  drop;

    if (history_max < 1)
	history_max = 1;
    if (history_max > RECORD_HISTORY_MAX)
	history_max = RECORD_HISTORY_MAX;
    if (doc->nhist <= history_max)
	return;
    drop = doc->nhist - history_max;
    if (!doc->has_base) {
	state_record_init(&doc->base);
	doc->has_base = true;
    }
    /* No refresh here: a soft streak in the base must not decay in it. */
    state_fold_prefix(&doc->base, doc->hist, doc->nhist, drop, NULL);
    for (size_t i = 0; i < drop; i++)
	record_fold_id(doc, doc->hist[i].id);
    memmove(doc->hist, doc->hist + drop, (doc->nhist - drop) * sizeof(doc->hist[0]));
    doc->nhist -= drop;
}

/* record_before - does a come before b in the history?  (time, then id) */

static bool record_before(const EVIDENCE *a, const EVIDENCE *b)
{
    return (a->when < b->when || (a->when == b->when && strcmp(a->id, b->id) < 0));
}

/* record_add - apply one item: in time order, once, within the cap */

unsigned record_add(RECORD_DOC *doc, const EVIDENCE *ev, size_t history_max,
		            time_t now, const STATE_POLICY *policy)
{
    unsigned changed;
    size_t  at;

    if (record_has_evidence(doc, ev->id) || record_was_folded(doc, ev->id))
	return (0);
    if (ev->kind == EV_UNDO && !record_has_evidence(doc, ev->target))
	return (0);				/* unknown, or folded into the base */
    if (doc->forgotten > 0 && ev->when <= doc->forgotten)
	return (0);
    if (doc->has_base && ev->kind != EV_UNDO
	&& (doc->nhist == 0 || record_before(ev, doc->hist))) {
	/* Older than every item kept: it joins the base, remembered by id. */
	state_fold_prefix(&doc->base, ev, 1, 1, NULL);
	record_fold_id(doc, ev->id);
	return (record_refold(doc, now, policy));
    }
    if (doc->nhist >= RECORD_HISTORY_MAX)
	record_cut(doc, RECORD_HISTORY_MAX - 1);
    /* The history is kept in time order (ties by id), whatever the order
     * of arrival: so the state does not depend on it. */
    at = doc->nhist;
    while (at > 0 && record_before(ev, doc->hist + at - 1))
	at--;
    memmove(doc->hist + at + 1, doc->hist + at, (doc->nhist - at) * sizeof(doc->hist[0]));
    doc->hist[at] = *ev;
    doc->hist[at].address[0] = 0;		/* the key says it */
    doc->nhist++;
    if (ev->kind == EV_UNDO || at < doc->nhist - 1)
	changed = record_refold(doc, now, policy);
    else
	changed = state_apply(&doc->rec, ev, now, policy) | STATE_CHANGED_RECORD;
    record_cut(doc, history_max);
    return (changed);
}
