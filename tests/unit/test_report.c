/*
 * test_report - the report parser: RFC 3464 reports, text bounces of the
 * usual MTAs, complaints, auto-replies (English and Russian), delivery
 * notices and ordinary mail each get their verdict; CRLF, CR and LF give
 * the same one; empty, truncated, huge, garbage and hostile messages get
 * a verdict or "cannot tell" and never a crash; a non-bounce is never a
 * hard bounce.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "unit.h"
#include "report.h"

/* What we expect of one message: its kind and its first recipient. */
typedef struct {
    const char *name;			/* what the case shows */
    const char *msg;			/* LF line ends; the test makes CRLF and CR */
    REPORT_KIND kind;
    int     nrcpt;			/* -1: do not check */
    const char *address;		/* rcpt[0]; NULL: none */
    const char *reason;			/* rcpt[0]'s reason; NULL: do not check */
    int     hard;			/* rcpt[0]: 1 hard, 0 not, -1 do not check */
    const char *status;			/* rcpt[0]; NULL: do not check */
    const char *diag_has;		/* in rcpt[0]'s diagnostic; NULL: do not check */
    const char *tag;			/* report->tag; NULL: do not check */
} CASE;

#define TAG "la1=abcdefghijkl=t2a=k1=abcdefghijklmnop"

