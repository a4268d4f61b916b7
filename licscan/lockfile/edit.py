"""From approval to the files, in one step: `licscan add` appends a model to the manifest,
`licscan waive` writes a waiver into the policy file.

The user's YAML is edited as text, never re-dumped: the new list item is inserted after
the last line of the list (indented like its items), so comments, key order, quoting and
blank lines stay as they were.  The edited text is read back with the real manifest or
policy reader before it replaces the file (atomically): a change that would not load is a
usage error and the file is left untouched.
"""

from __future__ import annotations

import dataclasses
import difflib
import os
from datetime import date
from pathlib import Path

import yaml

from licscan.atomic import AtomicFile
from licscan.engine.policy import load_policy
from licscan.errors import UsageError
from licscan.hubref import parse_repo_ref
from licscan.model import FLAG_IDS, SourceKind
from licscan.sources.manifest import load_manifest
from licscan.yamlnodes import YamlSyntaxError, compose


@dataclasses.dataclass(frozen=True)
class Edit:
    """What was written: the file, the 1-based line of the new item, the file's new text."""

    path: Path
    line: int
    text: str


# --- licscan add ----------------------------------------------------------------------------


def add_model(manifest: str | os.PathLike, model: str, uses: list[str],
              license_file: str | None = None) -> Edit:  # fmt: skip
    """Append MODEL (org/name[@rev], or a model folder) to the manifest's `models:`,
    creating the manifest if there is none.  UsageError: a bad id, a model listed already,
    a manifest that does not read."""
    path = Path(manifest)
    base = path.resolve().parent
    supplied = _relative(license_file, base, "--license-file") if license_file else None
    item = _model_item(model, uses, supplied, base)
    if not path.exists():
        return _write(path, "models:\n" + _lines(item, "  "), 2, load_manifest)
    current = load_manifest(path)
    ref = item if isinstance(item, str) else item.get("id") or item["path"]
    folder = str((base / ref).resolve()) if isinstance(item, dict) and "path" in item else None
    for t in current.targets:
        if t.ref == ref or (folder and t.kind == SourceKind.LOCAL and t.path == folder):
            where = f"{t.location[0]}:{t.location[1]}" if t.location else str(path)
            raise UsageError(f"{where}: {ref} is listed already")
    text, line = _append(_read(path), "models", item)
    return _write(path, text, line, load_manifest)


def _model_item(model: str, uses: list[str], license_file: str | None, base: Path) -> dict | str:
    """`org/name[@rev]` for a Hub model, `{path: ...}` for a folder (as `scan` tells them
    apart: an existing folder is a folder), with `use` and `license_file` when given."""
    entry: dict
    if Path(model).is_dir():
        entry = {"path": _relative(model, base, "MODEL")}
    else:
        try:
            parse_repo_ref(model)
        except ValueError as exc:
            raise UsageError(f"{exc}, or a model folder") from None
        entry = {"id": model}
    if uses:
        entry["use"] = list(uses)
    if license_file:
        entry["license_file"] = license_file
    return entry["id"] if list(entry) == ["id"] else entry


def _relative(path: str, base: Path, what: str) -> str:
    """A path given on the command line, as the manifest (in `base`) must name it."""
    resolved = Path(path).resolve()
    if not resolved.exists():
        raise UsageError(f"{what} {path}: not found")
    try:
        return Path(os.path.relpath(resolved, base)).as_posix()
    except ValueError:  # another drive (Windows)
        return resolved.as_posix()


# --- licscan waive --------------------------------------------------------------------------


def add_waiver(policy: str | os.PathLike, model: str, flags: list[str], reason: str,
               approver: str, expires: str, today: str | None = None) -> Edit:  # fmt: skip
    """Write a waiver for MODEL (some flags, or every judgement of it) into the policy's
    `waivers:`.  A waiver for the same model and flags is renewed in place; any other is
    appended.  UsageError for a bad argument or a policy that would not load."""
    path = Path(policy)
    if not path.is_file():
        raise UsageError(f"{path}: no such policy file (name the policy with --policy FILE)")
    for flag in flags:
        if flag not in FLAG_IDS:
            close = difflib.get_close_matches(flag, FLAG_IDS, n=1, cutoff=0.6)
            hint = f"did you mean '{close[0]}'?" if close else f"flags: {', '.join(FLAG_IDS)}"
            raise UsageError(f"--flag {flag!r}: unknown flag ({hint})")
    for what, value in (("--reason", reason), ("--approver", approver)):
        if not value.strip():
            raise UsageError(f"{what} must not be empty")
    try:
        day = date.fromisoformat(expires)
    except ValueError:
        raise UsageError(f"--expires {expires!r}: expected YYYY-MM-DD") from None
    if day.isoformat() < (today or date.today().isoformat()):
        raise UsageError(f"--expires {expires}: that day has passed")
    item: dict = {"model": model}
    if flags:
        item["flags"] = list(dict.fromkeys(flags))
    item.update(reason=reason.strip(), approver=approver.strip(), expires=day)
    text = _read(path)
    same = _same_waiver(text, path, model, set(flags))
    new, line = _replace(text, same, item) if same else _append(text, "waivers", item)
    return _write(path, new, line, lambda p: load_policy(p, today=today))


def _same_waiver(text: str, path: Path, model: str, flags: set[str]):
    """The node of a waiver for the same model and the same flags, if the policy has one."""
    for item in _items(_root(text, path), "waivers"):
        if not isinstance(item, yaml.MappingNode):
            continue
        fields = {k.value: v for k, v in item.value if isinstance(k, yaml.ScalarNode)}
        named = fields.get("model")
        listed = fields.get("flags")
        got = {n.value for n in listed.value} if isinstance(listed, yaml.SequenceNode) else set()
        if isinstance(named, yaml.ScalarNode) and named.value == model and got == flags:
            return item
    return None


