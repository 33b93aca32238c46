/*++
 * NAME
 *	suggest_repair 3
 * SUMMARY
 *	suggestions for text that does not parse as an address
 * SYNOPSIS
 *	#include "suggest_int.h"
 *
 *	int	suggest_repair(const SUGGEST *sg, const char *raw, size_t len,
 *				SUGGESTION *out)
 * DESCRIPTION
 *	suggest_repair() is suggest_check()'s half for input that
 *	addr_parse() refused.  Repairs are tried in this order, and the
 *	first that gives a valid address wins; that address is then checked
 *	for typos like any other (suggest_try()):
 * .IP 1.
 *	the address inside a display name ("Иван <ivan@mail.ru>"), the
 *	text without its comments ("ivan@mail.ru (дом)"), the first of a
 *	list ("a@x.ru, b@y.ru") or the one address after capitalized name
 *	words ("Иван Петров ivan@mail.ru");
 * .IP 2.
 *	punctuation a person can see is wrong: quotes and commas around
 *	the text, spaces and invisible characters around "@" or ".", "@@",
 *	"..", a comma or semicolon in the domain;
 * .IP 3.
 *	a missing dot: ivan@mailru, ivan@gmail, ivan@mail ru;
 * .IP 4.
 *	a missing or mistyped "@": ivan собака mail.ru, ivan[at]x[dot]ru,
 *	ivan mail.ru, ivan2mail.ru (no Shift), ivan"mail.ru (Russian
 *	Shift-2), ivanmail.ru;
 * .IP 5.
 *	the whole text as typed in the Russian layout, then 2 to 4 again
 *	on the result.
 * .PP
 *	A guess (a missing dot, or some character standing for "@") must
 *	land on a known domain or a typo of one; the unambiguous repairs
 *	need not.  Input with NUL or other control characters, or longer
 *	than ADDR_INPUT_MAX, gets no suggestion.
 * MEMORY
 *	Work buffers are on the stack (a few times ADDR_INPUT_MAX).
 *--*/

#include "config.h"

#include <stdbool.h>
#include <string.h>
#include <strings.h>

#include "addr.h"
#include "keymap.h"
#include "strmap.h"
#include "suggest.h"
#include "suggest_int.h"

/* Words people write for "@" and ".", and what they stand for. */
static const struct {
    const char *word;
    char    sign;
} sg_at_words[] = {
    {"(собака)", '@'}, {"[собака]", '@'}, {"{собака}", '@'}, {"собака", '@'},
    {"(at)", '@'}, {"[at]", '@'}, {"{at}", '@'}, {" at ", '@'},
    {"(dot)", '.'}, {"[dot]", '.'}, {"{dot}", '.'}, {" dot ", '.'},
    {"(точка)", '.'}, {"[точка]", '.'}, {" точка ", '.'},
    {"%40", '@'},			/* a URL-encoded @ */
};

/* The first octets of those words: most positions need no compare. */
static const char sg_at_first[256] = {
    ['('] = 1, ['['] = 1, ['{'] = 1, [' '] = 1, ['%'] = 1,
    [0xD1] = 1,				/* с, т: собака, точка */
};

/* Characters typed in place of "@": no Shift (2), Russian Shift-2 ("). */
static const char sg_at_slips[] = " ,;.2\"#!&*%^$'";

/* sg_lookup_domain - is text (any case) a real domain or a typo of one? */

static bool sg_lookup_domain(const SUGGEST *sg, const char *t, size_t n)
{
    char    d[ADDR_DOMAIN_MAX + 1];
    SUGGEST_RULE rule;
    int     dist;

    if (n == 0 || n > ADDR_DOMAIN_MAX || memchr(t, '.', n) == NULL)
	return (false);
    memcpy(d, t, n);
    suggest_lower_ascii(d, n);
    return (suggest_real(sg, d, n) || suggest_typo(sg, d, n, &rule, &dist) >= 0);
}

/* sg_is_space - white space at t[i] (ASCII or no-break): its length */

static size_t sg_is_space(const char *t, size_t n, size_t i)
{
    if (t[i] == ' ' || t[i] == '\t' || t[i] == '\r' || t[i] == '\n')
	return (1);
    if (i + 1 < n && (unsigned char) t[i] == 0xC2 && (unsigned char) t[i + 1] == 0xA0)
	return (2);
    return (0);
}

