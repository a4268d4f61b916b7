"""One repository's own evidence -> Assessment (no lineage, no policy).

`assess` reads the card's declared license(s) (including `other` +
`license_name`/`license_link`), every license file's identity and clause flags,
use-policy documents, the acceptable-use policies a license incorporates by reference,
and the repository's context (gated, pickle-only weights).
"""

from __future__ import annotations

import posixpath
import re
from dataclasses import replace
from functools import lru_cache

from licscan.detect.card_prose import prose_terms
from licscan.engine import stored
from licscan.engine.classify import classify_text
from licscan.knowledge import LicenseEntry, load_knowledge, resolve_license_id
from licscan.model import (
    CATEGORY_ORDER,
    FLAG_IDS,
    NO_LICENSE_VALUES,
    TERM_FLAGS,
    Assessment,
    Category,
    Evidence,
    EvidenceKind,
    Flag,
    LicenseFinding,
    LicenseMatch,
    LicenseOrigin,
    ModelSnapshot,
    OriginKind,
    ReadFailure,
    Site,
    SourceKind,
    TextClassification,
    strictest,
)
from licscan.sources.files import license_paths, readme_path

PICKLE_EXT = (".bin", ".pt", ".pth", ".ckpt", ".pkl", ".pickle", ".joblib")


SAFE_EXT = (
    ".safetensors", ".gguf", ".ggml", ".onnx", ".h5", ".keras", ".msgpack", ".tflite",
    ".mlmodel", ".npz", ".pb", ".llamafile", ".pte",
)  # fmt: skip


# Trainer state saved next to weights: pickles too, but not the weights.
_TRAINING_STATE = re.compile(
    r"^(training_args\.bin|optimizer\.pt|scheduler\.pt|scaler\.pt|rng_state.*\.pth)$"
)


_POLICY_DOC = re.compile(
    r"use[_-]?policy|acceptable[_-]?use|prohibited[_-]?use|(^|[_-])aup\b", re.I
)


_NOTICE = re.compile(r"^notice", re.I)


OBSERVED = EvidenceKind.OBSERVED  # licscan's own words about the repository, not a quote


class FlagSet:
    """Flags by id, merged across sources, with the license keys each came from."""

    def __init__(self) -> None:
        self.by_id: dict[str, Flag] = {}
        self.origins: dict[str, set[str]] = {}

    def add(self, flag: Flag, origins: str | set[str] = "") -> None:
        cur = self.by_id.get(flag.id)
        if cur is None:
            cur = self.by_id[flag.id] = Flag(flag.id, flag.value, [], None, flag.note)
        else:
            cur.value = _merge_value(flag.id, cur.value, flag.value)
            if flag.note and flag.note not in cur.note:
                cur.note = f"{cur.note}; {flag.note}" if cur.note else flag.note
        for ev in flag.evidence:
            if ev not in cur.evidence:
                cur.evidence.append(ev)
        self.origins.setdefault(flag.id, set()).update(
            {origins} if isinstance(origins, str) else origins
        )

    def ids(self) -> set[str]:
        return set(self.by_id)

    def ordered(self) -> list[Flag]:
        order = {f: i for i, f in enumerate(FLAG_IDS)}
        return sorted(self.by_id.values(), key=lambda f: order.get(f.id, len(order)))


def _merge_value(flag_id: str, a: str | None, b: str | None) -> str | None:
    """Two thresholds for one flag: the lower binds first."""
    if a is None or b is None:
        return a or b
    if flag_id.endswith("-threshold") and a.isdigit() and b.isdigit():
        return str(min(int(a), int(b)))
    return a


@lru_cache(maxsize=2048)
def classify(text: str, source: str) -> TextClassification:
    """classify_text, memoised: a scan of a thousand fine-tunes sharing one LICENSE text
    classifies it once, and a re-scan reads it back (licscan.engine.stored).  Callers
    must not mutate the result."""
    if (tc := stored.get(text, source)) is not None:
        return tc

    try:
        tc = classify_text(text, source)
    except Exception as exc:  # fail closed: one bad text must not end a scan
        return TextClassification(
            source, LicenseMatch(None, None, 0.0), Category.UNKNOWN, False,
            error=f"could not be analysed ({type(exc).__name__}: {exc})",
        )  # fmt: skip
    stored.put(text, source, tc)
    return tc


