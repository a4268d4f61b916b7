"""Chinese clause detectors: the taxonomy flags read from Chinese license text.

The same flags, and the same kind of evidence, as the English detectors (clause_use,
clause_output, clause_terms): each detector reads the segments holding its Chinese keys
and returns Hits on the decisive words.  A sentence is read for its role first: a
definition ('"商业用途"：指…'), an exemption or carve-out ('（…除外）', '…不适用于…',
'除…外') and a double negative ('不禁止') raise no flag; a grant ('授予您…许可') is
recognised as one (`has_grant`).  Chinese and Arabic numerals with 万 / 亿 scales become
plain integers, and the currency of a revenue threshold is named in the note.
"""

from __future__ import annotations

import re

from licscan.detect.clause_rules import Hit, hit, rule
from licscan.detect.clause_text import Document, Segment, declare_keys
from licscan.detect.fastre import compile_fast

# --- sentence roles -----------------------------------------------------------------------

# A prohibition: "不得", "禁止" (not "不禁止"), "无权", "请勿"; "不可" but not "不可撤销".
NEG = (
    r"(?:不得|不能|不允许|不准|不会|不应|无权|请勿|切勿|不作|(?<!不)(?:禁止|严禁)"
    r"|不可(?!撤销|转让|再许可|再授权|分割|抗力|执行)以?)"
)
_NEG_RE = compile_fast(NEG)
# '"商业用途"：指…', '模型衍生品：是指…', '"您"(或"您的")是指…': a term and its meaning (a
# bold label before a colon, "**非商业化**：使用者不可…", is a clause, not a definition).
_DEFINITION = compile_fast(
    r'^\W{0,3}(?:\d{1,3}(?:\.\d{1,3})*\s*)?(?:"[^"]{1,30}"(?:\s*\([^)]{0,30}\))?\s*(?::|是指|系指|意指)'
    r'|[^\s,:;。"(]{1,12}\s*(?::\s*)?(?:是指|系指|意指|指))'
)
_TERM = compile_fast(r'^\W{0,3}(?:\d{1,3}(?:\.\d{1,3})*\s*)?"?([^\s,:;。"(]{1,30})')
_EXEMPT_VERB_AFTER = compile_fast(
    r"^[^。;,]{0,40}?(?:不受[^。;]{0,20}?(?:限制|约束)|不在此限|豁免)"
)
_EXEMPT_VERB_BEFORE = compile_fast(r"(?:不适用于|不受限于|豁免|例外情形?为?)[^。;]{0,60}$")
_EXCEPT_END = compile_fast(r"(?:除外|以外|之外|例外)\s*$")
_CLAUSE_STOP = ",;:。!?\uff01\uff1f\n"


def is_definition(seg: Segment) -> bool:
    return bool(_DEFINITION.match(seg.text.strip()))


def _clause(text: str, start: int, end: int) -> tuple[int, int]:
    """The clause around [start, end): cut at commas, semicolons and sentence ends."""
    a = max((text.rfind(c, 0, start) for c in _CLAUSE_STOP), default=-1) + 1
    cuts = [i for c in _CLAUSE_STOP if (i := text.find(c, end)) >= 0]
    return a, min(cuts) if cuts else len(text)


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
    a, b = _clause(text, start, end)
    head, tail = text[a:start], text[end:b].rstrip()
    pos = head.rfind("除")
    # "除…外" around the words ("除非" is "unless", but "除非商业用途外" is 除 + 非商业用途 + 外)
    if pos >= 0 and tail.endswith("外") and head[pos + 1 : pos + 2] != "非":
        return True
    if _EXEMPT_VERB_BEFORE.search(text[max(0, start - 80) : start]):
        return True
    return bool(_EXEMPT_VERB_AFTER.search(text[end:]))


def _negated(text: str, start: int, window: int = 40) -> re.Match[str] | None:
    """The prohibition governing the words at `start`: the last one in their sentence,
    at most `window` characters before them."""
    a = max((text.rfind(c, 0, start) for c in ";。!?\uff01\uff1f"), default=-1) + 1
    before = text[max(a, start - window) : start]
    found = None
    for found in _NEG_RE.finditer(before):  # noqa: B007 - the last one governs
        pass
    return found


