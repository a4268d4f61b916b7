"""Policies: what each use case blocks, warns about or accepts, with file:line for everything.
This module loads them; licscan.engine.judge applies them to a model.

Presets (rules/policies/<use>.yaml) map every category and flag to block/warn/info for
one use case.  A policy file extends them: per-flag and per-category severities, allow
and deny lists of licenses and models, the organisation's own figures (a user or revenue
threshold far above them is only `info`), and waivers that expire.  Files are read as
YAML node trees, so every error and every decision can name its file and line.
"""

from __future__ import annotations

import fnmatch
import os
import re
from datetime import date
from functools import cache
from pathlib import Path

import yaml

from licscan.engine.judge import DEFAULT_USE, ORG_FIGURES
from licscan.errors import PolicyError
from licscan.model import (
    CATEGORY_ORDER,
    FLAG_IDS,
    MAX_DEPTH_LIMIT,
    SEVERITIES,
    USES,
    Category,
    PatternRule,
    Policy,
    Rule,
    RuleSource,
    Severity,
    Waiver,
)
from licscan.paths import rules_dir
from licscan.yamlnodes import kind, read_document, scalar
from licscan.yamlschema import Bool, Date, Int, OneOf, Reader, Str, did_you_mean, iso_day

PRESET_KEYS = ("use", "description", "categories", "flags", "lineage")
POLICY_KEYS = (
    "extends", "description", "flags", "categories", "allow_licenses", "deny_licenses",
    "allow_models", "deny_models", "organisation", "organization", "waivers", "allow_errors",
    "lineage", "waiver_warning_days",
)  # fmt: skip
WAIVER_KEYS = ("model", "license", "flags", "reason", "approver", "expires")
LINEAGE_KEYS = ("max_depth", "unresolved")
_GLOB = re.compile(r"[*?\[]")
_SINGULAR = {"categories": "category", "flags": "flag"}
SEVERITY = OneOf(SEVERITIES, "unknown severity {value} for {what} (expected block, warn or info)")
_DAYS = Int(0, 3650, "{what} must be a whole number of days (0: never)")
_DEPTH = Int(1, MAX_DEPTH_LIMIT, f"{{what}} must be a whole number from 1 to {MAX_DEPTH_LIMIT}")
_FIGURE = Int(0, None, "{what} must be a whole number, got {kind}")


# --- loading ---------------------------------------------------------------------------


def load_policy(
    path: str | os.PathLike | None, uses: list[str] | None = None, today: str | date | None = None
) -> Policy:
    """The policy for a scan: presets alone (path None, or a preset name such as
    'research'), or a policy file extending them.  `uses` (from --use or a manifest) win
    over the file's `extends`; with neither, the use is 'commercial'.  `today` fixes the
    date waivers are judged on (tests); None means the day of the scan."""
    uses = list(dict.fromkeys(uses or []))
    bad = [u for u in uses if u not in USES]
    if bad:
        raise PolicyError(f"unknown use '{bad[0]}' (expected one of {', '.join(USES)})")
    day = iso_day(today) if today is not None else None
    if path is None or str(path) in USES:
        default = uses or [str(path) if path else DEFAULT_USE]
        policy = _preset_policy(default)
        policy.today = day
        return policy
    policy = _Parser(Path(path)).parse(uses)
    policy.today = day
    return policy


def _preset_policy(uses: list[str]) -> Policy:
    policy = Policy(name=f"{', '.join(uses)} (preset)", uses=list(uses))
    for use, (categories, flags, unresolved) in presets().items():
        policy.categories[use] = dict(categories)
        policy.flags[use] = dict(flags)
        policy.unresolved[use] = unresolved
    return policy


@cache
def presets() -> dict[str, tuple[dict[str, Rule], dict[str, Rule], Rule]]:
    """Every shipped preset: use -> (category rules, flag rules, unresolved-base rule)."""
    out = {}
    for use in USES:
        path = rules_dir() / "policies" / f"{use}.yaml"
        out[use] = _PresetParser(path, use).parse()
    return out


def display_path(path: Path) -> str:
    """A path as a reader wants it cited: relative to the working directory when inside
    it, 'rules/policies/x.yaml' for shipped presets."""
    try:
        rules = rules_dir().resolve()
        resolved = path.resolve()
        if resolved.is_relative_to(rules):
            return "rules/" + resolved.relative_to(rules).as_posix()
        if resolved.is_relative_to(Path.cwd()):
            return resolved.relative_to(Path.cwd()).as_posix()
    except (OSError, ValueError):
        pass
    return str(path)


