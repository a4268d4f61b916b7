"""Run a function once per key across threads (the Fetcher's memo of repos, blobs, data
sets and base heads)."""

from __future__ import annotations

import threading
from collections.abc import Callable
from concurrent.futures import Future
from typing import Any


class Once:
    """Run fn once per key across threads; concurrent callers share the result."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._futures: dict[Any, Future] = {}

    def get(
        self,
        key: Any,
        fn: Callable[[], Any],
        redo: Callable[[BaseException], bool] | None = None,
    ) -> Any:
        """`redo(exc)`: a failure that belongs to the caller who hit it (e.g. no access to
        *that* repo), so every other caller waiting on the key tries for itself."""
        while True:
            with self._lock:
                future = self._futures.get(key)
                owner = future is None
                if owner:
                    future = self._futures[key] = Future()
            if owner:
                try:
                    future.set_result(fn())
                except BaseException as exc:
                    if redo is not None and redo(exc):
                        with self._lock:
                            self._futures.pop(key, None)
                    future.set_exception(exc)
            try:
                return future.result()
            except BaseException as exc:
                if owner or redo is None or not redo(exc):
                    raise


class Stats:
    """Request and cache counters shared by the Fetcher, its Hub source and its blob
    reader (by reference); thread-safe.  http_requests = api_requests + file_requests
    (retries included, redirect hops not), retries, cache_hits (licscan cache),
    hf_cache_hits, blobs_fetched, bytes, models (fetch calls)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.counts: dict[str, int] = dict.fromkeys(
            ("http_requests", "api_requests", "file_requests", "retries", "cache_hits",
             "hf_cache_hits", "blobs_fetched", "bytes", "models"), 0,
        )  # fmt: skip

    def count(self, what: str, n: int) -> None:
        with self._lock:
            if what == "api":
                self.counts["api_requests"] += n
                self.counts["http_requests"] += n
            elif what == "files":
                self.counts["file_requests"] += n
                self.counts["http_requests"] += n
            else:
                self.counts[what] = self.counts.get(what, 0) + n

    def bump(self, what: str) -> None:
        self.count(what, 1)
