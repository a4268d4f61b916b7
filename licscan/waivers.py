"""When a waiver is about to run out.  A waiver with fewer than the policy's
`waiver_warning_days` (30 by default) left is a warning in every report and in `check`:
someone must renew it or resolve what it covers before the gate starts failing.  Cheap to
import (the pre-commit check uses it without the engine)."""

from __future__ import annotations

from datetime import date

DEFAULT_WARNING_DAYS = 30


def expiring(expires: str | None, today: str, warning_days: int) -> int | None:
    """Days a live waiver has left when that is within `warning_days` (0 = its last day);
    None when it has longer, has expired, or warnings are off (warning_days 0)."""
    if not expires or not warning_days or today > expires:
        return None
    left = (date.fromisoformat(expires) - date.fromisoformat(today)).days
    return left if left < warning_days else None


def expiring_note(expires: str, days: int) -> str:
    when = "today" if days == 0 else "tomorrow" if days == 1 else f"in {days} days"
    return f"expires {expires} ({when}): renew it or resolve what it covers"
