"""Local model folders (the air-gapped path) and the local HF cache."""

from __future__ import annotations

import hashlib

from fetching import fetch_each
from huggingface_hub import hf_hub_download

from licscan.sources.arguments import load_targets
from licscan.sources.fetcher import Fetcher
from licscan.sources.files import is_license_file, license_paths
from licscan.sources.hfcache import cache_targets
from licscan.sources.targets import local_target

README = "---\nlicense: other\nlicense_name: acme\nlicense_link: TERMS.md\n---\n# Local model\n"


def make_folder(root):
    root.mkdir(parents=True, exist_ok=True)
    (root / "README.md").write_text(README)
    (root / "LICENSE").write_text("Local fixture terms.\n")
    (root / "TERMS.md").write_text("Extra terms linked from the card.\n")
    (root / "config.json").write_text("{}")
    (root / "pytorch_model.bin").write_bytes(b"\x80\x04not really a pickle")
    (root / ".git").mkdir()
    (root / ".git" / "HEAD").write_text("ref: refs/heads/main\n")
    (root / ".git" / "refs" / "heads").mkdir(parents=True)
    (root / ".git" / "refs" / "heads" / "main").write_text("a" * 40 + "\n")
    return root


def test_local_folder(tmp_path):
    folder = make_folder(tmp_path / "model")
    snap = Fetcher(offline=True).fetch(local_target("model", folder))
    assert snap.error is None and snap.source == "local"
    assert snap.files == ["LICENSE", "README.md", "TERMS.md", "config.json", "pytorch_model.bin"]
    assert snap.card.license_name == "acme" and snap.card.key_lines["license_name"] == 3
    assert [lf.path for lf in snap.license_files] == ["LICENSE", "TERMS.md"]
    assert snap.license_files[0].text == "Local fixture terms.\n"
    data = b"Local fixture terms.\n"
    assert snap.license_files[0].sha256 == hashlib.sha256(data).hexdigest()
    assert snap.license_files[0].blob_id == hashlib.sha1(b"blob 21\0" + data).hexdigest()
    assert snap.revision == "a" * 40  # git HEAD
    assert snap.card_text == README


def test_local_folder_faults(tmp_path):
    root = tmp_path / "m"
    root.mkdir()
    with open(root / "LICENSE", "wb") as fh:  # 50 MB, sparse: costs nothing to create
        fh.truncate(50 * 1024 * 1024)
    (root / "COPYING").write_bytes(bytes(range(256)) * 4)
    (root / "LICENSES").mkdir()
    (root / "LICENSES" / "Apache-2.0.txt").write_text("fixture\n")
    snap = Fetcher().fetch(local_target("m", root))
    by_path = {lf.path: lf for lf in snap.license_files}
    assert by_path["LICENSE"].error == (
        "LICENSE: 52428800 bytes exceeds the 1 MiB cap for a license text"
    )
    assert by_path["COPYING"].error == "COPYING: binary content, not a license text"
    assert by_path["LICENSES/Apache-2.0.txt"].text == "fixture\n"
    assert "no README.md: no model card metadata" in snap.notes
    assert snap.card is None and snap.revision is None
    missing = Fetcher().fetch(local_target("gone", tmp_path / "gone"))
    assert missing.error.startswith("gone: folder not found")


def test_license_file_names():
    yes = ["LICENSE", "LICENSE.md", "LICENCE.txt", "COPYING", "NOTICE", "USE_POLICY.md",
           "original/LICENSE", "llama3_license.txt", "Model-License.md",
           "LICENSES/MIT.txt"]  # fmt: skip
    no = ["README.md", "model.safetensors", "license.json", "LICENSE.bin", "config.json",
          "notices.py", "licensed_weights.bin"]  # fmt: skip
    assert all(is_license_file(n) for n in yes)
    assert not any(is_license_file(n) for n in no)
    files = ["b/LICENSE", "LICENSE", "terms/custom.txt"]
    assert license_paths(files, "./terms/custom.txt") == [
        "LICENSE",
        "b/LICENSE",
        "terms/custom.txt",
    ]
    url = "https://huggingface.co/org/x/blob/main/terms/custom.txt"
    assert license_paths(files, url)[-1] == "terms/custom.txt"
    assert license_paths(files, "https://example.com/terms") == ["LICENSE", "b/LICENSE"]


def _populate_hf_cache(hub, cache):
    files = {"README.md": "---\nlicense: mit\n---\n", "LICENSE": "MIT-ish\n",
             "config.json": "{}", "extra.txt": "x"}  # fmt: skip
    sha = hub.add_model("acme/cached", files).sha
    for name in ("README.md", "LICENSE", "config.json"):
        hf_hub_download("acme/cached", name, cache_dir=cache, endpoint=hub.url)
    hf_hub_download("acme/open", "README.md", cache_dir=cache, endpoint=hub.url)
    return sha


def test_hf_cache_offline(loopback_hub, isolated_hf):
    loopback_hub.add_model("acme/open", {"README.md": "---\nlicense: apache-2.0\n---\n"})
    cache = isolated_hf / "hf-home" / "hub"
    sha = _populate_hf_cache(loopback_hub, cache)
    targets = cache_targets(cache)
    first = targets[0]
    assert (first.kind, first.repo_id, first.revision) == ("cache", "acme/cached", sha)
    assert targets[0].ref == f"acme/cached@{sha}"
    loopback_hub.reset_counts()
    snaps = fetch_each(Fetcher(offline=True), targets)
    assert sum(loopback_hub.requests.values()) == 0
    snap = snaps[0]
    assert snap.source == "cache" and snap.revision == sha and snap.repo_id == "acme/cached"
    assert snap.card.licenses == ["mit"] and snap.license_files[0].text == "MIT-ish\n"
    assert snap.files == ["LICENSE", "README.md", "config.json"]  # only what was downloaded
    assert any("local HF cache" in n for n in snap.notes)


def test_hf_cache_online_is_completed_from_the_hub(loopback_hub, isolated_hf):
    loopback_hub.add_model("acme/open", {"README.md": "---\nlicense: apache-2.0\n---\n"})
    cache = isolated_hf / "hf-home" / "hub"
    sha = _populate_hf_cache(loopback_hub, cache)
    loopback_hub.reset_counts()
    f = Fetcher(endpoint=loopback_hub.url, cache_dir=isolated_hf / "c")
    snap = f.fetch(cache_targets(cache)[0])
    assert snap.source == "cache" and snap.revision == sha and snap.error is None
    assert "extra.txt" in snap.files  # the full file list comes from the Hub
    assert f.stats.hf_cache_hits == 2  # README and LICENSE read from disk
    assert sum(loopback_hub.requests.values()) == 1  # model_info only


def test_load_targets_hf_cache_uses_the_environment(loopback_hub, isolated_hf, monkeypatch):
    loopback_hub.add_model("acme/open", {"README.md": "---\nlicense: apache-2.0\n---\n"})
    cache = isolated_hf / "elsewhere"
    _populate_hf_cache(loopback_hub, cache)
    monkeypatch.setenv("HF_HUB_CACHE", str(cache))
    refs = [t.repo_id for t in load_targets(["org/x"], hf_cache=True)[0]]
    assert refs == ["org/x", "acme/cached", "acme/open"]
    monkeypatch.setenv("HF_HUB_CACHE", str(isolated_hf / "empty"))
    assert load_targets([], hf_cache=True)[0] == []
