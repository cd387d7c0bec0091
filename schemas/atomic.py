"""Files written whole or not at all: a temporary file in the target's own folder,
renamed over the target when writing succeeded, removed when it failed. A reader
never sees a partial file, and a failed write leaves the earlier file as it was.

The new file gets the permissions the target had, or an ordinary file's under the
process's umask (``mkstemp`` alone would make it 0600)."""
from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


def _default_mode() -> int:
    umask = os.umask(0)
    os.umask(umask)
    return 0o666 & ~umask


DEFAULT_MODE = _default_mode()  # read once: os.umask is process-wide, not thread-safe


@contextmanager
def replacing(target: Path) -> Iterator[Path]:
    """Yield a temporary path beside ``target``; on leaving without an exception it
    takes the target's place."""
    target = Path(target)
    try:
        mode = target.stat().st_mode & 0o7777
    except OSError:
        mode = DEFAULT_MODE
    fd, name = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
    os.close(fd)
    tmp = Path(name)
    try:
        yield tmp
        os.chmod(tmp, mode)
        os.replace(tmp, target)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
