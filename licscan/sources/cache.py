"""licscan's on-disk cache: Hub metadata by (repo, commit), file bytes by blob id.

Layout under `$LICSCAN_CACHE_DIR` (default: the platform's user cache folder, see
`default_cache_dir`), version-prefixed:

    v1/meta/<org>--<name>/<commit>.json    what model_info said about that commit
    v1/refs/<org>--<name>/<rev>.json        last commit seen for a branch/tag (for --offline)
    v1/blobs/<id[:2]>/<id>                  README / license bytes, by git blob id
    v1/datasets/<org>--<name>.json          a dataset's declared licenses (+ fetch time)
    v1/classified/<stamp>/<key[:2]>/<key>.json  a license text's classification
                                            (licscan.engine.stored: key = text digest)
    v1/census/<key>.jsonl                   a census's judgements, for --resume
                                            (licscan.engine.journal)

Every write is atomic (licscan.atomic: a temp file then os.replace), so concurrent scans
sharing a cache never see half a file.  Nothing here ever holds a token or a header:
callers store Hub payloads and file bytes only.  Unreadable entries are misses.
"""

from __future__ import annotations

import json
import os
import time
from pathlib import Path
from typing import Any
from urllib.parse import quote

import orjson
import platformdirs

from licscan.atomic import write_bytes

VERSION = "v1"
REF_RECHECK = 60.0  # seconds: a ref confirmed again within this is not rewritten


def default_cache_dir() -> Path:
    """`$LICSCAN_CACHE_DIR`, else platformdirs' user cache folder: on Linux
    `$XDG_CACHE_HOME/licscan` (an absolute one) or `~/.cache/licscan`, on macOS
    `~/Library/Caches/licscan`, on Windows `%LOCALAPPDATA%\\licscan\\Cache`."""
    env = os.environ.get("LICSCAN_CACHE_DIR")
    if env:
        return Path(env).expanduser()
    return platformdirs.user_cache_path("licscan", appauthor=False)  # no author folder


def ref_age(entry: dict[str, Any]) -> float:
    """Seconds since the Hub last confirmed a cached ref (inf when unknown)."""
    try:
        return time.time() - float(entry["at"])
    except (KeyError, TypeError, ValueError):
        return float("inf")


def _repo_dir(repo_id: str) -> str:
    # Repo ids never contain "--" (the Hub forbids it), so this is reversible, as in HF's cache.
    return repo_id.replace("/", "--")


def _safe(name: str) -> str:
    return quote(name, safe="") or "_"


