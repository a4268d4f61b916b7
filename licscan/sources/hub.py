"""The Hub source: Hub metadata (model_info, or a listing's) -> ModelSnapshot.

Per Hub model, cold: one `model_info(files_metadata=True)` request (card data, gated,
commit sha, Hub tags with the computed base models, and every file with its size and
blob id), then one GET for README.md (for line evidence, the card body and YAML errors;
`readme=False` skips it when the API's card data is present), then license texts through
the blob reader (licscan.sources.blobs).  A pinned re-scan (`org/name@<sha>`) makes no
request; an unpinned one makes the model_info call only.  What is memoised, and the
dispatch of targets, is licscan.sources.fetcher's.
"""

from __future__ import annotations

import dataclasses
import logging
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

from licscan.hubref import is_commit
from licscan.model import CardInfo, LicenseFile, ModelSnapshot, SourceKind, Target
from licscan.sources import hfcache
from licscan.sources.blobs import BlobReader, Blocked
from licscan.sources.cache import DiskCache
from licscan.sources.card import card_from_data, parse_card
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
from licscan.sources.protocol import FetchError, FetchStats
from licscan.sources.redact import redact

log = logging.getLogger("licscan.sources")
DEFAULT_TIMEOUT = 60.0  # seconds one Hub request may take in all, retries included
Supply = Callable[[ModelSnapshot, list[str]], ModelSnapshot]


