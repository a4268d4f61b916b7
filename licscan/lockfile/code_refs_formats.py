"""Hub models named outside Python sources: notebooks, training configs, shell scripts and
Dockerfiles.  Read as text or data, never run; the same rules as refs.py decide what a
model id is (local paths, files, datasets and dynamic values are not references).

    eval.ipynb        code cells as Python (IPython magics aside); `!hf download ...` lines
                      and %%bash cells as shell; markdown cells never
    train.yaml/.json/.toml   model_name_or_path, pretrained_model_name_or_path,
                      base_model(_name_or_path), model_id, model (org/name only): strings,
                      or lists of them; a sibling `revision`/`model_revision` pins it
    run.sh, Dockerfile        huggingface-cli download ORG/NAME, hf download ORG/NAME
"""

from __future__ import annotations

import json
import re
import shlex
import tomllib
from dataclasses import replace
from pathlib import Path
from typing import Any

from licscan.lockfile.code_refs import IGNORE, MENTIONS, find_references, ignored, looks_like_repo
from licscan.model import ModelReference
from licscan.yamlnodes import error_line, line_of

# A reader's answer: the references, and problems as `file:line: why`.
Found = tuple[list[ModelReference], list[str]]

_CONFIG_SUFFIXES = {".yaml": "yaml", ".yml": "yaml", ".json": "json", ".toml": "toml"}
_SHELL_SUFFIXES = {".sh", ".bash", ".zsh", ".dockerfile", ".containerfile"}
_SHELL_NAMES = re.compile(r"^(?:Dockerfile|Containerfile)(?:\..*)?$", re.I)


_SHELLS = {"sh", "bash", "zsh", "dash", "ksh"}


def find_in_files(paths: list[str]) -> tuple[list[ModelReference], list[str]]:
    """References in each file, read by its kind; unreadable or unparsable files become
    `file:line: why`."""
    refs: list[ModelReference] = []
    problems: list[str] = []
    for path in paths:
        try:
            source = Path(path).read_text(encoding="utf-8-sig")
        except (OSError, UnicodeDecodeError) as exc:
            problems.append(f"{path}:1: cannot read: {exc}")
            continue
        kind = file_kind(path, source[:200])
        if kind != "python":
            found, bad = references(kind, source, path)
            refs += found
            problems += bad
        elif MENTIONS.search(source):  # most files name no loader: not even parsed
            try:
                refs.extend(find_references(source, path))
            except SyntaxError as exc:
                problems.append(f"{path}:{exc.lineno or 1}: not valid Python: {exc.msg}")
            except (ValueError, RecursionError) as exc:
                problems.append(f"{path}:1: not parsable: {exc}")
    return refs, problems


def file_kind(path: str, head: str = "") -> str:
    """python | notebook | yaml | json | toml | shell, from the name (and a shebang)."""
    p = Path(path)
    suffix = p.suffix.lower()
    if suffix == ".ipynb":
        return "notebook"
    if suffix in _CONFIG_SUFFIXES:
        return _CONFIG_SUFFIXES[suffix]
    if suffix in _SHELL_SUFFIXES or _SHELL_NAMES.match(p.name) or _shebang(head) in _SHELLS:
        return "shell"
    return "python"  # .py, and files pre-commit calls Python by their shebang


def _shebang(head: str) -> str:
    """The interpreter a `#!` line names: `#!/usr/bin/env bash` -> bash."""
    if not head.startswith("#!"):
        return ""
    words = head[2:].split("\n", 1)[0].split()
    if words and Path(words[0]).name == "env":
        words = [w for w in words[1:] if not w.startswith("-")]
    return Path(words[0]).name if words else ""


def references(kind: str, text: str, path: str) -> Found:
    """Every model reference of a non-Python file of that kind."""
    if kind == "notebook":
        return _notebook(text, path)
    if kind == "shell":
        return shell_references(text, path), []
    return _config(kind, text, path)


# --- notebooks --------------------------------------------------------------------------------

_SHELL_CELL = re.compile(r"\s*%%(?:bash|sh|zsh|script\s+(?:ba|z)?sh)\b")
# `!cmd`, `%magic`, `x = !cmd`, `x = %time f()`: IPython, not Python.
_MAGIC_LINE = re.compile(r"^(\s*)(?:[\w.]+(?:\s*,\s*[\w.]+)*\s*=\s*)?([!%])(.*)$")


def _notebook(text: str, path: str) -> Found:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        return [], [f"{path}:{exc.lineno}: not a valid notebook: {exc.msg}"]
    cells = data.get("cells") if isinstance(data, dict) else None
    if not isinstance(cells, list):
        return [], [f"{path}:1: not a valid notebook: it has no list of cells"]
    found: list[ModelReference] = []
    problems: list[str] = []
    for number, cell in enumerate(cells, 1):
        if not isinstance(cell, dict) or cell.get("cell_type") != "code":
            continue  # markdown and raw cells load nothing
        source = cell.get("source", "")
        source = "".join(source) if isinstance(source, list) else source
        if not isinstance(source, str):
            problems.append(f"{path}:cell {number}:1: not a valid notebook cell")
            continue
        refs, bad = _cell(source, path, number)
        found += refs
        problems += bad
    return found, problems


