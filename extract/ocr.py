"""OCR of one PDF page into the shared ``PageWords`` (``source="ocr"``).

``ocr_page(pdf_path, page_index, options)`` is a module-level function of plain,
picklable arguments: a process pool can run one page per job. Per page:

1. the page image, greyscale (``render.page_image``: the scan's own JPEG when the page
   is a plain scan, else pdfium at ``options.dpi``); pages over ``options.max_pixels``
   raise ``PageTooLarge``. It is the page as displayed: pdfium renders a ``/Rotate``
   page turned (a scan with ``/Rotate`` is never read from its own JPEG), so a page
   whose scan ``/Rotate`` leaves on its side is turned upright by step 4;
2. small skew measured on a 75-100 dpi copy and removed by rotating the text area of
   the image (from 0.3°; smaller skews are removed from the word boxes after OCR, and
   only the text area is cut out: tesseract reads less paper);
3. tesseract (``options.lang``, one thread) → pixel word boxes and confidences;
4. only when that reads badly (few words, a low mean confidence, or most words in
   vertical boxes, which is how tesseract reads a page lying on its side): tesseract's
   orientation detection, and if it says the page is turned by 90, 180 or 270
   degrees, turn it, deskew again and OCR again; the better reading is kept;
5. pixel boxes scaled to PDF points; specks (no letter or digit, confidence < 40)
   dropped; a list bullet read as « or » at the start of a line becomes •.

Coordinates: the words are in the *upright, deskewed* frame of the page, in points,
origin top-left; ``PageWords.width``/``height`` are that frame's size (swapped for a
page that was turned sideways). The skew rotation is about the page centre without
expanding the canvas, so for a scan of a straight original this frame is the
original page's frame; the parser only needs consistent relative positions and
level lines, which this gives. Boxes are not rotated back into the scan's skewed frame.

Font size: tesseract gives no font size. ``size`` is estimated per text line from
the word heights, each divided by the share of the em box its letters reach
(0.93 with ascenders and descenders, 0.72 with ascenders only, 0.73 with
descenders only, 0.52 for x-height letters only; Helvetica/Arial metrics), taking
the line's median. Good to about ±1 pt for body text, enough to tell headings.
"""
from __future__ import annotations

import dataclasses
import math
import os
import re
import statistics
import unicodedata
from dataclasses import dataclass
from pathlib import Path

import pypdfium2 as pdfium
from PIL import Image

from malrapport.extract import bands, pixels, render, tesseract
from malrapport.extract.options import ExtractOptions
from malrapport.extract.render import PageTooLarge, RenderError
from malrapport.extract.tesseract import PixelWord, TesseractError, TesseractNotFound
from malrapport.schemas.words import Mark, PageWords, Rule, Word

__all__ = ["ocr_page", "OcrError", "PageTooLarge", "RenderError", "TesseractError", "TesseractNotFound"]

# a first reading is "bad" (worth orientation detection) when it has fewer words
# than this, or a mean confidence (0-100) below MIN_MEAN_CONF
MIN_WORDS = 8
MIN_MEAN_CONF = 60.0
OSD_MIN_CONFIDENCE = 1.5  # tesseract's orientation confidence needed to turn a page
OSD_DPI = 150  # orientation detection runs on a half-size copy (0.55 s instead of 1 s)
# How often orientation detection ran, for the benchmark (bench/batch.py): counted in
# this process, and one line appended per run to the file this variable names, if set
# (workers are other processes); nothing is said in normal output.
OSD_LOG_ENV = "MALRAPPORT_OSD_LOG"
osd_runs = 0
# From this skew on the image is rotated before OCR; below it only the word boxes are
# (rotating costs ~0.25 s a page: the rotation, and tesseract reads a resampled image
# ~6 % slower; it reads 0.4 % more words right at ±1.5°, none more below 0.3°).
DESKEW_IMAGE_MIN = 0.3
NOISE_CONF = 40.0  # tokens without a letter or digit below this confidence are specks
BULLET_LOOKALIKES = frozenset({"«", "»", "«»", "»«", "•", "·"})

