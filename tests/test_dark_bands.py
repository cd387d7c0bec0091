"""Header rows printed light on a dark fill, found on the scan and read again alone.

The scan is the committed 300 dpi sample of ange-ar-2023 (family D): page 10 holds
two goal tables whose header rows are white on dark grey. The words expected are
the headers as printed there (checked against the page image by eye and against
the digital twin's text layer below), not the program's own output.
"""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pypdfium2 as pdfium
import pytest

from malrapport.extract import bands, inverted, render
from malrapport.extract.ocr import ocr_page
from malrapport.extract.options import ExtractOptions
from malrapport.extract.tesseract import PixelWord
from conftest import SAMPLES

SCAN = SAMPLES / "pdf/scan300/ange-ar-2023.pdf"
DIGITAL = SAMPLES / "pdf/digital/ange-ar-2023.pdf"
PAGE = 9  # 0-based: page 10
HEADERS = (["Mål", "Bedömning", "Kommentar"], ["Finansiellt", "mål", "Målvärde", "Utfall", "Bedömning"])


def _page_image(pdf: Path, index: int) -> render.PageImage:
    doc = pdfium.PdfDocument(str(pdf))
    try:
        return render.page_image(doc[index], 300, ExtractOptions().max_pixels)
    finally:
        doc.close()


def _digital_header_lines() -> list[str]:
    """The two header rows as the digital twin's text layer has them."""
    doc = pdfium.PdfDocument(str(DIGITAL))
    try:
        text = doc[PAGE].get_textpage().get_text_range()
    finally:
        doc.close()
    return [line.split() for line in text.splitlines()]


def test_the_headers_expected_are_the_digital_twins():
    lines = _digital_header_lines()
    for header in HEADERS:
        assert header in lines


@pytest.fixture(scope="module")
def page_image():
    pimg = _page_image(SCAN, PAGE)
    if pimg is None:
        pytest.skip("the sample page holds no scan image")
    return pimg


def test_both_header_bands_are_found_and_nothing_else(page_image):
    small, small_dpi = page_image.preview()
    found = inverted.dark_bands(small, small_dpi, page_image.px_size[0] / small.width)
    assert len(found) == 2
    (ax0, ay0, ax1, ay1), (bx0, by0, bx1, by1) = sorted(found, key=lambda b: b[1])
    width = page_image.px_size[0]
    for x0, x1 in ((ax0, ax1), (bx0, bx1)):  # the tables' full width, not a word's
        assert x1 - x0 > 0.7 * width
    for y0, y1 in ((ay0, ay1), (by0, by1)):  # a header row's height at 300 dpi
        assert 0.15 * 300 < y1 - y0 < 0.5 * 300
    assert by0 > ay1 + 300  # two tables, an inch and more apart


def test_a_page_without_a_dark_fill_has_no_band():
    pimg = _page_image(SAMPLES / "pdf/scan300/sjovik-2022-t1.pdf", 0)
    small, small_dpi = pimg.preview()
    assert inverted.dark_bands(small, small_dpi, pimg.px_size[0] / small.width) == []


def test_the_band_cut_out_reads_dark_on_light(page_image):
    small, small_dpi = page_image.preview()
    found = sorted(inverted.dark_bands(small, small_dpi, page_image.px_size[0] / small.width),
                   key=lambda b: b[1])
    # the frame OCR reads this page in: deskewed (the bands were found in the scan's)
    skew = render.estimate_skew(small, small_dpi)
    image, _offset = render.deskew(page_image.full(), skew)
    for box, header in zip(found, HEADERS):
        (band,) = bands.refined(image, render.rotated_region(box, skew, page_image.px_size), 300)
        assert band[1] >= box[1] - 30 and band[3] <= box[3] + 30
        strip, (x, y) = inverted.lightened(image, band, 300)
        a = np.asarray(strip)
        assert np.median(a) > 200  # paper, where the band was dark
        assert x < band[0] and y < band[1]  # on a margin of paper
        words = bands.read_alone(image, band, 300, ExtractOptions())
        assert [w.text for w in words] == header
        for w in words:  # in the page image's pixels, inside the band
            assert band[0] <= w.left and w.left + w.width <= band[2]
            assert band[1] - 10 <= w.top and w.top + w.height <= band[3] + 10


