"""One model: its evidence, its lineage and a policy -> ModelResult (pure over data).

`engine.assess` reads one repository's own evidence.  `evaluate` adds
the base models' terms (each ancestor binds the model: its category and term flags carry
over, with evidence naming the base), the declared data sets' licenses, and hands the
lot to the policy (`licscan.engine.judge.judge`) for severities and the verdict.
"""

from __future__ import annotations

from licscan.engine.assess import FlagSet, assess
from licscan.engine.inherit import inherit, unresolved_flag
from licscan.engine.judge import judge
from licscan.engine.lineage import base_refs
from licscan.knowledge import load_knowledge, resolve_license_id
from licscan.model import (
    Assessment,
    Evidence,
    EvidenceKind,
    Flag,
    Lineage,
    ModelResult,
    ModelSnapshot,
    OriginKind,
    Policy,
    Site,
    strictest,
)

# Terms of a data set that can reach a model trained on it.
RESTRICTIVE_DATA = ("non-commercial", "no-derivatives", "research-only", "copyleft")


def evaluate(
    snapshot: ModelSnapshot,
    policy: Policy,
    lineage: Lineage | None = None,
    datasets: dict[str, list[str] | None] | None = None,
) -> ModelResult:
    """Judge one model.  `datasets` maps each card dataset id to its declared licenses
    (None: could not be learned); a dataset missing from it was not checked."""
    lineage = lineage or Lineage()
    result = _new_result(snapshot, policy, lineage)
    if snapshot.error and snapshot.card is None and not snapshot.license_files:
        result.error = snapshot.error
        result.notes = list(snapshot.notes)
        result.reasons = [f"could not be evaluated: {snapshot.error}"]
        return result
    own = assess(snapshot)
    flags = FlagSet()
    for f in own.flags:
        flags.add(f, own.origins.get(f.id, {""}))
    result.licenses = list(own.licenses)
    reasons = _evidence_reasons(own) + _bind_lineage(snapshot, own, lineage, flags, result)
    notes = [*own.notes, *lineage.notes, *_datasets(snapshot.card, datasets, flags)]
    result.category = strictest([own.category] + [n.category for n in lineage.resolved])
    reasons.append(f"category {result.category}" + _category_why(result))
    result.flags = flags.ordered()
    not_ids = snapshot.card.not_repo_ids if snapshot.card else {}
    followed = {not_ids[n.id] for n in lineage.nodes if n.id in not_ids}  # its node says more
    result.notes = [n for n in notes if n not in followed]
    if snapshot.error or own.unreadable:
        result.error = snapshot.error or f"{snapshot.target.ref}: {own.unreadable}"
    judge(result, flags.origins, own, lineage, policy, reasons)
    result.origins = {k: sorted(v) for k, v in flags.origins.items()}
    result.card_unreadable = own.card_unreadable
    return result


def _new_result(snapshot: ModelSnapshot, policy: Policy, lineage: Lineage) -> ModelResult:
    card = snapshot.card
    task = card.raw.get("pipeline_tag") if card else None
    return ModelResult(
        ref=snapshot.target.ref,
        source=snapshot.source,
        revision=snapshot.revision,
        repo_id=snapshot.repo_id,
        category="unknown",
        verdict="error",
        use=list(snapshot.target.use) or list(policy.uses),
        base_models=_base_ids(snapshot),
        lineage=[n.entry() for n in lineage.nodes],
        license_files=list(snapshot.license_files),
        gated=snapshot.gated,
        location=snapshot.target.location,
        policy=policy.name,
        task=task if isinstance(task, str) else None,
        datasets=list(card.datasets) if card else [],
    )


def _bind_lineage(
    snapshot: ModelSnapshot, own: Assessment, lineage: Lineage, flags: FlagSet, r: ModelResult
) -> list[str]:
    """Every ancestor binds the model: resolved ones with their terms, unresolved ones
    with unknown terms (`inherits-base-license`, judged by `lineage.unresolved`)."""
    reasons = [inherit(snapshot, own, node, flags, r) for node in lineage.resolved]
    for node in lineage.unresolved:
        flags.add(unresolved_flag(snapshot, node), "")
        name = f"base {node.id}" if node.id else "an undeclared base"
        reasons.append(f"{name} unresolved ({node.error}): its terms are unchecked")
    return reasons + [f"lineage: {n}" for n in lineage.notes]


def _base_ids(snapshot: ModelSnapshot) -> list[str]:
    return list(dict.fromkeys(ref for ref, _ in base_refs(snapshot)))


def _evidence_reasons(own: Assessment) -> list[str]:
    parts = []
    for lic in own.licenses:
        where = lic.origin.name
        what = lic.license or "no known license"
        score = f", {lic.score:.2f}" if lic.score is not None and lic.license else ""
        if lic.origin.kind is OriginKind.CARD:
            parts.append(f"card {where}: {what} ({lic.category})")
        else:
            parts.append(f"{where}: {what} ({lic.category}{score})")
    return ["; ".join(parts)] if parts else ["no license named by the card or any file"]


def _category_why(result: ModelResult) -> str:
    cats = {lic.category for lic in result.licenses}
    if len(result.licenses) > 1 and len(cats) > 1:
        return ": the strictest of everything that binds the model"
    return ""


def _datasets(card, datasets: dict[str, list[str] | None] | None, flags: FlagSet) -> list[str]:
    """`dataset-license` for declared training data under restrictive terms, and (failing
    closed) for data whose terms could not be read or are not a known license: a person
    must look before the model passes."""
    if card is None or not card.datasets:
        return []

    kb = load_knowledge()
    line = card.key_lines.get("datasets")
    lines = (line, line) if line else None

    def ev(ds: str) -> Evidence:
        return Evidence.card("datasets", f"datasets: {ds}", lines)

    unread: list[str] = []
    for ds in card.datasets:
        licenses = (datasets or {}).get(ds)
        if licenses is None:
            unread.append(f"{ds} (could not be checked: offline or unreachable)")
            continue
        for value in licenses or [""]:
            key = resolve_license_id(value) if value else None
            entry = kb.get(key) if key else None
            if entry is None:
                said = f"'{value}'" if value.strip() else "no license"
                unread.append(f"{ds} (declares {said}, not a known license)")
                continue
            terms = sorted({f.flag for f in entry.flags} & set(RESTRICTIVE_DATA))
            if entry.category == "source-available" and not terms:
                terms = ["source-available"]
            if terms:
                # the data set's own card on the Hub: what it declares
                theirs = Evidence(EvidenceKind.HUB, f"license: {value}", Site.DATASET, ds)
                note = f"dataset {ds} is {entry.key} ({', '.join(terms)})"
                flags.add(Flag("dataset-license", evidence=[ev(ds), theirs], note=note), "")
    if unread:
        note = "terms of training data unknown, review: " + "; ".join(unread)
        flags.add(Flag("dataset-license", evidence=[ev(u.split(" (")[0]) for u in unread],
                       note=note), "")  # fmt: skip
        return [note]
    return []