static const CASE cases[] = {
    {"RFC 3464: Postfix, a user unknown at RCPT, with the tag in the quoted headers",
	"From: MAILER-DAEMON@mx.example.org (Mail Delivery System)\n"
	"To: bounce+" TAG "@dealer.example\n"
	"Subject: Undelivered Mail Returned to Sender\n"
	"Auto-Submitted: auto-replied\n"
	"MIME-Version: 1.0\n"
	"Content-Type: multipart/report; report-type=delivery-status; boundary=\"B1\"\n\n"
	"--B1\nContent-Type: text/plain\n\n"
	"This is the mail system at host mx.example.org.\n\n"
	"<ivan@example.com>: host mx.example.com[192.0.2.1] said: 550 5.1.1\n"
	"    <ivan@example.com>: Recipient address rejected: User unknown (in reply to\n"
	"    RCPT TO command)\n\n"
	"--B1\nContent-Type: message/delivery-status\n\n"
	"Reporting-MTA: dns; mx.example.org\n\n"
	"Final-Recipient: rfc822; ivan@example.com\n"
	"Original-Recipient: rfc822;Ivan@Example.com\n"
	"Action: failed\nStatus: 5.1.1\n"
	"Remote-MTA: dns; mx.example.com\n"
	"Diagnostic-Code: smtp; 550 5.1.1 <ivan@example.com>: Recipient address\n"
	"    rejected: User unknown\n\n"
	"--B1\nContent-Type: text/rfc822-headers\n\n"
	"From: sales@dealer.example\nTo: ivan@example.com\nX-Liveaddr-Tag: " TAG "\n"
	"Subject: offer\n\n--B1--\n",
     REPORT_DSN, 1, "ivan@example.com", "userunknown", 1, "5.1.1", "User unknown", TAG},
    {"RFC 3464: a delay is never hard",
	"From: MAILER-DAEMON@mx.example.org\nSubject: Delayed Mail (still being retried)\n"
	"Content-Type: multipart/report; report-type=delivery-status; boundary=\"B2\"\n\n"
	"--B2\nContent-Type: message/delivery-status\n\n"
	"Reporting-MTA: dns; mx.example.org\n\n"
	"Final-Recipient: rfc822; olga@example.net\nAction: delayed\nStatus: 4.4.1\n"
	"Diagnostic-Code: X-Postfix; connect to mx.example.net[192.0.2.2]:25: Connection\n"
	"    timed out\n\n--B2--\n",
     REPORT_DSN, 1, "olga@example.net", NULL, 0, "4.4.1", "Connection timed out", NULL},
    {"RFC 3464: a success notice is a delivery, not a bounce",
	"From: MAILER-DAEMON@mx.example.org\nSubject: Successful Mail Delivery Report\n"
	"Content-Type: multipart/report; report-type=delivery-status; boundary=\"B3\"\n\n"
	"--B3\nContent-Type: message/delivery-status\n\n"
	"Reporting-MTA: dns; mx.example.org\n\n"
	"Final-Recipient: rfc822; petr@example.net\nAction: delivered\nStatus: 2.0.0\n"
	"Diagnostic-Code: smtp; 250 2.0.0 Ok: queued\n\n--B3--\n",
     REPORT_DSN, 1, "petr@example.net", "delivered", 0, "2.0.0", NULL, NULL},
    {"ARF: a complaint is suppression, never a hard bounce",
	"From: fbl@mail.example.ru\nTo: abuse@dealer.example\nSubject: FBL report\n"
	"Content-Type: multipart/report; report-type=feedback-report; boundary=\"B4\"\n\n"
	"--B4\nContent-Type: text/plain\n\nThis is an email abuse report.\n\n"
	"--B4\nContent-Type: message/feedback-report\n\n"
	"Feedback-Type: abuse\nUser-Agent: FBL/1.0\nVersion: 1\n"
	"Original-Rcpt-To: anna@example.ru\n\n"
	"--B4\nContent-Type: message/rfc822\n\n"
	"From: sales@dealer.example\nTo: anna@example.ru\nX-Liveaddr-Tag: " TAG "\n"
	"Subject: offer\n\nhello\n--B4--\n",
     REPORT_COMPLAINT, 1, "anna@example.ru", "feedback", 0, NULL, NULL, TAG},
    {"RFC 3834: an auto-reply proves the mailbox, its author is the address",
	"From: Kijitora <kijitora@example.net>\nTo: sales@dealer.example\n"
	"Subject: Away until May 5\nAuto-Submitted: auto-replied\n\n"
	"I am away until May 5th.\n",
     REPORT_AUTOREPLY, 1, "kijitora@example.net", "vacation", 0, NULL, NULL, NULL},
    {"auto-reply by its Russian subject (RFC 2047): \"Автоответ\"",
	"From: =?UTF-8?B?0JjQstCw0L0=?= <ivan@example.ru>\nTo: sales@dealer.example\n"
	"Subject: =?UTF-8?B?0JDQstGC0L7QvtGC0LLQtdGCOiDQv9GA0LjQstC10YI=?=\n\n"
	"Я в отпуске до 10 мая.\n",
     REPORT_AUTOREPLY, 1, "ivan@example.ru", "vacation", 0, NULL, NULL, NULL},
    {"auto-reply by its Russian subject in UTF-8: \"Я в отпуске\"",
	"From: ivan@example.ru\nTo: sales@dealer.example\n"
	"Subject: Я в отпуске\nContent-Type: text/plain; charset=utf-8\n\nВернусь 10 мая.\n",
     REPORT_AUTOREPLY, 1, "ivan@example.ru", "vacation", 0, NULL, NULL, NULL},
    {"auto-reply: Outlook's \"Automatic reply\" subject",
	"From: \"Neko, Nyaan\" <nekonyaan@example.org>\nSubject: Automatic reply: offer\n"
	"X-Auto-Response-Suppress: All\n\nI'm out of the office Friday.\n",
     REPORT_AUTOREPLY, 1, "nekonyaan@example.org", "vacation", 0, NULL, NULL, NULL},
    {"an ordinary reply: a message, its author, no reason",
	"From: Anna <anna@example.ru>\nTo: sales@dealer.example\nSubject: Re: offer\n\n"
	"Thanks, I'll call you. My old address anna@old.example.ru could not be delivered?\n",
     REPORT_MESSAGE, 1, "anna@example.ru", "", 0, NULL, NULL, NULL},
    {"Exim: the address on its own line, the SMTP reply under it",
	"From: Mail Delivery System <Mailer-Daemon@mx.example.org>\n"
	"To: sales@dealer.example\nSubject: Mail delivery failed: returning message to sender\n"
	"X-Failed-Recipients: kijitora@example.jp\nAuto-Submitted: auto-replied\n\n"
	"This message was created automatically by mail delivery software.\n\n"
	"A message that you sent could not be delivered to one or more of its\n"
	"recipients. This is a permanent error. The following address(es) failed:\n\n"
	"  kijitora@example.jp\n"
	"    SMTP error from remote mail server after RCPT TO:<kijitora@example.jp>:\n"
	"    host mx.example.jp [192.0.2.153]: 550 5.1.1 <kijitora@example.jp>... User Unknown\n\n"
	"------ This is a copy of the message, including all the headers. ------\n\n"
	"Return-path: <sales@dealer.example>\nFrom: sales@dealer.example\n"
	"To: kijitora@example.jp\nSubject: offer\n\nhello\n",
     REPORT_DSN, 1, "kijitora@example.jp", "userunknown", 1, "5.1.1", "User Unknown", NULL},
    {"qmail: \"<addr>:\" and the remote host's words",
	"From: MAILER-DAEMON@mx.example.jp\nTo: sales@dealer.example\nSubject: failure notice\n\n"
	"Hi. This is the qmail-send program at mx.example.jp.\n"
	"I'm afraid I wasn't able to deliver your message to the following addresses.\n"
	"This is a permanent error; I've given up. Sorry it didn't work out.\n\n"
	"<neko@example.ne.jp>:\n192.0.2.32 does not like recipient.\n"
	"Remote host said: 552 5.2.2 Mailbox full\nGiving up on 192.0.2.32.\n\n"
	"--- Below this line is a copy of the message.\n\n"
	"Return-Path: <sales@dealer.example>\nTo: neko@example.ne.jp\n\nhi\n",
     REPORT_DSN, 1, "neko@example.ne.jp", "mailboxfull", 0, "5.2.2", "Mailbox full", NULL},
    {"Mail.ru in Russian: the address under the Russian sentence",
	"From: mailer-daemon@corp.mail.ru\nTo: sales@dealer.example\n"
	"Subject: =?UTF-8?B?0JLQsNGI0LUg0YHQvtC+0LHRidC10L3QuNC1INC90LUg0LTQvtGB0YLQsNCy0LvQtdC90L4=?=\n"
	"Content-Type: text/plain; charset=utf-8\n\n"
	"К сожалению, Ваше письмо не может быть доставлено одному или нескольким получателям:\n\n"
	"  oleg@example.ru\n"
	"    SMTP error from remote mail server after RCPT TO:<oleg@example.ru>:\n"
	"    host mx.example.ru [192.0.2.9]: 550 5.1.1 <oleg@example.ru>... User Unknown\n\n"
	"Рекомендуем Вам проверить корректность указания адресов получателей.\n",
     REPORT_DSN, 1, "oleg@example.ru", "userunknown", 1, "5.1.1", "User Unknown", NULL},
    {"a bounce that names nobody: the quoted original's To: does",
	"From: postmaster@mx.example.com\nTo: sales@dealer.example\nSubject: Undeliverable message\n\n"
	"Message could not be delivered.\nError: No valid recipients for this message\n\n"
	"Original Message:\n"
	"From: sales@dealer.example\nTo: 0000000000@example.com\nSubject: hi\n\nhi\n",
     REPORT_DSN, 1, "0000000000@example.com", NULL, -1, NULL, "No valid recipients", NULL},
    {"a bounce that names nobody, with no original: cannot tell, but the tag is kept",
	"From: MAILER-DAEMON@mx.example.com\nTo: bounce+" TAG "@dealer.example\n"
	"Subject: Returned mail\n\nSomething went wrong.\n",
     REPORT_UNKNOWN, 0, NULL, NULL, -1, NULL, NULL, TAG},
    {"an Amazon SES JSON notice",
	"From: no-reply@sns.amazonaws.com\nSubject: AWS Notification Message\n\n"
	"{\"notificationType\":\"Bounce\",\"bounce\":{\"bounceType\":\"Permanent\","
	"\"bouncedRecipients\":[{\"emailAddress\":\"lena@example.com\",\"action\":\"failed\","
	"\"status\":\"5.1.1\",\"diagnosticCode\":\"smtp; 550 5.1.1 user unknown\"}]}}\n",
     REPORT_DSN, 1, "lena@example.com", "userunknown", 1, "5.1.1", "user unknown", NULL},
    {"an SES notice inside an SNS envelope (the Message string, its quotes escaped)",
	"From: no-reply@sns.amazonaws.com\nSubject: AWS Notification Message\n\n"
	"{\"Type\" : \"Notification\", \"MessageId\" : \"22b80b92\",\n"
	"\"Message\" : \"{\\\"notificationType\\\":\\\"Bounce\\\",\\\"bounce\\\":{"
	"\\\"bouncedRecipients\\\":[{\\\"emailAddress\\\":\\\"olga@example.com\\\","
	"\\\"action\\\":\\\"failed\\\",\\\"status\\\":\\\"5.2.2\\\","
	"\\\"diagnosticCode\\\":\\\"smtp; 552 5.2.2 \\\\\\\"olga\\\\\\\" is over quota\\\"}]}}\",\n"
	"\"Timestamp\" : \"2026-11-20T10:00:00.000Z\"}\n",
     REPORT_DSN, 1, "olga@example.com", "mailboxfull", 0, "5.2.2", "is over quota", NULL},
};

