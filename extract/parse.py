"""Layout blocks → goal records, by the words and placements of the report's profile.

One pass over the blocks collects drafts (a goal heading and what follows it up
to the next heading); a second step decides which headings are goals and at which
level (``drafts``). Where a field is filled: ``assessment_raw`` in ``_on_label`` and
``_on_paragraph``; activity ``title_raw``, ``status_raw``, ``responsible`` and
dates in ``drafts.ActivityDraft.to_record`` (from the row's cells); ``description``,
``comment`` and status lines under a row in ``_add_lines`` (the profile's
``under_row`` slots); measures in ``measures.cells_to_measure``; goals read from
a goals table in ``goaltable``. Text inside a goal's section that lands in no
field becomes a warning, and counts against the report's coverage.
"""
from __future__ import annotations

import dataclasses

from rapidfuzz import fuzz

from malrapport.extract.blocks import Block, GridRows, Heading, Label, Paragraph, TableHeader
from malrapport.extract.catalogue import Catalogue
from malrapport.extract.drafts import ActivityDraft, GoalDraft, ParseResult, drafts_to_goals
from malrapport.extract import goaltable
from malrapport.extract.layout import Line
from malrapport.extract.measures import cells_to_measure, extend_name, trend_of_mark
from malrapport.extract.profile import Profile
from malrapport.extract.symbols import Legend
from malrapport.extract.tables import (
    Row,
    band_to_row,
    boundaries_run_across,
    continues_cut_row,
    lines_to_rows,
    measure_cells,
)
from malrapport.extract.text import folded_labels, lines_text, strip_icon
from malrapport.extract.warnings import Coverage, Warn
from malrapport.normalize.labels import fold, status_key
from malrapport.schemas.words import Mark

MEASURE_SIZE_TOLERANCE = 0.1


