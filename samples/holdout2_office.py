"""Held-out set 2: office documents converted to PDF by LibreOffice.

Two templates, picked by ``render.template``:

* ``namnd`` (family C): a flat ODF text document (``.fodt``) written as XML by hand:
  Carlito, a title page, ``Målområde:`` / ``Kommunfullmäktiges mål:`` / ``Nämndmål:``
  headings, ``Måluppfyllelse`` with an ellipse shape anchored as a character, ``Analys``,
  an indicator table with trend arrows, an activity table
  ``Aktivitet | Ansvarig | Status | Klart`` with repeated header rows and an italic
  comment row, footer ``Sida N av M`` from page fields.
* ``vp_docx`` (family E): a Word document written with python-docx: Liberation Serif
  11 pt, ``Mål N:`` / ``Delmål N.M:`` paragraphs, a ``Table Grid`` table
  ``Åtgärd | Ansvar | Tidplan | Status | Kommentar`` whose header row repeats (rows may
  break across pages), ``Måluppfyllelse: …`` after each table.

Creation dates and document IDs are pinned so that the output is reproducible.
"""
from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path
from xml.sax.saxutils import escape

# the set's family E words: one list for both its E renderers (platypus and this one)
from malrapport.samples.holdout2_platypus import ASSESS_E, STATUS_E
from malrapport.samples.reproducible import pin_pdf


def _soffice(src_name: str, payload: bytes) -> bytes:
    exe = shutil.which("soffice") or shutil.which("libreoffice") or "soffice"
    with tempfile.TemporaryDirectory(prefix="h2-office-") as tmp:
        tmp = Path(tmp)
        src = tmp / src_name
        src.write_bytes(payload)
        profile = (tmp / "profile").as_uri()
        env = dict(os.environ, TZ="UTC", SOURCE_DATE_EPOCH="1735689600")
        subprocess.run([exe, f"-env:UserInstallation={profile}", "--headless", "--norestore",
                        "--convert-to", "pdf", "--outdir", str(tmp), str(src)],
                       check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                       timeout=240, env=env)
        return pin_pdf((tmp / (src.stem + ".pdf")).read_bytes())


def _x(text) -> str:
    return escape(text or "", {'"': "&quot;"})


# --- family C: flat ODF ---------------------------------------------------------------------

STATUS_C = {
    "avslutad_enligt_plan": ("Genomförd", "#2f8f4e"),
    "pagaende_enligt_plan": ("Påbörjad", "#3d85c6"),
    "ej_paborjad": ("Ej påbörjad", "#ffffff"),
    "pagaende_med_avvikelse": ("Försenad", "#e69138"),
    "avbruten": ("Avbruten", "#4d4d4d"),
}
ASSESS_C = {  # full-year phrases
    "uppfyllt": ("Målet är uppfyllt", "#34a853"),
    "delvis_uppfyllt": ("Målet är delvis uppfyllt", "#f6c026"),
    "ej_uppfyllt": ("Målet är inte uppfyllt", "#d93025"),
    "saknas": ("Bedömning saknas", "#b7b7b7"),
}

_NS = ('xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
       'xmlns:style="urn:oasis:names:tc:opendocument:xmlns:style:1.0" '
       'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" '
       'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
       'xmlns:draw="urn:oasis:names:tc:opendocument:xmlns:drawing:1.0" '
       'xmlns:fo="urn:oasis:names:tc:opendocument:xmlns:xsl-fo-compatible:1.0" '
       'xmlns:svg="urn:oasis:names:tc:opendocument:xmlns:svg-compatible:1.0" '
       'xmlns:meta="urn:oasis:names:tc:opendocument:xmlns:meta:1.0" '
       'xmlns:dc="http://purl.org/dc/elements/1.1/"')


def _dot(colour: str, size_cm: float = 0.3) -> str:
    name = "gr" + colour.lstrip("#")
    return (f'<draw:ellipse draw:style-name="{name}" text:anchor-type="as-char" '
            f'svg:y="-{size_cm * 0.86:.3f}cm" svg:width="{size_cm}cm" svg:height="{size_cm}cm" '
            f'draw:z-index="0"/>')