/* with_eol - the message with CRLF ("\r\n") or CR ("\r") line ends */

static char *with_eol(const char *msg, const char *eol, size_t *len)
{
    size_t  n = 0, el = strlen(eol);
    char   *out = malloc(strlen(msg) * 2 + 1);

    assert_non_null(out);
    for (const char *cp = msg; *cp; cp++) {
	if (*cp == '\n') {
	    memcpy(out + n, eol, el);
	    n += el;
	} else
	    out[n++] = *cp;
    }
    out[n] = 0;
    *len = n;
    return (out);
}

static void check_case(const CASE *c, const REPORT *r)
{
    if (r->kind != c->kind)
	fail_msg("%s: kind %s, want %s (%s)", c->name, report_kind_name(r->kind),
		 report_kind_name(c->kind), r->why);
    if (c->nrcpt >= 0 && r->nrcpt != c->nrcpt)
	fail_msg("%s: %d recipients, want %d", c->name, r->nrcpt, c->nrcpt);
    if (c->address) {
	assert_true(r->nrcpt > 0);
	assert_string_equal(r->rcpt[0].address, c->address);
	if (c->reason)
	    assert_string_equal(r->rcpt[0].reason, c->reason);
	if (c->hard >= 0)
	    assert_int_equal(r->rcpt[0].hard, c->hard);
	if (c->status)
	    assert_string_equal(r->rcpt[0].status, c->status);
	if (c->diag_has && strstr(r->rcpt[0].diagnostic, c->diag_has) == NULL)
	    fail_msg("%s: diagnostic \"%s\" lacks \"%s\"", c->name, r->rcpt[0].diagnostic,
		     c->diag_has);
    }
    if (c->tag)
	assert_string_equal(r->tag, c->tag);
    /* the rule the evidence model rests on */
    if (r->kind != REPORT_DSN)
	for (int i = 0; i < r->nrcpt; i++)
	    assert_false(r->rcpt[i].hard);
}

