"""tesseract's own C API, in-process, through ctypes: the library the ``tesseract``
program itself runs on (Debian's ``libtesseract5``, installed with ``tesseract-ocr``).

The tesseract program pays, on every page, for a new process and for loading the
Swedish model anew (about 0.2 s of a 300 dpi page's 2 s). Through the C API a
worker process loads the model once and gives each page's decoded greyscale pixels
straight to tesseract (in a leptonica image with its resolution, as the program
reads one from a file): no file, no encoding, no process. Because it is
the same library as the program's, and the same calls the program makes
(``SetImage`` with the page's resolution, ``Recognize``, ``GetTsvText``), the words
are the program's words, box for box; ``tests/test_ocr_engine.py`` checks it on
scanned samples. It is only used when the library's version is the program's
(``TessVersion()`` against ``tesseract --version``), so a stray second libtesseract
cannot read differently from the CLI that the figures were measured with.
``extract/tesseract.py`` takes it when tesserocr (the default, whose wheel's build of
the same tesseract is faster) is not installed or is another version.

``Api`` is one handle: one language and page-segmentation mode, made on first use,
kept for the life of the process (``extract/tesseract.py`` keeps one per worker
thread). ``recognize`` returns tesseract's TSV, or None when its deadline passed.

No compiler and no Python package are needed: only the shared library, which
``ctypes`` opens by its soname. ``OMP_THREAD_LIMIT=1`` is put in this process's
environment before the library is opened (Debian builds it with OpenMP, which
reads the variable once, when it initialises): parallelism comes from worker
processes.
"""
from __future__ import annotations

import ctypes
import ctypes.util
import functools
import os

import numpy as np

SONAMES = ("libtesseract.so.5", "libtesseract.so.4")
LEPT_SONAMES = ("liblept.so.5", "libleptonica.so.6")  # Debian 12's, and newer leptonica's


class LibraryError(RuntimeError):
    """The library cannot be opened, or a handle cannot be made."""


@functools.cache
def library() -> ctypes.CDLL:
    """The opened library with the argument types of the calls used here."""
    os.environ["OMP_THREAD_LIMIT"] = "1"
    lib = _open(SONAMES, "tesseract")
    leptonica()  # the pages go in as its images
    p, i, s = ctypes.c_void_p, ctypes.c_int, ctypes.c_char_p
    for fn, res, args in (
            ("TessVersion", s, ()),
            ("TessBaseAPICreate", p, ()),
            ("TessBaseAPIInit3", i, (p, s, s)),
            ("TessBaseAPISetPageSegMode", None, (p, i)),
            ("TessBaseAPISetVariable", i, (p, s, s)),
            ("TessBaseAPISetImage2", None, (p, p)),
            ("TessBaseAPISetSourceResolution", None, (p, i)),
            ("TessBaseAPIRecognize", i, (p, p)),
            ("TessBaseAPIGetTsvText", p, (p, i)),
            ("TessDeleteText", None, (p,)),
            ("TessBaseAPIClear", None, (p,)),
            ("TessBaseAPIEnd", None, (p,)),
            ("TessBaseAPIDelete", None, (p,)),
            ("TessMonitorCreate", p, ()),
            ("TessMonitorDelete", None, (p,)),
            ("TessMonitorSetDeadlineMSecs", None, (p, i)),
            ("TessBaseAPIDetectOrientationScript", i,
             (p, ctypes.POINTER(i), ctypes.POINTER(ctypes.c_float), ctypes.POINTER(s),
              ctypes.POINTER(ctypes.c_float)))):
        try:
            f = getattr(lib, fn)
        except AttributeError as e:
            raise LibraryError(f"libtesseract has no {fn}: {e}") from e
        f.restype, f.argtypes = res, args
    return lib


def _open(sonames, name: str) -> ctypes.CDLL:
    errors = []
    for soname in filter(None, [*sonames, ctypes.util.find_library(name)]):
        try:
            return ctypes.CDLL(soname)
        except OSError as e:
            errors.append(str(e))
    raise LibraryError(f"cannot open lib{name}: " + ("; ".join(errors) or "not found"))


@functools.cache
def leptonica() -> ctypes.CDLL:
    """The image library tesseract reads its pages with (a dependency of libtesseract)."""
    lib = _open(LEPT_SONAMES, "lept")
    p, i = ctypes.c_void_p, ctypes.c_int
    for fn, res, args in (("pixCreate", p, (i, i, i)), ("pixSetResolution", i, (p, i, i)),
                          ("pixGetData", p, (p,)), ("pixGetWpl", i, (p,)),
                          ("pixEndianByteSwap", i, (p,)), ("pixDestroy", None, (ctypes.POINTER(p),))):
        f = getattr(lib, fn)
        f.restype, f.argtypes = res, args
    return lib


