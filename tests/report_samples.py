"""Hand-built ScanReports for the reporter tests (the engine's output, by hand: each flag
carries its waiver and rule, each result its findings, as licscan.engine.judge sets them).

Realistic shapes: a Llama-3.1 fine-tune with flags, quotes and lineage; a CC-BY-NC
model that fails a commercial policy; a model that could not be fetched; a waived
flag; a local folder with an unrecognised license; a model with no license at all.
Quotes are written for these tests (they are not license texts), with characters
that formats must escape: pipes, angle brackets, ampersands, quotes, newlines.
"""

from __future__ import annotations

from licscan.model import (
    Evidence,
    Flag,
    LicenseFile,
    LicenseFinding,
    LicenseOrigin,
    LineageEntry,
    ModelResult,
    ScanReport,
    WaiverUse,
)

FT_SHA = "0e9e39f249a16976918f6564b8830bc894c89659"
BASE_SHA = "5206a32e0bd3067aef1ce90f5528ade7d866253f"
NC_SHA = "a3c9e1f00b7d4c2e8f6a1b0c9d8e7f6a5b4c3d2e"

Q_USERS = (
    "If the monthly active users of the products made available by the licensee "
    "exceed 700 million, a separate license must be requested."
)
Q_ATTRIB = 'Display "Built with Llama" prominently on a related website | user interface.'
Q_AUP = "You agree not to use the model for <weapons> & other prohibited uses."
Q_OUTPUTS = "Outputs may be used to improve another model only if its name begins with Llama."
Q_NC = (
    "You may not exercise the licensed rights for commercial advantage\nor monetary compensation."
)
Q_UNREC = "Use of these weights is granted solely to members of the ACME consortium."


def finetune() -> ModelResult:
    """A Llama-3.1 fine-tune found through a manifest line; warns under commercial use."""
    gate_waiver = WaiverUse(
        "acme-labs/llama-3.1-8b-support-ft",
        ["gated"],
        "Legal accepted the gate terms for the organisation",
        "j.doe@acme.example",
        "2027-06-30",
        applied=True,
    )
    return ModelResult(
        ref=f"acme-labs/llama-3.1-8b-support-ft@{FT_SHA}",
        source="hub",
        revision=FT_SHA,
        repo_id="acme-labs/llama-3.1-8b-support-ft",
        category="open-weight",
        verdict="warn",
        use=["commercial"],
        licenses=[
            LicenseFinding(
                "llama-3.1",
                "open-weight",
                LicenseOrigin.card("license"),
                name="Llama 3.1 Community License Agreement",
            ),
            LicenseFinding(
                "llama-3.1",
                "open-weight",
                LicenseOrigin.file("LICENSE"),
                name="Llama 3.1 Community License Agreement",
                score=0.97,
            ),
            LicenseFinding(
                "llama-3.1",
                "open-weight",
                LicenseOrigin.base("meta-llama/Llama-3.1-8B-Instruct"),
                name="Llama 3.1 Community License Agreement",
            ),
        ],
        base_models=["meta-llama/Llama-3.1-8B-Instruct"],
        lineage=[
            LineageEntry(
                "meta-llama/Llama-3.1-8B-Instruct",
                revision=BASE_SHA,
                depth=1,
                category="open-weight",
                licenses=("llama-3.1",),
            ),
            LineageEntry(
                "meta-llama/Llama-3.1-8B", depth=2, category="open-weight", licenses=("llama-3.1",)
            ),
        ],
        flags=[
            Flag(
                "user-threshold",
                "700000000",
                [Evidence.parse("LICENSE", Q_USERS, (31, 33))],
                severity="warn",
            ),
            Flag(
                "prominent-attribution",
                None,
                [Evidence.parse("LICENSE", Q_ATTRIB, (24, 25))],
                severity="warn",
            ),
            Flag(
                "use-restrictions",
                None,
                [Evidence.parse("USE_POLICY.md", Q_AUP, (12, 14))],
                severity="info",
            ),
            Flag(
                "output-training-conditional",
                None,
                [
                    Evidence.parse(
                        "base:meta-llama/Llama-3.1-8B-Instruct:LICENSE", Q_OUTPUTS, (27, 27)
                    )
                ],
                severity="warn",
                note="inherited from meta-llama/Llama-3.1-8B-Instruct",
            ),
            Flag(
                "gated",
                "manual",
                [Evidence.parse("card:extra_gated_prompt", "Accept the license to access", None)],
                severity="block",
                note="waived for this model",
                waiver=gate_waiver,
            ),
        ],
        reasons=[
            "card declares llama-3.1; LICENSE matches llama-3.1 (0.97)",
            "base model meta-llama/Llama-3.1-8B-Instruct is llama-3.1 (open-weight)",
            "policy 'commercial' warns on user-threshold, prominent-attribution",
        ],
        waivers=[gate_waiver],
        license_files=[
            LicenseFile("LICENSE", "(text)", sha256="ab" * 32, size=7712),
            LicenseFile("USE_POLICY.md", "(text)", sha256="cd" * 32, size=4691),
        ],
        gated="manual",
        location=("models.yaml", 4),
        policy="commercial (preset)",
    )


