"""HTML sign-off report: self-contained, escaped, complete — and checked in a real
headless Chromium (rendered, screenshotted, key content visible, printable)."""

from __future__ import annotations

import html
import json
import re
import struct
from pathlib import Path

import pytest
from browser import chromium, run_chromium
from paths import EXAMPLES
from report_samples import (
    BASE_SHA,
    FT_SHA,
    Q_AUP,
    Q_NC,
    Q_USERS,
    errored,
    finetune,
    noncommercial,
    sample_report,
)

from licscan.model import Evidence, Flag, ModelResult
from licscan.report import render


def test_self_contained_no_external_assets() -> None:
    page = render("html", sample_report())
    assert not re.search(r"<(script|link|img|iframe|object|embed)\b", page, re.I)
    assert "@import" not in page and not re.search(r"url\(", page)
    assert re.search(r"<style>.*@media print", page, re.S)


def test_header_has_scan_time_version_use_and_policy() -> None:
    page = render("html", sample_report())
    assert '<time datetime="2026-11-20T09:30:00Z">2026-11-20 09:30 UTC</time>' in page
    assert "licscan 0.1.0" in page
    assert "commercial (preset)" in page and "models.yaml" in page


def test_each_model_has_category_verdict_flags_quotes_and_links() -> None:
    page = render("html", sample_report(finetune(), noncommercial()))
    text = html.unescape(page)
    assert 'class="badge big cat-open-weight"' in page
    assert 'class="badge big verdict-warn"' in page and 'class="badge big verdict-fail"' in page
    for quote in (Q_USERS, Q_AUP, Q_NC):
        assert f"<blockquote>{quote}</blockquote>" in text
    assert (
        f'href="https://huggingface.co/acme-labs/llama-3.1-8b-support-ft/blob/{FT_SHA}/'
        f'LICENSE#L31-L33"'
    ) in page
    # a base-model quote links to the base model's file at the lineage's revision
    assert f"meta-llama/Llama-3.1-8B-Instruct/blob/{BASE_SHA}/LICENSE#L27" in page
    assert "Llama 3.1 Community License Agreement" in text  # license names from the KB
    assert "Lineage" in page and "meta-llama/Llama-3.1-8B" in page
    assert "Legal accepted the gate terms for the organisation" in text
    assert "j.doe@acme.example" in text and "2027-06-30" in text
    assert "Waiver expired" in text and "2024-01-31" in text
    assert "card declares llama-3.1" in text  # reasoning
    assert "ab" * 32 in page  # license file hashes
    assert "Reviewer name" in page and "Signature" in page


def test_waived_flag_is_not_listed_as_blocking() -> None:
    page = render("html", sample_report(finetune()))
    overview = page[page.index('<section class="overview">') : page.index("</section>")]
    assert "gated" not in overview


def test_error_model_fails_closed_in_the_report() -> None:
    page = render("html", sample_report(errored()))
    assert "Could not be evaluated." in page and "HF_TOKEN" in page
    assert "has not been cleared" in page


def test_content_from_repositories_is_escaped() -> None:
    model = ModelResult(
        ref="org/m",
        source="hub",
        revision="c" * 40,
        repo_id="org/m",
        category="unknown",
        verdict="fail",
        error=None,
        flags=[
            Flag(
                "unrecognized-license",
                '"><img src=x onerror=alert(1)>',
                [Evidence.parse("LICENSE", "<script>alert('x')</script>", (1, 2))],
                severity="block",
            )
        ],
        reasons=["<b>bold</b>"],
    )
    page = render("html", sample_report(model))
    assert "<script>alert" not in page and "<img" not in page and "<b>bold" not in page
    assert "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;" in page


# --- a real browser ----------------------------------------------------------------

