"""Small, dependency-free helpers every format shares: ordering, links, display words.

Each format is a view of one ScanReport.  What a waiver covers, which rule set a flag's
severity and what else the policy found are the engine's decisions (`Flag.waiver`,
`Flag.rule`, `ModelResult.findings`, licscan.engine.judge): reports read them, so the
HTML, Markdown, SARIF and CycloneDX outputs never disagree.  Where a piece of evidence
lives on the Hub is decided here, once.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from urllib.parse import quote

from licscan.hubref import is_commit
from licscan.model import (
    SEVERITIES,
    VERDICTS_BY_URGENCY,
    Evidence,
    EvidenceKind,
    Flag,
    FlagInfo,
    ModelResult,
    PolicyFinding,
    RuleSource,
    Severity,
    Site,
    SourceKind,
)
from licscan.report.safe import mark_controls

DEFAULT_HUB = "https://huggingface.co"
# Most urgent first: what a reader must look at before anything else.
SEVERITY_ORDER: tuple[Severity | None, ...] = (*reversed(SEVERITIES), None)
# A base model a link can point at: "org/name", "org/name@sha" (a folder has no page)
_BASE_REPO_RE = re.compile(r"(?P<repo>[\w.-]+/[\w.-]+)(?:@(?P<rev>[\w.-]+))?")


def hub_url(options: dict | None = None) -> str:
    """The Hub links point at: an explicit option, else HF_ENDPOINT (a mirror), else the Hub."""
    value = (options or {}).get("hub_url") or os.environ.get("HF_ENDPOINT") or DEFAULT_HUB
    return value.rstrip("/")


def verdict_rank(model: ModelResult) -> int:
    order = VERDICTS_BY_URGENCY
    return order.index(model.verdict) if model.verdict in order else 0


def severity_rank(flag: Flag) -> int:
    return SEVERITY_ORDER.index(flag.severity) if flag.severity in SEVERITY_ORDER else 3


def models_by_urgency(models: list[ModelResult]) -> list[ModelResult]:
    """fail, error, warn, pass; input order kept within each group (stable sort)."""
    return sorted(models, key=verdict_rank)


def flags_by_severity(flags: list[Flag]) -> list[Flag]:
    return sorted(flags, key=severity_rank)


def active_flags(model: ModelResult) -> list[Flag]:
    """Flags no applied waiver covers, most severe first."""
    return [f for f in flags_by_severity(model.flags) if not f.waived]


def flags_for_display(model: ModelResult) -> list[Flag]:
    """Active flags, most severe first, then the waived ones."""
    waived = [f for f in flags_by_severity(model.flags) if f.waived]
    return active_flags(model) + waived


def display_name(model: ModelResult) -> str:
    """The repo id for Hub models (the revision is shown on its own), else the ref."""
    if model.source != SourceKind.LOCAL and model.repo_id:
        return model.repo_id
    return model.ref


def policy_title(p: PolicyFinding) -> str:
    if p.rule_id == "category-not-allowed" and p.severity != Severity.BLOCK:
        return "Category needs review"
    return flag_info(p.rule_id).title


def policy_description(p: PolicyFinding) -> str:
    if p.rule_id == "category-not-allowed" and p.severity != Severity.BLOCK:
        return "The policy wants a person to read the terms of this license category before use."
    return flag_info(p.rule_id).description


_POLICY_LINE = re.compile(r"(?P<path>[^\s()]+\.ya?ml):(?P<line>\d+)")
_PRESETS = "rules/policies/"


def rule_words(prose: str) -> str:
    """Prose that cites policy lines (a note, a reason) as a reader is shown it: each
    'rules/policies/commercial.yaml:17' as 'commercial preset, line 17', each
    'examples/policy.yaml:7' as 'examples/policy.yaml, line 7' (RuleSource.words).  Notes
    are words (JSON and a lock keep them as written), so their citations are found again
    here; a rule itself is typed (RuleSource, RuleUse) and renders itself."""

    def cite(m: re.Match[str]) -> str:
        path = m["path"]
        preset = path[len(_PRESETS) :].rsplit(".", 1)[0] if path.startswith(_PRESETS) else None
        return RuleSource.at(path, int(m["line"]), preset).words()

    return _POLICY_LINE.sub(cite, prose)


def short_rev(revision: str | None) -> str:
    if not revision:
        return "-"
    return revision[:10] if is_commit(revision) else revision


def lines_text(ev: Evidence) -> str:
    if not ev.lines:
        return ""
    a, b = ev.lines
    return f"{a}" if a == b else f"{a}-{b}"


def evidence_where(ev: Evidence) -> str:
    """'LICENSE:31-33' or 'card:license'."""
    span = lines_text(ev)
    return f"{ev.source}:{span}" if span else ev.source


@dataclass(frozen=True)
class FileRef:
    """A file of some Hub repository at some revision (or main)."""

    repo_id: str
    revision: str | None
    path: str | None  # None: the repository page itself


def evidence_file(model: ModelResult, ev: Evidence) -> FileRef | None:
    """Which repository file an evidence points into, when that can be known: a file of
    the model (a card key is in README.md), a file of a base model or the base's page.
    Knowledge-base facts ('rules/...'), a policy, a Hub fact and anything else have no
    repository file."""
    if ev.base is None:
        if ev.kind is EvidenceKind.KNOWLEDGE_BASE or ev.site is Site.POLICY:
            return None
        path = ev.file
        if path is None or ev.supplied:  # not a file, or one no repository holds
            return None
        return FileRef(model.repo_id or model.ref, model.revision, path)
    m = _BASE_REPO_RE.fullmatch(ev.base)
    if m is None or m["repo"].startswith((".", "/", "~")):
        return None  # a local folder named as a base: no Hub page to link
    if ev.site in (Site.HUB, Site.LISTING, Site.BASE):
        path = None  # the base's page
    elif ev.site in (Site.CARD, Site.PATH) and ev.file and ":" not in ev.file:
        path = ev.file
    else:
        return None
    return FileRef(m["repo"], m["rev"] or _lineage_revision(model, m["repo"]), path)


def _lineage_revision(model: ModelResult, repo_id: str) -> str | None:
    """The revision the lineage walk resolved for a base model, so links stay pinned."""
    for entry in model.lineage:
        if (entry.id or "").partition("@")[0] == repo_id and entry.revision:
            return entry.revision
    return None


def hub_link(ref: FileRef, base: str, lines: tuple[int, int] | None = None) -> str:
    """https://huggingface.co/org/name/blob/<rev>/LICENSE#L31-L33"""
    repo = quote(ref.repo_id, safe="/")
    if ref.path is None:
        return f"{base}/{repo}"
    rev = quote(ref.revision or "main", safe="")
    url = f"{base}/{repo}/blob/{rev}/{quote(ref.path, safe='/')}"
    if lines:
        a, b = lines
        url += f"#L{a}" if a == b else f"#L{a}-L{b}"
    return url


