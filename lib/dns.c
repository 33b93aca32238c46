/*++
 * NAME
 *	dns 3
 * SUMMARY
 *	resolver settings and lookup sessions with a time budget (libldns)
 * SYNOPSIS
 *	#include "dns.h"
 *
 *	void	dns_conf_init(DNS_CONF *conf)
 *	DNS_CTX	*dns_new(const DNS_CONF *conf, char *err, size_t errlen)
 *	void	dns_free(DNS_CTX *ctx)
 *	unsigned dns_budget_ms(const DNS_CTX *ctx)
 *	size_t	dns_nameserver_count(const DNS_CTX *ctx)
 *
 *	DNS_SESSION *dns_session_new(DNS_CTX *ctx, unsigned budget_ms)
 *	DNS_QSTATUS dns_session_query(DNS_SESSION *session, const char *name,
 *				int rr_type, DNS_ANSWER *answer)
 *	void	dns_answer_clear(DNS_ANSWER *answer)
 *	unsigned dns_session_elapsed_ms(const DNS_SESSION *session)
 *	unsigned dns_session_queries(const DNS_SESSION *session)
 *	void	dns_session_free(DNS_SESSION *session)
 * DESCRIPTION
 *	dns_conf_init() fills a DNS_CONF with the defaults: no nameservers
 *	(use resolv.conf), port 53, a budget of DNS_BUDGET_DEFAULT ms,
 *	recursion desired.  A zeroed DNS_CONF means the same except that it
 *	does not ask for recursion: call dns_conf_init() first.
 *
 *	dns_new() checks the settings and makes a context: each nameserver
 *	is "IPv4", "IPv4:port", "IPv6", "[IPv6]" or "[IPv6]:port" (no host
 *	names); without a port, conf->port is used.  With no nameservers,
 *	those of conf->resolv_conf (NULL: /etc/resolv.conf) are read once,
 *	here.  On error it returns NULL and writes one line into err.
 *
 *	The time budget (conf->budget_ms) covers all the queries of one
 *	session, that is one verdict or one SPF check.  Each query gets the
 *	time that is left, divided by the nameservers not yet tried for it;
 *	a server that does not answer is not asked again in that session.
 *	There are no retransmissions to one server (a slow recursor is busy
 *	resolving; asking again does not help); SERVFAIL, REFUSED and an
 *	answer that does not parse move on to the next server.  A truncated
 *	UDP answer is asked again over TCP, with the time that is left.
 *	Queries carry EDNS0 (1232 bytes) and a random ID; an answer whose
 *	ID, QR flag, opcode or question do not match the query is dropped.
 *	Names are asked as given (absolute): no search list, no domain.
 *
 *	Sessions are the machinery under a verdict (dnsverdict(3)) and the
 *	SPF layer (spfcheck(3)).  dns_session_new() starts the clock
 *	(budget_ms 0: the context's budget).  dns_session_query() asks one
 *	question and fills *answer: DNS_Q_DATA with the records of the type
 *	at the end of any CNAME chain in the answer (answer->rrs, an
 *	ldns_rr_list; at most 8 links, a longer chain or a loop is
 *	DNS_Q_TEMP), DNS_Q_NODATA, DNS_Q_NXDOMAIN, DNS_Q_TEMP (with
 *	answer->error) or DNS_Q_BADNAME (ldns cannot make the name a query).
 *	Records of other types, classes or owners are never returned.
 * MEMORY
 *	The caller frees a context with dns_free(), a session with
 *	dns_session_free() and the records of an answer with
 *	dns_answer_clear().  The DNS_CONF strings are not kept.
 * THREADS
 *	A context is read-only after dns_new(): any number of threads may
 *	share it.  ldns resolvers change as they are used, so none is ever
 *	shared: every session (and so every verdict) makes its own, one per
 *	nameserver, from the context's parsed addresses (a few small
 *	allocations; no file is read).  A session belongs to one thread.
 *	During a TCP exchange SIGPIPE is blocked in the calling thread (ldns
 *	writes without MSG_NOSIGNAL); a SIGPIPE it caused is taken back.
 * BUGS
 *	ldns applies a timeout to each step of a TCP exchange (connect, each
 *	read), not to the whole: a server that trickles a TCP answer byte by
 *	byte could overrun the budget.  TCP is only used after a truncated
 *	UDP answer from the configured (trusted) recursor.
 * DIAGNOSTICS
 *	dns_new() returns NULL with a message in err.  A query never fails
 *	otherwise: DNS_Q_TEMP with answer->error is the answer for every
 *	problem (no time left, no server, out of memory).
 *--*/

