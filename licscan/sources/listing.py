"""The Hub's model listings, for a census: one request per page of models.

`list_models(expand=[...])` returns, for up to 1,000 models a page, what a verdict needs
from the Hub: the card data, the commit sha, `gated`, the computed tags (`license:`,
`base_model:[relation:]id`) and the file names.  Pages are joined by `Link: <...>;
rel="next"` and fetched through huggingface_hub's back-off, which waits as a 429's
`RateLimit` / `Retry-After` asks.  What a page lacks (file sizes and blob ids) is not
assumed: the census asks `model_info` for it where a verdict needs it.

`--derivatives-of` walks the model tree: `filter=base_model:<id>` lists a model's direct
derivatives of every relation (fine-tune, adapter, quantisation, merge), and each one
whose `childrenModelCount` is not zero is listed in turn, breadth first, each once.

Like every request, a listing page has a total deadline (`--timeout`): pages are read by
a thread of their own and the census waits for each at most the deadline, counted only
while a request is in flight: the clock stops when an answer that will be retried (a 429,
a 5xx) arrives and starts again when the back-off sends the next request, so however long
huggingface_hub sleeps is never taken for a slow server; an answer announcing more than
the cap is refused.
"""

from __future__ import annotations

import queue
import threading
import time
from collections import deque
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any
from urllib.parse import urlsplit

from licscan import __version__
from licscan.model import CensusSelection
from licscan.sources.deadline import DeadlineExceeded
from licscan.sources.hubapi import API_CAP, AnswerTooLarge, repo_meta

# What a census reads of each listed model (huggingface_hub's ExpandModelProperty_T).
EXPAND = ["sha", "gated", "disabled", "tags", "cardData", "siblings", "pipeline_tag",
          "library_name"]  # fmt: skip
TREE_EXPAND = [*EXPAND, "childrenModelCount"]
# A page of 1,000 models with their file lists is a few MiB; four model_info caps is ample.
LISTING_CAP = 4 * API_CAP
LISTING_MAX_SLEEP = 900.0  # the most one listing page waits on 429s (the census's budget)
Count = Callable[[str, int], None]


class Lister:
    """Listings through huggingface_hub's `HfApi.list_models`; `count("listing", n)` is
    told of every listing response (retried ones included) and `count("rate_limited", n)`
    of each 429 among them."""

    def __init__(
        self,
        endpoint: str | None,
        token: str | None,
        count: Count | None = None,
        timeout: float | None = None,
    ) -> None:
        from huggingface_hub import HfApi, constants

        # (None: HF_ENDPOINT as huggingface_hub read it at import)
        self.endpoint = (endpoint or constants.ENDPOINT).rstrip("/")
        self.counts = {"listing": 0, "rate_limited": 0}  # when no `count` is given
        self._counts_lock = threading.Lock()
        self._api = HfApi(endpoint=self.endpoint, token=token, library_name="licscan",
                          library_version=__version__)  # fmt: skip
        self._count = count or self._tally
        self._attach: Callable[[], None] = lambda: None
        self.timeout = timeout
        self._clock = _RequestClock(LISTING_MAX_SLEEP)

    def _tally(self, what: str, n: int) -> None:
        with self._counts_lock:
            self.counts[what] = self.counts.get(what, 0) + n

    def models(self, selection: CensusSelection) -> Iterator[dict[str, Any]]:
        """Every selected model once, as a meta dict, in the Hub's order (breadth first
        down the tree for `derivatives_of`).  Raises what list_models raises."""
        with _counting(self.endpoint, self._count, self._clock) as self._attach:
            if selection.derivatives_of:
                yield from self._tree(selection)
            else:
                yield from self._list(selection, list(selection.filters), selection.limit)

    def _list(
        self, s: CensusSelection, filters: list[str], limit: int | None, tree: bool = False
    ) -> Iterator[dict[str, Any]]:
        infos = self._api.list_models(
            author=s.author, search=s.search, filter=filters or None, limit=limit,
            expand=TREE_EXPAND if tree else EXPAND,
        )  # fmt: skip
        for info in self._within_deadline(iter(infos)):
            self._attach()  # (a connection error makes huggingface_hub replace its client)
            yield repo_meta(info, listing=True)

    def _within_deadline(self, items: Iterator[Any]) -> Iterator[Any]:
        """`items`, each awaited at most the deadline of server time (back-off sleeps not
        counted): a page that drips or hangs ends the listing with DeadlineExceeded."""
        if not self.timeout:
            yield from items
            return
        pipe: queue.Queue[tuple[bool, Any]] = queue.Queue(maxsize=2048)
        stop = threading.Event()
        threading.Thread(target=_produce, args=(items, pipe, stop), daemon=True,
                         name="licscan-listing").start()  # fmt: skip
        try:
            while True:
                ok, item = self._next(pipe)
                if not ok:
                    raise item
                if item is _END:
                    return
                yield item
        finally:
            stop.set()

    def _next(self, pipe: queue.Queue[tuple[bool, Any]]) -> tuple[bool, Any]:
        start = time.monotonic()
        while True:
            try:
                return pipe.get(timeout=0.2)
            except queue.Empty:
                if self._clock.waited_since(start) > (self.timeout or 0):
                    raise DeadlineExceeded(self.timeout or 0) from None

    def _tree(self, s: CensusSelection) -> Iterator[dict[str, Any]]:
        root = s.derivatives_of or ""
        seen = {root.lower()}
        queue, emitted = deque([root]), 0
        while queue:
            parent = queue.popleft()
            left = None if s.limit is None else s.limit - emitted
            if left is not None and left <= 0:
                return
            for meta in self._list(s, [f"base_model:{parent}", *s.filters], left, tree=True):
                if meta["id"].lower() in seen:
                    continue  # a merge of two listed parents, or a cycle
                seen.add(meta["id"].lower())
                emitted += 1
                yield meta
                if meta.get("children") != 0:  # unknown counts are followed (fail closed)
                    queue.append(meta["id"])
                if s.limit is not None and emitted >= s.limit:
                    return


