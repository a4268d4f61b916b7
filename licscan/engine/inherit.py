"""What a model's ancestors bring to it: each resolved base binds the model with its
licenses and term flags (evidence renamed to the base), and `inherits-base-license` (+
`license-mismatch`) when the base is stricter than what the model declares; an
unresolved base binds it with terms nobody could check."""

from __future__ import annotations

from licscan.engine.assess import FlagSet, agree
from licscan.knowledge import load_knowledge
from licscan.model import (
    CATEGORY_ORDER,
    TERM_FLAGS,
    Assessment,
    Category,
    Evidence,
    EvidenceKind,
    Flag,
    LicenseFinding,
    LicenseOrigin,
    LineageNode,
    ModelResult,
    ModelSnapshot,
    Site,
)

# Flags of a base model's license that bind a derivative (context flags stay with the base).
INHERITED = (*TERM_FLAGS, "unrecognized-license", "modified-license")


def inherit(
    snapshot: ModelSnapshot, own: Assessment, node: LineageNode, flags: FlagSet, r: ModelResult
) -> str:
    """A resolved base binds the model: its licenses, its term flags, and
    inherits-base-license (+ license-mismatch) when it is stricter than the declaration."""
    kb = load_knowledge()
    base = node.assessment
    assert base is not None
    r.licenses.extend(_inherited_licenses(node, base))
    via = f" via {node.parent}" if node.depth > 1 else ""
    _inherited_flags(node, base, flags, via)
    keys = node.license_keys or ["no known license" if base.licenses else "no license at all"]
    what = f"base {node.id}{via} is {', '.join(keys)} ({node.category})"
    own_entries = [kb.entries[k] for k in dict.fromkeys(
        lic.license for lic in own.licenses if lic.license in kb.entries)]  # fmt: skip
    base_entries = [kb.entries[k] for k in node.license_keys if k in kb.entries]
    if any(agree(o, b) for o in own_entries for b in base_entries):
        return what
    # a base text no knowledge-base entry matches cannot agree with a declared id either
    matched = bool(base_entries or base.licenses)
    return _stricter_than_declared(snapshot, own, node, what, matched, flags)


def _inherited_licenses(node: LineageNode, base: Assessment) -> list[LicenseFinding]:
    """The base's licenses, each once, with their evidence renamed to the base; a base
    that names no license binds with unknown terms."""
    tag = LicenseOrigin.base(node.id)
    out: list[LicenseFinding] = []
    seen: set[str | None] = set()
    for lic in base.licenses:
        if lic.license in seen:
            continue
        seen.add(lic.license)
        ev = base.license_evidence.get(lic.origin)
        out.append(
            LicenseFinding(
                lic.license,
                lic.category,
                tag,
                lic.name,
                lic.osi_approved,
                lic.score,
                ev.in_base(node.id) if ev else None,
            )
        )
    if not base.licenses:
        ev = _no_license_evidence(base)
        out.append(
            LicenseFinding(
                None, Category.UNKNOWN, tag, evidence=ev.in_base(node.id) if ev else None
            )
        )
    return out


def _inherited_flags(node: LineageNode, base: Assessment, flags: FlagSet, via: str) -> None:
    """The base's term flags bind the model, noted as inherited."""
    for f in base.flags:
        if f.id in INHERITED:
            rebased = [ev.in_base(node.id) for ev in f.evidence]
            flags.add(
                Flag(f.id, f.value, rebased, note=f"inherited from base {node.id}{via}"),
                base.origins.get(f.id, {""}),
            )


def _stricter_than_declared(
    snapshot: ModelSnapshot,
    own: Assessment,
    node: LineageNode,
    what: str,
    matched: bool,
    flags: FlagSet,
) -> str:
    """A base stricter than the model's declaration (or adding terms to it):
    inherits-base-license, and license-mismatch when the card declares a license."""
    base = node.assessment
    assert base is not None
    declared = own.category if own.licenses else None
    stricter = declared is None or CATEGORY_ORDER.index(node.category) > CATEGORY_ORDER.index(
        declared
    )
    own_terms = {f.id for f in own.flags if f.id in TERM_FLAGS}
    new_terms = sorted({f.id for f in base.flags if f.id in TERM_FLAGS} - own_terms)
    if not (stricter or new_terms):
        return what
    evidence = _lineage_evidence(snapshot, node)
    if declared is None:
        note = f"the model declares no license; {what} binds it"
    elif stricter:
        note = f"{what}, stricter than the model's own {_own_desc(own)} ({declared})"
    else:
        note = f"{what} and adds {', '.join(new_terms)} to the model's own terms"
    flags.add(Flag("inherits-base-license", evidence=evidence, note=note), set(node.license_keys))
    if stricter and own.declared and matched:
        cards = [LicenseOrigin.card(k) for k in ("license", "license_name")]
        card_ev = [own.license_evidence[o] for o in cards if o in own.license_evidence]
        flags.add(
            Flag(
                "license-mismatch",
                evidence=card_ev + evidence[-1:],
                note=f"the card declares {', '.join(own.declared)} but {what}",
            )
        )
    return f"{note}: its terms bind the model"


def unresolved_flag(snapshot: ModelSnapshot, node: LineageNode) -> Flag:
    """A base that could not be fetched binds the model with terms nobody could check:
    `inherits-base-license`, judged by the policy's `lineage.unresolved` (fail closed)."""
    evidence = _lineage_evidence(snapshot, node)
    why = node.error or "could not be fetched"
    via = f" (via {node.parent})" if node.depth > 1 else ""
    if not node.id:  # a derivative that names no base model
        return Flag(
            "inherits-base-license",
            evidence=evidence,
            note=f"{node.error}{via}: the terms of the model it was made from bind it but "
            "are unknown",
        )
    evidence.append(Evidence(EvidenceKind.OBSERVED, why, Site.BASE, base=node.id))
    return Flag(
        "inherits-base-license",
        evidence=evidence,
        note=f"base {node.id}{via} could not be checked ({node.error}); its terms bind "
        "this model but are unknown",
    )


def _lineage_evidence(snapshot: ModelSnapshot, node: LineageNode) -> list[Evidence]:
    """The entry naming the base (the model's card, or its parent's for a deeper base),
    then what the base's terms are read from (or what shows it names none)."""
    evidence = [node.link] if node.link is not None else []
    base = node.assessment
    if base is not None:
        found = [base.license_evidence[lic.origin] for lic in base.licenses
                 if lic.origin in base.license_evidence]  # fmt: skip
        first = found[0] if found else _no_license_evidence(base)
        if first is not None:
            evidence.append(first.in_base(node.id))
    return evidence


def _no_license_evidence(base: Assessment) -> Evidence | None:
    flag = next((f for f in base.flags if f.id == "no-license" and f.evidence), None)
    return flag.evidence[0] if flag is not None else None


def _own_desc(own: Assessment) -> str:
    keys = list(dict.fromkeys(lic.license for lic in own.licenses if lic.license))
    return ", ".join(keys) if keys else "license"
