/*++
 * NAME
 *	spfcheck 3
 * SUMMARY
 *	SPF check_host() with libspf2 over our own DNS layer
 * SYNOPSIS
 *	#include "spfcheck.h"
 *
 *	SPFCHECK *spfcheck_new(const DNS_CONF *conf, char *err, size_t errlen)
 *	int	spfcheck_set_receiver(SPFCHECK *ctx, const char *hostname)
 *	SPFCHECK_CODE spfcheck_check_host(SPFCHECK *ctx, const char *client_ip,
 *				const char *helo, const char *mail_from,
 *				SPFCHECK_RESULT *out)
 *	const char *spfcheck_result_name(SPFCHECK_CODE result)
 *	void	spfcheck_free(SPFCHECK *ctx)
 *
 *	SPFCHECK *spfcheck_new_layer(struct SPF_dns_server_struct *layer)
 * DESCRIPTION
 *	spfcheck_check_host() runs RFC 7208 check_host() for a connecting
 *	client: client_ip is IPv4 or IPv6 text (an "IPv6:" prefix is
 *	dropped; an IPv4-mapped IPv6 address is checked as IPv4), helo the
 *	HELO/EHLO name, mail_from the envelope sender as the MTA gives it,
 *	with or without angle brackets.  A null sender ("" or "<>", or NULL)
 *	checks postmaster@helo, as RFC 7208 section 2.4 says.  The result
 *	is returned and written to *out with the domain whose policy was
 *	evaluated, a short reason, the explanation of a fail, a ready-made
 *	"Received-SPF:" header line (control characters shown as "?"), the
 *	time spent and the DNS queries made.
 *
 *	What libspf2 would get wrong or abort on is settled here first:
 *	a client address that does not parse, or a domain to check that is
 *	malformed or not multi-label, gives SPFCHECK_NONE with the reason
 *	(RFC 7208 section 4.3); NULL strings are never passed on; HELO is
 *	set before the sender, so a null sender means postmaster@helo.
 *	libspf2 1.2.10 reports a DNS failure of the top-level lookup as
 *	result "invalid" (error SPF_E_DNS_ERROR): that becomes
 *	SPFCHECK_TEMPERROR; it also says "invalid" for a record that does not
 *	compile (e.g. "ip4:300.1.1.1"): any other "invalid" is
 *	SPFCHECK_PERMERROR, as RFC 7208 section 4.6 wants.
 *	Mechanisms that cost DNS lookups are capped at 10 (and MX and PTR
 *	names at 10 each), so too many lookups and include loops end in
 *	SPFCHECK_PERMERROR.  127.0.0.0/8 and ::1 always pass (libspf2).
 *
 *	spfcheck_new() makes the DNS settings into a DNS_CTX (see dns(3))
 *	and puts libspf2 on top of a DNS layer of ours: its lookup asks
 *	through a dns(3) session, so the configured servers and port are
 *	used and one time budget (conf->budget_ms) covers all the lookups
 *	of one check; when it is used up, lookups fail at once and the
 *	result is a temperror.  Timeouts, SERVFAIL and other failures are
 *	TRY_AGAIN for libspf2, NXDOMAIN is HOST_NOT_FOUND, an empty answer
 *	NO_DATA; type SPF (99) is answered NO_DATA without a query (RFC 7208
 *	retired it).  The layer never returns NULL (libspf2 would abort).
 *	There is no DNS cache in this layer: libspf2's SPF_dns_cache keeps
 *	failures for 30 minutes and never bounds its size; the recursor's
 *	cache serves repeated lookups, and verdicts are cached by domcache(3).
 *
 *	A fail without an explanation of the domain's own gets "DOMAIN does
 *	not designate IP as a permitted sender" (libspf2's default names a
 *	web site that is gone).
 *
 *	spfcheck_set_receiver() sets the host name written as the receiver
 *	in Received-SPF (default: gethostname()).  spfcheck_new_layer() is
 *	for tests: it evaluates over another libspf2 DNS layer (such as a
 *	zone layer), with no time budget.
 * MEMORY
 *	spfcheck_free() frees the context and its DNS layer; a layer given
 *	to spfcheck_new_layer() stays the caller's (free it after the
 *	context, with SPF_dns_free()).
 * THREADS
 *	One SPFCHECK serves every thread.  Its SPF_server_t is only read
 *	during a check: in the upstream libspf2 source (1.2.11, near Debian's
 *	1.2.10), spf_server.c, spf_request.c, spf_interpret.c, spf_expand.c
 *	and spf_get_exp.c read the server's settings, resolver pointer and
 *	compiled policies, and write only to the request and response, which
 *	are per check.  Eight threads sharing one context ran clean under
 *	helgrind and ThreadSanitizer (tests).  Our DNS layer keeps
 *	no shared state: the current check's dns(3) session sits in a
 *	thread-local variable, and every session has its own ldns
 *	resolvers.  So checks run in parallel without a lock.  The context
 *	must be set up (new, set_receiver) before threads share it.
 *	spfcheck_new() also routes libspf2's messages into log(3); that
 *	sets libspf2's global handlers, so call it at start-up.
 * DIAGNOSTICS
 *	spfcheck_new() returns NULL with a message in err.  A check never
 *	fails: problems are SPFCHECK_TEMPERROR (no context, no memory, DNS)
 *	or SPFCHECK_NONE (nothing that can be checked), with out->reason.
 *	libspf2 itself still aborts the process when it runs out of memory.
 *--*/

