/*++
 * NAME
 *	log 3
 * SUMMARY
 *	logging to syslog or stderr
 * SYNOPSIS
 *	#include "log.h"
 *
 *	void	log_open(const char *ident, int facility, int where)
 *	void	log_set_level(int level)
 *	int	log_facility_by_name(const char *name)
 *	int	log_level_by_name(const char *name)
 *	void	log_msg(int level, const char *qid, const char *fmt, ...)
 *	void	log_error(const char *fmt, ...)
 *	void	log_warn(const char *fmt, ...)
 *	void	log_info(const char *fmt, ...)
 *	void	log_debug(const char *fmt, ...)
 *	void	log_close(void)
 * DESCRIPTION
 *	One logging path for every liveaddr program.  log_open() chooses
 *	syslog (with the given facility, e.g. LOG_MAIL) or stderr (for -f
 *	in the foreground, containers and tests).  Until log_open() is
 *	called, messages go to stderr under the ident "liveaddr".
 *
 *	log_msg() logs at a syslog level; a non-NULL qid (the MTA's queue
 *	id) is put first, "QID: text", as Postfix and OpenDKIM do, so an
 *	admin can grep one message's lines.  Messages above the level set
 *	with log_set_level() (default LOG_INFO) are dropped.
 *
 *	On stderr each line reads "ident[pid]: level: text"; a line is
 *	written with one call so lines of concurrent threads do not mix.
 *	Control characters in the text (from mail data) are shown as "?",
 *	so a hostile header cannot forge log lines.
 *
 *	log_facility_by_name() maps "mail", "daemon", "user", "local0" ..
 *	"local7" to a facility; log_level_by_name() maps "error", "warning",
 *	"notice", "info", "debug".  Both return -1 for an unknown name.
 * THREADS
 *	All functions may be called from any thread after log_open();
 *	log_open() and log_close() belong to start-up and shut-down.
 *--*/

#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "log.h"

static const char *log_ident = "liveaddr";
static int log_where = LOG_TO_STDERR;
static int log_level = LOG_INFO;

static const struct {
    const char *name;
    int     value;
} log_facilities[] = {
    {"mail", LOG_MAIL}, {"daemon", LOG_DAEMON}, {"user", LOG_USER},
    {"local0", LOG_LOCAL0}, {"local1", LOG_LOCAL1}, {"local2", LOG_LOCAL2},
    {"local3", LOG_LOCAL3}, {"local4", LOG_LOCAL4}, {"local5", LOG_LOCAL5},
    {"local6", LOG_LOCAL6}, {"local7", LOG_LOCAL7},
}, log_levels[] = {
    {"error", LOG_ERR}, {"warning", LOG_WARNING}, {"notice", LOG_NOTICE},
    {"info", LOG_INFO}, {"debug", LOG_DEBUG},
};

/* log_open - choose where messages go */

void    log_open(const char *ident, int facility, int where)
{
    log_ident = ident;
    log_where = where;
    if (where == LOG_TO_SYSLOG)
	openlog(ident, LOG_PID | LOG_NDELAY, facility);
}

void    log_close(void)
{
    if (log_where == LOG_TO_SYSLOG)
	closelog();
    log_where = LOG_TO_STDERR;
}

void    log_set_level(int level)
{
    log_level = level;
}

int     log_get_level(void)
{
    return (log_level);
}

int     log_facility_by_name(const char *name)
{
    for (size_t i = 0; i < sizeof(log_facilities) / sizeof(log_facilities[0]); i++)
	if (strcasecmp(name, log_facilities[i].name) == 0)
	    return (log_facilities[i].value);
    return (-1);
}

int     log_level_by_name(const char *name)
{
    for (size_t i = 0; i < sizeof(log_levels) / sizeof(log_levels[0]); i++)
	if (strcasecmp(name, log_levels[i].name) == 0)
	    return (log_levels[i].value);
    return (-1);
}

/* log_level_word - the word printed on stderr lines */

static const char *log_level_word(int level)
{
    switch (level) {
    case LOG_EMERG:
    case LOG_ALERT:
    case LOG_CRIT:
	return ("fatal");
    case LOG_ERR:
	return ("error");
    case LOG_WARNING:
	return ("warning");
    case LOG_NOTICE:
	return ("notice");
    case LOG_DEBUG:
	return ("debug");
    default:
	return ("info");
    }
}

/* log_vmsg - format, sanitise and write one message */

static void log_vmsg(int level, const char *qid, const char *fmt, va_list ap)
{
    char    text[2048];
    size_t  len = 0;

    if (level > log_level)
	return;
    if (qid != NULL && *qid != 0) {
	int     n = snprintf(text, sizeof(text), "%s: ", qid);

	len = n > 0 && (size_t) n < sizeof(text) ? (size_t) n : 0;
    }
    vsnprintf(text + len, sizeof(text) - len, fmt, ap);
    for (char *cp = text; *cp; cp++)
	if ((unsigned char) *cp < 0x20 || *cp == 0x7f)
	    *cp = '?';
    if (log_where == LOG_TO_SYSLOG) {
	syslog(level, "%s", text);
    } else {
	fprintf(stderr, "%s[%ld]: %s: %s\n", log_ident, (long) getpid(),
		log_level_word(level), text);
    }
}

void    log_msg(int level, const char *qid, const char *fmt,...)
{
    va_list ap;

    va_start(ap, fmt);
    log_vmsg(level, qid, fmt, ap);
    va_end(ap);
}

#define LOG_WRAPPER(name, level) \
    void name(const char *fmt, ...) \
    { \
	va_list ap; \
	va_start(ap, fmt); \
	log_vmsg(level, NULL, fmt, ap); \
	va_end(ap); \
    }

LOG_WRAPPER(log_error, LOG_ERR)
LOG_WRAPPER(log_warn, LOG_WARNING)
LOG_WRAPPER(log_info, LOG_INFO)
LOG_WRAPPER(log_debug, LOG_DEBUG)
