/*
 * test_dns - resolver settings and the query machinery, without the DNS
 * test server: a fake server in a thread of this process answers on
 * 127.0.0.1 as each case needs (silence, SERVFAIL, a wrong ID, a wrong
 * question, garbage, a good MX answer).  The zone cases with a real
 * server are in tests/stack/dns-verdicts.sh.
 */
#include "config.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <ldns/ldns.h>

#include "unit.h"
#include "dns.h"

 /*
  * The fake server: one UDP socket on 127.0.0.1, one thread.
  */
typedef enum {
    FAKE_SILENT,			/* reads, never answers */
    FAKE_NXDOMAIN,			/* the query echoed as NXDOMAIN */
    FAKE_SERVFAIL,
    FAKE_WRONG_ID,			/* NXDOMAIN with another ID */
    FAKE_WRONG_QUESTION,		/* NXDOMAIN for another name */
    FAKE_NOT_QR,			/* NXDOMAIN without the QR bit */
    FAKE_GARBAGE,			/* our ID, then bytes that do not parse */
    FAKE_MX,				/* one MX record, whatever the type */
    FAKE_TC_NO_TCP,			/* truncated over UDP; no TCP listener */
    FAKE_TC_RESET,			/* truncated; TCP reads, then resets */
    FAKE_TC_MX,				/* truncated; the MX answer over TCP */
} FAKE_MODE;

typedef struct {
    int     fd;
    int     tcp;			/* listener, or -1 */
    unsigned port;
    FAKE_MODE mode;
    pthread_t thread;
    atomic_int stop;
    atomic_int served;
} FAKE;

/* fake_question_end - offset after the question, or 0 */

static size_t fake_question_end(const unsigned char *buf, size_t len)
{
    size_t  off = 12;

    while (off < len && buf[off] != 0) {
	if (buf[off] > 63)
	    return (0);
	off += buf[off] + 1;
    }
    return (off + 5 <= len ? off + 5 : 0);
}

/* fake_answer - make the reply for one query; its length, or 0 */

static size_t fake_answer(FAKE_MODE mode, unsigned char *buf, size_t len, size_t room)
{
    static const unsigned char mx_rr[] = {
	0xc0, 0x0c, 0, 15, 0, 1, 0, 0, 1, 44, 0, 16, 0, 10,
	2, 'm', 'x', 4, 'f', 'a', 'k', 'e', 4, 't', 'e', 's', 't', 0,
    };
    size_t  qend = fake_question_end(buf, len);

    switch (mode) {
    case FAKE_SILENT:
	return (0);
    case FAKE_WRONG_ID:
	buf[0] ^= 0x55;
	/* FALLTHROUGH */
    case FAKE_NXDOMAIN:
	buf[2] |= 0x80;
	buf[3] = (unsigned char) ((buf[3] & 0xf0) | 3);
	return (len);
    case FAKE_SERVFAIL:
	buf[2] |= 0x80;
	buf[3] = (unsigned char) ((buf[3] & 0xf0) | 2);
	return (len);
    case FAKE_WRONG_QUESTION:
	buf[2] |= 0x80;
	buf[3] = (unsigned char) ((buf[3] & 0xf0) | 3);
	buf[13] ^= 0x01;			/* first letter of the name */
	return (len);
    case FAKE_NOT_QR:
	buf[3] = (unsigned char) ((buf[3] & 0xf0) | 3);
	return (len);
    case FAKE_GARBAGE:
	memcpy(buf + 2, "\x81\x80\x00\x01\x00\x05\x00\x00\x00\x00\xde\xad", 12);
	return (14);
    case FAKE_TC_NO_TCP:
    case FAKE_TC_RESET:
    case FAKE_TC_MX:
	buf[2] |= 0x82;				/* QR TC */
	buf[3] = 0x80;
	return (len);
    case FAKE_MX:
	if (qend == 0 || qend + sizeof(mx_rr) > room)
	    return (0);
	buf[2] |= 0x84;				/* QR AA */
	buf[3] = 0x80;				/* RA, NOERROR */
	memcpy(buf + 4, "\x00\x01\x00\x01\x00\x00\x00\x00", 8);
	memcpy(buf + qend, mx_rr, sizeof(mx_rr));
	return (qend + sizeof(mx_rr));
    }
    return (0);
}

