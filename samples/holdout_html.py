"""Held-out sample reports drawn as HTML and printed to PDF by headless Chromium.

``render_pdf(gold) -> bytes`` builds one HTML page from a gold annotation of
``samples/holdout/gold`` and prints it with Chromium (CSS paged media: running
header and footer in the page margin boxes, ``counter(page)``/``counter(pages)``).
Families (``report.profile``): ``tertial`` (A), ``namnd`` (C), ``verksamhetsplan`` (E).
The layouts follow shared/FORMAT.md and shared/LAYOUTS.md but are drawn by another
engine than the development samples, with other fonts, widths and icons.

Reproducible on one machine: Chromium's dates are pinned (``reproducible.pin_pdf``); the
PDF otherwise depends only on the HTML, the installed fonts and the Chromium build.
"""
from __future__ import annotations

import html
import subprocess
import tempfile
from pathlib import Path

from malrapport.samples.reproducible import pin_pdf

CHROMIUM_FLAGS = ("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                  "--no-first-run", "--disable-background-networking",
                  "--disable-component-update", "--disable-sync", "--no-pdf-header-footer")

ASSESSMENT_A = {"uppfyllt": "Uppfyllt", "delvis_uppfyllt": "Delvis uppfyllt",
                "knappt_uppfyllt": "Knappt uppfyllt", "ej_uppfyllt": "Ej uppfyllt",
                "saknas": "Saknas"}
ASSESSMENT_C = {"uppfyllt": "Målet bedöms uppfyllas", "delvis_uppfyllt": "Målet bedöms delvis uppfyllas",
                "ej_uppfyllt": "Målet bedöms inte uppfyllas", "saknas": "Bedömning saknas"}
ASSESSMENT_C_YEAR = {"uppfyllt": "Målet är uppfyllt", "delvis_uppfyllt": "Målet är delvis uppfyllt",
                     "ej_uppfyllt": "Målet är inte uppfyllt", "saknas": "Bedömning saknas"}
ASSESSMENT_E = {"uppfyllt": "Uppnått", "delvis_uppfyllt": "Delvis uppnått",
                "ej_uppfyllt": "Ej uppnått", "saknas": "Ej bedömd"}
STATUS_A = {"ej_paborjad": "Ej påbörjad", "pagaende_enligt_plan": "Pågående enligt plan",
            "pagaende_med_avvikelse": "Pågående med avvikelse",
            "avslutad_enligt_plan": "Avslutad enligt plan",
            "avslutad_med_avvikelse": "Avslutad med avvikelse", "vantelage": "Vänteläge"}
STATUS_C = {"avslutad_enligt_plan": "Genomförd", "pagaende_enligt_plan": "Påbörjad",
            "ej_paborjad": "Ej påbörjad", "pagaende_med_avvikelse": "Försenad",
            "avbruten": "Avbruten"}
STATUS_E = {"avslutad_enligt_plan": "Klar", "pagaende_enligt_plan": "Pågår",
            "ej_paborjad": "Ej påbörjad", "vantelage": "Vilande",
            "pagaende_med_avvikelse": "Försenad"}
COLOURS = {"uppfyllt": "#2e9e4f", "delvis_uppfyllt": "#f2c230", "knappt_uppfyllt": "#ee8a2a",
           "ej_uppfyllt": "#d2342c", "saknas": "#b9b9b9",
           "avslutad_enligt_plan": "#2e9e4f", "avslutad_med_avvikelse": "#8fbf3f",
           "pagaende_enligt_plan": "#3b7dd8", "pagaende_med_avvikelse": "#f2c230",
           "ej_paborjad": "#c8c8c8", "vantelage": "#9b6fc4", "avbruten": "#d2342c"}
ARROWS = {"up": "↑", "flat": "→", "down": "↓"}


def esc(text: str) -> str:
    return html.escape(text, quote=True)


def fill(template: str, gold: dict) -> str:
    r = gold["report"]
    return (template.replace("{title}", r["title"]).replace("{body}", r["body"])
            .replace("{municipality}", r["municipality"]))


# --- the engine ------------------------------------------------------------------------

