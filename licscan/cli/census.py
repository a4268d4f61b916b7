"""`licscan census`: plan, stream the report to stdout or a file, say the outcome, exit.

A report written to --output goes to a temporary file beside it, renamed when the census
ends: an interrupted census leaves no partial file (its journal lets `--resume` go on).
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterable
from typing import Any

import click

from licscan.atomic import AtomicFile
from licscan.cli.compose import census_fetcher, census_lister
from licscan.cli.options import (
    CENSUS_FORMAT_CHOICES,
    jobs_option,
    offline_option,
    timeout_option,
    use_option,
)
from licscan.engine.census import CensusPlan, plan_census, run_census
from licscan.errors import CensusRootError, ExitCode, UsageError
from licscan.model import DEFAULT_JOBS, CensusSelection, CensusSummary
from licscan.report.census import WHOLE, CensusWriter
from licscan.report.census_summary import headline, requests_line


@click.command()
@click.option("--author", metavar="ORG", help="Every model of this user or organisation.")
@click.option("--search", metavar="TEXT", help="Models whose id contains TEXT.")
@click.option(
    "--filter", "filters", multiple=True, metavar="TAG",
    help="Models with this Hub tag (repeatable, all must match): license:llama3.1, gguf...",
)  # fmt: skip
@click.option(
    "--derivatives-of", metavar="MODEL",
    help="Every derivative of MODEL down the model tree (fine-tunes, adapters, quantisations, "
    "merges), from the Hub's computed base_model tags.",
)  # fmt: skip
@click.option("--limit", type=click.IntRange(1, None), help="At most N models.")
@use_option("Use case to judge for (repeatable). Default: commercial.")
@click.option("--policy", "policy_file", metavar="FILE", help="Policy file (or a preset name).")
@click.option("--format", "fmt", type=click.Choice(CENSUS_FORMAT_CHOICES), default="text",
              show_default=True)  # fmt: skip
@click.option("--output", "-o", metavar="FILE", type=click.Path(dir_okay=False),
              help="Write the report to FILE instead of stdout.")  # fmt: skip
@offline_option
@jobs_option
@timeout_option
@click.option("--quiet", "-q", is_flag=True, help="No progress line on stderr.")
@click.option("--allow-errors", is_flag=True, help="Exit 0 instead of 3 on `error` models.")
@click.option("--card-lines", is_flag=True, help="Download every README.md (line evidence).")
@click.option("--read-license-files", is_flag=True,
              help="Read every license file, not only where the card names no known license "
              "(one more API request per such model).")  # fmt: skip
@click.option("--resume", is_flag=True,
              help="Go on from an interrupted census (same selection and policy).")  # fmt: skip
def census(author: str | None, search: str | None, filters: tuple[str, ...],
           derivatives_of: str | None, limit: int | None, uses: tuple[str, ...],
           policy_file: str | None, fmt: str, output: str | None, offline: bool, jobs: int,
           timeout: float, quiet: bool, allow_errors: bool, card_lines: bool,
           read_license_files: bool, resume: bool) -> None:  # fmt: skip
    """Judge every model a Hub listing selects (an organisation, a search, tags, the
    derivatives of a model), streaming results as they are judged. Relabelled derivatives
    are listed first. Exit as `scan`: 0 pass/warn, 1 fail, 2 usage, 3 error."""
    selection = CensusSelection(author, search, filters, derivatives_of, limit)
    options = {"offline": offline, "jobs": jobs, "quiet": quiet, "card_lines": card_lines,
               "read_files": read_license_files, "resume": resume,
               "timeout": timeout}  # fmt: skip
    code = run_census_command(selection, uses, policy_file, fmt, output, options)
    sys.exit(ExitCode.OK if code == ExitCode.ERROR and allow_errors else code)


def run_census_command(
    selection: CensusSelection,
    uses: Iterable[str],
    policy_file: str | None,
    fmt: str,
    output: str | None,
    options: dict[str, Any],
) -> int:
    if options.get("offline"):
        return _usage("census lists models on the Hub: it cannot run with --offline")
    try:
        plan = _plan(selection, uses, policy_file, options)
    except UsageError as exc:
        return _usage(str(exc))
    try:
        sink = AtomicFile(os.path.abspath(output)) if output else None
    except OSError as exc:
        return _usage(f"cannot write {output}: {exc.strerror or exc}")
    summary = _run(plan, fmt, output, sink, options)
    if summary is None:
        return ExitCode.ERROR
    if sink is not None:
        sink.commit()
    _say_outcome(summary, selection, fmt, output, options)
    return summary.exit_code(plan.policy.allow_errors)


def _plan(
    selection: CensusSelection, uses: Iterable[str], policy_file: str | None, options: dict
) -> CensusPlan:
    return plan_census(
        selection,
        uses,
        policy_file,
        read_files=options.get("read_files", False),
        card_lines=options.get("card_lines", False),
    )


def _run(
    plan: CensusPlan, fmt: str, output: str | None, sink: AtomicFile | None, options: dict
) -> CensusSummary | None:
    """The census, streamed to the sink (None: it ended early, said on stderr, nothing
    partial left behind)."""
    writer = CensusWriter(fmt, sink.file if sink else sys.stdout, use=list(plan.policy.uses),
                          output=output)  # fmt: skip
    timeout = options.get("timeout")
    fetcher = census_fetcher(plan.card_lines, timeout)
    try:
        summary = run_census(
            plan,
            writer.model,
            fetcher,
            census_lister(fetcher, timeout),
            fetcher.cache.base / "census",
            store=fetcher.cache,
            jobs=options.get("jobs", DEFAULT_JOBS),
            resume=options.get("resume", False),
            replay=fmt not in WHOLE,
        )
        writer.close(summary)
    except CensusRootError as exc:
        _discard(sink)
        click.echo(f"licscan: {exc}", err=True)
        return None
    except KeyboardInterrupt:
        _discard(sink)
        click.echo(
            "licscan: census interrupted; run the same command with --resume to go on", err=True
        )
        return None
    except BaseException:
        _discard(sink)
        raise
    return summary


def _say_outcome(
    summary: CensusSummary,
    selection: CensusSelection,
    fmt: str,
    output: str | None,
    options: dict,
) -> None:
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


def _discard(sink: AtomicFile | None) -> None:
    if sink is not None:
        sink.discard()


def _usage(message: str) -> int:
    click.echo(f"licscan: {message}", err=True)
    return ExitCode.USAGE
