"""Model card parsing: every real card in the corpus, and the edge cases real cards have."""

from __future__ import annotations

import csv

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from paths import CORPUS, corpus_params

from licscan.sources.card import REGEX_YAML_BLOCK, card_from_data, parse_card

CARDS = CORPUS / "cards"


def _rows() -> list[dict[str, str]]:
    with open(CARDS / "SOURCES.tsv", encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh, delimiter="\t"))


def _read(name: str) -> str:
    return (CARDS / name).read_bytes().decode("utf-8-sig", errors="replace")


ROWS = corpus_params(_rows)


def test_regex_is_huggingface_hubs_own():
    from huggingface_hub import repocard

    assert REGEX_YAML_BLOCK.pattern == repocard.REGEX_YAML_BLOCK.pattern


@pytest.mark.corpus
def test_corpus_is_present():
    assert len(ROWS) >= 30, "the corpus cards are read from ../shared/corpus at test time"


@pytest.mark.corpus
@pytest.mark.parametrize("row", ROWS, ids=[r["file"][:60] for r in ROWS])
def test_corpus_card_matches_sources_tsv(row):
    card = parse_card(_read(row["file"]))
    expected_licenses = [v for v in row["license"].split(",") if v]
    assert card.licenses == expected_licenses
    assert card.license_name == (row["license_name"] or None)
    assert card.license_link == (row["license_link"] or None)
    expected_bases = list(dict.fromkeys(v for v in row["base_model"].split(",") if v))
    assert card.base_models == expected_bases
    if row["base_model_relation"]:
        assert card.base_model_relation == row["base_model_relation"]
    status = row["front_matter"]
    yaml_errors = [p for p in card.problems if "YAML error at line" in p]
    if status == "ok":
        assert not yaml_errors
        assert not any("not at the top" in p for p in card.problems)
    elif status.startswith("yaml-error"):
        assert yaml_errors and card.licenses == []
    else:  # no-front-matter: the block after the prose is found and reported
        assert any("not at the top" in p for p in card.problems)


@pytest.mark.corpus
@pytest.mark.parametrize("row", ROWS, ids=[r["file"][:60] for r in ROWS])
def test_key_lines_point_at_the_key_in_the_readme(row):
    text = _read(row["file"])
    lines = text.replace("\r\n", "\n").split("\n")
    card = parse_card(text)
    for key in ("license", "license_name", "license_link", "base_model"):
        if key in card.key_lines and key in card.raw:
            assert lines[card.key_lines[key] - 1].startswith(f"{key}:")


def test_gated_prompt_is_read_where_the_card_has_one():
    for row in ROWS:
        card = parse_card(_read(row["file"]))
        has_prompt = "extra_gated_prompt" in row["gated_keys"].split(",")
        assert ("extra_gated_prompt" in card.raw) == has_prompt, row["file"]


@pytest.mark.corpus
def test_yaml_error_names_the_readme_line():
    row = next(r for r in ROWS if r["front_matter"].startswith("yaml-error"))
    text = _read(row["file"])
    card = parse_card(text)
    problem = next(p for p in card.problems if "YAML error" in p)
    line = int(problem.split("at line ")[1].split(":")[0])
    assert "\t" in text.replace("\r\n", "\n").split("\n")[line - 1]
    assert problem.startswith("README.md: YAML error at line")


@pytest.mark.corpus
def test_trl_licence_typo_is_noted_and_placeholder_dropped():
    row = next(r for r in ROWS if "licence-typo" in r["file"])
    card = parse_card(_read(row["file"]))
    assert card.licenses == []
    assert any("'licence:'" in p for p in card.problems)
    assert any("placeholder" in p for p in card.problems)
    assert card.base_model_relation == "adapter"  # from the base_model:adapter:... tag


def test_licence_typo_with_a_real_value_is_accepted():
    card = parse_card("---\nlicence: apache-2.0\n---\n")
    assert card.licenses == ["apache-2.0"]
    assert card.key_lines["license"] == 2
    assert any("licence" in p for p in card.problems)


def test_license_list_and_upper_case_kept_as_given():
    assert parse_card("---\nlicense: [llama2, other]\n---\n").licenses == ["llama2", "other"]
    assert parse_card("---\nlicense: MIT\n---\n").licenses == ["MIT"]


def test_front_matter_below_prose_is_read_and_reported():
    text = "# Title\n\nSome prose.\n\n---\nlicense: mit\nbase_model: org/base\n---\n\nMore.\n"
    card = parse_card(text)
    assert card.licenses == ["mit"]
    assert card.base_models == ["org/base"]
    assert card.key_lines["license"] == 6
    assert any("line 5, not at the top" in p for p in card.problems)


