"""The Fetcher against the loopback Hub with the real huggingface_hub client: what a
snapshot holds, every fault class, request counts, caching, offline and secrets."""

from __future__ import annotations

import json
import logging
import subprocess
import sys
from pathlib import Path

import pytest
from fetching import fetch_each
from loopback_hub import Content, LoopbackHub
from paths import FIXTURES

from licscan.sources.fetcher import Fetcher
from licscan.sources.targets import hub_target

HUB_FIXTURES = FIXTURES / "hub"
LICENSE = "Shared fixture license.\nUse, copy and share, keeping this notice.\n"
README = "---\nlicense: apache-2.0\nbase_model: acme/base\ndatasets: [acme/data]\n---\n# M\n"


def fetcher(hub, tmp_path, **kw) -> Fetcher:
    kw.setdefault("retry_base_wait", 0.01)
    kw.setdefault("timeout", 5)
    kw.setdefault("cache_dir", tmp_path / "licscan-cache")
    kw.setdefault("hf_cache_dir", tmp_path / "hf-cache")
    return Fetcher(endpoint=hub.url, **kw)


def fetch(hub, tmp_path, ref, **kw):
    return fetcher(hub, tmp_path, **kw).fetch(hub_target(ref))


@pytest.fixture(scope="module")
def folder_hub():
    """The fixture repositories under tests/fixtures/hub (loaded once: one is 50 MB)."""
    with LoopbackHub(HUB_FIXTURES) as hub:
        yield hub


# --- what a snapshot holds ---------------------------------------------------------------


def test_snapshot_of_a_fixture_repo(folder_hub, isolated_hf):
    snap = fetch(folder_hub, isolated_hf, "acme/finetune")
    assert snap.error is None
    assert snap.repo_id == "acme/finetune" and len(snap.revision) == 40
    assert snap.source == "hub" and snap.gated is False
    assert snap.card.licenses == ["other"]
    assert snap.card.license_name == "acme-fixture-license"
    assert snap.card.key_lines["license_name"] == 3
    assert snap.card.base_models == ["acme/open-model"]
    assert snap.hub_base_models == ["acme/open-model"]
    assert snap.card_text.startswith("---\nlicense: other")
    assert sorted(snap.files) == ["LICENSE", "README.md", "pytorch_model.bin"]
    (lic,) = snap.license_files
    expected = (HUB_FIXTURES / "acme/finetune/LICENSE").read_bytes()
    assert lic.path == "LICENSE" and lic.text == expected.decode()
    assert lic.size == len(expected) and lic.error is None
    import hashlib

    assert lic.sha256 == hashlib.sha256(expected).hexdigest()
    assert lic.blob_id == hashlib.sha1(b"blob %d\0" % len(expected) + expected).hexdigest()


def test_revision_by_tag_and_pinned_commit(folder_hub, isolated_hf):
    f = fetcher(folder_hub, isolated_hf)
    old = f.fetch(hub_target("acme/versioned@v1.0"))
    new = f.fetch(hub_target("acme/versioned"))
    assert old.card.licenses == ["cc-by-nc-4.0"] and new.card.licenses == ["cc-by-4.0"]
    assert old.revision != new.revision
    assert "version 1" in old.license_files[0].text
    pinned = f.fetch(hub_target(f"acme/versioned@{old.revision}"))
    assert pinned.revision == old.revision and pinned.card.licenses == ["cc-by-nc-4.0"]


def test_renamed_repo_reports_canonical_id(folder_hub, isolated_hf):
    snap = fetch(folder_hub, isolated_hf, "acme/old-name")
    assert snap.error is None
    assert snap.target.ref == "acme/old-name" and snap.repo_id == "acme/renamed-model"
    assert any("renamed" in n for n in snap.notes)


def test_broken_yaml_card_is_a_problem_with_a_line(folder_hub, isolated_hf):
    snap = fetch(folder_hub, isolated_hf, "acme/broken-card")
    assert snap.error is None
    assert snap.card.licenses == []
    assert any(p.startswith("README.md: YAML error at line 7") for p in snap.card.problems)


# --- faults --------------------------------------------------------------------------------


