"""Identity on real-world copies and on restrictive edits (tests/license_variants.py).

An ordinary copy of an open license (a title, a copyright line, the holder in the blanks,
the appendix dropped or filled in, Markdown, other wraps, smart quotes, https, another FSF
address, another numbering, a line naming the project, CRLF, a BOM) stays that license,
`osi-open`.  A restrictive edit (an added clause, a narrowed grant, a removed permission, a
changed number, a dropped "not") is never `osi-open` and is located at its line.  The texts
are generated at test time from the pinned licensedcode-data package and the corpus.
"""

from __future__ import annotations

import random
import re

import license_variants as lv
import pytest
from paths import CORPUS, corpus_params

from licscan.detect import variable
from licscan.detect.identity import entry_of
from licscan.detect.normalize import tokenize
from licscan.engine.classify import classify_text
from licscan.knowledge import load_index, load_knowledge

pytest.importorskip("licensedcode")

BASES = {b.name: b for b in lv.scancode_bases()}
RESTRICTED_BASES = ["scancode:apache-2.0", "scancode:mit", "scancode:bsd-new", "scancode:gpl-3.0"]


def _name(base: lv.Base) -> str:
    entry = entry_of(
        load_knowledge(), load_index(), lv.SCANCODE_OPEN[base.name.removeprefix("scancode:")]
    )
    assert entry is not None
    return entry.name


def _key(base: lv.Base) -> str:
    return lv.SCANCODE_OPEN[base.name.removeprefix("scancode:")]


def _ids(result) -> set[str]:
    return {f.id for f in result.flags}


@pytest.mark.parametrize("how", sorted(lv.benign("x")))
def test_a_benign_copy_stays_the_license(how: str) -> None:
    applied = 0
    for base in BASES.values():
        text = lv.benign(_name(base))[how](base.text, random.Random(base.name))
        if text is None:
            continue
        assert text != base.text
        applied += 1
        result = classify_text(text, "LICENSE")
        assert result.match.key == _key(base), base.name
        assert result.category == "osi-open", (base.name, [f.note for f in result.flags])
        assert not {"modified-license", "unrecognized-license"} & _ids(result), base.name
    assert applied >= 2  # every transformation applies to some license


@pytest.mark.parametrize("size", [3, 5])
def test_benign_changes_combined_stay_the_license(size: int) -> None:
    for base in BASES.values():
        for seed in range(3):
            rng = random.Random(f"{base.name}-{size}-{seed}")
            text, used = lv.combined(base.text, _name(base), rng, size)
            result = classify_text(text, "LICENSE")
            assert result.category == "osi-open", (base.name, used)
            assert result.match.key == _key(base), (base.name, used)


def _located(result, line: int, slack: int) -> bool:
    """Is the change quoted at its line (a changed version line makes the text "another
    version of" its family, quoted as unrecognized-license)?"""
    return any(
        e.lines and e.lines[0] - slack <= line <= e.lines[1] + slack
        for f in result.flags
        if f.id in ("modified-license", "unrecognized-license")
        for e in f.evidence
    )


@pytest.mark.parametrize("name", RESTRICTED_BASES)
def test_a_restrictive_edit_is_never_osi_open_and_is_located(name: str) -> None:
    base = BASES[name]
    kinds = set()
    for edit in lv.restrictive(base.text):
        kinds.add(edit.kind)
        result = classify_text(edit.text, "LICENSE")
        assert result.category != "osi-open", edit.how
        assert not result.osi_approved
        if result.match.key is None:  # (the grant gone, MIT is no longer recognised)
            assert "unrecognized-license" in _ids(result), edit.how
            continue
        assert "modified-license" in _ids(result), edit.how
        slack = 1 if "paragraph" in edit.how else 0
        assert _located(result, edit.line, slack), (edit.how, edit.line)
    # every class of edit was made: six kinds of clause, a narrowed grant, a removed
    # permission, a dropped "not" (a changed number where the license has one)
    assert {"commercial", "field of use", "revocation", "threshold", "attribution"} <= kinds
    assert {"outputs", "narrowed grant", "removed permission", "dropped not"} <= kinds


