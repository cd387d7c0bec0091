"""PDF text layer → positioned words, with pdfium (pdfplumber's own engine).

pypdfium2 gives every character with its box about 15× faster than
pdfplumber's ``extract_words``; we group characters into words ourselves.
Boxes are pdfium's loose character boxes (font ascent to descent), so all
words on a line share one top and bottom, as in pdfplumber.
"""
from __future__ import annotations

import ctypes
import unicodedata

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c

from malrapport.schemas.words import PageWords, Word

# A gap wider than this fraction of the font size between two characters on one
# line splits a word even without a space character (table cells drawn apart).
WORD_GAP_FACTOR = 0.25
BOLD_WEIGHT = 600
INVISIBLE_RENDER_MODE = 3  # FPDF_TEXTRENDERMODE_INVISIBLE: a scanner's OCR layer
_BREAKS = {" ", "\u00a0", "\t", "\r", "\n", "\ufffe", "\x02"}


def page_to_words(page: pdfium.PdfPage, number: int,
                  textpage: pdfium.PdfTextPage | None = None) -> PageWords:
    """All words of one page in the text layer's order, in PDF points from top-left."""
    height = page.get_height()
    tp = textpage if textpage is not None else page.get_textpage()
    text = tp.get_text_range()
    count = tp.count_chars()
    if len(text) != count:  # surrogate pairs: fall back to per-char code points
        text = "".join(chr(pdfium_c.FPDFText_GetUnicode(tp, i)) for i in range(count))
    rect = pdfium_c.FS_RECTF()
    words: list[Word] = []
    chars: list[str] = []
    box = [0.0, 0.0, 0.0, 0.0]  # x0, top, x1, bottom
    first = -1
    for i, ch in enumerate(text):
        if ch in _BREAKS or not ch.isprintable():
            if chars:
                words.append(_make_word(tp, chars, box, first))
                chars = []
            continue
        pdfium_c.FPDFText_GetLooseCharBox(tp, i, rect)
        x0, x1 = rect.left, rect.right
        top, bottom = height - rect.top, height - rect.bottom
        if chars:
            size = box[3] - box[1]
            same_line = abs(top - box[1]) < 0.5 * size
            if not same_line or x0 - box[2] > WORD_GAP_FACTOR * size or x0 < box[0]:
                words.append(_make_word(tp, chars, box, first))
                chars = []
        if not chars:
            box = [x0, top, x1, bottom]
            first = i
        else:
            box[2] = max(box[2], x1)
            box[1] = min(box[1], top)
            box[3] = max(box[3], bottom)
        chars.append(ch)
    if chars:
        words.append(_make_word(tp, chars, box, first))
    return PageWords(number=number, width=page.get_width(), height=height,
                     words=tuple(words), source="text")


def _make_word(tp, chars: list[str], box: list[float], index: int) -> Word:
    text = unicodedata.normalize("NFC", "".join(chars))
    size = pdfium_c.FPDFText_GetFontSize(tp, index)
    return Word(text=text, x0=box[0], top=box[1], x1=box[2], bottom=box[3],
                size=round(size, 2), bold=_is_bold(tp, index), source="text", conf=1.0,
                invisible=_is_invisible(tp, index))


def _is_invisible(tp, index: int) -> bool:
    obj = pdfium_c.FPDFText_GetTextObject(tp, index)
    return bool(obj) and pdfium_c.FPDFTextObj_GetTextRenderMode(obj) == INVISIBLE_RENDER_MODE


def _is_bold(tp, index: int) -> bool:
    if pdfium_c.FPDFText_GetFontWeight(tp, index) >= BOLD_WEIGHT:
        return True
    buf = ctypes.create_string_buffer(128)
    flags = ctypes.c_int()
    n = pdfium_c.FPDFText_GetFontInfo(tp, index, buf, 128, ctypes.byref(flags))
    name = buf.raw[: max(n - 1, 0)].decode("utf-8", "replace").lower()
    return any(mark in name for mark in ("bold", "black", "heavy", "semibold", "demi"))
