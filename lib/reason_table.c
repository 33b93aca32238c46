/*++
 * NAME
 *	reason_table 3
 * SUMMARY
 *	what the reason classifier knows: phrases, status and reply codes
 * DESCRIPTION
 *	The data of reason.c; see reason_int.h for the form of a row and
 *	docs/reasons.md for why the order is what it is.  Phrases are
 *	written in the normalised form (lower case, single spaces) and say
 *	how MTAs word a reason in general: never a host name, an address
 *	or a sample's oddity.
 *
 *	Order of the phrase table, first match wins: what a delivery agent
 *	on the recipient's host says about itself (a full mailbox, then a
 *	mailer that failed, a size limit, a disabled or moved mailbox);
 *	then what a server says about the sender, its IP, its authentication or its
 *	content (relaying, DMARC, reverse DNS, reputation, spam, virus,
 *	blocks, rates, sender address, policy) -- these come before the
 *	"no such user" phrases so that a text mentioning both is never
 *	taken for a hard bounce; then the recipient's domain and address;
 *	then the transient troubles (system, network, queue time); last
 *	the weak phrases that a status code may overrule.
 *--*/

#include "config.h"

#include "reason_int.h"

#define F	REASON_FIRM
#define W	REASON_WEAK
#define S	REASON_SURE
#define P	REASON_PREFIX

