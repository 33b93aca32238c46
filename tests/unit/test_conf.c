/*
 * test_conf - the "Name value" configuration parser.
 *
 * Each case gives a file text and what the parser must make of it: the
 * values, or the errors with their line numbers.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "unit.h"
#include "conf.h"

static const CONF_KEY keys[] = {
    {"Socket", CONF_STR, "local:/run/liveaddr/milter.sock", 0, 0, NULL, CONF_FLAG_RESTART, "socket"},
    {"Workers", CONF_INT, "4", 1, 64, NULL, 0, "workers"},
    {"Foreground", CONF_BOOL, "no", 0, 0, NULL, 0, "foreground"},
    {"DNSTimeout", CONF_SECONDS, "5s", 1, 60, NULL, 0, "dns budget"},
    {"TagLifetime", CONF_SECONDS, "10d", 0, 0, NULL, 0, "tag life"},
    {"OnFailure", CONF_ENUM, "continue", 0, 0, "continue|tempfail", 0, "policy"},
    {"Nameservers", CONF_LIST, "127.0.0.1", 0, 0, NULL, 0, "servers"},
    {"RedisPassword", CONF_STR, NULL, 0, 0, NULL, CONF_FLAG_SECRET, "password"},
    {"RedisTimeout", CONF_MILLIS, "1s", 1, 60000, NULL, 0, "command timeout"},
};
#define NKEYS (sizeof(keys) / sizeof(keys[0]))

static CONF *load(const char *text, int *nerr)
{
    CONF   *conf = conf_new(keys, NKEYS);

    assert_non_null(conf);
    *nerr = conf_load_text(conf, "test.conf", text, strlen(text));
    return (conf);
}

/* defaults hold when the file says nothing */
static void defaults(void **state)
{
    int     nerr;
    CONF   *conf = load("# only a comment\n\n   \n", &nerr);

    assert_int_equal(nerr, 0);
    assert_string_equal(conf_str(conf, "socket"), "local:/run/liveaddr/milter.sock");
    assert_int_equal(conf_int(conf, "Workers"), 4);
    assert_false(conf_bool(conf, "Foreground"));
    assert_int_equal(conf_int(conf, "DNSTimeout"), 5);
    assert_int_equal(conf_int(conf, "TagLifetime"), 10 * 86400);
    assert_string_equal(conf_str(conf, "OnFailure"), "continue");
    assert_int_equal(conf_list_count(conf, "Nameservers"), 1);
    assert_null(conf_str(conf, "RedisPassword"));
    assert_int_equal(conf_source_line(conf, "Workers"), 0);
    conf_free(conf);
}

/* values of every type, names in any case, CRLF, tabs, trailing blanks */
static void values(void **state)
{
    int     nerr;
    CONF   *conf = load("socket\tinet:8894@127.0.0.1  \r\n"
			"WORKERS 16\n"
			"Foreground yes\n"
			"DNSTimeout 1m\n"
			"TagLifetime 2w\n"
			"OnFailure TEMPFAIL\n"
			"Nameservers 127.0.0.1, [::1]:5300\n"
			"Nameservers 192.0.2.53\n"
			"RedisPassword pa#ss word\n", &nerr);

    assert_int_equal(nerr, 0);
    assert_string_equal(conf_str(conf, "Socket"), "inet:8894@127.0.0.1");
    assert_int_equal(conf_int(conf, "Workers"), 16);
    assert_true(conf_bool(conf, "Foreground"));
    assert_int_equal(conf_int(conf, "DNSTimeout"), 60);
    assert_int_equal(conf_int(conf, "TagLifetime"), 14 * 86400);
    assert_string_equal(conf_str(conf, "OnFailure"), "tempfail");
    /* a list given in the file replaces the default, and repeats add up */
    assert_int_equal(conf_list_count(conf, "Nameservers"), 3);
    assert_string_equal(conf_list_item(conf, "Nameservers", 1), "[::1]:5300");
    assert_string_equal(conf_list_item(conf, "Nameservers", 2), "192.0.2.53");
    /* "#" inside a value belongs to the value */
    assert_string_equal(conf_str(conf, "RedisPassword"), "pa#ss word");
    assert_int_equal(conf_source_line(conf, "Workers"), 2);
    conf_free(conf);
}

