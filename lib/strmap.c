/*++
 * NAME
 *	strmap 3
 * SUMMARY
 *	build-once string to integer hash map
 * SYNOPSIS
 *	#include "strmap.h"
 *
 *	STRMAP	*strmap_new(void)
 *	void	strmap_free(STRMAP *map)
 *	int	strmap_put(STRMAP *map, const char *key, size_t len, int value)
 *	int	strmap_set(STRMAP *map, const char *key, size_t len, int value)
 *	int	strmap_get(const STRMAP *map, const char *key, size_t len,
 *				int *value)
 *	size_t	strmap_count(const STRMAP *map)
 * DESCRIPTION
 *	A set of byte strings, each with an integer, for the lists the
 *	suggestion module loads: filled once, then only read, so any
 *	number of threads may call strmap_get() at the same time.  Keys
 *	are compared as bytes (the caller folds case).  Open addressing
 *	with linear probing, kept at most half full: a lookup is one hash
 *	and, nearly always, one string compare.
 *
 *	strmap_put() adds a key with its value; when the key is there
 *	already the first value stays and 1 is returned.  strmap_set()
 *	adds the key or replaces its value.  strmap_get()
 *	returns 1 and sets *value (when value is not NULL) if the key is
 *	there, 0 if not.
 * MEMORY
 *	The map copies the keys; strmap_free() releases everything.
 * DIAGNOSTICS
 *	strmap_new() returns NULL and strmap_put() -1 when memory is short.
 *--*/

#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "strmap.h"

typedef struct {
    uint64_t hash;			/* 0: empty slot */
    size_t  off;			/* key offset in the arena */
    size_t  len;
    int     value;
} STRMAP_SLOT;

struct STRMAP {
    STRMAP_SLOT *slots;
    size_t  size;			/* a power of two */
    size_t  count;
    char   *arena;			/* the keys, back to back */
    size_t  arena_len;
    size_t  arena_size;
};

/*
 * strmap_hash - eight octets a step, mixed by multiplication and shifts
 * (keys are short: domains, local parts); never 0.
 */

static uint64_t strmap_hash(const char *key, size_t len)
{
    uint64_t h = 0x9E3779B97F4A7C15ULL ^ len;
    uint64_t w;

    if (len >= 8) {
	/* Whole words, then the last eight octets (overlapping). */
	for (; len > 8; key += 8, len -= 8) {
	    memcpy(&w, key, 8);
	    h = (h ^ w) * 0xFF51AFD7ED558CCDULL;
	    h ^= h >> 32;
	}
	memcpy(&w, key + len - 8, 8);
    } else {
	w = 0;
	for (size_t i = 0; i < len; i++)
	    w |= (uint64_t) (unsigned char) key[i] << (8 * i);
    }
    h = (h ^ w) * 0xC4CEB9FE1A85EC53ULL;
    h ^= h >> 29;
    h *= 0xFF51AFD7ED558CCDULL;
    h ^= h >> 33;
    return (h ? h : 1);
}

/* strmap_new - an empty map */

STRMAP *strmap_new(void)
{
    STRMAP *map;

    if ((map = calloc(1, sizeof(*map))) == NULL)
	return (NULL);
    map->size = 64;
    if ((map->slots = calloc(map->size, sizeof(*map->slots))) == NULL) {
	free(map);
	return (NULL);
    }
    return (map);
}

/* strmap_free - destroy a map */

void    strmap_free(STRMAP *map)
{
    if (map == NULL)
	return;
    free(map->slots);
    free(map->arena);
    free(map);
}

/* strmap_find - the slot of a key, or the empty slot where it would go */

static STRMAP_SLOT *strmap_find(const STRMAP *map, const char *key,
				        size_t len, uint64_t h)
{
    size_t  mask = map->size - 1;

    for (size_t i = (size_t) h & mask;; i = (i + 1) & mask) {
	STRMAP_SLOT *s = map->slots + i;

	if (s->hash == 0)
	    return (s);
	if (s->hash == h && s->len == len
	    && memcmp(map->arena + s->off, key, len) == 0)
	    return (s);
    }
}

/* strmap_grow - double the table */

static int strmap_grow(STRMAP *map)
{
    STRMAP_SLOT *old = map->slots;
    size_t  old_size = map->size;

    if ((map->slots = calloc(old_size * 2, sizeof(*map->slots))) == NULL) {
	map->slots = old;
	return (-1);
    }
    map->size = old_size * 2;
    for (size_t i = 0; i < old_size; i++) {
	if (old[i].hash != 0) {
	    size_t  mask = map->size - 1;
	    size_t  j = (size_t) old[i].hash & mask;

	    while (map->slots[j].hash != 0)
		j = (j + 1) & mask;
	    map->slots[j] = old[i];
	}
    }
    free(old);
    return (0);
}

/* strmap_put - add a key; 1 if it was there (value kept) */

int     strmap_put(STRMAP *map, const char *key, size_t len, int value)
{
    uint64_t h = strmap_hash(key, len);
    STRMAP_SLOT *s;

    if ((map->count + 1) * 2 > map->size && strmap_grow(map) < 0)
	return (-1);
    if ((s = strmap_find(map, key, len, h))->hash != 0)
	return (1);
    if (map->arena_len + len + 1 > map->arena_size) {
	size_t  want = (map->arena_size ? map->arena_size * 2 : 1024) + len + 1;
	char   *grown = realloc(map->arena, want);

	if (grown == NULL)
	    return (-1);
	map->arena = grown;
	map->arena_size = want;
    }
    memcpy(map->arena + map->arena_len, key, len);
    map->arena[map->arena_len + len] = 0;
    s->hash = h;
    s->off = map->arena_len;
    s->len = len;
    s->value = value;
    map->arena_len += len + 1;
    map->count++;
    return (0);
}

/* strmap_set - add a key, or replace its value */

int     strmap_set(STRMAP *map, const char *key, size_t len, int value)
{
    STRMAP_SLOT *s;
    int     rc;

    if (map->count > 0
	&& (s = strmap_find(map, key, len, strmap_hash(key, len)))->hash != 0) {
	s->value = value;
	return (0);
    }
    rc = strmap_put(map, key, len, value);
    return (rc < 0 ? -1 : 0);
}

/* strmap_get - look a key up */

int     strmap_get(const STRMAP *map, const char *key, size_t len, int *value)
{
    const STRMAP_SLOT *s;

    if (map == NULL || map->count == 0)
	return (0);
    s = strmap_find(map, key, len, strmap_hash(key, len));
    if (s->hash == 0)
	return (0);
    if (value != NULL)
	*value = s->value;
    return (1);
}

/* strmap_count - number of keys */

size_t  strmap_count(const STRMAP *map)
{
    return (map ? map->count : 0);
}