/* fake_read_all - read len bytes from a TCP peer; 0 or -1 */

static int fake_read_all(int fd, unsigned char *buf, size_t len)
{
    size_t  got = 0;

    while (got < len) {
	struct pollfd pfd = {fd, POLLIN, 0};
	ssize_t n;

	if (poll(&pfd, 1, 1000) <= 0 || (n = read(fd, buf + got, len - got)) <= 0)
	    return (-1);
	got += (size_t) n;
    }
    return (0);
}

/* fake_tcp - one TCP connection: a length-prefixed query, then the mode */

static void fake_tcp(FAKE *fake)
{
    unsigned char buf[4096];
    unsigned char len[2];
    size_t  qlen;
    size_t  out;
    int     fd = accept(fake->tcp, NULL, NULL);
    struct linger lin = {1, 0};

    if (fd < 0)
	return;
    if (fake_read_all(fd, len, 2) == 0 && (qlen = (size_t) (len[0] << 8 | len[1])) >= 12
	&& qlen <= sizeof(buf) && fake_read_all(fd, buf, qlen) == 0) {
	atomic_fetch_add(&fake->served, 1);
	if (fake->mode == FAKE_TC_MX
	    && (out = fake_answer(FAKE_MX, buf, qlen, sizeof(buf))) > 0) {
	    len[0] = (unsigned char) (out >> 8);
	    len[1] = (unsigned char) out;
	    if (write(fd, len, 2) == 2)
		(void) !write(fd, buf, out);	/* the client may be gone */
	} else {
	    /* FAKE_TC_RESET: close with a reset, no answer */
	    setsockopt(fd, SOL_SOCKET, SO_LINGER, &lin, sizeof(lin));
	}
    }
    close(fd);
}

static void *fake_main(void *arg)
{
    FAKE   *fake = arg;

    while (!atomic_load(&fake->stop)) {
	struct pollfd pfd[2] = {{fake->fd, POLLIN, 0}, {fake->tcp, POLLIN, 0}};
	unsigned char buf[4096];
	struct sockaddr_storage from;
	socklen_t fromlen = sizeof(from);
	ssize_t n;
	size_t  out;

	if (poll(pfd, fake->tcp >= 0 ? 2 : 1, 20) <= 0)
	    continue;
	if (fake->tcp >= 0 && (pfd[1].revents & POLLIN))
	    fake_tcp(fake);
	if ((pfd[0].revents & POLLIN) == 0)
	    continue;
	n = recvfrom(fake->fd, buf, sizeof(buf), 0, (struct sockaddr *) &from, &fromlen);
	if (n < 12)
	    continue;
	atomic_fetch_add(&fake->served, 1);
	if ((out = fake_answer(fake->mode, buf, (size_t) n, sizeof(buf))) > 0)
	    sendto(fake->fd, buf, out, 0, (struct sockaddr *) &from, fromlen);
    }
    return (NULL);
}

