/*++
 * NAME
 *	milterclient 1
 * SUMMARY
 *	speak the milter protocol to a milter, as Postfix does, and print
 *	every answer
 * SYNOPSIS
 *	tests/milter/milterclient SOCKET [-t TIMEOUT_MS] < SCRIPT
 * DESCRIPTION
 *	milterclient is the MTA side of the Sendmail 8 milter protocol,
 *	version 6, written for the tests of liveaddr-milter: unlike
 *	miltertest it shows everything a milter answers, a changed envelope
 *	sender included.  It uses no libmilter code, only the constants of
 *	<libmilter/mfapi.h> and <libmilter/mfdef.h>.
 *
 *	SOCKET is "unix:/path" (or "local:/path"), "inet:PORT@HOST" or
 *	"inet6:PORT@HOST"; HOST is an IPv4 or IPv6 literal (brackets
 *	allowed) or a name.  TIMEOUT_MS (default 10000) bounds the connect
 *	and each wait for the socket.
 *
 *	First it negotiates as Postfix 3.7 does with milter_protocol = 6:
 *	SMFIC_OPTNEG with version 6, all actions (SMFI_CURR_ACTS, 0x1ff) and
 *	every protocol step and extension Postfix offers (0x1fffff: the
 *	"do not send" and "no reply" flags, SMFIP_SKIP, SMFIP_RCPT_REJ,
 *	SMFIP_HDR_LEADSPC), and prints
 *
 *		negotiate version=V actions=0xA protocol=0xP
 *
 *	with the values the milter chose, then one "setsymlist STAGE MACROS"
 *	line per macro list the milter asked for (STAGE as a script step:
 *	connect helo mail rcpt data eom eoh).
 *
 *	Then it runs the script, one command a line; empty lines and lines
 *	that start with "#" are skipped:
 * .IP "connect HOSTNAME FAMILY ADDR PORT"
 *	SMFIC_CONNECT; FAMILY is 4, 6, L (unix, port 0) or U (unknown:
 *	ADDR and PORT are then not sent and may be left out).
 * .IP "macro STAGE NAME VALUE [NAME VALUE ...]"
 *	SMFIC_MACRO for the command letter STAGE (C H M R D N T E), sent as
 *	is; NAME as "i" or "{daemon_name}".  NAME and VALUE take the escapes
 *	below (a space is \x20); the token "" is an empty value.
 * .IP "helo NAME", "unknown TEXT"
 *	SMFIC_HELO, SMFIC_UNKNOWN, with the rest of the line.
 * .IP "mail ADDR [ESMTP-ARG ...]", "rcpt ADDR [ESMTP-ARG ...]"
 *	SMFIC_MAIL, SMFIC_RCPT: the words NUL-terminated, as given
 *	("<a@b>" keeps its brackets).
 * .IP "data", "eoh", "eom"
 *	SMFIC_DATA, SMFIC_EOH, SMFIC_BODYEOB (no data).
 * .IP "header NAME VALUE..."
 *	SMFIC_HEADER; VALUE is the rest of the line after one blank, with
 *	the escapes below (so "\r\n\t" folds).  When the milter negotiated
 *	SMFIP_HDR_LEADSPC a space is put in front, as Postfix sends the
 *	text after the colon of "NAME: VALUE".
 * .IP "body TEXT"
 *	SMFIC_BODY with TEXT (the rest of the line after one blank, not
 *	empty) and the escapes \r \n \t \\ \xHH; more than 65535
 *	bytes go in several chunks.
 * .IP "bodyfile PATH"
 *	the bytes of the file as SMFIC_BODY chunks of at most 65535.
 * .IP "abort", "quit"
 *	SMFIC_ABORT, SMFIC_QUIT: no reply is expected.
 * .IP "sleep MS"
 *	pause.
 * .PP
 *	A step the milter said it does not want (SMFIP_NOCONNECT ...
 *	SMFIP_NOUNKNOWN) is not sent; "skip STEP" is printed instead.  After
 *	a step for which the milter negotiated "no reply" (SMFIP_NR_*)
 *	nothing is read.  After a "skip" reply to a body chunk, the other
 *	chunks of that message are not sent ("skip STEP"), as Postfix does.
 *	Macros are always sent.  Otherwise the replies are read up to the
 *	final one, and each packet prints one line:
 *
 *		reply STEP continue|accept|reject|discard|tempfail|skip
 *		reply STEP shutdown|connfail
 *		reply STEP replycode TEXT
 *		progress
 *		chgfrom ADDR [ARGS]
 *		addrcpt ADDR
 *		addrcpt_par ADDR [ARGS]
 *		delrcpt ADDR
 *		addheader NAME [VALUE]
 *		insheader INDEX NAME [VALUE]
 *		chgheader INDEX NAME [VALUE]	(no VALUE: delete)
 *		replbody LEN
 *		quarantine REASON
 *		setsymlist STAGE MACROS
 *
 *	STEP is the script command.  A field that ends a line is left out
 *	with its blank when it is empty.  Text is printed as sent, except
 *	that \, control characters and DEL are written as \r \n \t \\
 *	\xHH.
 * DIAGNOSTICS
 *	On end of file, a timeout, a malformed packet (length 0 or over
 *	1 MiB, fields that do not fill it exactly, strings without their
 *	NUL), a protocol violation (an unknown reply, a modification outside
 *	eom or not negotiated, a reply that nobody asked for, "skip" after
 *	anything but a body chunk) or a bad script line, milterclient prints
 *	"error WHAT" on the standard error and exits 2.  Otherwise it exits 0
 *	when the script ends (it closes the socket; it sends no QUIT by
 *	itself).
 * NOTES
 *	Seen with libmilter 8.17 (Debian 12): a milter without
 *	xxfi_negotiate answers with flags of its own only (protocol 0 when
 *	every callback is set: no SMFIP_SKIP, no "no reply" steps, whatever
 *	the MTA offered); macro lists (smfi_setsymlist()) come in the
 *	negotiate reply, never as SMFIR_SETSYMLIST packets; a command out of
 *	order (a header before MAIL, a second connect) is dropped without a
 *	reply, so the client runs into its timeout.
 * BUGS
 *	One connection per run; no SMFIC_QUIT_NC.
 * SEE ALSO
 *	tests/milter/test_milterclient.sh, tests/milter/noop_milter.c
 *--*/

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include <libmilter/mfapi.h>		/* SMFIF_*; includes mfdef.h (not linked) */

