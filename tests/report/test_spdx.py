"""SPDX 3.0.1 JSON-LD (AI profile): written with spdx-python-model, read back with its
JSON-LD deserializer, and checked for what an SBOM reader needs: one ai_AIPackage per
model, exactly one declared and one concluded license relationship per package, lineage
and training data as relationships, findings as annotations."""

from __future__ import annotations

import json
import subprocess
import sys
from collections import Counter
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

from licscan.model import ScanReport
from licscan.report import render

S = pytest.importorskip("spdx_python_model.bindings.v3_0_1")


def load(report: ScanReport) -> tuple[dict[str, Any], Any]:
    """(the JSON, the deserialised object set): the library reads back what we wrote."""
    import spdx_python_model

    text = render("spdx", report)
    data = json.loads(text)
    model, objects = spdx_python_model.load_data(data)
    assert model.__name__.endswith("v3_0_1")
    return data, objects


def of_type(objects: Any, cls: Any) -> list[Any]:
    return list(objects.foreach_type(cls))


def relations(objects: Any, kind: str) -> list[Any]:
    iri = getattr(S.RelationshipType, kind)
    return [r for r in of_type(objects, S.Relationship) if r.relationshipType == iri]


def package(objects: Any, name: str) -> Any:
    return next(p for p in of_type(objects, S.ai_AIPackage) if p.name == name)


def test_document_loads_and_has_one_ai_package_per_model() -> None:
    report = sample_report()
    data, objects = load(report)
    assert data["@context"] == "https://spdx.org/rdf/3.0.1/spdx-context.jsonld"
    names = {p.name for p in of_type(objects, S.ai_AIPackage)}
    for m in report.models:
        assert (m.repo_id if m.source != "local" else m.ref) in names
    (doc,) = of_type(objects, S.SpdxDocument)
    assert S.ProfileIdentifierType.ai in doc.profileConformance
    (sbom,) = of_type(objects, S.software_Sbom)
    assert len(sbom.rootElement) == len(report.models)


def test_package_fields_from_the_hub() -> None:
    _, objects = load(sample_report(finetune()))
    pkg = package(objects, "acme-labs/llama-3.1-8b-support-ft")
    assert pkg.software_packageVersion == FT_SHA
    assert pkg.software_downloadLocation == (
        f"https://huggingface.co/acme-labs/llama-3.1-8b-support-ft/tree/{FT_SHA}"
    )
    assert pkg.software_primaryPurpose == S.software_SoftwarePurpose.model
    assert pkg.software_packageUrl == f"pkg:huggingface/acme-labs/llama-3.1-8b-support-ft@{FT_SHA}"
    supplier = pkg.suppliedBy
    assert isinstance(supplier, S.Organization) and supplier.name == "acme-labs"
    assert "You agree not to use the model for <weapons>" in pkg.ai_limitation


def test_exactly_one_declared_and_one_concluded_license_per_package() -> None:
    _, objects = load(sample_report())
    for kind in ("hasDeclaredLicense", "hasConcludedLicense"):
        counts = Counter(r.from_._id for r in relations(objects, kind))
        packages = of_type(objects, S.software_Package)  # models, bases, data sets
        assert {p._id for p in packages} == set(counts), kind
        assert set(counts.values()) == {1}, kind
        assert all(len(r.to) == 1 for r in relations(objects, kind))


def _license(objects: Any, pkg: Any, kind: str) -> Any:
    (rel,) = [r for r in relations(objects, kind) if r.from_ is pkg]
    return rel.to[0]


def test_licenses_combined_custom_ones_mapped_to_the_knowledge_base() -> None:
    _, objects = load(sample_report(finetune(), noncommercial(), apache_pass()))
    ft = package(objects, "acme-labs/llama-3.1-8b-support-ft")
    declared = _license(objects, ft, "hasDeclaredLicense")
    assert declared.simplelicensing_licenseExpression == "LicenseRef-licscan-llama-3.1"
    (entry,) = declared.simplelicensing_customIdToUri
    assert entry.key == "LicenseRef-licscan-llama-3.1" and entry.value.startswith("https://")
    nc = package(objects, "someuser/nc-summarizer")
    expr = _license(objects, nc, "hasConcludedLicense")
    assert expr.simplelicensing_licenseExpression == "CC-BY-NC-4.0"


def test_unknown_terms_are_no_assertion() -> None:
    _, objects = load(sample_report(local_unrecognised(), no_license(), errored()))
    for name in ("models/consortium-model", "gpt-tiny", "acme-labs/private-model"):
        pkg = package(objects, name)
        concluded = _license(objects, pkg, "hasConcludedLicense")
        assert concluded == "https://spdx.org/rdf/3.0.1/terms/ExpandedLicensing/NoAssertionLicense"
    assert package(objects, "models/consortium-model").software_downloadLocation == "NOASSERTION"


def test_lineage_and_training_data_relationships() -> None:
    _, objects = load(sample_report(finetune(), noncommercial()))
    ft = package(objects, "acme-labs/llama-3.1-8b-support-ft")
    instruct = package(objects, "meta-llama/Llama-3.1-8B-Instruct")
    base = package(objects, "meta-llama/Llama-3.1-8B")
    assert instruct.software_packageVersion == BASE_SHA
    ancestry = {
        (r.from_.name, tuple(t.name for t in r.to)) for r in relations(objects, "ancestorOf")
    }
    assert (instruct.name, (ft.name,)) in ancestry
    assert (base.name, (instruct.name,)) in ancestry
    (trained,) = relations(objects, "trainedOn")
    assert trained.from_ is package(objects, "someuser/nc-summarizer")
    (data,) = trained.to
    assert isinstance(data, S.dataset_DatasetPackage) and data.name == "someuser/news-pairs"


def test_findings_are_review_annotations_with_worded_evidence() -> None:
    _, objects = load(sample_report(finetune(), errored()))
    notes = of_type(objects, S.Annotation)
    assert all(a.annotationType == S.AnnotationType.review for a in notes)
    ft = package(objects, "acme-labs/llama-3.1-8b-support-ft")
    said = [a.statement for a in notes if a.subject is ft]
    assert any(s.startswith("licscan: verdict warn for commercial") for s in said)
    assert any(
        "flag user-threshold=700000000 (warn)" in s and "LICENSE:31-33: “" in s for s in said
    )
    assert any("gated=manual (block, waived)" in s for s in said)
    err = package(objects, "acme-labs/private-model")
    assert any("could not be evaluated" in a.statement for a in notes if a.subject is err)


def test_same_scan_same_document() -> None:
    assert render("spdx", sample_report()) == render("spdx", sample_report())


def test_the_library_rejects_a_broken_document() -> None:
    """The round trip is not vacuous: the deserializer refuses a wrong type."""
    import spdx_python_model

    data = json.loads(render("spdx", sample_report(finetune())))
    pkg = next(o for o in data["@graph"] if o.get("type") == "ai_AIPackage")
    pkg["software_primaryPurpose"] = 42
    with pytest.raises(Exception):  # noqa: B017 - whatever the library raises
        spdx_python_model.load_data(data)


def test_version_does_not_import_spdx() -> None:
    code = "import sys; from licscan.cli import main; print('spdx_python_model' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
