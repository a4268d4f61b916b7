"""HTML sign-off report for procurement: one self-contained page, printable.

The template (templates/report.html, with its stylesheet inlined) gets a plain view
of the ScanReport built here, so the template only lays things out.  Autoescaping is
on: quotes come from files written by strangers.
"""

from __future__ import annotations

import dataclasses
from datetime import datetime, timedelta
from typing import Any

from licscan.engine.obligations import obligations
from licscan.model import (
    FLAG_IDS,
    Category,
    Evidence,
    EvidenceKind,
    LicenseOrigin,
    LineageEntry,
    ModelResult,
    Obligation,
    OriginKind,
    PolicyFinding,
    ScanReport,
    Severity,
)
from licscan.paths import templates_dir
from licscan.report.common import (
    display_name,
    evidence_link,
    evidence_where,
    flag_info,
    flags_for_display,
    hub_url,
    kb_entry,
    license_label,
    model_link,
    models_by_urgency,
    one_line,
    policy_description,
    policy_title,
    rule_words,
    short_rev,
)
from licscan.report.evidence import span_words, where_read, wording

KIND_TITLES = {
    EvidenceKind.TEXT: "Quote",
    EvidenceKind.CARD: "Quote from the card",
    EvidenceKind.KNOWLEDGE_BASE: "licscan summary",
    EvidenceKind.HUB: "Hub",
    EvidenceKind.POLICY: "Policy",
    EvidenceKind.OBSERVED: "licscan note",
}


