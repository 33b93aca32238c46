#ifndef LIVEADDR_CHECK_H
#define LIVEADDR_CHECK_H

/*++
 * NAME
 *	check 3h
 * SUMMARY
 *	the first verdict on an address: syntax, suggestions, domain
 * SYNOPSIS
 *	#include "check.h"
 * DESCRIPTION
 *	See check.c.
 *--*/

#include <stdbool.h>
#include <time.h>

#include "addr.h"
#include "dnsdata.h"
#include "domverdict.h"
#include "suggest.h"

typedef enum {
    CHECK_VALID = 0,			/* passes every check short of mailing */
    CHECK_INVALID,			/* certainly cannot receive mail */
    CHECK_UNKNOWN,			/* cannot tell now (DNS trouble, unchecked) */
    CHECK_RISKY,			/* may work, but look again */
    CHECK_VERDICT_COUNT
} CHECK_VERDICT;

typedef struct {
    CHECK_VERDICT verdict;
    const char *reason;			/* machine name of the deciding reason */
    const char *reason_en;		/* ... in words */
    const char *reason_ru;
    ADDR    addr;			/* addr.reason != ADDR_OK: syntax failed */
    SUGGESTION suggestion;		/* suggestion.rule != SUGGEST_NONE: a fix */
    bool    dns_checked;
    DNS_RESULT dns;
    DV_SOURCE dns_source;
} CHECK_RESULT;

typedef struct {
    const SUGGEST *suggest;		/* NULL: no suggestions */
    DOMVERDICT *domains;		/* NULL: no DNS */
} CHECKER;

extern CHECK_VERDICT check_address(const CHECKER *, const char *input,
				           size_t len, time_t now,
				           CHECK_RESULT *out);
extern const char *check_verdict_name(CHECK_VERDICT);
extern const char *check_verdict_text(CHECK_VERDICT, const char *lang);
extern const char *check_reason_text(const CHECK_RESULT *, const char *lang);
extern int check_exit_status(CHECK_VERDICT);
extern CHECK_VERDICT check_worse(CHECK_VERDICT, CHECK_VERDICT);

#endif
