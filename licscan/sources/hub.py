"""Fetcher: every target -> ModelSnapshot, with the fewest Hub requests we can manage.

Per Hub model, cold: one `model_info(files_metadata=True)` request (card data, gated,
commit sha, Hub tags with the computed base models, and every file with its size and
blob id), then one GET for README.md (for line evidence, the card body and YAML errors;
`readme=False` skips it when the API's card data is present), then license texts -
each distinct blob id downloaded once per scan and once ever (disk cache).  A pinned
re-scan (`org/name@<sha>`) makes no request; an unpinned one makes the model_info call
only.  Files already in the HF cache are never downloaded again.

`fetch` never raises: failures become `snapshot.error` (one line naming the model and
the cause) or a LicenseFile `error`, so no failed model can look like a passing one.
"""

from __future__ import annotations

import dataclasses
import hashlib
import logging
import os
import threading
from collections.abc import Callable, Iterable, Mapping
from concurrent.futures import Future
from pathlib import Path
from typing import Any

from licscan.hubref import is_commit, normalize_repo_ref
from licscan.model import CardInfo, LicenseFile, ModelSnapshot, SuppliedLicense, Target
from licscan.sources import hfcache, supplied
from licscan.sources.cache import DiskCache, ref_age
from licscan.sources.card import card_from_data, parse_card
from licscan.sources.files import (
    LICENSE_CAP,
    README_CAP,
    git_blob_id,
    license_file,
    license_paths,
    oversize_error,
    readme_path,
    readme_text,
)
from licscan.sources.protocol import FetchError

log = logging.getLogger("licscan.sources")
DEFAULT_TIMEOUT = 60.0  # seconds one Hub request may take in all, retries included
# A scan reads card metadata from the Hub API's cardData (one request per model) and
# downloads README.md only when the API has none (`readme=False`): the README adds line
# numbers to card evidence, not facts, and would double the requests of every cold scan.
# A base model named without a revision is re-asked at most once a day (`base_max_age`).
BASE_MAX_AGE = 24 * 3600.0


class _Blocked(Exception):
    """A file could not be read: message is the cause; `gated` when access is the reason."""

    def __init__(self, cause: str, gated: bool = False, oversize: int | None = None) -> None:
        super().__init__(cause)
        self.gated = gated
        self.oversize = oversize  # bytes, when the file is over the cap


