"""Chinese clause detectors: the taxonomy flags read from Chinese license text.

The same flags, and the same kind of evidence, as the English detectors (clause_use,
clause_output, clause_terms): each detector reads the segments holding Chinese (as
clause_zh_text Views: hard wraps removed, offsets kept) and returns Hits on the decisive
words.  A sentence is read for its role first: a definition ('"商业用途"：指…'), an
exemption or carve-out ('（…除外）', '…不适用于…', '除…外') and a double negative
('不禁止') raise no flag; a grant ('授予您…许可') is recognised as one (`has_grant`).
Numbers become plain integers, and a revenue threshold's currency is named in its note.
"""

from __future__ import annotations

import re

from licscan.detect.clause_rules import Hit, Rule
from licscan.detect.clause_text import Document
from licscan.detect.clause_zh_text import (
    DIGITS,
    INLINE_LEAD,
    INLINE_MARK,
    NEG,
    NEG_RE,
    NUM,
    TERM,
    View,
    exempted,
    governed,
    is_definition,
    lead_of,
    negated,
    number_of,
    span_of,
    views,
    zh_rule,
)
from licscan.detect.fastre import compile_fast


def _first(views: list[View], rules: list[Rule], flag: str) -> Hit | None:
    """The first match of `rules`, in text order, that no carve-out exempts."""
    for v in views:
        for r in rules:
            for m in v.find(r):
                if not exempted(v.text, m.start(), m.end()) and not _both(v.text, m):
                    return v.hit(flag, m)
    return None


def _both(text: str, m: re.Match[str]) -> bool:
    """Is the "非商业" of a match one of a pair, "商业或非商业" (both purposes)?"""
    at = text.rfind("非", m.start(), m.end())
    return at >= 0 and _BOTH.search(text, max(0, at - 8), at) is not None


# --- non-commercial ---------------------------------------------------------------------

_ONLY = r"(?:(?<!不)仅|只(?!要)|(?<!不)限于)"  # not "不仅" (not only), "不限于" (not limited to)
_NC_KEYS = ("商业", "商用", "营利", "盈利")
# Commercial use as an activity (not "商业秘密" trade secrets, "商业损失" damages).
COMMERCIAL = (
    r"(?<!非)(?:商业(?:用途|目的|使用|化|活动|运营|应用|部署|场景|性使用|性用途|环境)|商用(?!许可|授权)"
    r"|营利(?:目的|性|活动)|盈利(?:目的|性|活动)|(?<!不以)(?<!非以)(?:营利|盈利)为目的)"
)
_NC_LIMIT = [
    zh_rule(("商业", "营利", "盈利"), _ONLY + r"[^。;]{0,20}?非(?:商业|营利|盈利)"),
    zh_rule(  # a non-commercial grant or purpose: "基于非商业目的使用", "为…非商业用途之目的"
        ("商业", "营利", "盈利"),
        r"(?:基于|出于|为了?|针对|(?<!适)用于|限于|(?<![可所])以)[^。;,]{0,15}?非(?:商业|营利|盈利)"
        r"(?:化|性)?的?"
        r"(?:用途|目的|使用|性质|场景)",
    ),
    zh_rule(("商业", "营利"), r"非(?:商业|营利)(?:性)?的?[^。;]{0,12}?(?:许可|授权|使用权)"),
]
_PERSONAL = zh_rule(  # "仅限个人学习使用"
    ("个人", "私人"), _ONLY + r"[^。;,]{0,8}?(?:个人|私人)[^。;,]{0,6}?(?:用途|使用|目的)"
)
_NC_BAN = [zh_rule(_NC_KEYS, NEG + r"[^。;,]{0,30}?" + COMMERCIAL)]
_AUTH = r"(?:授权|许可|同意|批准|审批|审核|申请|获准|购买)"
_NC_AUTH = [
    zh_rule(  # "商业用途…须事先取得书面授权", "如需商业使用，请…联系…申请"
        _NC_KEYS, COMMERCIAL + r"[^。;]{0,50}?(?:须|需|需要|应|应当|必须|请)[^。;]{0,40}?" + _AUTH
    ),
    zh_rule(  # "获得发布者书面授权后，可以以任何商业目的使用", "在获准后可以投入商业使用"
        _NC_KEYS,
        r"(?:(?:获得|取得|经|得到)[^。;]{0,30}?(?:授权|许可|同意|批准)|获准)(?:后|之后)?[^。;]{0,12}?"
        r"(?:方可|才可以?|才能|可以?)[^。;]{0,20}?" + COMMERCIAL,
    ),
    zh_rule(  # "如需商业使用，不适用本协议"
        _NC_KEYS,
        COMMERCIAL + r"[^。;]{0,20}?不适用(?:于)?本(?:协议|许可)|本(?:协议|许可证?)[^。;]{0,10}?不"
        r"(?:适用于|涵盖|包括)[^。;]{0,10}?" + COMMERCIAL,
    ),
    zh_rule(  # use by a company: "企业用户使用本模型，须向…购买商业授权"
        ("企业", "公司", "营利性"),
        r"(?:企业|公司|营利性(?:机构|组织))(?:用户|客户)?[^。;]{0,6}?使用[^。;]{0,20}?"
        r"(?<![无不])(?:须|需|需要|应当?|必须)"
        r"[^。;]{0,20}?(?:购买|取得|获得|申请)[^。;]{0,8}?(?:授权|许可)",
    ),
    zh_rule(  # "以营利为目的的使用不在本许可的范围之内", "商业使用超出本协议授权范围"
        _NC_KEYS,
        COMMERCIAL + r"[^。;]{0,20}?(?:不在|不属于|超出|超越)[^。;]{0,6}?本?(?:协议|许可证?|授权)"
        r"[^。;]{0,6}?范围",
    ),
]
# "用于商业或非商业目的": both purposes named, nothing withheld.
_BOTH = compile_fast(r"(?:商业|商用|营利|盈利)(?:的)?(?:或者?|和|及|与|以及|、|/)\s*$")
# Registration is not authorisation: "完成登记（并获得基础商用授权）后可免费商用".
_REGISTRATION = compile_fast(r"登记|注册")
_DISCRETION = compile_fast(r"书面|审核|批准|审批|获准|申请|另行|另外|单独|不适用")
_THRESHOLD_TERMS = compile_fast(
    r"月活|日活|用户数|用户量|访问量|收入|营收|营业额|超过|超出(?!本?(?:协议|许可|授权))"
)


