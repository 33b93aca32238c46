#ifndef LIVEADDR_INBOUND_CB_H
#define LIVEADDR_INBOUND_CB_H

/*++
 * NAME
 *	inbound_cb 3h
 * SUMMARY
 *	the milter's inbound steps: reports to the bounce domain, replies
 * SYNOPSIS
 *	#include "inbound_cb.h"
 * DESCRIPTION
 *	See inbound_cb.c.
 *--*/

#include <stdatomic.h>

#include <libmilter/mfapi.h>

#include "inbound.h"
#include "runtime.h"

typedef struct {
    atomic_ulong reports;		/* messages to the bounce domain, at EOM */
    atomic_ulong untagged;		/* ... with no tag (or a damaged one) */
    atomic_ulong bad_mac;		/* ... with a forged tag or an unknown key */
    atomic_ulong expired;		/* ... with a tag past its day */
    atomic_ulong rejected;		/* recipients refused at RCPT */
    atomic_ulong spf_fail;		/* reports and replies failing SPF */
    atomic_ulong evidence;		/* items made */
    atomic_ulong replies;		/* replies from known addresses counted */
} INBOUND_COUNTERS;

extern INBOUND_COUNTERS inbound_counters;

extern sfsistat inbound_cb_rcpt(SMFICTX *, RUNTIME *, INMSG *, const char *recipient);
extern sfsistat inbound_cb_eoh(SMFICTX *, RUNTIME *, INMSG *, const char *qid);
extern sfsistat inbound_cb_eom(SMFICTX *, RUNTIME *, INMSG *, const char *qid);
extern void inbound_counters_log(void);

#endif
