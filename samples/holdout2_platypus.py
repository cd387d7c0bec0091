"""Held-out set 2: reports drawn with reportlab's platypus (flowing layout engine).

Two templates, picked by ``render.template``:

* ``tertial`` (family A): Liberation Serif embedded as TrueType, hanging numbered
  headings (the number is its own string), an activity table with
  ``Verksamhetens aktiviteter | Status | Startdatum | Slutdatum`` as one platypus
  ``Table`` (repeatRows=1, rows may split), status circles as vector flowables.
* ``handlingsplan`` (family E): Helvetica 10 pt, a ruled table
  ``Åtgärd | Ansvar | Tidplan | Status | Kommentar`` (repeatRows=1, splitInRow=1),
  ``Måluppfyllelse: …`` after every table.

Written for the second held-out set only; nothing here is shared with the other
renderers of the package. Output is deterministic (``invariant=1``).
"""
from __future__ import annotations

import io
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.enums import TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import (BaseDocTemplate, CondPageBreak, Flowable, Frame, KeepTogether,
                                NextPageTemplate, PageBreak, PageTemplate, Paragraph, Spacer,
                                Table, TableStyle)

LIB = "/usr/share/fonts/truetype/liberation2/"

STATUS_A = {
    "ej_paborjad": "Ej påbörjad",
    "pagaende_enligt_plan": "Pågående enligt plan",
    "pagaende_med_avvikelse": "Pågående med avvikelse",
    "avslutad_enligt_plan": "Avslutad enligt plan",
    "avslutad_med_avvikelse": "Avslutad med avvikelse",
    "vantelage": "Vänteläge",
}
STATUS_COLOUR = {
    "ej_paborjad": ("#ffffff", "#8a8a8a"),
    "pagaende_enligt_plan": ("#7cc576", "#4f9a49"),
    "pagaende_med_avvikelse": ("#f2c230", "#c49a12"),
    "avslutad_enligt_plan": ("#2f7d32", "#2f7d32"),
    "avslutad_med_avvikelse": ("#e8772e", "#b8561a"),
    "vantelage": ("#a7a7a7", "#7a7a7a"),
}
ASSESS_A = {
    "uppfyllt": ("Uppfyllt", "#2f9e44"),
    "delvis_uppfyllt": ("Delvis uppfyllt", "#f0c419"),
    "knappt_uppfyllt": ("Knappt uppfyllt", "#ec8a24"),
    "ej_uppfyllt": ("Ej uppfyllt", "#d63a2f"),
    "saknas": ("Saknas", "#c9c9c9"),
}
STATUS_E = {
    "avslutad_enligt_plan": "Klar",
    "pagaende_enligt_plan": "Pågår",
    "ej_paborjad": "Ej påbörjad",
    "vantelage": "Vilande",
    "pagaende_med_avvikelse": "Försenad",
}
ASSESS_E = {"uppfyllt": "Uppnått", "delvis_uppfyllt": "Delvis uppnått",
            "ej_uppfyllt": "Ej uppnått", "saknas": "Ej bedömd"}


def _register_serif() -> None:
    if "H2Serif" in pdfmetrics.getRegisteredFontNames():
        return
    for name, file in (("H2Serif", "LiberationSerif-Regular.ttf"),
                       ("H2Serif-Bold", "LiberationSerif-Bold.ttf"),
                       ("H2Serif-Italic", "LiberationSerif-Italic.ttf"),
                       ("H2Serif-BoldItalic", "LiberationSerif-BoldItalic.ttf")):
        pdfmetrics.registerFont(TTFont(name, LIB + file))
    pdfmetrics.registerFontFamily("H2Serif", normal="H2Serif", bold="H2Serif-Bold",
                                  italic="H2Serif-Italic", boldItalic="H2Serif-BoldItalic")


def _p(text: str) -> str:
    return escape(text)


class Dot(Flowable):
    """A filled circle, drawn as a vector path (no glyph in the text layer)."""

    def __init__(self, fill: str, stroke: str | None = None, size: float = 7.5, dy: float = 0):
        super().__init__()
        self.fill, self.stroke, self.size, self.dy = fill, stroke or fill, size, dy

    def wrap(self, aw, ah):
        return self.size, self.size + self.dy

    def draw(self):
        c = self.canv
        c.saveState()
        c.setFillColor(colors.HexColor(self.fill))
        c.setStrokeColor(colors.HexColor(self.stroke))
        c.setLineWidth(0.6)
        r = self.size / 2
        c.circle(r, r, r - 0.3, stroke=1, fill=1)
        c.restoreState()


