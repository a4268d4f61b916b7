"""Which unreadable license file is a finding about its content and which a failure to
obtain it (issue 16 item 4): every reader says so in `LicenseFile.failure` from what it
knows (an exception type, a size check), never from the words of its message.

CONTENT (read, and not a license text: oversized, binary, undecodable, an empty supplied
text): the file binds with unknown terms (`unrecognized-license`, category `unknown`).
FETCH (not obtained: gate, access, network, offline, permission): the model is an `error`.
The messages themselves are what they were; the last tests show words no longer decide."""

from __future__ import annotations

import codecs
import os

import pytest
from loopback_hub import Content

from licscan.engine.assess import assess
from licscan.model import (
    CardInfo,
    EvidenceKind,
    LicenseFile,
    ModelSnapshot,
    ReadFailure,
    SuppliedLicense,
)
from licscan.sources import supplied
from licscan.sources.fetcher import Fetcher
from licscan.sources.files import LICENSE_CAP, MAX_TEXT_BYTES, license_file, read_license_path
from licscan.sources.local import read_folder
from licscan.sources.targets import hub_target, local_target

CONTENT, FETCH = ReadFailure.CONTENT, ReadFailure.FETCH
UTF16 = codecs.BOM_UTF16_LE + "MIT License\n".encode("utf-16-le")
# bytes -> the message every source writes for them (after "<path>: ")
NOT_TEXT = {
    "binary": (bytes(range(256)) * 4, "binary content, not a license text"),
    "nul-bytes": (b"MIT\x00" * 64, "binary content, not a license text"),
    "over-the-text-limit": (
        b"a" * (MAX_TEXT_BYTES + 1),
        f"too large for a license text ({MAX_TEXT_BYTES + 1} bytes > {MAX_TEXT_BYTES})",
    ),
    "over-the-cap": (
        b"a" * (LICENSE_CAP + 1),
        f"{LICENSE_CAP + 1} bytes exceeds the 1 MiB cap for a license text",
    ),
    "bom-illegal-encoding": (UTF16 + b"\x00\xdc", "not valid utf-16 text: illegal encoding"),
    "bom-end-of-data": (UTF16 + b"\x00\xd8", "not valid utf-16 text: unexpected end of data"),
    "bom-utf-8": (codecs.BOM_UTF8 + b"\xff MIT", "not valid utf-8-sig text: invalid start byte"),
}
CARD = "---\nlicense: mit\n---\n# m\n"


# --- producers: each reader, each failure -> its kind --------------------------------------


@pytest.mark.parametrize("case", sorted(NOT_TEXT))
def test_bytes_that_are_no_license_text_are_content(case):
    data, message = NOT_TEXT[case]
    lf = license_file("LICENSE", data)
    assert (lf.text, lf.error, lf.failure) == (None, f"LICENSE: {message}", CONTENT)
    assert lf.sha256 and lf.size == len(data)  # read: its bytes are known
    good = license_file("LICENSE", b"MIT License\n")
    assert good.text == "MIT License\n" and good.error is None and good.failure is None


def test_a_listed_size_over_the_cap_is_content_unread():
    lf = license_file("LICENSE", b"short", size=LICENSE_CAP + 1)
    assert lf.failure is CONTENT and "exceeds the 1 MiB cap" in lf.error


def test_classify_reads_a_path_the_same_way(tmp_path):
    for case in ("binary", "over-the-text-limit", "bom-illegal-encoding", "bom-end-of-data"):
        (tmp_path / case).write_bytes(NOT_TEXT[case][0])
        lf = read_license_path(str(tmp_path / case))
        assert lf.failure is CONTENT and lf.text is None, case
    missing = read_license_path(str(tmp_path / "missing"))
    assert missing.failure is FETCH and missing.error == "cannot read: No such file or directory"


def test_a_folder_is_an_error_for_a_file_it_cannot_read_alone(tmp_path):
    root = tmp_path / "m"
    root.mkdir()
    (root / "README.md").write_text(CARD)
    (root / "LICENSE").write_bytes(NOT_TEXT["bom-end-of-data"][0])
    (root / "COPYING").write_bytes(NOT_TEXT["binary"][0])
    with open(root / "LICENSE.md", "wb") as fh:  # sparse: 50 MB that cost nothing
        fh.truncate(50 << 20)
    snap = read_folder(local_target("m", root))
    kinds = {lf.path: lf.failure for lf in snap.license_files}
    assert kinds == {"COPYING": CONTENT, "LICENSE": CONTENT, "LICENSE.md": CONTENT}
    assert snap.error is None  # every file was read: findings, not failures
    (root / "NOTICE").symlink_to(root / "nowhere")
    (root / "LICENSE.txt").symlink_to("/etc/hostname")  # outside the folder: never read
    snap = read_folder(local_target("m", root))
    kinds = {lf.path: lf.failure for lf in snap.license_files}
    assert kinds["NOTICE"] is FETCH and kinds["LICENSE.txt"] is FETCH
    assert snap.error == "m: LICENSE.txt: cannot read: a symbolic link leading outside the " \
        "model folder (not followed)"  # fmt: skip


def _hub_fetcher(hub, root, **kw) -> Fetcher:
    return Fetcher(endpoint=hub.url, cache_dir=root / "cache", hf_cache_dir=root / "hf",
                   retries=1, retry_base_wait=0.01, timeout=5, **kw)  # fmt: skip


