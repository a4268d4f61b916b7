"""What licscan can refuse, and the exit code each refusal means (contracts.md).

Every error the command line reports in one line derives from LicscanError and carries
its exit code; the CLI catches LicscanError once.  The usage errors stay ValueErrors
(readers of a file raise them from value checks).  Failures to fetch or read a model are
not here: they are data on the model's snapshot, and cost that model, not the run.
"""

from __future__ import annotations

from enum import IntEnum


class ExitCode(IntEnum):
    OK = 0  # every model passes or warns
    FAIL = 1  # a model fails (or a lock disagrees, a check finds a stale lock)
    USAGE = 2  # bad arguments or input files: nothing was judged
    ERROR = 3  # a model could not be evaluated (unless errors are allowed)


class LicscanError(Exception):
    """A refusal the command line reports in one line, with `exit_code`."""

    exit_code = ExitCode.ERROR

    def describe(self) -> str:
        """The line after 'licscan: '."""
        return str(self)


class UsageError(LicscanError, ValueError):
    """Bad arguments or manifest; the message says where (file:line for manifests)."""

    exit_code = ExitCode.USAGE

    def __init__(self, message: str, errors: list[str] | None = None) -> None:
        super().__init__(message)
        self.errors = errors or [message]


class ManifestError(UsageError):
    """A manifest that cannot be read; every message starts with file:line."""


class PolicyError(UsageError):
    """An invalid policy; every message starts with file:line."""


class LockError(UsageError):
    """A lock that cannot be read or was written by an incompatible licscan (exit 2)."""


class KnowledgeError(LicscanError, ValueError):
    """A rule file is malformed; the message names the file and the field."""

    def describe(self) -> str:
        return f"the knowledge base does not load: {self}"


class CensusRootError(LicscanError):
    """The model whose derivatives were asked for could not be read (exit 3)."""
