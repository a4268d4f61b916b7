"""Explain a stretch where a text and its reference differ, sentence by sentence.

The fingerprint alignment (licscan.detect.fingerprint) pairs the text's sentences with the
reference's by their hashes; where they differ, this module finds each reference sentence
again as an exact run of the text's words (a heading run into the next sentence, a
sentence cut by a page break, a title merged into the first line), or as a template
sentence whose blanks hold a name ("Neither the name of <the holder> nor ..."), and judges
what is left over (licscan.detect.variable): a title, a copyright notice, a numbering
marker, a line pointing at the license, a sentence of the license moved (a GPL notice from
its appendix put on top).  Reference sentences may be absent only when they are titles or
headings, or where the license says its terms have ended (the "How to apply" appendix).
Whatever remains is a change of the terms, however small: a dropped "not" leaves a
sentence no reference sentence equals.

Only hashes of the reference are known (sentence hashes and lengths, template segments):
a text range is tested by hashing its words the way the build hashed the reference's.
"""

from __future__ import annotations

import re
import zlib
from bisect import bisect_left
from dataclasses import dataclass
from functools import cached_property
from itertools import pairwise

from licscan.detect import variable
from licscan.detect.normalize import Tokens

WINDOW = 200  # words past the cursor where a reference sentence is looked for


_LETTER_MARKER = re.compile(r"^(?:[a-z]|[ivx]{2,5})$")


def letter_marker(word: str) -> bool:
    """A lettered list marker ("a", "iv") or a one-letter word: nothing a term rests on;
    a re-wrap moves markers into and out of sentences.  (Numbers are never dropped.)"""
    return len(word) <= 5 and _LETTER_MARKER.match(word) is not None


def words_hash(words: list[str], a: int, b: int) -> int:
    """The hash of words[a:b] as the build hashes a sentence or a template segment."""
    return zlib.crc32(" ".join(words[a:b]).encode("utf-8"))


@dataclass(frozen=True, slots=True)
class Part:
    """Text the reference lacks: a variable part (`kind`) or a change (kind None)."""

    start: int
    end: int
    kind: str | None


@dataclass(frozen=True)
class RefView:  # (not slotted: `known` is cached on it)
    """What the alignment knows of a reference: sentence hashes and lengths, template
    segments (sentence -> ((length, hash), ...) around its blanks), the sentences a copy
    may leave out (titles, the appendix), and the words of its name (for pointer lines)."""

    sentences: list[int]
    lengths: list[int]
    templates: dict[int, tuple[tuple[int, int], ...]]
    optional: frozenset[int]
    names: frozenset[str]
    unmarked: list[tuple[int, int]]  # (length, hash) of each sentence's unmarked words

    @cached_property
    def known(self) -> frozenset[int]:
        return frozenset(self.sentences)


@dataclass
class Explained:
    parts: list[Part]
    missing: int  # reference words absent from the text (optional ones not counted)
    missing_at: int  # token index where the first absent reference sentence belonged (-1)

    @property
    def unexplained(self) -> int:
        return sum(p.end - p.start for p in self.parts if p.kind is None)


