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
  falling back to reading the one column. What a footer said is remembered in
  ``OUTDIR/reports/.footers.tsv`` under the file's size, mtime and inode
  (``Footers``), so a re-run of an unchanged archive opens no Parquet file: it
  looks at each file's ``stat``. ``remember_footers`` adds what a run wrote.
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


FOOTERS = ".footers.tsv"
# what is kept of a ``reports`` file's footer: (extractor_version, n_warnings,
# first_page, last_page, pages)
_NO_FACTS = (None, 0, None, None, None)


class Footers:
    """What the footers of ``OUTDIR/reports/*.parquet`` say, read once per version of a
    file: an entry counts while the file has the size, mtime and inode it had."""

    def __init__(self, folder: Path):
        self.folder = Path(folder)
        self.entries: dict[str, tuple] = {}
        self.dirty = False
        try:
            text = (self.folder / FOOTERS).read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            return
        for line in text.splitlines():
            cells = line.split("\t")
            if len(cells) != 9:
                continue
            try:
                stamp = tuple(int(c) for c in cells[1:4])
                ints = tuple(int(c) if c else None for c in cells[5:9])
            except ValueError:
                continue
            self.entries[cells[0]] = (stamp, (cells[4] or None, *ints))

    def facts(self, stem: str) -> tuple:
        """(extractor_version, n_warnings, first_page, last_page, pages) of the file."""
        path = self.folder / f"{stem}.parquet"
        try:
            st = os.stat(path)
        except OSError:
            return _NO_FACTS
        stamp = (st.st_size, st.st_mtime_ns, st.st_ino)
        entry = self.entries.get(stem)
        if entry is not None and entry[0] == stamp:
            return entry[1]
        facts = _footer_facts(path)
        self.entries[stem], self.dirty = (stamp, facts), True
        return facts

    def save(self, stems: set[str] | None = None) -> None:
        """Write the entries (of ``stems`` only, when given: the files there are now),
        if any changed; quietly not when OUTDIR cannot be written (it is a cache)."""
        if stems is not None and set(self.entries) - stems:
            self.entries = {s: e for s, e in self.entries.items() if s in stems}
            self.dirty = True
        if not self.dirty or not self.folder.is_dir():
            return
        lines = []
        for stem, ((size, mtime, ino), facts) in sorted(self.entries.items()):
            cells = [stem, str(size), str(mtime), str(ino),
                     *("" if v is None else str(v) for v in facts)]
            lines.append("\t".join(cells) + "\n")
        tmp = self.folder / f".{FOOTERS}.{os.getpid()}.tmp"
        try:
            tmp.write_text("".join(lines), encoding="utf-8")
            os.replace(tmp, self.folder / FOOTERS)
            self.dirty = False
        except OSError:
            tmp.unlink(missing_ok=True)


def _footer_facts(path: Path) -> tuple:
    """A one-report ``reports`` file's (extractor_version, n_warnings, first_page,
    last_page, pages), from its footer's statistics (the column itself where they
    are missing); a damaged file: no version (it is read again), no warnings."""
    import pyarrow.parquet as pq

    try:
        meta = pq.read_metadata(path)
        if meta.num_rows != 1:
            return _NO_FACTS
        names = meta.schema.names

        def value(column: str):
            if column not in names:
                return None
            stats = meta.row_group(0).column(names.index(column)).statistics
            if stats is not None and stats.has_min_max and stats.min == stats.max:
                found = stats.min
            else:
                found = pq.ParquetFile(path).read(columns=[column]).column(0)[0].as_py()
            return found.decode() if isinstance(found, bytes) else found

        ints = [value(c) for c in ("first_page", "last_page", "pages")]
        return (value("extractor_version"), int(value("n_warnings") or 0),
                *(int(v) if v is not None else None for v in ints))
    except (OSError, ValueError, IndexError, TypeError):
        return _NO_FACTS


_footers: list[Footers] = []  # the last folder's, reused by report_warnings


def _footers_of(folder: Path) -> Footers:
    folder = Path(folder)
    if not _footers or _footers[0].folder != folder:
        _footers[:] = [Footers(folder)]
    return _footers[0]


def remember_footers(outdir: Path) -> None:
    """Read the footers of the ``reports`` files written since they were last read (a
    run's own), so that the next run finds them all in ``.footers.tsv``."""
    folder = Path(outdir) / "reports"
    footers = _footers_of(folder)
    stems = _stems(folder)
    for stem in stems:
        footers.facts(stem)
    footers.save(stems)


