"""Using a lock: does an entry still stand for a manifest's model, and `scan` of a locked
manifest (models whose entries stand come from the lock, with no network; the other Hub
models are scanned at their locked commits).  Cheap to import, like licscan.lock."""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

from licscan.lock import (
    LOCK_NAME,
    LockError,
    file_sha256,
    folder_digest,
    is_commit,
    load_lock,
    lock_path_for,
    result_from_entry,
    strictest_verdict,
)
from licscan.model import Decision, LockEntry, Lockfile, ModelResult, ScanPlan, Target
from licscan.waivers import expiring, expiring_note

log = logging.getLogger("licscan.lock")


# --- does an entry still stand for a manifest's model? ------------------------------------


def stale_reason(target: Target, entry: LockEntry, uses: list[str], today: str) -> str | None:
    """Why a lock entry no longer stands for the manifest's model (None: it does)."""
    if entry.source != target.kind:
        return f"locked as a {entry.source} model, now a {target.kind} one"
    if target.kind == "hub":
        if not is_commit(entry.revision):
            return "the lock holds no commit for it"
        if is_commit(target.revision):
            if target.revision != entry.revision:
                pins, holds = _short(target.revision), _short(entry.revision)
                return f"the manifest pins {pins}, the lock holds {holds}"
        elif (target.revision or None) != (entry.requested or None):
            return (f"the manifest follows {target.revision or 'main'}, the lock followed "
                    f"{entry.requested or 'main'}")  # fmt: skip
    elif target.kind == "local" and (
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
    locked = {p: h for p, h in entry.license_files.items() if p.startswith("supplied:")}
    given = target.license_file
    if given is None:
        return f"{', '.join(sorted(locked))} is no longer supplied" if locked else None
    hashes = locked.get(given.name)
    if hashes is None:
        return f"license_file {given.label} was not supplied when locked"
    if file_sha256(given.path) != hashes.get("sha256"):
        return f"the supplied license file {given.label} changed since the lock"
    return None


def locked_verdict(entry: LockEntry, uses: list[str]) -> str:
    """The verdict under `uses` (all of them must be in entry.verdicts)."""
    if sorted(uses) == sorted(entry.use):
        return entry.verdict
    return strictest_verdict([entry.verdicts[u] for u in uses])


def _short(revision: str | None) -> str:
    return revision[:12] if revision else "nothing"


def today_iso(policy_today: str | None = None) -> str:
    return policy_today or date.today().isoformat()


# --- `scan` of a locked manifest ------------------------------------------------------------


def apply_lock(plan: ScanPlan) -> tuple[dict[int, ModelResult], list[Target]]:
    """For `scan`: the results a lock beside each manifest already holds (index into
    plan.targets -> result; no network), and the plan's targets with every Hub model the
    lock knows pinned to its locked commit (served from the cache when it was fetched
    before).  An entry is reused only when the licscan version, the policy (its file's
    hash) and the model's uses are those it was judged under and it is not stale."""
    from licscan import __version__

    results: dict[int, ModelResult] = {}
    targets = list(plan.targets)
    today = today_iso(plan.policy.today)
    for manifest in plan.manifests:
        lock = _lock_beside(manifest.path)
        if lock is None:
            continue
        reuse = lock.licscan_version == __version__ and _same_policy(lock, plan)
        for i, t in enumerate(targets):
            entry = lock.entries.get(t.ref)
            if entry is None or not t.location or t.location[0] != manifest.path:
                continue
            uses = list(t.use) or list(plan.policy.uses)
            reason = stale_reason(t, entry, uses, today)
            same_uses = sorted(uses) == sorted(entry.use)
            if reuse and reason is None and entry.verdict != "error" and same_uses:
                result = result_from_entry(entry, LOCK_NAME, t.location, plan.policy.name)
                results[i] = _warn_expiring(result, today, plan.policy.waiver_warning_days)
            elif t.kind == "hub" and is_commit(entry.revision) and _follows(t, entry):
                targets[i] = dataclasses.replace(t, revision=entry.revision)
    return results, targets


def _warn_expiring(result: ModelResult, today: str, warning_days: int) -> ModelResult:
    """A waiver the locked verdict relied on runs out soon: the same warning as a fresh
    judgement gives (the lock was written before it was near)."""
    for w in result.waivers:
        left = expiring(w.expires, today, warning_days) if w.applied else None
        if left is None:
            continue
        source = w.note.split(";", 1)[0]  # the waiver's policy file:line
        note = expiring_note(w.expires or "", left)
        result.decisions.append(Decision(f"waiver:{w.target}", "warn", None, source, note))
        result.reasons.append(f"waiver for {w.target} {note}")
        if result.verdict == "pass":
            result.verdict = "warn"
    return result


def _lock_beside(manifest: str) -> Lockfile | None:
    path = lock_path_for(manifest)
    if not path.is_file():
        return None
    try:
        lock = load_lock(path)
    except LockError as exc:
        log.warning("%s; scanning without it", exc)
        return None
    if lock.manifest and lock.manifest != Path(manifest).name:
        return None  # the lock of another manifest in the same folder
    return lock


def _same_policy(lock: Lockfile, plan: ScanPlan) -> bool:
    current = file_sha256(plan.policy.file) if plan.policy.file else None
    return current == lock.policy_sha256 and list(plan.policy.uses) == lock.use


def _follows(target: Target, entry: LockEntry) -> bool:
    """The manifest still follows the ref the lock resolved (not pinned elsewhere)."""
    return not is_commit(target.revision) and (target.revision or None) == (entry.requested or None)


def scan_with_lock(
    plan: ScanPlan,
    scan: Callable[[list[Target]], list[ModelResult]],
    progress: Callable[[ModelResult], Any] | None = None,
) -> list[ModelResult]:
    """`scan`'s results in target order: locked ones from the lock, the rest from
    `scan(targets)` (the engine), Hub models at their locked commits."""
    locked, targets = apply_lock(plan)
    if progress is not None:
        for result in locked.values():
            progress(result)
    fresh = iter(scan([t for i, t in enumerate(targets) if i not in locked]))
    return [locked[i] if i in locked else next(fresh) for i in range(len(targets))]