#include "config.h"

#include <sys/types.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <arpa/nameser.h>
#include <netdb.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <spf2/spf.h>
#include <spf2/spf_dns.h>
#include <ldns/ldns.h>

#include "log.h"
#include "spfcheck.h"

#define SPFCHECK_MAX_SENDER	512	/* longer MAIL FROM: not checked */
#define SPFCHECK_DEFAULT_EXP	"%{o}%_does%_not%_designate%_%{i}%_as%_a%_permitted%_sender"

struct SPFCHECK {
    DNS_CTX *dns;			/* NULL with a foreign layer */
    SPF_dns_server_t *layer;		/* our layer, or the caller's */
    bool    own_layer;
    SPF_server_t *spf;
};

 /*
  * The dns(3) session of the check that runs in this thread.
  */
static _Thread_local DNS_SESSION *spfcheck_session;

static const char *const spfcheck_names[SPFCHECK_COUNT] = {
    [SPFCHECK_NONE] = "none",
    [SPFCHECK_NEUTRAL] = "neutral",
    [SPFCHECK_PASS] = "pass",
    [SPFCHECK_FAIL] = "fail",
    [SPFCHECK_SOFTFAIL] = "softfail",
    [SPFCHECK_TEMPERROR] = "temperror",
    [SPFCHECK_PERMERROR] = "permerror",
};

static const struct {
    SPF_result_t spf;
    SPFCHECK_CODE code;
}       spfcheck_results[] = {
    {SPF_RESULT_PASS, SPFCHECK_PASS},
    {SPF_RESULT_FAIL, SPFCHECK_FAIL},
    {SPF_RESULT_SOFTFAIL, SPFCHECK_SOFTFAIL},
    {SPF_RESULT_NEUTRAL, SPFCHECK_NEUTRAL},
    {SPF_RESULT_NONE, SPFCHECK_NONE},
    {SPF_RESULT_TEMPERROR, SPFCHECK_TEMPERROR},
    {SPF_RESULT_PERMERROR, SPFCHECK_PERMERROR},
    {SPF_RESULT_INVALID, SPFCHECK_PERMERROR},	/* unless DNS: see spfcheck_done */
};

/* spfcheck_result_name - "pass", "fail", ... */

const char *spfcheck_result_name(SPFCHECK_CODE result)
{
    return (spfcheck_names[(unsigned) result < SPFCHECK_COUNT ? result : SPFCHECK_TEMPERROR]);
}

/* spfcheck_format - snprintf that may cut the text short */

static void __attribute__((format(printf, 3, 4)))
        spfcheck_format(char *buf, size_t len, const char *fmt,...)
{
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(buf, len, fmt, ap);
    va_end(ap);
}

/* spfcheck_copy - copy text, control characters shown as "?" */

