"""License texts the reviewer supplies: procurement often holds the license it accepted
for a gated model (Llama, Gemma...) that a scan cannot read without accepted access.

    models:
      - id: meta-llama/Llama-3.1-8B
        license_file: legal/llama-3.1-license.txt     # relative to the manifest
    licscan scan ... --license-file meta-llama/Llama-3.1-8B=legal/llama-3.1-license.txt

The text is read like a repository file (`supplied:<path>`), classified, and its sha256
locked.  It stands in for license files the gate withheld; a text that cannot be read is
an `error` naming it, never a silent skip.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from licscan.errors import UsageError
from licscan.model import (
    LicenseFile,
    ModelSnapshot,
    ReadFailure,
    SourceKind,
    SuppliedLicense,
    Target,
)
from licscan.sources.files import LICENSE_CAP, license_file, not_fetched, not_text, oversize_error


def from_options(values: Iterable[str]) -> dict[str, SuppliedLicense]:
    """`--license-file MODEL=PATH` values -> {model: text}; UsageError for a malformed
    value or a file that is not there."""
    out: dict[str, SuppliedLicense] = {}
    for value in values:
        model, eq, path = value.partition("=")
        model, path = model.strip(), path.strip()
        if not eq or not model or not path:
            raise UsageError(f"--license-file {value!r}: expected MODEL=PATH")
        if not Path(path).is_file():
            raise UsageError(f"--license-file {model}={path}: {path} is not a file")
        out[_key(model)] = SuppliedLicense(str(Path(path).resolve()), path)
    return out


def by_model(targets: Iterable[Target], extra: dict[str, SuppliedLicense]) -> dict:
    """Every supplied text by model key: the targets' own (manifest `license_file:`)
    and the command line's (which also reach base models)."""
    out = dict(extra)
    for t in targets:
        if t.license_file is not None:
            out.setdefault(_key(t.repo_id if t.kind == SourceKind.HUB else t.ref), t.license_file)
    return out


def attach(targets: list[Target], supplied: dict[str, SuppliedLicense]) -> list[Target]:
    """The command line's texts onto the targets they name (so a lock records them)."""
    import dataclasses

    out = []
    for t in targets:
        s = supplied.get(_key(t.repo_id or "")) or supplied.get(_key(t.ref))
        out.append(dataclasses.replace(t, license_file=s) if s and not t.license_file else t)
    return out


def lookup(supplied: dict[str, SuppliedLicense], snap: ModelSnapshot) -> SuppliedLicense | None:
    for name in (snap.repo_id, snap.target.repo_id, snap.target.ref):
        if name and _key(name) in supplied:
            return supplied[_key(name)]
    return None


def read(s: SuppliedLicense) -> LicenseFile:
    """The text as a license file named `supplied:<label>`; `error` when unreadable."""
    try:
        with open(s.path, "rb") as fh:
            data = fh.read(LICENSE_CAP + 1)
    except OSError as exc:
        return not_fetched(s.name, f"{s.name}: cannot read: {exc.strerror or exc}")
    if len(data) > LICENSE_CAP:
        return not_text(s.name, oversize_error(s.name, len(data)))
    lf = license_file(s.name, data)
    lf.blob_id = None  # not a git blob of any repository: the sha256 identifies it
    if lf.text is not None and not lf.text.strip():
        lf.text, lf.error, lf.failure = None, f"{s.name}: empty", ReadFailure.CONTENT
    return lf


def add(snap: ModelSnapshot, s: SuppliedLicense | None, withheld: list[str]) -> None:
    """Add the supplied text to a snapshot (once).  License files a gate withheld
    (`withheld`, emptied of them) give way to it; an unreadable text is an error."""
    if s is None or any(lf.path == s.name for lf in snap.license_files):
        return
    lf = read(s)
    lf.supplied = s.label
    snap.license_files.append(lf)
    if lf.error:  # named before anything a gate withheld: it is what the reviewer can fix
        snap.error = f"{snap.target.ref}: {lf.error} (the supplied license text)"
        return
    gone = [p for p in withheld if any(p == f.path for f in snap.license_files)]
    if gone:
        snap.license_files = [f for f in snap.license_files if f.path not in gone]
        withheld[:] = [p for p in withheld if p not in gone]
        snap.notes.append(
            f"gated repo: {', '.join(gone)} not readable without accepted access; "
            "judged on the license text supplied by the reviewer"
        )
    snap.notes.append(
        f"{s.label}: license text supplied by the reviewer (sha256 {lf.sha256}), read as {s.name}"
    )


def _key(model: str) -> str:
    return model.strip().lower()
