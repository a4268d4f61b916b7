"""fastre.compile_fast adds a first-character lookahead to the detectors' regexes; it must
match exactly what the plain pattern matches, on license texts and on arbitrary text."""

from __future__ import annotations

import importlib
import pkgutil
import re
import string

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from paths import CORPUS

import licscan.detect
from licscan.detect.fastre import LazyPattern, _compile, lead_class

TEXTS = CORPUS / "texts"


def _patterns(value, seen) -> list[LazyPattern]:
    if isinstance(getattr(value, "rx", None), LazyPattern):  # a Rule or Cue: its pattern
        value = value.rx
    if isinstance(value, LazyPattern):
        return [value]
    if isinstance(value, dict):
        value = list(value.values())
    if isinstance(value, list | tuple | set | frozenset) and id(value) not in seen:
        seen.add(id(value))
        return [p for v in value for p in _patterns(v, seen)]
    return []


def _fast_pairs() -> list[tuple[re.Pattern, re.Pattern]]:
    """Every detector regex that compile_fast rewrote, beside its plain compile."""
    pairs, seen = [], set()
    for info in pkgutil.iter_modules(licscan.detect.__path__):
        module = importlib.import_module(f"licscan.detect.{info.name}")
        for value in vars(module).values():
            for lazy in _patterns(value, seen):
                fast = _compile(lazy.pattern, lazy.flags)
                if fast.pattern != lazy.pattern:
                    pairs.append((fast, re.compile(lazy.pattern, lazy.flags)))
    return pairs


PAIRS = _fast_pairs()


def _spans(p: re.Pattern, text: str) -> list[tuple[int, int]]:
    return [m.span() for m in p.finditer(text)]


def test_the_detectors_use_the_fast_path():
    assert len(PAIRS) >= 20  # the rewrite is in use (else this file tests nothing)


def test_a_lazy_pattern_answers_as_the_compiled_one():
    from licscan.detect.fastre import compile_fast

    lazy = compile_fast(r"\b(?:non|not)[- ]commercial\b", re.IGNORECASE)
    text = "For NON-commercial use; not commercial."
    assert [m.span() for m in lazy.finditer(text)] == [(4, 18), (24, 38)]
    assert lazy.sub("X", text) == "For X use; X."
    assert lazy.search("commercial") is None


@pytest.mark.slow
@pytest.mark.corpus
def test_same_matches_on_the_corpus():
    texts = [p.read_text(encoding="utf-8", errors="replace") for p in sorted(TEXTS.iterdir())]
    for fast, plain in PAIRS:
        for text in texts[::4]:
            assert _spans(fast, text) == _spans(plain, text), plain.pattern[:80]


# case variants, and letters that fold oddly (long s, Kelvin sign) under IGNORECASE
WORDS = ["commercial", "Commercial", "NON-COMMERCIAL", "not", "may", "use", "research",
         "license", "ſ", "K", "\u212a", "only", "users", "million", "EU", "\n", ". "]  # fmt: skip


@pytest.mark.slow
@settings(max_examples=200, deadline=None, suppress_health_check=list(HealthCheck))
@given(st.lists(st.sampled_from(WORDS) | st.text(max_size=3), max_size=30).map("".join))
def test_same_matches_on_arbitrary_text(text):
    for fast, plain in PAIRS:
        assert _spans(fast, text) == _spans(plain, text), plain.pattern[:80]


@pytest.mark.parametrize(
    "pattern, flags, lead",
    [
        (r"\b(?:cat|dog)s?\b", 0, "[cd]"),
        (r"\bfoo", re.IGNORECASE, "[f]"),
        (r"\b(?:x?)", 0, None),  # can match the empty string: no lookahead
        (r"literal first", 0, None),  # the engine already skips ahead on a literal
        (r"(?x) \b a  # comment", 0, None),  # verbose patterns are left alone
    ],
)
def test_lead_class(pattern, flags, lead):
    got = lead_class(pattern, flags)
    assert (got is None) == (lead is None)
    if lead is not None:
        letters = "abcdefghijklmnopqrstuvwxyz"
        assert {c for c in letters if re.fullmatch(got, c)} == set(lead.strip("[]"))
        assert _compile(pattern, flags).pattern.startswith("(?=")


