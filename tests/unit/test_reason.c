/*
 * test_reason - the reason classifier: one row per case, the input as a
 * DSN gives it (action, status, reply code, diagnostic text), the reason
 * and hardness it must get, and why.  Then garbage: NULL, empty, huge,
 * not UTF-8, every byte value; none may crash or call anything hard.
 */
#include "config.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "unit.h"
#include "reason.h"

#define FAILED	REPORT_ACTION_FAILED
#define DELAYED	REPORT_ACTION_DELAYED
#define NONE	REPORT_ACTION_NONE

typedef struct {
    REPORT_ACTION action;
    const char *status;
    int     reply;
    const char *text;
    const char *command;
    const char *reason;			/* expected */
    bool    hard;			/* expected */
    const char *why;
} ROW;

static const ROW rows[] = {
    /* the plain cases */
    {FAILED, "5.1.1", 550, "550 5.1.1 <a@example.org>: Recipient address rejected: "
	"User unknown in local recipient table", 0, "userunknown", true,
	"x.1.1 and the text agree"},
    {FAILED, "5.1.1", 550, "host mx.example.org[192.0.2.1] said: 550 5.1.1 "
	"<a@example.org>... User Unknown (in reply to RCPT TO command)", 0,
	"userunknown", true, "Postfix wording of a remote refusal"},
    {FAILED, "5.1.1", 550, "The email account that you tried to reach does not exist. "
	"Please try double-checking the recipient's email address", 0,
	"userunknown", true, "a big provider's wording"},
    {FAILED, "", 550, "SMTP error from remote mail server after RCPT TO:<a@example.org>: "
	"550 No such user here", 0, "userunknown", true,
	"no status, but the text says RCPT TO and no such user"},
    {FAILED, "5.0.0", 0, "550 5.1.1 <a@example.org>... User unknown", 0,
	"userunknown", true, "a generic status yields to the one the text quotes"},
    {FAILED, "5.1.2", 0, "Host or domain name not found. Name service error for "
	"name=example.invalid type=A: Host not found", 0, "hostunknown", true,
	"the domain does not exist"},
    {FAILED, "5.4.4", 0, "Sorry, I couldn't find any host named example.invalid. (#5.1.2)",
	0, "hostunknown", true, "qmail's wording"},
    {FAILED, "5.1.10", 550, "550 5.1.10 RESOLVER.ADR.RecipientNotFound; Recipient not "
	"found by SMTP address lookup", 0, "userunknown", true,
	"Exchange's 5.1.10 says recipient not found (RFC 7505's null MX code reused)"},
    {FAILED, "5.1.10", 550, "550 5.1.10 Recipient address has null MX", 0,
	"notaccept", true, "a null MX, permanent: hard"},
    {FAILED, "4.0.0", 0, "DNS Error: DNS type 'mx' lookup of example.org responded with "
	"code NOERROR The domain example.org doesn't receive email according to the "
	"administrator: returned Null MX", 0, "notaccept", false,
	"notaccept with a 4.x.x code is soft"},
    {FAILED, "5.1.6", 550, "550 5.1.6 recipient no longer on server: a@example.org", 0,
	"hasmoved", true, "the mailbox moved"},
    {FAILED, "5.2.2", 552, "552 5.2.2 <a@example.org>... Mailbox Full", 0,
	"mailboxfull", false, "full: the address works"},
    {FAILED, "5.0.0", 0, "/var/mail/a: Disk quota exceeded", 0, "mailboxfull", false,
	"a local delivery agent's quota"},
    {FAILED, "5.1.1", 0, "552 sorry, mailbox a@example.org is over quota temporarily "
	"(#5.1.1)", 0, "mailboxfull", false, "the text overrules a 5.1.1 when it names "
	"another cause"},
    {FAILED, "5.3.4", 552, "552 5.3.4 Message too large", 0, "mesgtoobig", false,
	"size words are weak: 5.3.4 says mesgtoobig"},
    {FAILED, "5.2.3", 552, "552 5.2.3 Message size exceeds fixed maximum message size",
	0, "exceedlimit", false, "size words are weak: 5.2.3 says exceedlimit"},
    {FAILED, "5.2.1", 550, "550-5.2.1 The email account that you tried to reach is "
	"disabled.", 0, "suspend", false, "disabled: exists, but not now"},
    {FAILED, "5.0.0", 550, "550 Mailbox is frozen.", 0, "suspend", false,
	"a frozen mailbox"},

    /* 5.7.x: policy and reputation say nothing about the address */
    {FAILED, "5.7.1", 554, "554 5.7.1 <a@example.org>: Relay access denied", 0,
	"norelaying", false, "relaying"},
    {FAILED, "5.7.1", 550, "550 5.7.1 Service unavailable; Client host [192.0.2.1] "
	"blocked using zen.spamhaus.org", 0, "blocked", false, "a DNSBL"},
    {FAILED, "5.7.606", 550, "550 5.7.606 Access denied, banned sending IP [192.0.2.1]",
	0, "blocked", false, "a provider's IP ban"},
    {FAILED, "5.7.1", 550, "550 5.7.1 Recipient address rejected: Access denied", 0,
	"filtered", false, "a refusal of the recipient's address, no sign of RCPT TO: rule 7"},
    {FAILED, "5.7.1", 554, "SMTP error from remote mail server after RCPT TO:<a@example.org>: "
	"554 5.7.1 <a@example.org>: Recipient address rejected: Access denied", 0,
	"userunknown", true, "the same to RCPT TO: the address itself is refused for good"},
    {FAILED, "5.7.1", 553, "553 Invalid recipient a@example.org", 0, "securityerror",
	false, "'invalid recipient' is weak: 5.7.1 wins, no hard verdict"},
    {FAILED, "5.4.1", 550, "550 5.4.1 <a@example.org>: Recipient address rejected: "
	"Access denied (in reply to RCPT TO command)", 0, "userunknown", true,
	"Exchange Online's directory check on 5.4.1 means no such recipient"},
    {FAILED, "5.7.1", 550, "550 5.7.1 <a@example.org>: Recipient address rejected: "
	"User unknown (in reply to RCPT TO command)", 0, "userunknown", true,
	"5.7.1, but the text plainly says the user is unknown, at RCPT"},
    {FAILED, "5.7.26", 550, "550-5.7.26 Unauthenticated email from example.org is not "
	"accepted due to domain's DMARC policy.", 0, "authfailure", false, "DMARC"},
    {FAILED, "5.7.1", 550, "550 5.7.1 This message was not accepted due to domain owner "
	"DMARC policy", 0, "authfailure", false, "DMARC in other words"},
    {FAILED, "5.7.1", 550, "550-5.7.1 Our system has detected that this message is likely "
	"suspicious due to the very low reputation of the sending IP address. To best "
	"protect our users from spam, the message has been blocked.", 0, "badreputation",
	false, "reputation before spam"},
    {FAILED, "5.7.1", 554, "554 5.7.1 Message rejected under suspicion of SPAM", 0,
	"spamdetected", false, "spam"},
    {FAILED, "5.7.1", 550, "550 5.7.1 Reverse DNS lookup for host 192.0.2.1 failed "
	"permanently", 0, "requireptr", false, "no PTR"},
    {FAILED, "5.7.9", 554, "554 5.7.9 Message not accepted for policy reasons", 0,
	"policyviolation", false, "policy"},
    {FAILED, "5.7.0", 550, "550 5.7.0 Local Policy Violation", 0, "policyviolation",
	false, "policy"},
    {FAILED, "5.7.1", 550, "550 5.7.1 Access denied (in reply to MAIL FROM command)", 0,
	"rejected", false, "refused at MAIL FROM: about the sender"},
    {FAILED, "5.0.0", 550, "SMTP error from remote mail server after EHLO example.org: "
	"550 Rejected", 0, "blocked", false, "refused at EHLO: the sending host"},
    {FAILED, "5.1.8", 553, "553 5.1.8 <s@example.org>... Domain of sender address "
	"s@example.org does not exist", 0, "rejected", false,
	"'does not exist' about the sender's domain is not about the recipient"},

    /* "user unknown" needs corroboration */
    {FAILED, "5.0.0", 550, "host mx.example.org[192.0.2.1] said: 550 Unknown user "
	"a@example.org (in reply to end of DATA command)", 0, "filtered", false,
	"said to DATA: the recipient had been accepted, a filter speaks"},
    {FAILED, "5.0.0", 550, "550 <a@example.org>: User unknown", 0, "filtered", false,
	"no status and no command: not enough for a hard verdict"},
    {FAILED, "5.0.0", 550, "550 <a@example.org>: User unknown", "RCPT", "userunknown",
	true, "the caller knows it answered RCPT TO"},
    {FAILED, "5.2.0", 550, "550 Unknown user a@example.org", 0, "filtered", false,
	"x.2.x says the mailbox exists"},
    {FAILED, "5.2.1", 550, "host mx.example.org said: 550 5.2.1 <a@example.org>... "
	"User Unknown (in reply to RCPT TO command)", 0, "userunknown", true,
	"an ill-chosen x.2.1 with a plain user unknown to RCPT TO"},
    {FAILED, "5.5.0", 550, "550 Requested action not taken: mailbox unavailable", 0,
	"userunknown", true, "x.5.0: a refused command, the recipient's"},

    /* delayed recipients are never hard */
    {DELAYED, "4.1.1", 450, "450 4.1.1 <a@example.org>: Recipient address rejected: "
	"User unknown in virtual alias table", 0, "expired", false,
	"still being retried: a temporary lookup failure"},
    {DELAYED, "4.4.7", 0, "Delivery to the following recipient has been delayed", 0,
	"expired", false, "delayed"},
    {DELAYED, "4.2.2", 452, "452 4.2.2 Mailbox full", 0, "mailboxfull", false,
	"a soft reason stays"},
    {DELAYED, "4.0.0", 0, "", 0, "expired", false, "a delay with nothing else"},
    {FAILED, "4.4.1", 0, "connect to example.org[192.0.2.1]:25: Connection timed out",
	0, "expired", false, "timed out"},
    {FAILED, "5.0.0", 0, "Name service error for domain example.org: Host not found, "
	"try again", 0, "networkerror", false, "a temporary DNS failure"},
    {FAILED, "4.0.0", 421, "421 4.7.0 [TSS04] Messages from 192.0.2.1 temporarily "
	"deferred due to unexpected volume or user complaints", 0, "badreputation", false,
	"rate and complaints: reputation"},
    {FAILED, "5.0.0", 550, "550 Connection frequency limited", 0, "toomanyconn", false,
	"a rate limit"},
    {FAILED, "5.4.6", 554, "554 5.4.6 Hop count exceeded - possible mail loop", 0,
	"networkerror", false, "a loop"},

    /* the local delivery agent */
    {FAILED, "5.1.1", 0, "procmail: Couldn't create \"/var/spool/mail/a\"", 0,
	"mailererror", false, "the mailer failed, the user may well exist"},
    {FAILED, "5.0.0", 0, "X-Unix; 127", 0, "mailererror", false,
	"a pipe's exit status"},

    /* Russian, Japanese, French */
    {FAILED, "5.0.0", 550, "550 Пользователь не найден (in reply to RCPT TO command)", 0,
	"userunknown", true, "Russian 'user not found', upper case folded"},
    {FAILED, "5.2.2", 552, "552 Почтовый ящик ПЕРЕПОЛНЕН", 0, "mailboxfull", false,
	"Russian 'mailbox full', Cyrillic capitals folded"},
    {FAILED, "5.7.1", 550, "550 5.7.1 Сообщение отклонено: подозрение на СПАМ", 0,
	"spamdetected", false, "Russian spam refusal"},
    {FAILED, "5.7.1", 550, "550 5.7.1 Ваш IP адрес заблокирован", 0, "blocked", false,
	"Russian: your IP is blocked"},
    {FAILED, "5.2.1", 550, "550 Учетная запись заблокирована", 0, "suspend", false,
	"Russian: the account is blocked"},
    {FAILED, "5.1.1", 550, "550 5.1.1 ディレクトリのリストにありません", 0, "userunknown", true,
	"Japanese: not in the directory"},
    {FAILED, "5.5.0", 550, "550 5.5.0 Adresse destinataire invalide. Invalid recipient.",
	0, "userunknown", true, "French"},

    /* the codes alone */
    {FAILED, "5.1.1", 0, "", 0, "userunknown", true, "x.1.1 alone"},
    {FAILED, "5.2.2", 0, "", 0, "mailboxfull", false, "x.2.2 alone"},
    {FAILED, "4.4.7", 0, "", 0, "expired", false, "x.4.7 alone"},
    {FAILED, "5.7.1", 0, "", 0, "securityerror", false, "x.7.1 alone: not hard"},
    {FAILED, "5.7.23", 0, "", 0, "authfailure", false, "SPF validation failed"},
    {FAILED, "", 552, "", 0, "mailboxfull", false, "552 alone"},
    {FAILED, "", 550, "", 0, "undefined", false, "550 alone says nothing: soft"},
    {FAILED, "", 0, "something went wrong", 0, "onhold", false, "a text we do not know"},
    {FAILED, "", 0, "", 0, "undefined", false, "nothing at all"},
    {REPORT_ACTION_DELIVERED, "2.0.0", 250, "250 OK", 0, "delivered", false, "delivered"},
    {REPORT_ACTION_RELAYED, "", 0, "", 0, "delivered", false, "relayed"},
    {NONE, "2.1.5", 250, "250 2.1.5 OK", 0, "delivered", false, "a 2.x.x status"},

    /* rules added after a held-out measure (each fails without its rule) */
    {FAILED, "", 0, "because: User some.name (a@example.org) not listed in Domino Directory",
	0, "userunknown", true, "Domino's own directory: not a block list"},
    {FAILED, "", 0, "User not listed in public Name & Address Book", 0, "userunknown", true,
	"Notes' own directory"},
    {FAILED, "", 0, "Invalid final delivery userid", 0, "userunknown", true,
	"IMail's own delivery agent"},
    {FAILED, "5.1.7", 550, "SMTP error from remote mail server after MAIL FROM:<s@example.net>: "
	"550 5.1.7 No such domain example.net.", 0, "rejected", false,
	"said to MAIL FROM: the sender's domain, not the recipient's"},
    {FAILED, "", 550, "550 Virus Detected; Content Rejected", 0, "virusdetected", false,
	"the virus, not the generic content refusal"},
    {FAILED, "5.7.9", 554, "554 5.7.9 Header error", 0, "policyviolation", false,
	"a header the receiver's policy refuses"},
    {FAILED, "4.0.0", 550, "550 ME Adresse IP source bloquee pour incident de spam. "
	"Client host blocked for spamming issues.", 0, "blocked", false,
	"the sending host is blocked (for spam), not this message"},
    {FAILED, "5.7.0", 550, "did not like our RCPT TO: 550 5.7.0 <a@example.org>: Recipient "
	"address rejected: No relaying.", 0, "norelaying", false, "relaying refused"},
    {FAILED, "", 550, "550 5.7.1 can't determine Purported Responsible Address", 0,
	"rejected", false, "Sender ID's PRA is the sender"},
    {FAILED, "", 550, "550 Bad SPF records for [example.net:192.0.2.2]", 0, "authfailure",
	false, "SPF"},
    {FAILED, "", 0, "User mailbox exceeds allowed size", 0, "mailboxfull", false, "IMail"},
    {FAILED, "", 0, "Delivery failed 20 attempts", 0, "expired", false, "retries given up"},
    {FAILED, "5.4.312", 550, "550 5.4.312 Message expired, DNS query failed", 0,
	"networkerror", false, "why it expired: DNS"},
    {FAILED, "4.4.6", 0, "because the message was forwarded more than the maximum allowed "
	"times", 0, "networkerror", false, "a mail loop"},

    {FAILED, "5.1.1", 550, "550 5.1.1 <a@example.org> - 192.0.2.1 has sent to too many "
	"recipients this hour. IB607", 0, "speeding", false, "an hourly quota, not the address"},
    {FAILED, "5.2.1", 550, "550-5.2.1 The user you are trying to contact is receiving mail at a "
	"rate that prevents additional messages from being delivered.", 0, "speeding", false,
	"a mailbox receiving too fast"},
    {FAILED, "", 500, "The error that the other server returned was: 500 Remote server does "
	"not support TLS (state 6).", 0, "failedstarttls", false, "the TLS handshake"},
    {FAILED, "", 504, "504 Command parameter not implemented", 0, "syntaxerror", false,
	"a bare 501-504 reply"},

    /* rules added with the parser's wish-list (each fails without its rule) */
    {FAILED, "5.0.0", 0, "5.1.0 - Unknown address error 550-'5.7.1 <a@example.org>... "
	"Access denied' (delivery attempts: 0)", 0, "securityerror", false,
	"the status after the server's reply code is the server's, not a relay's summary"},
    {FAILED, "", 550, "550 SC-004 Unfortunately, messages from 192.0.2.22 weren't sent. "
	"The problem is that too many unwanted messages have been sent from the IP address",
	"MAIL", "blocked", false, "an IP refused at MAIL FROM is blocked, not a sender"},
    {FAILED, "4.2.1", 421, "421 4.2.1 Service refuse. Veuillez essayer plus tard. "
	"Service refused, please try later.", 0, "blocked", false,
	"the greeting refuses the client"},
    {FAILED, "", 0, "There was an error delivering your mail to <a@example.invalid>. "
	"DNS lookup failure: host example.invalid not found", 0, "hostunknown", true,
	"dma: no MX and no address for the domain"},
    {FAILED, "4.3.0", 0, "x-unix; /var/mail/a/Maildir/tmp/1.neko: Disk quota exceeded", 0,
	"mailboxfull", false, "a local mailer that says the quota is exceeded"},
    {FAILED, "5.0.0", 0, "X-Unix; 127", 0, "mailererror", false,
	"a local program's exit status"},
    {FAILED, "5.7.1", 551, "551 5.7.1 <a@example.org>: Recipient address rejected: "
	"Delivery not authorized", "RCPT", "securityerror", false,
	"RFC 3463's own words for 5.7.1"},

    /* second round (each fails without its rule) */
    {FAILED, "5.0.0", 554, "554 delivery error: dd This user doesn't have a yahoo.com "
	"account (a@yahoo.example) [0] - mta1.mail.example", "DATA", "userunknown", true,
	"Yahoo's documented user-unknown reply: sure, even after DATA"},
    {FAILED, "", 0, "This user doesn't have a example.org account (a@example.org) [0]", 0,
	"filtered", false, "the same words without Yahoo's reply stay under rule 7"},
    {FAILED, "", 0, "Message could not be delivered to mobile. Error: No valid recipients "
	"for this MM", 0, "userunknown", true, "an MMS centre: the number is no subscriber"},
    {FAILED, "5.1.0", 550, "550 5.1.0 <x@example.net> sender rejected. Please see "
	"https://www.spectrum.net/support/internet/understanding-email-error-codes for more "
	"information. AUP#In-1310", 0, "toomanyconn", false,
	"Spectrum's documented code 1310: a connection limit, not the sender"},
    {FAILED, "5.1.0", 550, "550 5.1.0 sender rejected AUP#Out-1010", 0, "rejected", false,
	"Spectrum's 1010: the sending account is blocked"},
    {FAILED, "5.1.0", 550, "550 5.1.0 sender rejected AUP#CXBL", 0, "blocked", false,
	"Cox's lettered code is still read by its phrase"},
    {FAILED, "5.0.0", 550, "550 5.0.0 <a@example.org>: Recipient address rejected: On hold",
	"RCPT", "onhold", false,
	"a prefix followed by a reason we do not know: not a user unknown"},
    {FAILED, "5.0.0", 550, "550 <a@example.org>: Recipient address rejected.", "RCPT",
	"userunknown", true, "the bare prefix at RCPT TO still is"},
    {FAILED, "", 0, "Each of the following recipients was rejected by a remote mail "
	"server.", 0, "filtered", false, "refused by the recipient's server, no reason given"},
    {FAILED, "5.1.1", 550, "550 5.1.1 Each of the following recipients was rejected by a "
	"remote mail server. User unknown", "RCPT", "userunknown", true,
	"the notice's reason, when there is one, wins"},

    /* status look-alikes in the text are not statuses */
    {FAILED, "", 0, "connect to 5.1.1.1: Connection refused", 0, "expired", false,
	"an IP address is not a status"},
    {FAILED, "", 0, "unsupported version 4.1.1.2 of the mail client", 0, "onhold", false,
	"nor is a version number"},
};

