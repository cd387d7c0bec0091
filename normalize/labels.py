"""Status and assessment vocabulary (FORMAT.md) and their keys."""
from __future__ import annotations

import unicodedata

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


def fold(text: str) -> str:
    """Lower-case, strip diacritics and collapse white space: the comparison form."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    bare = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(bare.split())


_STATUS_BY_FOLD = {fold(label): key for label, key in STATUSES.items()}
_ASSESSMENT_BY_FOLD = {fold(label): key for label, key in ASSESSMENTS.items()}


def status_key(raw: str | None) -> str | None:
    """Exact (diacritic- and case-insensitive) status label to its key, else None."""
    if not raw:
        return None
    return _STATUS_BY_FOLD.get(fold(raw))


def assessment_key(raw: str | None) -> str | None:
    if not raw:
        return None
    return _ASSESSMENT_BY_FOLD.get(fold(raw))
