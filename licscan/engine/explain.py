"""`licscan explain MODEL`: the reasoning chain behind one verdict, for a reviewer.

What was read (source, revision, files), each license found and where, each flag with
its evidence (file:lines and the quoted words, or the knowledge-base rule), the
lineage, every policy decision with the policy file and line that made it, waivers,
and the verdict with its exit code.
"""

from __future__ import annotations

from licscan.model import Flag, ModelResult, ScanReport

QUOTE_CHARS = 160


def render_explanation(report: ScanReport) -> str:
    blocks = [explain_result(m) for m in report.models]
    if not blocks:
        return "nothing to explain: no model found\n"
    return "\n".join(blocks)


def explain_result(m: ModelResult) -> str:
    out: list[str] = []
    add = out.append
    rev = f" @ {m.revision}" if m.revision else " (revision not pinned)"
    add(f"{m.repo_id or m.ref}{rev}")
    add(f"  verdict: {m.verdict.upper()}    category: {m.category}")
    add(f"  use: {', '.join(m.use)}    policy: {m.policy or 'presets'}")
    if m.location:
        add(f"  named at {m.location[0]}:{m.location[1]}")
    if m.error:
        add(f"  error: {m.error}")
    add("")
    add(f"1. sources ({m.source})")
    for lf in m.license_files:
        size = f", {lf.size} bytes" if lf.size is not None else ""
        sha = f", sha256 {lf.sha256[:12]}…" if lf.sha256 else ""
        add(f"   - {lf.path}{size}{sha}" + (f"  ERROR: {lf.error}" if lf.error else ""))
    if not m.license_files:
        add("   - no license file")
    if m.datasets:
        add(f"   - data sets: {', '.join(m.datasets)}")
    add("2. licenses")
    for lic in m.licenses:
        name = f" - {lic.name}" if lic.name else ""
        score = f", score {lic.score:.2f}" if lic.score is not None else ""
        add(f"   - {lic.license or 'unrecognised'} ({lic.category}{score}) from {lic.source}{name}")
    if not m.licenses:
        add("   - none found")
    add("3. lineage")
    for node in m.lineage:
        pad = "  " * (int(node.get("depth") or 1) - 1)
        what = ", ".join(node.get("licenses") or []) or "no known license"
        rel = f" ({node['relation']})" if node.get("relation") else ""
        at = f" @ {str(node['revision'])[:12]}" if node.get("revision") else ""
        name = node["id"] or "(base model not declared)"
        line = f"   {pad}- {name}{at}{rel}: {what} [{node.get('category')}]"
        if node.get("error"):
            line += f"  UNRESOLVED: {node['error']}"
        add(line)
        if node.get("note"):
            add(f"   {pad}  note: {node['note']}")
    if not m.lineage:
        add("   - no base model" if not m.base_models else "   - not walked")
    add("4. flags")
    for flag in m.flags:
        out.extend(_flag_lines(m, flag))
    if not m.flags:
        add("   - none")
    add("5. policy decisions (strictest use wins)")
    for d in m.decisions:
        add(f"   - {d}")
    if m.waivers:
        add("6. waivers")
        for w in m.waivers:
            state = "APPLIED" if w.applied else "EXPIRED"
            flags = ", ".join(w.flags) or "no flag"
            add(f"   - {state} {w.target} [{flags}]: {w.reason} ({w.approver}, until {w.expires})")
            if w.note:
                add(f"     {w.note}")
    if m.notes:
        add("notes")
        for note in dict.fromkeys(m.notes):
            add(f"   - {note}")
    add("reasoning")
    for reason in m.reasons:
        add(f"   - {reason}")
    add(f"verdict: {m.verdict.upper()}")
    return "\n".join(out) + "\n"


def _flag_lines(m: ModelResult, flag: Flag) -> list[str]:
    from licscan.report.evidence import inline  # quotes in quotation marks, summaries not

    value = f" = {flag.value}" if flag.value else ""
    lines = [f"   - {flag.id}{value}  [{flag.severity or 'unjudged'}]"]
    for ev in flag.evidence:
        lines.append(f"       {inline(m, ev, _one_line(ev.quote))}")
    if flag.note:
        lines.append(f"       note: {flag.note}")
    return lines


def _one_line(text: str) -> str:
    from licscan.report.common import one_line  # strips terminal control characters too

    return one_line(text, QUOTE_CHARS)
