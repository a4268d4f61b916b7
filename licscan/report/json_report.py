"""JSON: exactly the contract of ../shared/docs/contracts.md ('JSON: scan')."""

from __future__ import annotations

import json
from typing import Any

from licscan.model import ScanReport


def render(report: ScanReport, **_: Any) -> str:
    # Keys stay in contract order (readable, and stable run to run: dicts keep
    # insertion order); non-ASCII stays readable in quotes.
    return json.dumps(report.to_dict(), indent=2, ensure_ascii=False) + "\n"
