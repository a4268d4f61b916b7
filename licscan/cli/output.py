"""What the commands print: untrusted values reach every output, so control characters go;
a full disk or a closed pipe ends licscan with one line and exit 2."""

from __future__ import annotations

import os
import sys
from contextlib import suppress

import click

from licscan.errors import ExitCode
from licscan.report.safe import strip_controls


def usage_error(exc: Exception | str) -> None:
    emit(f"licscan: {exc}", err=True)
    sys.exit(ExitCode.USAGE)


def emit(text: str, err: bool = False, nl: bool = True, keep_sgr: bool = False) -> None:
    """Print `text` without control characters (untrusted values reach every output).
    A full disk or a closed pipe ends licscan with one line on stderr and exit 2."""
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
