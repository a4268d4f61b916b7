"""The closed vocabularies (category, severity, verdict, source kind) become enum members
where untrusted input is read, so everything downstream compares members."""

from __future__ import annotations

import pytest

from licscan.engine import stored
from licscan.engine.classify import classify_text
from licscan.engine.policy import load_policy
from licscan.knowledge import load_knowledge
from licscan.model import (
    CATEGORY_ORDER,
    SEVERITIES,
    Category,
    CensusRow,
    Severity,
    Verdict,
    strictest,
    verdict_of,
)
from licscan.sources.cache import DiskCache


def test_knowledge_base_categories_are_members() -> None:
    kb = load_knowledge()
    assert {type(e.category) for e in kb.entries.values()} == {Category}


def test_policy_severities_and_categories_are_members(tmp_path) -> None:
    path = tmp_path / "policy.yaml"
    path.write_text("extends: commercial\ncategories:\n  open-weight: {research: block}\n")
    policy = load_policy(path)
    rules = [*policy.unresolved.values()]
    for table in (*policy.categories.values(), *policy.flags.values()):
        rules += table.values()
    assert {type(r.severity) for r in rules} == {Severity}
    assert {type(c) for table in policy.categories.values() for c in table} == {Category}
    assert policy.categories["research"][Category.OPEN_WEIGHT].severity == Severity.BLOCK


def test_a_census_journal_row_is_read_into_members_or_not_at_all() -> None:
    d = {"id": "a/b", "verdict": "fail", "category": "source-available", "licenses": ["x"],
         "flags": [], "blocking": []}  # fmt: skip
    row = CensusRow.from_dict(d)
    assert (type(row.verdict), type(row.category)) == (Verdict, Category)
    with pytest.raises(ValueError):  # the journal's reader then judges the model again
        CensusRow.from_dict(dict(d, verdict="passed"))


def test_a_stored_classification_is_read_into_members(tmp_path) -> None:
    text = "Permission is granted to use this model for non-commercial purposes only.\n"
    with stored.using(DiskCache(tmp_path / "c")):
        stored.put(text, "LICENSE", classify_text(text, "LICENSE"))
        back = stored.get(text, "LICENSE")
    assert back is not None and type(back.category) is Category


def test_plain_strings_still_compare_right() -> None:
    """A string that slipped past a boundary is judged as its member would be (fail closed)."""
    assert strictest(["osi-open", "unknown"]) is Category.UNKNOWN
    assert verdict_of({"block", None}) is Verdict.FAIL  # type: ignore[arg-type]
    assert verdict_of({Severity.INFO, "warn"}) is Verdict.WARN  # type: ignore[arg-type]
    assert CATEGORY_ORDER.index("source-available") == 2
    assert [str(s) for s in SEVERITIES] == ["info", "warn", "block"]


def test_the_lock_writer_writes_members_as_plain_strings() -> None:
    from licscan.lockfile.document import _yaml

    assert _yaml({"category": Category.OPEN_WEIGHT, "v": [Verdict.PASS]}) == (
        "category: open-weight\nv:\n- pass\n"
    )
