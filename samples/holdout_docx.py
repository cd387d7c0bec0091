"""Held-out sample reports written as Word documents (python-docx), printed to PDF by LibreOffice.

``render_pdf(gold) -> bytes`` builds a .docx from a gold annotation of
``samples/holdout/gold`` and converts it with ``soffice --convert-to pdf`` (a fresh
user profile per call). Families (``report.profile``): ``tertial`` (A), ``uppsikt`` (B),
``arsredovisning`` (D). Running header and footer are Word header/footer parts with
PAGE and NUMPAGES fields; table header rows repeat (``w:tblHeader``).

Reproducible on one machine: the document's metadata is fixed, icons are PNGs drawn
with fixed parameters, and LibreOffice's dates, /ID and /DocChecksum are pinned.
"""
from __future__ import annotations

import datetime as dt
import io
import re
import subprocess
import tempfile
from pathlib import Path

import docx
from docx.enum.section import WD_ORIENT, WD_SECTION
from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK, WD_TAB_ALIGNMENT, WD_TAB_LEADER
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor
from malrapport.samples.reproducible import pin_pdf
from PIL import Image, ImageDraw

ASSESSMENT = {"uppfyllt": "Uppfyllt", "delvis_uppfyllt": "Delvis uppfyllt",
              "knappt_uppfyllt": "Knappt uppfyllt", "ej_uppfyllt": "Ej uppfyllt", "saknas": "Saknas"}
STATUS = {"ej_paborjad": "Ej påbörjad", "pagaende_enligt_plan": "Pågående enligt plan",
          "pagaende_med_avvikelse": "Pågående med avvikelse",
          "avslutad_enligt_plan": "Avslutad enligt plan",
          "avslutad_med_avvikelse": "Avslutad med avvikelse", "vantelage": "Vänteläge"}
COLOURS = {"uppfyllt": (46, 158, 79), "delvis_uppfyllt": (242, 194, 48),
           "knappt_uppfyllt": (238, 138, 42), "ej_uppfyllt": (210, 52, 44), "saknas": (170, 170, 170),
           "avslutad_enligt_plan": (46, 158, 79), "avslutad_med_avvikelse": (143, 191, 63),
           "pagaende_enligt_plan": (59, 125, 216), "pagaende_med_avvikelse": (242, 194, 48),
           "ej_paborjad": (200, 200, 200), "vantelage": (155, 111, 196)}
FIXED_TIME = dt.datetime(2025, 1, 1, 0, 0, 0)


# --- the engine ------------------------------------------------------------------------

def convert(data: bytes) -> bytes:
    with tempfile.TemporaryDirectory(prefix="holdout-docx-") as tmp:
        src = Path(tmp) / "report.docx"
        src.write_bytes(data)
        cmd = ["soffice", f"-env:UserInstallation=file://{tmp}/lo-profile", "--headless",
               "--convert-to", "pdf", "--outdir", tmp, str(src)]
        proc = subprocess.run(cmd, capture_output=True, text=True, timeout=180)
        out = Path(tmp) / "report.pdf"
        if not out.exists():
            raise RuntimeError(f"LibreOffice wrote no PDF (exit {proc.returncode}): {proc.stderr[-800:]}")
        return pin_pdf(out.read_bytes())


def render_pdf(gold: dict) -> bytes:
    build = {"tertial": tertial_doc, "uppsikt": uppsikt_doc, "arsredovisning": accounts_doc}
    doc = build[gold["report"]["profile"]](gold)
    buf = io.BytesIO()
    doc.save(buf)
    return convert(buf.getvalue())


# --- document helpers ---------------------------------------------------------------------


def fill(template: str, gold: dict) -> str:
    r = gold["report"]
    return (template.replace("{title}", r["title"]).replace("{body}", r["body"])
            .replace("{municipality}", r["municipality"]))