def test_missing_repo_and_revision(folder_hub, isolated_hf):
    f = fetcher(folder_hub, isolated_hf)
    missing = f.fetch(hub_target("acme/nope"))
    assert missing.error == "acme/nope: repository not found (or private: set HF_TOKEN)"
    badrev = f.fetch(hub_target("acme/open-model@no-such-branch"))
    assert badrev.error == "acme/open-model@no-such-branch: revision not found"
    assert missing.revision is None and badrev.card is None


def test_missing_file_listed_by_the_api(loopback_hub, isolated_hf):
    loopback_hub.add_model("acme/m", {"README.md": README, "LICENSE": LICENSE})
    loopback_hub.fault("acme/m", "LICENSE", status=404)
    snap = fetch(loopback_hub, isolated_hf, "acme/m")
    assert snap.license_files[0].text is None
    assert snap.error == "acme/m: LICENSE: HTTP 404: injected HTTP 404"


def test_repo_without_readme_uses_api_card(loopback_hub, isolated_hf):
    loopback_hub.add_model("acme/m", {"LICENSE": LICENSE}, card_data={"license": "mit"})
    snap = fetch(loopback_hub, isolated_hf, "acme/m")
    assert snap.card.licenses == ["mit"] and snap.card_text is None
    assert "no README.md in the repository" in snap.notes


def test_gated_without_token(folder_hub, isolated_hf):
    folder_hub.reset_counts()
    snap = fetch(folder_hub, isolated_hf, "acme/gated-model")
    assert snap.error == (
        "acme/gated-model: gated repo, README.md, LICENSE and USE_POLICY.md need accepted "
        "access (no token given; card data read from the API)"
    )
    assert snap.gated == "manual"
    assert snap.card.licenses == ["other"]  # from the API's cardData
    assert snap.card.raw["extra_gated_prompt"].startswith("You agree to the Acme Community License")
    assert [lf.text for lf in snap.license_files] == [None, None]
    assert folder_hub.count("/acme/gated-model/resolve") == 0  # known in advance: no attempt


def test_gated_with_a_token_without_access(folder_hub, isolated_hf):
    snap = fetch(folder_hub, isolated_hf, "acme/gated-model", token="hf_notGrantedToken00000001")
    assert snap.error.startswith("acme/gated-model: gated repo, README.md, LICENSE")
    assert "this token has no access" in snap.error


def test_gated_with_access(folder_hub, isolated_hf):
    snap = fetch(
        folder_hub, isolated_hf, "acme/gated-model", token="hf_fixtureGrantedToken0000000001"
    )
    assert snap.error is None
    assert [lf.path for lf in snap.license_files] == ["LICENSE", "USE_POLICY.md"]
    assert "10 million monthly active users" in snap.license_files[0].text
    assert snap.card.key_lines["license"] == 2


def test_gated_repo_reuses_a_text_known_by_blob_id(loopback_hub, isolated_hf):
    """Same blob id = same bytes: a gated copy of a text read elsewhere needs no access."""
    loopback_hub.add_model("acme/open", {"README.md": README, "LICENSE": LICENSE})
    loopback_hub.add_model("acme/gated", {"README.md": README, "LICENSE": LICENSE}, gated="auto")
    f = fetcher(loopback_hub, isolated_hf)
    assert f.fetch(hub_target("acme/open")).error is None
    snap = f.fetch(hub_target("acme/gated"))
    assert snap.error is None and snap.license_files[0].text == LICENSE
    assert loopback_hub.count("/acme/gated/resolve") == 0


def test_invalid_token_is_a_401(loopback_hub, isolated_hf):
    loopback_hub.add_model("acme/m", {"README.md": README})
    loopback_hub.invalid_tokens.add("hf_expiredToken000000000001")
    snap = fetch(loopback_hub, isolated_hf, "acme/m", token="hf_expiredToken000000000001")
    assert snap.error == (
        "acme/m: authentication failed (HTTP 401): the token is invalid or expired"
    )


