#!/usr/bin/env python3
"""Build rules/fingerprints.json from a folder of reference license texts.

    python scripts/build_fingerprints.py --texts ../shared/corpus/texts \
        --map rules/fingerprint-sources.yaml --out rules/fingerprints.json

`--map` (rules/fingerprint-sources.yaml) says which knowledge-base key each reference
file is (`texts:`), and which standard licenses to take from the ScanCode license
database packaged as `licensedcode-data` (`scancode:` key -> ScanCode key).  Only
derived fingerprints are written, never text.  Same inputs -> byte-identical output.
"""

from __future__ import annotations

import argparse
import importlib.util
import sys
from importlib import metadata
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from licscan.detect.fingerprint import build_database, dump_database  # noqa: E402
from licscan.detect.normalize import decode  # noqa: E402
from licscan.knowledge import _yaml_load, load_dir  # noqa: E402


def scancode_dir() -> Path | None:
    """data/licenses of the installed licensedcode-data package, if any."""
    spec = importlib.util.find_spec("licensedcode")
    for base in (spec.submodule_search_locations or []) if spec else []:
        folder = Path(base) / "data" / "licenses"
        if folder.is_dir():
            return folder
    return None


def scancode_text(folder: Path, key: str) -> str:
    text = (folder / f"{key}.LICENSE").read_text(encoding="utf-8")
    if text.startswith("---\n"):  # YAML front matter with the license metadata
        text = text.split("\n---\n", 1)[1]
    return text


def collect(
    texts: Path,
    mapping: dict,
    kb_keys: set[str],
    scancode: Path | None,
) -> tuple[list[tuple[str, str, str, str]], str | None]:
    sources: list[tuple[str, str, str, str]] = []
    for name, key in sorted((mapping.get("texts") or {}).items()):
        if key not in kb_keys:
            raise SystemExit(f"map: texts.{name}: '{key}' is not a knowledge-base key")
        path = texts / name
        if not path.is_file():
            raise SystemExit(f"map: texts.{name}: no such file in {texts}")
        sources.append((name, key, "texts", decode(path.read_bytes())))
    wanted = mapping.get("scancode") or {}
    version = None
    if wanted:
        if scancode is None:
            raise SystemExit(
                "map lists ScanCode references but licensedcode-data is not "
                "installed (pip install licscan[test]) - or pass --no-scancode"
            )
        version = f"licensedcode-data {metadata.version('licensedcode-data')}"
        for key, sc_key in sorted(wanted.items()):
            if key not in kb_keys:
                raise SystemExit(f"map: scancode.{key}: not a knowledge-base key")
            sources.append((f"scancode:{sc_key}", key, "scancode", scancode_text(scancode, sc_key)))
    return sources, version


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--texts", required=True, type=Path, help="folder of reference texts")
    ap.add_argument("--map", required=True, type=Path, help="fingerprint-sources.yaml")
    ap.add_argument("--out", required=True, type=Path)
    ap.add_argument(
        "--rules",
        type=Path,
        default=ROOT / "rules" / "licenses",
        help="knowledge base folder (for key checks)",
    )
    ap.add_argument(
        "--no-scancode",
        action="store_true",
        help="skip the ScanCode references (output will differ from the shipped file)",
    )
    args = ap.parse_args(argv)
    kb = load_dir(args.rules)
    mapping = _yaml_load(args.map.read_text(encoding="utf-8")) or {}
    if args.no_scancode:
        mapping = {**mapping, "scancode": {}}
    sources, version = collect(args.texts, mapping, set(kb.entries), scancode_dir())
    policy_keys = {k for k, e in kb.entries.items() if e.kind == "policy"}
    db = build_database(sources, policy_keys)
    if version:
        db["scancode_data"] = version
    args.out.write_text(dump_database(db), encoding="utf-8")
    print(
        f"{args.out}: {len(db['references'])} references from {len(sources)} texts", file=sys.stderr
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
