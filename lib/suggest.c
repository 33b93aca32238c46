/*++
 * NAME
 *	suggest 3
 * SUMMARY
 *	typo, keyboard-layout and separator suggestions; role, disposable
 *	and free-mail flags
 * SYNOPSIS
 *	#include "suggest.h"
 *
 *	SUGGEST	*suggest_load(const char *datadir, char *err, size_t errlen)
 *	void	suggest_free(SUGGEST *sg)
 *	int	suggest_check(const SUGGEST *sg, const char *raw_input,
 *				size_t len, const ADDR *parsed, SUGGESTION *out)
 *
 *	const char *suggest_rule_name(int rule)
 *	const char *suggest_rule_text(int rule, const char *lang)
 *	const char *suggest_flag_name(unsigned flag)
 * DESCRIPTION
 *	This module proposes; it never rewrites.  What a salesperson typed
 *	stays as typed until a person accepts a suggestion.
 *
 *	suggest_load() reads the lists in datadir (see suggest_load.c for
 *	the files and their format): known providers, real regional
 *	domains, disposable services, role local parts, a typo map.
 *
 *	suggest_check() looks at one address: the text as typed (len
 *	octets, needed to repair what does not parse) and, when the caller
 *	has it, the result of addr_parse() on it (NULL: parse here).  It
 *	fills out and returns 1 when out->address holds a suggestion, 0
 *	when it does not.  out->flags describe the parsed address when it
 *	is valid, and the suggested one when it is not; the TYPO, LAYOUT,
 *	SEPARATOR and EXTRACT flags say what the suggestion fixes and
 *	out->rule names the main fix.
 *
 *	For a valid address: a domain that is a provider, a regional
 *	domain or a disposable one is left alone.  Any other is checked
 *	against the typo map, the zone slips, then every provider whose
 *	name before the first dot has at least four letters by
 *	Damerau-Levenshtein distance (optimal string alignment): at most 1
 *	for providers of up to 9 characters, at most 2 for longer ones.
 *	Deleting, inserting or swapping a character costs 1; so does
 *	typing a neighbouring key on a QWERTY keyboard, one vowel for
 *	another, or 0 for o and 1 for l; any other substitution costs 2, so
 *	that a real word one letter away ("main.ru", n and l far apart) is
 *	not taken for a slip of "mail.ru".  Ties go to the provider listed
 *	first, and a provider name with a different zone is left to the
 *	slip table, so yandex.kz is never turned into yandex.ru.  A domain
 *	is compared only with providers within two characters of its
 *	length whose character sets differ by at most the distance, so an
 *	unknown company domain costs a few hash lookups and rarely a
 *	distance computation.  Cyrillic look-alike letters (mаil.ru with a
 *	Cyrillic а) and a domain typed in the Russian layout are mapped to
 *	Latin when the result is a known domain.  In the local part, a mix
 *	of Latin and Cyrillic look-alike letters is mapped to Latin, and a
 *	Cyrillic local part at a provider (which only has ASCII mailboxes)
 *	that reads as Russian-layout gibberish ("ефтглш") is mapped back.
 *
 *	Text that does not parse is repaired (suggest_repair.c): the
 *	address is taken out of a display name, comment or list; visible
 *	punctuation slips are fixed; a missing dot or "@" is put back;
 *	last, the text is read as typed in the Russian layout.  The result
 *	is checked for typos as above.
 *
 *	suggest_rule_name() and suggest_rule_text() name a rule and explain
 *	it in Russian (lang starting with "ru") or English, from one table;
 *	suggest_flag_name() names one SUGGEST_F_* bit.
 * MEMORY
 *	suggest_load() returns a SUGGEST the caller frees with
 *	suggest_free().  It is read-only after loading: threads may share
 *	it.  suggest_check() allocates nothing; out is the caller's.
 * DIAGNOSTICS
 *	suggest_check() returns 0 for a NULL SUGGEST.  For the loader's
 *	errors see suggest_load.c.
 *--*/

#include "config.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "addr.h"
#include "keymap.h"
#include "strmap.h"
#include "suggest.h"
#include "suggest_int.h"