def _namnd_fodt(gold: dict) -> str:
    rep, rnd = gold["report"], gold["render"]
    st = rnd["style"]
    year = rep["year"]
    size = st["size_pt"]
    colours = sorted({c for _, c in STATUS_C.values()} | {c for _, c in ASSESS_C.values()})
    gr_styles = "".join(
        f'<style:style style:name="gr{c.lstrip("#")}" style:family="graphic">'
        f'<style:graphic-properties draw:fill="solid" draw:fill-color="{c}" draw:stroke="solid" '
        f'svg:stroke-color="{"#8c8c8c" if c == "#ffffff" else c}" svg:stroke-width="0.02cm" '
        f'style:vertical-pos="from-top" style:vertical-rel="baseline" fo:margin-right="0.12cm"/></style:style>'
        for c in colours)

    def cell(text, style="P_cell", cstyle="C_cell", span=1, raw=False):
        content = text if raw else _x(text)
        sp = f' table:number-columns-spanned="{span}"' if span > 1 else ""
        out = (f'<table:table-cell table:style-name="{cstyle}" office:value-type="string"{sp}>'
               f'<text:p text:style-name="{style}">{content}</text:p></table:table-cell>')
        return out + "<table:covered-table-cell/>" * (span - 1)

    def head_row(cols):
        return ('<table:table-header-rows><table:table-row table:style-name="R_keep">'
                + "".join(cell(c, "P_th", "C_th") for c in cols)
                + "</table:table-row></table:table-header-rows>")

    def val(v, unit):
        if v is None:
            return ""
        return f"{v} {unit}" if unit else v

    def para(text, style="P_body"):
        return f'<text:p text:style-name="{style}">{_x(text)}</text:p>'

    def blocks(items):
        out = []
        for b in items:
            if isinstance(b, str):
                out.append(para(b))
            elif "heading" in b:
                out.append(f'<text:h text:style-name="H_prose" text:outline-level="1">{_x(b["heading"])}</text:h>')
            elif "bullets" in b:
                out += [para("• " + x, "P_bullet") for x in b["bullets"]]
            elif "table" in b:
                t = b["table"]
                n = len(t["header"])
                rows = "".join('<table:table-row table:style-name="R_keep">' + "".join(
                    cell(c, "P_num" if i else "P_cell") for i, c in enumerate(r)) + "</table:table-row>"
                    for r in t["rows"])
                out.append(f'<table:table table:name="Ekonomi" table:style-name="T_fin">'
                           f'<table:table-column table:style-name="Col_fin1"/>'
                           f'<table:table-column table:style-name="Col_fin2" table:number-columns-repeated="{n - 1}"/>'
                           + head_row(t["header"]) + rows + "</table:table>")
                out.append(para("", "P_gap"))
        return "".join(out)

    body = []
    # title page
    body.append(f'<text:p text:style-name="P_first">{_x(rep["municipality"])}</text:p>')
    body.append(f'<text:p text:style-name="P_title">{_x(rep["title"])}</text:p>')
    body.append(f'<text:p text:style-name="P_sub">{_x(rep["body"])}</text:p>')
    for line in rnd["title_lines"]:
        body.append(para(line, "P_meta"))
    body.append(para(rnd["date"], "P_meta"))
    body.append('<text:p text:style-name="P_break"/>')
    body.append(blocks(rnd["front"]))

    area, tno = None, 0
    for g in gold["goals"]:
        if g["area"] != area:
            area = g["area"]
            body.append(f'<text:h text:style-name="H_area" text:outline-level="1">Målområde: {_x(area)}</text:h>')
        if g["level"] == "kf":
            body.append(f'<text:h text:style-name="H_kf" text:outline-level="2">Kommunfullmäktiges mål: {_x(g["title"])}</text:h>')
            continue
        body.append(f'<text:h text:style-name="H_namnd" text:outline-level="3">Nämndmål: {_x(g["title"])}</text:h>')
        phrase, colour = ASSESS_C[g["assessment"]]
        body.append(para("Måluppfyllelse", "P_label"))
        body.append(f'<text:p text:style-name="P_assess">{_dot(colour, 0.36)}{_x(phrase)}</text:p>')
        if g["comment"]:
            body.append(para("Analys", "P_label"))
            body += [para(x) for x in g["comment"].split("\n")]
        if g["measures"]:
            tno += 1
            hdr = ["Indikator", f"Utfall {year - 1}", f"Målvärde {year}", f"Utfall {year}", "Trend"]
            rows = []
            for m in g["measures"]:
                glyph = rnd["trend_glyphs"].get(m["name"], "") if m["trend"] else ""
                rows.append('<table:table-row table:style-name="R_keep">' + cell(m["name"])
                            + cell(val(m["previous_outcome"], m["unit"]), "P_num")
                            + cell(val(m["target"], m["unit"]), "P_num")
                            + cell(val(m["outcome"], m["unit"]), "P_num")
                            + cell(glyph, "P_trend") + "</table:table-row>")
            body.append(f'<table:table table:name="Indikatorer{tno}" table:style-name="T_ind">'
                        '<table:table-column table:style-name="Col_ind1"/>'
                        '<table:table-column table:style-name="Col_ind2" table:number-columns-repeated="3"/>'
                        '<table:table-column table:style-name="Col_ind3"/>'
                        + head_row(hdr) + "".join(rows) + "</table:table>")
        if g["activities"]:
            tno += 1
            rows = []
            for a in g["activities"]:
                text, colour = STATUS_C[a["status"]]
                rows.append('<table:table-row table:style-name="R_keep">' + cell(a["title"]) + cell(a["responsible"])
                            + cell(_dot(colour) + _x(text), raw=True) + cell(a["end_date"])
                            + "</table:table-row>")
                if a["comment"]:
                    rows.append('<table:table-row table:style-name="R_keep">' + cell(a["comment"], "P_comment", "C_comment", span=4)
                                + "</table:table-row>")
            body.append(f'<table:table table:name="Aktiviteter{tno}" table:style-name="T_act">'
                        '<table:table-column table:style-name="Col_act1"/>'
                        '<table:table-column table:style-name="Col_act2"/>'
                        '<table:table-column table:style-name="Col_act3"/>'
                        '<table:table-column table:style-name="Col_act4"/>'
                        + head_row(["Aktivitet", "Ansvarig", "Status", "Klart"]) + "".join(rows)
                        + "</table:table>")
        body.append(para("", "P_gap"))
    body.append(blocks(rnd["back"]))

    footer = (f'<text:p text:style-name="P_footer">{_x(rep["body"])} – {_x(rep["title"])}'
              f'<text:tab/>Sida <text:page-number text:select-page="current">1</text:page-number> av '
              f'<text:page-count>1</text:page-count></text:p>')
    header = f'<text:p text:style-name="P_header">{_x(rep["municipality"])}</text:p>'
    F = "Carlito"
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<office:document {_NS} office:version="1.3" office:mimetype="application/vnd.oasis.opendocument.text">
<office:meta><dc:title>{_x(rep['title'])}</dc:title><meta:initial-creator>{_x(rep['body'])}</meta:initial-creator>
<meta:creation-date>2024-02-13T10:00:00</meta:creation-date><dc:date>2024-02-13T10:00:00</dc:date></office:meta>
<office:font-face-decls><style:font-face style:name="{F}" svg:font-family="{F}" style:font-family-generic="swiss"/></office:font-face-decls>
<office:styles>
<style:default-style style:family="paragraph"><style:paragraph-properties fo:hyphenation-ladder-count="no-limit"/>
<style:text-properties style:font-name="{F}" fo:font-size="{size}pt" fo:language="sv" fo:country="SE" fo:hyphenate="false"/></style:default-style>
<style:style style:name="Standard" style:family="paragraph"><style:text-properties style:font-name="{F}" fo:font-size="{size}pt"/></style:style>
<style:style style:name="P_body" style:family="paragraph" style:parent-style-name="Standard"><style:paragraph-properties fo:margin-top="0cm" fo:margin-bottom="0.18cm" fo:line-height="118%"/></style:style>
<style:style style:name="P_bullet" style:family="paragraph" style:parent-style-name="P_body"><style:paragraph-properties fo:margin-left="0.6cm" fo:text-indent="-0.35cm" fo:margin-bottom="0.08cm"/></style:style>
<style:style style:name="P_label" style:family="paragraph" style:parent-style-name="Standard"><style:paragraph-properties fo:margin-top="0.2cm" fo:margin-bottom="0.06cm" fo:keep-with-next="always"/><style:text-properties fo:font-weight="bold"/></style:style>
<style:style style:name="P_assess" style:family="paragraph" style:parent-style-name="Standard"><style:paragraph-properties fo:margin-bottom="0.12cm"/></style:style>
<style:style style:name="P_gap" style:family="paragraph" style:parent-style-name="Standard"><style:paragraph-properties fo:margin-bottom="0.1cm"/><style:text-properties fo:font-size="6pt"/></style:style>
<style:style style:name="P_cell" style:family="paragraph" style:parent-style-name="Standard"><style:text-properties fo:font-size="{size - 1}pt"/></style:style>
<style:style style:name="P_num" style:family="paragraph" style:parent-style-name="P_cell"><style:paragraph-properties fo:text-align="end"/></style:style>
<style:style style:name="P_trend" style:family="paragraph" style:parent-style-name="P_cell"><style:paragraph-properties fo:text-align="center"/><style:text-properties fo:font-size="{size + 1}pt"/></style:style>
<style:style style:name="P_th" style:family="paragraph" style:parent-style-name="P_cell"><style:text-properties fo:font-weight="bold" fo:color="#ffffff"/></style:style>
<style:style style:name="P_comment" style:family="paragraph" style:parent-style-name="P_cell"><style:paragraph-properties fo:margin-left="0.3cm"/><style:text-properties fo:font-style="italic" fo:color="#404040"/></style:style>
<style:style style:name="P_first" style:family="paragraph" style:parent-style-name="Standard" style:master-page-name="First"><style:paragraph-properties fo:margin-top="2cm" fo:margin-bottom="5cm"/><style:text-properties fo:font-size="16pt" fo:font-weight="bold" fo:color="#1d5c3a"/></style:style>
<style:style style:name="P_title" style:family="paragraph" style:parent-style-name="Standard"><style:paragraph-properties fo:margin-bottom="0.4cm"/><style:text-properties fo:font-size="28pt" fo:font-weight="bold"/></style:style>
<style:style style:name="P_sub" style:family="paragraph" style:parent-style-name="Standard"><style:paragraph-properties fo:margin-bottom="3cm"/><style:text-properties fo:font-size="16pt"/></style:style>
<style:style style:name="P_meta" style:family="paragraph" style:parent-style-name="Standard"><style:paragraph-properties fo:margin-bottom="0.1cm"/><style:text-properties fo:font-size="11pt" fo:color="#444444"/></style:style>
<style:style style:name="P_break" style:family="paragraph" style:parent-style-name="Standard" style:master-page-name="Body"/>
<style:style style:name="P_footer" style:family="paragraph" style:parent-style-name="Standard"><style:paragraph-properties><style:tab-stops><style:tab-stop style:position="16.4cm" style:type="right"/></style:tab-stops></style:paragraph-properties><style:text-properties fo:font-size="8pt" fo:color="#555555"/></style:style>
<style:style style:name="P_header" style:family="paragraph" style:parent-style-name="Standard"><style:paragraph-properties fo:text-align="end"/><style:text-properties fo:font-size="8pt" fo:color="#555555"/></style:style>
<style:style style:name="H_prose" style:family="paragraph" style:parent-style-name="Standard" style:default-outline-level="1"><style:paragraph-properties fo:margin-top="0.5cm" fo:margin-bottom="0.2cm" fo:keep-with-next="always"/><style:text-properties fo:font-size="15pt" fo:font-weight="bold" fo:color="#1d5c3a"/></style:style>
<style:style style:name="H_area" style:family="paragraph" style:parent-style-name="Standard" style:default-outline-level="1"><style:paragraph-properties fo:margin-top="0.7cm" fo:margin-bottom="0.25cm" fo:keep-with-next="always" fo:padding-bottom="0.08cm" fo:border-bottom="0.06pt solid #1d5c3a"/><style:text-properties fo:font-size="{st['goal_area_pt']}pt" fo:font-weight="bold" fo:color="#1d5c3a"/></style:style>
<style:style style:name="H_kf" style:family="paragraph" style:parent-style-name="Standard" style:default-outline-level="2"><style:paragraph-properties fo:margin-top="0.35cm" fo:margin-bottom="0.2cm" fo:keep-with-next="always" fo:background-color="#e8f1ec" fo:padding="0.12cm"/><style:text-properties fo:font-size="{st['heading_pt']}pt" fo:font-weight="bold"/></style:style>
<style:style style:name="H_namnd" style:family="paragraph" style:parent-style-name="Standard" style:default-outline-level="3"><style:paragraph-properties fo:margin-top="0.45cm" fo:margin-bottom="0.1cm" fo:keep-with-next="always"/><style:text-properties fo:font-size="{st['heading_pt'] - 1}pt" fo:font-weight="bold" fo:color="#1d5c3a"/></style:style>
</office:styles>
<office:automatic-styles>
<style:page-layout style:name="pm1"><style:page-layout-properties fo:page-width="21cm" fo:page-height="29.7cm" fo:margin-top="1.6cm" fo:margin-bottom="1.4cm" fo:margin-left="2.3cm" fo:margin-right="2.3cm"/>
<style:header-style><style:header-footer-properties fo:min-height="0.6cm" fo:margin-bottom="0.5cm"/></style:header-style>
<style:footer-style><style:header-footer-properties fo:min-height="0.6cm" fo:margin-top="0.5cm" fo:border-top="0.5pt solid #999999" fo:padding-top="0.1cm"/></style:footer-style></style:page-layout>
<style:page-layout style:name="pm0"><style:page-layout-properties fo:page-width="21cm" fo:page-height="29.7cm" fo:margin-top="2.5cm" fo:margin-bottom="2cm" fo:margin-left="2.5cm" fo:margin-right="2.3cm"/></style:page-layout>
<style:style style:name="T_ind" style:family="table"><style:table-properties style:width="16.4cm" table:align="left" fo:margin-top="0.15cm" fo:margin-bottom="0.25cm"/></style:style>
<style:style style:name="T_act" style:family="table"><style:table-properties style:width="16.4cm" table:align="left" fo:margin-top="0.15cm" fo:margin-bottom="0.2cm"/></style:style>
<style:style style:name="T_fin" style:family="table"><style:table-properties style:width="16.4cm" table:align="left" fo:margin-bottom="0.2cm"/></style:style>
<style:style style:name="Col_ind1" style:family="table-column"><style:table-column-properties style:column-width="7.0cm"/></style:style>
<style:style style:name="Col_ind2" style:family="table-column"><style:table-column-properties style:column-width="2.6cm"/></style:style>
<style:style style:name="Col_ind3" style:family="table-column"><style:table-column-properties style:column-width="1.6cm"/></style:style>
<style:style style:name="Col_act1" style:family="table-column"><style:table-column-properties style:column-width="6.6cm"/></style:style>
<style:style style:name="Col_act2" style:family="table-column"><style:table-column-properties style:column-width="4.3cm"/></style:style>
<style:style style:name="Col_act3" style:family="table-column"><style:table-column-properties style:column-width="3.1cm"/></style:style>
<style:style style:name="Col_act4" style:family="table-column"><style:table-column-properties style:column-width="2.4cm"/></style:style>
<style:style style:name="Col_fin1" style:family="table-column"><style:table-column-properties style:column-width="6.4cm"/></style:style>
<style:style style:name="Col_fin2" style:family="table-column"><style:table-column-properties style:column-width="3.333cm"/></style:style>
<style:style style:name="R_keep" style:family="table-row"><style:table-row-properties fo:keep-together="always"/></style:style>
<style:style style:name="C_th" style:family="table-cell"><style:table-cell-properties fo:background-color="#1d5c3a" fo:padding-left="0.12cm" fo:padding-right="0.12cm" fo:padding-top="0.07cm" fo:padding-bottom="0.07cm" fo:border="none"/></style:style>
<style:style style:name="C_cell" style:family="table-cell"><style:table-cell-properties fo:padding-left="0.12cm" fo:padding-right="0.12cm" fo:padding-top="0.09cm" fo:padding-bottom="0.09cm" fo:border-left="none" fo:border-right="none" fo:border-top="none" fo:border-bottom="0.5pt solid #b9cfc2" style:vertical-align="top"/></style:style>
<style:style style:name="C_comment" style:family="table-cell"><style:table-cell-properties fo:padding-left="0.12cm" fo:padding-right="0.12cm" fo:padding-top="0.02cm" fo:padding-bottom="0.1cm" fo:border-left="none" fo:border-right="none" fo:border-top="none" fo:border-bottom="0.5pt solid #b9cfc2"/></style:style>
{gr_styles}
</office:automatic-styles>
<office:master-styles>
<style:master-page style:name="First" style:page-layout-name="pm0" style:next-style-name="Body"/>
<style:master-page style:name="Body" style:page-layout-name="pm1"><style:header>{header}</style:header><style:footer>{footer}</style:footer></style:master-page>
</office:master-styles>
<office:body><office:text>{''.join(body)}</office:text></office:body>
</office:document>
"""


# --- family E: docx ------------------------------------------------------------------------


def _vp_docx(gold: dict) -> bytes:
    import io
    import datetime

    from docx import Document
    from docx.enum.table import WD_TABLE_ALIGNMENT
    from docx.enum.text import WD_TAB_ALIGNMENT
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn
    from docx.shared import Cm, Pt, Twips

    rep, rnd = gold["report"], gold["render"]
    st = rnd["style"]
    font = st["font"]
    doc = Document()
    cp = doc.core_properties
    cp.title, cp.author, cp.subject = rep["title"], rep["body"], rep["municipality"]
    fixed = datetime.datetime(2019, 1, 29, 9, 0, 0)
    cp.created = cp.modified = fixed
    cp.last_modified_by = rep["body"]
    cp.revision = 1

    def set_font(style_or_run, size=None, bold=None):
        f = style_or_run.font
        f.name = font
        if size:
            f.size = Pt(size)
        if bold is not None:
            f.bold = bold
        el = style_or_run.element if hasattr(style_or_run, "element") else style_or_run._element
        rpr = el.get_or_add_rPr()
        rfonts = rpr.find(qn("w:rFonts"))
        if rfonts is None:
            rfonts = OxmlElement("w:rFonts")
            rpr.insert(0, rfonts)
        for k in ("w:ascii", "w:hAnsi", "w:cs", "w:eastAsia"):
            rfonts.set(qn(k), font)

    normal = doc.styles["Normal"]
    set_font(normal, st["size_pt"])
    normal.paragraph_format.space_after = Pt(6)
    normal.paragraph_format.line_spacing = 1.08

    sec = doc.sections[0]
    sec.page_width, sec.page_height = Cm(21.0), Cm(29.7)
    top, right, bottom, left = st["margins_cm"]
    sec.top_margin, sec.right_margin, sec.bottom_margin, sec.left_margin = (
        Cm(top), Cm(right), Cm(bottom), Cm(left))
    sec.header_distance, sec.footer_distance = Cm(1.2), Cm(1.2)
    text_width = 21.0 - right - left

    def field(par, code):
        run = par.add_run()
        set_font(run, 9)
        for tag, attr in (("w:fldChar", "begin"), ("w:instrText", code), ("w:fldChar", "separate")):
            el = OxmlElement(tag)
            if tag == "w:fldChar":
                el.set(qn("w:fldCharType"), attr)
            else:
                el.set(qn("xml:space"), "preserve")
                el.text = f" {code} "
            run._r.append(el)
        t = OxmlElement("w:t")
        t.text = "1"
        run._r.append(t)
        end = OxmlElement("w:fldChar")
        end.set(qn("w:fldCharType"), "end")
        run._r.append(end)

    def tabs(par):
        ts = par.paragraph_format.tab_stops
        for pos in (4680, 9360):  # the Header/Footer styles' own stops
            ts.add_tab_stop(Twips(pos), WD_TAB_ALIGNMENT.CLEAR)
        ts.add_tab_stop(Cm(text_width), WD_TAB_ALIGNMENT.RIGHT)

    hp = sec.header.paragraphs[0]
    tabs(hp)
    r = hp.add_run(f"{rep['municipality']}\t{rep['body']}")
    set_font(r, 9)
    fp = sec.footer.paragraphs[0]
    tabs(fp)
    r = fp.add_run(f"{rep['title']}\tSida ")
    set_font(r, 9)
    field(fp, "PAGE")
    r = fp.add_run(" av ")
    set_font(r, 9)
    field(fp, "NUMPAGES")

    def para(text="", size=None, bold=None, before=None, after=None, keep=False, italic=None):
        p = doc.add_paragraph()
        if text:
            run = p.add_run(text)
            set_font(run, size, bold)
            if italic:
                run.italic = True
        pf = p.paragraph_format
        if before is not None:
            pf.space_before = Pt(before)
        if after is not None:
            pf.space_after = Pt(after)
        if keep:
            pf.keep_with_next = True
        return p

    para(rep["municipality"], 14, True, after=2)
    para(rep["body"], 12, after=2)
    for line in rnd["title_lines"]:
        para(line, 11, after=2)
    para(f"{rep['municipality'].split()[0]} {rnd['date']}", 11, after=30)
    para(rep["title"], 20, True, after=18)

    def prose(items):
        for b in items:
            if isinstance(b, dict):
                para(b["heading"], st["h2_pt"], True, before=12, after=4, keep=True)
            else:
                para(b)

    prose(rnd["intro"])
    widths = [Cm(w) for w in st["columns_cm"]]

    def shade(cell, fill):
        tcpr = cell._tc.get_or_add_tcPr()
        shd = OxmlElement("w:shd")
        shd.set(qn("w:val"), "clear")
        shd.set(qn("w:color"), "auto")
        shd.set(qn("w:fill"), fill)
        tcpr.append(shd)

    def fill_cell(cell, text, bold=False):
        p = cell.paragraphs[0]
        p.paragraph_format.space_after = Pt(0)
        p.paragraph_format.line_spacing = 1.0
        if text:
            run = p.add_run(text)
            set_font(run, st["size_pt"], bold)

    for g in gold["goals"]:
        if g["level"] == "kf":
            para(f"Mål {g['number']}: {g['title']}", st["h1_pt"], True, before=16, after=6, keep=True)
            continue
        para(f"Delmål {g['number']}: {g['title']}", st["h2_pt"], True, before=10, after=4, keep=True)
        if g["activities"]:
            t = doc.add_table(rows=1, cols=5)
            t.style = doc.styles["Table Grid"]
            t.alignment = WD_TABLE_ALIGNMENT.LEFT
            t.autofit = False
            hdr = t.rows[0]
            trpr = hdr._tr.get_or_add_trPr()
            th = OxmlElement("w:tblHeader")
            th.set(qn("w:val"), "true")
            trpr.append(th)
            for i, name in enumerate(("Åtgärd", "Ansvar", "Tidplan", "Status", "Kommentar")):
                fill_cell(hdr.cells[i], name, bold=True)
                shade(hdr.cells[i], "E7E6E6")
            for a in g["activities"]:
                row = t.add_row()
                vals = [a["title"], a["responsible"], a["end_date_raw"] or a["end_date"],
                        STATUS_E[a["status"]], a["comment"]]
                for i, v in enumerate(vals):
                    fill_cell(row.cells[i], v)
            for i, gc in enumerate(t._tbl.tblGrid.findall(qn("w:gridCol"))):
                gc.set(qn("w:w"), str(int(widths[i].twips)))
            for row in t.rows:
                for i, c in enumerate(row.cells):
                    c.width = widths[i]
            para("", after=0).paragraph_format.space_before = Pt(0)
        p = doc.add_paragraph()
        run = p.add_run("Måluppfyllelse:")
        set_font(run, None, True)
        text = " " + ASSESS_E[g["assessment"]]
        if g["comment"]:
            text += ". " + g["comment"]
        run = p.add_run(text)
        set_font(run)
        p.paragraph_format.space_after = Pt(8)

    prose(rnd["closing"])
    buf = io.BytesIO()
    doc.save(buf)
    return _fixed_zip(buf.getvalue())


def _fixed_zip(data: bytes) -> bytes:
    """Rewrite a zip with fixed member dates (python-docx stamps the current time)."""
    import io
    import zipfile
    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            zi = zipfile.ZipInfo(info.filename, date_time=(2019, 1, 29, 9, 0, 0))
            zi.compress_type = zipfile.ZIP_DEFLATED
            dst.writestr(zi, src.read(info.filename))
    return out.getvalue()


def render_source(gold: dict) -> tuple[str, bytes]:
    tpl = gold["render"]["template"]
    if tpl == "namnd":
        return "report.fodt", _namnd_fodt(gold).encode("utf-8")
    if tpl == "vp_docx":
        return "report.docx", _vp_docx(gold)
    raise KeyError(tpl)


def render_pdf(gold: dict) -> bytes:
    name, payload = render_source(gold)
    return _soffice(name, payload)