_COMMERCIAL_ITEM = zh_rule(_NC_KEYS, COMMERCIAL)


def non_commercial(doc: Document, views: list[View]) -> list[Hit]:
    """A non-commercial limit first, a ban on commercial use next (in a sentence, or an item
    under a prohibitive lead-in: "您不得将本模型用于下列用途：(一)商业用途"), and last
    commercial use that needs the licensor's authorisation (registration alone is not that)."""
    found = _first(views, _NC_LIMIT, "non-commercial") or _first(views, _NC_BAN, "non-commercial")
    listed = [v for v in views if lead_of(v) and governed(doc, v)]
    found = found or _first(listed, [_COMMERCIAL_ITEM], "non-commercial")
    if found:
        return [found]
    if personal := _first(views, [_PERSONAL], "non-commercial"):
        personal.note = "use limited to personal use"
        return [personal]
    for v in views:
        if _THRESHOLD_TERMS.search(v.text):
            continue  # "above 100 million users you must apply for a commercial license"
        for m in (m for r in _NC_AUTH for m in v.find(r)):
            clause = v.text[max(0, m.start() - 40) : m.end() + 20]
            if _REGISTRATION.search(clause) and not _DISCRETION.search(clause):
                continue
            if not exempted(v.text, m.start(), m.end()):
                note = "commercial use needs the licensor's authorisation"
                return [v.hit("non-commercial", m, note=note)]
    return []


# --- research-only ----------------------------------------------------------------------

_RO = [
    zh_rule(
        ("研究", "学术", "科研", "评估", "评测", "测试", "教学", "教育"),
        _ONLY
        + r"[^。;,]{0,15}?(?:研究|学术|科研|评估|评测|测试|教学|教育)(?:用途|目的|使用|活动)?",
    ),
    zh_rule(
        ("研究", "学术", "科研"),
        NEG + r"[^。;]{0,20}?(?:用于|作)[^。;]{0,8}?(?:研究|学术|科研)[^。;]{0,6}?(?:以外|之外)",
    ),
]


# "不得将模型部署于生产环境": evaluation and testing only (as in English, read only where no
# non-commercial limit already says more).
_NON_PRODUCTION = zh_rule(
    ("生产",), NEG + r"[^。;]{0,20}?(?:部署|用于|投入|应用)[^。;]{0,6}?生产(?:环境|系统|用途)"
)


