"""The engine over realistic local model folders: real cards and license texts from
../shared/corpus (read at run time), every flag the engine raises, each with evidence."""

from __future__ import annotations

import pytest

from licscan.engine.assess import assess, is_pickle, is_weight
from licscan.engine.evaluate import evaluate
from licscan.engine.lineage import walk
from licscan.engine.policy import load_policy
from licscan.sources.local import read_folder
from licscan.sources.targets import local_target

NC_LICENSE = "cc-by-nc-4.0-audiocraft-weights"


def snapshot(folder):
    return read_folder(local_target(folder.name, folder))


def judge(folder, *uses, policy=None, datasets=None, fetch=None):
    snap = snapshot(folder)
    policy = policy or load_policy(None, list(uses) or ["commercial"])
    return evaluate(snap, policy, walk(snap, fetch, policy.max_depth), datasets)


def flags(result):
    return {f.id: f for f in result.flags}


def card(license_: str | None = None, **keys) -> str:
    lines = ["---"]
    if license_:
        lines.append(f"license: {license_}")
    lines += [f"{k}: {v}" for k, v in keys.items()]
    return "\n".join([*lines, "---", "", "# model", ""])


# --- licenses: card, files, other + license_name ---------------------------------------------


def test_card_only_license_carries_known_terms_cited_to_card_line_and_rule(make_model, corpus):
    readme = corpus.card("llama3.1-quantized-relation")
    folder = make_model("quant", readme, {"model.safetensors": b""})
    r = judge(folder)
    assert [(lic.license, lic.source) for lic in r.licenses] == [("llama-3.1", "card:license")]
    line = next(i for i, t in enumerate(readme.splitlines(), 1) if t.startswith("license:"))
    users = flags(r)["user-threshold"]
    assert users.value == "700000000"
    assert users.evidence[0].source == "card:license"
    assert users.evidence[0].lines == (line, line)
    assert users.evidence[0].quote == "license: llama3.1"
    assert users.evidence[1].source == "rules/licenses/llama-3.1.yaml"
    # the acceptable-use policy is incorporated by reference, even with no AUP file
    aup = flags(r)["use-restrictions"]
    assert any(e.source == "rules/licenses/llama-3.1-aup.yaml" for e in aup.evidence)
    assert r.category == "open-weight"


def test_license_file_identified_and_quoted(make_model, corpus):
    folder = make_model(
        "nc", card("cc-by-nc-4.0"), {"LICENSE": corpus.text(NC_LICENSE), "model.safetensors": b""}
    )
    r = judge(folder)
    assert {(lic.license, lic.source) for lic in r.licenses} == {
        ("cc-by-nc-4.0", "card:license"),
        ("cc-by-nc-4.0", "file:LICENSE"),
    }
    nc = flags(r)["non-commercial"]
    assert nc.severity == "block" and r.verdict == "fail"
    assert nc.evidence and all(e.source for e in nc.evidence)
    assert "license-mismatch" not in flags(r)
    assert r.category == "source-available"


def test_other_with_license_name_and_linked_license_file(make_model, corpus):
    readme = corpus.card("other-license_name-llama3-link-LICENSE")
    folder = make_model("gguf", readme, {"LICENSE": corpus.text("llama-3-community")})
    a = assess(snapshot(folder))
    assert ("llama-3", "card:license_name") in {(x.license, x.source) for x in a.licenses}
    assert ("llama-3", "file:LICENSE") in {(x.license, x.source) for x in a.licenses}
    assert "license-mismatch" not in {f.id for f in a.flags}  # llama3 name + llama-3 text agree
    assert a.category == "open-weight"


def test_other_with_unknown_name_and_no_text_is_unrecognized_and_fails_closed(make_model):
    folder = make_model("custom", card("other", license_name="acme-secret-terms"))
    r = judge(folder)
    unrec = flags(r)["unrecognized-license"]
    assert unrec.evidence[0].quote == "license_name: acme-secret-terms"
    assert r.category == "unknown" and r.verdict == "fail"


def test_other_with_nothing_is_no_license(make_model):
    r = judge(make_model("other", card("other")))
    assert "no-license" in flags(r) and r.category == "unknown"
    assert flags(r)["no-license"].severity == "block"


def test_no_license_at_all_blocks_every_use(make_model):
    folder = make_model("bare", "# just prose, no metadata\n", {"model.safetensors": b""})
    for use in ("commercial", "research", "distillation", "redistribution", "fine-tuning"):
        r = judge(folder, use)
        assert r.category == "unknown" and r.verdict == "fail", use
        assert flags(r)["no-license"].severity == "block"


