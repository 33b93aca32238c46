#ifndef LIVEADDR_MFX_H
#define LIVEADDR_MFX_H

/*++
 * NAME
 *	mfx 3h
 * SUMMARY
 *	the libmilter calls the callbacks make, behind one table
 * SYNOPSIS
 *	#include "mfx.h"
 * DESCRIPTION
 *	The callbacks (callbacks.c) never call smfi_*() directly: they call
 *	through `mfx', which points at the real libmilter functions
 *	(mfx_real.c) in the daemon and at recording fakes in the unit
 *	tests, so that the callbacks are tested without libmilter or an MTA.
 *--*/

#include <libmilter/mfapi.h>

typedef struct {
    char   *(*getsymval) (SMFICTX *, char *);
    int     (*setpriv) (SMFICTX *, void *);
    void   *(*getpriv) (SMFICTX *);
    int     (*chgfrom) (SMFICTX *, char *, char *);
    int     (*addheader) (SMFICTX *, char *, char *);
    int     (*chgheader) (SMFICTX *, char *, int, char *);
    int     (*setreply) (SMFICTX *, char *, char *, char *);
    int     (*setsymlist) (SMFICTX *, int, char *);
} MFX_OPS;

extern const MFX_OPS *mfx;
extern const MFX_OPS mfx_real;

#endif
