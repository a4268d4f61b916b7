"""Detectors of what a license withholds: non-commercial, research-only, no-derivatives."""

from __future__ import annotations

import re

from licscan.detect.clause_rules import Hit, maybe_negated, overlapping, rule
from licscan.detect.clause_rules import hit as _hit
from licscan.detect.clause_rules import negated as _negated
from licscan.detect.clause_text import DEFINED_TERM as _DEFINED_TERM
from licscan.detect.clause_text import Document, Segment, declare_keys
from licscan.detect.clause_vocab import NEG_RE, NONCOM, NOT_NON, OUTPUT_RE
from licscan.detect.fastre import compile_fast

_I = re.IGNORECASE


# --- non-commercial ---------------------------------------------------------------------

_LIMITER = (
    r"\b(?:solely|only|exclusively|strictly|purely|limited\s+to|restricted\s+to)\s+"
    r"(?:(?:be\s+)?(?:used|accessed|exercised)\s+|(?:use|access|run|deploy|exercise|copy|"
    r"distribute|reproduce|modify)\b[^.;:]{0,160}?\s+)?(?:for|to|in)\s+(?:the\s+purposes?\s+of\s+)?"
)
_NON = ("non",)
_NC_RULES = [
    rule(
        ("only", "solely", "exclusively", "strictly", "purely", "limited", "restricted"),
        _LIMITER
        + r"(?:your\s+|the\s+|its\s+|their\s+)?(?:own\s+)?"
        + r"(?:(?!not\b)[\w-]+,?\s+(?:and\s+|or\s+)?){0,5}?"  # "solely for personal, hobby and"
        + NONCOM,
    ),
    rule(
        "only",
        NONCOM + r"(?:\s+[\w-]+){0,3}?\s+(?:purposes?|uses?|use\s+cases|activities|research|"
        r"applications?|manner)\s+only\b|" + NONCOM + r"[\s-]+(?:use\s+)?only\b",
    ),
    rule(
        "than", r"\b(?:purposes?|uses?)\s+other\s+than\s+(?:any\s+)?(?:commercial|" + NONCOM + ")"
    ),
    _NC_ORGS := rule(
        "only",
        r"\bonly\s+(?:be\s+(?:used|accessed)\s+by\s+)?(?:" + NONCOM + r"|academic|non[\s-]*profit|"
        r"educational)\s+(?:organi[sz]ations?|institutions?|entities|users|researchers)",
    ),
    rule(
        ("not", "prohibit", "forbid", "exclud", "no"),
        NOT_NON + r"\bcommercial\s+(?:use|usage|purposes?|exploitation|deployment|activit\w+)\s+"
        r"(?:of\s+[^.;]{0,60}?\s+)?(?:is|are)\s+(?:strictly\s+)?(?:not\s+(?:permitted|allowed|"
        r"licensed|authori[sz]ed|granted)|prohibited|forbidden|excluded)|\bnot\s+(?:(?:intended|"
        r"designed|meant|licensed|to\s+be\s+used)\s+)?for\s+(?:any\s+)?commercial\s+(?:use|purposes)|\bno\s+commercial\s+(?:use|purposes|exploitation)\b",
    ),
    rule(  # "may not use ... except ... for non-commercial research"
        "except",
        r"\b(?:may|shall|will|must)\s+not\b[^.;]{0,100}?\bexcept\b[^.;]{0,100}?\bfor\s+(?:your\s+|the\s+)?"
        r"(?:own\s+)?(?:[\w-]+\s+){0,2}?" + NONCOM,
    ),
    rule(  # a grant whose purpose is non-commercial: "permission to use ... for non-commercial use"
        (
            "use",
            "copy",
            "modif",
            "distribut",
            "reproduc",
            "run",
            "grant",
            "permi",
            "licens",
            "availab",
        ),
        r"\b(?:use|copy|modify|distribute|reproduce|run|deploy|access|share|granted|permitted|licen[cs]ed"
        r"|available)"
        r"\b[^.;]{0,160}?\bfor\s+(?:your\s+|the\s+|its\s+|their\s+)?(?:own\s+)?"
        r"(?:(?!not\b)[\w-]+,?\s+(?:and\s+|or\s+)?){0,4}?"
        + NONCOM
        + r"\s+(?:[\w-]+\s+){0,2}?(?:purposes?|uses?|usage|research|activit(?:y|ies)|applications?|"
        r"projects?)\b",
    ),
    rule(  # "any non-commercial purpose is a permitted purpose", "... use is permissible"
        ("permi", "allowed", "authori"),
        NONCOM + r"\s+(?:[\w-]+\s+){0,2}?(?:purposes?|uses?|usage)\b[^.;]{0,80}?\b(?:is|are)\s+"
        r"(?:a\s+|an?\s+)?(?:permitted|permissible|allowed|authori[sz]ed)",
    ),
]
_NC_NEEDS_NON = {0, 1, 2, 5, 6, 7}  # rules that can only match with "non" in the segment
# "commercial and non-commercial", "commercial or not": both are allowed, nothing withheld.
# ("for both Commercial Use and non-commercial use": a defined term between)
_BOTH = compile_fast(
    NOT_NON + r"\bcommercial(?:ly)?(?:\s+(?:use|uses|usage|purposes?))?\s+(?:and|or|as\s+well\s+as|"
    r"and/or)\s+(?:for\s+|in\s+)?"
    + NONCOM
    + r"|"
    + NONCOM
    + r"(?:\s+(?:use|uses|usage|purposes?))?\s+(?:and|or|as\s+well\s+as|and/or)\s+(?:for\s+|in\s+)?"
    r"commercial"
    r"|" + NOT_NON + r"\bcommercial(?:ly)?\s+or\s+not\b",
    _I,
)
# Use limited to the user's own person: "for personal use only", "solely for your private use".
_PERSONAL = rule(
    ("personal", "private", "hobby"),
    _LIMITER + r"(?:your\s+|the\s+|their\s+)?(?:own\s+)?(?:personal|private|individual|hobby)"
    r"(?:,?\s+(?:and\s+|or\s+)?(?:personal|private|individual|hobby|home|educational|"
    r"non[\s-]*commercial))*\s+(?:use|uses|purposes?|projects?)\b"
    r"|\b(?:personal|private)\s+(?:use|uses|purposes)\s+only\b",
)
# "commercial" as the purpose of a use that a prohibition governs.
_COMMERCIAL_OBJ = compile_fast(
    NOT_NON
    + r"\bcommercial(?:ly)?\b(?:\s+or\s+[\w-]+)?\s+(?:purposes?|uses?|usage|activit(?:y|ies)|"
    r"exploitation|products?|services?|advantage|organi[sz]ations?|entit(?:y|ies)|applications?|"
    r"deployment|settings?|environments?|operations?|gain|manner|context|ventures?)\b"
    r"|\bin\s+the\s+course\s+of\s+(?:a\s+|any\s+)?commercial|" + NOT_NON + r"\bcommercially\b"
    r"|(?<![nN]ot[\s-])\bfor[\s-]profit\b|\bmonetary\s+gain\b"
    r"|\b(?:generate|earn|make)\s+(?:any\s+)?(?:revenue|income|profits?|money)\b",
    _I,
)
# The governed use, named after the word: "use ... by a commercial entity is not permitted".
_COMMERCIAL_PASSIVE = rule(
    ("permitted", "allowed", "prohibited", "forbidden", "authori", "licensed", "granted", "exclud"),
    r"\b(?:use|usage|using|deployment|exploitation|distribution)\b[^.;]{0,80}?"
    + NOT_NON
    + r"\b(?:commercial(?:ly)?|for[\s-]profit|paid\s+(?:services?|products?|offerings?)|companies|"
    r"businesses|corporations|enterprises)\b[^.;]{0,60}?\b(?:is|are)\s+(?:strictly\s+)?"
    r"(?:not\s+(?:permitted|allowed|authori[sz]ed|licensed|granted)|prohibited|forbidden|excluded)",
)
# Commercial use needs a separate license: "if you are commercially using ..., you shall
# request a license", "for a commercial activity, you must request a license".
_NEEDS_LICENSE = rule(
    (
        "request",
        "obtain",
        "get",
        "apply",
        "seek",
        "contact",
        "enter",
        "purchase",
        "acquire",
        "negotiate",
        "requir",
        "need",
        "subject to",
        "only",
        "applicable",
    ),
    NOT_NON
    + r"\bcommercial(?:ly)?\b[^.]{0,160}?\b(?:must|shall|should|need\s+to|will\s+need\s+to|have\s+"
    r"to|are\s+required\s+to)\s+(?:first\s+)?(?:request|obtain|get|apply\s+for|seek|contact|enter\s+"
    r"into|purchase|acquire|negotiate)\b"
    r"|" + NOT_NON + r"\bcommercial(?:ly)?\b[^.]{0,120}?\b(?:requires?|needs?|is\s+subject\s+to|"
    r"(?:is|are)\s+only\s+(?:permitted|allowed)\s+(?:with|under))\s+(?:a\s+|an\s+|the\s+)?"
    r"(?:separate|commercial|written|additional|paid|prior\s+written|express\s+written|distinct)\s+"
    r"(?:licen[cs]e|agreement|permission|consent|authori[sz]ation)"
    r"|\b(?:separate|commercial|written|additional|paid)\s+(?:licen[cs]e|agreement)\s+(?:is\s+)?"
    r"(?:required|needed|necessary)\s+for\s+(?:any\s+)?" + NOT_NON + r"commercial"
    # "For commercial use, this agreement is not applicable": granted elsewhere, if at all
    r"|\bfor\s+(?:any\s+)?" + NOT_NON + r"commercial\s+(?:use|usage|purposes?),?\s+(?:this|the)\s+"
    r"(?:agreement|licen[cs]e)\s+(?:is\s+not\s+applicable|does\s+not\s+apply|shall\s+not\s+apply)",
)
_OUTPUT_OBJECT = compile_fast(
    r"(?:synthetic\s+data|outputs?)(?:\s+outputs?)?\s+(?:for|in)\s+(?:any\s+)?$", _I
)
_MODEL_OBJECT = compile_fast(r"\b(?:models?|materials|software|weights|work|parameters)\b", _I)
_THRESHOLD_HINT = compile_fast(
    r"\b(?:monthly|daily|annual|active\s+users|revenue|turnover|users|mau|dau)\b", _I
)
# Limits that are not about using the model: one distribution alternative (GPL-2.0 §3c),
# names and trademarks, endorsement, "commercially reasonable efforts".
_NOT_ABOUT_USE = rule(
    ("alternative", "option", "trade", "logo", "endorse", "publicity", "advertis", "reasonable"),
    r"\b(?:this|that|the|such)\s+(?:alternative|option)\b|\btrade\s*marks?\b|\btrade\s+names?\b|\blogos?\b"
    r"|\bendorse|\bpublicity\b|\badvertis|\bcommercially\s+reasonable",
)
_EXCEPTION_BEFORE = compile_fast(r"\b(?:except|other\s+than|excluding|unless)\b[^.;]{0,40}$", _I)
# Commercial use explicitly allowed (cancels the flag).
_COMMERCIAL_OK = [
    rule(
        "any",
        r"\bfor\s+any\s+(?:lawful\s+)?purposes?\b[^.;]{0,40}?"
        + NOT_NON
        + r"\bcommercial(?!\s+damages)",
    ),
    rule(
        ("permitted", "allowed", "authori", "granted"),
        NOT_NON + r"\bcommercial\s+(?:use|usage|purposes?|activit\w+)\s+(?:is|are)\s+(?:\w+\s+)?"
        r"(?:permitted|allowed|authori[sz]ed|granted)\b",
    ),
    rule(
        ("may", "can", "free", "permitted", "allowed"),
        r"\b(?:may|can|are\s+free\s+to|is\s+free\s+to|are\s+permitted\s+to|is\s+permitted\s+to|are\s+"
        r"allowed\s+to|is\s+allowed\s+to)\s+(?:[\w-]+\s+){0,10}?(?:for|in)\s+(?:any\s+|a\s+)?"
        + NOT_NON
        + r"commercial\s+(?:use|usage|purposes?|activit\w+|products?|services?)",
    ),
    rule(
        "purpose",
        r"\b(?:licen[cs]e|grants?|rights?)\b[^.;]{0,200}?\bfor\s+(?:any\s+)?"
        + NOT_NON
        + r"commercial\s+(?:(?:and|or|and/or)\s+"  # "for commercial and non-commercial purposes"
        + NONCOM
        + r"\s+)?purposes?\b",
    ),
    rule(
        ("usable", "includ", "sold", "commercially"),
        r"\bcommercially\s+usable\b|\binclud(?:ing|e)\s+(?:for\s+)?commercial\s+(?:use|purposes)"
        r"|\bmay\s+be\s+(?:sold|used|exploited)\s+commercially",
    ),
]
_COMMERCIAL_KEYS = declare_keys(
    "commercial", "profit", "revenue", "personal", "private", "paid", "compan",
    "business", "corporation", "enterprise",
)  # fmt: skip


