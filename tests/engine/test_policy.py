"""Policies: the presets for each use case, policy files that extend them (severities,
allow/deny lists, organisation figures, waivers that expire), and strict validation
that names file:line."""

from __future__ import annotations

from pathlib import Path

import pytest
from paths import ROOT

from licscan.engine.evaluate import evaluate
from licscan.engine.lineage import walk
from licscan.engine.policy import load_policy, presets
from licscan.errors import PolicyError
from licscan.model import CATEGORY_ORDER, FLAG_IDS, USES, RuleSource, RuleUse
from licscan.paths import rules_dir
from licscan.sources.local import read_folder
from licscan.sources.targets import local_target


def card(license_: str) -> str:
    return f"---\nlicense: {license_}\n---\n\n# model\n"


def judge(folder, policy):
    snap = read_folder(local_target(folder.name, folder))
    return evaluate(snap, policy, walk(snap, None, policy.max_depth), {})


def flags(result):
    return {f.id: f for f in result.flags}


def write(tmp_path: Path, text: str, name: str = "policy.yaml") -> str:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return str(path)


@pytest.fixture
def models(make_model, corpus):
    """One model per kind of terms, each a license text from the corpus."""

    def model(name: str, license_id: str, text: str | None = None, **extra):
        files = {"model.safetensors": b"", **extra}
        if text:
            files["LICENSE"] = corpus.text(text)
        return make_model(name, card(license_id), files)

    return {
        "apache": model("apache", "apache-2.0", "apache-2.0-allenai-olmo"),
        "nc": model("nc", "cc-by-nc-4.0", "cc-by-nc-4.0-audiocraft-weights"),
        "ncnd": model("ncnd", "cc-by-nc-nd-4.0", "cc-by-nc-nd-4.0-mobileclip-data"),
        "llama2": model("llama2", "llama2", "llama-2-community"),
        "llama31": model("llama31", "llama3.1", "llama-3.1-community"),
        "agpl": model("agpl", "agpl-3.0", "agpl-3.0-ultralytics-yolov8"),
        "stability": model("stability", "other", "stability-ai-community-license-2024-07-05"),
    }


# --- presets ---------------------------------------------------------------------------


def test_presets_are_complete_and_cite_their_own_lines():
    for use, (categories, flag_rules, unresolved) in presets().items():
        assert set(categories) == set(CATEGORY_ORDER) and set(flag_rules) == set(FLAG_IDS)
        lines = (rules_dir() / "policies" / f"{use}.yaml").read_text().splitlines()
        for name, rule in [*categories.items(), *flag_rules.items()]:
            file, line = rule.source.file, rule.source.line
            assert file == f"rules/policies/{use}.yaml" and rule.source.preset == use
            assert lines[line - 1].strip().startswith(f"{name}: {rule.severity}")
        assert unresolved.severity in ("block", "warn")


def test_unknown_blocks_everywhere():
    for use in USES:
        assert presets()[use][0]["unknown"].severity == "block"
        assert presets()[use][1]["no-license"].severity == "block"


# Verdict per use case: commercial, research, distillation, redistribution, fine-tuning.
MATRIX = {
    "apache": ("pass", "pass", "pass", "pass", "pass"),
    "nc": ("fail", "pass", "warn", "fail", "warn"),
    "ncnd": ("fail", "pass", "warn", "fail", "fail"),
    "llama2": ("warn", "pass", "fail", "warn", "warn"),
    "llama31": ("warn", "pass", "warn", "warn", "warn"),
    "agpl": ("warn", "pass", "pass", "fail", "warn"),
}


@pytest.mark.parametrize("kind", sorted(MATRIX))
def test_each_use_case(models, kind):
    got = tuple(judge(models[kind], load_policy(None, [use])).verdict for use in USES)
    assert got == MATRIX[kind]


