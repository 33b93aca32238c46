/*++
 * NAME
 *	report_pat 3
 * SUMMARY
 *	the phrase tables of the report readers
 * SYNOPSIS
 *	#include "report_pat.h"
 *
 *	int	report_pat_match(const char *lower, const char *const *table)
 *
 *	void	report_pat_line(const char *lower, size_t len, PHRASE_HITS *hits)
 *
 *	void	report_pat_line2(const char *lower1, size_t len1,
 *					PHRASE_HITS *hits1, const char *lower2,
 *					size_t len2, PHRASE_HITS *hits2)
 *
 *	int	report_pat_command_find(const char *text, size_t len)
 * DESCRIPTION
 *	The readers recognise messages and the parts of a bounce's text by
 *	phrases: these tables, not code.  Each table is a NULL-terminated
 *	list of lower-case UTF-8 phrases; report_pat_match() returns the
 *	index of the first phrase found anywhere in lower (text already
 *	lower-cased with report_lower_utf8()), or -1.  Lines given to it are
 *	at most REPORT_LINE_MAX bytes, so a match costs a bounded time.
 *
 *	report_pat_line() compares a line (len bytes, lower-cased, no NUL
 *	byte) with all the tables a bounce's text is read with at once, in
 *	one pass (phrase_match(3)): hits->mask has bit REPORT_PAT_L_x when
 *	a phrase of that table occurs, and so on; report_pat_line2() does
 *	it for two lines at once (faster than twice report_pat_line(), the
 *	same answers).  report_pat_command_find() is the index into
 *	report_pat_command of the first of its phrases found in text (len
 *	bytes, in any case: ASCII capitals are read as the small letters
 *	report_lower() would make them, without that copy), or -1.  The
 *	matchers are built once, on first use (pthread_once: the milter
 *	reads in many threads); when memory runs out then, both compare
 *	phrase by phrase, with the same answers.
 *
 *	The phrases are the generic wordings of MTAs and providers (as seen
 *	in Postfix, Sendmail, Exim, qmail, Exchange, Gmail, Yahoo, Mail.ru,
 *	Yandex and others), never a host name or an address: a new
 *	provider's bounce is read when it words things in a usual way.
 *--*/

#include "config.h"

#include <pthread.h>
#include <string.h>

#include "report_int.h"
#include "report_pat.h"

/* Subjects of delivery reports (bounces and delay warnings). */
const char *const report_pat_bounce_subject[] = {
    "undeliver", "undelivered", "delivery status notification", "delivery failure",
    "failure notice", "returned mail", "mail delivery failed", "delivery notification",
    "nondeliverable", "non-deliverable", "not delivered", "could not be delivered",
    "delivery has failed", "mail system error", "returned to sender", "delivery failed",
    "delivery problem", "mail failure", "delivery report", "delayed mail",
    "delivery delayed", "message delayed", "warning: could not send",
    "non remis", "unzustellbar", "nicht zustellbar", "no se puede entregar",
    "error sending message", "mail could not be delivered", "bounce notification",
    "email bounce", "delivery error", "returned message", "rejected message",
    "mail status report", "could not send message", "delivery final failure",
    "message you sent", "permanent failure", "недоставлен", "не доставлен",
    "не может быть доставлено", "не удалось доставить", "ошибка доставки",
    "возвращенное сообщение", "mail failure", "mail error",
    "メールエラー", "配信エラー", "不達",	/* Japanese: mail error, delivery error, not delivered */
    NULL,
};

/* Local parts and names of the senders of delivery reports. */
const char *const report_pat_bounce_from[] = {
    "mailer-daemon", "mailer_daemon", "mailerdaemon", "mail-daemon", "postmaster@",
    "post_master@", "post-master@",
    "mail delivery", "mail administrator", "mail-router", "mail_daemon",
    "internet mail delivery", "system administrator", "<>",
    NULL,
};

