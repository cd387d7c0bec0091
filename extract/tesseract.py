"""The one module that runs tesseract (in the manner of OCRmyPDF's ``_exec/tesseract.py``).

- ``version()`` and ``available_languages()`` probe the binary (cached per process).
- ``resolve_language(lang)`` warns once and falls back to ``eng`` when a requested
  model is missing.
- ``image_to_words(image, ...)`` runs one page image and returns pixel word boxes with
  confidences (tesseract's TSV renderer). The image goes to tesseract as an
  uncompressed TIFF (or a scan's own JPEG bytes) in a memory file: no PNG encoding
  (see the measurements below), nothing left behind by a killed worker.
- ``detect_orientation(image, ...)`` runs orientation and script detection (``--psm 0``).
- ``searchable_pdf(images, dst, ...)`` writes tesseract's PDF renderer output (used only
  by the sample generator).

Three engines run ``image_to_words``:

- **tesserocr in-process** (the default when it reads as the program does): the Cython
  binding's manylinux wheel (a dependency, ``tesserocr>=2.7,<2.9``) bundles its own
  build of tesseract 5.3.4. It gives the words of Debian's 5.3.0 program, box for box
  and confidence for confidence (tests/test_ocr_engine.py; 3,911 TSV rows of 16 scanned
  sample pages compared, 2026-12-01), in 0.87 of the CPU time: the same recognition
  code, built faster. ``auto`` takes it only when its tesseract is the program's
  major.minor version; a newer tesserocr (5.5.x) reads these reports worse and is taken
  only by name.
- **libtesseract in-process** (``extract/libtesseract.py``): the C API of the library
  the ``tesseract`` program itself runs on, through ctypes. ``auto`` takes it when
  tesserocr is not installed or is another version, and only when the library's
  version is the program's.
- **the tesseract CLI** (``tesseract IMAGE stdout ... tsv``): the fallback when neither
  can be used, when extra ``-c`` config is given, and with
  ``MALRAPPORT_OCR_ENGINE=cli``. The PDF renderer (sample generator only) always uses
  the CLI.

Each in-process engine keeps, per worker process (and thread), one handle per
(language, page-segmentation mode), created on first use, so the model is loaded once
per process, not once per page; the decoded greyscale page goes in as it is: no file,
no encoding, no process. The per-page timeout is tesseract's own deadline, reported as
the same soft failure; the per-file ``--timeout`` is the pool's, as before (a worker
over it is killed and replaced, which takes its handles with it). Orientation detection
(``--psm 0``) runs through the in-process engine too, with the ``osd`` model loaded for
the page and let go after it, else through the CLI.

``MALRAPPORT_OCR_ENGINE=auto|tesserocr|library|cli`` picks one (``auto``: as above;
``tesserocr`` and ``library``: that engine whatever its version, failing loudly when it
cannot be loaded); ``engine_line()`` says which one a run uses.

Soft failures are an explicit short list (``SOFT_FAILURES``: an empty page, too few
characters for OSD, a timeout); they give an empty result with a ``note``. Anything
else raises ``TesseractError`` (or ``TesseractNotFound``) ``from`` the cause.
Every run gets ``OMP_THREAD_LIMIT=1`` in its own environment: parallelism comes from
worker processes, one page each, not from OpenMP threads fighting over the cores.
"""
from __future__ import annotations

import contextlib
import dataclasses
import functools
import io
import logging
import os
import re
import shutil
import subprocess
import tempfile
import threading
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from PIL import Image

from . import libtesseract

log = logging.getLogger(__name__)

FALLBACK_LANG = "eng"
DEFAULT_TIMEOUT = 180.0
PROBE_TIMEOUT = 30.0

# tesseract's messages for pages it cannot read but that are not errors
SOFT_FAILURES = (
    ("Empty page", "empty page"),
    ("Too few characters", "too few characters for orientation detection"),
)
TIMEOUT_NOTE = "tesseract timed out"
# Set on every engine (the program's as -c NAME=VALUE). textord_disable_pitch_test skips
# tesseract's search for a typewriter's fixed pitch on each text line: 1.7 % of a page's
# recognition, with the same words, boxes, confidences and lines on every sample scan
# (298 pages of every scanned set compared, TSV byte for byte); on a monospaced page
# only tesseract's paragraph numbers differ, and the program uses them only to tell
# lines apart (tests/test_ocr_engine.py).
READ_SETTINGS = (("textord_disable_pitch_test", "1"),)


