"""Small picklable jobs for worker processes: scan a file, OCR a page, finish a report.

A file job reads the text layer of every page and decides which pages need OCR.
When none does, it finishes the report right away in the worker; otherwise the
pipeline sends each OCR page out as its own job and finishes the report when
the pages are back.
"""
from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass, field
from pathlib import Path

from malrapport.extract.errors import InputFileError, MalrapportError
from malrapport.extract.options import ExtractOptions
from malrapport.extract.pages import needs_ocr, open_pdf, text_pages
from malrapport.extract.report import pages_to_report
from malrapport.schemas.records import ReportRecord
from malrapport.schemas.words import PageWords


@dataclass
class FileScan:
    path: Path
    source_file: str
    report_id: str | None = None
    pages: list[PageWords | None] = field(default_factory=list)
    ocr_pages: list[int] = field(default_factory=list)  # 0-based indexes still to OCR
    report: ReportRecord | None = None
    error: tuple[str, str] | None = None  # (kind, message)


def file_id(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def scan_file(path: Path, source_file: str, options: ExtractOptions) -> FileScan:
    scan = FileScan(path, source_file)
    try:
        data = _read(path)
        scan.report_id = file_id(data)
        pdf = open_pdf(path, data, options.password)
        try:
            for words, facts in text_pages(pdf, options):
                ocr, _reason = needs_ocr(words, facts, options)
                scan.pages.append(None if ocr else words)
                if ocr:
                    scan.ocr_pages.append(words.number - 1)
        finally:
            pdf.close()
        if not scan.ocr_pages:
            scan.report = finish_report(scan, options)
    except MalrapportError as e:
        scan.error = (e.kind, str(e))
    except Exception as e:  # a library failed on this file: record it, keep the batch going
        scan.error = ("damaged", f"{type(e).__name__}: {e}")
    return scan


def _read(path: Path) -> bytes:
    try:
        if os.path.getsize(path) == 0:
            raise InputFileError("empty", "the file is empty (0 bytes)")
        return path.read_bytes()
    except OSError as e:
        raise InputFileError("unreadable", f"cannot read the file: {e.strerror or e}") from e


def ocr_job(path: Path, index: int, options: ExtractOptions) -> tuple[int, PageWords]:
    from malrapport.extract.ocr import ocr_page

    return index, ocr_page(path, index, options)


def finish_report(scan: FileScan, options: ExtractOptions) -> ReportRecord:
    from malrapport.normalize.records import normalize_report
    from malrapport.normalize.vocabulary import load_vocabulary

    pages = [p for p in scan.pages if p is not None]
    report = pages_to_report(pages, scan.report_id, scan.source_file)
    return normalize_report(report, load_vocabulary(list(options.vocab_files)))
