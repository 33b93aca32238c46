/*++
 * NAME
 *	conf 3
 * SUMMARY
 *	"Name value" configuration files, in the OpenDKIM manner
 * SYNOPSIS
 *	#include "conf.h"
 *
 *	CONF	*conf_new(const CONF_KEY *table, size_t count)
 *	int	conf_load_file(CONF *conf, const char *path)
 *	int	conf_load_text(CONF *conf, const char *source,
 *				const char *text, size_t len)
 *	size_t	conf_error_count(const CONF *conf)
 *	const char *conf_error(const CONF *conf, size_t index)
 *	const char *conf_str(const CONF *conf, const char *name)
 *	long	conf_int(const CONF *conf, const char *name)
 *	bool	conf_bool(const CONF *conf, const char *name)
 *	size_t	conf_list_count(const CONF *conf, const char *name)
 *	const char *conf_list_item(const CONF *conf, const char *name, size_t i)
 *	int	conf_print(const CONF *conf, FILE *fp, bool all)
 *	void	conf_free(CONF *conf)
 * DESCRIPTION
 *	A program describes its keys in a table of CONF_KEY (name, type,
 *	default, range or choices, flags, one line of help).  conf_new()
 *	makes a configuration that holds every default.  conf_load_file()
 *	reads a file of lines "Name value": the name is one word, the value
 *	is the rest of the line with surrounding white space removed.
 *	Blank lines and lines whose first non-blank character is "#" are
 *	ignored; a "#" elsewhere is part of the value (passwords may hold
 *	one).  Names are case-insensitive.  CR before LF is ignored.
 *
 *	Every problem is recorded with "source:line: text" and parsing goes
 *	on, so a check-only mode (-n) can show all problems at once: an
 *	unknown name, a missing value, a value of the wrong type or out of
 *	range, a scalar key given twice, a NUL byte.  The loaders return the
 *	number of errors recorded by that call; 0 means the file was good.
 *	A configuration with errors must not be used; the caller keeps its
 *	previous one (a reload) or stops (start-up).
 *
 *	Times are written as a number with an optional unit: s, m, h, d, w
 *	(no unit: seconds); CONF_MILLIS keys also take ms and are read
 *	back in milliseconds, CONF_SECONDS keys in seconds.
 *	Lists are items separated by commas or white space; a list key may
 *	be given on several lines and the items add up.
 *
 *	The getters return the value of a key; conf_str() returns NULL for a
 *	key that has no default and was not set.  Asking for a name that is
 *	not in the table is a program error: it is reported on stderr and
 *	the getter returns NULL, 0 or false.
 *
 *	conf_print() writes the effective configuration as a valid file
 *	(only the keys that were set, or all with `all'); values of keys with
 *	CONF_FLAG_SECRET are replaced by "(secret)".
 * MEMORY
 *	The CONF owns every string it returns; they live until conf_free().
 *	The table must outlive the CONF.
 * DIAGNOSTICS
 *	conf_new() returns NULL when memory is short or a default in the
 *	table is invalid (a program error, written to stderr).
 *--*/

#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "conf.h"

typedef struct {
    char   *str;			/* text as given (lists: joined) */
    long    num;			/* INT, SECONDS, BOOL */
    char  **items;			/* LIST */
    size_t  nitems;
    int     line;			/* where set; 0 = default */
} CONF_VALUE;

struct CONF {
    const CONF_KEY *table;
    size_t  count;
    CONF_VALUE *values;
    char  **errors;
    size_t  nerrors;
};

/* conf_add_error - record one "source:line: text" problem */

static void conf_add_error(CONF *conf, const char *source, int line,
			           const char *fmt,...)
{
    char    text[512];
    char   *full;
    char  **grown;
    va_list ap;
    int     n;

    va_start(ap, fmt);
    vsnprintf(text, sizeof(text), fmt, ap);
    va_end(ap);
    n = line > 0 ? snprintf(NULL, 0, "%s:%d: %s", source, line, text)
	: snprintf(NULL, 0, "%s: %s", source, text);
    if ((full = malloc((size_t) n + 1)) == NULL)
	return;
    if (line > 0)
	snprintf(full, (size_t) n + 1, "%s:%d: %s", source, line, text);
    else
	snprintf(full, (size_t) n + 1, "%s: %s", source, text);
    grown = realloc(conf->errors, (conf->nerrors + 1) * sizeof(*grown));
    if (grown == NULL) {
	free(full);
	return;
    }
    conf->errors = grown;
    conf->errors[conf->nerrors++] = full;
}

/* conf_find - index of a key, or -1 */

static long conf_find(const CONF *conf, const char *name, size_t len)
{
    for (size_t i = 0; i < conf->count; i++)
	if (strlen(conf->table[i].name) == len
	    && strncasecmp(conf->table[i].name, name, len) == 0)
	    return ((long) i);
    return (-1);
}

