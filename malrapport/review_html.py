"""The review page as one self-contained HTML file: inline CSS and script, page crops
as JPEG data: URIs, nothing fetched.

Each row item has the fields as form controls. A change or a confirmation is a
decision, kept in the browser's localStorage (a reload keeps it) and offered as a
download, ``corrections.json``: the corrections file ``malrapport extract
--corrections`` reads (normalize/corrections.py gives its form). The script's
``malrapportDecisions()`` returns the same list (for scripts and tests)."""
from __future__ import annotations

import hashlib
import json
from html import escape
from pathlib import Path

from malrapport.normalize.corrections import NEVER_NULL
from malrapport.review import ACTIVITY_FIELDS, GOAL_FIELDS, Item, ReportView
from malrapport.schemas import labels

LEVEL_LABEL = {"kf": "KF", "ks": "KS", "ekonomi": "Ekonomi", "namnd": "Nämnd"}
FIELD_LABEL = {"number": "Nummer", "level": "Nivå", "title": "Titel", "assessment": "Bedömning",
               "comment": "Kommentar", "status": "Status", "start_date": "Startdatum",
               "end_date": "Slutdatum", "description": "Beskrivning"}
CHOICES = {"assessment": labels.ASSESSMENT_LABEL, "status": labels.STATUS_LABEL,
           "level": LEVEL_LABEL}
LONG = {"title", "comment", "description"}
DATES = {"start_date", "end_date"}
KIND_LABEL = {"goal": "Mål", "activity": "Aktivitet", "warning": "Varning"}

CSS = """
* { box-sizing: border-box; }
body { font: 14px/1.45 system-ui, "DejaVu Sans", Arial, sans-serif; color: #1d1d1d;
       margin: 0; background: #f4f4f2; }
header { position: sticky; top: 0; z-index: 2; background: #fff; border-bottom: 1px solid #ccc;
         padding: .6rem 1.2rem; display: flex; flex-wrap: wrap; gap: .4rem 1.2rem; align-items: center; }
header h1 { font-size: 1.25rem; margin: 0; }
header .meta { color: #555; }
#count { font-weight: 600; }
a.button, button { font: inherit; padding: .25rem .7rem; border: 1px solid #2a5d8f; border-radius: 4px;
                   background: #2a5d8f; color: #fff; cursor: pointer; text-decoration: none; }
button.plain { background: #fff; color: #2a5d8f; }
main { padding: 0 1.2rem 3rem; max-width: 96rem; margin: 0 auto; }
nav ul { margin: .6rem 0; padding-left: 1.2rem; }
section.report h2 { font-size: 1.15rem; margin: 1.8rem 0 .2rem; border-bottom: 2px solid #333; }
p.source { color: #555; margin: .1rem 0 .6rem; }
p.source code { font-size: .85em; }
p.note { background: #fff3cd; border: 1px solid #e0c060; padding: .4rem .6rem; border-radius: 4px; }
.item { display: grid; grid-template-columns: minmax(0, 760px) minmax(20rem, 1fr); gap: .8rem;
        background: #fff; border: 1px solid #d6d6d6; border-left: 6px solid #bbb;
        border-radius: 4px; padding: .6rem; margin: .6rem 0; }
.item.warning { border-left-color: #d98c1f; }
.item.low { border-left-color: #d64545; }
.item.mid { border-left-color: #e0b43a; }
.item.confirmed { border-left-color: #3f9f5a; background: #f3faf4; }
.item.edited { border-left-color: #2a5d8f; background: #f2f6fb; }
.crop img { max-width: 100%; border: 1px solid #ccc; display: block; }
.crop .none { color: #777; font-style: italic; }
.crop .caption { color: #777; font-size: .8em; }
.head { font-weight: 600; margin-bottom: .3rem; }
.head .kind { display: inline-block; font-size: .75em; padding: 0 .4em; border-radius: 3px;
              background: #e7e7e7; margin-right: .4em; }
.conf { font-variant-numeric: tabular-nums; }
.reasons code { background: #fbe9e9; color: #8a1f1f; padding: 0 .3em; border-radius: 3px;
                margin-right: .25em; font-size: .85em; }
label { display: block; margin: .25rem 0; }
label span { display: block; font-size: .8em; color: #555; }
label.changed span::after { content: " · ändrad"; color: #2a5d8f; font-weight: 600; }
textarea, input, select { font: inherit; width: 100%; padding: .2rem .3rem; border: 1px solid #bbb;
                          border-radius: 3px; }
textarea { resize: vertical; min-height: 2.2em; }
label.changed textarea, label.changed input, label.changed select { border-color: #2a5d8f;
                                                                    background: #eef4fb; }
.actions { margin-top: .4rem; display: flex; gap: .6rem; align-items: center; }
.state { color: #3f9f5a; font-weight: 600; }
pre.text { white-space: pre-wrap; background: #f7f7f7; padding: .3rem; margin: .3rem 0; }
"""

