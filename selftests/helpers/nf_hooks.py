#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""nf_hooks.py DEV: the functions registered on DEV's netfilter egress
hook, one per line, as the kernel's nfnetlink_hook reports them (Debian
12's nft 1.0.6 lists netdev ingress hooks only). Run in the device's
network namespace. Exit status 0; 3 if the kernel cannot list egress
hooks (no nfnetlink_hook, or one without egress support); 1 on another
error. Standard library only."""

import errno
import os
import socket
import struct
import sys

NETLINK_NETFILTER = 12
NFNL_SUBSYS_HOOK = 12
NFNL_MSG_HOOK_GET = 0
NFPROTO_NETDEV = 5
NF_NETDEV_EGRESS = 1
NFNLA_HOOK_HOOKNUM = 1
NFNLA_HOOK_DEV = 3
NFNLA_HOOK_FUNCTION_NAME = 4
NLM_F_REQUEST = 0x1
NLM_F_DUMP = 0x300
NLMSG_ERROR = 2
NLMSG_DONE = 3


def attr(kind, payload):
    hdr = struct.pack("=HH", 4 + len(payload), kind)
    return hdr + payload + b"\0" * (-len(payload) % 4)


def attrs(data):
    while len(data) >= 4:
        length, kind = struct.unpack_from("=HH", data)
        if length < 4:
            return
        yield kind & 0x3fff, data[4:length]
        data = data[(length + 3) & ~3:]


def main():
    if len(sys.argv) != 2:
        print("usage: nf_hooks.py DEV", file=sys.stderr)
        return 2
    sock = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, NETLINK_NETFILTER)
    body = struct.pack("=BBH", NFPROTO_NETDEV, 0, 0)
    body += attr(NFNLA_HOOK_HOOKNUM, struct.pack(">I", NF_NETDEV_EGRESS))
    body += attr(NFNLA_HOOK_DEV, sys.argv[1].encode() + b"\0")
    msg_type = (NFNL_SUBSYS_HOOK << 8) | NFNL_MSG_HOOK_GET
    sock.send(struct.pack("=IHHII", 16 + len(body), msg_type,
                          NLM_F_REQUEST | NLM_F_DUMP, 1, 0) + body)
    names = []
    while True:
        data = sock.recv(65536)
        while len(data) >= 16:
            length, kind, _, _, _ = struct.unpack_from("=IHHII", data)
            if kind == NLMSG_DONE:
                print("\n".join(names))
                return 0
            if kind == NLMSG_ERROR:
                err = -struct.unpack_from("=i", data, 16)[0]
                if err in (errno.EPROTONOSUPPORT, errno.EOPNOTSUPP,
                           errno.EINVAL):
                    return 3
                print(f"nf_hooks.py: {os.strerror(err)}", file=sys.stderr)
                return 1
            for k, v in attrs(data[20:length]):
                if k == NFNLA_HOOK_FUNCTION_NAME:
                    names.append(v.rstrip(b"\0").decode())
            data = data[(length + 3) & ~3:]


if __name__ == "__main__":
    sys.exit(main())
