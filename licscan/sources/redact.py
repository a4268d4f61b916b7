"""Token scrubbing for every message licscan writes about the Hub (no huggingface_hub)."""

from __future__ import annotations

import re

_TOKEN_RE = re.compile(r"\bhf_[A-Za-z0-9]{8,}|(?i:bearer)\s+[^\s'\"]+")


def redact(text: str, secrets: tuple[str, ...] = ()) -> str:
    """Remove tokens from a message: the known secrets, `hf_...` and `Bearer ...`."""
    for secret in secrets:
        if secret:
            text = text.replace(secret, "***")
    return _TOKEN_RE.sub("***", text)