SCRIPT = r"""
(function () {
  const STORE = "malrapport-review:" + document.body.dataset.page;
  const earlier = JSON.parse(document.getElementById("earlier").textContent);
  let decisions = {};
  let url = null;

  function keyOf(entry, what) {
    return [entry.report_id, entry.table, entry.goal_ordinal, entry.activity_ordinal || "",
            what].join("|");
  }
  function load() {
    const kept = localStorage.getItem(STORE);
    if (kept !== null) { try { decisions = JSON.parse(kept); return; } catch (e) { } }
    decisions = {};
    for (const e of earlier) decisions[keyOf(e, e.field || "confirm")] = e;
  }
  function save() {
    localStorage.setItem(STORE, JSON.stringify(decisions));
    if (document.body.dataset.serve && location.protocol.startsWith("http")) post();
  }
  let posting = Promise.resolve();
  function post() {  // malrapport review --serve: the server writes the file
    const body = JSON.stringify(list());
    const shown = document.getElementById("saved");
    posting = posting.then(() => fetch("/decisions", {method: "POST", body: body,
        headers: {"Content-Type": "application/json"}}))
      .then(r => r.json().then(v => {
        shown.textContent = r.ok ? "sparat i " + v.file : "inte sparat: " + v.error;
        shown.dataset.saved = r.ok ? String(v.saved) : "";
      }))
      .catch(e => { shown.textContent = "inte sparat: " + e; shown.dataset.saved = ""; });
    window.malrapportSaving = posting;
  }
  function list() {
    return Object.keys(decisions).sort().map(k => decisions[k]);
  }
  window.malrapportDecisions = list;

  function valueOf(el) {
    const v = el.value.trim();
    return v === "" ? null : v;
  }
  function original(el) {
    return el.hasAttribute("data-original") ? el.getAttribute("data-original") : null;
  }
  function refresh() {
    for (const item of document.querySelectorAll(".item.row")) {
      const id = JSON.parse(item.dataset.identity);
      let edited = false;
      for (const el of item.querySelectorAll("[data-field]")) {
        const on = keyOf(id, el.dataset.field) in decisions;
        el.closest("label").classList.toggle("changed", on);
        edited = edited || on;
      }
      const confirmed = keyOf(id, "confirm") in decisions;
      item.classList.toggle("confirmed", confirmed);
      item.classList.toggle("edited", edited);
      item.querySelector(".state").textContent = confirmed ? "Bekräftad" : "";
      item.querySelector("button.confirm").textContent =
        confirmed ? "Ångra bekräftelse" : "Bekräfta raden";
    }
    const n = Object.keys(decisions).length;
    document.getElementById("count").textContent = n + (n === 1 ? " beslut" : " beslut");
    const link = document.getElementById("download");
    if (url) URL.revokeObjectURL(url);
    url = URL.createObjectURL(new Blob([JSON.stringify(list(), null, 1) + "\n"],
                                       {type: "application/json"}));
    link.href = url;
  }
  function onChange(ev) {
    const el = ev.target;
    if (!el.dataset || !el.dataset.field) return;
    const item = el.closest(".item.row");
    const id = JSON.parse(item.dataset.identity);
    const key = keyOf(id, el.dataset.field);
    const value = valueOf(el);
    if (value === null && el.hasAttribute("data-required")) {  // a title is never empty
      const o = original(el); el.value = o === null ? "" : o;
    }
    if (value === original(el) || (value === null && el.hasAttribute("data-required")))
      delete decisions[key];
    else decisions[key] = Object.assign({}, id, {field: el.dataset.field, value: value});
    save(); refresh();
  }
  function onConfirm(ev) {
    const button = ev.target.closest("button.confirm");
    if (!button) return;
    const id = JSON.parse(button.closest(".item.row").dataset.identity);
    const key = keyOf(id, "confirm");
    if (key in decisions) delete decisions[key];
    else decisions[key] = Object.assign({}, id, {action: "confirm"});
    save(); refresh();
  }
  function restore() {  // the decisions kept show in the controls
    for (const item of document.querySelectorAll(".item.row")) {
      const id = JSON.parse(item.dataset.identity);
      for (const el of item.querySelectorAll("[data-field]")) {
        const d = decisions[keyOf(id, el.dataset.field)];
        if (d) el.value = d.value === null ? "" : d.value;
      }
    }
  }
  load(); restore(); refresh();
  document.addEventListener("change", onChange);
  document.addEventListener("click", onConfirm);
  document.getElementById("clear").addEventListener("click", function () {
    if (!confirm("Ta bort alla beslut på den här sidan?")) return;
    decisions = {}; save();
    for (const el of document.querySelectorAll("[data-field]")) {
      const o = original(el); el.value = o === null ? "" : o;
    }
    refresh();
  });
})();
"""


