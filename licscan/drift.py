"""`licscan lock` and `licscan verify`: judge a manifest's models, record them, find drift.

Both run the scan pipeline of `licscan.engine.run` (fetch, lineage, data sets, evaluate)
with one Fetcher, so a model is fetched once however many uses it is judged under.
`verify` judges again (online) and compares with the lock: a new commit on the tracked
ref, a license file changed, added or removed, a changed card license, category, flags,
verdict, gating or base-model terms.  License terms are living data: vendors revise them.
"""

from __future__ import annotations

import dataclasses
import os
from pathlib import Path
from typing import Any

from licscan.lock import (
    LockError,
    entry_from_result,
    entry_to_dict,
    keep_checked_at,
    load_lock,
    lock_path_for,
    now,
    policy_ref,
)
from licscan.model import Drift, LockEntry, Lockfile, ScanPlan, Target

DEFAULT_JOBS = 8


def build_lock(
    manifest: str | os.PathLike,
    lock_path: str | os.PathLike | None = None,
    *,
    jobs: int = DEFAULT_JOBS,
    offline: bool = False,
    fetcher: Any = None,
    today: str | None = None,
    progress: Any = None,
    timeout: float | None = None,
    license_files: list[str] | tuple[str, ...] = (),
) -> Lockfile:
    """Judge every model of the manifest and return the lock (not written).  Entries that
    did not change keep their `checked_at` from the lock already on disk.  Raises
    UsageError (bad manifest, policy, or a ref listed twice with different uses)."""
    from licscan import __version__
    from licscan.engine.run import plan_scan, scan_one, scan_targets

    path = Path(lock_path) if lock_path else lock_path_for(manifest)
    plan = plan_scan([str(manifest)], today=today, license_files=license_files)
    _one_entry_per_ref(plan.targets)
    if fetcher is None:
        from licscan.sources import Fetcher

        fetcher = Fetcher(offline=offline, jobs=jobs, timeout=timeout)
    fetcher.supply_licenses(plan.supplied)
    results = scan_targets(plan.targets, plan.policy, fetcher, jobs, progress)
    policy_file, policy_sha = policy_ref(_policy_source(plan), path.parent)
    lock = Lockfile(
        path=str(path),
        licscan_version=__version__,
        manifest=Path(manifest).name,
        policy=plan.policy.name,
        policy_file=policy_file,
        policy_sha256=policy_sha,
        use=list(plan.policy.uses),
        manifest_use=list(plan.manifests[0].use) if plan.manifests else [],
        allow_errors=plan.policy.allow_errors,
    )
    stamp = now()
    for target, result in zip(plan.targets, results, strict=True):
        snapshot = fetcher.fetch(target)  # memoised by the fetcher: no second request
        verdicts = {u: result.verdict for u in result.use}
        if len(result.use) > 1:  # the verdict under each use alone
            for use in result.use:
                alone = dataclasses.replace(target, use=(use,))
                verdicts[use] = scan_one(alone, plan.policy, fetcher).verdict
        lock.entries[target.ref] = entry_from_result(result, snapshot, verdicts, stamp)
    keep_checked_at(lock, _old_lock(path))
    return lock


def _old_lock(path: Path) -> Lockfile | None:
    try:
        return load_lock(path) if path.is_file() else None
    except LockError:
        return None  # an unreadable lock is replaced whole


def _policy_source(plan: ScanPlan) -> str | None:
    """The policy as the manifest names it: a file (absolute) or a preset name."""
    return next((m.policy for m in plan.manifests if m.policy), None)


def _one_entry_per_ref(targets: list[Target]) -> None:
    from licscan.sources.targets import UsageError

    seen: dict[str, Target] = {}
    for t in targets:
        prev = seen.setdefault(t.ref, t)
        if prev is not t and prev.use != t.use:
            where = f"{t.location[0]}:{t.location[1]}: " if t.location else ""
            first = f" (line {prev.location[1]})" if prev.location else ""
            raise UsageError(
                f"{where}{t.ref} is listed twice{first} with different uses; "
                "give it once with a list of uses"
            )


# --- verify ---------------------------------------------------------------------------------


@dataclasses.dataclass
class Verification:
    """What `licscan verify` found: drift per model, models it could not re-check."""

    lock: Lockfile  # as on disk
    current: Lockfile  # as judged now
    drift: list[Drift]
    errors: list[str]
    notes: list[str] = dataclasses.field(default_factory=list)

    @property
    def exit_code(self) -> int:
        return 1 if self.drift else 3 if self.errors else 0


def verify(
    manifest: str | os.PathLike,
    lock_path: str | os.PathLike | None = None,
    *,
    jobs: int = DEFAULT_JOBS,
    fetcher: Any = None,
    today: str | None = None,
    progress: Any = None,
    timeout: float | None = None,
    license_files: list[str] | tuple[str, ...] = (),
) -> Verification:
    """Judge the manifest again (online) and compare with its lock.  Raises LockError when
    there is no readable lock, UsageError for a bad manifest or policy."""
    path = Path(lock_path) if lock_path else lock_path_for(manifest)
    old = load_lock(path)
    current = build_lock(manifest, path, jobs=jobs, fetcher=fetcher, today=today,
                         progress=progress, timeout=timeout,
                         license_files=license_files)  # fmt: skip
    drift: list[Drift] = []
    errors: list[str] = []
    if (old.policy_file, old.policy_sha256) != (current.policy_file, current.policy_sha256):
        drift.append(Drift("*", "policy", f"the policy changed since the lock ({_policy(old)} "
                                          f"-> {_policy(current)})"))  # fmt: skip
    for ref, entry in current.entries.items():
        before = old.entries.get(ref)
        if before is None:
            drift.append(Drift(ref, "unlocked", f"{ref}: in the manifest but not in the lock"))
        elif entry.error and entry.verdict == "error":
            errors.append(f"{ref}: could not be re-checked: {entry.error}")
        else:
            drift.extend(compare(before, entry))
    for ref in sorted(set(old.entries) - set(current.entries)):
        drift.append(Drift(ref, "removed", f"{ref}: in the lock but no longer in the manifest"))
    notes = []
    if old.licscan_version != current.licscan_version:
        notes.append(f"the lock was written by licscan {old.licscan_version or '?'} and this is "
                     f"{current.licscan_version}: some changes may be licscan's own")  # fmt: skip
    return Verification(old, current, drift, errors, notes)