class _Parser:
    def __init__(self, profile: Profile, marks: dict[int, tuple[Mark, ...]] | None = None,
                 legend: Legend | None = None) -> None:
        self.profile = profile
        self.marks = marks or {}
        self.legend = legend or Legend()
        self.level: str | None = None  # from a section row of a goals table
        self.goals_spec = None  # the goals table read last
        self.rows_since_header = 0
        self.statuses = tuple(profile.statuses)
        self.labels = folded_labels(tuple(profile.statuses), tuple(profile.assessments))
        self.drafts: list[GoalDraft] = []
        self.chapter: str | None = None
        self.chapter_title = ""
        self.area: str | None = None
        self.goal: GoalDraft | None = None
        self.table: TableHeader | None = None
        self.activity: ActivityDraft | None = None
        self.awaiting: str | None = None  # "assessment" | "goal_comment"
        self.measure_rows: list[Line] = []
        self.grid_open = False  # the last ruled table ran to the bottom of its page
        self.section_coverage = Coverage()  # section rows of goals tables: structure
        self.ruled_rows = False  # the current table's rows came from its ruling lines

    # dispatch --------------------------------------------------------------------
    def feed(self, block: Block) -> None:
        if isinstance(block, Heading):
            self._on_heading(block)
        elif isinstance(block, TableHeader) and block.kind == "goals":
            self._on_goals_header(block)
        elif isinstance(block, GridRows) and self.table is not None and self.table.kind == "goals":
            self._on_goal_rows(block)
        elif isinstance(block, Paragraph) and self.table is not None and self.table.kind == "goals":
            self._on_goals_paragraph(block)
        elif self.goal is None:
            return  # prose before the first goal heading, or in a chapter of prose
        elif isinstance(block, Label):
            self._on_label(block)
        elif isinstance(block, TableHeader):
            self.goal.coverage.use([block.line])  # a header row is structure: read, not lost
            self._on_table_header(block)
        elif isinstance(block, GridRows):
            self._on_grid_rows(block)
        else:
            self._on_paragraph(block)

    def _used(self, lines) -> None:
        self.goal.coverage.use(lines)

    def _lost(self, lines: list[Line], why: str) -> None:
        """Text inside a goal's section that no field takes: a warning."""
        lines = [l for l in lines if l.text.strip()]
        if not lines:
            return
        self.goal.coverage.add_all(lines)
        self.goal.warnings.append(Warn(lines[0].page, "unplaced_text", why,
                                       lines_text(lines)))

    # headings --------------------------------------------------------------------
    def _on_heading(self, h: Heading) -> None:
        self.table, self.activity, self.awaiting = None, None, None
        if h.role == "area":
            self.area, self.goal = h.text.strip() or None, None
            return
        if h.role == "section":
            self.goal, self.table, self.area = None, None, None
            return
        if h.role == "chapter" or (h.role == "numbered" and h.number is not None
                                   and "." not in h.number):
            self.chapter, self.chapter_title, self.goal = h.number, h.text, None
            self.area = None
            return
        chapter = h.number.split(".")[0] if h.number and h.role == "numbered" else self.chapter
        if chapter != self.chapter:
            self.chapter, self.chapter_title = chapter, ""
        self.goal = GoalDraft(h, self.chapter, self.chapter_title, self.area)
        self.goal.coverage.use(h.lines)
        self.drafts.append(self.goal)

    # labels ----------------------------------------------------------------------
    def _on_label(self, lab: Label) -> None:
        self.goal.has_content = True
        self.goal.coverage.use([lab.line] if lab.line else [])
        if lab.line is not None:  # the words a field was read from: evidence for its confidence
            owner = self.goal if self.activity is None or lab.name == "assessment" else self.activity
            owner.text_lines.append(lab.line)
        if lab.name == "assessment":
            self.awaiting = "assessment"
            rest = strip_icon(lab.rest, self.labels)
            if rest:
                self._take_assessment(rest)
        elif self.activity is not None:
            self.activity.slot = _slot_index(self.activity.slots, "comment")
            self._add_text(lab.rest)
        else:
            self.awaiting = "goal_comment"
            if lab.rest:
                self.goal.comment.append(lab.rest)

    def _take_assessment(self, text: str) -> None:
        """The assessment phrase (``text`` without its icon); a sentence after it on the
        same line is the goal's comment."""
        raw, rest = split_assessment(text, self.profile)
        self.goal.assessment_raw = raw
        self.awaiting = "goal_comment" if self.profile.comment_after_assessment else None
        if rest:
            self.goal.comment.append(rest)
            self.awaiting = "goal_comment"

    # tables ----------------------------------------------------------------------
    def _on_table_header(self, header: TableHeader) -> None:
        self.goal.has_content = True
        self.awaiting = None
        if header.unknown:
            names = ", ".join(repr(c.text) for c in header.unknown)
            self.goal.warnings.append(Warn(
                header.page, "unknown_column",
                f"the {header.kind} table has header words the profile "
                f"{self.profile.name!r} does not know ({names}); their cells are not read",
                header.line.text if header.line else ""))
        for text in header.guessed:
            self.goal.warnings.append(Warn(
                header.page, "unknown_column",
                f"the {header.kind} table's header cell {text!r} is not the profile "
                f"{self.profile.name!r}'s words; read by its position",
                header.line.text if header.line else ""))
        if self.table is None or self.table.kind != header.kind:
            self.activity = None
            self.measure_rows = []
        self.table = header
        self.ruled_rows = False

    def _on_goals_paragraph(self, para: Paragraph) -> None:
        if self.ruled_rows or not self._goal_paragraph(para):
            self.table, self.goal = None, None  # after the table: prose, outside any goal

    def _on_paragraph(self, para: Paragraph) -> None:
        lines = list(para.lines)
        if self.awaiting == "assessment":
            self._used(lines[:1])
            self.goal.text_lines += lines[:1]
            self._take_assessment(strip_icon(lines[0].text, self.labels))
            lines = lines[1:]
            if not lines:
                return
        if self.table is not None and self.table.spec is not None and self.table.spec.ruled \
                and self.ruled_rows:
            self.table = None  # text after a ruled table's last rule is no longer the table's
        if self.table is None:
            if self.awaiting == "goal_comment":
                self._used(lines)
                self.goal.text_lines += lines
                self.goal.comment.append(lines_text(lines))
            elif self.profile.goal_description and not self.goal.has_content:
                self._used(lines)  # a paragraph of the goal's own, under its heading
                self.goal.text_lines += lines
                self.goal.description.append(lines_text(lines))
            else:
                self._lost(lines, "text after the goal heading that is no label, "
                                  "table or comment of the profile")
            return
        if self.table.kind == "measures":
            self._on_measure_lines(lines)
            return
        if self.table.kind != "activities":
            self._lost(lines, f"text in a {self.table.kind} table")
            return
        pending: list[Line] = []
        for item in lines_to_rows(lines, self.table, self.statuses):
            if isinstance(item, Row):
                self._add_lines(pending)
                pending = []
                self._start_activity(item, para.page)
            else:
                pending.append(item)
        self._add_lines(pending)

    # goals tables ------------------------------------------------------------------
    def _on_goals_header(self, header: TableHeader) -> None:
        """A goals table's header row; a table of another kind than the one before
        (the financial goals after the others) starts without an area."""
        if self.goals_spec is not None and self.goals_spec is not header.spec:
            self.area = None
        self.goals_spec = header.spec
        self.table, self.activity, self.awaiting = header, None, None
        self.ruled_rows = False
        self.rows_since_header = 0
        if header.spec.level is not None:
            self.level = header.spec.level
        elif self.level == "ekonomi":
            self.level = None

    def _on_goal_rows(self, block: GridRows) -> None:
        """Each row of a goals table a goal; rows across it name an area or a level."""
        for i, band in enumerate(block.bands):
            if not band.empty:
                self._goal_band(band, block.page, i == 0 and block.first_on_page)
        self.grid_open = block.last_on_page
        self.ruled_rows = True

    def _goal_paragraph(self, para: Paragraph) -> bool:
        """A goals table whose rows have no rules: each paragraph under its header is a
        row (the rows stand apart by more than a line), until text runs across the
        columns (prose after the table). False when the table has ended."""
        header = self.table
        if any(boundaries_run_across(l, header) >= 2 for l in para.lines if not self._is_legend(l)):
            return False
        band = goaltable.band_of(para.lines)
        # the first row under a header repeated on a new page may be the rest of the last one
        first_after_repeat = self.rows_since_header == 0 and self.goal is not None \
            and self.goal.row is not None and self.goal.heading.page < para.page
        self.grid_open = True
        self._goal_band(band, para.page, first_after_repeat)
        self.rows_since_header += 1
        return True

    def _is_legend(self, line: Line) -> bool:
        return id(line) in self.legend.line_ids

    def _goal_band(self, band, page: int, may_continue: bool) -> None:
        header = self.table
        column = next((c for c in header.columns if c.name == "assessment"), None)
        if band.line_ids and band.line_ids <= self.legend.line_ids:
            self.section_coverage.use(band.lines)  # the legend, framed like a row
            return
        section = goaltable.section_of(band, self.profile)
        if section is not None and header.spec.level is None:
            if len(band.source) > 1:  # two rows whose rule a scan lost: the section, then the rest
                _above, own, below = band.split_at(band.source[0], page)
                self._goal_band(own, page, False)
                if below is not None:
                    self._goal_band(below, page, False)
                return
            if section.rule.role == "area":
                self.area = section.rest or None
            else:
                self.level, self.area = section.rule.level, None
            self.section_coverage.use(band.lines)
            return
        if len(band.cells) == 1 and any(boundaries_run_across(l, header) >= 2 for l in band.lines):
            return  # text running across the columns: a heading and prose between two tables
        row = band_to_row(band, header)
        key, raw, by_colour = goaltable.row_assessment(row, band, column, self.marks.get(page, ()),
                                                       self.legend, self.profile)
        previous = self.goal.row if self.goal is not None else None
        # a row cut by a page break, the rest of it under the repeated header; a row with
        # no title and no symbol of its own is always the rest of the one before
        went_on = ((may_continue and self.grid_open) or (not self.ruled_rows and key is None)
                   or (key is None and not row.text("title")))
        if (went_on and previous is not None
                and goaltable.is_fragment(row, previous, key is not None)):
            previous.extend(row)
            self._refill_goal_row(self.goal, header)
            self.goal.coverage.use(band.lines)
            return
        has_values = row.text("target") or row.text("outcome") or row.text("comment")
        if key is None and not raw and not has_values and not self.ruled_rows:
            self.table = None  # a row with no assessment and no comment: the table has ended
            return
        self._start_goal_row(row, band, page, key, raw, header, by_colour)

    def _start_goal_row(self, row: Row, band, page: int, key, raw, header: TableHeader,
                        by_colour: bool = False) -> None:
        number, title = goaltable.split_number(row.text("title"))
        title_lines = tuple(l for c in band.cells for l in c.lines) or tuple(band.lines)
        level = header.spec.level or self.level or self.profile.default_level
        heading = Heading(number, title, page, title_lines, "goal", level, None, "goals-table row")
        draft = GoalDraft(heading, None, "", self.area, assessment_raw=raw, assessment=key, row=row,
                          assessment_by_colour=by_colour)
        draft.has_content = True
        self._refill_goal_row(draft, header)
        draft.coverage.use(band.lines)
        if not title:
            draft.warnings.append(Warn(page, "unplaced_text", "a goals-table row without a goal",
                                       " ".join(l.text for l in band.lines)))
        self.goal = draft
        self.drafts.append(draft)

    def _refill_goal_row(self, draft: GoalDraft, header: TableHeader) -> None:
        """Title, comment and measure from the row's cells (again, when a row goes on)."""
        row = draft.row
        number, title = goaltable.split_number(row.text("title"))
        h = draft.heading
        draft.heading = Heading(number, title, h.page, h.lines, h.role, h.level, h.parent, h.why)
        draft.comment = [row.text("comment")] if row.text("comment") else []
        if header.spec.level == "ekonomi" or header.has("target") or header.has("outcome"):
            measure = goaltable.financial_measure(row, title)
            draft.measures = [measure] if measure else []
        if draft.assessment is None and row.text("assessment") and not draft.assessment_raw:
            draft.assessment_raw = row.text("assessment")

    def _on_grid_rows(self, block: GridRows) -> None:
        """Rows of a ruled table: each band a row, its cells by the header's columns. The
        first row on a page may be the rest of the last row of the page before."""
        if self.table is None or self.table.kind != "activities":
            self._lost(block.lines, "rows of a ruled table under no known header")
            self.grid_open = block.last_on_page
            return
        self.goal.has_content = True
        for i, band in enumerate(block.bands):
            if band.empty:
                continue
            row = band_to_row(band, self.table)
            if (i == 0 and block.first_on_page and self.grid_open and self.activity is not None
                    and continues_cut_row(row, self.activity.row, self.table, self.statuses)):
                self.activity.row.extend(row)
                self._used(row.lines)
                continue
            self._start_activity(row, block.page)
        self.grid_open = block.last_on_page
        self.ruled_rows = True

    def _start_activity(self, row: Row, page: int) -> None:
        slots = tuple(s for s in self.table.spec.under_row
                      if not (s == "status" and self.table.has("status")))
        self.activity = ActivityDraft(row, page, slots or ("description",))
        self._used(row.lines)
        self.goal.activities.append(self.activity)

    def _add_lines(self, lines: list[Line]) -> None:
        """Text under a row, into the profile's slots: description, status line, comment."""
        act = self.activity
        if not lines:
            return
        if act is None:
            self._lost(lines, "text under a table header before its first row")
            return
        self._used(lines)
        act.text_lines += lines
        if "status" in act.slots[act.slot:] and act.status_line is None:
            for i, line in enumerate(lines):
                status = self._status_line(line)
                if status is not None:
                    self._add_text(lines_text(lines[:i]))
                    act.status_line = status
                    act.slot = _slot_index(act.slots, "status") + 1
                    self._add_text(lines_text(lines[i + 1:]))
                    return
        self._add_text(lines_text(lines))

    def _add_text(self, text: str) -> None:
        act = self.activity
        if act is None or not text:
            return
        (act.comment if act.current == "comment" else act.description).append(text)

    def _status_line(self, line: Line) -> str | None:
        """A status standing on its own line behind its icon (uppsikt layout), without
        the icon; None for any other line."""
        text = strip_icon(line.text, self.labels)
        if 0 < len(text.split()) <= 4 and status_key(text, self.profile.statuses) is not None:
            return text
        return None

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
                if smaller or note:  # a note under the table: it qualifies the measures
                    self._used(lines[i:])
                    self.goal.measure_note.append(lines_text(lines[i:]))
                else:
                    self._on_paragraph(Paragraph(tuple(lines[i:]), lines[i].page))
                return
            prev = self.measure_rows[-1] if self.measure_rows else None
            self.measure_rows.append(line)
            self._used([line])
            self._on_measure_line(line, cells, prev)

    def _on_measure_line(self, line: Line, cells: dict[str, str], prev: Line | None) -> None:
        wrapped = (prev is not None and set(cells) == {"name"} and self.goal.measures
                   and 0 < line.ymid - prev.ymid < 1.6 * line.size)
        if wrapped:
            self.goal.measures[-1] = extend_name(self.goal.measures[-1], cells["name"])
            return
        measure = cells_to_measure(cells)
        if measure.trend is None and self.table.has("trend"):
            measure = dataclasses.replace(measure, trend=self._drawn_trend(line))
        self.goal.measures.append(measure)

    def _drawn_trend(self, line: Line) -> str | None:
        """A trend drawn, not written: an arrow or triangle in the trend column of the line."""
        col = next(c for c in self.table.columns if c.name == "trend")
        right = max((c.x0 for c in self.table.columns if c.x0 > col.x0), default=col.x1 + 60)
        for mark in self.marks.get(line.page, ()):
            if (line.top - 3 <= mark.ymid <= line.bottom + 3 and col.x0 - 12 <= mark.xmid < right):
                trend = trend_of_mark(mark)
                if trend:
                    return trend
        return None


