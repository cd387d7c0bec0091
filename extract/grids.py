"""Ruling lines → table grids → cells, and a page's lines into those cells.

A word processor draws a table's cell borders; a publishing tool often draws
only rules between rows. Either way the lines give the rows (bands between
horizontal rules), and the vertical rules, where there are any, the cells of
each band; a band without vertical rules is one cell that the table's header
positions split later. A cell's words stay in their cell however they wrap.

    rules → merge_rules → grid_skeletons → fill_grid (lines → cells)

Tolerances are in points: rules a little apart (a border drawn as two strokes,
a scan's thick line) are one; a rule reaching a little short of another still
meets it. A row rule that a scan broke into pieces is one where its pieces cover
most of the table's width (``_broken_rows``).
"""
from __future__ import annotations

from dataclasses import dataclass

from malrapport.extract.layout import LINE_TOLERANCE, Line
from malrapport.schemas.words import Rule, Word

SNAP = 2.0  # rules closer than this are one
JOIN = 3.0  # a rule ending this close to another one meets it
MIN_BAND = 4.0  # bands thinner than this (a double border) are no row
MIN_TABLE_WIDTH = 60.0
MAX_BAND = 240.0  # rules further apart than this are no rows of one table
BROKEN_COVER = 0.6  # pieces of a row rule (a scan's faint rule) cover this much of the table
BROKEN_GAP = 60.0  # with gaps no wider than this (a faint rule breaks where a skewed scan steps)
BORDERED_SHARE = 0.6  # a table whose rows are mostly crossed by vertical rules is bordered


@dataclass(frozen=True, slots=True)
class Cell:
    x0: float
    x1: float
    lines: tuple[Line, ...]

    @property
    def text(self) -> str:
        return " ".join(l.text for l in self.lines)

    @property
    def words(self) -> list[Word]:
        return [w for l in self.lines for w in l.words]


@dataclass(frozen=True, slots=True)
class Band:
    """One row of a grid: between two horizontal rules."""

    top: float
    bottom: float
    cells: tuple[Cell, ...]  # left to right; one cell when no vertical rule crosses the band
    source: tuple[Line, ...] = ()  # the page's lines that stand in this band
    edges: tuple[float, ...] = ()  # x of its cells' borders, left to right

    @property
    def line_ids(self) -> frozenset[int]:
        return frozenset(id(l) for l in self.source)

    @property
    def lines(self) -> list[Line]:
        return [l for c in self.cells for l in c.lines]

    def split_at(self, line: Line, page: int) -> tuple["Band | None", "Band", "Band | None"]:
        """The band cut around one of its lines: what stands above it, the line's own
        band, what stands below (a table's header row whose rules a scan lost)."""
        above = tuple(l for l in self.source if l.ymid < line.top)
        below = tuple(l for l in self.source if l.ymid > line.bottom)
        own = tuple(l for l in self.source if line.top <= l.ymid <= line.bottom)
        make = lambda y0, y1, ls: _band(y0, y1, list(self.edges), ls, page, []) if ls else None
        return (make(self.top, line.top, above), make(line.top, line.bottom, own),
                make(line.bottom, self.bottom, below))

    @property
    def empty(self) -> bool:
        return not any(c.lines for c in self.cells)


@dataclass(frozen=True, slots=True)
class Grid:
    page: int
    x0: float
    top: float
    x1: float
    bottom: float
    bands: tuple[Band, ...]
    columns: tuple[float, ...]  # x of the vertical rules, left to right ((): rules between rows only)

    @property
    def lines(self) -> list[Line]:
        return [l for b in self.bands for l in b.lines]

    def part(self, start: int, end: int) -> "Grid":
        bands = self.bands[start:end]
        return Grid(self.page, self.x0, bands[0].top, self.x1, bands[-1].bottom, bands, self.columns)

    def with_bands(self, bands) -> "Grid":
        bands = tuple(bands)
        return Grid(self.page, self.x0, bands[0].top, self.x1, bands[-1].bottom, bands, self.columns)

    @property
    def line_ids(self) -> set[int]:
        return {i for b in self.bands for i in b.line_ids}


@dataclass(frozen=True, slots=True)
class _Skeleton:
    x0: float
    x1: float
    ys: tuple[float, ...]  # horizontal rules, top to bottom
    verticals: tuple[Rule, ...]


def merge_rules(rules) -> tuple[list[Rule], list[Rule]]:
    """Horizontal and vertical rules, collinear pieces joined."""
    hs = sorted((r for r in rules if r.horizontal), key=lambda r: (round(r.y), r.x0))
    vs = sorted((r for r in rules if not r.horizontal), key=lambda r: (round(r.x), r.top))
    return _join(hs, horizontal=True), _join(vs, horizontal=False)


