"""The symbol repairs of OCR'd text (normalize/typography.py): the en dash of a range,
the per cent sign read as figures, the ``#`` of a hashtag read as a letter or a figure.
The readings below are tesseract's own on samples/engine2 at 300 dpi (issue 16)."""
from __future__ import annotations

import pytest
from malrapport.normalize.lexicon import get_lexicon
from malrapport.normalize.records import normalize_report
from malrapport.normalize.typography import (
    OcrTypography,
    hashtag_words,
    repair_dashes,
    repair_hashtags,
    repair_percent,
)
from malrapport.schemas.records import ActivityRecord, GoalRecord, ReportRecord


@pytest.mark.parametrize("read,meant", [
    ("visar att 6820 av medarbetarna", "visar att 68% av medarbetarna"),
    ("Målet är 7590.", "Målet är 75%."),
    ("ökade från 4196 till 5296.", "ökade från 41% till 52%."),
    ("blev 8196, vilket är högre", "blev 81%, vilket är högre"),
    ("var 7190 vid höstterminens slut, mot 7490 året före.",
     "var 71% vid höstterminens slut, mot 74% året före."),
    ("men 18960 av ärendena", "men 18% av ärendena"),  # five figures unspaced: no number
    ("överstiga 99260 av skatteintäkterna", "överstiga 99% av skatteintäkterna"),
    ("blev 100,496 av skatteintäkter", "blev 100,4% av skatteintäkter"),
    ("till under 69/0.", "till under 6%."),
    ("ska öka till 95920.", "ska öka till 95%."),
])
def test_a_per_cent_sign_read_as_figures_is_restored(read, meant):
    assert repair_percent(read) == meant


@pytest.mark.parametrize("text", [
    "Nivån är höjd från 1290 kronor till 2000 kronor.",  # a noun after it: a number
    "Sedan 1990 och fram till 2096 gäller planen.",  # years
    "Bidraget är 3 000 kronor och 1 450 hushåll har fått det.",
    "Mötet hålls 2024-06-14.",
    "Andelen är 68%.",  # right already
])
def test_figures_that_are_figures_stay(text):
    assert repair_percent(text) == text


def test_dashes_of_a_range_become_en_dashes_dates_stay():
    assert repair_dashes("årskurs 7-9, dag 1—-14, 2023—2026 och F-3") == \
        "årskurs 7–9, dag 1–14, 2023–2026 och F–3"
    assert repair_dashes("2024-06-14, Post- och telestyrelsen och HR-avdelningen") == \
        "2024-06-14, Post- och telestyrelsen och HR-avdelningen"
    # the spaced em dash between words is OCR's reading of the en dash (tankstreck);
    # a spaced hyphen is as the report typed it
    assert repair_dashes("organisationen — stolthet, Mental träning - Forskning") == \
        "organisationen – stolthet, Mental träning - Forskning"


def test_sure_readings_of_a_hash_need_no_context():
    lexicon = get_lexicon()
    for read in ("4sommaribräcke", "t£jobbaibräcke", "t4uppkopplaragunda", "Hmittånge"):
        assert repair_hashtags(f"under {read}.", lexicon=lexicon).startswith("under #"), read
    # a figure that is OCR's glyph for ä (English model): the word is left to the diacritic repair
    assert repair_hashtags("i alla 4amnen och 4mnen", lexicon=lexicon) == "i alla 4amnen och 4mnen"


def test_a_letter_read_for_a_hash_needs_the_report_s_context():
    lexicon = get_lexicon()
    # 't' before a word the lexicon does not know: a hashtag only if the report shows it so
    assert repair_hashtags("under tjobbaibräcke", lexicon=lexicon) == "under #jobbaibräcke"  # a place
    assert repair_hashtags("under tsommarlov2025", lexicon=lexicon) == "under tsommarlov2025"
    tags = hashtag_words("Programmet finns under 4sommarlov2025 och #sommarlov2025.")
    assert repair_hashtags("under tsommarlov2025", tags, lexicon) == "under #sommarlov2025"
    # words that are words stay, whatever the context
    for text in ("Hammarstrand", "Hela kommunen", "tillsammans med träffpunkterna", "Hemtjänsten",
                 "HR-avdelningen", "4 st", "4:e kvartalet"):
        assert repair_hashtags(text, tags, lexicon) == text


def _report(comment: str, title: str) -> ReportRecord:
    activity = ActivityRecord(title="", title_raw=title, status_raw="Pågående enligt plan",
                              comment=comment)
    goal = GoalRecord(number="1.2", level="ks", title="",
                      title_raw="Arbetslösheten i kommunen ska minska till under 69/0.",
                      comment="Andelen elever i årskurs 7-9 var 7190, mot 7490 året före.",
                      activities=(activity,))
    return ReportRecord(report_id="r1", source_file="a.pdf", municipality="Bräcke kommun",
                        body="Kommunstyrelsen", title="Redovisning av arbete för de politiska målen",
                        goals=(goal,))


def test_ocr_text_is_repaired_with_the_raw_text_kept_and_audited():
    report = _report("Två av tolv aktiviteter, 1790 av dem anmälda, under 4sommaribräcke.",
                     "Sommarlovsaktiviteter under tsommaribräcke")
    out = normalize_report(report, ocr_text=True)
    goal, act = out.goals[0], out.goals[0].activities[0]
    assert goal.title == "Arbetslösheten i kommunen ska minska till under 6%."
    assert goal.comment == "Andelen elever i årskurs 7–9 var 71%, mot 74% året före."
    assert act.title == "Sommarlovsaktiviteter under #sommaribräcke"  # the comment's sure '4'
    assert act.comment == "Två av tolv aktiviteter, 17% av dem anmälda, under #sommaribräcke."
    assert goal.title_raw == report.goals[0].title_raw and act.title_raw == report.goals[0].activities[0].title_raw
    audited = {(r.raw, r.repaired) for r in out.repairs}
    assert ("69/0.", "6%.") in audited and ("tsommaribräcke", "#sommaribräcke") in audited


def test_a_clean_text_layer_keeps_its_figures():
    report = _report("Två av tolv, 1790 av dem, under 4sommaribräcke.", "Sommarlov under tsommaribräcke")
    out = normalize_report(report, ocr_text=False)
    assert out.goals[0].title == "Arbetslösheten i kommunen ska minska till under 69/0."
    assert out.goals[0].activities[0].comment == report.goals[0].activities[0].comment
    assert OcrTypography().repair("under tsommaribräcke") == "under #sommaribräcke"  # a place's name
