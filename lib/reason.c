/*++
 * NAME
 *	reason 3
 * SUMMARY
 *	why a delivery failed: Sisimai's reason names, hard or soft
 * SYNOPSIS
 *	#include "reason.h"
 *
 *	const char *reason_classify(const REASON_INPUT *in)
 *	bool	reason_is_hard(const char *reason, const char *status,
 *				int reply_code)
 * DESCRIPTION
 *	reason_classify() names why one recipient's delivery failed, with
 *	the reason names of Sisimai (userunknown, mailboxfull, blocked,
 *	...), from what the report said about that recipient: its DSN
 *	action, its RFC 3463 status, its SMTP reply code and the MTA's
 *	diagnostic text.  What it knows is data (reason_table.c); this file
 *	is the engine, in this order:
 *
 *	1. The report's kind and action: a complaint is "feedback", an
 *	   auto-reply "vacation", a delivered or relayed (or expanded)
 *	   recipient "delivered"; so is a 2.x.x status without a failed or
 *	   delayed action.
 *
 *	2. The text, normalised once (lower-case ASCII and Cyrillic, one
 *	   space for any run of white space, typographic quotes as ASCII),
 *	   is looked at for a provider's documented numbered code
 *	   (reason_codes: Spectrum's "AUP#In-1310"), which names the reason
 *	   outright; else it is matched against the phrase table in its order; the first
 *	   firm phrase found is the text's reason, else the first weak one.
 *
 *	3. The status: the one given, or, when none or only a generic
 *	   x.0.0 is given, the status the text quotes: the first after an
 *	   SMTP reply code ("550 5.1.1 ...", the server's own), else the
 *	   first at all ("(#5.2.2)").  Its table row is the status's reason.  And
 *	   the SMTP stage: the command the caller names, or the one the
 *	   text names ("in reply to RCPT TO command", "after end of data").
 *
 *	4. Who wins:
 *	   - a status that says the mailbox exists (x.2.x) wins over a
 *	     text naming a hard reason, unless that text is a firm "user
 *	     unknown" answered to RCPT TO;
 *	   - a firm phrase wins over the status;
 *	   - with no firm phrase, a refusal at the connection or HELO is
 *	     "blocked", at MAIL FROM "rejected" (nothing was said about the
 *	     recipient yet);
 *	   - a decisive status (5.1.1, 5.2.2, 5.7.x, ...) wins over a weak
 *	     phrase (one MTAs also use for other things: "mailbox
 *	     unavailable", "recipient address rejected", "access denied");
 *	   - then the weak phrase (a reply prefix such as "recipient
 *	     address rejected" only when the reply says no more after it);
 *	     then "expired" for a delayed recipient;
 *	     then a status hint; then the reply code's row; then "onhold"
 *	     when there was a text we did not understand, "undefined" when
 *	     there was nothing to go on.
 *	   Thus a policy or reputation block (5.7.x) becomes a hard reason
 *	   only when its text plainly says that the user does not exist.
 *
 *	5. A "user unknown" text is hard only when corroborated: by an x.1.x
 *	   status (or x.5.x, not to DATA), or by the reply having answered
 *	   RCPT TO.  Said to DATA without x.1.x (the recipient had been
 *	   accepted) or with nothing to show which command it answered, it
 *	   is "filtered": gateways and mobile carriers word content refusals
 *	   that way.
 *
 *	6. A delayed recipient never gets a hard reason: the MTA is still
 *	   trying, so "user unknown" then is a temporary lookup failure
 *	   ("expired" instead).
 *
 *	The text is read up to REASON_NORM_MAX bytes; any bytes (not UTF-8,
 *	NUL-free) are safe.  Nothing is allocated; the result is static.
 *
 *	reason_is_hard() says whether a reason is a hard bounce, i.e.
 *	evidence that the address does not work: userunknown, hostunknown,
 *	hasmoved, and notaccept when its status or reply code is permanent
 *	(5.x.x, 5xx; a null MX).  Everything else (full, blocked, policy,
 *	spam, expired, ...) is soft: it says nothing about the address.
 * DIAGNOSTICS
 *	None: a NULL or empty input gives "undefined".
 *--*/

