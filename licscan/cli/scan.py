"""`licscan scan`, `explain`, `notice`, `classify` and `licenses`: the commands that judge
models or read the knowledge base.  The command line is the composition root: it plans
the scan, wraps it with lock reuse, and renders."""

from __future__ import annotations

import sys
from functools import partial
from pathlib import Path

import click

from licscan.cli.compose import scan_fetcher
from licscan.cli.options import (
    FORMAT_CHOICES,
    jobs_option,
    license_file_option,
    offline_option,
    timeout_option,
    use_option,
)
from licscan.cli.output import emit, usage_error
from licscan.engine.classify import classify_file
from licscan.engine.run import execute, plan_scan
from licscan.errors import ExitCode, UsageError
from licscan.knowledge import load_knowledge
from licscan.lockfile.reuse import scan_with_lock
from licscan.model import EXPLAIN_JOBS
from licscan.report.classify import render_classifications
from licscan.report.explain import render_explanation
from licscan.report.knowledge import (
    render_license_explanation,
    render_license_list,
    unknown_license,
)
from licscan.report.outputs import pair_outputs, write_reports
from licscan.report.progress import progress_bar
from licscan.sources.files import read_license_path


@click.command()
@click.argument("files", nargs=-1, required=True, type=click.Path(dir_okay=False))
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text")
def classify(files: tuple[str, ...], fmt: str) -> None:
    """Say what license each FILE is: identity, category and clause flags."""
    results = [classify_file(read_license_path(f)) for f in files]
    emit(render_classifications(results, fmt), nl=False)
    if any(r.error for r in results):
        sys.exit(ExitCode.ERROR)


@click.command()
@click.argument("targets", nargs=-1)
@use_option("Use case to judge for (repeatable). Default: the manifest's, else commercial.")
@click.option(
    "--policy",
    "policy_file",
    metavar="FILE",
    help="Policy file extending the presets (or a preset name).",
)
@click.option(
    "--format",
    "fmts",
    type=click.Choice(FORMAT_CHOICES),
    multiple=True,
    help="Report format (default text). Repeat with --output for several reports.",
)
@click.option(
    "--output",
    "-o",
    "outputs",
    metavar="FILE",
    multiple=True,
    type=click.Path(dir_okay=False, allow_dash=True),
    help="Write the report to FILE ('-': stdout); one per --format, in order.",
)
@click.option(
    "--output-dir",
    metavar="DIR",
    type=click.Path(file_okay=False),
    help="Write each --format to DIR/licscan.<ext> (e.g. licscan.sarif, licscan.html).",
)
@click.option(
    "--sarif-keep-waived",
    is_flag=True,
    help="SARIF: keep waived findings, with suppressions (GitHub ignores suppressions).",
)
@click.option(
    "--cyclonedx-version",
    type=click.Choice(["1.6", "1.7"]),
    default="1.6",
    show_default=True,
    help="CycloneDX specification version to write.",
)
@offline_option
@jobs_option
@timeout_option
@click.option("--hf-cache", is_flag=True, help="Also scan every model in the local HF cache.")
@click.option("--quiet", "-q", is_flag=True, help="Only failures, errors and the summary.")
@click.option(
    "--allow-errors",
    is_flag=True,
    help="Exit 0 instead of 3 when models could not be evaluated (still reported).",
)
@click.option(
    "--no-lock",
    is_flag=True,
    help="Ignore a licscan.lock beside the manifest (judge every model afresh).",
)
@click.option(
    "--card-lines",
    is_flag=True,
    help="Download every Hub model's README.md so card evidence cites line numbers "
    "(one more request per model).",
)
@license_file_option
def scan(targets: tuple[str, ...], uses: tuple[str, ...], policy_file: str | None,
         fmts: tuple[str, ...], outputs: tuple[str, ...], output_dir: str | None,
         sarif_keep_waived: bool, cyclonedx_version: str, offline: bool, jobs: int,
         timeout: float, hf_cache: bool, quiet: bool, allow_errors: bool, no_lock: bool,
         card_lines: bool, license_files: tuple[str, ...]) -> None:  # fmt: skip
    """Judge models against a policy. TARGET: a Hub repo id (org/name[@REVISION]), a
    model folder, or a manifest (*.yaml). Exit: 0 pass/warn, 1 fail, 2 usage, 3 error."""
    if not targets and not hf_cache:
        raise click.UsageError("give at least one TARGET (or --hf-cache)")
    try:
        pairs = pair_outputs(fmts, outputs, output_dir)
    except ValueError as exc:
        raise click.UsageError(str(exc)) from None
    plan = plan_scan(list(targets), list(uses), policy_file, hf_cache=hf_cache,
                     license_files=license_files)  # fmt: skip
    with progress_bar(len(plan.targets), quiet) as bar:
        fetcher = scan_fetcher(offline, timeout, card_lines)
        report = execute(
            plan,
            fetcher,
            jobs,
            lambda r: bar.advance(r.ref),
            store=fetcher.cache,
            around=_lock_reuse(plan, no_lock),
        )
    for problem in report.problems:  # a lock that disagrees with what was found
        emit(f"licscan: {problem}", err=True)
    options = {"quiet": quiet, "keep_waived": sarif_keep_waived,
               "cyclonedx_version": cyclonedx_version}  # fmt: skip
    try:  # (render() removed untrusted control characters: keep licscan's own colours)
        write_reports(report, pairs, options, partial(emit, keep_sgr=True),
                      make_dirs=bool(output_dir))  # fmt: skip
    except OSError as exc:  # nothing partial was left behind
        usage_error(exc)
    sys.exit(report.exit_code(allow_errors or plan.policy.allow_errors))


