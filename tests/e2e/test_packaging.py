"""The built wheel carries rules/ and templates/ and works outside the checkout."""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from paths import ROOT


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "-q",
            "--no-deps",
            "--no-build-isolation",
            "-w",
            str(out),
            str(ROOT),
        ],
        check=True,
        capture_output=True,
    )
    (whl,) = out.glob("licscan-*.whl")
    return whl


def test_wheel_contains_data(wheel: Path) -> None:
    names = zipfile.ZipFile(wheel).namelist()
    assert any(n.startswith("licscan/rules/licenses/") and n.endswith(".yaml") for n in names)
    assert any(n.startswith("licscan/rules/policies/") for n in names)
    assert "licscan/rules/fingerprints.json" in names
    assert any(n.startswith("licscan/templates/") for n in names)
    # The product ships fingerprints, never the reference texts.
    assert not any(n.endswith(".txt") and "/rules/" in n for n in names)


def test_installed_wheel_runs_outside_checkout(wheel: Path, tmp_path: Path) -> None:
    target = tmp_path / "site"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "install",
            "-q",
            "--no-deps",
            "--target",
            str(target),
            str(wheel),
        ],
        check=True,
        capture_output=True,
    )
    lic = tmp_path / "LICENSE"
    lic.write_text(
        "Permission is hereby granted, free of charge, to any person obtaining a copy "
        "of this software, to deal in the Software without restriction.\n"
    )
    env = {**os.environ, "PYTHONPATH": str(target)}
    code = (
        "import licscan, licscan.paths as p, sys;"
        "print(licscan.__file__); print(p.rules_dir()); print(p.templates_dir())"
    )
    out = subprocess.run(
        [sys.executable, "-c", code],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.splitlines()
    assert all(line.startswith(str(target)) for line in out), out
    res = subprocess.run(
        [sys.executable, "-m", "licscan", "classify", "--format", "json", str(lic)],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
    )
    assert res.returncode == 0, res.stderr
    assert '"category"' in res.stdout
