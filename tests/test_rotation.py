"""Pages turned by /Rotate, by a rotation in their content, or both, read as the upright page.

The cases are built from the real samples with pypdf: /Rotate on every page and on
some pages; the portrait content drawn turned on a landscape MediaBox (a rotation
``cm`` around the whole content stream), with and without the /Rotate that turns it
back upright; and all of these mixed in one file. Family A (ange-2025-t1, words only),
D (ange-ar-2023, a goal table whose symbols are drawn shapes) and E (ange-vp-2017, a
ruled table: rules from the drawing) are read by the real CLI and scored against the
gold: each must score what the unrotated file scores. A faster check compares the
words, rules and marks of every page with the unrotated page's; one scanned page with
/Rotate 90 goes through OCR.
"""
from __future__ import annotations

import ctypes
import functools
import re
import shutil
from pathlib import Path

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c
import pytest
from pypdf import PdfReader, PdfWriter, Transformation
from pypdf.generic import RectangleObject

from conftest import DIGITAL, GOLD, SAMPLES, run_cli
from malrapport.extract.options import ExtractOptions
from malrapport.extract.orientation import PageFrame, page_box
from malrapport.extract.pages import text_pages

FAMILIES = ("ange-2025-t1", "ange-ar-2023", "ange-vp-2017")  # A, D, E
PLAIN = (0, 0)  # (content turned counter-clockwise, /Rotate)


def build(src: Path, dst: Path, per_page) -> Path:
    """``src`` with page i drawn as ``per_page(i)`` = (content turn, /Rotate): a content
    turn of 90 or 270 draws the page sideways on a landscape MediaBox (180 upside down)."""
    writer = PdfWriter(clone_from=PdfReader(src))
    for i, page in enumerate(writer.pages):
        turn, rotate = per_page(i)
        if turn:
            x0, y0, x1, y1 = (float(v) for v in page.mediabox)
            w, h = x1 - x0, y1 - y0
            shift = {90: (h, 0.0), 180: (w, h), 270: (0.0, w)}[turn]
            page.add_transformation(Transformation().translate(-x0, -y0).rotate(turn)
                                    .translate(*shift))
            box = RectangleObject([0, 0, h, w] if turn in (90, 270) else [0, 0, w, h])
            page.mediabox = box
            page.cropbox = box
            for name in ("/TrimBox", "/BleedBox", "/ArtBox"):
                if name in page:
                    del page[name]
        if rotate:
            page.rotate(rotate)
    dst.parent.mkdir(parents=True, exist_ok=True)
    writer.write(dst)
    return dst


# Each group holds one file of each family; the group scores as the unrotated files do.
MIXED_CYCLE = (PLAIN, (0, 90), (90, 0), (270, 270), (0, 180), (90, 90), (270, 0), (0, 270))


def _cycle(start: int):
    """Page i drawn the way ``MIXED_CYCLE`` lists, from its ``start``-th entry on."""
    return lambda i: MIXED_CYCLE[(i + start) % len(MIXED_CYCLE)]


GROUPS = {
    "rotate-every-page": {"ange-2025-t1": lambda i: (0, 90), "ange-ar-2023": lambda i: (0, 180),
                          "ange-vp-2017": lambda i: (0, 270)},
    "rotate-some-pages": {"ange-2025-t1": lambda i: (0, 90) if i in (1, 2) else PLAIN,
                          "ange-ar-2023": lambda i: (0, 270) if i % 2 else PLAIN,
                          "ange-vp-2017": lambda i: (0, (0, 90, 180, 270)[i % 4])},
    "landscape-content-turned": {"ange-2025-t1": lambda i: (90, 0), "ange-ar-2023": lambda i: (90, 0),
                                 "ange-vp-2017": lambda i: (270, 0)},
    "landscape-turned-back-by-rotate": {"ange-2025-t1": lambda i: (270, 270),
                                        "ange-ar-2023": lambda i: (270, 270),
                                        "ange-vp-2017": lambda i: (90, 90)},
    "all-mixed-in-one-file": {stem: _cycle(k) for k, stem in enumerate(FAMILIES)},
}


def field_f1(out: Path, gold: Path) -> float:
    proc = run_cli("evaluate", out, "--gold", gold, check=False)
    found = re.search(r"field_f1=([0-9.]+)", proc.stdout)
    assert found, proc.stdout + proc.stderr
    return float(found.group(1))


