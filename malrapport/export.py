"""``malrapport export``: an output folder's tables as one Excel workbook, a folder
of CSV files, or one DuckDB database, for people who do not read Parquet.

- ``xlsx``: a workbook, one sheet per table (Rapporter, Mål, Aktiviteter, Mått,
  Varningar, Fel, Etiketter), then the key registries (Målregister,
  Aktivitetsregister) last: they are what a reader of several years needs to
  follow a goal by its key, but no report row is in them, so they come after the
  report tables. Swedish column headers (``TABLE_HEADERS``, ``COMMON_HEADERS``),
  the Swedish label beside each status and assessment key, each row's
  municipality, year, period and report kind beside the row (the report id, which
  says the same to a program, moves to the last column), rows in report order,
  header row frozen, autofilter on, dates as Excel dates. A cell holds at most
  32,767 characters (Excel's limit; longer text is cut, ending in ``…``) and a
  sheet at most 1,048,575 rows (more is refused: use csv or duckdb).
- ``csv``: FILE is a folder with one ``<table>.csv`` per table (the same tables as
  the workbook), UTF-8 with a BOM so that Excel shows å, ä and ö, comma-separated,
  the Parquet column names as headers (for programs: the names of README's
  Tables), plus ``assessment_label`` and ``status_label``; rows in the workbook's
  order, dates ISO (``2025-03-31``), an empty field is null, a registry's
  ``variants`` a JSON list. Machine-friendly on purpose: Excel users take the
  workbook (a Swedish-locale Excel expects ``;`` in a CSV it opens by double-click).
- ``duckdb``: a database file with one table per Parquet table, as in Parquet
  (the registries' variants as lists), the Swedish headers as column comments, and
  two views: ``goal_history`` (one row per goal_key and report, in time order, with
  the assessment's label and score) and ``activity_history`` (one row per
  activity_key and report, with the status's label and sort order).

The ``comparison`` table that ``malrapport compare`` writes is not exported: it is
derived from the others as they were when compare ran, and ``goal_history`` gives
the same per goal and report from the tables as they are. The labels come from
OUTDIR's ``labels`` table, or, in a folder written before it existed, from
``malrapport.schemas.labels``.

FILE is written to a temporary name in its folder and renamed into place: an
existing FILE is replaced only when the export succeeded, and a failed export
leaves nothing behind. A csv FILE that exists must be a folder holding nothing but
an earlier export's ``.csv`` files.
"""
from __future__ import annotations

import datetime
import json
import os
import shutil
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from pathlib import Path

import pyarrow as pa
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from malrapport.compare import NotAnOutputFolder
from malrapport.extract.errors import MalrapportError, UsageError
from malrapport.schemas.labels import label_rows
from malrapport.schemas.tables import (
    TABLES,
    SchemaVersionError,
    read_table,
    rows_to_table,
    table_files,
)

HELP = "Export an output folder's tables as an Excel workbook, CSV files or a DuckDB database."
FORMATS = ("xlsx", "csv", "duckdb")

# The tables exported, in sheet order: the report tables, then the key registries.
EXPORTED: tuple[str, ...] = ("reports", "goals", "activities", "measures", "warnings", "errors",
                             "labels", "repairs", "vocabulary", "goal_registry",
                             "activity_registry")
# Tables of TABLES that are not exported, and why (see the module's docstring).
NOT_EXPORTED: dict[str, str] = {"comparison": "derived by `malrapport compare`; see goal_history"}

SHEET_NAMES: dict[str, str] = {
    "reports": "Rapporter", "goals": "Mål", "activities": "Aktiviteter", "measures": "Mått",
    "warnings": "Varningar", "errors": "Fel", "labels": "Etiketter",
    "repairs": "Rättningar", "vocabulary": "Inlärda ord",
    "goal_registry": "Målregister", "activity_registry": "Aktivitetsregister"}

# The label column added beside a key column: table -> (key column, label column, labels kind).
LABEL_COLUMNS: dict[str, tuple[str, str, str]] = {
    "goals": ("assessment", "assessment_label", "assessment"),
    "activities": ("status", "status_label", "status"),
}