class HubSource:
    """Hub models from their metadata.  One per Fetcher; see Fetcher for the options.
    `supply(snap, withheld)` adds the texts a reviewer holds (before the verdict on what
    a gate withheld)."""

    def __init__(
        self,
        cache: DiskCache,
        stats: FetchStats,
        supply: Supply,
        *,
        offline: bool,
        endpoint: str | None,
        token: str | None,
        readme: bool,
        card_prose: bool,
        timeout: float | None,
        retry_args: tuple[int, float, float],
        hf_cache_dir: Path,
    ) -> None:
        self.cache, self.stats, self._supply = cache, stats, supply
        self.offline, self.endpoint, self._token = offline, endpoint, token
        self.readme, self.card_prose = readme, card_prose
        self.hf_cache_dir = hf_cache_dir
        self._timeout = timeout
        self._retry_args = retry_args
        self._token_found: bool | None = None
        self._api_obj = None
        self._api_lock = threading.Lock()
        self._texts: dict[str, str] = {}  # blob id -> decoded text, shared by all copies
        self._read: dict[tuple[str, str], LicenseFile] = {}  # (blob, path) -> decoded once
        self.blobs = BlobReader(cache, stats, offline, hf_cache_dir, self.api, self.has_token)

    def snapshot_from_meta(self, meta: dict[str, Any], license_files: bool = True) -> ModelSnapshot:
        """A Hub model from metadata the caller holds (a `list_models` item in the shape
        of `hubapi.repo_meta`): no model_info.  `license_files=False` leaves the license
        files unread (a note says so).  Never memoised, never raises."""
        target = Target(meta["id"], SourceKind.HUB, meta["id"], None)
        snap = ModelSnapshot(target=target, repo_id=meta["id"])
        try:
            self._fill(snap, meta, requested=meta["id"], licenses=license_files)
        except Exception as exc:  # a bug must cost one model, not the census
            log.debug("snapshot_from_meta failed", exc_info=True)
            snap.error = (
                f"{meta['id']}: internal error: {self.redact(f'{type(exc).__name__}: {exc}')}"
            )
        return snap

    def describe(self, exc: BaseException) -> str:
        """A failed Hub call's cause in one line, with no token in it."""
        return self.api().describe(exc, self.has_token())

    def commit_meta(self, repo_id: str, commit: str) -> dict[str, Any]:
        """model_info at a commit (file sizes and blob ids), from licscan's cache when
        held there; raises FetchError with the one-line cause."""
        return self._resolve(repo_id, commit)

    def build(self, repo_id: str, revision: str | None) -> ModelSnapshot:
        target = Target(
            f"{repo_id}@{revision}" if revision else repo_id, SourceKind.HUB, repo_id, revision
        )
        snap = ModelSnapshot(target=target, repo_id=repo_id)
        try:
            meta = self._resolve(repo_id, revision)
        except FetchError as exc:
            snap.error = str(exc)
            if self.offline:
                return self.offline_hf_cache(snap, repo_id, revision) or snap
            return snap
        self._fill(snap, meta, requested=repo_id)
        return snap

    def _resolve(self, repo_id: str, revision: str | None) -> dict[str, Any]:
        """Metadata for repo@revision: licscan cache (pinned, or offline) or one request."""
        label = f"{repo_id}@{revision}" if revision else repo_id
        if is_commit(revision):
            meta = self.cache.get_meta(repo_id, revision)
            if meta is not None:
                self.stats.bump("cache_hits")
                return meta
        if self.offline:
            ref = self.cache.get_ref(repo_id, revision or "main")
            meta = ref and self.cache.get_meta(ref.get("id", repo_id), ref.get("sha", ""))
            if meta:
                self.stats.bump("cache_hits")
                return meta
            raise FetchError(f"{label}: not in the local cache (offline)")
        api = self.api()
        try:
            meta = api.model_meta(repo_id, revision)
        except Exception as exc:
            raise FetchError(f"{label}: {api.describe(exc, self.has_token())}") from None
        if not meta.get("sha") or not is_commit(str(meta["sha"])):
            raise FetchError(f"{label}: the Hub returned no commit sha for this revision")
        self.cache.put_meta(meta["id"], meta["sha"], meta)
        if meta["id"] != repo_id:
            self.cache.put_meta(repo_id, meta["sha"], meta)
        if not is_commit(revision):
            self.cache.put_ref(repo_id, revision or "main", meta["id"], meta["sha"])
        return meta

    def _fill(
        self, snap: ModelSnapshot, meta: dict[str, Any], requested: str, licenses: bool = True
    ) -> None:
        snap.repo_id = meta["id"]
        snap.revision = meta["sha"]
        snap.gated = meta.get("gated") or False
        snap.hub_base_models = list(meta.get("base_models") or [])
        siblings = {s["path"]: s for s in meta.get("siblings") or []}
        snap.files = list(siblings)
        if meta["id"] != requested:
            snap.notes.append(f"{requested} is now {meta['id']} on the Hub (renamed)")
        if meta.get("disabled"):
            snap.notes.append("the repository is disabled on the Hub")
        blocked: list[str] = []  # gated files
        needed: list[str] = []  # gated files the verdict depends on
        self._card(snap, meta, siblings, blocked, needed)
        link = snap.card.license_link if snap.card else None
        paths = license_paths(snap.files, link)
        if paths and not licenses:
            snap.notes.append(
                f"{_and(paths)} not read: the card names a known license, which is judged"
            )
            paths = []
        for path in paths:
            snap.license_files.append(self._license(snap, siblings[path], blocked))
        self._supply(snap, blocked)  # before the verdict on what the gate withheld
        self._conclude(snap, blocked, needed)

    def _card(
        self,
        snap: ModelSnapshot,
        meta: dict,
        siblings: dict,
        blocked: list[str],
        unreadable: list[str],
    ) -> None:
        """The card: the API's card data, or README.md when the API has none (or when
        line numbers are wanted).  A README the verdict depends on that cannot be read
        makes the model an error: it is never judged on its license files alone."""
        api_card = meta.get("card_data")
        name = readme_path(snap.files)
        if name is None:
            snap.card = card_from_data(api_card)
            snap.notes.append("no README.md in the repository")
            return
        # a card-only model (no license file) states its terms in the card alone, prose
        # included: its README is read whatever `readme` says
        api_link = card_from_data(api_card).license_link if api_card else None
        card_only = self.card_prose and not license_paths(snap.files, api_link)
        wanted = self.readme or not api_card or card_only
        if not wanted:
            # (a listing's file has no blob id: its README was never cached by one)
            has_id = bool(siblings[name].get("blob_id"))
            cached = self.blobs.cached_bytes(snap, siblings[name]) if has_id else None
            if cached is None:
                snap.card = card_from_data(api_card)
                snap.notes.append("card data read from the Hub API (README.md not downloaded)")
                return
        try:
            data = self.blobs.file_bytes(snap, siblings[name], README_CAP)
        except Blocked as exc:
            if exc.gated:
                blocked.append(name)
            snap.card = card_from_data(api_card)
            if api_card:
                snap.notes.append(f"{name}: {exc}; card data read from the Hub API")
            elif not exc.gated:  # the card's license and bases are in README alone
                snap.error = snap.error or (
                    f"{snap.target.ref}: {name}: {exc}; the model card could not be read "
                    "(the Hub API has no card data for it)"
                )
            else:
                unreadable.append(name)  # gated: _conclude names it with the gate
            return
        text = readme_text(data)
        snap.card = _merge_api_card(parse_card(text, name), api_card)
        if wanted:  # a README read only because it was cached: its lines, not its prose
            snap.card_text = text

    def _license(self, snap: ModelSnapshot, sib: dict, blocked: list[str]) -> LicenseFile:
        path, size, blob = sib["path"], sib.get("size"), sib.get("blob_id")
        if size is not None and size > LICENSE_CAP:
            return not_text(path, oversize_error(path, size), None, blob, size)
        done = self._read.get((blob, path)) if blob else None
        if done is not None:  # same bytes read by another model: no re-read, re-decode
            return dataclasses.replace(done)
        try:
            data = self.blobs.file_bytes(snap, sib, LICENSE_CAP)
        except Blocked as exc:
            if exc.gated:
                blocked.append(path)
            if exc.oversize:  # over the cap: a finding about the file, like a listed size
                error = oversize_error(path, exc.oversize)
                return not_text(path, error, None, blob, size or exc.oversize)
            return not_fetched(path, f"{path}: {exc}", blob, size)
        lf = license_file(path, data, blob, size)
        if lf.text is not None and blob:  # thousands of fine-tunes: one str per text
            lf.text = self._texts.setdefault(blob, lf.text)
        if blob and lf.error is None:
            self._read[(blob, path)] = dataclasses.replace(lf)
        return lf

    def _conclude(self, snap: ModelSnapshot, blocked: list[str], needed: list[str]) -> None:
        """Errors for what could not be read: a gate, or a failed license download."""
        license_blocked = [p for p in blocked if any(p == lf.path for lf in snap.license_files)]
        if (license_blocked or needed) and snap.error is None:  # (a supplied text's error first)
            who = "this token has no access" if self.has_token() else "no token given"
            card = "the Hub API has no card data" if needed else "card data read from the API"
            snap.error = snap.error or (
                f"{snap.target.ref}: gated repo, {_and(blocked)} need accepted access "
                f"({who}; {card})"
            )
        elif blocked:
            snap.notes.append(f"gated repo: {_and(blocked)} not readable without accepted access")
        note_unread(snap, skip=blocked)  # a gate is said above

    def offline_hf_cache(self, snap: ModelSnapshot, repo_id: str, revision: str | None):
        folder = hfcache.find_snapshot(repo_id, revision, self.hf_cache_dir)
        if folder is None:
            return None
        target = Target(snap.target.ref, SourceKind.HUB, repo_id, revision, path=str(folder))
        local = hfcache.read_cached(target)
        local.revision = folder.name
        return local

    def api(self):  # -> hubapi.HubAPI
        """The Hub client, built on first use: the one seam through which huggingface_hub
        is loaded (a warm or offline scan never needs it)."""
        with self._api_lock:
            if self._api_obj is None:
                # lazy: huggingface_hub
                from huggingface_hub import constants

                from licscan.sources.hubapi import HubAPI, Retry

                endpoint = self.endpoint or constants.ENDPOINT
                deadline = self._timeout or DEFAULT_TIMEOUT
                read = float(constants.HF_HUB_DOWNLOAD_TIMEOUT)  # one silence, then retry
                retry = Retry(*self._retry_args)
                self._api_obj = HubAPI(endpoint, self._token, deadline, retry, self.stats.count,
                                       read)  # fmt: skip
            return self._api_obj

    def has_token(self) -> bool:
        """Whether requests carry a token (given, or found by huggingface_hub)."""
        if self._token_found is None:
            from huggingface_hub import get_token  # lazy: huggingface_hub

            self._token_found = bool(self._token or get_token())
        return self._token_found

    def redact(self, text: str) -> str:
        return redact(text, (self._token,) if self._token else ())


def _merge_api_card(card: CardInfo, api_card: dict | None) -> CardInfo:
    """README front matter unreadable (YAML error...) but the Hub parsed one: keep its
    license facts, and say where they came from."""
    if card.licenses or card.license_name or not api_card:
        return card
    fallback = card_from_data(api_card)
    if fallback.licenses or fallback.license_name:
        card.licenses, card.license_name = fallback.licenses, fallback.license_name
        card.license_link = card.license_link or fallback.license_link
        card.problems.append(
            "license read from the Hub's card data (README.md front matter unusable)"
        )
    if not card.base_models and fallback.base_models:
        card.base_models = fallback.base_models
        card.base_model_relation = card.base_model_relation or fallback.base_model_relation
    return card


def _and(items: list[str]) -> str:
    items = list(dict.fromkeys(items))
    if len(items) > 3:
        return f"{', '.join(items[:2])} and {len(items) - 2} more files"
    return items[0] if len(items) == 1 else f"{', '.join(items[:-1])} and {items[-1]}"
