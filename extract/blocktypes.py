"""The layout blocks lines become: headings, labels, table headers, ruled rows, paragraphs.

Blocks know nothing of goals or activities; they only say what a run of lines
looks like. Every block says which rule made it (``why``), for ``inspect``.
"""
from __future__ import annotations

from dataclasses import dataclass

from malrapport.extract.grids import Band, Grid
from malrapport.extract.layout import Line
from malrapport.extract.profile import TableSpec
from malrapport.extract.text import join_words


@dataclass(frozen=True, slots=True)
class Heading:
    number: str | None
    text: str
    page: int
    lines: tuple[Line, ...]
    # goal | area | chapter | section (no goal: ends the one before) | numbered (by its depth, later)
    role: str = "goal"
    level: str | None = None  # from a prefix rule
    parent: str | None = None  # the level of the goal it belongs to (prefix rule)
    why: str = ""


@dataclass(frozen=True, slots=True)
class Label:
    name: str  # "assessment" | "comment"
    rest: str  # text after the label on the same line
    page: int
    line: Line | None = None
    why: str = ""


@dataclass(frozen=True, slots=True)
class Column:
    name: str  # a role of the table spec, or "?" for a header word the profile does not know
    x0: float
    x1: float  # right edge of the header word
    text: str = ""  # the header cell as printed
    cell: bool = False  # x0 and x1 are the header cell's ruled edges, not its words'


@dataclass(frozen=True, slots=True)
class TableHeader:
    kind: str  # "activities" | "measures" | "goals"
    columns: tuple[Column, ...]
    page: int
    size: float = 10.0  # font size of the header row
    spec: TableSpec | None = None
    line: Line | None = None
    why: str = ""
    guessed: tuple[str, ...] = ()  # header cells the profile does not know, read by position

    @property
    def unknown(self) -> tuple[Column, ...]:
        return tuple(c for c in self.columns if c.name == "?")

    def has(self, role: str) -> bool:
        return any(c.name == role for c in self.columns)


@dataclass(frozen=True, slots=True)
class GridRows:
    """Rows of a ruled table: bands between its rules, with their cells."""

    bands: tuple[Band, ...]
    page: int
    grid: Grid
    first_on_page: bool  # nothing of the page's body stands above it (but its header row)
    last_on_page: bool  # nothing stands below it: its last row may go on on the next page
    why: str = "ruled table rows"

    @property
    def lines(self) -> list[Line]:
        return [l for b in self.bands for l in b.lines]


@dataclass(frozen=True, slots=True)
class Paragraph:
    lines: tuple[Line, ...]
    page: int
    why: str = "paragraph"

    @property
    def text(self) -> str:
        return join_words(l.text for l in self.lines)


Block = Heading | Label | TableHeader | GridRows | Paragraph
