/*++
 * NAME
 *	report_trcpt 3
 * SUMMARY
 *	does a line of a bounce's text name a failed recipient?
 * SYNOPSIS
 *	#include "report_tline.h"
 *
 *	bool	report_trcpt_line(REPORT_CTX *ctx, TLINE *l)
 *
 *	bool	report_trcpt_list(REPORT_CTX *ctx, TLINE *l)
 *
 *	bool	report_trcpt_addr_ok(REPORT_CTX *ctx, const char *a,
 *				size_t alen, bool strong)
 * DESCRIPTION
 *	The recipient finder of the text reader (report_text.c).
 *	report_trcpt_line() says whether a line (already lower-cased and
 *	compared with the phrase tables by report_tline_cut()) names a
 *	failed recipient: it starts with an address ("  user@example.com",
 *	"<user@example.com>: host ... said: ...", "user@example.com...
 *	User unknown", after a bullet or a reply code), or a label that is
 *	not a sender's header precedes one ("Some label: <addr>"), or an
 *	address follows a phrase such as "could not be delivered to"
 *	(report_pat_rcpt_phrase; the leftmost one found).  It fills in the
 *	line's aoff, alen, rest and lablen.  report_trcpt_list() is the
 *	same in a mailing-list manager's notice, where the recipient is the
 *	list named in angle brackets.
 *
 *	report_trcpt_addr_ok() says whether an address may be a
 *	recipient: addresses that are the bounce's own From: or To:, or
 *	the original's sender, are not, unless the line starts with the
 *	address (strong); MAILER-DAEMON never is.
 *
 *	Each looks at a line a bounded number of times.
 * MEMORY
 *	Nothing is allocated.
 *--*/

#include "config.h"

#include <ctype.h>
#include <string.h>

#include "report_tline.h"
#include "report_pat.h"

/*
 * report_trcpt_addr_ok - an address that may be a recipient.  A line that starts
 * with an address (strong) may name the bounce's own To: or the
 * original's sender (people do write to themselves); one that merely
 * mentions an address may not.
 */

bool    report_trcpt_addr_ok(REPORT_CTX *ctx, const char *a, size_t alen, bool strong)
{
    char    addr[ADDR_ADDRESS_MAX + 1];

    if (!report_addr_copy(addr, sizeof(addr), a, alen))
	return (false);
    if (strong)
	return (strncmp(addr, "mailer-daemon@", 14) != 0);
    return (!report_rcpt_ignored(ctx, addr));
}

/*
 * rcpt_shape - "<addr>", "addr:" or "addr..." alone or before the reason:
 * the way MTAs list a failed recipient (not "addr さま" greeting its sender).
 */

static bool rcpt_shape(const char *line, size_t len, size_t e)
{
    if (e < len && line[e] == '>')
	e++;
    while (e < len && (line[e] == ' ' || line[e] == '\t'))
	e++;
    return (e >= len || line[e] == ':' || line[e] == '.' || line[e] == ',' || line[e] == ';'
	    || line[e] == '(');
}

/* sender_label - a header or label that names a sender, not a recipient */

static bool sender_label(const char *label, size_t len)
{
#define NAME(s)	{s, sizeof(s) - 1}
    static const struct {
	const char *name;
	size_t  len;
    } names[] = {
	NAME("from"), NAME("to"), NAME("cc"), NAME("bcc"), NAME("reply-to"), NAME("sender"),
	NAME("return-path"), NAME("envelope-from"), NAME("delivered-to"), NAME("x-sender"),
	NAME("mail from"), NAME("errors-to"), NAME("resent-from"), NAME("x-postfix-sender"),
	NAME("original-mail-from"), NAME("x-original-from"), NAME("author"),
	NAME("message-id"), NAME("in-reply-to"), NAME("references"),
	NAME("x-apparently-from"), NAME("smtp.mailfrom"), NAME("envelope-sender"),
    };
#undef NAME

    while (len > 0 && label[len - 1] == ' ')
	len--;
    for (size_t k = 0; k < sizeof(names) / sizeof(names[0]); k++)
	if (names[k].len == len && memcmp(label, names[k].name, len) == 0)
	    return (true);
    return (false);
}

/* report_trcpt_line - does a line name a recipient?  Fill aoff, alen, rest. */

