/* SPDX-License-Identifier: GPL-2.0 */
/*
 * drlbctl: the kernel's ARRAY_SIZE() and __printf(), for userspace.
 */
#ifndef DRLBCTL_UTIL_H
#define DRLBCTL_UTIL_H

#ifndef ARRAY_SIZE
#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))
#endif

#ifndef __printf
#define __printf(fmt, args)	__attribute__((format(printf, fmt, args)))
#endif

#endif /* DRLBCTL_UTIL_H */
