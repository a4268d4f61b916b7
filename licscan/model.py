"""The data that flows between stages: sources -> detect -> engine -> report.

Every stage speaks in these dataclasses and nothing else; no module reaches back
upstream.  Names follow ../shared/docs/taxonomy.md exactly.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field, fields, replace
from datetime import UTC, datetime
from enum import StrEnum
from pathlib import PurePosixPath
from typing import Any

from licscan.errors import ExitCode


class Category(StrEnum):
    """A license's or a model's category (taxonomy.md), most open first: a model's
    category is the max over everything that binds it."""

    OSI_OPEN = "osi-open"
    OPEN_WEIGHT = "open-weight"
    SOURCE_AVAILABLE = "source-available"
    UNKNOWN = "unknown"


class Severity(StrEnum):
    """What a policy makes of a flag or a category, weakest first."""

    INFO = "info"
    WARN = "warn"
    BLOCK = "block"


class Verdict(StrEnum):
    """A model's verdict under a policy, most strict last."""

    PASS = "pass"
    WARN = "warn"
    FAIL = "fail"
    ERROR = "error"


class SourceKind(StrEnum):
    """Where a target is read from."""

    HUB = "hub"
    LOCAL = "local"
    CACHE = "cache"  # a revision in the local Hugging Face cache


CATEGORY_ORDER: tuple[Category, ...] = tuple(Category)  # most open first (definition order)
# Card license values that name no license (`other`: the terms are elsewhere, in
# license_name or a file).  NOT_A_LICENSE_ID adds what no license id stands for; it
# differs on purpose: a card saying `proprietary` declares terms licscan cannot read
# (unrecognized-license), which is not the same finding as no-license.
NO_LICENSE_VALUES = frozenset({"other", "unknown", "noassertion", "none"})
NOT_A_LICENSE_ID = NO_LICENSE_VALUES | {"", "proprietary"}
# Most strict last (a lock's verdict per use) / most urgent first (what a reader sees first).
VERDICTS_BY_STRICTNESS: tuple[Verdict, ...] = tuple(Verdict)
VERDICTS_BY_URGENCY: tuple[Verdict, ...] = (Verdict.FAIL, Verdict.ERROR, Verdict.WARN, Verdict.PASS)
DEFAULT_JOBS = 8  # models fetched and judged at once (--jobs)
EXPLAIN_JOBS = 4  # `licscan explain`: one target, a few bases
DEFAULT_MAX_DEPTH = 5  # base-model levels walked unless a policy says otherwise
MAX_DEPTH_LIMIT = 20  # the most a policy may ask for


def utc_now() -> str:
    """Now, as every timestamp licscan writes it: ISO-8601 UTC to the second."""
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


TERM_FLAGS: tuple[str, ...] = (
    "non-commercial",
    "research-only",
    "no-derivatives",
    "output-training-ban",
    "output-training-conditional",
    "user-threshold",
    "revenue-threshold",
    "prominent-attribution",
    "use-restrictions",
    "copyleft",
    "geo-restriction",
)
# Term flags that withhold commercial use, production use or derivatives: source-available.
WITHHOLDING_FLAGS = frozenset({"non-commercial", "research-only", "no-derivatives"})
# Term flags that take freedoms away but leave commercial use: open-weight.
RESTRICTING_FLAGS = frozenset(TERM_FLAGS) - WITHHOLDING_FLAGS - {"copyleft"}
CONTEXT_FLAGS: tuple[str, ...] = (
    "no-license",
    "unrecognized-license",
    "modified-license",
    "license-mismatch",
    "inherits-base-license",
    "dataset-license",
    "gated",
    "pickle-weights",
)
FLAG_IDS: tuple[str, ...] = TERM_FLAGS + CONTEXT_FLAGS

SEVERITIES: tuple[Severity, ...] = tuple(Severity)  # weakest first
USES: tuple[str, ...] = ("commercial", "research", "distillation", "redistribution", "fine-tuning")


def strictest(categories: list[Category]) -> Category:
    """The most restrictive category of those given (unknown when none)."""
    if not categories:
        return Category.UNKNOWN
    return Category(max(categories, key=CATEGORY_ORDER.index))


def verdict_of(severities: set[Severity | None]) -> Verdict:
    """The verdict the severities of a model's decisions make: any block fails, else any
    warning warns, else it passes (an error is decided before: it has no severity)."""
    if Severity.BLOCK in severities:
        return Verdict.FAIL
    return Verdict.WARN if Severity.WARN in severities else Verdict.PASS


class EvidenceKind(StrEnum):
    """What a piece of evidence is, so a report never dresses a paraphrase up as a quote."""

    TEXT = "text"  # verbatim words of a file of the repository (license, policy, notice)
    CARD = "card"  # the model card's metadata as written (README.md front matter)
    HUB = "hub"  # what the Hub says: gating, a data set's declared license
    KNOWLEDGE_BASE = "knowledge-base"  # licscan's own summary of a known license (rules/)
    POLICY = "policy"  # the organisation's policy: a rule or a list entry
    OBSERVED = "observed"  # licscan's own words about the repository: a file list, an
    # unreadable file, weights in pickle format

    @property
    def quoted(self) -> bool:
        """The words are the source's own (a reader may check them verbatim)."""
        return self in (EvidenceKind.TEXT, EvidenceKind.CARD)

    @classmethod
    def infer(cls, source: str) -> EvidenceKind:
        """The kind a source name implies: the default for evidence built without one and
        for records written before kinds existed (a lock, a stored classification)."""
        tail = source.removeprefix("base:")
        if source.startswith("rules/") or "rules/licenses/" in tail:
            return cls.KNOWLEDGE_BASE
        if source.startswith("card:") or (source.startswith("base:") and
                                          tail.endswith(":README.md")):  # fmt: skip
            return cls.CARD
        if source.startswith(("hub:", "dataset:")):
            return cls.HUB
        if source.startswith("policy"):
            return cls.POLICY
        if source == "files":
            return cls.OBSERVED
        return cls.TEXT

    @classmethod
    def parse(cls, value: Any, source: str) -> EvidenceKind:
        """A kind read from a record (untrusted): unknown or missing -> inferred."""
        try:
            return cls(value)
        except ValueError:
            return cls.infer(source)


