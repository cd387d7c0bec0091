"""Small picklable jobs for worker processes: scan a file, OCR a page, finish a report.

A file job reads the text layer of every page and decides which pages need OCR.
When none does, it finishes the report right away in the worker; otherwise the
pipeline sends each OCR page out as its own job and finishes the report when
the pages are back.
"""
from __future__ import annotations

import ctypes
import functools
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

from malrapport.extract.errors import (
    ChangedDuringRun,
    InputFileError,
    MalrapportError,
    UnknownLayoutError,
    one_line,
)
from malrapport.extract.options import ExtractOptions
from malrapport.extract.pages import needs_ocr, open_checked, text_pages
from malrapport.extract.report import read_reports
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
    # Unrepaired: finish_report(defer=True); a list: a file of several reports (a part
    # Unrepaired when it waits for the batch's vocabulary)
    report: ReportRecord | Unrepaired | list[ReportRecord | Unrepaired] | None = None
    error: tuple[str, str] | None = None  # (kind, message)
    # 1-based text-layer pages without a word: "blank" (nothing drawn on them) or
    # "no_text" (images or drawings, not read: --ocr never); see _empty_page_warnings
    empty_pages: dict[int, str] = field(default_factory=dict)


def file_id(data) -> str:
    return hashlib.sha256(data).hexdigest()


def scan_file(path: Path, source_file: str, options: ExtractOptions,
              defer: bool = False) -> FileScan:
    """Read the text layer of every page; finish the report when no page needs OCR.

    Never raises for a bad file: the failure is recorded in ``scan.error`` as
    (kind, one-line message). The checks name what is wrong with the file
    (``extract/errors.py`` lists the kinds); other pdfium failures are
    ``damaged``; any other exception is ours: ``internal_error`` while reading,
    ``parse_failed`` while parsing. A readable file without goals is
    ``unknown_layout``.
    """
    scan = FileScan(path, source_file)
    _test_hook("open", path)
    try:
        opened: list[os.stat_result] = []
        with _mapped(path, opened) as data:
            scan.report_id = file_id(data)
            _test_hook("scan", path)
            pdf = open_checked(path, data, options)
            try:
                for words, facts in text_pages(pdf, options):
                    ocr, _reason = needs_ocr(words, facts, options)
                    scan.pages.append(None if ocr else words)
                    if ocr:
                        scan.ocr_pages.append(words.number - 1)
                    elif not words.words:
                        drawn = facts is not None and (facts.n_images or facts.n_paths)
                        scan.empty_pages[words.number] = "no_text" if drawn else "blank"
            finally:
                pdf.close()
            # pdfium read the file by its path: it must still be the file that was hashed
            unchanged(path, _fingerprint(opened[0]))
    except MalrapportError as e:
        scan.error = (e.kind, one_line(str(e)))
    except pdfium.PdfiumError as e:
        scan.error = ("damaged", one_line(f"the PDF cannot be read: {e}"))
    except Exception as e:  # a bug met on this file: record it, keep the batch going
        scan.error = ("internal_error", one_line(
            f"malrapport failed reading this file (a bug, please report it): {type(e).__name__}: {e}"))
    if scan.error is None and not scan.ocr_pages:
        try:
            scan.report = finish_report(scan, options, defer=defer)
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
def _mapped(path: Path, opened: list | None = None) -> Iterator[bytes | mmap.mmap]:
    """The file's bytes, memory-mapped (a 2 GB scan is not read into memory);
    ``opened`` gets the ``fstat`` of the file that was opened."""
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
        if opened is not None:
            opened.append(os.fstat(fh.fileno()))
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


def ocr_job(path: Path, index: int, options: ExtractOptions,
            report_id: str | None = None) -> tuple[int, PageWords]:
    """OCR one page; with ``report_id``, first check that the file is still the one
    its scan hashed, and after, that it did not change while the page was read."""
    from malrapport.extract.ocr import ocr_page

    _test_hook("ocr", path, index)
    before = verify_file(path, report_id) if report_id is not None else None
    words = ocr_page(path, index, options)
    give_back_memory()
    if before is not None:
        unchanged(path, before)
    return index, words


@functools.cache
def _malloc_trim():
    """glibc's ``malloc_trim``, or None (another C library)."""
    try:
        trim = ctypes.CDLL(None).malloc_trim
    except (OSError, AttributeError):
        return None
    trim.argtypes, trim.restype = (ctypes.c_size_t,), ctypes.c_int
    return trim


