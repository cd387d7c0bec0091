"""Family C: the committee interim report (``../shared/LAYOUTS.md``, section C).

    "render": {"renderer": "committee", "engine": "reportlab", ...}

A goal-management system's export for one committee (nämnd): a title page,
prose chapters, then the goals under large ``Målområde: …`` headings, each
council goal as ``Kommunfullmäktiges mål: …`` and the committee's goals as
``Nämndmål: …`` with ``Måluppfyllelse`` (circle + assessment phrase),
``Analys``, an indicator table ``Indikator | Utfall Y-1 | Målvärde Y |
Utfall Y | Trend`` and an activity table ``Aktivitet | Ansvarig | Status |
Klart``.  No heading numbers.  A running footer on every page holds the body,
the title and ``Sida N av M`` (two passes: the first counts the pages).

Render keys read here (all optional except ``chapters``):

- ``style``: fonts (``Helvetica``, ``DejaVuSans``, ``DejaVuSansCondensed``),
  sizes, margins, column starts as fractions of the text width
  (``activity_cols``, ``indicator_cols``), ``num_align`` (``left``: values
  start at their header's x; ``right``: they end where the header ends),
  ``area_new_page``, ``hanging_headings``, ``accent`` colour and the
  ``running`` footer templates (``{body}``, ``{title}``, ``{municipality}``,
  ``{date}``, ``{page}``, ``{total}``).
- ``date`` and ``title_page.lines`` (extra lines under the date).
- ``trend_glyphs``: measure name → arrow, to print ``↑``/``↓`` instead of
  the style's default glyph for its trend key (``↗``, ``→``, ``↘``).
- ``chapters`` in order: ``{"title", "blocks", "blocks_after", "goals",
  "new_page"}``.  The chapter with ``"goals": true`` draws every gold goal,
  opening a ``Målområde`` heading whenever the goal's area changes.  Blocks
  are paragraphs (strings), ``{"heading"}``, ``{"bullets"}`` and
  ``{"table": {"header", "rows", "cols", "align"}, "caption"}`` (a plain
  figures table, e.g. the budget; it is no goal).

The gold is the source of truth: every goal title, comment, activity and
measure is printed from it, word for word (only the line breaks are the
renderer's).  Deterministic: ``Canvas(invariant=1)`` and fixed TTF subsets.
"""
from __future__ import annotations

from pathlib import Path

from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas

from .render import PAGE_H, PAGE_W, check_encodable, sample_canvas, two_passes, wrap

FONT_DIR = Path("/usr/share/fonts/truetype/dejavu")
TTF_FILES = {
    "DejaVuSans": "DejaVuSans.ttf",
    "DejaVuSans-Bold": "DejaVuSans-Bold.ttf",
    "DejaVuSans-Oblique": "DejaVuSans-Oblique.ttf",
    "DejaVuSansCondensed": "DejaVuSansCondensed.ttf",
    "DejaVuSansCondensed-Bold": "DejaVuSansCondensed-Bold.ttf",
    "DejaVuSansCondensed-Oblique": "DejaVuSansCondensed-Oblique.ttf",
}
# regular, bold, italic
FAMILIES = {
    "Helvetica": ("Helvetica", "Helvetica-Bold", "Helvetica-Oblique"),
    "DejaVuSans": ("DejaVuSans", "DejaVuSans-Bold", "DejaVuSans-Oblique"),
    "DejaVuSansCondensed": ("DejaVuSansCondensed", "DejaVuSansCondensed-Bold",
                            "DejaVuSansCondensed-Oblique"),
}
STANDARD_FONTS = {"Helvetica", "Helvetica-Bold", "Helvetica-Oblique"}
SYMBOL_FONT = "DejaVuSans"  # the arrows: Helvetica has none

