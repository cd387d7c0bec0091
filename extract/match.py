"""Profile phrases against the words of a line, OCR noise allowed.

A line's words are compared folded (``labels.fold``: lower case, no diacritics),
with the punctuation around them (``:``, ``|``, brackets) dropped, one word of
the phrase against one word of the line. Short words must match exactly (``mal``
and ``matt`` are different columns); longer ones by rapidfuzz ratio, so that
``Beddmning`` is still ``Bedömning``.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from rapidfuzz import fuzz

from malrapport.extract.profile import Phrase
from malrapport.normalize.labels import fold

WORD_SIMILARITY = 80
# Words this short match only exactly (after folding).
SHORT_WORD = 4
_EDGE = ":|;,.()[]«»\"'•"
HEADING_NUMBER = re.compile(r"^(\d{1,2}(?:\.\d{1,2}){0,3})[.,:]?$")
YEAR = re.compile(r"^(?:19|20)\d\d$")


def fold_word(text: str) -> str:
    return fold(text).strip(_EDGE)


def fold_words(words) -> list[str]:
    return [fold_word(w.text) for w in words]


def word_like(word: str, target: str, threshold: int = WORD_SIMILARITY) -> bool:
    if word == target:
        return True
    if len(target) <= SHORT_WORD or len(word) <= SHORT_WORD:
        return False
    return fuzz.ratio(word, target) >= threshold


@dataclass(frozen=True, slots=True)
class Match:
    end: int  # index after the last matched word
    number: str | None = None  # what {number} matched


def match_at(phrase: Phrase, words: list[str], start: int = 0, year: int | None = None,
             threshold: int = WORD_SIMILARITY) -> Match | None:
    """``phrase`` at ``words[start:]`` (folded words), or None.

    ``{year}`` matches the report's year (any year when it is not known),
    ``{year-1}`` the year before it, ``{number}`` a heading number.
    """
    i, number = start, None
    for target in phrase.words:
        if i >= len(words):
            return None
        word = words[i]
        if target == "{year}":
            if not YEAR.match(word) or (year is not None and int(word) != year):
                return None
        elif target == "{year-1}":
            if not YEAR.match(word) or (year is not None and int(word) != year - 1):
                return None
        elif target == "{number}":
            m = HEADING_NUMBER.match(word)
            if not m:
                return None
            number = m.group(1)
        elif not word_like(word, target, threshold):
            # a prefix printed without a space before its colon-less rest ("Nämndmål:Öka")
            return None
        i += 1
    return Match(i, number)


def best_at(phrases, words: list[str], start: int = 0, year: int | None = None,
            threshold: int = WORD_SIMILARITY) -> tuple[Phrase, Match] | None:
    """The longest of ``phrases`` that matches at ``start``."""
    best = None
    for phrase in phrases:
        m = match_at(phrase, words, start, year, threshold)
        if m and (best is None or m.end > best[1].end):
            best = (phrase, m)
    return best