class TesseractError(RuntimeError):
    """tesseract failed in a way that is not a known soft failure."""


class TesseractNotFound(TesseractError):
    """The tesseract binary is not on PATH (install the Debian package tesseract-ocr)."""


@dataclass(frozen=True, slots=True)
class PixelWord:
    """One word as tesseract reports it: pixel box in the image it was given."""

    text: str
    left: int
    top: int
    width: int
    height: int
    conf: float  # 0-100
    block: int
    par: int
    line: int


def shifted(words, dx: int, dy: int, blocks: int = 0) -> tuple[PixelWord, ...]:
    """``words`` moved by (dx, dy) pixels (read in a cut-out, placed in the image it was
    cut from), their block numbers raised by ``blocks``."""
    return tuple(dataclasses.replace(w, left=w.left + dx, top=w.top + dy, block=w.block + blocks)
                 for w in words)


@dataclass(frozen=True, slots=True)
class OcrResult:
    words: tuple[PixelWord, ...]
    note: str = ""  # a soft failure, or ""


@dataclass(frozen=True, slots=True)
class Orientation:
    rotate: int  # degrees to turn the image clockwise to make it upright: 0, 90, 180, 270
    confidence: float
    script: str = ""


def _env() -> dict[str, str]:
    env = dict(os.environ)
    env["OMP_THREAD_LIMIT"] = "1"
    return env


def _binary() -> str:
    path = shutil.which("tesseract")
    if path is None:
        raise TesseractNotFound(
            "tesseract not found on PATH; install it: apt-get install -y tesseract-ocr tesseract-ocr-swe tesseract-ocr-osd")
    return path


def _run(args: Sequence[str], *, timeout: float, pass_fds: tuple[int, ...] = ()) -> subprocess.CompletedProcess:
    """Run tesseract; raises TesseractNotFound / TesseractError / subprocess.TimeoutExpired."""
    cmd = [_binary(), *args]
    try:
        proc = subprocess.run(cmd, capture_output=True, timeout=timeout, env=_env(), check=False,
                              pass_fds=pass_fds)
    except FileNotFoundError as e:
        raise TesseractNotFound(f"cannot run {cmd[0]}: {e}") from e
    except OSError as e:
        raise TesseractError(f"cannot run tesseract: {e}") from e
    return proc


def _soft_note(stderr: str) -> str:
    for needle, note in SOFT_FAILURES:
        if needle in stderr:
            return note
    return ""


def _check(proc: subprocess.CompletedProcess, what: str) -> None:
    if proc.returncode != 0:
        stderr = proc.stderr.decode("utf-8", "replace").strip()
        raise TesseractError(f"tesseract {what} failed (exit {proc.returncode}): {stderr[-2000:]}")


# --- probes --------------------------------------------------------------------------


_VERSION_RE = re.compile(r"tesseract\s+v?(\d+\.\d+[\w.\-]*)")


@functools.cache
def version() -> str:
    """The tesseract version string, e.g. ``5.3.0``."""
    proc = _run(["--version"], timeout=PROBE_TIMEOUT)
    _check(proc, "--version")
    text = (proc.stdout or proc.stderr).decode("utf-8", "replace")
    m = _VERSION_RE.search(text)
    if not m:
        raise TesseractError(f"cannot read tesseract version from {text[:200]!r}")
    return m.group(1)


@functools.cache
def available_languages() -> frozenset[str]:
    """Installed traineddata models (``eng``, ``swe``, ``osd``, ...)."""
    proc = _run(["--list-langs"], timeout=PROBE_TIMEOUT)
    _check(proc, "--list-langs")
    lines = proc.stdout.decode("utf-8", "replace").splitlines()
    return frozenset(l.strip() for l in lines[1:] if l.strip() and not l.startswith("List of"))


_warned: set[str] = set()