const REASON_PHRASE reason_phrases[] = {
    /* the recipient's mailbox is full */
    {"mailboxfull", "mailbox full", F, 0},
    {"mailboxfull", "mailbox is full", F, 0},
    {"mailboxfull", "mailbox is over quota", F, 0},
    {"mailboxfull", "mailbox over quota", F, 0},
    {"mailboxfull", "mailbox size limit exceeded", F, 0},
    {"mailboxfull", "mailbox has exceeded", F, 0},
    {"mailboxfull", "mailbox would exceed", F, 0},
    {"mailboxfull", "mailbox exceeded", F, 0},
    {"mailboxfull", "mailbox quota", F, 0},
    {"mailboxfull", "mailbox exceeds allowed size", F, 0},
    {"mailboxfull", "mailfolder is full", F, 0},
    {"mailboxfull", "maildir over quota", F, 0},
    {"mailboxfull", "full mailbox", F, 0},
    {"mailboxfull", "inbox is full", F, 0},
    {"mailboxfull", "over quota", F, 0},
    {"mailboxfull", "over the quota", F, 0},
    {"mailboxfull", "over the allowed quota", F, 0},
    {"mailboxfull", "over its quota", F, 0},
    {"mailboxfull", "over disk quota", F, 0},
    {"mailboxfull", "overquota", F, 0},
    {"mailboxfull", "quota exceeded", F, 0},
    {"mailboxfull", "exceeded quota", F, 0},
    {"mailboxfull", "exceeds quota", F, 0},
    {"mailboxfull", "exceeding quota", F, 0},
    {"mailboxfull", "exceeding their quota", F, 0},
    {"mailboxfull", "exceeding its mailbox quota", F, 0},
    {"mailboxfull", "quota violation", F, 0},
    {"mailboxfull", "disk quota", F, 0},
    {"mailboxfull", "storage quota", F, 0},
    {"mailboxfull", "quota full", F, 0},
    {"mailboxfull", "user has too many messages", F, 0},
    {"mailboxfull", "not enough storage space", F, 0},
    {"mailboxfull", "not enough disk space", F, 0},
    {"mailboxfull", "does not have enough space", F, 0},
    {"mailboxfull", "insufficient storage space for user", F, 0},
    {"mailboxfull", "space has been used up", F, 0},
    {"mailboxfull", "recipient's mailbox exceeded", F, 0},
    {"mailboxfull", "number of messages in recipient's mailbox exceeded", F, 0},
    {"mailboxfull", "too much mail data", F, 0},
    {"mailboxfull", "boite du destinataire pleine", F, 0},
    {"mailboxfull", "boîte pleine", F, 0},
    {"mailboxfull", "postfach voll", F, 0},
    {"mailboxfull", "ящик переполнен", F, 0},
    {"mailboxfull", "ящик получателя переполнен", F, 0},
    {"mailboxfull", "превышен размер ящика", F, 0},
    {"mailboxfull", "превышена квота", F, 0},
    {"mailboxfull", "нет места в ящике", F, 0},
    {"mailboxfull", "メールボックスがいっぱい", F, 0},
    {"mailboxfull", "容量", W, 0},

    /* the local delivery agent failed (after "quota": a mailer that says why) */
    {"mailererror", "^procmail:", F, 0},
    {"mailererror", "^x-unix;", F, 0},
    {"mailererror", "bin/procmail", F, 0},
    {"mailererror", "bin/maildrop", F, 0},
    {"mailererror", "command died with status", F, 0},
    {"mailererror", "command failed: ", F, 0},
    {"mailererror", "command output:", F, 0},
    {"mailererror", "mailer error", F, 0},
    {"mailererror", "pipe to |", F, 0},
    {"mailererror", "local delivery failed", W, 0},

    /* the message is too big */
    {"mesgtoobig", "message size exceeds", W, 0},
    {"mesgtoobig", "message size limit", W, 0},
    {"mesgtoobig", "message too big", W, 0},
    {"mesgtoobig", "message is too big", W, 0},
    {"mesgtoobig", "message file too big", W, 0},
    {"mesgtoobig", "message length exceeds", W, 0},
    {"mesgtoobig", "message exceeds maximum size", W, 0},
    {"mesgtoobig", "max message size exceeded", W, 0},
    {"mesgtoobig", "maximum message size", W, 0},
    {"mesgtoobig", "exceeded maximum inbound message size", W, 0},
    {"mesgtoobig", "exceeds the maximum size", W, 0},
    {"mesgtoobig", "mail size limit", W, 0},
    {"mesgtoobig", "size limit exceeded", W, 0},
    {"mesgtoobig", "line limit exceeded", W, 0},
    {"mesgtoobig", "message too large for", W, 0},
    {"mesgtoobig", "taille limite du message", W, 0},
    {"mesgtoobig", "размер сообщения превышает", W, 0},
    {"mesgtoobig", "слишком большое сообщение", W, 0},
    {"exceedlimit", "message too large", W, 0},
    {"exceedlimit", "message header size exceeds", W, 0},
    {"exceedlimit", "header size exceeds", W, 0},

    /* the mailbox exists but is disabled for now */
    {"suspend", "account is disabled", F, 0},
    {"suspend", "account has been disabled", F, 0},
    {"suspend", "account disabled", F, 0},
    {"suspend", "account that you tried to reach is disabled", F, 0},
    {"suspend", "account is suspended", F, 0},
    {"suspend", "account has been suspended", F, 0},
    {"suspend", "account suspended", F, 0},
    {"suspend", "account is locked", F, 0},
    {"suspend", "account is inactive", F, 0},
    {"suspend", "account * is inactive", F, 0},
    {"suspend", "account * is disabled", F, 0},
    {"suspend", "account is frozen", F, 0},
    {"suspend", "account is blocked", F, 0},
    {"suspend", "mailbox is disabled", F, 0},
    {"suspend", "mailbox disabled", F, 0},
    {"suspend", "mailbox is frozen", F, 0},
    {"suspend", "mailbox is inactive", F, 0},
    {"suspend", "mailbox currently suspended", F, 0},
    {"suspend", "mailbox is suspended", F, 0},
    {"suspend", "mailbox has been suspended", F, 0},
    {"suspend", "is a deactivated mailbox", F, 0},
    {"suspend", "has been suspended", F, 0},
    {"suspend", "is currently suspended", F, 0},
    {"suspend", "user suspended", F, 0},
    {"suspend", "temporarily inactive", F, 0},
    {"suspend", "temporary locked", F, 0},
    {"suspend", "disabled or discontinued", F, 0},
    {"suspend", "invalid/inactive user", F, 0},
    {"suspend", "recipient suspend", F, 0},
    {"suspend", "mailbox unavailable or access denied", F, 0},
    {"suspend", "boite du destinataire archivee", F, 0},
    {"suspend", "ящик заблокирован", F, 0},
    {"suspend", "ящик отключен", F, 0},
    {"suspend", "ящик временно заблокирован", F, 0},
    {"suspend", "учетная запись заблокирована", F, 0},
    {"suspend", "учётная запись заблокирована", F, 0},
    {"suspend", "учетная запись отключена", F, 0},

    /* the mailbox moved */
    {"hasmoved", " has been replaced by ", F, 0},
    {"hasmoved", "no longer on server", F, 0},
    {"hasmoved", "mailbox has moved", F, 0},
    {"hasmoved", "user has moved", F, 0},

    /* we may not relay through that server */
    {"norelaying", "relay access denied", F, 0},
    {"norelaying", "relaying denied", F, 0},
    {"norelaying", "relay denied", F, 0},
    {"norelaying", "no relaying", F, 0},
    {"norelaying", "relay not permitted", F, 0},
    {"norelaying", "relaying not permitted", F, 0},
    {"norelaying", "relaying not allowed", F, 0},
    {"norelaying", "relaying mail to", F, 0},
    {"norelaying", "unable to relay", F, 0},
    {"norelaying", "not allowed to relay", F, 0},
    {"norelaying", "permitted to relay", F, 0},
    {"norelaying", "not configured to relay", F, 0},
    {"norelaying", "we do not relay", F, 0},
    {"norelaying", "as a relay", F, 0},
    {"norelaying", "not an open relay", F, 0},
    {"norelaying", "insecure mail relay", F, 0},
    {"norelaying", "not a gateway", F, 0},
    {"norelaying", "not local host", F, 0},
    {"norelaying", "we don't handle mail for", F, 0},
    {"norelaying", "isn't in my list of allowed rcpthosts", F, 0},
    {"norelaying", "is not in my list of allowed rcpthosts", F, 0},
    {"norelaying", "requires authentication when attempting to send to a non-local", F, 0},
    {"norelaying", "релей запрещ", F, 0},

    /* the sender's domain failed DMARC, SPF or DKIM */
    {"authfailure", "dmarc", F, 0},
    {"authfailure", "spf check: fail", F, 0},
    {"authfailure", "spf validation", F, 0},
    {"authfailure", "spf fail", F, 0},
    {"authfailure", "bad spf records", F, 0},
    {"authfailure", "sender policy framework", F, 0},
    {"authfailure", "is not allowed to send mail from", F, 0},
    {"authfailure", "is not allowed to send from", F, 0},
    {"authfailure", "not designated by", F, 0},
    {"authfailure", "dkim signature", F, 0},
    {"authfailure", "dkim verification", F, 0},
    {"authfailure", "dkim check failed", F, 0},
    {"authfailure", "did not pass authentication", F, 0},
    {"authfailure", "not pass authentication", F, 0},
    {"authfailure", "unauthenticated email", F, 0},
    {"authfailure", "fails the authentication", F, 0},
    {"authfailure", "authentication checks failed", F, 0},
    {"authfailure", "fails to pass authentication", F, 0},
    {"authfailure", "to pass spf", F, 0},
    {"authfailure", "does not have authentication information", F, 0},

    /* the sending host has no (valid) reverse DNS */
    {"requireptr", "reverse dns", F, 0},
    {"requireptr", "reverse lookup", F, 0},
    {"requireptr", "rdns", F, 0},
    {"requireptr", "ptr record", F, 0},
    {"requireptr", "ptr resource record", F, 0},
    {"requireptr", "ptr-record", F, 0},
    {"requireptr", "no ptr", F, 0},
    {"requireptr", "cannot find your hostname", F, 0},
    {"requireptr", "can't find your hostname", F, 0},
    {"requireptr", "cannot resolve your address", F, 0},
    {"requireptr", "ip name lookup failed", F, 0},
    {"requireptr", "mismatches client ip", F, 0},
    {"requireptr", "client host name does not match", F, 0},
    {"requireptr", "without a valid sender domain", W, 0},
    {"requireptr", "generic dns", F, 0},
    {"requireptr", "dynamic ip", F, 0},
    {"requireptr", "dynamic-ip", F, 0},

    /* the sending IP's reputation */
    {"badreputation", "reputation", F, 0},
    {"badreputation", "poor email reputation", F, 0},
    {"badreputation", "sender score", F, 0},
    {"badreputation", "user complaints", F, 0},

    /* the message's form */
    {"notcompliantrfc", "multiple addresses in from", F, 0},
    {"notcompliantrfc", "duplicate header", F, 0},
    {"notcompliantrfc", "not rfc 5322 compliant", F, 0},
    {"notcompliantrfc", "not rfc5322 compliant", F, 0},
    {"notcompliantrfc", "rfc 5322", W, 0},
    {"notcompliantrfc", "rfc5322", W, 0},
    {"contenterror", "improper use of 8-bit data", F, 0},
    {"contenterror", "invalid mime", F, 0},
    {"contenterror", "mime complexity", F, 0},
    {"contenterror", "improperly-formatted", F, 0},
    {"contenterror", "unnecessary base64", F, 0},
    {"contenterror", "too many received", F, 0},

    /*
     * Cox's documented AUP codes (postmaster.cox.net "Error Codes"): they
     * come with "sender rejected" but name the sending IP's block or a
     * connection limit, so they come first.
     */
    {"blocked", "aup#cdrbl", F, 0},	/* IP blocked for spam-like behaviour */
    {"blocked", "aup#cxbl", F, 0},
    {"blocked", "aup#ipbl", F, 0},	/* IP in a DNSBL */
    {"toomanyconn", "aup#cxcnct", F, 0},	/* too many connections */
    {"toomanyconn", "aup#cxmxrt", F, 0},	/* too many messages */

    /*
     * Lotus Domino's and Notes' own directory verdicts: "not listed" in
     * its directory is an unknown user, not a block list.
     */
    {"userunknown", "not listed in domino directory", S, 0},
    {"userunknown", "not listed in public name & address book", S, 0},

    /* block lists (their names contain "spam"), and blocks for spam */
    {"blocked", "blocked using", F, 0},
    {"blocked", "client host blocked", F, 0},
    {"blocked", "spamhaus", F, 0},
    {"blocked", "spamcop", F, 0},
    {"blocked", "dnsbl", F, 0},

    /* a virus or a forbidden attachment (before spam: "virus detected; content rejected") */
    {"virusdetected", "virus", F, 0},
    {"virusdetected", "malware", F, 0},
    {"virusdetected", "executable attachment", F, 0},
    {"virusdetected", "infected", F, 0},

    /* the content looked like spam */
    {"spamdetected", "spam", F, 0},
    {"spamdetected", "unsolicited", F, 0},
    {"spamdetected", "bulk mail", F, 0},
    {"spamdetected", "bulk email", F, 0},
    {"spamdetected", "bulk e-mail", F, 0},
    {"spamdetected", "content rejected", F, 0},
    {"spamdetected", "message content rejected", F, 0},
    {"spamdetected", "content filter", F, 0},
    {"spamdetected", "mail content denied", F, 0},
    {"spamdetected", "rejected due to content", F, 0},
    {"spamdetected", "unacceptable content", F, 0},
    {"spamdetected", "rejecting banned content", F, 0},
    {"spamdetected", "mail rejete. mail rejected", F, 0},
    {"spamdetected", "ube, id=", F, 0},
    {"spamdetected", "reject, id=", F, 0},
    {"spamdetected", "uribl", F, 0},
    {"spamdetected", "blacklisted url", F, 0},
    {"spamdetected", "спам", F, 0},

    /* the server refuses the sender (envelope or header From) */
    {"rejected", "sender address rejected", F, 0},
    {"rejected", "sender address is rejected", F, 0},
    {"rejected", "sender rejected", F, 0},
    {"rejected", "sender email address rejected", F, 0},
    {"rejected", "domain of sender address", F, 0},
    {"rejected", "sender domain", F, 0},
    {"rejected", "sender verify failed", F, 0},
    {"rejected", "sender verification", F, 0},
    {"rejected", "purported responsible address", F, 0},	/* Sender ID's PRA: the sender */
    {"rejected", "unroutable sender", F, 0},
    {"rejected", "unverified sender", F, 0},
    {"rejected", "invalid sender", F, 0},
    {"rejected", "bad sender", F, 0},
    {"rejected", "sender is not allowed", F, 0},
    {"rejected", "sender not allowed", F, 0},
    {"rejected", "sender not pre-approved", F, 0},
    {"rejected", "sender is in my black list", F, 0},
    {"rejected", "sender is spammer", F, 0},
    {"rejected", "bogus mail from", F, 0},
    {"rejected", "mail from not owned", F, 0},
    {"rejected", "null sender", F, 0},
    {"rejected", "empty envelope sender", F, 0},
    {"rejected", "empty sender", F, 0},
    {"rejected", "no third-party dsns", F, 0},
    {"rejected", "returned mail not accepted", F, 0},
    {"rejected", "batv", F, 0},
    {"rejected", "backscatter", F, 0},
    {"rejected", "from: domain is invalid", F, 0},
    {"rejected", "address has been blacklisted", F, 0},
    {"rejected", "address that has been blacklisted", F, 0},
    {"rejected", "you are not a member", F, 0},
    {"rejected", "not allowed to post", F, 0},
    {"rejected", "permission to post", F, 0},
    {"rejected", "not a registered gateway user", F, 0},
    {"rejected", "send mail as", F, 0},
    {"rejected", "list of senders to accept mail from", F, 0},
    {"rejected", "only accepting mail from specific", W, 0},
    {"rejected", "fully qualified email address required", F, 0},
    {"rejected", "does not exist e2110", F, 0},
    {"rejected", "отправитель отклонен", F, 0},
    {"rejected", "отправитель отклонён", F, 0},

    /*
     * The sender sends too fast for the receiver (Sisimai 5's
     * "speeding"): a per-hour quota, a mailbox receiving too fast.
     */
    {"speeding", "too many recipients this hour", F, 0},
    {"speeding", "receiving mail at a rate that prevents additional messages", F, 0},

    /* too many connections or messages: a rate limit */
    {"toomanyconn", "too many connections", F, 0},
    {"toomanyconn", "too many concurrent", F, 0},
    {"toomanyconn", "too many smtp sessions", F, 0},
    {"toomanyconn", "too many sessions", F, 0},
    {"toomanyconn", "too many recipients", F, 0},
    {"toomanyconn", "too many messages", F, 0},
    {"toomanyconn", "too many errors", W, 0},
    {"toomanyconn", "connection limit", F, 0},
    {"toomanyconn", "connection rate", F, 0},
    {"toomanyconn", "rate limit", F, 0},
    {"toomanyconn", "rate-limit", F, 0},
    {"toomanyconn", "ratelimit", F, 0},
    {"toomanyconn", "frequency limited", F, 0},
    {"toomanyconn", "throttl", F, 0},
    {"toomanyconn", "sending rate", F, 0},
    {"toomanyconn", "max emails per hour", F, 0},
    {"toomanyconn", "daily message quota", F, 0},
    {"toomanyconn", "daily sending quota", F, 0},
    {"toomanyconn", "trop de connexions", F, 0},
    {"toomanyconn", "слишком много", F, 0},

    /* the sending IP or host is blocked */
    {"blocked", "blacklisted", F, 0},
    {"blocked", "black list", F, 0},
    {"blocked", "blacklist", F, 0},
    {"blocked", "blocklist", F, 0},
    {"blocked", "block list", F, 0},
    {"blocked", "blocked list", F, 0},
    {"blocked", "denylist", F, 0},
    {"blocked", "barracudacentral", F, 0},
    {"blocked", "rbl", W, 0},
    {"blocked", "listed at", F, 0},
    {"blocked", "listed on", F, 0},
    {"blocked", "listed in", F, 0},
    {"blocked", "is listed by", F, 0},
    {"blocked", "banned sending ip", F, 0},
    {"blocked", "sending ip", W, 0},
    {"blocked", "client host rejected", F, 0},
    {"blocked", "client host * blocked", F, 0},
    {"blocked", "access from ip address * blocked", F, 0},
    {"blocked", "ip * blocked", F, 0},
    {"blocked", "ip address * blocked", F, 0},
    {"blocked", "blocked ip", F, 0},
    {"blocked", "ip blocked", F, 0},
    {"blocked", "ip address blocked", F, 0},
    {"blocked", "your ip", W, 0},
    {"blocked", "your network", W, 0},
    {"blocked", "not currently accepting mail from your ip", F, 0},
    {"blocked", "connections not accepted from", F, 0},
    {"blocked", "connection refused by", F, 0},
    {"blocked", "not allowed to connect", F, 0},
    {"blocked", "refused to talk to me", F, 0},
    {"blocked", "my name was rejected", F, 0},
    {"blocked", "helo command rejected", F, 0},
    {"blocked", "invalid helo", F, 0},
    {"blocked", "bad helo", F, 0},
    {"blocked", "please use the smtp server of your isp", F, 0},
    {"blocked", "use your isp", F, 0},
    {"blocked", "after initial connection", W, 0},
    {"blocked", "messages from * weren't sent", F, 0},	/* Outlook.com: an IP */
    {"blocked", "weren't sent", W, 0},
    {"blocked", "service refused", F, 0},	/* at the greeting: the client */
    {"blocked", "service refuse", W, 0},
    {"blocked", "service not available, closing transmission channel", W, 0},
    {"blocked", "go away", F, 0},
    {"blocked", "invalid ip for sending mail", F, 0},
    {"blocked", "not accepting connections", F, 0},
    {"blocked", "no access from mail server", F, 0},
    {"blocked", "was blocked by", F, 0},
    {"blocked", "has been blocked", W, 0},
    {"blocked", "blocked by", W, 0},
    {"blocked", "are blocked", W, 0},
    {"blocked", "ваш ip", F, 0},
    {"blocked", "заблокирован", W, 0},

    /* the receiving side's policy: says nothing about the address */
    {"policyviolation", "policy violation", F, 0},
    {"policyviolation", "protocol violation", F, 0},
    {"policyviolation", "header error", F, 0},
    {"policyviolation", "content presents a potential", F, 0},	/* "... security issue" */
    {"policyviolation", "violates policy", F, 0},
    {"policyviolation", "denied by policy", F, 0},
    {"policyviolation", "for policy reasons", F, 0},
    {"policyviolation", "due to local policy", F, 0},
    {"policyviolation", "organization policy", F, 0},
    {"policyviolation", "organizational settings", F, 0},
    {"policyviolation", "security policies", F, 0},
    {"policyviolation", "illegal attachment", F, 0},
    {"policyviolation", "attachment guidelines", F, 0},
    {"policyviolation", "not accepting mail with", F, 0},
    {"policyviolation", "members-only list", F, 0},
    {"policyviolation", "closed mailing list", F, 0},
    {"policyviolation", "host network not allowed", F, 0},
    {"policyviolation", "message given low priority", F, 0},
    {"policyviolation", "политик", F, 0},

    /* authentication or encryption required */
    {"securityerror", "authentication required", F, 0},
    {"securityerror", "authentication is required", F, 0},
    {"securityerror", "authentication failed", F, 0},
    {"securityerror", "authentication failure", F, 0},
    {"securityerror", "authentication credentials invalid", F, 0},
    {"securityerror", "smtp authentication", F, 0},
    {"securityerror", "authrequired", F, 0},
    {"securityerror", "unauthenticated senders not allowed", F, 0},
    {"securityerror", "you don't authenticate", F, 0},
    {"securityerror", "must authenticate", F, 0},
    /* the TLS handshake itself failed (Sisimai 5's "failedstarttls") */
    {"failedstarttls", "does not support tls", F, 0},
    {"failedstarttls", "starttls failed", F, 0},
    {"failedstarttls", "tls negotiation failed", F, 0},
    {"failedstarttls", "tls handshake failed", F, 0},
    {"securityerror", "tls required", F, 0},
    {"securityerror", "must issue a starttls", F, 0},
    {"securityerror", "encryption required", F, 0},
    {"securityerror", "not authorized to", W, 0},
    {"securityerror", "verification failure", F, 0},

    /* the domain does not accept mail (null MX, RFC 7505) */
    {"notaccept", "null mx", F, 0},
    {"notaccept", "nullmx", F, 0},
    {"notaccept", "does not accept mail", F, 0},
    {"notaccept", "doesn't receive email", F, 0},
    {"notaccept", "does not receive email", F, 0},
    {"notaccept", "doesn't accept email", F, 0},
    {"notaccept", "no smtp service", F, 0},
    {"notaccept", "not accepting network messages", F, 0},

    /* a temporary name service failure: not yet "no such domain" */
    {"networkerror", "dns error", F, 0},
    {"networkerror", "host not found, try again", F, 0},
    {"networkerror", "host name lookup failure", F, 0},
    {"networkerror", "malformed name server reply", F, 0},
    {"networkerror", "unexpected name server reply", F, 0},
    {"networkerror", "temporary lookup failure", F, 0},
    {"hostunknown", "dns lookup failure: host", F, 0},	/* dma: no MX, no A */
    {"networkerror", "dns lookup failure", F, 0},
    {"networkerror", "dns records for the destination computer could not be found", F, 0},

    /* the recipient's domain does not exist */
    {"hostunknown", "host unknown", F, 0},
    {"hostunknown", "unknown host", F, 0},
    {"hostunknown", "host or domain name not found", F, 0},
    {"hostunknown", "domain does not exist", F, 0},
    {"hostunknown", "domain not found", F, 0},
    {"hostunknown", "domain name not found", F, 0},
    {"hostunknown", "no such domain", F, 0},
    {"hostunknown", "unknown domain", F, 0},
    {"hostunknown", "domain is unknown", F, 0},
    {"hostunknown", "invalid domain", W, 0},
    {"hostunknown", "domain must exist", F, 0},
    {"hostunknown", "couldn't find any host named", F, 0},
    {"hostunknown", "could not find any host named", F, 0},
    {"hostunknown", "couldn't find a mail exchanger", F, 0},
    {"hostunknown", "no mx record", F, 0},
    {"hostunknown", "no mail exchanger", F, 0},
    {"hostunknown", "name or service not known", F, 0},
    {"hostunknown", "unrouteable address", F, 0},
    {"hostunknown", "unroutable address", F, 0},
    {"hostunknown", "domain is not reachable", F, 0},
    {"hostunknown", "we do not serve", W, 0},
    {"hostunknown", "домен не существует", F, 0},
    {"hostunknown", "домен не найден", F, 0},

    /* the recipient does not exist: said plainly */
    {"userunknown", "user unknown", F, 0},
    {"userunknown", "unknown user", F, 0},
    {"userunknown", "user is unknown", F, 0},
    {"userunknown", "unknown recipient", F, 0},
    {"userunknown", "recipient unknown", F, 0},
    {"userunknown", "unknown local part", F, 0},
    {"userunknown", "unknown local-part", F, 0},
    {"userunknown", "unknown mailbox", F, 0},
    {"userunknown", "unknown email address", F, 0},
    {"userunknown", "unknown e-mail address", F, 0},
    {"userunknown", "unknown or illegal user", F, 0},
    {"userunknown", "no such user", F, 0},
    {"userunknown", "no such recipient", F, 0},
    {"userunknown", "no such mailbox", F, 0},
    {"userunknown", "no such address", F, 0},
    {"userunknown", "no such person", F, 0},
    {"userunknown", "no such account", F, 0},
    {"userunknown", "no mailbox here by that name", F, 0},
    {"userunknown", "no mailbox by that name", F, 0},
    {"userunknown", "no account by that name", F, 0},
    {"userunknown", "no mailbox found", F, 0},
    {"userunknown", "no mail box available for this user", F, 0},
    {"userunknown", "user not found", F, 0},
    {"userunknown", "user not exist", F, 0},
    {"userunknown", "user not known", F, 0},
    {"userunknown", "user does not exist", F, 0},
    {"userunknown", "user doesn't exist", F, 0},
    {"userunknown", "user * does not exist", F, 0},
    {"userunknown", "user * was not found", F, 0},
    /*
     * Providers' own directory verdicts, as they document them: Yahoo's
     * help ("Email sent to Yahoo Mail addresses is rejected") says "554
     * delivery error: dd This user doesn't have a ... account" means the
     * user does not exist; an MMS centre's (MMSC) report "No valid
     * recipients for this MM" (MM: a multimedia message) that the number
     * is not its subscriber.  The bare "This user doesn't have a ...
     * account" of other gateways stays under rule 7.
     */
    {"userunknown", "delivery error: dd this user doesn't have a", S, 0},
    {"userunknown", "no valid recipients for this mm", S, 0},
    {"userunknown", "user doesn't have a", F, 0},
    {"userunknown", "user does not have a", F, 0},
    {"userunknown", "recipient not found", F, 0},
    {"userunknown", "recipient does not exist", F, 0},
    {"userunknown", "recipient * does not exist", F, 0},
    {"userunknown", "recipient * was not found", F, 0},
    {"userunknown", "recipnotfound", S, 0},
    {"userunknown", "invalid final delivery userid", S, 0},	/* IMail's own delivery */
    {"userunknown", "recipientnotfound", S, 0},
    {"userunknown", "recipient name is not recognized", S, 0},
    {"userunknown", "email account that you tried to reach does not exist", S, 0},
    {"userunknown", "mailbox does not exist", F, 0},
    {"userunknown", "mailbox * does not exist", F, 0},
    {"userunknown", "mailbox not found", F, 0},
    {"userunknown", "mailbox not present", F, 0},
    {"userunknown", "mailbox is not valid", F, 0},
    {"userunknown", "address does not exist", F, 0},
    {"userunknown", "address doesn't exist", F, 0},
    {"userunknown", "address not found", F, 0},
    {"userunknown", "address couldn't be found", F, 0},
    {"userunknown", "address could not be found", F, 0},
    {"userunknown", "address is not known", F, 0},
    {"userunknown", "address unknown", F, 0},
    {"userunknown", "address not present in directory", F, 0},
    {"userunknown", "account does not exist", F, 0},
    {"userunknown", "account * does not exist", F, 0},
    {"userunknown", "account that you tried to reach does not exist", F, 0},
    {"userunknown", "does not exist here", F, 0},
    {"userunknown", "is not a valid mailbox", F, 0},
    {"userunknown", "is not a known user", F, 0},
    {"userunknown", "not a valid user", F, 0},
    {"userunknown", "not a valid recipient", F, 0},
    {"userunknown", "non-existent user", F, 0},
    {"userunknown", "nonexistent user", F, 0},
    {"userunknown", "non existent user", F, 0},
    {"userunknown", "non-existent recipient", F, 0},
    {"userunknown", "there is no one at this address", F, 0},
    {"userunknown", "no longer accepts mail", F, 0},
    {"userunknown", "is no longer valid", F, 0},
    {"userunknown", "bad destination mailbox address", F, 0},
    {"userunknown", "bad recipient", F, 0},
    {"userunknown", "validrcptto", F, 0},
    {"userunknown", "user missing home directory", F, 0},
    {"userunknown", "unknown or invalid virtual user", F, 0},
    {"userunknown", "utilisateur inconnu", F, 0},
    {"userunknown", "destinataire invalide", F, 0},
    {"userunknown", "destinataire inconnu", F, 0},
    {"userunknown", "benutzer unbekannt", F, 0},
    {"userunknown", "unbekannter empfänger", F, 0},
    {"userunknown", "usuario desconocido", F, 0},
    {"userunknown", "no existe", F, 0},
    {"userunknown", "utente sconosciuto", F, 0},
    {"userunknown", "nessun utente", F, 0},
    {"userunknown", "пользователь не найден", F, 0},
    {"userunknown", "пользователь не существует", F, 0},
    {"userunknown", "нет такого пользователя", F, 0},
    {"userunknown", "неизвестный пользователь", F, 0},
    {"userunknown", "адрес не существует", F, 0},
    {"userunknown", "адрес получателя не найден", F, 0},
    {"userunknown", "получатель не найден", F, 0},
    {"userunknown", "ящик не существует", F, 0},
    {"userunknown", "ящик не найден", F, 0},
    {"userunknown", "такого ящика нет", F, 0},
    {"userunknown", "ディレクトリのリストにありません", F, 0},
    {"userunknown", "存在しない", W, 0},
    /* Exchange Online's directory check says "access denied" on 5.4.1 */
    {"userunknown", "recipient address rejected: access denied", S, "5.4.1"},

    /* the recipient refuses us: by its own filter or preferences */
    {"filtered", "refuse to receive mail", F, 0},
    {"filtered", "refused due to recipient preferences", F, 0},
    {"filtered", "rejected due to user rules", F, 0},
    {"filtered", "user reject", F, 0},
    {"filtered", "you have been blocked by the recipient", F, 0},
    {"filtered", "blocked by the recipient", F, 0},
    {"filtered", "is not accepting any mail", F, 0},
    {"filtered", "not accepting mail from", W, 0},
    {"filtered", "restricted sms e-mail", F, 0},
    {"filtered", "resolver.rst.notauthorized", F, 0},
    {"filtered", "this account is protected by", F, 0},
    {"filtered", "bounced address", F, 0},
    {"filtered", "badrcptto", F, 0},
    {"filtered", "badrecipientto", F, 0},
    /*
     * Postfix's access(5) REJECT keyed on the recipient's address
     * (check_recipient_access): that address is refused for good, but
     * like any "user unknown" only when it answered RCPT TO (rule 7).
     */
    {"userunknown", "recipient address rejected: access denied", F, 0},
    {"filtered", "due to extended inactivity", F, 0},

    /* the receiving system itself has trouble */
    {"systemfull", "mail system full", F, 0},
    {"systemfull", "insufficient disk space", F, 0},
    {"systemfull", "insufficient system storage", F, 0},
    {"systemfull", "exceeded storage allocation", F, 0},
    {"systemfull", "system storage", W, 0},
    {"systemerror", "mail loop", W, 0},
    {"systemerror", "loops back to myself", F, 0},
    {"systemerror", "loop was found", F, 0},
    {"systemerror", "forwarding loop", F, 0},
    {"systemerror", "local configuration error", F, 0},
    {"systemerror", "configuration error", F, 0},
    {"systemerror", "misconfigured", F, 0},
    {"systemerror", "local error in processing", F, 0},
    {"systemerror", "temporary local problem", F, 0},
    {"systemerror", "internal error", F, 0},
    {"systemerror", "internal server error", F, 0},
    {"systemerror", "system error", F, 0},
    {"systemerror", "queue file write error", F, 0},
    {"systemerror", "could not load drd", F, 0},
    {"systemerror", "ldap server", F, 0},
    {"systemerror", "directory server", F, 0},
    {"systemerror", "interrupted system call", F, 0},
    {"systemerror", "duplicated message-id", F, 0},
    {"systemerror", "service currently unavailable", F, 0},
    {"systemerror", "service unavailable", W, 0},
    {"systemerror", "try again later", W, 0},
    {"systemerror", "try later", W, 0},
    {"systemerror", "timeout waiting for input", F, 0},
    {"systemerror", "transaction failed", W, 0},

    /* the network */
    {"networkerror", "no route to host", F, 0},
    {"networkerror", "network error", F, 0},
    {"networkerror", "routing loop", F, 0},
    {"networkerror", "too many hops", F, 0},
    {"networkerror", "hop count exceeded", F, 0},
    {"networkerror", "host is unreachable", F, 0},
    {"networkerror", "network is unreachable", F, 0},
    {"networkerror", "wasn't able to establish an smtp connection", F, 0},
    {"networkerror", "unable to resolve route", F, 0},
    {"networkerror", "unrouteable mail domain", F, 0},
    {"networkerror", "message looping", F, 0},
    {"networkerror", "forwarded more than the maximum allowed times", F, 0},
    {"networkerror", "dns query failed", F, 0},
    {"networkerror", "connection reset", W, 0},
    {"networkerror", "lost connection", W, 0},

    /* the message waited too long in a queue */
    {"expired", "delivery time expired", F, 0},
    {"expired", "could not find a gateway for", F, 0},
    {"expired", "envelope expired", F, 0},
    {"expired", "could not deliver for the last", F, 0},
    {"expired", "host not reachable", W, 0},
    {"expired", "message expired", F, 0},
    {"expired", "message timed out", F, 0},
    {"expired", "retry timeout exceeded", F, 0},
    {"expired", "retry time not reached", F, 0},
    {"expired", "have been failing for a long time", F, 0},
    {"expired", "has been failing for a long time", F, 0},
    {"expired", "in the queue too long", F, 0},
    {"expired", "in queue too long", F, 0},
    {"expired", "delivery failed * attempts", F, 0},
    {"expired", "expired after sitting in queue", F, 0},
    {"expired", "not delivered within", F, 0},
    {"expired", "could not be delivered for more than", F, 0},
    {"expired", "was not reachable within the allowed queue period", F, 0},
    {"expired", "unable to deliver message after multiple retries", F, 0},
    {"expired", "it has not been collected after", F, 0},
    {"expired", "has been delayed", F, 0},
    {"expired", "will be retried", F, 0},
    {"expired", "delivery attempts will continue", F, 0},
    {"expired", "still trying", F, 0},
    {"expired", "connection timed out", F, 0},
    {"expired", "timed out", W, 0},
    {"expired", "did not accept our requests to connect", F, 0},
    {"expired", "server did not respond", F, 0},
    {"expired", "could not connect", W, 0},
    {"expired", "connection refused", W, 0},
    {"expired", "failed to connect", W, 0},
    {"expired", "giving up on", W, 0},

    /* weak: MTAs say these for unknown users, and for other things too */
    {"userunknown", "invalid recipient", W, 0},
    {"userunknown", "unknown address", W, 0},
    {"userunknown", "invalid mailbox", W, 0},
    {"userunknown", "invalid address", W, 0},
    {"userunknown", "invalid user", W, 0},
    {"userunknown", "mailbox unavailable", W, 0},
    {"userunknown", "mailbox is unavailable", W, 0},
    {"userunknown", "recipient address rejected", P, 0},
    {"userunknown", "recipient rejected", P, 0},
    {"userunknown", "address rejected", P, 0},
    {"userunknown", "recipient not ok", W, 0},
    {"userunknown", "not a local address", W, 0},
    {"userunknown", "is not local", W, 0},
    {"userunknown", "does not exist", W, 0},
    {"userunknown", "not found", W, 0},
    {"userunknown", "does not like recipient", W, 0},
    {"userunknown", "the following recipients was undeliverable", W, 0},

    /* syntax */
    {"syntaxerror", "syntax error", F, 0},
    {"syntaxerror", "malformed address", F, 0},
    {"syntaxerror", "bad sequence of commands", W, 0},
    {"syntaxerror", "improper sequence of commands", W, 0},

    /* rejected somewhere with no reason given */
    {"rejected", "mail rejected by destination domain", F, 0},
    {"rejected", "administrative prohibition", F, 0},
    {"securityerror", "delivery not authorized", W, 0},	/* RFC 3463's 5.7.1 */
    {"securityerror", "access denied", W, 0},
    /*
     * a recipient's server refused it and gave no reason (the "Mail System
     * Error - Returned Mail" notices: "Each of the following recipients
     * was rejected by a remote mail server", with the server's reasons
     * under it when there are any): the recipient's side refused us
     */
    {"filtered", "recipients was rejected by a remote mail server", W, 0},
};
const size_t reason_phrase_count = sizeof(reason_phrases) / sizeof(reason_phrases[0]);

