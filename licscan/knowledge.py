"""The license knowledge base: rules/licenses/*.yaml, loaded once and validated.

Each file states, in our own words, what one license (or acceptable-use policy)
does: its category, OSI status, the flags it carries with thresholds and where
the clause sits, and the ids it goes by (Hub ids, SPDX, ScanCode, aliases).
A bad rule file is a clear error naming the file, the line and the field.
"""

from __future__ import annotations

import json
import re
from functools import cache
from pathlib import Path
from typing import Any, NoReturn

import yaml

from licscan.detect import ids
from licscan.detect.fingerprint import FingerprintIndex
from licscan.errors import KnowledgeError
from licscan.model import (
    CATEGORY_ORDER,
    FLAG_IDS,
    TERM_FLAGS,
    Category,
    ClauseFact,
    FlagInfo,
    KnowledgeBase,
    LicenseEntry,
)
from licscan.paths import rules_dir
from licscan.yamlnodes import read_document
from licscan.yamlschema import Reader

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


class _RuleFile(Reader):
    """A rule file (or the glossary) read as YAML nodes.  Its first problem ends the load
    with one line naming file:line: the knowledge base ships reviewed, so a broken file is
    a damaged install or a maintainer's edit, fixed one problem at a time."""

    def __init__(self, path: Path, text: str) -> None:
        super().__init__(path.name, KnowledgeError)
        self.root = self.compose(text)
        self.data: Any = _value(self.root)

    def error(self, node: yaml.Node | int | None, message: str) -> NoReturn:
        super().error(node, message)
        raise self.error_type(self.errors[-1])

    def fields(self, node: yaml.Node | None) -> dict[Any, yaml.Node]:
        """{key: value node} of a mapping node (a repeated key is an error)."""
        out: dict[Any, yaml.Node] = {}
        for key_node, value_node in node.value if isinstance(node, yaml.MappingNode) else ():
            key = _value(key_node)
            if key in out:
                self.error(key_node, f"field '{key}' given twice")
            out[key] = value_node
        return out

    def key_line(self, node: yaml.Node | None, key: Any) -> yaml.Node | None:
        """The key node of `key` in a mapping node (its line, for an unknown field)."""
        for key_node, _ in node.value if isinstance(node, yaml.MappingNode) else ():
            if _value(key_node) == key:
                return key_node
        return node


def _value(node: yaml.Node | None) -> Any:
    """What yaml.safe_load makes of a node (a plain string without a second loader)."""
    if node is None:
        return None
    if isinstance(node, yaml.ScalarNode) and node.tag == "tag:yaml.org,2002:str":
        return node.value
    return yaml.SafeLoader("").construct_document(node)


def _str_tuple(r: _RuleFile, at: dict, data: dict[str, Any], name: str) -> tuple[str, ...]:
    value = data.get(name) or []
    if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
        r.error(at.get(name), f"field '{name}' must be a list of strings")
    return tuple(value)


def _opt_str(r: _RuleFile, at: dict, data: dict[str, Any], name: str) -> str | None:
    value = data.get(name)
    if value is None:
        return None
    if not isinstance(value, str | int | float):
        r.error(at.get(name), f"field '{name}' must be a string")
    return str(value)


def _parse_flag(r: _RuleFile, i: int, node: yaml.Node, raw: Any) -> ClauseFact:
    where = f"flags[{i}]"
    if not isinstance(raw, dict):
        r.error(node, f"{where} must be a mapping")
    at = r.fields(node)
    unknown = set(raw) - _FLAG_FIELDS
    if unknown:
        r.error(
            r.key_line(node, min(unknown, key=str)), f"{where}: unknown field(s) {sorted(unknown)}"
        )
    flag = raw.get("flag")
    if flag not in TERM_FLAGS:
        r.error(
            at.get("flag", node),
            f"{where}.flag: '{flag}' is not a license-term flag of taxonomy.md",
        )
    clause = raw.get("clause")
    if not isinstance(clause, str) or not clause.strip():
        r.error(at.get("clause", node), f"{where}.clause: a short description is required")
    value = raw.get("value")
    if value is not None and not re.fullmatch(r"[0-9]+", str(value)):
        r.error(
            at.get("value", node), f"{where}.value: thresholds are plain numbers, got '{value}'"
        )
    return ClauseFact(
        flag=flag,
        clause=clause.strip(),
        where=str(raw.get("where") or ""),
        value=None if value is None else str(value),
    )


