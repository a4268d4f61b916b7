"""SARIF 2.1.0 for GitHub code scanning: one run, one stable rule per flag.

GitHub rejects results without a physical location, so every result points at a
file: the manifest line that names the model, else (local folder) the file the
evidence quotes or the folder's README.md, else the evidence file on the Hub.  Paths
in the repository are relative to `base_dir` and percent-encoded; a Hub file is
relative to the `HUB` base (`originalUriBaseIds`).  Related locations point only at
files that exist: a quoted file, a card, a policy file; never licscan's own rules.

GitHub code scanning ignores `suppressions`, so waived flags are left out by default;
`keep_waived=True` keeps them with an accepted external suppression (for consumers that
read suppressions), so the waiver itself is on record.
"""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path, PurePosixPath
from typing import Any
from urllib.parse import quote

from licscan.model import (
    FLAG_IDS,
    TERM_FLAGS,
    Evidence,
    EvidenceKind,
    Flag,
    ModelResult,
    PolicyFinding,
    ScanReport,
    Severity,
    Site,
    SourceKind,
    Verdict,
)
from licscan.report.common import (
    FileRef,
    active_flags,
    evidence_file,
    evidence_where,
    flag_info,
    flags_for_display,
    hub_link,
    hub_url,
    one_line,
    project_url,
    rule_words,
)
from licscan.report.evidence import inline

SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
RULE_IDS: tuple[str, ...] = (
    *FLAG_IDS, "model-error", "category-not-allowed", "policy-denied", "waiver-expiring",
)  # fmt: skip
LEVELS = {Severity.BLOCK: "error", Severity.WARN: "warning", Severity.INFO: "note"}
FINGERPRINT_KEY = "licscanFinding/v1"
HUB_BASE = "HUB"  # uriBaseId of files on the Hub: their uri is relative to it


def render(report: ScanReport, **options: Any) -> str:
    ctx = _Context(
        hub_url(options),
        Path(options.get("base_dir") or os.getcwd()),
        bool(options.get("keep_waived")),
    )
    results = [r for m in report.models for r in _model_results(m, ctx)]
    driver: dict[str, Any] = {
        "name": "licscan",
        "version": report.version,
        "semanticVersion": report.version,
        "rules": [_rule(rule_id) for rule_id in RULE_IDS],
    }
    home = project_url()
    if home:
        driver["informationUri"] = home
    run: dict[str, Any] = {
        "tool": {"driver": driver},
        "automationDetails": {"id": f"licscan/{'+'.join(report.use) or 'default'}/"},
        "invocations": [{"executionSuccessful": True, "startTimeUtc": report.started_at}],
        "originalUriBaseIds": {HUB_BASE: {"uri": f"{ctx.hub}/"}},
        "columnKind": "unicodeCodePoints",
        "results": results,
        "properties": {
            "use": list(report.use),
            "policy": report.policy,
            "manifest": report.manifest,
            "summary": report.summary,
        },
    }
    log = {"$schema": SCHEMA, "version": "2.1.0", "runs": [run]}
    return json.dumps(log, indent=2, ensure_ascii=False) + "\n"


def _rule(rule_id: str) -> dict[str, Any]:
    info = flag_info(rule_id)
    kind = "term" if rule_id in TERM_FLAGS else "context"
    return {
        "id": rule_id,
        "name": "".join(w.capitalize() for w in rule_id.split("-")),
        "shortDescription": {"text": info.title},
        "fullDescription": {"text": info.description},
        "help": {
            "text": f"{info.description} {info.help}",
            "markdown": f"**{info.title}.** {info.description}\n\n{info.help}",
        },
        "defaultConfiguration": {"level": "error" if rule_id == "model-error" else "warning"},
        "properties": {"tags": ["license", "compliance", kind]},
    }


class _Context:
    def __init__(self, hub: str, base_dir: Path, keep_waived: bool = False) -> None:
        self.hub = hub
        self.base_dir = base_dir.resolve()
        self.keep_waived = keep_waived

    def uri(self, path: str) -> str:
        """A path relative to base_dir (the repository root), POSIX and percent-encoded."""
        p = Path(path)
        if p.is_absolute():
            p = Path(os.path.relpath(p.resolve(), self.base_dir))
        return quote(PurePosixPath(*p.parts).as_posix(), safe="/")

    def exists(self, path: str) -> bool:
        p = Path(path)
        return (p if p.is_absolute() else self.base_dir / p).is_file()

    def hub_file(self, ref: FileRef) -> dict[str, Any]:
        """A file of a Hub repository at its revision, relative to the HUB base."""
        url = hub_link(ref, "").lstrip("/")
        return {"uri": url, "uriBaseId": HUB_BASE}


