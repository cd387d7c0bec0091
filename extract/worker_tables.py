"""A job that also keys and encodes its report's tables, in the worker that ran it.

``with_tables(fn, args, version)`` runs the job ``fn(*args)`` (``scan_file``,
``finish_report``, ``repair_report``). Each finished report among what it
returns gets its provisional keys (``normalize.keys.provisional_keys``: minted
from its titles, no registry needed) and its tables, every one Parquet-encoded
(``schemas.output.encode_report``): the main process then only writes the
bytes, and keys the run once at its end. Converting and encoding there took
most of its time on born-digital reports, and with two workers the main process
competed with them for the cores.

A report the job leaves unfinished (``Unrepaired``) gets neither; a keying or an
encoding that fails is left to the main process, which keys and converts the
report itself and meets the same failure the usual way.
"""
from __future__ import annotations

from dataclasses import dataclass, field, replace

from malrapport.schemas.records import ReportRecord


@dataclass
class WithTables:
    value: object  # what the job returned, its finished reports with provisional keys
    tables: dict = field(default_factory=dict)  # report_id → schemas.output.EncodedReport


def with_tables(fn, args: tuple, extractor_version: str) -> WithTables:
    value = fn(*args)
    try:
        from malrapport.normalize.keys import provisional_keys
        from malrapport.schemas.output import encode_report

        value = with_records(value, provisional_keys)
        out = WithTables(value)
        for report in finished_records(value):
            out.tables[report.report_id] = encode_report(report, extractor_version)
    except Exception:  # the main process keys and converts the report, and reports a failure
        out = WithTables(value)
    return out


def finished_records(value) -> list[ReportRecord]:
    """The finished reports in a job's result: a scan's report, a report, a list of them."""
    from malrapport.extract.jobs import FileScan

    report = value.report if isinstance(value, FileScan) else value
    if isinstance(report, ReportRecord):
        return [report]
    if isinstance(report, list):
        return [r for r in report if isinstance(r, ReportRecord)]
    return []


def with_records(value, fn):
    """A job's result with ``fn`` applied to each finished report in it."""
    from malrapport.extract.jobs import FileScan

    if isinstance(value, FileScan):
        return replace(value, report=with_records(value.report, fn))
    if isinstance(value, ReportRecord):
        return fn(value)
    if isinstance(value, list):
        return [with_records(r, fn) if isinstance(r, ReportRecord) else r for r in value]
    return value
