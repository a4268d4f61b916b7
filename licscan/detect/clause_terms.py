"""Detectors of the obligations that ride along a grant: prominent attribution, use
restrictions, copyleft, regions excluded."""

from __future__ import annotations

import re

from licscan.detect.clause_rules import Hit, first, rule
from licscan.detect.clause_rules import hit as _hit
from licscan.detect.clause_rules import negated as _negated
from licscan.detect.clause_text import Document, Segment, declare_keys
from licscan.detect.clause_vocab import (
    LICENSOR_PROMISE_RE,
    NEG_KEYS,
    NEG_RE,
    OPTIONAL_RE,
    Cue,
    harms_in,
)
from licscan.detect.fastre import compile_fast

_I = re.IGNORECASE


# --- prominent attribution --------------------------------------------------------------

_PA_BRAND = compile_fast(
    r"[\"']\s*(?i:built|powered|improved|made|created|developed|enhanced|trained|based)\s+(?i:with|by|"
    r"using|on|upon)\b|\b(?:built|powered|improved)\s+(?:with|by|using|on)\s+[\"']?[A-Z\[]",
)
_PA_DISPLAY = compile_fast(
    r"\b(?:display\w*|show\w*|state\w*|include\w*|mark\w*|label\w*|indicat\w*|identif\w*|present\w*|"
    r"feature\w*|mention\w*|statement)\b",
    _I,
)
_PA_PROMINENT = compile_fast(
    r"\b(?:prominent(?:ly)?|conspicuous(?:ly)?|clearly\s+visible|visibly)\b[^.;]{0,80}?\b(?:display\w*|"
    r"show\w*|stat\w*|includ\w*|mark\w*|identif\w*|label\w*)\b[^.;]{0,120}?\b(?:websites?|web\s+sites?|"
    r"web\s+pages?|user\s+interfaces?|ui|about\s+pages?|products?|documentation|blog\w*|public\s+"
    r"statements?|apps?|applications?|services?|interfaces?|marketing)\b",
    _I,
)
_PA_PROMINENT_AFTER = compile_fast(
    r"\b(?:display\w*|show\w*|stat\w*|includ\w*|mark\w*)\s+(?:\w+\s+){0,3}?(?:prominent(?:ly)?|"
    r"conspicuous(?:ly)?)\b[^.;]{0,120}?\b(?:website|web\s+site|user\s+interface|about\s+page|product|"
    r"documentation|blog\w*|public\s+statements?|app|application|service|marketing)\b",
    _I,
)
_PA_NAME = compile_fast(
    r"\bat\s+the\s+(?:beginning|start)\s+of\s+(?:any\s+such|the|its|their|such|that|this|any|each)\s+"
    r"(?:[\w'-]+\s+){0,3}"
    r"names?\b|\bnames?\s+(?:of\s+[^.;]{0,60}?\s+)?(?:must|shall|should)\s+(?:begin|start)\s+with\b"
    r"|\bprefix\w*\b[^.;]{0,60}?\bnames?\b"
    r"|\bnames?\b[^.;]{0,60}?\bprefix"
    # "must have a name beginning with 'Cobalt'", "its name must contain the word 'Yarrow'"
    r"|\b(?:must|shall)\s+(?:have|carry|bear|be\s+given)\s+(?:a\s+)?names?\s+(?:that\s+)?(?:begins?|"
    r"beginning|starts?|starting|contains?|containing|includes?|including)\b"
    r"|\bnames?\s+(?:[\w-]+\s+){0,5}?(?:must|shall|should|is\s+required\s+to)\s+(?:contain|include|carry|"
    r"bear|feature|incorporate)\s+(?:the\s+(?:word|term|string|name|mark)s?\s+)?[\"'\u201c]",
    _I,
)
# A prominent label of origin: "prominently label these derivatives as developed based on X".
_PA_ORIGIN = compile_fast(
    r"\b(?:prominent(?:ly)?|conspicuous(?:ly)?)\b[^.;]{0,40}?\b(?:label|identif|mark|state|indicat)\w*\b"
    r"[^.;]{0,80}?\bas\s+(?:being\s+)?(?:developed|built|based|derived|made|created)\s+(?:based\s+)?"
    r"(?:on|upon|from|with|using)\b",
    _I,
)
# Notices about the license, source availability or changes are not brand attribution.
_PA_EXCLUDE = compile_fast(
    r"\b(?:notices?|statements?)\b[^.;]{0,80}?\b(?:stating|that)\b[^.;]{0,60}?\b(?:source|licen[cs]e|"
    r"modif|changed|derived|terms|subject)|\bmodified\s+files\b|\bsource\s+(?:code|location)"
    r"|\bcopyright\s+(?:statement|notice)|\brecipients?'?\s+rights|\bnot\s+part\s+of\s+the\s+original"
    r"|\bmark\w*\s+(?:\w+\s+){0,2}as\s+(?:modified|changed|altered)"
    r"|\bnotices?\b[^.;]{0,80}?\b(?:identify\w*|describ\w*|regarding|about|concerning)\b"
    r"|\brequired\s+notice\b|\bpackage\s+names?\b",
    _I,
)


