"""`licscan verify`: each kind of drift between a lock and the Hub is found and named, on
a loopback Hub whose repositories change between `lock` and `verify` (as vendors revise
their terms)."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from licscan.lockfile.document import dump_lock, load_lock
from licscan.lockfile.drift import compare, verify
from licscan.model import LineageEntry, LockEntry, Lockfile


def _kinds(result, ref: str | None = None) -> set[str]:
    return {d.kind for d in result.drift if ref is None or d.ref == ref}


def _messages(result) -> str:
    return "\n".join(d.message for d in result.drift)


def test_no_drift(lock_project):
    p = lock_project
    p.lock()
    result = verify(p.manifest, fetcher=p.fetcher())
    assert result.drift == [] and result.errors == [] and result.exit_code == 0


def test_new_revision_with_the_same_terms(lock_project):
    p = lock_project
    old = p.lock().entries["acme/open"].revision
    new = p.push("acme/open", p.files("cc-by-4.0", p.cc_by, body="# M\n\nBetter docs.\n"))
    result = verify(p.manifest, fetcher=p.fetcher())
    assert _kinds(result) == {"revision"}
    assert _messages(result) == f"acme/open: main moved from {old[:12]} to {new[:12]}"
    assert result.exit_code == 1


def test_changed_license_file_is_drift_even_when_still_recognised(lock_project):
    p = lock_project
    p.lock()
    revised = p.llama.replace("700 million", "7 million")  # a vendor quietly revises a term
    assert revised != p.llama
    p.push("acme/llama-ft", p.files("llama3.1", revised, "base_model: acme/open\n"))
    result = verify(p.manifest, fetcher=p.fetcher())
    assert {"revision", "license-file"} <= _kinds(result, "acme/llama-ft")
    assert "acme/llama-ft: LICENSE changed (sha256 " in _messages(result)
    assert _kinds(result, "acme/open") == _kinds(result, "acme/nc") == set()


def test_added_and_removed_license_files(lock_project):
    p = lock_project
    p.lock()
    with_policy = p.files("cc-by-4.0", p.cc_by)
    with_policy["USE_POLICY.md"] = "You must not use the model to harm people.\n"
    p.push("acme/open", with_policy)
    p.push("acme/nc", p.files("cc-by-nc-4.0", None))  # LICENSE deleted
    result = verify(p.manifest, fetcher=p.fetcher())
    text = _messages(result)
    assert "acme/open: USE_POLICY.md added (sha256 " in text
    assert "acme/nc: LICENSE removed (was sha256 " in text


def test_card_license_category_flags_and_verdict(lock_project):
    p = lock_project
    p.lock()
    p.push("acme/open", p.files("cc-by-nc-4.0", p.cc_nc))  # relicensed non-commercial
    result = verify(p.manifest, fetcher=p.fetcher())
    assert {"revision", "license-file", "card-license", "category", "flags", "verdict"} <= (
        _kinds(result, "acme/open")
    )
    text = _messages(result)
    assert "acme/open: card license cc-by-4.0 -> cc-by-nc-4.0" in text
    assert "acme/open: category osi-open -> source-available" in text
    assert "acme/open: new flag non-commercial" in text
    assert "acme/open: verdict (commercial) pass -> fail" in text
    # the fine-tune of acme/open inherits the change through its lineage
    assert "base-model" in _kinds(result, "acme/llama-ft")
    assert "base model acme/open: osi-open (cc-by-4.0) -> source-available (cc-by-nc-4.0)" in text


def test_flag_value_change(lock_project):
    p = lock_project
    p.lock()
    card = "---\nlicense: llama3.1\nbase_model: acme/open\n---\n# M\n"
    p.push("acme/llama-ft", {"README.md": card, "LICENSE": p.llama, "model.bin": "pickle"})
    result = verify(p.manifest, fetcher=p.fetcher())
    assert "acme/llama-ft: new flag pickle-weights" in _messages(result)


def test_gating_change(lock_project):
    p = lock_project
    p.lock()
    p.repo("acme/open").gated = "manual"
    result = verify(p.manifest, fetcher=p.fetcher())
    assert "acme/open: gating none -> manual" in _messages(result)


def test_local_folder_license_change(lock_project, corpus):
    p = lock_project
    folder = p.dir / "ours"
    folder.mkdir()
    (folder / "README.md").write_text("---\nlicense: apache-2.0\n---\n# ours\n")
    (folder / "LICENSE").write_text(corpus.text("apache-2.0-allenai-olmo"))
    p.manifest.write_text("models:\n  - path: ours\n")
    p.lock()
    (folder / "LICENSE").write_text(p.cc_nc)
    result = verify(p.manifest, fetcher=p.fetcher())
    assert {"files", "license-file", "category"} <= _kinds(result, "ours")
    assert "ours: its card or license files changed since the lock" in _messages(result)


def test_manifest_and_lock_disagree(lock_project):
    p = lock_project
    p.lock()
    p.hub.add_model("acme/new", p.files("mit", None))
    p.manifest.write_text(p.MANIFEST.replace("  - acme/nc\n", "  - acme/new\n"))
    result = verify(p.manifest, fetcher=p.fetcher())
    assert ("acme/new", "unlocked") in {(d.ref, d.kind) for d in result.drift}
    assert ("acme/nc", "removed") in {(d.ref, d.kind) for d in result.drift}


def test_policy_change_is_drift(lock_project):
    p = lock_project
    p.lock()
    (p.dir / "policy.yaml").write_text("extends: [commercial]\ncategories:\n  open-weight: block\n")
    p.manifest.write_text("policy: policy.yaml\n" + p.MANIFEST)
    result = verify(p.manifest, fetcher=p.fetcher())
    assert "policy" in _kinds(result)
    assert "acme/llama-ft: verdict (commercial, research) warn -> fail" in _messages(result)


def test_a_model_that_cannot_be_rechecked_is_an_error_not_a_pass(lock_project):
    p = lock_project
    p.lock()
    del p.hub.repos[("model", "acme/nc")]
    result = verify(p.manifest, fetcher=p.fetcher())
    assert result.drift == []
    (error,) = result.errors
    assert error.startswith("acme/nc: could not be re-checked: ") and "not found" in error
    assert result.exit_code == 3


def test_verify_does_not_rewrite_the_lock(lock_project):
    p = lock_project
    p.lock()
    before = p.lock_path.read_bytes()
    p.push("acme/open", p.files("cc-by-nc-4.0", p.cc_nc))
    verify(p.manifest, fetcher=p.fetcher())
    assert p.lock_path.read_bytes() == before


@pytest.mark.slow
def test_verify_cli(lock_project):
    p = lock_project
    p.lock()
    p.push("acme/nc", p.files("cc-by-nc-4.0", p.cc_nc, body="# new\n"))
    env = p.env(HF_ENDPOINT=p.hub.url)
    cmd = [sys.executable, "-m", "licscan", "verify", "-q"]
    run = subprocess.run(cmd, cwd=p.dir, env=env, capture_output=True, text=True, timeout=120)
    assert run.returncode == 1, run.stderr
    lines = run.stdout.splitlines()
    assert lines[0].startswith("DRIFT acme/nc: main moved from ")
    assert lines[-1] == (
        "licscan.lock: 1 change in 1 of 3 models; review them, then run `licscan lock` to accept"
    )
    run = subprocess.run([*cmd, "--format", "json"], cwd=p.dir, env=env, capture_output=True,
                         text=True, timeout=120)  # fmt: skip
    data = json.loads(run.stdout)
    assert data["models"] == 3 and [d["kind"] for d in data["drift"]] == ["revision"]
    # no lock: a usage error
    p.lock_path.unlink()
    run = subprocess.run(cmd, cwd=p.dir, env=env, capture_output=True, text=True, timeout=120)
    assert run.returncode == 2 and "no lock file (run `licscan lock`)" in run.stderr


def test_an_undeclared_base_read_back_from_the_lock_is_no_drift(tmp_path):
    """A derivative naming no base has a lineage entry without an id; the lock leaves the
    empty id out, and reading it back must give the same lineage, or `verify` reports a
    new base and a vanished one on every run."""
    entry = LockEntry("acme/q4", "hub", repo_id="acme/q4", revision="a" * 40)
    entry.lineage = [LineageEntry(id="", depth=1, parent="acme/q4", category="unknown")]
    path = tmp_path / "licscan.lock"
    path.write_text(dump_lock(Lockfile(str(path), entries={"acme/q4": entry})), "utf-8")
    read_back = load_lock(path).entries["acme/q4"]
    assert read_back.lineage == entry.lineage
    assert compare(read_back, entry) == []
