"""The format registry: every format renders every kind of model, deterministically,
imports only what it needs, and carries every evidence quote to the reader."""

from __future__ import annotations

import html
import json
import subprocess
import sys

import pytest
from paths import ROOT
from report_samples import all_quotes, sample_report

from licscan.report import render
from licscan.report.formats import FORMATS
from licscan.report.markdown import escape_quote


def test_formats_match_the_cli_contract() -> None:
    from licscan.cli.options import CENSUS_FORMAT_CHOICES as CLI_CENSUS
    from licscan.cli.options import FORMAT_CHOICES
    from licscan.report.formats import CENSUS_FORMATS, TABLE

    assert FORMATS == (
        "text", "json", "cyclonedx", "spdx", "sarif", "markdown", "html", "notice",
    )  # fmt: skip
    assert FORMAT_CHOICES == FORMATS and CLI_CENSUS == CENSUS_FORMATS == (*FORMATS, "jsonl")
    assert len({f.extension for f in TABLE.values()}) == len(TABLE)  # --output-dir names


def test_unknown_format_is_a_clear_error() -> None:
    with pytest.raises(ValueError, match=r"unknown report format 'xml'.*cyclonedx"):
        render("xml", sample_report())


@pytest.mark.parametrize("fmt", FORMATS)
def test_every_format_renders_deterministically(fmt: str) -> None:
    first = render(fmt, sample_report(), color=False)
    second = render(fmt, sample_report(), color=False)
    assert first == second
    assert first.endswith("\n")
    for name in ("someuser/nc-summarizer", "acme-labs/private-model", "gpt-tiny"):
        assert name in first


@pytest.mark.parametrize("fmt", FORMATS)
def test_empty_scan_renders(fmt: str) -> None:
    report = sample_report()
    report.models = []
    out = render(fmt, report, color=False)
    assert out.strip()


@pytest.mark.parametrize("fmt", ["sarif", "markdown", "html"])
def test_every_evidence_quote_travels(fmt: str) -> None:
    """A reviewer must be able to check every claim: each quote reaches the output."""
    report = sample_report()
    out = render(fmt, report, keep_waived=True)  # (SARIF leaves waived findings out by default)
    quotes = all_quotes(report)
    assert len(quotes) == 9
    if fmt == "sarif":
        # In the message a reader sees (whitespace folded to one line).
        texts = [r["message"]["text"] for r in json.loads(out)["runs"][0]["results"]]
        for quote in quotes:
            assert any(" ".join(quote.split()) in t for t in texts), quote
    elif fmt == "markdown":
        for quote in quotes:  # as blockquote lines, markup neutralised
            for line in escape_quote(quote):
                assert line in out, line
    else:
        text = html.unescape(out)
        for quote in quotes:
            assert quote.strip() in text, quote


def test_heavy_libraries_load_only_for_their_format() -> None:
    code = (
        "import sys\n"
        f"sys.path.insert(0, {str(ROOT / 'tests')!r})\n"
        "from report_samples import sample_report\n"
        "from licscan.report import render\n"
        "heavy = ('jinja2', 'cyclonedx', 'rich', 'spdx_python_model')\n"
        "for fmt in ('json', 'markdown', 'sarif'):\n"
        "    render(fmt, sample_report())\n"
        "render('text', sample_report(), color=False)\n"
        "print(sorted(m for m in heavy if m in sys.modules))\n"
        "render('html', sample_report())\n"
        "print(sorted(m for m in heavy if m in sys.modules))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT
    ).stdout.splitlines()
    assert out == ["[]", "['jinja2']"]
