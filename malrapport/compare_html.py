"""The comparison as one self-contained HTML page: inline CSS, inline SVG, no
scripts and nothing fetched, so it opens offline and prints (A4 landscape).

The Swedish labels, colours and order of the status and assessment keys are the
``labels`` table's (``malrapport.schemas.labels``); only what is the page's own is
written here: the short cell texts, what the legend explains, and ``no_status``
(an activity without a status, which is no key of the schema)."""
from __future__ import annotations

from html import escape
from pathlib import Path

from malrapport.compare import Series, Worsened, YearChange
from malrapport.schemas import labels

ASSESSMENT_LABEL = labels.ASSESSMENT_LABEL
ASSESSMENT_COLOR = labels.ASSESSMENT_COLOR
STATUS_LABEL = labels.STATUS_LABEL | {"no_status": "Utan status"}
# Stacking order of the status chart, bottom up: the labels order, then no status.
STATUS_ORDER = (*labels.STATUS_ORDER, "no_status")
STATUS_COLOR = labels.STATUS_COLOR | {"no_status": "#e3e3e3"}
CELL_TEXT = {"uppfyllt": "Uppfyllt", "delvis_uppfyllt": "Delvis", "knappt_uppfyllt": "Knappt",
             "ej_uppfyllt": "Ej uppfyllt", "saknas": "Saknas"}
# What an assessment means, where its label alone does not say it.
ASSESSMENT_NOTE = {"saknas": "rapporten anger att bedömning saknas"}
NO_ASSESSMENT = "ingen bedömning angiven"  # the grey "–" cell: no assessment printed at all
NONE_COLOR = "#f7f7f7"
LEVEL_LABEL = {"kf": "KF", "ks": "KS", "ekonomi": "Ekonomi", "namnd": "Nämnd"}

CSS = """
* { -webkit-print-color-adjust: exact; print-color-adjust: exact; box-sizing: border-box; }
body { font: 14px/1.45 system-ui, "DejaVu Sans", Arial, sans-serif; color: #1d1d1d;
       margin: 0 auto; padding: 1.5rem; max-width: 90rem; }
h1 { font-size: 1.6rem; margin: 0 0 .3rem; }
h2 { font-size: 1.3rem; margin: 2.2rem 0 .4rem; border-bottom: 2px solid #333; }
h3 { font-size: 1.05rem; margin: 1.4rem 0 .4rem; }
p.meta, p.note { color: #555; margin: .2rem 0; }
nav ul { margin: .4rem 0; padding-left: 1.2rem; }
code { font-family: "DejaVu Sans Mono", monospace; font-size: .8em; color: #666; }
.legend { display: flex; flex-wrap: wrap; gap: .3rem 1rem; margin: .3rem 0 .6rem;
          padding: 0; list-style: none; font-size: .9em; }
.swatch { display: inline-block; width: .9em; height: .9em; margin-right: .3em;
          vertical-align: -.1em; border: 1px solid #0003; }
table { border-collapse: collapse; }
table.grid { width: 100%; }
table.grid th, table.grid td { border: 1px solid #cfcfcf; padding: .25rem .45rem; }
table.grid thead th { background: #f1f1f1; font-weight: 600; white-space: nowrap;
                      position: sticky; top: 0; }
table.grid th.goal { font-weight: normal; text-align: left; min-width: 18rem; }
.num { font-variant-numeric: tabular-nums; font-weight: 600; margin-right: .35em; }
td.cell { text-align: center; min-width: 5.6rem; font-size: .85em; white-space: nowrap; }
@ASSESSMENT_CELLS@
td.a-none { background: @NONE_COLOR@; color: #777; }
td.absent { background: repeating-linear-gradient(45deg, #fff, #fff 4px, #f0f0f0 4px, #f0f0f0 8px); }
.level { display: inline-block; min-width: 2.6em; font-size: .72em; font-weight: 700;
         padding: 0 .3em; margin-right: .4em; border-radius: 3px; text-align: center;
         background: #e7e7e7; color: #333; }
.level-kf { background: #27496d; color: #fff; }
.level-ekonomi { background: #6b4c9a; color: #fff; }
table.list { width: 100%; font-size: .92em; }
table.list th, table.list td { border-bottom: 1px solid #ddd; padding: .25rem .4rem;
                               text-align: left; vertical-align: top; }
.status { white-space: nowrap; }
.goal-of { color: #666; font-size: .85em; }
.arrow { color: #b03030; font-weight: 700; }
ul.changes { margin: .2rem 0 .6rem; padding-left: 1.2rem; }
del { color: #8a2b2b; } ins { color: #1e6b34; text-decoration: none; }
svg text { font: 11px system-ui, "DejaVu Sans", Arial, sans-serif; fill: #333; }
@page { size: A4 landscape; margin: 12mm; }
@media print {
  body { padding: 0; max-width: none; font-size: 9pt; }
  nav { display: none; }
  section.series + section.series { break-before: page; }
  table.grid thead th { position: static; }
  tr, svg, .legend, h3 { break-inside: avoid; }
  h3 { break-after: avoid; }
}
"""