def test_rotated_reports_score_as_the_unrotated_ones(tmp_path):
    """One extract run over the unrotated files and every group (the rotated copies named
    ``<stem>~<group>``, their gold copied under that name), one evaluate per group."""
    pdfs, golds = tmp_path / "pdf", tmp_path / "gold"
    pdfs.mkdir()
    (golds / "unrotated").mkdir(parents=True)
    for stem in FAMILIES:
        shutil.copy(DIGITAL / f"{stem}.pdf", pdfs / f"{stem}.pdf")
        shutil.copy(GOLD / f"{stem}.json", golds / "unrotated" / f"{stem}.json")
    for group, cases in GROUPS.items():
        (golds / group).mkdir()
        for stem, per_page in cases.items():
            build(DIGITAL / f"{stem}.pdf", pdfs / f"{stem}~{group}.pdf", per_page)
            shutil.copy(GOLD / f"{stem}.json", golds / group / f"{stem}~{group}.json")
    out = tmp_path / "out"
    proc = run_cli("extract", pdfs, "-o", out, "--ocr", "never", "--workers", "2", "--quiet",
                   check=False)
    assert proc.returncode == 0, proc.stderr
    assert "unknown_layout" not in proc.stderr
    unrotated = field_f1(out, golds / "unrotated")
    assert unrotated == 1.0
    scores = {group: field_f1(out, golds / group) for group in GROUPS}
    assert scores == {group: unrotated for group in GROUPS}, scores


@functools.cache
def _pages(path: Path):
    pdf = pdfium.PdfDocument(str(path))
    try:
        return [words for words, _facts in text_pages(pdf, ExtractOptions(ocr="never"))]
    finally:
        pdf.close()


def _close(a, b, tolerance: float = 0.01) -> bool:
    return len(a) == len(b) and all(abs(x - y) <= tolerance for x, y in zip(a, b))


def _boxes(items) -> list[tuple[float, ...]]:
    return sorted((x.x0, x.top, x.x1, x.bottom) for x in items)


def _same_page(got, want) -> str:
    """'' or what differs (turning the content moves boxes by float noise: 0.01 pt allowed)."""
    if not _close((got.width, got.height), (want.width, want.height)):
        return f"size {got.width}x{got.height}, not {want.width}x{want.height}"
    if [(w.text, w.size, w.bold, w.font) for w in got.words] != \
            [(w.text, w.size, w.bold, w.font) for w in want.words]:
        return f"words {' '.join(w.text for w in got.words)[:300]!r}"
    for g, w in zip(got.words, want.words):
        if not _close((g.x0, g.top, g.x1, g.bottom), (w.x0, w.top, w.x1, w.bottom)):
            return f"the box of {g.text!r}: {g}, not {w}"
    if len(got.rules) != len(want.rules) or not all(
            _close(a, b) for a, b in zip(_boxes(got.rules), _boxes(want.rules))):
        return f"rules {_boxes(got.rules)[:5]}, not {_boxes(want.rules)[:5]}"
    def marks(page):
        return sorted(page.marks, key=lambda m: (round(m.top), round(m.x0), m.kind))
    for g, w in zip(marks(got), marks(want)):
        if (g.kind, g.shape, g.colour, g.char, g.thumb) != (w.kind, w.shape, w.colour, w.char, w.thumb) \
                or not _close((g.x0, g.top, g.x1, g.bottom), (w.x0, w.top, w.x1, w.bottom)):
            return f"mark {g}, not {w}"
    if len(got.marks) != len(want.marks):
        return f"{len(got.marks)} marks, not {len(want.marks)}"
    return ""


@pytest.mark.parametrize("group", ["rotate-every-page", "landscape-content-turned",
                                   "landscape-turned-back-by-rotate", "all-mixed-in-one-file"])
@pytest.mark.parametrize("stem", FAMILIES)
def test_every_page_reads_as_the_unrotated_page(tmp_path, stem, group):
    """Words, their order, rules and marks of each page as from the unrotated file (the
    text page pdfium makes of a turned page orders characters by its displayed lines)."""
    turned = build(DIGITAL / f"{stem}.pdf", tmp_path / f"{stem}.pdf", GROUPS[group][stem])
    want, got = _pages(DIGITAL / f"{stem}.pdf"), _pages(turned)
    assert len(got) == len(want)
    for number, (g, w) in enumerate(zip(got, want), 1):
        assert not _same_page(g, w), f"page {number}: {_same_page(g, w)}"


