#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
#
# drlb_client.py MODE ... - the selftests' client: many flows from one
# process (process start-up is slow under TCG). One output line per flow.
#
#   udp VIP PORT [--src IP,...] [--sport BASE] [--count N] [--size BYTES]
#       For each source address, N datagrams one after the other, each from
#       its own socket (source port BASE+i, or ephemeral). Prints
#       "SRC:SPORT NAME STATUS": STATUS "ok" (the reply came from VIP:PORT
#       and the server saw our length and CRC), "corrupt", "badsrc=IP:PORT";
#       "SRC:SPORT - timeout" when no reply came; after 3 such flows in a
#       row the rest are not tried (a broken service fails fast).
#       --parallel: send every flow's datagram at once, then collect the
#       answers (same output, in the same order; for many flows). VIP may
#       then be a list, VIP,VIP...: the flows of every source to the
#       first, then to the next (each VIP's source ports go on from the
#       last one's), the output in that order.
#   tcp VIP PORT [--src IP,...] [--count N]
#       N connections one after the other per source; prints
#       "SRC:SPORT NAME" (the server's greeting) or "SRC:SPORT - ERROR".
#   hold VIP PORT [--count N] [--tries N]
#       Opens N connections and prints "I NAME SRC:SPORT" for each ("I -
#       ERROR SRC:SPORT" for one that did not open in --tries tries, each
#       failed try noted on stderr), then sends every line read from stdin
#       on every connection and prints "I REPLY", or "I error ERRNO" /
#       "I timeout". Ends at EOF on stdin.
#   watch VIP PORT [--count N] [--sport BASE] [--interval MS]
#       N UDP flows (source ports BASE+i) each send a numbered datagram
#       every MS ms (default 50) until stdin reaches EOF, then wait
#       --timeout for late answers. Prints "ready" once every flow was
#       answered once, and at the end per flow "SPORT sent N got M
#       NAME[,NAME...]" (the servers that answered), then "total sent N
#       got M". A datagram counts as got when its own answer came back.
#   mtu VIP PORT SIZE
#       One SIZE-byte datagram with DF set on a connected socket; prints
#       "emsgsize mtu=N" when an ICMP frag-needed came back, "reply NAME"
#       or "timeout".
#   icmp VIP CLIENT CPORT VPORT
#       Sends VIP an ICMP port-unreachable about the UDP packet
#       VIP:VPORT -> CLIENT:CPORT (as if a reply of that flow bounced).

import argparse
import errno
import os
import select
import socket
import struct
import sys
import time
import zlib

# <linux/in.h>, <linux/in6.h>; Python's socket module lacks them.
IP_MTU_DISCOVER, IP_PMTUDISC_DO, IP_MTU = 10, 2, 14
IPV6_MTU_DISCOVER, IPV6_PMTUDISC_DO, IPV6_MTU = 23, 2, 24


def out(*words):
    print(*words, flush=True)


def fam(addr):
    """The address family of a literal address (IPv6 has colons)."""
    return socket.AF_INET6 if ":" in addr else socket.AF_INET


def hp(sa):
    """A socket address as "IP:PORT", an IPv6 one as "[IP]:PORT"."""
    return ("[%s]:%d" if ":" in sa[0] else "%s:%d") % (sa[0], sa[1])


def same(peer, addr, port):
    """Is @peer (recvfrom's) the socket address (addr, port)?"""
    return peer[0] == addr and peer[1] == port


def any_addr(vip):
    return "::" if fam(vip) == socket.AF_INET6 else "0.0.0.0"


# After this many flows in a row got no answer, the rest are not tried (a
# broken service must fail fast, not time out every flow under TCG).
GIVE_UP = 3


