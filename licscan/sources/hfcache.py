"""The local Hugging Face cache (`HF_HUB_CACHE`): every cached model revision.

Listing uses huggingface_hub's `scan_cache_dir`; reading a snapshot folder is the local
folder reader, so a cached model has the same shape as any other source.
"""

from __future__ import annotations

import os
from pathlib import Path

from licscan.hubref import is_commit
from licscan.model import ModelSnapshot, SourceKind, Target
from licscan.sources.files import readme_path
from licscan.sources.local import read_folder

_TRUE = {"1", "on", "yes", "true"}


def default_hf_cache() -> Path:
    """HF_HUB_CACHE / HUGGINGFACE_HUB_CACHE / $HF_HOME/hub, read now (not at import)."""
    for var in ("HF_HUB_CACHE", "HUGGINGFACE_HUB_CACHE"):
        if os.environ.get(var):
            return Path(os.environ[var]).expanduser()
    home = os.environ.get("HF_HOME") or os.path.join(
        os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache"),
        "huggingface",
    )
    return Path(home).expanduser() / "hub"


def cache_targets(cache_dir: str | os.PathLike | None = None) -> list[Target]:
    """One Target per cached model revision (ref `org/name@<commit>`), sorted."""
    from huggingface_hub import scan_cache_dir

    root = Path(cache_dir) if cache_dir else default_hf_cache()
    if not root.is_dir():
        return []
    info = scan_cache_dir(root)
    targets = []
    for repo in sorted(info.repos, key=lambda r: r.repo_id):
        if repo.repo_type != "model":
            continue
        for rev in sorted(repo.revisions, key=lambda r: r.commit_hash):
            ref = f"{repo.repo_id}@{rev.commit_hash}"
            path = str(rev.snapshot_path)
            targets.append(Target(ref, SourceKind.CACHE, repo.repo_id, rev.commit_hash, path=path))
    return targets


def read_cached(target: Target, why: str = "offline") -> ModelSnapshot:
    """A cached snapshot folder, as is: only the files downloaded there.  A file that is
    not there was not downloaded, which says nothing of the repository (from_pretrained
    fetches weights and configs, not README.md or LICENSE): when what is missing decides
    the license, the snapshot is an `error`, never a `no-license` failure or a pass.  Its
    files are links into the repository's blobs/: followed there, and nowhere else."""
    repo = Path(target.path).parents[1] if target.path else None  # models--org--name
    snap = read_folder(target, target.path, revision=target.revision, repo_id=target.repo_id,
                       within=repo)  # fmt: skip
    snap.notes.insert(
        0, "read from the local HF cache: only downloaded files are known (list may be partial)"
    )
    missing = _unknown(snap) if snap.error is None else None
    if missing:
        snap.error = f"{target.ref}: {missing} ({why})"
    return snap


def _unknown(snap: ModelSnapshot) -> str | None:
    """What the cached files cannot tell: the card, or any license at all."""
    if readme_path(snap.files) is None:
        return "README.md is not in the local cache: its card, license and base models are unknown"
    card = snap.card
    named = [x for x in (card.licenses if card else []) if x.lower() not in ("other", "unknown")]
    if not snap.license_files and not named and not (card and card.license_name):
        return "README.md names no license and no license file is in the local cache"
    return None


def find_snapshot(repo_id: str, revision: str | None, cache_dir: Path) -> Path | None:
    """snapshots/<commit> for a repo at a branch/tag (via refs/) or a commit, if cached."""
    repo_dir = cache_dir / f"models--{repo_id.replace('/', '--')}"
    rev = revision or "main"
    ref_file = repo_dir / "refs" / rev
    try:
        commit = ref_file.read_text().strip() if ref_file.is_file() else rev
    except OSError:
        return None
    snap = repo_dir / "snapshots" / commit
    return snap if snap.is_dir() and is_commit(commit) else None


def offline_env() -> bool:
    return any(
        os.environ.get(v, "").strip().lower() in _TRUE
        for v in ("HF_HUB_OFFLINE", "TRANSFORMERS_OFFLINE")
    )