def _text_on(background: str) -> str:
    """White text where it stands out enough (WCAG contrast 3:1), else near-black."""
    def channel(c: int) -> float:
        c /= 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4
    r, g, b = (int(background.lstrip("#")[i:i + 2], 16) for i in (0, 2, 4))
    lum = 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b)
    return "#fff" if 1.05 / (lum + 0.05) >= 3 else "#1d1d1d"


CSS = (CSS.replace("@NONE_COLOR@", NONE_COLOR)
       .replace("@ASSESSMENT_CELLS@", "\n".join(
           f"td.a-{key} {{ background: {color}; color: {_text_on(color)}; }}"
           for key, color in ASSESSMENT_COLOR.items())))


def render_page(series: list[Series], outdir: Path) -> str:
    n_reports = sum(len(s.columns) for s in series)
    n_goals = sum(len(s.goals) for s in series)
    parts = [
        "<!doctype html>", '<html lang="sv">', "<head>", '<meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        "<title>Jämförelse av mål och aktiviteter – malrapport</title>",
        f"<style>{CSS}</style>", "</head>", "<body>",
        "<header><h1>Jämförelse av mål och aktiviteter</h1>",
        f'<p class="meta">{n_reports} rapporter, {n_goals} mål, ur '
        f"<code>{escape(str(outdir))}</code>. Samma mål följs över perioder och år med "
        "<code>goal_key</code>; tabellen <code>comparison/</code> har samma uppgifter.</p>",
    ]
    if len(series) > 1:
        parts.append("<nav><ul>" + "".join(
            f'<li><a href="#s{i}">{escape(_series_name(s))}</a></li>'
            for i, s in enumerate(series, 1)) + "</ul></nav>")
    parts.append("</header>")
    if not series:
        parts.append('<p class="note">Inga rapporter i mappen.</p>')
    for i, s in enumerate(series, 1):
        parts.append(_section(i, s))
    parts += ["</body>", "</html>", ""]
    return "\n".join(parts)


def _series_name(s: Series) -> str:
    return " · ".join(x for x in (s.municipality or "Okänd kommun", s.body) if x)


def _section(i: int, s: Series) -> str:
    return "\n".join([
        f'<section class="series" id="s{i}">', f"<h2>{escape(_series_name(s))}</h2>",
        "<h3>Bedömning per mål och period</h3>", _assessment_legend(), _grid(i, s),
        "<h3>Aktiviteternas status per period</h3>", _status_chart(s), _status_legend(),
        "<h3>Aktiviteter vars status blivit sämre</h3>", _worsened(s),
        "<h3>Mål som tillkommit, försvunnit eller omformulerats</h3>", _changes(s),
        "</section>"])


def _assessment_label(key: str) -> str:
    """The assessment's label, with what it means where the label alone does not say."""
    label = ASSESSMENT_LABEL.get(key, key)
    return f"{label} ({ASSESSMENT_NOTE[key]})" if key in ASSESSMENT_NOTE else label


def _assessment_legend() -> str:
    items = [f'<li><span class="swatch" style="background:{ASSESSMENT_COLOR[k]}"></span>'
             f"{escape(_assessment_label(k))}</li>" for k in ASSESSMENT_COLOR]
    items.append(f'<li><span class="swatch" style="background:{NONE_COLOR}"></span>'
                 f"– {escape(NO_ASSESSMENT)}</li>")
    items.append('<li><span class="swatch" style="background:repeating-linear-gradient('
                 '45deg,#fff,#fff 2px,#ddd 2px,#ddd 4px)"></span>målet finns inte i rapporten</li>')
    return '<ul class="legend">' + "".join(items) + "</ul>"


