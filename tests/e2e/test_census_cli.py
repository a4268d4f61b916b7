"""`licscan census` end to end against the loopback Hub: what it asks the Hub (listing
pages; model_info and license texts only where the card names no known license; a base
in the census never fetched), fail closed, resume, rate limits, streaming, exit codes."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from census_org import ACME, api_calls, build_org, card, listing_calls
from click.testing import CliRunner
from paths import DATA

from licscan.cli import main

MODEL_KEYS = ["ref", "source", "revision", "category", "licenses", "base_models", "flags",
              "verdict", "error"]  # fmt: skip


@pytest.fixture
def hub(loopback_hub, monkeypatch):
    build_org(loopback_hub)
    loopback_hub.page_size = 2
    monkeypatch.setenv("HF_ENDPOINT", loopback_hub.url)
    return loopback_hub


def census(*args: str):
    result = CliRunner().invoke(main, ["census", *args], catch_exceptions=False)
    return result


def census_json(*args: str):
    result = census(*args, "--format", "json")
    return result, json.loads(result.stdout)


def by_id(data):
    return {m["ref"]: m for m in data["models"]}


def test_json_is_the_scan_contract_with_every_model(hub):
    result, data = census_json("--author", "acme")
    assert result.exit_code == 1  # acme/e-none has no license: it fails under commercial
    assert list(data)[:4] == ["licscan_version", "use", "models", "summary"]
    assert sorted(by_id(data)) == ACME
    assert all(list(m) == MODEL_KEYS for m in data["models"])
    assert data["summary"] == {"pass": 1, "warn": 4, "fail": 1, "error": 0}
    models = by_id(data)
    assert models["acme/z-chat"]["revision"] == hub.repos[("model", "acme/z-chat")].sha
    assert models["acme/e-none"]["verdict"] == "fail"
    assert data["census"]["models"] == 6


def test_a_census_asks_only_for_what_the_listing_lacks(hub):
    _, data = census_json("--author", "acme")
    assert listing_calls(hub) == 3  # 6 models, 2 a page
    # model_info only for the two custom licenses (blob ids) and the outside base
    assert api_calls(hub, "acme/b-custom") == api_calls(hub, "acme/c-custom") == 1
    assert api_calls(hub, "meta-llama/Llama-3.1-8B") == 1
    for known in ("acme/a-relabel", "acme/d-mit", "acme/e-none", "acme/z-chat"):
        assert api_calls(hub, known) == 0, known
    # the shared custom LICENSE is downloaded once (same blob id); d-mit's is not read
    assert hub.count("/acme/b-custom/resolve/") + hub.count("/acme/c-custom/resolve/") == 1
    assert hub.count("/acme/d-mit/resolve/") == 0
    models = by_id(data)
    assert {lic["source"] for lic in models["acme/c-custom"]["licenses"]} >= {"file:LICENSE"}
    assert data["census"]["license_files_unread"] == 1  # acme/d-mit
    assert data["census"]["requests"] == {"listing": 3, "api": 3, "files": 1, "retries": 0,
                                          "rate_limited": 0}  # fmt: skip


def test_a_second_census_asks_only_for_the_listing(hub):
    census_json("--author", "acme")
    hub.reset_counts()
    _, data = census_json("--author", "acme")
    assert sum(hub.requests.values()) == listing_calls(hub) == 3
    assert data["summary"] == {"pass": 1, "warn": 4, "fail": 1, "error": 0}


def test_a_base_in_the_census_is_judged_from_its_listing(hub):
    """acme/a-relabel is listed before its base acme/z-chat (another page): it waits for
    the base's listing, is never judged without it, and the base is never fetched."""
    _, data = census_json("--author", "acme")
    assert api_calls(hub, "acme/z-chat") == 0
    relabel = by_id(data)["acme/a-relabel"]
    assert relabel["base_models"] == ["acme/z-chat"]
    flags = {f["id"] for f in relabel["flags"]}
    assert {"license-mismatch", "inherits-base-license", "user-threshold"} <= flags
    assert relabel["category"] == "open-weight"  # the base's terms bind it
    assert data["census"]["relabelled"] == [{
        "model": "acme/a-relabel", "declared": ["apache-2.0"], "declared_category": "osi-open",
        "base": "acme/z-chat", "base_licenses": ["llama-3.1"], "base_category": "open-weight",
    }]  # fmt: skip