ASCENDING = set("ABCDEFGHIJKLMNOPQRSTUVWXYZÅÄÖÉÜ0123456789bdfhiklt åäöéü!?&%#/()[]{}|\"'§@$")
DESCENDING = set("gjpqy,;()[]{}|")
EM_SHARE = {(True, True): 0.93, (True, False): 0.72, (False, True): 0.73, (False, False): 0.52}


class OcrError(RuntimeError):
    """The page could not be opened for OCR."""


@dataclass(frozen=True)
class _Reading:
    words: tuple[PixelWord, ...]
    note: str
    image_size: tuple[int, int]
    turned: int  # degrees turned clockwise (OSD)
    skew: float
    image_rotated: bool  # True: the image was deskewed; False: the boxes still need it
    rules: tuple[tuple[float, float, float, float], ...] = ()  # px, deskewed frame
    marks: tuple[tuple[tuple[float, float, float, float], pixels.PixelMark], ...] = ()  # same
    marks_in_colour: bool = False  # the marks were read from the scan's colours

    @property
    def mean_conf(self) -> float:
        return statistics.fmean(w.conf for w in self.words) if self.words else 0.0

    @property
    def sideways(self) -> bool:
        """Tesseract reads vertical lines too, giving boxes taller than wide."""
        long = [w for w in self.words if len(w.text) >= 4]
        return bool(long) and sum(w.height > w.width for w in long) > len(long) / 2

    @property
    def good(self) -> bool:
        return len(self.words) >= MIN_WORDS and self.mean_conf >= MIN_MEAN_CONF and not self.sideways

    @property
    def score(self) -> float:
        return sum(w.conf for w in self.words)


def _read(pimg: render.PageImage, options: ExtractOptions, turned: int = 0) -> _Reading:
    """Measure the skew; deskew the text area of the image when it is worth it; OCR.
    Rules and marks come later (``_with_graphics``), for the reading that is kept."""
    small, small_dpi = pimg.preview()
    skew = render.estimate_skew(small, small_dpi)
    offset = (0, 0)
    rotate_image = abs(skew) >= DESKEW_IMAGE_MIN
    ink = render.ink_box(small, pimg.px_size[0] / small.width, margin=round(pimg.dpi / 12))
    if rotate_image:
        region = render.rotated_region(ink, skew, pimg.px_size) if ink else None
        payload, offset = render.deskew(pimg.full(), skew, region)
        pimg.let_go(keep=(DETAIL_DPI,))  # _with_graphics' copy, from the same pixels
    elif ink is not None:  # the text area alone: 3.5 % less recognition than the page
        area = pixels.within(ink, pimg.px_size)
        payload, offset = pimg.full().crop(area), area[:2]
        pimg.let_go(keep=(DETAIL_DPI,))
    else:
        payload = pimg.jpeg if pimg.jpeg is not None else pimg.full()
    result = tesseract.image_to_words(payload, lang=options.lang, dpi=round(pimg.dpi), timeout=options.timeout)
    words = result.words
    if offset != (0, 0):
        words = tesseract.shifted(words, *offset)
    read = (payload, offset) if isinstance(payload, Image.Image) else None
    words = bands.reread(words, pimg, small, skew, rotate_image, read, options)
    return _Reading(words, result.note, pimg.px_size, turned, skew, rotate_image)


def _with_graphics(reading: _Reading, pimg: render.PageImage) -> _Reading:
    """The reading with the rules and marks of the page image it was read from."""
    detail, detail_dpi = pimg.preview(min_dpi=DETAIL_DPI)
    # symbols on a colour scan keep their colours: a traffic light needs no legend then
    in_colour = pimg.colour_preview(DETAIL_DPI)
    coloured, coloured_dpi = in_colour or (detail, detail_dpi)
    paper = pixels.paper_level(detail)
    return dataclasses.replace(
        reading, rules=page_rules(detail, detail_dpi, pimg.px_size, reading.skew, paper),
        marks=page_marks(coloured, coloured_dpi, pimg.px_size, reading.words,
                         reading.image_rotated, reading.skew,
                         paper=None if in_colour else paper),
        marks_in_colour=in_colour is not None)


