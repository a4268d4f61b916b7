"""Fault injection in one mixed scan (issues #7 and #12): 200 models on the loopback Hub,
56 of them broken in every way the Hub, a network or a repository can break (the
scenario: tests/fault_scenario.py).  The real scan path runs (manifest -> run_scan ->
the real huggingface_hub client -> report), and:

- no faulted model passes, and each has a one-line error (or finding) naming it and
  the cause (resets, dripping servers past the deadline, huge answers, unread cards,
  alias bombs and a damaged copy of a shared blob included);
- every healthy model gets the verdict, category and flags of a clean run of the same
  healthy models (faults elsewhere, transient faults on itself, change nothing);
- the exit code is never 0 while errors exist.

The per-fault unit tests live in test_hub_fetch.py; this file checks they hold together,
under concurrency, through the engine and the reports.
"""

from __future__ import annotations

import json
import logging
import os
import random
import re
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from fault_scenario import (
    BROKEN_YAML,
    FAULTS,
    FINDINGS,
    HEALTHY,
    MODELS,
    OWN_COPY,
    SHARED,
    TIMEOUT,
    build,
    inject,
    manifest,
)
from fault_scenario import files as _files
from loopback_hub import LoopbackHub
from scanning import run_scan

from licscan.cli import main
from licscan.errors import ExitCode
from licscan.report import render
from licscan.sources.fetcher import Fetcher

pytestmark = pytest.mark.slow  # the whole module: several seconds


def scan(hub: LoopbackHub, root: Path, refs: list[str]):
    """The real scan path, with small retry settings so the faults cost little time."""
    fetcher = Fetcher(
        endpoint=hub.url, cache_dir=root / "cache", hf_cache_dir=root / "hf",
        timeout=TIMEOUT, retries=2, max_retry_wait=1.0, retry_base_wait=0.01,
    )  # fmt: skip
    root.mkdir(parents=True, exist_ok=True)
    return run_scan([str(manifest(root / "licscan.yaml", refs))], fetcher=fetcher, jobs=16)


def one_line(result, cause: str) -> str:
    """The model's message for a fault: its error, or the finding that carries the cause."""
    if result.error:
        return result.error
    quotes = [f"{e.name}: {e.quote}" for f in result.flags for e in f.evidence]  # as shown
    return next((q for q in quotes if re.search(cause, q)), "")


def verdicts(report) -> dict[str, tuple]:
    return {m.ref: (m.verdict, m.category, sorted(f.id for f in m.flags)) for m in report.models}


@pytest.fixture(scope="module")
def mixed(tmp_path_factory):
    """One hub, a clean run of the healthy models, then the mixed run with faults."""
    from huggingface_hub import constants

    root = tmp_path_factory.mktemp("mixed")
    with pytest.MonkeyPatch.context() as mp, LoopbackHub() as hub:
        for var in ("HF_TOKEN", "HUGGING_FACE_HUB_TOKEN", "HF_HUB_OFFLINE", "HF_ENDPOINT"):
            mp.delenv(var, raising=False)
        mp.setenv("HF_HOME", str(root / "hf-home"))
        mp.setattr(constants, "HF_TOKEN_PATH", str(root / "hf-home" / "token"))
        mp.setattr(constants, "HF_STORED_TOKENS_PATH", str(root / "hf-home" / "tokens"))
        sc = build(hub)
        clean = scan(hub, root / "clean", sc.healthy)
        inject(hub, sc)
        refs = sc.healthy + list(sc.faulted)
        random.Random(7).shuffle(refs)
        yield sc, clean, scan(hub, root / "run", refs)


@pytest.mark.corpus
def test_the_mix_is_what_the_issue_asks_for(mixed):
    sc, clean, report = mixed
    assert len(report.models) == MODELS == 200 and len(sc.faulted) == 56
    assert set(sc.faulted.values()) == set(FAULTS)
    assert {m.verdict for m in clean.models} >= {"pass", "warn", "fail"}  # a real spread


