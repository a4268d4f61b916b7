"""`licscan explain MODEL`: the reasoning chain behind one verdict, for a reviewer.

What was read (source, revision, files), each license found and where, each flag with
its evidence (file:lines and the quoted words, or the knowledge-base rule), the
lineage, every policy decision with the policy and line that made it (a preset by its
name, as every report cites it: `rule_words`), waivers, and the verdict with its exit
code.  The engine decided all of it; this only renders.
"""

from __future__ import annotations

from licscan.model import Flag, ModelResult, ScanReport
from licscan.report.common import one_line, rule_words
from licscan.report.evidence import inline  # quotes in quotation marks, summaries not

QUOTE_CHARS = 160


def render_explanation(report: ScanReport) -> str:
    blocks = [explain_result(m) for m in report.models]
    if not blocks:
        return "nothing to explain: no model found\n"
    return "\n".join(blocks)


def explain_result(m: ModelResult) -> str:
    out = _header(m)
    for section in (_sources, _licenses, _lineage, _flags, _decisions, _waivers, _notes):
        out += section(m)
    out += ["reasoning", *(f"   - {rule_words(reason)}" for reason in m.reasons)]
    out.append(f"verdict: {m.verdict.upper()}")
    return "\n".join(out) + "\n"


def _header(m: ModelResult) -> list[str]:
    rev = f" @ {m.revision}" if m.revision else " (revision not pinned)"
    out = [
        f"{m.repo_id or m.ref}{rev}",
        f"  verdict: {m.verdict.upper()}    category: {m.category}",
        f"  use: {', '.join(m.use)}    policy: {m.policy or 'presets'}",
    ]
    if m.location:
        out.append(f"  named at {m.location[0]}:{m.location[1]}")
    if m.error:
        out.append(f"  error: {m.error}")
    return [*out, ""]


def _sources(m: ModelResult) -> list[str]:
    out = [f"1. sources ({m.source})"]
    for lf in m.license_files:
        size = f", {lf.size} bytes" if lf.size is not None else ""
        sha = f", sha256 {lf.sha256[:12]}…" if lf.sha256 else ""
        out.append(f"   - {lf.path}{size}{sha}" + (f"  ERROR: {lf.error}" if lf.error else ""))
    if not m.license_files:
        out.append("   - no license file")
    if m.datasets:
        out.append(f"   - data sets: {', '.join(m.datasets)}")
    return out


def _licenses(m: ModelResult) -> list[str]:
    out = ["2. licenses"]
    for lic in m.licenses:
        name = f" - {lic.name}" if lic.name else ""
        score = f", score {lic.score:.2f}" if lic.score is not None else ""
        what = lic.license or "unrecognised"
        out.append(f"   - {what} ({lic.category}{score}) from {lic.source}{name}")
    if not m.licenses:
        out.append("   - none found")
    return out


def _lineage(m: ModelResult) -> list[str]:
    out = ["3. lineage"]
    for node in m.lineage:
        pad = "  " * ((node.depth or 1) - 1)
        what = ", ".join(node.licenses) or "no known license"
        rel = f" ({node.relation})" if node.relation else ""
        at = f" @ {node.revision[:12]}" if node.revision else ""
        name = node.id or "(base model not declared)"
        line = f"   {pad}- {name}{at}{rel}: {what} [{node.category}]"
        if node.error:
            line += f"  UNRESOLVED: {node.error}"
        out.append(line)
        if node.note:
            out.append(f"   {pad}  note: {node.note}")
    if not m.lineage:
        out.append("   - no base model" if not m.base_models else "   - not walked")
    return out


def _flags(m: ModelResult) -> list[str]:
    out = ["4. flags"]
    for flag in m.flags:
        out.extend(_flag_lines(m, flag))
    if not m.flags:
        out.append("   - none")
    return out


def _decisions(m: ModelResult) -> list[str]:
    decisions = (f"   - {d.said(d.source.words(), rule_words(d.note))}" for d in m.decisions)
    return ["5. policy decisions (strictest use wins)", *decisions]


def _waivers(m: ModelResult) -> list[str]:
    if not m.waivers:
        return []
    out = ["6. waivers"]
    for w in m.waivers:
        state = "APPLIED" if w.applied else "EXPIRED"
        flags = ", ".join(w.flags) or "no flag"
        out.append(
            f"   - {state} {w.target} [{flags}]: {w.reason} ({w.approver}, until {w.expires})"
        )
        if w.note:
            out.append(f"     {rule_words(w.note)}")
    return out


def _notes(m: ModelResult) -> list[str]:
    if not m.notes:
        return []
    return ["notes", *(f"   - {rule_words(note)}" for note in dict.fromkeys(m.notes))]


def _flag_lines(m: ModelResult, flag: Flag) -> list[str]:
    value = f" = {flag.value}" if flag.value else ""
    lines = [f"   - {flag.id}{value}  [{flag.severity or 'unjudged'}]"]
    for ev in flag.evidence:
        # one_line strips terminal control characters too
        lines.append(f"       {inline(m, ev, one_line(ev.quote, QUOTE_CHARS))}")
    if flag.note:
        lines.append(f"       note: {rule_words(flag.note)}")
    return lines