#include "config.h"

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "reason.h"
#include "reason_int.h"

#define REASON_NORM_MAX	2048		/* normalised text, with its NUL */

typedef struct {
    int     cls;			/* 0: none */
    int     subject;
    int     detail;
} STATUS3;

/* norm_text - lower-case, fold white space and quotes; returns the length */

static size_t norm_text(const char *in, char *out, size_t outlen)
{
    const unsigned char *cp = (const unsigned char *) in;
    size_t  n = 0;
    bool    space = true;		/* drop leading white space */

    while (*cp && n + 3 < outlen) {
	unsigned char c = *cp;

	if (c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\v' || c == '\f') {
	    if (!space)
		out[n++] = ' ';
	    space = true;
	    cp++;
	    continue;
	}
	space = false;
	if (c >= 'A' && c <= 'Z') {
	    out[n++] = (char) (c + ('a' - 'A'));
	    cp++;
	} else if (c == 0xD0 && cp[1] >= 0x90 && cp[1] <= 0x9F) {
	    /* U+0410..U+041F -> U+0430..U+043F */
	    out[n++] = (char) 0xD0;
	    out[n++] = (char) (cp[1] + 0x20);
	    cp += 2;
	} else if (c == 0xD0 && cp[1] >= 0xA0 && cp[1] <= 0xAF) {
	    /* U+0420..U+042F -> U+0440..U+044F */
	    out[n++] = (char) 0xD1;
	    out[n++] = (char) (cp[1] - 0x20);
	    cp += 2;
	} else if (c == 0xD0 && cp[1] == 0x81) {
	    /* Ё -> ё */
	    out[n++] = (char) 0xD1;
	    out[n++] = (char) 0x91;
	    cp += 2;
	} else if (c == 0xE2 && cp[1] == 0x80 && (cp[2] == 0x98 || cp[2] == 0x99)) {
	    out[n++] = '\'';
	    cp += 3;
	} else if (c == 0xE2 && cp[1] == 0x80 && (cp[2] == 0x9C || cp[2] == 0x9D)) {
	    out[n++] = '"';
	    cp += 3;
	} else {
	    out[n++] = (char) c;
	    cp++;
	}
    }
    while (n > 0 && out[n - 1] == ' ')
	n--;
    out[n] = 0;
    return (n);
}

/* find_in - the first of needle in text[from, limit), or -1 */

static long find_in(const char *text, size_t from, size_t limit,
		            const char *needle, size_t nlen)
{
    if (nlen == 0)
	return ((long) from);
    for (size_t i = from; i + nlen <= limit; i++) {
	const char *hit = memchr(text + i, needle[0], limit - nlen + 1 - i);

	if (hit == 0)
	    return (-1);
	i = (size_t) (hit - text);
	if (memcmp(hit, needle, nlen) == 0)
	    return ((long) i);
    }
    return (-1);
}

/* match_rest - the pieces of pat from here on, each within a gap */

static bool match_rest(const char *text, size_t tlen, size_t from, const char *pat)
{
    const char *star = strchr(pat, '*');
    size_t  plen = star ? (size_t) (star - pat) : strlen(pat);
    size_t  limit = from + REASON_GAP_MAX + plen;
    long    at;

    if (limit > tlen)
	limit = tlen;
    for (size_t start = from;; start = (size_t) at + 1) {
	if ((at = find_in(text, start, limit, pat, plen)) < 0)
	    return (false);
	if (star == 0 || match_rest(text, tlen, (size_t) at + plen, star + 1))
	    return (true);
    }
}

/*
 * A sieve of the text's trigrams (hashed into TRI_BITS bits): a phrase
 * one of whose trigrams the text lacks cannot match, and most phrases are
 * ruled out with a few bit tests instead of a search.
 */
