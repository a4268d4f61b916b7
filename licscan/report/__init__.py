"""Formats: one module per output format, all fed by the same ScanReport.

`render(fmt, report, **options)` imports the format's module only when that format is
asked for, so heavy libraries (jinja2, cyclonedx, rich) cost nothing to other formats
and to `licscan --version`.

Options every caller may pass (formats ignore what they do not use):
  color: bool | None   text: ANSI colours; None = auto (stdout is a TTY, NO_COLOR unset,
                       and no `output` file given)
  output: str | None   the --output path, if any (text: no colours in a file)
  quiet: bool          text: only the summary line and the models that fail or error
  hub_url: str         links to the Hub (default: $HF_ENDPOINT or https://huggingface.co)
  base_dir: str        sarif: paths are made relative to this folder (default: cwd)
  max_chars: int       markdown: cut the comment to stay under GitHub's limit
  keep_waived: bool    sarif: keep waived results (with suppressions); default left out
  cyclonedx_version: str  cyclonedx: "1.6" (default) or "1.7"
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from licscan.model import ScanReport

FORMATS: tuple[str, ...] = (
    "text", "json", "cyclonedx", "spdx", "sarif", "markdown", "html", "notice",
)  # fmt: skip
_MODULES = {
    "text": "licscan.report.text",
    "json": "licscan.report.json_report",
    "cyclonedx": "licscan.report.cyclonedx",
    "sarif": "licscan.report.sarif",
    "markdown": "licscan.report.markdown",
    "html": "licscan.report.html",
    "spdx": "licscan.report.spdx",
    "notice": "licscan.report.notice",
}
# What a file of each format is conventionally called (for --output suggestions, CI docs).
EXTENSIONS = {
    "text": ".txt",
    "json": ".json",
    "cyclonedx": ".cdx.json",
    "sarif": ".sarif",
    "markdown": ".md",
    "html": ".html",
    "spdx": ".spdx.json",
    "notice": ".NOTICE.txt",
}


def render(fmt: str, report: ScanReport, **options: Any) -> str:
    """The report in format `fmt`, as text (always ending with a newline)."""
    if fmt not in _MODULES:
        raise ValueError(f"unknown report format '{fmt}' (choose from {', '.join(FORMATS)})")
    from licscan.report.safe import clean_output

    module = import_module(_MODULES[fmt])
    out: str = clean_output(fmt, module.render(report, **options))  # no control characters
    return out if out.endswith("\n") else out + "\n"
