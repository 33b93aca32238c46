/*
 * test_hint - the CRM hint header: made and verified (Cyrillic owner
 * included), every tampered field caught, unknown keys, stale and future
 * hints, malformed values, the recipient binding.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "unit.h"
#include "hint.h"

static const char S1[] = "0123456789abcdef0123456789abcdef";
static const time_t NOW = 1790000000;

static void ring(TAG_KEYRING *r)
{
    char    err[256];

    memset(r, 0, sizeof(*r));
    assert_int_equal(tag_keyring_add(r, "crm1", S1, strlen(S1), err, sizeof(err)), 0);
}

static HINT sample(void)
{
    HINT    h;

    memset(&h, 0, sizeof(h));
    snprintf(h.contact, sizeof(h.contact), "C-000123");
    snprintf(h.department, sizeof(h.department), "sales");
    snprintf(h.owner, sizeof(h.owner), "Иванов А.");
    snprintf(h.event, sizeof(h.event), "contract");
    snprintf(h.recipient, sizeof(h.recipient), "ivan@customer.test");
    h.when = NOW - 60;
    return (h);
}

static void round_trip(void **state)
{
    TAG_KEYRING r;
    HINT    h = sample(), got;
    char    text[HINT_TEXT_MAX];
    int     n;

    ring(&r);
    n = hint_make(&r, &h, text, sizeof(text));
    assert_true(n > 0);
    for (const char *cp = text; *cp; cp++)
	assert_true((unsigned char) *cp >= 0x20 && (unsigned char) *cp < 0x7f);
    assert_int_equal(strncmp(text, "v=1; c=C-000123; d=sales; o=%D0%98", 34), 0);
    assert_int_equal(hint_verify(&r, text, NOW, 7 * 86400, &got), HINT_OK);
    assert_string_equal(got.owner, "Иванов А.");
    assert_string_equal(got.contact, "C-000123");
    assert_string_equal(got.department, "sales");
    assert_string_equal(got.event, "contract");
    assert_string_equal(got.kid, "crm1");
    assert_int_equal(got.when, NOW - 60);
    assert_int_equal(hint_check_recipient(&got, "ivan@customer.test"), HINT_OK);
    assert_int_equal(hint_check_recipient(&got, "petr@customer.test"), HINT_WRONG_RECIPIENT);
    /* a leading space (header folding) is fine */
    {
	char    spaced[HINT_TEXT_MAX + 2];

	snprintf(spaced, sizeof(spaced), " %s", text);
	assert_int_equal(hint_verify(&r, spaced, NOW, 7 * 86400, &got), HINT_OK);
    }
    /* optional fields left out */
    memset(&h, 0, sizeof(h));
    h.when = NOW;
    assert_true(hint_make(&r, &h, text, sizeof(text)) > 0);
    assert_int_equal(hint_verify(&r, text, NOW, 7 * 86400, &got), HINT_OK);
    assert_int_equal(hint_check_recipient(&got, "anyone@x.test"), HINT_OK);
}

static void tampered(void **state)
{
    TAG_KEYRING r;
    HINT    h = sample(), got;
    char    text[HINT_TEXT_MAX], bad[HINT_TEXT_MAX];
    int     n;

    ring(&r);
    n = hint_make(&r, &h, text, sizeof(text));
    for (int i = 0; i < n; i++) {
	HINT_STATUS st;

	if (strchr("=; ", text[i]) != NULL)
	    continue;
	memcpy(bad, text, (size_t) n + 1);
	bad[i] = bad[i] == 'a' ? 'b' : 'a';
	st = hint_verify(&r, bad, NOW, 7 * 86400, &got);
	assert_true(st != HINT_OK);
    }
    /* contact swapped for another: the MAC says no */
    memcpy(bad, text, (size_t) n + 1);
    memcpy(strstr(bad, "C-000123"), "C-000999", 8);
    assert_int_equal(hint_verify(&r, bad, NOW, 7 * 86400, &got), HINT_BAD_MAC);
}

