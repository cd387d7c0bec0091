"""Lines → layout blocks: headings, labels, table headers and paragraphs.

Blocks know nothing of goals or activities; they only say what a run of lines
looks like. Table header blocks carry the column positions read from the
header row's words, which is all the parser knows about columns.
"""
from __future__ import annotations

import re
import statistics
from dataclasses import dataclass

from rapidfuzz import fuzz

from malrapport.extract.layout import Line
from malrapport.normalize.labels import fold

HEADING_NUMBER = re.compile(r"^(\d{1,2}(?:\.\d{1,2}){0,3})[.,]?$")
# A heading line is this much larger than body text (when not bold).
HEADING_SIZE_FACTOR = 1.08
# OCR sizes are estimates: a chapter heading must stand out more (an icon read as
# "9" before "Uppfyllt" is not chapter 9).
OCR_HEADING_SIZE_FACTOR = 1.25
# Two lines further apart than this many font sizes (centre to centre) start a new paragraph.
PARAGRAPH_PITCH = 1.55
LABEL_SIMILARITY = 75

ACTIVITY_COLUMNS = {"status": "status", "startdatum": "start", "slutdatum": "end"}
MEASURE_COLUMNS = {"matt": "name", "mal": "target", "utfall": "outcome"}


@dataclass(frozen=True, slots=True)
class Heading:
    number: str | None
    text: str
    page: int
    lines: tuple[Line, ...]


@dataclass(frozen=True, slots=True)
class Label:
    name: str  # "bedomning" | "kommentar"
    rest: str  # text after the label on the same line
    page: int


@dataclass(frozen=True, slots=True)
class Column:
    name: str  # title | status | start | end | name | target | outcome
    x0: float
    x1: float  # right edge of the header word


@dataclass(frozen=True, slots=True)
class TableHeader:
    kind: str  # "activities" | "measures"
    columns: tuple[Column, ...]
    page: int
    size: float = 10.0  # font size of the header row


@dataclass(frozen=True, slots=True)
class Paragraph:
    lines: tuple[Line, ...]
    page: int

    @property
    def text(self) -> str:
        return " ".join(l.text for l in self.lines)


Block = Heading | Label | TableHeader | Paragraph


def body_size(lines: list[Line]) -> float:
    sizes = [round(w.size) for l in lines for w in l.words]
    return statistics.mode(sizes) if sizes else 10.0


def table_header(line: Line) -> TableHeader | None:
    """The activity or measure table header row, with its columns, or None."""
    folded = [fold(w.text).strip(":|") for w in line.words]
    if len(folded) >= 2 and _like(folded[0], "verksamhetens") and _like(folded[1], "aktiviteter"):
        cols = [Column("title", line.words[0].x0, line.words[1].x1)]
        for word, f in zip(line.words[2:], folded[2:]):
            name = _best(f, ACTIVITY_COLUMNS)
            if name:
                cols.append(Column(name, word.x0, word.x1))
        if len(cols) >= 2:
            return TableHeader("activities", tuple(cols), line.page, line.size)
    if 3 <= len(folded) <= 4:
        cols = []
        for word, f in zip(line.words, folded):
            name = _best(f, MEASURE_COLUMNS, threshold=70)
            if name and all(c.name != name for c in cols):
                cols.append(Column(name, word.x0, word.x1))
        if [c.name for c in cols] == ["name", "target", "outcome"]:
            return TableHeader("measures", tuple(cols), line.page, line.size)
    return None


def _like(word: str, target: str, threshold: int = 80) -> bool:
    return word == target or fuzz.ratio(word, target) >= threshold


def _best(word: str, names: dict[str, str], threshold: int = 80) -> str | None:
    for label, name in names.items():
        if _like(word, label, threshold):
            return name
    return None


def label(line: Line) -> Label | None:
    first = fold(line.words[0].text).rstrip(":")
    rest = " ".join(w.text for w in line.words[1:])
    if fuzz.ratio(first, "bedomning") >= LABEL_SIMILARITY:
        return Label("bedomning", rest, line.page)
    if fuzz.ratio(first, "kommentar") >= 85 and (len(line.words) == 1 or line.words[0].bold
                                                or line.words[0].text.endswith(":")):
        return Label("kommentar", rest, line.page)
    return None


