/*
 * test_msgfile - stored messages: a file read whole (and standard input),
 * one message a file, an mbox cut into its messages with any line ends, a
 * "From " in a body that is not a separator left alone.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "unit.h"
#include "msgfile.h"

/* cut - cut data into messages; check the first bytes of each; their number */

static int cut(const char *data, const char **first, int max)
{
    size_t  pos = 0, len;
    const char *msg;
    int     n = 0;

    while (msgfile_next(data, strlen(data), &pos, &msg, &len)) {
	if (n < max) {
	    assert_true(len >= strlen(first[n]));
	    assert_memory_equal(msg, first[n], strlen(first[n]));
	}
	n++;
	assert_true(n < 100);
    }
    assert_int_equal(pos, strlen(data));
    return (n);
}

static void one_message(void **state)
{
    const char *plain[] = {"Subject: a\n"};
    const char *with_from[] = {"From MAILER-DAEMON  Thu Apr 29 23:34:45 2015\n"};

    (void) state;
    assert_int_equal(cut("", plain, 1), 0);
    assert_int_equal(cut("Subject: a\n\nbody\n\nFrom x@y Thu Apr 29 23:34:45 2015\nmore\n",
			 plain, 1), 1);		/* no mbox: one message whatever it says */
    assert_int_equal(cut("From MAILER-DAEMON  Thu Apr 29 23:34:45 2015\nSubject: a\n\nbody\n",
			 with_from, 1), 1);
}

static void mbox_line_ends(void **state)
{
    const char *lf[] = {"From a@x  Thu Apr 29 23:34:45 2015\nSubject: 1",
	"From b@x  Fri Apr 30 01:02:03 2015\nSubject: 2", "From c@x Sat May  1 00:00:00 2015\n"};
    const char *crlf[] = {"From a@x  Thu Apr 29 23:34:45 2015\r\n",
	"From b@x  Fri Apr 30 01:02:03 2015\r\n"};
    const char *cr[] = {"From a@x  Thu Apr 29 23:34:45 2015\rSubject: 1\r",
	"From b@x  Fri Apr 30 01:02:03 2015\rSubject: 2\r"};

    (void) state;
    assert_int_equal(cut("From a@x  Thu Apr 29 23:34:45 2015\nSubject: 1\n\nbody\n\n"
			 "From b@x  Fri Apr 30 01:02:03 2015\nSubject: 2\n\nbody\n\n"
			 "From c@x Sat May  1 00:00:00 2015\nSubject: 3\n\nx\n", lf, 3), 3);
    assert_int_equal(cut("From a@x  Thu Apr 29 23:34:45 2015\r\nSubject: 1\r\n\r\nbody\r\n\r\n"
			 "From b@x  Fri Apr 30 01:02:03 2015\r\nSubject: 2\r\n\r\nbody\r\n",
			 crlf, 2), 2);
    assert_int_equal(cut("From a@x  Thu Apr 29 23:34:45 2015\rSubject: 1\r\rbody\r\r"
			 "From b@x  Fri Apr 30 01:02:03 2015\rSubject: 2\r\rbody\r", cr, 2), 2);
}

static void not_separators(void **state)
{
    const char *first[] = {"From a@x  Thu Apr 29 23:34:45 2015\n"};

    (void) state;
    /* no empty line before it; no date; no sender; quoted with ">" */
    assert_int_equal(cut("From a@x  Thu Apr 29 23:34:45 2015\nSubject: 1\n\nbody\n"
			 "From b@x  Fri Apr 30 01:02:03 2015\nstill the body\n\n"
			 "From here on it is different.\n\n"
			 "From  Fri Apr 30 01:02:03 2015\n\n"
			 ">From b@x  Fri Apr 30 01:02:03 2015\nend\n", first, 1), 1);
}

static void read_whole(void **state)
{
    char    path[] = "/tmp/test_msgfile.XXXXXX";
    int     fd = mkstemp(path);
    char   *data, big[200000];
    size_t  len;

    (void) state;
    assert_true(fd >= 0);
    memset(big, 'x', sizeof(big));
    big[sizeof(big) - 1] = '\n';
    assert_int_equal(write(fd, big, sizeof(big)), (ssize_t) sizeof(big));
    close(fd);
    assert_int_equal(msgfile_read(path, &data, &len), MSGFILE_OK);
    assert_int_equal(len, sizeof(big));
    assert_memory_equal(data, big, sizeof(big));
    assert_int_equal(data[len], 0);
    free(data);
    unlink(path);
    errno = 0;
    assert_int_equal(msgfile_read(path, &data, &len), MSGFILE_IO);
    assert_int_equal(errno, ENOENT);
    assert_null(data);
    assert_int_equal(msgfile_read("/", &data, &len), MSGFILE_IO);	/* a directory */
    assert_null(data);
}

int     main(void)
{
    const struct CMUnitTest tests[] = {
	cmocka_unit_test(one_message),
	cmocka_unit_test(mbox_line_ends),
	cmocka_unit_test(not_separators),
	cmocka_unit_test(read_whole),
    };

    return (UNIT_RUN(tests));
}
