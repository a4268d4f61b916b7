"""CycloneDX 1.6 and 1.7 ML-BOMs: valid against the official schemas (bundled with
cyclonedx-python-lib, checked offline) and carrying what a BOM reader needs in the
standard's own fields."""

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

from licscan.model import (
    Evidence,
    Flag,
    LicenseFile,
    LicenseFinding,
    LicenseOrigin,
    LineageEntry,
    ScanReport,
    WaiverUse,
)
from licscan.report import render
from licscan.report.cyclonedx import purl_for, spdx_or_ref


@pytest.fixture
def no_network(monkeypatch: pytest.MonkeyPatch) -> None:
    """Schema validation must work air-gapped: any connection attempt fails the test."""

    def refuse(*args: Any, **kwargs: Any) -> None:
        raise AssertionError(f"network access attempted: {args!r}")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)


def validate(text: str, version: str = "1.6") -> list[str]:
    from cyclonedx.schema import SchemaVersion
    from cyclonedx.validation.json import JsonStrictValidator

    schema = {"1.6": SchemaVersion.V1_6, "1.7": SchemaVersion.V1_7}[version]
    errors = JsonStrictValidator(schema).validate_str(text, all_errors=True)
    return [str(e) for e in errors] if errors else []


def bom(report: ScanReport, version: str = "1.6") -> dict[str, Any]:
    text = render("cyclonedx", report, cyclonedx_version=version)
    assert validate(text, version) == []
    data = json.loads(text)
    assert data["specVersion"] == version
    return data


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


@pytest.mark.parametrize("version", ["1.6", "1.7"])
@pytest.mark.parametrize(
    "model", [errored, no_license, local_unrecognised, apache_pass, noncommercial, finetune]
)
def test_each_kind_of_model_validates_alone(model: Any, version: str, no_network: None) -> None:
    bom(sample_report(model()), version)
    bom(sample_report(_license_waived(model())), version)  # with `licensing` too


@pytest.mark.parametrize("version", ["1.6", "1.7"])
def test_whole_report_validates_in_each_version(version: str, no_network: None) -> None:
    bom(sample_report(), version)
    report = sample_report()
    report.manifest = None  # no project: no metadata.component
    bom(report, version)


def test_unsupported_version_is_refused() -> None:
    with pytest.raises(ValueError, match=r"1\.5"):
        render("cyclonedx", sample_report(), cyclonedx_version="1.5")


def _license_waived(m: Any) -> Any:
    """The model with an applied waiver of its first license (bought, or excepted)."""
    key = next((lic.license for lic in m.licenses if lic.license), None)
    if key:
        m.waivers.append(
            WaiverUse(key, [], "commercial license bought 2026-01", "legal@acme.example",
                      "2027-01-31", applied=True)
        )  # fmt: skip
    return m


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


def test_a_supplied_text_links_to_the_reviewers_file_whatever_the_names() -> None:
    """LicenseFile.supplied says the reviewer supplied it: a repository file that happens to
    be called 'supplied:…' (the Hub allows ':') still links to the Hub."""
    m = finetune()
    m.license_files = [
        LicenseFile("supplied:LICENSE.txt", None, "cd" * 32),  # the repository's own
        LicenseFile("supplied:legal/terms.txt", None, "ef" * 32, supplied="legal/terms.txt"),
    ]
    comp = component(bom(sample_report(m)), "llama-3.1-8b-support-ft")
    urls = {r["comment"]: r["url"] for r in comp["externalReferences"] if r["type"] == "license"}
    assert urls["supplied:LICENSE.txt"].endswith(f"/blob/{FT_SHA}/supplied%3ALICENSE.txt")
    assert urls["supplied:legal/terms.txt"] == "legal/terms.txt"


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
        LineageEntry(
            base.repo_id, revision=base.revision, depth=1, category="osi-open",
            licenses=("apache-2.0",),
        )
    ]  # fmt: skip
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
    changed.models[0].licenses.append(
        LicenseFinding("mit", "osi-open", LicenseOrigin.file("LICENSE"))
    )
    b = json.loads(render("cyclonedx", changed))
    assert a["serialNumber"].startswith("urn:uuid:")
    assert a["serialNumber"] != b["serialNumber"]
    assert a["serialNumber"] == json.loads(render("cyclonedx", sample_report()))["serialNumber"]


# --- the standard's own fields (issue 13) -------------------------------------------------


def test_project_is_the_metadata_component_and_uses_every_model() -> None:
    data = bom(sample_report())
    project = data["metadata"]["component"]
    assert project["type"] == "application" and project["bom-ref"] == "licscan-project"
    assert props(project, "licscan:manifest") == ["models.yaml"]
    deps = {d["ref"]: d.get("dependsOn", []) for d in data["dependencies"]}
    models = [c["bom-ref"] for c in data["components"] if c["type"] == "machine-learning-model"]
    scanned = [m for m in models if "Llama-3.1-8B" not in m]  # (the base models are not listed)
    assert sorted(deps["licscan-project"]) == sorted(scanned)


