"""Table rows from lines, with columns taken from the header row's word positions.

An activity row's first line has title words in the title column and a status
phrase in the status column or a date in a date column. The row goes on over
the next lines of the same paragraph that stay inside the title and status
columns (wrapped titles, wrapped statuses). Text that runs across the column
boundaries is description or comment text, never a row.
"""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

from rapidfuzz import fuzz

from malrapport.extract.blocks import Column, TableHeader
from malrapport.extract.layout import Line
from malrapport.normalize.labels import STATUSES, fold
from malrapport.schemas.words import Word

DATE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")
OCR_DATE = re.compile(r"^[\dOolI|]{4}-[\dOolI|]{2}-[\dOolI|]{2}$")
DATE_DIGITS = str.maketrans("OolI|", "00111")
DATE_MARKS = "<>«»()[]|.,:;'\"`´‘’“”-—–~_"
DATE_COLUMNS = ("start", "end")
# Column boundaries sit this many font sizes left of the next header word, so that
# an icon or a little indent before a cell's text still falls inside the column.
BOUNDARY_PAD = 1.2
ROW_SIZE_TOLERANCE = 0.05
OCR_ROW_SIZE_TOLERANCE = 0.08
# Neighbouring cells stand at least this many font sizes apart; closer words
# are one run of text that merely crosses a column boundary.
CELL_GAP = 0.8
STATUS_SIMILARITY = 80
# A wrapped status shows only its first words on the row's first line.
_STATUS_PREFIXES = sorted({" ".join(fold(s).split()[:n]) for s in STATUSES
                           for n in range(1, len(s.split()) + 1)} - {"ej"})


@dataclass
class Row:
    cells: dict[str, list[str]] = field(default_factory=dict)
    lines: list[Line] = field(default_factory=list)

    def text(self, column: str) -> str:
        return " ".join(self.cells.get(column, []))

    @property
    def words(self) -> list[Word]:
        return [w for line in self.lines for w in line.words]


def parse_date(text: str) -> dt.date | None:
    """An ISO date, also as OCR reads it: glued marks (``<2022-03-01``), O for 0, l for 1."""
    text = text.strip().strip(DATE_MARKS)
    if OCR_DATE.match(text):
        text = text.translate(DATE_DIGITS)
    m = DATE.match(text)
    if not m:
        return None
    try:
        return dt.date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
    except ValueError:
        return None


def _boundaries(header: TableHeader, size: float) -> list[tuple[Column, float, float]]:
    cols = sorted(header.columns, key=lambda c: c.x0)
    spans = []
    for i, col in enumerate(cols):
        left = float("-inf") if i == 0 else col.x0 - BOUNDARY_PAD * size
        right = float("inf") if i == len(cols) - 1 else cols[i + 1].x0 - BOUNDARY_PAD * size
        spans.append((col, left, right))
    return spans


def split_line(line: Line, header: TableHeader) -> dict[str, list[Word]] | None:
    """Words of a line by column, or None when the line runs across a column boundary."""
    spans = _boundaries(header, line.size)
    dates = [c for c in header.columns if c.name in DATE_COLUMNS]
    cells: dict[str, list[Word]] = {}
    placed: list[tuple[Word, str]] = []
    for word in line.words:
        if dates and parse_date(word.text):
            col = min(dates, key=lambda c: abs((c.x0 + c.x1) / 2 - word.xmid))
            if abs((col.x0 + col.x1) / 2 - word.xmid) < 3 * (col.x1 - col.x0) + 20:
                cells.setdefault(col.name, []).append(word)
                placed.append((word, col.name))
                continue
        for col, left, right in spans:
            if left <= word.x0 < right:
                if col.name in DATE_COLUMNS and not any(c.isalnum() for c in word.text):
                    break  # a speck or dash beside a date: noise, not a cell
                if word.x1 > right + BOUNDARY_PAD * line.size or col.name in DATE_COLUMNS:
                    return None  # straddles into the next column, or words among dates: running text
                cells.setdefault(col.name, []).append(word)
                placed.append((word, col.name))
                break
    for (prev, a), (word, b) in zip(placed, placed[1:]):
        if a != b and word.x0 - prev.x1 < CELL_GAP * line.size:
            return None  # no gutter between the two columns: one run of text
    return cells


def _looks_like_status(words: list[Word]) -> bool:
    """True when the words read as a status label or its first words (a wrapped status)."""
    text = fold(" ".join(w.text for w in words if any(c.isalpha() for c in w.text)))
    return len(text) >= 3 and any(fuzz.ratio(text, prefix) >= STATUS_SIMILARITY
                                  for prefix in _STATUS_PREFIXES)


def starts_row(cells: dict[str, list[Word]] | None, header: TableHeader) -> bool:
    if not cells or not cells.get("title"):
        return False
    if any(k in cells for k in DATE_COLUMNS):
        return True
    return "status" in cells and _looks_like_status(cells["status"])


def _continues_row(row: "Row", line: Line, cells: dict[str, list[Word]] | None) -> bool:
    """A wrapped title or status: inside those columns, in the row's font size.

    The rest of a status cut short (``Pågående enligt`` / ``plan``) always
    continues the row; OCR sizes are estimates, so they get a wider tolerance.
    """
    if not cells or not set(cells) <= {"title", "status"}:
        return False
    if "status" in cells and _status_incomplete(row.text("status")):
        return True
    first = row.lines[0]
    ocr = any(w.approximate for w in line.words)
    tolerance = OCR_ROW_SIZE_TOLERANCE if ocr else ROW_SIZE_TOLERANCE
    return abs(line.size - first.size) <= tolerance * first.size


def _status_incomplete(text: str) -> bool:
    """The status so far is the first words of a label, not a whole one."""
    folded = fold(" ".join(w for w in text.split() if any(c.isalpha() for c in w)))
    if not folded:
        return False
    whole = max(fuzz.ratio(folded, fold(s)) for s in STATUSES)
    partial = max(fuzz.ratio(folded, p) for p in _STATUS_PREFIXES)
    return partial >= STATUS_SIMILARITY and partial > whole


def lines_to_rows(lines: list[Line], header: TableHeader) -> list[Row | Line]:
    """Split a paragraph's lines into activity rows and plain text lines."""
    out: list[Row | Line] = []
    current: Row | None = None
    for line in lines:
        cells = split_line(line, header)
        if starts_row(cells, header):
            current = Row()
            out.append(current)
        elif current is None or not _continues_row(current, line, cells):
            current = None
            out.append(line)
            continue
        current.lines.append(line)
        for name, words in cells.items():
            current.cells.setdefault(name, []).extend(w.text for w in words)
    return out


def measure_cells(line: Line, header: TableHeader) -> dict[str, str] | None:
    """A measures-table line as name/target/outcome, or None if it is running text."""
    cells = split_line(line, header)
    if cells is None or not cells.get("name"):
        return None
    return {k: " ".join(w.text for w in v) for k, v in cells.items()}
