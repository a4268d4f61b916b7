"""License text normalisation: bytes -> text -> word tokens with line numbers.

The same function prepares reference texts (at fingerprint build time) and the
texts we are asked to identify, so whatever it strips (markup, wraps, list
numbering, page numbers, copyright notices, URLs, postal addresses, case, quote
styles) cannot make two copies of one license look different; it never strips a
word that grants, withholds or conditions a right (a copyright line that also
says "non-commercial use only" is kept).  Line numbers of the input are kept for
every token so differences and evidence can point back at the original lines.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field

from licscan.detect import variable
from licscan.detect.fastre import compile_fast

# Word tokens: Latin letters/digits (with accents); each CJK/kana/hangul character is
# a token of its own, since those scripts do not separate words with spaces.
_TOKEN_RE = compile_fast(  # (compiled on first use: large Unicode sets take ms)
    r"[a-z0-9\u00df-\u024f]+|[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af]"
)
_CJK_RE = compile_fast(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af]")
# _TOKEN_RE on ASCII text (isascii is O(1)): the same tokens, matched twice as fast.
_ASCII_TOKEN_RE = re.compile(r"[a-z0-9]+")
# Sentence ends: . ; : ! ? followed by closing marks then a space/EOL; a CJK full stop,
# semicolon, exclamation or question mark wherever it is (Chinese puts no space after one).
_SENT_END_RE = re.compile(
    r"[.;:!?\uff1a]+[\"'\u201d\u2019)\]*_]*(?:\s|$)|[\u3002\uff1b\uff01\uff1f]+[\"'\u201d\u2019)\]*_]*"
)
_ASCII_SENT_END_RE = re.compile(r"[.;:!?]+[\"')\]*_]*(?:\s|$)")  # the same on ASCII, faster
# The same, keeping the sentence ends (a colon ends a heading or a lead-in, not a sentence)
_SPLIT_RE = re.compile(f"({_SENT_END_RE.pattern})")
_ASCII_SPLIT_RE = re.compile(f"({_ASCII_SENT_END_RE.pattern})")
# A tag, not a template's placeholder: "<one line to give the program's name ...>" and
# "<name of author>" are words of the license (a copy fills them in), "<p>", "<br/>" and
# '<a href="...">' are markup.
# A URL in angle brackets ("<https://fsf.org/>") is the URL, as it is without them.
_TAG_RE = re.compile(r"<(?![a-zA-Z][\w'.,-]*(?: [\w'.,-]+)+>|https?:|www\.)[^<>]{0,400}>", re.I)
# Markup that a re-wrap may have broken across lines (tags, Markdown links).
_WRAPPED_TAG_RE = re.compile(
    r"<(?![a-zA-Z][\w'.,-]*(?: [\w'.,-]+)+>|https?:|www\.)[a-zA-Z/!][^<>]{0,400}>", re.I
)
_WRAPPED_LINK_RE = re.compile(r"\[([^\[\]]{0,400})\]\(([^()\s]{0,400})\)")
_MD_LINK_RE = re.compile(r"!?\[([^\]]{0,400})\]\([^)\s]{0,400}\)")
# A URL is an address, not words of the license: editions differ in them ("http://",
# "<https://www.gnu.org/licenses/why-not-lgpl.html>" for ".../philosophy/..."); the words
# around it are compared as they are.
_URL_RE = re.compile(r"\b(?:https?://|www\.)[^\s<>\"')\]]*", re.I)
# List markers at the start of a line: bullets, "1.", "1.2.3", "(a)", "a)", "iv." ...
_MARKER_RE = re.compile(
    r"^\s*(?:[-*+_\u2022\u00b7\u25aa\u25e6>#|]+|\(?\d{1,3}(?:\.\d{1,3})*[.)]|\(?[a-z][.)]"
    r"|\([a-z]\)|\(?[ivxlc]{1,6}[.)])(?=[\s*_])",
    re.I,
)
# A numbering marker at the start of a sentence piece, wherever rewrapping put it.
# (A bare number is no marker: "51 Franklin Street", "30 days after ...".)
_PIECE_MARKER_RE = re.compile(
    r"^\s*(?:(?:\(?(?:\d{1,3}|[a-z]|[ivxlc]{1,6})\)|(?:[a-z]|[ivxlc]{1,6})\.?|\d{1,3}\."
    r"|\d{1,3}(?:\.\d{1,3})+\.?)(?:\s+|$))+",
)
_PAGE = r"\s*(?:-\s*)?(?:page\s+)?\d{1,4}(?:\s*(?:of|/)\s*\d{1,4})?(?:\s*-)?\s*$"
# A copyright notice (a template's too: "Copyright [yyyy] [name of copyright owner]").
_COPYRIGHT = (
    r"[\s*_#>|-]*(?:copyright\s*(?:\(c\)|\u00a9|\d{4}|[\[{]\s*(?:yyyy|year)\s*[\]}])"
    r"|\(c\)\s*\d{4}|\u00a9\s*\d{4}|all rights reserved\.?\s*$)"
)
_COPYRIGHT_RE = re.compile(_COPYRIGHT, re.I)
_DROPPED_LINE_RE = re.compile(f"(?P<page>{_PAGE})|{_COPYRIGHT}", re.I)  # a page number, a notice
# A lettered list marker inside a line ("... means (i) the power ... or (ii) ownership"):
# a re-wrap moves it to or from a line start, where _MARKER_RE drops it; drop it anywhere.
# Not after a word ("Section 2(a)" is a reference) and never a number ("thirty (30) days").
# ("(c)" before a year, or on a copyright line, is the copyright sign.)
_INLINE_MARKER_RE = re.compile(r"(?<![\w)])\((?!c\)\s*\d)(?:[a-z]|[ivx]{2,4})\)(?=\s|$)", re.I)
# Bold or italic marks before a list marker ("**1.** Definitions").
_EMPHASIS_RE = re.compile(r"^\s*[*_]{2,3}(?=[\w(])")
# Typographic variants (all non-ASCII) and invisible characters.
_VARIANTS: tuple[tuple[str, str], ...] = (
    ("\u2018", "'"), ("\u2019", "'"), ("\u201c", '"'), ("\u201d", '"'), ("\u00ab", '"'),
    ("\u00bb", '"'), ("\u2013", "-"), ("\u2014", "-"), ("\u2212", "-"), ("\u00a0", " "),
    ("\ufeff", ""), ("\u200b", ""), ("\u00ad", ""),
)  # fmt: skip


def _plain(line: str) -> str:
    """`line` with typographic variants replaced (str.replace per variant present is far
    faster than str.translate on non-ASCII text)."""
    if line.isascii():  # (O(1): every variant is non-ASCII)
        return line
    for old, new in _VARIANTS:
        if old in line:
            line = line.replace(old, new)
    return line


# British and American spellings of one word (the US form is kept): a licence is the
# same license, and a copy respelt for another audience is not a modified text.
_SPELLING = {
    uk: us
    for pair in (
        "licence license", "licences licenses", "licenced licensed", "licencing licensing",
        "licencee licensee", "licencees licensees", "licencor licensor", "licencors licensors",
        "sublicence sublicense", "sublicences sublicenses", "sublicenced sublicensed",
        "authorise authorize", "authorised authorized", "authorises authorizes",
        "authorisation authorization", "authorisations authorizations",
        "authorising authorizing", "unauthorised unauthorized", "unlicenced unlicensed",
        "organisation organization", "organisations organizations", "organisational organizational",
        "organise organize", "organised organized", "recognise recognize",
        "recognised recognized", "recognises recognizes", "utilise utilize", "utilised utilized",
        "utilises utilizes", "utilising utilizing",
        "utilisation utilization", "behaviour behavior", "behaviours behaviors",
        "favour favor", "labour labor", "offence offense", "offences offenses",
        "defence defense", "centre center", "programme program", "programmes programs",
        "analyse analyze", "analysed analyzed", "analysing analyzing", "catalogue catalog",
        "modelling modeling", "modelled modeled", "cancelled canceled", "labelling labeling",
        "labelled labeled", "fulfil fulfill", "fulfilment fulfillment", "judgement judgment",
        "acknowledgement acknowledgment", "acknowledgements acknowledgments", "whilst while",
        "artefact artifact", "artefacts artifacts", "minimise minimize", "maximise maximize",
        "optimise optimize", "optimised optimized", "customise customize",
        "customised customized", "summarise summarize", "characterise characterize",
        "realise realize", "commercialise commercialize", "commercialised commercialized",
        "commercialisation commercialization", "colour color", "enrol enroll",
    )
    for uk, us in [pair.split()]
}  # fmt: skip
_RESPELT = frozenset(_SPELLING)  # (a frozenset tests a list twice as fast as dict keys)


_NUMBERED_RE = re.compile(r"^\s*\(?\d")


def clean_line(line: str, prev: str = "") -> str:
    """One line without markup, list markers, URLs and typographic variants.  A line that
    continues an unfinished sentence (`prev`: the line before) keeps a number it starts
    with: "... feature that / (1) displays ...", "... under section / 7." are words a
    re-wrap put there."""
    line = _plain(line)
    if "&" in line:
        line = _plain(html.unescape(line))
    if "<" in line:
        line = _TAG_RE.sub(" ", line)
    if "](" in line:
        line = _MD_LINK_RE.sub(r"\1", line)
    if "://" in line or "w." in line or "W." in line:  # cheap test before the regex
        line = _URL_RE.sub(" ", line)
    if "**" in line or "__" in line:
        line = _EMPHASIS_RE.sub("", line)
    if "(" in line and (marked := _INLINE_MARKER_RE.sub(" ", line)) != line:
        line = line if _COPYRIGHT_RE.match(line) else marked
    for _ in range(3):  # "1. (a) - text": strip nested markers
        m = _MARKER_RE.match(line)
        if m is None or (_NUMBERED_RE.match(line) and _unfinished(prev)):
            break
        line = line[m.end() :]
    if (m := _DROPPED_LINE_RE.match(line)) and (m.group("page") is not None or _notice_only(line)):
        return ""
    if "opyright" in line or "OPYRIGHT" in line:
        line = _INLINE_NOTICE_RE.sub(_inline_notice, line)
    return line


# A copyright notice after other words on a line ("... LICENSE AGREEMENT, Copyright (c)
# Alibaba Cloud. All Rights Reserved."), to the end of its sentence: where a re-wrap
# starts a line with it, the whole line is dropped as a notice; here, the same words go.
_INLINE_NOTICE_RE = re.compile(
    r"(?<=[,;.]\s)\s*copyright\s*(?:\(c\)|\u00a9)[^.;]{0,120}(?:\.\s*all rights reserved)?\.?",
    re.I,
)


def _inline_notice(m: re.Match[str]) -> str:
    return " " if _notice_only(m.group()) else m.group()


def _notice_only(line: str) -> bool:
    """A copyright notice and nothing more: a line that also grants, withholds or conditions
    anything ("Copyright 2024 Acme. Non-commercial use only.") is kept and compared, and so
    is one a re-wrap ended with the first word of the next sentence ("... <name of author>
    This / program comes with ABSOLUTELY NO WARRANTY")."""
    low = line.lower()
    words = _ASCII_TOKEN_RE.findall(low) if line.isascii() else _TOKEN_RE.findall(low)
    if words and words[-1] in _STARTS:
        return False
    return variable.notice(["copyright", *words])


# Words that begin a sentence and end no holder's name.
_STARTS = frozenset("this the a an you if it we these those permission everyone no".split())  # noqa: SIM905


def _unwrap_markup(text: str) -> str:
    """Delete HTML tags and Markdown link targets even where they span lines, keeping
    the line breaks (so line numbers stay those of the input)."""

    def keep_breaks(m: re.Match[str]) -> str:
        return " " + "\n" * m.group(0).count("\n")

    def link_text(m: re.Match[str]) -> str:
        return m.group(1) + "\n" * m.group(2).count("\n")

    text = _WRAPPED_TAG_RE.sub(keep_breaks, text)
    return _WRAPPED_LINK_RE.sub(link_text, text)


@dataclass
class Tokens:
    """Normalised word tokens of one text, each with its 1-based input line, and the
    sentence structure (token index ranges) used to align a text with a reference."""

    words: list[str] = field(default_factory=list)
    lines: list[int] = field(default_factory=list)
    sentences: list[tuple[int, int]] = field(default_factory=list)  # [start, end) token ranges
    line_count: int = 0
    # token indexes where a sentence ended at a full stop (not at a blank line or a
    # heading): a title or a heading has none
    stops: set[int] = field(default_factory=set)


_RUNS_ON_RE = re.compile(r"(?:[,&\d]|\b(?:and|of|by|for|the|inc))\s*$", re.I)


def _notice_room(prev: str) -> int:
    """Words a line may have and still continue a copyright notice: a few (a holder's
    name), or a whole line when the notice visibly runs on ("..., / University of X",
    "Inc., 51 / Franklin Street ...")."""
    return 20 if _RUNS_ON_RE.search(prev) else 6


_BARE_NUMBER_RE = re.compile(r"^\s*\d{1,4}\s*$")


def _wrapped_number(raw: str, prev: str) -> bool:
    """A lone number continuing an unfinished line is part of the sentence (a page number
    stands apart: after a blank line or a finished sentence)."""
    tail = prev.rstrip()
    return bool(tail) and tail[-1] not in ".;:!?" and bool(_BARE_NUMBER_RE.match(raw))


def tokenize(text: str) -> Tokens:
    """Split a text into normalised tokens, keeping line numbers and sentence ranges."""
    out = Tokens()
    # A BOM is no character of the text (a line holding only it is blank, not a wrap).
    text = text.removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    if "<" in text or "](" in text:
        text = _unwrap_markup(text)
    raw_lines = text.split("\n")
    out.line_count = len(raw_lines)
    start = 0  # where the current sentence starts
    in_notice = False  # inside a copyright notice that wraps onto further lines
    prev = ""
    for lineno, raw in enumerate(raw_lines, 1):
        if in_notice and _continues_notice(raw, prev):
            in_notice = not _SENT_END_RE.search(raw.rstrip() + " ")
            prev = raw
            continue
        in_notice = False
        line = clean_line(raw, prev)
        if not line.strip():
            if not raw.strip() and len(out.words) > start:  # a paragraph ends a sentence
                out.sentences.append((start, len(out.words)))  # (a heading is not run
                start = len(out.words)  # into the next paragraph)
            if not _wrapped_number(raw, prev):
                in_notice = (
                    bool(raw.strip())
                    and _COPYRIGHT_RE.match(_plain(raw)) is not None
                    and not _SENT_END_RE.search(raw.rstrip() + " ")
                )
                prev = raw
                continue
            line = raw.strip()  # "... dated August 22," / "2022": a wrap, not a page number
        heading = not prev.strip() and _heading(line)
        prev = raw
        start = _add_line(out, line.lower(), lineno, start, heading)
    if len(out.words) > start:
        out.sentences.append((start, len(out.words)))
    _canonical(out, text)
    return out


def _continues_notice(raw: str, prev: str) -> bool:
    """A line that carries on a copyright notice: short, a holder's words only."""
    return bool(raw.strip()) and len(raw.split()) <= _notice_room(prev) and _notice_only(raw)


def _add_line(out: Tokens, line: str, lineno: int, start: int, heading: bool) -> int:
    """Add one cleaned, lower-cased line's words and sentence ends; the current sentence's
    start after it."""
    words = out.words
    if line.isascii():
        words_in, parts = _ASCII_TOKEN_RE.findall, _ASCII_SPLIT_RE.split(line)
    else:
        words_in, parts = _TOKEN_RE.findall, _SPLIT_RE.split(line)
    last = len(parts) - 1  # pieces at even indexes, the sentence ends between them
    for i in range(0, last + 1, 2):
        piece = parts[i]
        # a numbering marker at a true sentence start, wherever the line breaks fall
        if len(words) == start and (m := _PIECE_MARKER_RE.match(piece)):
            piece = piece[m.end() :]
        if found := words_in(piece):
            words.extend(found)
            out.lines.extend([lineno] * len(found))
        if (i < last or heading) and len(words) > start:
            out.sentences.append((start, len(words)))
            start = len(words)
            if i < last and ":" not in parts[i + 1] and "\uff1a" not in parts[i + 1]:
                out.stops.add(start)  # a full stop, not a colon (a heading, a lead-in)
    return start


def _canonical(out: Tokens, text: str) -> None:
    """Word-level normalisation: postal addresses out, one spelling, one name of the LGPL."""
    words = out.words
    if variable.has_street(words) and _ZIP_RE.search(text):
        _drop(out, variable.address_spans(words))
    if "ibrary" in text:
        _renamed_lgpl(words)
    if not _RESPELT.isdisjoint(words):  # (one pass at C speed; rarely true)
        words[:] = [_SPELLING.get(w, w) for w in words]


_ZIP_RE = re.compile(r"\d{5}")  # (a ZIP code: cheap tests before the word-level one)
_UNFINISHED_END = frozenset(",-)]_")


def _unfinished(prev: str) -> bool:
    """Does the previous line end inside a sentence (a word, a comma, a parenthesis)?"""
    tail = prev.rstrip()[-1:]
    return bool(tail) and (tail.isalnum() or tail in _UNFINISHED_END)


def _heading(line: str) -> bool:
    """A short capitalised heading after a blank line ("GNU GENERAL PUBLIC LICENSE"): it
    ends a sentence even when the next line follows without a blank line."""
    if not line.isupper() or len(line.split()) > 6:
        return False
    return variable.titleish(_ASCII_TOKEN_RE.findall(line.lower()))


_LIBRARY_GPL = ["gnu", "library", "general", "public", "license"]


def _renamed_lgpl(words: list[str]) -> None:
    """The FSF renamed the "GNU Library General Public License" the "GNU Lesser General
    Public License" and reprinted its licenses with the new name: one name, not a change."""
    for i, w in enumerate(words):
        if w == "library" and words[i - 1 : i + 4] == _LIBRARY_GPL:
            words[i] = "lesser"


def _drop(out: Tokens, spans: list[tuple[int, int]]) -> None:
    """Remove token ranges (postal addresses), keeping lines and sentences aligned."""
    if not spans:
        return
    gone = [False] * len(out.words)
    for a, b in spans:
        gone[a:b] = [True] * (b - a)
    new_index = []
    kept = 0
    for g in gone:
        new_index.append(kept)
        kept += not g
    new_index.append(kept)
    out.words[:] = [w for w, g in zip(out.words, gone, strict=True) if not g]
    out.lines[:] = [n for n, g in zip(out.lines, gone, strict=True) if not g]
    sentences = [(new_index[s], new_index[e]) for s, e in out.sentences]
    out.sentences[:] = [(s, e) for s, e in sentences if e > s]
    out.stops = {new_index[e] for e in out.stops}


def cjk_share(words: list[str]) -> float:
    """Fraction of tokens that are CJK characters (a translation, not the English text)."""
    if not words:
        return 0.0
    return sum(1 for w in words if len(w) == 1 and _CJK_RE.match(w)) / len(words)
