"""What decided: a decision's source is typed (RuleSource, RuleUse), so every report
renders it without matching paths in strings.  A policy line is cited as errors write
it ('file:line') in decisions, notes and JSON, and as 'file, line N' (a shipped preset:
'NAME preset, line N') where a person reads it; licscan's own decisions by their name."""

from __future__ import annotations

from pathlib import Path

import pytest

from licscan.engine.evaluate import evaluate
from licscan.engine.lineage import walk
from licscan.engine.policy import load_policy
from licscan.model import Decider, RuleSource, RuleUse, ScanReport
from licscan.report.common import rule_words
from licscan.report.explain import render_explanation
from licscan.report.text import render as render_text
from licscan.sources.local import read_folder
from licscan.sources.targets import local_target

CARD = "---\nlicense: mit\n---\n\n# model\n"
PICKLE = {"pytorch_model.bin": b"\x80\x02weights"}


def judge(folder: Path, policy):
    snap = read_folder(local_target(folder.name, folder))
    return evaluate(snap, policy, walk(snap, None, policy.max_depth), {})


def test_each_kind_renders_as_reports_cite_it() -> None:
    preset = RuleSource.at("rules/policies/commercial.yaml", 12, "commercial")
    file = RuleSource.at("examples/policy.yaml", 7)
    assert (str(preset), preset.words()) == (
        "rules/policies/commercial.yaml:12",
        "commercial preset, line 12",
    )
    assert (str(file), file.words()) == ("examples/policy.yaml:7", "examples/policy.yaml, line 7")
    for decider in (Decider.DEFAULT, Decider.UNREADABLE_CARD, Decider.SET_ASIDE):
        own = RuleSource(decider)
        assert str(own) == own.words() == decider.value
    assert str(RuleSource(Decider.DEFAULT)) == "licscan default (not in policy)"
    ruled = RuleUse(preset, "research")
    assert str(ruled) == "rules/policies/commercial.yaml:12 (research)"
    assert ruled.words() == "commercial preset, line 12 (research)"
    assert RuleUse(file).words() == "examples/policy.yaml, line 7"  # every use: none named


def test_prose_citations_render_like_typed_ones() -> None:
    """A note is words (JSON and the lock keep it): its citations read as the rule's own."""
    note = "waived (was block by rules/policies/research.yaml:9); see team/p.yml:3"
    assert (
        rule_words(note) == "waived (was block by research preset, line 9); see team/p.yml, line 3"
    )


def test_presets_are_named_by_the_parser_not_by_their_path(make_model, tmp_path, monkeypatch):
    """A policy file of the user's that sits in a folder called rules/policies is no preset
    (the old reports matched the path and called it 'mine preset')."""
    folder = make_model("m", CARD, PICKLE)
    monkeypatch.chdir(tmp_path)
    own = tmp_path / "rules" / "policies" / "mine.yaml"
    own.parent.mkdir(parents=True)
    own.write_text("extends: commercial\nflags:\n  pickle-weights: block\n", encoding="utf-8")
    r = judge(folder, load_policy(str(own), ["commercial"]))
    pickle = next(f for f in r.flags if f.id == "pickle-weights")
    assert pickle.rule == RuleUse(RuleSource.at("rules/policies/mine.yaml", 3), "commercial")
    assert pickle.rule.words() == "rules/policies/mine.yaml, line 3 (commercial)"
    preset = judge(folder, load_policy(None, ["commercial"]))
    rule = next(f for f in preset.flags if f.id == "pickle-weights").rule
    assert rule is not None and rule.source.preset == "commercial"
    assert rule.words().startswith("commercial preset, line ")


def test_a_policy_file_of_any_name_is_cited_by_line(make_model, tmp_path):
    """The file name decides nothing: a policy kept as .txt reads 'file, line N' in text and
    explain (the old reports only recognised .yaml/.yml names)."""
    folder = make_model("m", CARD, PICKLE)
    path = tmp_path / "team-policy.txt"
    path.write_text("extends: commercial\nflags:\n  pickle-weights: block\n", encoding="utf-8")
    r = judge(folder, load_policy(str(path), ["commercial"]))
    report = ScanReport("0", ["commercial"], [r], "2026-01-01T00:00:00Z")
    assert f"[{path}, line 3 (commercial)]" in render_text(report)
    assert f"pickle-weights -> block by {path}, line 3" in render_explanation(report)


@pytest.mark.parametrize(
    ("policy", "subject", "source"),
    [
        ("extends: commercial\n", "category:unknown", "rules/policies/commercial.yaml"),
        ("extends: commercial\nallow_models: [m]\n", "model", None),
    ],
)
def test_decisions_keep_their_typed_source(make_model, tmp_path, policy, subject, source):
    folder = make_model("m", "---\nlicense: proprietary\n---\n", {})
    path = tmp_path / "p.yaml"
    path.write_text(policy, encoding="utf-8")
    r = judge(folder, load_policy(str(path), ["commercial"]))
    d = next(d for d in r.decisions if str(d.subject) == subject)
    assert d.source.decider is Decider.POLICY and d.source.line > 0
    assert d.source.file == (source or str(path))
    assert str(d).endswith(f"by {d.source}" + (f" ({d.note})" if d.note else ""))


def test_licscan_decides_an_unreadable_card(make_model) -> None:
    folder = make_model("m", "---\nlicense: [unclosed\n---\n", {"LICENSE": "MIT License\n"})
    r = judge(folder, load_policy(None, ["commercial"]))
    d = next(d for d in r.decisions if str(d.subject) == "card")
    assert d.source == RuleSource(Decider.UNREADABLE_CARD)
    assert "card -> warn by licscan: unreadable card" in str(d)
