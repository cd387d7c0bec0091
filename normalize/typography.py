"""Punctuation OCR gets wrong beside figures: the en dash of a range.

Swedish typography sets a range with an en dash (``årskurs 7–9``, ``2023–2026``,
``dag 1–14``, ``F–6``, ``januari–augusti``); OCR reads it as a hyphen or an em dash.
Between figures (or the F of förskoleklass and a figure), or between two months,
with no space, the dash becomes an en dash.
An ISO date (``2024-06-14``) is left alone: its figures have more hyphens beside them.
Only text that OCR read is repaired; a born-digital text layer prints what it prints.
"""
from __future__ import annotations

import re

_RANGE = re.compile(r"(?<![\w-])(\d{1,4}|F)[-—‐](\d{1,4})(?![\w-])")
_MONTHS = ("januari|februari|mars|april|maj|juni|juli|augusti|september|oktober|november|"
           "december")
_MONTH_RANGE = re.compile(rf"(?i)\b({_MONTHS})[-—‐]({_MONTHS})\b")


def repair_dashes(text: str) -> str:
    text = _RANGE.sub(lambda m: f"{m.group(1)}–{m.group(2)}", text)
    return _MONTH_RANGE.sub(lambda m: f"{m.group(1)}–{m.group(2)}", text)