class Site(StrEnum):
    """Where a piece of evidence was read: what its source name starts with."""

    PATH = "path"  # a file by its path: the repository's, rules/…, a weight file, a ref
    FILE = "file"  # a license file as a license finding names it: "file:{name}"
    CARD = "card"  # a key of the card's metadata: "card:{name}"
    HUB = "hub"  # a fact the Hub states: "hub:{name}"
    DATASET = "dataset"  # a data set's card on the Hub: "dataset:{name}"
    POLICY = "policy"  # a policy file (or a built-in preset): "policy:{name}"
    LISTING = "files"  # the repository's file list: "files"
    BASE = "base"  # the base model as a whole (unresolved, or what it binds): "base:{base}"


@dataclass(frozen=True)
class Evidence:
    """Where a claim comes from: `site` and `name` say where it was read ('LICENSE', the
    card key 'license', 'rules/licenses/llama-3.1.yaml'), `base` the base model it was read
    in (None: the model itself); `lines` is a 1-based inclusive range or None.  `kind`
    says whether `quote` is the source's own words (see EvidenceKind).  `source` renders
    the name a report or a lock shows; `parse` reads one back."""

    kind: EvidenceKind
    quote: str
    site: Site = Site.PATH
    name: str = ""
    lines: tuple[int, int] | None = None
    base: str | None = None
    # read in a use-policy document of its repository (licscan.engine.assess knows which)
    use_policy: bool = field(default=False, compare=False)
    # read in a license text the reviewer supplied (LicenseFile.supplied): no repository
    # holds it, whatever its name looks like (a Hub path may hold ':' too)
    supplied: bool = field(default=False, compare=False)

    @classmethod
    def at(
        cls,
        path: str,
        quote: str,
        lines: tuple[int, int] | None = None,
        kind: EvidenceKind = EvidenceKind.TEXT,
    ) -> Evidence:
        """Evidence read in a file, by its path."""
        return cls(kind, quote, Site.PATH, path, lines)

    @classmethod
    def card(
        cls,
        key: str,
        quote: str,
        lines: tuple[int, int] | None = None,
        kind: EvidenceKind = EvidenceKind.CARD,
    ) -> Evidence:
        """Evidence read in (or missing from) the card's metadata, by its key."""
        return cls(kind, quote, Site.CARD, key, lines)

    @property
    def source(self) -> str:
        """The source name as reports and locks write it.  Under a base it keeps what
        today's readers expect and loses the rest: a card key reads 'README.md', a Hub
        fact or the file list only the base."""
        if self.base is None:
            return self._own()
        if self.site in (Site.HUB, Site.LISTING, Site.BASE):
            return f"base:{self.base}"
        if self.site is Site.CARD:
            return f"base:{self.base}:README.md"
        return f"base:{self.base}:{self._own()}"

    def _own(self) -> str:
        if self.site is Site.PATH:
            return self.name
        if self.site is Site.LISTING:
            return "files"
        return f"{self.site.value}:{self.name}"

    @property
    def file(self) -> str | None:
        """The file of its repository (the model's, or the base's) it was read in: a path,
        README.md for a card key; None for what no file holds (a Hub fact, a data set, a
        policy, the file list, a base as a whole)."""
        if self.site is Site.CARD:
            return "README.md"
        return self.name if self.site in (Site.PATH, Site.FILE) else None

    @property
    def kb_key(self) -> str:
        """The knowledge-base key a knowledge-base statement comes from: the stem of its
        rules/licenses/KEY.yaml."""
        return PurePosixPath(self.name).stem

    def in_base(self, base: str) -> Evidence:
        """This evidence as read in base model `base`, so a reader can find it there: the
        knowledge base is the same everywhere, and evidence already in a base stays in it."""
        if self.base is not None or (self.site is Site.PATH and self.name.startswith("rules/")):
            return self
        site = Site.PATH if self.site is Site.FILE else self.site
        return replace(self, site=site, base=base)

    def under(self, base: str) -> Evidence:
        """This evidence's source name, whatever it is, shown under base model `base`."""
        if self.base is not None:
            return self
        return replace(self, site=Site.PATH, name=self.source, base=base)

    @classmethod
    def parse(
        cls,
        source: str,
        quote: str,
        lines: tuple[int, int] | None = None,
        kind: Any = None,
    ) -> Evidence:
        """The one reader of source names (a lock, a stored classification, a test):
        `parse(s, q).source == s` for every string; an unknown or missing kind is inferred."""
        kind = EvidenceKind.parse(kind, source)
        if not source.startswith("base:"):
            site, name = _site(source)
            return cls(kind, quote, site, name, lines)
        base, sep, tail = source[5:].partition(":")
        if not sep:
            return cls(kind, quote, Site.BASE, "", lines, base)
        site, name = _site(tail)
        if site not in (Site.PATH, Site.FILE, Site.DATASET, Site.POLICY):
            site, name = Site.PATH, tail  # shown in full under a base: keep it whole
        return cls(kind, quote, site, name, lines, base)

    def to_dict(self) -> dict[str, Any]:
        return {
            "source": self.source,
            "lines": list(self.lines) if self.lines else None,
            "quote": self.quote,
            "kind": self.kind.value,
        }


def _site(source: str) -> tuple[Site, str]:
    if source == "files":
        return Site.LISTING, ""
    prefix, sep, rest = source.partition(":")
    if sep and prefix in ("file", "card", "hub", "dataset", "policy"):
        return Site(prefix), rest
    return Site.PATH, source


@dataclass
class Flag:
    """A clause-level or context finding.  `severity` is set by a policy."""

    id: str
    value: str | None = None
    evidence: list[Evidence] = field(default_factory=list)
    severity: Severity | None = None
    note: str = ""  # why (human words), e.g. "base model meta-llama/X is llama-3"
    # Set by the judge (licscan.engine.judge), read by reports: the waiver that covers the
    # flag on this model (an applied one first) and the policy file:line (use) that set
    # its severity.  Not part of the JSON or the lock: they are judged again.
    waiver: WaiverUse | None = field(default=None, compare=False)
    rule: RuleUse | None = field(default=None, compare=False)

    @property
    def waived(self) -> bool:
        """An applied waiver covers this flag here."""
        return bool(self.waiver and self.waiver.applied)

    def to_dict(self, with_severity: bool = True) -> dict[str, Any]:
        d: dict[str, Any] = {"id": self.id}
        if with_severity:
            d["severity"] = self.severity
        d["value"] = self.value
        d["evidence"] = [e.to_dict() for e in self.evidence]
        if self.note:
            d["note"] = self.note
        return d


