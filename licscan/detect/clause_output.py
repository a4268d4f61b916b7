"""Detectors of terms on outputs and scale: output-training ban / condition, user and
revenue thresholds."""

from __future__ import annotations

import re

from licscan.detect.clause_rules import Hit, maybe_negated, rule
from licscan.detect.clause_rules import hit as _hit
from licscan.detect.clause_rules import negated as _negated
from licscan.detect.clause_text import DEFINED_TERM as _DEFINED_TERM
from licscan.detect.clause_text import Document, Segment, declare_keys
from licscan.detect.clause_vocab import (
    MODEL_WORDS,
    NEG_RE,
    NUMBER_RE,
    OPTIONAL_RE,
    OUTPUT_KEYS,
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
_OUT_COND_ON = rule(  # "if you train a model on outputs, you must name it ..."
    OUTPUT_KEYS,
    r"\bif\s+you\s+(?:\w+\s+){0,2}?"
    + TRAIN_VERBS
    + r"\b[^.;]{0,80}?\b"
    + MODEL_WORDS
    + r"\b[^.;]{0,40}?\b(?:on|with|using|from)\s+(?:the\s+|any\s+|such\s+)?"
    + OUTPUT_WORDS
    + r"\b[^.]{0,200}?\b(?:you|licensee)\s+(?:shall|must|will|agree\s+to|are\s+required\s+to)\b",
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
# The prohibition after the act: "using outputs to develop any other model is not permitted".
_OUT_BAN_AFTER = rule(
    ("prohibit", "forbid", "not permitted", "not allowed", "not authori", "not licensed"),
    r"\b"
    + OUTPUT_WORDS
    + r"\b[^.;]{0,160}?\b(?:to|for|in\s+order\s+to)\s+(?:\w+\s+){0,2}?"
    + TRAIN_VERBS
    + r"\b[^.;]{0,120}?\b"
    + MODEL_WORDS
    + r"\b[^.;]{0,60}?\b(?:is|are)\s+(?:strictly\s+)?(?:not\s+(?:permitted|allowed|authori[sz]ed|"
    r"licensed)|prohibited|forbidden)\b",
    _I,
)
_PROHIBITED_PHRASE = compile_fast(
    r"\b(?:is|are)\s+(?:strictly\s+)?(?:not\s+(?:permitted|allowed|authori[sz]ed|licensed)|prohibited|"
    r"forbidden)\b",
    _I,
)
# Training named before the outputs: "you may not train any AI model on outputs",
# "training other models on Outputs is not permitted".  Found from the outputs back (the
# preposition and output word are rare; the training verbs are not).
_ON_OUTPUT = rule(
    OUTPUT_KEYS,
    r"\b(?:on|with|using|from)\s+(?:the\s+|any\s+|such\s+)?" + OUTPUT_WORDS + r"\b",
    _I,
)
_TRAIN_MODEL_BEFORE = compile_fast(
    r"\b" + TRAIN_VERBS + r"\b[^.;]{0,80}?\b" + MODEL_WORDS + r"\b[^.;]{0,40}?$", _I
)
_PROHIBITED_AFTER = compile_fast(  # (used with .match at the end of a hit)
    r"[^.;]{0,80}?\b(?:is|are)\s+(?:strictly\s+)?(?:not\s+(?:permitted|allowed|authori[sz]ed|licensed)|"
    r"prohibited|forbidden)\b",
    _I,
)
_AI_MODEL = (
    r"(?:(?:ai|ml|language|machine[\s-]+learning|foundation|generative|competing|other|another)\s+)?"
    r"(?:models?|llms?)\b"
)
# A permission to use outputs with training carved out: "for any purpose, except to train a
# model that competes with X", "other than training other AI models".
_OUT_EXCEPT = rule(
    ("except", "other than", "excluding", "but not", "save"),
    r"\b"
    + OUTPUT_WORDS
    + r"\b[^.;]{0,160}?\b(?:except|other\s+than|excluding|but\s+not|save)\s+(?:(?:to|for|in)\s+)?"
    r"(?:\w+\s+){0,2}?" + TRAIN_VERBS + r"\b[^.;]{0,80}?\b(?:an?\s+|any\s+|the\s+)?" + _AI_MODEL,
    _I,
)
_EXCEPT_TRAIN = compile_fast(
    r"\b(?:except|other\s+than|excluding|but\s+not|save)\s+(?:(?:to|for|in)\s+)?(?:\w+\s+){0,2}?"
    + TRAIN_VERBS,
    _I,
)
# Outputs may train only the licensor's own family: "only to improve the Model or its
# derivatives", "only if those models are themselves Ember Models".
_OUT_ONLY_OWN = rule(
    ("only",),
    r"\b"
    + OUTPUT_WORDS
    + r"\b[^.;]{0,100}?\bonly\s+(?:to|for)\s+(?:\w+\s+){0,2}?"
    + TRAIN_VERBS
    + r"\s+(?:\w+\s+){0,2}?(?:the\s+model|this\s+model|(?:the\s+)?(?!(?:ai|ml|llms?)\b)"
    r"(?-i:[A-Z])[\w-]*\s+models?|(?:its|their|model)\s+derivatives)\b"
    r"|\b(?:only\s+if|only\s+when|provided\s+that)\s+(?:the|those|such|that|these|this|the\s+resulting)\s+"
    r"(?:\w+\s+){0,2}?(?:is|are)\s+(?:themselves\s+|itself\s+)?(?:an?\s+)?(?!(?:ai|ml|llms?)\b)"
    r"(?-i:[A-Z])[\w-]*\s+models?\b",
    _I,
)
_DERIVATIVE_TERM = compile_fast(r"deriv|modif|extract|distill|derived", _I)
_DEF_FROM_OUTPUT = compile_fast(
    r"\b(?:outputs?|synthetic\s+data|distillation|distill\w*|transfer\w*\s+(?:of\s+)?(?:the\s+)?"
    r"(?:weights|patterns|parameters)|output\s+patterns)\b",
    _I,
)


_OUT_KEYS = declare_keys(
    "output", "result", "synthetic", "generat", "produce", "completion", "response", "train",
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
            cond = _output_condition(seg) or _condition_after(doc, seg)
    return [cond] if cond else []


# A permission to train on outputs, its condition in the next sentence: "You may use content
# generated by the Model to train another model. If you make such a model available, its
# name must start with 'Fjord-'."
_OUT_PERMIT = rule(
    OUTPUT_KEYS,
    r"\b(?:may|can|are\s+free\s+to|are\s+(?:permitted|allowed)\s+to)\s+use\b[^.;]{0,40}?\b"
    + OUTPUT_WORDS
    + r"\b[^.]{0,120}?\bto\s+(?:\w+\s*,?\s+(?:or\s+)?){0,3}?"
    + TRAIN_VERBS
    + r"\b[^.;]{0,120}?\b"
    + MODEL_WORDS
    + r"\b",
    _I,
)
_SUCH_MODEL_MUST = compile_fast(
    r"\b(?:such|that|the\s+resulting|the\s+new|the\s+trained|those|these)\s+(?:[\w-]+\s+){0,2}?models?\b"
    r"[^.]{0,200}?\b(?:must|shall|(?:is|are)\s+required\s+to)\b"
    r"|^\W*(?:if|when|where)\b[^.]{0,120}?\b(?:such|that|the\s+resulting|the\s+new|those)\s+(?:[\w-]+\s+)"
    r"{0,2}?models?\b[^.]{0,160}?\b(?:its|their|the)\s+names?\s+(?:must|shall)\b",
    _I,
)


def _condition_after(doc: Document, seg: Segment) -> Hit | None:
    m = _OUT_PERMIT.search(seg)
    if m is None or _negated(seg, m.start()):
        return None
    nxt = doc.next_segment(seg)
    if nxt is not None and (c := _SUCH_MODEL_MUST.search(nxt.text)):
        return _hit("output-training-conditional", nxt, c)
    return None


# "a change that modifies its functionality or output": a change to the model's own output,
# not a model made from outputs ("any model trained on its outputs")
_ITS_OWN_OUTPUT = compile_fast(
    r"\b(?:modif|alter|chang|affect|improv)\w*\s+(?:its|their|the)\s+(?:\w+\s+(?:or|and)\s+)?$", _I
)
_IF_YOU = compile_fast(r"\bif\s+you\b", _I)
_EXCLUDED_BEFORE = compile_fast(r"\b(?:not|no|exclud\w*)\b[^.;]{0,50}$", _I)
_MORE_AFTER = compile_fast(r"^[^.;]{0,80}?\b(?:exceed|or\s+more|or\s+above)", _I)


def _output_ban(seg: Segment) -> Hit | None:
    for m in _OUT_BAN.overlapping(seg):
        if _negated(seg, m.start(), window=160) and not OPTIONAL_RE.search(seg.text[: m.start()]):
            if _IF_YOU.search(seg.text, 0, m.start()):
                continue
            return _hit("output-training-ban", seg, m)
    if OUTPUT_RE.has_key(seg.low) and (ban := _output_ban_forms(seg)):
        return ban
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


def _output_ban_forms(seg: Segment) -> Hit | None:
    """The ban stated after the act, with training named first, carved out of a
    permission, or as "only to train its own models"."""
    for gate, r in ((_PROHIBITED_PHRASE, _OUT_BAN_AFTER), (_EXCEPT_TRAIN, _OUT_EXCEPT)):
        # (its keys, then its rare phrase: the whole pattern is slow)
        if not r.has_key(seg.low) or not gate.search(seg.text):
            continue
        if (m := r.search(seg)) and not _IF_YOU.search(seg.text, 0, m.start()):
            return _hit("output-training-ban", seg, m)
    for on in _ON_OUTPUT.finditer(seg) if maybe_negated(seg) else ():
        left = max(0, on.start() - 130)
        if (t := _TRAIN_MODEL_BEFORE.search(seg.text, left, on.start())) is None:
            continue
        if _IF_YOU.search(seg.text, 0, t.start()):
            continue
        if _negated(seg, t.start(), window=160) or _PROHIBITED_AFTER.match(seg.text, on.end()):
            return Hit("output-training-ban", seg, seg.start + t.start(), seg.start + on.end())
    if (m := _OUT_ONLY_OWN.search(seg)) and OUTPUT_WORD_RE.search(seg.text):
        return _hit("output-training-ban", seg, m, note="outputs may train only its own models")
    return None


def _output_condition(seg: Segment) -> Hit | None:
    m = (
        _OUT_COND.search(seg)
        or _OUT_COND_ON.search(seg)
        or _USE_TO_TRAIN_NAMED.search(seg)
        or _OUT_ONLY_IF.search(seg)
    )
    if m:
        return _hit("output-training-conditional", seg, m)
    if seg.is_definition:
        term = _DEFINED_TERM.match(seg.text)
        if term and _DERIVATIVE_TERM.search(term.group(1)):
            m = next(
                (
                    m
                    for m in _DEF_FROM_OUTPUT.finditer(seg.text)
                    if not _ITS_OWN_OUTPUT.search(seg.text[max(0, m.start() - 40) : m.start()])
                ),
                None,
            )
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
    "user", "visit", "revenue", "turnover", "sales", "income", "subscriber", "mau", "dau",
    "customer", "download", "install", "device",
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
