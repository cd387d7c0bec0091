"""Held-out set 2: reports written as HTML and printed to PDF by headless Chromium.

Two templates, picked by ``render.template``:

* ``uppsikt`` (family B): Carlito, a cover page, running header/footer from CSS
  ``@page`` margin boxes (``Sida N av M``), goals ``1.N`` with an activity table
  ``Verksamhetens aktiviteter | Startdatum | Slutdatum`` (thead repeats on a new
  page), the status on its own line behind a CSS circle, the goal catalogue in
  chapter 2.
* ``delarsrapport`` (family D): an interim report, Caladea prose and Liberation
  Sans tables, the goal table ``Mål | Bedömning | Kommentar`` on landscape pages
  with ``Fokusområde:`` section rows, the assessment a coloured ``●`` character
  only, the legend repeated under the table on every page (tfoot), and the
  financial goals ``Finansiellt mål | Målvärde | Utfall | Bedömning``.

Chromium's PDF is deterministic except for its dates, which are pinned.
"""
from __future__ import annotations

import shutil
import subprocess
import tempfile
from html import escape
from pathlib import Path

from malrapport.samples.reproducible import pin_pdf

STATUS = {
    "ej_paborjad": ("Ej påbörjad", "#ffffff", "#8c8c8c"),
    "pagaende_enligt_plan": ("Pågående enligt plan", "#78c06f", "#4e9646"),
    "pagaende_med_avvikelse": ("Pågående med avvikelse", "#f3c12c", "#c39612"),
    "avslutad_enligt_plan": ("Avslutad enligt plan", "#237a3b", "#237a3b"),
    "avslutad_med_avvikelse": ("Avslutad med avvikelse", "#e57a2c", "#b95a17"),
    "vantelage": ("Vänteläge", "#a5a5a5", "#7b7b7b"),
}

def _chromium(html: str) -> bytes:
    exe = shutil.which("chromium") or shutil.which("chromium-browser") or "chromium"
    with tempfile.TemporaryDirectory(prefix="h2-chromium-") as tmp:
        src, out, prof = Path(tmp) / "report.html", Path(tmp) / "report.pdf", Path(tmp) / "profile"
        src.write_text(html, encoding="utf-8")
        subprocess.run([exe, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                        "--no-first-run", "--disable-background-networking",
                        "--disable-component-update", "--disable-sync",
                        f"--user-data-dir={prof}", "--no-pdf-header-footer",
                        f"--print-to-pdf={out}", src.as_uri()],
                       check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                       timeout=180)
        return pin_pdf(out.read_bytes())


def _e(text) -> str:
    return escape(text or "", quote=True)


