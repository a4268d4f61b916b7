"""`licscan lock`, `verify`, `add` and `waive`: the lockfile workflows (they run scans)."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import click

from licscan.cli.compose import lock_fetcher
from licscan.cli.options import (
    jobs_option,
    license_file_option,
    manifest_option,
    offline_option,
    timeout_option,
    use_option,
)
from licscan.cli.output import emit, usage_error
from licscan.errors import UsageError
from licscan.lockfile.build import build_lock
from licscan.lockfile.document import write_lock
from licscan.lockfile.drift import verify as verify_lock
from licscan.lockfile.edit import add_model, add_waiver
from licscan.report.progress import progress_bar
from licscan.report.workflow import lock_summary, render_verification
from licscan.sources.manifest import load_manifest


@click.command()
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
    with progress_bar(_count_models(manifest), quiet) as bar:
        result = build_lock(manifest, fetcher=lock_fetcher(offline, timeout), jobs=jobs,
                            progress=lambda r: bar.advance(r.ref),
                            license_files=license_files)  # fmt: skip
    try:
        changed = write_lock(result)
    except OSError as exc:  # nothing written: the old lock, if any, is as it was
        usage_error(f"cannot write {result.path}: {exc.strerror or exc}")
    code, text = lock_summary(result, changed)
    emit(text, nl=False)
    sys.exit(code)


@click.command()
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
    with progress_bar(_count_models(manifest), quiet) as bar:
        found = verify_lock(manifest, fetcher=lock_fetcher(False, timeout), jobs=jobs,
                            progress=lambda r: bar.advance(r.ref),
                            license_files=license_files)  # fmt: skip
    emit(render_verification(found, fmt), nl=False)
    sys.exit(found.exit_code)


@click.command()
@click.argument("model")
@use_option("This model's own use (repeatable). Default: the manifest's.")
@manifest_option("The manifest (created if missing).")
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
    edit = add_model(manifest, model, list(uses), license_file)
    emit(f"{edit.path}:{edit.line}: added {model}")
    ctx = click.get_current_context()
    ctx.invoke(lock, manifest=manifest, offline=offline, jobs=jobs, quiet=quiet, license_files=())


@click.command()
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
@manifest_option("The manifest naming the policy.")
def waive(model: str, flags: tuple[str, ...], reason: str, approver: str, expires: str,
          policy_file: str | None, manifest: str) -> None:  # fmt: skip
    """Write a waiver for MODEL (a Hub id, folder or glob) into the policy file, keeping
    its comments and order; a waiver for the same model and flags is renewed."""
    edit = add_waiver(policy_file or _policy_of(manifest), model, list(flags), reason,
                      approver, expires)  # fmt: skip
    what = ", ".join(flags) or "every judgement"
    where = os.path.relpath(edit.path) if edit.path.is_absolute() else edit.path
    emit(f"{where}:{edit.line}: waiver for {model} ({what}) until {expires}")
    emit("licscan: the lock is stale now: run `licscan lock` to judge under it")


def _policy_of(manifest: str) -> str:

    if not Path(manifest).is_file():
        raise UsageError(f"no {manifest} to name the policy: pass --policy FILE")
    policy = load_manifest(manifest).policy
    if not policy or not Path(policy).is_file():
        raise UsageError(f"{manifest} names no policy file: pass --policy FILE")
    return policy


def _count_models(manifest: str) -> int:
    """For the progress bar only; the real read reports any problem."""
    try:
        return len(load_manifest(manifest).targets)
    except ValueError:
        return 0
