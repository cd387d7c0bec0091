"""Report title, body, municipality, kind, year and period, read from the first pages."""
from __future__ import annotations

import re
from dataclasses import dataclass

from malrapport.extract.layout import Line, split_at_gaps
from malrapport.normalize.labels import fold

YEAR = re.compile(r"\b(19[89]\d|20\d\d)\b")
MUNICIPALITY = re.compile(r"\b([A-ZÅÄÖ][\wåäöÅÄÖéü-]+(?:-[A-ZÅÄÖ][\wåäö]+)?) (kommun|stad)\b")
TERTIAL = re.compile(r"tertial\s*([123])")
FULL_YEAR = ("helar", "arsredovisning", "bokslut", "helarsrapport")
UPPSIKT_TITLE = "redovisning av arbete for de politiska malen"
BODY_WORDS = ("kommunstyrelsen", "namnden", "namnd", "utskottet", "fullmaktige", "styrelsen")


@dataclass(frozen=True)
class ReportMeta:
    title: str | None
    kind: str | None
    year: int | None
    period: str | None
    municipality: str | None
    body: str | None


def read_metadata(first_pages: list[Line], running: list[Line]) -> ReportMeta:
    """``first_pages``: all lines of the first two pages, running header/footer included."""
    lines = [seg for line in first_pages + running for seg in split_at_gaps(line)]
    title, kind = _title(lines)
    year = _year(title, lines)
    period = _period(title) if kind == "tertial" else None
    return ReportMeta(title, kind, year, period, _municipality(lines), _body(lines))


def _title(lines: list[Line]) -> tuple[str | None, str | None]:
    for line in lines:
        f = fold(line.text)
        if "malavstamning" in f:
            return line.text.strip(), "tertial"
    for line in lines:
        if UPPSIKT_TITLE in fold(line.text):
            return line.text.strip(), "uppsikt"
    for line in lines:
        if "uppsikt" in fold(line.text):
            return line.text.strip(), "uppsikt"
    if not lines:
        return None, None
    biggest = max(lines[:40], key=lambda l: l.size)
    return biggest.text.strip(), None


def _year(title: str | None, lines: list[Line]) -> int | None:
    for text in [title or ""] + [l.text for l in lines]:
        m = YEAR.search(text)
        if m and not re.search(r"\d{4}-\d{2}-\d{2}", text):
            return int(m.group(1))
    return None


def _period(title: str | None) -> str | None:
    f = fold(title or "")
    m = TERTIAL.search(f)
    if m:
        return f"T{m.group(1)}"
    if any(marker in f for marker in FULL_YEAR):
        return "T3"
    return None


def _municipality(lines: list[Line]) -> str | None:
    for line in sorted(lines, key=lambda l: -l.size):
        m = MUNICIPALITY.search(line.text)
        if m and fold(m.group(1)) not in ("varje", "hela", "denna", "var", "en", "vilken"):
            return f"{m.group(1)} {m.group(2)}"
    return None


def _body(lines: list[Line]) -> str | None:
    for line in lines:
        f = fold(line.text)
        if len(line.words) <= 4 and any(f.endswith(b) for b in BODY_WORDS):
            return line.text.strip()
    return None
