"""A scan: targets -> fetch -> lineage -> evaluate -> ScanReport, concurrently.

Each model is fetched, its base models walked and its data sets looked up in one worker
(`jobs` of them), so the network stays busy; the fetcher memoises repos, blobs and data
sets across workers, so a thousand fine-tunes of one base fetch that base once.  An
engine failure costs one model (an `error`), never the scan.
"""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor, as_completed
from typing import Any

from licscan import __version__
from licscan.engine import stored
from licscan.engine.assess import classify
from licscan.engine.evaluate import evaluate
from licscan.engine.lineage import walk
from licscan.engine.policy import load_policy
from licscan.errors import PolicyError
from licscan.knowledge import load_index, load_knowledge, resolve_expression
from licscan.model import (
    DEFAULT_JOBS,
    Category,
    Lineage,
    Manifest,
    ModelResult,
    Policy,
    ScanPlan,
    ScanReport,
    Target,
    Verdict,
    utc_now,
)
from licscan.sources import supplied
from licscan.sources.arguments import load_targets
from licscan.sources.cache import DiskCache
from licscan.sources.protocol import Fetcher
from licscan.sources.supplied import by_model

log = logging.getLogger("licscan.engine")


def run_scan(
    targets: Sequence[str | Target],
    fetcher: Fetcher,
    uses: Sequence[str] | None = None,
    policy_file: str | None = None,
    jobs: int = DEFAULT_JOBS,
    progress: Callable[[ModelResult], Any] | None = None,
    *,
    store: DiskCache | None = None,
    hf_cache: bool = False,
    today: str | None = None,
    license_files: Sequence[str] = (),
) -> ScanReport:
    """Scan targets (CLI strings: ids, id@rev, folders, manifests; or Targets) under a
    policy.  `uses` and `policy_file` (the CLI's) win over a manifest's.  Raises
    UsageError / PolicyError (exit 2) before anything is fetched."""
    plan = plan_scan(targets, uses, policy_file, hf_cache=hf_cache, today=today,
                     license_files=license_files)  # fmt: skip
    return execute(plan, fetcher, jobs, progress, store=store)


def plan_scan(
    targets: Sequence[str | Target],
    uses: Sequence[str] | None = None,
    policy_file: str | None = None,
    *,
    hf_cache: bool = False,
    today: str | None = None,
    license_files: Sequence[str] = (),
) -> ScanPlan:
    """Resolve targets, manifests and the policy; nothing is fetched.  Raises UsageError.
    license_files: `--license-file MODEL=PATH` values (licscan.sources.supplied)."""
    given = supplied.from_options(license_files)
    resolved, manifests = _targets(targets, hf_cache)
    policy_file, default_uses = _settings(manifests, policy_file, list(uses or []))
    policy = load_policy(policy_file, default_uses, today)
    resolved = supplied.attach(_manifest_uses(resolved, manifests, bool(uses)), given)
    return ScanPlan(resolved, policy, manifests, supplied.by_model(resolved, given))


# A caller's wrapper of a scan: around(plan, scan) -> (results, problems), where
# scan(targets) judges targets; the command line's is lock reuse (licscan.lockfile.reuse:
# Hub models at their locked commits, and a line for each locked judgement that differs).
ScanTargets = Callable[[list[Target]], list[ModelResult]]
Around = Callable[[ScanPlan, ScanTargets], tuple[list[ModelResult], list[str]]]


def execute(
    plan: ScanPlan,
    fetcher: Fetcher,
    jobs: int = DEFAULT_JOBS,
    progress: Callable[[ModelResult], Any] | None = None,
    *,
    store: DiskCache | None = None,
    around: Around | None = None,
) -> ScanReport:
    """Fetch and judge the plan's targets (or what `around` scans of them).  `store`: where
    classifications are kept for re-scans (None: nowhere)."""
    started = utc_now()
    fetcher.pin_bases(plan.targets)
    fetcher.supply_licenses(plan.supplied)

    def scan(targets: list[Target]) -> list[ModelResult]:
        return scan_targets(targets, plan.policy, fetcher, jobs, progress)

    with stored.using(store):
        results, problems = around(plan, scan) if around else (scan(plan.targets), [])
    return ScanReport(
        version=__version__,
        use=list(plan.policy.uses),
        models=results,
        started_at=started,
        policy=plan.policy.name,
        manifest=plan.manifests[0].path if len(plan.manifests) == 1 else None,
        problems=problems,
    )