def parse_entry(path: Path, text: str) -> LicenseEntry:
    """Validate one rule file and turn it into a LicenseEntry; KnowledgeError naming
    file:line and the field otherwise."""
    r = _RuleFile(path, text)
    data, root = r.data, r.root
    if not isinstance(data, dict):
        r.error(root, "must be a YAML mapping")
    at = r.fields(root)
    unknown = set(data) - _FIELDS
    if unknown:
        r.error(r.key_line(root, min(unknown, key=str)), f"unknown field(s) {sorted(unknown)}")
    key = data.get("key")
    if not isinstance(key, str) or not _KEY_RE.match(key):
        r.error(
            at.get("key", root), f"field 'key': '{key}' must be lowercase letters, digits, . + -"
        )
    if key != path.stem:
        r.error(at.get("key", root), f"field 'key': '{key}' must equal the file name '{path.stem}'")
    for name in ("name", "category"):
        if not isinstance(data.get(name), str) or not data[name].strip():
            r.error(at.get(name, root), f"field '{name}' is required")
    if data["category"] not in CATEGORY_ORDER:
        names = tuple(map(str, CATEGORY_ORDER))  # a tuple of names, not of members' reprs
        r.error(
            at.get("category", root),
            f"field 'category': '{data['category']}' is not one of {names}",
        )
    if not isinstance(data.get("osi_approved"), bool):
        r.error(at.get("osi_approved", root), "field 'osi_approved' must be true or false")
    kind = data.get("kind", "license")
    if kind not in KINDS:
        r.error(at.get("kind", root), f"field 'kind': '{kind}' is not one of {KINDS}")
    raw_flags = data.get("flags") or []
    if not isinstance(raw_flags, list):
        r.error(at.get("flags", root), "field 'flags' must be a list")
    flag_nodes = at.get("flags", root).value if raw_flags else []
    flags = tuple(
        _parse_flag(r, i, n, f) for i, (n, f) in enumerate(zip(flag_nodes, raw_flags, strict=True))
    )
    return LicenseEntry(
        key=key,
        name=data["name"].strip(),
        category=Category(data["category"]),
        osi_approved=data["osi_approved"],
        kind=kind,
        version=_opt_str(r, at, data, "version"),
        spdx=_opt_str(r, at, data, "spdx"),
        scancode=_opt_str(r, at, data, "scancode"),
        hub_ids=_str_tuple(r, at, data, "hub_ids"),
        aliases=_str_tuple(r, at, data, "aliases"),
        flags=flags,
        policies=_str_tuple(r, at, data, "policies"),
        family=_opt_str(r, at, data, "family"),
        url=_opt_str(r, at, data, "url"),
        notes=str(data.get("notes") or "").strip(),
        file=f"rules/licenses/{path.name}",
        markers=_str_tuple(r, at, data, "markers"),
    )


def _yaml_load(text: str) -> Any:
    import yaml

    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    return yaml.load(text, Loader=loader)


def _read(path: Path) -> str:
    try:
        return read_document(path)
    except (OSError, ValueError) as exc:  # unreadable, undecodable, too large
        raise _fail(path, f"cannot be read: {exc}") from None


def _cross_error(folder: Path, key: str, field: str, item: str, problem: str) -> NoReturn:
    """A check across files failed: name the line of the item in `key`'s file."""
    path = folder / f"{key}.yaml"
    r = _RuleFile(path, _read(path))
    node = r.fields(r.root).get(field)
    items = node.value if isinstance(node, yaml.SequenceNode) else []
    at = next((n for n in items if _value(n) == item), node)
    r.error(at, f"field '{field}': '{item}' {problem}")


def load_dir(folder: Path) -> KnowledgeBase:
    """Load and cross-check every rules/licenses/*.yaml file of `folder`."""
    entries: dict[str, LicenseEntry] = {}
    for path in sorted(folder.glob("*.yaml")):
        entry = parse_entry(path, _read(path))
        entries[entry.key] = entry
    seen: dict[str, str] = {}
    for entry in entries.values():
        for hub_id in entry.hub_ids:
            if hub_id.lower() in seen:
                _cross_error(folder, entry.key, "hub_ids", hub_id,
                             f"is also claimed by {seen[hub_id.lower()]}.yaml")  # fmt: skip
            seen[hub_id.lower()] = entry.key
        for policy in entry.policies:
            target = entries.get(policy)
            if target is None or target.kind != "policy":
                _cross_error(folder, entry.key, "policies", policy,
                             "is not a policy entry of the knowledge base")  # fmt: skip
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


def parse_glossary(path: Path, text: str) -> dict[str, FlagInfo]:
    """Validate rules/flags.yaml: every flag of the taxonomy, each with its three texts."""
    r = _RuleFile(path, text)
    data, at = r.data, r.fields(r.root)
    if not isinstance(data, dict):
        r.error(r.root, "must be a YAML mapping of flag id -> title, description, help")
    out: dict[str, FlagInfo] = {}
    for flag_id, raw in data.items():
        if flag_id not in FLAG_IDS and flag_id not in REPORT_FINDINGS:
            r.error(r.key_line(r.root, flag_id), f"'{flag_id}' is not a flag of taxonomy.md")
        fields = ("title", "description", "help")
        if not isinstance(raw, dict) or set(raw) != set(fields):
            r.error(
                at.get(flag_id, r.root),
                f"'{flag_id}' must have exactly the fields {', '.join(fields)}",
            )
        bad = [f for f in fields if not isinstance(raw[f], str) or not raw[f].strip()]
        if bad:
            r.error(
                r.fields(at.get(flag_id)).get(bad[0], r.root),
                f"'{flag_id}.{bad[0]}' must be a non-empty string",
            )
        out[flag_id] = FlagInfo(*(" ".join(raw[f].split()) for f in fields))
    missing = [f for f in (*FLAG_IDS, *REPORT_FINDINGS) if f not in out]
    if missing:
        r.error(None, f"no entry for flag '{missing[0]}'")
    return out


@cache
def load_glossary() -> dict[str, FlagInfo]:
    """rules/flags.yaml: each flag in plain words (loaded once per process)."""
    path = rules_dir() / "flags.yaml"
    return parse_glossary(path, _read(path))
