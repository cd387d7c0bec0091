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

from malrapport.extract.discover import discover
from malrapport.extract.errors import MalrapportError, UsageError, one_line
from malrapport.extract.executors import Outcome, Task, make_pool
from malrapport.extract.incremental import (
    OutdirLock,
    clean_outdir,
    finished_reports,
    hash_files,
)
from malrapport.extract.options import ExtractOptions
from malrapport.extract.progress import Progress

# Workers preload this module: the key registry and the Parquet writer (pyarrow,
# 40 MB a process) are imported where the main process uses them.

EXTRACTOR_VERSION = "0.3.0"
POLL_SECONDS = 0.2  # longest wait for a result before timeouts and the bar are looked at


@dataclass
class RunSummary:
    files: int = 0
    done: int = 0
    failed: int = 0
    skipped: int = 0
    with_warnings: int = 0  # reports written with warnings (text no field took, unknown words)
    pages: int = 0
    ocr_pages: int = 0
    seconds: float = 0.0
    interrupted: bool = False
    failures: list[tuple[str, str, str]] = field(default_factory=list)

    def line(self) -> str:
        text = (f"{self.files} files: {self.done} done, {self.failed} failed, "
                f"{self.skipped} skipped; {self.pages} pages ({self.ocr_pages} OCR) "
                f"in {self.seconds:.1f} s")
        if self.with_warnings:
            text += (f"; {self.with_warnings} report{'s' if self.with_warnings > 1 else ''} "
                     f"with warnings (see the warnings table)")
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


def run(paths: list[Path], outdir: Path, options: ExtractOptions,
        on_event: Callable[[Event], None] | None = None,
        progress: Progress | None = None) -> RunSummary:
    """Extract every PDF under ``paths`` into ``outdir``; never raises for a bad file.

    Raises ``UsageError`` when ``outdir`` is a file or no PDF is found (before
    anything is written), ``OutdirBusy`` when another run holds ``outdir`` and
    ``ExecutorError`` when the executor cannot start.
    """
    start = time.perf_counter()
    outdir = Path(outdir)
    if outdir.exists() and not outdir.is_dir():
        raise UsageError(f"{outdir}: exists and is not a folder; -o names the output folder")
    files = discover(paths)
    if not files:
        raise UsageError(f"no PDF files found in {', '.join(str(p) for p in paths)} "
                         f"(folders are searched for *.pdf, recursively); nothing written")
    progress = progress or Progress()
    with OutdirLock(outdir):
        clean_outdir(outdir)
        write_fixed_tables(outdir)
        done = set() if options.force else finished_reports(outdir, EXTRACTOR_VERSION)
        batch = _Batch(outdir, options, progress, on_event or (lambda event: None))
        batch.summary.files = len(files)
        sizes = [_size(path) for path, _ in files]
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

    @property
    def pool(self):
        if self._pool is None:
            self._pool = make_pool(self.options.executor, self.options.workers,
                                   self.options.scheduler)
        return self._pool

    # --- the files to do -----------------------------------------------------------

    def todo(self, files: list[tuple[Path, str]], sizes: list[int],
             done: set[str]) -> Iterator[_File]:
        """Files not yet in OUTDIR, hashed a few ahead; the rest are counted as skipped."""
        seen = set(done)
        hashes = hash_files([path for path, _ in files])
        for key, ((path, source), size, digest) in enumerate(zip(files, sizes, hashes)):
            if digest is not None and digest in seen:
                self.summary.skipped += 1
                self.progress.skipped(size)
                self.on_event(Event("skipped", source, digest))
                continue
            if digest is not None:
                seen.add(digest)
            yield _File(key, path.resolve(), source, size, digest)

    # --- the loop ------------------------------------------------------------------

    def drive(self, files: Iterator[_File]) -> None:
        """Run until every file is written, failed or skipped."""
        while True:
            more = self._fill(files)
            if not self.inflight and not more:
                return
            for outcome in self.pool.poll(POLL_SECONDS):
                self._handle(outcome)
            self._enforce_timeout()
            self.progress.tick()

    def _fill(self, files: Iterator[_File]) -> bool:
        """Hand jobs to free workers, started files first; False once no file is left."""
        from malrapport.extract.jobs import scan_file

        while self._pool is None or self._pool.free() > 0:
            if self.ready:
                task = self.ready.popleft()
            else:
                f = next(files, None) if self._more else None
                if f is None:
                    self._more = False
                    return False
                task = self._task(f, scan_file, (f.path, f.source, self.options))
            self.pool.submit(task)
        return True

    def _task(self, f: _File, fn, args: tuple) -> Task:
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
        fn = outcome.task.fn
        if outcome.error is not None:
            error = outcome.error
            if isinstance(error, MalrapportError):  # WorkerLost (worker_crashed) among them
                kind, message = error.kind, str(error)
            else:
                kind = {scan_file: "internal_error", ocr_job: "ocr_failed"}.get(fn, "parse_failed")
                message = f"{type(error).__name__}: {error}"
            self._fail(f, kind, one_line(message))
        elif fn is scan_file:
            self._scanned(f, outcome.value)
        elif fn is ocr_job:
            self._page(f, *outcome.value)
        else:
            self._write(f, outcome.value)

    def _scanned(self, f: _File, scan) -> None:
        from malrapport.extract.jobs import ocr_job

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
                self.ready.append(self._task(f, ocr_job, (scan.path, index, self.options)))

    def _page(self, f: _File, index: int, words) -> None:
        from malrapport.extract.jobs import finish_report

        f.scan.pages[index] = words
        f.left.discard(index)
        share = f.size / max(1, len(f.scan.pages))
        f.credited += share
        self.progress.advance(pages=1, ocr=1, work=share)
        if not f.left:
            self.ready.appendleft(self._task(f, finish_report, (f.scan, self.options)))

    def _write(self, f: _File, report) -> None:
        from malrapport.schemas.output import write_report

        report = self.keys.assign(report)
        write_report(self.outdir, report, EXTRACTOR_VERSION)
        self.summary.done += 1
        self.summary.with_warnings += bool(report.warnings)
        self.summary.pages += report.pages
        self.summary.ocr_pages += report.ocr_pages
        if f.scan is None:  # finished in its scan job: its pages were not counted yet
            self.progress.advance(pages=report.pages, ocr=report.ocr_pages)
        self._close(f)
        self.on_event(Event("done", f.source, report.report_id))

    def _fail(self, f: _File, kind: str, message: str) -> None:
        from malrapport.schemas.output import write_error

        write_error(self.outdir, f.source, kind, message, f.report_id)
        self.summary.failed += 1
        self.summary.failures.append((f.source, kind, message))
        self._close(f)
        self.on_event(Event("failed", f.source, f.report_id, kind, message))

    def _close(self, f: _File) -> None:
        f.closed, f.scan = True, None
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
        """Stop the workers (at once if interrupted) and save the keys of what was written."""
        try:
            if self._pool is not None:
                if self.summary.interrupted:
                    self._pool.abort()
                else:
                    self._pool.close()
        finally:
            self.keys.save()
