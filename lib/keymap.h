#ifndef LIVEADDR_KEYMAP_H
#define LIVEADDR_KEYMAP_H

/*++
 * NAME
 *	keymap 3h
 * SUMMARY
 *	Russian keyboard layout and Cyrillic look-alikes, mapped to Latin
 * SYNOPSIS
 *	#include "keymap.h"
 * DESCRIPTION
 *	See keymap.c.
 *--*/

#include <stddef.h>

#define KEYMAP_CHANGED	(1u<<0)		/* some character was replaced */
#define KEYMAP_AT	(1u<<1)		/* '"' (Shift-2) became '@' */
#define KEYMAP_CAPS	(1u<<2)		/* letters were all capitals: lowered */
#define KEYMAP_ASCII	(1u<<3)		/* the output is pure ASCII */
#define KEYMAP_MIXED	(1u<<4)		/* input mixed Latin and Cyrillic */
#define KEYMAP_CYRILLIC	(1u<<5)		/* input had Cyrillic letters */

extern size_t keymap_ru_qwerty(const char *in, size_t len, char *out,
			               size_t outsize, unsigned *info);
extern size_t keymap_lookalike(const char *in, size_t len, char *out,
			               size_t outsize, unsigned *info);

#endif
