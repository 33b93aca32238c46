#ifndef LIVEADDR_REPORT_PAT_H
#define LIVEADDR_REPORT_PAT_H

/*++
 * NAME
 *	report_pat 3h
 * SUMMARY
 *	the phrase tables of the report readers
 * SYNOPSIS
 *	#include "report_pat.h"
 * DESCRIPTION
 *	See report_pat.c.
 *--*/

extern const char *const report_pat_bounce_subject[];
extern const char *const report_pat_bounce_from[];
extern const char *const report_pat_bounce_text[];
extern const char *const report_pat_delay[];
extern const char *const report_pat_orig_marked[];
extern const char *const report_pat_orig_line[];
extern const char *const report_pat_orig_header[];
extern const char *const report_pat_rcpt_phrase[];
extern const char *const report_pat_boiler[];
extern const char *const report_pat_group_notice[];
extern const char *const report_pat_permanent[];
extern const char *const report_pat_status_generic[];
extern const char *const report_pat_auto_subject[];
extern const char *const report_pat_complaint_subject[];

typedef struct {
    const char *phrase;
    const char *command;
} REPORT_PAT_CMD;

extern const REPORT_PAT_CMD report_pat_command[];

extern int report_pat_match(const char *lower, const char *const *table);

#endif
