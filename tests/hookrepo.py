"""A git copy of this checkout, as the pre-commit tests point `repo:` or `try-repo` at it
(pre-commit clones the commit, so the working tree is committed into a copy)."""

from __future__ import annotations

import subprocess
from pathlib import Path

from paths import ROOT


def git(cwd: Path, *args: str, check: bool = True) -> subprocess.CompletedProcess:
    return subprocess.run(["git", "-c", "user.email=t@example.com", "-c", "user.name=t",
                           "-c", "commit.gpgsign=false", *args], cwd=cwd, check=check,
                          capture_output=True, text=True, timeout=900)  # fmt: skip


def checkout_copy(src: Path) -> str:
    """Copy what a hook install needs into `src` (created), commit it; its commit id."""
    src.mkdir()
    for name in ("pyproject.toml", "README.md", ".pre-commit-hooks.yaml"):
        (src / name).write_bytes((ROOT / name).read_bytes())
    for name in ("licscan", "rules", "templates"):
        subprocess.run(["cp", "-r", str(ROOT / name), str(src / name)], check=True)
    subprocess.run(["find", str(src), "-name", "__pycache__", "-prune", "-exec", "rm", "-rf",
                    "{}", "+"], check=True)  # fmt: skip
    git(src, "init", "-q")
    git(src, "add", "-A")
    git(src, "commit", "-qm", "licscan")
    return git(src, "rev-parse", "HEAD").stdout.strip()