/* verdicts - every case, in LF, CRLF and CR: the same verdict */

static void verdicts(void **state)
{
    static const char *const eols[] = {"\n", "\r\n", "\r"};

    (void) state;
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
	for (size_t e = 0; e < 3; e++) {
	    REPORT  r;
	    size_t  len;
	    char   *msg = with_eol(cases[i].msg, eols[e], &len);

	    assert_int_equal(report_parse(msg, len, &r), REPORT_OK);
	    check_case(cases + i, &r);
	    report_free(&r);
	    free(msg);
	}
    }
}

/*
 * What the parser gives the classifier (docs/reasons.md): the SMTP
 * command a reply answered, the reply itself, the diagnostic type, the
 * Status comment, a multi-line reply read as one sentence, a permanent
 * class said in words.  Each case fails without its rule.
 */
typedef struct {
    const char *name;
    const char *msg;
    const char *address;		/* the recipient looked at */
    const char *reason;
    int     hard;
    const char *command;		/* "" none */
    const char *status;			/* NULL: do not check */
    const char *diag_has;		/* NULL: do not check */
} RULE;

#define SENDMAIL_HEAD \
    "From: Mail Delivery Subsystem <MAILER-DAEMON@mx.example.com>\n" \
    "To: sales@dealer.example\nSubject: Returned mail: User unknown\n\n" \
    "   ----- Transcript of session follows -----\n"

