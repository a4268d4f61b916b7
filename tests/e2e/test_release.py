"""Releasable: `python -m build` gives a wheel and an sdist that install in a fresh
virtualenv and run the bundled example; the version has one source; the changelog and the
pinning snippets of README and docs/ follow it."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import tarfile
import tomllib
import zipfile
from pathlib import Path

import pytest
from paths import ROOT

from licscan import __version__

pytestmark = pytest.mark.slow  # the whole module: several seconds


def run(cmd: list[str], cwd: Path, **kw) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k not in ("VIRTUAL_ENV", "PYTHONPATH")}
    return subprocess.run([str(c) for c in cmd], cwd=cwd, env=env, capture_output=True,
                          text=True, timeout=1200, **kw)  # fmt: skip


def test_the_version_has_one_source():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())
    assert "version" not in project["project"] and "version" in project["project"]["dynamic"]
    assert project["tool"]["hatch"]["version"]["path"] == "licscan/__init__.py"
    from importlib.metadata import version

    assert version("licscan") == __version__  # what an install of this checkout says


def test_changelog_and_pinning_snippets_follow_the_version():
    changelog = (ROOT / "CHANGELOG.md").read_text()
    assert re.search(rf"^## {re.escape(__version__)} - \d{{4}}-\d\d-\d\d$", changelog, re.M)
    assert "## Unreleased" in changelog
    pages = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
    text = "\n".join(p.read_text(encoding="utf-8") for p in pages)
    pins = re.findall(r"rev: (v[\d.]+)|licscan@(v[\d.]+)", text)
    found = {a or b for a, b in pins}
    assert found == {f"v{__version__}"}, found  # every snippet pins the current release
    workflows = (ROOT / "docs" / "workflows.md").read_text(encoding="utf-8")
    assert "rev: vX.Y.Z" in workflows and "@vX.Y.Z" in workflows  # and says how to pin another


@pytest.mark.slow
def test_wheel_and_sdist_install_in_a_fresh_venv_and_run_the_example(tmp_path):
    dist = tmp_path / "dist"
    built = run([sys.executable, "-m", "build", "--no-isolation", "--outdir", dist, ROOT], ROOT)
    assert built.returncode == 0, built.stdout[-2000:] + built.stderr[-2000:]
    (wheel,) = dist.glob(f"licscan-{__version__}-py3-none-any.whl")
    (sdist,) = dist.glob(f"licscan-{__version__}.tar.gz")
    top = f"licscan-{__version__}"
    with tarfile.open(sdist) as tar:
        names = set(tar.getnames())
        tar.extractall(tmp_path / "src", filter="data")
    needed = [
        "pyproject.toml",
        "README.md",
        "CHANGELOG.md",
        "docs/policies.md",
        "examples/manifest.yaml",
        "licscan/__init__.py",
        "rules/fingerprints.json",
        ".pre-commit-hooks.yaml",
    ]
    assert [n for n in needed if f"{top}/{n}" not in names] == []
    assert not any("/.venv/" in n or "__pycache__" in n for n in names)
    assert "licscan/rules/fingerprints.json" in zipfile.ZipFile(wheel).namelist()
    example = tmp_path / "src" / top / "examples" / "manifest.yaml"

    venv = tmp_path / "venv"
    assert run([sys.executable, "-m", "venv", venv], tmp_path).returncode == 0
    licscan, pip = venv / "bin" / "licscan", [venv / "bin" / "python", "-m", "pip", "-q"]
    for artefact, extra in ((wheel, []), (sdist, ["--force-reinstall", "--no-deps"])):
        installed = run([*pip, "install", *extra, artefact], tmp_path)
        assert installed.returncode == 0, installed.stderr[-3000:]
        version = run([licscan, "--version"], tmp_path)
        assert version.stdout.strip() == f"licscan, version {__version__}", artefact.name
        scanned = run([licscan, "scan", example, "--offline"], tmp_path)
        assert scanned.returncode == 1, scanned.stderr  # one example model fails, on purpose
        assert scanned.stdout.splitlines()[-1] == "4 models: 1 fail, 2 warn, 1 pass"
        research = run([licscan, "scan", example, "--offline", "--use", "research", "-q"],
                       tmp_path)  # fmt: skip
        assert research.returncode == 0, research.stdout