# Words that mask ink when marks are looked for: real words, not a symbol OCR read as "@".
MASK_MIN_CONF = 60.0
# Rules and marks are looked for on a copy of at least this resolution (a 0.8 pt grey rule
# between table rows, a smiley's mouth).
DETAIL_DPI = 150


def _rotate(x: float, y: float, angle: float, size: tuple[int, int]) -> tuple[float, float]:
    """A point of the skewed image in the deskewed frame (``render.deskew``'s mapping);
    a negative angle maps back."""
    cx, cy = size[0] / 2, size[1] / 2
    a = math.radians(angle)
    cos, sin = math.cos(a), math.sin(a)
    return cos * (x - cx) + sin * (y - cy) + cx, -sin * (x - cx) + cos * (y - cy) + cy


def page_marks(small, small_dpi: float, size: tuple[int, int], words: tuple[PixelWord, ...],
               rotated: bool, skew: float, paper: float | None = None):
    """Symbols of the page (circles, smileys) found where no word is, on a reduced copy
    in the scan's own frame; boxes come back in full-size pixels of the deskewed frame.
    ``paper``: the copy's ``pixels.paper_level``, when the caller has it."""
    scale = small.width / size[0]
    boxes = []
    for w in words:
        if w.conf < MASK_MIN_CONF or sum(c.isalnum() for c in w.text) < 2:
            continue
        x0, y0, x1, y1 = w.left, w.top, w.left + w.width, w.top + w.height
        if rotated and abs(skew) >= render.MIN_SKEW:  # the words are deskewed already
            (x0, y0), (x1, y1) = _rotate(x0, y0, -skew, size), _rotate(x1, y1, -skew, size)
        boxes.append(pixels.PixelBox(int(x0 * scale), int(y0 * scale), int(x1 * scale) + 1,
                                     int(y1 * scale) + 1))
    out = []
    for mark in pixels.find_marks(small, small_dpi, boxes, paper):
        b = mark.box
        cx, cy = (b.x0 + b.x1) / 2 / scale, (b.y0 + b.y1) / 2 / scale
        if abs(skew) >= render.MIN_SKEW:
            cx, cy = _rotate(cx, cy, skew, size)
        hw, hh = (b.x1 - b.x0) / 2 / scale, (b.y1 - b.y0) / 2 / scale
        out.append(((cx - hw, cy - hh, cx + hw, cy + hh), mark))
    return tuple(out)


def page_rules(small, small_dpi: float, size: tuple[int, int], skew: float,
               paper: float | None = None) -> tuple[tuple[float, float, float, float], ...]:
    """Ruling lines of the page, found on its preview, in full-size pixels of the
    deskewed frame (the frame the words end up in). ``paper``: the preview's
    ``pixels.paper_level``, when the caller has it."""
    scale = size[0] / small.width
    out = []
    for box in pixels.find_rules(small, small_dpi, paper):
        x0, y0, x1, y1 = (v * scale for v in (box.x0, box.y0, box.x1, box.y1))
        if abs(skew) >= render.MIN_SKEW:
            horizontal = x1 - x0 >= y1 - y0
            mid = (y0 + y1) / 2 if horizontal else (x0 + x1) / 2
            ends = ((x0, mid), (x1, mid)) if horizontal else ((mid, y0), (mid, y1))
            pts = [_rotate(x, y, skew, size) for x, y in ends]
            half = ((y1 - y0) if horizontal else (x1 - x0)) / 2
            if horizontal:
                ymid = (pts[0][1] + pts[1][1]) / 2
                x0, x1, y0, y1 = pts[0][0], pts[1][0], ymid - half, ymid + half
            else:
                xmid = (pts[0][0] + pts[1][0]) / 2
                x0, x1, y0, y1 = xmid - half, xmid + half, pts[0][1], pts[1][1]
        out.append((x0, y0, x1, y1))
    return tuple(out)


