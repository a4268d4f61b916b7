"""YAML read as nodes, so every value keeps the line it came from: the manifest, policy
and card readers report `file:line` for each mistake instead of failing on the first."""

from __future__ import annotations

import os
import re
from bisect import bisect_right
from typing import Any

import yaml

# libyaml's parser when PyYAML has it: ten times faster on a long manifest, same marks.
# Its error positions are coarser, so a document it rejects is re-read by the pure parser.
_FAST = getattr(yaml, "CSafeLoader", None)

_LINE_BREAKS = str.maketrans({c: repr(c)[1:-1] for c in "\r\n\v\f\x1c\x1d\x1e\x85\u2028\u2029"})
# Untrusted YAML (cards, manifests, policies, locks): aliases may add at most this many
# nodes when expanded (a 500-byte "billion laughs" card adds billions), and a document
# may be at most this long (a 10,000-model lock is a few MB).
MAX_ALIAS_NODES = 10_000
MAX_DOCUMENT = 32 << 20


class YamlSyntaxError(ValueError):
    """Text that is not YAML: `line` is 1-based, `reason` one line."""

    def __init__(self, line: int, reason: str) -> None:
        super().__init__(f"{line}: {reason}")
        self.line, self.reason = line, reason


class TooLarge(ValueError):
    """A document over MAX_DOCUMENT bytes (nothing past the cap was read)."""


def read_document(path: str | os.PathLike, cap: int = MAX_DOCUMENT) -> str:
    """A YAML file's text (UTF-8, BOM tolerated), refusing more than `cap` bytes before
    reading them: OSError, UnicodeDecodeError or TooLarge."""
    with open(path, "rb") as fh:
        data = fh.read(cap + 1)
    if len(data) > cap:
        raise TooLarge(f"more than {cap >> 20} MiB, over the cap for a YAML document")
    return data.decode("utf-8-sig")


def one_line(message: str) -> str:
    """A message quoting user text (a YAML key may hold a newline) kept on one line."""
    return message.translate(_LINE_BREAKS)


def line_of(text: str, mark: yaml.Mark) -> int:
    """The 1-based line of a YAML mark, counting only \\n: PyYAML also breaks lines at
    U+2028, U+2029 and NEL, which editors and the evidence we quote do not."""
    return bisect_right(_newlines(text), mark.index - 1) + 1


_last_text: tuple[str, list[int]] = ("", [])


def _newlines(text: str) -> list[int]:
    """Offsets of every \\n in `text`, kept for the last text asked about: a reader asks
    for thousands of marks in one file (counting each time was quadratic)."""
    global _last_text
    held, offsets = _last_text
    if held is not text:
        offsets = [m.start() for m in re.finditer("\n", text)]
        _last_text = (text, offsets)
    return offsets


def compose(text: str) -> yaml.Node | None:
    """The node tree of `text`; YamlSyntaxError (with its line) when it is not YAML, is
    longer than MAX_DOCUMENT, or its aliases expand past MAX_ALIAS_NODES nodes."""
    if len(text) > MAX_DOCUMENT:
        raise YamlSyntaxError(1, f"more than {MAX_DOCUMENT >> 20} MiB, over the cap for YAML")
    node = _compose(text)
    if node is not None:
        check_aliases(node, text)
    return node


def _compose(text: str) -> yaml.Node | None:
    if _FAST is not None:
        try:
            return yaml.compose(text, Loader=_FAST)
        except (yaml.YAMLError, RecursionError, ValueError):  # ValueError: lone surrogates
            pass
    try:
        return yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError as exc:
        reason = " ".join(str(getattr(exc, "problem", None) or exc).split())
        raise YamlSyntaxError(error_line(exc, text), f"YAML error: {reason}") from None
    except RecursionError:
        raise YamlSyntaxError(1, "YAML nested too deeply") from None


def compose_unique(text: str) -> yaml.Node | None:
    """compose, also refusing duplicate keys (a dict would silently keep the last one):
    YamlSyntaxError."""
    node = compose(text)
    duplicate = first_duplicate_key(node) if node is not None else None
    if duplicate is not None:
        key = duplicate.value if len(duplicate.value) <= 80 else duplicate.value[:79] + "…"
        raise YamlSyntaxError(line_of(text, duplicate.start_mark), f"duplicate key '{key}'")
    return node


def load(text: str) -> Any:
    """`text` as Python data, as yaml.safe_load gives it, but refusing what compose
    refuses and duplicate keys (the last one would silently win): YamlSyntaxError."""
    node = compose_unique(text)
    if node is None:
        return None
    try:
        return yaml.SafeLoader("").construct_document(node)
    except yaml.YAMLError as exc:
        reason = " ".join(str(getattr(exc, "problem", None) or exc).split())
        raise YamlSyntaxError(error_line(exc, text), f"YAML error: {reason}") from None


