"""classify: identity + clauses -> category and flags with evidence, over the whole
corpus, modified and unknown texts, unreadable files, and the CLI."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner
from paths import CORPUS, ROOT, corpus_params

from licscan.cli import main
from licscan.engine.classify import classify_file, classify_text
from licscan.sources.files import decode, read_license_path

TEXTS = CORPUS / "texts"
FACTS = corpus_params(
    lambda: {
        e["file"].removeprefix("texts/"): e
        for e in yaml.safe_load((CORPUS / "facts.yaml").read_text(encoding="utf-8"))
    }
)
LABELS_FILE = ROOT / "tests" / "data" / "corpus_labels.yaml"


def read(name: str) -> str:
    return decode((TEXTS / name).read_bytes())


def ids(result) -> set[str]:
    return {f.id for f in result.flags}


def implied(entry: dict) -> tuple[set[str], set[str]]:
    """Flags the corpus facts clearly imply (must) and clearly rule out (must_not)."""
    f = {k: v["normalized"] for k, v in entry["facts"].items()}
    value = {k: str(v.get("value", "")) for k, v in entry["facts"].items()}
    must, must_not = set(), set()
    if f["commercial_use"] == "prohibited":
        must.add("non-commercial")
    elif f["commercial_use"] in ("allowed", "allowed-with-cap"):
        must_not.add("non-commercial")
    if f["research_only"] == "yes":
        must.add("research-only")
    if f["derivatives_allowed"] == "no":
        must.add("no-derivatives")
    elif f["derivatives_allowed"] in ("yes", "conditional"):
        must_not.add("no-derivatives")
    ot = f["output_training"]
    if ot == "banned":
        must.add("output-training-ban")
    elif ot == "conditional":
        must.add("output-training-conditional")
    elif ot == "allowed":
        must_not |= {"output-training-ban", "output-training-conditional"}
    if f["user_or_revenue_threshold"] == "stated" and re.search(
        r"\d", value["user_or_revenue_threshold"]
    ):
        must.add("threshold")
    # A "yes" is not always behavioural (a field-of-use limit is no AUP): the labels
    # file judges those; no use restriction stated means no flag.
    if f["use_restrictions"] in ("no", "not-stated"):
        must_not.add("use-restrictions")
    if f["geographic_restriction"] == "region-excluded":
        must.add("geo-restriction")
    else:
        must_not.add("geo-restriction")
    if f["share_alike_or_copyleft"] == "yes":
        must.add("copyleft")
    elif f["share_alike_or_copyleft"] in ("no", "flow-down"):
        must_not.add("copyleft")
    return must, must_not


@pytest.mark.corpus
@pytest.mark.parametrize("name", sorted(FACTS))
def test_corpus_text_flags_follow_the_facts(name: str) -> None:
    result = classify_text(read(name), name)
    found = ids(result)
    must, must_not = implied(FACTS[name])
    if "threshold" in must:
        must.remove("threshold")
        assert found & {"user-threshold", "revenue-threshold"}, found
    assert must <= found, f"missing {must - found}"
    assert not (must_not & found), f"unexpected {must_not & found}"
    if found & {"non-commercial", "research-only", "no-derivatives"}:
        assert result.category == "source-available"
    is_policy = re.search(r"(acceptable|prohibited) use policy", FACTS[name]["license_name"], re.I)
    assert (result.kind == "policy") == bool(is_policy)
    assert "unrecognized-license" not in found and "modified-license" not in found


def labels() -> dict:
    if not LABELS_FILE.exists():
        return {}
    data = yaml.safe_load(LABELS_FILE.read_text(encoding="utf-8"))
    return data.get("texts", data) if isinstance(data, dict) else {}


@pytest.mark.corpus
@pytest.mark.skipif(not LABELS_FILE.exists(), reason="corpus labels not written yet")
@pytest.mark.parametrize("name", sorted(FACTS))
def test_corpus_text_matches_its_label(name: str) -> None:
    label = labels()[name]
    result = classify_text(read(name), name)
    assert result.category == label["category"]
    assert result.osi_approved == label.get("osi_approved", False)
    assert result.kind == label.get("kind", "license")
    assert ids(result) == set(label["flags"])  # and no modified/unrecognized flag
    values = {f.id: f.value for f in result.flags}
    for flag, value in (label.get("values") or {}).items():
        assert values[flag] == str(value)


@pytest.mark.corpus
def test_thresholds_carry_numbers() -> None:
    values = {f.id: f.value for f in classify_text(read("llama-3.1-community.txt"), "L").flags}
    assert values["user-threshold"] == "700000000"
    values = {
        f.id: f.value
        for f in classify_text(read("stability-ai-community-license-2024-07-05.txt"), "L").flags
    }
    assert values["revenue-threshold"] == "1000000"


@pytest.mark.corpus
def test_every_flag_has_evidence_with_a_source() -> None:
    for name in (
        "llama-3.1-community.txt",
        "flux1-dev-noncommercial-v1.1.1.txt",
        "tencent-hunyuan-community-hunyuanvideo-2024-12-03.txt",
    ):
        for flag in classify_text(read(name), name).flags:
            assert flag.evidence and all(e.source and e.quote for e in flag.evidence)


@pytest.mark.corpus
def test_appended_policy_adds_its_flags() -> None:
    text = read("llama-3.2-community.txt") + "\n\n" + read("llama-3.2-acceptable-use-policy.txt")
    result = classify_text(text, "LICENSE")
    assert result.match.key == "llama-3.2" and result.match.includes == ["llama-3.2-aup"]
    assert "geo-restriction" in ids(result) and "modified-license" not in ids(result)


@pytest.mark.corpus
def test_unseen_version_is_named_by_its_title_line() -> None:
    text = (
        read("llama-3.2-community.txt")
        .replace("3.2", "3.3")
        .replace("September 25, 2024", "December 6, 2024")
    )
    result = classify_text(text, "LICENSE")
    assert result.match.key == "llama-3.3" and result.match.basis == "title"
    assert result.category == "open-weight" and "modified-license" not in ids(result)


def test_short_notice_naming_a_license() -> None:
    result = classify_text(
        "This model is licensed under the Llama 3.3 Community License Agreement.\n", "NOTICE"
    )
    assert result.match.key == "llama-3.3" and result.category == "open-weight"


# --- needs the clause detectors --------------------------------------------------------


@pytest.fixture
def detectors():
    return pytest.importorskip("licscan.detect.clauses")


@pytest.mark.corpus
def test_added_non_commercial_clause_makes_a_modified_license(detectors) -> None:
    text = read("apache-2.0-allenai-olmo.txt")
    cut = text.index("   5. Submission of Contributions")
    extra = (
        "   4a. Field of use. Commercial use of the Work and of any Derivative Works is "
        "prohibited.\n\n"
    )
    result = classify_text(text[:cut] + extra + text[cut:], "LICENSE")
    assert result.match.key == "apache-2.0"
    assert {"modified-license", "non-commercial"} <= ids(result)
    assert result.category == "source-available" and not result.osi_approved


@pytest.mark.corpus
def test_removed_user_threshold_makes_a_modified_license(detectors) -> None:
    text = read("llama-3.1-community.txt")
    start, end = text.index("2. Additional Commercial Terms"), text.index("3. Disclaimer")
    result = classify_text(text[:start] + text[end:], "LICENSE")
    assert result.match.key == "llama-3.1" and "modified-license" in ids(result)
    note = next(f.note for f in result.flags if f.id == "modified-license")
    assert "user-threshold" in note


@pytest.mark.corpus
def test_removed_non_commercial_clause_changes_the_result(detectors) -> None:
    text = read("flux1-dev-noncommercial-v1.1.1.txt")
    original = classify_text(text, "LICENSE")
    start = text.index("- b. Non-Commercial Use Only.")
    end = text.index("\n", start)
    changed = classify_text(text[:start] + text[end:], "LICENSE")
    assert changed.match.key == "flux-1-dev-nc-1.1.1"
    assert "modified-license" in ids(changed) and "modified-license" not in ids(original)


OWN_PERMISSIVE = """Open Weights Permission Notice

