"""Judging: what a policy makes of one model's findings.  Each flag, the category, the
allow/deny lists and an unreadable card get a severity under each use of the model (the
strictest wins), after the organisation's figures, allowed licenses and waivers; the
verdict follows.  Every decision names the policy line it came from.

Imports only the model and the errors: the warm pre-commit check re-judges the facts a
lock records (licscan.lockfile.reuse.rejudge) without loading the engine or a detector.
A waiver with fewer than the policy's `waiver_warning_days` (30 by default) left is a
warning in every report and in `check`: someone must renew it or resolve what it covers
before the gate starts failing.
"""

from __future__ import annotations

import fnmatch
from dataclasses import replace
from datetime import date

from licscan.model import (
    SEVERITIES,
    USES,
    Assessment,
    Category,
    Decider,
    Decision,
    Evidence,
    EvidenceKind,
    Flag,
    LicenseFinding,
    Lineage,
    ModelResult,
    OriginKind,
    PatternRule,
    Policy,
    PolicyFinding,
    Rule,
    RuleSource,
    RuleUse,
    Severity,
    Site,
    SourceKind,
    Subject,
    SubjectKind,
    Verdict,
    Waiver,
    WaiverUse,
    strictest,
    verdict_of,
)

DEFAULT_USE = "commercial"
DEFAULT_WARNING_DAYS = 30
# Organisation figures, and the threshold flag each one answers.
ORG_FIGURES = {"monthly_active_users": "user-threshold", "annual_revenue_usd": "revenue-threshold"}


def strongest(rules: list[tuple[str, Rule]]) -> tuple[str, Rule] | None:
    """The (use, rule) with the strictest severity; the first one on ties."""
    if not rules:
        return None
    return max(rules, key=lambda item: SEVERITIES.index(item[1].severity))


def model_matches(pattern: str, names: list[str]) -> bool:
    """A model glob against a model's names (repo id, ref, folder), case-insensitive."""
    pat = pattern.lower()
    return any(fnmatch.fnmatchcase(n.lower(), pat) for n in names if n)


def license_matches(pattern: str, key: str | None) -> bool:
    return bool(key) and fnmatch.fnmatchcase(key, pattern)


def today(fixed: str | None = None) -> str:
    """The day waivers are judged on: a policy's fixed day (tests), else the real one."""
    return fixed or date.today().isoformat()


def expired(waiver: Waiver, today: str) -> bool:
    """A waiver holds through its expiry date and stops the day after."""
    return today > waiver.expires


# --- waivers about to run out ----------------------------------------------------------------


def expiring(expires: str | None, today: str, warning_days: int) -> int | None:
    """Days a live waiver has left when that is within `warning_days` (0 = its last day);
    None when it has longer, has expired, or warnings are off (warning_days 0)."""
    if not expires or not warning_days or today > expires:
        return None
    left = (date.fromisoformat(expires) - date.fromisoformat(today)).days
    return left if left < warning_days else None


def expiring_note(expires: str, days: int) -> str:
    when = "today" if days == 0 else "tomorrow" if days == 1 else f"in {days} days"
    return f"expires {expires} ({when}): renew it or resolve what it covers"


# --- the judgement ---------------------------------------------------------------------------


def judge(
    result: ModelResult,
    origins: dict[str, set[str]],
    own: Assessment,
    lineage: Lineage,
    policy: Policy,
    reasons: list[str],
) -> None:
    """Severities for every flag, the category, unresolved bases and the allow/deny
    lists, under each use of the model (the strictest wins); waivers; the verdict.
    Fills result.flags[*].severity, decisions, waivers, reasons and verdict."""
    _Judge(result, origins, own, lineage, policy).run(reasons)