# Appended to a copy of the page in the test only: the report itself has no script.
PROBE = """
<script>
(function () {
  function shown(el) {
    if (!el) return false;
    if (el.checkVisibility && !el.checkVisibility()) return false;  // e.g. in closed <details>
    var r = el.getBoundingClientRect(), s = getComputedStyle(el);
    return r.width > 0 && r.height > 0 && s.visibility !== "hidden" && s.display !== "none"
      && parseFloat(s.opacity) > 0;
  }
  var out = {
    text: document.body.innerText,
    title: document.title,
    models: Array.from(document.querySelectorAll("section.model h2")).map(function (h) {
      return {name: h.textContent, shown: shown(h)}; }),
    verdicts: Array.from(document.querySelectorAll(".model-head .badge")).map(function (b) {
      return {text: b.textContent, shown: shown(b), color: getComputedStyle(b).color}; }),
    quotes: Array.from(document.querySelectorAll("section.model blockquote")).map(function (q) {
      var cap = q.parentElement.querySelector("figcaption");
      return {text: q.innerText, shown: shown(q), caption: cap ? cap.innerText : "",
              font: getComputedStyle(q).fontFamily}; }),
    statements: Array.from(document.querySelectorAll("section.model .evidence.statement"))
      .map(function (s) {
      var p = s.querySelector("p"), st = getComputedStyle(p);
      return {text: p.innerText, kind: s.className, shown: shown(s),
              head: s.querySelector(".statement-head").innerText,
              inQuote: !!s.closest("blockquote"), font: st.fontFamily,
              border: getComputedStyle(s).borderTopStyle}; }),
    decisions: Array.from(document.querySelectorAll(".decision-block")).map(function (d) {
      return {model: d.getAttribute("data-model"), shown: shown(d),
              inModel: !!d.closest("section.model"),
              choices: d.querySelectorAll(".choice").length}; }),
    signoff: shown(document.querySelector(".signoff"))
  };
  var pre = document.createElement("pre");
  pre.id = "probe";
  pre.textContent = JSON.stringify(out);
  document.body.appendChild(pre);
})();
</script>
"""


@pytest.mark.slow
@pytest.mark.browser
def test_html_report_in_headless_chromium(tmp_path: Path) -> None:
    exe = chromium()
    report = sample_report()
    page = render("html", report)
    report_file = tmp_path / "report.html"
    report_file.write_text(page, encoding="utf-8")
    probe_file = tmp_path / "probe.html"
    probe_file.write_text(page.replace("</body>", PROBE + "</body>"), encoding="utf-8")

    # 1. The DOM after layout: key content present and visible.
    dom = run_chromium(exe, tmp_path / "p1", "--dump-dom", probe_file.as_uri())
    match = re.search(r'<pre id="probe">(.*?)</pre>', dom.stdout, re.S)
    assert match, f"no probe output; stderr: {dom.stderr[-2000:]}"
    seen = json.loads(html.unescape(match.group(1)))
    assert seen["title"].startswith("Model license sign-off: 6 models")
    names = [m["name"] for m in seen["models"]]
    assert names[:3] == ["someuser/nc-summarizer", "models/consortium-model", "gpt-tiny"]
    assert "acme-labs/llama-3.1-8b-support-ft" in names
    assert all(m["shown"] for m in seen["models"])
    verdicts = {v["text"]: v for v in seen["verdicts"]}
    assert {"fail", "error", "warn", "pass"} <= set(verdicts)
    assert all(v["shown"] for v in seen["verdicts"])
    assert verdicts["fail"]["color"] != verdicts["pass"]["color"]  # colour carries meaning
    quotes = [q["text"] for q in seen["quotes"] if q["shown"]]
    for quote in (Q_USERS, Q_NC, Q_AUP):
        assert quote in quotes
    assert "Could not be evaluated." in seen["text"]
    assert "Reviewer name" in seen["text"] and seen["signoff"]
    assert len(seen["decisions"]) == len(report.models)  # one decision block per model
    assert all(d["shown"] and d["choices"] == 3 for d in seen["decisions"])

    # 2. A screenshot (for people; the test checks it is a real full-width picture).
    shot = tmp_path / "report.png"
    res = run_chromium(
        exe,
        tmp_path / "p2",
        f"--screenshot={shot}",
        "--window-size=1280,2000",
        "--hide-scrollbars",
        report_file.as_uri(),
    )
    assert shot.exists(), res.stderr[-2000:]
    data = shot.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = struct.unpack(">II", data[16:24])
    assert (width, height) == (1280, 2000) and len(data) > 50_000

    # 3. Printing: one page per model plus the sign-off page.
    pdf = tmp_path / "report.pdf"
    res = run_chromium(
        exe,
        tmp_path / "p3",
        f"--print-to-pdf={pdf}",
        "--no-pdf-header-footer",
        report_file.as_uri(),
    )
    assert pdf.exists(), res.stderr[-2000:]
    pages = len(re.findall(rb"/Type\s*/Page\b", pdf.read_bytes()))
    assert pages >= len(report.models) + 2  # overview, each model, sign-off


