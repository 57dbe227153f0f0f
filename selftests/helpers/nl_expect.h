/* SPDX-License-Identifier: GPL-2.0 */
/*
 * nl_expect.h - the check shared by the netlink contract tests
 * (drlb_nlcheck, drlb_arp_nlcheck): send a request through drlbctl's
 * transport and pass when it fails with the wanted errno and an extack
 * message. Include after userspace/nl.h and userspace/tests/tap.h.
 */
#ifndef DRLB_SELFTESTS_NL_EXPECT_H
#define DRLB_SELFTESTS_NL_EXPECT_H

#include <stdio.h>
#include <string.h>

/* Send @msg; pass if it fails with @want_err and an extack message that
 * contains @want_text (any message when @want_text is NULL).
 */
static void expect(struct nl_msg *msg, int want_err, const char *want_text,
		   const char *desc)
{
	int err = drlb_nl_transact(msg, NULL, NULL);
	const char *m = drlb_nl_errmsg();
	int text_ok = !want_text || strstr(m, want_text);

	ok(err == want_err && text_ok, "%s: %s (%s)", desc,
	   strerror(-err), m[0] ? m : "no extack message");
	if (err != want_err)
		printf("#   want errno %d (%s), got %d\n", -want_err,
		       strerror(-want_err), -err);
	if (!text_ok)
		printf("#   extack message lacks '%s'\n", want_text);
}

#endif
