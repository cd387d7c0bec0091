"""OCR with the real tesseract binary on real PDFs made here: a reportlab page in the
tertial layout, rasterised into image-only PDFs (straight, turned 2°, upside down).

Three pages go through OCR (about 2 s each, the upside-down one about 4 s); the
rest are cheap checks of the wrapper, the renderer and the skew estimate.
"""
from __future__ import annotations

import logging
import pickle
import shutil
from concurrent.futures import ProcessPoolExecutor
from dataclasses import replace
from pathlib import Path

import pypdfium2 as pdfium
import pytest
from PIL import Image

from malrapport.extract import render, tesseract
from malrapport.extract.ocr import PageTooLarge, ocr_page
from malrapport.extract.options import ExtractOptions
from malrapport.samples import scans

pytestmark = pytest.mark.skipif(shutil.which("tesseract") is None,
                                reason="tesseract not installed (apt-get install tesseract-ocr tesseract-ocr-swe)")

CLEAN = replace(scans.SCAN300, noise=2.0, blur=0.5, quality=40)


@pytest.fixture(scope="module")
def pdfs(tmp_path_factory) -> dict[str, Path]:
    d = tmp_path_factory.mktemp("ocr")
    digital = scans.demo_pdf(d / "digital.pdf")
    out = {"digital": digital}
    for name, angle, flip in (("straight", 0.0, ()), ("tilted", 2.0, ()), ("upside", 0.4, (0,))):
        out[name] = d / f"{name}.pdf"
        scans.scan_pdf(digital, out[name], CLEAN, seed=7, angles=(angle,), flip_pages=flip)
    return out


def digital_words(path: Path) -> list[tuple[str, float, float, float, float]]:
    """Words of the reportlab page from pdfium's char boxes, top-left origin, points."""
    with pdfium.PdfDocument(str(path)) as pdf:
        page = pdf[0]
        tp = page.get_textpage()
        height = page.get_height()
        words, cur = [], None
        for i in range(tp.count_chars()):
            ch = tp.get_text_range(i, 1)
            if not ch or ch.isspace():
                if cur:
                    words.append(tuple(cur))
                cur = None
                continue
            left, bottom, right, top = tp.get_charbox(i)
            box = [left, height - top, right, height - bottom]
            cur = [ch, *box] if cur is None else [cur[0] + ch, min(cur[1], box[0]), min(cur[2], box[1]),
                                                 max(cur[3], box[2]), max(cur[4], box[3])]
        if cur:
            words.append(tuple(cur))
    return words


def overlap(a: tuple[float, float, float, float], b: tuple[float, float, float, float]) -> float:
    """Intersection over the smaller box."""
    w = min(a[2], b[2]) - max(a[0], b[0])
    h = min(a[3], b[3]) - max(a[1], b[1])
    if w <= 0 or h <= 0:
        return 0.0
    small = min((a[2] - a[0]) * (a[3] - a[1]), (b[2] - b[0]) * (b[3] - b[1]))
    return w * h / small


def matched_share(page, reference) -> float:
    """Share of the reference words found in the OCR with the same text and overlapping boxes."""
    ocr_boxes = {}
    for w in page.words:
        ocr_boxes.setdefault(w.text, []).append((w.x0, w.top, w.x1, w.bottom))
    hits = sum(any(overlap(box, ref[1:]) > 0.5 for box in ocr_boxes.get(ref[0], ())) for ref in reference)
    return hits / len(reference)


def test_ocr_page_reads_swedish_in_points(pdfs):
    options = ExtractOptions()
    job = (ocr_page, pdfs["straight"], 0, options)
    assert pickle.loads(pickle.dumps(job))[1:] == job[1:]
    with ProcessPoolExecutor(1) as pool:  # the job a pipeline sends to its workers
        page = pool.submit(ocr_page, pdfs["straight"], 0, options).result()

    assert page.source == "ocr" and page.number == 1
    assert page.width == pytest.approx(595.28, abs=0.5) and page.height == pytest.approx(841.89, abs=0.5)
    assert "scan image 300 dpi" in page.note
    texts = [w.text for w in page.words]
    assert {"Målavstämning,", "Bedömning", "påbörjad", "Pågående", "hälsofrämjande", "Ånge"} <= set(texts)
    assert all(w.source == "ocr" and 0.0 <= w.conf <= 1.0 for w in page.words)
    assert all(w.text.strip() and w.x0 < w.x1 and w.top < w.bottom for w in page.words)
    assert sum(w.conf for w in page.words) / len(page.words) > 0.85

    reference = digital_words(pdfs["digital"])
    assert matched_share(page, reference) > 0.9

    size = {w.text: w.size for w in page.words}
    assert size["Kommunfullmäktiges"] == pytest.approx(14, abs=1.5)  # heading, 14 pt
    assert size["Sjukfrånvaron"] == pytest.approx(10, abs=1.5)  # body, 10 pt


def test_tilted_page_is_deskewed_onto_the_original_frame(pdfs):
    page = ocr_page(pdfs["tilted"], 0, ExtractOptions())
    assert "deskewed -2.0" in page.note  # turned 2° anticlockwise, the lines rise to the right
    assert matched_share(page, digital_words(pdfs["digital"])) > 0.9
    header = [w for w in page.words if w.text in ("Verksamhetens", "Status", "Slutdatum")]
    assert len(header) == 3
    assert max(w.top for w in header) - min(w.top for w in header) < 1.5  # one level line


