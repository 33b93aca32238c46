/*++
 * NAME
 *	suggest_load 3
 * SUMMARY
 *	load the lists the suggestion module works from
 * SYNOPSIS
 *	#include "suggest.h"
 *
 *	SUGGEST	*suggest_load(const char *datadir, char *err, size_t errlen)
 *	void	suggest_free(SUGGEST *sg)
 * DESCRIPTION
 *	suggest_load() reads these files in datadir (NULL: the installed
 *	data directory, LIVEADDR_DATADIR).  Each holds one item a line;
 *	"#" starts a comment, blank lines are ignored:
 * .IP typo-domains.txt
 *	known mail providers, most used first.  A domain here is flagged
 *	SUGGEST_F_FREEMAIL, and typos are measured against these.
 * .IP regional-domains.txt
 *	real domains that look like typos of a provider (yandex.by,
 *	mail.com, gmail.ru, mil.ru): flagged SUGGEST_F_REGIONAL and never
 *	"corrected".
 * .IP disposable-domains.txt
 *	throw-away mail services; their subdomains count too.
 * .IP role-locals.txt
 *	local parts of a function rather than a person (info, sales);
 *	"info+crm" counts as "info".
 * .IP typo-map.txt
 *	two words a line: a known misspelling and the provider it stands
 *	for ("gmial.com gmail.com"), or a zone slip and the zone ("\&.ry
 *	\&.ru"), used when the rest of the domain is a provider.
 * .PP
 *	Domains may be written in Unicode; they are stored as A-labels.
 *	A domain listed twice is harmless.  The files can be replaced at
 *	any time: a program picks them up by loading a new SUGGEST and
 *	freeing the old one once no thread uses it.
 * MEMORY
 *	The caller frees the result with suggest_free().  A SUGGEST is
 *	read-only once loaded, so threads may share it.
 * DIAGNOSTICS
 *	suggest_load() returns NULL and writes "file:line: item: problem"
 *	(or "file: problem") into err when a list is missing or has a bad
 *	line, or memory is short.  A bad line fails the whole load, so a
 *	broken update is noticed and the previous lists kept.
 *--*/

#include "config.h"

#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "addr.h"
#include "strmap.h"
#include "suggest.h"
#include "suggest_int.h"

#ifndef LIVEADDR_DATADIR
#define LIVEADDR_DATADIR "/usr/local/share/liveaddr"
#endif

/* sg_add_provider - one line of typo-domains.txt */

static const char *sg_add_provider(SUGGEST *sg, char **w, char *msg, size_t msglen)
{
    int     v;
    ADDR    a;
    SG_PROVIDER *pv;
    SG_PROVIDER *grown;
    char    joined[ADDR_DOMAIN_MAX + 1];
    size_t  jn = 0;
    size_t  first;

    if (addr_parse_domain(w[0], strlen(w[0]), &a) != ADDR_OK)
	return (addr_reason_text(a.reason, "en"));
    v = suggest_domain(sg, a.domain, a.domain_len);
    if (SG_D_PROV(v))
	return (NULL);				/* listed twice: harmless */
    if (sg->nprov >= SG_MAX_PROVIDERS)
	return ("too many providers");
    if ((grown = realloc(sg->prov, (sg->nprov + 1) * sizeof(*grown))) == NULL)
	return ("out of memory");
    sg->prov = grown;
    pv = sg->prov + sg->nprov;
    if ((pv->name = strdup(a.domain)) == NULL)
	return ("out of memory");
    pv->len = a.domain_len;
    pv->zone_at = (size_t) (strrchr(a.domain, '.') - a.domain);
    pv->mask = suggest_mask(a.domain, a.domain_len);
    first = strcspn(a.domain, ".");
    pv->maxdist = first < 4 ? 0 : a.domain_len <= 9 ? 1 : 2;
    if (strmap_set(sg->domains, a.domain, a.domain_len, v | (int) (sg->nprov + 1)) < 0)
	return ("out of memory");
    for (size_t i = 0; i < a.domain_len; i++)
	if (a.domain[i] != '.')
	    joined[jn++] = a.domain[i];
    if (strmap_put(sg->joined, joined, jn, (int) sg->nprov) < 0
	|| strmap_put(sg->joined, a.domain, first, (int) sg->nprov) < 0)
	return ("out of memory");
    if (a.domain_len > sg->maxlen)
	sg->maxlen = a.domain_len;
    sg->nprov++;
    return (NULL);
}

/* sg_add_domain - one line of a plain domain list: set its bit */