def _governed(doc: Document, seg: Segment) -> bool:
    """A list item under a prohibitive lead-in ("您不得将本模型用于以下用途："): the item
    starts its line with a sub-item marker ("（一）", "1)", "a)", or "3.9.1" under "3.9")."""
    if not seg.lead or not _NEG_RE.search(seg.lead):
        return False
    marker = doc.marker_of(seg)
    return marker is not None and not re.fullmatch(r"\d{1,3}\.\d{1,3}\.?|第.{1,4}[条章节]", marker)


# --- non-commercial ---------------------------------------------------------------------

_ONLY = r"(?:(?<!不)仅|只(?!要)|(?<!不)限于)"  # not "不仅" (not only), "不限于" (not limited to)

# Commercial use as an activity (not "商业秘密" trade secrets, "商业损失" damages).
COMMERCIAL = (
    r"(?<!非)(?:商业(?:用途|目的|使用|化|活动|运营|应用|部署|场景|性使用|性用途|环境)|商用(?!许可|授权)"
    r"|营利(?:目的|性|活动)|盈利(?:目的|性|活动))"
)
_NC_KEYS = declare_keys("商业", "商用", "营利", "盈利")
_NC_LIMIT = [
    rule(("商业", "营利", "盈利"), _ONLY + r"[^。;]{0,20}?非(?:商业|营利|盈利)"),
    rule(  # a non-commercial grant or purpose: "基于非商业目的使用", "为…非商业用途之目的"
        ("商业", "营利", "盈利"),
        r"(?:基于|出于|为了?|针对|用于|限于|以)[^。;,]{0,15}?非(?:商业|营利|盈利)(?:化|性)?的?"
        r"(?:用途|目的|使用|性质|场景)",
    ),
    rule(("商业", "营利"), r"非(?:商业|营利)(?:性)?的?[^。;]{0,12}?(?:许可|授权|使用权)"),
]
_NC_BAN = rule(("商业", "商用", "营利", "盈利"), NEG + r"[^。;,]{0,30}?" + COMMERCIAL)
_AUTH = r"(?:授权|许可|同意|批准|审批|审核|申请|获准)"
_NC_AUTH = [
    rule(  # "商业用途…须事先取得书面授权", "如需商业使用，请…联系…申请"
        ("商业", "商用", "营利", "盈利"),
        COMMERCIAL + r"[^。;]{0,50}?(?:须|需|需要|应|应当|必须|请)[^。;]{0,40}?" + _AUTH,
    ),
    rule(  # "获得发布者书面授权后，可以以任何商业目的使用", "在获准后可以投入商业使用"
        ("商业", "商用", "营利", "盈利"),
        r"(?:(?:获得|取得|经|得到)[^。;]{0,30}?(?:授权|许可|同意|批准)|获准)(?:后|之后)?[^。;]{0,12}?"
        r"(?:方可|才可以?|才能|可以?)[^。;]{0,20}?" + COMMERCIAL,
    ),
    rule(  # "如需商业使用，不适用本协议"
        ("商业", "商用", "营利", "盈利"),
        COMMERCIAL + r"[^。;]{0,20}?不适用(?:于)?本(?:协议|许可)|本(?:协议|许可证?)[^。;]{0,10}?不"
        r"(?:适用于|涵盖|包括)[^。;]{0,10}?" + COMMERCIAL,
    ),
]
# Registration is not authorisation: "完成登记（并获得基础商用授权）后可免费商用".
_REGISTRATION = compile_fast(r"登记|注册")
_DISCRETION = compile_fast(r"书面|审核|批准|审批|获准|申请|另行|另外|单独|不适用")
_THRESHOLD_TERMS = compile_fast(r"月活|日活|用户数|用户量|访问量|收入|营收|营业额|超过|超出")


def non_commercial(doc: Document) -> list[Hit]:
    """A non-commercial limit (rank 0), a ban on commercial use (1), commercial use that
    needs the licensor's authorisation (2); the strongest found is the quote."""
    best: tuple[int, Hit] | None = None
    for seg in doc.having(_NC_KEYS):
        if seg.is_heading or is_definition(seg):
            continue
        found = _nc_in(seg)
        if found and (best is None or found[0] < best[0]):
            best = found
    return [best[1]] if best else []


