"""Files written whole or not at all: a temporary file in the target's own folder,
renamed over the target when writing succeeded, removed when it failed. A reader
never sees a partial file, and a failed write leaves the earlier file as it was.

The new file gets the permissions the target had, or an ordinary file's under the
process's umask (``mkstemp`` alone would make it 0600)."""
from __future__ import annotations

import itertools
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


_SERIAL = itertools.count()


def write_bytes(target: Path, data: bytes) -> None:
    """``data`` as ``target``, whole or not at all, like ``replacing``, in fewer system
    calls (the main process writes seven files a report): the temporary file is
    created with the right permissions and written through the descriptor that
    created it. A name already taken (left by a process that had this pid) falls
    back to ``replacing``."""
    target = Path(target)
    try:
        mode = target.stat().st_mode & 0o7777
    except FileNotFoundError:
        mode = None  # created 0o666 less the umask: DEFAULT_MODE
    tmp = target.with_name(f".{target.name}.{os.getpid()}-{next(_SERIAL)}.tmp")
    try:
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC, 0o666)
    except FileExistsError:
        with replacing(target) as other:
            other.write_bytes(data)
        return
    try:
        try:
            view = memoryview(data)
            while view:
                view = view[os.write(fd, view):]
            if mode is not None:
                os.fchmod(fd, mode)
        finally:
            os.close(fd)
        os.replace(tmp, target)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
