"""Development samples of families A and B drawn by a second engine: HTML printed by
headless Chromium (``samples/engine2``).

    python -m malrapport.samples.generate --gold samples/engine2/gold --out samples/engine2/pdf

``render_pdf(gold) -> bytes`` builds one HTML document from a gold annotation of
``samples/engine2/gold`` (``render.renderer = "engine2_html"``) and prints it with
Chromium. The reportlab samples (``layout.py``) draw every report one way; these draw
the same two layouts of FORMAT.md with other fonts (Noto Serif, DejaVu Sans
Condensed), CSS tables whose header row repeats after a page break, running heads
from the ``@page`` margin boxes (``Sida N av M``) and wording the formats allow:

* ``tertial`` (A): the title block on page 1, ``Bedömning`` on a line of its own and the
  assessment behind a circle under it, ``Verksamhetens aktiviteter | Status |
  [Startdatum |] Slutdatum``, description and ``Kommentar`` under the row, measures
  ``Mått | Mål | Utfall`` with the unit in the measure's name (``(%)``).
* ``uppsikt`` (B): a cover page, or none (``render.cover`` absent: the municipality,
  body and date above the first chapter heading, which is the report's title), goals
  ``1.N``, ``Verksamhetens aktiviteter | Startdatum | Slutdatum``, under the row the
  description, the status line behind a circle and the comment; chapter 2 the goal
  catalogue with the goal for good financial management under its own heading.

``render.break_before`` lists goal numbers whose heading starts a new page, so that a
description can end just before a page break. The text holds what the samples of the
system's own renderer lack: en-dash ranges (``årskurs 7–9``), per cent signs after
figures (``85%``), hashtags (``#jobbaibräcke``). Chromium's dates are pinned
(``reproducible.pin_pdf``); the bytes otherwise depend on the HTML, the fonts and the
Chromium build, so the committed PDFs are checked for text, not bytes.
"""
from __future__ import annotations

import shutil
import subprocess
import tempfile
from html import escape
from pathlib import Path

from malrapport.samples.reproducible import pin_pdf

STATUS = {"ej_paborjad": "Ej påbörjad", "pagaende_enligt_plan": "Pågående enligt plan",
          "pagaende_med_avvikelse": "Pågående med avvikelse",
          "avslutad_enligt_plan": "Avslutad enligt plan",
          "avslutad_med_avvikelse": "Avslutad med avvikelse", "vantelage": "Vänteläge"}
ASSESSMENT = {"uppfyllt": "Uppfyllt", "delvis_uppfyllt": "Delvis uppfyllt",
              "knappt_uppfyllt": "Knappt uppfyllt", "ej_uppfyllt": "Ej uppfyllt",
              "saknas": "Saknas"}
COLOUR = {"uppfyllt": "#3a9a48", "delvis_uppfyllt": "#f0c419", "knappt_uppfyllt": "#ec8b2f",
          "ej_uppfyllt": "#cf3a30", "saknas": "#b5b5b5",
          "avslutad_enligt_plan": "#1f7a3a", "avslutad_med_avvikelse": "#e0782a",
          "pagaende_enligt_plan": "#79c06e", "pagaende_med_avvikelse": "#f0c419",
          "ej_paborjad": "#ffffff", "vantelage": "#a0a0a0"}


def _e(text) -> str:
    return escape(text or "", quote=True)


