/*++
 * NAME
 *	evidence 3
 * SUMMARY
 *	one signal about one address: what, when, from where
 * SYNOPSIS
 *	#include "evidence.h"
 *
 *	void	evidence_init(EVIDENCE *ev, EV_KIND kind, time_t when,
 *				const char *address)
 *	void	evidence_make_id(EVIDENCE *ev, const char *seed)
 *	void	evidence_random_id(EVIDENCE *ev)
 *	const char *evidence_kind_name(EV_KIND kind)
 *	int	evidence_kind_by_name(const char *name, EV_KIND *kind)
 *	const char *evidence_kind_text(EV_KIND kind, const char *lang)
 *	bool	evidence_is_positive(EV_KIND kind)
 *	EVIDENCE_SET(ev, field, value)
 *	int	evidence_encode(const EVIDENCE *ev, char *buf, size_t len)
 *	int	evidence_decode(const char *line, size_t len, EVIDENCE *ev)
 * DESCRIPTION
 *	Everything liveaddr learns about an address arrives as one EVIDENCE:
 *	a letter sent, a delivery, a bounce, a complaint, an auto-reply, a
 *	reply, a confirmation, a manual suppression, an undo.  Evidence flows
 *	one way: traffic -> evidence -> store -> state.
 *
 *	Every item has an id, so that it is applied once even when it
 *	arrives twice (a journal replayed twice, two MTAs reporting the same
 *	DSN).  evidence_make_id() derives it from what identifies the signal
 *	(e.g. message reference + recipient + kind + status): the same
 *	signal gets the same id.  evidence_random_id() makes a fresh one, for
 *	a person's action.  Ids are 16 hex digits (64 bits of SHA-256).
 *
 *	EVIDENCE_SET() copies a string into a field, shortened to fit and
 *	with control characters (mail data can hold any) replaced by "?".
 *
 *	evidence_encode() writes one line (no newline): "e1", then the
 *	fields separated by TAB, with TAB, LF, CR and backslash escaped as
 *	\t \n \r \\.  It is the journal's format and the form in which
 *	evidence travels.  evidence_decode() reads it back; it refuses
 *	(returns -1) a line of the wrong version, field count, kind, time or
 *	escape, or a field too long for its place.
 * MEMORY
 *	EVIDENCE is a plain struct with fixed-size fields; nothing is
 *	allocated.
 *--*/

#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/rand.h>
#include <openssl/sha.h>

#include "evidence.h"

static const struct {
    const char *name;
    bool    positive;
    const char *en;
    const char *ru;
}       ev_kinds[EV_KIND_COUNT] = {
    [EV_SENT] = {"sent", false, "a letter was sent", "отправлено письмо"},
    [EV_DELIVERED] = {"delivered", true, "the letter was delivered", "письмо доставлено"},
    [EV_AUTOREPLY] = {"autoreply", true, "an auto-reply came back",
    "пришёл автоответ"},
    [EV_REPLY] = {"reply", true, "the customer replied", "клиент ответил"},
    [EV_CONFIRMED] = {"confirmed", true, "the address was confirmed",
    "адрес подтверждён"},
    [EV_BOUNCE_HARD] = {"hard_bounce", false, "the letter bounced: the address does not exist",
    "письмо вернулось: адреса не существует"},
    [EV_BOUNCE_SOFT] = {"soft_bounce", false, "the letter bounced for now (e.g. mailbox full)",
    "письмо временно не доставлено (например, ящик переполнен)"},
    [EV_BOUNCE_POLICY] = {"policy_block", false,
	"the receiving server blocked the letter (about us, not the address)",
    "сервер получателя заблокировал письмо (дело в нас, а не в адресе)"},
    [EV_COMPLAINT] = {"complaint", false, "the customer marked a letter as spam",
    "клиент пометил письмо как спам"},
    [EV_SUPPRESS] = {"suppress", false, "do not mail: set by hand",
    "не писать: отмечено вручную"},
    [EV_UNSUPPRESS] = {"unsuppress", false, "mailing allowed again by hand",
    "рассылка снова разрешена вручную"},
    [EV_DOMAIN_INVALID] = {"domain_invalid", false, "the domain takes no mail",
    "домен не принимает почту"},
    [EV_UNDO] = {"undo", false, "a piece of evidence was taken back",
    "свидетельство отменено"},
};

