"""Base-model lineage against the loopback Hub (the real huggingface_hub client over
HTTP): a chain three levels deep, a cycle, a base that 404s, the depth limit, a gated
base read without a token, data-set licenses, and one fetch per shared base."""

from __future__ import annotations

import pytest

from licscan.engine.policy import load_policy
from licscan.engine.run import scan_one, scan_targets
from licscan.model import DEFAULT_MAX_DEPTH
from licscan.sources.fetcher import Fetcher
from licscan.sources.targets import hub_target


def readme(license_: str | None, base: str | None = None, **keys: str) -> str:
    lines = ["---"]
    if license_:
        lines.append(f"license: {license_}")
    if base:
        lines.append(f"base_model: {base}")
    lines += [f"{k}: {v}" for k, v in keys.items()]
    return "\n".join([*lines, "---", "", "# model card", ""])


@pytest.fixture
def hub(loopback_hub):
    return loopback_hub


@pytest.fixture
def fetcher(hub, tmp_path):
    return Fetcher(
        endpoint=hub.url,
        cache_dir=tmp_path / "licscan-cache",
        hf_cache_dir=tmp_path / "hf-cache",
        retry_base_wait=0.01,
        timeout=5,
    )


def scan(fetcher, ref, *uses, policy=None):
    policy = policy or load_policy(None, list(uses) or ["commercial"])
    return scan_one(hub_target(ref), policy, fetcher)


def flags(result):
    return {f.id: f for f in result.flags}


@pytest.fixture
def chain(hub, corpus):
    """support-ft -> instruct-awq (quantized) -> instruct (NC) -> foundation (Llama 3.1)."""
    hub.add_model(
        "acme/foundation",
        {"README.md": readme("llama3.1"), "LICENSE": corpus.text("llama-3.1-community"),
         "model.safetensors": b""},
    )  # fmt: skip
    hub.add_model("acme/instruct", {"README.md": readme("cc-by-nc-4.0", "acme/foundation")})
    hub.add_model(
        "acme/instruct-awq",
        {"README.md": readme("cc-by-nc-4.0", "acme/instruct", base_model_relation="quantized")},
    )
    hub.add_model(
        "acme/support-ft",
        {"README.md": readme("apache-2.0", "acme/instruct-awq"), "model.safetensors": b""},
    )
    return hub


def test_three_levels_deep_every_ancestor_binds(chain, fetcher):
    r = scan(fetcher, "acme/support-ft")
    assert [(n.id, n.depth, n.parent) for n in r.lineage] == [
        ("acme/instruct-awq", 1, "acme/support-ft"),
        ("acme/instruct", 2, "acme/instruct-awq"),
        ("acme/foundation", 3, "acme/instruct"),
    ]
    assert all(len(n.revision) == 40 and n.error is None for n in r.lineage)
    assert r.lineage[2].licenses == ("llama-3.1",)
    sources = {(lic.license, lic.source) for lic in r.licenses}
    assert ("apache-2.0", "card:license") in sources
    assert ("cc-by-nc-4.0", "base:acme/instruct-awq") in sources
    assert ("llama-3.1", "base:acme/foundation") in sources
    assert r.category == "source-available"  # the strictest binding license
    f = flags(r)
    assert any(e.source.startswith("base:acme/instruct-awq") for e in f["non-commercial"].evidence)
    # a term three levels up still binds, with evidence naming where it was read
    assert f["user-threshold"].value == "700000000"
    assert any(e.source == "base:acme/foundation:LICENSE" for e in f["user-threshold"].evidence) \
        or "acme/foundation" in f["user-threshold"].note  # fmt: skip
    inherits = f["inherits-base-license"]
    assert inherits.evidence[0].quote == "base_model: acme/instruct-awq"
    assert "stricter" in inherits.note
    assert "apache-2.0" in f["license-mismatch"].note
    assert r.verdict == "fail" and f["non-commercial"].severity == "block"
    assert r.base_models == ["acme/instruct-awq"]