def test_reasons_name_the_rule_that_decided(models):
    r = judge(models["nc"], load_policy(None, ["commercial"]))
    decision = next(d for d in r.decisions if str(d.subject) == "flag:non-commercial")
    assert decision.severity == "block" and decision.use == "commercial"
    assert decision.source == RuleSource.at("rules/policies/commercial.yaml", 12, "commercial")
    assert any("non-commercial -> block by rules/policies/commercial.yaml:12" in x
               for x in r.reasons)  # fmt: skip


def test_several_uses_take_the_strictest(models):
    r = judge(models["nc"], load_policy(None, ["research", "commercial"]))
    assert r.verdict == "fail" and r.use == ["research", "commercial"]
    assert flags(r)["non-commercial"].severity == "block"


def test_preset_name_as_policy():
    p = load_policy("research", [])
    assert p.uses == ["research"] and p.name == "research (preset)"
    assert load_policy("research", ["commercial"]).uses == ["commercial"]


# --- policy files ----------------------------------------------------------------------------


def test_flag_and_category_overrides_apply_per_use(models, tmp_path):
    path = write(
        tmp_path,
        "extends: commercial\n"
        "flags:\n"
        "  copyleft: {redistribution: warn}\n"
        "  pickle-weights: block\n"
        "categories:\n"
        "  open-weight: {commercial: info}\n",
    )
    p = load_policy(path, ["redistribution"])
    r = judge(models["agpl"], p)
    assert r.verdict == "warn" and flags(r)["copyleft"].severity == "warn"
    assert str(r.decisions[0].source).endswith("policy.yaml:3")
    assert load_policy(path, []).flags["commercial"]["copyleft"].severity == "warn"  # preset
    assert load_policy(path, []).categories["commercial"]["open-weight"].severity == "info"


def test_extends_sets_the_default_uses(tmp_path):
    p = load_policy(write(tmp_path, "extends: [commercial, redistribution]\n"), [])
    assert p.uses == ["commercial", "redistribution"]
    assert p.name.endswith("(extends commercial, redistribution)")


def test_organisation_under_the_user_threshold(models, tmp_path):
    small = load_policy(write(tmp_path, "organisation: {monthly_active_users: 1_000_000}\n"))
    users = flags(judge(models["llama31"], small))["user-threshold"]
    assert users.severity == "info"
    big = load_policy(
        write(tmp_path, "organization:\n  monthly_active_users: 800000000\n", "b.yaml")
    )
    r = judge(models["llama31"], big)
    assert flags(r)["user-threshold"].severity == "block" and r.verdict == "fail"
    decision = next(d for d in r.decisions if str(d.subject) == "flag:user-threshold")
    assert str(decision.source).endswith("b.yaml:2") and "800,000,000" in decision.note


def test_organisation_revenue_threshold(models, tmp_path):
    text = "organisation: {annual_revenue_usd: %d}\n"
    r = judge(models["stability"], load_policy(write(tmp_path, text % 500_000)))
    assert flags(r)["revenue-threshold"].severity == "info"
    r = judge(models["stability"], load_policy(write(tmp_path, text % 5_000_000)))
    assert flags(r)["revenue-threshold"].severity == "block" and r.verdict == "fail"


def test_missing_figure_leaves_the_preset(models, tmp_path):
    p = load_policy(write(tmp_path, "organisation: {annual_revenue_usd: 10}\n"))
    assert flags(judge(models["llama31"], p))["user-threshold"].severity == "warn"


def test_allow_licenses_accepts_that_license_terms(models, tmp_path):
    p = load_policy(write(tmp_path, "allow_licenses: [llama3.1]\n"))  # a Hub id resolves
    r = judge(models["llama31"], p)
    assert r.verdict == "pass"
    assert all(f.severity == "info" for f in r.flags)
    assert judge(models["llama2"], p).verdict == "warn"  # other licenses unaffected


def test_deny_licenses_with_a_glob(models, tmp_path):
    p = load_policy(write(tmp_path, "deny_licenses:\n  - agpl-*\n"), ["research"])
    r = judge(models["agpl"], p)
    assert r.verdict == "fail"
    denied = next(d for d in r.decisions if str(d.subject) == "license:agpl-3.0-only")
    assert denied.severity == "block" and str(denied.source).endswith("policy.yaml:2")


