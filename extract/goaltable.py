"""Goals as rows of one table (family D): ``Mål | Bedömning | Kommentar``.

Each row of a goals table is a goal: its title from the title column, its comment
from the comment column, its assessment from the symbol in the assessment column
(``symbols``: the report's legend, else the profile's maps) or from the words
there. Rows across the table name a goal area (``Fokusområde: Hållbar miljö``)
or the level of the goals below (``Kommunfullmäktiges mål``): the profile's
``sections``. A financial goals table (``level = "ekonomi"``) gives each goal one
measure from its target and outcome cells.
"""
from __future__ import annotations

from dataclasses import dataclass

from malrapport.extract.grids import Band, Cell
from malrapport.extract.match import HEADING_NUMBER, fold_words, match_at
from malrapport.extract.measures import split_value
from malrapport.extract.profile import HeadingRule, Profile
from malrapport.extract.symbols import Legend, colour_name, greyscale, symbol_key
from malrapport.extract.tables import Row
from malrapport.schemas.records import MeasureRecord
from malrapport.schemas.words import Mark


@dataclass(frozen=True)
class Section:
    rule: HeadingRule
    rest: str  # the words after the section's own (the area's name)


def section_of(band: Band, profile: Profile) -> Section | None:
    """A row across the table that names a goal area or a level, or None."""
    words = [w for l in band.lines for w in l.words]
    folded = fold_words(words)
    for rule in profile.sections:
        m = match_at(rule.phrase, folded, 0)
        if m:
            return Section(rule, " ".join(w.text for w in words[m.end:]).strip(" :–-"))
    return None


def band_of(lines) -> Band:
    """A row of a goals table without rules (a paragraph of lines) as a band."""
    x0 = min(min(w.x0 for w in l.words) for l in lines)
    x1 = max(max(w.x1 for w in l.words) for l in lines)
    top, bottom = min(l.top for l in lines), max(l.bottom for l in lines)
    cell = Cell(x0, x1, tuple(lines))
    return Band(top, bottom, (cell,), tuple(lines), (x0, x1))


def marks_in(band: Band, x0: float, x1: float, marks: tuple[Mark, ...]) -> list[Mark]:
    """The symbols (about square marks) standing in a band between two x positions."""
    return [m for m in marks if m.squarish and band.top - 1 <= m.ymid <= band.bottom + 1
            and x0 - 2 <= m.xmid <= x1 + 2]


def row_assessment(row: Row, band: Band, column, marks: tuple[Mark, ...], legend: Legend,
                   profile: Profile) -> tuple[str | None, str | None, bool]:
    """(key, raw, by_colour) of a goal row's assessment: the symbol in its column, else its
    words; ``by_colour``: the key came from the symbol's colour by the profile's map."""
    if column is None:
        return None, None, False
    found = marks_in(band, column.x0 - 4, column.x1 + 4, marks)
    if not found:
        # the symbol may stand anywhere in the column's cell: from the column before to the next
        found = marks_in(band, column.x0 - 20, column.x1 + 20, marks)
    if found:
        mark = max(found, key=lambda m: (m.x1 - m.x0) * (m.bottom - m.top))
        page = band.source[0].page if band.source else None
        key, how, by_colour = symbol_key(mark, legend, profile, page)
        shown = (mark.char if mark.kind == "glyph" else f"of grey level {mark.colour[0]}"
                 if greyscale(mark) else f"{colour_name(mark.colour) or ''} {mark.kind}")
        return key, f"symbol {shown.strip()} ({how})", by_colour
    text = row.text("assessment")
    return None, text or None, False


def split_number(title: str) -> tuple[str | None, str]:
    """``1.2 Ånge ska …`` → (``1.2``, ``Ånge ska …``); a title without a number as it is."""
    head, _, rest = title.partition(" ")
    m = HEADING_NUMBER.match(head)
    if m and rest and rest[:1].isupper():
        return m.group(1), rest
    return None, title


def financial_measure(row: Row, title: str) -> MeasureRecord | None:
    """A financial goal's one measure: the goal as its name, target and outcome as printed."""
    target, unit_t = split_value(row.text("target"))
    outcome, unit_o = split_value(row.text("outcome"))
    if target is None and outcome is None:
        return None
    return MeasureRecord(name=title, target=target, outcome=outcome, unit=unit_t or unit_o)


def is_fragment(row: Row, previous: Row, has_symbol: bool) -> bool:
    """The rest of a goal row cut by a page break: no title of its own (or one going on
    in lower case), and no symbol of its own."""
    title = row.text("title")
    return not has_symbol and (not title or title[:1].islower()) and bool(previous.cells)
