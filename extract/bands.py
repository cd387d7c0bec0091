"""A page's bands printed light on dark, read again on their own.

Tesseract reads the page as it is; where the page image holds a band printed light
on dark (a table's header row on a dark fill: ``inverted.dark_bands``), the band is
cut out, turned dark on light (``inverted.lightened``) and read alone. Its words
replace the page reading's words in the band where they read better: more letters,
weighed by confidence. Turning the bands in the whole page image instead changed
how tesseract cut the rest of the page into blocks, and shuffled the rows of the
table below a band; read alone, a band changes nothing else.
"""
from __future__ import annotations

from PIL import Image

from malrapport.extract import inverted, render, tesseract
from malrapport.extract.options import ExtractOptions
from malrapport.extract.tesseract import PixelWord

Box = inverted.Box

# Around a band found on the reduced page, the full-size image is searched again
# this far (inches) for the band's own edges, in the frame the words are in.
SEARCH_IN = 0.1
SEARCH_REDUCE = 4
# A band is one block of text: read in mode 6 (a uniform block), as the page's own
# mode 3 dropped a header row's first word standing alone at the left ("Mål").
BAND_PSM = 6


def _in_box(w: PixelWord, box: Box) -> bool:
    cx, cy = w.left + w.width / 2, w.top + w.height / 2
    return box[0] <= cx <= box[2] and box[1] <= cy <= box[3]


# A letter read with less confidence than this counts against its reading: light text on
# a dark fill read as it is gives stray letters (the ring of an å read as an ``o`` beside
# ``Mal``), and they must not outweigh the band's own, surer reading (``Mål``).
SURE_CONF = 50.0


def weight(words) -> float:
    """What a reading of a band is worth: its letters and digits, each weighed by how
    much surer than ``SURE_CONF`` its word was read."""
    return sum((w.conf - SURE_CONF) * sum(c.isalnum() for c in w.text) for w in words)


def _overlaps(a: PixelWord, b: PixelWord) -> bool:
    return a.left < b.left + b.width and b.left < a.left + a.width


def replaced(words: tuple[PixelWord, ...], box: Box, again: tuple[PixelWord, ...]
             ) -> tuple[PixelWord, ...]:
    """``words`` with the band's reading ``again`` in: the words whose middle is in
    ``box`` and that a word of ``again`` stands over are replaced (where the first of
    them stood, so the reading order holds), if ``again`` reads better than they do.
    A word in the box that the band's reading has nothing over stays: the box of a
    band can reach the edge of a line beside it."""
    if not again:
        return words
    inside = [i for i, w in enumerate(words)
              if _in_box(w, box) and any(_overlaps(w, a) for a in again)]
    if weight(again) < weight(words[i] for i in inside):
        return words
    gone = set(inside)
    kept = [w for i, w in enumerate(words) if i not in gone]
    if inside:
        at = inside[0]  # no word before the first one replaced is gone
    else:
        after = [i for i, w in enumerate(kept) if w.top >= box[1]]
        at = after[0] if after else len(kept)
    return tuple(kept[:at]) + again + tuple(kept[at:])


def reread(words: tuple[PixelWord, ...], pimg: render.PageImage, small: Image.Image,
           skew: float, rotated: bool, read: tuple[Image.Image, tuple[int, int]] | None,
           options: ExtractOptions) -> tuple[PixelWord, ...]:
    """The page's ``words`` (pixels of the frame they were read in), each band's replaced
    by its reading alone where that reads better.

    ``small``: the preview of the scan (its own frame) the bands are looked for on;
    ``rotated``: the image was deskewed by ``skew`` before OCR; ``read``: the image
    OCR read and where it sits in that frame (None: the whole scan, ``pimg.full()``)."""
    found = inverted.dark_bands(small, pimg.dpi * small.width / pimg.px_size[0],
                                pimg.px_size[0] / small.width)
    if not found:
        return words
    image, (ox, oy) = read if read is not None else (pimg.full(), (0, 0))
    for box in found:
        if rotated:  # found in the scan's frame; the words are in the deskewed one
            box = render.rotated_region(box, skew, pimg.px_size)
        for band in refined(image, (box[0] - ox, box[1] - oy, box[2] - ox, box[3] - oy), pimg.dpi):
            on_page = (band[0] + ox, band[1] + oy, band[2] + ox, band[3] + oy)
            blocks = 1 + max((w.block for w in words), default=0)  # its own lines
            again = tesseract.shifted(read_alone(image, band, pimg.dpi, options), ox, oy, blocks)
            words = replaced(words, on_page, again)
    return words


def refined(image: Image.Image, box: Box, dpi: float) -> list[Box]:
    """The bands of ``image`` (full size) in and around ``box``, a band found on a
    reduced copy (and perhaps in another frame): their own edges."""
    pad = round(SEARCH_IN * dpi)
    x0, y0 = max(0, box[0] - pad), max(0, box[1] - pad)
    x1, y1 = min(image.width, box[2] + pad), min(image.height, box[3] + pad)
    if x1 - x0 < 2 * SEARCH_REDUCE or y1 - y0 < 2 * SEARCH_REDUCE:
        return []
    area = image.crop((x0, y0, x1, y1)).reduce(SEARCH_REDUCE)
    return [(bx0 + x0, by0 + y0, bx1 + x0, by1 + y0)
            for bx0, by0, bx1, by1 in inverted.dark_bands(area, dpi / SEARCH_REDUCE, SEARCH_REDUCE)]


def read_alone(image: Image.Image, band: Box, dpi: float, options: ExtractOptions
               ) -> tuple[PixelWord, ...]:
    """The words of ``band`` read on their own, dark on light, in ``image``'s pixels."""
    strip, (sx, sy) = inverted.lightened(image, band, dpi)
    result = tesseract.image_to_words(strip, lang=options.lang, dpi=round(dpi), psm=BAND_PSM,
                                      timeout=options.timeout)
    return tuple(w for w in tesseract.shifted(result.words, sx, sy) if _in_box(w, band))
