/*++
 * NAME
 *	dnsverdict 3
 * SUMMARY
 *	what a domain's DNS says about mail to it
 * SYNOPSIS
 *	#include "dns.h"
 *
 *	DNS_VERDICT dns_domain_verdict(DNS_CTX *ctx, const char *ascii_domain,
 *				DNS_RESULT *out)
 * DESCRIPTION
 *	dns_domain_verdict() decides what a domain's DNS says about mail to
 *	it, within the context's time budget for all its queries together:
 * .IP \(bu
 *	MX records: DNS_V_OK (mx_count, and mx = the exchange with the lowest
 *	preference, in lower case).  Then the TXT records are read for the
 *	SPF state; their failure does not change the verdict.
 * .IP \(bu
 *	A null MX (RFC 7505: one MX, preference 0, exchange "."): DNS_V_NULL_MX.
 *	MX sets whose every exchange is "." count as a null MX too: no host
 *	could take the mail.  Exchanges "." among real ones are ignored.
 *	MX records that cannot be read (which ldns should never return)
 *	prove nothing: DNS_V_UNKNOWN.
 * .IP \(bu
 *	No MX (NODATA): the TXT records are read; an SPF record whose only
 *	mechanism is -all gives DNS_V_NO_MAIL.  Otherwise A, then AAAA only
 *	if A gave no public address: a public address is DNS_V_IMPLICIT_MX
 *	(weak), only non-public ones DNS_V_PRIVATE_HOST, none DNS_V_NO_HOST.
 *	If a lookup failed and no address was found: DNS_V_UNKNOWN.
 * .IP \(bu
 *	NXDOMAIN for the MX query: DNS_V_NXDOMAIN.  A name that fails
 *	dns_name_is_valid(): DNS_V_BAD_NAME, without a query.
 * .IP \(bu
 *	Anything else - timeout, SERVFAIL, REFUSED, FORMERR, a network
 *	error, an answer that does not parse or does not match the query,
 *	a CNAME loop - is DNS_V_UNKNOWN with a short text in out->error,
 *	never an invalid verdict.
 * .PP
 *	CNAME chains inside an answer are followed (up to 8 links); records
 *	of other types or owners in the answer are ignored.  MX host names
 *	are not resolved.  The verdict is also returned.
 *
 *	All queries of one verdict share the context's time budget (see
 *	dns(3)): with the default of 5 s, a domain whose servers do not
 *	answer costs 5 s and gives DNS_V_UNKNOWN; a cache (domcache(3))
 *	keeps that for a minute, so that the next letters do not wait again.
 * THREADS
 *	Any number of threads may ask for verdicts with one context: every
 *	verdict runs in a dns(3) session of its own.
 * DIAGNOSTICS
 *	A verdict never fails: DNS_V_UNKNOWN with out->error is the answer
 *	for every problem, including a NULL context or no memory.  out may
 *	be NULL when only the verdict is wanted.
 *--*/

#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include <ldns/ldns.h>

#include "dns.h"

/* dns_note - format a message into a result's error text */

static void __attribute__((format(printf, 3, 4)))
        dns_note(char *buf, size_t len, const char *fmt,...)
{
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(buf, len, fmt, ap);
    va_end(ap);
}

/* dns_dname_text - a domain name as lower-case text without the final dot */

static void dns_dname_text(const ldns_rdf *dname, char *buf, size_t len)
{
    char   *text = ldns_rdf2str(dname);
    size_t  n;

    buf[0] = 0;
    if (text == NULL)
	return;
    n = strlen(text);
    if (n > 1 && text[n - 1] == '.')
	text[n - 1] = 0;
    for (char *cp = text; *cp; cp++)
	if (*cp >= 'A' && *cp <= 'Z')
	    *cp = (char) (*cp - 'A' + 'a');
    snprintf(buf, len, "%s", text);
    free(text);
}

/* dns_verdict_mx - look at an MX record set */

