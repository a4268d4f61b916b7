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

from licscan.report.formats import FORMATS, TABLE
from licscan.report.safe import clean_output

if TYPE_CHECKING:
    from licscan.model import ScanReport


def render(fmt: str, report: ScanReport, **options: Any) -> str:
    """The report in format `fmt`, as text (always ending with a newline)."""
    module_name = TABLE[fmt].module if fmt in TABLE else None
    if module_name is None:
        raise ValueError(f"unknown report format '{fmt}' (choose from {', '.join(FORMATS)})")

    module = import_module(module_name)
    out: str = clean_output(fmt, module.render(report, **options))  # no control characters
    return out if out.endswith("\n") else out + "\n"
