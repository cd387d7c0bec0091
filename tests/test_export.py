"""``malrapport export`` (malrapport/export.py) on a real output folder: the seven
system reports extracted once per session (conftest's ``system_out``), exported to
each format and read back with openpyxl, the csv module and DuckDB."""
from __future__ import annotations

import csv
import datetime
import shutil
import tempfile
from collections import Counter
from pathlib import Path

import duckdb
import openpyxl
import pyarrow as pa
import pytest
from malrapport.extract.errors import UsageError
from malrapport.schemas.labels import (
    ASSESSMENT_LABEL,
    ASSESSMENT_SCORE,
    STATUS_LABEL,
    label_rows,
)
from malrapport.schemas.tables import TABLES, read_table, write_table_file

from malrapport import export as export_module
from malrapport.export import (
    EXPORTED,
    NOT_EXPORTED,
    SHEET_NAMES,
    export,
    export_columns,
    header,
)

BOM = b"\xef\xbb\xbf"


def parquet(outdir: Path) -> dict[str, pa.Table]:
    return {name: read_table(outdir, name) for name in EXPORTED}


def leftovers(folder: Path) -> list[str]:
    """Temporary files and folders an export may have left in ``folder``."""
    return sorted(p.name for p in folder.iterdir() if p.name.startswith("."))


@pytest.fixture(scope="module")
def source(system_out) -> dict[str, pa.Table]:
    tables = parquet(system_out)
    assert tables["reports"].num_rows == 7 and tables["activities"].num_rows > 100
    return tables


@pytest.fixture(scope="module")
def xlsx(system_out, tmp_path_factory) -> openpyxl.Workbook:
    out = tmp_path_factory.mktemp("xlsx") / "malrapport.xlsx"
    assert export(system_out, "xlsx", out) == out
    assert leftovers(out.parent) == []
    return openpyxl.load_workbook(out)


