"""What a census keeps on disk while it runs, so its memory stays bounded and it can resume.

`Listed`: every listed model's metadata, spilled to a temporary file as its page
arrives; memory holds only an index (id -> offset), so a derivative can be judged with
its base's listing however far apart the two were listed.

`Journal`: each judgement as it is made, one JSON line, in licscan's cache under a key of
the selection, the policy, the uses, the day and licscan's code (`stored.stamp`).
`--resume` replays the lines of an interrupted run for models whose commit the listing
still shows, and judges the rest.  Nothing in it is a secret: results only.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

import orjson

from licscan.engine import stored
from licscan.model import CensusRow

JOURNAL_MAX_AGE = 24 * 3600.0  # a base model's terms may move: older judgements are redone


class Listed:
    """Listing metadata by model id (case-insensitive), on disk; thread-safe reads."""

    def __init__(self) -> None:
        self._file = tempfile.TemporaryFile(prefix="licscan-census-")  # noqa: SIM115 (close())
        self._fd = self._file.fileno()
        self._end = 0
        self._where: dict[str, tuple[int, int]] = {}
        self._lock = threading.Lock()

    def __contains__(self, repo_id: str) -> bool:
        return repo_id.lower() in self._where

    def __len__(self) -> int:
        return len(self._where)

    def add(self, meta: dict[str, Any]) -> bool:
        """Keep `meta`; False when that id was listed already (a page shifted)."""
        key = meta["id"].lower()
        if key in self._where:
            return False
        data = orjson.dumps(meta)
        with self._lock:
            os.pwrite(self._fd, data, self._end)
            self._where[key] = (self._end, len(data))
            self._end += len(data)
        return True

    def get(self, repo_id: str) -> dict[str, Any] | None:
        where = self._where.get(repo_id.lower())
        if where is None:
            return None
        return orjson.loads(os.pread(self._fd, where[1], where[0]))

    def close(self) -> None:
        self._file.close()


def journal_key(parts: dict[str, Any]) -> str:
    """A digest of everything a census's judgements depend on."""
    text = json.dumps({**parts, "stamp": stored.stamp()}, sort_keys=True, default=str)
    return hashlib.sha256(text.encode()).hexdigest()[:32]


class Journal:
    """Judgements appended as they are made; on resume, those of the interrupted run."""

    def __init__(self, path: Path, resume: bool, max_age: float = JOURNAL_MAX_AGE) -> None:
        self.path = path
        self._done: dict[str, tuple[str, int, int]] = {}  # id -> (commit, offset, length)
        path.parent.mkdir(parents=True, exist_ok=True)
        if resume:
            self._load(max_age)
        self._out = open(path, "ab" if resume else "wb")  # noqa: SIM115 (closed by close())
        self._in = os.open(path, os.O_RDONLY) if self._done else None

    def _load(self, max_age: float) -> None:
        try:
            with open(self.path, "rb") as fh:
                offset = 0
                for line in fh:
                    entry = _entry(line)
                    if entry and time.time() - entry["at"] <= max_age:
                        self._done[entry["id"].lower()] = (entry["sha"], offset, len(line))
                    offset += len(line)
        except OSError:
            self._done.clear()

    def __len__(self) -> int:
        return len(self._done)

    def replay(self, repo_id: str, sha: str | None) -> tuple[dict[str, Any], CensusRow] | None:
        """The stored judgement of repo_id at commit `sha`, or None."""
        done = self._done.get(repo_id.lower())
        if done is None or self._in is None or not sha or done[0] != sha:
            return None
        entry = _entry(os.pread(self._in, done[2], done[1]))
        if entry is None:
            return None
        try:
            return entry["model"], CensusRow.from_dict(entry["row"])
        except (KeyError, TypeError, ValueError):
            return None

    def append(self, sha: str | None, row: CensusRow, model: dict[str, Any]) -> None:
        record = {"id": row.id, "sha": sha, "at": time.time(), "row": row.to_dict(),
                  "model": model}  # fmt: skip
        try:
            self._out.write(orjson.dumps(record) + b"\n")
            self._out.flush()  # an interrupted run keeps every line written so far
        except (OSError, TypeError):
            pass  # a full or read-only cache only costs the resume

    def close(self) -> None:
        self._out.close()
        if self._in is not None:
            os.close(self._in)


def _entry(line: bytes) -> dict[str, Any] | None:
    """A whole journal line, or None (a torn last line, someone else's file)."""
    try:
        entry = orjson.loads(line)
    except ValueError:
        return None
    ok = isinstance(entry, dict) and isinstance(entry.get("id"), str)
    return entry if ok and isinstance(entry.get("at"), (int, float)) else None