def _nc_in(seg: Segment) -> tuple[int, Hit] | None:
    text = seg.text
    for r in _NC_LIMIT:
        for m in r.finditer(seg):
            if not exempted(text, m.start(), m.end()):
                return 0, hit("non-commercial", seg, m)
    for m in _NC_BAN.finditer(seg):
        if not exempted(text, m.start(), m.end()):
            return 1, hit("non-commercial", seg, m)
    if _THRESHOLD_TERMS.search(text):
        return None  # "above 100 million users you must apply for a commercial license"
    for r in _NC_AUTH:
        for m in r.finditer(seg):
            clause = text[max(0, m.start() - 40) : m.end() + 20]
            if _REGISTRATION.search(clause) and not _DISCRETION.search(clause):
                continue
            if not exempted(text, m.start(), m.end()):
                note = "commercial use needs the licensor's authorisation"
                return 2, hit("non-commercial", seg, m, note=note)
    return None


# --- research-only ----------------------------------------------------------------------

_RO_KEYS = declare_keys("研究", "学术", "科研", "评估", "评测", "测试", "教学", "教育")
_RO = [
    rule(
        ("研究", "学术", "科研", "评估", "评测", "测试", "教学", "教育"),
        _ONLY + r"[^。;,]{0,15}?(?:研究|学术|科研|评估|评测|测试|教学|教育)"
        r"(?:用途|目的|使用|活动)?",
    ),
    rule(
        ("研究", "学术", "科研"),
        NEG + r"[^。;]{0,20}?(?:用于|作)[^。;]{0,8}?(?:研究|学术|科研)[^。;]{0,6}?(?:以外|之外)",
    ),
]


def research_only(doc: Document) -> list[Hit]:
    for seg in doc.having(_RO_KEYS):
        if seg.is_heading or is_definition(seg):
            continue
        for r in _RO:
            for m in r.finditer(seg):
                if not exempted(seg.text, m.start(), m.end()):
                    return [hit("research-only", seg, m)]
    return []


# --- no-derivatives ---------------------------------------------------------------------

_ND_KEYS = declare_keys(
    "修改", "改编", "演绎", "改动", "翻译", "微调", "衍生", "派生", "分发", "发布"
)
_SHARE = r"(?:发布(?![者方页])|分发|再分发|传播|共享|公开|提供)"
_ND = rule(
    _ND_KEYS,
    "|".join(
        NEG + alt
        for alt in (  # modify; pass on what was modified; distribute the model at all
            r"[^。;]{0,40}?(?:修改|改编|演绎|改动|翻译|微调|(?:创作|制作|开发|生成|创建|产生)"
            r"[^。;]{0,6}?(?:衍生|派生))",
            r"[^。;]{0,40}?" + _SHARE + r"[^。;]{0,40}?(?:衍生|派生|修改后)",
            r"[^。;]{0,30}?(?:衍生|派生)[^。;]{0,20}?" + _SHARE,
            r"[^。;]{0,20}?(?:分发|再分发)[^。;]{0,10}?(?:本模型|模型|权重|参数)",
        )
    ),
)
# "不得出于军事或非法目的复制、修改…": a prohibited purpose, not a ban on derivatives; a
# ban on changing the license, its notices or the marks.
_ND_EXCUSE = compile_fast(
    r"(?:出于|用于|为|以)[^。;]{0,15}?(?:军事|非法|违法|不当|商业)[^。;]{0,8}?(?:目的|用途)"
    r"|(?:出于|基于|为|以)[^。;]{0,4}?(?:以下|下列|如下)的?(?:目的|方式|用途)"
    r"|(?:修改|改动|删除)[^。;]{0,8}?(?:本协议|本许可|协议|许可证|声明|标识|商标|版权|条款)"
)


def no_derivatives(doc: Document) -> list[Hit]:
    for seg in doc.having(_ND_KEYS):
        if seg.is_heading or is_definition(seg):
            continue
        for m in _ND.finditer(seg):
            a, b = _clause_span(seg.text, m.start(), m.end())
            if _ND_EXCUSE.search(seg.text[a:b]) or exempted(seg.text, m.start(), m.end()):
                continue
            return [hit("no-derivatives", seg, m)]
    return []


def _clause_span(text: str, start: int, end: int) -> tuple[int, int]:
    """The sentence around [start, end) (a comma does not end it)."""
    a = max((text.rfind(c, 0, start) for c in ";。!?\uff01\uff1f"), default=-1) + 1
    cuts = [i for c in ";。!?\uff01\uff1f" if (i := text.find(c, end)) >= 0]
    return a, min(cuts) if cuts else len(text)


# --- outputs used to train other models -------------------------------------------------

