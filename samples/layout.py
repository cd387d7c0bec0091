"""Page furniture and document structure of the two report families.

``render_report`` walks a gold file: the title block on page 1, then the
chapters listed under ``render.chapters`` in order.  A chapter marked
``"goals": true`` draws the gold goals whose number starts with the
chapter's number (tertial: KF headings, KS goals with Bedömning and the
activity table, the ekonomi goal with its measures; uppsikt: one heading
per goal and its Startdatum/Slutdatum table).  Everything else is prose.
"""
from __future__ import annotations

from reportlab.pdfgen.canvas import Canvas

from .render import PAGE_H, PAGE_W, Flow, Style, check_encodable, wrap
from .tables import activity_table, assessment_block, measures_table

DEFAULT_RUNNING = {
    "tertial": {"footer_left": ["{title}", "{body}"], "footer_right": ["{page}"]},
    "uppsikt": {"header_left": ["{title}"], "header_right": ["{municipality}"],
                "footer_right": ["{page}"]},
}


# running header and footer ------------------------------------------------
def make_running(report: dict, render: dict, style: Style, total: int):
    spec = style.running or DEFAULT_RUNNING[report["kind"]]
    size = spec.get("size", 8)
    values = {**report, "date": render.get("date", ""), "total": total or ""}

    def fmt(template: str, page: int) -> str:
        return check_encodable(template.format(page=page, **values))

    def draw(c: Canvas, page: int) -> None:
        left, right = style.margins[0], PAGE_W - style.margins[1]
        head_y = PAGE_H - style.margins[2] + 22
        foot_y = style.margins[3] - 24
        c.setFillGray(0.25)
        for key, x, y, align in (
            ("header_left", left, head_y, "l"), ("header_right", right, head_y, "r"),
            ("footer_left", left, foot_y, "l"), ("footer_right", right, foot_y, "r"),
            ("footer_center", (left + right) / 2, foot_y, "c"),
        ):
            for i, template in enumerate(spec.get(key, [])):
                text = fmt(template, page)
                c.setFont(style.font, size)
                yy = y - i * size * 1.3
                {"l": c.drawString, "r": c.drawRightString,
                 "c": c.drawCentredString}[align](x, yy, text)
        c.setFillGray(0)
        if spec.get("rule", True):
            c.setStrokeGray(0.6)
            c.setLineWidth(0.4)
            c.line(left, foot_y + size + 4, right, foot_y + size + 4)
            if spec.get("header_left") or spec.get("header_right"):
                c.line(left, head_y - 5, right, head_y - 5)
            c.setStrokeGray(0)
    return draw


# title block --------------------------------------------------------------
def title_block(flow: Flow, report: dict, render: dict) -> None:
    """Municipality, title, body and date: what identifies the report."""
    s, c = flow.s, flow.c
    block = render.get("title_block", {})
    flow.text_at(flow.left, flow.y, report["municipality"], s.bold, s.h2 + 3)
    if render.get("date"):
        c.setFont(s.font, s.small)
        c.drawRightString(flow.right, flow.y - s.small, render["date"])
    flow.y -= flow.lead(s.h2 + 3) + block.get("space", 30)
    size = s.h1 * 1.45
    for line in wrap(report["title"], s.bold, size, flow.width):
        flow.line(line, s.bold, size)
    flow.skip(6)
    flow.line(report["body"], s.font, s.h2 + 1)
    for extra in block.get("lines", []):
        flow.line(extra, s.font, s.size)
    flow.skip(10)
    flow.rule(gray=0.4, width=0.8)
    flow.skip(block.get("after", 24))
    if block.get("cover_page"):
        flow.new_page()


# prose blocks --------------------------------------------------------------
def bullets(flow: Flow, items: list[str]) -> None:
    s = flow.s
    for item in items:
        lines = wrap(item, s.font, s.size, flow.width - 18)
        for i, text in enumerate(lines):
            flow.ensure(flow.lead(s.size))
            if i == 0:
                flow.text_at(flow.left + 4, flow.y, "•", s.font, s.size)
            flow.text_at(flow.left + 18, flow.y, text, s.font, s.size)
            flow.y -= flow.lead(s.size)
        flow.skip(2)
    flow.skip(6)


