"""The benchmark command runs end to end (`benchmarks/run.py --quick`) and prints its
tables.  No timing is asserted: the figures of a quick run mean nothing."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.corpus  # the classify benchmark times the corpus texts
def test_quick_benchmark_prints_every_table():
    env = {k: v for k, v in os.environ.items() if not k.startswith(("HF_", "HUGGING"))}
    env.pop("SCANCODE", None)  # the ScanCode column is optional; a quick run skips it
    run = subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / "run.py"), "--quick"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert run.returncode == 0, run.stderr[-2000:]
    out = run.stdout
    for title in ("### machine", "### classify", "### scan", "### pre-commit", "importtime",
                  "### fault scan"):  # fmt: skip
        assert title in out
    # no faulted model passed; every healthy one was judged as in the clean run
    (mixed,) = [line for line in out.splitlines() if line.startswith("| mixed ")]
    assert [c.strip() for c in mixed.split("|")[3:6]] == ["56 (22)", "0", "0"], mixed
    assert re.search(r"\| CPU +\| \S", out) and re.search(r"\| Python +\| 3\.\d+", out)
    assert re.search(r"\| in-process median ms/text +\| \d+\.\d\d", out)
    # every synthetic model got a verdict, cold and warm; warm re-scans ask the Hub nothing
    scan_rows = [ln for ln in out.splitlines() if re.match(r"\| \d+ +\| (cold|warm) +\| \d+ ", ln)]
    assert len(scan_rows) == 2
    n = scan_rows[0].split("|")[1].strip()
    assert all(f"{n} models: " in row and "exit 0" in row for row in scan_rows)
    warm = scan_rows[1].split("|")
    assert warm[6].strip().startswith("0.000") and warm[7].strip() == "0 / 0"
    assert re.search(r"`licscan check` .*\| exit 0", out)
    assert "heavy imports: none" in out  # the hook never loads huggingface_hub & co.
    # the census judged every model of the organisation, cold and warm; warm asks the Hub
    # for the listing only
    census = [line for line in out.splitlines() if re.match(r"\| 40 +\| (cold|warm)", line)]
    assert len(census) == 2 and all("40 models (" in row for row in census)
    assert census[1].split("|")[6].strip().startswith("1 / 0 / 0")