def _grid(i: int, s: Series) -> str:
    head = "".join(f'<th class="col" scope="col" title="{escape(c.source_file or "")}">'
                   f"{escape(c.label)}</th>" for c in s.columns)
    rows = []
    for line in s.goals:
        level = line.level or ""
        cells = []
        for col, cell in zip(s.columns, line.cells):
            if cell is None:
                cells.append(f'<td class="cell absent" title="{escape(col.label)}: finns inte"></td>')
                continue
            a = cell["assessment"]
            known = a in ASSESSMENT_COLOR
            cls = f"a-{a}" if known else "a-none"
            text = (CELL_TEXT.get(a) or ASSESSMENT_LABEL[a]) if known else "–"
            tip = (f'{col.label} · {cell["number"] or ""} {cell["title"] or ""} · '
                   f'{_assessment_label(a) if known else NO_ASSESSMENT}')
            if cell["n_activities"]:
                tip += f' · {cell["n_activities"]} aktiviteter'
            cells.append(f'<td class="cell {cls}" data-assessment="{escape(a or "")}" '
                         f'title="{escape(tip)}">{escape(text)}</td>')
        number = f'<span class="num">{escape(line.number)}</span>' if line.number else ""
        rows.append(
            f'<tr data-goal-key="{escape(line.goal_key)}"><th class="goal" scope="row" '
            f'title="{escape(line.goal_key)}">'
            f'<span class="level level-{escape(level)}">{escape(LEVEL_LABEL.get(level, level))}'
            f"</span>{number}{escape(line.title or '')}</th>{''.join(cells)}</tr>")
    return (f'<table class="grid" id="grid-{i}"><thead><tr><th scope="col">Mål</th>{head}'
            f"</tr></thead><tbody>{''.join(rows)}</tbody></table>")


