"""PDF text layer → positioned words, with pdfium (pdfplumber's own engine).

pypdfium2 gives every character with its box about 15× faster than
pdfplumber's ``extract_words``; we group characters into words ourselves.
Boxes are pdfium's loose character boxes (font ascent to descent), so all
words on a line share one top and bottom, as in pdfplumber. They are in the
page's reading frame (``orientation``): a page turned by ``/Rotate`` or drawn
sideways in its content comes out with its text upright.
"""
from __future__ import annotations

import ctypes
import unicodedata

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c

from malrapport.extract.orientation import PageFrame, page_box
from malrapport.schemas.words import Mark, PageWords, Word

# A gap wider than this fraction of the font size between two characters on one
# line splits a word even without a space character (table cells drawn apart).
WORD_GAP_FACTOR = 0.25
BOLD_WEIGHT = 600
BOLD_NAMES = ("bold", "black", "heavy", "semibold", "demi")
REGULAR_NAMES = ("regular", "light", "book", "thin", "roman", "normal", "medium", "italic",
                 "oblique")
INVISIBLE_RENDER_MODE = 3  # FPDF_TEXTRENDERMODE_INVISIBLE: a scanner's OCR layer
_BREAKS = {" ", "\u00a0", "\t", "\r", "\n", "\x02"}
# pdfium's mark for a hyphen at the end of a line (the line break itself it drops):
# the hyphen is printed, so it stays; joining the lines again is text.join_words' job.
_LINE_END_HYPHEN = "\ufffe"
# Fonts whose letters are pictures (Word's smileys are Wingdings J, K, L).
SYMBOL_FONTS = ("wingdings", "webdings", "dingbats", "symbol")
# Characters that are pictures in any font: circles, squares, faces, stars (not arrows:
# a trend arrow is read as text).
SYMBOL_RANGES = ((0x25A0, 0x25FF), (0x2600, 0x26FF), (0x2B24, 0x2B24), (0x1F300, 0x1FAFF))


def page_to_words(page: pdfium.PdfPage, number: int,
                  textpage: pdfium.PdfTextPage | None = None,
                  frame: PageFrame | None = None) -> PageWords:
    """All words of one page in the text layer's order, in PDF points from the top-left
    of ``frame`` (``orientation.upright_textpage`` gives the text page and frame that
    read a turned page upright; without one, the unrotated page)."""
    if frame is None:
        frame = PageFrame(0, page_box(page))
    tp = textpage if textpage is not None else page.get_textpage()
    text = tp.get_text_range()
    count = tp.count_chars()
    if len(text) != count:  # surrogate pairs: fall back to per-char code points
        text = "".join(chr(pdfium_c.FPDFText_GetUnicode(tp, i)) for i in range(count))
    rect = pdfium_c.FS_RECTF()
    upright = frame.turn == 0  # the common case, without a call per character
    left_edge, top_edge = frame.box[0], frame.box[3]
    words: list[Word] = []
    firsts: list[int] = []  # index of each word's first character
    chars: list[str] = []
    box = [0.0, 0.0, 0.0, 0.0]  # x0, top, x1, bottom
    first = -1
    for i, ch in enumerate(text):
        if ch == _LINE_END_HYPHEN and chars:
            ch = "-"
        elif ch in _BREAKS or not ch.isprintable():
            if chars:
                words.append(_make_word(tp, chars, box, first))
                firsts.append(first)
                chars = []
            continue
        pdfium_c.FPDFText_GetLooseCharBox(tp, i, rect)
        if upright:
            x0, x1 = rect.left - left_edge, rect.right - left_edge
            top, bottom = top_edge - rect.top, top_edge - rect.bottom
        else:
            x0, top, x1, bottom = frame.rect(rect.left, rect.bottom, rect.right, rect.top)
        if chars:
            size = box[3] - box[1]
            # Loose boxes share the font's ascent and descent; where a font gives pdfium
            # none, the boxes are the glyphs' own (a hyphen, a comma sit lower than a
            # digit): a character overlapping the word's height is on its line too.
            same_line = abs(top - box[1]) < 0.5 * size or (
                top < box[3] and bottom > box[1] and x0 - box[2] < WORD_GAP_FACTOR * size
                and min(bottom, box[3]) - max(top, box[1]) > 0.2 * min(size, bottom - top))
            if not same_line or x0 - box[2] > WORD_GAP_FACTOR * size or x0 < box[0]:
                words.append(_make_word(tp, chars, box, first))
                firsts.append(first)
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
        firsts.append(first)
    return PageWords(number=number, width=frame.width, height=frame.height,
                     words=tuple(words), source="text",
                     marks=tuple(_glyph_marks(tp, words, firsts, text, frame)))