def assess(snap: ModelSnapshot) -> Assessment:
    """What the repository itself says about its terms (no lineage, no policy)."""
    a = Assessment()
    flags = FlagSet()
    unread: list[tuple[str, str]] = []
    policy_paths: list[str] = []
    policy_docs = _files(snap, a, flags, unread, policy_paths)
    _card(snap, a, flags, policy_docs)
    for path, why in unread:
        if a.declared and snap.error:  # a gated base read without a token: its card speaks
            a.notes.append(f"{why}; judged from the license the card declares")
        else:
            _unreadable_file(path, why, a, flags)
    _mismatch(snap, a, flags)
    _context(snap, a, flags)
    _incorporating_licenses(a, flags)
    a.category = strictest([lic.category for lic in a.licenses]) if a.licenses else Category.UNKNOWN
    _card_prose(snap, a, flags)
    if policy_paths and a.category == Category.OSI_OPEN:
        a.category = Category.OPEN_WEIGHT
        a.notes.append(
            f"{policy_paths[0]}: a use policy restricts what the model may be used for, so the "
            "model is open-weight at most (an OSI license grants use for any purpose)"
        )
    for lic in a.licenses:
        lic.evidence = lic.evidence or a.license_evidence.get(lic.origin)
    a.flags = flags.ordered()
    a.origins = flags.origins
    _mark_supplied(snap, a)
    return a


def _mark_supplied(snap: ModelSnapshot, a: Assessment) -> None:
    """Mark the evidence read in a text the reviewer supplied (LicenseFile.supplied): no
    repository holds it, so reports link it nowhere, whatever its name looks like."""
    paths = {lf.path for lf in snap.license_files if lf.supplied is not None}
    if not paths:
        return

    def mark(ev: Evidence) -> Evidence:
        return replace(ev, supplied=True) if any(_read_in(ev, p) for p in paths) else ev

    for f in a.flags:
        f.evidence = [mark(ev) for ev in f.evidence]
    for lic in a.licenses:
        lic.evidence = mark(lic.evidence) if lic.evidence is not None else None
    a.license_evidence = {o: mark(ev) for o, ev in a.license_evidence.items()}


def _files(
    snap: ModelSnapshot,
    a: Assessment,
    flags: FlagSet,
    unread: list[tuple[str, str]],
    policy_paths: list[str],
) -> set[str]:
    """License files -> findings and flags; returns the use-policy keys found as files.
    Files that could not be fetched (access, network: not their content) go to `unread`,
    use-policy documents to `policy_paths`."""
    kb = load_knowledge()
    policy_keys: set[str] = set()
    identified: list[LicenseEntry] = []
    for lf in snap.license_files:
        name = posixpath.basename(lf.path)
        if lf.text is None and lf.error and lf.failure is not ReadFailure.CONTENT:
            unread.append((lf.path, lf.error))
            continue
        tc = classify(lf.text, lf.path) if lf.text is not None else None
        if tc is None or tc.error:
            why = (lf.error or f"{lf.path}: could not be read") if tc is None else tc.error
            why = why if why.startswith(lf.path) else f"{lf.path}: {why}"
            empty = tc is not None and tc.empty
            notice = _notice_only(lf.path, lf.text) if empty else None
            _unreadable_file(lf.path, why, a, flags, notice)
            continue
        if tc.kind == "policy" or _POLICY_DOC.search(name):
            _policy_doc(lf.path, lf.text or "", tc, flags)
            policy_paths.append(lf.path)
            if tc.match.key:
                policy_keys.add(tc.match.key)
            a.notes.append(f"{lf.path}: use policy ({tc.match.name or 'unrecognised text'})")
            continue
        if tc.match.key is None and _NOTICE.match(name):
            a.notes.append(f"{lf.path}: a notice that names no known license; not a license text")
            continue
        finding = LicenseFinding(
            tc.match.key, tc.category, LicenseOrigin.file(lf.path), tc.match.name, tc.osi_approved,
            round(tc.match.score, 4),
        )  # fmt: skip
        a.licenses.append(finding)
        a.license_evidence[finding.origin] = _title(lf.path, lf.text or "")
        for f in tc.flags:
            flags.add(f, tc.match.key or "")
        policy_keys.update(tc.match.includes)
        if tc.match.key in kb.entries:
            identified.append(kb.entries[tc.match.key])
    for entry in identified:  # after every file: a policy shipped as a file quotes itself
        _incorporated(entry, flags, policy_keys)
    return policy_keys