def resolve_language(lang: str) -> str:
    """``lang`` (``swe``, ``swe+eng``) with missing models dropped; ``eng`` if none is left.

    Warns once per missing model and process (logging; without a configured handler
    Python prints warnings to stderr). A pipeline with worker processes should call
    this once in the main process and pass the result on as ``ExtractOptions.lang``,
    so that the warning is printed once rather than once per worker.
    """
    have = available_languages()
    wanted = [part for part in lang.split("+") if part]
    kept = [part for part in wanted if part in have]
    for part in wanted:
        if part not in have and part not in _warned:
            _warned.add(part)
            log.warning(
                "tesseract language model %r is not installed (have: %s); falling back to %r. "
                "Install it, e.g. apt-get install tesseract-ocr-%s; without it the diacritics "
                "repair has to restore å, ä and ö.", part, ", ".join(sorted(have)) or "none",
                "+".join(kept) or FALLBACK_LANG, part)
    if kept:
        return "+".join(kept)
    if FALLBACK_LANG not in have:
        raise TesseractError(f"neither {lang!r} nor {FALLBACK_LANG!r} is installed for tesseract")
    return FALLBACK_LANG


# --- images --------------------------------------------------------------------------
#
# Measured on an A4 page at 300 dpi (tesseract 5.3, one thread): tesseract reads an
# uncompressed TIFF or a JPEG file in the same time, a PNG 0.15 s slower (and Pillow
# needs ~0.3 s to write it), a PGM on stdin 0.28 s slower (tesseract copies stdin
# byte by byte). So an image goes to tesseract as an uncompressed TIFF, and a scan's
# own JPEG as it is, in a memory file (Linux) or a RAM disk when there is one.

_SHM = Path("/dev/shm")


def _scratch_dir() -> str | None:
    return str(_SHM) if _SHM.is_dir() and os.access(_SHM, os.W_OK) else None


def _write_image(fh, image: Image.Image | np.ndarray | bytes, dpi: int) -> None:
    if isinstance(image, bytes):
        fh.write(image)
        return
    if isinstance(image, np.ndarray):
        if image.dtype != np.uint8 or image.ndim != 2:
            raise ValueError(f"need a 2-D uint8 greyscale image, got {image.dtype} {image.shape}")
        image = Image.fromarray(image, "L")
    elif image.mode not in ("L", "1"):
        image = image.convert("L")
    image.save(fh, format="TIFF", dpi=(dpi, dpi))


@contextlib.contextmanager
def _image_file(image: Image.Image | np.ndarray | bytes, dpi: int) -> Iterator[tuple[str, tuple[int, ...]]]:
    """The image as a file for tesseract: ``bytes`` (an image file, e.g. a scan's own
    JPEG) as they are, a greyscale image as an uncompressed TIFF. Yields the path to
    give tesseract and the descriptors it must inherit.

    On Linux the file is an anonymous memory file (``memfd_create``) that tesseract
    opens as ``/dev/fd/N``: nothing is left behind when a worker is killed in the
    middle of a page (a timeout), which a named temporary file in /dev/shm would be.
    """
    if hasattr(os, "memfd_create"):
        fd = os.memfd_create("malrapport-ocr")
        try:
            try:
                with os.fdopen(os.dup(fd), "wb") as fh:
                    _write_image(fh, image, dpi)
            except OSError as e:
                raise TesseractError(f"cannot write the page image for tesseract: {e}") from e
            yield f"/dev/fd/{fd}", (fd,)
        finally:
            os.close(fd)
        return
    fd, path = tempfile.mkstemp(prefix="malrapport-ocr-", suffix=".img", dir=_scratch_dir())
    try:
        try:
            with os.fdopen(fd, "wb") as fh:
                _write_image(fh, image, dpi)
        except OSError as e:
            raise TesseractError(f"cannot write the page image for tesseract: {e}") from e
        yield path, ()
    finally:
        with contextlib.suppress(OSError):
            os.unlink(path)


# --- engines -------------------------------------------------------------------------

ENGINE_ENV = "MALRAPPORT_OCR_ENGINE"
ENGINES = ("auto", "library", "tesserocr", "cli")
DEFAULT_ENGINE = "auto"  # in-process when an engine there reads as the program does, else the program
# Debian's (and most distributions') tessdata directories, looked in when the CLI cannot say
_TESSDATA_DIRS = ("/usr/share/tesseract-ocr/5/tessdata", "/usr/share/tesseract-ocr/4.00/tessdata",
                  "/usr/share/tessdata", "/usr/local/share/tessdata")
PSM_MAX = 13  # tesseract's page segmentation modes are 0-13


def _requested_engine() -> str:
    name = os.environ.get(ENGINE_ENV, DEFAULT_ENGINE).strip().lower() or DEFAULT_ENGINE
    if name not in ENGINES:
        raise TesseractError(f"{ENGINE_ENV}={name!r}: choose one of {', '.join(ENGINES)}")
    return name


