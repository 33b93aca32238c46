/*++
 * NAME
 *	noop_milter 8
 * SUMMARY
 *	a libmilter milter that does nothing, or a fixed set of changes
 * SYNOPSIS
 *	tests/milter/noop_milter -p SOCKETSPEC [-m MODE] [-v]
 * DESCRIPTION
 *	noop_milter is the milter that tests/milter/milterclient is tested
 *	against, and the baseline "milter that costs nothing" for
 *	benchmarks.  It listens on SOCKETSPEC (libmilter syntax:
 *	"unix:/path", "inet:PORT@HOST", "inet6:PORT@HOST"; a stale unix
 *	socket is removed) and runs in the foreground until SIGTERM, SIGINT
 *	or SIGHUP: libmilter blocks those signals in every thread and waits
 *	for them in a thread of its own, which stops smfi_main() as
 *	smfi_stop() would (a handler of ours could not call smfi_stop()
 *	safely anyway).
 *
 *	MODE is one of:
 * .IP "noop (default)"
 *	every callback continues; no actions (flags 0), no xxfi_negotiate,
 *	so libmilter answers the negotiation with what its callback table
 *	implies.
 * .IP modify
 *	as noop, with actions SMFIF_CHGFROM, SMFIF_ADDHDRS and SMFIF_CHGHDRS;
 *	at end of message it changes the envelope sender to
 *	"<bounce+test@bounce.example>", appends "X-Test: yes" and deletes
 *	the first Subject header.
 * .IP lean
 *	asks in xxfi_negotiate for as little traffic as the MTA allows: no
 *	HELO, headers, DATA or unknown commands; no replies to connect,
 *	MAIL, RCPT and end of headers; it replies "skip" to the first body
 *	chunk; and it asks for the macros "{auth_authen} i" at MAIL
 *	(SMFIF_SETSYMLIST).
 * .PP
 *	With -v it writes a line per callback to the standard error
 *	("noop_milter: eom body=204800 i=ID" and so on), for tests that
 *	check what arrived.
 * DIAGNOSTICS
 *	Exits 1 when the socket cannot be opened or the arguments are bad,
 *	0 after a signal stopped it.
 *--*/

#include "config.h"

#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <libmilter/mfapi.h>

typedef enum {
    NM_NOOP,
    NM_MODIFY,
    NM_LEAN,
} NM_MODE;

static NM_MODE nm_mode = NM_NOOP;
static int nm_verbose;

 /*
  * Per connection: the body bytes and the message count.
  */
typedef struct {
    size_t  body;
    unsigned messages;
} NM_CONN;

/* nm_log - one line on stderr with -v */

static void __attribute__((format(printf, 1, 2))) nm_log(const char *fmt,...)
{
    va_list ap;
    char    buf[1024];

    if (!nm_verbose)
	return;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof(buf), fmt, ap);
    va_end(ap);
    fprintf(stderr, "noop_milter: %s\n", buf);
}

/* nm_str - a string for the log, "(null)" for NULL */

static const char *nm_str(const char *s)
{
    return s ? s : "(null)";
}

/* nm_conn - the connection state, created when missing */

static NM_CONN *nm_conn(SMFICTX *ctx)
{
    NM_CONN *conn = smfi_getpriv(ctx);

    if (conn == NULL && (conn = calloc(1, sizeof(*conn))) != NULL)
	smfi_setpriv(ctx, conn);
    return conn;
}

/* nm_reply - the answer of the callbacks for which lean mode has no reply */

static sfsistat nm_reply(void)
{
    return nm_mode == NM_LEAN ? SMFIS_NOREPLY : SMFIS_CONTINUE;
}

/* nm_negotiate - lean mode: as little traffic as the MTA offers */

static sfsistat nm_negotiate(SMFICTX *ctx, unsigned long f0, unsigned long f1,
			             unsigned long f2, unsigned long f3,
			             unsigned long *pf0, unsigned long *pf1,
			             unsigned long *pf2, unsigned long *pf3)
{
    unsigned long want = SMFIP_NOHELO | SMFIP_NOHDRS | SMFIP_NODATA
    | SMFIP_NOUNKNOWN | SMFIP_NR_CONN | SMFIP_NR_MAIL | SMFIP_NR_RCPT
    | SMFIP_NR_EOH | SMFIP_SKIP;

    nm_log("negotiate actions=0x%lx protocol=0x%lx", f0, f1);
    *pf0 = f0 & SMFIF_SETSYMLIST;
    *pf1 = f1 & want;
    *pf2 = 0;
    *pf3 = 0;
    if ((*pf0 & SMFIF_SETSYMLIST)
	&& smfi_setsymlist(ctx, SMFIM_ENVFROM, "{auth_authen} i") != MI_SUCCESS)
	nm_log("smfi_setsymlist failed");
    return SMFIS_CONTINUE;
}

/* nm_connect - count nothing yet; lean mode does not reply */

static sfsistat nm_connect(SMFICTX *ctx, char *host, _SOCK_ADDR *addr)
{
    nm_log("connect %s", nm_str(host));
    (void) nm_conn(ctx);
    return nm_reply();
}

/* nm_helo - continue */

static sfsistat nm_helo(SMFICTX *ctx, char *name)
{
    nm_log("helo %s", nm_str(name));
    return SMFIS_CONTINUE;
}

/* nm_envfrom - a new message begins */

static sfsistat nm_envfrom(SMFICTX *ctx, char **argv)
{
    NM_CONN *conn = nm_conn(ctx);

    if (conn)
	conn->body = 0;
    nm_log("envfrom %s%s auth_authen=%s", nm_str(argv[0]), argv[0] && argv[1] ? " +args" : "",
	   nm_str(smfi_getsymval(ctx, "{auth_authen}")));
    return nm_reply();
}

