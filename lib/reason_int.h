#ifndef LIVEADDR_REASON_INT_H
#define LIVEADDR_REASON_INT_H

/*++
 * NAME
 *	reason_int 3h
 * SUMMARY
 *	the reason classifier's tables (reason_table.c), for reason.c only
 * DESCRIPTION
 *	REASON_PHRASE: one way MTAs word one reason, in the normalised form
 *	reason.c matches against (lower-case ASCII, Cyrillic lower-cased,
 *	one space for any run of white space, typographic quotes as ASCII).
 *	A phrase is a literal; "*" in it stands for at most
 *	REASON_GAP_MAX bytes of anything, "^" at its start anchors it at
 *	the start of the text.  The table is in priority order: the first
 *	row that matches names the reason.
 *
 *	REASON_STATUS: what an RFC 3463 status says, class 0 for "either
 *	4 or 5", detail -1 for "any detail of this subject", or a range of
 *	details (providers' own codes, such as Microsoft's 5.7.606-649).
 *	The first matching row counts.
 *
 *	The functions are those of reason_text.c (what a text says),
 *	reason_sieve.c (which patterns can match it) and reason_provider.c
 *	(a provider's own wording, for its own mailboxes), used by reason.c
 *	(the decision).
 *--*/

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define REASON_GAP_MAX	80		/* what "*" in a phrase may span */

/* Phrase strength: how a phrase weighs against a status code. */
#define REASON_FIRM	0		/* wins over any status */
#define REASON_WEAK	1		/* a decisive status wins over it */
#define REASON_SURE	2		/* firm, and a "user unknown" that
					 * needs no corroboration: the
					 * reporting system's own directory
					 * lookup said so */
#define REASON_PREFIX	3		/* weak, and only when the reply
					 * says no more: "Recipient address
					 * rejected." counts, "Recipient
					 * address rejected: On hold" (a
					 * reason we do not know) does not */

typedef struct {
    const char *reason;
    const char *phrase;
    int     strength;			/* REASON_FIRM, _WEAK, _SURE */
    const char *status;			/* only with this status prefix; NULL */
} REASON_PHRASE;

/* Status strength: how a status weighs against a phrase. */
#define REASON_HINT	0		/* any phrase wins over it */
#define REASON_DECISIVE	1		/* wins over weak phrases */
#define REASON_EXISTS	2		/* the mailbox exists (x.2.x): a hint
					 * that wins over a phrase naming a
					 * hard reason */

typedef struct {
    int     cls;			/* 4, 5; 0 either */
    int     subject;
    int     detail;			/* -1 any */
    int     detail_last;		/* a range detail..detail_last; 0 none */
    const char *reason;
    int     strength;			/* REASON_HINT, _DECISIVE, _EXISTS */
} REASON_STATUS;

typedef struct {
    int     code;			/* 550; a multiple of 100: the class */
    const char *reason;
} REASON_REPLY;

/*
 * The SMTP stage a text says the reply answered ("in reply to RCPT TO
 * command", "after MAIL FROM:").  What a refusal with no known phrase
 * means depends on it: at the connection or HELO, the sending host is
 * blocked; at MAIL FROM, the sender is rejected; and a "user unknown" to
 * DATA (the recipient was accepted before) is a filter.
 */
typedef enum {
    REASON_STAGE_NONE = 0,
    REASON_STAGE_CONN,
    REASON_STAGE_HELO,
    REASON_STAGE_MAIL,
    REASON_STAGE_RCPT,
    REASON_STAGE_DATA,
} REASON_STAGE;

typedef struct {
    REASON_STAGE stage;
    const char *phrase;
} REASON_STAGE_PHRASE;

/*
 * A provider's numbered error code, where the provider documents its
 * codes and puts one in every refusal of a kind: the marker, then
 * letters or "-", then the number ("AUP#In-1310").  The first row whose
 * range holds the number names the reason, before any phrase.
 */
typedef struct {
    const char *marker;			/* normalised, e.g. "aup#" */
    int     low;
    int     high;
    const char *reason;
} REASON_CODE;

extern const REASON_CODE reason_codes[];
extern const size_t reason_code_count;
extern const REASON_PHRASE reason_phrases[];
extern const size_t reason_phrase_count;
extern const REASON_STATUS reason_statuses[];
extern const size_t reason_status_count;
extern const REASON_REPLY reason_replies[];
extern const size_t reason_reply_count;
extern const REASON_STAGE_PHRASE reason_stages[];
extern const size_t reason_stage_count;

/* An RFC 3463 status read from a text or given: class 0 when none. */
typedef struct {
    int     cls;
    int     subject;
    int     detail;
} REASON_STATUS3;

#define REASON_NORM_MAX	2048		/* normalised text, with its NUL */

/*
 * Which patterns of the tables can match a text (reason_marks()): one bit
 * per phrase, code marker and stage phrase, the tables one after another.
 */
#define REASON_MARK_PHRASE	0
#define REASON_MARK_CODE	1
#define REASON_MARK_STAGE	2
#define REASON_MARK_TABLES	3
#define REASON_MARK_MAX		2048	/* patterns of all tables */

typedef struct {
    uint64_t bits[REASON_MARK_MAX / 64];
} REASON_MARKS;

extern size_t reason_norm(const char *in, char *out, size_t outlen);
extern const char *reason_provider_row(const char *recipient, const char *remote_mta,
				               const char *text);
extern void reason_marks(const char *text, size_t tlen, REASON_MARKS *m);
extern size_t reason_next_marked(const REASON_MARKS *m, int table, size_t i);
extern bool reason_pattern_match(const char *text, size_t tlen, const char *pat);
extern bool reason_status_at(const char *cp, REASON_STATUS3 *st);
extern bool reason_status_in_text(const char *text, REASON_STATUS3 *st);
extern int reason_reply_in_text(const char *text);

#endif