#define MC_VERSION	6		/* what Postfix 3.7 speaks */
#define MC_ACTIONS	SMFI_CURR_ACTS	/* 0x1ff: all it understands */
#define MC_PROTOCOL	SMFI_CURR_PROT	/* 0x1fffff: Postfix's version 6 mask */
#define MC_MAX_PACKET	(1024 * 1024)	/* longest packet accepted */
#define MC_MAX_WORDS	256		/* words of one script line */

 /*
  * One connection and its script.  The buffers live here so that they
  * stay reachable when a failure exits from deep inside.
  */
typedef struct {
    int     fd;				/* socket to the milter */
    int     timeout_ms;			/* per wait */
    unsigned long version;		/* negotiated */
    unsigned long actions;		/* SMFIF_* */
    unsigned long protocol;		/* SMFIP_* */
    int     body_skipped;		/* SMFIR_SKIP seen in this message */
    unsigned line_no;			/* script line */
    char   *line;			/* script line buffer */
    size_t  line_cap;
    unsigned char *in;			/* last packet: command + data */
    size_t  in_cap;
    unsigned char *out;			/* packet being built */
    size_t  out_len;
    size_t  out_cap;
    unsigned char *file;		/* bodyfile chunk */
} MC;

static MC mc_ctx = {.fd = -1};

 /*
  * The script commands.  code is the SMFIC_* command, no_flag the
  * SMFIP_NO* flag that makes it not wanted, nr_flag the SMFIP_NR_* flag
  * that makes it go without reply; reply says whether a reply comes at all.
  */
typedef struct MC_CMD MC_CMD;
typedef void (*MC_HANDLER) (MC *, const MC_CMD *, char *);

struct MC_CMD {
    const char *name;
    int     code;
    unsigned long no_flag;
    unsigned long nr_flag;
    int     reply;
    MC_HANDLER fn;
};

/* mc_fail - report "error WHAT" and exit 2 */

static void __attribute__((noreturn, format(printf, 1, 2))) mc_fail(const char *fmt,...)
{
    va_list ap;

    fflush(stdout);
    fputs("error ", stderr);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
    exit(2);
}

/* mc_script_fail - a bad script line */

static void __attribute__((noreturn)) mc_script_fail(MC *c, const char *what, const char *arg)
{
    mc_fail("script line %u: %s%s%s", c->line_no, what, arg ? ": " : "", arg ? arg : "");
}

/* mc_grow - make a buffer hold len bytes */

static void *mc_grow(void *buf, size_t *cap, size_t len)
{
    void   *p;

    if (len <= *cap)
	return buf;
    if ((p = realloc(buf, len)) == NULL)
	mc_fail("out of memory (%zu bytes)", len);
    *cap = len;
    return p;
}

/* mc_put_text - print bytes with C escapes for \, controls and DEL */

static void mc_put_text(const unsigned char *s, size_t len)
{
    size_t  i;

    for (i = 0; i < len; i++) {
	switch (s[i]) {
	case '\r':
	    fputs("\\r", stdout);
	    break;
	case '\n':
	    fputs("\\n", stdout);
	    break;
	case '\t':
	    fputs("\\t", stdout);
	    break;
	case '\\':
	    fputs("\\\\", stdout);
	    break;
	default:
	    if (s[i] < 0x20 || s[i] == 0x7f)
		printf("\\x%02X", s[i]);
	    else
		putchar(s[i]);
	}
    }
}

/* mc_put_field - print " TEXT"; an empty last field is left out */

static void mc_put_field(const char *s, int last)
{
    if (last && *s == 0)
	return;
    putchar(' ');
    mc_put_text((const unsigned char *) s, strlen(s));
}

/* mc_wait - wait until the socket is ready, or fail after the timeout */

static void mc_wait(MC *c, short events, const char *what)
{
    struct pollfd p;
    int     n;

    for (;;) {
	p.fd = c->fd;
	p.events = events;
	p.revents = 0;
	if ((n = poll(&p, 1, c->timeout_ms)) > 0)
	    return;
	if (n == 0)
	    mc_fail("timeout after %d ms %s", c->timeout_ms, what);
	if (errno != EINTR)
	    mc_fail("poll: %s", strerror(errno));
    }
}

/* mc_read - read exactly len bytes */

static void mc_read(MC *c, unsigned char *buf, size_t len, const char *what)
{
    ssize_t n;

    while (len > 0) {
	mc_wait(c, POLLIN, what);
	if ((n = read(c->fd, buf, len)) == 0)
	    mc_fail("EOF %s", what);
	if (n < 0) {
	    if (errno == EINTR || errno == EAGAIN || errno == EWOULDBLOCK)
		continue;
	    mc_fail("read %s: %s", what, strerror(errno));
	}
	buf += n;
	len -= (size_t) n;
    }
}

