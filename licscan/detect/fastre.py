"""Compile a regex with a lookahead of the characters any match can start with.

Python's regex engine skips ahead fast only when a pattern starts with a literal; a
legal-English pattern starts with `\\b` and an alternation, so the engine enters the
alternation at every position of the text.  `(?=[cfm])` in front costs one character
test there instead, and matches exactly what the pattern matches: every match begins
with one of those characters (the class is folded under the pattern's own flags, as its
literals are).  When the first characters cannot be worked out, the pattern is compiled
as it is.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any, cast

try:  # the parser the re module itself uses (private: without it, plain compile)
    from re import _constants as C  # type: ignore[attr-defined]
    from re import _parser  # type: ignore[attr-defined]

    _ZERO_WIDTH = (C.AT, C.ASSERT, C.ASSERT_NOT)
    _REPEATS = (C.MAX_REPEAT, C.MIN_REPEAT, C.POSSESSIVE_REPEAT)
except (ImportError, AttributeError):  # pragma: no cover - another Python's internals
    _parser = None

MAX_LEAD = 24  # more distinct first characters than this: the test would not pay


@lru_cache(maxsize=512)  # as re.compile's own cache: some patterns are built per text
def compile_fast(pattern: str, flags: int = 0) -> re.Pattern[str]:
    """The pattern, compiled on first use (a process that never needs a detector's rare
    pattern does not pay for it) with the lookahead when one can be worked out."""
    return cast("re.Pattern[str]", LazyPattern(pattern, flags))  # duck-typed


def _compile(pattern: str, flags: int) -> re.Pattern[str]:
    lead = lead_class(pattern, flags)
    if lead is None:
        return re.compile(pattern, flags)
    return re.compile(f"(?={lead})(?:{pattern})", flags)


class LazyPattern:
    """Stands for a compiled pattern; `pattern` is the source as written."""

    def __init__(self, pattern: str, flags: int) -> None:
        self.pattern, self.flags = pattern, flags

    def __getattr__(self, name: str) -> Any:  # first use only: then found in __dict__
        rx = _compile(self.pattern, self.flags)
        for attr in ("search", "match", "fullmatch", "finditer", "findall", "sub", "split"):
            self.__dict__[attr] = getattr(rx, attr)
        return getattr(rx, name)


def lead_class(pattern: str, flags: int = 0) -> str | None:
    """A character class of what a match of `pattern` starts with, or None."""
    if _parser is None or flags & re.VERBOSE or re.match(r"\(\?[aiLmsux]+\)", pattern):
        return None  # global inline flags must stay first; a verbose comment would eat ")"
    try:
        items = _parser.parse(pattern, flags).data
    except (re.error, TypeError, ValueError):
        return None
    # Only where the engine has no way to skip ahead itself: a pattern led by `\b` or a
    # lookbehind (one led by a literal or a set is scanned for fast; one led by `^` is
    # tried at line starts only, and must stay so).
    if not _blind_start(items):
        return None
    first = _first(items)
    if first is None or first[1] or not first[0] or len(first[0]) > MAX_LEAD:
        return None  # unknown, or the pattern can match the empty string
    return "[" + "".join(f"\\U{c:08x}" for c in sorted(first[0])) + "]"


def _blind_start(items: Any) -> bool:
    if not items:
        return False
    op, av = items[0]
    if op is C.BRANCH:
        return all(_blind_start(alt.data) for alt in av[1])
    if op is C.SUBPATTERN:
        return _blind_start(av[3].data)
    return (op is C.AT and av is C.AT_BOUNDARY) or op in (C.ASSERT, C.ASSERT_NOT)


def _first(items: Any) -> tuple[set[int], bool] | None:
    """(code points a match of the sequence can start with, can it be empty); None when
    a construct is not understood."""
    out: set[int] = set()
    for op, av in items:
        if op in _ZERO_WIDTH:
            continue
        if op is C.LITERAL:
            out.add(av)
            return out, False
        if op is C.IN:
            chars = _charset(av)
            if chars is None:
                return None
            return out | chars, False
        if op is C.BRANCH:
            part = _alternatives(av[1])
        elif op is C.SUBPATTERN:
            if av[1] or av[2]:  # scoped flags: folding differs inside
                return None
            part = _first(av[3].data)
        elif op in _REPEATS:
            part = _first(av[2].data)
            if part is not None and av[0] == 0:
                part = (part[0], True)
        else:
            return None
        if part is None:
            return None
        out |= part[0]
        if not part[1]:
            return out, False
    return out, True


def _alternatives(alts: Any) -> tuple[set[int], bool] | None:
    out: set[int] = set()
    empty = False
    for alt in alts:
        part = _first(alt.data)
        if part is None:
            return None
        out |= part[0]
        empty = empty or part[1]
    return out, empty


def _charset(items: Any) -> set[int] | None:
    out: set[int] = set()
    for op, av in items:
        if op is C.LITERAL:
            out.add(av)
        elif op is C.RANGE and av[1] - av[0] < MAX_LEAD:
            out.update(range(av[0], av[1] + 1))
        else:  # negated sets, categories (\w, \s), wide ranges
            return None
    return out