def udp(a):
    srcs = a.src.split(",") if a.src else [any_addr(a.vip)]
    failed = 0
    for src in srcs:
        for i in range(a.count):
            sport = a.sport + i if a.sport else 0
            if failed >= GIVE_UP:
                out(hp((src, sport)) + " - timeout")
                continue
            payload = os.urandom(a.size)
            want = "%d %08x" % (len(payload), zlib.crc32(payload))
            s = socket.socket(fam(a.vip), socket.SOCK_DGRAM)
            s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            s.bind((src, sport))
            s.settimeout(a.timeout)
            me = hp(s.getsockname())
            line = me + " - timeout"
            for _ in range(a.tries):
                s.sendto(payload, (a.vip, a.port))
                try:
                    data, peer = s.recvfrom(4096)
                except socket.timeout:
                    continue
                words = data.decode(errors="replace").split(" ", 1)
                if not same(peer, a.vip, a.port):
                    status = "badsrc=" + hp(peer)
                elif len(words) < 2 or words[1] != want:
                    status = "corrupt"
                else:
                    status = "ok"
                line = "%s %s %s" % (me, words[0], status)
                break
            s.close()
            failed = failed + 1 if line.endswith(" - timeout") else 0
            out(line)


def poller(socks):
    """A poll object for reading on @socks."""
    p = select.poll()
    for s in socks:
        p.register(s, select.POLLIN)
    return p


def udp_parallel(a):
    """All flows at once: send every datagram, then collect the answers."""
    srcs = a.src.split(",") if a.src else [any_addr(a.vip)]
    flows = []
    for k, vip in enumerate(a.vip.split(",")):
        for src in srcs:
            for i in range(a.count):
                s = socket.socket(fam(vip), socket.SOCK_DGRAM)
                s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
                s.bind((src, a.sport + k * a.count + i if a.sport else 0))
                payload = os.urandom(a.size)
                flows.append([s, hp(s.getsockname()), payload, None,
                              vip])
    by_fd = {f[0].fileno(): f[0] for f in flows}
    for _ in range(a.tries):
        waiting = {f[0]: f for f in flows if f[3] is None}
        if not waiting:
            break
        for s, _, payload, _, vip in waiting.values():
            s.sendto(payload, (vip, a.port))
        deadline = time.monotonic() + a.timeout
        # poll, not select: a thousand flows have sockets past select()'s
        # FD_SETSIZE.
        p = poller(waiting)
        while waiting:
            left = deadline - time.monotonic()
            if left <= 0:
                break
            for fd, _ in p.poll(left * 1000):
                s = by_fd[fd]
                p.unregister(fd)
                f = waiting.pop(s)
                data, peer = s.recvfrom(4096)
                words = data.decode(errors="replace").split(" ", 1)
                want = "%d %08x" % (len(f[2]), zlib.crc32(f[2]))
                if not same(peer, f[4], a.port):
                    status = "badsrc=" + hp(peer)
                elif len(words) < 2 or words[1] != want:
                    status = "corrupt"
                else:
                    status = "ok"
                f[3] = "%s %s" % (words[0], status)
    for s, me, _, res, _ in flows:
        s.close()
        out(me, res or "- timeout")


def tcp_one(a, src):
    s = socket.socket(fam(a.vip), socket.SOCK_STREAM)
    s.bind((src, 0))
    me = hp(s.getsockname())
    s.settimeout(a.timeout)
    try:
        s.connect((a.vip, a.port))
        me = hp(s.getsockname())
        buf = b""
        while b"\n" not in buf:
            data = s.recv(4096)
            if not data:
                raise OSError(errno.ECONNRESET, "closed")
            buf += data
        return s, me, buf.split(b"\n", 1)[0].decode()
    except OSError as e:
        s.close()
        return None, me, "- " + (errno.errorcode.get(e.errno, str(e.errno))
                                 if e.errno else "timeout")


def tcp(a):
    srcs = a.src.split(",") if a.src else [any_addr(a.vip)]
    failed = 0
    for src in srcs:
        for _ in range(a.count):
            if failed >= GIVE_UP:
                out(src + ":0", "- skipped")
                continue
            s, me, name = tcp_one(a, src)
            if s:
                s.close()
            failed = 0 if s else failed + 1
            out(me, name)