def test_429_with_retry_after_then_ok(loopback_hub, isolated_hf):
    loopback_hub.add_model("acme/m", {"README.md": README})
    loopback_hub.fault("acme/m", "api", status=429, times=2, retry_after="0")
    f = fetcher(loopback_hub, isolated_hf)
    snap = f.fetch(hub_target("acme/m"))
    assert snap.error is None and snap.card.licenses == ["apache-2.0"]
    assert loopback_hub.count("/api/models/acme/m") == 3
    assert f.stats.retries == 2


def test_429_ratelimit_header_is_honoured(loopback_hub, isolated_hf):
    loopback_hub.add_model("acme/m", {"README.md": README})
    loopback_hub.fault("acme/m", "api", status=429, times=1, ratelimit='"api";r=0;t=0')
    assert fetch(loopback_hub, isolated_hf, "acme/m").error is None


def test_429_beyond_the_retry_budget_gives_up_at_once(loopback_hub, isolated_hf):
    loopback_hub.add_model("acme/m", {"README.md": README})
    loopback_hub.fault("acme/m", "api", status=429, retry_after="120")
    snap = fetch(loopback_hub, isolated_hf, "acme/m", max_retry_wait=1)
    assert snap.error == (
        "acme/m: rate limited by the Hub (HTTP 429); gave up: the server asked to wait 120 s, "
        "over the 1 s budget"
    )
    assert loopback_hub.count("/api/models/acme/m") == 1


def test_persistent_5xx_is_bounded(loopback_hub, isolated_hf):
    loopback_hub.add_model("acme/m", {"README.md": README})
    loopback_hub.fault("acme/m", "api", status=503)
    snap = fetch(loopback_hub, isolated_hf, "acme/m", retries=3)
    assert snap.error.startswith("acme/m: Hub server error (HTTP 503); gave up after 3 attempts")
    assert loopback_hub.count("/api/models/acme/m") == 3


def test_transient_5xx_on_a_license_file(loopback_hub, isolated_hf):
    loopback_hub.add_model("acme/m", {"README.md": README, "LICENSE": LICENSE})
    loopback_hub.fault("acme/m", "LICENSE", status=500, times=1)
    snap = fetch(loopback_hub, isolated_hf, "acme/m")
    assert snap.error is None and snap.license_files[0].text == LICENSE


def test_timeout_is_a_total_deadline(loopback_hub, isolated_hf):
    loopback_hub.add_model("acme/m", {"README.md": README})
    loopback_hub.fault("acme/m", "api", hang=1.5)
    snap = fetch(loopback_hub, isolated_hf, "acme/m", timeout=0.3, retries=2)
    assert snap.error.startswith(f"acme/m: timed out after 0.3 s talking to {loopback_hub.url}")
    assert "within the deadline" in snap.error  # no second attempt: the deadline was spent


def test_a_stalled_attempt_is_retried_within_the_deadline(loopback_hub, isolated_hf, monkeypatch):
    """One silence longer than HF_HUB_DOWNLOAD_TIMEOUT costs an attempt, not the model."""
    from huggingface_hub import constants

    monkeypatch.setattr(constants, "HF_HUB_DOWNLOAD_TIMEOUT", 0.3)
    loopback_hub.add_model("acme/m", {"README.md": README})
    loopback_hub.fault("acme/m", "api", hang=1.0, times=1)
    snap = fetch(loopback_hub, isolated_hf, "acme/m", timeout=5, retries=2)
    assert snap.error is None and snap.card.licenses == ["apache-2.0"]


def test_truncated_body_persistent(loopback_hub, isolated_hf):
    loopback_hub.add_model("acme/m", {"README.md": README, "LICENSE": LICENSE * 50})
    loopback_hub.fault("acme/m", "LICENSE", truncate=True)
    snap = fetch(loopback_hub, isolated_hf, "acme/m", retries=2)
    lic = snap.license_files[0]
    assert lic.text is None and "truncated" in lic.error
    assert snap.error == f"acme/m: {lic.error}"