@pytest.mark.browser
def test_real_scan_of_the_example_in_headless_chromium(tmp_path: Path, monkeypatch) -> None:
    """The bundled example under its policy, as the engine judges it: the category the
    policy blocks, the expired waiver and each quote are on screen, with their rules."""
    from scanning import run_scan

    exe = chromium()
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    monkeypatch.setenv("LICSCAN_CACHE_DIR", str(tmp_path / "cache"))
    root = EXAMPLES
    report = run_scan([str(root / "manifest.yaml")], policy_file=str(root / "policy.yaml"))
    page = render("html", report).replace("</body>", PROBE + "</body>")
    probe_file = tmp_path / "probe.html"
    probe_file.write_text(page, encoding="utf-8")
    dom = run_chromium(exe, tmp_path / "p", "--dump-dom", probe_file.as_uri())
    match = re.search(r'<pre id="probe">(.*?)</pre>', dom.stdout, re.S)
    assert match, f"no probe output; stderr: {dom.stderr[-2000:]}"
    seen = json.loads(html.unescape(match.group(1)))
    text = seen["text"]
    assert "Category not allowed" in text and "category source-available" in text
    # a preset is cited by its name and line, never by a path inside the installed package
    assert re.search(r"Decided by commercial preset, line \d+ \(commercial\)", text)
    assert "rules/policies/" not in text
    assert "Waiver expired" in text and "2025-06-30" in text
    assert "policy decisions" in text.lower()  # headings are upper-cased by CSS
    quotes = [" ".join(q["text"].split()) for q in seen["quotes"] if q["shown"]]
    statements = [" ".join(s["text"].split()) for s in seen["statements"] if s["shown"]]
    for m in report.models:
        for f in m.flags:
            for ev in f.evidence:
                said = " ".join(ev.quote.split())
                if ev.kind.quoted:  # a file's or the card's own words: a quote box
                    assert said in quotes, (m.ref, f.id, ev)
                else:  # licscan's words (or the Hub's, the policy's): never a quote box
                    assert said in statements and said not in quotes, (m.ref, f.id, ev)
    # one decision block per model, inside its section, with the three choices
    decisions = seen["decisions"]
    assert sorted(d["model"] for d in decisions) == sorted(m.ref for m in report.models)
    assert all(d["shown"] and d["inModel"] and d["choices"] == 3 for d in decisions)
    # knowledge-base statements: labelled licscan's summary, not styled as a quote
    summaries = [s for s in seen["statements"] if "kind-knowledge-base" in s["kind"]]
    assert not any(s["inQuote"] for s in summaries)
    summaries = [s for s in summaries if s["shown"]]  # (those of obligations are folded)
    assert summaries
    quote_font = next(q["font"] for q in seen["quotes"] if q["shown"])
    for s in summaries:
        assert not s["inQuote"] and s["border"] == "dashed" and s["font"] != quote_font
        head = s["head"]
        assert re.search(r"licscan's summary of the Llama 3\.1 .*\(knowledge base\)", head), s
        assert re.search(r"not a quote: no (license|policy) file was read", head), s
    # a quote says which file and lines it was copied from
    for q in seen["quotes"]:
        if q["shown"]:
            assert re.search(r"Quoted from \S+.*(line|README\.md)", q["caption"]), q
    # the overview counts warnings and says what needs a person
    assert "Summary for sign-off" in text and "need a decision by a person" in text


