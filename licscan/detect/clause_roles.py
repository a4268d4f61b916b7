"""What a sentence is doing: the role that ranks a detector's hits for one flag.

A flag may be hit in several sentences: the limit itself ("may only be used for
research"), the definition of its terms, an example, an exemption from it ("this limit
does not apply to non-profit organisations"), the grant it qualifies, a disclaimer.  The
decisive clause, quoted first, is the best-ranked hit; a flag hit only by exemptions is
not set at all (an exemption lifts a limit, it imposes none).
"""

from __future__ import annotations

import re
from enum import IntEnum

from licscan.detect.clause_rules import Hit
from licscan.detect.fastre import compile_fast


class Role(IntEnum):
    """Most decisive first."""

    LIMIT = 0  # "may only", "is prohibited", "without written authorization", "must not"
    STATEMENT = 1  # none of the others ("Licensees above 700 million users need a license")
    DEFINITION = 2  # '"Commercial Use" means ...'
    EXAMPLE = 3  # "for example", "such as", "e.g."
    CARVE_OUT = 4  # "except", "other than", "excluding": a limit's or a grant's edge
    EXEMPTION = 5  # "shall not apply to", "is exempt": lifts a limit; never sets a flag
    PERMISSION = 6  # "you may", "is permitted", "grants"
    DISCLAIMER = 7  # "as is", "no warranty", "not liable"


_EXEMPTION = compile_fast(
    r"\b(?:shall|does|do|will|would|should)\s+not\s+apply\b|\bnot\s+be\s+applicable\b"
    r"|\bexempt(?:ed|s|ion|ions)?\b|\b(?:is|are|be)\s+not\s+subject\s+to\b"
    r"|\b(?:is|are)\s+excluded\s+from\s+(?:this|these|the)\s+(?:limit|restriction|requirement)",
    re.IGNORECASE,
)
_DISCLAIMER = compile_fast(
    r"\bas\s+is\b|\bwarrant(?:y|ies)\b|\bliab(?:le|ility)\b|\bdisclaim", re.IGNORECASE
)
_LIMIT = compile_fast(
    r"\bmay\s+only\b|\bonly\s+(?:be\s+)?(?:used|for|to|within|in)\b|\bsolely\b|\bexclusively\b"
    r"|\b(?:is|are|be)\s+(?:strictly\s+)?(?:prohibited|forbidden|not\s+(?:permitted|allowed|"
    r"licensed|authori[sz]ed))\b|\bprohibit(?:s|ed)?\b"
    r"|\bwithout\s+(?:the\s+)?(?:prior\s+|express\s+|explicit\s+)*written\s+(?:authori[sz]ation|"
    r"consent|permission|approval|agreement)"
    r"|\b(?:must|shall|may|will|can)\s*not\b|\bcannot\b|\bagrees?\s+not\s+to\b|\bnever\b"
    r"|\brestricted\s+to\b|\bno\s+(?:right|license|permission)\b|\bnot\s+(?:be\s+)?used\b"
    r"|\bmust\s+(?:obtain|request|apply|purchase|acquire)\b",
    re.IGNORECASE,
)
_DEFINITION = compile_fast(r"\bmeans\b|\bshall\s+mean\b|\brefers?\s+to\b", re.IGNORECASE)
_EXAMPLE = compile_fast(r"\be\.\s?g\.|\bfor\s+(?:example|instance)\b|\bsuch\s+as\b", re.IGNORECASE)
_CARVE_OUT = compile_fast(
    r"\bexcept\b|\bother\s+than\b|\bexcluding\b|\bunless\b|\bnotwithstanding\b", re.IGNORECASE
)
_PERMISSION = compile_fast(
    r"\b(?:you|licensee|anyone|recipients?)\s+(?:may|can|are\s+free\s+to)\b|\bpermitted\b"
    r"|\ballowed\b|\bgrants?\b|\bis\s+free\b|\blicen[cs]e\s+to\b",
    re.IGNORECASE,
)


def _clause(hit: Hit) -> str:
    """The clause of its segment a hit sits in: a segment may join clauses with ';'
    ("... need a license; this requirement does not apply to non-profits")."""
    text = hit.seg.text
    a, b = hit.start - hit.seg.start, hit.end - hit.seg.start
    left = max(text.rfind(";", 0, a), text.rfind(":", 0, a)) + 1
    right = text.find(";", b)
    return text[left : right if right >= 0 else len(text)]


def role(hit: Hit) -> Role:
    """The role of the clause a hit sits in (a list item takes its lead-in's limit)."""
    seg = hit.seg
    text = _clause(hit)
    if _EXEMPTION.search(text):
        return Role.EXEMPTION
    if _DISCLAIMER.search(text):
        return Role.DISCLAIMER
    if _LIMIT.search(text) or (seg.lead and _LIMIT.search(seg.lead)):
        return Role.LIMIT
    if (seg.is_definition and len(text) == len(seg.text)) or _DEFINITION.search(text):
        return Role.DEFINITION
    if _EXAMPLE.search(text):
        return Role.EXAMPLE
    if _CARVE_OUT.search(text):
        return Role.CARVE_OUT
    if _PERMISSION.search(text):
        return Role.PERMISSION
    return Role.STATEMENT


def ranked(hits: list[Hit]) -> list[tuple[Role, Hit]]:
    """The hits of one flag, most decisive first (text order among equals); empty when
    every hit is an exemption."""
    roles = sorted(((role(h), i, h) for i, h in enumerate(hits)), key=lambda t: (t[0], t[1]))
    if all(r is Role.EXEMPTION for r, _, _ in roles):
        return []
    return [(r, h) for r, _, h in roles]
