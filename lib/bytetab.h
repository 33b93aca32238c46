#ifndef LIVEADDR_BYTETAB_H
#define LIVEADDR_BYTETAB_H

/*++
 * NAME
 *	bytetab 3h
 * SUMMARY
 *	a 256-entry byte table filled at compile time
 * SYNOPSIS
 *	#include "bytetab.h"
 *
 *	#define MY_CLASS(c)	((c) >= 'A' && (c) <= 'Z' ? 1 : 0)
 *	static const unsigned char my_tab[256] = { BYTETAB_256(MY_CLASS) };
 * DESCRIPTION
 *	BYTETAB_256(F) expands to F(0), F(1), ..., F(255): the initialiser
 *	of a table that a hot loop indexes with a byte instead of testing
 *	it.  F is a macro of one argument, evaluated by the compiler.
 *--*/

#define BYTETAB_4(F, c)	F(c), F((c) + 1), F((c) + 2), F((c) + 3)
#define BYTETAB_16(F, c) BYTETAB_4(F, c), BYTETAB_4(F, (c) + 4), BYTETAB_4(F, (c) + 8), \
			BYTETAB_4(F, (c) + 12)
#define BYTETAB_64(F, c) BYTETAB_16(F, c), BYTETAB_16(F, (c) + 16), BYTETAB_16(F, (c) + 32), \
			BYTETAB_16(F, (c) + 48)
#define BYTETAB_256(F)	BYTETAB_64(F, 0), BYTETAB_64(F, 64), BYTETAB_64(F, 128), \
			BYTETAB_64(F, 192)

#endif