# A brand display is a requirement only with a word of obligation ("Zope includes a
# 'Powered by Zope' button" describes the product).
_OBLIGATION = compile_fast(
    r"\b(?:must|shall|required?|requirement|agrees?|will|need\s+to|have\s+to|has\s+to|obligat\w*|"
    r"condition|provided\s+that)\b",
    _I,
)
_PA_KEYS = declare_keys(
    "built", "powered", "improved", "prominent", "conspicuous", "visib", "prefix", "name"
)


def prominent_attribution(doc: Document) -> list[Hit]:
    for seg in doc.having(_PA_KEYS):
        if seg.is_definition:
            continue
        if OPTIONAL_RE.search(seg.text) or _PA_EXCLUDE.search(seg.text):
            continue
        m = _PA_BRAND.search(seg.text)
        if m and _PA_DISPLAY.search(seg.text) and _OBLIGATION.search(f"{seg.lead} {seg.text}"):
            return [_hit("prominent-attribution", seg, m)]
        m = (
            _PA_PROMINENT.search(seg.text)
            or _PA_PROMINENT_AFTER.search(seg.text)
            or _PA_ORIGIN.search(seg.text)
            or _PA_NAME.search(seg.text)
        )
        if m and not NEG_RE.search(seg.text[: m.start()][-60:]):
            return [_hit("prominent-attribution", seg, m)]
    return []


# --- use restrictions -------------------------------------------------------------------

_POLICY_REF = compile_fast(
    r"\b(?:acceptable|prohibited|responsible|permitted|fair)[\s-]+uses?[\s-]+polic(?:y|ies)|\baup\b|"
    r"\buse[\s-]+polic(?:y|ies)\b|\buse[\s-]+based\s+restrictions|\buse\s+restrictions\b|"
    r"\bprohibited\s+uses?\b|\brestricted\s+uses?\b|\btrustworthy\s+ai\b",
    _I,
)
_BINDING = compile_fast(
    r"\bincorporat\w*|\bsubject\s+to\b|\bcompl(?:y|ies|iance)\s+with|\badhere|\babide|\bin\s+accordance\s+"
    r"with|\bmust\b|\bshall\b|\bagree\w*|\bbound\b|\bgoverned\b|\bcannot\b|\bnot\s+use\b|\benforceable\b",
    _I,
)
_POLICY_KEYS = declare_keys("polic", "aup", "restrict", "prohibited", "trustworthy")
_NO_RESTRICTIONS = compile_fast(
    r"\bno\s+(?:use\s+)?restrictions|\bwithout\s+(?:any\s+)?restriction", _I
)