static void table(void **state)
{
    int     failures = 0;

    for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
	const ROW *r = rows + i;
	REASON_INPUT in;
	const char *got;
	bool    hard;

	memset(&in, 0, sizeof(in));
	in.action = r->action;
	in.status = r->status;
	in.reply_code = r->reply;
	in.diagnostic = r->text;
	in.command = r->command;
	got = reason_classify(&in);
	hard = reason_is_hard(got, r->status, r->reply) && r->action != DELAYED;
	if (strcmp(got, r->reason) != 0 || hard != r->hard) {
	    print_error("row %zu (%s): got %s%s, want %s%s\n", i, r->why, got,
			hard ? " (hard)" : "", r->reason, r->hard ? " (hard)" : "");
	    failures++;
	}
    }
    assert_int_equal(failures, 0);
}

/* a provider's own wording counts only for its own mailboxes (au by KDDI) */
static void provider_rows(void **state)
{
    static const struct {
	const char *recipient, *remote_mta, *status, *text, *want;
    } cases[] = {
	/* au: no address before the colon is its filter, an address its directory */
	{"a@ezweb.ne.jp", NULL, NULL, "550 : User unknown", "filtered"},
	{"a@ezweb.ne.jp", NULL, "5.1.351", "550 5.1.351 Remote server returned unknown recipient"
	 " or mailbox unavailable -> 550 : User unknown", "filtered"},
	{"a@ezweb.ne.jp", NULL, NULL, "550: <a@ezweb.ne.jp>: User unknown", "userunknown"},
	{"a@biz.ezweb.ne.jp", NULL, "5.0.0", "550 <a@biz.ezweb.ne.jp>: User unknown", "userunknown"},
	{"A@AU.COM", NULL, NULL, "550 <A@AU.COM>:   User  Unknown", "userunknown"},
	{NULL, "dns; msmx.au.com", NULL, "550 <a@x>: User unknown", "userunknown"},
	{"", "msmx.au.com.", NULL, "550 : User unknown", "filtered"},
	/* the same texts elsewhere: not corroborated (rule 5), so filtered */
	{"a@example.com", NULL, NULL, "550 <a@example.com>: User unknown", "filtered"},
	{"a@notau.com", "dns; mx.notau.com", NULL, "550 <a@notau.com>: User unknown", "filtered"},
	{"a@ezweb.ne.jp.example", NULL, NULL, "550 <a@x>: User unknown", "filtered"},
	{"no-at-sign", "dns;", NULL, "550 <a@x>: User unknown", "filtered"},
	/* au, but a text the provider rows do not know: the usual rules */
	{"a@ezweb.ne.jp", NULL, "5.2.2", "552 mailbox full", "mailboxfull"},
    };

    (void) state;
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
	REASON_INPUT in;

	memset(&in, 0, sizeof(in));
	in.action = FAILED;
	in.recipient = cases[i].recipient;
	in.remote_mta = cases[i].remote_mta;
	in.status = cases[i].status;
	in.diagnostic = cases[i].text;
	assert_string_equal(reason_classify(&in), cases[i].want);
    }
}

