"""GitHub-flavoured Markdown for a pull-request comment.

Summary line and table first, then the blocking findings, then warnings, then the
rest (info and waived flags) folded away.  Everything from the scanned repositories
(quotes, errors, names) is escaped: a license file must not be able to inject
markup or HTML into a PR comment.  The comment stays under GitHub's 65,536-character
limit: passing rows are dropped first, then whole sections, with a note saying so.
"""

from __future__ import annotations

from typing import Any

from licscan.engine.obligations import obligations
from licscan.model import (
    VERDICTS_BY_URGENCY,
    Flag,
    ModelResult,
    Obligation,
    PolicyFinding,
    ScanReport,
    Severity,
    Verdict,
)
from licscan.report.common import (
    display_name,
    evidence_link,
    evidence_where,
    flag_info,
    flag_summary,
    flags_by_severity,
    flags_for_display,
    hub_url,
    model_link,
    models_by_urgency,
    one_line,
    policy_title,
    short_rev,
)
from licscan.report.evidence import wording

MARKER = "<!-- licscan-report -->"  # lets a CI job find and update its own comment
GITHUB_LIMIT = 65536
ICONS = {Verdict.FAIL: "❌", Verdict.ERROR: "💥", Verdict.WARN: "⚠️", Verdict.PASS: "✅"}


def render(report: ScanReport, **options: Any) -> str:
    limit = int(options.get("max_chars") or GITHUB_LIMIT - 1536)
    hub = hub_url(options)
    blocks = _blocks(report, hub, include_passing=True)
    text = "\n".join(blocks)
    if len(text) > limit:
        blocks = _blocks(report, hub, include_passing=False)
        text = _fit(blocks, limit)
    return text


# --- escaping ----------------------------------------------------------------


def escape_inline(text: str) -> str:
    """Text safe inside a table cell or a list item: no HTML, no cell breaks, one line."""
    text = one_line(str(text))
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    for ch in "\\`*_[]|#":
        text = text.replace(ch, "\\" + ch)
    return text


def escape_quote(text: str) -> list[str]:
    """A quote as blockquote lines: its line breaks kept, markup neutralised."""
    lines = [escape_inline(line) for line in str(text).strip().splitlines()]
    # A quote line starting like a list item would render as one.
    lines = [
        "\\" + line
        if line[:1] in "-+" or (line[:2].rstrip(".").isdigit() and line[1:2] == ".")
        else line
        for line in lines
    ]
    return [f"> {line}" if line else ">" for line in lines] or [">"]


# --- building blocks -----------------------------------------------------------


def _blocks(report: ScanReport, hub: str, include_passing: bool) -> list[str]:
    models = models_by_urgency(report.models)
    s = report.summary
    attention = s[Verdict.FAIL] + s[Verdict.ERROR]
    title = (
        f"### licscan: {attention} of {len(models)} model(s) need attention"
        if attention
        else f"### licscan: {len(models)} model(s) checked, nothing blocks"
    )
    counts = " · ".join(f"{ICONS[v]} {s[v]} {v}" for v in VERDICTS_BY_URGENCY if s.get(v))
    meta = [f"use: {escape_inline(', '.join(report.use) or 'default')}"]
    if report.policy:
        meta.append(f"policy: {escape_inline(report.policy)}")
    meta.append(f"licscan {escape_inline(report.version)}")
    meta.append(f"scanned {escape_inline(report.started_at)}")
    blocks = [MARKER, title, "", counts or "no models", "", " · ".join(meta), ""]
    blocks += _table(models, hub, include_passing)
    # Driven by the flags as well as the verdicts, so no finding is ever left out.
    failing = [
        m
        for m in models
        if m.verdict in (Verdict.FAIL, Verdict.ERROR) or _flags_of(m, {Severity.BLOCK})
    ]
    warning = [m for m in models if m.verdict == Verdict.WARN or _has_warnings(m)]
    warning = [m for m in warning if _has_warnings(m) or m not in failing]
    blocks.append("")
    if failing:
        blocks += ["#### Blocking findings", ""]
        for m in failing:
            blocks += [*_model_section(m, hub, {Severity.BLOCK}), ""]
    if warning:
        blocks += ["#### Warnings", ""]
        for m in warning:
            blocks += [*_model_section(m, hub, {Severity.WARN}), ""]
    duties = [(m, obs) for m in models if (obs := obligations(m))]
    if duties:
        blocks += ["#### To comply", ""]
        for m, obs in duties:
            blocks += [*_obligation_lines(m, obs, hub), ""]
    rest = [m for m in models if _flags_of(m, {Severity.INFO, None}, waived=True)]
    if rest:
        blocks += ["<details><summary>Other findings (information, waived)</summary>", ""]
        for m in rest:
            blocks += [*_model_section(m, hub, {Severity.INFO, None}, waived=True), ""]
        blocks += ["</details>", ""]
    return blocks