def non_commercial(doc: Document) -> list[Hit]:
    """Explicit limits first; a limit read through a definition, a prohibition of
    commercial use and "commercial use needs a license from us" after.  An explicit
    permission of commercial use (not of outputs only) cancels the flag."""
    ranked: list[tuple[int, Hit]] = []
    for seg in doc.having(_COMMERCIAL_KEYS):
        named = any(k in seg.low for k in _NAMED)
        if named and _commercial_allowed(seg):
            return []
        if seg.is_definition or seg.is_heading:
            continue
        found = _nc_in(seg) if named else _nc_unnamed(seg)
        if not found and (m := _ORGS_BARRED.search(seg)):
            found = 2, _hit("non-commercial", seg, m, note="companies excluded")
        if found:
            ranked.append(found)
    ranked.extend((1, h) for h in _nc_by_definition(doc))
    if not ranked:
        return []
    best = min(rank for rank, _ in ranked)
    return [next(h for rank, h in ranked if rank == best)]


_NAMED = ("commercial",)
# Companies barred, or a license only for non-profits: "for-profit companies may not use the
# Model without a commercial license", "licensed only to non-profit organizations".
_ORGS_BARRED = rule(
    ("profit", "commercial", "only"),
    r"\b(?:for[\s-]profit|commercial)\s+(?:companies|entities|organi[sz]ations|businesses|enterprises|"
    r"corporations|users|customers)\s+(?:(?:may|shall|must|can|will)\s*not\s+(?:use|access|deploy|run|"
    r"download|install|exercise|obtain)|(?:are|is)\s+not\s+(?:permitted|allowed|licensed|authori[sz]ed|"
    r"eligible))\b"
    r"|\b(?:licen[cs]ed|available|granted|offered)\s+only\s+to\s+(?:non[\s-]*profit|not[\s-]+for[\s-]+"
    r"profit|academic|educational|" + NONCOM + r")\b",
)


