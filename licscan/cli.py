"""Command line: parses arguments, wires sources -> engine -> report, nothing more.

Imports of heavy modules (huggingface_hub, jinja2, cyclonedx, rich) stay inside the
commands so `licscan --version` and a warm pre-commit check stay instant.
"""

from __future__ import annotations

import os
import sys
from contextlib import suppress
from functools import partial
from pathlib import Path

import click

from licscan import __version__
from licscan.errors import ExitCode, LicscanError, UsageError

USE_CHOICES = ("commercial", "research", "distillation", "redistribution", "fine-tuning")
FORMAT_CHOICES = ("text", "json", "cyclonedx", "spdx", "sarif", "markdown", "html", "notice")
CENSUS_FORMATS = (*FORMAT_CHOICES, "jsonl")

# Options shared by the commands that fetch models.
jobs_option = click.option(
    "--jobs",
    "-j",
    type=click.IntRange(1, 64),
    default=8,
    show_default=True,
    help="Models fetched in parallel.",
)
offline_option = click.option(
    "--offline", is_flag=True, help="Use only the local caches (no network)."
)
DEFAULT_TIMEOUT = 60.0
timeout_option = click.option(
    "--timeout",
    type=click.FloatRange(min=0.1),
    default=DEFAULT_TIMEOUT,
    show_default=True,
    metavar="SECONDS",
    help="Give up on a Hub request after SECONDS in all (retries included); "
    "that model is an error, the scan goes on.",
)
license_file_option = click.option(
    "--license-file",
    "license_files",
    metavar="MODEL=PATH",
    multiple=True,
    help="MODEL's license text as you hold it (a gated model read without access); "
    "classified as a license file of MODEL. Repeatable.",
)


class _Main(click.Group):
    """The command group: whatever a command refuses (licscan.errors: bad arguments or
    files, a knowledge base that does not load) ends it with one line and its exit code,
    never a traceback."""

    def invoke(self, ctx: click.Context) -> object:
        try:
            return super().invoke(ctx)
        except LicscanError as exc:
            _emit(f"licscan: {exc.describe()}", err=True)
            sys.exit(exc.exit_code)


@click.group(cls=_Main, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="licscan")
def main() -> None:
    """licscan: may we use this model for what we intend? Answered with evidence."""


@main.command()
@click.argument("files", nargs=-1, required=True, type=click.Path(dir_okay=False))
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text")
def classify(files: tuple[str, ...], fmt: str) -> None:
    """Say what license each FILE is: identity, category and clause flags."""
    from licscan.engine.classify import classify_path
    from licscan.report.classify import render_classifications

    results = [classify_path(f) for f in files]
    _emit(render_classifications(results, fmt), nl=False)
    if any(r.error for r in results):
        sys.exit(ExitCode.ERROR)


@main.command()
@click.argument("targets", nargs=-1)
@click.option(
    "--use",
    "uses",
    multiple=True,
    type=click.Choice(USE_CHOICES),
    help="Use case to judge for (repeatable). Default: the manifest's, else commercial.",
)
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
    from licscan.engine.run import execute, plan_scan
    from licscan.report.outputs import pair_outputs, write_reports
    from licscan.report.progress import progress_bar

    if not targets and not hf_cache:
        raise click.UsageError("give at least one TARGET (or --hf-cache)")
    try:
        pairs = pair_outputs(fmts, outputs, output_dir)
    except ValueError as exc:
        raise click.UsageError(str(exc)) from None
    plan = plan_scan(list(targets), list(uses), policy_file, hf_cache=hf_cache,
                     license_files=license_files)  # fmt: skip
    with progress_bar(len(plan.targets), quiet) as bar:
        report = execute(
            plan,
            jobs,
            offline,
            lambda r: bar.advance(r.ref),
            card_lines=card_lines,
            timeout=timeout,
            around=_lock_reuse(plan, no_lock),
        )
    for problem in report.problems:  # a lock that disagrees with what was found
        _emit(f"licscan: {problem}", err=True)
    options = {"quiet": quiet, "keep_waived": sarif_keep_waived,
               "cyclonedx_version": cyclonedx_version}  # fmt: skip
    try:  # (render() removed untrusted control characters: keep licscan's own colours)
        write_reports(report, pairs, options, partial(_emit, keep_sgr=True),
                      make_dirs=bool(output_dir))  # fmt: skip
    except OSError as exc:  # nothing partial was left behind
        _usage_error(exc)
    sys.exit(report.exit_code(allow_errors or plan.policy.allow_errors))


