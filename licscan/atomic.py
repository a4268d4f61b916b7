"""Files licscan writes for the user (a report, licscan.lock): all or nothing.

The text goes to a temporary file in the same folder, is flushed to disk, then renamed
over the target; on any failure (a read-only folder, a full disk, a name too long) the
temporary file is removed and the old file, if any, is left as it was.  No partial or
empty file is ever left behind.
"""

from __future__ import annotations

import os
import tempfile
from contextlib import suppress
from pathlib import Path


def write_text(path: str | os.PathLike, text: str) -> None:
    """Write `text` (UTF-8) to `path` atomically; OSError says why it could not be.
    A symlink is written through; a device or pipe (`/dev/stdout`) is written in place."""
    path = Path(path)
    data = text.encode("utf-8")
    if path.exists() and not path.is_file():
        with open(path, "wb") as fh:  # nothing to rename over: a device, a FIFO
            fh.write(data)
        return
    path = path.resolve() if path.is_symlink() else path
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name[:64]}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())  # a full disk may say so only now
        os.chmod(tmp, _mode(path))
        os.replace(tmp, path)
    except BaseException:
        with suppress(OSError):
            os.unlink(tmp)
        raise


def _mode(path: Path) -> int:
    """The old file's permissions, else what a plain open() would have given."""
    try:
        return path.stat().st_mode & 0o777
    except OSError:
        mask = os.umask(0)
        os.umask(mask)
        return 0o666 & ~mask
