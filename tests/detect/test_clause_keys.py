"""Document.having finds the segments holding a detector's keys through one automaton
pass over the text (clause_text.declare_keys).  It must answer exactly what reading each
segment for the keys answers, on license texts and on arbitrary text."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from paths import CORPUS, ROOT

from licscan.detect import clauses  # noqa: F401 - imports every detector: their keys are declared
from licscan.detect.clause_text import _DECLARED, Document, prepare
from licscan.sources.files import decode

# Without the corpus, the invented texts are still read (glob of a missing folder: nothing).
TEXTS = sorted((CORPUS / "texts").glob("*.txt")) + sorted(
    (ROOT / "tests" / "data" / "unseen").glob("*.txt")
)
# Every declared key, plus keys of several words and one no detector declared.
KEYS = (*sorted(_DECLARED), "same license", "under this agreement", "zebra crossing")


def _read(doc: Document, keys: tuple[str, ...]) -> list[int]:
    """The plain answer: each segment read for each key (a key of several words needs
    every word; a one-word key, spaces included, needs the exact string)."""
    out = []
    for i, seg in enumerate(doc.segments):
        for key in keys:
            words = key.split()
            if all(w in seg.low for w in words) if len(words) > 1 else key in seg.low:
                out.append(i)
                break
    return out


def _having(doc: Document, keys: tuple[str, ...]) -> list[int]:
    index = {id(seg): i for i, seg in enumerate(doc.segments)}
    return [index[id(seg)] for seg in doc.having(keys)]


def test_detectors_declare_their_keys():
    assert len(_DECLARED) > 100  # (else the index is not in use and this tests little)
    assert {"commercial", "not", "nor ", "gpl"} <= _DECLARED


@pytest.mark.parametrize("path", TEXTS, ids=lambda p: p.name)
def test_the_index_answers_as_reading_each_segment(path: Path):
    doc = prepare(decode(path.read_bytes()))
    for key in KEYS:
        assert _having(doc, (key,)) == _read(doc, (key,)), key
    assert _having(doc, KEYS) == _read(doc, KEYS)


FRAGMENTS = [
    "not ", "No ", "nor", " ", "commercial", "non-commercial", "revenue", "users", ". ",
    ".\n", "\n\n", "\n", "- ", "1. ", "(a) ", "# ", "**", "_", "under ", "the same license",
    "e.g. ", "U.S. ", "You may ", ":", ";", "COPYRIGHT ", "商业", "。", "用户", "<b>",
    "[link](http://x.y)", "&amp;", "'", "n't ", "research", "only", "Outputs", "\t",
]  # fmt: skip


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(st.lists(st.sampled_from(FRAGMENTS), max_size=60).map("".join))
def test_the_index_answers_as_reading_each_segment_on_any_text(text: str):
    doc = prepare(text)
    for key in ("nor ", "not", "no ", "n't", "commercial", "商业", "same license", "only"):
        assert _having(doc, (key,)) == _read(doc, (key,)), key
    assert _having(doc, KEYS) == _read(doc, KEYS)