def set_font(style_or_run, name: str, size: float | None = None, bold: bool | None = None,
             colour: tuple[int, int, int] | None = None) -> None:
    font = style_or_run.font
    font.name = name
    el = style_or_run.element
    rpr = el.get_or_add_rPr()
    rfonts = rpr.find(qn("w:rFonts"))
    if rfonts is None:
        rfonts = OxmlElement("w:rFonts")
        rpr.insert(0, rfonts)
    for attr in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
        if rfonts.get(qn(attr)) is not None:
            del rfonts.attrib[qn(attr)]
    for attr in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        rfonts.set(qn(attr), name)
    if size is not None:
        font.size = Pt(size)
    if bold is not None:
        font.bold = bold
    if colour is not None:
        font.color.rgb = RGBColor(*colour)


def new_document(gold: dict, landscape: bool = False) -> docx.Document:
    style = gold["render"]["style"]
    doc = docx.Document()
    props = doc.core_properties
    props.title, props.author = gold["report"]["title"], gold["report"]["municipality"]
    props.subject, props.last_modified_by = gold["report"]["body"], "malrapport.samples"
    props.created = props.modified = FIXED_TIME
    props.revision = 1
    normal = doc.styles["Normal"]
    set_font(normal, style["font"], style["size"])
    normal.paragraph_format.space_after = Pt(style.get("space_after", 5))
    normal.paragraph_format.line_spacing = style.get("line_spacing", 1.1)
    for name in ("Header", "Footer"):
        doc.styles[name].paragraph_format.tab_stops.clear_all()
    for level, key in ((1, "h1"), (2, "h2"), (3, "h3")):
        hs = doc.styles[f"Heading {level}"]
        set_font(hs, style.get("heading_font", style["font"]), style[key], True, (0, 0, 0))
        hs.font.italic = False
        hs.paragraph_format.space_before = Pt(style[key] * 1.1)
        hs.paragraph_format.space_after = Pt(style[key] * 0.45)
        hs.paragraph_format.keep_with_next = True
    sec = doc.sections[0]
    sec.page_width, sec.page_height = Cm(21.0), Cm(29.7)
    if landscape:
        sec.orientation = WD_ORIENT.LANDSCAPE
        sec.page_width, sec.page_height = sec.page_height, sec.page_width
    margins(sec, style["margins_cm"])
    running(sec, gold)
    return doc


def margins(sec, cm: list[float]) -> None:
    sec.top_margin, sec.right_margin, sec.bottom_margin, sec.left_margin = (Cm(v) for v in cm)
    sec.header_distance = sec.footer_distance = Cm(1.1)


def text_width(sec) -> int:
    return sec.page_width - sec.left_margin - sec.right_margin


def add_field(par, instr: str) -> None:
    """A complex field (as Word writes it) with a placeholder result."""
    for kind, text in (("begin", None), ("instr", instr), ("separate", None), ("text", "1"), ("end", None)):
        run = OxmlElement("w:r")
        if kind == "instr":
            el = OxmlElement("w:instrText")
            el.set(qn("xml:space"), "preserve")
            el.text = f" {text} "
        elif kind == "text":
            el = OxmlElement("w:t")
            el.text = text
        else:
            el = OxmlElement("w:fldChar")
            el.set(qn("w:fldCharType"), kind)
        run.append(el)
        par._p.append(run)


def templated(par, template: str, gold: dict, size: float, colour=(90, 90, 90)) -> None:
    font = gold["render"]["style"].get("running_font", gold["render"]["style"]["font"])
    for piece in re.split(r"(\{page\}|\{total\})", fill(template, gold)):
        if piece == "{page}":
            add_field(par, "PAGE")
        elif piece == "{total}":
            add_field(par, "NUMPAGES")
        elif piece:
            set_font(par.add_run(piece), font, size, colour=colour)
    for run in par.runs:
        set_font(run, font, size, colour=colour)