def print_html(page: str) -> bytes:
    """Print one HTML document to PDF with a fresh Chromium profile."""
    with tempfile.TemporaryDirectory(prefix="holdout-html-") as tmp:
        src, out = Path(tmp) / "report.html", Path(tmp) / "report.pdf"
        src.write_text(page, encoding="utf-8")
        cmd = ["chromium", *CHROMIUM_FLAGS, f"--user-data-dir={tmp}/profile",
               f"--print-to-pdf={out}", src.as_uri()]
        proc = subprocess.run(cmd, capture_output=True, text=True, timeout=120)
        if not out.exists():
            raise RuntimeError(f"chromium wrote no PDF (exit {proc.returncode}): {proc.stderr[-800:]}")
        return pin_pdf(out.read_bytes())


def render_pdf(gold: dict) -> bytes:
    profile = gold["report"]["profile"]
    build = {"tertial": tertial_html, "namnd": namnd_html, "verksamhetsplan": plan_html}[profile]
    return print_html(build(gold))


# --- shared pieces -----------------------------------------------------------------------


def page_css(gold: dict) -> str:
    style = gold["render"]["style"]
    top, right, bottom, left = style["margins_mm"]
    size = style.get("running_size", 7.5)
    boxes = []
    for slot, template in style["running"].items():
        text = fill(template, gold).replace('"', '\\"')
        text = text.replace("{page}", '" counter(page) "').replace("{total}", '" counter(pages) "')
        css_slot = slot.replace("_", "-")
        boxes.append(f'@{css_slot} {{ content: "{text}"; font-family: "{style["font"]}"; '
                     f'font-size: {size}pt; color: #555; }}')
    return (f"@page {{ size: A4; margin: {top}mm {right}mm {bottom}mm {left}mm; "
            + " ".join(boxes) + " }")


def circle(key: str, px: float) -> str:
    r = px / 2
    return (f'<svg class="icon" width="{px}" height="{px}" viewBox="0 0 {px} {px}">'
            f'<circle cx="{r}" cy="{r}" r="{r - 0.5}" fill="{COLOURS[key]}" stroke="#555" '
            f'stroke-width="0.6"/></svg>')


def paragraphs(text: str | None, cls: str = "") -> str:
    """Gold text to paragraphs: ``\\n`` separates paragraphs, ``• `` starts a bullet line."""
    if not text:
        return ""
    out = []
    for line in text.split("\n"):
        kind = "bullet" if line.startswith("• ") else "par"
        out.append(f'<p class="{kind} {cls}">{esc(line)}</p>')
    return "".join(out)


def blocks_html(blocks: list, level_of=lambda number: 2) -> str:
    out = []
    for block in blocks:
        if isinstance(block, str):
            out.append(f"<p>{esc(block)}</p>")
        elif "heading" in block:
            number = block["heading"]
            level = block.get("level") or level_of(number)
            text = f"{number} {block['title']}" if number else block["title"]
            out.append(f"<h{level}>{esc(text)}</h{level}>")
        elif "label" in block:
            out.append(f'<p class="label">{esc(block["label"])}</p>')
        elif "bullets" in block:
            out.append("".join(f'<p class="bullet">• {esc(b)}</p>' for b in block["bullets"]))
        elif "table" in block:
            out.append(simple_table(block["table"]))
        elif "page_break" in block:
            out.append('<div class="break"></div>')
        else:
            raise ValueError(f"unknown block {block!r}")
    return "".join(out)


def simple_table(spec: dict) -> str:
    widths = spec.get("widths") or []
    cols = "".join(f'<col style="width:{w * 100:.1f}%">' for w in widths)
    head = "".join(f"<th>{esc(h)}</th>" for h in spec["header"])
    rows = "".join("<tr>" + "".join(f"<td>{esc(c)}</td>" for c in row) + "</tr>"
                   for row in spec["rows"])
    return (f'<table class="simple"><colgroup>{cols}</colgroup><thead><tr>{head}</tr></thead>'
            f"<tbody>{rows}</tbody></table>")


