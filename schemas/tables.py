"""Arrow schemas of the output tables (CONTRACT.md) and their Parquet I/O.

Each table is a Parquet dataset ``OUTDIR/<table>/`` holding one file per report
(``<report_id>.parquet``), so re-extracting a report replaces exactly its rows.
Files are written to a temporary name in the same folder and renamed into place,
so a reader never sees a partial file.
"""
from __future__ import annotations

from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from malrapport.normalize.labels import STATUS_KEYS
from malrapport.schemas.atomic import replacing

SCHEMA_VERSION = "4"
# Versions whose files this one still reads: each later version only added
# columns, which read as null from an older file (README: schema versions).
READABLE_VERSIONS = ("1", "2", "3", "4")
METADATA_KEY = b"malrapport.schema_version"

REPORTS = pa.schema([
    ("report_id", pa.string()),
    ("source_file", pa.string()),
    ("municipality", pa.string()),
    ("body", pa.string()),
    ("title", pa.string()),
    ("kind", pa.string()),
    ("year", pa.int16()),
    ("period", pa.string()),
    ("pages", pa.int16()),
    ("ocr_pages", pa.int16()),
    ("extractor_version", pa.string()),
    ("profile", pa.string()),
    ("profile_score", pa.float32()),
    ("coverage", pa.float32()),
    ("n_warnings", pa.int16()),
    ("text_quality", pa.string()),
    ("first_page", pa.int16()),
    ("last_page", pa.int16()),
])

GOALS = pa.schema([
    ("report_id", pa.string()),
    ("number", pa.string()),
    ("level", pa.string()),
    ("parent_number", pa.string()),
    ("area", pa.string()),
    ("title", pa.string()),
    ("title_raw", pa.string()),
    ("assessment", pa.string()),
    ("comment", pa.string()),
    ("page", pa.int16()),
    ("goal_key", pa.string()),
    ("assessment_raw", pa.string()),
    ("ordinal", pa.int16()),
    ("parent_ordinal", pa.int16()),
    ("description", pa.string()),
    ("source", pa.string()),
    ("confidence", pa.float32()),
    ("reasons", pa.list_(pa.string())),
    ("box", pa.list_(pa.float32())),
])

ACTIVITIES = pa.schema([
    ("report_id", pa.string()),
    ("goal_number", pa.string()),
    ("ordinal", pa.int16()),
    ("title", pa.string()),
    ("title_raw", pa.string()),
    ("description", pa.string()),
    ("status", pa.string()),
    ("status_raw", pa.string()),
    ("start_date", pa.date32()),
    ("end_date", pa.date32()),
    ("comment", pa.string()),
    ("page", pa.int16()),
    ("source", pa.string()),
    ("confidence", pa.float32()),
    ("activity_key", pa.string()),
    ("goal_key", pa.string()),
    ("goal_ordinal", pa.int16()),
    ("responsible", pa.string()),
    ("end_date_raw", pa.string()),
    ("plan_year", pa.int16()),
    ("reasons", pa.list_(pa.string())),
    ("box", pa.list_(pa.float32())),
])

MEASURES = pa.schema([
    ("report_id", pa.string()),
    ("goal_number", pa.string()),
    ("name", pa.string()),
    ("target", pa.string()),
    ("outcome", pa.string()),
    ("unit", pa.string()),
    ("goal_ordinal", pa.int16()),
    ("previous_outcome", pa.string()),
    ("trend", pa.string()),
    ("note", pa.string()),
    ("target_value", pa.float64()),
    ("outcome_value", pa.float64()),
    ("previous_outcome_value", pa.float64()),
])

# Text that was read but landed in no record, and words the profile does not know.
WARNINGS = pa.schema([
    ("report_id", pa.string()),
    ("page", pa.int16()),
    ("kind", pa.string()),
    ("message", pa.string()),
    ("text", pa.string()),
])

# Every word the repair changed, and why (normalize/repairs.py).
REPAIRS = pa.schema([
    ("report_id", pa.string()),
    ("table", pa.string()),
    ("field", pa.string()),
    ("goal_ordinal", pa.int16()),
    ("ordinal", pa.int16()),
    ("raw", pa.string()),
    ("repaired", pa.string()),
    ("source", pa.string()),
])

