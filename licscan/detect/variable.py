"""Variable parts of a license copy: what a real copy adds or fills in without touching
its terms (issue 11: `osi-open` only by identity, at the lowest cost in false demotions).

A standard license on a model repository comes with more than the license: a title, a
copyright notice, the holder's name in the template's blanks, a numbering marker, a line
that names the project or points at the license.  A part is variable only when its *form*
is one of these and it holds no word that could grant, withhold or condition anything
(`RIGHTS`); anything else a copy adds, however short, is a change of the terms.  The list
errs on the side of words: a title that happens to hold one ("Acme Research License") is
reported for review, never a clause passed as a title.

Normalised words (licscan.detect.normalize) in, no text kept.
"""

from __future__ import annotations

import re

# Words that can grant, withhold, condition, scope or time a right.  Grouped for review;
# a fragment holding any of them is never a variable part.
RIGHTS = frozenset(
    """
    may might must shall should will would can cannot could need needs needed ought
    have has had having do does did
    not no never none nor neither without except excepting excluding exclude excluded
    excludes exclusion unless only solely exclusively but however provided providing
    notwithstanding instead otherwise nt t
    permit permits permitted permission permissions allow allows allowed allowing grant
    grants granted granting authorize authorized authorization authorizes consent approval
    approve approved agree agrees agreed accept accepts accepted acceptance licensed
    licensing licensee licensees sublicense sublicensed entitled entitle
    prohibit prohibits prohibited prohibition forbid forbids forbidden restrict restricts
    restricted restriction restrictions ban bans banned limit limits limited limitation
    limitations constraint constraints barred bar
    revoke revokes revoked revocable revocation terminate terminates terminated termination
    withdraw withdraws withdrawn cancel cancelled suspend suspended expire expires expired
    expiration end ends ended cease ceases
    reserve reserves right rights
    require requires required requirement requirements obligation obligations obliged
    oblige duty duties comply complies compliance condition conditions conditional subject
    responsible responsibility liable liability indemnify indemnification warranty
    warranties warrant warrants guarantee
    use uses used using usage user users purpose purposes commercial commercially commerce
    noncommercial non nc nd sa nonprofit profit profits revenue revenues income turnover
    sale sales sell sells selling sold resell fee fees royalty royalties pay pays paid
    payment price charge charges cost
    research academic academia educational education personal private internal evaluation
    evaluate testing trial demo demonstration hobby scientific study studies experimental
    production
    military weapon weapons surveillance enforcement police medical clinical diagnosis
    government governmental critical infrastructure harm harmful illegal unlawful lawful
    law laws legal ethical responsible acceptable policy policies misuse abuse
    distribute distributes distributed distribution distributing redistribute
    redistributes redistributed redistribution copy copies copying modify modifies modified
    modification modifications derivative derivatives derived adapt adapted adaptation
    share shared sharing publish published publishing reproduce reproduction train trains
    trained training finetune finetuning tune tuning output outputs generated generate
    results result content
    attribution attribute credit credited credits display displays displayed displaying
    prominently prominent notice notices mention mentioned acknowledge acknowledgement
    acknowledgment cite citation label labelled labeled logo trademark trademarks brand
    branding endorse endorsement promote
    million millions billion billions thousand thousands monthly daily weekly annual
    annually yearly active mau dau exceed exceeds exceeding over above under below more
    less fewer greater maximum minimum least most beyond per
    country countries region regions territory territories jurisdiction jurisdictions
    within outside export exports exported sanction sanctions sanctioned embargo resident
    residents located location
    company companies entity entities business businesses enterprise enterprises
    corporate individual individuals employee employees customer customers competitor
    competitors competing compete competitive third party parties affiliate affiliates
    day days month months period until after before effective term
    belong belongs own owns owned ownership property proprietary confidential
    assign assigns assigned transfer transferred exclusive
    deploy deployed deployment deploying serve serves serving offer offers offered
    provide provides host hosted hosting access download install run operate integrate
    embed include includes included including retain keep
    govern governed governing court courts arbitration damages breach violate violation
    violates infringe infringement
    rail openrail
    means mean refers refer defined definition definitions deemed person persons natural
    see refer visit additional supplemental further also terms apply applies governed
    """.split()  # noqa: SIM905
)
# Words of RIGHTS that are common in the names of holders ("Google Research", "Meta
# Platforms, Inc. and affiliates", "the individual contributors"): a name may hold them,
# a title may not ("Acme Research License" is reported).
_IN_NAMES = frozenset(
    """research academic academia education educational scientific study company companies
    business businesses enterprise enterprises corporate individual individuals affiliate
    affiliates entity entities government governmental medical law legal production""".split()  # noqa: SIM905
)
NAME_RIGHTS = RIGHTS - _IN_NAMES
# Words naming a license family: a title or pointer naming one must name the matched one.
FAMILIES = frozenset(
    """apache mit bsd gpl lgpl agpl gnu affero lesser library mozilla mpl cc creative commons
    cc0 unlicense isc boost bsl zlib eclipse epl eupl artistic llama gemma mistral qwen
    falcon bloom openmdw cdla odbl odc pddl ofl wtfpl postgresql ncsa""".split()  # noqa: SIM905
)
# Chinese characters that may stand in a title ("通用模型许可协议"): none can restrict.
_TITLE_HAN = frozenset(
    "许可协议证书模型通用开源版本软件条款的及和与第章节人工智能大语言数据集代码权重文档说明"
)
# Chinese characters that may not stand in a name (a holder, a project): each can restrict.
_RIGHTS_HAN = frozenset(
    "不禁非仅只须需应得限撤销终止授许权利商用途研究学术个人内部评估军医监违法费付款月日活跃户万亿元输出训练署名标注显著地区境外出口除免责任"
)
_HAN = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af]")

