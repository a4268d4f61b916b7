"""Detectors of terms on outputs and scale: output-training ban / condition, user and
revenue thresholds."""

from __future__ import annotations

import re

from licscan.detect.clause_rules import Hit, rule
from licscan.detect.clause_rules import hit as _hit
from licscan.detect.clause_rules import negated as _negated
from licscan.detect.clause_text import DEFINED_TERM as _DEFINED_TERM
from licscan.detect.clause_text import Document, Segment, declare_keys
from licscan.detect.clause_vocab import (
    MODEL_WORDS,
    NEG_RE,
    NUMBER_RE,
    OPTIONAL_RE,
    OUTPUT_RE,
    OUTPUT_WORD_RE,
    OUTPUT_WORDS,
    TRAIN_KEYS,
    TRAIN_VERBS,
    currency_of,
    parse_number,
)
from licscan.detect.fastre import compile_fast

_I = re.IGNORECASE


# --- outputs used to train other models -------------------------------------------------

_OUT_BAN = rule(
    TRAIN_KEYS,
    r"\b"
    + OUTPUT_WORDS
    + r"\b[^.;]{0,160}?\b(?:to|for|in\s+order\s+to)\s+(?:\w+\s+){0,2}?"
    + TRAIN_VERBS
    + r"\b[^.;]{0,120}?\b"
    + MODEL_WORDS
    + r"\b",
    _I,
)
_OUT_BAN_LIST = compile_fast(  # a list item under "You must not:" -- "Use Output to train models"
    r"\b(?:to\s+)?" + TRAIN_VERBS + r"\b[^.;]{0,80}?\b" + MODEL_WORDS + r"\b", _I
)
_OUT_COND = rule(
    TRAIN_KEYS,
    r"\bif\s+you\b[^.]{0,300}?\b"
    + OUTPUT_WORDS
    + r"\b[^.]{0,100}?\bto\s+(?:create|train|fine[\s-]*"
    r"tune|improve|distil\w*|develop|build)\w*\b[^.]{0,300}?\b(?:you|licensee)\s+(?:shall|must|will|"
    r"agree\s+to|are\s+required\s+to)\b",
    _I,
)
_USE_TO_TRAIN_NAMED = rule(  # "if you use the model to train an AI model, name it X-..."
    TRAIN_KEYS,
    r"\bif\s+you\s+use\b[^.]{0,200}?\bto\s+(?:create|train|fine[\s-]*tune|improve|distil\w*|develop|"
    r"build)\w*\b[^.]{0,160}?\b(?:ai|ml|machine[\s-]+learning|language)?\s*models?\b[^.]{0,300}?\b"
    r"(?:you|licensee)\s+(?:shall|must|will|should|agree\s+to)\b[^.]{0,160}?\b(?:names?|prefix\w*|"
    r"beginning|built\s+with|attribut\w*)\b",
    _I,
)
_OUT_ONLY_IF = rule(  # "you may use outputs to train a model only if it is named ..."
    TRAIN_KEYS,
    r"\b(?:may|can|are\s+(?:permitted|allowed)\s+to)\s+use\s+(?:[\w-]+\s+){0,2}?"
    + OUTPUT_WORDS
    + r"\b[^.]{0,120}?\bto\s+"
    + TRAIN_VERBS
    + r"\b[^.]{0,160}?\b(?:only\s+if|only\s+when|provided\s+(?:that|you)|on\s+(?:the\s+)?condition|"
    r"(?:as|so)\s+long\s+as)\b",
    _I,
)
# "You may not use the Model or any Derivative Work to improve any AI model": the model
# itself used to make another (distillation included) - the ban without the word "output".
_USE_TO_IMPROVE = rule(
    ("improv", "train", "enhanc", "distil"),
    r"\buse\s+[^.;]{0,60}?\b(?:models?|materials|derivative\s+works?|derivatives)\b[^.;]{0,40}?\bto\s+"
    r"(?:improve|train|enhance|distil\w*)\s+(?:any\s+)?(?:other\s+|another\s+|third[\s-]+party\s+)?"
    r"(?:ai\s+|ml\s+|language\s+|large\s+language\s+|machine[\s-]+learning\s+)?(?:models?|llms?)\b",
)
_DERIVATIVE_TERM = compile_fast(r"deriv|modif|extract|distill|derived", _I)
_DEF_FROM_OUTPUT = compile_fast(
    r"\b(?:outputs?|synthetic\s+data|distillation|distill\w*|transfer\w*\s+(?:of\s+)?(?:the\s+)?"
    r"(?:weights|patterns|parameters)|output\s+patterns)\b",
    _I,
)


_OUT_KEYS = declare_keys(
    "output", "result", "synthetic", "generated", "produced", "completion", "response", "train",
    "distil", "improv", "enhanc",
)  # fmt: skip


def output_training(doc: Document) -> list[Hit]:
    """A ban wins over a condition: "you may not use outputs to improve other models" makes
    any naming condition on models trained with the materials moot."""
    cond: Hit | None = None
    for seg in doc.having(_OUT_KEYS):
        if not seg.is_definition and (ban := _output_ban(seg)):
            return [ban]
        if cond is None:
            cond = _output_condition(seg)
    return [cond] if cond else []


_IF_YOU = compile_fast(r"\bif\s+you\b", _I)
_EXCLUDED_BEFORE = compile_fast(r"\b(?:not|no|exclud\w*)\b[^.;]{0,50}$", _I)
_MORE_AFTER = compile_fast(r"^[^.;]{0,80}?\b(?:exceed|or\s+more|or\s+above)", _I)