def _model_results(m: ModelResult, ctx: _Context) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    if m.verdict == Verdict.ERROR or m.error:
        why = f"{m.ref}: could not be evaluated: {m.error or 'unknown error'}"
        out.append(_result(m, "model-error", "error", why, ctx, None, ""))
    for flag in flags_for_display(m):
        if ctx.keep_waived or not flag.waived:  # GitHub would show it as open
            out.append(_flag_result(m, flag, ctx))
    judged = {f.severity for f in active_flags(m)}
    for p in m.findings:
        # a warning about the category alone is worth a result only when nothing else warns
        always = p.severity == Severity.BLOCK or p.rule_id == "waiver-expiring"
        if always or not judged & {Severity.BLOCK, Severity.WARN}:
            out.append(_policy_result(m, p, ctx))
    return out


def _flag_result(m: ModelResult, flag: Flag, ctx: _Context) -> dict[str, Any]:
    info = flag_info(flag.id)
    head = f"{m.ref}: {info.title}"
    if flag.value:
        head += f" ({flag.value})"
    parts = [head + "."]
    for ev in flag.evidence:
        parts.append(inline(m, ev, one_line(ev.quote)))
    if flag.note:
        parts.append(f"Note: {rule_words(flag.note)}.")
    waiver = flag.waiver
    if waiver is not None and not waiver.applied:
        parts.append(f"Waiver expired ({waiver.expires}): {waiver.reason}.")
    rule = flag.rule.words() if flag.rule else None
    if (
        rule
        and flag.severity in (Severity.BLOCK, Severity.WARN)
        and not (waiver and waiver.applied)
    ):
        parts.append(f"Judged {flag.severity} by {rule}.")
    level = LEVELS.get(flag.severity or "", "note")
    result = _result(
        m, flag.id, level, " ".join(parts), ctx, flag.evidence[:1] or None, flag.value or ""
    )
    _add_related(result, m, flag.evidence, ctx)
    if waiver is not None and waiver.applied:
        result["suppressions"] = [
            {
                "kind": "external",
                "status": "accepted",
                "justification": (
                    f"{waiver.reason} (approved by {waiver.approver}"
                    f"{', expires ' + waiver.expires if waiver.expires else ''})"
                ),
            }
        ]
    result["properties"]["severity"] = flag.severity
    if rule:
        result["properties"]["rule"] = rule
    return result


def _policy_result(m: ModelResult, p: PolicyFinding, ctx: _Context) -> dict[str, Any]:
    """The category or an allow/deny list decided: say which rule, and quote what the
    category rests on."""
    what = (
        f"license category '{m.category}' is not allowed by the policy"
        if p.rule_id == "category-not-allowed" and p.severity == Severity.BLOCK
        else f"{p.subject} ({p.severity})"
    )
    parts = [f"{m.ref}: {what}, by {p.rule.words()}."]
    parts += [inline(m, ev, one_line(ev.quote)) for ev in p.evidence]
    if p.note:
        parts.append(f"Note: {rule_words(p.note)}.")
    evidence = list(p.evidence)
    value = p.subject.split(" ", 1)[-1]
    level = LEVELS[p.severity]
    result = _result(m, p.rule_id, level, " ".join(parts), ctx, evidence or None, value)
    _add_related(result, m, evidence, ctx)
    result["properties"]["severity"] = p.severity
    result["properties"]["rule"] = p.rule.words()
    return result


def _result(
    m: ModelResult,
    rule_id: str,
    level: str,
    text: str,
    ctx: _Context,
    evidence: list[Evidence] | None,
    value: str,
) -> dict[str, Any]:
    identity = f"{m.repo_id or m.ref}|{rule_id}|{value}"
    return {
        "ruleId": rule_id,
        "ruleIndex": RULE_IDS.index(rule_id),
        "level": level,
        "message": {"text": text},
        "locations": [_primary_location(m, ctx, evidence[0] if evidence else None)],
        "partialFingerprints": {
            FINGERPRINT_KEY: hashlib.sha256(identity.encode()).hexdigest()[:32]
        },
        "properties": {
            "model": m.ref,
            "revision": m.revision,
            "category": m.category,
            "verdict": m.verdict,
        },
    }


