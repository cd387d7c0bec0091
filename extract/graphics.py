"""The drawing of a born-digital page → rules (table borders) and marks (symbols).

pdfium's page objects, read once per page: a thin stroked or filled path is a
rule (a cell border, a line between rows), a stroked rectangle is four; a small
filled path is a mark (a status circle, a coloured square, a trend triangle)
with its fill colour and shape; a small image is a mark with the colour of its
pixels and an 8×8 picture of it. Symbol glyphs of the text layer become marks in
``textlayer``. Everything is in PDF points from the top-left corner of the page's
reading frame (``orientation.PageFrame``), like the words.
"""
from __future__ import annotations

import ctypes

import numpy as np
import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c

from malrapport.extract.orientation import PageFrame, page_box
from malrapport.schemas.words import Mark, Rule

# A rule is at most this thick and at least this long (points).
RULE_THICKNESS = 2.5
RULE_LENGTH = 6.0
# A mark is a filled shape or an image between these sizes (points), roughly square.
MARK_MIN, MARK_MAX = 3.0, 40.0
MARK_ASPECT = 2.2
# Paths and images beyond this many are not looked at (a chart, a map).
MAX_OBJECTS = 5000
THUMB = 8


def page_graphics(page: pdfium.PdfPage, max_objects: int = MAX_OBJECTS,
                  frame: PageFrame | None = None) -> tuple[tuple[Rule, ...], tuple[Mark, ...]]:
    if frame is None:
        frame = PageFrame(0, page_box(page))
    rules: list[Rule] = []
    marks: list[Mark] = []
    seen = 0
    for obj in page.get_objects(max_depth=3):
        kind = obj.type
        if kind not in (pdfium_c.FPDF_PAGEOBJ_PATH, pdfium_c.FPDF_PAGEOBJ_IMAGE):
            continue
        seen += 1
        if seen > max_objects:
            break
        try:
            left, bottom, right, top = obj.get_bounds()
        except pdfium.PdfiumError:
            continue
        x0, y0, x1, y1 = frame.rect(left, bottom, right, top)
        w, h = x1 - x0, y1 - y0
        if kind == pdfium_c.FPDF_PAGEOBJ_PATH:
            _path(obj, x0, y0, x1, y1, w, h, rules, marks, frame)
        elif _mark_sized(w, h):
            mark = _image_mark(obj, x0, y0, x1, y1)
            if mark is not None:
                marks.append(mark)
    return tuple(_unique(rules)), tuple(_unique(marks))


def _unique(items: list) -> list:
    """Writers draw some objects twice (LibreOffice's cell fills): keep each once."""
    seen, out = set(), []
    for item in items:
        key = (type(item), round(item.x0, 1), round(item.top, 1), round(item.x1, 1),
               round(item.bottom, 1))
        if key not in seen:
            seen.add(key)
            out.append(item)
    return out


def _mark_sized(w: float, h: float) -> bool:
    return (MARK_MIN <= w <= MARK_MAX and MARK_MIN <= h <= MARK_MAX
            and max(w, h) <= MARK_ASPECT * min(w, h))


def _colour(getter, raw) -> tuple[int, int, int, int]:
    r, g, b, a = (ctypes.c_uint() for _ in range(4))
    if not getter(raw, r, g, b, a):
        return (0, 0, 0, 0)
    return (r.value, g.value, b.value, a.value)


def _path(obj, x0, y0, x1, y1, w, h, rules: list[Rule], marks: list[Mark],
          frame: PageFrame) -> None:
    raw = obj.raw
    fillmode, stroke = ctypes.c_int(), ctypes.c_int()
    if not pdfium_c.FPDFPath_GetDrawMode(raw, ctypes.byref(fillmode), ctypes.byref(stroke)):
        return
    filled, stroked = fillmode.value != 0, bool(stroke.value)
    if not filled and not stroked:
        return
    fill = _colour(pdfium_c.FPDFPageObj_GetFillColor, raw) if filled else None
    line = _colour(pdfium_c.FPDFPageObj_GetStrokeColor, raw) if stroked else None
    visible = [c for c in (fill, line) if c is not None and c[3] > 0 and min(c[:3]) < 235]
    if min(w, h) <= RULE_THICKNESS and max(w, h) >= RULE_LENGTH:
        if visible:
            rules.append(Rule(x0, y0, x1, y1))
        return
    segments = pdfium_c.FPDFPath_CountSegments(raw)
    if stroked and not filled and w >= RULE_LENGTH and h >= RULE_LENGTH and 4 <= segments <= 6 \
            and _is_rectangle(raw, segments) and line is not None and min(line[:3]) < 235:
        rules.extend(_frame(x0, y0, x1, y1))
        return
    if filled and _mark_sized(w, h) and fill is not None and fill[3] > 0:
        marks.append(Mark(x0, y0, x1, y1, "shape", colour=fill[:3],
                          shape=_shape(obj, raw, segments, frame)))
    elif filled and fill is not None and fill[3] > 0 and min(fill[:3]) < 235 \
            and w >= RULE_LENGTH and h >= RULE_LENGTH and 4 <= segments <= 6 \
            and _is_rectangle(raw, segments):
        # a shaded cell (a header row, a section row): its edges bound the rows and cells
        rules.extend(_frame(x0, y0, x1, y1))