@pytest.fixture(scope="module")
def csv_dir(system_out, tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("csv") / "export"
    assert export(system_out, "csv", out) == out
    assert leftovers(out.parent) == []
    return out


@pytest.fixture(scope="module")
def db(system_out, tmp_path_factory):
    out = tmp_path_factory.mktemp("duckdb") / "malrapport.duckdb"
    assert export(system_out, "duckdb", out) == out
    assert sorted(p.name for p in out.parent.iterdir()) == ["malrapport.duckdb"]  # no .wal either
    con = duckdb.connect(str(out), read_only=True)
    yield con
    con.close()


def sheet_rows(ws) -> list[dict]:
    rows = ws.iter_rows(values_only=True)
    heads = next(rows)
    return [dict(zip(heads, r)) for r in rows]


# --- headers --------------------------------------------------------------------------

def test_every_table_is_exported_or_said_why_not():
    assert set(TABLES) == set(EXPORTED) | set(NOT_EXPORTED)
    assert not set(EXPORTED) & set(NOT_EXPORTED)


@pytest.mark.parametrize("workbook", [True, False], ids=["xlsx", "csv"])
@pytest.mark.parametrize("name", EXPORTED)
def test_every_exported_column_has_a_swedish_header(name, workbook):
    columns = export_columns(name, workbook=workbook)
    assert set(TABLES[name].names) <= set(columns)  # no schema column left out
    missing = [c for c in columns if not header(name, c)]
    assert not missing, f"{name}: add a header for {missing} to malrapport/export.py"
    heads = [header(name, c) for c in columns]
    assert len(set(heads)) == len(heads), f"{name}: two columns with one header: {heads}"


# --- xlsx -----------------------------------------------------------------------------

def test_xlsx_has_a_sheet_per_table_with_frozen_filtered_headers(xlsx, source):
    assert xlsx.sheetnames == [SHEET_NAMES[name] for name in EXPORTED]
    for name in EXPORTED:
        ws = xlsx[SHEET_NAMES[name]]
        columns = export_columns(name, workbook=True)
        assert [c.value for c in ws[1]] == [header(name, c) for c in columns]
        assert all(c.font.bold for c in ws[1])
        assert ws.freeze_panes == "A2"
        assert ws.auto_filter.ref == f"A1:{openpyxl.utils.get_column_letter(len(columns))}" \
                                     f"{source[name].num_rows + 1}"
        assert ws.max_row == source[name].num_rows + 1
        for letter in (openpyxl.utils.get_column_letter(i + 1) for i in range(len(columns))):
            assert 8 <= ws.column_dimensions[letter].width <= 60


def test_xlsx_swedish_text_and_labels_round_trip(xlsx, source):
    goals = sheet_rows(xlsx["Mål"])
    titles = {g["Mål"] for g in goals}
    swedish = {t for t in source["goals"].column("title").to_pylist() if t and set(t) & set("åäöÅÄÖ")}
    assert swedish and swedish <= titles
    assert "Ånge kommun ska stimulera till utveckling av hälsofrämjande arbetsplatser." in titles
    assert "Ånge kommun" in {g["Kommun"] for g in goals}
    assessed = [g for g in goals if g["Bedömning (kod)"]]
    assert assessed and all(g["Bedömning"] == ASSESSMENT_LABEL[g["Bedömning (kod)"]] for g in assessed)
    assert all(g["Bedömning"] is None for g in goals if g["Bedömning (kod)"] is None)

    acts = sheet_rows(xlsx["Aktiviteter"])
    assert "Pågående enligt plan" in {a["Status"] for a in acts}
    assert all(a["Status"] == STATUS_LABEL[a["Status (kod)"]] for a in acts if a["Status (kod)"])


def test_xlsx_rows_carry_their_report_and_come_in_report_order(xlsx, source):
    reports = {r["report_id"]: r for r in source["reports"].to_pylist()}
    acts = sheet_rows(xlsx["Aktiviteter"])
    for a in acts:
        r = reports[a["Rapport-id"]]
        assert (a["Kommun"], a["År"], a["Period"], a["Rapporttyp"]) == \
               (r["municipality"], r["year"], r["period"], r["kind"])
    # one report's rows together, by goal then position
    seen, previous = [], None
    for a in acts:
        if a["Rapport-id"] != previous:
            assert a["Rapport-id"] not in seen
            seen.append(previous := a["Rapport-id"])
    assert len(seen) == len({a["report_id"] for a in source["activities"].to_pylist()})


def test_xlsx_dates_are_excel_dates(xlsx, source):
    ws = xlsx["Aktiviteter"]
    heads = [c.value for c in ws[1]]
    start, end = heads.index("Startdatum"), heads.index("Slutdatum")
    key, rid = heads.index("Aktivitetsnyckel"), heads.index("Rapport-id")
    expected = {(a["activity_key"], a["report_id"]): (a["start_date"], a["end_date"])
                for a in source["activities"].to_pylist()}
    dated = 0
    for row in ws.iter_rows(min_row=2):
        want = expected[(row[key].value, row[rid].value)]
        for cell, day in zip((row[start], row[end]), want):
            if day is None:
                assert cell.value is None
            else:
                assert cell.is_date and isinstance(cell.value, datetime.datetime)
                assert cell.value.date() == day
                dated += 1
    assert dated > 100


def test_xlsx_numbers_stay_numbers(xlsx, source):
    reports = sheet_rows(xlsx["Rapporter"])
    assert all(isinstance(r["År"], int) and isinstance(r["Sidor"], int) for r in reports)
    acts = sheet_rows(xlsx["Aktiviteter"])
    # float32 with the digits it has: 0.85, not 0.8500000238418579
    printed = {a["Tillförlitlighet"] for a in acts}
    stored = {round(v, 6) for v in source["activities"].column("confidence").to_pylist()}
    assert printed == stored and all(len(repr(float(v))) <= 8 for v in printed)


def test_xlsx_labels_and_registries(xlsx, source):
    labels = sheet_rows(xlsx["Etiketter"])
    assert [(r["Typ"], r["Kod"], r["Etikett"], r["Poäng"]) for r in labels] == \
           [(r["kind"], r["key"], r["label"], r["score"]) for r in label_rows()]
    registry = sheet_rows(xlsx["Målregister"])
    assert len(registry) == source["goal_registry"].num_rows
    first = source["goal_registry"].to_pylist()[0]
    row = next(r for r in registry if r["Målnyckel"] == first["goal_key"])
    assert row["Varianter av titeln"] == " | ".join(first["variants"])


def test_xlsx_formula_like_and_control_text_is_kept_as_text(system_out, tmp_path):
    outdir = tmp_path / "out"
    shutil.copytree(system_out, outdir)
    path = min((outdir / "goals").glob("*.parquet"))
    goals = read_table(outdir, "goals")
    goals = goals.filter(pa.compute.equal(goals.column("report_id"), path.stem))
    titles = goals.column("title").to_pylist()
    titles[0] = "=SUMMA(A1:A9) och sånt"
    titles[1] = "Text med\x07kontrolltecken"
    write_table_file(outdir, "goals", path.stem,
                     goals.set_column(goals.column_names.index("title"), "title",
                                      pa.array(titles, pa.string())))
    out = export(outdir, "xlsx", tmp_path / "m.xlsx")
    ws = openpyxl.load_workbook(out)["Mål"]
    col = [c.value for c in ws[1]].index("Mål")
    cells = {c[col].value: c[col] for c in ws.iter_rows(min_row=2)}
    assert cells["=SUMMA(A1:A9) och sånt"].data_type == "s"
    assert "Text medkontrolltecken" in cells


def test_xlsx_of_a_folder_without_a_labels_table(system_out, tmp_path):
    """A folder written before the labels table existed gets the labels of this version."""
    outdir = tmp_path / "out"
    shutil.copytree(system_out, outdir)
    shutil.rmtree(outdir / "labels")
    shutil.rmtree(outdir / "errors", ignore_errors=True)
    ws = openpyxl.load_workbook(export(outdir, "xlsx", tmp_path / "m.xlsx"))
    assert len(sheet_rows(ws["Etiketter"])) == len(label_rows())
    assert ws["Fel"].max_row == 1  # the header only
    acts = sheet_rows(ws["Aktiviteter"])
    assert all(a["Status"] == STATUS_LABEL[a["Status (kod)"]] for a in acts if a["Status (kod)"])


# --- csv ------------------------------------------------------------------------------

def read_csv(path: Path) -> list[dict]:
    with open(path, encoding="utf-8-sig", newline="") as f:
        return list(csv.DictReader(f))


def test_csv_folder_has_a_bom_file_per_table_with_the_parquet_rows(csv_dir, source):
    assert sorted(p.name for p in csv_dir.iterdir()) == sorted(f"{n}.csv" for n in EXPORTED)
    for name in EXPORTED:
        path = csv_dir / f"{name}.csv"
        assert path.read_bytes().startswith(BOM)
        with open(path, encoding="utf-8-sig", newline="") as f:
            assert next(csv.reader(f)) == export_columns(name)
        assert len(read_csv(path)) == source[name].num_rows, name


def test_csv_values_labels_and_dates(csv_dir, source):
    goals = read_csv(csv_dir / "goals.csv")
    assert "Ånge kommun ska stimulera till utveckling av hälsofrämjande arbetsplatser." in \
           {g["title"] for g in goals}
    assert all(g["assessment_label"] == (ASSESSMENT_LABEL[g["assessment"]] if g["assessment"] else "")
               for g in goals)
    acts = {(a["activity_key"], a["report_id"]): a for a in read_csv(csv_dir / "activities.csv")}
    for a in source["activities"].to_pylist():
        row = acts[(a["activity_key"], a["report_id"])]
        assert row["status_label"] == (STATUS_LABEL[a["status"]] if a["status"] else "")
        assert row["end_date"] == (a["end_date"].isoformat() if a["end_date"] else "")
        assert row["title"] == a["title"]
    reports = read_csv(csv_dir / "reports.csv")
    assert {r["municipality"] for r in reports} >= {"Ånge kommun", "Sjövik kommun"}


def test_csv_replaces_an_earlier_export(system_out, tmp_path):
    out = tmp_path / "csv"
    out.mkdir()  # an empty folder is fine
    export(system_out, "csv", out)
    (out / "goals.csv").write_text("old", encoding="utf-8")
    (out / "labels.csv").unlink()
    export(system_out, "csv", out)
    assert sorted(p.name for p in out.iterdir()) == sorted(f"{n}.csv" for n in EXPORTED)
    assert (out / "goals.csv").read_bytes().startswith(BOM + b"report_id,")
    assert leftovers(tmp_path) == []


# --- duckdb ---------------------------------------------------------------------------

def test_duckdb_tables_hold_the_parquet_rows(db, source):
    tables = {r[0] for r in db.execute("select table_name from duckdb_tables()").fetchall()}
    assert tables == set(EXPORTED)
    for name in EXPORTED:
        assert db.execute(f'select count(*) from "{name}"').fetchone()[0] == source[name].num_rows, name
        assert [r[0] for r in db.execute(f'describe "{name}"').fetchall()] == TABLES[name].names
    assert db.execute("select comment from duckdb_columns() where table_name = 'goals' "
                  "and column_name = 'title'").fetchone()[0] == "Mål"


def test_duckdb_goal_history_has_a_row_per_goal_and_report(db, source):
    reports = {r["report_id"]: r for r in source["reports"].to_pylist()}
    goals = source["goals"].to_pylist()
    expected = Counter(g["goal_key"] for g in goals if g["report_id"] in reports)
    got = dict(db.execute("select goal_key, count(*) from goal_history group by goal_key").fetchall())
    assert got == dict(expected)
    assert db.execute("select count(*) from (select distinct goal_key, report_id from goal_history)"
                  ).fetchone()[0] == sum(expected.values())
    rows = db.execute("select goal_key, report_id, municipality, year, period, title, assessment, "
                  "assessment_label, assessment_score from goal_history").fetchall()
    by_key: dict[str, list] = {}
    for key, rid, municipality, year, period, title, assessment, label, score in rows:
        r = reports[rid]
        assert (municipality, year, period) == (r["municipality"], r["year"], r["period"])
        assert label == (ASSESSMENT_LABEL[assessment] if assessment else None)
        assert score == (ASSESSMENT_SCORE[assessment] if assessment else None)
        by_key.setdefault(key, []).append((year, period or "~"))
    # each goal's rows together, in time order
    assert list(by_key) == list(dict.fromkeys(r[0] for r in rows))
    assert all(v == sorted(v) for v in by_key.values())
    assert any(len(v) > 1 for v in by_key.values())  # goals followed across reports


def test_duckdb_activity_history(db, source):
    acts = source["activities"].to_pylist()
    assert db.execute("select count(*) from activity_history").fetchone()[0] == len(acts)
    rows = db.execute("select activity_key, report_id, plan_year, goal_key, title, status, status_label "
                  "from activity_history").fetchall()
    want = {(a["activity_key"], a["report_id"]): a for a in acts}
    for key, rid, plan_year, goal_key, title, status, label in rows:
        a = want[(key, rid)]
        assert (plan_year, goal_key, title, status) == (a["plan_year"], a["goal_key"], a["title"], a["status"])
        assert label == (STATUS_LABEL[status] if status else None)


# --- usage errors and failures --------------------------------------------------------

def test_outdir_missing_or_not_an_output(tmp_path):
    for outdir, reason in [(tmp_path / "nowhere", "no such folder"),
                           (tmp_path, "not a malrapport output folder")]:
        with pytest.raises(UsageError) as e:
            export(outdir, "xlsx", tmp_path / "m.xlsx")
        assert str(outdir) in str(e.value) and reason in str(e.value)
    a_file = tmp_path / "file.txt"
    a_file.write_text("x", encoding="utf-8")
    with pytest.raises(UsageError, match="not a folder"):
        export(a_file, "csv", tmp_path / "csv")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["file.txt"]


def test_outdir_with_a_broken_table_leaves_the_existing_file(system_out, tmp_path):
    outdir = tmp_path / "out"
    shutil.copytree(system_out, outdir)
    (outdir / "goals" / "broken.parquet").write_bytes(b"not parquet at all")
    target = tmp_path / "target"
    target.mkdir()
    for fmt in ("xlsx", "duckdb"):
        old = target / f"m.{fmt}"
        old.write_bytes(b"the earlier export")
        with pytest.raises(UsageError) as e:
            export(outdir, fmt, old)
        assert "broken.parquet" in str(e.value)
        assert old.read_bytes() == b"the earlier export"
    assert leftovers(target) == []


@pytest.mark.parametrize("fmt", ["xlsx", "csv", "duckdb"])
def test_target_folder_missing(system_out, tmp_path, fmt):
    out = tmp_path / "no" / "such" / f"m.{fmt}"
    with pytest.raises(UsageError) as e:
        export(system_out, fmt, out)
    assert str(out) in str(e.value) and "does not exist" in str(e.value)
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("fmt", ["xlsx", "duckdb"])
def test_target_is_an_existing_folder(system_out, tmp_path, fmt):
    out = tmp_path / "a-folder"
    out.mkdir()
    with pytest.raises(UsageError) as e:
        export(system_out, fmt, out)
    assert str(out) in str(e.value) and "is a folder" in str(e.value)
    assert list(out.iterdir()) == [] and leftovers(tmp_path) == []


def test_csv_target_must_be_a_new_empty_or_export_folder(system_out, tmp_path):
    a_file = tmp_path / "a.csv"
    a_file.write_text("mine", encoding="utf-8")
    with pytest.raises(UsageError, match="is not a folder"):
        export(system_out, "csv", a_file)
    mine = tmp_path / "mine"
    mine.mkdir()
    (mine / "notes.txt").write_text("mine", encoding="utf-8")
    (mine / "goals.csv").write_text("mine", encoding="utf-8")
    with pytest.raises(UsageError) as e:
        export(system_out, "csv", mine)
    assert str(mine) in str(e.value) and "notes.txt" in str(e.value)
    assert a_file.read_text(encoding="utf-8") == "mine"
    assert sorted(p.name for p in mine.iterdir()) == ["goals.csv", "notes.txt"]
    assert (mine / "goals.csv").read_text(encoding="utf-8") == "mine"
    assert leftovers(tmp_path) == []


def test_unknown_format(system_out, tmp_path):
    with pytest.raises(UsageError, match="'parquet': no such export format"):
        export(system_out, "parquet", tmp_path / "m.parquet")


def test_existing_file_replaced_on_success(system_out, tmp_path):
    for fmt in ("xlsx", "duckdb"):
        out = tmp_path / f"m.{fmt}"
        out.write_bytes(b"the earlier export")
        export(system_out, fmt, out)
        assert out.read_bytes() != b"the earlier export"
    openpyxl.load_workbook(tmp_path / "m.xlsx")
    con = duckdb.connect(str(tmp_path / "m.duckdb"), read_only=True)
    assert con.execute("select count(*) from reports").fetchone()[0] == 7
    con.close()
    assert leftovers(tmp_path) == []


# A failure part-way through writing. The writers' own configuration is broken so that
# openpyxl, pyarrow or DuckDB fail for real after part of FILE has been written.
@pytest.mark.parametrize("fmt, attribute, broken", [
    ("xlsx", "SHEET_NAMES", {**SHEET_NAMES, "labels": "Etiketter/ogiltigt namn"}),
    ("csv", "LABEL_COLUMNS", {**export_module.LABEL_COLUMNS,
                              "warnings": ("no_such_column", "x_label", "status")}),
    ("duckdb", "ACTIVITY_HISTORY", "create view activity_history as select * from no_such_table"),
])
def test_failure_while_writing_leaves_nothing_and_keeps_the_old_file(
        system_out, tmp_path, tmp_path_factory, monkeypatch, fmt, attribute, broken):
    system_tmp = tmp_path_factory.mktemp("system_tmp")  # where openpyxl streams its sheets
    monkeypatch.setattr(tempfile, "tempdir", str(system_tmp))
    out = tmp_path / f"m.{fmt}"
    if fmt == "csv":
        export(system_out, "csv", out)
        before = {p.name: p.read_bytes() for p in out.iterdir()}
    else:
        out.write_bytes(b"the earlier export")
    monkeypatch.setattr(export_module, attribute, broken)
    with pytest.raises(Exception) as e:
        export(system_out, fmt, out)
    assert not isinstance(e.value, AssertionError)
    assert sorted(p.name for p in tmp_path.iterdir()) == [out.name]
    if fmt == "csv":
        assert {p.name: p.read_bytes() for p in out.iterdir()} == before
    else:
        assert out.read_bytes() == b"the earlier export"
    assert list(system_tmp.iterdir()) == []
