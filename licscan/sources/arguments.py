"""Command-line arguments -> Targets and manifests: Hub ids, local folders, manifests,
the HF cache."""

from __future__ import annotations

import os
from pathlib import Path

from licscan.errors import UsageError
from licscan.hubref import shorten
from licscan.model import Manifest, Target
from licscan.sources.hfcache import cache_targets
from licscan.sources.manifest import load_manifest
from licscan.sources.targets import hub_target, local_target

MANIFEST_SUFFIXES = (".yaml", ".yml")


def load_targets(args: list[str], hf_cache: bool = False) -> tuple[list[Target], list[Manifest]]:
    """Resolve CLI targets (ids, id@rev, folders, manifests) plus, with hf_cache, every
    model revision in the local HF cache; and the manifests read (for their use/policy).
    Raises UsageError."""
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
