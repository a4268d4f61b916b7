"""Output of `licscan classify`: JSON exactly as contracts.md says, or a terminal summary."""

from __future__ import annotations

import json

from licscan.model import TextClassification


def render_classifications(results: list[TextClassification], fmt: str = "text") -> str:
    if fmt == "json":
        return json.dumps([r.to_dict() for r in results], indent=2, ensure_ascii=False) + "\n"
    return "".join(_text(r) for r in results)


def _text(r: TextClassification) -> str:
    if r.error:
        return f"{r.path}: error: {r.error}\n  category: unknown\n\n"
    m = r.match
    if m.key:
        ident = f"{m.key} - {m.name} (score {m.score:.2f}"
        ident += ", identified by its title" if m.basis == "title" else ""
        ident += ", MODIFIED)" if m.modified else ")"
    else:
        ident = "unrecognised license text"
        if m.name:  # "another version of llama"
            ident += f": {m.name}"
        if m.closest:
            ident += f" (closest: {m.closest}, score {m.score:.2f})"
    kind = " [use policy]" if r.kind == "policy" else ""
    osi = "OSI-approved" if r.osi_approved else "not OSI-approved"
    out = [f"{r.path}: {ident}{kind}", f"  category: {r.category} ({osi})"]
    if m.includes:
        out.append(f"  also contains: {', '.join(m.includes)}")
    if not r.flags:
        out.append("  flags: none")
    for flag in r.flags:
        value = f" = {flag.value}" if flag.value else ""
        out.append(f"  - {flag.id}{value}")
        if flag.note:
            out.append(f"      {flag.note}")
        for ev in flag.evidence[:3]:
            where = ev.source + (f":{ev.lines[0]}-{ev.lines[1]}" if ev.lines else "")
            quote = ev.quote if len(ev.quote) <= 160 else ev.quote[:157] + "..."
            out.append(f'      {where}: "{quote}"')
    return "\n".join(out) + "\n\n"
