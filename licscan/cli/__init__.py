"""Command line: parses arguments, wires sources -> engine -> report, nothing more.

The group loads a command's module only when that command runs (click's "lazily loading
subcommands"), so `licscan --version` imports click and this module alone, and the warm
pre-commit hooks import only what they use (licscan.cli.hooks).  `--help` loads every
command module: it needs their help texts.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator, Mapping
from importlib import import_module

import click

from licscan import __version__
from licscan.errors import LicscanError

# Every command, as "module:attribute" (click lists them sorted, as it always has).
COMMANDS = {
    "add": "licscan.cli.workflows:add",
    "census": "licscan.cli.census:census",
    "check": "licscan.cli.hooks:check",
    "check-refs": "licscan.cli.hooks:check_refs",
    "classify": "licscan.cli.scan:classify",
    "explain": "licscan.cli.scan:explain",
    "licenses": "licscan.cli.scan:licenses",
    "lock": "licscan.cli.workflows:lock",
    "notice": "licscan.cli.scan:notice",
    "scan": "licscan.cli.scan:scan",
    "verify": "licscan.cli.workflows:verify",
    "waive": "licscan.cli.workflows:waive",
}


class _Commands(Mapping[str, click.Command]):
    """The COMMANDS table as the group's commands: click lists the names (help, the
    nearest name to a mistyped one) and a command's module is imported when it is looked
    up."""

    def __getitem__(self, name: str) -> click.Command:
        module, attr = COMMANDS[name].split(":")
        command: click.Command = getattr(import_module(module), attr)  # lazy: the command
        return command

    def __iter__(self) -> Iterator[str]:
        return iter(COMMANDS)

    def __len__(self) -> int:
        return len(COMMANDS)


class _Main(click.Group):
    """The command group: whatever a command refuses (licscan.errors: bad arguments or
    files, a knowledge base that does not load) ends it with one line and its exit code,
    never a traceback."""

    def invoke(self, ctx: click.Context) -> object:
        try:
            return super().invoke(ctx)
        except LicscanError as exc:
            # lazy: the command that failed has loaded it already; --version must not
            emit = import_module("licscan.cli.output").emit
            emit(f"licscan: {exc.describe()}", err=True)
            sys.exit(exc.exit_code)


@click.group(cls=_Main, commands=_Commands(),  # type: ignore[arg-type]
             context_settings={"help_option_names": ["-h", "--help"]})  # fmt: skip
@click.version_option(__version__, prog_name="licscan")
def main() -> None:
    """licscan: may we use this model for what we intend? Answered with evidence."""


if __name__ == "__main__":  # pragma: no cover
    main()
