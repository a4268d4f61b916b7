"""The offline checks behind the pre-commit hooks: a manifest against its lock, and the
model references in Python sources against both.  No network, no huggingface_hub, no
knowledge base: only the manifest, the lock, the policy file's hash and (for local model
folders) their file names and license bytes.  A commit passes when every model is in the
lock, the lock still stands for it, and its locked verdict passes the policy.

    licscan check [MANIFEST|LOCK]...          # the `licscan` hook
    licscan check-refs [--manifest M] FILE... # the `licscan-refs` hook
"""

from __future__ import annotations

import os
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

from licscan import __version__
from licscan.engine.judge import DEFAULT_WARNING_DAYS, expiring, expiring_note
from licscan.engine.judge import today as judge_day
from licscan.engine.policy import load_policy
from licscan.errors import ExitCode, LockError
from licscan.hubref import is_commit_prefix
from licscan.lockfile.code_refs_formats import find_in_files
from licscan.lockfile.document import LOCK_NAME, load_lock, lock_path_for, policy_ref
from licscan.lockfile.reuse import rejudge, stale_reason, use_disagreement
from licscan.model import (
    LockEntry,
    Lockfile,
    Manifest,
    ModelReference,
    ModelResult,
    Policy,
    Problem,
    Severity,
    SourceKind,
    Target,
    Verdict,
)
from licscan.sources.manifest import load_manifest

DEFAULT_MANIFEST = "licscan.yaml"


@dataclass
class Check:
    """The outcome of an offline check: problems (each `file:line: ...`), counts, notes."""

    problems: list[Problem] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)  # verdict -> models
    notes: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)  # do not fail: a waiver running out

    @property
    def exit_code(self) -> ExitCode:
        kinds = {p.kind for p in self.problems}
        if kinds - {"error"}:
            return ExitCode.FAIL
        return ExitCode.ERROR if kinds else ExitCode.OK

    def add(self, kind: str, message: str) -> None:
        self.problems.append(Problem(kind, message))


@dataclass
class _Locked:
    """A manifest and its lock, read once; header problems already found."""

    manifest: Manifest
    lock: Lockfile | None
    default_use: list[str] | None  # None: cannot be known without re-locking
    today: str
    policy: Policy | None = None  # the manifest's policy, read now: it judges the facts
    warning_days: int = DEFAULT_WARNING_DAYS  # the policy's waiver_warning_days


# --- manifests ------------------------------------------------------------------------------


def manifests_for(paths: list[str]) -> list[str]:
    """Manifests to check for the files given: a manifest as is; a lock -> the manifest it
    names.  No files: every manifest of the repository (default_manifests)."""
    out: list[str] = []
    for p in paths or default_manifests():
        p = os.path.normpath(p)
        path = Path(p)
        if path.name == LOCK_NAME or path.suffix == ".lock":
            manifest = _manifest_of_lock(path)
            out.append(os.path.normpath(manifest or path.parent / DEFAULT_MANIFEST))
        else:
            out.append(p)
    return list(dict.fromkeys(out))


def default_manifests() -> list[str]:
    """What `licscan check` with no FILES checks: every licscan.yaml / licscan.yml that git
    tracks here and below (the hook runs on every commit, whatever changed, so a policy or
    model-folder change is checked against every manifest); outside git, ./licscan.yaml."""
    try:
        run = subprocess.run(
            ["git", "ls-files", "-z", "--", ":(glob)**/licscan.yaml", ":(glob)**/licscan.yml"],
            capture_output=True, timeout=30, check=False,
        )  # fmt: skip
    except (OSError, subprocess.SubprocessError):
        run = None
    found = []
    if run is not None and run.returncode == 0:
        found = sorted(p for p in os.fsdecode(run.stdout).split("\0") if p and Path(p).is_file())
    return found or [DEFAULT_MANIFEST]


def _manifest_of_lock(path: Path) -> Path | None:
    try:
        name = load_lock(path).manifest
    except LockError:
        return None
    return path.parent / name if name else None


def check_manifests(paths: list[str], today: str | None = None) -> Check:
    """Every model of each manifest is locked, its entry still stands, and its locked
    verdict passes.  Raises UsageError for an unreadable manifest or lock."""
    check = Check()
    for manifest in manifests_for(paths):
        state = _read(manifest, check, today)
        if state.lock is None:
            continue
        for target in state.manifest.targets:
            _check_target(target, state, check, where=_where(target))
        _extra_entries(state, check)
    return check


