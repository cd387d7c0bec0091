"""The command line as a new user meets it: help, version, usage errors before any
work, and tables that exist (with their columns) even when nothing is in them."""
from __future__ import annotations

import datetime as dt

import duckdb
import pandas as pd
import pyarrow.dataset as ds
import pytest

from conftest import DIGITAL, load_gold, run_cli
from malrapport.cli import _parser
from malrapport.normalize.plan_year import plan_year, year_span
from malrapport.schemas.tables import TABLES

ONE_PDF = DIGITAL / "ange-2025-t1.pdf"


def test_malrapport_alone_shows_the_commands_and_is_a_usage_error():
    proc = run_cli(check=False)
    assert proc.returncode == 2
    for command in ("extract", "evaluate", "compare", "export", "profiles", "inspect"):
        assert command in proc.stderr
    assert "``" not in proc.stderr and "Traceback" not in proc.stderr


def test_version_names_the_extractor_and_schema_versions():
    from malrapport.extract.pipeline import EXTRACTOR_VERSION
    from malrapport.schemas.tables import SCHEMA_VERSION

    proc = run_cli("--version")
    assert f"extractor {EXTRACTOR_VERSION}" in proc.stdout
    assert f"schema {SCHEMA_VERSION}" in proc.stdout


def _subcommands():
    sub = next(a for a in _parser()._actions if a.dest == "command")
    return sub.choices


@pytest.mark.parametrize("name", sorted(_subcommands()))
def test_every_command_has_a_purpose_two_examples_and_its_defaults(name):
    parser = _subcommands()[name]
    text = parser.format_help()
    assert parser.description and parser.description.endswith(".")
    examples = text.split("examples:\n", 1)[1].strip().splitlines()
    assert len(examples) == 2 and all("malrapport" in e for e in examples)
    for action in parser._actions:
        if action.dest == "help":
            continue
        assert action.help, f"{name} {action.option_strings or action.dest}: no help text"
        if action.default not in (None, False, []):
            assert "default" in parser._get_formatter()._get_help_string(action), action.dest
    if name == "extract":
        flat = " ".join(text.split())
        for shown in ("(default: auto)", "(default: 300)", "(default: swe)", "(default: 1800.0)",
                      "(default: local)"):
            assert shown in flat


def test_extract_into_a_file_is_a_usage_error_naming_it(tmp_path):
    target = tmp_path / "not-a-folder"
    target.write_text("keep me")
    proc = run_cli("extract", ONE_PDF, "-o", target, "--quiet", check=False)
    assert proc.returncode == 2 and "Traceback" not in proc.stderr
    assert str(target) in proc.stderr and "not a folder" in proc.stderr
    assert target.read_text() == "keep me"


def test_a_missing_vocab_file_is_a_usage_error_before_anything_is_written(tmp_path):
    out = tmp_path / "out"
    proc = run_cli("extract", ONE_PDF, "-o", out, "--vocab", tmp_path / "nonexistent.txt",
                   check=False)
    assert proc.returncode == 2
    assert "nonexistent.txt" in proc.stderr and "Traceback" not in proc.stderr
    assert not out.exists()


def test_a_folder_without_pdfs_says_so_and_creates_nothing(tmp_path):
    empty = tmp_path / "inbox"
    empty.mkdir()
    (empty / "notes.txt").write_text("no report here")
    out = tmp_path / "out"
    proc = run_cli("extract", empty, "-o", out, check=False)
    assert proc.returncode == 2
    assert "no PDF files found" in proc.stderr and str(empty) in proc.stderr
    assert not out.exists()


@pytest.fixture(scope="module")
def one_report_out(tmp_path_factory):
    out = tmp_path_factory.mktemp("one") / "out"
    run_cli("extract", ONE_PDF, "-o", out, "--quiet", "--ocr", "never")
    return out


@pytest.mark.parametrize("name", ["reports", "goals", "activities", "measures", "warnings",
                                  "errors", "labels", "vocabulary", "repairs"])
