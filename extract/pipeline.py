"""Files → scan jobs → OCR page jobs → finish jobs → Parquet, one report at a time.

The main process hashes the input files, skips those already in OUTDIR with this
extractor version, and keeps the executor's workers busy: first the jobs of files
already started (a report's last job before its OCR pages, OCR pages before new
files), then a new file. Jobs are small and picklable (``extract/jobs.py``); the
executor (``extract/executors.py``) runs them in local worker processes or on a
Dask cluster. Only this process writes OUTDIR: each report as soon as it is whole
(``reports`` last), each failure as an ``errors`` row.

A file whose jobs together run longer than ``--timeout`` seconds is stopped (its
workers are killed and replaced) and recorded as ``timeout``. Ctrl-C (or SIGTERM
through the CLI) stops the workers and returns a summary marked interrupted;
whatever was written is whole, and the next run starts where this one stopped.
"""
from __future__ import annotations

import itertools
import os
import time
from collections import deque
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from malrapport.extract.correction_stamps import stamp, still_done
from malrapport.extract.discover import discover_files
from malrapport.extract.errors import MalrapportError, UsageError, one_line
from malrapport.extract.executors import Outcome, Task, make_pool
from malrapport.extract.incremental import (
    OutdirLock,
    Pending,
    clean_outdir,
    finished_reports,
    hash_files,
)
from malrapport.extract.options import ExtractOptions
from malrapport.extract.progress import Progress

# Workers preload this module: the key registry and the Parquet writer (pyarrow,
# 40 MB a process) are imported where the main process uses them.

EXTRACTOR_VERSION = "0.4.0"
POLL_SECONDS = 0.2  # longest wait for a result before timeouts and the bar are looked at


@dataclass
class RunSummary:
    files: int = 0
    done: int = 0
    failed: int = 0
    skipped: int = 0
    # reports of the batch with warnings (text no field took, unknown words, pages that
    # yield nothing), skipped ones written earlier included: the CLI then exits 3
    with_warnings: int = 0
    pages: int = 0
    ocr_pages: int = 0
    seconds: float = 0.0
    interrupted: bool = False
    stopped: str | None = None  # why the batch stopped early: OUTDIR could not be written
    failures: list[tuple[str, str, str]] = field(default_factory=list)

    def line(self) -> str:
        text = (f"{self.files} files: {self.done} done, {self.failed} failed, "
                f"{self.skipped} skipped; {self.pages} pages ({self.ocr_pages} OCR) "
                f"in {self.seconds:.1f} s")
        if self.with_warnings:
            text += (f"; {self.with_warnings} report{'s' if self.with_warnings > 1 else ''} "
                     f"with warnings (see the warnings table)")
            if not (self.failed or self.stopped or self.interrupted):
                text += ": done, with warnings (exit code 3)"
        if self.stopped:
            text += f" (stopped: {self.stopped}; run the same command again to finish the rest)"
        return text + " (interrupted)" if self.interrupted else text


@dataclass(frozen=True)
class Event:
    """Told to ``on_event`` for every file: done, failed or skipped."""

    kind: str
    source_file: str
    report_id: str | None = None
    error: str | None = None  # the errors.error kind
    message: str | None = None


@dataclass
class _File:
    key: int
    path: Path
    source: str
    size: int
    report_id: str | None
    scan: object = None  # jobs.FileScan once scanned
    left: set[int] = field(default_factory=set)  # OCR pages not back yet
    work: float = 0.0  # seconds of finished jobs
    credited: float = 0.0  # bytes counted as done for the progress estimate
    closed: bool = False
    pages_counted: bool = False  # its pages were added to the progress bar
    error_key: str | None = None  # its errors row's key (discover.Found.error_key)
    tables: dict = field(default_factory=dict)  # report_id → its tables, made in the worker


