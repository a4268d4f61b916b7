"""`licscan scan` and `licscan explain MODEL` through the CLI: exit codes exactly as
contracts.md says, the JSON contract, manifests with their use and policy, the bundled
example (offline), and `error` never passing the gate."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner
from paths import ROOT
from scanning import run_scan

from licscan.cli import main

MODEL_KEYS = ["ref", "source", "revision", "category", "licenses", "base_models", "flags",
              "verdict", "error"]  # fmt: skip


def card(license_: str, **keys: str) -> str:
    extra = "".join(f"{k}: {v}\n" for k, v in keys.items())
    return f"---\nlicense: {license_}\n{extra}---\n\n# model\n"


def run(*args: str, env: dict | None = None):
    result = CliRunner().invoke(main, list(args), env=env, catch_exceptions=False)
    return result


def scan_json(*args: str, env: dict | None = None):
    result = run("scan", *args, "--format", "json", env=env)
    return result, json.loads(result.stdout) if result.stdout.strip().startswith("{") else None


@pytest.fixture
def folders(make_model, corpus):
    return {
        "open": make_model("open", card("apache-2.0"), {"model.safetensors": b""}),
        "pickle": make_model("pickle", card("mit"), {"pytorch_model.bin": b""}),
        "nc": make_model(
            "nc", card("cc-by-nc-4.0"), {"LICENSE": corpus.text("cc-by-nc-4.0-audiocraft-weights")}
        ),
        "broken": make_model("broken", corpus.card("yaml-parse-error-tab")),
    }


# --- exit codes ---------------------------------------------------------------------------


def test_exit_0_on_pass_and_warn(folders):
    result, data = scan_json(str(folders["open"]), str(folders["pickle"]))
    assert result.exit_code == 0
    assert [m["verdict"] for m in data["models"]] == ["pass", "warn"]
    assert data["summary"] == {"pass": 1, "warn": 1, "fail": 0, "error": 0}


def test_exit_1_on_any_fail(folders):
    result, data = scan_json(str(folders["open"]), str(folders["nc"]), str(folders["broken"]))
    assert result.exit_code == 1
    assert [m["verdict"] for m in data["models"]] == ["pass", "fail", "error"]


def test_exit_3_when_a_model_is_an_error_and_none_fails(folders):
    result, data = scan_json(str(folders["open"]), str(folders["broken"]))
    assert result.exit_code == 3
    broken = data["models"][1]
    assert broken["verdict"] == "error" and "YAML error" in broken["error"]


def test_allow_errors_exits_0_but_still_reports_the_error(folders, tmp_path):
    result, data = scan_json(str(folders["broken"]), "--allow-errors")
    assert result.exit_code == 0 and data["models"][0]["verdict"] == "error"
    policy = tmp_path / "p.yaml"
    policy.write_text("allow_errors: true\n")
    result, data = scan_json(str(folders["broken"]), "--policy", str(policy))
    assert result.exit_code == 0 and data["models"][0]["verdict"] == "error"


def test_a_fail_beats_allow_errors(folders):
    result, _ = scan_json(str(folders["nc"]), str(folders["broken"]), "--allow-errors")
    assert result.exit_code == 1


@pytest.mark.parametrize(
    "args, message",
    [
        (["scan"], "give at least one TARGET"),
        (["scan", "x/y", "--use", "resale"], "Invalid value for '--use'"),
        (["scan", "missing.yaml"], "missing.yaml: manifest file not found"),
        (["scan", "./no/such/folder"], "no such folder"),
    ],
)
def test_exit_2_on_usage_errors(args, message):
    result = run(*args)
    assert result.exit_code == 2 and message in result.output


def test_exit_2_on_invalid_policy_names_file_line(folders, tmp_path):
    policy = tmp_path / "policy.yaml"
    policy.write_text("extends: commercial\nflags:\n  non-comercial: info\n")
    result = run("scan", str(folders["open"]), "--policy", str(policy))
    assert result.exit_code == 2
    assert "policy.yaml:3: unknown flag 'non-comercial'" in result.stderr
    assert result.stdout == ""  # nothing scanned, nothing printed


def test_exit_2_on_invalid_manifest(tmp_path):
    manifest = tmp_path / "models.yaml"
    manifest.write_text("models:\n  - path: nowhere\n")
    result = run("scan", str(manifest))
    assert result.exit_code == 2 and "models.yaml:2" in result.stderr


# --- hub errors through the loopback Hub -------------------------------------------------------


def test_missing_hub_model_is_error_exit_3(loopback_hub, folders):
    loopback_hub.add_model("acme/ok", {"README.md": card("mit"), "model.safetensors": b""})
    env = {"HF_ENDPOINT": loopback_hub.url}
    result, data = scan_json("acme/ok", "acme/missing", str(folders["open"]), env=env)
    assert result.exit_code == 3
    verdicts = {m["ref"]: (m["verdict"], m["error"]) for m in data["models"]}
    assert verdicts["acme/ok"] == ("pass", None)
    assert verdicts["acme/missing"][0] == "error"
    assert "acme/missing" in verdicts["acme/missing"][1]
    assert data["summary"]["error"] == 1


def test_pinned_hub_model_json_contract(loopback_hub):
    repo = loopback_hub.add_model(
        "acme/nc", {"README.md": card("cc-by-nc-4.0", base_model="acme/missing-base")}
    )
    result, data = scan_json(f"acme/nc@{repo.sha}", env={"HF_ENDPOINT": loopback_hub.url})
    assert result.exit_code == 1
    assert list(data) == ["licscan_version", "use", "models", "summary"]
    (m,) = data["models"]
    assert list(m) == MODEL_KEYS
    assert m["ref"] == f"acme/nc@{repo.sha}" and m["source"] == "hub"
    assert m["revision"] == repo.sha and m["base_models"] == ["acme/missing-base"]
    assert m["licenses"] == [
        {"license": "cc-by-nc-4.0", "category": "source-available", "source": "card:license"}
    ]
    for flag in m["flags"]:
        assert list(flag)[:4] == ["id", "severity", "value", "evidence"]
        assert flag["severity"] in ("block", "warn", "info")
        for ev in flag["evidence"]:
            assert list(ev) == ["source", "lines", "quote", "kind"]
            assert ev["kind"] in ("text", "card", "hub", "knowledge-base", "policy", "observed")


# --- manifests, uses, output --------------------------------------------------------------------


def test_manifest_use_policy_and_per_model_use(folders, tmp_path):
    for name in ("nc", "open"):
        shutil.copytree(folders[name], tmp_path / "proj" / "models" / name)
    (tmp_path / "proj" / "policy.yaml").write_text("flags:\n  pickle-weights: block\n")
    manifest = tmp_path / "proj" / "models.yaml"
    manifest.write_text(
        "use: [research]\npolicy: policy.yaml\nmodels:\n"
        "  - path: models/nc\n"
        "  - path: models/nc\n    use: [commercial]\n"
        "  - path: models/open\n"
    )
    result, data = scan_json(str(manifest))
    assert data["use"] == ["research"]
    # the same folder twice: listed once per entry (the manifest's own use, then its own)
    verdicts = [(m["ref"], m["verdict"]) for m in data["models"]]
    assert ("models/nc", "fail") in verdicts and ("models/nc", "pass") in verdicts
    assert result.exit_code == 1
    # --use replaces the manifest's default use, not a model's own
    result, data = scan_json(str(manifest), "--use", "redistribution")
    assert data["use"] == ["redistribution"]


def test_output_file(folders, tmp_path):
    out = tmp_path / "report.json"
    result = run("scan", str(folders["open"]), "--format", "json", "--output", str(out))
    assert result.exit_code == 0 and result.stdout == ""
    assert json.loads(out.read_text())["models"][0]["verdict"] == "pass"
    # a CI log still shows the outcome, on stderr
    assert f"1 model: 1 pass; json report written to {out}" in result.stderr


def test_text_format_default(folders):
    result = run("scan", str(folders["nc"]))
    assert result.exit_code == 1
    assert "FAIL" in result.stdout and "non-commercial" in result.stdout


# --- the bundled example ---------------------------------------------------------------------


def test_readme_quick_start_example_runs_without_network(tmp_path, monkeypatch):
    from licscan.sources.fetcher import Fetcher

    monkeypatch.chdir(ROOT)
    fetcher = Fetcher(cache_dir=tmp_path / "cache", hf_cache_dir=tmp_path / "hf")
    report = run_scan(["examples/manifest.yaml"], fetcher=fetcher)
    assert fetcher.stats.http_requests == 0  # local folders, a local base: no network
    got = {m.ref: m.verdict for m in report.models}
    assert got == {
        "models/apache-summarizer": "pass",
        "models/legacy-tagger": "warn",
        "models/support-bot-ft": "warn",
        "models/acme-research-vision": "fail",
    }
    ft = next(m for m in report.models if m.ref == "models/support-bot-ft")
    assert {"inherits-base-license", "license-mismatch"} <= {f.id for f in ft.flags}
    result = run("scan", "examples/manifest.yaml", "--offline")
    assert result.exit_code == 1
    result = run("scan", "examples/manifest.yaml", "--policy", "examples/policy.yaml")
    assert result.exit_code == 1 and "expired" in result.stdout


# --- explain -------------------------------------------------------------------------------


def test_explain_model_prints_the_reasoning_chain(folders):
    result = run("explain", str(folders["nc"]))
    assert result.exit_code == 1
    out = result.stdout
    assert "verdict: FAIL" in out and "category: source-available" in out
    assert "cc-by-nc-4.0 (source-available" in out and "from file:LICENSE" in out
    assert "flag:non-commercial -> block by commercial preset, line 12" in out
    assert "rules/policies/" not in out  # a preset by its name, as in every report
    assert "- non-commercial  [block]" in out


def test_explain_model_under_a_policy_with_a_waiver(folders, tmp_path):
    policy = tmp_path / "policy.yaml"
    policy.write_text(
        "waivers:\n  - model: '*/nc'\n    reason: licensed separately\n    approver: legal\n"
        "    expires: 2000-01-01\n"
    )
    result = run("explain", str(folders["nc"]), "--policy", str(policy), "--use", "commercial")
    assert result.exit_code == 1
    assert "EXPIRED */nc" in result.stdout and "expired 2000-01-01" in result.stdout


def test_explain_license_key_still_works():
    result = run("explain", "apache-2.0")
    assert result.exit_code == 0 and "apache-2.0" in result.stdout.lower()


def test_explain_usage_error():
    result = run("explain", "./no/such/folder")
    assert result.exit_code == 2 and "no such folder" in result.stdout


def test_unwritable_output_is_a_usage_error(folders, tmp_path):
    result = run("scan", str(folders["open"]), "--output", str(tmp_path / "no" / "dir" / "r.txt"))
    assert result.exit_code == 2 and "cannot write" in result.stderr


# --- several reports from one scan, the NOTICE file (issue 13) ------------------------------


def test_several_formats_from_one_scan(folders, tmp_path):
    sarif, html, md = tmp_path / "r.sarif", tmp_path / "r.html", tmp_path / "r.md"
    result = run(
        "scan", str(folders["nc"]),
        "--format", "sarif", "--output", str(sarif),
        "--format", "html", "--output", str(html),
        "--format", "markdown", "-o", str(md),
        "--format", "text", "--output", "-",
    )  # fmt: skip
    assert result.exit_code == 1
    assert json.loads(sarif.read_text())["version"] == "2.1.0"
    assert "<!DOCTYPE html>" in html.read_text() and "licscan" in md.read_text()
    assert "FAIL" in result.stdout  # the '-' report went to stdout
    assert "sarif report written to" in result.stderr and "html report written" in result.stderr


def test_output_dir_writes_each_format_under_its_usual_name(folders, tmp_path):
    out = tmp_path / "reports" / "nested"
    result = run("scan", str(folders["open"]), "--format", "sarif", "--format", "spdx",
                 "--format", "cyclonedx", "--output-dir", str(out))  # fmt: skip
    assert result.exit_code == 0
    assert sorted(p.name for p in out.iterdir()) == [
        "licscan.cdx.json", "licscan.sarif", "licscan.spdx.json"]  # fmt: skip


@pytest.mark.parametrize(
    "args, message",
    [
        (["--format", "json", "--format", "html"], "one --output each"),
        (["--format", "json", "--output", "a", "--output", "b"], "one --output per --format"),
        (["--format", "json", "--format", "html", "-o", "a", "-o", "a"], "same --output file"),
        (["--format", "json", "-o", "a", "--output-dir", "d"], "not both"),
    ],
)
def test_output_pairs_that_do_not_match_are_usage_errors(folders, tmp_path, args, message):
    result = run("scan", str(folders["open"]), *args)
    assert result.exit_code == 2 and message in result.stderr
    assert not (Path.cwd() / "a").exists()


def test_notice_file_for_a_manifest(make_model, tmp_path, monkeypatch):
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    monkeypatch.setenv("LICSCAN_CACHE_DIR", str(tmp_path / "cache"))
    make_model("llama", card("llama3.1"), {"model.safetensors": b""})
    notice = "Example Model\nCopyright 2024 Example Labs\n"
    make_model("apache", card("apache-2.0"), {"model.safetensors": b"", "NOTICE": notice})
    manifest = tmp_path / "models" / "licscan.yaml"
    manifest.write_text("models:\n  - path: llama\n  - path: apache\n", encoding="utf-8")
    out = tmp_path / "NOTICE"
    result = run("notice", str(manifest), "--output", str(out))
    assert result.exit_code == 0, result.stderr
    text = out.read_text()
    assert "THIRD-PARTY MODEL NOTICES" in text
    assert "Attribution: Built with Llama" in text
    assert "Use is subject to the Llama 3.1 Acceptable Use Policy" in text
    assert "Stay under 700,000,000 monthly active users" in text
    assert "License: Apache License 2.0" in text
    assert "    Copyright 2024 Example Labs" in text  # the repository's NOTICE, verbatim


def test_notice_with_an_unevaluated_model_exits_3(make_model, tmp_path, monkeypatch, corpus):
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    monkeypatch.setenv("LICSCAN_CACHE_DIR", str(tmp_path / "cache"))
    make_model("broken", corpus.card("yaml-parse-error-tab"))
    manifest = tmp_path / "models" / "licscan.yaml"
    manifest.write_text("models:\n  - path: broken\n", encoding="utf-8")
    result = run("notice", str(manifest))
    assert result.exit_code == 3
    assert "COULD NOT BE EVALUATED" in result.stdout and "notice incomplete" in result.stderr
    missing = run("notice", str(tmp_path / "nope.yaml"))
    assert missing.exit_code == 2
