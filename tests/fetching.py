"""Fetching many targets at once in a test, the way a scan does: the product's only
thread pools are the engine's (engine.run, engine.census); the Fetcher's memo layer must
hold under that concurrency (one download per shared blob, one request per repo)."""

from __future__ import annotations

from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor

from licscan.model import ModelSnapshot, Target


def fetch_each(fetcher, targets: Iterable[Target], jobs: int = 8) -> list[ModelSnapshot]:
    """fetcher.fetch(t) for every target, `jobs` at a time; results in target order."""
    targets = list(targets)
    with ThreadPoolExecutor(max_workers=max(1, min(jobs, len(targets)))) as pool:
        return list(pool.map(fetcher.fetch, targets))
