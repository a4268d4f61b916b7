"""How every format words a piece of evidence, so a paraphrase never passes for a quote.

A quote (kind `text`: a file's own words; `card`: the model card's metadata as written)
names its file and lines and may be shown in quotation marks or a quote box.  Everything
else is said in licscan's voice and labelled so: a knowledge-base statement is licscan's
summary of a named license (and says that no license file was read, or that the clause
was not found in the file that was), a Hub fact is the Hub's, a policy entry is the
organisation's, an observation is licscan's own note about the repository.
"""

from __future__ import annotations

from dataclasses import dataclass

from licscan.model import Evidence, EvidenceKind, ModelResult, OriginKind, Site
from licscan.report.common import evidence_where, kb_entry

K = EvidenceKind


@dataclass(frozen=True)
class Wording:
    """One piece of evidence as a reader sees it."""

    kind: EvidenceKind
    label: str  # "Quoted from LICENSE, lines 31-33" / "licscan's summary of ..."
    text: str  # the quote, or the statement
    quoted: bool  # the words are the source's own (show in quotation marks / a quote box)


def span_words(lines: tuple[int, int] | None) -> str:
    if not lines:
        return ""
    a, b = lines
    return f"line {a}" if a == b else f"lines {a}-{b}"


def where_read(ev: Evidence) -> tuple[str | None, str]:
    """(base model or None, what it was read in): ('org/x', 'LICENSE') for a base's file,
    ('org/x', 'README.md') for a base's card, ('org/x', '') for a Hub fact or the file list
    of a base; the model's own file's path, else its source name ('card:license')."""
    if ev.base is not None:
        return ev.base, (ev.file or "") if ev.site in (Site.PATH, Site.CARD) else ""
    return None, ev.name if ev.site in (Site.PATH, Site.FILE) else ev.source


def _in_base(base: str | None) -> str:
    return f" of base model {base}" if base else ""


def file_words(ev: Evidence) -> str:
    """'LICENSE, lines 31-33', 'README.md, key “license”', 'README.md of base model org/x,
    line 3' (a base's card is named by its file alone)."""
    base, path = where_read(ev)
    if ev.site is Site.CARD and base is None:
        what = f"README.md, key “{ev.name}”" if ev.name else "README.md"
    else:
        what = f"{path or 'the repository'}{_in_base(base)}"
    span = span_words(ev.lines)
    return f"{what}, {span}" if span else what


def _kb_label(model: ModelResult | None, ev: Evidence) -> str:

    key = ev.kb_key
    entry = kb_entry(key)
    name = entry.name if entry is not None else key
    read = _file_read_for(model, key)
    why = (
        f"the clause was not located in {read}"
        if read
        else f"no {'policy' if entry is not None and entry.kind == 'policy' else 'license'} "
        "file was read"
    )
    return f"licscan's summary of the {name} (knowledge base), not a quote: {why}"


def _file_read_for(model: ModelResult | None, key: str) -> str | None:
    """The license file of `model` that was identified as `key`, if one was read."""
    for lic in model.licenses if model is not None else []:
        if lic.license == key and lic.origin.kind is OriginKind.FILE:
            return lic.origin.name
    return None


def wording(model: ModelResult | None, ev: Evidence) -> Wording:
    """The label and text of one piece of evidence, by its kind."""
    k = ev.kind
    text = ev.quote.strip()
    if k is K.TEXT:
        return Wording(k, f"Quoted from {file_words(ev)}", text, True)
    if k is K.CARD:
        return Wording(k, f"Quoted from the model card metadata, {file_words(ev)}", text, True)
    if k is K.KNOWLEDGE_BASE:
        return Wording(k, _kb_label(model, ev), text, False)
    if k is K.HUB:
        if ev.base is None and ev.site is Site.DATASET:
            label = f"The data set's card on the Hub ({ev.name})"
        else:
            base = ev.base
            label = f"Hub metadata{_in_base(base)}"
        return Wording(k, label, text, False)
    if k is K.POLICY:
        path = ev.name if ev.site is Site.POLICY and ev.base is None else ev.source
        span = span_words(ev.lines)
        return Wording(k, f"Policy {path}" + (f", {span}" if span else ""), text, False)
    base, path = where_read(ev)
    about = f"{path}{_in_base(base)}" if path else f"base model {base}" if base else ev.source
    return Wording(k, f"licscan's note on {about}, not a quote", text, False)


def inline(
    model: ModelResult | None, ev: Evidence, text: str | None = None, read: str | None = None
) -> str:
    """One line for text, SARIF and explain: 'LICENSE:31-33: “…”' for a quote; a
    knowledge-base statement as 'licscan summary of NAME (no license file read): …';
    anything else as 'where: …' without quotation marks.  `read`: the file that was read
    (`classify`), when there is no model to tell."""
    said = ev.quote.strip() if text is None else text
    if ev.kind.quoted:
        return f"{evidence_where(ev)}: “{said}”"
    if ev.kind is K.KNOWLEDGE_BASE:
        return f"{kb_tag(model, ev, read)}: {said}"
    return f"{evidence_where(ev)}: {said}"


def kb_tag(model: ModelResult | None, ev: Evidence, read: str | None = None) -> str:
    """'licscan summary of NAME (no license file read)': the short form of the label."""
    entry = kb_entry(ev.kb_key)
    name = entry.name if entry is not None else ev.kb_key
    read = read or _file_read_for(model, ev.kb_key)
    why = f"clause not located in {read}" if read else "no license file read"
    return f"licscan summary of {name} ({why})"
