"""The census summary for people: text, Markdown and a self-contained HTML page with an
inline SVG chart (checked in headless Chromium) — relabelled derivatives first, with the
base and both licenses, then counts per verdict, category, license and flag; everything
from the Hub escaped."""

from __future__ import annotations

import html
import io
import json
import re

import pytest
from browser import chromium, run_chromium
from census_org import build_org
from click.testing import CliRunner

from licscan.cli import main
from licscan.model import CENSUS_LISTED, CensusRow, CensusSelection, CensusSummary, Relabel
from licscan.report.census import CensusWriter, render_markdown, render_text

EVIL = "<script>alert(1)</script>|`x`"


def summary() -> CensusSummary:
    s = CensusSummary(CensusSelection(author="acme"), "0.1.0", ["commercial"],
                      "commercial (preset)", "2026-12-01T10:00:00Z")  # fmt: skip
    rel = Relabel("acme/ft", ("apache-2.0",), "osi-open", "meta-llama/Llama-3.1-8B",
                  ("llama-3.1",), "open-weight")  # fmt: skip
    s.add(CensusRow("acme/ft", "warn", "open-weight", ["apache-2.0"],
                    ["license-mismatch", "inherits-base-license"], relabel=rel))  # fmt: skip
    s.add(CensusRow("acme/nc", "fail", "source-available", ["cc-by-nc-4.0"], ["non-commercial"],
                    blocking=["non-commercial"]))  # fmt: skip
    s.add(
        CensusRow("acme/bad", "error", "unknown", ["none"], [], error=f"acme/bad: HTTP 400: {EVIL}")
    )
    s.add(CensusRow("acme/ok", "pass", "osi-open", ["mit"], [], unread=True))
    s.requests = {"listing": 1, "api": 2, "files": 1, "retries": 0, "rate_limited": 0}
    return s


def test_text_lists_relabelled_derivatives_first_then_counts():
    text = render_text(summary())
    lines = text.splitlines()
    assert lines[1] == "4 models: 1 fail, 1 error, 1 warn, 1 pass"
    assert "4 Hub requests (1.000 per model): 1 listing page, 2 API calls" in lines[2]
    first = lines.index("Relabelled derivatives: 1")
    assert re.match(
        r"  acme/ft\s+declares apache-2.0 \(osi-open\); base "
        r"meta-llama/Llama-3.1-8B is llama-3.1 \(open-weight\)",
        lines[first + 1],
    )
    assert first < lines.index("Verdicts:") < lines.index("Categories:") < lines.index("Licenses:")
    assert re.search(r"^  non-commercial\s+1 ", text, re.M)
    assert "acme/nc: blocked by non-commercial" in text
    assert "1 model was judged on the known license its card declares" in text


def test_markdown_escapes_what_the_hub_says():
    md = render_markdown(summary())
    assert md.index("### Relabelled derivatives (1)") < md.index("### Verdicts")
    assert (
        "| acme/ft | apache-2.0 (osi-open) | meta-llama/Llama-3.1-8B | llama-3.1 (open-weight) |"
        in md
    )
    assert "<script>" not in md and "&lt;script&gt;" in md and "\\|\\`x\\`" in md


def test_html_is_self_contained_escaped_and_draws_a_chart():
    page = _html(summary())
    assert not re.search(r"<(script|link|img|iframe|object|embed)\b", page, re.I)
    assert "url(" not in page and "@import" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    charts = re.findall(r"<svg .*?</svg>", page, re.S)
    assert len(charts) == 4  # verdicts, categories, licenses, flags
    verdict_bars = re.findall(r'<rect [^>]*width="(\d+)"', charts[0])
    assert [int(w) > 0 for w in verdict_bars] == [True] * 4
    assert page.index("Relabelled derivatives") < page.index("<svg")


def test_summary_keeps_counters_not_every_model():
    s = summary()
    for i in range(CENSUS_LISTED + 50):
        s.add(CensusRow(f"acme/f{i}", "fail", "unknown", ["none"], ["no-license"],
                        blocking=["no-license"]))  # fmt: skip
    assert len(s.failing) == CENSUS_LISTED and s.verdicts["fail"] == CENSUS_LISTED + 51
    assert "... and 51 more" in render_text(s)


def _html(s: CensusSummary) -> str:
    out = io.StringIO()
    CensusWriter("html", out).close(s)
    return out.getvalue()


# --- through the CLI, on the loopback Hub --------------------------------------------------


@pytest.fixture
def hub(loopback_hub, monkeypatch):
    build_org(loopback_hub)
    monkeypatch.setenv("HF_ENDPOINT", loopback_hub.url)
    return loopback_hub


def census(*args: str) -> str:
    return CliRunner().invoke(main, ["census", "--author", "acme", *args]).stdout


def test_every_format_of_a_real_census(hub):
    text = census()
    assert "acme/a-relabel  declares apache-2.0 (osi-open); base acme/z-chat is llama-3.1" in text
    md = census("--format", "markdown")
    assert md.startswith("## licscan census: author acme") and "| acme/a-relabel |" in md
    jsonl = [json.loads(line) for line in census("--format", "jsonl").splitlines()]
    assert len(jsonl) == 7 and jsonl[-1]["summary"]["fail"] == 1
    bom = json.loads(census("--format", "cyclonedx"))
    purls = {c.get("purl", "").split("@")[0] for c in bom["components"]}
    assert {
        f"pkg:huggingface/{m}" for m in ("acme/a-relabel", "acme/z-chat", "acme/e-none")
    } <= purls
    sarif = json.loads(census("--format", "sarif"))
    assert sarif["runs"][0]["results"]


PROBE = """<script>
var bars = Array.from(document.querySelectorAll("svg rect")).map(function (r) {
  var b = r.getBoundingClientRect(); return {w: b.width, h: b.height}; });
var pre = document.createElement("pre"); pre.id = "probe";
pre.textContent = JSON.stringify({text: document.body.innerText, bars: bars,
  svgs: document.querySelectorAll("svg").length});
document.body.appendChild(pre);
</script>"""


@pytest.mark.browser
def test_census_html_in_headless_chromium(hub, tmp_path):
    exe = chromium()
    page = census("--format", "html")
    probe = tmp_path / "probe.html"
    probe.write_text(page.replace("</body>", PROBE + "</body>"), encoding="utf-8")
    dom = run_chromium(exe, tmp_path / "p1", "--dump-dom", probe.as_uri())
    match = re.search(r'<pre id="probe">(.*?)</pre>', dom.stdout, re.S)
    assert match, dom.stderr[-2000:]
    seen = json.loads(html.unescape(match.group(1)))
    assert seen["svgs"] == 4
    assert seen["bars"] and all(b["h"] > 0 for b in seen["bars"])
    assert sum(b["w"] > 0 for b in seen["bars"]) >= 8
    text = seen["text"]
    assert "Relabelled derivatives (1)" in text and "acme/a-relabel" in text
    assert text.index("acme/a-relabel") < text.index("Verdicts")
    assert "6 models: 1 fail, 4 warn, 1 pass" in text
    shot = tmp_path / "census.png"
    run_chromium(exe, tmp_path / "p2", f"--screenshot={shot}", "--window-size=1200,1600",
                 (tmp_path / "probe.html").as_uri())  # fmt: skip
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
