"""Checks that keep a hostile or broken file from costing more than it should.

Two kinds of check, both raising ``InputFileError`` with a short kind and a
message a person can act on:

* on the raw bytes, before and beside pdfium: what the file is when it is not a
  PDF (``sniff``), whether it ends early (``check_complete``), whether an image
  is too large or a compressed stream corrupt or a bomb (``check_streams``);
* on the opened document, before any page is rendered or an image decoded: the
  page count (``check_page_count``) and every image's pixel size
  (``check_page_images``), read from the image dictionaries with pypdfium2.

JavaScript and embedded files need no check: pdfium runs scripts only in a form
environment (which nothing here creates, and this pdfium build has no V8), and
attachments are only ever read through calls this project never makes.

The raw checks take ``bytes`` or an ``mmap`` alike, so a 2 GB scan is never
read into memory at once.
"""
from __future__ import annotations

import base64
import ctypes
import re
import zlib

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c

from malrapport.extract.errors import InputFileError

# A non-image stream (page content, fonts, object streams) inflating beyond this
# is a decompression bomb, not a report.
MAX_INFLATED_STREAM = 256 * 2**20
# ASCII85/hex-encoded Flate streams (reportlab writes them) are decoded in memory up to this size.
MAX_TEXT_ENCODED_STREAM = 64 * 2**20
# Image streams may inflate to this many bytes per allowed pixel (16-bit RGBA).
IMAGE_BYTES_PER_PIXEL = 8
# Drawing objects examined per page (forms included) before a page counts as hostile.
MAX_PAGE_OBJECTS = 200_000
# Nested forms deeper than this are not looked into (pdfium stops earlier).
MAX_FORM_DEPTH = 15

_CHUNK = 1 << 20
_HEADER_WINDOW = 1024
_STREAM = re.compile(rb">>\s*stream(?:\r\n|\n|\r)")
_OBJ_NUMBER = re.compile(rb"(\d+)\s+\d+\s+obj\s*$")
_FILTER = re.compile(rb"/Filter\s*(\[[^\]]*\]|/[^\s/<>\[\]()]+)")
_FILTER_NAME = re.compile(rb"/([^\s/<>\[\]()]+)")
_SKIPPED_TYPES = re.compile(rb"/Type\s*/(XRef|EmbeddedFile|Metadata)\b")
_TEXT_FILTERS = {b"ASCII85Decode": "a85", b"A85": "a85", b"ASCIIHexDecode": "hex", b"AHx": "hex"}
_IMAGE = re.compile(rb"/Subtype\s*/Image\b")
_WIDTH = re.compile(rb"/Width\s+(\d{1,12})\b(?!\s+\d+\s+R\b)")
_HEIGHT = re.compile(rb"/Height\s+(\d{1,12})\b(?!\s+\d+\s+R\b)")
_AFTER_EOF = re.compile(rb"\bobj\b|\bxref\b|\btrailer\b|\bstartxref\b")


# --- the raw bytes ---------------------------------------------------------------

def is_pdf(data) -> bool:
    return data[:_HEADER_WINDOW].find(b"%PDF-") >= 0


def looks_like_pdf_body(data) -> bool:
    """No ``%PDF-`` header, but PDF objects inside: a PDF whose first bytes are damaged."""
    return re.search(rb"\d+\s+\d+\s+obj\b", data[:65536]) is not None and b"endobj" in data[:65536]


def sniff(data) -> str:
    """What a file that is not a PDF looks like, for the message: "a Word document (.docx)"."""
    head = bytes(data[:4096])
    if head.startswith(b"PK\x03\x04"):
        for marker, what in ((b"word/", "a Word document (.docx)"),
                             (b"xl/", "an Excel workbook (.xlsx)"),
                             (b"ppt/", "a PowerPoint presentation (.pptx)"),
                             (b"opendocument", "an OpenDocument file (.odt/.ods)")):
            if marker in bytes(data[:65536]):
                return what
        return "a ZIP archive"
    for magic, what in ((b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "an old Office document (.doc/.xls)"),
                        (b"\x89PNG\r\n\x1a\n", "a PNG image"),
                        (b"\xff\xd8\xff", "a JPEG image"),
                        (b"GIF8", "a GIF image"),
                        (b"II*\x00", "a TIFF image"), (b"MM\x00*", "a TIFF image"),
                        (b"{\\rtf", "an RTF document"),
                        (b"%!PS", "a PostScript file"),
                        (b"\x1f\x8b", "a gzip archive"),
                        (b"Rar!", "a RAR archive"), (b"7z\xbc\xaf", "a 7-Zip archive")):
        if head.startswith(magic):
            return what
    stripped = head.lstrip().lower()
    if stripped.startswith((b"<!doctype html", b"<html")):
        return "an HTML page (a failed download?)"
    if stripped.startswith(b"<?xml"):
        return "an XML file"
    text = head.decode("utf-8", "ignore")  # mostly valid UTF-8 (or ASCII with some Latin-1)
    printable = sum(c.isprintable() or c.isspace() for c in text)
    if text and len(text.encode()) >= 0.95 * len(head) and printable >= 0.95 * len(text):
        shown = text if len(text.encode()) == len(head) else head.decode("cp1252", "replace")
        first = shown.strip().splitlines()[0][:40] if shown.strip() else ""
        return f"plain text (starting {first!r})"
    return f"unknown binary data (starting {head[:8]!r})"