def _word(text: str, left: int, conf: float = 90.0) -> PixelWord:
    return PixelWord(text, left, 100, 50, 20, conf, 1, 1, 1)


def test_the_band_reading_replaces_only_the_words_inside_and_where_they_stood():
    before = _word("före", 0), _word("So", 290, 30), _word("Mål", 300, 40), _word("efter", 900)
    box = (150, 80, 800, 140)
    again = _word("Mål", 300, 95), _word("Bedömning", 500, 93)
    out = bands.replaced(before, box, again)
    assert [w.text for w in out] == ["före", "Mål", "Bedömning", "efter"]


def test_a_band_reading_that_reads_worse_is_not_taken():
    before = _word("Mål", 300, 95), _word("Bedömning", 500, 93)
    box = (150, 80, 800, 140)
    assert bands.replaced(before, box, (_word("M", 300, 40),)) == before
    assert bands.replaced(before, box, ()) == before


def test_stray_unsure_letters_do_not_outweigh_a_surer_band_reading():
    """The page read as it is split a light-on-dark ``Mål`` into the ring (``o``) and
    ``Mal`` read unsure: one letter more than the band's own ``Mål``, and under the
    plain letters-times-confidence weight (1990 against 1988) it would have stayed.
    Confidences as tesseract gave them on a colour scan of family D."""
    before = (_word("o", 275, 86.6), _word("Mal", 236, 64.1), _word("Bedömning", 1160, 96.2),
              _word("Kommentar", 1427, 94.0))
    again = _word("Mål", 236, 96.0), _word("Bedömning", 1160, 94.4), _word("Kommentar", 1427, 94.4)
    box = (211, 80, 3295, 140)
    assert [w.text for w in bands.replaced(before, box, again)] == ["Mål", "Bedömning", "Kommentar"]
    # a reading no surer than the page's still loses to it
    unsure = _word("Mal", 236, 55.0), _word("Bedömning", 1160, 60.0), _word("Kommentar", 1427, 60.0)
    assert bands.replaced(before, box, unsure) == before


def test_the_page_read_has_every_header_word(page_image):
    page = ocr_page(SCAN, PAGE, ExtractOptions())
    lines: dict[float, list[str]] = {}
    for w in page.words:
        lines.setdefault(round(w.top / 4), []).append(w.text)
    texts = [" ".join(v) for v in lines.values()]
    for header in HEADERS:
        assert any(" ".join(header) in t for t in texts), texts[:6]


def test_a_band_read_in_its_own_mode_leaves_the_page_reading_as_it_was(page_image):
    """The band is read in mode 6 on the same handle as the pages (mode 3): the next
    page reads word for word as it did before, and the handle is still the one."""
    from malrapport.extract import tesseract

    image = page_image.full()
    first = tesseract.image_to_words(image, dpi=300).words
    small, small_dpi = page_image.preview()
    box = inverted.dark_bands(small, small_dpi, page_image.px_size[0] / small.width)[0]
    strip, _ = inverted.lightened(image, box, 300)
    name = tesseract.engine("swe")
    handle = tesseract._api(name, "swe", 3) if name != "cli" else None
    tesseract.image_to_words(strip, dpi=300, psm=bands.BAND_PSM)
    assert tesseract.image_to_words(image, dpi=300).words == first
    if handle is not None:
        assert tesseract._api(name, "swe", 3) is handle


def test_a_word_in_the_band_box_that_the_band_reading_has_nothing_over_stays():
    """The box of a band can reach into the line beside it ("80" of a goal title just
    under a header row): a word there that no word of the band's reading stands over
    is no word of the band, and is kept."""
    before = _word("minst", 100), _word("80", 170), _word("So", 300, 30)
    box = (50, 80, 800, 140)
    again = (_word("Mål", 300, 95),)
    assert [w.text for w in bands.replaced(before, box, again)] == ["minst", "80", "Mål"]