def running(sec, gold: dict) -> None:
    spec = gold["render"]["style"]["running"]
    size = gold["render"]["style"].get("running_size", 8)
    for part, key in ((sec.header, "header"), (sec.footer, "footer")):
        if key not in spec:
            continue
        left, right = spec[key]
        par = part.paragraphs[0]
        par.paragraph_format.tab_stops.add_tab_stop(text_width(sec), WD_TAB_ALIGNMENT.RIGHT)
        templated(par, left, gold, size)
        par.add_run("\t")
        templated(par, right, gold, size)


def para(container, text: str = "", bold=False, italic=False, size=None, align=None,
         before=None, after=None, keep=False, indent=None, hanging=None, colour=None):
    par = container.add_paragraph()
    if text:
        run = par.add_run(text)
        run.bold, run.italic = bold, italic
        if size:
            run.font.size = Pt(size)
        if colour:
            run.font.color.rgb = RGBColor(*colour)
    fmt = par.paragraph_format
    if align:
        fmt.alignment = align
    if before is not None:
        fmt.space_before = Pt(before)
    if after is not None:
        fmt.space_after = Pt(after)
    if keep:
        fmt.keep_with_next = True
    if indent is not None:
        fmt.left_indent = Cm(indent)
    if hanging is not None:
        fmt.first_line_indent = Cm(-hanging)
    return par


def text_paragraphs(container, text: str | None, size=None, after=3, italic=False) -> None:
    """Gold text: ``\\n`` separates paragraphs, a ``• `` line is a bullet with a hanging indent."""
    if not text:
        return
    for line in text.split("\n"):
        if line.startswith("• "):
            para(container, line, size=size, after=1, indent=0.5, hanging=0.4, italic=italic)
        else:
            para(container, line, size=size, after=after, italic=italic)


def cell_text(cell, text: str, bold=False, size=None, align=None, colour=None, font=None):
    par = cell.paragraphs[0]
    run = par.add_run(text)
    run.bold = bold
    if font:
        set_font(run, font)
    if size:
        run.font.size = Pt(size)
    if colour:
        run.font.color.rgb = RGBColor(*colour)
    par.paragraph_format.space_after = Pt(1)
    if align:
        par.paragraph_format.alignment = align
    return par


def table(container, widths: list[float], total, borders: dict | None = None):
    """A fixed-layout table; ``widths`` are fractions of ``total`` (EMU).
    ``borders``: tblBorders edges -> (size in eighths of a point, colour) or None for none."""
    tbl = container.add_table(rows=0, cols=len(widths))
    tbl.autofit = False
    tblpr = tbl._tbl.tblPr
    layout = OxmlElement("w:tblLayout")
    layout.set(qn("w:type"), "fixed")
    tblpr.append(layout)
    edges = OxmlElement("w:tblBorders")
    for edge in ("top", "left", "bottom", "right", "insideH", "insideV"):
        el = OxmlElement(f"w:{edge}")
        spec = (borders or {}).get(edge)
        if spec:
            el.set(qn("w:val"), "single")
            el.set(qn("w:sz"), str(spec[0]))
            el.set(qn("w:color"), spec[1])
        else:
            el.set(qn("w:val"), "nil")
        edges.append(el)
    tblpr.append(edges)
    cols = [int(total * w) for w in widths]
    for col, w in zip(tbl.columns, cols):
        col.width = w
    tbl._widths = cols
    return tbl


def add_row(tbl, header=False):
    row = tbl.add_row()
    for cell, w in zip(row.cells, tbl._widths):
        cell.width = w
    if header:
        trpr = row._tr.get_or_add_trPr()
        el = OxmlElement("w:tblHeader")
        el.set(qn("w:val"), "true")
        trpr.append(el)
    return row


def cell_border(cell, edge: str, size: int = 6, colour: str = "808080") -> None:
    tcpr = cell._tc.get_or_add_tcPr()
    borders = tcpr.find(qn("w:tcBorders"))
    if borders is None:
        borders = OxmlElement("w:tcBorders")
        tcpr.append(borders)
    el = OxmlElement(f"w:{edge}")
    el.set(qn("w:val"), "single")
    el.set(qn("w:sz"), str(size))
    el.set(qn("w:color"), colour)
    borders.append(el)


