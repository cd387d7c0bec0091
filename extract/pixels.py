"""A scanned page's image → rules (table borders) and marks (symbols): the scan's
counterpart of ``graphics``.

Rules are long thin runs of ink: rows (or columns) of a reduced, thresholded copy
of the page are cut into runs of dark pixels; runs that touch from one row to the
next are one line, a line of a slightly skewed scan included (it steps down a row
every few hundred pixels). A line is kept when it is long and stays thin. Where a faint
rule steps from one row to the next its ink is shared by the two rows, each too light
alone; two rows together darker than the rows around them are ink of the rule there
(``_stepped``), else such a rule comes out in pieces.

Marks are blobs of ink of a symbol's size, roughly as wide as tall, where OCR
found no word (or only a word that is no word: ``@``, ``®)``): a coloured circle,
a smiley; smaller, down to ``DOT_MIN_PT``, a solid round dot (a legend's small circle).
Each gets its ink colour (a filled mark's from its middle, clear of the blur at its
edge; grey on a greyscale scan) and an 8×8 picture, so that the report's legend can
tell a smile from a frown.

Boxes come back in the image's pixels; ``ocr`` scales them to points.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from PIL import Image

from malrapport.extract.graphics import thumbnail

INK_MARGIN = 45  # a pixel this much darker than the paper is ink
INK_MAX = 200
RULE_INK_MARGIN = 22
STEP_MARGIN = 30  # two neighbouring rows together this much darker than the rows around: a rule's step
MIN_RULE_PT = 30.0  # a rule is at least this long
MAX_RULE_PT = 3.0  # and at most this thick (on average)
MARK_MIN_PT, MARK_MAX_PT = 6.0, 24.0
MARK_ASPECT = 3.5
# A smaller blob is a mark only when it is a solid dot (a legend's small coloured circle):
# about round, and its middle all ink (a letter OCR missed has a hole or a gap there).
DOT_MIN_PT = 4.5
DOT_ROUND = 1.3
DOT_MIN_FILL = 0.6
SOLID_MIDDLE = 0.85  # a mark whose middle is this much ink is a filled one


@dataclass(frozen=True, slots=True)
class PixelBox:
    x0: int
    y0: int
    x1: int
    y1: int


@dataclass(frozen=True, slots=True)
class PixelMark:
    box: PixelBox
    colour: tuple[int, int, int]
    thumb: tuple[int, ...]
    shape: str
    tilt: float  # where its ink sits, -0.5 (at the top) to 0.5 (at the bottom): an arrow's head


def _ink(img: Image.Image, margin: float = INK_MARGIN, paper: float | None = None) -> np.ndarray:
    """The page's ink: pixels darker than the paper by a margin (the caller hands over a
    reduced copy, on which a thin rule averaged with the paper around it still is)."""
    a = np.asarray(img.convert("L"))
    return a < min(INK_MAX, (_paper(a) if paper is None else paper) - margin)


def paper_level(img: Image.Image) -> float:
    """The paper's grey of a page image (``_paper``): ``find_rules`` and ``find_marks``
    take it when they look at the same image, which then is counted once (4 ms a page
    at 150 dpi)."""
    return _paper(np.asarray(img.convert("L")))


def _paper(a: np.ndarray) -> float:
    """The paper's grey: the 90th percentile of the page's grey levels."""
    return grey_quantile(a, 0.9) if a.size else 255.0


def grey_quantile(a: np.ndarray, q: float) -> float:
    """The ``q`` quantile of an 8-bit grey image's pixels, by histogram (no sort;
    Pillow's histogram of a 2-D array counts ten times as fast as ``np.bincount``:
    3 ms instead of 30 a page at 300 dpi)."""
    if a.dtype == np.uint8 and a.ndim == 2:
        counts = np.cumsum(Image.fromarray(a).histogram())
    else:
        counts = np.bincount(a.ravel(), minlength=256).cumsum()
    return float(np.searchsorted(counts, q * counts[-1]))


def within(box: tuple[int, int, int, int], size: tuple[int, int]) -> tuple[int, int, int, int]:
    """``box`` (left, top, right, bottom) cut to an image of ``size`` (width, height)."""
    return max(0, box[0]), max(0, box[1]), min(size[0], box[2]), min(size[1], box[3])


RUN_CHUNK = 256  # rows looked at together: bounds the temporary arrays


def _runs(mask: np.ndarray, min_len: int, max_len: int | None = None) -> list[tuple[int, int, int]]:
    """(row, start, end) of every run of True at least ``min_len`` (and at most
    ``max_len``) long, row by row."""
    out: list[tuple[int, int, int]] = []
    width = mask.shape[1] + 1
    for r0 in range(0, mask.shape[0], RUN_CHUNK):
        chunk = mask[r0:r0 + RUN_CHUNK]
        padded = np.zeros((chunk.shape[0], chunk.shape[1] + 2), dtype=np.int8)
        padded[:, 1:-1] = chunk
        diff = np.diff(padded, axis=1).ravel()
        starts = np.flatnonzero(diff == 1)
        ends = np.flatnonzero(diff == -1)  # in order: the n-th end closes the n-th start
        lengths = ends - starts
        keep = lengths >= min_len if max_len is None else (lengths >= min_len) & (lengths <= max_len)
        starts, ends = starts[keep], ends[keep]
        out.extend(zip((starts // width + r0).tolist(), (starts % width).tolist(),
                       (ends % width).tolist()))
    return out


def _join_runs(runs: list[tuple[int, int, int]], slack: int) -> list[list[int]]:
    """Runs that touch from one row to the next (overlapping, or ``slack`` pixels apart)
    grouped: the indexes of each group's runs (union-find)."""
    parent = list(range(len(runs)))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    by_row: dict[int, list[int]] = {}
    for i, (r, _s, _e) in enumerate(runs):
        by_row.setdefault(r, []).append(i)
    for i, (r, s, e) in enumerate(runs):
        for j in by_row.get(r + 1, ()):
            if runs[j][1] <= e + slack and runs[j][2] >= s - slack:
                parent[find(i)] = find(j)
    groups: dict[int, list[int]] = {}
    for i in range(len(runs)):
        groups.setdefault(find(i), []).append(i)
    return list(groups.values())


