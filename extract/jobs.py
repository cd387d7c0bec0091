"""Small picklable jobs for worker processes: scan a file, OCR a page, finish a report.

A file job reads the text layer of every page and decides which pages need OCR.
When none does, it finishes the report right away in the worker; otherwise the
pipeline sends each OCR page out as its own job and finishes the report when
the pages are back.
"""
from __future__ import annotations

import hashlib
import mmap
import os
import stat
import statistics
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterator

import pypdfium2 as pdfium

from malrapport.extract.errors import InputFileError, MalrapportError, UnknownLayoutError, one_line
from malrapport.extract.options import ExtractOptions
from malrapport.extract.pages import needs_ocr, open_checked, text_pages
from malrapport.extract.report import read_report
from malrapport.schemas.records import ReportRecord
from malrapport.schemas.words import PageWords

# The unknown_layout message lists the words per page of at most this many pages.
MAX_COUNTS_SHOWN = 20


@dataclass
class FileScan:
    path: Path
    source_file: str
    report_id: str | None = None
    pages: list[PageWords | None] = field(default_factory=list)
    ocr_pages: list[int] = field(default_factory=list)  # 0-based indexes still to OCR
    report: ReportRecord | None = None
    error: tuple[str, str] | None = None  # (kind, message)


def file_id(data) -> str:
    return hashlib.sha256(data).hexdigest()


def scan_file(path: Path, source_file: str, options: ExtractOptions) -> FileScan:
    """Read the text layer of every page; finish the report when no page needs OCR.

    Never raises for a bad file: the failure is recorded in ``scan.error`` as
    (kind, one-line message). The checks name what is wrong with the file
    (``extract/errors.py`` lists the kinds); other pdfium failures are
    ``damaged``; any other exception is ours: ``internal_error`` while reading,
    ``parse_failed`` while parsing. A readable file without goals is
    ``unknown_layout``.
    """
    scan = FileScan(path, source_file)
    try:
        with _mapped(path) as data:
            scan.report_id = file_id(data)
            pdf = open_checked(path, data, options)
            try:
                for words, facts in text_pages(pdf, options):
                    ocr, _reason = needs_ocr(words, facts, options)
                    scan.pages.append(None if ocr else words)
                    if ocr:
                        scan.ocr_pages.append(words.number - 1)
            finally:
                pdf.close()
    except MalrapportError as e:
        scan.error = (e.kind, one_line(str(e)))
    except pdfium.PdfiumError as e:
        scan.error = ("damaged", one_line(f"the PDF cannot be read: {e}"))
    except Exception as e:  # a bug met on this file: record it, keep the batch going
        scan.error = ("internal_error", one_line(
            f"malrapport failed reading this file (a bug, please report it): {type(e).__name__}: {e}"))
    if scan.error is None and not scan.ocr_pages:
        try:
            scan.report = finish_report(scan, options)
        except MalrapportError as e:
            scan.error = (e.kind, one_line(str(e)))
        except Exception as e:  # a parser bug met on this file
            scan.error = ("parse_failed", one_line(f"{type(e).__name__}: {e}"))
    if scan.error is not None:
        scan.ocr_pages, scan.report = [], None
    if scan.error is not None or scan.report is not None:
        # Nothing left to do with the pages: the main process needs only the report
        # (a 9-page digital file: 190 KB less to send and 6 ms less to unpickle).
        scan.pages = []
    return scan


@contextmanager
def _mapped(path: Path) -> Iterator[bytes | mmap.mmap]:
    """The file's bytes, memory-mapped (a 2 GB scan is not read into memory)."""
    try:
        st = os.stat(path)
    except OSError as e:
        raise InputFileError("unreadable", f"cannot read the file: {e.strerror or e}") from e
    if stat.S_ISDIR(st.st_mode):
        raise InputFileError("unreadable", _folder_problem(path))
    if not stat.S_ISREG(st.st_mode):
        raise InputFileError("unreadable", "not a regular file (a pipe, socket or device)")
    if st.st_size == 0:
        raise InputFileError("empty", "the file is empty (0 bytes)")
    try:
        fh = open(path, "rb")
    except OSError as e:
        raise InputFileError("unreadable", f"cannot read the file: {e.strerror or e}") from e
    with fh:
        try:
            data = mmap.mmap(fh.fileno(), 0, access=mmap.ACCESS_READ)
        except (OSError, ValueError):  # a file system without mmap
            data = None
        if data is None:
            try:
                content = fh.read()
            except OSError as e:
                raise InputFileError("unreadable", f"cannot read the file: {e.strerror or e}") from e
            yield content
            return
        try:
            yield data
        finally:
            try:
                data.close()
            except BufferError:  # a view is still alive; the mapping goes with the last one
                pass


def _folder_problem(path: Path) -> str:
    try:
        os.listdir(path)
    except OSError as e:
        return f"a folder that cannot be listed: {e.strerror or e}"
    return "a folder, not a file"


def ocr_job(path: Path, index: int, options: ExtractOptions) -> tuple[int, PageWords]:
    from malrapport.extract.ocr import ocr_page

    return index, ocr_page(path, index, options)


def finish_report(scan: FileScan, options: ExtractOptions) -> ReportRecord:
    from malrapport.extract.profile_load import resolve_profiles
    from malrapport.normalize.records import normalize_report
    from malrapport.normalize.vocabulary import load_vocabulary

    pages = [p for p in scan.pages if p is not None]
    profiles = resolve_profiles(options.profiles)
    reading = read_report(pages, scan.report_id, scan.source_file, profiles)
    report = reading.report
    if not report.goals:
        raise _unknown_layout(report, pages, options, reading.fits)
    profile = reading.profile
    ocr_text = any(p.source == "ocr" or any(w.invisible for w in p.words[:20]) for p in pages)
    return normalize_report(report, load_vocabulary(list(options.vocab_files)),
                            statuses=profile.statuses, assessments=profile.assessments,
                            ocr_text=ocr_text)


def _unknown_layout(report: ReportRecord, pages: list[PageWords],
                    options: ExtractOptions, fits=()) -> UnknownLayoutError:
    """No goals: say what was found, with the words per page (0 everywhere means a scan),
    and the profile that came nearest with what it missed."""
    counts = [len(p.words) for p in pages]
    if not any(counts):
        hint = "; probably a scan: run with --ocr auto" if options.ocr == "never" else ""
        where = "its only page" if len(counts) == 1 else f"any of its {len(counts)} pages"
        return UnknownLayoutError(f"no goals found: no text on {where} (0 words per page){hint}")
    shown = ", ".join(str(c) for c in counts[:MAX_COUNTS_SHOWN])
    if len(counts) > MAX_COUNTS_SHOWN:
        shown += f", … ({len(counts)} pages, median {statistics.median(counts):g})"
    found = (f"the title {report.title!r} is known but" if report.kind
             else "no known report title and")
    nearest = f"; nearest profile {fits[0].describe()}" if fits else ""
    return UnknownLayoutError(
        f"not a known report layout: {found} no goal headings found{nearest}; "
        f"words per page: {shown}")