/* sg_invisible_len - a zero-width or direction character at t[i] */

static size_t sg_invisible_len(const char *t, size_t n, size_t i)
{
    unsigned cp;
    size_t  k;

    if ((unsigned char) t[i] < 0x80
	|| (k = addr_utf8_decode((const unsigned char *) t + i, n - i, &cp)) == 0)
	return (0);
    if ((cp >= 0x200B && cp <= 0x200F) || (cp >= 0x202A && cp <= 0x202E)
	|| (cp >= 0x2060 && cp <= 0x2064) || cp == 0xFEFF || cp == 0x00AD)
	return (k);
    return (0);
}

/* sg_junk_len - length of quote or punctuation pasted at an end, or 0 */

static size_t sg_junk_len(const char *t, size_t n, size_t i, bool lead)
{
    /* ASCII junk: 1 at the start, 2 at the end, 3 at either. */
    static const char ascii[128] = {
	[' '] = 3, ['\t'] = 3, ['\r'] = 3, ['\n'] = 3, ['"'] = 3, ['\''] = 3,
	['`'] = 3, [','] = 3, [';'] = 3, [':'] = 3, ['.'] = 3,
	['<'] = 1, ['('] = 1, ['['] = 1, ['{'] = 1,
	['>'] = 2, [')'] = 2, [']'] = 2, ['}'] = 2, ['!'] = 2, ['?'] = 2, ['@'] = 2,
    };
    static const struct {
	const char *s;
	size_t  len;
    }       multi[] = {
	{"«", 2}, {"»", 2}, {"“", 3}, {"”", 3}, {"„", 3}, {"‘", 3}, {"’", 3},
	{"\xC2\xA0", 2},
    };
    unsigned char c = (unsigned char) t[i];

    if (c < 0x80)
	return ((ascii[c] & (lead ? 1 : 2)) ? 1 : 0);
    for (size_t j = 0; j < sizeof(multi) / sizeof(multi[0]); j++) {
	size_t  k = multi[j].len;

	if (lead ? (i + k <= n && memcmp(t + i, multi[j].s, k) == 0)
	    : (i + 1 >= k && memcmp(t + i + 1 - k, multi[j].s, k) == 0))
	    return (k);
    }
    return (0);
}

/*
 * sg_clean - the repairs that are never a guess: junk at the ends, spaces
 * around "@" and ".", "@@", "..", a comma in the domain.  Writes y
 * (ADDR_INPUT_MAX + 1 octets) and notes what it did.
 */

static size_t sg_clean(const char *t, size_t n, char *y, SG_CTX *ctx)
{
    size_t  s = 0, e = n, o = 0, k;
    const char *last_at = NULL;
    bool    comma = false, spaces = false, dots = false, dbl = false, punct = false;

    while (s < e && (k = sg_junk_len(t, e, s, true)) > 0) {
	if (t[s] == '.')
	    dots = true;
	else if (!sg_is_space(t, e, s))
	    punct = true;
	s += k;
    }
    while (e > s && (k = sg_junk_len(t, e, e - 1, false)) > 0) {
	if (t[e - 1] == '.' && e - 1 > s && t[e - 2] == '.')
	    dots = true;
	else if (t[e - 1] != '.' && !sg_is_space(t, e, e - k))
	    punct = true;
	e -= k;
    }
    for (size_t i = s; i < e; i++)
	if (t[i] == '@')
	    last_at = t + i;
    for (size_t i = s; i < e; i++) {
	char    c = t[i];

	if ((k = sg_invisible_len(t, e, i)) > 0) {
	    spaces = true;
	    i += k - 1;
	    continue;
	}
	if ((k = sg_is_space(t, e, i)) > 0) {
	    size_t  j = i + k;

	    while (j < e && sg_is_space(t, e, j))
		j += sg_is_space(t, e, j);
	    if ((o > 0 && (y[o - 1] == '@' || y[o - 1] == '.'))
		|| (j < e && (t[j] == '@' || t[j] == '.'))) {
		spaces = true;
		i = j - 1;
		continue;
	    }
	    memcpy(y + o, t + i, j - i);
	    o += j - i;
	    i = j - 1;
	    continue;
	}
	if (c == '@' && o > 0 && y[o - 1] == '@') {
	    dbl = true;
	    continue;
	}
	if (c == '@' && o > 0 && y[o - 1] == '.') {
	    dots = true;
	    y[o - 1] = '@';
	    continue;
	}
	if (c == '.' && o > 0 && (y[o - 1] == '.' || y[o - 1] == '@')) {
	    dots = true;
	    continue;
	}
	if ((c == ',' || c == ';') && last_at != NULL && t + i > last_at) {
	    comma = true;
	    c = '.';
	}
	y[o++] = c;
    }
    y[o] = 0;
    if (comma)
	suggest_note(ctx, SUGGEST_F_SEPARATOR, SUGGEST_COMMA);
    if (dbl)
	suggest_note(ctx, SUGGEST_F_SEPARATOR, SUGGEST_DOUBLE_AT);
    if (dots)
	suggest_note(ctx, SUGGEST_F_SEPARATOR, SUGGEST_DOTS);
    if (spaces)
	suggest_note(ctx, SUGGEST_F_SEPARATOR, SUGGEST_SPACES);
    if (punct)
	suggest_note(ctx, SUGGEST_F_SEPARATOR, SUGGEST_PUNCT);
    return (o);
}

