"""Sources: where models come from (Hub, local folder, HF cache, manifest) -> ModelSnapshot.

Callers import from the module that defines a name (`licscan.sources.fetcher.Fetcher`,
`licscan.sources.arguments.load_targets`, ...): this face re-exports nothing, so importing
it stays cheap.  huggingface_hub is loaded only when a Hub or HF-cache target is fetched.
"""

from __future__ import annotations

import os

# A scan sends only its own requests: huggingface_hub's telemetry (in 2.x also a registry
# fetch from the endpoint once per process) stays off unless the user turned it on.  Here,
# at package import, so it runs before any sources module.
os.environ.setdefault("HF_HUB_DISABLE_TELEMETRY", "1")