# The workbook's sheets of report rows also show which report a row is from.
CONTEXT_TABLES = ("goals", "activities", "measures", "warnings")
CONTEXT_COLUMNS: tuple[tuple[str, str], ...] = (  # (column in the sheet, column of reports)
    ("municipality", "municipality"), ("year", "year"), ("period", "period"),
    ("report_kind", "kind"))

# Swedish column headers for the workbook, and the DuckDB column comments. Every
# column of every exported table has one (tests/test_export.py checks it): a column
# added to a schema needs its header here. A name means the same in every table
# unless the table's own entry says otherwise.
COMMON_HEADERS: dict[str, str] = {
    "report_id": "Rapport-id",
    "source_file": "Källfil",
    "municipality": "Kommun",
    "year": "År",
    "period": "Period",
    "report_kind": "Rapporttyp",
    "page": "Sida",
    "goal_key": "Målnyckel",
    "activity_key": "Aktivitetsnyckel",
    "goal_number": "Målnummer",
    "goal_ordinal": "Målets ordningsnummer",
    "ordinal": "Ordningsnummer",
    "comment": "Kommentar",
    "description": "Beskrivning",
    "level": "Nivå",
    "first_year": "Första år",
    "last_year": "Senaste år",
    "variants": "Varianter av titeln",
    "message": "Meddelande",
}
TABLE_HEADERS: dict[str, dict[str, str]] = {
    "reports": {
        "body": "Organ", "title": "Rapporttitel", "kind": "Rapporttyp", "pages": "Sidor",
        "ocr_pages": "Sidor lästa med OCR", "extractor_version": "Extraktorversion",
        "profile": "Layoutprofil", "profile_score": "Profilens träffsäkerhet",
        "coverage": "Täckning", "n_warnings": "Antal varningar",
        "text_quality": "Textkvalitet",
        "first_page": "Första sida i filen", "last_page": "Sista sida i filen",
    },
    "goals": {
        "number": "Målnummer", "parent_number": "Överordnat måls nummer", "area": "Målområde",
        "title": "Mål", "title_raw": "Mål (som läst)",
        "assessment": "Bedömning (kod)", "assessment_label": "Bedömning",
        "assessment_raw": "Bedömning (som läst)", "ordinal": "Målets ordningsnummer",
        "parent_ordinal": "Överordnat måls ordningsnummer",
        "source": "Textkälla", "confidence": "Tillförlitlighet",
        "reasons": "Skäl till osäkerhet", "box": "Plats på sidan (pt)",
    },
    "activities": {
        "ordinal": "Ordningsnummer under målet", "title": "Aktivitet",
        "title_raw": "Aktivitet (som läst)", "status": "Status (kod)", "status_label": "Status",
        "status_raw": "Status (som läst)", "start_date": "Startdatum", "end_date": "Slutdatum",
        "source": "Textkälla", "confidence": "Tillförlitlighet", "responsible": "Ansvarig",
        "end_date_raw": "Slutdatum (som tryckt)", "plan_year": "Planår",
        "reasons": "Skäl till osäkerhet", "box": "Plats på sidan (pt)",
    },
    "measures": {
        "name": "Mått", "target": "Målvärde", "outcome": "Utfall", "unit": "Enhet",
        "previous_outcome": "Föregående utfall", "trend": "Trend", "note": "Not",
        "target_value": "Målvärde (tal)", "outcome_value": "Utfall (tal)",
        "previous_outcome_value": "Föregående utfall (tal)",
    },
    "warnings": {"kind": "Varningstyp", "text": "Text"},
    "errors": {"error": "Feltyp"},
    "labels": {
        "kind": "Typ", "key": "Kod", "label": "Etikett", "color": "Färg",
        "sort_order": "Sorteringsordning", "score": "Poäng",
    },
    "repairs": {"table": "Tabell", "field": "Fält", "raw": "Som läst", "repaired": "Rättat",
                "source": "Belägg"},
    "vocabulary": {"term": "Term", "kind": "Slag", "count": "Antal"},
    "goal_registry": {"title": "Mål", "parent_key": "Överordnad målnyckel"},
    "activity_registry": {"title": "Aktivitet"},
}


def header(table: str, column: str) -> str | None:
    """The Swedish header of a column of an exported table, None when it has none."""
    return TABLE_HEADERS.get(table, {}).get(column) or COMMON_HEADERS.get(column)


