"""Classify one license text: identity (fingerprints) + clauses (detectors) -> category.

Two independent signals are combined.  When the text is a known license, the
knowledge base gives its category and flags, and the clause detectors supply the
quotes.  When the text is close to a known license but differs, the differing
passages are located, and a clause the detectors find there that the known
license lacks (or a known clause that is gone) makes it `modified-license`, with
the stricter category.  A text that matches nothing is `unrecognized-license`
and rests on its clauses alone.  Unreadable input never raises: `error` is set.
"""

from __future__ import annotations

import os
from functools import cache
from types import ModuleType

from licscan.detect.fingerprint import (
    BLOCK_MIN,
    Analysis,
    load_index,
    to_match,
)
from licscan.detect.normalize import MAX_TEXT_BYTES, TextError, Tokens, decode, tokenize
from licscan.knowledge import KnowledgeBase, LicenseEntry, load_knowledge
from licscan.model import (
    FLAG_IDS,
    RESTRICTING_FLAGS,
    TERM_FLAGS,
    WITHHOLDING_FLAGS,
    ClauseFact,
    Evidence,
    EvidenceKind,
    Flag,
    LicenseMatch,
    TextClassification,
    strictest,
)

EXACT = 0.99  # containment both ways (numbers included) of an exact copy
NEAR_TIE = 0.03  # candidates this close are told apart by their own title/version line
TITLE_TOKENS = 150  # where titles and version lines are looked for


def category_of(key: str) -> str:
    """Category of a knowledge-base key (or anything lookup() resolves); 'unknown' if none."""
    entry = load_knowledge().lookup(key)
    return entry.category if entry else "unknown"


def category_from_flags(flag_ids: set[str]) -> str:
    """The least restrictive category compatible with a set of term flags."""
    if flag_ids & WITHHOLDING_FLAGS:
        return "source-available"
    if flag_ids & RESTRICTING_FLAGS:
        return "open-weight"
    return "osi-open"


# --- input ---------------------------------------------------------------------------


def classify_path(path: str) -> TextClassification:
    """Classify a license file; unreadable, binary or huge files get `error`, never raise."""
    try:
        size = os.path.getsize(path)
        if size > MAX_TEXT_BYTES:
            return _failed(path, f"too large for a license text ({size} bytes)")
        with open(path, "rb") as fh:
            data = fh.read()
    except OSError as exc:
        return _failed(path, f"cannot read: {exc.strerror or exc}")
    try:
        text = decode(data)
    except TextError as exc:
        return _failed(path, str(exc))
    try:
        return classify_text(text, path)
    except Exception as exc:  # fail closed: one bad text must not end a scan
        return _failed(path, f"could not be analysed ({type(exc).__name__}: {exc})")


def _failed(path: str, why: str) -> TextClassification:
    return TextClassification(path, LicenseMatch(None, None, 0.0), "unknown", False, error=why)


# --- clause detectors (licscan.detect.clauses) -----------------------------------------


@cache
def _clauses() -> ModuleType | None:
    try:
        from licscan.detect import clauses
    except ImportError:  # pragma: no cover - only while the detectors are not installed
        return None
    return clauses


def _detect(text: str, source: str) -> list[Flag]:
    mod = _clauses()
    return list(mod.detect_clauses(text, source)) if mod else []


def _clause_category(text: str, flags: list[Flag]) -> tuple[str, bool]:
    mod = _clauses()
    return tuple(mod.category_from_clauses(text, flags)) if mod else ("unknown", False)


def _is_policy(text: str) -> bool:
    mod = _clauses()
    return bool(mod.is_use_policy(text)) if mod else False


# --- identity --------------------------------------------------------------------------


@cache
def _markers(key: str) -> tuple[str, ...]:
    entry = load_knowledge().get(key)
    if not entry:
        return ()
    return tuple(" " + " ".join(tokenize(m).words) + " " for m in entry.markers)


def _marked(key: str, head: str, min_words: int = 1) -> int:
    """Length (in words) of the longest marker of `key` present in `head`."""
    best = 0
    for m in _markers(key):
        n = m.count(" ") - 1
        if n >= min_words and m in head:
            best = max(best, n)
    return best


def _identify(analysis: Analysis, kb: KnowledgeBase, head: str) -> tuple[LicenseEntry | None, str]:
    """The knowledge-base entry a text is, and on what basis ('fingerprint' / 'title')."""
    best = analysis.best
    if best is not None:
        entry = kb.get(best.ref.key)
        if entry is None:
            return None, ""
        if _marked(entry.key, head):
            return entry, "fingerprint"
        rank = best.rank[0]
        for cand in analysis.candidates[1:8]:  # near-ties: trust the text's own title
            if (
                rank - cand.rank[0] <= NEAR_TIE
                and cand.ref.key != entry.key
                and _marked(cand.ref.key, head)
            ):
                return kb.get(cand.ref.key) or entry, "fingerprint"
        # A version we hold no reference text for, named by its own title/version line
        # (an exact copy of a reference is that reference, whatever it says).
        if (best.c_ref >= EXACT and best.c_text >= EXACT) or not entry.family:
            return entry, "fingerprint"
        keyed = {r.key for r in load_index().refs}
        siblings = [
            (n, e)
            for e in kb.family(entry.family)
            if e.key not in keyed and e.kind == entry.kind and (n := _marked(e.key, head))
        ]
        if siblings:
            return max(siblings, key=lambda s: (s[0], s[1].key))[1], "title"
        return entry, "fingerprint"
    titled = [(n, e) for e in kb.entries.values() if (n := _marked(e.key, head, min_words=3))]
    if titled:
        return max(titled, key=lambda s: (s[0], s[1].key))[1], "title"
    return None, ""