#include "config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <limits.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <ldns/ldns.h>

#include "dns.h"

#define DNS_EDNS_SIZE		1232	/* DNS flag day 2020 */
#define DNS_CNAME_MAX		8	/* links followed inside one answer */

typedef struct {
    ldns_rdf *addr;			/* LDNS_RDF_TYPE_A or _AAAA */
    uint16_t port;
    char    text[INET6_ADDRSTRLEN + 8];	/* for messages */
} DNS_SERVER;

struct DNS_CTX {
    DNS_SERVER servers[DNS_MAX_NAMESERVERS];
    size_t  nservers;
    unsigned budget_ms;
    bool    recursion;
};

struct DNS_SESSION {
    DNS_CTX *ctx;
    ldns_resolver *res[DNS_MAX_NAMESERVERS];	/* made when first used */
    bool    dead[DNS_MAX_NAMESERVERS];	/* did not answer: skip */
    long long start_ms;
    long long deadline_ms;
    unsigned queries;
};

/* dns_error - format a message into a caller's buffer */

static void __attribute__((format(printf, 3, 4)))
        dns_error(char *buf, size_t len, const char *fmt,...)
{
    va_list ap;

    if (buf == NULL || len == 0)
	return;
    va_start(ap, fmt);
    vsnprintf(buf, len, fmt, ap);
    va_end(ap);
}

/* dns_now_ms - monotonic milliseconds */

static long long dns_now_ms(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ((long long) ts.tv_sec * 1000 + ts.tv_nsec / 1000000);
}

/* dns_conf_init - the defaults */

void    dns_conf_init(DNS_CONF *conf)
{
    memset(conf, 0, sizeof(*conf));
    conf->port = 53;
    conf->budget_ms = DNS_BUDGET_DEFAULT;
    conf->recursion = true;
}

/* dns_parse_port - "1" .. "65535" */

static int dns_parse_port(const char *text, uint16_t *port)
{
    unsigned long val;
    char   *end;

    if (*text < '0' || *text > '9')
	return (-1);
    errno = 0;
    val = strtoul(text, &end, 10);
    if (errno != 0 || *end != 0 || val == 0 || val > 65535)
	return (-1);
    *port = (uint16_t) val;
    return (0);
}

/* dns_parse_server - one "IP", "IP:port" or "[IPv6]:port" */

