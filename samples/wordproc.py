"""Family E samples: an action-plan follow-up written in a word processor.

    python -m malrapport.samples.wordproc STEM --docx OUT.docx [--pdf OUT.pdf]

The gold annotation is written out as a .docx with python-docx the way a municipal
office wrote these reports (headings ``Mål 1: …`` and ``Delmål 1.2: …`` in the
Heading 1/2 styles, one "Table Grid" table ``Åtgärd | Ansvar | Tidplan | Status |
Kommentar`` per sub-goal with a repeating header row, a ``Måluppfyllelse:`` paragraph
after it, PAGE/NUMPAGES fields in the footer) and converted to PDF by LibreOffice in
headless mode, so that the line breaks, row heights and page breaks are LibreOffice's.

Reproducible on one machine: the .docx has fixed core-property dates and fixed zip
timestamps, LibreOffice runs with a fresh profile each time, and the PDF's
/CreationDate (set to the report's date), /DocChecksum and /ID are pinned afterwards.
LibreOffice writes no /ModDate and no XMP metadata for a plain PDF export; ``pin_pdf``
pins a /ModDate too should a version write one. The line breaks depend on the fonts
installed (Carlito, Liberation Serif), so other machines may break lines elsewhere.

``render`` keys used: ``date`` (ISO), ``style`` (see ``DEFAULT_STYLE``), ``title_block``
(``lines`` printed under the body), ``front`` and ``closing`` (blocks: a string is a
paragraph, ``{"heading": …}`` a Heading 1 without a goal, ``{"label": …}`` a bold
line) and ``notes`` (a paragraph under a goal heading, by goal number).
"""
from __future__ import annotations

import argparse
import copy
import datetime as dt
import io
import os
import re
import shutil
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

import docx
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_BREAK, WD_TAB_ALIGNMENT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor, Twips
from malrapport.samples.reproducible import date_stamp, pin_pdf

STATUS_WORDS = {
    "avslutad_enligt_plan": "Klar",
    "pagaende_enligt_plan": "Pågår",
    "ej_paborjad": "Ej påbörjad",
    "vantelage": "Vilande",
    "pagaende_med_avvikelse": "Försenad",
}
ASSESSMENT_WORDS = {
    "uppfyllt": "Uppnått",
    "delvis_uppfyllt": "Delvis uppnått",
    "ej_uppfyllt": "Ej uppnått",
    "saknas": "Ej bedömd",
}
HEADER_ROW = ("Åtgärd", "Ansvar", "Tidplan", "Status", "Kommentar")

DEFAULT_STYLE = {
    "font": "Carlito",            # a font installed here (Carlito has Calibri's metrics)
    "size": 11,                   # body text, pt
    "table_size": 11,             # table cells, pt
    "small": 9,                   # running header/footer, pt
    "h1": 14,
    "h2": 12,
    "title": 22,
    "heading_color": "000000",
    "line": 1.0,                  # line spacing of body paragraphs (multiple)
    "space_after": 6,             # after body paragraphs, pt
    "margins_cm": [2.5, 2.5, 2.5, 2.5],   # top, right, bottom, left
    "columns": [0.30, 0.15, 0.13, 0.12, 0.30],   # fractions of the text width
    "header_fill": None,          # shading of the table header row, e.g. "D9D9D9"
    "label_bold": True,           # "Måluppfyllelse:" in bold
    "kf_prefix": "Mål",
    "ks_prefix": "Delmål",
    "goals_new_page": False,      # page break after the front matter
    "running": {"footer_left": "{title}", "footer_right": "Sida {page} av {pages}"},
}


def style_of(gold: dict) -> dict:
    style = copy.deepcopy(DEFAULT_STYLE)
    style.update(gold.get("render", {}).get("style", {}))
    return style


# docx ------------------------------------------------------------------------------
def _set_fonts(doc: docx.Document, font: str) -> None:
    """Every rFonts of the template names ``font`` instead of a theme font."""
    styles = doc.styles.element
    for rfonts in styles.iter(qn("w:rFonts")):
        for attr in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
            rfonts.attrib.pop(qn(attr), None)
        for attr in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
            rfonts.set(qn(attr), font)
    for lang in styles.iter(qn("w:lang")):
        lang.set(qn("w:val"), "sv-SE")
    for color in styles.iter(qn("w:color")):
        for attr in ("w:themeColor", "w:themeShade", "w:themeTint"):
            color.attrib.pop(qn(attr), None)


