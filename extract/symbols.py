"""Symbols → assessment keys: by the report's legend, else by the profile's maps.

A report that shows its assessments as symbols only says what they mean in a
legend on the same page (``☺ = Målet bedöms bli uppfyllt``): a line where marks
alternate with assessment phrases. Each legend entry is a mark and the key of the
phrase after it; a symbol in the table means what the legend mark most like it
means (same glyph of the same font; else nearest colour and picture). Without a
legend, the profile's maps decide: a symbol-font character (Wingdings ``J``), or
the name of the fill colour (green, yellow, red, grey).
"""
from __future__ import annotations

import colorsys
from dataclasses import dataclass, field
from typing import NamedTuple

from malrapport.extract.layout import Line
from malrapport.extract.profile import Profile
from malrapport.normalize.labels import assessment_key, fold
from malrapport.schemas.words import Mark

# Legend and table marks closer than this (RGB distance) are the same colour.
SAME_COLOUR = 60.0
# A legend entry needs its phrase within this many points after the mark.
LEGEND_REACH = 200.0
# A greyscale scan's mark means a legend mark's key when it is at most this share as far
# from it as from the nearest legend mark of another key.
GREY_CLEAR = 0.6
# Legend marks of a greyscale scan whose greys spread this far tell their symbols by grey
# level (coloured circles); closer together (black faces), by their pictures.
GREY_SPREAD = 25


def colour_name(rgb: tuple[int, int, int] | None) -> str | None:
    """green, yellow, orange, red, blue, purple, or grey / white / black for greys."""
    if rgb is None:
        return None
    r, g, b = (c / 255 for c in rgb)
    h, l, s = colorsys.rgb_to_hls(r, g, b)
    if s < 0.25 or (max(r, g, b) - min(r, g, b)) < 0.12:
        return "white" if l > 0.9 else "black" if l < 0.15 else "grey"
    hue = h * 360
    if hue < 15 or hue >= 340:
        return "red"
    if hue < 40:
        return "orange"
    if hue < 70:
        return "yellow"
    if hue < 170:
        return "green"
    if hue < 260:
        return "blue"
    return "purple"


def _font_key(font: str) -> str:
    return fold(font).replace(" ", "")


def greyscale(mark: Mark) -> bool:
    """A mark read from a greyscale scan: its grey level is all there is of its colour
    (red and green may be one grey), so no colour name can be read from it. (A grey
    mark of a scan stored in colour is a grey symbol.)"""
    return (mark.kind == "pixels" and not mark.in_colour and mark.colour is not None
            and len(set(mark.colour)) == 1)


@dataclass
class Legend:
    entries: list[tuple[Mark, str]] = field(default_factory=list)
    pages: set[int] = field(default_factory=set)
    line_ids: set[int] = field(default_factory=set)  # the legend's own lines
    entry_pages: list[int] = field(default_factory=list)  # the page of each entry

    def __bool__(self) -> bool:
        return bool(self.entries)

    def key_of(self, mark: Mark, page: int | None = None) -> str | None:
        """The key of the legend mark most like ``mark``. Where the legend's marks are
        coloured symbols scanned in grey (their greys spread ``GREY_SPREAD`` apart), a
        mark of the scan is compared with the legend's marks on its own page where
        they explain two keys at least (one scanner's greys), and it must be clearly
        nearer one key's mark than any other key's (``GREY_CLEAR``): else None, for a
        grey between two is no reading. Faces drawn in black go by their pictures."""
        entries = list(zip(self.entries, self.entry_pages or [None] * len(self.entries)))
        greys = [e.colour[0] for (e, _key), _p in entries if greyscale(e)]
        by_grey = greyscale(mark) and bool(greys) and max(greys) - min(greys) >= GREY_SPREAD
        if by_grey:  # coloured symbols scanned in grey: told apart by their grey levels
            own = [(e, p) for e, p in entries if p == page and greyscale(e[0])]
            if len({key for (_m, key), _p in own}) >= 2:
                entries = own
        ranked = sorted(((d, key) for (entry, key), _p in entries
                         if (d := _distance(mark, entry)) is not None), key=lambda t: t[0])
        if not ranked:
            return None
        best_d, best = ranked[0]
        if by_grey:  # the mark must be clearly nearer one key's mark than any other key's
            other = next((d for d, key in ranked if key != best), None)
            if other is not None and best_d > GREY_CLEAR * other:
                return None
        return best


