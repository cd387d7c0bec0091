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

from malrapport.extract.layout import Line
from malrapport.extract.profile import Profile
from malrapport.normalize.labels import assessment_key, fold
from malrapport.schemas.words import Mark

# Legend and table marks closer than this (RGB distance) are the same colour.
SAME_COLOUR = 60.0
# A legend entry needs its phrase within this many points after the mark.
LEGEND_REACH = 200.0


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


@dataclass
class Legend:
    entries: list[tuple[Mark, str]] = field(default_factory=list)
    pages: set[int] = field(default_factory=set)
    line_ids: set[int] = field(default_factory=set)  # the legend's own lines

    def __bool__(self) -> bool:
        return bool(self.entries)

    def key_of(self, mark: Mark) -> str | None:
        best, best_d = None, None
        for entry, key in self.entries:
            d = _distance(mark, entry)
            if d is not None and (best_d is None or d < best_d):
                best, best_d = key, d
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
                legend.pages.add(line.page)
                legend.line_ids.add(id(line))
    return legend


def symbol_key(mark: Mark, legend: Legend, profile: Profile) -> tuple[str | None, str]:
    """The assessment a symbol stands for, and how that was decided."""
    if mark.kind == "glyph" and mark.char.isalpha():
        for (font, char), key in profile.symbol_chars.items():
            if char == mark.char and _font_key(font) in _font_key(mark.font):
                legend_key = legend.key_of(mark) if legend else None
                return legend_key or key, f"{mark.font} {mark.char!r}"
    if legend:
        key = legend.key_of(mark)
        if key:
            return key, "the report's legend"
    name = colour_name(mark.colour)
    key = profile.symbol_colours.get(name) if name else None
    return key, f"a {name} symbol" if name else "a symbol of no colour"
