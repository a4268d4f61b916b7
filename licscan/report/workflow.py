"""Terminal output of the workflow commands: `lock`, `verify`, `check`, `check-refs`.

Plain lines a CI log or a pre-commit run shows as they are; every problem starts with the
file:line (or the model) it is about.  Cheap to import (the pre-commit path uses it).
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path
from typing import TYPE_CHECKING

from licscan.errors import ExitCode
from licscan.model import VERDICTS_BY_STRICTNESS, Severity, Verdict

if TYPE_CHECKING:
    from licscan.lockfile.drift import Verification
    from licscan.lockfile.precommit import Check
    from licscan.model import Lockfile


def _counts(counter: Counter[str] | dict[str, int]) -> str:
    return ", ".join(f"{counter[k]} {k}" for k in VERDICTS_BY_STRICTNESS if counter.get(k))


def lock_summary(lock: Lockfile, changed: bool) -> tuple[ExitCode, str]:
    """(exit code as `scan` gives it, text): what was written, and each failing model."""
    verdicts = Counter(e.verdict for e in lock.entries.values())
    name = Path(lock.path).name
    state = "written" if changed else "unchanged"
    n = len(lock.entries)
    lines = [f"{name}: {state}, {n} model{'s' if n != 1 else ''} ({_counts(verdicts) or 'none'})"]
    for ref in sorted(lock.entries):
        e = lock.entries[ref]
        if e.verdict == Verdict.FAIL:
            blocking = [f.id for f in e.flags if f.severity == Severity.BLOCK]
            why = f"{e.category}" + (f"; blocked by {', '.join(blocking)}" if blocking else "")
            lines.append(f"  FAIL  {ref}: {why}")
        elif e.verdict == Verdict.ERROR:
            lines.append(f"  ERROR {ref}: {e.error or 'could not be evaluated'}")
    if verdicts.get(Verdict.FAIL):
        code = ExitCode.FAIL
    elif verdicts.get(Verdict.ERROR) and not lock.allow_errors:
        code = ExitCode.ERROR
    else:
        code = ExitCode.OK
    return code, "\n".join(lines) + "\n"


def render_verification(v: Verification, fmt: str = "text") -> str:
    name = Path(v.lock.path).name
    if fmt == "json":
        data = {
            "lock": v.lock.path,
            "models": len(v.current.entries),
            "drift": [{"ref": d.ref, "kind": d.kind, "message": d.message} for d in v.drift],
            "errors": list(v.errors),
            "notes": list(v.notes),
        }
        return json.dumps(data, indent=2, sort_keys=True) + "\n"
    lines = [f"DRIFT {d.message}" for d in v.drift]
    lines += [f"ERROR {e}" for e in v.errors]
    lines += [f"note: {n}" for n in v.notes]
    n = len(v.current.entries)
    if v.drift:
        models = len({d.ref for d in v.drift})
        lines.append(
            f"{name}: {len(v.drift)} change{'s' if len(v.drift) != 1 else ''} in {models} of "
            f"{n} models; review them, then run `licscan lock` to accept"
        )
    elif v.errors:
        lines.append(f"{name}: no drift found, but {len(v.errors)} of {n} models not re-checked")
    else:
        lines.append(f"{name}: no drift ({n} models re-checked)")
    return "\n".join(lines) + "\n"


def render_check(check: Check, what: str = "models") -> str:
    lines = [p.message for p in check.problems]
    lines += [f"warning: {w}" for w in check.warnings]
    lines += [f"note: {n}" for n in check.notes]
    checked = sum(check.counts.values())
    if check.problems:
        kinds = Counter(p.kind for p in check.problems)
        lines.append(
            "licscan: "
            + ", ".join(f"{n} {k}" for k, n in sorted(kinds.items()))
            + (f" ({checked} {what} checked offline from the lock)" if checked else "")
        )
    elif checked:
        lines.append(f"licscan: {checked} {what} ok ({_counts(check.counts)}), from the lock")
    else:
        lines.append(f"licscan: no {what} to check")
    return "\n".join(lines) + "\n"
