"""Bands printed light on dark (a table's header row on a dark fill): found on the
page image, and turned dark on light so that they can be read again on their own.

Tesseract reads white-on-dark text only through its own inverted second try, and
loses words of it (a goals table's ``Bedömning`` header, and with it the table).
Turning the band in the whole page image instead changes how tesseract cuts the
rest of the page into blocks (rows of the table below it came back shuffled), so
the page is read as it is and each band once more alone (``bands.reread``).

A band is found on a reduced copy of the page: rows holding an unbroken dark run
of an inch or more, together thicker than a rule and thinner than an inch; across
them, the columns that are mostly dark. In the band the fill becomes paper and the
light text dark; the band's ragged edge (anti-aliasing, a slight skew) is whitened
where it joins the band, so that no dark sliver is read as a letter.
"""
from __future__ import annotations

import numpy as np
from PIL import Image

from malrapport.extract.pixels import grey_quantile, within

DARK = 0.55  # darker than this share of the paper's brightness: fill
MIN_RUN_IN = 1.0  # a band row holds an unbroken dark run at least this long
MIN_HEIGHT_IN, MAX_HEIGHT_IN = 0.08, 1.0  # thicker than a rule, thinner than a picture
COLUMN_DARK = 0.3  # a column of the band is at least this share dark ...
BAND_DARK = 0.5  # ... and the band as a whole at least this share
EDGE_IN = 0.06  # how far beyond the band its ragged edge is followed ...
EDGE_GREY = 0.2  # ... through pixels darker than paper by this share of the fill's depth
MARGIN_IN = 0.25  # paper around the cut-out band

Box = tuple[int, int, int, int]  # left, top, right, bottom


def _longest_runs(mask: np.ndarray) -> np.ndarray:
    """The longest run of True in each row of a 2-D boolean array."""
    out = np.zeros(mask.shape[0], dtype=int)
    padded = np.zeros((mask.shape[0], mask.shape[1] + 2), dtype=np.int8)
    padded[:, 1:-1] = mask
    d = np.diff(padded, axis=1)
    for r in np.flatnonzero(mask.any(axis=1)):
        starts, ends = np.flatnonzero(d[r] == 1), np.flatnonzero(d[r] == -1)
        out[r] = int((ends - starts).max())
    return out


def _runs(flags: np.ndarray, bridge: int = 0) -> list[tuple[int, int]]:
    """(start, end) of the runs of True in a 1-D array, gaps up to ``bridge`` closed."""
    idx = np.flatnonzero(flags)
    if not len(idx):
        return []
    breaks = np.flatnonzero(np.diff(idx) > bridge + 1)
    starts = np.concatenate(([idx[0]], idx[breaks + 1]))
    ends = np.concatenate((idx[breaks], [idx[-1]])) + 1
    return list(zip(starts.tolist(), ends.tolist()))


def dark_bands(small: Image.Image, small_dpi: float, scale: float) -> list[Box]:
    """The bands of a reduced page image ``small`` (at ``small_dpi``), as boxes in the
    pixels of the image ``scale`` times its size."""
    a = np.asarray(small)
    dark = a < grey_quantile(a[::4, ::4], 0.9) * DARK  # the paper, from every 16th pixel
    min_run = MIN_RUN_IN * small_dpi
    band_rows = dark.sum(axis=1) >= min_run  # needed for a run that long; cheap
    if band_rows.any():
        band_rows[band_rows] = _longest_runs(dark[band_rows]) >= min_run
    boxes = []
    for y0, y1 in _runs(band_rows):
        if not MIN_HEIGHT_IN * small_dpi <= y1 - y0 <= MAX_HEIGHT_IN * small_dpi:
            continue
        share = dark[y0:y1].mean(axis=0)
        for x0, x1 in _runs(share >= COLUMN_DARK, bridge=2):
            if x1 - x0 >= MIN_RUN_IN * small_dpi and share[x0:x1].mean() >= BAND_DARK:
                boxes.append((int(x0 * scale), int(y0 * scale), round(x1 * scale), round(y1 * scale)))
    return boxes


def _interior(dark: np.ndarray) -> np.ndarray:
    """In each column, the rows from its first dark pixel to its last: the fill and the
    light text in it, not the paper a slightly skewed band leaves in its box's corners."""
    h = dark.shape[0]
    top = np.argmax(dark, axis=0)
    bottom = h - 1 - np.argmax(dark[::-1], axis=0)
    rows = np.arange(h)[:, None]
    return dark.any(axis=0) & (rows >= top) & (rows <= bottom)


def _joined(dark: np.ndarray, inside: np.ndarray, box: Box) -> np.ndarray:
    """Dark pixels outside ``box`` (in the array's own coordinates) joined to ``inside``:
    left and right of it first, then above and below."""
    x0, y0, x1, y1 = box
    h, w = dark.shape
    joined = inside.copy()
    for c in range(x0 - 1, -1, -1):
        joined[:, c] = dark[:, c] & joined[:, c + 1]
    for c in range(x1, w):
        joined[:, c] = dark[:, c] & joined[:, c - 1]
    for r in range(y0 - 1, -1, -1):
        joined[r] = dark[r] & joined[r + 1]
    for r in range(y1, h):
        joined[r] = dark[r] & joined[r - 1]
    joined[y0:y1, x0:x1] = False
    return joined


def lightened(img: Image.Image, box: Box, dpi: float) -> tuple[Image.Image, tuple[int, int]]:
    """The band ``box`` of the grey image ``img`` and its ragged edge, cut out, turned
    dark on light and set on a margin of paper, and where the result's top left corner
    is in ``img``'s pixels (negative where the margin reaches past its edge)."""
    edge = max(2, round(EDGE_IN * dpi))
    x0, y0, x1, y1 = within(box, img.size)
    X0, Y0 = max(0, x0 - edge), max(0, y0 - edge)
    X1, Y1 = min(img.width, x1 + edge), min(img.height, y1 + edge)
    a = np.array(img.crop((X0, Y0, X1, Y1)))
    inner = (x0 - X0, y0 - Y0, x1 - X0, y1 - Y0)
    band = a[inner[1]:inner[3], inner[0]:inner[2]]
    paper = float(np.percentile(a, 95)) if band.size == a.size else float(
        np.percentile(np.concatenate([a[:inner[1]].ravel(), a[inner[3]:].ravel(), [255]]), 50))
    fill = float(np.percentile(band, 30))
    dark = a < (fill + paper) / 2
    in_box = np.zeros_like(dark)
    in_box[inner[1]:inner[3], inner[0]:inner[2]] = True
    inside = _interior(dark & in_box) & in_box
    # the fill (and the band's edge, darker than halfway) becomes paper, the light text dark
    mirrored = np.clip(fill + paper - a.astype(np.int16), 0, 255).astype(np.uint8)
    out = np.where(inside, np.where(dark, np.uint8(round(paper)), mirrored), a)
    out[_joined(a < paper - EDGE_GREY * (paper - fill), inside, inner)] = round(paper)
    # on a margin of paper: tesseract finds no page border in a cut-out this thin
    margin = round(MARGIN_IN * dpi)
    framed = np.full((out.shape[0] + 2 * margin, out.shape[1] + 2 * margin), round(paper), np.uint8)
    framed[margin:margin + out.shape[0], margin:margin + out.shape[1]] = out
    return Image.fromarray(framed), (X0 - margin, Y0 - margin)