class DiskCache:
    """A small content cache; all methods are safe to call from many threads/processes."""

    def __init__(self, root: str | os.PathLike | None = None) -> None:
        self.root = Path(root).expanduser() if root else default_cache_dir()
        self.base = self.root / VERSION

    # --- model metadata ----------------------------------------------------------
    def get_meta(self, repo_id: str, commit: str) -> dict[str, Any] | None:
        meta = self._read_json(self._meta_path(repo_id, commit))
        return meta if meta is not None and valid_meta(meta) else None

    def has_meta(self, repo_id: str, commit: str) -> bool:
        return self._meta_path(repo_id, commit).is_file()

    def put_meta(self, repo_id: str, commit: str, meta: dict[str, Any]) -> None:
        path = self._meta_path(repo_id, commit)
        if self._read_json(path) is None:  # a commit's metadata never changes: write once
            self._write_json(path, meta)

    def _meta_path(self, repo_id: str, commit: str) -> Path:
        return self.base / "meta" / _repo_dir(repo_id) / f"{_safe(commit)}.json"

    def get_ref(self, repo_id: str, rev: str) -> dict[str, Any] | None:
        ref = self._read_json(self.base / "refs" / _repo_dir(repo_id) / f"{_safe(rev)}.json")
        ok = ref is not None and isinstance(ref.get("id"), str) and isinstance(ref.get("sha"), str)
        return ref if ok else None

    def put_ref(self, repo_id: str, rev: str, repo: str, commit: str) -> None:
        path = self.base / "refs" / _repo_dir(repo_id) / f"{_safe(rev)}.json"
        old = self._read_json(path) or {}
        changed = (old.get("id"), old.get("sha")) != (repo, commit)
        if changed or ref_age(old) > REF_RECHECK:
            # `at` is when the Hub last confirmed it (Fetcher.base_max_age reads it)
            self._write_json(path, {"id": repo, "sha": commit, "at": time.time()})

    # --- file bytes ----------------------------------------------------------------
    def get_blob(self, key: str) -> bytes | None:
        try:
            return self._blob_path(key).read_bytes()
        except OSError:
            return None

    def put_blob(self, key: str, data: bytes) -> None:
        self._write(self._blob_path(key), data)

    def _blob_path(self, key: str) -> Path:
        key = _safe(key)
        return self.base / "blobs" / key[:2] / key

    # --- datasets --------------------------------------------------------------------
    def get_dataset(self, dataset_id: str, max_age: float | None) -> dict[str, Any] | None:
        entry = self._read_json(self.base / "datasets" / f"{_repo_dir(dataset_id)}.json")
        if entry is None or not _strings(entry.get("licenses")):
            return None
        if not isinstance(entry.get("at", 0), int | float):
            return None
        if max_age is not None and time.time() - entry.get("at", 0) > max_age:
            return None
        return entry

    def put_dataset(self, dataset_id: str, licenses: list[str] | None) -> None:
        path = self.base / "datasets" / f"{_repo_dir(dataset_id)}.json"
        self._write_json(path, {"licenses": licenses, "at": time.time()})

    # --- classifications (licscan.engine.stored) -------------------------------------
    def get_classified(self, stamp: str, key: str) -> dict[str, Any] | None:
        return self._read_json(self._classified_path(stamp, key))

    def put_classified(self, stamp: str, key: str, record: dict[str, Any]) -> None:
        self._write_json(self._classified_path(stamp, key), record)

    def _classified_path(self, stamp: str, key: str) -> Path:
        key = _safe(key)
        return self.base / "classified" / _safe(stamp) / key[:2] / f"{key}.json"

    # --- plumbing ----------------------------------------------------------------------
    def _read_json(self, path: Path) -> dict[str, Any] | None:
        try:
            with open(path, "rb") as fh:
                data = orjson.loads(fh.read())
        except (OSError, ValueError):  # (orjson.JSONDecodeError is a ValueError)
            return None
        return data if isinstance(data, dict) else None

    def _write_json(self, path: Path, data: dict[str, Any]) -> None:
        text = json.dumps(data, sort_keys=True, default=str, ensure_ascii=False)
        self._write(path, text.encode("utf-8"))

    def _write(self, path: Path, data: bytes) -> None:
        """Atomic: a reader sees the old file, the new file, or none; never a torn one."""
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            write_bytes(path, data, cache=True)
        except OSError:
            pass  # a read-only or full cache only costs speed, never correctness


# --- what a cached entry must look like (anything else is a miss, never a crash) ---------

_META_TYPES: dict[str, tuple[type, ...]] = {
    "id": (str,), "sha": (str,), "private": (bool,), "disabled": (bool,),
    "card_data": (dict, type(None)), "pipeline_tag": (str, type(None)),
    "library_name": (str, type(None)), "gated": (bool, str),
}  # fmt: skip
_SIBLING_TYPES: dict[str, tuple[type, ...]] = {
    "path": (str,), "size": (int, type(None)), "blob_id": (str, type(None)),
    "lfs_sha256": (str, type(None)),
}  # fmt: skip


def valid_meta(meta: dict[str, Any]) -> bool:
    """Whether cached metadata has the shape `hubapi.repo_meta` writes (a hand-edited or
    foreign file with a field of the wrong type is a cache miss)."""
    if not _typed(meta, _META_TYPES, required=("id", "sha")):
        return False
    if not (_strings(meta.get("tags")) and _strings(meta.get("base_models"))):
        return False
    siblings = meta.get("siblings") or []  # (None: a listing's meta, files unknown)
    return isinstance(siblings, list) and all(
        isinstance(s, dict) and _typed(s, _SIBLING_TYPES, required=("path",)) for s in siblings
    )


def _typed(d: dict, types: dict[str, tuple[type, ...]], required: tuple[str, ...]) -> bool:
    if any(k not in d for k in required):
        return False
    return all(isinstance(d[k], t) for k, t in types.items() if k in d)


def _strings(value: Any) -> bool:
    """None, or a list of strings."""
    if value is None:
        return True
    return isinstance(value, list) and all(isinstance(v, str) for v in value)