# --- editing YAML as text -------------------------------------------------------------------


def _read(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise UsageError(f"{path}: cannot read: {exc}") from None


def _root(text: str, path: Path) -> yaml.MappingNode | None:
    try:
        root = compose(text)
    except YamlSyntaxError as exc:
        raise UsageError(f"{path}:{exc.line}: {exc.reason}") from None
    if root is not None and not isinstance(root, yaml.MappingNode):
        raise UsageError(f"{path}:1: not a mapping of keys: cannot add to it")
    return root


def _value(root: yaml.MappingNode | None, key: str) -> tuple[yaml.Node, yaml.Node] | None:
    for k, v in root.value if root is not None else []:
        if isinstance(k, yaml.ScalarNode) and k.value == key:
            return k, v
    return None


def _items(root: yaml.MappingNode | None, key: str) -> list[yaml.Node]:
    found = _value(root, key)
    return list(found[1].value) if found and isinstance(found[1], yaml.SequenceNode) else []


def _append(text: str, key: str, item: dict | str) -> tuple[str, int]:
    """`text` with `item` as the last element of the top-level list `key`, and the
    item's 1-based line."""
    root = _root(text, Path("."))
    lines = text.splitlines(keepends=True)
    if lines and not lines[-1].endswith("\n"):
        lines[-1] += "\n"
    found = _value(root, key)
    if found is None:  # no such key yet: a new block at the end
        return "".join(lines) + f"{key}:\n" + _lines(item, "  "), len(lines) + 2
    key_node, seq = found
    if isinstance(seq, yaml.SequenceNode) and seq.value and not seq.flow_style:
        dash = " " * _dash_column(seq.value[0], lines)
        after = _last_line(seq.value[-1]) + 1
        return "".join(lines[:after]) + _lines(item, dash) + "".join(lines[after:]), after + 1
    null = isinstance(seq, yaml.ScalarNode) and seq.tag.endswith(":null")
    if not (isinstance(seq, yaml.SequenceNode) or null):
        raise UsageError(f"'{key}:' is not a list: cannot add to it")
    # `key: [a, b]`, `key: []` or `key:` -> a block list, the old items first
    old = [text[n.start_mark.index : n.end_mark.index] for n in seq.value] if not null else []
    indent = " " * (key_node.start_mark.column + 2)
    block = "".join(f"{indent}- {o}\n" for o in old) + _lines(item, indent)
    head = text[: key_node.end_mark.index] + ":\n"
    rest = text[seq.end_mark.index :].lstrip(" ").removeprefix("\n")
    return head + block + rest, head.count("\n") + len(old) + 1


def _replace(text: str, node: yaml.Node, item: dict | str) -> tuple[str, int]:
    """`text` with the list item `node` rewritten as `item` (its lines, in place)."""
    lines = text.splitlines(keepends=True)
    first = node.start_mark.line
    dash = " " * _dash_column(node, lines)
    rest = "".join(lines[_last_line(node) + 1 :])
    return "".join(lines[:first]) + _lines(item, dash) + rest, first + 1


def _dash_column(item: yaml.Node, lines: list[str]) -> int:
    """Where the `-` of a block list item stands (before its value, on its line)."""
    line = lines[item.start_mark.line][: item.start_mark.column]
    return max(line.rfind("-"), 0)


def _last_line(node: yaml.Node) -> int:
    """The 0-based line where a node's own text ends (not the comments after it)."""
    if isinstance(node, yaml.ScalarNode):
        end = node.end_mark
        return end.line if end.column > 0 or end.line == node.start_mark.line else end.line - 1
    children = node.value if isinstance(node, yaml.SequenceNode) else [
        n for pair in node.value for n in pair]  # fmt: skip
    if not children or node.flow_style:
        return node.end_mark.line
    return max(_last_line(c) for c in children)


def _lines(item: dict | str, dash_indent: str) -> str:
    """One list item in block style: `- value` or `- key: value` and `  key: value`."""
    if not isinstance(item, dict):
        return f"{dash_indent}- {_scalar(item)}\n"
    out = []
    for i, (key, value) in enumerate(item.items()):
        lead = f"{dash_indent}- " if i == 0 else f"{dash_indent}  "
        shown = f"[{', '.join(_scalar(v) for v in value)}]" if isinstance(value, list) else (
            _scalar(value))  # fmt: skip
        out.append(f"{lead}{key}: {shown}\n")
    return "".join(out)


def _scalar(value: object) -> str:
    """A value as YAML writes it in flow context: plain when that reads back the same."""
    if isinstance(value, date):
        return value.isoformat()
    dumped = yaml.safe_dump([value], default_flow_style=True, width=1 << 30, allow_unicode=True)
    return dumped.strip()[1:-1]


def _write(path: Path, text: str, line: int, load) -> Edit:
    """Check that `text` loads with the real reader (from a file beside `path`, so that
    relative paths resolve the same), then replace the file atomically."""
    try:
        with AtomicFile(path) as sink:  # discarded, the file left as it was, on any failure
            sink.file.write(text)
            sink.file.flush()
            try:
                load(sink.tmp)
            except UsageError as exc:  # also PolicyError
                tmp = sink.tmp
                message = str(exc).replace(str(tmp), str(path)).replace(tmp.name, path.name)
                raise UsageError(
                    f"{path} not changed: the edit would not load: {message}"
                ) from None
    except OSError as exc:
        raise UsageError(f"{path}: cannot write: {exc.strerror or exc}") from None
    return Edit(path, line, text)
