"""A license text prepared for clause detection: clean sentences that map back to lines.

Markup (Markdown emphasis, HTML tags, list markers, links) is *deleted* from each line and
typographic variants (smart quotes, dashes, odd spaces) are replaced one character for one,
so any offset in the cleaned text maps back to an exact offset in the original: quotes are
cut from the original text and their line numbers are the original ones.  Lines are joined
(hard wraps disappear) and split again into segments: sentences, clauses ended by ';' or a
lead-in ':', list items and headings.  A list item remembers the lead-in that governs it
("You agree not to use the Model:"), since the item alone ("- For military use") carries
no verb.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass, field
from itertools import accumulate, pairwise

import ahocorasick

from licscan.model import Evidence

MAX_QUOTE = 300  # characters of cleaned text in an evidence quote

# One-for-one replacements: the cleaned line keeps the original's length.
_SAME_LENGTH: tuple[tuple[str, str], ...] = (
    ("\u2018", "'"), ("\u2019", "'"), ("\u201a", "'"), ("\u201b", "'"), ("\u2032", "'"),
    ("\u201c", '"'), ("\u201d", '"'), ("\u201e", '"'), ("\u00ab", '"'), ("\u00bb", '"'),
    ("\u2010", "-"), ("\u2011", "-"), ("\u2012", "-"), ("\u2013", "-"), ("\u2014", "-"),
    ("\u2212", "-"), ("\u00a0", " "), ("\u2009", " "), ("\u202f", " "), ("\u3000", " "),
    ("\ufeff", " "), ("\u200b", " "), ("\u00ad", " "), ("\t", " "), ("\uff08", "("),
    ("\uff09", ")"), ("\uff0c", ","), ("\uff1a", ":"), ("\uff1b", ";"), ("\uff0e", "."),
    ("\u300c", '"'), ("\u300d", '"'), ("\u300e", '"'), ("\u300f", '"'),  # 「」『』: quotes
)  # fmt: skip

# Chinese section numbers: "第三条", "一、", "（二）" (fullwidth brackets are "(" ")" here).
_CJK_SECTION = (
    r"(?:第[一二三四五六七八九十百零〇\d]{1,4}[条條章节節]|[一二三四五六七八九十]{1,3}[、.]"
    r"|\([一二三四五六七八九十]{1,3}\))"
)
_CJK_SECTION_RE = re.compile(_CJK_SECTION)
_CJK_TITLE_RE = re.compile(r"[^。;:,.!?\uff01\uff1f\n]{1,20}[ \t]*(?:\n|$)")
_HAN_RE = re.compile(r"[\u3400-\u9fff]")
# A list marker, bullet or heading mark at the start of a line ("1.2.", "(a)", "iv.", "-",
# "**", "#"), any number of them, with the spaces after them.
_LEAD_RE = (
    r"^[ \t\u00a0\u3000\ufeff]*(?:(?:[#>|]+|\*{1,3}|_{2,3}|<[a-zA-Z/!][^<>\n]{0,300}>)[ \t]*)*"
    r"(?:(?:[-*+\u2022\u00b7\u25aa\u25e6\u2023\u25cf\u25cb\u2013\u2014]"
    r"|\(?\d{1,3}(?:\.\d{1,3})*[.)]|\(\d{1,3}\)|\([a-zA-Z]{1,5}\)|[a-zA-Z]\)"
    r"|[a-zA-Z]\.(?![a-zA-Z]\.)|[ivxlcIVXLC]{1,6}[.)])(?:\*{1,3}|_{2,3})?[ \t]+)*"
    # Chinese numbering, often with no space before the text: "第三条", "一、", "（二）",
    # "1、", "c）", "2.4 " (only before a Han character: English "1.1 Term" stays as it is)
    r"(?:(?:" + _CJK_SECTION + r"|\(?[\d一二三四五六七八九十]{1,3}[)、.]|[a-z]\)"
    r"|\d{1,3}(?:\.\d{1,3})+\.?)[ \t\u3000]*(?=[\u3400-\u9fff]))?"
)
_MARKER_ML_RE = re.compile(_LEAD_RE, re.M)
_LONE_CR_RE = re.compile(r"\r(?!\n)")
_BLANK_LINE_RE = re.compile(r"^[ \t]*$", re.M)
_CAPS_LINE_RE = re.compile(r"[^\na-z]{4,90}")  # a line without lower-case ASCII
_TAG_RE = re.compile(r"<[^<>\n]{0,300}>")
_BULLETS = frozenset("-*+\u2022\u00b7\u25aa\u25e6\u2023\u25cf\u25cb\u2013\u2014")
# Markup to delete, matched at the positions of its first characters (a charset scan is
# far faster than trying a long alternation at every position of the text).
_MARKUP_START_RE = re.compile(r"[<\]&\\*_`\[\r]")
_MARKUP_AT_RE = re.compile(
    r"<[a-zA-Z/!][^<>\n]{0,300}>"  # HTML tags
    r"|\]\([^)\s]{1,400}\)"  # the link part of a Markdown link
    r"|&(?:[a-zA-Z]{2,8}|#\d{2,6});"  # HTML entities
    r"|\\(?=[\\`*_{}\[\]()#+\-.!])"  # Markdown escapes
    r"|\*+|_+|`+|[\[\]]"  # emphasis, code, brackets
    r"|\r(?=\n)"  # the CR of CRLF
)
_ASCII_LETTERS_RE = re.compile(r"[A-Z]")
# Candidate sentence ends: . ! ? ; before a capital/digit/opening mark, ':' at a line end,
# CJK full stops, and ';' (a fullwidth one, made ASCII above) before Chinese text.  (A
# pattern that starts with a character set is scanned for at C speed; the lookbehinds then
# tell which mark was found.)
_BOUNDARY_RE = re.compile(
    r"[.!?;:\u3002\uff01\uff1f\uff1b](?:(?<=[.!?;])[\"')\]]*(?=\s+[\"'(\[]?[A-Z0-9(])"
    r"|(?<=:)(?=[ \t]*\n)|(?<=[\u3002\uff01\uff1f\uff1b])|(?<=;)(?=\s*[\u3400-\u9fff])"
    r"|(?<=[:;])(?=[ \t]+[-\u2022][ \t]+\w))"  # a bulleted list run into a paragraph
)
_ABBREV = frozenset(
    {
        "e.g", "i.e", "inc", "ltd", "co", "corp", "no", "nos", "vs", "etc", "u.s", "u.k", "st",
        "sec", "art", "cf", "al", "jr", "sr", "mr", "ms", "dr", "approx", "fig", "p", "pp", "vol",
        "ed", "s.a", "n.v", "l.l.c", "llc", "plc", "gmbh", "b.v", "sa",
    }
)  # fmt: skip
# A full sentence (subject + modal near its start) ends a list; list items are verb phrases.
_SENTENCE_RE = re.compile(
    r"^\W*(?:[\w'-]+\s+){0,6}?(?:you|licensee|licensor|we|they|recipients?|users?)\s+(?:\w+\s+){0,2}?"
    r"(?:shall|may|must|will|agrees?|can|cannot|are|is|grants?)\b",
    re.I,
)
# an enumerator a rewrapped list leaves inline: '(b) "Derivatives" means ...'
_INLINE_ENUM = r"(?:\((?:[a-z]|[ivx]{1,4}|\d{1,2})\)\s*)?"
DEFINED_TERM = re.compile(
    r"^\s*"
    + _INLINE_ENUM
    + r"(?:\d{1,3}(?:\.\d{1,3})+\s+)?[\s\"']*(?:the\s+)?[\"']([^\"']{2,60})[\"']"
)  # '"Term" means'
_DEFINITION_RE = re.compile(
    r"^(?!(?:This|That|It|Which|Such|These|Those|Here|There|Use)\b)(?:[A-Z][\w'-]*\s+){1,5}"
    r"(?:means|shall\s+mean|refers\s+to)\b"
    r"|^"
    + _INLINE_ENUM
    + r"(?:\d{1,3}(?:\.\d{1,3})+\s+)?"  # a section number the list-marker rule left ("1.8")
    r"[\s\"']*(?:the\s+)?(?:term\s+)?[\"'][^\"']{1,80}[\"']"
    r"(?:\s*(?:,|or|and|\(|\))\s*(?:[\"'][^\"']{1,60}[\"']|\w+)?)*\s*"
    r"(?::\s*)?(?:shall\s+)?(?:means?|refers?\s+to|include[sd]?|shall\s+have|has\s+the\s+meaning)\b",
    re.I,
)


# The search keys detectors declare (see `declare_keys`): every document is searched for all of
# them in one Aho-Corasick pass, instead of one scan of the text per key.
_DECLARED: set[str] = set()
_automaton: list[ahocorasick.Automaton] = []  # built on first use, after all declarations


def declare_keys(*declared: str) -> tuple[str, ...]:
    """Declare a detector's search keys for `Document.having` (lower case; a key of
    several words is found word by word, since hard wraps may split it)."""
    for key in declared:
        _DECLARED.update(_units(key))
    _automaton.clear()
    return declared


def _units(key: str) -> list[str]:
    words = key.split()
    return words if len(words) > 1 else [key]


def _declared_automaton() -> ahocorasick.Automaton:
    if not _automaton:
        auto = ahocorasick.Automaton()
        for unit in _DECLARED:
            auto.add_word(unit, unit)
        auto.make_automaton()
        _automaton.append(auto)
    return _automaton[0]


@dataclass(slots=True)  # (dozens are made per text)
class Segment:
    """One sentence, clause, list item or heading of the cleaned text."""

    start: int  # offsets in Document.text
    end: int
    text: str
    low: str  # lower-cased text (keyword prefilter, CJK)
    lead: str = ""  # the lead-in that governs a list item ("You will not use X to:")
    is_heading: bool = False
    _definition: bool | None = None

    @property
    def is_definition(self) -> bool:
        """'"Derivative" means ...', 'Effective Technological Measures means ...'."""
        if self._definition is None:
            self._definition = bool(_DEFINITION_RE.match(self.text.strip()))
        return self._definition


@dataclass
class Document:
    """A text ready for the detectors; see the module docstring."""

    original: str
    text: str  # cleaned text; its lines are the original's lines
    segments: list[Segment] = field(default_factory=list)
    _line_starts: list[int] = field(default_factory=list)  # in `text`
    _del_at: list[int] = field(default_factory=list)  # cleaned offsets of deletions
    _del_shift: list[int] = field(default_factory=list)  # characters deleted up to each
    _items: dict[int, int] = field(default_factory=dict)  # line -> marker kind (1, 2)
    _headings: set[int] = field(default_factory=set)  # heading lines
    _raw_lines: list[str] = field(default_factory=list)  # original lines (for indents)
    _seg_starts: list[int] | None = None
    _low: str | None = None
    _key_cache: dict[str, list[int]] = field(default_factory=dict)  # undeclared keys
    _index: dict[str, list[int]] | None = None  # declared key -> segments holding it

    # --- search ---------------------------------------------------------------------

    def having(self, keys: tuple[str, ...]) -> list[Segment]:
        """Segments whose lower-cased text contains any of `keys`, in text order.

        A substring index (one automaton pass for all declared keys) picks the few
        segments a detector needs to read; its regexes then run on those alone.  A key
        of several words (hard wraps may split it) needs each word in the segment."""
        segs = self.segments
        found: set[int] = set()
        for key in keys:
            words = key.split()
            if len(words) < 2:
                found.update(self._with(key))
            elif _DECLARED.issuperset(words):  # the segments holding every word
                both = set(self._with(words[0]))
                for w in words[1:]:
                    both.intersection_update(self._with(w))
                found |= both
            else:
                longest = max(words, key=len)
                found.update(i for i in self._with(longest) if all(w in segs[i].low for w in words))
        return [segs[i] for i in sorted(found)]

    def next_segment(self, seg: Segment) -> Segment | None:
        """The segment after `seg` (a condition often follows its permission)."""
        i = bisect_right(self._starts(), seg.start)
        return self.segments[i] if i < len(self.segments) else None

    def _with(self, key: str) -> list[int]:
        """Indexes of the segments holding `key`, in text order."""
        if key in _DECLARED:
            return self._declared().get(key, [])
        hit = self._key_cache.get(key)
        if hit is None:
            hit = self._key_cache[key] = self._scan(key)
        return hit

    def _scan(self, key: str) -> list[int]:
        """Segments holding `key`, by searching the text (for a key no detector declared:
        a defined term the text itself introduced)."""
        low, starts, segs = self._low or self.text.lower(), self._starts(), self.segments
        out: list[int] = []
        pos = low.find(key)
        while pos >= 0:
            i = bisect_right(starts, pos) - 1
            if i >= 0:
                out.append(i)
                pos = low.find(key, max(segs[i].end, pos + 1))
            else:
                pos = low.find(key, pos + 1)
        return out

    def _declared(self) -> dict[str, list[int]]:
        """Segments holding each declared key, from one automaton pass per segment (a
        key never spans two: segments are cut at punctuation, line breaks and spaces)."""
        if self._index is not None:
            return self._index
        index: dict[str, list[int]] = {}
        if not _DECLARED:  # (no detector module imported)
            self._index = index
            return index
        found = _declared_automaton().iter
        for i, seg in enumerate(self.segments):
            for unit in {unit for _, unit in found(seg.low)}:
                hits = index.get(unit)
                if hits is None:
                    index[unit] = [i]
                else:
                    hits.append(i)
        self._index = index
        return index

    def _starts(self) -> list[int]:
        if self._seg_starts is None:
            self._seg_starts = [seg.start for seg in self.segments]
        return self._seg_starts

    # --- offsets --------------------------------------------------------------------

    def line_of(self, offset: int) -> int:
        """0-based line index of an offset in the cleaned text."""
        return max(0, bisect_right(self._line_starts, offset) - 1)

    def original_offset(self, offset: int) -> int:
        """Offset in the original text of the character at `offset` in the cleaned text."""
        i = bisect_right(self._del_at, offset)
        return offset + (self._del_shift[i - 1] if i else 0)

    def marker_of(self, seg: Segment) -> str | None:
        """The list marker ("(1)", "3.9.1", "一、") of the line `seg` starts, if it starts an
        item; None for a segment that continues a line or a line with no marker."""
        at = seg.start + len(seg.text) - len(seg.text.lstrip())
        i = self.line_of(at)
        if at != self._line_starts[i] or i not in self._items:
            return None
        m = _MARKER_ML_RE.match(self._raw_lines[i])
        return m.group().strip(" *_#>|\t\u00a0\u3000\r") if m else None

    def indent(self, line: int) -> int:
        raw = self._raw_lines[line]
        return len(raw) - len(raw.lstrip())

    def evidence(self, source: str, start: int, end: int) -> Evidence:
        """Evidence quoting the original text behind cleaned span [start, end)."""
        while start < end and self.text[start].isspace():
            start += 1
        while end > start and self.text[end - 1].isspace():
            end -= 1
        a = self.original_offset(start)
        b = self.original_offset(end - 1) + 1 if end > start else a
        quote = self.original[a:b]
        first = self.line_of(start) + 1
        last = self.line_of(max(start, end - 1)) + 1
        return Evidence.at(source, quote, (first, last))

    def quote_span(self, seg: Segment, at: int, until: int) -> tuple[int, int]:
        """A span of at most MAX_QUOTE cleaned characters of `seg` around [at, until)
        (offsets in the document), cut at clause or word boundaries."""
        if seg.end - seg.start <= MAX_QUOTE:
            return seg.start, seg.end
        text = self.text
        start = max(seg.start, min(at, until - MAX_QUOTE // 3) - MAX_QUOTE // 3)
        if start > seg.start:  # prefer to start at a clause boundary before the match
            cut = max(text.rfind(c, start, at) for c in ",;:")
            start = cut + 1 if cut >= start else text.find(" ", start, at) + 1 or start
        end = min(seg.end, start + MAX_QUOTE)
        if end < seg.end:
            cut = max(text.rfind(c, max(until, start), end) for c in ",;)")
            end = cut + 1 if cut > until else (text.rfind(" ", until, end) if until < end else -1)
            if end <= until:
                end = min(seg.end, max(until, start + MAX_QUOTE))
        return start, end


def prepare(original: str) -> Document:
    """Clean, join and segment a license text (see the module docstring)."""
    same = _same_length(original)
    if "\r" in same:  # a lone CR ends a line like LF; the CR of CRLF is deleted below
        same = _LONE_CR_RE.sub("\n", same)
    doc = Document(original=original, text="")
    doc._raw_lines = same.split("\n")
    line_starts = _starts_of(doc._raw_lines)
    spans: list[tuple[int, int]] = []
    for at in line_starts:  # a marker is within one line: try line starts only
        m = _MARKER_ML_RE.match(same, at)
        if m is None or m.end() == at:
            continue
        spans.append((m.start(), m.end()))
        marker = m.group()
        if "<" in marker:
            marker = _TAG_RE.sub("", marker)
        marker = marker.strip(" *_#>|\u00a0\u3000\r")
        if marker:
            doc._items[bisect_right(line_starts, m.start()) - 1] = 2 if marker[0] in _BULLETS else 1
        if m.group().lstrip(" ")[:1] == "#" or (
            _CJK_SECTION_RE.match(marker) and _CJK_TITLE_RE.match(same, m.end())
        ):  # "# Terms", "第三条 许可范围": a heading
            doc._headings.add(bisect_right(line_starts, m.start()) - 1)
    spans.extend(_markup_spans(same))
    spans.sort()
    parts: list[str] = []
    last = removed = 0
    for a, b in spans:
        if a < last:  # inside a span already deleted (emphasis within a list marker)
            if b <= last:
                continue
            a = last
        parts.append(same[last:a])
        removed += b - a
        doc._del_at.append(a - (removed - (b - a)))
        doc._del_shift.append(removed)
        last = b
    parts.append(same[last:])
    text = doc.text = "".join(parts)
    lines = text.split("\n")
    doc._line_starts = _starts_of(lines)
    _mark_items(doc)
    for i, raw in enumerate(lines):  # (isupper first: most lines are not in capitals)
        if raw.isupper() and _CAPS_LINE_RE.fullmatch(raw):
            line = raw.strip()
            headed = line[-1] not in ".;:," and len(_ASCII_LETTERS_RE.findall(line)) >= 4
            headed = headed and not _HAN_RE.search(line)  # ("API" in a Chinese sentence)
            if headed and not _in_caps_paragraph(lines, i):
                doc._headings.add(i)
    _segment(doc)
    return doc


def _starts_of(lines: list[str]) -> list[int]:
    """Offset of each line in the text the lines were split from (at C speed)."""
    return list(accumulate(map((1).__add__, map(len, lines[:-1])), initial=0))


def _in_caps_paragraph(lines: list[str], i: int) -> bool:
    """A capitals line that runs on into the next capitals line is part of a shouted
    paragraph ("THE SOFTWARE IS INTENDED FOR EVALUATION / PURPOSES ONLY."), not a heading."""
    nxt = lines[i + 1].strip() if i + 1 < len(lines) else ""
    long_run = len(lines[i].strip()) > 60 or len(nxt) > 40
    return bool(nxt) and nxt.isupper() and nxt[:1].isalpha() and long_run


def _markup_spans(text: str) -> list[tuple[int, int]]:
    out: list[tuple[int, int]] = []
    last = 0
    for c in _MARKUP_START_RE.finditer(text):
        pos = c.start()
        if pos < last:
            continue
        m = _MARKUP_AT_RE.match(text, pos)
        if not m:
            continue
        a, b = m.span()
        # snake_case is a word, not emphasis
        if (
            text[a] == "_"
            and a > 0
            and b < len(text)
            and text[a - 1].isalnum()
            and text[b].isalnum()
        ):
            continue
        out.append((a, b))
        last = b
    return out


def _mark_items(doc: Document) -> None:
    """Keep the list markers that start an item: a bullet, or a number after a finished
    line ("(b)" at the start of a hard-wrapped line may just continue the sentence)."""
    text, starts = doc.text, doc._line_starts
    for i, kind in list(doc._items.items()):
        if kind == 2:
            continue
        j = i - 1
        prev = text[starts[j] : starts[j + 1] - 1].rstrip() if j >= 0 else ""
        if prev and prev[-1:] not in ".;:!?)\"'\u3002\uff01\uff1f" and len(prev) >= 50:
            del doc._items[i]


def _same_length(text: str) -> str:
    """Typographic variants replaced one character for one: offsets stay the original's.
    (str.replace per character is much faster than str.translate on non-ASCII text.)"""
    if not text.isascii():
        for old, new in _SAME_LENGTH:
            if old in text:
                text = text.replace(old, new)
    elif "\t" in text:
        text = text.replace("\t", " ")
    return text


def _segment(doc: Document) -> None:
    """Split the cleaned text into segments at blank lines, list items, headings and
    sentence ends; attach lead-ins to the list items that follow them."""
    chunks, heading_spans = _chunks(doc)
    text = doc.text
    low = text.lower()
    if len(low) != len(text):  # a rare character changes length when lower-cased
        low = "".join(c if len(c.lower()) != 1 else c.lower() for c in text)
    doc._low = low
    _attach_leads(doc, chunks, heading_spans, low)


def _chunks(doc: Document) -> tuple[list[tuple[int, int]], set[int]]:
    """The (start, end) of every segment, cut at blank lines (page breaks aside), list
    items, headings and sentence ends; and the starts of the headings."""
    text = doc.text
    starts = doc._line_starts
    cuts: set[int] = {at for at in starts if _BLANK_LINE_RE.match(text, at)}
    if not text.isascii():
        cuts.difference_update(_page_breaks(doc, cuts))
    cuts.update(starts[i] for i in doc._items)
    heading_spans: set[int] = set()
    for i in doc._headings:
        a = starts[i]
        cuts.add(a)
        cuts.add(starts[i + 1] - 1 if i + 1 < len(starts) else len(text))
        heading_spans.add(a)
    for m in _BOUNDARY_RE.finditer(text):
        if m.group()[0] == "." and _is_abbreviation(text, m.start()):
            continue
        cuts.add(m.end())
    bounds = sorted(cuts | {0, len(text)})
    return [(a, b) for a, b in pairwise(bounds) if not text[a:b].isspace()], heading_spans


def _attach_leads(
    doc: Document, chunks: list[tuple[int, int]], heading_spans: set[int], low: str
) -> None:
    """Make the segments, giving each list item the lead-ins that govern it ("You will
    not use it to:" before "(a) ...") and each inline enumeration its opening words."""
    text = doc.text
    items = {doc._line_starts[i] for i in doc._items}
    leads: list[str] = []
    lead_left = lead_indent = 0
    segments = doc.segments
    inline = ""  # lead-in of an enumeration run into one paragraph: "to: (a) ...; (b) ..."
    for k, (a, b) in enumerate(chunks):
        chunk = text[a:b]
        seg = Segment(a, b, chunk, low[a:b], is_heading=a in heading_spans)
        segments.append(seg)
        if "(" in chunk:
            if inline and _INLINE_ITEM_RE.match(chunk) and not seg.lead:
                seg.lead = inline
            elif m := _INLINE_LEAD_RE.search(chunk):
                inline = chunk[: m.start() + 1].strip()
            else:
                inline = ""
        else:
            inline = ""
        if not leads and chunk[-1:] not in ":\n " and not chunk[-1:].isalnum():
            continue  # the common case: an ordinary sentence outside any list
        stripped = chunk.strip()
        item = a in items
        # A full sentence ends the list a lead-in governs, unless it is a sub-item of it.
        if seg.is_heading or (
            leads
            and not (item and (doc.indent(doc.line_of(a)) > lead_indent or stripped.endswith(":")))
            and _SENTENCE_RE.search(stripped)
        ):
            leads, lead_left = [], 0
        if leads and lead_left > 0:
            seg.lead = " ".join(leads)
            lead_left -= 1
        # A lead-in ends with ':' or runs on unpunctuated into a list ("... any third party to").
        runs_on = stripped[-1:].isalnum() and k + 1 < len(chunks) and chunks[k + 1][0] in items
        if (stripped.endswith(":") or runs_on) and not seg.is_heading and _long_lead(stripped):
            if not (leads and (item or not _SENTENCE_RE.search(stripped))):
                leads, lead_indent = [], doc.indent(doc.line_of(a))
            leads = [*leads, stripped]
            lead_left = 60


def _long_lead(line: str) -> bool:
    """Long enough for a lead-in ("You will not use it to:"; a Han character is a word,
    so "使用者不应利用本模型:" is one), or short with a modal ("You may not:"), not a label
    ("Note:", "Grant:")."""
    return len(line) > 12 or len(_HAN_RE.findall(line)) > 5 or bool(_SHORT_LEAD_RE.search(line))


_SHORT_LEAD_RE = re.compile(r"\b(?:may|must|shall|will|can|cannot|agree)\b", re.I)
# An enumeration inside a paragraph: a lead-in ending in ':' and its items "(a)", "(b)" ...
_INLINE_LEAD_RE = re.compile(r":[ \t\n]*\((?:a|i|1)\)\s")
_INLINE_ITEM_RE = re.compile(r"^\s*\((?:[a-z]|[ivx]{1,4}|\d{1,2})\)\s")


def _page_breaks(doc: Document, blanks: set[int]) -> list[int]:
    """Blank lines inside a Chinese sentence (a PDF page break: the line before ends with a
    Han character or a comma, the next starts with a Han character) are no paragraph break
    - unless the line before is a short heading: an item ("3.限制") or a line on its own."""
    text, starts = doc.text, doc._line_starts
    out = []
    for at in blanks:
        i = at - 1
        while i >= 0 and text[i] in " \t\n":
            i -= 1
        j = at
        while j < len(text) and text[j] in " \t\n":
            j += 1
        if i < 0 or j >= len(text) or not _HAN_RE.match(text[j]):
            continue
        if not (_HAN_RE.match(text[i]) or text[i] in ",\u3001"):
            continue
        line = bisect_right(starts, i) - 1
        alone = line == 0 or not text[starts[line - 1] : starts[line]].strip()
        if i - starts[line] < 20 and (alone or line in doc._items):
            continue
        out.append(at)
    return out


def _is_abbreviation(text: str, dot: int) -> bool:
    j = dot
    while j > 0 and (text[j - 1].isalpha() or text[j - 1] == "."):
        j -= 1
    word = text[j:dot].lower()
    return word in _ABBREV or (len(word) == 1 and word.isalpha())
