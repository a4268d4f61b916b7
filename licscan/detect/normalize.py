"""License text normalisation: bytes -> text -> word tokens with line numbers.

The same function prepares reference texts (at fingerprint build time) and the
texts we are asked to identify, so whatever it strips (markup, wraps, list
numbering, page numbers, copyright lines, case, quote styles) cannot make two
copies of one license look different.  Line numbers of the input are kept for
every token so differences and evidence can point back at the original lines.
"""

from __future__ import annotations

import codecs
import html
import re
from dataclasses import dataclass, field

from licscan.detect.fastre import compile_fast

MAX_TEXT_BYTES = 1_000_000  # a license is a few dozen KB; beyond this it is not one

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
_TAG_RE = re.compile(r"<[^<>]{0,400}>")
# Markup that a re-wrap may have broken across lines (tags, Markdown links).
_WRAPPED_TAG_RE = re.compile(r"<[a-zA-Z/!][^<>]{0,400}>")
_WRAPPED_LINK_RE = re.compile(r"\[([^\[\]]{0,400})\]\(([^()\s]{0,400})\)")
_MD_LINK_RE = re.compile(r"!?\[([^\]]{0,400})\]\([^)\s]{0,400}\)")
_URL_SCHEME_RE = re.compile(r"\b(?:https?://|www\.)", re.I)
# List markers at the start of a line: bullets, "1.", "1.2.3", "(a)", "a)", "iv." ...
_MARKER_RE = re.compile(
    r"^\s*(?:[-*+_\u2022\u00b7\u25aa\u25e6>#|]+|\(?\d{1,3}(?:\.\d{1,3})*[.)]|\(?[a-z][.)]"
    r"|\([a-z]{1,2}\)|\(?[ivxlc]{1,6}[.)])(?=[\s*_])",
    re.I,
)
# A numbering marker at the start of a sentence piece, wherever rewrapping put it.
_PIECE_MARKER_RE = re.compile(
    r"^\s*(?:(?:\(?(?:\d{1,3}|[a-z]|[ivxlc]{1,6})\)|(?:\d{1,3}|[a-z]|[ivxlc]{1,6})\.?"
    r"|\d{1,3}(?:\.\d{1,3})+\.?)(?:\s+|$))+",
)
_PAGE = r"\s*(?:-\s*)?(?:page\s+)?\d{1,4}(?:\s*(?:of|/)\s*\d{1,4})?(?:\s*-)?\s*$"
_COPYRIGHT = (
    r"[\s*_#>|-]*(?:copyright\s*(?:\(c\)|\u00a9|\d{4})|\(c\)\s*\d{4}|\u00a9\s*\d{4}"
    r"|all rights reserved\.?\s*$)"
)
_COPYRIGHT_RE = re.compile(_COPYRIGHT, re.I)
_DROPPED_LINE_RE = re.compile(f"(?:{_PAGE})|(?:{_COPYRIGHT})", re.I)  # page number, notice
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


class TextError(ValueError):
    """The input is not a license text we can read (binary, too large)."""


def decode(data: bytes) -> str:
    """Decode license bytes of any common encoding; raise TextError for binary data."""
    if len(data) > MAX_TEXT_BYTES:
        raise TextError(f"too large for a license text ({len(data)} bytes > {MAX_TEXT_BYTES})")
    for bom, enc in (
        (codecs.BOM_UTF32_LE, "utf-32"),
        (codecs.BOM_UTF32_BE, "utf-32"),
        (codecs.BOM_UTF8, "utf-8-sig"),
        (codecs.BOM_UTF16_LE, "utf-16"),
        (codecs.BOM_UTF16_BE, "utf-16"),
    ):
        if data.startswith(bom):
            try:
                return data.decode(enc)
            except UnicodeDecodeError as exc:
                raise TextError(f"not valid {enc} text: {exc.reason}") from None
    sample = data[:4096]
    if sample and sample.count(0) * 4 > len(sample):  # BOM-less UTF-16?
        for enc in ("utf-16-le", "utf-16-be"):
            try:
                text = data.decode(enc)
            except UnicodeDecodeError:
                continue
            if _looks_textual(text):
                return text
        raise TextError("binary data (NUL bytes), not a license text")
    if b"\x00" in sample:
        raise TextError("binary data (NUL bytes), not a license text")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        text = data.decode("cp1252", errors="replace")
    if not _looks_textual(text):
        raise TextError("binary data, not a license text")
    return text


