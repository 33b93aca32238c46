/*++
 * NAME
 *	tag 3
 * SUMMARY
 *	signed message tags: the bounce address and the tracking header
 * SYNOPSIS
 *	#include "hmac.h"
#include "tag.h"
 *
 *	int	tag_keyring_load(TAG_KEYRING *ring, const char *path,
 *				const char *signing_kid, char *err, size_t errlen)
 *	int	tag_keyring_add(TAG_KEYRING *ring, const char *kid,
 *				const void *secret, size_t len, char *err,
 *				size_t errlen)
 *	void	tag_keyring_clear(TAG_KEYRING *ring)
 *	void	tag_new_ref(char ref[TAG_REF_LEN + 1])
 *	long	tag_day(time_t t)
 *	int	tag_make(const TAG_KEYRING *ring, const char *ref, long expires,
 *				char *buf, size_t len)
 *	TAG_STATUS tag_verify(const TAG_KEYRING *ring, const char *text,
 *				size_t len, long today, TAG *tag)
 *	const char *tag_find(const char *text, size_t len, size_t *taglen)
 *	const char *tag_status_name(TAG_STATUS status)
 * DESCRIPTION
 *	Every letter the milter tags carries one tag, twice: as the local
 *	part of its envelope sender (the bounce address, where DSNs go) and
 *	in its tracking header (many bounces quote only the original
 *	headers).  A tag names the message reference, the last day it is
 *	good and the key that signed it:
 *
 *	    la1=REF=DAY=KID=MAC
 *
 *	REF is TAG_REF_LEN characters of lowercase base32 (RFC 4648, no
 *	padding; 60 random bits), DAY the expiry day (days since 1970, UTC)
 *	in base32, KID the key id ([a-z0-9], 1 to TAG_KID_MAX), MAC the
 *	first 80 bits of HMAC-SHA256(secret, "la1|REF|DAY|KID") in base32.
 *	Every character is a lowercase letter, a digit or "=": a valid
 *	dot-atom local part that survives MTAs which change the case of
 *	local parts (tag_verify() reads it in either case).  DAY has 1 to
 *	TAG_DAY_DIGITS_MAX digits (days up to TAG_DAY_MAX; today's take 3),
 *	so a tag is 37 to 49 characters: it fits a 64-character local part.
 *
 *	Keys rotate: the ring holds up to TAG_KEYS_MAX keys; the signing
 *	one makes new tags, and every key in the ring verifies.  Keep a
 *	retired key in the ring for the tag lifetime (TagLifetime, 10 days
 *	by default; Postfix gives up on a message after 5).
 *
 *	tag_keyring_load() reads a key file: one key a line, "KID SECRET",
 *	the secret taken as its bytes (at least TAG_SECRET_MIN; e.g. the
 *	output of "openssl rand -hex 32"); "#" starts a comment.  It refuses
 *	a file that others can read or anyone but its owner can write, as
 *	OpenDKIM does with keys.  signing_kid names the signing key (NULL:
 *	the first of the file).  tag_keyring_add() adds one key.
 *
 *	tag_new_ref() makes a random reference (OpenSSL's RAND_bytes).
 *	tag_day() gives the UTC day of a time.  tag_make() writes the tag of
 *	ref with the signing key; -1 when the ring is empty, ref is not one,
 *	expires is not a day from 0 to TAG_DAY_MAX, or buf is too small.
 *	tag_verify() reads a tag (len bytes of text, any case) and checks,
 *	in this order, its form, its key, its MAC (in
 *	constant time) and its day: TAG_OK when today <= DAY, and fills
 *	*tag (also for TAG_EXPIRED, so that the caller can count which
 *	message it was).  tag_find() finds the first thing in text that
 *	looks like a tag (any case) and returns it with its length, or NULL.
 * SECURITY
 *	A tag proves that we sent the letter it names, not who is bouncing
 *	it: whoever saw the letter can send a fake report quoting its tag.
 *	That is why the milter also checks the SPF of the reporting host
 *	(milter part 2).
 * MEMORY
 *	A TAG_KEYRING is a plain struct with the secrets inside;
 *	tag_keyring_clear() wipes them (OPENSSL_cleanse).
 *--*/

#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>

#include <openssl/crypto.h>
#include <openssl/rand.h>

#include "hmac.h"
#include "tag.h"

#define TAG_MAGIC	"la1="

static bool kid_ok(const char *kid, size_t len)
{
    if (len < 1 || len > TAG_KID_MAX)
	return (false);
    for (size_t i = 0; i < len; i++)
	if (!islower((unsigned char) kid[i]) && !isdigit((unsigned char) kid[i]))
	    return (false);
    return (true);
}

