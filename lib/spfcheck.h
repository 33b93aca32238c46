#ifndef LIVEADDR_SPFCHECK_H
#define LIVEADDR_SPFCHECK_H

/*++
 * NAME
 *	spfcheck 3h
 * SUMMARY
 *	SPF check_host() with libspf2 over our own DNS layer
 * SYNOPSIS
 *	#include "spfcheck.h"
 * DESCRIPTION
 *	See spfcheck.c.
 *--*/

#include "dns.h"

#define SPFCHECK_TEXT_LEN	512

typedef enum {
    SPFCHECK_NONE = 0,			/* no policy (or nothing to check) */
    SPFCHECK_NEUTRAL,
    SPFCHECK_PASS,
    SPFCHECK_FAIL,
    SPFCHECK_SOFTFAIL,
    SPFCHECK_TEMPERROR,			/* DNS trouble: try again later */
    SPFCHECK_PERMERROR,			/* the domain's record is broken */
    SPFCHECK_COUNT
} SPFCHECK_CODE;

typedef struct {
    SPFCHECK_CODE result;
    char    identity[16];		/* "mailfrom" or "helo"; "" */
    char    domain[DNS_NAME_LEN];	/* whose policy was evaluated */
    char    reason[SPFCHECK_TEXT_LEN];	/* why, in a few words */
    char    explanation[SPFCHECK_TEXT_LEN];	/* fail: the domain's own text */
    char    received_spf[2 * SPFCHECK_TEXT_LEN];	/* "Received-SPF: ..." */
    unsigned elapsed_ms;
    unsigned dns_queries;
} SPFCHECK_RESULT;

typedef struct SPFCHECK SPFCHECK;

extern SPFCHECK *spfcheck_new(const DNS_CONF *conf, char *err, size_t errlen);
extern int spfcheck_set_receiver(SPFCHECK *ctx, const char *hostname);
extern void spfcheck_free(SPFCHECK *ctx);
extern SPFCHECK_CODE spfcheck_check_host(SPFCHECK *ctx, const char *client_ip,
				                 const char *helo, const char *mail_from,
					         SPFCHECK_RESULT *out);
extern const char *spfcheck_result_name(SPFCHECK_CODE result);

/* Tests: evaluate over another libspf2 DNS layer (e.g. a zone layer). */
struct SPF_dns_server_struct;
extern SPFCHECK *spfcheck_new_layer(struct SPF_dns_server_struct *layer);

#endif
