"""Several reports from one scan: `--format FMT --output FILE` pairs, or `--output-dir`.

Every report is rendered before any file is written (a renderer failure leaves no file
behind), and each file is written atomically (a temporary file renamed into place), so
a CI job never uploads half a SARIF log.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from licscan.atomic import write_text
from licscan.model import ScanReport
from licscan.report import render
from licscan.report.formats import TABLE
from licscan.report.text import summary_line  # the gate's log still says the outcome

STDOUT = "-"


def pair_outputs(
    fmts: Sequence[str], outputs: Sequence[str], output_dir: str | None
) -> list[tuple[str, str | None]]:
    """(format, file or None for stdout) for each report asked for; ValueError (a usage
    error) when the options do not pair up."""
    fmts = list(fmts) or ["text"]
    if output_dir and outputs:
        raise ValueError("use --output or --output-dir, not both")
    if len(set(fmts)) != len(fmts) and (output_dir or not outputs):
        raise ValueError("a --format is given twice")
    if output_dir:
        return [(f, str(Path(output_dir) / f"licscan{TABLE[f].extension}")) for f in fmts]
    if not outputs:
        if len(fmts) > 1:
            raise ValueError("several --format need one --output each (or --output-dir)")
        return [(fmts[0], None)]
    if len(outputs) != len(fmts):
        raise ValueError(
            f"give one --output per --format ({len(fmts)} format(s), {len(outputs)} output(s))"
        )
    files = [o for o in outputs if o != STDOUT]
    if len(set(files)) != len(files):
        raise ValueError("two reports would be written to the same --output file")
    if outputs.count(STDOUT) > 1:
        raise ValueError("only one report can go to stdout ('-')")
    return [(f, None if o == STDOUT else o) for f, o in zip(fmts, outputs, strict=True)]


def write_reports(
    report: ScanReport,
    pairs: list[tuple[str, str | None]],
    options: dict[str, Any],
    echo: Callable[..., Any],
    make_dirs: bool = False,
) -> None:
    """Render every report, then write them; OSError names the file that failed.
    `make_dirs`: create missing folders (--output-dir), else a missing folder is an error."""
    texts = [(fmt, path, render(fmt, report, **options, output=path)) for fmt, path in pairs]
    written = []
    for fmt, path, text in texts:
        if path is None:
            echo(text, nl=False)
            continue
        _write_atomic(Path(path), text, make_dirs)
        written.append(f"{fmt} report written to {path}")
    if written:
        echo(f"licscan: {summary_line(report)}; {', '.join(written)}", err=True)


def _write_atomic(path: Path, text: str, make_dirs: bool) -> None:
    """All or nothing (licscan.atomic: flushed to disk, then renamed; a device such as
    /dev/stdout is written in place, never replaced)."""
    try:
        if make_dirs:
            path.parent.mkdir(parents=True, exist_ok=True)
        write_text(path, text)
    except OSError as exc:
        raise OSError(f"cannot write {path}: {exc.strerror or exc}") from None