class _Judge:
    """One model's judgement: a Decision per flag, the category, the allow/deny lists."""

    def __init__(
        self,
        r: ModelResult,
        origins: dict[str, set[str]],
        own: Assessment,
        lineage: Lineage,
        policy: Policy,
    ) -> None:
        self.r, self.origins, self.own, self.lineage, self.policy = r, origins, own, lineage, policy
        self.uses = [u for u in (r.use or policy.uses) if u in USES] or [DEFAULT_USE]
        self.today = today(policy.today)
        names = [r.repo_id or "", r.ref, r.ref.split("@", 1)[0]]
        self.keys = list(dict.fromkeys(lic.license for lic in r.licenses if lic.license))
        self.waivers = [
            w
            for w in policy.waivers
            if (w.model and model_matches(w.model, names))
            or (w.license and any(license_matches(w.license, k) for k in self.keys))
        ]
        self.denied = _first_model(policy.deny_models, names)
        self.allowed = _first_model(policy.allow_models, names)
        self.decisions: list[Decision] = []

    # -- helpers --
    def strongest_rule(self, table: dict[str, dict[str, Rule]], name: str) -> tuple[str, Rule]:
        found = [(u, table[u][name]) for u in self.uses if name in table.get(u, {})]
        best = strongest(found)
        return best if best else (self.uses[0], Rule(Severity.WARN, RuleSource(Decider.DEFAULT)))

    def covers(self, w: Waiver, flag_id: str | None) -> bool:
        """Whether waiver `w` covers a flag (or, flag_id None, the whole-model judgements)."""
        if flag_id is None:
            return not w.flags and bool(w.model)
        if w.flags and flag_id not in w.flags:
            return False
        if w.model:
            return True
        o = self.origins.get(flag_id, set())
        return bool(o) and "" not in o and all(license_matches(w.license or "", k) for k in o)

    def license_waived(self, key: str) -> Waiver | None:
        for w in self.waivers:
            if w.license and not w.flags and license_matches(w.license, key):
                return None if expired(w, self.today) else w
        return None

    def license_allowed(self, key: str) -> PatternRule | None:
        return _first_license(self.policy.allow_licenses, key)

    def exception(
        self, sev: Severity, src: RuleSource, covering: list[Waiver], note: list[str]
    ) -> tuple[Severity, RuleSource]:
        """Apply the allow list and waivers to one judgement."""
        if self.allowed and sev != Severity.INFO:
            note.append(f"model allowed (was {sev} by {src})")
            return Severity.INFO, self.allowed.source
        live = [w for w in covering if not expired(w, self.today)]
        for w in covering:
            if expired(w, self.today):
                note.append(f"waiver {w.source} expired {w.expires}: no longer applies")
        if live and sev != Severity.INFO:
            w = live[0]
            days = expiring(w.expires, self.today, self.policy.waiver_warning_days)
            soon = f"; the waiver {expiring_note(w.expires, days)}" if days is not None else ""
            note.append(
                f"waived (was {sev} by {src}): {w.reason} - {w.approver}, until {w.expires}{soon}"
            )
            return Severity.INFO, w.source
        return sev, src

    def decide(
        self, subject: Subject, sev: Severity, use: str | None, src: RuleSource, note: list[str]
    ) -> None:
        self.decisions.append(Decision(subject, sev, use, src, "; ".join(note)))

    # -- the judgements --
    def run(self, reasons: list[str]) -> None:
        for flag in self.r.flags:
            self.flag(flag)
        self.category()
        self.lists()
        self.card()
        self.record_waivers()
        self.r.decisions = self.decisions
        self.mark_flags()
        self.r.findings = findings(self.r)
        self.r.verdict = self.verdict()
        reasons += [str(d) for d in self.decisions if d.severity in (Severity.BLOCK, Severity.WARN)]
        reasons += [_waiver_reason(w) for w in self.r.waivers]
        if self.r.error:
            reasons.append(f"error: {self.r.error} (an error never passes)")
        self.r.reasons = reasons

    def flag(self, flag: Flag) -> None:
        use, rule = self.strongest_rule(self.policy.flags, flag.id)
        note: list[str] = []
        if flag.id == "inherits-base-license" and self.lineage.unresolved:
            # a base whose terms could not be checked: lineage.unresolved decides too
            table = {u: {"unresolved": r} for u, r in self.policy.unresolved.items()}
            use2, rule2 = self.strongest_rule(table, "unresolved")
            if SEVERITIES.index(rule2.severity) >= SEVERITIES.index(rule.severity):
                use, rule = use2, rule2
            note.append(f"{len(self.lineage.unresolved)} base model(s) unresolved")
        sev, src = rule.severity, rule.source
        sev, src = self.threshold(flag, sev, src, note)
        o = self.origins.get(flag.id, set())
        allowed = [self.license_allowed(k) for k in o] if o and "" not in o else []
        if allowed and all(allowed) and sev != Severity.INFO:
            note.append(f"license {', '.join(sorted(o))} allowed (was {sev} by {src})")
            sev, src = Severity.INFO, allowed[0].source  # type: ignore[union-attr]
        covering = [w for w in self.waivers if self.covers(w, flag.id)]
        sev, src = self.exception(sev, src, covering, note)
        flag.severity = sev
        extra = [n for n in note if n.startswith(("waived", "waiver"))]
        if extra:
            flag.note = "; ".join([flag.note, *extra]) if flag.note else "; ".join(extra)
        self.decide(Subject(SubjectKind.FLAG, flag.id), sev, use, src, note)

    def threshold(
        self, flag: Flag, sev: Severity, src: RuleSource, note: list[str]
    ) -> tuple[Severity, RuleSource]:
        figure = next((k for k, v in ORG_FIGURES.items() if v == flag.id), None)
        org = self.policy.organisation.get(figure or "")
        if org is None or not (flag.value or "").isdigit():
            return sev, src
        have, where = org
        limit = int(flag.value or 0)
        what = figure.replace("_", " ") if figure else ""
        if have < limit:
            note.append(f"the organisation's {have:,} {what} are under {limit:,} (was {sev})")
            return Severity.INFO, where
        note.append(f"the organisation's {have:,} {what} reach {limit:,}: no grant above it")
        return Severity.BLOCK, where

    def category(self) -> None:
        items = [(lic.license, lic.category) for lic in self.r.licenses]
        if not self.own.licenses:
            items.append((None, Category.UNKNOWN))
        note: list[str] = []
        kept = []
        for key, cat in items:
            why = key and (self.license_allowed(key) or self.license_waived(key))
            if why:
                note.append(f"{key} ({cat}) set aside by {why.source}")
            else:
                kept.append(cat)
        if not kept:
            self.decide(
                Subject(SubjectKind.CATEGORY, self.r.category),
                Severity.INFO,
                None,
                RuleSource(Decider.SET_ASIDE),
                note,
            )
            return
        # Nothing set aside: never judge a laxer category than the model's own (fail closed).
        judged = strictest(kept if note else [*kept, self.r.category])
        use, rule = self.strongest_rule(self.policy.categories, judged)
        covering = [w for w in self.waivers if self.covers(w, None)]
        sev, src = self.exception(rule.severity, rule.source, covering, note)
        self.decide(Subject(SubjectKind.CATEGORY, judged), sev, use, src, note)

    def lists(self) -> None:
        for key in self.keys:
            p = _first_license(self.policy.deny_licenses, key)
            if p is None:
                continue
            note = [f"license {key} is denied"]
            covering = [w for w in self.waivers if self.covers(w, None)]
            w = self.license_waived(key)
            sev, src = self.exception(Severity.BLOCK, p.source, covering + ([w] if w else []), note)
            self.decide(Subject(SubjectKind.LICENSE, key), sev, None, src, note)
        if self.denied:
            self.decide(
                Subject(SubjectKind.MODEL),
                Severity.BLOCK,
                None,
                self.denied.source,
                ["model denied by the policy"],
            )
        elif self.allowed:
            self.decide(
                Subject(SubjectKind.MODEL),
                Severity.INFO,
                None,
                self.allowed.source,
                ["model allowed by the policy"],
            )

    def card(self) -> None:
        """An unreadable card hides base models and the declared license: a license file
        alone cannot clear the model, so a human must look (fail closed, never a pass)."""
        if not self.own.card_unreadable or self.r.error:
            return
        note = [f"card unreadable ({self.own.card_unreadable}): base models unknown"]
        covering = [w for w in self.waivers if self.covers(w, None)]
        sev, src = self.exception(
            Severity.WARN, RuleSource(Decider.UNREADABLE_CARD), covering, note
        )
        self.decide(Subject(SubjectKind.CARD), sev, None, src, note)

    def record_waivers(self) -> None:
        for w in self.waivers:
            gone = expired(w, self.today)
            # what it covers here: a license waiver never covers a flag its license did
            # not bring, whatever flags it names (reports show exactly these as waived)
            named = list(w.flags) or [f.id for f in self.r.flags]
            covered = [f for f in named if self.covers(w, f)]
            whole = self.covers(w, None) or (w.license and not w.flags)
            note = f"{w.source}: expired {w.expires}, no longer applies" if gone else str(w.source)
            if whole:
                note += (
                    "; covers every judgement of the model"
                    if w.model
                    else (f"; sets aside every term of {w.license}")
                )
            target = w.model or w.license or ""
            days = expiring(w.expires, self.today, self.policy.waiver_warning_days)
            if days is not None:  # a person must renew it or fix the model: a warning
                note += f"; {expiring_note(w.expires, days)}"
                self.decide(Subject(SubjectKind.WAIVER, target), Severity.WARN, None, w.source,
                            [expiring_note(w.expires, days)])  # fmt: skip
            use = WaiverUse(target, covered, w.reason, w.approver, w.expires, not gone, note)
            self.r.waivers.append(use)

    def mark_flags(self) -> None:
        """Each flag's waiver (an applied one first) and the rule that set its severity.
        A waiver covers the flags record_waivers lists for it on this model: none for a
        license waiver whose license brought no flag (it must not hide a blocking one)."""
        rules: dict[Subject, RuleUse] = {}
        for d in self.decisions:
            rules.setdefault(d.subject, d.rule)
        for f in self.r.flags:
            covering = [w for w in self.r.waivers if f.id in w.flags]
            covering.sort(key=lambda w: not w.applied)
            f.waiver = covering[0] if covering else None
            f.rule = rules.get(Subject(SubjectKind.FLAG, f.id))

    def verdict(self) -> Verdict:
        if self.r.error:
            return Verdict.ERROR
        return verdict_of({d.severity for d in self.decisions})


