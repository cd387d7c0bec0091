"""Report records: what the parser produces and normalisation refines.

Frozen dataclasses; a stage that changes a record returns a new one
(``dataclasses.replace``), keeping the ``*_raw`` fields as extracted.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field


@dataclass(frozen=True, slots=True)
class MeasureRecord:
    name: str
    target: str | None = None
    outcome: str | None = None
    unit: str | None = None


@dataclass(frozen=True, slots=True)
class ActivityRecord:
    title: str
    title_raw: str
    status: str | None = None
    status_raw: str | None = None
    description: str | None = None
    start_date: dt.date | None = None
    end_date: dt.date | None = None
    comment: str | None = None
    page: int | None = None
    source: str = "text"
    confidence: float = 1.0
    activity_key: str | None = None


@dataclass(frozen=True, slots=True)
class GoalRecord:
    number: str | None
    level: str  # kf | ks | ekonomi
    title: str
    title_raw: str
    parent_number: str | None = None
    area: str | None = None
    assessment: str | None = None
    assessment_raw: str | None = None
    comment: str | None = None
    page: int | None = None
    goal_key: str | None = None
    activities: tuple[ActivityRecord, ...] = ()
    measures: tuple[MeasureRecord, ...] = ()


@dataclass(frozen=True, slots=True)
class ReportRecord:
    report_id: str
    source_file: str
    municipality: str | None = None
    body: str | None = None
    title: str | None = None
    kind: str | None = None
    year: int | None = None
    period: str | None = None
    pages: int = 0
    ocr_pages: int = 0
    goals: tuple[GoalRecord, ...] = field(default=())