/* every problem is reported, each with its line, and parsing goes on */
static void errors_with_lines(void **state)
{
    int     nerr;
    CONF   *conf = load("Workers 8\n"		/* 1 ok */
			"Wrokers 8\n"		/* 2 unknown name */
			"Workers 9\n"		/* 3 set twice */
			"Foreground maybe\n"	/* 4 not a bool */
			"DNSTimeout 90s\n"	/* 5 out of range */
			"DNSTimeout2 1\n"	/* 6 unknown */
			"OnFailure reject\n"	/* 7 not a choice */
			"Socket\n"		/* 8 no value */
			"TagLifetime 3 days\n"	/* 9 not a time */
			"Workers 1x\n", &nerr);	/* 10 twice (reported as twice) */

    assert_int_equal(nerr, 9);
    assert_string_equal(conf_error(conf, 0), "test.conf:2: unknown name \"Wrokers\"");
    assert_string_equal(conf_error(conf, 1), "test.conf:3: Workers is already set at line 1");
    assert_string_equal(conf_error(conf, 2), "test.conf:4: Foreground: \"maybe\" is not yes or no");
    assert_string_equal(conf_error(conf, 3), "test.conf:5: DNSTimeout: 90 is out of range (1 to 60)");
    assert_string_equal(conf_error(conf, 4), "test.conf:6: unknown name \"DNSTimeout2\"");
    assert_string_equal(conf_error(conf, 5),
			"test.conf:7: OnFailure: \"reject\" is not one of continue|tempfail");
    assert_string_equal(conf_error(conf, 6), "test.conf:8: Socket needs a value");
    assert_string_equal(conf_error(conf, 7),
			"test.conf:9: TagLifetime: \"3 days\" is not a time (a number with s, m, h, d or w)");
    assert_string_equal(conf_error(conf, 8), "test.conf:10: Workers is already set at line 1");
    /* the good line still took effect */
    assert_int_equal(conf_int(conf, "Workers"), 8);
    conf_free(conf);
}

/* a bad number keeps the default and says why */
static void bad_numbers(void **state)
{
    static const char *const bad[] = {
	"Workers 0\n", "Workers 65\n", "Workers -3x\n", "Workers 99999999999999999999\n",
	"DNSTimeout 5y\n", "DNSTimeout s\n", "TagLifetime 999999999999999999w\n",
    };

    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
	int     nerr;
	CONF   *conf = load(bad[i], &nerr);

	assert_int_equal(nerr, 1);
	assert_int_equal(conf_int(conf, "Workers"), 4);
	conf_free(conf);
    }
}

/* a NUL byte, a missing final newline, a very long line */
static void odd_bytes(void **state)
{
    static const char nul[] = "Workers 5\0junk\nForeground yes";
    CONF   *conf = conf_new(keys, NKEYS);
    char   *longline;
    int     nerr;

    assert_int_equal(conf_load_text(conf, "nul.conf", nul, sizeof(nul) - 1), 1);
    assert_string_equal(conf_error(conf, 0), "nul.conf:1: NUL byte in line");
    assert_true(conf_bool(conf, "Foreground"));
    conf_free(conf);

    longline = malloc(100000);
    assert_non_null(longline);
    memset(longline, 'x', 99999);
    memcpy(longline, "Socket ", 7);
    longline[99999] = 0;
    conf = load(longline, &nerr);
    assert_int_equal(nerr, 0);
    assert_int_equal(strlen(conf_str(conf, "Socket")), 99999 - 7);
    conf_free(conf);
    free(longline);
}