def give_back_memory() -> None:
    """Hand the heap an OCR'd page freed back to the system. Its images and tesseract's
    working copies of them (about 55 MB at 300 dpi) are freed when the page is done,
    but glibc keeps them for later: two workers each keeping a page's worth between
    pages would be 110 MB of the batch's memory for nothing. (Not after every job: a
    born-digital report frees little, and taking it back costs page faults.)"""
    trim = _malloc_trim()
    if trim is not None:
        trim(0)


# --- the file must stay the one that was hashed ------------------------------------

CHANGED = ("the file changed while the run was reading it (another program writing or "
           "replacing it?): its words would not match its hash; run again once it is complete")
# Per worker process: (path, fingerprint) → SHA-256 of the file, so that a file's OCR
# pages hash it once per worker, not once per page.
_VERIFIED: dict[tuple[str, tuple], str] = {}


def _fingerprint(st: os.stat_result) -> tuple:
    """What changes when a file is rewritten in place (size, mtime, ctime) or replaced
    (device and inode). ctime cannot be set back by a program: a rewrite always shows."""
    return (st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns, st.st_ctime_ns)


def unchanged(path: Path, before: tuple) -> None:
    """Raise ``changed_during_run`` unless ``path`` is still the file seen as ``before``."""
    try:
        now = _fingerprint(os.stat(path))
    except OSError as e:
        raise ChangedDuringRun(f"{CHANGED} (now: {e.strerror or e})") from e
    if now != before:
        raise ChangedDuringRun(CHANGED)


def verify_file(path: Path, report_id: str) -> tuple:
    """The file's fingerprint, after checking that its bytes hash to ``report_id``."""
    try:
        with open(path, "rb") as fh:
            st = os.fstat(fh.fileno())
            key = (os.fspath(path), _fingerprint(st))
            digest = _VERIFIED.get(key)
            if digest is None:
                digest = hashlib.file_digest(fh, "sha256").hexdigest()
                if len(_VERIFIED) >= 64:
                    _VERIFIED.clear()
                _VERIFIED[key] = digest
    except OSError as e:
        raise ChangedDuringRun(f"{CHANGED} (now: {e.strerror or e})") from e
    if digest != report_id:
        raise ChangedDuringRun(CHANGED)
    return key[1]


# A test-only hook: tests/test_never_wrong.py sets MALRAPPORT_TEST_JOB_HOOK=module:function
# to change a file at the moment a job reads it ("open": a scan job starts, after the
# batch hashed the file; "scan": hashed, not opened yet by pdfium; "ocr": before an OCR
# page job looks at the file). Unset, it costs one environment lookup.
TEST_HOOK_ENV = "MALRAPPORT_TEST_JOB_HOOK"


def _test_hook(stage: str, path: Path, index: int | None = None) -> None:
    spec = os.environ.get(TEST_HOOK_ENV)
    if spec:
        import importlib

        module, _, name = spec.partition(":")
        getattr(importlib.import_module(module), name)(stage, path, index)


@dataclass(frozen=True)
class Unrepaired:
    """A report read but not normalised yet: its text needs repair (OCR, or a text
    layer that lost its diacritics), which waits until the batch's clean reports
    have taught the archive's vocabulary (normalize/learned.py)."""

    report: ReportRecord
    statuses: dict[str, str]
    assessments: dict[str, str]
    ocr_text: bool


def finish_report(scan: FileScan, options: ExtractOptions, learned=None,
                  defer: bool = False) -> ReportRecord | Unrepaired:
    """Parse the pages into a report and normalise it; with ``defer``, a report whose
    text needs repair comes back ``Unrepaired`` (``repair_report`` finishes it)."""
    from malrapport.extract.profile_load import resolve_profiles

    pages = [p for p in scan.pages if p is not None]
    profiles = resolve_profiles(options.profiles)
    readings = read_reports(pages, scan.report_id, scan.source_file, profiles)
    if len(readings) > 1:  # several reports bound into one file: a list of them
        return _several(readings, scan, pages, options, learned, defer)
    reading = readings[0]
    report = reading.report
    if not report.goals:
        raise _unknown_layout(report, pages, options, reading.fits)
    report = _with_empty_page_warnings(report, scan, pages)
    profile = reading.profile
    unrepaired = Unrepaired(report, profile.statuses, profile.assessments, _ocr_text(pages))
    if defer and _waits(unrepaired, options):
        return unrepaired
    return repair_report(unrepaired, options, learned)


