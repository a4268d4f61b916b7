"""Identify a license text by similarity to reference fingerprints.

A reference is never shipped as text.  rules/fingerprints.json holds, per reference:
  * a *sample* of its hashed word 5-grams (only hashes whose top two bits are zero,
    about one in four): enough to estimate containment both ways, too sparse to
    chain the hashes back into text;
  * the ordered 32-bit hashes of its normalised sentences (with their word counts),
    so a close-but-changed text can be aligned with the reference and the changed,
    added or missing sentences located in the input.

Matching: containment of the reference in the text (is the whole license there?)
and of the text in the reference (is there anything else?) are combined; the best
candidate wins, ties broken by the larger exact overlap.  Versions of one license
differ in enough 5-grams to be told apart; a version that has no reference text
is recognised by its own title marker (see knowledge `markers`).
"""

from __future__ import annotations

import base64
import json
import re
import zlib
from array import array
from bisect import bisect_left
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from difflib import SequenceMatcher
from functools import cached_property
from itertools import chain, repeat
from typing import Any

from licscan.detect import tiling, variable
from licscan.detect.normalize import Tokens, cjk_share, tokenize
from licscan.model import Evidence, EvidenceKind

FORMAT = 1
K = 5  # words per shingle
_MASK = 0xFFFFFFFF
_BASE = 0x01000193
_DROP = pow(_BASE, K, 1 << 32)  # what the word leaving the window weighs after the shift
MATCH_MIN = 0.70  # containment of the reference needed to call a text that license
SAMPLES_MIN = 6  # and at least this many shared sampled shingles
EXACT_MIN = 0.95
POLICY_INCLUDED = 0.85  # a policy this much present is reported as included


class _WordIds(dict[str, int]):
    """Word -> crc32 id, computed on first sight (a lookup is C speed, a miss is not)."""

    def __missing__(self, word: str) -> int:
        self[word] = h = zlib.crc32(word.encode("utf-8"))
        return h


_word_ids = _WordIds()


def _ids(words: list[str]) -> list[int]:
    if len(_word_ids) > 200_000:
        _word_ids.clear()
    return list(map(_word_ids.__getitem__, words))


def shingle_hashes(words: list[str]) -> list[int]:
    """32-bit hash of the K-word shingle starting at each position (rolling polynomial)."""
    ids = _ids(words)
    n = len(ids)
    if n < K:
        return [zlib.crc32(" ".join(words).encode("utf-8"))] if n else []
    h = 0
    for t in ids[:K]:
        h = (h * _BASE + t) & _MASK
    out = [h]
    append = out.append
    base, drop, mask = _BASE, _DROP, _MASK
    # (h - old * B^(K-1)) * B + new, mod 2^32: the word leaving the window, the one entering
    for old, new in zip(ids, ids[K:], strict=False):
        h = (h * base - old * drop + new) & mask
        append(h)
    return out


def sampled_hashes(words: list[str]) -> set[int]:
    """The sampled shingle hashes of a text (what matching compares), in text order of
    first occurrence (a ranking's ties keep the order in which references were counted)."""
    return {h for h in shingle_hashes(words) if not h >> 30}  # sampled()


def sampled(h: int) -> bool:
    """The sampling rule shared by build and match: about one shingle in four."""
    return h >> 30 == 0


_MARKERISH = re.compile(r"^(?:\d{1,3}|[a-z]|[ivxlc]{1,4})$")
_marker_words: dict[str, bool] = {}


def skeleton(words: list[str]) -> tuple[list[str], list[int]]:
    """Content words only (no numbering, single letters or roman numerals), with each
    one's index in `words`: list markers that a re-wrap left inside a paragraph change
    the word shingles, not the content, so changes are measured on this skeleton."""
    marker = _marker_words
    if len(marker) > 200_000:
        marker.clear()
    index = []
    for i, w in enumerate(words):
        m = marker.get(w)
        if m is None:
            m = marker[w] = _MARKERISH.match(w) is not None
        if not m:
            index.append(i)
    return [words[i] for i in index], index


def sentence_hashes(tokens: Tokens) -> list[int]:
    return [zlib.crc32(" ".join(tokens.words[s:e]).encode("utf-8")) for s, e in tokens.sentences]


def skeleton_sentence_hashes(tokens: Tokens) -> list[int]:
    """Sentence hashes over content words only: a list marker a re-wrap moved into a
    sentence changes its hash above, not this one."""
    return [
        zlib.crc32(" ".join(skeleton(tokens.words[s:e])[0]).encode("utf-8"))
        for s, e in tokens.sentences
    ]