def scan_targets(
    targets: list[Target],
    policy: Policy,
    fetcher: Fetcher,
    jobs: int = DEFAULT_JOBS,
    progress: Callable[[ModelResult], Any] | None = None,
) -> list[ModelResult]:
    """Results in target order."""
    if not targets:
        return []
    load_knowledge()  # one that does not load ends the scan (KnowledgeError), not each model
    results: list[ModelResult | None] = [None] * len(targets)
    workers = max(1, min(int(jobs), len(targets)))
    fetcher.pin_bases(targets)
    fetcher.supply_licenses(by_model(targets, {}))  # manifest entries' license_file
    # What the caches serve is pure CPU: threads would only contend for the GIL.
    remote = [i for i, t in enumerate(targets) if not fetcher.served_locally(t)]
    if workers > 1 and remote:
        preload()
    with ThreadPoolExecutor(max_workers=min(workers, len(remote)) or 1) as pool:
        futures = {pool.submit(scan_one, targets[i], policy, fetcher): i for i in remote}
        for i in sorted(set(range(len(targets))) - set(remote)):
            _done(results, i, scan_one(targets[i], policy, fetcher), progress)
        for future in as_completed(futures):
            _done(results, futures[future], future.result(), progress)
    return [r for r in results if r is not None]


def _done(
    results: list[ModelResult | None],
    i: int,
    result: ModelResult,
    progress: Callable[[ModelResult], Any] | None,
) -> None:
    results[i] = result
    if progress is not None:
        progress(result)


def preload() -> None:
    """Load the knowledge base, fingerprint index, clause detectors and SPDX symbols now,
    in one thread: their loaders are memoised but not locked, so the first calls of 16
    workers would each load them (a warm scan of 40 models took 3x longer)."""
    load_knowledge()
    load_index()
    resolve_expression("MIT")
    classify("Permission is granted to use this model.\n", "(preload)")


def scan_one(target: Target, policy: Policy, fetcher: Fetcher) -> ModelResult:
    """Fetch, walk the lineage, look up the data sets, evaluate.  Never raises."""
    try:
        snap = fetcher.fetch(target)
        lineage = Lineage()
        if snap.card is not None or snap.license_files or not snap.error:
            lineage = walk(snap, fetcher.fetch_repo, policy.max_depth)
        datasets = {}
        for ds in snap.card.datasets if snap.card else []:
            datasets[ds] = fetcher.dataset_licenses(ds)
        return evaluate(snap, policy, lineage, datasets)
    except Exception as exc:  # a bug must cost one model, not the scan
        log.debug("evaluation failed", exc_info=True)
        return ModelResult(
            ref=target.ref,
            source=target.kind,
            revision=target.revision,
            repo_id=target.repo_id,
            category=Category.UNKNOWN,
            verdict=Verdict.ERROR,
            use=list(target.use) or list(policy.uses),
            error=f"{target.ref}: internal error: {type(exc).__name__}: {exc}",
            location=target.location,
            policy=policy.name,
        )


def _targets(
    targets: Sequence[str | Target], hf_cache: bool
) -> tuple[list[Target], list[Manifest]]:
    args = [t for t in targets if isinstance(t, str)]
    given = [t for t in targets if isinstance(t, Target)]
    if not args and not hf_cache:
        return given, []

    found, manifests = load_targets(args, hf_cache)
    return list(dict.fromkeys([*given, *found])), manifests


def _settings(
    manifests: list[Manifest], policy_file: str | None, uses: list[str]
) -> tuple[str | None, list[str]]:
    """The policy and default uses: the CLI's, else the manifests' (which must agree)."""
    if policy_file is None:
        named = list(dict.fromkeys(m.policy for m in manifests if m.policy))
        if len(named) > 1:
            raise PolicyError(
                f"the manifests name different policies ({', '.join(named)}); "
                "choose one with --policy"
            )
        policy_file = named[0] if named else None
    if not uses and len(manifests) == 1:
        uses = list(manifests[0].use)
    return policy_file, uses


def _manifest_uses(
    targets: list[Target], manifests: list[Manifest], cli_uses: bool
) -> list[Target]:
    """A manifest's default use applies to its own models (unless --use was given);
    a model's own `use:` in the manifest always applies."""
    if cli_uses or not manifests:
        return targets
    by_file = {m.path: m.use for m in manifests if m.use}
    out = []
    for t in targets:
        default = by_file.get(t.location[0]) if t.location else None
        out.append(dataclasses.replace(t, use=tuple(default)) if default and not t.use else t)
    return out