/* a file on disk; a missing file is one error that names it */
static void files(void **state)
{
    char    path[] = "/tmp/test_conf.XXXXXX";
    int     fd = mkstemp(path);
    CONF   *conf;

    assert_true(fd >= 0);
    assert_int_equal(write(fd, "Workers 3\nbogus 1\n", 18), 18);
    close(fd);
    conf = conf_new(keys, NKEYS);
    assert_int_equal(conf_load_file(conf, path), 1);
    assert_int_equal(conf_int(conf, "Workers"), 3);
    assert_non_null(strstr(conf_error(conf, 0), ":2: unknown name \"bogus\""));
    conf_free(conf);
    unlink(path);

    conf = conf_new(keys, NKEYS);
    assert_int_equal(conf_load_file(conf, "/nonexistent/liveaddr.conf"), 1);
    assert_string_equal(conf_error(conf, 0),
			"/nonexistent/liveaddr.conf: cannot open: No such file or directory");
    conf_free(conf);
}

/* conf_print writes a file that loads back to the same values, secrets hidden */
static void print_round_trip(void **state)
{
    int     nerr;
    CONF   *conf = load("Workers 7\nNameservers a, b\nRedisPassword s3cret\n", &nerr);
    char   *buf = NULL;
    size_t  len = 0;
    FILE   *fp = open_memstream(&buf, &len);
    CONF   *again;

    assert_non_null(fp);
    assert_int_equal(conf_print(conf, fp, false), 0);
    fclose(fp);
    assert_null(strstr(buf, "s3cret"));
    assert_non_null(strstr(buf, "Workers 7\n"));
    again = load(buf, &nerr);
    assert_int_equal(nerr, 0);
    assert_int_equal(conf_int(again, "Workers"), 7);
    assert_int_equal(conf_list_count(again, "Nameservers"), 2);
    conf_free(again);
    conf_free(conf);
    free(buf);
}

/* millisecond keys take ms and read back in ms; second keys refuse ms */
static void milliseconds(void **state)
{
    static const struct {
	const char *text;
	int     nerr;
	long    ms;
    }       cases[] = {
	{"RedisTimeout 250ms\n", 0, 250},
	{"RedisTimeout 2\n", 0, 2000},		/* no unit: seconds */
	{"RedisTimeout 1m\n", 0, 60000},
	{"RedisTimeout 2m\n", 1, 1000},		/* over 60000: default kept */
	{"RedisTimeout 0ms\n", 1, 1000},
	{"RedisTimeout 5 ms\n", 1, 1000},
    };

    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
	int     nerr;
	CONF   *conf = load(cases[i].text, &nerr);

	assert_int_equal(nerr, cases[i].nerr);
	assert_int_equal(conf_int(conf, "RedisTimeout"), cases[i].ms);
	conf_free(conf);
    }
    {
	int     nerr;
	CONF   *conf = load("DNSTimeout 500ms\n", &nerr);

	assert_int_equal(nerr, 1);
	assert_int_equal(conf_int(conf, "DNSTimeout"), 5);
	conf_free(conf);
    }
}

/* a table with a bad default is refused at once */
static void bad_default(void **state)
{
    static const CONF_KEY broken[] = {
	{"Workers", CONF_INT, "many", 0, 0, NULL, 0, "workers"},
    };

    assert_null(conf_new(broken, 1));
}

int     main(void)
{
    const struct CMUnitTest tests[] = {
	cmocka_unit_test(defaults),
	cmocka_unit_test(values),
	cmocka_unit_test(errors_with_lines),
	cmocka_unit_test(bad_numbers),
	cmocka_unit_test(odd_bytes),
	cmocka_unit_test(files),
	cmocka_unit_test(print_round_trip),
	cmocka_unit_test(milliseconds),
	cmocka_unit_test(bad_default),
    };

    return (UNIT_RUN(tests));
}
