"""Confidence, reasons and boxes of goals and activities (normalize/confidence.py), on
real extractions of the samples."""
from __future__ import annotations

import re

import duckdb
import pandas as pd
import pypdfium2 as pdfium
import pytest

from conftest import DIGITAL, SAMPLES, load_gold, run_cli
from malrapport.normalize.confidence import PENALTY, REASONS
from malrapport.normalize.labels import fold
from malrapport.samples import render
from malrapport.samples.generate import render_pdf

FUZZY_LABEL = "Pågående enl. plan"  # what a report may print for "Pågående enligt plan"


def _rows(out, table: str, stem: str) -> list[dict]:
    rid = next(r["report_id"] for r in pd.read_parquet(out / "reports").to_dict("records")
               if r["source_file"].endswith(f"{stem}.pdf"))
    df = pd.read_parquet(out / table, dtype_backend="pyarrow")
    return df[df["report_id"] == rid].to_dict("records")


@pytest.fixture(scope="module")
def fuzzy_out(tmp_path_factory):
    """sjovik-2022-t1 drawn by the samples generator with one status label misprinted."""
    folder = tmp_path_factory.mktemp("fuzzy_in")
    mp = pytest.MonkeyPatch()
    try:
        mp.setitem(render.STATUS_LABELS, "pagaende_enligt_plan", FUZZY_LABEL)
        (folder / "sjovik-2022-t1.pdf").write_bytes(render_pdf(load_gold("sjovik-2022-t1")))
    finally:
        mp.undo()
    out = tmp_path_factory.mktemp("fuzzy_out")
    run_cli("extract", folder, "-o", out, "--ocr", "never", "--workers", "1", "--quiet", ok=(0, 3))
    return out


def test_a_fuzzy_matched_status_keeps_its_key_and_lowers_confidence(fuzzy_out):
    gold = {a["title"]: a["status"] for g in load_gold("sjovik-2022-t1")["goals"]
            for a in g["activities"]}
    acts = _rows(fuzzy_out, "activities", "sjovik-2022-t1")
    fuzzy = [a for a in acts if gold.get(a["title"]) == "pagaende_enligt_plan"]
    exact = [a for a in acts if gold.get(a["title"]) not in (None, "pagaende_enligt_plan")]
    assert len(fuzzy) >= 3 and len(exact) >= 3
    for a in fuzzy:
        assert a["status_raw"] == FUZZY_LABEL
        assert a["status"] == "pagaende_enligt_plan"  # the key chosen is the same
        assert "status_fuzzy" in list(a["reasons"])
        assert a["confidence"] < 1 - PENALTY["status_fuzzy"] + 1e-6
    for a in exact:
        assert "status_fuzzy" not in list(a["reasons"])
    assert max(a["confidence"] for a in fuzzy) < min(a["confidence"] for a in exact)


def test_reasons_read_back_as_lists_in_pandas_and_duckdb(fuzzy_out):
    df = pd.read_parquet(fuzzy_out / "activities")
    flagged = [list(r) for r in df["reasons"] if "status_fuzzy" in list(r)]
    assert flagged and all(isinstance(r, list) for r in flagged)
    rows = duckdb.sql(f"select reasons, list_contains(reasons, 'status_fuzzy') as fuzzy, confidence "
                      f"from '{fuzzy_out}/activities/*.parquet'").fetchall()
    assert all(isinstance(r[0], list) for r in rows)
    assert sum(1 for r in rows if r[1]) == len(flagged)
    assert all(r[2] < 1 for r in rows if r[1])
    goals = duckdb.sql(f"select reasons, confidence, box from '{fuzzy_out}/goals/*.parquet'").fetchall()
    assert goals and all(isinstance(r[0], list) and isinstance(r[2], list) for r in goals)


@pytest.mark.parametrize("stem", ["norrfors-2022-uppsikt", "sjovik-soc-2023-aug", "ange-ar-2023",
                                  "ange-vp-2017"])
def test_a_clean_digital_report_is_sure_of_every_row(digital_out, stem):
    """Families B to E, born digital, read right (the accuracy tests): nothing lowers a row."""
    for table in ("goals", "activities"):
        rows = _rows(digital_out, table, stem)
        assert rows or table == "activities"  # family D prints none
        for r in rows:
            assert r["confidence"] == 1.0, (table, r["title"], list(r["reasons"]))
            assert list(r["reasons"]) == []
            assert r["source"] == "text"


def test_every_code_is_documented():
    doc = (SAMPLES.parent / "docs" / "tables.md").read_text(encoding="utf-8")
    for code in REASONS:
        assert f"`{code}`" in doc, code


