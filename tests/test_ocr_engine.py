"""The OCR engines of ``extract/tesseract.py`` give the same words on real scanned pages
and the same soft failures.

- tesserocr in-process (the default; its wheel's own build of tesseract 5.3.4) against
  the tesseract program (Debian's 5.3.0): exactly the same words, boxes and
  confidences. This is what lets ``auto`` take it.
- libtesseract in-process (the program's own library) against the program: the same.
"""
from __future__ import annotations

import importlib.util
import os
import subprocess
import sys
from pathlib import Path

import pypdfium2 as pdfium
import pytest
from PIL import Image

from malrapport.extract import libtesseract, render, tesseract
from malrapport.extract.ocr import ocr_page
from malrapport.extract.options import ExtractOptions

SCANS = Path(__file__).resolve().parent.parent / "samples" / "pdf" / "scan300"
PAGES = (("ange-2024-t3.pdf", 0), ("norrfors-ar-2022.pdf", 1), ("sjovik-2022-t1.pdf", 0))


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


def test_each_in_process_engine_gives_the_programs_words_exactly(use_engine):
    """The program's reading is made once, for both engines."""
    engines = ["library"] + (["tesserocr"] if importlib.util.find_spec("tesserocr") else [])
    readings = {}
    for name in ["cli", *engines]:
        use_engine(name)
        readings[name] = [ocr_page(SCANS / f, i, ExtractOptions()) for f, i in PAGES]
    for name in engines:
        for cli, api in zip(readings["cli"], readings[name]):
            assert api.note == cli.note, name
            assert [(w.text, w.x0, w.top, w.x1, w.bottom, w.conf) for w in api.words] == \
                [(w.text, w.x0, w.top, w.x1, w.bottom, w.conf) for w in cli.words], name
    assert sum(len(r.words) for r in readings["cli"]) > 300


def test_tesserocr_walks_the_words_as_its_tsv_lists_them():
    """tesserocr's words come from its result iterator, not from the TSV text it can
    build; on the same recognition both give the same words, boxes, confidences and
    block, paragraph and line numbers (which group the words into lines later)."""
    pytest.importorskip("tesserocr")
    api = tesseract._TesserocrApi("swe", 3)
    try:
        compared = 0
        for f, i in PAGES:
            with pdfium.PdfDocument(str(SCANS / f)) as pdf:
                pimg = render.page_image(pdf[i], 300, 10**9)
            pixels = api._set_image(pimg.full(), round(pimg.dpi))  # noqa: F841 (alive until Clear)
            assert api._api.Recognize()
            from_tsv = tesseract.parse_tsv("header\n" + api._api.GetTSVText(0))
            walked = api._iterated_words()
            api._api.Clear()
            assert walked == from_tsv, f
            assert len({(w.block, w.par, w.line) for w in walked}) > 10, f
            compared += len(walked)
        assert compared > 300
    finally:
        api.close()


def test_the_default_is_in_process_and_reads_as_the_program(monkeypatch):
    monkeypatch.delenv(tesseract.ENGINE_ENV, raising=False)  # the default
    _clear()
    assert tesseract._requested_engine() == "auto"
    program = tesseract.version()
    if importlib.util.find_spec("tesserocr") is not None:  # a dependency on Linux x86_64/aarch64
        import tesserocr
        theirs = tesseract._tesserocr_tesseract(tesserocr)
        assert theirs.split(".")[:2] == program.split(".")[:2], "tesserocr would not be taken"
        assert tesseract.engine("swe") == "tesserocr"
        assert tesseract.engine_line("swe") == f"tesserocr {tesserocr.__version__} (tesseract {theirs}) in-process"
    else:
        assert tesseract.engine("swe") == "library"
        assert libtesseract.version() == program
        assert tesseract.engine_line("swe") == f"libtesseract {program} in-process"


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


NO_TESSEROCR = """
import sys
sys.modules["tesserocr"] = None  # what an install without it gives: ImportError
"""


def test_fallback_to_the_library_then_the_cli():
    out = _run(CHECK, MALRAPPORT_OCR_ENGINE="cli")
    assert out.startswith("cli False Hello world 2024") and "ocr: tesseract CLI" in out
    out = _run(CHECK, MALRAPPORT_OCR_ENGINE="library")
    assert out.startswith("library False Hello world 2024") and "ocr: libtesseract 5" in out
    # no tesserocr: the program's library in-process
    out = _run(NO_TESSEROCR + CHECK, MALRAPPORT_OCR_ENGINE="auto")
    assert out.startswith("library False Hello world 2024") and "ocr: libtesseract 5" in out
    # ... unless it was asked for by name
    proc = subprocess.run([sys.executable, "-c", NO_TESSEROCR + CHECK], capture_output=True, text=True,
                          timeout=300, env={**os.environ, "MALRAPPORT_OCR_ENGINE": "tesserocr"})
    assert proc.returncode != 0 and "MALRAPPORT_OCR_ENGINE=tesserocr but tesserocr cannot be imported" in proc.stderr
    # neither: the CLI takes over, no error
    out = _run(NO_TESSEROCR + NO_LIBRARY + CHECK, MALRAPPORT_OCR_ENGINE="auto")
    assert out.startswith("cli False Hello world 2024") and "ocr: tesseract CLI" in out
    # ... unless it was asked for by name
    proc = subprocess.run([sys.executable, "-c", NO_LIBRARY + CHECK], capture_output=True, text=True,
                          timeout=300, env={**os.environ, "MALRAPPORT_OCR_ENGINE": "library"})
    assert proc.returncode != 0 and "MALRAPPORT_OCR_ENGINE=library but cannot open libtesseract" in proc.stderr
    if importlib.util.find_spec("tesserocr") is not None:
        for name in ("auto", "tesserocr"):
            out = _run(CHECK, MALRAPPORT_OCR_ENGINE=name)
            assert out.startswith("tesserocr True Hello world 2024") and "ocr: tesserocr" in out