static const struct {
    const char *name;
    const char *en;
    const char *ru;
}       sg_rules[SUGGEST_RULE_COUNT] = {
    [SUGGEST_NONE] = {"none", "", ""},
    [SUGGEST_TYPO_MAP] = {"known_typo",
	"The domain is a common misspelling of a mail provider.",
    "Домен — частая опечатка в имени почтового сервиса."},
    [SUGGEST_TLD] = {"zone_typo",
	"The zone at the end of the domain (.ru, .com) looks mistyped.",
    "Похоже, опечатка в зоне домена (.ru, .com)."},
    [SUGGEST_DISTANCE] = {"domain_typo",
	"The domain looks like a mail provider's name with a typo.",
    "Домен похож на имя почтового сервиса с опечаткой."},
    [SUGGEST_LOOKALIKE] = {"lookalike_letters",
	"Some letters are Cyrillic ones that look like Latin letters.",
    "Часть букв набрана кириллицей, похожей на латиницу."},
    [SUGGEST_LAYOUT] = {"keyboard_layout",
	"The address was typed with the Russian keyboard layout on.",
    "Адрес набран в русской раскладке клавиатуры."},
    [SUGGEST_COMMA] = {"comma",
	"A comma stands where a dot belongs.",
    "Запятая вместо точки."},
    [SUGGEST_SPACES] = {"spaces",
	"There are stray spaces or invisible characters in the address.",
    "В адресе лишние пробелы или невидимые символы."},
    [SUGGEST_DOTS] = {"dots",
	"There are extra or misplaced dots.",
    "В адресе лишние точки."},
    [SUGGEST_DOUBLE_AT] = {"double_at",
	"The @ sign is doubled.",
    "Знак @ набран дважды."},
    [SUGGEST_PUNCT] = {"punctuation",
	"There are quotes or punctuation around the address.",
    "Вокруг адреса лишние кавычки или знаки препинания."},
    [SUGGEST_DOTLESS] = {"missing_dot",
	"The dot before the zone is missing.",
    "Пропущена точка перед зоной."},
    [SUGGEST_MISSING_AT] = {"missing_at",
	"The @ sign is missing or mistyped.",
    "Знак @ пропущен или набран неверно."},
    [SUGGEST_AT_WORD] = {"at_word",
	"The @ sign is written as a word.",
    "Знак @ записан словом («собака», at)."},
    [SUGGEST_DISPLAY_NAME] = {"display_name",
	"A name was entered together with the address.",
    "Вместе с адресом введено имя."},
    [SUGGEST_COMMENT] = {"comment",
	"Text in parentheses was entered together with the address.",
    "Вместе с адресом введён текст в скобках."},
    [SUGGEST_FIRST_OF_SEVERAL] = {"first_of_several",
	"Several addresses were entered; this is the first.",
    "Введено несколько адресов; предложен первый."},
};

static const char *const sg_flag_names[] = {
    "role", "disposable", "freemail", "regional",
    "typo", "layout", "separator", "extract",
};

#define SG_MAX_DIST	2

/* suggest_rule_name - stable machine name of a rule */

const char *suggest_rule_name(int rule)
{
    if (rule < 0 || rule >= SUGGEST_RULE_COUNT)
	return ("unknown");
    return (sg_rules[rule].name);
}

/* suggest_rule_text - why a suggestion was made, Russian or English */

const char *suggest_rule_text(int rule, const char *lang)
{
    if (rule < 0 || rule >= SUGGEST_RULE_COUNT)
	rule = SUGGEST_NONE;
    if (lang != NULL && (lang[0] | 0x20) == 'r' && (lang[1] | 0x20) == 'u')
	return (sg_rules[rule].ru);
    return (sg_rules[rule].en);
}

/* suggest_flag_name - name of one SUGGEST_F_* bit, or NULL */

const char *suggest_flag_name(unsigned flag)
{
    for (size_t i = 0; i < sizeof(sg_flag_names) / sizeof(sg_flag_names[0]); i++)
	if (flag == (1u << i))
	    return (sg_flag_names[i]);
    return (NULL);
}

/* suggest_mask - the set of characters in a domain, as bits */