/* complaints and auto-replies: never bounces, whatever their text */
static void kinds(void **state)
{
    REASON_INPUT in;

    memset(&in, 0, sizeof(in));
    in.kind = REPORT_COMPLAINT;
    in.status = "5.1.1";
    in.diagnostic = "user unknown";
    assert_string_equal(reason_classify(&in), "feedback");
    in.kind = REPORT_AUTOREPLY;
    assert_string_equal(reason_classify(&in), "vacation");
    assert_false(reason_is_hard("vacation", "5.1.1", 550));
    assert_false(reason_is_hard("feedback", "5.1.1", 550));
}

static void is_hard(void **state)
{
    assert_true(reason_is_hard("userunknown", "", 0));
    assert_true(reason_is_hard("hostunknown", "4.1.2", 0));
    assert_true(reason_is_hard("hasmoved", NULL, 0));
    assert_true(reason_is_hard("notaccept", "5.1.10", 0));
    assert_true(reason_is_hard("notaccept", "", 554));
    assert_false(reason_is_hard("notaccept", "4.0.0", 0));
    assert_false(reason_is_hard("notaccept", NULL, 421));
    assert_false(reason_is_hard("blocked", "5.7.1", 550));
    assert_false(reason_is_hard("mailboxfull", "5.2.2", 552));
    assert_false(reason_is_hard(NULL, "5.1.1", 550));
}

