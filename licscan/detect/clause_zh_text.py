"""Chinese sentences for the Chinese detectors (clause_zh): hard wraps removed, roles read.

A Chinese text wrapped by a PDF extractor or an editor breaks lines anywhere, inside a
word ("商\\n业"), so each segment with Han characters is read as a `View`: its text with
the line breaks inside Chinese removed, and where each character came from (a hit maps
back to the segment, hence to the original lines).  The roles a sentence plays are read
here: a prohibition cue (`NEG`), a definition, an exemption or carve-out, a list item
under a prohibitive lead-in.  Chinese and Arabic numerals with 万 / 亿 scales become
integers.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

import ahocorasick

from licscan.detect.clause_rules import Hit, Rule, rule
from licscan.detect.clause_text import Document, Segment
from licscan.detect.fastre import compile_fast

HAN = compile_fast(r"[\u3400-\u9fff]")
_WRAP = re.compile(r"\s*\n\s*")


@lru_cache(maxsize=8192)
def _joined(text: str) -> tuple[str, tuple[int, ...] | None]:
    """`text` without the line breaks next to a Han character (a space stays where Latin
    letters meet one), and the offset in `text` of each character kept (None: unchanged)."""
    parts: list[str] = []
    pos: list[int] = []
    last = 0
    for m in _WRAP.finditer(text):
        a, b = m.span()
        if a == 0 or b == len(text) or not (HAN.match(text[a - 1]) or HAN.match(text[b])):
            continue
        parts.append(text[last:a])
        pos.extend(range(last, a))
        if (text[a - 1].isascii() and text[a - 1].isalpha()) or (
            text[b].isascii() and text[b].isalpha()
        ):
            parts.append(" ")
            pos.append(a)
        last = b
    if not parts:
        return text, None
    parts.append(text[last:])
    pos.extend(range(last, len(text)))
    return "".join(parts), tuple(pos)


_KEYS: set[str] = set()  # the keys of every Chinese rule, found in one pass per segment
_automaton: list[ahocorasick.Automaton] = []


def zh_rule(keys: tuple[str, ...], pattern: str) -> Rule:
    """A Chinese detector's Rule (its keys join the one-pass key search of `views`)."""
    _KEYS.update(keys)
    _automaton.clear()
    return rule(keys, pattern)


def _keys_in(low: str) -> frozenset[str]:
    if not _automaton:
        auto = ahocorasick.Automaton()
        for key in _KEYS:
            auto.add_word(key, key)
        auto.make_automaton()
        _automaton.append(auto)
    return frozenset(key for _, key in _automaton[0].iter(low)) if _KEYS else frozenset()


@dataclass(slots=True)
class View:
    """A segment as the Chinese detectors read it (see the module docstring)."""

    seg: Segment
    text: str
    pos: tuple[int, ...] | None
    keys: frozenset[str]  # the rule keys the text holds
    definition: bool = False  # '"商业用途"：指…' (see is_definition)

    def find(self, rule: Rule) -> list[re.Match[str]]:
        """Every match of `rule` (none unless one of its keys is present)."""
        if self.keys.isdisjoint(rule.keys):
            return []
        return list(rule.rx.finditer(self.text))

    def hit(self, flag: str, m: re.Match[str], value: str | None = None, note: str = "") -> Hit:
        a, b = m.start(), m.end() - 1
        if self.pos is not None:
            a, b = self.pos[a], self.pos[b]
        return Hit(flag, self.seg, self.seg.start + a, self.seg.start + b + 1, value, note)


def views(doc: Document) -> list[View]:
    """The segments holding Chinese, as Views (none for a text without Han characters)."""
    if doc.text.isascii() or not HAN.search(doc.text):
        return []
    out = []
    for seg in doc.segments:
        if seg.is_heading or not HAN.search(seg.text):
            continue
        text, pos = _joined(seg.text)
        definition = bool(_DEFINITION.match(text.strip()))
        out.append(View(seg, text, pos, _keys_in(text.lower()), definition))
    return out


# --- sentence roles -----------------------------------------------------------------------

# A prohibition: "不得", "禁止" (not "不禁止"), "无权", "请勿"; "不可" but not "不可撤销".
NEG = (
    r"(?:不得|不能|不允许|不准|不会|不应|无权|请勿|切勿|不作|(?<!不)(?:禁止|严禁)"
    r"|不可(?!撤销|转让|再许可|再授权|分割|抗力|执行)以?)"
)
NEG_RE = compile_fast(NEG)
# '"商业用途"：指…', '模型衍生品：是指…', '"您"(或"您的")是指…': a term and its meaning (a
# bold label before a colon, "**非商业化**：使用者不可…", is a clause, not a definition).
_DEFINITION = compile_fast(
    r'^\W{0,3}(?:\d{1,3}(?:\.\d{1,3})*\s*)?(?:"[^"]{1,30}"(?:\s*\([^)]{0,30}\))?\s*(?::|是指|系指|意指)'
    r'|[^\s,:;。"(]{1,12}\s*(?::\s*)?(?:是指|系指|意指|指))'
)
TERM = compile_fast(r'^\W{0,3}(?:\d{1,3}(?:\.\d{1,3})*\s*)?"?([^\s,:;。"(]{1,30})')
_EXEMPT_AFTER = compile_fast(r"^[^。;,]{0,40}?(?:不受[^。;]{0,20}?(?:限制|约束)|不在此限|豁免)")
_EXEMPT_BEFORE = compile_fast(r"(?:不适用于|不受限于|豁免|例外情形?为?)[^。;]{0,60}$")
_EXCEPT_END = compile_fast(r"(?:除外|以外|之外|例外)\s*$")
_CLAUSE_STOP = ",;:。!?\uff01\uff1f"
_SENTENCE_STOP = ";。!?\uff01\uff1f"


