#ifndef LIVEADDR_SETTINGS_H
#define LIVEADDR_SETTINGS_H

/*++
 * NAME
 *	settings 3h
 * SUMMARY
 *	the keys of liveaddr.conf, shared by every liveaddr program
 * SYNOPSIS
 *	#include "settings.h"
 * DESCRIPTION
 *	See settings.c.
 *--*/

#include <stdbool.h>

#include "conf.h"
#include "dns.h"
#include "domcache.h"
#include "rpool.h"
#include "store.h"

extern const CONF_KEY settings_keys[];
extern const size_t settings_key_count;

extern CONF *settings_load(const char *path, bool missing_ok);
extern void settings_report(const CONF *conf, FILE *fp);
extern int settings_apply_logging(const CONF *conf, const char *ident,
				          bool foreground);
extern void settings_rpool_conf(const CONF *conf, RPOOL_CONF *out);
extern void settings_store_conf(const CONF *conf, STORE_CONF *out);
extern void settings_dns_conf(const CONF *conf, DNS_CONF *out,
			              const char **servers, size_t max);
extern DOMCACHE_TTL settings_domcache_ttl(const CONF *conf);

#endif