uint64_t suggest_mask(const char *s, size_t n)
{
    uint64_t m = 0;

    for (size_t i = 0; i < n; i++) {
	unsigned c = (unsigned char) s[i];
	unsigned bit = c >= 'a' && c <= 'z' ? c - 'a'
	    : c >= '0' && c <= '9' ? 26 + c - '0'
	    : c == '-' ? 36 : c == '.' ? 37 : 38;

	m |= (uint64_t) 1 << bit;
    }
    return (m);
}

/* sg_popcount - bits set */

static int sg_popcount(uint64_t m)
{
    m = m - ((m >> 1) & 0x5555555555555555ULL);
    m = (m & 0x3333333333333333ULL) + ((m >> 2) & 0x3333333333333333ULL);
    m = (m + (m >> 4)) & 0x0F0F0F0F0F0F0F0FULL;
    return ((int) ((m * 0x0101010101010101ULL) >> 56));
}

/*
 * Where each key is on a QWERTY keyboard: row * 16 + column, rows
 * staggered as on the real thing.  0: not a key we place.
 */
#define SG_KEY(row, col) ((row) * 16 + (col) + 1)
static const unsigned char sg_keys[128] = {
    ['1'] = SG_KEY(0, 0), ['2'] = SG_KEY(0, 1), ['3'] = SG_KEY(0, 2),
    ['4'] = SG_KEY(0, 3), ['5'] = SG_KEY(0, 4), ['6'] = SG_KEY(0, 5),
    ['7'] = SG_KEY(0, 6), ['8'] = SG_KEY(0, 7), ['9'] = SG_KEY(0, 8),
    ['0'] = SG_KEY(0, 9), ['-'] = SG_KEY(0, 10),
    ['q'] = SG_KEY(1, 0), ['w'] = SG_KEY(1, 1), ['e'] = SG_KEY(1, 2),
    ['r'] = SG_KEY(1, 3), ['t'] = SG_KEY(1, 4), ['y'] = SG_KEY(1, 5),
    ['u'] = SG_KEY(1, 6), ['i'] = SG_KEY(1, 7), ['o'] = SG_KEY(1, 8),
    ['p'] = SG_KEY(1, 9),
    ['a'] = SG_KEY(2, 0), ['s'] = SG_KEY(2, 1), ['d'] = SG_KEY(2, 2),
    ['f'] = SG_KEY(2, 3), ['g'] = SG_KEY(2, 4), ['h'] = SG_KEY(2, 5),
    ['j'] = SG_KEY(2, 6), ['k'] = SG_KEY(2, 7), ['l'] = SG_KEY(2, 8),
    ['z'] = SG_KEY(3, 0), ['x'] = SG_KEY(3, 1), ['c'] = SG_KEY(3, 2),
    ['v'] = SG_KEY(3, 3), ['b'] = SG_KEY(3, 4), ['n'] = SG_KEY(3, 5),
    ['m'] = SG_KEY(3, 6), ['.'] = SG_KEY(3, 8),
};

static const char sg_vowel[128] = {
    ['a'] = 1, ['e'] = 1, ['i'] = 1, ['o'] = 1, ['u'] = 1, ['y'] = 1,
};

/*
 * sg_subst_cost - what typing b for a costs: 1 for the slips people make
 * (a neighbouring key, one vowel for another, 0 for o, 1 for l or i),
 * 2 for anything else, so that "main.ru" is not one slip from "mail.ru".
 */

static int sg_subst_cost(unsigned a, unsigned b)
{
    static const char *const alike[] = {"0o", "1l", "1i"};
    int     ka, kb, dr, dc;

    if (a >= 128 || b >= 128)
	return (2);
    if (sg_vowel[a] && sg_vowel[b])
	return (1);
    for (size_t i = 0; i < sizeof(alike) / sizeof(alike[0]); i++)
	if ((a == (unsigned) alike[i][0] && b == (unsigned) alike[i][1])
	    || (b == (unsigned) alike[i][0] && a == (unsigned) alike[i][1]))
	    return (1);
    if ((ka = sg_keys[a]) == 0 || (kb = sg_keys[b]) == 0)
	return (2);
    ka--, kb--;
    dr = kb / 16 - ka / 16;
    dc = kb % 16 - ka % 16;
    /* Same row: next key.  Row below: same column or one to the left. */
    if ((dr == 0 && (dc == 1 || dc == -1))
	|| (dr == 1 && (dc == 0 || dc == -1))
	|| (dr == -1 && (dc == 0 || dc == 1)))
	return (1);
    return (2);
}