@pytest.fixture(scope="module")
def badlayer_out(tmp_path_factory):
    out = tmp_path_factory.mktemp("badlayer_out")
    run_cli("extract", SAMPLES / "pdf" / "badlayer" / "sjovik-2022-t1.pdf", "-o", out,
            "--ocr", "never", "--workers", "1", "--quiet", ok=(0, 3))
    return out


def test_a_repaired_bad_layer_row_names_repaired(badlayer_out):
    repairs = pd.read_parquet(badlayer_out / "repairs").to_dict("records")
    goals = _rows(badlayer_out, "goals", "sjovik-2022-t1")
    acts = _rows(badlayer_out, "activities", "sjovik-2022-t1")
    touched = {(r["table"], r["goal_ordinal"], r["ordinal"] if r["table"] == "activities" else None)
               for r in repairs if r["table"] in ("goals", "activities")}
    assert len(touched) >= 5  # the layer lost its å, ä, ö: many rows were repaired
    for g in goals:
        assert (("repaired" in list(g["reasons"])) == (("goals", g["ordinal"], None) in touched))
    for a in acts:
        key = ("activities", a["goal_ordinal"], a["ordinal"])
        assert ("repaired" in list(a["reasons"])) == (key in touched), a["title"]
        if key in touched:
            assert a["confidence"] < 1.0


def _page_text(pdf, page: int, box) -> str:
    p = pdf[page - 1]
    height = p.get_height()
    x0, top, x1, bottom = box
    text = p.get_textpage().get_text_bounded(left=x0 - 0.5, bottom=height - bottom - 0.5,
                                             right=x1 + 0.5, top=height - top + 0.5)
    return " ".join(fold(text).split())


@pytest.mark.parametrize("stem", ["ange-2024-t3", "ange-2024-uppsikt", "sjovik-soc-2023-aug",
                                  "ange-ar-2023", "ange-vp-2017"])
def test_boxes_lie_on_the_page_and_hold_the_printed_title(digital_out, stem):
    """The box of every goal and activity encloses its title as printed: pdfium's own text
    inside the box holds each of the title's words (families A to E)."""
    pdf = pdfium.PdfDocument(DIGITAL / f"{stem}.pdf")
    checked = 0
    for table in ("goals", "activities"):
        for r in _rows(digital_out, table, stem):
            box = list(r["box"])
            width, height = pdf[r["page"] - 1].get_size()
            assert len(box) == 4 and 0 <= box[0] < box[2] <= width and 0 <= box[1] < box[3] <= height
            inside = _page_text(pdf, r["page"], box)
            words = [w for w in re.findall(r"\w+", fold(r["title"])) if len(w) > 1]
            missing = [w for w in words if w not in inside]
            if missing and r["page"] < len(pdf):  # a row a page break cut: its box is on
                # its first page, the rest of its title stands at the top of the next one
                rest = " ".join(fold(pdf[r["page"]].get_textpage().get_text_range()).split())
                missing = [w for w in missing if w not in rest[:300]]
                assert words[0] in inside, (table, r["title"], inside[:200])
            assert not missing, (table, r["title"], missing, inside[:200])
            checked += 1
    assert checked >= 10


def test_ocr_rows_get_their_confidence_and_box_from_their_words(tmp_path, digital_out):
    """A scanned report's rows go through the same rule: ``source = ocr``, a confidence
    below 1 (their words' OCR confidence), known codes only; and each box lies where
    the born-digital twin's row is (the scan is of a straight page: the same frame)."""
    stem = "norrfors-2022-uppsikt"
    out = tmp_path / "out"
    run_cli("extract", SAMPLES / "pdf" / "scan300" / f"{stem}.pdf", "-o", out, "--workers", "1",
            "--quiet", ok=(0, 3))
    twin = {(t, fold(r["title"])): r for t in ("goals", "activities")
            for r in _rows(digital_out, t, stem)}
    near = far = 0
    for table in ("goals", "activities"):
        rows = _rows(out, table, stem)
        assert rows
        for r in rows:
            assert r["source"] == "ocr" and 0 < r["confidence"] < 1
            assert set(r["reasons"]) <= set(REASONS)
            digital = twin.get((table, fold(r["title"])))
            if digital is None or digital["page"] != r["page"]:
                continue
            centre = lambda b: ((b[0] + b[2]) / 2, (b[1] + b[3]) / 2)
            (x, y), (dx, dy) = centre(list(r["box"])), centre(list(digital["box"]))
            if abs(x - dx) < 12 and abs(y - dy) < 12:
                near += 1
            else:
                far += 1
    assert near >= 10 and far <= near // 10


