"""Evidence kinds: a quote of a file, a card line, a Hub fact, a knowledge-base summary
(licscan's own words), a policy entry, licscan's own observation.  Set where evidence is
built, carried through the JSON report, the lock and the classification store, and
inferred for records written before kinds existed."""

from __future__ import annotations

import json

import pytest

from licscan.model import Evidence, EvidenceKind, Flag
from licscan.report import render

K = EvidenceKind


def card(*lines: str) -> str:
    return "---\n" + "".join(f"{line}\n" for line in lines) + "---\n\n# model\n"


@pytest.fixture
def offline(tmp_path, monkeypatch):
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    monkeypatch.setenv("LICSCAN_CACHE_DIR", str(tmp_path / "cache"))


def kinds(flag: Flag) -> list[tuple[str, str]]:
    return [(ev.kind.value, ev.source) for ev in flag.evidence]


def test_inferred_kind_of_each_source() -> None:
    assert Evidence.parse("rules/licenses/llama-3.1.yaml", "x").kind is K.KNOWLEDGE_BASE
    assert Evidence.parse("base:org/b:rules/licenses/x.yaml", "x").kind is K.KNOWLEDGE_BASE
    assert Evidence.parse("card:license", "license: mit").kind is K.CARD
    assert Evidence.parse("base:org/b:README.md", "license: mit").kind is K.CARD
    assert Evidence.parse("hub:gated", "gated: manual").kind is K.HUB
    assert Evidence.parse("dataset:org/d", "license: cc-by-nc-4.0").kind is K.HUB
    assert Evidence.parse("policy:org.yaml", "x").kind is K.POLICY
    assert Evidence.parse("files", "no license file among 2 files").kind is K.OBSERVED
    assert Evidence.parse("LICENSE", "x", (1, 2)).kind is K.TEXT
    # an explicit kind wins; a bad one from a record falls back to the inference
    assert Evidence.parse("LICENSE", "could not be read", None, K.OBSERVED).kind is K.OBSERVED
    assert Evidence.parse("card:license", "x", None, "nonsense").kind is K.CARD  # type: ignore[arg-type]
    assert K.TEXT.quoted and K.CARD.quoted and not K.KNOWLEDGE_BASE.quoted


def test_card_only_model_cites_card_and_knowledge_base(make_model, offline) -> None:
    from scanning import run_scan

    folder = make_model("llama", card("license: llama3.1"), {"model.safetensors": b""})
    (m,) = run_scan([str(folder)]).models
    threshold = next(f for f in m.flags if f.id == "user-threshold")
    assert kinds(threshold) == [
        ("card", "card:license"),
        ("knowledge-base", "rules/licenses/llama-3.1.yaml"),
    ]
    # the incorporated acceptable-use policy: no file of it was read either
    aup = next(f for f in m.flags if f.id == "use-restrictions")
    assert "rules/licenses/llama-3.1-aup.yaml" in [s for _, s in kinds(aup)]
    assert {k for k, _ in kinds(aup)} == {"card", "knowledge-base"}  # never "text"


def test_license_file_is_quoted_as_text(make_model, offline) -> None:
    from scanning import run_scan

    text = (
        "# Example Labs Model License\n\n"
        "You may use the Model for non-commercial research purposes only.\n"
    )
    folder = make_model("nc", card("license: other"), {"LICENSE": text, "m.bin": b""})
    (m,) = run_scan([str(folder)]).models
    nc = next(f for f in m.flags if f.id == "non-commercial")
    assert all(ev.kind is K.TEXT and ev.lines for ev in nc.evidence)
    pickle = next(f for f in m.flags if f.id == "pickle-weights")
    assert kinds(pickle) == [("observed", "m.bin")]  # licscan's words, not the file's
    data = json.loads(render("json", __import__("licscan.model").model.ScanReport(
        "0", ["commercial"], [m], "2026-01-01T00:00:00Z")))  # fmt: skip
    evs = [ev for f in data["models"][0]["flags"] for ev in f["evidence"]]
    assert {ev["kind"] for ev in evs} >= {"text", "observed"}


def test_no_license_and_lineage_kinds(make_model, offline) -> None:
    from scanning import run_scan

    make_model("base", card("license: cc-by-nc-4.0"), {"model.safetensors": b""})
    child = make_model("child", card("base_model: ../base"), {"model.safetensors": b""})
    bare = make_model("bare", card("language: en"), {"model.safetensors": b""})
    manifest = child.parent / "licscan.yaml"  # its tree is where `../base` may lead
    manifest.write_text(f"models:\n  - path: {child.name}\n  - path: {bare.name}\n")
    child_r, bare_r = run_scan([str(manifest)]).models
    inherited = next(f for f in child_r.flags if f.id == "inherits-base-license")
    assert inherited.evidence[0].kind is K.CARD  # the child's base_model line
    assert inherited.evidence[1].kind is K.CARD  # the base's own card line, rebased
    nc = next(f for f in child_r.flags if f.id == "non-commercial")
    assert {ev.kind for ev in nc.evidence} <= {K.CARD, K.KNOWLEDGE_BASE}
    no_license = next(f for f in bare_r.flags if f.id == "no-license")
    assert [ev.kind for ev in no_license.evidence] == [K.OBSERVED, K.OBSERVED]


def test_lock_keeps_kinds_and_infers_them_for_old_locks(tmp_path) -> None:
    from licscan.lockfile.document import _yaml, entry_to_dict, load_lock, write_lock
    from licscan.model import LockEntry, Lockfile

    flag = Flag(
        "user-threshold",
        "700000000",
        [
            Evidence.parse("card:license", "license: llama3.1", (3, 3)),
            Evidence.parse("rules/licenses/llama-3.1.yaml", "a user cap", None, K.KNOWLEDGE_BASE),
            Evidence.parse("files", "no license file among 1 file", None, K.OBSERVED),
        ],
        severity="warn",
    )
    path = tmp_path / "licscan.lock"
    lock = Lockfile(path=str(path), entries={"m": LockEntry("m", "hub", flags=[flag])})
    d = entry_to_dict(lock.entries["m"])
    evidence = d["flags"][0]["evidence"]
    assert [ev["kind"] for ev in evidence] == ["card", "knowledge-base", "observed"]
    write_lock(lock)
    assert load_lock(path).entries["m"].flags == [flag]
    for ev in evidence:
        del ev["kind"]  # a lock written before kinds existed
    path.write_text(_yaml({"lock_version": 1, "models": {"m": d}}))  # the lock's own writer
    assert [ev.kind for ev in load_lock(path).entries["m"].flags[0].evidence] == [
        K.CARD, K.KNOWLEDGE_BASE, K.OBSERVED]  # fmt: skip


def test_stored_classification_keeps_kinds(tmp_path) -> None:
    from licscan.engine import stored
    from licscan.engine.classify import classify_text
    from licscan.sources.cache import DiskCache

    text = "Permission is granted to use this model for non-commercial purposes only.\n"
    tc = classify_text(text, "LICENSE")
    with stored.using(DiskCache(tmp_path / "c")):
        stored.put(text, "LICENSE", tc)
        back = stored.get(text, "LICENSE")
    assert back is not None
    assert [ev.kind for f in back.flags for ev in f.evidence] == [
        ev.kind for f in tc.flags for ev in f.evidence
    ]
