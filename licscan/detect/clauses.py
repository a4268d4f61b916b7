"""Clause detection: taxonomy term flags read from a license text, with quoted evidence.

Independent of license identification: the detectors read what a text says, so a license
published tomorrow still gets its flags and a category.  `detect_clauses` quotes the
decisive words of each clause verbatim with their original line numbers;
`category_from_clauses` turns the flags of an unrecognised text into a category (failing
closed); `is_use_policy` tells an acceptable-use policy from a license.
"""

from __future__ import annotations

import re
from functools import lru_cache

from licscan.detect import clause_output, clause_roles, clause_terms, clause_use, clause_zh
from licscan.detect.clause_rules import Hit
from licscan.detect.clause_text import Document
from licscan.detect.clause_text import prepare as _prepare
from licscan.detect.fastre import compile_fast
from licscan.model import TERM_FLAGS, WITHHOLDING_FLAGS, Category, Evidence, Flag


@lru_cache(maxsize=4)
def prepare(text: str) -> Document:
    """A text prepared once: classify asks for its clauses, its category and whether it is
    a use policy, three readings of one preparation."""
    return _prepare(text)


def detect_clauses(text: str, source: str) -> list[Flag]:
    """Taxonomy term flags found in `text`, in taxonomy order, each quoting its clause."""
    doc = prepare(text)
    return _flags(doc, source)


def _flags(doc: Document, source: str) -> list[Flag]:
    hits = clause_use.non_commercial(doc)
    hits += clause_use.research_only(doc, has_nc=bool(hits))
    hits += clause_use.no_derivatives(doc)
    hits += clause_output.output_training(doc)
    hits += clause_output.thresholds(doc)
    hits += clause_terms.prominent_attribution(doc)
    hits += clause_terms.use_restrictions(doc)
    hits += clause_terms.copyleft(doc)
    hits += clause_terms.geo_restriction(doc)
    return _evidence(doc, source, hits)


MAX_EVIDENCE = 3  # quotes kept per flag: the decisive clause first


def _evidence(doc: Document, source: str, hits: list[Hit]) -> list[Flag]:
    """One flag per taxonomy flag hit, in taxonomy order.  Every hit is kept and ranked by
    the role of its sentence (clause_roles): the decisive clause is quoted first and gives
    the value; a flag hit only by exemptions is not set."""
    by_flag: dict[str, list[Hit]] = {}
    for hit in hits:
        by_flag.setdefault(hit.flag, []).append(hit)
    english: dict[str, list[Hit]] = {}  # ranked, decisive first; none if only exemptions
    for flag, found in by_flag.items():
        ranked = clause_roles.ranked(found)
        if ranked:
            english[flag] = [h for _, h in ranked][:MAX_EVIDENCE]
    # a bilingual text: both halves are read, the stricter reading wins, with both quotes
    first = {flag: found[0] for flag, found in english.items()}
    read = clause_zh.with_chinese(first, clause_zh.hits(doc))
    out = []
    for flag in TERM_FLAGS:
        found = read.get(flag)
        if not found:
            continue
        value, note = clause_zh.stricter(found)  # the English decisive clause, then Chinese
        if flag in english:
            found = english[flag] + found[1:]
        evidence: list[Evidence] = []
        for hit in found:
            ev = doc.evidence(source, *doc.quote_span(hit.seg, hit.start, hit.end))
            if ev not in evidence:
                evidence.append(ev)
        out.append(Flag(flag, value, evidence, note=note))
    return out


# --- category of an unrecognised text ---------------------------------------------------

