"""The OCR engines of ``extract/tesseract.py`` give the same words on real scanned pages
and the same soft failures.

- libtesseract in-process (the default) against the tesseract program: the same
  library, so exactly the same words, boxes and confidences.
- tesserocr (opt-in) against the program: measured on the three pages below
  (2026-12-01), the same number of words, and every word read with confidence >= 0.6
  has the same text and box. The only differences are low-confidence noise (a column
  of symbols beside a table of contents on norrfors-ar-2022 p2: 11 of 72 words, all
  with conf < 0.5): the wheel's tesseract is 5.5.4, Debian's program 5.3.0, and the
  input image is the same.
"""
from __future__ import annotations

import importlib.util
import os
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pypdfium2 as pdfium
import pytest
from PIL import Image

from malrapport.extract import libtesseract, render, tesseract
from malrapport.extract.ocr import ocr_page
from malrapport.extract.options import ExtractOptions

SCANS = Path(__file__).resolve().parent.parent / "samples" / "pdf" / "scan300"
PAGES = (("ange-2024-t3.pdf", 0), ("norrfors-ar-2022.pdf", 1), ("sjovik-2022-t1.pdf", 0))
PX = 72 / 300  # one pixel of a 300 dpi scan, in points
SURE = 0.6


@pytest.fixture
def use_engine(monkeypatch):
    def use(name: str) -> None:
        if name == "tesserocr":
            pytest.importorskip("tesserocr")
        monkeypatch.setenv(tesseract.ENGINE_ENV, name)
        _clear()
        assert tesseract.engine("swe") == name
    yield use
    monkeypatch.delenv(tesseract.ENGINE_ENV, raising=False)
    _clear()


def _clear() -> None:
    for probe in (tesseract._library, tesseract._tesserocr, tesseract._tesserocr_languages):
        probe.cache_clear()


def _key(w):
    return (w.text, round(w.x0 / PX), round(w.top / PX), round(w.x1 / PX), round(w.bottom / PX))


def _close(a, b) -> bool:
    return a[0] == b[0] and all(abs(p - q) <= 1 for p, q in zip(a[1:], b[1:]))


def test_the_library_gives_the_programs_words_exactly(use_engine):
    readings = {}
    for name in ("cli", "library"):
        use_engine(name)
        readings[name] = [ocr_page(SCANS / f, i, ExtractOptions()) for f, i in PAGES]
    for cli, lib in zip(readings["cli"], readings["library"]):
        assert lib.note == cli.note
        assert [(w.text, w.x0, w.top, w.x1, w.bottom, w.conf) for w in lib.words] == \
            [(w.text, w.x0, w.top, w.x1, w.bottom, w.conf) for w in cli.words]
    assert sum(len(r.words) for r in readings["cli"]) > 300


def test_the_default_is_the_library_when_it_is_the_programs_version(monkeypatch):
    monkeypatch.delenv(tesseract.ENGINE_ENV, raising=False)  # the default
    _clear()
    assert tesseract._requested_engine() == "auto"
    assert tesseract.engine("swe") == "library"
    assert libtesseract.version() == tesseract.version()
    assert tesseract.engine_line("swe") == f"libtesseract {tesseract.version()} in-process"


def test_tesserocr_gives_nearly_the_same_words(use_engine):
    readings = {}
    for name in ("cli", "tesserocr"):
        use_engine(name)
        readings[name] = [ocr_page(SCANS / f, i, ExtractOptions()) for f, i in PAGES]
    total = same = sure = sure_same = 0
    for cli, api in zip(readings["cli"], readings["tesserocr"]):
        assert cli.note == api.note
        assert abs(len(cli.words) - len(api.words)) <= 0.02 * len(cli.words) + 1
        left = Counter(_key(w) for w in api.words)
        for w in cli.words:
            k = _key(w)
            match = next((o for o in left if left[o] and _close(k, o)), None)
            total += 1
            sure += w.conf >= SURE
            if match is not None:
                left[match] -= 1
                same += 1
                sure_same += w.conf >= SURE
    assert total > 300
    assert sure_same == sure  # every confident word: same text, box within 1 px
    assert same >= 0.95 * total  # measured 0.97: the rest is low-confidence noise


