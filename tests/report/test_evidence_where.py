"""Reports read where evidence was read from its fields (site, name, base), not from its
source name: the link a reviewer clicks and the words that say where a quote is from."""

from __future__ import annotations

from licscan.model import Evidence, EvidenceKind, Site
from licscan.report.common import evidence_file, evidence_link
from licscan.report.evidence import file_words, where_read, wording
from tests.report_samples import FT_SHA, finetune

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
    assert evidence_file(m, Evidence.at("supplied:LICENSE.txt", "q", (1, 1))) is None


def test_a_dataset_and_a_policy_are_named_by_their_fields():
    m = finetune()
    ds = Evidence(K.HUB, "license: cc-by-nc-4.0", Site.DATASET, "org/data")
    assert evidence_link(m, ds, HUB) == f"{HUB}/datasets/org/data"
    assert wording(m, ds).label == "The data set's card on the Hub (org/data)"
    pol = Evidence(K.POLICY, "denied", Site.POLICY, "org-policy.yaml", (7, 7))
    assert wording(m, pol).label == "Policy org-policy.yaml, line 7"
    assert evidence_link(m, pol, HUB) is None
