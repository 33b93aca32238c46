/*++
 * NAME
 *	runtime 3
 * SUMMARY
 *	the milter's configuration and connections, swapped on reload
 * SYNOPSIS
 *	#include "runtime.h"
 *
 *	RUNTIME	*runtime_build(const char *path, char *err, size_t errlen)
 *	void	runtime_install(RUNTIME *rt)
 *	void	runtime_discard(RUNTIME *rt)
 *	RUNTIME	*runtime_acquire(void)
 *	RUNTIME	*runtime_hold(RUNTIME *rt)
 *	void	runtime_release(RUNTIME *rt)
 *	void	runtime_shutdown(void)
 * DESCRIPTION
 *	Everything a message needs that comes from liveaddr.conf: the
 *	settings, the outbound rules, the inbound rules (inbound(3)), the
 *	tag and hint keys, the Redis pool, the evidence store, the journal
 *	and its sink, the resolver, the domain verdict cache and the SPF
 *	checker for the senders of reports and replies (over the same DNS
 *	settings: its checks are bounded by DNSTimeout).
 *
 *	runtime_build() reads the file and builds a RUNTIME; NULL with the
 *	reasons in err when the file has errors or a key file cannot be read
 *	(the milter then keeps the one it has: a bad reload never takes the
 *	milter down).  runtime_discard() frees one that was built but is
 *	not wanted.  runtime_install() makes it the current one; the one
 *	before goes when the last message that holds it lets it go.  A
 *	message takes the current runtime with runtime_acquire() at its
 *	start and gives it back with runtime_release() at its end: so a
 *	reload (SIGHUP) never changes the rules in the middle of a message,
 *	and never drops a connection.  runtime_shutdown() lets the current
 *	one go (at exit).  runtime_hold() takes one more hold on a runtime
 *	one already has (for work that outlives the message).
 *
 *	Settings that a reload does not change (CONF_FLAG_RESTART: the
 *	socket, its owner and mode, the user, the pid file, the journal path)
 *	are read by main.c once at start.
 * THREADS
 *	runtime_acquire() and runtime_release() are thread-safe.
 *--*/

#include "config.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "log.h"
#include "runtime.h"
#include "settings.h"

static pthread_mutex_t runtime_lock = PTHREAD_MUTEX_INITIALIZER;
static RUNTIME *runtime_current;

/* runtime_free - everything a runtime holds */

static void runtime_free(RUNTIME *rt)
{
    if (rt == NULL)
	return;
    spfcheck_free(rt->spf);
    sink_free(rt->sink);
    journal_close(rt->journal);
    store_free(rt->store);
    domverdict_free(rt->domains);
    domcache_free(rt->cache);
    dns_free(rt->dns);
    rpool_free(rt->pool);
    tag_keyring_clear(&rt->tags);
    tag_keyring_clear(&rt->hints);
    free(rt->lists);
    conf_free(rt->conf);
    free(rt);
}

/* runtime_list - a configuration list as an array of its items */

static char **runtime_list(const CONF *conf, const char *name, char **slots, size_t *n)
{
    *n = conf_list_count(conf, name);
    for (size_t i = 0; i < *n; i++)
	slots[i] = (char *) conf_list_item(conf, name, i);
    return (slots);
}

