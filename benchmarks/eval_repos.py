#!/usr/bin/env python3
"""End-to-end accuracy of `licscan scan` on invented model repositories it never saw.

    python benchmarks/eval_repos.py [--mode hub|local|both] [--round N] [--details]

The repositories of tests/fixtures/unseen_repos are served by the loopback Hub and scanned
with the real CLI in a child process (`licscan scan ... --format json`, commercial preset,
the real huggingface_hub client, a token granted for the gated Halcyon repositories), and
also written out as local folders and scanned as folders (their base models and data sets
then come from the same loopback Hub).  Each model is compared with expected.yaml, written
from the taxonomy before licscan ran on them: categories right, verdicts right, required
flags found / missed, false flags, and every fail-open case (a category more permissive, or
a verdict more lenient, than expected).  Asserts nothing: the numbers are for the README.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
for _p in (ROOT, ROOT / "tests"):
    if str(_p) not in sys.path:
        sys.path.insert(0, str(_p))

from loopback_hub import LoopbackHub  # noqa: E402
from unseen_repos import GRANTED_TOKEN, expectations, expected_for, judge, load_hub, materialise  # noqa: E402


def scan(targets: list[str], hub: LoopbackHub, tmp: Path, dump: Path | None) -> dict[str, dict]:
    """`licscan scan TARGETS --format json` in a child process; ref -> model object."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("HF_", "HUGGING"))}
    env.update(HF_ENDPOINT=hub.url, HF_TOKEN=GRANTED_TOKEN, HF_HOME=str(tmp / "hf-home"))
    env.update(LICSCAN_CACHE_DIR=str(tmp / "licscan-cache"), HF_HUB_DISABLE_TELEMETRY="1")
    out = tmp / "scan.json"
    cmd = [sys.executable, "-m", "licscan", "scan", *targets, "--format", "json", "--output",
           str(out), "--use", "commercial", "--timeout", "30", "--jobs", "4"]  # fmt: skip
    run = subprocess.run(cmd, env=env, capture_output=True, text=True, cwd=tmp)
    if not out.exists():
        raise SystemExit(f"scan wrote no report (exit {run.returncode}):\n{run.stderr}")
    if dump:
        dump.parent.mkdir(parents=True, exist_ok=True)
        dump.write_text(out.read_text("utf-8"), "utf-8")
    return {m["ref"]: m for m in json.loads(out.read_text("utf-8"))["models"]}


def evaluate(mode: str, wanted_round: int | None, details: bool, dump: Path | None) -> None:
    expect = {
        ref: e for ref, e in expectations().items()
        if wanted_round is None or int(e.get("round", 1)) == wanted_round
    }  # fmt: skip
    with tempfile.TemporaryDirectory(prefix="eval-repos-") as tmpdir, LoopbackHub() as hub:
        tmp = Path(tmpdir)
        load_hub(hub)
        if mode == "hub":
            refs = {ref: ref for ref, e in expect.items() if e.get("hub") != "skip"}
        else:
            folders = materialise(tmp / "models")
            refs = {ref: str(folders[ref]) for ref, e in expect.items() if e.get("local") != "skip"}
        models = scan(list(refs.values()), hub, tmp, dump and dump / f"{mode}.json")
        judged = [judge(ref, expected_for(expect[ref], mode), models[target])
                  for ref, target in refs.items()]  # fmt: skip
    report(mode, judged, models, refs, details)


def report(mode: str, judged: list, models: dict, refs: dict, details: bool) -> None:
    n = len(judged)
    cats = sum(j.category_ok for j in judged)
    verdicts = sum(j.verdict_ok for j in judged)
    found = sum(len(j.found) for j in judged)
    missed = sum(len(j.missed) for j in judged)
    false = sum(len(j.false) for j in judged)
    fail_open = [j for j in judged if j.fail_open]
    print(f"== {mode}: {n} repositories")
    print(f"categories right     {cats}/{n}")
    print(f"verdicts right       {verdicts}/{n}")
    print(f"required flags       {found}/{found + missed} found, {missed} missed")
    print(f"false flags          {false}")
    print(f"values / bases wrong {sum(len(j.values_missed) for j in judged)} / "
          f"{sum(len(j.bases_missed) for j in judged)}")  # fmt: skip
    print(f"entirely right       {sum(j.right for j in judged)}/{n}")
    print(f"fail-open cases      {len(fail_open)}")
    for j in fail_open:
        print(f"  ! {j.ref}: {'; '.join(j.fail_open)}")
    for j in judged:
        if j.right and not details:
            continue
        bits = [f"got {j.got}"]
        bits += [f"missed {j.missed}"] if j.missed else []
        bits += [f"false {j.false}"] if j.false else []
        bits += [f"values {j.values_missed}"] if j.values_missed else []
        bits += [f"bases missing {j.bases_missed}"] if j.bases_missed else []
        model = models[refs[j.ref]]
        if model.get("error"):
            bits.append(f"error: {model['error']}")
        print(f"  {'ok' if j.right else '--'} {j.ref}: " + "; ".join(bits))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mode", choices=["hub", "local", "both"], default="both")
    parser.add_argument("--round", type=int, default=None, help="only this round's repositories")
    parser.add_argument("--details", action="store_true", help="also list the right ones")
    parser.add_argument("--dump", type=Path, help="write each scan's JSON report to this folder")
    args = parser.parse_args()
    for mode in ("hub", "local") if args.mode == "both" else (args.mode,):
        evaluate(mode, args.round, args.details, args.dump)


if __name__ == "__main__":
    main()
