"""Writing one report's rows (or one failure) into OUTDIR, file by file, atomically."""
from __future__ import annotations

import hashlib
from pathlib import Path

from malrapport.schemas.convert import report_to_rows
from malrapport.schemas.records import ReportRecord
from malrapport.schemas.labels import label_rows
from malrapport.schemas.tables import (
    ensure_empty_tables,
    read_table,
    remove_table_file,
    rows_to_table,
    write_table_file,
)

# Order matters: ``reports`` is written last, so a report row means the report is whole.
REPORT_TABLES = ("goals", "activities", "measures", "warnings", "reports")


# Every table a run leaves in OUTDIR, each readable even with no rows in it.
RUN_TABLES = (*REPORT_TABLES, "errors")
LABELS_STEM = "labels"


def write_fixed_tables(outdir: Path) -> None:
    """The tables that exist whatever was read: every report table's and errors'
    zero-row file, and the ``labels`` table (rewritten only when it changed)."""
    ensure_empty_tables(outdir, RUN_TABLES)
    labels = rows_to_table("labels", label_rows())
    try:
        if read_table(outdir, "labels").equals(labels):
            return
    except Exception:  # an unreadable or older labels file: write it anew
        pass
    write_table_file(outdir, "labels", LABELS_STEM, labels)


def error_stem(source_file: str) -> str:
    return hashlib.sha256(source_file.encode("utf-8", "surrogateescape")).hexdigest()[:32]


def write_report(outdir: Path, report: ReportRecord, extractor_version: str) -> None:
    rows = report_to_rows(report, extractor_version)
    for name in REPORT_TABLES:
        write_table_file(outdir, name, report.report_id, rows_to_table(name, rows[name]))
    remove_table_file(outdir, "errors", error_stem(report.source_file))


def write_error(outdir: Path, source_file: str, kind: str, message: str,
                report_id: str | None = None) -> None:
    row = {"source_file": source_file, "error": kind, "message": message, "report_id": report_id}
    write_table_file(outdir, "errors", error_stem(source_file), rows_to_table("errors", [row]))