static void spfcheck_copy(char *dst, size_t len, const char *src)
{
    size_t  i = 0;

    for (; src != NULL && src[i] != 0 && i + 1 < len; i++)
	dst[i] = ((unsigned char) src[i] < 0x20 || src[i] == 0x7f) ? '?' : src[i];
    dst[i] = 0;
}

 /*
  * libspf2's messages go to our log.
  */
static void __attribute__((noreturn))
        spfcheck_log_error(const char *file, int line, const char *msg)
{
    log_error("libspf2: %s (%s:%d)", msg, file ? file : "?", line);
    abort();
}

static void spfcheck_log_warning(const char *file, int line, const char *msg)
{
    log_warn("libspf2: %s", msg);
}

static void spfcheck_log_debug(const char *file, int line, const char *msg)
{
    log_debug("libspf2: %s", msg);
}

 /*
  * Our DNS layer for libspf2.
  */

/* spfcheck_rr - an empty libspf2 answer with a status */

static SPF_dns_rr_t *spfcheck_rr(SPF_dns_server_t *layer, const char *domain,
				         ns_type type, int ttl, SPF_dns_stat_t herrno)
{
    SPF_dns_rr_t *rr = SPF_dns_rr_new_init(layer, domain, type, ttl, herrno);

    if (rr == NULL)				/* out of memory: try smaller */
	rr = SPF_dns_rr_new_init(layer, "", type, 0, TRY_AGAIN);
    return (rr);				/* NULL: libspf2 aborts */
}

/* spfcheck_name_text - a domain name rdf as text, no final dot */

static char *spfcheck_name_text(const ldns_rdf *rdf)
{
    char   *text;
    size_t  len;

    if (rdf == NULL || ldns_rdf_get_type(rdf) != LDNS_RDF_TYPE_DNAME
	|| ldns_dname_label_count(rdf) == 0 || (text = ldns_rdf2str(rdf)) == NULL)
	return (NULL);
    len = strlen(text);
    if (len > 1 && text[len - 1] == '.')
	text[len - 1] = 0;
    return (text);
}

/* spfcheck_fill - copy one ldns record into slot n; 0 or -1 (skipped) */

static int spfcheck_fill(SPF_dns_rr_t *out, int n, const ldns_rr *rr)
{
    const ldns_rdf *rdf;
    char   *text;
    size_t  total = 0;
    char   *cp;

    switch (ldns_rr_get_type(rr)) {
    case LDNS_RR_TYPE_A:
	rdf = ldns_rr_rdf(rr, 0);
	if (rdf == NULL || ldns_rdf_size(rdf) != 4
	    || SPF_dns_rr_buf_realloc(out, n, sizeof(struct in_addr)) != SPF_E_SUCCESS)
	    return (-1);
	memcpy(&out->rr[n]->a, ldns_rdf_data(rdf), 4);
	return (0);
    case LDNS_RR_TYPE_AAAA:
	rdf = ldns_rr_rdf(rr, 0);
	if (rdf == NULL || ldns_rdf_size(rdf) != 16
	    || SPF_dns_rr_buf_realloc(out, n, sizeof(struct in6_addr)) != SPF_E_SUCCESS)
	    return (-1);
	memcpy(&out->rr[n]->aaaa, ldns_rdf_data(rdf), 16);
	return (0);
    case LDNS_RR_TYPE_MX:
    case LDNS_RR_TYPE_PTR:
	rdf = ldns_rr_get_type(rr) == LDNS_RR_TYPE_MX ? ldns_rr_mx_exchange(rr)
	    : ldns_rr_rdf(rr, 0);
	if ((text = spfcheck_name_text(rdf)) == NULL)
	    return (-1);
	if (SPF_dns_rr_buf_realloc(out, n, strlen(text) + 1) != SPF_E_SUCCESS) {
	    free(text);
	    return (-1);
	}
	/* mx and ptr share the storage of the union */
	memcpy(out->rr[n]->mx, text, strlen(text) + 1);
	free(text);
	return (0);
    case LDNS_RR_TYPE_TXT:
	/* One record's character-strings are joined, as libspf2 does. */
	for (size_t j = 0; j < ldns_rr_rd_count(rr); j++)
	    total += ldns_rdf_size(ldns_rr_rdf(rr, j));
	if (SPF_dns_rr_buf_realloc(out, n, total + 1) != SPF_E_SUCCESS)
	    return (-1);
	cp = out->rr[n]->txt;
	for (size_t j = 0; j < ldns_rr_rd_count(rr); j++) {
	    const uint8_t *data;
	    size_t  size;

	    rdf = ldns_rr_rdf(rr, j);
	    data = ldns_rdf_data(rdf);
	    size = ldns_rdf_size(rdf);
	    if (ldns_rdf_get_type(rdf) != LDNS_RDF_TYPE_STR || size < 1
		|| (size_t) data[0] + 1 > size)
		continue;
	    /* A NUL would cut the record short: never let it. */
	    for (size_t k = 1; k <= data[0]; k++)
		*cp++ = data[k] ? (char) data[k] : '?';
	}
	*cp = 0;
	return (0);
    default:
	return (-1);
    }
}

