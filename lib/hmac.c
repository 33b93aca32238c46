/*++
 * NAME
 *	hmac 3
 * SUMMARY
 *	truncated HMAC-SHA256 in lowercase base32
 * SYNOPSIS
 *	#include "hmac.h"
 *
 *	int	hmac_b32_value(int c)
 *	void	hmac_b32_bits(const unsigned char *data, int nchars, char *out)
 *	void	hmac_b32(const void *key, size_t keylen, const char *msg,
 *				size_t msglen, int nchars, char *out)
 *	bool	hmac_b32_equal(const char *a, const char *b, size_t n)
 * DESCRIPTION
 *	What the signed tags (tag.c) and the CRM hints (hint.c) share.
 *	Base32 is RFC 4648's alphabet in lower case, without padding: it
 *	survives mail software that changes the case of addresses and
 *	headers, and needs no quoting anywhere.
 *
 *	hmac_b32_value() gives a digit's value (either case), or -1.
 *	hmac_b32_bits() writes the first nchars * 5 bits of data as nchars
 *	digits and a NUL (data must hold them).  hmac_b32() writes the first
 *	nchars (at most HMAC_B32_MAX) digits of HMAC-SHA256(key, msg)
 *	(OpenSSL); should OpenSSL fail, it writes digits that no real MAC
 *	matches.  hmac_b32_equal() compares two MACs in constant time,
 *	ignoring case.
 *--*/

#include "config.h"

#include <ctype.h>
#include <string.h>

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "hmac.h"

const char hmac_b32_alphabet[] = "abcdefghijklmnopqrstuvwxyz234567";

int     hmac_b32_value(int c)
{
    c = tolower((unsigned char) c);
    if (c >= 'a' && c <= 'z')
	return (c - 'a');
    if (c >= '2' && c <= '7')
	return (c - '2' + 26);
    return (-1);
}

void    hmac_b32_bits(const unsigned char *data, int nchars, char *out)
{
    for (int i = 0; i < nchars; i++) {
	int     bit = i * 5, v = 0;

	for (int k = 0; k < 5; k++, bit++)
	    v = v << 1 | ((data[bit / 8] >> (7 - bit % 8)) & 1);
	out[i] = hmac_b32_alphabet[v];
    }
    out[nchars] = 0;
}

void    hmac_b32(const void *key, size_t keylen, const char *msg, size_t msglen,
		         int nchars, char *out)
{
    unsigned char md[EVP_MAX_MD_SIZE] = {0};
    unsigned int mdlen = 0;

    if (nchars > HMAC_B32_MAX)
	nchars = HMAC_B32_MAX;
    if (HMAC(EVP_sha256(), key, (int) keylen, (const unsigned char *) msg, msglen,
	     md, &mdlen) == NULL || mdlen < 32) {
	memset(out, '=', (size_t) nchars);	/* not a base32 digit */
	out[nchars] = 0;
	return;
    }
    hmac_b32_bits(md, nchars, out);
}

bool    hmac_b32_equal(const char *a, const char *b, size_t n)
{
    unsigned diff = 0;

    for (size_t i = 0; i < n; i++)
	diff |= (unsigned) (tolower((unsigned char) a[i]) ^ tolower((unsigned char) b[i]));
    return (diff == 0);
}