_MARKERISH = re.compile(r"^(?:\d{1,3}|[a-z]|[ivxlc]{1,5})$")
_SECTION_WORDS = frozenset(
    [
        "section",
        "sections",
        "article",
        "clause",
        "part",
        "chapter",
        "paragraph",
        "schedule",
        "appendix",
        "exhibit",
    ]
)
_POINTER_VERBS = frozenset(
    [
        "licensed",
        "released",
        "distributed",
        "provided",
        "published",
        "offered",
        "available",
        "made",
        "licenced",
    ]
)
_BE = frozenset(["is", "are", "was", "were", "be", "being", "been"])
_POINTER_FILLER = frozenset(
    [
        "the",
        "this",
        "that",
        "these",
        "license",
        "licence",
        "licenses",
        "terms",
        "of",
        "version",
        "v",
        "and",
        "as",
        "same",
        "following",
        "full",
        "text",
        "file",
        "below",
        "above",
    ]
)
_HERE = frozenset(["this", "these", "below", "above", "following"])

TITLE_WORDS = 12  # at most, at the top or bottom of the text
HEADING_WORDS = 8  # at most, elsewhere
NOTICE_WORDS = 40
SLOT_WORDS = 12  # a holder's name filled into a template's blank


def rights_word(words: list[str]) -> str | None:
    """The first word that can grant, withhold or condition a right, if any."""
    if RIGHTS.isdisjoint(words):
        return None
    return next(w for w in words if w in RIGHTS)


def _han_ok(words: list[str]) -> bool:
    """Only title characters among the Chinese ones."""
    return all(w in _TITLE_HAN for w in words if len(w) == 1 and _HAN.match(w))


def _name_ok(words: list[str]) -> bool:
    """A name: no rights word, and no Chinese character that could restrict."""
    return NAME_RIGHTS.isdisjoint(words) and _RIGHTS_HAN.isdisjoint(words)


def markerish(word: str) -> bool:
    """A numbering token: "1", "b", "iv"."""
    return _MARKERISH.match(word) is not None