def _read(manifest_path: str, check: Check, today: str | None) -> _Locked:

    manifest = load_manifest(manifest_path)
    lock_path = lock_path_for(manifest_path)
    day = judge_day(today)
    if not lock_path.is_file():
        check.add("stale", f"{manifest_path}:1: no {LOCK_NAME} beside it: run "
                           f"`licscan lock {manifest_path}`")  # fmt: skip
        return _Locked(manifest, None, None, day)
    lock = load_lock(lock_path)
    if lock.manifest and lock.manifest != Path(manifest_path).name:
        check.add("stale", f"{lock_path}:1: locks {lock.manifest}, not {manifest_path}")
        return _Locked(manifest, None, None, day)
    policy = policy_ref(manifest.policy, lock_path.parent)
    if policy != (lock.policy_file, lock.policy_sha256):
        check.add("stale", f"{lock_path}:1: the policy changed since the lock "
                           f"({lock.policy_file or 'presets'} -> {policy[0] or 'presets'}"
                           f"{', new content' if policy[0] == lock.policy_file else ''}): "
                           f"run `licscan lock {manifest_path}`")  # fmt: skip
        return _Locked(manifest, None, None, day)

    if lock.licscan_version != __version__:
        check.notes.append(
            f"{lock_path}: written by licscan {lock.licscan_version}, this is {__version__}: "
            "`licscan lock` judges again with this version's rules"
        )
    default: list[str] | None
    if manifest.use:
        default = list(manifest.use)
    else:  # the policy's own default: known when the manifest named no use at lock time too
        default = list(lock.use) if not lock.manifest_use else None
    policy = load_policy(manifest.policy, default, today)  # PolicyError: a usage error
    return _Locked(manifest, lock, default, day, policy, policy.waiver_warning_days)


def _check_target(target: Target, state: _Locked, check: Check, where: str) -> None:
    """One manifest model against its lock entry; `where` is the place to report."""
    lock = state.lock
    assert lock is not None
    entry = lock.entries.get(target.ref)
    name = Path(lock.path).name
    if entry is None:
        check.add("unlocked", f"{where}: {target.ref}: not in {name}: run `licscan lock`")
        return
    uses = list(target.use) or state.default_use
    if uses is None:
        check.add("stale", f"{where}: {target.ref}: the manifest's use changed since the "
                           "lock: run `licscan lock`")  # fmt: skip
        return
    assert state.policy is not None
    if not entry.error:  # an error has no commit or terms to go stale
        reason = stale_reason(target, entry, uses, state.today)
        if reason:
            check.add("stale", f"{where}: {target.ref}: {reason}: run `licscan lock`")
            return
    # The recorded facts judged now; the recorded verdict is only compared.
    result = rejudge(entry, state.policy, uses)
    _compare(entry, state, check)
    verdict = result.verdict
    check.counts[verdict] = check.counts.get(verdict, 0) + 1
    days = expiring(entry.waived_until, state.today, state.warning_days)
    if days is not None:
        check.warnings.append(f"{where}: {target.ref}: a waiver it relies on "
                              f"{expiring_note(entry.waived_until or '', days)}")  # fmt: skip
    if verdict == Verdict.ERROR and not state.policy.allow_errors:
        check.add("error", f"{where}: {target.ref}: could not be evaluated when locked: "
                           f"{entry.error or 'error'}")  # fmt: skip
    elif verdict == Verdict.FAIL:
        when = f"[{name}, checked {entry.checked_at or '?'}]"
        check.add("fail", f"{where}: {target.ref}: fails the policy ({', '.join(uses)}): "
                          f"{_why(result)} {when}")  # fmt: skip


def _compare(entry: LockEntry, state: _Locked, check: Check) -> None:
    """A recorded verdict the recorded facts do not give: someone edited the lock."""
    assert state.lock is not None and state.policy is not None
    if state.lock.licscan_version != __version__:
        return  # another version may judge otherwise: the note above says so
    why = use_disagreement(entry, state.policy)
    if why:
        check.add("fail", f"{state.lock.path}: {entry.ref}: {why}")