# What the archive's clean reports teach the repair (normalize/learned.py).
VOCABULARY = pa.schema([
    ("term", pa.string()),
    ("kind", pa.string()),
    ("municipality", pa.string()),
    ("report_id", pa.string()),
    ("count", pa.int32()),
])

# Each status and assessment key's Swedish label, colour, order (schemas/labels.py).
LABELS = pa.schema([
    ("kind", pa.string()),
    ("key", pa.string()),
    ("label", pa.string()),
    ("color", pa.string()),
    ("sort_order", pa.int16()),
    ("score", pa.int16()),
])

ERRORS = pa.schema([
    ("source_file", pa.string()),
    ("error", pa.string()),
    ("message", pa.string()),
    ("report_id", pa.string()),
])

# The registry of goal and activity keys (normalize/registry.py) and the
# cross-report comparison (malrapport/compare.py): one file each, rewritten whole.
GOAL_REGISTRY = pa.schema([
    ("goal_key", pa.string()),
    ("municipality", pa.string()),
    ("level", pa.string()),
    ("title", pa.string()),
    ("first_year", pa.int16()),
    ("last_year", pa.int16()),
    ("variants", pa.list_(pa.string())),
    ("parent_key", pa.string()),
])

ACTIVITY_REGISTRY = pa.schema([
    ("activity_key", pa.string()),
    ("municipality", pa.string()),
    ("goal_key", pa.string()),
    ("title", pa.string()),
    ("first_year", pa.int16()),
    ("last_year", pa.int16()),
    ("variants", pa.list_(pa.string())),
    ("description", pa.string()),
])

COMPARISON_STATUSES = STATUS_KEYS

COMPARISON = pa.schema([
    ("goal_key", pa.string()),
    ("report_id", pa.string()),
    ("municipality", pa.string()),
    ("year", pa.int16()),
    ("period", pa.string()),
    ("kind", pa.string()),
    ("period_label", pa.string()),
    ("level", pa.string()),
    ("number", pa.string()),
    ("title", pa.string()),
    ("assessment", pa.string()),
    ("n_activities", pa.int16()),
    *[(f"n_{status}", pa.int16()) for status in COMPARISON_STATUSES],
    ("n_no_status", pa.int16()),
])

TABLES: dict[str, pa.Schema] = {
    "reports": REPORTS,
    "goals": GOALS,
    "activities": ACTIVITIES,
    "measures": MEASURES,
    "warnings": WARNINGS,
    "errors": ERRORS,
    "labels": LABELS,
    "vocabulary": VOCABULARY,
    "repairs": REPAIRS,
    "goal_registry": GOAL_REGISTRY,
    "activity_registry": ACTIVITY_REGISTRY,
    "comparison": COMPARISON,
}


class SchemaVersionError(Exception):
    """OUTDIR holds a table written by another schema version, or no malrapport output."""


def _with_version(schema: pa.Schema) -> pa.Schema:
    return schema.with_metadata({METADATA_KEY: SCHEMA_VERSION.encode()})


def rows_to_table(name: str, rows: list[dict]) -> pa.Table:
    """Build an Arrow table of the named schema from row dicts; "" becomes null."""
    schema = TABLES[name]
    columns = {f.name: [_empty_to_none(r.get(f.name)) for r in rows] for f in schema}
    return pa.Table.from_pydict(columns, schema=_with_version(schema))


def _empty_to_none(value):
    if isinstance(value, str) and not value.strip():
        return None
    return value


def write_table_file(outdir: Path, name: str, stem: str, table: pa.Table) -> Path:
    """Write ``outdir/name/stem.parquet`` atomically (temp file + rename)."""
    folder = Path(outdir) / name
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / f"{stem}.parquet"
    with replacing(target) as tmp:
        pq.write_table(table, tmp, compression="zstd")
    return target