# --- classification --------------------------------------------------------------------


def classify_text(text: str, source: str) -> TextClassification:
    """What one license text is: identity, category, clause flags with evidence."""
    kb = load_knowledge()
    index = load_index()
    tokens = tokenize(text)
    if not tokens.words:
        return _failed(source, "empty: no license text")
    policy_keys = frozenset(k for k, e in kb.entries.items() if e.kind == "policy")
    analysis = index.analyse(tokens, policy_keys)
    head = " " + " ".join(tokens.words[:TITLE_TOKENS]) + " "
    entry, basis = _identify(analysis, kb, head)
    detected = _detect(text, source)
    lines = text.splitlines()
    if entry is None:
        return _unrecognized(text, source, analysis, detected)
    match = (
        to_match(analysis, lines, source)
        if basis == "fingerprint"
        else LicenseMatch(None, None, analysis.best.c_ref if analysis.best else 0.0)
    )
    match.key, match.name, match.basis = entry.key, entry.name, basis
    if basis == "title":
        match.modified, match.differences = False, []
    facts = [(entry, fact) for fact in entry.flags]
    category = entry.category
    for key in match.includes:  # an appended use policy or a second license binds too
        other = kb.get(key)
        if other:
            facts.extend((other, fact) for fact in other.flags)
            category = strictest([category, other.category])
    flags = _known_flags(facts, detected)
    reasons, extra = _disagreement(analysis, basis, entry, facts, detected, tokens)
    changed_values = _changed_values(entry, facts, detected)
    reasons = [r for r, _ in changed_values] + reasons
    for _, flag in changed_values:  # the text's own number, located, beats the known one
        match.differences = _merge_evidence(match.differences, flag.evidence)
        flags = [flag if f.id == flag.id else f for f in flags]
    if match.modified or reasons:
        match.modified = True
        flags.extend(extra)
        flags, dropped = _drop_unfounded(analysis, basis, entry, flags, detected)
        if dropped:  # said better by the drop's own reasons
            reasons = [r for r in reasons if "was not found" not in r] + dropped
        if dropped and entry.category != "unknown":  # the text's own clauses decide
            category = category_from_flags({f.id for f in flags})
        else:
            category = strictest([category, category_from_flags({f.id for f in flags})])
        flags.append(
            Flag(
                "modified-license",
                evidence=match.differences
                or [
                    Evidence(
                        source,
                        "[no passage located: the detectors disagree with the known terms]",
                        None,
                        EvidenceKind.OBSERVED,
                    )
                ],
                note="; ".join(
                    reasons or [f"text differs from the {entry.key} reference in substance"]
                ),
            )
        )
    kind = "policy" if entry.kind == "policy" else "license"
    return TextClassification(
        source,
        match,
        category,
        entry.osi_approved and not match.modified,
        _ordered(flags),
        kind=kind,
    )


def _known_flags(facts: list[tuple[LicenseEntry, ClauseFact]], detected: list[Flag]) -> list[Flag]:
    """The entry's flags, quoted from the text where a detector found the clause."""
    found: dict[str, Flag] = {}
    for flag in detected:
        found.setdefault(flag.id, flag)
    out: dict[str, Flag] = {}
    for owner, fact in facts:
        if fact.flag in out:
            continue
        hit = found.get(fact.flag)
        if hit and hit.evidence:
            out[fact.flag] = Flag(
                fact.flag, fact.value or hit.value, list(hit.evidence), note=fact.stated
            )
        else:
            out[fact.flag] = Flag(
                fact.flag,
                fact.value,
                [Evidence(owner.file, fact.stated, None, EvidenceKind.KNOWLEDGE_BASE)],
                note=f"known term of {owner.name}; clause not quoted from this text",
            )
    return list(out.values())


def _changed_values(
    entry: LicenseEntry, facts: list[tuple[LicenseEntry, ClauseFact]], detected: list[Flag]
) -> list[tuple[str, Flag]]:
    """Thresholds the text states differently from the known license ("7 million" where
    the license says 700 million): each a reason and the flag with the text's value.

    Checked even when the text matches the reference almost word for word: a changed
    number is one word, too small for the fingerprint to notice, and the one that
    matters most."""
    known = {f.flag: f for _, f in facts}
    out = []
    for flag in detected:
        fact = known.get(flag.id)
        if not (fact and fact.value and flag.value) or flag.value == fact.value:
            continue
        reason = f"'{flag.id}' value {flag.value} differs from {entry.key} ({fact.value})"
        note = f"{fact.clause}; the text says {flag.value}, {entry.key} says {fact.value}"
        out.append((reason, Flag(flag.id, flag.value, list(flag.evidence), note=note)))
    return out


