"""`licscan census`: plan, stream the report to stdout or a file, say the outcome, exit.

Kept out of cli.py so the command line stays one place of argument parsing.  A report
written to --output goes to a temporary file beside it, renamed when the census ends: an
interrupted census leaves no partial file (its journal lets `--resume` go on).
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterable
from typing import Any

import click

from licscan.atomic import AtomicFile
from licscan.errors import CensusRootError, ExitCode, UsageError
from licscan.model import DEFAULT_JOBS, CensusSelection


def run_census_command(
    selection: CensusSelection,
    uses: Iterable[str],
    policy_file: str | None,
    fmt: str,
    output: str | None,
    options: dict[str, Any],
) -> int:
    from licscan.engine.census import plan_census, run_census
    from licscan.report.census import WHOLE, CensusWriter, headline, requests_line

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
        sink = AtomicFile(os.path.abspath(output)) if output else None
    except OSError as exc:
        return _usage(f"cannot write {output}: {exc.strerror or exc}")
    writer = CensusWriter(fmt, sink.file if sink else sys.stdout, use=list(plan.policy.uses),
                          output=output)  # fmt: skip
    try:
        summary = run_census(
            plan,
            writer.model,
            jobs=options.get("jobs", DEFAULT_JOBS),
            resume=options.get("resume", False),
            timeout=options.get("timeout"),
            replay=fmt not in WHOLE,
        )
        writer.close(summary)
    except CensusRootError as exc:
        _discard(sink)
        click.echo(f"licscan: {exc}", err=True)
        return ExitCode.ERROR
    except KeyboardInterrupt:
        _discard(sink)
        click.echo(
            "licscan: census interrupted; run the same command with --resume to go on", err=True
        )
        return ExitCode.ERROR
    except BaseException:
        _discard(sink)
        raise
    if sink is not None:
        sink.commit()
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
    return summary.exit_code(plan.policy.allow_errors)


def _discard(sink: AtomicFile | None) -> None:
    if sink is not None:
        sink.discard()


def _usage(message: str) -> int:
    click.echo(f"licscan: {message}", err=True)
    return ExitCode.USAGE
