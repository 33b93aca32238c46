#ifndef LIVEADDR_SUGGEST_H
#define LIVEADDR_SUGGEST_H

/*++
 * NAME
 *	suggest 3h
 * SUMMARY
 *	typo, keyboard-layout and separator suggestions; role, disposable
 *	and free-mail flags
 * SYNOPSIS
 *	#include "suggest.h"
 * DESCRIPTION
 *	See suggest.c.
 *--*/

#include <stddef.h>

#include "addr.h"

typedef struct SUGGEST SUGGEST;

/* What suggest_check() found. */
#define SUGGEST_F_ROLE		(1u<<0)	/* local part is a role (info, sales) */
#define SUGGEST_F_DISPOSABLE	(1u<<1)	/* domain of a throw-away service */
#define SUGGEST_F_FREEMAIL	(1u<<2)	/* domain of a known mail provider */
#define SUGGEST_F_REGIONAL	(1u<<3)	/* real domain on the allow-list */
#define SUGGEST_F_TYPO		(1u<<4)	/* domain or letters mistyped */
#define SUGGEST_F_LAYOUT	(1u<<5)	/* typed in the Russian layout */
#define SUGGEST_F_SEPARATOR	(1u<<6)	/* punctuation, @ or dot wrong */
#define SUGGEST_F_EXTRACT	(1u<<7)	/* address taken out of other text */

/* The main reason for a suggestion.  The machine names are stable. */
typedef enum {
    SUGGEST_NONE = 0,
    SUGGEST_TYPO_MAP,			/* a listed misspelling: gmial.com */
    SUGGEST_TLD,			/* zone slip: mail.ry, gmail.con */
    SUGGEST_DISTANCE,			/* one or two keys off a provider */
    SUGGEST_LOOKALIKE,			/* Cyrillic letters that look Latin */
    SUGGEST_LAYOUT,			/* ЙЦУКЕН layout was on */
    SUGGEST_COMMA,			/* mail,ru */
    SUGGEST_SPACES,			/* ivan @ mail.ru */
    SUGGEST_DOTS,			/* ivan..petrov@, ivan@.mail.ru */
    SUGGEST_DOUBLE_AT,			/* ivan@@mail.ru */
    SUGGEST_PUNCT,			/* 'ivan@mail.ru', ivan@mail.ru; */
    SUGGEST_DOTLESS,			/* ivan@mailru, ivan@gmail */
    SUGGEST_MISSING_AT,			/* ivan mail.ru, ivan2mail.ru */
    SUGGEST_AT_WORD,			/* ivan собака mail.ru, ivan[at]x.ru */
    SUGGEST_DISPLAY_NAME,		/* Ivan <ivan@mail.ru> */
    SUGGEST_COMMENT,			/* ivan@mail.ru (home) */
    SUGGEST_FIRST_OF_SEVERAL,		/* a@x.ru, b@y.ru */
    SUGGEST_RULE_COUNT			/* not a rule */
} SUGGEST_RULE;

typedef struct {
    unsigned flags;			/* SUGGEST_F_* */
    SUGGEST_RULE rule;			/* main reason, SUGGEST_NONE: none */
    int     distance;			/* edit distance of a domain fix */
    char    address[ADDR_ADDRESS_MAX + 1];	/* suggestion, A-label form */
    char    display[ADDR_DISPLAY_MAX + 1];	/* suggestion, for display */
} SUGGESTION;

extern SUGGEST *suggest_load(const char *datadir, char *err, size_t errlen);
extern void suggest_free(SUGGEST *);
extern int suggest_check(const SUGGEST *, const char *raw_input, size_t len,
			         const ADDR *parsed, SUGGESTION *out);

extern const char *suggest_rule_name(int rule);
extern const char *suggest_rule_text(int rule, const char *lang);
extern const char *suggest_flag_name(unsigned flag);

#endif
