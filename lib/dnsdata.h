#ifndef LIVEADDR_DNSDATA_H
#define LIVEADDR_DNSDATA_H

/*++
 * NAME
 *	dnsdata 3h
 * SUMMARY
 *	domain verdicts as data: names, texts, classes, encoding
 * SYNOPSIS
 *	#include "dnsdata.h"
 * DESCRIPTION
 *	See dnsdata.c.
 *--*/

#include <stdbool.h>
#include <stddef.h>

#define DNS_NAME_LEN		256	/* 253 characters + NUL, rounded */
#define DNS_ERROR_LEN		128
#define DNS_RESULT_TEXT_MAX	1280	/* dns_result_encode() never needs more */

/* What a domain's DNS says about mail to it.  Zero is "unknown". */
typedef enum {
    DNS_V_UNKNOWN = 0,			/* no verdict: timeout, SERVFAIL, ... */
    DNS_V_OK,				/* MX records */
    DNS_V_IMPLICIT_MX,			/* no MX, a public A/AAAA (weak) */
    DNS_V_NULL_MX,			/* RFC 7505 "MX 0 .": takes no mail */
    DNS_V_NO_MAIL,			/* no MX and SPF "v=spf1 -all" */
    DNS_V_NO_HOST,			/* no MX and no address */
    DNS_V_PRIVATE_HOST,			/* no MX, only non-public addresses */
    DNS_V_NXDOMAIN,			/* the domain does not exist */
    DNS_V_BAD_NAME,			/* not a valid domain name */
    DNS_V_COUNT
} DNS_VERDICT;

/* How much a verdict is worth (and how long a cache keeps it). */
typedef enum {
    DNS_CLASS_TEMP = 0,			/* unknown: ask again soon */
    DNS_CLASS_VALID,			/* the domain takes mail */
    DNS_CLASS_WEAK,			/* it probably does (implicit MX) */
    DNS_CLASS_INVALID,			/* it does not */
} DNS_CLASS;

/* The domain's SPF record, as far as the verdict looked. */
typedef enum {
    DNS_SPF_UNCHECKED = 0,		/* not looked up */
    DNS_SPF_UNKNOWN,			/* the TXT lookup failed */
    DNS_SPF_NONE,			/* no SPF record */
    DNS_SPF_PRESENT,			/* one SPF record */
    DNS_SPF_REJECT_ALL,			/* one, and its only mechanism is -all */
    DNS_SPF_MULTIPLE,			/* more than one (an SPF permerror) */
    DNS_SPF_COUNT
} DNS_SPF;

/* One verdict.  Plain data: copy it, cache it, encode it. */
typedef struct {
    DNS_VERDICT verdict;
    DNS_SPF spf;
    int     rcode;			/* of the deciding answer; -1: none */
    unsigned mx_count;			/* MX records in the answer */
    unsigned elapsed_ms;		/* the whole verdict */
    char    mx[DNS_NAME_LEN];		/* lowest-preference exchange, or "" */
    char    error[DNS_ERROR_LEN];	/* why unknown, or a failed side lookup */
} DNS_RESULT;

extern const char *dns_verdict_name(DNS_VERDICT verdict);
extern const char *dns_verdict_text(DNS_VERDICT verdict, const char *lang);
extern DNS_CLASS dns_verdict_class(DNS_VERDICT verdict);
extern int dns_verdict_by_name(const char *name, DNS_VERDICT *verdict);
extern const char *dns_spf_name(DNS_SPF spf);
extern int dns_spf_by_name(const char *name, DNS_SPF *spf);

extern int dns_result_encode(const DNS_RESULT *result, char *buf, size_t len);
extern int dns_result_decode(const char *text, size_t len, DNS_RESULT *result);

extern bool dns_name_is_valid(const char *ascii_domain);
extern bool dns_addr_is_public(int family, const void *addr);
extern DNS_SPF dns_spf_classify(const char *const *records, size_t count);

#endif