# printed words by key (LAYOUTS.md, vocabulary across families)
STATUS_LABELS = {
    "avslutad_enligt_plan": "Genomförd",
    "pagaende_enligt_plan": "Påbörjad",
    "ej_paborjad": "Ej påbörjad",
    "pagaende_med_avvikelse": "Försenad",
    "avbruten": "Avbruten",
}
STATUS_COLORS = {
    "avslutad_enligt_plan": (0.18, 0.45, 0.72),
    "pagaende_enligt_plan": (0.32, 0.66, 0.32),
    "ej_paborjad": (0.80, 0.80, 0.80),
    "pagaende_med_avvikelse": (0.96, 0.70, 0.16),
    "avbruten": (0.80, 0.22, 0.20),
}
ASSESSMENT_INTERIM = {
    "uppfyllt": "Målet bedöms uppfyllas",
    "delvis_uppfyllt": "Målet bedöms delvis uppfyllas",
    "ej_uppfyllt": "Målet bedöms inte uppfyllas",
    "saknas": "Bedömning saknas",
}
ASSESSMENT_FULL_YEAR = {
    "uppfyllt": "Målet är uppfyllt",
    "delvis_uppfyllt": "Målet är delvis uppfyllt",
    "ej_uppfyllt": "Målet är inte uppfyllt",
    "saknas": "Bedömning saknas",
}
ASSESSMENT_COLORS = {
    "uppfyllt": (0.30, 0.68, 0.31),
    "delvis_uppfyllt": (0.98, 0.83, 0.20),
    "ej_uppfyllt": (0.84, 0.20, 0.18),
    "saknas": (0.70, 0.70, 0.70),
}
DEFAULT_GLYPHS = {"up": "↗", "flat": "→", "down": "↘"}
ALLOWED_GLYPHS = {"up": {"↑", "↗"}, "flat": {"→"}, "down": {"↓", "↘"}}

DEFAULT_STYLE = {
    "font": "DejaVuSans",
    "size": 9.0,           # body text and table cells
    "small": 8.0,          # comment under an activity row
    "h_chapter": 18.0,
    "h_area": 16.0,
    "h_kf": 12.5,
    "h_namnd": 11.0,
    "h_sub": 11.0,
    "leading": 1.3,
    "margins": [56, 56, 60, 78],  # l, r, t, b
    "accent": [0.10, 0.32, 0.50],
    "header_fill": [0.89, 0.92, 0.95],
    "activity_cols": [0.0, 0.44, 0.69, 0.86],
    "indicator_cols": [0.0, 0.49, 0.63, 0.78, 0.91],
    "num_align": "left",
    "area_new_page": True,
    "chapter_new_page": True,
    "hanging_headings": False,
    "running": {"footer_left": ["{body} – {title}"],
                "footer_right": ["Sida {page} av {total}"], "size": 8},
}

COL_GAP = 8.0


def _register_fonts() -> None:
    registered = set(pdfmetrics.getRegisteredFontNames())
    for name, filename in TTF_FILES.items():
        if name not in registered:
            pdfmetrics.registerFont(TTFont(name, str(FONT_DIR / filename)))