def use_restrictions(doc: Document) -> list[Hit]:
    for seg in doc.having(_POLICY_KEYS):
        m = _POLICY_REF.search(seg.text)
        if m and _BINDING.search(seg.text) and not _NO_RESTRICTIONS.search(seg.text):
            return [_hit("use-restrictions", seg, m)]
    # Prohibitions first (cheap to find), then the harms they name; the first one decides.
    for seg in _prohibitive(doc):
        if seg.is_definition or seg.is_heading or _SANCTIONS.search(seg.text):
            continue  # export-control compliance is law, not a use policy
        if _DISCLAIMER.search(seg) and not _YOU_NOT.search(seg.text):
            continue  # "not designed or intended for use in nuclear facilities"
        if LICENSOR_PROMISE_RE.search(seg.text):
            continue
        for start, end, category in harms_in(seg.low):
            if not _harm_in_context(seg.low, start, end, category):
                continue
            if _negated(seg, start, window=400):
                note = f"prohibits {category}"
                return [Hit("use-restrictions", seg, seg.start + start, seg.start + end, note=note)]
    return []


_DISCLAIMER = rule(
    ("designed", "intended", "suitable", "fit"),
    r"\b(?:not|neither|nor)\s+(?:\w+\s+){0,2}?(?:designed|intended|suitable|fit)\b",
)
_YOU_NOT = compile_fast(
    r"\b(?:you|licensee|users?)\s+(?:\w+\s+){0,2}?(?:may|shall|will|must|agrees?)\s+not\b", _I
)
_TECHNICAL_OBJECT = compile_fast(
    r"^[^.;]{0,80}?\b(?:technical|technolog|measure|protection|security|safety|guardrail|filter|limit|"
    r"tracking|check|usage|access\s+control|content|watermark|(?:use|usage)\s+restriction)",
    _I,
)
_HARM_VERB_BEFORE = compile_fast(
    r"(?:endanger|harm|undermin|threat|jeopardi|subver|damag|incit|disrupt|attack|against|violat|split|"
    r"overthrow)\w*\b[^.;]{0,40}$"
)


def _harm_in_context(low: str, start: int, end: int, category: str) -> bool:
    """Weed out harm words that name no prohibited use: "circumvent any obligations",
    "military insignia", "the National Security Act"."""
    word = low[start:end]
    if category == "circumvention" and word.startswith(("circumvent", "bypass")):
        return bool(_TECHNICAL_OBJECT.search(low[end:]))
    if category == "military use" and low[end : end + 10].strip().startswith("insignia"):
        return False
    if category == "public order":
        return bool(_HARM_VERB_BEFORE.search(low[max(0, start - 80) : start]))
    return True


def _prohibitive(doc: Document) -> list[Segment]:
    """Segments holding a prohibition cue or governed by a lead-in, in text order."""
    segs = {id(s): s for s in doc.having(NEG_KEYS)}
    segs.update((id(s), s) for s in doc.segments if s.lead)
    return sorted(segs.values(), key=lambda s: s.start)


# --- copyleft ---------------------------------------------------------------------------