def test_allow_and_deny_models(models, tmp_path):
    p = load_policy(write(tmp_path, "allow_models: [nc*]\ndeny_models: [apache]\n"))
    assert judge(models["nc"], p).verdict == "pass"
    assert judge(models["ncnd"], p).verdict == "pass"
    assert judge(models["apache"], p).verdict == "fail"
    both = load_policy(write(tmp_path, "allow_models: ['*']\ndeny_models: [nc]\n", "b.yaml"))
    assert judge(models["nc"], both).verdict == "fail"  # deny wins


WAIVER = """
waivers:
  - model: {model}
    {flags}
    reason: legal signed a commercial agreement with the licensor
    approver: j.doe@example.com
    expires: 2026-01-31
"""


@pytest.mark.parametrize(
    "today, verdict, applied",
    [
        ("2025-12-01", "pass", True),
        ("2026-01-31", "warn", True),  # its last day: applies, and warns (30 days ahead)
        ("2026-02-01", "fail", False),
    ],
)
def test_waiver_before_and_after_expiry(models, tmp_path, today, verdict, applied):
    path = write(tmp_path, WAIVER.format(model="nc", flags=""))
    r = judge(models["nc"], load_policy(path, ["commercial"], today=today))
    assert r.verdict == verdict
    (w,) = r.waivers
    assert w.applied is applied and w.target == "nc" and w.expires == "2026-01-31"
    assert "non-commercial" in w.flags
    if applied:
        assert flags(r)["non-commercial"].severity == "info"
        assert "waived (was block" in flags(r)["non-commercial"].note
    else:
        assert flags(r)["non-commercial"].severity == "block"
        assert "expired 2026-01-31" in w.note
        assert "waiver for nc expired 2026-01-31: no longer applies" in r.reasons


def test_waiver_for_some_flags_leaves_the_category(models, tmp_path):
    path = write(tmp_path, WAIVER.format(model="nc", flags="flags: [non-commercial]"))
    r = judge(models["nc"], load_policy(path, ["commercial"], today="2026-01-01"))
    assert flags(r)["non-commercial"].severity == "info"
    assert r.verdict == "fail"  # source-available still blocks commercial use
    assert any(str(d.subject) == "category:source-available" and d.severity == "block"
               for d in r.decisions)  # fmt: skip


def test_license_waiver_sets_that_license_aside(models, tmp_path):
    text = (
        "waivers:\n  - license: cc-by-nc-4.0\n    reason: bought a commercial license\n"
        "    approver: legal\n    expires: 2999-12-31\n"
    )
    p = load_policy(write(tmp_path, text), ["commercial"])
    assert judge(models["nc"], p).verdict == "pass"
    assert judge(models["ncnd"], p).verdict == "fail"  # another license


@pytest.mark.parametrize("flags_line", ["", "    flags: [pickle-weights]\n"])
def test_a_license_waiver_never_shows_a_flag_it_did_not_waive(make_model, tmp_path, flags_line):
    """A waiver of mit cannot waive pickle weights (they do not come from the license):
    the flag blocks, and no report may file it as waived."""
    from licscan.model import ScanReport
    from licscan.report import render

    folder = make_model("m", card("mit"), {"pytorch_model.bin": b"\x80\x02weights"})
    text = (
        "flags:\n  pickle-weights: block\nwaivers:\n  - license: mit\n" + flags_line
        + "    reason: checked\n    approver: me\n    expires: 2999-12-31\n"
    )  # fmt: skip
    r = judge(folder, load_policy(write(tmp_path, text), ["commercial"]))
    pickle = flags(r)["pickle-weights"]
    assert pickle.severity == "block" and r.verdict == "fail"
    (w,) = r.waivers
    assert w.applied and "pickle-weights" not in w.flags  # what the waiver covered: nothing
    assert pickle.waiver is None and not pickle.waived  # the engine's decision, reports read it
    report = ScanReport("0", ["commercial"], [r], "2026-01-01T00:00:00Z")
    assert "waived pickle-weights" not in render("text", report, color=False)
    md = render("markdown", report)
    assert "pickle-weights" in md.split("Other findings")[0]  # among the blocking ones
    assert "all flags" not in render("html", report)
    sarif = render("sarif", report)
    assert '"pickle-weights"' in sarif and "suppressions" not in sarif


