/*++
 * NAME
 *	phrase_match 3
 * SUMMARY
 *	find the phrases of several tables in one pass over a text
 * SYNOPSIS
 *	#include "phrase_match.h"
 *
 *	PHRASE_MATCH *phrase_match_build(tables, ntables)
 *	const char *const *const *tables;
 *	int	ntables;
 *
 *	void	phrase_match_scan(const PHRASE_MATCH *pm, const char *text,
 *					size_t len, PHRASE_HITS *hits)
 *
 *	void	phrase_match_scan2(const PHRASE_MATCH *pm,
 *					const char *text1, size_t len1,
 *					PHRASE_HITS *hits1,
 *					const char *text2, size_t len2,
 *					PHRASE_HITS *hits2)
 *
 *	bool	phrase_match_caseless(PHRASE_MATCH *pm)
 *
 *	void	phrase_match_free(PHRASE_MATCH *pm)
 * DESCRIPTION
 *	The bounce readers compare each line with tables of phrases.  One
 *	strstr() per phrase reads a line once per phrase; this module reads
 *	it once for all the phrases of all the tables (an Aho-Corasick
 *	automaton: a trie of the phrases whose missing edges lead where the
 *	longest suffix read so far continues).
 *
 *	phrase_match_build() builds the matcher of up to PHRASE_TABLES_MAX
 *	NULL-terminated tables of non-empty phrases (bytes compared as
 *	they are: give lower-case phrases and lower-cased text).  The
 *	tables are not copied: they must outlive the matcher, as static
 *	tables do.  It returns NULL when memory runs out or when there are
 *	too many tables or phrases; callers then compare as before.
 *
 *	phrase_match_scan() reads len bytes of text (NUL bytes are bytes
 *	like others) and fills in hits, for each table t: bit t of mask
 *	when one of its phrases occurs, and then first[t] the least index
 *	of those that occur, and left[t] and left_index[t] the leftmost
 *	start of an occurrence and the least index of the phrases that
 *	start there: the answers of "the first phrase of the table found"
 *	and "the phrase found first in the text" strstr() loops.  The
 *	entries of a table whose bit is clear are not set.  The time is linear
 *	in len (times the few phrases that end at one place); it allocates
 *	nothing, and one matcher may be used by many threads at once.
 *
 *	phrase_match_scan2() is two phrase_match_scan() calls in one loop,
 *	which runs faster than two: a caller with two texts to read (the
 *	next lines of a bounce) gives both.
 *
 *	phrase_match_caseless() makes a matcher read ASCII capitals as
 *	their lower-case letters, as if the text were lower-cased with
 *	report_lower() first (without that copy): the phrases must hold
 *	no ASCII capital; false, and the matcher unchanged, when one does.
 *
 *	phrase_match_free() frees a matcher; NULL is allowed.
 * MEMORY
 *	The matcher is one set of arrays owned by it; the caller owns hits.
 *--*/

#include "config.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "phrase_match.h"

#define PHRASE_STATES_MAX	32767	/* states are 15 bits of a uint16_t */
#define PHRASE_OUTPUT	0x80000000u	/* a step's flag: phrases end there */

typedef struct {
    uint8_t table;
    uint16_t index;
    uint16_t len;
} PHRASE_OUT;

struct PHRASE_MATCH {
    int     ntables;
    int     nclass;			/* byte classes; 0: in no phrase */
    unsigned char cls[256];
    uint16_t *next;			/* while building: [state * nclass +
					 * class], the next state */
    uint32_t *step;			/* [row + class]: the next state's row
					 * (state * nclass), | PHRASE_OUTPUT
					 * when phrases end there */
    uint32_t *out_first;		/* per state, into outs */
    uint16_t *out_count;
    PHRASE_OUT *outs;
};

/* phrase_match_free - free a matcher */