def test_a_changed_number_is_never_osi_open() -> None:
    edits = [e for b in BASES.values() for e in lv.changed_numbers(b.text)]
    assert len(edits) >= 5
    for edit in edits:
        result = classify_text(edit.text, "LICENSE")
        assert result.category != "osi-open", edit.how
        assert _located(result, edit.line, 0), edit.how


@pytest.mark.corpus
@pytest.mark.parametrize(
    "name",
    corpus_params(
        lambda: [
            p.name
            for p in sorted((CORPUS / "texts").glob("openbmb-gml-*.txt"))
            if lv.is_chinese(p.read_text("utf-8"))
            and classify_text(p.read_text("utf-8"), p.name).category == "osi-open"
        ]
    ),
)
def test_a_chinese_restrictive_edit_is_never_osi_open(name: str) -> None:
    text = (CORPUS / "texts" / name).read_text("utf-8")
    edits = lv.restrictive(text, chinese=True)
    assert len(edits) >= 10
    for edit in edits:
        result = classify_text(edit.text, name)
        assert result.category != "osi-open", edit.how
        assert _located(result, edit.line, 1 if "paragraph" in edit.how else 0), edit.how


# --- what a variable part may be ---------------------------------------------------------

APACHE = frozenset(tokenize("apache license version 2.0 apache-2.0").words)


def _part(text: str, edge: bool = True) -> str | None:
    """The kind of a fragment the reference lacks, as tiling judges one."""
    words = re.findall(r"[a-z0-9]+", text.lower())
    return variable.variable_part(words, APACHE, edge, text.rstrip().endswith("."))


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("Apache License 2.0", "title"),
        ("Acme-7B model weights", "title"),
        ("Copyright 2024 Acme AI Labs. All rights reserved.", "notice"),
        ("Copyright (c) Meta Platforms, Inc. and affiliates.", "notice"),
        ("Acme-7B is licensed under the Apache License, Version 2.0.", "pointer"),
        ("The weights in this repository are licensed as follows:", "pointer"),
        ("Section 4", "marker"),
        # a clause is no variable part, however it is dressed
        ("Acme Research License", None),
        ("Non-Commercial Edition", None),
        ('"You" means a natural person.', None),
        ("Acme-7B is licensed under the MIT License.", None),  # another license named
        ("Acme-7B is licensed for research under the Apache License 2.0.", None),
        ("Copyright 2024 Acme. For non-commercial use only.", None),
        ("Copyright 2024 Acme; evaluation only", None),
        ("Additional terms at https://acme.ai/terms", None),
        ("Results belong to Acme AI Labs.", None),
    ],
)
def test_variable_parts(text: str, kind: str | None) -> None:
    assert _part(text) == kind


def test_a_copyright_line_that_restricts_is_read() -> None:
    plain = tokenize("Copyright (c) 2024 Acme AI Labs\n\nPermission is granted.")
    assert plain.words[0] == "permission"  # a notice: a variable part, dropped
    restricts = tokenize("Copyright (c) 2024 Acme AI Labs. Research use only.\n\nPermission.")
    assert "research" in restricts.words and "only" in restricts.words


def test_an_address_with_a_rights_word_is_kept() -> None:
    fsf = tokenize(
        "write to the Foundation, 51 Franklin Street, Fifth Floor, Boston, MA 02110 USA."
    )
    assert "franklin" not in fsf.words
    odd = tokenize("write to 51 Franklin Street, not for sale, Boston, MA 02110 USA.")
    assert "sale" in odd.words and "franklin" in odd.words


def test_a_blank_may_hold_a_name_but_no_term() -> None:
    assert variable.slot_fill(tokenize("the Regents of the University of California").words)
    assert not variable.slot_fill(tokenize("Acme, for non-commercial use").words)
    assert not variable.slot_fill(
        tokenize("the Regents of the University of California at San").words * 2
    )
