"""Ruling lines → table grids → cells, and a page's lines into those cells.

A word processor draws a table's cell borders; a publishing tool often draws
only rules between rows. Either way the lines give the rows (bands between
horizontal rules), and the vertical rules, where there are any, the cells of
each band; a band without vertical rules is one cell that the table's header
positions split later. A cell's words stay in their cell however they wrap.

    rules → merge_rules → grid_skeletons → fill_grid (lines → cells)

Tolerances are in points: rules a little apart (a border drawn as two strokes,
a scan's thick line) are one; a rule reaching a little short of another still
meets it.
"""
from __future__ import annotations

from dataclasses import dataclass

from malrapport.extract.layout import Line
from malrapport.schemas.words import Rule, Word

SNAP = 2.0  # rules closer than this are one
JOIN = 3.0  # a rule ending this close to another one meets it
MIN_BAND = 4.0  # bands thinner than this (a double border) are no row
MIN_TABLE_WIDTH = 60.0


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

    @property
    def lines(self) -> list[Line]:
        return [l for c in self.cells for l in c.lines]

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
    """Groups of horizontal rules of one table: stacked, of about the same extent,
    with the vertical rules that run between them."""
    hs, vs = merge_rules(rules)
    hs = [h for h in hs if h.x1 - h.x0 >= MIN_TABLE_WIDTH]
    groups: list[list[Rule]] = []
    for h in sorted(hs, key=lambda r: r.y):
        for g in groups:
            ref = g[-1]
            same_extent = abs(ref.x0 - h.x0) <= 3 * JOIN and abs(ref.x1 - h.x1) <= 3 * JOIN
            linked = any(_crosses(v, ref.y, h.y, h.x0, h.x1) for v in vs)
            if same_extent and (linked or not vs):
                g.append(h)
                break
        else:
            groups.append([h])
    out = []
    for g in groups:
        ys = _distinct([h.y for h in g])
        if len(ys) < 2:
            continue
        x0, x1 = min(h.x0 for h in g), max(h.x1 for h in g)
        inside = tuple(v for v in vs if x0 - JOIN <= v.x <= x1 + JOIN
                       and v.bottom >= ys[0] - JOIN and v.top <= ys[-1] + JOIN)
        out.append(_Skeleton(x0, x1, tuple(ys), inside))
    return out


def _crosses(v: Rule, y0: float, y1: float, x0: float, x1: float) -> bool:
    return x0 - JOIN <= v.x <= x1 + JOIN and v.top <= y0 + JOIN and v.bottom >= y1 - JOIN


def _distinct(values: list[float]) -> list[float]:
    out: list[float] = []
    for v in sorted(values):
        if not out or v - out[-1] > MIN_BAND:
            out.append(v)
    return out


def fill_grid(skeleton: _Skeleton, lines: list[Line], page: int) -> tuple[Grid, set[int]]:
    """The grid with the page's words in its cells; the ids of the lines it took whole.

    A line whose words all fall inside the grid is the grid's; its words go to the
    cell their middle falls in, and each cell's words become lines again.
    """
    ys = skeleton.ys
    top, bottom = ys[0], ys[-1]
    taken: set[int] = set()
    words_in: list[Word] = []
    for line in lines:
        inside = [w for w in line.words if top - 1 <= w.ymid <= bottom + 1
                  and skeleton.x0 - JOIN <= w.xmid <= skeleton.x1 + JOIN]
        if inside and len(inside) == len(line.words):
            taken.add(id(line))
            words_in.extend(inside)
    bands = []
    columns = _distinct_x([v.x for v in skeleton.verticals])
    for y0, y1 in zip(ys, ys[1:]):
        xs = _distinct_x([v.x for v in skeleton.verticals if v.top <= y0 + JOIN and v.bottom >= y1 - JOIN])
        inner = [x for x in xs if skeleton.x0 + JOIN < x < skeleton.x1 - JOIN]
        edges = [skeleton.x0, *inner, skeleton.x1]
        cells = []
        band_words = [w for w in words_in if y0 <= w.ymid < y1]
        for a, b in zip(edges, edges[1:]):
            cell_words = [w for w in band_words if a <= w.xmid < b or (b == edges[-1] and w.xmid >= b)
                          or (a == edges[0] and w.xmid < a)]
            cells.append(Cell(a, b, tuple(_to_lines(cell_words, page))))
        bands.append(Band(y0, y1, tuple(cells)))
    grid = Grid(page, skeleton.x0, top, skeleton.x1, bottom, tuple(bands),
                tuple(x for x in columns if skeleton.x0 + JOIN < x < skeleton.x1 - JOIN))
    return grid, taken


def _distinct_x(values: list[float]) -> list[float]:
    out: list[float] = []
    for v in sorted(values):
        if not out or v - out[-1] > SNAP:
            out.append(v)
    return out


def _to_lines(words: list[Word], page: int) -> list[Line]:
    from malrapport.extract.layout import LINE_TOLERANCE

    rows: list[list[Word]] = []
    for word in sorted(words, key=lambda w: (w.ymid, w.x0)):
        if rows and abs(word.ymid - rows[-1][0].ymid) <= LINE_TOLERANCE * max(word.height, 1.0):
            rows[-1].append(word)
        else:
            rows.append([word])
    return [Line(tuple(sorted(r, key=lambda w: w.x0)), page) for r in rows]
