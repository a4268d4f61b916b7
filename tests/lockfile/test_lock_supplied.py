"""A license text the reviewer supplied is a fact the lock records (`supplied: LABEL` on
its entry under license_files), not something read from the name's first letters: the
Hub allows ':' in paths, so a repository file may well be called 'supplied:…'."""

from __future__ import annotations

import hashlib
from pathlib import Path

from licscan.lockfile.document import locked_files, result_from_entry
from licscan.lockfile.reuse import stale_reason
from licscan.model import LockEntry, SuppliedLicense, Target

SHA = "a" * 40


def entry(files: dict[str, dict[str, str | None]]) -> LockEntry:
    return LockEntry(
        ref="acme/m", source="hub", repo_id="acme/m", revision=SHA, license_files=files,
        use=["commercial"], verdict="pass", verdicts={"commercial": "pass"},
    )  # fmt: skip


def target(supplied: SuppliedLicense | None = None) -> Target:
    return Target("acme/m", "hub", "acme/m", SHA, use=("commercial",), license_file=supplied)


def test_a_repository_file_called_supplied_is_a_repository_file() -> None:
    locked = entry({"supplied:LICENSE.txt": {"blob_id": "b" * 40}})
    (lf,) = locked_files(locked)
    assert lf.path == "supplied:LICENSE.txt" and lf.supplied is None
    assert stale_reason(target(), locked, ["commercial"], "2025-01-01") is None
    (shown,) = result_from_entry(locked, "licscan.lock").license_files
    assert shown.supplied is None


def test_a_supplied_text_is_known_by_its_record(tmp_path: Path) -> None:
    text = tmp_path / "terms.txt"
    text.write_text("Terms\n", encoding="utf-8")

    sha = hashlib.sha256(text.read_bytes()).hexdigest()
    locked = entry({"supplied:terms.txt": {"sha256": sha, "supplied": "terms.txt"}})
    (lf,) = locked_files(locked)
    assert lf.supplied == "terms.txt"
    given = SuppliedLicense(str(text), "terms.txt")
    assert stale_reason(target(given), locked, ["commercial"], "2025-01-01") is None
    dropped = stale_reason(target(), locked, ["commercial"], "2025-01-01")
    assert dropped == "supplied:terms.txt is no longer supplied"
    text.write_text("Other terms\n", encoding="utf-8")
    changed = stale_reason(target(given), locked, ["commercial"], "2025-01-01")
    assert changed == "the supplied license file terms.txt changed since the lock"
