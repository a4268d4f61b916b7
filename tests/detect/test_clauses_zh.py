"""Chinese and bilingual licenses: the same flags, values and evidence as English ones.

The invented licenses in tests/data/unseen (*-zh.txt, *-bilingual.txt) are classified
whole; short sentences test one reading each (a carve-out, a definition, a double
negative, registration versus authorisation, Chinese numerals, a hard wrap inside a
word); the corpus tests tell versions one clause apart by their text alone."""

from __future__ import annotations

import re

import pytest
from paths import CORPUS, ROOT

from licscan.detect import clause_zh_text
from licscan.detect.clause_zh_text import simplified, zh_integer
from licscan.detect.clauses import category_from_clauses, detect_clauses
from licscan.engine.classify import classify_text
from licscan.model import Flag
from licscan.sources.files import decode

UNSEEN = ROOT / "tests" / "data" / "unseen"
TEXTS = CORPUS / "texts"
_HAN = re.compile(r"[\u4e00-\u9fff]")


def classified(name: str):
    text = (UNSEEN / name).read_text("utf-8")
    return text, classify_text(text, name)


def flag(result, flag_id: str) -> Flag:
    return next(f for f in result.flags if f.id == flag_id)


def assert_quoted(text: str, found: Flag) -> None:
    """Every quote is this text's own words, on the lines it names."""
    lines = text.splitlines()
    assert found.evidence
    for ev in found.evidence:
        assert ev.lines, found.id
        assert ev.quote in "\n".join(lines[ev.lines[0] - 1 : ev.lines[1]]), found.id


def ids(text: str) -> set[str]:
    return {f.id for f in detect_clauses(text, "LICENSE")}


# --- invented Chinese licenses, classified whole ------------------------------------------


def test_commercial_use_needs_written_authorisation() -> None:
    text, result = classified("xinghe-model-license-zh.txt")
    nc = flag(result, "non-commercial")
    assert "书面授权" in nc.evidence[0].quote and "不适用于" not in nc.evidence[0].quote
    assert result.category == "source-available" and "research-only" not in ids(text)
    assert_quoted(text, nc)


def test_military_use_is_a_use_restriction() -> None:
    text, result = classified("xinghe-model-license-zh.txt")
    found = flag(result, "use-restrictions")
    assert found.note == "prohibits military use" and "军事" in found.evidence[0].quote
    assert_quoted(text, found)


def test_thresholds_in_wan_and_yi_become_integers() -> None:
    text, result = classified("changfeng-open-model-license-zh.txt")
    users, revenue = flag(result, "user-threshold"), flag(result, "revenue-threshold")
    assert users.value == "50000000"  # 五千万
    assert revenue.value == "200000000" and revenue.note == "currency CNY"  # 人民币2亿元
    for found in (users, revenue):
        assert_quoted(text, found)


def test_output_training_ban_and_region_exclusion() -> None:
    text, result = classified("changfeng-open-model-license-zh.txt")
    ban, geo = flag(result, "output-training-ban"), flag(result, "geo-restriction")
    assert "改进其他任何大语言模型" in ban.evidence[0].quote
    assert "欧盟" in geo.evidence[0].quote
    assert "output-training-conditional" not in {f.id for f in result.flags}
    for found in (ban, geo, flag(result, "prominent-attribution")):
        assert_quoted(text, found)


def test_share_alike_is_copyleft_and_its_exemption_is_not_a_limit() -> None:
    text, result = classified("yunshan-sharealike-model-license-zh.txt")
    found = flag(result, "copyleft")
    assert "相同的条款" in found.evidence[0].quote
    assert {f.id for f in result.flags} == {"copyleft", "unrecognized-license"}
    assert result.category != "unknown"  # "您可以出于任何目的…使用" is a grant
    assert_quoted(text, found)


def test_research_only_and_no_published_modifications() -> None:
    text, result = classified("chenghu-research-license-zh.txt")
    for flag_id in ("non-commercial", "research-only", "no-derivatives"):
        assert_quoted(text, flag(result, flag_id))
    assert "prominent-attribution" not in {f.id for f in result.flags}  # citing is encouraged