/* conf_parse_time - "90", "90s", "500ms", "5m", "3h", "7d", "2w" */

static int conf_parse_time(const char *text, long *out, bool millis)
{
    static const struct {
	const char *unit;
	long    ms;
    }       units[] = {
	{"", 1000}, {"ms", 1}, {"s", 1000}, {"m", 60000}, {"h", 3600000},
	{"d", 86400000}, {"w", 604800000},
    };
    char   *end;
    long    n;

    errno = 0;
    if (!isdigit((unsigned char) *text))
	return (-1);
    n = strtol(text, &end, 10);
    if (errno != 0)
	return (-1);
    for (size_t i = 0; i < sizeof(units) / sizeof(units[0]); i++) {
	if (strcasecmp(end, units[i].unit) != 0)
	    continue;
	if (!millis && units[i].ms < 1000)
	    return (-1);			/* whole seconds only */
	if (n > LONG_MAX / units[i].ms)
	    return (-1);
	*out = millis ? n * units[i].ms : n * (units[i].ms / 1000);
	return (0);
    }
    return (-1);
}

/* conf_parse_bool - the usual spellings of yes and no */

static int conf_parse_bool(const char *text, long *out)
{
    static const char *const yes[] = {"yes", "true", "on", "1"};
    static const char *const no[] = {"no", "false", "off", "0"};

    for (size_t i = 0; i < 4; i++) {
	if (strcasecmp(text, yes[i]) == 0)
	    return (*out = 1, 0);
	if (strcasecmp(text, no[i]) == 0)
	    return (*out = 0, 0);
    }
    return (-1);
}

/* conf_enum_match - the choice that text names, or NULL */

static const char *conf_enum_match(const char *choices, const char *text)
{
    size_t  tlen = strlen(text);
    const char *cp = choices;

    while (*cp) {
	size_t  clen = strcspn(cp, "|");

	if (clen == tlen && strncasecmp(cp, text, clen) == 0)
	    return (cp);
	cp += clen;
	if (*cp == '|')
	    cp++;
    }
    return (NULL);
}

/* conf_list_append - split text into items and add them */

static int conf_list_append(CONF_VALUE *val, const char *text)
{
    const char *cp = text;

    while (*cp) {
	size_t  len;
	char  **grown;

	cp += strspn(cp, ", \t");
	if ((len = strcspn(cp, ", \t")) == 0)
	    break;
	grown = realloc(val->items, (val->nitems + 1) * sizeof(*grown));
	if (grown == NULL)
	    return (-1);
	val->items = grown;
	if ((val->items[val->nitems] = strndup(cp, len)) == NULL)
	    return (-1);
	val->nitems++;
	cp += len;
    }
    return (0);
}

/* conf_value_clear - forget a value (keeps nothing) */

static void conf_value_clear(CONF_VALUE *val)
{
    free(val->str);
    for (size_t i = 0; i < val->nitems; i++)
	free(val->items[i]);
    free(val->items);
    memset(val, 0, sizeof(*val));
}

/* conf_set - check and store one value; returns 0 or records an error */

static int conf_set(CONF *conf, size_t idx, const char *value,
		            const char *source, int line)
{
    const CONF_KEY *key = conf->table + idx;
    CONF_VALUE *val = conf->values + idx;
    CONF_VALUE fresh = {0};
    const char *choice;
    char   *end;

    if (key->type == CONF_LIST && val->line > 0) {
	/* A repeated list key adds items. */
	if (conf_list_append(val, value) < 0)
	    goto nomem;
	return (0);
    }
    switch (key->type) {
    case CONF_STR:
	break;
    case CONF_INT:
	errno = 0;
	fresh.num = strtol(value, &end, 10);
	if (errno != 0 || end == value || *end != 0) {
	    conf_add_error(conf, source, line, "%s: \"%s\" is not a whole number",
			   key->name, value);
	    return (-1);
	}
	break;
    case CONF_SECONDS:
    case CONF_MILLIS:
	if (conf_parse_time(value, &fresh.num, key->type == CONF_MILLIS) < 0) {
	    conf_add_error(conf, source, line,
			   key->type == CONF_MILLIS ?
			   "%s: \"%s\" is not a time (a number with ms, s, m, h, d or w)" :
			   "%s: \"%s\" is not a time (a number with s, m, h, d or w)",
			   key->name, value);
	    return (-1);
	}
	break;
    case CONF_BOOL:
	if (conf_parse_bool(value, &fresh.num) < 0) {
	    conf_add_error(conf, source, line, "%s: \"%s\" is not yes or no",
			   key->name, value);
	    return (-1);
	}
	break;
    case CONF_ENUM:
	if ((choice = conf_enum_match(key->choices, value)) == NULL) {
	    conf_add_error(conf, source, line, "%s: \"%s\" is not one of %s",
			   key->name, value, key->choices);
	    return (-1);
	}
	value = choice;
	break;
    case CONF_LIST:
	if (conf_list_append(&fresh, value) < 0)
	    goto nomem;
	break;
    }
    if ((key->type == CONF_INT || key->type == CONF_SECONDS
	 || key->type == CONF_MILLIS)
	&& (key->min != 0 || key->max != 0)
	&& (fresh.num < key->min || fresh.num > key->max)) {
	conf_add_error(conf, source, line, "%s: %ld is out of range (%ld to %ld)",
		       key->name, fresh.num, key->min, key->max);
	conf_value_clear(&fresh);
	return (-1);
    }
    if (key->type == CONF_ENUM)
	fresh.str = strndup(value, strcspn(value, "|"));
    else
	fresh.str = strdup(value);
    if (fresh.str == NULL)
	goto nomem;
    fresh.line = line;
    conf_value_clear(val);
    *val = fresh;
    return (0);

nomem:
    conf_value_clear(&fresh);
    conf_add_error(conf, source, line, "out of memory");
    return (-1);
}

