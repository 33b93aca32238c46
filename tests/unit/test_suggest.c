/*
 * test_suggest - loading the suggestion lists.
 *
 * The lists are data an operator edits: a missing file or a bad line must
 * fail the load with "file:line: item: problem", so a broken update is
 * noticed and the previous lists kept.  A good edit takes effect on the
 * next load, without a rebuild.  Each case writes a small data directory
 * under tests/tmp and loads it.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "unit.h"
#include "addr.h"
#include "suggest.h"

#ifndef TEST_DATADIR
#define TEST_DATADIR "data"
#endif

static char dir[256];

/* The five lists of a small, good data directory. */
static const char *const good[][2] = {
    {"typo-domains.txt", "# providers\nmail.ru\ngmail.com\nbk.ru\nпочта.рф\n"},
    {"regional-domains.txt", "mail.com\n\n   # indented comment\n"},
    {"disposable-domains.txt", "mailinator.com  # trailing comment\r\n"},
    {"role-locals.txt", "info\nNo-Reply\n"},
    {"typo-map.txt", "\xEF\xBB\xBF.ry .ru\ngmial.com\tgmail.com\n"},	/* BOM */
};

#define NLISTS	(sizeof(good) / sizeof(good[0]))

/* write_file - one file in the test directory */

static void write_file(const char *name, const char *text)
{
    char    path[512];
    FILE   *fp;

    snprintf(path, sizeof(path), "%s/%s", dir, name);
    assert_non_null(fp = fopen(path, "w"));
    fputs(text, fp);
    assert_int_equal(fclose(fp), 0);
}

/* write_lists - the good lists, with one file's text replaced */

static void write_lists(const char *name, const char *text)
{
    for (size_t i = 0; i < NLISTS; i++)
	write_file(good[i][0], strcmp(good[i][0], name ? name : "") == 0
		   ? text : good[i][1]);
}

/* setup - a fresh directory per test */

static int setup(void **state)
{
    static int seq;

    (void) mkdir("tests", 0755);
    (void) mkdir("tests/tmp", 0755);
    snprintf(dir, sizeof(dir), "tests/tmp/suggest.%ld.%d", (long) getpid(), seq++);
    if (mkdir(dir, 0755) < 0 && errno != EEXIST)
	return (-1);
    return (0);
}

/* teardown - remove the directory */

static int teardown(void **state)
{
    char    path[512];

    for (size_t i = 0; i < NLISTS; i++) {
	snprintf(path, sizeof(path), "%s/%s", dir, good[i][0]);
	(void) unlink(path);
    }
    (void) rmdir(dir);
    return (0);
}

/* check - suggestion flags and address for one input */

static void check(const SUGGEST *sg, const char *in, unsigned flags, const char *want)
{
    SUGGESTION s;
    int     k = suggest_check(sg, in, strlen(in), NULL, &s);

    assert_int_equal(s.flags, flags);
    assert_int_equal(k, want != NULL);
    assert_string_equal(s.address, want ? want : "");
}

/* loads_good_lists - comments, blanks, CRLF, a BOM, case, Unicode domains */

static void loads_good_lists(void **state)
{
    char    err[512];
    SUGGEST *sg;

    write_lists(NULL, NULL);
    assert_non_null(sg = suggest_load(dir, err, sizeof(err)));
    assert_string_equal(err, "");
    check(sg, "ivan@mail.ru", SUGGEST_F_FREEMAIL, NULL);
    check(sg, "ivan@xn--80a1acny.xn--p1ai", SUGGEST_F_FREEMAIL, NULL);
    check(sg, "ivan@mail.com", SUGGEST_F_REGIONAL, NULL);
    check(sg, "x@mailinator.com", SUGGEST_F_DISPOSABLE, NULL);
    check(sg, "no-reply@x.ru", SUGGEST_F_ROLE, NULL);
    check(sg, "ivan@gmial.com", SUGGEST_F_TYPO, "ivan@gmail.com");
    check(sg, "ivan@bk.ry", SUGGEST_F_TYPO, "ivan@bk.ru");
    /* Not in this small yandex-less list: no suggestion. */
    check(sg, "ivan@yandx.ru", 0, NULL);
    suggest_free(sg);
}

/* edits_take_effect - a new load sees the edited list */

static void edits_take_effect(void **state)
{
    char    err[512];
    SUGGEST *sg;

    write_lists(NULL, NULL);
    assert_non_null(sg = suggest_load(dir, err, sizeof(err)));
    check(sg, "x@throwaway.example", 0, NULL);
    suggest_free(sg);

    write_lists("disposable-domains.txt", "mailinator.com\nthrowaway.example\n");
    assert_non_null(sg = suggest_load(dir, err, sizeof(err)));
    check(sg, "x@throwaway.example", SUGGEST_F_DISPOSABLE, NULL);
    suggest_free(sg);
}

