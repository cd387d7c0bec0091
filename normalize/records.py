"""Normalise report records: repaired text, status and assessment keys, measure values
as numbers.

``normalize_report`` returns a new :class:`ReportRecord`; every ``*_raw``
field keeps what was extracted, every text field is NFC.  Whether the
report lost its diacritics is decided once, from all of its text, so a
short title is judged by the company it keeps; so are the spellings the
report settles (``SeenSpellings``), which decide words ambiguous alone.
"""
from __future__ import annotations

import dataclasses
import re
import unicodedata

from malrapport.schemas.records import (
    ActivityRecord,
    GoalRecord,
    MeasureRecord,
    RepairRecord,
    ReportRecord,
    WarningRecord,
)

from .confidence import LabelScores, with_confidence
from .labels import assessment_match, status_match
from .numbers import parse_number
from .plan_year import plan_year, year_span
from .repair import Repairer, get_repairer
from .seen import SeenSpellings
from .typography import OcrTypography
from .learned import with_learned
from .repairs import Evidence, repair_rows
from .vocabulary import Vocabulary, load_vocabulary, official_municipality

_LEADING_NUMBER = re.compile(r"^\s*\d+(?:\.\d+)*\.?\s+")


def normalize_report(report: ReportRecord, vocab: Vocabulary | None = None,
                     statuses: dict[str, str] | None = None,
                     assessments: dict[str, str] | None = None,
                     ocr_text: bool = False,
                     learned: dict[str, Vocabulary] | None = None) -> ReportRecord:
    """The report with titles, statuses, assessments and free text repaired.

    ``statuses`` and ``assessments`` are the printed labels of the report's
    profile and their keys (FORMAT.md's when not given). A printed status or
    assessment that matches none of them becomes a warning. ``ocr_text``: the
    words came from OCR (ours, or a scan's text layer), so the dash of a range
    is repaired too. ``learned``: what the archive's clean reports taught, per
    municipality (normalize/learned.py); the report's own municipality's comes
    first. The result's ``text_quality`` says whether the archive may learn from
    it (``clean``) or it was ``repaired`` or read by ``ocr``.
    """
    municipality = official_municipality(report.municipality)
    own = (learned or {}).get(municipality)
    base = vocab if own is None or vocab is not None else load_vocabulary()
    if own is not None:
        vocab = with_learned(base, learned, municipality)
    repairer = get_repairer(vocab)
    text = "\n".join(report_texts(report))
    degraded = repairer.is_degraded(text)
    quality = "ocr" if ocr_text else ("repaired" if degraded else "clean")
    seen = repairer.seen_in(text) if degraded else None
    shipped = base if base is not None else repairer.vocabulary
    evidence = Evidence(
        archive_words=own.words if own else frozenset(),
        archive_titles=frozenset(own.goals) if own else frozenset(),
        vocab_words=shipped.words, vocab_titles=frozenset(shipped.goals), seen=seen)
    fix = _Fixer(repairer, degraded, seen, statuses, assessments, ocr_text, evidence)
    if ocr_text:  # the dash, per cent and hashtag readings, with the report as context
        fix.typography = OcrTypography(text, repairer.lexicon)
    goals = tuple(_normalize_goal(g, fix) for g in report.goals)
    goals = _with_plan_years(goals, report.year, year_span(report.title))
    at = ("reports", None, None, None)
    normalized = dataclasses.replace(
        report,
        municipality=fix.checked(report.municipality, official_municipality(
            fix.text(report.municipality)), _at(at, "municipality")),
        body=fix.text(report.body, _at(at, "body")),
        title=fix.text(report.title, _at(at, "title")),
        goals=goals,
        warnings=report.warnings + tuple(fix.warnings),
        text_quality=quality,
        repairs=tuple(fix.repairs),
    )
    return with_confidence(normalized, fix.label_scores, statuses, assessments)


def _at(where: tuple, field_name: str) -> tuple:
    return (where[0], field_name, where[2], where[3])


def _with_plan_years(goals, report_year, span):
    return tuple(dataclasses.replace(g, activities=tuple(
        dataclasses.replace(a, plan_year=plan_year(report_year, span, a.start_date, a.end_date))
        for a in g.activities)) for g in goals)


def report_texts(report: ReportRecord):
    """Every extracted text of a report (raw fields where there are two)."""
    for value in (report.municipality, report.body, report.title):
        if value:
            yield value
    for g in report.goals:
        yield from (v for v in (g.title_raw, g.comment, g.description) if v)
        for a in g.activities:
            yield from (v for v in (a.title_raw, a.description, a.comment, a.responsible) if v)
        yield from (v for m in g.measures for v in (m.name, m.note) if v)