def evidence_link(model: ModelResult, ev: Evidence, base: str) -> str | None:
    """A link a reviewer can click to check the quote; only for Hub models."""
    if ev.base is None and ev.site is Site.DATASET:  # a data set's card on the Hub
        return f"{base}/datasets/{quote(ev.name, safe='/')}"
    if model.source != SourceKind.HUB and ev.base is None:
        return None
    if ev.base is None and ev.site is Site.LISTING:  # the file list: the repository's tree
        return model_link(model, base)
    ref = evidence_file(model, ev)
    if ref is None:
        return None
    return hub_link(ref, base, ev.lines)


def model_link(model: ModelResult, base: str) -> str | None:
    if model.source != SourceKind.HUB or not (model.repo_id or model.ref):
        return None
    repo = model.repo_id or model.ref.split("@", 1)[0]
    if model.revision:
        return f"{base}/{quote(repo, safe='/')}/tree/{quote(model.revision, safe='')}"
    return f"{base}/{quote(repo, safe='/')}"


def license_label(key: str | None, name: str | None = None) -> str:
    """A human name for a knowledge-base key, from the knowledge base when it loads."""
    if not key:
        return name or "unrecognised license"
    entry = kb_entry(key)
    return entry.name if entry is not None else (name or key)


def kb_entry(key: str | None):  # -> LicenseEntry | None
    """The knowledge-base entry for `key`; None when unknown or the KB cannot load.

    A report must render even when the knowledge base is broken: the scan already
    happened, and its result is what the reader needs."""
    if not key:
        return None
    try:
        from licscan.knowledge import load_knowledge

        return load_knowledge().get(key)
    except Exception:
        return None