def test_fine_tune_declaring_apache_on_a_llama_base(hub, fetcher, corpus):
    hub.add_model("meta/llama3", {"README.md": readme("llama3"),
                                  "LICENSE": corpus.text("llama-3-community")})  # fmt: skip
    hub.add_model("someone/medical-ft", {"README.md": readme("apache-2.0", "meta/llama3")})
    r = scan(fetcher, "someone/medical-ft")
    f = flags(r)
    assert r.category == "open-weight"
    assert {"inherits-base-license", "license-mismatch", "output-training-ban"} <= set(f)
    mismatch = f["license-mismatch"]
    assert mismatch.evidence[0].quote == "license: apache-2.0"
    assert mismatch.evidence[-1].source == "base:meta/llama3:LICENSE"
    assert r.verdict == "warn"
    assert scan(fetcher, "someone/medical-ft", "distillation").verdict == "fail"  # output ban


def test_same_license_as_base_is_not_inherited_or_mismatched(hub, fetcher, corpus):
    hub.add_model("meta/l31", {"README.md": readme("llama3.1"),
                               "LICENSE": corpus.text("llama-3.1-community")})  # fmt: skip
    hub.add_model("org/ft", {"README.md": readme("llama3.1", "meta/l31")})
    f = flags(scan(fetcher, "org/ft"))
    assert "inherits-base-license" not in f and "license-mismatch" not in f


def test_cycle_is_noted_and_not_followed(hub, fetcher):
    hub.add_model("acme/a", {"README.md": readme("mit", "acme/b")})
    hub.add_model("acme/b", {"README.md": readme("cc-by-nc-4.0", "acme/a")})
    r = scan(fetcher, "acme/a")
    assert [n.id for n in r.lineage] == ["acme/b"]
    assert any("cycle" in n and "acme/a -> acme/b -> acme/a" in n for n in r.notes)
    assert r.category == "source-available" and r.verdict == "fail"


def test_a_renamed_base_a_cycle_and_the_depth_limit_walk_each_base_once(hub, fetcher):
    """a -> b -> {c, old-d}; c -> a (a cycle); old-d is d's old name (walked as d,
    once); d -> e."""
    from licscan.engine.lineage import walk

    hub.add_model("acme/a", {"README.md": readme("mit", "acme/b")})
    hub.add_model("acme/b", {"README.md": readme("mit", "[acme/c, acme/old-d]")})
    hub.add_model("acme/c", {"README.md": readme("mit", "acme/a")})
    hub.add_model("acme/d", {"README.md": readme("mit", "acme/e")}, renamed_from=["acme/old-d"])
    hub.add_model("acme/e", {"README.md": readme("mit")})
    root = fetcher.fetch(hub_target("acme/a"))
    lineage = walk(root, fetcher.fetch_repo, 5)
    assert [(n.id, n.depth) for n in lineage.nodes] == [
        ("acme/b", 1), ("acme/c", 2), ("acme/d", 2), ("acme/e", 3)
    ]  # fmt: skip
    assert lineage.notes == ["base-model cycle acme/a -> acme/b -> acme/c -> acme/a: "
                             "not followed again"]  # fmt: skip
    shallow = walk(root, fetcher.fetch_repo, 1)
    assert [(n.depth, n.error is None) for n in shallow.nodes] == [
        (1, True), (2, False), (2, False)
    ]  # fmt: skip
    assert all("deeper than 1" in n.error for n in shallow.nodes[1:])
    before = hub.count("/api/models/")
    walk(root, fetcher.fetch_repo, 5)  # memoised by the fetcher: no new requests
    assert hub.count("/api/models/") == before


def test_base_that_404s_fails_closed(hub, fetcher):
    hub.add_model("acme/orphan", {"README.md": readme("apache-2.0", "acme/deleted")})
    r = scan(fetcher, "acme/orphan")
    (node,) = r.lineage
    assert node.id == "acme/deleted" and "not found" in node.error
    assert node.category == "unknown"
    inherits = flags(r)["inherits-base-license"]
    assert inherits.severity == "block" and "could not be checked" in inherits.note
    assert r.verdict == "fail"
    assert r.category == "osi-open"  # what the evidence read says; the gate still fails
    assert scan(fetcher, "acme/orphan", "research").verdict == "warn"