def _css_str(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _paras(text: str | None, cls: str = "") -> str:
    if not text:
        return ""
    c = f' class="{cls}"' if cls else ""
    return "".join(f"<p{c}>{_e(x)}</p>" for x in text.split("\n"))


def _blocks(items, heading_tag="h2") -> str:
    out = []
    for b in items:
        if isinstance(b, str):
            out.append(f"<p>{_e(b)}</p>")
        elif "heading" in b:
            out.append(f'<{heading_tag} class="goal">{_e(b["heading"] + " " + b["title"])}</{heading_tag}>')
        elif "label" in b:
            out.append(f'<p class="label">{_e(b["label"])}</p>')
        elif "bullets" in b:
            out.append("<ul>" + "".join(f"<li>{_e(x)}</li>" for x in b["bullets"]) + "</ul>")
    return "\n".join(out)


# --- family B -------------------------------------------------------------------------------

def _uppsikt(gold: dict) -> str:
    rep, rnd = gold["report"], gold["render"]
    st = rnd["style"]
    top, right, bottom, left = st["page_margins_mm"]
    cols = st["columns"]
    css = f"""
@page {{ size: A4; margin: {top}mm {right}mm {bottom}mm {left}mm;
  @top-left {{ content: {_css_str(rep['title'])}; font: 8pt Carlito; color: #6b6b6b; vertical-align: bottom; padding-bottom: 3mm }}
  @top-right {{ content: {_css_str(rep['municipality'])}; font: 8pt Carlito; color: #6b6b6b; vertical-align: bottom; padding-bottom: 3mm }}
  @bottom-left {{ content: {_css_str(rep['body'])}; font: 8pt Carlito; color: #6b6b6b; vertical-align: top; padding-top: 3mm }}
  @bottom-right {{ content: "Sida " counter(page) " av " counter(pages); font: 8pt Carlito; color: #6b6b6b; vertical-align: top; padding-top: 3mm }}
}}
@page :first {{ @top-left {{ content: none }} @top-right {{ content: none }}
  @bottom-left {{ content: none }} @bottom-right {{ content: none }} }}
html {{ font-family: Carlito; font-size: {st['size_pt']}pt; line-height: 1.28; color: #1c1c1c }}
body {{ margin: 0 }}
p {{ margin: 0 0 5pt 0 }}
.cover {{ height: 228mm; position: relative; break-after: page; padding-top: 18mm; box-sizing: border-box }}
.cover .muni {{ font-size: 15pt; font-weight: bold; color: #0b5a7a }}
.cover .title {{ font-size: 24pt; font-weight: bold; margin: 62mm 0 8mm 0; line-height: 1.15 }}
.cover .line {{ font-size: 13pt; margin: 0 0 3mm 0 }}
.cover .date {{ position: absolute; bottom: 0; right: 0; font-size: 11pt }}
h1 {{ font-size: {st['h1_pt']}pt; margin: 0 0 9pt 0; font-weight: bold; color: #0b5a7a }}
h2.goal {{ font-size: {st['h2_pt']}pt; margin: 15pt 0 6pt 0; font-weight: bold; break-after: avoid }}
.newpage {{ break-before: page }}
table.act {{ width: 100%; border-collapse: collapse; margin: 2pt 0 10pt 0 }}
table.act thead {{ display: table-header-group }}
table.act th {{ text-align: left; font-weight: bold; padding: 3pt 6pt 3pt 0; border-bottom: 1.2pt solid #0b5a7a }}
table.act td {{ vertical-align: top; padding: 0 6pt 0 0 }}
table.act tr.row td {{ padding-top: 6pt }}
table.act tbody {{ border-bottom: 0.5pt solid #c4d3da }}
table.act tr.last td {{ padding-bottom: 6pt }}
table.act tr.desc td {{ padding-top: 2pt }}
table.act tr.status td {{ padding-top: 3pt }}
.dot {{ display: inline-block; width: 8.5pt; height: 8.5pt; border-radius: 50%; box-sizing: border-box;
        vertical-align: -1pt; margin-right: 5pt }}
p.label {{ font-weight: bold; margin: 9pt 0 3pt 0 }}
ul {{ margin: 0 0 6pt 0; padding-left: 16pt }}
li {{ margin: 0 0 2pt 0 }}
"""
    parts = [f"""<div class="cover"><div class="muni">{_e(rep['municipality'])}</div>
<div class="title">{_e(rep['title'])}</div>
{''.join(f'<div class="line">{_e(x)}</div>' for x in rnd['cover']['lines'])}
<div class="line">{_e(rep['body'])}</div>
<div class="date">{_e(rnd['date'])}</div></div>"""]
    for ch in rnd["chapters"]:
        cls = ' class="newpage"' if ch.get("new_page") else ""
        parts.append(f"<h1{cls}>{_e(ch['number'] + ' ' + ch['title'])}</h1>")
        parts.append(_blocks(ch.get("blocks", [])))
        if ch.get("goals"):
            for g in gold["goals"]:
                if not (g["number"] or "").startswith(ch["number"] + "."):
                    continue
                parts.append(f'<h2 class="goal">{_e(g["number"] + " " + g["title"])}</h2>')
                if not g["activities"]:
                    continue
                rows = [f'<table class="act"><colgroup><col style="width:{cols[0]}">'
                        f'<col style="width:{cols[1]}"><col style="width:{cols[2]}"></colgroup>'
                        "<thead><tr><th>Verksamhetens aktiviteter</th><th>Startdatum</th>"
                        "<th>Slutdatum</th></tr></thead>"]
                for a in g["activities"]:
                    text, fill, stroke = STATUS[a["status"]]
                    trs = [f'<tr class="row"><td>{_e(a["title"])}</td><td class="date">{_e(a["start_date"])}</td>'
                           f'<td class="date">{_e(a["end_date"])}</td></tr>']
                    if a["description"]:
                        trs.append(f'<tr class="desc"><td colspan="3">{_paras(a["description"])}</td></tr>')
                    trs.append(f'<tr class="status"><td colspan="3"><p><span class="dot" style="background:{fill};'
                               f'border:0.8pt solid {stroke}"></span>{_e(text)}</p></td></tr>')
                    if a["comment"]:
                        trs.append(f'<tr class="comment"><td colspan="3">{_paras(a["comment"])}</td></tr>')
                    trs[-1] = trs[-1].replace("<tr class=\"", "<tr class=\"last ", 1)
                    rows.append("<tbody>" + "".join(trs) + "</tbody>")
                rows.append("</table>")
                parts.append("".join(rows))
        parts.append(_blocks(ch.get("blocks_after", [])))
    return (f'<!doctype html><html lang="sv"><head><meta charset="utf-8"><title>{_e(rep["title"])}</title>'
            f"<style>{css}</style></head><body>{''.join(parts)}</body></html>")


# --- family D -------------------------------------------------------------------------------

def _table(t: dict, caption: str | None = None) -> str:
    head = "".join(f"<th>{_e(h)}</th>" for h in t["header"])
    body = "".join("<tr>" + "".join(f"<td>{_e(c)}</td>" for c in r) + "</tr>" for r in t["rows"])
    cap = f'<p class="caption">{_e(caption)}</p>' if caption else ""
    return f'<table class="fin"><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>{cap}'


def _front(items) -> str:
    out = []
    for b in items:
        if isinstance(b, str):
            out.append(f"<p>{_e(b)}</p>")
        elif "h1" in b:
            cls = ' class="newpage"' if b.get("new_page") else ""
            out.append(f"<h1{cls}>{_e(b['h1'])}</h1>")
        elif "h2" in b:
            out.append(f"<h2>{_e(b['h2'])}</h2>")
        elif "bullets" in b:
            out.append("<ul>" + "".join(f"<li>{_e(x)}</li>" for x in b["bullets"]) + "</ul>")
        elif "table" in b:
            out.append(_table(b["table"], b.get("caption")))
        elif "signature" in b:
            out.append(f'<p class="sign">{_e(b["signature"])}</p>')
    return "\n".join(out)


def _value(v: str | None, unit: str | None) -> str:
    if v is None:
        return ""
    return f"{v} {unit}" if unit else v


def _delarsrapport(gold: dict) -> str:
    rep, rnd = gold["report"], gold["render"]
    sym = rnd["symbols"]
    css = f"""
@page {{ size: A4; margin: 25mm 22mm 24mm 24mm;
  @top-left {{ content: {_css_str(rep['municipality'])}; font: 8pt "Liberation Sans"; color: #555; vertical-align: bottom; padding-bottom: 4mm }}
  @top-right {{ content: {_css_str(rep['title'])}; font: 8pt "Liberation Sans"; color: #555; vertical-align: bottom; padding-bottom: 4mm }}
  @bottom-center {{ content: counter(page); font: 8.5pt "Liberation Sans"; color: #555; vertical-align: top; padding-top: 4mm }}
}}
@page :first {{ @top-left {{ content: none }} @top-right {{ content: none }} @bottom-center {{ content: none }} }}
@page land {{ size: A4 landscape; margin: 20mm 20mm 18mm 20mm }}
html {{ font-family: Caladea; font-size: 10.5pt; line-height: 1.32; color: #202020 }}
body {{ margin: 0 }}
p {{ margin: 0 0 6pt 0 }}
h1 {{ font-family: "Liberation Sans"; font-size: 18pt; color: #7a2331; margin: 0 0 10pt 0 }}
h2 {{ font-family: "Liberation Sans"; font-size: 12pt; margin: 14pt 0 5pt 0; break-after: avoid }}
.newpage {{ break-before: page }}
.cover {{ height: 235mm; position: relative; break-after: page }}
.cover .band {{ height: 14mm; background: #7a2331; margin-bottom: 60mm }}
.cover .muni {{ font-family: "Liberation Sans"; font-size: 14pt; font-weight: bold; letter-spacing: 0.5pt }}
.cover .title {{ font-family: "Liberation Sans"; font-size: 30pt; font-weight: bold; line-height: 1.1; margin: 8mm 0 6mm 0 }}
.cover .body {{ font-size: 15pt }}
.cover .meta {{ position: absolute; bottom: 0; left: 0; font-size: 10pt; color: #444 }}
.toc {{ break-after: page }}
.toc table {{ width: 100%; border-collapse: collapse; font-size: 11pt }}
.toc td {{ padding: 4pt 0; border-bottom: 0.5pt dotted #999 }}
.toc td.n {{ text-align: right; width: 12mm }}
table.fin {{ border-collapse: collapse; width: 100%; font-family: "Liberation Sans"; font-size: 9pt; margin: 4pt 0 4pt 0 }}
table.fin th {{ text-align: right; border-bottom: 1pt solid #333; padding: 2pt 4pt; font-weight: bold }}
table.fin td {{ text-align: right; border-bottom: 0.4pt solid #ccc; padding: 2pt 4pt }}
table.fin th:first-child, table.fin td:first-child {{ text-align: left }}
p.caption {{ font-size: 8.5pt; font-style: italic; color: #555; margin-bottom: 10pt }}
p.sign {{ font-style: italic; margin-top: 14pt }}
ul {{ padding-left: 15pt; margin: 0 0 6pt 0 }}
.land {{ page: land }}
table.goals {{ border-collapse: collapse; width: 100%; font-family: "Liberation Sans"; font-size: 9.5pt; line-height: 1.3 }}
table.goals thead {{ display: table-header-group }}
table.goals tfoot {{ display: table-footer-group }}
table.goals th {{ background: #7a2331; color: #fff; text-align: left; padding: 4pt 6pt; font-weight: bold }}
table.goals td {{ vertical-align: top; padding: 5pt 6pt; border-bottom: 0.5pt solid #c9b5b9 }}
table.goals td.sym {{ text-align: center; font-size: 21pt; line-height: 0.8 }}
table.goals tr.section {{ break-after: avoid }}
table.goals tr.section td {{ background: #f1e6e8; font-weight: bold; padding: 4pt 6pt }}
table.goals tfoot td {{ border: none; padding: 6pt 0 0 0; font-size: 8.5pt; color: #333 }}
.legend span.item {{ margin-right: 16pt; white-space: nowrap }}
.legend span.s {{ font-size: 14pt; vertical-align: -1.5pt }}
p.legend {{ font-family: "Liberation Sans"; font-size: 8.5pt; margin: 2pt 0 8pt 0 }}
"""
    legend = ('<span class="item">' + '</span><span class="item">'.join(
        f'<span class="s" style="color:{sym[k]}">●</span> = {_e(t)}' for k, t in rnd["legend"]) + "</span>")
    parts = [f"""<div class="cover"><div class="band"></div><div class="muni">{_e(rep['municipality'])}</div>
<div class="title">{_e(rep['title'])}</div><div class="body">{_e(rep['body'])}</div>
<div class="meta">{'<br>'.join(_e(x) for x in rnd['cover']['lines'])}</div></div>"""]
    toc = "".join(f'<tr><td>{_e(t)}</td><td class="n">{n}</td></tr>' for t, n in rnd["toc"])
    parts.append(f'<div class="toc"><h1>Innehåll</h1><table>{toc}</table></div>')
    parts.append(_front(rnd["front"]))

    gs = rnd["goal_section"]
    rows, area = [], object()
    for g in gold["goals"]:
        if g["level"] != "kf":
            continue
        if g["area"] != area:
            area = g["area"]
            rows.append(f'<tr class="section"><td colspan="3">Fokusområde: {_e(area)}</td></tr>')
        rows.append(f'<tr><td>{_e(g["title"])}</td><td class="sym"><span style="color:{sym[g["assessment"]]}">●</span></td>'
                    f'<td>{_e(g["comment"])}</td></tr>')
    parts.append(f"""<div class="land"><h1>{_e(gs['h1'])}</h1>{''.join(f'<p>{_e(x)}</p>' for x in gs['intro'])}
<table class="goals"><colgroup><col style="width:33%"><col style="width:10%"><col style="width:57%"></colgroup>
<thead><tr><th>Mål</th><th>Bedömning</th><th>Kommentar</th></tr></thead>
<tfoot><tr><td colspan="3" class="legend">{legend}</td></tr></tfoot>
<tbody>{''.join(rows)}</tbody></table></div>""")

    fs = rnd["finance_section"]
    frows = []
    for g in gold["goals"]:
        if g["level"] != "ekonomi":
            continue
        m = g["measures"][0]
        frows.append(f'<tr><td>{_e(g["title"])}</td><td>{_e(_value(m["target"], m["unit"]))}</td>'
                     f'<td>{_e(_value(m["outcome"], m["unit"]))}</td>'
                     f'<td class="sym"><span style="color:{sym[g["assessment"]]}">●</span></td></tr>')
    parts.append(f"""<h1 class="newpage">{_e(fs['h1'])}</h1>{''.join(f'<p>{_e(x)}</p>' for x in fs['intro'])}
<p class="legend">{legend}</p>
<table class="goals fingoals"><colgroup><col style="width:52%"><col style="width:15%"><col style="width:15%"><col style="width:18%"></colgroup>
<thead><tr><th>Finansiellt mål</th><th>Målvärde</th><th>Utfall</th><th>Bedömning</th></tr></thead>
<tbody>{''.join(frows)}</tbody></table>
{''.join(f'<p style="margin-top:8pt">{_e(x)}</p>' for x in fs['after'])}""")
    parts.append(_front(rnd["back"]))
    return (f'<!doctype html><html lang="sv"><head><meta charset="utf-8"><title>{_e(rep["title"])}</title>'
            f"<style>{css}</style></head><body>{''.join(parts)}</body></html>")


TEMPLATES = {"uppsikt": _uppsikt, "delarsrapport": _delarsrapport}


def render_html(gold: dict) -> str:
    return TEMPLATES[gold["render"]["template"]](gold)


def render_pdf(gold: dict) -> bytes:
    return _chromium(render_html(gold))