def test_truncated_body_once_recovers(loopback_hub, isolated_hf):
    loopback_hub.add_model("acme/m", {"README.md": README, "LICENSE": LICENSE * 50})
    loopback_hub.fault("acme/m", "LICENSE", truncate=True, times=1)
    snap = fetch(loopback_hub, isolated_hf, "acme/m")
    assert snap.error is None and snap.license_files[0].text == LICENSE * 50


def test_huge_license_is_never_downloaded(folder_hub, isolated_hf):
    folder_hub.reset_counts()
    snap = fetch(folder_hub, isolated_hf, "acme/huge-license")
    (lic,) = snap.license_files
    assert lic.error == "LICENSE: 52428800 bytes exceeds the 1 MiB cap for a license text"
    assert lic.text is None and lic.size == 52428800
    assert snap.error is None and lic.error in snap.notes  # a finding, not a fetch failure
    assert folder_hub.count("/acme/huge-license/resolve", method="GET") == 1  # README only
    assert folder_hub.count("/cdn/") == 0


def test_stream_cap_when_the_size_is_not_known(loopback_hub, isolated_hf):
    """A server whose listing lacks sizes still cannot make us read past the cap."""
    from licscan.sources.hubapi import HubAPI, Oversize, Retry

    repo = loopback_hub.add_model("acme/m", {"LICENSE": Content(size=20 << 20)})
    api = HubAPI(loopback_hub.url, None, 5, Retry(1), lambda *a: None)
    with pytest.raises(Oversize):
        api.download("acme/m", "LICENSE", repo.sha, cap=1 << 20)


def test_binary_license(folder_hub, isolated_hf):
    snap = fetch(folder_hub, isolated_hf, "acme/binary-license")
    (lic,) = snap.license_files
    assert lic.text is None and lic.error == "LICENSE: binary content, not a license text"
    assert lic.sha256 and lic.size == 4096


def test_connection_refused(isolated_hf):
    hub = LoopbackHub().start()
    url = hub.url
    hub.stop()
    f = Fetcher(endpoint=url, cache_dir=isolated_hf / "c", retries=2, retry_base_wait=0.01)
    snap = f.fetch(hub_target("acme/m"))
    assert snap.error.startswith(f"acme/m: cannot connect to {url}")


def test_a_reset_is_told_by_its_cause_not_its_words(loopback_hub, isolated_hf):
    """A real TCP reset under the client's ReadError is "connection reset by the server";
    a network error whose message merely says "reset" is not."""
    from huggingface_hub.utils import httpx as httpx2

    from licscan.sources.hubapi import HubAPI, Retry

    repo = loopback_hub.add_model("acme/m", {"LICENSE": LICENSE})
    loopback_hub.fault("acme/m", "LICENSE", reset=True)
    api = HubAPI(loopback_hub.url, None, 5, Retry(1), lambda *a: None)
    with pytest.raises(Exception) as caught:
        api.download("acme/m", "LICENSE", repo.sha, cap=1 << 20)
    assert api.describe(caught.value, False).startswith("connection reset by the server")
    worded = httpx2.ReadError("the stream was reset by a proxy rule")
    assert api.describe(worded, False) == (
        "network error (ReadError: the stream was reset by a proxy rule)"
    )


def test_no_failed_model_looks_complete(loopback_hub, isolated_hf):
    """Every fault leaves an error on the snapshot or on the license file."""
    loopback_hub.add_model("acme/a", {"README.md": README, "LICENSE": LICENSE})
    loopback_hub.add_model("acme/b", {"README.md": README, "LICENSE": LICENSE + "b"})
    loopback_hub.fault("acme/a", "api", status=500)
    loopback_hub.fault("acme/b", "LICENSE", status=502)
    snaps = fetch_each(
        fetcher(loopback_hub, isolated_hf, retries=2),
        [hub_target("acme/a"), hub_target("acme/b"), hub_target("acme/c")],
    )
    assert all(s.error for s in snaps)
    assert snaps[1].license_files[0].error.startswith("LICENSE: Hub server error (HTTP 502)")


# --- requests, dedup, cache ------------------------------------------------------------


def _shared(hub, n):
    for i in range(n):
        readme = README.replace("# M", f"# Model {i}")
        weights = Content(size=64, lfs=True)
        files = {"README.md": readme, "LICENSE": LICENSE, "model.safetensors": weights}
        hub.add_model(f"acme/ft{i}", files)
    return [hub_target(f"acme/ft{i}") for i in range(n)]