# A grant whose purposes are all research or evaluation: "许可您下载本模型，用于内部评测、基准
# 测试和学术交流" (a purpose clause that also names products, development or any purpose
# is no limit).
_RO_GRANT = zh_rule(
    ("许可", "授予", "授权", "允许"),
    r"(?<![不未])(?:许可|授权|允许)(?:您|你|被许可方|被许可人|被授权人|使用者)[^。;]{0,30}?(?:用于"
    r"(?P<purpose>[^。;,]{2,30})"
    # the purpose put before the act: "允许使用者出于学术研究和教学目的使用", "为了科研之目的"
    r"|(?:出于|基于|为了?)(?P<before>[^。;,]{2,20}?)(?:之)?(?:目的|用途))",
)
_RESEARCH = compile_fast(r"研究|学术|科研|评估|评测|测试|教学|教育")
_NOT_ONLY_RESEARCH = compile_fast(r"商|营利|盈利|任何|一切|所有|各种|开发|生产|产品|服务|运营")


def _research_grant(views: list[View]) -> Hit | None:
    for v in views:
        for m in v.find(_RO_GRANT):
            purpose = m.group("purpose") or m.group("before")
            if _RESEARCH.search(purpose) and not _NOT_ONLY_RESEARCH.search(purpose):
                return v.hit("research-only", m, note="a grant for research or evaluation")
    return None


def research_only(views: list[View], has_nc: bool) -> list[Hit]:
    found = _first(views, _RO, "research-only") or _research_grant(views)
    if found is None and not has_nc:
        found = _first(views, [_NON_PRODUCTION], "research-only")
        if found:
            found.note = "use limited to non-production"
    return [found] if found else []


# --- no-derivatives ---------------------------------------------------------------------

_SHARE = r"(?:发布(?![者方页])|分发|再分发|散布|传播|共享|公开|提供)"
_ND = zh_rule(
    ("修改", "改编", "演绎", "改动", "翻译", "微调", "衍生", "派生", "分发", "发布"),
    "|".join(
        NEG + alt
        for alt in (  # modify; pass on what was modified; distribute the model at all
            r"[^。;]{0,40}?(?:修改|改编|演绎|改动|翻译|微调(?!数据|语料|样本|集)|(?:创作|制作|开发|生成|创建|产生)"
            r"[^。;]{0,6}?(?:衍生|派生))",
            r"[^。;]{0,40}?" + _SHARE + r"[^。;]{0,40}?(?:衍生|派生|修改后)",
            r"[^。;]{0,30}?(?:衍生|派生)[^。;]{0,20}?" + _SHARE,
            r"[^。;]{0,20}?(?:分发|再分发)[^。;]{0,10}?(?:本模型|模型|权重|参数)",
        )
    ),
)
# "不得出于军事或非法目的复制、修改…": a prohibited purpose, not a ban on derivatives, as
# a purpose list ("出于以下目的") is; so is a ban on changing the license, notices or marks.
_ND_EXCUSE = compile_fast(
    r"(?:出于|用于|为|以)[^。;]{0,15}?(?:军事|非法|违法|不当|商业)[^。;]{0,8}?(?:目的|用途)"
    r"|(?:出于|基于|为|以)[^。;]{0,4}?(?:以下|下列|如下)的?(?:目的|方式|用途)"
    r"|(?:修改|改动|删除)[^。;]{0,8}?(?:本协议|本许可|协议|许可证|声明|标识|商标|版权|条款)"
)


def no_derivatives(views: list[View]) -> list[Hit]:
    for v in views:
        if is_definition(v):
            continue
        for m in v.find(_ND):
            a, b = span_of(v.text, m.start(), m.end())
            if not _ND_EXCUSE.search(v.text[a:b]) and not exempted(v.text, m.start(), m.end()):
                return [v.hit("no-derivatives", m)]
    return []


# --- outputs used to train other models -------------------------------------------------

