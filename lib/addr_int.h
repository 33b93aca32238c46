#ifndef LIVEADDR_ADDR_INT_H
#define LIVEADDR_ADDR_INT_H

/*++
 * NAME
 *	addr_int 3h
 * SUMMARY
 *	what the address module's files share; not for other modules
 * SYNOPSIS
 *	#include "addr_int.h"
 *--*/

#include <stdbool.h>
#include <stddef.h>

#include "addr.h"

#define ADDR_IS_ALPHA(c) ((unsigned) (((c) | 0x20) - 'a') < 26u)
#define ADDR_IS_DIGIT(c) ((unsigned) ((c) - '0') < 10u)
#define ADDR_IS_ALNUM(c) (ADDR_IS_ALPHA(c) || ADDR_IS_DIGIT(c))

/* Character classes of ASCII octets (addr_ctype[], in addr_utf8.c). */
#define ADDR_C_ATEXT	(1u<<0)		/* RFC 5322 atext */
#define ADDR_C_DOT	(1u<<1)		/* . */
#define ADDR_C_LDH	(1u<<2)		/* letter, digit, hyphen */
#define ADDR_C_DIGIT	(1u<<3)
#define ADDR_C_UPPER	0x20u		/* A-Z; the bit that lower-cases them */

/* ASCII lower case in one OR: c | (addr_ctype[c] & ADDR_C_UPPER). */
#define ADDR_TOLOWER(c)	((c) | (addr_ctype[(unsigned char) (c)] & ADDR_C_UPPER))

extern const unsigned char addr_ctype[256];

/* addr_utf8.c */
extern ADDR_REASON addr_cp_reason(unsigned cp);
extern bool addr_trim(const unsigned char **sp, const unsigned char **ep);

/* addr_domain.c */
extern ADDR_REASON addr_check_domain(const unsigned char *d, size_t n,
			                      bool nonascii, ADDR *out);

/* addr.c */
extern void addr_reset(ADDR *out);
extern int addr_fail(ADDR *out, ADDR_REASON reason);

#endif
