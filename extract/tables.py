"""Table rows from lines, with columns taken from the header row's word positions.

An activity row's first line has title words in the title column and a status
phrase in the status column or a date in a date column. The row goes on over
the next lines of the same paragraph that stay inside the wrapping columns
(title, status, responsible: wrapped titles, statuses, units). Text that runs
across the column boundaries is description or comment text, never a row.
The status vocabulary is the profile's.
"""
from __future__ import annotations

from dataclasses import dataclass, field, replace
from functools import lru_cache

from rapidfuzz import fuzz

from malrapport.extract.blocks import Column, TableHeader
from malrapport.extract.dates import parse_date
from malrapport.extract.layout import Line
from malrapport.extract.text import folded_labels, join_words
from malrapport.normalize.labels import fold
from malrapport.schemas.words import Word

DATE_COLUMNS = ("start", "end")
# Columns whose cells wrap onto the row's next lines.
WRAPPING_COLUMNS = frozenset({"title", "status", "responsible", "?"})
# Column boundaries sit this many font sizes left of the next header word, so that
# an icon or a little indent before a cell's text still falls inside the column.
BOUNDARY_PAD = 1.2
ROW_SIZE_TOLERANCE = 0.05
OCR_ROW_SIZE_TOLERANCE = 0.08
# OCR's size of a line of one or two words is an estimate from few letters.
OCR_SHORT_LINE_TOLERANCE = 0.2
# Neighbouring cells stand at least this many font sizes apart; closer words
# are one run of text that merely crosses a column boundary.
CELL_GAP = 0.8
STATUS_SIMILARITY = 80


@lru_cache(maxsize=64)
def _status_prefixes(statuses: tuple[str, ...], short: bool = False) -> tuple[str, ...]:
    """A wrapped status shows only its first words on the row's first line. ``Ej``
    alone says too little to start a row, but may be the start of a wrapped status."""
    prefixes = {" ".join(fold(s).split()[:n]) for s in statuses
                for n in range(1, len(s.split()) + 1)}
    return tuple(sorted(prefixes if short else prefixes - {"ej"}))


def _has_letters(text: str) -> bool:
    return any(c.isalpha() for c in text)


def _letters_folded(texts) -> str:
    """The words that hold a letter (no icon, no bullet), folded: what a status reads as."""
    return fold(" ".join(t for t in texts if _has_letters(t)))


@dataclass
class Row:
    cells: dict[str, list[str]] = field(default_factory=dict)
    lines: list[Line] = field(default_factory=list)

    def text(self, column: str) -> str:
        return join_words(self.cells.get(column, []))

    @property
    def words(self) -> list[Word]:
        return [w for line in self.lines for w in line.words]

    def extend(self, other: "Row") -> None:
        """The rest of this row, from the next page."""
        self.lines.extend(other.lines)
        for name, texts in other.cells.items():
            self.cells.setdefault(name, []).extend(texts)


def band_to_row(band, header: TableHeader) -> "Row":
    """A ruled table's band as a row: each cell to the header column it lies under
    (most overlap); a band without vertical rules split by the header's positions."""
    row = Row(lines=list(band.lines))
    if len(band.cells) > 1:
        for cell in band.cells:
            col = max(header.columns, key=lambda c: _overlap(c, cell.x0, cell.x1))
            if _overlap(col, cell.x0, cell.x1) <= 0 or col.name == "?":
                continue
            row.cells.setdefault(col.name, []).extend(w.text for w in cell.words)
        return row
    if all(c.cell for c in header.columns):  # the header's cells are ruled: their edges
        cols = sorted(header.columns, key=lambda c: c.x0)
        for line in band.lines:
            for word in line.words:
                col = next((c for c in cols if c.x0 <= word.xmid < c.x1), None)
                if col is None:
                    col = min(cols, key=lambda c: min(abs(c.x0 - word.xmid), abs(c.x1 - word.xmid)))
                if col.name != "?":
                    row.cells.setdefault(col.name, []).append(word.text)
        return row
    spans = _boundaries(header, band.lines[0].size if band.lines else 10.0)
    values = [c for c in header.columns if c.name in VALUE_COLUMNS]
    for line in band.lines:
        words = line.words
        for i, word in enumerate(words):
            for col, left, right in spans:
                if left <= word.x0 < right and col.name != "?":
                    if not _within_text(words, i, line.size):
                        col = _value_column(word, col, values)
                    row.cells.setdefault(col.name, []).append(word.text)
                    break
    return row


def _within_text(words, i: int, size: float) -> bool:
    """The word stands in running text: a word of letters a word space before it and
    one after it (``minst 80 procent``), so a figure there is the text's, not a
    right-aligned figure reaching left of its column's header."""
    def letters(w) -> bool:
        return sum(c.isalpha() for c in w.text) >= 2
    if i == 0 or i + 1 >= len(words):
        return False
    before, after = words[i - 1], words[i + 1]
    gap = CELL_GAP * size
    return (letters(before) and letters(after) and words[i].x0 - before.x1 < gap
            and after.x0 - words[i].x1 < gap)