_TRAIN = r"(?:改进|改善|提升|优化|训练|蒸馏|增强)"
_TRAIN_KEYS = ("改进", "改善", "提升", "优化", "训练", "蒸馏", "增强")
_OUT_BAN = [
    zh_rule(  # "不得利用…的输出改进其他大语言模型"
        _TRAIN_KEYS,
        f"{NEG}[^。;]{{0,60}}?{_TRAIN}[^。;]{{0,20}}?(?:其他|其它|任何|别的|第三方|另一)[^。;]{{0,20}}?模型",
    ),
    zh_rule(  # "不得将输出用于训练其他模型", "禁止使用生成的数据开发竞争模型"
        ("输出", "生成", "合成数据"),
        f"{NEG}[^。;]{{0,30}}?(?:输出|生成的?(?:内容|数据|结果|文本)|合成数据)[^。;]{{0,30}}?"
        r"(?:改进|改善|提升|优化|训练|蒸馏|增强|开发|构建)[^。;]{0,20}?模型"
        # "不得将…的生成结果用作其他大模型的训练语料"
        r"|" + NEG + r"[^。;]{0,30}?(?:输出|生成的?(?:内容|数据|结果|文本)|合成数据)[^。;]{0,30}?"
        r"(?:训练|微调|蒸馏)(?:数据|语料|样本|集)",
    ),
]
_OUT_IF = zh_rule(  # "如果您使用…来训练…AI 模型，您还应在…名称的开头添加…"
    _TRAIN_KEYS,
    rf"(?:如果|若|如)[^。;]{{0,20}}?(?:使用|利用)[^。;]{{0,50}}?{_TRAIN}[^。;]{{0,40}}?模型"
    r"[^。;]{0,60}?(?:须|必须|应当?|需|还应)"
    # a permission with a proviso: "您可以使用…生成的内容训练其他模型，但…应…"
    rf"|(?:可以|可|允许|有权)[^。;]{{0,6}}?(?:使用|利用)[^。;]{{0,30}}?(?:输出|生成的?(?:内容|数据|结果"
    rf"|文本)|合成数据)[^。;]{{0,20}}?{_TRAIN}[^。;]{{0,20}}?模型[^。;]{{0,10}}?(?:但|但是|前提是|条件是"
    r"|只要|惟)[^。;]{0,60}?(?:须|必须|应当?|需|不得)",
)
_FROM_OUTPUT = compile_fast(r"输出|合成数据|蒸馏")
_NOT_INCLUDED = compile_fast(r"(?:不包括|不属于|除)[^。;]{0,20}$")


def output_training(views: list[View]) -> list[Hit]:
    """A ban wins over a condition (as in English).  The condition is a rule on models
    trained with the outputs, or a definition of derivatives that takes them in."""
    prose = [v for v in views if not is_definition(v)]
    ban = _first(prose, _OUT_BAN, "output-training-ban")
    if ban:
        return [ban]
    for v in views:
        if is_definition(v) and (m := _derivative_from_output(v)):
            note = "models made from outputs are derivatives"
            return [v.hit("output-training-conditional", m, note=note)]
        if not is_definition(v) and (found := v.find(_OUT_IF)):
            return [v.hit("output-training-conditional", found[0])]
    return []


def _derivative_from_output(v: View) -> re.Match[str] | None:
    term = TERM.match(v.text.strip())
    if not term or not re.search(r"衍生|派生", term.group(1)):
        return None
    for m in _FROM_OUTPUT.finditer(v.text):
        if not _NOT_INCLUDED.search(v.text[max(0, m.start() - 20) : m.start()]):
            return m
    return None


# --- user and revenue thresholds --------------------------------------------------------