static int dns_parse_server(const char *spec, uint16_t dflt_port,
			            DNS_SERVER *srv, char *err, size_t errlen)
{
    char    host[INET6_ADDRSTRLEN + 1];
    const char *port_text = NULL;
    const char *close;
    unsigned char bytes[16];
    size_t  len;
    int     family;

    srv->port = dflt_port;
    if (spec[0] == '[') {
	if ((close = strchr(spec, ']')) == NULL) {
	    dns_error(err, errlen, "nameserver \"%s\": missing \"]\"", spec);
	    return (-1);
	}
	len = (size_t) (close - spec - 1);
	if (close[1] == ':')
	    port_text = close + 2;
	else if (close[1] != 0) {
	    dns_error(err, errlen, "nameserver \"%s\": junk after \"]\"", spec);
	    return (-1);
	}
	family = AF_INET6;
    } else if (strchr(spec, ':') != NULL && strchr(spec, ':') == strrchr(spec, ':')) {
	/* One colon: IPv4 with a port.  More: a bare IPv6 address. */
	len = (size_t) (strchr(spec, ':') - spec);
	port_text = spec + len + 1;
	family = AF_INET;
    } else {
	len = strlen(spec);
	family = strchr(spec, ':') ? AF_INET6 : AF_INET;
    }
    if (len == 0 || len >= sizeof(host)) {
	dns_error(err, errlen, "nameserver \"%s\": not an IP address", spec);
	return (-1);
    }
    memcpy(host, spec[0] == '[' ? spec + 1 : spec, len);
    host[len] = 0;
    if (inet_pton(family, host, bytes) != 1) {
	dns_error(err, errlen, "nameserver \"%s\": \"%s\" is not an %s address",
		  spec, host, family == AF_INET ? "IPv4" : "IPv6");
	return (-1);
    }
    if (port_text != NULL && dns_parse_port(port_text, &srv->port) < 0) {
	dns_error(err, errlen, "nameserver \"%s\": bad port \"%s\" (1 to 65535)",
		  spec, port_text);
	return (-1);
    }
    srv->addr = ldns_rdf_new_frm_data(family == AF_INET ? LDNS_RDF_TYPE_A
				      : LDNS_RDF_TYPE_AAAA,
				      family == AF_INET ? 4 : 16, bytes);
    if (srv->addr == NULL) {
	dns_error(err, errlen, "out of memory");
	return (-1);
    }
    snprintf(srv->text, sizeof(srv->text), family == AF_INET ? "%s:%u" : "[%s]:%u",
	     host, (unsigned) srv->port);
    return (0);
}

/* dns_load_resolv_conf - take the nameservers of a resolv.conf file */

static int dns_load_resolv_conf(DNS_CTX *ctx, const char *path, uint16_t port,
				        char *err, size_t errlen)
{
    ldns_resolver *res = NULL;
    ldns_status status;
    ldns_rdf **ns;
    const char *name = path ? path : "/etc/resolv.conf";

    if ((status = ldns_resolver_new_frm_file(&res, path)) != LDNS_STATUS_OK) {
	dns_error(err, errlen, "%s: %s", name, ldns_get_errorstr_by_id(status));
	return (-1);
    }
    ns = ldns_resolver_nameservers(res);
    for (size_t i = 0; i < ldns_resolver_nameserver_count(res)
	 && ctx->nservers < DNS_MAX_NAMESERVERS; i++) {
	DNS_SERVER *srv = ctx->servers + ctx->nservers;
	char   *text;

	if ((srv->addr = ldns_rdf_clone(ns[i])) == NULL) {
	    ldns_resolver_deep_free(res);
	    dns_error(err, errlen, "out of memory");
	    return (-1);
	}
	srv->port = port;
	text = ldns_rdf2str(ns[i]);
	snprintf(srv->text, sizeof(srv->text),
		 ldns_rdf_get_type(ns[i]) == LDNS_RDF_TYPE_AAAA ? "[%s]:%u" : "%s:%u",
		 text ? text : "?", (unsigned) port);
	free(text);
	ctx->nservers++;
    }
    ldns_resolver_deep_free(res);
    if (ctx->nservers == 0) {
	dns_error(err, errlen, "%s: no nameserver", name);
	return (-1);
    }
    return (0);
}

/* dns_new - check the settings, make a shareable context */