# "this License", "the same license", "the terms set forth in this Open Software License",
# "the same version of the Agreement": the text's own terms, not "terms of your choice".
_THIS_LICENSE = (
    r"(?:the\s+)?(?:terms\s+(?:and\s+conditions\s+)?(?:set\s+(?:forth|out)\s+in|of)\s+)?(?:(?:this|the\s+same|an\s+"
    r"identical|a\s+compatible)\s+(?:version\s+of\s+(?:this|the)\s+)?(?:[A-Z][\w-]*\s+){0,4}(?:licen[cs]e|"
    r"agreement|terms)|(?:these|the\s+same)\s+terms|(?:sections?|paragraphs?)\s+\d)(?!\s+as\b)"
)
_CL_STRONG = [
    rule(
        "copyleft",
        r"(?<![\w-])(?<!\bno\s)(?<!\bnot\s)(?<!\bany\s)(?<!\bnon-)copyleft\b(?![\s-]*(?:type|style|licen))",
    ),
    rule(("alike", "elements"), r"\bshare[\s-]*alike\b|\bsame\s+license\s+elements\b"),
    rule(
        ("must under", "shall under", "will under"),
        r"\b(?:must|shall|will)\s+(?:be\s+|cause\s+[^.;]{0,200}?\s+to\s+be\s+)?(?:licen[cs]ed?|release[ds]?|"
        r"distributed?|made\s+available|make\s+available|conveyed?|done|be)\s+(?:[\w,()'-]+\s+){0,12}?under\s+"
        + _THIS_LICENSE,
    ),
    rule(  # "you may only do so under this License", "must do so only under the terms of ..."
        ("do so under", "only under this", "only under the same"),
        r"\b(?:may|must|shall|can)\s+(?:only\s+)?do\s+so\s+(?:only\s+)?under\s+"
        + _THIS_LICENSE
        + r"|\b(?:may|must|shall|can)\s+(?:only\s+)?(?:be\s+)?(?:subsequently\s+)?(?:distributed|"
        r"licen[cs]ed|released|conveyed|redistributed|shared)\s+only\s+under\s+"
        + _THIS_LICENSE
        + r"|\b(?:may|must|shall|can)\s+only\s+(?:be\s+)?(?:subsequently\s+)?(?:distributed|"
        r"licen[cs]ed|released|conveyed|redistributed)\s+under\s+" + _THIS_LICENSE,
    ),
    rule(  # "You may distribute a Derivative Work only under the terms of this License"
        ("only under this", "only under the same", "terms identical"),
        r"\b(?:may|can)\s+(?:[\w,]+\s+){0,12}?(?:derivative\s+works?|adaptations?|derivatives|modified\s+"
        r"(?:versions?|works?|files?)|modifications)\s+(?:[\w,]+\s+){0,6}?only\s+under\s+"
        + _THIS_LICENSE
        + r"|\bon\s+terms\s+identical\s+to\s+(?:those\s+)?(?:contained\s+)?(?:in\s+)?this",
    ),
    rule(  # "you must make the source code of the modifications available under this License"
        (
            "must available under this",
            "shall available under this",
            "must source under",
            "shall source under",
            "ensure available under this",
            "must under this",
            "shall under this",
            "must under the same",
        ),
        r"\b(?:must|shall|will|agree\s+to|ensure\s+that)\b[^.;]{0,160}?\b(?:modifications?|derivative|"
        r"derived|source\s+code|covered\s+code|changes|larger\s+work|adaptations?)\b[^.;]{0,120}?\b"
        r"(?:available|provided|licen[cs]ed|released|distributed)\s+(?:to\s+[^.;]{0,40}?\s+)?under\s+"
        + _THIS_LICENSE
        + r"|\b(?:must|shall)\s+(?:provide|make\s+available|release|distribute|publish)\s+"
        r"[^.;]{0,120}?\bsource\s+code\b[^.;]{0,60}?\bunder\s+" + _THIS_LICENSE,
    ),
    rule(
        "apply",
        r"\bapply\s+this\s+licen[cs]e\b[^.;]{0,60}\b(?:copies|derivatives?|modifications|output)",
    ),
    rule(  # a notice putting the text under a copyleft license
        (
            "general public",
            "gpl",
            "alike",
            "mozilla",
            "eupl",
            "european union",
            "eclipse public",
            "by-sa",
        ),
        r"(?:\b(?:you\s+can\s+redistribute\s+it|(?:this|the)\s+(?:program|software|library|work|model|"
        r"weights|files?|code|materials?|dataset|application)\s+(?:is|are)\s+(?:hereby\s+)?(?:licen[cs]ed|"
        r"distributed|released|made\s+available))\b[^.;]{0,80}?\bunder\s+"
        r"|^\W*(?:(?:it|this\s+\w+)\s+(?:is|are)\s+)?(?:distributed|licen[cs]ed|released|subject\s+to)\b"
        r"[^.;]{0,40}?\b(?:under\s+)?)(?:the\s+)?"
        r"(?:terms\s+of\s+(?:the\s+)?)?(?:GNU\s+(?:Affero\s+|Lesser\s+|Library\s+)?General\s+Public\s+Licen[cs]e|"
        r"(?:A|L)?GPL|Mozilla\s+Public\s+License|MPL|European\s+Union\s+Public\s+Licen[cs]e|EUPL|Eclipse\s+"
        r"Public\s+License|Creative\s+Commons\s+Attribution[\s-]+(?:Non[\s-]*Commercial[\s-]+)?Share[\s-]*Alike|"
        r"CC[\s-]+BY[\s-]+(?:NC[\s-]+)?SA)\b",
    ),
    rule(
        ("same licen", "same version", "same agreement"),
        r"\b(?:licen[cs]e|distribute|release)\w*\s+(?:[\w,]+\s+){0,6}?under\s+the\s+same\s+(?:version\s+"
        r"of\s+the\s+)?(?:licen[cs]e|agreement)(?!\s+as\b)",
    ),
]
_CL_WEAK = [
    rule(
        "subject",
        r"\b(?:distribution|redistribution)s?\s+of\s+[^.;]{0,80}?(?:are|is|shall\s+be|must\s+be|will\s+be)"
        r"\s+subject\s+to\s+(?:the\s+terms\s+of\s+)?(?:this|these|the)\s+(?:agreement|licen[cs]e|terms)",
    ),
    rule(
        "only",
        r"\bmay\s+only\s+do\s+so\s+under\s+(?:the\s+terms\s+of\s+)?this\s+(?:agreement|licen[cs]e)",
    ),
    rule(
        "remain",
        r"\b(?:derivative\s+works?|derivatives|modified\s+versions?|modifications|outputs?|copies)\b"
        r"[^.;]{0,100}?\bremain\s+subject\s+to\b",
    ),
    rule(
        "bound",
        r"\b(?:recipients?|licensees?|part(?:y|ies))\b[^.;]{0,60}\b(?:are|is|shall\s+be|will\s+be)\s+bound\s+"
        r"by\s+(?:the\s+terms\s+of\s+)?this",
    ),
    rule(
        "subject",
        r"\b(?:distributed|published|redistributed|shared)\s+(?:\w+\s+){0,3}?(?:is|are)\s+(?:provided\s+)?"
        r"(?:under\s+and\s+)?subject\s+to\s+(?:these|this|the\s+same)\s+(?:terms|agreement|licen[cs]e)",
    ),
]
_NOT_BEFORE = compile_fast(r"\b(?:not|no)\b[^.;]{0,40}$", _I)
_OWN_TERMS = rule(
    ("different", "own", "other"),
    r"\bmay\s+(?:add|provide|offer|apply|choose|use)\b[^.;]{0,80}?\b(?:additional\s+or\s+different|"
    r"your\s+own)\s+(?:license\s+)?terms|\bunder\s+(?:additional\s+or\s+different|your\s+own|other)\s+"
    r"(?:license\s+)?terms",
)
_OWN_TERMS_KEYS = declare_keys(*_OWN_TERMS.keys)
_GPL_TITLE = compile_fast(
    r"\W*(?:the\s+)?(?:(?:GNU\s+|Affero\s+|[\w-]+\s+)?(?:Affero\s+|Lesser\s+|Library\s+)?General\s+Public\s+"
    r"Licen[cs]e|Mozilla\s+"
    r"Public\s+License|European\s+Union\s+Public\s+Licen[cs]e)(?=\s*(?:$|\n|\(|,|version\b|v?\d))",
    _I,
)


