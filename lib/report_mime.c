/*++
 * NAME
 *	report_mime 3
 * SUMMARY
 *	cut a message into the pieces the report readers want (GMime)
 * SYNOPSIS
 *	#include "report_int.h"
 *
 *	void	report_mime_collect(REPORT_CTX *ctx, const char *msg, size_t len)
 * DESCRIPTION
 *	report_mime_collect() parses one message (LF line ends) with GMime
 *	and fills ctx: the headers the readers ask about (decoded to
 *	UTF-8), the raw header block, the text of the message's own
 *	text/plain parts (or of its text/html parts, tags stripped, when it
 *	has no plain text), the message/delivery-status and
 *	message/feedback-report parts, and the headers of the original
 *	message (a message/rfc822 part or a text/rfc822-headers part).
 *	Transfer encodings are undone and charsets converted to UTF-8.
 *
 *	The walk is bounded: REPORT_DEPTH_MAX levels, REPORT_PARTS_MAX
 *	parts, and each piece keeps at most REPORT_PIECE_MAX bytes.  It
 *	does not look inside the original message's body.
 * MEMORY
 *	GMime objects live only inside the call.  The pieces are RBUFs in
 *	ctx, freed by the caller.  g_mime_init() runs once per process.
 * DIAGNOSTICS
 *	None: a message GMime cannot read leaves its body as text.
 *--*/

#include "config.h"

#include <ctype.h>
#include <pthread.h>
#include <string.h>
#include <strings.h>

#include <gmime/gmime.h>

#include "report_int.h"

static pthread_once_t mime_once = PTHREAD_ONCE_INIT;

static void mime_init(void)
{
    g_mime_init();
}

/* append_clean - append text, CR and CRLF as LF, NUL as space */

static void append_clean(RBUF *dst, const char *s, size_t len)
{
    size_t  start = 0;

    for (size_t i = 0; i < len; i++) {
	if (s[i] != '\r' && s[i] != 0)
	    continue;
	rbuf_append(dst, s + start, i - start);
	if (s[i] == 0)
	    rbuf_append(dst, " ", 1);
	else if (i + 1 >= len || s[i + 1] != '\n')
	    rbuf_append(dst, "\n", 1);
	start = i + 1;
	if (dst->cut)
	    return;
    }
    rbuf_append(dst, s + start, len - start);
}

/* html_to_text - crude: tags become line breaks or spaces, a few entities */

static void html_to_text(RBUF *dst, const char *s, size_t len)
{
    RBUF    tmp;
    size_t  i = 0;

    rbuf_init(&tmp, REPORT_PIECE_MAX);
    while (i < len && !tmp.cut) {
	if (s[i] == '<') {
	    size_t  j = i + 1;
	    bool    br;

	    while (j < len && s[j] != '>')
		j++;
	    br = (j - i > 2 && (strncasecmp(s + i + 1, "br", 2) == 0
				|| strncasecmp(s + i + 1, "p", 1) == 0
				|| strncasecmp(s + i + 1, "/p", 2) == 0
				|| strncasecmp(s + i + 1, "div", 3) == 0
				|| strncasecmp(s + i + 1, "/div", 4) == 0
				|| strncasecmp(s + i + 1, "tr", 2) == 0
				|| strncasecmp(s + i + 1, "li", 2) == 0));
	    rbuf_append(&tmp, br ? "\n" : " ", 1);
	    i = j + 1;
	} else if (s[i] == '&') {
	    static const struct {
		const char *ent;
		const char *text;
	    } ents[] = {
		{"&lt;", "<"}, {"&gt;", ">"}, {"&amp;", "&"}, {"&nbsp;", " "},
		{"&quot;", "\""}, {"&#39;", "'"},
	    };
	    size_t  k;

	    for (k = 0; k < sizeof(ents) / sizeof(ents[0]); k++) {
		size_t  n = strlen(ents[k].ent);

		if (len - i >= n && strncasecmp(s + i, ents[k].ent, n) == 0) {
		    rbuf_puts(&tmp, ents[k].text);
		    i += n;
		    break;
		}
	    }
	    if (k == sizeof(ents) / sizeof(ents[0]))
		rbuf_append(&tmp, s + i++, 1);
	} else {
	    size_t  j = i;

	    while (j < len && s[j] != '<' && s[j] != '&')
		j++;
	    rbuf_append(&tmp, s + i, j - i);
	    i = j;
	}
    }
    if (tmp.data)
	append_clean(dst, tmp.data, tmp.len);
    rbuf_free(&tmp);
}