def heading_number(line: Line, size: float) -> str | None:
    """The heading number if this line opens a numbered heading, else None."""
    m = HEADING_NUMBER.match(line.words[0].text)
    if not m or len(line.words) < 2:
        return None
    number = m.group(1)
    ocr = any(w.approximate for w in line.words)
    factor = OCR_HEADING_SIZE_FACTOR if ocr else HEADING_SIZE_FACTOR
    styled = line.bold or line.size >= factor * size
    nxt = line.words[1].text[:1]
    if "." in number:
        # Estimated sizes (OCR layers) may put a heading below the body size.
        floor = 0.8 if ocr else 0.92
        ok = (nxt.isupper() or nxt.isdigit() or nxt in "|") and line.size >= floor * size
        return number if ok else None
    return number if styled and nxt.isupper() and int(number) < 30 else None


def lines_to_blocks(pages: list[list[Line]]) -> list[Block]:
    """Classify every line; consecutive plain lines become paragraphs (split at gaps and pages)."""
    size = body_size([l for p in pages for l in p])
    blocks: list[Block] = []
    last_number: list[str | None] = [None]
    for lines in pages:
        para: list[Line] = []
        heading: list[Line] = []
        number: str | None = None

        def flush_para() -> None:
            if para:
                blocks.append(Paragraph(tuple(para), para[0].page))
                para.clear()

        def flush_heading() -> None:
            nonlocal number
            if heading:
                text = " ".join(l.text for l in heading).split(" ", 1)[1]
                blocks.append(Heading(number, text, heading[0].page, tuple(heading)))
                heading.clear()
                number = None

        for line in lines:
            num = heading_number(line, size) or _dotless_heading(line, size, last_number[0])
            if num is not None:
                last_number[0] = num
                flush_para(); flush_heading()
                heading.append(line)
                number = num
                continue
            if heading and _continues_heading(heading[-1], line):
                heading.append(line)
                continue
            flush_heading()
            header = table_header(line)
            if header is not None:
                flush_para()
                blocks.append(header)
                continue
            lab = label(line)
            if lab is not None:
                flush_para()
                blocks.append(lab)
                continue
            if para and not _same_paragraph(para[-1], line):
                flush_para()
            para.append(line)
        flush_para(); flush_heading()
    return blocks


def _expected_after(number: str) -> set[str]:
    """Heading numbers that may follow ``number``: its first child, its next sibling,
    and the next sibling of each of its ancestors."""
    parts = [int(p) for p in number.split(".")]
    expected = {".".join(map(str, parts + [1]))}
    for depth in range(1, len(parts) + 1):
        head = parts[:depth - 1] + [parts[depth - 1] + 1]
        expected.add(".".join(map(str, head)))
    return expected


def _dotless_heading(line: Line, size: float, last: str | None) -> str | None:
    """An OCR'd heading whose number lost its dots, restored from the heading sequence."""
    first = line.words[0]
    if (not first.approximate or not first.text.isdigit() or not 2 <= len(first.text) <= 4
            or len(line.words) < 2 or not line.words[1].text[:1].isupper()
            or line.size < HEADING_SIZE_FACTOR * size):
        return None
    number = _restore_dots(first.text, last)
    return number if "." in number else None


def _restore_dots(number: str, last: str | None) -> str:
    """OCR may drop the dots of a heading number (``13`` for ``1.3``): when the
    number with dots put back is what the previous heading leads us to expect,
    take that; otherwise keep the number as read."""
    if last is None or len(number) < 2:
        return number
    expected = _expected_after(last)
    if number in expected:
        return number
    for dots in range(1, 1 << (len(number) - 1)):
        parts, start = [], 0
        for i in range(1, len(number)):
            if dots >> (i - 1) & 1:
                parts.append(number[start:i])
                start = i
        candidate = ".".join(parts + [number[start:]])
        if candidate in expected:
            return candidate
    return number


def _continues_heading(prev: Line, line: Line) -> bool:
    if label(line) is not None or table_header(line) is not None:
        return False
    similar = abs(line.size - prev.size) <= 0.12 * prev.size and line.bold == prev.bold
    return similar and _same_paragraph(prev, line) and line.words[0].x0 >= prev.x0 - 30


def _same_paragraph(prev: Line, line: Line) -> bool:
    pitch = line.ymid - prev.ymid
    return 0 < pitch <= PARAGRAPH_PITCH * max(prev.size, line.size)