# Terms on what others send the licensor (Apache-2.0 section 5), not on what you pass on.
_INBOUND = compile_fast(
    r"(?i:\bsubmitted\s+(?:for\s+inclusion|to\s+(?:the\s+)?licensor)|\b(?:your|code|such(?:\s+code)?)\s+"
    r"contributions?\b|\boriginally\s+licen[cs]ed|\bfeedback\b)|\b(?i:licen[cs]ed)\s+to\s+(?:the\s+)?"
    r"(?:[Ll]icensor|us\b|[A-Z][\w.-]+\s+under)"
)

_CL_STRONG_KEYS = declare_keys(*sorted({k for r in _CL_STRONG for k in r.keys}))
_CL_WEAK_KEYS = declare_keys(*sorted({k for r in _CL_WEAK for k in r.keys}))


def copyleft(doc: Document) -> list[Hit]:
    """Strong forms (GPL title, "copyleft", share-alike, "must be licensed under this
    License") win; the weak form ("redistribution only under this agreement") counts
    unless the text lets you put your own terms on derivatives (OpenRAIL, Llama-style)."""
    for seg in doc.segments[:4]:  # the text is itself the GPL, LGPL, AGPL, MPL or EUPL
        if "public licen" in seg.low and (m := _GPL_TITLE.match(seg.text.strip())):
            return [_hit("copyleft", seg, None)]
    for seg in doc.having(_CL_STRONG_KEYS):
        if seg.is_definition:
            continue
        for r in _CL_STRONG:
            m = r.search(seg)
            if m and not _NOT_BEFORE.search(seg.text[: m.start()]):
                if _INBOUND.search(seg.text):
                    break
                return [_hit("copyleft", seg, m)]
    if hit := _under_own_name(doc):
        return [hit]
    for seg in doc.having(_CL_WEAK_KEYS):
        if not seg.is_definition and (m := first(seg, _CL_WEAK)):
            if any(_OWN_TERMS.search(s) for s in doc.having(_OWN_TERMS_KEYS)):
                return []
            return [_hit("copyleft", seg, m, note="redistribution only under this agreement")]
    return []


