"""A family D goal table scanned in grey: faint row rules on a skewed page, small coloured
circles (in the legend and the table) that the scan turns into greys.

The PDF is one the samples generator draws (``samples/accounts.py``, the ange-ar-2023
gold's goal-follow-up chapter) with lighter rules (#c6c6c6), 6 pt symbols and a light
table header, scanned with the samples' own 300 dpi greyscale recipe.
"""
from __future__ import annotations

import copy
import shutil
from pathlib import Path

import pandas as pd
import pytest

from malrapport.extract import pixels
from malrapport.extract.grids import grid_skeletons
from malrapport.extract.ocr import ocr_page
from malrapport.extract.options import ExtractOptions
from malrapport.extract.profile_load import builtin
from malrapport.extract.symbols import Legend, greyscale, symbol_key
from conftest import load_gold, run_cli


@pytest.fixture(scope="module")
def scanned(tmp_path_factory) -> tuple[Path, dict]:
    if shutil.which("chromium") is None and shutil.which("chromium-browser") is None:
        pytest.skip("the D samples are printed by Chromium")
    from malrapport.samples import accounts
    from malrapport.samples.scans import SCAN300, scan_pdf

    gold = copy.deepcopy(load_gold("ange-ar-2023"))
    render = gold["render"]
    render["chapters"] = [c for c in render["chapters"] if c["title"] == "Måluppföljning"]
    render["style"].update(rule_colour="#c6c6c6", symbol_size=6,
                           table_head_bg="#dde5ec", table_head_colour="#111111")
    tmp = tmp_path_factory.mktemp("scanned-d")
    (tmp / "digital.pdf").write_bytes(accounts.render_pdf(gold))
    scan_pdf(tmp / "digital.pdf", tmp / "scan.pdf", SCAN300, 7)
    return tmp / "scan.pdf", gold


def test_faint_row_rules_of_a_skewed_scan_are_whole_rules(scanned):
    """Where a faint rule steps from one pixel row to the next its ink is split between
    two rows, each too light alone: every row rule comes out whole, none in pieces."""
    pdf, _gold = scanned
    for index in (1, 2):  # the goal table's two pages
        page = ocr_page(pdf, index, ExtractOptions())
        horizontal = [r for r in page.rules if r.horizontal]
        widest = max(r.x1 - r.x0 for r in horizontal)
        assert len(horizontal) >= 8
        assert [r for r in horizontal if r.x1 - r.x0 < 0.9 * widest] == []


def test_a_row_rule_broken_into_pieces_still_makes_a_row(scanned, monkeypatch):
    """The rule finder without its step joining gives the rules in pieces (as a noisier
    scan would): the pieces that cover most of the table's width are one row rule each,
    and they make no table of their own."""
    pdf, _gold = scanned
    whole = ocr_page(pdf, 1, ExtractOptions())  # the table's first page, skewed 0.25°
    monkeypatch.setattr(pixels, "STEP_MARGIN", 10 ** 6)
    broken = ocr_page(pdf, 1, ExtractOptions())
    rows = lambda rules: sorted(len(s.ys) for s in grid_skeletons(rules))
    assert len(broken.rules) > 2 * len(whole.rules)  # in pieces indeed
    assert max(rows(broken.rules)) == max(rows(whole.rules))


def test_greyscale_marks_need_a_legend(scanned):
    """A circle of a greyscale scan has a grey level, no colour: without a legend it
    stands for no assessment (a green circle is no grey 'saknas')."""
    pdf, _gold = scanned
    profile = builtin("arsredovisning")
    page = ocr_page(pdf, 1, ExtractOptions())
    marks = [m for m in page.marks if m.squarish and greyscale(m)]
    assert len(marks) >= 8  # the legend's four and the table's
    for mark in marks:
        key, how, _ = symbol_key(mark, Legend(), profile, 2)
        assert key is None and "greyscale" in how


def test_small_circles_scanned_in_grey_are_read_by_the_legend_of_their_page(scanned, tmp_path):
    """Every goal a row of its own, and each 6 pt circle read as the legend's circle of
    the same grey: the assessments are the gold's, none wrong, none missing."""
    pdf, gold = scanned
    out = tmp_path / "out"
    run_cli("extract", str(pdf), "-o", str(out), "--quiet", ok=(0, 3))
    goals = pd.read_parquet(out / "goals")
    found = dict(zip(goals.title, goals.assessment))
    expected = {g["title"]: g["assessment"] for g in gold["goals"]}
    assert len(goals) == len(expected)
    assert found == expected


