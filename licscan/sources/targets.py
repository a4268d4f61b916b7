"""Targets: a Hub model (id[@revision]) or a local folder."""

from __future__ import annotations

import os
from pathlib import Path

from licscan.hubref import parse_repo_ref
from licscan.model import SourceKind, Target


def hub_target(ref: str, location: tuple[str, int] | None = None, use=()) -> Target:
    repo_id, revision = parse_repo_ref(ref)
    return Target(ref, SourceKind.HUB, repo_id, revision, use=tuple(use), location=location)


def local_target(ref: str, path: str | os.PathLike, location=None, use=()) -> Target:
    return Target(
        ref, SourceKind.LOCAL, path=str(Path(path).resolve()), use=tuple(use), location=location
    )
