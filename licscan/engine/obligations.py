"""What a user must do to comply with a model's terms, derived from its flags and licenses.

One place decides the obligations; the HTML and Markdown reports and `licscan notice`
only render them.  Each obligation is plain words (an action), the exact text to show
when the terms prescribe one ("Built with Llama", a name prefix), and the evidence it
rests on: the flag's own evidence (a quote of the license file, or licscan's summary of a
known license), a license finding, or the NOTICE file itself.

The obligations hold whatever the policy decided: a waiver accepts a risk for the
organisation, it does not lift a duty the license puts on the user.
"""

from __future__ import annotations

import posixpath
import re

from licscan.knowledge import load_knowledge
from licscan.model import (
    Evidence,
    EvidenceKind,
    Flag,
    LicenseFinding,
    ModelResult,
    Obligation,
    ObligationKind,
    OriginKind,
    Site,
)

Kind = ObligationKind
# A short name the terms put in quotes: 'Built with Llama', “Powered by X”, "glm-4".
_QUOTED = re.compile(r"['\"“‘]([^'\"”’\n]{2,60})['\"”’]")
_NOTICE_WORDS = re.compile(r"^(built|powered|improved|made|created)\b", re.I)
_PREFIX_HINT = re.compile(r"start of (its|their) name|name prefix|begin(s)? (its|their) name", re.I)

# Term flags that limit the use itself: one plain sentence each.
_LIMITS = {
    "non-commercial": (Kind.USE_LIMIT, "Use it for non-commercial purposes only."),
    "research-only": (
        Kind.USE_LIMIT,
        "Use it only for research, evaluation or testing, not in production.",
    ),
    "no-derivatives": (
        Kind.USE_LIMIT,
        "Do not distribute modified versions of it (fine-tunes, merges, quantisations).",
    ),
    "output-training-ban": (
        Kind.OUTPUT_TRAINING,
        "Do not use its outputs to train or improve other models.",
    ),
    "geo-restriction": (
        Kind.REGION_LIMIT,
        "Do not use or offer it in the regions its terms exclude (see the evidence).",
    ),
    "gated": (
        Kind.ACCEPT_TERMS,
        "Have someone entitled to bind the organisation accept the terms the Hub asks for.",
    ),
}


def obligations(model: ModelResult) -> list[Obligation]:
    """The model's obligations, most specific first: notices and names, the use policy,
    thresholds and limits, then the license texts and NOTICE files to keep."""
    if model.error and not model.licenses:
        return []  # nothing was read: the terms (and so the duties) are unknown
    out: list[Obligation] = []
    for flag in model.flags:
        out += _from_flag(model, flag)
    out += _notices(model)
    out += _attribution(model)
    return _unique(out)


def _from_flag(model: ModelResult, flag: Flag) -> list[Obligation]:
    ev = tuple(flag.evidence)
    key = _license_of(model, flag)
    if flag.id == "prominent-attribution":
        phrase = _phrase(flag, notice=True)
        what = f"“{phrase}”" if phrase else "the notice its terms prescribe"
        action = f"Display {what} prominently in the product, its website or its documentation."
        return [Obligation(Kind.DISPLAY_NOTICE, action, ev, flag.id, key, phrase)]
    if flag.id == "output-training-conditional":
        prefix = _phrase(flag, notice=False) if _mentions_prefix(flag) else None
        if prefix:
            action = f"Start the name of any model you distribute that was trained on its outputs with “{prefix}”."  # noqa: E501
            return [Obligation(Kind.NAME_PREFIX, action, ev, flag.id, key, prefix)]
        action = "Before training another model on its outputs, meet the conditions its terms set (see the evidence)."  # noqa: E501
        return [Obligation(Kind.OUTPUT_TRAINING, action, ev, flag.id, key)]
    if flag.id == "use-restrictions":
        policy = _policy_name(flag)
        what = f"the {policy}" if policy else "its use restrictions"
        action = f"Follow {what} and pass the restrictions on to your users (for example in your terms of use)."  # noqa: E501
        return [Obligation(Kind.PASS_ON_POLICY, action, ev, flag.id, key, policy)]
    if flag.id in ("user-threshold", "revenue-threshold"):
        return [_threshold(flag, key)]
    if flag.id == "copyleft":
        name = _license_name(key) or "the same license"
        action = f"Distribute derivatives and copies under {name}, with its text."
        return [Obligation(Kind.SAME_LICENSE, action, ev, flag.id, key)]
    if flag.id in _LIMITS:
        kind, action = _LIMITS[flag.id]
        return [Obligation(kind, action, ev, flag.id, key)]
    return []


def _threshold(flag: Flag, key: str | None) -> Obligation:
    ev = tuple(flag.evidence)
    amount = f"{int(flag.value):,}" if flag.value and flag.value.isdigit() else None
    if flag.id == "user-threshold":
        limit = f"{amount} monthly active users" if amount else "the user count its terms set"
        return Obligation(
            Kind.USER_LIMIT,
            f"Stay under {limit}, or obtain a separate license from the licensor first.",
            ev, flag.id, key, flag.value,
        )  # fmt: skip
    limit = f"an annual revenue of USD {amount}" if amount else "the revenue its terms set"
    return Obligation(
        Kind.REVENUE_LIMIT,
        f"Stay under {limit}, or obtain a separate license from the licensor first.",
        ev, flag.id, key, flag.value,
    )  # fmt: skip


