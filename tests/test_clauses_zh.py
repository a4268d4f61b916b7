"""Chinese and bilingual licenses: the same flags, values and evidence as English ones.

The invented licenses in tests/data/unseen (*-zh.txt, *-bilingual.txt) are classified
whole; short sentences test one reading each (a carve-out, a definition, a double
negative, registration versus authorisation, Chinese numerals, a hard wrap inside a
word); the corpus tests tell versions one clause apart by their text alone."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from conftest import CORPUS

from licscan.detect.clause_zh_text import zh_integer
from licscan.detect.clauses import category_from_clauses, detect_clauses
from licscan.detect.normalize import decode
from licscan.engine.classify import classify_text
from licscan.model import Flag

ROOT = Path(__file__).resolve().parents[1]
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
