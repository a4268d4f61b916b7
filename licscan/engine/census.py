"""A census: every model a Hub listing selects, judged as its pages arrive.

A listing page carries what most verdicts need (card data, commit, gated, tags, file
names), so most models cost no request of their own: they are judged from the page in
the main thread and streamed out.  The Hub is asked more only where the page falls
short, never on an assumption (fail closed):

- a card that names no known license (`other` without a known name, an unknown id, none
  at all) while the repo holds license files: `model_info` at the listed commit for blob
  ids, then each distinct text once (by blob id, across the census and across runs);
- no card data while a README.md exists: the README, to learn why;
- a base model outside the census: fetched once (and trusted for a day, as in `scan`);
- a declared data set: its licenses, once per data set.

A base model that is itself in the census is judged from its listing, never fetched: a
derivative listed before its base waits (on disk, see `journal.Listed`) until the base
arrives or the listing ends.  Models needing the network go to `jobs` worker threads, a
bounded number at a time; results stream out as they are judged, and the summary keeps
counters only, so memory stays bounded however large the census.
"""

from __future__ import annotations

import hashlib
import logging
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any, Protocol

from licscan import __version__
from licscan.engine import stored
from licscan.engine.evaluate import evaluate
from licscan.engine.journal import Journal, Listed, journal_key
from licscan.engine.lineage import walk
from licscan.engine.policy import load_policy
from licscan.engine.run import preload
from licscan.errors import CensusRootError, UsageError
from licscan.hubref import is_commit, is_namespace, normalize_repo_ref
from licscan.knowledge import load_knowledge, resolve_license_id
from licscan.model import (
    CATEGORY_ORDER,
    DEFAULT_JOBS,
    NO_LICENSE_VALUES,
    Category,
    CensusRow,
    CensusSelection,
    CensusSummary,
    Lineage,
    ModelResult,
    ModelSnapshot,
    OriginKind,
    Policy,
    Relabel,
    Severity,
    SourceKind,
    Target,
    Verdict,
    strictest,
    utc_now,
)
from licscan.sources.cache import DiskCache
from licscan.sources.card import card_from_data
from licscan.sources.files import license_paths, readme_path
from licscan.sources.protocol import FetchError, HubFetcher

log = logging.getLogger("licscan.engine")
IN_FLIGHT_PER_JOB = 4  # judgements waiting on the network at once, per worker
BASE_SNAPSHOTS = 256  # listed base models kept built (most derivatives share a few bases)
# emit(model JSON, row, the ModelResult or None when replayed from the journal)
Emit = Callable[[dict[str, Any], CensusRow, "ModelResult | None"], None]


@dataclass
class CensusPlan:
    """A census ready to run: what to list, the policy, how much to read."""

    selection: CensusSelection
    policy: Policy
    read_files: bool = False  # every license file, not only where the card names none known
    card_lines: bool = False  # every README.md (line numbers for card evidence)


def plan_census(
    selection: CensusSelection,
    uses: Iterable[str] = (),
    policy_file: str | None = None,
    *,
    read_files: bool = False,
    card_lines: bool = False,
    today: str | None = None,
) -> CensusPlan:
    """Check the selection and load the policy; nothing is fetched.  Raises UsageError."""
    s = selection
    if not (s.author or s.search or s.filters or s.derivatives_of):
        raise UsageError("census: give --author, --search, --filter or --derivatives-of")
    if s.author is not None and not is_namespace(s.author):
        raise UsageError(f"census: --author '{s.author}' is not a user or organisation name")
    if s.derivatives_of is not None and normalize_repo_ref(s.derivatives_of) != s.derivatives_of:
        raise UsageError(f"census: --derivatives-of '{s.derivatives_of}' is not a Hub repo id")
    if any(not t.strip() for t in s.filters) or (s.search is not None and not s.search.strip()):
        raise UsageError("census: --filter and --search need a non-empty value")
    policy = load_policy(policy_file, list(uses), today)
    return CensusPlan(selection, policy, read_files, card_lines)