def export_columns(table: str, workbook: bool = False) -> list[str]:
    """The columns a table is exported with: its schema's, the label column beside its
    key column, and in the workbook the report's context first and report_id last."""
    names = list(TABLES[table].names)
    if table in LABEL_COLUMNS:
        key, label, _ = LABEL_COLUMNS[table]
        names.insert(names.index(key) + 1, label)
    if workbook:
        if table in CONTEXT_TABLES:
            names = [c for c, _ in CONTEXT_COLUMNS] + names
        if "report_id" in names:
            names = [c for c in names if c != "report_id"] + ["report_id"]
    return names


class ExportError(MalrapportError):
    """The export could not be written (a full disk, a vanished folder): nothing was left."""
    kind = "export_failed"


def export(outdir: Path, fmt: str, out: Path) -> Path:
    """Export OUTDIR's tables to FILE as an Excel workbook (xlsx: a sheet per table,
    Swedish headers and labels), a folder of CSV files (csv: one <table>.csv each,
    UTF-8 with BOM, Parquet column names) or a DuckDB database (duckdb: a table per
    Parquet table, views goal_history and activity_history). FILE is replaced only
    when the export succeeds. Returns FILE."""
    outdir, out = Path(outdir), Path(out)
    if fmt not in FORMATS:
        raise UsageError(f"{fmt!r}: no such export format (expected one of: {', '.join(FORMATS)})")
    if not outdir.exists():
        raise NotAnOutputFolder(f"{outdir}: no such folder")
    if not outdir.is_dir():
        raise NotAnOutputFolder(f"{outdir}: not a folder (give the output folder of malrapport extract)")
    if not (table_files(outdir, "reports") or table_files(outdir, "errors")):
        raise NotAnOutputFolder(
            f"{outdir}: not a malrapport output folder (no reports/*.parquet or errors/*.parquet); "
            f"run `malrapport extract PDF... -o {outdir}` first")
    _check_target(out, fmt)
    try:
        tables = {name: read_table(outdir, name) for name in EXPORTED}
    except SchemaVersionError as e:
        raise NotAnOutputFolder(f"{e}; extract again into a new folder") from e
    except (pa.ArrowException, OSError) as e:
        raise NotAnOutputFolder(f"{outdir}: not a malrapport output, a table cannot be read: {e}") from e
    if tables["labels"].num_rows == 0:  # a folder written before the labels table
        tables["labels"] = rows_to_table("labels", label_rows())
    _WRITERS[fmt](tables, out)
    return out


# --- the target -----------------------------------------------------------------------

def _check_target(out: Path, fmt: str) -> None:
    parent = out.parent
    if not parent.is_dir():
        reason = "does not exist" if not parent.exists() else "is not a folder"
        raise UsageError(f"{out}: cannot write there, its folder {parent} {reason}")
    if fmt == "csv":
        if out.exists() and not out.is_dir():
            raise UsageError(f"{out}: exists and is not a folder; --format csv writes a folder "
                             f"of <table>.csv files, give a new or empty folder")
        if out.is_dir():
            expected = {f"{name}.csv" for name in EXPORTED}
            others = sorted(p.name for p in out.iterdir()
                            if p.name not in expected or not p.is_file() or p.is_symlink())
            if others:
                shown = ", ".join(others[:3]) + (", …" if len(others) > 3 else "")
                raise UsageError(f"{out}: holds files that are not a malrapport csv export ({shown}); "
                                 f"give a new or empty folder")
    elif out.is_dir():
        raise UsageError(f"{out}: is a folder; give a file name, e.g. {out / f'malrapport.{fmt}'}")
    elif out.exists() and not out.is_file():  # -o /dev/null: renaming over it replaces the device
        raise UsageError(f"{out}: exists and is not a regular file (a device, a pipe); "
                         f"give a file name, e.g. malrapport.{fmt}")


def _umask() -> int:
    umask = os.umask(0)
    os.umask(umask)
    return umask


def _file_mode() -> int:
    return 0o666 & ~_umask()


def _dir_mode() -> int:
    return 0o777 & ~_umask()


