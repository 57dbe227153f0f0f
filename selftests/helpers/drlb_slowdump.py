#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
#
# drlb_slowdump.py --stop FILE [--pause SECS] [--cmd conn|service]
#                  [--mark FILE]
#
# Keeps drlb dumps open as long as it can: sends a dump request (GET_CONN
# or GET_SERVICE) and reads the reply one message buffer at a time with a
# pause between reads, so the kernel side of the dump (which holds a
# reference on the module, and walks the tables between reads) stays in
# progress while the test unloads the module or deletes the namespace.
# Starts over after each dump, and after errors (module gone, or a dump
# ended by an error: the family is resolved again), until FILE exists.
# Prints "dumps N parts N errors N".
# With --mark, FILE exists exactly while a dump is open (its first part
# read, its end not yet).
# The command numbers come from include/uapi/linux/drlb.h (genl.py).

import argparse
import os
import sys
import time

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
import genl  # noqa: E402 pylint: disable=wrong-import-position

DRLB_CMD = {"service": "DRLB_CMD_GET_SERVICE", "conn": "DRLB_CMD_GET_CONN"}
# Every read is this small: the kernel sizes each part of a dump to the
# largest read the socket has made (up to 32 KiB), so small reads make many
# parts, and the dump stays open for many pauses.
READ = 4096


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--stop", required=True)
    p.add_argument("--pause", type=float, default=0.05)
    p.add_argument("--cmd", choices=DRLB_CMD, default="conn")
    p.add_argument("--mark")
    a = p.parse_args()
    cmd = genl.header()[DRLB_CMD[a.cmd]]
    dumps = parts = errors = 0
    fam = None
    nl = None
    while not os.path.exists(a.stop):
        try:
            if nl is None:
                # A small receive buffer: the kernel fills one part at a
                # time and the dump stays open between our reads.
                nl = genl.Genl(bufsize=READ, timeout=5, rcvbuf=16384)
            if fam is None:
                try:
                    fam = nl.resolve()
                except genl.NetlinkError:
                    errors += 1
                    time.sleep(0.05)
                    continue
            seq = nl.send(fam.id, cmd, flags=genl.NLM_F_REQUEST |
                          genl.NLM_F_DUMP)
            done = False
            parts_this = 0
            while not done and not os.path.exists(a.stop):
                msgs = nl.recv()
                parts += 1
                if a.mark and parts_this == 0:
                    open(a.mark, "w").close()
                parts_this += 1
                for m in msgs:
                    if m.seq != seq or m.type not in (genl.NLMSG_DONE,
                                                      genl.NLMSG_ERROR):
                        continue
                    done = True
                    if m.error:
                        errors += 1
                        fam = None
                if done and a.mark and os.path.exists(a.mark):
                    os.unlink(a.mark)
                time.sleep(a.pause)
            dumps += done
        except OSError:
            if a.mark and os.path.exists(a.mark):
                os.unlink(a.mark)
            errors += 1
            fam = None
            if nl is not None:
                nl.close()
            nl = None
            time.sleep(0.05)
    print("dumps", dumps, "parts", parts, "errors", errors, flush=True)


main()