def _card_prose(snap: ModelSnapshot, a: Assessment, flags: FlagSet) -> None:
    """A card-only model (no license file) states its terms in the card alone: withholding
    terms its prose states ("may not be used commercially") bind like the metadata's."""
    link = snap.card.license_link if snap.card else None
    if snap.card_text is None or snap.license_files or license_paths(snap.files, link):
        return
    found = prose_terms(snap.card_text, readme_path(snap.files) or "README.md")
    for f in found:
        flags.add(f, "")
    if found:
        a.category = strictest([a.category, Category.SOURCE_AVAILABLE])
        said = ", ".join(f.id for f in found)
        a.notes.append(f"the model card's prose states terms ({said}): they bind the model")


def _unreadable_file(
    path: str, why: str, a: Assessment, flags: FlagSet, notice: Evidence | None = None
) -> None:
    """A license file we cannot read binds with unknown terms: fail closed.  A file
    holding only a copyright line ("All rights reserved") grants nothing: it is quoted."""
    said = why.removeprefix(f"{path}: ")  # the evidence names the file; say it once
    ev = notice or Evidence.at(path, said, None, EvidenceKind.OBSERVED)
    a.licenses.append(LicenseFinding(None, Category.UNKNOWN, LicenseOrigin.file(path)))
    a.license_evidence[LicenseOrigin.file(path)] = ev
    a.notes.append(f"{why}: its terms are unknown")
    note = "the file could not be read as a license text; a person must check it"
    if notice is not None:
        note = "the file holds only a copyright notice and grants no rights"
    flags.add(Flag("unrecognized-license", evidence=[ev], note=note))


def _notice_only(path: str, text: str | None) -> Evidence | None:
    """A 'license' that is nothing but copyright lines (its words normalise away)."""
    if not text or not text.strip() or "\x00" in text:
        return None
    first = _title(path, text)
    return first if first.lines else None


def _policy_doc(path: str, text: str, tc: TextClassification, flags: FlagSet) -> None:
    """An acceptable-use policy shipped with the model: its restrictions bind users."""
    origin = tc.match.key or ""
    quoted = False
    for f in tc.flags:
        if f.id in TERM_FLAGS:
            evidence = [replace(ev, use_policy=_read_in(ev, path)) for ev in f.evidence]
            flags.add(replace(f, evidence=evidence), origin)
            quoted = quoted or (f.id == "use-restrictions" and _cites(f, path))
    if not quoted:  # name the document itself, whatever else is known about it
        note = "an acceptable-use policy ships with the model"
        title = replace(_title(path, text), use_policy=True)
        flags.add(Flag("use-restrictions", evidence=[title], note=note), origin)


def _cites(flag: Flag, path: str) -> bool:
    return any(_read_in(ev, path) for ev in flag.evidence)


def _read_in(ev: Evidence, path: str) -> bool:
    """Read in the model's own file `path`."""
    return ev.site is Site.PATH and ev.base is None and ev.name == path


def _incorporated(entry: LicenseEntry, flags: FlagSet, present: set[str]) -> None:
    """Flags of the use policies a license incorporates by reference (even if absent)."""
    kb = load_knowledge()
    for key in entry.policies:
        policy = kb.get(key)
        if policy is None or key in present:
            continue
        for fact in policy.flags:
            flags.add(
                Flag(
                    fact.flag,
                    fact.value,
                    [Evidence.at(policy.file, fact.stated, None, EvidenceKind.KNOWLEDGE_BASE)],
                    note=f"{entry.name} incorporates the {policy.name} by reference",
                ),
                entry.key,
            )


