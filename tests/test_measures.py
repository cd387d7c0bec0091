"""Measures: the name as printed (unit in brackets included), the values as printed
without their unit, and the values as numbers (``target_value``, ``outcome_value``,
``previous_outcome_value``) read the Swedish way by ``normalize.numbers.parse_number``."""
from __future__ import annotations

import json
import math

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import GOLD
from malrapport.extract.measures import cells_to_measure, extend_name
from malrapport.normalize.numbers import parse_number
from malrapport.normalize.records import normalize_report
from malrapport.schemas.convert import report_to_rows
from malrapport.schemas.records import GoalRecord, MeasureRecord, ReportRecord
from malrapport.schemas.tables import rows_to_table

VALUE_FIELDS = {"target": "target_value", "outcome": "outcome_value",
                "previous_outcome": "previous_outcome_value"}
SPACES = (" ", "\u00a0", "\u2009", "\u202f")  # space, no-break, thin, narrow no-break
MINUS = ("-", "\u2212", "\u2013")  # hyphen-minus, minus sign, en dash


# ---------------------------------------------------------------- parse_number, by hand

@pytest.mark.parametrize("printed,number", [
    ("7,5", 7.5), ("0,0", 0.0), ("80", 80.0), ("0", 0.0), ("225,0", 225.0),
    ("1 234,5", 1234.5), ("118 000", 118000.0), ("12 345 678,25", 12345678.25),
    ("1\u00a0234", 1234.0), ("1\u2009234,5", 1234.5), ("70\u202f000", 70000.0),
    ("-12,5", -12.5), ("−3", -3.0), ("–1 850", -1850.0), ("-1 850", -1850.0), ("+4,2", 4.2),
    ("2,0 %", 2.0), ("2,0%", 2.0), ("45 %", 45.0), ("-12,5 mnkr", -12.5), ("1 480 MWh", 1480.0),
    ("214,5 poäng", 214.5), ("5 ‰", 5.0), ("  7,5 ", 7.5), ("1234", 1234.0),
])
def test_a_swedish_number_is_read(printed, number):
    assert parse_number(printed) == number


@pytest.mark.parametrize("printed", [
    None, "", "   ", "Minska", "ökning", "Öka", ">90", "<5", "≥ 80", "minst 80", "ca 5",
    "5-7", "5–7", "5 - 7", "5 7", "1 23", "1234 567", "12,5,3", "5,", ",5", "7.1", "1.234",
    "-", "–", "+", "+-5", "%", "5 %%", "x", "↑", "5e3", "nan", "inf", "٣",
])
def test_anything_but_one_number_is_null(printed):
    assert parse_number(printed) is None


def test_a_percentage_keeps_its_printed_scale():
    """``2,0 %`` is 2.0 (the unit says per cent), not 0.02."""
    assert parse_number("2,0 %") == parse_number("2,0") == 2.0


# ---------------------------------------------------------------- parse_number, properties

@st.composite
def swedish_floats(draw) -> tuple[str, float]:
    """A float printed the Swedish way, and the number that print stands for."""
    x = draw(st.floats(min_value=-1e12, max_value=1e12, allow_nan=False, allow_infinity=False))
    decimals = draw(st.integers(0, 4))
    plain = f"{x:.{decimals}f}"  # what the print means, with a decimal point
    grouped = f"{abs(x):,.{decimals}f}"
    sep = draw(st.sampled_from(("", *SPACES)))
    printed = grouped.replace(",", sep).replace(".", ",")
    if plain.startswith("-"):
        printed = draw(st.sampled_from(MINUS)) + printed
    else:
        printed = draw(st.sampled_from(("", "+"))) + printed
    printed += draw(st.sampled_from(("", "%", " %", "\u00a0%", " mnkr", " tkr", " poäng")))
    return printed, float(plain)


@settings(max_examples=300, deadline=None)
@given(swedish_floats())
def test_a_float_printed_the_swedish_way_reads_back(case):
    printed, number = case
    assert parse_number(printed) == number


@settings(max_examples=300, deadline=None)
@given(swedish_floats(), st.sampled_from(("", " ", "\u00a0", "\n")))
def test_white_space_around_a_number_does_not_matter(case, pad):
    printed, number = case
    assert parse_number(pad + printed + pad) == number


@settings(max_examples=200, deadline=None)
@given(swedish_floats(), swedish_floats(), st.sampled_from(("-", "–", " – ", "/", " och ")))
def test_two_numbers_are_no_number(a, b, between):
    """A range or a pair (``5–7``, ``10/12``) is not one number, whatever the figures."""
    first, second = a[0].rstrip(" %mnkrtpoäng\u00a0"), b[0].lstrip("+-−–")
    assert parse_number(first + between + second) is None


@settings(max_examples=200, deadline=None)
@given(swedish_floats(), st.sampled_from((">", "<", "≥", "≤", "ca ", "minst ", "~")))
def test_a_bound_is_no_number(case, bound):
    assert parse_number(bound + case[0]) is None


@settings(max_examples=500, deadline=None)
@given(st.text(max_size=20))
def test_any_text_gives_a_finite_number_or_null(text):
    value = parse_number(text)
    assert value is None or (isinstance(value, float) and math.isfinite(value))


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.characters(blacklist_categories=("Nd",)), max_size=20))
def test_text_without_figures_is_null(text):
    assert parse_number(text) is None


# ---------------------------------------------------------------- a measure row → a record

