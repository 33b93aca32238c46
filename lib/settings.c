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
    {"DomainCacheSize", CONF_INT, "100000", 16, 100000000, NULL, CONF_FLAG_RESTART,
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
    {"RedisPoolSize", CONF_INT, "8", 1, 1024, NULL, CONF_FLAG_RESTART,
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
}