_MORE = r"(?:超过|超出|达到|大于|多于|高于|逾|不少于|不低于|不超过|不得超过|多达|突破|超越|≥|>)"
_ABOVE = r"\s*(?:名|个|人)?(?:以上|及以上)"
_USERS = (
    r"(?:月活跃用户|月活|日活跃用户|日活|周活|活跃用户|注册用户|用户数|用户量|用户规模|服务用户"
    r"|访问量|访问)"
)
_REVENUE = r"(?:年收入|年营收|年营业额|年销售额|月收入|月营收|营业收入|营收|收入|营业额|销售额)"
_CURRENCY = r"(?P<cur>人民币|美元|美金|欧元|港元|港币|元|RMB|CNY|USD|US\$|\$|¥|￥)"
_MONEY = rf"(?:{_CURRENCY.replace('cur', 'cur0')}\s*)?{NUM}\s*(?:元\s*)?(?:{_CURRENCY})?"
_GAP = r"[^。;\d" + DIGITS + r"]"
# Before the comparison a lone numeral character is a word ("一旦", "统一"), not a number.
_WORDS = rf"(?:{_GAP}|(?<![\d{DIGITS}])[{DIGITS}](?![\d{DIGITS}]))"
_USER_KEYS = ("用户", "月活", "日活", "周活", "访问")
_REVENUE_KEYS = ("收入", "营收", "营业额", "销售额")
_TH_USERS = [  # "月活跃用户数超过1亿", "超过一亿月活跃用户", "用户数在100万以上"
    zh_rule(_USER_KEYS, f"{_USERS}{_WORDS}{{0,16}}?{_MORE}{_GAP}{{0,4}}?{NUM}"),
    zh_rule(_USER_KEYS, rf"{_MORE}\s*{NUM}[^。;\d]{{0,4}}?{_USERS}"),
    zh_rule(_USER_KEYS, f"{_USERS}{_GAP}{{0,16}}?{NUM}{_ABOVE}"),
]
_TH_REVENUE = [  # "年收入超过1亿人民币", "营业收入在人民币五千万元以上"
    zh_rule(_REVENUE_KEYS, f"{_REVENUE}{_WORDS}{{0,16}}?{_MORE}{_GAP}{{0,4}}?{_MONEY}"),
    zh_rule(_REVENUE_KEYS, f"{_REVENUE}{_GAP}{{0,16}}?{_MONEY}{_ABOVE}"),
]
_CURRENCY_CODE = {
    "人民币": "CNY", "元": "CNY", "RMB": "CNY", "CNY": "CNY", "¥": "CNY", "￥": "CNY",
    "美元": "USD", "美金": "USD", "USD": "USD", "US$": "USD", "$": "USD", "欧元": "EUR",
    "港元": "HKD", "港币": "HKD",
}  # fmt: skip


def thresholds(views: list[View]) -> list[Hit]:
    """The first user and the first revenue threshold (1000 and above), as integers."""
    found: dict[str, Hit] = {}
    for flag, rules in (("user-threshold", _TH_USERS), ("revenue-threshold", _TH_REVENUE)):
        for v in views:
            for m in (m for r in rules for m in v.find(r)):
                value = number_of(m)
                if value is None or value < 1000 or exempted(v.text, m.start(), m.end()):
                    continue
                note = _revenue_note(m) if flag == "revenue-threshold" else ""
                found[flag] = v.hit(flag, m, value=str(value), note=note)
                break
            if flag in found:
                break
    return list(found.values())


def _revenue_note(m: re.Match[str]) -> str:
    code = _CURRENCY_CODE.get(m.group("cur") or m.group("cur0") or "")
    notes = [f"currency {code}"] if code and code != "USD" else []
    if m.group().startswith(("月收入", "月营收")):
        notes.append("monthly revenue")
    return "; ".join(notes)


# --- prominent attribution --------------------------------------------------------------

_PA = [
    zh_rule(  # "以显著方式标识'南北阁'", "显著说明模型来源于…", "突出显示'Built with X'"
        ("显著", "醒目", "突出", "明显"),
        r"(?:显著|醒目|突出|明显)(?!的?品牌)[^。;]{0,40}?(?:标识|标注|标明|注明|显示|展示|说明|声明"
        r"|标示|写明|载明)[^。;]{0,30}?(?:来源于|源自|基于[^。;]{0,20}?(?:开发|构建|训练|打造)"
        r'|"[^"]{1,30}"|品牌|(?:模型|技术)的?(?:来源|出处))',
    ),
    zh_rule(  # a name prefix: "在…模型名称的开头添加'glm-4'", "名称须以'X'开头"
        ("名称", "命名"),
        r'(?:名称|命名)[^。;]{0,20}?(?:开头|前缀|冠以)[^。;]{0,10}?"'
        r'|(?:名称|命名)[^。;]{0,10}?以"[^"]{1,30}"(?:开头|开始|为前缀)'
        r'|(?:名称|命名)(?:前|之前|开头)[^。;]{0,6}?(?:加上|添加|冠以|包含|注明)[^。;]{0,4}?"'
        # a mark the name must hold: "其名称中应包含'兰亭'二字"
        r"|(?:名称|命名)(?:中|里|内)?[^。;]{0,6}?(?<![不无])(?:须|必须|应当?|需)[^。;]{0,4}?"
        r'(?:包含|含有|带有|体现|保留|显示)[^。;]{0,4}?"[^"]{1,30}"',
    ),
    zh_rule(  # a duty to state the origin: "须在…'关于'页面中标注'本产品基于海燕大模型开发'"
        ("基于", "源自", "来源于", "来自", "驱动", "支持"),
        r"(?<![不无])(?:须|必须|应当?|需要?)[^。;]{0,40}?(?:标识|标注|标明|注明|显示|展示|说明|声明"
        r'|标示|写明|载明|提示|告知)[^。;]{0,10}?(?:"[^"]{0,20}?(?:基于|源自|来源于|来自|由)[^"]{1,30}?'
        r'(?:开发|构建|训练|打造|研发|提供|驱动|支持)[^"]{0,10}"'
        r"|(?:其|该|本)?(?:产品|服务|应用|模型)?(?:基于|源自|来源于)[^。;,]{1,20}?"
        r"(?:开发|构建|训练|打造|研发)(?![的之]))",  # (not "…基于本模型训练的模型所作的修改")
    ),
    zh_rule(("built", "powered"), r'"\s*(?:built|powered)\s+(?:with|by|on|using)\b'),
]


