"""Typed evidence: where it was read is fields (site, name, base); the source name a
report or a lock shows is rendered in one place (`Evidence.source`) and read back in one
place (`Evidence.parse`), byte for byte as the string-built names were."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from licscan.model import Evidence, EvidenceKind, LicenseOrigin, OriginKind, Site

K = EvidenceKind

# Every kind of name the engine writes, and the forms a base gives them.
NAMES = [
    "LICENSE",
    "LICENSE.md",
    "README.md",
    "supplied:LICENSE.txt",
    "rules/licenses/llama-3.1.yaml",
    "pytorch_model.bin",
    "card:license",
    "card:license_name",
    "card:base_model",
    "card:datasets",
    "card:extra_gated_prompt",
    "hub:gated",
    "dataset:org/data",
    "policy:org-policy.yaml",
    "policy:commercial preset",
    "files",
    "file:LICENSE",
    "base:org/x",
    "base:org/x:README.md",
    "base:org/x:LICENSE",
    "base:./folder:LICENSE",
    "base:org/x:rules/licenses/mit.yaml",
    "base:org/x:card:license",  # only a crafted record: kept whole
    "",
]


def _legacy_rebase(src: str, base_id: str) -> str:
    """inherit._rebase as it was, on the source string (the reference for in_base)."""
    if src.startswith(("rules/", "base:")):
        return src
    if src.startswith("card:") or src == "README.md":
        src = "README.md"
    elif src.startswith("file:"):
        src = src[5:]
    elif src.startswith("hub:") or src == "files":
        return f"base:{base_id}"
    return f"base:{base_id}:{src}"


def test_every_name_the_engine_writes_reads_back_unchanged():
    for name in NAMES:
        assert Evidence.parse(name, "q").source == name, name


@given(st.text(max_size=40))
def test_any_string_reads_back_unchanged(source):
    ev = Evidence.parse(source, "q", (1, 2), "text")
    assert ev.source == source
    assert Evidence.parse(**_args(ev.to_dict())) == ev


def _args(d):
    return {"source": d["source"], "quote": d["quote"], "lines": tuple(d["lines"]),
            "kind": d["kind"]}  # fmt: skip


@given(st.sampled_from(NAMES), st.sampled_from(["org/base", "./folder", "org/b:x"]))
def test_in_base_names_evidence_as_the_string_rebase_did(source, base):
    ev = Evidence.parse(source, "q")
    assert ev.in_base(base).source == _legacy_rebase(source, base)


def test_the_typed_builders_write_todays_names():
    assert Evidence.at("LICENSE", "x", (1, 2)).source == "LICENSE"
    assert Evidence.card("license", "license: mit", (3, 3)).source == "card:license"
    assert Evidence(K.HUB, "gated: auto", Site.HUB, "gated").source == "hub:gated"
    assert Evidence(K.HUB, "license: mit", Site.DATASET, "org/d").source == "dataset:org/d"
    assert Evidence(K.OBSERVED, "no license file", Site.LISTING).source == "files"
    assert Evidence(K.POLICY, "x", Site.POLICY, "p.yaml", (4, 4)).source == "policy:p.yaml"
    assert Evidence(K.OBSERVED, "why", Site.BASE, base="org/b").source == "base:org/b"


def test_a_base_keeps_the_card_key_the_name_drops():
    """The name of a base's card evidence says README.md (as reports expect); the field
    still says which key it was."""
    ev = Evidence.card("license_name", "license_name: x", (2, 2)).in_base("org/b")
    assert ev.source == "base:org/b:README.md"
    assert (ev.site, ev.name, ev.base, ev.kind) == (Site.CARD, "license_name", "org/b", K.CARD)
    hub = Evidence(K.HUB, "gated: manual", Site.HUB, "gated").in_base("org/b")
    assert hub.source == "base:org/b" and hub.name == "gated"


def test_under_shows_any_name_below_the_base():
    """A license finding of a base whose evidence was never renamed (the knowledge base)
    is shown under the base, name and all; evidence already in a base stays."""
    kb = Evidence.at("rules/licenses/mit.yaml", "summary", None, K.KNOWLEDGE_BASE)
    assert kb.under("org/b").source == "base:org/b:rules/licenses/mit.yaml"
    based = Evidence.at("LICENSE", "x").in_base("org/c")
    assert based.under("org/b") is based


def test_a_record_without_a_kind_gets_the_kind_its_name_implies():
    assert Evidence.parse("base:org/b:README.md", "license: mit").kind is K.CARD
    assert Evidence.parse("hub:gated", "gated: manual", None, "nonsense").kind is K.HUB


@given(st.text(max_size=40))
def test_a_license_origin_reads_back_unchanged(source):
    assert LicenseOrigin.parse(source).source == source


def test_license_origins_name_where_a_license_was_read():
    assert LicenseOrigin.card("license_name").source == "card:license_name"
    assert LicenseOrigin.file("LICENSE.md").source == "file:LICENSE.md"
    assert LicenseOrigin.file("supplied:terms.txt").source == "file:supplied:terms.txt"
    assert LicenseOrigin.base("org/b").source == "base:org/b"
    back = LicenseOrigin.parse("file:supplied:terms.txt")
    assert (back.kind, back.name) == (OriginKind.FILE, "supplied:terms.txt")
    assert LicenseOrigin.parse("LICENSE").kind is None  # none of the three: kept whole
