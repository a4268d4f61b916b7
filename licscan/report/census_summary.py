"""What every census summary renders from (text, Markdown, HTML): the headline, the
requests line, the notes, the counted sections and the header."""

from __future__ import annotations

from licscan.model import VERDICTS_BY_URGENCY, CensusRow, CensusSummary, Relabel

TOP = 15  # licenses and flags shown in the charts (the JSON has them all)


def headline(s: CensusSummary) -> str:
    """'2000 models: 3 fail, 1 error, 40 warn, 1956 pass' (+ 'listing stopped')."""
    parts = ", ".join(f"{s.verdicts[v]} {v}" for v in VERDICTS_BY_URGENCY if s.verdicts.get(v))
    text = f"{s.models} model{'s' * (s.models != 1)}: {parts or 'none matched the selection'}"
    return text + ("; the listing stopped early" if s.listing_error else "")


def requests_line(s: CensusSummary) -> str:
    r = s.requests
    total = r.get("listing", 0) + r.get("api", 0) + r.get("files", 0)
    per = f" ({total / s.models:.3f} per model)" if s.models else ""
    waits = (
        f"; {r['rate_limited']} rate-limited answers waited out" if r.get("rate_limited") else ""
    )
    return (
        f"{_n(total, 'Hub request')}{per}: {_n(r.get('listing', 0), 'listing page')}, "
        f"{_n(r.get('api', 0), 'API call')}, {_n(r.get('files', 0), 'file download')}{waits}; "
        f"{s.seconds:.1f} s"
    )


def relabel_line(r: Relabel) -> str:
    declared = ", ".join(r.declared) or "no known license"
    base = ", ".join(r.base_licenses) or "no known license"
    return (
        f"declares {declared} ({r.declared_category}); base {r.base} is {base} ({r.base_category})"
    )


def notes(s: CensusSummary) -> list[str]:
    out = []
    if s.listing_error:
        out.append(
            f"The listing stopped after {s.models} models: {s.listing_error}. Run the same "
            "command with --resume to go on from there."
        )
    if s.unread:
        one = s.unread == 1
        out.append(
            f"{_n(s.unread, 'model')} {'was' if one else 'were'} judged on the known license "
            f"{'its' if one else 'their'} card declares; {'its' if one else 'their'} license "
            "files were listed but not read (--read-license-files reads them)."
        )
    if s.resumed:
        out.append(f"{_n(s.resumed, 'judgement')} taken from the interrupted run (--resume).")
    return out


def _n(n: int, noun: str) -> str:
    return f"{n} {noun}{'s' * (n != 1)}"


def _sections(s: CensusSummary) -> list[tuple[str, dict[str, int]]]:
    verdicts = {v: s.verdicts.get(v, 0) for v in VERDICTS_BY_URGENCY}
    return [
        ("Verdicts", verdicts),
        ("Categories", _sorted(s.categories)),
        ("Licenses", _top(s.licenses)),
        ("Flags", _top(s.flags)),
    ]


def _sorted(counts: dict[str, int]) -> dict[str, int]:
    return dict(sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])))


def _top(counts: dict[str, int]) -> dict[str, int]:
    items = list(_sorted(counts).items())
    top = dict(items[:TOP])
    if len(items) > TOP:
        top[f"{len(items) - TOP} others"] = sum(n for _, n in items[TOP:])
    return top


def _header(s: CensusSummary) -> str:
    return (
        f"licscan {s.version} census of {s.selection.describe()} · use: {', '.join(s.use)} · "
        f"policy: {s.policy or 'presets'} · started {s.started_at}"
    )


def _blocking(row: CensusRow) -> str:
    return "blocked by " + (", ".join(row.blocking) or f"category {row.category}")