def shade(cell, fill_hex: str) -> None:
    tcpr = cell._tc.get_or_add_tcPr()
    el = OxmlElement("w:shd")
    el.set(qn("w:val"), "clear")
    el.set(qn("w:color"), "auto")
    el.set(qn("w:fill"), fill_hex)
    tcpr.append(el)


def merged_row(tbl):
    row = add_row(tbl)
    cell = row.cells[0].merge(row.cells[-1])
    return cell


_ICONS: dict[tuple, bytes] = {}


def icon_png(key: str, px: int = 48) -> bytes:
    """A filled circle with a thin darker rim, as a small RGBA PNG (deterministic bytes)."""
    if (key, px) not in _ICONS:
        img = Image.new("RGBA", (px, px), (255, 255, 255, 0))
        colour = COLOURS[key]
        rim = tuple(max(0, c - 60) for c in colour)
        ImageDraw.Draw(img).ellipse((1, 1, px - 2, px - 2), fill=colour + (255,), outline=rim + (255,), width=2)
        buf = io.BytesIO()
        img.save(buf, "PNG", optimize=False)
        _ICONS[(key, px)] = buf.getvalue()
    return _ICONS[(key, px)]


def add_icon(par, key: str, size_pt: float) -> None:
    par.add_run().add_picture(io.BytesIO(icon_png(key)), width=Pt(size_pt), height=Pt(size_pt))


def symbol(par, key: str, char: str = "●", size=None, font=None) -> None:
    run = par.add_run(char)
    run.font.color.rgb = RGBColor(*COLOURS[key])
    if size:
        run.font.size = Pt(size)
    if font:
        set_font(run, font)


def blocks(doc, items: list, gold: dict) -> None:
    style = gold["render"]["style"]
    for block in items:
        if isinstance(block, str):
            para(doc, block)
        elif "heading" in block:
            number = block["heading"]
            level = block.get("level") or min(number.count(".") + 1, 3)
            doc.add_heading(f"{number} {block['title']}" if number else block["title"], level)
        elif "label" in block:
            para(doc, block["label"], bold=True, before=8, after=3, keep=True)
        elif "bullets" in block:
            for item in block["bullets"]:
                para(doc, f"• {item}", after=2, indent=0.6, hanging=0.45)
        elif "table" in block:
            data_table(doc, block["table"], style)
        elif "page_break" in block:
            doc.add_paragraph().add_run().add_break(WD_BREAK.PAGE)
        elif "toc" in block:
            sec = doc.sections[-1]
            for text, page in block["toc"]:
                par = para(doc, after=4)
                par.paragraph_format.tab_stops.add_tab_stop(text_width(sec), WD_TAB_ALIGNMENT.RIGHT,
                                                            WD_TAB_LEADER.DOTS)
                par.add_run(f"{text}\t{page}")
        else:
            raise ValueError(f"unknown block {block!r}")


def data_table(doc, spec: dict, style: dict) -> None:
    tbl = table(doc, spec["widths"], text_width(doc.sections[-1]),
                {"top": (8, "404040"), "bottom": (8, "404040"), "insideH": (2, "B0B0B0")})
    size = style.get("table_size", style["small"])
    bold_rows = set(spec.get("bold_rows", []))
    for r, values in enumerate([spec["header"], *spec["rows"]]):
        row = add_row(tbl, header=r == 0)
        for c, (cell, value) in enumerate(zip(row.cells, values)):
            align = WD_ALIGN_PARAGRAPH.RIGHT if c else None
            cell_text(cell, value, bold=r == 0 or (r - 1) in bold_rows, size=size, align=align,
                      font=style.get("table_font"))
            if r == 0:
                shade(cell, style.get("table_head_fill", "E4E9EE"))
    para(doc, "", after=4)