def unmarked_hashes(tokens: Tokens) -> list[int]:
    """Sentence hashes without lettered list markers ("a", "iv": tiling.unmarked), which a
    re-wrap moves into or out of a sentence; numbers are kept."""
    out = []
    for s, e in tokens.sentences:
        kept = [w for w in tokens.words[s:e] if not tiling.letter_marker(w)]
        out += [len(kept), tiling.words_hash(kept, 0, len(kept))]
    return out


def templates(tokens: Tokens) -> list[int]:
    """Template sentences, flat: [sentence index, number of segments, (length, hash) of
    each fixed segment around its blanks ("[yyyy]", "the copyright holder"), ...]."""
    out: list[int] = []
    for i, (s, e) in enumerate(tokens.sentences):
        words = tokens.words[s:e]
        slots = variable.template_slots(words)
        if not slots:
            continue
        bounds = [0, *(x for slot in slots for x in slot), len(words)]
        segments = list(zip(bounds[::2], bounds[1::2], strict=True))
        out += [i, len(segments)]
        for a, b in segments:
            out += [b - a, tiling.words_hash(words, a, b)]
    return out


_END_OF_TERMS = ["end", "of", "terms", "and", "conditions"]


def optional_sentences(tokens: Tokens) -> list[int]:
    """Sentences a copy may leave out without changing the terms: titles and headings
    (short, no rights word, no full stop: "GNU GENERAL PUBLIC LICENSE", "Version 2.0,
    January 2004"; '"Google" means Google LLC.' is a sentence), and from where the license
    says its terms end ("END OF TERMS AND CONDITIONS") to the end: the "How to apply"
    appendix."""
    words = tokens.words
    out = [
        i
        for i, (s, e) in enumerate(tokens.sentences)
        if e not in tokens.stops and variable.titleish(words[s:e])
    ]
    for i, (s, e) in enumerate(tokens.sentences):
        if words[s:e] == _END_OF_TERMS:
            out.extend(range(i, len(tokens.sentences)))
            break
    return sorted(set(out))


# --- build ---------------------------------------------------------------------------


def _pack(values: list[int], code: str) -> str:
    return base64.b64encode(array(code, values).tobytes()).decode("ascii")


def _unpack(text: str, code: str) -> array:
    arr = array(code)
    arr.frombytes(base64.b64decode(text))
    return arr


def _strip_policy(tokens: Tokens, policy: set[int]) -> Tokens:
    """A copy of `tokens` without the sentences that belong to an embedded policy
    (most of their shingles are shingles of the policy text)."""
    hashes = shingle_hashes(tokens.words)
    out = Tokens(line_count=tokens.line_count)
    for s, e in tokens.sentences:
        own = hashes[s : max(s + 1, e - K + 1)]
        if own and sum(h in policy for h in own) >= 0.6 * len(own):
            continue
        start = len(out.words)
        out.words.extend(tokens.words[s:e])
        out.lines.extend(tokens.lines[s:e])
        out.sentences.append((start, len(out.words)))
    return out


def build_reference(name: str, key: str, tokens: Tokens) -> dict[str, Any]:
    hashes = sorted({h for h in shingle_hashes(tokens.words) if sampled(h)})
    skel = sorted({h for h in shingle_hashes(skeleton(tokens.words)[0]) if sampled(h)})
    sents = sentence_hashes(tokens)
    lengths = [min(e - s, 65535) for s, e in tokens.sentences]
    return {
        "name": name,
        "key": key,
        "tokens": len(tokens.words),
        "hashes": _pack(hashes, "I"),
        "sentences": _pack(sents, "I"),
        "sentence_tokens": _pack(lengths, "H"),
        "skeleton": _pack(skel, "I"),
        "skeleton_sentences": _pack(skeleton_sentence_hashes(tokens), "I"),
        "unmarked": _pack(unmarked_hashes(tokens), "I"),
        "templates": _pack(templates(tokens), "I"),
        "optional": _pack(optional_sentences(tokens), "H"),
    }


