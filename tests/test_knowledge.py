"""The knowledge base: every rule file valid, every Hub id and corpus text covered,
facts in our own words only."""

from __future__ import annotations

import csv
import re
from pathlib import Path

import pytest
import yaml
from paths import CORPUS, ROOT

from licscan.errors import KnowledgeError
from licscan.knowledge import load_dir, load_knowledge
from licscan.model import CATEGORY_ORDER, TERM_FLAGS

RULES = ROOT / "rules"


@pytest.fixture(scope="module")
def kb():
    return load_knowledge()


def hub_ids() -> list[dict[str, str]]:
    with open(CORPUS / "hf-license-ids.tsv", encoding="utf-8") as fh:
        return list(csv.DictReader(fh, delimiter="\t"))


@pytest.mark.corpus
def test_every_hub_id_resolves_to_a_category(kb) -> None:
    rows = hub_ids()
    assert len(rows) == 83
    for row in rows:
        entry = kb.by_hub_id(row["hf_id"])
        if row["hf_id"] in ("other", "unknown"):
            assert entry is None
            continue
        assert entry is not None, row["hf_id"]
        assert entry.category in CATEGORY_ORDER
        if row["spdx_id"]:  # the SPDX id the Hub documents is the entry's
            assert entry.spdx == row["spdx_id"], row["hf_id"]


@pytest.mark.parametrize(
    ("hub_id", "key", "category"),
    [
        ("bsl-1.0", "bsl-1.0", "osi-open"),  # Boost, not the Business Source License
        ("gpl-2.0", "gpl-2.0-only", "osi-open"),
        ("agpl-3.0", "agpl-3.0-only", "osi-open"),
        ("llama3.1", "llama-3.1", "open-weight"),
        ("llama2", "llama-2", "open-weight"),
        ("gemma", "gemma", "open-weight"),
        ("openrail", "openrail", "open-weight"),
        ("cc-by-nc-sa-4.0", "cc-by-nc-sa-4.0", "source-available"),
        ("deepfloyd-if-license", "deepfloyd-if", "source-available"),
        ("cc0-1.0", "cc0-1.0", "osi-open"),
    ],
)
def test_hub_id_examples(kb, hub_id: str, key: str, category: str) -> None:
    entry = kb.by_hub_id(hub_id)
    assert (entry.key, entry.category) == (key, category)


def test_boost_is_not_business_source(kb) -> None:
    entry = kb.lookup("BSL-1.0")
    assert entry.name.startswith("Boost") and entry.osi_approved and not entry.flags


def test_lookup_by_any_name(kb) -> None:
    assert kb.lookup("Apache-2.0").key == "apache-2.0"
    assert kb.lookup("LLAMA 3.2 COMMUNITY LICENSE AGREEMENT").key == "llama-3.2"
    assert kb.lookup("GPL-3.0-only").key == "gpl-3.0-only"
    assert kb.lookup("bsd-new").key == "bsd-3-clause"  # ScanCode key
    assert kb.lookup("no-such-license") is None
    assert kb.lookup("  ") is None


def test_entries_are_consistent(kb) -> None:
    for entry in kb.entries.values():
        ids = [f.flag for f in entry.flags]
        assert len(ids) == len(set(ids)), entry.key
        restrictive = {"non-commercial", "research-only", "no-derivatives"}
        if set(ids) & restrictive:
            assert entry.category == "source-available", entry.key
        if entry.category == "osi-open":
            assert set(ids) <= {"copyleft", "output-training-conditional"}, entry.key
        for fact in entry.flags:
            assert fact.flag in TERM_FLAGS
            if fact.flag in ("user-threshold", "revenue-threshold"):
                assert fact.value and fact.value.isdigit(), entry.key


@pytest.mark.corpus
def test_every_corpus_text_is_mapped_to_an_entry(kb) -> None:
    mapping = yaml.safe_load((RULES / "fingerprint-sources.yaml").read_text())["texts"]
    names = sorted(p.name for p in (CORPUS / "texts").glob("*.txt"))
    assert sorted(mapping) == names
    for name, key in mapping.items():
        entry = kb.get(key)
        assert entry is not None, name
        is_policy = "use-policy" in name or "acceptable-use" in name
        assert (entry.kind == "policy") == is_policy, name


def _write(folder: Path, name: str, text: str) -> None:
    (folder / name).write_text(text, encoding="utf-8")


GOOD = """key: demo-1.0
name: Demo License 1.0
category: open-weight
osi_approved: false
flags:
  - flag: user-threshold
    clause: stops at a number of users
    value: "1000"
"""


def test_valid_rule_file_loads(tmp_path: Path) -> None:
    _write(tmp_path, "demo-1.0.yaml", GOOD)
    entry = load_dir(tmp_path).get("demo-1.0")
    assert entry.flags[0].value == "1000"
    assert entry.file == "rules/licenses/demo-1.0.yaml"


