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


@lru_cache(maxsize=1)
def _t2s() -> tuple[dict[int, str], re.Pattern[str]]:
    """Traditional -> simplified Chinese, one character for one (so offsets hold), from
    OpenCC's t2s conversion of each character of the CJK blocks taken alone; and a pattern
    finding any of those characters (~40 ms, once, on the first Chinese text)."""
    import opencc  # (imported on the first Chinese text only)

    chars = [chr(i) for i in range(0x3400, 0xA000)]
    out = opencc.OpenCC("t2s").convert("\n".join(chars)).split("\n")
    pairs = {a: b for a, b in zip(chars, out, strict=True) if a != b and len(b) == 1}
    return str.maketrans(pairs), re.compile("[" + "".join(pairs) + "]")


def simplified(text: str) -> str:
    """`text` in simplified characters (traditional ones replaced, one for one)."""
    return text.translate(_t2s()[0])


def is_traditional(text: str) -> bool:
    """Does `text` hold traditional characters (one regex scan, ~3 µs per KB)?"""
    return _t2s()[1].search(text) is not None


@dataclass(slots=True)
class View:
    """A segment as the Chinese detectors read it (see the module docstring)."""

    seg: Segment
    text: str
    pos: tuple[int, ...] | None
    keys: frozenset[str]  # the rule keys the text holds
    definition: bool = False  # '"商业用途"：指…' (see is_definition)
    title: str = ""  # the last short title line before it ("附件一 使用限制")
    inline_lead: str = ""  # the lead-in of an item run into one paragraph ("…：a) …； b) …")

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


_last: list[tuple[Document, list[View]]] = []  # the detectors and has_grant read one doc


def views(doc: Document) -> list[View]:
    """The segments holding Chinese, as Views (none for a text without Han characters).
    Traditional characters are read as simplified ones (授權 as 授权, 非商業 as 非商业)."""
    if doc.text.isascii() or not HAN.search(doc.text):
        return []
    last = _last[:1]
    if last and last[0][0] is doc:
        return last[0][1]
    out = _views(doc)
    _last[:] = [(doc, out)]
    return out


def _views(doc: Document) -> list[View]:
    out = []
    title = lead = ""
    traditional = is_traditional(doc.text)
    for seg in doc.segments:
        if not HAN.search(seg.text):
            continue
        text, pos = _joined(seg.text)
        if traditional:
            text = simplified(text)
        if _is_title(doc, seg, text):
            title = text.strip()
        if seg.is_heading:
            continue
        definition = bool(_DEFINITION.match(text.strip()))
        item = lead if INLINE_ITEM.match(text) and doc.marker_of(seg) is None else ""
        out.append(View(seg, text, pos, _keys_in(text.lower()), definition, title, item))
        starts = INLINE_LEAD.match(text)
        lead = starts.group(1) if starts else item
    return out


# A list run into one paragraph (a re-wrap joined its lines): "…不应利用本模型： a) …； b) …"
INLINE_MARK = (
    r"(?:\(?[a-z]\)|\([一二三四五六七八九十\d]{1,3}\)|[一二三四五六七八九十]{1,3}、|\d{1,2}[)、])"
)
INLINE_ITEM = re.compile(r"\s*" + INLINE_MARK)
INLINE_LEAD = re.compile(r"\s*([^:;。]{4,80}):\s*" + INLINE_MARK)


_TITLE_MARKER = re.compile(
    r"第.{1,4}[条條章节節部分]|[一二三四五六七八九十]{1,3}[、.]|\d{1,3}(?:\.\d{1,3})*\.?"
)


def _is_title(doc: Document, seg: Segment, text: str) -> bool:
    """A short line with no sentence punctuation, not an item of a list ("附件一 使用限制",
    "三、禁止行为", "第四条 使用限制"; not "（一）从事网络攻击")."""
    line = text.strip()
    if seg.is_heading:
        return True
    if len(line) > 24 or any(c in line for c in "。;:!?,\uff01\uff1f"):
        return False
    marker = doc.marker_of(seg)
    return marker is None or _TITLE_MARKER.fullmatch(marker) is not None


# --- sentence roles -----------------------------------------------------------------------

# A prohibition: "不得", "禁止" (not "不禁止"), "无权", "请勿"; "不可" but not "不可撤销".
NEG = (
    r"(?:不得|不能|不允许|不准|不会|不应|无权|请勿|切勿|不作|(?<!不)(?:禁止|严禁|(?:同意|承诺|保证)不)"
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


_SECTION_MARKER = re.compile(r"\d{1,3}\.\d{1,3}\.?|第.{1,4}[条條章节節]")


# A title naming restricted uses: "使用限制", "禁止的使用场景", "禁止行为" (not "责任限制").
_RESTRICTIVE_TITLE = compile_fast(
    r"禁止|严禁|不得|禁用|(?:使用|用途|行为|场景|事项|应用)[^。;]{0,4}?限制|限制(?:使用|用途|行为|场景)"
)


def governed(doc: Document, view: View) -> bool:
    """A list item under a prohibitive lead-in ("您不得将本模型用于以下用途：") or, with no
    lead-in, under a title naming restricted uses ("附件 禁止的使用场景"): the item starts its
    line with a sub-item marker ("（一）", "1)", "a)", or "3.9.1" under "3.9")."""
    if view.inline_lead:
        return NEG_RE.search(view.inline_lead) is not None
    if view.seg.lead:
        if not NEG_RE.search(_read_lead(view.seg.lead)):
            return False
    elif not _RESTRICTIVE_TITLE.search(view.title) or view.text.strip() == view.title:
        return False
    marker = doc.marker_of(view.seg)
    return marker is not None and not _SECTION_MARKER.fullmatch(marker)


def lead_of(view: View) -> str:
    """The lead-in that governs a list item (as read: joined, simplified), or ""."""
    if view.inline_lead:
        return view.inline_lead
    return _read_lead(view.seg.lead) if view.seg.lead else ""


@lru_cache(maxsize=1024)
def _read_lead(lead: str) -> str:
    """A lead-in as the detectors read it: joined, in simplified characters."""
    text = _joined(lead)[0]
    return simplified(text) if is_traditional(text) else text


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