def _cell(source: str, path: str, number: int) -> Found:
    """One code cell: shell lines and %%bash cells as shell, the rest as Python."""
    if _SHELL_CELL.match(source):
        return [replace(r, cell=number) for r in shell_references(source, path)], []
    python, found = [], []
    for n, line in enumerate(source.split("\n"), 1):
        magic = _MAGIC_LINE.match(line)
        if magic is None:
            python.append(line)
            continue
        python.append(magic.group(1) + "pass")  # keeps the block structure and line numbers
        if magic.group(2) == "!":
            shell = shell_references(magic.group(3), path)
            found += [replace(r, line=n, cell=number) for r in shell]
    code = "\n".join(python)
    if not MENTIONS.search(code):
        return found, []
    try:
        found += [replace(r, cell=number) for r in find_references(code, path)]
    except SyntaxError as exc:
        if source.lstrip().startswith("%%"):
            return found, []  # a cell magic whose body is another language (%%html, %%sql)
        return found, [f"{path}:cell {number}:{exc.lineno or 1}: not valid Python: {exc.msg}"]
    except (ValueError, RecursionError) as exc:
        return found, [f"{path}:cell {number}:1: not parsable: {exc}"]
    return sorted(found, key=lambda r: r.line), []


# --- configs ----------------------------------------------------------------------------------

# Keys whose string value is the model a training or serving run loads.  `model` alone is
# too common a word (`model: gpt-4o`, `model: {layers: 12}`): only an org/name counts.
_MODEL_KEYS = {
    "model_name_or_path",
    "pretrained_model_name_or_path",
    "base_model",
    "base_model_name_or_path",  # PEFT's adapter_config.json
    "model_id",
    "model",
}
_REVISION_KEYS = ("revision", "model_revision")
_KEY_MENTION = re.compile("|".join(sorted(_MODEL_KEYS, key=len, reverse=True)))


def _config(kind: str, text: str, path: str) -> Found:
    if not _KEY_MENTION.search(text):
        return [], []  # most configs name no model: not even parsed
    if kind == "yaml":
        return _yaml(text, path)
    try:
        data = json.loads(text) if kind == "json" else tomllib.loads(text)
    except json.JSONDecodeError as exc:
        return [], [f"{path}:{exc.lineno}: not valid JSON: {exc.msg}"]
    except tomllib.TOMLDecodeError as exc:
        return [], [f"{path}:{_toml_line(exc)}: not valid TOML: {exc}"]
    except (ValueError, RecursionError) as exc:
        return [], [f"{path}:1: not parsable: {exc}"]
    found = []
    for key, value, revision in _pairs(data):
        line = _line_of_value(text, key, value)
        ref = _reference(key, value, revision, path, line, text)
        if ref is not None:
            found.append(ref)
    return found, []


def _pairs(data: Any) -> list[tuple[str, str, str | None]]:
    """(key, model id, revision) for every model key at any depth of parsed data."""
    out = []
    stack = [data]
    while stack:
        node = stack.pop()
        if isinstance(node, list):
            stack.extend(reversed(node))
        if not isinstance(node, dict):
            continue
        revision = next((node[k] for k in _REVISION_KEYS if isinstance(node.get(k), str)), None)
        for key, value in node.items():
            values = value if isinstance(value, list) else [value]
            if key in _MODEL_KEYS and all(isinstance(v, str) for v in values):
                out += [(key, v, revision) for v in values]
            else:
                stack.append(value)
    return out


def _yaml(text: str, path: str) -> Found:
    """YAML as nodes (every value keeps its line; unknown tags such as CloudFormation's
    `!Ref` are fine): every document of the file."""
    import yaml

    try:
        documents = list(yaml.compose_all(text, Loader=yaml.SafeLoader))
    except yaml.YAMLError as exc:
        return [], [f"{path}:{error_line(exc, text)}: not valid YAML: {_problem(exc)}"]
    except RecursionError:
        return [], [f"{path}:1: YAML nested too deeply"]
    found = []
    stack = [d for d in documents if d is not None]
    while stack:
        node = stack.pop()
        if isinstance(node, yaml.SequenceNode):
            stack.extend(node.value)
        if not isinstance(node, yaml.MappingNode):
            continue
        revision = next((v.value for k, v in node.value if k.value in _REVISION_KEYS
                         and isinstance(v, yaml.ScalarNode)), None)  # fmt: skip
        for key, value in node.value:
            items = value.value if isinstance(value, yaml.SequenceNode) else [value]
            if key.value in _MODEL_KEYS and all(isinstance(v, yaml.ScalarNode) for v in items):
                for item in items:
                    line = line_of(text, item.start_mark)
                    ref = _reference(key.value, item.value, revision, path, line, text)
                    found += [ref] if ref is not None else []
            else:
                stack.append(value)
    return sorted(found, key=lambda r: r.line), []