def test_same_soft_failures(use_engine):
    blank = Image.new("L", (1200, 1600), 255)
    for name in ("cli", "library", "tesserocr"):
        if name == "tesserocr" and importlib.util.find_spec("tesserocr") is None:
            continue
        use_engine(name)
        result = tesseract.image_to_words(blank, lang="eng", dpi=150)
        assert result.words == () and result.note == "empty page"
        with pytest.raises(tesseract.TesseractError):
            tesseract.image_to_words(blank, lang="eng", psm=99)


@pytest.mark.parametrize("name", ["library", "tesserocr"])
def test_an_in_process_timeout_is_a_soft_failure(use_engine, name):
    use_engine(name)
    with pdfium.PdfDocument(str(SCANS / PAGES[0][0])) as pdf:
        img = render.page_image(pdf[0], 300, 10**9).full()
    result = tesseract.image_to_words(img, lang="swe", dpi=300, timeout=0.001)
    assert result.words == () and result.note == tesseract.TIMEOUT_NOTE
    # the handle is still good after a deadline
    assert len(tesseract.image_to_words(img, lang="swe", dpi=300).words) > 50


def _run(code: str, **env) -> str:
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300,
                          env={**os.environ, **env})
    assert proc.returncode == 0, proc.stderr
    return proc.stdout


CHECK = """
import sys
from PIL import Image, ImageDraw
from malrapport.extract import libtesseract, render, tesseract
from malrapport.cli import version_line
img = Image.new("L", (1400, 300), 255)
ImageDraw.Draw(img).text((40, 80), "Hello world 2024", fill=0, font_size=80)
words = [w.text for w in tesseract.image_to_words(img, lang="eng", dpi=300).words]
print(tesseract.engine("eng"), sys.modules.get("tesserocr") is not None, " ".join(words), "|", version_line())
"""


NO_LIBRARY = """
import ctypes.util
ctypes.util.find_library = lambda name: None
from malrapport.extract import libtesseract
libtesseract.SONAMES = ("libtesseract-not-here.so.5",)
"""


def test_fallback_to_the_cli():
    out = _run(CHECK, MALRAPPORT_OCR_ENGINE="cli")
    assert out.startswith("cli False Hello world 2024") and "ocr: tesseract CLI" in out
    out = _run(CHECK, MALRAPPORT_OCR_ENGINE="auto")
    assert out.startswith("library False Hello world 2024") and "ocr: libtesseract 5" in out
    # the library cannot be opened: the CLI takes over, no error
    out = _run(NO_LIBRARY + CHECK, MALRAPPORT_OCR_ENGINE="auto")
    assert out.startswith("cli False Hello world 2024") and "ocr: tesseract CLI" in out
    # ... unless it was asked for by name
    proc = subprocess.run([sys.executable, "-c", NO_LIBRARY + CHECK], capture_output=True, text=True,
                          timeout=300, env={**os.environ, "MALRAPPORT_OCR_ENGINE": "library"})
    assert proc.returncode != 0 and "MALRAPPORT_OCR_ENGINE=library but cannot open libtesseract" in proc.stderr
    if importlib.util.find_spec("tesserocr") is not None:
        out = _run(CHECK, MALRAPPORT_OCR_ENGINE="tesserocr")
        assert out.startswith("tesserocr True Hello world 2024") and "ocr: tesserocr" in out


def test_orientation_in_process_is_the_programs(use_engine):
    """OSD through the library gives what ``tesseract --psm 0`` prints, on a real scanned
    page turned every way, and None on a blank page, as the program does."""
    with pdfium.PdfDocument(str(SCANS / PAGES[0][0])) as pdf:
        img = render.page_image(pdf[0], 300, 10**9).full()
    small = img.reduce(2)  # the 150 dpi the pipeline gives OSD
    found = {}
    for name in ("cli", "library"):
        use_engine(name)
        found[name] = [tesseract.detect_orientation(small.rotate(turn, expand=True), dpi=150)
                       for turn in (0, 90, 180, 270)]
        assert tesseract.detect_orientation(Image.new("L", (1200, 1600), 255), dpi=150) is None
    assert found["library"] == found["cli"]
    # PIL turns counter-clockwise; what undoes it is a clockwise turn by as much
    assert [o.rotate for o in found["cli"]] == [0, 90, 180, 270]