def check_aliases(node: yaml.Node, text: str = "", limit: int = MAX_ALIAS_NODES) -> None:
    """Refuse a node graph whose aliases expand to more than `limit` extra nodes, or
    refer to themselves: YamlSyntaxError naming the line of the anchor.  Linear in the
    distinct nodes (sizes are memoised, never expanded)."""
    size: dict[int, int] = {}
    stack: list[tuple[yaml.Node, bool]] = [(node, False)]
    on_path: set[int] = set()
    while stack:
        current, children_done = stack.pop()
        key = id(current)
        if children_done:
            on_path.discard(key)
            size[key] = 1 + sum(size[id(c)] for c in _children(current))
            continue
        if key in size:
            continue
        if key in on_path:
            raise YamlSyntaxError(_line(text, current), "a YAML alias refers to itself")
        on_path.add(key)
        stack.append((current, True))
        stack.extend((c, False) for c in _children(current) if id(c) not in size)
    distinct = len(size)
    if size[id(node)] - distinct > limit:
        raise YamlSyntaxError(
            _line(text, node),
            f"YAML aliases expand to more than {limit:,} nodes (an alias bomb?); not read",
        )


def first_duplicate_key(node: yaml.Node) -> yaml.Node | None:
    """The first key node that repeats a key of its mapping (merge keys aside)."""
    seen_nodes: set[int] = set()
    stack = [node]
    while stack:
        current = stack.pop()
        if id(current) in seen_nodes:
            continue
        seen_nodes.add(id(current))
        if isinstance(current, yaml.MappingNode):
            keys: set[tuple[str, str]] = set()
            for key_node, _ in current.value:
                if isinstance(key_node, yaml.ScalarNode) and key_node.tag != _MERGE:
                    ident = (key_node.tag, key_node.value)
                    if ident in keys:
                        return key_node
                    keys.add(ident)
        stack.extend(_children(current))
    return None


_MERGE = "tag:yaml.org,2002:merge"


def _children(node: yaml.Node) -> list[yaml.Node]:
    if isinstance(node, yaml.SequenceNode):
        return list(node.value)
    if isinstance(node, yaml.MappingNode):
        return [n for pair in node.value for n in pair]
    return []


def _line(text: str, node: yaml.Node) -> int:
    return line_of(text, node.start_mark) if text else node.start_mark.line + 1


def error_line(exc: yaml.YAMLError, text: str) -> int:
    """The 1-based line of a YAML error (a bad character has a position, not a mark)."""
    mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
    if mark is not None:
        return line_of(text, mark)
    position = getattr(exc, "position", None)
    return text.count("\n", 0, position) + 1 if isinstance(position, int) else 1


class Invalid:
    """A scalar whose explicit tag does not fit its text (`!!int x`, `!!timestamp foo`)."""

    def __init__(self, node: yaml.ScalarNode) -> None:
        self.text = f"!!{node.tag.rsplit(':', 1)[-1]} {node.value!r}"

    def __repr__(self) -> str:
        return f"invalid {self.text}"


# The scalar constructors that keep no state in the loader (no anchors, no recursion).
_STATELESS = frozenset(
    f"tag:yaml.org,2002:{t}" for t in ("null", "bool", "int", "float", "timestamp")
)
_LOADER = yaml.SafeLoader("")


def scalar(node: yaml.Node | None) -> Any:
    """A scalar node's value typed as YAML would (`use: 3` is an int, 2026-01-31 a date);
    None for a mapping or list; Invalid when an explicit tag does not fit."""
    if not isinstance(node, yaml.ScalarNode):
        return None
    if node.tag == "tag:yaml.org,2002:str":
        return node.value
    try:
        if node.tag in _STATELESS:  # one loader serves them all: a lock has thousands
            return _LOADER.yaml_constructors[node.tag](_LOADER, node)
        return yaml.SafeLoader("").construct_object(node)
    except Exception:  # PyYAML's constructors raise ValueError, AttributeError, ...
        return Invalid(node)


def kind(node: yaml.Node | None) -> str:
    """What a node is, for an error message: 'a list', 'int 3', 'nothing'."""
    if isinstance(node, yaml.MappingNode):
        return "a mapping"
    if isinstance(node, yaml.SequenceNode):
        return "a list"
    value = scalar(node)
    if isinstance(value, Invalid):
        return f"an invalid value {value.text}"
    return "nothing" if value is None else f"{type(value).__name__} {node.value!r}"