def test_unrecognized_license_text_is_flagged_for_review(make_model):
    text = (
        "Consortium Model Terms\n\nThese weights are shared with members of the example "
        "consortium. Members may run them inside their own organisation. Nothing else "
        "is granted by this document.\n"
    )
    folder = make_model("consortium", card(), {"LICENSE.txt": text})
    r = judge(folder)
    unrec = flags(r)["unrecognized-license"]
    assert unrec.evidence[0].source == "LICENSE.txt"
    assert r.licenses[0].license is None and r.verdict == "fail"


def test_modified_license_flows_from_the_text(make_model, corpus):
    text = corpus.text("llama-3.1-community")
    at = text.find("2. Additional Commercial Terms")
    added = "Licensee shall not use the Llama Materials for any commercial purpose.\n"
    folder = make_model("modified", card("llama3.1"), {"LICENSE": text[:at] + added + text[at:]})
    r = judge(folder)
    assert "modified-license" in flags(r)
    assert flags(r)["modified-license"].severity == "warn"


def test_unreadable_license_file_fails_closed(make_model):
    folder = make_model("binary", card("mit"), {"LICENSE": bytes(range(256)) * 40})
    r = judge(folder)
    assert ("file:LICENSE", "unknown") in {(x.source, x.category) for x in r.licenses}
    assert r.category == "unknown" and r.verdict == "fail"
    assert "binary" in flags(r)["unrecognized-license"].evidence[0].quote


def test_notice_file_is_not_a_license(make_model):
    notice = "This model is licensed under the Apache License 2.0. Copyright 2024 Example.\n"
    r = judge(make_model("notice", card("apache-2.0"), {"NOTICE": notice}))
    assert r.category == "osi-open" and r.verdict == "pass"
    assert any("NOTICE" in n for n in r.notes)


# --- mismatch ---------------------------------------------------------------------------


def test_card_apache_but_llama_license_file_is_a_mismatch(make_model, corpus):
    folder = make_model(
        "mismatch", card("apache-2.0"), {"LICENSE": corpus.text("llama-3-community")}
    )
    r = judge(folder)
    mm = flags(r)["license-mismatch"]
    assert mm.evidence[0].quote == "license: apache-2.0"
    assert mm.evidence[-1].source == "LICENSE" and mm.evidence[-1].lines == (1, 1)
    assert "llama-3" in mm.note
    assert r.category == "open-weight"  # the stricter terms bind


def test_code_license_beside_the_model_license_is_not_a_mismatch(make_model, corpus):
    files = {
        "LICENSE": corpus.text("llama-3.1-community"),
        "LICENSE-CODE.txt": corpus.text("apache-2.0-allenai-olmo"),
    }
    r = judge(make_model("two", card("llama3.1"), files))
    assert "license-mismatch" not in flags(r)


def test_same_family_other_version_is_a_mismatch(make_model, corpus):
    folder = make_model("v", card("llama3"), {"LICENSE": corpus.text("llama-3.1-community")})
    mm = flags(judge(folder))["license-mismatch"]
    assert "another version" in mm.note


# --- context flags ----------------------------------------------------------------------------


def test_use_policy_document_adds_use_restrictions(make_model, corpus):
    files = {
        "LICENSE": corpus.text("llama-3.2-community"),
        "USE_POLICY.md": corpus.text("llama-3.2-acceptable-use-policy"),
    }
    r = judge(make_model("aup", card("llama3.2"), files))
    f = flags(r)
    sources = {e.source for e in f["use-restrictions"].evidence}
    assert "USE_POLICY.md" in sources
    assert "rules/licenses/llama-3.2-aup.yaml" not in sources  # the policy quotes itself
    assert "geo-restriction" in f  # the 3.2 policy excludes a region
    assert all(lic.source != "file:USE_POLICY.md" for lic in r.licenses)  # not a license


@pytest.mark.parametrize(
    "files, pickled",
    [
        (["pytorch_model.bin"], True),
        (["model-00001-of-00002.bin", "model-00002-of-00002.bin", "training_args.bin"], True),
        (["pytorch_model.bin", "model.safetensors"], False),
        (["model.gguf"], False),
        (["ggml-model-q4_0.bin"], False),
        (["adapter_model.safetensors", "training_args.bin"], False),
        (["config.json"], False),
    ],
)
def test_pickle_weights(make_model, files, pickled):
    folder = make_model("w", card("mit"), dict.fromkeys(files, b""))
    r = judge(folder)
    assert ("pickle-weights" in flags(r)) is pickled
    if pickled:
        assert flags(r)["pickle-weights"].evidence[0].source in files