/* Every verdict must be a name, never a crash or a hard bounce from noise. */
static void garbage(void **state)
{
    static char big[1 << 20];
    char    bytes[256];
    REASON_INPUT in;
    const char *got;

    assert_string_equal(reason_classify(NULL), "undefined");
    memset(&in, 0, sizeof(in));
    assert_string_equal(reason_classify(&in), "undefined");

    /* a megabyte of text, the phrase past the part that is read */
    memset(big, 'x', sizeof(big) - 1);
    memcpy(big + sizeof(big) - 20, "user unknown", 12);
    in.action = FAILED;
    in.diagnostic = big;
    got = reason_classify(&in);
    assert_non_null(got);
    assert_false(reason_is_hard(got, NULL, 0));

    /* every byte value, broken UTF-8 (lone lead bytes at the end) */
    for (int i = 1; i < 256; i++)
	bytes[i - 1] = (char) i;
    bytes[255] = 0;
    in.diagnostic = bytes;
    in.status = "\xD0";
    assert_non_null(reason_classify(&in));
    in.diagnostic = "\xD0";
    assert_non_null(reason_classify(&in));
    in.diagnostic = "\xE2\x80";
    in.status = "5.";
    assert_non_null(reason_classify(&in));
    in.status = "5.1.99999";
    in.diagnostic = "5.1.99999 5.1. 5..1 9.9.9 #5.1.";
    got = reason_classify(&in);
    assert_false(reason_is_hard(got, NULL, 0));

    /* random noise: a name always, and no hard verdict without a phrase */
    srand(7);
    for (int n = 0; n < 2000; n++) {
	char    noise[600];
	int     len = rand() % (int) sizeof(noise);

	for (int i = 0; i < len; i++)
	    noise[i] = (char) (1 + rand() % 255);
	noise[len] = 0;
	memset(&in, 0, sizeof(in));
	in.action = FAILED;
	in.diagnostic = noise;
	got = reason_classify(&in);
	assert_non_null(got);
	assert_true(got[0] >= 'a' && got[0] <= 'z');
    }
}