DNS_CTX *dns_new(const DNS_CONF *conf, char *err, size_t errlen)
{
    DNS_CTX *ctx;
    uint16_t port;

    dns_error(err, errlen, "%s", "");
    if (conf == NULL) {
	dns_error(err, errlen, "no DNS settings");
	return (NULL);
    }
    if (conf->port > 65535) {
	dns_error(err, errlen, "bad DNS port %u (1 to 65535)", conf->port);
	return (NULL);
    }
    if (conf->budget_ms > DNS_BUDGET_MAX) {
	dns_error(err, errlen, "DNS time budget %u ms is too long (at most %u)",
		  conf->budget_ms, (unsigned) DNS_BUDGET_MAX);
	return (NULL);
    }
    if (conf->nameserver_count > DNS_MAX_NAMESERVERS) {
	dns_error(err, errlen, "too many nameservers: %zu (at most %d)",
		  conf->nameserver_count, DNS_MAX_NAMESERVERS);
	return (NULL);
    }
    if ((ctx = calloc(1, sizeof(*ctx))) == NULL) {
	dns_error(err, errlen, "out of memory");
	return (NULL);
    }
    port = conf->port ? (uint16_t) conf->port : 53;
    ctx->budget_ms = conf->budget_ms ? conf->budget_ms : DNS_BUDGET_DEFAULT;
    ctx->recursion = conf->recursion;
    for (size_t i = 0; i < conf->nameserver_count; i++) {
	const char *spec = conf->nameservers ? conf->nameservers[i] : NULL;

	if (spec == NULL || *spec == 0) {
	    dns_error(err, errlen, "nameserver %zu is empty", i + 1);
	    dns_free(ctx);
	    return (NULL);
	}
	if (dns_parse_server(spec, port, ctx->servers + i, err, errlen) < 0) {
	    dns_free(ctx);
	    return (NULL);
	}
	ctx->nservers++;
    }
    if (conf->nameserver_count == 0
	&& dns_load_resolv_conf(ctx, conf->resolv_conf, port, err, errlen) < 0) {
	dns_free(ctx);
	return (NULL);
    }
    return (ctx);
}

/* dns_free - destroy a context */

void    dns_free(DNS_CTX *ctx)
{
    if (ctx == NULL)
	return;
    for (size_t i = 0; i < DNS_MAX_NAMESERVERS; i++)
	ldns_rdf_deep_free(ctx->servers[i].addr);
    free(ctx);
}

unsigned dns_budget_ms(const DNS_CTX *ctx)
{
    return (ctx ? ctx->budget_ms : 0);
}

size_t  dns_nameserver_count(const DNS_CTX *ctx)
{
    return (ctx ? ctx->nservers : 0);
}

/* dns_session_new - start the clock for one verdict or check */

DNS_SESSION *dns_session_new(DNS_CTX *ctx, unsigned budget_ms)
{
    DNS_SESSION *session;

    if (ctx == NULL || (session = calloc(1, sizeof(*session))) == NULL)
	return (NULL);
    session->ctx = ctx;
    session->start_ms = dns_now_ms();
    session->deadline_ms = session->start_ms
	+ (budget_ms && budget_ms <= DNS_BUDGET_MAX ? budget_ms : ctx->budget_ms);
    return (session);
}

/* dns_session_free - forget the session and its resolvers */

void    dns_session_free(DNS_SESSION *session)
{
    if (session == NULL)
	return;
    for (size_t i = 0; i < DNS_MAX_NAMESERVERS; i++)
	if (session->res[i] != NULL)
	    ldns_resolver_deep_free(session->res[i]);
    free(session);
}

unsigned dns_session_elapsed_ms(const DNS_SESSION *session)
{
    long long ms = session ? dns_now_ms() - session->start_ms : 0;

    return (ms < 0 ? 0 : ms > UINT_MAX ? UINT_MAX : (unsigned) ms);
}

unsigned dns_session_queries(const DNS_SESSION *session)
{
    return (session ? session->queries : 0);
}

/* dns_session_resolver - the session's resolver for one nameserver */

static ldns_resolver *dns_session_resolver(DNS_SESSION *session, size_t idx)
{
    const DNS_SERVER *srv = session->ctx->servers + idx;
    ldns_resolver *res;

    if (session->res[idx] != NULL)
	return (session->res[idx]);
    if ((res = ldns_resolver_new()) == NULL)
	return (NULL);
    if (ldns_resolver_push_nameserver(res, srv->addr) != LDNS_STATUS_OK) {
	ldns_resolver_deep_free(res);
	return (NULL);
    }
    ldns_resolver_set_port(res, srv->port);
    ldns_resolver_set_recursive(res, session->ctx->recursion);
    ldns_resolver_set_retry(res, 1);		/* one try; we move on */
    ldns_resolver_set_retrans(res, 0);
    ldns_resolver_set_fallback(res, false);	/* TCP: see dns_exchange() */
    ldns_resolver_set_random(res, false);
    ldns_resolver_set_defnames(res, false);	/* never append a domain */
    ldns_resolver_set_dnsrch(res, false);
    ldns_resolver_set_fail(res, false);
    ldns_resolver_set_edns_udp_size(res, DNS_EDNS_SIZE);
    session->res[idx] = res;
    return (res);
}

