/*++
 * NAME
 *	prefetch 3
 * SUMMARY
 *	recipient domain lookups started at RCPT, done by worker threads
 * SYNOPSIS
 *	#include "prefetch.h"
 *
 *	int	prefetch_start(int workers, int queue_max)
 *	bool	prefetch_domain(RUNTIME *rt, const char *domain,
 *				const char *recipient_key)
 *	void	prefetch_stop(void)
 * DESCRIPTION
 *	An outbound letter's recipient domains are looked up while the
 *	message is still arriving, so that the milter never makes the MTA
 *	wait for DNS: prefetch_domain() queues a lookup and returns at once
 *	(false when the queue is full or the workers are gone: the lookup is
 *	then skipped, and the next letter to that domain tries again).
 *	A worker asks domverdict_get() (the process cache, then Redis, then
 *	DNS within DNSTimeout), which leaves the verdict in the caches for
 *	every later letter; when the domain certainly takes no mail (null
 *	MX, no mail host, NXDOMAIN, ...: DNS_CLASS_INVALID) it records
 *	EV_DOMAIN_INVALID evidence for the recipient through the runtime's
 *	sink (one id a recipient, verdict and day).
 *
 *	prefetch_start() starts the workers; prefetch_stop() lets them
 *	finish the queue and joins them.
 * THREADS
 *	prefetch_domain() may be called from any thread.  A queued job holds
 *	its runtime (runtime_hold()) until it is done.
 *--*/

#include "config.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "evidence.h"
#include "log.h"
#include "prefetch.h"
#include "runtime.h"

typedef struct JOB {
    struct JOB *next;
    RUNTIME *rt;
    char    domain[ADDR_ADDRESS_MAX + 1];
    char    key[ADDR_ADDRESS_MAX + 1];
} JOB;

static pthread_mutex_t pf_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t pf_ready = PTHREAD_COND_INITIALIZER;
static JOB *pf_head, *pf_tail;
static int pf_queued, pf_max;
static bool pf_stopping;
static pthread_t *pf_threads;
static int pf_nthreads;

/* prefetch_one - look a domain up; evidence when it takes no mail */

static void prefetch_one(JOB *job)
{
    DNS_RESULT res;
    DV_SOURCE source;
    time_t  now = time(NULL);
    DNS_VERDICT v = domverdict_get(job->rt->domains, job->domain, now, &res, &source);

    if (dns_verdict_class(v) == DNS_CLASS_INVALID && job->key[0]) {
	EVIDENCE ev;
	char    seed[ADDR_ADDRESS_MAX * 2 + 64];

	evidence_init(&ev, EV_DOMAIN_INVALID, now, job->key);
	EVIDENCE_SET(&ev, reason, dns_verdict_name(v));
	EVIDENCE_SET(&ev, text, dns_verdict_text(v, "en"));
	snprintf(seed, sizeof(seed), "domain|%s|%s|%ld", job->key, dns_verdict_name(v),
		 (long) (now / 86400));
	evidence_make_id(&ev, seed);
	(void) sink_put(job->rt->sink, &ev, 1, now);
	log_info("%s: the domain takes no mail (%s, %s)", job->key, dns_verdict_name(v),
		 domverdict_source_name(source));
    }
}

static void *prefetch_worker(void *arg)
{
    (void) arg;
    for (;;) {
	JOB    *job;

	pthread_mutex_lock(&pf_lock);
	while (pf_head == NULL && !pf_stopping)
	    pthread_cond_wait(&pf_ready, &pf_lock);
	if ((job = pf_head) == NULL) {
	    pthread_mutex_unlock(&pf_lock);
	    return (NULL);
	}
	if ((pf_head = job->next) == NULL)
	    pf_tail = NULL;
	pf_queued--;
	pthread_mutex_unlock(&pf_lock);
	prefetch_one(job);
	runtime_release(job->rt);
	free(job);
    }
}

int     prefetch_start(int workers, int queue_max)
{
    if ((pf_threads = calloc((size_t) workers, sizeof(pthread_t))) == NULL)
	return (-1);
    pf_max = queue_max;
    pf_stopping = false;
    for (pf_nthreads = 0; pf_nthreads < workers; pf_nthreads++)
	if (pthread_create(pf_threads + pf_nthreads, NULL, prefetch_worker, NULL) != 0)
	    break;
    return (pf_nthreads > 0 ? 0 : -1);
}

bool    prefetch_domain(RUNTIME *rt, const char *domain, const char *recipient_key)
{
    JOB    *job;

    if (rt == NULL || domain == NULL || *domain == 0 || (job = calloc(1, sizeof(*job))) == NULL)
	return (false);
    snprintf(job->domain, sizeof(job->domain), "%s", domain);
    snprintf(job->key, sizeof(job->key), "%s", recipient_key ? recipient_key : "");
    pthread_mutex_lock(&pf_lock);
    if (pf_stopping || pf_nthreads == 0 || pf_queued >= pf_max) {
	pthread_mutex_unlock(&pf_lock);
	free(job);
	return (false);
    }
    job->rt = runtime_hold(rt);			/* until the job is done */
    if (pf_tail)
	pf_tail->next = job;
    else
	pf_head = job;
    pf_tail = job;
    pf_queued++;
    pthread_cond_signal(&pf_ready);
    pthread_mutex_unlock(&pf_lock);
    return (true);
}

void    prefetch_stop(void)
{
    pthread_mutex_lock(&pf_lock);
    pf_stopping = true;
    pthread_cond_broadcast(&pf_ready);
    pthread_mutex_unlock(&pf_lock);
    for (int i = 0; i < pf_nthreads; i++)
	pthread_join(pf_threads[i], NULL);
    free(pf_threads);
    pf_threads = NULL;
    pf_nthreads = 0;
}
