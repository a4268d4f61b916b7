"""The invented licenses of tests/data/unseen, as classify sees them.

A text may build on a standard license: `{{scancode:KEY}}` stands for that license's text
from the pinned licensedcode-data package (a test dependency), so an invented "MIT plus
one clause" never copies the standard text into this repository.
"""

from __future__ import annotations

import importlib.util
import re
from pathlib import Path

import yaml
from paths import DATA

UNSEEN = DATA / "unseen"
_BASE = re.compile(r"\{\{scancode:([a-z0-9.+-]+)\}\}")


def labels() -> dict[str, dict]:
    return yaml.safe_load((UNSEEN / "labels.yaml").read_text("utf-8"))["texts"]


def scancode_text(key: str) -> str:
    spec = importlib.util.find_spec("licensedcode")
    if spec is None:
        raise LookupError("licensedcode-data is not installed (pip install -e '.[test]')")
    folder = Path(next(iter(spec.submodule_search_locations))) / "data" / "licenses"
    raw = (folder / f"{key}.LICENSE").read_text("utf-8")
    return raw.split("\n---\n", 1)[1].strip("\n") if raw.startswith("---\n") else raw


def read_unseen(name: str) -> str:
    """The text of one invented license, its standard base (if any) filled in."""
    text = (UNSEEN / name).read_text("utf-8")
    return _BASE.sub(lambda m: scancode_text(m.group(1)), text)