@pytest.mark.parametrize(
    ("text", "line", "needle"),
    [
        (GOOD.replace("open-weight", "mostly-open"), 3, "field 'category'"),
        (GOOD.replace("user-threshold", "no-cats"), 6, "flags[0].flag"),
        (GOOD.replace('"1000"', "one thousand"), 8, "flags[0].value"),
        (GOOD.replace("key: demo-1.0", "key: other-key"), 1, "field 'key'"),
        (GOOD.replace("osi_approved: false", "osi_approved: maybe"), 4, "osi_approved"),
        (GOOD + "colour: blue\n", 9, "unknown field"),
        (GOOD.replace("category: open-weight\n", ""), 1, "field 'category' is required"),
        (GOOD + "name: Again\n", 9, "field 'name' given twice"),
        ("key: [unclosed\n", 2, "YAML error"),
    ],
)
def test_bad_rule_file_names_file_line_and_field(
    tmp_path: Path, text: str, line: int, needle: str
) -> None:
    _write(tmp_path, "demo-1.0.yaml", text)
    with pytest.raises(KnowledgeError) as err:
        load_dir(tmp_path)
    assert str(err.value).startswith(f"demo-1.0.yaml:{line}: ") and needle in str(err.value)
    assert "\n" not in str(err.value)  # the first problem, on one line


def test_duplicate_hub_id_is_an_error(tmp_path: Path) -> None:
    _write(tmp_path, "demo-1.0.yaml", GOOD + "hub_ids: [demo]\n")
    _write(
        tmp_path, "demo-2.0.yaml", GOOD.replace("demo-1.0", "demo-2.0") + "hub_ids:\n- x\n- demo\n"
    )
    with pytest.raises(KnowledgeError) as err:
        load_dir(tmp_path)
    assert str(err.value) == (
        "demo-2.0.yaml:11: field 'hub_ids': 'demo' is also claimed by demo-1.0.yaml"
    )


def _words(text: str) -> list[str]:
    """Latin words, and each Han character as a word (Chinese has no spaces: a run of
    twelve characters is a phrase of five or six words, already a copied passage)."""
    return re.findall(r"[a-z0-9]+|[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]", text.lower())


def test_words_split_chinese_into_characters() -> None:
    assert _words("Built with 南北阁 v1.0") == ["built", "with", "南", "北", "阁", "v1", "0"]


@pytest.mark.corpus
def test_rules_hold_no_passage_of_any_corpus_text() -> None:
    """Own words only: no 12-word run of a corpus text appears in rules/ (fingerprints
    hold hashes, and the rule files our own descriptions), Chinese included."""
    n = 12
    windows: set[tuple[str, ...]] = set()
    for path in (CORPUS / "texts").glob("*.txt"):
        words = _words(path.read_text(encoding="utf-8", errors="replace"))
        windows.update(tuple(words[i : i + n]) for i in range(len(words) - n + 1))
    for path in sorted(RULES.rglob("*")):
        if not path.is_file():
            continue
        words = _words(path.read_text(encoding="utf-8"))
        hits = [
            " ".join(words[i : i + n])
            for i in range(len(words) - n + 1)
            if tuple(words[i : i + n]) in windows
        ]
        assert not hits, f"{path.relative_to(ROOT)} copies corpus text: {hits[0]!r}"


# --- the flag glossary: rules/flags.yaml ------------------------------------------------------


def test_glossary_explains_every_flag_in_plain_words() -> None:
    from licscan.knowledge import REPORT_FINDINGS, load_glossary
    from licscan.model import FLAG_IDS

    glossary = load_glossary()
    assert set(glossary) == set(FLAG_IDS) | set(REPORT_FINDINGS)
    for flag, info in glossary.items():
        assert info.title and info.description.endswith(".") and info.help, flag
        assert flag not in info.description  # words, not the id again


@pytest.mark.parametrize(
    "text, line, needle",
    [
        ("- a list\n", 1, "must be a YAML mapping"),
        ("gated: {title: a, description: b, help: c}\nnot-a-flag: {}\n", 2, "'not-a-flag' is"),
        ("gated: {title: a, description: b}\n", 1, "exactly the fields"),
        ("gated:\n  title: a\n  description: ''\n  help: c\n", 3, "'gated.description'"),
        ("gated: {title: a, description: b, help: c}\n", 1, "no entry for flag"),
    ],
)
def test_bad_glossary_names_the_file_line_and_entry(
    tmp_path: Path, text: str, line: int, needle: str
) -> None:
    from licscan.knowledge import parse_glossary

    path = tmp_path / "flags.yaml"
    with pytest.raises(KnowledgeError, match=re.escape(needle)) as info:
        parse_glossary(path, text)
    assert str(info.value).startswith(f"flags.yaml:{line}: ")


@pytest.mark.parametrize(
    "args",
    [["licenses"], ["explain", "mit"], ["scan", "{model}", "--offline", "--no-lock"]],
)
def test_a_broken_rule_file_is_one_line_and_exit_3(tmp_path, monkeypatch, make_model, args):
    """A knowledge base that does not load (a damaged install) ends every command with one
    line naming the file, exit 3: never a traceback."""
    from click.testing import CliRunner

    import licscan.knowledge as knowledge
    from licscan.cli import main

    rules = tmp_path / "rules"
    (rules / "licenses").mkdir(parents=True)
    (rules / "licenses" / "broken.yaml").write_text("key: broken\nname: B\ncategory: free\n")
    monkeypatch.setattr(knowledge, "rules_dir", lambda: rules)
    load_knowledge.cache_clear()
    try:
        model = make_model("m", "---\nlicense: mit\n---\n", {"LICENSE": "MIT License\n"})
        argv = [a.replace("{model}", str(model)) for a in args]
        result = CliRunner().invoke(main, argv)
    finally:
        load_knowledge.cache_clear()
    assert result.exit_code == 3, result.output
    assert not isinstance(result.exception, KnowledgeError)
    lines = result.output.strip().splitlines()
    assert lines[-1].startswith("licscan: ") and "broken.yaml:3: field 'category'" in lines[-1]
    assert "Traceback" not in result.output