def test_unresolved_base_severity_is_a_policy_choice(hub, fetcher, tmp_path):
    hub.add_model("acme/orphan", {"README.md": readme("apache-2.0", "acme/deleted")})
    path = tmp_path / "p.yaml"
    path.write_text("extends: commercial\nlineage:\n  unresolved: warn\n")
    r = scan(fetcher, "acme/orphan", policy=load_policy(str(path), []))
    assert r.verdict == "warn"
    decision = next(d for d in r.decisions if str(d.subject) == "flag:inherits-base-license")
    assert str(decision.source).endswith("p.yaml:3")


def test_depth_limit(hub, fetcher, tmp_path):
    for i in range(6):
        hub.add_model(f"acme/m{i}", {"README.md": readme("mit", f"acme/m{i + 1}")})
    hub.add_model("acme/m6", {"README.md": readme("mit")})
    path = tmp_path / "p.yaml"
    path.write_text("lineage: {max_depth: 2}\n")
    r = scan(fetcher, "acme/m0", policy=load_policy(str(path), []))
    assert [(n.id, n.depth) for n in r.lineage] == [
        ("acme/m1", 1), ("acme/m2", 2), ("acme/m3", 3)
    ]  # fmt: skip
    assert "deeper than 2" in r.lineage[2].error
    assert hub.count("/api/models/acme/m3") == 0  # never fetched
    full = scan(fetcher, "acme/m0")  # the default limit is 5 levels
    assert [n.error is None for n in full.lineage] == [True] * 5 + [False]
    assert "deeper than 5" in full.lineage[5].error


def test_gated_base_without_token_is_judged_from_its_card(hub, fetcher, corpus):
    hub.add_model(
        "meta/gated-base",
        {"README.md": readme("llama3.1"), "LICENSE": corpus.text("llama-3.1-community")},
        gated="manual",
    )
    hub.add_model("org/ft", {"README.md": readme("mit", "meta/gated-base")})
    r = scan(fetcher, "org/ft")
    (node,) = r.lineage
    assert node.error is None and node.licenses == ("llama-3.1",)
    assert "gated" in node.note
    assert r.category == "open-weight" and "license-mismatch" in flags(r)


def test_gated_top_model_without_token_is_an_error(hub, fetcher, corpus):
    hub.add_model(
        "meta/gated",
        {"README.md": readme("llama3.1"), "LICENSE": corpus.text("llama-3.1-community")},
        gated="auto",
    )
    r = scan(fetcher, "meta/gated")
    assert r.verdict == "error" and "gated" in r.error
    assert flags(r)["gated"].value == "auto"  # still reported, for the reader


def test_dataset_license_resolved_from_the_hub(hub, fetcher):
    hub.add_dataset("acme/nc-data", {"README.md": "---\nlicense: cc-by-nc-sa-4.0\n---\n"})
    hub.add_dataset("acme/open-data", {"README.md": "---\nlicense: cc0-1.0\n---\n"})
    hub.add_model("acme/m", {"README.md": readme("mit", datasets="[acme/nc-data, acme/open-data]"),
                             "model.safetensors": b""})  # fmt: skip
    r = scan(fetcher, "acme/m")
    ds = flags(r)["dataset-license"]
    assert "acme/nc-data" in ds.note and "non-commercial" in ds.note
    assert "acme/open-data" not in ds.note
    # evidence: the card line naming the data set, and what the data set declares
    assert [(e.source, e.quote) for e in ds.evidence][-1] == (
        "dataset:acme/nc-data", "license: cc-by-nc-sa-4.0")  # fmt: skip
    assert r.verdict == "warn"


