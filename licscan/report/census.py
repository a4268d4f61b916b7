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

from licscan.model import CensusRow, CensusSummary, ModelResult, Relabel, ScanReport

STREAMED = ("jsonl", "json")
WHOLE = ("cyclonedx", "spdx", "sarif", "notice")  # rendered from every ModelResult at the end
FORMATS = ("text", "json", "jsonl", "markdown", "html", *WHOLE)
TOP = 15  # licenses and flags shown in the charts (the JSON has them all)
VERDICT_ORDER = ("fail", "error", "warn", "pass")


class CensusWriter:
    """`model()` for each judged model, then `close(summary)` once."""

    def __init__(self, fmt: str, out: TextIO, **options: Any) -> None:
        if fmt not in FORMATS:
            raise ValueError(f"unknown census format '{fmt}'")
        self.fmt, self.out, self.options = fmt, out, options
        self._results: list[ModelResult] = []
        self._count = 0

    def write(self, text: str) -> None:
        """Out, without control characters (card values and Hub answers reach here)."""
        from licscan.report.safe import clean_output

        self.out.write(clean_output("json" if self.fmt == "jsonl" else self.fmt, text))

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
        from licscan.report import render

        report = ScanReport(summary.version, summary.use, self._results, summary.started_at,
                            policy=summary.policy)  # fmt: skip
        return render(self.fmt, report, **self.options).rstrip("\n")


# --- json / jsonl ------------------------------------------------------------------------


def _json(data: Any) -> str:
    return orjson.dumps(data).decode()


def _json_head(options: dict[str, Any]) -> str:
    from licscan import __version__

    use = _json(list(options.get("use") or []))
    return f'{{\n  "licscan_version": {_json(__version__)},\n  "use": {use},\n  "models": [\n'


def _indent(text: str) -> str:
    return "\n".join("    " + line for line in text.splitlines())


def _json_tail(summary: CensusSummary, started: bool, options: dict[str, Any]) -> str:
    head = "\n  ]" if started else _json_head(options) + "  ]"
    census = orjson.dumps(summary.to_dict(), option=orjson.OPT_INDENT_2).decode()
    census = "\n".join(("  " + ln if i else ln) for i, ln in enumerate(census.splitlines()))
    return f'{head},\n  "summary": {_json(summary.verdicts)},\n  "census": {census}\n}}'


# --- shared wording ------------------------------------------------------------------------


def headline(s: CensusSummary) -> str:
    """'2000 models: 3 fail, 1 error, 40 warn, 1956 pass' (+ 'listing stopped')."""
    parts = ", ".join(f"{s.verdicts[v]} {v}" for v in VERDICT_ORDER if s.verdicts.get(v))
    text = f"{s.models} model{'s' * (s.models != 1)}: {parts or 'none matched the selection'}"
    return text + ("; the listing stopped early" if s.listing_error else "")


def requests_line(s: CensusSummary) -> str:
    r = s.requests
    total = r.get("listing", 0) + r.get("api", 0) + r.get("files", 0)
    per = f" ({total / s.models:.3f} per model)" if s.models else ""
    waits = (
        f"; {r['rate_limited']} rate-limited answers waited out" if r.get("rate_limited") else ""
    )
    return (
        f"{_n(total, 'Hub request')}{per}: {_n(r.get('listing', 0), 'listing page')}, "
        f"{_n(r.get('api', 0), 'API call')}, {_n(r.get('files', 0), 'file download')}{waits}; "
        f"{s.seconds:.1f} s"
    )


def relabel_line(r: Relabel) -> str:
    declared = ", ".join(r.declared) or "no known license"
    base = ", ".join(r.base_licenses) or "no known license"
    return (
        f"declares {declared} ({r.declared_category}); base {r.base} is {base} ({r.base_category})"
    )


