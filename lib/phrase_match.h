#ifndef LIVEADDR_PHRASE_MATCH_H
#define LIVEADDR_PHRASE_MATCH_H

/*++
 * NAME
 *	phrase_match 3h
 * SUMMARY
 *	find the phrases of several tables in one pass over a text
 * SYNOPSIS
 *	#include "phrase_match.h"
 * DESCRIPTION
 *	See phrase_match.c.
 *--*/

#include <stdbool.h>
#include <stddef.h>

#define PHRASE_TABLES_MAX	16	/* tables one matcher answers for */

typedef struct PHRASE_MATCH PHRASE_MATCH;

/*
 * What one scan found, per table: whether a phrase of it occurs (mask bit
 * t), and then the least index of those that occur (first), and the
 * leftmost start of an occurrence with the least index among those
 * starting there (left, left_index), as a strstr() loop over the table
 * would say.  Without its mask bit, a table's entries are not set.
 */
typedef struct {
    unsigned mask;
    int     first[PHRASE_TABLES_MAX];
    size_t  left[PHRASE_TABLES_MAX];
    int     left_index[PHRASE_TABLES_MAX];
} PHRASE_HITS;

extern PHRASE_MATCH *phrase_match_build(const char *const *const *tables, int ntables);
extern void phrase_match_scan(const PHRASE_MATCH *, const char *text, size_t len,
			              PHRASE_HITS *hits);
extern void phrase_match_scan2(const PHRASE_MATCH *, const char *text1, size_t len1,
			               PHRASE_HITS *hits1, const char *text2, size_t len2,
			               PHRASE_HITS *hits2);
extern bool phrase_match_caseless(PHRASE_MATCH *);
extern void phrase_match_free(PHRASE_MATCH *);

#endif
