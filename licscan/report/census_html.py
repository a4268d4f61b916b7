"""A census summary as one self-contained HTML page: inline CSS, inline SVG bar charts,
no script and no external asset; every string from the Hub escaped."""

from __future__ import annotations

from html import escape

from licscan.model import Category, CensusRow, CensusSummary, Verdict
from licscan.report.census_summary import (
    _blocking,
    _header,
    _sections,
    headline,
    notes,
    requests_line,
)
from licscan.report.safe import printable_line

COLOURS = {
    Verdict.FAIL: "#c62828", Verdict.ERROR: "#8e24aa", Verdict.WARN: "#f9a825",
    Verdict.PASS: "#2e7d32", Category.OSI_OPEN: "#2e7d32", Category.OPEN_WEIGHT: "#1565c0",
    Category.SOURCE_AVAILABLE: "#ef6c00", Category.UNKNOWN: "#616161",
}  # fmt: skip
BAR = "#5c6bc0"
CSS = """
body { font: 14px/1.45 system-ui, sans-serif; margin: 2rem auto; max-width: 70rem; color: #212121; }
h1 { font-size: 1.5rem; margin-bottom: .2rem; } h2 { margin-top: 2rem; font-size: 1.15rem; }
.meta, .requests { color: #555; } .headline { font-size: 1.2rem; font-weight: 600; }
table { border-collapse: collapse; width: 100%; } td, th { text-align: left;
  padding: .25rem .5rem; border-bottom: 1px solid #ddd; vertical-align: top; }
.charts { display: grid; grid-template-columns: repeat(auto-fit, minmax(22rem, 1fr)); gap: 1rem; }
figure { margin: 0; } figcaption { font-weight: 600; margin-bottom: .3rem; }
svg text { font: 12px system-ui, sans-serif; fill: #212121; }
.note { background: #fff8e1; padding: .5rem .75rem; border-left: 4px solid #f9a825; }
@media print { .charts { display: block; } figure { break-inside: avoid; } }
"""


def render_html(s: CensusSummary) -> str:
    title = f"licscan census: {printable_line(s.selection.describe())}"
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        f"<title>{escape(title)}</title><style>{CSS}</style></head><body>",
        f"<h1>{escape(title)}</h1>",
        f'<p class="meta">{escape(printable_line(_header(s)))}</p>',
        f'<p class="headline">{escape(headline(s))}</p>',
        f'<p class="requests">{escape(requests_line(s))}</p>',
        *[f'<p class="note">{escape(n)}</p>' for n in notes(s)],
        _relabelled(s),
        "<h2>Counts</h2>",
        '<section class="charts">',
        *[_chart(name, counts, s.models) for name, counts in _sections(s)],
        "</section>",
        _rows("Failing models", s.failing, s.verdicts.get(Verdict.FAIL, 0), _blocking),
        _rows(
            "Models that could not be evaluated",
            s.errors,
            s.verdicts.get(Verdict.ERROR, 0),
            lambda r: r.error or "",
        ),
        "</body></html>",
    ]
    return "\n".join(p for p in parts if p)


def _relabelled(s: CensusSummary) -> str:
    head = (
        f'<section class="relabelled"><h2>Relabelled derivatives ({len(s.relabelled)})</h2>'
        "<p>Models that declare terms more permissive than a base model's: the base's "
        "terms bind them (<code>license-mismatch</code>, <code>inherits-base-license</code>).</p>"
    )
    if not s.relabelled:
        return head + "<p>None.</p></section>"
    rows = [
        "<tr><th>model</th><th>declares</th><th>base</th><th>base license</th></tr>",
        *(
            f"<tr><td>{escape(printable_line(r.model))}</td>"
            f"<td>{escape(', '.join(r.declared) or 'no known license')}"
            f" ({r.declared_category})</td>"
            f"<td>{escape(printable_line(r.base))}</td>"
            f"<td>{escape(', '.join(r.base_licenses) or 'no known license')} ({r.base_category})"
            "</td></tr>"
            for r in s.relabelled
        ),
    ]
    return head + "<table>" + "".join(rows) + "</table></section>"


def _chart(name: str, counts: dict[str, int], total: int) -> str:
    """A horizontal bar chart: one labelled bar per entry, scaled to the whole census."""
    label_w, bar_w, row_h = 170, 260, 22
    height = row_h * max(len(counts), 1) + 6
    width = label_w + bar_w + 70
    bars = []
    for i, (key, n) in enumerate(counts.items()):
        y = 3 + i * row_h
        w = round(bar_w * n / total) if total else 0
        colour = COLOURS.get(key, BAR)
        label = escape(printable_line(key)[:28])
        bars.append(
            f'<text x="{label_w - 6}" y="{y + 15}" text-anchor="end">{label}</text>'
            f'<rect x="{label_w}" y="{y + 3}" width="{max(w, 1 if n else 0)}" height="{row_h - 6}"'
            f' fill="{colour}"><title>{label}: {n}</title></rect>'
            f'<text x="{label_w + w + 6}" y="{y + 15}">{n}</text>'
        )
    if not counts:
        bars.append(f'<text x="{label_w}" y="15">none</text>')
    return (
        f"<figure><figcaption>{escape(name)}</figcaption>"
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" width="{width}" height="{height}"'
        f' viewBox="0 0 {width} {height}" aria-label="{escape(name)} per model">'
        + "".join(bars)
        + "</svg></figure>"
    )


def _rows(title: str, rows: list[CensusRow], total: int, why) -> str:
    if not total:
        return ""
    items = "".join(
        f"<tr><td>{escape(printable_line(r.id))}</td><td>{escape(printable_line(why(r)))}</td></tr>"
        for r in rows
    )
    more = f"<p>… and {total - len(rows)} more.</p>" if total > len(rows) else ""
    return f"<section><h2>{escape(title)} ({total})</h2><table>{items}</table>{more}</section>"
