/*
 * test_jsonw - the JSON writer: commas and nesting, escapes, and bytes
 * that are not UTF-8 (mail data) written as U+FFFD so the output parses.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "unit.h"
#include "jsonw.h"

static char *buf;
static size_t len;

static JSONW *open_writer(void)
{
    static JSONW w;
    FILE   *fp = open_memstream(&buf, &len);

    assert_non_null(fp);
    jsonw_init(&w, fp);
    return (&w);
}

static const char *close_writer(JSONW *w)
{
    fclose(w->fp);
    return (buf);
}

static void nesting_and_commas(void **state)
{
    JSONW  *w = open_writer();

    jsonw_object_begin(w, NULL);
    jsonw_string(w, "address", "ivan@mail.ru");
    jsonw_int(w, "mx", 2);
    jsonw_bool(w, "risky", false);
    jsonw_null(w, "suggestion");
    jsonw_array_begin(w, "flags");
    jsonw_string(w, NULL, "role");
    jsonw_string(w, NULL, "freemail");
    jsonw_array_end(w);
    jsonw_object_begin(w, "dns");
    jsonw_string(w, "verdict", "mx");
    jsonw_object_end(w);
    jsonw_object_end(w);
    assert_string_equal(close_writer(w),
			"{\"address\":\"ivan@mail.ru\",\"mx\":2,\"risky\":false,"
			"\"suggestion\":null,\"flags\":[\"role\",\"freemail\"],"
			"\"dns\":{\"verdict\":\"mx\"}}\n");
    free(buf);
}

static void escapes(void **state)
{
    JSONW  *w = open_writer();

    jsonw_array_begin(w, NULL);
    jsonw_string(w, NULL, "a\"b\\c\nd\te\x01");
    jsonw_string(w, NULL, "иван@почта.рф");
    jsonw_string(w, NULL, "bad\xff\xc3(utf8\xe2\x82");
    jsonw_string(w, NULL, NULL);
    jsonw_array_end(w);
    assert_string_equal(close_writer(w),
			"[\"a\\\"b\\\\c\\nd\\te\\u0001\",\"иван@почта.рф\","
			"\"bad\\ufffd\\ufffd(utf8\\ufffd\\ufffd\",null]\n");
    free(buf);
}

int     main(void)
{
    const struct CMUnitTest tests[] = {
	cmocka_unit_test(nesting_and_commas),
	cmocka_unit_test(escapes),
    };

    return (UNIT_RUN(tests));
}