def test_orientation_in_process_is_the_programs(use_engine):
    """OSD in-process gives what ``tesseract --psm 0`` prints, on a real scanned page
    turned every way, and None on a blank page, as the program does."""
    with pdfium.PdfDocument(str(SCANS / PAGES[0][0])) as pdf:
        img = render.page_image(pdf[0], 300, 10**9).full()
    small = img.reduce(2)  # the 150 dpi the pipeline gives OSD
    found = {}
    engines = ["cli", "library"] + (["tesserocr"] if importlib.util.find_spec("tesserocr") else [])
    for name in engines:
        use_engine(name)
        found[name] = [tesseract.detect_orientation(small.rotate(turn, expand=True), dpi=150)
                       for turn in (0, 90, 180, 270)]
        assert tesseract.detect_orientation(Image.new("L", (1200, 1600), 255), dpi=150) is None
    for name in engines[1:]:
        assert found[name] == found["cli"], name
    # PIL turns counter-clockwise; what undoes it is a clockwise turn by as much
    assert [o.rotate for o in found["cli"]] == [0, 90, 180, 270]


PITCH = "textord_disable_pitch_test"
COURIER_LINES = (
    "Kommunfullmäktige beslutade om mål för verksamheten under året.",
    "Aktiviteten pågår enligt plan och väntas bli klar i december.",
    "Andelen elever med godkända betyg ökade från 78 till 81 procent.",
    "Åtgärden är försenad på grund av brist på personal i förvaltningen.",
    "Målet bedöms vara delvis uppfyllt; arbetet fortsätter nästa år.",
)


def _courier_page(tmp_path: Path) -> Image.Image:
    """A page typed in a fixed-pitch font (Courier, as pdfium draws it) at 300 dpi: the
    text tesseract's pitch search is for."""
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    path = tmp_path / "courier.pdf"
    c = canvas.Canvas(str(path), pagesize=A4)
    y = 780.0
    for k in range(40):
        c.setFont("Courier-Bold" if k % 9 == 0 else "Courier", 10 if k % 3 else 11)
        c.drawString(60, y, COURIER_LINES[k % len(COURIER_LINES)])
        y -= 18
    c.save()
    with pdfium.PdfDocument(str(path)) as pdf:
        return pdf[0].render(scale=300 / 72, grayscale=True).to_pil().convert("L")


def _lines(words) -> list[list[int]]:
    """The words grouped into lines as ``ocr.to_page_words`` groups them."""
    groups: dict = {}
    for i, w in enumerate(words):
        groups.setdefault((w.block, w.par, w.line), []).append(i)
    return sorted(groups.values())


@pytest.mark.parametrize("name", ["library", "tesserocr"])
def test_skipping_the_fixed_pitch_search_leaves_the_words_as_they_were(name, tmp_path):
    """``READ_SETTINGS`` turns tesseract's fixed-pitch search off (1.7 % of a page's
    recognition). On a sample scan the words are the same, numbering included; on a
    page typed in Courier the same words, boxes, confidences and lines (tesseract may
    number its paragraphs otherwise there, which the program does not use)."""
    if name == "tesserocr":
        pytest.importorskip("tesserocr")
    api = tesseract._new_api(name, "swe", 3)
    try:
        if name == "tesserocr":  # on from the handle's start
            assert api._api.GetVariableAsString(PITCH) == "1"
        with pdfium.PdfDocument(str(SCANS / PAGES[1][0])) as pdf:
            scan = render.page_image(pdf[PAGES[1][1]], 300, 10**9).full()
        for img, numbered_alike in ((scan, True), (_courier_page(tmp_path), False)):
            read = {}
            for value in ("0", "1"):
                assert api.set_variable(PITCH, value)
                read[value] = api.words(img, 300, 120.0)
            off, on = read["0"], read["1"]
            assert on is not None and len(on) > 50
            if numbered_alike:
                assert on == off
            assert [(w.text, w.left, w.top, w.width, w.height, w.conf) for w in on] == \
                [(w.text, w.left, w.top, w.width, w.height, w.conf) for w in off]
            assert _lines(on) == _lines(off)
    finally:
        api.set_variable(PITCH, "1")  # tesseract keeps it for the whole process
        api.close()
