/*++
 * NAME
 *	keymap 3
 * SUMMARY
 *	Russian keyboard layout and Cyrillic look-alikes, mapped to Latin
 * SYNOPSIS
 *	#include "keymap.h"
 *
 *	size_t	keymap_ru_qwerty(const char *in, size_t len, char *out,
 *				size_t outsize, unsigned *info)
 *	size_t	keymap_lookalike(const char *in, size_t len, char *out,
 *				size_t outsize, unsigned *info)
 * DESCRIPTION
 *	Two ways a Russian speaker's address goes wrong, undone.
 *
 *	keymap_ru_qwerty() takes text typed while the Russian ЙЦУКЕН
 *	layout was on and gives the characters of the same keys in the
 *	US QWERTY layout: "ефтглш\"ьфшдюкг" is "tanuki@mail.ru".  Each
 *	Cyrillic letter becomes the Latin letter (or the punctuation) of
 *	its key: ю is the "." key, б the "," key.  Shift-2 gives '"' in
 *	the Russian layout, so '"' becomes '@' when the text has no '@';
 *	Shift-3 (№) becomes '#'.  Capital letters come from the same keys
 *	(Caps Lock or Shift); when every letter mapped was a capital, the
 *	result is lower-cased, since Caps Lock was the likelier cause.
 *	The Ukrainian і, ї, є and the Belarusian ў map to their keys too.
 *	ASCII and other characters are copied.
 *
 *	keymap_lookalike() replaces the Cyrillic letters that look like
 *	Latin ones (а е о р с у х і ј ѕ and capitals such as В К М Н Т)
 *	with those Latin letters: "mаil.ru" with a Cyrillic а becomes
 *	"mail.ru".
 *
 *	Both write at most outsize - 1 octets and a NUL and return the
 *	length written; on overflow they return 0.  *info receives the
 *	KEYMAP_* bits: CHANGED, AT, CAPS, ASCII (the output is pure
 *	ASCII), CYRILLIC (the input held Cyrillic letters) and MIXED (it
 *	held Latin letters too).
 * DIAGNOSTICS
 *	Invalid UTF-8 is copied octet by octet.
 *--*/

#include "config.h"

#include <stdbool.h>
#include <string.h>

#include "addr.h"
#include "keymap.h"

/* The key under each of а..я (U+0430..U+044F) in the ЙЦУКЕН layout. */
static const char keymap_ru_keys[32] = {
    'f', ',', 'd', 'u', 'l', 't', ';', 'p',	/* а б в г д е ж з */
    'b', 'q', 'r', 'k', 'v', 'y', 'j', 'g',	/* и й к л м н о п */
    'h', 'c', 'n', 'e', 'a', '[', 'w', 'x',	/* р с т у ф х ц ч */
    'i', 'o', ']', 's', 'm', '\'', '.', 'z',	/* ш щ ъ ы ь э ю я */
};

/* Letters outside а..я, lower case, and their keys. */
static const struct {
    unsigned cp;
    char    key;
} keymap_ru_extra[] = {
    {0x0451, '`'},			/* ё */
    {0x0456, 's'},			/* і (Ukrainian, Belarusian) */
    {0x0457, ']'},			/* ї */
    {0x0454, '\''},			/* є */
    {0x045E, 'o'},			/* ў */
};

/* Cyrillic letters that look like Latin ones. */
static const struct {
    unsigned cp;
    char    latin;
} keymap_alike[] = {
    {0x0430, 'a'}, {0x0435, 'e'}, {0x043E, 'o'}, {0x0440, 'p'},
    {0x0441, 'c'}, {0x0443, 'y'}, {0x0445, 'x'}, {0x0456, 'i'},
    {0x0458, 'j'}, {0x0455, 's'}, {0x0501, 'd'}, {0x04BB, 'h'},
    {0x04CF, 'l'}, {0x051B, 'q'}, {0x051D, 'w'},
    {0x0410, 'A'}, {0x0412, 'B'}, {0x0415, 'E'}, {0x041A, 'K'},
    {0x041C, 'M'}, {0x041D, 'H'}, {0x041E, 'O'}, {0x0420, 'P'},
    {0x0421, 'C'}, {0x0422, 'T'}, {0x0423, 'Y'}, {0x0425, 'X'},
    {0x0406, 'I'}, {0x0408, 'J'}, {0x0405, 'S'},
};

#define KEYMAP_IS_CYRILLIC(cp) ((cp) >= 0x0400 && (cp) <= 0x052F)
#define KEYMAP_IS_LATIN(c) ((unsigned) (((c) | 0x20) - 'a') < 26u)