def run(paths: list[Path], outdir: Path, options: ExtractOptions,
        on_event: Callable[[Event], None] | None = None,
        progress: Progress | None = None) -> RunSummary:
    """Extract every PDF under ``paths`` into ``outdir``; never raises for a bad file.

    Raises ``UsageError`` when ``outdir`` is a file or no PDF is found (before
    anything is written), ``OutdirBusy`` when another run holds ``outdir`` and
    ``ExecutorError`` when the executor cannot start.
    """
    from malrapport.extract.outdir import check_outdir, forget_legacy_errors, output_error

    start = time.perf_counter()
    check_outdir(outdir)
    outdir = Path(outdir)
    files = discover_files(paths)
    if not files:
        raise UsageError(f"no PDF files found in {', '.join(str(p) for p in paths)} "
                         f"(folders are searched for *.pdf, recursively); nothing written")
    progress = progress or Progress()
    with OutdirLock(outdir):
        try:
            clean_outdir(outdir)
            write_fixed_tables(outdir)
            forget_legacy_errors(outdir, files)
            done = set() if options.force else finished_reports(outdir, EXTRACTOR_VERSION)
            batch = _Batch(outdir, options, progress, on_event or (lambda event: None))
            done = still_done(outdir, done, batch.corrections)  # corrections changed: again
        except OSError as e:  # a full disk, a folder made read-only since the check
            raise output_error(outdir, e) from e
        batch.summary.files = len(files)
        sizes = [_size(found.path) for found in files]
        progress.start(len(files), sum(sizes))
        todo = batch.todo(files, sizes, done)
        try:
            batch.drive(todo)
        except KeyboardInterrupt:
            batch.summary.interrupted = True
        finally:
            todo.close()
            batch.stop()
            progress.close()
    batch.summary.seconds = time.perf_counter() - start
    return batch.summary


class _Stopped(Exception):
    """OUTDIR cannot be written: the batch ends (``RunSummary.stopped`` says why)."""


def write_fixed_tables(outdir: Path) -> None:
    from malrapport.schemas.output import write_fixed_tables as write

    write(outdir)


def _size(path: Path) -> int:
    try:
        return os.path.getsize(path)
    except OSError:
        return 0