def prominent_attribution(views: list[View]) -> list[Hit]:
    for v in views:
        if is_definition(v):
            continue
        for m in (m for r in _PA for m in v.find(r)):
            if not negated(v.text, m.start(), 60):
                return [v.hit("prominent-attribution", m)]
    return []


# --- use restrictions -------------------------------------------------------------------

_HARMS = {
    "military use": ("军事", "武器", "军用", "大规模杀伤"),
    "violence": ("恐怖", "极端主义", "暴力", "种族仇恨", "民族仇恨", "仇恨"),
    "self-harm": ("自残", "自杀", "自我伤害"),
    "public order": ("危害国家安全", "国家统一", "颠覆国家", "分裂国家", "危害社会公共利益"),
    "discrimination": ("歧视",),
    "sexual content": ("色情", "淫秽"),
    "harm to children": ("儿童", "未成年人"),
    "deception": ("虚假信息", "虚假有害信息", "虚假新闻", "谣言", "诈骗", "欺诈", "深度伪造",
                  "钓鱼", "冒充", "假冒", "冒用"),
    "cyber attacks": ("网络攻击", "恶意代码", "恶意软件", "计算机病毒", "入侵"),
    "privacy": ("个人信息", "生物特征", "人脸信息"),  # (not "隐私权", a right in a list of rights)
    "spam": ("垃圾信息", "垃圾邮件"),
    "surveillance": ("监控", "监视", "生物识别", "跟踪", "人肉搜索"),
    "high-stakes decisions": ("医疗诊断", "自动驾驶", "关键基础设施", "自动化决策"),
    "circumvention": ("逆向工程", "反编译", "反汇编", "破解"),
    "harassment": ("骚扰", "诽谤", "霸凌"),
    "gambling": ("赌博",),
}  # fmt: skip
_HARM_OF = {stem: name for name, stems in _HARMS.items() for stem in stems}
_HARM_RE = compile_fast("|".join(sorted(_HARM_OF, key=len, reverse=True)))
_PROMISE_NOT = compile_fast(r"(?:确保|保证|承诺)[^。;]{0,8}?不|" + NEG)
# A use policy, or a list of restricted uses in an annex ("附件《使用限制》", "附件所列的禁止使用
# 场景"): the license's own restrictions named in passing ("遵守本协议的使用限制") are no reference.
_POLICY_DOC = r"(?:(?:可接受|禁止|负责任)的?)?(?:使用|用途|行为)(?:政策|规范|准则)"
_ANNEXED = (
    r"(?:附件|附录|《|所列)[^。;]{0,20}?(?:(?:使用|用途)限制|禁止的?(?:使用|用途|行为|场景|事项))"
)
_POLICY_REF = zh_rule(  # made binding: "应遵守附件《使用限制》", "不得落入附件所列的禁止使用场景"
    ("使用政策", "使用规范", "使用限制", "用途限制", "使用准则", "行为规范", "禁止"),
    rf"(?:{_POLICY_DOC}|{_ANNEXED})[^。;]{{0,30}}?(?:遵守|约束|纳入|组成部分|一部分|同等效力)"
    rf"|(?:遵守|遵循|符合|受|不得违反|不得落入|不得超出|不得从事)[^。;]{{0,30}}?(?:{_POLICY_DOC}|{_ANNEXED})",
)
_SANCTIONS = compile_fast(r"出口管制|制裁|禁运")
# The sentence is about using the model ("不得利用本模型生成虚假信息"), not, say, an
# application form ("提交申请时不得提供虚假信息").
_OF_USE = compile_fast(r"用于|利用|使用|用来|生成|应用|部署|从事|模型")


