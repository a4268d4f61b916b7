"""Model card (README.md) metadata -> CardInfo, tolerant of what real cards do.

Compatible with huggingface_hub's repocard parsing (same front-matter regex, same
YAML safe loader) but never raises: a YAML error, a block that is not at the top, the
TRL `licence:` typo or a placeholder value each become a `problems` entry, so the
engine can report them.  huggingface_hub itself is not imported here (it costs
~200 ms), which keeps local-folder scans and pre-commit checks fast; a test asserts
the regex below is the client's own.
"""

from __future__ import annotations

import re
from typing import Any

import yaml

from licscan.hubref import normalize_repo_ref
from licscan.model import CardInfo
from licscan.yamlnodes import YamlSyntaxError, check_aliases, line_of, one_line

# huggingface_hub.repocard.REGEX_YAML_BLOCK (2.4.0), used with re.search and no flags:
# the block must open the file (only leading whitespace allowed).
REGEX_YAML_BLOCK = re.compile(
    r"^(\s*---(?:\r\n|\r|\n))([\S\s]*?)((?:\r\n|\r|\n)---[ \t]*(\r\n|\n|$))"
)
# A `---` block anywhere (for front matter that authors put below some prose).
_LATER_BLOCK = re.compile(r"^---[ \t]*\n(.*?)\n---[ \t]*$", re.M | re.S)
_KEYISH = re.compile(r"^([A-Za-z_][\w.-]*)[ \t]*:")

# Keys that make a `---` block a model card's metadata rather than a Markdown rule.
CARD_KEYS = frozenset(
    {
        "license", "licence", "license_name", "license_link", "base_model",
        "base_model_relation", "datasets", "tags", "language", "library_name",
        "pipeline_tag", "model-index", "inference", "widget", "metrics", "model_name",
        "extra_gated_prompt", "extra_gated_fields", "thumbnail", "new_version",
    }
)  # fmt: skip
# Values that say "no license given" rather than naming one (TRL writes `licence: license`).
PLACEHOLDERS = frozenset(
    {"license", "licence", "[more information needed]", "more information needed", "tbd", ""}
)
RELATIONS = ("adapter", "finetune", "merge", "quantized")
# The pure-Python loader, as huggingface_hub's yaml.safe_load: libyaml is faster but accepts
# cards (e.g. TAB indentation) that the client rejects.
_Loader = yaml.SafeLoader


def parse_card(text: str, source: str = "README.md") -> CardInfo:
    """Parse a model card's front matter; never raises (problems are recorded)."""
    card = _parse(text, source)
    card.problems = [one_line(p) for p in card.problems]
    return card