def test_a_waived_license_carries_licensing() -> None:
    m = _license_waived(finetune())
    data = bom(sample_report(m))
    comp = component(data, "llama-3.1-8b-support-ft")
    declared = next(
        lic["license"]
        for lic in comp["licenses"]
        if lic["license"]["acknowledgement"] == "declared"
    )
    assert declared["licensing"] == {
        "licenseTypes": ["other"],
        "licensor": {"organization": {"name": "acme-labs"}},
        "licensee": {"organization": {"name": component_project(data)}},
        "expiration": "2027-01-31T23:59:59Z",
    }
    assert props(declared, "licscan:waiver:reason") == ["commercial license bought 2026-01"]
    assert props(declared, "licscan:waiver:approver") == ["legal@acme.example"]
    # a waiver of one flag (gated) is not a license: no licensing from it
    plain = component(bom(sample_report(finetune())), "llama-3.1-8b-support-ft")
    assert not any("licensing" in lic["license"] for lic in plain["licenses"])


def component_project(data: dict[str, Any]) -> str:
    return data["metadata"]["component"]["name"]


def test_considerations_carry_restrictions_not_license_lines() -> None:
    m = finetune()
    aup = next(f for f in m.flags if f.id == "use-restrictions")
    aup.evidence = [
        Evidence.parse("card:license", "license: llama3.1", (3, 3)),
        Evidence.parse("rules/licenses/llama-3.1-aup.yaml", "forbids listed harmful uses"),
        *aup.evidence,
    ]
    pickle = Evidence.parse("a.bin", "pickle-based weight file", None)
    m.flags.append(Flag("pickle-weights", None, [pickle], "warn", "1 weight file"))
    card = component(bom(sample_report(m)), "llama-3.1-8b-support-ft")["modelCard"]
    names = [e["name"] for e in card["considerations"]["ethicalConsiderations"]]
    assert not any(n.startswith("license:") for n in names)
    assert any(n.startswith("licscan summary of") and "harmful uses" in n for n in names)
    assert any("USE_POLICY.md:12-14: “You agree not to use" in n for n in names)
    (limit,) = card["considerations"]["technicalLimitations"]
    assert "pickle-based formats" in limit


def test_data_sets_are_data_components_with_data() -> None:
    data = bom(sample_report(noncommercial()))
    ds = component(data, "news-pairs")
    assert ds["type"] == "data"
    assert ds["data"] == [{"type": "dataset", "name": "someuser/news-pairs"}]


def test_obligations_and_evidence_kinds_as_properties() -> None:
    m = finetune()
    m.flags[0].evidence.append(Evidence.parse("rules/licenses/llama-3.1.yaml", "a user cap (§2)"))
    comp = component(bom(sample_report(m)), "llama-3.1-8b-support-ft")
    assert props(comp, "licscan:flag:user-threshold:kind:1") == ["text"]
    assert props(comp, "licscan:flag:user-threshold:kind:2") == ["knowledge-base"]
    assert props(comp, "licscan:flag:user-threshold:statement:2") == ["a user cap (§2)"]
    assert props(comp, "licscan:flag:user-threshold:quote:2") == []
    duties = props(comp, "licscan:obligation")
    assert any("Built with Llama" in d for d in duties)


def test_bom_refs_stay_unique_when_control_characters_go(no_network: None) -> None:
    """Every output loses its control characters, so ids that differ only in them (data
    sets "\\x1f" and "\\x1e", found by hypothesis; two local folders) must still give one
    bom-ref each, every reference pointing at its own component."""
    m = apache_pass()
    m.datasets = ["\x1f", "\x1e", "org/news\x1b", "org/news"]
    folders = []
    for name in ("models/x\x1f", "models/x\x1e", "models/x"):
        folder = local_unrecognised()
        folder.ref = name
        folders.append(folder)
    data = bom(sample_report(m, *folders))  # validated: a duplicate bom-ref is invalid
    refs = [c["bom-ref"] for c in data["components"]]
    assert len(refs) == len(set(refs))
    datasets = [c for c in data["components"] if c["type"] == "data"]
    assert len(datasets) == 4 and all(c["data"] for c in datasets)
    card = component(data, "bert-base-uncased")["modelCard"]
    used = [d["ref"] for d in card["modelParameters"]["datasets"]]
    assert sorted(used) == sorted(c["bom-ref"] for c in datasets)
    depends = {d["ref"]: d.get("dependsOn", []) for d in data["dependencies"]}
    project = data["metadata"]["component"]["bom-ref"]
    assert len(depends[project]) == 4 and set(depends[project]) <= set(refs)
