"""`licscan lock`: judge every model of a manifest into a lock (not written here).

The scan pipeline of `licscan.engine.run` (fetch, lineage, data sets, evaluate) with one
Fetcher, so a model is fetched once however many uses it is judged under; a model with
several uses also gets its verdict under each use alone.
"""

from __future__ import annotations

import dataclasses
import os
from pathlib import Path
from typing import Any

from licscan import __version__
from licscan.engine.run import plan_scan, scan_one, scan_targets
from licscan.errors import LockError, UsageError
from licscan.lockfile.document import (
    entry_from_result,
    keep_checked_at,
    load_lock,
    lock_path_for,
    policy_ref,
)
from licscan.model import DEFAULT_JOBS, Lockfile, ScanPlan, Target, utc_now
from licscan.sources.protocol import Fetcher


def build_lock(
    manifest: str | os.PathLike,
    lock_path: str | os.PathLike | None = None,
    *,
    fetcher: Fetcher,
    jobs: int = DEFAULT_JOBS,
    today: str | None = None,
    progress: Any = None,
    license_files: list[str] | tuple[str, ...] = (),
) -> Lockfile:
    """Judge every model of the manifest and return the lock (not written).  Entries that
    did not change keep their `checked_at` from the lock already on disk.  Raises
    UsageError (bad manifest, policy, or a ref listed twice with different uses)."""
    path = Path(lock_path) if lock_path else lock_path_for(manifest)
    plan = plan_scan([str(manifest)], today=today, license_files=license_files)
    _one_entry_per_ref(plan.targets)
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
    stamp = utc_now()
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