def _why(result: ModelResult) -> str:
    blocking = [f.id + (f"={f.value}" if f.value else "") for f in result.flags
                if f.severity == Severity.BLOCK]  # fmt: skip
    parts = [result.category]
    if blocking:
        parts.append("blocked by " + ", ".join(blocking))
    return "; ".join(parts)


def _extra_entries(state: _Locked, check: Check) -> None:
    assert state.lock is not None
    listed = {t.ref for t in state.manifest.targets}
    for ref in sorted(set(state.lock.entries) - listed):
        check.add("stale", f"{state.lock.path}:1: {ref} is locked but no longer in "
                           f"{state.manifest.path}: run `licscan lock`")  # fmt: skip


def _where(target: Target) -> str:
    return f"{target.location[0]}:{target.location[1]}" if target.location else target.ref


# --- model references in code, notebooks, configs and scripts ---------------------------


def check_refs(
    files: list[str], manifest: str = DEFAULT_MANIFEST, today: str | None = None
) -> Check:
    """Every Hub model the files name is in the manifest, locked, and passes."""
    check = Check()
    own = _own_files(manifest)
    refs, unreadable = find_in_files([f for f in files if _resolved(f) not in own])
    for message in unreadable:
        check.add("error", f"{message} (model references cannot be checked)")
    if not refs:
        return check
    if not Path(manifest).is_file():
        for ref in refs:
            check.add("unlocked", f"{ref.where}: {ref.ref}: no manifest {manifest} "
                                  "lists it (pass --manifest)")  # fmt: skip
        return check
    state = _read(manifest, check, today)
    for ref in refs:
        _check_ref(ref, state, check)
    return check


def _own_files(manifest: str) -> set[Path]:
    """licscan's own files are read as configs by no one: the manifest, its lock and its
    policy file (a waiver's `model:` loads nothing)."""
    own = {_resolved(manifest), _resolved(lock_path_for(manifest))}
    try:
        policy = load_manifest(manifest).policy if Path(manifest).is_file() else None
    except ValueError:  # the manifest's own problems are reported when it is read
        policy = None
    if policy and Path(policy).is_file():
        own.add(_resolved(policy))
    return own


def _resolved(path: str | Path) -> Path:
    return Path(path).resolve()


def _check_ref(ref: ModelReference, state: _Locked, check: Check) -> None:
    where = ref.where
    candidates = _matches(ref, state)
    if not candidates:
        listed = [t.ref for t in state.manifest.targets if _same_repo(ref, t, state)]
        hint = f" (it lists {', '.join(listed)})" if listed else ""
        check.add("unlocked", f"{where}: {ref.ref}: not in {state.manifest.path}{hint}")
        return
    if state.lock is None:
        return  # the manifest's own problem (no lock, stale policy) is already reported
    trial = [Check() for _ in candidates]
    for target, sub in zip(candidates, trial, strict=True):
        _check_target(target, state, sub, where)
    best = min(trial, key=lambda c: (c.exit_code != ExitCode.OK, c.exit_code))
    check.problems.extend(best.problems)
    for verdict, n in best.counts.items():
        check.counts[verdict] = check.counts.get(verdict, 0) + n


def _matches(ref: ModelReference, state: _Locked) -> list[Target]:
    """Manifest models a reference can mean: same repo, and the same revision if it names
    one (a branch/tag as written, or the locked commit, or a 7+ hex prefix of it)."""
    same = [t for t in state.manifest.targets if _same_repo(ref, t, state)]
    if ref.revision is None:
        main = [t for t in same if t.revision is None]
        return main or same
    rev = ref.revision
    out = []
    for t in same:
        entry = state.lock.entries.get(t.ref) if state.lock else None
        locked = entry.revision if entry else None
        if rev == t.revision or (
            locked and (rev == locked or (is_commit_prefix(rev) and locked.startswith(rev)))
        ):
            out.append(t)
    return out


def _same_repo(ref: ModelReference, target: Target, state: _Locked) -> bool:
    if target.kind != SourceKind.HUB or not target.repo_id:
        return False
    names = {target.repo_id.lower()}
    entry = state.lock.entries.get(target.ref) if state.lock else None
    if entry and entry.repo_id:
        names.add(entry.repo_id.lower())  # a renamed repo: its new name counts too
    return ref.repo_id.lower() in names
