"""SPDX 3.0.1 JSON-LD with the AI profile, written with spdx-python-model.

One `ai_AIPackage` per scanned model (name, version = the commit, download location,
supplied by the Hub organisation, primary purpose `model`, the task as `ai_domain`, the use
restrictions as `ai_limitation`), with exactly one `hasDeclaredLicense` (what the card and
the license files say) and one `hasConcludedLicense` (everything that binds it, base models
included) relationship, each to one `simplelicensing_LicenseExpression` (licenses joined
with AND; a custom license is `LicenseRef-licscan-<key>`, mapped to the knowledge base's
URL).  Base models are packages too, linked by `ancestorOf`; the card's data sets are
`dataset_DatasetPackage`s the model is `trainedOn`.  licscan's verdict and each finding
(with its evidence, a quote told apart from licscan's summary) are `review` annotations.

The bindings type-check every assignment and the serializer checks required properties,
so a malformed document fails here, not in a reader.  Imported only for `--format spdx`.
"""

from __future__ import annotations

import io
import json
import uuid
from datetime import UTC, datetime
from typing import Any
from urllib.parse import quote

from spdx_python_model import v3_0_1 as S

from licscan.model import (
    TERM_FLAGS,
    VERDICTS_BY_URGENCY,
    LicenseFinding,
    LicenseOrigin,
    LineageEntry,
    ModelResult,
    OriginKind,
    ScanReport,
    SourceKind,
)
from licscan.report.common import (
    active_flags,
    display_name,
    flag_summary,
    hub_url,
    kb_entry,
    model_link,
    one_line,
    project_url,
)
from licscan.report.cyclonedx import purl_for, spdx_or_ref
from licscan.report.evidence import inline

NOASSERTION = "https://spdx.org/rdf/3.0.1/terms/ExpandedLicensing/NoAssertionLicense"
_NS = uuid.UUID("0b6c4f0e-2f7a-4c1e-9a55-6c2d1e3b7f90")  # licscan's SPDX namespace
# Restrictions on use carried as `ai_limitation` (the rest are annotations).
_LIMITING = ("use-restrictions", "non-commercial", "research-only", "no-derivatives",
             "geo-restriction", "output-training-ban", "output-training-conditional")  # fmt: skip


def render(report: ScanReport, **options: Any) -> str:
    doc = _Builder(report, hub_url(options))
    return doc.serialize()


def license_ref(key: str) -> str:
    """An SPDX license id for a knowledge-base key, else LicenseRef-licscan-<key> (the same
    mapping as the CycloneDX BOM)."""
    spdx, ref = spdx_or_ref(key)
    return spdx or ref or f"LicenseRef-licscan-{key}"