def is_definition(view: View) -> bool:
    return view.definition


def span_of(text: str, start: int, end: int, stops: str = _SENTENCE_STOP) -> tuple[int, int]:
    """The sentence (or, with `_CLAUSE_STOP`, the clause) around [start, end)."""
    a = max(text.rfind(c, 0, start) for c in stops) + 1
    cuts = [i for c in stops if (i := text.find(c, end)) >= 0]
    return a, min(cuts, default=len(text))


def exempted(text: str, start: int, end: int) -> bool:
    """Are the words at [start, end) the object of an exemption or carve-out: inside
    '（…除外）', inside '除…外', after '不适用于', before '不受…限制'?"""
    open_at, close_at = text.rfind("(", 0, start), text.find(")", end)
    if (
        open_at >= 0
        and close_at >= 0
        and ")" not in text[open_at:start]
        and "(" not in text[end:close_at]
        and _EXCEPT_END.search(text[open_at + 1 : close_at])
    ):
        return True
    a, b = span_of(text, start, end, _CLAUSE_STOP)
    head, tail = text[a:start], text[end:b].rstrip()
    pos = head.rfind("除")
    # "除…外" around the words ("除非" is "unless", but "除非商业用途外" is 除 + 非商业用途 + 外)
    if pos >= 0 and tail.endswith("外") and head[pos + 1 : pos + 2] != "非":
        return True
    if _EXEMPT_BEFORE.search(text[max(0, start - 80) : start]):
        return True
    return bool(_EXEMPT_AFTER.search(text[end:]))


def negated(text: str, start: int, window: int = 40) -> bool:
    """Is a prohibition in the sentence of `start`, at most `window` characters before?"""
    a = max(text.rfind(c, 0, start) for c in _SENTENCE_STOP) + 1
    return NEG_RE.search(text, max(a, start - window), start) is not None


_SECTION_MARKER = re.compile(r"\d{1,3}\.\d{1,3}\.?|第.{1,4}[条章节]")


def governed(doc: Document, view: View) -> bool:
    """A list item under a prohibitive lead-in ("您不得将本模型用于以下用途："): the item
    starts its line with a sub-item marker ("（一）", "1)", "a)", or "3.9.1" under "3.9")."""
    if not view.seg.lead or not NEG_RE.search(_joined(view.seg.lead)[0]):
        return False
    marker = doc.marker_of(view.seg)
    return marker is not None and not _SECTION_MARKER.fullmatch(marker)


# --- numbers -------------------------------------------------------------------------------

DIGITS = "零〇一二两三四五六七八九十百千万亿"
NUM = (
    r"(?:(?P<num>\d{1,3}(?:,\d{3})+(?!\d)|\d+(?:\.\d+)?)\s*(?P<scale>千万|百万|十万|万|亿|千)?"
    r"|(?P<zh>[一二两三四五六七八九十][零〇一二两三四五六七八九十百千万亿]*))"
)
_ZH_DIGIT = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6,
             "七": 7, "八": 8, "九": 9}  # fmt: skip
_ZH_UNIT = {"十": 10, "百": 100, "千": 1000}
_SCALE = {"千万": 10**7, "百万": 10**6, "十万": 10**5, "万": 10**4, "亿": 10**8, "千": 10**3}


def number_of(m: re.Match[str]) -> int | None:
    """The integer a `NUM` match writes: '1亿' -> 100000000, '五千万' -> 50000000,
    '1.5万' -> 15000, '100,000' -> 100000."""
    if m.group("zh"):
        return zh_integer(m.group("zh"))
    value = float(m.group("num").replace(",", ""))
    return round(value * _SCALE.get(m.group("scale") or "", 1))


def zh_integer(text: str) -> int | None:
    """An integer in Chinese numerals ('三千五百', '一亿二千万', '十万'); None if not one."""
    yi = wan = section = digit = 0
    for ch in text:
        if ch in _ZH_DIGIT:
            digit = _ZH_DIGIT[ch]
        elif ch in _ZH_UNIT:
            section += (digit or 1) * _ZH_UNIT[ch]
            digit = 0
        elif ch == "万":
            wan = (section + digit or 1) * 10**4
            section = digit = 0
        elif ch == "亿":
            yi = (wan + section + digit or 1) * 10**8
            wan = section = digit = 0
        else:
            return None
    return yi + wan + section + digit