def test_shared_license_is_downloaded_once(loopback_hub, isolated_hf):
    targets = _shared(loopback_hub, 20)
    f = fetcher(loopback_hub, isolated_hf)
    snaps = fetch_each(f, targets)
    assert all(s.error is None and s.license_files[0].text == LICENSE for s in snaps)
    assert loopback_hub.count("/api/resolve-cache/models/", method="GET") == 20 + 1
    license_gets = [k for k in loopback_hub.requests if k.endswith("/LICENSE")]
    assert sum(loopback_hub.requests[k] for k in license_gets if "resolve-cache" in k) == 1
    assert f.stats.api_requests == 20 and f.stats.blobs_fetched == 21
    assert f.stats.http_requests == 20 + 20 + 1  # model_info + README each, one LICENSE


def test_rescan_of_pinned_revisions_makes_no_request(loopback_hub, isolated_hf):
    targets = _shared(loopback_hub, 10)
    cold = fetch_each(fetcher(loopback_hub, isolated_hf), targets)
    loopback_hub.reset_counts()
    warm = fetcher(loopback_hub, isolated_hf)
    pinned = fetch_each(warm, [hub_target(f"{s.repo_id}@{s.revision}") for s in cold])
    assert sum(loopback_hub.requests.values()) == 0 and warm.stats.http_requests == 0
    for a, b in zip(cold, pinned, strict=True):
        assert (a.card, a.license_files, a.files, a.card_text) == (
            b.card, b.license_files, b.files, b.card_text
        )  # fmt: skip


def test_rescan_unpinned_costs_one_request_per_model(loopback_hub, isolated_hf):
    targets = _shared(loopback_hub, 10)
    fetch_each(fetcher(loopback_hub, isolated_hf), targets)
    loopback_hub.reset_counts()
    warm = fetcher(loopback_hub, isolated_hf)
    snaps = fetch_each(warm, targets)
    assert all(s.error is None for s in snaps)
    assert sum(loopback_hub.requests.values()) == 10 == loopback_hub.count("/api/models/")


def test_readme_off_is_one_request_per_model(loopback_hub, isolated_hf):
    targets = _shared(loopback_hub, 10)
    f = fetcher(loopback_hub, isolated_hf, readme=False)
    snaps = fetch_each(f, targets)
    assert all(s.card.licenses == ["apache-2.0"] and s.card_text is None for s in snaps)
    assert f.stats.api_requests == 10 and f.stats.file_requests == 1  # the LICENSE


def test_corrupt_cache_entries_are_misses(loopback_hub, isolated_hf):
    targets = _shared(loopback_hub, 2)
    cache = isolated_hf / "licscan-cache"
    fetch_each(fetcher(loopback_hub, isolated_hf), targets)
    for path in cache.rglob("*"):
        if path.is_file():
            path.write_bytes(b"garbage")
    snaps = fetch_each(fetcher(loopback_hub, isolated_hf), targets)
    assert all(s.error is None and s.license_files[0].text == LICENSE for s in snaps)


def test_concurrent_processes_share_one_cache(loopback_hub, isolated_hf):
    """Two scans writing one cache at once leave it consistent (atomic writes)."""
    _shared(loopback_hub, 30)
    cache = isolated_hf / "shared-cache"
    script = (
        "import sys; from licscan.sources.fetcher import Fetcher; "
        "from licscan.sources.targets import hub_target; "
        "f = Fetcher(endpoint=sys.argv[1], cache_dir=sys.argv[2]); "
        "from concurrent.futures import ThreadPoolExecutor as Pool; "
        "s = list(Pool(8).map(f.fetch, [hub_target(f'acme/ft{i}') for i in range(30)])); "
        "assert all(x.error is None for x in s), [x.error for x in s]"
    )
    procs = [
        subprocess.Popen([sys.executable, "-c", script, loopback_hub.url, str(cache)])
        for _ in range(2)
    ]
    assert [p.wait(timeout=120) for p in procs] == [0, 0]
    from licscan.sources.files import git_blob_id

    blobs = [p for p in (cache / "v1" / "blobs").rglob("*") if p.is_file()]
    assert blobs and all(git_blob_id(p.read_bytes()) == p.name for p in blobs)
    metas = [p for p in (cache / "v1" / "meta").rglob("*.json")]
    assert len(metas) == 30 and all(json.loads(p.read_text())["sha"] for p in metas)
    assert not [p for p in cache.rglob(".*.tmp")]  # no temporary file left