def build_database(
    sources: list[tuple[str, str, str, str]], policy_keys: set[str]
) -> dict[str, Any]:
    """Fingerprints of (name, key, origin, text) references, deterministic.

    A license reference that also carries a whole use policy (Llama 3's file appends
    its AUP) is stripped of that policy's sentences, so the license is matched on
    its own terms and the policy is recognised separately."""
    parsed = [(name, key, origin, tokenize(text)) for name, key, origin, text in sources]
    policies = [
        set(shingle_hashes(tokens.words)) for _, key, _, tokens in parsed if key in policy_keys
    ]
    refs: list[dict[str, Any]] = []
    seen: set[tuple[str, str]] = set()
    for name, key, origin, tokens in sorted(parsed, key=lambda p: (p[1], p[0])):
        if key not in policy_keys:
            own = set(shingle_hashes(tokens.words))
            for pol in policies:
                if pol and len(pol & own) >= 0.9 * len(pol) and len(own) > 1.25 * len(pol):
                    tokens = _strip_policy(tokens, pol)
                    own = set(shingle_hashes(tokens.words))
        ref = build_reference(name, key, tokens)
        ident = (key, ref["hashes"])
        if ident in seen:  # a byte-different copy with identical fingerprints
            continue
        seen.add(ident)
        ref["origin"] = origin
        refs.append(ref)
    return {"format": FORMAT, "k": K, "sampling": "top-2-bits-zero", "references": refs}


def dump_database(db: dict[str, Any]) -> str:
    return json.dumps(db, indent=1, sort_keys=True, ensure_ascii=True) + "\n"


# --- match ---------------------------------------------------------------------------


def _pairs(flat: array) -> list[tuple[int, int]]:
    return list(zip(flat[::2], flat[1::2], strict=True))


def _templates(flat: array) -> dict[int, tuple[tuple[int, int], ...]]:
    out = {}
    i = 0
    while i < len(flat):
        sentence, n = flat[i], flat[i + 1]
        seg = flat[i + 2 : i + 2 + 2 * n]
        out[sentence] = tuple(zip(seg[::2], seg[1::2], strict=True))
        i += 2 + 2 * n
    return out


@dataclass
class Reference:
    name: str
    key: str
    tokens: int
    hashes: frozenset[int]
    sentences: list[int]
    sentence_tokens: list[int]
    skeleton: frozenset[int]
    skeleton_sentences: list[int] = field(default_factory=list)
    # (length, hash) of each sentence without its lettered markers (tiling.letter_marker)
    unmarked: list[tuple[int, int]] = field(default_factory=list)
    # sentence -> ((length, hash), ...) of the fixed segments around its blanks
    templates: dict[int, tuple[tuple[int, int], ...]] = field(default_factory=dict)
    optional: frozenset[int] = frozenset()  # sentences a copy may drop (titles, appendix)


@dataclass(slots=True)  # (dozens are made per text)
class Candidate:
    ref: Reference
    shared: int  # sampled shingles in common
    c_ref: float  # share of the reference found in the text
    c_text: float  # share of the text found in the reference

    @property
    def rank(self) -> tuple[float, int]:
        s = self.c_ref + self.c_text
        return (2 * self.c_ref * self.c_text / s if s else 0.0, self.shared)


@dataclass
class Block:
    """A stretch where text and reference differ (sentence alignment)."""

    tag: str  # "replace" | "insert" (text only) | "delete" (reference only)
    start: int  # token range in the text
    end: int
    ref_tokens: int  # reference words on the reference side
    changed: float  # words not explained: new text that is no variable part, missing words
    edge: bool = False  # an annotation at the very start/end
    foreign: bool = False  # translation / included policy: not a change of the terms
    missing: int = 0  # reference words the text lacks (optional sentences not counted)
    missing_at: int = -1  # token index where they belonged
    new: list[tuple[int, int]] = field(default_factory=list)  # token ranges of new text


@dataclass(frozen=True, slots=True)
class Changed:
    """A sentence of the text that is not, verbatim, a sentence of the reference."""

    start: int  # token range in the text
    end: int
    novelty: float  # share of its sampled content shingles the reference lacks
    samples: int = 0  # how many sampled shingles that share rests on
    fillable: bool = False  # a variable part: a title, a notice, a holder's name in a blank
    edge: bool = False  # before or after the whole license (a preface, an appendix)
    kind: str | None = None  # what variable part (licscan.detect.variable), None: a change


@dataclass
class Analysis:
    """Everything classify needs to know about one text's identity."""

    tokens: Tokens
    candidates: list[Candidate] = field(default_factory=list)
    best: Candidate | None = None
    blocks: list[Block] = field(default_factory=list)
    includes: list[Candidate] = field(default_factory=list)
    exact: bool = False
    changed: list[Changed] = field(default_factory=list)  # sentence by sentence
    explained: float = 0.0  # share of the text the best match and its includes explain

    @property
    def modified(self) -> bool:
        return any(b.changed and not (b.edge or b.foreign) for b in self.blocks)