/* part_content - a leaf part's content, decoded, in UTF-8 when text */

static void part_content(GMimeObject *obj, RBUF *dst, bool html)
{
    GMimeDataWrapper *wrapper = g_mime_part_get_content(GMIME_PART(obj));
    GMimeStream *mem, *filtered;
    const char *charset;
    GByteArray *bytes;

    if (wrapper == NULL)
	return;
    mem = g_mime_stream_mem_new();
    filtered = g_mime_stream_filter_new(mem);
    charset = g_mime_object_get_content_type_parameter(obj, "charset");
    if (charset && strcasecmp(charset, "utf-8") != 0 && strcasecmp(charset, "us-ascii") != 0) {
	GMimeFilter *conv = g_mime_filter_charset_new(charset, "UTF-8");

	if (conv != NULL) {
	    g_mime_stream_filter_add(GMIME_STREAM_FILTER(filtered), conv);
	    g_object_unref(conv);
	}
    }
    g_mime_data_wrapper_write_to_stream(wrapper, filtered);
    g_mime_stream_flush(filtered);
    bytes = g_mime_stream_mem_get_byte_array(GMIME_STREAM_MEM(mem));
    if (bytes && bytes->len > 0) {
	size_t  n = bytes->len > 4 * REPORT_PIECE_MAX ? 4 * REPORT_PIECE_MAX : bytes->len;

	if (html)
	    html_to_text(dst, (const char *) bytes->data, n);
	else
	    append_clean(dst, (const char *) bytes->data, n);
	if (dst->len > 0 && dst->data[dst->len - 1] != '\n')
	    rbuf_append(dst, "\n", 1);
    }
    g_object_unref(filtered);
    g_object_unref(mem);
}

/* orig_headers - the original message's header block */

static void orig_headers(REPORT_CTX *ctx, GMimeObject *obj)
{
    char   *text = g_mime_object_get_headers(obj, NULL);

    if (text != NULL) {
	append_clean(&ctx->orig, text, strlen(text));
	rbuf_append(&ctx->orig, "\n", 1);
	g_free(text);
    }
}

/* looks_like_report - is an attached message a bounce itself? */

static bool looks_like_report(GMimeMessage *inner)
{
    GMimeObject *body = g_mime_message_get_mime_part(inner);
    const char *from = g_mime_object_get_header(GMIME_OBJECT(inner), "From");
    GMimeContentType *ct = body ? g_mime_object_get_content_type(body) : NULL;

    if (ct && g_mime_content_type_is_type(ct, "multipart", "report"))
	return (true);
    char    lower[REPORT_HDR_MAX];

    if (from == NULL)
	return (false);
    report_lower(lower, sizeof(lower), from, strlen(from));
    return (strstr(lower, "mailer-daemon") != NULL || strstr(lower, "postmaster") != NULL);
}

typedef struct {
    RBUF    html;			/* text/html parts, for want of plain */
    bool    plain;			/* a text/plain part was seen */
} WALK;

/* walk - visit one MIME object of the report (not of the original) */