# Columns of figures, often right-aligned under a right-aligned header.
VALUE_COLUMNS = frozenset({"target", "outcome", "previous_outcome"})


def _value_column(word: Word, col: Column, values: list[Column]) -> Column:
    """A figure (or its unit) belongs to the figures' column whose header it stands under:
    right-aligned figures reach left of their header, past the boundary of left edges."""
    if not values or not (any(c.isdigit() for c in word.text) or col.name in VALUE_COLUMNS):
        return col
    def distance(c: Column) -> float:
        return max(0.0, c.x0 - word.x1, word.x0 - c.x1)
    best = min(values, key=distance)
    return best if distance(best) < distance(col) else col


def _overlap(col: Column, x0: float, x1: float) -> float:
    return min(col.x1, x1) - max(col.x0, x0)


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
    for word in (join_date_pieces(line.words, line.size) if dates else line.words):
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
    for i, ((prev, a), (word, b)) in enumerate(zip(placed, placed[1:])):
        if (a != b and a not in DATE_COLUMNS and b not in DATE_COLUMNS and is_ocr_icon(prev)
                and word.x0 - prev.x1 < CELL_GAP * line.size and cells[a][-1] is prev):
            # a symbol standing in the gutter just before the next cell's text is that
            # cell's (a status circle before its label), not the end of this one
            cells[a].pop()
            if not cells[a]:
                del cells[a]
            cells[b].insert(0, prev)
            placed[i] = (prev, b)
    for i, ((prev, a), (word, b)) in enumerate(zip(placed, placed[1:])):
        if a == b or b in DATE_COLUMNS or a in DATE_COLUMNS:
            continue  # a date is a cell of its own, however close it stands
        nxt = placed[i + 2] if i + 2 < len(placed) else None
        if is_ocr_icon(word) and nxt is not None and nxt[1] == b:
            word = nxt[0]  # the cell's symbol stands in the gutter: its text starts the cell
        if word.x0 - prev.x1 < CELL_GAP * line.size:
            return None  # no gutter between the two columns: one run of text
    return cells


# OCR splits a date at a speck or a wide letter space (``2025-06-3 0``, ``2025- 06-30``):
# pieces standing closer than this many font sizes, none a date alone, that make one.
DATE_PIECE_GAP = 0.6
DATE_PIECES = 3


def join_date_pieces(words: tuple[Word, ...], size: float) -> list[Word]:
    """The line's words, a date OCR read as two or three close pieces made one word again."""
    out: list[Word] = []
    i = 0
    while i < len(words):
        joined = None
        if parse_date(words[i].text) is None and any(c.isdigit() for c in words[i].text):
            for j in range(i + 2, min(i + DATE_PIECES, len(words)) + 1):
                piece = words[i:j]
                if any(b.x0 - a.x1 >= DATE_PIECE_GAP * size for a, b in zip(piece, piece[1:])):
                    break
                if parse_date(piece[-1].text) is not None:
                    break
                if parse_date("".join(w.text for w in piece)) is not None:
                    joined = replace(piece[0], text="".join(w.text for w in piece),
                                     x1=piece[-1].x1, top=min(w.top for w in piece),
                                     bottom=max(w.bottom for w in piece),
                                     conf=min(w.conf for w in piece))
                    i = j
                    break
        if joined is None:
            joined = words[i]
            i += 1
        out.append(joined)
    return out


# A status symbol OCR reads as a glyph (``9``, ``&``, ``@``, ``e``): a word of this
# many characters at most, with no letter or read with low confidence.
ICON_CHARS = 2
ICON_CONFIDENCE = 0.6


def is_ocr_icon(word: Word) -> bool:
    """A drawn symbol (a status circle before its label) that OCR read as a character or two."""
    return (word.approximate and len(word.text) <= ICON_CHARS
            and (not any(c.isalpha() for c in word.text) or word.conf < ICON_CONFIDENCE))


def boundaries_run_across(line: Line, header: TableHeader) -> int:
    """How many of the header's column boundaries the line's text runs over without a
    gutter: prose runs over them all; a table row at most over one (a title that
    reaches the next column's right-aligned figures)."""
    cols = sorted(header.columns, key=lambda c: c.x0)
    crossed = 0
    for col in cols[1:]:
        edge = col.x0
        left = [w for w in line.words if w.x1 <= edge + 1]
        right = [w for w in line.words if w.x0 >= edge - 1]
        spanning = any(w.x0 < edge - 1 and w.x1 > edge + 1 for w in line.words)
        if spanning:
            crossed += 1
        elif left and right and min(w.x0 for w in right) - max(w.x1 for w in left) < CELL_GAP * line.size:
            crossed += 1
    return crossed


def _looks_like_status(words: list[Word], statuses: tuple[str, ...]) -> bool:
    """True when the words read as a status label or its first words (a wrapped status)."""
    text = _letters_folded(w.text for w in words)
    return len(text) >= 3 and any(fuzz.ratio(text, prefix) >= STATUS_SIMILARITY
                                  for prefix in _status_prefixes(statuses))


def starts_row(cells: dict[str, list[Word]] | None, header: TableHeader,
               statuses: tuple[str, ...]) -> bool:
    if not cells or not cells.get("title"):
        return False
    if any(k in cells for k in DATE_COLUMNS):
        return True
    return "status" in cells and _looks_like_status(cells["status"], statuses)