/* evidence_set - copy a field, shortened, control characters shown as "?" */

void    evidence_set(char *field, size_t size, const char *value)
{
    size_t  i = 0;

    for (; value != NULL && value[i] != 0 && i + 1 < size; i++)
	field[i] = ((unsigned char) value[i] < 0x20 || value[i] == 0x7f) ? '?' : value[i];
    field[i] = 0;
}

void    evidence_init(EVIDENCE *ev, EV_KIND kind, time_t when, const char *address)
{
    memset(ev, 0, sizeof(*ev));
    ev->kind = kind;
    ev->when = when;
    EVIDENCE_SET(ev, address, address);
}

/* evidence_hex_id - 16 hex digits of a digest */

static void evidence_hex_id(EVIDENCE *ev, const unsigned char *md)
{
    for (int i = 0; i < 8; i++)
	snprintf(ev->id + 2 * i, 3, "%02x", md[i]);
}

void    evidence_make_id(EVIDENCE *ev, const char *seed)
{
    unsigned char md[SHA256_DIGEST_LENGTH];

    SHA256((const unsigned char *) seed, strlen(seed), md);
    evidence_hex_id(ev, md);
}

void    evidence_random_id(EVIDENCE *ev)
{
    unsigned char md[8];

    if (RAND_bytes(md, sizeof(md)) != 1) {
	/* No entropy: time and address still make a practically unique id. */
	char    seed[64 + ADDR_ADDRESS_MAX];
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	snprintf(seed, sizeof(seed), "%lld.%ld.%s", (long long) ts.tv_sec,
		 ts.tv_nsec, ev->address);
	evidence_make_id(ev, seed);
	return;
    }
    evidence_hex_id(ev, md);
}

const char *evidence_kind_name(EV_KIND kind)
{
    return ((unsigned) kind < EV_KIND_COUNT ? ev_kinds[kind].name : "?");
}

int     evidence_kind_by_name(const char *name, EV_KIND *kind)
{
    for (int i = 0; i < EV_KIND_COUNT; i++) {
	if (strcmp(name, ev_kinds[i].name) == 0) {
	    *kind = (EV_KIND) i;
	    return (0);
	}
    }
    return (-1);
}

const char *evidence_kind_text(EV_KIND kind, const char *lang)
{
    if ((unsigned) kind >= EV_KIND_COUNT)
	return ("?");
    return (lang && strcmp(lang, "ru") == 0 ? ev_kinds[kind].ru : ev_kinds[kind].en);
}

bool    evidence_is_positive(EV_KIND kind)
{
    return ((unsigned) kind < EV_KIND_COUNT && ev_kinds[kind].positive);
}

/* evidence_put - append one escaped field; -1 when it does not fit */

static int evidence_put(char *buf, size_t len, size_t *used, const char *text)
{
    if (*used + 1 >= len)
	return (-1);
    buf[(*used)++] = '\t';
    for (; *text; text++) {
	const char *esc = *text == '\t' ? "\\t" : *text == '\n' ? "\\n"
	    : *text == '\r' ? "\\r" : *text == '\\' ? "\\\\" : NULL;
	size_t  n = esc ? 2 : 1;

	if (*used + n >= len)
	    return (-1);
	if (esc)
	    memcpy(buf + *used, esc, 2);
	else
	    buf[*used] = *text;
	*used += n;
    }
    buf[*used] = 0;
    return (0);
}

