/*++
 * NAME
 *	addr_utf8 3
 * SUMMARY
 *	UTF-8 and white-space helpers for address parsing
 * SYNOPSIS
 *	#include "addr.h"
 *
 *	size_t	addr_utf8_decode(const unsigned char *s, size_t len,
 *				unsigned *cp)
 *	size_t	addr_utf8_encode(unsigned cp, char *out)
 *	unsigned addr_fold_case(unsigned cp)
 *
 *	#include "addr_int.h"
 *
 *	const unsigned char addr_ctype[256]
 *	ADDR_REASON addr_cp_reason(unsigned cp)
 *	bool	addr_trim(const unsigned char **sp, const unsigned char **ep)
 * DESCRIPTION
 *	addr_utf8_decode() reads one UTF-8 character and returns its
 *	length, or 0 when it is invalid or truncated (overlong forms,
 *	surrogates and values above U+10FFFF are invalid).
 *	addr_utf8_encode() writes one code point (at most 4 octets, no
 *	NUL) and returns its length.
 *
 *	addr_fold_case() lower-cases ASCII, Latin-1, Greek and Cyrillic
 *	letters, whose lower case has the same UTF-8 length; other code
 *	points are returned unchanged.  It makes storage keys.
 *
 *	addr_cp_reason() says why a non-ASCII code point may not appear in
 *	an address (ADDR_SPACE for the no-break and other spaces,
 *	ADDR_INVISIBLE_CHAR for zero-width and direction marks,
 *	ADDR_CONTROL_CHAR for C1 controls) or returns ADDR_OK.
 *
 *	addr_ctype[] classifies ASCII octets (ADDR_C_ATEXT, ADDR_C_DOT,
 *	ADDR_C_LDH, ADDR_C_DIGIT, ADDR_C_UPPER) so the parser's loops skip
 *	ordinary octets with one table lookup; ADDR_C_UPPER is 0x20, the
 *	bit that lower-cases a capital.
 *
 *	addr_trim() moves *sp forward and *ep back over white space: ASCII
 *	blanks and line ends, the Unicode spaces, and a byte-order mark,
 *	zero-width space or direction mark, as pasting leaves them.  It
 *	returns true when it moved either.
 *--*/

#include "config.h"

#include <stdbool.h>
#include <stddef.h>

#include "addr.h"
#include "addr_int.h"

/*
 * Code points refused anywhere in an address, and why.  Spaces count as
 * white space (so "Ivan<NBSP>Petrov <i@x>" is still a display name).
 */
typedef struct {
    unsigned lo;
    unsigned hi;
    ADDR_REASON reason;
} ADDR_CP_RANGE;

static const ADDR_CP_RANGE addr_bad_cps[] = {
    {0x0080, 0x009F, ADDR_CONTROL_CHAR},	/* C1 controls */
    {0x00A0, 0x00A0, ADDR_SPACE},		/* no-break space */
    {0x00AD, 0x00AD, ADDR_INVISIBLE_CHAR},	/* soft hyphen */
    {0x1680, 0x1680, ADDR_SPACE},
    {0x180E, 0x180E, ADDR_INVISIBLE_CHAR},
    {0x2000, 0x200A, ADDR_SPACE},		/* en quad .. hair space */
    {0x200B, 0x200F, ADDR_INVISIBLE_CHAR},	/* zero width, LRM, RLM */
    {0x2028, 0x2029, ADDR_SPACE},		/* line, paragraph separator */
    {0x202A, 0x202E, ADDR_INVISIBLE_CHAR},	/* bidi embedding */
    {0x202F, 0x202F, ADDR_SPACE},		/* narrow no-break space */
    {0x205F, 0x205F, ADDR_SPACE},
    {0x2060, 0x206F, ADDR_INVISIBLE_CHAR},	/* word joiner, bidi isolates */
    {0x3000, 0x3000, ADDR_SPACE},		/* ideographic space */
    {0xFE00, 0xFE0F, ADDR_INVISIBLE_CHAR},	/* variation selectors */
    {0xFEFF, 0xFEFF, ADDR_INVISIBLE_CHAR},	/* byte-order mark */
    {0xFFF9, 0xFFFB, ADDR_INVISIBLE_CHAR},
    {0xFFFE, 0xFFFF, ADDR_BAD_UTF8},		/* non-characters */
    {0xE0000, 0xE007F, ADDR_INVISIBLE_CHAR},	/* tags */
};

/*
 * addr_ctype - what each ASCII octet may be; non-ASCII octets are 0.
 */