def _output_ban(seg: Segment) -> Hit | None:
    for m in _OUT_BAN.overlapping(seg):
        if _negated(seg, m.start(), window=160) and not OPTIONAL_RE.search(seg.text[: m.start()]):
            if _IF_YOU.search(seg.text, 0, m.start()):
                continue
            return _hit("output-training-ban", seg, m)
    for m in _USE_TO_IMPROVE.finditer(seg):
        if _negated(seg, m.start(), window=160) and not _IF_YOU.search(seg.text, 0, m.start()):
            return _hit("output-training-ban", seg, m)
    if seg.lead and NEG_RE.search(seg.lead) and OUTPUT_RE.search(seg.text):
        m = _OUT_BAN_LIST.search(seg.text)
        if m and OUTPUT_WORD_RE.search(seg.text[: m.start() + 1] + " " + seg.text):
            return _hit("output-training-ban", seg, m)
    if seg.lead and NEG_RE.search(seg.lead) and OUTPUT_WORD_RE.search(seg.lead):
        m = _OUT_BAN_LIST.search(seg.text)
        if m:
            return _hit("output-training-ban", seg, m)
    return None


def _output_condition(seg: Segment) -> Hit | None:
    m = _OUT_COND.search(seg) or _USE_TO_TRAIN_NAMED.search(seg) or _OUT_ONLY_IF.search(seg)
    if m:
        return _hit("output-training-conditional", seg, m)
    if seg.is_definition:
        term = _DEFINED_TERM.match(seg.text)
        if term and _DERIVATIVE_TERM.search(term.group(1)):
            m = _DEF_FROM_OUTPUT.search(seg.text)
            if m and not _EXCLUDED_BEFORE.search(seg.text[: m.start()]):
                return _hit(
                    "output-training-conditional",
                    seg,
                    m,
                    note="models made from outputs are derivatives",
                )
    return None


# --- user and revenue thresholds --------------------------------------------------------

_USERS = compile_fast(
    r"^\s*(?:\)\s*)?(?:\(?[a-z]{1,4}\)?\s+)?(?:of\s+)?(?:(?:monthly|daily|weekly|annual|yearly)\s+)?"
    r"(?:active\s+)?(?:end[\s-]+)?(?:users?|user\s+accounts|visits|visitors|subscribers|mau|dau|"
    r"customers|downloads|installations|service\s+users|devices)\b",
    _I,
)
_REVENUE_AFTER = compile_fast(
    r"^[^.;]{0,60}?\b(?:revenue|revenues|turnover|sales|income|receipts)\b",
    _I,
)
_REVENUE_BEFORE = compile_fast(
    r"\b(?:revenue|revenues|turnover|sales|income)\b[^.;]{0,60}$",
    _I,
)
_COMPARE = compile_fast(
    r"\b(?:greater|more|higher|larger|less|fewer|lower)\s+than|\bexceed\w*|\babove\b|\bover\b|\bin\s+"
    r"excess\s+of|\bat\s+least\b|\bup\s+to\b|\bunder\b|\bbelow\b|\breach\w*|\bsurpass\w*|\bbeyond\b"
    r"|\bmaximum\b|\bmore\b|>|≥",
    _I,
)
_FUNDING = compile_fast(r"^[^.;]{0,60}?\b(?:funding|raised|capital|valuation|equity|debt)\b", _I)
_PERIOD_MONTHLY = compile_fast(
    r"\bmonthly\s+(?:revenue|income|turnover)|(?:revenue|income)\s+per\s+month", _I
)


_THRESHOLD_KEYS = declare_keys(
    "user", "visit", "revenue", "turnover", "sales", "income", "subscriber", "mau", "customer",
    "download", "install", "device",
)  # fmt: skip
_DIGIT = re.compile(r"\d")
_BIG_NUMBER_HINT = compile_fast(
    r"\d[\d,. ]{3,}\d|\d\s*(?:thousand|million|billion|mio|mm|bn|[kmb]\b)|illion|thousand", _I
)


def thresholds(doc: Document) -> list[Hit]:
    found: dict[str, Hit] = {}
    for seg in doc.having(_THRESHOLD_KEYS):
        low = seg.low  # (a digit or a number word first: a scan at C speed)
        if not (_DIGIT.search(low) or "illion" in low or "thousand" in low):
            continue
        if not _BIG_NUMBER_HINT.search(low):
            continue
        for m in NUMBER_RE.finditer(seg.text):
            hit = _threshold_at(seg, m)
            if hit and hit.flag not in found:
                found[hit.flag] = hit
    return [found[k] for k in ("user-threshold", "revenue-threshold") if k in found]


def _threshold_at(seg: Segment, m: re.Match[str]) -> Hit | None:
    text = seg.text
    value = parse_number(m)
    if value is None or value < 1000:
        return None
    after, before = text[m.end() :], text[: m.start()]
    if not _COMPARE.search(before[-60:]) and not _MORE_AFTER.match(after):
        return None
    currency = currency_of(m)
    if _USERS.search(after) and not currency:
        return _hit("user-threshold", seg, m, value=str(value))
    if (currency or _REVENUE_AFTER.search(after) or _REVENUE_BEFORE.search(before)) and (
        _REVENUE_AFTER.search(after) or _REVENUE_BEFORE.search(before)
    ):
        if _FUNDING.search(after) and not _REVENUE_AFTER.search(after[:40]):
            return None
        notes = []
        if currency and currency != "USD":
            notes.append(f"currency {currency}")
        if _PERIOD_MONTHLY.search(text):
            notes.append("monthly revenue")
        return _hit("revenue-threshold", seg, m, value=str(value), note="; ".join(notes))
    return None
