"""Fetcher: every target -> ModelSnapshot (local folder, HF cache, Hub), memoised, with
the fewest Hub requests we can manage.

The dispatch and memo layer: a Hub model is built once per (repo, revision) by the Hub
source (licscan.sources.hub), each distinct blob is read once per scan and once ever by
its blob reader (licscan.sources.blobs), data sets and base-model heads once each.  Files
already in the HF cache are never downloaded again.

`fetch` never raises: failures become `snapshot.error` (one line naming the model and
the cause) or a LicenseFile `error`, so no failed model can look like a passing one.
It implements licscan.sources.protocol.HubFetcher, all the engine knows of it.
"""

from __future__ import annotations

import dataclasses
import logging
import os
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from licscan.hubref import is_commit, normalize_repo_ref
from licscan.model import ModelSnapshot, SourceKind, SuppliedLicense, Target
from licscan.sources import hfcache, supplied
from licscan.sources.cache import DiskCache, ref_age
from licscan.sources.hub import HubSource
from licscan.sources.local import read_folder
from licscan.sources.once import Once
from licscan.sources.protocol import FetchStats

log = logging.getLogger("licscan.sources")
# A scan reads card metadata from the Hub API's cardData (one request per model) and
# downloads README.md only when the API has none (`readme=False`): the README adds line
# numbers to card evidence, not facts, and would double the requests of every cold scan.
# A base model named without a revision is re-asked at most once a day (`base_max_age`).
BASE_MAX_AGE = 24 * 3600.0


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

    `stats`: a FetchStats (licscan.sources.protocol), shared with the Hub source and the
    blob reader.
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
        self.endpoint = (endpoint or os.environ.get("HF_ENDPOINT") or "").rstrip("/") or None
        self.hf_cache_dir = Path(hf_cache_dir) if hf_cache_dir else hfcache.default_hf_cache()
        self.dataset_max_age = dataset_max_age
        self.base_max_age = base_max_age
        self._stats = FetchStats()
        self._hub = HubSource(
            self.cache, self._stats, self._supply, offline=self.offline, endpoint=self.endpoint,
            token=token, readme=readme, card_prose=card_prose, timeout=timeout,
            retry_args=(retries, max_retry_wait, retry_base_wait), hf_cache_dir=self.hf_cache_dir,
        )  # fmt: skip
        self._models = Once()
        self._datasets = Once()
        self._heads = Once()  # base model -> fresh cached head commit, or None
        self._pins: dict[str, str] = {}  # repo id -> the one commit this scan pins it at
        self._supplied: dict[str, SuppliedLicense] = {}  # model -> the reviewer's text

    # --- the protocol ---------------------------------------------------------------------
    def fetch(self, target: Target) -> ModelSnapshot:
        """Never raises: a failure is `error` on the snapshot."""
        self._stats.bump("models")
        try:
            if target.kind == SourceKind.LOCAL:
                return self._supply(read_folder(target))
            if target.kind == SourceKind.CACHE:
                return self._supply(self._fetch_cached(target))
            return self._with_target(self._hub_snapshot(target.repo_id, target.revision), target)
        except Exception as exc:  # a bug must cost one model, not the scan
            log.debug("fetch failed", exc_info=True)
            cause = self._hub.redact(f"{type(exc).__name__}: {exc}")
            return ModelSnapshot(
                target=target,
                repo_id=target.repo_id,
                error=f"{target.ref}: internal error: {cause}",
            )

    def served_locally(self, target: Target) -> bool:
        """Whether fetching `target` needs no network: a folder, the HF cache, or a commit
        whose metadata this cache holds (every model of a warm, pinned re-scan)."""
        if target.kind != SourceKind.HUB:
            return True
        rev = target.revision or ""
        return is_commit(rev) and self.cache.has_meta(target.repo_id or "", rev)

    def pin_bases(self, targets: Iterable[Target]) -> None:
        """Base models named without a revision are judged at the commit the scan's own
        targets pin them at (when they pin exactly one): the lineage then agrees with
        what the manifest approves, and costs no request of its own."""
        seen: dict[str, set[str]] = {}
        for t in targets:
            if t.kind == SourceKind.HUB and t.repo_id and t.revision and is_commit(t.revision):
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
        target = Target(ref, SourceKind.HUB, repo_id, revision)
        if normalize_repo_ref(repo_id) != repo_id:
            return ModelSnapshot(target=target, error=f"{ref}: not a Hub repo id")
        if revision is None and repo_id in self._pins:
            self._stats.bump("models")
            snap = self._with_target(self._hub_snapshot(repo_id, self._pins[repo_id]), target)
            snap.notes.append(f"judged at {self._pins[repo_id][:12]}, the commit the scan pins")
            return snap
        if revision is None and self.base_max_age > 0 and not self.offline:
            head = self._heads.get(repo_id, lambda: self._fresh_head(repo_id))
            if head is not None:
                self._stats.bump("models")
                return self._with_target(self._hub_snapshot(repo_id, head), target)
        return self.fetch(target)

    def dataset_licenses(self, dataset_id: str) -> list[str] | None:
        """Licenses a Hub dataset declares ([] if none); None if it cannot be learned."""
        ref = normalize_repo_ref(dataset_id or "")
        if ref is None:
            return None
        return self._datasets.get(ref, lambda: self._dataset_licenses(ref))

    def has_commit_meta(self, repo_id: str, commit: str) -> bool:
        """Whether licscan's cache holds the metadata of repo_id at commit."""
        return self.cache.has_meta(repo_id, commit)

    # --- metadata already in hand (a census's listing pages): the Hub source's ------------
    def snapshot_from_meta(self, meta: dict[str, Any], license_files: bool = True) -> ModelSnapshot:
        """A Hub model from metadata the caller holds (a `list_models` item in the shape
        of `hubapi.repo_meta`): no model_info.  `license_files=False` leaves the license
        files unread (a note says so).  Never memoised, never raises."""
        return self._hub.snapshot_from_meta(meta, license_files)

    def describe(self, exc: BaseException) -> str:
        """A failed Hub call's cause in one line, with no token in it."""
        return self._hub.describe(exc)

    def commit_meta(self, repo_id: str, commit: str) -> dict[str, Any]:
        """model_info at a commit (file sizes and blob ids), from licscan's cache when
        held there; raises FetchError with the one-line cause."""
        return self._hub.commit_meta(repo_id, commit)

    @property
    def stats(self) -> FetchStats:
        return self._stats

    # --- Hub models: memoised ------------------------------------------------------------
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
        return self._models.get(key, lambda: self._hub.build(repo_id, revision))

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

    # --- other sources ----------------------------------------------------------------
    def _fetch_cached(self, target: Target) -> ModelSnapshot:
        """An HF-cache revision: completed from the Hub at the same commit when online, or
        offline from the metadata licscan's cache holds for that commit, if any."""
        if not target.repo_id:
            return hfcache.read_cached(target)
        if target.path:  # <cache>/models--org--name/snapshots/<commit>
            cache = Path(target.path).parents[2]
            self._hub.blobs.add_hf_cache(cache)
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

    def _dataset_licenses(self, dataset_id: str) -> list[str] | None:
        entry = self.cache.get_dataset(dataset_id, None if self.offline else self.dataset_max_age)
        if entry is not None:
            self._stats.bump("cache_hits")
            return entry.get("licenses")
        if self.offline:
            return None
        try:
            licenses = self._hub.api().dataset_licenses(dataset_id)
        except Exception:
            log.debug("dataset_info %s failed", dataset_id, exc_info=True)
            return None
        self.cache.put_dataset(dataset_id, licenses)
        return licenses