def test_waivers_never_turn_an_error_into_a_pass(tmp_path):
    from licscan.model import ModelSnapshot, Target

    path = write(tmp_path, WAIVER.format(model="acme/*", flags=""))
    snap = ModelSnapshot(Target("acme/x", "hub", "acme/x"), error="acme/x: timed out")
    r = evaluate(snap, load_policy(path, ["commercial"], today="2026-01-01"))
    assert r.verdict == "error"


def test_allow_errors_in_policy(tmp_path):
    assert load_policy(write(tmp_path, "allow_errors: true\n")).allow_errors is True
    assert load_policy(None).allow_errors is False


# --- validation ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text, message",
    [
        ("flags:\n  non-comercial: info\n",
         "policy.yaml:2: unknown flag 'non-comercial' (did you mean 'non-commercial'?)"),
        ("flags:\n  copyleft: maybe\n", "policy.yaml:2: unknown severity 'maybe'"),
        ("flags:\n  copyleft: {comercial: info}\n", "policy.yaml:2: unknown use 'comercial'"),
        ("categories:\n  unknown: warn\n", "policy.yaml:2: category 'unknown' always blocks"),
        ("categories:\n  closed: block\n", "policy.yaml:2: unknown category 'closed'"),
        ("extends: comercial\n", "policy.yaml:1: unknown preset 'comercial'"),
        ("extend: commercial\n", "policy.yaml:1: unknown key 'extend' in policy (did you mean"),
        ("allow_licenses: [apache2]\n", "policy.yaml:1: unknown license 'apache2'"),
        ("deny_licenses:\n  - nothing-*\n", "policy.yaml:2: license pattern 'nothing-*' matches"),
        ("organisation: {monthly_active_users: -3}\n", "policy.yaml:1: 'monthly_active_users'"),
        ("organisation: {employees: 3}\n", "policy.yaml:1: unknown key 'employees'"),
        ("allow_errors: sometimes\n", "policy.yaml:1: 'allow_errors' must be true or false"),
        ("lineage: {max_depth: 0}\n", "policy.yaml:1: 'max_depth' must be a whole number"),
        ("waivers:\n  - model: a/b\n    reason: r\n    approver: a\n    expires: 2026-02-30\n",
         "policy.yaml:5: bad date '2026-02-30' (expected YYYY-MM-DD)"),
        ("waivers:\n  - model: a/b\n    reason: r\n    expires: 2026-02-01\n",
         "policy.yaml:2: a waiver needs 'approver'"),
        ("waivers:\n  - model: a/b\n    license: mit\n    reason: r\n    approver: a\n"
         "    expires: 2026-02-01\n", "policy.yaml:2: a waiver names exactly one of"),
        ("waivers:\n  - model: a/b\n    flags: [gatd]\n    reason: r\n    approver: a\n"
         "    expires: 2026-02-01\n", "policy.yaml:3: unknown flag 'gatd' (did you mean 'gated'?)"),
        ("waivers:\n  - model: a/b\n    reason: r\n    approver: a\n",
         "policy.yaml:2: a waiver needs 'expires: YYYY-MM-DD'"),
        ("flags: [copyleft]\n", "policy.yaml:1: 'flags' must be a mapping"),
        ("flags:\n  copyleft: info\n  copyleft: warn\n", "policy.yaml:3: duplicate flag"),
        ("flags:\n  copyleft: info\n   gated: [\n", "policy.yaml:3: YAML error"),
        ("- commercial\n", "policy.yaml:1: policy must be a mapping"),
        ("", "policy.yaml:1: empty policy"),
    ],
)  # fmt: skip
def test_invalid_policies_name_file_and_line(tmp_path, text, message):
    monkey = Path.cwd()
    path = write(tmp_path, text)
    with pytest.raises(PolicyError) as exc:
        load_policy(path, [])
    assert message in str(exc.value), str(exc.value)
    assert Path.cwd() == monkey


