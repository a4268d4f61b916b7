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
"""

from __future__ import annotations

import threading
from collections import deque
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any
from urllib.parse import urlsplit

from licscan.model import CensusSelection
from licscan.sources.hubapi import hub_base_models

# What a census reads of each listed model (huggingface_hub's ExpandModelProperty_T).
EXPAND = ["sha", "gated", "disabled", "tags", "cardData", "siblings", "pipeline_tag",
          "library_name"]  # fmt: skip
TREE_EXPAND = [*EXPAND, "childrenModelCount"]
Count = Callable[[str, int], None]


def meta_from_listing(info: Any) -> dict[str, Any]:
    """A listed ModelInfo in the shape of `hubapi.meta_from_info`.  A listing gives file
    names only: `size` and `blob_id` stay None unless the page carried them."""
    card = info.card_data.to_dict() if info.card_data is not None else None
    siblings = None
    if info.siblings is not None:
        siblings = [
            {"path": s.rfilename, "size": s.size, "blob_id": s.blob_id,
             "lfs_sha256": s.lfs.sha256 if s.lfs else None}
            for s in info.siblings
        ]  # fmt: skip
    return {
        "id": info.id,
        "sha": info.sha,
        "gated": info.gated if info.gated in ("auto", "manual") else False,
        "private": bool(info.private),
        "disabled": bool(info.disabled),
        "card_data": card,
        "tags": list(info.tags or []),
        "base_models": hub_base_models(info.base_models, info.tags or []),
        "siblings": siblings,
        "pipeline_tag": info.pipeline_tag,
        "library_name": info.library_name,
        "children": info.children_model_count,
    }


class Lister:
    """Listings through huggingface_hub's `HfApi.list_models`; `count("listing", n)` is
    told of every listing response (retried ones included) and `count("rate_limited", n)`
    of each 429 among them."""

    def __init__(self, endpoint: str, token: str | None, count: Count) -> None:
        from huggingface_hub import HfApi

        from licscan import __version__

        self.endpoint = endpoint.rstrip("/")
        self._api = HfApi(endpoint=self.endpoint, token=token, library_name="licscan",
                          library_version=__version__)  # fmt: skip
        self._count = count
        self._attach: Callable[[], None] = lambda: None

    def models(self, selection: CensusSelection) -> Iterator[dict[str, Any]]:
        """Every selected model once, as a meta dict, in the Hub's order (breadth first
        down the tree for `derivatives_of`).  Raises what list_models raises."""
        with _counting(self.endpoint, self._count) as self._attach:
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
        for info in infos:
            self._attach()  # (a connection error makes huggingface_hub replace its client)
            yield meta_from_listing(info)

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


@contextmanager
def _counting(endpoint: str, count: Count) -> Iterator[Callable[[], None]]:
    """Count listing responses as huggingface_hub's shared client receives them (its
    back-off retries included).  The hook is re-attached if the client is replaced."""
    from huggingface_hub.utils import get_session

    path = (urlsplit(endpoint).path.rstrip("/") or "") + "/api/models"

    def hook(response: Any) -> None:
        request = response.request
        if request.method == "GET" and request.url.path == path:
            count("listing", 1)
            if response.status_code == 429:
                count("rate_limited", 1)

    attached: list[Any] = []
    lock = threading.Lock()

    def attach() -> None:
        with lock:
            session = get_session()
            if not attached or attached[-1] is not session:
                session.event_hooks["response"].append(hook)
                attached.append(session)

    attach()
    try:
        yield attach
    finally:
        for session in attached:
            hooks = session.event_hooks["response"]
            if hook in hooks:
                hooks.remove(hook)