@contextmanager
def _temporary_in(out: Path, directory: bool) -> Iterator[Path]:
    """A temporary file (or folder) beside ``out``, removed on failure; creating it
    in a folder that cannot be written in is a usage error."""
    try:
        if directory:
            tmp = Path(tempfile.mkdtemp(dir=out.parent, prefix=f".{out.name}.", suffix=".tmp"))
        else:
            fd, name = tempfile.mkstemp(dir=out.parent, prefix=f".{out.name}.", suffix=".tmp")
            os.close(fd)
            tmp = Path(name)
    except OSError as e:
        raise UsageError(f"{out}: cannot write in {out.parent}: {e.strerror or e}") from e
    try:
        yield tmp
    except OSError as e:
        _remove(tmp)
        raise ExportError(f"{out}: could not be written: {e}") from e
    except BaseException:
        _remove(tmp)
        raise
    _remove(tmp)  # gone already when it was renamed into place


def _remove(path: Path) -> None:
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path, ignore_errors=True)
    else:
        path.unlink(missing_ok=True)


def _replace_folder(tmp: Path, out: Path) -> None:
    """Put the folder ``tmp`` in the place of ``out``: an empty or missing ``out`` in
    one rename, an earlier export moved aside first and removed after."""
    os.chmod(tmp, _dir_mode())  # mkdtemp makes 0700; the export is for others to read
    try:
        os.replace(tmp, out)
        return
    except OSError:
        if not out.is_dir():
            raise
    old = Path(tempfile.mkdtemp(dir=out.parent, prefix=f".{out.name}.", suffix=".old"))
    old.rmdir()
    os.rename(out, old)
    try:
        os.rename(tmp, out)
    except BaseException:
        os.rename(old, out)
        raise
    _remove(old)


# --- the rows -------------------------------------------------------------------------

_PERIOD_RANK = {"T1": 1, "T2": 2, "T3": 3}


def _report_ranks(reports: pa.Table) -> dict[str, int]:
    """Each report's place: by municipality, year, period, kind, file."""
    rows = reports.to_pylist()
    rows.sort(key=lambda r: (r["municipality"] or "", r["year"] if r["year"] is not None else 0,
                             _PERIOD_RANK.get(r["period"] or "", 9), r["kind"] or "",
                             r["source_file"] or "", r["report_id"]))
    return {r["report_id"]: i for i, r in enumerate(rows)}


_ORDER: dict[str, list[str]] = {  # within a report
    "goals": ["ordinal", "number"],
    "activities": ["goal_ordinal", "ordinal"],
    "measures": ["goal_ordinal"],
    "warnings": ["page"],
}


def _with_labels(name: str, table: pa.Table, labels: pa.Table) -> pa.Table:
    """``table`` with its label column beside the key column."""
    if name not in LABEL_COLUMNS:
        return table
    key, label, kind = LABEL_COLUMNS[name]
    names = {r["key"]: r["label"] for r in labels.to_pylist() if r["kind"] == kind}
    values = pa.array([names.get(k) for k in table.column(key).to_pylist()], pa.string())
    return table.add_column(table.column_names.index(key) + 1, label, values)


def _in_report_order(name: str, table: pa.Table, ranks: dict[str, int]) -> pa.Table:
    if "report_id" not in table.column_names or table.num_rows == 0:
        return table
    if name == "errors":
        return table.sort_by([("source_file", "ascending")])
    rank = pa.array([ranks.get(r) for r in table.column("report_id").to_pylist()], pa.int32())
    ranked = table.append_column("__rank", rank)
    keys = [("__rank", "ascending")] + [(c, "ascending") for c in _ORDER.get(name, [])]
    return ranked.sort_by(keys).drop_columns(["__rank"])


def _prepared(tables: dict[str, pa.Table], workbook: bool) -> Iterator[tuple[str, pa.Table]]:
    """The exported tables with their label columns, rows in report order, and in
    the workbook each row's report context."""
    ranks = _report_ranks(tables["reports"])
    context = {r["report_id"]: r for r in tables["reports"].to_pylist()}
    for name in EXPORTED:
        table = _in_report_order(name, _with_labels(name, tables[name], tables["labels"]), ranks)
        if workbook and name in CONTEXT_TABLES:
            ids = table.column("report_id").to_pylist()
            for column, source in reversed(CONTEXT_COLUMNS):
                field = tables["reports"].schema.field(source)
                values = [context.get(i, {}).get(source) for i in ids]
                table = table.add_column(0, pa.field(column, field.type), pa.array(values, field.type))
        yield name, table.select(export_columns(name, workbook))