/* once per recipient: a few microseconds each is plenty */
static void speed(void **state)
{
    REASON_INPUT in;
    clock_t t0 = clock();
    int     n = 20000;
    double  secs;

    memset(&in, 0, sizeof(in));
    in.action = FAILED;
    in.status = "5.0.0";
    in.reply_code = 550;
    in.diagnostic = "host mx.example.org[192.0.2.1] said: 550 Requested action not "
	"taken: the message could not be delivered for some reason we do not explain "
	"here, and this text is long on purpose so that every phrase is looked for in "
	"it, to the end of a diagnostic as long as a parser keeps (in reply to end of "
	"DATA command)";
    for (int i = 0; i < n; i++)
	(void) reason_classify(&in);
    secs = (double) (clock() - t0) / CLOCKS_PER_SEC;
    print_message("# %d unmatched texts in %.3f s: %.1f us each\n", n, secs,
		  secs * 1e6 / n);
    /* generous: sanitizers make it several times slower */
    assert_true(secs * 1e6 / n < 500);
}

int     main(void)
{
    const struct CMUnitTest tests[] = {
	cmocka_unit_test(table),
	cmocka_unit_test(kinds),
	cmocka_unit_test(provider_rows),
	cmocka_unit_test(is_hard),
	cmocka_unit_test(garbage),
	cmocka_unit_test(speed),
    };

    return (UNIT_RUN(tests));
}