def hold_open(a, i, src):
    """Held connection @i: what a hold is for is what becomes of open
    connections, so one that did not open (its SYN or the greeting lost,
    or later than --timeout on a stalled VM) is tried again from a new
    port, --tries times in all, each failure noted on stderr."""
    for t in range(1, a.tries + 1):
        s, me, name = tcp_one(a, src)
        if s:
            break
        print("hold: connection %d from %s: %s (try %d of %d)" %
              (i, me, name[2:], t, a.tries), file=sys.stderr, flush=True)
    return s, me, name


def hold(a):
    conns = []
    for i in range(a.count):
        s, me, name = hold_open(a, i, any_addr(a.vip))
        conns.append(s)
        out(i, name, me)
    for line in sys.stdin:
        for i, s in enumerate(conns):
            if not s:
                out(i, "error", "closed")
                continue
            try:
                s.sendall(line.encode())
                data = s.recv(4096)
                if not data:
                    raise OSError(errno.ECONNRESET, "closed")
                out(i, data.decode().strip())
            except socket.timeout:
                out(i, "timeout")
            except OSError as e:
                out(i, "error", errno.errorcode.get(e.errno, str(e.errno)))
                s.close()
                conns[i] = None


def watch(a):
    flows = []
    for i in range(a.count):
        s = socket.socket(fam(a.vip), socket.SOCK_DGRAM)
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        s.bind((any_addr(a.vip), a.sport + i if a.sport else 0))
        s.setblocking(False)
        flows.append({"s": s, "sent": 0, "got": 0, "names": [], "want": {}})
    by_fd = {f["s"].fileno(): f for f in flows}
    p = poller([f["s"] for f in flows])
    p.register(sys.stdin, select.POLLIN)
    ready = False
    stop_at = None
    next_send = time.monotonic()
    while True:
        now = time.monotonic()
        if stop_at is None and now >= next_send:
            for f in flows:
                payload = b"%08d" % f["sent"] + os.urandom(8)
                f["want"]["%d %08x" % (len(payload), zlib.crc32(payload))] = 1
                f["s"].sendto(payload, (a.vip, a.port))
                f["sent"] += 1
            next_send = now + a.interval / 1000.0
        if stop_at is not None and (now >= stop_at or
                                    all(f["got"] == f["sent"] for f in flows)):
            break
        until = stop_at if stop_at is not None else next_send
        for fd, _ in p.poll(max(0, (until - time.monotonic()) * 1000)):
            if fd == sys.stdin.fileno():
                if not sys.stdin.readline():
                    p.unregister(sys.stdin)
                    stop_at = time.monotonic() + a.timeout
                continue
            f = by_fd[fd]
            try:
                data, peer = f["s"].recvfrom(4096)
            except BlockingIOError:
                continue
            words = data.decode(errors="replace").split(" ", 1)
            if (same(peer, a.vip, a.port) and len(words) == 2 and
                    f["want"].pop(words[1], None)):
                f["got"] += 1
                if words[0] not in f["names"]:
                    f["names"].append(words[0])
        if not ready and all(f["got"] for f in flows):
            ready = True
            out("ready")
    for f in flows:
        out(f["s"].getsockname()[1], "sent", f["sent"], "got", f["got"],
            ",".join(f["names"]) or "-")
    out("total sent", sum(f["sent"] for f in flows), "got",
        sum(f["got"] for f in flows))