#define TRI_BITS	8192
#define TRI_HASH(a, b, c) \
    ((((unsigned) (unsigned char) (a) * 961u) + ((unsigned) (unsigned char) (b) * 31u) \
      + (unsigned) (unsigned char) (c)) % TRI_BITS)

typedef struct {
    unsigned long long bits[TRI_BITS / 64];
} TRI_SIEVE;

/* tri_fill - the trigrams of the text */

static void tri_fill(TRI_SIEVE *sv, const char *text, size_t tlen)
{
    memset(sv, 0, sizeof(*sv));
    for (size_t i = 0; i + 2 < tlen; i++) {
	unsigned h = TRI_HASH(text[i], text[i + 1], text[i + 2]);

	sv->bits[h / 64] |= 1ULL << (h % 64);
    }
}

/* tri_maybe - can the text contain every piece of the pattern */

static bool tri_maybe(const TRI_SIEVE *sv, const char *pat)
{
    if (*pat == '^')
	pat++;
    for (; pat[0] && pat[1] && pat[2]; pat++) {
	unsigned h;

	if (pat[0] == '*' || pat[1] == '*' || pat[2] == '*')
	    continue;
	h = TRI_HASH(pat[0], pat[1], pat[2]);
	if ((sv->bits[h / 64] & (1ULL << (h % 64))) == 0)
	    return (false);
    }
    return (true);
}

/*
 * The trigrams of each pattern of the tables, hashed once (pthread_once:
 * the milter classifies in many threads) instead of at each test.  When
 * memory runs out then, tri_maybe() hashes as it tests; same answers.
 */
typedef struct {
    uint32_t off;			/* into tri_pool */
    uint32_t n;
} TRI_LIST;

static pthread_once_t tri_once = PTHREAD_ONCE_INIT;
static uint16_t *tri_pool;
static TRI_LIST *tri_phrase, *tri_code, *tri_stage;

/* tri_hashes - the trigram hashes tri_maybe() tests; their count */

static size_t tri_hashes(const char *pat, uint16_t *out)
{
    size_t  n = 0;

    if (*pat == '^')
	pat++;
    for (; pat[0] && pat[1] && pat[2]; pat++) {
	if (pat[0] == '*' || pat[1] == '*' || pat[2] == '*')
	    continue;
	if (out)
	    out[n] = (uint16_t) TRI_HASH(pat[0], pat[1], pat[2]);
	n++;
    }
    return (n);
}

/* tri_table - the lists of one table's patterns (at stride bytes) */

static void tri_table(const char *base, size_t stride, size_t count, TRI_LIST *lists,
		              size_t *used)
{
    for (size_t i = 0; i < count; i++) {
	const char *pat = *(const char *const *) (base + i * stride);

	lists[i].off = (uint32_t) *used;
	lists[i].n = (uint32_t) tri_hashes(pat, tri_pool + *used);
	*used += lists[i].n;
    }
}

/* tri_init - hash the tables' trigrams, once */

static void tri_init(void)
{
    size_t  total = 0, used = 0;

#define TRI_ROWS(tab, count, field) (const char *) &(tab)[0].field, sizeof((tab)[0]), (count)
    for (size_t i = 0; i < reason_phrase_count; i++)
	total += tri_hashes(reason_phrases[i].phrase, NULL);
    for (size_t i = 0; i < reason_code_count; i++)
	total += tri_hashes(reason_codes[i].marker, NULL);
    for (size_t i = 0; i < reason_stage_count; i++)
	total += tri_hashes(reason_stages[i].phrase, NULL);
    if (total > UINT32_MAX
	|| (tri_pool = malloc((total + 1) * sizeof(*tri_pool))) == NULL
	|| (tri_phrase = malloc((reason_phrase_count + 1) * sizeof(*tri_phrase))) == NULL
	|| (tri_code = malloc((reason_code_count + 1) * sizeof(*tri_code))) == NULL
	|| (tri_stage = malloc((reason_stage_count + 1) * sizeof(*tri_stage))) == NULL) {
	free(tri_pool);
	free(tri_phrase);
	free(tri_code);
	tri_pool = NULL;
	tri_phrase = tri_code = tri_stage = NULL;
	return;
    }
    tri_table(TRI_ROWS(reason_phrases, reason_phrase_count, phrase), tri_phrase, &used);
    tri_table(TRI_ROWS(reason_codes, reason_code_count, marker), tri_code, &used);
    tri_table(TRI_ROWS(reason_stages, reason_stage_count, phrase), tri_stage, &used);
}