_GRANT = compile_fast(
    r"\b(?:hereby\s+)?grants?\s+(?:to\s+)?(?:you|licensee|each\s+recipient|recipients?|any\s+person)\b"
    r"|\bpermission\s+is\s+(?:hereby\s+)?granted\b|\b(?:you|licensee)\s+(?:are|is)\s+(?:hereby\s+)?granted\b|\bis\s+(?:hereby\s+)?licen[cs]ed\s+(?:to\s+you\s+)?under\b"
    r"|\b(?:you|anyone|everyone|licensee|recipients?)\s+(?:\w+\s+)?(?:may|can|are\s+free\s+to|is\s+free\s+to|"
    r"are\s+(?:permitted|allowed|entitled)\s+to)\s+(?:freely\s+)?(?:use|copy|modify|distribute|reproduce|"
    r"share|run|download|redistribute|adapt|deal|access)\b|\b(?:may|can)\s+(?:freely\s+)?(?:be\s+)?(?:use|used|"
    r"copied|modified|distributed|shared)\b[^.;]{0,60}\b(?:by\s+anyone|for\s+any\s+purpose|freely)"
    r"|\bdedicat\w*\b[^.;]{0,60}\bpublic\s+domain|\bwaives?\b[^.;]{0,80}\b(?:copyright|rights)"
    r"|\blicense\s+to\s+(?:use|reproduce|copy)\b|\bright\s+to\s+(?:use|copy|modify)\b"
    r"|\b(?:use|redistribution|copying|modification)s?\b[^.;]{0,80}\b(?:is|are)\s+(?:hereby\s+)?"
    r"(?:permitted|allowed|granted)\b|\bfree\s+(?:for|to)\s+(?:any|commercial|personal|use|copy|modify)"
    r"|\bpermission\s+to\s+(?:use|copy|modify|distribute|reproduce)\b|\b(?:commercial\s+)?use\s+"
    r"(?:is\s+)?(?:allowed|permitted|unrestricted)\b|\bmay\s+(?:be\s+)?(?:freely\s+)?(?:used|copied|"
    r"modified|distributed|redistributed|reproduced|incorporated)\b|\bfreely\s+(?:available|"
    r"redistributable|usable)|\bfree\s+to\s+be\s+used|\bmay\s+do\s+whatever|\bpublic\s+domain\b"
    # "grants irrevocable permission to anyone", "hereby grants the right to", "gives
    # everyone permission", "confers on all recipients unlimited rights"
    # "grants your organisation a limited, revocable, non-transferable, non-sublicensable right
    # to install and use"
    r"|\b(?:grants?|gives?|confers?|extends?)\s+(?:upon\s+|to\s+|on\s+)?(?:(?!no\b)[\w,-]+\s+){0,8}?"
    r"(?:permission|the\s+rights?|rights|right\b(?=[^.;]{0,80}?\bto\s+[a-z])|a\s+licen[cs]e|"
    r"licen[cs]es?)\b(?!\s+(?:in\s+)?"
    r"(?:trademarks?|patents?\b))"
    r"|\b(?:everyone|anyone|everybody|anybody|all\s+persons|the\s+public)\s+(?:is|are)\s+(?:hereby\s+)?"
    r"(?:permitted|allowed|free|welcome|entitled)\s+to\s+(?:use|copy|modify|distribute|share|do)"
    r"|\bunrestricted\s+use\b|\bdo\s+(?:what|whatever|anything)\s+you\s+(?:want|like|wish|please)"
    r"|\bas\s+(?:you|they|anyone)\b[^.;]{0,30}\bsees?\s+fit|\bdisclaims?\s+(?:all\s+)?copyright"
    r"|\bwithout\s+(?:any\s+)?restriction\b"
    r"|\blicen[cs]es\s+(?:you|licensees?|anyone|everyone|users?|recipients?)\s+to\s+(?:use|copy|modify|"
    r"distribute|reproduce|run)"
    r"|\b(?:permits?|allows?|lets|authori[sz]es?|entitles?)\s+(?:you|licensees?|anyone|everyone|users?|"
    r"recipients?)\s+(?:to\s+)?(?:use|copy|modify|distribute|reproduce|run|install|download|share|adapt)"
    # a grant by reference: "distributed under the GNU General Public License"
    r"|\b(?:distributed|licen[cs]ed|released|available|subject\s+to)\s+(?:\w+\s+){0,3}?(?:under\s+)?"
    r"(?:the\s+)?(?:terms\s+of\s+(?:the\s+)?)?(?:GNU|MIT|Apache|BSD|Mozilla|Eclipse|Creative\s+Commons|"
    r"CC[\s-]+BY|CC0|(?:A|L)?GPL|MPL|EUPL|European\s+Union\s+Public)\b",
    re.IGNORECASE,
)
# The permission a license gives to copy its own text, not the work ("Everyone is
# permitted to copy and distribute verbatim copies of this license document").
_LICENSE_DOC = compile_fast(
    r"^[^.;]{0,80}?\b(?:(?:this|the)\s+licen[cs]e\s+(?:document|text|itself)|copies\s+of\s+this\s+"
    r"licen[cs]e)",
    re.IGNORECASE,
)
# Rights that exist only under some other, unseen agreement: the text itself grants nothing.
_EXTERNAL_GRANT = compile_fast(
    r"\b(?:may\s+only|only\s+if|no\s+licen[cs]e\b[^.;]{0,60}\bunless)\b[^.;]{0,320}?\b(?:separate|other|"
    r"written)\s+(?:[\w-]+\s+){0,2}(?:agreement|plan|subscription|order\s+form|contract)",
    re.IGNORECASE,
)


