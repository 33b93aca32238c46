#ifndef LIVEADDR_CONF_H
#define LIVEADDR_CONF_H

/*++
 * NAME
 *	conf 3h
 * SUMMARY
 *	"Name value" configuration files, in the OpenDKIM manner
 * SYNOPSIS
 *	#include "conf.h"
 * DESCRIPTION
 *	See conf.c.
 *--*/

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

typedef enum {
    CONF_STR,				/* any text */
    CONF_INT,				/* decimal integer in [min, max] */
    CONF_BOOL,				/* yes/no, true/false, on/off, 1/0 */
    CONF_SECONDS,			/* 30, 30s, 5m, 3h, 7d, 2w: seconds */
    CONF_MILLIS,			/* 500ms, 2s, 1m: milliseconds */
    CONF_ENUM,				/* one of "a|b|c" (choices) */
    CONF_LIST,				/* items split on commas/space; key may repeat */
} CONF_TYPE;

#define CONF_FLAG_RESTART	(1<<0)	/* a reload does not change it */
#define CONF_FLAG_SECRET	(1<<1)	/* never printed by conf_print() */

typedef struct {
    const char *name;			/* case-insensitive key */
    CONF_TYPE type;
    const char *dflt;			/* default as it would be written; NULL: unset */
    long    min;			/* CONF_INT, CONF_SECONDS: range */
    long    max;
    const char *choices;		/* CONF_ENUM: "continue|tempfail" */
    int     flags;			/* CONF_FLAG_* */
    const char *help;			/* one line, for conf_print() */
} CONF_KEY;

typedef struct CONF CONF;

extern CONF *conf_new(const CONF_KEY *table, size_t count);
extern void conf_free(CONF *);
extern int conf_load_file(CONF *, const char *path);
extern int conf_load_text(CONF *, const char *source, const char *text, size_t len);

extern size_t conf_error_count(const CONF *);
extern const char *conf_error(const CONF *, size_t index);

extern const char *conf_str(const CONF *, const char *name);
extern long conf_int(const CONF *, const char *name);
extern bool conf_bool(const CONF *, const char *name);
extern size_t conf_list_count(const CONF *, const char *name);
extern const char *conf_list_item(const CONF *, const char *name, size_t index);
extern int conf_source_line(const CONF *, const char *name);

extern int conf_print(const CONF *, FILE *fp, bool all);

#endif