def page_id(outdir: Path, views: list[ReportView]) -> str:
    """The page's key in localStorage: its folder and reports."""
    text = str(Path(outdir).resolve()) + "\n" + "\n".join(v.report_id for v in views)
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def render_page(views: list[ReportView], outdir: Path, earlier: list[dict] | None = None,
                serve: Path | None = None) -> str:
    """The page; with ``serve`` (the decisions file of ``--serve``) it also posts every
    decision to its server."""
    rows = sum(1 for v in views for i in v.items if i.kind != "warning")
    warnings = sum(v.warnings for v in views)
    nav = "".join(f'<li><a href="#r-{i}">{escape(v.title)}</a> — {_counts(v)}</li>'
                  for i, v in enumerate(views))
    body = "".join(_report(i, v) for i, v in enumerate(views))
    earlier_json = json.dumps(earlier or [], ensure_ascii=False).replace("</", "<\\/")
    return f"""<!DOCTYPE html>
<html lang="sv"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Granskning – {escape(str(outdir))}</title>
<style>{CSS}</style></head>
<body data-page="{page_id(outdir, views)}"{' data-serve="1"' if serve else ""}>
<header><h1>Granskning</h1>
<span class="meta">{len(views)} rapporter · {rows} rader att granska · {warnings} varningar ·
<code>{escape(str(outdir))}</code></span>
<span id="count">0 beslut</span>
<a id="download" class="button" download="corrections.json" href="#">Ladda ner besluten (corrections.json)</a>
<button id="clear" class="plain" type="button">Töm</button>
<span id="saved" class="meta">{escape(f"sparas i {serve}") if serve else ""}</span></header>
<main>
<p>De minst säkra raderna först, med sidan de lästes från. Ändra ett fält eller bekräfta en rad;
besluten sparas i webbläsaren och laddas ner som <code>corrections.json</code>, som
<code>malrapport extract … --corrections corrections.json</code> använder vid varje ny extrahering.</p>
<nav><ul>{nav}</ul></nav>
{body}
</main>
<script type="application/json" id="earlier">{earlier_json}</script>
<script>{SCRIPT}</script>
</body></html>
"""


def _counts(v: ReportView) -> str:
    shown = sum(1 for i in v.items if i.kind != "warning")
    return f"{shown} av {v.rows} rader, {v.warnings} varningar"