def notes(s: CensusSummary) -> list[str]:
    out = []
    if s.listing_error:
        out.append(
            f"The listing stopped after {s.models} models: {s.listing_error}. Run the same "
            "command with --resume to go on from there."
        )
    if s.unread:
        one = s.unread == 1
        out.append(
            f"{_n(s.unread, 'model')} {'was' if one else 'were'} judged on the known license "
            f"{'its' if one else 'their'} card declares; {'its' if one else 'their'} license "
            "files were listed but not read (--read-license-files reads them)."
        )
    if s.resumed:
        out.append(f"{_n(s.resumed, 'judgement')} taken from the interrupted run (--resume).")
    return out


def _n(n: int, noun: str) -> str:
    return f"{n} {noun}{'s' * (n != 1)}"


def _sections(s: CensusSummary) -> list[tuple[str, dict[str, int]]]:
    verdicts = {v: s.verdicts.get(v, 0) for v in VERDICT_ORDER}
    return [
        ("Verdicts", verdicts),
        ("Categories", _sorted(s.categories)),
        ("Licenses", _top(s.licenses)),
        ("Flags", _top(s.flags)),
    ]


def _sorted(counts: dict[str, int]) -> dict[str, int]:
    return dict(sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])))


def _top(counts: dict[str, int]) -> dict[str, int]:
    items = list(_sorted(counts).items())
    top = dict(items[:TOP])
    if len(items) > TOP:
        top[f"{len(items) - TOP} others"] = sum(n for _, n in items[TOP:])
    return top


def _header(s: CensusSummary) -> str:
    return (
        f"licscan {s.version} census of {s.selection.describe()} · use: {', '.join(s.use)} · "
        f"policy: {s.policy or 'presets'} · started {s.started_at}"
    )


def _clean(text: str) -> str:
    """One line, no control characters (ids and messages come from the Hub)."""
    return " ".join("".join(c if c.isprintable() else " " for c in str(text)).split())


# --- text ----------------------------------------------------------------------------------


def render_text(s: CensusSummary) -> str:
    lines = [_clean(_header(s)), headline(s), requests_line(s), ""]
    lines.append(f"Relabelled derivatives: {len(s.relabelled)}")
    width = max((len(r.model) for r in s.relabelled), default=0)
    lines += [f"  {_clean(r.model).ljust(width)}  {_clean(relabel_line(r))}" for r in s.relabelled]
    for title, counts in _sections(s):
        lines += ["", f"{title}:"]
        width = max((len(k) for k in counts), default=0)
        total = max(s.models, 1)
        for key, n in counts.items():
            bar = "#" * round(30 * n / total)
            lines.append(f"  {_clean(key).ljust(width)}  {n:>7}  {bar}")
    lines += _listed_text("Failing", s.failing, s.verdicts.get("fail", 0), _blocking)
    lines += _listed_text("Errors", s.errors, s.verdicts.get("error", 0), lambda r: r.error or "")
    return "\n".join([*lines, "", *notes(s)]).rstrip()


def _blocking(row: CensusRow) -> str:
    return "blocked by " + (", ".join(row.blocking) or f"category {row.category}")


def _listed_text(title: str, rows: list[CensusRow], total: int, why: Callable) -> list[str]:
    if not total:
        return []
    out = ["", f"{title}: {total}"]
    out += [f"  {_clean(r.id)}: {_clean(why(r))}" for r in rows]
    if total > len(rows):
        out.append(f"  ... and {total - len(rows)} more (all of them are in --format jsonl)")
    return out


# --- markdown --------------------------------------------------------------------------------


def _md(text: str) -> str:
    return html.escape(_clean(text), quote=False).replace("|", "\\|").replace("`", "\\`")


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
        ("Failing", s.failing, s.verdicts.get("fail", 0), _blocking),
        ("Errors", s.errors, s.verdicts.get("error", 0), lambda r: r.error or ""),
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
}


def _render_html(s: CensusSummary) -> str:
    from licscan.report.census_html import render_html

    return render_html(s)


RENDERERS["html"] = _render_html
