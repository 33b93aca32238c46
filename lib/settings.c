/*++
 * NAME
 *	settings 3
 * SUMMARY
 *	the keys of liveaddr.conf, shared by every liveaddr program
 * SYNOPSIS
 *	#include "settings.h"
 *
 *	const CONF_KEY settings_keys[]
 *	CONF	*settings_load(const char *path, bool missing_ok)
 *	void	settings_report(const CONF *conf, FILE *fp)
 *	int	settings_apply_logging(const CONF *conf, const char *ident,
 *				bool foreground)
 *	void	settings_rpool_conf(const CONF *conf, RPOOL_CONF *out)
 *	void	settings_store_conf(const CONF *conf, STORE_CONF *out)
 * DESCRIPTION
 *	liveaddr-milter, liveaddrctl and the CRM plugin read one file,
 *	liveaddr.conf(5), so that they agree on the Redis server, the DNS
 *	servers, the keys and the thresholds.  This module is the table of
 *	its keys (name, type, default, range, help); docs/liveaddr.conf.5
 *	documents each one.
 *
 *	settings_load() returns a CONF holding the defaults plus the file;
 *	the caller checks conf_error_count() and must not use a CONF with
 *	errors.  With missing_ok, a file that does not exist is not an
 *	error (liveaddrctl works with defaults); a file that exists but
 *	cannot be read is.  settings_report() writes every error, one a line.
 *
 *	settings_rpool_conf() fills a Redis pool configuration; its strings
 *	point into the CONF, which must outlive the pool's creation.
 *
 *	settings_dns_conf() and settings_domcache_ttl() give the resolver
 *	settings and the domain verdict lifetimes.
 *
 *	settings_apply_logging() opens the log as the file asks: syslog with
 *	SyslogFacility, or stderr when foreground is set and Syslog is no,
 *	and sets LogLevel.
 * MEMORY
 *	The caller frees the CONF with conf_free().
 * DIAGNOSTICS
 *	settings_load() returns NULL only when memory is short.
 *--*/

#include "config.h"

#include <errno.h>
#include <sys/stat.h>

#include "log.h"
#include "rpool.h"
#include "settings.h"
#include "store.h"