def journal_parts(plan: CensusPlan) -> dict[str, Any]:
    """What the judgements of a census depend on (besides licscan's code)."""
    policy_bytes = b""
    if plan.policy.file and Path(plan.policy.file).is_file():
        policy_bytes = Path(plan.policy.file).read_bytes()
    return {
        "selection": plan.selection.describe(),
        "policy": plan.policy.name,
        "policy_sha256": hashlib.sha256(policy_bytes).hexdigest(),
        "uses": list(plan.policy.uses),
        "day": plan.policy.today or date.today().isoformat(),
        "read_files": plan.read_files,
        "card_lines": plan.card_lines,
    }


# --- what a listing item needs beyond its page ------------------------------------------


def declares_known_license(card: dict[str, Any] | None) -> bool:
    """The card names its terms by known ids only (`other` counts only with a known
    `license_name`): the declaration is judged, its license files need not be read."""
    if not card:
        return False
    info = card_from_data(card)
    values = [v for v in info.licenses if v.strip().lower() not in NO_LICENSE_VALUES]
    other = len(values) < len(info.licenses)
    if info.license_name:
        values.append(info.license_name)
    elif other:
        return False  # `other` with no name: only the text says what it is
    return bool(values) and all(resolve_license_id(v) for v in values)


def needs_texts(meta: dict[str, Any], read_files: bool) -> bool:
    """Whether the verdict needs license texts (read by blob id, so `model_info` first).
    A README.md without card data is read too, by the fetcher, from the listing alone."""
    if not license_paths_of(meta):
        return False
    return read_files or not declares_known_license(meta.get("card_data"))


def needs_readme(meta: dict[str, Any]) -> bool:
    """The Hub found no card metadata in a README.md: only the file says why."""
    names = [s["path"] for s in meta.get("siblings") or []]
    return meta.get("card_data") is None and readme_path(names) is not None


def license_paths_of(meta: dict[str, Any]) -> list[str]:
    """The license files the fetcher would read (worked out once per listed model)."""
    if "license_paths" not in meta:
        files = [s["path"] for s in meta.get("siblings") or []]
        card = meta.get("card_data")
        link = card.get("license_link") if isinstance(card, dict) else None
        meta["license_paths"] = license_paths(files, link if isinstance(link, str) else None)
    return meta["license_paths"]


def _complete(meta: dict[str, Any]) -> bool:
    """The page says what a snapshot is built from: a commit and the file list."""
    return is_commit(str(meta.get("sha") or "")) and meta.get("siblings") is not None


def _has_blob_ids(meta: dict[str, Any]) -> bool:
    return all(s.get("blob_id") and s.get("size") is not None for s in meta["siblings"])


def bases_of(meta: dict[str, Any]) -> list[str]:
    """Base models as lineage will follow them: the Hub's computed ones, else the card's."""
    if meta.get("base_models"):
        return list(meta["base_models"])
    card = meta.get("card_data")
    return card_from_data(card).base_models if isinstance(card, dict) else []


# --- the census -------------------------------------------------------------------------


