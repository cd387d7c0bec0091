"""The year's goal catalogue (uppsikt chapter 2): goal titles grouped by goal area.

The profile's ``catalogue.area`` words (``Mål inom målområde``) open an area,
named by the rest of the line (``Vuxna``); bulleted goal titles follow. The
group led by ``catalogue.economy`` (``Verksamhetsmål för god ekonomisk
hushållning``) holds the council's financial-management goals; that heading, as
printed, is their area. Goals elsewhere in the report get their area by fuzzy match
of their title against this list.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from rapidfuzz import fuzz, process

from malrapport.extract.layout import Line
from malrapport.extract.match import fold_words, match_at
from malrapport.extract.profile import Profile
from malrapport.normalize.labels import fold
# Bullets as drawn, and as OCR reads them (the dot often comes out as « or », a lone
# letter or full stop, or is lost).
BULLET_CHARS = "•·-–*»«©®+"
BULLET_WORDS = {"e", "o", "°", "."}  # a small bullet OCR read as a letter or a full stop
MATCH_THRESHOLD = 88


@dataclass
class Catalogue:
    areas: dict[str, str] = field(default_factory=dict)  # folded title → area
    economy: set[str] = field(default_factory=set)  # folded titles of economy goals

    def area_of(self, title: str) -> str | None:
        hit = self._match(title, list(self.areas))
        return self.areas[hit] if hit else None

    def is_economy(self, title: str) -> bool:
        return self._match(title, list(self.economy)) is not None

    @staticmethod
    def _match(title: str, choices: list[str]) -> str | None:
        if not choices:
            return None
        best = process.extractOne(_key(title), choices, scorer=fuzz.ratio,
                                  score_cutoff=MATCH_THRESHOLD)
        return best[0] if best else None


def _key(text: str) -> str:
    return fold(text).rstrip(". ")


def lines_to_catalogue(lines: list[Line], profile: Profile) -> Catalogue:
    cat = Catalogue()
    if profile.catalogue_area is None and profile.catalogue_economy is None:
        return cat
    area: str | None = None
    economy = False
    items: list[list[str]] = []

    def flush() -> None:
        for parts in items:
            key = _key(" ".join(parts))
            if economy:
                cat.economy.add(key)
            if area:
                cat.areas[key] = area
        items.clear()

    for line in lines:
        words = fold_words(line.words)
        m = profile.catalogue_area and match_at(profile.catalogue_area, words)
        if m and m.end < len(words):
            flush()
            economy = False
            area = " ".join(w.text for w in line.words[m.end:]).strip()
            continue
        if profile.catalogue_economy and match_at(profile.catalogue_economy, words):
            flush()
            economy, area = True, " ".join(w.text for w in line.words).strip()
            continue
        if area is None and not economy:
            continue
        words = _without_bullet(line)
        if _looks_like_heading(line) or not words:
            flush()
            area, economy = None, False
        elif len(words) < len(line.words) or line.words[0].text[0] in BULLET_CHARS:
            items.append(words)
        elif items and not (items[-1][-1].endswith(".") and words[0][:1].isupper()):
            items[-1].extend(words)  # a wrapped item
        elif items or not line.bold:
            items.append(words)  # an item whose bullet OCR lost
        else:
            flush()
            area, economy = None, False
    flush()
    return cat


def _without_bullet(line: Line) -> list[str]:
    words = [w.text for w in line.words]
    if words and (words[0] in BULLET_WORDS or not words[0].strip(BULLET_CHARS)):
        words = words[1:]
    if words:
        words[0] = words[0].lstrip(BULLET_CHARS)
    return [w for w in words if w]


def _looks_like_heading(line: Line) -> bool:
    return bool(re.match(r"^\d+(\.\d+)*$", line.words[0].text))