static void walk(REPORT_CTX *ctx, WALK *w, GMimeObject *obj, int depth)
{
    GMimeContentType *ct;
    const char *type, *sub;

    if (obj == NULL || depth > REPORT_DEPTH_MAX || ++ctx->nparts > REPORT_PARTS_MAX)
	return;
    if (GMIME_IS_MULTIPART(obj)) {
	int     n = g_mime_multipart_get_count(GMIME_MULTIPART(obj));

	for (int i = 0; i < n && ctx->nparts <= REPORT_PARTS_MAX; i++)
	    walk(ctx, w, g_mime_multipart_get_part(GMIME_MULTIPART(obj), i), depth + 1);
	return;
    }
    if (GMIME_IS_MESSAGE_PART(obj)) {
	GMimeMessage *inner = g_mime_message_part_get_message(GMIME_MESSAGE_PART(obj));

	if (inner != NULL && ctx->orig.len == 0)
	    orig_headers(ctx, GMIME_OBJECT(inner));
	if (inner != NULL && ctx->inner.len == 0 && looks_like_report(inner)) {
	    char   *text = g_mime_object_to_string(GMIME_OBJECT(inner), NULL);

	    if (text != NULL) {
		rbuf_append(&ctx->inner, text, strlen(text));
		g_free(text);
	    }
	}
	return;
    }
    if (!GMIME_IS_PART(obj))
	return;
    ct = g_mime_object_get_content_type(obj);
    type = ct ? g_mime_content_type_get_media_type(ct) : "text";
    sub = ct ? g_mime_content_type_get_media_subtype(ct) : "plain";
    if (type == NULL || sub == NULL)
	return;
    if (strcasecmp(type, "message") == 0 || strcasecmp(type, "text") == 0) {
	if (strcasecmp(sub, "delivery-status") == 0
	    || strcasecmp(sub, "global-delivery-status") == 0) {
	    part_content(obj, &ctx->dsn, false);
	    rbuf_append(&ctx->dsn, "\n", 1);
	} else if (strcasecmp(sub, "feedback-report") == 0) {
	    part_content(obj, &ctx->arf, false);
	} else if (strcasecmp(sub, "rfc822-headers") == 0
		   || strcasecmp(sub, "rfc822-header") == 0
		   || strcasecmp(sub, "global-headers") == 0
		   || (strcasecmp(sub, "rfc822") == 0 && ctx->orig.len == 0)) {
	    if (ctx->orig.len == 0)
		part_content(obj, &ctx->orig, false);
	} else if (strcasecmp(type, "text") == 0 && strcasecmp(sub, "html") == 0) {
	    part_content(obj, &w->html, true);
	} else if (strcasecmp(type, "text") == 0) {
	    GMimeContentDisposition *disp = g_mime_object_get_content_disposition(obj);
	    const char *d = disp ? g_mime_content_disposition_get_disposition(disp) : NULL;

	    /* an attached text file is not the notice, unless it is the only text */
	    if (d && strcasecmp(d, "attachment") == 0 && w->plain)
		return;
	    w->plain = true;
	    part_content(obj, &ctx->text, false);
	}
    } else if (strcasecmp(type, "application") == 0 && strcasecmp(sub, "json") == 0) {
	part_content(obj, &ctx->text, false);
    }
}

/* header_address - the address in a From: or To: value */

static void header_address(char *dst, size_t dstlen, const char *value)
{
    const char *lt = strrchr(value, '<'), *a;
    size_t  alen;

    *dst = 0;
    if (lt != NULL) {
	const char *gt = strchr(lt, '>');

	if ((a = report_addr_find(lt, gt ? (size_t) (gt - lt) : strlen(lt), &alen)) != NULL) {
	    report_addr_copy(dst, dstlen, a, alen);
	    return;
	}
    }
    if ((a = report_addr_find(value, strlen(value), &alen)) != NULL)
	report_addr_copy(dst, dstlen, a, alen);
}

/* copy_lower - a header value kept in lower case */

static void copy_lower(char *dst, size_t dstlen, const char *value)
{
    report_lower(dst, dstlen, value, strlen(value));
}

/* wanted_header - a header top_headers() looks at */

static bool wanted_header(const char *name)
{
    static const char *const names[] = {
	"Subject", "From", "To", "Auto-Submitted", "Precedence", "X-Failed-Recipients",
	"In-Reply-To", "X-Autoreply", "X-Autorespond", "X-Autoresponder", "X-Auto-Reply",
	"X-Mail-Autoreply", "X-Vacation", "X-Autogenerated", "X-Ms-Exchange-Inbox-Rules-Loop",
	"List-Id", "List-Unsubscribe", "X-Amz-Sns-Message-Type", "X-Amz-Sns-Topic-Arn",
    };

    for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
	if (strcasecmp(name, names[i]) == 0)
	    return (true);
    return (false);
}

/* top_headers - the message's own headers the readers ask about */