def marker(words: list[str]) -> bool:
    """Numbering only: "1", "(a)", "iv", "Section 3"."""
    return 0 < len(words) <= 4 and all(
        _MARKERISH.match(w) or w in _SECTION_WORDS or w.isdigit() for w in words
    )


def notice(words: list[str]) -> bool:
    """A copyright notice ("copyright (c) 2024 Acme AI Labs. all rights reserved") whose
    holder's words hold no rights word."""
    if not words or len(words) > NOTICE_WORDS:
        return False
    if words[0] == "copyright" or (words[0] == "c" and len(words) > 1 and words[1].isdigit()):
        rest = list(words)
        for i in range(len(rest) - 2):
            if rest[i : i + 3] == ["all", "rights", "reserved"]:
                rest[i : i + 3] = []
                break
        return _name_ok(rest)
    return words == ["all", "rights", "reserved"]


def title(words: list[str], license_words: frozenset[str], edge: bool) -> bool:
    """A title, heading, project name or URL: short, no rights word, and naming no license
    family but the matched one."""
    limit = TITLE_WORDS if edge else HEADING_WORDS
    if not words or len(words) > limit:
        return False
    if not RIGHTS.isdisjoint(words) and not RIGHTS.intersection(words) <= license_words:
        return False  # (the license's own name may hold one: "... v2.0 only", "Share Alike")
    if not FAMILIES.isdisjoint(words) and not FAMILIES.intersection(words) <= license_words:
        return False
    return _han_ok(words)


def titleish(words: list[str]) -> bool:
    """A reference's own title or version line (at build time): short, no rights word."""
    return 0 < len(words) <= TITLE_WORDS and rights_word(words) is None


def pointer(words: list[str], license_words: frozenset[str]) -> bool:
    """ "<project> is licensed under the <this license's name>" and nothing more: a line that
    names what the license covers and points at the license itself."""
    if words[-2:] == ["as", "follows"] and len(words) > 3 and words[-3] in _POINTER_VERBS:
        words = [*words[:-2], "under", "below"]  # "... are licensed as follows"
    at = next((i for i, w in enumerate(words) if w == "under"), -1)
    if at < 1 or at + 1 >= len(words) or words[at - 1] not in _POINTER_VERBS:
        return False
    head = words[: at - 1]
    while head and (head[-1] in _BE or head[-1] in _POINTER_VERBS):
        head = head[:-1]
    if len(head) > HEADING_WORDS or not _name_ok(head):
        return False
    named = words[at + 1 :]
    if not all(w in license_words or w in _POINTER_FILLER or w.isdigit() for w in named):
        return False
    # it names the license, or points at this text ("the license below", "this license")
    return bool(license_words.intersection(named) - _POINTER_FILLER) or not _HERE.isdisjoint(named)


def variable_part(
    words: list[str], license_words: frozenset[str], edge: bool, stop: bool
) -> str | None:
    """What kind of variable part a fragment the reference lacks is, or None: a change.
    `stop`: it ends at a full stop, as a sentence does and a title does not ('"You" means
    a natural person.' is a definition, not a title)."""
    if marker(words):
        return "marker"
    if notice(words):
        return "notice"
    if pointer(words, license_words):
        return "pointer"
    if (not stop or words[-1] in _ABBREVIATIONS) and title(words, license_words, edge):
        return "title"
    return None


# A full stop after these ends an abbreviation, not a sentence ("Meta Platforms, Inc.").
_ABBREVIATIONS = frozenset(
    ["inc", "ltd", "llc", "co", "corp", "plc", "gmbh", "ag", "bv", "srl", "sas", "pty"]
)


def slot_fill(words: list[str]) -> bool:
    """Words that may fill a template's blank (a holder's name): few, none about rights."""
    return len(words) <= SLOT_WORDS and _name_ok(words)


# --- template sentences (at build time) --------------------------------------------------