/* suggest_subst_init - fill the substitution cost table */

void    suggest_subst_init(SUGGEST *sg)
{
    for (unsigned a = 0; a < 128; a++)
	for (unsigned b = 0; b < 128; b++)
	    sg->subst[a][b] = (unsigned char) (a == b ? 0 : sg_subst_cost(a, b));
}

/*
 * sg_osa - optimal string alignment distance, with keyboard-aware
 * substitutions (the table sg_subst_cost() fills), or limit + 1 once it
 * must exceed limit.
 * Both strings are at most ADDR_DOMAIN_MAX octets.  Every step off the
 * diagonal costs at least 1, so only a band of limit cells either side of
 * it can matter: the rest is never computed (and reads as "too far").
 */

static int sg_osa(const SUGGEST *sg, const char *a, size_t an,
		          const char *b, size_t bn, int limit)
{
    enum {
	FAR = 1 << 20,
    };
    int     rows[3][ADDR_DOMAIN_MAX + 2];
    int    *pp = rows[0], *p = rows[1], *c = rows[2];
    size_t  k = (size_t) limit;

    if (an > ADDR_DOMAIN_MAX || bn > ADDR_DOMAIN_MAX
	|| (an > bn ? an - bn : bn - an) > k)
	return (limit + 1);
    for (size_t j = 0; j <= bn; j++)
	p[j] = j <= k ? (int) j : FAR;
    for (size_t i = 1; i <= an; i++) {
	size_t  lo = i > k ? i - k : 1;
	size_t  hi = i + k < bn ? i + k : bn;
	int     best;

	c[0] = i <= k ? (int) i : FAR;
	c[lo - 1] = lo > 1 ? FAR : c[0];
	best = c[lo - 1];
	for (size_t j = lo; j <= hi; j++) {
	    unsigned char ca = (unsigned char) a[i - 1], cb = (unsigned char) b[j - 1];
	    int     cost = ca == cb ? 0 : (ca | cb) >= 128 ? 2 : sg->subst[ca][cb];
	    int     v = p[j - 1] + cost;

	    if (p[j] + 1 < v)
		v = p[j] + 1;
	    if (c[j - 1] + 1 < v)
		v = c[j - 1] + 1;
	    if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1]
		&& pp[j - 2] + 1 < v)
		v = pp[j - 2] + 1;
	    c[j] = v;
	    if (v < best)
		best = v;
	}
	if (hi < bn)
	    c[hi + 1] = FAR;			/* the next row reads one further */
	if (best > limit)
	    return (limit + 1);
	int    *t = pp;

	pp = p, p = c, c = t;
    }
    return (p[bn] > limit ? limit + 1 : p[bn]);
}

/* suggest_domain - what the lists say about a domain: SG_D_ bits, or 0 */

int     suggest_domain(const SUGGEST *sg, const char *d, size_t n)
{
    int     v;

    return (strmap_get(sg->domains, d, n, &v) ? v : 0);
}

/* sg_parent_disposable - is a parent domain (not the zone) disposable? */

static bool sg_parent_disposable(const SUGGEST *sg, const char *d, size_t n)
{
    const char *dot;

    while ((dot = memchr(d, '.', n)) != NULL) {
	n -= (size_t) (dot + 1 - d);
	d = dot + 1;
	if (memchr(d, '.', n) == NULL)		/* stop at the zone */
	    return (false);
	if (suggest_domain(sg, d, n) & SG_D_DISPOSABLE)
	    return (true);
    }
    return (false);
}

/* suggest_known - a provider or a regional domain */

bool    suggest_known(const SUGGEST *sg, const char *d, size_t n)
{
    int     v = suggest_domain(sg, d, n);

    return (SG_D_PROV(v) || (v & SG_D_REGIONAL));
}

/* suggest_real - a domain that is never corrected */

bool    suggest_real(const SUGGEST *sg, const char *d, size_t n)
{
    int     v = suggest_domain(sg, d, n);

    return (SG_D_PROV(v) || (v & (SG_D_REGIONAL | SG_D_DISPOSABLE))
	    || sg_parent_disposable(sg, d, n));
}

