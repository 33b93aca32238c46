/*++
 * NAME
 *	liveaddrctl 1
 * SUMMARY
 *	liveaddr's command-line tool
 * SYNOPSIS
 *	liveaddrctl [-c file] command [arguments]
 * DESCRIPTION
 *	A thin layer over the liveaddr library: it parses the command
 *	line, loads liveaddr.conf and calls one command.  Commands are a
 *	table (name, handler, usage); see docs/liveaddrctl.1.
 *
 *	check ADDRESS...	the first verdict on addresses (syntax, suggestions, DNS)
 *	config check	check liveaddr.conf; print each problem with its line
 *	config show [-a]	print the effective configuration (-a: every key)
 *	version		print the version
 * DIAGNOSTICS
 *	Exit status 0 on success, 64 (EX_USAGE) for a bad command line,
 *	78 (EX_CONFIG) for a configuration with errors.
 *--*/

#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>
#include <unistd.h>

#include "conf.h"
#include "ctl.h"
#include "settings.h"

#ifndef LIVEADDR_CONF
#define LIVEADDR_CONF "/etc/liveaddr/liveaddr.conf"
#endif

/* ctl_load - load liveaddr.conf, report problems */

CONF   *ctl_load(CTL *ctl, int *status)
{
    CONF   *conf = settings_load(ctl->conf_path, !ctl->conf_given);

    if (conf == NULL) {
	fprintf(stderr, "liveaddrctl: out of memory\n");
	*status = EX_OSERR;
	return (NULL);
    }
    if (conf_error_count(conf) > 0) {
	settings_report(conf, stderr);
	conf_free(conf);
	*status = EX_CONFIG;
	return (NULL);
    }
    *status = 0;
    return (conf);
}

/* ctl_config - config check | config show [-a] */

static int ctl_config(CTL *ctl, int argc, char **argv)
{
    CONF   *conf;
    int     status;

    if (argc == 2 && strcmp(argv[1], "check") == 0) {
	if ((conf = ctl_load(ctl, &status)) == NULL)
	    return (status);
	printf("%s: OK\n", ctl->conf_path);
	conf_free(conf);
	return (0);
    }
    if ((argc == 2 || argc == 3) && strcmp(argv[1], "show") == 0) {
	bool    all = argc == 3 && strcmp(argv[2], "-a") == 0;

	if (argc == 3 && !all)
	    return (EX_USAGE);
	if ((conf = ctl_load(ctl, &status)) == NULL)
	    return (status);
	conf_print(conf, stdout, all);
	conf_free(conf);
	return (0);
    }
    return (EX_USAGE);
}

static int ctl_version(CTL *ctl, int argc, char **argv)
{
    if (argc != 1)
	return (EX_USAGE);
    printf("liveaddrctl %s\n", PACKAGE_VERSION);
    return (0);
}

static const CTL_COMMAND ctl_commands[] = {
    {"check", ctl_check, "check [--json] [--no-dns] [--lang ru|en] ADDRESS... (or - : one a line from stdin)"},
    {"config", ctl_config, "config check | config show [-a]"},
    {"parse", ctl_parse, "parse [--json] FILE... (stored messages: bounces, complaints, auto-replies)"},
    {"version", ctl_version, "version"},
};

#define CTL_NCOMMANDS (sizeof(ctl_commands) / sizeof(ctl_commands[0]))

/* ctl_find - the command named name, in either table */

static const CTL_COMMAND *ctl_find(const char *name)
{
    for (size_t i = 0; i < CTL_NCOMMANDS; i++)
	if (strcmp(name, ctl_commands[i].name) == 0)
	    return (ctl_commands + i);
    for (const CTL_COMMAND *cmd = ctl_store_commands; cmd->name; cmd++)
	if (strcmp(name, cmd->name) == 0)
	    return (cmd);
    return (NULL);
}

static void ctl_usage(FILE *fp)
{
    fprintf(fp, "usage: liveaddrctl [-c file] command [arguments]\ncommands:\n");
    for (size_t i = 0; i < CTL_NCOMMANDS; i++)
	fprintf(fp, "  liveaddrctl %s\n", ctl_commands[i].usage);
    for (const CTL_COMMAND *cmd = ctl_store_commands; cmd->name; cmd++)
	fprintf(fp, "  liveaddrctl %s\n", cmd->usage);
    fprintf(fp, "default file: %s\n", LIVEADDR_CONF);
}

int     main(int argc, char **argv)
{
    CTL     ctl = {LIVEADDR_CONF, false};
    int     ch;

    while ((ch = getopt(argc, argv, "+c:h")) != -1) {
	switch (ch) {
	case 'c':
	    ctl.conf_path = optarg;
	    ctl.conf_given = true;
	    break;
	case 'h':
	    ctl_usage(stdout);
	    return (0);
	default:
	    ctl_usage(stderr);
	    return (EX_USAGE);
	}
    }
    argc -= optind;
    argv += optind;
    if (argc < 1) {
	ctl_usage(stderr);
	return (EX_USAGE);
    }
    {
	const CTL_COMMAND *cmd = ctl_find(argv[0]);

	if (cmd != NULL) {
	    int     status = cmd->handler(&ctl, argc, argv);

	    if (status == EX_USAGE)
		fprintf(stderr, "usage: liveaddrctl %s\n", cmd->usage);
	    return (status);
	}
    }
    fprintf(stderr, "liveaddrctl: unknown command \"%s\"\n", argv[0]);
    ctl_usage(stderr);
    return (EX_USAGE);
}