/* spfcheck_lookup - libspf2's DNS lookup, answered through dns(3) */

static SPF_dns_rr_t *spfcheck_lookup(SPF_dns_server_t *layer, const char *domain,
				             ns_type type, int should_cache)
{
    DNS_SESSION *session = spfcheck_session;
    DNS_ANSWER ans;
    SPF_dns_rr_t *out;
    int     n = 0;

    if (domain == NULL || *domain == 0)
	return (spfcheck_rr(layer, domain, type, 0, HOST_NOT_FOUND));
    switch (type) {
    case ns_t_a:
    case ns_t_aaaa:
    case ns_t_mx:
    case ns_t_ptr:
    case ns_t_txt:
	break;
    default:					/* ns_t_spf (99) and others */
	return (spfcheck_rr(layer, domain, type, 0, NO_DATA));
    }
    if (session == NULL)			/* cannot happen */
	return (spfcheck_rr(layer, domain, type, 0, TRY_AGAIN));

    switch (dns_session_query(session, domain, (int) type, &ans)) {
    case DNS_Q_DATA:
	break;
    case DNS_Q_NODATA:
	return (spfcheck_rr(layer, domain, type, 0, NO_DATA));
    case DNS_Q_NXDOMAIN:
    case DNS_Q_BADNAME:
	return (spfcheck_rr(layer, domain, type, 0, HOST_NOT_FOUND));
    case DNS_Q_TEMP:
    default:
	log_debug("SPF lookup %s/%d: %s", domain, (int) type, ans.error);
	return (spfcheck_rr(layer, domain, type, 0, TRY_AGAIN));
    }
    out = spfcheck_rr(layer, domain, type, (int) (ans.ttl > 86400 ? 86400 : ans.ttl),
		      NETDB_SUCCESS);
    if (out == NULL || out->herrno != NETDB_SUCCESS) {
	dns_answer_clear(&ans);
	return (out);
    }
    for (size_t i = 0; i < ldns_rr_list_rr_count(ans.rrs); i++)
	if (spfcheck_fill(out, n, ldns_rr_list_rr(ans.rrs, i)) == 0)
	    n++;
    dns_answer_clear(&ans);
    out->num_rr = n;
    if (n == 0)
	out->herrno = NO_DATA;
    return (out);
}

/* spfcheck_layer_new - our DNS layer for libspf2 */

static SPF_dns_server_t *spfcheck_layer_new(void)
{
    SPF_dns_server_t *layer = calloc(1, sizeof(*layer));

    if (layer == NULL)
	return (NULL);
    layer->destroy = NULL;			/* we free it ourselves */
    layer->lookup = spfcheck_lookup;
    layer->get_spf = NULL;			/* libspf2 uses lookup() */
    layer->get_exp = NULL;
    layer->add_cache = NULL;
    layer->layer_below = NULL;
    layer->name = "liveaddr-ldns";
    layer->debug = 0;
    layer->hook = NULL;				/* state: spfcheck_session */
    return (layer);
}

/* spfcheck_server_setup - limits and messages common to both constructors */

