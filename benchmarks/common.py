"""Shared helpers for the benchmark scripts: machine facts, child processes measured
with their peak RSS, a loopback Hub in a thread, and plain-text tables."""

from __future__ import annotations

import compileall
import os
import platform
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from functools import cache
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT.parent / "shared" / "corpus"
for _p in (ROOT, ROOT / "tests"):  # licscan itself, and tests/loopback_hub.py
    if str(_p) not in sys.path:
        sys.path.insert(0, str(_p))


@dataclass
class Run:
    """A finished child process: wall time, peak RSS (MiB), exit code, output."""

    seconds: float
    rss_mib: float
    code: int
    stdout: str
    stderr: str


def run_measured(cmd: list[str], env: dict | None = None, cwd: Path | None = None) -> Run:
    """Run cmd to completion: wall time and peak RSS.  The RSS is what a command started
    through `measured_cmd` reports of itself; else the kernel's rusage (which also counts
    the memory of this process the child was forked from: an upper bound)."""
    with tempfile.TemporaryDirectory(prefix="bench-run-") as tmp:
        peak = Path(tmp) / "peak"
        env = dict(os.environ if env is None else env, BENCH_PEAK_FILE=str(peak))
        with open(Path(tmp) / "out", "w+b") as out, open(Path(tmp) / "err", "w+b") as err:
            t0 = time.perf_counter()
            proc = subprocess.Popen(cmd, env=env, cwd=cwd or ROOT, stdout=out, stderr=err)
            _, status, usage = os.wait4(proc.pid, 0)
            seconds = time.perf_counter() - t0
            proc.returncode = os.waitstatus_to_exitcode(status)
            out.seek(0)
            err.seek(0)
            stdout, stderr = out.read(), err.read()
        kib = int(peak.read_text()) if peak.exists() else usage.ru_maxrss  # Linux: KiB
    return Run(seconds, kib / 1024, proc.returncode,
               stdout.decode("utf-8", "replace"), stderr.decode("utf-8", "replace"))  # fmt: skip


@cache
def ensure_bytecode() -> None:
    """Compile licscan's modules, as `pip install` does: a checkout run with
    PYTHONDONTWRITEBYTECODE=1 (as on some CI images) would compile every module from
    source in every measured run."""
    compileall.compile_dir(ROOT / "licscan", quiet=1)


def licscan_cmd(*args: str) -> list[str]:
    """The installed console script (what users and pre-commit run), else -m."""
    ensure_bytecode()
    script = Path(sys.executable).with_name("licscan")
    if script.exists():
        return [str(script), *args]
    return [sys.executable, "-m", "licscan", *args]


def measured_cmd(*args: str) -> list[str]:
    """`python -m licscan ARGS` that reports its own peak RSS (benchmarks/peak.py)."""
    ensure_bytecode()
    return [sys.executable, str(Path(__file__).with_name("peak.py")), "licscan", *args]


def clean_env(**extra: str) -> dict[str, str]:
    """The current environment without Hub settings or tokens, plus `extra`."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("HF_", "HUGGING"))}
    env.update(extra)
    return env


def machine() -> list[tuple[str, str]]:
    return [
        ("CPU", _cpu_model()),
        ("cores (logical)", str(os.cpu_count())),
        ("RAM", f"{_ram_gib():.1f} GiB"),
        ("OS", f"{platform.system()} {platform.release()}"),
        ("Python", platform.python_version()),
        ("licscan", _licscan_version()),
    ]


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def _ram_gib() -> float:
    try:
        return os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    except (ValueError, OSError):
        return float("nan")


def _licscan_version() -> str:
    from licscan import __version__

    return __version__


def table(title: str, header: tuple[str, ...], rows: list[tuple]) -> str:
    """A Markdown table (readable in a terminal, pasteable into the README)."""
    cells = [tuple(str(c) for c in header)] + [tuple(str(c) for c in r) for r in rows]
    widths = [max(len(r[i]) for r in cells) for i in range(len(header))]

    def line(r: tuple[str, ...]) -> str:
        return "| " + " | ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)) + " |"

    out = [f"### {title}", "", line(cells[0])]
    out.append("|" + "|".join("-" * (w + 2) for w in widths) + "|")
    out.extend(line(r) for r in cells[1:])
    return "\n".join(out)


def ok(value: float, target: float, higher_is_better: bool) -> str:
    good = value >= target if higher_is_better else value <= target
    return "met" if good else "MISSED"