bool    report_trcpt_line(REPORT_CTX *ctx, TLINE *l)
{
    const char *lower = l->lower;
    size_t  i = 0, e, alen, best = (size_t) -1, bestlen = 0;
    const char *a;
    size_t  llen = l->llen;		/* the part of the line looked at */

    /* each way below takes an address from the line: none without an "@" */
    if (llen == 0 || memchr(l->s, '@', llen) == NULL)
	return (false);
    /* an address at the start of the line, after a bullet or a reply code */
    while (i < llen && (lower[i] == ' ' || lower[i] == '\t'))
	i++;
    if (i + 1 < llen && strchr("*-+", lower[i]) && (lower[i + 1] == ' ' || lower[i + 1] == lower[i])) {
	while (i < llen && strchr("*-+", lower[i]))
	    i++;
	while (i < llen && lower[i] == ' ')
	    i++;
    } else if (i + 4 < llen && lower[i] >= '2' && lower[i] <= '5' && isdigit((unsigned char) lower[i + 1])
	       && isdigit((unsigned char) lower[i + 2]) && lower[i + 3] == ' ' && lower[i + 4] == '<') {
	i += 4;				/* sendmail: 550 <addr>... reason */
    } else if (i + 2 < llen && (unsigned char) lower[i] == 0xE2 && (unsigned char) lower[i + 1] == 0x80
	       && (unsigned char) lower[i + 2] == 0xA2) {
	i += 3;				/* a bullet: U+2022 */
	while (i < llen && lower[i] == ' ')
	    i++;
    }
    if (i < llen && (lower[i] == '<' || lower[i] == '"' || lower[i] == '\''))
	i++;
    if ((a = report_addr_find(l->s + i, llen - i, &alen)) == l->s + i) {
	e = i + alen;

	if (e >= llen || strchr(">\"': .,;)(\t", l->s[e])) {
	    /* "addr <addr2>": the second is the address, the first a name */
	    size_t  k = e;
	    const char *a2;
	    size_t  alen2;

	    while (k < llen && (lower[k] == ' ' || lower[k] == '"'))
		k++;
	    if (k < llen && lower[k] == '<'
		&& (a2 = report_addr_find(l->s + k + 1, llen - k - 1, &alen2)) == l->s + k + 1) {
		a = a2;
		alen = alen2;
		i = k + 1;
		e = i + alen;
	    }
	    if (report_trcpt_addr_ok(ctx, a, alen, rcpt_shape(l->s, llen, e))) {
		l->aoff = i;
		l->alen = alen;
		l->rest = e;
		return (true);
	    }
	}
    }
    /* "Some label: <addr>", a label that is not a sender's header */
    {
	const char *colon = memchr(lower, ':', llen < 48 ? llen : 48);
	size_t  c, words = 1;

	if (colon != NULL && colon > lower + i && memchr(lower, '@', (size_t) (colon - lower)) == NULL) {
	    c = (size_t) (colon - lower);
	    for (size_t k = i; k < c; k++)
		if (lower[k] == ' ' && lower[k + 1] != ' ' && lower[k + 1] != ':')
		    words++;
	    for (e = c + 1; e < llen && (lower[e] == ' ' || lower[e] == '<' || lower[e] == '"'); e++)
		 /* void */ ;
	    if (words <= 5 && e < llen && !sender_label(lower + i, c - i)
		&& (a = report_addr_find(l->s + e, llen - e, &alen)) == l->s + e
		&& report_trcpt_addr_ok(ctx, a, alen, false)) {
		l->aoff = e;
		l->alen = alen;
		l->rest = e + alen;
		l->lablen = c;
		return (true);
	    }
	}
    }
    /* an address after a phrase that introduces one */
    if (l->pats & (1u << REPORT_PAT_L_RCPT)) {
	best = l->rcpt_at;
	bestlen = strlen(report_pat_rcpt_phrase[l->rcpt_k]);
    }
    if (best != (size_t) -1) {
	size_t  from = best + bestlen;

	if ((a = report_addr_find(l->s + from, llen - from, &alen)) != NULL
	    && (size_t) (a - (l->s + from)) <= 8 && report_trcpt_addr_ok(ctx, a, alen, false)) {
	    l->aoff = (size_t) (a - l->s);
	    l->alen = alen;
	    l->rest = 0;			/* the whole line says why */
	    return (true);
	}
    }
    return (false);
}

/*
 * report_trcpt_list - in a mailing-list manager's notice, the list is the
 * address in angle brackets ("... mailing list <list@example.org>."); an
 * address alone on a line there is one to write to, not a recipient.
 */
bool    report_trcpt_list(REPORT_CTX *ctx, TLINE *l)
{
    size_t  len = l->len < REPORT_LINE_MAX ? l->len : REPORT_LINE_MAX;
    const char *lt = memchr(l->s, '<', len), *a;
    size_t  alen;

    if (lt == NULL || (a = report_addr_find(lt + 1, len - (size_t) (lt + 1 - l->s), &alen)) != lt + 1
	|| (size_t) (a + alen - l->s) >= len || a[alen] != '>' || !report_trcpt_addr_ok(ctx, a, alen, false))
	return (false);
    l->aoff = (size_t) (a - l->s);
    l->alen = alen;
    l->rest = 0;			/* the whole line says why */
    return (true);
}