void    phrase_match_free(PHRASE_MATCH *pm)
{
    if (pm == NULL)
	return;
    free(pm->next);
    free(pm->step);
    free(pm->out_first);
    free(pm->out_count);
    free(pm->outs);
    free(pm);
}

/* outs_add - append one output; false when memory runs out */

static int outs_add(PHRASE_OUT **outs, size_t *n, size_t *cap, PHRASE_OUT o)
{
    if (*n == *cap) {
	size_t  ncap = *cap ? *cap * 2 : 64;
	PHRASE_OUT *nv = realloc(*outs, ncap * sizeof(*nv));

	if (nv == NULL)
	    return (0);
	*outs = nv;
	*cap = ncap;
    }
    (*outs)[(*n)++] = o;
    return (1);
}

/*
 * renumber - number the states in breadth-first order (order[], the
 * root first), so that the shallow states, where a scan spends most of
 * its time, have their rows side by side in a few kilobytes that stay
 * in the cache.  The same automaton: only the names of states change.
 * The rows become pm->step, whose entries are the next state times
 * nclass, the start of its row: a scan then needs no multiplication
 * between one byte and the next.
 */
static int renumber(PHRASE_MATCH *pm, const uint16_t *order, size_t nstates)
{
    size_t  nclass = (size_t) pm->nclass;
    uint16_t *rank = malloc(nstates * sizeof(*rank));
    uint32_t *next = malloc(nstates * nclass * sizeof(*next));
    uint32_t *first = malloc(nstates * sizeof(*first));
    uint16_t *count = malloc(nstates * sizeof(*count));

    if (rank == NULL || next == NULL || first == NULL || count == NULL) {
	free(rank);
	free(next);
	free(first);
	free(count);
	return (0);
    }
    for (size_t k = 0; k < nstates; k++)
	rank[order[k]] = (uint16_t) k;
    for (size_t k = 0; k < nstates; k++) {
	const uint16_t *row = pm->next + (size_t) order[k] * nclass;

	for (size_t c = 0; c < nclass; c++)
	    next[k * nclass + c] = (uint32_t) rank[row[c]] * (uint32_t) nclass;
	first[k] = pm->out_first[order[k]];
	count[k] = pm->out_count[order[k]];
    }
    free(rank);
    free(pm->next);
    free(pm->out_first);
    free(pm->out_count);
    pm->next = NULL;
    pm->step = next;
    pm->out_first = first;
    pm->out_count = count;
    return (1);
}

/* phrase_match_build - the matcher of ntables tables */

