"""Obligations: what a user must do to comply, derived in one place from the flags and the
licenses, each with its evidence.  Invented license wording (never a corpus text), so the
derivation is tested on terms licscan never saw."""

from __future__ import annotations

from report_samples import errored, finetune

from licscan.engine.evaluate import evaluate
from licscan.engine.lineage import walk
from licscan.engine.obligations import obligations
from licscan.engine.policy import load_policy
from licscan.lockfile.document import entry_from_result, load_lock, result_from_entry, write_lock
from licscan.model import (
    Evidence,
    EvidenceKind,
    Flag,
    LicenseFile,
    LicenseFinding,
    LicenseOrigin,
    Lockfile,
    ModelResult,
    ObligationKind,
)
from licscan.sources.local import read_folder
from licscan.sources.targets import local_target

K = ObligationKind


def model(*flags: Flag, licenses=(), files=()) -> ModelResult:
    return ModelResult(
        ref="acme/m", source="hub", revision="a" * 40, repo_id="acme/m",
        category="open-weight", verdict="warn", flags=list(flags),
        licenses=list(licenses), license_files=list(files),
    )  # fmt: skip


def by_kind(m: ModelResult) -> dict[ObligationKind, list]:
    out: dict[ObligationKind, list] = {}
    for ob in obligations(m):
        out.setdefault(ob.kind, []).append(ob)
    return out


def test_notice_and_name_prefix_are_read_from_the_quote() -> None:
    shown = Evidence.parse(
        "LICENSE", "Products must show “Powered by Zephyrine” on their about page.", (7, 7)
    )
    named = Evidence.parse(
        "LICENSE", "A model trained on outputs must have 'Zeph' at the start of its name.", (9, 9)
    )
    m = model(
        Flag("prominent-attribution", None, [shown]),
        Flag("output-training-conditional", None, [named]),
    )
    got = by_kind(m)
    (display,) = got[K.DISPLAY_NOTICE]
    assert display.text == "Powered by Zephyrine" and "“Powered by Zephyrine”" in display.action
    assert display.evidence == (shown,) and display.flag == "prominent-attribution"
    (prefix,) = got[K.NAME_PREFIX]
    assert prefix.text == "Zeph" and "start the name" in prefix.action.lower()


def test_conditions_without_a_name_stay_generic() -> None:
    said = Evidence.parse(
        "LICENSE", "Outputs may train other models if those carry this license.", (3, 3)
    )
    (ob,) = obligations(model(Flag("output-training-conditional", None, [said])))
    assert ob.kind is K.OUTPUT_TRAINING and ob.text is None


def test_thresholds_use_the_flag_value() -> None:
    m = model(
        Flag(
            "user-threshold", "50000000", [Evidence.parse("LICENSE", "fifty million users", (2, 2))]
        ),
        Flag("revenue-threshold", "1000000", [Evidence.parse("LICENSE", "USD 1M revenue", (4, 4))]),
    )
    got = by_kind(m)
    assert "50,000,000 monthly active users" in got[K.USER_LIMIT][0].action
    assert "USD 1,000,000" in got[K.REVENUE_LIMIT][0].action


def test_use_policy_named_from_the_knowledge_base() -> None:
    kb = Evidence.parse("rules/licenses/llama-3.1-aup.yaml", "forbids listed uses", None,
                  EvidenceKind.KNOWLEDGE_BASE)  # fmt: skip
    (ob,) = obligations(model(Flag("use-restrictions", None, [kb])))
    assert ob.kind is K.PASS_ON_POLICY and ob.text == "Llama 3.1 Acceptable Use Policy"
    assert "pass the restrictions on to your users" in ob.action