@dataclass
class LicenseMatch:
    """Identity of one text against the knowledge base (fingerprint similarity)."""

    key: str | None  # knowledge-base key; None when nothing is close enough
    name: str | None
    score: float  # 0..1 similarity to the matched reference
    modified: bool = False  # close to `key` but differs in substance
    differences: list[Evidence] = field(default_factory=list)
    includes: list[str] = field(default_factory=list)  # other keys found whole in the text
    # (an appended use policy, a second license); they bind too
    basis: str = ""  # "fingerprint" | "title" (named version marker) | "" (no match)
    closest: str | None = None  # best candidate below the match threshold (for review)


@dataclass
class TextClassification:
    """What `licscan classify` says of one text (contracts.md 'JSON: classify')."""

    path: str
    match: LicenseMatch
    category: Category
    osi_approved: bool
    flags: list[Flag] = field(default_factory=list)
    kind: str = "license"  # "license" | "policy" (acceptable-use policy document)
    error: str | None = None  # unreadable / binary / too large
    empty: bool = False  # (with `error`) no words in it: blank, or only what normalises away

    def to_dict(self) -> dict[str, Any]:
        d = {
            "path": self.path,
            "license": self.match.key,
            "name": self.match.name,
            "score": round(self.match.score, 4),
            "category": self.category,
            "osi_approved": self.osi_approved,
            "flags": [f.to_dict(with_severity=False) for f in self.flags],
        }
        if self.kind != "license":
            d["kind"] = self.kind
        if self.error:
            d["error"] = self.error
        return d


# --- sources --------------------------------------------------------------


@dataclass(frozen=True)
class SuppliedLicense:
    """A model's license text held by the reviewer (a gated model read without accepted
    access): `license_file:` in a manifest entry, or `--license-file MODEL=PATH`.  It is
    read and classified as a license file of the repository named `supplied:<label>`."""

    path: str  # resolved, to read
    label: str  # as the reviewer wrote it

    @property
    def name(self) -> str:
        return f"supplied:{self.label}"


@dataclass(frozen=True)
class Target:
    """One thing the user asked to scan, before it is fetched."""

    ref: str  # as given: "org/name", "org/name@rev", a folder path
    kind: SourceKind
    repo_id: str | None = None
    revision: str | None = None
    path: str | None = None  # local folder
    use: tuple[str, ...] = ()  # per-model use override from a manifest
    location: tuple[str, int] | None = None  # (manifest file, line) that named it
    license_file: SuppliedLicense | None = None  # the reviewer's copy of its license


class ReadFailure(StrEnum):
    """Why a license file has no text, as the reader that failed knows it (the message
    in `LicenseFile.error` only explains)."""

    # Read, and not a license text (oversized, binary, undecodable, empty): a finding
    # about the file, which binds with unknown terms (`unrecognized-license`).
    CONTENT = "content"
    # Not obtained (gate, access, network, timeout, offline, permission): the model
    # is an `error`, never judged without it.
    FETCH = "fetch"


@dataclass
class LicenseFile:
    """A license-like file of a repository.  `text` is None when it could not be
    read as text (too large, binary, fetch failed); `error` then says why, and
    `failure` which kind of failure it is (None on a file rebuilt from a lock record)."""

    path: str
    text: str | None
    sha256: str | None = None
    blob_id: str | None = None
    size: int | None = None
    error: str | None = None
    failure: ReadFailure | None = None
    # the reviewer's label of a text they supplied (SuppliedLicense; `path` is its name
    # then): no file of the repository, whatever a repository's own paths look like
    supplied: str | None = None


@dataclass
class CardInfo:
    """The licensing-relevant part of a model card's YAML front matter."""

    licenses: list[str] = field(default_factory=list)  # `license:` (string or list)
    license_name: str | None = None
    license_link: str | None = None
    base_models: list[str] = field(default_factory=list)
    base_model_relation: str | None = None
    datasets: list[str] = field(default_factory=list)
    tags: list[str] = field(default_factory=list)
    raw: dict[str, Any] = field(default_factory=dict)
    key_lines: dict[str, int] = field(default_factory=dict)  # key -> README line
    problems: list[str] = field(default_factory=list)  # e.g. "YAML error at line 7: ..."
    unreadable: str | None = None  # the problem (one of them) that left no metadata to read
    not_repo_ids: dict[str, str] = field(default_factory=dict)  # base_model value -> its problem


@dataclass
class ModelSnapshot:
    """Everything a source learned about one model, at one revision."""

    target: Target
    repo_id: str | None = None  # canonical id (after Hub renames)
    revision: str | None = None  # resolved 40-hex commit, when known
    card: CardInfo | None = None
    card_text: str | None = None
    license_files: list[LicenseFile] = field(default_factory=list)
    files: list[str] = field(default_factory=list)  # every file name in the repo
    gated: str | bool = False  # Hub: False | "auto" | "manual"
    hub_base_models: list[str] = field(default_factory=list)  # Hub-computed lineage
    error: str | None = None  # one line: why it could not be fetched
    notes: list[str] = field(default_factory=list)  # non-fatal: "README gated: ..."

    @property
    def source(self) -> SourceKind:
        return self.target.kind


# --- engine ---------------------------------------------------------------


class OriginKind(StrEnum):
    """What told licscan a license binds a model."""

    CARD = "card"  # a key of the card's metadata: "license", "license_name"
    FILE = "file"  # a license file of the repository, by its path (a supplied one too)
    BASE = "base"  # a base model the license binds through, by its id