def _card(snap: ModelSnapshot, a: Assessment, flags: FlagSet, policy_keys: set[str]) -> None:
    """The card's declared license(s): `license:`, and `license_name` for `other`."""
    card = snap.card
    if card is None:
        return

    kb = load_knowledge()
    file_keys = {lic.license for lic in a.licenses if lic.license}
    has_files = any(lic.origin.kind is OriginKind.FILE for lic in a.licenses)
    unnamed: list[tuple[str, str, LicenseOrigin]] = []  # (card key, value, origin)
    declared_other = False
    candidates = [("license", v) for v in card.licenses]
    if card.license_name:
        candidates.append(("license_name", card.license_name))
    for key_name, value in candidates:
        if value.strip().lower() in NO_LICENSE_VALUES:
            declared_other = True
            continue
        key = resolve_license_id(value)
        source = LicenseOrigin.card(key_name)
        ev = _card_line(card, key_name, f"{key_name}: {value}")
        if key is None:
            unnamed.append((key_name, value, source))
            continue
        if key in a.declared:
            continue
        entry = kb.get(key)
        assert entry is not None
        a.declared.append(key)
        a.licenses.append(
            LicenseFinding(key, entry.category, source, entry.name, entry.osi_approved)
        )
        a.license_evidence[source] = ev
        if key not in file_keys:  # the file's own quotes already carry these terms
            _card_terms(entry, ev, flags)
            _incorporated(entry, flags, policy_keys)
    for key_name, value, source in unnamed:
        if has_files:
            a.notes.append(
                f"card {key_name} '{value}' is not a known license id; the license file decides"
            )
            continue
        ev = _card_line(card, key_name, f"{key_name}: {value}")
        a.licenses.append(LicenseFinding(None, Category.UNKNOWN, source))
        a.license_evidence[source] = ev
        flags.add(
            Flag(
                "unrecognized-license",
                evidence=[ev],
                note=f"the card names '{value}', which is not a known license, and the "
                "repository holds no license text to read",
            )
        )
    if declared_other and not a.declared and not unnamed and not has_files:
        a.notes.append("the card says 'other' but names no license and links no license file")


def _card_terms(entry: LicenseEntry, card_ev: Evidence, flags: FlagSet) -> None:
    """A declared license with no file to quote: its known terms, cited to the card line
    and to the knowledge-base rule that states them."""
    for fact in entry.flags:
        flags.add(
            Flag(
                fact.flag,
                fact.value,
                [card_ev, Evidence.at(entry.file, fact.stated, None, EvidenceKind.KNOWLEDGE_BASE)],
                note=f"known term of {entry.name} (declared on the card)",
            ),
            entry.key,
        )


def _mismatch(snap: ModelSnapshot, a: Assessment, flags: FlagSet) -> None:
    """The card declares one license, the license file(s) say another."""
    kb = load_knowledge()
    declared = [kb.entries[k] for k in a.declared]
    files = [
        (lic, kb.entries[lic.license])
        for lic in a.licenses
        if lic.origin.kind is OriginKind.FILE and lic.license in kb.entries
    ]
    if not declared or not files:
        return
    top = max(CATEGORY_ORDER.index(e.category) for e in declared)
    disagree = [(lic, e) for lic, e in files if not any(agree(d, e) for d in declared)]
    if not disagree:
        return
    stricter = [(lic, e) for lic, e in disagree if CATEGORY_ORDER.index(e.category) > top]
    if len(disagree) < len(files) and not stricter:
        return  # e.g. a code license beside the model license the card names
    lic, entry = (stricter or disagree)[0]
    said = ", ".join(d.key for d in declared)
    same_family = any(d.family and d.family == entry.family for d in declared)
    note = f"the card declares {said}; {lic.origin.name} is {entry.key} ({entry.category})"
    if same_family:
        note += ": the same family, another version with other terms"
    cards = [LicenseOrigin.card(k) for k in ("license", "license_name")]
    evidence = [a.license_evidence[o] for o in cards if o in a.license_evidence]
    evidence.append(a.license_evidence[lic.origin])
    flags.add(Flag("license-mismatch", evidence=evidence, note=note))


def agree(a: LicenseEntry, b: LicenseEntry) -> bool:
    """Two entries name the same terms: one key, or a family entry and one of its versions."""
    if a.key == b.key:
        return True
    return bool(a.family) and a.family == b.family and (a.key == a.family or b.key == b.family)