PHRASE_MATCH *phrase_match_build(const char *const *const *tables, int ntables)
{
    PHRASE_MATCH *pm;
    size_t  bytes = 0, nphrases = 0, nstates = 1, nouts = 0, capouts = 0, nown = 0;
    size_t  head = 0, tail = 0;
    uint16_t *fail = NULL, *queue = NULL;
    PHRASE_OUT *own = NULL;		/* each phrase, listed by end state */
    int32_t *own_head = NULL, *own_next = NULL;
    int     ok = 0;

    if (ntables < 1 || ntables > PHRASE_TABLES_MAX
	|| (pm = calloc(1, sizeof(*pm))) == NULL)
	return (NULL);
    pm->ntables = ntables;
    pm->nclass = 1;
    for (int t = 0; t < ntables; t++)
	for (int k = 0; tables[t][k]; k++) {
	    const unsigned char *p = (const unsigned char *) tables[t][k];
	    size_t  len = strlen(tables[t][k]);

	    if (len == 0 || len > UINT16_MAX || k > UINT16_MAX)
		goto out;
	    bytes += len;
	    nphrases++;
	    for (size_t i = 0; i < len; i++)
		if (pm->cls[p[i]] == 0)
		    pm->cls[p[i]] = (unsigned char) pm->nclass++;
	}
    if (bytes + 1 > PHRASE_STATES_MAX)
	goto out;
    if ((pm->next = calloc((bytes + 1) * (size_t) pm->nclass, sizeof(*pm->next))) == NULL
	|| (fail = calloc(bytes + 1, sizeof(*fail))) == NULL
	|| (queue = calloc(bytes + 1, sizeof(*queue))) == NULL
	|| (pm->out_first = calloc(bytes + 1, sizeof(*pm->out_first))) == NULL
	|| (pm->out_count = calloc(bytes + 1, sizeof(*pm->out_count))) == NULL
	|| (own_head = malloc((bytes + 1) * sizeof(*own_head))) == NULL
	|| (own_next = malloc(nphrases * sizeof(*own_next))) == NULL
	|| (own = malloc(nphrases * sizeof(*own))) == NULL)
	goto out;
    for (size_t s = 0; s <= bytes; s++)
	own_head[s] = -1;

    /* The trie; state 0 is the root, and no edge leads back to it. */
    for (int t = 0; t < ntables; t++)
	for (int k = 0; tables[t][k]; k++) {
	    const unsigned char *p = (const unsigned char *) tables[t][k];
	    size_t  s = 0, len = strlen(tables[t][k]);

	    for (size_t i = 0; i < len; i++) {
		uint16_t *edge = pm->next + s * (size_t) pm->nclass + pm->cls[p[i]];

		if (*edge == 0)
		    *edge = (uint16_t) nstates++;
		s = *edge;
	    }
	    own[nown].table = (uint8_t) t;
	    own[nown].index = (uint16_t) k;
	    own[nown].len = (uint16_t) len;
	    own_next[nown] = own_head[s];
	    own_head[s] = (int32_t) nown++;
	}

    /*
     * Breadth first: each state's failure link (the longest proper suffix
     * that is a trie state) and its missing edges; then its outputs, its
     * own and those of its failure state (already done: it is shallower).
     */
    queue[tail++] = 0;
    while (head < tail) {
	size_t  r = queue[head++];
	uint16_t *row = pm->next + r * (size_t) pm->nclass;
	const uint16_t *frow = pm->next + (size_t) fail[r] * (size_t) pm->nclass;

	pm->out_first[r] = (uint32_t) nouts;
	for (int32_t i = own_head[r]; i >= 0; i = own_next[i])
	    if (!outs_add(&pm->outs, &nouts, &capouts, own[i]))
		goto out;
	if (r != 0)
	    for (uint32_t i = 0; i < pm->out_count[fail[r]]; i++)
		if (!outs_add(&pm->outs, &nouts, &capouts, pm->outs[pm->out_first[fail[r]] + i]))
		    goto out;
	if (nouts - pm->out_first[r] > UINT16_MAX)
	    goto out;
	pm->out_count[r] = (uint16_t) (nouts - pm->out_first[r]);
	for (int c = 1; c < pm->nclass; c++) {
	    if (row[c] != 0) {
		fail[row[c]] = r == 0 ? 0 : frow[c];
		queue[tail++] = row[c];
	    } else {
		row[c] = r == 0 ? 0 : frow[c];
	    }
	}
    }
    if (tail != nstates || !renumber(pm, queue, nstates))
	goto out;
    /* flag the transitions into states where phrases end */
    for (size_t i = 0; i < nstates * (size_t) pm->nclass; i++)
	if (pm->out_count[pm->step[i] / (uint32_t) pm->nclass] > 0)
	    pm->step[i] |= PHRASE_OUTPUT;
    ok = 1;

out:
    free(fail);
    free(queue);
    free(own);
    free(own_head);
    free(own_next);
    if (!ok) {
	phrase_match_free(pm);
	return (NULL);
    }
    return (pm);
}

/* phrase_match_caseless - read ASCII capitals as lower-case letters */

bool    phrase_match_caseless(PHRASE_MATCH *pm)
{
    /* a capital in no phrase has class 0: give it its small letter's */
    for (int c = 'A'; c <= 'Z'; c++)
	if (pm->cls[c] != 0)
	    return (false);
    for (int c = 'A'; c <= 'Z'; c++)
	pm->cls[c] = pm->cls[c + ('a' - 'A')];
    return (true);
}

