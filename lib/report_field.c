/*++
 * NAME
 *	report_field 3
 * SUMMARY
 *	"Name: value" lines and header blocks, looked up by name
 * SYNOPSIS
 *	#include "report_int.h"
 *
 *	const char *report_field_value(const char *line, size_t len,
 *				const char *name, size_t *vlen)
 *	const char *report_header_get(const char *block, size_t len,
 *				const char *name, size_t *vlen)
 *	void	report_headers_get(const char *block, size_t len,
 *				const char *const *names, int n,
 *				const char **vals, size_t *vlens)
 *	const char *report_field_find(const char *text, size_t len,
 *				const char *name, size_t *vlen)
 * DESCRIPTION
 *	report_field_value() returns the value of a "Name: value" line
 *	when its name is name (any case), trimmed, or NULL.
 *	report_header_get() finds the first header name in a header block
 *	and returns its value with its continuation lines (not unfolded).
 *	report_headers_get() does that for n names in one pass (vals[k]
 *	NULL when names[k] is not there).
 *	report_field_find() finds the first line "name: value" anywhere in
 *	text (empty lines do not stop it) and returns its value, one line.
 *
 *	A line whose first letter differs from a name's is passed over
 *	without a call: most are.
 * MEMORY
 *	The values point into the caller's text; nothing is allocated.
 *--*/

#include "config.h"

#include <ctype.h>
#include <string.h>
#include <strings.h>

#include "report_int.h"

/*
 * ascii_lower - tolower() of the C locale (liveaddr never calls
 * setlocale()), without its call per byte
 */
static inline unsigned char ascii_lower(unsigned char c)
{
    return ((unsigned char) (c >= 'A' && c <= 'Z' ? c + ('a' - 'A') : c));
}

/* report_field_value - the value of "Name: value", or NULL */

const char *report_field_value(const char *line, size_t len, const char *name,
			               size_t *vlen)
{
    size_t  n, i, e;

    /* most lines differ at once: no strlen() nor strncasecmp() for them */
    if (len == 0 || (name[0] != 0 && ascii_lower((unsigned char) line[0])
		     != ascii_lower((unsigned char) name[0])))
	return (NULL);
    n = strlen(name);
    if (len <= n || strncasecmp(line, name, n) != 0)
	return (NULL);
    for (i = n; i < len && (line[i] == ' ' || line[i] == '\t'); i++)
	 /* void */ ;
    if (i >= len || line[i] != ':')
	return (NULL);
    for (i++; i < len && (line[i] == ' ' || line[i] == '\t'); i++)
	 /* void */ ;
    for (e = len; e > i && isspace((unsigned char) line[e - 1]); e--)
	 /* void */ ;
    *vlen = e - i;
    return (line + i);
}

/* report_header_get - the first header name in a header block */

const char *report_header_get(const char *block, size_t len, const char *name,
			              size_t *vlen)
{
    const char *v;

    report_headers_get(block, len, &name, 1, &v, vlen);
    return (v);
}

/*
 * report_headers_get - the first of each of n header names, in one pass
 * over the block: what n report_header_get() calls would say
 */
void    report_headers_get(const char *block, size_t len, const char *const *names,
			           int n, const char **vals, size_t *vlens)
{
    const char *cp = block, *end = block + len;
    int     left = n;

    for (int k = 0; k < n; k++) {
	vals[k] = NULL;
	vlens[k] = 0;
    }
    while (cp < end && left > 0) {
	const char *eol = memchr(cp, '\n', (size_t) (end - cp));

	if (eol == NULL)
	    eol = end;
	if (eol == cp)
	    break;				/* the end of the headers */
	for (int k = 0; k < n; k++) {
	    const char *val, *vend = eol;
	    size_t  vlen;

	    /* most lines differ in the first letter: no call for them */
	    if (vals[k] != NULL
		|| ascii_lower((unsigned char) *cp) != ascii_lower((unsigned char) names[k][0])
		|| (val = report_field_value(cp, (size_t) (eol - cp), names[k], &vlen)) == NULL)
		continue;
	    while (vend < end && vend + 1 < end && (vend[1] == ' ' || vend[1] == '\t')) {
		const char *next = memchr(vend + 1, '\n', (size_t) (end - vend - 1));

		vend = next ? next : end;
	    }
	    vals[k] = val;
	    vlens[k] = (size_t) (vend - val);
	    left--;
	}
	cp = eol + 1;
    }
}

/* report_field_find - the first "name: value" line anywhere in text */

const char *report_field_find(const char *text, size_t len, const char *name,
			              size_t *vlen)
{
    const char *cp = text, *end = text + len;

    while (cp < end) {
	const char *eol = memchr(cp, '\n', (size_t) (end - cp));
	const char *val;

	if (eol == NULL)
	    eol = end;
	if (ascii_lower((unsigned char) *cp) == ascii_lower((unsigned char) name[0])
	    && (val = report_field_value(cp, (size_t) (eol - cp), name, vlen)) != NULL)
	    return (val);
	cp = eol + 1;
    }
    *vlen = 0;
    return (NULL);
}