#define H	REASON_HINT
#define D	REASON_DECISIVE
#define E	REASON_EXISTS

/*
 * RFC 3463 (and the later RFCs 3886, 4468, 4865, 4954, 5248, 6710, 7293,
 * 7372, 7505, 8098) with what each code tells about the recipient.
 */
/*
 * Spectrum (Charter) publishes its codes on spectrum.net's "Understanding
 * email error codes" page and quotes one, "AUP#In-1310", with a link to
 * that page in each refusal: 1000 the IP is blocked, 1010-1080 the
 * sending account is limited, 1090 a system error, 1100-1150 the IP's
 * DNS, 1160-1190 the domain's security policy, 1200-1250 the IP is
 * listed (Cloudmark, Spamhaus), 1260 IPv6 is refused, 1300-1490
 * connection and volume limits, 1500-1520 a forged sender, 1530 the
 * size, 1540-1550 too many messages or recipients, 1560 too many
 * invalid recipients.
 */
const REASON_CODE reason_codes[] = {
    {"aup#", 1000, 1000, "blocked"},
    {"aup#", 1010, 1080, "rejected"},
    {"aup#", 1090, 1090, "systemerror"},
    {"aup#", 1100, 1150, "blocked"},
    {"aup#", 1160, 1190, "policyviolation"},
    {"aup#", 1200, 1250, "blocked"},
    {"aup#", 1260, 1260, "networkerror"},
    {"aup#", 1300, 1490, "toomanyconn"},
    {"aup#", 1500, 1520, "rejected"},
    {"aup#", 1530, 1530, "mesgtoobig"},
    {"aup#", 1540, 1550, "toomanyconn"},
    {"aup#", 1560, 1560, "policyviolation"},
};

