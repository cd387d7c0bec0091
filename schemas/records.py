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
    previous_outcome: str | None = None
    trend: str | None = None  # up | flat | down
    note: str | None = None  # the note printed under the measures table
    # The printed values as numbers (normalize/numbers.py): ``-1 850`` → -1850.0; None
    # for what is not one number (``Minska``, ``>90``, ``5–7``).
    target_value: float | None = None
    outcome_value: float | None = None
    previous_outcome_value: float | None = None


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
    responsible: str | None = None
    end_date_raw: str | None = None  # the printed end when it is no ISO date (Q3 2017)
    plan_year: int | None = None  # normalize/plan_year.py
    # Why the row is less than sure: short codes (normalize/confidence.py)
    reasons: tuple[str, ...] = ()
    # Where it was read: (x0, top, x1, bottom) in PDF points on ``page``, top-left origin
    box: tuple[float, ...] | None = None


@dataclass(frozen=True, slots=True)
class GoalRecord:
    number: str | None
    level: str  # kf | ks | ekonomi | namnd
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
    ordinal: int = 0  # 1-based, reading order within the report
    parent_ordinal: int | None = None
    description: str | None = None  # a paragraph of the goal's own under its heading
    source: str = "text"  # text | ocr | review (a correction applied)
    confidence: float = 1.0  # 0-1, from the evidence (normalize/confidence.py)
    reasons: tuple[str, ...] = ()
    box: tuple[float, ...] | None = None  # as ActivityRecord.box


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
    profile: str | None = None
    profile_score: float | None = None
    coverage: float | None = None  # share of the words inside goal sections that went into records
    warnings: tuple[WarningRecord, ...] = field(default=())
    # the file pages the report takes (a file may hold several reports); pages is the file's
    first_page: int | None = None
    last_page: int | None = None
    # clean (a text layer with its diacritics: the archive learns from it), repaired
    # (a text layer that lost them), ocr (pages read by OCR); normalize_report sets it
    text_quality: str | None = None
    repairs: tuple[RepairRecord, ...] = field(default=())


@dataclass(frozen=True, slots=True)
class RepairRecord:
    """One word the repair changed: where, as read, as written, and on what evidence
    (normalize/repairs.py)."""

    table: str
    field: str
    goal_ordinal: int | None
    ordinal: int | None
    raw: str
    repaired: str
    source: str  # archive, vocab, context, lexicon, typography


@dataclass(frozen=True, slots=True)
class WarningRecord:
    """Text that was read but landed in no record, or a word the profile does not know."""

    page: int | None
    kind: str
    message: str
    text: str | None = None
