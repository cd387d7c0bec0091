"""Columns come from the header row's word positions: the same rows parse the same
wherever the columns stand. Pages built from positioned words by hand."""
from __future__ import annotations

import datetime as dt

from malrapport.extract.report import pages_to_report
from malrapport.schemas.words import PageWords, Word


def _line(y: float, cells: list[tuple[float, str]], size: float = 10.0, bold: bool = False):
    words = []
    for x, text in cells:
        for token in text.split():
            width = 0.5 * size * len(token)
            words.append(Word(token, x, y, x + width, y + size * 1.15, size=size, bold=bold))
            x += width + 0.28 * size
    return words


def _page(status_x: float, end_x: float) -> PageWords:
    words = []
    words += _line(60, [(50, "Målavstämning, tertial 1 2025")], size=14, bold=True)
    words += _line(90, [(50, "Ånge kommun")])
    words += _line(140, [(50, "3 Redovisning av målarbete")], size=14, bold=True)
    words += _line(170, [(50, "3.1 Ånge ska vara attraktiv")], size=12, bold=True)
    words += _line(200, [(50, "3.1.1 Öka tryggheten i skolan")], size=12, bold=True)
    words += _line(225, [(50, "Bedömning")], bold=True)
    words += _line(238, [(62, "Delvis uppfyllt")])
    words += _line(265, [(50, "Verksamhetens aktiviteter"), (status_x, "Status"),
                         (end_x, "Slutdatum")], bold=True)
    words += _line(280, [(50, "Kartlägga trafikmiljön"), (status_x + 12, "Pågående enligt"),
                         (end_x, "2025-11-01")])
    words += _line(292, [(50, "vid skolorna"), (status_x + 12, "plan")])
    words += _line(312, [(50, "En kartläggning av trafiken runt skolorna i hela kommunen "
                               "görs under våren och hösten.")], size=8)
    words += _line(332, [(50, "Starta läxhjälp"), (status_x + 12, "Ej påbörjad"),
                         (end_x, "2025-12-31")])
    return PageWords(1, 595, 842, tuple(words))


def test_rows_follow_the_header_wherever_the_columns_stand():
    for status_x, end_x in ((300, 450), (360, 480), (250, 400)):
        report = pages_to_report([_page(status_x, end_x)], "id", "x.pdf")
        goal = next(g for g in report.goals if g.number == "3.1.1")
        assert goal.level == "ks" and goal.parent_number == "3.1"
        assert goal.assessment_raw == "Delvis uppfyllt"
        first, second = goal.activities
        assert first.title_raw == "Kartlägga trafikmiljön vid skolorna"
        assert first.status_raw == "Pågående enligt plan"
        assert first.end_date == dt.date(2025, 11, 1)
        assert first.description.startswith("En kartläggning av trafiken")
        assert second.title_raw == "Starta läxhjälp"
        assert second.status_raw == "Ej påbörjad"
        assert second.description is None


def test_report_metadata_from_the_first_page():
    report = pages_to_report([_page(300, 450)], "id", "x.pdf")
    assert (report.title, report.kind, report.year, report.period) == (
        "Målavstämning, tertial 1 2025", "tertial", 2025, "T1")
    assert report.municipality == "Ånge kommun"


def test_an_ocr_title_goes_on_in_lower_case_whatever_its_estimated_size(tmp_path):
    """A bad text layer (tesseract's English model) estimates the second line of a
    wrapped activity title a size larger than its first; a line that goes on in
    lower case under a title that has not ended is still the title's (checked by
    hand against samples/gold/norrfors-2022-uppsikt.json and the digital PDF)."""
    import pandas as pd

    from conftest import SAMPLES, run_cli

    out = tmp_path / "out"
    run_cli("extract", SAMPLES / "pdf" / "badlayer" / "norrfors-2022-uppsikt.pdf", "-o", out,
            "--ocr", "never", "--quiet", ok=(0, 3))
    acts = pd.read_parquet(out / "activities")
    lots = acts[acts.title.str.startswith("Inflyttarlots")].iloc[0]
    assert lots.title == ("Inflyttarlots som hjälper nya invånare med bostad, förskola "
                          "och jobb för medflyttande")
    assert lots.description.startswith("Lotsen är den första kontakten")