static void top_headers(REPORT_CTX *ctx, GMimeObject *msg)
{
    GMimeHeaderList *list = g_mime_object_get_header_list(msg);
    int     n = list ? g_mime_header_list_get_count(list) : 0;

    for (int i = 0; i < n && i < 1000; i++) {
	GMimeHeader *h = g_mime_header_list_get_header_at(list, i);
	const char *name = g_mime_header_get_name(h);
	const char *value;

	/* decoding a value costs: only for the headers asked about */
	if (name == NULL || !wanted_header(name))
	    continue;
	if ((value = g_mime_header_get_value(h)) == NULL)
	    continue;
	if (strcasecmp(name, "Subject") == 0 && !ctx->subject[0])
	    report_fold(ctx->subject, sizeof(ctx->subject), value, strlen(value));
	else if (strcasecmp(name, "From") == 0 && !ctx->from_raw[0]) {
	    report_fold(ctx->from_raw, sizeof(ctx->from_raw), value, strlen(value));
	    header_address(ctx->report->from, sizeof(ctx->report->from), ctx->from_raw);
	} else if (strcasecmp(name, "To") == 0 && !ctx->to[0])
	    header_address(ctx->to, sizeof(ctx->to), value);
	else if (strcasecmp(name, "Auto-Submitted") == 0)
	    copy_lower(ctx->auto_submitted, sizeof(ctx->auto_submitted), value);
	else if (strcasecmp(name, "Precedence") == 0)
	    copy_lower(ctx->precedence, sizeof(ctx->precedence), value);
	else if (strcasecmp(name, "X-Failed-Recipients") == 0 && !ctx->failed[0])
	    report_fold(ctx->failed, sizeof(ctx->failed), value, strlen(value));
	else if (strcasecmp(name, "In-Reply-To") == 0 && !ctx->in_reply_to[0])
	    report_fold(ctx->in_reply_to, sizeof(ctx->in_reply_to), value, strlen(value));
	else if (strcasecmp(name, "X-Autoreply") == 0 || strcasecmp(name, "X-Autorespond") == 0
		 || strcasecmp(name, "X-Autoresponder") == 0
		 || strcasecmp(name, "X-Auto-Reply") == 0
		 || strcasecmp(name, "X-Mail-Autoreply") == 0
		 || strcasecmp(name, "X-Vacation") == 0
		 || strcasecmp(name, "X-Autogenerated") == 0
		 || strcasecmp(name, "X-Ms-Exchange-Inbox-Rules-Loop") == 0) {
	    if (strcasecmp(name, "X-Autogenerated") != 0 || strcasecmp(value, "reply") == 0)
		ctx->auto_header = true;
	} else if (strcasecmp(name, "List-Id") == 0 || strcasecmp(name, "List-Unsubscribe") == 0)
	    ctx->list_header = true;
	else if (strcasecmp(name, "X-Amz-Sns-Message-Type") == 0
		 || strcasecmp(name, "X-Amz-Sns-Topic-Arn") == 0)
	    ctx->ses_json = true;
    }
}

/* report_mime_collect - fill ctx from one message */

void    report_mime_collect(REPORT_CTX *ctx, const char *msg, size_t len)
{
    GMimeStream *stream;
    GMimeParser *parser;
    GMimeMessage *message;
    GMimeObject *body;
    WALK    w;

    pthread_once(&mime_once, mime_init);
    stream = g_mime_stream_mem_new_with_buffer(msg, len);
    parser = g_mime_parser_new_with_stream(stream);
    g_mime_parser_set_format(parser, GMIME_FORMAT_MESSAGE);
    message = g_mime_parser_construct_message(parser, NULL);
    g_object_unref(parser);
    g_object_unref(stream);
    if (message == NULL) {
	append_clean(&ctx->text, msg, len);
	return;
    }
    top_headers(ctx, GMIME_OBJECT(message));
    body = g_mime_message_get_mime_part(message);
    if (body != NULL) {
	GMimeContentType *ct = g_mime_object_get_content_type(body);

	if (ct != NULL) {
	    const char *rt = g_mime_content_type_get_parameter(ct, "report-type");
	    char   *mt = g_mime_content_type_get_mime_type(ct);

	    if (mt) {
		copy_lower(ctx->content_type, sizeof(ctx->content_type), mt);
		g_free(mt);
	    }
	    if (rt)
		copy_lower(ctx->report_type, sizeof(ctx->report_type), rt);
	}
    }
    memset(&w, 0, sizeof(w));
    rbuf_init(&w.html, REPORT_PIECE_MAX);
    walk(ctx, &w, body, 0);
    if (!w.plain && w.html.len > 0)
	rbuf_append(&ctx->text, w.html.data, w.html.len);
    /* a multipart whose boundaries are missing: its body as text */
    if (ctx->text.len == 0 && ctx->dsn.len == 0 && ctx->arf.len == 0) {
	const char *eoh = strstr(msg, "\n\n");

	if (eoh != NULL)
	    append_clean(&ctx->text, eoh + 2, len - (size_t) (eoh + 2 - msg));
    }
    rbuf_free(&w.html);
    g_object_unref(message);
}