class _Block:
    """One differing stretch of the text: tokens t0:t1, its sentences `spans`."""

    def __init__(
        self, tokens: Tokens, spans: list[tuple[int, int]], ref: RefView, t0: int, t1: int
    ) -> None:
        self.words = tokens.words
        self.stops = tokens.stops
        self.ref = ref
        self.t0, self.t1 = t0, t1
        self.starts = sorted({s for s, _ in spans})
        self.ends = sorted({e for _, e in spans})

    def find(self, r: int, cursor: int, limit: int) -> tuple[int, int, list[Part]] | None:
        """Where reference sentence `r` lies in the text from `cursor` on (its start, end
        and the blanks it fills), or None."""
        m = self.ref.lengths[r]
        template = self.ref.templates.get(r)
        cands = {cursor}
        cands.update(s for s in self.starts if cursor <= s <= cursor + WINDOW)
        cands.update(self._past_markers(s) for s in self.starts if cursor <= s <= cursor + WINDOW)
        if template is None:
            for e in self.ends:
                if cursor <= e - m <= cursor + WINDOW:
                    cands.add(e - m)
                    cands.add(self._before_markers(e) - m)
        for x in sorted(cands):
            if template is not None:
                hit = self._template(template, x, limit)
                if hit is not None:
                    return x, hit[0], hit[1]
            elif x + m <= limit and words_hash(self.words, x, x + m) == self.ref.sentences[r]:
                return x, x + m, []
        if template is None and r < len(self.ref.unmarked):
            return self._unmarked(r, cursor, limit)
        return None

    @cached_property
    def kept(self) -> list[int]:
        """Indexes of the stretch's words that are not lettered markers."""
        words = self.words
        return [i for i in range(self.t0, self.t1) if not letter_marker(words[i])]

    def _unmarked(self, r: int, cursor: int, limit: int) -> tuple[int, int, list[Part]] | None:
        """Reference sentence `r` found with lettered markers left out on both sides (a
        re-wrap ran "a." into the sentence, or took it out of it)."""
        size, want = self.ref.unmarked[r]
        kept = self.kept
        if not size:
            return None
        ks = {bisect_left(kept, cursor)}
        ks.update(bisect_left(kept, s) for s in self.starts if cursor <= s <= cursor + WINDOW)
        ks.update(bisect_left(kept, e) - size for e in self.ends if cursor < e <= limit)
        for k in sorted(ks):
            if k < 0 or k + size > len(kept) or kept[k] < cursor or kept[k + size - 1] >= limit:
                continue
            if zlib.crc32(" ".join(self.words[i] for i in kept[k : k + size]).encode()) == want:
                return kept[k], kept[k + size - 1] + 1, []
        return None

    def _past_markers(self, s: int) -> int:
        """Past numbering a re-wrap ran into a sentence's start ("2 Redistributions...")."""
        while s < self.t1 - 1 and variable.markerish(self.words[s]):
            s += 1
        return s

    def _before_markers(self, e: int) -> int:
        """Before numbering a re-wrap ran into a sentence's end ("...disclaimer 2")."""
        while e > self.t0 + 1 and variable.markerish(self.words[e - 1]):
            e -= 1
        return e

    def _template(
        self, segments: tuple[tuple[int, int], ...], x: int, limit: int
    ) -> tuple[int, list[Part]] | None:
        """Match a template sentence at `x`: its fixed segments in order, each blank
        between them filled by a name (variable.slot_fill)."""
        words = self.words
        n0, h0 = segments[0]
        if x + n0 > limit or words_hash(words, x, x + n0) != h0:
            return None
        p, slots = x + n0, []
        for i, (n, h) in enumerate(segments[1:], 1):
            if n == 0 and i == len(segments) - 1:  # a blank that ends the sentence
                end = next((e for e in self.ends if e > p), limit)
                fill = min(end, p + variable.SLOT_WORDS, limit)
                if not variable.slot_fill(words[p:fill]):
                    return None
                if fill > p:
                    slots.append(Part(p, fill, "slot"))
                return fill, slots
            for size in range(variable.SLOT_WORDS + 1):
                q = p + size
                if q + n > limit:
                    return None
                if words_hash(words, q, q + n) == h and variable.slot_fill(words[p:q]):
                    if q > p:
                        slots.append(Part(p, q, "slot"))
                    p = q + n
                    break
            else:
                return None
        return p, slots

    def gap(self, a: int, b: int, edge: bool) -> list[Part]:
        """Text between matched reference sentences, cut at the text's sentence bounds:
        each piece a variable part or a change."""
        cuts = sorted(
            {a, b, *(s for s in self.starts if a < s < b), *(e for e in self.ends if a < e < b)}
        )
        out = []
        for p, q in pairwise(cuts):
            kind = variable.variable_part(self.words[p:q], self.ref.names, edge, q in self.stops)
            if kind is None and words_hash(self.words, p, q) in self.ref.known:
                kind = "moved"  # a sentence of the license itself, elsewhere (a GPL notice
            out.append(Part(p, q, kind))  # from its "How to apply" put on top)
        return out


def explain(tokens: Tokens, q0: int, q1: int, ref: RefView, refs: tuple[int, int]) -> Explained:
    """Explain the text's sentences q0:q1 by reference sentences refs[0]:refs[1], in order,
    and variable parts."""
    r0, r1 = refs
    words, spans = tokens.words, tokens.sentences[q0:q1]
    t0 = (
        spans[0][0]
        if spans
        else (tokens.sentences[q0][0] if q0 < len(tokens.sentences) else len(words))
    )
    t1 = spans[-1][1] if spans else t0
    block = _Block(tokens, spans, ref, t0, t1)
    parts: list[Part] = []
    missing, missing_at = 0, -1
    cursor = t0
    matched = False
    for r in range(r0, r1):
        found = block.find(r, cursor, t1)
        if found is None:
            if r not in ref.optional:
                missing += ref.lengths[r]
                missing_at = cursor if missing_at < 0 else missing_at
            continue
        x, end, slots = found
        if x > cursor:
            parts.extend(block.gap(cursor, x, edge=t0 == 0 and not matched))
        parts.extend(slots)
        cursor, matched = end, True
    if cursor < t1:
        parts.extend(block.gap(cursor, t1, edge=t1 == len(words) or (t0 == 0 and not matched)))
    return Explained(parts, missing, missing_at)
