#ifndef LIVEADDR_LOG_H
#define LIVEADDR_LOG_H

/*++
 * NAME
 *	log 3h
 * SUMMARY
 *	logging to syslog or stderr
 * SYNOPSIS
 *	#include "log.h"
 * DESCRIPTION
 *	See log.c.
 *--*/

#include <syslog.h>

#define LOG_TO_SYSLOG	0
#define LOG_TO_STDERR	1

extern void log_open(const char *ident, int facility, int where);
extern void log_set_level(int level);
extern int log_get_level(void);
extern int log_facility_by_name(const char *name);
extern int log_level_by_name(const char *name);
extern void log_close(void);

extern void log_msg(int level, const char *qid, const char *fmt,...)
	__attribute__((format(printf, 3, 4)));
extern void log_error(const char *fmt,...) __attribute__((format(printf, 1, 2)));
extern void log_warn(const char *fmt,...) __attribute__((format(printf, 1, 2)));
extern void log_info(const char *fmt,...) __attribute__((format(printf, 1, 2)));
extern void log_debug(const char *fmt,...) __attribute__((format(printf, 1, 2)));

#endif