def test_shared_base_is_fetched_once(hub, fetcher, corpus):
    hub.add_model("meta/base", {"README.md": readme("llama3.1"),
                                "LICENSE": corpus.text("llama-3.1-community")})  # fmt: skip
    targets = []
    for i in range(6):
        hub.add_model(f"org/ft{i}", {"README.md": readme("llama3.1", "meta/base")})
        targets.append(hub_target(f"org/ft{i}"))
    results = scan_targets(targets, load_policy(None, ["commercial"]), fetcher, jobs=4)
    assert [r.ref for r in results] == [t.ref for t in targets]
    assert all(r.lineage[0].licenses == ("llama-3.1",) for r in results)
    assert hub.count("/api/models/meta/base") == 1


def test_local_folder_can_name_a_local_base(make_model, corpus):
    from licscan.engine.evaluate import evaluate
    from licscan.engine.lineage import walk
    from licscan.sources.local import read_folder
    from licscan.sources.targets import local_target

    make_model("base", readme("llama3.1"), {"LICENSE": corpus.text("llama-3.1-community")})
    ft = make_model("ft", readme("mit", "../base"))
    manifest = str(ft.parent / "licscan.yaml")  # the folders listed by a manifest beside them
    snap = read_folder(local_target("ft", ft, location=(manifest, 2)))
    r = evaluate(snap, load_policy(None, ["commercial"]), walk(snap, None, DEFAULT_MAX_DEPTH))
    assert r.lineage[0].id == "../base" and r.lineage[0].error is None
    assert r.category == "open-weight" and "inherits-base-license" in flags(r)


@pytest.mark.parametrize("base", ["../base", "../../models/base", "/etc/ssl", "../../../.."])
def test_a_base_path_never_leads_out_of_the_scanned_tree(make_model, corpus, tmp_path, base):
    """A card is untrusted: a base named by path is read only inside the manifest's
    folder tree (here: the folder itself, given on the command line); elsewhere it is
    unresolved, which fails closed, and nothing from there is read or quoted."""
    from licscan.engine.evaluate import evaluate
    from licscan.engine.lineage import walk
    from licscan.sources.local import read_folder
    from licscan.sources.targets import local_target

    make_model("base", readme("apache-2.0"), {"LICENSE": corpus.text("apache-2.0-allenai-olmo")})
    ft = make_model("ft", readme("mit", base))
    for location in (None, (str(ft / "licscan.yaml"), 2)):
        snap = read_folder(local_target(str(ft), ft, location=location))
        r = evaluate(snap, load_policy(None, ["commercial"]), walk(snap, None, DEFAULT_MAX_DEPTH))
        node = next(n for n in r.lineage if n.id == base)
        assert node.error.startswith("not read: the folder lies outside "), node
        assert all(n.error for n in r.lineage)  # ("/etc/ssl" also reads as a Hub id)
        assert r.verdict == "fail" and "inherits-base-license" in flags(r)
        assert any(f"base_model '{base}' of " in n for n in r.notes)
        quoted = [ev.quote for f in r.flags for ev in f.evidence]
        assert not any("Apache" in q for q in quoted)


@pytest.mark.parametrize(
    "card, repo, base, text, category",
    [
        ("llama3-base-declares-apache-2.0", "ruslanmv/Medical-Llama3-8B",
         "meta-llama/Meta-Llama-3-8B", "llama-3-community", "open-weight"),
        ("adapter-peft-llama2-declares-apache-2.0", "FinGPT/fingpt-forecaster_dow30_llama2-7b_lora",
         "meta-llama/Llama-2-7b-chat-hf", "llama-2-community", "open-weight"),
        ("llama3.1-base-declares-mpl-2.0", "WillHeld/DiVA-llama-3-v0-8b",
         "meta-llama/Llama-3.1-8B-Instruct", "llama-3.1-community", "open-weight"),
    ],
)  # fmt: skip
def test_real_cards_declaring_another_license_than_their_gated_base(
    hub, fetcher, corpus, card, repo, base, text, category
):
    readme = corpus.card(card)
    assert base in readme  # the card names this base
    hub.add_model(base, {"README.md": readme_of(text), "LICENSE": corpus.text(text)},
                  gated="manual")  # fmt: skip
    hub.add_model(repo, {"README.md": readme, "adapter_model.safetensors": b""})
    r = scan(fetcher, repo)
    assert r.error is None and r.category == category
    f = flags(r)
    assert {"inherits-base-license", "license-mismatch"} <= set(f)
    line = next(i for i, t in enumerate(readme.splitlines(), 1) if t.startswith("license:"))
    assert f["license-mismatch"].evidence[0].lines == (line, line)
    assert r.verdict == "warn"


