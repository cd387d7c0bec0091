"""Page → greyscale image for OCR, and small-skew correction.

``page_image`` takes the page's one embedded image when the page is a plain scan
(one axis-aligned image covering the page, nothing else visible), at the scanner's
own resolution, not resampled. A JPEG stays encoded (``PageImage.jpeg``): tesseract
reads it as is, and the skew is measured on a copy decoded at 1/4 size; rendering
the page with pdfium instead costs ~70 ms for A4 at 300 dpi. Other pages are
rendered with pdfium at the requested dpi.

``estimate_skew`` finds the angle of the text lines with a projection profile on a
75-100 dpi copy: dark pixels are sheared by candidate angles and the angle whose row
histogram is sharpest (largest sum of squares) wins; coarse steps of 0.25° over
±5°, then 0.05° steps around the best (~10 ms). ``deskew`` rotates with Pillow's
affine transform, only over the text area when given one.
"""
from __future__ import annotations

import contextlib
import io
import math
from collections.abc import Iterator

import numpy as np
import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c
from PIL import Image

from malrapport.extract import pixels

COVER_TOLERANCE = 0.02  # the image may miss this fraction of the page's width/height
NATIVE_DPI_RANGE = (0.6, 1.6)  # use a scan's own pixels when its dpi is within this factor of the requested
MAX_SKEW = 5.0  # degrees searched by estimate_skew
MIN_SKEW = 0.1  # smaller angles are not worth a rotation (0.1° moves a 480 pt line end by 0.8 pt)
SKEW_DPI = 100  # estimate_skew reduces its input to about this resolution
PREVIEW_DPI = 75  # lowest resolution of PageImage.preview (a 300 dpi JPEG decodes at 1/4 size)


class RenderError(RuntimeError):
    """A page could not be turned into an image for OCR."""


class PageTooLarge(RenderError):
    """The page's image would exceed ``ExtractOptions.max_pixels``."""