/* The wording of a delivery report's text. */
const char *const report_pat_bounce_text[] = {
    "could not be delivered", "couldn't be delivered", "was not delivered",
    "wasn't able to deliver", "was unable to deliver", "were unable to deliver",
    "unable to deliver", "delivery to the following recipient",
    "following address(es) failed", "following addresses had permanent",
    "permanent error", "permanent fatal error", "undeliverable",
    "delivery has failed", "error delivering", "did not reach the following",
    "could not be reached", "delivery failed", "not be delivered", "failed permanently",
    "message could not", "delivery of your message", "your message to",
    "message was rejected", "has been rejected", "could not deliver", "cannot be delivered",
    "delivery status notification", "delivery problems", "transcript of session",
    "returned to sender", "were rejected", "was rejected", "is undeliverable",
    "ошибка доставки", "не может быть доставлено", "не было доставлено",
    "не удалось доставить", "не доставлено",
    NULL,
};

/* A delay warning: the letter is still queued. */
const char *const report_pat_delay[] = {
    "will continue trying", "will keep trying", "will retry", "has been delayed",
    "delivery delayed", "not yet been delivered", "still trying", "delayed mail",
    "warning: message", "message delayed", "delivery is delayed", "temporarily deferred",
    "no action is required on your part", "this is only a warning",
    "is a warning message only", "will be retried",
    NULL,
};

/*
 * A line that starts the copy of the original message.  The line must
 * also start with a run of "-", "=", "*" or "_" unless it is a phrase
 * of report_pat_orig_line.
 */
const char *const report_pat_orig_marked[] = {
    "original message", "copy of the message", "copy of your message",
    "unsent message", "returned message", "message follows", "headers follow",
    "message header", "rfc822", "original mail", "undelivered message",
    "below this line", "header of the original", "message text",
    "original e-mail", "original email", "исходное сообщение", "оригинальное сообщение",
    "заголовки", "message returned",
    NULL,
};

const char *const report_pat_orig_line[] = {
    "message headers follow", "below this line is a copy", "original message headers",
    "original message follows",
    "headers of the original message", "original message header",
    "this is a copy of the message", "the header of the original",
    "the original message headers", "unsent message follows",
    "here is a copy of the first part", "--- original message",
    "original mail as follows",
    NULL,
};

/* Headers that betray the start of a quoted original message. */
const char *const report_pat_orig_header[] = {
    "received: from", "received: by", "return-path:", "dkim-signature:",
    "x-received:", "arc-seal:", "message-id:", "mime-version:", "x-google-dkim-signature:",
    "authentication-results:", "received-spf:",
    NULL,
};

/*
 * Phrases after which a line names a failed recipient: "... could not
 * be delivered to <addr>".  The address must follow the phrase on the
 * same line.
 */
const char *const report_pat_rcpt_phrase[] = {
    "delivering your mail to", "deliver your message to", "delivered to",
    "deliver to", "delivery to", "undeliverable to", "your message to", "your mail to",
    "message to",
    "mail to", "recipient:", "recipients:", "recipient address:", "recipient address",
    "failed recipient", "original recipient", "final recipient", "rcpt to:", "rcpt to",
    "address:", "addressee:", "the following address", "the following recipient",
    "for recipient", "intended for", "addressed to", "sent to", "to address",
    "user ", "mailbox ", "account ", "адресат", "получател", "по адресу", "адрес",
    NULL,
};

/* Lines of prose that are not the MTA's reason (skipped in diagnostics). */
const char *const report_pat_boiler[] = {
    "this is the mail system at", "this message was created automatically",
    "i'm sorry to have to inform you", "for further assistance",
    "if you do so, please include", "delete your own text", "the mail system",
    "this is the qmail-send program", "it's attached below", "please send mail to",
    "do not reply", "please do not reply", "отвечать на него не нужно",
    "рекомендуем вам проверить", "this is an automatically generated",
    "a message that you sent could not be delivered",
    "delivery report unavailable",
    NULL,
};

/*
 * A group's or mailing list's refusal of a post, recognised by what its
 * notice links to whatever its language: Google Groups' notices ("the
 * group you tried to contact may not exist, or you may not have
 * permission to post", in the sender's language, from mailer-daemon,
 * with X-Failed-Recipients naming the group and no SMTP reply) all point
 * to the Groups help centre.  The sender was refused, not an address.
 */
const char *const report_pat_group_notice[] = {
    "groups.google.com/",
    NULL,
};

