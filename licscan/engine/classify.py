"""Classify one license text: identity (fingerprints) + clauses (detectors) -> category.

`osi-open` is earned only by identity: a text that is a known open license (a
knowledge-base entry or an SPDX reference), with nothing added or changed beyond its
variable parts.  An exact copy carries the knowledge base's category and flags, quoted
from the text where the detectors find the clause.  A text close to a known license but
changed is `modified-license`: it carries only the flags quoted from *itself* (a known
clause the detectors do not find is dropped, with a note), at most `open-weight`.  A text
that matches nothing, that a match does not explain, or whose version line names another
version is `unrecognized-license`: its clauses decide, at most `open-weight`; no grant, or
a language licscan does not read, is `unknown`.  Unreadable input never raises: `error`.
"""

from __future__ import annotations

from licscan.detect import identity, language
from licscan.detect.clauses import category_from_clauses, detect_clauses, is_use_policy
from licscan.detect.fingerprint import Analysis
from licscan.detect.normalize import Tokens, tokenize
from licscan.detect.notice_forms import conventional
from licscan.knowledge import load_index, load_knowledge
from licscan.model import (
    FLAG_IDS,
    RESTRICTING_FLAGS,
    TERM_FLAGS,
    WITHHOLDING_FLAGS,
    ClauseFact,
    Evidence,
    EvidenceKind,
    Flag,
    LicenseEntry,
    LicenseFile,
    LicenseMatch,
    TextClassification,
    strictest,
)


def category_from_flags(flag_ids: set[str]) -> str:
    """The least restrictive category compatible with a set of term flags."""
    if flag_ids & WITHHOLDING_FLAGS:
        return "source-available"
    if flag_ids & RESTRICTING_FLAGS:
        return "open-weight"
    return "osi-open"


# --- input ---------------------------------------------------------------------------


def classify_file(lf: LicenseFile) -> TextClassification:
    """Classify a license file read from disk (licscan.sources.files.read_license_path):
    one that could not be read gets `error`; never raises."""
    if lf.text is None:
        return _failed(lf.path, lf.error or "not read")
    try:
        return classify_text(lf.text, lf.path)
    except Exception as exc:  # fail closed: one bad text must not end a scan
        return _failed(lf.path, f"could not be analysed ({type(exc).__name__}: {exc})")


def _failed(path: str, why: str, empty: bool = False) -> TextClassification:
    match = LicenseMatch(None, None, 0.0)
    return TextClassification(path, match, "unknown", False, error=why, empty=empty)


# --- classification --------------------------------------------------------------------

NOTICE_WORDS = 60  # a text this short that names a license is a notice pointing to it


def classify_text(text: str, source: str) -> TextClassification:
    """What one license text is: identity, category, clause flags with evidence."""
    kb = load_knowledge()
    index = load_index()
    tokens = tokenize(text)
    if not tokens.words:
        reading = language.unread(text)
        if reading is not None:
            return _unread(text, source, reading, TextClassification(
                source, LicenseMatch(None, None, 0.0), "unknown", False))  # fmt: skip
        return _failed(source, "empty: no license text", empty=True)
    policy_keys = frozenset(k for k, e in kb.entries.items() if e.kind == "policy")
    analysis = index.analyse(tokens, policy_keys)
    lines = identity.lines_of(text)
    found = identity.identify(analysis, tokens, lines, source, kb, index)
    entry, basis = found.entry, found.basis
    detected = detect_clauses(text, source)
    if entry is None:
        return _unrecognized(text, source, analysis, detected)
    if found.not_this is not None:
        return _unrecognized(text, source, analysis, detected, other=(entry, found.not_this))
    if basis == "title" and _notice_words(tokens) <= NOTICE_WORDS:
        return _notice(text, source, entry, analysis, detected)
    return _identified(text, source, entry, basis, analysis, detected)