Anyone may use, copy, change, merge, publish, give away or sell these model weights,
for any purpose at all, commercial or not, without paying anything. The only condition
is that this notice stays attached to every copy. The weights come as they are, with no
promise that they work, and the authors owe nobody anything for what happens when they
are used.
"""

OWN_NONCOMMERCIAL = """Lab Model Research Terms

1. You may download and run this model only for non-commercial research and teaching.
Any commercial use, including use in a paid product or service, is not permitted.
2. You may publish papers about results obtained with the model.
3. You may not redistribute the weights or any modified version of them.
4. These terms end automatically if you break them.
"""


def test_unknown_permissive_text_is_unrecognized_and_not_osi_open(detectors) -> None:
    # osi-open is earned only by identity: a custom text, however open, is not an OSI license
    result = classify_text(OWN_PERMISSIVE, "LICENSE")
    assert result.match.key is None and "unrecognized-license" in ids(result)
    assert result.category == "open-weight" and not result.osi_approved


def test_unknown_research_text_is_unrecognized_and_source_available(detectors) -> None:
    result = classify_text(OWN_NONCOMMERCIAL, "LICENSE")
    assert result.match.key is None and "unrecognized-license" in ids(result)
    assert result.category == "source-available" and "non-commercial" in ids(result)


# --- files and errors -----------------------------------------------------------------


def test_unreadable_inputs_set_error(tmp_path: Path) -> None:
    binary = tmp_path / "model.bin"
    binary.write_bytes(bytes(range(256)) * 50)
    huge = tmp_path / "HUGE"
    with open(huge, "wb") as fh:
        fh.truncate(50 * 1024 * 1024)
    empty = tmp_path / "EMPTY"
    empty.write_bytes(b"")
    for path in (binary, huge, empty, tmp_path / "missing"):
        result = classify_file(read_license_path(str(path)))
        assert result.error and result.category == "unknown" and result.match.key is None


@pytest.mark.corpus
def test_utf16_file_is_read(tmp_path: Path) -> None:
    path = tmp_path / "LICENSE"
    path.write_bytes(read("deepseek-r1-mit.txt").encode("utf-16"))
    result = classify_file(read_license_path(str(path)))
    assert result.match.key == "mit" and result.category == "osi-open" and result.osi_approved


# --- CLI ------------------------------------------------------------------------------


@pytest.mark.corpus
def test_cli_classify_json_follows_the_contract(tmp_path: Path) -> None:
    files = [str(TEXTS / "llama-3.1-community.txt"), str(TEXTS / "deepseek-r1-mit.txt")]
    res = CliRunner().invoke(main, ["classify", "--format", "json", *files])
    assert res.exit_code == 0, res.output
    data = json.loads(res.output)
    assert [d["path"] for d in data] == files
    first = data[0]
    assert list(first) == ["path", "license", "name", "score", "category", "osi_approved", "flags"]
    assert (first["license"], first["category"], first["osi_approved"]) == (
        "llama-3.1",
        "open-weight",
        False,
    )
    assert 0.97 <= first["score"] <= 1
    threshold = next(f for f in first["flags"] if f["id"] == "user-threshold")
    assert threshold["value"] == "700000000"
    for ev in threshold["evidence"]:
        assert set(ev) == {"source", "lines", "quote", "kind"}
        assert ev["kind"] == "text" and ev["lines"]  # quoted from the file, with its lines


@pytest.mark.corpus
def test_cli_classify_text_and_error_exit(tmp_path: Path) -> None:
    bad = tmp_path / "weights.bin"
    bad.write_bytes(b"\x00\x01\x02" * 1000)
    res = CliRunner().invoke(
        main, ["classify", str(TEXTS / "cc-by-nc-4.0-audiocraft-weights.txt"), str(bad)]
    )
    assert res.exit_code == 3
    assert "cc-by-nc-4.0" in res.output and "source-available" in res.output
    assert "non-commercial" in res.output and "error" in res.output


def test_cli_licenses_lists_the_knowledge_base() -> None:
    res = CliRunner().invoke(main, ["licenses"])
    assert res.exit_code == 0 and "llama-3.1" in res.output and "bsl-1.0" in res.output
    res = CliRunner().invoke(main, ["licenses", "--format", "json"])
    keys = {e["key"] for e in json.loads(res.output)}
    assert {"apache-2.0", "gemma-2024-02-21", "llama-3.2-aup"} <= keys


def test_cli_explain_key_and_hub_id() -> None:
    res = CliRunner().invoke(main, ["explain", "llama3.2"])
    assert res.exit_code == 0
    assert "open-weight" in res.output and "user-threshold = 700000000" in res.output
    assert "llama-3.2-aup" in res.output and "why:" in res.output
    res = CliRunner().invoke(main, ["explain", "cc-by-nc-4.0"])
    assert "source-available" in res.output and "non-commercial" in res.output


@pytest.mark.corpus
def test_second_license_in_one_file_binds_too() -> None:
    text = (
        read("deepseek-r1-mit.txt")
        + "\n\nThe model weights are licensed as follows.\n\n"
        + read("cc-by-nc-4.0-audiocraft-weights.txt")
    )
    result = classify_text(text, "LICENSE")
    assert {result.match.key, *result.match.includes} == {"mit", "cc-by-nc-4.0"}
    assert result.category == "source-available" and "non-commercial" in ids(result)
    assert "modified-license" not in ids(result)


# --- in-place edits of a known license: located, and the text's own terms reported -------


def _line_of(text: str, needle: str) -> int:
    return text[: text.index(needle)].count("\n") + 1


def _modified(result):
    return next(f for f in result.flags if f.id == "modified-license")


@pytest.mark.corpus
def test_changed_user_threshold_is_a_located_modification(detectors) -> None:
    original = read("llama-3.1-community.txt")
    text = original.replace("700 million", "7 million")
    assert text != original
    result = classify_text(text, "LICENSE")
    assert result.match.key == "llama-3.1" and result.match.modified
    threshold = next(f for f in result.flags if f.id == "user-threshold")
    assert threshold.value == "7000000"  # the text's number, not the known 700 million
    mod = _modified(result)
    assert "7000000" in mod.note and "700000000" in mod.note
    line = _line_of(text, "7 million")
    assert any(e.lines and e.lines[0] <= line <= e.lines[1] for e in mod.evidence)
    assert any("7 million" in e.quote for e in mod.evidence)
    # the untouched license stays exact
    assert "modified-license" not in ids(classify_text(original, "LICENSE"))


@pytest.mark.corpus
@pytest.mark.parametrize(
    ("name", "old", "new"),
    [
        ("llama-3.1-community.txt", "Meta Platforms", "Acme Intelligence"),  # another licensor
        ("llama-2-community.txt", "You will not use the Llama", "You will use the Llama"),
        ("gemma-terms-2024-04-01.txt", "Google", "Foo"),
    ],
)
def test_a_word_changed_in_place_is_located(detectors, name: str, old: str, new: str) -> None:
    original = read(name)
    assert old in original
    text = original.replace(old, new, 1)
    result = classify_text(text, "LICENSE")
    assert result.match.key == classify_text(original, "LICENSE").match.key
    line = _line_of(text, new)
    assert any(e.lines and e.lines[0] <= line <= e.lines[1] for e in _modified(result).evidence)


@pytest.mark.corpus
def test_removed_output_clause_is_reported_and_located(detectors) -> None:
    text = read("llama-2-community.txt")
    start = text.index("v. You will not use the Llama")
    end = text.index("\n\n", start)
    result = classify_text(text[:start] + text[end:], "LICENSE")
    assert result.match.key == "llama-2"
    assert "output-training-ban" in _modified(result).note


BSD3_FILLED = """Copyright (c) 2019-2026, Northern Lights Applied Machine Perception Group,
University of Tromsø, and the individual contributors listed in AUTHORS.md
All rights reserved.

