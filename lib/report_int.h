#ifndef LIVEADDR_REPORT_INT_H
#define LIVEADDR_REPORT_INT_H

/*++
 * NAME
 *	report_int 3h
 * SUMMARY
 *	what the report readers share (not for callers of report.h)
 * SYNOPSIS
 *	#include "report_int.h"
 * DESCRIPTION
 *	report_parse() (report.c) normalises the line endings, lets
 *	report_mime_collect() (report_mime.c) cut the message into the
 *	pieces below, and hands them to the readers: report_arf_read(),
 *	report_dsn_read(), report_text_read() and report_auto_detect().
 *	Every piece is a capped buffer of UTF-8 text with LF line ends,
 *	so that no reader ever sees more than REPORT_PIECE_MAX bytes: the
 *	cost of reading them is bounded whatever the message's size.
 *--*/

#include <stdbool.h>
#include <stddef.h>
#include <strings.h>

#include "report.h"

#define REPORT_PIECE_MAX	(64 * 1024)	/* text kept of one kind */
#define REPORT_INPUT_MAX	(32 * 1024 * 1024)	/* bytes read of a message */
#define REPORT_DEPTH_MAX	6	/* nested MIME levels walked */
#define REPORT_PARTS_MAX	200	/* MIME parts looked at */
#define REPORT_LINE_MAX		1024	/* bytes of a line matched against phrases */
#define REPORT_HDR_MAX		512	/* a header value kept */
#define REPORT_INNER_MAX	(256 * 1024)	/* an attached report kept */

/*
 * Eight bytes at a time (a uint64_t loaded with memcpy()): does a word
 * hold a zero byte, a byte below n (n <= 128), a byte at or above 0x80.
 * Each answer is exact for the word as a whole.
 */
#define REPORT_W_ONES	0x0101010101010101ULL
#define REPORT_W_HIGHS	0x8080808080808080ULL
#define REPORT_W_HAS_ZERO(w) ((((w) - REPORT_W_ONES) & ~(w) & REPORT_W_HIGHS) != 0)
#define REPORT_W_HAS_LESS(w, n) \
	((((w) - REPORT_W_ONES * (n)) & ~(w) & REPORT_W_HIGHS) != 0)
#define REPORT_W_HAS_BYTE(w, c)	REPORT_W_HAS_ZERO((w) ^ (REPORT_W_ONES * (c)))

/*
 * A capped, growing text buffer: appends beyond max are dropped and
 * remembered in cut.  data is always NUL-terminated when non-NULL.
 */
typedef struct {
    char   *data;
    size_t  len;
    size_t  cap;
    size_t  max;
    bool    cut;			/* something was dropped */
    bool    nomem;			/* an allocation failed */
} RBUF;

/*
 * The pieces of one message.  Header values are unfolded and decoded
 * (RFC 2047) to UTF-8 by GMime.
 */
typedef struct {
    REPORT *report;
    bool    nomem;
    int     depth;			/* 1: an attached report */
    /* the message's own headers */
    char    subject[REPORT_HDR_MAX];
    char    from_raw[REPORT_HDR_MAX];	/* From: as written */
    char    to[ADDR_ADDRESS_MAX + 1];	/* To:, first address */
    char    content_type[64];		/* "multipart/report", lower case */
    char    report_type[64];		/* its report-type, lower case */
    char    auto_submitted[64];		/* Auto-Submitted:, lower case */
    char    precedence[64];		/* Precedence:, lower case */
    char    failed[REPORT_HDR_MAX];	/* X-Failed-Recipients: */
    char    in_reply_to[REPORT_HDR_MAX];
    char    orig_from[ADDR_ADDRESS_MAX + 1];	/* the original's From: */
    char    orig_sender[ADDR_ADDRESS_MAX + 1];	/* its Return-Path: */
    bool    auto_header;		/* X-Autoreply: and the like */
    bool    list_header;		/* List-Id:, List-Unsubscribe: */
    bool    ses_json;			/* an Amazon SES/SNS JSON notice */
    RBUF    head;			/* the message's raw header block */
    RBUF    text;			/* its text parts, notification first */
    RBUF    dsn;			/* message/delivery-status parts */
    RBUF    arf;			/* message/feedback-report parts */
    RBUF    orig;			/* the original message's headers */
    RBUF    inner;			/* an attached message that is a report */
    int     nparts;
    bool    cmd_none[REPORT_RCPTS_MAX];	/* recipient i's diagnostic is known
					 * to name no SMTP command */
} REPORT_CTX;