def _nc_unnamed(seg: Segment) -> tuple[int, Hit] | None:
    """The forms that do not say "commercial": personal use only, for-profit, revenue,
    paid services."""
    if seg.lead and _OPTIONS_LEAD.search(seg.lead):
        return None
    if m := _PERSONAL.search(seg):
        return 0, _hit("non-commercial", seg, m, note="use limited to personal use")
    text = seg.text
    m = _COMMERCIAL_PASSIVE.search(seg)
    if m and not _OUTPUT_OBJECT.search(text[: m.start()]) and not _NOT_ABOUT_USE.search(seg):
        return 2, _hit("non-commercial", seg, m)
    if not maybe_negated(seg) or _NOT_ABOUT_USE.search(seg):
        return None
    for m in _COMMERCIAL_OBJ.finditer(text):
        before = text[: m.start()]
        if not _negated(seg, m.start()) or _EXCEPTION_BEFORE.search(before):
            continue
        if not seg.lead and not NEG_RE.search(_clause_before(before)):
            continue
        if m.group()[:1].lower() in "gem" and _REVENUE_CAP.search(text):
            continue
        return 2, _hit("non-commercial", seg, m)
    return None


def _commercial_allowed(seg: Segment) -> bool:
    for r in _COMMERCIAL_OK:
        for m in r.finditer(seg):
            before = seg.text[: m.start()]
            if OUTPUT_RE.search(before) or seg.is_definition:
                continue
            if NEG_RE.search(_clause_before(before)) or NEG_RE.search(m.group()):
                continue
            return True
    return False


