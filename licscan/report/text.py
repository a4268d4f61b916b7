"""Terminal summary: a coloured table on a TTY, plain aligned text everywhere else.

Plain text carries no escape codes at all (pipes, files, CI logs, NO_COLOR), so it is
also what tests and `grep` see.  rich is imported only for the coloured table.
"""

from __future__ import annotations

import os
import shutil
import sys
from typing import Any

from licscan.model import (
    VERDICTS_BY_URGENCY,
    Flag,
    ModelResult,
    PolicyFinding,
    RuleUse,
    ScanReport,
    Severity,
    Verdict,
)
from licscan.report.common import (
    DECISIVE,
    active_flags,
    decisive_evidence,
    display_name,
    excerpt,
    flag_summary,
    one_line,
    rule_words,
    short_rev,
)
from licscan.report.evidence import inline

STYLES = {
    Verdict.FAIL: "bold red",
    Verdict.ERROR: "bold magenta",
    Verdict.WARN: "yellow",
    Verdict.PASS: "green",
}
SEVERITY_STYLES = {
    Severity.BLOCK: "red",
    Severity.WARN: "yellow",
    Severity.INFO: "dim",
    None: "dim",
}
QUOTE_CHARS = 90


def use_color(color: bool | None) -> bool:
    """Colour when asked; when not said, only on a terminal that wants it."""
    if color is not None:
        return color
    if os.environ.get("NO_COLOR") or os.environ.get("TERM") == "dumb":
        return False
    return sys.stdout.isatty()


def render(report: ScanReport, **options: Any) -> str:
    quiet = bool(options.get("quiet"))
    models = [m for m in report.models if not quiet or m.verdict in (Verdict.FAIL, Verdict.ERROR)]
    color = options.get("color")
    if color is None and options.get("output"):  # written to a file: never colour codes
        color = False
    if use_color(color):
        return _rich(report, models, quiet, options.get("width"))
    return _plain(report, models, quiet)


def summary_line(report: ScanReport) -> str:
    s = report.summary
    n = len(report.models)
    parts = ", ".join(f"{s[v]} {v}" for v in VERDICTS_BY_URGENCY if s.get(v))
    return f"{n} model{'s' if n != 1 else ''}: {parts or 'nothing scanned'}"


def _header(report: ScanReport) -> str:
    bits = [f"licscan {report.version}", f"use: {', '.join(report.use) or 'default'}"]
    if report.policy:
        bits.append(f"policy: {report.policy}")
    return one_line(" · ".join(bits))


def _name(m: ModelResult) -> str:
    return one_line(display_name(m))


# --- what to say about one model -------------------------------------------------


def _finding_lines(m: ModelResult, quiet: bool) -> list[tuple[str | None, str, str]]:
    """(severity, head, detail) rows, control characters removed."""
    return [(sev, one_line(head), one_line(detail)) for sev, head, detail in _findings(m, quiet)]


def _findings(m: ModelResult, quiet: bool) -> list[tuple[str | None, str, str]]:
    """The error, then what decided the verdict (the policy's judgements of the category
    or lists, and flags, each with its evidence and rule), then the rest."""
    rows: list[tuple[str | None, str, str]] = []
    if m.error:
        rows.append((Severity.BLOCK, "error", one_line(m.error)))
    judged = m.findings
    for sev in (Severity.BLOCK, Severity.WARN):
        for p in judged:
            if p.severity == sev:
                rows.append((sev, p.subject, _policy_line(m, p)))
        for f in active_flags(m):
            if f.severity == sev:
                rows.append((sev, flag_summary(f), _evidence_line(m, f, f.rule)))
    if not quiet:
        rows += [(None, flag_summary(f), _evidence_line(m, f)) for f in active_flags(m)
                 if f.severity is None]  # fmt: skip
    if quiet:
        return rows
    info = [flag_summary(f) for f in active_flags(m) if f.severity == Severity.INFO]
    if info:
        rows.append((Severity.INFO, "also noted", ", ".join(info)))
    for f in m.flags:
        waiver = f.waiver
        if waiver is not None and f.waived:
            rows.append(
                (
                    Severity.INFO,
                    f"waived {f.id}",
                    f"{waiver.reason} ({waiver.approver}, until {waiver.expires or 'no expiry'})",
                )
            )
        elif waiver is not None:
            rows.append(
                (
                    Severity.WARN,
                    f"expired waiver {f.id}",
                    f"expired {waiver.expires}, no longer applies: {waiver.reason} "
                    f"({waiver.approver})",
                )
            )
    return rows