def finished_reports(outdir: Path, version: str) -> set[str]:
    """The file hashes whose reports OUTDIR/reports holds whole, written by this extractor
    version: a file of one report by its report_id (the hash); a file of several by
    ``<hash>-p<first page>`` each, finished when their pages together cover the file
    (a run stopped between two of them did not finish it). A file with both kinds of
    ids (an earlier reading of it left over) is not finished: it is read again."""
    folder = Path(outdir) / "reports"
    footers = _footers_of(folder)
    parts: dict[str, list[str]] = {}
    present = _stems(folder)
    for stem in present:
        head, sep, tail = stem.rpartition("-p")
        parts.setdefault(head if sep and tail.isdigit() else stem, []).append(stem)
    done = set()
    for file_hash, stems in parts.items():
        if not all(footers.facts(s)[0] == version for s in stems):
            continue
        if stems == [file_hash] or (file_hash not in stems
                                    and _covers(footers, stems)):
            done.add(file_hash)
    footers.save(present)
    return done


def _covers(footers: Footers, stems: list[str]) -> bool:
    """The reports' page ranges (first_page–last_page) tile the file's pages 1…pages."""
    ranges = [footers.facts(s)[2:] for s in stems]
    if not ranges or any(None in r for r in ranges):
        return False
    ranges.sort()
    end = 0
    for first, last, pages in ranges:
        if first != end + 1 or last < first or pages != ranges[0][2]:
            return False
        end = last
    return end == ranges[0][2]


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
        return pq.ParquetFile(path).read(columns=["extractor_version"]).column(0)[0].as_py()
    except (OSError, ValueError, IndexError):
        return None  # a damaged file: extract the report again


def report_warnings(path: Path) -> int:
    """``n_warnings`` of a one-report ``reports`` file (0 when unreadable or none); for
    ``<hash>.parquet`` of a file read as several reports, theirs together (read from
    ``Footers``, the footer itself only when the file changed since)."""
    if not path.exists():
        parts = [p for p in path.parent.glob(f"{path.stem}-p*.parquet") if p.stem[65:].isdigit()]
        if parts:
            return sum(report_warnings(p) for p in parts)
    return _footers_of(path.parent).facts(path.stem)[1]


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
        """The Unrepaired report waiting under ``report_id`` (a file's hash), or None; for a
        file of several reports, the list of its parts (normalised ones among them)."""
        if not report_id:
            return None
        path = self.folder / f"{report_id}.json"
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            if data.get("version") != self.version:
                raise ValueError("another extractor version")
            if "parts" in data:
                return [_part_from_json(part) for part in data["parts"]]
            return _part_from_json(data)
        except FileNotFoundError:
            return None
        except (OSError, ValueError, KeyError, TypeError):
            path.unlink(missing_ok=True)
            return None

    def put(self, unrepaired, source_file: str) -> None:
        """Keep ``unrepaired`` (an Unrepaired report, or the list of a file's parts: the
        Unrepaired ones and the normalised ones) under its file's hash."""
        from malrapport.schemas.output import file_of

        self.folder.mkdir(parents=True, exist_ok=True)
        data = {"version": self.version, "source_file": source_file}
        if isinstance(unrepaired, list):
            first = unrepaired[0]
            rid = file_of(getattr(first, "report", first).report_id)
            data["parts"] = [_part_to_json(part) for part in unrepaired]
        else:
            rid = unrepaired.report.report_id
            data.update(_part_to_json(unrepaired))
        text = json.dumps(data, ensure_ascii=False)
        tmp = self.folder / f".{rid}.json.tmp"
        tmp.write_text(text, encoding="utf-8")
        os.replace(tmp, self.folder / f"{rid}.json")

    def remove(self, report_id: str | None) -> None:
        if report_id:
            (self.folder / f"{report_id}.json").unlink(missing_ok=True)


def _part_to_json(part) -> dict:
    """An Unrepaired report (``report``, its profile's labels, ``ocr_text``), or a
    normalised one (``repaired``), as JSON."""
    from malrapport.extract.jobs import Unrepaired
    from malrapport.schemas.record_json import to_json

    if not isinstance(part, Unrepaired):
        return {"repaired": json.loads(to_json(part))}
    return {"report": json.loads(to_json(part.report)), "statuses": part.statuses,
            "assessments": part.assessments, "ocr_text": part.ocr_text}


def _part_from_json(data: dict):
    from malrapport.extract.jobs import Unrepaired
    from malrapport.schemas.record_json import from_json

    def record(value):  # kept as a JSON object in the file; from_json reads text
        return from_json(value if isinstance(value, str) else json.dumps(value))

    if "repaired" in data:
        return record(data["repaired"])
    return Unrepaired(record(data["report"]), data["statuses"], data["assessments"],
                      bool(data["ocr_text"]))
