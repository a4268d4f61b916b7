"""The license knowledge base: rules/licenses/*.yaml, loaded once and validated.

Each file states, in our own words, what one license (or acceptable-use policy)
does: its category, OSI status, the flags it carries with thresholds and where
the clause sits, and the ids it goes by (Hub ids, SPDX, ScanCode, aliases).
A bad rule file is a clear error naming the file and the field.
"""

from __future__ import annotations

import json
import re
from functools import cache
from pathlib import Path
from typing import Any

from licscan.detect import ids
from licscan.detect.fingerprint import FingerprintIndex
from licscan.errors import KnowledgeError
from licscan.model import (
    CATEGORY_ORDER,
    FLAG_IDS,
    TERM_FLAGS,
    ClauseFact,
    FlagInfo,
    KnowledgeBase,
    LicenseEntry,
)
from licscan.paths import rules_dir

KINDS = ("license", "policy")
_KEY_RE = re.compile(r"^[a-z0-9][a-z0-9.+-]*$")
_FIELDS = {
    "key",
    "name",
    "category",
    "osi_approved",
    "kind",
    "version",
    "spdx",
    "scancode",
    "hub_ids",
    "aliases",
    "flags",
    "policies",
    "family",
    "url",
    "notes",
    "markers",
}
_FLAG_FIELDS = {"flag", "clause", "where", "value"}


def _fail(path: Path, msg: str) -> KnowledgeError:
    return KnowledgeError(f"{path.name}: {msg}")


def _str_tuple(path: Path, data: dict[str, Any], name: str) -> tuple[str, ...]:
    value = data.get(name) or []
    if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
        raise _fail(path, f"field '{name}' must be a list of strings")
    return tuple(value)


def _opt_str(path: Path, data: dict[str, Any], name: str) -> str | None:
    value = data.get(name)
    if value is None:
        return None
    if not isinstance(value, str | int | float):
        raise _fail(path, f"field '{name}' must be a string")
    return str(value)


def _parse_flag(path: Path, i: int, raw: Any) -> ClauseFact:
    where = f"flags[{i}]"
    if not isinstance(raw, dict):
        raise _fail(path, f"{where} must be a mapping")
    unknown = set(raw) - _FLAG_FIELDS
    if unknown:
        raise _fail(path, f"{where}: unknown field(s) {sorted(unknown)}")
    flag = raw.get("flag")
    if flag not in TERM_FLAGS:
        raise _fail(path, f"{where}.flag: '{flag}' is not a license-term flag of taxonomy.md")
    clause = raw.get("clause")
    if not isinstance(clause, str) or not clause.strip():
        raise _fail(path, f"{where}.clause: a short description is required")
    value = raw.get("value")
    if value is not None and not re.fullmatch(r"[0-9]+", str(value)):
        raise _fail(path, f"{where}.value: thresholds are plain numbers, got '{value}'")
    return ClauseFact(
        flag=flag,
        clause=clause.strip(),
        where=str(raw.get("where") or ""),
        value=None if value is None else str(value),
    )


def parse_entry(path: Path, data: Any) -> LicenseEntry:
    """Validate one rule file's data and turn it into a LicenseEntry."""
    if not isinstance(data, dict):
        raise _fail(path, "must be a YAML mapping")
    unknown = set(data) - _FIELDS
    if unknown:
        raise _fail(path, f"unknown field(s) {sorted(unknown)}")
    key = data.get("key")
    if not isinstance(key, str) or not _KEY_RE.match(key):
        raise _fail(path, f"field 'key': '{key}' must be lowercase letters, digits, . + -")
    if key != path.stem:
        raise _fail(path, f"field 'key': '{key}' must equal the file name '{path.stem}'")
    for name in ("name", "category"):
        if not isinstance(data.get(name), str) or not data[name].strip():
            raise _fail(path, f"field '{name}' is required")
    if data["category"] not in CATEGORY_ORDER:
        raise _fail(path, f"field 'category': '{data['category']}' is not one of {CATEGORY_ORDER}")
    if not isinstance(data.get("osi_approved"), bool):
        raise _fail(path, "field 'osi_approved' must be true or false")
    kind = data.get("kind", "license")
    if kind not in KINDS:
        raise _fail(path, f"field 'kind': '{kind}' is not one of {KINDS}")
    raw_flags = data.get("flags") or []
    if not isinstance(raw_flags, list):
        raise _fail(path, "field 'flags' must be a list")
    flags = tuple(_parse_flag(path, i, f) for i, f in enumerate(raw_flags))
    return LicenseEntry(
        key=key,
        name=data["name"].strip(),
        category=data["category"],
        osi_approved=data["osi_approved"],
        kind=kind,
        version=_opt_str(path, data, "version"),
        spdx=_opt_str(path, data, "spdx"),
        scancode=_opt_str(path, data, "scancode"),
        hub_ids=_str_tuple(path, data, "hub_ids"),
        aliases=_str_tuple(path, data, "aliases"),
        flags=flags,
        policies=_str_tuple(path, data, "policies"),
        family=_opt_str(path, data, "family"),
        url=_opt_str(path, data, "url"),
        notes=str(data.get("notes") or "").strip(),
        file=f"rules/licenses/{path.name}",
        markers=_str_tuple(path, data, "markers"),
    )