/* bad_lines - each problem named with its file and line */

static void bad_lines(void **state)
{
    static const struct {
	const char *file;
	const char *text;
	const char *want;		/* after "dir/" */
    }       cases[] = {
	{"typo-domains.txt", "mail.ru\nmail,ru\n",
	"typo-domains.txt:2: mail,ru: The address contains a comma; a dot was probably meant."},
	{"typo-domains.txt", "mail.ru gmail.com\n", "typo-domains.txt:1: expected 1 word"},
	{"regional-domains.txt", "localhost\n",
	"regional-domains.txt:1: localhost: The domain has no dot: the zone, such as .ru or .com, is missing."},
	{"role-locals.txt", "in fo\n", "role-locals.txt:1: expected 1 word"},
	{"role-locals.txt", "a@b\n", "role-locals.txt:1: a@b: not a local part"},
	{"typo-map.txt", "gmial.com\n", "typo-map.txt:1: expected 2 words"},
	{"typo-map.txt", "gmial.com yahoo.com\n",
	"typo-map.txt:1: gmial.com: yahoo.com is not in typo-domains.txt"},
	{"typo-map.txt", "mail.com mail.ru\n",
	"typo-map.txt:1: mail.com: mail.com is a real domain (a provider or regional)"},
	{"typo-map.txt", ".RY .ru\n",
	"typo-map.txt:1: .RY: a zone slip is two zones, such as \".ry .ru\" (lower case)"},
    };

    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
	char    err[512];
	char    want[600];

	write_lists(cases[i].file, cases[i].text);
	assert_null(suggest_load(dir, err, sizeof(err)));
	snprintf(want, sizeof(want), "%s/%s", dir, cases[i].want);
	assert_string_equal(err, want);
    }
}

/* missing_file - a missing list fails the load */

static void missing_file(void **state)
{
    char    err[512];
    char    path[512];

    write_lists(NULL, NULL);
    snprintf(path, sizeof(path), "%s/role-locals.txt", dir);
    assert_int_equal(unlink(path), 0);
    assert_null(suggest_load(dir, err, sizeof(err)));
    assert_non_null(strstr(err, "role-locals.txt: No such file or directory"));
    assert_null(suggest_load("/nonexistent/liveaddr", err, sizeof(err)));
    assert_non_null(strstr(err, "/nonexistent/liveaddr/typo-domains.txt"));
    /* No error buffer: still NULL, no crash. */
    assert_null(suggest_load("/nonexistent/liveaddr", NULL, 0));
}

/* nul_byte - a NUL in a list is an error, not a silent cut */

static void nul_byte(void **state)
{
    char    err[512];
    char    path[512];
    FILE   *fp;

    write_lists(NULL, NULL);
    snprintf(path, sizeof(path), "%s/role-locals.txt", dir);
    assert_non_null(fp = fopen(path, "w"));
    fwrite("info\nsa\0les\n", 1, 12, fp);
    assert_int_equal(fclose(fp), 0);
    assert_null(suggest_load(dir, err, sizeof(err)));
    assert_non_null(strstr(err, "role-locals.txt:2: NUL byte in line"));
}

/* shipped_lists - the lists in data/ load and are sane */

static void shipped_lists(void **state)
{
    char    err[512];
    SUGGEST *sg;

    assert_non_null(sg = suggest_load(TEST_DATADIR, err, sizeof(err)));
    /* Every regional domain is left alone, whatever the providers. */
    check(sg, "a@yandex.by", SUGGEST_F_FREEMAIL | SUGGEST_F_REGIONAL, NULL);
    check(sg, "a@gmail.ru", SUGGEST_F_REGIONAL, NULL);
    check(sg, "a@icloud.ru", SUGGEST_F_REGIONAL, NULL);
    suggest_free(sg);
    suggest_free(NULL);
}

/* null_lists - suggest_check() with no lists says nothing */

static void null_lists(void **state)
{
    SUGGESTION s;

    assert_int_equal(suggest_check(NULL, "ivan@gmial.com", 14, NULL, &s), 0);
    assert_int_equal(s.flags, 0);
    assert_string_equal(s.address, "");
}

int     main(void)
{
    const struct CMUnitTest tests[] = {
	cmocka_unit_test_setup_teardown(loads_good_lists, setup, teardown),
	cmocka_unit_test_setup_teardown(edits_take_effect, setup, teardown),
	cmocka_unit_test_setup_teardown(bad_lines, setup, teardown),
	cmocka_unit_test_setup_teardown(missing_file, setup, teardown),
	cmocka_unit_test_setup_teardown(nul_byte, setup, teardown),
	cmocka_unit_test(shipped_lists),
	cmocka_unit_test(null_lists),
    };

    return (UNIT_RUN(tests));
}
