#!/usr/bin/env python3
"""Benchmark the 200-model fault scan (issues #7 and #12) through the real CLI.

    python benchmarks/bench_faults.py [--timeout 2.5] [--jobs 16] [--latency 0.02]

The scenario of tests/fault_scenario.py on the loopback Hub: healthy models, and
repositories broken in every fault class (404s, gates, 401, 429, 5xx, hangs, resets,
truncated and dripping bodies, a 60 MB API answer, a damaged copy of a shared blob,
unreadable and alias-bomb cards, huge and binary LICENSE files).  `licscan scan` runs in
a fresh process twice, each with empty caches: the healthy models alone (clean), then
all 200 with the faults injected (mixed).  Reports models, faults, faulted models that
passed (must be 0), healthy verdicts that differ from the clean run (must be 0), wall
time against the per-request deadline, peak RSS and requests per model.  Asserts nothing.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import clean_env, measured_cmd, run_measured, table


def scan_once(hub, refs: list[str], folder: Path, args: argparse.Namespace) -> dict:
    from fault_scenario import manifest

    folder.mkdir(parents=True)
    path = manifest(folder / "licscan.yaml", refs)
    env = clean_env(HF_ENDPOINT=hub.url, HF_HOME=str(folder / "hf-home"),
                    LICSCAN_CACHE_DIR=str(folder / "cache"))  # fmt: skip
    out = folder / "report.json"
    hub.reset_counts()
    cmd = measured_cmd("scan", str(path), "--format", "json", "--output", str(out), "--quiet",
                       "--jobs", str(args.jobs), "--timeout", str(args.timeout))  # fmt: skip
    run = run_measured(cmd, env=env, cwd=folder)
    models = json.loads(out.read_text())["models"] if out.exists() else []
    return {"run": run, "models": {m["ref"]: m for m in models}, "requests": hub.count()}


def measure(args: argparse.Namespace) -> dict:
    from fault_scenario import FAULTS, build, inject
    from loopback_hub import LoopbackHub

    with tempfile.TemporaryDirectory(prefix="licscan-faults-") as tmp, LoopbackHub() as hub:
        sc = build(hub)
        hub.latency = args.latency
        clean = scan_once(hub, sc.healthy, Path(tmp) / "clean", args)
        inject(hub, sc)
        mixed = scan_once(hub, [*sc.healthy, *sc.faulted], Path(tmp) / "mixed", args)
    got = mixed["models"]

    def judged(m: dict) -> tuple:
        return m["verdict"], m["category"], sorted(f["id"] for f in m["flags"])

    return {
        "sc": sc,
        "classes": len(FAULTS),
        "clean": clean,
        "mixed": mixed,
        "wrongly_passed": [r for r in sc.faulted if got.get(r, {}).get("verdict") == "pass"],
        "unjudged": [r for r in [*sc.healthy, *sc.faulted] if r not in got],
        "changed": [
            r for r in sc.healthy if r not in got or judged(got[r]) != judged(clean["models"][r])
        ],
    }


HEADER = ("scan", "models", "faulted (classes)", "wrongly passed", "healthy verdicts changed",
          "wall s", "peak RSS MiB", "requests/model", "exit")  # fmt: skip


def rows(res: dict, timeout: float) -> list[tuple]:
    out = []
    for name, r in (("clean (healthy only)", res["clean"]), ("mixed", res["mixed"])):
        n = len(r["models"])
        faulted = len(res["sc"].faulted) if name == "mixed" else 0
        out.append((
            name, str(n), f"{faulted} ({res['classes']})" if faulted else "0",
            str(len(res["wrongly_passed"])) if faulted else "-",
            str(len(res["changed"])) if faulted else "-",
            f"{r['run'].seconds:.1f} (deadline {timeout:g} s per request)",
            f"{r['run'].rss_mib:.0f}", f"{r['requests'] / max(n, 1):.2f}", str(r["run"].code),
        ))  # fmt: skip
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--timeout", type=float, default=2.5, help="licscan's --timeout")
    ap.add_argument("--jobs", type=int, default=16)
    ap.add_argument("--latency", type=float, default=0.02, help="seconds per request")
    args = ap.parse_args(argv)
    res = measure(args)
    title = f"fault scan: loopback Hub at {args.latency * 1000:g} ms/request, --jobs {args.jobs}"
    print(table(title, HEADER, rows(res, args.timeout)))
    for what in ("wrongly_passed", "unjudged", "changed"):
        if res[what]:
            print(f"{what}: {', '.join(res[what])}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