static const RULE rules_cases[] = {
    {"Sendmail transcript: \">>> RCPT To:\" names the command, \"<<<\" the reply",
	SENDMAIL_HEAD
	"While talking to mail.example.co.jp:\n"
	">>> RCPT To:<mikeneko@example.co.jp>\n"
	"<<< 550 Requested User Mailbox not found. No such user here.\n"
	"550 <mikeneko@example.co.jp>... User unknown\n\n"
	"   ----- Unsent message follows -----\n"
	"From: sales@dealer.example\nTo: mikeneko@example.co.jp\n\nhi\n",
     "mikeneko@example.co.jp", "userunknown", 1, "RCPT", NULL, "No such user here"},
    {"Sendmail transcript: a refusal at MAIL FROM, the reply above the recipient's line",
	SENDMAIL_HEAD
	"While talking to mailin1.example.org:\n"
	">>> MAIL From:<sales@dealer.example>\n"
	"<<< 501 <sales@dealer.example>... no access from mail server [192.0.2.55]\n"
	"554 <kijitora@example.org>... Remote protocol error\n\n"
	"   ----- Unsent message follows -----\n"
	"From: sales@dealer.example\nTo: kijitora@example.org\n\nhi\n",
     "kijitora@example.org", "blocked", 0, "MAIL", NULL, "no access from mail server"},
    {"qmail: \"most progress was RCPT TO response\" is the RCPT command",
	"From: MAILER-DAEMON@mx.example.jp\nTo: sales@dealer.example\nSubject: failure notice\n\n"
	"Hi. This is the qmail-send program at mx.example.jp.\n"
	"I'm afraid I wasn't able to deliver your message to the following addresses.\n"
	"This is a permanent error; I've given up. Sorry it didn't work out.\n\n"
	"<kijitora@example.ne.jp>:\n"
	"Sorry, no SMTP connection got far enough; most progress was RCPT TO response;\n"
	"remote host 192.0.2.32 said: 550 Unknown user kijitora@example.ne.jp\n\n"
	"--- Below this line is a copy of the message.\n\n"
	"Return-Path: <sales@dealer.example>\nTo: kijitora@example.ne.jp\n\nhi\n",
     "kijitora@example.ne.jp", "userunknown", 1, "RCPT", NULL, NULL},
    {"RFC 3464: a Diagnostic-Code of type X-Unix keeps its type: a mailer error",
	"From: MAILER-DAEMON@mx.example.jp\nSubject: Returned mail: see transcript\n"
	"Content-Type: multipart/report; report-type=delivery-status; boundary=\"R1\"\n\n"
	"--R1\nContent-Type: message/delivery-status\n\n"
	"Reporting-MTA: dns; mx.example.jp\n\n"
	"Final-Recipient: RFC822; program@example.jp\nAction: failed\nStatus: 5.0.0\n"
	"Diagnostic-Code: X-Unix; 127\n\n--R1--\n",
     "program@example.jp", "mailererror", 0, "", "5.0.0", "X-Unix; 127"},
    {"RFC 3464: no Diagnostic-Code, the Status comment says why",
	"From: MAILER-DAEMON@mx.example.jp\nSubject: Warning: could not send message\n"
	"Content-Type: multipart/report; report-type=delivery-status; boundary=\"R2\"\n\n"
	"--R2\nContent-Type: message/delivery-status\n\n"
	"Reporting-MTA: dns; mx.example.jp\n\n"
	"Final-Recipient: rfc822;sabatora@cat.example.net\nAction: delayed\n"
	"Status: 4.0.0 (cat.example.net: host name lookup failure)\n\n--R2--\n",
     "sabatora@cat.example.net", "networkerror", 0, "", "4.0.0", "host name lookup failure"},
    {"RFC 3464: a multi-line reply reads as one sentence without its repeated prefixes",
	"From: MAILER-DAEMON@mx.example.jp\nSubject: Undelivered Mail Returned to Sender\n"
	"Content-Type: multipart/report; report-type=delivery-status; boundary=\"R3\"\n\n"
	"--R3\nContent-Type: message/delivery-status\n\n"
	"Reporting-MTA: dns; mx.example.jp\n\n"
	"Final-Recipient: rfc822; kijitora@gmail.example.com\nAction: failed\nStatus: 5.7.1\n"
	"Diagnostic-Code: smtp; 550-5.7.1 [192.0.2.222 13] Messages with multiple\n"
	"    550-5.7.1 addresses in From: header are not accepted. v14si1155795plk.134 -\n"
	"    550 5.7.1 gsmtp\n\n--R3--\n",
     "kijitora@gmail.example.com", "notcompliantrfc", 0, "", "5.7.1",
     "multiple addresses in From: header are not accepted. v14si1155795plk.134 - gsmtp"},
    {"Exim: \"This is a permanent error\" makes a null MX a hard bounce",
	"From: Mail Delivery System <Mailer-Daemon@mx.example.org>\n"
	"To: sales@dealer.example\nSubject: Mail delivery failed: returning message to sender\n\n"
	"This message was created automatically by mail delivery software.\n\n"
	"A message that you sent could not be delivered to one or more of its\n"
	"recipients. This is a permanent error. The following address(es) failed:\n\n"
	"  neko@example.org\n"
	"    an MX or SRV record indicated no SMTP service\n\n"
	"------ This is a copy of the message, including all the headers. ------\n\n"
	"From: sales@dealer.example\nTo: neko@example.org\nSubject: offer\n\nhello\n",
     "neko@example.org", "notaccept", 1, "", "5.0.0", "no SMTP service"},
    {"a line that introduces the list is no reason: nothing to go on",
	"From: postmaster@mx.example.com\nTo: sales@dealer.example\n"
	"Subject: Delivery Status Notification (Failure)\n\n"
	"This is an automatically generated Delivery Status Notification.\n\n"
	"Delivery to the following recipients failed permanently:\n\n"
	"   * kijitora@example.or.jp\n",
     "kijitora@example.or.jp", "undefined", 0, "", "5.0.0", NULL},
    {"\"Size (in bytes): 222\" is no SMTP reply: the notice's reply line is taken",
	"From: postmaster@mx.example.com\nTo: sales@dealer.example\nSubject: Undeliverable\n\n"
	"Error: Invalid user address\n\n"
	"Error message below:\n550 - Requested action not taken: no such user here\n\n"
	"Message details:\n  Subject: Test message\n"
	"  RCPT TO: straycat@example.com\n"
	"  Size (in bytes): 222\n  Number of lines: 2\n",
     "straycat@example.com", NULL, -1, NULL, NULL, "no such user here"},
    /* second round */
    {"Google Groups' refusal in any language: known by its help link, not its words",
	"From: Mail Delivery Subsystem <mailer-daemon@googlemail.com>\n"
	"To: sales@dealer.example\nSubject: Delivery Status Notification (Failure)\n"
	"X-Failed-Recipients: news@googlegroups.com\n\n"
	"Hallo sales@dealer.example,\n\n"
	"die Gruppe, die Sie kontaktieren m\xc3\xb6" "chten (news), ist m\xc3\xb6" "glicherweise nicht "
	"vorhanden bzw. Sie haben nicht die erforderlichen Berechtigungen.\n\n"
	"Hilfe unter https://groups.google.com/support/.\n\n"
	"----- Original message -----\n\nFrom: sales@dealer.example\n"
	"To: news@googlegroups.com\n\nhi\n",
     "news@googlegroups.com", "rejected", 0, "", NULL, NULL},
    {"a notice with the Groups link and a server's reply is read by the reply",
	"From: Mail Delivery Subsystem <mailer-daemon@googlemail.com>\n"
	"To: sales@dealer.example\nSubject: Delivery Status Notification (Failure)\n"
	"X-Failed-Recipients: old@googlegroups.com\n\n"
	"Your message wasn't delivered to old@googlegroups.com.\n\n"
	"The response from the remote server was:\n"
	"550 5.1.1 The email account that you tried to reach does not exist.\n\n"
	"See https://groups.google.com/support/\n",
     "old@googlegroups.com", "userunknown", 1, NULL, NULL, NULL},
    {"fml's notice: the list in angle brackets, not the address to write to",
	"From: list-admin@example.org\nTo: sales@dealer.example\n"
	"Subject: You sales@dealer.example are not member (list ML)\n"
	"Message-ID: <200504292334.FMLFFFFFF0.list@example.org>\n"
	"X-MLServer: fml [fml 4.0.3 release (20011202/4.0.3)]\n\n"
	"You are not a member of this mailing list <list@example.org>.\n\n"
	"If you know the general guide of this list, please send mail to the address\n\n"
	"\tlist-ctl@example.org\n",
     "list@example.org", "rejected", 0, "", NULL, "not a member"},
    {"\"Label: <addr>\" whose label says why",
	"From: MAILER-DAEMON@mx.example.com\nTo: sales@dealer.example\n"
	"Subject: Returned mail: Nyaan\n\n"
	"User's mailbox is full: <mila@example.jp>\nUnable to deliver mail.\n",
     "mila@example.jp", "mailboxfull", 0, "", NULL, "mailbox is full"},
    {"\"reject reason:\" just above the recipient's labelled line",
	"From: postmaster@mx.example.de\nTo: sales@dealer.example\n"
	"Subject: email bounce notification\n\n"
	"This message is to inform you that an email you sent was rejected.\n\n"
	"reject reason: Mailbox full\ntarget mail address: anna@example.net\n\n"
	"--------------------\nbounced E-Mail:\n",
     "anna@example.net", "mailboxfull", 0, "", NULL, "Mailbox full"},
    {"a notice with a Japanese bounce subject, from a no-reply sender",
	"From: no-reply@mail.example.jp\nTo: <sales@dealer.example>\n"
	"Subject: \xe3\x83\xa1\xe3\x83\xbc\xe3\x83\xab\xe3\x82\xa8\xe3\x83\xa9"
	"\xe3\x83\xbc\xe9\x80\x9a\xe7\x9f\xa5\n\n"	/* "mail error notice" */
	"Your mail sent on: Thu, 29 Apr 2013 23:45:22 +0900\n"
	"     Could not be delivered to: <yuki@example.jp>\n"
	"     As their mailbox is full.\n",
     "yuki@example.jp", "mailboxfull", 0, NULL, NULL, "mailbox is full"},
    {"IMail's \"undeliverable to\" line, the remote's reply below it",
	"From: \"Postmaster\" <postmaster@mail.example.com>\nTo: <sales@dealer.example>\n"
	"Subject: Undeliverable Mail\n\n"
	"undeliverable to boris@example.jp\n\n"
	"Body of message generated response:\n"
	"550-REJECTED - Blacklisted URL in message. (example.com) in [black].\n"
	"550 See http://lookup.uribl.com.\n",
     "boris@example.jp", "spamdetected", 0, NULL, NULL, "Blacklisted URL"},
    {"a quoted local part keeps its quotes (without them it is no address)",
	"From: MAILER-DAEMON@mx.example.net\nTo: <sales@dealer.example>\n"
	"Subject: Undelivered Mail Returned to Sender\nMIME-Version: 1.0\n"
	"Content-Type: multipart/report; report-type=delivery-status; boundary=\"b\"\n\n"
	"--b\nContent-Type: message/delivery-status\n\n"
	"Reporting-MTA: dns; mx.example.net\n\n"
	"Final-Recipient: rfc822; \"neko..nyaan.\"@example.org\nAction: failed\nStatus: 5.1.1\n"
	"Diagnostic-Code: smtp; 550 5.1.1 <\"neko..nyaan.\"@example.org>... User Unknown\n"
	"--b--\n",
     "\"neko..nyaan.\"@example.org", "userunknown", 1, NULL, "5.1.1", NULL},
    {"a source-routed Final-Recipient is the receiver's own path: the Original-Recipient",
	"From: postmaster@example.net\nTo: <sales@dealer.example>\n"
	"Subject: Delivery Notification: Delivery has failed\nMIME-Version: 1.0\n"
	"Content-Type: multipart/report; report-type=delivery-status; boundary=\"b\"\n\n"
	"--b\nContent-Type: message/delivery-status\n\n"
	"Reporting-MTA: dns;smtp.example.net\n\n"
	"Original-recipient: rfc822;kira@example.net\n"
	"Final-recipient: rfc822;@smtp.example.net:kira@server\nAction: failed\n"
	"Status: 5.2.0 (Delivery failed: Over quota)\n--b--\n",
     "kira@example.net", "mailboxfull", 0, NULL, "5.2.0", NULL},
};

