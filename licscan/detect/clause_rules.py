"""What every clause detector returns (a Hit) and the context test they share.

A detector (licscan.detect.clause_use / clause_output / clause_terms) reads segments
(sentences, clauses, list items with their lead-in) and returns Hits: the segment and the
span of the decisive words.  Context decides: a prohibition cue before the words ("may
not", "agree not to"), an exception ("except", "other than"), a definition
('"Non-Commercial Purpose" means ...' is not a prohibition), an opposite grant
("commercial use is permitted") that cancels the flag.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from licscan.detect.clause_text import Segment
from licscan.detect.clause_vocab import LICENSOR_PROMISE_RE, NEG_KEYS, NEG_RE, key_test
from licscan.detect.fastre import compile_fast

_I = re.IGNORECASE


@dataclass
class Hit:
    flag: str
    seg: Segment
    start: int  # span of the decisive words, offsets in Document.text
    end: int
    value: str | None = None
    note: str = ""


def hit(flag: str, seg: Segment, m: re.Match[str] | None, **kw: str | None) -> Hit:
    if m is None:
        return Hit(flag, seg, seg.start, seg.end, **kw)  # type: ignore[arg-type]
    return Hit(flag, seg, seg.start + m.start(), seg.start + m.end(), **kw)  # type: ignore[arg-type]


_OPTION_RE = compile_fast(r"^\W*(?:this|that|the|such)\s+(?:alternative|option|exception)\b", re.I)


def negated(seg: Segment, at: int, window: int = 220) -> bool:
    """Is position `at` (in seg.text) under a prohibition: a cue before it in the same
    segment, or a prohibitive lead-in of the list it belongs to?"""
    before = seg.text[max(0, at - window) : at]
    if NEG_RE.search(before) and not LICENSOR_PROMISE_RE.search(before):
        return True
    if seg.lead and _OPTION_RE.search(seg.text):
        return False
    return bool(seg.lead and NEG_RE.search(seg.lead) and not LICENSOR_PROMISE_RE.search(seg.lead))


class Rule:
    """A pattern and the substrings (lower case) a segment must hold for it to be tried:
    plain substring tests are cheap, long legal-English regexes are not."""

    def __init__(self, keys: tuple[str, ...], rx: re.Pattern[str]) -> None:
        self.keys = keys
        self.has_key = key_test(keys)
        self.rx = rx

    def search(self, seg: Segment) -> re.Match[str] | None:
        if self.keys and not self.has_key(seg.low):
            return None
        return self.rx.search(seg.text)

    def finditer(self, seg: Segment) -> list[re.Match[str]]:
        if self.keys and not self.has_key(seg.low):
            return []
        return list(self.rx.finditer(seg.text))

    def overlapping(self, seg: Segment) -> list[re.Match[str]]:
        if self.keys and not self.has_key(seg.low):
            return []
        return overlapping(self.rx, seg.text)


def rule(keys: str | tuple[str, ...], pattern: str, flags: int = re.IGNORECASE) -> Rule:
    return Rule((keys,) if isinstance(keys, str) else keys, compile_fast(pattern, flags))


def overlapping(rx: re.Pattern[str], text: str) -> list[re.Match[str]]:
    """Matches of `rx` starting at every possible place, overlaps included: in "to run
    the Model for research purposes only" a purpose list starts at "for", not at "to";
    a heading ("Outputs") joined to a clause must not swallow the clause's own match."""
    out = []
    pos = 0
    while (m := rx.search(text, pos)) is not None:
        out.append(m)
        pos = m.start() + 1
    return out


def first(seg: Segment, rules: list[Rule]) -> re.Match[str] | None:
    """The first rule (in order) that matches `seg`."""
    for r in rules:
        m = r.search(seg)
        if m:
            return m
    return None


def maybe_negated(seg: Segment) -> bool:
    """Cheap test: could anything in the segment or its lead-in be a prohibition?"""
    low = seg.low
    return any(k in low for k in NEG_KEYS) or (
        bool(seg.lead) and any(k in seg.lead.lower() for k in NEG_KEYS)
    )
