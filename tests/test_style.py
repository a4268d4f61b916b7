"""The code base stays ruff clean: CI enforces what the README promises."""

import shutil
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest
from paths import ROOT


def _ruff() -> list[str]:
    exe = shutil.which("ruff", path=str(Path(sys.executable).parent))
    if exe is None:
        pytest.fail("ruff is part of the [test] extra and must be installed")
    return [exe]


@pytest.mark.parametrize("args", [["check", "."], ["format", "--check", "."]])
def test_ruff_clean(args: list[str]) -> None:
    done = subprocess.run(_ruff() + args, cwd=ROOT, capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr


def test_test_modules_have_unique_names() -> None:
    """pytest imports test modules by file name (no __init__.py in tests/): two folders
    holding one name would clash, so each name is used once."""
    tests = ROOT / "tests"
    names = Counter(p.name for p in tests.rglob("*.py") if "fixtures" not in p.parts)
    assert [n for n, count in names.items() if count > 1] == []
    assert [p for p in tests.rglob("__init__.py") if "fixtures" not in p.parts] == []