def test_derivatives_census_fetches_only_the_root(hub):
    _, data = census_json("--derivatives-of", "meta-llama/Llama-3.1-8B")
    assert sorted(by_id(data)) == sorted(["acme/z-chat", "lora/chat-adapter", "acme/a-relabel",
                                          "q/chat-gguf", "mix/merge"])  # fmt: skip
    assert hub.count("/api/models/") == api_calls(hub, "meta-llama/Llama-3.1-8B") + api_calls(
        hub, "acme/d-mit"
    )  # the root, and the merge's other base (outside this census)
    assert api_calls(hub, "acme/z-chat") == 0
    relabelled = [r["model"] for r in data["census"]["relabelled"]]
    assert relabelled == ["acme/a-relabel"]


def test_search_and_filter_selections_through_the_cli(hub):
    _, data = census_json("--search", "custom")
    assert sorted(by_id(data)) == ["acme/b-custom", "acme/c-custom"]
    _, data = census_json("--filter", "license:mit", "--filter", "region:us")
    assert sorted(by_id(data)) == ["acme/d-mit", "other/tool"]
    _, data = census_json("--author", "acme", "--limit", "2")
    assert len(data["models"]) == 2


# --- fail closed ------------------------------------------------------------------------------


def test_what_the_listing_lacks_is_fetched_or_the_model_is_an_error(hub):
    hub.add_model(
        "acme/f-nocard",
        {
            "README.md": "# prose only, no front matter\n",
            "LICENSE": (DATA / "unseen" / "acme-open-model-license.txt").read_text(),
        },
    )
    hub.add_model("acme/g-prose", {"README.md": "# About\n\n---\nlicense: mit\n---\n"})
    hub.fault(repo="acme/b-custom", where="api", status=500)  # its blob ids cannot be had
    result, data = census_json("--author", "acme", "--jobs", "2")
    models = by_id(data)
    assert api_calls(hub, "acme/f-nocard") == 1 and hub.count("/acme/f-nocard/resolve/") >= 1
    assert models["acme/f-nocard"]["verdict"] != "pass"
    # no card data, no license file: the README alone is read (by path at the listed commit),
    # and licscan finds the front matter the Hub did not (below the prose)
    assert api_calls(hub, "acme/g-prose") == 0 and hub.count("/acme/g-prose/resolve/") == 1
    assert models["acme/g-prose"]["licenses"][0]["license"] == "mit"
    broken = models["acme/b-custom"]
    assert broken["verdict"] == "error" and "acme/b-custom" in broken["error"]
    assert "Hub server error (HTTP 500)" in broken["error"]
    assert result.exit_code == 1  # a fail outranks an error, as in scan


def test_exit_codes_as_scan(hub):
    fault = hub.fault(repo="acme/b-custom", where="api", status=403)
    assert census("--search", "custom").exit_code == 3
    assert census("--search", "custom", "--allow-errors").exit_code == 0
    hub.faults.remove(fault)
    assert census("--author", "other").exit_code == 0
    assert census("--author", "acme").exit_code == 1


@pytest.mark.parametrize(
    "args, message",
    [
        ((), "give --author, --search, --filter or --derivatives-of"),
        (("--derivatives-of", "not a repo"), "is not a Hub repo id"),
        (("--author", "a/b"), "is not a user or organisation name"),
        (("--author", "acme", "--offline"), "cannot run with --offline"),
        (("--author", "acme", "--policy", "missing.yaml"), "missing.yaml"),
    ],
)
def test_usage_errors_exit_2_with_one_line(hub, args, message):
    result = census(*args)
    assert result.exit_code == 2
    assert message in result.stderr and result.stderr.count("\n") == 1
    assert hub.count("") == 0  # nothing was asked


# --- large: resume, rate limits, streaming ---------------------------------------------------


def test_an_interrupted_census_resumes_from_the_journal(hub, tmp_path):
    out = tmp_path / "census.jsonl"
    hub.fault(where="listing", status=400, after=1, times=1, message="page gone")
    first = census("--author", "acme", "--format", "jsonl", "--output", str(out))
    assert first.exit_code == 3
    assert "the listing stopped after" in first.stderr and "--resume" in first.stderr
    lines = [json.loads(x) for x in out.read_text().splitlines()]
    # page 1; acme/a-relabel waited for its base's listing, which never came: judged
    # at the end with its base fetched
    assert {m["ref"] for m in lines[:-1]} == {"acme/a-relabel", "acme/b-custom"}
    assert api_calls(hub, "acme/z-chat") == 1
    assert lines[-1]["census"]["listing_error"].startswith("HTTP 400")
    hub.reset_counts()
    again = census("--author", "acme", "--format", "jsonl", "--output", str(out), "--resume")
    assert again.exit_code == 1
    lines = [json.loads(x) for x in out.read_text().splitlines()]
    assert sorted(m["ref"] for m in lines[:-1]) == ACME
    summary = lines[-1]["census"]
    assert summary["resumed"] == 2 and summary["models"] == 6
    assert api_calls(hub, "acme/b-custom") == 0 and hub.count("/acme/b-custom/resolve") == 0


