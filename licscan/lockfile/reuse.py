"""Using a lock: does an entry still stand for a manifest's model; its recorded facts
judged again under the current policy (`check`); `scan` of a locked manifest (Hub models
at their locked commits, judged afresh, and compared with what the lock records).

A lock lives in the repository, so any pull request can edit it: no verdict is ever read
from it.  Cheap to import, like licscan.lockfile.document (the policy loader comes on
first use; the judge is light).  The command line wraps a scan with `scan_with_lock` (the
engine never imports this package)."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from pathlib import Path

from licscan import __version__
from licscan.engine.judge import judge
from licscan.engine.judge import today as judge_day
from licscan.hubref import is_commit, short
from licscan.lockfile.document import (
    LOCK_NAME,
    file_sha256,
    folder_digest,
    load_lock,
    lock_path_for,
    locked_files,
    result_from_entry,
)
from licscan.model import (
    CATEGORY_ORDER,
    Assessment,
    Category,
    Flag,
    LicenseFinding,
    Lineage,
    LineageNode,
    LockEntry,
    Lockfile,
    ModelResult,
    OriginKind,
    Policy,
    ScanPlan,
    SourceKind,
    SubjectKind,
    Target,
    Verdict,
    strictest,
    verdict_of,
)

# --- does an entry still stand for a manifest's model? ------------------------------------


def stale_reason(target: Target, entry: LockEntry, uses: list[str], today: str) -> str | None:
    """Why a lock entry no longer stands for the manifest's model (None: it does)."""
    if entry.source != target.kind:
        return f"locked as a {entry.source} model, now a {target.kind} one"
    if target.kind == SourceKind.HUB:
        if not is_commit(entry.revision):
            return "the lock holds no commit for it"
        if is_commit(target.revision):
            if target.revision != entry.revision:
                pins, holds = short(target.revision), short(entry.revision)
                return f"the manifest pins {pins}, the lock holds {holds}"
        elif (target.revision or None) != (entry.requested or None):
            return (f"the manifest follows {target.revision or 'main'}, the lock followed "
                    f"{entry.requested or 'main'}")  # fmt: skip
    elif target.kind == SourceKind.LOCAL and (
        not entry.digest or folder_digest(target.path) != entry.digest
    ):
        return "its card or license files changed since the lock"
    changed = _supplied_change(target, entry)
    if changed:
        return changed
    if entry.waived_until and entry.waived_until < today:
        return f"a waiver it relied on expired on {entry.waived_until}"
    missing = [u for u in uses if u not in entry.verdicts]
    if missing:
        return f"never judged for use {', '.join(missing)}"
    return None


def _supplied_change(target: Target, entry: LockEntry) -> str | None:
    """A license text the reviewer supplies (licscan.sources.supplied) is part of what
    was judged: a different, new or withdrawn one makes the entry stale."""
    locked = {lf.supplied: lf for lf in locked_files(entry) if lf.supplied is not None}
    given = target.license_file
    if given is None:
        names = sorted(lf.path for lf in locked.values())
        return f"{', '.join(names)} is no longer supplied" if locked else None
    lf = locked.get(given.label)
    if lf is None:
        return f"license_file {given.label} was not supplied when locked"
    if file_sha256(given.path) != lf.sha256:
        return f"the supplied license file {given.label} changed since the lock"
    return None


# --- the recorded facts, judged again ------------------------------------------------------


def rejudge(entry: LockEntry, policy: Policy, uses: list[str]) -> ModelResult:
    """The verdict the current policy gives the facts a lock entry records (its licenses,
    category, flags and their origins, unresolved bases, card, error), under `uses`.
    What the entry says it concluded (verdict, severities, waivers) is not read."""
    own = [lic for lic in entry.licenses if lic.origin.kind is not OriginKind.BASE]
    categories = [entry.category, *(lic.category for lic in entry.licenses)]
    categories = [c if c in CATEGORY_ORDER else Category.UNKNOWN for c in categories]
    result = result_from_entry(entry, LOCK_NAME)
    result.use = list(uses)
    result.category = strictest(categories if own else [*categories, Category.UNKNOWN])
    result.waivers, result.decisions, result.verdict = [], [], Verdict.ERROR
    result.flags = [dataclasses.replace(f, severity=None) for f in result.flags]
    origins = {f.id: set(entry.origins.get(f.id) or [""]) for f in result.flags}
    lineage = Lineage(
        [LineageNode(str(n.id), 1, "", error=n.error) for n in entry.lineage if n.error]
    )  # fmt: skip
    judge(result, origins, Assessment(licenses=own, card_unreadable=entry.card_unreadable),
          lineage, policy, [])  # fmt: skip
    return result


def disagreement(entry: LockEntry, result: ModelResult, policy: Policy) -> str | None:
    """How a lock entry's recorded judgement differs from `result`, a judgement of the
    same model at the same commit under the same policy and uses (None: it does not)."""
    if entry.verdict not in _verdicts(result):
        return f"locked verdict {entry.verdict} does not match {result.verdict}"
    if entry.category != result.category:
        return f"locked category {entry.category} does not match {result.category}"
    locked = _flag_set(entry.flags)
    fresh = _flag_set(result.flags)
    if locked != fresh:
        return f"locked flags {_flags(locked)} do not match {_flags(fresh)}"
    if _licenses(entry.licenses) != _licenses(result.licenses):
        return "locked licenses do not match the licenses found at the locked commit"
    if _origins(entry.origins) != _origins(result.origins):
        return "locked flag origins do not match the licenses the flags come from"
    files = {lf.path: (lf.sha256, lf.blob_id) for lf in result.license_files}
    recorded = {p: (h.get("sha256"), h.get("blob_id")) for p, h in entry.license_files.items()}
    if files != recorded:
        return "locked license files do not match the files at the locked commit"
    if len(entry.use) == 1:  # its one verdict was just compared: no judging again needed
        (use,) = entry.use
        if entry.verdicts != {use: entry.verdict}:  # (entry.verdict was just compared)
            got = entry.verdicts.get(use, "nothing")
            return f"locked verdict ({use}) {got} does not match {result.verdict}"
        return None
    return use_disagreement(entry, policy)