def _context(snap: ModelSnapshot, a: Assessment, flags: FlagSet) -> None:
    card = snap.card
    problems = list(card.problems) if card else []
    a.notes[:0] = [*snap.notes, *problems]
    fatal = card.unreadable if card else None
    a.card_unreadable = fatal
    if not a.licenses:
        if fatal:
            a.unreadable = f"unreadable card ({fatal}) and no license file to fall back on"
        else:
            flags.add(_no_license(snap))
    gated = _gated(snap)
    if gated is not None:
        flags.add(gated)
    pickle = _pickle(snap.files)
    if pickle is not None:
        flags.add(pickle)


def _no_license(snap: ModelSnapshot) -> Flag:
    card = snap.card
    if card is None:
        ev = Evidence.at("README.md", "no model card (README.md) in the repository", None, OBSERVED)
    elif card.licenses:
        ev = _card_line(card, "license", f"license: {card.licenses[0]}")
    else:
        ev = Evidence.card("license", "no license key in the card metadata", None, OBSERVED)
    n = len(snap.files)
    listing = Evidence(OBSERVED, f"no license file among {n} file{'s' * (n != 1)}", Site.LISTING)
    return Flag(
        "no-license",
        evidence=[ev, listing],
        note="no grant of rights could be established",
    )


def _gated(snap: ModelSnapshot) -> Flag | None:
    card = snap.card
    raw = card.raw if card else {}
    gate_keys = [k for k in raw if str(k).startswith("extra_gated")]
    evidence = []
    for key in gate_keys[:1]:
        value = " ".join(str(raw[key]).split())[:160]
        evidence.append(_card_line(card, key, f"{key}: {value}"))
    if snap.gated:
        value = snap.gated if isinstance(snap.gated, str) else None
        evidence.insert(
            0, Evidence(EvidenceKind.HUB, f"gated: {value or 'true'}", Site.HUB, "gated")
        )
        return Flag("gated", value, evidence, note="the Hub asks for the terms to be accepted")
    if snap.source != SourceKind.HUB and evidence:
        return Flag(
            "gated",
            None,
            evidence,
            note="the card carries Hub gating fields: the original repository asks users "
            "to accept terms before download",
        )
    return None


def _pickle(files: list[str]) -> Flag | None:
    weights = [f for f in files if is_weight(f)]
    if not weights or not all(is_pickle(f) for f in weights):
        return None
    shown = weights[:3]
    more = f" (+{len(weights) - 3} more)" if len(weights) > 3 else ""
    return Flag(
        "pickle-weights",
        evidence=[Evidence.at(f, "pickle-based weight file", None, OBSERVED) for f in shown],
        note=f"{len(weights)} weight file{'s' * (len(weights) != 1)}{more}, all pickle-based; "
        "no safetensors, GGUF or ONNX copy",
    )


def is_weight(path: str) -> bool:
    name = posixpath.basename(path).lower()
    if _TRAINING_STATE.match(name):
        return False
    return name.endswith(PICKLE_EXT + SAFE_EXT)


def is_pickle(path: str) -> bool:
    name = posixpath.basename(path).lower()
    return name.endswith(PICKLE_EXT) and "ggml" not in name  # old ggml files used .bin


def _incorporating_licenses(a: Assessment, flags: FlagSet) -> None:
    """A use policy's flags count as coming from the license that incorporates it, so
    allowing or waiving 'llama-3.1' covers its acceptable-use policy too."""
    kb = load_knowledge()
    keys = [lic.license for lic in a.licenses if lic.license]
    for origins in flags.origins.values():
        for origin in list(origins):
            entry = kb.get(origin) if origin else None
            if entry is None or entry.kind != "policy":
                continue
            owners = {k for k in keys if origin in kb.entries[k].policies}
            if owners:
                origins.discard(origin)
                origins.update(owners)


def _card_line(card, key: str, quote: str) -> Evidence:  # card: CardInfo
    """A card metadata entry as written, cited to its README line when known."""
    line = card.key_lines.get(key) if card is not None else None
    return Evidence.card(key, quote, (line, line) if line else None)


def _title(path: str, text: str) -> Evidence:
    """A text's first non-empty line: what it calls itself."""
    for i, line in enumerate(text.splitlines(), 1):
        if line.strip():
            return Evidence.at(path, line.strip()[:200], (i, i))
    return Evidence.at(path, "(empty)", None, OBSERVED)