def title_block(doc, gold: dict) -> None:
    rnd, rep = gold["render"], gold["report"]
    sec = doc.sections[0]
    par = para(doc, after=2)
    par.paragraph_format.tab_stops.add_tab_stop(text_width(sec), WD_TAB_ALIGNMENT.RIGHT)
    par.add_run(rep["municipality"]).bold = True
    par.add_run(f"\t{rnd['date']}")
    para(doc, rep["title"], bold=True, size=rnd["style"].get("title_size", 20), before=14, after=4)
    para(doc, rep["body"], after=1)
    for line in rnd["title_block"]["lines"]:
        para(doc, line, after=1)
    rule = para(doc, after=12)
    ppr = rule._p.get_or_add_pPr()
    bdr = OxmlElement("w:pBdr")
    bottom = OxmlElement("w:bottom")
    for k, v in (("w:val", "single"), ("w:sz", "8"), ("w:space", "1"), ("w:color", "333333")):
        bottom.set(qn(k), v)
    bdr.append(bottom)
    ppr.append(bdr)


def page_break_before(doc) -> None:
    doc.add_paragraph().add_run().add_break(WD_BREAK.PAGE)


# --- family A: tertial report ----------------------------------------------------------------


def numbered_doc(gold: dict, goal_part) -> docx.Document:
    """A report of numbered chapters (families A and B): each chapter's blocks, its
    goals drawn by ``goal_part(doc, goal, gold)``, and the blocks after them."""
    doc = new_document(gold)
    title_block(doc, gold)
    for chapter in gold["render"]["chapters"]:
        if chapter.get("new_page"):
            page_break_before(doc)
        doc.add_heading(f"{chapter['number']} {chapter['title']}", 1)
        blocks(doc, chapter.get("blocks", []), gold)
        if chapter.get("goals"):
            for goal in gold["goals"]:
                if goal["number"].split(".")[0] == chapter["number"]:
                    goal_part(doc, goal, gold)
        blocks(doc, chapter.get("blocks_after", []), gold)
    return doc


def tertial_doc(gold: dict) -> docx.Document:
    return numbered_doc(gold, tertial_goal)


def tertial_goal(doc, goal: dict, gold: dict) -> None:
    style = gold["render"]["style"]
    level = min(goal["number"].count(".") + 1, 3)
    heading = doc.add_heading(f"{goal['number']}\t{goal['title']}", level)
    heading.paragraph_format.left_indent = Cm(1.3)
    heading.paragraph_format.first_line_indent = Cm(-1.3)
    heading.paragraph_format.tab_stops.add_tab_stop(Cm(1.3))
    if goal["assessment"]:
        par = para(doc, before=2, after=6)
        par.paragraph_format.tab_stops.add_tab_stop(Cm(2.6))
        par.add_run("Bedömning").bold = True
        par.add_run("\t")
        add_icon(par, goal["assessment"], style["icon_pt"] + 2)
        par.add_run(f" {ASSESSMENT[goal['assessment']]}")
    if goal["comment"]:
        para(doc, "Kommentar", bold=True, after=2, keep=True)
        text_paragraphs(doc, goal["comment"])
    if goal["activities"]:
        tertial_table(doc, goal["activities"], style)
    if goal["measures"]:
        tbl = table(doc, [0.6, 0.2, 0.2], text_width(doc.sections[-1]))
        row = add_row(tbl, header=True)
        for cell, head in zip(row.cells, ("Mått", "Mål", "Utfall")):
            cell_text(cell, head, bold=True)
        for m in goal["measures"]:
            row = add_row(tbl)
            for cell, value in zip(row.cells, (m["name"], m["target"], m["outcome"])):
                if value:
                    cell_text(cell, value)
        note = gold["render"].get("notes", {}).get(goal["number"])
        para(doc, note or "", italic=True, size=style["small"], before=4)