def test_bilingual_halves_that_differ_the_stricter_wins_with_both_quotes() -> None:
    text, result = classified("mingchuan-model-license-bilingual.txt")
    revenue = flag(result, "revenue-threshold")
    assert revenue.value == "50000000"  # the Chinese RMB 50 million, not the English 500 million
    assert "500000000" in revenue.note and "lower holds" in revenue.note
    assert [bool(_HAN.search(e.quote)) for e in revenue.evidence] == [False, True]
    users = flag(result, "user-threshold")
    assert users.value == "100000000" and len(users.evidence) == 2
    ban = flag(result, "output-training-ban")  # only the Chinese half has it
    assert len(ban.evidence) == 1 and "输出" in ban.evidence[0].quote
    for found in (revenue, users, ban):
        assert_quoted(text, found)


# --- one reading each -----------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "您不得使用本模型改进任何AI模型（本模型的衍生品、非商业用途的AI模型除外）。",
        "本条限制不适用于非营利组织出于非商业目的的使用。",
        '"非商业用途"是指不以营利为目的的使用。',
        "许可模型不禁止商业使用。",
        "如需商业使用，请在官网完成登记，登记后即可免费商用。",
        "您不得侵犯他人的商业秘密。",
        "许可方不对任何商业损失承担责任。",
        "如果您的月活跃用户数超过1亿，您须向我们申请商业许可。",
    ],
)
def test_carve_outs_definitions_and_double_negatives_are_not_non_commercial(text: str) -> None:
    assert "non-commercial" not in ids(text)


@pytest.mark.parametrize(
    "text",
    [
        "本模型仅供非商业用途使用。",
        "您不得将本模型用于任何商业用途。",
        "商业使用须事先取得许可方的书面授权。",
        "获得许可方书面同意后，您方可将本模型用于商业用途。",
        "如需商业使用，不适用本协议，请另行联系我们。",
        "许可方授予您有限的、非商业的许可。",
        "您不得将本模型用于商\n业用途。",  # a hard wrap inside the word
    ],
)
def test_non_commercial_in_chinese_phrasings(text: str) -> None:
    found = next(f for f in detect_clauses(text, "LICENSE") if f.id == "non-commercial")
    assert found.evidence[0].quote in text


@pytest.mark.parametrize(
    ("text", "flags"),
    [
        ("未经书面许可，不得将本模型商用。", {"non-commercial"}),
        ("本模型可免费用于学术研究，商业使用请联系我们获取授权。", {"non-commercial"}),
        ("禁止将本模型用于任何营利性活动。", {"non-commercial"}),
        ("本模型仅限个人学习使用。", {"non-commercial"}),
        ("禁止对本模型进行任何形式的修改。", {"no-derivatives"}),
        ("不得公开发布基于本模型的衍生模型。", {"no-derivatives"}),
        ("禁止使用本模型生成的数据训练其他模型。", {"output-training-ban"}),
        ("不得将本模型的输出用于开发与本模型竞争的模型。", {"output-training-ban"}),
        ("若您使用本模型的输出训练新模型，须在新模型名称的开头添加“XH”。",
         {"output-training-conditional", "prominent-attribution"}),
        ("须在显著位置注明“Powered by 星河”。", {"prominent-attribution"}),
        ("应在模型名称前加上“XH-”前缀。", {"prominent-attribution"}),
        ("本模型不向欧盟地区提供。", {"geo-restriction"}),
        ("本许可仅适用于中国大陆地区的使用。", {"geo-restriction"}),
        ("本协议适用中华人民共和国（不包括香港、澳门和台湾）法律。", set()),
        ("衍生模型须以相同许可协议开源。", {"copyleft"}),
        ("您应确保下游用户同样遵守本协议。", set()),  # flow-down, not copyleft
        ("不得用于制造大规模杀伤性武器。", {"use-restrictions"}),
        ("不得用于生成违法内容。", set()),  # law compliance only
        ("以显著方式说明您对模型所作的修改。", set()),  # a change notice
    ],
)  # fmt: skip
def test_each_flag_in_other_phrasings(text: str, flags: set[str]) -> None:
    assert ids(text) == flags


def test_a_carve_out_keeps_the_ban_it_qualifies() -> None:
    text = "您不得使用本模型改进任何AI模型（本模型的衍生品、非商业用途的AI模型除外）。"
    assert ids(text) == {"output-training-ban"}