_UNDER_NAMED = rule(
    ("under",),
    r"\b(?:must|shall|have\s+to|has\s+to|are\s+required\s+to|need\s+to)\s+(?:share|distribute|release|"
    r"licen[cs]e|publish|make\s+(?:them|it)\s+available|offer|convey)\s+(?:[\w,]+\s+){0,8}?under\s+(?:the\s+)?"
    r"((?:[A-Z][\w.-]*\s+){1,5}(?:Licen[cs]e|Agreement|Terms)(?:\s+v?\d[\w.]*)?)",
    0,
)
_SAME_FREEDOMS = rule(
    ("same freedoms", "same rights"),
    r"\bgive\s+(?:the\s+|all\s+)?recipients\s+the\s+same\s+(?:freedoms|rights)",
)


_UNDER_KEYS = declare_keys("under", "same freedoms", "same rights")


def _under_own_name(doc: Document) -> Hit | None:
    """ "You have to share them under the Meadow Weights License": the license the text
    names for what you pass on is the text itself (its title shares the name's words)."""
    title = next((s.low for s in doc.segments if s.text.strip()), "")
    for seg in doc.having(_UNDER_KEYS):
        if seg.is_definition:
            continue
        same = _SAME_FREEDOMS.search(seg)
        m = None if same else _UNDER_NAMED.search(seg)
        if not (same or m) or _INBOUND.search(seg.text):  # (the slow test last)
            continue
        if same or m is None:
            return _hit("copyleft", seg, same)
        words = {w for w in m.group(1).lower().split() if w not in ("license", "licence")}
        if words and sum(w in title for w in words) >= max(1, len(words) // 2):
            return _hit("copyleft", seg, m)
    return None


# --- geographic restriction -------------------------------------------------------------

_REGIONS = (
    r"(?:the\s+)?\b(?:european\s+union|eu|european\s+economic\s+area|eea|united\s+kingdom|uk|great\s+britain|"
    r"(?:south|north)\s+korea|republic\s+of\s+korea|mainland\s+china|china|prc|hong\s+kong|macau|taiwan|"
    r"russia(?:n\s+federation)?|belarus|india|japan|brazil|canada|california|united\s+states|usa?|"
    r"switzerland|iran|cuba|syria|crimea|europe|asia|africa|the\s+americas)\b"
)
_GEO_EXCLUDE = compile_fast(
    r"\b(?:exclud\w*|except(?:\s+for)?|other\s+than)\b[^.;]{0,60}?"
    + _REGIONS
    + r"|\b(?:not|no)\b[^.;]{0,120}?\b(?:granted|licensed|available|permitted|authori[sz]ed|"
    r"allowed|offered|provided|extend)\b[^.;]{0,200}?\b(?:domiciled|resident\w*|located|citizens?|"
    r"principal\s+place\s+of\s+business|based|in)\b[^.;]{0,80}?"
    + _REGIONS
    # "you may not use the Model if you are domiciled in, or located in, the EU"
    + r"|\b(?:may|shall|must|can)\s*not\b[^.;]{0,80}?\b(?:use|access|download|deploy|install|run|"
    r"exercise|receive|obtain)\b[^.;]{0,120}?\b(?:if|where|while|when|whilst)\s+(?:you|your|(?:the\s+)?"
    r"(?:licensee|user|customer|recipient)s?)\b[^.;]{0,120}?\b(?:domiciled|resident\w*|located|based|established|incorporated|"
    r"organi[sz]ed|headquartered|citizens?|nationals?|principal\s+place\s+of\s+business)\b[^.;]{0,100}?"
    + _REGIONS
    + r"|\boutside\s+(?:of\s+)?the\s+territory\b"
    # "granted only to persons located outside mainland China"
    + r"|\b(?:only|solely|exclusively)\b[^.;]{0,100}?\boutside\s+(?:of\s+)?"
    + _REGIONS
    + r"|\b(?:residents?|citizens?|entities|users|persons|individuals)\s+(?:of|in|from|located\s+"
    r"in|based\s+in)\s+"
    + _REGIONS
    + r"[^.;]{0,80}?\b(?:may\s+not|are\s+not|cannot|shall\s+not|prohibited)",
    _I,
)
_GEO_SCOPE = compile_fast(
    r"\bterritor|\blicen[cs]|\bgrant|\brights?\b|\bavailable\b|\bus(?:e|ed|ing)\b|\baccess", _I
)
_LAW_SCOPE = Cue(
    ("govern", "law", "jurisdiction"),
    r"\bgovern\w*\b|\blaws\s+of\b|\bconflicts?\s+of\s+laws?|\bjurisdiction",
)
_SANCTIONS = Cue(
    ("sanction", "embargo", "export", "trade", "ofac", "restricted", "itar"),
    r"\bsanction\w*|\bembargo\w*|\bexport\s+(?:control|laws?|regulations?|administration)|\btrade\s+control"
    r"|\bofac\b|\brestricted\s+part|\bitar\b",
)


_GEO_KEYS = declare_keys(
    "union", "eu", "eea", "kingdom", "uk", "britain", "korea", "china", "prc", "hong", "macau",
    "taiwan", "russia", "belarus", "india", "japan", "brazil", "canada", "california", "states",
    "usa", "switzerland", "iran", "cuba", "syria", "crimea", "europe", "asia", "africa",
    "americas", "territor",
)  # fmt: skip
_GEO_CUES = ("exclud", "except", "outside", "resident", "domicil", "citizen", "not", "no", "than")


def geo_restriction(doc: Document) -> list[Hit]:
    for seg in doc.having(_GEO_KEYS):
        if not any(k in seg.low for k in _GEO_CUES):
            continue
        m = _GEO_EXCLUDE.search(seg.text)
        if (
            m
            and _GEO_SCOPE.search(seg.text)
            and not _SANCTIONS.search(seg.text)
            and not _LAW_SCOPE.search(seg.text)
        ):
            return [_hit("geo-restriction", seg, m)]
    return []