def category_from_clauses(text: str, flags: list[Flag]) -> tuple[Category, bool]:
    """Category and osi_approved of a text that matches no known license, from its clause
    flags alone.  Fails closed: no grant found -> unknown; when in doubt, the stricter.
    Never `osi-open`: a custom license is not an OSI license, however open its grant
    reads (`osi-open` is earned only by identity, see licscan.engine.classify)."""
    ids = {f.id for f in flags}
    doc = prepare(text)
    if ids & WITHHOLDING_FLAGS:
        return Category.SOURCE_AVAILABLE, False
    policy = _is_policy(doc)
    if not policy and (not _has_grant(doc) or _grant_elsewhere(doc)):
        return Category.UNKNOWN, False
    return Category.OPEN_WEIGHT, False


def _has_grant(doc: Document) -> bool:
    for seg in doc.segments:
        if seg.is_definition:
            continue
        for m in _GRANT.finditer(seg.text):
            if not _LICENSE_DOC.search(seg.text[m.end() :]) and not _NO_BEFORE.search(
                seg.text[: m.start()]
            ):
                return True
    return clause_zh.has_grant(doc)


# "No license ... is granted", "nothing here grants you any rights": the opposite of a grant.
_NO_BEFORE = compile_fast(r"\b(?:no|not|nothing|neither|nor|without)\b[^.;,]{0,40}$", re.IGNORECASE)


def _grant_elsewhere(doc: Document) -> bool:
    return any(_EXTERNAL_GRANT.search(seg.text) for seg in doc.segments[:40])


# --- acceptable-use policies ------------------------------------------------------------

_POLICY_TITLE = compile_fast(
    r"\b(?:acceptable|prohibited|permitted|responsible|fair)[\s-]+us(?:e|es|age)[\s-]+polic(?:y|ies)\b"
    r"|\buse[\s-]+polic(?:y|ies)\b|\busage[\s-]+polic(?:y|ies)\b|\bacceptable[\s-]+use\b",
    re.IGNORECASE,
)
_LICENSE_TITLE = compile_fast(
    r"\blicen[cs]e\b|\bterms\s+of\s+(?:use|service)\b|\bterms\s+and\s+conditions\b|\bagreement\b",
    re.IGNORECASE,
)
_HEAD_SKIP = compile_fast(
    r"https?://|www\.|^\s*[\w-]+:\s*(?:\S+)?\s*$|^\s*[-=*_~]{3,}\s*$", re.IGNORECASE
)
_FRONT_MATTER_TITLE = compile_fast(r"^\s*title:\s*", re.IGNORECASE)


def is_use_policy(text: str) -> bool:
    """An acceptable-use / prohibited-use policy document (as opposed to a license)."""
    return _is_policy(prepare(text))


def _is_policy(doc: Document) -> bool:
    heads = _head_lines(doc)
    if not heads:
        return False
    title = heads[0]
    m = _POLICY_TITLE.search(title)
    if m:
        lic = _LICENSE_TITLE.search(title)
        return lic is None or m.start() < lic.start()
    # A policy headed by the name of the license it belongs to: a policy heading near the
    # top, and no grant of rights anywhere.
    return any(_POLICY_TITLE.search(h) for h in heads[1:6]) and not _has_grant(doc)


def _head_lines(doc: Document) -> list[str]:
    """The first lines of the document: source notes with a URL, separators and front-matter
    keys are skipped; a front-matter `title:` counts as a line."""
    out: list[str] = []
    for line in doc.text.split("\n")[:80]:
        if not line.strip():
            continue
        if _FRONT_MATTER_TITLE.match(line):
            out.append(_FRONT_MATTER_TITLE.sub("", line))
        elif not _HEAD_SKIP.search(line):
            out.append(line)
        if len(out) >= 6:
            break
    return out