def _glyph_marks(tp, words: list[Word], firsts: list[int], text: str, frame: PageFrame) -> list[Mark]:
    """Symbol glyphs as marks, with their font and fill colour (they stay words as well):
    the letters of a word in a symbol font, and picture characters in any font."""
    marks = []
    for word, first in zip(words, firsts):
        symbol_font = word.font and any(f in word.font.lower() for f in SYMBOL_FONTS)
        if not symbol_font and not any(_is_picture(ch) for ch in word.text):
            continue
        i = first
        for ch in word.text:
            while i < len(text) and text[i] != ch:
                i += 1
            if i >= len(text):
                break
            if symbol_font or _is_picture(ch):
                # the glyph's own box (a loose box is as tall as the font: no symbol's shape)
                left, right, bottom, top = (ctypes.c_double() for _ in range(4))
                pdfium_c.FPDFText_GetCharBox(tp, i, ctypes.byref(left), ctypes.byref(right),
                                             ctypes.byref(bottom), ctypes.byref(top))
                r, g, b, a = (ctypes.c_uint() for _ in range(4))
                ok = pdfium_c.FPDFText_GetFillColor(tp, i, r, g, b, a)
                x0, y0, x1, y1 = frame.rect(left.value, bottom.value, right.value, top.value)
                marks.append(Mark(x0, y0, x1, y1, "glyph", colour=(r.value, g.value, b.value) if ok else None,
                                  char=ch, font=word.font))
            i += 1
    return marks


def _is_picture(ch: str) -> bool:
    code = ord(ch)
    return any(lo <= code <= hi for lo, hi in SYMBOL_RANGES)


def _font_name(tp, index: int) -> str:
    buf = ctypes.create_string_buffer(128)
    flags = ctypes.c_int()
    n = pdfium_c.FPDFText_GetFontInfo(tp, index, buf, 128, ctypes.byref(flags))
    name = buf.raw[: max(n - 1, 0)].decode("utf-8", "replace")
    return name.split("+", 1)[-1] if "+" in name[:8] else name


def _make_word(tp, chars: list[str], box: list[float], index: int) -> Word:
    text = unicodedata.normalize("NFC", "".join(chars))
    size = pdfium_c.FPDFText_GetFontSize(tp, index)
    font = _font_name(tp, index)
    lower = font.lower()
    return Word(text=text, x0=box[0], top=box[1], x1=box[2], bottom=box[3],
                size=round(size, 2), bold=_is_bold(tp, index, font), source="text", conf=1.0,
                invisible=_is_invisible(tp, index), font=font,
                italic="italic" in lower or "oblique" in lower)


def _is_bold(tp, index: int, font: str) -> bool:
    """Bold by the font's name; by its weight only when the name says nothing (pdfium
    guesses weights from stem widths: NotoSans-Regular comes out as 625)."""
    name = font.lower()
    if any(mark in name for mark in BOLD_NAMES):
        return True
    if any(mark in name for mark in REGULAR_NAMES):
        return False
    return pdfium_c.FPDFText_GetFontWeight(tp, index) >= BOLD_WEIGHT


def _is_invisible(tp, index: int) -> bool:
    obj = pdfium_c.FPDFText_GetTextObject(tp, index)
    return bool(obj) and pdfium_c.FPDFTextObj_GetTextRenderMode(obj) == INVISIBLE_RENDER_MODE
