/*++
 * NAME
 *	check 3
 * SUMMARY
 *	the first verdict on an address: syntax, suggestions, domain
 * SYNOPSIS
 *	#include "check.h"
 *
 *	CHECK_VERDICT check_address(const CHECKER *checker, const char *input,
 *				size_t len, time_t now, CHECK_RESULT *out)
 *	const char *check_verdict_name(CHECK_VERDICT verdict)
 *	const char *check_verdict_text(CHECK_VERDICT verdict, const char *lang)
 *	const char *check_reason_text(const CHECK_RESULT *result, const char *lang)
 *	int	check_exit_status(CHECK_VERDICT verdict)
 *	CHECK_VERDICT check_worse(CHECK_VERDICT a, CHECK_VERDICT b)
 * DESCRIPTION
 *	The verdict an address gets before any mail is sent: when a
 *	salesperson types it, when a customer base is audited, at RCPT time.
 *	check_address() parses the input (addr_parse), asks for suggestions
 *	(suggest_check) and, when the checker has a DOMVERDICT, the domain's
 *	verdict; then the first row of the table below that matches decides:
 *
 *	syntax fails			invalid	(the addr reason)
 *	domain takes no mail		invalid	(the DNS verdict: nxdomain,
 *					null_mx, no_mail, no_host, ...)
 *	a typo or layout suggestion	risky	possible_typo
 *	DNS cannot tell			unknown	dns_unknown
 *	disposable domain		risky	disposable
 *	implicit MX only		risky	implicit_mx
 *	non-ASCII local part		risky	smtputf8
 *	DNS not asked			unknown	not_checked
 *	otherwise			valid	domain_accepts_mail
 *
 *	"valid" here means "passes every check short of mailing": only mail
 *	traffic (a delivery, a reply, a confirmation) proves the mailbox,
 *	and the evidence store keeps that apart.  A suggestion is reported
 *	in out->suggestion and never applied.  Role local parts (info@),
 *	quoted local parts and free-mail domains are flags, not verdicts.
 *
 *	check_exit_status() maps a verdict to liveaddrctl's exit status:
 *	valid 0, invalid 1, unknown 2, risky 3.  check_worse() orders
 *	verdicts for a list: invalid, then unknown, then risky, then valid.
 * MEMORY
 *	The result is the caller's; its reason strings are static.
 *--*/

#include "config.h"

#include <string.h>

#include "check.h"

typedef struct {
    const char *name;
    const char *en;
    const char *ru;
} CHECK_TEXT;

static const CHECK_TEXT check_verdicts[CHECK_VERDICT_COUNT] = {
    [CHECK_VALID] = {"valid", "valid", "действителен"},
    [CHECK_INVALID] = {"invalid", "invalid", "недействителен"},
    [CHECK_UNKNOWN] = {"unknown", "unknown", "неизвестно"},
    [CHECK_RISKY] = {"risky", "risky", "сомнителен"},
};

static const CHECK_TEXT check_possible_typo = {"possible_typo",
    "the address looks mistyped", "адрес, похоже, набран с ошибкой"};
static const CHECK_TEXT check_dns_unknown = {"dns_unknown",
    "the domain's DNS gave no answer now; check again later",
"DNS домена сейчас не ответил; проверьте позже"};
static const CHECK_TEXT check_disposable = {"disposable",
    "a throw-away mail service", "одноразовый почтовый сервис"};
static const CHECK_TEXT check_implicit_mx = {"implicit_mx",
    "the domain has no MX record; mail would go to its address record",
"у домена нет MX-записи; почта пойдёт на адрес из его A-записи"};
static const CHECK_TEXT check_smtputf8 = {"smtputf8",
    "the mailbox name is not Latin: every mail server on the way must support SMTPUTF8",
"имя ящика не латиницей: все почтовые серверы на пути должны поддерживать SMTPUTF8"};
static const CHECK_TEXT check_not_checked = {"not_checked",
    "the syntax is right; the domain was not checked",
"синтаксис верен; домен не проверялся"};
static const CHECK_TEXT check_accepts_mail = {"domain_accepts_mail",
    "the syntax is right and the domain takes mail (only mail proves the mailbox itself)",
"синтаксис верен, домен принимает почту (сам ящик подтверждает только почта)"};

/* check_set - the verdict and its reason */