static SPFCHECK *spfcheck_server_setup(SPFCHECK *ctx)
{
    SPF_response_t *resp = NULL;
    SPF_errcode_t err;

    if ((ctx->spf = SPF_server_new_dns(ctx->layer, 0)) == NULL) {
	spfcheck_free(ctx);
	return (NULL);
    }
    /* libspf2's default explanation points to a web site long gone */
    err = SPF_server_set_explanation(ctx->spf, SPFCHECK_DEFAULT_EXP, &resp);
    if (resp != NULL)
	SPF_response_free(resp);
    if (err != SPF_E_SUCCESS) {
	spfcheck_free(ctx);
	return (NULL);
    }
    SPF_server_set_max_dns_mech(ctx->spf, 10);
    SPF_server_set_max_dns_mx(ctx->spf, 10);
    SPF_server_set_max_dns_ptr(ctx->spf, 10);
    SPF_server_set_sanitize(ctx->spf, 1);
    return (ctx);
}

/* spfcheck_new - libspf2 over our DNS layer */

SPFCHECK *spfcheck_new(const DNS_CONF *conf, char *err, size_t errlen)
{
    SPFCHECK *ctx;

    if ((ctx = calloc(1, sizeof(*ctx))) == NULL) {
	snprintf(err, errlen, "out of memory");
	return (NULL);
    }
    if ((ctx->dns = dns_new(conf, err, errlen)) == NULL) {
	free(ctx);
	return (NULL);
    }
    if ((ctx->layer = spfcheck_layer_new()) == NULL) {
	spfcheck_free(ctx);
	snprintf(err, errlen, "out of memory");
	return (NULL);
    }
    ctx->own_layer = true;
    SPF_error_handler = spfcheck_log_error;
    SPF_warning_handler = spfcheck_log_warning;
    SPF_info_handler = spfcheck_log_debug;
    SPF_debug_handler = spfcheck_log_debug;
    if ((ctx = spfcheck_server_setup(ctx)) == NULL)
	snprintf(err, errlen, "cannot make the libspf2 server");
    return (ctx);
}

/* spfcheck_new_layer - libspf2 over a layer the caller made (tests) */

SPFCHECK *spfcheck_new_layer(struct SPF_dns_server_struct *layer)
{
    SPFCHECK *ctx;

    if (layer == NULL || (ctx = calloc(1, sizeof(*ctx))) == NULL)
	return (NULL);
    ctx->layer = layer;
    ctx->own_layer = false;
    return (spfcheck_server_setup(ctx));
}

/* spfcheck_set_receiver - our host name in Received-SPF */

int     spfcheck_set_receiver(SPFCHECK *ctx, const char *hostname)
{
    if (ctx == NULL || hostname == NULL || !dns_name_is_valid(hostname))
	return (-1);
    return (SPF_server_set_rec_dom(ctx->spf, hostname) == SPF_E_SUCCESS ? 0 : -1);
}

/* spfcheck_free - destroy the context */

void    spfcheck_free(SPFCHECK *ctx)
{
    if (ctx == NULL)
	return;
    if (ctx->spf != NULL)
	SPF_server_free(ctx->spf);
    if (ctx->own_layer)
	free(ctx->layer);
    dns_free(ctx->dns);
    free(ctx);
}

 /*
  * One check.
  */

/* spfcheck_parse_ip - client address; 4 (IPv4), 6 (IPv6) or 0 */

static int spfcheck_parse_ip(const char *text, struct in_addr *v4, struct in6_addr *v6)
{
    static const uint8_t mapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};

    if (text == NULL)
	return (0);
    if (strncasecmp(text, "IPv6:", 5) == 0)
	text += 5;
    if (inet_pton(AF_INET, text, v4) == 1)
	return (4);
    if (inet_pton(AF_INET6, text, v6) != 1)
	return (0);
    if (memcmp(v6->s6_addr, mapped, sizeof(mapped)) == 0) {
	memcpy(&v4->s_addr, v6->s6_addr + 12, 4);
	return (4);
    }
    return (6);
}

/* spfcheck_clean_sender - strip <>, refuse what cannot be an address */