class Report:
    """A cursor moving down the pages; ``y`` is the top of the next line."""

    def __init__(self, canvas: Canvas, gold: dict, total: int):
        self.c = canvas
        self.report = gold["report"]
        self.render = gold.get("render", {})
        self.s = {**DEFAULT_STYLE, **self.render.get("style", {})}
        self.font, self.bold, self.italic = FAMILIES[self.s["font"]]
        self.size = self.s["size"]
        self.total = total
        self.page = 1
        self.repeat = None  # redraws an open table's header row on a new page
        self.y = self.top
        self.full_year = self.report.get("period") == "T3"

    # geometry ---------------------------------------------------------------
    @property
    def left(self) -> float:
        return self.s["margins"][0]

    @property
    def right(self) -> float:
        return PAGE_W - self.s["margins"][1]

    @property
    def width(self) -> float:
        return self.right - self.left

    @property
    def top(self) -> float:
        return PAGE_H - self.s["margins"][2]

    @property
    def bottom(self) -> float:
        return self.s["margins"][3]

    def col(self, fraction: float) -> float:
        return self.left + fraction * self.width

    def lead(self, size: float) -> float:
        return size * self.s["leading"]

    # paging -----------------------------------------------------------------
    def fits(self, height: float) -> bool:
        return self.y - height >= self.bottom

    def ensure(self, height: float) -> None:
        if not self.fits(height):
            self.new_page()

    def new_page(self) -> None:
        self.footer()
        self.c.showPage()
        self.page += 1
        self.y = self.top
        if self.repeat is not None:
            self.repeat()

    def finish(self) -> int:
        self.footer()
        self.c.showPage()
        return self.page

    def skip(self, height: float) -> None:
        self.y = max(self.y - height, self.bottom)

    def footer(self) -> None:
        spec = self.s["running"]
        size = spec.get("size", 8)
        values = {**self.report, "date": self.render.get("date", ""),
                  "page": self.page, "total": self.total}
        foot_y = self.bottom - 30
        c = self.c
        c.setStrokeColorRGB(*self.s["accent"])
        c.setLineWidth(0.6)
        c.line(self.left, foot_y + size + 5, self.right, foot_y + size + 5)
        c.setFillGray(0.3)
        for key, x, draw in (("footer_left", self.left, c.drawString),
                             ("footer_center", (self.left + self.right) / 2,
                              c.drawCentredString),
                             ("footer_right", self.right, c.drawRightString)):
            for i, template in enumerate(spec.get(key, [])):
                c.setFont(self.font, size)
                draw(x, foot_y - i * size * 1.3, self._enc(template.format(**values), self.font))
        c.setFillGray(0)
        c.setStrokeGray(0)

    # text -------------------------------------------------------------------
    @staticmethod
    def _enc(text: str, font: str) -> str:
        return check_encodable(text) if font in STANDARD_FONTS else text

    def text_at(self, x: float, y_top: float, text: str, font: str, size: float,
                rgb=None) -> None:
        """One line whose top is at ``y_top``."""
        if rgb is not None:
            self.c.setFillColorRGB(*rgb)
        self.c.setFont(font, size)
        self.c.drawString(x, y_top - size, self._enc(text, font))
        if rgb is not None:
            self.c.setFillColorRGB(0, 0, 0)

    def line(self, text: str, font: str, size: float, x: float | None = None,
             rgb=None) -> None:
        self.ensure(self.lead(size))
        self.text_at(self.left if x is None else x, self.y, text, font, size, rgb)
        self.y -= self.lead(size)

    def paragraph(self, text: str, font: str | None = None, size: float | None = None,
                  x: float | None = None, width: float | None = None,
                  after: float = 5.0) -> None:
        """Wrapped text, paragraphs split at "\\n"; may break across pages."""
        font = font or self.font
        size = size or self.size
        x = self.left if x is None else x
        width = width or (self.right - x)
        for part in text.split("\n"):
            for ln in wrap(part, font, size, width):
                self.line(ln, font, size, x)
            self.skip(after)

    def heading(self, prefix: str, title: str, size: float, keep: float = 0.0,
                before: float = 10.0, rgb=None) -> None:
        """One bold string ``prefix + title``; continuation flush left or hanging."""
        font = self.bold
        text = prefix + title
        if self.s["hanging_headings"] and prefix:
            gap = stringWidth(prefix, font, size)
            body = wrap(title, font, size, self.width - gap)
            lines = [(0.0, prefix + body[0])] + [(gap, ln) for ln in body[1:]]
        else:
            lines = [(0.0, ln) for ln in wrap(text, font, size, self.width)]
        height = before + len(lines) * self.lead(size) + keep
        if not self.fits(height):
            self.new_page()
        elif self.y < self.top:
            self.skip(before)
        for dx, ln in lines:
            self.text_at(self.left + dx, self.y, ln, font, size, rgb)
            self.y -= self.lead(size)
        self.skip(3)

    def label(self, text: str, keep_lines: int = 1) -> None:
        self.ensure(self.lead(self.size) * (1 + keep_lines))
        self.line(text, self.bold, self.size)
        self.skip(1)

    def dot(self, x: float, y_top: float, size: float, rgb) -> float:
        """A filled circle centred on a text line; returns its width and gap."""
        r = size * 0.38
        self.c.setFillColorRGB(*rgb)
        self.c.setStrokeColorRGB(*(v * 0.75 for v in rgb))
        self.c.setLineWidth(0.5)
        self.c.circle(x + r, y_top - size * 0.62, r, stroke=1, fill=1)
        self.c.setFillColorRGB(0, 0, 0)
        self.c.setStrokeColorRGB(0, 0, 0)
        return 2 * r + size * 0.45

    def rule(self, y: float, gray: float = 0.8, width: float = 0.4) -> None:
        self.c.setStrokeGray(gray)
        self.c.setLineWidth(width)
        self.c.line(self.left, y, self.right, y)
        self.c.setStrokeGray(0)