class _Doc(BaseDocTemplate):
    def __init__(self, buf, gold, total, on_page, **kw):
        super().__init__(buf, pagesize=A4, invariant=1, pageCompression=1,
                         title=gold["report"]["title"], author=gold["report"]["municipality"],
                         subject=gold["report"]["body"], creator="malrapport.samples holdout2",
                         **kw)
        self.gold, self.total, self._on_page = gold, total, on_page
        frame = Frame(self.leftMargin, self.bottomMargin, self.width, self.height, id="body",
                      leftPadding=0, rightPadding=0, topPadding=0, bottomPadding=0)
        self.addPageTemplates([
            PageTemplate(id="first", frames=[frame], onPage=lambda c, d: on_page(c, d, True)),
            PageTemplate(id="normal", frames=[frame], onPage=lambda c, d: on_page(c, d, False)),
        ])


def _build(gold, story_fn, on_page, margins) -> bytes:
    """Two passes so that footers can say how many pages there are."""
    total = 0
    for _ in range(3):
        buf = io.BytesIO()
        top, right, bottom, left = margins
        doc = _Doc(buf, gold, total, on_page, topMargin=top, rightMargin=right,
                   bottomMargin=bottom, leftMargin=left)
        doc.build(story_fn(doc))
        pages = doc.page
        if pages == total:
            return buf.getvalue()
        total = pages
    raise RuntimeError("page count does not settle")


# --- family A: tertial report ---------------------------------------------------------

