"""What OUTDIR already holds, so a re-run only does new work.

- ``OutdirLock``: one run writes into an OUTDIR at a time (``flock`` on
  ``OUTDIR/.malrapport.lock``; the kernel drops it when the process dies, even by
  SIGKILL), which makes the clean-up below safe.
- ``clean_outdir``: removes what a killed run left behind: temporary files
  (``.<stem>.*.tmp`` in any table folder, hidden anyway from pandas, pyarrow
  and DuckDB globs) and the rows of a report whose write was cut off before its
  ``reports`` file was renamed into place (``reports`` is written last, so such
  rows have no ``reports`` file; the next run writes the report again).
- ``finished_reports``: the report_ids whose ``reports`` row carries the given
  extractor version. The ids are the file names; the version is read from the
  Parquet footer's column statistics (about 0.06 ms a file, no data pages read),
  falling back to reading the one column.
- ``hash_files``: content hashes of the input files, in a few threads (hashlib
  releases the GIL), in input order.
"""
from __future__ import annotations

import hashlib
import os
from collections import deque
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from malrapport.extract.errors import ExitCode, MalrapportError

LOCK_NAME = ".malrapport.lock"
HASH_THREADS = 4
HASH_LOOKAHEAD = 64  # files hashed ahead of the one the batch is waiting for


class OutdirBusy(MalrapportError):
    """Another malrapport run holds OUTDIR."""

    kind = "outdir_busy"
    exit_code = ExitCode.USAGE


class OutdirLock:
    """Exclusive, non-blocking lock on OUTDIR for the length of a run."""

    def __init__(self, outdir: Path):
        self.path = Path(outdir) / LOCK_NAME
        self._fd: int | None = None

    def __enter__(self) -> OutdirLock:
        import fcntl

        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError as e:
            os.close(fd)
            raise OutdirBusy(f"{self.path.parent}: another malrapport run is writing here") from e
        os.ftruncate(fd, 0)
        os.write(fd, f"{os.getpid()}\n".encode())
        self._fd = fd
        return self

    def __exit__(self, *exc) -> None:
        if self._fd is not None:
            os.close(self._fd)  # closing releases the flock
            self._fd = None


def clean_outdir(outdir: Path) -> tuple[int, int]:
    """Remove stale temp files and orphaned rows; returns (temp files, orphan files) removed."""
    from malrapport.schemas.output import REPORT_TABLES

    outdir = Path(outdir)
    temps = 0
    folders = [Path(e.path) for e in os.scandir(outdir) if e.is_dir()] if outdir.is_dir() else []
    for folder in folders:  # every table, the key registry's too
        for entry in os.scandir(folder):
            if entry.name.startswith(".") and entry.name.endswith(".tmp"):
                Path(entry.path).unlink(missing_ok=True)
                temps += 1
    whole = _stems(outdir / "reports")
    orphans = 0
    for name in REPORT_TABLES:
        if name == "reports":
            continue
        for stem in _stems(outdir / name) - whole:
            (outdir / name / f"{stem}.parquet").unlink(missing_ok=True)
            orphans += 1
    return temps, orphans


def _stems(folder: Path) -> set[str]:
    from malrapport.schemas.tables import is_data_file

    if not folder.is_dir():
        return set()
    return {e.name[:-8] for e in os.scandir(folder) if is_data_file(e.name)}


def finished_reports(outdir: Path, version: str) -> set[str]:
    """report_ids in OUTDIR/reports written by this extractor version."""
    folder = Path(outdir) / "reports"
    return {stem for stem in _stems(folder)
            if report_version(folder / f"{stem}.parquet") == version}


def report_version(path: Path) -> str | None:
    """The extractor_version of a one-report ``reports`` file; None if unreadable."""
    import pyarrow.parquet as pq

    try:
        meta = pq.read_metadata(path)
        names = meta.schema.names
        if "extractor_version" not in names or meta.num_rows != 1:
            return None
        column = names.index("extractor_version")
        stats = meta.row_group(0).column(column).statistics
        if stats is not None and stats.has_min_max and stats.min == stats.max:
            value = stats.min
            return value.decode() if isinstance(value, bytes) else value
        return pq.read_table(path, columns=["extractor_version"]).column(0)[0].as_py()
    except (OSError, ValueError, IndexError):
        return None  # a damaged file: extract the report again


def file_sha256(path: Path) -> str | None:
    """Hex SHA-256 of a file's bytes (the report_id); None when it cannot be read.

    Only regular files are opened: reading a pipe named on the command line
    would wait forever (scan_file then records why the path was refused).
    """
    try:
        if not path.is_file():
            return None
        with open(path, "rb") as fh:
            return hashlib.file_digest(fh, "sha256").hexdigest()
    except OSError:
        return None


def hash_files(paths: list[Path]) -> Iterator[str | None]:
    """``file_sha256`` of each path, in order, hashed a few files ahead in threads."""
    with ThreadPoolExecutor(HASH_THREADS, thread_name_prefix="hash") as pool:
        ahead: deque = deque()
        try:
            for path in paths:
                ahead.append(pool.submit(file_sha256, path))
                if len(ahead) > HASH_LOOKAHEAD:
                    yield ahead.popleft().result()
            while ahead:
                yield ahead.popleft().result()
        finally:
            for fut in ahead:
                fut.cancel()