class PageImage:
    """A page as a greyscale image for OCR.

    For a plain scan whose image is a JPEG, ``jpeg`` holds the file as embedded:
    tesseract can read it as is, and ``preview`` decodes it at a fraction of the
    size (JPEG's DCT scaling), so the full image is only decoded when it has to be
    rotated. Otherwise ``full()`` is the decoded or rendered image.
    """

    def __init__(self, dpi: float, width: float, height: float, native: bool, *,
                 image: Image.Image | None = None, jpeg: bytes | None = None,
                 px_size: tuple[int, int] | None = None):
        if image is None and jpeg is None:
            raise ValueError("need an image or a JPEG")
        self.dpi = dpi  # pixels per inch of the image on the page
        self.width = width  # page width in points (as displayed, /Rotate applied)
        self.height = height  # page height in points
        self.native = native  # True: the page's own scan image, False: rendered by pdfium
        self.jpeg = jpeg
        self._image = image
        self._reduced: dict[int, Image.Image] = {}  # previews made before ``let_go``
        self.px_size = image.size if image is not None else px_size

    @contextlib.contextmanager
    def _jpeg_image(self) -> Iterator[Image.Image]:
        """The page's JPEG opened (not decoded yet); a broken one is a RenderError."""
        try:
            with Image.open(io.BytesIO(self.jpeg)) as im:
                yield im
        except (OSError, ValueError) as e:
            raise RenderError(f"cannot decode the page's JPEG: {e}") from e

    def _scaled(self, im: Image.Image, mode: str, factor: int) -> Image.Image | None:
        """``im`` decoded straight at 1/``factor`` size by DCT scaling; None for a
        progressive JPEG, which costs nearly a full decode either way."""
        if im.info.get("progressive"):
            return None
        w, h = self.px_size
        im.draft(mode, (w // factor, h // factor))
        return im.convert(mode)

    def full(self) -> Image.Image:
        """The whole image in mode "L" (decoded on first use)."""
        if self._image is None:
            with self._jpeg_image() as im:
                self._image = im.convert("L")
        return self._image

    def let_go(self, keep: tuple[float, ...] = ()) -> None:
        """Drop the decoded image when the JPEG it came from can give it again: while a
        deskewed copy is read, the page need not be held twice (8.7 MB at 300 dpi).
        ``keep``: the ``min_dpi`` of previews still to come, made now from the decoded
        image, so that they are the same pixels as they would have been."""
        if self.jpeg is not None and self._image is not None:
            for min_dpi in keep:
                self._reduced.setdefault(self._factor(min_dpi), self._image.reduce(self._factor(min_dpi)))
            self._image = None

    def _factor(self, min_dpi: float) -> int:
        return max(1, int(self.dpi // min_dpi))

    def colour_preview(self, min_dpi: float) -> tuple[Image.Image, float] | None:
        """A reduced copy in colour of a scan stored in colour, and its dpi; None when the
        scan is grey (or is not a JPEG of the page). The symbols' colours are read from
        it: OCR and everything else use the grey image."""
        if self.jpeg is None:
            return None
        factor = self._factor(min_dpi)
        with self._jpeg_image() as im:
            if im.mode != "RGB":
                return None
            small = self._scaled(im, "RGB", factor) or im.convert("RGB").reduce(factor)
        return small, self.dpi * small.width / self.px_size[0]

    def preview(self, min_dpi: float = PREVIEW_DPI) -> tuple[Image.Image, float]:
        """A reduced copy of at least ``min_dpi`` and its dpi (for skew and sanity checks).

        A baseline JPEG is decoded straight at 1/2, 1/4 or 1/8 size (DCT scaling, ~3 ms
        for A4 at 300 dpi); a progressive one costs nearly a full decode either way, so
        it is decoded whole (and kept for ``full()``) and reduced."""
        factor = self._factor(min_dpi)
        if factor in self._reduced:
            return self._reduced[factor], self.dpi / factor
        if self._image is None:
            with self._jpeg_image() as im:
                small = self._scaled(im, "L", factor)
            if small is not None:
                return small, self.dpi * small.width / self.px_size[0]
        full = self.full()
        small = full.reduce(factor) if factor > 1 else full
        return small, self.dpi / factor


def _check_pixels(w: int, h: int, max_pixels: int, what: str) -> None:
    if w * h > max_pixels:
        raise PageTooLarge(f"{what} would be {w}x{h} = {w * h:,} pixels, over max_pixels={max_pixels:,}; "
                           "lower --dpi or raise the limit")


def _text_is_invisible(obj: pdfium.PdfObject) -> bool:
    return pdfium_c.FPDFTextObj_GetTextRenderMode(obj.raw) == pdfium_c.FPDF_TEXTRENDERMODE_INVISIBLE


def sole_scan_image(page: pdfium.PdfPage) -> pdfium.PdfImage | None:
    """The one image that is the whole visible page, or None.

    Holds when the page has no /Rotate, exactly one image object whose matrix is
    axis-aligned and unflipped and which covers the page, and no other visible
    object (invisible OCR text, as in searchable scans, is allowed).
    """
    if page.get_rotation() % 360:
        return None
    image = None
    for obj in page.get_objects(max_depth=1):
        if obj.type == pdfium_c.FPDF_PAGEOBJ_IMAGE:
            if image is not None:
                return None
            image = obj
        elif obj.type != pdfium_c.FPDF_PAGEOBJ_TEXT or not _text_is_invisible(obj):
            return None  # a path, shading, form or visible text beside the image
    if image is None:
        return None
    m = image.get_matrix()
    if abs(m.b) > 1e-6 or abs(m.c) > 1e-6 or m.a <= 0 or m.d <= 0:
        return None
    left, bottom, right, top = image.get_bounds()
    x0, y0, x1, y1 = page.get_cropbox()
    w, h = x1 - x0, y1 - y0
    tol_w, tol_h = COVER_TOLERANCE * w, COVER_TOLERANCE * h
    if left > x0 + tol_w or right < x1 - tol_w or bottom > y0 + tol_h or top < y1 - tol_h:
        return None
    if right - left > w * (1 + 2 * COVER_TOLERANCE) or top - bottom > h * (1 + 2 * COVER_TOLERANCE):
        return None  # bigger than the page: cropped, the pixels do not map 1:1
    return image


def _jpeg_of(image: pdfium.PdfImage) -> bytes | None:
    """The image's JPEG file when it is a plain grey or RGB JPEG that any reader shows alike."""
    if image.get_filters() != ["DCTDecode"]:
        return None
    meta = image.get_metadata()
    if meta.bits_per_pixel not in (8, 24) or meta.colorspace not in (
            pdfium_c.FPDF_COLORSPACE_DEVICEGRAY, pdfium_c.FPDF_COLORSPACE_DEVICERGB):
        return None
    return bytes(image.get_data(decode_simple=False))


def _native_image(page: pdfium.PdfPage, image: pdfium.PdfImage, dpi: int, max_pixels: int) -> PageImage | None:
    pw, ph = image.get_px_size()
    width, height = page.get_size()
    native_dpi = pw / (width / 72)
    if not NATIVE_DPI_RANGE[0] <= native_dpi / dpi <= NATIVE_DPI_RANGE[1]:
        return None
    _check_pixels(pw, ph, max_pixels, "the page's scan image")
    jpeg = _jpeg_of(image)
    if jpeg is not None:
        pimg = PageImage(native_dpi, width, height, True, jpeg=jpeg, px_size=(pw, ph))
    else:
        try:
            img = image.get_bitmap(render=False).to_pil()
        except pdfium.PdfiumError:
            return None
        pimg = PageImage(native_dpi, width, height, True, image=img if img.mode == "L" else img.convert("L"))
    try:
        small, _ = pimg.preview()
    except RenderError:
        return None
    # a /Decode array or an image mask can invert the stored pixels; pdfium's renderer
    # knows, so trust it when the "scan" comes out mostly black
    if np.asarray(small).mean() < 100:
        return None
    return pimg


def page_image(page: pdfium.PdfPage, dpi: int, max_pixels: int, allow_native: bool = True) -> PageImage:
    """Greyscale image of the page for OCR (see the module docstring)."""
    if allow_native:
        image = sole_scan_image(page)
        if image is not None:
            native = _native_image(page, image, dpi, max_pixels)
            if native is not None:
                return native
    width, height = page.get_size()
    scale = dpi / 72
    _check_pixels(math.ceil(width * scale), math.ceil(height * scale), max_pixels, f"rendering at {dpi} dpi")
    try:
        bitmap = page.render(scale=scale, grayscale=True, may_draw_forms=True)
        img = bitmap.to_pil()
    except pdfium.PdfiumError as e:
        raise RenderError(f"pdfium cannot render the page: {e}") from e
    if img.mode != "L":
        img = img.convert("L")
    return PageImage(dpi, width, height, False, image=img)


# --- skew ----------------------------------------------------------------------------


def _ink_points(img: Image.Image, dpi: float) -> tuple[np.ndarray, np.ndarray] | None:
    factor = max(1, round(dpi / SKEW_DPI))
    small = np.asarray(img.reduce(factor) if factor > 1 else img)
    paper = float(np.percentile(small, 90))
    ink = float(np.percentile(small, 0.5))
    if paper - ink < 40:
        return None  # blank or flat page
    ys, xs = np.nonzero(small < (paper + ink) / 2)
    if len(ys) < 200:
        return None
    if len(ys) > 200_000:  # thin out very dark pages; the profile does not need every pixel
        step = len(ys) // 200_000 + 1
        ys, xs = ys[::step], xs[::step]
    return ys.astype(np.float64), xs.astype(np.float64) - small.shape[1] / 2


def _profile_score(ys: np.ndarray, xs: np.ndarray, angle: float) -> float:
    rows = ys - xs * math.tan(math.radians(angle))
    hist = np.bincount((rows - rows.min()).astype(np.int64))
    return float(np.dot(hist, hist))


def estimate_skew(img: Image.Image, dpi: float) -> float:
    """Angle in degrees of the text lines, positive when they fall to the right
    (the page was turned clockwise); 0.0 when the page has too little ink to tell."""
    pts = _ink_points(img, dpi)
    if pts is None:
        return 0.0
    ys, xs = pts
    coarse = np.arange(-MAX_SKEW, MAX_SKEW + 1e-9, 0.25)
    scores = [_profile_score(ys, xs, a) for a in coarse]
    best = float(coarse[int(np.argmax(scores))])
    fine = np.arange(best - 0.25, best + 0.25 + 1e-9, 0.05)
    scores = [_profile_score(ys, xs, a) for a in fine]
    angle = float(fine[int(np.argmax(scores))])
    return round(angle, 2)


def ink_box(small: Image.Image, scale: float, margin: int) -> tuple[int, int, int, int] | None:
    """Box (left, top, right, bottom) around the ink of a preview, scaled by ``scale``
    to the full image and widened by ``margin`` pixels; None for a blank preview."""
    a = np.asarray(small)
    paper = float(np.percentile(a, 90))
    ink = a < paper - 40
    rows, cols = np.flatnonzero(ink.sum(axis=1) >= 2), np.flatnonzero(ink.sum(axis=0) >= 2)
    if not len(rows) or not len(cols):
        return None
    return (int(cols[0] * scale) - margin, int(rows[0] * scale) - margin,
            int((cols[-1] + 1) * scale) + margin, int((rows[-1] + 1) * scale) + margin)


def deskew(img: Image.Image, angle: float, region: tuple[int, int, int, int] | None = None
           ) -> tuple[Image.Image, tuple[int, int]]:
    """Turn the image so that lines falling by ``angle`` degrees become level.

    Rotates about the centre without expanding, so the deskewed frame has the
    page's size and a scan of a straight page maps back onto the original page.
    With ``region`` (a box in the deskewed frame) only that part is computed: returns
    the image and the region's offset in the frame, to add to boxes found on it.
    Pillow's rotation costs ~65 ms for A4 at 300 dpi; the region, usually the text
    area with a margin, saves a third of that and of tesseract's pixel work.
    """
    if abs(angle) < MIN_SKEW:
        return img, (0, 0)
    w, h = img.size
    x0, y0, x1, y1 = pixels.within(region, img.size) if region is not None else (0, 0, w, h)
    # Image.rotate's inverse mapping (output pixel -> source pixel), shifted to the region
    a = -math.radians(angle)
    cos, sin = math.cos(a), math.sin(a)
    cx, cy = w / 2, h / 2
    matrix = [cos, sin, 0.0, -sin, cos, 0.0]
    matrix[2] = cos * (x0 - cx) + sin * (y0 - cy) + cx
    matrix[5] = -sin * (x0 - cx) + cos * (y0 - cy) + cy
    out = img.transform((x1 - x0, y1 - y0), Image.Transform.AFFINE, matrix,
                        resample=Image.Resampling.BILINEAR, fillcolor=255)
    return out, (x0, y0)


def rotated_region(box: tuple[int, int, int, int], angle: float, size: tuple[int, int]
                   ) -> tuple[int, int, int, int]:
    """The bounding box in the deskewed frame of ``box`` in the skewed image."""
    cx, cy = size[0] / 2, size[1] / 2
    a = math.radians(angle)
    cos, sin = math.cos(a), math.sin(a)
    xs, ys = [], []
    for x, y in ((box[0], box[1]), (box[2], box[1]), (box[0], box[3]), (box[2], box[3])):
        dx, dy = x - cx, y - cy
        xs.append(cos * dx + sin * dy + cx)
        ys.append(-sin * dx + cos * dy + cy)
    return int(min(xs)), int(min(ys)), math.ceil(max(xs)), math.ceil(max(ys))


def turn(img: Image.Image, rotate: int) -> Image.Image:
    """Turn clockwise by a multiple of 90 degrees (tesseract OSD's ``Rotate``)."""
    ops = {90: Image.Transpose.ROTATE_270, 180: Image.Transpose.ROTATE_180, 270: Image.Transpose.ROTATE_90}
    return img.transpose(ops[rotate]) if rotate in ops else img