@dataclass(frozen=True)
class LicenseOrigin:
    """Where a license finding was read; `source` is the name reports and locks show
    ('card:license', 'file:LICENSE', 'base:org/name'), `parse` reads one back."""

    kind: OriginKind | None  # None: a name read back that is none of these (kept whole)
    name: str

    @classmethod
    def card(cls, key: str) -> LicenseOrigin:
        return cls(OriginKind.CARD, key)

    @classmethod
    def file(cls, path: str) -> LicenseOrigin:
        return cls(OriginKind.FILE, path)

    @classmethod
    def base(cls, base_id: str) -> LicenseOrigin:
        return cls(OriginKind.BASE, base_id)

    @property
    def source(self) -> str:
        return self.name if self.kind is None else f"{self.kind.value}:{self.name}"

    @classmethod
    def parse(cls, source: str) -> LicenseOrigin:
        """The one reader of origin names (a lock): `parse(s).source == s` for every s."""
        prefix, sep, name = source.partition(":")
        if sep and prefix in OriginKind.__members__.values():
            return cls(OriginKind(prefix), name)
        return cls(None, source)


@dataclass
class LicenseFinding:
    """One license that binds a model, and where it was found."""

    license: str | None  # knowledge-base key (None: unrecognised)
    category: Category
    origin: LicenseOrigin
    name: str | None = None
    osi_approved: bool = False
    score: float | None = None
    # Where it was read (a card line, a file's title line): reports cite it when the policy
    # judges the category these findings make.  Not part of the JSON contract.
    evidence: Evidence | None = None

    @property
    def source(self) -> str:
        return self.origin.source

    def to_dict(self) -> dict[str, Any]:
        return {"license": self.license, "category": self.category, "source": self.source}


@dataclass(frozen=True)
class PolicyFinding:
    """A judgement of the policy that is not about one flag: the model's category, a
    denied license, a denied model, a waiver about to expire.  Reports show it beside
    the flags, with its rule."""

    rule_id: str  # "category-not-allowed" | "policy-denied" | "waiver-expiring" (SARIF ids)
    subject: str  # "category unknown", "license agpl-3.0 denied", "model denied"
    severity: Severity  # block | warn
    rule: RuleUse  # the policy line that decided, and the use
    note: str
    evidence: tuple[Evidence, ...]


@dataclass
class WaiverUse:
    """A waiver the policy holds for this model, and whether it applied."""

    target: str  # model id or license key it names
    flags: list[str]
    reason: str
    approver: str
    expires: str | None
    applied: bool  # False when expired
    note: str = ""


@dataclass
class ModelResult:
    """The engine's judgement of one model under one policy."""

    ref: str
    source: SourceKind
    revision: str | None
    repo_id: str | None
    category: Category
    verdict: Verdict
    use: list[str] = field(default_factory=list)
    licenses: list[LicenseFinding] = field(default_factory=list)
    base_models: list[str] = field(default_factory=list)
    lineage: list[LineageEntry] = field(default_factory=list)  # every ancestor, walk order
    flags: list[Flag] = field(default_factory=list)
    error: str | None = None
    reasons: list[str] = field(default_factory=list)  # explanation chain, in order
    waivers: list[WaiverUse] = field(default_factory=list)
    license_files: list[LicenseFile] = field(default_factory=list)
    gated: str | bool = False
    location: tuple[str, int] | None = None  # manifest line that named the model
    policy: str | None = None  # policy name / file
    # For the CycloneDX modelCard (reports only): card `pipeline_tag` and `datasets`.
    task: str | None = None
    datasets: list[str] = field(default_factory=list)
    # For `licscan explain` (engine): every policy decision, and non-fatal notes.
    decisions: list[Decision] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    # What the policy judged besides the flags (a lock records them so that `check` can
    # judge again): flag id -> license keys it came from ("" = the model itself), and
    # why the card could not be read.
    origins: dict[str, list[str]] = field(default_factory=dict)
    card_unreadable: str | None = None
    # The policy's judgements besides the flags that block or warn, most severe first
    # (licscan.engine.judge): what reports list beside the flags.
    findings: list[PolicyFinding] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {
            "ref": self.ref,
            "source": self.source,
            "revision": self.revision,
            "category": self.category,
            "licenses": [lic.to_dict() for lic in self.licenses],
            "base_models": list(self.base_models),
            "flags": [f.to_dict() for f in self.flags],
            "verdict": self.verdict,
            "error": self.error,
        }


class ObligationKind(StrEnum):
    """What a user must do to comply with a model's terms (licscan.engine.obligations)."""

    ATTRIBUTION = "attribution"  # keep the license text and the authors' notices
    KEEP_NOTICE = "keep-notice"  # ship the repository's NOTICE file with copies
    DISPLAY_NOTICE = "display-notice"  # show "Built with ..." in the product
    NAME_PREFIX = "name-prefix"  # derived models' names start with the model's name
    PASS_ON_POLICY = "pass-on-policy"  # follow the use policy and pass it on to users
    USER_LIMIT = "user-limit"  # stay under a user count
    REVENUE_LIMIT = "revenue-limit"  # stay under an annual revenue
    SAME_LICENSE = "same-license"  # derivatives under the same license (copyleft)
    OUTPUT_TRAINING = "output-training"  # conditions or a ban on training with outputs
    USE_LIMIT = "use-limit"  # non-commercial, research only, no derivatives
    REGION_LIMIT = "region-limit"  # regions excluded
    ACCEPT_TERMS = "accept-terms"  # someone must accept the Hub's gate terms
    REVIEW = "review"  # an unrecognised license: a person must read what it requires


@dataclass(frozen=True)
class Obligation:
    """One thing to do (or not do) to comply, in plain words, with the evidence for it."""

    kind: ObligationKind
    action: str  # "Display 'Built with Llama' prominently in the product ..."
    evidence: tuple[Evidence, ...] = ()
    flag: str | None = None  # the flag it comes from, if any
    license: str | None = None  # the knowledge-base key it comes from, if known
    text: str | None = None  # the exact words to show or the name prefix, when known
    # (e.g. "Built with Llama"); a NOTICE file's own text for `keep-notice`

    def to_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind.value,
            "action": self.action,
            "flag": self.flag,
            "license": self.license,
            "text": self.text,
            "evidence": [e.to_dict() for e in self.evidence],
        }


