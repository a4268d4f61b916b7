"""Classifications of license texts kept on disk between scans.

A re-scan meets the same few license texts again.  Reading a stored classification takes
a fraction of a millisecond; computing it again costs each process the fingerprint index
and the clause detectors (about 0.2 s) and each text ~5 ms.  An entry is found by a
digest of the text and its path, under a *stamp*: a digest of everything that decides a
classification (licscan's own code and `rules/`).  A new release or an edited rule
changes the stamp, so a stale answer is never served.

`licscan scan` turns the store on for its run (`using`); elsewhere `classify` computes.
"""

from __future__ import annotations

import dataclasses
import hashlib
import threading
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from functools import cache
from pathlib import Path
from typing import Any

from licscan import __version__
from licscan.model import (
    CATEGORY_ORDER,
    FLAG_IDS,
    Category,
    Evidence,
    EvidenceKind,
    Flag,
    LicenseMatch,
    Site,
    TextClassification,
)
from licscan.paths import rules_dir
from licscan.sources.cache import DiskCache

_active: list[DiskCache] = []  # the store of the scan running now (at most one)
_lock = threading.Lock()


@contextmanager
def using(cache: DiskCache | None) -> Iterator[None]:
    """Keep classifications in `cache` (None: nowhere) while the block runs."""
    if cache is None:
        yield
        return
    with _lock:
        _active.append(cache)
    try:
        yield
    finally:
        with _lock:
            _active.remove(cache)


def get(text: str, source: str) -> TextClassification | None:
    """The stored classification of `text` read as `source`, or None."""
    found = _where(text, source)
    data = found[0].get_classified(*found[1:]) if found else None
    if data is None:
        return None
    try:
        tc = _from_record(data)
    except (KeyError, TypeError, ValueError, AttributeError):  # not what we write: a miss
        return None
    if not _well_typed(tc):
        return None
    tc.category = Category(tc.category)
    return tc


def put(text: str, source: str, tc: TextClassification) -> None:
    found = _where(text, source)
    if not found or tc.error:  # (a failure is cheap to reach again, and may be transient)
        return
    # an unstorable record (say, with a lone surrogate) only costs speed
    with suppress(TypeError, ValueError):
        found[0].put_classified(*found[1:], dataclasses.asdict(tc))


def _where(text: str, source: str) -> tuple[DiskCache, str, str] | None:
    """(store, stamp, key) of a text in the scan running now, or None: no store, or
    licscan's own files could not be read to stamp it (then nothing is reused)."""
    store = _active[-1:]  # (a slice: another thread may end its scan meanwhile)
    if not store:
        return None
    try:
        return store[0], stamp(), _key(text, source)
    except OSError:
        return None


@cache
def stamp() -> str:
    """Digest of licscan's code and shipped rules: what a classification depends on."""
    h = hashlib.sha256(__version__.encode())
    package = Path(__file__).resolve().parents[1]
    for root, pattern in ((package, "*.py"), (rules_dir(), "*")):
        for path in sorted(p for p in root.rglob(pattern) if p.is_file()):
            h.update(path.relative_to(root).as_posix().encode() + b"\0")
            h.update(path.read_bytes())
    return h.hexdigest()[:32]


def _key(text: str, source: str) -> str:
    return hashlib.sha256(f"{source}\0{text}".encode("utf-8", "surrogatepass")).hexdigest()


def _from_record(d: dict[str, Any]) -> TextClassification:
    match = dict(d["match"], differences=[_evidence(e) for e in d["match"]["differences"]])
    flags = [Flag(**dict(f, evidence=[_evidence(e) for e in f["evidence"]])) for f in d["flags"]]
    return TextClassification(**dict(d, match=LicenseMatch(**match), flags=flags))


def _well_typed(tc: TextClassification) -> bool:
    """The fields the engine relies on have their types (a hand-edited record does not
    reach the engine: it would fail there, far from its cause)."""
    m = tc.match
    evidence = [*m.differences, *(ev for f in tc.flags for ev in f.evidence)]
    return (
        isinstance(tc.path, str)
        and tc.category in CATEGORY_ORDER
        and isinstance(tc.osi_approved, bool)
        and isinstance(m.key, str | type(None))
        and isinstance(m.name, str | type(None))
        and isinstance(m.score, int | float)
        and all(isinstance(k, str) for k in m.includes)
        and all(f.id in FLAG_IDS and isinstance(f.value, str | type(None)) for f in tc.flags)
        and all(_well_typed_evidence(ev) for ev in evidence)
    )


def _well_typed_evidence(ev: Evidence) -> bool:
    return (
        isinstance(ev.name, str)
        and isinstance(ev.quote, str)
        and isinstance(ev.base, str | type(None))
    )


def _evidence(e: dict[str, Any]) -> Evidence:
    lines = e.get("lines")
    span = (int(lines[0]), int(lines[1])) if lines else None
    site = Site(e["site"])  # the typed fields as `put` wrote them (asdict); unknown: a miss
    return Evidence(EvidenceKind(e["kind"]), e["quote"], site, e["name"], span, e["base"])