@main.command()
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
    from licscan.engine.run import execute, plan_scan
    from licscan.report.outputs import write_reports
    from licscan.report.progress import progress_bar

    plan = plan_scan([manifest])
    with progress_bar(len(plan.targets), quiet) as bar:
        report = execute(plan, jobs, offline, lambda r: bar.advance(r.ref), timeout=timeout,
                         around=_lock_reuse(plan, no_lock))  # fmt: skip
    try:
        write_reports(report, [("notice", None if output in (None, "-") else output)], {},
                      _emit)  # fmt: skip
    except OSError as exc:
        _usage_error(exc)
    unknown = [m.ref for m in report.models if m.error]
    if unknown:
        _emit(f"licscan: terms unknown for {', '.join(unknown)}: notice incomplete", err=True)
        sys.exit(ExitCode.ERROR)


@main.command()
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
@click.option("--use", "uses", multiple=True, type=click.Choice(USE_CHOICES),
              help="Use case to judge for (repeatable). Default: commercial.")  # fmt: skip
@click.option("--policy", "policy_file", metavar="FILE", help="Policy file (or a preset name).")
@click.option("--format", "fmt", type=click.Choice(CENSUS_FORMATS), default="text",
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
    from licscan.cli_census import run_census_command
    from licscan.model import CensusSelection

    selection = CensusSelection(author, search, filters, derivatives_of, limit)
    options = {"offline": offline, "jobs": jobs, "quiet": quiet, "card_lines": card_lines,
               "read_files": read_license_files, "resume": resume,
               "timeout": timeout}  # fmt: skip
    code = run_census_command(selection, uses, policy_file, fmt, output, options)
    sys.exit(ExitCode.OK if code == ExitCode.ERROR and allow_errors else code)


@main.command()
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text")
def licenses(fmt: str) -> None:
    """List the license knowledge base."""
    from licscan.report.knowledge import render_license_list

    _emit(render_license_list(fmt), nl=False)


@main.command()
@click.argument("subject")
@click.option("--use", "uses", multiple=True, type=click.Choice(USE_CHOICES))
@click.option("--policy", "policy_file", type=click.Path(dir_okay=False))
@click.option("--offline", is_flag=True, help="Use only the local caches.")
@timeout_option
@license_file_option
def explain(subject: str, uses: tuple[str, ...], policy_file: str | None, offline: bool,
            timeout: float, license_files: tuple[str, ...]) -> None:  # fmt: skip
    """Explain a license KEY (category, flags, why) or a MODEL (the reasoning chain)."""
    from licscan.knowledge import load_knowledge

    kb = load_knowledge()
    entry = kb.lookup(subject)
    if entry is not None:
        from licscan.report.knowledge import render_license_explanation

        _emit(render_license_explanation(entry), nl=False)
        return
    if _names_a_license(subject):  # a mistyped key: say so, never ask the Hub
        from licscan.report.knowledge import unknown_license

        _emit(unknown_license(subject, kb.suggest(subject)), err=True)
        sys.exit(ExitCode.USAGE)
    code, text = explain_model(subject, list(uses), policy_file, offline, timeout, license_files)
    _emit(text, nl=False)  # card values, folder names: control characters removed
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
    from licscan.engine.run import execute, plan_scan
    from licscan.model import EXPLAIN_JOBS
    from licscan.report.explain import render_explanation

    try:
        plan = plan_scan([subject], uses, policy_file, license_files=license_files)
        report = execute(plan, EXPLAIN_JOBS, offline, timeout=timeout,
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
    from licscan.lockfile.reuse import scan_with_lock

    return scan_with_lock


def _names_a_license(subject: str) -> bool:
    """A bare word (or words) is a license: a model is named org/name[@REV], a folder
    or a manifest file."""
    if "/" in subject or "\\" in subject or subject.endswith((".yaml", ".yml")):
        return False
    return not Path(subject).exists()


# --- workflows: lockfile, drift, pre-commit (H6) -----------------------------------------


@main.command()
@click.argument("manifest", default="licscan.yaml", type=click.Path(dir_okay=False))
@offline_option
@jobs_option
@timeout_option
@click.option("--quiet", "-q", is_flag=True, help="No progress bar.")
@license_file_option
def lock(manifest: str, offline: bool, jobs: int, timeout: float, quiet: bool,
         license_files: tuple[str, ...]) -> None:  # fmt: skip
    """Judge every model of MANIFEST and write licscan.lock beside it (commit, license
    files, card license, category, flags, verdict per use). Exit as `scan`."""
    from licscan.lockfile.build import build_lock
    from licscan.lockfile.document import write_lock
    from licscan.report.progress import progress_bar
    from licscan.report.workflow import lock_summary

    with progress_bar(_count_models(manifest), quiet) as bar:
        result = build_lock(manifest, jobs=jobs, offline=offline,
                            progress=lambda r: bar.advance(r.ref), timeout=timeout,
                            license_files=license_files)  # fmt: skip
    try:
        changed = write_lock(result)
    except OSError as exc:  # nothing written: the old lock, if any, is as it was
        _usage_error(f"cannot write {result.path}: {exc.strerror or exc}")
    code, text = lock_summary(result, changed)
    _emit(text, nl=False)
    sys.exit(code)


@main.command()
@click.argument("manifest", default="licscan.yaml", type=click.Path(dir_okay=False))
@jobs_option
@timeout_option
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text")
@click.option("--quiet", "-q", is_flag=True, help="No progress bar.")
@license_file_option
def verify(manifest: str, jobs: int, timeout: float, fmt: str, quiet: bool,
           license_files: tuple[str, ...]) -> None:  # fmt: skip
    """Re-check MANIFEST's models on the Hub against licscan.lock and report drift: a new
    commit, a changed/added/removed license file, a changed card license, category,
    flags or verdict. Exit: 0 no drift, 1 drift, 2 usage, 3 could not re-check."""
    from licscan.lockfile.drift import verify as verify_lock
    from licscan.report.progress import progress_bar
    from licscan.report.workflow import render_verification

    with progress_bar(_count_models(manifest), quiet) as bar:
        found = verify_lock(manifest, jobs=jobs, progress=lambda r: bar.advance(r.ref),
                            timeout=timeout, license_files=license_files)  # fmt: skip
    _emit(render_verification(found, fmt), nl=False)
    sys.exit(found.exit_code)


@main.command()
@click.argument("files", nargs=-1, type=click.Path(dir_okay=False))
def check(files: tuple[str, ...]) -> None:
    """Offline, from the lock (the pre-commit hook): every model of each manifest (or the
    manifest of each lock FILE; default: every licscan.yaml git tracks) is locked,
    unchanged, and its locked verdict passes. Exit: 0 ok, 1 fail/unlocked/stale, 2 usage,
    3 errors."""
    from licscan.lockfile.precommit import check_manifests
    from licscan.report.workflow import render_check

    result = check_manifests(list(files))
    _emit(render_check(result, "models"), nl=False)
    sys.exit(result.exit_code)


@main.command("check-refs")
@click.argument("files", nargs=-1, type=click.Path(dir_okay=False))
@click.option(
    "--manifest",
    "-m",
    default="licscan.yaml",
    show_default=True,
    type=click.Path(dir_okay=False),
    help="The manifest (its licscan.lock beside it).",
)
def check_refs(files: tuple[str, ...], manifest: str) -> None:
    """Offline: every Hub model the FILES load is in the manifest and the lock and its
    locked verdict passes. Python (from_pretrained, pipeline, snapshot_download, ...),
    notebook code cells, YAML/JSON/TOML configs (model_name_or_path, base_model, ...),
    shell scripts and Dockerfiles (hf download). Exit: 0 ok, 1 fail/unlisted/stale,
    2 usage, 3 errors."""
    from licscan.lockfile.precommit import check_refs as check_references
    from licscan.report.workflow import render_check

    result = check_references(list(files), manifest)
    _emit(render_check(result, "model references"), nl=False)
    sys.exit(result.exit_code)


# --- from approval to the files: add, waive (licscan/lockfile/edit.py) ---------------------------


@main.command()
@click.argument("model")
@click.option(
    "--use",
    "uses",
    multiple=True,
    type=click.Choice(USE_CHOICES),
    help="This model's own use (repeatable). Default: the manifest's.",
)
@click.option(
    "--manifest",
    "-m",
    default="licscan.yaml",
    show_default=True,
    type=click.Path(dir_okay=False),
    help="The manifest (created if missing).",
)
@click.option(
    "--license-file",
    "license_file",
    metavar="PATH",
    help="The model's license text as you hold it (written as license_file:).",
)
@offline_option
@jobs_option
@click.option("--quiet", "-q", is_flag=True, help="No progress bar.")
def add(model: str, uses: tuple[str, ...], manifest: str, license_file: str | None,
        offline: bool, jobs: int, quiet: bool) -> None:  # fmt: skip
    """Append MODEL (org/name[@REVISION] or a model folder) to the manifest, keeping its
    comments and order, and lock it (licscan.lock). Exit as `lock`."""
    from licscan.lockfile.edit import add_model

    edit = add_model(manifest, model, list(uses), license_file)
    _emit(f"{edit.path}:{edit.line}: added {model}")
    ctx = click.get_current_context()
    ctx.invoke(lock, manifest=manifest, offline=offline, jobs=jobs, quiet=quiet, license_files=())


@main.command()
@click.argument("model")
@click.option(
    "--flag",
    "flags",
    multiple=True,
    metavar="FLAG",
    help="A flag the waiver covers (repeatable). None: every judgement of MODEL.",
)
@click.option("--reason", required=True, help="Why it is accepted.")
@click.option("--approver", required=True, help="Who approved it.")
@click.option("--expires", required=True, metavar="YYYY-MM-DD", help="Its last day.")
@click.option(
    "--policy",
    "policy_file",
    type=click.Path(dir_okay=False),
    help="The policy file. Default: the one the manifest names.",
)
@click.option(
    "--manifest",
    "-m",
    default="licscan.yaml",
    show_default=True,
    type=click.Path(dir_okay=False),
    help="The manifest naming the policy.",
)
def waive(model: str, flags: tuple[str, ...], reason: str, approver: str, expires: str,
          policy_file: str | None, manifest: str) -> None:  # fmt: skip
    """Write a waiver for MODEL (a Hub id, folder or glob) into the policy file, keeping
    its comments and order; a waiver for the same model and flags is renewed."""
    from licscan.lockfile.edit import add_waiver

    edit = add_waiver(policy_file or _policy_of(manifest), model, list(flags), reason,
                      approver, expires)  # fmt: skip
    what = ", ".join(flags) or "every judgement"
    where = os.path.relpath(edit.path) if edit.path.is_absolute() else edit.path
    _emit(f"{where}:{edit.line}: waiver for {model} ({what}) until {expires}")
    _emit("licscan: the lock is stale now: run `licscan lock` to judge under it")


def _policy_of(manifest: str) -> str:
    from licscan.sources.manifest import load_manifest

    if not Path(manifest).is_file():
        raise UsageError(f"no {manifest} to name the policy: pass --policy FILE")
    policy = load_manifest(manifest).policy
    if not policy or not Path(policy).is_file():
        raise UsageError(f"{manifest} names no policy file: pass --policy FILE")
    return policy


def _usage_error(exc: Exception | str) -> None:
    _emit(f"licscan: {exc}", err=True)
    sys.exit(ExitCode.USAGE)


def _emit(text: str, err: bool = False, nl: bool = True, keep_sgr: bool = False) -> None:
    """Print `text` without control characters (untrusted values reach every output).
    A full disk or a closed pipe ends licscan with one line on stderr and exit 2."""
    from licscan.report.safe import strip_controls

    stream = sys.stderr if err else sys.stdout
    try:
        click.echo(strip_controls(text, keep_sgr=keep_sgr), err=err, nl=nl)
        stream.flush()
    except OSError as exc:
        _output_failed(stream, exc)


def _output_failed(stream, exc: OSError) -> None:
    name = "stderr" if stream is sys.stderr else "stdout"
    with suppress(OSError, ValueError):  # nothing more can go there; else Python complains
        os.dup2(os.open(os.devnull, os.O_WRONLY), stream.fileno())  # again at exit
    if name == "stdout":
        with suppress(OSError):
            click.echo(f"licscan: cannot write to stdout: {exc.strerror or exc}", err=True)
    sys.exit(ExitCode.USAGE)


def _count_models(manifest: str) -> int:
    """For the progress bar only; the real read reports any problem."""
    try:
        from licscan.sources.manifest import load_manifest

        return len(load_manifest(manifest).targets)
    except ValueError:
        return 0


if __name__ == "__main__":  # pragma: no cover
    main()