def test_markdown_rules_are_not_front_matter():
    card = parse_card("# Title\n\n---\n\nJust a section between rules.\n\n---\n")
    assert card.licenses == []
    assert card.problems == ["README.md: no metadata block (YAML front matter) found"]


def test_bom_crlf_and_leading_blank_lines():
    card = parse_card("\ufeff\r\n---\r\nlicense: mit\r\n---\r\nbody\r\n")
    assert card.licenses == ["mit"]
    assert card.key_lines["license"] == 3


def test_non_mapping_and_empty_blocks():
    assert "not a mapping" in parse_card("---\n- a\n---\n").problems[0]
    empty = parse_card("---\n\n---\nbody\n")
    assert empty.licenses == [] and empty.problems == []


def test_duplicate_key_is_reported():
    card = parse_card("---\nlicense: mit\nlicense: apache-2.0\n---\n")
    assert card.licenses == ["apache-2.0"]
    assert any("appears twice" in p for p in card.problems)


def test_base_model_forms():
    card = parse_card(
        "---\nbase_model:\n- https://huggingface.co/org/a\n- org/b\n- ./local/ckpt\n- org/b\n---\n"
    )
    assert card.base_models == ["org/a", "org/b"]
    assert any("./local/ckpt" in p for p in card.problems)


def test_tags_fill_missing_license_and_base_model():
    card = parse_card("---\ntags:\n- license:apache-2.0\n- base_model:merge:org/x\n---\n")
    assert card.licenses == ["apache-2.0"]
    assert card.base_models == ["org/x"] and card.base_model_relation == "merge"
    assert card.key_lines["license"] == 3
    assert any("taken from tags" in p for p in card.problems)


def test_wrong_types_are_problems_not_crashes():
    card = parse_card("---\nlicense: {a: 1}\nlicense_name: 3\ndatasets: org/d\n---\n")
    assert card.licenses == []
    assert card.license_name == "3"
    assert card.datasets == ["org/d"]
    assert len(card.problems) == 2


@pytest.mark.slow
def test_pathological_yaml_is_a_problem():
    deep = parse_card("---\nlicense: " + "[" * 5000 + "\n---\n")
    assert deep.problems == ["README.md: front matter nested too deeply (RecursionError)"]
    code = parse_card("---\nlicense: !!python/object:os.system x\n---\n")
    assert "could not determine a constructor" in code.problems[0]


def test_card_from_api_data():
    card = card_from_data(
        {
            "license": "llama3.1",
            "base_model": "meta-llama/Meta-Llama-3.1-8B",
            "extra_gated_prompt": "terms",
        }
    )
    assert card.licenses == ["llama3.1"]
    assert card.base_models == ["meta-llama/Meta-Llama-3.1-8B"]
    assert card.raw["extra_gated_prompt"] == "terms" and card.key_lines == {}
    assert card_from_data(None).licenses == []
    assert "not a mapping" in card_from_data(["x"]).problems[0]


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("---\nlicense: mit\n\tbase_model: x\n---\n", "README.md: YAML error at line 3: "),
        ("---\n- a\n---\n", "README.md: front matter is a list, not a mapping"),
        ("---\nlicense: \x07\n---\n", "README.md: YAML error at line 2: "),
        ("---\na: &a [x, x]\nb: [*a, *a]\nc: *b\n---\n", "README.md: YAML error at line 4: "),
    ],
)
def test_a_problem_that_leaves_no_metadata_makes_the_card_unreadable(text, problem):
    card = parse_card(text)
    assert card.unreadable is not None and card.unreadable.startswith(problem)
    assert card.unreadable in card.problems
    data = card_from_data(["x"])
    assert data.unreadable == "card data (Hub API): metadata is a list, not a mapping"


def test_problems_quoting_those_words_leave_the_card_readable():
    """What decides is where card.py recorded the problem, not its words: a card may
    quote anything (a value, a duplicated key) in a problem of its own."""
    text = "---\nlicense: TBD\nbase_model: YAML error, not a mapping\n"
    text += "front matter unreadable: 1\nfront matter unreadable: 2\n---\n"
    card = parse_card(text)
    assert len(card.problems) == 3 and card.unreadable is None
    assert card_from_data({"license": ["nested too deeply", 3]}).unreadable is None


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from([*"-:\n\t []{}'\"#&*!|>ab1", "---\n", "license: "])))
def test_parse_card_never_raises(pieces):
    card = parse_card("".join(pieces))
    assert isinstance(card.licenses, list)