/* mc_write - write all of buf */

static void mc_write(MC *c, const unsigned char *buf, size_t len, const char *what)
{
    ssize_t n;

    while (len > 0) {
	mc_wait(c, POLLOUT, what);
	if ((n = send(c->fd, buf, len, MSG_NOSIGNAL)) < 0) {
	    if (errno == EINTR || errno == EAGAIN || errno == EWOULDBLOCK)
		continue;
	    mc_fail("write %s: %s", what, strerror(errno));
	}
	buf += n;
	len -= (size_t) n;
    }
}

/* mc_out_start - begin a packet with command code */

static void mc_out_start(MC *c, int code)
{
    c->out = mc_grow(c->out, &c->out_cap, 5);
    c->out[4] = (unsigned char) code;
    c->out_len = 5;
}

/* mc_out_add - append bytes to the packet */

static void mc_out_add(MC *c, const void *data, size_t len)
{
    if (len > MC_MAX_PACKET)
	mc_fail("packet to send over %d bytes", MC_MAX_PACKET);
    c->out = mc_grow(c->out, &c->out_cap, c->out_len + len);
    memcpy(c->out + c->out_len, data, len);
    c->out_len += len;
}

/* mc_out_str - append a string and its NUL */

static void mc_out_str(MC *c, const char *s)
{
    mc_out_add(c, s, strlen(s) + 1);
}

/* mc_out_u32 - append a network-order 32-bit number */

static void mc_out_u32(MC *c, uint32_t v)
{
    unsigned char b[4] = {v >> 24, v >> 16, v >> 8, v};

    mc_out_add(c, b, 4);
}

/* mc_out_send - fill in the length and send the packet */

static void mc_out_send(MC *c, const char *step)
{
    size_t  n = c->out_len - 4;		/* command + data */
    char    what[80];

    if (n > MC_MAX_PACKET)
	mc_fail("packet to send over %d bytes", MC_MAX_PACKET);
    c->out[0] = (unsigned char) (n >> 24);
    c->out[1] = (unsigned char) (n >> 16);
    c->out[2] = (unsigned char) (n >> 8);
    c->out[3] = (unsigned char) n;
    snprintf(what, sizeof(what), "sending %s", step);
    mc_write(c, c->out, c->out_len, what);
}

/* mc_recv - read one packet: its code, and data/len in c->in */

static int mc_recv(MC *c, const char *step, const unsigned char **data, size_t *len)
{
    unsigned char hdr[4];
    uint32_t n;
    char    what[80];

    snprintf(what, sizeof(what), "waiting for the reply to %s", step);
    mc_read(c, hdr, 4, what);
    n = (uint32_t) hdr[0] << 24 | (uint32_t) hdr[1] << 16 | (uint32_t) hdr[2] << 8 | hdr[3];
    if (n == 0)
	mc_fail("malformed packet after %s: length 0", step);
    if (n > MC_MAX_PACKET)
	mc_fail("malformed packet after %s: length %lu over %d",
		step, (unsigned long) n, MC_MAX_PACKET);
    c->in = mc_grow(c->in, &c->in_cap, n);
    mc_read(c, c->in, n, what);
    *data = c->in + 1;
    *len = n - 1;
    return c->in[0];
}

 /*
  * A cursor over the data of a received packet: every field is checked
  * against what is left, so that nothing is read past the data.
  */
typedef struct {
    const unsigned char *p;
    size_t  left;
} MC_CUR;

/* mc_cur_u32 - take a network-order 32-bit number; -1 when too short */

static int mc_cur_u32(MC_CUR *cur, uint32_t *v)
{
    if (cur->left < 4)
	return -1;
    *v = (uint32_t) cur->p[0] << 24 | (uint32_t) cur->p[1] << 16
	| (uint32_t) cur->p[2] << 8 | cur->p[3];
    cur->p += 4;
    cur->left -= 4;
    return 0;
}

/* mc_cur_str - take a NUL-terminated string; -1 without its NUL */

static int mc_cur_str(MC_CUR *cur, const char **s)
{
    const unsigned char *nul = memchr(cur->p, 0, cur->left);

    if (nul == NULL)
	return -1;
    *s = (const char *) cur->p;
    cur->left -= (size_t) (nul - cur->p) + 1;
    cur->p = nul + 1;
    return 0;
}

 /*
  * Script steps by macro stage number (SMFIM_*), for setsymlist lines.
  */
static const char *const mc_stage_names[] = {
    "connect", "helo", "mail", "rcpt", "data", "eom", "eoh",
};

/* mc_symlists - print "setsymlist STAGE MACROS" for each list in cur */

static void mc_symlists(MC_CUR *cur, const char *step)
{
    uint32_t stage;
    const char *list;

    while (cur->left > 0) {
	if (mc_cur_u32(cur, &stage) < 0 || mc_cur_str(cur, &list) < 0)
	    mc_fail("malformed macro list after %s", step);
	if (stage >= sizeof(mc_stage_names) / sizeof(mc_stage_names[0]))
	    mc_fail("protocol violation: macro list for unknown stage %lu after %s",
		    (unsigned long) stage, step);
	printf("setsymlist %s", mc_stage_names[stage]);
	mc_put_field(list, 1);
	putchar('\n');
    }
}

 /*
  * Modification requests.  They come before the final reply to eom (except
  * setsymlist, which libmilter never sends as a packet), and only those
  * whose action flag was negotiated.
  */
