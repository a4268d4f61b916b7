"""licscan.engine.stored: a re-scan reads license classifications back from the cache,
exactly as computed, and never an answer computed by other code or rules."""

from __future__ import annotations

import dataclasses
import json
import shutil
from pathlib import Path

import pytest
from paths import CORPUS, corpus_params
from scanning import execute

from licscan.engine import assess as assess_module
from licscan.engine import stored
from licscan.engine.assess import classify
from licscan.engine.run import plan_scan
from licscan.sources.cache import DiskCache
from licscan.sources.fetcher import Fetcher

TEXTS_DIR = CORPUS / "texts"
TEXTS = {
    "nc": "cc-by-nc-4.0-audiocraft-weights.txt",
    "llama": "llama-3.1-community.txt",
    "open": "cc-by-4.0.txt",
}


@pytest.fixture
def models(tmp_path) -> list[str]:
    """Four local model folders: two share one LICENSE text."""
    folders = []
    for name, text in (("a", "nc"), ("b", "nc"), ("c", "llama"), ("d", "open")):
        folder = tmp_path / "models" / name
        folder.mkdir(parents=True)
        (folder / "README.md").write_text(f"---\nlicense: other\n---\n# {name}\n")
        shutil.copyfile(TEXTS_DIR / TEXTS[text], folder / "LICENSE")
        folders.append(str(folder))
    return folders


def _scan(folders: list[str], cache: Path) -> list[dict]:
    report = execute(plan_scan(folders, uses=["commercial"]), fetcher=Fetcher(cache_dir=cache))
    return [m.to_dict() for m in report.models]


def _entries(cache: Path) -> list[Path]:
    return sorted((cache / "v1" / "classified").rglob("*.json"))


@pytest.fixture
def counted(monkeypatch) -> list[str]:
    """Every text classify_text computes (the in-process memo cleared first)."""
    seen: list[str] = []
    real = assess_module.classify_text

    def counting(text: str, source: str):
        seen.append(source)
        return real(text, source)

    classify.cache_clear()
    monkeypatch.setattr(assess_module, "classify_text", counting)
    yield seen
    classify.cache_clear()


@pytest.mark.corpus
def test_a_rescan_reads_each_text_back(models, tmp_path, counted):
    cache = tmp_path / "cache"
    first = _scan(models, cache)
    assert len(counted) == 3  # three distinct texts
    assert len(_entries(cache)) == 3
    classify.cache_clear()
    again = _scan(models, cache)
    assert len(counted) == 3  # nothing computed again
    assert again == first
    assert {m["verdict"] for m in first} >= {"fail"}  # (the NC text does fail commercial use)


@pytest.mark.corpus
def test_other_code_or_rules_never_read_an_entry(models, tmp_path, counted, monkeypatch):
    cache = tmp_path / "cache"
    first = _scan(models, cache)
    classify.cache_clear()
    monkeypatch.setattr(stored, "stamp", lambda: "another-release")
    assert _scan(models, cache) == first
    assert len(counted) == 6  # computed again under the new stamp


@pytest.mark.corpus
def test_a_damaged_entry_is_a_miss(models, tmp_path, counted):
    cache = tmp_path / "cache"
    first = _scan(models, cache)
    for i, entry in enumerate(_entries(cache)):
        entry.write_bytes([b"{not json", b'{"path": 1}', b"[]"][i])
    classify.cache_clear()
    assert _scan(models, cache) == first
    assert len(counted) == 6


def test_nothing_is_stored_outside_a_scan_or_for_a_failure(tmp_path, counted):
    classify("Permission is granted to use this model.\n", "LICENSE")
    with stored.using(DiskCache(tmp_path)):
        assert classify("   \n", "LICENSE").error  # empty: fails, and is not kept
    assert not _entries(tmp_path)


@pytest.mark.corpus
@pytest.mark.parametrize(
    "name", corpus_params(lambda: sorted(p.name for p in TEXTS_DIR.glob("*.txt"))[::4])
)
def test_a_record_reads_back_equal(name):
    tc = assess_module.classify_text((TEXTS_DIR / name).read_text(encoding="utf-8"), "LICENSE")
    record = json.loads(json.dumps(dataclasses.asdict(tc)))
    assert stored._from_record(record) == tc


def test_the_stamp_follows_the_rules(tmp_path, monkeypatch):
    from licscan import paths

    rules = tmp_path / "rules"
    shutil.copytree(paths.rules_dir(), rules)
    monkeypatch.setattr(stored, "rules_dir", lambda: rules)
    before = stored.stamp.__wrapped__()
    assert stored.stamp.__wrapped__() == before  # deterministic
    entry = next((rules / "licenses").glob("*.yaml"))
    entry.write_text(entry.read_text() + "\n# an edit\n")
    assert stored.stamp.__wrapped__() != before


def test_an_unstorable_record_costs_speed_not_the_scan(tmp_path):
    from licscan.model import LicenseMatch, TextClassification

    lone = "LICENSE\ud800"  # a lone surrogate cannot be written as UTF-8
    tc = TextClassification(lone, LicenseMatch(None, None, 0.0), "unknown", False)
    with stored.using(DiskCache(tmp_path)):
        stored.put("text", lone, tc)  # must not raise
        assert stored.get("text", lone) is None
    assert not _entries(tmp_path)


def test_an_unreadable_install_reuses_nothing_and_still_classifies(tmp_path, monkeypatch):
    def unreadable() -> str:
        raise PermissionError("rules/licenses/mit.yaml")

    monkeypatch.setattr(stored, "stamp", unreadable)
    classify.cache_clear()
    with stored.using(DiskCache(tmp_path)):
        tc = classify("Permission is hereby granted, free of charge, to any person.\n", "LICENSE")
    classify.cache_clear()
    assert not tc.error and not _entries(tmp_path)
