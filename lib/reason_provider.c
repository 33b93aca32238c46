/*++
 * NAME
 *	reason_provider 3
 * SUMMARY
 *	what a provider's own wording means, for that provider's mailboxes
 * SYNOPSIS
 *	#include "reason_int.h"
 *
 *	const char *reason_provider_row(const char *recipient,
 *				const char *remote_mta, const char *text)
 * DESCRIPTION
 *	Most of what the classifier knows holds for any MTA.  A few
 *	providers answer with texts that mean one thing from them and
 *	another (or nothing sure) from others; those rows apply only when
 *	the reply is about one of that provider's mailboxes: the
 *	recipient's domain, or the remote MTA's host name, is the
 *	provider's domain or below it.
 *
 *	reason_provider_row() returns the reason of the first row whose
 *	provider is the recipient's (or the remote MTA's) and whose phrase
 *	is in text (normalised by reason_norm(): lower-case, one space for
 *	white space), else NULL.  recipient ("user@domain") and remote_mta
 *	(a host name, or "dns; host") may be NULL or empty.  The result is
 *	static.
 *
 *	The rows, and where their meaning comes from:
 *
 *	au by KDDI (ezweb.ne.jp, au.com).  Its MX refuses with "550 :
 *	User unknown" (no address before the colon) when the subscriber's
 *	own filter refuses the sender, and with "550 <address>: User
 *	unknown" when there is no such subscriber (Sisimai's
 *	Sisimai::Rhost::KDDI, and every au sample of the labelled corpus:
 *	the first form is labelled filtered, the second userunknown).
 *	Elsewhere neither form is corroborated enough to be hard by itself
 *	(reason.c's rule 5).
 *--*/

#include "config.h"

#include <string.h>
#include <strings.h>

#include "reason_int.h"

typedef struct {
    const char *domain;			/* the provider's mail domain */
    const char *phrase;			/* normalised, a literal */
    const char *reason;
} REASON_PROVIDER;

static const REASON_PROVIDER reason_providers[] = {
    {"ezweb.ne.jp", "550 : user unknown", "filtered"},
    {"au.com", "550 : user unknown", "filtered"},
    {"ezweb.ne.jp", ">: user unknown", "userunknown"},
    {"au.com", ">: user unknown", "userunknown"},
};

/* under_domain - host is domain or a name below it (any case) */

static int under_domain(const char *host, size_t hlen, const char *domain)
{
    size_t  dlen = strlen(domain);

    if (hlen < dlen || strncasecmp(host + hlen - dlen, domain, dlen) != 0)
	return (0);
    return (hlen == dlen || host[hlen - dlen - 1] == '.');
}

/* host_part - the domain of an address, the host of a Remote-MTA value */

static const char *host_part(const char *what, int is_address, size_t *len)
{
    const char *cp, *end;

    if (what == 0 || *what == 0)
	return (0);
    if (is_address) {
	if ((cp = strrchr(what, '@')) == 0)
	    return (0);
	cp++;
    } else {
	cp = (end = strchr(what, ';')) != 0 ? end + 1 : what;
	cp += strspn(cp, " \t[");
    }
    end = cp + strcspn(cp, " \t]>;");
    while (end > cp && end[-1] == '.')
	end--;
    *len = (size_t) (end - cp);
    return (*len ? cp : 0);
}

/* reason_provider_row - a provider's own meaning of its reply */

const char *reason_provider_row(const char *recipient, const char *remote_mta,
				        const char *text)
{
    size_t  rlen = 0, mlen = 0;
    const char *rdom = host_part(recipient, 1, &rlen);
    const char *mhost = host_part(remote_mta, 0, &mlen);

    if (rdom == 0 && mhost == 0)
	return (0);
    for (size_t i = 0; i < sizeof(reason_providers) / sizeof(reason_providers[0]); i++) {
	const REASON_PROVIDER *p = reason_providers + i;

	if (!(rdom && under_domain(rdom, rlen, p->domain))
	    && !(mhost && under_domain(mhost, mlen, p->domain)))
	    continue;
	if (strstr(text, p->phrase) != 0)
	    return (p->reason);
    }
    return (0);
}
