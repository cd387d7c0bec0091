"""A measure row's cells → a measure record: name, unit, values as printed, trend.

The unit stands in brackets after the name (``Sjukfrånvaro, procentandel (%)``)
or after the values (``2,0 %``, ``-12,5 mnkr``). The name is kept as printed, its
bracketed unit included (a per cent sign OCR misread is written ``%`` again); values
keep their printed form without the unit (``7,5``). A trend is an arrow (↑ ↗ → ↘ ↓),
as printed or as OCR reads it. The values as numbers are read in normalisation
(``normalize/numbers.py``).
"""
from __future__ import annotations

import dataclasses
import re

from malrapport.extract.text import join_words
from malrapport.schemas.records import MeasureRecord

# How OCR reads a per cent sign in a unit: (96), (26), (9/60), (9%), (o/o).
OCR_PERCENT = re.compile(r"%|9?%|96|26|9/6?0?|o/o|0/0")
UNIT_AFTER_VALUE = re.compile(r"^(?P<value>[-−–+]?\s?\d[\d\s]*(?:[,.]\d+)?)\s*(?P<unit>%|‰|[a-zA-ZåäöÅÄÖ.]{1,8})$")
TRENDS = {"↑": "up", "↗": "up", "⬆": "up", "▲": "up", "→": "flat", "↔": "flat", "➞": "flat",
          "►": "flat", "▶": "flat", "↘": "down", "↓": "down", "⬇": "down", "▼": "down"}
MAX_UNIT = 12


def cells_to_measure(cells: dict[str, str]) -> MeasureRecord:
    name, unit = printed_name(cells.get("name", "").strip())
    values = {}
    for key in ("target", "outcome", "previous_outcome"):
        value, value_unit = split_value(cells.get(key))
        values[key] = value
        unit = unit or value_unit
    return MeasureRecord(name=name, unit=unit, trend=trend_of(cells.get("trend")), **values)


def extend_name(measure: MeasureRecord, more: str) -> MeasureRecord:
    """A measure whose name wraps onto the next line."""
    name, unit = printed_name(join_words([measure.name, *more.split()]).strip())
    return dataclasses.replace(measure, name=name, unit=measure.unit or unit)


def printed_name(name: str) -> tuple[str, str | None]:
    """The name as printed, bracketed unit included, and that unit:
    ``Sjukfrånvaro, procentandel (96)`` → (``Sjukfrånvaro, procentandel (%)``, ``%``)."""
    head, unit = split_unit_from_name(name)
    if head == name:
        return name, None
    return (f"{head} ({unit})" if unit else head), unit


def split_unit_from_name(name: str) -> tuple[str, str | None]:
    if name.endswith(")") and "(" in name:
        head, _, tail = name.rpartition("(")
        if len(tail) <= MAX_UNIT:
            unit = tail[:-1].strip() or None
            if unit and (OCR_PERCENT.fullmatch(unit) or _misread_percent(unit)):
                unit = "%"
            return head.strip(), unit
    return name, None


def _misread_percent(unit: str) -> bool:
    """A unit is no number: figures in brackets after a name are OCR's per cent sign
    (``(90)``, ``(260)``, ``(92/0)``), unless they are a year."""
    return (len(unit) <= 4 and re.fullmatch(r"[\d/o%]+", unit) is not None
            and re.fullmatch(r"(19|20)\d\d", unit) is None)


def split_value(text: str | None) -> tuple[str | None, str | None]:
    """``2,0 %`` → (``2,0``, ``%``); ``7,5`` → (``7,5``, None); empty → (None, None)."""
    if not text or not text.strip():
        return None, None
    text = " ".join(text.split())
    m = UNIT_AFTER_VALUE.match(text)
    if m:
        return m.group("value").strip(), m.group("unit")
    return text, None


# An arrow's head holds most of its ink: ink this far above (below) its middle points up (down).
TILT = 0.06


def trend_of_mark(mark) -> str | None:
    """The trend a drawn arrow or triangle shows: its shape, or where its head is."""
    if mark.kind == "glyph":
        return trend_of(mark.char)
    if mark.shape in ("triangle_up", "triangle_down"):
        return "up" if mark.shape == "triangle_up" else "down"
    if mark.kind == "pixels":
        if mark.tilt < -TILT:
            return "up"
        if mark.tilt > TILT:
            return "down"
        w, h = mark.x1 - mark.x0, mark.bottom - mark.top
        return "flat" if w > 1.5 * h else None
    return None


def trend_of(text: str | None) -> str | None:
    if not text:
        return None
    for ch in text:
        if ch in TRENDS:
            return TRENDS[ch]
    return None
