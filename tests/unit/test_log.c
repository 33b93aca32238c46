/*
 * test_log - logging to stderr: the line format, the queue id, the level
 * filter, and that control characters from mail data cannot forge lines.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "unit.h"
#include "log.h"

/* capture - run one logging call with stderr sent to a file; return the text */
static char *capture(void (*fn) (void))
{
    char    path[] = "/tmp/test_log.XXXXXX";
    int     fd = mkstemp(path);
    int     saved = dup(2);
    static char buf[4096];
    ssize_t n;

    assert_true(fd >= 0 && saved >= 0);
    fflush(stderr);
    dup2(fd, 2);
    fn();
    fflush(stderr);
    dup2(saved, 2);
    close(saved);
    lseek(fd, 0, SEEK_SET);
    n = read(fd, buf, sizeof(buf) - 1);
    buf[n > 0 ? n : 0] = 0;
    close(fd);
    unlink(path);
    return (buf);
}

static void say_qid(void)
{
    log_msg(LOG_WARNING, "4F2A1C03", "bad tag from %s", "192.0.2.7");
}

static void say_debug(void)
{
    log_debug("not shown at level info");
}

static void say_forged(void)
{
    log_info("header: %s", "x\nliveaddr[1]: error: forged\r");
}

static void say_utf8(void)
{
    log_info("адрес %s", "иван@почта.рф");
}

static void line_format(void **state)
{
    char    expect[128];

    log_open("liveaddr-test", LOG_MAIL, LOG_TO_STDERR);
    log_set_level(LOG_INFO);
    snprintf(expect, sizeof(expect),
	     "liveaddr-test[%ld]: warning: 4F2A1C03: bad tag from 192.0.2.7\n",
	     (long) getpid());
    assert_string_equal(capture(say_qid), expect);
}

static void level_filter(void **state)
{
    log_set_level(LOG_INFO);
    assert_string_equal(capture(say_debug), "");
    log_set_level(LOG_DEBUG);
    assert_non_null(strstr(capture(say_debug), "debug: not shown"));
    log_set_level(LOG_INFO);
}

static void no_forged_lines(void **state)
{
    char   *out = capture(say_forged);

    /* one line only: the newline and CR became '?' */
    assert_non_null(strstr(out, "header: x?liveaddr[1]: error: forged?\n"));
    assert_ptr_equal(strchr(out, '\n'), out + strlen(out) - 1);
}

static void utf8_kept(void **state)
{
    assert_non_null(strstr(capture(say_utf8), "адрес иван@почта.рф"));
}

static void names(void **state)
{
    assert_int_equal(log_facility_by_name("MAIL"), LOG_MAIL);
    assert_int_equal(log_facility_by_name("local5"), LOG_LOCAL5);
    assert_int_equal(log_facility_by_name("kern"), -1);
    assert_int_equal(log_level_by_name("warning"), LOG_WARNING);
    assert_int_equal(log_level_by_name("chatty"), -1);
}

int     main(void)
{
    const struct CMUnitTest tests[] = {
	cmocka_unit_test(line_format),
	cmocka_unit_test(level_filter),
	cmocka_unit_test(no_forged_lines),
	cmocka_unit_test(utf8_kept),
	cmocka_unit_test(names),
    };

    return (UNIT_RUN(tests));
}