class _Builder:
    def __init__(self, report: ScanReport, hub: str) -> None:
        self.report = report
        self.hub = hub
        seed = json.dumps(report.to_dict(), sort_keys=True) + report.started_at
        self.ns = f"https://spdx.org/spdxdocs/licscan-{uuid.uuid5(_NS, seed)}/"
        self.objects = S.SHACLObjectSet()
        self.info = S.CreationInfo(
            _id="_:creationinfo",
            specVersion="3.0.1",
            created=_time(report.started_at),
        )
        agent = self._add(S.SoftwareAgent, "agent-licscan", name="licscan")
        tool = self._add(S.Tool, "tool-licscan", name=f"licscan {report.version}")
        self.info.createdBy = [agent]
        self.info.createdUsing = [tool]
        self.packages: dict[str, Any] = {}  # key -> ai_AIPackage / dataset_DatasetPackage
        self.agents: dict[str, Any] = {}
        self.expressions: dict[str, Any] = {}
        self.counter = 0
        self.licensed: set[Any] = set()  # packages with their license relationships

    # --- plumbing -------------------------------------------------------------------

    def _id(self, local: str) -> str:
        return self.ns + quote(local, safe="")

    def _add(self, cls: Any, local: str, **props: Any) -> Any:
        obj = cls(spdxId=self._id(local), creationInfo=self.info, **props)
        self.objects.add(obj)
        return obj

    def _relate(self, source: Any, kind: str, targets: list[Any]) -> Any:
        self.counter += 1
        return self._add(
            S.Relationship,
            f"relationship-{self.counter:04d}",
            from_=source,
            relationshipType=getattr(S.RelationshipType, kind),
            to=targets,
        )

    def _annotate(self, subject: Any, statement: str) -> None:
        self.counter += 1
        self._add(
            S.Annotation,
            f"annotation-{self.counter:04d}",
            annotationType=S.AnnotationType.review,
            subject=subject,
            statement=statement,
        )

    # --- the document ---------------------------------------------------------------

    def serialize(self) -> str:
        roots = [self._model(m) for m in self.report.models]
        elements = sorted(  # (a set underneath: sorted, so the same scan gives the same file)
            (o for o in self.objects.foreach() if isinstance(o, S.Element)),
            key=lambda o: o.spdxId,
        )
        sbom = self._add(
            S.software_Sbom,
            "sbom",
            name="licscan model license scan",
            software_sbomType=[S.software_SbomType.analyzed],
            rootElement=roots,
            element=elements,
        )
        doc = self._add(
            S.SpdxDocument,
            "document",
            name=f"licscan scan {self.report.started_at}"
            + (f" of {self.report.manifest}" if self.report.manifest else ""),
            profileConformance=[
                S.ProfileIdentifierType.core,
                S.ProfileIdentifierType.software,
                S.ProfileIdentifierType.simpleLicensing,
                S.ProfileIdentifierType.ai,
                S.ProfileIdentifierType.dataset,
            ],
            rootElement=[sbom],
            element=[*elements, sbom],
        )
        doc.comment = _summary(self.report)
        buf = io.BytesIO()
        S.JSONLDSerializer().write(self.objects, buf, indent=2)
        return buf.getvalue().decode("utf-8")

    def _model(self, m: ModelResult) -> Any:
        pkg = self._package(m.repo_id if m.source != SourceKind.LOCAL else None, m.revision, m)
        self._licenses(pkg, m)
        for entry in m.lineage:
            base = self._base(entry)
            if base is not None and base is not pkg:
                parent = self._parent_of(m, entry) or pkg
                self._relate(base, "ancestorOf", [parent])
        data = [self._dataset(d) for d in m.datasets]
        if data:
            self._relate(pkg, "trainedOn", data)
        self._findings(pkg, m)
        return pkg

    def _package(self, repo_id: str | None, revision: str | None, m: ModelResult | None) -> Any:
        key = f"{repo_id or (m.ref if m else '?')}@{revision or ''}"
        if key in self.packages:
            return self.packages[key]
        name = repo_id or (display_name(m) if m else key)
        props: dict[str, Any] = {
            "name": name,
            "software_primaryPurpose": S.software_SoftwarePurpose.model,
            "software_packageVersion": revision or "NOASSERTION",
            "software_downloadLocation": self._download(repo_id, revision, m),
        }
        if repo_id:
            props["software_packageUrl"] = purl_for(repo_id, revision)
            props["software_homePage"] = f"{self.hub}/{quote(repo_id, safe='/')}"
            org = repo_id.rpartition("/")[0]
            if org:
                props["suppliedBy"] = self._organisation(org)
        if m is not None:
            if m.task:
                props["ai_domain"] = [m.task]
            limits = _limitations(m)
            if limits:
                props["ai_limitation"] = limits
        pkg = self._add(S.ai_AIPackage, f"model-{len(self.packages) + 1:03d}", **props)
        self.packages[key] = pkg
        return pkg

    def _download(self, repo_id: str | None, revision: str | None, m: ModelResult | None) -> str:
        if m is not None and m.source == SourceKind.HUB:
            return model_link(m, self.hub) or "NOASSERTION"
        if repo_id:
            rev = f"/tree/{quote(revision, safe='')}" if revision else ""
            return f"{self.hub}/{quote(repo_id, safe='/')}{rev}"
        return "NOASSERTION"  # a local folder: nowhere to download it from

    def _organisation(self, org: str) -> Any:
        if org not in self.agents:
            self.agents[org] = self._add(
                S.Organization,
                f"organization-{org}",
                name=org,
                externalIdentifier=[
                    S.ExternalIdentifier(
                        externalIdentifierType=S.ExternalIdentifierType.urlScheme,
                        identifier=f"{self.hub}/{quote(org, safe='')}",
                    )
                ],
            )
        return self.agents[org]

    def _base(self, entry: LineageEntry) -> Any:
        ref = entry.id or ""
        if not ref:
            return None
        local = ref.startswith((".", "/", "~"))
        pkg = self._package(None if local else ref.partition("@")[0], entry.revision, None)
        if local:
            pkg.name = ref
        if pkg not in self.licensed:  # what the base's own card and files say binds it
            self.licensed.add(pkg)
            findings = [LicenseFinding(k, "", LicenseOrigin.base("")) for k in entry.licenses if k]
            expression = self._expression(findings)
            self._relate(pkg, "hasDeclaredLicense", [expression])
            self._relate(pkg, "hasConcludedLicense", [expression])
        if entry.error:
            self._annotate(pkg, f"licscan: base model not checked: {entry.error}")
        return pkg

    def _parent_of(self, m: ModelResult, entry: LineageEntry) -> Any:
        """The package of the model that names `entry` as its base (deeper lineage)."""
        depth = entry.depth or 1
        if depth <= 1:
            return None
        parent = entry.parent
        above = [e for e in m.lineage if (e.depth or 1) == depth - 1]
        for other in above:
            if other.id == parent or (parent is None and len(above) == 1):
                return self._base(other)  # (no parent recorded: a chain is unambiguous)
        return None

    def _dataset(self, dataset_id: str) -> Any:
        key = f"dataset:{dataset_id}"
        if key not in self.packages:
            org = dataset_id.rpartition("/")[0]
            props: dict[str, Any] = {
                "name": dataset_id,
                "software_primaryPurpose": S.software_SoftwarePurpose.data,
                "software_downloadLocation": f"{self.hub}/datasets/{quote(dataset_id, safe='/')}",
                "dataset_datasetType": [S.dataset_DatasetType.noAssertion],
            }
            if org:
                props["suppliedBy"] = self._organisation(org)
            pkg = self._add(
                S.dataset_DatasetPackage, f"dataset-{len(self.packages) + 1:03d}", **props
            )
            self.packages[key] = pkg
            # the data set's license is not read here (its flag, if any, is on the model)
            self._relate(pkg, "hasDeclaredLicense", [NOASSERTION])
            self._relate(pkg, "hasConcludedLicense", [NOASSERTION])
        return self.packages[key]

    # --- licenses -------------------------------------------------------------------

    def _licenses(self, pkg: Any, m: ModelResult) -> None:
        """Exactly one declared and one concluded license per package (3.0.1 requires it)."""
        if pkg in self.licensed:
            return
        self.licensed.add(pkg)
        own = [lic for lic in m.licenses if lic.origin.kind is not OriginKind.BASE]
        self._relate(pkg, "hasDeclaredLicense", [self._expression(own)])
        binding = m.licenses if not m.error else []
        self._relate(pkg, "hasConcludedLicense", [self._expression(binding)])

    def _expression(self, findings: list[LicenseFinding]) -> Any:
        """One expression for a set of licenses (AND: every one binds); an unrecognised or
        missing license makes it NOASSERTION (nothing can be asserted: fail closed)."""
        keys = [f.license for f in findings]
        if not keys or None in keys:
            return NOASSERTION
        refs = sorted({license_ref(k) for k in keys if k})
        text = " AND ".join(refs)
        if text not in self.expressions:
            custom = []
            for key in sorted({k for k in keys if k}):
                ref, entry = license_ref(key), kb_entry(key)
                if ref.startswith("LicenseRef-") and entry is not None and entry.url:
                    custom.append(S.DictionaryEntry(key=ref, value=entry.url))
            self.expressions[text] = self._add(
                S.simplelicensing_LicenseExpression,
                f"license-{len(self.expressions) + 1:03d}",
                simplelicensing_licenseExpression=text,
                simplelicensing_customIdToUri=custom,
            )
        return self.expressions[text]

    # --- findings ----------------------------------------------------------------------

    def _findings(self, pkg: Any, m: ModelResult) -> None:
        uses = ", ".join(m.use) or "default"
        head = f"licscan: verdict {m.verdict} for {uses}, category {m.category}"
        if m.policy:
            head += f", policy {m.policy}"
        if m.error:
            head += f"; could not be evaluated: {one_line(m.error)}"
        self._annotate(pkg, head)
        for p in m.findings:
            said = "; ".join(inline(m, ev, one_line(ev.quote)) for ev in p.evidence)
            self._annotate(pkg, f"licscan: {p.subject} ({p.severity}, {p.rule}): {said}")
        for f in m.flags:
            rule = f.rule
            waived = "" if f in active_flags(m) else ", waived"
            said = "; ".join(inline(m, ev, one_line(ev.quote)) for ev in f.evidence)
            judged = f"{f.severity or 'unjudged'}{waived}" + (f", {rule}" if rule else "")
            self._annotate(pkg, f"licscan: flag {flag_summary(f)} ({judged}): {said}")


def _limitations(m: ModelResult) -> str | None:
    """The use restrictions and limits the terms set, as one text (`ai_limitation`)."""
    parts = []
    for f in m.flags:
        if f.id not in _LIMITING or f.id not in TERM_FLAGS:
            continue
        said = "; ".join(inline(m, ev, one_line(ev.quote, 400)) for ev in f.evidence)
        parts.append(f"{f.id}: {said}")
    return "\n".join(parts) or None


def _summary(report: ScanReport) -> str:
    s = report.summary
    counts = ", ".join(f"{s[v]} {v}" for v in VERDICTS_BY_URGENCY if s.get(v))
    home = project_url()
    return (
        f"licscan {report.version} judged {len(report.models)} model(s) for "
        f"{', '.join(report.use) or 'default'} under {report.policy or 'the presets'}: "
        f"{counts or 'nothing scanned'}." + (f" {home}" if home else "")
    )


def _time(value: str) -> datetime:
    try:
        dt = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except (ValueError, AttributeError):
        return datetime(1970, 1, 1, tzinfo=UTC)
    return (dt if dt.tzinfo else dt.replace(tzinfo=UTC)).replace(microsecond=0)
