"""OUTDIR checked before any work, and the errors rows of an older naming dropped.

``check_outdir`` refuses, as a usage error (exit 2) and before anything is read
or written, an OUTDIR that cannot become a folder malrapport writes into: an
empty name, a name with a component longer than the file system allows (255
bytes), a path that exists and is no folder (``-o /dev/null``, a file), a path
under a file, and a folder (or the nearest existing parent of a folder still to
be made) that cannot be written: read-only, or no permission.

A full disk cannot be seen in advance; the pipeline stops the batch when a
write fails (``schemas/output.write_report`` leaves OUTDIR whole).
"""
from __future__ import annotations

import errno
import os
import re
from pathlib import Path

from malrapport.extract.errors import OutputError, UsageError

NAME_MAX = 255  # bytes in one path component, where pathconf cannot say


def check_outdir(outdir: Path | str) -> None:
    """Raise ``UsageError`` (one line) unless ``outdir`` is, or can become, a writable folder."""
    text = os.fspath(outdir)
    if not text:  # Path("") would be the current folder
        raise UsageError("-o: the output folder's name is empty; -o names the output folder")
    if "\0" in text:
        raise UsageError("-o: the output folder's name holds a NUL character")
    path = Path(text)
    existing = _nearest_existing(path)
    limit = _name_max(existing)
    for part in path.parts:
        size = len(os.fsencode(part))
        if size > limit:
            shown = part if len(part) <= 40 else part[:39] + "…"
            raise UsageError(f"{shown}: a folder name of {size} bytes in -o, more than the "
                             f"{limit} the file system allows")
    if path.exists() and not path.is_dir():
        raise UsageError(f"{text}: exists and is not a folder; -o names the output folder")
    if not existing.is_dir():
        raise UsageError(f"{text}: cannot be made: {existing} is not a folder")
    if not os.access(existing, os.W_OK | os.X_OK):
        what = "the output folder" if existing == path else f"{existing}, where it would be made,"
        raise UsageError(f"{text}: cannot write there: {what} is {_why_not_writable(existing)}")


def _nearest_existing(path: Path) -> Path:
    """``path`` itself if it exists, else its nearest parent that does (``.`` at worst)."""
    current = Path(os.path.abspath(path))
    while not os.path.lexists(current) and current != current.parent:
        current = current.parent
    return path if current == Path(os.path.abspath(path)) else current


def _name_max(folder: Path) -> int:
    try:
        return int(os.pathconf(folder if folder.is_dir() else folder.parent, "PC_NAME_MAX"))
    except (OSError, ValueError):
        return NAME_MAX


def _why_not_writable(folder: Path) -> str:
    try:
        if os.statvfs(folder).f_flag & os.ST_RDONLY:
            return "on a read-only file system"
    except OSError:
        pass
    return "read-only for you (no write permission)"


def os_errno(e: OSError) -> int | None:
    """The error number, also of pyarrow's errors (``… Detail: [errno 28] …``)."""
    if e.errno:
        return e.errno
    m = re.search(r"\[errno (\d+)\]", str(e), re.IGNORECASE)
    return int(m.group(1)) if m else None


def os_reason(e: OSError) -> str:
    """``No space left on device``: what went wrong, in the system's words."""
    number = os_errno(e)
    return os.strerror(number) if number else (e.strerror or str(e))


def output_error(outdir: Path, e: OSError, doing: str = "write") -> OutputError:
    """One line for a write into OUTDIR that failed (a full disk, a folder made read-only)."""
    reason = os_reason(e)
    hint = ("free space and run the same command again" if os_errno(e) == errno.ENOSPC
            else "run the same command again once it can be written")
    return OutputError(f"{outdir}: cannot {doing}: {reason}; nothing more was extracted: {hint}")


def forget_legacy_errors(outdir: Path, files) -> int:
    """Remove the ``errors`` rows malrapport 0.3.0 and earlier wrote for the batch's files.

    Those rows were named by the source name without its folder (so two failures of
    one name shared a row); rows are now named by the file's path. Each file of the
    batch is tried again in this run and gets its row under the new name if it fails
    again. Returns the number of rows removed."""
    from malrapport.schemas.output import error_stem
    from malrapport.schemas.tables import remove_table_file

    folder = Path(outdir) / "errors"
    if not folder.is_dir():
        return 0
    current = {error_stem(f.error_key) for f in files}
    removed = 0
    for f in files:
        stem = error_stem(f.legacy_source)
        if stem not in current and (folder / f"{stem}.parquet").exists():
            remove_table_file(outdir, "errors", stem)
            removed += 1
    return removed