_CLAUSE_CUT = compile_fast(
    r".*(?:;|\bbut\b|\b(?:and|or)\s+(?=(?:may|can|will|shall|must)\b))", _I | re.S
)


def _clause_before(before: str) -> str:
    """The words before a match back to the start of its clause: a negation in an earlier
    clause ("... do not fall under the copyright, and may be sold commercially") does not
    govern it."""
    m = _CLAUSE_CUT.match(before[-160:])
    return before[-160:][m.end() :] if m else before[-160:]


_RESTRICTION_ON = compile_fast(
    r"\b(?:restrict\w*|limit\w*|condition\w*)\s+(?:on|to)\s+(?:any\s+)?$", _I
)
_REVENUE_CAP = compile_fast(r"\d|\bexceed|\bmore\s+than\b|\bthreshold|\babove\b|\bover\b", _I)


# A list of alternatives ("provided that you do at least one of the following:"): one
# option limited to personal use does not limit the license.
_OPTIONS_LEAD = compile_fast(
    r"\b(?:(?:one|any)\s+of\s+the\s+following|at\s+least\s+one|either\s+of)\b", _I
)


def _nc_in(seg: Segment) -> tuple[int, Hit] | None:
    text, low = seg.text, seg.low
    has_non = any(k in low for k in _NON)
    if _NOT_ABOUT_USE.search(seg) or (seg.lead and _OPTIONS_LEAD.search(seg.lead)):
        return None
    for i, r in enumerate(_NC_RULES):
        if i in _NC_NEEDS_NON and not has_non:
            continue
        m = r.search(seg)
        if m and not _BOTH.search(text[max(0, m.start() - 60) : m.end() + 40]):
            return 0, _hit("non-commercial", seg, m)
    if m := _PERSONAL.search(seg):
        return 0, _hit("non-commercial", seg, m, note="use limited to personal use")
    if maybe_negated(seg):
        for m in _COMMERCIAL_OBJ.finditer(text):
            before = text[: m.start()]
            if not _negated(seg, m.start()):
                continue
            if not seg.lead and not NEG_RE.search(_clause_before(before)):
                continue  # the negation governs an earlier clause
            if _OUTPUT_OBJECT.search(before) and not _MODEL_OBJECT.search(before[-100:]):
                continue  # about outputs only ("generating synthetic data for commercial use")
            if _EXCEPTION_BEFORE.search(before) or _RESTRICTION_ON.search(before):
                continue  # "except for commercial use"; "no restrictions on commercial use"
            if m.group()[:1].lower() in "gem" and _REVENUE_CAP.search(text):
                continue  # "generate revenue above $X": a revenue threshold, not a ban
            return 2, _hit("non-commercial", seg, m)
    m = _COMMERCIAL_PASSIVE.search(seg)
    if m and not _BOTH.search(text) and not _OUTPUT_OBJECT.search(text[: m.start()]):
        return 2, _hit("non-commercial", seg, m)
    m = _NEEDS_LICENSE.search(seg)
    if m and not _THRESHOLD_HINT.search(text) and not NEG_RE.search(text[: m.start()]):
        return 3, _hit("non-commercial", seg, m, note="commercial use needs a separate license")
    return None