/* dns_answer_matches - is this the answer to our query? */

static bool dns_answer_matches(const ldns_pkt *query, const ldns_pkt *reply)
{
    const ldns_rr *q;
    const ldns_rr *r;

    if (ldns_pkt_id(reply) != ldns_pkt_id(query) || !ldns_pkt_qr(reply)
	|| ldns_pkt_get_opcode(reply) != LDNS_PACKET_QUERY
	|| ldns_rr_list_rr_count(ldns_pkt_question(reply)) != 1)
	return (false);
    q = ldns_rr_list_rr(ldns_pkt_question(query), 0);
    r = ldns_rr_list_rr(ldns_pkt_question(reply), 0);
    return (q != NULL && r != NULL
	    && ldns_rr_get_type(r) == ldns_rr_get_type(q)
	    && ldns_rr_get_class(r) == ldns_rr_get_class(q)
	    && ldns_dname_compare(ldns_rr_owner(r), ldns_rr_owner(q)) == 0);
}

/* dns_remaining_ms - time left, or 0 */

static long long dns_remaining_ms(const DNS_SESSION *session)
{
    long long left = session->deadline_ms - dns_now_ms();

    return (left > 0 ? left : 0);
}

/* dns_timeval - a timeout of ms milliseconds (at least 1) */

static struct timeval dns_timeval(long long ms)
{
    struct timeval tv;

    if (ms < 1)
	ms = 1;
    tv.tv_sec = (time_t) (ms / 1000);
    tv.tv_usec = (suseconds_t) ((ms % 1000) * 1000);
    return (tv);
}

/* dns_send_tcp - ldns_resolver_send_pkt() over TCP, without SIGPIPE */

static ldns_status dns_send_tcp(ldns_resolver *res, ldns_pkt *query, ldns_pkt **reply)
{
    sigset_t pipe_set;
    sigset_t old_mask;
    sigset_t pending;
    bool    was_pending;
    ldns_status status;
    struct timespec zero = {0, 0};

    /*
     * ldns writes the query with sendto() and no MSG_NOSIGNAL: a server
     * that resets the connection would raise SIGPIPE, and kill the filter
     * unless the program ignores it.  Block it in this thread, and take
     * back a SIGPIPE that we caused.
     */
    sigemptyset(&pipe_set);
    sigaddset(&pipe_set, SIGPIPE);
    pthread_sigmask(SIG_BLOCK, &pipe_set, &old_mask);
    sigemptyset(&pending);
    was_pending = sigpending(&pending) == 0 && sigismember(&pending, SIGPIPE);
    status = ldns_resolver_send_pkt(reply, res, query);
    if (!was_pending && sigpending(&pending) == 0 && sigismember(&pending, SIGPIPE))
	while (sigtimedwait(&pipe_set, NULL, &zero) < 0 && errno == EINTR)
	     /* void */ ;
    pthread_sigmask(SIG_SETMASK, &old_mask, NULL);
    return (status);
}

/* dns_exchange - one query to one server, TCP after truncation */