#define AL	(ADDR_C_ATEXT | ADDR_C_LDH)
#define UP	(ADDR_C_ATEXT | ADDR_C_LDH | ADDR_C_UPPER)
#define DG	(ADDR_C_ATEXT | ADDR_C_LDH | ADDR_C_DIGIT)
const unsigned char addr_ctype[256] = {
    ['a'] = AL, ['b'] = AL, ['c'] = AL, ['d'] = AL, ['e'] = AL, ['f'] = AL,
    ['g'] = AL, ['h'] = AL, ['i'] = AL, ['j'] = AL, ['k'] = AL, ['l'] = AL,
    ['m'] = AL, ['n'] = AL, ['o'] = AL, ['p'] = AL, ['q'] = AL, ['r'] = AL,
    ['s'] = AL, ['t'] = AL, ['u'] = AL, ['v'] = AL, ['w'] = AL, ['x'] = AL,
    ['y'] = AL, ['z'] = AL, ['A'] = UP, ['B'] = UP, ['C'] = UP, ['D'] = UP,
    ['E'] = UP, ['F'] = UP, ['G'] = UP, ['H'] = UP, ['I'] = UP, ['J'] = UP,
    ['K'] = UP, ['L'] = UP, ['M'] = UP, ['N'] = UP, ['O'] = UP, ['P'] = UP,
    ['Q'] = UP, ['R'] = UP, ['S'] = UP, ['T'] = UP, ['U'] = UP, ['V'] = UP,
    ['W'] = UP, ['X'] = UP, ['Y'] = UP, ['Z'] = UP, ['0'] = DG, ['1'] = DG,
    ['2'] = DG, ['3'] = DG, ['4'] = DG, ['5'] = DG, ['6'] = DG, ['7'] = DG,
    ['8'] = DG, ['9'] = DG, ['-'] = ADDR_C_ATEXT | ADDR_C_LDH,
    ['.'] = ADDR_C_DOT, ['!'] = ADDR_C_ATEXT, ['#'] = ADDR_C_ATEXT,
    ['$'] = ADDR_C_ATEXT, ['%'] = ADDR_C_ATEXT, ['&'] = ADDR_C_ATEXT,
    ['\''] = ADDR_C_ATEXT, ['*'] = ADDR_C_ATEXT, ['+'] = ADDR_C_ATEXT,
    ['/'] = ADDR_C_ATEXT, ['='] = ADDR_C_ATEXT, ['?'] = ADDR_C_ATEXT,
    ['^'] = ADDR_C_ATEXT, ['_'] = ADDR_C_ATEXT, ['`'] = ADDR_C_ATEXT,
    ['{'] = ADDR_C_ATEXT, ['|'] = ADDR_C_ATEXT, ['}'] = ADDR_C_ATEXT,
    ['~'] = ADDR_C_ATEXT,
};
#undef AL
#undef UP
#undef DG

/* addr_utf8_decode - one UTF-8 character; 0 if invalid or truncated */

size_t  addr_utf8_decode(const unsigned char *s, size_t len, unsigned *cp)
{
    unsigned c;
    size_t  need;
    unsigned min;

    if (len == 0)
	return (0);
    c = s[0];
    if (c < 0x80) {
	*cp = c;
	return (1);
    } else if (c >= 0xC2 && c <= 0xDF) {
	need = 2, min = 0x80, c &= 0x1F;
    } else if (c >= 0xE0 && c <= 0xEF) {
	need = 3, min = 0x800, c &= 0x0F;
    } else if (c >= 0xF0 && c <= 0xF4) {
	need = 4, min = 0x10000, c &= 0x07;
    } else {
	return (0);
    }
    if (len < need)
	return (0);
    for (size_t i = 1; i < need; i++) {
	if ((s[i] & 0xC0) != 0x80)
	    return (0);
	c = (c << 6) | (s[i] & 0x3F);
    }
    if (c < min || c > 0x10FFFF || (c >= 0xD800 && c <= 0xDFFF))
	return (0);
    *cp = c;
    return (need);
}

/* addr_utf8_encode - write one code point, return its length */