static const char *sg_add_domain(SUGGEST *sg, char **w, int bit)
{
    ADDR    a;
    int     v;

    if (addr_parse_domain(w[0], strlen(w[0]), &a) != ADDR_OK)
	return (addr_reason_text(a.reason, "en"));
    v = suggest_domain(sg, a.domain, a.domain_len);
    return (strmap_set(sg->domains, a.domain, a.domain_len, v | bit) < 0
	    ? "out of memory" : NULL);
}

/* sg_add_regional - one line of regional-domains.txt */

static const char *sg_add_regional(SUGGEST *sg, char **w, char *msg, size_t msglen)
{
    return (sg_add_domain(sg, w, SG_D_REGIONAL));
}

/* sg_add_disposable - one line of disposable-domains.txt */

static const char *sg_add_disposable(SUGGEST *sg, char **w, char *msg, size_t msglen)
{
    return (sg_add_domain(sg, w, SG_D_DISPOSABLE));
}

/* sg_add_role - one line of role-locals.txt */

static const char *sg_add_role(SUGGEST *sg, char **w, char *msg, size_t msglen)
{
    char    text[ADDR_LOCAL_MAX + 32];
    ADDR    a;

    if (strlen(w[0]) > ADDR_LOCAL_MAX || strchr(w[0], '@') != NULL)
	return ("not a local part");
    snprintf(text, sizeof(text), "%s@example.com", w[0]);
    if (addr_parse(text, strlen(text), &a) != ADDR_OK)
	return (addr_reason_text(a.reason, "en"));
    return (strmap_put(sg->roles, a.key, a.local_len, 0) < 0 ? "out of memory" : NULL);
}

/* sg_zone_ok - ".ru", ".com": a dot and LDH characters */

