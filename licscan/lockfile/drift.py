"""`licscan verify`: judge a manifest's models again (online, as `licscan lock` would:
licscan.lockfile.build) and compare with its lock: a new commit on the tracked ref, a
license file changed, added or removed, a changed card license, category, flags,
verdict, gating or base-model terms.  License terms are living data: vendors revise them.
"""

from __future__ import annotations

import dataclasses
import os
from pathlib import Path
from typing import Any

from licscan.errors import ExitCode
from licscan.hubref import short
from licscan.lockfile.build import build_lock
from licscan.lockfile.document import entry_to_dict, load_lock, lock_path_for
from licscan.model import (
    DEFAULT_JOBS,
    Drift,
    LineageEntry,
    LockEntry,
    Lockfile,
    SourceKind,
    Verdict,
)
from licscan.sources.protocol import Fetcher


@dataclasses.dataclass
class Verification:
    """What `licscan verify` found: drift per model, models it could not re-check."""

    lock: Lockfile  # as on disk
    current: Lockfile  # as judged now
    drift: list[Drift]
    errors: list[str]
    notes: list[str] = dataclasses.field(default_factory=list)

    @property
    def exit_code(self) -> ExitCode:
        return ExitCode.FAIL if self.drift else ExitCode.ERROR if self.errors else ExitCode.OK


def verify(
    manifest: str | os.PathLike,
    lock_path: str | os.PathLike | None = None,
    *,
    fetcher: Fetcher,
    jobs: int = DEFAULT_JOBS,
    today: str | None = None,
    progress: Any = None,
    license_files: list[str] | tuple[str, ...] = (),
) -> Verification:
    """Judge the manifest again (online) and compare with its lock.  Raises LockError when
    there is no readable lock, UsageError for a bad manifest or policy."""
    path = Path(lock_path) if lock_path else lock_path_for(manifest)
    old = load_lock(path)
    current = build_lock(manifest, path, jobs=jobs, fetcher=fetcher, today=today,
                         progress=progress, license_files=license_files)  # fmt: skip
    drift: list[Drift] = []
    errors: list[str] = []
    if (old.policy_file, old.policy_sha256) != (current.policy_file, current.policy_sha256):
        drift.append(Drift("*", "policy", f"the policy changed since the lock ({_policy(old)} "
                                          f"-> {_policy(current)})"))  # fmt: skip
    for ref, entry in current.entries.items():
        before = old.entries.get(ref)
        if before is None:
            drift.append(Drift(ref, "unlocked", f"{ref}: in the manifest but not in the lock"))
        elif entry.error and entry.verdict == Verdict.ERROR:
            errors.append(f"{ref}: could not be re-checked: {entry.error}")
        else:
            drift.extend(compare(before, entry))
    for ref in sorted(set(old.entries) - set(current.entries)):
        drift.append(Drift(ref, "removed", f"{ref}: in the lock but no longer in the manifest"))
    notes = []
    if old.licscan_version != current.licscan_version:
        notes.append(f"the lock was written by licscan {old.licscan_version or '?'} and this is "
                     f"{current.licscan_version}: some changes may be licscan's own")  # fmt: skip
    return Verification(old, current, drift, errors, notes)


def _policy(lock: Lockfile) -> str:
    if lock.policy_sha256:
        return f"{lock.policy_file} sha256 {lock.policy_sha256[:12]}"
    return lock.policy_file or "presets"


# --- comparing two entries --------------------------------------------------------------------


def compare(old: LockEntry, new: LockEntry) -> list[Drift]:
    """Every way `new` (judged now) differs from `old` (the lock), most basic first."""
    ref = old.ref
    out: list[Drift] = []

    def add(kind: str, message: str) -> None:
        out.append(Drift(ref, kind, f"{ref}: {message}"))

    if old.revision != new.revision:
        tracked = old.requested or "main"
        add("revision", f"{tracked} moved from {short(old.revision)} to {short(new.revision)}")
    if old.source == SourceKind.LOCAL and old.digest != new.digest:
        add("files", "its card or license files changed since the lock")
    for kind, message in _license_files(old.license_files, new.license_files):
        add(kind, message)
    if (old.card_licenses, old.card_license_name) != (new.card_licenses, new.card_license_name):
        add("card-license", f"card license {_card(old)} -> {_card(new)}")
    if old.category != new.category:
        add("category", f"category {old.category} -> {new.category}")
    for message in _flags(old, new):
        add("flags", message)
    if old.gated != new.gated:
        add("gated", f"gating {old.gated or 'none'} -> {new.gated or 'none'}")
    for message in _lineage(old.lineage, new.lineage):
        add("base-model", message)
    if old.verdict != new.verdict:
        add("verdict", f"verdict ({', '.join(new.use)}) {old.verdict} -> {new.verdict}")
    elif not out and entry_to_dict(_undated(old)) != entry_to_dict(_undated(new)):
        add("other", "the judgement changed (licenses, evidence or waivers)")
    return out


def _undated(e: LockEntry) -> LockEntry:
    """Without what may change freely: when it was checked, which commit a base is at."""
    lineage = [dataclasses.replace(n, revision=None) for n in e.lineage]
    return dataclasses.replace(e, checked_at="", lineage=lineage)


def _card(e: LockEntry) -> str:
    text = ", ".join(e.card_licenses) or "(none)"
    return f"{text} ({e.card_license_name})" if e.card_license_name else text


def _license_files(old: dict, new: dict) -> list[tuple[str, str]]:
    out = []
    for path in sorted(set(old) | set(new)):
        a, b = old.get(path), new.get(path)
        if a is None:
            out.append(("license-file", f"{path} added ({_hash(b)})"))
        elif b is None:
            out.append(("license-file", f"{path} removed (was {_hash(a)})"))
        elif (a.get("sha256"), a.get("blob_id")) != (b.get("sha256"), b.get("blob_id")):
            out.append(("license-file", f"{path} changed ({_hash(a)} -> {_hash(b)})"))
    return out


def _hash(h: dict) -> str:
    if h.get("sha256"):
        return f"sha256 {h['sha256'][:12]}"
    if h.get("blob_id"):
        return f"blob {h['blob_id'][:12]}"
    return h.get("error") or "unreadable"


def _flags(old: LockEntry, new: LockEntry) -> list[str]:
    a = {f.id: f.value for f in old.flags}
    b = {f.id: f.value for f in new.flags}
    out = []
    for fid in sorted(set(a) | set(b)):
        if fid not in a:
            out.append(f"new flag {fid}" + (f"={b[fid]}" if b[fid] else ""))
        elif fid not in b:
            out.append(f"flag {fid} gone")
        elif a[fid] != b[fid]:
            out.append(f"flag {fid} value {a[fid]} -> {b[fid]}")
    return out


def _lineage(old: list[LineageEntry], new: list[LineageEntry]) -> list[str]:
    """Base models are followed on their default branch: what matters is their terms."""
    a = {str(n.id): n for n in old}
    b = {str(n.id): n for n in new}
    out = []
    for base in sorted(set(a) | set(b)):
        x, y = a.get(base), b.get(base)
        if x is None:
            out.append(f"new base model {base} ({y.category})")  # type: ignore[union-attr]
        elif y is None:
            out.append(f"base model {base} no longer in the lineage")
        elif (x.category, x.licenses) != (y.category, y.licenses):
            out.append(f"base model {base}: {_terms(x)} -> {_terms(y)}")
    return out


def _terms(node: LineageEntry) -> str:
    licenses = ", ".join(node.licenses) or "no known license"
    return f"{node.category} ({licenses})"