# tables -----------------------------------------------------------------------
def _table_header(rp: Report, labels: list[str], xs: list[float], size: float):
    def draw() -> None:
        h = rp.lead(size) + 4
        rp.c.setFillColorRGB(*rp.s["header_fill"])
        rp.c.rect(rp.left - 3, rp.y - h, rp.width + 6, h, stroke=0, fill=1)
        rp.c.setFillColorRGB(0, 0, 0)
        for label, x in zip(labels, xs):
            rp.text_at(x, rp.y - 2, label, rp.bold, size)
        rp.y -= h + 3
    return draw


def _fit(lines: list[str], font: str, size: float, width: float, what: str) -> list[str]:
    """Wrapped cell lines; a word wider than its column is a style error."""
    for ln in lines:
        if stringWidth(ln, font, size) > width + 0.01:
            raise ValueError(f"{what}: {ln!r} is wider than its column ({width:.1f} pt)")
    return lines


def _open_table(rp: Report, labels, xs, size, first_row: float) -> None:
    for label, width in zip(labels, _widths(xs, rp.right)):
        _fit([label], rp.bold, size, width, "header")
    draw = _table_header(rp, labels, xs, size)
    rp.ensure(rp.lead(size) + 7 + first_row)
    draw()
    rp.repeat = draw


def _close_table(rp: Report) -> None:
    rp.repeat = None
    rp.skip(8)


def _widths(xs: list[float], right: float) -> list[float]:
    return [(xs[i + 1] if i + 1 < len(xs) else right) - xs[i] - COL_GAP
            for i in range(len(xs))]


def _value_x(rp: Report, value: str, font: str, size: float, col_x: float,
             label: str, width: float) -> float:
    w = stringWidth(value, font, size)
    if w > width + COL_GAP / 2:
        raise ValueError(f"value {value!r} too wide for column {label!r}")
    if rp.s["num_align"] == "right":
        return col_x + stringWidth(label, rp.bold, size) - w
    return col_x


def indicator_table(rp: Report, measures: list[dict]) -> None:
    size = rp.size
    year = rp.report["year"]
    labels = ["Indikator", f"Utfall {year - 1}", f"Målvärde {year}",
              f"Utfall {year}", "Trend"]
    xs = [rp.col(f) for f in rp.s["indicator_cols"]]
    widths = _widths(xs, rp.right)
    glyphs = rp.render.get("trend_glyphs", {})
    _open_table(rp, labels, xs, size, rp.lead(size) * 2)
    for m in measures:
        lines = _fit(wrap(m["name"], rp.font, size, widths[0]), rp.font, size, widths[0], "indicator")
        height = len(lines) * rp.lead(size)
        rp.ensure(height + 3)
        top = rp.y
        for n, ln in enumerate(lines):
            rp.text_at(xs[0], top - n * rp.lead(size), ln, rp.font, size)
        for i, key in ((1, "previous_outcome"), (2, "target"), (3, "outcome")):
            value = m.get(key)
            if value:
                x = _value_x(rp, value, rp.font, size, xs[i], labels[i], widths[i])
                rp.text_at(x, top, value, rp.font, size)
        if m.get("trend"):
            glyph = glyphs.get(m["name"], DEFAULT_GLYPHS[m["trend"]])
            if glyph not in ALLOWED_GLYPHS[m["trend"]]:
                raise ValueError(f"{m['name']}: glyph {glyph} is not a {m['trend']} trend")
            gsize = size + 1.5
            gw = stringWidth(glyph, SYMBOL_FONT, gsize)
            if rp.s["num_align"] == "right":
                x = xs[4] + (stringWidth(labels[4], rp.bold, size) - gw) / 2
            else:
                x = xs[4]
            rp.text_at(x, top + 1, glyph, SYMBOL_FONT, gsize, rp.s["accent"])
        rp.y = top - height - 1
        rp.rule(rp.y)
        rp.skip(3)
    _close_table(rp)