def mtu(a):
    s = socket.socket(fam(a.vip), socket.SOCK_DGRAM)
    if fam(a.vip) == socket.AF_INET6:
        level, mtu_opt = socket.IPPROTO_IPV6, IPV6_MTU
        s.setsockopt(level, IPV6_MTU_DISCOVER, IPV6_PMTUDISC_DO)
    else:
        level, mtu_opt = socket.IPPROTO_IP, IP_MTU
        s.setsockopt(level, IP_MTU_DISCOVER, IP_PMTUDISC_DO)
    s.connect((a.vip, a.port))
    s.settimeout(a.timeout)
    for _ in range(a.tries):
        try:
            s.send(b"x" * a.size)
            data = s.recv(4096)
            out("reply", data.decode().split()[0])
            return
        except socket.timeout:
            continue
        except OSError as e:
            if e.errno == errno.EMSGSIZE:
                out("emsgsize mtu=%d" % s.getsockopt(level, mtu_opt))
                return
            raise
    out("timeout")


def csum(data):
    if len(data) % 2:
        data += b"\0"
    total = sum(struct.unpack("!%dH" % (len(data) // 2), data))
    while total >> 16:
        total = (total & 0xffff) + (total >> 16)
    return ~total & 0xffff


def icmp6(a):
    """ICMPv6 port unreachable; the kernel sums raw ICMPv6 itself."""
    vip = socket.inet_pton(socket.AF_INET6, a.vip)
    client = socket.inet_pton(socket.AF_INET6, a.client)
    udp_hdr = struct.pack("!HHHH", a.vport, a.cport, 8 + 32, 0)
    ip_hdr = struct.pack("!IHBB16s16s", 6 << 28, 8 + 32,
                         socket.IPPROTO_UDP, 64, vip, client)
    body = struct.pack("!BBHI", 1, 4, 0, 0) + ip_hdr + udp_hdr + bytes(32)
    s = socket.socket(socket.AF_INET6, socket.SOCK_RAW,
                      socket.IPPROTO_ICMPV6)
    s.sendto(body, (a.vip, 0))
    out("sent")


def icmp(a):
    if fam(a.vip) == socket.AF_INET6:
        icmp6(a)
        return
    vip = socket.inet_aton(a.vip)
    client = socket.inet_aton(a.client)
    udp_hdr = struct.pack("!HHHH", a.vport, a.cport, 8 + 32, 0)
    ip_hdr = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + 8 + 32, 0, 0x4000,
                         64, socket.IPPROTO_UDP, 0, vip, client)
    ip_hdr = ip_hdr[:10] + struct.pack("!H", csum(ip_hdr)) + ip_hdr[12:]
    body = struct.pack("!BBHI", 3, 3, 0, 0) + ip_hdr + udp_hdr
    body = body[:2] + struct.pack("!H", csum(body)) + body[4:]
    s = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_ICMP)
    s.sendto(body, (a.vip, 0))
    out("sent")


p = argparse.ArgumentParser()
sub = p.add_subparsers(dest="mode", required=True)
for m in ("udp", "tcp", "hold", "mtu", "watch"):
    sp = sub.add_parser(m)
    sp.add_argument("vip")
    sp.add_argument("port", type=int)
    sp.add_argument("--timeout", type=float, default=2.0)
    sp.add_argument("--tries", type=int, default=2)
    if m == "mtu":
        sp.add_argument("size", type=int)
        continue
    sp.add_argument("--count", type=int, default=1)
    if m != "hold":
        sp.add_argument("--src")
    if m == "watch":
        sp.add_argument("--sport", type=int, default=0)
        sp.add_argument("--interval", type=int, default=50)
        continue
    if m == "udp":
        sp.add_argument("--sport", type=int, default=0)
        sp.add_argument("--size", type=int, default=16)
        sp.add_argument("--parallel", action="store_true")
sp = sub.add_parser("icmp")
sp.add_argument("vip")
sp.add_argument("client")
sp.add_argument("cport", type=int)
sp.add_argument("vport", type=int)
args = p.parse_args()
if args.mode == "udp" and args.parallel:
    args.mode = "udp_parallel"
{"udp": udp, "udp_parallel": udp_parallel, "tcp": tcp, "hold": hold,
 "mtu": mtu, "watch": watch, "icmp": icmp}[args.mode](args)