/* tri_listed - tri_maybe() with the pattern's trigrams hashed already */

static bool tri_listed(const TRI_SIEVE *sv, const TRI_LIST *list, size_t i, const char *pat)
{
    const uint16_t *h;

    if (list == NULL)
	return (tri_maybe(sv, pat));
    h = tri_pool + list[i].off;
    for (uint32_t k = 0; k < list[i].n; k++)
	if ((sv->bits[h[k] / 64] & (1ULL << (h[k] % 64))) == 0)
	    return (false);
    return (true);
}

/* phrase_match - does the normalised text contain the phrase pattern */

static bool phrase_match(const char *text, size_t tlen, const char *pat)
{
    bool    anchored = (pat[0] == '^');
    const char *star;
    size_t  plen;
    long    at;

    if (anchored)
	pat++;
    star = strchr(pat, '*');
    if (star == 0 && !anchored)
	return (strstr(text, pat) != 0);
    plen = star ? (size_t) (star - pat) : strlen(pat);
    for (size_t start = 0;; start = (size_t) at + 1) {
	if ((at = find_in(text, start, anchored ? plen : tlen, pat, plen)) < 0)
	    return (false);
	if (star == 0 || match_rest(text, tlen, (size_t) at + plen, star + 1))
	    return (true);
	if (anchored)
	    return (false);
    }
}

/* num_at - up to 3 digits at *cp; -1 when none */

static int num_at(const char **cpp)
{
    const char *cp = *cpp;
    int     n = 0, digits = 0;

    while (*cp >= '0' && *cp <= '9' && digits < 4) {
	n = n * 10 + (*cp++ - '0');
	digits++;
    }
    if (digits == 0 || digits > 3)
	return (-1);
    *cpp = cp;
    return (n);
}

/* status_at - an RFC 3463 code at cp, followed by no digit or ".digit" */

static bool status_at(const char *cp, STATUS3 *st)
{
    int     c, s, d;

    if (*cp != '2' && *cp != '4' && *cp != '5')
	return (false);
    c = *cp++ - '0';
    if (*cp++ != '.' || (s = num_at(&cp)) < 0 || *cp++ != '.' || (d = num_at(&cp)) < 0)
	return (false);
    if (*cp == '.' && cp[1] >= '0' && cp[1] <= '9')
	return (false);				/* an IP address, a version */
    st->cls = c;
    st->subject = s;
    st->detail = d;
    return (true);
}

/* after_reply - is cp right after an SMTP reply code ("550 ", "550-'") */

static bool after_reply(const char *text, const char *cp)
{
    if (cp - text >= 1 && (cp[-1] == '\'' || cp[-1] == '"'))
	cp--;
    if (cp - text < 4 || (cp[-1] != ' ' && cp[-1] != '-'))
	return (false);
    cp -= 4;
    if (cp[0] < '2' || cp[0] > '5' || cp[1] < '0' || cp[1] > '9' || cp[2] < '0' || cp[2] > '9')
	return (false);
    return (cp == text || cp[-1] == ' ' || cp[-1] == '\'' || cp[-1] == '"' || cp[-1] == '(');
}

/*
 * status_in_text - the status code the text quotes: the first that
 * follows an SMTP reply code ("550 5.7.1", "550-'5.7.1"), which is the
 * remote server's own, else the first at all (a relay's summary such as
 * "5.1.0 - Unknown address error 550-'5.7.1 ...' " comes first but is
 * not what the server said).
 */
