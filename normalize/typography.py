"""Punctuation and symbols OCR gets wrong beside figures and words: the en dash of a
range, the per cent sign after a figure, the ``#`` of a hashtag.

Swedish typography sets a range with an en dash (``årskurs 7–9``, ``2023–2026``,
``dag 1–14``, ``F–6``, ``januari–augusti``); OCR reads it as a hyphen or an em dash.
Between figures (or the F of förskoleklass and a figure), or between two months,
with no space, the dash (or two dashes, ``1—-14``) becomes an en dash.
An ISO date (``2024-06-14``) is left alone: its figures have more hyphens beside them.
A spaced em dash between words (``organisationen — stolthet``) is the spaced en dash
Swedish sets there; a spaced hyphen is left as typed.

A per cent sign set close behind a figure (``68%``) is often read as two or three
more figures glued to it: ``6890``, ``6896``, ``6820``, ``68960``, ``69/0``. Such a
token becomes ``68%`` when its context says so: the figure before the reading has at
most three digits (and one decimal), the whole is no year, and either it has five
digits or more without a thousands space (Swedish sets ``18 960``) or a slash, or
what follows is the end of a sentence, a comma or a word that follows a per cent
figure (``av``, ``till``, ``jämfört`` …), never a noun it could count.

The ``#`` of a hashtag (``#jobbaibräcke``) is read as ``4``, ``£``, ``t4``, ``t£``, ``H``
or ``t`` glued to the word. A figure or a pound sign glued to a lower-case word is no
Swedish writing: a hashtag, unless the rest is a word with or without an ä or å before
it (``4amnen``, ``4mnen``: OCR's glyph for ``ä``, left to the diacritic repair). ``H``
before a consonant other than j begins no Swedish word. ``H`` or ``t`` before any
other word that the lexicon does not know is a hashtag when the same report has that
word behind a ``#`` (or one of the sure readings above), or when the word holds a
municipality's name (``ragundalivet``): the report's own context, not a list of tags.

Only text that OCR read is repaired (``OcrTypography``); a born-digital text layer
prints what it prints, and the raw text stays in the ``*_raw`` fields.
"""
from __future__ import annotations

import functools
import re

_RANGE = re.compile(r"(?<![\w-])(\d{1,4}|F)(?:[-—‐]|[-—‐–]{2})(\d{1,4})(?![\w-])")
_MONTHS = ("januari|februari|mars|april|maj|juni|juli|augusti|september|oktober|november|"
           "december")
_MONTH_RANGE = re.compile(rf"(?i)\b({_MONTHS})[-—‐]({_MONTHS})\b")
# Swedish sets a dash between words (tankstreck) as a spaced en dash; OCR's em dash
# there is one (an em dash is no Swedish punctuation). A spaced hyphen stays: reports
# type it (the seed's "Mental träning - Forskning").
_SPACED_DASH = re.compile(r"(?<=\w) — (?=\w)")

# A per cent sign read as figures: 90, 96, 20, 960, 946, 920, 260, 9/0 (and % itself).
_PERCENT = re.compile(r"(?<![\d,.\w])(\d{1,3}?(?:,\d)?)(9[06]|9/0|9[0246][06]|2[06]0?)(?!\d)"
                      r"(?=([^\w]*)(\w*))")
# Words that follow a per cent figure in running text; a noun after the figure
# (``1290 kronor``, ``2090 elever``) keeps it a number.
AFTER_PERCENT = frozenset("""
av till och i på mot vid jämfört att som under per eller samt inom för men efter från
mellan respektive medan är var blev har hade lägre högre mer mindre sedan
året förra föregående tidigare
""".split())

_TAG_READING = re.compile(r"(?<![\w#])(t?£|t?4|H|t)([a-zåäö][a-zåäö0-9_]{3,})\b")
_SURE_TAG = ("4", "£", "t£", "t4")
_NO_H_AFTER = set("bcdfghklmnpqrstvwxz")  # Swedish words never begin H + these


