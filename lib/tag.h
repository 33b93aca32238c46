#ifndef LIVEADDR_TAG_H
#define LIVEADDR_TAG_H

/*++
 * NAME
 *	tag 3h
 * SUMMARY
 *	signed message tags: the bounce address and the tracking header
 * SYNOPSIS
 *	#include "tag.h"
 * DESCRIPTION
 *	See tag.c.
 *--*/

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#define TAG_REF_LEN	12		/* base32 characters: 60 bits */
#define TAG_KID_MAX	8		/* key id: [a-z0-9], 1 to 8 */
#define TAG_MAC_LEN	16		/* base32 characters: 80 bits */
#define TAG_TEXT_MAX	64		/* "la1=REF=DAY=KID=MAC" and a NUL */
#define TAG_DAY_DIGITS_MAX 6		/* base32 digits of DAY */
#define TAG_DAY_MAX	((1L << (5 * TAG_DAY_DIGITS_MAX)) - 1)	/* year ~2.9 million */
#define TAG_KEYS_MAX	16
#define TAG_SECRET_MIN	16		/* bytes */
#define TAG_SECRET_MAX	128

typedef struct {
    char    kid[TAG_KID_MAX + 1];
    unsigned char secret[TAG_SECRET_MAX];
    size_t  secret_len;
} TAG_KEY;

typedef struct {
    TAG_KEY keys[TAG_KEYS_MAX];
    int     nkeys;
    int     signing;			/* index of the key that signs */
} TAG_KEYRING;

typedef enum {
    TAG_OK = 0,
    TAG_MALFORMED,			/* not a tag, or a damaged one */
    TAG_UNKNOWN_KEY,			/* a key id we do not have */
    TAG_BAD_MAC,			/* forged, or signed with another secret */
    TAG_EXPIRED,			/* past its day */
} TAG_STATUS;

typedef struct {
    char    ref[TAG_REF_LEN + 1];	/* the message reference */
    long    expires;			/* the last day it is good: days since 1970 */
    char    kid[TAG_KID_MAX + 1];
} TAG;

extern int tag_keyring_load(TAG_KEYRING *, const char *path, const char *signing_kid,
			            char *err, size_t errlen);
extern int tag_keyring_add(TAG_KEYRING *, const char *kid, const void *secret,
			           size_t len, char *err, size_t errlen);
extern void tag_keyring_clear(TAG_KEYRING *);
extern void tag_new_ref(char ref[TAG_REF_LEN + 1]);
extern long tag_day(time_t);
extern int tag_make(const TAG_KEYRING *, const char *ref, long expires, char *buf,
		            size_t len);
extern TAG_STATUS tag_verify(const TAG_KEYRING *, const char *text, size_t len,
			             long today, TAG *);
extern const char *tag_find(const char *text, size_t len, size_t *taglen);
extern const char *tag_status_name(TAG_STATUS);

#endif