@functools.cache
def tessdata_dir() -> str | None:
    """The tessdata directory the ``tesseract`` program reads (``--list-langs`` names it),
    else ``TESSDATA_PREFIX`` or the first distribution directory with a model in it."""
    with contextlib.suppress(TesseractError):
        proc = _run(["--list-langs"], timeout=PROBE_TIMEOUT)
        text = (proc.stdout + proc.stderr).decode("utf-8", "replace")
        m = re.search(r'List of available languages in "([^"]+)"', text)
        if m and Path(m.group(1)).is_dir():
            return m.group(1)
    for d in (os.environ.get("TESSDATA_PREFIX", ""), *_TESSDATA_DIRS):
        if d and Path(d).is_dir() and any(Path(d).glob("*.traineddata")):
            return d
    return None


@functools.cache
def _library() -> str | None:
    """The version of the program's own libtesseract when OCR may run through it, else None.

    ``auto`` takes it only when its version is the program's (the same reading as the
    CLI); ``library`` takes any version it can open, and fails loudly when it cannot.
    """
    wanted = _requested_engine()
    if wanted not in ("auto", "library"):
        return None
    try:
        have = libtesseract.version()
    except libtesseract.LibraryError as e:
        if wanted == "library":
            raise TesseractError(f"{ENGINE_ENV}=library but {e}") from e
        log.debug("%s; OCR runs the tesseract program", e)
        return None
    try:
        program = version()
    except TesseractError:
        program = ""
    if wanted == "auto" and have != program:
        log.debug("libtesseract %s is not the program's %s; OCR runs the program", have, program or "?")
        return None
    return have


def _minor(v: str) -> str:
    """``5.3`` of ``5.3.4``."""
    return ".".join(v.split(".")[:2])


@functools.cache
def _tesserocr():
    """The tesserocr module when OCR may run through it, else None.

    ``auto`` takes it when it imports and its tesseract is the program's major.minor
    version (5.3.4 beside the program's 5.3.0: the same reading, tests/test_ocr_engine.py);
    ``tesserocr`` takes any version, and fails loudly when it cannot be imported.
    ``OMP_THREAD_LIMIT=1`` is put in this process's environment before the library is
    loaded: an OpenMP build reads it once, when it initialises. (The manylinux wheel's
    libtesseract is built without OpenMP, so it runs one thread anyway.)
    """
    wanted = _requested_engine()
    if wanted not in ("auto", "tesserocr"):
        return None
    os.environ["OMP_THREAD_LIMIT"] = "1"
    try:
        import tesserocr
    except ImportError as e:
        if wanted == "tesserocr":
            raise TesseractError(f"{ENGINE_ENV}=tesserocr but tesserocr cannot be imported: {e}") from e
        return None
    if tessdata_dir() is None:
        if wanted == "tesserocr":
            raise TesseractError(f"{ENGINE_ENV}=tesserocr but no tessdata directory was found")
        return None
    if wanted == "auto":
        try:
            program = version()
        except TesseractError:
            return None
        have = _tesserocr_tesseract(tesserocr)
        if _minor(have) != _minor(program):
            log.debug("tesserocr's tesseract %s is not the program's %s; not used", have, program)
            return None
    return tesserocr


def _tesserocr_tesseract(mod) -> str:
    """The version of the tesseract tesserocr runs on, e.g. ``5.3.4``."""
    m = _VERSION_RE.search(mod.tesseract_version())
    return m.group(1) if m else "?"


@functools.cache
def _tesserocr_languages() -> frozenset[str]:
    mod = _tesserocr()
    if mod is None:
        return frozenset()
    _, langs = mod.get_languages(tessdata_dir() + "/")
    return frozenset(langs)


def engine(lang: str = "swe") -> str:
    """``tesserocr``, ``library`` or ``cli``: the engine ``image_to_words`` uses for ``lang``."""
    mod = _tesserocr()
    if mod is not None and set(resolve_language(lang).split("+")) <= _tesserocr_languages():
        return "tesserocr"
    if _library() is not None:
        return "library"
    return "cli"


def engine_line(lang: str = "swe") -> str:
    """E.g. ``tesserocr 2.8.0 (tesseract 5.3.4) in-process``, ``libtesseract 5.3.0
    in-process`` or ``tesseract CLI 5.3.0``."""
    try:
        name = engine(lang)
        if name == "library":
            return f"libtesseract {_library()} in-process"
        if name == "tesserocr":
            mod = _tesserocr()
            return f"tesserocr {mod.__version__} (tesseract {_tesserocr_tesseract(mod)}) in-process"
        return f"tesseract CLI {version()}"
    except TesseractError as e:
        return f"unavailable ({e})"


