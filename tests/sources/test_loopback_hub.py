"""The loopback Hub is faithful to what the real huggingface_hub client needs
(../shared/docs/notes/hf-hub.md §4): the client's own calls work, and its own error
classes come out.  If these fail, the fetcher tests prove nothing."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from huggingface_hub import HfApi, hf_hub_download
from huggingface_hub.errors import (
    EntryNotFoundError,
    GatedRepoError,
    HfHubHTTPError,
    RepositoryNotFoundError,
    RevisionNotFoundError,
)
from loopback_hub import Content

README = "---\nlicense: mit\nbase_model: acme/base\ndatasets: [acme/d]\n---\n# x\n"


@pytest.fixture
def api(loopback_hub):
    return HfApi(endpoint=loopback_hub.url, token=False)


def test_model_info_shapes(loopback_hub, api):
    repo = loopback_hub.add_model(
        "acme/m", {"README.md": README, "LICENSE": "L\n", "w.bin": Content(size=10, lfs=True)}
    )
    info = api.model_info("acme/m", files_metadata=True)
    assert info.id == "acme/m" and info.sha == repo.sha
    assert info.card_data.license == "mit"
    assert {"license:mit", "base_model:acme/base", "base_model:finetune:acme/base",
            "dataset:acme/d"} <= set(info.tags)  # fmt: skip
    sib = {s.rfilename: s for s in info.siblings}
    assert sib["LICENSE"].blob_id and sib["LICENSE"].size == 2
    assert sib["w.bin"].lfs.size == 10 and len(sib["w.bin"].lfs.sha256) == 64
    plain = api.model_info("acme/m")
    assert plain.siblings[0].blob_id is None  # blobs only with files_metadata
    expanded = api.model_info("acme/m", expand=["sha", "baseModels", "gated"])
    assert expanded.sha == repo.sha and expanded.card_data is None
    assert expanded.base_models == {"relation": "finetune", "models": [{"id": "acme/base"}]}


def test_errors_map_to_the_clients_classes(loopback_hub, api):
    loopback_hub.add_model("acme/m", {"README.md": README})
    loopback_hub.add_model("acme/g", {"README.md": README}, gated="manual")
    with pytest.raises(RepositoryNotFoundError):
        api.model_info("acme/none")
    with pytest.raises(RevisionNotFoundError):
        api.model_info("acme/m", revision="nope")
    with pytest.raises(EntryNotFoundError):
        hf_hub_download("acme/m", "LICENSE", endpoint=loopback_hub.url, token=False)
    with pytest.raises(GatedRepoError):
        hf_hub_download("acme/g", "README.md", endpoint=loopback_hub.url, token=False)
    assert api.model_info("acme/g").gated == "manual"  # metadata stays readable


def test_every_error_carries_x_error_code(loopback_hub):
    from huggingface_hub.utils import get_session

    loopback_hub.add_model("acme/m", {"README.md": README})
    urls = ["/api/models/acme/none", "/api/models/acme/m/revision/x",
            "/acme/m/resolve/main/NOPE", "/nothing/here"]  # fmt: skip
    for path in urls:
        r = get_session().get(loopback_hub.url + path)
        assert r.status_code >= 400 and r.headers.get("X-Error-Code"), path


def test_hf_hub_download_head_redirect_flow_and_cache(loopback_hub, tmp_path):
    repo = loopback_hub.add_model(
        "acme/m", {"README.md": README, "model.safetensors": Content(size=3000, lfs=True)}
    )
    cache = tmp_path / "hub"
    path = hf_hub_download("acme/m", "README.md", cache_dir=cache, endpoint=loopback_hub.url)
    assert Path(path).read_text() == README
    assert loopback_hub.count("/acme/m/resolve/main/README.md", method="HEAD") == 1
    assert loopback_hub.count("/api/resolve-cache/models/acme/m/", method="HEAD") == 1
    assert (cache / "models--acme--m" / "refs" / "main").read_text() == repo.sha
    # LFS: 302 to another origin (the CDN route), blob named by its sha256
    weights = hf_hub_download("acme/m", "model.safetensors", cache_dir=cache,
                              endpoint=loopback_hub.url)  # fmt: skip
    assert os.path.getsize(weights) == 3000
    assert loopback_hub.count("/cdn/", method="GET") == 1
    # pinned commit + cached snapshot: no request at all
    loopback_hub.reset_counts()
    hf_hub_download("acme/m", "README.md", revision=repo.sha, cache_dir=cache,
                    endpoint=loopback_hub.url)  # fmt: skip
    assert sum(loopback_hub.requests.values()) == 0


def test_missing_file_is_remembered_in_no_exist(loopback_hub, tmp_path):
    repo = loopback_hub.add_model("acme/m", {"README.md": README})
    with pytest.raises(EntryNotFoundError):
        hf_hub_download("acme/m", "LICENSE", cache_dir=tmp_path, endpoint=loopback_hub.url)
    assert (tmp_path / "models--acme--m" / ".no_exist" / repo.sha / "LICENSE").exists()


def test_listing_pages_with_link_headers(loopback_hub, api):
    loopback_hub.page_size = 3
    for i in range(8):
        loopback_hub.add_model(f"acme/m{i}", {"README.md": README})
    models = list(api.list_models(author="acme", cardData=True))
    assert len(models) == 8 and models[0].card_data.license == "mit"
    assert loopback_hub.count("/api/models", method="GET") == 3
    files = {f"dir/f{i}.txt": f"{i}" for i in range(7)}
    loopback_hub.add_model("acme/tree", {"README.md": README, **files})
    entries = list(api.list_repo_tree("acme/tree", recursive=True))
    assert sorted(e.path for e in entries) == sorted(["README.md", *files])
    top = list(api.list_repo_tree("acme/tree"))
    assert sorted(e.path for e in top) == ["README.md", "dir"]


def test_paths_info(loopback_hub, api):
    loopback_hub.add_model("acme/m", {"README.md": README, "LICENSE": "L\n"})
    infos = api.get_paths_info("acme/m", ["LICENSE", "NOTICE"])
    assert [i.path for i in infos] == ["LICENSE"] and infos[0].size == 2


def test_dataset_info_and_rename(loopback_hub, api):
    loopback_hub.add_dataset("acme/d", {"README.md": "---\nlicense: cc-by-nc-4.0\n---\n"})
    loopback_hub.add_model("acme/new", {"README.md": README}, renamed_from=["acme/old"])
    assert api.dataset_info("acme/d").card_data.license == "cc-by-nc-4.0"
    assert api.model_info("acme/old").id == "acme/new"
    assert loopback_hub.requests["GET /api/models/acme/old"] == 1


def test_client_backoff_honours_retry_after(loopback_hub, api):
    loopback_hub.add_model("acme/m", {"README.md": README})
    loopback_hub.fault("*", "api", status=429, times=1, retry_after="0")
    assert [m.id for m in api.list_models(author="acme")] == ["acme/m"]  # list_models retries
    loopback_hub.fault("acme/m", "api", status=429, times=1, retry_after="0")
    with pytest.raises(HfHubHTTPError) as info:  # model_info does not: hence licscan's Retry
        api.model_info("acme/m")
    assert info.value.response.status_code == 429


def test_private_repo_needs_a_granted_token(loopback_hub):
    loopback_hub.add_model("acme/p", {"README.md": README}, private=True, granted={"hf_ok000000"})
    with pytest.raises(RepositoryNotFoundError):
        HfApi(endpoint=loopback_hub.url, token=False).model_info("acme/p")
    assert HfApi(endpoint=loopback_hub.url, token="hf_ok000000").model_info("acme/p").private
