/*
 * test_tag - the signed tag: made and verified, any case; forged,
 * unknown-key, expired and damaged tags refused; keys rotate; key files
 * are read strictly; tags are found in header and address text.
 */
#include "config.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "unit.h"
#include "tag.h"

static const char S1[] = "0123456789abcdef0123456789abcdef";
static const char S2[] = "fedcba9876543210fedcba9876543210";

static void ring_with(TAG_KEYRING *ring, int nkeys, int signing)
{
    char    err[256];

    memset(ring, 0, sizeof(*ring));
    assert_int_equal(tag_keyring_add(ring, "k1", S1, strlen(S1), err, sizeof(err)), 0);
    if (nkeys > 1)
	assert_int_equal(tag_keyring_add(ring, "k2", S2, strlen(S2), err, sizeof(err)), 0);
    ring->signing = signing;
}

static void made_and_verified(void **state)
{
    TAG_KEYRING ring;
    char    ref[TAG_REF_LEN + 1], text[TAG_TEXT_MAX];
    TAG     tag;
    int     n;

    ring_with(&ring, 1, 0);
    tag_new_ref(ref);
    assert_int_equal(strlen(ref), TAG_REF_LEN);
    n = tag_make(&ring, ref, 20500, text, sizeof(text));
    assert_true(n > 0 && n < 64);
    assert_int_equal(strncmp(text, "la1=", 4), 0);
    for (const char *cp = text; *cp; cp++)
	assert_true((*cp >= 'a' && *cp <= 'z') || (*cp >= '0' && *cp <= '9') || *cp == '=');
    assert_int_equal(tag_verify(&ring, text, (size_t) n, 20500, &tag), TAG_OK);
    assert_string_equal(tag.ref, ref);
    assert_string_equal(tag.kid, "k1");
    assert_int_equal(tag.expires, 20500);
    /* an MTA that upper-cases local parts */
    for (char *cp = text; *cp; cp++)
	*cp = (char) toupper((unsigned char) *cp);
    assert_int_equal(tag_verify(&ring, text, (size_t) n, 20500, &tag), TAG_OK);
    /* two references differ */
    {
	char    other[TAG_REF_LEN + 1];

	tag_new_ref(other);
	assert_string_not_equal(ref, other);
    }
}

static void forged_and_expired(void **state)
{
    TAG_KEYRING ring, other;
    char    text[TAG_TEXT_MAX], bad[TAG_TEXT_MAX];
    TAG     tag;
    int     n;

    ring_with(&ring, 1, 0);
    n = tag_make(&ring, "abcdefghijkl", 20500, text, sizeof(text));
    assert_true(n > 0);
    assert_int_equal(tag_verify(&ring, text, (size_t) n, 20501, &tag), TAG_EXPIRED);
    assert_string_equal(tag.ref, "abcdefghijkl");
    /* every single changed character of the MAC, ref, day or kid is caught */
    for (int i = 4; i < n; i++) {
	TAG_STATUS st;

	if (text[i] == '=')
	    continue;
	memcpy(bad, text, (size_t) n + 1);
	bad[i] = bad[i] == 'b' ? 'c' : 'b';
	st = tag_verify(&ring, bad, (size_t) n, 20400, &tag);
	assert_true(st == TAG_BAD_MAC || st == TAG_UNKNOWN_KEY || st == TAG_MALFORMED);
    }
    /* the same key id with another secret: forged */
    memset(&other, 0, sizeof(other));
    {
	char    err[256];

	assert_int_equal(tag_keyring_add(&other, "k1", S2, strlen(S2), err, sizeof(err)), 0);
    }
    assert_int_equal(tag_verify(&other, text, (size_t) n, 20400, &tag), TAG_BAD_MAC);
    /* a key we do not have */
    memcpy(bad, text, (size_t) n + 1);
    {
	char   *kid = strstr(bad + 4, "=k1=");

	assert_non_null(kid);
	kid[2] = '9';
    }
    assert_int_equal(tag_verify(&ring, bad, (size_t) n, 20400, &tag), TAG_UNKNOWN_KEY);
}