_END = object()


def _produce(items: Iterator[Any], pipe: queue.Queue, stop: threading.Event) -> None:
    """Read the listing into `pipe` until it ends, fails or nobody waits any more."""
    try:
        for item in items:
            while not stop.is_set():
                try:
                    pipe.put((True, item), timeout=0.2)
                    break
                except queue.Full:
                    continue
            if stop.is_set():
                return
        pipe.put((True, _END))
    except BaseException as exc:  # handed to the census, whatever it is
        pipe.put((False, exc))


class _RequestClock:
    """Server time of the listing: running from each request sent until an answer that
    will be retried; stopped while huggingface_hub's back-off sleeps (however long its
    version sleeps for a Retry-After), so only a slow server runs out the deadline.  A
    sleep longer than `max_sleep` counts beyond it: huggingface_hub sleeps whatever a
    429 asks, and a census must not wait hours on one header."""

    def __init__(self, max_sleep: float = LISTING_MAX_SLEEP) -> None:
        self._sent_at = 0.0
        self._asleep_since: float | None = None  # in the back-off since then
        self._max_sleep = max_sleep
        self._lock = threading.Lock()

    def sent(self) -> None:
        with self._lock:
            self._sent_at, self._asleep_since = time.monotonic(), None

    def retrying(self) -> None:
        with self._lock:
            self._asleep_since = time.monotonic()

    def waited_since(self, start: float) -> float:
        """Seconds of server time since `start` (back-off sleeps up to `max_sleep` not
        counted)."""
        with self._lock:
            now = time.monotonic()
            if self._asleep_since is None:
                return now - max(start, self._sent_at)
            return now - max(start, self._asleep_since) - self._max_sleep


@contextmanager
def _counting(
    endpoint: str, count: Count, clock: _RequestClock | None = None
) -> Iterator[Callable[[], None]]:
    """Count listing responses as huggingface_hub's shared client receives them (its
    back-off retries included), refuse one that announces more than the API cap, and
    run the deadline's clock only while a listing request is in flight.  Re-attached
    if the client is replaced."""
    from huggingface_hub.utils import get_session

    clock = clock or _RequestClock()
    split = urlsplit(endpoint)
    origin, path = (split.scheme, split.netloc), (split.path.rstrip("/") or "") + "/api/models"

    def ours(request: Any) -> bool:  # this endpoint only: another census's hub is not ours
        url = request.url
        return (request.method == "GET" and url.path == path
                and (url.scheme, url.netloc.decode("ascii", "replace")) == origin)  # fmt: skip

    def sent(request: Any) -> None:
        if ours(request):
            clock.sent()

    def hook(response: Any) -> None:
        if ours(response.request):
            count("listing", 1)
            if response.status_code == 429:
                count("rate_limited", 1)
            if response.status_code == 429 or response.status_code >= 500:
                clock.retrying()  # the back-off sleeps now; its next request restarts
            size = response.headers.get("content-length", "")
            if size.isdigit() and int(size) > LISTING_CAP:
                raise AnswerTooLarge(LISTING_CAP)

    attached: list[Any] = []
    lock = threading.Lock()

    def attach() -> None:
        with lock:
            session = get_session()
            if not attached or attached[-1] is not session:
                session.event_hooks["request"].append(sent)
                session.event_hooks["response"].append(hook)
                attached.append(session)

    attach()
    try:
        yield attach
    finally:
        for session in attached:
            for kind, fn in (("request", sent), ("response", hook)):
                hooks = session.event_hooks[kind]
                if fn in hooks:
                    hooks.remove(fn)