def one_line(text: str, limit: int = 0) -> str:
    """Collapse whitespace (quotes often span wrapped lines); cut to `limit` chars."""
    flat = " ".join(mark_controls(text).split())
    if limit and len(flat) > limit:
        return flat[: max(limit - 1, 1)].rstrip() + "…"
    return flat


# Words that carry a flag's meaning: a cut quote is centred on the first one, so a long
# grant sentence still shows "…for non-commercial research purposes only."
DECISIVE: dict[str, tuple[str, ...]] = {
    "non-commercial": ("non-commercial", "noncommercial", "commercial"),
    "research-only": ("research", "evaluation", "non-production", "testing"),
    "no-derivatives": ("derivative", "modif", "adapt"),
    "output-training-ban": ("output", "train", "improve"),
    "output-training-conditional": ("output", "train", "improve"),
    "user-threshold": ("active users", "users"),
    "revenue-threshold": ("revenue", "turnover"),
    "prominent-attribution": ("prominent", "display", "built with", "attribution"),
    "use-restrictions": ("restrict", "policy", "not use", "prohibit"),
    "copyleft": ("same license", "same terms", "share", "copyleft"),
    "geo-restriction": ("european union", "region", "resident", "territor", "country"),
}


def excerpt(text: str, limit: int, words: tuple[str, ...] = ()) -> str:
    """`text` on one line, cut to `limit` characters around the first decisive word
    (from the start when that word is already in view)."""
    flat = one_line(text)
    if len(flat) <= limit:
        return flat
    low = flat.lower()
    hits = [i for w in words if (i := low.find(w)) >= 0]
    at = min(hits) if hits else 0
    if at + 20 <= limit - 1:  # the decisive words are already in view
        return one_line(flat, limit)
    start = max(0, min(at - limit // 3, len(flat) - limit + 1))
    start = flat.find(" ", start) + 1 if flat.find(" ", start) >= 0 else start
    return "…" + one_line(flat[start:], limit - 1)


def decisive_evidence(flag: Flag) -> Evidence | None:
    """The evidence to show first when there is room for one: a quote from the license
    text itself, else the knowledge-base clause, else a card line or anything else."""

    def rank(ev: Evidence) -> int:
        if ev.kind is EvidenceKind.TEXT:
            return 0 if ev.lines else 3
        if ev.kind in (EvidenceKind.KNOWLEDGE_BASE, EvidenceKind.HUB):
            return 1
        return 2 if ev.kind is EvidenceKind.CARD else 3

    return min(flag.evidence, key=rank) if flag.evidence else None


def flag_summary(flag: Flag) -> str:
    """'user-threshold=700000000' or 'non-commercial'."""
    return f"{flag.id}={flag.value}" if flag.value else flag.id


def project_url() -> str | None:
    """The project's home page from the installed package metadata (Project-URL), if any.

    Never invented: formats that have a slot for it leave it out when it is unknown."""
    try:
        from importlib.metadata import metadata

        urls = metadata("licscan").get_all("Project-URL") or []
    except Exception:  # not installed (running from a checkout), or broken metadata
        return None
    for item in urls:
        label, _, url = item.partition(",")
        if label.strip().lower() in ("homepage", "home", "source", "repository"):
            return url.strip()
    return None


def flag_info(flag_id: str) -> FlagInfo:
    """A flag in plain words, from the glossary (rules/flags.yaml); the bare id when the
    glossary cannot load (a report must still render)."""
    try:
        from licscan.knowledge import load_glossary

        found = load_glossary().get(flag_id)
    except Exception:
        found = None
    return found or FlagInfo(flag_id, flag_id, "Review the finding.")