def read_page_image(pimg: render.PageImage, options: ExtractOptions) -> _Reading:
    """OCR a page image; orientation detection only when the first reading is bad."""
    first = _read(pimg, options)
    if first.good:
        return _with_graphics(first, pimg)
    img = pimg.full()
    small = img.reduce(max(1, round(pimg.dpi / OSD_DPI)))
    _count_osd()
    orientation = tesseract.detect_orientation(small, dpi=round(pimg.dpi * small.width / img.width),
                                               timeout=options.timeout)
    if orientation is None or orientation.rotate == 0 or orientation.confidence < OSD_MIN_CONFIDENCE:
        return _with_graphics(first, pimg)
    turned = render.turn(img, orientation.rotate)
    sideways = orientation.rotate in (90, 270)
    turned_pimg = render.PageImage(pimg.dpi, pimg.height if sideways else pimg.width,
                                   pimg.width if sideways else pimg.height, pimg.native, image=turned)
    second = _read(turned_pimg, options, orientation.rotate)
    if (first.sideways and not second.sideways) or second.score > first.score:
        return _with_graphics(second, turned_pimg)
    return _with_graphics(first, pimg)


def _count_osd() -> None:
    global osd_runs
    osd_runs += 1
    path = os.environ.get(OSD_LOG_ENV)
    if path:
        try:
            with open(path, "a", encoding="ascii") as fh:  # one short line: appended whole
                fh.write(f"{os.getpid()}\n")
        except OSError:
            pass


def rotate_boxes(words: tuple[PixelWord, ...], angle: float, size: tuple[int, int]) -> tuple[PixelWord, ...]:
    """Boxes found on the skewed image, moved to where ``render.deskew(img, angle)`` puts
    them: centres rotated about the image centre, width and height shrunk to the
    upright box whose rotated bounding box tesseract saw."""
    cx, cy = size[0] / 2, size[1] / 2
    a = math.radians(angle)
    cos, sin = math.cos(a), math.sin(a)
    den = cos * cos - sin * sin
    out = []
    for w in words:
        x, y = w.left + w.width / 2 - cx, w.top + w.height / 2 - cy
        nx, ny = cos * x + sin * y, -sin * x + cos * y
        bw = (w.width * cos - w.height * abs(sin)) / den
        bh = (w.height * cos - w.width * abs(sin)) / den
        if bh < 0.6 * w.height:  # a long word: its tilt made most of the box height
            bh = 0.6 * w.height
        bw = max(bw, 1.0)
        out.append(dataclasses.replace(w, left=round(nx + cx - bw / 2), top=round(ny + cy - bh / 2),
                                       width=round(bw), height=round(bh)))
    return tuple(out)


def line_size(words: list[PixelWord], pt_per_px: float) -> float:
    """Estimated font size in points of one text line (see the module docstring)."""
    estimates = []
    for w in words:
        chars = set(w.text)
        up, down = bool(chars & ASCENDING), bool(chars & DESCENDING)
        if not any(c.isalnum() for c in w.text):
            continue
        estimates.append(w.height * pt_per_px / EM_SHARE[(up, down)])
    if not estimates:
        estimates = [w.height * pt_per_px / EM_SHARE[(True, False)] for w in words]
    return round(statistics.median(estimates) * 2) / 2


def is_noise(w: PixelWord) -> bool:
    return w.conf < NOISE_CONF and w.text != "•" and not any(c.isalnum() for c in w.text)


def fix_bullet(line: list[PixelWord]) -> list[PixelWord]:
    """A list bullet (•) at the start of a line, which tesseract's swe model reads as
    « or », becomes •; ``«Andelen`` (bullet glued to the word) is split in two."""
    first = line[0]
    if first.text in BULLET_LOOKALIKES:
        return [dataclasses.replace(first, text="•"), *line[1:]]
    if len(first.text) > 2 and first.text[0] in BULLET_LOOKALIKES and first.text[1].isalpha():
        share = max(1, round(first.width / len(first.text)))
        bullet = dataclasses.replace(first, text="•", width=share)
        word = dataclasses.replace(first, text=first.text[1:], left=first.left + share,
                                   width=first.width - share)
        return [bullet, word, *line[1:]]
    return line


NUMBER = re.compile(r"^[-−–]?\d+(?:[ ,.]\d+)?$")
PERCENT_MAX_CONF = 55.0


