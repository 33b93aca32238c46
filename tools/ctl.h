#ifndef LIVEADDR_CTL_H
#define LIVEADDR_CTL_H

/*
 * ctl.h - what liveaddrctl's command modules share: the command-line
 * context and the loader of liveaddr.conf.
 */
#include <stdbool.h>

#include "conf.h"

typedef struct {
    const char *conf_path;
    bool    conf_given;			/* -c: the file must exist */
} CTL;

typedef struct {
    const char *name;
    int     (*handler) (CTL *, int, char **);
    const char *usage;
} CTL_COMMAND;

extern const CTL_COMMAND ctl_store_commands[];

extern CONF *ctl_load(CTL *, int *status);
extern int ctl_check(CTL *, int argc, char **argv);
extern int ctl_journal(CTL *, int argc, char **argv);
extern int ctl_parse(CTL *, int argc, char **argv);

#endif
