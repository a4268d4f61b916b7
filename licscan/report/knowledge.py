"""Output of `licscan licenses` (the knowledge base) and `licscan explain KEY`."""

from __future__ import annotations

import json

from licscan.knowledge import load_knowledge
from licscan.model import WITHHOLDING_FLAGS, Category, LicenseEntry


def entry_dict(e: LicenseEntry) -> dict:
    return {
        "key": e.key,
        "name": e.name,
        "kind": e.kind,
        "category": e.category,
        "osi_approved": e.osi_approved,
        "version": e.version,
        "spdx": e.spdx,
        "scancode": e.scancode,
        "hub_ids": list(e.hub_ids),
        "family": e.family,
        "policies": list(e.policies),
        "url": e.url,
        "flags": [
            {"id": f.flag, "value": f.value, "clause": f.clause, "where": f.where} for f in e.flags
        ],
        "notes": e.notes,
        "file": e.file,
    }


def render_license_list(fmt: str = "text") -> str:
    entries = sorted(load_knowledge().entries.values(), key=lambda e: e.key)
    if fmt == "json":
        return json.dumps([entry_dict(e) for e in entries], indent=2, ensure_ascii=False) + "\n"
    rows = [("KEY", "CATEGORY", "OSI", "HUB IDS", "FLAGS")]
    for e in entries:
        kind = "policy: " if e.kind == "policy" else ""
        rows.append(
            (
                e.key,
                e.category,
                "yes" if e.osi_approved else "no",
                ",".join(e.hub_ids) or "-",
                kind + (",".join(f.flag for f in e.flags) or "-"),
            )
        )
    widths = [max(len(r[i]) for r in rows) for i in range(4)]
    lines = [
        "  ".join(c.ljust(w) for c, w in zip(r[:4], widths, strict=True)) + "  " + r[4]
        for r in rows
    ]
    lines.append(f"\n{len(entries)} entries; `licscan explain KEY` shows one with its reasons.")
    return "\n".join(lines) + "\n"


def render_license_explanation(entry: LicenseEntry) -> str:
    kb = load_knowledge()
    osi = "OSI-approved" if entry.osi_approved else "not OSI-approved"
    out = [
        f"{entry.key}: {entry.name}"
        + (" (acceptable-use policy)" if entry.kind == "policy" else ""),
        f"  category: {entry.category} ({osi})",
    ]
    for label, value in (
        ("version", entry.version),
        ("SPDX", entry.spdx),
        ("ScanCode", entry.scancode),
        ("Hub ids", ", ".join(entry.hub_ids)),
        ("family", entry.family),
        ("url", entry.url),
    ):
        if value:
            out.append(f"  {label}: {value}")
    out.append("  why: " + _why(entry))
    if entry.flags:
        out.append("  flags:")
    for f in entry.flags:
        value = f" = {f.value}" if f.value else ""
        where = f" [{f.where}]" if f.where else ""
        out.append(f"    - {f.flag}{value}: {f.clause}{where}")
    for key in entry.policies:
        pol = kb.get(key)
        if pol:
            out.append(
                f"  incorporates {pol.key} ({pol.name}): " + ", ".join(f.flag for f in pol.flags)
            )
    if entry.notes:
        out.append(f"  notes: {entry.notes}")
    out.append(f"  source of these facts: {entry.file}")
    return "\n".join(out) + "\n"


def _why(entry: LicenseEntry) -> str:
    ids = {f.flag for f in entry.flags}
    if entry.category == Category.SOURCE_AVAILABLE:
        held = sorted(ids & WITHHOLDING_FLAGS)
        return "commercial use, production use or derivatives are withheld" + (
            f" ({', '.join(held)})" if held else ""
        )
    if entry.category == Category.OPEN_WEIGHT:
        return "commercial use is allowed, but the terms take freedoms away: " + (
            ", ".join(sorted(ids)) or "custom terms"
        )
    if entry.category == Category.OSI_OPEN:
        base = "grants use, modification and redistribution for any purpose"
        return base + (
            "; derivatives must keep the same license (copyleft)" if "copyleft" in ids else ""
        )
    return "no grant could be established"


def unknown_license(subject: str, suggestions: list[str]) -> str:
    """`licscan explain WORD` for a word no entry goes by (a typo, most often)."""
    head = (
        f"licscan: unknown license {subject!r}: no key, Hub id, SPDX id or name in the "
        "knowledge base goes by it (a model is named org/name, a folder or a manifest)"
    )
    if suggestions:
        return f"{head}\n  did you mean: {', '.join(suggestions)}?"
    return f"{head}\n  `licscan licenses` lists them all"