def test_the_name_keeps_its_unit_in_brackets_and_the_unit_is_split_off():
    m = cells_to_measure({"name": "Sjukfrånvaro, procentandel (%)", "target": "7,5", "outcome": "8,6"})
    assert (m.name, m.unit, m.target, m.outcome) == ("Sjukfrånvaro, procentandel (%)", "%", "7,5", "8,6")


def test_a_per_cent_sign_that_ocr_misread_is_printed_as_it_stands_on_the_page():
    m = cells_to_measure({"name": "Sjukfrånvaro, procentandel (96)", "target": "7,5"})
    assert (m.name, m.unit) == ("Sjukfrånvaro, procentandel (%)", "%")


def test_a_unit_after_the_values_leaves_them_and_the_name_bare():
    m = cells_to_measure({"name": "Budgetavvikelse, prognos helår", "target": "0,0 mnkr",
                          "outcome": "-1,8 mnkr", "previous_outcome": "-4,2 mnkr"})
    assert (m.name, m.unit, m.target, m.outcome, m.previous_outcome) == (
        "Budgetavvikelse, prognos helår", "mnkr", "0,0", "-1,8", "-4,2")


def test_a_name_without_a_unit_is_as_printed():
    m = cells_to_measure({"name": "Besök i badhuset", "target": "45 000"})
    assert (m.name, m.unit, m.target) == ("Besök i badhuset", None, "45 000")


def test_a_wrapped_name_ends_with_its_unit():
    first = cells_to_measure({"name": "Andel medarbetare med minst sex", "target": "10", "outcome": "12"})
    m = extend_name(first, "sjukperioder per år (%)")
    assert (m.name, m.unit, m.target) == ("Andel medarbetare med minst sex sjukperioder per år (%)", "%", "10")


# ---------------------------------------------------------------- record → table row

def _report(*measures: MeasureRecord) -> ReportRecord:
    goal = GoalRecord(number="4.1", level="ekonomi", title="Sjukfrånvaron ska minska",
                      title_raw="4.1 Sjukfrånvaron ska minska", measures=measures, ordinal=1)
    return ReportRecord(report_id="r1", source_file="a.pdf", goals=(goal,))


def test_normalising_reads_the_values_as_numbers_and_keeps_the_printed_text():
    report = normalize_report(_report(
        MeasureRecord(name="Budgetavvikelse (tkr)", target="0", outcome="-1 850", unit="tkr"),
        MeasureRecord(name="Andel nöjda (%)", target="Öka", outcome="84", previous_outcome="78",
                      unit="%")))
    a, b = report.goals[0].measures
    assert (a.target, a.outcome, a.target_value, a.outcome_value, a.previous_outcome_value) == (
        "0", "-1 850", 0.0, -1850.0, None)
    assert (b.target, b.target_value, b.outcome_value, b.previous_outcome_value) == ("Öka", None, 84.0, 78.0)


def test_the_measures_table_has_the_values_as_float64():
    report = normalize_report(_report(
        MeasureRecord(name="Soliditet (%)", target="45", outcome="47,2", unit="%"),
        MeasureRecord(name="Antal besök", target=">90")))
    table = rows_to_table("measures", report_to_rows(report, "test")["measures"])
    assert str(table.schema.field("target_value").type) == "double"
    assert table.column("name").to_pylist() == ["Soliditet (%)", "Antal besök"]
    assert table.column("target").to_pylist() == ["45", ">90"]
    assert table.column("target_value").to_pylist() == [45.0, None]
    assert table.column("outcome_value").to_pylist() == [47.2, None]
    assert table.column("previous_outcome_value").to_pylist() == [None, None]


# ---------------------------------------------------------------- the samples

def _gold_measures():
    for path in sorted(GOLD.glob("*.json")):
        gold = json.loads(path.read_text(encoding="utf-8"))
        for g in gold["goals"]:
            for m in g["measures"]:
                yield path.stem, m


def test_every_sample_value_is_a_number():
    """The samples print figures only: each value of the gold reads as a number."""
    for stem, m in _gold_measures():
        for key in VALUE_FIELDS:
            if m.get(key) is not None:
                assert parse_number(m[key]) is not None, (stem, m["name"], key, m[key])


def test_the_digital_samples_give_each_measure_as_printed_and_as_numbers(digital_out):
    measures = pd.read_parquet(digital_out / "measures")
    reports = pd.read_parquet(digital_out / "reports")[["report_id", "source_file"]]
    measures = measures.merge(reports, on="report_id")
    found = {(r.source_file.removeprefix("digital/").removesuffix(".pdf"), r.name): r
             for r in measures.itertuples()}
    gold = list(_gold_measures())
    assert len(found) == len(measures) == len(gold)
    for stem, m in gold:
        row = found[(stem, m["name"])]
        assert row.unit == m["unit"], (stem, m["name"])
        for key, value_key in VALUE_FIELDS.items():
            printed = getattr(row, key)
            printed = None if pd.isna(printed) else printed
            assert printed == m.get(key), (stem, m["name"], key)
            number = getattr(row, value_key)
            expected = parse_number(m.get(key))
            assert (pd.isna(number) and expected is None) or number == expected, (stem, m["name"], key)


def test_a_bracketed_unit_in_the_gold_name_is_the_measures_unit():
    """A gold name printed with its unit in brackets ends with that unit (``(%)``)."""
    for stem, m in _gold_measures():
        if m["name"].endswith(")") and m["unit"]:
            assert m["name"].endswith(f" ({m['unit']})"), (stem, m["name"])