def _slot_index(slots: tuple[str, ...], name: str) -> int:
    return slots.index(name) if name in slots else len(slots)


def split_assessment(text: str, profile: Profile) -> tuple[str, str]:
    """``Delvis uppnått. Två av fyra åtgärder är klara.`` → the phrase and the rest.

    The longest start of ``text`` that is one of the profile's assessment phrases
    (folded, fuzzy) is the assessment; the rest, a sentence of its own, is returned
    beside it. Text that opens with no known phrase is returned whole.
    """
    words = text.split()
    if len(words) <= 1:
        return text, ""
    best_n, best_score = 0, 0.0
    for n in range(1, min(len(words), 8) + 1):
        head = fold(" ".join(words[:n])).rstrip(".,;:")
        for phrase in profile.assessments:
            score = fuzz.ratio(head, fold(phrase))
            if score >= 85 and score >= best_score:
                best_n, best_score = n, score
    if best_n == 0 or best_n == len(words):
        return text, ""
    head = " ".join(words[:best_n])
    rest = " ".join(words[best_n:]).lstrip(".,;:– -").strip()
    return head.rstrip(".,;:"), rest


def blocks_to_goals(blocks: list[Block], catalogue: Catalogue, profile: Profile,
                    marks: dict[int, tuple[Mark, ...]] | None = None,
                    legend: Legend | None = None) -> ParseResult:
    parser = _Parser(profile, marks, legend)
    for block in blocks:
        parser.feed(block)
    result = drafts_to_goals(parser.drafts, catalogue, profile, parser.labels)
    result.coverage.merge(parser.section_coverage)
    return result
