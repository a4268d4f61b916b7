"""Where the tests find things, whatever folder a test module sits in (tests/<room>/):
the checkout, the test data, the fixtures, the examples, and the license corpus beside
the checkout in ../shared/corpus (only CI is sure to have it; LICSCAN_CORPUS points
elsewhere)."""

from __future__ import annotations

import os
from pathlib import Path

TESTS = Path(__file__).resolve().parent
ROOT = TESTS.parent
DATA = TESTS / "data"
FIXTURES = TESTS / "fixtures"
EXAMPLES = ROOT / "examples"
CORPUS = Path(os.environ.get("LICSCAN_CORPUS") or ROOT.parent / "shared" / "corpus")
HAVE_CORPUS = all(
    (CORPUS / part).exists() for part in ("facts.yaml", "texts", "cards/SOURCES.tsv", "cassettes")
)
CORPUS_ABSENT = f"needs the license corpus ../shared/corpus (not found at {CORPUS})"


def corpus_params(read):
    """Parameters read from the corpus at collection time: read() when the corpus is
    there, else [] (the test is marked `corpus` and skips with CORPUS_ABSENT)."""
    return read() if HAVE_CORPUS else []
