"""Reports read where evidence was read from its fields (site, name, base), not from its
source name: the link a reviewer clicks and the words that say where a quote is from."""

from __future__ import annotations

from dataclasses import replace

from licscan.model import Evidence, EvidenceKind, LicenseFinding, LicenseOrigin, Site
from licscan.report import render
from licscan.report.common import evidence_file, evidence_link
from licscan.report.evidence import file_words, where_read, wording
from tests.report_samples import FT_SHA, finetune, sample_report

K = EvidenceKind
HUB = "https://huggingface.co"


def test_a_models_own_file_and_card_key_link_to_its_revision():
    m = finetune()
    lic = Evidence.at("LICENSE", "q", (3, 4))
    assert evidence_link(m, lic, HUB) == f"{HUB}/{m.repo_id}/blob/{FT_SHA}/LICENSE#L3-L4"
    card = Evidence.card("license", "license: x", (2, 2))
    assert evidence_file(m, card).path == "README.md"
    assert file_words(card) == "README.md, key “license”, line 2"


def test_a_base_models_card_is_its_readme_and_its_hub_facts_its_page():
    m = finetune()
    card = Evidence.card("license_name", "license_name: x", (5, 5)).in_base("org/base")
    assert where_read(card) == ("org/base", "README.md")
    assert file_words(card) == "README.md of base model org/base, line 5"  # (no key: as before)
    assert evidence_file(m, card).repo_id == "org/base"
    gated = Evidence(K.HUB, "gated: manual", Site.HUB, "gated").in_base("org/base")
    ref = evidence_file(m, gated)
    assert (ref.repo_id, ref.path) == ("org/base", None)
    assert wording(m, gated).label == "Hub metadata of base model org/base"


def test_no_link_for_a_folder_base_the_knowledge_base_or_a_supplied_file():
    m = finetune()
    assert evidence_file(m, Evidence.at("LICENSE", "q").in_base("./base")) is None
    kb = Evidence.at("rules/licenses/mit.yaml", "summary", None, K.KNOWLEDGE_BASE)
    assert evidence_file(m, kb) is None
    supplied = replace(Evidence.at("supplied:LICENSE.txt", "q", (1, 1)), supplied=True)
    assert evidence_file(m, supplied) is None
    # the engine marks what the reviewer supplied: a Hub file may be called that too
    own = evidence_file(m, Evidence.at("supplied:LICENSE.txt", "q", (1, 1)))
    assert own.path == "supplied:LICENSE.txt"


def test_a_dataset_and_a_policy_are_named_by_their_fields():
    m = finetune()
    ds = Evidence(K.HUB, "license: cc-by-nc-4.0", Site.DATASET, "org/data")
    assert evidence_link(m, ds, HUB) == f"{HUB}/datasets/org/data"
    assert wording(m, ds).label == "The data set's card on the Hub (org/data)"
    pol = Evidence(K.POLICY, "denied", Site.POLICY, "org-policy.yaml", (7, 7))
    assert wording(m, pol).label == "Policy org-policy.yaml, line 7"
    assert evidence_link(m, pol, HUB) is None


def test_a_repository_file_named_like_a_source_prefix_is_a_file():
    """Hub paths may hold ':' (and any name): a file called 'card:LICENSE.txt' is quoted as
    that file, not as a card key; a file called 'policy.md' links to the Hub like any other
    (the old reports decided both from the source name's first letters)."""
    m = finetune()
    odd = Evidence.at("card:LICENSE.txt", "q", (1, 1))
    assert wording(m, odd).label == "Quoted from card:LICENSE.txt, line 1"
    doc = Evidence.at("policy.md", "You shall not", (4, 4))
    assert evidence_link(m, doc, HUB) == f"{HUB}/{m.repo_id}/blob/{FT_SHA}/policy.md#L4"
    rules = Evidence.at("rules/terms.md", "You shall not", (2, 2))  # the repository's own
    assert evidence_file(m, rules).path == "rules/terms.md"
    decided = Evidence(K.POLICY, "model denied", Site.POLICY, "org-policy.yaml", (3, 3))
    assert evidence_file(m, decided) is None


def test_the_knowledge_base_key_is_read_from_the_name_whatever_the_base_id():
    """A base named by a folder with ':' in it (a drive letter) keeps its statement's key."""
    kb = Evidence.at("rules/licenses/mit.yaml", "summary", None, K.KNOWLEDGE_BASE)
    for base in ("C:/models/base", "org/base", "./a:b"):
        ev = kb.under(base)
        assert ev.kb_key == "mit" and ev.base == base
        assert wording(finetune(), ev).label.startswith("licscan's summary of the MIT License")


def test_a_notice_names_an_unrecognised_license_by_its_origin():
    """The origin's name, whole: a file path with ':' in it, or a name a lock recorded that
    is none of card/file/base (the old notice cut both at the first ':')."""
    m = finetune()
    m.licenses = [
        LicenseFinding(None, "unknown", LicenseOrigin.file("terms:v2.txt")),
        LicenseFinding(None, "unknown", LicenseOrigin.parse("vendor:terms")),
    ]
    text = render("notice", sample_report(m))
    assert "an unrecognised license (terms:v2.txt)" in text
    assert "an unrecognised license (vendor:terms)" in text
