#!/usr/bin/env python3
"""Benchmark `classify` over the corpus: in-process speed and whole-process time.

    python benchmarks/bench_classify.py [--texts ../shared/corpus/texts] [--rounds 5]

Targets (issue #2): median under 5 ms per text in-process; a cold `licscan classify`
of the whole corpus under 2 s on a 2-core machine.  Prints a table; asserts nothing.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def in_process(paths: list[Path], rounds: int) -> dict[str, float]:
    t0 = time.perf_counter()
    from licscan.detect.fingerprint import load_index
    from licscan.engine.classify import classify_text
    from licscan.knowledge import load_knowledge

    load_knowledge()
    load_index()
    load_s = time.perf_counter() - t0
    from licscan.detect.normalize import decode

    texts = [(str(p), decode(p.read_bytes())) for p in paths]
    classify_text(texts[0][1], texts[0][0])  # first call also loads the detectors
    times: list[float] = []
    for _ in range(rounds):
        for path, text in texts:
            t = time.perf_counter()
            classify_text(text, path)
            times.append((time.perf_counter() - t) * 1000)
    times.sort()
    return {
        "load_ms": load_s * 1000,
        "median_ms": statistics.median(times),
        "p95_ms": times[int(len(times) * 0.95) - 1],
        "max_ms": times[-1],
        "texts_per_s": 1000 * len(times) / sum(times),
        "n": len(times),
    }


def whole_process(paths: list[Path], runs: int) -> list[float]:
    cmd = [sys.executable, "-m", "licscan", "classify", "--format", "json", *map(str, paths)]
    out = []
    for _ in range(runs):
        t = time.perf_counter()
        subprocess.run(cmd, cwd=ROOT, check=False, capture_output=True)
        out.append(time.perf_counter() - t)
    return out


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--texts", type=Path, default=ROOT.parent / "shared" / "corpus" / "texts")
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--runs", type=int, default=3)
    args = ap.parse_args()
    paths = sorted(args.texts.glob("*.txt"))
    if not paths:
        print(f"no texts in {args.texts}", file=sys.stderr)
        return 2
    ip = in_process(paths, args.rounds)
    wp = whole_process(paths, args.runs)
    rows = [
        ("texts", f"{len(paths)}"),
        ("knowledge + fingerprints load", f"{ip['load_ms']:.1f} ms"),
        ("classify in-process: texts/s", f"{ip['texts_per_s']:.0f}"),
        ("classify in-process: median", f"{ip['median_ms']:.2f} ms/text  (target < 5)"),
        ("classify in-process: p95", f"{ip['p95_ms']:.2f} ms/text"),
        ("classify in-process: max", f"{ip['max_ms']:.2f} ms/text"),
        ("`licscan classify` whole corpus, first run", f"{wp[0]:.2f} s  (target < 2)"),
        ("`licscan classify` whole corpus, best of " + str(len(wp)), f"{min(wp):.2f} s"),
    ]
    width = max(len(r[0]) for r in rows)
    for name, value in rows:
        print(f"{name.ljust(width)}  {value}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