class Census:
    """Lists, judges and emits; `run()` returns the summary.  One per census."""

    def __init__(
        self,
        plan: CensusPlan,
        fetcher: HubFetcher,
        listing: Callable[[CensusSelection], Iterator[dict[str, Any]]],
        emit: Emit,
        *,
        jobs: int = DEFAULT_JOBS,
        journal: Journal | None = None,
        store: DiskCache | None = None,
    ) -> None:

        self.plan, self.fetcher, self.listing, self.emit = plan, fetcher, listing, emit
        self.jobs = max(1, jobs)
        self.journal = journal
        self.store = store
        self.listed = Listed()
        self.pending: dict[str, set[str]] = {}  # id -> bases it waits for (listing order)
        self.dependents: dict[str, list[str]] = {}  # base -> ids waiting for it
        self.inflight: set[Future] = set()
        self._external: set[str] = set()  # bases outside the census, asked once
        self._datasets: set[str] = set()
        self._bases: OrderedDict[str, ModelSnapshot] = OrderedDict()
        self._lock = threading.Lock()
        started = utc_now()
        p = plan.policy
        self.summary = CensusSummary(plan.selection, __version__, list(p.uses), p.name, started)
        root = plan.selection.derivatives_of
        self._root = root.lower() if root else None

    def run(self) -> CensusSummary:
        t0 = time.perf_counter()
        load_knowledge()  # one that does not load ends the census (KnowledgeError)
        if self.jobs > 1:
            preload()
        try:
            with stored.using(self.store), ThreadPoolExecutor(max_workers=self.jobs) as self._pool:
                self._list()
                for key in list(self.pending):  # bases never listed: fetched now
                    self._start(key)
                self.pending.clear()
                self._collect(0)
        finally:
            self.listed.close()
        self.summary.seconds = time.perf_counter() - t0
        return self.summary

    def _list(self) -> None:
        try:
            for meta in self.listing(self.plan.selection):
                self._listed(meta)
                self._collect(len(self.inflight))  # emit what is done, never wait here
        except Exception as exc:  # the census stops here, and says so; what was judged stays
            log.debug("listing failed", exc_info=True)
            self.summary.listing_error = self.fetcher.describe(exc)

    # --- ordering: a derivative after the bases the census will list --------------------
    def _listed(self, meta: dict[str, Any]) -> None:
        license_paths_of(meta)  # kept with the spilled listing
        if not self.listed.add(meta):
            return
        key = meta["id"].lower()
        waiting = {b.lower() for b in bases_of(meta) if self._unready(b)}
        waiting.discard(key)
        if waiting:
            self.pending[key] = waiting
            for base in waiting:
                self.dependents.setdefault(base, []).append(key)
            return
        self._start(key)
        self._wake(key)

    def _unready(self, base: str) -> bool:
        """The census may still list `base` (unseen, and its id fits the selection), or
        listed it but it waits for its own bases."""
        b = base.lower()
        if b in self.listed:
            return b in self.pending
        s = self.plan.selection
        if b == self._root:
            return False
        if s.author and not b.startswith(s.author.lower() + "/"):
            return False
        return not (s.search and s.search.lower() not in b)

    def _wake(self, key: str) -> None:
        stack = [key]
        while stack:
            for dep in self.dependents.pop(stack.pop(), []):
                waiting = self.pending.get(dep)
                if waiting is None:
                    continue
                waiting.difference_update(self._ready_among(waiting))
                if not waiting:
                    del self.pending[dep]
                    self._start(dep)
                    stack.append(dep)

    def _ready_among(self, ids: set[str]) -> set[str]:
        return {b for b in ids if b in self.listed and b not in self.pending}

    # --- judging ---------------------------------------------------------------------------
    def _start(self, key: str) -> None:
        meta = self.listed.get(key)
        if meta is None:
            return
        if self.journal is not None:
            replayed = self.journal.replay(meta["id"], meta.get("sha"))
            if replayed is not None:
                self.summary.resumed += 1
                self._finish((meta.get("sha"), replayed[0], replayed[1], None))
                return
        if not self._needs_network(meta):
            self._finish(self._judge(meta))
            return
        self._collect(self.jobs * IN_FLIGHT_PER_JOB - 1)
        self.inflight.add(self._pool.submit(self._judge, meta))

    def _needs_network(self, meta: dict[str, Any]) -> bool:
        """A guess (a wrong one costs speed only): will judging this model wait on the Hub?"""
        if self.plan.card_lines or not _complete(meta) or needs_readme(meta):
            return True
        texts = needs_texts(meta, self.plan.read_files) and not _has_blob_ids(meta)
        if texts and not self.fetcher.has_commit_meta(meta["id"], meta["sha"]):
            return True
        outside = [b for b in bases_of(meta) if b not in self.listed and b not in self._external]
        self._external.update(outside)
        card = meta.get("card_data") if isinstance(meta.get("card_data"), dict) else {}
        sets = card.get("datasets") or []
        new = {d for d in ([sets] if isinstance(sets, str) else sets) if isinstance(d, str)}
        new -= self._datasets
        self._datasets.update(new)
        return bool(outside or new)

    def _judge(self, meta: dict[str, Any]) -> tuple[Any, dict, CensusRow, ModelResult]:
        """Snapshot, lineage, data sets, evaluate.  Never raises (a bug costs one model)."""
        policy = self.plan.policy
        try:
            snap, unread = self.snapshot(meta)
            lineage = Lineage()
            if snap.card is not None or snap.license_files or not snap.error:
                lineage = walk(snap, self._fetch_repo, policy.max_depth)
            datasets = {}
            for ds in snap.card.datasets if snap.card else []:
                datasets[ds] = self.fetcher.dataset_licenses(ds)
            result = evaluate(snap, policy, lineage, datasets)
        except Exception as exc:
            log.debug("census judgement failed", exc_info=True)
            result = _internal_error(meta, policy, exc)
            lineage, unread = Lineage(), False
        return meta.get("sha"), result.to_dict(), census_row(result, lineage, unread), result

    def snapshot(self, meta: dict[str, Any]) -> tuple[ModelSnapshot, bool]:
        """(snapshot, license files left unread).  The page's metadata is completed by
        `model_info` at the listed commit when the verdict needs more than it says."""
        repo_id = meta["id"]
        texts = needs_texts(meta, self.plan.read_files)
        if not _complete(meta) or (texts and not _has_blob_ids(meta)):
            if not is_commit(str(meta.get("sha") or "")):
                return self.fetcher.fetch(Target(repo_id, SourceKind.HUB, repo_id)), False
            try:
                meta = {**self.fetcher.commit_meta(repo_id, meta["sha"]), "id": repo_id}
            except FetchError as exc:
                target = Target(repo_id, SourceKind.HUB, repo_id)
                return ModelSnapshot(target, repo_id, meta["sha"], error=str(exc)), False
        read = texts or self.plan.read_files
        snap = self.fetcher.snapshot_from_meta(meta, license_files=read)
        return snap, not read and bool(license_paths_of(meta))

    def _fetch_repo(self, ref: str) -> ModelSnapshot:
        """Lineage: a base in the census is built from its listing; any other is fetched."""
        key = ref.lower()
        meta = self.listed.get(key)
        if meta is None:
            return self.fetcher.fetch_repo(ref)
        with self._lock:
            snap = self._bases.get(key)
        if snap is None:
            snap = self.snapshot(meta)[0]
            with self._lock:
                self._bases[key] = snap
                while len(self._bases) > BASE_SNAPSHOTS:
                    self._bases.popitem(last=False)
        return snap

    # --- output ------------------------------------------------------------------------------
    def _collect(self, until: int) -> None:
        """Emit finished judgements until at most `until` are in flight."""
        while self.inflight:
            done = {f for f in self.inflight if f.done()}
            if not done:
                if len(self.inflight) <= until:
                    return
                done = wait(self.inflight, return_when=FIRST_COMPLETED).done
            for future in done:
                self.inflight.discard(future)
                self._finish(future.result())

    def _finish(self, judged: tuple[Any, dict, CensusRow, ModelResult | None]) -> None:
        sha, model, row, result = judged
        self.summary.add(row)
        if self.journal is not None and result is not None:
            self.journal.append(sha, row, model)
        self.emit(model, row, result)


