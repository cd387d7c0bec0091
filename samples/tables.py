"""Activity and measure tables: header rows, rows, the text under a row.

A table is "open" while its rows and the paragraphs under them are being
drawn; a page break inside an open table repeats the header row.
"""
from __future__ import annotations

from dataclasses import dataclass

from .render import (
    ASSESSMENT_COLORS, ASSESSMENT_LABELS, STATUS_COLORS, STATUS_LABELS,
    Flow, wrap,
)

TITLE_HEADER = "Verksamhetens aktiviteter"
COL_GAP = 8.0


@dataclass(frozen=True)
class Column:
    label: str
    x: float


def status_label(key: str) -> str:
    if key not in STATUS_LABELS:
        raise ValueError(f"unknown status key {key!r}; expected one of {sorted(STATUS_LABELS)}")
    return STATUS_LABELS[key]


def activity_columns(flow: Flow, kind: str) -> list[Column]:
    """The header row of the activity table, left to right."""
    s = flow.s
    cols = [Column(s.say(TITLE_HEADER), flow.left)]
    if kind == "tertial" and s.status_col is not None:
        cols.append(Column(s.say("Status"), flow.col(s.status_col)))
    if s.start_col is not None:
        cols.append(Column(s.say("Startdatum"), flow.col(s.start_col)))
    cols.append(Column(s.say("Slutdatum"), flow.col(s.end_col)))
    return cols


def _header_drawer(columns: list[Column]):
    def draw(flow: Flow) -> None:
        size = flow.s.size
        for col in columns:
            flow.text_at(col.x, flow.y, col.label, flow.s.bold, size)
        flow.y -= flow.lead(size)
        flow.rule()
        flow.skip(3)
    return draw


def open_table(flow: Flow, columns: list[Column], first_row_lines: int = 2) -> None:
    """Draw the header row (not alone at a page foot) and keep it for repeats."""
    draw = _header_drawer(columns)
    flow.ensure(flow.lead(flow.s.size) * (1 + first_row_lines) + 6)
    draw(flow)
    flow.repeat = draw


def close_table(flow: Flow) -> None:
    flow.repeat = None
    flow.skip(6)


def _width_after(columns: list[Column], i: int, right: float) -> float:
    nxt = columns[i + 1].x if i + 1 < len(columns) else right
    return nxt - columns[i].x - COL_GAP


def activity_row(flow: Flow, columns: list[Column], act: dict) -> None:
    """The row itself: every cell starts on the row's first line."""
    s = flow.s
    size = s.size
    cells: list[tuple[Column, list[str], str | None]] = []
    for i, col in enumerate(columns):
        width = _width_after(columns, i, flow.right)
        if col.label == s.say(TITLE_HEADER):
            cells.append((col, wrap(act["title"], s.font, size, width), None))
        elif col.label == s.say("Status"):
            icon = size * 1.12
            label = status_label(act["status"])
            cells.append((col, wrap(label, s.font, size, width - icon), act["status"]))
        elif col.label == s.say("Startdatum"):
            cells.append((col, [act.get("start_date") or ""], None))
        else:
            cells.append((col, [act.get("end_date") or ""], None))
    height = max(len(lines) for _, lines, _ in cells) * flow.lead(size)
    flow.ensure(height)
    top = flow.y
    for col, lines, status in cells:
        x = col.x
        if status is not None:
            x += flow.dot(x, top, size, STATUS_COLORS[status])
        for n, text in enumerate(lines):
            if text:
                flow.text_at(x, top - n * flow.lead(size), text, s.font, size)
    flow.y = top - height
    flow.skip(2)


def labelled_paragraph(flow: Flow, label: str, text: str) -> None:
    """``Kommentar`` in bold, then the paragraph(s); the label never ends a page."""
    size = flow.s.small
    flow.ensure(flow.lead(size) * 2)
    flow.line(label, flow.s.bold, size)
    flow.paragraph(text, size=size, after=3)


def under_row_tertial(flow: Flow, act: dict) -> None:
    if act.get("description"):
        flow.paragraph(act["description"], size=flow.s.small, after=3)
    if act.get("comment"):
        labelled_paragraph(flow, flow.s.say("Kommentar"), act["comment"])


def under_row_uppsikt(flow: Flow, act: dict) -> None:
    """Description, the status on its own line, then the comment (no label)."""
    size = flow.s.small
    if act.get("description"):
        flow.paragraph(act["description"], size=size, after=3)
    flow.skip(2)
    flow.labelled_dot(flow.left + 2, status_label(act["status"]),
                      STATUS_COLORS[act["status"]], flow.s.font, size)
    if act.get("comment"):
        flow.paragraph(act["comment"], size=size, after=3)


def activity_table(flow: Flow, kind: str, activities: list[dict]) -> None:
    columns = activity_columns(flow, kind)
    under = under_row_uppsikt if kind == "uppsikt" else under_row_tertial
    open_table(flow, columns)
    for act in activities:
        activity_row(flow, columns, act)
        under(flow, act)
        flow.skip(5)
    close_table(flow)


def assessment_block(flow: Flow, goal: dict) -> None:
    """``Bedömning`` + coloured circle and assessment, optional Kommentar."""
    size = flow.s.size
    flow.ensure(flow.lead(size) * 2)
    flow.line(flow.s.say("Bedömning"), flow.s.bold, size)
    key = goal["assessment"]
    if key not in ASSESSMENT_LABELS:
        raise ValueError(f"unknown assessment key {key!r}")
    flow.labelled_dot(flow.left, ASSESSMENT_LABELS[key], ASSESSMENT_COLORS[key],
                      flow.s.font, size)
    flow.skip(4)
    if goal.get("comment"):
        flow.ensure(flow.lead(size) * 2)
        flow.line(flow.s.say("Kommentar"), flow.s.bold, size)
        flow.paragraph(goal["comment"], after=4)
    flow.skip(4)


def measures_table(flow: Flow, measures: list[dict], note: str | None) -> None:
    """``Mått | Mål | Utfall``; the gold's name is printed as it is, its unit in brackets."""
    size = flow.s.size
    cols = [Column("Mått", flow.left), Column("Mål", flow.col(0.62)),
            Column("Utfall", flow.col(0.80))]
    open_table(flow, cols, first_row_lines=1)
    for m in measures:
        lines = wrap(m["name"], flow.s.font, size, cols[1].x - flow.left - COL_GAP)
        flow.ensure(len(lines) * flow.lead(size))
        top = flow.y
        for n, text in enumerate(lines):
            flow.text_at(flow.left, top - n * flow.lead(size), text, flow.s.font, size)
        for col, value in ((cols[1], m.get("target")), (cols[2], m.get("outcome"))):
            if value:
                flow.text_at(col.x, top, value, flow.s.font, size)
        flow.y = top - len(lines) * flow.lead(size)
        flow.skip(3)
    close_table(flow)
    if note:
        flow.paragraph(note, size=flow.s.small - 1, after=6)
