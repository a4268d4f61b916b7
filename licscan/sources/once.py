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
