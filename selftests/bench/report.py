#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""report.py OUTDIR - turn bench.sh's results.csv into a Markdown table
(stdout) and OUTDIR/plot-*.dat files for gnuplot.

One table row per (group, profile, servers, services, case, scheduler):
median packets per second over the repetitions, min-max, and the ratios the
benchmark targets are written against: drlb/ipvs (same scheduler and
traffic), drlb/l2fwd and drlb/nolb (same traffic). A last column gives the
director's own cost per packet, 1/pps minus the nolb path's 1/pps, where
the run has nolb."""

import csv
import statistics
import sys
from collections import OrderedDict

out = sys.argv[1]
rows = list(csv.DictReader(open(f"{out}/results.csv")))

groups = OrderedDict()
for r in rows:
    key = (r["group"], r["profile"], int(r["servers"]), int(r["services"]))
    case = (r["case"], r["sched"])
    groups.setdefault(key, OrderedDict()).setdefault(case, []).append(int(r["pps"]))


def med(v):
    return statistics.median(v) if v else 0


def ratio(a, b):
    return f"{a / b:.2f}" if a and b else "-"


print("| group | traffic | servers | services | case | sched | pps (median) "
      "| min-max | drlb/ipvs | drlb/l2fwd | drlb/nolb | director ns/pkt |")
print("|---|---|---:|---:|---|---|---:|---:|---:|---:|---:|---:|")
for (group, profile, servers, services), cases in groups.items():
    nolb = med(cases.get(("nolb", "-"), []))
    l2fwd = med(cases.get(("l2fwd", "-"), []))
    for (case, sched), v in cases.items():
        m = med(v)
        ipvs = med(cases.get(("ipvs", sched), []))
        is_drlb = case.startswith("drlb")
        cost = "-"
        if nolb and m:
            cost = f"{(1e9 / m - 1e9 / nolb):.0f}"
        print(f"| {group} | {profile} | {servers} | {services} | {case} | {sched} "
              f"| {m:.0f} | {min(v)}-{max(v)} "
              f"| {ratio(m, ipvs) if is_drlb else '-'} "
              f"| {ratio(m, l2fwd) if is_drlb else '-'} "
              f"| {ratio(m, nolb) if is_drlb else '-'} | {cost} |")

# gnuplot data: pps per case for the established-flow group, pps vs flows.
with open(f"{out}/plot-cases.dat", "w") as f:
    for (group, profile, servers, services), cases in groups.items():
        if group != "est":
            continue
        for (case, sched), v in cases.items():
            label = case if sched == "-" else f"{case}-{sched}"
            f.write(f'"{label}" {med(v):.0f} {min(v)} {max(v)}\n')
with open(f"{out}/plot-flows.dat", "w") as f:
    series = {}
    for (group, profile, servers, services), cases in groups.items():
        if group != "flows":
            continue
        n = int(profile.split("=")[1])
        for (case, sched), v in cases.items():
            series.setdefault(case, []).append((n, med(v)))
    for case, pts in series.items():
        f.write(f'# {case}\n')
        for n, m in sorted(pts):
            f.write(f"{n} {m:.0f}\n")
        f.write("\n\n")

# CPU scaling (the cpus group): each case's rate from 2 pktgen threads, one
# per vCPU, over its rate from 1, per traffic profile; the medians, and
# the best windows too (the host's load only ever slows a window).
scale = OrderedDict()
peak = OrderedDict()
for (group, profile, servers, services), cases in groups.items():
    if group != "cpus" or "@" not in profile:
        continue
    base, n = profile.split("@")
    for case, v in cases.items():
        scale.setdefault((base, case), {})[int(n)] = med(v)
        peak.setdefault((base, case), {})[int(n)] = max(v)
if scale:
    print()
    print("| CPU scaling | case | sched | pps, 1 CPU | pps, 2 CPUs | 2 CPUs / 1 CPU "
          "| best, 1 CPU | best, 2 CPUs | 2 / 1 (best) |")
    print("|---|---|---|---:|---:|---:|---:|---:|---:|")
    for key, by in scale.items():
        base, (case, sched) = key
        b = peak[key]
        print(f"| {base} | {case} | {sched} | {by.get(1, 0):.0f} "
              f"| {by.get(2, 0):.0f} | {ratio(by.get(2, 0), by.get(1, 0))} "
              f"| {b.get(1, 0)} | {b.get(2, 0)} | {ratio(b.get(2, 0), b.get(1, 0))} |")


# Control plane: milliseconds per operation, and how many times faster
# drlb is than ipvsadm (ipvs ms / drlb ms).
try:
    crow = list(csv.DictReader(open(f"{out}/control.csv")))
except FileNotFoundError:
    crow = []
if crow:
    ops = OrderedDict()
    for r in crow:
        key = (r["op"], int(r["services"]), int(r["servers"]))
        ops.setdefault(key, {}).setdefault(r["tool"], []).append(int(r["ms"]))
    what = {"load": ("drlbctl restore", "ipvsadm -R"),
            "list": ("drlbctl service show", "ipvsadm -Ln"),
            "save": ("drlbctl save", "ipvsadm -Sn"),
            "clear": ("drlbctl flush", "ipvsadm -C")}
    print()
    print("| control plane | services x servers | drlb ms (median, min-max) "
          "| ipvs ms (median, min-max) | ipvs/drlb |")
    print("|---|---|---:|---:|---:|")
    for (op, nsvc, nrs), tools in ops.items():
        d = tools.get("drlb", [])
        i = tools.get("ipvs", [])
        names = what.get(op, (op, op))
        print(f"| {op}: `{names[0]}` vs `{names[1]}` | {nsvc} x {nrs} "
              f"| {med(d):.0f} ({min(d, default=0)}-{max(d, default=0)}) "
              f"| {med(i):.0f} ({min(i, default=0)}-{max(i, default=0)}) "
              f"| {ratio(med(i), med(d))} |")

# The targets of the benchmark issue, each checked against this run.
def pps(group, case, sched, profile=None, servers=None, services=None):
    for (g, p, sv, sc), cases in groups.items():
        if g != group or (profile and p != profile):
            continue
        if (servers and sv != servers) or (services and sc != services):
            continue
        v = cases.get((case, sched))
        if v:
            return med(v)
    return 0


targets = []


def target(what, a, b, want):
    if a and b:
        r = a / b
        targets.append((what, f"{r:.2f}", f">= {want}",
                        "met" if r >= want else "MISSED"))
    else:
        targets.append((what, "-", f">= {want}", "not measured"))


target("established: drlb/ipvs", pps("est", "drlb", "rr"),
       pps("est", "ipvs", "rr"), 1.3)
target("established: drlb/l2fwd", pps("est", "drlb", "rr"),
       pps("est", "l2fwd", "-"), 0.95)
target("new-flow storm: drlb/ipvs", pps("storm", "drlb", "rr"),
       pps("storm", "ipvs", "rr"), 2.0)
if scale:
    for base, want in (("est", 1.7), ("storm", 1.6)):
        by = scale.get((base, ("drlb", "rr")), {})
        target(f"drlb {base}: 2 CPUs / 1 CPU", by.get(2, 0), by.get(1, 0), want)
target("drlb 1M flows / 1k flows", pps("flows", "drlb", "rr", "flows=1000000"),
       pps("flows", "drlb", "rr", "flows=1000"), 0.8)
for s in ("rr", "wrr", "mh"):
    target(f"drlb {s}: 1000 servers / 3 servers",
           pps(f"servers-{s}", "drlb", s, servers=1000),
           pps(f"servers-{s}", "drlb", s, servers=3), 0.9)
target("drlb-ct/drlb", pps("est", "drlb-ct", "rr"), pps("est", "drlb", "rr"),
       0.95)
if crow:
    d = [int(r["ms"]) for r in crow if r["tool"] == "drlb" and r["op"] == "load"]
    i = [int(r["ms"]) for r in crow if r["tool"] == "ipvs" and r["op"] == "load"]
    target("control plane load: ipvsadm -R time / drlbctl restore time",
           med(i), med(d), 10)
try:
    sizes = set()
    for line in open(f"{out}/memory.csv"):
        for f in line.strip().split(","):
            if f.startswith("entry_size=") and f[11:].isdigit():
                sizes.add(int(f[11:]))
    if sizes:
        size = max(sizes)
        targets.append(("bytes per connection entry (drlb)", str(size), "<= 64",
                        "met" if size <= 64 else "MISSED"))
except FileNotFoundError:
    pass

print()
print("| target | this run | wanted | |")
print("|---|---:|---:|---|")
for what, got, want, verdict in targets:
    print(f"| {what} | {got} | {want} | {verdict} |")

# Memory at the largest flow count: objects and object size of each
# tool's connection slab cache (the VM boots with slab_nomerge).
try:
    mem = [l.strip().split(",") for l in open(f"{out}/memory.csv")]
except FileNotFoundError:
    mem = []
best = {}
for m in mem:
    if len(m) < 3 or not m[2].startswith("flows="):
        continue
    n = int(m[2][6:])
    slab = [f for f in m if f.startswith("slab=")]
    if not slab:
        continue
    if m[1] not in best or n >= best[m[1]][0]:
        best[m[1]] = (n, slab[0][5:].strip())
if best:
    print()
    print("| memory | flows offered | connection slab (objects x bytes) | bytes per entry |")
    print("|---|---:|---|---:|")
    for tool, (n, slab) in best.items():
        per = "-"
        for part in slab.split():
            obj = part.split(":")[-1]
            if "x" in obj:
                per = obj.split("x")[1]
        print(f"| {tool} | {n} | {slab} | {per} |")