def test_notice_file_kept_with_its_text_and_licenses_attributed() -> None:
    notice = LicenseFile("NOTICE", "Zephyr Model\nCopyright 2025 Zephyr Labs\n")
    line = Evidence.parse("card:license", "license: apache-2.0", (2, 2))
    apache = LicenseFinding("apache-2.0", "osi-open", LicenseOrigin.card("license"), evidence=line)
    unknown = LicenseFinding(None, "unknown", LicenseOrigin.file("TERMS.txt"))
    got = by_kind(model(licenses=[apache, unknown], files=[notice]))
    (keep,) = got[K.KEEP_NOTICE]
    assert keep.text == "Zephyr Model\nCopyright 2025 Zephyr Labs"
    assert keep.evidence[0].kind is EvidenceKind.TEXT and keep.evidence[0].source == "NOTICE"
    (attr,) = got[K.ATTRIBUTION]
    assert "Apache License 2.0" in attr.action and attr.license == "apache-2.0"
    (review,) = got[K.REVIEW]
    assert "TERMS.txt" in review.action


def test_use_limits_and_gate() -> None:
    ev = [Evidence.parse("LICENSE", "x", (1, 1))]
    flags = [Flag(i, None, ev) for i in ("non-commercial", "research-only", "geo-restriction",
                                         "gated", "output-training-ban", "copyleft")]  # fmt: skip
    kinds = {ob.kind for ob in obligations(model(*flags))}
    assert {K.USE_LIMIT, K.REGION_LIMIT, K.ACCEPT_TERMS, K.OUTPUT_TRAINING, K.SAME_LICENSE} <= kinds


def test_waived_flags_still_oblige_and_errors_oblige_nothing() -> None:
    ft = finetune()  # its `gated` flag is waived: the gate terms must still be accepted
    assert K.ACCEPT_TERMS in {ob.kind for ob in obligations(ft)}
    assert obligations(errored()) == []


def test_each_obligation_serialises_with_its_evidence() -> None:
    d = obligations(finetune())[0].to_dict()
    assert set(d) == {"kind", "action", "flag", "license", "text", "evidence"}
    assert d["evidence"] and {"source", "quote", "kind"} <= set(d["evidence"][0])


# Invented words: an acceptable-use policy no knowledge-base entry knows.
AUP = (
    "Quillfeather Acceptable Use Terms\n\n"
    "You agree not to use the Model or its outputs to harass any person, to run\n"
    "surveillance of individuals, or to make decisions about credit or employment.\n"
)


def test_a_file_named_policy_is_not_a_use_policy_document() -> None:
    """Which files are use policies is the engine's fact (Evidence.use_policy), not a guess
    from a name: a license file whose name holds 'policy' stays a license file."""
    quoted = Evidence.at("LICENSE-policy.txt", "You shall not use it to harass", (9, 9))
    (ob,) = obligations(model(Flag("use-restrictions", None, [quoted])))
    assert ob.text is None and "Follow its use restrictions" in ob.action
    doc = Evidence(quoted.kind, quoted.quote, quoted.site, "AUP.md", (9, 9), use_policy=True)
    (ob,) = obligations(model(Flag("use-restrictions", None, [doc])))
    assert ob.text == "use policy in AUP.md"


def test_a_use_policy_document_is_named_fresh_and_from_a_lock(make_model, tmp_path) -> None:
    """assess knows the policy document (here by its name, which holds no 'polic'); a lock
    keeps that fact, so a locked scan names it too."""
    files = {"LICENSE": "MIT License\n", "licenses/acceptable-use.txt": AUP}
    folder = make_model("m", "---\nlicense: mit\n---\n", files)
    snap = read_folder(local_target("m", folder))
    policy = load_policy(None, ["commercial"])
    r = evaluate(snap, policy, walk(snap, None, policy.max_depth), {})
    named = [ob.text for ob in obligations(r) if ob.kind is K.PASS_ON_POLICY]
    assert named == ["use policy in licenses/acceptable-use.txt"]
    lock = Lockfile(str(tmp_path / "licscan.lock"), entries={"m": entry_from_result(r, snap)})
    write_lock(lock)
    locked = result_from_entry(load_lock(lock.path).entries["m"], lock.path)
    assert [ob.text for ob in obligations(locked) if ob.kind is K.PASS_ON_POLICY] == named