RUNTIME *runtime_build(const char *path, char *err, size_t errlen)
{
    RUNTIME *rt = calloc(1, sizeof(*rt));
    RPOOL_CONF rc;
    STORE_CONF sc;
    DNS_CONF dc;
    DOMCACHE_TTL ttl;
    JOURNAL_SYNC sync;
    const char *servers[DNS_MAX_NAMESERVERS];
    const char *file;
    char    host[256] = "";
    size_t  nd, ns;

    if (rt == NULL || (rt->conf = settings_load(path, false)) == NULL) {
	snprintf(err, errlen, "out of memory");
	free(rt);
	return (NULL);
    }
    if (conf_error_count(rt->conf) > 0) {
	snprintf(err, errlen, "%s", conf_error(rt->conf, 0));
	runtime_free(rt);
	return (NULL);
    }
    /* The keys.  Without a tag key the milter counts but does not tag. */
    if ((file = conf_str(rt->conf, "TagKeyFile")) != NULL && *file
	&& tag_keyring_load(&rt->tags, file, conf_str(rt->conf, "TagSigningKey"), err,
			    errlen) < 0) {
	runtime_free(rt);
	return (NULL);
    }
    if ((file = conf_str(rt->conf, "HintKeyFile")) != NULL && *file
	&& tag_keyring_load(&rt->hints, file, NULL, err, errlen) < 0) {
	runtime_free(rt);
	return (NULL);
    }
    if (rt->tags.nkeys > 0 && (conf_str(rt->conf, "BounceDomain") == NULL
			       || !*conf_str(rt->conf, "BounceDomain"))) {
	snprintf(err, errlen, "TagKeyFile is set but BounceDomain is not");
	runtime_free(rt);
	return (NULL);
    }

    /* The outbound rules. */
    nd = conf_list_count(rt->conf, "OutboundDaemonNames");
    ns = conf_list_count(rt->conf, "OutboundSenderDomains");
    if ((rt->lists = calloc(nd + ns + 1, sizeof(char *))) == NULL) {
	snprintf(err, errlen, "out of memory");
	runtime_free(rt);
	return (NULL);
    }
    rt->out.daemon_names = runtime_list(rt->conf, "OutboundDaemonNames", rt->lists, &nd);
    rt->out.ndaemon = nd;
    rt->out.sender_domains = runtime_list(rt->conf, "OutboundSenderDomains", rt->lists + nd,
					  &ns);
    rt->out.nsender = ns;
    rt->out.authenticated = conf_bool(rt->conf, "OutboundAuthenticated");
    rt->out.pickup = conf_bool(rt->conf, "OutboundLocalSubmission");
    rt->out.bounce_domain = conf_str(rt->conf, "BounceDomain");
    rt->out.tag_lifetime = conf_int(rt->conf, "TagLifetime");
    rt->out.tag_keys = rt->tags.nkeys > 0 ? &rt->tags : NULL;
    rt->out.hint_keys = rt->hints.nkeys > 0 ? &rt->hints : NULL;
    rt->out.hint_max_age = conf_int(rt->conf, "HintMaxAge");
    rt->out.tracking_header = conf_str(rt->conf, "TrackingHeader");
    rt->out.msgtype_header = conf_str(rt->conf, "MessageTypeHeader");
    if (rt->out.msgtype_header && !*rt->out.msgtype_header)
	rt->out.msgtype_header = NULL;
    rt->tempfail_on_failure = strcmp(conf_str(rt->conf, "OnFailure"), "tempfail") == 0;
    rt->reject_no_mail = conf_bool(rt->conf, "RejectNoMailDomains");

    /* The inbound rules. */
    if (inbound_parse_size(conf_str(rt->conf, "ReportMaxSize"), &rt->in.max_report) < 0
	|| rt->in.max_report < 1024 || rt->in.max_report > 32 * 1024 * 1024) {
	snprintf(err, errlen, "ReportMaxSize: \"%s\" is not a size from 1k to 32m (bytes, "
		 "or a number with k, m or g)", conf_str(rt->conf, "ReportMaxSize"));
	runtime_free(rt);
	return (NULL);
    }
    rt->in.bounce_domain = rt->out.bounce_domain;
    rt->in.tag_keys = rt->out.tag_keys;
    rt->in.reply_proof = conf_bool(rt->conf, "ReplyProof");
    rt->reject_unsigned = conf_bool(rt->conf, "BounceRejectUnsigned");
    rt->trust_spf_fail = conf_bool(rt->conf, "ReportTrustSPFFail");
    rt->report_discard = strcmp(conf_str(rt->conf, "ReportDisposition"), "discard") == 0;

    /* Redis, the store, the journal, DNS. */
    settings_rpool_conf(rt->conf, &rc);
    settings_store_conf(rt->conf, &sc);
    settings_dns_conf(rt->conf, &dc, servers, DNS_MAX_NAMESERVERS);
    ttl = settings_domcache_ttl(rt->conf);
    if (journal_sync_by_name(conf_str(rt->conf, "JournalSync"), &sync) < 0)
	sync = JOURNAL_SYNC_ALWAYS;
    if ((rt->pool = rpool_new(&rc, err, errlen)) == NULL
	|| (rt->store = store_new(rt->pool, &sc, err, errlen)) == NULL
	|| (rt->journal = journal_open(conf_str(rt->conf, "JournalPath"), sync, err,
				       errlen)) == NULL
	|| (rt->dns = dns_new(&dc, err, errlen)) == NULL
	|| (rt->spf = spfcheck_new(&dc, err, errlen)) == NULL) {
	runtime_free(rt);
	return (NULL);
    }
    /* the receiver named in Received-SPF (logged only): this host */
    if (gethostname(host, sizeof(host) - 1) == 0 && host[0])
	(void) spfcheck_set_receiver(rt->spf, host);
    if ((rt->sink = sink_new(rt->store, rt->journal, conf_str(rt->conf, "JournalPath"))) == NULL
	|| (rt->cache = domcache_new((size_t) conf_int(rt->conf, "DomainCacheSize"),
				     &ttl)) == NULL
	|| (rt->domains = domverdict_new(rt->dns, rt->cache, rt->pool,
					 conf_str(rt->conf, "RedisKeyPrefix"), &ttl)) == NULL) {
	snprintf(err, errlen, "out of memory");
	runtime_free(rt);
	return (NULL);
    }
    rt->refs = 0;
    return (rt);
}

/* runtime_discard - a built runtime that will not be installed */

void    runtime_discard(RUNTIME *rt)
{
    if (rt)
	runtime_free(rt);
}

void    runtime_install(RUNTIME *rt)
{
    RUNTIME *old;

    pthread_mutex_lock(&runtime_lock);
    old = runtime_current;
    rt->refs++;					/* the current one's own hold */
    runtime_current = rt;
    pthread_mutex_unlock(&runtime_lock);
    if (old)
	runtime_release(old);
}

RUNTIME *runtime_acquire(void)
{
    RUNTIME *rt;

    pthread_mutex_lock(&runtime_lock);
    if ((rt = runtime_current) != NULL)
	rt->refs++;
    pthread_mutex_unlock(&runtime_lock);
    return (rt);
}

RUNTIME *runtime_hold(RUNTIME *rt)
{
    pthread_mutex_lock(&runtime_lock);
    rt->refs++;
    pthread_mutex_unlock(&runtime_lock);
    return (rt);
}

void    runtime_release(RUNTIME *rt)
{
    bool    last;

    if (rt == NULL)
	return;
    pthread_mutex_lock(&runtime_lock);
    last = --rt->refs == 0;
    pthread_mutex_unlock(&runtime_lock);
    if (last)
	runtime_free(rt);
}

void    runtime_shutdown(void)
{
    RUNTIME *old;

    pthread_mutex_lock(&runtime_lock);
    old = runtime_current;
    runtime_current = NULL;
    pthread_mutex_unlock(&runtime_lock);
    runtime_release(old);
}