def render(report: ScanReport, **options: Any) -> str:
    from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

    env = Environment(
        loader=FileSystemLoader(str(templates_dir())),
        autoescape=select_autoescape(["html"]),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    template = env.get_template("report.html")
    return template.render(report=report_view(report, hub_url(options)))


def report_view(report: ScanReport, hub: str) -> dict[str, Any]:
    models = [model_view(m, hub, i) for i, m in enumerate(models_by_urgency(report.models), 1)]
    evidence = [ev for m in models for f in m["flags"] for ev in f["evidence"]]
    evidence += [ev for m in models for o in m["obligations"] for ev in o["evidence"]]
    return {
        "version": report.version,
        "started_at": report.started_at,
        "started_human": _human_time(report.started_at),
        "use": report.use,
        "policy": report.policy,
        "manifest": report.manifest,
        "summary": report.summary,
        "total": len(report.models),
        "models": models,
        "attention": [m for m in models if m["attention"]],
        "has_quotes": any(ev["quoted"] for ev in evidence),
        "has_summaries": any(ev["kind"] == "knowledge-base" for ev in evidence),
        "glossary": _glossary(report.models),
    }


def model_view(m: ModelResult, hub: str, index: int) -> dict[str, Any]:
    judged = m.findings
    flags = [_policy_view(m, p, hub) for p in judged]
    flags += [_flag_view(m, f, hub) for f in flags_for_display(m)]
    active = [f for f in flags if not f["waived"]]
    return {
        "anchor": f"model-{index}",
        "name": display_name(m),
        "ref": m.ref,
        "source": m.source,
        "revision": m.revision,
        "revision_short": short_rev(m.revision),
        "link": model_link(m, hub),
        "location": f"{m.location[0]}:{m.location[1]}" if m.location else None,
        "category": m.category,
        "verdict": m.verdict,
        "error": m.error,
        "error_reason": one_line(m.error, 160) if m.error else None,
        "use": m.use,
        "policy": m.policy,
        "gated": m.gated if isinstance(m.gated, str) else ("yes" if m.gated else ""),
        "licenses": _licenses_view(m, hub),
        "flags": flags,
        "blocking": [f["short"] for f in active if f["severity"] == Severity.BLOCK],
        "warnings": [f["short"] for f in active if f["severity"] == Severity.WARN],
        "attention": _attention(m, active),
        "obligations": [_obligation_view(m, o, hub) for o in obligations(m)],
        "decisions": [
            {
                "subject": str(d.subject),
                "use": d.use or "all",
                "severity": d.severity,
                "rule": d.source.words(),
                "note": rule_words(d.note),
            }
            for d in m.decisions
        ],
        "lineage": [_lineage_view(e, hub) for e in m.lineage],
        "base_models": m.base_models,
        "waivers": [
            {
                "flags": ", ".join(w.flags) or "none",
                "reason": w.reason,
                "approver": w.approver,
                "expires": w.expires or "no expiry",
                "applied": w.applied,
                "note": rule_words(w.note),
            }
            for w in m.waivers
        ],
        "reasons": [rule_words(r) for r in m.reasons],
        "files": [
            {"path": f.path, "sha256": f.sha256, "size": f.size, "error": f.error}
            for f in m.license_files
        ],
    }


def _attention(m: ModelResult, active: list[dict[str, Any]]) -> list[str]:
    """What a person must look at for this model, in a few words each."""
    if m.error:
        return [f"could not be evaluated: {one_line(m.error, 160)}"]
    out = [f"blocks: {f['short']}" for f in active if f["severity"] == Severity.BLOCK]
    out += [f"warns: {f['short']}" for f in active if f["severity"] == Severity.WARN]
    return out


def _licenses_view(m: ModelResult, hub: str) -> list[dict[str, Any]]:
    """Each license once, with every place it was found (card, files, base models)."""
    rows: dict[Any, dict[str, Any]] = {}
    for lic in m.licenses:
        group = lic.license or ("unrecognised", lic.source)
        row = rows.get(group)
        if row is None:
            entry = kb_entry(lic.license)
            row = rows[group] = {
                "label": license_label(lic.license, lic.name),
                "key": lic.license,
                "spdx": entry.spdx if entry is not None else None,
                "url": entry.url if entry is not None else None,
                "category": lic.category,
                "osi": lic.osi_approved or bool(entry is not None and entry.osi_approved),
                "sources": [],
            }
        ev = lic.evidence
        row["sources"].append(
            {
                "text": _source_words(lic.origin, ev),
                "url": evidence_link(m, ev, hub) if ev is not None else None,
            }
        )
    return list(rows.values())


def _source_words(origin: LicenseOrigin, ev: Evidence | None) -> str:
    """'model card (README.md line 3)', 'LICENSE', 'base model org/x (LICENSE)'."""
    lines = f" {span_words(ev.lines)}" if ev is not None and ev.lines else ""
    if origin.kind is OriginKind.CARD:
        return f"model card, key “{origin.name}” (README.md{lines})"
    if origin.kind is OriginKind.FILE:
        return f"{origin.name}{',' + lines if lines else ''}"
    if origin.kind is OriginKind.BASE:
        inner = where_read(ev)[1] if ev is not None else ""
        return f"base model {origin.name}" + (f" ({inner})" if inner else "")
    return origin.source


def _evidence_view(m: ModelResult, evidence: Any, hub: str) -> list[dict[str, Any]]:
    out = []
    for ev in evidence:
        w = wording(m, ev)
        out.append(
            {
                "kind": w.kind.value,
                "kind_title": KIND_TITLES[w.kind],
                "quoted": w.quoted,
                "label": w.label,
                "where": evidence_where(ev),
                "url": evidence_link(m, ev, hub),
                "text": w.text,
            }
        )
    return out


def _obligation_view(m: ModelResult, o: Obligation, hub: str) -> dict[str, Any]:
    return {
        "kind": o.kind.value,
        "action": o.action,
        "flag": o.flag,
        "evidence": _evidence_view(m, o.evidence, hub),
    }


def _policy_view(m: ModelResult, p: PolicyFinding, hub: str) -> dict[str, Any]:
    """A judgement of the category or the lists, laid out like a flag."""
    info = flag_info(p.rule_id)
    return {
        "id": p.subject,
        "short": p.subject,
        "title": policy_title(p),
        "description": policy_description(p),
        "help": info.help,
        "severity": p.severity,
        "value": None,
        "note": rule_words(p.note),
        "rule": p.rule.words(),
        "waived": False,
        "waiver": None,
        "evidence": _evidence_view(m, p.evidence, hub),
    }


def _flag_view(m: ModelResult, f: Any, hub: str) -> dict[str, Any]:
    info = flag_info(f.id)
    waiver = f.waiver
    rule = f.rule
    return {
        "id": f.id,
        "short": info.title,
        "title": info.title,
        "description": info.description,
        "help": info.help,
        "severity": f.severity or "unjudged",
        "value": f.value,
        "note": rule_words(f.note),
        "rule": rule.words() if rule else None,
        "waived": bool(waiver and waiver.applied),
        "waiver": (
            {
                "reason": waiver.reason,
                "approver": waiver.approver,
                "expires": waiver.expires or "no expiry",
                "applied": waiver.applied,
            }
            if waiver
            else None
        ),
        "evidence": _evidence_view(m, f.evidence, hub),
    }


def _glossary(models: list[ModelResult]) -> list[dict[str, str]]:
    """The flags and findings this report shows, in plain words, in taxonomy order."""
    used = {f.id for m in models for f in m.flags}
    used |= {p.rule_id for m in models for p in m.findings}
    if any(m.error for m in models):
        used.add("model-error")
    order = [*FLAG_IDS, "model-error", "category-not-allowed", "policy-denied"]
    return [
        {"id": i, **dataclasses.asdict(flag_info(i))}
        for i in sorted(used, key=lambda i: order.index(i) if i in order else len(order))
    ]


def _lineage_view(entry: LineageEntry, hub: str) -> dict[str, Any]:
    repo = entry.id or ""
    rev = entry.revision
    return {
        "id": repo or "(base model not declared)",
        "depth": entry.depth or None,  # 0: the record had none
        "revision_short": short_rev(rev) if rev else "-",
        "category": entry.category or Category.UNKNOWN,
        "licenses": ", ".join(license_label(k) for k in entry.licenses) or "none found",
        "error": entry.error,
        "link": f"{hub}/{repo}" if repo and not repo.startswith((".", "/", "~")) else None,
    }


def _human_time(value: str) -> str:
    """'2026-11-20 09:30 UTC' for a UTC timestamp; other values as they are."""
    try:
        dt = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except (ValueError, AttributeError):
        return value
    if dt.utcoffset() == timedelta(0):
        return dt.strftime("%Y-%m-%d %H:%M UTC")
    return dt.isoformat(sep=" ", timespec="minutes")