/* sg_dotless - ivan@mailru, ivan@gmail, ivan@mail ru */

static int sg_dotless(const SUGGEST *sg, const char *y, size_t n,
		              const SG_CTX *ctx, SUGGESTION *out)
{
    char    cand[ADDR_INPUT_MAX + 1];
    char    d[ADDR_DOMAIN_MAX + 1];
    const char *at = NULL;
    size_t  dn = 0, head;
    bool    dot = false, space = false;
    SG_CTX  c = *ctx;
    int     p;

    for (size_t i = n; i > 0; i--)
	if (y[i - 1] == '@') {
	    at = y + i - 1;
	    break;
	}
    if (at == NULL)
	return (0);
    head = (size_t) (at - y) + 1;
    for (size_t i = head; i < n; i++) {
	if (y[i] == ' ') {
	    space = true;
	    if (dn > 0 && d[dn - 1] != '.')
		d[dn++] = '.';
	    continue;
	}
	if ((unsigned char) y[i] >= 0x80 || dn >= ADDR_DOMAIN_MAX - 1)
	    return (0);
	dot |= (y[i] == '.');
	d[dn++] = y[i];
    }
    suggest_lower_ascii(d, dn);
    if (!dot && !space) {
	if (!strmap_get(sg->joined, d, dn, &p))
	    return (0);
	memcpy(d, sg->prov[p].name, sg->prov[p].len);
	dn = sg->prov[p].len;
    } else if (!space || !suggest_known(sg, d, dn)) {
	return (0);
    }
    memcpy(cand, y, head);
    memcpy(cand + head, d, dn);
    suggest_note(&c, SUGGEST_F_SEPARATOR, SUGGEST_DOTLESS);
    return (suggest_try(sg, cand, head + dn, &c, out));
}

/* sg_at_word - ivan собака mail.ru, ivan[at]mail[dot]ru */

static int sg_at_word(const SUGGEST *sg, const char *y, size_t n,
		              const SG_CTX *ctx, SUGGESTION *out)
{
    char    cand[ADDR_INPUT_MAX + 1];
    size_t  o = 0;
    bool    found_at = false;
    SG_CTX  c = *ctx;

    for (size_t i = 0; i < n;) {
	size_t  j;

	if (!sg_at_first[(unsigned char) y[i]]) {
	    cand[o++] = y[i++];
	    continue;
	}
	for (j = 0; j < sizeof(sg_at_words) / sizeof(sg_at_words[0]); j++) {
	    const char *w = sg_at_words[j].word;
	    size_t  k;

	    if (w[0] != y[i] || (k = strlen(w)) > n - i)
		continue;
	    if (strncasecmp(y + i, w, k) == 0)
		break;
	}
	if (j < sizeof(sg_at_words) / sizeof(sg_at_words[0])) {
	    while (o > 0 && cand[o - 1] == ' ')
		o--;
	    cand[o++] = sg_at_words[j].sign;
	    found_at |= (sg_at_words[j].sign == '@');
	    i += strlen(sg_at_words[j].word);
	    while (i < n && y[i] == ' ')
		i++;
	    continue;
	}
	cand[o++] = y[i++];
    }
    if (!found_at)
	return (0);
    suggest_note(&c, SUGGEST_F_SEPARATOR, SUGGEST_AT_WORD);
    return (suggest_try(sg, cand, o, &c, out));
}

