"""What the engine knows of a source: the Fetcher protocol (targets in, snapshots out).

Types only: the engine is given an object with these methods (licscan.sources.fetcher.Fetcher
is the one the command line builds; tests may give their own) and never asks what else
it can do.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, fields
from typing import Any, Protocol, runtime_checkable

from licscan.model import ModelSnapshot, SuppliedLicense, Target


class FetchError(Exception):
    """A model could not be resolved; the message is the snapshot's one-line error."""


@dataclass
class FetchStats:
    """What a Fetcher's requests and caches served; shared by reference with its Hub
    source and blob reader, counted thread-safely.  http_requests = api_requests +
    file_requests (retries included, redirect hops not); cache_hits are licscan's cache;
    models counts fetch calls."""

    http_requests: int = 0
    api_requests: int = 0
    file_requests: int = 0
    retries: int = 0
    cache_hits: int = 0
    hf_cache_hits: int = 0
    blobs_fetched: int = 0
    bytes: int = 0
    models: int = 0
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False, compare=False)

    def count(self, what: str, n: int) -> None:
        """`what`: "api" or "files" (one HTTP request each), or a counter's name."""
        with self._lock:
            if what == "api":
                self.api_requests += n
                self.http_requests += n
            elif what == "files":
                self.file_requests += n
                self.http_requests += n
            else:
                setattr(self, what, getattr(self, what) + n)

    def bump(self, what: str) -> None:
        self.count(what, 1)

    def as_dict(self) -> dict[str, int]:
        return {f.name: getattr(self, f.name) for f in fields(self) if f.name != "_lock"}


@runtime_checkable
class Fetcher(Protocol):
    """Targets in, snapshots out.  `fetch` never raises: a failure is the snapshot's
    `error`, so no failed model can look like a passing one."""

    def fetch(self, target: Target) -> ModelSnapshot: ...

    def fetch_repo(self, repo_id: str) -> ModelSnapshot:
        """A Hub model by id (a base model of a lineage); memoised."""
        ...

    def dataset_licenses(self, dataset_id: str) -> list[str] | None:
        """The licenses a Hub data set declares ([] none); None: could not be learned."""
        ...

    def pin_bases(self, targets: Iterable[Target]) -> None:
        """Base models named without a revision are judged at the commit the scan's own
        targets pin them at."""
        ...

    def supply_licenses(self, texts: Mapping[str, SuppliedLicense]) -> None:
        """License texts the reviewer holds, by model."""
        ...

    def served_locally(self, target: Target) -> bool:
        """Whether fetching `target` needs no network (pure CPU: no thread is worth it)."""
        ...


@runtime_checkable
class HubFetcher(Fetcher, Protocol):
    """What a census needs beyond a scan: listing metadata completed, not re-fetched."""

    stats: FetchStats

    def commit_meta(self, repo_id: str, commit: str) -> dict[str, Any]:
        """model_info at a commit; raises FetchError with the one-line cause."""
        ...

    def has_commit_meta(self, repo_id: str, commit: str) -> bool:
        """Whether the metadata of repo_id at commit is held without a request."""
        ...

    def snapshot_from_meta(
        self, meta: dict[str, Any], license_files: bool = True
    ) -> ModelSnapshot: ...

    def describe(self, exc: BaseException) -> str:
        """A failed Hub call's cause in one line, with no token in it."""
        ...