def _report(index: int, v: ReportView) -> str:
    note = f'<p class="note pdf-note">{escape(v.pdf_note)}</p>' if v.pdf_note else ""
    more = (f'<p class="note">{v.more_warnings} varningar till finns i tabellen warnings.</p>'
            if v.more_warnings else "")
    items = "".join(_item(i) for i in v.items) or "<p>Inget att granska.</p>"
    return (f'<section class="report" id="r-{index}" data-report-id="{escape(v.report_id)}">'
            f"<h2>{escape(v.title)}</h2>"
            f'<p class="source"><code>{escape(v.source_file)}</code> · '
            f"<code>{escape(v.report_id[:16])}…</code> · {_counts(v)}</p>"
            f"{note}{items}{more}</section>")


def _crop(item: Item) -> str:
    if item.image:
        caption = f'<div class="caption">{escape(item.image_note)}</div>' if item.image_note else ""
        return f'<div class="crop"><img alt="sidan {item.page}" src="{item.image}">{caption}</div>'
    why = item.image_note or "ingen bild"
    return f'<div class="crop"><p class="none">sidan {item.page or "?"}: {escape(why)}</p></div>'


def _item(item: Item) -> str:
    if item.kind == "warning":
        text = item.fields.get("text")
        return (f'<div class="item warning" data-kind="{escape(item.warning_kind or "")}">'
                f"{_crop(item)}<div class=\"fields\">"
                f'<div class="head"><span class="kind">{KIND_LABEL["warning"]}</span>'
                f"{escape(item.warning_kind or '')} · sidan {item.page or '–'}</div>"
                f"<div>{escape(item.message or '')}</div>"
                + (f'<pre class="text">{escape(str(text))}</pre>' if text else "")
                + "</div></div>")
    names = GOAL_FIELDS if item.kind == "goal" else ACTIVITY_FIELDS
    confidence = item.confidence if item.confidence is not None else 1.0
    level = "low" if confidence < 0.7 else "mid" if confidence < 0.9 else ""
    reasons = "".join(f"<code>{escape(r)}</code>" for r in item.reasons) or "inga"
    where = (f"mål {item.identity['goal_ordinal']}" if item.kind == "goal" else
             f"mål {item.identity['goal_ordinal']}, aktivitet {item.identity['activity_ordinal']}")
    controls = "".join(_control(name, item.fields.get(name)) for name in names)
    identity = escape(json.dumps(item.identity, ensure_ascii=False), quote=True)
    reviewed = " · granskad" if item.source == "review" else ""
    return (f'<div class="item row {level}" data-kind="{item.kind}" data-identity="{identity}">'
            f"{_crop(item)}<div class=\"fields\">"
            f'<div class="head"><span class="kind">{KIND_LABEL[item.kind]}</span>{where} · '
            f'sidan {item.page or "–"}{reviewed}</div>'
            f'<div class="conf">säkerhet <b>{confidence:.2f}</b></div>'
            f'<div class="reasons">skäl: {reasons}</div>'
            f"{controls}"
            f'<div class="actions"><button class="confirm" type="button">Bekräfta raden</button>'
            f'<span class="state"></span></div></div></div>')


def _control(name: str, value) -> str:
    original = "" if value is None else f' data-original="{escape(str(value), quote=True)}"'
    shown = "" if value is None else escape(str(value))
    label = escape(FIELD_LABEL.get(name, name))
    required = " data-required" if name in NEVER_NULL else ""
    if name in CHOICES:
        choices = CHOICES[name]
        opts = ([] if required else ['<option value="">–</option>']) + [
            f'<option value="{escape(k)}"{" selected" if k == value else ""}>{escape(v)}</option>'
            for k, v in choices.items()]
        if value is not None and value not in choices:
            opts.append(f'<option value="{shown}" selected>{shown}</option>')
        control = f'<select data-field="{name}"{original}{required}>{"".join(opts)}</select>'
    elif name in LONG:
        rows = 3 if name != "title" else 2
        control = (f'<textarea data-field="{name}" rows="{rows}"{original}{required}>'
                   f"{shown}</textarea>")
    elif name in DATES:
        control = f'<input type="date" data-field="{name}" value="{shown}"{original}>'
    else:
        control = f'<input type="text" data-field="{name}" value="{shown}"{original}>'
    return f"<label><span>{label}</span>{control}</label>"
