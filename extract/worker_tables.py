"""A job that also makes its report's tables, in the worker that ran it.

``with_tables(fn, args, version)`` runs the job ``fn(*args)`` (``scan_file``,
``finish_report``, ``repair_report``) and, for each finished report among what it
returns, the report's tables (``schemas.output.encode_report``): the main
process then only gives out the keys and writes the files. Converting and
encoding there took most of its time on born-digital reports, and with two
workers the main process competed with them for the cores.

A report the job leaves unfinished (``Unrepaired``) gets no tables; an encoding
that fails is left to the main process, which converts the report as before and
meets the same failure the usual way.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from malrapport.schemas.records import ReportRecord


@dataclass
class WithTables:
    value: object  # what the job returned
    tables: dict = field(default_factory=dict)  # report_id → schemas.output.EncodedReport


def with_tables(fn, args: tuple, extractor_version: str) -> WithTables:
    value = fn(*args)
    out = WithTables(value)
    try:
        from malrapport.schemas.output import encode_report

        for report in finished_records(value):
            out.tables[report.report_id] = encode_report(report, extractor_version)
    except Exception:  # the main process converts the report and reports the failure
        out.tables = {}
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
