/*++
 * NAME
 *	msgfile 3
 * SUMMARY
 *	stored messages: a whole file, and the messages of an mbox
 * SYNOPSIS
 *	#include "msgfile.h"
 *
 *	int	msgfile_read(const char *path, char **data, size_t *len)
 *
 *	int	msgfile_next(const char *data, size_t len, size_t *pos,
 *				const char **msg, size_t *msg_len)
 * DESCRIPTION
 *	What an administrator keeps of bounces is files: one message a file
 *	(a Maildir, a saved .eml) or several in one mbox file, as Postfix's
 *	local(8) and most mail readers write them.  The milter always gets
 *	one message; liveaddrctl parse and the corpus test read files.
 *
 *	msgfile_read() reads the whole of path ("-": standard input) into
 *	a new buffer that the caller frees with free(); *len is its length.
 *	The buffer has one spare byte, set to NUL, after the data.
 *
 *	msgfile_next() cuts data into messages, one a call: *pos starts at
 *	0 and is moved past the message returned in *msg / *msg_len.  It
 *	returns 1 while there is a message, 0 at the end.  Data that does
 *	not begin with an mbox "From " line is one message.  Otherwise a
 *	message ends before the next "From " line that follows an empty
 *	line and has the form of an mbox separator ("From", a blank, the
 *	envelope sender, blanks, a date with a digit in it); a "From "
 *	inside a body that lacks that form stays in its message.  LF, CRLF
 *	and CR line ends are all recognised.  Each message keeps its own
 *	"From " line (report_parse() skips it).  Nothing is copied: *msg
 *	points into data.
 * DIAGNOSTICS
 *	msgfile_read(): MSGFILE_OK, MSGFILE_IO (errno tells why) or
 *	MSGFILE_NOMEM; *data is NULL unless MSGFILE_OK.
 *--*/

#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "msgfile.h"

/* msgfile_read - the whole of a file or of standard input */

int     msgfile_read(const char *path, char **data, size_t *len)
{
    FILE   *fp = strcmp(path, "-") == 0 ? stdin : fopen(path, "rb");
    char   *buf = NULL, *nbuf;
    size_t  cap = 0, n = 0, got;
    int     status = MSGFILE_OK;

    *data = NULL;
    *len = 0;
    if (fp == NULL)
	return (MSGFILE_IO);
    do {
	if (n + 65536 + 1 > cap) {
	    cap = cap ? cap * 2 : 131072;
	    if ((nbuf = realloc(buf, cap)) == NULL) {
		status = MSGFILE_NOMEM;
		break;
	    }
	    buf = nbuf;
	}
	got = fread(buf + n, 1, cap - n - 1, fp);
	n += got;
    } while (got > 0);
    if (status == MSGFILE_OK && ferror(fp)) {
	status = MSGFILE_IO;
	if (errno == 0)
	    errno = EIO;
    }
    if (fp != stdin)
	fclose(fp);
    if (status != MSGFILE_OK) {
	free(buf);
	return (status);
    }
    buf[n] = 0;
    *data = buf;
    *len = n;
    return (MSGFILE_OK);
}

/* line_end - the offset just past the line that starts at pos */

static size_t line_end(const char *data, size_t len, size_t pos)
{
    for (; pos < len; pos++) {
	if (data[pos] == '\n')
	    return (pos + 1);
	if (data[pos] == '\r')
	    return (pos + 1 < len && data[pos + 1] == '\n' ? pos + 2 : pos + 1);
    }
    return (len);
}

/* is_separator - an mbox "From sender date" line at pos, ending at end */

static int is_separator(const char *data, size_t pos, size_t end)
{
    size_t  i = pos + 5;
    int     digit = 0;

    if (end - pos < 5 || memcmp(data + pos, "From ", 5) != 0)
	return (0);
    if (i >= end || data[i] == ' ' || data[i] == '\t' || data[i] == '\r' || data[i] == '\n')
	return (0);				/* no envelope sender */
    while (i < end && data[i] != ' ' && data[i] != '\t' && data[i] != '\r' && data[i] != '\n')
	i++;
    if (i >= end || (data[i] != ' ' && data[i] != '\t'))
	return (0);				/* nothing after the sender */
    for (; i < end; i++)
	if (data[i] >= '0' && data[i] <= '9')
	    digit = 1;
    return (digit);
}

/* is_blank_line - the line from pos to end holds only its line end */

static int is_blank_line(const char *data, size_t pos, size_t end)
{
    return (end > pos && (data[pos] == '\n' || data[pos] == '\r'));
}

/* msgfile_next - the next message of data */

int     msgfile_next(const char *data, size_t len, size_t *pos,
		             const char **msg, size_t *msg_len)
{
    size_t  start = *pos, at, end;
    int     prev_blank = 0;

    if (start >= len)
	return (0);
    *msg = data + start;
    if (!is_separator(data, start, line_end(data, len, start))) {
	*msg_len = len - start;
	*pos = len;
	return (1);
    }
    for (at = line_end(data, len, start); at < len; at = end) {
	end = line_end(data, len, at);
	if (prev_blank && is_separator(data, at, end))
	    break;
	prev_blank = is_blank_line(data, at, end);
    }
    *msg_len = at - start;
    *pos = at;
    return (1);
}