def remove_table_file(outdir: Path, name: str, stem: str) -> None:
    (Path(outdir) / name / f"{stem}.parquet").unlink(missing_ok=True)


# A zero-row file with the table's schema, kept in every table folder so that a
# table with nothing in it (no errors, no warnings) still reads in pandas,
# DuckDB globs and pyarrow datasets, with its columns and types.
EMPTY_STEM = "empty"


def is_data_file(file_name: str) -> bool:
    """A report's (or failure's) Parquet file: not a temp file, not the empty one."""
    return (file_name.endswith(".parquet") and not file_name.startswith(".")
            and file_name != f"{EMPTY_STEM}.parquet")


def ensure_empty_tables(outdir: Path, names: tuple[str, ...]) -> None:
    """Give each named table folder its zero-row file, unless it already has one of
    this schema version (so an unchanged OUTDIR is not rewritten)."""
    for name in names:
        path = Path(outdir) / name / f"{EMPTY_STEM}.parquet"
        try:
            meta = pq.read_schema(path).metadata or {}
            if meta.get(METADATA_KEY) == SCHEMA_VERSION.encode() and \
                    pq.read_schema(path).remove_metadata().equals(TABLES[name]):
                continue
        except (OSError, pa.ArrowException):
            pass
        write_table_file(outdir, name, EMPTY_STEM, _with_version(TABLES[name]).empty_table())


def table_files(outdir: Path, name: str) -> list[Path]:
    """The table's data files (the zero-row file left out), in name order."""
    folder = Path(outdir) / name
    if not folder.is_dir():
        return []
    return sorted(p for p in folder.glob("*.parquet") if is_data_file(p.name))


def read_table(outdir: Path, name: str) -> pa.Table:
    """Read a whole table, checking the schema version of every file."""
    files = table_files(outdir, name)
    schema = _with_version(TABLES[name])
    if not files:
        return schema.empty_table()
    parts = []
    for path in files:
        try:
            meta = pq.read_schema(path).metadata or {}
        except (pa.ArrowException, OSError) as e:
            raise SchemaVersionError(f"{path}: not a malrapport output (not a Parquet file: {e})") from e
        version = meta.get(METADATA_KEY)
        if version is None:
            raise SchemaVersionError(f"{path}: not written by malrapport (no schema version)")
        if version.decode() not in READABLE_VERSIONS:
            raise SchemaVersionError(
                f"{path}: written with schema version {version.decode()}, "
                f"this malrapport reads versions {', '.join(READABLE_VERSIONS)}")
        # ParquetFile, not pq.read_table: that imports pandas (a second of a short run)
        parts.append(_upgrade(pq.ParquetFile(path).read(), schema))
    return pa.concat_tables(parts)


def _list_items_renamed(table: pa.Table, schema: pa.Schema) -> pa.Table:
    """A file of this version as read back: its list columns' items are named
    ``element`` (Parquet's name), the schema's ``item`` (pyarrow's). Those columns are
    viewed as the schema's type, the same buffers: 0.05 ms a file, where the cast took
    2.4 (the end-of-run keying reads back every file whose keys it changes)."""
    columns = []
    for column, field in zip(table.columns, schema):
        if not column.type.equals(field.type, check_metadata=True):
            column = pa.chunked_array([chunk.view(field.type) for chunk in column.chunks],
                                      type=field.type)
        columns.append(column)
    return pa.Table.from_arrays(columns, schema=schema)


def _upgrade(table: pa.Table, schema: pa.Schema) -> pa.Table:
    """A file of an older version: the columns added since read as null."""
    if table.schema.equals(schema, check_metadata=True):
        return table  # (cast would import pyarrow.compute: 0.07 s of the main process)
    if table.schema.equals(schema) and table.schema.metadata == schema.metadata:
        try:
            return _list_items_renamed(table, schema)
        except (pa.ArrowInvalid, pa.ArrowTypeError, pa.ArrowNotImplementedError):
            pass  # not only names after all: cast below
    for f in schema:
        if f.name not in table.column_names:
            table = table.append_column(f.name, pa.nulls(len(table), f.type))
    return table.select(schema.names).cast(schema)