def activity_table(rp: Report, activities: list[dict]) -> None:
    size, small = rp.size, rp.s["small"]
    labels = ["Aktivitet", "Ansvarig", "Status", "Klart"]
    xs = [rp.col(f) for f in rp.s["activity_cols"]]
    widths = _widths(xs, rp.right)
    _open_table(rp, labels, xs, size, rp.lead(size) * 2)
    for act in activities:
        key = act["status"]
        if key not in STATUS_LABELS:
            raise ValueError(f"unknown status key {key!r}")
        icon = size * 0.76 + size * 0.45
        cells = [
            wrap(act["title"], rp.font, size, widths[0]),
            wrap(act["responsible"], rp.font, size, widths[1]) if act.get("responsible") else [],
            wrap(STATUS_LABELS[key], rp.font, size, widths[2] - icon),
            [act["end_date"]] if act.get("end_date") else [],
        ]
        for lines, width, what in zip(cells, (widths[0], widths[1], widths[2] - icon, widths[3]),
                                      labels):
            _fit(lines, rp.font, size, width, what)
        height = max(len(c) for c in cells) * rp.lead(size)
        comment = wrap(act["comment"], rp.italic, small, rp.width * 0.92) \
            if act.get("comment") else []
        rp.ensure(height + (rp.lead(small) + 2 if comment else 0) + 3)
        top = rp.y
        for i, lines in enumerate(cells):
            x = xs[i]
            if i == 2:
                x += rp.dot(x, top, size, STATUS_COLORS[key])
            for n, ln in enumerate(lines):
                rp.text_at(x, top - n * rp.lead(size), ln, rp.font, size)
        rp.y = top - height
        if comment:
            rp.skip(1)
            for ln in comment:
                rp.line(ln, rp.italic, small, rp.left + 6, rgb=(0.25, 0.25, 0.25))
        rp.skip(1)
        rp.rule(rp.y)
        rp.skip(3)
    _close_table(rp)


def figures_table(rp: Report, spec: dict, caption: str | None) -> None:
    """A plain table in a prose chapter (budget, staff figures): no goals."""
    size = rp.size
    xs = [rp.col(f) for f in spec["cols"]]
    align = spec.get("align", ["l"] * len(xs))
    widths = _widths(xs, rp.right)
    header = spec["header"]
    ends = [xs[i] + widths[i] for i in range(len(xs))]

    def cell(i: int, y: float, text: str, font: str) -> None:
        if align[i] == "r":
            rp.c.setFont(font, size)
            rp.c.drawRightString(ends[i], y - size, rp._enc(text, font))
        else:
            rp.text_at(xs[i], y, text, font, size)

    rows = spec["rows"]
    rp.ensure(rp.lead(size) * (len(rows) + 2) + 10)
    h = rp.lead(size) + 4
    rp.c.setFillColorRGB(*rp.s["header_fill"])
    rp.c.rect(rp.left - 3, rp.y - h, rp.width + 6, h, stroke=0, fill=1)
    rp.c.setFillColorRGB(0, 0, 0)
    for i, label in enumerate(header):
        cell(i, rp.y - 2, label, rp.bold)
    rp.y -= h + 3
    for r, row in enumerate(rows):
        font = rp.bold if spec.get("total_row") and r == len(rows) - 1 else rp.font
        for i, text in enumerate(row):
            if text:
                cell(i, rp.y, text, font)
        rp.y -= rp.lead(size)
        rp.rule(rp.y + 1)
        rp.skip(2)
    rp.skip(4)
    if caption:
        rp.paragraph(caption, size=rp.s["small"], after=8)


# document ---------------------------------------------------------------------
def title_page(rp: Report) -> None:
    c, s, report = rp.c, rp.s, rp.report
    c.setFillColorRGB(*s["accent"])
    c.rect(0, PAGE_H - 46, PAGE_W, 46, stroke=0, fill=1)
    c.setFillColorRGB(0, 0, 0)
    rp.y = PAGE_H - 110
    rp.line(report["municipality"], rp.bold, 15)
    rp.y = PAGE_H * 0.60
    for ln in wrap(report["title"], rp.bold, 30, rp.width):
        rp.line(ln, rp.bold, 30, rgb=s["accent"])
    rp.skip(10)
    rp.line(report["body"], rp.font, 17)
    rp.skip(6)
    if rp.render.get("date"):
        rp.line(rp.render["date"], rp.font, 11)
    for extra in rp.render.get("title_page", {}).get("lines", []):
        rp.line(extra, rp.font, 10)
    rp.new_page()


