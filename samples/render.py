"""Drawing primitives and a small flowing layout on a reportlab canvas.

The sample reports need exact control over where lines wrap and where a
page breaks (tables run across pages, descriptions split mid-paragraph),
so this module does its own layout instead of using platypus.  ``Flow.y``
is the top of the next line in reportlab points (origin bottom-left); a
page is full when ``y`` would pass the bottom margin.
"""
from __future__ import annotations

import io
from dataclasses import dataclass, field
from typing import Callable

from reportlab.lib.pagesizes import A4
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas

from malrapport.normalize.labels import ASSESSMENTS, STATUSES

PAGE_W, PAGE_H = A4


def sample_canvas(gold: dict, creator: str) -> tuple[Canvas, io.BytesIO]:
    """A reproducible A4 canvas (reportlab's ``invariant``: fixed dates and /ID) with the
    report's title, body and municipality as the PDF's metadata, and the buffer it fills."""
    buf = io.BytesIO()
    canvas = Canvas(buf, pagesize=A4, invariant=1, pageCompression=1)
    report = gold["report"]
    canvas.setTitle(report["title"])
    canvas.setAuthor(report["municipality"])
    canvas.setSubject(report["body"])
    canvas.setCreator(creator)
    return canvas, buf


def two_passes(draw: Callable[[dict, int], tuple[bytes, int]], gold: dict) -> bytes:
    """``draw(gold, total_pages)`` twice: the first pass counts the pages for the
    ``Sida N av M`` footers, the second prints them."""
    _, pages = draw(gold, 0)
    data, again = draw(gold, pages)
    if again != pages:
        raise RuntimeError(f"page count changed between passes: {pages} -> {again}")
    return data

BOLD = {"Helvetica": "Helvetica-Bold", "Times-Roman": "Times-Bold"}

# The labels as printed, by key: the vocabulary of FORMAT.md, kept in one place.
STATUS_LABELS = {key: label for label, key in STATUSES.items()}
STATUS_COLORS = {
    "ej_paborjad": (0.78, 0.78, 0.78),
    "pagaende_enligt_plan": (0.30, 0.69, 0.31),
    "pagaende_med_avvikelse": (0.98, 0.76, 0.18),
    "avslutad_enligt_plan": (0.16, 0.44, 0.74),
    "avslutad_med_avvikelse": (0.85, 0.26, 0.22),
    "vantelage": (0.58, 0.46, 0.72),
}
ASSESSMENT_LABELS = {key: label for label, key in ASSESSMENTS.items()}
ASSESSMENT_COLORS = {
    "uppfyllt": (0.30, 0.69, 0.31),
    "delvis_uppfyllt": (0.98, 0.85, 0.20),
    "knappt_uppfyllt": (0.96, 0.55, 0.15),
    "ej_uppfyllt": (0.85, 0.20, 0.18),
    "saknas": (0.62, 0.62, 0.62),
}


@dataclass(frozen=True)
class Style:
    """Everything that varies in look between reports."""

    font: str = "Helvetica"
    size: float = 10.0  # body text and table cells
    small: float = 9.0  # text under a table row
    h1: float = 16.0
    h2: float = 13.0
    h3: float = 11.5
    leading: float = 1.28
    margins: tuple[float, float, float, float] = (62, 56, 62, 70)  # l, r, t, b
    # Column starts as fractions of the text width (None: no such column).
    status_col: float | None = 0.60
    start_col: float | None = None
    end_col: float = 0.84
    hanging_headings: bool = False
    chapter_new_page: bool = True
    rules: bool = True
    running: dict = field(default_factory=dict)
    # Labels printed in other words ({"Bedömning": "Måluppfyllelse"}): the same report
    # as another template would print it, to test what a parser does with new words.
    words: dict = field(default_factory=dict)

    @property
    def bold(self) -> str:
        return BOLD[self.font]

    def say(self, label: str) -> str:
        """A label as this report prints it."""
        return self.words.get(label, label)

    @classmethod
    def from_dict(cls, d: dict) -> "Style":
        d = dict(d)
        if "margins" in d:
            d["margins"] = tuple(d["margins"])
        return cls(**d)


def check_encodable(text: str) -> str:
    """Standard PDF fonts use WinAnsi; fail early on anything else."""
    text.encode("cp1252")
    return text


def wrap(text: str, font: str, size: float, width: float) -> list[str]:
    """Greedy word wrap; a word longer than the width gets a line of its own."""
    lines: list[str] = []
    current = ""
    for word in text.split():
        trial = f"{current} {word}" if current else word
        if current and stringWidth(trial, font, size) > width:
            lines.append(current)
            current = word
        else:
            current = trial
    if current:
        lines.append(current)
    return lines or [""]