const CONF_KEY settings_keys[] = {
    {"Syslog", CONF_BOOL, "yes", 0, 0, NULL, 0,
	"log to syslog (no: log to stderr, for the foreground)"},
    {"SyslogFacility", CONF_ENUM, "mail", 0, 0,
	"mail|daemon|user|local0|local1|local2|local3|local4|local5|local6|local7",
	0, "syslog facility"},
    {"LogLevel", CONF_ENUM, "info", 0, 0, "error|warning|notice|info|debug", 0,
	"least important messages logged"},
    {"Language", CONF_ENUM, "ru", 0, 0, "ru|en", 0,
	"language of verdicts, badges and prompts shown to people"},
    {"DataDirectory", CONF_STR, LIVEADDR_DATADIR, 0, 0, NULL, 0,
	"where the lists live (provider domains, typos, role names, disposable domains)"},

    /* DNS */
    {"Nameservers", CONF_LIST, NULL, 0, 0, NULL, 0,
	"DNS servers (IP, IP:port, [IPv6]:port); unset: those of /etc/resolv.conf"},
    {"DNSTimeout", CONF_MILLIS, "5s", 100, 25000, NULL, 0,
	"time budget for one domain verdict, all its queries together"},
    {"DomainCacheSize", CONF_INT, "100000", 16, 100000000, NULL, 0,
	"domain verdicts kept in each process"},
    {"DomainCachePositiveRefresh", CONF_SECONDS, "7d", 60, 0x7fffffff, NULL, 0,
	"re-check a domain that takes mail after this long"},
    {"DomainCachePositiveExpire", CONF_SECONDS, "31d", 60, 0x7fffffff, NULL, 0,
	"forget a domain that takes mail after this long"},
    {"DomainCacheNegativeRefresh", CONF_SECONDS, "3h", 60, 0x7fffffff, NULL, 0,
	"re-check a domain that takes no mail after this long"},
    {"DomainCacheNegativeExpire", CONF_SECONDS, "3d", 60, 0x7fffffff, NULL, 0,
	"forget a domain that takes no mail after this long"},

    /* Redis */
    {"RedisServer", CONF_STR, "127.0.0.1:6379", 0, 0, NULL, 0,
	"Redis: host:port, [IPv6]:port or unix:/path"},
    {"RedisUser", CONF_STR, NULL, 0, 0, NULL, 0,
	"Redis ACL user (Redis 6 and later); unset: the default user"},
    {"RedisPassword", CONF_STR, NULL, 0, 0, NULL, CONF_FLAG_SECRET,
	"Redis password (AUTH)"},
    {"RedisDatabase", CONF_INT, "0", 0, 1000, NULL, 0, "Redis database number (SELECT)"},
    {"RedisKeyPrefix", CONF_STR, "la:", 0, 0, NULL, 0,
	"prefix of every key liveaddr writes"},
    {"RedisConnectTimeout", CONF_MILLIS, "500ms", 10, 60000, NULL, 0,
	"time to connect to Redis"},
    {"RedisTimeout", CONF_MILLIS, "1s", 10, 60000, NULL, 0,
	"time for one Redis command"},
    {"RedisPoolSize", CONF_INT, "8", 1, 1024, NULL, 0,
	"Redis connections per process, shared by its threads"},

    /* the evidence model */
    {"SoftBounceLimit", CONF_INT, "3", 1, 100, NULL, 0,
	"soft bounces on this many distinct days make an address invalid"},
    {"SoftBounceWindow", CONF_SECONDS, "30d", 86400, 3650 * 86400L, NULL, 0,
	"... within this window, with no positive proof in between; older ones decay"},
    {"StaleAfterSales", CONF_SECONDS, "365d", 0, 3650 * 86400L, NULL, 0,
	"a sales contact's address is stale when its last proof is older"},
    {"StaleAfterService", CONF_SECONDS, "365d", 0, 3650 * 86400L, NULL, 0,
	"a service contact's address is stale when its last proof is older"},
    {"StaleAfter", CONF_SECONDS, "365d", 0, 3650 * 86400L, NULL, 0,
	"the same for any other department"},
    {"HistoryLength", CONF_INT, "32", 1, 64, NULL, 0,
	"evidence items kept for each address (older ones are folded into its state)"},
    {"EventStreamLength", CONF_INT, "100000", 100, 100000000, NULL, 0,
	"entries kept in the event stream the CRM reads (about)"},
    {"ForgetTombstone", CONF_SECONDS, "90d", 86400, 3650 * 86400L, NULL, 0,
	"how long a forgotten address keeps evidence older than its erasure out"},
    {"JournalPath", CONF_STR, LIVEADDR_STATEDIR "/journal", 0, 0, NULL, CONF_FLAG_RESTART,
	"evidence that could not reach Redis is appended here, and replayed"},
    {"JournalSync", CONF_ENUM, "always", 0, 0, "always|interval|never", 0,
	"when the journal is flushed to disk (see liveaddr.conf(5))"},

    /* liveaddr-milter: the daemon */
    {"Socket", CONF_STR, "local:/run/liveaddr/milter.sock", 0, 0, NULL, CONF_FLAG_RESTART,
	"where the milter listens: local:/path, inet:port@host, inet6:port@[addr]"},
    {"SocketUser", CONF_STR, NULL, 0, 0, NULL, CONF_FLAG_RESTART,
	"owner of a local socket (unset: the user the milter runs as)"},
    {"SocketGroup", CONF_STR, NULL, 0, 0, NULL, CONF_FLAG_RESTART,
	"group of a local socket, e.g. postfix (unset: the milter's group)"},
    {"SocketMode", CONF_STR, "0660", 0, 0, NULL, CONF_FLAG_RESTART,
	"mode of a local socket, octal; never writable by others"},
    {"UserID", CONF_STR, NULL, 0, 0, NULL, CONF_FLAG_RESTART,
	"user[:group] to run as once the socket is open (when started as root)"},
    {"PidFile", CONF_STR, NULL, 0, 0, NULL, CONF_FLAG_RESTART,
	"write the process id here (unset: none; systemd does not need it)"},
    {"OnFailure", CONF_ENUM, "continue", 0, 0, "continue|tempfail", 0,
	"when Redis or memory fail during a message: let it go on, or ask the client to retry"},

    /* liveaddr-milter: outbound letters */
    {"OutboundDaemonNames", CONF_LIST, "ORIGINATING", 0, 0, NULL, 0,
	"Postfix milter_macro_daemon_name values whose mail is the dealer's own"},
    {"OutboundAuthenticated", CONF_BOOL, "yes", 0, 0, NULL, 0,
	"mail from an authenticated sender (SMTP AUTH) is outbound"},
    {"OutboundSenderDomains", CONF_LIST, NULL, 0, 0, NULL, 0,
	"mail from these sender domains is outbound"},
    {"OutboundLocalSubmission", CONF_BOOL, "yes", 0, 0, NULL, 0,
	"mail submitted with sendmail(1) (non_smtpd_milters) is outbound"},
    {"BounceDomain", CONF_STR, NULL, 0, 0, NULL, 0,
	"domain of the signed envelope senders; its mail must reach this milter"},
    {"TagKeyFile", CONF_STR, NULL, 0, 0, NULL, 0,
	"file of tag keys, one \"KEY-ID SECRET\" a line (unset: letters are not tagged)"},
    {"TagSigningKey", CONF_STR, NULL, 0, 0, NULL, 0,
	"id of the key that signs new tags (unset: the first in TagKeyFile)"},
    {"TagLifetime", CONF_SECONDS, "10d", 86400, 365 * 86400L, NULL, 0,
	"how long a tag verifies and a letter's reference is kept"},
    {"TrackingHeader", CONF_STR, "X-Liveaddr-Tag", 0, 0, NULL, 0,
	"header that carries the tag in every tagged letter"},
    {"HintKeyFile", CONF_STR, NULL, 0, 0, NULL, 0,
	"file of keys shared with the CRM for X-Liveaddr-Hint (unset: hints are ignored)"},
    {"HintMaxAge", CONF_SECONDS, "7d", 60, 365 * 86400L, NULL, 0,
	"a hint signed longer ago than this is ignored"},
    {"MessageTypeHeader", CONF_STR, NULL, 0, 0, NULL, 0,
	"add this header (e.g. X-Mailru-Msgtype) with \"department-event\" from the hint"},
    {"RejectNoMailDomains", CONF_BOOL, "no", 0, 0, NULL, 0,
	"reject, at RCPT and only in smtpd, recipients whose domain certainly takes no mail"},

    /* liveaddr-milter: what comes back */
    {"BounceRejectUnsigned", CONF_BOOL, "no", 0, 0, NULL, 0,
	"reject, at RCPT and only in smtpd, BounceDomain recipients without a valid tag"},
    {"ReportTrustSPFFail", CONF_BOOL, "no", 0, 0, NULL, 0,
	"let a report whose sender fails SPF change state (no: it changes nothing)"},
    {"ReportDisposition", CONF_ENUM, "deliver", 0, 0, "discard|deliver", 0,
	"what happens to a report once it made evidence: discard it, or deliver it"},
    {"ReportMaxSize", CONF_STR, "1m", 0, 0, NULL, 0,
	"bytes of a report read (with k, m or g: 1024 based); the rest is not read"},
    {"ReplyProof", CONF_BOOL, "yes", 0, 0, NULL, 0,
	"a message to a dealer mailbox from a known address, SPF pass, proves that address"},
};
const size_t settings_key_count = sizeof(settings_keys) / sizeof(settings_keys[0]);