def test_a_grey_between_two_of_the_legends_greys_is_no_reading(scanned):
    """The legend's four circles of the scanned page, in the order printed (uppfyllt,
    delvis, ej, saknas): a mark of the grey of one of them means its key; a mark whose
    grey lies halfway between the green's and the red's greys means neither."""
    import dataclasses

    pdf, gold = scanned
    page = ocr_page(pdf, 1, ExtractOptions())
    top = min(m.top for m in page.marks if greyscale(m))
    round_dot = lambda m: abs((m.x1 - m.x0) - (m.bottom - m.top)) <= 1.0 and m.x1 - m.x0 <= 7
    legend_marks = sorted((m for m in page.marks if greyscale(m) and abs(m.top - top) < 3
                           and round_dot(m)), key=lambda m: m.x0)  # not a letter OCR missed
    keys = [key for key, _text in gold["render"]["legend"]["items"]]
    assert len(legend_marks) == len(keys) == 4
    legend = Legend(entries=list(zip(legend_marks, keys)), pages={2}, entry_pages=[2] * 4)
    for mark, key in zip(legend_marks, keys):
        assert legend.key_of(dataclasses.replace(mark, x0=mark.x0 + 300, x1=mark.x1 + 300), 2) == key
    green, red = legend_marks[0].colour[0], legend_marks[2].colour[0]
    assert abs(green - red) >= 8  # told apart by grey only
    halfway = (green + red) // 2
    between = dataclasses.replace(legend_marks[0], colour=(halfway,) * 3)
    assert legend.key_of(between, 2) is None
    key, how, _ = symbol_key(between, legend, builtin("arsredovisning"), 2)
    assert key is None and "greyscale" in how


def test_a_colour_scan_without_a_legend_is_read_by_colour_and_says_so(tmp_path):
    """With no legend on the page, a colour scan's circles are read by the profile's
    colour map; each goal so read carries ``assessment_colour`` (a scan shifts colours,
    so its confidence is lower), and the born-digital print of the same page none."""
    if shutil.which("chromium") is None and shutil.which("chromium-browser") is None:
        pytest.skip("the D samples are printed by Chromium")
    import io

    import pypdfium2 as pdfium
    from PIL import Image

    from malrapport.samples import accounts

    gold = copy.deepcopy(load_gold("ange-ar-2023"))
    render = gold["render"]
    render["chapters"] = [c for c in render["chapters"] if c["title"] == "Måluppföljning"]
    for chapter in render["chapters"]:
        chapter["blocks"] = [b for b in chapter["blocks"] if not (isinstance(b, dict) and "legend" in b)]
    (tmp_path / "digital.pdf").write_bytes(accounts.render_pdf(gold))
    pages = []
    with pdfium.PdfDocument(tmp_path / "digital.pdf") as pdf:
        for page in pdf:
            buf = io.BytesIO()
            page.render(scale=300 / 72).to_pil().convert("RGB").save(buf, "JPEG", quality=70)
            pages.append(Image.open(io.BytesIO(buf.getvalue())))
    pages[0].save(tmp_path / "scan.pdf", "PDF", resolution=300, save_all=True, append_images=pages[1:])
    found = {}
    for name in ("digital", "scan"):
        out = tmp_path / f"out-{name}"
        run_cli("extract", str(tmp_path / f"{name}.pdf"), "-o", str(out), "--quiet", ok=(0, 3))
        found[name] = pd.read_parquet(out / "goals")
    scan, digital = found["scan"], found["digital"]
    expected = {g["title"]: g["assessment"] for g in gold["goals"]}
    assert dict(zip(digital.title, digital.assessment)) == expected
    by_colour = scan[scan.assessment_raw.fillna("").str.contains("symbol")]
    assert len(by_colour) == len(expected)
    assert dict(zip(by_colour.title, by_colour.assessment)) == expected
    assert all("assessment_colour" in list(r) for r in by_colour.reasons)
    assert (by_colour.confidence < 1.0).all()
    assert not any("assessment_colour" in list(r) for r in digital.reasons)
