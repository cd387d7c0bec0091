"""Family A (tertial report) pages drawn here with reportlab, born-digital and scanned at
300 dpi with the samples' scanner, read by the real CLI and tesseract: the classes of
OCR error a held-out tertial report showed (a dash read into the gap after a heading's
number; a status circle read as a glyph standing close to a long title)."""
from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd
import pytest
from reportlab.lib.pagesizes import A4
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas

from conftest import run_cli
from malrapport.samples.scans import SCAN300, scan_pdf

WIDTH, HEIGHT = A4
GOAL = ("3.2.1", "Fler unga vuxna ska ha ett arbete eller studera.")
# (title's first line, its second line, status, start, end, description): the first
# lines end a few points before the status circle (x 277.4), as long titles do.
ROWS = [
    ("Samordna kommunens insatser för unga vuxna i", "behov av sysselsättning",
     "Pågående enligt plan", "2025-01-13", "2025-11-28", "Insatserna samlas hos arbetsmarknadsenheten."),
    ("Ge stöd till unga vuxna som står långt från arbete", "genom praktik i kommunens verksamheter",
     "Avslutad enligt plan", "2025-02-03", "2025-08-15",
     "Platserna finns i äldreomsorgen och på fritidsgårdarna."),
]
STATUS_X, CIRCLE_X = 288, 281


def tertial_page(path: Path, dash: str = "", split_at: int = 0, split_header: str = "") -> Path:
    """One page of a tertial report: chapter, KF goal, KS goal (``dash`` printed between
    its number and title), its assessment and a table of two activities, each status
    behind a grey circle. With ``split_at`` the end dates are drawn in two pieces, the
    second that many characters from the end, 3.5 points to the right (what OCR makes
    of a speck or a wide letter space in a date); ``split_header`` (``Slut|datum``) draws
    that header word in two pieces the same way."""
    c = Canvas(str(path), pagesize=A4)

    def text(x, y, s, font="Times-Roman", size=10.5):
        c.setFont(font, size)
        c.drawString(x, HEIGHT - y, s)

    def circle(x, y):
        c.setFillGray(0.45)
        c.circle(x, HEIGHT - y + 3.5, 3.6, stroke=0, fill=1)
        c.setFillGray(0)

    text(74, 50, "Målavstämning, tertial 1 2025", size=8.5)
    text(74, 80, "3 Redovisning av målarbete", "Times-Bold", 14.5)
    text(74, 105, "3.2 Kommunen ska ha en hållbar och växande arbetsmarknad.", "Times-Bold", 12.5)
    y = 135
    text(74, y, GOAL[0], "Times-Bold", 11)
    if dash:
        text(104, y, dash, "Times-Bold", 11)
    text(114 if dash else 104, y, GOAL[1], "Times-Bold", 11)
    text(74, y + 19, "Bedömning", "Times-Bold")
    circle(80, y + 34)
    text(88, y + 34, "Delvis uppfyllt")
    y += 60
    for x, head in ((74, "Verksamhetens aktiviteter"), (277, "Status"), (378, "Startdatum"),
                    (456, "Slutdatum")):
        for word in head.split():
            pieces = split_header.split("|") if word == split_header.replace("|", "") else [word]
            for piece in pieces:
                text(x, y, piece, "Times-Bold", 10)
                x += stringWidth(piece, "Times-Bold", 10) + 3.5
            x += stringWidth(" ", "Times-Bold", 10) - 3.5
    c.line(74, HEIGHT - y - 4, 521, HEIGHT - y - 4)
    y += 20
    for first, second, status, start, end, description in ROWS:
        assert 74 + stringWidth(first, "Times-Roman", 10) < CIRCLE_X - 8  # stays in its column
        text(74, y, first, size=10)
        circle(CIRCLE_X, y)
        text(STATUS_X, y, status, size=10)
        text(378, y, start, size=10)
        if split_at:
            head, tail = end[:-split_at], end[-split_at:]
            text(456, y, head, size=10)
            text(456 + stringWidth(head, "Times-Roman", 10) + 3.5, y, tail, size=10)
        else:
            text(456, y, end, size=10)
        text(74, y + 13, second, size=10)
        text(74, y + 31, description, size=10)
        y += 52
    c.showPage()
    c.save()
    return path