def use_disagreement(entry: LockEntry, policy: Policy) -> str | None:
    """A recorded verdict (overall, or under one use alone) that the recorded facts do
    not give under `policy`."""
    judged = [(entry.verdict, rejudge(entry, policy, list(entry.use)), "")]
    for use, verdict in sorted(entry.verdicts.items()):
        judged.append((verdict, rejudge(entry, policy, [use]), f" ({use})"))
    for recorded, result, which in judged:
        if recorded not in _verdicts(result):
            return f"locked verdict{which} {recorded} does not match {result.verdict}"
    return None


def _verdicts(result: ModelResult) -> set[Verdict]:
    """The verdicts a lock may have recorded for `result`: its own, and the one without the
    warnings of waivers now near their end (they depend on the day, not on the model)."""
    if result.error:
        return {Verdict.ERROR}
    steady = {d.severity for d in result.decisions if d.subject.kind is not SubjectKind.WAIVER}
    without = verdict_of(steady)
    return {result.verdict, without}


def _licenses(found: list[LicenseFinding]) -> set[tuple[str | None, str, str]]:
    return {(lic.license, lic.category, lic.source) for lic in found}


def _origins(origins: dict[str, list[str]]) -> dict[str, set[str]]:
    return {k: set(v) for k, v in origins.items()}


def _flag_set(flags: list[Flag]) -> set[tuple[str, str | None, str | None]]:
    return {(f.id, f.value, f.severity) for f in flags}


def _flags(flags: set[tuple[str, str | None, str | None]]) -> str:
    shown = [f"{i}={v}" if v else i for i, v, _ in sorted(flags, key=lambda f: f[0])]
    return "[" + ", ".join(shown) + "]"


# --- `scan` of a locked manifest ------------------------------------------------------------


@dataclasses.dataclass
class _Standing:
    """A lock entry that still stands for a scan target: its judgement gets compared."""

    lock: str  # the lock's path, as messages name it
    entry: LockEntry


def pin_to_lock(plan: ScanPlan) -> tuple[list[Target], dict[int, _Standing]]:
    """For `scan`: the plan's targets with every Hub model the lock knows pinned to its
    locked commit (the manifest still follows the ref it was locked from), and the
    entries that still stand for their targets (same licscan version, policy, uses; not
    stale), whose recorded judgement the scan's own must match.  Raises LockError for a
    lock beside a manifest that cannot be read."""
    targets = list(plan.targets)
    standing: dict[int, _Standing] = {}
    today = judge_day(plan.policy.today)
    for manifest in plan.manifests:
        lock = _lock_beside(manifest.path)
        if lock is None:
            continue
        current = lock.licscan_version == __version__ and _same_policy(lock, plan)
        for i, t in enumerate(targets):
            entry = lock.entries.get(t.ref)
            if entry is None or not t.location or t.location[0] != manifest.path:
                continue
            if t.kind == SourceKind.HUB and is_commit(entry.revision) and _follows(t, entry):
                targets[i] = t = dataclasses.replace(t, revision=entry.revision)
            uses = list(t.use) or list(plan.policy.uses)
            same_uses = sorted(uses) == sorted(entry.use)
            if current and same_uses and stale_reason(t, entry, uses, today) is None:
                standing[i] = _Standing(str(lock_path_for(manifest.path)), entry)
    return targets, standing


def _lock_beside(manifest: str) -> Lockfile | None:
    path = lock_path_for(manifest)
    if not path.is_file():
        return None
    lock = load_lock(path)  # LockError: a usage error (fix it, delete it or --no-lock)
    if lock.manifest and lock.manifest != Path(manifest).name:
        return None  # the lock of another manifest in the same folder
    return lock


def _same_policy(lock: Lockfile, plan: ScanPlan) -> bool:
    current = file_sha256(plan.policy.file) if plan.policy.file else None
    return current == lock.policy_sha256 and list(plan.policy.uses) == lock.use


def _follows(target: Target, entry: LockEntry) -> bool:
    """The manifest still follows the ref the lock resolved (or pins the locked commit)."""
    if is_commit(target.revision):
        return target.revision == entry.revision
    return (target.revision or None) == (entry.requested or None)


def scan_with_lock(
    plan: ScanPlan, scan: Callable[[list[Target]], list[ModelResult]]
) -> tuple[list[ModelResult], list[str]]:
    """`scan`'s results (the engine's, Hub models at their locked commits: the report a
    fresh scan of those commits gives), and one line for each lock entry whose recorded
    judgement disagrees with them."""
    targets, standing = pin_to_lock(plan)
    results = scan(targets)
    problems = []
    for i, found in sorted(standing.items()):
        result = results[i]
        if Verdict.ERROR in (result.verdict, found.entry.verdict):
            continue  # nothing judged on one side (often a transient failure)
        why = disagreement(found.entry, result, plan.policy)
        if why:
            problems.append(f"{found.lock}: {found.entry.ref}: {why}")
    return results, problems
