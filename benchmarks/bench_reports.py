"""Report rendering time per format, on a hand-built scan of N models (the reporter
tests' six kinds of model, repeated under distinct ids).  Medians of a few runs: the
machine is shared, so single timings are noise.

    python benchmarks/bench_reports.py [--models 600] [--runs 5]
"""

from __future__ import annotations

import argparse
import dataclasses
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
for _p in (ROOT, ROOT / "tests"):
    if str(_p) not in sys.path:
        sys.path.insert(0, str(_p))

FORMATS = ("text", "json", "markdown", "sarif", "html", "cyclonedx", "spdx", "notice")


def big_report(n: int):
    from report_samples import sample_report

    base = sample_report().models
    models = []
    for i in range(n):
        m = dataclasses.replace(base[i % len(base)])
        m.ref = f"{m.ref}-{i}"
        m.repo_id = f"{m.repo_id}-{i}" if m.repo_id else None
        models.append(m)
    return sample_report(*models)


def measure(n: int, runs: int) -> list[tuple[str, float, int]]:
    from licscan.report import render
    from licscan.report.formats import FORMATS as available

    report = big_report(n)
    rows = []
    for fmt in FORMATS:
        if fmt not in available:
            continue
        render(fmt, report, color=False)  # imports and caches warm
        times = []
        for _ in range(runs):
            t = time.perf_counter()
            out = render(fmt, report, color=False)
            times.append(time.perf_counter() - t)
        rows.append((fmt, statistics.median(times), len(out)))
    return rows


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--models", type=int, default=600)
    ap.add_argument("--runs", type=int, default=5)
    args = ap.parse_args()
    print(f"render time, {args.models} models, median of {args.runs} runs")
    print(f"{'format':<10} {'seconds':>8} {'ms/model':>9} {'KiB':>8}")
    for fmt, sec, size in measure(args.models, args.runs):
        print(f"{fmt:<10} {sec:8.3f} {sec * 1000 / args.models:9.2f} {size / 1024:8.0f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
