#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
#
# drlb_rs.py NAME ADDR SPEC... - the selftests' real-server backend: one
# long-lived process per real server (process start-up is slow under TCG).
#
#   SPEC   tcp:PORT or udp:PORT, bound to ADDR (the VIP, so that UDP
#          replies come from it)
#
# TCP: on accept sends "NAME\n"; then answers each line L with "NAME L\n".
# UDP: answers each datagram with "NAME LEN CRC32" (LEN and zlib CRC32 in
#      hex of the payload, so a reassembled datagram can be checked).
# Every request is logged to stdout as "tcp|udp PEER_IP:PORT WHAT", and
# "ready" once every socket is listening.

import socket
import sys
import threading
import zlib

name, addr, specs = sys.argv[1], sys.argv[2], sys.argv[3:]
log_lock = threading.Lock()


def hp(sa):
    """A socket address as "IP:PORT", an IPv6 one as "[IP]:PORT"."""
    return ("[%s]:%d" if ":" in sa[0] else "%s:%d") % (sa[0], sa[1])


FAMILY = socket.AF_INET6 if ":" in addr else socket.AF_INET


def log(*words):
    with log_lock:
        print(*words, flush=True)


def tcp_conn(conn, peer):
    peer = hp(peer)
    log("tcp", peer, "open")
    try:
        conn.sendall(("%s\n" % name).encode())
        buf = b""
        while True:
            data = conn.recv(4096)
            if not data:
                break
            buf += data
            while b"\n" in buf:
                line, buf = buf.split(b"\n", 1)
                text = line.decode(errors="replace")
                log("tcp", peer, text)
                conn.sendall(("%s %s\n" % (name, text)).encode())
    except OSError as e:
        log("tcp", peer, "error", e.errno)
    finally:
        conn.close()
        log("tcp", peer, "close")


def tcp_server(sock):
    while True:
        conn, peer = sock.accept()
        threading.Thread(target=tcp_conn, args=(conn, peer),
                         daemon=True).start()


def udp_server(sock):
    while True:
        data, peer = sock.recvfrom(65536)
        log("udp", hp(peer), len(data))
        reply = "%s %d %08x" % (name, len(data), zlib.crc32(data))
        sock.sendto(reply.encode(), peer)


threads = []
for spec in specs:
    proto, port = spec.split(":")
    if proto == "tcp":
        s = socket.socket(FAMILY, socket.SOCK_STREAM)
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        s.bind((addr, int(port)))
        s.listen(128)
        threads.append(threading.Thread(target=tcp_server, args=(s,),
                                        daemon=True))
    else:
        s = socket.socket(FAMILY, socket.SOCK_DGRAM)
        s.bind((addr, int(port)))
        threads.append(threading.Thread(target=udp_server, args=(s,),
                                        daemon=True))
for t in threads:
    t.start()
log("ready")
for t in threads:
    t.join()