static void keys_and_time(void **state)
{
    TAG_KEYRING r, other;
    HINT    h = sample(), got;
    char    text[HINT_TEXT_MAX], err[256];

    ring(&r);
    memset(&other, 0, sizeof(other));
    assert_int_equal(tag_keyring_add(&other, "crm2", S1, strlen(S1), err, sizeof(err)), 0);
    assert_true(hint_make(&r, &h, text, sizeof(text)) > 0);
    assert_int_equal(hint_verify(&other, text, NOW, 7 * 86400, &got), HINT_UNKNOWN_KEY);
    assert_int_equal(hint_verify(&r, text, NOW + 8 * 86400, 7 * 86400, &got), HINT_STALE);
    h.when = NOW + 7200;
    assert_true(hint_make(&r, &h, text, sizeof(text)) > 0);
    assert_int_equal(hint_verify(&r, text, NOW, 7 * 86400, &got), HINT_STALE);
    memset(&r, 0, sizeof(r));
    assert_int_equal(hint_make(&r, &h, text, sizeof(text)), -1);
}

static void malformed(void **state)
{
    static const char *bad[] = {
	"", " ", "v=2; t=1790000000; k=crm1; m=aaaaaaaaaaaaaaaaaaaaaaaaaa",
	"t=1790000000; v=1; k=crm1; m=aaaaaaaaaaaaaaaaaaaaaaaaaa",
	"v=1; k=crm1; m=aaaaaaaaaaaaaaaaaaaaaaaaaa",			/* no t */
	"v=1; t=1790000000; m=aaaaaaaaaaaaaaaaaaaaaaaaaa",		/* no k */
	"v=1; t=1790000000; k=crm1",					/* no m */
	"v=1; t=1790000000; k=crm1; m=aaaa",				/* short m */
	"v=1; c=a; c=b; t=1790000000; k=crm1; m=aaaaaaaaaaaaaaaaaaaaaaaaaa",
	"v=1; c=%4; t=1790000000; k=crm1; m=aaaaaaaaaaaaaaaaaaaaaaaaaa",
	"v=1; c=%0A; t=1790000000; k=crm1; m=aaaaaaaaaaaaaaaaaaaaaaaaaa",
	"v=1; c=a b; t=1790000000; k=crm1; m=aaaaaaaaaaaaaaaaaaaaaaaaaa",
	"v=1; t=-5; k=crm1; m=aaaaaaaaaaaaaaaaaaaaaaaaaa",
	"v=1; t=12x; k=crm1; m=aaaaaaaaaaaaaaaaaaaaaaaaaa",
	"v=1; t=1790000000; k=crm1; m=aaaaaaaaaaaaaaaaaaaaaaaaaa;",
	"v=1; t=1790000000; k=crm1; m=aaaaaaaaaaaaaaaaaaaaaaaaaa; x=1",
	"v=1; x=1; t=1790000000; k=crm1; m=aaaaaaaaaaaaaaaaaaaaaaaaaa",
	"v=1; t=1790000000; k=crm1xxxxxxxxxx; m=aaaaaaaaaaaaaaaaaaaaaaaaaa",
	"v=1;; t=1790000000; k=crm1; m=aaaaaaaaaaaaaaaaaaaaaaaaaa",
    };
    TAG_KEYRING r;
    HINT    got;
    char   *huge = malloc(HINT_TEXT_MAX * 4);

    ring(&r);
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
	HINT_STATUS st = hint_verify(&r, bad[i], NOW, 7 * 86400, &got);

	if (st != HINT_MALFORMED)
	    fprintf(stderr, "# case %zu: %s\n", i, hint_status_name(st));
	assert_int_equal(st, HINT_MALFORMED);
    }
    memset(huge, 'c', HINT_TEXT_MAX * 4 - 1);
    huge[HINT_TEXT_MAX * 4 - 1] = 0;
    memcpy(huge, "v=1; c=", 7);
    assert_int_equal(hint_verify(&r, huge, NOW, 0, &got), HINT_MALFORMED);
    free(huge);
}

static void ours(void **state)
{
    assert_true(hint_is_ours("X-Liveaddr-Hint"));
    assert_true(hint_is_ours("x-liveaddr-tag"));
    assert_false(hint_is_ours("X-Mailer"));
    assert_false(hint_is_ours("X-Liveadd"));
}

int     main(void)
{
    const struct CMUnitTest tests[] = {
	cmocka_unit_test(round_trip),
	cmocka_unit_test(tampered),
	cmocka_unit_test(keys_and_time),
	cmocka_unit_test(malformed),
	cmocka_unit_test(ours),
    };

    return (UNIT_RUN(tests));
}
