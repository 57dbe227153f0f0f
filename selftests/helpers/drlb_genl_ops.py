#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""drlb_genl_ops.py - the drlb generic netlink family, seen raw.

  drlb_genl_ops.py list          one line per operation the kernel
                                 registered: "CMD FLAGS" (decimal, FLAGS
                                 as CTRL_ATTR_OP_FLAGS: 0x1 admin-perm,
                                 0x2 do, 0x4 dump, ...)
  drlb_genl_ops.py send CMD...   send an empty DRLB request CMD (a "do",
                                 NLM_F_ACK; a dump for a dump-only
                                 operation) for each CMD and print the
                                 kernel's answers as errno names ("OK" for
                                 success), one line "CMD ANSWER" each

Used by drlb_perm.sh: every state-changing operation must be admin-only,
and an empty request from a caller without CAP_NET_ADMIN must be refused
with EPERM before anything looks at it. Never send as root: an empty
DRLB_CMD_FLUSH flushes.
"""

import errno
import os
import socket
import struct
import sys

NETLINK_GENERIC = 16
GENL_ID_CTRL = 0x10
CTRL_CMD_GETFAMILY = 3
CTRL_ATTR_FAMILY_ID = 1
CTRL_ATTR_FAMILY_NAME = 2
CTRL_ATTR_OPS = 6
CTRL_ATTR_OP_ID = 1
CTRL_ATTR_OP_FLAGS = 2
NLM_F_REQUEST = 1
NLM_F_ACK = 4
NLMSG_ERROR = 2
NLMSG_DONE = 3
NLM_F_DUMP = 0x300
GENL_CMD_CAP_DO = 0x2


def attrs(buf):
    """(type, payload) for each attribute in buf."""
    while len(buf) >= 4:
        alen, atype = struct.unpack_from("HH", buf)
        if alen < 4:
            return
        yield atype & 0x3FFF, buf[4:alen]
        buf = buf[(alen + 3) & ~3:]


def request(sock, family, cmd, payload=b"", flags=NLM_F_REQUEST | NLM_F_ACK):
    body = struct.pack("BBH", cmd, 1, 0) + payload
    sock.send(struct.pack("IHHII", 16 + len(body), family, flags, 1, 0) + body)
    replies = []
    while True:
        data = sock.recv(65536)
        while len(data) >= 16:
            mlen, mtype, _, _, _ = struct.unpack_from("IHHII", data)
            msg, data = data[16:mlen], data[(mlen + 3) & ~3:]
            if mtype == NLMSG_ERROR:
                return struct.unpack_from("i", msg)[0], replies
            if mtype == NLMSG_DONE:
                return 0, replies
            replies.append(msg[4:])


def family_ops(sock):
    name = b"drlb\0"
    a = struct.pack("HH", 4 + len(name), CTRL_ATTR_FAMILY_NAME) + name
    a += b"\0" * (-len(a) % 4)
    err, replies = request(sock, GENL_ID_CTRL, CTRL_CMD_GETFAMILY, a)
    if err:
        sys.exit(f"drlb_genl_ops: family drlb: {os.strerror(-err)}")
    fid, ops = None, []
    for t, v in attrs(replies[0]):
        if t == CTRL_ATTR_FAMILY_ID:
            fid = struct.unpack_from("H", v)[0]
        elif t == CTRL_ATTR_OPS:
            for _, op in attrs(v):
                d = dict(attrs(op))
                ops.append((struct.unpack("I", d[CTRL_ATTR_OP_ID])[0],
                            struct.unpack("I", d.get(CTRL_ATTR_OP_FLAGS,
                                                     b"\0\0\0\0"))[0]))
    return fid, ops


def main():
    sock = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, NETLINK_GENERIC)
    sock.bind((0, 0))
    fid, ops = family_ops(sock)
    if sys.argv[1:] == ["list"]:
        for cmd, flags in ops:
            print(cmd, flags)
    elif len(sys.argv) >= 3 and sys.argv[1] == "send":
        caps = dict(ops)
        for cmd in sys.argv[2:]:
            # A dump-only operation is asked for a dump (a "do" would be
            # refused as unsupported before permissions are looked at).
            flags = NLM_F_REQUEST | NLM_F_ACK
            if not caps.get(int(cmd), 0) & GENL_CMD_CAP_DO:
                flags |= NLM_F_DUMP
            err, _ = request(sock, fid, int(cmd), flags=flags)
            print(cmd, "OK" if not err else errno.errorcode.get(-err, str(err)))
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main()