static int spfcheck_clean_sender(const char *mail_from, char *buf, size_t len)
{
    size_t  n;

    if (mail_from == NULL)
	mail_from = "";
    n = strlen(mail_from);
    if (n >= 2 && mail_from[0] == '<' && mail_from[n - 1] == '>') {
	mail_from++;
	n -= 2;
    }
    if (n >= len)
	return (-1);
    for (size_t i = 0; i < n; i++)
	if ((unsigned char) mail_from[i] < 0x20 || mail_from[i] == 0x7f)
	    return (-1);
    memcpy(buf, mail_from, n);
    buf[n] = 0;
    return (0);
}

/* spfcheck_is_word - no space, no control character */

static bool spfcheck_is_word(const char *text)
{
    for (; *text; text++)
	if ((unsigned char) *text <= 0x20 || *text == 0x7f)
	    return (false);
    return (true);
}

/* spfcheck_domain_ok - RFC 7208 4.3: well formed and multi-label */

static bool spfcheck_domain_ok(const char *domain)
{
    const char *dot = strchr(domain, '.');

    return (dns_name_is_valid(domain) && dot != NULL && dot[1] != 0);
}

/* spfcheck_message - the first error libspf2 recorded, or "" */

static const char *spfcheck_message(SPF_response_t *resp)
{
    for (int i = 0; i < SPF_response_messages(resp); i++) {
	SPF_error_t *e = SPF_response_message(resp, i);

	if (e != NULL && SPF_error_errorp(e) && SPF_error_message(e) != NULL)
	    return (SPF_error_message(e));
    }
    return ("");
}

/* spfcheck_done - fill the result from a libspf2 response */

static SPFCHECK_CODE spfcheck_done(SPFCHECK_RESULT *out, SPF_response_t *resp,
				           SPF_errcode_t err, const char *client_ip,
				           const char *helo, const char *sender)
{
    SPF_result_t spf = SPF_response_result(resp);
    const char *msg = spfcheck_message(resp);
    char    header[2 * SPFCHECK_TEXT_LEN];

    out->result = SPFCHECK_TEMPERROR;
    for (size_t i = 0; i < sizeof(spfcheck_results) / sizeof(spfcheck_results[0]); i++)
	if (spfcheck_results[i].spf == spf)
	    out->result = spfcheck_results[i].code;
    /* "invalid" is a DNS failure (temperror) or a broken record (permerror) */
    if (spf == SPF_RESULT_INVALID
	&& (err == SPF_E_DNS_ERROR || err == SPF_E_NO_MEMORY
	    || SPF_response_errcode(resp) == SPF_E_DNS_ERROR))
	out->result = SPFCHECK_TEMPERROR;
    if (*msg)
	spfcheck_copy(out->reason, sizeof(out->reason), msg);
    else if (SPF_response_errcode(resp) != SPF_E_SUCCESS)
	snprintf(out->reason, sizeof(out->reason), "%s",
		 SPF_strerror(SPF_response_errcode(resp)));
    else
	snprintf(out->reason, sizeof(out->reason), "%s",
		 SPF_strreason(SPF_response_reason(resp)));
    if (out->result == SPFCHECK_FAIL)
	spfcheck_copy(out->explanation, sizeof(out->explanation),
		      SPF_response_get_explanation(resp));
    if (spf == SPF_RESULT_INVALID || SPF_response_get_received_spf(resp) == NULL) {
	/* libspf2 would write "(invalid)": write the header ourselves. */
	spfcheck_format(header, sizeof(header), "Received-SPF: %s (%s: %s) client-ip=%s;"
		 " envelope-from=%s; helo=%s;", spfcheck_result_name(out->result),
		 out->domain, out->reason, client_ip, sender, helo);
	spfcheck_copy(out->received_spf, sizeof(out->received_spf), header);
    } else {
	spfcheck_copy(out->received_spf, sizeof(out->received_spf),
		      SPF_response_get_received_spf(resp));
    }
    return (out->result);
}

/* spfcheck_check_host - RFC 7208 check_host() for one client */