int     tag_keyring_add(TAG_KEYRING *ring, const char *kid, const void *secret,
			        size_t len, char *err, size_t errlen)
{
    TAG_KEY *key;

    if (!kid_ok(kid, strlen(kid))) {
	snprintf(err, errlen, "key id \"%.20s\": 1 to %d lowercase letters or digits",
		 kid, TAG_KID_MAX);
	return (-1);
    }
    if (len < TAG_SECRET_MIN || len > TAG_SECRET_MAX) {
	snprintf(err, errlen, "key %s: the secret must have %d to %d bytes", kid,
		 TAG_SECRET_MIN, TAG_SECRET_MAX);
	return (-1);
    }
    for (int i = 0; i < ring->nkeys; i++) {
	if (strcmp(ring->keys[i].kid, kid) == 0) {
	    snprintf(err, errlen, "key id %s appears twice", kid);
	    return (-1);
	}
    }
    if (ring->nkeys >= TAG_KEYS_MAX) {
	snprintf(err, errlen, "more than %d keys", TAG_KEYS_MAX);
	return (-1);
    }
    key = ring->keys + ring->nkeys++;
    snprintf(key->kid, sizeof(key->kid), "%s", kid);
    memcpy(key->secret, secret, len);
    key->secret_len = len;
    return (0);
}

void    tag_keyring_clear(TAG_KEYRING *ring)
{
    OPENSSL_cleanse(ring, sizeof(*ring));
    ring->nkeys = 0;
    ring->signing = 0;
}

int     tag_keyring_load(TAG_KEYRING *ring, const char *path, const char *signing_kid,
			         char *err, size_t errlen)
{
    FILE   *fp;
    struct stat st;
    char    line[512];
    int     lineno = 0, status = 0;

    tag_keyring_clear(ring);
    if ((fp = fopen(path, "r")) == NULL) {
	snprintf(err, errlen, "%s: %s", path, strerror(errno));
	return (-1);
    }
    if (fstat(fileno(fp), &st) == 0 && (st.st_mode & (S_IRWXO | S_IWGRP))) {
	snprintf(err, errlen, "%s: others may read or change it (mode %04o); "
		 "make it 0600 or 0640", path, (unsigned) (st.st_mode & 07777));
	fclose(fp);
	return (-1);
    }
    while (status == 0 && fgets(line, sizeof(line), fp) != NULL) {
	char   *cp = line, *kid, *secret;

	lineno++;
	if (strchr(line, '\n') == NULL && !feof(fp)) {
	    snprintf(err, errlen, "%s, line %d: too long", path, lineno);
	    status = -1;
	    break;
	}
	if ((cp = strchr(line, '#')) != NULL)
	    *cp = 0;
	kid = strtok(line, " \t\r\n");
	if (kid == NULL)
	    continue;
	secret = strtok(NULL, " \t\r\n");
	if (secret == NULL || strtok(NULL, " \t\r\n") != NULL) {
	    snprintf(err, errlen, "%s, line %d: want \"KEY-ID SECRET\"", path, lineno);
	    status = -1;
	} else if (tag_keyring_add(ring, kid, secret, strlen(secret), err, errlen) < 0) {
	    char    why[256];

	    snprintf(why, sizeof(why), "%s", err);
	    snprintf(err, errlen, "%s, line %d: %s", path, lineno, why);
	    status = -1;
	}
	OPENSSL_cleanse(line, sizeof(line));
    }
    fclose(fp);
    if (status == 0 && ring->nkeys == 0) {
	snprintf(err, errlen, "%s: no key", path);
	status = -1;
    }
    if (status == 0 && signing_kid != NULL && *signing_kid) {
	ring->signing = -1;
	for (int i = 0; i < ring->nkeys; i++)
	    if (strcmp(ring->keys[i].kid, signing_kid) == 0)
		ring->signing = i;
	if (ring->signing < 0) {
	    snprintf(err, errlen, "%s: no key with id %s to sign with", path, signing_kid);
	    status = -1;
	}
    }
    if (status < 0)
	tag_keyring_clear(ring);
    return (status);
}

void    tag_new_ref(char ref[TAG_REF_LEN + 1])
{
    unsigned char rnd[8];

    if (RAND_bytes(rnd, sizeof(rnd)) != 1) {
	/* No entropy from OpenSSL: still unique enough for a reference. */
	struct timespec ts;
	unsigned long long v;

	clock_gettime(CLOCK_REALTIME, &ts);
	v = (unsigned long long) ts.tv_sec * 1000000000ULL + (unsigned long long) ts.tv_nsec;
	v ^= (unsigned long long) (uintptr_t) & ts;
	memcpy(rnd, &v, sizeof(rnd));
    }
    hmac_b32_bits(rnd, TAG_REF_LEN, ref);
}

long    tag_day(time_t t)
{
    return ((long) (t / 86400));
}

/* tag_mac - the MAC text of (ref, day text, kid) under one key */

static void tag_mac(const TAG_KEY *key, const char *ref, const char *day, const char *kid,
		            char out[TAG_MAC_LEN + 1])
{
    char    msg[TAG_TEXT_MAX + 16];
    int     n = snprintf(msg, sizeof(msg), "la1|%s|%s|%s", ref, day, kid);

    hmac_b32(key->secret, key->secret_len, msg, n > 0 ? (size_t) n : 0, TAG_MAC_LEN, out);
}

/* day_text - a day in base32, most significant digit first */