class _Fixer:
    def __init__(self, repairer: Repairer, degraded: bool, seen: SeenSpellings | None,
                 statuses: dict[str, str] | None = None,
                 assessments: dict[str, str] | None = None, ocr_text: bool = False,
                 evidence: Evidence | None = None):
        self.repairer = repairer
        self.evidence = evidence or Evidence()
        self.repairs: list[RepairRecord] = []
        self.ocr_text = ocr_text
        self.typography = OcrTypography()
        self.degraded = degraded
        self.seen = seen if seen is not None else SeenSpellings()
        self.statuses, self.assessments = statuses, assessments
        self.warnings: list[WarningRecord] = []
        self.label_scores = LabelScores()  # how sure each status and assessment match was

    def status(self, raw: str | None, page: int | None, row: tuple | None = None) -> str | None:
        key, score = status_match(raw, self.statuses)
        if row is not None:
            self.label_scores.statuses[row] = score
        if raw and key is None:
            self.warnings.append(WarningRecord(page, "unknown_status", f"the status {raw!r} is "
                                               "none of the profile's statuses", raw))
        return key

    def assessment(self, raw: str | None, page: int | None, ordinal: int | None = None) -> str | None:
        key, score = assessment_match(raw, self.assessments)
        if ordinal is not None:
            self.label_scores.assessments[ordinal] = score
        if raw and key is None:
            self.warnings.append(WarningRecord(page, "unknown_assessment", f"the assessment "
                                               f"{raw!r} is none of the profile's assessments", raw))
        return key

    def text(self, value: str | None, where: tuple | None = None) -> str | None:
        if value is None:
            return None
        fixed = self.repairer.repair_text(_nfc(value), self.degraded, self.seen)
        if self.ocr_text:
            fixed = self.typography.repair(fixed)
        return self.checked(value, fixed if fixed.strip() else None, where)

    def title(self, value: str | None, number: str | None = None,
              where: tuple | None = None) -> str | None:
        if value is None:
            return None
        value = _nfc(value)
        if number and value.lstrip().startswith(number):
            value = _LEADING_NUMBER.sub("", value, count=1)
        fixed = self.repairer.repair_title(value, self.degraded, self.seen)
        if self.ocr_text and fixed not in self.repairer.vocabulary.goal_set:
            fixed = self.typography.repair(fixed)  # a known title keeps its own dashes
        return self.checked(value, fixed if fixed.strip() else None, where, title=True)

    def checked(self, raw: str | None, fixed: str | None, where: tuple | None,
                title: bool = False) -> str | None:
        """``fixed``, with a ``repairs`` row for each word that differs from ``raw``."""
        if where is not None and raw and fixed and fixed != raw:
            self.repairs += repair_rows(" ".join(_nfc(raw).split()), " ".join(fixed.split()),
                                        where, self.evidence, title)
        return fixed


def _normalize_goal(goal: GoalRecord, fix: _Fixer) -> GoalRecord:
    at = ("goals", None, goal.ordinal, None)
    return dataclasses.replace(
        goal,
        title=fix.title(goal.title_raw, goal.number, _at(at, "title")) or goal.title,
        assessment=goal.assessment or (fix.assessment(goal.assessment_raw, goal.page, goal.ordinal)
                                       if goal.assessment_raw else None),
        comment=fix.text(goal.comment, _at(at, "comment")),
        description=fix.text(goal.description, _at(at, "description")),
        area=fix.text(goal.area, _at(at, "area")),
        activities=tuple(_normalize_activity(a, fix, goal.ordinal, i)
                         for i, a in enumerate(goal.activities, start=1)),
        measures=tuple(_normalize_measure(m, fix, goal.ordinal, i)
                       for i, m in enumerate(goal.measures, start=1)),
    )


def _normalize_activity(activity: ActivityRecord, fix: _Fixer, goal_ordinal=None,
                        ordinal=None) -> ActivityRecord:
    at = ("activities", None, goal_ordinal, ordinal)
    return dataclasses.replace(
        activity,
        title=fix.title(activity.title_raw, where=_at(at, "title")) or activity.title,
        status=fix.status(activity.status_raw, activity.page, (goal_ordinal, ordinal))
        if activity.status_raw else activity.status,
        responsible=fix.text(activity.responsible, _at(at, "responsible")),
        description=fix.text(activity.description, _at(at, "description")),
        comment=fix.text(activity.comment, _at(at, "comment")),
    )


def _normalize_measure(measure: MeasureRecord, fix: _Fixer, goal_ordinal=None,
                       ordinal=None) -> MeasureRecord:
    at = ("measures", None, goal_ordinal, ordinal)
    return dataclasses.replace(measure, name=fix.text(measure.name, _at(at, "name")) or measure.name,
                               note=fix.text(measure.note, _at(at, "note")),
                               target_value=parse_number(measure.target),
                               outcome_value=parse_number(measure.outcome),
                               previous_outcome_value=parse_number(measure.previous_outcome))


def _nfc(value: str) -> str:
    return unicodedata.normalize("NFC", value)
