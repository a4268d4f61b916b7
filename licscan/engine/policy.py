"""Policies: what each use case blocks, warns about or accepts, with file:line for everything.

Presets (rules/policies/<use>.yaml) map every category and flag to block/warn/info for
one use case.  A policy file extends them: per-flag and per-category severities, allow
and deny lists of licenses and models, the organisation's own figures (a user or revenue
threshold far above them is only `info`), and waivers that expire.  Files are read as
YAML node trees, so every error and every decision can name its file and line.
"""

from __future__ import annotations

import difflib
import fnmatch
import os
import re
from datetime import date
from functools import cache
from pathlib import Path
from typing import Any

import yaml

from licscan.errors import PolicyError
from licscan.model import (
    CATEGORY_ORDER,
    FLAG_IDS,
    MAX_DEPTH_LIMIT,
    SEVERITIES,
    USES,
    Assessment,
    Decision,
    Flag,
    Lineage,
    ModelResult,
    PatternRule,
    Policy,
    Rule,
    Waiver,
    WaiverUse,
    strictest,
)
from licscan.paths import rules_dir
from licscan.waivers import expiring, expiring_note
from licscan.yamlnodes import (
    YamlSyntaxError,
    compose,
    kind,
    line_of,
    one_line,
    read_document,
    scalar,
)

DEFAULT_USE = "commercial"
PRESET_KEYS = ("use", "description", "categories", "flags", "lineage")
POLICY_KEYS = (
    "extends", "description", "flags", "categories", "allow_licenses", "deny_licenses",
    "allow_models", "deny_models", "organisation", "organization", "waivers", "allow_errors",
    "lineage", "waiver_warning_days",
)  # fmt: skip
WAIVER_KEYS = ("model", "license", "flags", "reason", "approver", "expires")
LINEAGE_KEYS = ("max_depth", "unresolved")
# Organisation figures, and the threshold flag each one answers.
ORG_FIGURES = {"monthly_active_users": "user-threshold", "annual_revenue_usd": "revenue-threshold"}
_GLOB = re.compile(r"[*?\[]")
_SINGULAR = {"categories": "category", "flags": "flag"}


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
    day = _iso(today) if today is not None else None
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