def _join(rules: list[Rule], horizontal: bool) -> list[Rule]:
    out: list[Rule] = []
    for r in rules:
        for i, o in enumerate(out):
            if horizontal and abs(o.y - r.y) <= SNAP and r.x0 <= o.x1 + JOIN and r.x1 >= o.x0 - JOIN:
                out[i] = Rule(min(o.x0, r.x0), min(o.top, r.top), max(o.x1, r.x1), max(o.bottom, r.bottom))
                break
            if not horizontal and abs(o.x - r.x) <= SNAP and r.top <= o.bottom + JOIN \
                    and r.bottom >= o.top - JOIN:
                out[i] = Rule(min(o.x0, r.x0), min(o.top, r.top), max(o.x1, r.x1), max(o.bottom, r.bottom))
                break
        else:
            out.append(r)
    return out


def grid_skeletons(rules) -> list[_Skeleton]:
    """Groups of horizontal rules of one table: stacked, of about the same extent, no
    further apart than a tall row, with the vertical rules that run between them.
    Two tables of one width one above the other come out as one group; the header
    rows split them again (``blocks``)."""
    all_hs, vs = merge_rules(rules)
    hs = [h for h in all_hs if h.x1 - h.x0 >= MIN_TABLE_WIDTH]
    groups: list[list[Rule]] = []
    for h in sorted(hs, key=lambda r: r.y):
        for g in groups:
            ref = g[-1]
            same_extent = abs(ref.x0 - h.x0) <= 3 * JOIN and abs(ref.x1 - h.x1) <= 3 * JOIN
            if same_extent and h.y - ref.y <= MAX_BAND:
                g.append(h)
                break
        else:
            groups.append([h])
    # a row rule a scan broke into pieces (a faint grey rule) counts where its pieces
    # cover most of the table's width; its pieces make no table of their own
    whole = [(g, min(h.x0 for h in g), max(h.x1 for h in g)) for g in groups]
    broken: dict[int, list[float]] = {}
    absorbed: set[int] = set()
    for i, (g, x0, x1) in enumerate(whole):
        ys_g = [h.y for h in g]
        found = _broken_rows(all_hs, x0, x1, min(ys_g), max(ys_g), ys_g)
        # and the rows below its last whole rule, one under another
        bottom = max(ys_g)
        while below := _broken_rows(all_hs, x0, x1, bottom, bottom + MAX_BAND, ys_g):
            found.append(below[0])
            bottom = below[0][0]
        broken[i] = [y for y, _pieces in found]
        absorbed.update(id(r) for _y, pieces in found for r in pieces)
    out = []
    for i, (g, x0, x1) in enumerate(whole):
        if all(id(h) in absorbed for h in g):
            continue
        ys = _distinct([h.y for h in g] + broken.get(i, []), MIN_BAND)
        inside = tuple(v for v in vs if x0 - JOIN <= v.x <= x1 + JOIN
                       and v.bottom >= ys[0] - JOIN and v.top <= ys[-1] + JOIN)
        # a row cut by the page's end has no rule under it: its cell borders end there
        bottom = max((v.bottom for v in inside), default=ys[-1])
        if bottom - ys[-1] > MIN_BAND:
            ys.append(bottom)
        if len(ys) < 2:
            continue
        out.extend(_split_unbordered(_Skeleton(x0, x1, tuple(ys), inside)))
    return out


def _broken_rows(hs: list[Rule], x0: float, x1: float, top: float, bottom: float,
                 ys: list[float]) -> list[tuple[float, list[Rule]]]:
    """Rows of a table whose rule a scan broke: at one height between the table's first
    and last rules (and away from its whole rules), pieces of rule inside its extent,
    none further apart than ``BROKEN_GAP``, that cover ``BROKEN_COVER`` of its width."""
    inside = sorted((h for h in hs if x0 - JOIN <= h.x0 and h.x1 <= x1 + JOIN
                     and top + MIN_BAND < h.y < bottom - MIN_BAND
                     and all(abs(h.y - y) > MIN_BAND for y in ys)), key=lambda h: h.y)
    rows: list[list[Rule]] = []
    for h in inside:
        if rows and abs(h.y - rows[-1][0].y) <= SNAP:
            rows[-1].append(h)
        else:
            rows.append([h])
    out = []
    for pieces in rows:
        pieces.sort(key=lambda h: h.x0)
        if any(b.x0 - a.x1 > BROKEN_GAP for a, b in zip(pieces, pieces[1:])):
            continue
        cover = sum(h.x1 - h.x0 for h in pieces)
        if cover >= BROKEN_COVER * (x1 - x0):
            out.append((sum(h.y for h in pieces) / len(pieces), pieces))
    return out