def test_resume_does_not_replay_a_model_whose_commit_moved(hub):
    census_json("--author", "acme")
    hub.repos[("model", "acme/d-mit")].add_revision({"README.md": card(license="cc-by-nc-4.0")})
    hub._listings.clear()
    _, data = census_json("--author", "acme", "--resume")
    assert data["census"]["resumed"] == 5
    assert by_id(data)["acme/d-mit"]["verdict"] == "fail"  # judged again, at the new commit


def test_a_dripping_listing_page_ends_at_the_deadline(hub):
    """Page 2 sends a byte every second: the census waits --timeout for it, says why,
    keeps what page 1 gave, and exits 3 (fail closed), instead of hanging."""
    hub.fault(where="listing", drip=1.0, after=1)
    t0 = time.monotonic()
    result = census("--author", "acme", "--format", "jsonl", "--timeout", "2")
    assert time.monotonic() - t0 < 20
    assert result.exit_code == 3
    summary = json.loads(result.stdout.splitlines()[-1])["census"]
    assert summary["listing_error"].startswith("timed out after 2 s")
    assert "the listing stopped after" in result.stderr


def test_a_429_wait_is_not_counted_against_the_listing_deadline(hub):
    """The back-off sleeps longer than the deadline (huggingface_hub adds its own margin
    to Retry-After): only server time counts, so the census still lists everything."""
    hub.fault(where="listing", status=429, times=1, retry_after="3")
    _, data = census_json("--author", "acme", "--timeout", "1")
    assert data["census"].get("listing_error") is None and len(data["models"]) == 6


def test_a_429_asking_for_hours_does_not_hold_the_census(hub, monkeypatch):
    """huggingface_hub sleeps whatever Retry-After says: past the listing's sleep budget
    the wait counts against the deadline, and the census ends with the cause (exit 3)."""
    from licscan.sources import listing

    monkeypatch.setattr(listing, "LISTING_MAX_SLEEP", 1.0)
    hub.fault(where="listing", status=429, times=1, retry_after="3600")
    t0 = time.monotonic()
    result, data = census_json("--author", "acme", "--timeout", "1")
    assert time.monotonic() - t0 < 30
    assert result.exit_code == 3
    assert data["census"]["listing_error"].startswith("timed out after 1 s")


def test_listing_requests_to_another_endpoint_are_not_counted(hub):
    """A census counts (and times) its own Hub's listing only, not another client's."""
    from huggingface_hub.utils import get_session

    from licscan.sources.listing import _counting

    counted: list[tuple[str, int]] = []
    with _counting("http://127.0.0.1:9/", lambda kind, n: counted.append((kind, n))):
        get_session().get(f"{hub.url}/api/models", params={"author": "acme"})
    with _counting(hub.url, lambda kind, n: counted.append((kind, n))):
        get_session().get(f"{hub.url}/api/models", params={"author": "acme"})
    assert counted == [("listing", 1)]


def test_a_listing_page_over_the_cap_is_refused(hub, monkeypatch):
    from licscan.sources import listing

    monkeypatch.setattr(listing, "LISTING_CAP", 2000)
    hub.fault(where="listing", huge=4000, after=1)
    result, data = census_json("--author", "acme")
    assert result.exit_code == 3
    assert "larger than" in data["census"]["listing_error"]


def test_rate_limits_are_waited_out_not_failed(hub):
    hub.fault(where="listing", status=429, times=1, retry_after="1")
    hub.fault(repo="acme/b-custom", where="api", status=429, times=1, retry_after="1")
    t0 = time.monotonic()
    _, data = census_json("--author", "acme")
    assert time.monotonic() - t0 >= 1.0
    assert data["summary"]["error"] == 0 and len(data["models"]) == 6
    requests = data["census"]["requests"]
    assert requests["rate_limited"] == 1 and requests["listing"] == 4
    assert requests["retries"] == 1  # the model_info that was told to wait


