"""Command-line arguments -> Targets: Hub ids, local folders, manifests, the HF cache."""

from __future__ import annotations

import os
import re
from pathlib import Path

from licscan.model import Manifest, Target

# huggingface_hub's validate_repo_id rules: [namespace/]name, word chars . - only,
# name at most 96 characters, no "--" or "..".  ASCII only, as the Hub's own ids: a
# look-alike ("аcme/x" with a Cyrillic а) is a usage error before any request.
_REPO_ID = re.compile(r"^(?:[\w.-]+/)?[\w.-]{1,96}$", re.ASCII)
_REVISION = re.compile(r"^[^\s]{1,255}$")
MANIFEST_SUFFIXES = (".yaml", ".yml")


class UsageError(ValueError):
    """Bad arguments or manifest; the message says where (file:line for manifests)."""

    def __init__(self, message: str, errors: list[str] | None = None) -> None:
        super().__init__(message)
        self.errors = errors or [message]


def is_repo_id(value: str) -> bool:
    return bool(_REPO_ID.match(value)) and "--" not in value and ".." not in value


def parse_repo_ref(ref: str) -> tuple[str, str | None]:
    """'org/name' or 'org/name@REV' -> (repo_id, revision); ValueError says what is wrong."""
    repo_id, at, revision = ref.strip().partition("@")
    if not is_repo_id(repo_id):
        raise ValueError(
            f"'{shorten(ref)}' is not a Hub repo id (org/name or org/name@revision)"
            + _non_ascii(repo_id)
        )
    if at and not _REVISION.match(revision):
        raise ValueError(f"'{shorten(ref)}': empty or malformed revision after '@'")
    return repo_id, (revision or None)


def shorten(text: str, limit: int = 100) -> str:
    """A user's argument as a message quotes it: a 10,000-character one is cut."""
    return text if len(text) <= limit else f"{text[:60]}… ({len(text):,} characters)"


def _non_ascii(value: str) -> str:
    where = next(((i, c) for i, c in enumerate(value) if not c.isascii()), None)
    if where is None:
        return ""
    i, c = where
    return (f": {c!r} (U+{ord(c):04X}) at position {i + 1} is not ASCII; Hub ids use "
            "A-Z, a-z, 0-9, '-', '_' and '.'")  # fmt: skip


def hub_target(ref: str, location: tuple[str, int] | None = None, use=()) -> Target:
    repo_id, revision = parse_repo_ref(ref)
    return Target(ref, "hub", repo_id, revision, use=tuple(use), location=location)


def local_target(ref: str, path: str | os.PathLike, location=None, use=()) -> Target:
    return Target(ref, "local", path=str(Path(path).resolve()), use=tuple(use), location=location)


def targets_from_args(args: list[str], hf_cache: bool = False) -> list[Target]:
    """Resolve CLI targets (ids, id@rev, folders, manifests) plus, with hf_cache, every
    model revision in the local HF cache.  Raises UsageError."""
    return load_targets(args, hf_cache)[0]


def load_targets(args: list[str], hf_cache: bool = False) -> tuple[list[Target], list[Manifest]]:
    """As targets_from_args, also returning the manifests read (for their use/policy)."""
    from licscan.sources.manifest import load_manifest

    targets: list[Target] = []
    manifests: list[Manifest] = []
    for arg in args:
        kind = _classify_arg(arg)
        if kind == "manifest":
            manifest = load_manifest(arg)
            manifests.append(manifest)
            targets.extend(manifest.targets)
        elif kind == "local":
            targets.append(local_target(arg, arg))
        else:
            try:
                targets.append(hub_target(arg))
            except ValueError as exc:
                raise UsageError(
                    f"{exc}; not a folder or manifest either "
                    f"(checked {shorten(os.path.abspath(arg))})"
                ) from None
    if hf_cache:
        from licscan.sources.hfcache import cache_targets

        targets.extend(cache_targets())
    return list(dict.fromkeys(targets)), manifests


def _classify_arg(arg: str) -> str:
    path = Path(arg).expanduser()
    try:
        is_dir, is_file = path.is_dir(), path.is_file()
    except (OSError, ValueError):  # a name too long for the file system, a NUL byte
        is_dir = is_file = False
    if is_dir:
        return "local"
    if is_file:
        if path.suffix.lower() in MANIFEST_SUFFIXES:
            return "manifest"
        raise UsageError(
            f"{arg}: is a file; expected a model folder, a manifest (*.yaml) or a Hub repo id"
        )
    if path.suffix.lower() in MANIFEST_SUFFIXES:
        raise UsageError(f"{shorten(arg)}: manifest file not found")
    if arg.startswith(("./", "../", "/", "~", ".\\")) or os.sep in arg.replace("/", ""):
        raise UsageError(f"{shorten(arg)}: no such folder")
    return "hub"