class _Reader:
    """Shared YAML-node plumbing: errors are collected as 'file:line: message'."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.label = display_path(path)
        self.errors: list[str] = []
        self.text = ""  # the file, once read: lines are counted in it

    def where(self, node: yaml.Node | None) -> str:
        line = line_of(self.text, node.start_mark) if node is not None else 1
        return f"{self.label}:{line}"

    def error(self, node: yaml.Node | None, message: str) -> None:
        self.errors.append(one_line(f"{self.where(node)}: {message}"))

    def compose(self) -> yaml.Node | None:
        try:
            text = read_document(self.path)
        except FileNotFoundError:
            raise PolicyError(f"{self.label}: policy file not found") from None
        except (OSError, ValueError) as exc:  # undecodable, too large, a NUL byte in the path
            raise PolicyError(f"{self.label}: cannot read policy: {exc}") from None
        self.text = text
        try:
            return compose(text)
        except YamlSyntaxError as exc:
            raise PolicyError(f"{self.label}:{exc.line}: {exc.reason}") from None

    def fail_if_errors(self) -> None:
        if self.errors:
            errors = sorted(self.errors, key=_line_of)
            raise PolicyError("\n".join(errors), errors)

    def mapping(self, node: yaml.Node, allowed: tuple[str, ...], what: str) -> dict:
        """{key: (key_node, value_node)}; unknown and duplicate keys are errors."""
        if not isinstance(node, yaml.MappingNode):
            self.error(node, f"{what} must be a mapping, got {kind(node)}")
            return {}
        fields: dict[str, tuple[yaml.Node, yaml.Node]] = {}
        for key_node, value_node in node.value:
            key = key_node.value if isinstance(key_node, yaml.ScalarNode) else None
            if key not in allowed:
                self.error(key_node, f"unknown key '{key}' in {what}{_hint(key, allowed)}")
            elif key in fields:
                self.error(key_node, f"duplicate key '{key}' in {what}")
            else:
                fields[key] = (key_node, value_node)
        return fields

    def string(self, node: yaml.Node, what: str) -> str | None:
        value = scalar(node)
        if not isinstance(value, str) or not value.strip():
            self.error(node, f"{what} must be a non-empty string, got {kind(node)}")
            return None
        return value.strip()

    def strings(self, node: yaml.Node, what: str) -> list[tuple[str, yaml.Node]]:
        items = node.value if isinstance(node, yaml.SequenceNode) else [node]
        if not isinstance(node, yaml.SequenceNode | yaml.ScalarNode):
            self.error(node, f"{what} must be a list of strings, got {kind(node)}")
            return []
        out = []
        for item in items:
            value = self.string(item, f"an entry of {what}")
            if value is not None:
                out.append((value, item))
        return out

    def severity(self, node: yaml.Node, what: str) -> str | None:
        value = scalar(node)
        if value not in SEVERITIES:
            self.error(
                node, f"unknown severity {value!r} for {what} (expected block, warn or info)"
            )
            return None
        return value

    def severities(
        self, node: yaml.Node, names: tuple[str, ...], kind: str
    ) -> list[tuple[str, str | None, Rule]]:
        """`{name: severity}` or `{name: {use: severity}}` -> [(name, use|None, Rule)]."""
        out: list[tuple[str, str | None, Rule]] = []
        if not isinstance(node, yaml.MappingNode):
            plural = "categories" if kind == "category" else f"{kind}s"
            self.error(node, f"'{plural}' must be a mapping of {kind} to severity")
            return out
        seen: set[str] = set()
        for key_node, value_node in node.value:
            name = scalar(key_node)
            if name not in names:
                self.error(key_node, f"unknown {kind} {name!r}{_hint(name, names)}")
                continue
            if name in seen:
                self.error(key_node, f"duplicate {kind} '{name}'")
                continue
            seen.add(name)
            out += [(name, use, rule) for use, rule in self.per_use(value_node, f"{kind} '{name}'")]
        return out

    def per_use(self, node: yaml.Node, what: str) -> list[tuple[str | None, Rule]]:
        """`severity` (every use: None) or `{use: severity}` -> [(use|None, Rule)]."""
        if not isinstance(node, yaml.MappingNode):
            sev = self.severity(node, what)
            return [(None, Rule(sev, self.where(node)))] if sev else []
        out: list[tuple[str | None, Rule]] = []
        for use_node, sev_node in node.value:
            use = scalar(use_node)
            if use not in USES:
                self.error(use_node, f"unknown use {use!r}{_hint(use, USES)}")
                continue
            sev = self.severity(sev_node, what)
            if sev:
                out.append((use, Rule(sev, self.where(sev_node))))
        return out


class _PresetParser(_Reader):
    """A shipped preset: complete (every category, every flag), or a clear error."""

    def __init__(self, path: Path, use: str) -> None:
        super().__init__(path)
        self.use = use

    def parse(self) -> tuple[dict[str, Rule], dict[str, Rule], Rule]:
        root = self.compose()
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
                sev = self.severity(lin["unresolved"][1], "lineage.unresolved")
                if sev:
                    unresolved = Rule(sev, self.where(lin["unresolved"][1]))
        if unresolved is None:
            self.error(root, "missing 'lineage: {unresolved: SEVERITY}'")
        if categories.get("unknown") and categories["unknown"].severity != "block":
            self.error(None, "category 'unknown' must block (fail closed)")
        self.fail_if_errors()
        assert unresolved is not None
        return categories, flags, unresolved


class _Parser(_Reader):
    """A user policy file (see the README for the format)."""

    def parse(self, uses: list[str]) -> Policy:
        root = self.compose()
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
            node = fields["allow_errors"][1]
            value = scalar(node)
            if not isinstance(value, bool):
                self.error(node, f"'allow_errors' must be true or false, got {kind(node)}")
            else:
                policy.allow_errors = value
        if "lineage" in fields:
            self._lineage(fields["lineage"][1], policy)
        if "waiver_warning_days" in fields:
            node = fields["waiver_warning_days"][1]
            value = scalar(node)
            if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 3650:
                self.error(node, "'waiver_warning_days' must be a whole number of days (0: never)")
            else:
                policy.waiver_warning_days = value
        self.fail_if_errors()
        return policy

    def _extends(self, item: tuple[yaml.Node, yaml.Node] | None) -> list[str]:
        if item is None:
            return []
        out = []
        for value, node in self.strings(item[1], "'extends'"):
            if value not in USES:
                self.error(node, f"unknown preset {value!r}{_hint(value, USES)}")
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
                if section == "categories" and name == "unknown" and rule.severity != "block":
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
                for value, node in self.strings(fields[key][1], f"'{key}'"):
                    pattern = self._license_pattern(value, node)
                    if pattern:
                        getattr(policy, key).append(PatternRule(pattern, self.where(node)))
        for key in ("allow_models", "deny_models"):
            if key in fields:
                for value, node in self.strings(fields[key][1], f"'{key}'"):
                    getattr(policy, key).append(PatternRule(value, self.where(node)))

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
            self.error(node, f"unknown license '{value}'{_hint(value.lower(), keys)}")
        return key

    def _organisation(self, node: yaml.Node, policy: Policy) -> None:
        fields = self.mapping(node, tuple(ORG_FIGURES), "organisation")
        for name, (_, value_node) in fields.items():
            value = scalar(value_node)
            if isinstance(value, bool) or not isinstance(value, int) or value < 0:
                self.error(value_node, f"'{name}' must be a whole number, got {kind(value_node)}")
                continue
            policy.organisation[name] = (value, self.where(value_node))

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
        model = self.string(fields["model"][1], "'model'") if "model" in fields else None
        license_key = None
        if "license" in fields:
            value = self.string(fields["license"][1], "'license'")
            license_key = value and self._license_pattern(value, fields["license"][1])
            ok = ok and bool(license_key)
        flags: list[str] = []
        if "flags" in fields:
            for value, item in self.strings(fields["flags"][1], "'flags'"):
                if value not in FLAG_IDS:
                    self.error(item, f"unknown flag {value!r}{_hint(value, FLAG_IDS)}")
                    ok = False
                flags.append(value)
        texts = {}
        for key in ("reason", "approver"):
            if key not in fields:
                self.error(node, f"a waiver needs '{key}'")
                ok = False
            else:
                texts[key] = self.string(fields[key][1], f"'{key}'")
                ok = ok and bool(texts[key])
        expires = None
        if "expires" not in fields:
            self.error(node, "a waiver needs 'expires: YYYY-MM-DD' (use allow_models for "
                       "a permanent decision)")  # fmt: skip
            ok = False
        else:
            expires = self._date(fields["expires"][1])
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
            source=self.where(node),
        )

    def _date(self, node: yaml.Node) -> str | None:
        value = scalar(node)
        if isinstance(value, date):
            return value.isoformat()
        try:
            return _iso(str(value))
        except ValueError:
            self.error(node, f"bad date {node.value!r} (expected YYYY-MM-DD)")
            return None

    def _lineage(self, node: yaml.Node, policy: Policy) -> None:
        fields = self.mapping(node, LINEAGE_KEYS, "lineage")
        if "max_depth" in fields:
            value_node = fields["max_depth"][1]
            value = scalar(value_node)
            if (
                isinstance(value, bool)
                or not isinstance(value, int)
                or not 1 <= value <= MAX_DEPTH_LIMIT
            ):
                self.error(
                    value_node, f"'max_depth' must be a whole number from 1 to {MAX_DEPTH_LIMIT}"
                )
            else:
                policy.max_depth = value
        if "unresolved" in fields:
            for use, rule in self.per_use(fields["unresolved"][1], "lineage.unresolved"):
                for u in [use] if use else USES:
                    policy.unresolved[u] = rule


# --- judging helpers ---------------------------------------------------------------------


def strongest(rules: list[tuple[str, Rule]]) -> tuple[str, Rule] | None:
    """The (use, rule) with the strictest severity; the first one on ties."""
    if not rules:
        return None
    return max(rules, key=lambda item: SEVERITIES.index(item[1].severity))


def model_matches(pattern: str, names: list[str]) -> bool:
    """A model glob against a model's names (repo id, ref, folder), case-insensitive."""
    pat = pattern.lower()
    return any(fnmatch.fnmatchcase(n.lower(), pat) for n in names if n)