/* sg_role - is the (case-folded) local part a role? */

static bool sg_role(const SUGGEST *sg, const char *local, size_t n)
{
    const char *plus;

    if (strmap_get(sg->roles, local, n, NULL))
	return (true);
    return ((plus = memchr(local, '+', n)) != NULL
	    && strmap_get(sg->roles, local, (size_t) (plus - local), NULL));
}

/* sg_describe - role, disposable, free-mail and regional flags */

static unsigned sg_describe(const SUGGEST *sg, const ADDR *a)
{
    unsigned f = 0;

    if (sg_role(sg, a->key, a->local_len))
	f |= SUGGEST_F_ROLE;
    int     v = suggest_domain(sg, a->domain, a->domain_len);

    if (SG_D_PROV(v))
	f |= SUGGEST_F_FREEMAIL;
    else if ((v & SG_D_DISPOSABLE)
	     || sg_parent_disposable(sg, a->domain, a->domain_len))
	f |= SUGGEST_F_DISPOSABLE;
    if (v & SG_D_REGIONAL)
	f |= SUGGEST_F_REGIONAL;
    return (f);
}

/* suggest_note - record a fix; the first one names the suggestion */

void    suggest_note(SG_CTX *ctx, unsigned flag, SUGGEST_RULE rule)
{
    ctx->flags |= flag;
    if (ctx->rule == SUGGEST_NONE)
	ctx->rule = rule;
}

/*
 * suggest_typo - the provider a domain that is not real was meant to be, or
 * -1.  d is lower case ASCII.
 */

int     suggest_typo(const SUGGEST *sg, const char *d, size_t n,
		           SUGGEST_RULE *rule, int *dist)
{
    const char *dot = NULL;
    int     best = -1, best_dist = SG_MAX_DIST + 1;
    size_t  from, to;
    uint64_t mask;
    int     v;

    if (n == 0 || n > ADDR_DOMAIN_MAX)
	return (-1);
    if ((v = SG_D_TYPO(suggest_domain(sg, d, n))) != 0) {
	v--;
	*rule = SUGGEST_TYPO_MAP;
	*dist = sg_osa(sg, d, n, sg->prov[v].name, sg->prov[v].len, 9);
	return (v);
    }
    for (size_t i = n; i > 0; i--)
	if (d[i - 1] == '.') {
	    dot = d + i - 1;
	    break;
	}
    if (dot != NULL && strmap_get(sg->zones, dot, (size_t) (d + n - dot), &v)) {
	char    fixed[ADDR_DOMAIN_MAX + 1];
	size_t  head = (size_t) (dot - d);
	size_t  zlen = strlen(sg->zonefix[v]);
	int     p;

	if (head + zlen <= ADDR_DOMAIN_MAX) {
	    memcpy(fixed, d, head);
	    memcpy(fixed + head, sg->zonefix[v], zlen);
	}
	if (head + zlen <= ADDR_DOMAIN_MAX
	    && (p = SG_D_PROV(suggest_domain(sg, fixed, head + zlen))) != 0) {
	    p--;
	    *rule = SUGGEST_TLD;
	    *dist = sg_osa(sg, d, n, sg->prov[p].name, sg->prov[p].len, 9);
	    return (p);
	}
    }
    if (n > sg->maxlen + SG_MAX_DIST)
	return (-1);
    mask = suggest_mask(d, n);
    from = sg->lenpos[n > SG_MAX_DIST ? n - SG_MAX_DIST : 0];
    to = n + SG_MAX_DIST + 1;
    to = sg->lenpos[to <= sg->maxlen + 1 ? to : sg->maxlen + 1];
    for (size_t o = from; o < to; o++) {
	int     i = sg->order[o];
	const SG_PROVIDER *pv = sg->prov + i;
	int     k = pv->maxdist;
	int     dd;

	/*
	 * Cheap bounds first: each edit changes the length by at most one,
	 * and brings in or takes out at most one character of either set.
	 */
	if (k == 0 || (n > pv->len ? n - pv->len : pv->len - n) > (size_t) k
	    || sg_popcount(mask & ~pv->mask) > k
	    || sg_popcount(pv->mask & ~mask) > k)
	    continue;
	/* Same name in another zone: only the slip table may say so. */
	if (dot != NULL && (size_t) (dot - d) == pv->zone_at
	    && memcmp(d, pv->name, pv->zone_at) == 0)
	    continue;
	dd = sg_osa(sg, d, n, pv->name, pv->len, k);
	if (dd <= k && (dd < best_dist || (dd == best_dist && i < best))) {
	    best = i;				/* ties: the provider listed first */
	    best_dist = dd;
	}
    }
    if (best >= 0) {
	*rule = SUGGEST_DISTANCE;
	*dist = best_dist;
    }
    return (best);
}