def _tertial(gold: dict) -> bytes:
    _register_serif()
    rep, rnd = gold["report"], gold["render"]
    st = rnd["style"]
    size, lead = st["size"], st["leading"]
    F, FB = "H2Serif", "H2Serif-Bold"
    body = ParagraphStyle("body", fontName=F, fontSize=size, leading=lead, spaceAfter=5)
    small = ParagraphStyle("small", parent=body, fontSize=size - 0.5, leading=lead - 0.6,
                           spaceAfter=0)
    label = ParagraphStyle("label", parent=body, fontName=FB, spaceAfter=1, spaceBefore=3)
    h1 = ParagraphStyle("h1", fontName=FB, fontSize=st["h1"], leading=st["h1"] * 1.25,
                        spaceBefore=14, spaceAfter=8, keepWithNext=1)
    h2 = ParagraphStyle("h2", fontName=FB, fontSize=st["h2"], leading=st["h2"] * 1.25,
                        leftIndent=30, bulletIndent=0, bulletFontName=FB,
                        bulletFontSize=st["h2"], spaceBefore=12, spaceAfter=6, keepWithNext=1)
    h3 = ParagraphStyle("h3", parent=h2, fontSize=st["h3"], leading=st["h3"] * 1.3,
                        leftIndent=38, bulletFontSize=st["h3"], spaceBefore=10, spaceAfter=4)
    th = ParagraphStyle("th", parent=small, fontName=FB)
    bullet = ParagraphStyle("bullet", parent=body, leftIndent=14, bulletIndent=3, spaceAfter=2,
                            bulletFontName=F)
    margins = [m * mm for m in st["margins_mm"]]

    def on_page(c, doc, first):
        c.saveState()
        w, h = A4
        top, right, bottom, left = margins
        if first:
            c.setFillColor(colors.HexColor("#1f4e5f"))
            c.rect(0, h - 40 * mm, w, 40 * mm, stroke=0, fill=1)
            c.setFillColor(colors.white)
            c.setFont(FB, 18)
            c.drawString(left, h - 24 * mm, rep["municipality"])
            c.restoreState()
            return
        c.setFont(F, 8.5)
        c.setFillColor(colors.HexColor("#555555"))
        c.drawString(left, h - top + 14, rep["title"])
        c.drawRightString(w - right, h - top + 14, rep["municipality"])
        c.setStrokeColor(colors.HexColor("#999999"))
        c.setLineWidth(0.4)
        c.line(left, h - top + 10, w - right, h - top + 10)
        c.line(left, bottom - 12, w - right, bottom - 12)
        c.drawString(left, bottom - 24, rep["body"])
        total = doc.total or doc.page
        c.drawRightString(w - right, bottom - 24, f"Sida {doc.page} av {total}")
        c.restoreState()

    def blocks(items):
        out = []
        for b in items:
            if isinstance(b, str):
                out.append(Paragraph(_p(b), body))
            elif "heading" in b:
                out.append(Paragraph(_p(b["title"]), h2, bulletText=b["heading"]))
            elif "bullets" in b:
                out += [Paragraph(_p(x), bullet, bulletText="•") for x in b["bullets"]]
        return out

    def status_cell(key, width):
        t = Table([[Dot(*STATUS_COLOUR[key], size=7, dy=1.5), Paragraph(_p(STATUS_A[key]), small)]],
                  colWidths=[11, width - 11])
        t.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"),
                               ("LEFTPADDING", (0, 0), (-1, -1), 0),
                               ("RIGHTPADDING", (0, 0), (-1, -1), 0),
                               ("TOPPADDING", (0, 0), (-1, -1), 0),
                               ("BOTTOMPADDING", (0, 0), (-1, -1), 0)]))
        return t

    def activity_table(acts, width):
        fr = st["columns"]
        cw = [width * f for f in fr]
        rows = [[Paragraph("Verksamhetens aktiviteter", th), Paragraph("Status", th),
                 Paragraph("Startdatum", th), Paragraph("Slutdatum", th)]]
        cmds = [("VALIGN", (0, 0), (-1, -1), "TOP"), ("FONTNAME", (0, 0), (-1, -1), F),
                ("LEFTPADDING", (0, 0), (-1, -1), 0), ("RIGHTPADDING", (0, 0), (-1, -1), 6),
                ("TOPPADDING", (0, 0), (-1, -1), 1.5), ("BOTTOMPADDING", (0, 0), (-1, -1), 1.5),
                ("LINEBELOW", (0, 0), (-1, 0), 0.8, colors.HexColor("#1f4e5f")),
                ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e6eef1"))]
        for a in acts:
            r0 = len(rows)
            rows.append([Paragraph(_p(a["title"]), small), status_cell(a["status"], cw[1] - 6),
                         Paragraph(_p(a["start_date"] or ""), small),
                         Paragraph(_p(a["end_date"] or ""), small)])
            cmds.append(("TOPPADDING", (0, r0), (-1, r0), 5))
            extra = []
            if a["description"]:
                extra += [Paragraph(_p(x), small) for x in a["description"].split("\n")]
            if a["comment"]:
                extra.append(Paragraph("Kommentar", ParagraphStyle("kl", parent=th, spaceBefore=3)))
                extra += [Paragraph(_p(x), small) for x in a["comment"].split("\n")]
            for f in extra:
                rows.append([f, "", "", ""])
                cmds.append(("SPAN", (0, len(rows) - 1), (-1, len(rows) - 1)))
            cmds.append(("LINEBELOW", (0, len(rows) - 1), (-1, len(rows) - 1), 0.3,
                         colors.HexColor("#b7c7cd")))
            if r0 + 1 < len(rows):
                cmds.append(("TOPPADDING", (0, r0 + 1), (-1, r0 + 1), 4))
            cmds.append(("BOTTOMPADDING", (0, len(rows) - 1), (-1, len(rows) - 1), 5))
        t = Table(rows, colWidths=cw, repeatRows=1, splitInRow=1, hAlign="LEFT")
        t.setStyle(TableStyle(cmds))
        return t

    def measures_table(ms, width):
        rows = [[Paragraph("Mått", th), Paragraph("Mål", th), Paragraph("Utfall", th)]]
        for m in ms:
            rows.append([Paragraph(_p(m["name"]), small), Paragraph(_p(m["target"] or ""), small),
                         Paragraph(_p(m["outcome"] or ""), small)])
        t = Table(rows, colWidths=[width * 0.62, width * 0.19, width * 0.19], hAlign="LEFT")
        t.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"),
                               ("LEFTPADDING", (0, 0), (-1, -1), 0),
                               ("LINEBELOW", (0, 0), (-1, 0), 0.8, colors.HexColor("#1f4e5f")),
                               ("LINEBELOW", (0, 1), (-1, -1), 0.3, colors.HexColor("#b7c7cd"))]))
        return t

    def goal_flow(g, width):
        out = []
        style = h2 if g["level"] == "kf" or g["number"].count(".") == 1 else h3
        out.append(Paragraph(_p(g["title"]), style, bulletText=g["number"]))
        if g["assessment"]:
            text, colour = ASSESS_A[g["assessment"]]
            dot = Dot(colour, "#666666" if g["assessment"] == "saknas" else colour, size=9)
            t = Table([[dot, Paragraph(_p(text), body)]], colWidths=[14, width - 14], hAlign="LEFT")
            t.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"),
                                   ("LEFTPADDING", (0, 0), (-1, -1), 0),
                                   ("TOPPADDING", (0, 0), (-1, -1), 1),
                                   ("BOTTOMPADDING", (0, 0), (-1, -1), 0)]))
            out.append(KeepTogether([Paragraph("Bedömning", label), t]))
        if g["comment"]:
            out.append(Paragraph("Kommentar", label))
            out += [Paragraph(_p(x), body) for x in g["comment"].split("\n")]
        if g["measures"]:
            out += [Spacer(1, 4), measures_table(g["measures"], width), Spacer(1, 8)]
        if g["activities"]:
            out += [Spacer(1, 4), activity_table(g["activities"], width)]
        return out

    def story(doc):
        width = doc.width
        s = [NextPageTemplate("normal"), Spacer(1, 70 * mm)]
        cover_t = ParagraphStyle("ct", fontName=FB, fontSize=26, leading=32, spaceAfter=10)
        cover_b = ParagraphStyle("cb", fontName=F, fontSize=14, leading=18, spaceAfter=6)
        s.append(Paragraph(_p(rep["title"]), cover_t))
        s.append(Paragraph(_p(rep["body"]), cover_b))
        for line in rnd["cover"]["lines"]:
            s.append(Paragraph(_p(line), cover_b))
        s.append(Spacer(1, 90 * mm))
        right = ParagraphStyle("cr", parent=body, alignment=TA_RIGHT)
        s.append(Paragraph(_p(rnd["date"]), right))
        s.append(Paragraph(_p(rnd["cover"]["dnr"]), right))
        s.append(PageBreak())
        for ch in rnd["chapters"]:
            if ch.get("new_page"):
                s.append(PageBreak())
            s.append(Paragraph(_p(f"{ch['number']} {ch['title']}"), h1))
            s += blocks(ch.get("blocks", []))
            if ch.get("goals"):
                prefix = ch["number"] + "."
                for g in gold["goals"]:
                    if g["number"] and g["number"].startswith(prefix):
                        s += goal_flow(g, width)
        return s

    return _build(gold, story, on_page, margins)