class FingerprintIndex:
    def __init__(
        self,
        refs: list[Reference],
        open_licenses: dict | None = None,
        names: Mapping[str, Sequence[str]] | None = None,
    ) -> None:
        self.refs = refs
        # key -> {name, spdx, osi_approved} of references the knowledge base has no entry
        # for (see scripts/build_fingerprints.py `open_licenses`)
        self.open_licenses: dict[str, dict[str, Any]] = open_licenses or {}
        # key -> what the knowledge base calls it (name, SPDX id, family, markers): the
        # words a title or a pointer line may name (given by licscan.knowledge)
        self.names: Mapping[str, Sequence[str]] = names or {}
        self._words: dict[str, frozenset[str]] = {}
        postings: dict[int, list[int]] = {}
        for i, ref in enumerate(refs):
            for h in ref.hashes:
                postings.setdefault(h, []).append(i)
        self.postings = postings
        self.sizes = [max(len(ref.hashes), 1) for ref in refs]

    @classmethod
    def from_json(
        cls, data: dict[str, Any], names: Mapping[str, Sequence[str]] | None = None
    ) -> FingerprintIndex:
        if data.get("format") != FORMAT or data.get("k") != K:
            raise ValueError(
                "fingerprints: unsupported format; rebuild with scripts/build_fingerprints.py"
            )
        refs = [
            Reference(
                r["name"],
                r["key"],
                r["tokens"],
                frozenset(_unpack(r["hashes"], "I")),
                list(_unpack(r["sentences"], "I")),
                list(_unpack(r["sentence_tokens"], "H")),
                frozenset(_unpack(r["skeleton"], "I")),
                list(_unpack(r.get("skeleton_sentences", ""), "I")),
                _pairs(_unpack(r.get("unmarked", ""), "I")),
                _templates(_unpack(r.get("templates", ""), "I")),
                frozenset(_unpack(r.get("optional", ""), "H")),
            )
            for r in data["references"]
        ]
        return cls(refs, data.get("open_licenses"), names)

    def license_words(self, key: str) -> frozenset[str]:
        """Words that name the license `key` (its name, markers, SPDX id, key): what a
        title or a pointer line may name."""
        words = self._words.get(key)
        if words is None:
            table_name = self.open_licenses.get(key, {}).get("name", "")
            parts = [key.replace("-", " "), table_name, *self.names.get(key, ())]
            words = frozenset(w for part in parts for w in tokenize(part).words)
            self._words[key] = words
        return words

    def candidates(
        self, qset: set[int], policy_keys: frozenset[str] = frozenset()
    ) -> list[Candidate]:
        """Every reference sharing sampled shingles (`sampled_hashes`) with the text, best
        first.  The share of the text a license explains is counted without the parts
        that an embedded use policy explains (a license file may append its policy)."""
        if not qset:
            return []
        counts = self._count(qset)
        refs, sizes, total = self.refs, self.sizes, len(qset)
        by_ref = {i: Candidate(refs[i], n, n / sizes[i], n / total) for i, n in counts.items()}
        out = list(by_ref.values())
        embedded = [c for c in out if c.ref.key in policy_keys and c.c_ref >= POLICY_INCLUDED]
        if embedded:
            rest = qset.difference(*(c.ref.hashes for c in embedded))
            if rest:
                again = self._count(rest)
                for i, c in by_ref.items():
                    if c.ref.key not in policy_keys:
                        c.c_text = again.get(i, 0) / len(rest)
        out.sort(key=lambda c: c.rank, reverse=True)
        return out

    def _count(self, qset: set[int]) -> Counter[int]:
        # (all at C speed; counted in the order of `qset`, which the ranking's ties keep)
        return Counter(chain.from_iterable(map(self.postings.get, qset, repeat(()))))

    def analyse(self, tokens: Tokens, policy_keys: frozenset[str] = frozenset()) -> Analysis:
        qset = sampled_hashes(tokens.words)
        result = Analysis(tokens, self.candidates(qset, policy_keys))
        confident = [c for c in result.candidates if _confident(c)]
        if not confident:
            return result
        best = result.best = _prefer_longer(confident, qset)
        skel = _Skeleton(tokens.words)
        covered: set[int] = set(best.ref.hashes)
        # Other documents in the same file (an appended use policy, a second license):
        # nearly whole, and mostly text the best match does not already explain.
        for c in result.candidates:
            if (  # cheap tests first: the skeleton is computed only when it decides
                c.ref.key != best.ref.key
                and c.c_ref >= 0.5
                and len(c.ref.hashes & covered) <= 0.5 * len(c.ref.hashes)
                and all(c.ref.key != i.ref.key for i in result.includes)
                and (c.c_ref >= POLICY_INCLUDED or skel.containment(c.ref) >= POLICY_INCLUDED)
            ):
                result.includes.append(c)
                covered |= c.ref.hashes
        result.explained = _explained(qset, best, result.includes)
        sents = sentence_hashes(tokens)  # (once: the alignment needs them too)
        if best.c_ref >= EXACT_MIN and sents == best.ref.sentences:
            result.exact = True  # the reference itself, sentence for sentence
            return result
        extra = [c.ref for c in result.includes]
        view = _RefView(best.ref, self.license_words(best.ref.key))
        result.blocks, result.changed = _align(tokens, sents, skel, view, extra)
        result.exact = best.c_ref >= EXACT_MIN and not any(
            b.changed and not b.foreign for b in result.blocks
        )
        return result