def _ocr_text(pages: list[PageWords]) -> bool:
    """The words came from OCR: ours, or a scan's invisible text layer."""
    return any(p.source == "ocr" or any(w.invisible for w in p.words[:20]) for p in pages)


def _waits(unrepaired: Unrepaired, options: ExtractOptions) -> bool:
    """Does the report's text need repair (OCR, or a text layer that lost its diacritics),
    so that it waits for the batch's learned vocabulary?"""
    return unrepaired.ocr_text or _needs_repair(unrepaired.report, options)


def _several(readings, scan: FileScan, pages: list[PageWords], options: ExtractOptions,
             learned=None, defer: bool = False) -> list[ReportRecord | Unrepaired]:
    """The reports of a file that holds several (``extract/pageorder.py``), each with
    its own pages' warnings. With ``defer``, a part whose text needs repair comes back
    ``Unrepaired`` (the clean ones normalised: they teach the batch's vocabulary), so
    that it waits for the batch's vocabulary like a whole report (``repair_report``)."""
    parts = []
    for reading in readings:
        report = reading.report
        own = [p for p in pages if report.first_page <= p.number <= report.last_page]
        report = _with_empty_page_warnings(report, scan, own)
        profile = reading.profile
        parts.append(Unrepaired(report, profile.statuses, profile.assessments, _ocr_text(own)))
    waits = [defer and _waits(u, options) for u in parts]
    return [u if wait else repair_report(u, options, learned) for u, wait in zip(parts, waits)]


def waiting(report) -> bool:
    """A report (or the reports of one file) still to be repaired with the batch's
    vocabulary: ``Unrepaired``, or a list holding one."""
    if isinstance(report, list):
        return any(isinstance(r, Unrepaired) for r in report)
    return isinstance(report, Unrepaired)


def repair_report(unrepaired, options: ExtractOptions, learned=None):
    """Normalise a report read earlier, with what the archive learned (per municipality);
    for the reports of one file (a list), each part still ``Unrepaired`` (the others are
    normalised already)."""
    from malrapport.normalize.records import normalize_report
    from malrapport.normalize.vocabulary import load_vocabulary

    if isinstance(unrepaired, list):
        return [repair_report(u, options, learned) if isinstance(u, Unrepaired) else u
                for u in unrepaired]
    return normalize_report(unrepaired.report, load_vocabulary(list(options.vocab_files)),
                            statuses=unrepaired.statuses, assessments=unrepaired.assessments,
                            ocr_text=unrepaired.ocr_text, learned=learned)


def _needs_repair(report: ReportRecord, options: ExtractOptions) -> bool:
    from malrapport.normalize.records import report_texts
    from malrapport.normalize.repair import get_repairer
    from malrapport.normalize.vocabulary import load_vocabulary

    repairer = get_repairer(load_vocabulary(list(options.vocab_files)))
    return repairer.is_degraded("\n".join(report_texts(report)))


def _with_empty_page_warnings(report: ReportRecord, scan: FileScan,
                              pages: list[PageWords]) -> ReportRecord:
    """An ``empty_page`` warning for each page that yields nothing although it may hold
    goals: a page with images or drawings but no text layer, not read under ``--ocr
    never``; a page OCR read no words on (tesseract timed out, or found none between
    pages with text); a page with no content at all between pages with text (no
    ``/Contents``: a damaged page). A blank first or last page gives none."""
    from dataclasses import replace

    from malrapport.schemas.records import WarningRecord

    with_words = [p.number for p in pages if p.words]
    if not with_words:
        return report
    first, last = min(with_words), max(with_words)
    empty = getattr(scan, "empty_pages", {}) or {}
    out = []
    for p in pages:
        if p.words:
            continue
        inside = first < p.number < last
        if p.source == "ocr":
            soft = p.note and "empty page" not in p.note
            if not (soft or inside):
                continue
            message = (f"page {p.number}: OCR read no words on it ({p.note}); "
                       "its goals and activities, if any, are missing")
        elif empty.get(p.number) == "no_text":
            message = (f"page {p.number} has no text layer, only images or drawings (a scanned "
                       "page?): not read with --ocr never, so its goals and activities are "
                       "missing; run with --ocr auto to read it")
        elif inside:
            message = (f"page {p.number} is empty: it has no content at all (a damaged page, or "
                       "one left blank) between pages with text; goals and activities on it "
                       "are missing")
        else:
            continue
        out.append(WarningRecord(p.number, "empty_page", message))
    return replace(report, warnings=report.warnings + tuple(out)) if out else report


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