def _notices(model: ModelResult) -> list[Obligation]:
    """A NOTICE file in the repository travels with every copy (Apache-2.0 §4.d and kin)."""
    out = []
    for lf in model.license_files:
        if not posixpath.basename(lf.path).lower().startswith("notice"):
            continue
        text = lf.text.strip() if lf.text and lf.text.strip() else None
        first = next((line.strip() for line in (text or "").splitlines() if line.strip()), "")
        ev = (
            Evidence.at(lf.path, first[:200], (1, 1), EvidenceKind.TEXT)
            if first
            else Evidence.at(
                lf.path, "a NOTICE file ships with the model", None, EvidenceKind.OBSERVED
            )
        )
        action = f"Keep the NOTICE file ({lf.path}) and pass its contents on with every copy or derivative you distribute."  # noqa: E501
        out.append(Obligation(Kind.KEEP_NOTICE, action, (ev,), None, None, text))
    return out


def _attribution(model: ModelResult) -> list[Obligation]:
    """Every license that binds the model: keep its text and the authors' notices; an
    unrecognised one must be read by a person."""
    out = []
    seen: set[str | None] = set()
    for lic in model.licenses:
        if lic.license in seen and lic.license is not None:
            continue
        seen.add(lic.license)
        ev = (lic.evidence,) if lic.evidence is not None else ()
        if lic.license is None:
            where = lic.origin.name if lic.origin.kind is not OriginKind.BASE else lic.source
            action = f"Have a person read the unrecognised terms ({where}): licscan cannot tell what they require."  # noqa: E501
            out.append(Obligation(Kind.REVIEW, action, ev, None, None))
            continue
        name = _license_name(lic.license) or lic.name or lic.license
        whose = f" of base model {lic.origin.name}" if lic.origin.kind is OriginKind.BASE else ""
        action = f"Include the text of the {name}{whose} and keep the authors' copyright and attribution notices with every copy or derivative you distribute."  # noqa: E501
        out.append(Obligation(Kind.ATTRIBUTION, action, ev, None, lic.license, name))
    return out


# --- helpers -------------------------------------------------------------------------------


def _words(flag: Flag) -> list[str]:
    """Where a prescribed name may be written: the quotes first, then licscan's summary."""
    ordered = sorted(flag.evidence, key=lambda e: not e.kind.quoted)
    return [e.quote for e in ordered] + [flag.note]


def _phrase(flag: Flag, notice: bool) -> str | None:
    """The notice ('Built with Llama') or the name ('Llama') the terms put in quotes."""
    for text in _words(flag):
        for found in _QUOTED.findall(text or ""):
            found = found.strip()
            if notice == bool(_NOTICE_WORDS.match(found)) and not found.endswith(":"):
                return found
    return None


def _mentions_prefix(flag: Flag) -> bool:
    return any(_PREFIX_HINT.search(t or "") for t in _words(flag))


def _policy_name(flag: Flag) -> str | None:
    """The use policy a `use-restrictions` flag names: a knowledge-base policy entry, or
    the policy document shipped in the repository."""
    for ev in flag.evidence:
        if ev.kind is EvidenceKind.KNOWLEDGE_BASE:
            entry = _entry(ev.kb_key)
            if entry is not None and entry.kind == "policy":
                return entry.name
    for ev in flag.evidence:
        if ev.kind is EvidenceKind.TEXT and ev.use_policy and ev.file:
            return f"use policy in {ev.file}"
    return None


def _license_of(model: ModelResult, flag: Flag) -> str | None:
    """The license key a flag's evidence comes from, when one can be named."""
    for ev in flag.evidence:
        if ev.kind is EvidenceKind.KNOWLEDGE_BASE:
            entry = _entry(ev.kb_key)
            if entry is not None and entry.kind == "license":
                return entry.key
    files = {lic.origin.name: lic for lic in model.licenses if lic.origin.kind is OriginKind.FILE}
    for ev in flag.evidence:
        own = ev.base is None and ev.site is Site.PATH
        lic: LicenseFinding | None = files.get(ev.name) if own else None
        if lic is not None and lic.license:
            return lic.license
    keys = {lic.license for lic in model.licenses if lic.license}
    return keys.pop() if len(keys) == 1 else None


def _license_name(key: str | None) -> str | None:
    entry = _entry(key)
    return entry.name if entry is not None else None


def _entry(key: str | None):  # -> LicenseEntry | None
    if not key:
        return None
    try:
        return load_knowledge().get(key)
    except Exception:  # a broken knowledge base: the obligation keeps its generic words
        return None


def _unique(items: list[Obligation]) -> list[Obligation]:
    seen: set[tuple[str, str]] = set()
    out = []
    for ob in items:
        if (ob.kind, ob.action) not in seen:
            seen.add((ob.kind, ob.action))
            out.append(ob)
    return out