_DEF_NC = rule(
    ("commercial", "profit"),
    NONCOM
    + r"|\bnot\s+(?:\w+\s+){0,4}(?:commercial|for\s+(?:commercial|profit))|\bno\s+(?:direct\s+"
    r"or\s+indirect\s+)?commercial|\bdoes\s+not\s+include\s+(?:any\s+)?commercial",
)


def _nc_by_definition(doc: Document) -> list[Hit]:
    """A grant limited to a defined purpose whose definition is non-commercial:
    'only for Research Purposes' + '"Research Purposes" means non-commercial research'."""
    terms = []
    for seg in doc.having(_DEF_KEYS):
        if seg.is_definition and (m := _DEFINED_TERM.match(seg.text)) and _DEF_NC.search(seg):
            term = m.group(1).strip()
            if "commercial" not in term.lower() or re.search(NONCOM, term, _I):
                terms.append(term)
    if not terms:
        return []
    alt = "|".join(re.escape(t) for t in sorted(set(terms), key=len, reverse=True))
    rx = compile_fast(_LIMITER + r"(?:your\s+|the\s+|its\s+)?(?:own\s+)?(?:" + alt + r")\b", _I)
    for seg in doc.having(tuple({t.lower() for t in terms})):
        if seg.is_definition or seg.is_heading:
            continue
        m = rx.search(seg.text)
        if m:
            return [_hit("non-commercial", seg, m, note="purpose defined as non-commercial")]
    return []


_DEF_KEYS = declare_keys("mean", "refer")


# --- research-only ----------------------------------------------------------------------

_PURPOSE_LIST = r"((?:[\w'()-]+[\s,/]+){0,8}?)"
_RO_PATTERNS = [
    compile_fast(
        _LIMITER + _PURPOSE_LIST + r"(?:purposes?|uses?|use\s+cases|activities|applications)\b", _I
    ),
    compile_fast(r"\b(?:for|to)\s+" + _PURPOSE_LIST + r"(?:(?:purposes?|uses?|use)\s+)?only\b", _I),
    # a grant whose purposes end the sentence: "a license to use the model for testing,
    # research and internal demonstrations."
    # "permits Eligible Users to download, run and modify the models for academic research
    # and for classroom teaching."
    compile_fast(
        r"\b(?:licen[cs]e|permission|right|permits?|allows?|authori[sz]es?|entitles?)\b(?:\s+is\s+"
        r"(?:hereby\s+)?granted\b[^.;]{0,120}?)?\s+(?:[\w-]+\s+){0,3}?to\s+[^.;]{0,80}?\bfor\s+"
        r"((?:[\w'()-]+[\s,/]+){0,8}?[\w'()-]+)\s*(?:[.;]|$)",
        _I,
    ),
]
_RO_GRANT_PURPOSE = 2  # the pattern of _RO_PATTERNS that reads a grant's purpose


