"""vcrpy cassettes: traffic recorded from the loopback Hub (tests/cassettes/) and the real
Hub responses in ../shared/corpus/cassettes, replayed through the Fetcher with no server.

Loopback cassettes are recorded when missing or with LICSCAN_RECORD_CASSETTES=1; the
Authorization header is never recorded, and the host is rewritten to http://hub.test so
a replay does not depend on the port the loopback Hub happened to get.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
import vcr
from loopback_hub import LoopbackHub
from paths import CORPUS, TESTS

from licscan.sources.fetcher import Fetcher
from licscan.sources.targets import hub_target

CASSETTES = TESTS / "cassettes"
REAL = CORPUS / "cassettes"
HOST = "http://hub.test"
GRANTED = "hf_fixtureGrantedToken0000000001"  # from tests/fixtures/hub/acme/gated-model


def _vcr(record: bool, hub_url: str | None = None) -> vcr.VCR:
    def rewrite(request):
        if hub_url:
            request.uri = request.uri.replace(hub_url, HOST)
        return request

    return vcr.VCR(
        cassette_library_dir=str(CASSETTES),
        record_mode="all" if record else "none",
        match_on=["method", "scheme", "host", "port", "path", "query"],
        filter_headers=["authorization", "host"],
        before_record_request=rewrite,
        decode_compressed_response=True,
    )


SCENARIOS = {
    "fetch_finetune": ("acme/finetune", None),
    "fetch_gated_with_token": ("acme/gated-model", GRANTED),
    "fetch_missing_repo": ("acme/does-not-exist", None),
    "fetch_missing_revision": ("acme/open-model@no-such-tag", None),
}


def _fetch(endpoint: str, tmp: Path, ref: str, token: str | None):
    f = Fetcher(endpoint=endpoint, cache_dir=tmp / "c", hf_cache_dir=tmp / "hf", token=token,
                retries=1)  # fmt: skip
    return f.fetch(hub_target(ref))


@pytest.fixture(scope="module", autouse=True)
def recorded(tmp_path_factory):
    """Record the loopback cassettes that are missing (or all, on request)."""
    force = os.environ.get("LICSCAN_RECORD_CASSETTES") == "1"
    todo = [n for n in SCENARIOS if force or not (CASSETTES / f"{n}.yaml").exists()]
    if not todo:
        return
    CASSETTES.mkdir(exist_ok=True)
    with LoopbackHub(TESTS / "fixtures" / "hub") as hub:
        for name in todo:
            ref, token = SCENARIOS[name]
            tmp = tmp_path_factory.mktemp(name)
            with _vcr(True, hub.url).use_cassette(f"{name}.yaml"):
                _fetch(hub.url, tmp, ref, token)


def _replay(name: str, tmp_path):
    ref, token = SCENARIOS[name]
    with _vcr(False).use_cassette(f"{name}.yaml") as cassette:
        snap = _fetch(HOST, tmp_path, ref, token)
    assert cassette.all_played, f"{name}: not every recorded request was replayed"
    return snap


def test_replay_finetune(isolated_hf):
    snap = _replay("fetch_finetune", isolated_hf)
    assert snap.error is None and snap.repo_id == "acme/finetune"
    assert snap.card.licenses == ["other"] and snap.card.base_models == ["acme/open-model"]
    assert snap.license_files[0].text.startswith("Acme Fixture License")
    assert snap.files == ["LICENSE", "README.md", "pytorch_model.bin"]


def test_replay_gated_with_token_and_no_token_recorded(isolated_hf):
    snap = _replay("fetch_gated_with_token", isolated_hf)
    assert snap.error is None and snap.gated == "manual"
    assert [lf.path for lf in snap.license_files] == ["LICENSE", "USE_POLICY.md"]
    text = (CASSETTES / "fetch_gated_with_token.yaml").read_text()
    assert GRANTED not in text and "authorization" not in text.lower()


def test_replay_errors(isolated_hf):
    assert _replay("fetch_missing_repo", isolated_hf).error == (
        "acme/does-not-exist: repository not found (or private: set HF_TOKEN)"
    )
    assert _replay("fetch_missing_revision", isolated_hf).error == (
        "acme/open-model@no-such-tag: revision not found"
    )


# --- real recorded Hub responses (../shared/corpus/cassettes) ------------------------------


def _real(name: str, ref: str, tmp_path, **kw):
    """Replay a real cassette: model_info is matched on path (we add ?blobs=true); the
    cassettes hold no downloads, so README/LICENSE fetches fail - as a network would."""
    cassette_vcr = vcr.VCR(
        cassette_library_dir=str(REAL), record_mode="none",
        match_on=["method", "host", "path"], decode_compressed_response=True,
    )  # fmt: skip
    with cassette_vcr.use_cassette(name, allow_playback_repeats=True):
        f = Fetcher(endpoint="https://huggingface.co", cache_dir=tmp_path / "c",
                    hf_cache_dir=tmp_path / "hf", retries=1, **kw)  # fmt: skip
        return f.fetch(hub_target(ref))


@pytest.mark.corpus
def test_real_renamed_repo(isolated_hf):
    snap = _real("InferenceApiTest.test_simple_inference.yaml", "bert-base-uncased", isolated_hf)
    assert snap.repo_id == "google-bert/bert-base-uncased"
    assert snap.revision == "86b5e0934494bd15c9632b12f734a8a67f723594"
    assert snap.card.licenses == ["apache-2.0"] and snap.card.datasets == [
        "bookcorpus",
        "wikipedia",
    ]
    assert snap.gated is False and "LICENSE" in snap.files
    assert any("renamed" in n for n in snap.notes)
    # The LICENSE could not be downloaded (not in the cassette): the model is not complete.
    (lic,) = snap.license_files
    assert lic.text is None and lic.error
    assert snap.error and snap.error.startswith("bert-base-uncased: LICENSE:")


@pytest.mark.corpus
def test_real_gated_llama_with_stale_base_model(isolated_hf):
    snap = _real("test_openai_compatibility_without_base_url.yaml",
                 "meta-llama/Meta-Llama-3.1-8B-Instruct", isolated_hf)  # fmt: skip
    assert snap.repo_id == "meta-llama/Llama-3.1-8B-Instruct"
    assert snap.gated == "manual"
    assert snap.card.licenses == ["llama3.1"]
    assert snap.card.base_models == ["meta-llama/Meta-Llama-3.1-8B"]  # the card's stale name
    assert snap.hub_base_models == ["meta-llama/Llama-3.1-8B"]  # the Hub's computed lineage
    assert "LLAMA 3.1 COMMUNITY LICENSE" in snap.card.raw["extra_gated_prompt"]
    assert snap.error.startswith("meta-llama/Meta-Llama-3.1-8B-Instruct: gated repo, README.md")
    assert "need accepted access (no token given; card data read from the API)" in snap.error
    from licscan.engine.lineage import base_model_ids

    assert base_model_ids(snap) == ["meta-llama/Llama-3.1-8B"]


@pytest.mark.corpus
def test_real_gated_llama3(isolated_hf):
    snap = _real("TestInferenceClient.test_chat_completion_unprocessable_entity.yaml",
                 "meta-llama/Meta-Llama-3-70B-Instruct", isolated_hf)  # fmt: skip
    assert snap.card.licenses == ["llama3"] and snap.gated == "manual"
    assert "meta-llama/Meta-Llama-3-70B" in snap.card.base_models + snap.hub_base_models


@pytest.mark.corpus
def test_real_openrail_with_gated_prompt_but_not_gated(isolated_hf):
    snap = _real("TestInferenceClient.test_text_to_image_default[hf-inference,text-to-image].yaml",
                 "CompVis/stable-diffusion-v1-4", isolated_hf, readme=False)  # fmt: skip
    assert snap.gated is False
    assert snap.card.licenses == ["creativeml-openrail-m"]
    assert snap.card.raw["extra_gated_prompt"]  # the license terms live in the prompt
    assert snap.card_text is None


@pytest.mark.corpus
def test_real_openrail_plus_plus(isolated_hf):
    snap = _real("InferenceApiTest.test_text_to_image.yaml", "stabilityai/stable-diffusion-2-1",
                 isolated_hf, readme=False)  # fmt: skip
    assert snap.card.licenses == ["openrail++"] and len(snap.files) == 28


@pytest.mark.corpus
def test_real_second_rename_in_one_cassette(isolated_hf):
    name = "TestInferenceClient.test_hf_inference_get_recommended_model_has_recommendation.yaml"
    snap = _real(name, "t5-small", isolated_hf, readme=False)
    assert snap.repo_id == "google-t5/t5-small" and snap.card.licenses == ["apache-2.0"]
