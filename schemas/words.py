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
    font: str = ""  # the text layer's font name (subset prefix dropped); "" for OCR
    italic: bool = False  # from the font (OCR cannot tell)

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
class Rule:
    """A ruling line: a table border or a rule between rows, in points from the top-left."""

    x0: float
    top: float
    x1: float
    bottom: float

    @property
    def horizontal(self) -> bool:
        return (self.x1 - self.x0) >= (self.bottom - self.top)

    @property
    def y(self) -> float:
        return (self.top + self.bottom) / 2

    @property
    def x(self) -> float:
        return (self.x0 + self.x1) / 2


@dataclass(frozen=True, slots=True)
class Mark:
    """A symbol that is no word: a coloured circle, a smiley, a triangle, a symbol-font glyph.

    ``kind`` says where it came from: ``shape`` (a filled vector path), ``image``
    (a small picture), ``glyph`` (a character of a symbol font, or a symbol
    character such as ●), ``pixels`` (ink of a scanned page). ``colour`` is its
    fill (RGB 0-255), ``thumb`` an 8×8 grey picture of it for telling shapes apart.
    """

    x0: float
    top: float
    x1: float
    bottom: float
    kind: str
    colour: tuple[int, int, int] | None = None
    shape: str = ""  # round | square | triangle_up | triangle_down | other
    char: str = ""  # glyph: the character in the text layer
    font: str = ""  # glyph: the font's name
    thumb: tuple[int, ...] = ()
    tilt: float = 0.0  # pixels: where its ink sits, -0.5 top to 0.5 bottom (an arrow's head)
    in_colour: bool = False  # pixels: of a scan stored in colour (a grey there is a real grey)

    @property
    def xmid(self) -> float:
        return (self.x0 + self.x1) / 2

    @property
    def squarish(self) -> bool:
        """About as wide as tall: a symbol, not an arrow or a dash."""
        w, h = self.x1 - self.x0, self.bottom - self.top
        return max(w, h) <= 1.8 * max(min(w, h), 0.01)

    @property
    def ymid(self) -> float:
        return (self.top + self.bottom) / 2


@dataclass(frozen=True, slots=True)
class PageWords:
    """All words of one page, in reading order as extracted, with its rules and marks."""

    number: int  # 1-based
    width: float
    height: float
    words: tuple[Word, ...]
    source: Source = "text"
    note: str = ""  # why this source was chosen (triage reason), or a soft OCR failure
    errors: tuple[str, ...] = field(default=())
    rules: tuple[Rule, ...] = field(default=())
    marks: tuple[Mark, ...] = field(default=())