def _explained(qset: set[int], best: Candidate, includes: list[Candidate]) -> float:
    """Share of the text's sampled shingles found in the matched reference or in a document
    it includes: a match must explain most of the text, not only contain most of itself."""
    if not qset:
        return 0.0
    rest = qset - best.ref.hashes
    for c in includes:
        rest -= c.ref.hashes
    return 1.0 - len(rest) / len(qset)


def _confident(c: Candidate) -> bool:
    """Most of the reference is in the text; or a good part of it is, and the text is
    mostly that reference (short licenses whose holder names were filled in)."""
    if c.shared < SAMPLES_MIN:
        return False
    return c.c_ref >= MATCH_MIN or (c.c_ref >= MATCH_MIN - 0.1 and c.c_text >= 0.75)


def _prefer_longer(confident: list[Candidate], qset: set[int]) -> Candidate:
    """The best candidate, unless its reference is nested in a longer one (BSD-2 in
    BSD-3, CC BY in CC BY-NC) of which the text holds the extra part too."""
    best = confident[0]
    for c in confident[1:4]:
        if (
            best.rank[0] - c.rank[0] <= 0.1
            and len(c.ref.hashes) >= 1.1 * len(best.ref.hashes)
            and c.shared >= best.shared + 2
            and len(best.ref.hashes & c.ref.hashes) >= 0.9 * len(best.ref.hashes)
        ):
            return c
    return best


class _Skeleton:
    """Sampled skeleton shingles of a text, addressable by token range (computed on
    first use: an exact copy never needs them)."""

    def __init__(self, words: list[str]) -> None:
        self.words = words

    @cached_property
    def index(self) -> list[int]:
        skel_words, index = skeleton(self.words)
        self.__dict__["hashes"] = shingle_hashes(skel_words)
        return index

    @cached_property
    def hashes(self) -> list[int]:
        _ = self.index  # computes both
        return self.__dict__["hashes"]

    @cached_property
    def sampled(self) -> set[int]:
        return {h for h in self.hashes if not h >> 30}

    def containment(self, ref: Reference) -> float:
        return len(ref.skeleton & self.sampled) / max(len(ref.skeleton), 1)

    def novelty(self, start: int, end: int, ref_skeleton: frozenset[int]) -> tuple[float, int]:
        """Share of the sampled skeleton shingles inside a token range that the reference
        lacks, and how many sampled shingles that share rests on."""
        p0, p1 = bisect_left(self.index, start), bisect_left(self.index, end)
        stop = max(p0, p1 - K + 1) if p1 - p0 >= K else min(p1, len(self.hashes))
        seen = [h in ref_skeleton for h in self.hashes[p0:stop] if sampled(h)]
        if not seen:
            return (1.0 if end > start else 0.0), 0
        return 1.0 - sum(seen) / len(seen), len(seen)


@dataclass(frozen=True)
class _RefView:
    ref: Reference
    names: frozenset[str]

    def tiling(self) -> tiling.RefView:
        r = self.ref
        return tiling.RefView(
            r.sentences, r.sentence_tokens, r.templates, r.optional, self.names, r.unmarked
        )