typedef enum {
    MC_F_STR,				/* string */
    MC_F_STR_OPT,			/* string [string] */
    MC_F_STR2,				/* string string */
    MC_F_IDX_STR2,			/* u32 string string */
    MC_F_RAW,				/* bytes */
    MC_F_SYMLIST,			/* (u32 string)... */
} MC_FORMAT;

typedef struct {
    int     code;
    const char *name;
    unsigned long action;
    MC_FORMAT format;
} MC_MOD;

static const MC_MOD mc_mods[] = {
    {SMFIR_CHGFROM, "chgfrom", SMFIF_CHGFROM, MC_F_STR_OPT},
    {SMFIR_ADDRCPT, "addrcpt", SMFIF_ADDRCPT, MC_F_STR},
    {SMFIR_ADDRCPT_PAR, "addrcpt_par", SMFIF_ADDRCPT_PAR, MC_F_STR_OPT},
    {SMFIR_DELRCPT, "delrcpt", SMFIF_DELRCPT, MC_F_STR},
    {SMFIR_ADDHEADER, "addheader", SMFIF_ADDHDRS, MC_F_STR2},
    {SMFIR_INSHEADER, "insheader", SMFIF_ADDHDRS, MC_F_IDX_STR2},
    {SMFIR_CHGHEADER, "chgheader", SMFIF_CHGHDRS, MC_F_IDX_STR2},
    {SMFIR_REPLBODY, "replbody", SMFIF_CHGBODY, MC_F_RAW},
    {SMFIR_QUARANTINE, "quarantine", SMFIF_QUARANTINE, MC_F_STR},
    {SMFIR_SETSYMLIST, "setsymlist", SMFIF_SETSYMLIST, MC_F_SYMLIST},
};

/* mc_modification - check and print one modification request */

static void mc_modification(MC *c, const MC_MOD *m, const char *step,
			            const unsigned char *data, size_t len)
{
    MC_CUR  cur = {data, len};
    const char *s1 = "", *s2 = "";
    uint32_t idx = 0;
    int     bad = 0;

    if ((c->actions & m->action) == 0)
	mc_fail("protocol violation: %s after %s, but action 0x%lx was not negotiated",
		m->name, step, m->action);
    if (m->format != MC_F_SYMLIST && strcmp(step, "eom") != 0)
	mc_fail("protocol violation: %s after %s (only after eom)", m->name, step);
    switch (m->format) {
    case MC_F_RAW:
	printf("%s %zu\n", m->name, len);
	return;
    case MC_F_SYMLIST:
	mc_symlists(&cur, step);
	return;
    case MC_F_IDX_STR2:
	bad = mc_cur_u32(&cur, &idx) < 0;
	/* FALLTHROUGH */
    case MC_F_STR2:
	bad = bad || mc_cur_str(&cur, &s1) < 0 || mc_cur_str(&cur, &s2) < 0;
	break;
    case MC_F_STR_OPT:
	bad = mc_cur_str(&cur, &s1) < 0 || (cur.left > 0 && mc_cur_str(&cur, &s2) < 0);
	break;
    case MC_F_STR:
	bad = mc_cur_str(&cur, &s1) < 0;
	break;
    }
    if (bad || cur.left > 0)
	mc_fail("malformed %s packet after %s (%zu bytes)", m->name, step, len);
    if (*s1 == 0)
	mc_fail("protocol violation: %s with an empty %s after %s", m->name,
		m->format == MC_F_STR2 || m->format == MC_F_IDX_STR2 ? "name" : "argument",
		step);
    fputs(m->name, stdout);
    if (m->format == MC_F_IDX_STR2)
	printf(" %lu", (unsigned long) idx);
    mc_put_field(s1, m->format == MC_F_STR);
    if (m->format != MC_F_STR)
	mc_put_field(s2, 1);
    putchar('\n');
}

 /*
  * Final replies without data.
  */
static const struct {
    int     code;
    const char *word;
} mc_finals[] = {
    {SMFIR_CONTINUE, "continue"},
    {SMFIR_ACCEPT, "accept"},
    {SMFIR_REJECT, "reject"},
    {SMFIR_DISCARD, "discard"},
    {SMFIR_TEMPFAIL, "tempfail"},
    {SMFIR_SKIP, "skip"},
    {SMFIR_SHUTDOWN, "shutdown"},
    {SMFIR_CONN_FAIL, "connfail"},
};

/* mc_replycode - check and print an SMFIR_REPLYCODE reply */

static void mc_replycode(const char *step, const unsigned char *data, size_t len)
{
    if (len == 0 || data[len - 1] != 0 || memchr(data, 0, len - 1) != NULL)
	mc_fail("malformed replycode packet after %s (%zu bytes)", step, len);

    /*
     * Postfix takes "4xx 4.y.z text" or "5xx 5.y.z text" (or with "-"
     * after the code) and treats anything else as a configuration error.
     */
    if (len < 6 || (data[0] != '4' && data[0] != '5')
	|| data[1] < '0' || data[1] > '9' || data[2] < '0' || data[2] > '9'
	|| (data[3] != ' ' && data[3] != '-') || data[4] != data[0])
	mc_fail("protocol violation: malformed reply code after %s: %.*s",
		step, (int) (len - 1), (const char *) data);
    printf("reply %s replycode ", step);
    mc_put_text(data, len - 1);
    putchar('\n');
}

/* mc_replies - read and print packets up to the final reply to step */

