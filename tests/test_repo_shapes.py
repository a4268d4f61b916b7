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