def blocks(rp: Report, items: list) -> None:
    for item in items:
        if isinstance(item, str):
            rp.paragraph(item, after=6)
        elif "heading" in item:
            rp.heading("", item["heading"], rp.s["h_sub"],
                       keep=rp.lead(rp.size) * 3, before=8)
        elif "bullets" in item:
            for text in item["bullets"]:
                for i, ln in enumerate(wrap(text, rp.font, rp.size, rp.width - 16)):
                    rp.ensure(rp.lead(rp.size))
                    if i == 0:
                        rp.text_at(rp.left + 4, rp.y, "•", rp.font, rp.size)
                    rp.line(ln, rp.font, rp.size, rp.left + 16)
                rp.skip(2)
            rp.skip(5)
        elif "table" in item:
            figures_table(rp, item["table"], item.get("caption"))
        else:
            raise ValueError(f"unknown block: {item!r}")


def namnd_goal(rp: Report, g: dict) -> None:
    size = rp.size
    rp.heading("Nämndmål: ", g["title"], rp.s["h_namnd"],
               keep=rp.lead(size) * 3, before=12)
    if g.get("assessment"):
        phrases = ASSESSMENT_FULL_YEAR if rp.full_year else ASSESSMENT_INTERIM
        key = g["assessment"]
        if key not in phrases:
            raise ValueError(f"unknown assessment key {key!r}")
        rp.label("Måluppfyllelse")
        rp.ensure(rp.lead(size))
        dx = rp.dot(rp.left, rp.y, size + 1, ASSESSMENT_COLORS[key])
        rp.text_at(rp.left + dx, rp.y, phrases[key], rp.font, size)
        rp.y -= rp.lead(size)
        rp.skip(5)
    if g.get("comment"):
        rp.label("Analys", keep_lines=2)
        rp.paragraph(g["comment"], after=5)
    if g.get("measures"):
        rp.skip(3)
        indicator_table(rp, g["measures"])
    if g.get("activities"):
        rp.skip(3)
        activity_table(rp, g["activities"])


def goals(rp: Report, gold_goals: list[dict]) -> None:
    s = rp.s
    area = object()
    for n, g in enumerate(gold_goals):
        if g["area"] != area:
            area = g["area"]
            if s["area_new_page"] and n and rp.y < rp.top - 60:
                rp.new_page()
            rp.heading("Målområde: ", area, s["h_area"],
                       keep=rp.lead(s["h_kf"]) * 2 + rp.lead(rp.size) * 3,
                       before=14, rgb=s["accent"])
            rp.skip(4)
        if g["level"] == "kf":
            rp.heading("Kommunfullmäktiges mål: ", g["title"], s["h_kf"],
                       keep=rp.lead(s["h_namnd"]) * 2 + rp.lead(rp.size) * 2,
                       before=12)
        elif g["level"] == "namnd":
            namnd_goal(rp, g)
        else:
            raise ValueError(f"level {g['level']!r} has no place in a committee report")


def chapter(rp: Report, ch: dict, gold: dict, first: bool) -> None:
    s = rp.s
    if not first and ch.get("new_page", s["chapter_new_page"]) and rp.y < rp.top:
        rp.new_page()
    rp.heading("", ch["title"], s["h_chapter"], keep=rp.lead(rp.size) * 3,
               before=18, rgb=s["accent"])
    rp.skip(4)
    blocks(rp, ch.get("blocks", []))
    if ch.get("goals"):
        goals(rp, gold["goals"])
    blocks(rp, ch.get("blocks_after", []))


def _draw(gold: dict, total: int) -> tuple[bytes, int]:
    _register_fonts()
    canvas, buf = sample_canvas(gold, "malrapport.samples.committee")
    rp = Report(canvas, gold, total)
    title_page(rp)
    for i, ch in enumerate(rp.render["chapters"]):
        chapter(rp, ch, gold, first=(i == 0))
    pages = rp.finish()
    canvas.save()
    return buf.getvalue(), pages


def render_pdf(gold: dict) -> bytes:
    return two_passes(_draw, gold)
