"""The command line builds what the engine is given: the Fetcher (and the store of
classifications beside its cache), the census's Lister and journal folder."""

from __future__ import annotations

from licscan.engine.census import CENSUS_MAX_WAIT, CENSUS_RETRIES
from licscan.sources.fetcher import BASE_MAX_AGE, Fetcher
from licscan.sources.listing import Lister


def scan_fetcher(offline: bool, timeout: float | None, card_lines: bool = False) -> Fetcher:
    """A scan's: the API's card data carries the facts; README.md only adds line numbers
    (`--card-lines`).  Its cache also keeps classifications for re-scans (`.cache`)."""
    return Fetcher(offline=offline, readme=card_lines, base_max_age=BASE_MAX_AGE,
                   timeout=timeout)  # fmt: skip


def lock_fetcher(offline: bool, timeout: float | None) -> Fetcher:
    """`lock` and `verify`: every README read (the lock records line evidence)."""
    return Fetcher(offline=offline, timeout=timeout)


def census_fetcher(card_lines: bool, timeout: float | None) -> Fetcher:
    """A census's: judged from listings; a 429 is waited out (up to 15 min a call)."""
    return Fetcher(readme=card_lines, card_prose=card_lines, base_max_age=BASE_MAX_AGE,
                   retries=CENSUS_RETRIES, max_retry_wait=CENSUS_MAX_WAIT,
                   timeout=timeout)  # fmt: skip


def census_lister(fetcher: Fetcher, timeout: float | None) -> Lister:
    return Lister(fetcher.endpoint, None, timeout=timeout)
