"""YAML read as nodes, so every value keeps the line it came from: the manifest, policy
and card readers report `file:line` for each mistake instead of failing on the first."""

from __future__ import annotations

import re
from bisect import bisect_right
from typing import Any

import yaml

# libyaml's parser when PyYAML has it: ten times faster on a long manifest, same marks.
# Its error positions are coarser, so a document it rejects is re-read by the pure parser.
_FAST = getattr(yaml, "CSafeLoader", None)

_LINE_BREAKS = str.maketrans({c: repr(c)[1:-1] for c in "\r\n\v\f\x1c\x1d\x1e\x85\u2028\u2029"})


class YamlSyntaxError(ValueError):
    """Text that is not YAML: `line` is 1-based, `reason` one line."""

    def __init__(self, line: int, reason: str) -> None:
        super().__init__(f"{line}: {reason}")
        self.line, self.reason = line, reason


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
    """The node tree of `text`; YamlSyntaxError (with its line) when it is not YAML."""
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


def scalar(node: yaml.Node | None) -> Any:
    """A scalar node's value typed as YAML would (`use: 3` is an int, 2026-01-31 a date);
    None for a mapping or list; Invalid when an explicit tag does not fit."""
    if not isinstance(node, yaml.ScalarNode):
        return None
    if node.tag == "tag:yaml.org,2002:str":
        return node.value
    try:
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