static bool status_in_text(const char *text, STATUS3 *st)
{
    STATUS3 first = {0, 0, 0};

    for (const char *cp = text; *cp; cp++) {
	if (*cp != '2' && *cp != '4' && *cp != '5')
	    continue;
	if (cp > text) {
	    unsigned char p = (unsigned char) cp[-1];

	    if ((p >= '0' && p <= '9') || (p >= 'a' && p <= 'z') || p == '.' || p == '_'
		|| p == '/' || p == '=' || p == ':')
		continue;
	    if (p == '-' && !(cp - text >= 4 && cp[-2] >= '0' && cp[-2] <= '9'))
		continue;			/* only "550-5.1.1" */
	}
	if (status_at(cp, st)) {
	    if (after_reply(text, cp))
		return (true);
	    if (first.cls == 0)
		first = *st;
	}
    }
    *st = first;
    return (first.cls != 0);
}

/* reply_in_text - an SMTP reply code the text quotes, or 0 */

static int reply_in_text(const char *text)
{
    for (const char *cp = text; *cp; cp++) {
	if ((*cp != '4' && *cp != '5') || cp[1] < '0' || cp[1] > '9'
	    || cp[2] < '0' || cp[2] > '9' || (cp[3] != ' ' && cp[3] != '-'))
	    continue;
	if (cp > text && cp[-1] != ' ' && cp[-1] != '\'' && cp[-1] != '"'
	    && cp[-1] != '(' && cp[-1] != '<' && cp[-1] != '#')
	    continue;
	return ((cp[0] - '0') * 100 + (cp[1] - '0') * 10 + (cp[2] - '0'));
    }
    return (0);
}

/* status_row - the table's row for a status, or NULL */

static const REASON_STATUS *status_row(const STATUS3 *st)
{
    if (st->cls == 0)
	return (0);
    for (size_t i = 0; i < reason_status_count; i++) {
	const REASON_STATUS *r = reason_statuses + i;

	if ((r->cls == 0 || r->cls == st->cls) && r->subject == st->subject
	    && (r->detail < 0 || r->detail == st->detail
		|| (st->detail >= r->detail && st->detail <= r->detail_last)))
	    return (r);
    }
    return (0);
}

/* status_prefix - is the status "5.4.1" (exact) or under "5.7." (prefix) */

static bool status_prefix(const STATUS3 *st, const char *prefix)
{
    char    buf[16];
    size_t  n = strlen(prefix);

    if (st->cls == 0)
	return (false);
    snprintf(buf, sizeof(buf), "%d.%d.%d", st->cls, st->subject, st->detail);
    if (n > 0 && prefix[n - 1] == '.')
	return (strncmp(buf, prefix, n) == 0);
    return (strcmp(buf, prefix) == 0);
}

/*
 * says_no_more - after a prefix phrase ("recipient address rejected"),
 * does the reply end, or go on only with punctuation, a bracketed tag
 * or an "(in reply to ...)" note?  A ":" or "-" and words after it are
 * the server's own reason, which the prefix must not stand for.
 */
static bool says_no_more(const char *text, const char *pat)
{
    const char *hit = strstr(text, pat), *cp;

    if (hit == 0)
	return (false);
    for (cp = hit + strlen(pat); *cp == ' ' || *cp == '.' || *cp == ';' || *cp == ','; cp++)
	 /* void */ ;
    if (*cp == ':' || *cp == '-') {
	for (cp++; *cp == ' '; cp++)
	     /* void */ ;
	return (*cp == 0 || *cp == '[' || *cp == '(');
    }
    return (true);
}

/* phrase_row - the first firm phrase the text matches, else the first weak */