def _identified(
    text: str,
    source: str,
    entry: LicenseEntry,
    basis: str,
    analysis: Analysis,
    detected: list[Flag],
) -> TextClassification:
    """A text matched to a known license: its category and flags.  An exact copy (or one
    that differs only in variable parts) carries the entry's terms; any other text carries
    only the terms quoted from itself, at most `open-weight`."""
    kb = load_knowledge()
    tokens, lines = analysis.tokens, identity.lines_of(text)
    match = (
        identity.to_match(kb, analysis, lines, source)
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
    changed = identity.substantive_changes(analysis) if basis == "fingerprint" else []
    reasons, extra = _added(analysis, basis, entry, facts, detected)
    changed_values = _changed_values(entry, facts, detected)
    reasons = [r for r, _ in changed_values] + reasons
    for c in changed:
        ev = identity.sentence_evidence(tokens, lines, source, (c.start, c.end))
        if not any(e.lines and ev.lines and e.lines[0] <= ev.lines[1] and ev.lines[0] <= e.lines[1]
                   for e in match.differences):  # fmt: skip
            match.differences = _merge_evidence(match.differences, [ev])
    if changed and not reasons:
        reasons.append(
            f"{len(changed)} passage(s) that {entry.key} does not have speak of rights or "
            "duties (quoted): not a copy of it, review them"
        )
    copy = basis == "fingerprint" and not (match.modified or reasons or changed)
    if copy:  # the known terms, quoted from the text where the detectors find them
        flags = _known_flags(facts, detected)
        return TextClassification(
            source, match, category, entry.osi_approved, _ordered(flags), kind=_kind(entry)
        )
    flags, dropped = _quoted_flags(entry, facts, detected, changed_values)
    flags.extend(f for f in extra if all(f.id != g.id for g in flags))
    reasons.extend(dropped)
    # Not a copy: the text's own clauses decide, and a custom text is no OSI license.
    floor = "unknown" if category == "unknown" else "open-weight"
    category = strictest([floor, category_from_flags({f.id for f in flags})])
    if basis == "fingerprint" or reasons:
        match.modified = True
        flags.append(_modified_flag(source, entry, match, reasons))
    return TextClassification(source, match, category, False, _ordered(flags), kind=_kind(entry))


def _kind(entry: LicenseEntry) -> str:
    return "policy" if entry.kind == "policy" else "license"


def _modified_flag(
    source: str, entry: LicenseEntry, match: LicenseMatch, reasons: list[str]
) -> Flag:
    return Flag(
        "modified-license",
        evidence=match.differences
        or [
            Evidence.at(
                source,
                "[no passage located: the detectors disagree with the known terms]",
                None,
                EvidenceKind.OBSERVED,
            )
        ],
        note="; ".join(reasons or [f"text differs from the {entry.key} reference in substance"]),
    )


def _notice_words(tokens: Tokens) -> int:
    """Words of a text but those of the sentences every notice of a license carries (its
    compliance clause, its pointer to the full text, its disclaimer)."""
    usual = sum(e - s for s, e in tokens.sentences if conventional(tokens.words[s:e]))
    return len(tokens.words) - usual


def _notice(
    text: str, source: str, entry: LicenseEntry, analysis: Analysis, detected: list[Flag]
) -> TextClassification:
    """A short text that names a known license (\"licensed under the X License\"): the named
    license binds.  Its known terms are cited to the naming line and to the knowledge
    base; clauses the notice adds are quoted and can only make it stricter."""
    kb = load_knowledge()
    tokens, lines = analysis.tokens, identity.lines_of(text)
    named = next(
        (s, e) for s, e in tokens.sentences
        if identity.marked(kb, entry.key, " " + " ".join(tokens.words[s:e]) + " ")
    ) if tokens.sentences else (0, 1)  # fmt: skip
    line_ev = identity.sentence_evidence(tokens, lines, source, named)
    flags = [
        Flag(
            fact.flag,
            fact.value,
            [line_ev, Evidence.at(entry.file, fact.stated, None, EvidenceKind.KNOWLEDGE_BASE)],
            note=f"known term of {entry.name}, which this notice names",
        )
        for fact in entry.flags
    ]
    flags.extend(f for f in detected if f.id in TERM_FLAGS)
    other = [
        (s, e) for s, e in tokens.sentences
        if (s, e) != named and identity.normative(tokens.words[s:e])
        and not conventional(tokens.words[s:e])
    ]  # fmt: skip
    category = strictest([entry.category, category_from_flags({f.id for f in flags})])
    match = LicenseMatch(entry.key, entry.name, 1.0, basis="title")
    if other:  # more than a pointer: terms of its own, not an OSI license
        category = strictest([category, "open-weight"])
        match.modified = True
        match.differences = [
            identity.sentence_evidence(tokens, lines, source, span) for span in other
        ]
        why = f"the notice adds terms of its own to {entry.key} (quoted): review them"
        flags.append(_modified_flag(source, entry, match, [why]))
    osi = entry.osi_approved and category == "osi-open"
    return TextClassification(source, match, category, osi, _ordered(flags), kind=_kind(entry))


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
                [Evidence.at(owner.file, fact.stated, None, EvidenceKind.KNOWLEDGE_BASE)],
                note=f"known term of {owner.name}; clause not quoted from this text",
            )
    return list(out.values())