size_t  addr_utf8_encode(unsigned cp, char *out)
{
    unsigned char *o = (unsigned char *) out;

    if (cp < 0x80) {
	o[0] = (unsigned char) cp;
	return (1);
    } else if (cp < 0x800) {
	o[0] = (unsigned char) (0xC0 | (cp >> 6));
	o[1] = (unsigned char) (0x80 | (cp & 0x3F));
	return (2);
    } else if (cp < 0x10000) {
	o[0] = (unsigned char) (0xE0 | (cp >> 12));
	o[1] = (unsigned char) (0x80 | ((cp >> 6) & 0x3F));
	o[2] = (unsigned char) (0x80 | (cp & 0x3F));
	return (3);
    }
    o[0] = (unsigned char) (0xF0 | (cp >> 18));
    o[1] = (unsigned char) (0x80 | ((cp >> 12) & 0x3F));
    o[2] = (unsigned char) (0x80 | ((cp >> 6) & 0x3F));
    o[3] = (unsigned char) (0x80 | (cp & 0x3F));
    return (4);
}

/* addr_fold_case - lower-case a letter of the scripts liveaddr meets */

unsigned addr_fold_case(unsigned cp)
{
    if (cp >= 'A' && cp <= 'Z')
	return (cp + 32);
    if (cp >= 0xC0 && cp <= 0xDE && cp != 0xD7)	/* Latin-1 */
	return (cp + 32);
    if (cp >= 0x391 && cp <= 0x3AB && cp != 0x3A2)	/* Greek */
	return (cp + 32);
    if (cp >= 0x410 && cp <= 0x42F)		/* А..Я */
	return (cp + 32);
    if (cp >= 0x400 && cp <= 0x40F)		/* Ѐ..Џ, Ё */
	return (cp + 80);
    if ((cp >= 0x460 && cp <= 0x481) || (cp >= 0x48A && cp <= 0x4BF)
	|| (cp >= 0x4D0 && cp <= 0x4FF))	/* Ѡ..ӿ: upper case even */
	return ((cp & 1) ? cp : cp + 1);
    if (cp >= 0x4C1 && cp <= 0x4CE)		/* Ӂ..ӎ: upper case odd */
	return ((cp & 1) ? cp + 1 : cp);
    if (cp == 0x4C0)				/* palochka */
	return (0x4CF);
    return (cp);
}

/* addr_cp_reason - why a non-ASCII code point is refused, or ADDR_OK */

ADDR_REASON addr_cp_reason(unsigned cp)
{
    if (cp > 0xAD && cp < 0x1680)		/* Cyrillic, Greek, ...: fast */
	return (ADDR_OK);
    for (size_t i = 0; i < sizeof(addr_bad_cps) / sizeof(addr_bad_cps[0]); i++)
	if (cp >= addr_bad_cps[i].lo && cp <= addr_bad_cps[i].hi)
	    return (addr_bad_cps[i].reason);
    return (ADDR_OK);
}

/* addr_blank_len - length of the white space at s, 0 if none */

static size_t addr_blank_len(const unsigned char *s, size_t len)
{
    unsigned cp;
    size_t  n;

    if (len == 0)
	return (0);
    if (s[0] == ' ' || (s[0] >= '\t' && s[0] <= '\r'))
	return (1);
    if (s[0] < 0x80 || (n = addr_utf8_decode(s, len, &cp)) == 0)
	return (0);
    switch (addr_cp_reason(cp)) {
    case ADDR_SPACE:
	return (n);
    case ADDR_INVISIBLE_CHAR:			/* BOM, ZWSP, LRM at an end */
	return (cp == 0xFEFF || (cp >= 0x200B && cp <= 0x200F) || cp == 0x2060
		? n : 0);
    default:
	return (0);
    }
}

/* addr_trim - drop white space at both ends; true if any was dropped */

bool    addr_trim(const unsigned char **sp, const unsigned char **ep)
{
    const unsigned char *s = *sp;
    const unsigned char *e = *ep;
    size_t  n;

    /* Nearly always: a visible ASCII character at both ends. */
    if (s < e && s[0] > ' ' && s[0] < 0x7F && e[-1] > ' ' && e[-1] < 0x7F)
	return (false);
    while ((n = addr_blank_len(s, (size_t) (e - s))) > 0)
	s += n;
    while (e > s) {
	/* A character at the end starts 1 to 3 octets back. */
	size_t  k;

	for (k = 1; k <= 3 && k <= (size_t) (e - s); k++)
	    if ((e[-(long) k] & 0xC0) != 0x80)
		break;
	if (k > 3 || k > (size_t) (e - s)
	    || addr_blank_len(e - k, k) != k)
	    break;
	e -= k;
    }
    n = (size_t) (*ep - *sp) - (size_t) (e - s);
    *sp = s;
    *ep = e;
    return (n > 0);
}