static void day_text(long day, char *out)
{
    char    tmp[16];
    int     i = 0, j = 0;

    do {
	tmp[i++] = hmac_b32_alphabet[day % 32];
	day /= 32;
    } while (day > 0 && i < (int) sizeof(tmp));
    while (i > 0)
	out[j++] = tmp[--i];
    out[j] = 0;
}

int     tag_make(const TAG_KEYRING *ring, const char *ref, long expires, char *buf,
		         size_t len)
{
    const TAG_KEY *key;
    char    day[16], mac[TAG_MAC_LEN + 1];
    int     n;

    if (ring->nkeys < 1 || ring->signing < 0 || ring->signing >= ring->nkeys
	|| expires < 0 || expires > TAG_DAY_MAX || strlen(ref) != TAG_REF_LEN)
	return (-1);
    for (const char *cp = ref; *cp; cp++)
	if (*cp == 0 || strchr(hmac_b32_alphabet, *cp) == NULL)
	    return (-1);
    key = ring->keys + ring->signing;
    day_text(expires, day);
    tag_mac(key, ref, day, key->kid, mac);
    n = snprintf(buf, len, TAG_MAGIC "%s=%s=%s=%s", ref, day, key->kid, mac);
    return (n > 0 && (size_t) n < len ? n : -1);
}

TAG_STATUS tag_verify(const TAG_KEYRING *ring, const char *text, size_t len, long today,
		              TAG *tag)
{
    char    low[TAG_TEXT_MAX], *field[5], mac[TAG_MAC_LEN + 1];
    const TAG_KEY *key = NULL;
    long    day = 0;
    int     nf = 0;

    memset(tag, 0, sizeof(*tag));
    if (len < sizeof(TAG_MAGIC) || len >= sizeof(low))
	return (TAG_MALFORMED);
    for (size_t i = 0; i < len; i++)
	low[i] = (char) tolower((unsigned char) text[i]);
    low[len] = 0;
    if (strncmp(low, TAG_MAGIC, 4) != 0)
	return (TAG_MALFORMED);
    /* la1 = REF = DAY = KID = MAC */
    for (char *cp = low + 4, *start = cp;; cp++) {
	if (*cp == '=' || *cp == 0) {
	    if (nf >= 4 && *cp == '=')
		return (TAG_MALFORMED);
	    field[nf++] = start;
	    if (*cp == 0)
		break;
	    *cp = 0;
	    start = cp + 1;
	}
    }
    if (nf != 4 || strlen(field[0]) != TAG_REF_LEN || strlen(field[3]) != TAG_MAC_LEN
	|| strlen(field[1]) < 1 || strlen(field[1]) > TAG_DAY_DIGITS_MAX || !kid_ok(field[2], strlen(field[2])))
	return (TAG_MALFORMED);
    for (int f = 0; f < 4; f++) {
	if (f == 2)
	    continue;
	for (const char *cp = field[f]; *cp; cp++)
	    if (hmac_b32_value(*cp) < 0)
		return (TAG_MALFORMED);
    }
    if (field[1][0] == 'a' && field[1][1] != 0)
	return (TAG_MALFORMED);			/* a leading zero digit */
    for (const char *cp = field[1]; *cp; cp++)
	day = day * 32 + hmac_b32_value(*cp);
    for (int i = 0; i < ring->nkeys; i++)
	if (strcmp(ring->keys[i].kid, field[2]) == 0)
	    key = ring->keys + i;
    snprintf(tag->ref, sizeof(tag->ref), "%s", field[0]);
    snprintf(tag->kid, sizeof(tag->kid), "%s", field[2]);
    tag->expires = day;
    if (key == NULL)
	return (TAG_UNKNOWN_KEY);
    tag_mac(key, field[0], field[1], field[2], mac);
    if (!hmac_b32_equal(mac, field[3], TAG_MAC_LEN))
	return (TAG_BAD_MAC);
    if (today > day)
	return (TAG_EXPIRED);
    return (TAG_OK);
}

const char *tag_find(const char *text, size_t len, size_t *taglen)
{
    for (size_t i = 0; i + 4 <= len; i++) {
	size_t  j;

	if (strncasecmp(text + i, TAG_MAGIC, 4) != 0)
	    continue;
	if (i > 0 && (isalnum((unsigned char) text[i - 1]) || text[i - 1] == '='))
	    continue;				/* inside a longer word */
	for (j = i + 4; j < len && (isalnum((unsigned char) text[j]) || text[j] == '='); j++)
	     /* void */ ;
	*taglen = j - i;
	return (text + i);
    }
    *taglen = 0;
    return (NULL);
}

const char *tag_status_name(TAG_STATUS status)
{
    switch (status) {
    case TAG_OK:
	return ("ok");
    case TAG_MALFORMED:
	return ("malformed");
    case TAG_UNKNOWN_KEY:
	return ("unknown_key");
    case TAG_BAD_MAC:
	return ("bad_mac");
    case TAG_EXPIRED:
	return ("expired");
    }
    return ("?");
}