class Flow:
    """A cursor moving down the pages of one canvas.

    ``running(canvas, page_no)`` draws the running header and footer of a
    finished page.  ``repeat`` (set while a table is open) redraws the
    table's header row at the top of every continuation page.
    """

    def __init__(self, canvas: Canvas, style: Style,
                 running: Callable[[Canvas, int], None]):
        self.c = canvas
        self.s = style
        self.running = running
        self.page = 1
        self.repeat: Callable[["Flow"], None] | None = None
        self.y = self.top

    # geometry -----------------------------------------------------------
    @property
    def left(self) -> float:
        return self.s.margins[0]

    @property
    def right(self) -> float:
        return PAGE_W - self.s.margins[1]

    @property
    def width(self) -> float:
        return self.right - self.left

    @property
    def top(self) -> float:
        return PAGE_H - self.s.margins[2]

    @property
    def bottom(self) -> float:
        return self.s.margins[3]

    def col(self, fraction: float) -> float:
        return self.left + fraction * self.width

    def lead(self, size: float) -> float:
        return size * self.s.leading

    # paging -------------------------------------------------------------
    def fits(self, height: float) -> bool:
        return self.y - height >= self.bottom

    def ensure(self, height: float) -> None:
        if not self.fits(height):
            self.new_page()

    def new_page(self) -> None:
        self.running(self.c, self.page)
        self.c.showPage()
        self.page += 1
        self.y = self.top
        if self.repeat is not None:
            self.repeat(self)

    def finish(self) -> int:
        self.running(self.c, self.page)
        self.c.showPage()
        return self.page

    def skip(self, height: float) -> None:
        self.y = max(self.y - height, self.bottom)

    # text ---------------------------------------------------------------
    def text_at(self, x: float, y: float, text: str, font: str,
                size: float) -> None:
        """Draw one line whose top is at ``y`` (top-down)."""
        self.c.setFont(font, size)
        self.c.drawString(x, y - size, check_encodable(text))

    def line(self, text: str, font: str, size: float, x: float | None = None) -> None:
        self.ensure(self.lead(size))
        self.text_at(self.left if x is None else x, self.y, text, font, size)
        self.y -= self.lead(size)

    def paragraph(self, text: str, font: str | None = None,
                  size: float | None = None, indent: float = 0.0,
                  after: float = 4.0) -> None:
        """Wrapped text; every line checks the page, so it may split."""
        font = font or self.s.font
        size = size or self.s.size
        for part in text.split("\n"):
            hang = 0.0
            if part.startswith("• "):  # a bullet line: the text hangs after it
                hang = stringWidth("• ", font, size) + size * 0.6
                part = part[2:]
            for i, ln in enumerate(wrap(part, font, size, self.width - indent - hang)):
                self.ensure(self.lead(size))
                if hang and i == 0:
                    self.text_at(self.left + indent, self.y, "•", font, size)
                self.line(ln, font, size, self.left + indent + hang)
            self.skip(after)

    def heading(self, number: str | None, title: str, size: float,
                keep: float = 0.0, before: float = 8.0) -> None:
        """A bold numbered heading; wrapped lines do not repeat the number."""
        font = self.s.bold
        label = f"{number} " if number else ""
        gap = stringWidth(label, font, size) if self.s.hanging_headings else 0
        first_w = self.width - stringWidth(label, font, size)
        lines = wrap(title, font, size, first_w if not gap else self.width - gap)
        if not gap:  # flush-left continuation: rewrap the rest at full width
            head = lines[0]
            rest = title[len(head):].strip()
            lines = [head] + (wrap(rest, font, size, self.width) if rest else [])
        height = before + len(lines) * self.lead(size) + keep
        if not self.fits(height):
            self.new_page()
        elif self.y < self.top:
            self.skip(before)
        for i, ln in enumerate(lines):
            x = self.left + (gap if i else 0)
            self.text_at(x, self.y, (label + ln) if i == 0 else ln, font, size)
            self.y -= self.lead(size)
        self.skip(3)

    def rule(self, gray: float = 0.7, width: float = 0.5) -> None:
        if not self.s.rules:
            return
        self.c.setStrokeGray(gray)
        self.c.setLineWidth(width)
        self.c.line(self.left, self.y + 1.5, self.right, self.y + 1.5)
        self.c.setStrokeGray(0)

    # icons --------------------------------------------------------------
    def dot(self, x: float, y_top: float, size: float,
            rgb: tuple[float, float, float]) -> float:
        """A filled circle centred on a text line; returns its width + gap."""
        r = size * 0.36
        self.c.setFillColorRGB(*rgb)
        self.c.setStrokeColorRGB(*(v * 0.7 for v in rgb))
        self.c.setLineWidth(0.4)
        self.c.circle(x + r, y_top - size * 0.62, r, stroke=1, fill=1)
        self.c.setFillColorRGB(0, 0, 0)
        self.c.setStrokeColorRGB(0, 0, 0)
        return 2 * r + size * 0.4

    def labelled_dot(self, x: float, text: str, rgb, font: str,
                     size: float) -> None:
        """One line: coloured circle then text (an assessment or status)."""
        self.ensure(self.lead(size))
        dx = self.dot(x, self.y, size, rgb)
        self.text_at(x + dx, self.y, text, font, size)
        self.y -= self.lead(size)
