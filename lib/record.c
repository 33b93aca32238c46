/*++
 * NAME
 *	record 3
 * SUMMARY
 *	the compact text form of an address record and its history
 * SYNOPSIS
 *	#include "record.h"
 *
 *	void	record_doc_init(RECORD_DOC *doc)
 *	int	record_encode(const RECORD_DOC *doc, char *buf, size_t len)
 *	int	record_decode(const char *text, size_t len, RECORD_DOC *doc)
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
 *	record_add() applies one item: an id already in the history changes
 *	nothing (exactly once, even when a journal is replayed twice); an
 *	EV_UNDO whose target is not in the history changes nothing; an
 *	item older than a tombstone (the address was forgotten) changes
 *	nothing; EV_UNDO is kept and the state is folded again from the
 *	base; any other item goes through state_apply() and joins the
 *	history.  When the history grows past history_max, its oldest items
 *	are folded into the base.  It returns the STATE_CHANGED_* bits (0:
 *	nothing to store).
 *
 *	The text form is small on purpose (the memory target is 400 bytes
 *	an address in Redis): lines separated by LF, fields by "|", numbers
 *	in base 36 with 0 written as nothing, "|", LF and "\" in strings
 *	escaped as "\p", "\n" and "\\":
 *
 *	R2|version|validity|stale|supp|reason|status|counts...|times...|dept|owner|contact|source
 *	B2|...the same fields, the base (only when the history was cut)
 *	T|time			a tombstone: the address was forgotten then
 *	id|kind|when|reason|status|code|msgref|mta|dept|owner|contact|event|target|text
 *				one a history item (no address: it is the key)
 *
 *	Kinds are one letter (see record_kinds[]).  record_decode() refuses
 *	(-1) anything else: a value it cannot read is never half-used.
 * MEMORY
 *	A RECORD_DOC is large (RECORD_HISTORY_MAX items); allocate it.
 *--*/

#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "record.h"

static const char record_kinds[EV_KIND_COUNT + 1] = "SDARCHOPKXUNZ";

/* ---- writing */

typedef struct {
    char   *buf;
    size_t  len;
    size_t  used;
    bool    overflow;
} OUT;

static void out_char(OUT *o, char c)
{
    if (o->used + 1 < o->len)
	o->buf[o->used++] = c;
    else
	o->overflow = true;
}

static void out_str(OUT *o, const char *s)
{
    out_char(o, '|');
    for (; *s; s++) {
	if (*s == '|' || *s == '\n' || *s == '\\') {
	    out_char(o, '\\');
	    out_char(o, *s == '|' ? 'p' : *s == '\n' ? 'n' : '\\');
	} else {
	    out_char(o, *s);
	}
    }
}

static void out_num(OUT *o, unsigned long long n)
{
    char    tmp[16];
    int     i = 0;

    out_char(o, '|');
    while (n > 0 && i < (int) sizeof(tmp)) {
	tmp[i++] = "0123456789abcdefghijklmnopqrstuvwxyz"[n % 36];
	n /= 36;
    }
    while (i > 0)
	out_char(o, tmp[--i]);
}

static void out_time(OUT *o, time_t t)
{
    out_num(o, t > 0 ? (unsigned long long) t : 0);
}

static void out_record(OUT *o, const char *tag, unsigned long version, const RECORD *r)
{
    for (const char *cp = tag; *cp; cp++)
	out_char(o, *cp);
    out_num(o, version);
    out_num(o, (unsigned) r->validity);
    out_num(o, r->stale);
    out_num(o, r->suppression);
    out_str(o, r->reason);
    out_str(o, r->last_status);
    out_num(o, r->n_sent);
    out_num(o, r->n_delivered);
    out_num(o, r->n_positive);
    out_num(o, r->n_hard);
    out_num(o, r->n_soft);
    out_num(o, r->n_policy);
    out_num(o, r->n_complaint);
    out_num(o, r->soft_days);
    out_time(o, r->soft_first);
    out_num(o, (unsigned long long) (r->soft_last_day + 1));	/* -1 -> 0 */
    out_time(o, r->first_seen);
    out_time(o, r->last_sent);
    out_time(o, r->last_delivered);
    out_time(o, r->last_bounce);
    out_time(o, r->last_hard);
    out_time(o, r->last_positive);
    out_time(o, r->last_confirmed);
    out_time(o, r->updated);
    out_str(o, r->department);
    out_str(o, r->owner);
    out_str(o, r->contact);
    out_str(o, r->confirm_source);
    out_char(o, '\n');
}

static void out_item(OUT *o, const EVIDENCE *ev)
{
    char    kind[2] = {record_kinds[ev->kind], 0};
    char    text[64];

    for (const char *cp = ev->id; *cp; cp++)
	out_char(o, *cp);
    out_str(o, kind);
    out_time(o, ev->when);
    out_str(o, ev->reason);
    out_str(o, ev->status);
    out_num(o, (unsigned) (ev->reply_code > 0 ? ev->reply_code : 0));
    out_str(o, ev->msgref);
    out_str(o, ev->mta);
    out_str(o, ev->department);
    out_str(o, ev->owner);
    out_str(o, ev->contact);
    out_str(o, ev->event);
    out_str(o, ev->target);
    snprintf(text, sizeof(text), "%.63s", ev->text);	/* history keeps 63 */
    out_str(o, text);
    out_char(o, '\n');
}

