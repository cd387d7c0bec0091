"""Family D samples: the goal-fulfilment summary inside annual and interim accounts
(årsredovisning, delårsrapport), written as HTML and printed by headless Chromium.

    render_pdf(gold) -> bytes      # gold["render"]["renderer"] == "accounts"

The gold's ``report`` and ``goals`` are what a parser should find; ``render`` holds
what only the picture needs:

- ``date``: the report's date (the PDF's /CreationDate and /ModDate);
- ``tagged``: keep Chromium's structure tree (a tagged, accessible PDF), default false;
- ``style``: ``design`` (``ange``: a publishing tool's look, ``norrfors``: a Word
  document), ``font``/``heading_font``, sizes in pt (``size``, ``table_size``, ``h1``-``h3``,
  ``symbol_size``), ``line_height``, colours (text, headings, rules, table header,
  level/area/zebra rows), ``margins_mm`` (top, right, bottom, left; ``landscape_margins_mm``),
  ``justify``, ``ligatures``, ``footer`` (``left``/``center``/``right`` templates with
  ``{title}``, ``{municipality}``, ``{body}``, ``{page}``, ``{pages}``, printed in @page
  margin boxes on every page but the title page);
- ``title_page``: extra ``lines`` under the body, the ``date`` line;
- ``symbols``: how an assessment is drawn, a symbol only, no text:
  ``svg-circle`` (inline SVG circles, green / yellow / red / grey),
  ``png-smiley`` (small PNG faces made with Pillow, embedded with <img>),
  ``wingdings`` (the letters J, K, L in a font named "Wingdings" made with fontTools,
  so the text layer reads J/K/L where the page shows faces);
- ``legend``: ``title``, ``items`` ([assessment key, text]) and ``separator``;
  drawn wherever a ``{"legend": true}`` block stands;
- ``goal_table``: ``columns`` (header texts), ``widths`` (fractions), ``rules``
  (``horizontal``: thin grey rules between rows, ``zebra``: rules and shaded rows,
  ``grid``: every cell ruled), ``area_prefix`` (``Fokusområde: ``), ``level_rows``
  (section row text by level, or null), ``rows_break`` (may a row split across pages);
  drawn where a ``{"goal_table": true}`` block stands, from the gold goals that are not
  ``ekonomi``: a level row when the level changes, an area row when the area changes;
- ``finance_table``: the same for the ``ekonomi`` goals
  (``Finansiellt mål | Målvärde | Utfall | Bedömning``; value and unit printed as
  ``2,0 %``, ``-12,5 mnkr``);
- ``chapters``: ``title`` (h1, in the table of contents), ``new_page``, ``page``
  (``landscape`` puts the chapter on landscape pages), ``blocks``: paragraphs
  (strings), ``{"heading"}`` (h2,
  in the contents), ``{"subheading"}`` (h3), ``{"bullets"}``, ``{"table"}``
  (``head``, ``rows`` of cells or ``{"cells", "style": "sum"|"section"}``, ``widths``,
  ``align`` one letter per column, ``l``/``r``/``c``), ``{"note"}`` (small print),
  ``{"signature"}`` (lines), ``{"toc": true}`` (the table of contents, page numbers
  read from a first print's outline), ``{"legend"}``, ``{"goal_table"}``,
  ``{"finance_table"}``.

Chromium 156 writes the print time as /CreationDate and /ModDate and no trailer /ID;
``reproducible.pin_pdf`` sets both dates to ``render.date`` (and an /ID, should a
Chromium version write one, to a hash of the content), keeping every string's length
so the xref offsets stay valid. Everything else
Chromium (Skia) writes is the same from run to run on one machine: font subsets are
named AAAAAA+, BAAAAA+... in order of use. Another Chromium version or other font files
give other bytes (/Creator names the version).

Running footers are @page margin boxes (``@bottom-left { content: "..." counter(page) }``,
supported by Chromium since version 131), not Chromium's own header/footer template
(``--no-pdf-header-footer``); the title page has none (``@page :first``).
"""
from __future__ import annotations

import base64
import functools
import html
import io
import math
import os
import re
import shutil
import subprocess
import tempfile
from pathlib import Path

from malrapport.samples.reproducible import date_stamp, pin_pdf

CHROMIUM_FLAGS = (
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    "--no-pdf-header-footer",
)
OUTLINE_FLAG = "--generate-pdf-document-outline"  # only to find the headings' pages