def _physical(
    artifact: dict[str, Any] | str, lines: tuple[int, int] | None, whole: bool = False
) -> dict[str, Any]:
    """A file location; a result's own location always has a region (line 1 at least),
    a related one only when the evidence names lines."""
    art = {"uri": artifact} if isinstance(artifact, str) else artifact
    loc: dict[str, Any] = {"artifactLocation": art}
    if lines:
        loc["region"] = {"startLine": max(lines[0], 1), "endLine": max(lines[1], lines[0], 1)}
    elif not whole:
        loc["region"] = {"startLine": 1}
    return loc


def _primary_location(m: ModelResult, ctx: _Context, ev: Evidence | None) -> dict[str, Any]:
    logical = [
        {
            "name": m.ref,
            "fullyQualifiedName": f"{m.ref}@{m.revision or 'unknown'}",
            "kind": "module",
        }
    ]
    if m.location:
        path, line = m.location
        physical = _physical(ctx.uri(path), (line, line))
    elif m.source == SourceKind.LOCAL:
        physical = _local_evidence(m, ctx, ev) or _local_fallback(m, ctx)
    else:
        ref = evidence_file(m, ev) if ev is not None and ev.kind.quoted else None
        if ref is None or ref.path is None:
            ref = FileRef(m.repo_id or m.ref.split("@", 1)[0], m.revision, "README.md")
        physical = _physical(
            ctx.hub_file(ref), ev.lines if ev is not None and ev.kind.quoted else None
        )
    return {"physicalLocation": physical, "logicalLocations": logical}


def _local_path(m: ModelResult, ev: Evidence) -> str | None:
    """The file of a local model folder a quote (or card line) was read from."""
    if not ev.kind.quoted:
        return None  # licscan's words: no file holds them
    source = ev.file
    if ev.base is not None or source is None or ev.supplied:
        return None  # a base model's file, a supplied one: not in this folder
    return str(Path(m.ref) / source)


def _local_evidence(
    m: ModelResult, ctx: _Context, ev: Evidence | None, related: bool = False
) -> dict[str, Any] | None:
    path = _local_path(m, ev) if ev is not None else None
    if path is None or not ctx.exists(path):
        return None
    return _physical(ctx.uri(path), ev.lines if ev is not None else None, whole=related)


def _local_fallback(m: ModelResult, ctx: _Context) -> dict[str, Any]:
    """A local model with no quotable file: its README.md, a license file, or the folder."""
    candidates = ["README.md", *(lf.path for lf in m.license_files)]
    for name in candidates:
        path = str(Path(m.ref) / name)
        if ctx.exists(path):
            return _physical(ctx.uri(path), None)
    return _physical(ctx.uri(m.ref), None)


def _add_related(result: dict[str, Any], m: ModelResult, evidence: Any, ctx: _Context) -> None:
    related = [loc for ev in evidence if (loc := _evidence_location(m, ev, ctx))]
    for i, loc in enumerate(related):
        loc["id"] = i
    if related:
        result["relatedLocations"] = related


def _evidence_location(m: ModelResult, ev: Evidence, ctx: _Context) -> dict[str, Any] | None:
    """Where a quote can be checked: the local file, the file on the Hub, or the policy
    file; None for anything no file holds (licscan's summaries and notes)."""
    if ev.kind is EvidenceKind.POLICY:
        path = ev.name if ev.site is Site.POLICY and ev.base is None else ev.source
        loc = _physical(ctx.uri(path), ev.lines, whole=True) if ctx.exists(path) else None
    elif not ev.kind.quoted:
        return None
    elif m.source == SourceKind.LOCAL and ev.base is None:
        loc = _local_evidence(m, ctx, ev, related=True)
    else:
        ref = evidence_file(m, ev) if m.source != SourceKind.LOCAL else None
        loc = (
            _physical(ctx.hub_file(ref), ev.lines, whole=True)
            if ref is not None and ref.path
            else None
        )
    if loc is None:
        return None
    out: dict[str, Any] = {"physicalLocation": loc, "message": {"text": evidence_where(ev)}}
    if "region" in loc and ev.kind.quoted:
        loc["region"]["snippet"] = {"text": ev.quote}
    return out
