#!/usr/bin/env python3
"""All of licscan's benchmarks in one command, printing Markdown tables.

    python benchmarks/run.py [--quick] [--scancode PATH] [--only classify scan precommit census]

1. classify: the corpus texts, in-process ms/text and whole-process time, beside
   ScanCode Toolkit when found (--scancode, else $SCANCODE, else `scancode` on PATH).
2. scan: 1,000 and 10,000 synthetic models on the loopback Hub at 50 ms per request,
   cold and warm cache, 16 jobs: models/s, requests/model, peak RSS.
3. precommit: warm `licscan check` of a locked 20-model manifest, `licscan --version`,
   and the top import offenders.
4. census: a 2,000-model organisation at 50 ms per request (cold and warm) and 100,000
   synthetic models: requests/model, models/s, peak RSS.
5. faults: the 200-model fault scan (tests/fault_scenario.py) through the CLI, clean and
   with 56 faulted repositories: wrongly passed, changed verdicts, wall, RSS, requests.

--quick: tiny sizes (a smoke run in seconds; the figures mean nothing, ScanCode skipped
unless --scancode is given).  Nothing here asserts: a missed target is printed MISSED.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import bench_census
import bench_classify
import bench_faults
import bench_precommit
import bench_scan
from common import CORPUS, machine, table

SECTIONS = ("classify", "scan", "precommit", "census", "faults")


def classify_section(args: argparse.Namespace) -> str:
    texts = CORPUS / "texts"
    scancode = bench_classify.find_scancode(args.scancode)
    if args.quick:
        if not args.scancode:
            scancode = None
        res = bench_classify.measure(texts, 1, 1, scancode, limit=4)
    else:
        res = bench_classify.measure(texts, 5, 3, scancode)
    header, rows = bench_classify.rows(res)
    title = f"classify: {res['n']} license texts from {texts}"
    return table(title, header, rows) + "\n\n" + bench_classify.scancode_note(scancode, res)


def scan_section(args: argparse.Namespace) -> str:
    sizes, latency = ([20], 0.005) if args.quick else ([1000, 10000], 0.05)
    rows = bench_scan.run_scan_rows(sizes, 16, latency)
    title = f"scan: manifest of pinned models, loopback Hub at {latency * 1000:g} ms/request"
    return table(title, bench_scan.HEADER, rows)


def precommit_section(args: argparse.Namespace) -> str:
    n, runs = (3, 1) if args.quick else (20, 10)
    return bench_precommit.render(bench_precommit.measure(n, runs))


def census_section(args: argparse.Namespace) -> str:
    org, synthetic, latency = (40, 0, 0.005) if args.quick else (2000, 100_000, 0.05)
    rows = bench_census.run_census_rows(org, synthetic, 8, latency)
    title = f"census: one organisation on the loopback Hub at {latency * 1000:g} ms/request"
    return table(title, bench_census.HEADER, rows)


def faults_section(args: argparse.Namespace) -> str:
    timeout = 1.0 if args.quick else 2.5
    opts = argparse.Namespace(timeout=timeout, jobs=16, latency=0.0 if args.quick else 0.02)
    res = bench_faults.measure(opts)
    title = f"fault scan: 200 models, --timeout {timeout:g}, loopback Hub"
    return table(title, bench_faults.HEADER, bench_faults.rows(res, timeout))


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--quick", action="store_true", help="tiny sizes: a smoke run")
    ap.add_argument("--scancode", help="ScanCode's `scancode` script (default: $SCANCODE)")
    ap.add_argument("--only", nargs="+", choices=SECTIONS, default=list(SECTIONS))
    args = ap.parse_args(argv)
    started = time.time()
    info = [*machine(), ("load average at start", _load())]
    print(table("machine", ("", ""), info), flush=True)
    runners = {"classify": classify_section, "scan": scan_section,
               "precommit": precommit_section, "census": census_section,
               "faults": faults_section}  # fmt: skip
    for name in SECTIONS:
        if name in args.only:
            print("\n" + runners[name](args), flush=True)
    print(f"\nload average at end: {_load()}; {time.time() - started:.0f} s in all")
    return 0


def _load() -> str:
    try:
        return " ".join(f"{x:.2f}" for x in os.getloadavg()) + " (1, 5, 15 min)"
    except OSError:
        return "n/a"


if __name__ == "__main__":
    raise SystemExit(main())
