"""Which way up a born-digital page reads, and turning it that way before it is read.

A page can come out turned in two ways, alone or together: its ``/Rotate``
(turns the displayed page by quarter turns, clockwise) and a rotation in its
content stream (a ``cm`` that draws portrait content sideways on a landscape
MediaBox). pdfium gives character boxes and page objects in the unrotated page
space (PDF points, y up), whatever ``/Rotate`` says, and its text page orders
characters by the lines it sees on the page as displayed, and only on an
upright, unrotated page reliably: with ``/Rotate 90`` it breaks every character
onto a line of its own, with ``/Rotate 180`` it reverses the lines, and on a
landscape page with its content drawn sideways it breaks lines at random.

So each page is read in its **reading frame**: the unrotated page turned
clockwise by the quarter turn that makes most of its characters upright (their
text matrix's own rotation, sampled). That is the displayed orientation whenever
the displayed text is upright (a ``/Rotate`` compensating a content rotation, or
no rotation at all); on a page displayed with its text on its side (``/Rotate
90`` on portrait content, landscape content drawn sideways without a
compensating ``/Rotate``) it is the orientation a reader turns the page to, as
OCR's orientation detection does for a scan. A page without text keeps its
displayed orientation.

``upright_textpage`` turns the loaded page into that frame in memory before its
text page is made (the file is never written): a ``/Rotate`` is set to 0, and
content drawn turned has every top-level page object turned upright and the
MediaBox and CropBox set to the turned page's size. pdfium then sees the page as
it sees an upright original, so words, rules and marks come out as from the
unrotated file, and nothing after word extraction knows the page was turned.
``PageFrame`` maps page space into the frame (points from its top-left, y down).
"""
from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c

# Characters whose rotation is looked at (evenly spread over the page's text): enough
# for a clear majority, ~0.2 ms a page.
TURN_SAMPLE = 64


@dataclass(frozen=True, slots=True)
class PageFrame:
    """Page space (PDF points, y up) → the reading frame (points from its top-left, y down).

    ``turn`` is the clockwise quarter turn (0, 90, 180, 270) from the unrotated page to
    the frame; ``box`` the page's visible box (CropBox within MediaBox) in page space;
    ``width`` and ``height`` the frame's size (swapped for 90 and 270)."""

    turn: int
    box: tuple[float, float, float, float]  # x0, y0, x1, y1 in page space

    @property
    def width(self) -> float:
        x0, y0, x1, y1 = self.box
        return (y1 - y0) if self.turn in (90, 270) else (x1 - x0)

    @property
    def height(self) -> float:
        x0, y0, x1, y1 = self.box
        return (x1 - x0) if self.turn in (90, 270) else (y1 - y0)

    def point(self, x: float, y: float) -> tuple[float, float]:
        x0, y0, x1, y1 = self.box
        t = self.turn
        if t == 0:
            return x - x0, y1 - y
        if t == 90:
            return y - y0, x - x0
        if t == 180:
            return x1 - x, y - y0
        return y1 - y, x1 - x

    def rect(self, left: float, bottom: float, right: float, top: float
             ) -> tuple[float, float, float, float]:
        """A page-space rectangle → (x0, top, x1, bottom) in the frame."""
        ax, ay = self.point(left, bottom)
        bx, by = self.point(right, top)
        return min(ax, bx), min(ay, by), max(ax, bx), max(ay, by)


def page_box(page: pdfium.PdfPage) -> tuple[float, float, float, float]:
    """The page's visible box in page space: its CropBox within its MediaBox, as pdfium
    shows it (pypdfium2's CropBox falls back to the MediaBox)."""
    mx0, my0, mx1, my1 = page.get_mediabox()
    cx0, cy0, cx1, cy1 = page.get_cropbox()
    x0, y0, x1, y1 = max(mx0, cx0), max(my0, cy0), min(mx1, cx1), min(my1, cy1)
    if x1 - x0 <= 0 or y1 - y0 <= 0:  # a CropBox outside the MediaBox: pdfium keeps the MediaBox
        x0, y0, x1, y1 = mx0, my0, mx1, my1
    return min(x0, x1), min(y0, y1), max(x0, x1), max(y0, y1)


def text_turn(textpage: pdfium.PdfTextPage, sample: int = TURN_SAMPLE) -> int | None:
    """The clockwise quarter turn of page space that makes most characters upright (a
    character drawn turned 90° counter-clockwise needs the page turned 90° clockwise);
    None when the page has no characters to tell by."""
    raw = textpage.raw
    count = pdfium_c.FPDFText_CountChars(raw)
    if count <= 0:
        return None
    step = max(1, count // sample)
    votes = [0, 0, 0, 0]
    m = pdfium_c.FS_MATRIX()
    for i in range(0, count, step):
        code = pdfium_c.FPDFText_GetUnicode(raw, i)
        if code <= 32 or chr(code).isspace() or pdfium_c.FPDFText_IsGenerated(raw, i) == 1:
            continue
        if not pdfium_c.FPDFText_GetMatrix(raw, i, m):
            continue
        if abs(m.a) < 1e-9 and abs(m.b) < 1e-9:
            continue
        votes[round(math.degrees(math.atan2(m.b, m.a)) / 90) % 4] += 1
    if not any(votes):
        return None
    return 90 * max(range(4), key=lambda q: (votes[q], q == 0))


def upright_textpage(page: pdfium.PdfPage, textpage: pdfium.PdfTextPage | None = None
                     ) -> tuple[pdfium.PdfTextPage, PageFrame, Callable[[], None]]:
    """The page's text page in the reading frame, the frame (always ``turn`` 0 with its
    box at the origin after turning), and a function that puts back the page
    dictionary's ``/Rotate``, MediaBox and CropBox (the turned objects are the loaded
    page's own: they go with it when it is closed).

    A text page passed in is closed when it has to be made again."""
    tp = textpage if textpage is not None else page.get_textpage()
    shown = page.get_rotation() % 360
    turn = text_turn(tp)
    if turn is None:
        turn = shown  # no text to tell by: as displayed
    box = page_box(page)
    if turn == 0 and shown == 0:
        return tp, PageFrame(0, box), _nothing
    tp.close()
    media, crop = page.get_mediabox(), page.get_cropbox()

    def restore() -> None:
        page.set_mediabox(*media)
        page.set_cropbox(*crop)
        page.set_rotation(shown)

    page.set_rotation(0)
    if turn:
        frame = PageFrame(turn, box)
        m = _upright_matrix(frame)
        raw = page.raw
        for i in range(pdfium_c.FPDFPage_CountObjects(raw)):  # the top-level objects
            pdfium_c.FPDFPageObj_Transform(pdfium_c.FPDFPage_GetObject(raw, i),
                                           m.a, m.b, m.c, m.d, m.e, m.f)
        size = (0.0, 0.0, frame.width, frame.height)
        page.set_mediabox(*size)
        page.set_cropbox(*size)
        box = size
    return page.get_textpage(), PageFrame(0, box), restore


def _nothing() -> None:
    pass


def _upright_matrix(frame: PageFrame) -> pdfium.PdfMatrix:
    """Page space → the frame with y up (PDF's way), as a PDF matrix: x' = a·x + c·y + e,
    y' = b·x + d·y + f."""
    def up(x: float, y: float) -> tuple[float, float]:
        fx, fy = frame.point(x, y)
        return fx, frame.height - fy

    e, f = up(0.0, 0.0)
    ax, bx = up(1.0, 0.0)
    cx, dx = up(0.0, 1.0)
    return pdfium.PdfMatrix(ax - e, bx - f, cx - e, dx - f, e, f)