COLOURS = {  # fill of the circles and the faces
    "uppfyllt": "#3a9b48",
    "delvis_uppfyllt": "#f4c20d",
    "ej_uppfyllt": "#d7322c",
    "saknas": "#a6a6a6",
}
WINGDINGS = {"uppfyllt": "J", "delvis_uppfyllt": "K", "ej_uppfyllt": "L"}
FACES = {"uppfyllt": "smile", "delvis_uppfyllt": "neutral", "ej_uppfyllt": "frown"}


# --- the engine ----------------------------------------------------------------------


def chromium_path() -> str:
    for name in (os.environ.get("MALRAPPORT_CHROMIUM"), "chromium", "chromium-browser",
                 "google-chrome"):
        if name and shutil.which(name):
            return shutil.which(name)
    raise RuntimeError("no Chromium found (set MALRAPPORT_CHROMIUM)")


def print_pdf(page_html: str, outline: bool = False, tagged: bool = False) -> bytes:
    """Print one HTML document to PDF with a fresh headless Chromium profile; with
    ``outline``, Chromium adds bookmarks made from the headings (from its structure
    tree, so the PDF is tagged as well); ``tagged`` keeps
    Chromium's structure tree (an accessible PDF; it doubles the file size)."""
    with tempfile.TemporaryDirectory(prefix="accounts-") as tmp:
        src = Path(tmp) / "report.html"
        out = Path(tmp) / "report.pdf"
        src.write_text(page_html, encoding="utf-8")
        profile = Path(tmp) / "profile"
        cmd = [chromium_path(), *CHROMIUM_FLAGS, *([OUTLINE_FLAG] if outline else []),
               *([] if tagged or outline else ["--disable-pdf-tagging"]),
               f"--user-data-dir={profile}",
               f"--print-to-pdf={out}", src.as_uri()]
        env = dict(os.environ, TZ="UTC", LANG="C.UTF-8")
        proc = subprocess.run(cmd, capture_output=True, text=True, timeout=180, env=env)
        if not out.exists() or out.stat().st_size == 0:
            raise RuntimeError(f"chromium wrote no PDF (exit {proc.returncode}): "
                               f"{proc.stderr[-2000:]}")
        return out.read_bytes()


def outline_pages(data: bytes) -> list[tuple[str, int]]:
    """(title, 1-based page) of every bookmark Chromium made from the headings."""
    import pypdfium2 as pdfium

    pdf = pdfium.PdfDocument(data)
    try:
        out = []
        for item in pdf.get_toc():
            dest = item.get_dest()
            if dest is not None:
                out.append((_norm(item.get_title()), dest.get_index() + 1))
        return out
    finally:
        pdf.close()


def render_pdf(gold: dict) -> bytes:
    """Gold -> HTML -> Chromium -> PDF. Prints with bookmarks until the contents' page
    numbers agree with where the headings landed, then once more without bookmarks
    (Chromium 156 names a bookmark twice, "InnehållInnehåll", when its heading opens a
    page; the final PDF has no outline)."""
    pages: list[int] | None = None
    for _ in range(4):
        found = toc_numbers(gold, outline_pages(print_pdf(build_html(gold, pages), outline=True)))
        if found == pages:
            final = print_pdf(build_html(gold, pages), tagged=gold["render"].get("tagged", False))
            return pin_pdf(final, date_stamp(gold["render"]["date"]))
        pages = found
    raise RuntimeError("table of contents did not settle")


# --- the symbols ---------------------------------------------------------------------


def circle_svg(assessment: str, size_pt: float) -> str:
    return (f'<svg class="sym" width="{size_pt}pt" height="{size_pt}pt" viewBox="0 0 20 20">'
            f'<circle cx="10" cy="10" r="9.5" fill="{COLOURS[assessment]}"/></svg>')