class _File(Reader):
    """A policy or preset file read as YAML nodes: every problem is 'file:line: message'."""

    preset: str | None = None  # the use a shipped preset is named for

    def __init__(self, path: Path) -> None:
        super().__init__(display_path(path), PolicyError)
        self.path = path

    def source(self, node: yaml.Node | None) -> RuleSource:
        """The line of this file that a decision taken from `node` cites."""
        return RuleSource.at(self.label, self.line(node), self.preset)

    def read(self) -> yaml.Node | None:
        try:
            text = read_document(self.path)
        except FileNotFoundError:
            raise PolicyError(f"{self.label}: policy file not found") from None
        except (OSError, ValueError) as exc:  # undecodable, too large, a NUL byte in the path
            raise PolicyError(f"{self.label}: cannot read policy: {exc}") from None
        return self.compose(text)

    def severities(
        self, node: yaml.Node, names: tuple[str, ...], kind: str
    ) -> list[tuple[str, str | None, Rule]]:
        """`{name: severity}` or `{name: {use: severity}}` -> [(name, use|None, Rule)]."""
        if not isinstance(node, yaml.MappingNode):
            plural = "categories" if kind == "category" else f"{kind}s"
            self.error(node, f"'{plural}' must be a mapping of {kind} to severity")
            return []
        return [
            (name, use, rule)
            for name, (_, value_node) in self.entries(node, names, kind)
            for use, rule in self.per_use_rules(value_node, f"{kind} '{name}'")
        ]

    def per_use_rules(self, node: yaml.Node, what: str) -> list[tuple[str | None, Rule]]:
        """`severity` (every use: None) or `{use: severity}` -> [(use|None, Rule)]."""
        found = self.per_use(node, what, SEVERITY, USES)
        return [(use, Rule(sev, self.source(n))) for use, sev, n in found]


class _PresetParser(_File):
    """A shipped preset: complete (every category, every flag), or a clear error."""

    def __init__(self, path: Path, use: str) -> None:
        super().__init__(path)
        self.use = self.preset = use

    def parse(self) -> tuple[dict[str, Rule], dict[str, Rule], Rule]:
        root = self.read()
        fields = self.mapping(root, PRESET_KEYS, "preset") if root is not None else {}
        if "use" in fields and scalar(fields["use"][1]) != self.use:
            self.error(fields["use"][1], f"'use' must be '{self.use}' (the file name)")
        categories: dict[str, Rule] = {}
        flags: dict[str, Rule] = {}
        unresolved = None
        for section, names, target in (
            ("categories", CATEGORY_ORDER, categories),
            ("flags", FLAG_IDS, flags),
        ):
            if section not in fields:
                self.error(root, f"missing '{section}'")
                continue
            for name, use, rule in self.severities(fields[section][1], names, _SINGULAR[section]):
                if use is not None:
                    self.error(root, f"{section}: per-use severities belong in policy files")
                target[name] = rule
            missing = [n for n in names if n not in target]
            if missing:
                self.error(fields[section][0], f"{section} missing: {', '.join(missing)}")
        if "lineage" in fields:
            lin = self.mapping(fields["lineage"][1], ("unresolved",), "lineage")
            if "unresolved" in lin:
                sev = self.value(lin["unresolved"][1], "lineage.unresolved", SEVERITY)
                if sev:
                    unresolved = Rule(sev, self.source(lin["unresolved"][1]))
        if unresolved is None:
            self.error(root, "missing 'lineage: {unresolved: SEVERITY}'")
        if (
            categories.get(Category.UNKNOWN)
            and categories[Category.UNKNOWN].severity != Severity.BLOCK
        ):
            self.error(None, "category 'unknown' must block (fail closed)")
        self.fail_if_errors()
        assert unresolved is not None
        return categories, flags, unresolved


