"""File bytes by blob id: licscan's cache, the HF cache, or one capped, verified download,
shared across every model that lists the same blob (a thousand fine-tunes, one LICENSE)."""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

from licscan.model import ModelSnapshot
from licscan.sources.cache import DiskCache
from licscan.sources.files import README_CAP, git_blob_id
from licscan.sources.once import Once
from licscan.sources.protocol import FetchStats


class Blocked(Exception):
    """A file could not be read: message is the cause; `gated` when access is the reason."""

    def __init__(self, cause: str, gated: bool = False, oversize: int | None = None) -> None:
        super().__init__(cause)
        self.gated = gated
        self.oversize = oversize  # bytes, when the file is over the cap


class BlobReader:
    """One per Fetcher.  `api()` gives the Hub client (built on first use), `has_token()`
    whether requests carry a token."""

    def __init__(
        self,
        cache: DiskCache,
        stats: FetchStats,
        offline: bool,
        hf_cache_dir: Path,
        api: Callable[[], Any],
        has_token: Callable[[], bool],
    ) -> None:
        self.cache, self.stats, self.offline = cache, stats, offline
        self.hf_cache_dir = hf_cache_dir
        self.hf_caches: tuple[Path, ...] = ()  # caches --hf-cache targets came from
        self._api, self._has_token = api, has_token
        self._blobs = Once()

    def add_hf_cache(self, cache: Path) -> None:
        if cache not in self.hf_caches:  # replaced whole: readers see a consistent tuple
            self.hf_caches = (*self.hf_caches, cache)

    def cached_bytes(self, snap: ModelSnapshot, sib: dict) -> bytes | None:
        """From licscan's blob cache or the HF cache, verified; no network."""
        key = blob_key(snap, sib)
        data = self.cache.get_blob(key)
        if data is not None and _matches(data, sib):
            self.stats.bump("cache_hits")
            return data
        data = self._from_hf_cache(snap, sib)
        if data is not None:
            self.stats.bump("hf_cache_hits")
            self.cache.put_blob(key, data)
        return data

    def file_bytes(self, snap: ModelSnapshot, sib: dict, cap: int) -> bytes:
        data = self.cached_bytes(snap, sib)
        if data is not None:
            if len(data) > cap:
                raise Blocked(f"{len(data)} bytes, over the cap", oversize=len(data))
            return data
        if self.offline:
            raise Blocked("not in the local cache (offline)")
        if snap.gated and not self._has_token():
            raise Blocked("gated repo, no token given", gated=True)
        key = blob_key(snap, sib)
        # Bytes are shared once verified; a failure never is: it belongs to the repository
        # that served it (a corrupt copy, its gate, its outage), and every other repository
        # listing the same blob fetches its own copy, whatever the order of the scan.
        return self._blobs.get(
            key, lambda: self._download(snap, sib, cap, key), redo=lambda exc: True
        )

    def _download(self, snap: ModelSnapshot, sib: dict, cap: int, key: str) -> bytes:
        # lazy: huggingface_hub (only a download needs it)
        from huggingface_hub.errors import GatedRepoError

        from licscan.sources.hubapi import Oversize

        api = self._api()
        try:
            data = api.download(
                snap.repo_id, sib["path"], snap.revision, cap=cap, size=sib.get("size"),
                blob_id=sib.get("blob_id"), lfs_sha256=sib.get("lfs_sha256"),
            )  # fmt: skip
        except Oversize as exc:
            size = exc.size or cap + 1
            raise Blocked(f"larger than the {cap >> 20} MiB cap", oversize=size) from None
        except Exception as exc:
            gated = isinstance(exc, GatedRepoError)
            raise Blocked(api.describe(exc, self._has_token()), gated) from None
        self.stats.bump("blobs_fetched")
        self.cache.put_blob(key, data)
        return data

    def _from_hf_cache(self, snap: ModelSnapshot, sib: dict) -> bytes | None:
        names = dict.fromkeys(n for n in (snap.repo_id, snap.target.repo_id) if n)
        caches = dict.fromkeys((self.hf_cache_dir, *self.hf_caches))
        for name, cache in ((n, c) for c in caches for n in names):
            if not os.path.isdir(os.path.join(cache, "models--" + name.replace("/", "--"))):
                continue  # one stat; a warm scan need not even import huggingface_hub
            # lazy: huggingface_hub reads its own cache layout
            from huggingface_hub import try_to_load_from_cache

            try:
                path = try_to_load_from_cache(
                    name, sib["path"], cache_dir=cache, revision=snap.revision
                )
                if not isinstance(path, str) or os.path.getsize(path) > README_CAP:
                    continue  # a huge file is left to the size checks, never read whole
                data = Path(path).read_bytes()
            except Exception:  # a malformed cache folder is a miss, not a failure
                continue
            if _matches(data, sib):
                return data
        return None


def blob_key(snap: ModelSnapshot, sib: dict) -> str:
    if sib.get("blob_id"):
        return str(sib["blob_id"])
    # No blob id (an API answer without blobs=true): key by commit + path instead.
    raw = f"{snap.repo_id}@{snap.revision}:{sib['path']}".encode()
    return "p" + hashlib.sha1(raw).hexdigest()


def _matches(data: bytes, sib: dict) -> bool:
    """Cached bytes are trusted only if they hash to what the Hub listed."""
    if sib.get("lfs_sha256"):
        return hashlib.sha256(data).hexdigest() == sib["lfs_sha256"]
    if sib.get("blob_id"):
        return git_blob_id(data) == sib["blob_id"]
    return sib.get("size") is None or len(data) == sib["size"]
