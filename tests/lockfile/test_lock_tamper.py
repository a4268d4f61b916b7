"""A lock is untrusted input (issue 12 item 1; issue 13 item 1).

Any pull request can edit licscan.lock, so no verdict is ever read from it: `check`
judges the facts it records under the current policy, `scan` of a locked manifest judges
the locked commits afresh and gives the report `--no-lock` gives, in every format.  A
lock whose recorded judgement disagrees with the one found is reported, and fails.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from paths import EXAMPLES
from scanning import build_lock, execute

from licscan.engine.run import plan_scan
from licscan.errors import LockError
from licscan.lockfile.document import load_lock, write_lock
from licscan.lockfile.precommit import check_manifests
from licscan.lockfile.reuse import scan_with_lock
from licscan.report import render
from licscan.report.formats import FORMATS

DATE = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ")


def _edit(path: Path, ref: str, **changes: str) -> None:
    """Change `key: old` to `key: new` inside one model's block of a lock file."""
    text = path.read_text(encoding="utf-8")
    start = text.index(f"\n  {ref}:\n")
    end = text.find("\n\n", start + 1)
    block = text[start : end if end > 0 else len(text)]
    edited = block
    for pattern, new in changes.items():
        edited = re.sub(pattern, new, edited)
    assert edited != block, changes
    path.write_text(text.replace(block, edited), encoding="utf-8")


def _cli(project, *args: str) -> subprocess.CompletedProcess:
    env = project.env(HF_ENDPOINT=project.hub.url, LICSCAN_CACHE_DIR=str(project.root / "ci"))
    return subprocess.run([sys.executable, "-m", "licscan", *args], cwd=project.dir, env=env,
                          capture_output=True, text=True, timeout=120)  # fmt: skip


# --- a hand-edited verdict ---------------------------------------------------------------------


def test_an_edited_verdict_never_passes_check_or_scan(lock_project):
    p = lock_project
    p.lock()
    _edit(p.lock_path, "acme/nc", **{r"verdict: fail": "verdict: pass",
                                     r"commercial: fail": "commercial: pass"})  # fmt: skip
    assert load_lock(p.lock_path).entries["acme/nc"].verdict == "pass"
    check = check_manifests([str(p.manifest)])
    messages = [x.message for x in check.problems]
    assert check.exit_code == 1
    assert f"{p.lock_path}: acme/nc: locked verdict pass does not match fail" in messages
    assert any(m.startswith(f"{p.manifest}:4: acme/nc: fails the policy") for m in messages)
    run = _cli(p, "check")
    assert (
        run.returncode == 1 and "licscan.lock: acme/nc: locked verdict pass does not" in run.stdout
    )
    # the CI gate: judged afresh at the locked commit; the disagreement is said, and fails
    run = _cli(p, "scan", "licscan.yaml", "--format", "json")
    assert run.returncode == 1, run.stderr
    verdicts = {m["ref"]: m["verdict"] for m in json.loads(run.stdout)["models"]}
    assert verdicts["acme/nc"] == "fail"
    assert "licscan: licscan.lock: acme/nc: locked verdict pass does not match fail" in run.stderr


def test_edited_facts_are_caught_by_scan(lock_project):
    """Category, flags and licenses rewritten to look like a pass: `check` can only judge
    what the lock says (offline, it cannot know better); the CI gate's scan re-reads the
    files at the locked commit, reports the edit, and fails."""
    p = lock_project
    p.lock()
    _edit(p.lock_path, "acme/nc", **{
        r"verdict: fail": "verdict: pass", r"commercial: fail": "commercial: pass",
        r"category: source-available": "category: osi-open",
        r"license: cc-by-nc-4\.0": "license: cc-by-4.0",
        r"\n    flags:\n(    [ -].*\n)+": "\n",
    })  # fmt: skip
    entry = load_lock(p.lock_path).entries["acme/nc"]
    assert entry.category == "osi-open" and not entry.flags and entry.verdict == "pass"
    run = _cli(p, "scan", "licscan.yaml", "--format", "sarif", "--output", "out.sarif")
    assert run.returncode == 1
    assert "licscan.lock: acme/nc: locked verdict pass does not match fail" in run.stderr
    assert "non-commercial" in (p.dir / "out.sarif").read_text()


def test_check_never_judges_laxer_than_the_recorded_licenses(lock_project):
    """Only the entry's own category edited: the licenses it records still bind."""
    p = lock_project
    p.lock()
    _edit(p.lock_path, "acme/nc", **{
        r"\n    category: source-available": "\n    category: osi-open",
        r"\n    flags:\n(    [ -].*\n)+": "\n",
        r"verdict: fail": "verdict: pass", r"commercial: fail": "commercial: pass",
    })  # fmt: skip
    entry = load_lock(p.lock_path).entries["acme/nc"]
    assert entry.category == "osi-open" and not entry.flags
    assert "source-available" in {lic.category for lic in entry.licenses}
    check = check_manifests([str(p.manifest)])
    text = "\n".join(x.message for x in check.problems)
    assert check.exit_code == 1
    assert "acme/nc: fails the policy (commercial): source-available" in text
    assert "acme/nc: locked verdict pass does not match fail" in text


