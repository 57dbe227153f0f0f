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