def fix_percent(line: list[PixelWord]) -> list[PixelWord]:
    """A per cent sign after a figure, which tesseract often reads as a short token it is
    unsure of (``2,0 Wo``, ``68 N``, ``1,4 20``), becomes ``%``: a token of at most three
    characters, read with low confidence, close behind a number."""
    out = list(line)
    for i in range(1, len(out)):
        prev, w = out[i - 1], out[i]
        if (w.conf < PERCENT_MAX_CONF and len(w.text) <= 3 and NUMBER.match(prev.text)
                and 0 <= w.left - (prev.left + prev.width) < 0.8 * max(prev.height, 1)):
            out[i] = dataclasses.replace(w, text="%")
    return out


def to_page_words(reading: _Reading, number: int, width: float, height: float,
                  note: str = "") -> PageWords:
    """Scale a reading's pixel boxes to points in the upright, deskewed page frame."""
    if reading.turned in (90, 270):
        width, height = height, width
    img_w, img_h = reading.image_size
    sx, sy = width / img_w, height / img_h
    pixel_words = reading.words
    if not reading.image_rotated and abs(reading.skew) >= render.MIN_SKEW:
        pixel_words = rotate_boxes(pixel_words, reading.skew, reading.image_size)
    lines: dict[tuple[int, int, int], list[PixelWord]] = {}
    for w in pixel_words:
        lines.setdefault((w.block, w.par, w.line), []).append(w)
    words = []
    for line in lines.values():
        line = [w for w in fix_percent(fix_bullet(line)) if not is_noise(w)]
        if not line:
            continue
        size = line_size(line, sy)
        for w in line:
            text = unicodedata.normalize("NFC", w.text)
            words.append(Word(text, round(w.left * sx, 2), round(w.top * sy, 2),
                              round((w.left + w.width) * sx, 2), round((w.top + w.height) * sy, 2),
                              size=size, bold=False, source="ocr",
                              conf=round(min(max(w.conf / 100.0, 0.0), 1.0), 4)))
    notes = [n for n in (note, reading.note) if n]
    if reading.turned:
        notes.append(f"turned {reading.turned}°")
    if abs(reading.skew) >= render.MIN_SKEW:
        notes.append(f"deskewed {reading.skew:+.2f}°")
    rules = tuple(Rule(round(x0 * sx, 2), round(y0 * sy, 2), round(x1 * sx, 2), round(y1 * sy, 2))
                  for x0, y0, x1, y1 in reading.rules)
    marks = tuple(Mark(round(x0 * sx, 2), round(y0 * sy, 2), round(x1 * sx, 2), round(y1 * sy, 2),
                       "pixels", colour=m.colour, shape=m.shape, thumb=m.thumb, tilt=m.tilt,
                       in_colour=reading.marks_in_colour)
                  for (x0, y0, x1, y1), m in reading.marks)
    return PageWords(number=number, width=width, height=height, words=tuple(words), source="ocr",
                     note="; ".join(notes), rules=rules, marks=marks)


def ocr_page(pdf_path: Path, page_index: int, options: ExtractOptions) -> PageWords:
    """OCR page ``page_index`` (0-based) of ``pdf_path`` → words in points, ``source="ocr"``.

    Raises ``OcrError`` (cannot open the PDF or page), ``PageTooLarge``/``RenderError``,
    ``TesseractNotFound``/``TesseractError``. An empty page or a tesseract timeout is
    not an error: the page comes back without words and with a ``note``.
    """
    try:
        pdf = pdfium.PdfDocument(str(pdf_path), password=options.password)
    except pdfium.PdfiumError as e:
        raise OcrError(f"cannot open {pdf_path}: {e}") from e
    try:
        if not 0 <= page_index < len(pdf):
            raise OcrError(f"{pdf_path} has {len(pdf)} pages, no page index {page_index}")
        page = pdf[page_index]
        try:
            pimg = render.page_image(page, options.dpi, options.max_pixels)
        finally:
            page.close()
    finally:
        pdf.close()
    reading = read_page_image(pimg, options)
    source = f"scan image {pimg.dpi:.0f} dpi" if pimg.native else f"rendered {pimg.dpi:.0f} dpi"
    return to_page_words(reading, page_index + 1, pimg.width, pimg.height, note=source)
