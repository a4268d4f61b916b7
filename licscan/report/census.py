"""A census's output.  `jsonl` and `json` stream each model as it is judged (the scan
JSON's model objects) and end with the summary; `text`, `markdown` and `html` are the
summary for people — relabelled derivatives first, then counts per verdict, category,
license and flag (the HTML draws them as inline SVG bars), then the failing and erroring
models; `cyclonedx` and `sarif` need every result, so they are rendered at the end like
a scan report (memory then grows with the census).

Everything from the Hub (ids, license names, error messages) is escaped for its format.
"""

from __future__ import annotations

import html
from collections.abc import Callable
from typing import Any, TextIO

import orjson

from licscan import __version__
from licscan.model import (
    CensusRow,
    CensusSummary,
    ModelResult,
    ScanReport,
    Verdict,
)
from licscan.report import render
from licscan.report.census_html import render_html
from licscan.report.census_summary import (
    _blocking,
    _header,
    _sections,
    headline,
    notes,
    relabel_line,
    requests_line,
)
from licscan.report.formats import CENSUS_FORMATS, TABLE
from licscan.report.safe import clean_output, printable_line

# rendered from every ModelResult at the end (the scan's renderers)
WHOLE = tuple(name for name, f in TABLE.items() if f.census == "whole")


class CensusWriter:
    """`model()` for each judged model, then `close(summary)` once."""

    def __init__(self, fmt: str, out: TextIO, **options: Any) -> None:
        if fmt not in CENSUS_FORMATS:
            raise ValueError(f"unknown census format '{fmt}'")
        self.fmt, self.out, self.options = fmt, out, options
        self._results: list[ModelResult] = []
        self._count = 0

    def write(self, text: str) -> None:
        """Out, without control characters (card values and Hub answers reach here)."""
        self.out.write(clean_output(self.fmt, text))

    def model(self, model: dict[str, Any], row: CensusRow, result: ModelResult | None) -> None:
        if self.fmt == "jsonl":
            self.write(_json(model) + "\n")
            self.out.flush()  # a reader sees each model as soon as it is judged
        elif self.fmt == "json":
            self.write(",\n" if self._count else _json_head(self.options))
            self.write(_indent(orjson.dumps(model, option=orjson.OPT_INDENT_2).decode()))
        elif self.fmt in WHOLE and result is not None:
            self._results.append(result)
        self._count += 1

    def close(self, summary: CensusSummary) -> None:
        if self.fmt == "jsonl":
            self.write(_json({"summary": summary.verdicts, "census": summary.to_dict()}))
        elif self.fmt == "json":
            self.write(_json_tail(summary, started=bool(self._count), options=self.options))
        elif self.fmt in WHOLE:
            self.out.write(self._whole(summary))  # (render() cleans it)
        else:
            self.write(RENDERERS[self.fmt](summary))
        self.out.write("\n")
        self.out.flush()

    def _whole(self, summary: CensusSummary) -> str:
        report = ScanReport(summary.version, summary.use, self._results, summary.started_at,
                            policy=summary.policy)  # fmt: skip
        return render(self.fmt, report, **self.options).rstrip("\n")


# --- json / jsonl ------------------------------------------------------------------------


def _json(data: Any) -> str:
    return orjson.dumps(data).decode()


def _json_head(options: dict[str, Any]) -> str:

    use = _json(list(options.get("use") or []))
    return f'{{\n  "licscan_version": {_json(__version__)},\n  "use": {use},\n  "models": [\n'


def _indent(text: str) -> str:
    return "\n".join("    " + line for line in text.splitlines())


def _json_tail(summary: CensusSummary, started: bool, options: dict[str, Any]) -> str:
    head = "\n  ]" if started else _json_head(options) + "  ]"
    census = orjson.dumps(summary.to_dict(), option=orjson.OPT_INDENT_2).decode()
    census = "\n".join(("  " + ln if i else ln) for i, ln in enumerate(census.splitlines()))
    return f'{head},\n  "summary": {_json(summary.verdicts)},\n  "census": {census}\n}}'


# --- text ----------------------------------------------------------------------------------


def render_text(s: CensusSummary) -> str:
    lines = [printable_line(_header(s)), headline(s), requests_line(s), ""]
    lines.append(f"Relabelled derivatives: {len(s.relabelled)}")
    width = max((len(r.model) for r in s.relabelled), default=0)
    lines += [
        f"  {printable_line(r.model).ljust(width)}  {printable_line(relabel_line(r))}"
        for r in s.relabelled
    ]
    for title, counts in _sections(s):
        lines += ["", f"{title}:"]
        width = max((len(k) for k in counts), default=0)
        total = max(s.models, 1)
        for key, n in counts.items():
            bar = "#" * round(30 * n / total)
            lines.append(f"  {printable_line(key).ljust(width)}  {n:>7}  {bar}")
    lines += _listed_text("Failing", s.failing, s.verdicts.get(Verdict.FAIL, 0), _blocking)
    lines += _listed_text(
        "Errors", s.errors, s.verdicts.get(Verdict.ERROR, 0), lambda r: r.error or ""
    )
    return "\n".join([*lines, "", *notes(s)]).rstrip()


def _listed_text(title: str, rows: list[CensusRow], total: int, why: Callable) -> list[str]:
    if not total:
        return []
    out = ["", f"{title}: {total}"]
    out += [f"  {printable_line(r.id)}: {printable_line(why(r))}" for r in rows]
    if total > len(rows):
        out.append(f"  ... and {total - len(rows)} more (all of them are in --format jsonl)")
    return out


# --- markdown --------------------------------------------------------------------------------


def _md(text: str) -> str:
    return html.escape(printable_line(text), quote=False).replace("|", "\\|").replace("`", "\\`")


def render_markdown(s: CensusSummary) -> str:
    out = [f"## licscan census: {_md(s.selection.describe())}", "",
           f"**{_md(headline(s))}** · {_md(requests_line(s))}", "",
           f"_{_md(_header(s))}_", ""]  # fmt: skip
    out += [f"### Relabelled derivatives ({len(s.relabelled)})", ""]
    if s.relabelled:
        out += ["| model | declares | base | base license |", "|---|---|---|---|"]
        for r in s.relabelled:
            declared = ", ".join(r.declared) or "no known license"
            base_lic = ", ".join(r.base_licenses) or "no known license"
            out.append(f"| {_md(r.model)} | {_md(declared)} ({r.declared_category}) | "
                       f"{_md(r.base)} | {_md(base_lic)} ({r.base_category}) |")  # fmt: skip
    for title, counts in _sections(s):
        out += ["", f"### {title}", "", "| | models |", "|---|---:|"]
        out += [f"| {_md(k)} | {n} |" for k, n in counts.items()]
    for title, rows, total, why in (
        ("Failing", s.failing, s.verdicts.get(Verdict.FAIL, 0), _blocking),
        ("Errors", s.errors, s.verdicts.get(Verdict.ERROR, 0), lambda r: r.error or ""),
    ):
        if total:
            out += ["", f"### {title} ({total})", ""]
            out += [f"- {_md(r.id)}: {_md(why(r))}" for r in rows]
            if total > len(rows):
                out.append(f"- … and {total - len(rows)} more")
    return "\n".join(out + [""] + [_md(n) for n in notes(s)]).rstrip()


RENDERERS: dict[str, Callable[[CensusSummary], str]] = {
    "text": render_text,
    "markdown": render_markdown,
    "html": render_html,
}