@pytest.mark.slow
def test_jsonl_streams_each_model_before_the_listing_ends(hub, tmp_path):
    """The first models arrive on stdout while a later page is still being served."""
    hub.fault(where="listing", latency=4.0, after=1, times=1)
    env = {k: v for k, v in os.environ.items() if not k.startswith("HF_TOKEN")}
    env["HF_ENDPOINT"] = hub.url
    proc = subprocess.Popen(
        [sys.executable, "-m", "licscan", "census", "--author", "acme", "--format", "jsonl"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env, text=True,
    )  # fmt: skip
    try:
        first = json.loads(proc.stdout.readline())
        assert proc.poll() is None  # still listing
        assert first["ref"] == "acme/b-custom" and list(first) == MODEL_KEYS
        rest = proc.stdout.read().splitlines()
        assert proc.wait(timeout=60) == 1
    finally:
        proc.kill()
    summary = json.loads(rest[-1])
    assert summary["summary"]["fail"] == 1 and len(rest) == 6  # 5 more models + the summary


def test_output_file_is_written_whole_or_not_at_all(hub, tmp_path):
    out = tmp_path / "census.html"
    result = census("--author", "acme", "--format", "html", "--output", str(out))
    assert result.exit_code == 1 and out.read_text().startswith("<!DOCTYPE html>")
    assert "6 models: 1 fail, 4 warn, 1 pass" in result.stderr
    assert not list(tmp_path.glob(".*.tmp"))  # no temporary file left


def test_an_unreadable_root_or_an_empty_selection_is_said_on_stderr(hub):
    result = census("--derivatives-of", "nobody/nothing")
    assert result.exit_code == 3
    assert result.stderr.startswith(
        "licscan: --derivatives-of nobody/nothing: repository not found"
    )
    empty = census("--author", "nobody")
    assert empty.exit_code == 3 and "no model matched the selection (author nobody)" in empty.stderr
    assert census("--author", "nobody", "--allow-errors").exit_code == 0


def test_the_token_reaches_no_output_and_no_journal(hub, tmp_path, monkeypatch):
    token = "hf_censusSecretToken1234567890"
    monkeypatch.setenv("HF_TOKEN", token)
    hub.fault(repo="acme/b-custom", where="api", status=403)
    result = CliRunner().invoke(main, ["census", "--author", "acme", "--format", "jsonl"])
    assert result.exit_code == 1 and "acme/b-custom" in result.stdout
    assert all(h.get("authorization") == f"Bearer {token}" for h in hub.seen_headers)
    cache = Path(os.environ["LICSCAN_CACHE_DIR"])
    journals = list(cache.rglob("*.jsonl"))
    assert journals and all(token not in p.read_text() for p in journals)
    assert token not in result.stdout + result.stderr


def test_read_license_files_reads_every_license_file(hub):
    _, data = census_json("--author", "acme", "--read-license-files")
    assert api_calls(hub, "acme/d-mit") == 1 and hub.count("/acme/d-mit/resolve/") == 1
    sources = {lic["source"] for lic in by_id(data)["acme/d-mit"]["licenses"]}
    assert sources == {"card:license", "file:LICENSE"}
    assert data["census"]["license_files_unread"] == 0


def test_a_broken_knowledge_base_ends_the_census_in_one_line(hub, tmp_path, monkeypatch):
    import licscan.knowledge as knowledge

    rules = tmp_path / "rules"
    (rules / "licenses").mkdir(parents=True)
    (rules / "licenses" / "broken.yaml").write_text("key: broken\nname: B\ncategory: free\n")
    monkeypatch.setattr(knowledge, "rules_dir", lambda: rules)
    knowledge.load_knowledge.cache_clear()
    out = tmp_path / "census.json"
    try:
        result = CliRunner().invoke(main, ["census", "--author", "acme", "--format", "json",
                                           "-j", "1", "--output", str(out)])  # fmt: skip
    finally:
        knowledge.load_knowledge.cache_clear()
    assert result.exit_code == 3
    assert result.output.strip().splitlines() == [
        "licscan: the knowledge base does not load: broken.yaml:3: field 'category': 'free' is "
        "not one of ('osi-open', 'open-weight', 'source-available', 'unknown')"
    ]
    assert not list(tmp_path.glob("census.json*")) and not list(tmp_path.glob(".*.tmp"))