def test_the_hub_tells_content_from_failures_to_download(loopback_hub, isolated_hf):
    hub = loopback_hub
    hub.add_model("acme/odd", {
        "README.md": CARD, "LICENSE": NOT_TEXT["bom-illegal-encoding"][0],
        "COPYING": NOT_TEXT["binary"][0], "LICENSE.md": Content(size=LICENSE_CAP + 1),
    })  # fmt: skip
    hub.add_model("acme/down", {"README.md": CARD, "LICENSE": "MIT License\n"})
    hub.add_model("acme/gated", {"README.md": CARD, "LICENSE": "MIT License\n"}, gated="auto")
    # a server's own words about a failure are not a finding about the file
    hub.fault("acme/down", "LICENSE", status=413, message="binary too large, over the cap")
    odd, down, gated = (
        _hub_fetcher(hub, isolated_hf).fetch(hub_target(r))
        for r in ("acme/odd", "acme/down", "acme/gated")
    )
    assert {lf.path: lf.failure for lf in odd.license_files} == dict.fromkeys(
        ("COPYING", "LICENSE", "LICENSE.md"), CONTENT
    )
    assert odd.error is None
    (lf,) = down.license_files
    assert lf.failure is FETCH and lf.error == "LICENSE: HTTP 413: binary too large, over the cap"
    assert down.error == f"acme/down: {lf.error}"
    assert gated.license_files[0].failure is FETCH and "gated repo" in gated.error
    # metadata cached by the first fetch, the LICENSE never downloaded: offline, not read
    snap = _hub_fetcher(hub, isolated_hf, offline=True).fetch(hub_target("acme/down"))
    (lf,) = snap.license_files
    assert lf.failure is FETCH and lf.error == "LICENSE: not in the local cache (offline)"
    assert snap.error == f"acme/down: {lf.error}"


def test_a_supplied_text(tmp_path):
    def read(name: str, data: bytes | None) -> LicenseFile:
        if data is not None:
            (tmp_path / name).write_bytes(data)
        return supplied.read(SuppliedLicense(str(tmp_path / name), name))

    assert read("gone.txt", None).failure is FETCH
    unread = {
        "big.txt": b"a" * (LICENSE_CAP + 1),
        "scan.pdf": NOT_TEXT["binary"][0],
        "utf16.txt": NOT_TEXT["bom-end-of-data"][0],
        "blank.txt": b" \n\n",
    }
    for name, data in unread.items():
        lf = read(name, data)
        assert lf.failure is CONTENT and lf.error.startswith(f"supplied:{name}: "), name
    assert read("blank.txt", b" \n").error == "supplied:blank.txt: empty"


# --- the consumer: the kind decides, whatever the message says -------------------------------


def _assess(lf: LicenseFile, error: str | None = None):
    card = CardInfo(licenses=["mit"], key_lines={"license": 2})
    snap = ModelSnapshot(hub_target("acme/m"), "acme/m", "a" * 40, card, CARD,
                         [lf], ["LICENSE", "README.md"], error=error)  # fmt: skip
    return assess(snap)


def test_content_binds_with_unknown_terms_whatever_its_words():
    # none of the words the old lists looked for ("cap", "binary", "decode", "encoding"...)
    lf = LicenseFile("LICENSE", None, "ab" * 32, None, 40, "LICENSE: it is a PNG", CONTENT)
    a = _assess(lf, error="acme/m: NOTICE: access denied (HTTP 403)")  # (another file's)
    assert a.category == "unknown" and not a.unreadable
    (flag,) = [f for f in a.flags if f.id == "unrecognized-license"]
    (ev,) = flag.evidence
    assert ev.kind is EvidenceKind.OBSERVED and ev.name == "LICENSE"
    assert ev.quote == "it is a PNG"  # the evidence names the file: said once


def test_a_fetch_failure_is_never_a_finding_whatever_its_words():
    why = "LICENSE: binary too large, over the cap; cannot decode its encoding"
    a = _assess(LicenseFile("LICENSE", None, error=why, failure=FETCH), error=f"acme/m: {why}")
    assert "unrecognized-license" not in {f.id for f in a.flags}  # the card speaks; an error
    assert f"{why}; judged from the license the card declares" in a.notes


def test_a_file_of_unknown_kind_is_not_taken_for_content():
    """Fail closed: a failure no reader typed (a record rebuilt from a lock) never
    becomes a finding that lets the model be judged without the file."""
    why = "LICENSE: binary content, not a license text"
    a = _assess(LicenseFile("LICENSE", None, error=why), error=f"acme/m: {why}")
    assert f"{why}; judged from the license the card declares" in a.notes


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads any file")
def test_permission_denied_is_a_failure(tmp_path):
    (tmp_path / "LICENSE").write_text("MIT License\n")
    (tmp_path / "LICENSE").chmod(0)
    lf = read_license_path(str(tmp_path / "LICENSE"))
    assert lf.failure is FETCH and lf.error == "cannot read: Permission denied"


def test_a_text_of_copyright_lines_alone_is_quoted_a_failed_analysis_is_not(monkeypatch):
    """classify_text says a text holds no words (`empty`); only then is the file's own
    copyright line the evidence.  A text that could not be analysed is named, not quoted."""
    from licscan.engine import assess as assess_module

    notice = "Copyright 2024 Foo Corp. All rights reserved.\n"
    a = _assess(LicenseFile("LICENSE", notice))
    (flag,) = [f for f in a.flags if f.id == "unrecognized-license"]
    assert flag.evidence[0].quote == notice.strip() and "copyright notice" in flag.note

    def broken(text: str, source: str):
        raise RuntimeError("empty: a detector's own words")

    assess_module.classify.cache_clear()
    monkeypatch.setattr(assess_module, "classify_text", broken)
    a = _assess(LicenseFile("LICENSE", notice + "\n"))
    (flag,) = [f for f in a.flags if f.id == "unrecognized-license"]
    assert flag.evidence[0].quote.startswith("could not be analysed (RuntimeError")
    assert flag.evidence[0].kind is EvidenceKind.OBSERVED
    assess_module.classify.cache_clear()