def test_a_lock_with_duplicate_keys_is_an_error(lock_project):
    p = lock_project
    p.lock()
    text = p.lock_path.read_text(encoding="utf-8")
    p.lock_path.write_text(
        text.replace("    verdict: fail\n", "    verdict: fail\n    verdict: pass\n")
    )
    with pytest.raises(
        LockError, match=r"licscan.lock:\d+: not a valid lock: duplicate key 'verdict'"
    ):
        load_lock(p.lock_path)
    (p.dir / "app.py").write_text('from x import M\nM.from_pretrained("acme/nc")\n')
    for args in (["check"], ["scan", "licscan.yaml"], ["check-refs", "app.py"]):
        run = _cli(p, *args)
        assert run.returncode == 2, (args, run.stdout, run.stderr)
        assert "duplicate key 'verdict'" in run.stderr and "Traceback" not in run.stderr
    # a model listed twice under `models:` is the same error
    p.lock_path.write_text(text + text[text.index("\n  acme/nc:\n") :])
    with pytest.raises(LockError, match="duplicate key 'acme/nc'"):
        load_lock(p.lock_path)


def test_a_policy_made_stricter_is_judged_by_check_not_read_from_the_lock(lock_project):
    """The lock says acme/open passes; a waiver-free stricter policy is re-locked... and a
    lock written under the old policy is stale, never served."""
    p = lock_project
    (p.dir / "policy.yaml").write_text("extends: [commercial]\n")
    p.manifest.write_text("policy: policy.yaml\n" + p.MANIFEST)
    p.lock()
    assert check_manifests([str(p.manifest)]).counts.get("pass") == 1
    (p.dir / "policy.yaml").write_text("extends: [commercial]\ncategories:\n  osi-open: block\n")
    check = check_manifests([str(p.manifest)])
    assert [x.kind for x in check.problems] == ["stale"]


def test_an_honest_lock_raises_nothing(lock_project):
    p = lock_project
    p.lock()
    check = check_manifests([str(p.manifest)])
    assert [x.kind for x in check.problems] == ["fail"]  # acme/nc fails, nothing else
    report = execute(plan_scan([str(p.manifest)]), fetcher=p.fetcher(), around=scan_with_lock)
    assert report.problems == []


# --- the same report with and without the lock (issue 13 item 1) -------------------------------


def _all_formats(report) -> dict[str, str]:
    report.started_at = "2026-01-01T00:00:00Z"  # each scan's own clock (CycloneDX's serial)
    out = {}
    for fmt in FORMATS:
        text = render(fmt, report, color=False)
        out[fmt] = DATE.sub("<date>", text)  # a report's own time stamp
    return out


def test_the_bundled_example_reports_the_same_with_and_without_its_lock(tmp_path, monkeypatch):
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    monkeypatch.setenv("LICSCAN_CACHE_DIR", str(tmp_path / "cache"))
    example = tmp_path / "examples"
    shutil.copytree(EXAMPLES, example)
    manifest = example / "manifest.yaml"
    write_lock(build_lock(manifest))
    assert (example / "licscan.lock").is_file()
    fresh = execute(plan_scan([str(manifest)]))
    locked = execute(plan_scan([str(manifest)]), around=scan_with_lock)
    assert locked.problems == []
    assert len({m.verdict for m in fresh.models}) > 1  # a real spread: pass, warn, fail
    with_lock, without = _all_formats(locked), _all_formats(fresh)
    for fmt in FORMATS:
        assert with_lock[fmt] == without[fmt], fmt
    assert "licscan.lock" not in "".join(with_lock.values())


def test_hub_models_report_the_same_with_and_without_the_lock(lock_project):
    p = lock_project
    p.lock()
    fresh = execute(plan_scan([str(p.manifest)]), fetcher=p.fetcher())
    locked = execute(plan_scan([str(p.manifest)]), fetcher=p.fetcher(), around=scan_with_lock)
    with_lock, without = _all_formats(locked), _all_formats(fresh)
    for fmt in FORMATS:
        assert with_lock[fmt] == without[fmt], fmt


def test_an_edited_per_use_verdict_is_reported_too(lock_project):
    """`verdicts:` (each use alone) is what `check` reads for a model of several uses:
    editing only that line is caught by both commands."""
    p = lock_project
    p.lock()
    _edit(p.lock_path, "acme/nc", **{r"commercial: fail": "commercial: pass"})
    check = check_manifests([str(p.manifest)])
    messages = [x.message for x in check.problems]
    assert f"{p.lock_path}: acme/nc: locked verdict (commercial) pass does not match fail" in (
        messages
    )
    report = execute(plan_scan([str(p.manifest)]), fetcher=p.fetcher(), around=scan_with_lock)
    assert report.problems == [
        f"{p.lock_path}: acme/nc: locked verdict (commercial) pass does not match fail"
    ]


def test_a_waiver_nearing_its_end_is_no_tampering(lock_project):
    """A waiver within waiver_warning_days of its end adds a warning that depends on the
    day, not on the model: the verdict recorded before is still the lock's honest one."""
    p = lock_project
    (p.dir / "policy.yaml").write_text(
        "extends: [commercial]\nwaivers:\n  - model: acme/nc\n    reason: contract signed\n"
        "    approver: legal@acme.example\n    expires: 2099-06-30\n"
    )
    p.manifest.write_text("policy: policy.yaml\n" + p.MANIFEST)
    p.lock(today="2099-01-01")
    assert load_lock(p.lock_path).entries["acme/nc"].verdict == "pass"
    near = "2099-06-20"
    check = check_manifests([str(p.manifest)], today=near)
    assert not [x for x in check.problems if "does not match" in x.message]
    assert any("acme/nc: a waiver it relies on" in w for w in check.warnings)
    report = execute(
        plan_scan([str(p.manifest)], today=near), fetcher=p.fetcher(), around=scan_with_lock
    )
    assert report.problems == []
    assert next(m for m in report.models if m.ref == "acme/nc").verdict == "warn"