/* suggest_lower_ascii - lower-case ASCII letters in place */

void    suggest_lower_ascii(char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
	if (s[i] >= 'A' && s[i] <= 'Z')
	    s[i] += 32;
}

/*
 * sg_gibberish - does a Cyrillic local part read as layout gibberish
 * whose Latin mapping reads like a word?  Russian text is about 40 %
 * vowels; "ефтглш" has one in six, "tanuki" three.
 */

static bool sg_gibberish(const char *cyr, size_t cn, const char *lat, size_t ln)
{
    static const unsigned ru_vowels[] = {
	0x430, 0x435, 0x451, 0x438, 0x43E, 0x443, 0x44B, 0x44D, 0x44E, 0x44F,
    };
    int     cv = 0, cl = 0, lv = 0, ll = 0;

    for (size_t i = 0; i < cn;) {
	unsigned cp;
	size_t  k = addr_utf8_decode((const unsigned char *) cyr + i, cn - i, &cp);

	if (k == 0)
	    return (false);
	cp = addr_fold_case(cp);
	if (cp >= 0x430 && cp <= 0x45F) {
	    cl++;
	    for (size_t j = 0; j < sizeof(ru_vowels) / sizeof(ru_vowels[0]); j++)
		cv += (cp == ru_vowels[j]);
	}
	i += k;
    }
    for (size_t i = 0; i < ln; i++) {
	int     c = lat[i] | 0x20;

	if (c >= 'a' && c <= 'z') {
	    ll++;
	    lv += (strchr("aeiouy", c) != NULL);
	}
    }
    return (cl >= 3 && ll >= 3 && cv * 10 < cl * 3 && lv * 4 >= ll);
}

/*
 * sg_improve - the address a valid one was probably meant to be: fixes
 * the domain (typo, look-alikes, layout) and the local part (look-alikes,
 * layout).  real says the domain is on a list (the caller knows that
 * already).  Writes local@domain into buf (ADDR_INPUT_MAX + 1 octets),
 * sets ctx->known, returns true if anything changed.
 */

static bool sg_improve(const SUGGEST *sg, const ADDR *a, bool real,
		               SG_CTX *ctx, char *buf)
{
    char    dbuf[ADDR_UDOMAIN_MAX + 1];
    char    lbuf[ADDR_LOCAL_MAX * 4 + 1];
    const char *dom = a->domain;
    size_t  dlen = a->domain_len;
    const char *loc = a->local;
    size_t  llen = a->local_len;
    bool    changed = false;
    unsigned info;
    size_t  n;

    ctx->known = real;
    if (!ctx->known) {
	SUGGEST_RULE rule = SUGGEST_NONE;
	int     dist = 0;
	int     p = suggest_typo(sg, dom, dlen, &rule, &dist);

	if (p >= 0) {
	    dom = sg->prov[p].name;
	    dlen = sg->prov[p].len;
	    suggest_note(ctx, SUGGEST_F_TYPO, rule);
	    ctx->distance = dist;
	    ctx->known = changed = true;
	} else if (a->flags & ADDR_F_IDN) {
	    size_t  ulen = strlen(a->udomain);

	    n = keymap_lookalike(a->udomain, ulen, dbuf, sizeof(dbuf), &info);
	    if (n > 0 && (info & KEYMAP_ASCII) && suggest_known(sg, dbuf, n)) {
		suggest_note(ctx, SUGGEST_F_TYPO, SUGGEST_LOOKALIKE);
	    } else {
		n = keymap_ru_qwerty(a->udomain, ulen, dbuf, sizeof(dbuf), &info);
		if (n > 0 && (info & KEYMAP_ASCII) && suggest_known(sg, dbuf, n))
		    suggest_note(ctx, SUGGEST_F_LAYOUT, SUGGEST_LAYOUT);
		else
		    n = 0;
	    }
	    if (n > 0) {
		dom = dbuf;
		dlen = n;
		ctx->known = changed = true;
	    }
	}
    }
    if (a->flags & ADDR_F_UTF8_LOCAL) {
	n = keymap_lookalike(loc, llen, lbuf, sizeof(lbuf), &info);
	if (n > 0 && (info & KEYMAP_MIXED) && (info & KEYMAP_ASCII)) {
	    suggest_note(ctx, SUGGEST_F_TYPO, SUGGEST_LOOKALIKE);
	    loc = lbuf, llen = n;
	    changed = true;
	} else if ((a->flags & ADDR_F_QUOTED) == 0
		   && SG_D_PROV(suggest_domain(sg, dom, dlen))
		   && (n = keymap_ru_qwerty(loc, llen, lbuf, sizeof(lbuf), &info)) > 0
		   && (info & KEYMAP_ASCII) && !(info & KEYMAP_MIXED)
		   && sg_gibberish(loc, llen, lbuf, n)) {
	    suggest_note(ctx, SUGGEST_F_LAYOUT, SUGGEST_LAYOUT);
	    loc = lbuf, llen = n;
	    changed = true;
	}
    }
    memcpy(buf, loc, llen);
    buf[llen] = '@';
    memcpy(buf + llen + 1, dom, dlen);
    buf[llen + 1 + dlen] = 0;
    return (changed);
}