class _TesserocrApi:
    """tesserocr's handle behind ``libtesseract.Api``'s ``recognize``."""

    def __init__(self, lang: str, psm: int):
        mod = _tesserocr()
        self._api = mod.PyTessBaseAPI(path=tessdata_dir() + "/", lang=lang, psm=psm, oem=mod.OEM.DEFAULT)
        self.psm = psm

    def set_psm(self, psm: int) -> None:
        self._api.SetPageSegMode(psm)
        self.psm = psm

    def set_variable(self, name: str, value: str) -> bool:
        """As ``libtesseract.Api.set_variable``."""
        return bool(self._api.SetVariable(name, value))

    def _set_image(self, image: Image.Image, dpi: int) -> bytes:
        """The page's pixels, and the CLI's ``--dpi``; the bytes returned must stay alive
        until ``Clear``."""
        api, pixels = self._api, image.tobytes()
        api.SetVariable("user_defined_dpi", str(dpi))  # what the CLI's --dpi sets
        api.SetImageBytes(pixels, image.width, image.height, 1, image.width)
        api.SetSourceResolution(dpi)
        return pixels

    def words(self, image: Image.Image, dpi: int, timeout: float) -> tuple[PixelWord, ...] | None:
        """The page's words, as ``parse_tsv`` gives them from the TSV; None when the
        deadline (``timeout`` seconds) passed first."""
        api = self._api
        try:
            pixels = self._set_image(image, dpi)  # noqa: F841 (alive until Clear)
            if not api.Recognize(timeout=max(1, int(timeout * 1000))):
                return None
            return self._iterated_words()
        finally:
            api.Clear()  # drop the image and the results; the model stays loaded

    def _iterated_words(self) -> tuple[PixelWord, ...]:
        """The words of the last recognition, walked as tesseract's ``GetTSVText`` walks
        them: the same boxes, confidences (to its six decimals), texts, and block,
        paragraph and line numbers. Building the TSV text took 6-8 times as long
        (38 ms against 5 ms on a page of 312 words), 2 % of a page's recognition."""
        ril = _tesserocr().RIL
        it = self._api.GetIterator()
        words: list[PixelWord] = []
        block = par = line = 0
        while it is not None and not it.Empty(ril.BLOCK):
            if it.Empty(ril.WORD):
                if not it.Next(ril.WORD):
                    break
                continue
            if it.IsAtBeginningOf(ril.BLOCK):
                block, par, line = block + 1, 0, 0
            if it.IsAtBeginningOf(ril.PARA):
                par, line = par + 1, 0
            if it.IsAtBeginningOf(ril.TEXTLINE):
                line += 1
            left, top, right, bottom = it.BoundingBox(ril.WORD)
            conf = float(f"{it.Confidence(ril.WORD):f}")  # what the TSV prints
            text = (it.GetUTF8Text(ril.WORD) or "").strip()
            if text and conf >= 0:
                words.append(PixelWord(text, left, top, right - left, bottom - top, conf,
                                       block, par, line))
            if not it.Next(ril.WORD):
                break
        return tuple(words)

    def orientation(self, image: Image.Image, dpi: int) -> tuple[int, float, str] | None:
        """As ``libtesseract.Api.orientation`` (a handle of the ``osd`` model, mode 0)."""
        api = self._api
        try:
            pixels = self._set_image(image, dpi)  # noqa: F841 (alive until Clear)
            found = api.DetectOrientationScript()
            if not found:
                return None
            # the text's orientation, counter-clockwise; the program's "Rotate" undoes it
            return ((360 - found["orient_deg"]) % 360, round(found["orient_conf"], 2),
                    found["script_name"] or "")
        finally:
            api.Clear()

    def close(self) -> None:
        self._api.End()


class _Apis(threading.local):
    pid = 0
    handles: dict


_apis = _Apis()
_api_failed: set[tuple[str, str]] = set()  # (engine, language)


class _LibraryApi(libtesseract.Api):
    """The system library's handle, reading words from the TSV it gives."""

    def words(self, image: Image.Image, dpi: int, timeout: float) -> tuple[PixelWord, ...] | None:
        tsv = self.recognize(image, dpi, timeout)
        if tsv is None:
            return None
        try:
            return parse_tsv("header\n" + tsv)  # GetTsvText gives the rows without the header
        except ValueError as e:
            raise TesseractError(f"cannot parse tesseract TSV output: {e}") from e