@functools.cache
def smiley_png(assessment: str, px: int = 48) -> bytes:
    """A coloured face (green smiling, yellow neutral, red frowning), drawn 8x larger
    and scaled down; Pillow's PNG writer is deterministic."""
    from PIL import Image, ImageDraw

    s = 8
    n = px * s
    img = Image.new("RGBA", (n, n), (255, 255, 255, 0))
    d = ImageDraw.Draw(img)
    dark = (35, 35, 35, 255)
    fill = tuple(int(COLOURS[assessment][i:i + 2], 16) for i in (1, 3, 5)) + (255,)
    m = 2 * s
    d.ellipse((m, m, n - m, n - m), fill=fill, outline=dark, width=3 * s)
    ey, ew, eh = 0.38 * n, 0.075 * n, 0.11 * n
    for ex in (0.36 * n, 0.64 * n):
        d.ellipse((ex - ew / 2, ey - eh / 2, ex + ew / 2, ey + eh / 2), fill=dark)
    w = int(0.07 * n)
    face = FACES[assessment]
    if face == "smile":
        d.arc((0.27 * n, 0.30 * n, 0.73 * n, 0.74 * n), 25, 155, fill=dark, width=w)
    elif face == "frown":
        d.arc((0.29 * n, 0.62 * n, 0.71 * n, 1.02 * n), 210, 330, fill=dark, width=w)
    else:
        d.rectangle((0.33 * n, 0.64 * n, 0.67 * n, 0.64 * n + w), fill=dark)
    img = img.resize((px, px), Image.Resampling.LANCZOS)
    buf = io.BytesIO()
    img.save(buf, "PNG", optimize=False)
    return buf.getvalue()


def smiley_img(assessment: str, size_pt: float) -> str:
    src = base64.b64encode(smiley_png(assessment)).decode()
    return (f'<img class="sym" alt="" src="data:image/png;base64,{src}" '
            f'style="width:{size_pt}pt;height:{size_pt}pt">')


# The "Wingdings" font: three faces in black outline at J, K, L (as Word documents use
# Wingdings 0x4A, 0x4B, 0x4C), TrueType quadratic contours, outer contours clockwise.


def _arc(cx, cy, r, a0, a1):
    """On/off-curve points of an arc from a0 to a1 degrees (start point excluded)."""
    k = max(1, math.ceil(abs(a1 - a0) / 45))
    step = (a1 - a0) / k
    rc = r / math.cos(math.radians(step / 2))
    pts = []
    for i in range(k):
        mid, end = math.radians(a0 + step * (i + 0.5)), math.radians(a0 + step * (i + 1))
        pts.append((cx + rc * math.cos(mid), cy + rc * math.sin(mid), False))
        pts.append((cx + r * math.cos(end), cy + r * math.sin(end), True))
    return pts


def _circle(cx, cy, r, sx=1.0):
    pts = _arc(cx, cy, r, 0, 360)
    return [(cx + (x - cx) * sx, y, on) for x, y, on in pts[-1:] + pts[:-1]]


def _stroke_arc(cx, cy, r, w, a0, a1):
    """A stroke of width w along an arc (a0 < a1), with round caps."""
    ro, ri = r + w / 2, r - w / 2
    s, e = math.radians(a0), math.radians(a1)
    pts = [(cx + ro * math.cos(s), cy + ro * math.sin(s), True)]
    pts += _arc(cx, cy, ro, a0, a1)
    pts += _arc(cx + r * math.cos(e), cy + r * math.sin(e), w / 2, a1, a1 + 180)
    pts += _arc(cx, cy, ri, a1, a0)
    pts += _arc(cx + r * math.cos(s), cy + r * math.sin(s), w / 2, a0 + 180, a0 + 360)
    return pts[:-1]


def _glyph(contours):
    from fontTools.pens.ttGlyphPen import TTGlyphPointPen

    pen = TTGlyphPointPen(None)
    for pts, clockwise in contours:
        area = sum(x0 * y1 - x1 * y0 for (x0, y0, _), (x1, y1, _) in zip(pts, pts[1:] + pts[:1]))
        if (area < 0) != clockwise:
            pts = pts[::-1]
        k = next(i for i, p in enumerate(pts) if p[2])
        pts = pts[k:] + pts[:k]
        pen.beginPath()
        for i, (x, y, on) in enumerate(pts):
            kind = ("line" if pts[i - 1][2] else "qcurve") if on else None
            pen.addPoint((round(x), round(y)), segmentType=kind)
        pen.endPath()
    return pen.glyph()


def _face(mouth: str):
    cx, cy, r, ring = 450, 330, 380, 56
    contours = [(_circle(cx, cy, r), True), (_circle(cx, cy, r - ring), False),
                (_circle(cx - 130, cy + 110, 62, sx=0.68), True),
                (_circle(cx + 130, cy + 110, 62, sx=0.68), True)]
    if mouth == "smile":
        contours.append((_stroke_arc(cx, cy + 40, 200, 52, 215, 325), True))
    elif mouth == "frown":
        contours.append((_stroke_arc(cx, cy - 290, 230, 52, 58, 122), True))
    else:
        y0, y1 = cy - 150, cy - 98
        contours.append(([(cx - 145, y0, True), (cx - 145, y1, True), (cx + 145, y1, True),
                          (cx + 145, y0, True)], True))
    return _glyph(contours)