def document(gold: dict, css: str, body: str) -> str:
    r = gold["report"]
    return (f'<!doctype html><html lang="sv"><head><meta charset="utf-8">'
            f"<title>{esc(r['title'])}</title><style>{page_css(gold)}\n{css}</style></head>"
            f"<body>{body}</body></html>")


# --- family A: tertial report --------------------------------------------------------------

TERTIAL_CSS = """
body {{ font-family: "{font}"; font-size: {size}pt; line-height: 1.32; margin: 0; color: #111; }}
p {{ margin: 0 0 0.55em 0; }}
h1 {{ font-size: {h1}pt; margin: 1.3em 0 0.6em 0; }}
h2 {{ font-size: {h2}pt; margin: 1.4em 0 0.5em 0; }}
h3 {{ font-size: {h3}pt; margin: 1.2em 0 0.45em 0; }}
h1, h2, h3 {{ break-after: avoid; font-weight: bold; }}
.hang {{ display: flex; }} .hang .num {{ flex: none; min-width: 2.6em; padding-right: 0.5em; }}
.titleblock {{ border-bottom: 1.2pt solid #333; padding-bottom: 6pt; margin-bottom: 14pt; }}
.titleblock .top {{ display: flex; justify-content: space-between; font-weight: bold; }}
.titleblock .title {{ font-size: 21pt; font-weight: bold; margin: 14pt 0 4pt 0; }}
.label {{ font-weight: bold; margin: 0.6em 0 0.15em 0; }}
.assess {{ display: flex; align-items: center; gap: 6px; margin-bottom: 0.5em; }}
.bullet {{ padding-left: 1.1em; text-indent: -1.1em; margin-bottom: 0.2em; }}
.break {{ break-before: page; }}
.newpage {{ break-before: page; }}
table {{ border-collapse: collapse; width: 100%; margin: 0.6em 0 1.1em 0; }}
thead th {{ text-align: left; font-weight: bold; border-bottom: 1pt solid #444; padding: 3pt 4pt; }}
td {{ padding: 3pt 4pt; vertical-align: top; }}
tr.row td {{ border-top: 0.5pt solid #aaa; padding-top: 5pt; }}
tr.row td.status {{ vertical-align: {status_valign}; }}
td.status .st {{ display: flex; align-items: center; gap: 5px; }}
td.status svg {{ flex: none; }}
td.date {{ text-align: {date_align}; white-space: nowrap; }}
tr.under td {{ padding-top: 1pt; font-size: {small_desc}pt; }}
tr.under .label {{ margin-top: 0.2em; }}
table.measures td, table.measures th {{ border-bottom: 0.5pt solid #bbb; }}
.note {{ font-size: {small}pt; font-style: italic; }}
"""


def tertial_html(gold: dict) -> str:
    rnd, rep = gold["render"], gold["report"]
    style = rnd["style"]
    css = TERTIAL_CSS.format(small_desc=style["size"] - 0.5, **style)
    out = [f'<div class="titleblock"><div class="top"><span>{esc(rep["municipality"])}</span>'
           f'<span>{esc(rnd["date"])}</span></div><div class="title">{esc(rep["title"])}</div>'
           f'<div>{esc(rep["body"])}</div>'
           + "".join(f"<div>{esc(line)}</div>" for line in rnd["title_block"]["lines"])
           + "</div>"]
    hang = style.get("hanging_headings")

    def heading(number: str, title: str) -> str:
        level = min(number.count(".") + 1, 3)
        if hang:
            return (f'<h{level} class="hang"><span class="num">{esc(number)}</span>'
                    f"<span>{esc(title)}</span></h{level}>")
        return f"<h{level}>{esc(number)} {esc(title)}</h{level}>"

    for chapter in rnd["chapters"]:
        cls = ' class="newpage"' if chapter.get("new_page") else ""
        out.append(f"<div{cls}>" + heading(chapter["number"], chapter["title"]))
        out.append(blocks_html(chapter.get("blocks", []),
                               level_of=lambda n: min(n.count(".") + 1, 3)))
        if chapter.get("goals"):
            for goal in gold["goals"]:
                if goal["number"].split(".")[0] == chapter["number"]:
                    out.append(heading(goal["number"], goal["title"]))
                    out.append(tertial_goal(goal, style, rnd.get("notes", {})))
        out.append(blocks_html(chapter.get("blocks_after", [])) + "</div>")
    return document(gold, css, "".join(out))


