/* SPDX-License-Identifier: GPL-2.0 */
/*
 * drlbctl: what the service, server, conn and stats commands share -
 * naming a service on the command line and on the wire, and reading
 * services, servers and counters back from the kernel.
 */
#ifndef DRLBCTL_SVC_H
#define DRLBCTL_SVC_H

#include <stdbool.h>
#include <stdint.h>
#include <netlink/msg.h>
#include <linux/drlb.h>

#include "addr.h"
#include "json.h"

/*
 * A service's identity: DRLB_SVC_A_AF with _PROTOCOL, _ADDR, _PORT, or
 * for a fwmark service DRLB_SVC_A_AF and _FWMARK alone (proto and port 0).
 * addr.af is the service's family either way; a fwmark service's address
 * bytes are zero (an IPv4 and an IPv6 fwmark service may share a mark).
 */
struct svc_key {
	uint8_t proto;
	struct drlb_addr addr;	/* the VIP; its family */
	uint16_t port;		/* 0: every port */
	uint32_t fwmark;	/* non-zero: a fwmark service */
};

/* Counters of a service, a server or the netns (DRLB_STATS_A_*). */
struct drlb_stats {
	uint64_t v[DRLB_STATS_A_MAX + 1];
	bool has_drops;		/* any DRLB_STATS_A_DROP_* was present */
	bool has_rates;		/* DRLB_STATS_A_CPS... were */
};

struct dest_info {
	struct drlb_addr addr;	/* of its service's family */
	uint32_t weight;
	uint32_t active, inactive;
	uint32_t ifindex;	/* 0: unresolved */
	bool has_mac;
	uint8_t mac[6];
	bool has_neigh;
	uint8_t neigh;		/* enum drlb_neigh_state */
	uint32_t u_thresh, l_thresh;	/* connection thresholds, 0: none */
	bool has_persist;	/* the module reports the next two */
	uint32_t persist_conns;	/* persistence templates naming it */
	bool overloaded;
	struct drlb_stats stats;
};

struct svc_info {
	struct svc_key key;
	char sched[DRLB_SCHED_NAME_MAX];
	uint32_t persist;	/* seconds, 0 = off */
	uint8_t netmask;	/* prefix length, 32 (128 for IPv6) by default */
	bool expire_nodest;
	bool midstream;
	bool onepacket;
	uint32_t sched_flags;	/* DRLB_SCHED_F_* */
	uint32_t num_dests;
	struct drlb_stats stats;
	struct dest_info *dests;
	int n_dests;
};

/*
 * Parse a service from argv[0], argv[1]...: "PROTO VIP[:PORT]" (VIP an
 * IPv4 address, or an IPv6 one bare or in brackets: "[VIP]:PORT"),
 * "fwmark MARK", or "fwmark MARK family inet|inet6" (an IPv6 fwmark
 * service; inet, the default, is IPv4). *@used is set to the words taken
 * (2 or 4). On bad or missing words prints a one-line usage error naming
 * the word, prefixed with @ctx ("service add"), and returns 2; 0 on
 * success.
 */
int svc_parse_key(const char *ctx, int argc, char **argv, struct svc_key *k,
		  int *used);
/*
 * @word (NULL: none), the word after a key, must not be an address when
 * the key is a fwmark: a fwmark service has no address or port. 2 (usage
 * error printed) if it is one, else 0.
 */
int svc_check_fwm_word(const char *ctx, const struct svc_key *k,
		       const char *word);
/*
 * @word, found where options go, is "family": 2 after saying that it goes
 * right after "fwmark MARK"; else 0.
 */
int svc_family_misplaced(const char *ctx, const char *word);
/*
 * Whether the module takes services of family @af: 0, or 1 after saying
 * that it does not (IPv6 without DRLB_F_DIRECTOR_IPV6). 0 too when the
 * module cannot be asked: it answers the request itself. After
 * drlb_nl_open().
 */
int svc_check_af(const char *ctx, uint16_t af);

/*
 * "tcp 10.0.0.100:80", "tcp [2001:db8::100]:80", "fwmark 5" or "fwmark 5
 * family inet6" (static buffer): the words the commands take, for
 * messages, monitor and save.
 */
const char *svc_key_str(const struct svc_key *k);
/*
 * The key as JSON members of the open object: "protocol", "vip", "port",
 * or "fwmark" alone; then "family": "inet6" for an IPv6 service (IPv4
 * ones have no "family", as before there were others).
 */
void svc_key_json(struct json *j, const struct svc_key *k);

/* Put the key attributes (AF and the others) into an open DRLB_A_SERVICE nest. */
int svc_put_key_attrs(struct nl_msg *msg, const struct svc_key *k);
/* Put a DRLB_A_SERVICE nest holding just the keys. */
int svc_put_key(struct nl_msg *msg, const struct svc_key *k);

/*
 * Check @name against the module's scheduler list (GET_INFO), so the
 * CLI never drifts from the module. Prints the error and returns 2 if
 * unknown, 1 if the module cannot be asked, 0 if fine.
 */
int svc_check_sched(const char *ctx, const char *name);

/* Parse a nested DRLB_STATS_A_* attribute (absent: all zero). */
void stats_parse(struct nlattr *nest, struct drlb_stats *st);
/*
 * {"conns":..,"pkts":..,"bytes":..[,"conns_per_s":..,"pkts_per_s":..,
 * "bytes_per_s":..][,"drops":{...}]} under @key.
 */
void stats_json(struct json *j, const char *key, const struct drlb_stats *st);

/*
 * Read services (all, or just @only) with their servers, sorted by
 * family (IPv4 first), address, port, protocol (fwmark services after
 * the others, by mark, then family) and servers by address. Returns 0 or -errno
 * (message already in drlb_nl_errmsg()). Free with svc_list_free().
 */
int svc_list_get(const struct svc_key *only, struct svc_info **out, int *n);
void svc_list_free(struct svc_info *list, int n);

/*
 * Scale-out (docs/scale-out.md): whether scheduler @name picks the same
 * server for a flow on every director that has the same servers (and
 * mh-seed), so that flows survive a change of the routers' ECMP group
 * (mh, sh, dh hash the flow; the others count connections or take turns,
 * each director on its own).
 */
bool sched_cluster_safe(const char *name);
/* 1 if the namespace declares "cluster yes", 0 if not, or -errno. */
int config_cluster(void);
/* Warn on stderr that service @k's scheduler @sched is not cluster-safe. */
void cluster_warn(const char *key_str, const char *sched);
/*
 * With "cluster yes", warn about every service of the namespace whose
 * scheduler is not cluster-safe. Returns how many, or -errno.
 */
int cluster_warn_all(void);

/*
 * Parse a DRLB_A_SERVICE / DRLB_A_DEST nest into @s / @d (servers not
 * read): 0, 1 for an address family drlbctl does not show, or -EPROTO.
 */
int svc_info_parse(struct nlattr *nest, struct svc_info *s);
int dest_info_parse(struct nlattr *nest, struct dest_info *d);
/* "resolved", "stale"... for DRLB_DEST_A_NEIGH. */
const char *neigh_state_name(uint8_t state);

/*
 * Server lines of "service show" (cmd_service.c), shared with "server
 * show": the SERVER column @width wide (servers_width()).
 */
int servers_width(const struct svc_info *list, int n);
void show_servers_header(int width);
void show_server_text(const struct dest_info *d, int width);
/* Under @key (NULL in an array). */
void show_server_json(struct json *j, const char *key,
		      const struct dest_info *d);

#endif /* DRLBCTL_SVC_H */