def _parse(text: str, source: str) -> CardInfo:
    text = text.lstrip("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    card = CardInfo()
    match = REGEX_YAML_BLOCK.search(text)
    if match:
        offset = text.count("\n", 0, match.start(2))
        _load_block(card, match.group(2), offset, source)
        return card
    later = _later_block(text)
    if later is None:
        card.problems.append(f"{source}: no metadata block (YAML front matter) found")
        return card
    block, offset = later
    card.problems.append(
        f"{source}: front matter found at line {offset}, not at the top of the file "
        "(the Hub ignores it; licscan reads it)"
    )
    _load_block(card, block, offset, source)
    return card


def card_from_data(data: Any, source: str = "card data (Hub API)") -> CardInfo:
    """CardInfo from already-parsed metadata (the Hub API's `cardData`); no line numbers."""
    card = CardInfo()
    if data is None:
        return card
    if not isinstance(data, dict):
        _unreadable(card, f"{source}: metadata is a {type(data).__name__}, not a mapping")
        return card
    _extract(card, data, {}, source)
    card.problems = [one_line(p) for p in card.problems]
    return card


def _later_block(text: str) -> tuple[str, int] | None:
    """The first `---` block below the top that looks like card metadata."""
    for m in _LATER_BLOCK.finditer(text):
        body = m.group(1)
        first = next((ln for ln in body.split("\n") if ln.strip() and not ln.startswith("#")), "")
        key = _KEYISH.match(first)
        if key and key.group(1) in CARD_KEYS:
            return body, text.count("\n", 0, m.start(1))
    return None


def _load_block(card: CardInfo, block: str, offset: int, source: str) -> None:
    """YAML -> mapping with the README line of every top-level key."""
    try:
        loader = _Loader(block)  # checks the characters first: ReaderError
    except yaml.reader.ReaderError as exc:
        line = offset + block.count("\n", 0, exc.position) + 1
        _unreadable(card, f"{source}: YAML error at line {line}: {_reason(exc)}")
        return
    try:
        node = loader.get_single_node()
        if node is not None:
            check_aliases(node, block)  # before anything expands them
        data = loader.construct_document(node) if node is not None else {}
    except YamlSyntaxError as exc:
        _unreadable(card, f"{source}: front matter unreadable at line {offset + exc.line}: "
                          f"{exc.reason}")  # fmt: skip
        return
    except yaml.YAMLError as exc:
        _unreadable(card, f"{source}: YAML error {_where(exc, block, offset)}: {_reason(exc)}")
        return
    except Exception as exc:
        # e.g. thousands of nested "[" (RecursionError), an unhashable key (TypeError),
        # `!!timestamp foo` (AttributeError inside PyYAML)
        kind = "nested too deeply" if isinstance(exc, RecursionError) else "unreadable"
        _unreadable(card, f"{source}: front matter {kind} ({type(exc).__name__})")
        return
    finally:
        loader.dispose()
    if data is None:
        data = {}
    if not isinstance(data, dict):
        _unreadable(card, f"{source}: front matter is a {type(data).__name__}, not a mapping")
        return
    lines: dict[str, int] = {}
    if isinstance(node, yaml.MappingNode):
        for key_node, value_node in node.value:
            key = str(key_node.value)
            line = offset + line_of(block, key_node.start_mark)
            if key in lines:
                card.problems.append(
                    f"{source}: '{key}' appears twice (lines {lines[key]} and {line}); "
                    "the last one counts"
                )
            lines[key] = line
            if key == "tags" and isinstance(value_node, yaml.SequenceNode):
                for item in value_node.value:
                    lines.setdefault(f"tags:{item.value}", offset + line_of(block, item.start_mark))
    _extract(card, data, lines, source)


def _unreadable(card: CardInfo, problem: str) -> None:
    """A problem that leaves no metadata to read: the card is unusable (engine: an error
    unless a license file speaks)."""
    card.problems.append(problem)
    card.unreadable = one_line(problem)


def _where(exc: yaml.YAMLError, block: str, offset: int) -> str:
    mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
    return f"at line {offset + line_of(block, mark)}" if mark is not None else "in front matter"


def _reason(exc: yaml.YAMLError) -> str:
    parts = [getattr(exc, "context", None), getattr(exc, "problem", None)]
    text = ", ".join(p for p in parts if p) or str(exc).splitlines()[0]
    return " ".join(text.split())


def _extract(card: CardInfo, data: dict, lines: dict[str, int], source: str) -> None:
    card.raw = data
    card.key_lines = dict(lines)
    note = card.problems.append
    card.tags = _strings(data.get("tags"), "tags", source, note)
    card.licenses = _licenses(card, data, source)
    card.license_name = _scalar(data.get("license_name"), "license_name", source, note)
    card.license_link = _scalar(data.get("license_link"), "license_link", source, note)
    card.base_models = _base_models(card, data.get("base_model"), source)
    card.base_model_relation = _scalar(
        data.get("base_model_relation"), "base_model_relation", source, note
    )
    card.datasets = _strings(data.get("datasets"), "datasets", source, note)
    # the gated flag quotes it from `raw` (engine); a value of the wrong type is noted here
    _scalar(data.get("extra_gated_prompt"), "extra_gated_prompt", source, note)
    _from_tags(card, source)


def _licenses(card: CardInfo, data: dict, source: str) -> list[str]:
    note = card.problems.append
    key = "license"
    if "license" not in data and "licence" in data:
        key = "licence"
        note(f"{source}: 'licence:' (British spelling) used instead of 'license:'")
        if "licence" in card.key_lines:
            card.key_lines.setdefault("license", card.key_lines["licence"])
    values = _strings(data.get(key), key, source, note)
    kept = [v for v in values if v.strip().lower() not in PLACEHOLDERS]
    for v in values:
        if v.strip().lower() in PLACEHOLDERS:
            note(f"{source}: '{key}: {v}' is a template placeholder, not a license")
    return kept


def _from_tags(card: CardInfo, source: str) -> None:
    """Card tags such as `license:mit` or `base_model:adapter:org/x` fill missing keys."""
    tag_licenses, tag_bases, relation = [], [], None
    for tag in card.tags:
        kind, _, rest = tag.partition(":")
        if kind == "license" and rest:
            tag_licenses.append(rest)
        elif kind == "base_model" and rest:
            rel, _, model = rest.partition(":")
            if rel in RELATIONS and model:
                relation = relation or rel
                rest = model
            tag_bases.append(rest)
    if not card.licenses and tag_licenses:
        card.licenses = tag_licenses
        card.problems.append(f"{source}: license taken from tags ({', '.join(tag_licenses)})")
        line = card.key_lines.get(f"tags:license:{tag_licenses[0]}")
        if line:
            card.key_lines.setdefault("license", line)
    if not card.base_models and tag_bases:
        card.base_models = _dedupe(tag_bases)
    if card.base_model_relation is None and relation:
        card.base_model_relation = relation


def _base_models(card: CardInfo, value: Any, source: str) -> list[str]:
    out = []
    for item in _strings(value, "base_model", source, card.problems.append):
        ref = normalize_repo_ref(item)
        if ref is None:
            problem = f"{source}: base_model '{item}' is not a Hub repo id; not followed"
            card.problems.append(problem)
            card.not_repo_ids[item] = one_line(problem)
        else:
            out.append(ref)
    return _dedupe(out)


def _strings(value: Any, key: str, source: str, note) -> list[str]:
    if value is None:
        return []
    if isinstance(value, str):
        return [value.strip()] if value.strip() else []
    if isinstance(value, (list, tuple)):
        out = []
        for item in value:
            if item is None:
                continue
            if not isinstance(item, str):
                note(f"{source}: '{key}' item {item!r} is not a string")
            if str(item).strip():
                out.append(str(item).strip())
        return out
    if isinstance(value, (int, float, bool)):
        note(f"{source}: '{key}' is a {type(value).__name__}, expected a string or list")
        return [str(value)]
    note(f"{source}: '{key}' is a {type(value).__name__}, expected a string or list; ignored")
    return []


def _scalar(value: Any, key: str, source: str, note) -> str | None:
    if value is None:
        return None
    if isinstance(value, str):
        return value.strip() or None
    if isinstance(value, list) and value and all(isinstance(v, str) for v in value):
        note(f"{source}: '{key}' is a list; using its first item")
        return value[0].strip() or None
    note(f"{source}: '{key}' is a {type(value).__name__}, expected a string")
    return str(value)


def _dedupe(items: list[str]) -> list[str]:
    return list(dict.fromkeys(items))