def _quoted_flags(
    entry: LicenseEntry,
    facts: list[tuple[LicenseEntry, ClauseFact]],
    detected: list[Flag],
    changed_values: list[tuple[str, Flag]],
) -> tuple[list[Flag], list[str]]:
    """A text that is not a copy: the known flags whose clause the detectors find in *this*
    text, quoted from it (the text's own number where it differs), and a reason for each
    known clause that is not there (not reported, whatever the resemblance)."""
    found = {f.id: f for f in detected}
    values = {f.id: f for _, f in changed_values}
    out: dict[str, Flag] = {}
    dropped: dict[str, str] = {}  # flag -> why it is not reported
    for owner, fact in facts:
        if fact.flag in out or fact.flag in dropped:
            continue
        hit = values.get(fact.flag) or found.get(fact.flag)
        if hit is None or not hit.evidence:
            dropped[fact.flag] = (
                f"the '{fact.flag}' clause of {owner.key} is not found in this text: not "
                "reported, review the text"
            )
            continue
        note = hit.note if fact.flag in values else fact.stated
        out[fact.flag] = Flag(fact.flag, hit.value or fact.value, list(hit.evidence), note=note)
    return list(out.values()), list(dropped.values())


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


def _merge_evidence(first: list[Evidence], more: list[Evidence]) -> list[Evidence]:
    out = list(first)
    out.extend(e for e in more if e not in out)
    return sorted(out, key=lambda e: e.lines or (0, 0))


def _added(
    analysis: Analysis,
    basis: str,
    entry: LicenseEntry,
    facts: list[tuple[LicenseEntry, ClauseFact]],
    detected: list[Flag],
) -> tuple[list[str], list[Flag]]:
    """Clauses the text adds to the known license: a detector flag the entry lacks, with
    evidence in a sentence the reference does not hold verbatim (or anywhere, for a text
    named by its title alone: there is no reference to hold anything)."""
    if basis == "fingerprint" and analysis.exact:
        return [], []
    tokens = analysis.tokens
    spans = [(tokens.lines[c.start], tokens.lines[c.end - 1]) for c in analysis.changed]

    def in_changed_text(flag: Flag) -> bool:
        if basis == "title":
            return True
        return any(
            e.lines and any(a <= e.lines[1] and e.lines[0] <= b for a, b in spans)
            for e in flag.evidence
        )

    known = {fact.flag for _, fact in facts}
    reasons: list[str] = []
    extra: list[Flag] = []
    for flag in detected:
        if flag.id in TERM_FLAGS and flag.id not in known and in_changed_text(flag):
            extra.append(flag)
            reasons.append(f"adds a '{flag.id}' clause that {entry.key} does not have")
    return reasons, extra


def _unrecognized(
    text: str,
    source: str,
    analysis: Analysis,
    detected: list[Flag],
    other: tuple[LicenseEntry, identity.NotThis] | None = None,
) -> TextClassification:
    """A text that is no known license: at most `open-weight` (a custom license is no OSI
    license), from its clauses alone; `unknown` when it grants nothing or is written in a
    language licscan does not read."""
    top = analysis.candidates[0] if analysis.candidates else None
    closest = other[0].key if other else (top.ref.key if top else None)
    # the entry it resembles (by text; by its title alone there is no score), or the closest
    near = analysis.best if other else top
    score = near.c_ref if near else 0.0
    match = LicenseMatch(None, None, score, closest=closest)
    if other and other[1].other_version:
        match.name = f"another version of {identity.family_name(other[0])}"
    category, _ = category_from_clauses(text, detected)
    lines = identity.lines_of(text)
    first = next((i for i, line in enumerate(lines, 1) if line.strip()), 1)
    if other:
        note = f"not {other[0].key}: {other[1].why}"
        evidence = [other[1].evidence]
    else:
        note = "no known license matches; category rests on the clauses found"
        if top:
            note += f" (closest: {top.ref.key}, {top.c_ref:.2f} of it present)"
        evidence = [
            Evidence.at(source, lines[first - 1].strip()[:200] if lines else "", (first, first))
        ]
    note += "; a custom license is not an OSI license"
    flags = [f for f in detected if f.id in FLAG_IDS]
    flags.append(Flag("unrecognized-license", evidence=evidence, note=note))
    kind = "policy" if is_use_policy(text) else "license"
    result = TextClassification(source, match, category, False, _ordered(flags), kind=kind)
    reading = language.unread(text)
    return _unread(text, source, reading, result) if reading else result


def _unread(
    text: str, source: str, reading: language.Reading, result: TextClassification
) -> TextClassification:
    """A text mostly in a language licscan does not read: `unknown`, the language named."""
    lines = identity.lines_of(text)
    first = next((i for i, line in enumerate(lines, 1) if line.strip()), 1)
    ev = Evidence.at(source, lines[first - 1].strip()[:200] if lines else "", (first, first))
    flags = [f for f in result.flags if f.id != "unrecognized-license"]
    flags.append(Flag("unrecognized-license", evidence=[ev], note=reading.note))
    result.category, result.osi_approved, result.flags = "unknown", False, _ordered(flags)
    return result


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