# --- xlsx -----------------------------------------------------------------------------

EXCEL_MAX_ROWS = 1_048_576
EXCEL_MAX_CHARS = 32_767
MAX_WIDTH = 60
KEY_WIDTH = 24  # ids and keys: long, and read by programs more than by people


def _write_xlsx(tables: dict[str, pa.Table], out: Path) -> None:
    for name, table in tables.items():
        if table.num_rows >= EXCEL_MAX_ROWS:
            raise UsageError(f"{out}: the {name} table has {table.num_rows:,} rows, more than an "
                             f"Excel sheet holds; export it with --format csv or duckdb")
    with _temporary_in(out, directory=False) as tmp:
        wb = Workbook(write_only=True)
        try:
            _fill_workbook(wb, tables)
            wb.save(tmp)
        except BaseException:
            _discard(wb)
            raise
        os.chmod(tmp, _file_mode())
        os.replace(tmp, out)


def _fill_workbook(wb: Workbook, tables: dict[str, pa.Table]) -> None:
    """A sheet per table: the header row frozen and filtered, widths from the values."""
    bold = Font(bold=True)
    fill = PatternFill("solid", start_color="DDE5EE")
    top = Alignment(vertical="top")
    for name, table in _prepared(tables, workbook=True):
        ws = wb.create_sheet(SHEET_NAMES[name])
        columns = [[_excel_value(v, table.schema.field(i).type) for v in table.column(i).to_pylist()]
                   for i in range(table.num_columns)]
        headers = [header(name, c) or c for c in table.column_names]
        for i, (column, head) in enumerate(zip(table.column_names, headers)):
            ws.column_dimensions[get_column_letter(i + 1)].width = _width(column, head, columns[i])
        ws.freeze_panes = "A2"
        last = get_column_letter(max(1, table.num_columns))
        ws.auto_filter.ref = f"A1:{last}{table.num_rows + 1}"
        cells = []
        for head in headers:
            cell = WriteOnlyCell(ws, value=head)
            cell.font, cell.fill, cell.alignment = bold, fill, top
            cells.append(cell)
        ws.append(cells)
        for row in zip(*columns):
            ws.append([_text_cell(ws, v) if isinstance(v, str) and v[:1] == "=" else v
                       for v in row])


def _discard(wb: Workbook) -> None:
    """Close and remove the sheets a failed write-only workbook has streamed to
    openpyxl's temporary files (else they stay until the process ends)."""
    for ws in wb.worksheets:
        writer = getattr(ws, "_writer", None)
        if writer is None:
            continue
        # The export's own error is the one to report, not one of these.
        with suppress(Exception):
            if not ws.closed:
                ws.close()
        with suppress(Exception):
            writer.cleanup()


def _excel_value(value, type_: pa.DataType):
    """A value as the workbook holds it: text cleaned of what XML cannot hold and cut to
    Excel's cell limit, a list as one line, a float32 with the digits it has."""
    if value is None:
        return None
    if isinstance(value, list):
        value = " | ".join("" if v is None else str(v) for v in value)
    if isinstance(value, str):
        value = ILLEGAL_CHARACTERS_RE.sub("", value)
        if len(value) > EXCEL_MAX_CHARS:
            value = value[: EXCEL_MAX_CHARS - 1] + "…"
        return value
    if pa.types.is_float32(type_):
        return float(f"{value:.7g}")
    return value


def _text_cell(ws, value: str) -> WriteOnlyCell:
    """Text that starts with ``=`` stays text (openpyxl would write it as a formula)."""
    cell = WriteOnlyCell(ws, value=value)
    cell.data_type = "s"
    return cell