/* nm_envrcpt - continue */

static sfsistat nm_envrcpt(SMFICTX *ctx, char **argv)
{
    nm_log("envrcpt %s", nm_str(argv[0]));
    return nm_reply();
}

/* nm_data - continue */

static sfsistat nm_data(SMFICTX *ctx)
{
    nm_log("data");
    return SMFIS_CONTINUE;
}

/* nm_header - continue */

static sfsistat nm_header(SMFICTX *ctx, char *name, char *value)
{
    nm_log("header %s: %s", nm_str(name), nm_str(value));
    return SMFIS_CONTINUE;
}

/* nm_eoh - continue */

static sfsistat nm_eoh(SMFICTX *ctx)
{
    nm_log("eoh");
    return nm_reply();
}

/* nm_body - count the bytes; lean mode skips the rest of the body */

static sfsistat nm_body(SMFICTX *ctx, unsigned char *data, size_t len)
{
    NM_CONN *conn = nm_conn(ctx);

    if (conn)
	conn->body += len;
    nm_log("body %zu", len);
    return nm_mode == NM_LEAN ? SMFIS_SKIP : SMFIS_CONTINUE;
}

/* nm_eom - log the message; modify mode changes it */

static sfsistat nm_eom(SMFICTX *ctx)
{
    NM_CONN *conn = nm_conn(ctx);

    if (conn) {
	conn->messages++;
	nm_log("eom body=%zu i=%s message=%u", conn->body,
	       nm_str(smfi_getsymval(ctx, "i")), conn->messages);
	conn->body = 0;
    }
    if (nm_mode != NM_MODIFY)
	return SMFIS_CONTINUE;
    if (smfi_chgfrom(ctx, "<bounce+test@bounce.example>", NULL) != MI_SUCCESS
	|| smfi_addheader(ctx, "X-Test", "yes") != MI_SUCCESS
	|| smfi_chgheader(ctx, "Subject", 1, "") != MI_SUCCESS) {
	nm_log("a modification failed");
	return SMFIS_TEMPFAIL;
    }
    return SMFIS_CONTINUE;
}

/* nm_abort - forget the message */

static sfsistat nm_abort(SMFICTX *ctx)
{
    NM_CONN *conn = smfi_getpriv(ctx);

    if (conn)
	conn->body = 0;
    nm_log("abort");
    return SMFIS_CONTINUE;
}

/* nm_close - free the connection state */

static sfsistat nm_close(SMFICTX *ctx)
{
    NM_CONN *conn = smfi_getpriv(ctx);

    nm_log("close messages=%u", conn ? conn->messages : 0);
    free(conn);
    smfi_setpriv(ctx, NULL);
    return SMFIS_CONTINUE;
}

/* nm_unknown - continue */

static sfsistat nm_unknown(SMFICTX *ctx, const char *cmd)
{
    nm_log("unknown %s", nm_str(cmd));
    return SMFIS_CONTINUE;
}

/* nm_usage - say how to call */

static void __attribute__((noreturn)) nm_usage(void)
{
    fprintf(stderr, "usage: noop_milter -p SOCKETSPEC [-m noop|modify|lean] [-v]\n");
    exit(1);
}

int     main(int argc, char **argv)
{
    struct smfiDesc desc;
    char   *spec = NULL;
    int     ch;

    while ((ch = getopt(argc, argv, "p:m:v")) != -1) {
	switch (ch) {
	case 'p':
	    spec = optarg;
	    break;
	case 'm':
	    if (strcmp(optarg, "noop") == 0)
		nm_mode = NM_NOOP;
	    else if (strcmp(optarg, "modify") == 0)
		nm_mode = NM_MODIFY;
	    else if (strcmp(optarg, "lean") == 0)
		nm_mode = NM_LEAN;
	    else
		nm_usage();
	    break;
	case 'v':
	    nm_verbose = 1;
	    break;
	default:
	    nm_usage();
	}
    }
    if (spec == NULL || optind != argc)
	nm_usage();

    memset(&desc, 0, sizeof(desc));
    desc.xxfi_name = "noop_milter";
    desc.xxfi_version = SMFI_VERSION;
    desc.xxfi_flags = nm_mode == NM_MODIFY ?
	SMFIF_CHGFROM | SMFIF_ADDHDRS | SMFIF_CHGHDRS : 0;
    desc.xxfi_connect = nm_connect;
    desc.xxfi_helo = nm_helo;
    desc.xxfi_envfrom = nm_envfrom;
    desc.xxfi_envrcpt = nm_envrcpt;
    desc.xxfi_header = nm_header;
    desc.xxfi_eoh = nm_eoh;
    desc.xxfi_body = nm_body;
    desc.xxfi_eom = nm_eom;
    desc.xxfi_abort = nm_abort;
    desc.xxfi_close = nm_close;
    desc.xxfi_unknown = nm_unknown;
    desc.xxfi_data = nm_data;
    desc.xxfi_negotiate = nm_mode == NM_LEAN ? nm_negotiate : NULL;

    if (smfi_setconn(spec) != MI_SUCCESS || smfi_register(desc) != MI_SUCCESS) {
	fprintf(stderr, "noop_milter: bad socket %s or registration\n", spec);
	return 1;
    }
    if (smfi_opensocket(true) != MI_SUCCESS) {
	fprintf(stderr, "noop_milter: cannot open %s\n", spec);
	return 1;
    }
    nm_log("listening on %s", spec);
    return smfi_main() == MI_SUCCESS ? 0 : 1;
}