def check_complete(data) -> None:
    """Raise ``truncated`` when the file ends early.

    A complete PDF ends with ``%%EOF`` and nothing but white space or stray bytes
    after it. A file cut short (an incomplete download) lacks it, or, when it
    was cut inside an update appended to the file, has objects after it.
    pdfium would often "repair" such a file into fewer pages without a word.
    """
    end = data.rfind(b"%%EOF")
    size = len(data)
    if end < 0:
        raise InputFileError(
            "truncated", f"the PDF is truncated: its {size:,} bytes end without the "
            "end-of-file marker (an incomplete download or copy?); get a complete copy")
    if _AFTER_EOF.search(data[end + 5: end + 5 + _CHUNK]):
        raise InputFileError(
            "truncated", f"the PDF is truncated: an update appended after byte {end + 5:,} "
            "stops before its end-of-file marker; get a complete copy")


def check_streams(data, max_pixels: int, inflate: bool = True) -> None:
    """Look at every stream: image sizes, and (``inflate``) whether Flate data is corrupt or a bomb.

    Every image XObject's ``/Width`` × ``/Height`` is checked against
    ``max_pixels``, wherever it is used (pages, forms, patterns, glyphs,
    annotations), before anything decodes it. Flate streams are inflated with
    the output discarded, memory bounded: pdfium reads a corrupt content stream
    up to the damage and silently drops the rest of the page, so a corrupt
    stream is a ``damaged`` error. Pass ``inflate=False`` for encrypted files
    (their streams do not inflate; their dictionaries are not encrypted).
    """
    pos = 0
    while True:
        m = _STREAM.search(data, pos)
        if m is None:
            return
        start = m.end()
        end = data.find(b"endstream", start)
        if end < 0:
            return  # check_complete already vouched for the end; pdfium copes with the rest
        pos = end + 9
        head = _stream_dict(data, m.start() + 2)
        if head is None or _SKIPPED_TYPES.search(head):
            continue
        image = _IMAGE.search(head) is not None
        label = _object_label(data, head, m.start())
        if image:
            _check_declared_pixels(head, label, max_pixels)
        text_filter = _flate_chain(head) if inflate else None
        if text_filter is None:
            continue
        limit = IMAGE_BYTES_PER_PIXEL * max_pixels + _CHUNK if image else MAX_INFLATED_STREAM
        if text_filter:
            if end - start > MAX_TEXT_ENCODED_STREAM:
                continue
            encoded = _undo_text_filter(text_filter, bytes(data[start:end]), label)
            _inflate(encoded, 0, len(encoded), limit, label)
        else:
            _inflate(data, start, end, limit, label)


def _check_declared_pixels(head: bytes, label: str, max_pixels: int) -> None:
    width, height = _WIDTH.search(head), _HEIGHT.search(head)
    if width and height:  # sizes given by reference are left to check_page_images
        _check_pixels(int(width.group(1)), int(height.group(1)), f"the PDF's {label}", max_pixels)


def _stream_dict(data, dict_end: int) -> bytes | None:
    """The dictionary before a ``stream`` keyword: from its ``obj`` to the ``>>``."""
    window = max(0, dict_end - 8192)
    obj = data.rfind(b"obj", window, dict_end)
    if obj < 0:
        return None
    head = bytes(data[obj + 3: dict_end])
    if b"endobj" in head or b"stream" in head:
        return None
    return head


def _flate_chain(head: bytes) -> str | None:
    """For a Flate stream, the text filter applied before Flate ("" for none, "a85", "hex");
    None for any other filter chain (not checked)."""
    m = _FILTER.search(head)
    if m is None:
        return None
    names = _FILTER_NAME.findall(m.group(1))
    if not names or names[-1] not in (b"FlateDecode", b"Fl"):
        return None
    if len(names) == 1:
        return ""
    if len(names) == 2:
        return _TEXT_FILTERS.get(names[0])
    return None