def tertial_table(doc, activities: list, style: dict) -> None:
    tbl = table(doc, style["cols"], text_width(doc.sections[-1]))
    heads = ["Verksamhetens aktiviteter", "Status", "Startdatum", "Slutdatum"]
    if len(style["cols"]) == 3:  # no start dates
        heads.remove("Startdatum")
    row = add_row(tbl, header=True)
    for cell, head in zip(row.cells, heads):
        cell_text(cell, head, bold=True).paragraph_format.space_before = Pt(4)
    for a in activities:
        row = add_row(tbl)
        cells = row.cells
        cell_text(cells[0], a["title"]).paragraph_format.space_before = Pt(6)
        par = cells[1].paragraphs[0]
        par.paragraph_format.space_before = Pt(6)
        add_icon(par, a["status"], style["icon_pt"])
        par.add_run(f" {STATUS[a['status']]}")
        dates = [a["start_date"], a["end_date"]] if len(cells) == 4 else [a["end_date"]]
        for cell, value in zip(cells[2:], dates):
            cell_text(cell, value or "").paragraph_format.space_before = Pt(6)
        if a["description"] or a["comment"]:
            cell = merged_row(tbl)
            body = cell.paragraphs[0]
            body._p.getparent().remove(body._p)
            text_paragraphs(cell, a["description"], size=style["small"], after=2)
            if a["comment"]:
                para(cell, "Kommentar", bold=True, size=style["small"], before=2, after=1, keep=True)
                text_paragraphs(cell, a["comment"], size=style["small"], after=2)
    para(doc, "", after=2)


# --- family B: supervision report --------------------------------------------------------------


def uppsikt_doc(gold: dict) -> docx.Document:
    return numbered_doc(gold, uppsikt_goal)


def uppsikt_goal(doc, goal: dict, gold: dict) -> None:
    doc.add_heading(f"{goal['number']} {goal['title']}", 2)
    uppsikt_table(doc, goal["activities"], gold["render"]["style"])


def uppsikt_table(doc, activities: list, style: dict) -> None:
    tbl = table(doc, style["cols"], text_width(doc.sections[-1]))
    row = add_row(tbl, header=True)
    for cell, head in zip(row.cells, ("Verksamhetens aktiviteter", "Startdatum", "Slutdatum")):
        cell_text(cell, head, bold=True)
        cell_border(cell, "bottom", 6, "606060")
    for a in activities:
        row = add_row(tbl)
        for cell, value in zip(row.cells, (a["title"], a["start_date"], a["end_date"])):
            cell_text(cell, value or "").paragraph_format.space_before = Pt(8)
        cell = merged_row(tbl)
        body = cell.paragraphs[0]
        body._p.getparent().remove(body._p)
        text_paragraphs(cell, a["description"], size=style["small"], after=3)
        par = para(cell, before=2, after=2)
        symbol(par, a["status"], style.get("symbol", "●"), size=style["small"] + 1)
        run = par.add_run(f" {STATUS[a['status']]}")
        run.font.size = Pt(style["small"])
        text_paragraphs(cell, a["comment"], size=style["small"], after=3)
    para(doc, "", after=2)


# --- family D: goal table in the annual accounts -------------------------------------------------


def accounts_doc(gold: dict) -> docx.Document:
    rnd, rep = gold["render"], gold["report"]
    doc = new_document(gold)
    para(doc, rep["municipality"], bold=True, size=16, before=150, after=6)
    para(doc, rep["title"], bold=True, size=38, after=18)
    for line in rnd["title_page"]["lines"]:
        para(doc, line, size=12, after=2)
    for chapter in rnd["chapters"]:
        if chapter.get("landscape"):
            sec = doc.add_section(WD_SECTION.NEW_PAGE)
            sec.orientation = WD_ORIENT.LANDSCAPE
            sec.page_width, sec.page_height = Cm(29.7), Cm(21.0)
            margins(sec, [2.0, 2.2, 2.0, 2.2])
            sec.footer.is_linked_to_previous = False
            running(sec, gold)
        else:
            page_break_before(doc)
        doc.add_heading(chapter["title"], 1)
        blocks(doc, chapter.get("blocks", []), gold)
        if chapter.get("goals"):
            legend(doc, rnd)
            goal_table(doc, [g for g in gold["goals"] if g["level"] != "ekonomi"], rnd["style"])
            doc.add_heading(chapter["fin_heading"], 2)
            blocks(doc, chapter.get("fin_blocks", []), gold)
            financial_table(doc, [g for g in gold["goals"] if g["level"] == "ekonomi"], rnd["style"])
            legend(doc, rnd)
    return doc


