"""What a model card's prose says about the terms (pure, no I/O).

A card-only model (no license file) states its terms in the card alone, and authors often
put the decisive words in prose rather than in the front matter: `license: apache-2.0` over
"this model is released for research purposes only and may not be used commercially", or a
中文模型卡 whose 许可证 section says 仅供学术研究使用，禁止商用.  Those words bind as much as
the metadata, and read only from the metadata the model would pass.

Cards also describe intended uses, limitations and disclaimers ("intended for research
purposes", "not a substitute for medical advice"), so only the withholding terms are read
(non-commercial, research-only, no-derivatives): non-commercial wherever the detectors find
it (a card names non-commercial use only to withhold it), the others only from a sentence
that limits what may be done ("may not", "only ... for", "prohibited", 不得, 禁止, 仅供): a
description of intended use is no term.  Code blocks, HTML comments and the front matter
are not prose; they are blanked line for line, so quotes cite the README's own lines.
"""

from __future__ import annotations

import re

from licscan.detect.clauses import detect_clauses
from licscan.model import WITHHOLDING_FLAGS, Flag

_FRONT = re.compile(r"\A\ufeff?\s*---[ \t]*\r?\n.*?\r?\n---[ \t]*(?=\r?\n|\Z)", re.S)
_FENCE = re.compile(r"^[ \t]*(`{3,}|~{3,})[^\n]*\n.*?^[ \t]*\1[ \t]*$", re.S | re.M)
_COMMENT = re.compile(r"<!--.*?-->", re.S)
# A sentence that limits: the words a term is made of, not those of a description.
_LIMIT = re.compile(
    r"\b(?:may|must|shall|can|will)\s*not\b|\bcannot\b|\bonly\s+(?:be\s+)?(?:used|for|to|in|"
    r"within)\b|\bsolely\b|\bexclusively\b|\bprohibit\w*|\bforbid\w*|\bnot\s+(?:be\s+)?"
    r"(?:used|permitted|allowed|licen[cs]ed)\b|\brestricted\s+to\b|\bno\s+commercial\b|\bnon-?"
    r"commercial\b[^.;]{0,40}?\bonly\b|\brequires?\s+(?:a\s+)?(?:separate|commercial|written)\b"
    r"|不得|禁止|严禁|嚴禁|仅供|僅供|仅限|僅限|只能|只可|不可|不允许|不允許|未经|未經|须|須",
    re.I,
)


def prose(card_text: str) -> str:
    """The card's prose: front matter, fenced code and HTML comments blanked, lines kept."""

    def blank(m: re.Match) -> str:
        return "\n" * m.group(0).count("\n")

    text = _FRONT.sub(blank, card_text, count=1)
    text = _FENCE.sub(blank, text)
    return _COMMENT.sub(blank, text)


def prose_terms(card_text: str, source: str = "README.md") -> list[Flag]:
    """Withholding terms the card's prose states, each quoting its limiting sentence."""
    body = prose(card_text)
    if not body.strip():
        return []
    found = [f for f in detect_clauses(body, source) if f.id in WITHHOLDING_FLAGS]
    kept = []
    for flag in found:
        # a card describes its intended uses ("intended for research purposes only"), but
        # names non-commercial use only to withhold it
        limiting = [ev for ev in flag.evidence
                    if flag.id == "non-commercial" or _LIMIT.search(ev.quote or "")]  # fmt: skip
        if limiting:
            note = "stated in the model card's prose"
            kept.append(Flag(flag.id, flag.value, limiting, note=note))
    return kept
