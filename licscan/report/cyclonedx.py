"""CycloneDX 1.6 (or 1.7) JSON ML-BOM: one `machine-learning-model` component per model.

Built with cyclonedx-python-lib (components, purls, licenses with acknowledgement,
hashes, external references, dependencies, properties, the scanned project as
`metadata.component`); the library has no `modelCard`, `data` or license `licensing`
yet (CycloneDX/cyclonedx-python-lib#912), so those are added to the serialised JSON
afterwards, and the result is what the tests validate.  What the standard has fields
for goes in them: use restrictions in `modelCard.considerations`, waivers (an exception,
or a license the organisation bought) in the waived license's `licensing`, data sets as
`data` components.  The rest is `licscan:` properties (docs/reports.md).  Licenses are
always a list of `license` objects, never an expression: 1.6 forbids mixing the two,
and the library silently drops the list when both are present.

Output is deterministic for a given report: timestamp from the scan's start, serial
number derived from the content, components and properties sorted by the library.
"""

from __future__ import annotations

import json
import os
import uuid
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import PurePath
from typing import Any
from urllib.parse import quote

from cyclonedx.model import (
    ExternalReference,
    ExternalReferenceType,
    HashAlgorithm,
    HashType,
    Property,
    XsUri,
)
from cyclonedx.model.bom import Bom, BomMetaData
from cyclonedx.model.component import Component, ComponentType
from cyclonedx.model.component_evidence import ComponentEvidence, Occurrence
from cyclonedx.model.contact import OrganizationalEntity
from cyclonedx.model.license import DisjunctiveLicense, LicenseAcknowledgement
from cyclonedx.model.tool import ToolRepository
from cyclonedx.output.json import JsonV1Dot6, JsonV1Dot7
from cyclonedx.spdx import fixup_id, is_supported_id
from packageurl import PackageURL

from licscan.engine.obligations import obligations
from licscan.model import (
    EvidenceKind,
    Flag,
    LicenseFinding,
    LicenseOrigin,
    LineageEntry,
    ModelResult,
    OriginKind,
    ScanReport,
    SourceKind,
    Verdict,
)
from licscan.report.common import (
    FileRef,
    evidence_where,
    hub_link,
    hub_url,
    kb_entry,
    one_line,
    project_url,
)
from licscan.report.evidence import inline
from licscan.report.safe import strip_chars

NS = "licscan"
_PLACEHOLDER_SERIAL = uuid.UUID(int=0)
_SERIAL_NS = uuid.UUID("6f1c5a52-0c4e-4a39-9d0e-3b7f1de0c7a1")  # licscan's own namespace


VERSIONS = {"1.6": JsonV1Dot6, "1.7": JsonV1Dot7}


def render(report: ScanReport, **options: Any) -> str:
    version = str(options.get("cyclonedx_version") or "1.6")
    if version not in VERSIONS:
        raise ValueError(f"CycloneDX {version} is not supported (choose 1.6 or 1.7)")
    builder = _BomBuilder(report, hub_url(options))
    bom = builder.build()
    data = json.loads(VERSIONS[version](bom).output_as_string())
    _add_model_cards(data, builder.model_cards)
    _add_extras(data, builder.extras)
    data = _ordered(data)
    text = json.dumps(data, indent=2, ensure_ascii=False)
    serial = uuid.uuid5(_SERIAL_NS, text)
    return text.replace(str(_PLACEHOLDER_SERIAL), str(serial), 1) + "\n"


def spdx_or_ref(key: str) -> tuple[str | None, str | None]:
    """(SPDX id, None) when the license has one CycloneDX 1.6 accepts, else (None, LicenseRef)."""
    entry = kb_entry(key)
    candidate = entry.spdx if entry is not None and entry.spdx else fixup_id(key)
    if candidate and is_supported_id(candidate):
        return candidate, None
    return None, f"LicenseRef-{NS}-{key}"


