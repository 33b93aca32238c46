/*++
 * NAME
 *	reason_sieve 3
 * SUMMARY
 *	which phrases of the reason tables can match a text
 * SYNOPSIS
 *	#include "reason_int.h"
 *
 *	void	reason_marks(const char *text, size_t tlen, REASON_MARKS *m)
 *
 *	size_t	reason_next_marked(const REASON_MARKS *m, int table, size_t i)
 * DESCRIPTION
 *	The reason classifier (reason.c) tests a text against some 660
 *	patterns: phrases, providers' code markers, SMTP stage phrases
 *	(reason_table.c).  Most cannot match; this module rules them out
 *	in one pass over the text, so that only the few others are tested.
 *
 *	reason_marks() reads a normalised text (reason_norm()) once and
 *	notes which patterns of the tables can match: each pattern is
 *	keyed by 4 bytes of its fixed text (the 4 the fewest patterns
 *	share), and a pattern whose key does not occur in the text cannot
 *	match.  reason_next_marked() is the least index, at i or after, of
 *	a marked pattern of a table (REASON_MARK_PHRASE, _CODE, _STAGE), or
 *	the table's size when none.  Testing only marked patterns, in table
 *	order, gives the same first match as testing all.  The keys are
 *	chosen once, on first use (pthread_once: the milter classifies in
 *	many threads); when memory runs out then, or the tables do not fit
 *	REASON_MARK_MAX, every pattern is marked: same answers, more time.
 * MEMORY
 *	Nothing is allocated per call; the keys are built once and kept for
 *	the life of the process.
 *--*/

#include "config.h"

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "reason_int.h"

/*
 * The sieve: each pattern of the three tables (pattern n of the whole is
 * bit n) is keyed by one 4-byte piece of its fixed text, the one the
 * fewest patterns share; a text's 4-byte windows are hashed and looked up
 * in a bitmap (which stays in the L1 cache), and only on a hit in the
 * bucket of keys with that hash.  A pattern with no 4 fixed bytes is
 * always marked.
 */
#define QG_LEN		4
#define QG_HASH_BITS	12
#define QG_HASH(g)	((uint32_t) ((g) * 2654435761u) >> (32 - QG_HASH_BITS))

typedef struct {
    uint32_t gram;
    uint16_t id;
} QG_KEY;

static pthread_once_t marks_once = PTHREAD_ONCE_INIT;
static bool marks_ok;
static uint64_t qg_map[(1u << QG_HASH_BITS) / 64];
static uint16_t qg_first[(1u << QG_HASH_BITS) + 1];	/* into qg_keys, by hash */
static QG_KEY *qg_keys;
static REASON_MARKS qg_always;

/* mark_base - the first bit of a table */

static size_t mark_base(int table)
{
    switch (table) {
    case REASON_MARK_PHRASE:
	return (0);
    case REASON_MARK_CODE:
	return (reason_phrase_count);
    default:
	return (reason_phrase_count + reason_code_count);
    }
}

/* mark_count - the patterns of a table */

static size_t mark_count(int table)
{
    switch (table) {
    case REASON_MARK_PHRASE:
	return (reason_phrase_count);
    case REASON_MARK_CODE:
	return (reason_code_count);
    default:
	return (reason_stage_count);
    }
}

/* mark_is_phrase - is pattern n a phrase pattern ("*" and "^" syntax) */

static bool mark_is_phrase(size_t n)
{
    return (n < reason_phrase_count);
}

/* mark_pattern - pattern n of the tables */

static const char *mark_pattern(size_t n)
{
    if (n < reason_phrase_count)
	return (reason_phrases[n].phrase);
    n -= reason_phrase_count;
    if (n < reason_code_count)
	return (reason_codes[n].marker);
    return (reason_stages[n - reason_code_count].phrase);
}

/*
 * gram_each - call fn for each 4-byte window of the fixed pieces of a
 * pattern ("^" and "*" are syntax only in phrase patterns); the count.
 */
static size_t gram_each(const char *pat, bool gaps, void (*fn) (uint32_t, void *), void *arg)
{
    size_t  n = 0, run = 0;
    const char *start = pat;

    if (gaps && *pat == '^')
	start = ++pat;
    for (;; pat++) {
	if (*pat == 0 || (gaps && *pat == '*')) {
	    for (size_t i = 0; i + QG_LEN <= run; i++, n++) {
		uint32_t g;

		memcpy(&g, start + i, QG_LEN);
		if (fn)
		    fn(g, arg);
	    }
	    if (*pat == 0)
		return (n);
	    start = pat + 1;
	    run = 0;
	} else {
	    run++;
	}
    }
}

typedef struct {
    uint32_t *all;			/* every window of every pattern */
    size_t  n;
    uint32_t best;			/* this pattern's rarest so far */
    size_t  best_count;
} QG_BUILD;

/* gram_collect - gram_each(): note a window */