@functools.cache
def wingdings_ttf() -> bytes:
    """A small TrueType font named Wingdings: J smiling, K neutral, L frowning face."""
    from fontTools.fontBuilder import FontBuilder
    from fontTools.pens.ttGlyphPen import TTGlyphPointPen

    fb = FontBuilder(1000, isTTF=True)
    order = [".notdef", "space", "smile", "neutral", "frown"]
    fb.setupGlyphOrder(order)
    fb.setupCharacterMap({0x20: "space", ord("J"): "smile", ord("K"): "neutral",
                          ord("L"): "frown"})
    box = [(60, 0, True), (60, 700, True), (440, 700, True), (440, 0, True)]
    hole = [(110, 50, True), (110, 650, True), (390, 650, True), (390, 50, True)]
    glyphs = {".notdef": _glyph([(box, True), (hole, False)]),
              "space": TTGlyphPointPen(None).glyph(),
              "smile": _face("smile"), "neutral": _face("neutral"), "frown": _face("frown")}
    fb.setupGlyf(glyphs)
    advance = {".notdef": 500, "space": 300, "smile": 900, "neutral": 900, "frown": 900}
    glyf = fb.font["glyf"]
    metrics = {}
    for name in order:
        glyf[name].recalcBounds(glyf)
        metrics[name] = (advance[name], getattr(glyf[name], "xMin", 0))
    fb.setupHorizontalMetrics(metrics)
    fb.setupHorizontalHeader(ascent=900, descent=-200)
    fb.setupNameTable({"familyName": "Wingdings", "styleName": "Regular",
                       "uniqueFontIdentifier": "malrapport: Wingdings Regular",
                       "fullName": "Wingdings", "psName": "Wingdings-Regular",
                       "version": "Version 1.00"})
    fb.setupOS2(sTypoAscender=900, sTypoDescender=-200, sTypoLineGap=0, usWinAscent=900,
                usWinDescent=200, fsType=0, achVendID="MALR")
    fb.setupPost()
    head = fb.font["head"]
    head.created = head.modified = 3029529600  # 2000-01-01, not the build time
    fb.font.recalcTimestamp = False
    buf = io.BytesIO()
    fb.save(buf)
    return buf.getvalue()


def symbol(kind: str, assessment: str, size_pt: float) -> str:
    if kind == "svg-circle":
        return circle_svg(assessment, size_pt)
    if kind == "png-smiley":
        return smiley_img(assessment, size_pt)
    if kind == "wingdings":
        return f'<span class="wd">{WINGDINGS[assessment]}</span>'
    raise ValueError(f"unknown symbol kind {kind!r}")


# --- HTML ----------------------------------------------------------------------------