def _reference(key: str, value: str, revision: str | None, path: str, line: int,
               text: str) -> ModelReference | None:  # fmt: skip
    if not looks_like_repo(value, Path(path).parent):
        return None
    if key == "model" and "/" not in value:
        return None
    if ignored(text.splitlines(), line):
        return None
    return ModelReference(value, revision or None, path, line, f"config:{key}")


def _line_of_value(text: str, key: str, value: str) -> int:
    """JSON and TOML parsers keep no positions: the first line naming the key and the
    value (a value on the line after its key, as a JSON list puts it, counts too)."""
    lines = text.splitlines()
    for i, line in enumerate(lines):
        if value in line and (key in line or (i and key in lines[i - 1])):
            return i + 1
    return next((i + 1 for i, line in enumerate(lines) if value in line), 1)


def _toml_line(exc: tomllib.TOMLDecodeError) -> int:
    match = re.search(r"line (\d+)", str(exc))
    return int(match.group(1)) if match else 1


def _problem(exc: Exception) -> str:
    return " ".join(str(getattr(exc, "problem", None) or exc).split())


# --- shell scripts and Dockerfiles ------------------------------------------------------------

_DOWNLOAD = re.compile(r"(^|[\s;&|(`\"'])(huggingface-cli|hf)\s+download(?=\s|$)")
_VALUE_OPTIONS = {"--repo-type", "--type", "--revision", "--include", "--exclude",
                  "--cache-dir", "--local-dir", "--local-dir-use-symlinks", "--token",
                  "--max-workers", "--format"}  # fmt: skip
_SHELL_C = re.compile(r"\b(?:ba|z|da|k)?sh\s+(?:-\w+\s+)*-\w*c\s*$")
_SEPARATORS = {";", "&&", "||", "|", "&", "(", ")", "`"}


def shell_references(text: str, path: str) -> list[ModelReference]:
    """`huggingface-cli download ORG/NAME` and `hf download ORG/NAME` (`--revision R`
    pins it; `--repo-type dataset|space` is not a model), one command per logical line
    (backslash continuations joined), comments and `# licscan: ignore` lines skipped."""
    found = []
    for line, command in _logical_lines(text):
        if command.lstrip().startswith("#") or IGNORE.search(command):
            continue
        for match in _DOWNLOAD.finditer(command):
            rest = command[match.end() :]
            quote = match.group(1)
            if quote and quote in "\"'":  # `bash -c "hf download ..."`, not `echo "..."`
                if not _SHELL_C.search(command[: match.start(1)]):
                    continue
                rest = rest.split(quote, 1)[0]
            ref = _download(rest, path, line, match.group(2))
            if ref is not None:
                found.append(ref)
    return found


def _logical_lines(text: str) -> list[tuple[int, str]]:
    out: list[tuple[int, str]] = []
    start, parts = 0, []
    for n, line in enumerate(text.splitlines(), 1):
        if not parts:
            start = n
        if line.endswith("\\"):
            parts.append(line[:-1])
            continue
        out.append((start, " ".join([*parts, line])))
        parts = []
    if parts:
        out.append((start, " ".join(parts)))
    return out


def _download(rest: str, path: str, line: int, program: str) -> ModelReference | None:
    """The repo id and revision of one `download` command's arguments."""
    tokens = _tokens(rest)
    options: dict[str, str] = {}
    positional: list[str] = []
    i = 0
    while i < len(tokens) and tokens[i] not in _SEPARATORS:
        token = tokens[i]
        name, eq, value = token.partition("=")
        if name in _VALUE_OPTIONS:
            if not eq:
                i += 1
                value = tokens[i] if i < len(tokens) else ""
            options[name] = value
        elif not token.startswith("-"):
            positional.append(token)
        i += 1
    if not positional:
        return None
    repo_id, revision = positional[0], options.get("--revision")
    if repo_id.startswith("hf://"):  # hf://[models/]org/name[@revision]
        repo_id = repo_id.removeprefix("hf://").removeprefix("models/")
        repo_id, _, at = repo_id.partition("@")
        revision = revision or at or None
        if repo_id.startswith(("datasets/", "spaces/")):
            return None
    kind = options.get("--repo-type") or options.get("--type") or "model"
    if kind != "model" or not looks_like_repo(repo_id, Path(path).parent):
        return None
    return ModelReference(repo_id, revision or None, path, line, f"{program} download")


def _tokens(command: str) -> list[str]:
    lexer = shlex.shlex(command, posix=True, punctuation_chars=";&|()`")
    lexer.whitespace_split = True
    try:
        return list(lexer)
    except ValueError:  # an unclosed quote: split on blanks
        return command.split()
