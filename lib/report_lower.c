/*++
 * NAME
 *	report_lower 3
 * SUMMARY
 *	lower-case copies for the report readers' phrase matching
 * SYNOPSIS
 *	#include "report_int.h"
 *
 *	size_t	report_lower(char *dst, size_t dstlen, const char *s, size_t len)
 *
 *	size_t	report_lower_utf8(char *dst, size_t dstlen, const char *s, size_t len)
 * DESCRIPTION
 *	report_lower() copies at most dstlen - 1 bytes of s with ASCII
 *	capitals in lower case, NUL-terminated, and returns the length.
 *	report_lower_utf8() lower-cases Cyrillic capitals (UTF-8) too, and
 *	turns tabs and NULs into spaces (for phrase matching).  Both take
 *	plain ASCII eight bytes at a time.
 * MEMORY
 *	None: the caller's buffers.
 * DIAGNOSTICS
 *	None.  dstlen must be at least 1.
 *--*/

#include "config.h"

#include <stdint.h>
#include <string.h>

#include "bytetab.h"
#include "report_int.h"

/*
 * ascii_lower - tolower() of the C locale (liveaddr never calls
 * setlocale()), without its call per byte
 */
static inline unsigned char ascii_lower(unsigned char c)
{
    return ((unsigned char) (c >= 'A' && c <= 'Z' ? c + ('a' - 'A') : c));
}

/*
 * Eight bytes at a time: a word of ASCII bytes (no high bit) is lowered
 * with a few arithmetic steps instead of eight look-ups.  Each byte is
 * below 0x80, so adding at most 0x3F to it never carries into the next.
 */
#define W_ONES	REPORT_W_ONES
#define W_HIGHS	REPORT_W_HIGHS

/* word_lower - ASCII capitals of a word in lower case; other bytes kept */

static inline uint64_t word_lower(uint64_t w)
{
    uint64_t h = w & ~W_HIGHS;
    uint64_t ge_a = h + W_ONES * (0x80 - 'A');	/* high bit: byte >= 'A' */
    uint64_t gt_z = h + W_ONES * (0x7F - 'Z');	/* high bit: byte > 'Z' */

    return (w | (((ge_a & ~gt_z) & ~w & W_HIGHS) >> 2));
}

/* report_lower - ASCII lower case copy */

size_t  report_lower(char *dst, size_t dstlen, const char *s, size_t len)
{
    size_t  n = len < dstlen - 1 ? len : dstlen - 1;
    size_t  i = 0;

    for (; i + 8 <= n; i += 8) {
	uint64_t w;

	memcpy(&w, s + i, 8);
	w = word_lower(w);
	memcpy(dst + i, &w, 8);
    }
    for (; i < n; i++)
	dst[i] = (char) ascii_lower((unsigned char) s[i]);
    dst[n] = 0;
    return (n);
}

/* report_lower_utf8 - lower case copy, ASCII and Cyrillic */

/*
 * lower_tab - what report_lower_utf8() makes of a byte outside a Cyrillic
 * capital: ASCII capitals in lower case, a tab or a NUL a space
 */
#define LOWER_TAB(c)	((c) >= 'A' && (c) <= 'Z' ? (c) + 32 : (c) == '\t' || (c) == 0 ? ' ' : (c))

static const unsigned char lower_tab[256] = {BYTETAB_256(LOWER_TAB)};

size_t  report_lower_utf8(char *dst, size_t dstlen, const char *s, size_t len)
{
    const unsigned char *u = (const unsigned char *) s;
    size_t  n = 0, i = 0;

    while (i < len && n + 1 < dstlen) {
	unsigned char c = u[i];
	size_t  stop;

	/* the usual bytes, one table look-up each, up to a 0xD0 */
	stop = i + (len - i < dstlen - 1 - n ? len - i : dstlen - 1 - n);
	/*
	 * words of plain ASCII (no NUL, no tab) first, eight bytes a step;
	 * a word with any byte up to a tab goes the byte way (the other
	 * controls come out the same either way)
	 */
	while (i + 8 <= stop) {
	    uint64_t w;

	    memcpy(&w, u + i, 8);
	    if ((w & W_HIGHS) || REPORT_W_HAS_LESS(w, '\t' + 1))
		break;
	    w = word_lower(w);
	    memcpy(dst + n, &w, 8);
	    n += 8;
	    i += 8;
	}
	if (i >= stop)
	    break;
	c = u[i];
	while (c != 0xD0) {
	    dst[n++] = (char) lower_tab[c];
	    if (++i >= stop)
		break;
	    c = u[i];
	}
	if (i >= stop)
	    break;
	if (i + 1 < len && n + 2 < dstlen) {
	    unsigned char d = u[i + 1];

	    if (d >= 0x90 && d <= 0x9F) {	/* А-П -> а-п */
		dst[n++] = (char) 0xD0;
		dst[n++] = (char) (d + 0x20);
	    } else if (d >= 0xA0 && d <= 0xAF) {	/* Р-Я -> р-я */
		dst[n++] = (char) 0xD1;
		dst[n++] = (char) (d - 0x20);
	    } else if (d == 0x81) {		/* Ё -> ё */
		dst[n++] = (char) 0xD1;
		dst[n++] = (char) 0x91;
	    } else {
		dst[n++] = (char) c;
		dst[n++] = (char) d;
	    }
	    i += 2;
	    continue;
	}
	dst[n++] = (char) c;			/* a 0xD0 without room after it */
	i++;
    }
    dst[n] = 0;
    return (n);
}