def tertial_goal(goal: dict, style: dict, notes: dict) -> str:
    out = []
    if goal["assessment"]:
        out.append('<p class="label">Bedömning</p><div class="assess">'
                   f'{circle(goal["assessment"], style["icon_px"])}'
                   f'<span>{ASSESSMENT_A[goal["assessment"]]}</span></div>')
    if goal["comment"]:
        out.append('<p class="label">Kommentar</p>' + paragraphs(goal["comment"]))
    if goal["activities"]:
        out.append(tertial_table(goal["activities"], style))
    if goal["measures"]:
        rows = []
        for m in goal["measures"]:
            rows.append(f"<tr><td>{esc(m['name'])}</td><td>{esc(m['target'] or '')}</td>"
                        f"<td>{esc(m['outcome'] or '')}</td></tr>")
        out.append('<table class="measures"><colgroup><col style="width:62%"><col style="width:19%">'
                   '<col style="width:19%"></colgroup><thead><tr><th>Mått</th><th>Mål</th>'
                   f'<th>Utfall</th></tr></thead><tbody>{"".join(rows)}</tbody></table>')
        if goal["number"] in notes:
            out.append(f'<p class="note">{esc(notes[goal["number"]])}</p>')
    return "".join(out)


def tertial_table(activities: list, style: dict) -> str:
    widths = style["cols"]
    cols = "".join(f'<col style="width:{w * 100:.1f}%">' for w in widths)
    rows = []
    for a in activities:
        rows.append(f'<tr class="row"><td>{esc(a["title"])}</td><td class="status"><span class="st">'
                    f'{circle(a["status"], style["icon_px"])}<span>{STATUS_A[a["status"]]}</span>'
                    f'</span></td><td class="date">{esc(a["end_date"])}</td></tr>')
        under = paragraphs(a["description"])
        if a["comment"]:
            under += '<p class="label">Kommentar</p>' + paragraphs(a["comment"])
        if under:
            rows.append(f'<tr class="under"><td colspan="3">{under}</td></tr>')
    return (f'<table class="activities"><colgroup>{cols}</colgroup><thead><tr>'
            "<th>Verksamhetens aktiviteter</th><th>Status</th><th>Slutdatum</th></tr></thead>"
            f'<tbody>{"".join(rows)}</tbody></table>')


# --- family C: committee interim report -------------------------------------------------------

NAMND_CSS = """
body {{ font-family: "{font}"; font-size: {size}pt; line-height: 1.4; margin: 0; color: #1b1b1b; }}
p {{ margin: 0 0 0.6em 0; }}
h1 {{ font-size: {h1}pt; font-weight: 600; color: #0d4f6c; margin: 1.2em 0 0.5em 0; }}
h2 {{ font-size: {h2}pt; font-weight: 600; margin: 1.2em 0 0.45em 0; }}
h3 {{ font-size: {h3}pt; font-weight: 600; margin: 1.2em 0 0.4em 0; }}
h1, h2, h3 {{ break-after: avoid; }}
.titlepage {{ height: 230mm; display: flex; flex-direction: column; justify-content: center; }}
.titlepage .mun {{ font-size: 14pt; font-weight: 600; letter-spacing: 0.04em; }}
.titlepage .title {{ font-size: 30pt; font-weight: 600; color: #0d4f6c; margin: 10pt 0 6pt 0; }}
.titlepage .body {{ font-size: 15pt; margin-bottom: 26pt; }}
.titlepage .small {{ font-size: 9.5pt; color: #444; }}
.break, .newpage {{ break-before: page; }}
.label {{ font-weight: 600; margin: 0.7em 0 0.2em 0; }}
.assess {{ display: flex; align-items: center; gap: 7px; margin-bottom: 0.4em; }}
.bullet {{ padding-left: 1em; text-indent: -1em; margin-bottom: 0.25em; }}
table {{ border-collapse: collapse; width: 100%; margin: 0.5em 0 1em 0; font-size: {small}pt; }}
th {{ text-align: left; font-weight: 600; background: #dce9ef; padding: 3pt 5pt; }}
td {{ padding: 3pt 5pt; vertical-align: top; border-bottom: 0.6pt solid #c9d6dc; }}
td.num, th.num {{ text-align: right; }}
td.trend, th.trend {{ text-align: center; }}
td.trend {{ font-size: 11pt; line-height: 1.1; color: #0d4f6c; }}
.keep {{ break-inside: avoid; }}
tr.row td {{ border-bottom: none; }}
tr.com td {{ font-style: italic; padding-top: 0; }}
td.status .st {{ display: flex; align-items: flex-start; gap: 5px; }}
td.status svg {{ flex: none; margin-top: 2.5pt; }}
table.simple td:not(:first-child), table.simple th:not(:first-child) {{ text-align: right; }}
"""