# --- offline -------------------------------------------------------------------------------


def test_offline_uses_only_the_cache(loopback_hub, isolated_hf):
    targets = _shared(loopback_hub, 3)
    cold = fetch_each(fetcher(loopback_hub, isolated_hf), targets)
    loopback_hub.reset_counts()
    offline = fetcher(loopback_hub, isolated_hf, offline=True)
    snaps = fetch_each(offline, [*targets, hub_target("acme/never-seen")])
    assert sum(loopback_hub.requests.values()) == 0
    assert [s.revision for s in snaps[:3]] == [s.revision for s in cold]
    assert all(s.license_files[0].text == LICENSE for s in snaps[:3])
    assert snaps[3].error == "acme/never-seen: not in the local cache (offline)"


def test_hf_hub_offline_env_means_offline(loopback_hub, isolated_hf, monkeypatch):
    loopback_hub.add_model("acme/m", {"README.md": README})
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    f = fetcher(loopback_hub, isolated_hf)
    assert f.offline
    assert f.fetch(hub_target("acme/m")).error == "acme/m: not in the local cache (offline)"
    assert sum(loopback_hub.requests.values()) == 0


def test_offline_falls_back_to_the_hf_cache(loopback_hub, isolated_hf):
    from huggingface_hub import hf_hub_download

    repo = loopback_hub.add_model("acme/m", {"README.md": README, "LICENSE": LICENSE})
    hf_cache = isolated_hf / "hf-cache"
    for name in ("README.md", "LICENSE"):
        hf_hub_download("acme/m", name, cache_dir=hf_cache, endpoint=loopback_hub.url)
    loopback_hub.reset_counts()
    snap = fetcher(loopback_hub, isolated_hf, offline=True).fetch(hub_target("acme/m"))
    assert snap.error is None and snap.revision == repo.sha
    assert snap.card.licenses == ["apache-2.0"] and snap.license_files[0].text == LICENSE
    assert any("local HF cache" in n for n in snap.notes)
    assert sum(loopback_hub.requests.values()) == 0


def test_hf_cache_files_are_not_downloaded_again(loopback_hub, isolated_hf):
    from huggingface_hub import hf_hub_download

    loopback_hub.add_model("acme/m", {"README.md": README, "LICENSE": LICENSE})
    for name in ("README.md", "LICENSE"):
        hf_hub_download(
            "acme/m", name, cache_dir=isolated_hf / "hf-cache", endpoint=loopback_hub.url
        )
    loopback_hub.reset_counts()
    f = fetcher(loopback_hub, isolated_hf)
    snap = f.fetch(hub_target("acme/m"))
    assert snap.error is None and f.stats.hf_cache_hits == 2
    assert sum(loopback_hub.requests.values()) == 1  # model_info only


# --- lineage and datasets -----------------------------------------------------------------


def test_dataset_licenses(folder_hub, isolated_hf):
    f = fetcher(folder_hub, isolated_hf)
    folder_hub.reset_counts()
    assert f.dataset_licenses("acme/nc-data") == ["cc-by-nc-4.0"]
    assert f.dataset_licenses("acme/nc-data") == ["cc-by-nc-4.0"]
    assert f.dataset_licenses("acme/missing-data") is None
    assert f.dataset_licenses("not a dataset id") is None
    assert folder_hub.count("/api/datasets/") == 2
    again = fetcher(folder_hub, isolated_hf)  # a new scan: served from the disk cache
    assert again.dataset_licenses("acme/nc-data") == ["cc-by-nc-4.0"]
    assert folder_hub.count("/api/datasets/") == 2