def _norm(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


_JOINED = re.compile(r"(\S*[^\s\-–/][\-–/]+[^\s\-–/]\S*)")


def esc(text: str) -> str:
    """HTML-escaped text in which a word joined by a hyphen, dash or slash
    (``LED-belysning``, ``januari–augusti``, ``2023–2026``) is kept on one line:
    Chromium would otherwise break after the dash, and the text layer would read
    ``januari– augusti``."""
    parts = _JOINED.split(text)
    return "".join(f'<span class="nw">{html.escape(p, quote=True)}</span>' if i % 2 else
                   html.escape(p, quote=True) for i, p in enumerate(parts))


def toc_entries(gold: dict) -> list[tuple[int, str]]:
    """(level, title) of the contents, in document order: chapters and their headings."""
    out = []
    for ch in gold["render"]["chapters"]:
        if ch.get("toc", True):
            out.append((1, ch["title"]))
        for block in ch.get("blocks", []):
            if isinstance(block, dict) and "heading" in block and block.get("toc", True):
                out.append((2, block["heading"]))
    return out


def toc_numbers(gold: dict, outline: list[tuple[str, int]]) -> list[int]:
    """The page of each contents entry: the next bookmark with its title."""
    pages, i = [], 0
    for _, title in toc_entries(gold):
        while i < len(outline) and outline[i][0] not in (_norm(title), _norm(title) * 2):
            i += 1
        if i == len(outline):
            raise RuntimeError(f"heading {title!r} not in the PDF outline")
        pages.append(outline[i][1])
        i += 1
    return pages


def _css_string(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def footer_content(template: str, report: dict) -> str:
    """A CSS ``content`` value for a footer template."""
    parts = []
    for token in re.split(r"(\{page\}|\{pages\})", template):
        if token == "{page}":
            parts.append("counter(page)")
        elif token == "{pages}":
            parts.append("counter(pages)")
        elif token:
            parts.append(_css_string(token.format(**report)))
    return " ".join(parts) or "none"


def format_value(value: str | None, unit: str | None) -> str:
    if value is None:
        return ""
    return f"{value} {unit}" if unit else value


def css(gold: dict) -> str:
    r = gold["render"]
    st = r["style"]
    report = gold["report"]
    top, right, bottom, left = st["margins_mm"]
    footer = st.get("footer", {})
    boxes = []
    for side in ("left", "center", "right"):
        if side in footer:
            boxes.append(f"@bottom-{side} {{ content: {footer_content(footer[side], report)}; "
                         f"font-family: '{st['font']}'; font-size: {st['footer_size']}pt; "
                         f"color: {st['footer_colour']}; vertical-align: middle; }}")
    none = " ".join(f"@bottom-{side} {{ content: none; }}" for side in ("left", "center", "right")
                    if side in footer)
    lt, lr, lb, ll = st.get("landscape_margins_mm", st["margins_mm"])
    accent = st["accent"]
    goal = r["goal_table"]
    rules = goal["rules"]
    sym = st["symbol_size"]
    if rules == "grid":
        cell_rule = "border: 0.6pt solid #000;"
        head_rule = "border: 0.6pt solid #000;"
    else:
        cell_rule = f"border-bottom: 0.5pt solid {st['rule_colour']};"
        head_rule = "border: none;"
    out = f"""
@font-face {{ font-family: "Wingdings";
  src: url(data:font/ttf;base64,{base64.b64encode(wingdings_ttf()).decode()}) format("truetype"); }}
@page {{ size: A4; margin: {top}mm {right}mm {bottom}mm {left}mm; {' '.join(boxes)} }}
@page :first {{ margin: {st.get('cover_margins', '0mm')}; {none} }}
@page landscape {{ size: A4 landscape; margin: {lt}mm {lr}mm {lb}mm {ll}mm; }}
html {{ -webkit-print-color-adjust: exact; print-color-adjust: exact; }}
body {{ margin: 0; font-family: "{st['font']}"; font-size: {st['size']}pt;
  line-height: {st['line_height']}; color: {st['text_colour']};
  font-variant-ligatures: {'normal' if st.get('ligatures', True) else 'none'}; }}
.landscape {{ page: landscape; }}
.chapter.new-page {{ break-before: page; }}
h1, h2, h3 {{ font-family: "{st['heading_font']}"; break-after: avoid; }}
h1 {{ font-size: {st['h1']}pt; color: {st['heading_colour']}; font-weight: {st['h1_weight']};
  margin: 0 0 {st['size'] * 0.9}pt 0; line-height: 1.2; }}
h2 {{ font-size: {st['h2']}pt; color: {st['heading_colour']}; font-weight: {st['h2_weight']};
  margin: {st['size'] * 1.3}pt 0 {st['size'] * 0.45}pt 0; line-height: 1.2; }}
h3 {{ font-size: {st['h3']}pt; font-weight: bold; margin: {st['size']}pt 0 {st['size'] * 0.3}pt 0;
  color: {st.get('h3_colour', st['text_colour'])}; }}
p {{ margin: 0 0 {st['size'] * 0.65}pt 0; text-align: {'justify' if st.get('justify') else 'left'}; orphans: 2; widows: 2; }}
ul {{ margin: 0 0 {st['size'] * 0.65}pt 0; padding-left: 14pt; }}
li {{ margin-bottom: 2pt; }}
.note {{ font-size: {st['table_size'] - 0.5}pt; color: #555; margin-top: 3pt; }}
.signature {{ margin-top: 14pt; }}
.signature p {{ margin: 0; text-align: left; }}
table {{ border-collapse: collapse; width: 100%; font-size: {st['table_size']}pt; line-height: 1.3;
  margin: 4pt 0 10pt 0; }}
table.data th {{ text-align: left; font-weight: bold; padding: 3pt 4pt;
  border-bottom: 0.8pt solid {accent}; vertical-align: bottom; }}
table.data td {{ padding: 2.2pt 4pt; vertical-align: top; border-bottom: 0.4pt solid {st['rule_colour']}; }}
table.data tr.sum td {{ font-weight: bold; border-top: 0.7pt solid #444; }}
table.data tr.section td {{ font-weight: bold; padding-top: 6pt; }}
table.data .r {{ text-align: right; white-space: nowrap; }}
table.data .c {{ text-align: center; }}
table.data tr {{ break-inside: avoid; }}
table.goals th, table.finance th {{ text-align: left; font-weight: bold; padding: 4pt 5pt;
  vertical-align: bottom; background: {st['table_head_bg']}; color: {st['table_head_colour']}; {head_rule} }}
table.goals td, table.finance td {{ padding: 4pt 5pt; vertical-align: top; {cell_rule} }}
table.goals td p {{ margin: 0 0 3pt 0; text-align: left; }}
table.goals td p:last-child {{ margin-bottom: 0; }}
table.goals tr.level td {{ background: {st['level_bg']}; font-weight: bold;
  font-size: {st['table_size'] + 1}pt; color: {st['level_colour']}; }}
table.goals tr.area td {{ background: {st['area_bg']}; font-weight: bold; color: {st['area_colour']}; }}
table.goals tr.goal, table.finance tr {{ break-inside: {'auto' if goal.get('rows_break') else 'avoid'}; }}
table.goals tr.level, table.goals tr.area {{ break-after: avoid; break-inside: avoid; }}
{'table.goals tr.goal.odd td { background: ' + st['zebra_bg'] + '; }' if rules == 'zebra' else ''}
td.sym, th.sym {{ text-align: center !important; }}
td.sym {{ padding-top: {st.get('symbol_pad', 4)}pt !important; }}
td.num, th.num {{ text-align: right !important; white-space: nowrap; }}
.nw {{ white-space: nowrap; }}
svg.sym, img.sym {{ display: inline-block; vertical-align: middle; }}
.wd {{ font-family: "Wingdings"; font-size: {sym}pt; line-height: 1; }}
.legend {{ font-size: {st['table_size']}pt; margin: 4pt 0 6pt 0; break-inside: avoid; }}
.legend .title {{ font-weight: bold; margin-right: 8pt; }}
.legend .item {{ display: inline-block; margin-right: 14pt; white-space: nowrap; }}
.legend .item svg, .legend .item img {{ margin-right: 3pt; }}
.legend.box {{ border: 0.6pt solid #000; padding: 4pt 6pt; }}
.legend.lines .item {{ display: block; margin: 1pt 0; }}
.toc {{ margin-top: 6pt; }}
.toc .entry {{ display: flex; align-items: baseline; margin: 0 0 3pt 0; }}
.toc .entry.l1 {{ font-weight: bold; margin-top: 7pt; }}
.toc .entry.l2 {{ padding-left: 14pt; }}
.toc .entry .dots {{ flex: 1; border-bottom: 0.8pt dotted #777; margin: 0 4pt; position: relative; top: -2pt; }}
figure {{ margin: 6pt 0 10pt 0; }}
figcaption {{ font-size: {st['table_size'] - 0.5}pt; color: #555; }}
"""
    out += DESIGN_CSS[st["design"]](st)
    return out


def _ange_css(st: dict) -> str:
    a = st["accent"]
    return f"""
.cover {{ height: 296mm; position: relative; overflow: hidden; break-after: page; }}
.cover .band {{ background: {a}; color: #fff; padding: 34mm 22mm 16mm 22mm; }}
.cover .municipality {{ font-size: 16pt; font-weight: bold; letter-spacing: 0.5pt; }}
.cover .title {{ font-size: 34pt; font-weight: bold; line-height: 1.1; margin-top: 10mm; }}
.cover .body {{ font-size: 13pt; margin-top: 6mm; }}
.cover .lines {{ padding: 10mm 22mm 0 22mm; font-size: 10.5pt; color: #333; }}
.cover .lines p {{ margin: 0 0 2pt 0; text-align: left; }}
.cover svg.art {{ position: absolute; left: 0; bottom: 0; width: 210mm; height: 105mm; }}
h1 {{ border-bottom: 1.2pt solid {a}; padding-bottom: 3pt; }}
"""


def _norrfors_css(st: dict) -> str:
    return """
.cover { padding: 0; break-after: page; }
.cover .municipality { font-size: 20pt; font-weight: bold; color: #1f3763; margin-top: 10mm; }
.cover .crest { margin-top: 8mm; }
.cover .title { font-size: 30pt; margin-top: 60mm; color: #000; }
.cover .body { font-size: 14pt; margin-top: 6mm; }
.cover .lines { margin-top: 70mm; font-size: 11pt; }
.cover .lines p { margin: 0 0 3pt 0; }
h1 { margin-top: 0; }
"""


DESIGN_CSS = {"ange": _ange_css, "norrfors": _norrfors_css}


def cover_html(gold: dict) -> str:
    r, report = gold["render"], gold["report"]
    tp = r.get("title_page", {})
    lines = "".join(f"<p>{esc(x)}</p>" for x in tp.get("lines", []))
    date = f"<p>{esc(tp['date'])}</p>" if tp.get("date") else ""
    if r["style"]["design"] == "ange":
        a = r["style"]["accent"]
        art = (f'<svg class="art" viewBox="0 0 210 105" preserveAspectRatio="none">'
               f'<path d="M0 60 C30 40 55 48 80 36 C105 24 130 44 160 30 C180 22 195 28 210 24 L210 105 L0 105 Z" fill="{a}" fill-opacity="0.22"/>'
               f'<path d="M0 78 C35 62 70 70 100 58 C130 46 170 64 210 50 L210 105 L0 105 Z" fill="{a}" fill-opacity="0.45"/>'
               f'<path d="M0 96 C40 86 80 92 120 84 C150 78 185 86 210 80 L210 105 L0 105 Z" fill="{a}"/>'
               f'</svg>')
        return (f'<div class="cover"><div class="band"><div class="municipality">{esc(report["municipality"])}</div>'
                f'<div class="title">{esc(report["title"])}</div>'
                f'<div class="body">{esc(report["body"])}</div></div>'
                f'<div class="lines">{lines}{date}</div>{art}</div>')
    crest = ('<svg class="crest" width="34mm" height="40mm" viewBox="0 0 34 40">'
             '<path d="M2 2 H32 V20 C32 30 24 36 17 39 C10 36 2 30 2 20 Z" fill="#1f3763"/>'
             '<path d="M5 24 C10 19 14 27 19 22 C23 18 27 24 30 21 L30 25 C27 28 23 22 19 26 C14 31 10 23 5 28 Z" fill="#fff"/>'
             '<path d="M9 17 L17 7 L25 17 Z" fill="#fff"/></svg>')
    return (f'<div class="cover"><div class="municipality">{esc(report["municipality"])}</div>{crest}'
            f'<div class="title">{esc(report["title"])}</div>'
            f'<div class="body">{esc(report["body"])}</div>'
            f'<div class="lines">{lines}{date}</div></div>')


def toc_html(gold: dict, pages: list[int] | None) -> str:
    rows = []
    for i, (level, title) in enumerate(toc_entries(gold)):
        num = str(pages[i]) if pages else "0"
        rows.append(f'<div class="entry l{level}"><span class="t">{esc(title)}</span>'
                    f'<span class="dots"></span><span class="n">{num}</span></div>')
    return f'<div class="toc">{"".join(rows)}</div>'


def legend_html(gold: dict) -> str:
    r = gold["render"]
    lg = r["legend"]
    size = r["style"]["symbol_size"]
    items = "".join(f'<span class="item">{symbol(r["symbols"], key, size)}'
                    f'{esc(lg.get("separator", " "))}{esc(text)}</span>'
                    for key, text in lg["items"])
    title = f'<span class="title">{esc(lg["title"])}</span>' if lg.get("title") else ""
    return f'<div class="legend {lg.get("style", "")}">{title}{items}</div>'


def _colgroup(widths: list[float]) -> str:
    return "<colgroup>" + "".join(f'<col style="width:{w * 100:.1f}%">' for w in widths) + "</colgroup>"


def _paragraphs(text: str | None) -> str:
    if not text:
        return ""
    return "".join(f"<p>{esc(p)}</p>" for p in text.split("\n"))


def goal_table_html(gold: dict) -> str:
    r = gold["render"]
    gt = r["goal_table"]
    size = r["style"]["symbol_size"]
    head = "".join(f'<th{" class=sym" if i == 1 else ""}>{esc(c)}</th>'
                   for i, c in enumerate(gt["columns"]))
    rows, level, area, n = [], None, None, 0
    for g in gold["goals"]:
        if g["level"] == "ekonomi":
            continue
        if gt.get("level_rows") and g["level"] != level:
            rows.append(f'<tr class="level"><td colspan="3">{esc(gt["level_rows"][g["level"]])}</td></tr>')
            area = None
        level = g["level"]
        if g["area"] != area and g["area"] is not None:
            rows.append(f'<tr class="area"><td colspan="3">{esc(gt["area_prefix"] + g["area"])}</td></tr>')
        area = g["area"]
        title = f'{g["number"]} {g["title"]}' if g["number"] else g["title"]
        mark = symbol(r["symbols"], g["assessment"], size) if g["assessment"] else ""
        n += 1
        rows.append(f'<tr class="goal {"odd" if n % 2 else "even"}"><td>{esc(title)}</td>'
                    f'<td class="sym">{mark}</td><td>{_paragraphs(g["comment"])}</td></tr>')
    return (f'<table class="goals">{_colgroup(gt["widths"])}<thead><tr>{head}</tr></thead>'
            f'<tbody>{"".join(rows)}</tbody></table>')


def finance_table_html(gold: dict) -> str:
    r = gold["render"]
    ft = r["finance_table"]
    size = r["style"]["symbol_size"]
    cls = ["", "num", "num", "sym"]
    head = "".join(f'<th class="{cls[i]}">{esc(c)}</th>' for i, c in enumerate(ft["columns"]))
    rows = []
    for g in gold["goals"]:
        if g["level"] != "ekonomi":
            continue
        m = g["measures"][0]
        mark = symbol(r["symbols"], g["assessment"], size) if g["assessment"] else ""
        rows.append(f'<tr><td>{esc(g["title"])}</td>'
                    f'<td class="num">{esc(format_value(m["target"], m["unit"]))}</td>'
                    f'<td class="num">{esc(format_value(m["outcome"], m["unit"]))}</td>'
                    f'<td class="sym">{mark}</td></tr>')
    return (f'<table class="finance">{_colgroup(ft["widths"])}<thead><tr>{head}</tr></thead>'
            f'<tbody>{"".join(rows)}</tbody></table>')


def data_table_html(t: dict) -> str:
    align = t.get("align", "l" + "r" * (len(t["head"]) - 1))
    cls = {"l": "", "r": "r", "c": "c"}

    def cells(values, tag):
        return "".join(f'<{tag} class="{cls[align[i]]}">{esc(v) if v else ""}</{tag}>'
                       for i, v in enumerate(values))

    body = []
    for row in t["rows"]:
        if isinstance(row, dict):
            body.append(f'<tr class="{row.get("style", "")}">{cells(row["cells"], "td")}</tr>')
        else:
            body.append(f"<tr>{cells(row, 'td')}</tr>")
    colgroup = _colgroup(t["widths"]) if t.get("widths") else ""
    caption = f'<p class="note">{esc(t["source"])}</p>' if t.get("source") else ""
    return (f'<table class="data">{colgroup}<thead><tr>{cells(t["head"], "th")}</tr></thead>'
            f'<tbody>{"".join(body)}</tbody></table>{caption}')


def block_html(gold: dict, block, pages: list[int] | None) -> str:
    if isinstance(block, str):
        return f"<p>{esc(block)}</p>"
    if "heading" in block:
        return f"<h2>{esc(block['heading'])}</h2>"
    if "subheading" in block:
        return f"<h3>{esc(block['subheading'])}</h3>"
    if "bullets" in block:
        return "<ul>" + "".join(f"<li>{esc(x)}</li>" for x in block["bullets"]) + "</ul>"
    if "table" in block:
        return data_table_html(block["table"])
    if "note" in block:
        return f'<p class="note">{esc(block["note"])}</p>'
    if "signature" in block:
        return '<div class="signature">' + "".join(f"<p>{esc(x)}</p>" for x in block["signature"]) + "</div>"
    if block.get("toc"):
        return toc_html(gold, pages)
    if block.get("legend"):
        return legend_html(gold)
    if block.get("goal_table"):
        return goal_table_html(gold)
    if block.get("finance_table"):
        return finance_table_html(gold)
    raise ValueError(f"unknown block {block!r}")


def build_html(gold: dict, pages: list[int] | None = None) -> str:
    r, report = gold["render"], gold["report"]
    parts = [cover_html(gold)]
    for i, ch in enumerate(r["chapters"]):
        classes = ["chapter"]
        if ch.get("new_page", True) and i > 0:
            classes.append("new-page")
        if ch.get("page") == "landscape":
            classes.append("landscape")
        body = "".join(block_html(gold, b, pages) for b in ch.get("blocks", []))
        parts.append(f'<section class="{" ".join(classes)}"><h1>{esc(ch["title"])}</h1>{body}</section>')
    return (f'<!DOCTYPE html>\n<html lang="sv"><head><meta charset="utf-8">'
            f'<title>{html.escape(report["title"])}</title>'
            f'<meta name="author" content="{html.escape(report["municipality"], quote=True)}">'
            f'<style>{css(gold)}</style></head><body>{"".join(parts)}</body></html>\n')