# --- per-model sign-off, overview, licenses once, glossary, obligations (issue 13) -------


def _section(page: str, name: str) -> str:
    start = page.index(f"<h2>{name}</h2>")
    return page[start : page.index("</section>", start)]


def test_one_decision_block_per_model_and_no_global_decision() -> None:
    report = sample_report()
    page = html.unescape(render("html", report))
    assert page.count('<div class="decision-block"') == len(report.models)
    for m in report.models:
        assert f'data-model="{m.ref if m.source == "local" else m.repo_id}"' in page
    reviewer = page[page.index('<section class="signoff">') :]
    assert "Approved" not in reviewer  # decisions are per model, not for the scan
    assert "quoted evidence against the license files" not in page


def test_overview_counts_warnings_and_names_each_error() -> None:
    page = html.unescape(render("html", sample_report()))
    overview = page[page.index('<section class="overview">') : page.index("</table>")]
    row = next(r for r in overview.split("<tr>") if "llama-3.1-8b-support-ft" in r)
    assert '<td class="num">3</td>' in row  # user threshold, attribution, output training
    err = next(r for r in overview.split("<tr>") if "private-model" in r)
    assert "could not be evaluated: gated repository: access requires a token" in err


def test_a_license_found_in_several_places_is_listed_once() -> None:
    page = html.unescape(render("html", sample_report(finetune())))
    rows = [r for r in page.split('<tr class="license-row">')[1:]]
    assert len(rows) == 1  # llama-3.1 on the card, in LICENSE and in the base model
    assert "model card, key “license”" in rows[0] and ">LICENSE<" in rows[0]
    assert "base model meta-llama/Llama-3.1-8B-Instruct" in rows[0]


def test_glossary_explains_the_flags_shown() -> None:
    page = html.unescape(render("html", sample_report(finetune(), errored())))
    glossary = _section(page, "Glossary of findings")
    for flag in ("user-threshold", "prominent-attribution", "gated", "model-error"):
        assert f'id="flag-{flag}"' in glossary
    assert "non-commercial" not in glossary  # only what the report shows
    assert "monthly active users" in glossary  # the plain-words description


def test_obligations_with_their_evidence() -> None:
    page = html.unescape(render("html", sample_report(finetune())))
    assert "<h3>To comply</h3>" in page
    assert "Display “Built with Llama” prominently" in page
    assert "Stay under 700,000,000 monthly active users" in page


def test_signoff_wording_follows_the_evidence() -> None:
    summary_only = ModelResult(
        ref="org/card-only", source="hub", revision="d" * 40, repo_id="org/card-only",
        category="open-weight", verdict="warn",
        flags=[Flag("user-threshold", "700000000", [
            Evidence.parse("card:license", "license: llama3.1", (3, 3)),
            Evidence.parse("rules/licenses/llama-3.1.yaml", "a user cap applies (§2)"),
        ], severity="warn")],
    )  # fmt: skip
    page = html.unescape(render("html", sample_report(summary_only)))
    reviewer = page[page.index('<section class="signoff">') :]
    assert "licscan's description of a known license" in reviewer
    model = page[page.index('<section class="model') :]
    statement = model[model.index('class="evidence statement kind-knowledge-base"') :]
    assert "no license file was read" in statement[:600]
    assert "<blockquote>a user cap applies" not in page


def test_file_list_evidence_links_the_tree_at_the_revision() -> None:
    from report_samples import no_license

    model = no_license()
    model.flags[0].evidence.append(Evidence.parse("files", "no license file among 3 files"))
    for fmt in ("html", "markdown"):
        out = render(fmt, sample_report(model))
        assert "/blob/" not in out or "/files" not in out.split("/blob/", 1)[1][:60], fmt
        assert f"https://huggingface.co/gpt-tiny/tree/{model.revision}" in out, fmt