static void keys_rotate(void **state)
{
    TAG_KEYRING old, now;
    char    t1[TAG_TEXT_MAX], t2[TAG_TEXT_MAX];
    TAG     tag;
    int     n1, n2;

    ring_with(&old, 1, 0);
    n1 = tag_make(&old, "aaaaaaaaaaaa", 20500, t1, sizeof(t1));
    ring_with(&now, 2, 1);			/* k2 signs, k1 retired */
    n2 = tag_make(&now, "bbbbbbbbbbbb", 20500, t2, sizeof(t2));
    assert_non_null(strstr(t2, "=k2="));
    assert_int_equal(tag_verify(&now, t1, (size_t) n1, 20500, &tag), TAG_OK);
    assert_string_equal(tag.kid, "k1");
    assert_int_equal(tag_verify(&now, t2, (size_t) n2, 20500, &tag), TAG_OK);
    assert_int_equal(tag_verify(&old, t2, (size_t) n2, 20500, &tag), TAG_UNKNOWN_KEY);
}

static void malformed(void **state)
{
    static const char *bad[] = {
	"", "la1", "la1=", "la1====", "la2=abcdefghijkl=t2a=k1=abcdefghijklmnop",
	"la1=abcdefghijk=t2a=k1=abcdefghijklmnop",	/* ref too short */
	"la1=abcdefghijklm=t2a=k1=abcdefghijklmnop",	/* ref too long */
	"la1=abcdefghij1l=t2a=k1=abcdefghijklmnop",	/* 1 is not base32 */
	"la1=abcdefghijkl=t2a=k1=abcdefghijklmno",	/* MAC too short */
	"la1=abcdefghijkl==k1=abcdefghijklmnop",	/* no day */
	"la1=abcdefghijkl=aaab=k1=abcdefghijklmnop",	/* leading zero */
	"la1=abcdefghijkl=ttttttt=k1=abcdefghijklmnop",	/* day too long */
	"la1=abcdefghijkl=t2a==abcdefghijklmnop",	/* no key id */
	"la1=abcdefghijkl=t2a=k_1=abcdefghijklmnop",	/* bad key id */
	"la1=abcdefghijkl=t2a=k123456789=abcdefghijklmnop",
	"la1=abcdefghijkl=t2a=k1=abcdefghijklmnop=extra",
	"la1=abcdefghijkl=t2a=k1=abcdefghijklmnop@x",
    };
    TAG_KEYRING ring;
    TAG     tag;
    char    huge[4096];

    ring_with(&ring, 1, 0);
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
	assert_int_equal(tag_verify(&ring, bad[i], strlen(bad[i]), 20000, &tag), TAG_MALFORMED);
    memset(huge, 'a', sizeof(huge));
    memcpy(huge, "la1=", 4);
    assert_int_equal(tag_verify(&ring, huge, sizeof(huge), 20000, &tag), TAG_MALFORMED);
    /* an empty ring signs nothing */
    memset(&ring, 0, sizeof(ring));
    assert_int_equal(tag_make(&ring, "abcdefghijkl", 1, huge, sizeof(huge)), -1);
    ring_with(&ring, 1, 0);
    assert_int_equal(tag_make(&ring, "ABCDEFGHIJKL", 1, huge, sizeof(huge)), -1);
    assert_int_equal(tag_make(&ring, "abcdefghijkl", 1, huge, 20), -1);
    /* days beyond what tag_verify() reads are refused, the last one round-trips */
    assert_int_equal(tag_make(&ring, "abcdefghijkl", TAG_DAY_MAX + 1, huge, sizeof(huge)), -1);
    assert_int_equal(tag_make(&ring, "abcdefghijkl", -1, huge, sizeof(huge)), -1);
    assert_true(tag_make(&ring, "abcdefghijkl", TAG_DAY_MAX, huge, sizeof(huge)) > 0);
    assert_int_equal(tag_verify(&ring, huge, strlen(huge), TAG_DAY_MAX, &tag), TAG_OK);
    assert_int_equal(tag.expires, TAG_DAY_MAX);
    assert_true(tag_make(&ring, "abcdefghijkl", 0, huge, sizeof(huge)) > 0);
    assert_int_equal(tag_verify(&ring, huge, strlen(huge), 0, &tag), TAG_OK);
}

