#!/usr/bin/env python3
"""Benchmark the pre-commit hook: a warm `licscan check` of a 20-model manifest.

    python benchmarks/bench_precommit.py [--models 20] [--runs 10]

Builds a project whose licscan.yaml pins 20 models of the loopback Hub, writes its
licscan.lock with the real `licscan lock`, then times what the hook runs (`licscan
check licscan.yaml`, offline, as .pre-commit-hooks.yaml invokes it) and `licscan
--version`, each in a fresh process after one warm-up run.  `python -X importtime`
of the check gives the top import offenders.  Target (issue #7): check < 0.5 s.
Prints tables; asserts nothing.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import clean_env, licscan_cmd, measured_cmd, ok, run_measured, table

HEAVY = ("huggingface_hub", "jinja2", "cyclonedx", "httpx2", "license_expression")


def make_project(folder: Path, n: int) -> tuple[Path, dict[str, str]]:
    """A project with a locked n-model manifest; returns (project dir, offline env)."""
    from loopback_hub import LoopbackHub, populate_synthetic

    project = folder / "project"
    project.mkdir()
    env = clean_env(HF_HOME=str(folder / "hf-home"), LICSCAN_CACHE_DIR=str(folder / "cache"))
    with LoopbackHub() as hub:
        ids = populate_synthetic(hub, n, min(n, 20))
        lines = ["use: [commercial]", "models:"]
        lines += [f"  - {i}@{hub.repos[('model', i)].sha}" for i in ids]
        (project / "licscan.yaml").write_text("\n".join(lines) + "\n", encoding="utf-8")
        run = run_measured(
            licscan_cmd("lock", "licscan.yaml", "--quiet"), env=env | {"HF_ENDPOINT": hub.url},
            cwd=project,
        )  # fmt: skip
    if run.code != 0 or not (project / "licscan.lock").exists():
        raise RuntimeError(f"licscan lock failed ({run.code}): {run.stderr.strip()[-300:]}")
    # a git repository: the hook runs `licscan check` with no files, on every manifest git tracks
    for git in (["init", "-q"], ["add", "licscan.yaml", "licscan.lock"]):
        subprocess.run(["git", *git], cwd=project, check=True, capture_output=True)
    return project, env | {"HF_HUB_OFFLINE": "1"}


def timed(args: list[str], env: dict, cwd: Path, runs: int) -> dict:
    """The console script, as pre-commit runs it; the warm-up run reports the RSS."""
    warm = run_measured(measured_cmd(*args), env=env, cwd=cwd)  # also: .pyc, page cache
    cmd = licscan_cmd(*args)
    times = [run_measured(cmd, env=env, cwd=cwd).seconds for _ in range(runs)]
    return {"median": statistics.median(times), "min": min(times), "max": max(times),
            "code": warm.code, "rss": warm.rss_mib, "out": warm.stdout + warm.stderr}  # fmt: skip


def importtime(project: Path, env: dict, top: int) -> tuple[list[tuple], float, list[str]]:
    """(top offenders by self time, total import ms, heavy packages imported)."""
    cmd = [sys.executable, "-X", "importtime", "-m", "licscan", "check", "licscan.yaml"]
    run = run_measured(cmd, env=env, cwd=project)
    entries = []
    for line in run.stderr.splitlines():
        if not line.startswith("import time:") or "|" not in line or "[us]" in line:
            continue
        self_us, cum_us, name = (p.strip() for p in line[len("import time:") :].split("|"))
        entries.append((name, int(self_us), int(cum_us)))
    total_ms = sum(e[1] for e in entries) / 1000
    heavy = sorted({e[0].strip().split(".")[0] for e in entries} & set(HEAVY))
    rows = [(name.strip(), f"{s / 1000:.1f}", f"{c / 1000:.1f}")
            for name, s, c in sorted(entries, key=lambda e: -e[1])[:top]]  # fmt: skip
    return rows, total_ms, heavy


def measure(n: int, runs: int) -> dict:
    with tempfile.TemporaryDirectory(prefix="licscan-precommit-") as tmp:
        project, env = make_project(Path(tmp), n)
        check = timed(["check", "licscan.yaml"], env, project, runs)
        hook = timed(["check"], env, project, runs)
        version = timed(["--version"], env, project, runs)
        offenders, total_ms, heavy = importtime(project, env, 10)
    return {"n": n, "runs": runs, "check": check, "hook": hook, "version": version,
            "offenders": offenders, "import_ms": total_ms, "heavy": heavy}  # fmt: skip


def render(res: dict) -> str:
    check, hook, version = res["check"], res["hook"], res["version"]
    rows = [
        (f"`licscan check licscan.yaml` ({res['n']}-model manifest + lock)",
         f"{check['median']:.3f}", f"{check['min']:.3f}-{check['max']:.3f}",
         f"{check['rss']:.0f}", f"exit {check['code']}; {ok(check['median'], 0.5, False)} < 0.5 s"),
        ("`licscan check` as the hook runs it (every manifest git tracks)",
         f"{hook['median']:.3f}", f"{hook['min']:.3f}-{hook['max']:.3f}", f"{hook['rss']:.0f}",
         f"exit {hook['code']}; {ok(hook['median'], 0.5, False)} < 0.5 s"),
        ("`licscan --version`", f"{version['median']:.3f}",
         f"{version['min']:.3f}-{version['max']:.3f}", f"{version['rss']:.0f}",
         f"exit {version['code']}"),
    ]  # fmt: skip
    out = [table(f"pre-commit: whole process, median of {res['runs']} warm runs",
                 ("command", "median s", "range s", "peak RSS MiB", "result"), rows)]  # fmt: skip
    heavy = ", ".join(res["heavy"]) or "none"
    out.append("")
    out.append(table(f"`python -X importtime -m licscan check`: top 10 by own time "
                     f"(all imports {res['import_ms']:.0f} ms; heavy imports: {heavy})",
                     ("module", "self ms", "cumulative ms"), res["offenders"]))  # fmt: skip
    return "\n".join(out)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--models", type=int, default=20)
    ap.add_argument("--runs", type=int, default=10)
    args = ap.parse_args(argv)
    print(render(measure(args.models, args.runs)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