def _first_model(rules: list[PatternRule], names: list[str]) -> PatternRule | None:
    return next((p for p in rules if model_matches(p.pattern, names)), None)


def _first_license(rules: list[PatternRule], key: str) -> PatternRule | None:
    return next((p for p in rules if license_matches(p.pattern, key)), None)


def _waiver_reason(w: WaiverUse) -> str:
    if w.applied:
        return f"waiver for {w.target} applied: {w.reason} ({w.approver}, until {w.expires})"
    return f"waiver for {w.target} expired {w.expires}: no longer applies"


# --- what reports show besides the flags ---------------------------------------------------


def findings(model: ModelResult) -> list[PolicyFinding]:
    """The model's non-flag judgements that block or warn, block first."""
    out = [_finding(model, d) for d in model.decisions if d.subject.kind is not SubjectKind.FLAG]
    found = [f for f in out if f is not None]
    return sorted(found, key=lambda f: f.severity != Severity.BLOCK)


def _finding(model: ModelResult, d: Decision) -> PolicyFinding | None:
    if d.severity not in (Severity.BLOCK, Severity.WARN):
        return None
    rule = d.rule
    kind, name = d.subject.kind, d.subject.name or ""
    if kind is SubjectKind.CATEGORY:
        if model.error and not model.licenses:
            return None  # nothing was read: the error says all there is
        return _category_finding(model, name, d.severity, rule, d.note)
    if kind is SubjectKind.LICENSE:
        ev = [_license_evidence(model, lic) for lic in model.licenses if lic.license == name]
        return PolicyFinding(
            "policy-denied", f"license {name} denied", d.severity, rule, d.note, tuple(ev)
        )
    place, where = _policy_place(d.source)
    if kind is SubjectKind.WAIVER:  # a waiver this model relies on runs out soon
        ev = Evidence(
            EvidenceKind.POLICY, f"waiver for {name}: {d.note}", Site.POLICY, place, where
        )
        subject = f"waiver for {name} expiring"
        return PolicyFinding("waiver-expiring", subject, d.severity, rule, d.note, (ev,))
    ev = (
        Evidence(
            EvidenceKind.POLICY,
            f"{d.note or 'model named by the policy'}: {_display_name(model)}",
            Site.POLICY,  # a policy file, apart from the model's own files (no Hub link)
            place,
            where,
        ),
    )
    return PolicyFinding("policy-denied", "model denied", d.severity, rule, d.note, ev)