/*
 * sg_emit - fill out from a suggested address; 0 if it does not parse.
 * The flags describe the suggestion, unless *describe is given (those of
 * a valid input).
 */

static int sg_emit(const SUGGEST *sg, const char *text, const SG_CTX *ctx,
		           const unsigned *describe, SUGGESTION *out)
{
    ADDR    b;

    if (addr_parse(text, strlen(text), &b) != ADDR_OK)
	return (0);
    memcpy(out->address, b.address, b.address_len + 1);
    strcpy(out->display, b.display);
    out->flags = (describe ? *describe : sg_describe(sg, &b)) | ctx->flags;
    out->rule = ctx->rule;
    out->distance = ctx->distance;
    return (1);
}

/* suggest_try - accept a repaired text if it parses (and lands where it must) */

int     suggest_try(const SUGGEST *sg, const char *t, size_t n,
		          const SG_CTX *ctx, SUGGESTION *out)
{
    char    buf[ADDR_INPUT_MAX + 1];
    SG_CTX  c = *ctx;
    ADDR    a;

    if (addr_parse(t, n, &a) != ADDR_OK)
	return (0);
    (void) sg_improve(sg, &a, suggest_real(sg, a.domain, a.domain_len), &c, buf);
    if (c.need_known && !c.known)
	return (0);
    return (sg_emit(sg, buf, &c, NULL, out));
}

/* suggest_check - flags and at most one suggestion for one address */

int     suggest_check(const SUGGEST *sg, const char *raw, size_t len,
		              const ADDR *parsed, SUGGESTION *out)
{
    char    buf[ADDR_INPUT_MAX + 1];
    SG_CTX  ctx = {0};
    unsigned flags;
    bool    real;
    ADDR    own;

    out->flags = 0;
    out->rule = SUGGEST_NONE;
    out->distance = 0;
    out->address[0] = out->display[0] = 0;
    if (sg == NULL)
	return (0);
    if (parsed == NULL) {
	(void) addr_parse(raw, raw ? len : 0, &own);
	parsed = &own;
    }
    if (parsed->reason != ADDR_OK)
	return (raw ? suggest_repair(sg, raw, len, out) : 0);

    flags = sg_describe(sg, parsed);
    out->flags = flags;
    real = (flags & (SUGGEST_F_FREEMAIL | SUGGEST_F_REGIONAL
		     | SUGGEST_F_DISPOSABLE)) != 0;
    if (!sg_improve(sg, parsed, real, &ctx, buf)
	|| !sg_emit(sg, buf, &ctx, &flags, out)) {
	out->flags = flags;
	out->rule = SUGGEST_NONE;
	return (0);
    }
    return (1);
}