def _frame(x0: float, y0: float, x1: float, y1: float) -> list[Rule]:
    """The four edges of a rectangle (a cell's frame, a shaded band's bounds) as rules."""
    t = min(RULE_THICKNESS, 1.0)
    return [Rule(x0, y0, x1, y0 + t), Rule(x0, y1 - t, x1, y1),
            Rule(x0, y0, x0 + t, y1), Rule(x1 - t, y0, x1, y1)]


def _is_rectangle(raw, segments: int) -> bool:
    for i in range(segments):
        seg = pdfium_c.FPDFPath_GetPathSegment(raw, i)
        if pdfium_c.FPDFPathSegment_GetType(seg) == pdfium_c.FPDF_SEGMENT_BEZIERTO:
            return False
    return True


def _points(obj, raw, segments: int, frame: PageFrame) -> tuple[list[tuple[float, float]], bool]:
    """The path's points in the reading frame with y up (as in PDF), and whether any
    segment is a curve."""
    matrix = obj.get_matrix()
    pts, curved = [], False
    x, y = ctypes.c_float(), ctypes.c_float()
    for i in range(segments):
        seg = pdfium_c.FPDFPath_GetPathSegment(raw, i)
        if pdfium_c.FPDFPathSegment_GetType(seg) == pdfium_c.FPDF_SEGMENT_BEZIERTO:
            curved = True
        if pdfium_c.FPDFPathSegment_GetPoint(seg, ctypes.byref(x), ctypes.byref(y)):
            fx, fy = frame.point(*matrix.on_point(x.value, y.value))
            pts.append((fx, -fy))
    return pts, curved


def _shape(obj, raw, segments: int, frame: PageFrame) -> str:
    """round, square, triangle_up / triangle_down (where its apex points, as the page
    reads), or other."""
    pts, curved = _points(obj, raw, segments, frame)
    if curved:
        return "round"
    distinct = []
    for p in pts:
        if all(abs(p[0] - q[0]) > 0.2 or abs(p[1] - q[1]) > 0.2 for q in distinct):
            distinct.append(p)
    if len(distinct) == 3:
        ys = sorted(p[1] for p in distinct)  # PDF y grows upwards
        # two points share the base; the third is the apex
        return "triangle_up" if abs(ys[0] - ys[1]) < abs(ys[1] - ys[2]) else "triangle_down"
    if len(distinct) == 4:
        return "square"
    return "other"


def _image_mark(obj, x0, y0, x1, y1) -> Mark | None:
    try:
        bitmap = obj.get_bitmap(render=False)
        image = bitmap.to_pil().convert("RGB")
    except (pdfium.PdfiumError, ValueError, OSError, AttributeError):
        return None
    colour = ink_colour(image)
    return Mark(x0, y0, x1, y1, "image", colour=colour, shape="", thumb=thumbnail(image))


def ink_colour(image) -> tuple[int, int, int] | None:
    """The mean colour of a picture's ink: its pixels that are not paper (near white)."""
    small = np.asarray(image.convert("RGB").resize((16, 16))).reshape(-1, 3)
    ink = small[small.min(axis=1) < 225]
    if not len(ink):
        return None
    return tuple(int(round(v)) for v in ink.mean(axis=0))


def thumbnail(image) -> tuple[int, ...]:
    """An 8×8 grey picture, darkest ink 0 and paper 255, for telling shapes apart."""
    grey = image.convert("L").resize((THUMB, THUMB))
    return tuple(int(v) for v in np.asarray(grey).ravel())