static FAKE *fake_start(FAKE_MODE mode)
{
    FAKE   *fake = calloc(1, sizeof(*fake));
    struct sockaddr_in sin = {.sin_family = AF_INET};
    socklen_t len = sizeof(sin);

    assert_non_null(fake);
    fake->mode = mode;
    sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    fake->tcp = -1;
    /* A UDP port whose TCP twin is free too (other tests take ports). */
    for (int attempt = 0; attempt < 50; attempt++) {
	sin.sin_port = 0;
	fake->fd = socket(AF_INET, SOCK_DGRAM, 0);
	assert_true(fake->fd >= 0);
	assert_int_equal(bind(fake->fd, (struct sockaddr *) &sin, sizeof(sin)), 0);
	len = sizeof(sin);
	assert_int_equal(getsockname(fake->fd, (struct sockaddr *) &sin, &len), 0);
	fake->port = ntohs(sin.sin_port);
	if (mode != FAKE_TC_RESET && mode != FAKE_TC_MX)
	    break;
	{
	    int     one = 1;

	    fake->tcp = socket(AF_INET, SOCK_STREAM, 0);
	    assert_true(fake->tcp >= 0);
	    setsockopt(fake->tcp, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	    if (bind(fake->tcp, (struct sockaddr *) &sin, sizeof(sin)) == 0)
		break;
	    close(fake->tcp);
	    close(fake->fd);
	    fake->tcp = fake->fd = -1;
	}
    }
    assert_true(fake->fd >= 0);
    if (fake->tcp >= 0)
	assert_int_equal(listen(fake->tcp, 16), 0);
    assert_int_equal(pthread_create(&fake->thread, NULL, fake_main, fake), 0);
    return (fake);
}

static void fake_stop(FAKE *fake)
{
    atomic_store(&fake->stop, 1);
    pthread_join(fake->thread, NULL);
    close(fake->fd);
    if (fake->tcp >= 0)
	close(fake->tcp);
    free(fake);
}

/* ctx_for - a context that asks the given fake servers */

static DNS_CTX *ctx_for(FAKE **fakes, size_t n, unsigned budget_ms)
{
    char    specs[DNS_MAX_NAMESERVERS][32];
    const char *list[DNS_MAX_NAMESERVERS];
    DNS_CONF conf;
    DNS_CTX *ctx;
    char    err[256];

    for (size_t i = 0; i < n; i++) {
	snprintf(specs[i], sizeof(specs[i]), "127.0.0.1:%u", fakes[i]->port);
	list[i] = specs[i];
    }
    dns_conf_init(&conf);
    conf.nameservers = list;
    conf.nameserver_count = n;
    conf.budget_ms = budget_ms;
    ctx = dns_new(&conf, err, sizeof(err));
    if (ctx == NULL)
	fail_msg("dns_new: %s", err);
    return (ctx);
}

static long long now_ms(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ((long long) ts.tv_sec * 1000 + ts.tv_nsec / 1000000);
}

/* each nameserver form that is allowed, and what each bad one is told */
static void nameserver_syntax(void **state)
{
    static const char *const good[] = {
	"127.0.0.1", "127.0.0.1:5353", "::1", "[::1]", "[::1]:5353",
	"2001:db8::53", "[2001:db8::53]:53", "192.0.2.1:65535",
    };
    static const struct {
	const char *spec;
	const char *message;
    }       bad[] = {
	{"", "nameserver 1 is empty"},
	{"localhost", "nameserver \"localhost\": \"localhost\" is not an IPv4 address"},
	{"ns1.example.com:53", "nameserver \"ns1.example.com:53\": \"ns1.example.com\" is not an IPv4 address"},
	{"127.0.0.1:", "nameserver \"127.0.0.1:\": bad port \"\" (1 to 65535)"},
	{"127.0.0.1:0", "nameserver \"127.0.0.1:0\": bad port \"0\" (1 to 65535)"},
	{"127.0.0.1:65536", "nameserver \"127.0.0.1:65536\": bad port \"65536\" (1 to 65535)"},
	{"127.0.0.1:53x", "nameserver \"127.0.0.1:53x\": bad port \"53x\" (1 to 65535)"},
	{"127.0.0.1:-1", "nameserver \"127.0.0.1:-1\": bad port \"-1\" (1 to 65535)"},
	{"[::1", "nameserver \"[::1\": missing \"]\""},
	{"[::1]x", "nameserver \"[::1]x\": junk after \"]\""},
	{"[::1]:", "nameserver \"[::1]:\": bad port \"\" (1 to 65535)"},
	{"[]:53", "nameserver \"[]:53\": not an IP address"},
	{"[127.0.0.1]:53", "nameserver \"[127.0.0.1]:53\": \"127.0.0.1\" is not an IPv6 address"},
	{"999.1.1.1", "nameserver \"999.1.1.1\": \"999.1.1.1\" is not an IPv4 address"},
	{" 127.0.0.1", "nameserver \" 127.0.0.1\": \" 127.0.0.1\" is not an IPv4 address"},
	{"2001:db8::zz", "nameserver \"2001:db8::zz\": \"2001:db8::zz\" is not an IPv6 address"},
    };
    DNS_CONF conf;
    char    err[256];
    DNS_CTX *ctx;

    dns_conf_init(&conf);
    conf.nameservers = good;
    conf.nameserver_count = sizeof(good) / sizeof(good[0]);
    ctx = dns_new(&conf, err, sizeof(err));
    assert_non_null(ctx);
    assert_int_equal(dns_nameserver_count(ctx), conf.nameserver_count);
    assert_int_equal(dns_budget_ms(ctx), DNS_BUDGET_DEFAULT);
    dns_free(ctx);

    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
	const char *one[] = {"192.0.2.53", bad[i].spec};

	conf.nameservers = one + 1;
	conf.nameserver_count = 1;
	assert_null(dns_new(&conf, err, sizeof(err)));
	assert_string_equal(err, bad[i].message);
	/* a bad second entry is found as well */
	conf.nameservers = one;
	conf.nameserver_count = 2;
	assert_null(dns_new(&conf, err, sizeof(err)));
    }
}

