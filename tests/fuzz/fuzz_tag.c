/*++
 * NAME
 *	fuzz_tag 1
 * SUMMARY
 *	libFuzzer target: finding, reading and making signed tags
 * SYNOPSIS
 *	built and run by tests/fuzz/fuzz-run.sh (clang -fsanitize=fuzzer)
 * DESCRIPTION
 *	Each input is used three ways, with a fixed ring of two keys:
 *
 *	1. As text: tag_find() looks for a tag in it (what it returns must
 *	   lie inside the input), and what it finds, then the whole input,
 *	   go through tag_verify().  A tag that verifies (TAG_OK or
 *	   TAG_EXPIRED) must name a key of the ring and a reference of
 *	   TAG_REF_LEN base32 characters.
 *
 *	2. As a recipe for a tag: its first TAG_REF_LEN bytes give a
 *	   reference (each byte's low five bits pick a base32 digit), the
 *	   next eight an expiry day (little-endian, taken as a long), the
 *	   next one the signing key.  tag_make() must refuse a negative
 *	   day and make a tag, of lowercase letters, digits and "=" only,
 *	   for any day below 2^30 (six base32 digits, as far as
 *	   tag_verify() reads: the year 2.9 million); for a later day it
 *	   may refuse.  A tag it makes must verify TAG_OK on its last day
 *	   with the same reference, day and key, and TAG_EXPIRED the day
 *	   after.
 *
 *	3. As damage to that tag: every byte of it in turn, and one more
 *	   the input chooses, is replaced by a byte the input chooses.  No
 *	   such tag may verify (TAG_OK or TAG_EXPIRED: its MAC accepted).
 *	   A replacement that only changes the case of a letter is not
 *	   damage: tags are read in either case by design (MTAs change the
 *	   case of local parts), so it is skipped.
 *
 *	A broken property calls abort(), which is how libFuzzer is told;
 *	crashes and sanitizer reports are libFuzzer's to find.
 * MEMORY
 *	No allocation: a static ring and buffers on the stack.
 *--*/

#include "config.h"

#include <ctype.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tag.h"
#include "fuzz.h"

#define FUZZ_TODAY	20000L		/* a day in 2024 */
#define FUZZ_DAY_LIMIT	(1L << 30)	/* days that six base32 digits name,
					 * all tag_verify() reads: every day
					 * below must make a tag */

int     LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char b32[] = "abcdefghijklmnopqrstuvwxyz234567";

/* fuzz_ring - the fixed two-key ring; signing is k1 or k2 */

static const TAG_KEYRING *fuzz_ring(int signing)
{
    static TAG_KEYRING ring[2];
    static int done;
    char    err[256];

    if (!done) {
	for (int i = 0; i < 2; i++) {
	    memset(ring + i, 0, sizeof(ring[i]));
	    if (tag_keyring_add(ring + i, "k1", "fuzz-secret-one-0123456789", 26,
				err, sizeof(err)) != 0
		|| tag_keyring_add(ring + i, "k2", "fuzz-secret-two-9876543210", 26,
				   err, sizeof(err)) != 0)
		abort();			/* the harness is broken */
	    ring[i].signing = i;
	}
	done = 1;
    }
    return (ring + (signing & 1));
}

/* verified - the MAC was accepted */

static int verified(TAG_STATUS st)
{
    return (st == TAG_OK || st == TAG_EXPIRED);
}

/* check_verified - what a tag that verified must say */

static void check_verified(const TAG *tag)
{
    CHECK(strlen(tag->ref) == TAG_REF_LEN);
    for (const char *cp = tag->ref; *cp; cp++)
	CHECK(strchr(b32, *cp) != NULL);
    CHECK(strcmp(tag->kid, "k1") == 0 || strcmp(tag->kid, "k2") == 0);
    CHECK(tag->expires >= 0);
}

/* as_text - tag_find() and tag_verify() over the input */

