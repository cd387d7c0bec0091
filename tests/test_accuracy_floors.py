"""Accuracy floors of the scanned sample sets, through the real CLI and the real tesseract.

To keep CI short each OCR set is checked on one report (the families C, D and E
on their scan300 set, one report each); the README's accuracy table
(bench/accuracy.py) covers every sample.
"""
from __future__ import annotations

import shutil

import pytest

from conftest import GOLD, SAMPLES, run_cli

OCR_FLOORS = [  # (sample set, report, field_f1 floor from the issues)
    ("scan300", "sjovik-2022-t1", 0.97),
    ("scan200", "ange-2024-uppsikt", 0.93),
    ("badlayer", "norrfors-2022-uppsikt", 0.97),
    ("scan300", "norrfors-bun-2024-apr", 0.95),  # family C
    ("scan300", "norrfors-ar-2022", 0.95),  # family D: symbols from pixels and the legend
    ("scan300", "sjovik-soc-vp-2016", 0.95),  # family E: ruled table lines from pixels
]


def _field_f1(out, gold) -> float:
    last = run_cli("evaluate", out, "--gold", gold).stdout.strip().splitlines()[-1]
    return float(last.split("=")[1])


def _gold_for(tmp_path, stems):
    gold = tmp_path / "gold"
    gold.mkdir()
    for stem in stems:
        shutil.copy(GOLD / f"{stem}.json", gold)
    return gold


@pytest.mark.parametrize("sample_set,stem,floor", OCR_FLOORS)
def test_ocr_sets_reach_their_floor(tmp_path, sample_set, stem, floor):
    pdf = SAMPLES / "pdf" / sample_set / f"{stem}.pdf"
    out = tmp_path / "out"
    # ok=(0, 3): text a field did not take is a warning (exit code 3), not a failure here
    run_cli("extract", pdf, "-o", out, "--quiet", "--workers", "2", ok=(0, 3))
    import pandas as pd

    reports = pd.read_parquet(out / "reports")
    assert reports.ocr_pages.item() == reports.pages.item()
    acts = pd.read_parquet(out / "activities")
    assert (acts.source == "ocr").all()
    if len(acts):  # a goal table (family D) has goals only
        assert acts.confidence.between(0, 1).all() and acts.confidence.lt(1).any()
    assert _field_f1(out, _gold_for(tmp_path, [stem])) >= floor


def test_bad_text_layer_kept_and_repaired_reaches_its_floor(tmp_path):
    folder = SAMPLES / "pdf" / "badlayer"
    out = tmp_path / "out"
    run_cli("extract", folder, "-o", out, "--quiet", "--ocr", "never", ok=(0, 3))  # warnings: 3
    assert _field_f1(out, _gold_for(tmp_path, [p.stem for p in folder.glob("*.pdf")])) >= 0.90


@pytest.mark.parametrize("held_out", ["holdout", "holdout2"])
def test_reports_drawn_by_other_engines_reach_their_floor(tmp_path, held_out):
    """Layouts written to the families' descriptions, drawn by other engines with other
    fonts (samples/holdout*: Chromium, LibreOffice, reportlab platypus): every family."""
    folder = SAMPLES / held_out
    out = tmp_path / "out"
    run_cli("extract", folder / "pdf", "-o", out, "--quiet", "--ocr", "never", ok=(0, 3))
    import pandas as pd

    profiles = set(pd.read_parquet(out / "reports").profile)
    assert profiles == {"tertial", "uppsikt", "namnd", "arsredovisning", "verksamhetsplan"}
    assert _field_f1(out, folder / "gold") >= 0.95


ENGINE2 = SAMPLES / "engine2"  # families A and B drawn by Chromium (samples/engine2_html.py)


def test_the_second_engine_s_samples_reach_their_floor_born_digital(tmp_path):
    out = tmp_path / "out"
    run_cli("extract", ENGINE2 / "pdf", "-o", out, "--quiet", ok=(0, 3))
    import pandas as pd

    assert set(pd.read_parquet(out / "reports").profile) == {"tertial", "uppsikt"}
    assert _field_f1(out, ENGINE2 / "gold") >= 0.99


def test_a_scan_of_a_second_engine_sample_reaches_its_floor(tmp_path):
    """Per cent signs, hashtags and en-dash ranges read by tesseract (issue 16): the
    report's scan is made on the fly with the sample scans' 300 dpi recipe."""
    from malrapport.samples.scans import SCAN300, scan_pdf, seed_for

    stem = "bracke-2025-t1"
    scan = tmp_path / "scan" / f"{stem}.pdf"
    scan.parent.mkdir()
    scan_pdf(ENGINE2 / "pdf" / f"{stem}.pdf", scan, SCAN300, seed_for(stem, "300"))
    out = tmp_path / "out"
    run_cli("extract", scan, "-o", out, "--quiet", "--workers", "2", ok=(0, 3))
    gold = tmp_path / "gold"
    gold.mkdir()
    shutil.copy(ENGINE2 / "gold" / f"{stem}.json", gold)
    import pandas as pd

    goals = pd.read_parquet(out / "goals").set_index("number")
    assert goals.loc["3.1.2", "title"] == "Andelen medarbetare med heltidsanställning ska öka till 85%."
    assert _field_f1(out, gold) >= 0.97
