"""licscan.lock: what a lock records, that it round-trips and diffs cleanly, and that a
scan of a locked manifest judges the locked commits afresh (from the cache when warm)."""

from __future__ import annotations

import dataclasses
import hashlib
import json
import re
import subprocess
import sys

import pytest
from scanning import build_lock, execute

from licscan.engine.run import plan_scan
from licscan.errors import LockError, UsageError
from licscan.lockfile.document import (
    dump_lock,
    entry_to_dict,
    load_lock,
    write_lock,
)
from licscan.lockfile.reuse import pin_to_lock, scan_with_lock, stale_reason
from licscan.model import (
    Category,
    LineageNode,
    LockEntry,
    Lockfile,
    Severity,
    SourceKind,
    Target,
    Verdict,
)

SHA = re.compile(r"^[0-9a-f]{40}$")


def test_lock_records_each_model(lock_project):
    p = lock_project
    lock = p.lock()
    assert lock.lock_version == 1 and lock.licscan_version
    assert lock.manifest == "licscan.yaml" and lock.use == ["commercial"]
    assert sorted(lock.entries) == ["acme/llama-ft", "acme/nc", "acme/open"]
    nc = lock.entries["acme/nc"]
    assert nc.revision == p.repo("acme/nc").sha and SHA.match(nc.revision)
    assert nc.requested is None and nc.source == "hub" and nc.repo_id == "acme/nc"
    assert nc.card_licenses == ["cc-by-nc-4.0"]
    sha = hashlib.sha256(p.cc_nc.encode()).hexdigest()
    assert nc.license_files["LICENSE"]["sha256"] == sha
    assert (
        nc.license_files["LICENSE"]["blob_id"]
        == p.repo("acme/nc").revisions[nc.revision]["LICENSE"].blob_id
    )
    assert nc.category == "source-available"
    assert "non-commercial" in {f.id for f in nc.flags}
    assert nc.verdict == "fail" and nc.verdicts == {"commercial": "fail"}
    assert re.match(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$", nc.checked_at)
    ft = lock.entries["acme/llama-ft"]
    assert ft.use == ["commercial", "research"]
    assert ft.verdicts == {"commercial": "warn", "research": "pass"}  # each use alone
    assert ft.verdict == "warn"
    flags = {f.id: f.value for f in ft.flags}
    assert flags["user-threshold"] == "700000000"
    assert ft.base_models == ["acme/open"]
    assert ft.lineage[0].id == "acme/open" and ft.lineage[0].category == "osi-open"


def test_locking_costs_no_more_requests_than_a_scan(lock_project):
    """The snapshot and the per-use verdicts come from the fetcher's memo, not the Hub."""
    p = lock_project
    p.hub.reset_counts()
    p.lock()
    locking = sum(p.hub.requests.values())
    p.hub.reset_counts()
    fresh = p.fetcher(cache_dir=p.root / "other-cache")
    execute(plan_scan([str(p.manifest)]), fetcher=fresh)
    assert locking == sum(p.hub.requests.values()) > 0


def test_lock_file_round_trips_and_is_sorted(lock_project):
    lock = lock_project.lock()
    text = lock_project.lock_path.read_text(encoding="utf-8")
    assert text == dump_lock(lock)
    again = load_lock(lock_project.lock_path)
    assert dump_lock(again) == text
    for ref, entry in lock.entries.items():
        assert entry_to_dict(again.entries[ref]) == entry_to_dict(entry), ref
    # one block per model, sorted by ref, each starting at two spaces after a blank line
    blocks = re.findall(r"\n\n  (\S+):\n", text)
    assert blocks == sorted(blocks) == ["acme/llama-ft", "acme/nc", "acme/open"]


def test_relock_without_change_is_byte_identical(lock_project, monkeypatch):
    p = lock_project
    p.lock()
    first = p.lock_path.read_bytes()
    monkeypatch.setattr("licscan.lockfile.build.utc_now", lambda: "2099-01-01T00:00:00Z")
    # the manifest reordered: same models, same lock
    p.manifest.write_text(p.MANIFEST.replace("  - acme/open\n  - acme/nc\n",
                                             "  - acme/nc\n  - acme/open\n"))  # fmt: skip
    lock = build_lock(p.manifest, fetcher=p.fetcher())
    assert write_lock(lock) is False
    assert p.lock_path.read_bytes() == first


def test_relock_after_a_change_rewrites_only_that_entry(lock_project, monkeypatch):
    p = lock_project
    before = p.lock()
    p.push("acme/nc", p.files("cc-by-nc-4.0", p.cc_nc, body="# M\n\nNew card text.\n"))
    monkeypatch.setattr("licscan.lockfile.build.utc_now", lambda: "2099-01-01T00:00:00Z")
    after = p.lock()
    assert after.entries["acme/nc"].checked_at == "2099-01-01T00:00:00Z"
    assert after.entries["acme/nc"].revision != before.entries["acme/nc"].revision
    for ref in ("acme/open", "acme/llama-ft"):
        assert after.entries[ref].checked_at == before.entries[ref].checked_at


@pytest.mark.slow
def test_lock_cli(lock_project):
    p = lock_project
    env = p.env(HF_ENDPOINT=p.hub.url)
    cmd = [sys.executable, "-m", "licscan", "lock", "-q"]
    run = subprocess.run(cmd, cwd=p.dir, env=env, capture_output=True, text=True, timeout=120)
    assert run.returncode == 1, run.stderr  # written, and acme/nc fails (as `scan` exits)
    assert run.stdout.splitlines() == [
        "licscan.lock: written, 3 models (1 pass, 1 warn, 1 fail)",
        "  FAIL  acme/nc: source-available; blocked by non-commercial",
    ]
    before = p.lock_path.read_bytes()
    run = subprocess.run(cmd, cwd=p.dir, env=env, capture_output=True, text=True, timeout=120)
    assert run.stdout.startswith("licscan.lock: unchanged, 3 models")
    assert p.lock_path.read_bytes() == before
    run = subprocess.run([*cmd, "nothere.yaml"], cwd=p.dir, env=env, capture_output=True,
                         text=True, timeout=120)  # fmt: skip
    assert run.returncode == 2 and "nothere.yaml: manifest file not found" in run.stderr


def test_a_ref_listed_twice_with_different_uses_is_a_usage_error(lock_project):
    p = lock_project
    p.manifest.write_text(p.MANIFEST + "  - id: acme/open\n    use: [research]\n")
    with pytest.raises(UsageError, match=r"licscan.yaml:7: acme/open is listed twice \(line 3\)"):
        build_lock(p.manifest, fetcher=p.fetcher())


_HEAD = "lock_version: 1\nmodels:\n  x:\n    ref: x\n    source: hub\n"


@pytest.mark.parametrize(
    ("text", "match"),
    [
        ("models: {}\n", "licscan.lock:1: not a valid lock: no 'lock_version'"),
        ("lock_version: 99\nmodels: {}\n",
         "licscan.lock:1: not a valid lock: lock_version 99 is newer than this licscan reads"),
        ("lock_version: 1\nmodels: [a, b]\n",
         "licscan.lock:2: not a valid lock: 'models' must be a mapping"),
        (_HEAD + "    category: weird\n",
         "licscan.lock:6: not a valid lock: model 'x': unknown category 'weird'"),
        (_HEAD + "    verdicts: {commercial: maybe}\n",
         "licscan.lock:6: not a valid lock: model 'x': unknown verdict 'maybe'"),
        (_HEAD.replace("source: hub", "source: ftp"),
         "licscan.lock:5: not a valid lock: model 'x': unknown source 'ftp'"),
        (_HEAD + "    licenses:\n    - {license: mit, category: free, source: card:license}\n",
         "licscan.lock:7: not a valid lock: model 'x': unknown category 'free'"),
        (_HEAD + "    flags:\n    - {id: gated, severity: fatal}\n",
         "licscan.lock:7: not a valid lock: model 'x': unknown severity 'fatal'"),
        (_HEAD + "    lineage:\n    - {id: b, category: open}\n",
         "licscan.lock:7: not a valid lock: model 'x': unknown category 'open'"),
        ("lock_version: [\n", r"licscan.lock:\d+: not a valid lock: YAML error"),
        ("lock_version: 1\nmodels:\n  x: {source: hub}\n",
         "licscan.lock:3: not a valid lock: model 'x': missing 'ref'"),
        (_HEAD.replace("ref: x", "ref: y"),
         "licscan.lock:4: not a valid lock: model 'x': its entry says ref 'y'"),
        (_HEAD + "    flags:\n    - value: '3'\n",
         "licscan.lock:7: not a valid lock: model 'x': a flag without 'id'"),
        (_HEAD + "    flags:\n    - id: x\n      evidence:\n      - {source: L, lines: [a]}\n",
         "licscan.lock:9: not a valid lock: model 'x': 'lines' must be two line numbers"),
        (_HEAD + "    lineage: [a]\n",
         "licscan.lock:6: not a valid lock: model 'x': an entry of 'lineage' must be a mapping"),
        (_HEAD + "    lineage:\n    - id: b\n      depth: deep\n",
         "licscan.lock:8: not a valid lock: model 'x': a base model's 'depth' must be a whole"),
        (_HEAD + "    lineage:\n    - licenses: mit\n",
         "licscan.lock:7: not a valid lock: model 'x': a base model's 'licenses' must be a list"),
        (_HEAD + "    waivers:\n    - {target: x, reason: r}\n",
         "licscan.lock:7: not a valid lock: model 'x': a waiver without 'flags', 'approver'"),
        (_HEAD + "    revision: [a]\n",
         "licscan.lock:6: not a valid lock: model 'x': 'revision' must be a string, got a list"),
    ],
)  # fmt: skip
def test_bad_locks_are_usage_errors_naming_the_file(tmp_path, text, match):
    path = tmp_path / "licscan.lock"
    path.write_text(text)
    with pytest.raises(LockError, match=match) as info:
        load_lock(path)
    assert str(info.value).startswith(str(path))


def test_a_lock_reads_its_vocabularies_into_enum_members(tmp_path):
    """Read once at the boundary: what the engine and reports compare is a member."""
    path = tmp_path / "licscan.lock"
    path.write_text(
        _HEAD + "    category: open-weight\n    verdict: warn\n    verdicts: {research: pass}\n"
        "    licenses:\n    - {license: mit, category: osi-open, source: card:license}\n"
        "    flags:\n    - {id: gated, severity: warn}\n"
        "    lineage:\n    - {id: b, depth: 1, category: unknown}\n"
    )
    e = load_lock(path).entries["x"]
    values = [e.source, e.category, e.verdict, e.verdicts["research"], e.licenses[0].category,
              e.flags[0].severity, e.lineage[0].category]  # fmt: skip
    assert values == ["hub", "open-weight", "warn", "pass", "osi-open", "warn", "unknown"]
    assert [type(v) for v in values] == [
        SourceKind, Category, Verdict, Verdict, Category, Severity, Category]  # fmt: skip


def test_every_bad_value_of_a_lock_is_named_with_its_line(tmp_path):
    path = tmp_path / "licscan.lock"
    path.write_text(_HEAD + "    category: weird\n    use: commercial\n  y: [1]\n")
    with pytest.raises(LockError) as info:
        load_lock(path)
    assert info.value.errors == [
        f"{path}:6: not a valid lock: model 'x': unknown category 'weird'",
        f"{path}:7: not a valid lock: model 'x': 'use' must be a list, got str 'commercial'",
        f"{path}:8: not a valid lock: model 'y': an entry must be a mapping, got a list",
    ]


def test_lineage_entries_keep_every_field_and_leave_out_the_empty_ones(tmp_path):
    """A node's entry is what the lock writes (empty fields left out) and reads back."""
    node = LineageNode("acme/base", 2, "acme/mid", "a" * 40, "finetune", note="gated")
    full = node.entry()
    assert full.to_record() == {
        "id": "acme/base", "depth": 2, "parent": "acme/mid", "revision": "a" * 40,
        "relation": "finetune", "category": "unknown", "note": "gated",
    }  # fmt: skip
    undeclared = LineageNode("", 1, "acme/ft", error="names no base model").entry()
    assert undeclared.to_record() == {
        "depth": 1, "parent": "acme/ft", "category": "unknown", "error": "names no base model"
    }  # fmt: skip
    lock = Lockfile(path=str(tmp_path / "licscan.lock"))
    lock.entries["m"] = LockEntry("m", "hub", lineage=[full, undeclared])
    write_lock(lock)
    back = load_lock(lock.path).entries["m"].lineage
    # read back as written: the undeclared base keeps its empty id (not None, which
    # `verify` took for another base and `check` re-judged as a base named "None")
    assert back == [full, undeclared]


def test_missing_lock(tmp_path):
    with pytest.raises(LockError, match="no lock file"):
        load_lock(tmp_path / "licscan.lock")


# --- scan of a locked manifest -----------------------------------------------------------------


def _models(report) -> list[dict]:
    return report.to_dict()["models"]


def test_scan_of_a_locked_manifest_judges_the_locked_commits_afresh(lock_project):
    p = lock_project
    p.lock()
    plan = plan_scan([str(p.manifest)])
    fresh = execute(plan, fetcher=p.fetcher(cache_dir=p.root / "fresh"))
    # warm (the cache `lock` filled): no request at all, and the report of a fresh scan
    p.hub.reset_counts()
    dead = p.fetcher(endpoint="http://127.0.0.1:9")
    locked = execute(plan_scan([str(p.manifest)]), fetcher=dead, around=scan_with_lock)
    assert sum(p.hub.requests.values()) == 0
    assert _models(locked) == _models(fresh)  # flags and evidence included
    assert locked.problems == [] and not any("licscan.lock" in n for m in locked.models
                                             for n in m.notes)  # fmt: skip
    assert [m.location for m in locked.models] == [m.location for m in fresh.models]
    # a fresh runner: one model_info per model at its locked commit, each file once
    p.hub.reset_counts()
    cold = execute(
        plan_scan([str(p.manifest)]),
        fetcher=p.fetcher(cache_dir=p.root / "cold"),
        around=scan_with_lock,
    )
    assert _models(cold) == _models(fresh)
    assert p.hub.count("/api/models/") == 3
    assert all("/revision/" in key for key in p.hub.requests if "/api/models/" in key)


def test_scan_pins_entries_to_their_locked_commit(lock_project):
    p = lock_project
    lock = p.lock()
    p.push("acme/open", p.files("cc-by-nc-4.0", p.cc_nc))  # main moves on
    # acme/open's use changes: its judgement no longer stands, but its commit still does
    own_use = "  - id: acme/open\n    use: [research]\n"
    p.manifest.write_text(p.MANIFEST.replace("  - acme/open\n", own_use))
    plan = plan_scan([str(p.manifest)])
    targets, standing = pin_to_lock(plan)
    assert sorted(plan.targets[i].ref for i in standing) == ["acme/llama-ft", "acme/nc"]
    (open_target,) = [t for t in targets if t.ref == "acme/open"]
    assert open_target.revision == lock.entries["acme/open"].revision
    report = execute(plan_scan([str(p.manifest)]), fetcher=p.fetcher(), around=scan_with_lock)
    result = next(m for m in report.models if m.ref == "acme/open")
    assert result.revision == lock.entries["acme/open"].revision
    assert result.category == "osi-open"  # judged at the locked commit, not the new main
    assert report.problems == []


def test_scan_compares_nothing_when_the_policy_changed(lock_project):
    p = lock_project
    p.lock()
    policy = p.dir / "policy.yaml"
    policy.write_text("extends: [commercial]\n")
    p.manifest.write_text("policy: policy.yaml\n" + p.MANIFEST)
    _, standing = pin_to_lock(plan_scan([str(p.manifest)]))
    assert standing == {}


def test_a_lock_of_another_manifest_is_ignored(lock_project):
    p = lock_project
    p.lock()
    lock = load_lock(p.lock_path)
    lock.manifest = "other.yaml"
    write_lock(lock)
    plan = plan_scan([str(p.manifest)])
    assert pin_to_lock(plan) == (plan.targets, {})


def test_scan_cli_offline_from_the_lock_and_no_lock(lock_project):
    p = lock_project
    p.lock()
    warm = str(p.root / "licscan-cache")
    env = p.env(HF_HUB_OFFLINE="1", HF_ENDPOINT="http://127.0.0.1:9", LICSCAN_CACHE_DIR=warm)
    args = [sys.executable, "-m", "licscan", "scan", "licscan.yaml", "--format", "json"]
    run = subprocess.run(args, cwd=p.dir, env=env, capture_output=True, text=True, timeout=120)
    assert run.returncode == 1, run.stderr  # acme/nc fails commercial use
    verdicts = {m["ref"]: m["verdict"] for m in json.loads(run.stdout)["models"]}
    assert verdicts == {"acme/open": "pass", "acme/nc": "fail", "acme/llama-ft": "warn"}
    # a lock holds no verdicts to serve: offline with an empty cache, nothing is evaluated
    env["LICSCAN_CACHE_DIR"] = str(p.root / "empty")
    for extra in ([], ["--no-lock"]):
        run = subprocess.run([*args, *extra], cwd=p.dir, env=env, capture_output=True,
                             text=True, timeout=120)  # fmt: skip
        assert run.returncode == 3, run.stderr
        assert {m["verdict"] for m in json.loads(run.stdout)["models"]} == {"error"}


def test_waived_verdicts_record_when_the_waiver_ends(lock_project):
    p = lock_project
    (p.dir / "policy.yaml").write_text(
        "extends: [commercial]\n"
        "waivers:\n"
        "  - model: acme/nc\n"
        "    reason: research collaboration contract signed\n"
        "    approver: legal@acme.example\n"
        "    expires: 2099-06-30\n"
    )
    p.manifest.write_text("policy: policy.yaml\n" + p.MANIFEST)
    lock = p.lock()
    nc = lock.entries["acme/nc"]
    assert nc.verdict != "fail" and nc.waived_until == "2099-06-30"
    assert nc.waivers and nc.waivers[0].approver == "legal@acme.example"
    assert lock.policy_file == "policy.yaml"
    assert lock.policy_sha256 == hashlib.sha256((p.dir / "policy.yaml").read_bytes()).hexdigest()


# --- when an entry stops standing for its model -------------------------------------------------


def _entry(lock_project):
    return lock_project.lock().entries["acme/open"]


def test_stale_reasons(lock_project):
    entry = _entry(lock_project)
    hub = Target("acme/open", "hub", "acme/open", None, use=("commercial",))
    ok = stale_reason(hub, entry, ["commercial"], "2025-01-01")
    assert ok is None
    other = "1" * 40
    pinned = dataclasses.replace(hub, revision=other)
    assert "pins 111111111111" in stale_reason(pinned, entry, ["commercial"], "2025-01-01")
    same = dataclasses.replace(hub, revision=entry.revision)
    assert stale_reason(same, entry, ["commercial"], "2025-01-01") is None
    tag = dataclasses.replace(hub, revision="v2")
    assert "follows v2" in stale_reason(tag, entry, ["commercial"], "2025-01-01")
    assert "never judged for use research" in stale_reason(hub, entry, ["research"], "2025-01-01")
    waived = dataclasses.replace(entry, waived_until="2025-06-30")
    assert stale_reason(hub, waived, ["commercial"], "2025-06-30") is None
    assert "expired on 2025-06-30" in stale_reason(hub, waived, ["commercial"], "2025-07-01")
    local = Target("models/x", "local", path="/nonexistent")
    assert "locked as a hub model" in stale_reason(local, entry, ["commercial"], "2025-01-01")