@pytest.mark.corpus
def test_no_faulted_model_passes_and_each_says_why_in_one_line(mixed):
    sc, clean, report = mixed
    by_ref = {m.ref: m for m in report.models}
    shared = next(m for m in clean.models if int(m.ref[-3:]) % len(HEALTHY) == SHARED)
    problems = []
    for ref, kind in sc.faulted.items():
        r, cause = by_ref[ref], FAULTS[kind][1]
        line = one_line(r, cause)
        if kind in OWN_COPY and r.verdict != "error":  # judged on verified bytes: its own
            if (r.verdict, r.category) != (shared.verdict, shared.category) or r.error:
                problems.append((ref, kind, r.verdict, r.error))
            continue
        expected = "fail" if kind in FINDINGS else "error"
        if r.verdict != expected or "\n" in line or not re.search(cause, line):
            problems.append((ref, kind, r.verdict, line))
        elif kind not in FINDINGS and not line.startswith(f"{ref}: "):
            problems.append((ref, kind, "message does not name the model", line))
    assert not problems
    assert not [r for r in sc.faulted if by_ref[r].verdict == "pass"]


@pytest.mark.corpus
def test_healthy_models_judged_as_in_a_clean_run(mixed):
    sc, clean, report = mixed
    before, after = verdicts(clean), verdicts(report)
    assert set(before) == set(sc.healthy)
    assert {ref: after[ref] for ref in sc.healthy} == before
    assert all(m.error is None for m in report.models if m.ref in before)


@pytest.mark.corpus
def test_exit_code_and_reports_carry_every_error(mixed):
    sc, _, report = mixed
    assert report.exit_code() == ExitCode.FAIL  # healthy models fail too: fail wins over error
    assert report.exit_code() != 0 and report.exit_code(allow_errors=True) == ExitCode.FAIL
    data = json.loads(render("json", report))
    errors = {m["ref"]: m["error"] for m in data["models"] if m["verdict"] == "error"}
    must = {r for r, k in sc.faulted.items() if k not in FINDINGS | OWN_COPY}
    assert must <= set(errors) <= set(sc.faulted)
    assert data["summary"]["error"] == len(errors)
    # the text report: each model's block (in report order) names it and says the cause
    lines = render("text", report, color=False).splitlines()[2:]
    heads = [i for i, line in enumerate(lines) if line[:1].isalpha()][: len(report.models)]
    blocks = ["\n".join(lines[a:b]) for a, b in zip(heads, [*heads[1:], len(lines)], strict=True)]
    for m, block in zip(report.models, blocks, strict=True):
        if m.ref in sc.faulted and (m.verdict == "error" or sc.faulted[m.ref] in FINDINGS):
            assert m.ref.split("@")[0] in block.split("\n")[0], block
            assert re.search(FAULTS[sc.faulted[m.ref]][1], block), block


# --- the CLI: a manifest, HF_ENDPOINT, exit code 3 --------------------------------------------


@pytest.mark.corpus
def test_cli_scan_with_errors_and_no_failure_exits_3(loopback_hub, isolated_hf):
    """Through `licscan scan` in a fresh process: errors only (no model fails) -> 3,
    each error one line on the report, nothing on stderr but what licscan says."""
    hub = loopback_hub
    ok = [f"good/m{i}" for i in range(6)]
    for i, repo in enumerate(ok):
        hub.add_model(repo, _files(i, HEALTHY[i % 2]))  # cc-by-4.0 / apache-2.0: pass
    hub.add_model("bad/gated", _files(0, HEALTHY[0], "Gated copy."), gated="auto")
    hub.add_model("bad/limited", _files(1, HEALTHY[0]))
    hub.fault("bad/limited", "api", status=429, retry_after="3600")  # over any budget
    hub.add_model("bad/yaml", {"README.md": BROKEN_YAML})
    hub.add_model("bad/auth", _files(2, HEALTHY[0]))
    hub.fault("bad/auth", "api", status=401)
    bad = ["bad/missing", "good/m0@no-such-branch", "bad/gated", "bad/limited", "bad/yaml",
           "bad/auth"]  # fmt: skip
    path = manifest(isolated_hf / "licscan.yaml", ok + bad)
    env = {**os.environ, "HF_ENDPOINT": hub.url}
    out = subprocess.run(
        [sys.executable, "-m", "licscan", "scan", str(path), "--format", "json"],
        capture_output=True, text=True, env=env, timeout=120,
    )  # fmt: skip
    assert out.returncode == ExitCode.ERROR, out.stderr
    assert "Traceback" not in out.stderr
    models = {m["ref"]: m for m in json.loads(out.stdout)["models"]}
    assert {models[r]["verdict"] for r in ok} == {"pass", "warn"}  # warn: pickle weights
    for ref in bad:
        error = models[ref]["error"]
        assert models[ref]["verdict"] == "error" and error.startswith(f"{ref}: ")
        assert "\n" not in error