def extract(pdf: Path, out: Path) -> tuple[pd.DataFrame, pd.DataFrame]:
    run_cli("extract", pdf, "-o", out, "--quiet", "--profile", "tertial", ok=(0, 3))
    return pd.read_parquet(out / "goals"), pd.read_parquet(out / "activities")


def assert_goal_and_rows(goals: pd.DataFrame, activities: pd.DataFrame) -> None:
    goal = goals[goals["number"] == GOAL[0]]
    assert len(goal) == 1, goals[["number", "title"]]
    assert goal.iloc[0]["title"] == GOAL[1]
    assert goal.iloc[0]["assessment"] == "delvis_uppfyllt"
    rows = activities.sort_values("ordinal")
    assert list(rows["goal_number"]) == [GOAL[0], GOAL[0]]
    assert list(rows["title"]) == [f"{r[0]} {r[1]}" for r in ROWS]
    assert list(rows["status"]) == ["pagaende_enligt_plan", "avslutad_enligt_plan"]
    assert [str(d) for d in rows["end_date"]] == [r[4] for r in ROWS]
    assert list(rows["description"]) == [r[5] for r in ROWS]


@pytest.mark.parametrize("dash", ["–", "-"])
def test_a_dash_between_a_heading_number_and_its_title_keeps_the_goal(tmp_path, dash):
    """``3.2.1 – Title``: the dash alone after the number is no title word, and the line
    is still the goal's heading (before, the goal and its rows fell to the KF goal)."""
    goals, activities = extract(tertial_page(tmp_path / "dash.pdf", dash), tmp_path / "out")
    assert_goal_and_rows(goals, activities)
    assert set(goals["number"]) == {"3.2", GOAL[0]}


@pytest.mark.skipif(shutil.which("tesseract") is None, reason="tesseract not installed")
def test_a_status_circle_read_as_a_glyph_beside_a_long_title_keeps_the_row(tmp_path):
    """A scan's status circle comes back from OCR as a word (``&``, ``9``) standing in the
    gutter a few points after the title's last word: the gutter is measured to the
    status text, so the line is still a row, not running text."""
    digital = tertial_page(tmp_path / "digital.pdf")
    scan = tmp_path / "scan" / "tertial.pdf"
    scan.parent.mkdir()
    scan_pdf(digital, scan, SCAN300, seed=300)
    goals, activities = extract(scan, tmp_path / "out")
    assert_goal_and_rows(goals, activities)


@pytest.mark.parametrize("split_at", [1, 5])
def test_a_date_read_in_two_pieces_is_one_date(tmp_path, split_at):
    """``2025-11-2 8`` and ``2025- 11-28`` in the end-date column: before, the pieces were
    words among dates (running text), and the rows were lost; now they are the date."""
    pdf = tertial_page(tmp_path / "split.pdf", split_at=split_at)
    goals, activities = extract(pdf, tmp_path / "out")
    assert_goal_and_rows(goals, activities)
    assert activities["end_date_raw"].isna().all()


@pytest.mark.parametrize("split_header", ["Slut|datum", "Start|datum"])
def test_a_header_word_read_in_two_pieces_still_names_its_column(tmp_path, split_header):
    """``Slut datum`` for ``Slutdatum``: before, the pieces were words the profile does not
    know, the column was lost and its dates went to the next date column (or the header
    was no header at all); now the pieces are read as the one word."""
    pdf = tertial_page(tmp_path / "header.pdf", split_header=split_header)
    goals, activities = extract(pdf, tmp_path / "out")
    assert_goal_and_rows(goals, activities)
    assert [str(d) for d in activities.sort_values("ordinal")["start_date"]] == [r[3] for r in ROWS]