/* sg_missing_at - ivan mail.ru, ivan2mail.ru, ivan.mail.ru, ivanmail.ru */

static int sg_missing_at(const SUGGEST *sg, const char *y, size_t n,
			         const SG_CTX *ctx, SUGGESTION *out)
{
    char    cand[ADDR_INPUT_MAX + 1];
    char    tail[ADDR_DOMAIN_MAX + 1];
    SG_CTX  c = *ctx;
    size_t  best_len = 0, from;

    if (memchr(y, '@', n) != NULL || n == 0)
	return (0);
    if (sg_at_word(sg, y, n, ctx, out))
	return (1);
    suggest_note(&c, SUGGEST_F_SEPARATOR, SUGGEST_MISSING_AT);
    for (size_t i = 1; i + 1 < n; i++) {
	if (y[i] == 0 || strchr(sg_at_slips, y[i]) == NULL
	    || !sg_lookup_domain(sg, y + i + 1, n - i - 1))
	    continue;
	memcpy(cand, y, n);
	cand[i] = '@';
	if (suggest_try(sg, cand, n, &c, out))
	    return (1);
    }
    /* No sign at all: the longest provider the text ends with. */
    from = n > sg->maxlen ? n - sg->maxlen : 1;
    memcpy(tail, y + from, n - from);
    suggest_lower_ascii(tail, n - from);
    for (size_t i = from; i < n; i++) {
	if (SG_D_PROV(suggest_domain(sg, tail + (i - from), n - i))) {
	    best_len = n - i;
	    break;
	}
    }
    if (best_len == 0)
	return (0);
    memcpy(cand, y, n - best_len);
    cand[n - best_len] = '@';
    memcpy(cand + n - best_len + 1, y + n - best_len, best_len);
    c.need_known = true;
    return (suggest_try(sg, cand, n + 1, &c, out));
}

/* sg_repair_plain - punctuation, then a missing dot, then a missing @ */

static int sg_repair_plain(const SUGGEST *sg, const char *t, size_t n,
			           const SG_CTX *ctx, SUGGESTION *out)
{
    char    y[ADDR_INPUT_MAX + 1];
    SG_CTX  c = *ctx;
    size_t  yn = sg_clean(t, n, y, &c);

    return (suggest_try(sg, y, yn, &c, out)
	    || sg_dotless(sg, y, yn, &c, out)
	    || sg_missing_at(sg, y, yn, &c, out));
}

/* sg_contains_ci - does t hold w, ASCII case ignored? */

static bool sg_contains_ci(const char *t, size_t n, const char *w)
{
    size_t  k = strlen(w);

    for (size_t i = 0; i + k <= n; i++)
	if (strncasecmp(t + i, w, k) == 0)
	    return (true);
    return (false);
}

/* sg_capitalized - a word that starts with a capital (Latin, Cyrillic) */

static bool sg_capitalized(const char *w, size_t n)
{
    unsigned cp;

    if (n == 0 || addr_utf8_decode((const unsigned char *) w, n, &cp) == 0)
	return (false);
    return (addr_fold_case(cp) != cp);
}

/*
 * sg_extract - the address inside a display name, out of a comment, or
 * the first of a list.  Writes x and notes the fix; 0 if none applies.
 */