class _Once:
    """Run fn once per key across threads; concurrent callers share the result."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._futures: dict[Any, Future] = {}

    def get(
        self,
        key: Any,
        fn: Callable[[], Any],
        redo: Callable[[BaseException], bool] | None = None,
    ) -> Any:
        """`redo(exc)`: a failure that belongs to the caller who hit it (e.g. no access to
        *that* repo), so every other caller waiting on the key tries for itself."""
        while True:
            with self._lock:
                future = self._futures.get(key)
                owner = future is None
                if owner:
                    future = self._futures[key] = Future()
            if owner:
                try:
                    future.set_result(fn())
                except BaseException as exc:
                    if redo is not None and redo(exc):
                        with self._lock:
                            self._futures.pop(key, None)
                    future.set_exception(exc)
            try:
                return future.result()
            except BaseException as exc:
                if owner or redo is None or not redo(exc):
                    raise


class Fetcher:
    """Turns targets into snapshots (Hub, local folder, HF cache); one per scan.

    token: None uses huggingface_hub's own lookup (HF_TOKEN, `hf auth login`).
    endpoint: None uses HF_ENDPOINT as set now (huggingface_hub reads it at import).
    readme: download README.md for every Hub model (line evidence, card body); False
        reads the card from the API's card data unless it is missing (~1 request/model).
    card_prose: also download the README.md of a card-only model (no license file): its
        prose states its terms (`snap.card_text`); the census, judged from listings, turns
        it off.  A README read only because it was cached gives line numbers, not prose.
    retries / max_retry_wait / retry_base_wait: attempts per call, total seconds asleep
        (429 Retry-After included), first back-off; timeout: the deadline of one request
        in seconds, its attempts included, its waits not (default 60): past it the model
        is an `error` (a server dripping one byte at a time cannot hold the scan).
    base_max_age: seconds a base model's head commit (an unpinned `base_model`, looked up
        for lineage) seen by an earlier scan is trusted without asking the Hub again; 0
        always asks.  Pinned targets never ask: their commit's metadata never changes.

    `stats`: http_requests (= api_requests + file_requests, retries included, redirect
    hops not), retries, cache_hits (licscan cache), hf_cache_hits, blobs_fetched, bytes,
    models (fetch calls).
    """

    def __init__(
        self,
        offline: bool = False,
        cache_dir: str | os.PathLike | None = None,
        token: str | None = None,
        endpoint: str | None = None,
        *,
        readme: bool = True,
        card_prose: bool = True,
        timeout: float | None = None,
        retries: int = 4,
        max_retry_wait: float = 30.0,
        retry_base_wait: float = 0.5,
        hf_cache_dir: str | os.PathLike | None = None,
        dataset_max_age: float = 7 * 86400,
        base_max_age: float = 0.0,
    ) -> None:
        self.offline = offline or hfcache.offline_env()
        self.cache = DiskCache(cache_dir)
        self.readme = readme
        self.card_prose = card_prose
        self.endpoint = (endpoint or os.environ.get("HF_ENDPOINT") or "").rstrip("/") or None
        self.hf_cache_dir = Path(hf_cache_dir) if hf_cache_dir else hfcache.default_hf_cache()
        self.dataset_max_age = dataset_max_age
        self.base_max_age = base_max_age
        self._token = token
        self._token_found: bool | None = None
        self._timeout = timeout
        self._retry_args = (retries, max_retry_wait, retry_base_wait)
        self._api_obj = None
        self._api_lock = threading.Lock()
        self._stats_lock = threading.Lock()
        self.stats: dict[str, int] = dict.fromkeys(
            ("http_requests", "api_requests", "file_requests", "retries", "cache_hits",
             "hf_cache_hits", "blobs_fetched", "bytes", "models"), 0,
        )  # fmt: skip
        self._hf_caches: tuple[Path, ...] = ()  # caches --hf-cache targets came from
        self._texts: dict[str, str] = {}  # blob id -> decoded text, shared by all copies
        self._read: dict[tuple[str, str], LicenseFile] = {}  # (blob, path) -> decoded once
        self._models = _Once()
        self._blobs = _Once()
        self._datasets = _Once()
        self._heads = _Once()  # base model -> fresh cached head commit, or None
        self._pins: dict[str, str] = {}  # repo id -> the one commit this scan pins it at
        self._supplied: dict[str, SuppliedLicense] = {}  # model -> the reviewer's text

    # --- public API -----------------------------------------------------------------
    def fetch(self, target: Target) -> ModelSnapshot:
        """Never raises: a failure is `error` on the snapshot."""
        self._bump("models")
        try:
            if target.kind == "local":
                from licscan.sources.local import read_folder

                return self._supply(read_folder(target))
            if target.kind == "cache":
                return self._supply(self._fetch_cached(target))
            return self._with_target(self._hub_snapshot(target.repo_id, target.revision), target)
        except Exception as exc:  # a bug must cost one model, not the scan
            log.debug("fetch failed", exc_info=True)
            cause = self._redact(f"{type(exc).__name__}: {exc}")
            return ModelSnapshot(
                target=target,
                repo_id=target.repo_id,
                error=f"{target.ref}: internal error: {cause}",
            )

    def served_locally(self, target: Target) -> bool:
        """Whether fetching `target` needs no network: a folder, the HF cache, or a commit
        whose metadata this cache holds (every model of a warm, pinned re-scan)."""
        if target.kind != "hub":
            return True
        rev = target.revision or ""
        return is_commit(rev) and self.cache.has_meta(target.repo_id or "", rev)

    def pin_bases(self, targets: Iterable[Target]) -> None:
        """Base models named without a revision are judged at the commit the scan's own
        targets pin them at (when they pin exactly one): the lineage then agrees with
        what the manifest approves, and costs no request of its own."""
        seen: dict[str, set[str]] = {}
        for t in targets:
            if t.kind == "hub" and t.repo_id and t.revision and is_commit(t.revision):
                seen.setdefault(t.repo_id, set()).add(t.revision)
        self._pins.update({repo: next(iter(revs)) for repo, revs in seen.items() if len(revs) == 1})

    def supply_licenses(self, texts: Mapping[str, SuppliedLicense]) -> None:
        """License texts the reviewer holds, by model (licscan.sources.supplied): read
        as license files of those models, and standing in for files a gate withholds."""
        self._supplied.update(texts)

    def _supply(self, snap: ModelSnapshot, withheld: list[str] | None = None) -> ModelSnapshot:
        supplied.add(snap, supplied.lookup(self._supplied, snap), withheld or [])
        return snap

    def fetch_repo(self, repo_id: str, revision: str | None = None) -> ModelSnapshot:
        """A Hub repo by id (for base-model lineage); memoised for this Fetcher."""
        ref = f"{repo_id}@{revision}" if revision else repo_id
        target = Target(ref, "hub", repo_id, revision)
        if normalize_repo_ref(repo_id) != repo_id:
            return ModelSnapshot(target=target, error=f"{ref}: not a Hub repo id")
        if revision is None and repo_id in self._pins:
            self._bump("models")
            snap = self._with_target(self._hub_snapshot(repo_id, self._pins[repo_id]), target)
            snap.notes.append(f"judged at {self._pins[repo_id][:12]}, the commit the scan pins")
            return snap
        if revision is None and self.base_max_age > 0 and not self.offline:
            head = self._heads.get(repo_id, lambda: self._fresh_head(repo_id))
            if head is not None:
                self._bump("models")
                return self._with_target(self._hub_snapshot(repo_id, head), target)
        return self.fetch(target)

    def dataset_licenses(self, dataset_id: str) -> list[str] | None:
        """Licenses a Hub dataset declares ([] if none); None if it cannot be learned."""
        ref = normalize_repo_ref(dataset_id or "")
        if ref is None:
            return None
        return self._datasets.get(ref, lambda: self._dataset_licenses(ref))

    # --- metadata already in hand (a census's listing pages) ---------------------------
    def snapshot_from_meta(self, meta: dict[str, Any], license_files: bool = True) -> ModelSnapshot:
        """A Hub model from metadata the caller holds (a `list_models` item in the shape
        of `hubapi.repo_meta`): no model_info.  `license_files=False` leaves the license
        files unread (a note says so).  Never memoised, never raises."""
        target = Target(meta["id"], "hub", meta["id"], None)
        snap = ModelSnapshot(target=target, repo_id=meta["id"])
        try:
            self._fill(snap, meta, requested=meta["id"], licenses=license_files)
        except Exception as exc:  # a bug must cost one model, not the census
            log.debug("snapshot_from_meta failed", exc_info=True)
            snap.error = (
                f"{meta['id']}: internal error: {self._redact(f'{type(exc).__name__}: {exc}')}"
            )
        return snap

    def describe(self, exc: BaseException) -> str:
        """A failed Hub call's cause in one line, with no token in it."""
        return self._api().describe(exc, self._has_token())

    def has_commit_meta(self, repo_id: str, commit: str) -> bool:
        """Whether licscan's cache holds the metadata of repo_id at commit."""
        return self.cache.has_meta(repo_id, commit)

    def commit_meta(self, repo_id: str, commit: str) -> dict[str, Any]:
        """model_info at a commit (file sizes and blob ids), from licscan's cache when
        held there; raises FetchError with the one-line cause."""
        return self._resolve(repo_id, commit)

    # --- Hub models -----------------------------------------------------------------
    def _fresh_head(self, repo_id: str) -> str | None:
        """The commit `main` pointed at when a scan less than base_max_age ago asked,
        if its metadata is cached too; else None (ask the Hub)."""
        ref = self.cache.get_ref(repo_id, "main")
        if not ref or ref.get("id") != repo_id or not is_commit(str(ref.get("sha", ""))):
            return None
        if ref_age(ref) > self.base_max_age:
            return None
        return ref["sha"] if self.cache.get_meta(repo_id, ref["sha"]) is not None else None

    def _hub_snapshot(self, repo_id: str, revision: str | None) -> ModelSnapshot:
        key = (repo_id, revision)
        return self._models.get(key, lambda: self._build_hub(repo_id, revision))

    def _with_target(self, template: ModelSnapshot, target: Target) -> ModelSnapshot:
        snap = dataclasses.replace(
            template,
            target=target,
            notes=list(template.notes),
            license_files=list(template.license_files),
            files=list(template.files),
        )
        if snap.error and template.target.ref != target.ref:
            snap.error = snap.error.replace(template.target.ref, target.ref, 1)
        return snap

    def _build_hub(self, repo_id: str, revision: str | None) -> ModelSnapshot:
        target = Target(f"{repo_id}@{revision}" if revision else repo_id, "hub", repo_id, revision)
        snap = ModelSnapshot(target=target, repo_id=repo_id)
        try:
            meta = self._resolve(repo_id, revision)
        except FetchError as exc:
            snap.error = str(exc)
            if self.offline:
                return self._offline_hf_cache(snap, repo_id, revision) or snap
            return snap
        self._fill(snap, meta, requested=repo_id)
        return snap

    def _resolve(self, repo_id: str, revision: str | None) -> dict[str, Any]:
        """Metadata for repo@revision: licscan cache (pinned, or offline) or one request."""
        label = f"{repo_id}@{revision}" if revision else repo_id
        if is_commit(revision):
            meta = self.cache.get_meta(repo_id, revision)
            if meta is not None:
                self._bump("cache_hits")
                return meta
        if self.offline:
            ref = self.cache.get_ref(repo_id, revision or "main")
            meta = ref and self.cache.get_meta(ref.get("id", repo_id), ref.get("sha", ""))
            if meta:
                self._bump("cache_hits")
                return meta
            raise FetchError(f"{label}: not in the local cache (offline)")
        api = self._api()
        try:
            meta = api.model_meta(repo_id, revision)
        except Exception as exc:
            raise FetchError(f"{label}: {api.describe(exc, self._has_token())}") from None
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
            cached = self._cached_bytes(snap, siblings[name]) if has_id else None
            if cached is None:
                snap.card = card_from_data(api_card)
                snap.notes.append("card data read from the Hub API (README.md not downloaded)")
                return
        try:
            data = self._file_bytes(snap, siblings[name], README_CAP)
        except _Blocked as exc:
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
            return LicenseFile(path, None, None, blob, size, oversize_error(path, size))
        done = self._read.get((blob, path)) if blob else None
        if done is not None:  # same bytes read by another model: no re-read, re-decode
            return dataclasses.replace(done)
        try:
            data = self._file_bytes(snap, sib, LICENSE_CAP)
        except _Blocked as exc:
            if exc.gated:
                blocked.append(path)
            error = oversize_error(path, exc.oversize) if exc.oversize else f"{path}: {exc}"
            return LicenseFile(path, None, None, blob, size or exc.oversize, error)
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
            who = "this token has no access" if self._has_token() else "no token given"
            card = "the Hub API has no card data" if needed else "card data read from the API"
            snap.error = snap.error or (
                f"{snap.target.ref}: gated repo, {_and(blocked)} need accepted access "
                f"({who}; {card})"
            )
        elif blocked:
            snap.notes.append(f"gated repo: {_and(blocked)} not readable without accepted access")
        for lf in snap.license_files:
            if lf.error and lf.path not in blocked:
                snap.notes.append(lf.error)
                if snap.error is None and not _content_error(lf):
                    snap.error = f"{snap.target.ref}: {lf.error}"

    # --- files ------------------------------------------------------------------------
    def _cached_bytes(self, snap: ModelSnapshot, sib: dict) -> bytes | None:
        """From licscan's blob cache or the HF cache, verified; no network."""
        key = _blob_key(snap, sib)
        data = self.cache.get_blob(key)
        if data is not None and _matches(data, sib):
            self._bump("cache_hits")
            return data
        data = self._from_hf_cache(snap, sib)
        if data is not None:
            self._bump("hf_cache_hits")
            self.cache.put_blob(key, data)
        return data

    def _file_bytes(self, snap: ModelSnapshot, sib: dict, cap: int) -> bytes:
        data = self._cached_bytes(snap, sib)
        if data is not None:
            if len(data) > cap:
                raise _Blocked(f"{len(data)} bytes, over the cap", oversize=len(data))
            return data
        if self.offline:
            raise _Blocked("not in the local cache (offline)")
        if snap.gated and not self._has_token():
            raise _Blocked("gated repo, no token given", gated=True)
        key = _blob_key(snap, sib)
        # Bytes are shared once verified; a failure never is: it belongs to the repository
        # that served it (a corrupt copy, its gate, its outage), and every other repository
        # listing the same blob fetches its own copy, whatever the order of the scan.
        return self._blobs.get(
            key, lambda: self._download(snap, sib, cap, key), redo=lambda exc: True
        )

    def _download(self, snap: ModelSnapshot, sib: dict, cap: int, key: str) -> bytes:
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
            raise _Blocked(f"larger than the {cap >> 20} MiB cap", oversize=size) from None
        except Exception as exc:
            gated = isinstance(exc, GatedRepoError)
            raise _Blocked(api.describe(exc, self._has_token()), gated) from None
        self._bump("blobs_fetched")
        self.cache.put_blob(key, data)
        return data

    def _from_hf_cache(self, snap: ModelSnapshot, sib: dict) -> bytes | None:
        names = dict.fromkeys(n for n in (snap.repo_id, snap.target.repo_id) if n)
        caches = dict.fromkeys((self.hf_cache_dir, *self._hf_caches))
        for name, cache in ((n, c) for c in caches for n in names):
            if not os.path.isdir(os.path.join(cache, "models--" + name.replace("/", "--"))):
                continue  # one stat; a warm scan need not even import huggingface_hub
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

    # --- other sources ------------------------------------------------------------------
    def _fetch_cached(self, target: Target) -> ModelSnapshot:
        """An HF-cache revision: completed from the Hub at the same commit when online, or
        offline from the metadata licscan's cache holds for that commit, if any."""
        if not target.repo_id:
            return hfcache.read_cached(target)
        if target.path:  # <cache>/models--org--name/snapshots/<commit>
            cache = Path(target.path).parents[2]
            if cache not in self._hf_caches:  # replaced whole: readers see a consistent tuple
                self._hf_caches = (*self._hf_caches, cache)
        if self.offline:
            if not (target.revision and self.cache.get_meta(target.repo_id, target.revision)):
                return hfcache.read_cached(target)
            snap = self._with_target(self._hub_snapshot(target.repo_id, target.revision), target)
            snap.notes.insert(0, "cached revision judged on licscan's cached metadata of "
                                 "that commit (offline)")  # fmt: skip
            return snap
        snap = self._with_target(self._hub_snapshot(target.repo_id, target.revision), target)
        if snap.revision is None:  # the Hub did not answer: what the cache holds is all we have
            return hfcache.read_cached(target, f"the Hub could not complete it: {snap.error}")
        snap.notes.insert(0, "cached revision completed from the Hub at the same commit")
        return snap

    def _offline_hf_cache(self, snap: ModelSnapshot, repo_id: str, revision: str | None):
        folder = hfcache.find_snapshot(repo_id, revision, self.hf_cache_dir)
        if folder is None:
            return None
        target = Target(snap.target.ref, "hub", repo_id, revision, path=str(folder))
        local = hfcache.read_cached(target)
        local.revision = folder.name
        return local

    def _dataset_licenses(self, dataset_id: str) -> list[str] | None:
        entry = self.cache.get_dataset(dataset_id, None if self.offline else self.dataset_max_age)
        if entry is not None:
            self._bump("cache_hits")
            return entry.get("licenses")
        if self.offline:
            return None
        try:
            licenses = self._api().dataset_licenses(dataset_id)
        except Exception:
            log.debug("dataset_info %s failed", dataset_id, exc_info=True)
            return None
        self.cache.put_dataset(dataset_id, licenses)
        return licenses

    # --- plumbing ---------------------------------------------------------------------
    def _api(self):
        with self._api_lock:
            if self._api_obj is None:
                from huggingface_hub import constants

                from licscan.sources.hubapi import HubAPI, Retry

                endpoint = self.endpoint or constants.ENDPOINT
                deadline = self._timeout or DEFAULT_TIMEOUT
                read = float(constants.HF_HUB_DOWNLOAD_TIMEOUT)  # one silence, then retry
                self._api_obj = HubAPI(endpoint, self._token, deadline,
                                       Retry(*self._retry_args), self._count, read)  # fmt: skip
            return self._api_obj

    def _has_token(self) -> bool:
        """Whether requests carry a token (given, or found by huggingface_hub)."""
        if self._token_found is None:
            from huggingface_hub import get_token

            self._token_found = bool(self._token or get_token())
        return self._token_found

    def _redact(self, text: str) -> str:
        from licscan.sources.hubapi import redact

        return redact(text, (self._token,) if self._token else ())

    def _count(self, what: str, n: int) -> None:
        with self._stats_lock:
            if what == "api":
                self.stats["api_requests"] += n
                self.stats["http_requests"] += n
            elif what == "files":
                self.stats["file_requests"] += n
                self.stats["http_requests"] += n
            else:
                self.stats[what] = self.stats.get(what, 0) + n

    def _bump(self, what: str) -> None:
        self._count(what, 1)


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


def _blob_key(snap: ModelSnapshot, sib: dict) -> str:
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


def _content_error(lf: LicenseFile) -> bool:
    """Oversized or binary: a finding about the file, not a failure to fetch it."""
    return (
        lf.text is None
        and lf.error is not None
        and ("cap" in lf.error or "binary" in lf.error or "too large" in lf.error)
    )


def _and(items: list[str]) -> str:
    items = list(dict.fromkeys(items))
    if len(items) > 3:
        return f"{', '.join(items[:2])} and {len(items) - 2} more files"
    return items[0] if len(items) == 1 else f"{', '.join(items[:-1])} and {items[-1]}"