const size_t reason_code_count = sizeof(reason_codes) / sizeof(reason_codes[0]);

const REASON_STATUS reason_statuses[] = {
    {0, 1, 1, 0, "userunknown", D},	/* bad destination mailbox address */
    {0, 1, 2, 0, "hostunknown", D},	/* bad destination system address */
    {0, 1, 3, 0, "userunknown", D},	/* bad destination mailbox syntax */
    {0, 1, 4, 0, "filtered", H},		/* destination mailbox ambiguous */
    {0, 1, 6, 0, "hasmoved", D},		/* mailbox has moved */
    {0, 1, 7, 0, "rejected", D},		/* bad sender's mailbox syntax */
    {0, 1, 8, 0, "rejected", D},		/* bad sender's system address */
    {0, 1, 9, 0, "systemerror", H},	/* relayed to non-compliant mailer */
    {0, 1, 10, 0, "notaccept", D},		/* recipient has a null MX */
    {0, 1, -1, 0, "userunknown", H},	/* other address status */
    {0, 2, 1, 0, "filtered", E},		/* mailbox disabled */
    {0, 2, 2, 0, "mailboxfull", D},	/* mailbox full */
    {0, 2, 3, 0, "exceedlimit", D},	/* message length exceeds limit */
    {0, 2, 4, 0, "filtered", E},		/* mailing list expansion problem */
    {0, 2, -1, 0, "filtered", E},		/* other mailbox status */
    {0, 3, 1, 0, "systemfull", D},		/* mail system full */
    {0, 3, 2, 0, "notaccept", H},		/* not accepting network messages */
    {0, 3, 4, 0, "mesgtoobig", D},		/* message too big for system */
    {0, 3, -1, 0, "systemerror", H},	/* mail system status */
    {4, 4, 1, 0, "expired", H},		/* no answer from host */
    {0, 4, 1, 0, "networkerror", H},
    {0, 4, 2, 0, "networkerror", H},	/* bad connection */
    {0, 4, 3, 0, "systemerror", H},	/* directory server failure */
    {0, 4, 4, 0, "hostunknown", H},	/* unable to route */
    {0, 4, 5, 0, "systemfull", H},		/* mail system congestion */
    {0, 4, 6, 0, "networkerror", H},	/* routing loop detected */
    {0, 4, 7, 0, "expired", D},		/* delivery time expired */
    {0, 4, -1, 0, "networkerror", H},	/* network and routing status */
    {0, 5, 3, 0, "toomanyconn", H},	/* too many recipients */
    {0, 5, -1, 0, "syntaxerror", H},	/* protocol status */
    {0, 6, -1, 0, "contenterror", D},	/* media status */
    {0, 7, 1, 0, "securityerror", D},	/* delivery not authorized */
    {0, 7, 13, 0, "suspend", D},		/* user account disabled */
    {0, 7, 17, 0, "hasmoved", D},		/* mailbox owner has changed */
    {0, 7, 18, 0, "hasmoved", D},		/* domain owner has changed */
    {0, 7, 23, 0, "authfailure", D},	/* SPF validation failed */
    {0, 7, 24, 0, "authfailure", D},	/* SPF validation error */
    {0, 7, 25, 0, "requireptr", D},	/* reverse DNS validation failed */
    {0, 7, 26, 0, "authfailure", D},	/* multiple authentication checks */
    {0, 7, 27, 0, "notaccept", D},		/* sender has a null MX */
    /* Microsoft's own codes (Exchange Online, Outlook.com) */
    {0, 7, 509, 0, "authfailure", D},	/* DMARC reject */
    {0, 7, 510, 0, "securityerror", D},	/* DANE, TLS */
    {0, 7, 511, 0, "blocked", D},		/* banned sender */
    {0, 7, 606, 649, "blocked", D},	/* banned sending IP */
    {0, 7, 650, 0, "badreputation", D},	/* IP reputation */
    {0, 7, 700, 750, "blocked", D},	/* tenant sending blocked */
    {0, 4, 316, 0, "expired", D},		/* message expired */
    {0, 7, -1, 0, "securityerror", D},	/* security or policy status */
};
const size_t reason_status_count = sizeof(reason_statuses) / sizeof(reason_statuses[0]);