def _css_str(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _paras(text: str | None) -> str:
    """Gold text to paragraphs: ``\\n`` separates them, ``• `` starts a bullet line."""
    if not text:
        return ""
    return "".join(f'<p class="{"bullet" if x.startswith("• ") else "par"}">{_e(x)}</p>'
                   for x in text.split("\n"))


def _dot(key: str) -> str:
    return f'<span class="dot" style="background:{COLOUR[key]}"></span>'


def _blocks(items) -> str:
    out = []
    for b in items:
        if isinstance(b, str):
            out.append(f"<p>{_e(b)}</p>")
        elif "heading" in b:
            out.append(f'<h2>{_e(b["heading"] + " " + b["title"])}</h2>')
        elif "label" in b:
            out.append(f'<p class="label">{_e(b["label"])}</p>')
        elif "bullets" in b:
            out.append("<ul>" + "".join(f"<li>{_e(x)}</li>" for x in b["bullets"]) + "</ul>")
        else:
            raise ValueError(f"unknown block {b!r}")
    return "\n".join(out)


def _chromium(page: str) -> bytes:
    exe = shutil.which("chromium") or shutil.which("chromium-browser") or "chromium"
    with tempfile.TemporaryDirectory(prefix="engine2-") as tmp:
        src, out = Path(tmp) / "report.html", Path(tmp) / "report.pdf"
        src.write_text(page, encoding="utf-8")
        proc = subprocess.run([exe, "--headless", "--no-sandbox", "--disable-gpu",
                               "--disable-quic", "--no-first-run",
                               "--disable-background-networking", "--disable-component-update",
                               "--disable-sync", f"--user-data-dir={tmp}/profile",
                               "--no-pdf-header-footer", f"--print-to-pdf={out}", src.as_uri()],
                              capture_output=True, text=True, timeout=180)
        if not out.exists():
            raise RuntimeError(f"chromium wrote no PDF (exit {proc.returncode}): "
                               f"{proc.stderr[-600:]}")
        return pin_pdf(out.read_bytes())


def render_pdf(gold: dict) -> bytes:
    return _chromium(render_html(gold))


def render_html(gold: dict) -> str:
    build = {"tertial": _tertial, "uppsikt": _uppsikt}[gold["report"]["profile"]]
    return build(gold)


def _page_css(gold: dict) -> str:
    rep, st = gold["report"], gold["render"]["style"]
    top, right, bottom, left = st["margins_mm"]
    font = f'{st["running_pt"]}pt "{st["font"]}"'
    head = rep["title"] if st.get("head") == "title" else f'{rep["municipality"]} – {rep["title"]}'
    foot = f'{rep["municipality"]}, {rep["body"]}'
    first = ("@page :first { @top-left { content: none } @bottom-left { content: none } "
             "@bottom-right { content: none } }" if gold["render"].get("cover") else "")
    return f"""
@page {{ size: A4; margin: {top}mm {right}mm {bottom}mm {left}mm;
  @top-left {{ content: {_css_str(head)}; font: {font}; color: #666; vertical-align: bottom; padding-bottom: 3mm }}
  @bottom-left {{ content: {_css_str(foot)}; font: {font}; color: #666; vertical-align: top; padding-top: 3mm }}
  @bottom-right {{ content: "Sida " counter(page) " av " counter(pages); font: {font}; color: #666; vertical-align: top; padding-top: 3mm }}
}}
{first}
html {{ font-family: "{st["font"]}"; font-size: {st["size_pt"]}pt; line-height: {st["leading"]}; color: #151515 }}
body {{ margin: 0 }}
p {{ margin: 0 0 5pt 0 }}
h1 {{ font-size: {st["h1_pt"]}pt; font-weight: bold; margin: 14pt 0 8pt 0; break-after: avoid }}
h2 {{ font-size: {st["h2_pt"]}pt; font-weight: bold; margin: 13pt 0 5pt 0; break-after: avoid }}
h3 {{ font-size: {st["h3_pt"]}pt; font-weight: bold; margin: 11pt 0 4pt 0; break-after: avoid }}
.newpage {{ break-before: page }}
p.label {{ font-weight: bold; margin: 7pt 0 2pt 0 }}
.dot {{ display: inline-block; width: 9pt; height: 9pt; border-radius: 50%; border: 0.7pt solid #555;
        box-sizing: border-box; vertical-align: -1.5pt; margin-right: 5pt }}
ul {{ margin: 0 0 6pt 0; padding-left: 15pt }} li {{ margin: 0 0 2pt 0 }}
p.bullet {{ padding-left: 1em; text-indent: -1em }}
table {{ width: 100%; border-collapse: collapse; margin: 3pt 0 9pt 0 }}
thead {{ display: table-header-group }}
th {{ text-align: left; font-weight: bold; padding: 3pt 6pt 3pt 0; border-bottom: 1pt solid #333 }}
td {{ vertical-align: top; padding: 0 6pt 0 0 }}
tr.row td {{ padding-top: 6pt }}
tr.under td {{ padding-top: 2pt }}
tbody.item {{ border-bottom: 0.5pt solid #bbb }}
"""


def _heading(tag: str, number: str, title: str, breaks: set[str]) -> str:
    cls = ' class="newpage"' if number in breaks else ""
    return f"<{tag}{cls}>{_e(number + ' ' + title)}</{tag}>"


# --- family A: Målavstämning per tertial ----------------------------------------------------

def _tertial(gold: dict) -> str:
    rep, rnd = gold["report"], gold["render"]
    st, breaks = rnd["style"], set(rnd.get("break_before", []))
    parts = ['<div style="border-bottom:1.2pt solid #333;padding-bottom:6pt;margin-bottom:10pt">'
             '<div style="display:flex;justify-content:space-between;font-weight:bold">'
             f'<span>{_e(rep["municipality"])}</span><span>{_e(rnd["date"])}</span></div>'
             f'<div style="font-size:{st["title_pt"]}pt;font-weight:bold;margin:12pt 0 4pt 0">'
             f'{_e(rep["title"])}</div><div>{_e(rep["body"])}</div>'
             + "".join(f"<div>{_e(x)}</div>" for x in rnd["title_block"]) + "</div>"]
    for ch in rnd["chapters"]:
        parts.append(_heading("h1", ch["number"], ch["title"], breaks))
        parts.append(_blocks(ch.get("blocks", [])))
        if ch.get("goals"):
            for g in gold["goals"]:
                if g["number"].split(".")[0] != ch["number"]:
                    continue
                tag = "h2" if g["level"] == "kf" or g["number"].count(".") == 1 else "h3"
                parts.append(_heading(tag, g["number"], g["title"], breaks))
                parts.append(_tertial_goal(g, st))
        parts.append(_blocks(ch.get("blocks_after", [])))
    return _document(gold, "".join(parts))


def _tertial_goal(g: dict, st: dict) -> str:
    out = []
    if g["assessment"]:
        out.append(f'<p class="label">Bedömning</p><p>{_dot(g["assessment"])}'
                   f'{ASSESSMENT[g["assessment"]]}</p>')
    if g["comment"]:
        out.append('<p class="label">Kommentar</p>' + _paras(g["comment"]))
    if g["activities"]:
        start = st.get("start_column", False)
        widths = st["columns"]
        head = ["Verksamhetens aktiviteter", "Status"] + (["Startdatum"] if start else []) + ["Slutdatum"]
        rows = [f'<table><colgroup>{"".join(f"<col style=width:{w}>" for w in widths)}</colgroup>'
                "<thead><tr>" + "".join(f"<th>{h}</th>" for h in head) + "</tr></thead>"]
        for a in g["activities"]:
            cells = [_e(a["title"]), f'{_dot(a["status"])}{STATUS[a["status"]]}']
            cells += ([_e(a["start_date"])] if start else []) + [_e(a["end_date"])]
            trs = ['<tr class="row">' + "".join(f"<td>{c}</td>" for c in cells) + "</tr>"]
            under = _paras(a["description"])
            if a["comment"]:
                under += '<p class="label">Kommentar</p>' + _paras(a["comment"])
            if under:
                trs.append(f'<tr class="under"><td colspan="{len(head)}">{under}</td></tr>')
            rows.append('<tbody class="item">' + "".join(trs) + "</tbody>")
        out.append("".join(rows) + "</table>")
    if g["measures"]:
        rows = "".join(f"<tr><td>{_e(m['name'])}</td><td>{_e(m['target'])}</td>"
                       f"<td>{_e(m['outcome'])}</td></tr>" for m in g["measures"])
        out.append('<table><colgroup><col style="width:60%"><col style="width:20%">'
                   '<col style="width:20%"></colgroup><thead><tr><th>Mått</th><th>Mål</th>'
                   f"<th>Utfall</th></tr></thead><tbody>{rows}</tbody></table>")
    return "".join(out)


# --- family B: Redovisning av arbete för de politiska målen ------------------------------------

def _uppsikt(gold: dict) -> str:
    rep, rnd = gold["report"], gold["render"]
    st, breaks = rnd["style"], set(rnd.get("break_before", []))
    cover = rnd.get("cover")
    if cover:
        parts = ['<div style="height:230mm;break-after:page;position:relative">'
                 f'<div style="font-size:14pt;font-weight:bold">{_e(rep["municipality"])}</div>'
                 f'<div style="font-size:{st["title_pt"]}pt;font-weight:bold;margin:70mm 0 8mm 0">'
                 f'{_e(rep["title"])}</div>'
                 + "".join(f'<div style="font-size:12pt;margin-bottom:3mm">{_e(x)}</div>'
                           for x in cover["lines"])
                 + f'<div style="font-size:12pt">{_e(rep["body"])}</div>'
                 f'<div style="position:absolute;bottom:0;right:0">{_e(rnd["date"])}</div></div>']
    else:  # the title is the first chapter's heading, on the first page
        parts = ['<div style="display:flex;justify-content:space-between;font-weight:bold">'
                 f'<span>{_e(rep["municipality"])}</span><span>{_e(rnd["date"])}</span></div>'
                 f'<div style="margin-bottom:16pt">{_e(rep["body"])}</div>']
    for i, ch in enumerate(rnd["chapters"]):
        tag = "h1" if i or cover else f'h1 style="font-size:{st["title_pt"]}pt"'
        cls = ' class="newpage"' if ch.get("new_page") else ""
        parts.append(f"<{tag}{cls}>{_e(ch['number'] + ' ' + ch['title'])}</h1>")
        parts.append(_blocks(ch.get("blocks", [])))
        if ch.get("goals"):
            for g in gold["goals"]:
                if (g["number"] or "").startswith(ch["number"] + "."):
                    parts.append(_heading("h2", g["number"], g["title"], breaks))
                    parts.append(_uppsikt_table(g["activities"], st["columns"]))
        parts.append(_blocks(ch.get("blocks_after", [])))
    return _document(gold, "".join(parts))


def _uppsikt_table(activities: list, widths: list) -> str:
    if not activities:
        return ""
    rows = [f'<table><colgroup>{"".join(f"<col style=width:{w}>" for w in widths)}</colgroup>'
            "<thead><tr><th>Verksamhetens aktiviteter</th><th>Startdatum</th><th>Slutdatum</th>"
            "</tr></thead>"]
    for a in activities:
        under = (_paras(a["description"]) + f'<p>{_dot(a["status"])}{STATUS[a["status"]]}</p>'
                 + _paras(a["comment"]))
        rows.append(f'<tbody class="item"><tr class="row"><td>{_e(a["title"])}</td>'
                    f'<td>{_e(a["start_date"])}</td><td>{_e(a["end_date"])}</td></tr>'
                    f'<tr class="under"><td colspan="3">{under}</td></tr></tbody>')
    return "".join(rows) + "</table>"


def _document(gold: dict, body: str) -> str:
    return (f'<!doctype html><html lang="sv"><head><meta charset="utf-8">'
            f'<title>{_e(gold["report"]["title"])}</title><style>{_page_css(gold)}</style></head>'
            f"<body>{body}</body></html>")