# --- secrets: the token, end to end --------------------------------------------------------

TOKEN = "hf_secretRobustnessToken0123456789abcdef"
FORMATS = ("text", "json", "cyclonedx", "sarif", "markdown", "html")


@pytest.mark.corpus
def test_token_from_the_environment_never_leaks(loopback_hub, isolated_hf, caplog):
    """HF_TOKEN set as users do; the real CLI in a fresh process with huggingface_hub's
    request log on (HF_DEBUG), then in every output format with every logger at DEBUG:
    the token is sent on every request and appears in no report, no stderr, no log, no
    file under the caches.  (test_hub_fetch.py checks the Fetcher's messages in process.)"""
    hub = loopback_hub
    hub.add_model("acme/granted", _files(1, HEALTHY[0], "Gated."), gated="manual", granted={TOKEN})
    hub.add_model("acme/refused", _files(2, HEALTHY[0], "Refused."), gated="manual")
    hub.add_model("acme/open", _files(3, HEALTHY[1]))
    hub.add_model("acme/limited", _files(4, HEALTHY[1]))
    hub.fault("acme/limited", "api", status=429, retry_after="0", times=1)
    hub.add_model("acme/echo", _files(6, HEALTHY[0]))
    hub.fault("acme/echo", "api", status=400, message=f"bad header: Bearer {TOKEN}")
    refs = ["acme/granted", "acme/refused", "acme/open", "acme/limited", "acme/echo", "acme/gone"]
    path = str(manifest(isolated_hf / "licscan.yaml", refs))
    env = {"HF_TOKEN": TOKEN, "HF_ENDPOINT": hub.url, "LICSCAN_CACHE_DIR": str(isolated_hf / "c")}
    proc_env = {k: v for k, v in os.environ.items() if not k.startswith(("HF_", "HUGGING"))}
    proc_env.update(env, HF_DEBUG="1", HF_HOME=str(isolated_hf / "hf-home"))
    proc = subprocess.run(
        [sys.executable, "-m", "licscan", "scan", path, "--format", "json"],
        env=proc_env, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert proc.returncode == ExitCode.ERROR and "GET" in proc.stderr  # the debug log ran
    models = {m["ref"]: m for m in json.loads(proc.stdout)["models"]}
    granted = models["acme/granted"]  # the token opened the gate: the LICENSE was read
    assert granted["error"] is None and granted["verdict"] == "warn"  # warn: gated
    assert any(x["source"] == "file:LICENSE" and x["license"] for x in granted["licenses"])
    assert "this token has no access" in models["acme/refused"]["error"]
    assert models["acme/echo"]["error"] == "acme/echo: HTTP 400: bad header: ***"
    outputs = [proc.stdout, proc.stderr]
    caplog.set_level(logging.DEBUG)
    for fmt in FORMATS:
        result = CliRunner().invoke(main, ["scan", path, "--format", fmt], env=env)
        assert result.exit_code == ExitCode.ERROR, result.output
        outputs += [result.stdout, result.stderr]
    sent = [h.get("authorization") for h in hub.seen_headers]
    assert {s for s in sent if s} == {f"Bearer {TOKEN}"}  # the token was used...
    # ...on every Hub request (huggingface_hub's own agent-registry probe goes without)
    assert sent.count(None) == hub.count("/api/agent-harnesses")
    secret = TOKEN.removeprefix("hf_")
    # every logger but httpcore's wire trace, which prints the echo server's response
    # headers verbatim (the server sent the token back; licscan never logs it)
    logged = [r.getMessage() for r in caplog.records if not r.name.startswith("httpcore")]
    assert logged and not [m for m in logged if secret in m]
    assert all(secret not in out for out in outputs)
    for file in (p for p in isolated_hf.rglob("*") if p.is_file()):  # caches, HF_HOME
        assert secret.encode() not in file.read_bytes(), file