def _set_style(doc, name: str, size: float, bold: bool | None = None, color: str | None = None,
               before: float | None = None, after: float | None = None, line: float | None = None):
    st = doc.styles[name]
    st.font.size = Pt(size)
    if bold is not None:
        st.font.bold = bold
    if color is not None:
        st.font.color.rgb = RGBColor.from_string(color)
    pf = st.paragraph_format
    if before is not None:
        pf.space_before = Pt(before)
    if after is not None:
        pf.space_after = Pt(after)
    if line is not None:
        pf.line_spacing = line
    return st


def _no_hyphenation(doc) -> None:
    settings = doc.settings.element
    for old in settings.findall(qn("w:autoHyphenation")):
        settings.remove(old)
    hyph = OxmlElement("w:autoHyphenation")
    hyph.set(qn("w:val"), "false")
    settings.find(qn("w:defaultTabStop")).addnext(hyph)
    lang = settings.find(qn("w:themeFontLang"))
    if lang is not None:
        lang.set(qn("w:val"), "sv-SE")


def _field(paragraph, instr: str, cached: str, size: float) -> None:
    """A complex field (PAGE, NUMPAGES); LibreOffice evaluates it on export."""
    for kind, text in (("begin", None), ("instr", instr), ("separate", None),
                       ("text", cached), ("end", None)):
        run = paragraph.add_run()
        run.font.size = Pt(size)
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
        run._r.append(el)


class _Keep(dict):
    """str.format_map that leaves {page} and {pages} for the fields."""

    def __missing__(self, key):
        return "{" + key + "}"


def _running(paragraph, left: str | None, right: str | None, report: dict, width: float,
             size: float) -> None:
    tabs = paragraph.paragraph_format.tab_stops
    for pos in (4680, 9360):   # the template's Header/Footer tabs, in twips
        tabs.add_tab_stop(Twips(pos), WD_TAB_ALIGNMENT.CLEAR)
    tabs.add_tab_stop(Cm(width), WD_TAB_ALIGNMENT.RIGHT)
    paragraph.paragraph_format.space_after = Pt(0)
    parts = [left or "", "\t", right or ""] if right else [left or ""]
    for part in parts:
        for piece in re.split(r"(\{page\}|\{pages\})", part.format_map(_Keep(report))):
            if piece == "{page}":
                _field(paragraph, "PAGE", "1", size)
            elif piece == "{pages}":
                _field(paragraph, "NUMPAGES", "1", size)
            elif piece:
                paragraph.add_run(piece).font.size = Pt(size)


def _tight(paragraph, after: float = 0) -> None:
    pf = paragraph.paragraph_format
    pf.space_before = Pt(0)
    pf.space_after = Pt(after)
    pf.line_spacing = 1.0


def _cell_text(cell, text: str | None, size: float, bold: bool = False) -> None:
    lines = text.split("\n") if text else [""]
    first = cell.paragraphs[0]
    for i, line in enumerate(lines):
        paragraph = first if i == 0 else cell.add_paragraph()
        _tight(paragraph)
        if line:
            run = paragraph.add_run(line)
            run.font.size = Pt(size)
            run.bold = bold or None


def _shade(cell, fill: str) -> None:
    shd = OxmlElement("w:shd")
    shd.set(qn("w:val"), "clear")
    shd.set(qn("w:color"), "auto")
    shd.set(qn("w:fill"), fill)
    cell._tc.get_or_add_tcPr().append(shd)


