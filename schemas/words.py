"""The positioned word: what both the PDF text layer and OCR turn a page into.

Everything after word extraction (layout, parsing, normalisation) sees only these
types, never pdfium, pdfplumber or pytesseract objects. Coordinates are PDF
points with the origin at the page's top-left corner, as in pdfplumber.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

Source = Literal["text", "ocr"]


@dataclass(frozen=True, slots=True)
class Word:
    text: str
    x0: float
    top: float
    x1: float
    bottom: float
    size: float = 10.0  # font size in points (for OCR: estimated from the word's height)
    bold: bool = False
    source: Source = "text"
    conf: float = 1.0  # 0-1; 1.0 for a clean text layer
    invisible: bool = False  # text-layer word drawn invisibly (a scanner's OCR layer)

    @property
    def approximate(self) -> bool:
        """Box and size come from an OCR engine (ours, or the one that wrote an
        invisible text layer), so they are estimates: layout allows for noise."""
        return self.source == "ocr" or self.invisible

    @property
    def height(self) -> float:
        return self.bottom - self.top

    @property
    def xmid(self) -> float:
        return (self.x0 + self.x1) / 2

    @property
    def ymid(self) -> float:
        return (self.top + self.bottom) / 2


@dataclass(frozen=True, slots=True)
class PageWords:
    """All words of one page, in reading order as extracted."""

    number: int  # 1-based
    width: float
    height: float
    words: tuple[Word, ...]
    source: Source = "text"
    note: str = ""  # why this source was chosen (triage reason), or a soft OCR failure
    errors: tuple[str, ...] = field(default=())