static void mc_replies(MC *c, const char *step)
{
    const unsigned char *data;
    size_t  len;
    size_t  i;
    int     code;

    for (;;) {
	code = mc_recv(c, step, &data, &len);
	for (i = 0; i < sizeof(mc_finals) / sizeof(mc_finals[0]); i++)
	    if (mc_finals[i].code == code)
		break;
	if (i < sizeof(mc_finals) / sizeof(mc_finals[0])) {
	    if (len != 0)
		mc_fail("malformed %s reply after %s: %zu data bytes",
			mc_finals[i].word, step, len);
	    if (code == SMFIR_SKIP) {
		if (strcmp(step, "body") != 0 && strcmp(step, "bodyfile") != 0)
		    mc_fail("protocol violation: skip after %s (only after a body chunk)", step);
		c->body_skipped = 1;
	    }
	    printf("reply %s %s\n", step, mc_finals[i].word);
	    return;
	}
	if (code == SMFIR_REPLYCODE) {
	    mc_replycode(step, data, len);
	    return;
	}
	if (code == SMFIR_PROGRESS) {
	    if (len != 0)
		mc_fail("malformed progress packet after %s: %zu data bytes", step, len);
	    puts("progress");
	    continue;
	}
	for (i = 0; i < sizeof(mc_mods) / sizeof(mc_mods[0]); i++)
	    if (mc_mods[i].code == code)
		break;
	if (i == sizeof(mc_mods) / sizeof(mc_mods[0]))
	    mc_fail("protocol violation: unknown reply code 0x%02X after %s", code, step);
	mc_modification(c, mc_mods + i, step, data, len);
    }
}

/* mc_quiet - fail when the milter sent something nobody asked for */

static void mc_quiet(MC *c, const char *step)
{
    struct pollfd p = {.fd = c->fd, .events = POLLIN};
    unsigned char b;
    ssize_t n;

    if (poll(&p, 1, 0) <= 0 || (p.revents & (POLLIN | POLLHUP | POLLERR)) == 0)
	return;
    if ((n = recv(c->fd, &b, 1, MSG_PEEK)) == 0)
	mc_fail("EOF before %s: the milter closed the connection", step);
    if (n > 0)
	mc_fail("protocol violation: data from the milter before %s that no command asked for",
		step);
}

/* mc_step_wanted - 0 (after "skip STEP") when the milter does not want it */

static int mc_step_wanted(MC *c, const MC_CMD *cmd)
{
    int     body = cmd->code == SMFIC_BODY;

    if ((c->protocol & cmd->no_flag) != 0 || (body && c->body_skipped)) {
	printf("skip %s\n", cmd->name);
	return 0;
    }
    mc_quiet(c, cmd->name);
    return 1;
}

/* mc_step_send - send the packet built and read the replies, if any */

static void mc_step_send(MC *c, const MC_CMD *cmd)
{
    mc_out_send(c, cmd->name);
    if (cmd->reply && (c->protocol & cmd->nr_flag) == 0)
	mc_replies(c, cmd->name);
}

/* mc_unescape - decode \r \n \t \\ \xHH in place; -1 on a bad escape */

static int mc_unescape(char *s, size_t *len)
{
    char   *r = s, *w = s;
    int     hi, lo;

    while (*r) {
	if (*r != '\\') {
	    *w++ = *r++;
	    continue;
	}
	switch (r[1]) {
	case 'r':
	    *w++ = '\r';
	    break;
	case 'n':
	    *w++ = '\n';
	    break;
	case 't':
	    *w++ = '\t';
	    break;
	case '\\':
	    *w++ = '\\';
	    break;
	case 'x':
#define HEXVAL(ch) ((ch) >= '0' && (ch) <= '9' ? (ch) - '0' : \
		    (ch) >= 'a' && (ch) <= 'f' ? (ch) - 'a' + 10 : \
		    (ch) >= 'A' && (ch) <= 'F' ? (ch) - 'A' + 10 : -1)
	    if ((hi = HEXVAL(r[2])) < 0 || (lo = HEXVAL(r[3])) < 0)
		return -1;
	    *w++ = (char) (hi << 4 | lo);
	    r += 2;
	    break;
	default:
	    return -1;
	}
	r += 2;
    }
    *w = 0;
    *len = (size_t) (w - s);
    return 0;
}

/* mc_unescape_str - decode a string that must not hold NUL */

static void mc_unescape_str(MC *c, char *s, const char *what)
{
    size_t  len;

    if (strcmp(s, "\"\"") == 0) {
	*s = 0;
	return;
    }
    if (mc_unescape(s, &len) < 0)
	mc_script_fail(c, "bad escape in", what);
    if (strlen(s) != len)
	mc_script_fail(c, "\\x00 is not allowed in", what);
}

/* mc_words - split args into blank-separated words, in place */

static int mc_words(MC *c, char *args, char **words)
{
    int     n = 0;
    char   *p = args;

    for (;;) {
	p += strspn(p, " \t");
	if (*p == 0)
	    return n;
	if (n == MC_MAX_WORDS)
	    mc_script_fail(c, "too many words", NULL);
	words[n++] = p;
	p += strcspn(p, " \t");
	if (*p)
	    *p++ = 0;
    }
}

/* mc_rest - the text after a first word and one blank */

static char *mc_rest(char *args, char **first)
{
    char   *p = args + strcspn(args, " \t");

    *first = args;
    if (*p)
	*p++ = 0;
    return p;
}

/* mc_do_connect - connect HOSTNAME FAMILY ADDR PORT */