int     record_encode(const RECORD_DOC *doc, char *buf, size_t len)
{
    OUT     o = {buf, len, 0, false};

    if (len == 0)
	return (-1);
    out_record(&o, "R2", doc->version, &doc->rec);
    if (doc->has_base)
	out_record(&o, "B2", 0, &doc->base);
    if (doc->forgotten > 0) {
	out_char(&o, 'T');
	out_time(&o, doc->forgotten);
	out_char(&o, '\n');
    }
    for (size_t i = 0; i < doc->nhist; i++)
	out_item(&o, doc->hist + i);
    if (o.overflow)
	return (-1);
    buf[o.used] = 0;
    return ((int) o.used);
}

/* ---- reading */

typedef struct {
    const char *p;
    const char *end;			/* end of the line */
    bool    bad;
} IN;

/* in_field - the next field's raw extent; false at the end of the line */

static bool in_field(IN *in, const char **start, size_t *flen)
{
    const char *cp;

    if (in->p >= in->end || *in->p != '|') {
	in->bad = true;
	return (false);
    }
    cp = ++in->p;
    while (cp < in->end && *cp != '|') {
	if (*cp == '\\' && cp + 1 < in->end)
	    cp++;
	cp++;
    }
    *start = in->p;
    *flen = (size_t) (cp - in->p);
    in->p = cp;
    return (true);
}

static void in_str(IN *in, char *dst, size_t size)
{
    const char *s;
    size_t  n, out = 0;

    dst[0] = 0;
    if (!in_field(in, &s, &n))
	return;
    for (size_t i = 0; i < n; i++) {
	char    c = s[i];

	if (c == '\\') {
	    if (++i >= n) {
		in->bad = true;
		return;
	    }
	    c = s[i] == 'p' ? '|' : s[i] == 'n' ? '\n' : s[i] == '\\' ? '\\' : 0;
	    if (c == 0) {
		in->bad = true;
		return;
	    }
	}
	if (out + 1 >= size) {
	    in->bad = true;
	    return;
	}
	dst[out++] = c;
    }
    dst[out] = 0;
}

static unsigned long long in_num(IN *in)
{
    const char *s;
    size_t  n;
    unsigned long long v = 0;

    if (!in_field(in, &s, &n))
	return (0);
    if (n > 12) {
	in->bad = true;
	return (0);
    }
    for (size_t i = 0; i < n; i++) {
	const char *d = memchr("0123456789abcdefghijklmnopqrstuvwxyz", s[i], 36);

	if (d == NULL || s[i] == 0) {
	    in->bad = true;
	    return (0);
	}
	v = v * 36 + (unsigned long long) (d - "0123456789abcdefghijklmnopqrstuvwxyz");
    }
    return (v);
}

static void in_record(IN *in, unsigned long *version, RECORD *r)
{
    unsigned long long v;

    state_record_init(r);
    *version = (unsigned long) in_num(in);
    v = in_num(in);
    if (v >= VAL_COUNT)
	in->bad = true;
    r->validity = (VALIDITY) v;
    r->stale = in_num(in) != 0;
    r->suppression = (unsigned) in_num(in);
    in_str(in, r->reason, sizeof(r->reason));
    in_str(in, r->last_status, sizeof(r->last_status));
    r->n_sent = (unsigned) in_num(in);
    r->n_delivered = (unsigned) in_num(in);
    r->n_positive = (unsigned) in_num(in);
    r->n_hard = (unsigned) in_num(in);
    r->n_soft = (unsigned) in_num(in);
    r->n_policy = (unsigned) in_num(in);
    r->n_complaint = (unsigned) in_num(in);
    r->soft_days = (unsigned) in_num(in);
    r->soft_first = (time_t) in_num(in);
    r->soft_last_day = (long) in_num(in) - 1;
    r->first_seen = (time_t) in_num(in);
    r->last_sent = (time_t) in_num(in);
    r->last_delivered = (time_t) in_num(in);
    r->last_bounce = (time_t) in_num(in);
    r->last_hard = (time_t) in_num(in);
    r->last_positive = (time_t) in_num(in);
    r->last_confirmed = (time_t) in_num(in);
    r->updated = (time_t) in_num(in);
    in_str(in, r->department, sizeof(r->department));
    in_str(in, r->owner, sizeof(r->owner));
    in_str(in, r->contact, sizeof(r->contact));
    in_str(in, r->confirm_source, sizeof(r->confirm_source));
    if (in->p != in->end)
	in->bad = true;
}