def _align(
    tokens: Tokens, sents: list[int], skel: _Skeleton, view: _RefView, extra: list[Reference]
) -> tuple[list[Block], list[Changed]]:
    """Sentence-level alignment of text (`sents`: its sentence hashes) and reference; each
    differing stretch explained by the reference's sentences and variable parts
    (licscan.detect.tiling), or by an included document or a translation beside the text."""
    ref = view.ref
    matcher = SequenceMatcher(None, ref.sentences, sents, autojunk=False)
    n_tok = len(tokens.words)
    blocks: list[Block] = []
    new_sentences: list[Changed] = []
    cjk_total: float | None = None  # CJK tokens in the whole text (counted when needed)
    ref_view = view.tiling()
    for tag, r0, r1, q0, q1 in matcher.get_opcodes():
        if tag == "equal":
            continue
        start = tokens.sentences[q0][0] if q0 < len(tokens.sentences) else n_tok
        end = tokens.sentences[q1 - 1][1] if q1 > q0 else start
        q_tok = end - start
        block = Block(tag, start, end, sum(ref.sentence_tokens[r0:r1]), 0.0)
        # Text only before or after the license (a preface, an appendix).
        block.edge = tag == "insert" and (start == 0 or end == n_tok)
        if q_tok and block.ref_tokens == 0 and (share := cjk_share(tokens.words[start:end])) > 0.5:
            # a translation beside an English text, not a clause added to a Chinese one
            if cjk_total is None:
                cjk_total = cjk_share(tokens.words) * n_tok
            rest = n_tok - q_tok
            block.foreign = not rest or (cjk_total - share * q_tok) / rest < 0.3
        elif q_tok and any(skel.novelty(start, end, r.skeleton)[0] < 0.4 for r in extra):
            block.foreign = True  # an embedded use policy or second license, reported apart
            # (what none of them holds is still new text: only clear news, its layout is new)
            new_sentences.extend(_included_news(tokens, sents, skel, [ref, *extra], q0, q1))
        if not block.foreign:
            done = tiling.explain(tokens, q0, q1, ref_view, (r0, r1))
            block.missing, block.missing_at = done.missing, done.missing_at
            block.new = [(p.start, p.end) for p in done.parts if p.kind is None]
            block.changed = float(done.unexplained + done.missing)
            new_sentences.extend(
                Changed(p.start, p.end, 1.0 if p.kind is None else 0.0, 0,
                        fillable=p.kind is not None, edge=block.edge, kind=p.kind)
                for p in done.parts
            )  # fmt: skip
        blocks.append(block)
    return blocks, new_sentences


def _included_news(
    tokens: Tokens, sents: list[int], skel: _Skeleton, refs: list[Reference], q0: int, q1: int
) -> list[Changed]:
    """Sentences of a stretch that an included document explains which none of the
    documents holds, as they are or as content words (a re-wrapped list marker is no
    change), and whose content is mostly new on enough evidence."""
    known = set(chain.from_iterable(r.sentences for r in refs))
    known_skel = set(chain.from_iterable(r.skeleton_sentences for r in refs))
    ref_skel = frozenset().union(*(r.skeleton for r in refs))
    out = []
    for i in range(q0, q1):
        if sents[i] in known:
            continue
        s, e = tokens.sentences[i]
        skel_hash = zlib.crc32(" ".join(skeleton(tokens.words[s:e])[0]).encode("utf-8"))
        if skel_hash in known_skel:
            continue
        novelty, samples = skel.novelty(s, e, ref_skel)
        if novelty >= 0.5 and novelty * samples >= 3:
            out.append(Changed(s, e, novelty, samples))
    return out


def block_evidence(
    block: Block, tokens: Tokens, raw_lines: list[str], source: str, ref_key: str
) -> list[Evidence]:
    """Evidence for one differing block: the input's own lines for each stretch of new
    text, else a note where reference words are missing."""
    out = []
    for start, end in block.new or ([(block.start, block.end)] if not block.missing else []):
        first, last = tokens.lines[start], tokens.lines[end - 1]
        quote = " ".join(raw_lines[i - 1].strip() for i in range(first, last + 1))
        quote = " ".join(quote.split())
        if len(quote) > 300:
            quote = quote[:297] + "..."
        out.append(Evidence.at(source, quote, (first, last)))
    if out:
        return out
    at_token = block.missing_at if block.missing_at >= 0 else block.start
    at = tokens.lines[at_token - 1] if at_token else (tokens.lines[0] if tokens.lines else 1)
    words = block.missing or block.ref_tokens
    return [
        Evidence.at(
            source,
            f"[about {words} words of the {ref_key} reference text are missing here]",
            (at, at),
            EvidenceKind.OBSERVED,
        )
    ]
