"""CycloneDX 1.6 ML-BOM: valid against the official schema (bundled with
cyclonedx-python-lib, checked offline) and carrying what a BOM reader needs."""

from __future__ import annotations

import json
import socket
from typing import Any

import pytest
from report_samples import (
    BASE_SHA,
    FT_SHA,
    apache_pass,
    errored,
    finetune,
    local_unrecognised,
    no_license,
    noncommercial,
    sample_report,
)

from licscan.model import LicenseFinding, ScanReport
from licscan.report import render
from licscan.report.cyclonedx import purl_for, spdx_or_ref


@pytest.fixture
def no_network(monkeypatch: pytest.MonkeyPatch) -> None:
    """Schema validation must work air-gapped: any connection attempt fails the test."""

    def refuse(*args: Any, **kwargs: Any) -> None:
        raise AssertionError(f"network access attempted: {args!r}")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)


def validate(text: str) -> list[str]:
    from cyclonedx.schema import SchemaVersion
    from cyclonedx.validation.json import JsonStrictValidator

    errors = JsonStrictValidator(SchemaVersion.V1_6).validate_str(text, all_errors=True)
    return [str(e) for e in errors] if errors else []


def bom(report: ScanReport) -> dict[str, Any]:
    text = render("cyclonedx", report)
    assert validate(text) == []
    return json.loads(text)


def component(data: dict[str, Any], name: str) -> dict[str, Any]:
    return next(c for c in data["components"] if c["name"] == name)


def props(comp: dict[str, Any], name: str) -> list[str]:
    return [p["value"] for p in comp.get("properties", []) if p["name"] == name]


def test_realistic_multi_model_bom_validates_offline(no_network: None) -> None:
    text = render("cyclonedx", sample_report())
    assert validate(text) == []
    data = json.loads(text)
    assert data["bomFormat"] == "CycloneDX" and data["specVersion"] == "1.6"
    models = [c for c in data["components"] if c["type"] == "machine-learning-model"]
    # six scanned models plus two base models from the fine-tune's lineage
    assert len(models) == 8


def test_validator_is_not_vacuous(no_network: None) -> None:
    """The same validator rejects what 1.6 forbids (a LicenseRef in `license.id`)."""
    data = json.loads(render("cyclonedx", sample_report(finetune())))
    comp = component(data, "llama-3.1-8b-support-ft")
    comp["licenses"][0]["license"]["id"] = "LicenseRef-licscan-llama-3.1"
    del comp["licenses"][0]["license"]["name"]
    assert validate(json.dumps(data))


@pytest.mark.parametrize(
    "model", [errored, no_license, local_unrecognised, apache_pass, noncommercial, finetune]
)
def test_each_kind_of_model_validates_alone(model: Any, no_network: None) -> None:
    bom(sample_report(model()))


def test_purl_supplier_and_version() -> None:
    assert purl_for("acme-labs/x", FT_SHA) == f"pkg:huggingface/acme-labs/x@{FT_SHA}"
    assert purl_for("gpt2", None) == "pkg:huggingface/gpt2"
    assert purl_for("Org/Model", "ABCDEF") == "pkg:huggingface/Org/Model@abcdef"
    comp = component(bom(sample_report(finetune())), "llama-3.1-8b-support-ft")
    assert comp["purl"] == f"pkg:huggingface/acme-labs/llama-3.1-8b-support-ft@{FT_SHA}"
    assert comp["bom-ref"] == comp["purl"]
    assert comp["version"] == FT_SHA and comp["group"] == "acme-labs"
    assert comp["supplier"]["name"] == "acme-labs"


def test_licenses_spdx_when_possible_licenseref_otherwise() -> None:
    assert spdx_or_ref("cc-by-nc-4.0") == ("CC-BY-NC-4.0", None)
    assert spdx_or_ref("apache-2.0") == ("Apache-2.0", None)
    assert spdx_or_ref("llama-3.1") == (None, "LicenseRef-licscan-llama-3.1")
    data = bom(sample_report(noncommercial(), finetune(), local_unrecognised()))
    nc = component(data, "nc-summarizer")["licenses"]
    assert [lic["license"].get("id") for lic in nc] == ["CC-BY-NC-4.0"]
    ft = component(data, "llama-3.1-8b-support-ft")["licenses"]
    by_ack = {lic["license"]["acknowledgement"]: lic["license"] for lic in ft}
    # the card and LICENSE declare it; licscan concluded the base model's license binds
    assert by_ack["declared"]["name"] == "LicenseRef-licscan-llama-3.1"
    assert props(by_ack["declared"], "licscan:source") == ["card:license", "file:LICENSE"]
    assert props(by_ack["concluded"], "licscan:source") == ["base:meta-llama/Llama-3.1-8B-Instruct"]
    local = component(data, "consortium-model")["licenses"]
    assert local[0]["license"]["name"] == "LicenseRef-licscan-unrecognized"
    # never an expression next to a list: 1.6 forbids the mix
    for comp in data["components"]:
        assert all("license" in lic for lic in comp.get("licenses", []))


