"""Shapes of real Hub repositories that the end-to-end evaluation on unseen repositories
(tests/fixtures/unseen_repos, benchmarks/eval_repos.py) found judged wrongly, each written
here again in other words and another shape, so a fix must be general to pass."""

from __future__ import annotations

from unseen_texts import scancode_text

from licscan.engine.evaluate import evaluate
from licscan.engine.lineage import walk
from licscan.engine.policy import load_policy
from licscan.sources.local import read_folder
from licscan.sources.targets import local_target


def judge(folder, *uses):
    snap = read_folder(local_target(folder.name, folder))
    policy = load_policy(None, list(uses) or ["commercial"])
    return evaluate(snap, policy, walk(snap, None, policy.max_depth))


def flag_ids(result) -> set[str]:
    return {f.id for f in result.flags}


def card(license_: str | None, body: str = "# A model\n", **keys: str) -> str:
    lines = ["---"] + ([f"license: {license_}"] if license_ else [])
    lines += [f"{k}: {v}" for k, v in keys.items()]
    return "\n".join([*lines, "---", "", body])


# --- an acceptable-use policy beside an open license binds the model -------------------------

ACCEPTABLE_USE = """Responsible Use Guidelines for Bramble-2

Bramble-2 is provided under the MIT License. In addition, everyone who uses Bramble-2 must
not use the model, directly or through a product built on it:

* to write spam or phishing messages;
* to identify people from photographs of their faces;
* to give individualised financial advice without a licensed adviser reviewing it.
"""


def test_a_use_policy_beside_an_open_license_makes_the_model_open_weight(make_model):
    folder = make_model(
        "bramble",
        card("mit"),
        {
            "LICENSE": "Copyright (c) 2025 Bramble\n\n" + scancode_text("mit"),
            "ACCEPTABLE_USE_POLICY.md": ACCEPTABLE_USE,
            "model.safetensors": b"",
        },
    )
    r = judge(folder)
    assert "use-restrictions" in flag_ids(r)
    assert r.category == "open-weight"  # an AUP takes freedoms an OSI license grants
    assert r.verdict == "warn"
    assert any("ACCEPTABLE_USE_POLICY.md" in n and "open-weight" in n for n in r.notes)


def test_a_license_file_alone_stays_osi_open(make_model):
    folder = make_model(
        "plain", card("mit"), {"LICENSE": scancode_text("mit"), "model.safetensors": b""}
    )
    r = judge(folder)
    assert r.category == "osi-open" and r.verdict == "pass"


# --- a card-only model: the card's prose states terms too ------------------------------------

NC_PROSE = """# Wren-Speech

Wren-Speech transcribes meetings.

## Terms

The checkpoints are shared with the community for academic work. Commercial use of these
weights is prohibited; contact us for a commercial licence.
"""
ZH_PROSE = """# 松风-3B

松风-3B 是一个中文写作助手。

## 使用须知

本模型仅限非营利的学术研究使用，不得用于任何商业目的。
"""
DISCLAIMER_PROSE = """# Heron-1B

## Intended uses

The model is intended for research purposes, such as probing reasoning. It is not a
substitute for professional medical advice.
"""


def test_a_card_only_model_is_bound_by_the_terms_its_prose_states(make_model):
    r = judge(make_model("wren", card("mit", NC_PROSE), {"model.safetensors": b""}))
    nc = next(f for f in r.flags if f.id == "non-commercial")
    assert nc.evidence[0].source == "README.md" and nc.evidence[0].lines == (11, 12)
    assert "prohibited" in nc.evidence[0].quote
    assert r.category == "source-available" and r.verdict == "fail"


def test_a_chinese_card_only_model_is_bound_by_its_prose_too(make_model):
    r = judge(make_model("songfeng", card(None, ZH_PROSE), {"model.safetensors": b""}))
    assert "non-commercial" in flag_ids(r) and "no-license" in flag_ids(r)
    assert r.category == "unknown" and r.verdict == "fail"  # still no grant at all