/* limits: too many servers, a port or budget out of range, no settings */
static void settings_limits(void **state)
{
    const char *nine[9] = {"192.0.2.1", "192.0.2.2", "192.0.2.3", "192.0.2.4",
    "192.0.2.5", "192.0.2.6", "192.0.2.7", "192.0.2.8", "192.0.2.9"};
    DNS_CONF conf;
    char    err[256];
    DNS_CTX *ctx;

    dns_conf_init(&conf);
    assert_int_equal(conf.port, 53);
    assert_int_equal(conf.budget_ms, 5000);
    assert_true(conf.recursion);
    assert_int_equal(conf.nameserver_count, 0);

    conf.nameservers = nine;
    conf.nameserver_count = 9;
    assert_null(dns_new(&conf, err, sizeof(err)));
    assert_string_equal(err, "too many nameservers: 9 (at most 8)");
    conf.nameserver_count = 8;
    ctx = dns_new(&conf, err, sizeof(err));
    assert_non_null(ctx);
    dns_free(ctx);

    conf.port = 70000;
    assert_null(dns_new(&conf, err, sizeof(err)));
    assert_string_equal(err, "bad DNS port 70000 (1 to 65535)");
    conf.port = 0;				/* 0 means 53 */
    conf.budget_ms = DNS_BUDGET_MAX + 1;
    assert_null(dns_new(&conf, err, sizeof(err)));
    conf.budget_ms = 0;				/* 0 means the default */
    ctx = dns_new(&conf, err, sizeof(err));
    assert_int_equal(dns_budget_ms(ctx), DNS_BUDGET_DEFAULT);
    dns_free(ctx);

    assert_null(dns_new(NULL, err, sizeof(err)));
    assert_string_equal(err, "no DNS settings");
    assert_null(dns_new(NULL, NULL, 0));	/* no room for a message: no crash */
    dns_free(NULL);
}

/* no nameservers: those of a resolv.conf file, read once */
static void resolv_conf(void **state)
{
    char    path[] = "/tmp/test_dns_resolv.XXXXXX";
    int     fd = mkstemp(path);
    static const char text[] = "# test\nsearch example.com\n"
    "nameserver 192.0.2.53\nnameserver 2001:db8::53\noptions timeout:1\n";
    DNS_CONF conf;
    char    err[256];
    DNS_CTX *ctx;

    assert_true(fd >= 0);
    assert_int_equal(write(fd, text, sizeof(text) - 1), (ssize_t) sizeof(text) - 1);
    close(fd);
    dns_conf_init(&conf);
    conf.resolv_conf = path;
    ctx = dns_new(&conf, err, sizeof(err));
    assert_non_null(ctx);
    assert_int_equal(dns_nameserver_count(ctx), 2);
    dns_free(ctx);

    /* a file without nameservers, and one that is missing */
    fd = open(path, O_WRONLY | O_TRUNC);
    assert_true(fd >= 0);
    assert_int_equal(write(fd, "search example.com\n", 19), 19);
    close(fd);
    assert_null(dns_new(&conf, err, sizeof(err)));
    assert_non_null(strstr(err, "no nameserver"));
    unlink(path);
    assert_null(dns_new(&conf, err, sizeof(err)));
    assert_non_null(strstr(err, path));
}