# --- patterns rewritten by hand for speed, beside the plain form they replace ----------

_PLAIN_BOUNDARY = re.compile(
    r"(?=[.!?;:\u3002\uff01\uff1f\uff1b])"
    r"(?:[.!?;][\"')\]]*(?=\s+[\"'(\[]?[A-Z0-9(])|:(?=[ \t]*\n)|[\u3002\uff01\uff1f\uff1b]"
    r"|;(?=\s*[\u3400-\u9fff]))"
)
_PLAIN_CAPS_LINE = re.compile(r"^[^\na-z]{4,90}$", re.M)
PROSE = ["The Model", "no", "not ", "No", "nota", ". ", ".) ", '." ', "; (a) ", ":\n", ":  \n",
         "。", "！x", "?\n1", ";许", "; \n可", "e.g. You", "NOTICE\n", "THE SOFTWARE IS PROVIDED",
         "\n", "  ", "Ünïcode"]  # fmt: skip


@settings(max_examples=300, deadline=None, suppress_health_check=list(HealthCheck))
@given(st.lists(st.sampled_from(PROSE) | st.text(max_size=3), max_size=30).map("".join))
def test_hand_rewritten_patterns_match_as_the_plain_ones(text):
    from licscan.detect import clause_text, clause_use, normalize

    assert _spans(clause_text._BOUNDARY_RE, text) == _spans(_PLAIN_BOUNDARY, text)
    caps_re = clause_text._CAPS_LINE_RE
    caps = [i for i, line in enumerate(text.split("\n")) if caps_re.fullmatch(line)]
    starts = [0] + [i + 1 for i, c in enumerate(text) if c == "\n"]
    assert caps == [starts.index(m.start()) for m in _PLAIN_CAPS_LINE.finditer(text)]
    low = text.lower()
    assert _spans(clause_use._NO_OR_NOT, low) == _spans(re.compile(r"\bno(?:t)?\b"), low)
    if low.isascii():  # the ASCII token pattern stands in for the full one on ASCII text
        assert normalize._ASCII_TOKEN_RE.findall(low) == normalize._TOKEN_RE.findall(low)
        assert normalize._ASCII_SENT_END_RE.split(text) == normalize._SENT_END_RE.split(text)


def _gated() -> list[tuple[str, object]]:
    """Every Rule and Cue of the detectors: a pattern tried only where one of its keys is."""
    from licscan.detect.clause_rules import Rule
    from licscan.detect.clause_vocab import Cue

    out, seen = [], set()
    for info in pkgutil.iter_modules(licscan.detect.__path__):
        module = importlib.import_module(f"licscan.detect.{info.name}")
        for name, value in vars(module).items():
            for item in value if isinstance(value, list) else [value]:
                if isinstance(item, Rule | Cue) and id(item) not in seen:
                    seen.add(id(item))
                    out.append((f"{info.name}.{name}", item))
    return out


GATED = _gated()


@pytest.mark.slow
@pytest.mark.corpus
def test_keys_are_necessary_on_the_corpus():
    """A key that a match can lack would skip that match: the gate must never decide."""
    from licscan.detect.clause_text import prepare

    assert len(GATED) > 30
    for path in sorted(TEXTS.iterdir()):
        for seg in prepare(path.read_text(encoding="utf-8", errors="replace")).segments:
            for name, gated in GATED:
                if gated.rx.search(seg.text):
                    assert gated.has_key(seg.low), (name, seg.text[:120])


# (the letters that fold oddly under IGNORECASE, long s and Kelvin sign, are left out:
# a gate reads lower-case text, a known and accepted blind spot)
PLAIN = [w for w in WORDS + PROSE if w.isascii()]
ASCII_PROSE = st.text(alphabet=string.ascii_letters + " .,;:\n'\"-", max_size=4)


@settings(max_examples=200, deadline=None, suppress_health_check=list(HealthCheck))
@given(st.lists(st.sampled_from(PLAIN) | ASCII_PROSE, max_size=30).map("".join))
def test_keys_are_necessary_on_arbitrary_text(text):
    for name, gated in GATED:
        if gated.rx.search(text):
            assert gated.has_key(text.lower()), name
