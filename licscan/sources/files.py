"""Which repository files matter, and how their bytes become a LicenseFile.

Shared by every source (Hub, local folder, HF cache) so a LICENSE reads the same
whichever way it arrived.
"""

from __future__ import annotations

import codecs
import hashlib
import os
import posixpath
import re
from collections.abc import Container

from licscan.model import LicenseFile, ModelSnapshot, ReadFailure

LICENSE_CAP = 1 << 20  # 1 MiB: a license text is a few dozen KB; beyond this it is not one
MAX_TEXT_BYTES = 1_000_000  # a license is a few dozen KB; beyond this it is not one
README_CAP = 4 << 20  # a model card with long tables can be large, but not 4 MiB
MAX_LICENSE_FILES = 24  # a repo with hundreds of NOTICE files gets the first 24 (sorted)

_LICENSE_NAME = re.compile(
    r"^(?:licen[cs]e|copying|notice|use[_-]?policy|acceptable[_-]use[_-]policy)(?:$|[._-])"
    r"|licen[cs]e.*\.(?:md|txt|rst)$|use[_-]?policy.*\.(?:md|txt)$",
    re.I,
)
# Never license texts, whatever they are called (weights, archives, images).
_NOT_TEXT = re.compile(
    r"\.(?:bin|pt|pth|ckpt|pkl|pickle|safetensors|gguf|onnx|h5|msgpack|npz|npy|zip|gz|tar"
    r"|png|jpe?g|gif|webp|pdf|py|json|ya?ml)$",
    re.I,
)
README_NAMES = ("README.md", "readme.md", "README.MD", "Readme.md")


def is_license_file(path: str) -> bool:
    """LICENSE*, LICENCE*, COPYING*, NOTICE*, USE_POLICY*, *license*.md/txt, LICENSES/*."""
    base = posixpath.basename(path)
    if _NOT_TEXT.search(base):
        return False
    parent = posixpath.basename(posixpath.dirname(path)).lower()
    return bool(_LICENSE_NAME.search(base)) or parent in ("licenses", "licences")


def license_paths(files: list[str], license_link: str | None = None) -> list[str]:
    """The license-like files of a repo, top level first; plus an in-repo license_link."""
    chosen = [f for f in files if is_license_file(f)]
    link = _in_repo_link(license_link, files)
    if link and link not in chosen:
        chosen.append(link)
    chosen.sort(key=lambda p: (p.count("/"), p.lower()))
    return chosen[:MAX_LICENSE_FILES]


def _in_repo_link(link: str | None, files: list[str]) -> str | None:
    """`license_link: LICENSE.md`, `./LICENSE` or a blob URL pointing into the repo."""
    if not link:
        return None
    link = link.strip()
    for marker in ("/blob/", "/resolve/", "/raw/"):
        if marker in link and link.startswith("http"):
            # .../org/name/blob/<rev>/<path>: the path after the revision segment
            link = link.split(marker, 1)[1].partition("/")[2]
            break
    link = link.removeprefix("./").lstrip("/")
    return link if link in files else None


def readme_path(files: list[str]) -> str | None:
    for name in README_NAMES:
        if name in files:
            return name
    return None


def git_blob_id(data: bytes) -> str:
    """The git object id of a file's bytes (what the Hub reports as a sibling's blobId)."""
    return hashlib.sha1(b"blob %d\0" % len(data) + data).hexdigest()


def oversize_error(path: str, size: int, cap: int = LICENSE_CAP) -> str:
    return f"{path}: {size} bytes exceeds the {_human(cap)} cap for a license text"


def _human(n: int) -> str:
    return f"{n >> 20} MiB" if n % (1 << 20) == 0 else f"{n} bytes"


def license_file(
    path: str, data: bytes, blob_id: str | None = None, size: int | None = None
) -> LicenseFile:
    """Bytes -> LicenseFile: decoded text, or `error` for content that is not a license
    text (oversized, binary, undecodable)."""
    sha = hashlib.sha256(data).hexdigest()
    size = len(data) if size is None else size
    if len(data) > LICENSE_CAP or size > LICENSE_CAP:
        return not_text(path, oversize_error(path, size), sha, blob_id, size)
    try:
        text = decode(data)
    except BinaryData:
        return not_text(path, f"{path}: binary content, not a license text", sha, blob_id, size)
    except TextError as exc:
        return not_text(path, f"{path}: {exc}", sha, blob_id, size)
    return LicenseFile(path, text, sha, blob_id or git_blob_id(data), size)