def _undo_text_filter(kind: str, raw: bytes, label: str) -> bytes:
    body = b"".join(raw.split())
    try:
        if kind == "a85":
            body = body.removeprefix(b"<~").removesuffix(b"~>")
            return base64.a85decode(body)
        body = body.removesuffix(b">")
        return bytes.fromhex((body + b"0" if len(body) % 2 else body).decode("ascii"))
    except ValueError as e:
        raise InputFileError(
            "damaged", f"the PDF is damaged: the encoded data of its {label} is corrupt ({e}), "
            "so text would be lost; get an undamaged copy") from e


def _object_label(data, head: bytes, dict_end: int) -> str:
    obj = data.rfind(b"obj", max(0, dict_end - 8192), dict_end)
    m = _OBJ_NUMBER.search(bytes(data[max(0, obj - 24): obj + 3]))
    what = "image" if _IMAGE.search(head) else "stream"
    return f"{what} object {int(m.group(1))}" if m else f"{what} at byte {dict_end:,}"


def _inflate(data, start: int, end: int, limit: int, label: str) -> None:
    inflater = zlib.decompressobj()
    total = 0
    try:
        for at in range(start, end, _CHUNK):
            buf = data[at: min(at + _CHUNK, end)]
            while buf and not inflater.eof:
                total += len(inflater.decompress(buf, _CHUNK))
                if total > limit:
                    raise InputFileError(
                        "stream_too_large", f"the PDF's {label} inflates to more than "
                        f"{limit // 2**20:,} MB: refused as a possible decompression bomb")
                buf = inflater.unconsumed_tail
            if inflater.eof:
                return
    except zlib.error as e:
        raise InputFileError(
            "damaged", f"the PDF is damaged: the compressed data of its {label} is corrupt "
            f"({e}), so text would be lost; get an undamaged copy") from e


# --- the opened document ---------------------------------------------------------

def check_page_count(pdf: pdfium.PdfDocument, max_pages: int) -> None:
    pages = len(pdf)
    if pages > max_pages:
        raise InputFileError(
            "too_many_pages", f"the PDF has {pages:,} pages, more than the limit of "
            f"{max_pages:,} (reports have tens to hundreds); not read")


def check_page_images(page: pdfium.PdfPage, number: int, max_pixels: int) -> None:
    """Refuse a page holding an image above ``max_pixels``, before anything decodes it.

    The pixel size comes from the image dictionary (FPDFImageObj_GetImagePixelSize);
    nested form XObjects are looked into, with a budget on the objects visited.
    """
    budget = [MAX_PAGE_OBJECTS]
    count, get = pdfium_c.FPDFPage_CountObjects, pdfium_c.FPDFPage_GetObject
    _check_objects(page, count, get, 0, number, max_pixels, budget)


def _check_objects(parent, count, get, depth: int, number: int, max_pixels: int,
                   budget: list[int]) -> None:
    n = count(parent)
    budget[0] -= max(n, 0)
    if budget[0] < 0:
        raise InputFileError(
            "too_complex", f"page {number} has more than {MAX_PAGE_OBJECTS:,} drawing objects; "
            "not read")
    width, height = ctypes.c_uint(), ctypes.c_uint()
    for i in range(max(n, 0)):
        obj = get(parent, i)
        if not obj:
            continue
        kind = pdfium_c.FPDFPageObj_GetType(obj)
        if kind == pdfium_c.FPDF_PAGEOBJ_IMAGE:
            if pdfium_c.FPDFImageObj_GetImagePixelSize(obj, width, height):
                _check_pixels(width.value, height.value, f"an image on page {number}", max_pixels)
        elif kind == pdfium_c.FPDF_PAGEOBJ_FORM and depth < MAX_FORM_DEPTH:
            _check_objects(obj, pdfium_c.FPDFFormObj_CountObjects, pdfium_c.FPDFFormObj_GetObject,
                           depth + 1, number, max_pixels, budget)


def _check_pixels(width: int, height: int, where: str, max_pixels: int) -> None:
    if width * height > max_pixels:
        raise InputFileError(
            "image_too_large", f"{where} is {width:,} × {height:,} pixels "
            f"({width * height / 1e6:,.0f} megapixels), above the limit of {max_pixels:,} pixels "
            "(--max-pixels): refused as a possible decompression bomb")
