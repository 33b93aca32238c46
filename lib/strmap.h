#ifndef LIVEADDR_STRMAP_H
#define LIVEADDR_STRMAP_H

/*++
 * NAME
 *	strmap 3h
 * SUMMARY
 *	build-once string to integer hash map
 * SYNOPSIS
 *	#include "strmap.h"
 * DESCRIPTION
 *	See strmap.c.
 *--*/

#include <stddef.h>

typedef struct STRMAP STRMAP;

extern STRMAP *strmap_new(void);
extern void strmap_free(STRMAP *);
extern int strmap_put(STRMAP *, const char *key, size_t len, int value);
extern int strmap_set(STRMAP *, const char *key, size_t len, int value);
extern int strmap_get(const STRMAP *, const char *key, size_t len, int *value);
extern size_t strmap_count(const STRMAP *);

#endif
