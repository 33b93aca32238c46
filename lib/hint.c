/*++
 * NAME
 *	hint 3
 * SUMMARY
 *	the CRM's signed hint header: who a letter is for and why
 * SYNOPSIS
 *	#include "hint.h"
 *
 *	int	hint_make(const TAG_KEYRING *ring, const HINT *hint, char *buf,
 *				size_t len)
 *	HINT_STATUS hint_verify(const TAG_KEYRING *ring, const char *value,
 *				time_t now, time_t max_age, HINT *hint)
 *	HINT_STATUS hint_check_recipient(const HINT *hint,
 *				const char *recipient_key)
 *	bool	hint_is_ours(const char *header_name)
 *	const char *hint_status_name(HINT_STATUS status)
 * DESCRIPTION
 *	The CRM (through the plugin) tells the milter what a letter is: the
 *	contact, the department, the owner (salesperson or service advisor)
 *	and the event (contract, delivery, service, birthday, ...), in one
 *	header, X-Liveaddr-Hint, signed with a key the CRM and the milter
 *	share.  The milter honours it only when the signature verifies, and
 *	strips it (and every other X-Liveaddr-* header the CRM might have
 *	set) in any case: hints never leave the host.
 *
 *	The value is a list of NAME=VALUE pairs separated by "; ", in this
 *	order, the optional ones (c d o e r) left out when empty:
 *
 *	    v=1; c=CONTACT; d=DEPARTMENT; o=OWNER; e=EVENT; r=RECIPIENT;
 *	    t=UNIX-TIME; k=KEY-ID; m=MAC
 *
 *	Values are percent-encoded UTF-8 (every byte but A-Z a-z 0-9 . _ -
 *	@ + is %XX), so that a Cyrillic owner name stays 7-bit.  MAC is 26
 *	base32 digits (130 bits) of HMAC-SHA256(secret, the value from "v="
 *	up to and including the key id).  r= binds a hint to one recipient:
 *	a hint copied into a letter to someone else does not apply.
 *
 *	hint_make() writes a value (the signing key of the ring signs; t is
 *	hint->when); -1 when the ring is empty, the time unset or buf too
 *	small.  hint_verify() reads one: HINT_MALFORMED for anything not in
 *	this exact form, HINT_UNKNOWN_KEY, HINT_BAD_MAC (checked in constant
 *	time), HINT_STALE when it was signed more than max_age ago (0: no
 *	limit) or more than an hour in the future; HINT_OK fills *hint.
 *	hint_check_recipient() compares r= with a recipient's storage key
 *	(an empty r= fits every recipient).  hint_is_ours() says whether a
 *	header belongs to liveaddr ("X-Liveaddr-" in any case).
 *--*/

#include "config.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "hint.h"
#include "hmac.h"

#define HINT_MAC_LEN	26

/* ---- writing */

typedef struct {
    char   *buf;
    size_t  len;
    size_t  used;
    bool    overflow;
} HOUT;

static void hout(HOUT *o, const char *s, size_t n)
{
    if (o->used + n >= o->len) {
	o->overflow = true;
	return;
    }
    memcpy(o->buf + o->used, s, n);
    o->used += n;
    o->buf[o->used] = 0;
}

/* hint_plain - a byte that is written as itself */

static bool hint_plain(int c)
{
    return (c < 0x80 && c != 0 && (isalnum(c) || strchr("._-@+", c) != NULL));
}

static void hout_pair(HOUT *o, const char *name, const char *value, bool first)
{
    char    pct[4];

    if (!first)
	hout(o, "; ", 2);
    hout(o, name, strlen(name));
    hout(o, "=", 1);
    for (const unsigned char *cp = (const unsigned char *) value; *cp; cp++) {
	if (hint_plain(*cp)) {
	    hout(o, (const char *) cp, 1);
	} else {
	    snprintf(pct, sizeof(pct), "%%%02X", *cp);
	    hout(o, pct, 3);
	}
    }
}

int     hint_make(const TAG_KEYRING *ring, const HINT *hint, char *buf, size_t len)
{
    HOUT    o = {buf, len, 0, false};
    const TAG_KEY *key;
    char    num[24], mac[HINT_MAC_LEN + 1];

    if (len == 0 || ring->nkeys < 1 || ring->signing < 0 || ring->signing >= ring->nkeys
	|| hint->when <= 0)
	return (-1);
    key = ring->keys + ring->signing;
    buf[0] = 0;
    hout_pair(&o, "v", "1", true);
    if (hint->contact[0])
	hout_pair(&o, "c", hint->contact, false);
    if (hint->department[0])
	hout_pair(&o, "d", hint->department, false);
    if (hint->owner[0])
	hout_pair(&o, "o", hint->owner, false);
    if (hint->event[0])
	hout_pair(&o, "e", hint->event, false);
    if (hint->recipient[0])
	hout_pair(&o, "r", hint->recipient, false);
    snprintf(num, sizeof(num), "%lld", (long long) hint->when);
    hout_pair(&o, "t", num, false);
    hout_pair(&o, "k", key->kid, false);
    if (o.overflow)
	return (-1);
    hmac_b32(key->secret, key->secret_len, buf, o.used, HINT_MAC_LEN, mac);
    hout_pair(&o, "m", mac, false);
    return (o.overflow ? -1 : (int) o.used);
}

/* ---- reading */

/* hex_digit - a hex digit's value, or -1 */

static int hex_digit(int c)
{
    if (c >= '0' && c <= '9')
	return (c - '0');
    c = tolower(c);
    return (c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1);
}

/* hint_unpct - decode n bytes of a percent-encoded value; -1 when bad or long */