def test_license_file_hashes_and_links() -> None:
    comp = component(bom(sample_report(finetune())), "llama-3.1-8b-support-ft")
    refs = {r["type"]: r for r in comp["externalReferences"] if r["type"] != "license"}
    licenses = [r for r in comp["externalReferences"] if r["type"] == "license"]
    assert {r["comment"] for r in licenses} == {"LICENSE", "USE_POLICY.md"}
    lic = next(r for r in licenses if r["comment"] == "LICENSE")
    assert lic["hashes"] == [{"alg": "SHA-256", "content": "ab" * 32}]
    assert lic["url"].endswith(f"/acme-labs/llama-3.1-8b-support-ft/blob/{FT_SHA}/LICENSE")
    assert refs["model-card"]["url"].endswith(f"/blob/{FT_SHA}/README.md")
    assert refs["website"]["url"] == "https://huggingface.co/acme-labs/llama-3.1-8b-support-ft"


def test_hub_mirror_is_used_for_links(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HF_ENDPOINT", "https://hf-mirror.internal.example/")
    text = render("cyclonedx", sample_report(finetune()))
    assert "https://hf-mirror.internal.example/acme-labs/" in text
    assert "huggingface.co" not in text


def test_base_models_are_dependencies() -> None:
    data = bom(sample_report(finetune()))
    deps = {d["ref"]: d.get("dependsOn", []) for d in data["dependencies"]}
    ft = f"pkg:huggingface/acme-labs/llama-3.1-8b-support-ft@{FT_SHA}"
    instruct = f"pkg:huggingface/meta-llama/Llama-3.1-8B-Instruct@{BASE_SHA}"
    assert deps[ft] == [instruct]
    assert deps[instruct] == ["pkg:huggingface/meta-llama/Llama-3.1-8B"]
    base = component(data, "Llama-3.1-8B-Instruct")
    assert props(base, "licscan:role") == ["base-model"]
    assert base["licenses"][0]["license"]["name"] == "LicenseRef-licscan-llama-3.1"


def test_scanned_base_model_is_not_duplicated() -> None:
    base = apache_pass()
    child = noncommercial()
    child.base_models = [base.repo_id or ""]
    child.lineage = [
        {
            "id": base.repo_id,
            "revision": base.revision,
            "depth": 1,
            "category": "osi-open",
            "licenses": ["apache-2.0"],
            "error": None,
        }
    ]
    data = bom(sample_report(base, child))
    assert [c["name"] for c in data["components"]].count("bert-base-uncased") == 1
    deps = {d["ref"]: d.get("dependsOn", []) for d in data["dependencies"]}
    assert deps[component(data, "nc-summarizer")["bom-ref"]] == [
        component(data, "bert-base-uncased")["bom-ref"]
    ]


def test_category_flags_verdict_waivers_as_properties() -> None:
    data = bom(sample_report(finetune(), noncommercial()))
    ft = component(data, "llama-3.1-8b-support-ft")
    assert props(ft, "licscan:category") == ["open-weight"]
    assert props(ft, "licscan:verdict") == ["warn"]
    assert props(ft, "licscan:flag:user-threshold") == ["warn"]
    assert props(ft, "licscan:flag:user-threshold:value") == ["700000000"]
    assert props(ft, "licscan:flag:user-threshold:evidence:1") == ["LICENSE:31-33"]
    assert props(ft, "licscan:flag:gated:waived") == ["true"]
    assert props(ft, "licscan:reason")[0].startswith("1. card declares llama-3.1")
    nc = component(data, "nc-summarizer")
    assert props(nc, "licscan:flag:non-commercial") == ["block"]
    assert props(nc, "licscan:waiver")[0].startswith("expired; flags=pickle-weights")
    assert props(nc, "licscan:flag:pickle-weights:waived") == []
    meta = {p["name"]: p["value"] for p in data["metadata"]["properties"]}
    assert meta["licscan:use"] == "commercial" and meta["licscan:summary:fail"] == "1"


def test_model_card_task_datasets_and_considerations() -> None:
    data = bom(sample_report(noncommercial(), finetune(), errored()))
    nc = component(data, "nc-summarizer")["modelCard"]
    assert nc["modelParameters"]["task"] == "summarization"
    assert nc["modelParameters"]["datasets"] == [{"ref": "dataset:someuser/news-pairs"}]
    dataset = component(data, "news-pairs")
    assert dataset["type"] == "data" and dataset["bom-ref"] == "dataset:someuser/news-pairs"
    ft = component(data, "llama-3.1-8b-support-ft")["modelCard"]
    assert ft["considerations"]["useCases"][0].startswith("commercial: licscan verdict 'warn'")
    assert "prohibited uses" in ft["considerations"]["ethicalConsiderations"][0]["name"]
    assert "modelCard" not in component(data, "private-model")


def test_error_model_keeps_its_reason() -> None:
    comp = component(bom(sample_report(errored())), "private-model")
    assert props(comp, "licscan:verdict") == ["error"]
    assert props(comp, "licscan:error") == [
        "gated repository: access requires a token (set HF_TOKEN)"
    ]
    assert "licenses" not in comp and "version" not in comp
    assert comp["evidence"]["occurrences"] == [{"location": "models.yaml", "line": 9}]


def test_timestamp_from_scan_and_serial_from_content() -> None:
    a = json.loads(render("cyclonedx", sample_report()))
    assert a["metadata"]["timestamp"].startswith("2026-11-20T09:30:00")
    changed = sample_report()
    changed.models[0].licenses.append(LicenseFinding("mit", "osi-open", "file:LICENSE"))
    b = json.loads(render("cyclonedx", changed))
    assert a["serialNumber"].startswith("urn:uuid:")
    assert a["serialNumber"] != b["serialNumber"]
    assert a["serialNumber"] == json.loads(render("cyclonedx", sample_report()))["serialNumber"]
