"""Evidence read in a license text the reviewer supplied has no repository link: the
engine marks it (Evidence.supplied, from LicenseFile.supplied) and the lock keeps the
mark.  A repository file whose name holds ':' (the Hub allows it) links like any other;
reports used to decide both from a ':' in the path."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from licscan.engine.evaluate import evaluate
from licscan.engine.policy import load_policy
from licscan.lockfile.document import dump_lock, entry_from_result, load_lock, result_from_entry
from licscan.lockfile.reuse import rejudge
from licscan.model import CardInfo, LicenseFile, Lockfile, ModelResult, ModelSnapshot, Target
from licscan.report import render
from licscan.report.common import FileRef, evidence_file
from licscan.sources.targets import hub_target, local_target
from tests.report_samples import sample_report

SHA = "c" * 40
# invented terms: the repository's own file, and the reviewer's copy of another text
OWN = (
    "Terms of the Model\n\nYou may use, copy and share the Model.\n"
    "You may not use the Model or its outputs for any commercial purpose.\n"
)
THEIRS = (
    "Reviewer copy\n\nYou may not use the Model for any commercial purpose.\n"
    "You may not use the Model to provide medical advice.\n"
)
OWN_LINK = f"acme/m/blob/{SHA}/a%3Ab.txt"
SUPPLIED = re.compile(r"/blob/[^\"'\s]*supplied")  # any link into the supplied text


def scanned(target: Target | None = None) -> tuple[ModelResult, ModelSnapshot]:
    files = [
        LicenseFile("a:b.txt", OWN, "ab" * 32),
        LicenseFile("supplied:terms.txt", THEIRS, "cd" * 32, supplied="terms.txt"),
    ]
    card = CardInfo(licenses=["other"], key_lines={"license": 2})
    hub = target is None
    snap = ModelSnapshot(
        target or hub_target("acme/m"), "acme/m" if hub else None, SHA if hub else None, card,
        "---\nlicense: other\n---\n", files, ["README.md", "a:b.txt"],
    )  # fmt: skip
    return evaluate(snap, load_policy(None, ["commercial"])), snap


def round_trip(tmp_path: Path) -> ModelResult:
    result, snap = scanned()
    path = tmp_path / "licscan.lock"
    lock = Lockfile(str(path), entries={"acme/m": entry_from_result(result, snap)})
    path.write_text(dump_lock(lock), "utf-8")
    return result_from_entry(load_lock(path).entries["acme/m"], str(path))


def sarif_places(m: ModelResult) -> list[tuple[str, int | None]]:
    """Every location's (uri, first line)."""
    run = json.loads(render("sarif", sample_report(m)))["runs"][0]
    locs = [loc for r in run["results"] for loc in r["locations"] + r.get("relatedLocations", [])]
    places = [loc["physicalLocation"] for loc in locs]
    return [(p["artifactLocation"]["uri"], p.get("region", {}).get("startLine")) for p in places]


def assert_links(m: ModelResult) -> None:
    page = render("html", sample_report(m))
    assert f"{OWN_LINK}#L4" in page  # the quote in the repository's file, on the Hub
    assert "supplied:terms.txt" in page and not SUPPLIED.search(page)
    places = sarif_places(m)
    assert (OWN_LINK, 4) in places
    assert not any("supplied" in uri for uri, _ in places)
    marks = {ev.source: ev.supplied for f in m.flags for ev in f.evidence}
    assert marks == {"a:b.txt": False, "supplied:terms.txt": True}


def test_a_file_with_a_colon_links_and_a_supplied_text_does_not() -> None:
    result, _ = scanned()
    assert_links(result)
    bom = json.loads(render("cyclonedx", sample_report(result)))
    (comp,) = [c for c in bom["components"] if c["name"] == "m"]
    urls = {r["comment"]: r["url"] for r in comp["externalReferences"] if r["type"] == "license"}
    hub = f"https://huggingface.co/{OWN_LINK}"
    assert urls == {"a:b.txt": hub, "supplied:terms.txt": "terms.txt"}


def test_a_local_folders_file_with_a_colon_is_located_and_a_supplied_text_is_not(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A folder file named like the supplied text is not where the reviewer's quote is."""
    folder = tmp_path / "m"
    folder.mkdir()
    for name in ("a:b.txt", "supplied:terms.txt"):
        (folder / name).write_text(OWN, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    result, _ = scanned(local_target("m", folder))
    places = sarif_places(result)
    assert ("m/a%3Ab.txt", 4) in places  # the quote's line (not the fallback: the file)
    assert not any("supplied" in uri for uri, _ in places)


def test_the_lock_keeps_which_evidence_was_supplied(tmp_path: Path) -> None:
    assert_links(round_trip(tmp_path))
    text = (tmp_path / "licscan.lock").read_text("utf-8")
    assert text.count("supplied: true") == 3  # its three quotes, and no other evidence


def test_a_lock_without_the_mark_names_a_repository_file(tmp_path: Path) -> None:
    """The lock is untrusted input: only `supplied: true` marks evidence as supplied."""
    round_trip(tmp_path)
    path = tmp_path / "licscan.lock"
    path.write_text(path.read_text("utf-8").replace("supplied: true", "supplied: yes!"), "utf-8")
    m = result_from_entry(load_lock(path).entries["acme/m"], str(path))
    assert not any(ev.supplied for f in m.flags for ev in f.evidence)


def test_a_rejudged_lock_entry_cites_a_supplied_text_without_a_link(tmp_path: Path) -> None:
    """A lock keeps no license's evidence: judged again, the category's evidence is named
    from the license's origin, and the lock's license_files say which text was supplied."""
    round_trip(tmp_path)
    entry = load_lock(tmp_path / "licscan.lock").entries["acme/m"]
    result = rejudge(entry, load_policy(None, ["commercial"]), ["commercial"])
    (finding,) = [pf for pf in result.findings if pf.rule_id == "category-not-allowed"]
    refs = {ev.source: evidence_file(result, ev) for ev in finding.evidence}
    assert refs["file:a:b.txt"] == FileRef("acme/m", SHA, "a:b.txt")
    assert refs["file:supplied:terms.txt"] is None