static bool sg_zone_ok(const char *z)
{
    if (z[0] != '.' || z[1] == 0 || strlen(z) > 64)
	return (false);
    for (const char *p = z + 1; *p; p++)
	if (!((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '-'))
	    return (false);
    return (true);
}

/* sg_add_typo - one line of typo-map.txt */

static const char *sg_add_typo(SUGGEST *sg, char **w, char *msg, size_t msglen)
{
    ADDR    typo, target;
    char  **grown;
    int     p, v;

    if (w[0][0] == '.') {
	if (!sg_zone_ok(w[0]) || !sg_zone_ok(w[1]))
	    return ("a zone slip is two zones, such as \".ry .ru\" (lower case)");
	if (strmap_get(sg->zones, w[0], strlen(w[0]), NULL))
	    return (NULL);
	if ((grown = realloc(sg->zonefix, (sg->nzonefix + 1) * sizeof(*grown))) == NULL)
	    return ("out of memory");
	sg->zonefix = grown;
	if ((sg->zonefix[sg->nzonefix] = strdup(w[1])) == NULL)
	    return ("out of memory");
	if (strmap_put(sg->zones, w[0], strlen(w[0]), (int) sg->nzonefix++) < 0)
	    return ("out of memory");
	return (NULL);
    }
    if (addr_parse_domain(w[0], strlen(w[0]), &typo) != ADDR_OK)
	return (addr_reason_text(typo.reason, "en"));
    if (addr_parse_domain(w[1], strlen(w[1]), &target) != ADDR_OK)
	return (addr_reason_text(target.reason, "en"));
    if ((p = SG_D_PROV(suggest_domain(sg, target.domain, target.domain_len))) == 0) {
	snprintf(msg, msglen, "%s is not in typo-domains.txt", target.domain);
	return (msg);
    }
    if (suggest_known(sg, typo.domain, typo.domain_len)) {
	snprintf(msg, msglen, "%s is a real domain (a provider or regional)",
		 typo.domain);
	return (msg);
    }
    v = suggest_domain(sg, typo.domain, typo.domain_len);
    return (strmap_set(sg->domains, typo.domain, typo.domain_len, v | (p << 12)) < 0
	    ? "out of memory" : NULL);
}

typedef const char *(*SG_LINE_FN) (SUGGEST *, char **, char *, size_t);

/* The lists, in loading order: the typo map refers to the others. */
static const struct {
    const char *file;
    int     words;
    SG_LINE_FN add;
}       sg_lists[] = {
    {"typo-domains.txt", 1, sg_add_provider},
    {"regional-domains.txt", 1, sg_add_regional},
    {"disposable-domains.txt", 1, sg_add_disposable},
    {"role-locals.txt", 1, sg_add_role},
    {"typo-map.txt", 2, sg_add_typo},
};

/* sg_load_list - read one list file */

static int sg_load_list(SUGGEST *sg, const char *dir, size_t idx,
			        char *err, size_t errlen)
{
    char    path[4096];
    char   *line = NULL;
    size_t  cap = 0;
    ssize_t got;
    int     lineno = 0;
    FILE   *fp;
    int     status = 0;

    snprintf(path, sizeof(path), "%s/%s", dir, sg_lists[idx].file);
    if ((fp = fopen(path, "r")) == NULL) {
	snprintf(err, errlen, "%s: %s", path, strerror(errno));
	return (-1);
    }
    while ((got = getline(&line, &cap, fp)) >= 0) {
	char   *w[3];
	int     nw = 0;
	char   *cp;
	char   *save = NULL;
	char    msg[ADDR_DOMAIN_MAX + 80];
	const char *why;

	lineno++;
	if (memchr(line, 0, (size_t) got) != NULL) {
	    snprintf(err, errlen, "%s:%d: NUL byte in line", path, lineno);
	    status = -1;
	    break;
	}
	if ((cp = strchr(line, '#')) != NULL)
	    *cp = 0;
	cp = line;
	if (lineno == 1 && strncmp(cp, "\xEF\xBB\xBF", 3) == 0)
	    cp += 3;				/* a byte-order mark from an editor */
	for (cp = strtok_r(cp, " \t\r\n", &save); cp != NULL;
	     cp = strtok_r(NULL, " \t\r\n", &save))
	    if (nw < 3)
		w[nw++] = cp;
	    else
		nw = 4;
	if (nw == 0)
	    continue;
	if (nw != sg_lists[idx].words) {
	    snprintf(err, errlen, "%s:%d: expected %d word%s", path, lineno,
		     sg_lists[idx].words, sg_lists[idx].words > 1 ? "s" : "");
	    status = -1;
	    break;
	}
	if ((why = sg_lists[idx].add(sg, w, msg, sizeof(msg))) != NULL) {
	    snprintf(err, errlen, "%s:%d: %s: %s", path, lineno, w[0], why);
	    status = -1;
	    break;
	}
    }
    free(line);
    if (status == 0 && ferror(fp)) {
	snprintf(err, errlen, "%s: read error", path);
	status = -1;
    }
    fclose(fp);
    return (status);
}

/*
 * sg_index - the providers matched by distance, ordered by length, so a
 * domain is compared only with those within two characters of its length.
 */

static int sg_index(SUGGEST *sg)
{
    size_t  n = 0;

    suggest_subst_init(sg);
    if ((sg->order = calloc(sg->nprov + 1, sizeof(*sg->order))) == NULL
	|| (sg->lenpos = calloc(sg->maxlen + 2, sizeof(*sg->lenpos))) == NULL)
	return (-1);
    for (size_t len = 0; len <= sg->maxlen; len++) {
	sg->lenpos[len] = n;
	for (size_t i = 0; i < sg->nprov; i++)
	    if (sg->prov[i].len == len && sg->prov[i].maxdist > 0)
		sg->order[n++] = (int) i;
    }
    sg->lenpos[sg->maxlen + 1] = n;
    return (0);
}

/* suggest_free - destroy the lists */

void    suggest_free(SUGGEST *sg)
{
    if (sg == NULL)
	return;
    for (size_t i = 0; i < sg->nprov; i++)
	free(sg->prov[i].name);
    free(sg->prov);
    free(sg->order);
    free(sg->lenpos);
    for (size_t i = 0; i < sg->nzonefix; i++)
	free(sg->zonefix[i]);
    free(sg->zonefix);
    strmap_free(sg->domains);
    strmap_free(sg->roles);
    strmap_free(sg->zones);
    strmap_free(sg->joined);
    free(sg);
}

/* suggest_load - read every list in datadir */

SUGGEST *suggest_load(const char *datadir, char *err, size_t errlen)
{
    SUGGEST *sg;
    char    dummy[1];

    if (err == NULL || errlen == 0)
	err = dummy, errlen = sizeof(dummy);
    err[0] = 0;
    if (datadir == NULL)
	datadir = LIVEADDR_DATADIR;
    if ((sg = calloc(1, sizeof(*sg))) == NULL
	|| (sg->domains = strmap_new()) == NULL
	|| (sg->roles = strmap_new()) == NULL
	|| (sg->zones = strmap_new()) == NULL
	|| (sg->joined = strmap_new()) == NULL) {
	snprintf(err, errlen, "out of memory");
	suggest_free(sg);
	return (NULL);
    }
    for (size_t i = 0; i < sizeof(sg_lists) / sizeof(sg_lists[0]); i++) {
	if (sg_load_list(sg, datadir, i, err, errlen) < 0) {
	    suggest_free(sg);
	    return (NULL);
	}
    }
    if (sg_index(sg) < 0) {
	snprintf(err, errlen, "out of memory");
	suggest_free(sg);
	return (NULL);
    }
    return (sg);
}
