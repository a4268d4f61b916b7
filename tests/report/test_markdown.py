"""Markdown for PR comments: blocking findings first, safe escaping, GitHub's size limit."""

from __future__ import annotations

import re

from report_samples import (
    FT_SHA,
    apache_pass,
    errored,
    finetune,
    noncommercial,
    sample_report,
)

from licscan.model import Evidence, Flag, ModelResult
from licscan.report import render
from licscan.report.markdown import GITHUB_LIMIT, MARKER, escape_inline


def table_rows(md: str) -> list[str]:
    return [line for line in md.splitlines() if line.startswith("| ") and "---" not in line][1:]


def test_summary_and_table_blocking_first() -> None:
    md = render("markdown", sample_report(apache_pass(), finetune(), noncommercial(), errored()))
    assert md.startswith(MARKER)
    assert "2 of 4 model(s) need attention" in md
    assert "❌ 1 fail · 💥 1 error · ⚠️ 1 warn · ✅ 1 pass" in md
    verdicts = [row.split("|")[5].strip() for row in table_rows(md)]
    assert verdicts == ["**fail**", "**error**", "**warn**", "**pass**"]
    # sections: blocking findings before warnings before the folded rest
    b, w, d = (md.index("#### Blocking findings"), md.index("#### Warnings"), md.index("<details>"))
    assert b < w < d
    assert md.index("**non-commercial** (block)") < w
    assert w < md.index("**user-threshold=700000000** (warn)") < d
    assert md.index("**use-restrictions** (info)") > d


def test_table_row_content() -> None:
    md = render("markdown", sample_report(finetune()))
    (row,) = table_rows(md)
    assert f"`{FT_SHA[:10]}`" in row and "open-weight" in row
    assert f"(https://huggingface.co/acme-labs/llama-3.1-8b-support-ft/tree/{FT_SHA})" in row
    assert "gated=manual (waived)" in row
    assert "user-threshold=700000000" in row


def test_evidence_links_to_the_file_at_the_revision() -> None:
    md = render("markdown", sample_report(finetune()))
    assert (
        f"[LICENSE:31-33](https://huggingface.co/acme-labs/llama-3.1-8b-support-ft/blob/"
        f"{FT_SHA}/LICENSE#L31-L33)"
    ) in md
    assert "  > If the monthly active users" in md


def test_waivers_shown_with_reason_and_state() -> None:
    md = render("markdown", sample_report(finetune(), noncommercial()))
    assert "_waived: Legal accepted the gate terms for the organisation" in md
    assert (
        "_waiver expired: Weights converted in-house (ops, expired 2024-01-31, no longer applies)_"
        in md
    )


def test_pipes_and_html_are_escaped() -> None:
    evil = ModelResult(
        ref="org/evil|name",
        source="hub",
        revision="b" * 40,
        repo_id="org/evil|name",
        category="unknown",
        verdict="fail",
        flags=[
            Flag(
                "unrecognized-license",
                "a|b",
                [
                    Evidence.parse(
                        "LICENSE",
                        "<script>alert(1)</script> | cell | break\n# Heading\n- item\n@team",
                        (1, 4),
                    )
                ],
                severity="block",
            )
        ],
    )
    md = render("markdown", sample_report(evil))
    assert "<script>" not in md
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in md
    (row,) = table_rows(md)
    assert len(re.findall(r"(?<!\\)\|", row)) == 7  # six cells, no extra cell breaks
    assert "org/evil\\|name" in row and "a\\|b" in row
    # quote lines cannot become headings or list items
    assert "  > \\# Heading" in md and "  > \\- item" in md
    assert escape_inline("a_b*c`d") == "a\\_b\\*c\\`d"


def test_error_model_reason_in_blocking_section() -> None:
    md = render("markdown", sample_report(errored()))
    section = md[md.index("#### Blocking findings") :]
    assert "could not be evaluated: gated repository: access requires a token" in section


def test_all_clear_title() -> None:
    md = render("markdown", sample_report(apache_pass()))
    assert "1 model(s) checked, nothing blocks" in md
    assert "#### Blocking findings" not in md


def many_models(n: int) -> list[ModelResult]:
    out = []
    for i in range(n):
        m = noncommercial() if i % 3 == 0 else apache_pass()
        m.ref = m.repo_id = f"org{i}/model-{i}"
        out.append(m)
    return out


def test_huge_scan_fits_a_github_comment() -> None:
    md = render("markdown", sample_report(*many_models(900)))
    assert len(md) < GITHUB_LIMIT
    assert "passing model(s) not listed to fit the comment" in md
    assert "Report cut to fit a GitHub comment" in md
    assert md.count("<details>") == md.count("</details>")
    # failing models come first, so what survives the cut is what blocks
    assert "org0/model-0" in md and "**fail**" in md


def test_passing_rows_dropped_before_findings() -> None:
    models = many_models(400)
    full = render("markdown", sample_report(*models), max_chars=10**7)
    assert "not listed" not in full
    limit = len(full) - 2000
    cut = render("markdown", sample_report(*models), max_chars=limit)
    assert len(cut) <= limit
    assert "passing model(s) not listed" in cut


def test_knowledge_base_statement_is_labelled_never_blockquoted() -> None:
    m = finetune()
    summary = "a user cap of 700 million applies (§2)"
    m.flags[0].evidence = [Evidence.parse("rules/licenses/llama-3.1.yaml", summary)]
    m.flags.append(
        Flag("copyleft", None, [Evidence.parse("LICENSE", "Share alike, always.", (9, 9))])
    )
    md = render("markdown", sample_report(m))
    line = next(x for x in md.splitlines() if "a user cap of 700 million" in x)
    assert not line.lstrip().startswith(">")
    assert "licscan's summary of the Llama 3.1 Community License Agreement" in line
    assert "not a quote" in line
    # the sample's LICENSE was read and identified as llama-3.1: the summary says so
    assert "not located in LICENSE" in line
    assert "  > Share alike, always." in md  # a real quote stays a blockquote


def test_obligations_and_rules_in_plain_words() -> None:
    md = render("markdown", sample_report(finetune()))
    section = md[md.index("#### To comply") :]
    assert "Display “Built with Llama” prominently" in section
    assert "Stay under 700,000,000 monthly active users" in section
    assert "<details><summary>evidence</summary>" in section