static ldns_pkt *dns_exchange(DNS_SESSION *session, size_t idx, size_t untried,
			              ldns_pkt *query, char *err, size_t errlen)
{
    const char *who = session->ctx->servers[idx].text;
    ldns_resolver *res = dns_session_resolver(session, idx);
    ldns_pkt *reply = NULL;
    ldns_status status;
    long long slice = dns_remaining_ms(session) / (long long) untried;

    bool    tcp = false;

    if (res == NULL) {
	dns_error(err, errlen, "out of memory");
	return (NULL);
    }
    ldns_resolver_set_usevc(res, false);
    ldns_resolver_set_timeout(res, dns_timeval(slice));
    session->queries++;
    status = ldns_resolver_send_pkt(&reply, res, query);
    if (status == LDNS_STATUS_OK && reply != NULL && ldns_pkt_tc(reply)) {
	ldns_pkt_free(reply);
	reply = NULL;
	if ((slice = dns_remaining_ms(session) / (long long) untried) <= 0) {
	    dns_error(err, errlen, "%s: truncated answer and no time left for TCP", who);
	    return (NULL);
	}
	tcp = true;
	ldns_resolver_set_usevc(res, true);
	ldns_resolver_set_timeout(res, dns_timeval(slice));
	session->queries++;
	status = dns_send_tcp(res, query, &reply);
	ldns_resolver_set_usevc(res, false);
	/* A failed TCP exchange says nothing about UDP: ldns must not skip it. */
	ldns_resolver_set_nameserver_rtt(res, 0, LDNS_RESOLV_RTT_MIN);
    }
    if (status != LDNS_STATUS_OK || reply == NULL) {
	if (reply != NULL)
	    ldns_pkt_free(reply);
	if (!tcp && (status == LDNS_STATUS_NETWORK_ERR || status == LDNS_STATUS_SOCKET_ERROR
		     || status == LDNS_STATUS_RES_NO_NS))
	    session->dead[idx] = true;
	dns_error(err, errlen, "%s: %s%s", who, tcp ? "truncated answer, TCP: " : "",
		  status != LDNS_STATUS_NETWORK_ERR ? ldns_get_errorstr_by_id(status)
		  : tcp ? "no answer" : "no answer in time");
	return (NULL);
    }
    if (!dns_answer_matches(query, reply)) {
	ldns_pkt_free(reply);
	dns_error(err, errlen, "%s: the answer does not match the question", who);
	return (NULL);
    }
    return (reply);
}

/* dns_collect - the records of the type at the end of the CNAME chain */

static DNS_QSTATUS dns_collect(const ldns_pkt *reply, const ldns_rdf *qname,
			               ldns_rr_type type, DNS_ANSWER *answer)
{
    const ldns_rr_list *list = ldns_pkt_answer(reply);
    size_t  count = ldns_rr_list_rr_count(list);
    const ldns_rdf *owner = qname;

    for (int link = 0; link <= DNS_CNAME_MAX; link++) {
	const ldns_rdf *next = NULL;

	for (size_t i = 0; i < count; i++) {
	    const ldns_rr *rr = ldns_rr_list_rr(list, i);
	    ldns_rr *copy;

	    if (ldns_rr_get_class(rr) != LDNS_RR_CLASS_IN
		|| ldns_dname_compare(ldns_rr_owner(rr), owner) != 0)
		continue;
	    if (ldns_rr_get_type(rr) == type) {
		if (answer->rrs == NULL && (answer->rrs = ldns_rr_list_new()) == NULL)
		    return (DNS_Q_TEMP);
		if (ldns_rr_list_rr_count(answer->rrs) == 0 || ldns_rr_ttl(rr) < answer->ttl)
		    answer->ttl = ldns_rr_ttl(rr);
		if ((copy = ldns_rr_clone(rr)) == NULL
		    || !ldns_rr_list_push_rr(answer->rrs, copy)) {
		    ldns_rr_free(copy);
		    return (DNS_Q_TEMP);
		}
	    } else if (ldns_rr_get_type(rr) == LDNS_RR_TYPE_CNAME
		       && ldns_rr_rd_count(rr) == 1
		       && ldns_rdf_get_type(ldns_rr_rdf(rr, 0)) == LDNS_RDF_TYPE_DNAME) {
		next = ldns_rr_rdf(rr, 0);
	    }
	}
	if (answer->rrs != NULL)
	    return (DNS_Q_DATA);
	if (next == NULL)
	    return (DNS_Q_NODATA);
	owner = next;
    }
    snprintf(answer->error, sizeof(answer->error), "CNAME chain too long or looping");
    return (DNS_Q_TEMP);
}

/* dns_session_query - ask one question within the session's budget */

