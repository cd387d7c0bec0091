"""The sample reports: gold annotations are valid, PDFs are reproducible and
carry a text layer with what the gold says they contain."""
from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections import defaultdict
from pathlib import Path

import pypdfium2 as pdfium
import pytest

from malrapport.samples.generate import DIGITAL_DIR, GOLD_DIR, generate, load_gold

STATUSES = {"ej_paborjad", "pagaende_enligt_plan", "pagaende_med_avvikelse",
            "avslutad_enligt_plan", "avslutad_med_avvikelse", "vantelage", "avbruten"}
ASSESSMENTS = {"uppfyllt", "delvis_uppfyllt", "knappt_uppfyllt", "ej_uppfyllt", "saknas"}
LEVELS = {"kf", "ks", "ekonomi", "namnd"}
ECONOMY_HEADING = "Verksamhetsmål för god ekonomisk hushållning"  # as the catalogue prints it
KINDS = {"tertial", "uppsikt", "delarsrapport", "verksamhetsberattelse", "arsredovisning",
         "vp_uppfoljning"}
PROFILES = {"tertial", "uppsikt", "namnd", "arsredovisning", "verksamhetsplan"}
PERIODS = {"T1", "T2", "T3"}
TRENDS = {"up", "flat", "down"}
KEY_RE = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
NUMBER_RE = re.compile(r"^\d+(\.\d+)*$")

REPORT_FIELDS = {"municipality", "body", "title", "kind", "year", "period"}
GOAL_FIELDS = {"number", "level", "parent", "area", "title", "assessment", "comment",
               "goal_key", "activities", "measures"}
ACTIVITY_FIELDS = {"title", "description", "status", "start_date", "end_date",
                   "comment", "activity_key"}
MEASURE_FIELDS = {"name", "target", "outcome", "unit"}
# The goal-management system's own layout (families A and B), drawn by layout.py.

GOLD_PATHS = sorted(GOLD_DIR.glob("*.json"))
STEMS = [p.stem for p in GOLD_PATHS]


def _gold(stem: str) -> dict:
    return load_gold(GOLD_DIR / f"{stem}.json")


def _profile(stem: str) -> str:
    return _gold(stem)["report"]["profile"]


def _reportlab(stem: str) -> bool:
    """Drawn by reportlab (byte-for-byte reproducible anywhere), not by Chromium or LibreOffice."""
    return _gold(stem).get("render", {}).get("engine", "reportlab") == "reportlab"


SYSTEM_STEMS = [s for s in STEMS if _profile(s) in ("tertial", "uppsikt")]