def _width(column: str, head: str, values: list) -> float:
    if column.endswith(("_id", "_key")):
        return KEY_WIDTH
    longest = len(head) + 3  # room for the filter button
    for v in values:
        if isinstance(v, (datetime.date, datetime.datetime)):
            n = 10
        elif isinstance(v, str):
            n = max(len(line) for line in v.splitlines()) if v else 0
        elif v is None:
            continue
        else:
            n = len(str(v))
        if n > longest:
            longest = n
            if longest >= MAX_WIDTH:
                break
    return float(min(max(longest + 1, 8), MAX_WIDTH))


# --- csv ------------------------------------------------------------------------------

def _write_csv(tables: dict[str, pa.Table], out: Path) -> None:
    import pyarrow.csv as pacsv

    options = pacsv.WriteOptions(quoting_header="none", eol="\r\n")
    with _temporary_in(out, directory=True) as tmp:
        for name, table in _prepared(tables, workbook=False):
            with open(tmp / f"{name}.csv", "wb") as f:
                f.write("\ufeff".encode("utf-8"))
                pacsv.write_csv(_lists_as_json(table), f, options)
            os.chmod(tmp / f"{name}.csv", _file_mode())
        _replace_folder(tmp, out)


def _lists_as_json(table: pa.Table) -> pa.Table:
    for i, field in enumerate(table.schema):
        if pa.types.is_list(field.type) or pa.types.is_large_list(field.type):
            values = [None if v is None else json.dumps(v, ensure_ascii=False)
                      for v in table.column(i).to_pylist()]
            table = table.set_column(i, field.name, pa.array(values, pa.string()))
    return table


# --- duckdb ---------------------------------------------------------------------------

GOAL_HISTORY = """
create view goal_history as
select coalesce(g.goal_key, 'utan-nyckel-' || left(g.report_id, 8) || '-' || coalesce(g.number, g.title))
           as goal_key,
       g.report_id, r.municipality, r.body, r.year, r.period, r.kind, g.level, g.number, g.ordinal,
       g.title, g.assessment, l.label as assessment_label, l.score as assessment_score
from goals g
left join reports r using (report_id)
left join labels l on l.kind = 'assessment' and l.key = g.assessment
order by 1, r.year, r.period nulls last, r.kind, r.source_file, g.report_id
"""

ACTIVITY_HISTORY = """
create view activity_history as
select coalesce(a.activity_key, 'utan-nyckel-' || left(a.report_id, 8) || '-'
                || coalesce(a.goal_number, cast(a.goal_ordinal as varchar), '') || '-'
                || coalesce(cast(a.ordinal as varchar), a.title)) as activity_key,
       a.report_id, r.municipality, r.body, r.year, r.period, r.kind, a.plan_year, a.goal_key,
       a.goal_number, a.ordinal, a.title, a.status, l.label as status_label,
       l.sort_order as status_sort_order, a.start_date, a.end_date, a.end_date_raw, a.responsible
from activities a
left join reports r using (report_id)
left join labels l on l.kind = 'status' and l.key = a.status
order by 1, r.year, r.period nulls last, r.kind, r.source_file, a.report_id
"""


def _write_duckdb(tables: dict[str, pa.Table], out: Path) -> None:
    try:
        import duckdb
    except ImportError as e:
        raise UsageError("--format duckdb needs the duckdb package: pip install duckdb") from e

    with _temporary_in(out, directory=True) as tmp:
        path = tmp / out.name
        con = duckdb.connect(str(path))
        try:
            for name in EXPORTED:
                con.register("__export", tables[name])
                con.execute(f'create table "{name}" as select * from __export')
                con.unregister("__export")
                con.execute(f"comment on table \"{name}\" is {_sql_text(SHEET_NAMES[name])}")
                for column in tables[name].column_names:
                    head = header(name, column)
                    if head:
                        con.execute(f'comment on column "{name}"."{column}" is {_sql_text(head)}')
            con.execute(GOAL_HISTORY)
            con.execute(ACTIVITY_HISTORY)
            con.execute("checkpoint")
        except duckdb.Error as e:
            raise ExportError(f"{out}: DuckDB could not write it: {e}") from e
        finally:
            con.close()
        os.replace(path, out)


def _sql_text(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


_WRITERS: dict[str, Callable[[dict[str, pa.Table], Path], None]] = {
    "xlsx": _write_xlsx, "csv": _write_csv, "duckdb": _write_duckdb}