/* conf_new - a configuration that holds the table's defaults */

CONF   *conf_new(const CONF_KEY *table, size_t count)
{
    CONF   *conf;

    if ((conf = calloc(1, sizeof(*conf))) == NULL)
	return (NULL);
    conf->table = table;
    conf->count = count;
    if ((conf->values = calloc(count ? count : 1, sizeof(*conf->values))) == NULL) {
	free(conf);
	return (NULL);
    }
    for (size_t i = 0; i < count; i++) {
	if (table[i].dflt != NULL
	    && conf_set(conf, i, table[i].dflt, "default", 0) < 0) {
	    fprintf(stderr, "conf: bad default for %s: %s\n", table[i].name,
		    conf->nerrors ? conf->errors[conf->nerrors - 1] : "?");
	    conf_free(conf);
	    return (NULL);
	}
    }
    return (conf);
}

/* conf_free - destroy a configuration */

void    conf_free(CONF *conf)
{
    if (conf == NULL)
	return;
    for (size_t i = 0; i < conf->count; i++)
	conf_value_clear(conf->values + i);
    for (size_t i = 0; i < conf->nerrors; i++)
	free(conf->errors[i]);
    free(conf->errors);
    free(conf->values);
    free(conf);
}

/* conf_load_line - parse one line (no line terminator) */

static void conf_load_line(CONF *conf, const char *source, int line,
			           char *text, size_t len)
{
    char   *name;
    char   *value;
    char   *end;
    size_t  namelen;
    long    idx;

    if (memchr(text, 0, len) != NULL) {
	conf_add_error(conf, source, line, "NUL byte in line");
	return;
    }
    if (len > 0 && text[len - 1] == '\r')
	text[--len] = 0;
    name = text + strspn(text, " \t");
    if (*name == 0 || *name == '#')
	return;
    namelen = strcspn(name, " \t");
    value = name + namelen;
    value += strspn(value, " \t");
    end = value + strlen(value);
    while (end > value && (end[-1] == ' ' || end[-1] == '\t'))
	*--end = 0;
    if ((idx = conf_find(conf, name, namelen)) < 0) {
	conf_add_error(conf, source, line, "unknown name \"%.*s\"",
		       (int) namelen, name);
	return;
    }
    if (*value == 0) {
	conf_add_error(conf, source, line, "%s needs a value",
		       conf->table[idx].name);
	return;
    }
    if (conf->table[idx].type != CONF_LIST && conf->values[idx].line > 0) {
	conf_add_error(conf, source, line, "%s is already set at line %d",
		       conf->table[idx].name, conf->values[idx].line);
	return;
    }
    conf_set(conf, (size_t) idx, value, source, line);
}

/* conf_load_text - parse a whole file held in memory */

int     conf_load_text(CONF *conf, const char *source, const char *text,
		               size_t len)
{
    size_t  before = conf->nerrors;
    size_t  pos = 0;
    int     line = 0;

    while (pos < len) {
	const char *nl = memchr(text + pos, '\n', len - pos);
	size_t  linelen = nl ? (size_t) (nl - (text + pos)) : len - pos;
	char   *copy;

	line++;
	if ((copy = malloc(linelen + 1)) == NULL) {
	    conf_add_error(conf, source, line, "out of memory");
	    break;
	}
	memcpy(copy, text + pos, linelen);
	copy[linelen] = 0;
	conf_load_line(conf, source, line, copy, linelen);
	free(copy);
	pos += linelen + (nl ? 1 : 0);
    }
    return ((int) (conf->nerrors - before));
}

/* conf_load_file - parse a file */