def _yaml_load(text: str) -> Any:
    import yaml

    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    return yaml.load(text, Loader=loader)


def load_dir(folder: Path) -> KnowledgeBase:
    """Load and cross-check every rules/licenses/*.yaml file of `folder`."""
    entries: dict[str, LicenseEntry] = {}
    for path in sorted(folder.glob("*.yaml")):
        try:
            data = _yaml_load(path.read_text(encoding="utf-8"))
        except Exception as exc:  # yaml.YAMLError, UnicodeDecodeError
            raise _fail(path, f"cannot be read: {exc}") from None
        entry = parse_entry(path, data)
        entries[entry.key] = entry
    seen: dict[str, str] = {}
    for entry in entries.values():
        for hub_id in entry.hub_ids:
            if hub_id.lower() in seen:
                raise KnowledgeError(
                    f"{entry.key}.yaml: field 'hub_ids': '{hub_id}' is also "
                    f"claimed by {seen[hub_id.lower()]}.yaml"
                )
            seen[hub_id.lower()] = entry.key
        for policy in entry.policies:
            target = entries.get(policy)
            if target is None or target.kind != "policy":
                raise KnowledgeError(
                    f"{entry.key}.yaml: field 'policies': '{policy}' is not "
                    "a policy entry of the knowledge base"
                )
    return KnowledgeBase(entries)


@cache
def load_knowledge() -> KnowledgeBase:
    """The shipped knowledge base (loaded once per process)."""
    return load_dir(rules_dir() / "licenses")


@cache
def load_index() -> FingerprintIndex:
    """The fingerprints of the reference texts (rules/fingerprints.json, built by
    scripts/build_fingerprints.py), with the names the knowledge base gives each license
    (loaded once per process)."""
    data = json.loads((rules_dir() / "fingerprints.json").read_text(encoding="utf-8"))
    names = {
        e.key: (e.name, e.spdx or "", e.family or "", *e.markers)
        for e in load_knowledge().entries.values()
    }
    return FingerprintIndex.from_json(data, names)


def resolve_license_id(value: str) -> str | None:
    """The shipped knowledge base's key for a license id, expression or name, or None
    (licscan.detect.ids.resolve_license_id)."""
    return ids.resolve_license_id(load_knowledge(), value)


def resolve_expression(value: str) -> list[str]:
    """Every shipped knowledge-base key an SPDX expression names."""
    return ids.resolve_expression(load_knowledge(), value)


# Report-only findings the glossary explains besides the taxonomy's flags.
REPORT_FINDINGS = ("model-error", "category-not-allowed", "policy-denied", "waiver-expiring")


def parse_glossary(path: Path, data: Any) -> dict[str, FlagInfo]:
    """Validate rules/flags.yaml: every flag of the taxonomy, each with its three texts."""
    if not isinstance(data, dict):
        raise _fail(path, "must be a YAML mapping of flag id -> title, description, help")
    out: dict[str, FlagInfo] = {}
    for flag_id, raw in data.items():
        if flag_id not in FLAG_IDS and flag_id not in REPORT_FINDINGS:
            raise _fail(path, f"'{flag_id}' is not a flag of taxonomy.md")
        fields = ("title", "description", "help")
        if not isinstance(raw, dict) or set(raw) != set(fields):
            raise _fail(path, f"'{flag_id}' must have exactly the fields {', '.join(fields)}")
        bad = [f for f in fields if not isinstance(raw[f], str) or not raw[f].strip()]
        if bad:
            raise _fail(path, f"'{flag_id}.{bad[0]}' must be a non-empty string")
        out[flag_id] = FlagInfo(*(" ".join(raw[f].split()) for f in fields))
    missing = [f for f in (*FLAG_IDS, *REPORT_FINDINGS) if f not in out]
    if missing:
        raise _fail(path, f"no entry for flag '{missing[0]}'")
    return out


@cache
def load_glossary() -> dict[str, FlagInfo]:
    """rules/flags.yaml: each flag in plain words (loaded once per process)."""
    path = rules_dir() / "flags.yaml"
    try:
        data = _yaml_load(path.read_text(encoding="utf-8"))
    except Exception as exc:  # OSError, yaml.YAMLError, UnicodeDecodeError
        raise _fail(path, f"cannot be read: {exc}") from None
    return parse_glossary(path, data)