/* keymap_ru_key - the QWERTY key of a Cyrillic letter, 0 if none */

static int keymap_ru_key(unsigned cp, bool *upper)
{
    unsigned low = addr_fold_case(cp);

    *upper = (low != cp);
    if (low >= 0x0430 && low <= 0x044F)
	return (keymap_ru_keys[low - 0x0430]);
    for (size_t i = 0; i < sizeof(keymap_ru_extra) / sizeof(keymap_ru_extra[0]); i++)
	if (keymap_ru_extra[i].cp == low)
	    return (keymap_ru_extra[i].key);
    return (0);
}

/* keymap_ru_qwerty - undo typing in the Russian layout */

size_t  keymap_ru_qwerty(const char *in, size_t len, char *out,
			         size_t outsize, unsigned *info)
{
    const unsigned char *s = (const unsigned char *) in;
    bool    has_at = memchr(in, '@', len) != NULL;
    size_t  o = 0;
    int     upper = 0, lower = 0;

    *info = 0;
    for (size_t i = 0; i < len;) {
	unsigned cp;
	size_t  k = addr_utf8_decode(s + i, len - i, &cp);
	bool    up;
	int     key;

	if (k == 0)
	    k = 1, cp = 0xFFFD;
	if (o + 4 >= outsize)
	    return (0);
	if (cp == '"' && !has_at) {
	    out[o++] = '@';
	    *info |= KEYMAP_AT | KEYMAP_CHANGED;
	} else if (cp == 0x2116) {		/* № */
	    out[o++] = '#';
	    *info |= KEYMAP_CHANGED;
	} else if (KEYMAP_IS_CYRILLIC(cp) && (key = keymap_ru_key(cp, &up)) != 0) {
	    *info |= KEYMAP_CYRILLIC | KEYMAP_CHANGED;
	    if (KEYMAP_IS_LATIN(key) && up) {
		key -= 32;
		upper++;
	    } else if (KEYMAP_IS_LATIN(key)) {
		lower++;
	    }
	    out[o++] = (char) key;
	} else {
	    if (KEYMAP_IS_LATIN(cp))
		*info |= KEYMAP_MIXED;
	    memcpy(out + o, in + i, k);
	    o += k;
	}
	i += k;
    }
    out[o] = 0;
    if ((*info & KEYMAP_CYRILLIC) == 0)
	*info &= ~KEYMAP_MIXED;
    if (upper > 1 && lower == 0) {
	for (size_t i = 0; i < o; i++)
	    if (out[i] >= 'A' && out[i] <= 'Z')
		out[i] += 32;
	*info |= KEYMAP_CAPS;
    }
    *info |= KEYMAP_ASCII;
    for (size_t i = 0; i < o; i++)
	if ((unsigned char) out[i] >= 0x80)
	    *info &= ~KEYMAP_ASCII;
    return (o);
}

/* keymap_lookalike - replace Cyrillic look-alikes with Latin letters */

size_t  keymap_lookalike(const char *in, size_t len, char *out,
			         size_t outsize, unsigned *info)
{
    const unsigned char *s = (const unsigned char *) in;
    bool    latin = false;
    size_t  o = 0;

    *info = KEYMAP_ASCII;
    for (size_t i = 0; i < len;) {
	unsigned cp;
	size_t  k = addr_utf8_decode(s + i, len - i, &cp);
	char    repl = 0;

	if (k == 0)
	    k = 1, cp = 0xFFFD;
	if (o + 4 >= outsize)
	    return (0);
	if (KEYMAP_IS_CYRILLIC(cp)) {
	    *info |= KEYMAP_CYRILLIC;
	    for (size_t j = 0; j < sizeof(keymap_alike) / sizeof(keymap_alike[0]); j++)
		if (keymap_alike[j].cp == cp)
		    repl = keymap_alike[j].latin;
	}
	if (repl) {
	    out[o++] = repl;
	    *info |= KEYMAP_CHANGED;
	} else {
	    if (cp < 0x80 && KEYMAP_IS_LATIN(cp))
		latin = true;
	    if (cp >= 0x80)
		*info &= ~KEYMAP_ASCII;
	    memcpy(out + o, in + i, k);
	    o += k;
	}
	i += k;
    }
    out[o] = 0;
    if (latin && (*info & KEYMAP_CYRILLIC))
	*info |= KEYMAP_MIXED;
    return (o);
}
