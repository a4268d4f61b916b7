"""JSON output is exactly the contract of contracts.md ('JSON: scan')."""

from __future__ import annotations

import json

from report_samples import errored, finetune, sample_report

from licscan.model import Evidence
from licscan.report import render

MODEL_KEYS = [
    "ref",
    "source",
    "revision",
    "category",
    "licenses",
    "base_models",
    "flags",
    "verdict",
    "error",
]


def test_json_is_the_report_contract() -> None:
    report = sample_report()
    data = json.loads(render("json", report))
    assert data == report.to_dict()
    assert list(data) == ["licscan_version", "use", "models", "summary"]
    assert data["summary"] == {"pass": 1, "warn": 1, "fail": 3, "error": 1}


def test_json_model_shape() -> None:
    data = json.loads(render("json", sample_report(finetune(), errored())))
    ft, err = data["models"]
    assert list(ft)[: len(MODEL_KEYS)] == MODEL_KEYS
    assert ft["licenses"][0] == {
        "license": "llama-3.1",
        "category": "open-weight",
        "source": "card:license",
    }
    threshold = next(f for f in ft["flags"] if f["id"] == "user-threshold")
    assert threshold["severity"] == "warn" and threshold["value"] == "700000000"
    assert threshold["evidence"][0]["lines"] == [31, 33]
    assert threshold["evidence"][0]["source"] == "LICENSE"
    assert err["verdict"] == "error" and err["error"].startswith("gated repository")
    assert err["revision"] is None


def test_json_keeps_non_ascii_readable() -> None:
    report = sample_report(finetune())
    report.models[0].flags[0].evidence[0] = Evidence.parse(
        "LICENSE", "Ünïcode “quoted” text", (1, 1)
    )
    out = render("json", report)
    assert "Ünïcode “quoted” text" in out
    assert json.loads(out)["models"][0]["flags"][0]["evidence"][0]["quote"] == (
        "Ünïcode “quoted” text"
    )