/* RFC 5321 reply codes that tell more than their class. */
const REASON_REPLY reason_replies[] = {
    {421, "blocked"},			/* service not available, closing */
    {452, "systemfull"},		/* insufficient system storage */
    {552, "mailboxfull"},		/* exceeded storage allocation */
    {501, "syntaxerror"},		/* syntax error in parameters */
    {502, "syntaxerror"},		/* command not implemented */
    {503, "syntaxerror"},		/* bad sequence of commands */
    {504, "syntaxerror"},		/* command parameter not implemented */
    {554, "onhold"},			/* transaction failed */
};
const size_t reason_reply_count = sizeof(reason_replies) / sizeof(reason_replies[0]);

/* Where a text says which command its reply answered. */
const REASON_STAGE_PHRASE reason_stages[] = {
    {REASON_STAGE_CONN, "after initial connection"},
    {REASON_STAGE_CONN, "in reply to initial greeting"},
    {REASON_STAGE_CONN, "refused to talk to me"},
    {REASON_STAGE_HELO, "after ehlo"},
    {REASON_STAGE_HELO, "after helo"},
    {REASON_STAGE_HELO, "in reply to ehlo command"},
    {REASON_STAGE_HELO, "in reply to helo command"},
    {REASON_STAGE_HELO, "my name was rejected"},
    {REASON_STAGE_MAIL, "after mail from"},
    {REASON_STAGE_MAIL, "in reply to mail from command"},
    {REASON_STAGE_MAIL, "in reply to mail command"},
    {REASON_STAGE_MAIL, "but sender was rejected"},
    {REASON_STAGE_RCPT, "after rcpt to"},
    {REASON_STAGE_RCPT, "in reply to rcpt to command"},
    {REASON_STAGE_RCPT, "in reply to rcpt command"},
    {REASON_STAGE_RCPT, "does not like recipient"},
    {REASON_STAGE_RCPT, "[rcpt_to]"},
    {REASON_STAGE_RCPT, "rcpt to response"},
    {REASON_STAGE_RCPT, "did not like our rcpt to"},
    {REASON_STAGE_RCPT, "because the address couldn't be found"},
    {REASON_STAGE_RCPT, ">>> rcpt to"},
    {REASON_STAGE_DATA, "after end of data"},
    {REASON_STAGE_DATA, "after data"},
    {REASON_STAGE_DATA, "in reply to end of data command"},
    {REASON_STAGE_DATA, "in reply to data command"},
    {REASON_STAGE_DATA, ">>> data"},
    {REASON_STAGE_DATA, "failed after i sent the message"},
};
const size_t reason_stage_count = sizeof(reason_stages) / sizeof(reason_stages[0]);