int     evidence_encode(const EVIDENCE *ev, char *buf, size_t len)
{
    char    when[24], code[16];
    size_t  used;
    const char *fields[15];

    if (len < 3 || (unsigned) ev->kind >= EV_KIND_COUNT)
	return (-1);
    snprintf(when, sizeof(when), "%lld", (long long) ev->when);
    snprintf(code, sizeof(code), "%d", ev->reply_code);
    fields[0] = ev->id;
    fields[1] = ev_kinds[ev->kind].name;
    fields[2] = when;
    fields[3] = ev->address;
    fields[4] = ev->reason;
    fields[5] = ev->status;
    fields[6] = code;
    fields[7] = ev->msgref;
    fields[8] = ev->mta;
    fields[9] = ev->department;
    fields[10] = ev->owner;
    fields[11] = ev->contact;
    fields[12] = ev->event;
    fields[13] = ev->target;
    fields[14] = ev->text;
    memcpy(buf, "e1", 3);
    used = 2;
    for (size_t i = 0; i < sizeof(fields) / sizeof(fields[0]); i++)
	if (evidence_put(buf, len, &used, fields[i]) < 0)
	    return (-1);
    return ((int) used);
}

/* evidence_take - unescape one field into dst (size), advance *pos */

static int evidence_take(const char *line, size_t len, size_t *pos,
			         char *dst, size_t size)
{
    size_t  out = 0;

    if (*pos >= len || line[*pos] != '\t')
	return (-1);
    for ((*pos)++; *pos < len && line[*pos] != '\t'; (*pos)++) {
	char    c = line[*pos];

	if (c == '\\') {
	    if (++(*pos) >= len)
		return (-1);
	    switch (line[*pos]) {
	    case 't':
		c = '\t';
		break;
	    case 'n':
		c = '\n';
		break;
	    case 'r':
		c = '\r';
		break;
	    case '\\':
		c = '\\';
		break;
	    default:
		return (-1);
	    }
	} else if (c == 0 || c == '\n' || c == '\r') {
	    return (-1);
	}
	if (out + 1 >= size)
	    return (-1);
	dst[out++] = c;
    }
    dst[out] = 0;
    return (0);
}

int     evidence_decode(const char *line, size_t len, EVIDENCE *ev)
{
    char    kind[32], when[24], code[16];
    size_t  pos = 2;
    char   *end;
    long long t;
    long    c;
    struct {
	char   *dst;
	size_t  size;
    }       fields[15] = {
	{ev->id, sizeof(ev->id)}, {kind, sizeof(kind)}, {when, sizeof(when)},
	{ev->address, sizeof(ev->address)}, {ev->reason, sizeof(ev->reason)},
	{ev->status, sizeof(ev->status)}, {code, sizeof(code)},
	{ev->msgref, sizeof(ev->msgref)}, {ev->mta, sizeof(ev->mta)},
	{ev->department, sizeof(ev->department)}, {ev->owner, sizeof(ev->owner)},
	{ev->contact, sizeof(ev->contact)}, {ev->event, sizeof(ev->event)},
	{ev->target, sizeof(ev->target)}, {ev->text, sizeof(ev->text)},
    };

    memset(ev, 0, sizeof(*ev));
    if (len < 2 || memcmp(line, "e1", 2) != 0)
	return (-1);
    for (size_t i = 0; i < sizeof(fields) / sizeof(fields[0]); i++)
	if (evidence_take(line, len, &pos, fields[i].dst, fields[i].size) < 0)
	    return (-1);
    if (pos != len || ev->id[0] == 0 || ev->address[0] == 0
	|| evidence_kind_by_name(kind, &ev->kind) < 0)
	return (-1);
    errno = 0;
    t = strtoll(when, &end, 10);
    if (errno || *end || end == when || t < 0)
	return (-1);
    ev->when = (time_t) t;
    errno = 0;
    c = strtol(code, &end, 10);
    if (errno || *end || end == code || c < 0 || c > 999)
	return (-1);
    ev->reply_code = (int) c;
    return (0);
}