DNS_QSTATUS dns_session_query(DNS_SESSION *session, const char *name,
			              int rr_type, DNS_ANSWER *answer)
{
    DNS_CTX *ctx;
    ldns_rdf *qname;
    ldns_pkt *query;
    ldns_pkt *reply = NULL;
    bool    tried[DNS_MAX_NAMESERVERS] = {false};
    char    err[DNS_ERROR_LEN] = "";
    char   *rcode_text;

    memset(answer, 0, sizeof(*answer));
    answer->rcode = -1;
    if (session == NULL || name == NULL || *name == 0) {
	snprintf(answer->error, sizeof(answer->error), "no session or no name");
	return (answer->status = (session == NULL ? DNS_Q_TEMP : DNS_Q_BADNAME));
    }
    ctx = session->ctx;
    if ((qname = ldns_dname_new_frm_str(name)) == NULL) {
	snprintf(answer->error, sizeof(answer->error), "not a domain name");
	return (answer->status = DNS_Q_BADNAME);
    }
    query = ldns_pkt_query_new(ldns_rdf_clone(qname), (ldns_rr_type) rr_type,
			       LDNS_RR_CLASS_IN, ctx->recursion ? LDNS_RD : 0);
    if (query == NULL || ldns_pkt_question(query) == NULL
	|| ldns_rr_list_rr_count(ldns_pkt_question(query)) != 1) {
	ldns_pkt_free(query);
	ldns_rdf_deep_free(qname);
	snprintf(answer->error, sizeof(answer->error), "out of memory");
	return (answer->status = DNS_Q_TEMP);
    }
    ldns_pkt_set_random_id(query);
    ldns_pkt_set_edns_udp_size(query, DNS_EDNS_SIZE);

    for (;;) {
	size_t  untried = 0;
	size_t  pick = ctx->nservers;

	for (size_t i = 0; i < ctx->nservers; i++) {
	    if (!tried[i] && !session->dead[i]) {
		if (untried++ == 0)
		    pick = i;
	    }
	}
	if (untried == 0)
	    break;
	if (dns_remaining_ms(session) <= 0) {
	    snprintf(err, sizeof(err), "time budget used up");
	    break;
	}
	tried[pick] = true;
	if ((reply = dns_exchange(session, pick, untried, query, err, sizeof(err))) == NULL)
	    continue;
	answer->rcode = (int) ldns_pkt_get_rcode(reply);
	if (answer->rcode == LDNS_RCODE_NOERROR || answer->rcode == LDNS_RCODE_NXDOMAIN)
	    break;
	/* SERVFAIL, REFUSED, ...: the next server may do better. */
	rcode_text = ldns_pkt_rcode2str(ldns_pkt_get_rcode(reply));
	snprintf(err, sizeof(err), "%s: %s", ctx->servers[pick].text,
		 rcode_text ? rcode_text : "error");
	free(rcode_text);
	ldns_pkt_free(reply);
	reply = NULL;
    }

    if (reply == NULL) {
	if (err[0] == 0)
	    snprintf(err, sizeof(err), "no nameserver left to ask");
	snprintf(answer->error, sizeof(answer->error), "%s", err);
	answer->status = DNS_Q_TEMP;
    } else if (answer->rcode == LDNS_RCODE_NXDOMAIN) {
	answer->status = DNS_Q_NXDOMAIN;
    } else {
	answer->status = dns_collect(reply, qname, (ldns_rr_type) rr_type, answer);
	if (answer->status == DNS_Q_TEMP) {
	    dns_answer_clear(answer);
	    answer->status = DNS_Q_TEMP;
	    if (answer->error[0] == 0)
		snprintf(answer->error, sizeof(answer->error), "out of memory");
	}
    }
    if (reply != NULL)
	ldns_pkt_free(reply);
    ldns_pkt_free(query);
    ldns_rdf_deep_free(qname);
    return (answer->status);
}

/* dns_answer_clear - free the records of an answer */

void    dns_answer_clear(DNS_ANSWER *answer)
{
    if (answer != NULL && answer->rrs != NULL) {
	ldns_rr_list_deep_free(answer->rrs);
	answer->rrs = NULL;
    }
}