def _activity_table(doc, activities: list[dict], style: dict, width_cm: float) -> None:
    widths = [Cm(width_cm * f) for f in style["columns"]]
    table = doc.add_table(rows=1, cols=len(HEADER_ROW))
    table.style = doc.styles["Table Grid"]
    table.alignment = WD_TABLE_ALIGNMENT.LEFT
    table.autofit = False
    for col, w in zip(table.columns, widths):
        col.width = w
    header = table.rows[0]
    tr_pr = header._tr.get_or_add_trPr()
    tr_pr.append(OxmlElement("w:tblHeader"))
    size = style["table_size"]
    for cell, word, w in zip(header.cells, HEADER_ROW, widths):
        cell.width = w
        _cell_text(cell, word, size, bold=True)
        if style["header_fill"]:
            _shade(cell, style["header_fill"])
    status_words = {**STATUS_WORDS, **style.get("status_words", {})}
    for a in activities:
        row = table.add_row()
        texts = (a["title"], a.get("responsible"), a.get("end_date_raw") or a.get("end_date"),
                 status_words[a["status"]], a.get("comment"))
        for cell, text, w in zip(row.cells, texts, widths):
            cell.width = w
            _cell_text(cell, text, size)


def _assessment(doc, goal: dict, style: dict) -> None:
    words = {**ASSESSMENT_WORDS, **style.get("assessment_words", {})}
    paragraph = doc.add_paragraph()
    paragraph.paragraph_format.space_before = Pt(6)
    paragraph.paragraph_format.keep_together = True
    paragraph.add_run("Måluppfyllelse:").bold = style["label_bold"] or None
    text = " " + words[goal["assessment"]]
    if goal.get("comment"):
        text += ". " + goal["comment"]
    paragraph.add_run(text)


def _blocks(doc, blocks: list) -> None:
    for block in blocks:
        if isinstance(block, str):
            doc.add_paragraph(block)
        elif "heading" in block:
            doc.add_heading(block["heading"], 1)
        elif "label" in block:
            paragraph = doc.add_paragraph()
            paragraph.paragraph_format.keep_with_next = True
            paragraph.paragraph_format.space_after = Pt(2)
            paragraph.add_run(block["label"]).bold = True
        else:
            raise ValueError(f"unknown block {block!r}")


def build_document(gold: dict) -> docx.Document:
    """The report as a python-docx document (not yet saved)."""
    report, render = gold["report"], gold.get("render", {})
    style = style_of(gold)
    date = dt.datetime.fromisoformat(render["date"])
    doc = docx.Document()
    _set_fonts(doc, style["font"])
    _no_hyphenation(doc)
    _set_style(doc, "Normal", style["size"], after=style["space_after"], line=style["line"])
    _set_style(doc, "Heading 1", style["h1"], True, style["heading_color"], before=18, after=6)
    _set_style(doc, "Heading 2", style["h2"], True, style["heading_color"], before=14, after=6)

    section = doc.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Cm(21.0), Cm(29.7)
    top, right, bottom, left = style["margins_cm"]
    section.top_margin, section.right_margin = Cm(top), Cm(right)
    section.bottom_margin, section.left_margin = Cm(bottom), Cm(left)
    section.header_distance = section.footer_distance = Cm(1.25)
    width = 21.0 - left - right
    run = style["running"]
    if run.get("header_left") or run.get("header_right"):
        _running(section.header.paragraphs[0], run.get("header_left"), run.get("header_right"),
                 report, width, style["small"])
    _running(section.footer.paragraphs[0], run.get("footer_left"), run.get("footer_right"),
             report, width, style["small"])

    first = doc.add_paragraph()
    first.add_run(report["municipality"]).bold = True
    first.runs[0].font.size = Pt(style["h1"])
    first.paragraph_format.space_after = Pt(36)
    title = doc.add_paragraph()
    title.add_run(report["title"]).bold = True
    title.runs[0].font.size = Pt(style["title"])
    title.paragraph_format.space_after = Pt(12)
    doc.add_paragraph(report["body"]).paragraph_format.space_after = Pt(0)
    lines = [render["date"], *render.get("title_block", {}).get("lines", [])]
    for i, line in enumerate(lines):
        doc.add_paragraph(line).paragraph_format.space_after = Pt(24 if i == len(lines) - 1 else 0)
    _blocks(doc, render.get("front", []))
    if style["goals_new_page"]:
        doc.paragraphs[-1].add_run().add_break(WD_BREAK.PAGE)

    notes = render.get("notes", {})
    for goal in gold["goals"]:
        if goal["level"] == "kf":
            doc.add_heading(f"{style['kf_prefix']} {goal['number']}: {goal['title']}", 1)
        else:
            doc.add_heading(f"{style['ks_prefix']} {goal['number']}: {goal['title']}", 2)
        if goal["number"] in notes:
            doc.add_paragraph(notes[goal["number"]])
        if goal["activities"]:
            _activity_table(doc, goal["activities"], style, width)
        if goal["assessment"]:
            _assessment(doc, goal, style)
    _blocks(doc, render.get("closing", []))

    props = doc.core_properties
    props.title, props.subject = report["title"], report["body"]
    props.author = props.last_modified_by = report["municipality"]
    props.comments, props.keywords, props.category = "", "", ""
    props.created = props.modified = date
    props.revision = 1
    props.language = "sv-SE"
    return doc


