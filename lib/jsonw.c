/*++
 * NAME
 *	jsonw 3
 * SUMMARY
 *	write JSON to a stdio stream
 * SYNOPSIS
 *	#include "jsonw.h"
 *
 *	void	jsonw_init(JSONW *w, FILE *fp)
 *	void	jsonw_object_begin(JSONW *w, const char *key)
 *	void	jsonw_object_end(JSONW *w)
 *	void	jsonw_array_begin(JSONW *w, const char *key)
 *	void	jsonw_array_end(JSONW *w)
 *	void	jsonw_string(JSONW *w, const char *key, const char *value)
 *	void	jsonw_int(JSONW *w, const char *key, long long value)
 *	void	jsonw_bool(JSONW *w, const char *key, bool value)
 *	void	jsonw_null(JSONW *w, const char *key)
 * DESCRIPTION
 *	A small streaming JSON writer for liveaddrctl's --json output.  Each
 *	call writes one member: `key' names it inside an object, and is NULL
 *	inside an array or at the top.  Commas are placed by the writer.  A
 *	NULL string value is written as null.  Strings are escaped as RFC 8259
 *	requires; bytes that are not valid UTF-8 (mail data can hold any) are
 *	written as U+FFFD, so the output always parses.  Nesting deeper than
 *	31 levels is not supported (not needed).
 * MEMORY
 *	Nothing is allocated.
 *--*/

#include "config.h"

#include <string.h>

#include "jsonw.h"

void    jsonw_init(JSONW *w, FILE *fp)
{
    memset(w, 0, sizeof(*w));
    w->fp = fp;
}

/* jsonw_utf8_len - length of a valid UTF-8 sequence at s, or 0 */

static size_t jsonw_utf8_len(const unsigned char *s)
{
    if (s[0] < 0x80)
	return (1);
    if (s[0] >= 0xc2 && s[0] <= 0xdf && (s[1] & 0xc0) == 0x80)
	return (2);
    if (s[0] >= 0xe0 && s[0] <= 0xef && (s[1] & 0xc0) == 0x80 && (s[2] & 0xc0) == 0x80
	&& !(s[0] == 0xe0 && s[1] < 0xa0) && !(s[0] == 0xed && s[1] >= 0xa0))
	return (3);
    if (s[0] >= 0xf0 && s[0] <= 0xf4 && (s[1] & 0xc0) == 0x80 && (s[2] & 0xc0) == 0x80
	&& (s[3] & 0xc0) == 0x80 && !(s[0] == 0xf0 && s[1] < 0x90)
	&& !(s[0] == 0xf4 && s[1] >= 0x90))
	return (4);
    return (0);
}

/* jsonw_escape - write a JSON string literal */

void    jsonw_escape(FILE *fp, const char *text)
{
    const unsigned char *s = (const unsigned char *) text;

    fputc('"', fp);
    while (*s) {
	size_t  n = jsonw_utf8_len(s);

	if (n == 0) {
	    fputs("\\ufffd", fp);
	    s++;
	} else if (n > 1) {
	    fwrite(s, 1, n, fp);
	    s += n;
	} else {
	    switch (*s) {
	    case '"':
		fputs("\\\"", fp);
		break;
	    case '\\':
		fputs("\\\\", fp);
		break;
	    case '\n':
		fputs("\\n", fp);
		break;
	    case '\r':
		fputs("\\r", fp);
		break;
	    case '\t':
		fputs("\\t", fp);
		break;
	    default:
		if (*s < 0x20 || *s == 0x7f)
		    fprintf(fp, "\\u%04x", *s);
		else
		    fputc(*s, fp);
	    }
	    s++;
	}
    }
    fputc('"', fp);
}

/* jsonw_member - comma and key before a value */

static void jsonw_member(JSONW *w, const char *key)
{
    if (w->need_comma[w->depth])
	fputc(',', w->fp);
    w->need_comma[w->depth] = true;
    if (key) {
	jsonw_escape(w->fp, key);
	fputc(':', w->fp);
    }
}

void    jsonw_object_begin(JSONW *w, const char *key)
{
    jsonw_member(w, key);
    fputc('{', w->fp);
    if (w->depth < 31)
	w->need_comma[++w->depth] = false;
}

void    jsonw_object_end(JSONW *w)
{
    fputc('}', w->fp);
    if (w->depth > 0)
	w->depth--;
    if (w->depth == 0)
	fputc('\n', w->fp), w->need_comma[0] = false;
}

void    jsonw_array_begin(JSONW *w, const char *key)
{
    jsonw_member(w, key);
    fputc('[', w->fp);
    if (w->depth < 31)
	w->need_comma[++w->depth] = false;
}

void    jsonw_array_end(JSONW *w)
{
    fputc(']', w->fp);
    if (w->depth > 0)
	w->depth--;
    if (w->depth == 0)
	fputc('\n', w->fp), w->need_comma[0] = false;
}

void    jsonw_string(JSONW *w, const char *key, const char *value)
{
    jsonw_member(w, key);
    if (value)
	jsonw_escape(w->fp, value);
    else
	fputs("null", w->fp);
}

void    jsonw_int(JSONW *w, const char *key, long long value)
{
    jsonw_member(w, key);
    fprintf(w->fp, "%lld", value);
}

void    jsonw_bool(JSONW *w, const char *key, bool value)
{
    jsonw_member(w, key);
    fputs(value ? "true" : "false", w->fp);
}

void    jsonw_null(JSONW *w, const char *key)
{
    jsonw_member(w, key);
    fputs("null", w->fp);
}