static DNS_VERDICT dns_verdict_mx(const ldns_rr_list *rrs, DNS_RESULT *out)
{
    const ldns_rdf *best = NULL;
    unsigned best_pref = 0;
    size_t  count = ldns_rr_list_rr_count(rrs);
    size_t  nulls = 0;

    out->mx_count = (unsigned) count;
    for (size_t i = 0; i < count; i++) {
	const ldns_rr *rr = ldns_rr_list_rr(rrs, i);
	const ldns_rdf *pref = ldns_rr_mx_preference(rr);
	const ldns_rdf *exch = ldns_rr_mx_exchange(rr);
	unsigned value;

	if (ldns_rr_rd_count(rr) != 2 || pref == NULL || exch == NULL
	    || ldns_rdf_size(pref) != 2 || ldns_rdf_get_type(exch) != LDNS_RDF_TYPE_DNAME)
	    continue;
	value = ldns_rdf2native_int16(pref);
	if (ldns_dname_label_count(exch) == 0) {
	    nulls++;				/* "." */
	} else if (best == NULL || value < best_pref) {
	    best = exch;
	    best_pref = value;
	}
    }
    if (best != NULL) {
	dns_dname_text(best, out->mx, sizeof(out->mx));
	return (DNS_V_OK);
    }
    if (nulls > 0)
	return (DNS_V_NULL_MX);
    /* Records we cannot read prove nothing. */
    dns_note(out->error, sizeof(out->error), "MX: malformed records");
    return (DNS_V_UNKNOWN);
}

/* dns_verdict_spf - the SPF state from a TXT answer */

static DNS_SPF dns_verdict_spf(const DNS_ANSWER *txt)
{
    size_t  count;
    char  **records;
    DNS_SPF spf;

    if (txt->status == DNS_Q_TEMP || txt->status == DNS_Q_BADNAME)
	return (DNS_SPF_UNKNOWN);
    if (txt->status != DNS_Q_DATA)
	return (DNS_SPF_NONE);
    count = ldns_rr_list_rr_count(txt->rrs);
    if ((records = calloc(count ? count : 1, sizeof(*records))) == NULL)
	return (DNS_SPF_UNKNOWN);
    for (size_t i = 0; i < count; i++) {
	const ldns_rr *rr = ldns_rr_list_rr(txt->rrs, i);
	size_t  total = 0;
	char   *cp;

	for (size_t j = 0; j < ldns_rr_rd_count(rr); j++)
	    total += ldns_rdf_size(ldns_rr_rdf(rr, j));
	if ((cp = records[i] = malloc(total + 1)) == NULL)
	    break;
	for (size_t j = 0; j < ldns_rr_rd_count(rr); j++) {
	    const ldns_rdf *rdf = ldns_rr_rdf(rr, j);
	    const uint8_t *data = ldns_rdf_data(rdf);
	    size_t  size = ldns_rdf_size(rdf);

	    if (ldns_rdf_get_type(rdf) != LDNS_RDF_TYPE_STR || size < 1
		|| (size_t) data[0] + 1 > size)
		continue;
	    for (size_t k = 1; k <= data[0]; k++)
		*cp++ = data[k] ? (char) data[k] : '?';
	}
	*cp = 0;
    }
    spf = dns_spf_classify((const char *const *) records, count);
    for (size_t i = 0; i < count; i++)
	free(records[i]);
    free(records);
    return (spf);
}

/* dns_verdict_addr - public or private addresses; -1: none readable */

static int dns_verdict_addr(const DNS_ANSWER *ans, int family,
			            bool *public, bool *private)
{
    size_t  want = family == AF_INET ? 4 : 16;
    bool    readable = false;

    if (ans->status != DNS_Q_DATA)
	return (0);
    for (size_t i = 0; i < ldns_rr_list_rr_count(ans->rrs); i++) {
	const ldns_rr *rr = ldns_rr_list_rr(ans->rrs, i);
	const ldns_rdf *rdf = ldns_rr_rd_count(rr) == 1 ? ldns_rr_rdf(rr, 0) : NULL;

	if (rdf == NULL || ldns_rdf_size(rdf) != want)
	    continue;
	readable = true;
	if (dns_addr_is_public(family, ldns_rdf_data(rdf)))
	    *public = true;
	else
	    *private = true;
    }
    return (readable ? 0 : -1);
}

/* dns_verdict_note - remember why a side lookup failed */

