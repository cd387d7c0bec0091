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
import json
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

        from malrapport.extract.outdir import output_error

        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        except OSError as e:  # made read-only or full since check_outdir looked
            raise output_error(self.path.parent, e, "make its lock file") from e
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError as e:
            os.close(fd)
            raise OutdirBusy(f"{self.path.parent}: another malrapport run is writing here") from e
        try:
            os.ftruncate(fd, 0)
            os.write(fd, f"{os.getpid()}\n".encode())
        except OSError:
            pass  # the pid is for people looking; the flock is what counts
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
    """The file hashes whose reports OUTDIR/reports holds whole, written by this extractor
    version: a file of one report by its report_id (the hash); a file of several by
    ``<hash>-p<first page>`` each, finished when their pages together cover the file
    (a run stopped between two of them did not finish it). A file with both kinds of
    ids (an earlier reading of it left over) is not finished: it is read again."""
    folder = Path(outdir) / "reports"
    parts: dict[str, list[str]] = {}
    for stem in _stems(folder):
        head, sep, tail = stem.rpartition("-p")
        parts.setdefault(head if sep and tail.isdigit() else stem, []).append(stem)
    done = set()
    for file_hash, stems in parts.items():
        if not all(report_version(folder / f"{s}.parquet") == version for s in stems):
            continue
        if stems == [file_hash] or (file_hash not in stems
                                    and _covers(folder, stems)):
            done.add(file_hash)
    return done


def _covers(folder: Path, stems: list[str]) -> bool:
    """The reports' page ranges (first_page–last_page) tile the file's pages 1…pages."""
    ranges = sorted(_report_ints(folder / f"{s}.parquet", ("first_page", "last_page", "pages"))
                    for s in stems)
    if not ranges or any(None in r for r in ranges):
        return False
    end = 0
    for first, last, pages in ranges:
        if first != end + 1 or last < first or pages != ranges[0][2]:
            return False
        end = last
    return end == ranges[0][2]


def _report_ints(path: Path, columns: tuple[str, ...]) -> tuple:
    """Whole-number columns of a one-report ``reports`` file (None where unreadable)."""
    import pyarrow.parquet as pq

    try:
        meta = pq.read_metadata(path)
        names = meta.schema.names
        out = []
        for column in columns:
            if column not in names or meta.num_rows != 1:
                return (None,) * len(columns)
            stats = meta.row_group(0).column(names.index(column)).statistics
            if stats is not None and stats.has_min_max and stats.min == stats.max:
                out.append(int(stats.min))
            else:
                out.append(pq.read_table(path, columns=[column]).column(0)[0].as_py())
        return tuple(out)
    except (OSError, ValueError, IndexError, TypeError):
        return (None,) * len(columns)


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


def report_warnings(path: Path) -> int:
    """``n_warnings`` of a one-report ``reports`` file (0 when unreadable or none); for
    ``<hash>.parquet`` of a file read as several reports, theirs together."""
    import pyarrow.parquet as pq

    if not path.exists():
        parts = [p for p in path.parent.glob(f"{path.stem}-p*.parquet") if p.stem[65:].isdigit()]
        if parts:
            return sum(report_warnings(p) for p in parts)

    try:
        meta = pq.read_metadata(path)
        names = meta.schema.names
        if "n_warnings" not in names or meta.num_rows != 1:
            return 0
        stats = meta.row_group(0).column(names.index("n_warnings")).statistics
        if stats is not None and stats.has_min_max:
            return int(stats.max or 0)
        value = pq.read_table(path, columns=["n_warnings"]).column(0)[0].as_py()
        return int(value or 0)
    except (OSError, ValueError, IndexError):
        return 0


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


PENDING = ".pending"


class Pending:
    """Reports read but waiting for their repair (``OUTDIR/.pending/<report_id>.json``).

    A report whose text needs repair is normalised at the end of its batch, once
    the batch's clean reports have taught the vocabulary. Until then it waits here,
    written as it is read, so a run stopped before the end loses no OCR work: the
    next run given the same file repairs it with the same vocabulary, and its output
    is that of an uninterrupted run. A file of another extractor version, or one
    that cannot be read, is dropped (the report is read again)."""

    def __init__(self, outdir: Path, version: str, clear: bool = False):
        self.folder = Path(outdir) / PENDING
        self.version = version
        if clear and self.folder.is_dir():
            for path in self.folder.glob("*.json"):
                path.unlink(missing_ok=True)

    def get(self, report_id: str | None):
        """The Unrepaired report waiting under ``report_id``, or None."""
        if not report_id:
            return None
        path = self.folder / f"{report_id}.json"
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            if data.get("version") != self.version:
                raise ValueError("another extractor version")
            from malrapport.extract.jobs import Unrepaired
            from malrapport.schemas.record_json import from_json

            return Unrepaired(from_json(data["report"]), data["statuses"], data["assessments"],
                              bool(data["ocr_text"]))
        except FileNotFoundError:
            return None
        except (OSError, ValueError, KeyError, TypeError):
            path.unlink(missing_ok=True)
            return None

    def put(self, unrepaired, source_file: str) -> None:
        from malrapport.schemas.record_json import to_json

        self.folder.mkdir(parents=True, exist_ok=True)
        rid = unrepaired.report.report_id
        text = json.dumps({"version": self.version, "source_file": source_file,
                           "report": json.loads(to_json(unrepaired.report)),
                           "statuses": unrepaired.statuses,
                           "assessments": unrepaired.assessments,
                           "ocr_text": unrepaired.ocr_text}, ensure_ascii=False)
        tmp = self.folder / f".{rid}.json.tmp"
        tmp.write_text(text, encoding="utf-8")
        os.replace(tmp, self.folder / f"{rid}.json")

    def remove(self, report_id: str | None) -> None:
        if report_id:
            (self.folder / f"{report_id}.json").unlink(missing_ok=True)