static void gram_collect(uint32_t g, void *arg)
{
    QG_BUILD *b = arg;

    b->all[b->n++] = g;
}

/* gram_cmp - qsort() order of grams */

static int gram_cmp(const void *a, const void *b)
{
    uint32_t x = *(const uint32_t *) a, y = *(const uint32_t *) b;

    return (x < y ? -1 : x > y);
}

/* gram_pick - gram_each(): keep the window the fewest patterns share */

static void gram_pick(uint32_t g, void *arg)
{
    QG_BUILD *b = arg;
    size_t  lo = 0, hi = b->n, first, count;

    while (lo < hi) {			/* the first of g in the sorted list */
	size_t  mid = lo + (hi - lo) / 2;

	if (b->all[mid] < g)
	    lo = mid + 1;
	else
	    hi = mid;
    }
    for (first = lo, count = 0; first + count < b->n && b->all[first + count] == g; count++)
	 /* void */ ;
    if (b->best_count == 0 || count < b->best_count) {
	b->best = g;
	b->best_count = count;
    }
}

/* key_cmp - qsort() order of keys: by hash, then by id */

static int key_cmp(const void *a, const void *b)
{
    const QG_KEY *x = a, *y = b;
    uint32_t hx = QG_HASH(x->gram), hy = QG_HASH(y->gram);

    if (hx != hy)
	return (hx < hy ? -1 : 1);
    return (x->id < y->id ? -1 : x->id > y->id);
}

/* marks_init - key every pattern, once */

static void marks_init(void)
{
    size_t  total = reason_phrase_count + reason_code_count + reason_stage_count;
    size_t  windows = 0, nkeys = 0;
    QG_BUILD b = {0, 0, 0, 0};

    if (total > REASON_MARK_MAX || total > UINT16_MAX)
	return;
    for (size_t n = 0; n < total; n++)
	windows += gram_each(mark_pattern(n), mark_is_phrase(n), NULL, NULL);
    if ((b.all = malloc((windows + 1) * sizeof(*b.all))) == 0
	|| (qg_keys = malloc((total + 1) * sizeof(*qg_keys))) == 0) {
	free(b.all);
	return;
    }
    for (size_t n = 0; n < total; n++)
	(void) gram_each(mark_pattern(n), mark_is_phrase(n), gram_collect, &b);
    qsort(b.all, b.n, sizeof(*b.all), gram_cmp);
    for (size_t n = 0; n < total; n++) {
	b.best_count = 0;
	if (gram_each(mark_pattern(n), mark_is_phrase(n), gram_pick, &b) == 0) {
	    qg_always.bits[n / 64] |= (uint64_t) 1 << (n % 64);
	    continue;
	}
	qg_keys[nkeys].gram = b.best;
	qg_keys[nkeys].id = (uint16_t) n;
	nkeys++;
    }
    free(b.all);
    qsort(qg_keys, nkeys, sizeof(*qg_keys), key_cmp);
    for (size_t k = 0, h = 0; h <= (1u << QG_HASH_BITS); h++) {
	while (k < nkeys && QG_HASH(qg_keys[k].gram) < h)
	    k++;
	qg_first[h] = (uint16_t) k;
    }
    for (size_t k = 0; k < nkeys; k++) {
	uint32_t h = QG_HASH(qg_keys[k].gram);

	qg_map[h / 64] |= (uint64_t) 1 << (h % 64);
    }
    marks_ok = true;
}

/* reason_marks - which patterns of the tables can match the text */

void    reason_marks(const char *text, size_t tlen, REASON_MARKS *m)
{
    pthread_once(&marks_once, marks_init);
    if (!marks_ok) {
	memset(m->bits, 0xff, sizeof(m->bits));
	return;
    }
    *m = qg_always;
    for (size_t i = 0; i + QG_LEN <= tlen; i++) {
	uint32_t g, h;

	memcpy(&g, text + i, QG_LEN);
	h = QG_HASH(g);
	if ((qg_map[h / 64] & ((uint64_t) 1 << (h % 64))) == 0)
	    continue;
	for (uint32_t k = qg_first[h]; k < qg_first[h + 1]; k++)
	    if (qg_keys[k].gram == g)
		m->bits[qg_keys[k].id / 64] |= (uint64_t) 1 << (qg_keys[k].id % 64);
    }
}

/* reason_next_marked - the next marked pattern of a table, or its size */

size_t  reason_next_marked(const REASON_MARKS *m, int table, size_t i)
{
    size_t  base = mark_base(table), end = base + mark_count(table), n = base + i;

    while (n < end && n < REASON_MARK_MAX) {
	uint64_t w = m->bits[n / 64] >> (n % 64);

	if (w != 0) {
	    n += (size_t) __builtin_ctzll(w);
	    break;
	}
	n = (n / 64 + 1) * 64;
    }
    return (n < end ? n - base : end - base);
}