static void as_text(const uint8_t *data, size_t size)
{
    const char *text = (const char *) data;
    const char *t;
    size_t  tlen;
    TAG     tag;
    TAG_STATUS st;

    if ((t = tag_find(text, size, &tlen)) != NULL) {
	CHECK(t >= text && tlen >= 4 && tlen <= size && (size_t) (t - text) <= size - tlen);
	if (verified(st = tag_verify(fuzz_ring(0), t, tlen, FUZZ_TODAY, &tag)))
	    check_verified(&tag);
    } else
	CHECK(tlen == 0);
    if (verified(st = tag_verify(fuzz_ring(0), text, size, FUZZ_TODAY, &tag)))
	check_verified(&tag);
}

/* damaged - one byte of a good tag replaced: it must not verify */

static void damaged(const char *good, int n, int pos, int byte)
{
    char    bad[TAG_TEXT_MAX];
    TAG     tag;
    TAG_STATUS st;

    if (good[pos] == (char) byte
	|| tolower((unsigned char) good[pos]) == tolower((unsigned char) byte))
	return;					/* no change, or only of case */
    memcpy(bad, good, (size_t) n);
    bad[pos] = (char) byte;
    bad[n] = 0;
    st = tag_verify(fuzz_ring(0), bad, (size_t) n, FUZZ_TODAY, &tag);
    if (verified(st))
	fprintf(stderr, "fuzz_tag: \"%s\" changed at %d to \"%s\": %s\n", good, pos, bad,
		tag_status_name(st));
    CHECK(!verified(st));
}

/* round_trip - a tag made from the input verifies; damaged, it does not */

static void round_trip(const uint8_t *data, size_t size)
{
    char    ref[TAG_REF_LEN + 1], text[TAG_TEXT_MAX];
    uint64_t raw = 0;
    long    expires;
    int     signing, n, pos, byte;
    TAG     tag;
    TAG_STATUS st;

    if (size < TAG_REF_LEN + 8 + 1 + 2)
	return;
    for (int i = 0; i < TAG_REF_LEN; i++)
	ref[i] = b32[data[i] & 31];
    ref[TAG_REF_LEN] = 0;
    for (int i = 0; i < 8; i++)
	raw |= (uint64_t) data[TAG_REF_LEN + i] << (8 * i);
    expires = (long) raw;
    signing = data[TAG_REF_LEN + 8] & 1;
    pos = data[TAG_REF_LEN + 9];
    byte = data[TAG_REF_LEN + 10];

    n = tag_make(fuzz_ring(signing), ref, expires, text, sizeof(text));
    if (expires < 0) {
	CHECK(n < 0);
	return;
    }
    if (expires >= FUZZ_DAY_LIMIT && n < 0)
	return;					/* refused: fine out there */
    CHECK(n > 0 && (size_t) n < sizeof(text) && strlen(text) == (size_t) n);
    for (int i = 0; i < n; i++)
	CHECK(islower((unsigned char) text[i]) || isdigit((unsigned char) text[i])
	      || text[i] == '=');
    st = tag_verify(fuzz_ring(0), text, (size_t) n, expires, &tag);
    if (st != TAG_OK)
	fprintf(stderr, "fuzz_tag: tag_make(ref %s, expires %ld) made \"%s\": %s\n",
		ref, expires, text, tag_status_name(st));
    CHECK(st == TAG_OK);
    CHECK(strcmp(tag.ref, ref) == 0 && tag.expires == expires
	  && strcmp(tag.kid, signing ? "k2" : "k1") == 0);
    if (expires < LONG_MAX)
	CHECK(tag_verify(fuzz_ring(0), text, (size_t) n, expires + 1, &tag) == TAG_EXPIRED);
    /* every byte damaged once, then the one the input names */
    for (int i = 0; i < n; i++)
	damaged(text, n, i, (byte ^ (i * 37)) & 0xff);
    damaged(text, n, pos % n, byte);
}

/* LLVMFuzzerTestOneInput - one input, three uses */

int     LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    as_text(data, size);
    round_trip(data, size);
    return (0);
}