def use_restrictions(doc: Document, views: list[View]) -> list[Hit]:
    """A use policy made binding, or a harm (military use, terrorism, surveillance…) under
    a prohibition ("不得", "确保不", a prohibitive lead-in), or else any item of a list of
    prohibited uses of the model; export control is law."""
    listed: tuple[View, re.Match[str]] | None = None
    for v in views:
        if is_definition(v) or _SANCTIONS.search(v.text):
            continue
        if found := v.find(_POLICY_REF):
            return [v.hit("use-restrictions", found[0])]
        for m in _HARM_RE.finditer(v.text):
            before = v.text[max(0, m.start() - 200) : m.start()]
            if (_PROMISE_NOT.search(before) and _OF_USE.search(v.text)) or governed(doc, v):
                return [v.hit("use-restrictions", m, note=f"prohibits {_HARM_OF[m.group()]}")]
        if listed is None and (item := _listed_use(doc, v)):
            listed = v, item
    if listed is None:
        return []
    return [listed[0].hit("use-restrictions", listed[1], note="prohibits a listed use")]


# An item that names the law or others' rights alone ("违反适用法律法规的用途", "侵犯他人知识产权")
# or a term of the licence (commerce, distribution) is not a behavioural restriction.
_LAW_OR_TERMS = compile_fast(
    r"法律|法规|违法|非法|法令|侵犯|侵害|知识产权|商业|商用|营利|盈利|分发|再许可|转让|出租|出售|销售"
    r"|修改|衍生|训练"
)
_USE_LEAD = compile_fast(r"用于|利用|使用|用来|用作|从事|应用")
_ITEM = compile_fast(r"[^\s;。,:]+(?:[^;。]*[^\s;。])?")
_INLINE_ITEMS = compile_fast(INLINE_MARK + r"\s*[^;。]+")


def _listed_use(doc: Document, v: View) -> re.Match[str] | None:
    """An item of a list of prohibited uses: under a lead-in that forbids using the model
    ("使用者不应利用本模型：", "您不得将本模型用于下列用途：") or a title naming
    restricted uses ("附件 禁止的使用场景"), naming more than the law or a licence term.
    A list run into one paragraph is read item by item after its lead-in."""
    if governed(doc, v):
        lead = lead_of(v)
        if _LAW_OR_TERMS.search(v.text) or (lead and not _USE_LEAD.search(lead)):
            return None
        return _ITEM.search(v.text)
    head = INLINE_LEAD.match(v.text)
    if head and NEG_RE.search(head.group(1)) and _USE_LEAD.search(head.group(1)):
        for item in _INLINE_ITEMS.finditer(v.text, head.end(1)):
            if not _LAW_OR_TERMS.search(item.group()):
                return item
    return None


# --- copyleft -----------------------------------------------------------------------------

_CL = zh_rule(
    ("相同", "同样", "同一", "本协议", "本许可"),
    r"相同方式(?:再许可|授权|许可|共享|分发)"
    r"|(?:采取|采用|使用|以|按照)[^。;]{0,15}?(?:与)?(?:本|此)(?:许可协议|许可证|许可|协议)[^。;]{0,6}?"
    r"相同的?(?:方式|条款|许可|协议)?[^。;]{0,20}?(?:授权|许可|分发|发布|共享)"
    r"|(?:以|按照|采用)(?:相同|同样|同一)的?(?:许可证?|协议|条款)[^。;]{0,10}?"
    r"(?:授权|许可|分发|发布|共享|开源|公开)"
    r"|(?:须|必须|应当?)[^。;]{0,30}?(?:以|依|按照|采用)本(?:许可证|协议|许可)(?:的条款)?(?:进行|予以)?"
    r"(?:授权|许可|分发|发布)",
)


def copyleft(views: list[View]) -> list[Hit]:
    """Derivatives passed on under this license or "in the same way" (share-alike)."""
    for v in views:
        if is_definition(v):
            continue
        for m in v.find(_CL):
            if not negated(v.text, m.start(), 20) and not exempted(v.text, m.start(), m.end()):
                return [v.hit("copyleft", m)]
    return []


# --- geographic restriction ---------------------------------------------------------------