def _distance(a: Mark, b: Mark) -> float | None:
    """How unlike two marks are; None when they cannot be the same symbol."""
    if a.kind == b.kind == "glyph" and a.char != b.char and (a.char.isalpha() or b.char.isalpha()):
        return None  # symbol-font letters: J and L are different faces
    d = 0.0
    if a.kind == b.kind == "glyph" and (a.char != b.char or _font_key(a.font) != _font_key(b.font)):
        d += 100.0  # another glyph: only its colour can make it the same symbol
    if a.colour is not None and b.colour is not None:
        d += sum((x - y) ** 2 for x, y in zip(a.colour, b.colour)) ** 0.5
    if a.thumb and b.thumb and len(a.thumb) == len(b.thumb):
        d += 0.25 * (sum((x - y) ** 2 for x, y in zip(a.thumb, b.thumb)) / len(a.thumb)) ** 0.5
    return d


def marks_on(line: Line, marks: tuple[Mark, ...]) -> list[Mark]:
    """The marks standing on a line (their middle within its height), left to right."""
    top, bottom = line.top - 2, line.bottom + 2
    return sorted((m for m in marks if m.squarish and top <= m.ymid <= bottom
                   and line.words[0].x0 - LEGEND_REACH <= m.xmid <= line.words[-1].x1 + 20),
                  key=lambda m: m.x0)


def read_legend(pages: list[list[Line]], marks_by_page: dict[int, tuple[Mark, ...]],
                profile: Profile) -> Legend:
    """Every legend line of the report: marks, each followed by an assessment phrase."""
    legend = Legend()
    for lines in pages:
        page_entries: list[tuple[Line, list[tuple[Mark, str]]]] = []
        for line in lines:
            marks = marks_on(line, marks_by_page.get(line.page, ()))
            if not marks:
                continue
            entries = []
            for i, mark in enumerate(marks):
                end = marks[i + 1].x0 if i + 1 < len(marks) else float("inf")
                words = [w.text for w in line.words if mark.x1 - 0.5 <= w.x0 < end
                         and not (mark.kind == "glyph" and abs(w.x0 - mark.x0) < 1)]
                text = " ".join(words).strip(" =:–-")
                key = assessment_key(text, profile.assessments) if text else None
                if key:
                    entries.append((mark, key))
            if entries:
                page_entries.append((line, entries))
        # a legend explains two symbols at least: on one line, or one a line, one under another
        if len({key for _line, entries in page_entries for _m, key in entries}) >= 2:
            for line, entries in page_entries:
                legend.entries.extend(entries)
                legend.entry_pages.extend(line.page for _e in entries)
                legend.pages.add(line.page)
                legend.line_ids.add(id(line))
    return legend


class SymbolKey(NamedTuple):
    key: str | None  # the assessment, or None
    how: str  # how it was decided, in words (the row's assessment_raw names it)
    by_colour: bool = False  # from the mark's colour by the profile's map, with no legend


def symbol_key(mark: Mark, legend: Legend, profile: Profile,
               page: int | None = None) -> SymbolKey:
    """The assessment a symbol stands for, and how that was decided. A mark of a
    greyscale scan that no legend explains stays without one: its colour is lost."""
    if mark.kind == "glyph" and mark.char.isalpha():
        for (font, char), key in profile.symbol_chars.items():
            if char == mark.char and _font_key(font) in _font_key(mark.font):
                legend_key = legend.key_of(mark, page) if legend else None
                return SymbolKey(legend_key or key, f"{mark.font} {mark.char!r}")
    if legend:
        key = legend.key_of(mark, page)
        if key:
            return SymbolKey(key, "the report's legend")
    if greyscale(mark):
        return SymbolKey(None, "a mark of a greyscale scan that the legend does not tell" if legend
                         else "a mark of a greyscale scan and no legend: its colour is lost")
    name = colour_name(mark.colour)
    key = profile.symbol_colours.get(name) if name else None
    return SymbolKey(key, f"a {name} symbol" if name else "a symbol of no colour", key is not None)
