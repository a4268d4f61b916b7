"""Is a repository made from another model, and which one does its card point to (pure)?

A quantisation, an adapter or a merge is bound by the terms of the model it was made
from.  Most declare it (`base_model:`, the Hub's lineage, a PEFT tag); many do not, and a
4-bit GGUF declaring `license: mit` over another vendor's weights would pass on its own
say-so.  Its files and card tell what it is; its card's prose usually links the original
("4-bit quant of [org/name](https://huggingface.co/org/name)").
"""

from __future__ import annotations

import posixpath
import re

from licscan.detect.card_prose import prose
from licscan.model import CardInfo

# Files that only a quantisation, an adapter or a merge carries.
_QUANT_EXT = (".gguf", ".ggml", ".exl2")
_QUANT_FILES = ("quant_config.json", "quantize_config.json", "quantization_config.json")
_ADAPTER_FILES = ("adapter_config.json", "adapter_model.safetensors", "adapter_model.bin")
_MERGE_FILES = ("mergekit_config.yml", "mergekit_config.yaml")
_QUANT_TAGS = {"gguf", "ggml", "awq", "gptq", "exl2", "quantized", "bnb", "bitsandbytes"}
_ADAPTER_TAGS = {"lora", "qlora", "peft", "adapter"}
_MERGE_TAGS = {"merge", "mergekit"}
# A link to a model page on the Hub: huggingface.co/ORG/NAME (not datasets/, spaces/...).
_HUB_LINK = re.compile(
    r"https?://(?:www\.)?(?:huggingface\.co|hf\.co)/(?!datasets/|spaces/|docs/|blog/|papers/"
    r"|collections/|organizations/|models[/?#]|settings/|join\b|login\b|pricing\b)"
    r"([A-Za-z0-9][\w.-]{0,95})/([A-Za-z0-9][\w.-]{0,95})",
)


def derivative_kind(files: list[str], card: CardInfo | None) -> str | None:
    """'quantized', 'adapter' or 'merge' when the files or card show the repository was
    made from another model; None otherwise."""
    names = {posixpath.basename(f).lower() for f in files}
    tags = {t.lower() for t in (card.tags if card else [])}
    library = str((card.raw if card else {}).get("library_name") or "").lower()
    if names & set(_ADAPTER_FILES) or library == "peft" or tags & _ADAPTER_TAGS:
        return "adapter"
    if names & set(_MERGE_FILES) or tags & _MERGE_TAGS:
        return "merge"
    if any(n.endswith(_QUANT_EXT) for n in names) or names & set(_QUANT_FILES):
        return "quantized"
    if tags & _QUANT_TAGS or (card and card.raw.get("quantized_by")):
        return "quantized"
    return None


def linked_models(card_text: str, own: set[str]) -> list[tuple[str, int, str]]:
    """Hub models the card's prose links to, first seen first: (org/name, line, the line),
    leaving out the repository itself (`own`, lowercase ids)."""
    found: dict[str, tuple[str, int, str]] = {}
    for number, line in enumerate(prose(card_text).splitlines(), 1):
        for m in _HUB_LINK.finditer(line):
            name = m.group(2)
            name = name[:-4] if name.endswith(".git") else name.rstrip(".")
            ref = f"{m.group(1)}/{name}"
            if ref.lower() not in own and ref.lower() not in found:
                found[ref.lower()] = (ref, number, line.strip())
    return list(found.values())
