"""Dates as reports print them: ISO dates, and the free text of a time plan.

``parse_date`` reads an ISO date, also as OCR reads it. ``end_of_period`` reads
what an action plan's ``Tidplan`` column says (``juni 2017``, ``Q3 2017``,
``vt 2018``, ``ht 2017``, ``2017``, ``Löpande``) and gives the last day of it:
the date the action was to be done by. These are words of the Swedish calendar,
the same in every report family.
"""
from __future__ import annotations

import calendar
import datetime as dt
import re

from malrapport.normalize.labels import fold

DATE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")
OCR_DATE = re.compile(r"^[\dOolI|]{4}-[\dOolI|]{2}-[\dOolI|]{2}$")
DATE_DIGITS = str.maketrans("OolI|", "00111")
DATE_MARKS = "<>«»()[]|.,:;'\"`´‘’“”-—–~_"

MONTHS = {
    "januari": 1, "jan": 1, "februari": 2, "feb": 2, "mars": 3, "mar": 3, "april": 4, "apr": 4,
    "maj": 5, "juni": 6, "jun": 6, "juli": 7, "jul": 7, "augusti": 8, "aug": 8,
    "september": 9, "sep": 9, "sept": 9, "oktober": 10, "okt": 10, "november": 11, "nov": 11,
    "december": 12, "dec": 12,
}
# Half years: vårterminen ends in June, höstterminen in December.
SPRING = {"vt", "var", "varen", "varterminen", "fv", "forsta halvaret"}
AUTUMN = {"ht", "host", "hosten", "hostterminen", "andra halvaret"}
QUARTER = re.compile(r"^(?:q|kv|kvartal)\s*([1-4])$")
TERTIAL = re.compile(r"^(?:t|tertial)\s*([1-3])$")
# Plans that run on without an end: no date, the printed text is kept.
ONGOING = {"lopande", "kontinuerligt", "lopande arbete", "ständigt", "standigt", "tillsvidare",
           "tills vidare", "fortlopande", "under aret"}
_YEAR = r"((?:19|20)\d\d)"


def parse_date(text: str) -> dt.date | None:
    """An ISO date, also as OCR reads it: glued marks (``<2022-03-01``), O for 0, l for 1."""
    text = text.strip().strip(DATE_MARKS)
    if OCR_DATE.match(text):
        text = text.translate(DATE_DIGITS)
    m = DATE.match(text)
    if not m:
        return None
    try:
        return dt.date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
    except ValueError:
        return None


def _month_end(year: int, month: int) -> dt.date:
    return dt.date(year, month, calendar.monthrange(year, month)[1])


def end_of_period(text: str | None) -> dt.date | None:
    """The last day of a printed time plan, or None (no date, or ``Löpande``)."""
    if not text:
        return None
    iso = parse_date(text)
    if iso is not None:
        return iso
    f = " ".join(re.sub(r"[^a-z0-9 -]", " ", fold(text)).split())
    if not f or f in ONGOING:
        return None
    m = re.fullmatch(r"(?:senast |klart |till |under |i |fore |per )?(.*?)[ -]*" + _YEAR, f)
    if not m:
        m2 = re.fullmatch(r"(\d{4})-(\d{2})", f)
        if m2 and 1 <= int(m2.group(2)) <= 12:
            return _month_end(int(m2.group(1)), int(m2.group(2)))
        return None
    head, year = m.group(1).strip(), int(m.group(2))
    if not head:
        return dt.date(year, 12, 31)
    range_m = re.fullmatch(r"(?:19|20)\d\d", head.strip(" -"))
    if range_m:  # "2017-2018", "2017 - 2018": the later year
        return dt.date(year, 12, 31)
    if head in MONTHS:
        return _month_end(year, MONTHS[head])
    day_m = re.fullmatch(r"(\d{1,2}) ([a-z]+)", head)
    if day_m and day_m.group(2) in MONTHS:
        try:
            return dt.date(year, MONTHS[day_m.group(2)], int(day_m.group(1)))
        except ValueError:
            return None
    if head in SPRING:
        return dt.date(year, 6, 30)
    if head in AUTUMN:
        return dt.date(year, 12, 31)
    q = QUARTER.fullmatch(head)
    if q:
        return _month_end(year, 3 * int(q.group(1)))
    t = TERTIAL.fullmatch(head)
    if t:
        return _month_end(year, 4 * int(t.group(1)))
    return None