def _lines_from_runs(runs: list[tuple[int, int, int]], max_thick: float, min_len: int
                     ) -> list[tuple[int, int, int, int]]:
    """Runs touching from row to row → lines (x0, y0, x1, y1) long and thin enough."""
    out = []
    for members in _join_runs(runs, slack=2):
        rows = [runs[i][0] for i in members]
        x0 = min(runs[i][1] for i in members)
        x1 = max(runs[i][2] for i in members)
        ink = sum(runs[i][2] - runs[i][1] for i in members)
        if x1 - x0 < min_len or ink / (x1 - x0) > max_thick:
            continue
        out.append((x0, min(rows), x1, max(rows) + 1))
    return out


def find_rules(img: Image.Image, dpi: float, paper: float | None = None) -> list[PixelBox]:
    """Horizontal and vertical ruling lines of a page image, in its pixels. A light grey
    rule between rows is fainter than text: a lower margin over the paper finds it (only
    long runs count, so the text's grey edges do no harm). ``paper``: the image's
    ``paper_level``, when the caller has it."""
    a = np.asarray(img.convert("L"))
    paper = _paper(a) if paper is None else paper
    mask = a < min(INK_MAX, paper - RULE_INK_MARGIN)
    dark = _darkness(a, paper)
    min_len = max(8, int(MIN_RULE_PT / 72 * dpi))
    max_thick = max(2.0, MAX_RULE_PT / 72 * dpi)
    out = []
    across = _stepped(dark, mask, axis=0)
    for x0, y0, x1, y1 in _lines_from_runs(_runs(across, min_len // 3), max_thick, min_len):
        out.append(PixelBox(int(x0), int(y0), int(x1), int(y1)))
    del across
    down = np.ascontiguousarray(_stepped(dark, mask, axis=1).T)  # columns as rows
    for y0, x0, y1, x1 in _lines_from_runs(_runs(down, min_len // 3), max_thick, min_len):
        out.append(PixelBox(int(x0), int(y0), int(x1), int(y1)))
    return out


def _darkness(a: np.ndarray, paper: float) -> np.ndarray:
    """How much darker than the paper each pixel is (0 where it is as light or lighter),
    as int16 so that sums of four rows cannot overflow."""
    level = int(min(255, max(0, paper)))
    return (level - np.minimum(a, level)).astype(np.int16)


def _stepped(dark: np.ndarray, mask: np.ndarray, axis: int) -> np.ndarray:
    """The rule mask with the pixels where a faint rule of a skewed scan steps from one
    row (``axis`` 0; column: 1) to the next: there its ink is shared by two rows, each
    too light alone, but the two together as dark as the rule."""
    out = mask.copy()
    n = dark.shape[axis]
    if n < 4:
        return out
    # rows r and r+1 together, less the rows either side of them: a thin line, not a
    # shaded band (as dark, but as dark above and below); a chunk of rows at a time, so
    # that the temporary sums stay small, and summed in place in one buffer. Columns
    # are taken as they lie in memory, not through a transposed copy.
    buf = np.empty((RUN_CHUNK, dark.shape[1]), dtype=dark.dtype)
    if axis == 0:
        for r0 in range(1, n - 2, RUN_CHUNK):
            r1 = min(n - 2, r0 + RUN_CHUNK)
            ridge = np.add(dark[r0:r1], dark[r0 + 1:r1 + 1], out=buf[:r1 - r0])
            ridge -= dark[r0 - 1:r1 - 1]
            ridge -= dark[r0 + 2:r1 + 2]
            out[r0:r1] |= ridge >= STEP_MARGIN
    else:
        for y0 in range(0, dark.shape[0], RUN_CHUNK):
            d = dark[y0:y0 + RUN_CHUNK]
            ridge = np.add(d[:, 1:n - 2], d[:, 2:n - 1], out=buf[:len(d), :n - 3])
            ridge -= d[:, :n - 3]
            ridge -= d[:, 3:]
            out[y0:y0 + len(d), 1:n - 2] |= ridge >= STEP_MARGIN
    return out


def find_marks(img: Image.Image, dpi: float, words: list[PixelBox],
               paper: float | None = None) -> list[PixelMark]:
    """Blobs of a symbol's size where no word is: circles, smileys, squares. ``paper``:
    the image's ``paper_level``, when the caller has it."""
    mask = _ink(img, paper=paper)
    lo = MARK_MIN_PT / 72 * dpi
    hi = MARK_MAX_PT / 72 * dpi
    covered = np.zeros_like(mask)
    for w in words:
        covered[int(w.y0):int(w.y1) + 1, int(w.x0):int(w.x1) + 1] = True
    ink = mask & ~covered
    out = []
    for x0, y0, x1, y1 in _blobs(ink, max_run=int(hi) + 1):
        w, h = x1 - x0, y1 - y0
        # symbols are about square; an arrow (a trend) may be up to three times as long as wide
        blob = ink[y0:y1, x0:x1]
        if not (max(w, h) >= lo and max(w, h) <= hi and min(w, h) >= lo / 3
                and max(w, h) <= MARK_ASPECT * min(w, h)) and not _is_dot(blob, dpi):
            continue
        fill = blob.mean()
        if fill < 0.12:  # a frame or a thin stroke, not a symbol
            continue
        rows = np.nonzero(blob)[0]
        tilt = float((rows.mean() + 0.5) / h - 0.5) if len(rows) else 0.0
        box = PixelBox(int(x0), int(y0), int(x1), int(y1))
        crop = img.crop((box.x0, box.y0, box.x1, box.y1))
        shape = "square" if fill >= 0.9 else "round" if max(w, h) <= 1.6 * min(w, h) else "long"
        out.append(PixelMark(box, _ink_colour(crop, blob), thumbnail(crop), shape, round(tilt, 3)))
    return out


def _is_dot(blob: np.ndarray, dpi: float) -> bool:
    """A small solid dot: at least ``DOT_MIN_PT`` across, about round, fairly filled, and
    ink all through its middle (a third of its width and height)."""
    h, w = blob.shape
    if not (max(w, h) >= DOT_MIN_PT / 72 * dpi and max(w, h) <= DOT_ROUND * min(w, h)):
        return False
    if blob.mean() < DOT_MIN_FILL:
        return False
    cy, cx, ry, rx = h // 2, w // 2, max(1, h // 6), max(1, w // 6)
    return bool(blob[cy - ry:cy + ry + 1, cx - rx:cx + rx + 1].all())


def _blobs(mask: np.ndarray, max_run: int | None = None) -> list[tuple[int, int, int, int]]:
    """Bounding boxes of the 8-connected blobs of a mask (runs joined row to row); runs
    longer than ``max_run`` (a rule, a shaded band: no symbol) are left out first."""
    runs = _runs(mask, 1, max_run)
    out = []
    for members in _join_runs(runs, slack=0):
        rows = [runs[i][0] for i in members]
        out.append((min(runs[i][1] for i in members), min(rows),
                    max(runs[i][2] for i in members), max(rows) + 1))
    return out


def _ink_colour(crop: Image.Image, blob: np.ndarray | None = None) -> tuple[int, int, int]:
    """The mark's colour. A filled mark (its middle half all but solid ink): the mean of
    its middle, where the scan's blur has not mixed it with the paper around it (a small
    dot's edge is lighter than its fill, and the grey levels of a greyscale scan are all
    there is to tell its symbols apart). Else (a face drawn in lines) the mean of all
    its darker pixels."""
    rgb = np.asarray(crop.convert("RGB"), dtype=np.float32)
    if blob is not None and blob.shape == rgb.shape[:2]:
        h, w = blob.shape
        y0, y1, x0, x1 = h // 4, h - h // 4, w // 4, w - w // 4
        middle = blob[y0:y1, x0:x1]
        if middle.size >= 4 and middle.mean() >= SOLID_MIDDLE:
            return tuple(int(round(v)) for v in rgb[y0:y1, x0:x1][middle].mean(axis=0))
    rgb = rgb.reshape(-1, 3)
    dark = rgb[rgb.min(axis=1) < 225]
    if not len(dark):
        dark = rgb
    return tuple(int(round(v)) for v in dark.mean(axis=0))