class _Pix:
    """An 8-bit leptonica image of the page with its resolution, as the program makes one
    when it reads an image file: orientation detection takes the resolution from the
    image itself (an image without one is taken for 70 dpi)."""

    def __init__(self, pixels: bytes, width: int, height: int, dpi: int):
        if len(pixels) != width * height:
            raise ValueError(f"{len(pixels)} bytes is not a {width}x{height} greyscale image")
        lept = self._lept = leptonica()
        self.pix = lept.pixCreate(width, height, 8)
        if not self.pix:
            raise LibraryError(f"leptonica cannot make a {width}x{height} image")
        lept.pixSetResolution(self.pix, dpi, dpi)
        stride = 4 * lept.pixGetWpl(self.pix)
        rows = np.ctypeslib.as_array((ctypes.c_uint8 * (stride * height)).from_address(
            lept.pixGetData(self.pix))).reshape(height, stride)
        rows[:, :width] = np.frombuffer(pixels, np.uint8).reshape(height, width)
        lept.pixEndianByteSwap(self.pix)  # leptonica keeps each 32-bit word's first pixel high

    @classmethod
    def of(cls, image, dpi: int) -> "_Pix":
        """From a Pillow image of mode ``L``; its bytes live only while they are copied,
        not through the recognition (a 300 dpi page is 8.7 MB)."""
        if image.mode != "L":
            raise ValueError(f"need a greyscale (L) image, got mode {image.mode}")
        return cls(image.tobytes(), image.width, image.height, dpi)

    def close(self) -> None:
        if self.pix:
            self._lept.pixDestroy(ctypes.byref(ctypes.c_void_p(self.pix)))
            self.pix = None


def version() -> str:
    """The library's version, e.g. ``5.3.0``."""
    return library().TessVersion().decode("ascii", "replace")


class Api:
    """One handle of tesseract's API for one language and page-segmentation mode.

    ``datapath`` None lets the library find its models as the program does
    (``TESSDATA_PREFIX``, else the compiled-in directory).
    """

    def __init__(self, lang: str, psm: int, datapath: str | None = None):
        self._lib = lib = library()
        self._handle = lib.TessBaseAPICreate()
        if not self._handle:
            raise LibraryError("TessBaseAPICreate failed")
        if lib.TessBaseAPIInit3(self._handle, datapath.encode() if datapath else None, lang.encode()) != 0:
            lib.TessBaseAPIDelete(self._handle)
            self._handle = None
            raise LibraryError(f"tesseract cannot load the language model {lang!r}")
        lib.TessBaseAPISetPageSegMode(self._handle, psm)
        self.psm = psm

    def set_psm(self, psm: int) -> None:
        self._lib.TessBaseAPISetPageSegMode(self._handle, psm)
        self.psm = psm

    def set_variable(self, name: str, value: str) -> bool:
        """One of tesseract's settings, as the program's ``-c NAME=VALUE``; False when
        this tesseract has no such setting."""
        return bool(self._lib.TessBaseAPISetVariable(self._handle, name.encode(), value.encode()))

    def _set_image(self, image, dpi: int) -> None:
        """The page, as a leptonica image with its resolution, and the CLI's ``--dpi``."""
        lib, h = self._lib, self._handle
        pix = _Pix.of(image, dpi)
        try:
            lib.TessBaseAPISetVariable(h, b"user_defined_dpi", str(dpi).encode())
            lib.TessBaseAPISetImage2(h, pix.pix)
        finally:
            pix.close()  # tesseract keeps a copy of its own
        lib.TessBaseAPISetSourceResolution(h, dpi)

    def recognize(self, image, dpi: int, timeout: float) -> str | None:
        """TSV of one 8-bit greyscale image (a Pillow image of mode ``L``); None when
        tesseract's deadline (``timeout`` seconds) passed first."""
        lib, h = self._lib, self._handle
        monitor = lib.TessMonitorCreate()
        try:
            self._set_image(image, dpi)
            del image  # the caller's page, if it handed it over, goes now: 8.7 MB at 300 dpi
            lib.TessMonitorSetDeadlineMSecs(monitor, max(1, int(timeout * 1000)))
            if lib.TessBaseAPIRecognize(h, monitor) != 0:
                return None
            text = lib.TessBaseAPIGetTsvText(h, 0)
            if not text:
                return ""
            try:
                return ctypes.string_at(text).decode("utf-8")
            finally:
                lib.TessDeleteText(text)
        finally:
            lib.TessMonitorDelete(monitor)
            lib.TessBaseAPIClear(h)  # drop the image and the results; the model stays loaded

    def orientation(self, image, dpi: int) -> tuple[int, float, str] | None:
        """Orientation and script detection (a handle of the ``osd`` model, mode 0):
        (degrees to turn the image clockwise to make it upright, confidence, script),
        as the program's ``--psm 0`` prints them (``Rotate:``); None when it cannot tell."""
        lib, h = self._lib, self._handle
        deg, conf, script, script_conf = ctypes.c_int(), ctypes.c_float(), ctypes.c_char_p(), ctypes.c_float()
        try:
            self._set_image(image, dpi)
            if not lib.TessBaseAPIDetectOrientationScript(h, ctypes.byref(deg), ctypes.byref(conf),
                                                          ctypes.byref(script), ctypes.byref(script_conf)):
                return None
            # the text's orientation, counter-clockwise; the program's "Rotate" undoes it
            return ((360 - deg.value) % 360, round(conf.value, 2),
                    (script.value or b"").decode("ascii", "replace"))
        finally:
            lib.TessBaseAPIClear(h)

    def close(self) -> None:
        if self._handle:
            self._lib.TessBaseAPIEnd(self._handle)
            self._lib.TessBaseAPIDelete(self._handle)
            self._handle = None

    def __del__(self):
        self.close()