def _new_api(name: str, lang: str, psm: int):
    """A new handle of in-process engine ``name`` (``library`` or ``tesserocr``), set as
    ``READ_SETTINGS`` says."""
    api = _LibraryApi(lang, psm) if name == "library" else _TesserocrApi(lang, psm)
    for setting, value in READ_SETTINGS:
        if not api.set_variable(setting, value):
            log.debug("%s's tesseract has no setting %s", name, setting)
    return api


def _api(name: str, lang: str, psm: int):
    """This process's (and thread's) API handle of engine ``name`` for ``lang``, set to
    page segmentation mode ``psm``, created on first use; None when it cannot be
    created (warned once, the CLI takes over)."""
    if _apis.pid != os.getpid():  # a forked child does not share its parent's handles
        _apis.pid, _apis.handles = os.getpid(), {}
    key = (name, lang)  # one handle (one model in memory) for every page segmentation mode
    api = _apis.handles.get(key)
    if api is None and key not in _api_failed:
        try:
            api = _new_api(name, lang, psm)
        except (RuntimeError, libtesseract.LibraryError) as e:
            _api_failed.add(key)
            log.warning("%s cannot load %r (%s); OCR runs the tesseract program", name, lang, e)
            return None
        _apis.handles[key] = api
    if api is not None and api.psm != psm:
        api.set_psm(psm)
    return api


def _grey(image: Image.Image | np.ndarray | bytes) -> Image.Image:
    """The page as a decoded 8-bit greyscale image (a scan's JPEG bytes decoded)."""
    if isinstance(image, bytes):
        try:
            with Image.open(io.BytesIO(image)) as im:
                im.load()
                image = im if im.mode == "L" else im.convert("L")
        except (OSError, ValueError) as e:
            raise TesseractError(f"cannot decode the page image: {e}") from e
        return image
    if isinstance(image, np.ndarray):
        if image.dtype != np.uint8 or image.ndim != 2:
            raise ValueError(f"need a 2-D uint8 greyscale image, got {image.dtype} {image.shape}")
        return Image.fromarray(image, "L")
    return image if image.mode == "L" else image.convert("L")


def _api_words(api, image: Image.Image | np.ndarray | bytes, dpi: int, timeout: float) -> OcrResult:
    start = time.monotonic()
    # a decoded JPEG is handed over, not kept here: the engine can let it go once copied
    words = api.words(_grey(image), dpi, timeout)
    if words is None:
        if time.monotonic() - start >= 0.9 * timeout:
            log.warning("tesseract timed out after %.0f s", timeout)
            return OcrResult((), TIMEOUT_NOTE)
        raise TesseractError("tesseract could not recognise the page")
    return OcrResult(words, "" if words else "empty page")


# --- OCR -----------------------------------------------------------------------------


def parse_tsv(tsv: str) -> tuple[PixelWord, ...]:
    """Word rows (level 5) of tesseract's TSV with a text; conf -1 rows and blanks dropped."""
    words = []
    for row in tsv.splitlines()[1:]:
        cols = row.split("\t")
        if len(cols) < 12 or cols[0] != "5":
            continue
        text = cols[11].strip()
        conf = float(cols[10])
        if not text or conf < 0:
            continue
        words.append(PixelWord(text, int(cols[6]), int(cols[7]), int(cols[8]), int(cols[9]), conf,
                               int(cols[2]), int(cols[3]), int(cols[4])))
    return tuple(words)


