"""Files → page jobs → report records → Parquet, with failures recorded per file.

With one worker everything runs in this process. With more, file scans and OCR
pages go to a process pool as small picklable jobs; this process merges the
results as they complete and writes each report as soon as it is whole.
"""
from __future__ import annotations

import time
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from dataclasses import dataclass, field
from pathlib import Path

from malrapport.extract.discover import discover
from malrapport.extract.jobs import FileScan, finish_report, ocr_job, scan_file
from malrapport.extract.options import ExtractOptions
from malrapport.normalize.keys import KeyAssigner
from malrapport.schemas.output import write_error, write_report

EXTRACTOR_VERSION = "0.1.0"


@dataclass
class RunSummary:
    files: int = 0
    done: int = 0
    failed: int = 0
    skipped: int = 0
    pages: int = 0
    ocr_pages: int = 0
    seconds: float = 0.0
    failures: list[tuple[str, str, str]] = field(default_factory=list)

    def line(self) -> str:
        return (f"{self.files} files: {self.done} done, {self.failed} failed, "
                f"{self.skipped} skipped; {self.pages} pages ({self.ocr_pages} OCR) "
                f"in {self.seconds:.1f} s")


class _Run:
    def __init__(self, outdir: Path, options: ExtractOptions, on_event=None):
        self.outdir, self.options = outdir, options
        self.summary = RunSummary()
        self.on_event = on_event or (lambda *a: None)
        self.keys = KeyAssigner.open(outdir)

    def scanned(self, scan: FileScan) -> None:
        if scan.error:
            self.failed(scan, *scan.error)
        elif scan.report is not None:
            self.finished(scan)

    def finished(self, scan: FileScan) -> None:
        scan.report = self.keys.assign(scan.report)
        write_report(self.outdir, scan.report, EXTRACTOR_VERSION)
        self.summary.done += 1
        self.summary.pages += scan.report.pages
        self.summary.ocr_pages += scan.report.ocr_pages
        self.on_event("done", scan)

    def failed(self, scan: FileScan, kind: str, message: str) -> None:
        write_error(self.outdir, scan.source_file, kind, message, scan.report_id)
        self.summary.failed += 1
        self.summary.failures.append((scan.source_file, kind, message))
        self.on_event("failed", scan)

    def complete(self, scan: FileScan) -> None:
        try:
            scan.report = finish_report(scan, self.options)
        except Exception as e:
            self.failed(scan, "parse_failed", f"{type(e).__name__}: {e}")
            return
        self.finished(scan)


def run(paths: list[Path], outdir: Path, options: ExtractOptions, on_event=None) -> RunSummary:
    start = time.perf_counter()
    files = discover(paths)
    state = _Run(Path(outdir), options, on_event)
    state.summary.files = len(files)
    if options.workers == 1:
        _run_inline(files, state)
    else:
        _run_pool(files, state)
    state.keys.save()
    state.summary.seconds = time.perf_counter() - start
    return state.summary


def _run_inline(files: list[tuple[Path, str]], state: _Run) -> None:
    for path, source in files:
        scan = scan_file(path, source, state.options)
        state.scanned(scan)
        if scan.error or scan.report is not None:
            continue
        try:
            for index in scan.ocr_pages:
                scan.pages[index] = ocr_job(path, index, state.options)[1]
        except Exception as e:
            state.failed(scan, "ocr_failed", f"{type(e).__name__}: {e}")
            continue
        state.complete(scan)


def _run_pool(files: list[tuple[Path, str]], state: _Run) -> None:
    options = state.options
    pending: dict[Future, tuple[str, FileScan | None]] = {}
    waiting: dict[int, tuple[FileScan, set[int]]] = {}
    queue = list(files)
    limit = options.workers * 2
    with ProcessPoolExecutor(max_workers=options.workers) as pool:
        while queue or pending:
            while queue and sum(1 for k, _ in pending.values() if k == "scan") < limit:
                path, source = queue.pop(0)
                pending[pool.submit(scan_file, path, source, options)] = ("scan", None)
            done, _ = wait(pending, return_when=FIRST_COMPLETED)
            for fut in done:
                kind, scan = pending.pop(fut)
                if kind == "scan":
                    scan = fut.result()
                    state.scanned(scan)
                    if scan.error is None and scan.report is None:
                        waiting[id(scan)] = (scan, set(scan.ocr_pages))
                        for index in scan.ocr_pages:
                            pending[pool.submit(ocr_job, scan.path, index, options)] = ("ocr", scan)
                    continue
                entry = waiting.get(id(scan))
                if entry is None:
                    continue  # the file already failed on another page
                try:
                    index, words = fut.result()
                except Exception as e:
                    del waiting[id(scan)]
                    state.failed(scan, "ocr_failed", f"{type(e).__name__}: {e}")
                    continue
                scan.pages[index] = words
                entry[1].discard(index)
                if not entry[1]:
                    del waiting[id(scan)]
                    state.complete(scan)