_REGION = (
    r"(?:欧盟|欧洲经济区|欧洲|英国|美国|韩国|日本|俄罗斯|白俄罗斯|印度|伊朗|朝鲜|古巴|叙利亚"
    r"|中国大陆|中国境内|中国境外|香港|澳门|台湾|境外|海外)"
)
_GEO = zh_rule(
    ("欧盟", "欧洲", "英国", "美国", "韩国", "日本", "俄罗斯", "印度", "伊朗", "朝鲜",
     "古巴", "叙利亚", "中国", "香港", "澳门", "台湾", "境外", "海外"),
    NEG + r"[^。;]{0,30}?(?:在|于|向)[^。;]{0,6}?" + _REGION
    + r"[^。;]{0,20}?(?:使用|部署|提供|访问|下载|分发)"
    r"|" + _REGION + r"[^。;]{0,12}?的?(?:个人|实体|用户|居民|公民|企业|组织|公司)"
    r"[^。;]{0,20}?" + NEG
    + r"|(?:许可|授权|本协议)[^。;]{0,20}?不(?:适用于|包括|涵盖|覆盖|延伸至)[^。;]{0,20}?"
    + _REGION
    + r"|不(?:向|在|对)[^。;]{0,6}?" + _REGION + r"[^。;]{0,20}?(?:提供|开放|授权|许可)"
    r"|" + _REGION + r"[^。;]{0,30}?不(?:在|属于)[^。;]{0,8}?(?:许可|授权)[^。;]{0,4}?范围"
    r"|仅(?:限于?|适用于|在|于)[^。;]{0,10}?" + _REGION
    + r"[^。;]{0,10}?(?:使用|部署|提供|境内|地区|范围)"
    # the licence void there: "本许可在欧盟境内无效", "于英国不生效"
    r"|(?:许可|授权|本协议)[^。;]{0,10}?(?:在|于|对)[^。;]{0,4}?" + _REGION
    + r"[^。;]{0,20}?(?:无效|不生效|失效|不发生效力|不具有?(?:法律)?效力)",
)  # fmt: skip
# Governing law ("适用中华人民共和国（不包括香港、澳门和台湾）法律") and export control.
_LAW = compile_fast(r"法律|法规|管辖|争议|仲裁|法院|出口管制|制裁")


def geo_restriction(views: list[View]) -> list[Hit]:
    for v in views:
        if is_definition(v) or _LAW.search(v.text):
            continue
        if found := v.find(_GEO):
            return [v.hit("geo-restriction", found[0])]
    return []


# --- grants and the whole reading --------------------------------------------------------

_GRANT = zh_rule(
    ("授予", "授权", "许可", "可以", "有权", "得", "开放给", "提供给"),
    r"(?<![不未无非被])(?:特此|在此|兹)?(?:授予|授权|许可)(?:您|你|被许可方|被许可人|被授权人|使用者|用户)"
    r"|(?<![不未无非被])授予[^。;]{0,60}?(?:许可|使用权|权利)"
    # "您可以出于任何目的，包括商业目的，免费使用…" (commas, but no prohibition, between)
    r"|(?:您|被许可方|被许可人|被授权人|使用者)(?:可以|有权|得(?!到))(?:(?![不禁])[^。;]){0,40}?"
    r"(?:使用|复制|修改|分发|散布|下载)"
    r"|(?:被许可方|被许可人|被授权人)可(?:使用|复制|修改|分发|散布|下载)"
    # "免费开放给个人开发者使用" (not "仅提供给签约客户使用")
    r"|(?<![不未仅只])(?:免费|无偿|公开)(?:开放|提供)给[^。;]{0,30}?(?:使用|下载)",
)


def has_grant(doc: Document) -> bool:
    """Does the Chinese text grant rights ("许可方特此授予您…许可")?"""
    return any(not is_definition(v) and v.find(_GRANT) for v in views(doc))


def hits(doc: Document) -> list[Hit]:
    """Every Chinese detector's hits (none for a text with no Chinese in it)."""
    chinese = views(doc)
    if not chinese:
        return []
    prose = [v for v in chinese if not is_definition(v)]
    nc = non_commercial(doc, prose)
    return [
        *nc,
        *research_only(prose, has_nc=bool(nc)),
        *no_derivatives(chinese),
        *output_training(chinese),
        *thresholds(chinese),
        *prominent_attribution(chinese),
        *use_restrictions(doc, chinese),
        *copyleft(chinese),
        *geo_restriction(chinese),
    ]


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
