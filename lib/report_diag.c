/*++
 * NAME
 *	report_diag 3
 * SUMMARY
 *	what an SMTP diagnostic says: status, reply code, command
 * SYNOPSIS
 *	#include "report_int.h"
 *
 *	bool	report_status_find(const char *text, char *status, size_t len)
 *	int	report_reply_find(const char *text)
 *	const char *report_command_find(const char *text)
 *	void	report_diag_tidy(char *diag)
 * DESCRIPTION
 *	report_status_find() finds the first RFC 3463 status (2.0.0 to
 *	5.999.999) in text; report_reply_find() the first SMTP reply code
 *	(a word of three digits, 200 to 559), or 0.  report_command_find()
 *	names the SMTP command a reply answered ("RCPT", ...) when the text
 *	says ("in reply to RCPT TO command", "after end of data", ...), or
 *	returns NULL.
 *
 *	report_diag_tidy() drops, in a one-line diagnostic, the prefixes
 *	that a multi-line SMTP reply repeats on each of its lines: after
 *	"550-5.7.1 Messages with multiple", a later "550-5.7.1 " or
 *	"550 5.7.1 " goes (without a status, a later "550-", and "550 "
 *	once a "550-" was seen), so that the reply reads as one sentence
 *	("... multiple addresses in From: header ...").  Only the first
 *	reply's own code is dropped; other codes stay.  In place, linear.
 * MEMORY
 *	The caller's buffers; nothing is allocated.
 *--*/

#include "config.h"

#include <ctype.h>
#include <string.h>

#include "report_int.h"
#include "report_pat.h"

/* report_status_find - the first RFC 3463 status in text */

bool    report_status_find(const char *text, char *status, size_t statuslen)
{
    const unsigned char *u = (const unsigned char *) text;
    const char *hit;

    /* strpbrk() skips to the next candidate many bytes at a time */
    for (size_t i = 0; (hit = strpbrk(text + i, "245")) != NULL; i++) {
	size_t  j, d2 = 0, d3 = 0;

	i = (size_t) (hit - text);
	j = i + 2;
	if (u[i + 1] != '.')
	    continue;
	if (i > 0 && (isalnum(u[i - 1]) || u[i - 1] == '.'))
	    continue;
	while (isdigit(u[j]) && d2 < 4)
	    j++, d2++;
	if (d2 == 0 || d2 > 3 || u[j] != '.')
	    continue;
	j++;
	while (isdigit(u[j]) && d3 < 4)
	    j++, d3++;
	if (d3 == 0 || d3 > 3 || isalnum(u[j]) || (u[j] == '.' && isdigit(u[j + 1])))
	    continue;
	if (j - i >= statuslen)
	    return (false);
	memcpy(status, text + i, j - i);
	status[j - i] = 0;
	return (true);
    }
    return (false);
}

/* report_reply_find - the first SMTP reply code in text */

int     report_reply_find(const char *text)
{
    const unsigned char *u = (const unsigned char *) text;
    const char *hit;

    for (size_t i = 0; (hit = strpbrk(text + i, "245")) != NULL; i++) {
	i = (size_t) (hit - text);
	if (i > 0 && !strchr(" \t:<([#'\"=", u[i - 1]))
	    continue;
	if (!isdigit(u[i + 1]) || !isdigit(u[i + 2]) || u[i + 1] > '5')
	    continue;
	if (u[i + 3] && u[i + 3] != ' ' && u[i + 3] != '-' && u[i + 3] != '\t'
	    && u[i + 3] != '\'' && u[i + 3] != '"' && u[i + 3] != ')')
	    continue;
	if (u[i + 3] == '-' && !isalnum(u[i + 4]) && u[i + 4] != ' ')
	    continue;
	return ((u[i] - '0') * 100 + (u[i + 1] - '0') * 10 + (u[i + 2] - '0'));
    }
    return (0);
}

/* report_command_find - the SMTP command a diagnostic names, or NULL */

const char *report_command_find(const char *text)
{
    size_t  len = strlen(text);
    int     k;

    /* as before, when a lower-case copy of REPORT_TEXT_MAX * 2 bytes was read */
    if (len > REPORT_TEXT_MAX * 2)
	len = REPORT_TEXT_MAX * 2;
    if ((k = report_pat_command_find(text, len)) < 0)
	return (NULL);
    return (report_pat_command[k].command);
}

/* reply_prefix - "550-5.7.1 " or "550 " at s: its length, 0 when none */

static size_t reply_prefix(const char *s, const char *code, const char *status,
			           size_t slen, char *sep)
{
    size_t  n = 4;

    if (strncmp(s, code, 3) != 0 || (s[3] != '-' && s[3] != ' '))
	return (0);
    *sep = s[3];
    if (slen > 0) {
	if (strncmp(s + 4, status, slen) != 0 || (s[4 + slen] != ' ' && s[4 + slen] != 0))
	    return (0);
	n += slen;
    }
    if (s[n] == ' ')
	n++;
    return (n);
}

/* report_diag_tidy - drop the repeated prefixes of a multi-line reply */

void    report_diag_tidy(char *diag)
{
    const unsigned char *u = (const unsigned char *) diag;
    char    code[4], status[REPORT_WORD_MAX + 1];
    size_t  slen = 0, i = 0, o, first = 0;
    bool    found = false, cont;
    char    sep;

    /* the first reply code at a word's start, and its status */
    for (const char *hit; (hit = strpbrk(diag + i, "2345")) != NULL; i++) {
	i = (size_t) (hit - diag);
	if (!isdigit(u[i + 1]) || !isdigit(u[i + 2])
	    || (u[i + 3] != '-' && u[i + 3] != ' '))
	    continue;
	if (i > 0 && u[i - 1] != ' ' && u[i - 1] != '(' && u[i - 1] != '"' && u[i - 1] != '\'')
	    continue;
	found = true;
	break;
    }
    if (!found)
	return;
    memcpy(code, diag + i, 3);
    code[3] = 0;
    cont = (diag[i + 3] == '-');
    if (report_status_find(diag + i + 4, status, sizeof(status))
	&& strncmp(diag + i + 4, status, strlen(status)) == 0
	&& (diag[i + 4 + strlen(status)] == ' ' || diag[i + 4 + strlen(status)] == 0))
	slen = strlen(status);
    first = i + 4 + slen;
    /*
     * Copy the rest, leaving out the later prefixes.  A prefix starts with
     * the code's first digit after a space: strchr() skips to the next
     * such digit, and the bytes before it are moved as one run.  The bytes
     * read are never those written (o <= i throughout).
     */
    for (i = o = first; diag[i]; ) {
	const char *hit = strchr(diag + i, code[0]);
	size_t  j = hit ? (size_t) (hit - diag) : i + strlen(diag + i), n;

	if (j > i) {
	    if (o != i)
		memmove(diag + o, diag + i, j - i);
	    o += j - i;
	    i = j;
	}
	if (!diag[i])
	    break;
	if (diag[i - 1] == ' ' && (n = reply_prefix(diag + i, code, status, slen, &sep)) > 0
	    && (slen > 0 || sep == '-' || cont)) {
	    cont = cont || sep == '-';
	    i += n;
	    continue;
	}
	diag[o++] = diag[i++];
    }
    while (o > first && diag[o - 1] == ' ')
	o--;
    diag[o] = 0;
}
