"""Clause detection over every corpus text, checked against tests/data/corpus_labels.yaml.

The detectors know nothing of the corpus: these tests read it at run time and compare
what the detectors find (flags, thresholds, category of the text taken as unknown,
policy or license) with labels written from ../shared/corpus/facts.yaml.
"""

from __future__ import annotations

import re
import textwrap

import pytest
import yaml
from paths import CORPUS, ROOT

from licscan.detect.clauses import category_from_clauses, detect_clauses, is_use_policy
from licscan.sources.files import decode

TEXTS = CORPUS / "texts"
pytestmark = pytest.mark.corpus  # every test here reads corpus texts
LABELS = yaml.safe_load((ROOT / "tests" / "data" / "corpus_labels.yaml").read_text("utf-8"))[
    "texts"
]
NAMES = sorted(LABELS)
LICENSES = [n for n in NAMES if LABELS[n]["kind"] == "license"]
_EOL = re.compile(r"\r\n|\r|\n")
_HAN = re.compile(r"[\u3400-\u9fff]")


def read(name: str) -> str:
    return decode((TEXTS / name).read_bytes())


def lines_span(text: str, first: int, last: int) -> str:
    """Lines first..last (1-based, inclusive) of `text`, as they are in the file."""
    starts = [0] + [m.end() for m in _EOL.finditer(text)]
    ends = [m.start() for m in _EOL.finditer(text)] + [len(text)]
    return text[starts[first - 1] : ends[last - 1]]


def test_every_corpus_text_is_labelled() -> None:
    assert sorted(p.name for p in TEXTS.glob("*.txt")) == NAMES


@pytest.mark.parametrize("name", NAMES)
def test_flags_match_the_label(name: str) -> None:
    label = LABELS[name]
    flags = detect_clauses(read(name), name)
    found = [f.id for f in flags]
    assert set(found) == set(label["flags"]), (
        f"missing {set(label['flags']) - set(found)}, extra {set(found) - set(label['flags'])}"
    )
    assert len(found) == len(set(found))
    values = {f.id: f.value for f in flags if f.value is not None}
    assert values == {k: str(v) for k, v in (label.get("values") or {}).items()}


@pytest.mark.parametrize("name", NAMES)
def test_every_quote_is_verbatim_and_on_its_lines(name: str) -> None:
    text = read(name)
    for flag in detect_clauses(text, name):
        # one quote, or in a bilingual text one from each half (the stricter reading wins)
        assert len(flag.evidence) == 1 or [bool(_HAN.search(e.quote)) for e in flag.evidence] == [
            False,
            True,
        ]
        for ev in flag.evidence:
            assert ev.source == name and ev.lines is not None
            first, last = ev.lines
            assert 1 <= first <= last
            assert ev.quote and ev.quote == ev.quote.strip()
            assert ev.quote in lines_span(text, first, last), flag.id
            assert len(" ".join(ev.quote.split())) <= 400


@pytest.mark.parametrize("name", LICENSES)
def test_category_from_clauses_alone(name: str) -> None:
    """Each license taken as an unrecognised text: its clauses must give its category, except
    that an unrecognised text is never osi-open (that is earned only by identity)."""
    text = read(name)
    category, osi = category_from_clauses(text, detect_clauses(text, name))
    label = LABELS[name]["category"]
    assert category == ("open-weight" if label == "osi-open" else label)
    assert not osi


@pytest.mark.parametrize("name", NAMES)
def test_policy_documents_are_told_from_licenses(name: str) -> None:
    assert is_use_policy(read(name)) == (LABELS[name]["kind"] == "policy")


def _rewrap(text: str) -> str:
    out = []
    for line in text.splitlines():
        indent = line[: len(line) - len(line.lstrip())]
        out.extend(
            textwrap.wrap(line, 66, subsequent_indent=indent, break_on_hyphens=False) or [""]
        )
    return "\n".join(out)


REFORMATS = {
    "rewrapped at 66 columns": _rewrap,
    "hard wraps joined": lambda t: re.sub(r"(?<=[a-z,])\n(?=[a-z(])", " ", t),
    "CRLF line ends": lambda t: t if "\r" in t else t.replace("\n", "\r\n"),
    "typographic quotes": lambda t: t.replace('"', "\u201c").replace("'", "\u2019"),
}


@pytest.mark.parametrize("how", sorted(REFORMATS))
def test_formatting_does_not_change_the_flags(how: str) -> None:
    changed = []
    for name in NAMES:
        text = read(name)
        before = {f.id for f in detect_clauses(text, name)}
        after_text = REFORMATS[how](text)
        after = detect_clauses(after_text, name)
        if {f.id for f in after} != before:
            changed.append(name)
        for flag in after:
            for ev in flag.evidence:
                assert ev.quote in lines_span(after_text, *ev.lines)
    assert not changed
