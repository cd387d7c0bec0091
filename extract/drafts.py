"""Drafts of goals and activities as the parser fills them, and how they become records.

A goal draft is a heading and what followed it up to the next heading. Which
numbered headings are goals, and at which level (``kf``, ``ekonomi``, …), is
decided here, once every draft is read: a numbered heading is a goal when its
chapter holds goal content. Activity fields come from the row's cells in
``ActivityDraft.to_record``.
"""
from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field

from rapidfuzz import fuzz

from malrapport.extract.blocktypes import Heading
from malrapport.extract.catalogue import Catalogue
from malrapport.extract.dates import end_of_period, parse_date
from malrapport.extract.profile import Profile
from malrapport.extract.tables import Row
from malrapport.extract.text import join_parts, strip_icon
from malrapport.extract.warnings import Coverage, Warn
from malrapport.normalize.confidence import word_evidence
from malrapport.normalize.labels import fold
from malrapport.schemas.records import ActivityRecord, GoalRecord, MeasureRecord

ECONOMY_SIMILARITY = 85


@dataclass
class ActivityDraft:
    row: Row
    page: int
    slots: tuple[str, ...]  # what the text under the row holds, in order
    slot: int = 0
    status_line: str | None = None
    description: list[str] = field(default_factory=list)
    comment: list[str] = field(default_factory=list)
    text_lines: list = field(default_factory=list)  # the lines under the row its text came from

    @property
    def current(self) -> str:
        return self.slots[self.slot] if self.slot < len(self.slots) else "comment"

    def to_record(self, labels: frozenset[str]) -> ActivityRecord:
        words = self.row.words
        status = self.row.text("status") if "status" in self.row.cells else self.status_line
        conf, reasons = word_evidence(words, [w for l in self.text_lines for w in l.words])
        end_text = self.row.text("end") or None
        end = first_date(self.row.cells.get("end")) or end_of_period(end_text)
        comment = [self.row.text("comment")] if self.row.text("comment") else []
        return ActivityRecord(
            title=self.row.text("title"), title_raw=self.row.text("title"),
            status_raw=strip_icon(status, labels) or None,
            description=join_parts(self.description), comment=join_parts(comment + self.comment),
            start_date=first_date(self.row.cells.get("start")),
            end_date=end,
            end_date_raw=end_text if end_text and (end is None
                                                   or end.isoformat() != "".join(end_text.split()))
            else None,
            responsible=self.row.text("responsible") or None,
            page=self.page, source="ocr" if any(w.source == "ocr" for w in words) else "text",
            confidence=round(conf, 4), reasons=reasons, box=box_of(self.row.lines, self.page))


@dataclass
class GoalDraft:
    heading: Heading
    chapter: str | None
    chapter_title: str
    area: str | None = None
    assessment_raw: str | None = None
    assessment: str | None = None  # the key, when a symbol gave it (no words to normalise)
    assessment_by_colour: bool = False  # that key from the symbol's colour by the profile's map
    comment: list[str] = field(default_factory=list)
    description: list[str] = field(default_factory=list)  # paragraphs under the heading
    activities: list[ActivityDraft] = field(default_factory=list)
    measures: list[MeasureRecord] = field(default_factory=list)
    measure_note: list[str] = field(default_factory=list)  # text under the measures table
    has_content: bool = False
    coverage: Coverage = field(default_factory=Coverage)
    warnings: list[Warn] = field(default_factory=list)
    row: Row | None = None  # the goals-table row it was read from
    text_lines: list = field(default_factory=list)  # lines its assessment and texts came from


def box_of(lines, page: int | None) -> tuple[float, ...] | None:
    """(x0, top, x1, bottom) around the words of ``lines`` on ``page`` (a row cut by a
    page break has lines on the next page too), or None when it has none there."""
    words = [w for line in lines if line.page == page for w in line.words]
    if not words:
        return None
    return (round(min(w.x0 for w in words), 2), round(min(w.top for w in words), 2),
            round(max(w.x1 for w in words), 2), round(max(w.bottom for w in words), 2))