/*
 * A notice that says its failures are permanent ("This is a permanent
 * error", Exim; "failed permanently", Gmail): its recipients fail with
 * a permanent class even when no code says so.
 */
const char *const report_pat_permanent[] = {
    "this is a permanent error", "failed permanently", "permanent fatal error",
    "permanent delivery failure", "permanently failed", "will not continue trying",
    NULL,
};

/*
 * Comments of a Status: field that only name the class of the code
 * ("5.0.0 (permanent failure)"): they say nothing a diagnostic could use.
 */
const char *const report_pat_status_generic[] = {
    "permanent failure", "temporary failure", "persistent transient failure",
    "undefined status", "other undefined status", "success", "unknown",
    NULL,
};

/* Subjects of auto-replies (English, Russian and a few others). */
const char *const report_pat_auto_subject[] = {
    "out of office", "out of the office", "auto:", "automatic reply", "autoreply",
    "auto-reply", "auto reply", "autoresponse", "auto-response", "auto response",
    "automated response", "automatic response", "away from", "on vacation",
    "vacation", "i am away", "i'm away", "i am out", "on leave", "on holiday",
    "absence", "абсенс", "автоответ", "автоматический ответ", "я в отпуске",
    "в отпуске", "нахожусь в отпуске", "вне офиса", "отсутствую", "не в офисе",
    "автоматическое уведомление об отсутствии", "réponse automatique", "absent",
    "abwesenheit", "automatische antwort", "respuesta automática",
    "fuera de la oficina", "risposta automatica", "fuori ufficio", "afwezig",
    NULL,
};

/* Subjects of complaints that do not use RFC 5965 (with the message attached). */
const char *const report_pat_complaint_subject[] = {
    "complaint about message", "abuse report", "spam report", "spam complaint",
    "feedback loop", "fbl report", "complaint report", "жалоба на", "жалоба пользователя",
    NULL,
};

/*
 * Which SMTP command a reply answered, by the MTA's wording; the first
 * entry found wins, so the explicit ones come first.
 */
const REPORT_PAT_CMD report_pat_command[] = {
    {"in reply to rcpt to", "RCPT"}, {"in reply to mail from", "MAIL"},
    {"in reply to end of data", "DATA"}, {"in reply to data", "DATA"},
    {"in reply to ehlo", "EHLO"}, {"in reply to helo", "HELO"},
    {"in reply to message", "DATA"},
    {"after rcpt to", "RCPT"}, {"after mail from", "MAIL"}, {"after end of data", "DATA"},
    {"after data", "DATA"}, {"after ehlo", "EHLO"}, {"after helo", "HELO"},
    {"after initial connection", "CONN"}, {"after pipelined rcpt to", "RCPT"},
    {"after pipelined mail from", "MAIL"}, {"after pipelined data", "DATA"},
    {"final data", "DATA"}, {"smtp:rcpt", "RCPT"}, {"smtp:data", "DATA"}, {"smtp:mail", "MAIL"},
    {"rcpt to response", "RCPT"}, {"rcpt to command", "RCPT"}, {"mail from command", "MAIL"},
    {"does not like recipient", "RCPT"}, {"during greeting", "CONN"},
    {"failed after i sent the message", "DATA"}, {"for text command", "DATA"},
    {">>> rcpt to", "RCPT"}, {">>> data", "DATA"}, {">>> mail from", "MAIL"},
    {">>> ehlo", "EHLO"}, {">>> helo", "HELO"},
    /* qmail-remote: "Connected to 192.0.2.1 but sender was rejected." */
    {"most progress was rcpt", "RCPT"}, {"most progress was mail", "MAIL"},
    {"most progress was data", "DATA"}, {"for rcpt to response", "RCPT"},
    {"but sender was rejected", "MAIL"}, {"but my name was rejected", "HELO"},
    {"but greeting failed", "CONN"}, {"failed on data command", "DATA"},
    {"did not like our rcpt to", "RCPT"}, {"did not like our mail from", "MAIL"},
    {"did not like our data", "DATA"},
    {NULL, NULL},
};

/* report_pat_match - the first phrase of table in lower, or -1 */

