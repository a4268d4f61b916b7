"""A scan in a test, composed as the command line composes it (licscan.cli.compose): the
scan's Fetcher unless the test gives its own, with the store of classifications beside
that Fetcher's cache.  The engine itself builds nothing: it is given both."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from licscan.cli.compose import lock_fetcher, scan_fetcher
from licscan.engine import run
from licscan.lockfile import build
from licscan.model import DEFAULT_JOBS, Lockfile, ScanPlan, ScanReport, Target


def run_scan(
    targets: Sequence[str | Target],
    uses: Sequence[str] | None = None,
    policy_file: str | None = None,
    jobs: int = DEFAULT_JOBS,
    *,
    fetcher: Any = None,
    offline: bool = False,
    timeout: float | None = None,
    **kw: Any,
) -> ScanReport:
    fetcher = fetcher or scan_fetcher(offline, timeout)
    return run.run_scan(targets, fetcher, uses, policy_file, jobs, store=fetcher.cache, **kw)


def execute(plan: ScanPlan, fetcher: Any = None, jobs: int = DEFAULT_JOBS, **kw: Any) -> ScanReport:
    fetcher = fetcher or scan_fetcher(False, None)
    return run.execute(plan, fetcher, jobs, store=fetcher.cache, **kw)


def build_lock(manifest: Any, *args: Any, fetcher: Any = None, **kw: Any) -> Lockfile:
    return build.build_lock(manifest, *args, fetcher=fetcher or lock_fetcher(False, None), **kw)