def docx_bytes(gold: dict) -> bytes:
    """The .docx, byte-for-byte the same on every run (fixed zip timestamps)."""
    buf = io.BytesIO()
    build_document(gold).save(buf)
    stamp = dt.date.fromisoformat(gold["render"]["date"]).timetuple()[:3] + (12, 0, 0)
    out = io.BytesIO()
    with zipfile.ZipFile(buf) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            fixed = zipfile.ZipInfo(info.filename, date_time=stamp)
            fixed.compress_type = zipfile.ZIP_DEFLATED
            fixed.external_attr = 0o644 << 16
            dst.writestr(fixed, src.read(info.filename))
    return out.getvalue()


def write_docx(gold: dict, path: Path) -> Path:
    path = Path(path)
    path.write_bytes(docx_bytes(gold))
    return path


# PDF ---------------------------------------------------------------------------------
def soffice() -> str:
    for name in ("soffice", "libreoffice"):
        found = shutil.which(name)
        if found:
            return found
    raise RuntimeError("LibreOffice (soffice) is not installed")


def docx_to_pdf(data: bytes, timeout: float = 300) -> bytes:
    """Convert with ``soffice --headless``, a fresh user profile per call."""
    with tempfile.TemporaryDirectory(prefix="malrapport-lo-") as tmp:
        tmp = Path(tmp)
        src, out = tmp / "report.docx", tmp / "out"
        src.write_bytes(data)
        cmd = [soffice(), f"-env:UserInstallation={(tmp / 'profile').as_uri()}", "--headless",
               "--norestore", "--nolockcheck", "--convert-to", "pdf", "--outdir", str(out),
               str(src)]
        env = {**os.environ, "LC_ALL": "C.UTF-8", "TZ": "UTC"}
        proc = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, env=env)
        pdf = out / "report.pdf"
        if proc.returncode != 0 or not pdf.exists():
            raise RuntimeError(f"LibreOffice conversion failed ({proc.returncode}): "
                               f"{proc.stderr.strip() or proc.stdout.strip()}")
        return pdf.read_bytes()


def render_pdf(gold: dict) -> bytes:
    """gold -> .docx (python-docx) -> PDF (LibreOffice), pinned."""
    return pin_pdf(docx_to_pdf(docx_bytes(gold)), date_stamp(gold["render"]["date"]))


def main(argv: list[str] | None = None) -> int:
    from .generate import GOLD_DIR, load_gold

    parser = argparse.ArgumentParser(prog="python -m malrapport.samples.wordproc",
                                     description="Write a family E sample as .docx and/or PDF.")
    parser.add_argument("stem", help="gold stem, e.g. ange-vp-2017")
    parser.add_argument("--gold", type=Path, default=GOLD_DIR)
    parser.add_argument("--docx", type=Path, help="write the .docx here")
    parser.add_argument("--pdf", type=Path, help="write the PDF here")
    args = parser.parse_args(argv)
    gold = load_gold(args.gold / f"{args.stem}.json")
    if not args.docx and not args.pdf:
        parser.error("give --docx and/or --pdf")
    if args.docx:
        print(write_docx(gold, args.docx))
    if args.pdf:
        args.pdf.write_bytes(render_pdf(gold))
        print(args.pdf)
    return 0


if __name__ == "__main__":
    sys.exit(main())
