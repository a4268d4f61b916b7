"""Sources: where models come from (Hub, local folder, HF cache, manifest) -> ModelSnapshot.

Importing this package is cheap: huggingface_hub is loaded only when a Hub or HF-cache
target is actually fetched.
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING, Any

# A scan sends only its own requests: huggingface_hub's telemetry (in 2.x also a registry
# fetch from the endpoint once per process) stays off unless the user turned it on.
os.environ.setdefault("HF_HUB_DISABLE_TELEMETRY", "1")

if TYPE_CHECKING:
    from licscan.sources.card import parse_card
    from licscan.sources.hub import Fetcher, base_model_ids

__all__ = [
    "Fetcher",
    "base_model_ids",
    "parse_card",
]


def __getattr__(name: str) -> Any:
    if name in ("Fetcher", "base_model_ids"):
        from licscan.sources import hub

        return getattr(hub, name)
    if name == "parse_card":
        from licscan.sources.card import parse_card

        return parse_card
    raise AttributeError(f"module 'licscan.sources' has no attribute {name!r}")
