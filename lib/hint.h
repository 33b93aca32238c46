#ifndef LIVEADDR_HINT_H
#define LIVEADDR_HINT_H

/*++
 * NAME
 *	hint 3h
 * SUMMARY
 *	the CRM's signed hint header: who a letter is for and why
 * SYNOPSIS
 *	#include "hint.h"
 * DESCRIPTION
 *	See hint.c.
 *--*/

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#include "evidence.h"
#include "tag.h"

#define HINT_HEADER	"X-Liveaddr-Hint"
#define HINT_TEXT_MAX	1024

typedef struct {
    char    contact[EV_NAME_MAX + 1];	/* CRM contact id */
    char    department[EV_WORD_MAX + 1];	/* sales, service */
    char    owner[EV_NAME_MAX + 1];	/* salesperson or service advisor */
    char    event[EV_WORD_MAX + 1];	/* contract, delivery, service, ... */
    char    recipient[256];		/* the one recipient it is for, or "" */
    time_t  when;			/* when the CRM signed it */
    char    kid[TAG_KID_MAX + 1];	/* the key that signed it */
} HINT;

typedef enum {
    HINT_OK = 0,
    HINT_MALFORMED,
    HINT_UNKNOWN_KEY,
    HINT_BAD_MAC,
    HINT_STALE,				/* older than max_age, or from the future */
    HINT_WRONG_RECIPIENT,		/* signed for another address */
} HINT_STATUS;

extern int hint_make(const TAG_KEYRING *, const HINT *, char *buf, size_t len);
extern HINT_STATUS hint_verify(const TAG_KEYRING *, const char *value, time_t now,
			               time_t max_age, HINT *);
extern HINT_STATUS hint_check_recipient(const HINT *, const char *recipient_key);
extern bool hint_is_ours(const char *header_name);
extern const char *hint_status_name(HINT_STATUS);

#endif