def purl_for(repo_id: str, revision: str | None) -> str:
    """pkg:huggingface/org/name@sha (purl spec: type huggingface, version = commit)."""
    namespace, _, name = repo_id.rpartition("/")
    return str(
        PackageURL("huggingface", namespace or None, name, revision.lower() if revision else None)
    )


class _BomBuilder:
    def __init__(self, report: ScanReport, hub: str) -> None:
        self.report = report
        self.hub = hub
        self.bom = Bom(serial_number=_PLACEHOLDER_SERIAL, metadata=self._metadata())
        self.by_ref: dict[str, Component] = {}  # lookup key (purl, local:…, dataset:…)
        self._written = {f"{NS}-tool", f"{NS}-project"}  # bom-refs as the output has them
        self.model_cards: dict[str, dict[str, Any]] = {}
        self._model_refs: dict[str, str] = {}  # model ref -> its component's bom-ref
        self._local: dict[tuple[str, str], str] = {}  # (model ref, base path) -> local:ABS
        # bom-ref -> what the library cannot write: {"data": [...]} or
        # {"licensing": {license id or name: licensing object}}
        self.extras: dict[str, dict[str, Any]] = {}

    # --- top level ---------------------------------------------------------

    def _metadata(self) -> BomMetaData:
        r = self.report
        home = project_url()
        tool = Component(
            type=ComponentType.APPLICATION,
            name="licscan",
            version=r.version,
            bom_ref=f"{NS}-tool",
            external_references=[
                ExternalReference(type=ExternalReferenceType.WEBSITE, url=XsUri(home))
            ]
            if home
            else None,
        )
        props = [Property(name=f"{NS}:use", value=u) for u in r.use]
        if r.policy:
            props.append(Property(name=f"{NS}:policy", value=r.policy))
        if r.manifest:
            props.append(Property(name=f"{NS}:manifest", value=r.manifest))
        props += [Property(name=f"{NS}:summary:{k}", value=str(v)) for k, v in r.summary.items()]
        return BomMetaData(
            timestamp=_parse_time(r.started_at),
            tools=ToolRepository(components=[tool]),
            component=self._project(),
            properties=props,
        )

    def _project(self) -> Component | None:
        """The project whose manifest lists the models: what this BOM describes."""
        if not self.report.manifest:
            return None
        path = PurePath(os.path.abspath(self.report.manifest))
        return Component(
            type=ComponentType.APPLICATION,
            name=path.parent.name or path.stem,
            bom_ref=f"{NS}-project",
            description=f"the models listed in {self.report.manifest}",
            properties=[Property(name=f"{NS}:manifest", value=self.report.manifest)],
        )

    @property
    def project_name(self) -> str | None:
        comp = self.bom.metadata.component
        return comp.name if comp is not None else None

    def build(self) -> Bom:
        deps: list[tuple[Component, list[str | Component]]] = []
        for model in self.report.models:
            comp = self._model_component(model)
            self._local_bases(model)
            bases = [self._local.get((model.ref, b), b) for b in model.base_models]
            deps.append((comp, [self._find_id(b) or b for b in bases]))
            for entry in model.lineage:
                self._base_component(self._located(model, entry))
        for model in self.report.models:
            for entry in model.lineage:
                entry = self._located(model, entry)
                comp = self._find(entry.id, entry.revision)
                if comp is None:
                    continue
                # `parent` is the model that names this entry as its base: it depends on it
                parent = self._parent(model, entry)
                if parent is not None and parent is not comp:
                    deps.append((parent, [comp]))
            self._lineage_by_depth(model)
        for comp, bases in deps:
            targets = [
                b
                if isinstance(b, Component)
                else self._find_id(b) or self._base_component(LineageEntry(b))
                for b in bases
            ]
            self.bom.register_dependency(
                comp, [t for t in targets if t is not None and t is not comp]
            )
        for comp in self.by_ref.values():
            self.bom.components.add(comp)
        project = self.bom.metadata.component
        if project is not None:  # the project uses every model it lists
            models = [self.by_ref[r] for r in dict.fromkeys(self._model_refs.values())]
            self.bom.register_dependency(project, models)
        return self.bom

    def _find_id(self, ref: str) -> Component | None:
        return self._find(ref, None)

    def _parent(self, model: ModelResult, entry: LineageEntry) -> Component | None:
        """The component of the model that names `entry` as its base."""
        name = entry.parent
        if not name:
            return None
        if entry.depth <= 1:
            return self.by_ref.get(self._model_refs.get(model.ref, ""))
        for other in model.lineage:
            located = self._located(model, other)
            if located.id == name or other.id == name:
                return self._find(located.id, located.revision)
        return self._find(name, None)

    # A local folder named as a base (`base_model: ../base`): its path, resolved from the
    # folder that names it, stands in for a Hub id (no purl: it is not on the Hub).
    def _local_bases(self, model: ModelResult) -> None:
        if model.source != SourceKind.LOCAL:
            return
        folder = {model.ref: _folder_of(model)}
        for entry in model.lineage:
            ref = entry.id or ""
            if not ref.startswith((".", "/", "~")):
                continue
            parent_dir = folder.get(entry.parent or "", folder[model.ref])
            if entry.depth <= 1:
                parent_dir = folder[model.ref]
            path = os.path.normpath(os.path.join(parent_dir, os.path.expanduser(ref)))
            folder.setdefault(ref, path)
            self._local[(model.ref, ref)] = f"local:{_shown(path, model)}"

    def _located(self, model: ModelResult, entry: LineageEntry) -> LineageEntry:
        """A local folder named as a base, under its resolved `local:` path."""
        local = self._local.get((model.ref, entry.id or ""))
        return replace(entry, id=local) if local else entry

    def _lineage_by_depth(self, model: ModelResult) -> None:
        """Without explicit parent links, a chain (one ancestor per depth) is unambiguous."""
        if any(e.parent for e in model.lineage):
            return
        depths: dict[int, list[LineageEntry]] = {}
        for entry in model.lineage:
            depths.setdefault(entry.depth, []).append(entry)
        for depth, entries in depths.items():
            parents = depths.get(depth - 1, [])
            if depth > 1 and len(parents) == 1:
                parent = self._find(parents[0].id, parents[0].revision)
                children = [self._find(e.id, e.revision) for e in entries]
                if parent is not None:
                    self.bom.register_dependency(parent, [c for c in children if c is not None])

    # --- components --------------------------------------------------------

    def _bom_ref(self, key: str) -> str:
        """The bom-ref a component is written with: every output loses its control
        characters (report.safe), so keys that differ only in them ("dataset:\x1f",
        "dataset:\x1e") would collide there; each gets its own, as it will be read."""
        ref = strip_chars(key)
        n, candidate = 1, ref
        while candidate in self._written:
            n += 1
            candidate = f"{ref}#{n}"
        self._written.add(candidate)
        return candidate

    def _unique(self, ref: str) -> str:
        n, candidate = 1, ref
        while candidate in self.by_ref:
            n += 1
            candidate = f"{ref}#{n}"
        return candidate

    def _find(self, repo_id: str | None, revision: str | None) -> Component | None:
        if not repo_id:
            return None
        if repo_id.startswith("local:"):
            return self.by_ref.get(repo_id)
        repo_id, _, at = repo_id.partition("@")
        revision = revision or at or None
        exact = self.by_ref.get(purl_for(repo_id, revision))
        if exact is not None:
            return exact
        if revision is None:  # any revision of that repo that we scanned
            prefix = purl_for(repo_id, None)
            for ref, comp in self.by_ref.items():
                if ref.split("@", 1)[0] == prefix:
                    return comp
        return None

    def _model_component(self, m: ModelResult) -> Component:
        repo_id = m.repo_id if m.source != SourceKind.LOCAL else None
        if repo_id:
            pinned = m.revision or (m.ref.partition("@")[2] or None)
            purl = purl_for(repo_id, pinned)
            group, _, name = repo_id.rpartition("/")
        else:  # a local folder, or a Hub id that could not be resolved
            purl, group = None, ""
            name = PurePath(os.path.abspath(m.ref)).name if m.source == SourceKind.LOCAL else m.ref
        ref = self._unique(purl or f"{m.source}:{m.ref}")
        comp = Component(
            type=ComponentType.MACHINE_LEARNING_MODEL,
            bom_ref=self._bom_ref(ref),
            name=name,
            group=group or None,
            version=m.revision,
            purl=PackageURL.from_string(purl) if purl else None,
            supplier=(
                OrganizationalEntity(name=group, urls=[self._hub_uri(group)]) if group else None
            ),
            licenses=self._licenses(m.licenses),
            external_references=self._external_refs(m, repo_id),
            properties=self._properties(m),
            evidence=self._evidence(m),
        )
        self.by_ref[ref] = comp
        self._model_refs.setdefault(m.ref, ref)
        written = str(comp.bom_ref)
        licensing = self._licensing(m, group)
        if licensing:
            self.extras.setdefault(written, {})["licensing"] = licensing
        if m.source == SourceKind.LOCAL:  # a scanned folder is also a base another folder may name
            self.by_ref.setdefault(f"local:{_shown(_folder_of(m), m)}", comp)
        card = self._model_card(m)
        if card:
            self.model_cards[written] = card
        return comp

    def _base_component(self, entry: LineageEntry) -> Component | None:
        repo_id = entry.id or ""
        if not repo_id:
            return None
        found = self._find(repo_id, entry.revision)
        if found is not None:
            return found
        if repo_id.startswith("local:"):
            return self._local_base_component(repo_id, entry)
        repo_id, _, at = repo_id.partition("@")
        revision = entry.revision or at or None
        ref = purl_for(repo_id, revision)
        group, _, name = repo_id.rpartition("/")
        findings = [LicenseFinding(k, "", LicenseOrigin.base("")) for k in entry.licenses if k]
        props = [Property(name=f"{NS}:role", value="base-model")]
        if entry.category:
            props.append(Property(name=f"{NS}:category", value=entry.category))
        if entry.error:
            props.append(Property(name=f"{NS}:error", value=entry.error))
        comp = Component(
            type=ComponentType.MACHINE_LEARNING_MODEL,
            bom_ref=self._bom_ref(ref),
            name=name,
            group=group or None,
            version=revision,
            purl=PackageURL.from_string(ref),
            licenses=self._licenses(findings, LicenseAcknowledgement.DECLARED),
            external_references=[
                ExternalReference(type=ExternalReferenceType.WEBSITE, url=self._hub_uri(repo_id))
            ],
            properties=props,
        )
        self.by_ref[ref] = comp
        return comp

    def _local_base_component(self, ref: str, entry: LineageEntry) -> Component:
        props = [Property(name=f"{NS}:role", value="base-model")]
        props.append(Property(name=f"{NS}:source", value=SourceKind.LOCAL))
        if entry.category:
            props.append(Property(name=f"{NS}:category", value=entry.category))
        if entry.error:
            props.append(Property(name=f"{NS}:error", value=entry.error))
        keys = entry.licenses
        comp = Component(
            type=ComponentType.MACHINE_LEARNING_MODEL,
            bom_ref=self._bom_ref(ref),
            name=PurePath(ref.removeprefix("local:")).name,
            licenses=self._licenses(
                [LicenseFinding(k, "", LicenseOrigin.base("")) for k in keys],
                LicenseAcknowledgement.DECLARED,
            ),
            properties=props,
            evidence=ComponentEvidence(
                occurrences=[Occurrence(location=ref.removeprefix("local:"))]
            ),
        )
        self.by_ref[ref] = comp
        return comp

    def _dataset_component(self, dataset_id: str) -> str:
        key = f"dataset:{dataset_id}"
        if key not in self.by_ref:
            group, _, name = dataset_id.rpartition("/")
            ref = self._bom_ref(key)
            self.extras[ref] = {"data": [{"type": "dataset", "name": dataset_id}]}
            self.by_ref[key] = Component(
                type=ComponentType.DATA,
                bom_ref=ref,
                name=name,
                group=group or None,
                external_references=[
                    ExternalReference(
                        type=ExternalReferenceType.WEBSITE,
                        url=self._hub_uri(f"datasets/{dataset_id}"),
                    )
                ],
            )
        return str(self.by_ref[key].bom_ref)

    # --- parts -------------------------------------------------------------

    def _hub_uri(self, path: str) -> XsUri:
        return XsUri(f"{self.hub}/{quote(path, safe='/')}")

    def _licenses(
        self, findings: list[LicenseFinding], ack: LicenseAcknowledgement | None = None
    ) -> list[DisjunctiveLicense]:
        """One entry per (license, acknowledgement): declared by the model's own card and
        files, concluded when licscan inferred it (base-model lineage)."""
        grouped: dict[tuple[str | None, LicenseAcknowledgement], list[str]] = {}
        for f in findings:
            kind = ack or (
                LicenseAcknowledgement.CONCLUDED
                if f.origin.kind is OriginKind.BASE
                else LicenseAcknowledgement.DECLARED
            )
            grouped.setdefault((f.license, kind), []).append(f.source)
        out = []
        for (key, kind), sources in grouped.items():
            spdx, ref = spdx_or_ref(key) if key else (None, f"LicenseRef-{NS}-unrecognized")
            entry = kb_entry(key)
            props = [Property(name=f"{NS}:source", value=s) for s in sources if s != "base:"]
            if entry is not None:
                props.append(Property(name=f"{NS}:license-name", value=entry.name))
                props.append(Property(name=f"{NS}:category", value=entry.category))
            url = XsUri(entry.url) if entry is not None and entry.url else None
            out.append(
                DisjunctiveLicense(
                    id=spdx, name=ref, acknowledgement=kind, url=url, properties=props
                )
            )
        return out

    def _licensing(self, m: ModelResult, group: str) -> dict[str, dict[str, Any]]:
        """Applied waivers as the waived license's `licensing` (an exception granted, or a
        license the organisation bought): licensor (the Hub organisation), licensee (the
        project), expiration; the reason and approver as `licscan:waiver:*` properties."""
        keys = list(dict.fromkeys(lic.license for lic in m.licenses if lic.license))
        out: dict[str, dict[str, Any]] = {}
        for w in m.waivers:
            if not w.applied:
                continue
            covered = [w.target] if w.target in keys else keys if not w.flags else []
            for key in covered:
                spdx, ref = spdx_or_ref(key)
                licensing: dict[str, Any] = {"licenseTypes": ["other"]}
                if group:
                    licensing["licensor"] = {"organization": {"name": group}}
                if self.project_name:
                    licensing["licensee"] = {"organization": {"name": self.project_name}}
                if w.expires:
                    licensing["expiration"] = f"{w.expires}T23:59:59Z"
                props = [
                    {"name": f"{NS}:waiver:reason", "value": w.reason},
                    {"name": f"{NS}:waiver:approver", "value": w.approver},
                ]
                if w.flags:
                    props.append({"name": f"{NS}:waiver:flags", "value": ",".join(w.flags)})
                out[spdx or ref or key] = {"licensing": licensing, "properties": props}
        return out

    def _external_refs(self, m: ModelResult, repo_id: str | None) -> list[ExternalReference]:
        refs: list[ExternalReference] = []
        if repo_id:
            refs += [
                ExternalReference(type=ExternalReferenceType.WEBSITE, url=self._hub_uri(repo_id)),
                ExternalReference(
                    type=ExternalReferenceType.VCS, url=self._hub_uri(f"{repo_id}.git")
                ),
                ExternalReference(
                    type=ExternalReferenceType.MODEL_CARD,
                    url=XsUri(hub_link(FileRef(repo_id, m.revision, "README.md"), self.hub)),
                ),
            ]
        for lf in m.license_files:
            url = (
                quote(lf.supplied, safe="/")  # the reviewer's own file
                if lf.supplied is not None
                else hub_link(FileRef(repo_id, m.revision, lf.path), self.hub)
                if repo_id
                else quote(f"{m.ref.rstrip('/')}/{lf.path}", safe="/:")
            )
            hashes = [HashType(alg=HashAlgorithm.SHA_256, content=lf.sha256)] if lf.sha256 else []
            refs.append(
                ExternalReference(
                    type=ExternalReferenceType.LICENSE,
                    url=XsUri(url),
                    comment=lf.path,
                    hashes=hashes,
                )
            )
        return refs

    def _properties(self, m: ModelResult) -> list[Property]:
        p = [
            Property(name=f"{NS}:category", value=m.category),
            Property(name=f"{NS}:verdict", value=m.verdict),
            Property(name=f"{NS}:source", value=m.source),
            Property(name=f"{NS}:ref", value=m.ref),
        ]
        p += [Property(name=f"{NS}:use", value=u) for u in m.use]
        if m.policy:
            p.append(Property(name=f"{NS}:policy", value=m.policy))
        if m.error:
            p.append(Property(name=f"{NS}:error", value=m.error))
        if m.gated:
            p.append(Property(name=f"{NS}:gated", value=str(m.gated)))
        for f in m.flags:
            p += self._flag_properties(m, f)
        p += self._policy_properties(m)
        # Properties are sorted by the library: number the reasons to keep their order.
        p += _numbered(f"{NS}:reason", m.reasons)
        p += _numbered(f"{NS}:obligation", [ob.action for ob in obligations(m)])
        return p

    @staticmethod
    def _flag_properties(m: ModelResult, f: Flag) -> list[Property]:
        base = f"{NS}:flag:{f.id}"
        p = [Property(name=base, value=f.severity or "unjudged")]
        if f.value:
            p.append(Property(name=f"{base}:value", value=f.value))
        # Numbered: the library sorts properties, and a place must stay with its quote.
        width = len(str(len(f.evidence)))
        for i, ev in enumerate(f.evidence, 1):
            n = f"{i:0{width}d}"
            p.append(Property(name=f"{base}:evidence:{n}", value=evidence_where(ev)))
            p.append(Property(name=f"{base}:kind:{n}", value=ev.kind.value))
            # a quote is the source's words; anything else is a statement (licscan's
            # summary of a license, a Hub fact, a note): never named a quote
            said = "quote" if ev.kind.quoted else "statement"
            p.append(Property(name=f"{base}:{said}:{n}", value=one_line(ev.quote)))
        rule = f.rule
        if rule:
            p.append(Property(name=f"{base}:rule", value=str(rule)))
        if f.waived:
            p.append(Property(name=f"{base}:waived", value="true"))
        return p

    @staticmethod
    def _policy_properties(m: ModelResult) -> list[Property]:
        """The waivers met, and what the category or a list decided (not a flag)."""
        p = []
        for w in m.waivers:
            state = "applied" if w.applied else "expired"
            p.append(
                Property(
                    name=f"{NS}:waiver",
                    value=(
                        f"{state}; flags={','.join(w.flags) or 'none'}; approver={w.approver}; "
                        f"expires={w.expires or 'never'}; reason={w.reason}"
                    ),
                )
            )
        for pf in m.findings:
            p.append(
                Property(name=f"{NS}:decision", value=f"{pf.severity} {pf.subject} by {pf.rule}")
            )
        return p

    @staticmethod
    def _evidence(m: ModelResult) -> ComponentEvidence | None:
        if m.location:
            path, line = m.location
            return ComponentEvidence(occurrences=[Occurrence(location=path, line=line)])
        if m.source == SourceKind.LOCAL:
            return ComponentEvidence(occurrences=[Occurrence(location=m.ref)])
        return None

    def _model_card(self, m: ModelResult) -> dict[str, Any]:
        if m.verdict == Verdict.ERROR:
            return {}
        params: dict[str, Any] = {}
        if m.task:
            params["task"] = m.task
        if m.datasets:
            params["datasets"] = [{"ref": self._dataset_component(d)} for d in m.datasets]
        considerations: dict[str, Any] = {}
        if m.use:
            considerations["useCases"] = [
                f"{use}: licscan verdict '{m.verdict}' under "
                f"{'policy ' + m.policy if m.policy else 'the default policy'}"
                for use in m.use
            ]
        # The restrictions themselves (a quote, or licscan's summary, said so), never the
        # card line that names the license ("license: llama3.1").
        ethical = [
            {
                "name": inline(m, ev, one_line(ev.quote, 500)),
                "mitigationStrategy": "The license requires passing these use restrictions on "
                "to downstream users.",
            }
            for f in m.flags
            if f.id == "use-restrictions"
            for ev in f.evidence
            if ev.kind in (EvidenceKind.TEXT, EvidenceKind.KNOWLEDGE_BASE)
        ]
        if ethical:
            considerations["ethicalConsiderations"] = ethical
        technical = [
            "Weights ship only in pickle-based formats, which can run code when loaded"
            + (f" ({one_line(f.note)})" if f.note else "")
            for f in m.flags
            if f.id == "pickle-weights"
        ]
        if technical:
            considerations["technicalLimitations"] = technical
        card: dict[str, Any] = {}
        if params:
            card["modelParameters"] = params
        if considerations:
            card["considerations"] = considerations
        return card