class _Parser(_File):
    """A user policy file (its format: docs/policies.md)."""

    def parse(self, uses: list[str]) -> Policy:
        root = self.read()
        if root is None:
            raise PolicyError(f"{self.label}:1: empty policy (expected at least 'extends:')")
        fields = self.mapping(root, POLICY_KEYS, "policy")
        if "organisation" in fields and "organization" in fields:
            self.error(fields["organization"][0], "give 'organisation' or 'organization', not both")
        extends = self._extends(fields.get("extends"))
        chosen = uses or extends or [DEFAULT_USE]
        base = ", ".join(extends or [DEFAULT_USE])
        policy = _preset_policy(chosen)
        policy.name = f"{self.label} (extends {base})"
        policy.file = self.label
        self._overrides(fields, policy)
        self._lists(fields, policy)
        org = fields.get("organisation") or fields.get("organization")
        if org:
            self._organisation(org[1], policy)
        if "waivers" in fields:
            policy.waivers = self._waivers(fields["waivers"][1])
        if "allow_errors" in fields:
            allow = self.value(fields["allow_errors"][1], "'allow_errors'", Bool())
            if allow is not None:
                policy.allow_errors = allow
        if "lineage" in fields:
            self._lineage(fields["lineage"][1], policy)
        if "waiver_warning_days" in fields:
            days = self.value(fields["waiver_warning_days"][1], "'waiver_warning_days'", _DAYS)
            if days is not None:
                policy.waiver_warning_days = days
        self.fail_if_errors()
        return policy

    def _extends(self, item: tuple[yaml.Node, yaml.Node] | None) -> list[str]:
        if item is None:
            return []
        out = []
        for value, node in self.items(item[1], "'extends'", Str()):
            if value not in USES:
                self.error(node, f"unknown preset {value!r}{did_you_mean(value, USES)}")
            else:
                out.append(value)
        return out

    def _overrides(self, fields: dict, policy: Policy) -> None:
        for section, names, table in (
            ("categories", CATEGORY_ORDER, policy.categories),
            ("flags", FLAG_IDS, policy.flags),
        ):
            if section not in fields:
                continue
            for name, use, rule in self.severities(fields[section][1], names, _SINGULAR[section]):
                if (
                    section == "categories"
                    and name == Category.UNKNOWN
                    and rule.severity != Severity.BLOCK
                ):
                    self.errors.append(
                        f"{rule.source}: category 'unknown' always blocks (fail closed); "
                        "waive or allow the models you have checked instead"
                    )
                    continue
                for u in [use] if use else USES:
                    table[u][name] = rule

    def _lists(self, fields: dict, policy: Policy) -> None:
        for key in ("allow_licenses", "deny_licenses"):
            if key in fields:
                for value, node in self.items(fields[key][1], f"'{key}'", Str()):
                    pattern = self._license_pattern(value, node)
                    if pattern:
                        getattr(policy, key).append(PatternRule(pattern, self.source(node)))
        for key in ("allow_models", "deny_models"):
            if key in fields:
                for value, node in self.items(fields[key][1], f"'{key}'", Str()):
                    getattr(policy, key).append(PatternRule(value, self.source(node)))

    def _license_pattern(self, value: str, node: yaml.Node) -> str | None:
        """A knowledge-base key (any id the KB knows resolves to it) or a glob over keys."""
        from licscan.knowledge import load_knowledge, resolve_license_id

        keys = list(load_knowledge().entries)
        if _GLOB.search(value):
            if not fnmatch.filter(keys, value.lower()):
                self.error(node, f"license pattern '{value}' matches no known license")
                return None
            return value.lower()
        key = resolve_license_id(value)
        if key is None:
            self.error(node, f"unknown license '{value}'{did_you_mean(value.lower(), keys)}")
        return key

    def _organisation(self, node: yaml.Node, policy: Policy) -> None:
        fields = self.mapping(node, tuple(ORG_FIGURES), "organisation")
        for name, (_, value_node) in fields.items():
            value = self.value(value_node, f"'{name}'", _FIGURE)
            if value is not None:
                policy.organisation[name] = (value, self.source(value_node))

    def _waivers(self, node: yaml.Node) -> list[Waiver]:
        if not isinstance(node, yaml.SequenceNode):
            self.error(node, f"'waivers' must be a list, got {kind(node)}")
            return []
        return [w for item in node.value if (w := self._waiver(item)) is not None]

    def _waiver(self, node: yaml.Node) -> Waiver | None:
        fields = self.mapping(node, WAIVER_KEYS, "waiver")
        if not fields:
            return None
        ok = True
        if ("model" in fields) == ("license" in fields):
            self.error(node, "a waiver names exactly one of 'model' or 'license'")
            ok = False
        model = self.value(fields["model"][1], "'model'", Str()) if "model" in fields else None
        license_key = None
        if "license" in fields:
            value = self.value(fields["license"][1], "'license'", Str())
            license_key = value and self._license_pattern(value, fields["license"][1])
            ok = ok and bool(license_key)
        flags: list[str] = []
        if "flags" in fields:
            for value, item in self.items(fields["flags"][1], "'flags'", Str()):
                if value not in FLAG_IDS:
                    self.error(item, f"unknown flag {value!r}{did_you_mean(value, FLAG_IDS)}")
                    ok = False
                flags.append(value)
        texts = {}
        for key in ("reason", "approver"):
            if key not in fields:
                self.error(node, f"a waiver needs '{key}'")
                ok = False
            else:
                texts[key] = self.value(fields[key][1], f"'{key}'", Str())
                ok = ok and bool(texts[key])
        expires = None
        if "expires" not in fields:
            self.error(node, "a waiver needs 'expires: YYYY-MM-DD' (use allow_models for "
                       "a permanent decision)")  # fmt: skip
            ok = False
        else:
            expires = self.value(fields["expires"][1], "'expires'", Date())
            ok = ok and expires is not None
        if not ok:
            return None
        return Waiver(
            reason=texts["reason"] or "",
            approver=texts["approver"] or "",
            expires=expires or "",
            model=model,
            license=license_key,
            flags=tuple(flags),
            source=self.source(node),
        )

    def _lineage(self, node: yaml.Node, policy: Policy) -> None:
        fields = self.mapping(node, LINEAGE_KEYS, "lineage")
        if "max_depth" in fields:
            depth = self.value(fields["max_depth"][1], "'max_depth'", _DEPTH)
            if depth is not None:
                policy.max_depth = depth
        if "unresolved" in fields:
            for use, rule in self.per_use_rules(fields["unresolved"][1], "lineage.unresolved"):
                for u in [use] if use else USES:
                    policy.unresolved[u] = rule