def namnd_html(gold: dict) -> str:
    rnd, rep = gold["render"], gold["report"]
    style = rnd["style"]
    out = ['<div class="titlepage">'
           f'<div class="mun">{esc(rep["municipality"])}</div>'
           f'<div class="title">{esc(rep["title"])}</div>'
           f'<div class="body">{esc(rep["body"])}</div>'
           f'<div class="small">{esc(rnd["date"])}</div>'
           + "".join(f'<div class="small">{esc(line)}</div>' for line in rnd["title_page"]["lines"])
           + "</div>"]
    phrases = ASSESSMENT_C_YEAR if rep["period"] == "T3" else ASSESSMENT_C
    for chapter in rnd["chapters"]:
        out.append(f'<div class="newpage"><h1>{esc(chapter["title"])}</h1>')
        out.append(blocks_html(chapter.get("blocks", [])))
        if chapter.get("goals"):
            area = None
            for goal in gold["goals"]:
                if goal["area"] != area:
                    area = goal["area"]
                    out.append(f"<h1>Målområde: {esc(area)}</h1>")
                if goal["level"] == "kf":
                    out.append(f"<h2>Kommunfullmäktiges mål: {esc(goal['title'])}</h2>")
                    continue
                out.append(f"<div class=\"keep\"><h3>Nämndmål: {esc(goal['title'])}</h3>")
                out.append(namnd_goal(goal, rep["year"], style, phrases, rnd.get("arrows", {})))
        out.append(blocks_html(chapter.get("blocks_after", [])) + "</div>")
    return document(gold, NAMND_CSS.format(**style), "".join(out))


def namnd_goal(goal: dict, year: int, style: dict, phrases: dict, arrows: dict) -> str:
    out = ['<p class="label">Måluppfyllelse</p><div class="assess">'
           f'{circle(goal["assessment"], style["icon_px"] + 3)}'
           f'<span>{phrases[goal["assessment"]]}</span></div></div>']
    if goal["comment"]:
        out.append('<p class="label">Analys</p>' + paragraphs(goal["comment"]))
    if goal["measures"]:
        cols = "".join(f'<col style="width:{w * 100:.1f}%">' for w in style["indicator_cols"])
        rows = []
        for m in goal["measures"]:
            def value(v):
                return "" if v is None else esc(f"{v} {m['unit']}" if m["unit"] else v)
            arrow = arrows.get(m["name"]) or ARROWS.get(m["trend"] or "", "")
            rows.append(f"<tr><td>{esc(m['name'])}</td><td class=num>{value(m['previous_outcome'])}</td>"
                        f"<td class=num>{value(m['target'])}</td><td class=num>{value(m['outcome'])}</td>"
                        f"<td class=trend>{arrow}</td></tr>")
        out.append(f'<table class="indicators"><colgroup>{cols}</colgroup><thead><tr>'
                   f'<th>Indikator</th><th class=num>Utfall {year - 1}</th>'
                   f'<th class=num>Målvärde {year}</th><th class=num>Utfall {year}</th>'
                   f'<th class=trend>Trend</th></tr></thead><tbody>{"".join(rows)}</tbody></table>')
    if goal["activities"]:
        cols = "".join(f'<col style="width:{w * 100:.1f}%">' for w in style["activity_cols"])
        rows = []
        for a in goal["activities"]:
            rows.append(f'<tr class="row"><td>{esc(a["title"])}</td><td>{esc(a["responsible"] or "")}</td>'
                        f'<td class="status"><span class="st">{circle(a["status"], style["icon_px"])}'
                        f'<span>{STATUS_C[a["status"]]}</span></span></td>'
                        f'<td>{esc(a["end_date"])}</td></tr>')
            comment = paragraphs(a["comment"])
            rows.append(f'<tr class="com"><td colspan="4">{comment}</td></tr>' if comment
                        else '<tr class="com"><td colspan="4"></td></tr>')
        out.append(f'<table class="activities"><colgroup>{cols}</colgroup><thead><tr>'
                   '<th>Aktivitet</th><th>Ansvarig</th><th>Status</th><th>Klart</th></tr></thead>'
                   f'<tbody>{"".join(rows)}</tbody></table>')
    return "".join(out)