def test_signs_of_a_misread_layout_lower_the_row_by_their_penalty():
    """The clean digital report read for real, then three of its rows changed as the
    parser gets them wrong on scans: a comment that took in the next row, a status
    that stayed empty, a goal comment that took in a heading. Each row loses what its
    code's penalty says (normalize/confidence.py), the others stay 1.0."""
    import dataclasses

    from malrapport.extract.jobs import scan_file
    from malrapport.extract.options import ExtractOptions
    from malrapport.extract.profile_load import builtin_profiles
    from malrapport.normalize.confidence import with_confidence

    report = scan_file(DIGITAL / "sjovik-soc-2023-aug.pdf", "sjovik-soc-2023-aug.pdf",
                       ExtractOptions(ocr="never")).report
    profile = next(p for p in builtin_profiles() if p.name == report.profile)
    goal = next(g for g in report.goals if len(g.activities) >= 2)
    first, second = goal.activities[:2]
    status = next(iter(profile.statuses))  # a label as the profile prints it
    first = dataclasses.replace(first, comment=f"Klart i tid.\nNästa aktivitet {status} 2023-12-31")
    second = dataclasses.replace(second, status=None, status_raw=None)
    changed = dataclasses.replace(goal, comment="Sammanfattning\nAv årets åtgärder är tio klara.",
                                  activities=(first, second, *goal.activities[2:]))
    goals = tuple(changed if g is goal else g for g in report.goals)
    scored = with_confidence(dataclasses.replace(report, goals=goals), None,
                             profile.statuses, profile.assessments)
    by_ordinal = {g.ordinal: g for g in scored.goals}
    g = by_ordinal[goal.ordinal]
    assert g.reasons == ("text_heading",) and g.confidence == pytest.approx(0.7)
    assert g.activities[0].reasons == ("text_row",)
    assert g.activities[0].confidence == pytest.approx(0.6)
    assert g.activities[1].reasons == ("missing_status",)
    assert g.activities[1].confidence == pytest.approx(0.7)
    rest = [r for x in scored.goals for r in (x, *x.activities)
            if r not in (g, *g.activities[:2])]
    assert rest and [(r.title, r.reasons) for r in rest if r.confidence != 1.0 or r.reasons] == []


def test_signs_of_an_ocr_misreading_in_the_words_lower_the_row():
    """The clean digital report read for real, every row marked as read by OCR, then
    three comments changed as OCR misreads them: a word with ``ll`` read as ``l``, a
    full stop read as a comma, an icon read as a letter after the last stop. Each of
    these rows gets its code and loses its penalty; no other row gets any of them (the
    report's own words, names and compounds are no misreadings)."""
    import dataclasses

    from malrapport.extract.jobs import scan_file
    from malrapport.extract.options import ExtractOptions
    from malrapport.extract.profile_load import builtin_profiles
    from malrapport.normalize.confidence import with_confidence

    report = scan_file(DIGITAL / "sjovik-soc-2023-aug.pdf", "sjovik-soc-2023-aug.pdf",
                       ExtractOptions(ocr="never")).report
    profile = next(p for p in builtin_profiles() if p.name == report.profile)
    def ocr(row, **changes):
        return dataclasses.replace(row, source="ocr", **changes)

    goal = next(g for g in report.goals if len(g.activities) >= 3)
    a, b, c = goal.activities[:3]
    changed = (ocr(a, comment="Arbetet görs tilsammans med enheterna."),
               ocr(b, comment="Arbetet är klart,"),
               ocr(c, comment="Arbetet är klart. O"))
    goals = tuple(dataclasses.replace(ocr(g), activities=changed + tuple(
        ocr(x) for x in g.activities[3:])) if g is goal else
        dataclasses.replace(ocr(g), activities=tuple(ocr(x) for x in g.activities))
        for g in report.goals)
    scored = with_confidence(dataclasses.replace(report, goals=goals), None,
                             profile.statuses, profile.assessments)
    g = next(x for x in scored.goals if x.ordinal == goal.ordinal)
    for row, code in zip(g.activities[:3], ("ocr_misread", "ocr_stop", "ocr_stray")):
        assert code in row.reasons, (row.comment, row.reasons)
        assert row.confidence <= 1 - PENALTY[code] + 1e-6
    new = {"ocr_misread", "spelling_variant", "ocr_stop", "ocr_stray"}
    rest = [r for x in scored.goals for r in (x, *x.activities) if r not in g.activities[:3]]
    assert rest and [(r.title, r.reasons) for r in rest if new & set(r.reasons)] == []
