#ifndef LIVEADDR_ADDR_H
#define LIVEADDR_ADDR_H

/*++
 * NAME
 *	addr 3h
 * SUMMARY
 *	e-mail address parsing and normalization
 * SYNOPSIS
 *	#include "addr.h"
 * DESCRIPTION
 *	See addr.c.
 *--*/

#include <stddef.h>

/*
 * Limits in octets of the ASCII (A-label) form, RFC 5321 4.5.3.1 and
 * RFC 1035; ADDR_ADDRESS_MAX is the RFC 3696 erratum 1690 figure.
 */
#define ADDR_LOCAL_MAX		64
#define ADDR_DOMAIN_MAX		253
#define ADDR_LABEL_MAX		63
#define ADDR_ADDRESS_MAX	254
/* The U-label form of a 253-octet domain: at most 4 UTF-8 octets per octet. */
#define ADDR_UDOMAIN_MAX	(4 * ADDR_DOMAIN_MAX)
#define ADDR_DISPLAY_MAX	(ADDR_LOCAL_MAX + 1 + ADDR_UDOMAIN_MAX)
/* Longer input (after trimming) is not looked at: too long in any form. */
#define ADDR_INPUT_MAX		4096

/* Why an address was refused.  The machine names are stable: store them. */
typedef enum {
    ADDR_OK = 0,
    ADDR_EMPTY,
    ADDR_TOO_LONG,
    ADDR_CONTROL_CHAR,
    ADDR_BAD_UTF8,
    ADDR_INVISIBLE_CHAR,
    ADDR_NO_AT,
    ADDR_MULTIPLE_AT,
    ADDR_MULTIPLE,
    ADDR_DISPLAY_NAME,
    ADDR_COMMENT,
    ADDR_OBSOLETE,
    ADDR_SPACE,
    ADDR_COMMA,
    ADDR_LOCAL_EMPTY,
    ADDR_LOCAL_TOO_LONG,
    ADDR_LOCAL_DOT_START,
    ADDR_LOCAL_DOT_END,
    ADDR_LOCAL_DOTS,
    ADDR_LOCAL_CHAR,
    ADDR_QUOTED_BAD,
    ADDR_DOMAIN_EMPTY,
    ADDR_DOMAIN_TOO_LONG,
    ADDR_LABEL_TOO_LONG,
    ADDR_LABEL_EMPTY,
    ADDR_LABEL_HYPHEN,
    ADDR_LABEL_RESERVED,
    ADDR_DOMAIN_CHAR,
    ADDR_DOTLESS,
    ADDR_TLD_NUMERIC,
    ADDR_DOMAIN_IP,
    ADDR_LITERAL,
    ADDR_IDN_INVALID,
    ADDR_ALABEL_INVALID,
    ADDR_INTERNAL,
    ADDR_REASON_COUNT			/* not a reason */
} ADDR_REASON;

/* What parsing noticed about an address that is nevertheless valid. */
#define ADDR_F_QUOTED		(1u<<0)	/* local part was a quoted string */
#define ADDR_F_UTF8_LOCAL	(1u<<1)	/* non-ASCII local part: needs SMTPUTF8 */
#define ADDR_F_IDN		(1u<<2)	/* domain has A-labels (U-form differs) */
#define ADDR_F_CLEANED		(1u<<3)	/* pasted wrapping was removed */

/*
 * The result of addr_parse().  The caller owns it (a stack variable will
 * do); every string is NUL-terminated and empty when parsing failed.
 */
typedef struct {
    ADDR_REASON reason;			/* ADDR_OK or why not */
    unsigned flags;			/* ADDR_F_* */
    char    local[ADDR_LOCAL_MAX + 1];	/* local part, case as given */
    char    domain[ADDR_DOMAIN_MAX + 1];	/* A-label form, lower case */
    char    udomain[ADDR_UDOMAIN_MAX + 1];	/* U-label form, for display */
    char    address[ADDR_ADDRESS_MAX + 1];	/* local@domain */
    char    key[ADDR_ADDRESS_MAX + 1];	/* case-folded address: storage key */
    char    display[ADDR_DISPLAY_MAX + 1];	/* local@udomain */
    size_t  local_len;
    size_t  domain_len;
    size_t  address_len;
} ADDR;

extern int addr_parse(const char *input, size_t len, ADDR *out);
extern void addr_envelope_bare(const char *in, char *out, size_t size);
extern int addr_parse_domain(const char *input, size_t len, ADDR *out);

extern const char *addr_reason_name(int reason);
extern const char *addr_reason_text(int reason, const char *lang);
extern int addr_reason_by_name(const char *name);
extern const char *addr_flag_name(unsigned flag);

/* Small UTF-8 helpers, shared with the suggestion module. */
extern size_t addr_utf8_decode(const unsigned char *s, size_t len, unsigned *cp);
extern size_t addr_utf8_encode(unsigned cp, char *out);
extern unsigned addr_fold_case(unsigned cp);

#endif
