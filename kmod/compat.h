/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Kernel-version differences, in one place. Force-included into every
 * object (see Kbuild), so the logic files are written against the newest
 * API we support (6.12) and this header backfills older kernels (6.1).
 * Prefer feature tests (#ifndef SYMBOL) over version numbers.
 *
 * checkpatch warns on each LINUX_VERSION_CODE test below (and on its
 * constant on the left): where no symbol can be tested, a version test is
 * this file's job; each line says why (the style check's exceptions).
 */
#ifndef _DRLB_COMPAT_H
#define _DRLB_COMPAT_H

#include <linux/version.h>

#if LINUX_VERSION_CODE < KERNEL_VERSION(6, 1, 0) /* the floor itself */
#error "drlb needs Linux 6.1 or newer"
#endif

/*
 * 6.2 moved a dump request's parsed attributes from genl_dumpit_info into
 * the embedded genl_info (genl_info_dump()).
 */
#if LINUX_VERSION_CODE < KERNEL_VERSION(6, 2, 0) /* a function: no #ifdef */
#define drlb_dump_attrs(cb)	(genl_dumpit_info(cb)->attrs)
#else
#define drlb_dump_attrs(cb)	(genl_info_dump(cb)->attrs)
#endif

/*
 * 6.4 moved skb_gso_segment() and friends to <net/gso.h>. (A version
 * test: sparse does not know __has_include.)
 */
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 4, 0) /* sparse: see above */
#include <net/gso.h>
#endif

/*
 * NL_SET_ERR_MSG_FMT_MOD is 6.2's: 6.1's struct netlink_ext_ack has no
 * buffer for a formatted message, and nothing can stand in for one (the
 * message is read after the handler returned and its locks are dropped).
 * drlb_nl_err_fmt() formats @fmt where it can (at most 73 characters: the
 * buffer is 80 with "drlb: ") and falls back to the constant @msg on 6.1;
 * every other extack message is a constant string (NL_SET_ERR_MSG_MOD).
 * (A version test: <linux/netlink.h> is not included yet here.)
 */
#if LINUX_VERSION_CODE < KERNEL_VERSION(6, 2, 0) /* no #ifdef: see above */
#define drlb_nl_err_fmt(extack, msg, fmt, ...)	NL_SET_ERR_MSG_MOD(extack, msg)
#else
#define drlb_nl_err_fmt(extack, msg, fmt, ...)			\
	NL_SET_ERR_MSG_FMT_MOD(extack, fmt, ##__VA_ARGS__)
#endif

#endif /* _DRLB_COMPAT_H */