def test_definitions_raise_nothing_but_a_derivative_made_from_outputs() -> None:
    assert not ids('"商业用途"：指以营利为目的使用本模型。')
    defined = '"衍生模型"：指对本模型的修改，或利用本模型的输出训练的其他模型。'
    assert ids(defined) == {"output-training-conditional"}


def test_a_prohibited_purpose_is_not_a_ban_on_derivatives() -> None:
    assert ids("您不得出于军事目的使用、复制或修改本模型。") == {"use-restrictions"}
    assert ids("您不得修改本模型。") == {"no-derivatives"}
    assert ids("您不得删除或修改本协议的版权声明。") == set()


def test_research_only_needs_a_limit_not_an_encouragement() -> None:
    assert ids("本模型仅限学术研究使用。") == {"research-only"}
    assert ids("我们鼓励高校将本模型用于研究。") == set()
    assert "research-only" not in ids("包括但不限于模型的训练、评估和执行。")


@pytest.mark.parametrize(
    ("text", "flag_id", "value"),
    [
        ("如您的日活跃用户数超过10万，须另行申请许可。", "user-threshold", "100000"),
        ("产品的月活跃用户超过1.5亿的，需取得单独许可。", "user-threshold", "150000000"),
        ("超过一亿二千万月活跃用户的，须另行申请。", "user-threshold", "120000000"),
        ("用户数在100万以上的，须另行申请。", "user-threshold", "1000000"),
        ("年收入超过5000万美元的，须另行申请。", "revenue-threshold", "50000000"),
    ],
)
def test_chinese_numbers_become_plain_integers(text: str, flag_id: str, value: str) -> None:
    found = next(f for f in detect_clauses(text, "LICENSE") if f.id == flag_id)
    assert found.value == value
    assert found.note == ("" if "美元" in text or flag_id == "user-threshold" else found.note)


def test_form_fields_are_not_thresholds() -> None:
    assert not ids("申请表\n用户量\n1-999\n1000-10w\n10w-100w\n100w+\n")


@pytest.mark.parametrize(
    ("chinese", "value"), [("三千五百", 3500), ("十万", 100000), ("一亿二千万", 120000000),
                           ("两百万", 2000000), ("五千万", 50000000), ("万", 10000)]
)  # fmt: skip
def test_zh_integer(chinese: str, value: int) -> None:
    assert zh_integer(chinese) == value


def test_a_chinese_grant_is_a_grant() -> None:
    grant = "许可方特此授予您一项免费的许可，以使用、复制和分发本模型。"
    assert category_from_clauses(grant, [])[0] != "unknown"
    for no_grant in ("本许可证不授予任何商标权。", '"被许可方"：指被授予许可的主体。'):
        assert category_from_clauses(no_grant, [])[0] == "unknown"


# --- forms read after the second held-out round (one sentence each, other wordings) ------


