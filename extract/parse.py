"""Layout blocks → goal records, for both report families.

One pass over the blocks collects drafts (a heading and what follows it up to
the next heading); a second step decides which headings are goals and at which
level. Where a field is filled: ``assessment_raw`` in ``_on_label`` and
``_on_paragraph``; activity ``title_raw``, ``status_raw`` and dates in
``_start_activity``; ``description`` and ``comment`` in ``_add_text``;
uppsikt-style status lines in ``_add_text`` too; measures in ``_on_measure_line``.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from rapidfuzz import fuzz

from malrapport.extract.blocks import Block, Heading, Label, Paragraph, TableHeader
from malrapport.extract.catalogue import Catalogue
from malrapport.extract.layout import Line
from malrapport.extract.tables import Row, lines_to_rows, measure_cells, parse_date
from malrapport.normalize.labels import ASSESSMENTS, STATUSES, fold, status_key
from malrapport.schemas.records import ActivityRecord, GoalRecord, MeasureRecord

ECONOMY_MARKERS = ("ekonomisk hushallning",)
ECONOMY_SIMILARITY = 85
MEASURE_SIZE_TOLERANCE = 0.1
_EXACT_LABELS = {fold(label) for label in (*STATUSES, *ASSESSMENTS)}
# How OCR reads a per cent sign in a unit: (96), (26), (9/60), (9%), (o/o).
OCR_PERCENT = re.compile(r"%|9?%|96|26|9/6?0?|o/o|0/0")
# A bullet as drawn, and as OCR reads it.
_BULLETS = {"•", "·", "«", "»", "©", "®", "°"}


@dataclass
class _Activity:
    row: Row
    page: int
    has_status_column: bool
    status_line: str | None = None
    description: list[str] = field(default_factory=list)
    comment: list[str] = field(default_factory=list)
    in_comment: bool = False

    def to_record(self) -> ActivityRecord:
        words = self.row.words
        status = self.row.text("status") if self.has_status_column else self.status_line
        conf = sum(w.conf for w in words) / len(words) if words else 1.0
        return ActivityRecord(
            title=self.row.text("title"), title_raw=self.row.text("title"),
            status_raw=_strip_icon(status) or None,
            description=_join(self.description), comment=_join(self.comment),
            start_date=_first_date(self.row.cells.get("start")),
            end_date=_first_date(self.row.cells.get("end")),
            page=self.page, source="ocr" if any(w.source == "ocr" for w in words) else "text",
            confidence=round(conf, 4))


@dataclass
class _Draft:
    heading: Heading
    chapter: str | None
    chapter_title: str
    assessment_raw: str | None = None
    comment: list[str] = field(default_factory=list)
    activities: list[_Activity] = field(default_factory=list)
    measures: list[MeasureRecord] = field(default_factory=list)
    has_content: bool = False


class _Parser:
    def __init__(self) -> None:
        self.drafts: list[_Draft] = []
        self.chapter: str | None = None
        self.chapter_title = ""
        self.goal: _Draft | None = None
        self.table: TableHeader | None = None
        self.activity: _Activity | None = None
        self.awaiting: str | None = None  # "assessment" | "goal_comment"
        self.measure_rows: list[Line] = []

    def feed(self, block: Block) -> None:
        if isinstance(block, Heading):
            self._on_heading(block)
        elif self.goal is None:
            return  # prose before the first numbered heading
        elif isinstance(block, Label):
            self._on_label(block)
        elif isinstance(block, TableHeader):
            self._on_table_header(block)
        else:
            self._on_paragraph(block)

    def _on_heading(self, h: Heading) -> None:
        self.table, self.activity, self.awaiting = None, None, None
        if h.number is not None and "." not in h.number:
            self.chapter, self.chapter_title, self.goal = h.number, h.text, None
            return
        chapter = h.number.split(".")[0] if h.number else self.chapter
        if chapter != self.chapter:
            self.chapter, self.chapter_title = chapter, ""
        self.goal = _Draft(h, self.chapter, self.chapter_title)
        self.drafts.append(self.goal)

    def _on_label(self, lab: Label) -> None:
        self.goal.has_content = True
        if lab.name == "bedomning":
            self.awaiting = "assessment"
            if _strip_icon(lab.rest):
                self.goal.assessment_raw = _strip_icon(lab.rest)
                self.awaiting = None
        elif self.activity is not None:
            self.activity.in_comment = True
            self._add_text(lab.rest)
        else:
            self.awaiting = "goal_comment"
            if lab.rest:
                self.goal.comment.append(lab.rest)

    def _on_table_header(self, header: TableHeader) -> None:
        self.goal.has_content = True
        self.awaiting = None
        if self.table is None or self.table.kind != header.kind:
            self.activity = None
            self.measure_rows = []
        self.table = header

    def _on_paragraph(self, para: Paragraph) -> None:
        lines = list(para.lines)
        if self.awaiting == "assessment":
            self.goal.assessment_raw = _strip_icon(lines[0].text)
            self.awaiting = None
            lines = lines[1:]
            if not lines:
                return
        if self.table is None:
            if self.awaiting == "goal_comment":
                self.goal.comment.append(_lines_text(lines))
            return
        if self.table.kind == "measures":
            self._on_measure_lines(lines)
            return
        pending: list[Line] = []
        for item in lines_to_rows(lines, self.table):
            if isinstance(item, Row):
                self._add_lines(pending)
                pending = []
                self._start_activity(item, para.page)
            else:
                pending.append(item)
        self._add_lines(pending)

    def _start_activity(self, row: Row, page: int) -> None:
        has_status = any(c.name == "status" for c in self.table.columns)
        self.activity = _Activity(row, page, has_status)
        self.goal.activities.append(self.activity)

    def _add_lines(self, lines: list[Line]) -> None:
        """Text under a row: description, then (uppsikt) a status line, then the comment."""
        act = self.activity
        if act is None or not lines:
            return
        if not act.has_status_column and act.status_line is None and not act.in_comment:
            for i, line in enumerate(lines):
                if _is_status_line(line):
                    self._add_text(_lines_text(lines[:i]))
                    act.status_line = _strip_icon(line.text)
                    act.in_comment = True
                    self._add_text(_lines_text(lines[i + 1:]))
                    return
        self._add_text(_lines_text(lines))

    def _add_text(self, text: str) -> None:
        act = self.activity
        if act is None or not text:
            return
        (act.comment if act.in_comment else act.description).append(text)

    def _on_measure_lines(self, lines: list[Line]) -> None:
        """Rows of a measures table; a note under it (smaller print than the rows,
        or a paragraph of its own with no target or outcome) ends the table."""
        for i, line in enumerate(lines):
            cells = measure_cells(line, self.table)
            first = self.measure_rows[0] if self.measure_rows else None
            smaller = first is not None and line.size < (1 - MEASURE_SIZE_TOLERANCE) * first.size
            note = i == 0 and self.goal.measures and cells is not None and set(cells) == {"name"}
            if cells is None or smaller or note:
                self.table = None
                return
            prev = self.measure_rows[-1] if self.measure_rows else None
            self.measure_rows.append(line)
            self._on_measure_line(line, cells, prev)

    def _on_measure_line(self, line: Line, cells: dict[str, str], prev: Line | None) -> None:
        wrapped = (prev is not None and set(cells) == {"name"} and self.goal.measures
                   and 0 < line.ymid - prev.ymid < 1.6 * line.size)
        if wrapped:
            last = self.goal.measures[-1]
            self.goal.measures[-1] = MeasureRecord(f"{last.name} {cells['name']}",
                                                   last.target, last.outcome, last.unit)
        else:
            self.goal.measures.append(_measure(cells))


def _measure(cells: dict[str, str]) -> MeasureRecord:
    name = cells.get("name", "").strip()
    unit = None
    if name.endswith(")") and "(" in name:
        head, _, tail = name.rpartition("(")
        if len(tail) <= 12:
            name, unit = head.strip(), tail[:-1].strip() or None
            if unit and OCR_PERCENT.fullmatch(unit):
                unit = "%"
    return MeasureRecord(name=name, target=cells.get("target") or None,
                         outcome=cells.get("outcome") or None, unit=unit)


def _is_status_line(line: Line) -> bool:
    """A status standing on its own line behind its icon (uppsikt layout)."""
    text = _strip_icon(line.text)
    return 0 < len(text.split()) <= 4 and status_key(text) is not None


def _strip_icon(text: str | None) -> str:
    """Drop OCR renderings of the coloured circle (``@``, ``®)``, ``O``, ``Oe``) before a label.

    The least-stripped reading that is exactly a status or assessment label wins;
    otherwise leading one-letter and symbol tokens go (no label starts with one).
    """
    if not text:
        return ""
    words = text.split()
    for n in range(min(3, len(words))):
        if fold(" ".join(words[n:])) in _EXACT_LABELS:
            return " ".join(words[n:])
    while len(words) > 1 and (not any(c.isalpha() for c in words[0]) or len(words[0]) == 1):
        words = words[1:]
    if words and not any(c.isalpha() for c in words[0]):
        words = words[1:]
    return " ".join(words)


def _lines_text(lines: list[Line]) -> str:
    """Lines joined by spaces; a bulleted line starts a line of its own, behind ``•``."""
    text = ""
    for line in lines:
        words = [w.text for w in line.words]
        if len(words) > 1 and words[0] in _BULLETS:
            text += ("\n" if text else "") + "• " + " ".join(words[1:])
        else:
            text += (" " if text else "") + " ".join(words)
    return text


def _join(parts: list[str]) -> str | None:
    """Paragraphs joined by newlines, except a sentence cut by a page break, rejoined by a space."""
    text = ""
    for part in (p.strip() for p in parts):
        if not part:
            continue
        if not text:
            text = part
        elif text[-1] not in ".!?:;)»”\"" and part[:1].islower():
            text += " " + part
        else:
            text += "\n" + part
    return text or None


def _first_date(texts: list[str] | None):
    for t in texts or []:
        d = parse_date(t)
        if d:
            return d
    return None


def blocks_to_goals(blocks: list[Block], catalogue: Catalogue) -> list[GoalRecord]:
    parser = _Parser()
    for block in blocks:
        parser.feed(block)
    return _drafts_to_goals(parser.drafts, catalogue)


def _drafts_to_goals(drafts: list[_Draft], catalogue: Catalogue) -> list[GoalRecord]:
    goal_chapters = {d.chapter for d in drafts if d.has_content}
    deep = {d.chapter for d in drafts if d.heading.number and d.heading.number.count(".") >= 2}
    goals = []
    for d in drafts:
        if d.chapter not in goal_chapters:
            continue
        number = d.heading.number
        depth = number.count(".") + 1 if number else 2
        if depth == 2 and d.chapter in deep:
            level, parent = "kf", None
        elif depth == 2 and not d.has_content:
            continue  # a prose heading inside a goal chapter (uppsikt 1.5, 1.6)
        else:
            parent = ".".join(number.split(".")[:-1]) if depth >= 3 else None
            economy = any(fuzz.partial_ratio(m, fold(d.chapter_title)) >= ECONOMY_SIMILARITY
                          for m in ECONOMY_MARKERS)
            level = "ekonomi" if economy or catalogue.is_economy(d.heading.text) else "ks"
        goals.append(GoalRecord(
            number=number, level=level, parent_number=parent,
            area=catalogue.area_of(d.heading.text),
            title=d.heading.text, title_raw=d.heading.text,
            assessment_raw=d.assessment_raw or None, assessment=None,
            comment=_join(d.comment), page=d.heading.page,
            activities=tuple(a.to_record() for a in d.activities),
            measures=tuple(d.measures)))
    return goals
