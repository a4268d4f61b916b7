"""The one table of output formats (light: read by the command line, render(), the
census writer, --output-dir and the control-character cleaner)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Format:
    """One output format: where it is rendered, what its files are called, how a census
    writes it, and whether it is a JSON document (control characters escaped, not cut)."""

    extension: str  # --output-dir writes licscan<extension>
    module: str | None = None  # render() of a scan; None: a census-only format
    census: str | None = None  # "stream" each model as judged, "summary" the census's own
    # view, "whole" the scan's renderer over every result at the end; None: not a census's
    json: bool = False


# The one table of formats, in the order --help lists them (contracts.md).
TABLE: dict[str, Format] = {
    "text": Format(".txt", "licscan.report.text", "summary"),
    "json": Format(".json", "licscan.report.json_report", "stream", json=True),
    "cyclonedx": Format(".cdx.json", "licscan.report.cyclonedx", "whole", json=True),
    "spdx": Format(".spdx.json", "licscan.report.spdx", "whole", json=True),
    "sarif": Format(".sarif", "licscan.report.sarif", "whole", json=True),
    "markdown": Format(".md", "licscan.report.markdown", "summary"),
    "html": Format(".html", "licscan.report.html", "summary"),
    "notice": Format(".NOTICE.txt", "licscan.report.notice", "whole"),
    "jsonl": Format(".jsonl", None, "stream", json=True),
}
FORMATS: tuple[str, ...] = tuple(name for name, f in TABLE.items() if f.module)  # scan's
CENSUS_FORMATS: tuple[str, ...] = tuple(name for name, f in TABLE.items() if f.census)