static size_t sg_extract(const char *t, size_t n, char *x, SG_CTX *ctx)
{
    const char *lt = NULL, *gt = NULL;
    size_t  o = 0;
    int     depth = 0, nat = 0, names = 0, words = 0;
    bool    paren = false;

    for (size_t i = 0; i < n; i++) {
	if (t[i] == '<')
	    lt = t + i, gt = NULL;
	else if (t[i] == '>' && lt != NULL && gt == NULL)
	    gt = t + i;
	else if (t[i] == '(')
	    paren = true;
	else if (t[i] == '@')
	    nat++;
    }
    if (lt != NULL && gt != NULL && memchr(lt, '@', (size_t) (gt - lt)) != NULL) {
	o = (size_t) (gt - lt - 1);
	memcpy(x, lt + 1, o);
	x[o] = 0;
	suggest_note(ctx, SUGGEST_F_EXTRACT, SUGGEST_DISPLAY_NAME);
	return (o);
    }
    for (size_t j = 0; paren && j < sizeof(sg_at_words) / sizeof(sg_at_words[0]); j++)
	if (sg_at_words[j].word[0] == '(' && sg_contains_ci(t, n, sg_at_words[j].word))
	    paren = false;			/* ivan(собака)mail.ru: see sg_at_word */
    if (paren) {
	for (size_t i = 0; i < n; i++) {
	    if (t[i] == '(')
		depth++;
	    else if (t[i] == ')' && depth > 0)
		depth--;
	    else if (depth == 0)
		x[o++] = t[i];
	}
	x[o] = 0;
	suggest_note(ctx, SUGGEST_F_EXTRACT, SUGGEST_COMMENT);
	return (o);
    }
    if (nat == 0)
	return (0);

    /*
     * A list ("a@x.ru, b@y.ru") gives its first address; a name without
     * brackets ("Иван Петров ivan@mail.ru") its only one, if every other
     * word is capitalized (so "iv an@mail.ru" is not cut to "an@...").
     */
    const char *first = NULL;
    size_t  first_len = 0;

    for (size_t i = 0; i < n;) {
	size_t  j = i;

	while (j < n && t[j] != ' ' && t[j] != '\t' && t[j] != ',' && t[j] != ';')
	    j++;
	if (j > i) {
	    words++;
	    if (memchr(t + i, '@', j - i) != NULL) {
		if (first == NULL)
		    first = t + i, first_len = j - i;
	    } else if (sg_capitalized(t + i, j - i)) {
		names++;
	    }
	}
	i = j + 1;
    }
    if (first == NULL || words < 2 || (nat < 2 && names != words - 1))
	return (0);
    memcpy(x, first, first_len);
    x[first_len] = 0;
    suggest_note(ctx, SUGGEST_F_EXTRACT,
		 nat > 1 ? SUGGEST_FIRST_OF_SEVERAL : SUGGEST_DISPLAY_NAME);
    return (first_len);
}

/* suggest_repair - suggestions for text that does not parse */

int     suggest_repair(const SUGGEST *sg, const char *raw, size_t len,
		               SUGGESTION *out)
{
    char    t[ADDR_INPUT_MAX + 1];
    char    x[ADDR_INPUT_MAX + 1];
    SG_CTX  ctx = {0};
    SG_CTX  c;
    size_t  xn;
    unsigned info;

    if (len == 0 || len > ADDR_INPUT_MAX)
	return (0);
    for (size_t i = 0; i < len; i++) {
	unsigned char ch = (unsigned char) raw[i];

	if ((ch < 0x20 && ch != '\t' && ch != '\r' && ch != '\n') || ch == 0x7F)
	    return (0);				/* NUL, control: no guessing */
    }
    memcpy(t, raw, len);
    t[len] = 0;

    c = ctx;
    if ((xn = sg_extract(t, len, x, &c)) > 0
	&& sg_repair_plain(sg, x, xn, &c, out))
	return (1);
    if (sg_repair_plain(sg, t, len, &ctx, out))
	return (1);

    /* Last, the whole text as typed in the Russian layout. */
    xn = keymap_ru_qwerty(t, len, x, sizeof(x), &info);
    if (xn == 0 || (info & KEYMAP_CYRILLIC) == 0)
	return (0);
    c = ctx;
    suggest_note(&c, SUGGEST_F_LAYOUT, SUGGEST_LAYOUT);
    c.need_known = (info & KEYMAP_AT) == 0;
    return (sg_repair_plain(sg, x, xn, &c, out));
}