def _norm(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def _pdf_pages(path: Path) -> list[str]:
    pdf = pdfium.PdfDocument(path)
    try:
        return [_norm(pdf[i].get_textpage().get_text_range()) for i in range(len(pdf))]
    finally:
        pdf.close()


def _check_text(value, where: str) -> None:
    """Free text is a non-empty NFC string, or null (never "")."""
    if value is None:
        return
    assert isinstance(value, str) and value.strip(), f"{where}: empty string, use null"
    assert unicodedata.is_normalized("NFC", value), f"{where}: not NFC"
    assert value == value.strip(), f"{where}: surrounding whitespace"


def _check_date(value, where: str) -> dt.date | None:
    if value is None:
        return None
    assert isinstance(value, str), where
    return dt.date.fromisoformat(value)


def test_there_are_enough_samples():
    assert len(STEMS) >= 16
    kinds = {_gold(s)["report"]["kind"] for s in STEMS}
    assert kinds == KINDS
    profiles = [_profile(s) for s in STEMS]
    assert set(profiles) == PROFILES and all(profiles.count(p) >= 2 for p in PROFILES)


def test_every_gold_has_a_committed_pdf_and_back():
    pdfs = {p.stem for p in DIGITAL_DIR.glob("*.pdf")}
    assert pdfs == set(STEMS)


# gold validity ----------------------------------------------------------------
@pytest.mark.parametrize("stem", STEMS)
def test_gold_report_fields(stem):
    report = _gold(stem)["report"]
    assert REPORT_FIELDS <= report.keys()
    for key in ("municipality", "body", "title"):
        _check_text(report[key], f"report.{key}")
        assert report[key]
    assert report["kind"] in KINDS and report["profile"] in PROFILES
    assert isinstance(report["year"], int) and 2000 <= report["year"] <= 2100
    if report["kind"] in ("tertial", "delarsrapport", "verksamhetsberattelse", "arsredovisning"):
        assert report["period"] in PERIODS
    elif report["kind"] == "uppsikt":
        assert report["period"] is None
    else:
        assert report["period"] in PERIODS | {None}


@pytest.mark.parametrize("stem", STEMS)
def test_gold_goals_are_valid(stem):
    gold = _gold(stem)
    kind, profile = gold["report"]["kind"], gold["report"]["profile"]
    goals = gold["goals"]
    assert goals
    numbers = [g["number"] for g in goals if g["number"] is not None]
    assert len(numbers) == len(set(numbers)), "duplicate goal numbers"
    by_number = {g["number"]: g for g in goals if g["number"] is not None}
    keys = [g["goal_key"] for g in goals]
    assert len(keys) == len(set(keys)), "duplicate goal_key in one report"
    for i, g in enumerate(goals, start=1):
        where = f"{stem} goal {g.get('number') or i}"
        assert GOAL_FIELDS <= g.keys(), where
        assert g["number"] is None or NUMBER_RE.match(g["number"]), where
        assert g["level"] in LEVELS, where
        assert KEY_RE.match(g["goal_key"]), where
        for key in ("title", "comment", "area"):
            _check_text(g[key], f"{where}.{key}")
        assert g["title"] and not NUMBER_RE.match(g["title"].split()[0]), where
        assert not g["title"].startswith(("Nämndmål", "Mål ", "Delmål", "Kommunfullmäktiges mål")), where
        assert g["assessment"] is None or g["assessment"] in ASSESSMENTS, where
        if g["parent"] is not None:
            assert by_number[g["parent"]]["level"] == "kf", where
            assert g["number"].startswith(g["parent"] + "."), where
        if g.get("parent_ordinal") is not None:
            assert g["parent_ordinal"] < i and goals[g["parent_ordinal"] - 1]["level"] == "kf", where
        if g["level"] == "kf" and profile != "arsredovisning":  # only a goal table assesses KF goals
            assert g["assessment"] is None and g["parent"] is None, where
        if kind == "tertial" and g["level"] == "ks":
            assert g["parent"] is not None and g["assessment"] is not None, where
        if kind == "uppsikt":
            assert g["assessment"] is None and g["level"] in {"ks", "ekonomi"}, where
            # every goal is in the catalogue: an area's, or the economy goals' own heading
            assert g["area"] is not None, where
            assert (g["area"] == ECONOMY_HEADING) == (g["level"] == "ekonomi"), where
        if profile == "namnd" and g["level"] == "namnd":
            assert g["parent_ordinal"] is not None and g["assessment"] is not None, where
        if profile == "arsredovisning":
            assert g["assessment"] is not None and not g["activities"], where


@pytest.mark.parametrize("stem", STEMS)
def test_gold_activities_and_measures_are_valid(stem):
    gold = _gold(stem)
    kind, profile = gold["report"]["kind"], gold["report"]["profile"]
    activity_keys = []
    for g in gold["goals"]:
        titles = [a["title"] for a in g["activities"]]
        assert len(titles) == len(set(titles)), f"{stem} {g['number']}: duplicate titles"
        for a in g["activities"]:
            where = f"{stem} {g['number']} {a.get('title')!r}"
            assert ACTIVITY_FIELDS <= a.keys(), where
            for key in ("title", "description", "comment"):
                _check_text(a[key], f"{where}.{key}")
            assert a["status"] in STATUSES, where
            assert KEY_RE.match(a["activity_key"]), where
            activity_keys.append(a["activity_key"])
            start = _check_date(a["start_date"], where)
            end = _check_date(a["end_date"], where)
            assert end is not None or a.get("end_date_raw"), where  # Löpande: no date, the text kept
            if a.get("end_date_raw") is not None:
                _check_text(a["end_date_raw"], f"{where}.end_date_raw")
                assert a["end_date_raw"] != a["end_date"], where  # only when it is no ISO date
            if start is not None:
                assert start <= end, where
            if kind == "uppsikt":
                assert start is not None, f"{where}: uppsikt rows have Startdatum"
        for m in g["measures"]:
            assert MEASURE_FIELDS <= m.keys()
            assert g["level"] == "ekonomi" or profile == "namnd", f"{stem} {g['number']}: measures"
            for key in MEASURE_FIELDS:
                _check_text(m[key], f"{stem} {g['number']} measure {key}")
            assert m.get("trend") in TRENDS | {None}
            for key in ("target", "outcome", "previous_outcome"):
                assert m.get(key) is None or not m[key].endswith(("%", "mnkr")), "unit in a value"
    assert len(activity_keys) == len(set(activity_keys)), f"{stem}: duplicate activity_key"


@pytest.mark.parametrize("stem", [s for s in STEMS if _profile(s) == "uppsikt"])
def test_uppsikt_areas_come_from_the_catalogue(stem):
    """Each goal's area is the målområde under which chapter 2 lists its title; the
    economy goals' is their own heading there, as printed."""
    gold = _gold(stem)
    catalogue: dict[str, str] = {}
    area = None
    for chapter in gold["render"]["chapters"]:
        for block in chapter.get("blocks", []):
            if isinstance(block, dict) and "label" in block:
                m = re.match(r"Mål inom målområde (.+)", block["label"])
                area = m.group(1) if m else (
                    block["label"] if block["label"] == ECONOMY_HEADING else None)
            elif isinstance(block, dict) and "bullets" in block:
                for item in block["bullets"]:
                    catalogue[item.rstrip(".")] = area
    for g in gold["goals"]:
        assert g["title"].rstrip(".") in catalogue, g["title"]
        assert catalogue[g["title"].rstrip(".")] == g["area"], g["title"]


def test_samples_cover_the_whole_vocabulary():
    statuses, assessments, trends = set(), set(), set()
    for stem in STEMS:
        for g in _gold(stem)["goals"]:
            assessments.add(g["assessment"])
            statuses.update(a["status"] for a in g["activities"])
            trends.update(m.get("trend") for m in g["measures"])
    assert statuses == STATUSES
    assert assessments - {None} == ASSESSMENTS
    assert trends - {None} == TRENDS


def test_goal_keys_are_consistent_within_a_municipality():
    levels: dict[tuple[str, str], set[str]] = defaultdict(set)
    reports_per_key: dict[tuple[str, str], int] = defaultdict(int)
    for stem in STEMS:
        gold = _gold(stem)
        town = gold["report"]["municipality"]
        for g in gold["goals"]:
            levels[(town, g["goal_key"])].add(g["level"])
            reports_per_key[(town, g["goal_key"])] += 1
    for key, seen in levels.items():
        assert len(seen) == 1, f"{key}: goal_key used for levels {seen}"
    assert any(n >= 3 for n in reports_per_key.values()), "no goal followed across reports"


# PDFs --------------------------------------------------------------------------
def test_generator_is_deterministic(tmp_path):
    """The reportlab samples render byte for byte again (the Chromium and LibreOffice ones
    are reproducible on one machine; other versions of those programs write other bytes)."""
    stems = [s for s in STEMS if _reportlab(s)]
    written = generate(tmp_path, stems=stems)
    assert {p.stem for p in written} == set(stems) and len(stems) >= 10
    for path in written:
        committed = DIGITAL_DIR / path.name
        assert path.read_bytes() == committed.read_bytes(), (
            f"{path.name} differs from the committed PDF; "
            "run python -m malrapport.samples.generate and commit")


@pytest.mark.parametrize("stem", STEMS)
def test_pdf_text_layer_matches_gold(stem):
    gold = _gold(stem)
    pages = [p.replace("\ufffe", "-") for p in _pdf_pages(DIGITAL_DIR / f"{stem}.pdf")]
    assert 5 <= len(pages) <= (16 if _profile(stem) == "arsredovisning" else 10)
    text = " ".join(pages)
    report = gold["report"]
    front = " ".join(pages[:2])
    for key in ("municipality", "body"):
        assert report[key] in front, key
    assert " ".join(report["title"].split()) in text  # the cover may wrap it: the footer does not
    assert str(report["year"]) in front
    for g in gold["goals"]:
        words = " ".join(g["title"].split()[:3])
        assert (f"{g['number']} {words}" if g["number"] and _profile(stem) in ("tertial", "uppsikt")
                else words) in text, (g["number"], words)
        for a in g["activities"]:
            printed = a.get("end_date_raw") or a["end_date"]  # what the row shows as its end
            assert printed in text, (g["number"], a["title"], printed)
            if a["start_date"]:
                assert a["start_date"] in text, (g["number"], a["title"])
            assert " ".join(a["title"].split()[:3]) in text, a["title"]
        for m in g["measures"]:
            assert " ".join(m["name"].split()[:3]) in text


@pytest.mark.parametrize("stem", STEMS)
def test_running_header_or_footer_on_every_page(stem):
    """Every page names the report (the accounts' cover and contents pages excepted)."""
    report = _gold(stem)["report"]
    first = 2 if _profile(stem) == "arsredovisning" else 0
    for i, page in enumerate(_pdf_pages(DIGITAL_DIR / f"{stem}.pdf")):
        if i >= first:
            assert report["title"] in page, f"page {i + 1}"


def test_tables_and_descriptions_run_across_page_breaks():
    """Some pages open with the repeated header row and then the rest of the
    previous page's row (description, status or comment, not a new row), and
    some description is split mid-paragraph between two pages."""
    header = re.compile(r"^Verksamhetens aktiviteter (Status )?(Startdatum )?Slutdatum ")
    continued, split = 0, 0
    for stem in SYSTEM_STEMS:
        gold = _gold(stem)
        pages = _pdf_pages(DIGITAL_DIR / f"{stem}.pdf")
        acts = [a for g in gold["goals"] for a in g["activities"]]
        for page in pages[1:]:
            m = header.match(page)
            if m and not any(page[m.end():].startswith(a["title"][:20]) for a in acts):
                continued += 1
        for a in acts:
            if not a["description"]:
                continue
            desc = _norm(a["description"])
            first = [i for i, p in enumerate(pages) if desc[:30] in p]
            last = [i for i, p in enumerate(pages) if desc[-30:] in p]
            if first and last and first[0] + 1 == last[0] and desc not in pages[first[0]]:
                split += 1
    assert continued >= 3
    assert split >= 2