_TRAIN = r"(?:改进|改善|提升|优化|训练|蒸馏|增强)"
_OUT_KEYS = declare_keys("改进", "改善", "提升", "优化", "训练", "蒸馏", "增强", "衍生", "派生")
_TRAIN_KEYS = ("改进", "改善", "提升", "优化", "训练", "蒸馏", "增强")
_OUT_BAN = rule(  # "不得利用…的输出改进其他大语言模型", "不得将输出用于训练其他模型"
    _TRAIN_KEYS,
    f"{NEG}[^。;]{{0,60}}?{_TRAIN}[^。;]{{0,20}}?(?:其他|其它|任何|别的|第三方|另一)[^。;]{{0,20}}?模型"
    f"|{NEG}[^。;]{{0,30}}?(?:输出|生成的?(?:内容|数据|结果)|合成数据)[^。;]{{0,30}}?{_TRAIN}"
    r"[^。;]{0,20}?模型",
)
_OUT_IF = rule(  # "如果您使用…来训练…AI 模型，您还应在…名称的开头添加…"
    _TRAIN_KEYS,
    rf"(?:如果|若|如)[^。;]{{0,20}}?(?:使用|利用)[^。;]{{0,50}}?{_TRAIN}[^。;]{{0,40}}?模型"
    r"[^。;]{0,60}?(?:须|必须|应当?|需|还应)",
)
_FROM_OUTPUT = compile_fast(r"输出|合成数据|蒸馏")
_NOT_INCLUDED = compile_fast(r"(?:不包括|不属于|除)[^。;]{0,20}$")


def output_training(doc: Document) -> list[Hit]:
    """A ban wins over a condition (as in English)."""
    cond: Hit | None = None
    for seg in doc.having(_OUT_KEYS):
        if seg.is_heading:
            continue
        if is_definition(seg):
            if cond is None and (m := _derivative_from_output(seg)):
                note = "models made from outputs are derivatives"
                cond = hit("output-training-conditional", seg, m, note=note)
            continue
        for m in _OUT_BAN.finditer(seg):
            if not exempted(seg.text, m.start(), m.end()):
                return [hit("output-training-ban", seg, m)]
        if cond is None and (m := _OUT_IF.search(seg)):
            cond = hit("output-training-conditional", seg, m)
    return [cond] if cond else []


def _derivative_from_output(seg: Segment) -> re.Match[str] | None:
    term = _TERM.match(seg.text.strip())
    if not term or not re.search(r"衍生|派生", term.group(1)):
        return None
    for m in _FROM_OUTPUT.finditer(seg.text):
        if not _NOT_INCLUDED.search(seg.text[max(0, m.start() - 20) : m.start()]):
            return m
    return None


# --- user and revenue thresholds --------------------------------------------------------

_DIGITS = "零〇一二两三四五六七八九十百千万亿"
_NUM = (
    r"(?:(?P<num>\d{1,3}(?:,\d{3})+(?!\d)|\d+(?:\.\d+)?)\s*(?P<scale>千万|百万|十万|万|亿|千)?"
    r"|(?P<zh>[一二两三四五六七八九十][零〇一二两三四五六七八九十百千万亿]*))"
)
_MORE = r"(?:超过|超出|达到|大于|多于|高于|逾|不少于|不低于|不超过|不得超过|多达|≥|>)"
_ABOVE = r"\s*(?:名|个|人)?(?:以上|及以上)"
_USERS = (
    r"(?:月活跃用户|月活|日活跃用户|日活|周活|活跃用户|注册用户|用户数|用户量|用户规模|服务用户"
    r"|访问量|访问)"
)
_REVENUE = r"(?:年收入|年营收|年营业额|年销售额|月收入|月营收|营业收入|营收|收入|营业额|销售额)"
_CURRENCY = r"(?P<cur>人民币|美元|美金|欧元|港元|港币|元|RMB|CNY|USD|US\$|\$|¥|￥)"
_TH_KEYS = declare_keys("用户", "月活", "日活", "周活", "访问", "收入", "营收", "营业额", "销售额")
_USER_KEYS = ("用户", "月活", "日活", "周活", "访问")
_GAP = r"[^。;\d" + _DIGITS + r"]"
_TH_USERS = [  # "月活跃用户数超过1亿", "超过一亿月活跃用户", "用户数在100万以上"
    rule(_USER_KEYS, _USERS + _GAP + r"{0,16}?" + _MORE + _GAP + r"{0,4}?" + _NUM),
    rule(_USER_KEYS, _MORE + r"\s*" + _NUM + r"[^。;\d]{0,4}?" + _USERS),
    rule(_USER_KEYS, _USERS + _GAP + r"{0,16}?" + _NUM + _ABOVE),
]
_MONEY = (
    r"(?:"
    + _CURRENCY.replace("cur", "cur0")
    + r"\s*)?"
    + _NUM
    + r"\s*(?:元\s*)?(?:"
    + _CURRENCY
    + ")?"
)
_TH_REVENUE = [  # "年收入超过1亿人民币", "营业收入在人民币五千万元以上"
    rule(
        ("收入", "营收", "营业额", "销售额"),
        _REVENUE + _GAP + r"{0,16}?" + _MORE + _GAP + r"{0,4}?" + _MONEY,
    ),
    rule(("收入", "营收", "营业额", "销售额"), _REVENUE + _GAP + r"{0,16}?" + _MONEY + _ABOVE),
]
_CURRENCY_CODE = {
    "人民币": "CNY", "元": "CNY", "RMB": "CNY", "CNY": "CNY", "¥": "CNY", "￥": "CNY",
    "美元": "USD", "美金": "USD", "USD": "USD", "US$": "USD", "$": "USD", "欧元": "EUR",
    "港元": "HKD", "港币": "HKD",
}  # fmt: skip
_ZH_DIGIT = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6,
             "七": 7, "八": 8, "九": 9}  # fmt: skip