SPFCHECK_CODE spfcheck_check_host(SPFCHECK *ctx, const char *client_ip,
				          const char *helo, const char *mail_from,
				          SPFCHECK_RESULT *out)
{
    SPFCHECK_RESULT dummy;
    struct in_addr v4;
    struct in6_addr v6;
    char    sender[SPFCHECK_MAX_SENDER];
    char    env_from[SPFCHECK_MAX_SENDER + 16];
    const char *domain;
    DNS_SESSION *session = NULL;
    SPF_request_t *req;
    SPF_response_t *resp = NULL;
    SPF_errcode_t err;
    int     family;
    struct timespec t0;
    struct timespec t1;

    if (out == NULL)
	out = &dummy;
    memset(out, 0, sizeof(*out));
    clock_gettime(CLOCK_MONOTONIC, &t0);
    if (helo == NULL)
	helo = "";
    if (ctx == NULL) {
	snprintf(out->reason, sizeof(out->reason), "no SPF context");
	return (out->result = SPFCHECK_TEMPERROR);
    }
    if ((family = spfcheck_parse_ip(client_ip, &v4, &v6)) == 0) {
	snprintf(out->reason, sizeof(out->reason), "client address is not an IP address");
	return (out->result = SPFCHECK_NONE);
    }
    if (spfcheck_clean_sender(mail_from, sender, sizeof(sender)) < 0) {
	snprintf(out->reason, sizeof(out->reason), "malformed or too long MAIL FROM");
	return (out->result = SPFCHECK_NONE);
    }
    if (sender[0] != 0) {
	domain = strrchr(sender, '@') ? strrchr(sender, '@') + 1 : sender;
	snprintf(out->identity, sizeof(out->identity), "mailfrom");
	snprintf(env_from, sizeof(env_from), "%s", sender);
    } else {
	domain = helo;
	snprintf(out->identity, sizeof(out->identity), "helo");
	snprintf(env_from, sizeof(env_from), "postmaster@%.*s", DNS_NAME_LEN, helo);
    }
    spfcheck_copy(out->domain, sizeof(out->domain), domain);
    if (!spfcheck_domain_ok(domain)) {
	snprintf(out->reason, sizeof(out->reason), "%s domain is malformed",
		 out->identity);
	return (out->result = SPFCHECK_NONE);
    }
    /* A HELO that is no name only shows in macros and the header. */
    if (*helo == 0 || strlen(helo) >= DNS_NAME_LEN || !spfcheck_is_word(helo))
	helo = "unknown";

    if ((req = SPF_request_new(ctx->spf)) == NULL
	|| (ctx->dns != NULL && (session = dns_session_new(ctx->dns, 0)) == NULL)) {
	snprintf(out->reason, sizeof(out->reason), "out of memory");
	if (req != NULL)
	    SPF_request_free(req);
	return (out->result = SPFCHECK_TEMPERROR);
    }
    if (family == 4)
	SPF_request_set_ipv4(req, v4);
    else
	SPF_request_set_ipv6(req, v6);
    /* HELO first: then an empty sender means postmaster@helo. */
    if (SPF_request_set_helo_dom(req, helo) != SPF_E_SUCCESS
	|| SPF_request_set_env_from(req, sender) != 0) {
	snprintf(out->reason, sizeof(out->reason), "out of memory");
	out->result = SPFCHECK_TEMPERROR;
    } else {
	spfcheck_session = session;
	err = SPF_request_query_mailfrom(req, &resp);
	spfcheck_session = NULL;
	if (resp == NULL) {
	    snprintf(out->reason, sizeof(out->reason), "out of memory");
	    out->result = SPFCHECK_TEMPERROR;
	} else {
	    spfcheck_done(out, resp, err, client_ip, helo, env_from);
	}
    }
    if (resp != NULL)
	SPF_response_free(resp);
    SPF_request_free(req);
    out->dns_queries = dns_session_queries(session);
    dns_session_free(session);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    out->elapsed_ms = (unsigned) ((t1.tv_sec - t0.tv_sec) * 1000
				  + (t1.tv_nsec - t0.tv_nsec) / 1000000);
    return (out->result);
}