static CHECK_VERDICT check_set(CHECK_RESULT *out, CHECK_VERDICT verdict,
			               const char *name, const char *en,
			               const char *ru)
{
    out->verdict = verdict;
    out->reason = name;
    out->reason_en = en;
    out->reason_ru = ru;
    return (verdict);
}

static CHECK_VERDICT check_set_text(CHECK_RESULT *out, CHECK_VERDICT verdict,
				            const CHECK_TEXT *text)
{
    return (check_set(out, verdict, text->name, text->en, text->ru));
}

CHECK_VERDICT check_address(const CHECKER *checker, const char *input, size_t len,
			            time_t now, CHECK_RESULT *out)
{
    bool    parsed;
    bool    typo;

    memset(out, 0, sizeof(*out));
    parsed = addr_parse(input, len, &out->addr) == ADDR_OK;
    if (checker->suggest)
	suggest_check(checker->suggest, input, len, &out->addr, &out->suggestion);
    if (!parsed)
	return (check_set(out, CHECK_INVALID, addr_reason_name(out->addr.reason),
			  addr_reason_text(out->addr.reason, "en"),
			  addr_reason_text(out->addr.reason, "ru")));
    if (checker->domains) {
	domverdict_get(checker->domains, out->addr.domain, now, &out->dns,
		       &out->dns_source);
	out->dns_checked = true;
	if (dns_verdict_class(out->dns.verdict) == DNS_CLASS_INVALID)
	    return (check_set(out, CHECK_INVALID, dns_verdict_name(out->dns.verdict),
			      dns_verdict_text(out->dns.verdict, "en"),
			      dns_verdict_text(out->dns.verdict, "ru")));
    }
    typo = out->suggestion.flags & (SUGGEST_F_TYPO | SUGGEST_F_LAYOUT);
    if (typo && out->suggestion.rule != SUGGEST_NONE)
	return (check_set_text(out, CHECK_RISKY, &check_possible_typo));
    if (out->dns_checked && dns_verdict_class(out->dns.verdict) == DNS_CLASS_TEMP)
	return (check_set_text(out, CHECK_UNKNOWN, &check_dns_unknown));
    if (out->suggestion.flags & SUGGEST_F_DISPOSABLE)
	return (check_set_text(out, CHECK_RISKY, &check_disposable));
    if (out->dns_checked && dns_verdict_class(out->dns.verdict) == DNS_CLASS_WEAK)
	return (check_set_text(out, CHECK_RISKY, &check_implicit_mx));
    if (out->addr.flags & ADDR_F_UTF8_LOCAL)
	return (check_set_text(out, CHECK_RISKY, &check_smtputf8));
    if (!out->dns_checked)
	return (check_set_text(out, CHECK_UNKNOWN, &check_not_checked));
    return (check_set_text(out, CHECK_VALID, &check_accepts_mail));
}

const char *check_verdict_name(CHECK_VERDICT verdict)
{
    return ((unsigned) verdict < CHECK_VERDICT_COUNT ? check_verdicts[verdict].name : "?");
}

const char *check_verdict_text(CHECK_VERDICT verdict, const char *lang)
{
    if ((unsigned) verdict >= CHECK_VERDICT_COUNT)
	return ("?");
    return (lang && strcmp(lang, "ru") == 0 ? check_verdicts[verdict].ru
	    : check_verdicts[verdict].en);
}

const char *check_reason_text(const CHECK_RESULT *result, const char *lang)
{
    return (lang && strcmp(lang, "ru") == 0 ? result->reason_ru : result->reason_en);
}

int     check_exit_status(CHECK_VERDICT verdict)
{
    static const int status[CHECK_VERDICT_COUNT] = {
	[CHECK_VALID] = 0, [CHECK_INVALID] = 1, [CHECK_UNKNOWN] = 2, [CHECK_RISKY] = 3,
    };

    return ((unsigned) verdict < CHECK_VERDICT_COUNT ? status[verdict] : 2);
}

/* check_worse - the more alarming of two verdicts */

CHECK_VERDICT check_worse(CHECK_VERDICT a, CHECK_VERDICT b)
{
    static const int rank[CHECK_VERDICT_COUNT] = {
	[CHECK_VALID] = 0, [CHECK_RISKY] = 1, [CHECK_UNKNOWN] = 2, [CHECK_INVALID] = 3,
    };

    return (rank[a] >= rank[b] ? a : b);
}