static void in_item(IN *in, const char *line, EVIDENCE *ev)
{
    const char *bar = memchr(line, '|', (size_t) (in->end - line));
    char    kind[4];
    const char *k;

    memset(ev, 0, sizeof(*ev));
    if (bar == NULL || bar == line || (size_t) (bar - line) > EV_ID_MAX) {
	in->bad = true;
	return;
    }
    memcpy(ev->id, line, (size_t) (bar - line));
    in->p = bar;
    in_str(in, kind, sizeof(kind));
    if (kind[0] == 0 || kind[1] != 0 || (k = strchr(record_kinds, kind[0])) == NULL) {
	in->bad = true;
	return;
    }
    ev->kind = (EV_KIND) (k - record_kinds);
    ev->when = (time_t) in_num(in);
    in_str(in, ev->reason, sizeof(ev->reason));
    in_str(in, ev->status, sizeof(ev->status));
    ev->reply_code = (int) in_num(in);
    in_str(in, ev->msgref, sizeof(ev->msgref));
    in_str(in, ev->mta, sizeof(ev->mta));
    in_str(in, ev->department, sizeof(ev->department));
    in_str(in, ev->owner, sizeof(ev->owner));
    in_str(in, ev->contact, sizeof(ev->contact));
    in_str(in, ev->event, sizeof(ev->event));
    in_str(in, ev->target, sizeof(ev->target));
    in_str(in, ev->text, sizeof(ev->text));
    if (in->p != in->end || ev->reply_code > 999)
	in->bad = true;
}

void    record_doc_init(RECORD_DOC *doc)
{
    doc->version = 0;
    state_record_init(&doc->rec);
    doc->has_base = false;
    doc->nhist = 0;
    doc->forgotten = 0;
}

int     record_decode(const char *text, size_t len, RECORD_DOC *doc)
{
    const char *p = text, *end = text + len;
    bool    have_record = false;
    unsigned long unused;

    record_doc_init(doc);
    while (p < end) {
	const char *nl = memchr(p, '\n', (size_t) (end - p));
	IN      in;

	if (nl == NULL)
	    return (-1);			/* every line ends with LF */
	in.end = nl;
	in.bad = false;
	if (!have_record) {
	    if (nl - p < 2 || memcmp(p, "R2", 2) != 0)
		return (-1);
	    in.p = p + 2;
	    in_record(&in, &doc->version, &doc->rec);
	    have_record = true;
	} else if (nl - p >= 2 && memcmp(p, "B2", 2) == 0 && !doc->has_base && doc->nhist == 0) {
	    in.p = p + 2;
	    in_record(&in, &unused, &doc->base);
	    doc->has_base = true;
	} else if (nl - p >= 1 && *p == 'T' && doc->nhist == 0) {
	    in.p = p + 1;
	    doc->forgotten = (time_t) in_num(&in);
	    if (in.p != in.end)
		in.bad = true;
	} else {
	    if (doc->nhist >= RECORD_HISTORY_MAX)
		return (-1);
	    in_item(&in, p, doc->hist + doc->nhist);
	    doc->nhist++;
	}
	if (in.bad)
	    return (-1);
	p = nl + 1;
    }
    return (have_record ? 0 : -1);
}

bool    record_has_evidence(const RECORD_DOC *doc, const char *id)
{
    for (size_t i = 0; i < doc->nhist; i++)
	if (strcmp(doc->hist[i].id, id) == 0)
	    return (true);
    return (false);
}

/* record_undone - is history item i the target of a later EV_UNDO? */

static bool record_undone(const RECORD_DOC *doc, size_t i)
{
    for (size_t j = i + 1; j < doc->nhist; j++)
	if (doc->hist[j].kind == EV_UNDO && strcmp(doc->hist[j].target, doc->hist[i].id) == 0)
	    return (true);
    return (false);
}

/* record_cut - fold the oldest items into the base until the cap holds */

static void record_cut(RECORD_DOC *doc, size_t history_max, time_t now,
		               const STATE_POLICY *policy)
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
    for (size_t i = 0; i < drop; i++)
	if (!record_undone(doc, i))
	    state_apply(&doc->base, doc->hist + i, now, policy);
    memmove(doc->hist, doc->hist + drop, (doc->nhist - drop) * sizeof(doc->hist[0]));
    doc->nhist -= drop;
}

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

unsigned record_add(RECORD_DOC *doc, const EVIDENCE *ev, size_t history_max,
		            time_t now, const STATE_POLICY *policy)
{
    unsigned changed;
    EVIDENCE *slot;

    if (record_has_evidence(doc, ev->id))
	return (0);
    if (ev->kind == EV_UNDO && !record_has_evidence(doc, ev->target))
	return (0);				/* unknown, or folded into the base */
    if (doc->forgotten > 0 && ev->when <= doc->forgotten)
	return (0);
    if (doc->nhist >= RECORD_HISTORY_MAX)
	record_cut(doc, RECORD_HISTORY_MAX - 1, now, policy);
    slot = doc->hist + doc->nhist++;
    *slot = *ev;
    slot->address[0] = 0;			/* the key says it */
    if (ev->kind == EV_UNDO)
	changed = record_refold(doc, now, policy);
    else
	changed = state_apply(&doc->rec, ev, now, policy) | STATE_CHANGED_RECORD;
    record_cut(doc, history_max, now, policy);
    return (changed);
}
