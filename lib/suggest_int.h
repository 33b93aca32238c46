#ifndef LIVEADDR_SUGGEST_INT_H
#define LIVEADDR_SUGGEST_INT_H

/*++
 * NAME
 *	suggest_int 3h
 * SUMMARY
 *	what the suggestion module's files share; not for other modules
 * SYNOPSIS
 *	#include "suggest_int.h"
 * DESCRIPTION
 *	The loaded lists (struct SUGGEST, filled by suggest_load.c), the
 *	state of a chain of repairs (SG_CTX), and the helpers suggest.c
 *	offers suggest_repair.c and suggest_load.c.
 *--*/

#include <stdbool.h>
#include <stdint.h>

#include "addr.h"
#include "strmap.h"
#include "suggest.h"

typedef struct {
    char   *name;			/* A-label form */
    size_t  len;
    size_t  zone_at;			/* offset of the last dot */
    uint64_t mask;			/* characters present */
    int     maxdist;			/* 0: not matched by distance */
} SG_PROVIDER;

struct SUGGEST {
    SG_PROVIDER *prov;			/* typo-domains.txt, in order */
    size_t  nprov;
    size_t  maxlen;			/* longest provider name */
    unsigned char subst[128][128];	/* cost of typing one key for another */
    int    *order;			/* fuzzy providers by length, then rank */
    size_t *lenpos;			/* [len]: first in order of that length */
    STRMAP *domains;			/* every listed domain -> SG_D_ bits */
    STRMAP *roles;
    STRMAP *zones;			/* ".ry" -> index in zonefix */
    char  **zonefix;
    size_t  nzonefix;
    STRMAP *joined;			/* "mailru", "mail" -> provider index */
};

/*
 * What the lists say about one domain, packed in its strmap value so one
 * lookup answers: a provider (its index + 1), a known misspelling (the
 * provider's index + 1), regional, disposable.
 */
#define SG_D_PROV(v)	((v) & 0xFFF)
#define SG_D_TYPO(v)	(((v) >> 12) & 0xFFF)
#define SG_D_REGIONAL	(1 << 24)
#define SG_D_DISPOSABLE	(1 << 25)
#define SG_MAX_PROVIDERS 4000

/* What the repairs so far have done. */
typedef struct {
    unsigned flags;			/* SUGGEST_F_ fix bits */
    SUGGEST_RULE rule;			/* the first fix */
    int     distance;
    bool    need_known;			/* a guess: must land on a known domain */
    bool    known;			/* set by sg_improve() */
} SG_CTX;

/* suggest.c */
extern uint64_t suggest_mask(const char *, size_t);
extern int suggest_domain(const SUGGEST *, const char *, size_t);
extern void suggest_subst_init(SUGGEST *);
extern bool suggest_known(const SUGGEST *, const char *, size_t);
extern bool suggest_real(const SUGGEST *, const char *, size_t);
extern void suggest_note(SG_CTX *, unsigned, SUGGEST_RULE);
extern int suggest_typo(const SUGGEST *, const char *, size_t, SUGGEST_RULE *, int *);
extern void suggest_lower_ascii(char *, size_t);
extern int suggest_try(const SUGGEST *, const char *, size_t, const SG_CTX *,
		               SUGGESTION *);

/* suggest_repair.c */
extern int suggest_repair(const SUGGEST *, const char *, size_t, SUGGESTION *);

#endif