# The blanks of a license template, as normalised words: "[yyyy]", "[name of copyright
# owner]", "the copyright holder(s)", "the author(s)", "the authors or copyright holders".
_SLOT_RE = re.compile(
    r"\b(?:name of (?:the )?(?:copyright )?(?:owner|author|holder)s?"
    r"|(?:by )?(?:the )?(?:authors?|copyright (?:holders?|owners?))"
    r"(?: (?:or|and) (?:copyright (?:holders?|owners?)|contributors))?"
    r"|(?<=names of )(?:(?:its|their|the|other|any other|any|project) )?contributors"
    r"|(?<=name of )(?:the )?organi[sz]ation|(?<=copyright c )year|(?:19|20)?yy(?:yy)?|fullname)\b"
)
_SLOT_HINTS = frozenset(
    [
        "copyright",
        "author",
        "authors",
        "yyyy",
        "yy",
        "19yy",
        "20yy",
        "fullname",
        "organization",
        "contributors",
    ]
)


def template_slots(words: list[str]) -> list[tuple[int, int]]:
    """Token ranges of a sentence's blanks (empty: not a template)."""
    if _SLOT_HINTS.isdisjoint(words):
        return []
    text = " ".join(words)
    starts = {}
    pos = 0
    for i, w in enumerate(words):
        starts[pos] = i
        pos += len(w) + 1
    out = []
    for m in _SLOT_RE.finditer(text):
        a = starts.get(m.start())
        if a is None:
            continue
        out.append((a, a + m.group().count(" ") + 1))
    return out


# --- postal addresses --------------------------------------------------------------------

_STREET = frozenset(
    [
        "street",
        "st",
        "avenue",
        "ave",
        "place",
        "road",
        "rd",
        "boulevard",
        "blvd",
        "drive",
        "dr",
        "lane",
        "ln",
        "way",
        "square",
        "sq",
    ]
)
_YEAR = re.compile(r"^(?:19|20)\d\d$")
_UNIT = frozenset(["suite", "ste", "room", "floor", "unit"])
_STATES = frozenset(
    """al ak az ar ca co ct de fl ga hi id il in ia ks ky la me md ma mi mn ms mo mt ne nv nh
    nj nm ny nc nd oh ok or pa ri sc sd tn tx ut vt va wa wv wi wy dc""".split()  # noqa: SIM905
)


def has_street(words: list[str]) -> bool:
    return not _STREET.isdisjoint(words)


def address_spans(words: list[str]) -> list[tuple[int, int]]:
    """Token ranges of US postal addresses ("51 Franklin Street, Fifth Floor, Boston, MA
    02110-1301 USA"): a street number, a street, a unit, a city, a state and a ZIP code, none
    of whose words is a rights word.  Copies carry the FSF's old and new addresses."""
    out: list[tuple[int, int]] = []
    n = len(words)
    street = _STREET
    for i in [i for i, w in enumerate(words) if w in street]:
        a = next((j for j in range(i - 1, max(i - 5, -1), -1) if words[j].isdigit()), None)
        if a is not None and (len(words[a]) > 5 or _YEAR.match(words[a])):
            a = None  # a year ("June 1991 / Franklin Street"), not a street number
        if a is None:  # (a re-wrap left the number on a dropped copyright line)
            a = i - 1
        if a < 0 or (out and a < out[-1][1]):
            continue
        j = i + 1
        if (j + 1 < n and words[j] in _UNIT and words[j + 1].isdigit()) or (
            j + 1 < n and words[j + 1] == "floor"
        ):
            j += 2
        k = next((m for m in range(j, min(j + 4, n)) if words[m] in _STATES), None)
        if k is None or k + 1 >= n or not (len(words[k + 1]) == 5 and words[k + 1].isdigit()):
            continue
        end = k + 2
        if end < n and len(words[end]) == 4 and words[end].isdigit():
            end += 1
        if end < n and words[end] in ("usa", "us"):
            end += 1
        if rights_word(words[a:end]) is None:
            out.append((a, end))
    return out
