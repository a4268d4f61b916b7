"""Every file licscan writes (a report, licscan.lock, an edited manifest or policy, a
census streamed to --output, a cache entry): all or nothing.

The bytes go to a temporary file in the same folder, then the file is renamed over the
target; on any failure (a read-only folder, a full disk, a name too long) the temporary
file is removed and the old file, if any, is left as it was.  No partial or empty file is
ever left behind.  What the user keeps is also flushed to disk before the rename and keeps
the old file's permissions; a cache entry is neither (thousands of them: a lost one is a
miss, a torn one cannot be seen) and stays private to the user, as mkstemp makes it.
"""

from __future__ import annotations

import os
import tempfile
from contextlib import suppress
from pathlib import Path
from typing import IO, Any


def write_text(path: str | os.PathLike, text: str) -> None:
    """Write `text` (UTF-8) to `path` atomically; OSError says why it could not be.
    A symlink is written through; a device or pipe (`/dev/stdout`) is written in place."""
    write_bytes(path, text.encode("utf-8"))


def write_bytes(path: str | os.PathLike, data: bytes, *, cache: bool = False) -> None:
    """As write_text; `cache=True`: a cache entry (see above)."""
    path = Path(path)
    if path.exists() and not path.is_file():
        with open(path, "wb") as fh:  # nothing to rename over: a device, a FIFO
            fh.write(data)
        return
    with AtomicFile(path, binary=True, cache=cache) as fh:
        fh.file.write(data)


class AtomicFile:
    """A temporary file beside `path`, renamed over it by commit(), removed by discard().
    As a context manager: committed when the block ends, discarded when it raises."""

    def __init__(self, path: str | os.PathLike, *, binary: bool = False, cache: bool = False):
        path = Path(path)
        self.path = path.resolve() if path.is_symlink() else path
        self.cache = cache
        fd, tmp = tempfile.mkstemp(
            dir=self.path.parent, prefix=f".{self.path.name[:64]}.", suffix=".tmp"
        )
        self.tmp = Path(tmp)
        mode, encoding = ("wb", None) if binary else ("w", "utf-8")
        self.file: IO[Any] = os.fdopen(fd, mode, encoding=encoding)

    def commit(self) -> None:
        try:
            self.file.flush()
            if not self.cache:
                os.fsync(self.file.fileno())  # a full disk may say so only now
            self.file.close()
            if not self.cache:
                os.chmod(self.tmp, _mode(self.path))
            os.replace(self.tmp, self.path)
        except BaseException:
            self.discard()
            raise

    def discard(self) -> None:
        with suppress(OSError, ValueError):
            self.file.close()
        with suppress(OSError):
            os.unlink(self.tmp)

    def __enter__(self) -> AtomicFile:
        return self

    def __exit__(self, kind: object, exc: object, tb: object) -> None:
        if kind is None:
            self.commit()
        else:
            self.discard()


def _mode(path: Path) -> int:
    """The old file's permissions, else what a plain open() would have given."""
    try:
        return path.stat().st_mode & 0o777
    except OSError:
        mask = os.umask(0)
        os.umask(mask)
        return 0o666 & ~mask
