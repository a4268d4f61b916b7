"""A small declarative reader over YAML nodes (licscan.yamlnodes): a file's schema is data
(specs of values, the keys a mapping allows), every value keeps its line, and every
mistake is collected as `file:line: message`, sorted by line, raised at once as the
caller's error type.  Policy files and presets, manifests, the knowledge base and the
flag glossary are read with it.

In-house on purpose: pydantic or cattrs would report paths (`waivers.0.expires`), not
lines, in their own words, and cost 150-500 ms of import on the pre-commit path.

    r = Reader("licscan-policy.yaml", PolicyError, text)
    fields = r.mapping(root, ("extends", "lineage"), "policy")   # unknown/duplicate keys
    depth = r.value(fields["max_depth"][1], "'max_depth'", Int(1, 20, "... {what} ..."))
    r.fail_if_errors()
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable, Sequence
from datetime import date
from typing import Any, TypeVar

import yaml

from licscan.errors import LicscanError
from licscan.yamlnodes import YamlSyntaxError, compose, kind, line_of, one_line, scalar

Item = tuple[yaml.Node, yaml.Node]  # (key node, value node) of a mapping entry


def did_you_mean(value: Any, choices: Sequence[str]) -> str:
    """' (did you mean 'x'?)' for a near miss of one of `choices`, else ''."""
    if not isinstance(value, str):
        return ""
    close = difflib.get_close_matches(value, list(choices), n=1, cutoff=0.75)
    return f" (did you mean '{close[0]}'?)" if close else ""


def expected(value: Any, choices: Sequence[str]) -> str:
    """' (expected a, b, c)': the whole list, whatever was given."""
    return f" (expected {', '.join(choices)})"


T = TypeVar("T")


def chosen(choices: Sequence[T], value: object) -> T:
    """The element of `choices` equal to `value` (known to be among them): for an enum's
    members, the member itself, so what a file names is typed from here on."""
    return choices[choices.index(value)]


class Reader:
    """One file: its label as errors cite it, its text (lines are counted in it) and the
    problems found so far."""

    def __init__(self, label: str, error: type[LicscanError], text: str = "") -> None:
        self.label, self.error_type, self.text = label, error, text
        self.errors: list[str] = []

    def compose(self, text: str) -> yaml.Node | None:
        """The node tree of `text`; a syntax error is raised at once, with its line."""
        self.text = text
        try:
            return compose(text)
        except YamlSyntaxError as exc:
            raise self.error_type(f"{self.label}:{exc.line}: {exc.reason}") from None

    def line(self, node: yaml.Node | None) -> int:
        return line_of(self.text, node.start_mark) if node is not None else 1

    def where(self, node: yaml.Node | None) -> str:
        """'file:line' of a node (line 1 for None: the file as a whole)."""
        return f"{self.label}:{self.line(node)}"

    def error(self, node: yaml.Node | int | None, message: str) -> None:
        line = node if isinstance(node, int) else self.line(node)
        self.errors.append(one_line(f"{self.label}:{line}: {message}"))

    def fail_if_errors(self, by_line: bool = True) -> None:
        """Every problem as one exception of the reader's type: sorted by line, or (by_line
        False) in the order they were found."""
        if self.errors:
            errors = sorted(self.errors, key=_line_of) if by_line else self.errors
            raise self.error_type("\n".join(errors), errors)

    # -- mappings --
    def mapping(
        self,
        node: yaml.Node | None,
        allowed: Sequence[str],
        what: str,
        hint: Callable[[Any, Sequence[str]], str] = did_you_mean,
    ) -> dict[str, Item]:
        """{key: (key node, value node)}; not a mapping, unknown and duplicate keys are
        errors (the first of two duplicates is kept)."""
        if not isinstance(node, yaml.MappingNode):
            self.error(node, f"{what} must be a mapping, got {kind(node)}")
            return {}
        fields: dict[str, Item] = {}
        for key_node, value_node in node.value:
            key = key_node.value if isinstance(key_node, yaml.ScalarNode) else None
            if key not in allowed:
                self.error(key_node, f"unknown key '{key}' in {what}{hint(key, allowed)}")
            elif key in fields:
                self.error(key_node, f"duplicate key '{key}' in {what}")
            else:
                fields[key] = (key_node, value_node)
        return fields

    def entries(self, node: yaml.Node, names: Sequence[str], what: str) -> list[tuple[str, Item]]:
        """A mapping keyed by one of `names` (flags, categories): [(name, item)]; unknown
        names (with a hint) and repeated ones are errors."""
        out: list[tuple[str, Item]] = []
        seen: set[str] = set()
        for key_node, value_node in node.value:
            name = scalar(key_node)
            if name not in names:
                self.error(key_node, f"unknown {what} {name!r}{did_you_mean(name, names)}")
            elif name in seen:
                self.error(key_node, f"duplicate {what} '{name}'")
            else:
                seen.add(name)
                out.append((chosen(names, name), (key_node, value_node)))
        return out

    # -- values --
    def value(self, node: yaml.Node, what: str, spec: Spec) -> Any:
        """The value `spec` reads from `node`, or None (the problem recorded)."""
        return spec.read(self, node, what)

    def items(self, node: yaml.Node, what: str, spec: Spec) -> list[tuple[Any, yaml.Node]]:
        """A list of values (a single scalar counts as a list of one): [(value, node)] for
        the items `spec` accepts."""
        if not isinstance(node, yaml.SequenceNode | yaml.ScalarNode):
            self.error(node, f"{what} must be a list of strings, got {kind(node)}")
            return []
        items = node.value if isinstance(node, yaml.SequenceNode) else [node]
        out = []
        for item in items:
            value = spec.read(self, item, f"an entry of {what}")
            if value is not None:
                out.append((value, item))
        return out

    def per_use(
        self, node: yaml.Node, what: str, spec: Spec, uses: Sequence[str]
    ) -> list[tuple[str | None, Any, yaml.Node]]:
        """`value` (every use: None) or `{use: value}` -> [(use | None, value, node)]."""
        if not isinstance(node, yaml.MappingNode):
            value = spec.read(self, node, what)
            return [(None, value, node)] if value is not None else []
        out: list[tuple[str | None, Any, yaml.Node]] = []
        for use_node, value_node in node.value:
            use = scalar(use_node)
            if use not in uses:
                self.error(use_node, f"unknown use {use!r}{did_you_mean(use, uses)}")
                continue
            value = spec.read(self, value_node, what)
            if value is not None:
                out.append((use, value, value_node))
        return out


class Spec:
    """What a value must be.  `read` returns it, or None with the problem recorded.
    (Plain classes, not dataclasses: this module is imported on the pre-commit path.)"""

    def read(self, r: Reader, node: yaml.Node, what: str) -> Any:
        raise NotImplementedError


class Str(Spec):
    """A non-empty string, stripped."""

    def read(self, r: Reader, node: yaml.Node, what: str) -> str | None:
        value = scalar(node)
        if not isinstance(value, str) or not value.strip():
            r.error(node, f"{what} must be a non-empty string, got {kind(node)}")
            return None
        return value.strip()


class Int(Spec):
    """A whole number from lo to hi (hi None: no limit); never a bool.  `message` may
    name {what} and {kind} (what was given)."""

    def __init__(self, lo: int, hi: int | None, message: str) -> None:
        self.lo, self.hi, self.message = lo, hi, message

    def read(self, r: Reader, node: yaml.Node, what: str) -> int | None:
        value = scalar(node)
        if (
            isinstance(value, bool)
            or not isinstance(value, int)
            or value < self.lo
            or (self.hi is not None and value > self.hi)
        ):
            r.error(node, self.message.format(what=what, kind=kind(node)))
            return None
        return value


class Bool(Spec):
    def read(self, r: Reader, node: yaml.Node, what: str) -> bool | None:
        value = scalar(node)
        if not isinstance(value, bool):
            r.error(node, f"{what} must be true or false, got {kind(node)}")
            return None
        return value


class Date(Spec):
    """A day, YYYY-MM-DD (YAML's date, or a string of one): its ISO form."""

    def read(self, r: Reader, node: yaml.Node, what: str) -> str | None:
        value = scalar(node)
        if isinstance(value, date):
            return value.isoformat()
        try:
            return iso_day(str(value))
        except ValueError:
            r.error(node, f"bad date {node.value!r} (expected YYYY-MM-DD)")
            return None


class OneOf(Spec):
    """One of `choices`.  `message` may name {value} (repr), {what} and {hint} (one of
    the hint functions above applied to the value)."""

    def __init__(
        self,
        choices: Sequence[str],
        message: str,
        hint: Callable[[Any, Sequence[str]], str] = did_you_mean,
    ) -> None:
        self.choices, self.message, self.hint = tuple(choices), message, hint

    def read(self, r: Reader, node: yaml.Node, what: str) -> str | None:
        value = scalar(node)
        if value not in self.choices:
            hint = self.hint(value, self.choices)
            r.error(node, self.message.format(value=repr(value), what=what, hint=hint))
            return None
        return chosen(self.choices, value)


def iso_day(value: str | date) -> str:
    """YYYY-MM-DD of a date or a string holding one (ValueError otherwise)."""
    if isinstance(value, date):
        return value.isoformat()
    return date.fromisoformat(value.strip()).isoformat()


def _line_of(message: str) -> int:
    m = re.match(r"^.*?:(\d+): ", message)
    return int(m.group(1)) if m else 0