/* a name that is no domain name is judged without a query */
static void bad_name_no_query(void **state)
{
    FAKE   *fake = fake_start(FAKE_SILENT);
    DNS_CTX *ctx = ctx_for(&fake, 1, 2000);
    static const char *const bad[] = {"", "bad..name", "a b.example", "пример.рф",
    "user@example.com"};
    DNS_RESULT r;

    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
	assert_int_equal(dns_domain_verdict(ctx, bad[i], &r), DNS_V_BAD_NAME);
	assert_int_equal(r.verdict, DNS_V_BAD_NAME);
	assert_int_equal(r.rcode, -1);
    }
    assert_int_equal(dns_domain_verdict(ctx, NULL, &r), DNS_V_BAD_NAME);
    assert_int_equal(atomic_load(&fake->served), 0);
    dns_free(ctx);
    fake_stop(fake);
}

/* a missing context or result is a status, never a crash */
static void null_arguments(void **state)
{
    DNS_RESULT r;

    assert_int_equal(dns_domain_verdict(NULL, "example.com", &r), DNS_V_UNKNOWN);
    assert_string_equal(r.error, "no DNS context");
    assert_int_equal(dns_domain_verdict(NULL, "example.com", NULL), DNS_V_UNKNOWN);
    assert_null(dns_session_new(NULL, 0));
    dns_session_free(NULL);
    dns_answer_clear(NULL);
    assert_int_equal(dns_session_elapsed_ms(NULL), 0);
}

/* a server that never answers: unknown, when the budget is spent */
static void budget_silent_server(void **state)
{
    FAKE   *fake = fake_start(FAKE_SILENT);
    DNS_CTX *ctx = ctx_for(&fake, 1, 300);
    DNS_RESULT r;
    long long t0 = now_ms();
    long long took;

    assert_int_equal(dns_domain_verdict(ctx, "example.com", &r), DNS_V_UNKNOWN);
    took = now_ms() - t0;
    print_message("# silent server, budget 300 ms: %lld ms\n", took);
    assert_true(took >= 280 && took < 500);
    assert_true(r.elapsed_ms >= 280 && r.elapsed_ms < 500);
    assert_non_null(strstr(r.error, "no answer in time"));
    assert_int_equal(r.rcode, -1);
    dns_free(ctx);
    fake_stop(fake);
}

/* two silent servers share one budget: the whole still holds */
static void budget_two_silent_servers(void **state)
{
    FAKE   *fakes[2] = {fake_start(FAKE_SILENT), fake_start(FAKE_SILENT)};
    DNS_CTX *ctx = ctx_for(fakes, 2, 400);
    DNS_RESULT r;
    long long t0 = now_ms();
    long long took;

    assert_int_equal(dns_domain_verdict(ctx, "example.com", &r), DNS_V_UNKNOWN);
    took = now_ms() - t0;
    print_message("# two silent servers, budget 400 ms: %lld ms\n", took);
    assert_true(took >= 380 && took < 600);
    assert_int_equal(atomic_load(&fakes[0]->served), 1);
    assert_int_equal(atomic_load(&fakes[1]->served), 1);
    dns_free(ctx);
    fake_stop(fakes[0]);
    fake_stop(fakes[1]);
}

/* a silent first server costs its share; the second one answers */
static void failover_after_silence(void **state)
{
    FAKE   *fakes[2] = {fake_start(FAKE_SILENT), fake_start(FAKE_NXDOMAIN)};
    DNS_CTX *ctx = ctx_for(fakes, 2, 600);
    DNS_RESULT r;
    long long t0 = now_ms();
    long long took;

    assert_int_equal(dns_domain_verdict(ctx, "gone.example", &r), DNS_V_NXDOMAIN);
    took = now_ms() - t0;
    print_message("# silent + answering server, budget 600 ms: %lld ms\n", took);
    assert_true(took >= 280 && took < 500);	/* half of the budget */
    assert_int_equal(r.rcode, LDNS_RCODE_NXDOMAIN);
    dns_free(ctx);
    fake_stop(fakes[0]);
    fake_stop(fakes[1]);
}