def _table(models: list[ModelResult], hub: str, include_passing: bool) -> list[str]:
    rows = ["| | Model | Revision | Category | Verdict | Flags |", "|---|---|---|---|---|---|"]
    hidden = 0
    for m in models:
        if not include_passing and m.verdict == Verdict.PASS:
            hidden += 1
            continue
        name = _name(m, hub)
        flags = ", ".join(
            (
                f"**{escape_inline(flag_summary(f))}**"
                if f.severity == Severity.BLOCK and not f.waived
                else escape_inline(flag_summary(f))
            )
            + (" (waived)" if f.waived else "")
            for f in flags_for_display(m)
        )
        judged = [
            f"**{escape_inline(p.subject)}**" for p in m.findings if p.severity == Severity.BLOCK
        ]
        flags = ", ".join([*judged, flags] if flags else judged)
        if m.error:
            flags = f"error: {escape_inline(m.error)}"
        rows.append(
            f"| {ICONS.get(m.verdict, '')} | {name} | `{short_rev(m.revision)}` | "
            f"{m.category} | **{m.verdict}** | {flags or '–'} |"
        )
    if hidden:
        rows += ["", f"_{hidden} passing model(s) not listed to fit the comment._"]
    return rows


def _flags_of(m: ModelResult, severities: set, waived: bool = False) -> list[Flag]:
    """Flags of these severities; `waived=True` also takes waived flags of any severity."""
    out = []
    for f in flags_by_severity(m.flags):
        w = f.waived
        if (waived and w) or (not w and f.severity in severities):
            out.append(f)
    return out


def _has_warnings(m: ModelResult) -> bool:
    return bool(_flags_of(m, {Severity.WARN})) or any(
        p.severity == Severity.WARN for p in m.findings
    )


def _model_section(m: ModelResult, hub: str, severities: set, waived: bool = False) -> list[str]:
    lines = [f"**{ICONS.get(m.verdict, '')} {_name(m, hub)}** — {m.verdict}, {m.category}", ""]
    if m.error and Severity.BLOCK in severities:
        lines.append(f"- could not be evaluated: {escape_inline(m.error)}")
    judged = [p for p in m.findings if p.severity in severities]
    for p in judged:
        lines += _policy_lines(m, p, hub)
    flags = _flags_of(m, severities, waived)
    for f in flags:
        lines += _flag_lines(m, f, hub)
    if not flags and not judged and not m.error and severities & {Severity.BLOCK, Severity.WARN}:
        # the policy judged the category itself: say why
        why = "; ".join(m.reasons) or f"category {m.category}"
        lines.append(f"- policy: {escape_inline(why)}")
    return lines


def _name(m: ModelResult, hub: str) -> str:
    link = model_link(m, hub)
    name = escape_inline(display_name(m))
    return f"[{name}]({link})" if link else name


def _flag_lines(m: ModelResult, f: Flag, hub: str) -> list[str]:
    info = flag_info(f.id)
    head = f"- **{escape_inline(flag_summary(f))}** ({f.severity or 'unjudged'}) {info.title}"
    waiver = f.waiver
    if waiver is not None:
        state = "waived" if waiver.applied else "waiver expired"
        until = escape_inline(waiver.expires or "no expiry")
        when = f"until {until}" if waiver.applied else f"expired {until}, no longer applies"
        head += (
            f" — _{state}: {escape_inline(waiver.reason)} "
            f"({escape_inline(waiver.approver)}, {when})_"
        )
    if f.note:
        head += f" — {escape_inline(f.note)}"
    rule = f.rule
    if rule and not f.waived:
        head += f" — rule {escape_inline(rule.words())}"
    return [head, *_evidence_lines(m, f.evidence, hub)]


def _policy_lines(m: ModelResult, p: PolicyFinding, hub: str) -> list[str]:
    """A judgement of the category or the allow/deny lists, with its rule and evidence."""
    head = f"- **{escape_inline(p.subject)}** ({p.severity}) {policy_title(p)}"
    head += f" — rule {escape_inline(p.rule.words())}"
    if p.note:
        head += f" — {escape_inline(p.note)}"
    return [head, *_evidence_lines(m, list(p.evidence), hub)]


def _evidence_lines(m: ModelResult, evidence: list, hub: str) -> list[str]:
    """A quote as a blockquote under its file and lines (linked); anything else (licscan's
    summary of a license, a Hub fact, a note) as a labelled plain line, never a quote."""
    out = []
    for ev in evidence:
        w = wording(m, ev)
        url = evidence_link(m, ev, hub)
        if w.quoted:
            where = escape_inline(evidence_where(ev))
            out.append(f"  [{where}]({url}) quoted:" if url else f"  {where} quoted:")
            out += ["  " + q for q in escape_quote(ev.quote)]
        else:
            label = f"[{escape_inline(w.label)}]({url})" if url else escape_inline(w.label)
            out.append(f"  _{label}:_ {escape_inline(ev.quote)}")
    return out


def _obligation_lines(m: ModelResult, obs: list[Obligation], hub: str) -> list[str]:
    """What the user must do for one model; the evidence of each folded away."""
    lines = [f"**{_name(m, hub)}**", ""]
    for ob in obs:
        lines.append(f"- {escape_inline(ob.action)}")
        if ob.evidence:
            lines += ["  <details><summary>evidence</summary>", ""]
            lines += _evidence_lines(m, list(ob.evidence), hub)
            lines += ["", "  </details>"]
    return lines


def _fit(blocks: list[str], limit: int) -> str:
    """Whole lines up to `limit`, closing an open <details>, plus a note."""
    note = (
        "\n\n_Report cut to fit a GitHub comment; run licscan with `--format html` or "
        "`--format json` for every finding._"
    )
    out: list[str] = []
    size, open_details = 0, False
    for line in blocks:
        if size + len(line) + 1 > limit - len(note) - 20:
            break
        out.append(line)
        size += len(line) + 1
        open_details = (open_details or line.startswith("<details>")) and line != "</details>"
    if open_details:
        out.append("</details>")
    return "\n".join(out) + note