def _allows_commercial(doc: Document) -> bool:
    return any(_commercial_allowed(seg) for seg in doc.having(_NAMED))


# A use limited to an act of evaluation: "solely to evaluate their performance", "only to
# test the model internally" (not under "if you use the trial version, ...": one variant).
_RO_VERB = compile_fast(
    r"\b(?:solely|only|exclusively|strictly)\s+(?:(?:be\s+)?used\s+)?to\s+(?:internally\s+)?"
    r"(?:evaluate|test|assess|benchmark|trial)\b",
    _I,
)
_IF_CLAUSE = compile_fast(r"^\W*(?:if|where|when)\b", _I)
_RO_VERB_KEYS = ("evaluat", "test", "assess", "benchmark", "trial")
_RO_OTHER = compile_fast(
    r"\b(?:uses?|purposes?)\s+other\s+than\s+" + _PURPOSE_LIST + r"(?:uses?|purposes?)\b", _I
)
_RO_ORGS = _NC_ORGS.rx
_RO_CORE = {
    "research",
    "evaluation",
    "evaluating",
    "testing",
    "academic",
    "scientific",
    "benchmarking",
}
_RO_OK = _RO_CORE | {
    "noncommercial", "nonprofit", "nonrevenue", "generating", "nonproduction", "development",
    "educational", "education", "study", "studies", "experiment", "experimentation", "experimental",
    "teaching", "scholarly", "analysis", "assessment", "internal", "test", "and", "or", "your",
    "demonstrations", "demonstration", "demos", "prototyping", "classroom", "coursework",
    "instruction", "instructional",
    "the", "own", "its", "their", "a", "an", "any", "of", "for", "in", "non", "a)", "b)",
}  # fmt: skip
_PRODUCTION_KEYS = declare_keys("production")
_NON_PRODUCTION = compile_fast(
    r"\bfor\s+non[\s-]*production\s+(?:use|uses|purposes)\b|\b(?:solely|only)\s+(?:in|for)\s+"
    r"non[\s-]*production\b",
    _I,
)
# "was designed for research purposes only": a disclaimer of fitness, not a limit on use.
_RO_DESIGNED = compile_fast(r"\b(?:designed|developed|written|created)\s+(?:\w+\s+){0,2}$", _I)


def _researchy(words: str) -> bool:
    norm = re.sub(r"\bnon[\s-]+", "non", words.lower())
    tokens = re.findall(r"[a-z]+\)?", norm)
    return bool(tokens) and all(t in _RO_OK for t in tokens) and any(t in _RO_CORE for t in tokens)


_RO_KEYS = declare_keys(
    "research", "evaluat", "testing", "academic", "scientific", "only", "solely", "exclusively"
)


def research_only(doc: Document, has_nc: bool) -> list[Hit]:
    for seg in doc.having(_RO_KEYS):
        low = seg.low
        if seg.is_heading:
            continue
        if any(k in low for k in ("research", "evaluat", "testing", "academic", "scientific")):
            for i, rx in enumerate(_RO_PATTERNS):
                for m in overlapping(rx, seg.text):
                    if _researchy(m.group(1)) and not _RO_DESIGNED.search(seg.text[: m.start()]):
                        # a grant's purpose ("allows you to use the models for academic
                        # research") limits nothing where the text grants commercial use too
                        if i == _RO_GRANT_PURPOSE and _allows_commercial(doc):
                            continue
                        return [_hit("research-only", seg, m)]
            m = _RO_OTHER.search(seg.text)
            if m and _researchy(m.group(1)) and _negated(seg, m.start()):
                return [_hit("research-only", seg, m)]
        if any(k in low for k in _RO_VERB_KEYS) and not seg.is_definition:
            m = _RO_VERB.search(seg.text)
            before = seg.text[: m.start()] if m else ""
            if m and not _RO_DESIGNED.search(before) and not _IF_CLAUSE.search(before):
                return [_hit("research-only", seg, m)]
        if not seg.is_definition and "only" in low and (m := _RO_ORGS.search(seg.text)):
            return [_hit("research-only", seg, m)]
    if not has_nc:  # free use limited to non-production: evaluation and testing only
        for seg in doc.having(_PRODUCTION_KEYS):
            if not seg.is_definition and (m := _NON_PRODUCTION.search(seg.text)):
                return [_hit("research-only", seg, m, note="use limited to non-production")]
    return []