def test_weight_name_rules():
    assert is_pickle("x/model.ckpt") and is_weight("x/model.ckpt")
    assert not is_weight("training_args.bin") and not is_weight("tokenizer.json")


def test_local_copy_of_a_gated_card_is_flagged_gated(make_model, corpus):
    r = judge(make_model("sd", corpus.card("creativeml-openrail-m-gated-prompt")))
    gated = flags(r)["gated"]
    assert gated.evidence[0].source == "card:extra_gated_prompt"
    assert gated.severity == "warn"


def test_hub_gated_flag_from_snapshot(make_model):
    snap = snapshot(make_model("g", card("mit")))
    snap.gated = "manual"
    r = evaluate(snap, load_policy(None, ["commercial"]))
    assert flags(r)["gated"].value == "manual"
    assert flags(r)["gated"].evidence[0].quote == "gated: manual"


def test_dataset_license_restrictive_flagged_and_unreachable_noted(make_model):
    folder = make_model("d", card("apache-2.0", datasets="[acme/nc-data, acme/open-data, acme/x]"))
    datasets = {"acme/nc-data": ["cc-by-nc-4.0"], "acme/open-data": ["cc-by-4.0"], "acme/x": None}
    r = judge(folder, datasets=datasets)
    ds = flags(r)["dataset-license"]
    assert [e.quote for e in ds.evidence[:1]] == ["datasets: acme/nc-data"]
    assert "cc-by-nc-4.0" in ds.note and "acme/open-data" not in ds.note
    assert "datasets: acme/x" in [e.quote for e in ds.evidence]
    assert any("could not be checked" in n and "acme/x" in n for n in r.notes)
    assert r.verdict == "warn"


def test_dataset_licenses_not_checked_need_a_person_never_pass(make_model):
    """Fail closed: terms of training data that could not be read may be restrictive, so
    the model warns (the policy's dataset-license severity) instead of passing."""
    r = judge(make_model("d2", card("apache-2.0", datasets="[acme/data]")))
    assert r.verdict == "warn"
    ds = flags(r)["dataset-license"]
    assert ds.evidence[0].quote == "datasets: acme/data" and "could not be checked" in ds.note
    assert any("acme/data" in n for n in r.notes)


def test_a_dataset_declaring_no_known_license_needs_a_person(make_model):
    folder = make_model("d3", card("apache-2.0", datasets="[acme/a, acme/b, acme/c]"))
    datasets = {"acme/a": ["other"], "acme/b": [], "acme/c": ["mit"]}
    r = judge(folder, datasets=datasets)
    ds = flags(r)["dataset-license"]
    assert "acme/a (declares 'other'" in ds.note and "acme/b (declares no license" in ds.note
    assert "acme/c" not in ds.note and r.verdict == "warn"


# --- errors -----------------------------------------------------------------------------------


def test_yaml_error_card_without_license_file_is_an_error(make_model, corpus):
    r = judge(make_model("broken", corpus.card("yaml-parse-error-tab")))
    assert r.verdict == "error"
    assert "unreadable card" in r.error and "YAML error" in r.error


def test_yaml_error_card_with_a_license_file_is_judged_on_the_file(make_model, corpus):
    files = {"LICENSE": corpus.text("cc-by-4.0")}
    r = judge(make_model("broken2", corpus.card("yaml-parse-error-tab"), files))
    # judged on the file, but never a pass: the card's base models could not be read
    assert r.verdict == "warn" and r.category == "osi-open"
    assert any("YAML error" in n for n in r.notes)
    card = [d for d in r.decisions if str(d.subject) == "card"]
    assert card and card[0].severity == "warn" and "base models unknown" in card[0].note


def test_a_card_quoting_yaml_error_words_in_a_value_is_not_unreadable(make_model):
    """The card's own text in a problem (a base_model that is no repo id) never makes
    the card unreadable: only a problem that left no metadata does (sources.card)."""
    r = judge(make_model("quoting", card("apache-2.0", base_model="'YAML error, not a mapping'")))
    assert r.card_unreadable is None and not r.error
    assert not [d for d in r.decisions if str(d.subject) == "card"]


def test_fetch_error_is_error_never_pass():
    from licscan.model import ModelSnapshot, Target

    snap = ModelSnapshot(Target("acme/gone", "hub", "acme/gone"), error="acme/gone: not found")
    r = evaluate(snap, load_policy(None, ["research"]))
    assert r.verdict == "error" and r.error == "acme/gone: not found"
    assert r.category == "unknown" and r.flags == []