def _folder_of(m: ModelResult) -> str:
    """A local model's folder: a manifest names it relative to the manifest."""
    if m.location and not os.path.isabs(m.ref):
        return os.path.normpath(
            os.path.join(os.path.dirname(os.path.abspath(m.location[0])), m.ref)
        )
    return os.path.abspath(m.ref)


def _shown(path: str, m: ModelResult) -> str:
    """A folder as the scan names folders: relative to the manifest (or the working
    directory) when it lies below it, so a BOM does not depend on the machine."""
    anchor = os.path.dirname(os.path.abspath(m.location[0])) if m.location else os.getcwd()
    rel = os.path.relpath(path, anchor)
    return path if rel.startswith("..") else PurePath(rel).as_posix()


def _parse_time(value: str) -> datetime:
    try:
        dt = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except (ValueError, AttributeError):
        return datetime(1970, 1, 1, tzinfo=UTC)
    return dt if dt.tzinfo else dt.replace(tzinfo=UTC)


def _add_extras(data: dict[str, Any], extras: dict[str, dict[str, Any]]) -> None:
    """`data` on data components and `licensing` on waived licenses (see _BomBuilder)."""
    for comp in data.get("components", []):
        extra = extras.get(comp.get("bom-ref"), {})
        if "data" in extra:
            comp["data"] = extra["data"]
        for entry in comp.get("licenses", []) if extra.get("licensing") else []:
            lic = entry.get("license", {})
            found = extra["licensing"].get(lic.get("id") or lic.get("name"))
            if found:
                lic["licensing"] = found["licensing"]
                lic.setdefault("properties", []).extend(found["properties"])


def _add_model_cards(data: dict[str, Any], cards: dict[str, dict[str, Any]]) -> None:
    for comp in data.get("components", []):
        card = cards.get(comp.get("bom-ref"))
        if card:
            comp["modelCard"] = card


_TOP = (
    "$schema",
    "bomFormat",
    "specVersion",
    "serialNumber",
    "version",
    "metadata",
    "components",
    "dependencies",
)


def _ordered(data: dict[str, Any]) -> dict[str, Any]:
    """Header keys first, the way CycloneDX documents are usually read."""
    out = {k: data[k] for k in _TOP if k in data}
    out.update({k: v for k, v in data.items() if k not in out})
    return out


def _numbered(name: str, values: list[str]) -> list[Property]:
    """One property per value, numbered so that the library's sorting keeps their order."""
    width = len(str(len(values)))
    return [Property(name=name, value=f"{i:0{width}d}. {v}") for i, v in enumerate(values, 1)]