def census_row(result: ModelResult, lineage: Lineage, unread: bool = False) -> CensusRow:
    """What the summary keeps: verdict, category, own licenses, flags, and a relabel —
    the nearest base stricter than what the model declares, when the policy's rule
    (`license-mismatch` + `inherits-base-license`) fired."""
    own = [lic for lic in result.licenses if lic.origin.kind is not OriginKind.BASE]
    keys = list(dict.fromkeys(lic.license or "unrecognised" for lic in own)) or ["none"]
    flags = [f.id for f in result.flags]
    blocking = [f.id for f in result.flags if f.severity == Severity.BLOCK]
    row = CensusRow(
        id=result.repo_id or result.ref, verdict=result.verdict, category=result.category,
        licenses=keys, flags=flags, blocking=blocking,
        error=result.error, unread=unread,
    )  # fmt: skip
    if {"license-mismatch", "inherits-base-license"} <= set(flags) and own:
        mine = strictest([lic.category for lic in own])
        for node in lineage.resolved:
            if CATEGORY_ORDER.index(node.category) > CATEGORY_ORDER.index(mine):
                declared = tuple(k for k in keys if k not in ("unrecognised", "none"))
                row.relabel = Relabel(row.id, declared, mine, node.id,
                                      tuple(node.license_keys), node.category)  # fmt: skip
                break
    return row