/* SERVFAIL moves on to the next server; alone, it is unknown */
static void servfail(void **state)
{
    FAKE   *fakes[2] = {fake_start(FAKE_SERVFAIL), fake_start(FAKE_NXDOMAIN)};
    DNS_CTX *ctx = ctx_for(fakes, 2, 2000);
    DNS_RESULT r;
    long long t0 = now_ms();

    assert_int_equal(dns_domain_verdict(ctx, "gone.example", &r), DNS_V_NXDOMAIN);
    assert_true(now_ms() - t0 < 200);
    dns_free(ctx);

    ctx = ctx_for(fakes, 1, 2000);
    assert_int_equal(dns_domain_verdict(ctx, "example.com", &r), DNS_V_UNKNOWN);
    assert_int_equal(r.rcode, LDNS_RCODE_SERVFAIL);
    assert_non_null(strstr(r.error, "SERVFAIL"));
    dns_free(ctx);
    fake_stop(fakes[0]);
    fake_stop(fakes[1]);
}

/* answers that are not the answer to our query are never believed */
static void mismatched_answers(void **state)
{
    static const struct {
	FAKE_MODE mode;
	const char *error;
    }       cases[] = {
	{FAKE_WRONG_ID, "does not match"},
	{FAKE_WRONG_QUESTION, "does not match"},
	{FAKE_NOT_QR, "does not match"},
	{FAKE_GARBAGE, "MX: 127.0.0.1:"},
    };

    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
	FAKE   *fake = fake_start(cases[i].mode);
	DNS_CTX *ctx = ctx_for(&fake, 1, 2000);
	DNS_RESULT r;
	long long t0 = now_ms();

	assert_int_equal(dns_domain_verdict(ctx, "example.com", &r), DNS_V_UNKNOWN);
	if (strstr(r.error, cases[i].error) == NULL)
	    fail_msg("mode %d: error \"%s\"", (int) cases[i].mode, r.error);
	print_message("# mode %d: %s\n", (int) cases[i].mode, r.error);
	assert_true(now_ms() - t0 < 500);
	dns_free(ctx);
	fake_stop(fake);
    }
}

/* a good MX answer; records of the wrong type in the TXT answer are ignored */
static void mx_answer(void **state)
{
    FAKE   *fake = fake_start(FAKE_MX);
    DNS_CTX *ctx = ctx_for(&fake, 1, 2000);
    DNS_RESULT r;

    assert_int_equal(dns_domain_verdict(ctx, "Example.COM.", &r), DNS_V_OK);
    assert_int_equal(r.mx_count, 1);
    assert_string_equal(r.mx, "mx.fake.test");
    assert_int_equal(r.spf, DNS_SPF_NONE);	/* the "TXT" answer held an MX */
    assert_int_equal(r.rcode, 0);
    assert_string_equal(r.error, "");
    assert_int_equal(atomic_load(&fake->served), 2);	/* MX and TXT, no more */
    dns_free(ctx);
    fake_stop(fake);
}

/* truncated over UDP: TCP is tried; a failing TCP is unknown, not a crash */
static void tcp_fallback(void **state)
{
    static const struct {
	FAKE_MODE mode;
	DNS_VERDICT expect;
	int     served;			/* UDP and TCP queries the fake saw */
    }       cases[] = {
	{FAKE_TC_NO_TCP, DNS_V_UNKNOWN, 1},	/* connection refused */
	{FAKE_TC_RESET, DNS_V_UNKNOWN, 2},	/* reset after the query */
	{FAKE_TC_MX, DNS_V_OK, 4},		/* MX and TXT, each UDP then TCP */
    };

    /* SIGPIPE kills, as in a program that does not ignore it */
    signal(SIGPIPE, SIG_DFL);
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
	FAKE   *fake = fake_start(cases[i].mode);
	DNS_CTX *ctx = ctx_for(&fake, 1, 2000);
	DNS_RESULT r;
	long long t0 = now_ms();

	assert_int_equal(dns_domain_verdict(ctx, "example.com", &r), cases[i].expect);
	print_message("# mode %d: %s %s\n", (int) cases[i].mode,
		      dns_verdict_name(r.verdict), r.error);
	assert_true(now_ms() - t0 < 1000);
	assert_int_equal(atomic_load(&fake->served), cases[i].served);
	if (cases[i].expect == DNS_V_OK)
	    assert_string_equal(r.mx, "mx.fake.test");
	else
	    assert_non_null(strstr(r.error, "truncated answer, TCP: "));
	dns_free(ctx);
	fake_stop(fake);
    }
}