static void mc_do_connect(MC *c, const MC_CMD *cmd, char *args)
{
    char   *w[MC_MAX_WORDS];
    int     n = mc_words(c, args, w);
    char   *end;
    long    port;
    unsigned char pb[2];

    if (n < 2 || strlen(w[1]) != 1 || strchr("46LU", w[1][0]) == NULL)
	mc_script_fail(c, "usage: connect HOSTNAME 4|6|L|U ADDR PORT", NULL);
    if (w[1][0] != 'U' && n != 4)
	mc_script_fail(c, "usage: connect HOSTNAME 4|6|L|U ADDR PORT", NULL);
    if (!mc_step_wanted(c, cmd))
	return;
    mc_out_start(c, cmd->code);
    mc_out_str(c, w[0]);
    mc_out_add(c, w[1], 1);
    if (w[1][0] != 'U') {
	errno = 0;
	port = strtol(w[3], &end, 10);
	if (errno || *end || end == w[3] || port < 0 || port > 65535)
	    mc_script_fail(c, "bad port", w[3]);
	pb[0] = (unsigned char) (port >> 8);
	pb[1] = (unsigned char) port;
	mc_out_add(c, pb, 2);
	mc_out_str(c, w[2]);
    }
    mc_step_send(c, cmd);
}

/* mc_do_macro - macro STAGE NAME VALUE [NAME VALUE ...] */

static void mc_do_macro(MC *c, const MC_CMD *cmd, char *args)
{
    char   *w[MC_MAX_WORDS];
    int     n = mc_words(c, args, w);
    int     i;

    if (n < 3 || n % 2 == 0 || strlen(w[0]) != 1)
	mc_script_fail(c, "usage: macro STAGE NAME VALUE [NAME VALUE ...]", NULL);
    mc_out_start(c, cmd->code);
    mc_out_add(c, w[0], 1);
    for (i = 1; i < n; i++) {
	mc_unescape_str(c, w[i], i % 2 ? "a macro name" : "a macro value");
	mc_out_str(c, w[i]);
    }
    mc_quiet(c, cmd->name);
    mc_step_send(c, cmd);
}

/* mc_do_text - helo NAME, unknown TEXT: the rest of the line */

static void mc_do_text(MC *c, const MC_CMD *cmd, char *args)
{
    if (*args == 0)
	mc_script_fail(c, "missing argument to", cmd->name);
    if (!mc_step_wanted(c, cmd))
	return;
    mc_out_start(c, cmd->code);
    mc_out_str(c, args);
    mc_step_send(c, cmd);
}

/* mc_do_argv - mail/rcpt ADDR [ESMTP-ARG ...] */

static void mc_do_argv(MC *c, const MC_CMD *cmd, char *args)
{
    char   *w[MC_MAX_WORDS];
    int     n = mc_words(c, args, w);
    int     i;

    if (n < 1)
	mc_script_fail(c, "missing address to", cmd->name);
    if (cmd->code == SMFIC_MAIL)
	c->body_skipped = 0;
    if (!mc_step_wanted(c, cmd))
	return;
    mc_out_start(c, cmd->code);
    for (i = 0; i < n; i++)
	mc_out_str(c, w[i]);
    mc_step_send(c, cmd);
}

/* mc_do_bare - data, eoh, eom, abort, quit: no arguments */

static void mc_do_bare(MC *c, const MC_CMD *cmd, char *args)
{
    if (*args)
	mc_script_fail(c, "no arguments expected to", cmd->name);
    if (cmd->code == SMFIC_BODYEOB || cmd->code == SMFIC_ABORT)
	c->body_skipped = 0;
    if (!mc_step_wanted(c, cmd))
	return;
    mc_out_start(c, cmd->code);
    mc_step_send(c, cmd);
}

/* mc_do_header - header NAME VALUE... */

static void mc_do_header(MC *c, const MC_CMD *cmd, char *args)
{
    char   *name;
    char   *value = mc_rest(args, &name);

    if (*name == 0)
	mc_script_fail(c, "usage: header NAME VALUE", NULL);
    mc_unescape_str(c, value, "a header value");
    if (!mc_step_wanted(c, cmd))
	return;
    mc_out_start(c, cmd->code);
    mc_out_str(c, name);
    if (c->protocol & SMFIP_HDR_LEADSPC)
	mc_out_add(c, " ", 1);
    mc_out_str(c, value);
    mc_step_send(c, cmd);
}

/* mc_body_chunks - send data as body chunks of at most MILTER_CHUNK_SIZE */

static void mc_body_chunks(MC *c, const MC_CMD *cmd, const char *data, size_t len)
{
    size_t  n;

    while (len > 0 && mc_step_wanted(c, cmd)) {
	n = len < MILTER_CHUNK_SIZE ? len : MILTER_CHUNK_SIZE;
	mc_out_start(c, cmd->code);
	mc_out_add(c, data, n);
	mc_step_send(c, cmd);
	data += n;
	len -= n;
    }
}

/* mc_do_body - body TEXT */

static void mc_do_body(MC *c, const MC_CMD *cmd, char *args)
{
    size_t  len;

    if (mc_unescape(args, &len) < 0)
	mc_script_fail(c, "bad escape in body text", NULL);
    if (len == 0)
	mc_script_fail(c, "empty body text", NULL);
    mc_body_chunks(c, cmd, args, len);
}

/* mc_do_bodyfile - bodyfile PATH */

