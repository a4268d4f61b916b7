"""`licscan check` and `check-refs`: the pre-commit hooks, offline, from the lock.  Light
on purpose: only lockfile.precommit and report.workflow (the precommit-light contract)."""

from __future__ import annotations

import sys

import click

from licscan.cli.options import manifest_option
from licscan.cli.output import emit
from licscan.lockfile.precommit import check_manifests
from licscan.lockfile.precommit import check_refs as check_references
from licscan.report.workflow import render_check


@click.command()
@click.argument("files", nargs=-1, type=click.Path(dir_okay=False))
def check(files: tuple[str, ...]) -> None:
    """Offline, from the lock (the pre-commit hook): every model of each manifest (or the
    manifest of each lock FILE; default: every licscan.yaml git tracks) is locked,
    unchanged, and its locked verdict passes. Exit: 0 ok, 1 fail/unlocked/stale, 2 usage,
    3 errors."""
    result = check_manifests(list(files))
    emit(render_check(result, "models"), nl=False)
    sys.exit(result.exit_code)


@click.command("check-refs")
@click.argument("files", nargs=-1, type=click.Path(dir_okay=False))
@manifest_option("The manifest (its licscan.lock beside it).")
def check_refs(files: tuple[str, ...], manifest: str) -> None:
    """Offline: every Hub model the FILES load is in the manifest and the lock and its
    locked verdict passes. Python (from_pretrained, pipeline, snapshot_download, ...),
    notebook code cells, YAML/JSON/TOML configs (model_name_or_path, base_model, ...),
    shell scripts and Dockerfiles (hf download). Exit: 0 ok, 1 fail/unlisted/stale,
    2 usage, 3 errors."""
    result = check_references(list(files), manifest)
    emit(render_check(result, "model references"), nl=False)
    sys.exit(result.exit_code)
