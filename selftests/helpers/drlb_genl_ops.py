#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""drlb_genl_ops.py - the drlb generic netlink family, seen raw.

  drlb_genl_ops.py list          one line per operation the kernel
                                 registered: "CMD FLAGS" (decimal, FLAGS
                                 as CTRL_ATTR_OP_FLAGS: 0x1 admin-perm,
                                 0x2 do, 0x4 dump, ...)
  drlb_genl_ops.py send CMD...   send an empty DRLB request CMD (a number,
                                 or a name: FLUSH, DRLB_CMD_FLUSH) - a "do",
                                 NLM_F_ACK; a dump for a dump-only
                                 operation - for each CMD and print the
                                 kernel's answers as errno names ("OK" for
                                 success), one line "CMD ANSWER" each

Used by drlb_perm.sh: every state-changing operation must be admin-only,
and an empty request from a caller without CAP_NET_ADMIN must be refused
with EPERM before anything looks at it. Never send as root: an empty
DRLB_CMD_FLUSH flushes. The family's name and the command names come from
include/uapi/linux/drlb.h (genl.py).
"""

import os
import sys

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
import genl  # noqa: E402 pylint: disable=wrong-import-position


def main():
    args = sys.argv[1:]
    if args != ["list"] and (len(args) < 2 or args[0] != "send"):
        sys.exit(__doc__)
    h = genl.header()
    # The commands first: a name the header lacks fails before anything
    # is sent.
    try:
        cmds = [(c, h.cmd(c)) for c in args[1:]]
    except genl.UapiError as e:
        sys.exit("drlb_genl_ops: %s" % e)
    with genl.Genl() as nl:
        try:
            fam = nl.family()
        except OSError as e:
            sys.exit("drlb_genl_ops: family %s: %s"
                     % (h.family_name, os.strerror(e.errno)))
        if args == ["list"]:
            for cmd, flags in fam.ops:
                print(cmd, flags)
            return
        for arg, cmd in cmds:
            # A dump-only operation is asked for a dump (a "do" would be
            # refused as unsupported before permissions are looked at).
            dump = not (fam.op_flags(cmd) or 0) & genl.GENL_CMD_CAP_DO
            try:
                nl.request(cmd, dump=dump)
                print(arg, "OK")
            except genl.NetlinkError as e:
                print(arg, e.name)


if __name__ == "__main__":
    main()
