"""`licscan census`: plan, stream the report to stdout or a file, say the outcome, exit.

Kept out of cli.py so the command line stays one place of argument parsing.  A report
written to --output goes to a temporary file beside it, renamed when the census ends: an
interrupted census leaves no partial file (its journal lets `--resume` go on).
"""

from __future__ import annotations

import contextlib
import os
import sys
import tempfile
from collections.abc import Iterable
from typing import Any, TextIO

import click

from licscan.model import CensusSelection

EXIT_USAGE, EXIT_ERROR = 2, 3


def run_census_command(
    selection: CensusSelection,
    uses: Iterable[str],
    policy_file: str | None,
    fmt: str,
    output: str | None,
    options: dict[str, Any],
) -> int:
    from licscan.engine.census import CensusRootError, census_exit, plan_census, run_census
    from licscan.report.census import WHOLE, CensusWriter, headline, requests_line
    from licscan.sources.targets import UsageError

    if options.get("offline"):
        return _usage("census lists models on the Hub: it cannot run with --offline")
    try:
        plan = plan_census(
            selection,
            uses,
            policy_file,
            read_files=options.get("read_files", False),
            card_lines=options.get("card_lines", False),
        )
    except UsageError as exc:
        return _usage(str(exc))
    try:
        out, tmp = _open(output)
    except OSError as exc:
        return _usage(f"cannot write {output}: {exc.strerror or exc}")
    writer = CensusWriter(fmt, out, use=list(plan.policy.uses), output=output)
    try:
        summary = run_census(
            plan,
            writer.model,
            jobs=options.get("jobs", 8),
            resume=options.get("resume", False),
            timeout=options.get("timeout"),
            replay=fmt not in WHOLE,
        )
        writer.close(summary)
    except CensusRootError as exc:
        _discard(out, tmp)
        click.echo(f"licscan: {exc}", err=True)
        return EXIT_ERROR
    except KeyboardInterrupt:
        _discard(out, tmp)
        click.echo(
            "licscan: census interrupted; run the same command with --resume to go on", err=True
        )
        return EXIT_ERROR
    except BaseException:
        _discard(out, tmp)
        raise
    if tmp is not None:
        out.close()
        os.replace(tmp, output)  # type: ignore[arg-type]
    if summary.listing_error:
        click.echo(
            f"licscan: the listing stopped after {summary.models} models: "
            f"{summary.listing_error}; run again with --resume to go on",
            err=True,
        )
    if not summary.models and not summary.listing_error:
        click.echo(f"licscan: no model matched the selection ({selection.describe()})", err=True)
    if output and not options.get("quiet"):
        click.echo(
            f"licscan: {headline(summary)}; {requests_line(summary)}; "
            f"{fmt} report written to {output}",
            err=True,
        )
    return census_exit(summary, plan.policy.allow_errors)


def _open(output: str | None) -> tuple[TextIO, str | None]:
    if not output:
        return sys.stdout, None
    folder = os.path.dirname(os.path.abspath(output))
    fd, tmp = tempfile.mkstemp(dir=folder, prefix=".licscan-census-", suffix=".part")
    return os.fdopen(fd, "w", encoding="utf-8"), tmp


def _discard(out: TextIO, tmp: str | None) -> None:
    if tmp is None:
        return
    out.close()
    with contextlib.suppress(OSError):
        os.unlink(tmp)


def _usage(message: str) -> int:
    click.echo(f"licscan: {message}", err=True)
    return EXIT_USAGE