Redistribution and use in source and binary forms, with or without modification, are
permitted provided that the following conditions are met:

1. Redistributions of source code must retain the above copyright notice, this list of
   conditions and the following disclaimer.
2. Redistributions in binary form must reproduce the above copyright notice, this list
   of conditions and the following disclaimer in the documentation and/or other
   materials provided with the distribution.
3. Neither the name of the Northern Lights Applied Machine Perception Group, the
   University of Tromsø, nor the names of its contributors may be used to endorse or
   promote products derived from this software without specific prior written
   permission.

THIS SOFTWARE IS PROVIDED BY THE COPYRIGHT HOLDERS AND CONTRIBUTORS "AS IS" AND ANY
EXPRESS OR IMPLIED WARRANTIES, INCLUDING, BUT NOT LIMITED TO, THE IMPLIED WARRANTIES OF
MERCHANTABILITY AND FITNESS FOR A PARTICULAR PURPOSE ARE DISCLAIMED. IN NO EVENT SHALL
THE COPYRIGHT HOLDER OR CONTRIBUTORS BE LIABLE FOR ANY DIRECT, INDIRECT, INCIDENTAL,
SPECIAL, EXEMPLARY, OR CONSEQUENTIAL DAMAGES (INCLUDING, BUT NOT LIMITED TO, PROCUREMENT
OF SUBSTITUTE GOODS OR SERVICES; LOSS OF USE, DATA, OR PROFITS; OR BUSINESS
INTERRUPTION) HOWEVER CAUSED AND ON ANY THEORY OF LIABILITY, WHETHER IN CONTRACT, STRICT
LIABILITY, OR TORT (INCLUDING NEGLIGENCE OR OTHERWISE) ARISING IN ANY WAY OUT OF THE USE
OF THIS SOFTWARE, EVEN IF ADVISED OF THE POSSIBILITY OF SUCH DAMAGE.
"""


def test_bsd3_with_long_owner_names_is_bsd3_unmodified(detectors) -> None:
    result = classify_text(BSD3_FILLED, "LICENSE")
    assert result.match.key == "bsd-3-clause"
    assert result.category == "osi-open" and result.osi_approved
    assert "modified-license" not in ids(result)
    # without clause 3 it is the 2-clause license
    cut = BSD3_FILLED.index("3. Neither")
    two = BSD3_FILLED[:cut] + BSD3_FILLED[BSD3_FILLED.index("THIS SOFTWARE") :]
    assert classify_text(two, "LICENSE").match.key == "bsd-2-clause"


def _respelt(text: str) -> str:
    """The text in British spelling (as some publishers print a license)."""
    for us, uk in (("License", "Licence"), ("license", "licence"), ("authorized", "authorised"),
                   ("organization", "organisation"), ("Organization", "Organisation")):  # fmt: skip
        text = text.replace(us, uk)
    return text


@pytest.mark.corpus
@pytest.mark.parametrize(
    "name", ["apache-2.0-allenai-olmo.txt", "cc-by-4.0.txt", "llama-3.1-community.txt"]
)
def test_a_copy_in_british_spelling_is_the_same_license(detectors, name: str) -> None:
    original = classify_text(read(name), "LICENSE")
    text = _respelt(read(name))
    assert text != read(name)
    result = classify_text(text, "LICENSE")
    assert result.match.key == original.match.key and not result.match.modified
    assert result.category == original.category and ids(result) == ids(original)
    assert result.osi_approved == original.osi_approved


@pytest.mark.corpus
def test_a_respelt_copy_with_a_changed_clause_is_still_modified(detectors) -> None:
    text = _respelt(read("llama-2-community.txt"))
    text = text.replace("You will not use the Llama", "You will use the Llama", 1)
    result = classify_text(text, "LICENSE")
    assert result.match.key == "llama-2" and result.match.modified
    line = _line_of(text, "You will use the Llama")
    assert any(e.lines and e.lines[0] <= line <= e.lines[1] for e in _modified(result).evidence)


# --- issue 11: identity must not override the text ----------------------------------------


@pytest.mark.corpus
def test_removed_clause_is_not_reported_whatever_the_coverage(detectors) -> None:
    text = read("llama-3.1-community.txt")
    start, end = text.index("2. Additional Commercial Terms"), text.index("3. Disclaimer")
    result = classify_text(text[:start] + text[end:], "LICENSE")
    assert result.match.key == "llama-3.1" and result.match.score > 0.9
    assert "user-threshold" not in ids(result)  # the cap is gone from this text
    assert "user-threshold" in _modified(result).note
    assert result.category == "open-weight"


@pytest.mark.corpus
def test_a_new_version_without_its_predecessors_cap_is_read_from_its_text(detectors) -> None:
    text = read("llama-3.1-community.txt")
    start, end = text.index("2. Additional Commercial Terms"), text.index("3. Disclaimer")
    text = (text[:start] + text[end:]).replace("Llama 3.1", "Llama 3.4")
    result = classify_text(text, "LICENSE")
    assert result.match.key is None and result.match.closest == "llama-3.1"
    assert result.match.name == "another version of llama"
    assert "user-threshold" not in ids(result) and "unrecognized-license" in ids(result)
    assert result.category == "open-weight"
    assert_quotes_this_text(result, text)


@pytest.mark.corpus
def test_a_generic_title_never_selects_a_vendors_entry(detectors) -> None:
    mit = read("deepseek-r1-mit.txt")
    added = "\nYou must not use the Software to build weapons.\n"
    result = classify_text("Modified MIT License\n\n" + mit + added, "LICENSE")
    assert result.match.key == "mit" and "modified-license" in ids(result)
    assert not ids(result) & {"user-threshold", "revenue-threshold", "prominent-attribution"}
    assert result.category == "open-weight" and not result.osi_approved
    # the vendor's own text is still that vendor's entry
    assert classify_text(read("moonshot-kimi-k2-modified-mit.txt"), "L").match.key == (
        "kimi-k2-modified-mit"
    )


@pytest.mark.corpus
def test_a_match_must_explain_most_of_the_text(detectors) -> None:
    eula = "\n".join(
        f"{i}. The Customer shall pay the fees for seat {i} before using the Product on "
        f"workstation {i}, and shall not copy it to another workstation." for i in range(1, 60)
    )  # fmt: skip
    result = classify_text(eula + "\n\n" + read("deepseek-r1-mit.txt"), "LICENSE")
    assert result.match.key is None and result.match.closest == "mit"
    assert result.category != "osi-open" and "unrecognized-license" in ids(result)


@pytest.mark.corpus
def test_an_exact_open_license_keeps_osi_open_and_a_changed_one_loses_it(detectors) -> None:
    text = read("apache-2.0-allenai-olmo.txt")
    assert classify_text(text, "L").category == "osi-open"
    revocable = text + "\nThe Licensor may revoke this License at any time by notice.\n"
    result = classify_text(revocable, "L")
    assert result.match.key == "apache-2.0" and "modified-license" in ids(result)
    assert result.category == "open-weight" and not result.osi_approved
    assert any("revoke" in e.quote for e in _modified(result).evidence)


def assert_quotes_this_text(result, text: str) -> None:
    lines = text.split("\n")
    for f in result.flags:
        for e in f.evidence:
            assert e.source == "LICENSE" and e.lines, (f.id, e)
            assert e.quote in "\n".join(lines[e.lines[0] - 1 : e.lines[1]]), (f.id, e.quote)


def test_cli_classify_json_on_an_invented_modified_license(tmp_path: Path) -> None:
    import sys

    sys.path.insert(0, str(ROOT / "tests"))
    from unseen_texts import read_unseen

    path = tmp_path / "LICENSE"
    text = read_unseen("mit-plus-commercial-ban.txt")
    path.write_text(text, encoding="utf-8")
    res = CliRunner().invoke(main, ["classify", "--format", "json", str(path)])
    assert res.exit_code == 0, res.output
    (data,) = json.loads(res.output)
    assert (data["license"], data["category"], data["osi_approved"]) == (
        "mit",
        "source-available",
        False,
    )
    flags = {f["id"]: f for f in data["flags"]}
    assert set(flags) == {"non-commercial", "modified-license"}
    lines = text.split("\n")
    for ev in flags["non-commercial"]["evidence"]:
        first, last = ev["lines"]
        assert ev["source"] == str(path) and ev["quote"] in "\n".join(lines[first - 1 : last])


def test_a_notice_naming_an_open_license_binds_it_and_added_terms_change_it() -> None:
    notice = "This model is licensed under the Apache License, Version 2.0.\n"
    plain = classify_text(notice, "NOTICE")
    assert (plain.match.key, plain.category, plain.osi_approved) == ("apache-2.0", "osi-open", True)
    revocable = classify_text(notice + "The authors may revoke this license at any time.\n", "N")
    assert revocable.match.key == "apache-2.0" and revocable.category == "open-weight"
    mod = _modified(revocable)
    assert mod.evidence[0].lines == (2, 2) and "revoke" in mod.evidence[0].quote
    assert not revocable.osi_approved
