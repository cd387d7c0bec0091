"""Status and assessment vocabulary and their keys.

``status_key`` and ``assessment_key`` take the label as extracted, OCR noise
and all (``@ Pagaende enligt plan``, ``®) pagéende enligt``, ``Véntelage``),
and return the key of the closest label when it is close enough (rapidfuzz
ratio on the folded text), else None. The labels are those of a report
family's profile (``extract/profiles/*.toml``: printed label → key); without
one, those of FORMAT.md below. ``status_match`` and ``assessment_match`` give
the same key with the score it was matched at (100: the label exactly, once
folded and cleaned of icons), which normalize/confidence.py weighs.
"""
from __future__ import annotations

import re
import unicodedata
from typing import NamedTuple

from rapidfuzz import fuzz

STATUSES: dict[str, str] = {
    "Ej påbörjad": "ej_paborjad",
    "Pågående enligt plan": "pagaende_enligt_plan",
    "Pågående med avvikelse": "pagaende_med_avvikelse",
    "Avslutad enligt plan": "avslutad_enligt_plan",
    "Avslutad med avvikelse": "avslutad_med_avvikelse",
    "Vänteläge": "vantelage",
}

ASSESSMENTS: dict[str, str] = {
    "Uppfyllt": "uppfyllt",
    "Delvis uppfyllt": "delvis_uppfyllt",
    "Knappt uppfyllt": "knappt_uppfyllt",
    "Ej uppfyllt": "ej_uppfyllt",
    "Saknas": "saknas",
}

# Every key a status or an assessment may have, in display order: FORMAT.md's, and
# LAYOUTS.md's ``avbruten`` (a family's own words map onto these in its profile).
STATUS_KEYS: tuple[str, ...] = (*STATUSES.values(), "avbruten")
ASSESSMENT_KEYS: tuple[str, ...] = tuple(ASSESSMENTS.values())

LABEL_THRESHOLD = 80.0   # rapidfuzz ratio (0-100) a label must reach
LABEL_MARGIN = 6.0       # ... and beat the runner-up by (else ambiguous: None)
PREFIX_PENALTY = 4.0     # a wrapped label cut after its first words ("Pågående enligt")
MIN_PREFIX = 5           # letters such a cut label needs ("Ej" alone says too little)

_GLYPHS = str.maketrans({"&": "a", "6": "o", "¢": "o", "@": " ", "®": " ", "©": " ", "|": " "})
_NOT_WORD = re.compile(r"[^a-z ]+")
_ASSESSMENT_LABEL = "bedomning"


def fold(text: str) -> str:
    """Lower-case, strip diacritics and collapse white space: the comparison form."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    bare = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(bare.split())


def _clean(raw: str) -> str:
    """Fold, map OCR glyphs, drop icons, digits and punctuation (dates, ``®)``)."""
    text = fold(raw.translate(_GLYPHS))
    text = _NOT_WORD.sub(" ", text)
    return " ".join(w for w in text.split() if len(w) > 1 or w in ("i",))


_FOLDED: dict[tuple, dict[str, str]] = {}


def _folded(vocabulary: dict[str, str]) -> dict[str, str]:
    """The vocabulary keyed by folded label (cached: profiles are few and fixed)."""
    cache_key = tuple(vocabulary.items())
    folded = _FOLDED.get(cache_key)
    if folded is None:
        folded = _FOLDED[cache_key] = {fold(label): key for label, key in vocabulary.items()}
    return folded


class LabelMatch(NamedTuple):
    key: str | None
    score: float  # 0-100: 100 exact (folded), else the fuzzy score it was chosen at


NO_MATCH = LabelMatch(None, 0.0)
EXACT = 100.0


def _best(query: str, choices: dict[str, str]) -> LabelMatch:
    if not query:
        return NO_MATCH
    if query in choices:
        return LabelMatch(choices[query], EXACT)
    n_words = len(query.split())
    scored: list[tuple[float, str]] = []
    for label, key in choices.items():
        score = fuzz.ratio(query, label)
        words = label.split()
        if n_words < len(words) and len(query) >= MIN_PREFIX:  # a label cut where the cell wrapped
            score = max(score, fuzz.ratio(query, " ".join(words[:n_words])) - PREFIX_PENALTY)
        scored.append((score, key))
    scored.sort(reverse=True)
    best_score, best_key = scored[0]
    runner_up = next((s for s, k in scored[1:] if k != best_key), 0.0)
    if best_score < LABEL_THRESHOLD or best_score - runner_up < LABEL_MARGIN:
        return LabelMatch(None, best_score)
    return LabelMatch(best_key, best_score)


def status_key(raw: str | None, vocabulary: dict[str, str] | None = None) -> str | None:
    """The status key for a status label as extracted, or None if none is close."""
    return status_match(raw, vocabulary).key


def status_match(raw: str | None, vocabulary: dict[str, str] | None = None) -> LabelMatch:
    """``status_key`` with the score the label was matched at."""
    if not raw:
        return NO_MATCH
    return _best(_clean(raw), _folded(vocabulary or STATUSES))


def assessment_key(raw: str | None, vocabulary: dict[str, str] | None = None) -> str | None:
    """The assessment key for the text after the assessment label, or None."""
    return assessment_match(raw, vocabulary).key


def assessment_match(raw: str | None, vocabulary: dict[str, str] | None = None) -> LabelMatch:
    """``assessment_key`` with the score the phrase was matched at."""
    if not raw:
        return NO_MATCH
    query = _clean(raw)
    choices = _folded(vocabulary or ASSESSMENTS)
    match = _best(query, choices)
    words = query.split()
    if match.key is None and words and fuzz.ratio(words[0], _ASSESSMENT_LABEL) >= 75:
        # the label itself came along ("Beddmning Delvis uppfyllt")
        match = _best(" ".join(words[1:]), choices)
    return match