@pytest.mark.parametrize("per_page", [lambda i: (90, 0), lambda i: (270, 270), _cycle(3)],
                         ids=["content-turned", "turned-back-by-rotate", "mixed"])
@pytest.mark.parametrize("stem", ["ange-delar-2024", "norrfors-ar-2022"])
def test_image_and_glyph_marks_turn_with_the_page(tmp_path, stem, per_page):
    """Symbols drawn as small images (ange-delar-2024) and as symbol-font glyphs
    (norrfors-ar-2022) keep their place, colour and picture."""
    turned = build(DIGITAL / f"{stem}.pdf", tmp_path / f"{stem}.pdf", per_page)
    want, got = _pages(DIGITAL / f"{stem}.pdf"), _pages(turned)
    assert any(p.marks for p in want)
    for number, (g, w) in enumerate(zip(got, want), 1):
        assert not _same_page(g, w), f"page {number}: {_same_page(g, w)}"


@pytest.mark.parametrize("rotate", [0, 90, 180, 270])
def test_frame_is_pdfiums_displayed_page(tmp_path, rotate):
    """``PageFrame`` with a turn equal to /Rotate maps page space as pdfium displays the page
    (its device mapping), also for a CropBox away from the origin."""
    pdf = pdfium.PdfDocument(str(DIGITAL / "ange-2025-t1.pdf"))
    page = pdf[0]
    page.set_cropbox(30, 50, 560, 800)
    page.set_rotation(rotate)
    frame = PageFrame(rotate, page_box(page))
    scale = 8
    width, height = round(frame.width * scale), round(frame.height * scale)
    assert (round(frame.width, 3), round(frame.height, 3)) == tuple(round(v, 3) for v in page.get_size())
    for x, y in ((30, 50), (560, 800), (30, 800), (100.5, 700.25)):
        dx, dy = ctypes.c_int(), ctypes.c_int()
        assert pdfium_c.FPDF_PageToDevice(page.raw, 0, 0, width, height, 0, x, y,
                                          ctypes.byref(dx), ctypes.byref(dy))
        fx, fy = frame.point(x, y)
        assert abs(fx * scale - dx.value) <= 1 and abs(fy * scale - dy.value) <= 1, (x, y)
    pdf.close()


def test_the_file_is_left_as_it_was(tmp_path):
    """Reading turns the loaded pages in memory only; the document's pages keep their
    /Rotate and boxes (OCR and rendering see the page as displayed)."""
    turned = build(DIGITAL / "ange-vp-2017.pdf", tmp_path / "t.pdf", lambda i: MIXED_CYCLE[i])
    pdf = pdfium.PdfDocument(str(turned))
    before = [(pdf[i].get_rotation(), pdf[i].get_mediabox(), pdf[i].get_cropbox()) for i in range(len(pdf))]
    text_pages(pdf, ExtractOptions(ocr="never"))
    after = [(pdf[i].get_rotation(), pdf[i].get_mediabox(), pdf[i].get_cropbox()) for i in range(len(pdf))]
    pdf.close()
    assert after == before


@pytest.mark.skipif(shutil.which("tesseract") is None, reason="needs tesseract")
def test_a_scanned_page_with_rotate_is_read_upright(tmp_path):
    """pdfium renders a /Rotate 90 page as displayed (on its side); orientation detection
    turns it upright, and it reads as the unrotated scan (one page, about 12 s)."""
    from malrapport.extract.ocr import ocr_page

    scan = SAMPLES / "pdf" / "scan300" / "sjovik-2022-t1.pdf"
    turned = build(scan, tmp_path / "scan.pdf", lambda i: (0, 90) if i == 1 else PLAIN)
    options = ExtractOptions()
    upright, sideways = ocr_page(scan, 1, options), ocr_page(turned, 1, options)
    assert (sideways.width, sideways.height) == (upright.width, upright.height)
    assert "turned 270°" in sideways.note
    texts = [w.text for w in upright.words]
    same = sum(a == b for a, b in zip(texts, (w.text for w in sideways.words)))
    assert len(sideways.words) == len(texts) and same >= 0.98 * len(texts)