def _policy(lock: Lockfile) -> str:
    if lock.policy_sha256:
        return f"{lock.policy_file} sha256 {lock.policy_sha256[:12]}"
    return lock.policy_file or "presets"


# --- comparing two entries --------------------------------------------------------------------


def compare(old: LockEntry, new: LockEntry) -> list[Drift]:
    """Every way `new` (judged now) differs from `old` (the lock), most basic first."""
    ref = old.ref
    out: list[Drift] = []

    def add(kind: str, message: str) -> None:
        out.append(Drift(ref, kind, f"{ref}: {message}"))

    if old.revision != new.revision:
        tracked = old.requested or "main"
        add("revision", f"{tracked} moved from {_short(old.revision)} to {_short(new.revision)}")
    if old.source == "local" and old.digest != new.digest:
        add("files", "its card or license files changed since the lock")
    for kind, message in _license_files(old.license_files, new.license_files):
        add(kind, message)
    if (old.card_licenses, old.card_license_name) != (new.card_licenses, new.card_license_name):
        add("card-license", f"card license {_card(old)} -> {_card(new)}")
    if old.category != new.category:
        add("category", f"category {old.category} -> {new.category}")
    for message in _flags(old, new):
        add("flags", message)
    if old.gated != new.gated:
        add("gated", f"gating {old.gated or 'none'} -> {new.gated or 'none'}")
    for message in _lineage(old.lineage, new.lineage):
        add("base-model", message)
    if old.verdict != new.verdict:
        add("verdict", f"verdict ({', '.join(new.use)}) {old.verdict} -> {new.verdict}")
    elif not out and entry_to_dict(_undated(old)) != entry_to_dict(_undated(new)):
        add("other", "the judgement changed (licenses, evidence or waivers)")
    return out


def _undated(e: LockEntry) -> LockEntry:
    """Without what may change freely: when it was checked, which commit a base is at."""
    lineage = [{k: v for k, v in n.items() if k != "revision"} for n in e.lineage]
    return dataclasses.replace(e, checked_at="", lineage=lineage)


def _short(revision: str | None) -> str:
    return revision[:12] if revision else "nothing"


def _card(e: LockEntry) -> str:
    text = ", ".join(e.card_licenses) or "(none)"
    return f"{text} ({e.card_license_name})" if e.card_license_name else text


def _license_files(old: dict, new: dict) -> list[tuple[str, str]]:
    out = []
    for path in sorted(set(old) | set(new)):
        a, b = old.get(path), new.get(path)
        if a is None:
            out.append(("license-file", f"{path} added ({_hash(b)})"))
        elif b is None:
            out.append(("license-file", f"{path} removed (was {_hash(a)})"))
        elif (a.get("sha256"), a.get("blob_id")) != (b.get("sha256"), b.get("blob_id")):
            out.append(("license-file", f"{path} changed ({_hash(a)} -> {_hash(b)})"))
    return out


def _hash(h: dict) -> str:
    if h.get("sha256"):
        return f"sha256 {h['sha256'][:12]}"
    if h.get("blob_id"):
        return f"blob {h['blob_id'][:12]}"
    return h.get("error") or "unreadable"


def _flags(old: LockEntry, new: LockEntry) -> list[str]:
    a = {f.id: f.value for f in old.flags}
    b = {f.id: f.value for f in new.flags}
    out = []
    for fid in sorted(set(a) | set(b)):
        if fid not in a:
            out.append(f"new flag {fid}" + (f"={b[fid]}" if b[fid] else ""))
        elif fid not in b:
            out.append(f"flag {fid} gone")
        elif a[fid] != b[fid]:
            out.append(f"flag {fid} value {a[fid]} -> {b[fid]}")
    return out


def _lineage(old: list[dict], new: list[dict]) -> list[str]:
    """Base models are followed on their default branch: what matters is their terms."""
    a = {str(n.get("id")): n for n in old}
    b = {str(n.get("id")): n for n in new}
    out = []
    for base in sorted(set(a) | set(b)):
        x, y = a.get(base), b.get(base)
        if x is None:
            out.append(f"new base model {base} ({y.get('category')})")  # type: ignore[union-attr]
        elif y is None:
            out.append(f"base model {base} no longer in the lineage")
        elif (x.get("category"), x.get("licenses") or []) != (
            y.get("category"),
            y.get("licenses") or [],
        ):
            out.append(f"base model {base}: {_terms(x)} -> {_terms(y)}")
    return out


def _terms(node: dict) -> str:
    licenses = ", ".join(node.get("licenses") or []) or "no known license"
    return f"{node.get('category')} ({licenses})"