static void found_in_text(void **state)
{
    const char *hdr = "X-Liveaddr-Tag: LA1=ABCDEFGHIJKL=T2A=K1=ABCDEFGHIJKLMNOP\r\n";
    const char *addr = "<la1=abcdefghijkl=t2a=k1=abcdefghijklmnop@bounce.dealer.test>";
    const char *inside = "xla1=abcdefghijkl=t2a=k1=abcdefghijklmnop";
    size_t  len;
    const char *t;

    t = tag_find(hdr, strlen(hdr), &len);
    assert_non_null(t);
    assert_int_equal(len, strlen("la1=abcdefghijkl=t2a=k1=abcdefghijklmnop"));
    t = tag_find(addr, strlen(addr), &len);
    assert_non_null(t);
    assert_int_equal(t[len], '@');
    assert_null(tag_find(inside, strlen(inside), &len));
    assert_null(tag_find("no tag here", 11, &len));
}

static void key_files(void **state)
{
    char    dir[] = "/tmp/liveaddr-tag.XXXXXX", path[64], err[256];
    TAG_KEYRING ring;
    FILE   *fp;

    assert_non_null(mkdtemp(dir));
    snprintf(path, sizeof(path), "%s/keys", dir);
    fp = fopen(path, "w");
    fprintf(fp, "# tag keys\nk1 %s\n\nk2 %s   # new\n", S1, S2);
    fclose(fp);
    chmod(path, 0600);
    assert_int_equal(tag_keyring_load(&ring, path, "k2", err, sizeof(err)), 0);
    assert_int_equal(ring.nkeys, 2);
    assert_string_equal(ring.keys[ring.signing].kid, "k2");
    assert_int_equal(tag_keyring_load(&ring, path, NULL, err, sizeof(err)), 0);
    assert_string_equal(ring.keys[ring.signing].kid, "k1");
    assert_int_equal(tag_keyring_load(&ring, path, "k3", err, sizeof(err)), -1);
    assert_non_null(strstr(err, "k3"));
    chmod(path, 0644);
    assert_int_equal(tag_keyring_load(&ring, path, NULL, err, sizeof(err)), -1);
    assert_non_null(strstr(err, "others may read"));
    fp = fopen(path, "w");
    fprintf(fp, "k1 short\n");
    fclose(fp);
    chmod(path, 0600);
    assert_int_equal(tag_keyring_load(&ring, path, NULL, err, sizeof(err)), -1);
    assert_non_null(strstr(err, "line 1"));
    fp = fopen(path, "w");
    fprintf(fp, "k1 %s\nk1 %s\n", S1, S2);
    fclose(fp);
    assert_int_equal(tag_keyring_load(&ring, path, NULL, err, sizeof(err)), -1);
    assert_non_null(strstr(err, "twice"));
    assert_int_equal(ring.nkeys, 0);
    unlink(path);
    assert_int_equal(tag_keyring_load(&ring, path, NULL, err, sizeof(err)), -1);
    rmdir(dir);
}

int     main(void)
{
    const struct CMUnitTest tests[] = {
	cmocka_unit_test(made_and_verified),
	cmocka_unit_test(forged_and_expired),
	cmocka_unit_test(keys_rotate),
	cmocka_unit_test(malformed),
	cmocka_unit_test(found_in_text),
	cmocka_unit_test(key_files),
    };

    return (UNIT_RUN(tests));
}