def test_a_card_describing_intended_uses_states_no_term(make_model):
    r = judge(make_model("heron", card("apache-2.0", DISCLAIMER_PROSE), {"m.safetensors": b""}))
    assert r.category == "osi-open" and r.verdict == "pass"


def test_with_a_license_file_the_file_states_the_terms_not_the_prose(make_model):
    files = {"LICENSE": scancode_text("mit"), "model.safetensors": b""}
    r = judge(make_model("wren2", card("mit", NC_PROSE), files))
    assert "non-commercial" not in flag_ids(r) and r.category == "osi-open"


# --- a derivative that declares no base model ------------------------------------------------

GGUF_PROSE = """# Wren-7B-GGUF

Original model: [wrenlabs/Wren-7B](https://huggingface.co/wrenlabs/Wren-7B)

Made with llama.cpp. Calibration data: https://huggingface.co/datasets/wrenlabs/calib
"""
NC_BASE = "---\nlicense: cc-by-nc-4.0\n---\n# Wren-7B\n"


def judge_with_hub(folder, fetch):
    snap = read_folder(local_target(folder.name, folder))
    policy = load_policy(None, ["commercial"])
    return evaluate(snap, policy, walk(snap, fetch, policy.max_depth))


def test_a_quantisation_naming_no_base_is_bound_by_the_model_its_card_links(make_model):
    base = read_folder(local_target("wrenlabs/Wren-7B", make_model("base", NC_BASE)))
    fetched = []

    def fetch(ref):
        fetched.append(ref)
        return base

    quant = make_model("quant", card("apache-2.0", GGUF_PROSE), {"wren-7b.Q5_K_S.gguf": b""})
    r = judge_with_hub(quant, fetch)
    assert fetched == ["wrenlabs/Wren-7B"]  # the data set link is no model
    assert r.base_models == ["wrenlabs/Wren-7B"]
    assert r.category == "source-available" and r.verdict == "fail"
    assert "non-commercial" in flag_ids(r) and "inherits-base-license" in flag_ids(r)
    link = r.lineage[0]
    assert link.relation == "quantized"


def test_an_adapter_naming_no_base_and_linking_none_is_unresolved(make_model):
    files = {"adapter_config.json": "{}", "adapter_model.safetensors": b""}
    r = judge(make_model("adapter", card("mit", "# My adapter\n"), files))
    assert r.category == "osi-open"  # what could be read; the unchecked base blocks
    assert r.verdict == "fail" and "inherits-base-license" in flag_ids(r)
    note = next(f for f in r.flags if f.id == "inherits-base-license").note
    assert "adapter but names no base model" in note


def test_an_original_model_links_other_models_without_taking_them_as_bases(make_model):
    body = "# Finch-1B\n\nCompare with [x/y](https://huggingface.co/x/y).\n"
    r = judge(make_model("finch", card("mit", body), {"model.safetensors": b""}))
    assert r.base_models == [] and r.verdict == "pass"


# --- a derivative relabelling a custom-licensed base -----------------------------------------

CUSTOM_BASE_LICENSE = """OSPREY MODEL TERMS

Osprey Labs permits you to use, copy, modify and distribute the Osprey weights, including in
commercial products, provided that any product with more than 20,000,000 monthly active users
first obtains a written licence from Osprey Labs.
"""


def test_a_derivative_declaring_mit_over_a_custom_licensed_base_is_a_mismatch(make_model):
    base_folder = make_model("osprey", card("other"), {"LICENSE": CUSTOM_BASE_LICENSE})
    base = read_folder(local_target("osprey-labs/Osprey-3B", base_folder))
    ft = make_model("ft", card("mit", base_model="osprey-labs/Osprey-3B"), {"m.safetensors": b""})
    r = judge_with_hub(ft, lambda ref: base)
    ids = flag_ids(r)
    assert {"inherits-base-license", "license-mismatch", "user-threshold"} <= ids
    mismatch = next(f for f in r.flags if f.id == "license-mismatch")
    assert "mit" in mismatch.note and "osprey-labs/Osprey-3B" in mismatch.note
    assert r.category == "open-weight"


