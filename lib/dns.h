#ifndef LIVEADDR_DNS_H
#define LIVEADDR_DNS_H

/*++
 * NAME
 *	dns 3h
 * SUMMARY
 *	resolver settings, lookup sessions and domain verdicts (libldns)
 * SYNOPSIS
 *	#include "dns.h"
 * DESCRIPTION
 *	See dns.c (settings, sessions) and dnsverdict.c (verdicts).
 *--*/

#include <stdbool.h>
#include <stddef.h>

#include "dnsdata.h"

#define DNS_BUDGET_DEFAULT	5000	/* ms for one whole verdict */
#define DNS_BUDGET_MAX		600000	/* ms; larger budgets are refused */
#define DNS_MAX_NAMESERVERS	8

/*
 * Resolver settings, filled by the caller (dns_conf_init() sets the
 * defaults first).  dns_new() copies what it needs.
 */
typedef struct {
    const char *const *nameservers;	/* "IP", "IP:port", "[IPv6]:port" */
    size_t  nameserver_count;		/* 0: the servers of resolv_conf */
    unsigned port;			/* for entries without a port; 0: 53 */
    unsigned budget_ms;			/* one whole verdict; 0: 5000 */
    bool    recursion;			/* set RD: we talk to a recursor */
    const char *resolv_conf;		/* NULL: /etc/resolv.conf */
} DNS_CONF;

typedef struct DNS_CTX DNS_CTX;

extern void dns_conf_init(DNS_CONF *conf);
extern DNS_CTX *dns_new(const DNS_CONF *conf, char *err, size_t errlen);
extern void dns_free(DNS_CTX *ctx);
extern unsigned dns_budget_ms(const DNS_CTX *ctx);
extern size_t dns_nameserver_count(const DNS_CTX *ctx);

extern DNS_VERDICT dns_domain_verdict(DNS_CTX *ctx, const char *ascii_domain,
				              DNS_RESULT *out);

/*
 * For lib/ modules (spfcheck): one lookup session with its own
 * resolvers and its own deadline.  A session belongs to one thread.
 */
struct ldns_struct_rr_list;

typedef struct DNS_SESSION DNS_SESSION;

typedef enum {
    DNS_Q_DATA,				/* records of the type (rrs) */
    DNS_Q_NODATA,			/* the name exists, no such records */
    DNS_Q_NXDOMAIN,			/* the name does not exist */
    DNS_Q_TEMP,				/* no usable answer: ask again later */
    DNS_Q_BADNAME,			/* the name cannot be asked for */
} DNS_QSTATUS;

typedef struct {
    DNS_QSTATUS status;
    int     rcode;			/* -1: no answer */
    unsigned ttl;			/* smallest TTL of rrs */
    struct ldns_struct_rr_list *rrs;	/* DNS_Q_DATA; dns_answer_clear() */
    char    error[DNS_ERROR_LEN];
} DNS_ANSWER;

extern DNS_SESSION *dns_session_new(DNS_CTX *ctx, unsigned budget_ms);
extern void dns_session_free(DNS_SESSION *session);
extern DNS_QSTATUS dns_session_query(DNS_SESSION *session, const char *name,
				             int rr_type, DNS_ANSWER *answer);
extern void dns_answer_clear(DNS_ANSWER *answer);
extern unsigned dns_session_elapsed_ms(const DNS_SESSION *session);
extern unsigned dns_session_queries(const DNS_SESSION *session);

#endif