def noncommercial() -> ModelResult:
    """A CC-BY-NC-4.0 model: fails a commercial policy on `non-commercial`."""
    expired = WaiverUse(
        "someuser/nc-summarizer",
        ["pickle-weights"],
        "Weights converted in-house",
        "ops",
        "2024-01-31",
        applied=False,
        note="expired 2024-01-31",
    )
    return ModelResult(
        ref="someuser/nc-summarizer",
        source="hub",
        revision=NC_SHA,
        repo_id="someuser/nc-summarizer",
        category="source-available",
        verdict="fail",
        use=["commercial"],
        licenses=[
            LicenseFinding(
                "cc-by-nc-4.0",
                "source-available",
                LicenseOrigin.card("license"),
                name="Creative Commons Attribution-NonCommercial 4.0",
            )
        ],
        datasets=["someuser/news-pairs"],
        task="summarization",
        flags=[
            Flag(
                "non-commercial",
                None,
                [Evidence.parse("LICENSE.md", Q_NC, (40, 41))],
                severity="block",
            ),
            Flag(
                "pickle-weights",
                None,
                [Evidence.parse("pytorch_model.bin", "only pickle weight files", None)],
                severity="warn",
                waiver=expired,
            ),
        ],
        reasons=[
            "card declares cc-by-nc-4.0 (source-available)",
            "policy 'commercial' blocks non-commercial",
        ],
        waivers=[expired],
        license_files=[LicenseFile("LICENSE.md", "(text)", sha256="ef" * 32, size=18000)],
        location=("models.yaml", 7),
        policy="commercial (preset)",
    )


def errored() -> ModelResult:
    return ModelResult(
        ref="acme-labs/private-model",
        source="hub",
        revision=None,
        repo_id="acme-labs/private-model",
        category="unknown",
        verdict="error",
        use=["commercial"],
        error="gated repository: access requires a token (set HF_TOKEN)",
        location=("models.yaml", 9),
    )


def local_unrecognised() -> ModelResult:
    """A local folder whose LICENSE matches nothing known: unknown, warns."""
    return ModelResult(
        ref="models/consortium-model",
        source="local",
        revision=None,
        repo_id=None,
        category="unknown",
        verdict="fail",
        use=["commercial"],
        licenses=[LicenseFinding(None, "unknown", LicenseOrigin.file("LICENSE.txt"))],
        flags=[
            Flag(
                "unrecognized-license",
                None,
                [Evidence.parse("LICENSE.txt", Q_UNREC, (3, 4))],
                severity="block",
            )
        ],
        license_files=[LicenseFile("LICENSE.txt", "(text)", sha256="12" * 32, size=900)],
        reasons=["LICENSE.txt matches no known license", "category unknown fails closed"],
    )


def apache_pass() -> ModelResult:
    return ModelResult(
        ref="google-bert/bert-base-uncased",
        source="hub",
        revision="86b5e0934494bd15c9632b12f734a8a67f723594",
        repo_id="google-bert/bert-base-uncased",
        category="osi-open",
        verdict="pass",
        use=["commercial"],
        licenses=[
            LicenseFinding(
                "apache-2.0",
                "osi-open",
                LicenseOrigin.card("license"),
                name="Apache 2.0",
                osi_approved=True,
            )
        ],
        task="fill-mask",
        location=("models.yaml", 2),
    )


def no_license() -> ModelResult:
    return ModelResult(
        ref="gpt-tiny",
        source="hub",
        revision="1111111111111111111111111111111111111111",
        repo_id="gpt-tiny",
        category="unknown",
        verdict="fail",
        use=["commercial"],
        flags=[
            Flag(
                "no-license",
                None,
                [Evidence.parse("card:license", "no license key in the card metadata", None)],
                severity="block",
            )
        ],
    )


def sample_report(*models: ModelResult) -> ScanReport:
    return ScanReport(
        version="0.1.0",
        use=["commercial"],
        models=list(models)
        or [
            apache_pass(),
            finetune(),
            noncommercial(),
            errored(),
            local_unrecognised(),
            no_license(),
        ],
        started_at="2026-11-20T09:30:00Z",
        policy="commercial (preset)",
        manifest="models.yaml",
    )


def all_quotes(report: ScanReport) -> list[str]:
    return [ev.quote for m in report.models for f in m.flags for ev in f.evidence]
