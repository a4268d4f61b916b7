"""What a Hub reference looks like: repo ids, revisions, commit shas (one place for each).

Pure string rules, no I/O: arguments, manifests, cards, locks, caches and code scanned by
`check-refs` all ask here.
"""

from __future__ import annotations

import re

# huggingface_hub's validate_repo_id rules: [namespace/]name, word chars . - only, name at
# most 96 characters, no "--" or "..".  REPO_ID is ASCII only, as the Hub's own ids: a
# look-alike ("аcme/x" with a Cyrillic а) given as an argument or in a manifest is a usage
# error before any request.
_ID = r"^(?:[\w.-]+/)?[\w.-]{1,96}$"
REPO_ID = re.compile(_ID, re.ASCII)
# What a card's base_model or a line of code names is read with Unicode word characters
# (so a non-ASCII base is followed and reported by the Hub, as it always was).
_NAMED_ID = re.compile(_ID)
_REVISION = re.compile(r"^[^\s]{1,255}$")
_HUB_URL = re.compile(r"^https?://(?:www\.)?(?:huggingface\.co|hf\.co)/", re.I)
_NAMESPACE = re.compile(r"[\w.-]+")
COMMIT = re.compile(r"[0-9a-f]{40}")  # a full commit sha, lowercase (use is_commit)
_HEX = frozenset("0123456789abcdef")


def is_commit(revision: str | None) -> bool:
    """A full, lowercase commit sha (what the Hub and git name a commit by)."""
    return bool(revision and COMMIT.fullmatch(revision))


def is_commit_prefix(revision: str) -> bool:
    """7 to 40 lowercase hex digits: an abbreviated commit as code pins one."""
    return 7 <= len(revision) <= 40 and set(revision) <= _HEX


def short(revision: str | None) -> str:
    """A revision in one-line messages (12 characters), or 'nothing'."""
    return revision[:12] if revision else "nothing"


def is_repo_id(value: str) -> bool:
    return bool(REPO_ID.match(value)) and "--" not in value and ".." not in value


def is_named_repo_id(value: str) -> bool:
    """A repo id as a card or code names one (Unicode word characters allowed)."""
    return bool(_NAMED_ID.match(value)) and "--" not in value and ".." not in value


def is_namespace(value: str) -> bool:
    """A user or organisation name (a census --author)."""
    return bool(_NAMESPACE.fullmatch(value))


def parse_repo_ref(ref: str) -> tuple[str, str | None]:
    """'org/name' or 'org/name@REV' -> (repo_id, revision); ValueError says what is wrong."""
    repo_id, at, revision = ref.strip().partition("@")
    if not is_repo_id(repo_id):
        raise ValueError(
            f"'{shorten(ref)}' is not a Hub repo id (org/name or org/name@revision)"
            + _non_ascii(repo_id)
        )
    if at and not _REVISION.match(revision):
        raise ValueError(f"'{shorten(ref)}': empty or malformed revision after '@'")
    return repo_id, (revision or None)


def normalize_repo_ref(value: str) -> str | None:
    """'org/name' from a base_model value (plain id or Hub URL); None if it is not one."""
    value = _HUB_URL.sub("", value.strip()).strip("/")
    return value if is_named_repo_id(value) else None


def shorten(text: str, limit: int = 100) -> str:
    """A user's argument as a message quotes it: a 10,000-character one is cut."""
    return text if len(text) <= limit else f"{text[:60]}… ({len(text):,} characters)"


def _non_ascii(value: str) -> str:
    where = next(((i, c) for i, c in enumerate(value) if not c.isascii()), None)
    if where is None:
        return ""
    i, c = where
    return (f": {c!r} (U+{ord(c):04X}) at position {i + 1} is not ASCII; Hub ids use "
            "A-Z, a-z, 0-9, '-', '_' and '.'")  # fmt: skip