static const REASON_PHRASE *phrase_row(const char *text, size_t tlen, const STATUS3 *st,
				               const TRI_SIEVE *sv)
{
    const REASON_PHRASE *weak = 0;

    if (tlen == 0)
	return (0);
    for (size_t i = 0; i < reason_phrase_count; i++) {
	const REASON_PHRASE *p = reason_phrases + i;

	bool    is_weak = p->strength == REASON_WEAK || p->strength == REASON_PREFIX;

	if (weak && is_weak)
	    continue;
	if (p->status && !status_prefix(st, p->status))
	    continue;
	if (tri_listed(sv, tri_phrase, i, p->phrase) && phrase_match(text, tlen, p->phrase)) {
	    if (!is_weak)
		return (p);
	    if (p->strength == REASON_PREFIX && !says_no_more(text, p->phrase))
		continue;
	    weak = p;
	}
    }
    return (weak);
}

/*
 * code_row - the reason of a provider's documented numbered code in the
 * text ("aup#in-1310"), or NULL.  Each marker is looked for once.
 */
static const char *code_row(const char *text, const TRI_SIEVE *sv)
{
    const char *prev = 0, *hit = 0;

    for (size_t i = 0; i < reason_code_count; i++) {
	const REASON_CODE *c = reason_codes + i;
	const char *cp;
	int     n = 0, digits = 0;

	if (prev == 0 || strcmp(prev, c->marker) != 0) {
	    prev = c->marker;
	    hit = tri_listed(sv, tri_code, i, c->marker) ? strstr(text, c->marker) : 0;
	}
	if (hit == 0)
	    continue;
	for (cp = hit + strlen(c->marker); (*cp >= 'a' && *cp <= 'z') || *cp == '-'; cp++)
	     /* void */ ;
	for (; *cp >= '0' && *cp <= '9' && digits < 6; cp++, digits++)
	    n = n * 10 + (*cp - '0');
	if (digits > 0 && n >= c->low && n <= c->high)
	    return (c->reason);
    }
    return (0);
}

/* reply_row - the table's reason for a reply code, or NULL */

static const char *reply_row(int code)
{
    for (size_t i = 0; i < reason_reply_count; i++)
	if (reason_replies[i].code == code)
	    return (reason_replies[i].reason);
    for (size_t i = 0; i < reason_reply_count; i++)
	if (reason_replies[i].code == code / 100 * 100)
	    return (reason_replies[i].reason);
    return (0);
}

/* stage_of - the SMTP stage the caller or the text says the reply answered */

static REASON_STAGE stage_of(const char *command, const char *text, const TRI_SIEVE *sv)
{
    static const struct {
	const char *name;
	REASON_STAGE stage;
    } commands[] = {
	{"CONN", REASON_STAGE_CONN}, {"HELO", REASON_STAGE_HELO},
	{"EHLO", REASON_STAGE_HELO}, {"MAIL", REASON_STAGE_MAIL},
	{"RCPT", REASON_STAGE_RCPT}, {"DATA", REASON_STAGE_DATA},
    };
    REASON_STAGE stage = REASON_STAGE_NONE;
    const char *first = 0, *hit;

    if (command && *command) {
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
	    if (strncasecmp(command, commands[i].name, 4) == 0)
		return (commands[i].stage);
    }

    for (size_t i = 0; i < reason_stage_count; i++) {
	if (tri_listed(sv, tri_stage, i, reason_stages[i].phrase)
	    && (hit = strstr(text, reason_stages[i].phrase)) != 0
	    && (first == 0 || hit < first)) {
	    first = hit;
	    stage = reason_stages[i].stage;
	}
    }
    return (stage);
}

/*
 * corroborated - a "user unknown" text is a hard verdict only when the
 * status says so too (x.1.x; or x.5.x, a refused command, unless that was
 * DATA) or the reply answered RCPT TO; said to DATA, or with no sign of
 * the command, it is a filter's answer ("filtered"), as gateways and
 * carriers word their content refusals that way.  A sure phrase is the
 * reporting system's own directory verdict and needs no corroboration.
 */
static const char *corroborated(const REASON_PHRASE *ph, REASON_STAGE stage,
				         const STATUS3 *st)
{
    const char *reason = ph->reason;

    if (strcmp(reason, "userunknown") != 0 || ph->strength == REASON_SURE)
	return (reason);
    if (stage == REASON_STAGE_RCPT || (st->cls && st->subject == 1))
	return (reason);
    if (stage != REASON_STAGE_DATA && st->cls && st->subject == 5)
	return (reason);
    return ("filtered");
}