def _looks_textual(text: str) -> bool:
    sample = text[:4096]
    if not sample:
        return True
    bad = sum(1 for ch in sample if (ord(ch) < 32 and ch not in "\t\n\r\f\v") or ch == "\ufffd")
    return bad * 20 < len(sample)


def clean_line(line: str) -> str:
    """One line without markup, list markers, URL schemes and typographic variants."""
    line = _plain(line)
    if "&" in line:
        line = _plain(html.unescape(line))
    if "<" in line:
        line = _TAG_RE.sub(" ", line)
    if "](" in line:
        line = _MD_LINK_RE.sub(r"\1", line)
    if "://" in line or "w." in line or "W." in line:  # cheap test before the regex
        line = _URL_SCHEME_RE.sub(" ", line)
    for _ in range(3):  # "1. (a) - text": strip nested markers
        m = _MARKER_RE.match(line)  # never empty: each marker form has a character
        if m is None:
            break
        line = line[m.end() :]
    if _DROPPED_LINE_RE.match(line):
        return ""
    return line


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


_RUNS_ON_RE = re.compile(r"(?:[,&]|\b(?:and|of|by|for|the))\s*$", re.I)


def _notice_room(prev: str) -> int:
    """Words a line may have and still continue a copyright notice: a few (a holder's
    name), or a whole line when the notice visibly runs on ("..., / University of X")."""
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
    words, lines, sentences = out.words, out.lines, out.sentences
    start = 0
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if "<" in text or "](" in text:
        text = _unwrap_markup(text)
    raw_lines = text.split("\n")
    out.line_count = len(raw_lines)
    in_notice = False  # inside a copyright notice that wraps onto further lines
    prev = ""
    for lineno, raw in enumerate(raw_lines, 1):
        if in_notice and raw.strip() and len(raw.split()) <= _notice_room(prev):
            in_notice = not _SENT_END_RE.search(raw.rstrip() + " ")
            prev = raw
            continue
        in_notice = False
        line = clean_line(raw)
        if not line.strip():
            if _wrapped_number(raw, prev):
                line = raw.strip()  # "... dated August 22," / "2022": a wrap, not a page number
            else:
                in_notice = (
                    bool(raw.strip())
                    and _COPYRIGHT_RE.match(_plain(raw)) is not None
                    and not _SENT_END_RE.search(raw.rstrip() + " ")
                )
                prev = raw
                continue
        prev = raw
        line = line.lower()
        if line.isascii():
            words_in, pieces = _ASCII_TOKEN_RE.findall, _ASCII_SENT_END_RE.split(line)
        else:
            words_in, pieces = _TOKEN_RE.findall, _SENT_END_RE.split(line)
        last = len(pieces) - 1
        for i, piece in enumerate(pieces):
            # a numbering marker at a true sentence start, wherever the line breaks fall
            if len(words) == start and (m := _PIECE_MARKER_RE.match(piece)):
                piece = piece[m.end() :]
            found = words_in(piece)
            if found:
                words.extend(found)
                lines.extend([lineno] * len(found))
            if i < last and len(words) > start:
                sentences.append((start, len(words)))
                start = len(words)
    if len(words) > start:
        sentences.append((start, len(words)))
    if not _RESPELT.isdisjoint(words):  # (one pass at C speed; rarely true)
        words[:] = [_SPELLING.get(w, w) for w in words]
    return out


def cjk_share(words: list[str]) -> float:
    """Fraction of tokens that are CJK characters (a translation, not the English text)."""
    if not words:
        return 0.0
    return sum(1 for w in words if len(w) == 1 and _CJK_RE.match(w)) / len(words)
