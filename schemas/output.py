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
REPORT_TABLES = ("goals", "activities", "measures", "warnings", "vocabulary", "repairs",
                 "reports")


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


def error_stem(key: str) -> str:
    """The ``errors`` file name of a failure: a hash of its key (the pipeline's key is
    the file's absolute path as spelled on disk, ``discover.Found.error_key``)."""
    return hashlib.sha256(key.encode("utf-8", "surrogateescape")).hexdigest()[:32]


def write_report(outdir: Path, report: ReportRecord, extractor_version: str,
                 error_key: str | None = None) -> None:
    """Every table file of the report, ``reports`` last; then the file's errors row goes.

    On an OSError (a full disk, a folder turned read-only) the report's files are
    removed again before the error is raised, so that OUTDIR holds the report whole
    or not at all (its earlier version, if any, is gone too: the next run writes it)."""
    rows = report_to_rows(report, extractor_version)
    try:
        for name in REPORT_TABLES:
            write_table_file(outdir, name, report.report_id, rows_to_table(name, rows[name]))
    except OSError:
        for name in reversed(REPORT_TABLES):
            try:
                remove_table_file(outdir, name, report.report_id)
            except OSError:
                pass
        raise
    remove_table_file(outdir, "errors", error_stem(error_key or report.source_file))


def write_error(outdir: Path, source_file: str, kind: str, message: str,
                report_id: str | None = None, error_key: str | None = None) -> None:
    row = {"source_file": source_file, "error": kind, "message": message, "report_id": report_id}
    write_table_file(outdir, "errors", error_stem(error_key or source_file),
                     rows_to_table("errors", [row]))


# --- a file read as several reports, or as one after several -------------------------

def file_of(report_id: str) -> str:
    """The file hash of a report_id: ``<hash>`` itself, or ``<hash>-p<first page>`` of
    one of several reports bound into one file (extract/pageorder.py)."""
    head, sep, tail = report_id.rpartition("-p")
    return head if sep and tail.isdigit() else report_id


def report_ids_by_file(outdir: Path) -> dict[str, set[str]]:
    """The report_ids in OUTDIR/reports by file hash (one listing of the folder): what an
    earlier reading of each file left (``incremental.clean_outdir`` has removed the rows
    of other tables that have no ``reports`` row)."""
    from malrapport.schemas.tables import table_files

    out: dict[str, set[str]] = {}
    for path in table_files(outdir, "reports"):
        out.setdefault(file_of(path.stem), set()).add(path.stem)
    return out


def remove_report(outdir: Path, report_id: str) -> None:
    """Every table file of a report, ``reports`` first: a report without its row is no
    report (``incremental.clean_outdir`` removes what a cut-off removal leaves)."""
    for name in reversed(REPORT_TABLES):
        remove_table_file(outdir, name, report_id)