def figure(flow: Flow, rows: list[list[str]], caption: str | None) -> None:
    """A simple organisation chart: rows of labelled boxes, then a caption."""
    s, c = flow.s, flow.c
    box_h, gap, size = 28.0, 12.0, s.small - 1
    flow.ensure(len(rows) * (box_h + gap) + 3 * flow.lead(s.small))
    flow.skip(6)
    for row in rows:
        bw = min(150.0, (flow.width - 10 * (len(row) - 1)) / len(row))
        x = flow.left + (flow.width - len(row) * bw - 10 * (len(row) - 1)) / 2
        for label in row:
            c.setFillColorRGB(0.90, 0.94, 0.98)
            c.setStrokeColorRGB(0.35, 0.50, 0.65)
            c.rect(x, flow.y - box_h, bw, box_h, stroke=1, fill=1)
            c.setFillGray(0)
            lines = wrap(label, s.font, size, bw - 8)[:2]
            y0 = flow.y - (box_h - len(lines) * size * 1.2) / 2
            for i, text in enumerate(lines):
                c.setFont(s.font, size)
                c.drawCentredString(x + bw / 2, y0 - size * (1 + 1.2 * i) + 1,
                                    check_encodable(text))
            x += bw + 10
        flow.y -= box_h + gap
    c.setStrokeGray(0)
    if caption:
        flow.paragraph(caption, size=s.small, after=8)


def blocks(flow: Flow, items: list) -> None:
    s = flow.s
    for item in items:
        if isinstance(item, str):
            flow.paragraph(item, after=6)
        elif "heading" in item:
            flow.heading(item["heading"], item["title"], s.h2,
                         keep=flow.lead(s.size) * 3)
        elif "label" in item:
            flow.ensure(flow.lead(s.size) * 3)
            flow.skip(4)
            flow.line(item["label"], s.bold, s.size)
            flow.skip(3)
        elif "bullets" in item:
            bullets(flow, item["bullets"])
        elif "figure" in item:
            figure(flow, item["figure"], item.get("caption"))
        else:
            raise ValueError(f"unknown block: {item!r}")


# goals ---------------------------------------------------------------------
def goals_of(gold: dict, chapter: str) -> list[dict]:
    return [g for g in gold["goals"] if (g.get("number") or "").split(".")[0] == chapter]


def goal(flow: Flow, g: dict, kind: str, notes: dict) -> None:
    s = flow.s
    keep = flow.lead(s.size) * 3
    if kind == "uppsikt":
        flow.heading(g["number"], g["title"], s.h2, keep=keep, before=12)
        if g.get("activities"):
            activity_table(flow, kind, g["activities"])
        return
    if g["level"] == "kf":
        flow.heading(g["number"], g["title"], s.h2, keep=flow.lead(s.h3) * 2 + keep,
                     before=12)
        return
    size = s.h3 if g["level"] == "ks" else s.h2
    flow.heading(g["number"], g["title"], size, keep=keep, before=10)
    if g.get("assessment"):
        assessment_block(flow, g)
    if g.get("activities"):
        activity_table(flow, kind, g["activities"])
    if g.get("measures"):
        measures_table(flow, g["measures"], notes.get(g["number"]))


def chapter(flow: Flow, ch: dict, gold: dict, first: bool) -> None:
    s = flow.s
    if not first and ch.get("new_page", s.chapter_new_page) and flow.y < flow.top:
        flow.new_page()
    flow.heading(ch.get("number"), ch["title"], s.h1, keep=flow.lead(s.size) * 3,
                 before=14)
    flow.skip(4)
    blocks(flow, ch.get("blocks", []))
    if ch.get("goals"):
        kind = gold["report"]["kind"]
        notes = gold.get("render", {}).get("notes", {})
        for g in goals_of(gold, ch["number"]):
            goal(flow, g, kind, notes)
    blocks(flow, ch.get("blocks_after", []))


def render_report(canvas: Canvas, gold: dict, total_pages: int = 0) -> int:
    """Draw the whole report on ``canvas``; returns the number of pages."""
    render = gold.get("render", {})
    style = Style.from_dict(render.get("style", {}))
    running = make_running(gold["report"], render, style, total_pages)
    flow = Flow(canvas, style, running)
    title_block(flow, gold["report"], render)
    for i, ch in enumerate(render.get("chapters", [])):
        chapter(flow, ch, gold, first=(i == 0))
    return flow.finish()