def license_matches(pattern: str, key: str | None) -> bool:
    return bool(key) and fnmatch.fnmatchcase(key, pattern)


def today_of(policy: Policy) -> str:
    return policy.today or date.today().isoformat()


def expired(waiver: Waiver, today: str) -> bool:
    """A waiver holds through its expiry date and stops the day after."""
    return today > waiver.expires


# --- small helpers -------------------------------------------------------------------------


def _line_of(message: str) -> int:
    m = re.match(r"^.*?:(\d+): ", message)
    return int(m.group(1)) if m else 0


def _iso(value: str | date) -> str:
    if isinstance(value, date):
        return value.isoformat()
    return date.fromisoformat(value.strip()).isoformat()


def _hint(value: Any, choices: tuple[str, ...] | list[str]) -> str:
    if not isinstance(value, str):
        return ""
    close = difflib.get_close_matches(value, list(choices), n=1, cutoff=0.75)
    return f" (did you mean '{close[0]}'?)" if close else ""


# --- the judgement ---------------------------------------------------------------------------


def judge(
    result: ModelResult,
    origins: dict[str, set[str]],
    own: Assessment,
    lineage: Lineage,
    policy: Policy,
    reasons: list[str],
) -> None:
    """Severities for every flag, the category, unresolved bases and the allow/deny
    lists, under each use of the model (the strictest wins); waivers; the verdict.
    Fills result.flags[*].severity, decisions, waivers, reasons and verdict."""
    _Judge(result, origins, own, lineage, policy).run(reasons)