static int hint_unpct(const char *src, size_t n, char *dst, size_t size)
{
    size_t  j = 0;

    for (size_t i = 0; i < n; i++) {
	int     c = (unsigned char) src[i];

	if (c == '%') {
	    int     hi, lo;

	    if (i + 2 >= n)
		return (-1);
	    hi = hex_digit((unsigned char) src[i + 1]);
	    lo = hex_digit((unsigned char) src[i + 2]);
	    if (hi < 0 || lo < 0)
		return (-1);
	    c = hi << 4 | lo;
	    if (c < 0x20 || c == 0x7f)
		return (-1);			/* no control characters */
	    i += 2;
	} else if (!hint_plain(c)) {
	    return (-1);
	}
	if (j + 1 >= size)
	    return (-1);
	dst[j++] = (char) c;
    }
    dst[j] = 0;
    return (0);
}

/* hint_field - where a pair's value goes */

static char *hint_field(HINT *hint, int name, size_t *size)
{
    switch (name) {
    case 'c':
	*size = sizeof(hint->contact);
	return (hint->contact);
    case 'd':
	*size = sizeof(hint->department);
	return (hint->department);
    case 'o':
	*size = sizeof(hint->owner);
	return (hint->owner);
    case 'e':
	*size = sizeof(hint->event);
	return (hint->event);
    case 'r':
	*size = sizeof(hint->recipient);
	return (hint->recipient);
    case 'k':
	*size = sizeof(hint->kid);
	return (hint->kid);
    default:
	return (NULL);
    }
}

HINT_STATUS hint_verify(const TAG_KEYRING *ring, const char *value, time_t now,
			        time_t max_age, HINT *hint)
{
    static const char order[] = "vcdoertkm";	/* the names, in order */
    const char *start, *cp, *signed_end = NULL, *mac = NULL;
    const TAG_KEY *key = NULL;
    char    expect[HINT_MAC_LEN + 1], small[24];
    size_t  at = 0, maclen = 0;

    memset(hint, 0, sizeof(*hint));
    for (start = value; *start == ' ' || *start == '\t'; start++)
	 /* header folding leftovers */ ;
    if (strlen(start) > HINT_TEXT_MAX || strncmp(start, "v=", 2) != 0)
	return (HINT_MALFORMED);
    for (cp = start; *cp;) {
	const char *pos, *val, *end;
	size_t  vlen, size;
	char   *dst;

	/* NAME=, each name once and in order */
	if (cp[0] == 0 || cp[1] != '=' || (pos = strchr(order + at, cp[0])) == NULL)
	    return (HINT_MALFORMED);
	at = (size_t) (pos - order) + 1;
	val = cp + 2;
	if ((end = strchr(val, ';')) == NULL)
	    end = val + strlen(val);
	vlen = (size_t) (end - val);
	while (vlen > 0 && strchr(" \t\r\n", val[vlen - 1]) != NULL)
	    vlen--;
	if (*pos == 'm') {
	    mac = val;
	    maclen = vlen;
	} else if (*pos == 'v' || *pos == 't') {
	    if (hint_unpct(val, vlen, small, sizeof(small)) < 0)
		return (HINT_MALFORMED);
	    if (*pos == 'v' && strcmp(small, "1") != 0)
		return (HINT_MALFORMED);
	    if (*pos == 't') {
		char   *stop;

		if (!isdigit((unsigned char) small[0]))
		    return (HINT_MALFORMED);
		hint->when = (time_t) strtoll(small, &stop, 10);
		if (*stop || hint->when <= 0)
		    return (HINT_MALFORMED);
	    }
	} else if ((dst = hint_field(hint, *pos, &size)) == NULL
		   || hint_unpct(val, vlen, dst, size) < 0) {
	    return (HINT_MALFORMED);
	}
	if (*pos == 'k')
	    signed_end = val + vlen;
	cp = end;
	if (*cp == ';') {
	    for (cp++; *cp == ' ' || *cp == '\t' || *cp == '\r' || *cp == '\n'; cp++)
		 /* void */ ;
	    if (*cp == 0)
		return (HINT_MALFORMED);	/* a trailing ";" */
	}
    }
    if (hint->when == 0 || signed_end == NULL || hint->kid[0] == 0 || mac == NULL
	|| maclen != HINT_MAC_LEN)
	return (HINT_MALFORMED);
    for (int i = 0; i < ring->nkeys; i++)
	if (strcmp(ring->keys[i].kid, hint->kid) == 0)
	    key = ring->keys + i;
    if (key == NULL)
	return (HINT_UNKNOWN_KEY);
    hmac_b32(key->secret, key->secret_len, start, (size_t) (signed_end - start),
	     HINT_MAC_LEN, expect);
    if (!hmac_b32_equal(expect, mac, HINT_MAC_LEN))
	return (HINT_BAD_MAC);
    if (hint->when > now + 3600 || (max_age > 0 && hint->when < now - max_age))
	return (HINT_STALE);
    return (HINT_OK);
}

HINT_STATUS hint_check_recipient(const HINT *hint, const char *recipient_key)
{
    if (hint->recipient[0] == 0 || strcasecmp(hint->recipient, recipient_key) == 0)
	return (HINT_OK);
    return (HINT_WRONG_RECIPIENT);
}

bool    hint_is_ours(const char *header_name)
{
    return (strncasecmp(header_name, "X-Liveaddr-", 11) == 0);
}

const char *hint_status_name(HINT_STATUS status)
{
    switch (status) {
    case HINT_OK:
	return ("ok");
    case HINT_MALFORMED:
	return ("malformed");
    case HINT_UNKNOWN_KEY:
	return ("unknown_key");
    case HINT_BAD_MAC:
	return ("bad_mac");
    case HINT_STALE:
	return ("stale");
    case HINT_WRONG_RECIPIENT:
	return ("wrong_recipient");
    }
    return ("?");
}