@dataclass
class ScanReport:
    """All results of one scan: what every formatter renders."""

    version: str
    use: list[str]
    models: list[ModelResult]
    started_at: str  # ISO-8601 UTC
    policy: str | None = None
    manifest: str | None = None
    # About the inputs rather than a model (a lock whose recorded judgement disagrees
    # with the scan's): printed on stderr, and the scan fails.
    problems: list[str] = field(default_factory=list)

    @property
    def summary(self) -> dict[str, int]:
        counts = {v.value: 0 for v in VERDICTS_BY_STRICTNESS}  # plain keys: orjson wants str
        for m in self.models:
            counts[m.verdict] = counts.get(m.verdict, 0) + 1
        return counts

    def exit_code(self, allow_errors: bool = False) -> ExitCode:
        """contracts.md: FAIL if any model fails (or a lock disagrees with the scan); else
        ERROR if any is an error (OK with allow_errors); else OK (every model pass or warn)."""
        verdicts = {m.verdict for m in self.models}
        if Verdict.FAIL in verdicts or self.problems:
            return ExitCode.FAIL
        if Verdict.ERROR in verdicts and not allow_errors:
            return ExitCode.ERROR
        return ExitCode.OK

    def to_dict(self) -> dict[str, Any]:
        return {
            "licscan_version": self.version,
            "use": list(self.use),
            "models": [m.to_dict() for m in self.models],
            "summary": self.summary,
        }


# --- knowledge base -------------------------------------------------------


@dataclass(frozen=True)
class FlagInfo:
    """A flag in plain words (rules/flags.yaml): what reports call and explain it."""

    title: str
    description: str  # what the flag means, one sentence
    help: str  # what a reviewer should do about it


@dataclass(frozen=True)
class ClauseFact:
    """A flag a known license carries, in our own words, with where it sits."""

    flag: str  # taxonomy flag id
    clause: str  # short description in our words
    where: str = ""  # section reference in the license, e.g. "§2 Additional Commercial Terms"
    value: str | None = None  # thresholds as plain numbers: "700000000"

    @property
    def stated(self) -> str:
        """The clause in our words, with where the license says it (evidence text)."""
        return f"{self.clause} ({self.where})" if self.where else self.clause


@dataclass(frozen=True)
class LicenseEntry:
    """One license (or acceptable-use policy) of the knowledge base, rules/licenses/KEY.yaml."""

    key: str
    name: str
    category: Category
    osi_approved: bool
    kind: str = "license"  # "license" | "policy"
    version: str | None = None
    spdx: str | None = None
    scancode: str | None = None
    hub_ids: tuple[str, ...] = ()
    aliases: tuple[str, ...] = ()  # other names/ids seen in the wild (license_name values)
    flags: tuple[ClauseFact, ...] = ()
    policies: tuple[str, ...] = ()  # keys of use policies this license incorporates
    family: str | None = None  # e.g. "llama", "gemma", "cc"
    url: str | None = None
    notes: str = ""
    file: str = ""  # rules/licenses/KEY.yaml, for evidence
    markers: tuple[str, ...] = ()  # short title/version phrases that name this exact version


def norm_id(value: str) -> str:
    """Loose form of an id or name for lookups: 'Llama 3.1 ' -> 'llama-3.1'."""
    return re.sub(r"[^a-z0-9.+]+", "-", value.strip().lower()).strip("-")


class KnowledgeBase:
    """All entries by key, plus an index of every name an entry goes by."""

    def __init__(self, entries: dict[str, LicenseEntry]) -> None:
        self.entries = entries
        self._hub: dict[str, str] = {}
        self._names: dict[str, str] = {}
        for entry in entries.values():
            for hub_id in entry.hub_ids:
                self._hub[hub_id.lower()] = entry.key
        # Weakest first, so stronger kinds of name overwrite: alias < name < spdx < hub < key.
        for attr in ("aliases", "name", "scancode", "spdx", "hub_ids", "key"):
            for entry in entries.values():
                values = getattr(entry, attr)
                for value in values if isinstance(values, tuple) else (values,):
                    if value:
                        self._names[norm_id(value)] = entry.key

    def get(self, key: str) -> LicenseEntry | None:
        return self.entries.get(key)

    def by_hub_id(self, hub_id: str) -> LicenseEntry | None:
        key = self._hub.get(hub_id.strip().lower())
        return self.entries[key] if key else None

    def lookup(self, subject: str) -> LicenseEntry | None:
        """An entry by key, Hub id, SPDX id, ScanCode key, name or alias (any case)."""
        if not subject or not subject.strip():
            return None
        entry = self.get(subject.strip()) or self.by_hub_id(subject)
        if entry:
            return entry
        key = self._names.get(norm_id(subject))
        return self.entries[key] if key else None

    def suggest(self, subject: str, n: int = 3) -> list[str]:
        """Keys of the entries whose key, Hub id, SPDX id, name or alias is closest to a
        subject that names none of them (a typo): at most n, closest first."""
        close = difflib.get_close_matches(norm_id(subject), list(self._names), n=4 * n, cutoff=0.6)
        return list(dict.fromkeys(self._names[name] for name in close))[:n]

    def family(self, family: str) -> list[LicenseEntry]:
        return [e for e in self.entries.values() if e.family == family]


# --- manifests (sources) ------------------------------------------------------


@dataclass
class Manifest:
    """A project's list of models (contracts.md 'Manifest'), as parsed.

    `use` is the manifest's default use (empty: not set); a model's own `use` is on its
    Target.  `policy` is resolved relative to the manifest when it names a file."""

    path: str
    use: list[str] = field(default_factory=list)
    policy: str | None = None
    targets: list[Target] = field(default_factory=list)


# --- engine: what one repository says, lineage, policy (licscan.engine) ---------------


@dataclass
class Assessment:
    """What one repository's own evidence says, before lineage and policy.

    `origins` maps a flag id to the license keys it came from ("" for a context flag or an
    unrecognised text), so a policy can allow or waive one license's flags only."""

    licenses: list[LicenseFinding] = field(default_factory=list)
    flags: list[Flag] = field(default_factory=list)
    origins: dict[str, set[str]] = field(default_factory=dict)
    category: Category = Category.UNKNOWN
    declared: list[str] = field(default_factory=list)  # keys the card declares
    # finding.source -> where it was read (a card line, a file's title line)
    license_evidence: dict[LicenseOrigin, Evidence] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    unreadable: str | None = None  # nothing could be read: the model is an `error`
    # the card's YAML could not be read: its base models and declared license are unknown
    card_unreadable: str | None = None


