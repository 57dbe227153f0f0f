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
# Starts over after each dump, and after errors (module gone: the family
# is resolved again), until FILE exists. Prints "dumps N parts N errors N".
# With --mark, FILE exists exactly while a dump is open (its first part
# read, its end not yet).

import argparse
import os
import socket
import struct
import time

NETLINK_GENERIC = 16
GENL_ID_CTRL = 0x10
CTRL_CMD_GETFAMILY = 3
CTRL_ATTR_FAMILY_ID = 1
CTRL_ATTR_FAMILY_NAME = 2
NLM_F_REQUEST, NLM_F_ACK, NLM_F_DUMP = 0x1, 0x4, 0x300
NLMSG_ERROR, NLMSG_DONE = 2, 3
DRLB_CMD = {"service": 5, "conn": 13}
# Every read is this small: the kernel sizes each part of a dump to the
# largest read the socket has made (up to 32 KiB), so small reads make many
# parts, and the dump stays open for many pauses.
READ = 4096


def msg(family, cmd, flags, attrs=b"", seq=1):
    body = struct.pack("BBH", cmd, 1, 0) + attrs
    return struct.pack("=LHHLL", 16 + len(body), family, flags, seq, 0) + body


def attr(t, payload):
    ln = 4 + len(payload)
    return struct.pack("=HH", ln, t) + payload + b"\0" * ((4 - ln % 4) % 4)


def messages(buf):
    while len(buf) >= 16:
        ln, typ, flags, seq, pid = struct.unpack("=LHHLL", buf[:16])
        if ln < 16:
            return
        yield typ, buf[16:ln]
        buf = buf[(ln + 3) & ~3:]


def resolve(s):
    s.send(msg(GENL_ID_CTRL, CTRL_CMD_GETFAMILY, NLM_F_REQUEST,
               attr(CTRL_ATTR_FAMILY_NAME, b"drlb\0")))
    for typ, body in messages(s.recv(READ)):
        if typ == NLMSG_ERROR:
            return None
        a = body[4:]
        while len(a) >= 4:
            ln, t = struct.unpack("=HH", a[:4])
            if t == CTRL_ATTR_FAMILY_ID:
                return struct.unpack("=H", a[4:6])[0]
            a = a[(ln + 3) & ~3:]
    return None


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--stop", required=True)
    p.add_argument("--pause", type=float, default=0.05)
    p.add_argument("--cmd", choices=DRLB_CMD, default="conn")
    p.add_argument("--mark")
    a = p.parse_args()
    dumps = parts = errors = 0
    fam = None
    s = None
    while not os.path.exists(a.stop):
        try:
            if s is None:
                s = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW,
                                  NETLINK_GENERIC)
                s.settimeout(5)
                # A small receive buffer: the kernel fills one part at a
                # time and the dump stays open between our reads.
                s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 16384)
            if fam is None:
                fam = resolve(s)
                if fam is None:
                    errors += 1
                    time.sleep(0.05)
                    continue
            s.send(msg(fam, DRLB_CMD[a.cmd], NLM_F_REQUEST | NLM_F_DUMP))
            done = False
            parts_this = 0
            while not done and not os.path.exists(a.stop):
                buf = s.recv(READ)
                parts += 1
                if a.mark and parts_this == 0:
                    open(a.mark, "w").close()
                parts_this += 1
                for typ, body in messages(buf):
                    if typ == NLMSG_DONE:
                        done = True
                    elif typ == NLMSG_ERROR:
                        done = True
                        if struct.unpack("=i", body[:4])[0]:
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
            if s is not None:
                s.close()
            s = None
            time.sleep(0.05)
    print("dumps", dumps, "parts", parts, "errors", errors, flush=True)


main()