def _continues_row(row: "Row", line: Line, cells: dict[str, list[Word]] | None,
                   statuses: tuple[str, ...]) -> bool:
    """A wrapped title, status or responsible unit: inside those columns, in the row's font size.

    The rest of a status cut short (``Pågående enligt`` / ``plan``) always
    continues the row; OCR sizes are estimates, so they get a wider tolerance.
    """
    if not cells or not set(cells) <= WRAPPING_COLUMNS:
        return False
    if "status" in cells and _status_incomplete(row.text("status"), statuses):
        return True
    if _is_sentence(line, row):
        return False  # a sentence of its own under the row: its description, not its title
    first = row.lines[0]
    if line.italic != first.italic:
        return False  # a comment set in italics under the row
    ocr = any(w.approximate for w in line.words)
    tolerance = ROW_SIZE_TOLERANCE
    if ocr:
        tolerance = OCR_SHORT_LINE_TOLERANCE if len(line.words) <= 2 else OCR_ROW_SIZE_TOLERANCE
        if _goes_on_in_lower_case(line, row):
            tolerance = OCR_SHORT_LINE_TOLERANCE  # a wrapped title: its size is the estimate
    return abs(line.size - first.size) <= tolerance * first.size


def _goes_on_in_lower_case(line: Line, row: "Row") -> bool:
    """The line starts in lower case under a title that has not ended: the title's
    own next line ("… med bostad, förskola" / "och jobb för medflyttande")."""
    first = line.words[0].text[:1] if line.words else ""
    title = row.text("title").rstrip()
    return first.isalpha() and first.islower() and bool(title) and not title.endswith((".", "!", "?"))


def _is_status_label(line: Line, statuses: tuple[str, ...]) -> bool:
    """The line is a status label, behind its icon, and nothing else."""
    letters = [w.text for w in line.words if _has_letters(w.text)]
    if not letters or len(letters) > 5 or not statuses:
        return False
    text = fold(" ".join(letters))
    return max(fuzz.ratio(text, s) for s in folded_labels(statuses)) >= STATUS_SIMILARITY + 5


def _is_sentence(line: Line, row: "Row") -> bool:
    """A line that is a sentence of its own (a capital, four words or more, a full stop)
    under a title that had not ended: activity titles are phrases, not sentences."""
    words = [w.text for w in line.words]
    return (len(words) >= 4 and words[0][:1].isupper() and words[-1][-1:] in ".!?"
            and not row.text("title").rstrip().endswith((",", "och", "samt", "eller")))


def _status_incomplete(text: str, statuses: tuple[str, ...]) -> bool:
    """The status so far is the first words of a label, not a whole one."""
    folded = _letters_folded(text.split())
    if not folded or not statuses:
        return False
    whole = max(fuzz.ratio(folded, s) for s in folded_labels(statuses))
    partial = max(fuzz.ratio(folded, p) for p in _status_prefixes(statuses, short=True))
    return partial >= STATUS_SIMILARITY and partial > whole


def _completes_status(row: "Row", cells: dict[str, list[Word]] | None,
                      statuses: tuple[str, ...]) -> bool:
    """The line's status words finish the row's wrapped status (``Ej`` / ``påbörjad``),
    even when they alone would be a status too (``Påbörjad``)."""
    if not cells or "status" not in cells or not row.text("status") or not statuses:
        return False
    so_far = row.text("status")
    if not _status_incomplete(so_far, statuses):
        return False
    combined = _letters_folded(f"{so_far} {' '.join(x.text for x in cells['status'])}".split())
    return max(fuzz.ratio(combined, s) for s in folded_labels(statuses)) >= STATUS_SIMILARITY


def continues_cut_row(row: Row, previous: Row, header: TableHeader,
                      statuses: tuple[str, ...]) -> bool:
    """A row cut by a page break: its second part has an empty cell where rows have
    text (the title, status or date stayed on the first page), goes on in lower case,
    or finishes a status cut short."""
    for role in ("title", "status", "end"):
        if header.has(role) and previous.text(role) and not row.text(role):
            return True
    title = row.text("title")
    if title[:1].islower():
        return True
    return bool(header.has("status") and _status_incomplete(previous.text("status"), statuses))


def lines_to_rows(lines: list[Line], header: TableHeader, statuses: tuple[str, ...]
                  ) -> list[Row | Line]:
    """Split a paragraph's lines into activity rows and plain text lines."""
    out: list[Row | Line] = []
    current: Row | None = None
    for line in lines:
        cells = split_line(line, header)
        if current is not None and not header.has("status") and _is_status_label(line, statuses):
            current = None  # a status under the row (its own line): the row has ended
            out.append(line)
            continue
        if current is not None and _completes_status(current, cells, statuses) and \
                set(cells) <= WRAPPING_COLUMNS:
            pass  # the rest of a wrapped status: the row goes on
        elif starts_row(cells, header, statuses):
            current = Row()
            out.append(current)
        elif current is None or not _continues_row(current, line, cells, statuses):
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
