"""A PDF file → positioned words per page, from the text layer or from OCR.

The page-level decision (text layer or OCR) is made by ``triage``; OCR itself
lives in ``ocr``. Both paths return the same ``PageWords``.
"""
from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c

from malrapport.extract import safety
from malrapport.extract.errors import InputFileError
from malrapport.extract.graphics import page_graphics
from malrapport.extract.options import ExtractOptions
from malrapport.extract.orientation import upright_textpage
from malrapport.extract.textlayer import page_to_words
from malrapport.schemas.words import PageWords


def open_pdf(path: Path | None, data, password: str | None) -> pdfium.PdfDocument:
    """Open a PDF, turning every way it can fail into a typed, readable error.

    ``data`` is the file's bytes or an mmap of it (the raw checks read it); pdfium
    opens ``data`` when it is ``bytes``, else the file at ``path``, so a large
    file is never read into memory whole.
    """
    if not len(data):
        raise InputFileError("empty", "the file is empty (0 bytes)")
    if not safety.is_pdf(data):
        if safety.looks_like_pdf_body(data):
            raise InputFileError("damaged", "the PDF is damaged: its first bytes, the %PDF- "
                                            "header, are not intact; get an undamaged copy")
        named = f" with a {path.suffix} name" if path is not None and path.suffix else ""
        raise InputFileError("not_pdf", f"not a PDF: {safety.sniff(data)}{named}")
    safety.check_complete(data)
    if isinstance(data, bytes):
        source = data
    else:
        source = Path(path) if path is not None else bytes(data)
    try:
        return pdfium.PdfDocument(source, password=password)
    except pdfium.PdfiumError as e:
        raise _open_error(e, source, password) from e


def _open_error(e: pdfium.PdfiumError, source, password: str | None) -> InputFileError:
    if _opens_without_pages(source, password):
        return InputFileError("damaged", "the PDF has no pages")
    code = getattr(e, "err_code", None)
    if code == pdfium_c.FPDF_ERR_PASSWORD:
        why = "the password given is wrong" if password else "no password given (use --password)"
        return InputFileError("encrypted", f"the PDF is encrypted: {why}")
    if code == pdfium_c.FPDF_ERR_SECURITY:
        return InputFileError("encrypted", "the PDF is encrypted with a security handler "
                                           "pdfium does not support")
    if code == pdfium_c.FPDF_ERR_FILE:
        return InputFileError("unreadable", f"cannot read the file: {e}")
    return InputFileError("damaged", "the PDF is damaged beyond repair: pdfium cannot read its "
                                     "structure even after rebuilding the cross-reference table")


def _opens_without_pages(source, password: str | None) -> bool:
    """pypdfium2 reports a PDF without pages as a failed load, with a stale error code
    (pdfium keeps the last failure's); loading it raw tells the two apart."""
    pw = None if password is None else password.encode("utf-8") + b"\0"
    if isinstance(source, Path):
        name = str(source).encode("utf-8", "surrogateescape") + b"\0"
        handle = pdfium_c.FPDF_LoadDocument(name, pw)
    else:
        handle = pdfium_c.FPDF_LoadMemDocument64(source, len(source), pw)
    if not handle:
        return False
    pdfium_c.FPDF_CloseDocument(handle)
    return True


def open_checked(path: Path | None, data, options: ExtractOptions) -> pdfium.PdfDocument:
    """``open_pdf`` plus the document-level limits: page count, image sizes, corrupt or bomb streams."""
    pdf = open_pdf(path, data, options.password)
    try:
        safety.check_page_count(pdf, options.max_pages)
        encrypted = pdfium_c.FPDF_GetSecurityHandlerRevision(pdf) != -1
        safety.check_streams(data, options.max_pixels, inflate=not encrypted)
    except BaseException:
        pdf.close()
        raise
    return pdf


def text_pages(pdf: pdfium.PdfDocument, options: ExtractOptions) -> list[tuple[PageWords, object]]:
    """Text-layer words of every page, with cheap page facts (triage in ``auto`` mode;
    under ``never``, whether a page without words holds images or drawings).

    Each page's images are measured first: a page holding an image above
    ``options.max_pixels`` stops the file before anything renders or decodes it.
    Words, rules and marks are in the page's reading frame (``orientation``): upright,
    whatever mix of ``/Rotate`` and content rotation turned the page.
    """
    out = []
    for index in range(len(pdf)):
        try:
            page = pdf[index]
        except pdfium.PdfiumError as e:
            raise InputFileError("damaged", f"page {index + 1} cannot be read: {e}") from e
        try:
            safety.check_page_images(page, index + 1, options.max_pixels)
            textpage, frame, restore = upright_textpage(page)
            words = page_to_words(page, index + 1, textpage, frame)
            rules, marks = page_graphics(page, frame=frame)
            if rules or marks:
                words = replace(words, rules=rules, marks=words.marks + marks)
            facts = None
            if options.ocr != "always":  # never: to tell a blank page from an unread scan
                from malrapport.extract import triage

                facts = triage.page_facts(page, textpage)
            out.append((words, facts))
            textpage.close()
            restore()  # the page dictionary as it was (upright_textpage turned the page)
        finally:
            page.close()
    return out


def needs_ocr(words: PageWords, facts, options: ExtractOptions) -> tuple[bool, str]:
    if options.ocr == "never":
        return False, "ocr disabled"
    if options.ocr == "always":
        return True, "ocr forced"
    from malrapport.extract import triage

    decision = triage.decide(words, facts)
    return decision.ocr, decision.reason