int     report_pat_match(const char *lower, const char *const *table)
{
    for (int i = 0; table[i]; i++)
	if (strstr(lower, table[i]) != NULL)
	    return (i);
    return (-1);
}

/* The line tables, in REPORT_PAT_L_* order. */
static const char *const *const line_tables[REPORT_PAT_L_COUNT] = {
    report_pat_orig_line, report_pat_orig_marked, report_pat_orig_header,
    report_pat_rcpt_phrase, report_pat_boiler, report_pat_group_notice,
    report_pat_delay, report_pat_permanent,
};

#define COMMANDS_MAX	64

static pthread_once_t pat_once = PTHREAD_ONCE_INIT;
static PHRASE_MATCH *line_matcher;
static PHRASE_MATCH *command_matcher;
static const char *command_phrases[COMMANDS_MAX + 1];

/* pat_init - build the matchers, once */

static void pat_init(void)
{
    const char *const *tables[1];
    int     k;

    line_matcher = phrase_match_build(line_tables, REPORT_PAT_L_COUNT);
    for (k = 0; k < COMMANDS_MAX && report_pat_command[k].phrase; k++)
	command_phrases[k] = report_pat_command[k].phrase;
    command_phrases[k] = NULL;
    tables[0] = command_phrases;
    if (report_pat_command[k].phrase == NULL)
	command_matcher = phrase_match_build(tables, 1);
    /* read text as it is written: no lower-case copy per call */
    if (command_matcher != NULL && !phrase_match_caseless(command_matcher)) {
	phrase_match_free(command_matcher);
	command_matcher = NULL;
    }
}

/* slow_scan - what phrase_match_scan() says, phrase by phrase */

static void slow_scan(const char *lower, const char *const *const *tables, int ntables,
		              PHRASE_HITS *hits)
{
    hits->mask = 0;
    for (int t = 0; t < ntables; t++) {
	hits->first[t] = -1;
	hits->left_index[t] = -1;
	hits->left[t] = 0;
	for (int k = 0; tables[t][k]; k++) {
	    const char *p = strstr(lower, tables[t][k]);

	    if (p == NULL)
		continue;
	    hits->mask |= 1u << t;
	    if (hits->first[t] < 0)
		hits->first[t] = k;
	    if (hits->left_index[t] < 0 || (size_t) (p - lower) < hits->left[t]) {
		hits->left[t] = (size_t) (p - lower);
		hits->left_index[t] = k;
	    }
	}
    }
}

/* report_pat_line - the line tables' phrases in one line */

void    report_pat_line(const char *lower, size_t len, PHRASE_HITS *hits)
{
    pthread_once(&pat_once, pat_init);
    if (line_matcher != NULL)
	phrase_match_scan(line_matcher, lower, len, hits);
    else
	slow_scan(lower, line_tables, REPORT_PAT_L_COUNT, hits);
}

/* report_pat_line2 - report_pat_line() of two lines */

void    report_pat_line2(const char *lower1, size_t len1, PHRASE_HITS *hits1,
			         const char *lower2, size_t len2, PHRASE_HITS *hits2)
{
    pthread_once(&pat_once, pat_init);
    if (line_matcher != NULL) {
	phrase_match_scan2(line_matcher, lower1, len1, hits1, lower2, len2, hits2);
    } else {
	slow_scan(lower1, line_tables, REPORT_PAT_L_COUNT, hits1);
	slow_scan(lower2, line_tables, REPORT_PAT_L_COUNT, hits2);
    }
}

/* report_pat_command_find - the first report_pat_command phrase in text */

int     report_pat_command_find(const char *text, size_t len)
{
    PHRASE_HITS hits;
    char    lower[REPORT_LINE_MAX + 1];

    pthread_once(&pat_once, pat_init);
    if (command_matcher != NULL) {
	phrase_match_scan(command_matcher, text, len, &hits);
	return (hits.mask ? hits.first[0] : -1);
    }
    if (len >= sizeof(lower))
	len = sizeof(lower) - 1;
    report_lower(lower, sizeof(lower), text, len);
    for (int k = 0; report_pat_command[k].phrase; k++)
	if (strstr(lower, report_pat_command[k].phrase) != NULL)
	    return (k);
    return (-1);
}
