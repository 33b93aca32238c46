#ifndef LIVEADDR_STORE_INT_H
#define LIVEADDR_STORE_INT_H

/*++
 * NAME
 *	store_int 3h
 * SUMMARY
 *	what store.c and store_write.c share; not for other modules
 * SYNOPSIS
 *	#include "store_int.h"
 *--*/

#include <stdbool.h>
#include <stddef.h>

#include "store.h"

struct STORE {
    RPOOL  *pool;
    STORE_CONF conf;
    char   *prefix;
    RSCRIPT cas;
};

/* One address of a batch. */
typedef struct {
    const char *address;
    size_t *items;			/* indexes into the batch */
    size_t  nitems;
    RECORD_DOC *doc;			/* as read, then as written */
    unsigned bucket;
    unsigned changed;
    VALIDITY before;			/* validity as read (the sweep) */
    bool    done;
    bool    failed;
    bool    refused;			/* failed for good: retrying won't help */
    bool    preread;			/* use preread_value instead of a GET, once */
    const char *preread_value;		/* NULL: the key was absent */
    size_t  preread_len;
    char    expect[16];			/* the version read */
    char    key[ADDR_ADDRESS_MAX + 64];
} STORE_GROUP;

extern const char store_cas_lua[];

extern void store_bucket_key(const STORE *, const char *name, unsigned bucket,
			             const char *suffix, char *buf, size_t len);
extern void store_version_text(unsigned long v, char *buf);
extern void store_field(char *dst, size_t size, const char *src);
extern int store_write(STORE *, redisContext *, STORE_GROUP *groups, size_t ng,
		               const EVIDENCE *items, STORE_RESULT *results,
		               bool *conflicts, char *err, size_t errlen);

#endif
