#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
#
# drlb_seq.py - sequence-numbered UDP for the stress tests: count exactly
# what a long-lived service lost while something else was going on.
#
#   send VIP PORT --flows N --rate PPS --stop FILE [--sport BASE]
#       N flows (source ports BASE..BASE+N-1, one socket each), datagrams
#       "FLOW SEQ" round-robin over the flows at PPS in total, until FILE
#       exists. Prints "sent TOTAL" and one "flow F SPORT LAST_SEQ" line
#       per flow at the end.
#   recv ADDR PORT --out FILE
#       Receives until SIGTERM, then writes to FILE "received N" (distinct
#       (flow, seq) pairs), "dups N" and one "flow F COUNT" line per flow,
#       and "ready" to stdout once bound.
#
# Two receivers (the untouched real servers) together must see every
# datagram sent once the flows are pinned; the test adds their counts.

import argparse
import os
import signal
import socket
import sys
import time


def send(a):
    socks = []
    for i in range(a.flows):
        s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        s.bind(("0.0.0.0", a.sport + i))
        s.connect((a.vip, a.port))
        socks.append(s)
    seq = [0] * a.flows
    total = 0
    interval = 1.0 / a.rate
    nxt = time.monotonic()
    errors = 0
    while not os.path.exists(a.stop):
        f = total % a.flows
        try:
            socks[f].send(b"%d %d" % (f, seq[f]))
            seq[f] += 1
            total += 1
        except OSError:
            # ECONNREFUSED from an earlier ICMP error: not a datagram sent.
            errors += 1
        nxt += interval
        delay = nxt - time.monotonic()
        if delay > 0:
            time.sleep(delay)
        elif delay < -1:
            nxt = time.monotonic()	# fell behind (slow VM): no burst
    print("sent", total)
    print("send_errors", errors)
    for f in range(a.flows):
        print("flow", f, a.sport + f, seq[f])
    sys.stdout.flush()


def recv(a):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4 << 20)
    s.bind((a.addr, a.port))
    seen = set()
    dups = 0
    done = []
    signal.signal(signal.SIGTERM, lambda *_: done.append(1))
    s.settimeout(0.2)
    print("ready", flush=True)
    while not done:
        try:
            data = s.recv(256)
        except socket.timeout:
            continue
        except InterruptedError:
            continue
        try:
            f, q = data.split()
            key = (int(f), int(q))
        except ValueError:
            continue
        if key in seen:
            dups += 1
        seen.add(key)
    flows = {}
    for f, _ in seen:
        flows[f] = flows.get(f, 0) + 1
    with open(a.out + ".tmp", "w") as o:
        print("received", len(seen), file=o)
        print("dups", dups, file=o)
        for f in sorted(flows):
            print("flow", f, flows[f], file=o)
    os.rename(a.out + ".tmp", a.out)


def main():
    p = argparse.ArgumentParser()
    sub = p.add_subparsers(dest="mode", required=True)
    ps = sub.add_parser("send")
    ps.add_argument("vip")
    ps.add_argument("port", type=int)
    ps.add_argument("--flows", type=int, default=8)
    ps.add_argument("--rate", type=float, default=200)
    ps.add_argument("--sport", type=int, default=30000)
    ps.add_argument("--stop", required=True)
    pr = sub.add_parser("recv")
    pr.add_argument("addr")
    pr.add_argument("port", type=int)
    pr.add_argument("--out", required=True)
    a = p.parse_args()
    send(a) if a.mode == "send" else recv(a)


main()
