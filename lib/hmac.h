#ifndef LIVEADDR_HMAC_H
#define LIVEADDR_HMAC_H

/*++
 * NAME
 *	hmac 3h
 * SUMMARY
 *	truncated HMAC-SHA256 in lowercase base32
 * SYNOPSIS
 *	#include "hmac.h"
 * DESCRIPTION
 *	See hmac.c.
 *--*/

#include <stdbool.h>
#include <stddef.h>

#define HMAC_B32_MAX	51		/* 256 bits in base32 characters */

extern const char hmac_b32_alphabet[];

extern int hmac_b32_value(int c);
extern void hmac_b32_bits(const unsigned char *data, int nchars, char *out);
extern void hmac_b32(const void *key, size_t keylen, const char *msg, size_t msglen,
		             int nchars, char *out);
extern bool hmac_b32_equal(const char *a, const char *b, size_t n);

#endif