def _internal_error(meta: dict[str, Any], policy: Policy, exc: Exception) -> ModelResult:
    return ModelResult(
        ref=meta["id"], source=SourceKind.HUB, revision=meta.get("sha"), repo_id=meta["id"],
        category=Category.UNKNOWN, verdict=Verdict.ERROR, use=list(policy.uses),
        error=f"{meta['id']}: internal error: {type(exc).__name__}: {exc}", policy=policy.name,
    )  # fmt: skip


# --- wiring: fetcher, listing, journal ---------------------------------------------------


CENSUS_RETRIES = 4  # as scan: a 5xx or a dropped connection is tried 4 times
CENSUS_MAX_WAIT = 900.0  # but a 429 is waited out: up to 15 min asleep per call (3 waits)


class Listing(Protocol):
    """What a census lists from (licscan.sources.listing.Lister): the selected models'
    metadata, and what the listing's requests cost."""

    counts: dict[str, int]  # "listing" responses, "rate_limited" answers among them

    def models(self, selection: CensusSelection) -> Iterator[dict[str, Any]]: ...


def run_census(
    plan: CensusPlan,
    emit: Emit,
    fetcher: HubFetcher,
    lister: Listing,
    journal_dir: Path | None,
    *,
    store: DiskCache | None = None,
    jobs: int = DEFAULT_JOBS,
    resume: bool = False,
    replay: bool = True,
) -> CensusSummary:
    """List, judge and emit every selected model; the summary says what it cost.
    `journal_dir`: where an interrupted census is journaled (None: nowhere).
    `resume`: replay the judgements of an interrupted run (when `replay`: a format that
    needs every ModelResult, cyclonedx or sarif, judges them again, from the cache)."""
    root = plan.selection.derivatives_of
    if root:  # judged as every direct derivative's base anyway (memoised): ask it first
        snap = fetcher.fetch_repo(root)
        if snap.error and snap.card is None and not snap.license_files:
            raise CensusRootError(f"--derivatives-of {snap.error}")
    journal = None
    try:
        if journal_dir is not None:
            path = journal_dir / f"{journal_key(journal_parts(plan))}.jsonl"
            journal = Journal(path, resume and replay)
    except OSError:
        log.debug("no census journal (cache not writable)", exc_info=True)
    try:
        summary = Census(plan, fetcher, lister.models, emit, jobs=jobs, journal=journal,
                         store=store).run()  # fmt: skip
    finally:
        if journal is not None:
            journal.close()
    stats, counts = fetcher.stats, lister.counts
    summary.requests = {"listing": counts["listing"], "api": stats.api_requests,
                        "files": stats.file_requests, "retries": stats.retries,
                        "rate_limited": counts["rate_limited"]}  # fmt: skip
    return summary