static void mc_do_bodyfile(MC *c, const MC_CMD *cmd, char *args)
{
    FILE   *fp;
    size_t  n;

    if (*args == 0)
	mc_script_fail(c, "usage: bodyfile PATH", NULL);
    if ((fp = fopen(args, "rb")) == NULL)
	mc_fail("script line %u: open %s: %s", c->line_no, args, strerror(errno));
    if (c->file == NULL && (c->file = malloc(MILTER_CHUNK_SIZE)) == NULL)
	mc_fail("out of memory");
    while ((n = fread(c->file, 1, MILTER_CHUNK_SIZE, fp)) > 0) {
	if (!mc_step_wanted(c, cmd))
	    break;
	mc_out_start(c, cmd->code);
	mc_out_add(c, c->file, n);
	mc_step_send(c, cmd);
    }
    if (ferror(fp))
	mc_fail("script line %u: read %s: %s", c->line_no, args, strerror(errno));
    fclose(fp);
}

/* mc_do_sleep - sleep MS */

static void mc_do_sleep(MC *c, const MC_CMD *cmd, char *args)
{
    char   *end;
    long    ms;
    struct timespec ts;

    errno = 0;
    ms = strtol(args, &end, 10);
    if (errno || end == args || *end || ms < 0 || ms > 3600000)
	mc_script_fail(c, "usage: sleep MS", NULL);
    ts.tv_sec = ms / 1000;
    ts.tv_nsec = (ms % 1000) * 1000000L;
    while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
	 /* continue */ ;
}

static const MC_CMD mc_cmds[] = {
    {"connect", SMFIC_CONNECT, SMFIP_NOCONNECT, SMFIP_NR_CONN, 1, mc_do_connect},
    {"macro", SMFIC_MACRO, 0, 0, 0, mc_do_macro},
    {"helo", SMFIC_HELO, SMFIP_NOHELO, SMFIP_NR_HELO, 1, mc_do_text},
    {"mail", SMFIC_MAIL, SMFIP_NOMAIL, SMFIP_NR_MAIL, 1, mc_do_argv},
    {"rcpt", SMFIC_RCPT, SMFIP_NORCPT, SMFIP_NR_RCPT, 1, mc_do_argv},
    {"data", SMFIC_DATA, SMFIP_NODATA, SMFIP_NR_DATA, 1, mc_do_bare},
    {"header", SMFIC_HEADER, SMFIP_NOHDRS, SMFIP_NR_HDR, 1, mc_do_header},
    {"eoh", SMFIC_EOH, SMFIP_NOEOH, SMFIP_NR_EOH, 1, mc_do_bare},
    {"body", SMFIC_BODY, SMFIP_NOBODY, SMFIP_NR_BODY, 1, mc_do_body},
    {"bodyfile", SMFIC_BODY, SMFIP_NOBODY, SMFIP_NR_BODY, 1, mc_do_bodyfile},
    {"eom", SMFIC_BODYEOB, 0, 0, 1, mc_do_bare},
    {"unknown", SMFIC_UNKNOWN, SMFIP_NOUNKNOWN, SMFIP_NR_UNKN, 1, mc_do_text},
    {"abort", SMFIC_ABORT, 0, 0, 0, mc_do_bare},
    {"quit", SMFIC_QUIT, 0, 0, 0, mc_do_bare},
    {"sleep", 0, 0, 0, 0, mc_do_sleep},
};

/* mc_negotiate - SMFIC_OPTNEG as Postfix sends it; print the answer */

static void mc_negotiate(MC *c)
{
    const unsigned char *data;
    size_t  len;
    MC_CUR  cur;
    uint32_t version, actions, protocol;
    int     code;

    mc_out_start(c, SMFIC_OPTNEG);
    mc_out_u32(c, MC_VERSION);
    mc_out_u32(c, MC_ACTIONS);
    mc_out_u32(c, MC_PROTOCOL);
    mc_out_send(c, "negotiate");
    if ((code = mc_recv(c, "negotiate", &data, &len)) != SMFIC_OPTNEG)
	mc_fail("protocol violation: reply code 0x%02X to negotiate", code);
    cur.p = data;
    cur.left = len;
    if (mc_cur_u32(&cur, &version) < 0 || mc_cur_u32(&cur, &actions) < 0
	|| mc_cur_u32(&cur, &protocol) < 0)
	mc_fail("malformed negotiate reply (%zu bytes)", len);
    if (version < 2 || version > MC_VERSION)
	mc_fail("protocol violation: milter protocol version %lu (we speak %d)",
		(unsigned long) version, MC_VERSION);
    if ((actions & ~(uint32_t) MC_ACTIONS) != 0)
	mc_fail("protocol violation: actions 0x%lx outside 0x%lx",
		(unsigned long) actions, (unsigned long) MC_ACTIONS);
    if ((protocol & ~(uint32_t) MC_PROTOCOL) != 0)
	mc_fail("protocol violation: protocol flags 0x%lx outside 0x%lx",
		(unsigned long) protocol, (unsigned long) MC_PROTOCOL);
    c->version = version;
    c->actions = actions;
    c->protocol = protocol;
    printf("negotiate version=%lu actions=0x%02lx protocol=0x%02lx\n",
	   c->version, c->actions, c->protocol);
    mc_symlists(&cur, "negotiate");
}

/* mc_connect - open SOCKET (unix:/path, inet:PORT@HOST, inet6:...) */