/* rules - the parser's rules for the classifier, in LF, CRLF and CR */

static void rules(void **state)
{
    static const char *const eols[] = {"\n", "\r\n", "\r"};

    (void) state;
    for (size_t i = 0; i < sizeof(rules_cases) / sizeof(rules_cases[0]); i++) {
	const RULE *c = rules_cases + i;

	for (size_t e = 0; e < 3; e++) {
	    REPORT  r;
	    size_t  len;
	    char   *msg = with_eol(c->msg, eols[e], &len);
	    const REPORT_RCPT *rc = NULL;

	    assert_int_equal(report_parse(msg, len, &r), REPORT_OK);
	    for (int k = 0; k < r.nrcpt; k++)
		if (strcmp(r.rcpt[k].address, c->address) == 0)
		    rc = r.rcpt + k;
	    if (rc == NULL)
		fail_msg("%s: no recipient %s (%s)", c->name, c->address, r.why);
	    if (c->reason && strcmp(rc->reason, c->reason) != 0)
		fail_msg("%s: reason %s, want %s [%s]", c->name, rc->reason, c->reason,
			 rc->diagnostic);
	    if (c->hard >= 0 && rc->hard != (c->hard == 1))
		fail_msg("%s: hard %d, want %d", c->name, rc->hard, c->hard);
	    if (c->command && strcmp(rc->command, c->command) != 0)
		fail_msg("%s: command \"%s\", want \"%s\"", c->name, rc->command, c->command);
	    if (c->status && strcmp(rc->status, c->status) != 0)
		fail_msg("%s: status \"%s\", want \"%s\"", c->name, rc->status, c->status);
	    if (c->diag_has && strstr(rc->diagnostic, c->diag_has) == NULL)
		fail_msg("%s: diagnostic \"%s\" lacks \"%s\"", c->name, rc->diagnostic,
			 c->diag_has);
	    report_free(&r);
	    free(msg);
	}
    }
}