/* settings_load - defaults plus the file */

CONF   *settings_load(const char *path, bool missing_ok)
{
    CONF   *conf;
    struct stat st;

    if ((conf = conf_new(settings_keys, settings_key_count)) == NULL)
	return (NULL);
    if (missing_ok && stat(path, &st) < 0 && errno == ENOENT)
	return (conf);
    conf_load_file(conf, path);
    return (conf);
}

void    settings_report(const CONF *conf, FILE *fp)
{
    for (size_t i = 0; i < conf_error_count(conf); i++)
	fprintf(fp, "%s\n", conf_error(conf, i));
}

/* settings_apply_logging - open the log as the configuration says */

int     settings_apply_logging(const CONF *conf, const char *ident,
			               bool foreground)
{
    int     facility = log_facility_by_name(conf_str(conf, "SyslogFacility"));
    int     level = log_level_by_name(conf_str(conf, "LogLevel"));

    if (facility < 0 || level < 0)
	return (-1);
    log_open(ident, facility,
	     foreground && !conf_bool(conf, "Syslog") ? LOG_TO_STDERR : LOG_TO_SYSLOG);
    log_set_level(level);
    return (0);
}

/* settings_rpool_conf - the Redis pool settings; strings point into conf */

void    settings_rpool_conf(const CONF *conf, RPOOL_CONF *out)
{
    rpool_conf_defaults(out);
    out->server = conf_str(conf, "RedisServer");
    out->user = conf_str(conf, "RedisUser");
    out->password = conf_str(conf, "RedisPassword");
    out->database = (int) conf_int(conf, "RedisDatabase");
    out->connect_timeout_ms = (int) conf_int(conf, "RedisConnectTimeout");
    out->command_timeout_ms = (int) conf_int(conf, "RedisTimeout");
    out->size = (int) conf_int(conf, "RedisPoolSize");
}