@dataclass(frozen=True)
class LineageEntry:
    """One ancestor as a result and a lock keep it (LineageNode.entry; the lock's record).

    Read back from a lock (licscan.lockfile.document), a key the record lacks stays None
    (0 for `depth`; "" for `id`, which the lock leaves out for an undeclared base)."""

    id: str | None  # repo id or local folder; "" = the base is not declared
    depth: int = 0  # 1 = a direct base
    parent: str | None = None  # the model that names it as a base
    revision: str | None = None
    relation: str | None = None
    category: Category | None = None
    licenses: tuple[str, ...] = ()
    error: str | None = None
    note: str | None = None

    def to_record(self) -> dict[str, Any]:
        """The lock's mapping: every field but the empty ones."""
        d = {f.name: getattr(self, f.name) for f in fields(self)}
        d["licenses"] = list(self.licenses)
        return {k: v for k, v in d.items() if v not in (None, [], "") and (k, v) != ("depth", 0)}


@dataclass
class LineageNode:
    """One ancestor reached through `base_model`: its own assessment, or why none."""

    id: str  # repo id, or a local folder
    depth: int  # 1 = a direct base
    parent: str  # the model that names it as a base
    revision: str | None = None
    relation: str | None = None  # adapter | finetune | merge | quantized (as the parent says)
    assessment: Assessment | None = None
    error: str | None = None  # could not be fetched / not followed: its terms are unchecked
    note: str = ""  # e.g. "LICENSE gated: judged from the declared license"
    link: Evidence | None = None  # the parent's `base_model` entry that names this node

    @property
    def category(self) -> Category:
        if self.assessment and not self.error:
            return self.assessment.category
        return Category.UNKNOWN

    @property
    def license_keys(self) -> list[str]:
        if not self.assessment:
            return []
        return list(dict.fromkeys(lic.license for lic in self.assessment.licenses if lic.license))

    def entry(self) -> LineageEntry:
        """What a result and a lock keep of this node."""
        return LineageEntry(
            self.id, self.depth, self.parent, self.revision, self.relation, self.category,
            tuple(self.license_keys), self.error, self.note or None,
        )  # fmt: skip


@dataclass
class Lineage:
    """The walk up `base_model` from one model: ancestors breadth first, each once."""

    nodes: list[LineageNode] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # cycles, depth limit, unfollowable ids

    @property
    def resolved(self) -> list[LineageNode]:
        return [n for n in self.nodes if n.assessment is not None and not n.error]

    @property
    def unresolved(self) -> list[LineageNode]:
        return [n for n in self.nodes if n.error]


class Decider(StrEnum):
    """Who made a decision: a line of a policy (a file or a shipped preset), or licscan
    itself when no line of a policy did; the value is how every report names licscan's own."""

    POLICY = "policy"
    DEFAULT = "licscan default (not in policy)"  # a flag or category no policy names
    UNREADABLE_CARD = "licscan: unreadable card"  # a card whose metadata cannot be read
    SET_ASIDE = "allow/waive"  # every license of the model allowed or waived


@dataclass(frozen=True)
class RuleSource:
    """What decided: a line of a policy file, or of the shipped preset `preset`, or licscan
    itself (`decider`).  `str()` is the form decisions, notes, JSON and errors write
    ('rules/policies/commercial.yaml:12'); `words()` the one a reader is shown
    ('commercial preset, line 12': a preset's path inside the package means nothing)."""

    decider: Decider = Decider.POLICY
    file: str = ""  # as errors cite it (licscan.engine.policy.display_path)
    line: int = 0
    preset: str | None = None  # the use a shipped preset is named for

    @classmethod
    def at(cls, file: str, line: int, preset: str | None = None) -> RuleSource:
        return cls(Decider.POLICY, file, line, preset)

    def __str__(self) -> str:
        if self.decider is not Decider.POLICY:
            return self.decider.value
        return f"{self.file}:{self.line}"

    def words(self) -> str:
        if self.decider is not Decider.POLICY:
            return self.decider.value
        if self.preset is not None:
            return f"{self.preset} preset, line {self.line}"
        return f"{self.file}, line {self.line}"


@dataclass(frozen=True)
class RuleUse:
    """The rule that set a judgement, and the use it judged for (None: every use)."""

    source: RuleSource
    use: str | None = None

    def __str__(self) -> str:
        return f"{self.source} ({self.use})" if self.use else str(self.source)

    def words(self) -> str:
        return f"{self.source.words()} ({self.use})" if self.use else self.source.words()


@dataclass(frozen=True)
class Rule:
    """One policy decision: a severity, and the policy file and line that set it."""

    severity: Severity
    source: RuleSource


@dataclass(frozen=True)
class PatternRule:
    """An allow/deny entry of a policy: a glob over license keys or model ids."""

    pattern: str
    source: RuleSource


@dataclass(frozen=True)
class Waiver:
    """An approved exception: one model (glob) or one license, some flags or all."""

    reason: str
    approver: str
    expires: str  # YYYY-MM-DD, valid through that day
    model: str | None = None
    license: str | None = None
    flags: tuple[str, ...] = ()  # empty: every flag, and the category judgement
    source: RuleSource = RuleSource()  # its policy file and line


@dataclass
class Policy:
    """What each use case blocks, warns about or accepts, plus the organisation's own
    lists, thresholds and waivers.  Every decision keeps the file:line that made it."""

    name: str  # "commercial (preset)", "licscan-policy.yaml (extends commercial)"
    uses: list[str]  # default uses when a model names none
    file: str | None = None
    categories: dict[str, dict[Category, Rule]] = field(default_factory=dict)  # use -> category
    flags: dict[str, dict[str, Rule]] = field(default_factory=dict)  # use -> flag -> Rule
    unresolved: dict[str, Rule] = field(default_factory=dict)  # use -> Rule for unfetchable bases
    allow_licenses: list[PatternRule] = field(default_factory=list)
    deny_licenses: list[PatternRule] = field(default_factory=list)
    allow_models: list[PatternRule] = field(default_factory=list)
    deny_models: list[PatternRule] = field(default_factory=list)
    # figure -> (the organisation's number, its line)
    organisation: dict[str, tuple[int, RuleSource]] = field(default_factory=dict)
    waivers: list[Waiver] = field(default_factory=list)
    allow_errors: bool = False
    max_depth: int = DEFAULT_MAX_DEPTH
    today: str | None = None  # YYYY-MM-DD the waivers are judged on (None: today)
    waiver_warning_days: int = 30  # fewer days left: a warning (engine/judge.py; 0: never)