def _policy_place(source: RuleSource) -> tuple[str, tuple[int, int] | None]:
    """The policy file and line a decision cites (licscan itself: its name, no line)."""
    if source.decider is Decider.POLICY:
        return source.file, (source.line, source.line)
    return str(source), None


def _category_finding(
    model: ModelResult, category: Category, severity: Severity, rule: RuleUse, note: str
) -> PolicyFinding:
    """The category, with the licenses that make it as evidence (or what shows none)."""
    ev = [_license_evidence(model, lic) for lic in model.licenses if lic.category == category]
    if not ev:
        ev = [e for f in model.flags if f.id == "no-license" for e in f.evidence[:1]]
    if not ev:
        ev = [
            Evidence.at(
                model.ref,
                "no license found that grants rights for this use",
                None,
                EvidenceKind.OBSERVED,
            )
        ]
    subject = f"category {category}"
    return PolicyFinding("category-not-allowed", subject, severity, rule, note, tuple(ev))


def _license_evidence(model: ModelResult, lic: LicenseFinding) -> Evidence:
    """Where a license was read; its own quote when the engine kept one (a lock keeps
    none: then its origin, marked when it is a text the reviewer supplied)."""
    what = lic.license or "unrecognised license"
    if lic.evidence is not None:
        if lic.origin.kind is OriginKind.BASE:  # its name under the base it binds through
            return lic.evidence.under(lic.origin.name)
        return lic.evidence
    ev = Evidence.parse(lic.source, f"{what} ({lic.category})", None, EvidenceKind.OBSERVED)
    supplied = {lf.path for lf in model.license_files if lf.supplied is not None}
    return replace(ev, supplied=lic.origin.kind is OriginKind.FILE and lic.origin.name in supplied)


def _display_name(model: ModelResult) -> str:
    """The repo id for Hub models, else the ref (as reports name a model)."""
    if model.source != SourceKind.LOCAL and model.repo_id:
        return model.repo_id
    return model.ref