# --- outputs named by what the model does: "content they generate" ----------------------------


def test_outputs_named_as_what_the_model_generates_are_outputs():
    from licscan.detect.clauses import detect_clauses

    def ids(text):
        return {f.id for f in detect_clauses(text, "LICENSE")}

    assert "output-training-ban" in ids(
        "You shall not use the Weights, or any images or audio they produce, to train or "
        "improve any other generative model."
    )
    assert "output-training-ban" in ids(
        "Licensee must not use text that the model generates in order to fine-tune a "
        "competing large language model."
    )
    assert not ids("Text the model generates belongs to you and may be used for any purpose.")


def test_a_chinese_grant_whose_purpose_comes_before_the_act_is_research_only():
    from licscan.detect.clauses import detect_clauses

    def ids(text):
        return {f.id for f in detect_clauses(text, "LICENSE")}

    assert "research-only" in ids("本院授权被许可人为了科研与教学之目的下载、使用、修改本模型。")
    assert "research-only" in ids("实验室许可您基于学术评测用途使用该模型权重。")
    assert "research-only" not in ids("许可方允许您出于任何目的使用本模型，包括商业目的。")
    assert "research-only" not in ids("我们允许您为了开发产品的目的使用本模型。")


# --- a LICENSE that is a notice pointing to a standard license --------------------------------

POINTER_NOTICE = """Copyright 2023 Lark Robotics GmbH

Licensed under the Apache License, Version 2.0 (the "License"); you may not use these files
except in compliance with the License. A copy of the License can be found at

    https://www.apache.org/licenses/LICENSE-2.0

Unless required by applicable law or agreed to in writing, the weights are distributed on
an "AS IS" BASIS, WITHOUT WARRANTIES OR CONDITIONS OF ANY KIND, either express or implied.
See the License for the specific language governing permissions and limitations under the
License.
"""


def test_a_notice_pointing_to_apache_with_its_usual_sentences_is_apache():
    from licscan.engine.classify import classify_text

    tc = classify_text(POINTER_NOTICE, "LICENSE")
    assert tc.match.key == "apache-2.0" and not tc.match.modified
    assert tc.category == "osi-open"


def test_a_notice_whose_usual_sentences_carry_a_restriction_is_not():
    from licscan.engine.classify import classify_text

    for changed in (
        POINTER_NOTICE.replace("except in", "for non-commercial purposes only and except in"),
        POINTER_NOTICE.replace(
            "either express or implied.",
            "either express or implied. The weights may only be used for research.",
        ),
    ):
        tc = classify_text(changed, "LICENSE")
        assert tc.category != "osi-open"


def test_an_undeclared_base_is_no_component_of_the_bom(make_model, tmp_path):
    import json

    from click.testing import CliRunner

    from licscan.cli import main

    files = {"adapter_config.json": "{}", "adapter_model.safetensors": b""}
    folder = make_model("adapter2", card("mit", "# An adapter\n"), files)
    out = tmp_path / "bom.json"
    result = CliRunner().invoke(main, ["scan", str(folder), "--format", "cyclonedx",
                                       "--output", str(out)])  # fmt: skip
    assert result.exit_code == 1
    refs = [c["bom-ref"] for c in json.loads(out.read_text())["components"]]
    assert len(refs) == 1 and refs[0].startswith("local:")  # the model alone


def test_a_card_naming_non_commercial_use_withholds_it_however_the_sentence_runs(make_model):
    body = (
        "# Tern-2B\n\n## License\n\nCode: BSD. The weights are licensed for noncommercial "
        "use; contact us for other uses.\n"
    )
    r = judge(make_model("tern", card("bsd-3-clause", body), {"model.safetensors": b""}))
    assert "non-commercial" in flag_ids(r) and r.verdict == "fail"