static void dns_verdict_note(DNS_RESULT *out, const char *what, const DNS_ANSWER *ans)
{
    if (out->error[0] == 0)
	dns_note(out->error, sizeof(out->error), "%s: %s", what, ans->error);
}

/* dns_verdict_no_mx - no MX: SPF -all, then A and AAAA */

static DNS_VERDICT dns_verdict_no_mx(DNS_SESSION *session, const char *domain,
				             DNS_RESULT *out)
{
    DNS_ANSWER ans;
    bool    public = false;
    bool    private = false;
    bool    failed = false;
    static const struct {
	int     type;
	int     family;
	const char *what;
    }       addr_queries[] = {
	{LDNS_RR_TYPE_A, AF_INET, "A"},
	{LDNS_RR_TYPE_AAAA, AF_INET6, "AAAA"},
    };

    dns_session_query(session, domain, LDNS_RR_TYPE_TXT, &ans);
    out->spf = dns_verdict_spf(&ans);
    if (out->spf == DNS_SPF_UNKNOWN)
	dns_verdict_note(out, "TXT", &ans);
    dns_answer_clear(&ans);
    if (out->spf == DNS_SPF_REJECT_ALL)
	return (DNS_V_NO_MAIL);

    for (size_t i = 0; i < sizeof(addr_queries) / sizeof(addr_queries[0]) && !public; i++) {
	dns_session_query(session, domain, addr_queries[i].type, &ans);
	if (ans.status == DNS_Q_TEMP) {
	    failed = true;
	    dns_verdict_note(out, addr_queries[i].what, &ans);
	    out->rcode = ans.rcode;
	}
	if (dns_verdict_addr(&ans, addr_queries[i].family, &public, &private) < 0) {
	    failed = true;
	    dns_note(out->error, sizeof(out->error), "%s: malformed records",
		     addr_queries[i].what);
	}
	dns_answer_clear(&ans);
    }
    if (public)
	return (DNS_V_IMPLICIT_MX);
    if (private)
	return (DNS_V_PRIVATE_HOST);
    return (failed ? DNS_V_UNKNOWN : DNS_V_NO_HOST);
}

/* dns_domain_verdict - what the domain's DNS says about mail to it */

DNS_VERDICT dns_domain_verdict(DNS_CTX *ctx, const char *domain, DNS_RESULT *out)
{
    DNS_SESSION *session;
    DNS_ANSWER ans;
    DNS_RESULT dummy;

    if (out == NULL)
	out = &dummy;
    memset(out, 0, sizeof(*out));
    out->rcode = -1;
    if (!dns_name_is_valid(domain)) {
	out->verdict = DNS_V_BAD_NAME;
	return (out->verdict);
    }
    if (ctx == NULL || (session = dns_session_new(ctx, 0)) == NULL) {
	snprintf(out->error, sizeof(out->error), "%s",
		 ctx == NULL ? "no DNS context" : "out of memory");
	return (out->verdict = DNS_V_UNKNOWN);
    }
    dns_session_query(session, domain, LDNS_RR_TYPE_MX, &ans);
    out->rcode = ans.rcode;
    switch (ans.status) {
    case DNS_Q_DATA:
	out->verdict = dns_verdict_mx(ans.rrs, out);
	dns_answer_clear(&ans);
	if (out->verdict == DNS_V_OK) {
	    dns_session_query(session, domain, LDNS_RR_TYPE_TXT, &ans);
	    out->spf = dns_verdict_spf(&ans);
	    if (out->spf == DNS_SPF_UNKNOWN)
		dns_verdict_note(out, "TXT", &ans);
	    dns_answer_clear(&ans);
	}
	break;
    case DNS_Q_NODATA:
	out->verdict = dns_verdict_no_mx(session, domain, out);
	break;
    case DNS_Q_NXDOMAIN:
	out->verdict = DNS_V_NXDOMAIN;
	break;
    case DNS_Q_BADNAME:
	out->verdict = DNS_V_BAD_NAME;
	break;
    case DNS_Q_TEMP:
    default:
	dns_note(out->error, sizeof(out->error), "MX: %s", ans.error);
	out->verdict = DNS_V_UNKNOWN;
	break;
    }
    out->elapsed_ms = dns_session_elapsed_ms(session);
    dns_session_free(session);
    return (out->verdict);
}
