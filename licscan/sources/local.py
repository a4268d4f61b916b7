"""A model folder on disk (the air-gapped path): README.md, LICENSE*, config, weights.

Weights are listed (for `pickle-weights`), never opened.  License files are read up to
the cap, so a 50 MB "LICENSE" costs one stat() and a clear error, not 50 MB of memory.
A symbolic link is followed only when it stays inside the folder (an HF-cache snapshot's
links into its repository's blobs/ stay readable): a `LICENSE -> /etc/passwd` is never
read, so never quoted in a report.  A card or license file that cannot be read makes the
model an `error`: it is never judged on part of its evidence.
"""

from __future__ import annotations

import os
from pathlib import Path

from licscan.hubref import is_commit
from licscan.model import LicenseFile, ModelSnapshot, SourceKind, Target
from licscan.sources.card import parse_card
from licscan.sources.files import (
    LICENSE_CAP,
    README_CAP,
    license_file,
    license_paths,
    not_fetched,
    not_text,
    note_unread,
    oversize_error,
    readme_path,
    readme_text,
)

MAX_FILES = 50_000  # a checkout with more files than this is not a model folder


def read_folder(
    target: Target,
    folder: str | os.PathLike | None = None,
    revision: str | None = None,
    repo_id: str | None = None,
    within: str | os.PathLike | None = None,
) -> ModelSnapshot:
    """Snapshot of a folder; never raises (an unreadable folder gets `error`).  Files
    are read only where their links lead inside `within` (default: the folder)."""
    root = Path(folder or target.path or target.ref)
    bound = os.path.realpath(within or root)
    snap = ModelSnapshot(target=target, repo_id=repo_id or target.repo_id, revision=revision)
    if not root.is_dir():
        snap.error = f"{target.ref}: folder not found ({root})"
        return snap
    try:
        snap.files = list_files(root)
    except OSError as exc:
        snap.error = f"{target.ref}: cannot list folder: {exc.strerror or exc}"
        return snap
    if len(snap.files) >= MAX_FILES:
        snap.notes.append(f"more than {MAX_FILES} files: only the first {MAX_FILES} listed")
    if snap.revision is None and target.kind == SourceKind.LOCAL:
        snap.revision = git_head(root)
        if snap.revision:
            snap.notes.append("revision is the folder's git HEAD (uncommitted changes not pinned)")
    _read_card(snap, root, bound)
    lic_link = snap.card.license_link if snap.card else None
    paths = license_paths(snap.files, lic_link)
    snap.license_files = [read_license(root, p, bound) for p in paths]
    note_unread(snap)
    return snap


def inside(path: str | os.PathLike, bound: str) -> bool:
    """Whether `path`, its links followed, lies inside the real folder `bound`."""
    real = os.path.realpath(path)
    return real == bound or real.startswith(bound.rstrip(os.sep) + os.sep)


def list_files(root: Path) -> list[str]:
    """Relative POSIX paths of all files, hidden folders (.git, .cache) skipped."""
    out: list[str] = []
    for dirpath, dirnames, filenames in os.walk(root, followlinks=False):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
        rel = os.path.relpath(dirpath, root)
        for name in sorted(filenames):
            out.append(name if rel == "." else f"{rel}/{name}".replace(os.sep, "/"))
            if len(out) >= MAX_FILES:
                return out
    return out


def _read_card(snap: ModelSnapshot, root: Path, bound: str) -> None:
    name = readme_path(snap.files)
    if name is None:
        snap.notes.append("no README.md: no model card metadata")
        return
    why = None
    try:
        data = _read_capped(root / name, README_CAP, bound)
        if data is None:
            why = f"larger than {README_CAP >> 20} MiB"
    except OSError as exc:
        why = f"cannot read: {exc.strerror or exc}"
    if why is not None:  # the card's license and bases are unknown: not judged without
        snap.error = f"{snap.target.ref}: {name}: {why}; the model card could not be read"
        return
    snap.card_text = readme_text(data)
    snap.card = parse_card(snap.card_text, name)


def read_license(root: Path, rel: str, bound: str | None = None) -> LicenseFile:
    path = root / rel
    try:
        if not inside(path, bound or os.path.realpath(root)):
            raise OSError(_OUTSIDE)
        size = path.stat().st_size
        if size > LICENSE_CAP:
            return not_text(rel, oversize_error(rel, size), size=size)
        data = _read_capped(path, LICENSE_CAP)
    except OSError as exc:
        return not_fetched(rel, f"{rel}: cannot read: {exc.strerror or exc}")
    if data is None:  # grew past the cap between stat() and read()
        return not_text(rel, oversize_error(rel, LICENSE_CAP + 1))
    return license_file(rel, data)


_OUTSIDE = "a symbolic link leading outside the model folder (not followed)"


def _read_capped(path: Path, cap: int, bound: str | None = None) -> bytes | None:
    if bound is not None and not inside(path, bound):
        raise OSError(_OUTSIDE)
    with open(path, "rb") as fh:
        data = fh.read(cap + 1)
    return None if len(data) > cap else data


def git_head(root: Path) -> str | None:
    """The commit a git checkout's HEAD points at (no git binary needed), else None."""
    git = root / ".git"
    try:
        head = (git / "HEAD").read_text().strip()
        if not head.startswith("ref:"):
            return head if is_commit(head) else None
        ref = head[4:].strip()
        ref_file = git / ref
        if ref_file.is_file():
            sha = ref_file.read_text().strip()
            return sha if is_commit(sha) else None
        for line in (git / "packed-refs").read_text().splitlines():
            sha, _, name = line.partition(" ")
            if name.strip() == ref and is_commit(sha):
                return sha
    except OSError:
        return None
    return None