class SubjectKind(StrEnum):
    """What a decision of the judge is about."""

    FLAG = "flag"  # a flag, by id
    CATEGORY = "category"  # the model's category
    LICENSE = "license"  # a license allowed or denied by name
    WAIVER = "waiver"  # a waiver (its model or license) that runs out soon
    MODEL = "model"  # the model itself, allowed or denied by the policy
    CARD = "card"  # the model card's presence


@dataclass(frozen=True)
class Subject:
    """What a decision is about: 'flag:non-commercial', 'category:open-weight', 'model'."""

    kind: SubjectKind
    name: str | None = None  # None for the model and its card

    def __str__(self) -> str:
        return self.kind.value if self.name is None else f"{self.kind.value}:{self.name}"


@dataclass(frozen=True)
class Decision:
    """One step of a verdict: what was judged, under which use, and the rule that said so."""

    subject: Subject
    severity: Severity
    use: str | None
    source: RuleSource  # the policy line, or licscan (a waiver or an allow list is a line)
    note: str = ""

    @property
    def rule(self) -> RuleUse:
        return RuleUse(self.source, self.use)

    def __str__(self) -> str:
        return self.said(str(self.source), self.note)

    def said(self, source: str, note: str) -> str:
        """The decision in one line, its source and note rendered as the reader needs."""
        use = f"{self.use}: " if self.use else ""
        note = f" ({note})" if note else ""
        return f"{use}{self.subject} -> {self.severity} by {source}{note}"


@dataclass
class ScanPlan:
    """A scan, ready to run: its targets (each with its uses) and the policy."""

    targets: list[Target]
    policy: Policy
    manifests: list[Manifest] = field(default_factory=list)
    # license texts the reviewer supplied, by model (the targets' own and --license-file)
    supplied: dict[str, SuppliedLicense] = field(default_factory=dict)


# --- workflows: lockfile, drift, model references in code (licscan.lock, H6) ---------------


@dataclass
class LockEntry:
    """What `licscan lock` recorded about one model of a manifest (one block of licscan.lock).

    `revision` is the commit the model was judged at; `requested` is the revision the
    manifest asks for (None: the default branch), so `verify` knows which ref to follow.
    `verdicts` holds the verdict under each use alone; `verdict` is under all of `use`."""

    ref: str
    source: SourceKind
    repo_id: str | None = None
    revision: str | None = None
    requested: str | None = None
    card_licenses: list[str] = field(default_factory=list)  # the card's `license:` values
    card_license_name: str | None = None  # the card's `license_name` (with `license: other`)
    # path -> its hashes (sha256, blob_id), error, and `supplied` (the reviewer's label)
    license_files: dict[str, dict[str, str | None]] = field(default_factory=dict)
    licenses: list[LicenseFinding] = field(default_factory=list)
    category: Category = Category.UNKNOWN
    flags: list[Flag] = field(default_factory=list)
    base_models: list[str] = field(default_factory=list)  # direct bases, as the card names them
    lineage: list[LineageEntry] = field(default_factory=list)  # every ancestor
    use: list[str] = field(default_factory=list)
    verdict: Verdict = Verdict.ERROR
    verdicts: dict[str, Verdict] = field(default_factory=dict)
    waivers: list[WaiverUse] = field(default_factory=list)
    waived_until: str | None = None  # the first expiry of an applied waiver: then re-judge
    gated: str | bool = False
    error: str | None = None
    task: str | None = None
    datasets: list[str] = field(default_factory=list)
    digest: str | None = None  # local folder: hash of its card and license files
    origins: dict[str, list[str]] = field(default_factory=dict)  # flag id -> license keys
    card_unreadable: str | None = None
    checked_at: str = ""


@dataclass
class Lockfile:
    """licscan.lock: the models of one manifest as judged at a point in time."""

    path: str
    lock_version: int = 1
    licscan_version: str = ""
    manifest: str | None = None  # the manifest's file name (it sits beside the lock)
    policy: str | None = None  # the policy's name
    policy_file: str | None = None  # relative to the lock's folder; None: presets only
    policy_sha256: str | None = None
    use: list[str] = field(default_factory=list)  # the default uses of the scan
    manifest_use: list[str] = field(default_factory=list)  # the manifest's `use:` as written
    allow_errors: bool = False
    entries: dict[str, LockEntry] = field(default_factory=dict)  # ref -> entry


@dataclass(frozen=True)
class Drift:
    """One way a model on the Hub (or on disk) no longer matches its lock entry.

    kind: revision | files (a local folder) | license-file | card-license | category | flags
    | gated | base-model | verdict | other | policy | unlocked | removed."""

    ref: str
    kind: str
    message: str


@dataclass(frozen=True)
class ModelReference:
    """A Hub model named in source code: `from_pretrained("org/name", revision="v1")`."""

    repo_id: str
    revision: str | None
    file: str
    line: int  # in the file, or in the notebook cell
    call: str  # what takes it: "from_pretrained", "pipeline", "config:base_model", "hf download"
    cell: int | None = None  # a notebook's cell (1-based, every cell counted)

    @property
    def ref(self) -> str:
        return f"{self.repo_id}@{self.revision}" if self.revision else self.repo_id

    @property
    def where(self) -> str:
        """`app.py:3`, or `eval.ipynb:cell 4:2` (line 2 of the notebook's 4th cell)."""
        cell = f"cell {self.cell}:" if self.cell is not None else ""
        return f"{self.file}:{cell}{self.line}"


@dataclass(frozen=True)
class Problem:
    """One reason an offline workflow check (pre-commit) does not pass.

    kind: fail (a locked verdict fails the policy) | error (a locked verdict is `error`)
    | unlocked (not in the manifest or the lock) | stale (the lock no longer matches)."""

    kind: str
    message: str  # starts with file:line


# --- census: a Hub listing judged as it streams (licscan census, issue 15) -----------------