def _split_unbordered(skeleton: _Skeleton) -> list[_Skeleton]:
    """A bordered table's rows all have vertical borders; a band that no vertical rule
    crosses lies between two tables (a word processor's tables one under the other,
    with the text between them). Tables with rules between rows only stay whole."""
    ys = skeleton.ys
    crossed = [any(v.top <= y0 + JOIN and v.bottom >= y1 - JOIN for v in skeleton.verticals)
               for y0, y1 in zip(ys, ys[1:])]
    if not crossed or sum(crossed) < BORDERED_SHARE * len(crossed):
        return [skeleton]
    parts, start = [], 0
    for i, ok in enumerate(crossed):
        if not ok:
            if i > start:
                parts.append(ys[start:i + 1])
            start = i + 1
    if start < len(crossed):
        parts.append(ys[start:])
    return [_Skeleton(skeleton.x0, skeleton.x1, tuple(p), skeleton.verticals) for p in parts
            if len(p) >= 2]


def _distinct(values: list[float], gap: float) -> list[float]:
    """The values, sorted, without those within ``gap`` of the one before (one rule drawn
    twice, or as a thin rectangle)."""
    out: list[float] = []
    for v in sorted(values):
        if not out or v - out[-1] > gap:
            out.append(v)
    return out


def fill_grid(skeleton: _Skeleton, lines: list[Line], page: int) -> Grid:
    """The grid with the page's words in its cells.

    A line whose words all fall inside the grid stands in the band of its middle;
    its words go to the cell their middle falls in, and each cell's words become
    lines again.
    """
    ys = skeleton.ys
    top, bottom = ys[0], ys[-1]
    in_band: list[list[Line]] = [[] for _ in ys[1:]]
    for line in lines:
        if not all(top - 1 <= w.ymid <= bottom + 1 and skeleton.x0 - JOIN <= w.xmid <= skeleton.x1 + JOIN
                   for w in line.words):
            continue
        for b, (y0, y1) in enumerate(zip(ys, ys[1:])):
            if y0 - 1 <= line.ymid < y1 + (1 if b == len(in_band) - 1 else 0):
                in_band[b].append(line)
                break
    bands = []
    columns = _distinct([v.x for v in skeleton.verticals], SNAP)
    for (y0, y1), band_lines in zip(zip(ys, ys[1:]), in_band):
        xs = _distinct([v.x for v in skeleton.verticals if v.top <= y0 + JOIN and v.bottom >= y1 - JOIN],
                       SNAP)
        inner = [x for x in xs if skeleton.x0 + JOIN < x < skeleton.x1 - JOIN]
        edges = [skeleton.x0, *inner, skeleton.x1]
        bands.append(_band(y0, y1, edges, band_lines, page, xs))
    return Grid(page, skeleton.x0, top, skeleton.x1, bottom, tuple(bands),
                tuple(x for x in columns if skeleton.x0 + JOIN < x < skeleton.x1 - JOIN))


def _band(y0: float, y1: float, edges: list[float], lines, page: int, xs: list[float]) -> Band:
    """A band's cells: each word to the cell its middle falls in (borders OCR read as
    letters left out), the cell's words made lines again."""
    words = [w for l in lines for w in l.words if not _is_border(w, xs)]
    cells = []
    for a, b in zip(edges, edges[1:]):
        cell_words = [w for w in words if a <= w.xmid < b or (b == edges[-1] and w.xmid >= b)
                      or (a == edges[0] and w.xmid < a)]
        cells.append(Cell(a, b, tuple(_to_lines(cell_words, page))))
    return Band(y0, y1, tuple(cells), tuple(lines), tuple(edges))


BORDER_GLYPHS = frozenset("|¦‖[]!lI1")


def _is_border(word: Word, xs: list[float]) -> bool:
    """A cell border that OCR read as a letter (``|``, ``l``, ``[``), on a vertical rule."""
    if not word.approximate or not set(word.text) <= BORDER_GLYPHS:
        return False
    return word.text in ("|", "¦", "‖") or any(abs(word.xmid - x) <= SNAP + 1 for x in xs)


def _to_lines(words: list[Word], page: int) -> list[Line]:
    rows: list[list[Word]] = []
    for word in sorted(words, key=lambda w: (w.ymid, w.x0)):
        if rows and abs(word.ymid - rows[-1][0].ymid) <= LINE_TOLERANCE * max(word.height, 1.0):
            rows[-1].append(word)
        else:
            rows.append([word])
    return [Line(tuple(sorted(r, key=lambda w: w.x0)), page) for r in rows]