# --- no-derivatives ---------------------------------------------------------------------

_ND_PATTERNS = [
    compile_fast(
        r"\b(?:may|shall|will|must|can)\s+not\s+(?:[\w,]+\s+){0,6}?(?:modify|alter|adapt|translate|"
        r"fine[\s-]*tune|(?:create|make|prepare|produce)\s+(?:any\s+)?(?:derivative|modified|adapted)\w*)\b",
        _I,
    ),
    # "may not publish or distribute fine-tuned versions", "not share any altered copy"
    compile_fast(
        r"\bnot\s+(?:(?:share|distribute|redistribute|publish|release|make\s+available|sell|provide)\w*"
        r"\s*,?\s*(?:or\s+|and\s+|and/or\s+)?){1,4}(?:any\s+|your\s+|the\s+)?(?:adapted\s+material|"
        r"(?:model\s+)?(?:weights|models?)\s+derived\s+from|"
        r"derivatives?|derivative\s+works?|(?:modified|altered|adapted)\s+(?:versions?|models?|materials?|"
        r"copies|weights)|modifications|fine[\s-]*tuned)",
        _I,
    ),
    compile_fast(
        r"\bno[\s-]*derivatives\b|\bno\s+(?:derivative\s+works|modifications|adaptations)\s+(?:are|may|of)",
        _I,
    ),
    compile_fast(
        r"\b(?:derivative\s+works?|derivatives|modifications|modified\s+versions)\s+(?:of\s+[^.;]{0,40}\s+)?"
        r"(?:are|is)\s+(?:not\s+(?:permitted|allowed)|prohibited|forbidden)",
        _I,
    ),
    compile_fast(
        r"\b(?:may|shall|will|must|can)\s+not\s+(?:share|distribute|redistribute|publish|sublicense|lend|"
        r"release)"
        r"(?:\s*,?\s*(?:or\s+)?\w+){0,5}\s+(?:the\s+|any\s+|these\s+)?(?:models?|weights|materials|software"
        r"|object\s+code|source\s+code)\b",
        _I,
    ),
]
_ND_PATTERNS.append(
    compile_fast(
        r"\b(?:redistribution|distribution|sharing|publication)\s+of\s+[^.;]{0,60}?\b(?:modified|"
        r"derivatives?|fine[\s-]*tuned|adapted)\b[^.;]{0,40}?\b(?:requires?|is\s+subject\s+to|needs?)\s+"
        r"(?:our|the\s+licensor's|prior|express|explicit)?\s*(?:prior\s+)?(?:written\s+)?(?:consent|"
        r"permission|approval|authori[sz]ation)",
        _I,
    )
)
_ND_PATTERNS.append(  # "is prohibited from distributing, sharing or providing the Model"
    compile_fast(
        r"\b(?:prohibited|forbidden|barred|precluded)\s+from\s+(?:distribut|shar|publish|transmit|"
        r"provid|redistribut|mak)\w*(?:\s*,?\s*(?:or\s+)?\w+){0,6}?\s+(?:the\s+|any\s+)?(?:licensed\s+)?"
        r"(?:models?|weights|materials|model\s+derivatives|derivatives|derivative\s+works?)\b",
        _I,
    )
)
_ND_ANY = compile_fast("|".join(f"(?:{p.pattern})" for p in _ND_PATTERNS), _I)
_ND_EXCUSE_WORDS = (
    r"\b(?:unless|except|other\s+than|outside|without|in\s+(?:violation|"
    r"breach)|for\s+(?:\(i\)\s+)?(?:any\s+|the\s+)?(?:\(i\)\s+)?(?:commercial|military|production|unlawful|illegal)|in\s+any\s+"
    r"(?:way|manner)|so\s+that|such\s+that|in\s+a\s+(?:way|manner)\s+that"
    r"|to\s+(?:any\s+)?(?:person|party|entity|individual)s?\s+(?:who|that|in|on)|to\s+"
    r"(?:circumvent|remove|avoid|conceal)|notices?|copyright|attribution|trademarks?|usage\s+tracking|"
    r"license\s+checks|guardrails?|this\s+(?:license|agreement)|the\s+licen[cs]e\s+itself|derogatory|"
    r"prejudicial|recipients?'?\s+rights)"
)
_ND_EXCUSE = compile_fast(r"^[^.;]{0,240}?" + _ND_EXCUSE_WORDS, _I)
# A list item is one clause: an excuse anywhere in it counts ("(or any derivative works
# thereof, ...), in whole or in part, for (i) any commercial or production purposes").
_ND_EXCUSE_ITEM = compile_fast(_ND_EXCUSE_WORDS, _I)