@click.command()
@click.argument("manifest", default="licscan.yaml", type=click.Path(dir_okay=False))
@click.option(
    "--output",
    "-o",
    metavar="FILE",
    type=click.Path(dir_okay=False, allow_dash=True),
    help="Write the notice to FILE (default: stdout).",
)
@offline_option
@jobs_option
@timeout_option
@click.option("--no-lock", is_flag=True, help="Ignore licscan.lock (judge every model afresh).")
@click.option("--quiet", "-q", is_flag=True, help="No progress bar.")
def notice(
    manifest: str,
    output: str | None,
    offline: bool,
    jobs: int,
    timeout: float,
    no_lock: bool,
    quiet: bool,
) -> None:
    """Write a NOTICE / attribution file for a product that ships MANIFEST's models: each
    model's licenses, the notices to show ("Built with ..."), the use policy to pass on,
    NOTICE files and thresholds. Exit: 0 written, 2 usage, 3 some models unevaluated."""
    plan = plan_scan([manifest])
    with progress_bar(len(plan.targets), quiet) as bar:
        fetcher = scan_fetcher(offline, timeout)
        report = execute(plan, fetcher, jobs, lambda r: bar.advance(r.ref), store=fetcher.cache,
                         around=_lock_reuse(plan, no_lock))  # fmt: skip
    try:
        write_reports(report, [("notice", None if output in (None, "-") else output)], {},
                      emit)  # fmt: skip
    except OSError as exc:
        usage_error(exc)
    unknown = [m.ref for m in report.models if m.error]
    if unknown:
        emit(f"licscan: terms unknown for {', '.join(unknown)}: notice incomplete", err=True)
        sys.exit(ExitCode.ERROR)


@click.command()
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text")
def licenses(fmt: str) -> None:
    """List the license knowledge base."""
    emit(render_license_list(fmt), nl=False)


@click.command()
@click.argument("subject")
@use_option()
@click.option("--policy", "policy_file", type=click.Path(dir_okay=False))
@click.option("--offline", is_flag=True, help="Use only the local caches.")
@timeout_option
@license_file_option
def explain(subject: str, uses: tuple[str, ...], policy_file: str | None, offline: bool,
            timeout: float, license_files: tuple[str, ...]) -> None:  # fmt: skip
    """Explain a license KEY (category, flags, why) or a MODEL (the reasoning chain)."""
    kb = load_knowledge()
    entry = kb.lookup(subject)
    if entry is not None:
        emit(render_license_explanation(entry), nl=False)
        return
    if _names_a_license(subject):  # a mistyped key: say so, never ask the Hub
        emit(unknown_license(subject, kb.suggest(subject)), err=True)
        sys.exit(ExitCode.USAGE)
    code, text = explain_model(subject, list(uses), policy_file, offline, timeout, license_files)
    emit(text, nl=False)  # card values, folder names: control characters removed
    sys.exit(code)


def explain_model(
    subject: str,
    uses: list[str],
    policy_file: str | None,
    offline: bool,
    timeout: float | None = None,
    license_files: tuple[str, ...] = (),
) -> tuple[int, str]:
    """Scan one target (a Hub id, id@rev, folder or manifest; a manifest's lock is reused,
    as by `scan`) and explain every result.  Returns (exit code as for `scan`, text)."""
    try:
        plan = plan_scan([subject], uses, policy_file, license_files=license_files)
        fetcher = scan_fetcher(offline, timeout)
        report = execute(plan, fetcher, EXPLAIN_JOBS, store=fetcher.cache,
                         around=_lock_reuse(plan, no_lock=False))  # fmt: skip
    except UsageError as exc:
        return ExitCode.USAGE, f"licscan: {exc}\n"
    problems = "".join(f"licscan: {p}\n" for p in report.problems)  # a lock that disagrees
    return report.exit_code(), render_explanation(report) + problems


def _lock_reuse(plan, no_lock: bool):  # plan: ScanPlan -> engine.run.Around | None
    """How the command line wraps a scan of a manifest: the licscan.lock beside it is
    reused (Hub models at their locked commits; a line for each locked judgement the scan
    does not find), unless --no-lock.  The engine knows nothing of locks."""
    if no_lock or not plan.manifests:
        return None

    return scan_with_lock


def _names_a_license(subject: str) -> bool:
    """A bare word (or words) is a license: a model is named org/name[@REV], a folder
    or a manifest file."""
    if "/" in subject or "\\" in subject or subject.endswith((".yaml", ".yml")):
        return False
    return not Path(subject).exists()
