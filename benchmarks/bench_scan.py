#!/usr/bin/env python3
"""Benchmark `licscan scan` of a manifest against the loopback Hub with injected latency.

    python benchmarks/bench_scan.py [--models 1000 10000] [--jobs 16] [--latency 0.05]

For each size: synthetic fine-tunes sharing ~20 license texts (tests/loopback_hub.py),
a manifest pinning every model to its commit, then the real CLI in a subprocess
(manifest -> fetcher -> engine -> JSON report) twice: cold (empty licscan and HF caches)
and warm (the same pinned manifest again, caches kept).  Requests are counted by the
server, so they include every redirect hop and retry.  Prints a table; asserts nothing.

Targets (issue #7): cold >= 100 models/s at 16 jobs, warm >= 1,000 models/s,
requests/model <= 1.1 cold and 0 warm, peak RSS < 300 MB.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import clean_env, measured_cmd, ok, run_measured, table


def write_manifest(hub, ids: list[str], folder: Path) -> Path:
    lines = ["use: [commercial]", "models:"]
    lines += [f"  - {i}@{hub.repos[('model', i)].sha}" for i in ids]
    path = folder / "models.yaml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def scan_once(hub, manifest: Path, env: dict, jobs: int, n: int) -> dict:
    """One `licscan scan`; the server's request counts, the child's time and RSS."""
    hub.reset_counts()
    out = manifest.parent / "report.json"
    cmd = measured_cmd("scan", str(manifest), "--format", "json", "--output", str(out),
                      "--jobs", str(jobs), "--quiet", "--no-lock")  # fmt: skip
    run = run_measured(cmd, env=env, cwd=manifest.parent)
    report = json.loads(out.read_text(encoding="utf-8")) if out.exists() else {"models": []}
    verdicts: dict[str, int] = {}
    for m in report["models"]:
        verdicts[m["verdict"]] = verdicts.get(m["verdict"], 0) + 1
    requests = hub.count()
    return {
        "seconds": run.seconds,
        "rss": run.rss_mib,
        "code": run.code,
        "models": len(report["models"]),
        "verdicts": verdicts,
        "requests": requests,
        "api": hub.count("/api/models/"),
        "files": requests - hub.count("/api/models/"),
        "per_model": requests / n,
        "rate": n / run.seconds,
        "stderr": run.stderr.strip().splitlines()[-3:],
    }


def bench_size(n: int, jobs: int, latency: float) -> dict[str, dict]:
    from loopback_hub import LoopbackHub, populate_synthetic

    with tempfile.TemporaryDirectory(prefix="licscan-bench-") as tmp, LoopbackHub() as hub:
        folder = Path(tmp)
        ids = populate_synthetic(hub, n, 20)
        hub.latency = latency
        manifest = write_manifest(hub, ids, folder)
        env = clean_env(
            HF_ENDPOINT=hub.url,
            HF_HOME=str(folder / "hf-home"),
            LICSCAN_CACHE_DIR=str(folder / "licscan-cache"),
            HF_HUB_DISABLE_TELEMETRY="1",
        )
        cold = scan_once(hub, manifest, env, jobs, n)
        warm = scan_once(hub, manifest, env, jobs, n)
        return {"cold": cold, "warm": warm}


def rows_for(n: int, jobs: int, res: dict[str, dict]) -> list[tuple]:
    cold, warm = res["cold"], res["warm"]
    rows = []
    for name, r, rate_target, req_target in (
        ("cold", cold, 100, 1.1),
        ("warm", warm, 1000, 0.0),
    ):
        verdicts = ", ".join(f"{k} {v}" for k, v in sorted(r["verdicts"].items()))
        rows.append(
            (
                f"{n:,}",
                name,
                jobs,
                f"{r['seconds']:.2f}",
                f"{r['rate']:.0f} ({ok(r['rate'], rate_target, True)} >= {rate_target})",
                f"{r['per_model']:.3f} ({ok(r['per_model'], req_target, False)} <= {req_target})",
                f"{r['api']} / {r['files']}",
                f"{r['rss']:.0f} ({ok(r['rss'], 300, False)} < 300)",
                f"{r['models']} models: {verdicts}; exit {r['code']}",
            )
        )
    return rows


HEADER = ("models", "cache", "jobs", "wall s", "models/s", "requests/model",
          "API / file requests", "peak RSS MiB", "result")  # fmt: skip


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--models", type=int, nargs="+", default=[1000, 10000])
    ap.add_argument("--jobs", type=int, default=16)
    ap.add_argument("--latency", type=float, default=0.05, help="seconds per request")
    args = ap.parse_args(argv)
    print(table(f"scan: loopback Hub, {args.latency * 1000:.0f} ms per request", HEADER,
                run_scan_rows(args.models, args.jobs, args.latency)))  # fmt: skip
    return 0


def run_scan_rows(sizes: list[int], jobs: int, latency: float) -> list[tuple]:
    rows: list[tuple] = []
    for n in sizes:
        res = bench_size(n, jobs, latency)
        for r in res.values():
            if r["code"] not in (0, 1, 3) or r["models"] != n:
                print(f"scan of {n} models went wrong: {r['stderr']}", file=sys.stderr)
        rows += rows_for(n, jobs, res)
    return rows


if __name__ == "__main__":
    raise SystemExit(main())