/* classify - steps 2 to 5 of the description */

static const char *classify(const REASON_INPUT *in, const char *text, size_t tlen)
{
    STATUS3 st = {0, 0, 0};
    const REASON_PHRASE *ph;
    const REASON_STATUS *sr;
    REASON_STAGE stage;
    const char *r;
    int     reply = in->reply_code;
    bool    firm;
    TRI_SIEVE sv;

    if (in->status == 0 || !status_at(in->status, &st) || (st.subject == 0 && st.detail == 0)) {
	STATUS3 quoted;

	if (status_in_text(text, &quoted) && (quoted.subject != 0 || quoted.detail != 0))
	    st = quoted;
    }
    if (st.cls == 2 && in->action != REPORT_ACTION_FAILED
	&& in->action != REPORT_ACTION_DELAYED)
	return ("delivered");
    pthread_once(&tri_once, tri_init);
    tri_fill(&sv, text, tlen);
    if ((r = code_row(text, &sv)) != 0)
	return (r);
    ph = phrase_row(text, tlen, &st, &sv);
    sr = status_row(&st);
    stage = stage_of(in->command, text, &sv);
    firm = (ph && ph->strength != REASON_WEAK && ph->strength != REASON_PREFIX);

    /*
     * x.2.x: the mailbox exists, whatever the text says about the user;
     * unless the text is a plain "user unknown" to RCPT TO, where the
     * status was ill chosen.
     */
    if (sr && sr->strength == REASON_EXISTS && ph && reason_is_hard(ph->reason, "5", 0)
	&& !(firm && stage == REASON_STAGE_RCPT))
	return (sr->reason);
    if (firm)
	return (corroborated(ph, stage, &st));
    /* refused before any recipient was named: the host or the sender */
    if (stage == REASON_STAGE_CONN || stage == REASON_STAGE_HELO)
	return ("blocked");
    if (stage == REASON_STAGE_MAIL)
	return ("rejected");
    if (sr && sr->strength == REASON_DECISIVE)
	return (sr->reason);
    if (ph)
	return (corroborated(ph, stage, &st));
    if (in->action == REPORT_ACTION_DELAYED)
	return ("expired");
    if (sr)
	return (sr->reason);
    if (reply < 200 || reply > 599)
	reply = reply_in_text(text);
    if (reply && (r = reply_row(reply)) != 0)
	return (r);
    return (tlen ? "onhold" : "undefined");
}

/* reason_classify - name the reason of one recipient's report */

const char *reason_classify(const REASON_INPUT *in)
{
    char    text[REASON_NORM_MAX];
    size_t  tlen;
    const char *r;

    if (in == 0)
	return ("undefined");
    if (in->kind == REPORT_COMPLAINT)
	return ("feedback");
    if (in->kind == REPORT_AUTOREPLY)
	return ("vacation");
    if (in->action == REPORT_ACTION_DELIVERED || in->action == REPORT_ACTION_RELAYED
	|| in->action == REPORT_ACTION_EXPANDED)
	return ("delivered");
    tlen = norm_text(in->diagnostic ? in->diagnostic : "", text, sizeof(text));
    r = classify(in, text, tlen);
    if (in->action == REPORT_ACTION_DELAYED && reason_is_hard(r, in->status, in->reply_code))
	r = "expired";
    return (r);
}

/* reason_is_hard - a hard bounce: the address does not work */

bool    reason_is_hard(const char *reason, const char *status, int reply_code)
{
    if (reason == 0)
	return (false);
    if (strcmp(reason, "userunknown") == 0 || strcmp(reason, "hostunknown") == 0
	|| strcmp(reason, "hasmoved") == 0)
	return (true);
    if (strcmp(reason, "notaccept") == 0)
	return ((status && status[0] == '5') || (reply_code >= 500 && reply_code < 600));
    return (false);
}
