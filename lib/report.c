/*++
 * NAME
 *	report 3
 * SUMMARY
 *	what a message that came back says about our recipients
 * SYNOPSIS
 *	#include "report.h"
 * DESCRIPTION
 *	(Being written.)
 *--*/

#include <stdlib.h>
#include <string.h>

#include "report.h"

REPORT_STATUS report_parse(const char *msg, size_t len, REPORT *report)
{
    (void) msg;
    (void) len;
    memset(report, 0, sizeof(*report));
    strcpy(report->why, "not yet written");
    return (REPORT_OK);
}

void    report_free(REPORT *report)
{
    free(report->rcpt);
    report->rcpt = 0;
    report->nrcpt = 0;
}