int     conf_load_file(CONF *conf, const char *path)
{
    FILE   *fp;
    char   *buf = NULL;
    size_t  len = 0;
    size_t  cap = 0;
    size_t  got;
    char    chunk[8192];
    int     result;

    if ((fp = fopen(path, "r")) == NULL) {
	conf_add_error(conf, path, 0, "cannot open: %s", strerror(errno));
	return (1);
    }
    while ((got = fread(chunk, 1, sizeof(chunk), fp)) > 0) {
	if (len + got > cap) {
	    char   *grown;

	    cap = (len + got) * 2;
	    if ((grown = realloc(buf, cap)) == NULL) {
		free(buf);
		fclose(fp);
		conf_add_error(conf, path, 0, "out of memory");
		return (1);
	    }
	    buf = grown;
	}
	memcpy(buf + len, chunk, got);
	len += got;
    }
    if (ferror(fp)) {
	conf_add_error(conf, path, 0, "read error: %s", strerror(errno));
	free(buf);
	fclose(fp);
	return (1);
    }
    fclose(fp);
    result = conf_load_text(conf, path, buf ? buf : "", len);
    free(buf);
    return (result);
}

size_t  conf_error_count(const CONF *conf)
{
    return (conf->nerrors);
}

const char *conf_error(const CONF *conf, size_t index)
{
    return (index < conf->nerrors ? conf->errors[index] : NULL);
}

/* conf_value - the value of a named key, or NULL (program error) */

static const CONF_VALUE *conf_value(const CONF *conf, const char *name,
				            CONF_TYPE want1, CONF_TYPE want2)
{
    long    idx = conf_find(conf, name, strlen(name));

    if (idx < 0) {
	fprintf(stderr, "conf: program error: no key named \"%s\"\n", name);
	return (NULL);
    }
    if (conf->table[idx].type != want1 && conf->table[idx].type != want2) {
	fprintf(stderr, "conf: program error: key \"%s\" read with the wrong type\n",
		name);
	return (NULL);
    }
    return (conf->values + idx);
}

const char *conf_str(const CONF *conf, const char *name)
{
    long    idx = conf_find(conf, name, strlen(name));

    if (idx < 0) {
	fprintf(stderr, "conf: program error: no key named \"%s\"\n", name);
	return (NULL);
    }
    return (conf->values[idx].str);
}

long    conf_int(const CONF *conf, const char *name)
{
    long    idx = conf_find(conf, name, strlen(name));
    const CONF_VALUE *val;

    if (idx >= 0 && conf->table[idx].type == CONF_MILLIS)
	return (conf->values[idx].num);
    val = conf_value(conf, name, CONF_INT, CONF_SECONDS);
    return (val ? val->num : 0);
}

bool    conf_bool(const CONF *conf, const char *name)
{
    const CONF_VALUE *val = conf_value(conf, name, CONF_BOOL, CONF_BOOL);

    return (val ? val->num != 0 : false);
}

size_t  conf_list_count(const CONF *conf, const char *name)
{
    const CONF_VALUE *val = conf_value(conf, name, CONF_LIST, CONF_LIST);

    return (val ? val->nitems : 0);
}

const char *conf_list_item(const CONF *conf, const char *name, size_t index)
{
    const CONF_VALUE *val = conf_value(conf, name, CONF_LIST, CONF_LIST);

    return (val && index < val->nitems ? val->items[index] : NULL);
}

/* conf_source_line - the line that set a key; 0 for a default */

int     conf_source_line(const CONF *conf, const char *name)
{
    long    idx = conf_find(conf, name, strlen(name));

    return (idx < 0 ? -1 : conf->values[idx].line);
}

/* conf_print - write the effective configuration as a valid file */

int     conf_print(const CONF *conf, FILE *fp, bool all)
{
    for (size_t i = 0; i < conf->count; i++) {
	const CONF_KEY *key = conf->table + i;
	const CONF_VALUE *val = conf->values + i;

	if (!all && val->line == 0)
	    continue;
	if (all && key->help)
	    fprintf(fp, "# %s%s\n", key->help,
		    (key->flags & CONF_FLAG_RESTART) ? " (restart to change)" : "");
	if (val->str == NULL) {
	    fprintf(fp, "# %s (not set)\n", key->name);
	} else if (key->flags & CONF_FLAG_SECRET) {
	    fprintf(fp, "# %s is set (secret, not shown)\n", key->name);
	} else if (key->type == CONF_LIST) {
	    fprintf(fp, "%s", key->name);
	    for (size_t j = 0; j < val->nitems; j++)
		fprintf(fp, "%s%s", j ? ", " : " ", val->items[j]);
	    fputc('\n', fp);
	} else {
	    fprintf(fp, "%s %s\n", key->name, val->str);
	}
    }
    return (ferror(fp) ? -1 : 0);
}
