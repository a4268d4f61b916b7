"""The hooks as a team meets them: the real `pre-commit`, installed in a temporary git
repository from licscan's own .pre-commit-hooks.yaml, running on `git commit`.  A commit
that makes the lock stale or loads an unapproved model is refused, whichever file it
changes: the policy alone, a local model folder, a notebook, a training config."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from hookrepo import checkout_copy, git

PRE_COMMIT = Path(sys.executable).with_name("pre-commit")
pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def hooks_repo(tmp_path_factory) -> tuple[Path, str, Path]:
    """A git copy of this checkout (what `repo:` points at), its commit, and one
    PRE_COMMIT_HOME shared by the tests so that licscan is installed into a hook
    environment once."""
    if not PRE_COMMIT.exists():
        pytest.fail("pre-commit is a test dependency (pip install -e '.[test]')")
    root = tmp_path_factory.mktemp("hooks")
    src = root / "licscan-src"
    rev = checkout_copy(src)
    return src, rev, root / "pre-commit-home"


class Repo:
    """A project under git with licscan's hooks installed by `pre-commit install`."""

    def __init__(self, project, hooks_repo) -> None:
        src, rev, home = hooks_repo
        self.p, self.dir = project, project.dir
        self.env = project.env(PRE_COMMIT_HOME=str(home), HF_HUB_OFFLINE="1",
                               HF_ENDPOINT="http://127.0.0.1:9")  # fmt: skip
        (self.dir / ".pre-commit-config.yaml").write_text(
            f"repos:\n  - repo: {src}\n    rev: {rev}\n    hooks:\n"
            "      - id: licscan\n      - id: licscan-refs\n"
        )
        git(self.dir, "init", "-q")
        run = subprocess.run([str(PRE_COMMIT), "install"], cwd=self.dir, env=self.env,
                             capture_output=True, text=True, timeout=120)  # fmt: skip
        assert run.returncode == 0, run.stdout + run.stderr

    def commit(self, *paths: str) -> tuple[bool, str]:
        """Stage paths (default: everything) and `git commit`: (committed, hook output)."""
        git(self.dir, "add", *(paths or ("-A",)))
        before = git(self.dir, "rev-parse", "-q", "--verify", "HEAD", check=False).stdout
        run = subprocess.run(
            ["git", "-c", "user.email=t@example.com", "-c", "user.name=t", "-c",
             "commit.gpgsign=false", "commit", "-qm", "change"],
            cwd=self.dir, env=self.env, capture_output=True, text=True, timeout=900,
        )  # fmt: skip
        after = git(self.dir, "rev-parse", "-q", "--verify", "HEAD", check=False).stdout
        committed = run.returncode == 0 and after != before
        return committed, run.stdout + run.stderr


@pytest.fixture
def repo(lock_project, hooks_repo) -> Repo:
    return Repo(lock_project, hooks_repo)


PASSING = """\
use: [commercial]
policy: licscan-policy.yaml
models:
  - acme/open
  - id: acme/llama-ft
    use: [commercial, research]
  - path: models/ours
"""


@pytest.mark.slow
def test_a_policy_only_change_cannot_slip_past_the_hook(repo):
    p = repo.p
    (p.dir / "licscan-policy.yaml").write_text("extends: commercial\n")
    ours = p.dir / "models" / "ours"
    ours.mkdir(parents=True)
    (ours / "README.md").write_text("---\nlicense: apache-2.0\n---\n# Ours\n")
    p.manifest.write_text(PASSING)
    p.lock()
    committed, out = repo.commit()
    assert committed, out
    # Tighten the policy and commit it alone: the lock no longer stands.
    (p.dir / "licscan-policy.yaml").write_text(
        "extends: commercial\ncategories:\n  open-weight: block   # no custom licenses\n"
    )
    committed, out = repo.commit("licscan-policy.yaml")
    assert not committed, out
    assert "licscan (manifest models are locked and pass the policy)" in out
    assert "Failed" in out and "licscan-policy.yaml" in out
    # Re-locked under the tightened policy, the Llama fine-tune fails it: still refused.
    p.lock()
    committed, out = repo.commit()
    assert not committed, out
    assert "acme/llama-ft: fails the policy (commercial" in out
    # Back to the committed policy and lock: a change inside a local model folder alone
    # (a new LICENSE with other terms) is caught as well.
    git(repo.dir, "checkout", "HEAD", "--", "licscan-policy.yaml", "licscan.lock")
    (ours / "LICENSE").write_text(p.cc_nc)
    committed, out = repo.commit("models/ours/LICENSE")
    assert not committed, out
    assert "models/ours: its card or license files changed since the lock" in out


NOTEBOOK_CELLS = [
    ("markdown", ["# Evaluation\n", "We load `acme/secret` below.\n"]),
    ("code", ["import torch\n"]),
    ("code", ["from transformers import AutoModel\n",
              "model = AutoModel.from_pretrained(\"acme/unlisted\")\n"]),
]  # fmt: skip


def notebook(cells) -> str:
    return json.dumps(
        {
            "cells": [
                {"cell_type": kind, "metadata": {}, "source": src}
                | ({"outputs": [], "execution_count": None} if kind == "code" else {})
                for kind, src in cells
            ],
            "metadata": {},
            "nbformat": 4,
            "nbformat_minor": 5,
        },
        indent=1,
    )


def test_a_notebook_or_config_loading_an_unlisted_model_is_refused(repo):
    p = repo.p
    p.manifest.write_text(p.MANIFEST.replace("  - acme/nc\n", ""))
    p.lock()
    committed, out = repo.commit()
    assert committed, out
    (p.dir / "eval.ipynb").write_text(notebook(NOTEBOOK_CELLS))
    committed, out = repo.commit("eval.ipynb")
    assert not committed, out
    assert "eval.ipynb:cell 3:2: acme/unlisted: not in licscan.yaml" in out
    assert "acme/secret" not in out  # prose in a markdown cell is not code
    (p.dir / "eval.ipynb").unlink()
    configs = p.dir / "configs"
    configs.mkdir()
    (configs / "train.yaml").write_text(
        "# fine-tuning run\nmodel_name_or_path: acme/unlisted-base\noutput_dir: ./out\n"
    )
    committed, out = repo.commit()
    assert not committed, out
    assert "configs/train.yaml:2: acme/unlisted-base: not in licscan.yaml" in out
    # The approved model in the same config passes.
    (configs / "train.yaml").write_text("model_name_or_path: acme/open\noutput_dir: ./out\n")
    committed, out = repo.commit()
    assert committed, out


def test_check_without_files_checks_every_manifest_git_tracks(tmp_path, monkeypatch):
    from licscan.lockfile.precommit import check_manifests, default_manifests

    for rel in ("ml/licscan.yaml", "svc/api/licscan.yml", "untracked/licscan.yaml"):
        (tmp_path / rel).parent.mkdir(parents=True)
        (tmp_path / rel).write_text("models:\n  - acme/open\n")
    monkeypatch.chdir(tmp_path)
    assert default_manifests() == ["licscan.yaml"]  # not a git repository: ./licscan.yaml
    git(tmp_path, "init", "-q")
    git(tmp_path, "add", "ml", "svc")
    assert default_manifests() == ["ml/licscan.yaml", "svc/api/licscan.yml"]
    text = "\n".join(p.message for p in check_manifests([]).problems)
    assert "ml/licscan.yaml:1: no licscan.lock beside it" in text
    assert "svc/api/licscan.yml:1: no licscan.lock beside it" in text
    assert "untracked" not in text