def test_every_table_reads_with_its_columns_even_with_no_rows(one_report_out, name):
    frame = pd.read_parquet(one_report_out / name)
    assert list(frame.columns) == TABLES[name].names
    count = duckdb.sql(f"select count(*) from '{one_report_out}/{name}/*.parquet'").fetchall()[0][0]
    assert count == len(frame) == ds.dataset(one_report_out / name).count_rows()
    if name in ("errors", "repairs"):
        assert count == 0  # nothing failed, nothing repaired: the table is there, empty


def test_the_empty_file_is_no_report(one_report_out):
    """The zero-row files are not taken for reports: a re-run skips the one report
    and removes nothing, and evaluate and compare see one report."""
    proc = run_cli("extract", ONE_PDF, "-o", one_report_out, "--quiet", "--ocr", "never")
    assert "1 skipped" in proc.stderr
    assert len(pd.read_parquet(one_report_out / "reports")) == 1
    assert (one_report_out / "goals" / "empty.parquet").exists()


def test_labels_give_every_key_its_swedish_label_colour_order_and_score(one_report_out):
    labels = pd.read_parquet(one_report_out / "labels")
    status = labels[labels.kind == "status"].set_index("key")
    assessment = labels[labels.kind == "assessment"].set_index("key")
    # FORMAT.md's six statuses and LAYOUTS.md's avbruten; its five assessments
    assert len(status) == 7 and len(assessment) == 5
    assert status.loc["pagaende_enligt_plan", "label"] == "Pågående enligt plan"
    assert status.loc["vantelage", "label"] == "Vänteläge"
    assert assessment.loc["ej_uppfyllt", "label"] == "Ej uppfyllt"
    assert list(assessment.sort_values("sort_order").index) == [
        "uppfyllt", "delvis_uppfyllt", "knappt_uppfyllt", "ej_uppfyllt", "saknas"]
    assert assessment.score.tolist()[:4] == [3, 2, 1, 0] and pd.isna(assessment.score.iloc[4])
    assert labels.color.str.fullmatch(r"#[0-9a-f]{6}").all()
    # every status the extractor wrote has a label
    acts = pd.read_parquet(one_report_out / "activities")
    assert set(acts.status.dropna()) <= set(status.index)


def test_dates_come_back_as_dates_with_the_pyarrow_backend(one_report_out):
    acts = pd.read_parquet(one_report_out / "activities", dtype_backend="pyarrow")
    assert str(acts.end_date.dtype).startswith("date32")
    gold = [dt.date.fromisoformat(a["end_date"]) for g in load_gold("ange-2025-t1")["goals"]
            for a in g.get("activities", []) if a.get("end_date")]
    assert sorted(acts.end_date.dropna()) == sorted(gold)
    assert sorted(acts.end_date.dt.year.dropna()) == sorted(d.year for d in gold)
    plain = pd.read_parquet(one_report_out / "activities")
    assert isinstance(plain.end_date.dropna().iloc[0], dt.date)  # what the README warns of


def test_plan_year_is_the_report_year_of_every_activity(one_report_out):
    acts = pd.read_parquet(one_report_out / "activities")
    assert len(acts) and (acts.plan_year == 2025).all()


@pytest.mark.parametrize("title, span", [
    ("Verksamhetsplan 2023–2024", (2023, 2024)),
    ("Uppföljning läsåret 2023/24", (2023, 2024)),
    ("Handlingsplan 2019 - 2022", (2019, 2022)),
    ("Målavstämning, tertial 1 2025", None),
    ("Rapport 2025-03-31", None),   # a date, not a span: 31 is not after 2025
    ("Plan 2020–2040", None),       # beyond ten years: not one plan's span
    (None, None),
])
def test_year_span(title, span):
    assert year_span(title) == span


def test_plan_year_from_the_dates_when_the_report_spans_years():
    d = dt.date
    assert plan_year(2025, None, d(2024, 1, 1), d(2026, 12, 31)) == 2025  # the report's year
    assert plan_year(2023, (2023, 2024), None, d(2024, 6, 30)) == 2024    # ends inside the span
    assert plan_year(2023, (2023, 2024), d(2023, 8, 1), d(2027, 1, 1)) == 2023  # starts inside
    assert plan_year(2023, (2023, 2024), None, None) == 2023               # no dates: the first
    assert plan_year(None, None, None, d(2019, 3, 1)) == 2019              # no report year
    assert plan_year(None, None, None, None) is None