@pytest.mark.parametrize(
    ("text", "flags"),
    [
        # traditional characters are read as simplified ones, 「」 as quotes
        ("本模型僅供學術研究使用，不得用於商業用途。", {"non-commercial", "research-only"}),
        ("您不得將本模型之輸出用於訓練其他模型。", {"output-training-ban"}),
        ("衍生模型之名稱須以「青山」開頭。", {"prominent-attribution"}),
        ("本公司授予您非專屬、不可轉讓之授權，得使用及修改本模型。", set()),
        ("「商業用途」：指以營利為目的之使用。", set()),
        # both purposes named withhold nothing
        ("本模型可用于商业和非商业用途。", set()),
        ("您可将本模型用于商业或者非商业目的。", set()),
        # commercial use left outside the licence's scope; for-profit purposes
        ("任何商业使用均不属于本协议的授权范围。", {"non-commercial"}),
        ("出于营利目的的使用超出本许可范围。", {"non-commercial"}),
        ("不得以营利为目的使用本模型。", {"non-commercial"}),
        ("不以营利为目的的使用无需授权。", set()),
        # a grant whose purposes are all research or evaluation
        ("本公司授权您将本模型用于教学和科研。", {"research-only"}),
        ("许可您将本模型用于研究和产品开发。", set()),
        ("许可您将本模型用于任何目的，包括学术研究。", set()),
        # training on outputs allowed with a proviso, or freely
        ("您可以利用本模型的输出训练新的模型，但须在模型卡中注明训练数据的来源。",
         {"output-training-conditional"}),
        ("您可以使用本模型生成的数据训练其他模型。", set()),
        # a mark the name must hold; a statement of origin to display
        ("衍生模型的名称必须包含“Kite”字样。", {"prominent-attribution"}),
        ("衍生模型的名称中不得包含“Kite”。", set()),  # a trademark ban
        ("衍生模型的名称中不应包含“Kite”。", set()),
        ("您不应在产品中标注“基于星火模型开发”。", set()),
        ("须在用户协议中写明“本服务由远帆模型驱动”。", {"prominent-attribution"}),
        ("使用者应在产品文档中注明该产品基于本模型研发。", {"prominent-attribution"}),
        ("您应在分发时说明基于本模型训练的衍生模型所作的修改。", set()),  # a change notice
        # a list of restricted uses made binding, by reference or by its title
        ("您的使用须符合本协议附件二《可接受使用政策》。", {"use-restrictions"}),
        ("您应遵守《中华人民共和国数据安全法》的规定。", set()),
        ("第五条 禁止行为\n1. 制作或传播计算机病毒；\n2. 批量发送垃圾邮件。", {"use-restrictions"}),
        ("第五条 责任限制\n1. 因战争、恐怖袭击等不可抗力造成的损失，许可方不承担责任；\n"
         "2. 因您违反法律造成的损失由您承担。", set()),
        ("您同意不会将本模型用于以下用途：\n（一）冒充他人；\n（二）生成虚假新闻。",
         {"use-restrictions"}),
        ("您不得侵犯他人的隐私权。", set()),  # a right, not a use
        ("您提交申请时不得提供虚假信息。", set()),  # not about using the model
    ],
)  # fmt: skip
def test_forms_of_the_second_round_in_other_wordings(text: str, flags: set[str]) -> None:
    assert ids(text) == flags


@pytest.mark.parametrize(
    ("text", "granted"),
    [
        ("您可以，在遵守本协议的前提下，使用、复制和分发本模型。", True),
        ("您得於本條款範圍內重製、散布本模型。", True),  # traditional: 得 is "may"
        ("本模型免费开放给个人开发者和高校使用。", True),
        ("本模型仅提供给已签署商业合同的客户使用。", False),
        ("您可以联系我们，但不得使用本模型。", False),
    ],
)
def test_grants_with_commas_and_in_traditional_chinese(text: str, granted: bool) -> None:
    assert (category_from_clauses(text, [])[0] != "unknown") is granted


def test_traditional_thresholds_and_full_width_digits() -> None:
    users = next(
        f
        for f in detect_clauses("若您的月活躍用戶超過五千萬，須另行取得授權。", "L")
        if f.id == "user-threshold"
    )
    assert users.value == "50000000" and "月活躍用戶" in users.evidence[0].quote
    revenue = next(
        f
        for f in detect_clauses("年营业收入超过人民币３０００万元的，须另行签约。", "L")
        if f.id == "revenue-threshold"
    )
    assert revenue.value == "30000000" and revenue.note == "currency CNY"


def test_simplified_keeps_length_and_every_rule_key() -> None:
    text = "松韻科技授予您非專屬之授權。"
    assert simplified(text) == "松韵科技授予您非专属之授权。" and len(simplified(text)) == len(text)
    assert all(simplified(key) == key for key in clause_zh_text._KEYS)