class _Batch:
    def __init__(self, outdir: Path, options: ExtractOptions, progress: Progress,
                 on_event: Callable[[Event], None]):
        self.outdir, self.options, self.progress, self.on_event = outdir, options, progress, on_event
        self.summary = RunSummary()
        from malrapport.normalize.keys import KeyAssigner

        self.keys = KeyAssigner.open(outdir)
        self.ready: deque[Task] = deque()  # jobs of files already started, in order
        self.inflight: dict[int, _File] = {}  # task id → its file
        self.ids = itertools.count()
        self._pool = None
        self._more = True  # files left to start
        # Reports read whose text needs repair: they are normalised once every clean
        # report of the batch is written, with what those taught (normalize/learned.py).
        # Each also waits in OUTDIR/.pending/, so an interrupted run loses no OCR work.
        self.deferred: list[tuple[_File, object]] = []
        self.finished: list[tuple[_File, object]] = []  # reports to write (_write_finished)
        self.pending = Pending(outdir, EXTRACTOR_VERSION, clear=options.force)
        from malrapport.normalize.corrections import load_corrections

        self.corrections = load_corrections(options.corrections)  # the CLI checked the file

    @property
    def pool(self):
        if self._pool is None:
            self._pool = make_pool(self.options.executor, self.options.workers,
                                   self.options.scheduler)
        return self._pool

    # --- the files to do -----------------------------------------------------------

    def todo(self, files: list, sizes: list[int],
             done: set[str]) -> Iterator[_File]:
        """Files not yet in OUTDIR, hashed a few ahead; the rest are counted as skipped.

        ``files`` are ``discover.Found``. A skipped report that was written with
        warnings counts among the run's reports with warnings (exit code 3)."""
        from malrapport.extract.incremental import report_warnings

        seen = set(done)
        warned: set[str] = set()
        hashes = hash_files([found.path for found in files])
        for key, (found, size, digest) in enumerate(zip(files, sizes, hashes)):
            path, source, error_key = found.path, found.source, found.error_key
            waiting = self.pending.get(digest) if digest not in seen else None
            if waiting is not None:  # read in an earlier run, its repair still to do
                seen.add(digest)
                f = _File(key, path.resolve(), source, size, digest, credited=size,
                          error_key=error_key)
                self.progress.advance(work=size)
                self.deferred.append((f, waiting))
                continue
            if digest is not None and digest in seen:
                if digest in done and digest not in warned:  # counted as _write* count
                    warned.add(digest)  # (report_warnings adds up a file's several reports)
                    self.summary.with_warnings += bool(report_warnings(
                        self.outdir / "reports" / f"{digest}.parquet"))
                self.summary.skipped += 1
                self.progress.skipped(size)
                self.on_event(Event("skipped", source, digest))
                continue
            if digest is not None:
                seen.add(digest)
            yield _File(key, path.resolve(), source, size, digest, error_key=error_key)

    # --- the loop ------------------------------------------------------------------

    def drive(self, files: Iterator[_File]) -> None:
        """Run until every file is written, failed or skipped, or OUTDIR cannot be written."""
        try:
            self._drive(files)
        except _Stopped:
            pass

    def _drive(self, files: Iterator[_File]) -> None:
        while True:
            more = self._fill(files)
            if not self.inflight and not more:
                if not self.deferred:
                    return
                self._start_repairs()
                continue
            for outcome in self.pool.poll(POLL_SECONDS):
                self._handle(outcome)
            # the freed workers get their next jobs before the reports are written: a
            # worker otherwise waited for each write (5-15 ms a born-digital report)
            self._fill(files)
            self._write_finished()
            self._enforce_timeout()
            self.progress.tick()

    def _fill(self, files: Iterator[_File]) -> bool:
        """Hand jobs to free workers, started files first; False once no file is left."""
        while self._pool is None or self._pool.free() > 0:
            if self.ready:
                task = self.ready.popleft()
            else:
                f = next(files, None) if self._more else None
                if f is None:
                    self._more = False
                    return False
                from malrapport.extract.jobs import scan_file  # not on a re-run: no new file

                task = self._task(f, scan_file, (f.path, f.source, self.options, True))
            self.pool.submit(task)
        return True

    def _task(self, f: _File, fn, args: tuple) -> Task:
        from malrapport.extract.jobs import finish_report, repair_report, scan_file
        from malrapport.extract.worker_tables import with_tables

        if fn in (scan_file, finish_report, repair_report):  # the worker makes the tables too
            fn, args = with_tables, (fn, args, EXTRACTOR_VERSION)
        task = Task(next(self.ids), f.key, fn, args)
        self.inflight[task.id] = f
        return task

    def _handle(self, outcome: Outcome) -> None:
        from malrapport.extract.jobs import ocr_job, scan_file

        f = self.inflight.pop(outcome.task.id, None)
        if f is None:
            return
        f.work += outcome.seconds
        if f.closed:
            return
        from malrapport.extract.worker_tables import WithTables, with_tables

        fn, value = outcome.task.fn, outcome.value
        if fn is with_tables:
            fn = outcome.task.args[0]
            if isinstance(value, WithTables):
                f.tables.update(value.tables)
                value = value.value
        if outcome.error is not None:
            error = outcome.error
            if isinstance(error, MalrapportError):  # WorkerLost (worker_crashed) among them
                kind, message = error.kind, str(error)
            else:
                kind = {scan_file: "internal_error", ocr_job: "ocr_failed"}.get(fn, "parse_failed")
                message = f"{type(error).__name__}: {error}"
            self._fail(f, kind, one_line(message))
        elif fn is scan_file:
            self._scanned(f, value)
        elif fn is ocr_job:
            self._page(f, *value)
        else:
            self._write(f, value)

    def _scanned(self, f: _File, scan) -> None:
        from malrapport.extract.jobs import ocr_job

        if scan.report_id and f.report_id and scan.report_id != f.report_id and not scan.error:
            from malrapport.extract.jobs import CHANGED

            # the file changed between its hashing at the start and its scan
            scan.error = ("changed_during_run", CHANGED)
        f.report_id = scan.report_id or f.report_id
        if scan.error:
            self._fail(f, *scan.error)
        elif scan.report is not None:
            self._write(f, scan.report)
        else:
            f.scan, f.left = scan, set(scan.ocr_pages)
            total = max(1, len(scan.pages))
            text = len(scan.pages) - len(scan.ocr_pages)
            f.credited = f.size * text / total
            self.progress.advance(pages=text, work=f.credited)
            for index in scan.ocr_pages:
                self.ready.append(self._task(f, ocr_job, (scan.path, index, self.options,
                                                          scan.report_id)))

    def _page(self, f: _File, index: int, words) -> None:
        from malrapport.extract.jobs import finish_report

        f.scan.pages[index] = words
        f.left.discard(index)
        share = f.size / max(1, len(f.scan.pages))
        f.credited += share
        self.progress.advance(pages=1, ocr=1, work=share)
        if not f.left:
            self.ready.appendleft(self._task(f, finish_report, (f.scan, self.options, None, True)))

    def _write(self, f: _File, report) -> None:
        """Write ``report`` once the free workers have their next jobs."""
        self.finished.append((f, report))

    def _write_finished(self) -> None:
        while self.finished:
            f, report = self.finished.pop(0)
            if not f.closed:
                self._write_now(f, report)

    def _write_now(self, f: _File, report) -> None:
        from malrapport.extract.jobs import waiting
        from malrapport.schemas.output import write_report

        if f.scan is not None:  # its pages went through _page, one by one
            f.pages_counted = True
        if self.corrections and not waiting(report):
            report = self.corrections.apply(report, say=self.progress.message)
        if waiting(report):  # repaired at the end of the batch (a file's parts all together)
            try:
                self.pending.put(report, f.source)
            except OSError as e:
                self._write_failed(f, e)
            self.deferred.append((f, report))
            f.scan = None  # the words are not needed any more
            return
        if isinstance(report, list):  # a file that holds several reports
            self._write_several(f, report)
            return
        encoded = self._encoded(f, report)
        report = self.keys.provisional(report)
        try:
            self._drop_other_parts(f, [report.report_id])
            write_report(self.outdir, report, EXTRACTOR_VERSION, error_key=f.error_key,
                         encoded=encoded)
            stamp(self.outdir, f.report_id, self.corrections)
        except OSError as e:  # a full disk: the report's files are gone again
            self._write_failed(f, e)
        self.pending.remove(report.report_id)
        self.summary.done += 1
        self.summary.with_warnings += bool(report.warnings)
        self.summary.pages += report.pages
        self.summary.ocr_pages += report.ocr_pages
        if not f.pages_counted:  # finished in its scan job: its pages were not counted yet
            self.progress.advance(pages=report.pages, ocr=report.ocr_pages)
        self._close(f)
        self.on_event(Event("done", f.source, report.report_id))

    def _write_several(self, f: _File, reports: list) -> None:
        """The reports of one file (``<hash>-p<first page>`` each): written one by one,
        the file done once all are (``incremental.finished_reports`` checks that they
        cover every page of the file)."""
        from malrapport.schemas.output import write_report

        encoded = [self._encoded(f, r) for r in reports]
        reports = [self.keys.provisional(r) for r in reports]
        try:
            self._drop_other_parts(f, [r.report_id for r in reports])
            for report, tables in zip(reports, encoded):
                write_report(self.outdir, report, EXTRACTOR_VERSION, error_key=f.error_key,
                             encoded=tables)
            stamp(self.outdir, f.report_id, self.corrections)
        except OSError as e:
            self._write_failed(f, e)
        self.pending.remove(f.report_id)
        self.summary.done += 1
        self.summary.with_warnings += any(bool(r.warnings) for r in reports)
        pages, ocr = reports[0].pages, sum(r.ocr_pages for r in reports)  # pages: the file's
        self.summary.pages += pages
        self.summary.ocr_pages += ocr
        if not f.pages_counted:
            self.progress.advance(pages=pages, ocr=ocr)
        self._close(f)
        self.on_event(Event("done", f.source, f.report_id))

    @staticmethod
    def _encoded(f: _File, report):
        """The tables the worker made of this report, or None. write_report writes them
        only when they are of exactly this record (``EncodedReport.fits``: not one
        changed since, by corrections), and converts the record otherwise."""
        return f.tables.pop(getattr(report, "report_id", None), None)

    def _drop_other_parts(self, f: _File, keep: list[str]) -> None:
        """What an earlier reading of the same file left under other report_ids (one
        report where there are two now, or two where there is one): removed, and their
        keys no longer kept in the registry unless another report has them."""
        from malrapport.schemas.output import file_of, remove_report, report_ids_by_file

        if getattr(self, "_earlier", None) is None:  # one listing of OUTDIR/reports a run
            self._earlier = report_ids_by_file(self.outdir)
        stale = sorted(self._earlier.pop(file_of(keep[0]), set()) - set(keep))
        if stale:
            self.keys.forget(stale)
            for report_id in stale:
                remove_report(self.outdir, report_id)

    def _start_repairs(self) -> None:
        """Every clean report of the batch is written: repair the others with what the
        archive's clean reports taught about their municipality."""
        from malrapport.extract.jobs import Unrepaired, repair_report
        from malrapport.normalize.learned import learned_vocabularies, taught_rows
        from malrapport.normalize.vocabulary import official_municipality
        from malrapport.schemas.tables import read_table

        rows = read_table(self.outdir, "vocabulary").to_pylist()
        # the clean parts of a file whose other parts wait teach too (written with them)
        clean = [p for _f, w in self.deferred if isinstance(w, list)
                 for p in w if not isinstance(p, Unrepaired)]
        rows += [row for p in sorted(clean, key=lambda r: r.report_id) for row in taught_rows(p)]
        learned = learned_vocabularies(rows)
        for f, unrepaired in self.deferred:
            parts = unrepaired if isinstance(unrepaired, list) else [unrepaired]
            towns = {official_municipality(p.report.municipality) for p in parts
                     if isinstance(p, Unrepaired)}
            own = {m: learned[m] for m in sorted(towns, key=str) if m in learned} or None
            self.ready.append(self._task(f, repair_report, (unrepaired, self.options, own)))
        self.deferred = []

    def _fail(self, f: _File, kind: str, message: str) -> None:
        from malrapport.schemas.output import write_error

        try:
            write_error(self.outdir, f.source, kind, message, f.report_id, error_key=f.error_key)
        except OSError as e:
            self._write_failed(f, e)
        self.pending.remove(f.report_id)
        self.summary.failed += 1
        self.summary.failures.append((f.source, kind, message))
        self._close(f)
        self.on_event(Event("failed", f.source, f.report_id, kind, message))

    def _write_failed(self, f: _File, e: OSError) -> None:
        """OUTDIR cannot be written (a full disk): the file fails and the batch stops here.
        OUTDIR keeps what was whole; the next run does this file and the rest."""
        from malrapport.extract.outdir import os_reason
        from malrapport.schemas.output import write_error

        reason = os_reason(e)
        message = one_line(f"cannot save its rows in {self.outdir}: {reason}; the batch stopped "
                           f"here: free space (or make {self.outdir} writable) and run the same "
                           f"command again to finish the rest")
        try:
            write_error(self.outdir, f.source, "write_failed", message, f.report_id,
                        error_key=f.error_key)
        except OSError:
            pass  # the disk is still full: the next run tries this file again anyway
        self.summary.failed += 1
        self.summary.failures.append((f.source, "write_failed", message))
        self.summary.stopped = f"{self.outdir}: {reason}"
        self._close(f)
        self.on_event(Event("failed", f.source, f.report_id, "write_failed", message))
        raise _Stopped

    def _close(self, f: _File) -> None:
        f.closed, f.scan, f.tables = True, None, {}
        queued = [t for t in self.ready if t.group == f.key]
        if queued:
            self.ready = deque(t for t in self.ready if t.group != f.key)
            for t in queued:
                self.inflight.pop(t.id, None)
        self.progress.file_finished(remaining_work=max(0.0, f.size - f.credited))

    def _enforce_timeout(self) -> None:
        if self._pool is None:
            return
        now = time.monotonic()
        spent: dict[int, float] = {}
        files: dict[int, _File] = {}
        for task, started in self.pool.running():
            f = self.inflight.get(task.id)
            if f is not None and not f.closed:
                spent[f.key] = spent.get(f.key, f.work) + (now - started)
                files[f.key] = f
        for key, seconds in spent.items():
            if seconds > self.options.timeout:
                for task in self.pool.kill(key):
                    self.inflight.pop(task.id, None)
                self._fail(files[key], "timeout",
                           f"stopped after {seconds:.1f} s of work, over --timeout "
                           f"{self.options.timeout:g} s")

    def stop(self) -> None:
        """Stop the workers (at once if interrupted) and save the keys of what was written.

        An interrupted batch saves no keys: which reports it wrote depends on when it
        was stopped, and a key is named by the first report keyed. The next run keys
        them with its own in (year, period) order (no save listed them as keyed), so
        that a resumed batch ends with the keys of an uninterrupted one. The keying
        runs on the workers, one municipality each, before they are asked to exit."""
        aborted = False
        try:
            if self._pool is not None and (self.summary.interrupted or self.summary.stopped):
                aborted = True
                self._pool.abort()
        finally:
            from malrapport.extract.incremental import remember_footers

            try:
                remember_footers(self.outdir)  # the next run looks at each file's stat only
                try:
                    if not self.summary.interrupted:
                        self.keys.save(run=None if aborted else self._on_workers)
                except OSError as e:  # the next run keys the reports no save keyed
                    from malrapport.extract.outdir import os_reason

                    self.summary.stopped = self.summary.stopped or (
                        f"{self.outdir}: cannot save the key registry: {os_reason(e)}")
            finally:
                if self._pool is not None and not aborted:
                    self._pool.close()

    def _on_workers(self, fn, jobs: list[tuple]) -> list:
        """``fn(*job)`` for every job, on the local pool's running workers when there
        are two or more of them and more than one job, else here; a job that fails on
        a worker runs again here, where its error is raised."""
        from malrapport.extract.executors import LocalPool

        pool = self._pool
        if not isinstance(pool, LocalPool) or pool.alive() < 2 or len(jobs) < 2:
            return [fn(*job) for job in jobs]
        results: list = [None] * len(jobs)
        waiting, running = deque(enumerate(jobs)), {}
        while waiting or running:
            while waiting and pool.free() > 0:
                i, job = waiting.popleft()
                task = Task(next(self.ids), -1, fn, job)
                running[task.id] = i
                pool.submit(task)
            for outcome in pool.poll(POLL_SECONDS):
                i = running.pop(outcome.task.id)
                results[i] = outcome.value if outcome.error is None else fn(*jobs[i])
        return results