def legend(doc, rnd: dict) -> None:
    style = rnd["style"]
    par = para(doc, before=4, after=8, keep=True)
    run = par.add_run("Teckenförklaring:  ")
    run.bold = True
    set_font(run, style["table_font"], style["small"])
    for key, text in rnd["legend"].items():
        symbol(par, key, "●", size=style["symbol_size"] - 3, font=style["symbol_font"])
        set_font(par.add_run(f" = {text}      "), style["table_font"], style["small"])


def goal_table(doc, goals: list, style: dict) -> None:
    tbl = table(doc, style["goal_cols"], text_width(doc.sections[-1]),
                {"top": (8, "404040"), "bottom": (8, "404040"), "insideH": (4, "A0A0A0")})
    font, size = style["table_font"], style["table_size"]
    row = add_row(tbl, header=True)
    for cell, head in zip(row.cells, ("Mål", "Bedömning", "Kommentar")):
        cell_text(cell, head, bold=True, size=size, font=font)
        shade(cell, style["table_head_fill"])
    area = None
    for goal in goals:
        if goal["area"] != area:
            area = goal["area"]
            cell = merged_row(tbl)
            cell_text(cell, f"Fokusområde: {area}", bold=True, size=size, font=font)
            shade(cell, "F1F4F7")
        row = add_row(tbl)
        cell_text(row.cells[0], goal["title"], size=size, font=font)
        par = row.cells[1].paragraphs[0]
        par.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.CENTER
        symbol(par, goal["assessment"], "●", size=style["symbol_size"], font=style["symbol_font"])
        row.cells[1].vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER
        if goal["comment"]:
            first, *more = goal["comment"].split("\n")
            cell_text(row.cells[2], first, size=size, font=font)
            for line in more:
                set_font(para(row.cells[2], line, size=size, after=1).runs[0], font)
    para(doc, "", after=4)


def financial_table(doc, goals: list, style: dict) -> None:
    tbl = table(doc, style["fin_cols"], text_width(doc.sections[-1]),
                {"top": (8, "404040"), "bottom": (8, "404040"), "insideH": (4, "A0A0A0")})
    font, size = style["table_font"], style["table_size"]
    row = add_row(tbl, header=True)
    for i, (cell, head) in enumerate(zip(row.cells, ("Finansiellt mål", "Målvärde", "Utfall", "Bedömning"))):
        align = WD_ALIGN_PARAGRAPH.RIGHT if i in (1, 2) else (WD_ALIGN_PARAGRAPH.CENTER if i == 3 else None)
        cell_text(cell, head, bold=True, size=size, font=font, align=align)
        shade(cell, style["table_head_fill"])
    for goal in goals:
        (m,) = goal["measures"]
        row = add_row(tbl)
        cell_text(row.cells[0], goal["title"], size=size, font=font)
        for cell, value in zip(row.cells[1:3], (m["target"], m["outcome"])):
            cell_text(cell, f"{value} {m['unit']}", size=size, font=font, align=WD_ALIGN_PARAGRAPH.RIGHT)
        par = row.cells[3].paragraphs[0]
        par.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.CENTER
        symbol(par, goal["assessment"], "●", size=style["symbol_size"], font=style["symbol_font"])
    para(doc, "", after=2)