def _status_chart(s: Series) -> str:
    bar, gap, left, top, height, bottom = 46, 30, 36, 16, 190, 34
    width = left + len(s.columns) * (bar + gap) + 10
    peak = max([sum(c.values()) for c in s.status_counts] + [1])
    step = _tick_step(peak)
    top_value = -(-peak // step) * step
    scale = height / top_value
    out = [f'<svg class="chart" xmlns="http://www.w3.org/2000/svg" width="{width}" '
           f'height="{top + height + bottom}" viewBox="0 0 {width} {top + height + bottom}" '
           f'role="img" aria-label="Aktiviteternas status per period">']
    for v in range(0, top_value + 1, step):
        y = top + height - v * scale
        out.append(f'<line x1="{left - 4}" x2="{width - 6}" y1="{y:.1f}" y2="{y:.1f}" '
                   f'stroke="{"#999" if v == 0 else "#e4e4e4"}" stroke-width="1"/>'
                   f'<text x="{left - 7}" y="{y + 4:.1f}" text-anchor="end">{v}</text>')
    for n, (col, counts) in enumerate(zip(s.columns, s.status_counts)):
        x = left + gap / 2 + n * (bar + gap)
        y = top + height
        for status in STATUS_ORDER:
            k = counts.get(status, 0)
            if not k:
                continue
            h = k * scale
            y -= h
            out.append(f'<rect class="seg seg-{status}" x="{x:.1f}" y="{y:.1f}" width="{bar}" '
                       f'height="{h:.1f}" fill="{STATUS_COLOR[status]}" stroke="#fff" '
                       f'stroke-width="0.5"><title>{escape(col.label)}: '
                       f"{escape(STATUS_LABEL[status])} {k}</title></rect>")
        total = sum(counts.values())
        out.append(f'<text x="{x + bar / 2:.1f}" y="{y - 4:.1f}" text-anchor="middle">{total}</text>'
                   f'<text x="{x + bar / 2:.1f}" y="{top + height + 16}" text-anchor="middle">'
                   f"{escape(col.label)}</text>")
    out.append("</svg>")
    return "".join(out)


def _tick_step(peak: int) -> int:
    for step in (1, 2, 5, 10, 20, 25, 50, 100, 200, 250, 500, 1000):
        if peak / step <= 6:
            return step
    return 10 ** len(str(peak))


def _status_legend() -> str:
    return '<ul class="legend">' + "".join(
        f'<li><span class="swatch" style="background:{STATUS_COLOR[k]}"></span>'
        f"{escape(STATUS_LABEL[k])}</li>" for k in STATUS_ORDER) + "</ul>"


WORSENED_RULE = ("Varje aktivitet jämförs med samma aktivitet i närmast föregående rapport av "
                 "samma slag och inom samma planår; samma aktivitet i nästa års plan räknas "
                 "som en ny.")


def _worsened(s: Series) -> str:
    if len(s.columns) < 2:
        label = f" ({escape(s.columns[0].label)})" if s.columns else ""
        return f'<p class="note">Bara en rapport{label}: inget att jämföra.</p>'
    if not s.n_report_pairs:
        return ('<p class="note">Ingen rapport har en tidigare rapport av samma slag att '
                "jämföras med: inget att jämföra.</p>")
    if not s.n_compared:
        return ('<p class="note">Ingen aktivitet finns i två rapporter i följd av samma slag '
                "inom samma planår: inget att jämföra.</p>")
    rule = f'<p class="note">{escape(WORSENED_RULE)}</p>'
    if not s.worsened:
        return (f'{rule}<p class="note">Ingen aktivitet fick sämre status '
                f"({s.n_compared} jämförelser).</p>")
    rows = "".join(
        f'<tr data-activity-key="{escape(w.activity_key)}"><td>{escape(w.title)}<br>'
        f'<span class="goal-of">{escape(_goal_name(w))}</span></td>'
        f"<td class=\"status\">{escape(w.before.label)} → {escape(w.after.label)}</td>"
        f"<td class=\"status\">{_status_dot(w.status_before)} <span class=\"arrow\">→</span> "
        f"{_status_dot(w.status_after)}</td></tr>" for w in s.worsened)
    return (f'{rule}<table class="list worsened"><thead><tr><th>Aktivitet (mål)</th>'
            f"<th>Perioder</th><th>Status</th></tr></thead><tbody>{rows}</tbody></table>")


def _goal_name(w: Worsened) -> str:
    return f"{w.goal_number} {w.goal_title}" if w.goal_number else w.goal_title


def _status_dot(status: str) -> str:
    return (f'<span class="swatch" style="background:{STATUS_COLOR.get(status, "#ccc")}"></span>'
            f"{escape(STATUS_LABEL.get(status, status))}")


def _changes(s: Series) -> str:
    if not s.year_changes:
        years = sorted({c.year for c in s.columns if c.year is not None})
        return (f'<p class="note">Bara ett år ({", ".join(map(str, years)) or "okänt"}): '
                "inget att jämföra mellan år.</p>")
    return "\n".join(_change(c) for c in s.year_changes)


def _change(c: YearChange) -> str:
    out = [f"<h4>{c.from_year} → {c.to_year}</h4>"]
    if not (c.appeared or c.disappeared or c.reworded):
        out.append('<p class="note">Samma mål med samma lydelse båda åren'
                   f'{" (av dem som går att jämföra)" if c.not_comparable else ""}.</p>')

    def block(title: str, items: list[str]) -> None:
        if items:
            out.append(f"<p><strong>{title}</strong> ({len(items)})</p>"
                       f'<ul class="changes">{"".join(items)}</ul>')

    def item(key: str, body: str) -> str:
        return f'<li data-goal-key="{escape(key)}">{body}</li>'

    block("Nya mål", [item(k, escape(t)) for k, t in c.appeared])
    block("Borttagna mål", [item(k, escape(t)) for k, t in c.disappeared])
    block("Omformulerade mål", [item(k, f"<del>{escape(old)}</del><br><ins>{escape(new)}</ins>")
                                for k, old, new in c.reworded])
    if c.not_comparable:
        block("Kan inte jämföras", [item(k, f"{escape(t)} (bara {year})")
                                    for k, t, year in c.not_comparable])
        out.append('<p class="note">De här målen finns bara det ena året, och det andra året '
                   "finns varken någon rapport av samma slag eller några mål på samma nivå "
                   "(en uppsiktsrapport har till exempel inga KF-mål): de räknas varken som "
                   "nya eller borttagna.</p>")
    return "\n".join(out)