class _Judge:
    """One model's judgement: a Decision per flag, the category, the allow/deny lists."""

    def __init__(
        self,
        r: ModelResult,
        origins: dict[str, set[str]],
        own: Assessment,
        lineage: Lineage,
        policy: Policy,
    ) -> None:
        self.r, self.origins, self.own, self.lineage, self.policy = r, origins, own, lineage, policy
        self.uses = [u for u in (r.use or policy.uses) if u in USES] or [DEFAULT_USE]
        self.today = today_of(policy)
        names = [r.repo_id or "", r.ref, r.ref.split("@", 1)[0]]
        self.keys = list(dict.fromkeys(lic.license for lic in r.licenses if lic.license))
        self.waivers = [
            w
            for w in policy.waivers
            if (w.model and model_matches(w.model, names))
            or (w.license and any(license_matches(w.license, k) for k in self.keys))
        ]
        self.denied = _first_model(policy.deny_models, names)
        self.allowed = _first_model(policy.allow_models, names)
        self.decisions: list[Decision] = []

    # -- helpers --
    def strongest_rule(self, table: dict[str, dict[str, Rule]], name: str) -> tuple[str, Rule]:
        found = [(u, table[u][name]) for u in self.uses if name in table.get(u, {})]
        best = strongest(found)
        return best if best else (self.uses[0], Rule("warn", "licscan default (not in policy)"))

    def covers(self, w: Waiver, flag_id: str | None) -> bool:
        """Whether waiver `w` covers a flag (or, flag_id None, the whole-model judgements)."""
        if flag_id is None:
            return not w.flags and bool(w.model)
        if w.flags and flag_id not in w.flags:
            return False
        if w.model:
            return True
        o = self.origins.get(flag_id, set())
        return bool(o) and "" not in o and all(license_matches(w.license or "", k) for k in o)

    def license_waived(self, key: str) -> Waiver | None:
        for w in self.waivers:
            if w.license and not w.flags and license_matches(w.license, key):
                return None if expired(w, self.today) else w
        return None

    def license_allowed(self, key: str) -> PatternRule | None:
        return _first_license(self.policy.allow_licenses, key)

    def exception(
        self, sev: str, src: str, covering: list[Waiver], note: list[str]
    ) -> tuple[str, str]:
        """Apply the allow list and waivers to one judgement."""
        if self.allowed and sev != "info":
            note.append(f"model allowed (was {sev} by {src})")
            return "info", self.allowed.source
        live = [w for w in covering if not expired(w, self.today)]
        for w in covering:
            if expired(w, self.today):
                note.append(f"waiver {w.source} expired {w.expires}: no longer applies")
        if live and sev != "info":
            w = live[0]
            days = expiring(w.expires, self.today, self.policy.waiver_warning_days)
            soon = f"; the waiver {expiring_note(w.expires, days)}" if days is not None else ""
            note.append(
                f"waived (was {sev} by {src}): {w.reason} - {w.approver}, until {w.expires}{soon}"
            )
            return "info", w.source
        return sev, src

    def decide(self, subject: str, sev: str, use: str | None, src: str, note: list[str]) -> None:
        self.decisions.append(Decision(subject, sev, use, src, "; ".join(note)))

    # -- the judgements --
    def run(self, reasons: list[str]) -> None:
        for flag in self.r.flags:
            self.flag(flag)
        self.category()
        self.lists()
        self.card()
        self.record_waivers()
        self.r.decisions = self.decisions
        self.r.verdict = self.verdict()
        reasons += [str(d) for d in self.decisions if d.severity in ("block", "warn")]
        reasons += [_waiver_reason(w) for w in self.r.waivers]
        if self.r.error:
            reasons.append(f"error: {self.r.error} (an error never passes)")
        self.r.reasons = reasons

    def flag(self, flag: Flag) -> None:
        use, rule = self.strongest_rule(self.policy.flags, flag.id)
        note: list[str] = []
        if flag.id == "inherits-base-license" and self.lineage.unresolved:
            # a base whose terms could not be checked: lineage.unresolved decides too
            table = {u: {"unresolved": r} for u, r in self.policy.unresolved.items()}
            use2, rule2 = self.strongest_rule(table, "unresolved")
            if SEVERITIES.index(rule2.severity) >= SEVERITIES.index(rule.severity):
                use, rule = use2, rule2
            note.append(f"{len(self.lineage.unresolved)} base model(s) unresolved")
        sev, src = rule.severity, rule.source
        sev, src = self.threshold(flag, sev, src, note)
        o = self.origins.get(flag.id, set())
        allowed = [self.license_allowed(k) for k in o] if o and "" not in o else []
        if allowed and all(allowed) and sev != "info":
            note.append(f"license {', '.join(sorted(o))} allowed (was {sev} by {src})")
            sev, src = "info", allowed[0].source  # type: ignore[union-attr]
        covering = [w for w in self.waivers if self.covers(w, flag.id)]
        sev, src = self.exception(sev, src, covering, note)
        flag.severity = sev
        extra = [n for n in note if n.startswith(("waived", "waiver"))]
        if extra:
            flag.note = "; ".join([flag.note, *extra]) if flag.note else "; ".join(extra)
        self.decide(f"flag:{flag.id}", sev, use, src, note)

    def threshold(self, flag: Flag, sev: str, src: str, note: list[str]) -> tuple[str, str]:
        figure = next((k for k, v in ORG_FIGURES.items() if v == flag.id), None)
        org = self.policy.organisation.get(figure or "")
        if org is None or not (flag.value or "").isdigit():
            return sev, src
        have, where = org
        limit = int(flag.value or 0)
        what = figure.replace("_", " ") if figure else ""
        if have < limit:
            note.append(f"the organisation's {have:,} {what} are under {limit:,} (was {sev})")
            return "info", where
        note.append(f"the organisation's {have:,} {what} reach {limit:,}: no grant above it")
        return "block", where

    def category(self) -> None:
        items = [(lic.license, lic.category) for lic in self.r.licenses]
        if not self.own.licenses:
            items.append((None, "unknown"))
        note: list[str] = []
        kept = []
        for key, cat in items:
            why = key and (self.license_allowed(key) or self.license_waived(key))
            if why:
                note.append(f"{key} ({cat}) set aside by {why.source}")
            else:
                kept.append(cat)
        if not kept:
            self.decide(f"category:{self.r.category}", "info", None, "allow/waive", note)
            return
        # Nothing set aside: never judge a laxer category than the model's own (fail closed).
        judged = strictest(kept if note else [*kept, self.r.category])
        use, rule = self.strongest_rule(self.policy.categories, judged)
        covering = [w for w in self.waivers if self.covers(w, None)]
        sev, src = self.exception(rule.severity, rule.source, covering, note)
        self.decide(f"category:{judged}", sev, use, src, note)

    def lists(self) -> None:
        for key in self.keys:
            p = _first_license(self.policy.deny_licenses, key)
            if p is None:
                continue
            note = [f"license {key} is denied"]
            covering = [w for w in self.waivers if self.covers(w, None)]
            w = self.license_waived(key)
            sev, src = self.exception("block", p.source, covering + ([w] if w else []), note)
            self.decide(f"license:{key}", sev, None, src, note)
        if self.denied:
            self.decide("model", "block", None, self.denied.source, ["model denied by the policy"])
        elif self.allowed:
            self.decide("model", "info", None, self.allowed.source, ["model allowed by the policy"])

    def card(self) -> None:
        """An unreadable card hides base models and the declared license: a license file
        alone cannot clear the model, so a human must look (fail closed, never a pass)."""
        if not self.own.card_unreadable or self.r.error:
            return
        note = [f"card unreadable ({self.own.card_unreadable}): base models unknown"]
        covering = [w for w in self.waivers if self.covers(w, None)]
        sev, src = self.exception("warn", "licscan: unreadable card", covering, note)
        self.decide("card", sev, None, src, note)

    def record_waivers(self) -> None:
        for w in self.waivers:
            gone = expired(w, self.today)
            # what it covers here: a license waiver never covers a flag its license did
            # not bring, whatever flags it names (reports show exactly these as waived)
            named = list(w.flags) or [f.id for f in self.r.flags]
            covered = [f for f in named if self.covers(w, f)]
            whole = self.covers(w, None) or (w.license and not w.flags)
            note = f"{w.source}: expired {w.expires}, no longer applies" if gone else w.source
            if whole:
                note += (
                    "; covers every judgement of the model"
                    if w.model
                    else (f"; sets aside every term of {w.license}")
                )
            target = w.model or w.license or ""
            days = expiring(w.expires, self.today, self.policy.waiver_warning_days)
            if days is not None:  # a person must renew it or fix the model: a warning
                note += f"; {expiring_note(w.expires, days)}"
                self.decide(f"waiver:{target}", "warn", None, w.source,
                            [expiring_note(w.expires, days)])  # fmt: skip
            use = WaiverUse(target, covered, w.reason, w.approver, w.expires, not gone, note)
            self.r.waivers.append(use)

    def verdict(self) -> str:
        if self.r.error:
            return "error"
        sevs = {d.severity for d in self.decisions}
        return "fail" if "block" in sevs else "warn" if "warn" in sevs else "pass"


def _first_model(rules: list[PatternRule], names: list[str]) -> PatternRule | None:
    return next((p for p in rules if model_matches(p.pattern, names)), None)


def _first_license(rules: list[PatternRule], key: str) -> PatternRule | None:
    return next((p for p in rules if license_matches(p.pattern, key)), None)


def _waiver_reason(w: WaiverUse) -> str:
    if w.applied:
        return f"waiver for {w.target} applied: {w.reason} ({w.approver}, until {w.expires})"
    return f"waiver for {w.target} expired {w.expires}: no longer applies"
