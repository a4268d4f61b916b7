"""Terminal output: plain and escape-free unless colour is wanted; --quiet; progress bar."""

from __future__ import annotations

import io
import re
import sys

import pytest
from report_samples import apache_pass, errored, finetune, noncommercial, sample_report

from licscan.model import Evidence, Flag, ModelResult
from licscan.report import render
from licscan.report.progress import NullProgress, RichProgress, progress_bar

ANSI = re.compile(r"\x1b\[")


class FakeTTY(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_plain_when_not_a_tty() -> None:
    out = render("text", sample_report())  # pytest captures stdout: not a TTY
    assert not ANSI.search(out)
    lines = out.splitlines()
    assert lines[0] == "licscan 0.1.0 · use: commercial · policy: commercial (preset)"
    assert lines[-1] == "6 models: 3 fail, 1 error, 1 warn, 1 pass"
    assert any(
        re.match(r"^FAIL\s+someuser/nc-summarizer\s+source-available\s+@a3c9e1f00b$", ln)
        for ln in lines
    )
    assert any(
        re.match(r"^\s+block non-commercial\s+LICENSE.md:40-41: “You may not", ln) for ln in lines
    )
    assert any("waived gated" in ln and "j.doe@acme.example" in ln for ln in lines)
    assert any("expired waiver pickle-weights" in ln for ln in lines)
    assert any(ln.startswith("ERROR  acme-labs/private-model") for ln in lines)


def test_no_color_env_wins_on_a_tty(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "stdout", FakeTTY())
    monkeypatch.delenv("NO_COLOR", raising=False)
    monkeypatch.delenv("TERM", raising=False)
    assert ANSI.search(render("text", sample_report()))
    monkeypatch.setenv("NO_COLOR", "1")
    assert not ANSI.search(render("text", sample_report()))


def test_no_color_when_written_to_a_file(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "stdout", FakeTTY())
    monkeypatch.delenv("NO_COLOR", raising=False)
    assert not ANSI.search(render("text", sample_report(), output="scan.txt"))


def test_color_table_colours_verdicts() -> None:
    out = render("text", sample_report(noncommercial(), apache_pass()), color=True, width=120)
    assert "\x1b[1;31mFAIL" in out and "\x1b[32mPASS" in out
    assert "someuser/nc-summarizer" in out
    assert "2 models: 1 fail, 1 pass" in out


def test_markup_in_quotes_is_printed_literally() -> None:
    model = ModelResult(
        ref="org/m",
        source="hub",
        revision=None,
        repo_id="org/m",
        category="unknown",
        verdict="fail",
        flags=[
            Flag(
                "unrecognized-license",
                None,
                [Evidence.parse("LICENSE", "[bold red]not markup[/]", (1, 1))],
                severity="block",
            )
        ],
    )
    out = render("text", sample_report(model), color=True, width=200)
    assert "[bold red]not markup[/]" in out


def test_quiet_shows_only_failures_and_the_summary() -> None:
    out = render(
        "text", sample_report(apache_pass(), finetune(), noncommercial(), errored()), quiet=True
    )
    assert "bert-base-uncased" not in out and "llama-3.1-8b-support-ft" not in out
    assert "someuser/nc-summarizer" in out and "acme-labs/private-model" in out
    assert "licscan 0.1.0" not in out  # no header
    assert out.splitlines()[-1] == "4 models: 1 fail, 1 error, 1 warn, 1 pass"
    quiet_pass = render("text", sample_report(apache_pass()), quiet=True)
    assert quiet_pass == "1 model: 1 pass\n"


def test_long_quotes_are_cut_on_one_line() -> None:
    model = noncommercial()
    model.flags[0].evidence[0] = Evidence.parse("LICENSE.md", "word " * 200, (1, 40))
    out = render("text", sample_report(model))
    line = next(ln for ln in out.splitlines() if "non-commercial" in ln)
    assert line.endswith("…”") and len(line) < 200


# --- progress -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("total", "quiet", "tty"),
    [(5, False, False), (1, False, True), (5, True, True), (0, False, True)],
)
def test_progress_is_a_no_op_unless_wanted(total: int, quiet: bool, tty: bool) -> None:
    stream = FakeTTY() if tty else io.StringIO()
    with progress_bar(total, quiet, stream=stream) as bar:
        bar.advance("org/name")
    assert isinstance(bar, NullProgress)
    assert stream.getvalue() == ""


def test_progress_bar_on_a_terminal() -> None:
    stream = FakeTTY()
    with progress_bar(3, False, stream=stream) as bar:
        assert isinstance(bar, RichProgress)
        for name in ("a/one", "b/two"):
            bar.advance(name)
        bar("c/three")  # also a plain callback
    drawn = stream.getvalue()  # drew, then cleared, a bar on the given stream
    assert "3/3" in drawn and "c/three" in drawn


def test_progress_defaults_to_stderr(capsys: pytest.CaptureFixture[str]) -> None:
    with progress_bar(10, False) as bar:  # captured stderr is not a TTY
        bar.advance("x")
    assert isinstance(bar, NullProgress)
    assert capsys.readouterr().err == ""


def test_a_knowledge_base_statement_is_never_in_quotation_marks() -> None:
    from licscan.model import Evidence

    m = finetune()
    summary = "a user cap of 700 million applies (§2)"
    m.flags[0].evidence = [Evidence.parse("rules/licenses/llama-3.1.yaml", summary)]
    out = render("text", sample_report(m), color=False)
    row = next(line for line in out.splitlines() if "user-threshold" in line)
    assert "licscan summary of Llama 3.1 Community License Agreement" in row
    assert f"“{summary}" not in row and summary in row


def test_explain_words_evidence_by_kind() -> None:
    from licscan.model import Evidence
    from licscan.report.explain import render_explanation

    m = finetune()
    m.flags[0].evidence.append(Evidence.parse("rules/licenses/llama-3.1.yaml", "a user cap (§2)"))
    out = render_explanation(sample_report(m))
    assert "LICENSE:31-33: “If the monthly active users" in out
    assert "licscan summary of Llama 3.1 Community License Agreement" in out
    assert "“a user cap (§2)”" not in out