def readme_of(text: str) -> str:
    return readme({"llama-3-community": "llama3", "llama-2-community": "llama2",
                   "llama-3.1-community": "llama3.1"}[text])  # fmt: skip


@pytest.mark.parametrize("use", ["commercial", "research", "distillation", "redistribution",
                                 "fine-tuning"])  # fmt: skip
def test_a_base_naming_no_license_makes_the_chain_unknown_under_every_use(hub, fetcher, use):
    """top (MIT) -> middle (Apache) -> bare (no license) -> root (CC-BY): the bare base
    grants nothing, so the model is `unknown` and fails for every use (it used to pass
    research: the policy judged only the categories of licenses it had found)."""
    hub.add_model("acme/root", {"README.md": readme("cc-by-4.0")})
    hub.add_model("acme/bare", {"README.md": readme(None, "acme/root")})
    hub.add_model("acme/middle", {"README.md": readme("apache-2.0", "acme/bare")})
    hub.add_model("acme/top", {"README.md": readme("mit", "acme/middle")})
    r = scan(fetcher, "acme/top", use)
    assert r.category == "unknown"
    assert r.verdict == "fail"
    assert any(str(d.subject) == "category:unknown" and d.severity == "block" for d in r.decisions)
    bare = [lic for lic in r.licenses if lic.source == "base:acme/bare"]
    assert [(lic.license, lic.category) for lic in bare] == [(None, "unknown")]
    assert r.to_dict()["licenses"][2] == {
        "license": None, "category": "unknown", "source": "base:acme/bare"}  # fmt: skip


def test_a_deeper_base_is_linked_by_its_parents_card(hub, fetcher):
    """The evidence for a base two levels up names the card that links it, and what
    shows the base's own terms (here: that it names none)."""
    hub.add_model("acme/bare", {"README.md": readme(None)})
    hub.add_model("acme/middle", {"README.md": readme("apache-2.0", "acme/bare")})
    hub.add_model("acme/top", {"README.md": readme("mit", "acme/middle")})
    r = scan(fetcher, "acme/top")
    ev = flags(r)["inherits-base-license"].evidence
    pairs = [(e.source, e.quote) for e in ev]
    assert ("base:acme/middle:README.md", "base_model: acme/bare") in pairs
    assert any(src.startswith("base:acme/bare") and "no license" in q for src, q in pairs)
    assert "no license at all" in flags(r)["inherits-base-license"].note


@pytest.mark.parametrize("base", ["Llama 3 8B (our fine-tune)", "meta‐llama/Llama-3.1-8B"])
def test_a_base_no_hub_id_can_be_is_unresolved_not_dropped(hub, fetcher, base):
    """`base_model` free text, or an id with a look-alike hyphen: the card says the model
    derives from something; its terms are unknown, so it binds as unresolved."""
    hub.add_model("acme/ft", {"README.md": readme("mit", f'"{base}"')})
    (r,) = scan_targets([hub_target("acme/ft")], load_policy(None, ["commercial"]), fetcher)
    (node,) = r.lineage
    assert node.id == base and node.error.startswith("not a Hub repo id")
    assert r.verdict == "fail" and "inherits-base-license" in flags(r)
    assert not any("not a Hub repo id; not followed" in n for n in r.notes)