def image_to_words(image: Image.Image | np.ndarray | bytes, *, lang: str = "swe", dpi: int = 300,
                   psm: int = 3, timeout: float = DEFAULT_TIMEOUT,
                   config: Sequence[str] = ()) -> OcrResult:
    """OCR one greyscale page image; word boxes in that image's pixels.

    Soft failures (empty page, timeout) give ``OcrResult((), note)``.
    """
    lang = resolve_language(lang)
    if not 0 <= psm <= PSM_MAX:
        raise TesseractError(f"no page segmentation mode {psm} (tesseract has 0-{PSM_MAX})")
    name = engine(lang)
    if not config and name != "cli":  # -c settings would stay on a shared handle
        api = _api(name, lang, psm)
        if api is not None:
            return _api_words(api, image, dpi, timeout)
    args = ["stdout", "-l", lang, "--psm", str(psm), "--dpi", str(dpi)]
    for c in (*(f"{name}={value}" for name, value in READ_SETTINGS), *config):
        args += ["-c", c]
    args.append("tsv")
    try:
        with _image_file(image, dpi) as (path, fds):
            proc = _run([path, *args], timeout=timeout, pass_fds=fds)
    except subprocess.TimeoutExpired:
        log.warning("tesseract timed out after %.0f s", timeout)
        return OcrResult((), TIMEOUT_NOTE)
    stderr = proc.stderr.decode("utf-8", "replace")
    if proc.returncode != 0:
        note = _soft_note(stderr)
        if note:
            return OcrResult((), note)
        _check(proc, "OCR")
    try:
        words = parse_tsv(proc.stdout.decode("utf-8"))
    except (ValueError, UnicodeDecodeError) as e:
        raise TesseractError(f"cannot parse tesseract TSV output: {e}") from e
    return OcrResult(words, "" if words else (_soft_note(stderr) or "empty page"))


_OSD_RE = {
    "rotate": re.compile(r"Rotate:\s*(\d+)"),
    "confidence": re.compile(r"Orientation confidence:\s*([\d.]+)"),
    "script": re.compile(r"Script:\s*(\S+)"),
}


def detect_orientation(image: Image.Image | np.ndarray, *, dpi: int = 300,
                       timeout: float = DEFAULT_TIMEOUT) -> Orientation | None:
    """Tesseract OSD (``--psm 0``); None when it cannot tell (too few characters, timeout)."""
    if "osd" not in available_languages():
        if "osd" not in _warned:
            _warned.add("osd")
            log.warning("tesseract model 'osd' is not installed (apt-get install tesseract-ocr-osd); "
                        "pages scanned upside down or sideways stay as they are")
        return None
    name = engine()
    if name != "cli":
        return _in_process_orientation(name, image, dpi)
    try:
        with _image_file(image, dpi) as (path, fds):
            proc = _run([path, "stdout", "--psm", "0", "--dpi", str(dpi)], timeout=timeout, pass_fds=fds)
    except subprocess.TimeoutExpired:
        log.warning("tesseract orientation detection timed out after %.0f s", timeout)
        return None
    out = proc.stdout.decode("utf-8", "replace")
    stderr = proc.stderr.decode("utf-8", "replace")
    m = _OSD_RE["rotate"].search(out)
    if proc.returncode != 0 or m is None:
        if _soft_note(stderr) or proc.returncode == 0:
            return None
        _check(proc, "orientation detection")
    conf = _OSD_RE["confidence"].search(out)
    script = _OSD_RE["script"].search(out)
    return Orientation(int(m.group(1)) % 360, float(conf.group(1)) if conf else 0.0,
                       script.group(1) if script else "")


def _in_process_orientation(name: str, image: Image.Image | np.ndarray, dpi: int) -> Orientation | None:
    """OSD in-process. The ``osd`` model is loaded for the page and let go after it (OSD
    runs on few pages: a handle kept would hold 35 MB in every worker for them)."""
    img = _grey(image)
    try:
        api = _new_api(name, "osd", 0)
    except (RuntimeError, libtesseract.LibraryError) as e:
        raise TesseractError(f"orientation detection: {e}") from e
    try:
        found = api.orientation(img, dpi)
    finally:
        api.close()
    return None if found is None else Orientation(*found)


def searchable_pdf(images: Sequence[Path], dst: Path, *, lang: str = "eng",
                   timeout: float = 3600.0) -> Path:
    """tesseract's PDF renderer: the images (JPEGs stay as they are) with invisible text."""
    if not images:
        raise ValueError("no images")
    lang = resolve_language(lang)
    dst = Path(dst)
    dst.parent.mkdir(parents=True, exist_ok=True)
    listing = dst.with_suffix(".images.txt")
    listing.write_text("".join(f"{Path(p).resolve()}\n" for p in images))
    try:
        proc = _run([str(listing), str(dst.with_suffix("")), "-l", lang, "pdf"], timeout=timeout)
    except subprocess.TimeoutExpired as e:
        raise TesseractError(f"tesseract pdf timed out after {timeout:.0f} s") from e
    finally:
        listing.unlink(missing_ok=True)
    _check(proc, "pdf")
    return dst
