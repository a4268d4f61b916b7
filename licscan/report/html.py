"""HTML sign-off report for procurement: one self-contained page, printable.

The template (templates/report.html, with its stylesheet inlined) gets a plain view
of the ScanReport built here, so the template only lays things out.  Autoescaping is
on: quotes come from files written by strangers.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from licscan.model import ModelResult, ScanReport
from licscan.report.common import (
    PolicyFinding,
    active_flags,
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
    policy_description,
    policy_findings,
    policy_title,
    rule_of,
    short_rev,
    waiver_for,
)


def render(report: ScanReport, **options: Any) -> str:
    from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

    from licscan.paths import templates_dir

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
    }


def model_view(m: ModelResult, hub: str, index: int) -> dict[str, Any]:
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
        "use": m.use,
        "policy": m.policy,
        "gated": m.gated if isinstance(m.gated, str) else ("yes" if m.gated else ""),
        "licenses": [_license_view(lic) for lic in m.licenses],
        "flags": [_policy_view(m, p, hub) for p in policy_findings(m)]
        + [_flag_view(m, f, hub) for f in flags_for_display(m)],
        "blocking": [p.subject for p in policy_findings(m) if p.severity == "block"]
        + [f.id for f in active_flags(m) if f.severity == "block"],
        "decisions": [
            {
                "subject": d.subject,
                "use": d.use or "all",
                "severity": d.severity,
                "rule": d.source,
                "note": d.note,
            }
            for d in m.decisions
        ],
        "lineage": [_lineage_view(e, hub) for e in m.lineage],
        "base_models": m.base_models,
        "waivers": [
            {
                "flags": ", ".join(w.flags) or "all flags",
                "reason": w.reason,
                "approver": w.approver,
                "expires": w.expires or "no expiry",
                "applied": w.applied,
                "note": w.note,
            }
            for w in m.waivers
        ],
        "reasons": m.reasons,
        "files": [
            {"path": f.path, "sha256": f.sha256, "size": f.size, "error": f.error}
            for f in m.license_files
        ],
    }


def _license_view(lic: Any) -> dict[str, Any]:
    entry = kb_entry(lic.license)
    return {
        "label": license_label(lic.license, lic.name),
        "key": lic.license,
        "spdx": entry.spdx if entry is not None else None,
        "category": lic.category,
        "osi": lic.osi_approved or bool(entry is not None and entry.osi_approved),
        "source": lic.source,
    }


def _evidence_view(m: ModelResult, evidence: Any, hub: str) -> list[dict[str, Any]]:
    return [
        {"where": evidence_where(ev), "url": evidence_link(m, ev, hub), "quote": ev.quote.strip()}
        for ev in evidence
    ]


def _policy_view(m: ModelResult, p: PolicyFinding, hub: str) -> dict[str, Any]:
    """A judgement of the category or the lists, laid out like a flag."""
    info = flag_info(p.rule_id)
    return {
        "id": p.subject,
        "title": policy_title(p),
        "description": policy_description(p),
        "help": info.help,
        "severity": p.severity,
        "value": None,
        "note": p.note,
        "rule": p.rule,
        "waived": False,
        "waiver": None,
        "evidence": _evidence_view(m, p.evidence, hub),
    }


def _flag_view(m: ModelResult, f: Any, hub: str) -> dict[str, Any]:
    info = flag_info(f.id)
    waiver = waiver_for(m, f)
    return {
        "id": f.id,
        "title": info.title,
        "description": info.description,
        "help": info.help,
        "severity": f.severity or "unjudged",
        "value": f.value,
        "note": f.note,
        "rule": rule_of(m, f),
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


def _lineage_view(entry: dict[str, Any], hub: str) -> dict[str, Any]:
    repo = str(entry.get("id") or "")
    licenses = [
        lic if isinstance(lic, str) else (lic.get("license") or "unrecognised")
        for lic in entry.get("licenses") or []
    ]
    rev = entry.get("revision")
    return {
        "id": repo,
        "depth": entry.get("depth"),
        "revision_short": short_rev(rev) if rev else "-",
        "category": entry.get("category") or "unknown",
        "licenses": ", ".join(license_label(k) for k in licenses) or "none found",
        "error": entry.get("error"),
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
