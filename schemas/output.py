"""Writing one report's rows (or one failure) into OUTDIR, file by file, atomically.

A worker process can make a report's tables itself (``encode_report``): the
Parquet bytes of every table, the provisional keys (normalize/keys.py) included.
``write_report`` then writes those bytes instead of converting the report again:
the files are byte for byte the same (tests/test_pipeline.py checks it).
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path

from malrapport.schemas.labels import label_rows
from malrapport.schemas.records import ReportRecord
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
    rows = label_rows()
    try:
        if _same_labels(outdir, rows):
            return
    except Exception:  # an unreadable or older labels file: write it anew
        pass
    write_table_file(outdir, "labels", LABELS_STEM, rows_to_table("labels", rows))


def _same_labels(outdir: Path, rows: list[dict]) -> bool:
    """OUTDIR's labels table holds these rows, in this schema version: compared as
    Python rows, not by building the table (pyarrow then imports pandas, 0.5 s of a
    re-run)."""
    from malrapport.schemas.tables import TABLES

    table = read_table(outdir, "labels")
    stored = [{k: (None if isinstance(v, str) and not v.strip() else v) for k, v in r.items()}
              for r in rows]
    return table.schema.remove_metadata().equals(TABLES["labels"]) and \
        table.to_pylist() == stored


def error_stem(key: str) -> str:
    """The ``errors`` file name of a failure: a hash of its key (the pipeline's key is
    the file's absolute path as spelled on disk, ``discover.Found.error_key``)."""
    return hashlib.sha256(key.encode("utf-8", "surrogateescape")).hexdigest()[:32]


PARQUET_OPTIONS = {"compression": "zstd"}  # as tables.write_table_file writes


@dataclass
class EncodedReport:
    """A report's tables as a worker made them."""

    source: ReportRecord  # the record encoded: only that one is written from these
    extractor_version: str
    files: dict[str, bytes] = field(default_factory=dict)  # table → Parquet bytes

    def fits(self, report: ReportRecord, extractor_version: str) -> bool:
        """``report`` is the record encoded (not one changed since, by corrections or
        keys), for this extractor version."""
        return report is self.source and extractor_version == self.extractor_version


def encode_report(report: ReportRecord, extractor_version: str) -> EncodedReport:
    """In a worker: the Parquet bytes of every table of the report's rows."""
    import pyarrow as pa
    import pyarrow.parquet as pq
    from malrapport.schemas.convert import report_to_rows

    rows = report_to_rows(report, extractor_version)
    out = EncodedReport(report, extractor_version)
    for name in REPORT_TABLES:
        sink = pa.BufferOutputStream()
        pq.write_table(rows_to_table(name, rows[name]), sink, **PARQUET_OPTIONS)
        out.files[name] = sink.getvalue().to_pybytes()
    return out


def _write_bytes(outdir: Path, name: str, stem: str, data: bytes) -> None:
    from malrapport.schemas.atomic import write_bytes

    folder = Path(outdir) / name
    try:
        write_bytes(folder / f"{stem}.parquet", data)
    except FileNotFoundError:  # the table's folder is gone (removed during the run)
        folder.mkdir(parents=True, exist_ok=True)
        write_bytes(folder / f"{stem}.parquet", data)


def write_report(outdir: Path, report: ReportRecord, extractor_version: str,
                 error_key: str | None = None, encoded: EncodedReport | None = None) -> None:
    """Every table file of the report, ``reports`` last; then the file's errors row goes.

    ``encoded``: the report's tables as a worker made them (``encode_report``), written
    as they are when they are ``report``'s (``EncodedReport.fits``); else the report is
    converted here.
    On an OSError (a full disk, a folder turned read-only) the report's files are
    removed again before the error is raised, so that OUTDIR holds the report whole
    or not at all (its earlier version, if any, is gone too: the next run writes it)."""
    if encoded is not None and not encoded.fits(report, extractor_version):
        encoded = None
    rows = None
    if encoded is None:  # (convert imports the normalizer: not in the main process otherwise)
        from malrapport.schemas.convert import report_to_rows

        rows = report_to_rows(report, extractor_version)
    try:
        for name in REPORT_TABLES:
            if encoded is None:
                write_table_file(outdir, name, report.report_id, rows_to_table(name, rows[name]))
            else:
                _write_bytes(outdir, name, report.report_id, encoded.files[name])
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
