/*++
 * NAME
 *	mfx_real 3
 * SUMMARY
 *	the real libmilter behind the mfx table
 * DESCRIPTION
 *	The daemon's `mfx' points here.  See mfx.h.
 *--*/

#include "config.h"

#include "mfx.h"

const MFX_OPS mfx_real = {
    smfi_getsymval,
    smfi_setpriv,
    smfi_getpriv,
    smfi_chgfrom,
    smfi_addheader,
    smfi_chgheader,
    smfi_setreply,
    smfi_setsymlist,
};

const MFX_OPS *mfx = &mfx_real;
