"""``activities.plan_year``: the year of the plan an activity belongs to.

An activity with the same title in next year's plan is a new instance: it keeps
its ``activity_key`` (the identity across years), and ``plan_year`` tells the
instances apart, so that "its status changed" compares reports of one plan year.

The plan year is the report's year. A report whose title spans years
(``Verksamhetsplan 2023–2024``, ``läsåret 2023/24``) or names none takes it from
the activity's own dates: the year it ends in, else the year it starts in, kept
inside the span when there is one.
"""
from __future__ import annotations

import datetime as dt
import re

# 2023–2024, 2023-24, 2023/24, 2023 – 2024: the first year and the last one's digits.
_SPAN = re.compile(r"(?<!\d)((?:19|20)\d\d)\s*[–—/-]\s*(\d{4}|\d\d)(?!\d)")


def year_span(title: str | None) -> tuple[int, int] | None:
    """The (first, last) years a title spans, or None when it names no span."""
    m = _SPAN.search(title or "")
    if m is None:
        return None
    first, last = int(m.group(1)), m.group(2)
    end = int(last) if len(last) == 4 else first // 100 * 100 + int(last)
    return (first, end) if first < end <= first + 10 else None


def plan_year(report_year: int | None, span: tuple[int, int] | None,
              start: dt.date | None, end: dt.date | None) -> int | None:
    """The plan year of one activity of a report (see the module docstring)."""
    if span is None and report_year is not None:
        return report_year
    for date in (end, start):
        if date is not None and (span is None or span[0] <= date.year <= span[1]):
            return date.year
    if span is not None:
        return span[0]
    return None