def repair_dashes(text: str) -> str:
    text = _SPACED_DASH.sub(" – ", text)
    text = _RANGE.sub(lambda m: f"{m.group(1)}–{m.group(2)}", text)
    return _MONTH_RANGE.sub(lambda m: f"{m.group(1)}–{m.group(2)}", text)


def repair_percent(text: str) -> str:
    """``med 5090 av`` → ``med 50% av``, ``4196 till 5296.`` → ``41% till 52%.``"""
    def fix(m: re.Match) -> str:
        head, reading, gap, after = m.group(1), m.group(2), m.group(3), m.group(4)
        whole = head + reading
        if "," not in whole and "/" not in whole and 1900 <= int(whole[:4]) <= 2099 \
                and len(whole) == 4:
            return m.group(0)  # a year
        sure = "/" in reading or len(whole.replace(",", "")) >= 5
        ends = (not gap and not after) or gap[:1] in (".", ",", ";", ":", ")")
        if sure or ends or (gap == " " and after.lower() in AFTER_PERCENT):
            return f"{head}%"
        return m.group(0)

    return _PERCENT.sub(fix, text)


@functools.cache
def _place_names() -> tuple[str, ...]:
    from .labels import fold
    from .vocabulary import municipalities

    return tuple(sorted({fold(name) for name in municipalities() if len(name) >= 5}))


def _holds_place(word: str) -> bool:
    from .labels import fold

    folded = fold(word)
    return any(name in folded for name in _place_names())


def hashtag_words(text: str, lexicon=None) -> frozenset[str]:
    """Words a report shows behind a ``#`` or a sure reading of one (``4``, ``£``)."""
    seen = {m.group(1) for m in re.finditer(r"#([a-zåäö][a-zåäö0-9_]{3,})", text)}
    seen |= {m.group(2) for m in _TAG_READING.finditer(text)
             if m.group(1) in _SURE_TAG and not _letter_read_as(m.group(2), lexicon)}
    return frozenset(seen)


def repair_hashtags(text: str, tags: frozenset[str] = frozenset(), lexicon=None) -> str:
    """``4sommaribräcke``, ``t£jobbaibräcke``, ``Hmittånge`` → ``#…``; ``tragundalivet``
    when ``tags`` (the report's :func:`hashtag_words`) hold ``ragundalivet`` or the word
    holds a municipality's name, and the lexicon knows neither spelling."""
    def fix(m: re.Match) -> str:
        reading, word = m.group(1), m.group(2)
        if reading in _SURE_TAG and _letter_read_as(word, lexicon):
            return m.group(0)  # an OCR glyph for ä or å (``4amnen``: ämnen), for the repair
        if reading in _SURE_TAG or (reading == "H" and word[0] in _NO_H_AFTER):
            return f"#{word}"
        known = lexicon is not None and (lexicon.is_word(m.group(0).lower())
                                         or lexicon.is_compound(m.group(0).lower()))
        if not known and (word in tags or _holds_place(word)):
            return f"#{word}"
        return m.group(0)

    return _TAG_READING.sub(fix, text)


def _letter_read_as(word: str, lexicon) -> bool:
    """Whether a ``4`` or ``£`` before ``word`` is OCR's glyph for a letter: the word is
    one with or without an ä or å before it."""
    return any(_a_word(w, lexicon) for w in (word, f"ä{word}", f"å{word}"))


def _a_word(word: str, lexicon) -> bool:
    """Whether the lexicon knows ``word``, also with its diacritics lost."""
    if lexicon is None:
        return False
    from .lexicon import fold

    return bool(lexicon.is_word(word) or lexicon.words_by_fold(fold(word)))


class OcrTypography:
    """The symbol repairs of one OCR'd report: ``repair(text)`` with the report's own
    hashtags (``report_text``: all of its text) as context."""

    def __init__(self, report_text: str = "", lexicon=None):
        self.tags = hashtag_words(report_text, lexicon)
        self.lexicon = lexicon

    def repair(self, text: str) -> str:
        return repair_hashtags(repair_percent(repair_dashes(text)), self.tags, self.lexicon)