# --- endpoint and secrets --------------------------------------------------------------------


def test_hf_endpoint_env_in_a_fresh_process(folder_hub, isolated_hf):
    """HF_ENDPOINT set before huggingface_hub is imported: no endpoint= needed."""
    script = (
        "from licscan.sources.fetcher import Fetcher; "
        "from licscan.sources.targets import hub_target; "
        "s = Fetcher().fetch(hub_target('acme/open-model')); "
        "print(s.error or s.card.licenses[0])"
    )
    env = {**__import__("os").environ, "HF_ENDPOINT": folder_hub.url}
    out = subprocess.run(
        [sys.executable, "-c", script], env=env, capture_output=True, text=True, timeout=60
    )
    assert out.stdout.strip() == "apache-2.0", out.stderr


TOKEN = "hf_SuperSecretFakeToken1234567890abcd"


def _assert_no_token_on_disk(root: Path) -> None:
    for path in root.rglob("*"):
        if path.is_file():
            assert TOKEN.encode() not in path.read_bytes(), path


def test_token_never_leaks(loopback_hub, isolated_hf, caplog, capfd):
    """Used on every request; absent from snapshots, all logs (DEBUG, every library),
    stdout/stderr and the cache, across success, gate, 404 and 429 paths."""
    caplog.set_level(logging.DEBUG)
    loopback_hub.add_model("acme/ok", {"README.md": README, "LICENSE": LICENSE}, granted={TOKEN})
    gated_files = {"README.md": README + "gated", "LICENSE": LICENSE + "gated"}
    loopback_hub.add_model("acme/gated", gated_files, gated="auto")
    loopback_hub.add_model("acme/slow", {"README.md": README})
    loopback_hub.fault("acme/slow", "api", status=429, retry_after="0", times=1)
    f = fetcher(loopback_hub, isolated_hf, token=TOKEN)
    refs = ["acme/ok", "acme/gated", "acme/slow", "acme/missing"]
    snaps = fetch_each(f, [hub_target(r) for r in refs])
    assert snaps[0].error is None and snaps[2].error is None
    assert snaps[1].error and snaps[3].error
    sent = [h.get("authorization", "") for h in loopback_hub.seen_headers]
    assert sent and all(h == f"Bearer {TOKEN}" for h in sent)  # the token was used...
    assert TOKEN not in repr(snaps)  # ...and appears nowhere we write
    assert TOKEN not in caplog.text
    captured = capfd.readouterr()
    assert TOKEN not in captured.out + captured.err
    _assert_no_token_on_disk(isolated_hf / "licscan-cache")


def test_token_echoed_by_a_server_is_redacted(loopback_hub, isolated_hf, caplog):
    caplog.set_level(logging.DEBUG, logger="licscan")
    loopback_hub.add_model("acme/echo", {"README.md": README})
    loopback_hub.fault("acme/echo", "api", status=400, message=f"bad header: Bearer {TOKEN}")
    snap = fetcher(loopback_hub, isolated_hf, token=TOKEN).fetch(hub_target("acme/echo"))
    assert snap.error == "acme/echo: HTTP 400: bad header: ***"
    assert TOKEN not in caplog.text
    _assert_no_token_on_disk(isolated_hf / "licscan-cache")


def test_server_wait_and_redact():
    import email.utils
    from datetime import UTC, datetime, timedelta

    from licscan.sources.hubapi import server_wait
    from licscan.sources.redact import redact

    assert server_wait({"Retry-After": "7"}) == 7
    assert server_wait({"RateLimit": '"api";r=0;t=42'}) == 42
    assert server_wait({"RateLimit": '"api";r=5;t=42'}) is None
    later = datetime.now(UTC) + timedelta(seconds=30)
    assert 25 <= server_wait({"Retry-After": email.utils.format_datetime(later, usegmt=True)}) <= 31
    assert server_wait({"Retry-After": "soon"}) is None
    assert redact("x Bearer abc.def y hf_abcdefghijkl", ()) == "x *** y ***"
    assert redact("token=s3cr3t!", ("s3cr3t!",)) == "token=***"