/*
 * hits_clear - nothing found yet: the mask only; a table's entries are
 * filled when its bit is first set (most scans find few tables)
 */
static void hits_clear(const PHRASE_MATCH *pm, PHRASE_HITS *hits)
{
    (void) pm;
    hits->mask = 0;
}

/* hits_note - the phrases that end at byte i, in the state at row s */

static void hits_note(const PHRASE_MATCH *pm, uint32_t s, size_t i, PHRASE_HITS *hits)
{
    uint32_t state = s / (uint32_t) pm->nclass;

    for (uint32_t k = 0; k < pm->out_count[state]; k++) {
	const PHRASE_OUT *o = pm->outs + pm->out_first[state] + k;
	size_t  start = i + 1 - o->len;
	int     t = o->table;

	if ((hits->mask & (1u << t)) == 0) {	/* the table's first phrase */
	    hits->mask |= 1u << t;
	    hits->first[t] = o->index;
	    hits->left[t] = start;
	    hits->left_index[t] = o->index;
	    continue;
	}
	if (o->index < hits->first[t])
	    hits->first[t] = o->index;
	if (start < hits->left[t] || (start == hits->left[t] && o->index < hits->left_index[t])) {
	    hits->left[t] = start;
	    hits->left_index[t] = o->index;
	}
    }
}

/* scan_from - go on reading text at i, in the state at row s */

static void scan_from(const PHRASE_MATCH *pm, const unsigned char *u, size_t i, size_t len,
		              uint32_t s, PHRASE_HITS *hits)
{
    const uint32_t *step = pm->step;

    for (; i < len; i++) {
	s = step[s + pm->cls[u[i]]];
	if (s & PHRASE_OUTPUT) {
	    s &= ~PHRASE_OUTPUT;
	    hits_note(pm, s, i, hits);
	}
    }
}

/* phrase_match_scan - what the tables' phrases do in text */

void    phrase_match_scan(const PHRASE_MATCH *pm, const char *text, size_t len,
			          PHRASE_HITS *hits)
{
    hits_clear(pm, hits);
    scan_from(pm, (const unsigned char *) text, 0, len, 0, hits);
}

/*
 * phrase_match_scan2 - two texts at once: the same answers as two
 * phrase_match_scan() calls, in less time, as the processor follows the
 * two walks through the automaton side by side (each step of one walk
 * waits for its previous step; two walks do not wait for each other).
 */
void    phrase_match_scan2(const PHRASE_MATCH *pm, const char *text1, size_t len1,
			           PHRASE_HITS *hits1, const char *text2, size_t len2,
			           PHRASE_HITS *hits2)
{
    const unsigned char *u1 = (const unsigned char *) text1;
    const unsigned char *u2 = (const unsigned char *) text2;
    const uint32_t *step = pm->step;
    const unsigned char *cls = pm->cls;
    size_t  both = len1 < len2 ? len1 : len2, i;
    uint32_t s1 = 0, s2 = 0;

    hits_clear(pm, hits1);
    hits_clear(pm, hits2);
    for (i = 0; i < both; i++) {
	s1 = step[s1 + cls[u1[i]]];
	s2 = step[s2 + cls[u2[i]]];
	if ((s1 | s2) & PHRASE_OUTPUT) {
	    if (s1 & PHRASE_OUTPUT) {
		s1 &= ~PHRASE_OUTPUT;
		hits_note(pm, s1, i, hits1);
	    }
	    if (s2 & PHRASE_OUTPUT) {
		s2 &= ~PHRASE_OUTPUT;
		hits_note(pm, s2, i, hits2);
	    }
	}
    }
    scan_from(pm, u1, i, len1, s1, hits1);
    scan_from(pm, u2, i, len2, s2, hits2);
}