def test_every_error_is_reported_at_once(tmp_path):
    path = write(tmp_path, "flags:\n  nope: info\ncategories:\n  closed: warn\nbogus: 1\n")
    with pytest.raises(PolicyError) as exc:
        load_policy(path, [])
    lines = [e.split(": ", 1)[0].rsplit(":", 1)[1] for e in exc.value.errors]
    assert lines == ["2", "4", "5"]


def test_missing_policy_file(tmp_path):
    with pytest.raises(PolicyError, match="policy file not found"):
        load_policy(str(tmp_path / "nope.yaml"), [])


def test_documented_example_policy_is_valid(tmp_path):
    doc = (ROOT / "docs" / "policies.md").read_text(encoding="utf-8")
    block = doc.split("# licscan-policy.yaml\n", 1)[1].split("```", 1)[0]
    p = load_policy(write(tmp_path, block), [])
    assert p.uses == ["commercial"] and len(p.waivers) == 2
    assert p.flags["research"]["pickle-weights"].severity == "warn"
    assert p.unresolved["commercial"].severity == "warn"


def test_documented_preset_table_matches_the_presets():
    doc = (ROOT / "docs" / "policies.md").read_text(encoding="utf-8")
    table = doc.split("| | commercial | research |", 1)[1].split("\n\n", 1)[0]
    for row in table.splitlines()[2:]:
        cells = [c.strip() for c in row.strip("|").split("|")]
        names = [n.strip("` ") for n in cells[0].split(",")]
        for use, expected in zip(USES, cells[1:], strict=True):
            categories, flag_rules, unresolved = presets()[use]
            for name in names:
                if name == "unresolved base model":
                    rules = [unresolved]
                elif name == "user / revenue thresholds":
                    rules = [flag_rules["user-threshold"], flag_rules["revenue-threshold"]]
                else:
                    rules = [flag_rules.get(name) or categories[name]]
                assert {r.severity for r in rules} == {expected}, (name, use)


def test_the_judge_gives_each_flag_its_waiver_and_rule_and_the_other_findings(make_model, tmp_path):
    """Reports only read what the engine decided: per flag the waiver that covers it on
    this model and the policy line that set its severity; besides the flags, the
    judgements that block or warn, with their evidence."""
    folder = make_model("m", card("mit"), {"pytorch_model.bin": b"\x80\x02weights"})
    text = (
        "flags:\n  pickle-weights: block\ndeny_models: [m]\nwaivers:\n  - model: m\n"
        "    flags: [pickle-weights]\n    reason: converted\n    approver: me\n"
        "    expires: 2999-12-31\n"
    )
    path = write(tmp_path, text)
    r = judge(folder, load_policy(path, ["commercial"]))
    pickle = flags(r)["pickle-weights"]
    assert pickle.waiver is r.waivers[0] and pickle.waived and pickle.severity == "info"
    assert pickle.rule == RuleUse(RuleSource.at(path, 5), "commercial")  # the waiver decided
    (denied,) = r.findings  # the waiver names a flag: the denial still blocks
    assert (denied.rule_id, denied.subject, denied.severity) == (
        "policy-denied",
        "model denied",
        "block",
    )
    assert denied.rule == RuleUse(RuleSource.at(path, 3))
    assert denied.evidence[0].source == f"policy:{path}"
    assert r.verdict == "fail"
    expired = judge(folder, load_policy(path, ["commercial"], today="3000-01-01"))
    pickle = flags(expired)["pickle-weights"]
    assert pickle.waiver is expired.waivers[0] and not pickle.waived
    assert pickle.severity == "block" and str(pickle.rule) == f"{path}:2 (commercial)"
