/*++
 * NAME
 *	reason 3
 * SUMMARY
 *	why a delivery failed: Sisimai's reason names, hard or soft
 * SYNOPSIS
 *	#include "reason.h"
 *
 *	const char *reason_classify(const REASON_INPUT *in)
 *	bool	reason_is_hard(const char *reason, const char *status,
 *				int reply_code)
 * DESCRIPTION
 *	A first cut: the RFC 3463 status alone.  (Being replaced by the
 *	phrase tables.)
 *--*/

#include <string.h>

#include "reason.h"

const char *reason_classify(const REASON_INPUT *in)
{
    const char *s = in->status ? in->status : "";

    if (in->action == REPORT_ACTION_DELIVERED || in->action == REPORT_ACTION_RELAYED)
	return ("delivered");
    if (strncmp(s + (*s ? 1 : 0), ".1.1", 4) == 0)
	return ("userunknown");
    if (strncmp(s + (*s ? 1 : 0), ".1.2", 4) == 0)
	return ("hostunknown");
    if (strncmp(s + (*s ? 1 : 0), ".2.2", 4) == 0)
	return ("mailboxfull");
    if (strncmp(s + (*s ? 1 : 0), ".4.7", 4) == 0)
	return ("expired");
    return ("undefined");
}

bool    reason_is_hard(const char *reason, const char *status, int reply_code)
{
    if (strcmp(reason, "userunknown") == 0 || strcmp(reason, "hostunknown") == 0
	|| strcmp(reason, "hasmoved") == 0)
	return (true);
    if (strcmp(reason, "notaccept") == 0)
	return ((status && status[0] == '5') || (reply_code >= 500 && reply_code < 600));
    return (false);
}