_ZH_UNIT = {"十": 10, "百": 100, "千": 1000}
_SCALE = {"千万": 10**7, "百万": 10**6, "十万": 10**5, "万": 10**4, "亿": 10**8, "千": 10**3}


def number_of(m: re.Match[str]) -> int | None:
    """The integer a _NUM match writes: '1亿' -> 100000000, '五千万' -> 50000000,
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
            wan = (section + digit) * 10**4
            section = digit = 0
        elif ch == "亿":
            yi = (wan + section + digit) * 10**8
            wan = section = digit = 0
        else:
            return None
    return yi + wan + section + digit


def thresholds(doc: Document) -> list[Hit]:
    found: dict[str, Hit] = {}
    for seg in doc.having(_TH_KEYS):
        for flag, rules in (("user-threshold", _TH_USERS), ("revenue-threshold", _TH_REVENUE)):
            if flag in found:
                continue
            for m in (m for r in rules for m in r.finditer(seg)):
                value = number_of(m)
                if value is None or value < 1000 or exempted(seg.text, m.start(), m.end()):
                    continue
                found[flag] = hit(flag, seg, m, value=str(value), note=_revenue_note(m, flag))
                break
    return [found[k] for k in ("user-threshold", "revenue-threshold") if k in found]


def _revenue_note(m: re.Match[str], flag: str) -> str:
    if flag != "revenue-threshold":
        return ""
    cur = m.group("cur") or m.group("cur0")
    code = _CURRENCY_CODE.get(cur or "")
    notes = [f"currency {code}"] if code and code != "USD" else []
    if m.group().startswith(("月收入", "月营收")):
        notes.append("monthly revenue")
    return "; ".join(notes)


# --- prominent attribution --------------------------------------------------------------

_PA_KEYS = declare_keys("显著", "醒目", "突出", "明显", "名称", "命名", "built", "powered")
_PA = [
    rule(  # "以显著方式标识'南北阁'", "显著说明模型来源于…", "突出显示'Built with X'"
        ("显著", "醒目", "突出", "明显"),
        r"(?:显著|醒目|突出|明显)(?!的?品牌)[^。;]{0,40}?(?:标识|标注|标明|注明|显示|展示|说明|声明|标示|写明|载明)"
        r'[^。;]{0,30}?(?:来源于|源自|基于[^。;]{0,20}?(?:开发|构建|训练|打造)|"[^"]{1,30}"|品牌)',
    ),
    rule(  # a name prefix: "在…模型名称的开头添加'glm-4'", "名称须以'X'开头"
        ("名称", "命名"),
        r'(?:名称|命名)[^。;]{0,20}?(?:开头|前缀|冠以)[^。;]{0,10}?"|(?:名称|命名)[^。;]{0,10}?以"[^"]{1,30}"'
        r"(?:开头|开始|为前缀)",
    ),
    rule(("built", "powered"), r'"\s*(?:built|powered)\s+(?:with|by|on|using)\b'),
]


def prominent_attribution(doc: Document) -> list[Hit]:
    for seg in doc.having(_PA_KEYS):
        if seg.is_heading or is_definition(seg):
            continue
        for r in _PA:
            m = r.search(seg)
            if m and not _negated(seg.text, m.start(), 60) and _HAN.search(seg.text):
                return [hit("prominent-attribution", seg, m)]
    return []


_HAN = compile_fast(r"[\u3400-\u9fff]")

# --- use restrictions -------------------------------------------------------------------

_HARMS = {
    "military use": ("军事", "武器", "军用"),
    "violence": ("恐怖", "极端主义", "暴力", "种族仇恨", "民族仇恨", "仇恨"),
    "public order": ("危害国家安全", "国家统一", "颠覆国家", "分裂国家", "危害社会公共利益"),
    "discrimination": ("歧视",),
    "sexual content": ("色情", "淫秽"),
    "deception": ("虚假信息", "虚假有害信息", "诈骗", "欺诈", "深度伪造"),
    "surveillance": ("监控", "监视", "生物识别"),
    "high-stakes decisions": ("医疗诊断", "自动驾驶", "关键基础设施", "自动化决策"),
    "circumvention": ("逆向工程", "反编译", "反汇编", "破解"),
    "harassment": ("骚扰", "诽谤", "霸凌"),
    "gambling": ("赌博",),
}
_HARM_OF = {stem: name for name, stems in _HARMS.items() for stem in stems}
_HARM_RE = compile_fast("|".join(sorted(_HARM_OF, key=len, reverse=True)))
_UR_KEYS = declare_keys(*_HARM_OF, "使用政策", "使用规范")
_PROMISE_NOT = compile_fast(r"(?:确保|保证|承诺)[^。;]{0,8}?不|" + NEG)
_POLICY_REF = rule(
    ("使用政策", "使用规范"),
    r"(?:可接受|禁止|负责任)?的?使用(?:政策|规范)[^。;]{0,30}?(?:遵守|约束|纳入|组成部分)"
    r"|(?:遵守|受)[^。;]{0,30}?使用(?:政策|规范)",
)
_SANCTIONS = compile_fast(r"出口管制|制裁|禁运")


def use_restrictions(doc: Document) -> list[Hit]:
    for seg in doc.having(_UR_KEYS):
        if seg.is_heading or is_definition(seg) or _SANCTIONS.search(seg.text):
            continue
        if m := _POLICY_REF.search(seg):
            return [hit("use-restrictions", seg, m)]
        for m in _HARM_RE.finditer(seg.text):
            before = seg.text[max(0, m.start() - 200) : m.start()]
            if _PROMISE_NOT.search(before) or _governed(doc, seg):
                note = f"prohibits {_HARM_OF[m.group()]}"
                return [hit("use-restrictions", seg, m, note=note)]
    return []


# --- copyleft -----------------------------------------------------------------------------

_CL_KEYS = declare_keys("相同", "同样", "同一", "本协议", "本许可")
_CL = rule(
    ("相同", "同样", "同一", "本协议", "本许可"),
    r"相同方式(?:再许可|授权|许可|共享|分发)"
    r"|(?:采取|采用|使用|以|按照)[^。;]{0,15}?(?:与)?(?:本|此)(?:许可协议|许可证|许可|协议)[^。;]{0,6}?相同的?"
    r"(?:方式|条款|许可|协议)?[^。;]{0,20}?(?:授权|许可|分发|发布|共享)"
    r"|(?:以|按照|采用)(?:相同|同样|同一)的?(?:许可证?|协议|条款)[^。;]{0,10}?(?:授权|许可|分发|发布|共享)"
    r"|(?:须|必须|应当?)[^。;]{0,30}?(?:以|依|按照|采用)本(?:许可证|协议|许可)(?:的条款)?(?:进行|予以)?"
    r"(?:授权|许可|分发|发布)",
)


def copyleft(doc: Document) -> list[Hit]:
    for seg in doc.having(_CL_KEYS):
        if seg.is_heading or is_definition(seg):
            continue
        for m in _CL.finditer(seg):
            if not _negated(seg.text, m.start(), 20) and not exempted(seg.text, m.start(), m.end()):
                return [hit("copyleft", seg, m)]
    return []


# --- geographic restriction ---------------------------------------------------------------

_REGION = (
    r"(?:欧盟|欧洲经济区|欧洲|英国|美国|韩国|日本|俄罗斯|白俄罗斯|印度|伊朗|朝鲜|古巴|叙利亚|中国大陆|"
    r"中国境内|中国境外|香港|澳门|台湾|境外|海外)"
)
_GEO_KEYS = declare_keys(
    "欧盟", "欧洲", "英国", "美国", "韩国", "日本", "俄罗斯", "印度", "伊朗", "朝鲜",
    "古巴", "叙利亚", "中国", "香港", "澳门", "台湾", "境外", "海外",
)  # fmt: skip
_GEO = rule(
    _GEO_KEYS,
    NEG + r"[^。;]{0,30}?(?:在|于|向)[^。;]{0,6}?" + _REGION
    + r"[^。;]{0,20}?(?:使用|部署|提供|访问|下载|分发)"
    r"|" + _REGION + r"[^。;]{0,12}?的?(?:个人|实体|用户|居民|公民|企业|组织|公司)"
    r"[^。;]{0,20}?" + NEG
    + r"|(?:许可|授权|本协议)[^。;]{0,20}?不(?:适用于|包括|涵盖|覆盖|延伸至)[^。;]{0,20}?"
    + _REGION,
)  # fmt: skip
_LAW = compile_fast(r"法律|法规|管辖|争议|仲裁|法院|出口管制|制裁")


def geo_restriction(doc: Document) -> list[Hit]:
    for seg in doc.having(_GEO_KEYS):
        if seg.is_heading or is_definition(seg) or _LAW.search(seg.text):
            continue
        if m := _GEO.search(seg):
            return [hit("geo-restriction", seg, m)]
    return []


# --- grants -------------------------------------------------------------------------------

_GRANT_KEYS = declare_keys("授予", "授权", "许可", "可以", "有权")
_GRANT = rule(
    ("授予", "授权", "许可", "可以", "有权"),
    r"(?<![不未无非被])(?:特此|在此|兹)?(?:授予|授权|许可)(?:您|你|被许可方|被许可人|被授权人|使用者|用户)"
    r"|(?<![不未无非被])授予[^。;]{0,60}?(?:许可|使用权|权利)"
    r"|(?:您|被许可方|被许可人|被授权人|使用者)(?:可以|有权)(?:免费)?(?:使用|复制|修改|分发|下载)"
    r"|(?:被许可方|被许可人|被授权人)可(?:使用|复制|修改|分发|下载)",
)


def has_grant(doc: Document) -> bool:
    """Does the Chinese text grant rights ("许可方特此授予您…许可")?"""
    return any(
        not is_definition(seg) and _GRANT.search(seg) is not None for seg in doc.having(_GRANT_KEYS)
    )


def hits(doc: Document) -> list[Hit]:
    """Every Chinese detector's hits, in taxonomy order of the detectors."""
    out = non_commercial(doc)
    out += research_only(doc)
    out += no_derivatives(doc)
    out += output_training(doc)
    out += thresholds(doc)
    out += prominent_attribution(doc)
    out += use_restrictions(doc)
    out += copyleft(doc)
    out += geo_restriction(doc)
    return out


# --- both halves of a bilingual text ------------------------------------------------------


def with_chinese(english: dict[str, Hit], chinese: list[Hit]) -> dict[str, list[Hit]]:
    """Each flag's hits from the English and the Chinese reading together (the stricter
    reading wins: a flag either half raises holds, with both quotes).  A ban on training
    with outputs makes a condition on it moot, whichever half states which."""
    out = {flag: [h] for flag, h in english.items()}
    for h in chinese:
        out.setdefault(h.flag, []).append(h)
    if "output-training-ban" in out:
        out.pop("output-training-conditional", None)
    return out


def stricter(found: list[Hit]) -> tuple[str | None, str]:
    """Value and note of a flag read in one or both halves: the lower threshold (where the
    halves differ, the note says so)."""
    first = found[0]
    values = {int(h.value) for h in found if h.value and h.value.isdigit()}
    if len(values) < 2:
        return first.value, first.note
    low = min(found, key=lambda h: int(h.value or 0))
    seen = ", ".join(str(v) for v in sorted(values))
    note = "; ".join(n for n in (low.note, f"the halves differ ({seen}): the lower holds") if n)
    return low.value, note