DOUBTFUL = 0.9  # below this share of a reference present, a changed text may be another license


def _drop_unfounded(
    analysis: Analysis, basis: str, entry: LicenseEntry, flags: list[Flag], detected: list[Flag]
) -> tuple[list[Flag], list[str]]:
    """A changed text far from its closest reference (another version or a relative: CC
    BY-SA 1.0 next to CC BY-NC-SA 2.0) keeps only the known clauses the detectors find in
    it: a withholding clause that is not there must not be reported as if it were."""
    best = analysis.best
    if basis != "fingerprint" or best is None or best.c_ref >= DOUBTFUL:
        return flags, []
    found = {f.id for f in detected}
    own = {fact.flag for fact in entry.flags if fact.flag in TERM_FLAGS}
    gone = own - found
    if not gone:
        return flags, []
    reasons = [
        f"the '{flag}' clause of {entry.key} is not in this text ({best.c_ref:.2f} of "
        f"{entry.key} present): not reported, review the text"
        for flag in sorted(gone)
    ]
    return [f for f in flags if f.id not in gone], reasons


def _merge_evidence(first: list[Evidence], more: list[Evidence]) -> list[Evidence]:
    out = list(first)
    out.extend(e for e in more if e not in out)
    return sorted(out, key=lambda e: e.lines or (0, 0))


def _disagreement(
    analysis: Analysis,
    basis: str,
    entry: LicenseEntry,
    facts: list[tuple[LicenseEntry, ClauseFact]],
    detected: list[Flag],
    tokens: Tokens,
) -> tuple[list[str], list[Flag]]:
    """Why identity and clauses disagree (reasons) and the clause flags the text adds."""
    if basis == "fingerprint" and analysis.exact:
        return [], []
    known = {f.flag: f for _, f in facts}
    spans = [
        (tokens.lines[b.start], tokens.lines[b.end - 1])
        for b in analysis.blocks
        if b.end > b.start and not b.foreign and b.changed >= 3
    ]

    def in_changed_text(flag: Flag) -> bool:
        if basis == "title":
            return True
        return any(
            e.lines and any(a <= e.lines[1] and e.lines[0] <= b for a, b in spans)
            for e in flag.evidence
        )

    reasons: list[str] = []
    extra: list[Flag] = []
    for flag in detected:
        if flag.id not in TERM_FLAGS or not in_changed_text(flag):
            continue
        fact = known.get(flag.id)
        if fact is None and all(f.id != flag.id for f in extra):
            extra.append(flag)
            reasons.append(f"adds a '{flag.id}' clause that {entry.key} does not have")
    removed = sum(  # reference words with no counterpart in the text
        max(0, b.ref_tokens - (b.end - b.start))
        for b in analysis.blocks
        if b.tag != "insert" and not b.foreign
    )
    if basis == "fingerprint" and (removed >= BLOCK_MIN or analysis.modified):
        found = {f.id for f in detected}
        for _, fact in facts:
            if fact.flag not in found and _clauses() is not None:
                reasons.append(
                    f"the '{fact.flag}' clause of {entry.key} was not found (removed or reworded?)"
                )
    return reasons, extra


def _unrecognized(
    text: str, source: str, analysis: Analysis, detected: list[Flag]
) -> TextClassification:
    top = analysis.candidates[0] if analysis.candidates else None
    match = LicenseMatch(
        None, None, top.c_ref if top else 0.0, closest=top.ref.key if top else None
    )
    category, osi = _clause_category(text, detected)
    lines = text.splitlines()
    first = next((i for i, line in enumerate(lines, 1) if line.strip()), 1)
    note = "no known license matches; category rests on the clauses found"
    if top:
        note += f" (closest: {top.ref.key}, {top.c_ref:.2f} of it present)"
    flags = [f for f in detected if f.id in FLAG_IDS]
    flags.append(
        Flag(
            "unrecognized-license",
            evidence=[
                Evidence(
                    source,
                    lines[first - 1].strip()[:200] if lines else "",
                    (first, first),
                    EvidenceKind.TEXT,
                )
            ],
            note=note,
        )
    )
    kind = "policy" if _is_policy(text) else "license"
    return TextClassification(source, match, category, bool(osi), _ordered(flags), kind=kind)


def _ordered(flags: list[Flag]) -> list[Flag]:
    merged: dict[str, Flag] = {}
    for flag in flags:
        if flag.id in merged:
            merged[flag.id].evidence.extend(
                e for e in flag.evidence if e not in merged[flag.id].evidence
            )
        else:
            merged[flag.id] = flag
    order = {f: i for i, f in enumerate(FLAG_IDS)}
    return sorted(merged.values(), key=lambda f: order.get(f.id, len(order)))