# --- family E: action-plan follow-up -----------------------------------------------------

def _handlingsplan(gold: dict) -> bytes:
    rep, rnd = gold["report"], gold["render"]
    st = rnd["style"]
    F, FB = "Helvetica", "Helvetica-Bold"
    size = st["size"]
    body = ParagraphStyle("body", fontName=F, fontSize=size, leading=size * 1.25, spaceAfter=6)
    cell = ParagraphStyle("cell", fontName=F, fontSize=size, leading=size * 1.2)
    head = ParagraphStyle("head", parent=cell, fontName=FB)
    h1 = ParagraphStyle("h1", fontName=FB, fontSize=st["h1"], leading=st["h1"] * 1.25,
                        spaceBefore=16, spaceAfter=6, keepWithNext=1)
    # no keepWithNext: it would glue the table to the heading and stop it from splitting
    h2 = ParagraphStyle("h2", fontName=FB, fontSize=st["h2"], leading=st["h2"] * 1.25,
                        spaceBefore=10, spaceAfter=5)
    sect = ParagraphStyle("sect", fontName=FB, fontSize=st["h2"] + 1, leading=(st["h2"] + 1) * 1.3,
                          spaceBefore=10, spaceAfter=4, keepWithNext=1)
    margins = [m * mm for m in st["margins_mm"]]

    def on_page(c, doc, first):
        c.saveState()
        w, h = A4
        top, right, bottom, left = margins
        c.setFont(F, 8)
        c.setFillColor(colors.HexColor("#444444"))
        if not first:
            c.drawString(left, h - top + 16, f"{rep['municipality']} – {rep['body']}")
        total = doc.total or doc.page
        c.drawString(left, bottom - 26, rep["title"])
        c.drawRightString(w - right, bottom - 26, f"{doc.page} ({total})")
        c.restoreState()

    def table(acts, width):
        fr = st["columns"]
        cw = [width * f for f in fr]
        rows = [[Paragraph(x, head) for x in ("Åtgärd", "Ansvar", "Tidplan", "Status", "Kommentar")]]
        for a in acts:
            tid = a["end_date_raw"] or a["end_date"]
            rows.append([Paragraph(_p(a["title"]), cell), Paragraph(_p(a["responsible"] or ""), cell),
                         Paragraph(_p(tid), cell), Paragraph(_p(STATUS_E[a["status"]]), cell),
                         [Paragraph(_p(x), cell) for x in (a["comment"] or "").split("\n") if x]])
        # like a word processor: a row that does not fit breaks inside itself
        t = Table(rows, colWidths=cw, repeatRows=1, splitByRow=0, splitInRow=1, hAlign="LEFT")
        t.setStyle(TableStyle([("GRID", (0, 0), (-1, -1), 0.6, colors.black),
                               ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#d9d9d9")),
                               ("VALIGN", (0, 0), (-1, -1), "TOP"),
                               ("LEFTPADDING", (0, 0), (-1, -1), 4),
                               ("RIGHTPADDING", (0, 0), (-1, -1), 4),
                               ("TOPPADDING", (0, 0), (-1, -1), 3),
                               ("BOTTOMPADDING", (0, 0), (-1, -1), 4)]))
        return t

    def story(doc):
        width = doc.width
        s = [NextPageTemplate("normal")]
        top = ParagraphStyle("top", fontName=FB, fontSize=12, leading=15)
        topr = ParagraphStyle("topr", fontName=F, fontSize=10, leading=13, alignment=TA_RIGHT)
        t = Table([[Paragraph(_p(rep["municipality"]), top), Paragraph(_p(rnd["date"]), topr)],
                   [Paragraph(_p(rep["body"]), ParagraphStyle("b2", fontName=F, fontSize=10, leading=13)),
                    Paragraph(_p(rnd["dnr"]), topr)]],
                  colWidths=[width * 0.6, width * 0.4])
        t.setStyle(TableStyle([("LEFTPADDING", (0, 0), (-1, -1), 0),
                               ("RIGHTPADDING", (0, 0), (-1, -1), 0)]))
        s += [t, Spacer(1, st.get("title_space", 28))]
        s.append(Paragraph(_p(rep["title"]), ParagraphStyle("title", fontName=FB, fontSize=20,
                                                            leading=25, spaceAfter=18)))
        for b in rnd["intro"]:
            if isinstance(b, dict):
                s.append(Paragraph(_p(b["heading"]), sect))
            else:
                s.append(Paragraph(_p(b), body))
        for g in gold["goals"]:
            if g["level"] == "kf":
                s.append(Paragraph(_p(f"Mål {g['number']}: {g['title']}"), h1))
                continue
            s.append(CondPageBreak(st.get("keep_heading", 72)))
            s.append(Paragraph(_p(f"Delmål {g['number']}: {g['title']}"), h2))
            if g["activities"]:
                s.append(table(g["activities"], width))
                s.append(Spacer(1, 6))
            phrase = ASSESS_E[g["assessment"]]
            s.append(Paragraph(f"<b>Måluppfyllelse:</b> {_p(phrase)}", body))
            if g["comment"]:
                s.append(Paragraph(_p(g["comment"]), body))
        for b in rnd.get("closing", []):
            if isinstance(b, dict):
                s.append(Paragraph(_p(b["heading"]), sect))
            else:
                s.append(Paragraph(_p(b), body))
        return s

    return _build(gold, story, on_page, margins)


TEMPLATES = {"tertial": _tertial, "handlingsplan": _handlingsplan}


def render_pdf(gold: dict) -> bytes:
    return TEMPLATES[gold["render"]["template"]](gold)
