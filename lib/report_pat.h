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

/*
 * The tables a line of a bounce's text is compared with, read in one
 * pass: report_pat_line() fills hits (see phrase_match.h) with bit and
 * index REPORT_PAT_L_* for each.
 */
#include "phrase_match.h"

#define REPORT_PAT_L_ORIG_LINE	0	/* report_pat_orig_line */
#define REPORT_PAT_L_ORIG_MARKED 1	/* report_pat_orig_marked */
#define REPORT_PAT_L_ORIG_HEADER 2	/* report_pat_orig_header */
#define REPORT_PAT_L_RCPT	3	/* report_pat_rcpt_phrase */
#define REPORT_PAT_L_BOILER	4	/* report_pat_boiler */
#define REPORT_PAT_L_GROUP	5	/* report_pat_group_notice */
#define REPORT_PAT_L_DELAY	6	/* report_pat_delay */
#define REPORT_PAT_L_PERMANENT	7	/* report_pat_permanent */
#define REPORT_PAT_L_COUNT	8

extern void report_pat_line(const char *lower, size_t len, PHRASE_HITS *hits);
extern void report_pat_line2(const char *lower1, size_t len1, PHRASE_HITS *hits1,
			             const char *lower2, size_t len2, PHRASE_HITS *hits2);
extern int report_pat_command_find(const char *text, size_t len);

#endif