/* settings_store_conf - the evidence store settings; strings point into conf */

void    settings_store_conf(const CONF *conf, STORE_CONF *out)
{
    store_conf_defaults(out);
    out->prefix = conf_str(conf, "RedisKeyPrefix");
    out->history_max = (size_t) conf_int(conf, "HistoryLength");
    out->events_maxlen = conf_int(conf, "EventStreamLength");
    out->tombstone_ttl = conf_int(conf, "ForgetTombstone");
    out->policy.soft_limit = (unsigned) conf_int(conf, "SoftBounceLimit");
    out->policy.soft_window = conf_int(conf, "SoftBounceWindow");
    out->policy.stale_age_sales = conf_int(conf, "StaleAfterSales");
    out->policy.stale_age_service = conf_int(conf, "StaleAfterService");
    out->policy.stale_age_other = conf_int(conf, "StaleAfter");
    out->msgref_ttl = conf_int(conf, "TagLifetime");
}

/* settings_dns_conf - resolver settings; servers[] (max) receives the list */

void    settings_dns_conf(const CONF *conf, DNS_CONF *out, const char **servers, size_t max)
{
    size_t  n = conf_list_count(conf, "Nameservers");

    dns_conf_init(out);
    if (n > max)
	n = max;
    for (size_t i = 0; i < n; i++)
	servers[i] = conf_list_item(conf, "Nameservers", i);
    out->nameservers = servers;
    out->nameserver_count = n;
    out->budget_ms = (unsigned) conf_int(conf, "DNSTimeout");
}

/* settings_domcache_ttl - the domain verdict lifetimes */

DOMCACHE_TTL settings_domcache_ttl(const CONF *conf)
{
    DOMCACHE_TTL ttl = domcache_ttl_defaults();

    ttl.positive_refresh = conf_int(conf, "DomainCachePositiveRefresh");
    ttl.positive_expire = conf_int(conf, "DomainCachePositiveExpire");
    ttl.negative_refresh = conf_int(conf, "DomainCacheNegativeRefresh");
    ttl.negative_expire = conf_int(conf, "DomainCacheNegativeExpire");
    return (ttl);
}