/* report_util.c, report_lower.c, report_diag.c, report_field.c */
extern void rbuf_init(RBUF *, size_t max);
extern void rbuf_free(RBUF *);
extern void rbuf_append(RBUF *, const char *, size_t);
extern void rbuf_puts(RBUF *, const char *);
extern const char *report_addr_find(const char *, size_t, size_t *alen);
extern const char *report_addr_scan(const char *, size_t, size_t *alen, bool need_dot);
extern bool report_addr_copy(char *dst, size_t dstlen, const char *, size_t);
extern size_t report_fold(char *dst, size_t dstlen, const char *, size_t);
extern size_t report_append_text(char *dst, size_t dstlen, const char *, size_t);
extern size_t report_append_at(char *dst, size_t have, size_t dstlen, const char *, size_t);
extern size_t report_lower(char *dst, size_t dstlen, const char *, size_t);
extern size_t report_lower_utf8(char *dst, size_t dstlen, const char *, size_t);
extern bool report_status_find(const char *, char *status, size_t statuslen);
extern int report_reply_find(const char *);
extern const char *report_command_find(const char *);
extern void report_diag_tidy(char *);
extern const char *report_field_value(const char *line, size_t len, const char *name,
				              size_t *vlen);
extern const char *report_field_find(const char *text, size_t len, const char *name,
				             size_t *vlen);
extern const char *report_header_get(const char *block, size_t len, const char *name,
				             size_t *vlen);
extern void report_headers_get(const char *block, size_t len, const char *const *names,
			               int n, const char **vals, size_t *vlens);

/* report.c */
extern REPORT_RCPT *report_rcpt_add(REPORT_CTX *, const char *addr, size_t len);
extern REPORT_RCPT *report_rcpt_find(REPORT_CTX *, const char *addr);
extern bool report_rcpt_ignored(REPORT_CTX *, const char *addr);
extern void report_orig_senders(REPORT_CTX *);

/* report_mime.c */
extern void report_mime_collect(REPORT_CTX *, const char *msg, size_t len);

/* report_hdr.c: header blocks and values (for report_mime.c) */
#define REPORT_BOUNDARY_MAX	512	/* a longer boundary is not followed */
#define REPORT_VALUE_MAX	8192	/* a header value decoded */
#define REPORT_HDR_CONTENT	0	/* the block ended: content follows */
#define REPORT_HDR_STOPPED	1	/* a line stop() knew ended it */
#define REPORT_HDR_ERROR	2	/* no header block */
#define REPORT_ENC_NONE		0	/* 7bit, 8bit, binary, unknown */
#define REPORT_ENC_BASE64	1
#define REPORT_ENC_QP		2
#define REPORT_ENC_UUENCODE	3
typedef struct {
    const char *name;			/* the field name, blanks trimmed */
    size_t  namelen;
    const char *raw;			/* the field as written, line ends */
    size_t  rawlen;
    const char *value;			/* after the colon, as written */
    size_t  valuelen;
} REPORT_FIELD;
typedef struct {
    bool    valid;			/* type/subtype parsed */
    char    type[128];
    char    subtype[128];
    bool    has_boundary;		/* a boundary parameter */
    bool    boundary_ok;		/* and it fits in boundary[] */
    char    boundary[REPORT_BOUNDARY_MAX + 1];
    bool    has_charset;		/* a charset parameter */
    char    charset[128];
    char    report_type[128];
} REPORT_CTYPE;
typedef bool (*REPORT_HDR_STOP) (void *, const char *line, size_t len);
typedef void (*REPORT_HDR_FIELD) (void *, const REPORT_FIELD *);
extern int report_hdr_block(const char *, size_t, size_t *pos, bool toplevel,
			            REPORT_HDR_STOP, REPORT_HDR_FIELD, void *, int *nfields);
extern size_t report_hdr_value(const REPORT_FIELD *, char *out, size_t outlen);
extern int report_hdr_encoding(const char *value);
extern bool report_hdr_is(const REPORT_FIELD *, const char *name);

/* report_hdr_is() of a string literal: the length compared first, no strlen() */
#define REPORT_HDR_IS(f, lit) \
	((f)->namelen == sizeof(lit) - 1 && strncasecmp((f)->name, (lit), sizeof(lit) - 1) == 0)

/* report_ctype.c: Content-Type and its parameters */
extern void report_hdr_ctype(const char *value, REPORT_CTYPE *);

/* report_top.c: the message's own fields the readers ask about */
extern void report_top_field(REPORT_CTX *, const REPORT_FIELD *, char *buf, size_t buflen);
extern void report_top_undo(REPORT_CTX *);

/* report_decode.c: transfer encodings, charsets, text kept */
extern const char *report_decode(const char *, size_t, int enc, const char *charset,
				         size_t max, char **freeme, size_t *outlen);
extern void report_decode_append(RBUF *, const char *, size_t);
extern void report_decode_html(RBUF *, const char *, size_t);

/* report_dsn.c */
extern int report_dsn_read(REPORT_CTX *, const char *text, size_t len);

/* report_json.c */
extern bool report_json_read(REPORT_CTX *);

/* report_arf.c */
extern bool report_arf_read(REPORT_CTX *);

/* report_auto.c */
extern bool report_auto_detect(REPORT_CTX *);
extern bool report_bounce_like(REPORT_CTX *);
extern bool report_list_notice(REPORT_CTX *);

/* report_text.c */
#define REPORT_TEXT_FILL	0	/* fill known recipients' diagnostics */
#define REPORT_TEXT_ADD		1	/* add the recipients the text names */
#define REPORT_TEXT_FALLBACK	2	/* and else the original's To: */
extern int report_text_read(REPORT_CTX *, int mode);

#endif