/* parse_any - whatever the input, a verdict and no crash */

static void parse_any(const char *msg, size_t len)
{
    REPORT  r;

    assert_int_equal(report_parse(msg, len, &r), REPORT_OK);
    assert_true(r.kind >= REPORT_UNKNOWN && r.kind < REPORT_KIND_COUNT);
    assert_true(r.nrcpt >= 0 && r.nrcpt <= REPORT_RCPTS_MAX);
    if (r.kind == REPORT_UNKNOWN)
	assert_true(r.why[0] != 0 || r.nrcpt == 0);
    for (int i = 0; i < r.nrcpt; i++) {
	assert_true(strlen(r.rcpt[i].diagnostic) <= REPORT_TEXT_MAX);
	if (r.kind != REPORT_DSN)
	    assert_false(r.rcpt[i].hard);
    }
    report_free(&r);
}

/* truncated - every case cut short anywhere still parses */

static void truncated(void **state)
{
    (void) state;
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
	size_t  len = strlen(cases[i].msg);

	for (size_t cut = 0; cut < len; cut += 7)
	    parse_any(cases[i].msg, cut);
    }
}

/* garbage - empty, NULs, binary, no headers, broken MIME */

static void garbage(void **state)
{
    static const char *const bad[] = {
	"", "\n", "\n\n\n", "From:", "From: <>\n\n", "Subject: x\n",
	"Content-Type: multipart/report; boundary=\"\"\n\n--\n--\n",
	"Content-Type: multipart/report; report-type=delivery-status\n\n"
	"Final-Recipient: rfc822;\nAction:\nStatus: 9.9.9.9.9\n",
	"Content-Type: message/delivery-status\n\nFinal-Recipient: rfc822; @@@@\n",
	"From: MAILER-DAEMON\nSubject: Undelivered\n\n<@>:\n<a@>:\n<@b.c>:\n",
	"Content-Type: text/plain; charset=x-no-such-charset\n"
	"Content-Transfer-Encoding: base64\n\n!!!!====\n",
    };
    char    bin[4096];
    REPORT  r;

    (void) state;
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
	parse_any(bad[i], strlen(bad[i]));
    srand(1);
    for (int round = 0; round < 50; round++) {
	for (size_t i = 0; i < sizeof(bin); i++)
	    bin[i] = (char) (rand() & 0xff);
	parse_any(bin, sizeof(bin));
    }
    /* a NUL in the middle does not end the message */
    {
	static const char msg[] = "From: a@example.com\nSubject: hi\n\nx\0y\n";

	assert_int_equal(report_parse(msg, sizeof(msg) - 1, &r), REPORT_OK);
	assert_int_equal(r.kind, REPORT_MESSAGE);
	report_free(&r);
    }
    assert_int_equal(report_parse(NULL, 0, &r), REPORT_OK);
    assert_int_equal(r.kind, REPORT_UNKNOWN);
    report_free(&r);
}