def _evidence_line(m: ModelResult, f: Flag, rule: RuleUse | None = None) -> str:
    """The most telling quote (cut around its decisive words), then the policy rule.
    A knowledge-base statement is labelled licscan's summary and never put in quotes."""
    ev = decisive_evidence(f)
    by = f"  [{rule.words()}]" if rule else ""
    if ev is None:
        return f"{rule_words(f.note)}{by}"
    more = f" (+{len(f.evidence) - 1} more)" if len(f.evidence) > 1 else ""
    said = excerpt(ev.quote, QUOTE_CHARS, DECISIVE.get(f.id, ()))
    return f"{inline(m, ev, said)}{more}{by}"


def _policy_line(m: ModelResult, p: PolicyFinding) -> str:
    """'card:license_name:3: “license_name: foo” [x preset, line 10 (commercial)]'."""
    ev = p.evidence[0] if p.evidence else None
    more = f" (+{len(p.evidence) - 1} more)" if len(p.evidence) > 1 else ""
    said = f"{inline(m, ev, excerpt(ev.quote, QUOTE_CHARS))}{more}" if ev else rule_words(p.note)
    return f"{said} [{p.rule.words()}]"


# --- plain -------------------------------------------------------------------------


def _plain(report: ScanReport, models: list[ModelResult], quiet: bool) -> str:
    out: list[str] = [] if quiet else [_header(report), ""]
    name_w = max((len(_name(m)) for m in models), default=0)
    rows_of = {id(m): _finding_lines(m, quiet) for m in models}
    head_w = min(max((len(h) for rows in rows_of.values() for _, h, _ in rows), default=0), 32)
    for m in models:
        rev = f"@{short_rev(m.revision)}" if m.revision else ""
        out.append(f"{m.verdict.upper():<6} {_name(m):<{name_w}}  {m.category:<16} {rev}".rstrip())
        for sev, head, detail in rows_of[id(m)]:
            out.append(f"       {(sev or '-'):<5} {head:<{head_w}}  {detail}".rstrip())
    if models and not quiet:
        out.append("")
    out.append(summary_line(report))
    return "\n".join(out) + "\n"


# --- rich --------------------------------------------------------------------------


def _rich(report: ScanReport, models: list[ModelResult], quiet: bool, width: int | None) -> str:
    from io import StringIO

    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    buf = StringIO()
    console = Console(
        file=buf,
        force_terminal=True,
        color_system="standard",
        width=width or shutil.get_terminal_size((120, 24)).columns,
        highlight=False,
        emoji=False,
    )
    if not quiet:
        console.print(Text(_header(report), style="bold"))
    if models:
        table = Table(show_header=True, header_style="bold", expand=False, show_lines=True)
        for col in ("Verdict", "Model", "Category", "Findings"):
            table.add_column(col, overflow="fold")
        for m in models:
            name = Text(_name(m))
            if m.revision:
                name.append(f"\n@{short_rev(m.revision)}", style="dim")
            findings = Text()
            for i, (sev, head, detail) in enumerate(_finding_lines(m, quiet)):
                if i:
                    findings.append("\n")
                # the severity in words as well as colour (colour-blind readers, copies)
                findings.append(f"{sev or '-'} {head}", style=SEVERITY_STYLES.get(sev, ""))
                if detail:
                    findings.append("  " + detail, style="dim" if sev == Severity.INFO else "")
            table.add_row(
                Text(m.verdict.upper(), style=STYLES.get(m.verdict, "")),
                name,
                Text(m.category),
                findings,
            )
        console.print(table)
    line = Text(summary_line(report), style="bold")
    console.print(line)
    return buf.getvalue()