static int mc_connect(const char *spec, int timeout_ms)
{
    struct addrinfo hints, *res = NULL, *ai;
    struct sockaddr_un sa_un;
    char    host[256], port[32];
    const char *at, *rest;
    size_t  hlen;
    int     fd = -1, err = 0, rc, so_err;
    socklen_t so_len;
    struct pollfd p;

    memset(&hints, 0, sizeof(hints));
    hints.ai_socktype = SOCK_STREAM;
    if (strncmp(spec, "unix:", 5) == 0 || strncmp(spec, "local:", 6) == 0) {
	rest = strchr(spec, ':') + 1;
	memset(&sa_un, 0, sizeof(sa_un));
	if (*rest == 0 || strlen(rest) >= sizeof(sa_un.sun_path))
	    mc_fail("bad socket path: %s", spec);
	sa_un.sun_family = AF_UNIX;
	strcpy(sa_un.sun_path, rest);
	if ((fd = socket(AF_UNIX, SOCK_STREAM, 0)) < 0)
	    mc_fail("socket: %s", strerror(errno));
	if (connect(fd, (struct sockaddr *) &sa_un, sizeof(sa_un)) < 0)
	    mc_fail("connect %s: %s", spec, strerror(errno));
	if (fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK) < 0)
	    mc_fail("fcntl: %s", strerror(errno));
	return fd;
    }
    if (strncmp(spec, "inet:", 5) == 0)
	hints.ai_family = AF_UNSPEC;
    else if (strncmp(spec, "inet6:", 6) == 0)
	hints.ai_family = AF_INET6;
    else
	mc_fail("bad socket %s: not unix:/path, inet:PORT@HOST or inet6:PORT@HOST", spec);
    rest = strchr(spec, ':') + 1;
    if ((at = strchr(rest, '@')) == NULL || at == rest || (size_t) (at - rest) >= sizeof(port))
	mc_fail("bad socket %s: PORT@HOST expected", spec);
    memcpy(port, rest, (size_t) (at - rest));
    port[at - rest] = 0;
    rest = at + 1;
    hlen = strlen(rest);
    if (hlen >= 2 && rest[0] == '[' && rest[hlen - 1] == ']') {
	rest++;
	hlen -= 2;
    }
    if (hlen == 0 || hlen >= sizeof(host))
	mc_fail("bad socket %s: bad host", spec);
    memcpy(host, rest, hlen);
    host[hlen] = 0;
    if ((rc = getaddrinfo(host, port, &hints, &res)) != 0)
	mc_fail("%s: %s", spec, gai_strerror(rc));
    for (ai = res; ai != NULL; ai = ai->ai_next) {
	if ((fd = socket(ai->ai_family, ai->ai_socktype, ai->ai_protocol)) < 0) {
	    err = errno;
	    continue;
	}
	if (fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK) < 0)
	    mc_fail("fcntl: %s", strerror(errno));
	if (connect(fd, ai->ai_addr, ai->ai_addrlen) == 0)
	    break;
	err = errno;
	if (errno == EINPROGRESS) {
	    p.fd = fd;
	    p.events = POLLOUT;
	    while ((rc = poll(&p, 1, timeout_ms)) < 0 && errno == EINTR)
		 /* continue */ ;
	    so_len = sizeof(so_err);
	    if (rc == 0)
		err = ETIMEDOUT;
	    else if (rc > 0 && getsockopt(fd, SOL_SOCKET, SO_ERROR, &so_err, &so_len) == 0)
		err = so_err;
	    if (rc > 0 && err == 0)
		break;
	}
	close(fd);
	fd = -1;
    }
    freeaddrinfo(res);
    if (fd < 0)
	mc_fail("connect %s: %s", spec, strerror(err));
    return fd;
}

/* mc_run - run the script on standard input */

static void mc_run(MC *c)
{
    ssize_t n;
    char   *p, *args;
    size_t  i;

    while ((n = getline(&c->line, &c->line_cap, stdin)) >= 0) {
	c->line_no++;
	while (n > 0 && (c->line[n - 1] == '\n' || c->line[n - 1] == '\r'))
	    c->line[--n] = 0;
	if ((size_t) n != strlen(c->line))
	    mc_script_fail(c, "NUL byte in the line", NULL);
	p = c->line + strspn(c->line, " \t");
	if (*p == 0 || *p == '#')
	    continue;
	args = mc_rest(p, &p);
	for (i = 0; i < sizeof(mc_cmds) / sizeof(mc_cmds[0]); i++)
	    if (strcmp(p, mc_cmds[i].name) == 0)
		break;
	if (i == sizeof(mc_cmds) / sizeof(mc_cmds[0]))
	    mc_script_fail(c, "unknown command", p);
	mc_cmds[i].fn(c, mc_cmds + i, args);
	fflush(stdout);
    }
    if (ferror(stdin))
	mc_fail("reading the script: %s", strerror(errno));
}

/* mc_usage - say how to call */

static void __attribute__((noreturn)) mc_usage(void)
{
    mc_fail("usage: milterclient SOCKET [-t TIMEOUT_MS] < SCRIPT");
}

int     main(int argc, char **argv)
{
    MC     *c = &mc_ctx;
    const char *spec = NULL;
    char   *end;
    long    t;
    int     i;

    c->timeout_ms = 10000;
    for (i = 1; i < argc; i++) {
	if (strcmp(argv[i], "-t") == 0 && i + 1 < argc) {
	    errno = 0;
	    t = strtol(argv[++i], &end, 10);
	    if (errno || *end || end == argv[i] || t < 1 || t > 3600000)
		mc_usage();
	    c->timeout_ms = (int) t;
	} else if (argv[i][0] == '-' || spec != NULL) {
	    mc_usage();
	} else {
	    spec = argv[i];
	}
    }
    if (spec == NULL)
	mc_usage();
    signal(SIGPIPE, SIG_IGN);
    setvbuf(stdout, NULL, _IOLBF, 0);

    c->fd = mc_connect(spec, c->timeout_ms);
    mc_negotiate(c);
    mc_run(c);

    close(c->fd);
    free(c->line);
    free(c->in);
    free(c->out);
    free(c->file);
    return 0;
}