def test_upside_down_page_is_turned(pdfs):
    page = ocr_page(pdfs["upside"], 0, ExtractOptions())
    assert "turned 180°" in page.note
    texts = {w.text for w in page.words}
    assert {"Bedömning", "Kommentar", "Slutdatum"} <= texts
    assert matched_share(page, digital_words(pdfs["digital"])) > 0.9


# --- cheap checks, no OCR of a full page -----------------------------------------------


def test_probes():
    assert tesseract.version()[0] in "45"
    langs = tesseract.available_languages()
    assert "eng" in langs


def test_missing_language_warns_once_and_falls_back(caplog):
    caplog.set_level(logging.WARNING, logger="malrapport.extract.tesseract")
    assert tesseract.resolve_language("xx-missing") == "eng"
    assert tesseract.resolve_language("xx-missing") == "eng"
    warnings = [r for r in caplog.records if "xx-missing" in r.getMessage()]
    assert len(warnings) == 1 and "falling back" in warnings[0].getMessage()
    assert tesseract.resolve_language("eng+xx-missing") == "eng"


def test_empty_page_is_a_soft_failure():
    blank = Image.new("L", (1200, 1600), 255)
    result = tesseract.image_to_words(blank, lang="eng", dpi=150)
    assert result.words == () and result.note == "empty page"
    assert tesseract.detect_orientation(blank, dpi=150) is None


def test_tesseract_failure_is_typed():
    with pytest.raises(tesseract.TesseractError):
        tesseract.image_to_words(Image.new("L", (200, 200), 255), lang="eng", psm=99)


def test_missing_binary_is_typed(monkeypatch):
    monkeypatch.setenv("PATH", "/nonexistent")
    with pytest.raises(tesseract.TesseractNotFound):
        tesseract._run(["--version"], timeout=5)


def test_page_over_max_pixels_is_refused(pdfs):
    with pytest.raises(PageTooLarge, match="max_pixels"):
        ocr_page(pdfs["digital"], 0, ExtractOptions(max_pixels=1_000_000))
    with pytest.raises(PageTooLarge):
        ocr_page(pdfs["straight"], 0, ExtractOptions(max_pixels=1_000_000))


def test_page_image_takes_the_scan_or_renders(pdfs):
    with pdfium.PdfDocument(str(pdfs["straight"])) as pdf:
        scan = render.page_image(pdf[0], 300, 10**9)
    assert scan.native and scan.dpi == pytest.approx(300, abs=1) and scan.jpeg[:2] == b"\xff\xd8"
    small, small_dpi = scan.preview()
    assert small_dpi == pytest.approx(75, abs=1) and small.size == (621, 877) and small.mode == "L"
    assert scan.full().size == scan.px_size == (2481, 3508) and scan.full().mode == "L"
    with pdfium.PdfDocument(str(pdfs["digital"])) as pdf:
        drawn = render.page_image(pdf[0], 150, 10**9)
    assert not drawn.native and drawn.jpeg is None
    assert drawn.full().size == (1241, 1754) and drawn.full().mode == "L"


@pytest.mark.parametrize("angle", [-1.5, -0.3, 0.7, 2.0])
def test_estimate_skew(pdfs, angle):
    with pdfium.PdfDocument(str(pdfs["digital"])) as pdf:
        img = scans.render_grey(pdf[0], 75)
    tilted = img.rotate(angle, resample=Image.Resampling.BILINEAR, fillcolor=255)
    assert render.estimate_skew(tilted, 75) == pytest.approx(-angle, abs=0.1)
    assert render.estimate_skew(Image.new("L", (600, 800), 255), 150) == 0.0


# --- the committed scan samples ----------------------------------------------------------

SAMPLES = Path(scans.__file__).resolve().parent
needs_samples = pytest.mark.skipif(not scans.manifest_path(SAMPLES).exists(), reason="no scan samples")


def test_scans_are_reproducible(tmp_path, pdfs):
    small = replace(scans.SCAN200, dpi=100)
    a, b = tmp_path / "a.pdf", tmp_path / "b.pdf"
    angles = scans.scan_pdf(pdfs["digital"], a, small, seed=5)
    assert scans.scan_pdf(pdfs["digital"], b, small, seed=5) == angles and abs(angles[0]) <= 1.5
    assert a.read_bytes() == b.read_bytes()


@needs_samples
def test_committed_scans_come_from_the_committed_digital_samples():
    """A digital sample changed: rerun ``python -m malrapport.samples.scans`` and commit."""
    assert scans.read_manifest(SAMPLES) == scans.source_digests(SAMPLES)
    every = set(scans.source_digests(SAMPLES))
    system = {name for name in every if scans.all_sets(SAMPLES, Path(name).stem)}
    assert len(system) == 7 and len(every) > len(system)
    for variant, names in (("scan300", every), ("scan200", system), ("badlayer", system)):
        assert {p.name for p in (SAMPLES / "pdf" / variant).glob("*.pdf")} == names, variant


@needs_samples
def test_committed_scan_matches_a_fresh_render(tmp_path):
    src = SAMPLES / "pdf" / "digital" / "ange-2024-uppsikt.pdf"
    dst = tmp_path / src.name
    scans.scan_pdf(src, dst, scans.SCAN200, scans.seed_for(src.stem, "200"))
    assert dst.read_bytes() == (SAMPLES / "pdf" / "scan200" / src.name).read_bytes()