/* hostile - many recipients, deep nesting, huge lines, huge bodies */

static void hostile(void **state)
{
    size_t  cap = 16 * 1024 * 1024, n = 0;
    char   *buf = malloc(cap);
    REPORT  r;

    (void) state;
    assert_non_null(buf);
    /* 10,000 recipients: REPORT_RCPTS_MAX kept, the rest counted */
    n = (size_t) snprintf(buf, cap, "From: MAILER-DAEMON@x.example\n"
			  "Content-Type: multipart/report; report-type=delivery-status; boundary=b\n\n"
			  "--b\nContent-Type: message/delivery-status\n\n");
    for (int i = 0; i < 10000 && n + 200 < cap; i++)
	n += (size_t) snprintf(buf + n, cap - n,
			       "Final-Recipient: rfc822; u%d@example.com\nAction: failed\n"
			       "Status: 5.1.1\n\n", i);
    n += (size_t) snprintf(buf + n, cap - n, "--b--\n");
    assert_int_equal(report_parse(buf, n, &r), REPORT_OK);
    assert_int_equal(r.kind, REPORT_DSN);
    assert_int_equal(r.nrcpt, REPORT_RCPTS_MAX);
    assert_true(r.nrcpt_dropped > 0);
    report_free(&r);

    /* 200 nested multiparts */
    n = (size_t) snprintf(buf, cap, "From: a@example.com\n");
    for (int i = 0; i < 200; i++)
	n += (size_t) snprintf(buf + n, cap - n,
			       "Content-Type: multipart/mixed; boundary=b%d\n\n--b%d\n", i, i);
    n += (size_t) snprintf(buf + n, cap - n, "Content-Type: text/plain\n\nhi\n");
    parse_any(buf, n);

    /* one line of 8 MB of addresses after a bounce's subject */
    n = (size_t) snprintf(buf, cap, "From: MAILER-DAEMON@x.example\nSubject: Undelivered\n\n");
    while (n + 16 < 8 * 1024 * 1024)
	n += (size_t) snprintf(buf + n, cap - n, "<a@b.example>: ");
    parse_any(buf, n);

    /* 8 MB of "<a@b.example>:" lines: one recipient, read in linear time */
    n = (size_t) snprintf(buf, cap, "From: MAILER-DAEMON@x.example\nSubject: Undelivered\n\n");
    while (n + 16 < 8 * 1024 * 1024)
	n += (size_t) snprintf(buf + n, cap - n, "<a@b.example>:\n");
    assert_int_equal(report_parse(buf, n, &r), REPORT_OK);
    assert_int_equal(r.nrcpt, 1);
    report_free(&r);

    /* 8 MB of "@" and of "la1=" */
    n = (size_t) snprintf(buf, cap, "From: a@example.com\n\n");
    memset(buf + n, '@', 8 * 1024 * 1024);
    parse_any(buf, n + 8 * 1024 * 1024);
    for (size_t i = n; i + 4 < 8 * 1024 * 1024; i += 4)
	memcpy(buf + i, "la1=", 4);
    parse_any(buf, 8 * 1024 * 1024);
    free(buf);
}

/* names - every kind and action has a name */

static void names(void **state)
{
    (void) state;
    assert_string_equal(report_kind_name(REPORT_DSN), "dsn");
    assert_string_equal(report_kind_name(REPORT_COMPLAINT), "complaint");
    assert_string_equal(report_kind_name(REPORT_AUTOREPLY), "autoreply");
    assert_string_equal(report_kind_name(REPORT_KIND_COUNT), "unknown");
    assert_string_equal(report_action_name(REPORT_ACTION_FAILED), "failed");
    assert_string_equal(report_action_name(REPORT_ACTION_COUNT), "");
}

int     main(void)
{
    const struct CMUnitTest tests[] = {
	cmocka_unit_test(verdicts),
	cmocka_unit_test(rules),
	cmocka_unit_test(truncated),
	cmocka_unit_test(garbage),
	cmocka_unit_test(hostile),
	cmocka_unit_test(names),
    };

    return (UNIT_RUN(tests));
}