# a condition of a permission (one of its options), not a ban
_PROVIDED_BEFORE = compile_fast(
    r"\b(?:provided\s+(?:that|you)|as\s+long\s+as|so\s+long\s+as|on\s+(?:the\s+)?condition\s+that)\b"
    r"[^.;]{0,30}$",
    _I,
)
_ND_OTHER_MODEL = compile_fast(
    r"\s+(?:any\s+|the\s+)?(?:other|another|third[\s-]+party|competing)\s+(?:[\w-]+\s+){0,2}?models?\b",
    _I,
)
_ND_KEYS = declare_keys(
    "modif",
    "deriv",
    "adapt",
    "alter",
    "translat",
    "fine",
    "distribut",
    "share",
    "publish",
    "lend",
)


_ND_IF_NOT_ACCEPT = rule(
    ("accept", "agree", "comply", "modify"),
    r"\bif\s+(?:you|licensee)\s+(?:do|does)\s+not\s+(?:accept|agree)|\bunless\s+(?:you|licensee)\s+"
    r"(?:accept|agree)|\bif\b[^.;]{0,80}?\b(?:impossible|unable|cannot|fail\w*)\b[^.;]{0,40}?\bcomply"
    r"|\b(?:this|the)\s+licen[cs]e(?:\s+agreement)?,?\s+which\s+you\s+may\s+not\s+modify",
    _I,
)


# \bno(?:t)?\b on lower-case text, led by its literal: the engine scans for "no" at C speed
_NO_OR_NOT = re.compile(r"no(?<=\bno)t?\b")


# A list item under a prohibitive lead-in ("Customer shall not ...:  (b) modify, translate
# or create derivative works of the Product;"): the item alone carries no "not".
# The modifying verb may follow others in the item ("(b) copy, modify, create derivative
# works of ..."), or the item may ban passing on modified versions ("distribute the
# Models or any modified version of them").
_ND_ITEM = compile_fast(
    r"^\W*(?:\((?:[a-z]|[ivx]{1,4}|\d{1,2})\)\s*)?(?:(?:copy|reproduce|use|access|distribute|sell|rent|"
    r"lease|lend|license|sublicense|decompile|disassemble|reverse[\s-]+engineer)\s*,?\s*(?:or\s+|and\s+)?"
    r"){0,4}(?:modify|alter|adapt|translate|fine[\s-]*tune|(?:create|make|prepare|produce)\s+"
    r"(?:any\s+)?(?:derivative|modified|adapted)\w*)\b"
    r"|^\W*(?:\((?:[a-z]|[ivx]{1,4}|\d{1,2})\)\s*)?(?:share|distribute|redistribute|publish|release)\b"
    r"[^.;]{0,60}?\b(?:modified|altered|adapted|fine[\s-]*tuned|derivative)\s+(?:versions?|models?|"
    r"works?|copies|weights)\b",
    _I,
)


def no_derivatives(doc: Document) -> list[Hit]:
    for seg in doc.having(_ND_KEYS):
        item = _ND_ITEM.search(seg.text) if seg.lead and not seg.is_definition else None
        if item and _negated(seg, 0) and not _ND_EXCUSE_ITEM.search(seg.text, item.end()):
            return [_hit("no-derivatives", seg, item)]
        if seg.is_definition or not (
            _NO_OR_NOT.search(seg.low) or "prohibit" in seg.low or "forbid" in seg.low
        ):
            continue
        if _ND_IF_NOT_ACCEPT.search(seg):
            continue  # "if you do not accept, you may not use, copy or modify": no grant yet
        for m in _ND_ANY.finditer(seg.text):
            if _ND_OTHER_MODEL.match(seg.text, m.end()):
                continue  # "may not fine-tune other language models": not this model
            if _PROVIDED_BEFORE.search(seg.text, 0, m.start() + 1):
                continue  # "... provided that you do not distribute the modified version"
            if not _ND_EXCUSE.search(seg.text[m.end() :]) and not OUTPUT_RE.search(m.group()):
                return [_hit("no-derivatives", seg, m)]
    return []
