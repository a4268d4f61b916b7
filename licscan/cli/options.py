"""Options shared by the commands (imported by the command modules only): the choices
and defaults are the one place of each fact (model, the format table)."""

from __future__ import annotations

import click

from licscan.model import DEFAULT_JOBS, USES
from licscan.report.formats import CENSUS_FORMATS, FORMATS

USE_CHOICES = USES
FORMAT_CHOICES = FORMATS
CENSUS_FORMAT_CHOICES = CENSUS_FORMATS

jobs_option = click.option(
    "--jobs",
    "-j",
    type=click.IntRange(1, 64),
    default=DEFAULT_JOBS,
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


def use_option(help: str | None = None):
    """--use USE (repeatable); each command says what its default is."""
    return click.option("--use", "uses", multiple=True, type=click.Choice(USE_CHOICES), help=help)


def manifest_option(help: str):
    """--manifest/-m, licscan.yaml by default; each command says what it reads there."""
    return click.option("--manifest", "-m", default="licscan.yaml", show_default=True,
                        type=click.Path(dir_okay=False), help=help)  # fmt: skip