@pytest.mark.parametrize(
    ("text", "flags"),
    [
        # the licence void in a region; severability is no region
        ("本协议于日本不发生效力。", {"geo-restriction"}),
        ("本协议的任何条款无效的，不影响其他条款的效力。", set()),
        # use by a company needs a (bought) licence
        ("公司客户使用本模型需获得我们的商用许可。", {"non-commercial"}),
        ("企业使用本模型无需取得授权。", set()),
        # the model's origin marked prominently, not a data source noted
        ("应在醒目位置注明技术来源。", {"prominent-attribution"}),
        ("应注明数据来源。", set()),
        # a lone numeral character is a word before the comparison
        ("用户数一经超过500万，须另行申请。", {"user-threshold"}),
        ("如您的年营收一旦高于3亿元，须另行签约。", {"revenue-threshold"}),
        # outputs as fine-tuning data for other models (not a ban on fine-tuning this one)
        ("禁止把本模型输出的文本作为其他模型的微调数据。", {"output-training-ban"}),
        ("您不得对本模型进行微调。", {"no-derivatives"}),
        # any item of a list of prohibited uses, on its lines or run into one paragraph
        ("您不得利用本模型从事下列活动：\n1. 代写学位论文；\n2. 伪造他人签名。",
         {"use-restrictions"}),
        ("您不得利用本模型从事下列活动： 1) 代写学位论文； 2) 伪造他人签名。",
         {"use-restrictions"}),
        ("您不得利用本模型跟踪他人行踪。", {"use-restrictions"}),
        ("附件 禁止的使用场景\n1. 代写学位论文；\n2. 伪造他人签名。", {"use-restrictions"}),
        ("您不得： a) 删除版权声明； b) 将本协议转让给他人。", set()),  # not uses of the model
        ("您不得将本模型用于下列用途：\n1. 违反法律法规的活动；\n2. 侵犯他人知识产权的活动。",
         set()),  # the law and others' rights only
        ("您需遵守本协议的全部条款和使用限制。", set()),  # the licence's own, named in passing
        # an item under a prohibitive lead-in is read with it
        ("您不得将本模型用于下列用途：\n（一）违反法律法规的活动；\n（二）商业用途。",
         {"non-commercial"}),
        ("您可以将本模型用于下列用途：\n1. 商业用途；\n2. 学术研究。", set()),
    ],
)  # fmt: skip
def test_forms_of_the_third_round_in_other_wordings(text: str, flags: set[str]) -> None:
    assert ids(text) == flags


def test_a_short_chinese_lead_in_governs_its_list() -> None:
    text = "## 附件\n使用者不应利用本模型：\na) 代写学位论文；\nb) 伪造他人签名。"
    assert ids(text) == {"use-restrictions"}


# --- versions one clause apart, told apart by their text ------------------------------------

VERSIONS = {
    "openbmb-gml-source-noderiv-noncommercial.txt": "openbmb-gml-source-noderiv-noncommercial",
    "openbmb-gml-source-publicity-commercial-auth.txt":
        "openbmb-gml-source-publicity-commercial-auth",
    "openbmb-gml-source-publicity-noncommercial.txt": "openbmb-gml-source-publicity-noncommercial",
    "openbmb-gml-source-sharealike-modnotice.txt": "openbmb-gml-source-sharealike-modnotice",
    "openbmb-gml-unrestricted.txt": "openbmb-gml-unrestricted",
    "vivo-bluelm-model-license-zh-2023-10.txt": "vivo-bluelm-2023-10",
    "vivo-bluelm-model-license-zh-2023-11.txt": "vivo-bluelm-2023-11",
}  # fmt: skip


@pytest.mark.corpus
@pytest.mark.parametrize("name", sorted(VERSIONS))
def test_versions_one_clause_apart_are_told_apart_without_their_titles(name: str) -> None:
    text = decode((TEXTS / name).read_bytes())
    untitled = text.split("\n", 2)[2]  # the title (and the line after it) gone
    assert classify_text(text, name).match.key == VERSIONS[name]
    assert classify_text(untitled, name).match.key == VERSIONS[name]


@pytest.mark.corpus
def test_a_chinese_clause_added_to_a_chinese_license_is_located() -> None:
    text = decode((TEXTS / "openbmb-gml-unrestricted.txt").read_bytes())
    anchor = "- **商业化**：使用者可以以任何商业目的使用此通用模型。"
    added = "- **地域**：位于欧盟的用户不得下载或使用此通用模型。"
    result = classify_text(text.replace(anchor, anchor + "\n" + added), "LICENSE")
    assert result.match.key == "openbmb-gml-unrestricted" and result.match.modified
    line = text.split("\n").index(anchor) + 2
    modified = flag(result, "modified-license")
    assert any(e.lines and e.lines[0] <= line <= e.lines[1] for e in modified.evidence)
    assert flag(result, "geo-restriction").evidence[0].lines == (line, line)
