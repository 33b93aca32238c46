#ifndef LIVEADDR_RUNTIME_H
#define LIVEADDR_RUNTIME_H

/*++
 * NAME
 *	runtime 3h
 * SUMMARY
 *	the milter's configuration and connections, swapped on reload
 * SYNOPSIS
 *	#include "runtime.h"
 * DESCRIPTION
 *	See runtime.c.
 *--*/

#include <stdbool.h>

#include "conf.h"
#include "domverdict.h"
#include "inbound.h"
#include "journal.h"
#include "outbound.h"
#include "rpool.h"
#include "sink.h"
#include "spfcheck.h"
#include "store.h"
#include "tag.h"

typedef struct RUNTIME {
    int     refs;			/* messages using it, +1 while current */
    CONF   *conf;
    OUTBOUND_CONF out;
    char  **lists;			/* what out's lists point to */
    TAG_KEYRING tags;
    TAG_KEYRING hints;
    RPOOL  *pool;
    STORE  *store;
    JOURNAL *journal;
    SINK   *sink;
    DNS_CTX *dns;
    DOMCACHE *cache;
    DOMVERDICT *domains;
    bool    tempfail_on_failure;
    bool    reject_no_mail;
    INBOUND_CONF in;			/* what comes back */
    SPFCHECK *spf;			/* the reports' and replies' senders */
    bool    reject_unsigned;		/* BounceRejectUnsigned */
    bool    trust_spf_fail;		/* ReportTrustSPFFail */
    bool    report_discard;		/* ReportDisposition discard */
} RUNTIME;

extern RUNTIME *runtime_build(const char *path, char *err, size_t errlen);
extern void runtime_install(RUNTIME *);
extern void runtime_discard(RUNTIME *);
extern RUNTIME *runtime_acquire(void);
extern RUNTIME *runtime_hold(RUNTIME *);
extern void runtime_release(RUNTIME *);
extern void runtime_shutdown(void);

#endif
