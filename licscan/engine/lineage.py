"""Base-model lineage: walk `base_model` up to a depth, each ancestor once, cycles noted.

A fine-tune, adapter, quantisation or merge is bound by its bases' terms, so every
ancestor is fetched and assessed on its own evidence (card + license files).  Hub ids
go through the fetcher (memoised, so a thousand fine-tunes of one base fetch it once);
a local model folder may name its base as a folder path (`base_model: ../base-model`),
which keeps air-gapped lineage possible.  An ancestor that cannot be fetched, or lies
deeper than the limit, is kept with an `error`: its terms are unchecked, and the policy
decides what that costs (`lineage.unresolved`).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from licscan.detect.derivative import derivative_kind, linked_models
from licscan.engine.assess import assess
from licscan.hubref import normalize_repo_ref
from licscan.model import (
    Evidence,
    EvidenceKind,
    Lineage,
    LineageNode,
    ModelSnapshot,
    OriginKind,
    Site,
    SourceKind,
    Target,
)
from licscan.sources.local import read_folder
from licscan.sources.targets import local_target

MAX_LINKED = 3  # a derivative naming no base: at most this many linked models are its bases
_KIND_WORDS = {"quantized": "a quantisation", "adapter": "an adapter", "merge": "a merge"}
FetchRepo = Callable[[str], ModelSnapshot]


def walk(
    snapshot: ModelSnapshot,
    fetch_repo: FetchRepo | None,
    max_depth: int,
) -> Lineage:
    """Ancestors of `snapshot`, breadth first.  `fetch_repo(id)` fetches a Hub model
    (None: Hub bases are left unresolved, e.g. a caller with no fetcher)."""
    lineage = Lineage()
    tree = _tree(snapshot)
    root = _identity(snapshot.repo_id or snapshot.target.ref, _folder(snapshot))
    seen = {root, *(_identity(i, None) for i in _ids(snapshot))}
    _self_reference(snapshot, lineage)
    frontier: list[tuple[ModelSnapshot, tuple[str, ...], tuple[str, ...]]] = [
        (snapshot, (_label(snapshot),), (root,))
    ]
    depth = 0
    while frontier:
        depth += 1
        nxt = []
        for snap, names, keys in frontier:
            for ref, folder in base_refs(snap):
                key = _identity(ref, folder)
                if key in keys:
                    chain = " -> ".join((*names, ref))
                    lineage.notes.append(f"base-model cycle {chain}: not followed again")
                    continue
                if key in seen:
                    continue  # a diamond (two merges of one base): walked once
                seen.add(key)
                node = LineageNode(ref, depth, names[-1], relation=_relation(snap))
                node.link = _link(snap, ref, depth)
                lineage.nodes.append(node)
                if depth > max_depth:
                    node.error = f"not followed: lineage deeper than {max_depth} levels"
                    continue
                if folder is not None and not _within(folder, tree):
                    node.error = f"not read: the folder lies outside {tree or 'the scan'}"
                    lineage.notes.append(f"base_model '{ref}' of {names[-1]} {node.error}")
                    continue
                child = _fetch(ref, folder, fetch_repo)
                if child.repo_id and child.repo_id.lower() != ref.lower():
                    canonical = _identity(child.repo_id, None)
                    if canonical in seen:
                        lineage.nodes.pop()  # an old name of a model already walked
                        continue
                    seen.add(canonical)
                    node.note = f"{ref} is now {child.repo_id} on the Hub"
                _fill(node, child, assess)
                if node.error is None:
                    nxt.append((child, (*names, node.id), (*keys, key)))
            _unfollowable(snap, names[-1], depth, seen, lineage)
            _undeclared(snap, names[-1], depth, lineage)
        frontier = nxt
    return lineage


def _unfollowable(
    snap: ModelSnapshot, parent: str, depth: int, seen: set[str], lineage: Lineage
) -> None:
    """A card's `base_model` that is neither a Hub repo id nor a folder licscan may read
    still names a base whose terms bind the model: unresolved, never silently dropped.
    (The Hub's computed lineage, when it has one, is what is followed instead.)"""
    if snap.hub_base_models or snap.card is None:
        return
    raw = snap.card.raw.get("base_model")
    local = _folder(snap) is not None
    for value in [raw] if isinstance(raw, str) else raw if isinstance(raw, list) else []:
        if not isinstance(value, str) or not value.strip() or normalize_repo_ref(value):
            continue
        if (local and _looks_like_path(value)) or f"bad:{value}" in seen:
            continue
        seen.add(f"bad:{value}")
        node = LineageNode(value, depth, parent, relation=_relation(snap))
        node.link = _link(snap, value, depth)
        node.error = "not a Hub repo id or a readable folder: its terms cannot be checked"
        lineage.nodes.append(node)


def base_refs(snapshot: ModelSnapshot) -> list[tuple[str, Path | None]]:
    """(base, folder) pairs: Hub ids (folder None), and folder paths a local card names;
    for a derivative that declares no base, the models its card's prose links to."""
    out: list[tuple[str, Path | None]] = [(b, None) for b in base_model_ids(snapshot)]
    here = _folder(snapshot)
    if here is not None and snapshot.card is not None:
        raw = snapshot.card.raw.get("base_model")
        for value in [raw] if isinstance(raw, str) else raw if isinstance(raw, list) else []:
            if isinstance(value, str) and _looks_like_path(value):
                out.append((value, (here / value).expanduser().resolve()))
    linked = _prose_bases(snapshot) or []
    return out + [(ref, None) for ref, _, _ in linked if len(linked) <= MAX_LINKED]


def _prose_bases(snapshot: ModelSnapshot) -> list[tuple[str, int, str]] | None:
    """A derivative (quantisation, adapter, merge) that declares no base: the Hub models
    its card's prose links to ([] when none could be read).  None: not such a model."""
    card = snapshot.card
    if base_model_ids(snapshot) or (card is not None and card.raw.get("base_model")):
        return None
    if derivative_kind(snapshot.files, card) is None:
        return None
    if not snapshot.card_text:
        return []
    return linked_models(snapshot.card_text, {n.lower() for n in _ids(snapshot)})


def _undeclared(snap: ModelSnapshot, parent: str, depth: int, lineage: Lineage) -> None:
    """A quantisation, adapter or merge naming no base model (and linking none, or too
    many to tell) is bound by terms nobody can check: an unresolved base, fail closed."""
    linked = _prose_bases(snap)
    if linked is None or 0 < len(linked) <= MAX_LINKED:
        return
    kind = derivative_kind(snap.files, snap.card)
    # no id: no report may take the missing base for a model of its own (a component, a purl)
    node = LineageNode("", depth, parent, relation=kind)
    shown = ", ".join(ref for ref, _, _ in linked[:5])
    node.error = (
        f"the repository is {_KIND_WORDS.get(kind or '', 'a derivative')} but names no base "
        "model" + (f" (its card links {len(linked)} models: {shown})" if linked else "")
    )
    node.link = Evidence(EvidenceKind.OBSERVED, node.error, Site.LISTING)
    lineage.nodes.append(node)


def _fill(node: LineageNode, child: ModelSnapshot, assess) -> None:
    """The ancestor's own assessment; a fetch problem leaves it unresolved unless the
    card still names a known license (a gated base read without a token): a license
    file alone, with the card unread, is part of the evidence, and never enough."""
    node.revision = child.revision
    if child.repo_id and "/" in child.repo_id:
        node.id = child.repo_id
    if child.error and child.card is None and not child.license_files:
        node.error = child.error
        return
    assessment = assess(child)
    declared = [
        lic for lic in assessment.licenses if lic.license and lic.origin.kind is OriginKind.CARD
    ]
    if assessment.unreadable:
        node.error = assessment.unreadable
    elif child.error and not declared:
        node.error = child.error
    else:
        node.assessment = assessment
        if child.error:
            node.note = f"{child.error}; judged from what could be read"


def _fetch(ref: str, folder: Path | None, fetch_repo: FetchRepo | None) -> ModelSnapshot:

    if folder is not None:
        return read_folder(local_target(ref, folder))
    if fetch_repo is None:
        return ModelSnapshot(
            Target(ref, SourceKind.HUB, ref), repo_id=ref, error=f"{ref}: not fetched"
        )
    return fetch_repo(ref)


def _self_reference(snapshot: ModelSnapshot, lineage: Lineage) -> None:
    names = {n.lower() for n in _ids(snapshot)}
    declared = (snapshot.card.base_models if snapshot.card else []) + snapshot.hub_base_models
    for base in dict.fromkeys(declared):
        if base.lower() in names:
            lineage.notes.append(f"{base} names itself as its base model: not followed")


def _link(parent: ModelSnapshot, ref: str, depth: int) -> Evidence:
    """The parent's card entry that names `ref` as its base: the evidence of the link."""
    for linked, number, line in _prose_bases(parent) or []:
        if linked == ref:  # a link in the card's prose, quoted
            base = None if depth == 1 else _label(parent)
            return Evidence(
                EvidenceKind.TEXT, line[:200], Site.PATH, "README.md", (number, number), base
            )
    card = parent.card
    line = card.key_lines.get("base_model") if card is not None else None
    lines = (line, line) if line else None
    if depth == 1:
        return Evidence.card("base_model", f"base_model: {ref}", lines)
    quote = f"base_model: {ref}"  # the parent's card: the key is kept, the name reads README.md
    return Evidence(EvidenceKind.CARD, quote, Site.CARD, "base_model", lines, _label(parent))


def _relation(snapshot: ModelSnapshot) -> str | None:
    if snapshot.card is not None and snapshot.card.base_model_relation:
        return snapshot.card.base_model_relation
    if _prose_bases(snapshot):  # what the files say it is
        return derivative_kind(snapshot.files, snapshot.card)
    return None


def _looks_like_path(value: str) -> bool:
    return value.startswith(("./", "../", "/", "~", ".\\", "..\\"))


def _tree(snapshot: ModelSnapshot) -> Path | None:
    """Where a local card may name its bases by path: the manifest's folder tree, or the
    folder given on the command line (a card is untrusted: `/etc` or `../../x` is not)."""
    target = snapshot.target
    if target.kind != SourceKind.LOCAL or not target.path:
        return None
    if target.location:
        return Path(target.location[0]).resolve().parent
    return Path(target.path).resolve()


def _within(folder: Path, tree: Path | None) -> bool:
    return tree is not None and (folder == tree or folder.is_relative_to(tree))


def _folder(snapshot: ModelSnapshot) -> Path | None:
    if snapshot.target.kind == SourceKind.LOCAL and snapshot.target.path:
        return Path(snapshot.target.path)
    return None


def _ids(snapshot: ModelSnapshot) -> list[str]:
    return [n for n in (snapshot.repo_id, snapshot.target.repo_id) if n]


def _identity(ref: str, folder: Path | None) -> str:
    return f"path:{folder}" if folder is not None else f"hub:{ref.lower()}"


def _label(snapshot: ModelSnapshot) -> str:
    return snapshot.repo_id or snapshot.target.ref


def base_model_ids(snapshot: ModelSnapshot) -> list[str]:
    """The base models to follow: the Hub's computed lineage when it has one (canonical
    ids, stale card names already resolved), else the card's `base_model`."""
    ids = snapshot.hub_base_models or (snapshot.card.base_models if snapshot.card else [])
    own = {snapshot.repo_id, snapshot.target.repo_id}
    return [b for b in dict.fromkeys(ids) if b not in own]