@dataclass(frozen=True)
class CensusSelection:
    """Which Hub models a census judges: the query of a `list_models` listing.

    Criteria combine (AND).  `derivatives_of` follows the Hub's computed `base_model:`
    tags (every relation) down the model tree; the model itself is not part of it."""

    author: str | None = None
    search: str | None = None
    filters: tuple[str, ...] = ()
    derivatives_of: str | None = None
    limit: int | None = None

    def describe(self) -> str:
        parts = [f"author {self.author}"] if self.author else []
        parts += [f"search '{self.search}'"] if self.search else []
        parts += [f"tag {t}" for t in self.filters]
        parts += [f"derivatives of {self.derivatives_of}"] if self.derivatives_of else []
        parts += [f"first {self.limit}"] if self.limit else []
        return ", ".join(parts)


@dataclass(frozen=True)
class Relabel:
    """A derivative that declares terms more permissive than a base model's: it gets
    `license-mismatch` and `inherits-base-license`, and a census lists it first."""

    model: str
    declared: tuple[str, ...]  # the license keys the model's own card and files name
    declared_category: Category
    base: str
    base_licenses: tuple[str, ...]
    base_category: Category

    def to_dict(self) -> dict[str, Any]:
        return {
            "model": self.model,
            "declared": list(self.declared),
            "declared_category": self.declared_category,
            "base": self.base,
            "base_licenses": list(self.base_licenses),
            "base_category": self.base_category,
        }


@dataclass
class CensusRow:
    """What a census keeps of one judged model (the result itself streams out)."""

    id: str
    verdict: Verdict
    category: Category
    licenses: list[str]  # the model's own: knowledge-base keys, "unrecognised" or "none"
    flags: list[str]  # flag ids, in taxonomy order
    blocking: list[str] = field(default_factory=list)  # flags the policy blocks
    relabel: Relabel | None = None
    error: str | None = None
    unread: bool = False  # license files listed but not read (the card names a known license)

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "verdict": self.verdict,
            "category": self.category,
            "licenses": list(self.licenses),
            "flags": list(self.flags),
            "blocking": list(self.blocking),
            "relabel": self.relabel.to_dict() if self.relabel else None,
            "error": self.error,
            "unread": self.unread,
        }

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> CensusRow:
        rel = d.get("relabel")
        relabel = None
        if isinstance(rel, dict):
            relabel = Relabel(
                str(rel["model"]), tuple(rel["declared"]), Category(rel["declared_category"]),
                str(rel["base"]), tuple(rel["base_licenses"]), Category(rel["base_category"]),
            )  # fmt: skip
        return cls(
            str(d["id"]), Verdict(d["verdict"]), Category(d["category"]), list(d["licenses"]),
            list(d["flags"]), list(d.get("blocking") or []), relabel, d.get("error"),
            bool(d.get("unread")),
        )  # fmt: skip


CENSUS_LISTED = 200  # models named per section of a census summary (the rest are counted)


@dataclass
class CensusSummary:
    """Counters over a census: bounded memory whatever its size.  Relabelled derivatives
    are all kept (they are what a census is for); failing and erroring models are named
    up to CENSUS_LISTED each, the rest counted."""

    selection: CensusSelection
    version: str
    use: list[str]
    policy: str | None
    started_at: str
    verdicts: dict[str, int] = field(  # plain keys: orjson wants str
        default_factory=lambda: {v.value: 0 for v in VERDICTS_BY_STRICTNESS}
    )
    categories: dict[str, int] = field(default_factory=dict)
    licenses: dict[str, int] = field(default_factory=dict)
    flags: dict[str, int] = field(default_factory=dict)
    relabelled: list[Relabel] = field(default_factory=list)
    failing: list[CensusRow] = field(default_factory=list)
    errors: list[CensusRow] = field(default_factory=list)
    unread: int = 0
    resumed: int = 0  # models taken from the journal of an interrupted run
    requests: dict[str, int] = field(default_factory=dict)
    listing_error: str | None = None  # the listing stopped early: the census is incomplete
    seconds: float = 0.0

    @property
    def models(self) -> int:
        return sum(self.verdicts.values())

    def exit_code(self, allow_errors: bool = False) -> ExitCode:
        """As `scan`: FAIL if any model fails; else ERROR if any is an error, the listing
        stopped early or nothing matched (OK with allow_errors); else OK.  A census that
        judged no model is not a pass: a mistyped --author must not turn a gate green."""
        if self.verdicts.get(Verdict.FAIL):
            return ExitCode.FAIL
        nothing = not self.models
        if (self.verdicts.get(Verdict.ERROR) or self.listing_error or nothing) and not allow_errors:
            return ExitCode.ERROR
        return ExitCode.OK

    def add(self, row: CensusRow) -> None:
        self.verdicts[str(row.verdict)] = self.verdicts.get(row.verdict, 0) + 1
        self.categories[str(row.category)] = self.categories.get(row.category, 0) + 1
        for key in row.licenses:
            self.licenses[key] = self.licenses.get(key, 0) + 1
        for flag in row.flags:
            self.flags[flag] = self.flags.get(flag, 0) + 1
        self.unread += row.unread
        if row.relabel is not None:
            self.relabelled.append(row.relabel)
        kept = self.failing if row.verdict == Verdict.FAIL else self.errors
        if row.verdict in (Verdict.FAIL, Verdict.ERROR) and len(kept) < CENSUS_LISTED:
            kept.append(row)

    def to_dict(self) -> dict[str, Any]:
        s = self.selection
        return {
            "selection": {"author": s.author, "search": s.search, "filters": list(s.filters),
                          "derivatives_of": s.derivatives_of, "limit": s.limit},
            "models": self.models,
            "verdicts": dict(self.verdicts),
            "categories": _by_count(self.categories),
            "licenses": _by_count(self.licenses),
            "flags": _by_count(self.flags),
            "relabelled": [r.to_dict() for r in self.relabelled],
            "failing": [r.id for r in self.failing],
            "errors": [{"id": r.id, "error": r.error} for r in self.errors],
            "license_files_unread": self.unread,
            "resumed": self.resumed,
            "requests": dict(self.requests),
            "listing_error": self.listing_error,
            "seconds": round(self.seconds, 3),
        }  # fmt: skip


def _by_count(counts: dict[str, int]) -> dict[str, int]:
    return dict(sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])))
