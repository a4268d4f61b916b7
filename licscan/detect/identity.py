"""Which license a text is, and what identity may and may not claim about it (issue 11:
`osi-open` only by identity).

A text is a known license only when the match explains it: most of the reference is in
the text *and* most of the text is in the reference, no version line contradicts the
entry, and every passage the reference lacks is a variable part (a title, a holder's name,
a sentence that says nothing about rights).  Generic titles ("Modified MIT License",
"Community License") never name a vendor's entry by themselves.

Every function takes the knowledge it needs (`kb`, `index`) as arguments: detect/ loads
nothing (licscan.knowledge does).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from licscan.detect.fingerprint import Analysis, Changed, FingerprintIndex, block_evidence
from licscan.detect.normalize import Tokens, tokenize
from licscan.model import Evidence, KnowledgeBase, LicenseEntry, LicenseMatch

EXPLAINS = 0.5  # share of the text a match must explain (the rest is other terms)

# Words of license titles that name no vendor or product: a marker made only of these
# ("modified mit license") is a kind of license, not one vendor's entry.
_GENERIC = frozenset(
    """a an and the of for to in on by with version v license licence licenses agreement terms
    conditions condition use usage community open model models weights research academic
    modified mit bsd apache gnu general public lesser affero library software source free
    permissive custom evaluation non commercial noncommercial ai learning machine data
    responsible rail openrail m policy acceptable prohibited international attribution
    sharealike noderivatives universal creative commons new simplified revised original
    standard basic clause clauses llm large language foundation generative""".split()  # noqa: SIM905
)


def generic(marker_words: list[str]) -> bool:
    """Is a title made only of generic license words (and numbers)?"""
    return all(w in _GENERIC or w.isdigit() for w in marker_words)


@cache
def markers(kb: KnowledgeBase, key: str) -> tuple[str, ...]:
    """The markers of `key` that may select it, as ' word word ' strings: a vendor's entry
    (one with no SPDX id) is never selected by a generic title."""
    entry = kb.get(key)
    if not entry:
        return ()
    out = []
    for m in entry.markers:
        words = tokenize(m).words
        if entry.spdx is None and generic(words):
            continue
        out.append(" " + " ".join(words) + " ")
    return tuple(out)


def entry_of(kb: KnowledgeBase, index: FingerprintIndex, key: str) -> LicenseEntry | None:
    """The knowledge-base entry of `key`, or the generated one of an open reference
    (rules/fingerprints.json `open_licenses`: an SPDX license that SPDX and ScanCode both
    call open, known by its text alone)."""
    entry = kb.get(key)
    if entry is not None:
        return entry
    row = index.open_licenses.get(key)
    if row is None:
        return None
    return LicenseEntry(
        key=key,
        name=row["name"],
        category="osi-open",
        osi_approved=bool(row["osi_approved"]),
        spdx=row["spdx"],
        file="rules/fingerprints.json",
        notes="an open license known by its SPDX and ScanCode reference text",
    )


# --- passages of substance --------------------------------------------------------------

# Words that make a sentence say something about rights or duties.  A sentence the
# reference lacks and that holds none of them (a title, "Model weights of Foo 7B") is a
# variable part; one that holds any is a change of the terms until a person says otherwise.
_NORMATIVE = frozenset(
    """may must shall will should cannot can not no never only solely exclusively except unless
    without provided subject condition conditions prohibit prohibited prohibits permit
    permitted permits permission allow allowed allows grant granted grants forbid forbidden
    restrict restricted restriction restrictions require required requires requirement agree
    agrees revoke revoked revocable revocation terminate terminates terminated termination
    comply compliance export sanctions attribution display notice fee fees royalty royalties
    pay payment commercial commercially research use used uses using distribute distribution
    redistribute modify rights right liable liability
    warranty""".split()  # noqa: SIM905
)


def normative(words: list[str]) -> bool:
    """Do these words say anything about rights or duties?"""
    return not _NORMATIVE.isdisjoint(words)


def substantive_changes(analysis: Analysis) -> list[Changed]:
    """Text the reference lacks that is no variable part (licscan.detect.variable: a title,
    a notice, a holder's name in a blank, a numbering marker, a line pointing at the
    license): a change of the terms, however small or harmless it looks."""
    return [c for c in analysis.changed if not c.fillable]


# --- version and date lines ---------------------------------------------------------------

_MONTHS = {
    m: i
    for i, names in enumerate(
        (
            ("january", "jan"), ("february", "feb"), ("march", "mar"), ("april", "apr"),
            ("may",), ("june", "jun"), ("july", "jul"), ("august", "aug"),
            ("september", "sep", "sept"), ("october", "oct"), ("november", "nov"),
            ("december", "dec"),
        ),
        1,
    )
    for m in names
}  # fmt: skip
_VERSION_WORDS = frozenset({"version", "v", "ver", "release", "revision", "rev"})
_NUM = re.compile(r"^\d{1,4}$")
_VNUM = re.compile(r"^v(\d{1,3})$")


def _version(nums: list[str]) -> str:
    parts = [str(int(n)) for n in nums]
    while len(parts) > 1 and parts[-1] == "0":
        parts.pop()
    return ".".join(parts)


def _numbers(words: list[str], j: int, nums: list[str]) -> list[str]:
    """Version components from words[j] on ("2 0" of "2.0"); a number that a month name
    follows is a day ("version 3, 19 November 2007"), not a component."""
    n = len(words)
    while j < n and _NUM.match(words[j]) and len(nums) < 3 and len(words[j]) <= 3:
        if nums and j + 1 < n and words[j + 1] in _MONTHS:
            break
        nums.append(words[j])
        j += 1
    return nums


def statements(words: list[str], names: frozenset[str]) -> tuple[set[str], set[str]]:
    """Version numbers ("version 2.0", "v1.1", "<name> 3.3") and dates ("July 23, 2024",
    "2024-07-23", "May 2024") stated in normalised words; dates as 'YYYY-MM[-DD]'."""
    versions: set[str] = set()
    dates: set[str] = set()
    n = len(words)
    for i, w in enumerate(words):
        nums: list[str] = []
        if (w in _VERSION_WORDS or w in names) and not (
            w == "release" and i + 1 < n and words[i + 1] == "date"
        ):
            nums = _numbers(words, i + 1, [])
        elif m := _VNUM.match(w):
            nums = _numbers(words, i + 1, [m.group(1)])
        if nums:
            versions.add(_version(nums))
        month = _MONTHS.get(w)
        if (month and w != "may") or (w == "may" and i + 1 < n and _NUM.match(words[i + 1])):
            _date_after(words, i, month, dates)
        elif len(w) == 4 and w.isdigit() and w.startswith("20") and i + 2 < n:
            mo, d = words[i + 1], words[i + 2]
            if mo.isdigit() and d.isdigit() and 1 <= int(mo) <= 12 and 1 <= int(d) <= 31:
                dates.add(f"{w}-{int(mo):02d}-{int(d):02d}")
    return versions, dates


def _date_after(words: list[str], i: int, month: int | None, dates: set[str]) -> None:
    nxt = words[i + 1 : i + 3]
    if not month:
        return
    if len(nxt) >= 2 and nxt[0].isdigit() and len(nxt[0]) <= 2 and len(nxt[1]) == 4:
        if nxt[1].isdigit():
            dates.add(f"{nxt[1]}-{month:02d}-{int(nxt[0]):02d}")
    elif nxt and len(nxt[0]) == 4 and nxt[0].isdigit() and nxt[0][:2] in ("19", "20"):
        dates.add(f"{nxt[0]}-{month:02d}")


@cache
def _names(entry: LicenseEntry) -> frozenset[str]:
    """Product words a version number may follow ("llama 3.3"): the family and the first
    word of the name, when they are not generic words."""
    out = set()
    for word in (entry.family or "", *tokenize(entry.name).words[:1]):
        if word and word not in _GENERIC and not word.isdigit():
            out.add(word)
    return frozenset(out)


@cache
def _known(entry: LicenseEntry) -> tuple[set[str], set[str]]:
    words: list[str] = []
    for part in (entry.key.replace("-", " "), entry.name, entry.version or "", *entry.markers):
        words.extend(tokenize(part).words)
        words.append("")  # no statement runs from one field into the next
    return statements(words, _names(entry))


def _agrees(date: str, known: set[str]) -> bool:
    return any(date.startswith(k) or k.startswith(date) for k in known)


def version_conflict(
    entry: LicenseEntry, analysis: Analysis, head_tokens: int, only_changed: bool
) -> tuple[int, int] | None:
    """Token range of a sentence near the top that states a version or date the entry is
    not (only sentences the reference lacks, when it was matched by its text)."""
    tokens = analysis.tokens
    if only_changed:
        spans = [(c.start, c.end) for c in analysis.changed if c.start < head_tokens]
    else:
        spans = [(s, e) for s, e in tokens.sentences if s < head_tokens]
    if not spans:
        return None
    versions, dates = _known(entry)
    names = _names(entry)
    for s, e in spans:
        said_v, said_d = statements(tokens.words[s:e], names)
        if versions and said_v - versions:
            return s, e
        if dates and said_d and not any(_agrees(d, dates) for d in said_d):
            return s, e
    return None


def family_name(entry: LicenseEntry) -> str:
    return entry.family or entry.name


# --- which license a text is --------------------------------------------------------------


@dataclass(frozen=True)
class NotThis:
    """Why a text that resembles an entry is nevertheless not it."""

    why: str
    evidence: Evidence
    other_version: bool = False  # its version or date line names another version


@dataclass(frozen=True)
class Identity:
    """The entry a text is (None: none), on what basis ('fingerprint' / 'title'), and why
    it is nevertheless not that entry, if it is not."""

    entry: LicenseEntry | None
    basis: str
    not_this: NotThis | None = None


def identify(
    analysis: Analysis,
    tokens: Tokens,
    lines: list[str],
    source: str,
    kb: KnowledgeBase,
    index: FingerprintIndex,
) -> Identity:
    """Which knowledge-base entry a text is, decided from its fingerprint analysis and its
    own title and version lines."""
    head = " " + " ".join(tokens.words[:TITLE_TOKENS]) + " "
    entry, basis = _identify(analysis, kb, index, head)
    if entry is None:
        return Identity(None, basis)
    return Identity(entry, basis, _not_this(entry, basis, analysis, tokens, lines, source))


EXACT = 0.99  # containment both ways (numbers included) of an exact copy


NEAR_TIE = 0.03  # candidates this close are told apart by their own title/version line


TITLE_TOKENS = 150  # where titles and version lines are looked for


def marked(kb: KnowledgeBase, key: str, head: str, min_words: int = 1) -> int:
    """Length (in words) of the longest marker of `key` present in `head`."""
    best = 0
    for m in markers(kb, key):
        n = m.count(" ") - 1
        if n >= min_words and m in head:
            best = max(best, n)
    return best


def _identify(
    analysis: Analysis, kb: KnowledgeBase, index: FingerprintIndex, head: str
) -> tuple[LicenseEntry | None, str]:
    """The knowledge-base entry a text is, and on what basis ('fingerprint' / 'title')."""
    best = analysis.best
    if best is not None:
        entry = entry_of(kb, index, best.ref.key)
        if entry is None:
            return None, ""
        if marked(kb, entry.key, head):
            return entry, "fingerprint"
        rank = best.rank[0]
        for cand in analysis.candidates[1:8]:  # near-ties: trust the text's own title
            if (
                rank - cand.rank[0] <= NEAR_TIE
                and cand.ref.key != entry.key
                and marked(kb, cand.ref.key, head)
            ):
                return entry_of(kb, index, cand.ref.key) or entry, "fingerprint"
        # A version we hold no reference text for, named by its own title/version line
        # (an exact copy of a reference is that reference, whatever it says).
        if (best.c_ref >= EXACT and best.c_text >= EXACT) or not entry.family:
            return entry, "fingerprint"
        keyed = {r.key for r in index.refs}
        siblings = [
            (n, e)
            for e in kb.family(entry.family)
            if e.key not in keyed and e.kind == entry.kind and (n := marked(kb, e.key, head))
        ]
        if siblings:
            return max(siblings, key=lambda s: (s[0], s[1].key))[1], "title"
        return entry, "fingerprint"
    titled = [(n, e) for e in kb.entries.values() if (n := marked(kb, e.key, head, min_words=3))]
    if titled:
        return max(titled, key=lambda s: (s[0], s[1].key))[1], "title"
    return None, ""


def _not_this(
    entry: LicenseEntry,
    basis: str,
    analysis: Analysis,
    tokens: Tokens,
    lines: list[str],
    source: str,
) -> NotThis | None:
    """Why a text that resembles `entry` is nevertheless not it: the match leaves most of
    the text unexplained, or a version/date line names another version."""
    best = analysis.best
    if basis == "fingerprint" and best is not None and analysis.explained < EXPLAINS:
        why = (
            f"holds most of {entry.key} ({best.c_ref:.2f} of it) but that explains only "
            f"{analysis.explained:.0%} of the text: the rest are other terms"
        )
        return NotThis(
            why, sentence_evidence(tokens, lines, source, (0, min(len(tokens.words), 1)))
        )
    if basis == "fingerprint" and analysis.exact and not analysis.changed:
        return None  # the reference itself: its own version lines are the entry's
    conflict = version_conflict(entry, analysis, TITLE_TOKENS, basis == "fingerprint")
    if conflict is None:
        return None
    why = (
        f"another version of {family_name(entry)}: its version or date line does not "
        f"match {entry.key} ({entry.version or entry.name}); flags are read from the text"
    )
    return NotThis(why, sentence_evidence(tokens, lines, source, conflict), other_version=True)


def lines_of(text: str) -> list[str]:
    """The text's lines as the tokenizer and the detectors number them (str.splitlines
    would also break at form feeds and Unicode line separators, shifting every number)."""
    return text.replace("\r\n", "\n").replace("\r", "\n").split("\n")


def sentence_evidence(
    tokens: Tokens, lines: list[str], source: str, span: tuple[int, int]
) -> Evidence:
    """The input lines a token range sits on, quoted verbatim (at most 300 characters)."""
    first, last = tokens.lines[span[0]], tokens.lines[max(span[0], span[1] - 1)]
    quote = "\n".join(lines[first - 1 : last]).strip()  # verbatim
    if len(quote) > 300:
        quote = quote[:300].rsplit(" ", 1)[0]
        last = first + quote.count("\n")
    return Evidence.at(source, quote, (first, last))


def to_match(
    kb: KnowledgeBase, analysis: Analysis, raw_lines: list[str], source: str
) -> LicenseMatch:
    """The match a classification reports: the best reference, its score, the differences."""
    best = analysis.best
    if best is None:
        top = analysis.candidates[0] if analysis.candidates else None
        return LicenseMatch(
            None, None, top.c_ref if top else 0.0, closest=top.ref.key if top else None
        )
    entry = kb.get(best.ref.key)
    diffs = [
        ev
        for b in sorted(analysis.blocks, key=lambda b: -b.changed)
        if b.changed and not b.foreign
        for ev in block_evidence(b, analysis.tokens, raw_lines, source, best.ref.key)
    ][:10]
    return LicenseMatch(
        key=best.ref.key,
        name=entry.name if entry else best.ref.key,
        score=min(best.c_ref, 1.0),
        modified=analysis.modified,
        differences=sorted(diffs, key=lambda e: e.lines or (0, 0)),
        includes=[c.ref.key for c in analysis.includes],
        basis="fingerprint",
    )