def not_text(
    path: str, error: str, sha: str | None = None, blob: str | None = None, size: int | None = None
) -> LicenseFile:
    """A file whose bytes were read and are not a license text: a finding about it."""
    return LicenseFile(path, None, sha, blob, size, error, ReadFailure.CONTENT)


def not_fetched(
    path: str, error: str, blob: str | None = None, size: int | None = None
) -> LicenseFile:
    """A file whose bytes could not be obtained: the model is an `error`."""
    return LicenseFile(path, None, None, blob, size, error, ReadFailure.FETCH)


def note_unread(snap: ModelSnapshot, skip: Container[str] = ()) -> None:
    """Note each license file that has no text (but those in `skip`, said otherwise); the
    first that could not be obtained makes the snapshot an error: a model is never judged
    without a file it has (one read and found no license text is a finding, not this)."""
    for lf in snap.license_files:
        if lf.error and lf.path not in skip:
            snap.notes.append(lf.error)
            if snap.error is None and lf.failure is not ReadFailure.CONTENT:
                snap.error = f"{snap.target.ref}: {lf.error}"


class TextError(ValueError):
    """The input is not a license text we can read (too large, undecodable, binary)."""


class BinaryData(TextError):
    """Bytes that are no text at all (NUL bytes, control characters)."""


def decode(data: bytes) -> str:
    """Decode license bytes of any common encoding; TextError for what is not a text
    (BinaryData for binary data)."""
    if len(data) > MAX_TEXT_BYTES:
        raise TextError(f"too large for a license text ({len(data)} bytes > {MAX_TEXT_BYTES})")
    for bom, enc in (
        (codecs.BOM_UTF32_LE, "utf-32"),
        (codecs.BOM_UTF32_BE, "utf-32"),
        (codecs.BOM_UTF8, "utf-8-sig"),
        (codecs.BOM_UTF16_LE, "utf-16"),
        (codecs.BOM_UTF16_BE, "utf-16"),
    ):
        if data.startswith(bom):
            try:
                return data.decode(enc)
            except UnicodeDecodeError as exc:
                raise TextError(f"not valid {enc} text: {exc.reason}") from None
    sample = data[:4096]
    if sample and sample.count(0) * 4 > len(sample):  # BOM-less UTF-16?
        for enc in ("utf-16-le", "utf-16-be"):
            try:
                text = data.decode(enc)
            except UnicodeDecodeError:
                continue
            if _looks_textual(text):
                return text
        raise BinaryData("binary data (NUL bytes), not a license text")
    if b"\x00" in sample:
        raise BinaryData("binary data (NUL bytes), not a license text")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        text = data.decode("cp1252", errors="replace")
    if not _looks_textual(text):
        raise BinaryData("binary data, not a license text")
    return text


def _looks_textual(text: str) -> bool:
    sample = text[:4096]
    if not sample:
        return True
    bad = sum(1 for ch in sample if (ord(ch) < 32 and ch not in "\t\n\r\f\v") or ch == "\ufffd")
    return bad * 20 < len(sample)


def read_license_path(path: str) -> LicenseFile:
    """A license file on disk (`licscan classify FILE`): its text, or why it has none (too
    large, unreadable, binary, undecodable); never raises."""
    try:
        size = os.path.getsize(path)
        if size > MAX_TEXT_BYTES:
            return not_text(path, f"too large for a license text ({size} bytes)", size=size)
        with open(path, "rb") as fh:
            data = fh.read()
    except OSError as exc:
        return not_fetched(path, f"cannot read: {exc.strerror or exc}")
    try:
        return LicenseFile(path, decode(data), size=len(data))
    except TextError as exc:
        return not_text(path, str(exc), size=len(data))


def readme_text(data: bytes) -> str:
    """README bytes -> text (UTF-8 with BOM tolerated; bad bytes replaced, not fatal)."""
    return data.decode("utf-8-sig", errors="replace")