/* sessions, for spfcheck: records, statuses, counters */
static void session_queries(void **state)
{
    FAKE   *fake = fake_start(FAKE_MX);
    DNS_CTX *ctx = ctx_for(&fake, 1, 2000);
    DNS_SESSION *session = dns_session_new(ctx, 0);
    DNS_ANSWER ans;
    char    longname[400];

    assert_int_equal(dns_session_query(session, "example.com", LDNS_RR_TYPE_MX, &ans), DNS_Q_DATA);
    assert_int_equal(ldns_rr_list_rr_count(ans.rrs), 1);
    assert_int_equal(ans.ttl, 300);
    dns_answer_clear(&ans);
    assert_null(ans.rrs);
    assert_int_equal(dns_session_query(session, "example.com", LDNS_RR_TYPE_A, &ans), DNS_Q_NODATA);
    assert_int_equal(dns_session_queries(session), 2);

    /* names ldns cannot even put in a query */
    memset(longname, 'a', sizeof(longname) - 1);
    longname[sizeof(longname) - 1] = 0;
    assert_int_equal(dns_session_query(session, longname, LDNS_RR_TYPE_A, &ans), DNS_Q_BADNAME);
    assert_int_equal(dns_session_query(session, "", LDNS_RR_TYPE_A, &ans), DNS_Q_BADNAME);
    assert_int_equal(dns_session_query(session, NULL, LDNS_RR_TYPE_A, &ans), DNS_Q_BADNAME);
    assert_int_equal(dns_session_query(NULL, "example.com", LDNS_RR_TYPE_A, &ans), DNS_Q_TEMP);
    assert_int_equal(dns_session_queries(session), 2);
    dns_session_free(session);

    /* a session with a budget of its own, already spent */
    session = dns_session_new(ctx, 1);
    usleep(5000);
    assert_int_equal(dns_session_query(session, "example.com", LDNS_RR_TYPE_MX, &ans), DNS_Q_TEMP);
    assert_string_equal(ans.error, "time budget used up");
    assert_int_equal(dns_session_queries(session), 0);
    dns_session_free(session);
    dns_free(ctx);
    fake_stop(fake);
}

/* many threads share one context: each verdict has its own resolvers */
#define THREADS	8
#define ROUNDS	40

static void *thread_main(void *arg)
{
    DNS_CTX *ctx = arg;
    long    bad = 0;

    for (int i = 0; i < ROUNDS; i++) {
	DNS_RESULT r;

	if (dns_domain_verdict(ctx, i % 2 ? "example.com" : "example.net", &r) != DNS_V_OK
	    || strcmp(r.mx, "mx.fake.test") != 0)
	    bad++;
    }
    return ((void *) bad);
}

static void threads_share_context(void **state)
{
    FAKE   *fake = fake_start(FAKE_MX);
    DNS_CTX *ctx = ctx_for(&fake, 1, 5000);
    pthread_t tids[THREADS];
    long    bad = 0;

    for (int i = 0; i < THREADS; i++)
	assert_int_equal(pthread_create(tids + i, NULL, thread_main, ctx), 0);
    /* join them all before any assert can leave this function */
    for (int i = 0; i < THREADS; i++) {
	void   *one;

	pthread_join(tids[i], &one);
	bad += (long) one;
    }
    assert_int_equal(bad, 0);
    assert_int_equal(atomic_load(&fake->served), THREADS * ROUNDS * 2);
    dns_free(ctx);
    fake_stop(fake);
}

int     main(void)
{
    const struct CMUnitTest tests[] = {
	cmocka_unit_test(nameserver_syntax),
	cmocka_unit_test(settings_limits),
	cmocka_unit_test(resolv_conf),
	cmocka_unit_test(bad_name_no_query),
	cmocka_unit_test(null_arguments),
	cmocka_unit_test(budget_silent_server),
	cmocka_unit_test(budget_two_silent_servers),
	cmocka_unit_test(failover_after_silence),
	cmocka_unit_test(servfail),
	cmocka_unit_test(mismatched_answers),
	cmocka_unit_test(mx_answer),
	cmocka_unit_test(tcp_fallback),
	cmocka_unit_test(session_queries),
	cmocka_unit_test(threads_share_context),
    };

    return (UNIT_RUN(tests));
}
