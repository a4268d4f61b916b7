"""The census's listing through the real huggingface_hub client and the loopback Hub's
`/api/models`: pages joined by `Link: <...>; rel="next"`, every selection (author,
search, tags, the derivatives of a model, a limit), the expand keys a verdict needs, and
the listing requests counted as the server sees them."""

from __future__ import annotations

import pytest
from census_org import ACME, build_org, listing_calls
from huggingface_hub import HfApi

from licscan.model import CensusSelection
from licscan.sources.listing import EXPAND, Lister


@pytest.fixture
def hub(loopback_hub):
    build_org(loopback_hub)
    loopback_hub.page_size = 2
    return loopback_hub


def listed(hub, **selection):
    counts: dict[str, int] = {}

    def count(what, n):
        counts[what] = counts.get(what, 0) + n

    lister = Lister(hub.url, None, count)
    metas = list(lister.models(CensusSelection(**selection)))
    return metas, counts


def test_the_real_client_pages_through_link_headers(hub):
    metas, counts = listed(hub, author="acme")
    assert [m["id"] for m in metas] == ACME
    assert listing_calls(hub) == 3 == counts["listing"]  # 6 models, 2 a page
    assert hub.count("/api/models/") == 0  # no model_info: the pages carry it all
    chat = next(m for m in metas if m["id"] == "acme/z-chat")
    assert chat["sha"] == hub.repos[("model", "acme/z-chat")].sha
    assert chat["card_data"]["license"] == "llama3.1"
    assert chat["base_models"] == ["meta-llama/Llama-3.1-8B"]  # from the computed tags
    assert {s["path"] for s in chat["siblings"]} == {"README.md", "model.safetensors"}
    assert all(s["blob_id"] is None for s in chat["siblings"])  # a listing has names only


def test_the_loopback_listing_answers_expand_full_and_card_data_as_the_hub_does(hub):
    api = HfApi(endpoint=hub.url)
    [only] = api.list_models(author="other", expand=["sha"])
    assert only.sha and only.card_data is None and only.tags is None  # only what was asked
    [full] = api.list_models(author="other", full=True)
    assert full.card_data is not None and full.siblings and full.tags
    [card] = api.list_models(author="other", cardData=True)
    assert card.card_data["license"] == "mit" and card.siblings is None
    [tree] = api.list_models(search="z-chat", expand=[*EXPAND, "childrenModelCount"])
    assert tree.children_model_count == 3  # a quantisation, a fine-tune, a merge


def test_search_and_filters(hub):
    ids = lambda **kw: [m["id"] for m in listed(hub, **kw)[0]]  # noqa: E731
    assert ids(search="CHAT") == ["acme/z-chat", "lora/chat-adapter", "q/chat-gguf"]
    assert ids(filters=("license:mit",)) == ["acme/d-mit", "other/tool"]
    both = ("license:llama3.1", "base_model:meta-llama/Llama-3.1-8B")
    assert ids(filters=both) == ["acme/z-chat", "lora/chat-adapter"]  # every tag must match
    assert ids(author="acme", search="custom") == ["acme/b-custom", "acme/c-custom"]


def test_derivatives_of_walks_the_model_tree_every_relation(hub):
    metas, counts = listed(hub, derivatives_of="meta-llama/Llama-3.1-8B")
    ids = [m["id"] for m in metas]
    # breadth first: direct derivatives (fine-tune, adapter), then theirs (relabelled
    # fine-tune, quantisation, merge); the root itself is not part of its census
    assert ids[:2] == ["acme/z-chat", "lora/chat-adapter"]
    assert set(ids[2:]) == {"acme/a-relabel", "q/chat-gguf", "mix/merge"}
    assert len(ids) == len(set(ids))
    # one listing per model with children: the root, acme/z-chat (lora/chat-adapter and
    # the leaves have childrenModelCount 0 and are not asked)
    assert listing_calls(hub) == counts["listing"] == 1 + 2  # z-chat's 3 children: 2 pages


def test_limit_stops_the_listing(hub):
    metas, _ = listed(hub, author="acme", limit=3)
    assert [m["id"] for m in metas] == ACME[:3]
    assert listing_calls(hub) == 2  # no page past the limit
    tree, _ = listed(hub, derivatives_of="meta-llama/Llama-3.1-8B", limit=2)
    assert len(tree) == 2


def test_a_rate_limited_page_is_waited_out_and_counted(hub):
    hub.fault(where="listing", status=429, times=1, retry_after="1")
    metas, counts = listed(hub, author="acme")
    assert len(metas) == 6
    assert counts == {"listing": 4, "rate_limited": 1} and listing_calls(hub) == 4
