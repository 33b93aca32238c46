#ifndef LIVEADDR_MSGFILE_H
#define LIVEADDR_MSGFILE_H

/*++
 * NAME
 *	msgfile 3h
 * SUMMARY
 *	stored messages: a whole file, and the messages of an mbox
 * SYNOPSIS
 *	#include "msgfile.h"
 * DESCRIPTION
 *	See msgfile.c.
 *--*/

#include <stddef.h>

#define MSGFILE_OK	0
#define MSGFILE_IO	(-1)		/* open or read failed: see errno */
#define MSGFILE_NOMEM	(-2)

extern int msgfile_read(const char *path, char **data, size_t *len);
extern int msgfile_next(const char *data, size_t len, size_t *pos,
			        const char **msg, size_t *msg_len);

#endif
