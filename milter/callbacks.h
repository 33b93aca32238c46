#ifndef LIVEADDR_CALLBACKS_H
#define LIVEADDR_CALLBACKS_H

/*++
 * NAME
 *	callbacks 3h
 * SUMMARY
 *	the libmilter callbacks of liveaddr-milter
 * SYNOPSIS
 *	#include "callbacks.h"
 * DESCRIPTION
 *	See callbacks.c.
 *--*/

#include <libmilter/mfapi.h>

extern struct smfiDesc callbacks_desc;

extern sfsistat cb_negotiate(SMFICTX *, unsigned long f0, unsigned long f1,
			             unsigned long f2, unsigned long f3, unsigned long *pf0,
			             unsigned long *pf1, unsigned long *pf2,
			             unsigned long *pf3);
extern sfsistat cb_connect(SMFICTX *, char *hostname, _SOCK_ADDR *hostaddr);
extern sfsistat cb_helo(SMFICTX *, char *helo);
extern sfsistat cb_envfrom(SMFICTX *, char **argv);
extern sfsistat cb_envrcpt(SMFICTX *, char **argv);
extern sfsistat cb_header(SMFICTX *, char *name, char *value);
extern sfsistat cb_data(SMFICTX *);
extern sfsistat cb_eoh(SMFICTX *);
extern sfsistat cb_body(SMFICTX *, unsigned char *data, size_t len);
extern sfsistat cb_eom(SMFICTX *);
extern sfsistat cb_abort(SMFICTX *);
extern sfsistat cb_close(SMFICTX *);
extern int callbacks_drain(void);

#endif
