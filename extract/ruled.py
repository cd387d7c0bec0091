"""Ruled tables on a page: the grids of rules that hold one of the profile's tables.

A grid is cut into tables at header rows and at rows holding a heading; a grid
at the top of a page whose cells stand where the open table's columns do goes
on with that table.
"""
from __future__ import annotations

from malrapport.extract.blocktypes import TableHeader
from malrapport.extract.grids import Grid, fill_grid, grid_skeletons
from malrapport.extract.headers import grid_header, table_header
from malrapport.extract.layout import Line
from malrapport.extract.profile import Profile
from malrapport.schemas.words import Rule


def page_grids(lines: list[Line], rules: tuple[Rule, ...], page: int, profile: Profile,
                year: int | None, open_header: TableHeader | None):
    """The ruled tables of a page that hold one of the profile's tables: (grid, header
    or None for a continuation, ids of its lines), top to bottom."""
    if not rules or not any(t.ruled for t in profile.tables):
        return []
    out = []
    for skeleton in sorted(grid_skeletons(rules), key=lambda s: s.ys[0]):
        grid = fill_grid(skeleton, lines, page)
        for part, header in _tables_in(grid, profile, year, open_header):
            out.append((part, header, part.line_ids))
            open_header = header or open_header
    return out


def _tables_in(grid: Grid, profile: Profile, year: int | None, open_header: TableHeader | None):
    """The tables a grid of rules holds: each from a header row (or, at the top of the
    grid, rows going on from the table before) up to the next header row, or up to a
    row holding a heading (text larger than the table's): what stands between two
    tables of one width is no row of either."""
    grid = _split_header_bands(grid, profile, year)
    headers = [grid_header(b, profile, year) for b in grid.bands]
    out = []
    start, header = None, None
    if headers and headers[0] is None and open_header is not None and _same_columns(grid, open_header):
        start = 0
    size = open_header.size if open_header else None
    for i, band in enumerate(grid.bands):
        if headers[i] is not None:
            if start is not None and i > start:
                out.append((grid.part(start, i), header))
            start, header, size = i, headers[i], headers[i].size
            continue
        if start is not None and size and any(_larger(l, size) and _wordy(l) for l in band.lines):
            if i > start:
                out.append((grid.part(start, i), header))
            start, header = None, None
    if start is not None and start < len(grid.bands):
        out.append((grid.part(start, len(grid.bands)), header))
    return out


def _split_header_bands(grid: Grid, profile: Profile, year: int | None) -> Grid:
    """A band without vertical rules that holds a header row among other lines (its own
    rules lost: a dark header band on a scan) is cut around the header row."""
    bands = []
    for band in grid.bands:
        if len(band.cells) == 1 and len(band.source) > 1 and grid_header(band, profile, year) is None:
            line = next((l for l in band.source if (h := table_header(l, profile, year)) is not None
                         and h.spec.ruled), None)
            if line is not None:
                bands.extend(b for b in band.split_at(line, grid.page) if b is not None)
                continue
        bands.append(band)
    return grid.with_bands(bands) if len(bands) != len(grid.bands) else grid


def _larger(line: Line, size: float) -> bool:
    """Set larger than a table's header: a heading. OCR's sizes are estimates."""
    ocr = any(w.approximate for w in line.words)
    return line.size > (1.6 if ocr else 1.2) * size


def _wordy(line: Line) -> bool:
    """A line of words (not a symbol glyph drawn large): some word has three letters."""
    return any(sum(c.isalpha() for c in w.text) >= 3 for w in line.words)


def _same_columns(grid: Grid, header: TableHeader) -> bool:
    """A grid continues a table when its cells stand where the table's columns do."""
    cells = grid.bands[0].cells
    if len(cells) == 1:
        return abs(cells[0].x0 - header.columns[0].x0) < 12
    if len(cells) != len(header.columns):
        return False
    return all(abs(c.x0 - h.x0) < 6 for c, h in zip(cells, header.columns))
