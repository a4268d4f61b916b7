"""A fresh clone has no ../shared/corpus: the suite must still collect and pass, each
corpus test skipping with one reason, and LICSCAN_REQUIRE_CORPUS=1 (CI) must fail."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from paths import ROOT


def pytest_run(tmp_path: Path, *args: str, **env: str) -> subprocess.CompletedProcess:
    environ = {k: v for k, v in os.environ.items() if k != "LICSCAN_REQUIRE_CORPUS"}
    environ.update(LICSCAN_CORPUS=str(tmp_path / "no-corpus"), **env)
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-q", *args],
        cwd=ROOT, env=environ, capture_output=True, text=True, timeout=600,
    )  # fmt: skip


@pytest.mark.slow
def test_whole_suite_collects_without_the_corpus(tmp_path):
    run = pytest_run(tmp_path, "--collect-only")
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-3000:]
    assert "error" not in run.stdout.splitlines()[-1].lower()


@pytest.mark.slow
def test_corpus_tests_skip_with_one_reason(tmp_path):
    # A module-level reader (cards), a fixture user (lock files) and a marked test.
    files = ["tests/sources/test_card.py", "tests/lockfile/test_lock.py", "tests/test_knowledge.py"]
    run = pytest_run(tmp_path, "-rs", *files)
    assert run.returncode == 0, run.stdout[-3000:]
    skips = [line for line in run.stdout.splitlines() if line.startswith("SKIPPED")]
    assert skips and all("needs the license corpus ../shared/corpus" in s for s in skips), skips
    assert " passed" in run.stdout.splitlines()[-1]  # the tests that need no corpus still run


@pytest.mark.slow
def test_ci_turns_a_missing_corpus_into_a_failure(tmp_path):
    run = pytest_run(tmp_path, "tests/detect/test_ids.py", LICSCAN_REQUIRE_CORPUS="1")
    assert run.returncode != 0
    assert "LICSCAN_REQUIRE_CORPUS=1: needs the license corpus" in run.stdout + run.stderr


def test_ci_script_requires_the_corpus():
    assert "export LICSCAN_REQUIRE_CORPUS=1" in (ROOT / ".ci" / "run").read_text()