# --- family E: action-plan follow-up from a word processor ---------------------------------------

PLAN_CSS = """
body {{ font-family: "{font}"; font-size: {size}pt; line-height: 1.15; margin: 0; color: #000; }}
p {{ margin: 0 0 8pt 0; }}
h1 {{ font-size: 20pt; font-weight: bold; margin: 18pt 0 14pt 0; }}
h2 {{ font-size: {h1}pt; font-weight: bold; margin: 16pt 0 6pt 0; }}
h3 {{ font-size: {h2}pt; font-weight: bold; margin: 12pt 0 6pt 0; }}
h2, h3 {{ break-after: avoid; }}
.head {{ display: flex; justify-content: space-between; }}
table {{ border-collapse: collapse; width: 100%; margin: 0 0 6pt 0; font-size: {small}pt; }}
th, td {{ border: 0.75pt solid #000; padding: 2pt 4pt; vertical-align: top; text-align: left; }}
th {{ font-weight: bold; }}
tr {{ break-inside: auto; }}
.result {{ margin-top: 6pt; }}
"""


def plan_html(gold: dict) -> str:
    rnd, rep = gold["render"], gold["report"]
    style = rnd["style"]
    first, *rest = rnd["head_lines"]
    out = [f'<div class="head"><span>{esc(first)}</span><span>{esc(rnd["date"])}</span></div>'
           + "".join(f"<div>{esc(line)}</div>" for line in rest)
           + f"<h1>{esc(rep['title'])}</h1>"]
    cols = "".join(f'<col style="width:{w * 100:.1f}%">' for w in style["cols"])
    for chapter in rnd["chapters"]:
        out.append(blocks_html(chapter.get("blocks", [])))
        if chapter.get("goals"):
            for goal in gold["goals"]:
                if goal["level"] == "kf":
                    out.append(f"<h2>Mål {esc(goal['number'])}: {esc(goal['title'])}</h2>")
                    continue
                out.append(f"<h3>Delmål {esc(goal['number'])}: {esc(goal['title'])}</h3>")
                rows = []
                for a in goal["activities"]:
                    when = a["end_date_raw"] or a["end_date"]
                    rows.append(f"<tr><td>{esc(a['title'])}</td><td>{esc(a['responsible'] or '')}</td>"
                                f"<td>{esc(when)}</td><td>{STATUS_E[a['status']]}</td>"
                                f"<td>{esc(a['comment'] or '')}</td></tr>")
                out.append(f"<table><colgroup>{cols}</colgroup><thead><tr><th>Åtgärd</th>"
                           "<th>Ansvar</th><th>Tidplan</th><th>Status</th><th>Kommentar</th></tr>"
                           f'</thead><tbody>{"".join(rows)}</tbody></table>')
                out.append(f'<p class="result"><b>Måluppfyllelse:</b> '
                           f'{ASSESSMENT_E[goal["assessment"]]}</p>' + paragraphs(goal["comment"]))
        out.append(blocks_html(chapter.get("blocks_after", [])))
    return document(gold, PLAN_CSS.format(**style), "".join(out))