def first_date(texts: list[str] | None):
    """The cell's first date; a date OCR split in two or three pieces (``2025-06-3``,
    ``0``) read joined."""
    texts = texts or []
    for t in texts:
        d = parse_date(t)
        if d:
            return d
    for n in (2, 3):
        for i in range(len(texts) - n + 1):
            d = parse_date("".join(texts[i:i + n]))
            if d:
                return d
    return None


@dataclass(frozen=True)
class ParseResult:
    goals: list[GoalRecord]
    warnings: list[Warn]
    coverage: Coverage


def drafts_to_goals(drafts: list[GoalDraft], catalogue: Catalogue, profile: Profile,
                     labels: frozenset[str]) -> ParseResult:
    goal_chapters = {d.chapter for d in drafts if d.has_content}
    deep = {d.chapter for d in drafts
            if d.heading.role == "numbered" and d.heading.number and d.heading.number.count(".") >= 2}
    goals: list[GoalRecord] = []
    warnings: list[Warn] = []
    coverage = Coverage()
    last_of_level: dict[str, int] = {}  # level → ordinal of its latest goal
    for d in drafts:
        if d.heading.role == "numbered":
            placed = _numbered_level(d, goal_chapters, deep, catalogue, profile)
            if placed is None:
                continue
            level, parent = placed
            parent_ordinal = next((g.ordinal for g in reversed(goals) if g.number == parent), None)
        else:
            level = d.heading.level or profile.default_level
            parent, parent_ordinal = None, None
            if d.heading.parent:
                parent_ordinal = last_of_level.get(d.heading.parent)
                if parent_ordinal is not None:
                    parent = goals[parent_ordinal - 1].number
        ordinal = len(goals) + 1
        last_of_level[level] = ordinal
        area = catalogue.area_of(d.heading.text) or d.area
        words = [w for line in d.heading.lines for w in line.words]
        conf, reasons = word_evidence(words, [w for l in d.text_lines for w in l.words])
        source = "ocr" if any(w.source == "ocr" for w in words) else "text"
        if d.assessment_by_colour and source == "ocr":  # a scan shifts and greys colours
            reasons = (*reasons, "assessment_colour")
        goals.append(GoalRecord(
            number=d.heading.number, level=level, parent_number=parent,
            ordinal=ordinal, parent_ordinal=parent_ordinal,
            area=area, title=d.heading.text, title_raw=d.heading.text,
            assessment_raw=d.assessment_raw or None, assessment=d.assessment,
            comment=join_parts(d.comment), description=join_parts(d.description),
            page=d.heading.page, source=source,
            confidence=round(conf, 4), reasons=reasons, box=box_of(d.heading.lines, d.heading.page),
            activities=tuple(a.to_record(labels) for a in d.activities),
            measures=tuple(with_note(d.measures, join_parts(d.measure_note)))))
        warnings.extend(d.warnings)
        coverage.merge(d.coverage)
    return ParseResult(goals, warnings, coverage)


def _numbered_level(d: GoalDraft, goal_chapters: set, deep: set, catalogue: Catalogue,
                    profile: Profile) -> tuple[str, str | None] | None:
    """Level and parent number of a numbered heading, or None when it is prose."""
    if d.chapter not in goal_chapters:
        return None
    number = d.heading.number
    depth = number.count(".") + 1 if number else 2
    if depth == 2 and d.chapter in deep:
        return "kf", None
    if depth == 2 and not d.has_content:
        return None  # a prose heading inside a goal chapter (uppsikt 1.5, 1.6)
    parent = ".".join(number.split(".")[:-1]) if depth >= 3 else None
    chapter = fold(d.chapter_title)
    economy = any(fuzz.partial_ratio(" ".join(p.words), chapter) >= ECONOMY_SIMILARITY
                  for p in profile.economy) if chapter else False
    level = "ekonomi" if economy or catalogue.is_economy(d.heading.text) else profile.default_level
    return level, parent


def with_note(measures: list[MeasureRecord], note: str | None) -> list[MeasureRecord]:
    if not note:
        return measures
    return [dataclasses.replace(m, note=note) for m in measures]
