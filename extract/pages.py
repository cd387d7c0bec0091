"""A PDF file → positioned words per page, from the text layer or from OCR.

The page-level decision (text layer or OCR) is made by ``triage``; OCR itself
lives in ``ocr``. Both paths return the same ``PageWords``.
"""
from __future__ import annotations

from pathlib import Path

import pypdfium2 as pdfium

from malrapport.extract.errors import InputFileError
from malrapport.extract.options import ExtractOptions
from malrapport.extract.textlayer import page_to_words
from malrapport.schemas.words import PageWords


def open_pdf(path: Path, data: bytes, password: str | None) -> pdfium.PdfDocument:
    """Open a PDF from its bytes, turning pdfium's failures into a typed, readable error."""
    if not data:
        raise InputFileError("empty", "the file is empty (0 bytes)")
    if b"%PDF" not in data[:1024]:
        raise InputFileError("not_pdf", f"not a PDF (starts with {data[:8]!r})")
    try:
        return pdfium.PdfDocument(data, password=password)
    except pdfium.PdfiumError as e:
        text = str(e).lower()
        if "password" in text:
            why = "wrong password" if password else "no password given (use --password)"
            raise InputFileError("encrypted", f"the PDF is encrypted: {why}") from e
        raise InputFileError("damaged", f"the PDF cannot be read: {e}") from e


def text_pages(pdf: pdfium.PdfDocument, options: ExtractOptions) -> list[tuple[PageWords, object]]:
    """Text-layer words of every page, with cheap page facts for triage in ``auto`` mode."""
    out = []
    for index in range(len(pdf)):
        page = pdf[index]
        textpage = page.get_textpage()
        words = page_to_words(page, index + 1, textpage)
        facts = None
        if options.ocr == "auto":
            from malrapport.extract import triage

            facts = triage.page_facts(page, textpage)
        out.append((words, facts))
        textpage.close()
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


def pdf_to_pages(path: Path, data: bytes, options: ExtractOptions) -> list[PageWords]:
    """Every page's words, OCR'd where the text layer is missing or unusable."""
    from malrapport.extract.ocr import ocr_page

    pdf = open_pdf(path, data, options.password)
    try:
        pages = []
        for words, facts in text_pages(pdf, options):
            ocr, reason = needs_ocr(words, facts, options)
            pages.append(ocr_page(path, words.number - 1, options) if ocr else words)
        return pages
    finally:
        pdf.close()
