"""Words of every page → report records: page order, layout, profile, blocks, parse, metadata.

``read_reports`` first reads the printed page numbers and report starts
(``pageorder``): a file may hold several reports, and its pages may be out of
order. Each report's pages are read in their printed order, numbered 1, 2, …
while they are parsed; the ``page`` of every goal, activity and warning is then
the file's page number again (what a viewer shows). A report found in a file of
several gets the id ``<file hash>-p<its first page>``.

The profiles are tried best fit first (``detect.rank_profiles``); the first that
finds goals reads the report. When none does, the report comes back without
goals and with the fits, for the ``unknown_layout`` message.
"""
from __future__ import annotations

from dataclasses import dataclass, replace

from malrapport.extract.blocks import Block, lines_to_blocks, table_header
from malrapport.extract.catalogue import lines_to_catalogue
from malrapport.extract.detect import MIN_SCORE, Fit, rank_profiles
from malrapport.extract.layout import Line, straighten, strip_running_lines, words_to_lines
from malrapport.extract.metadata import ReportMeta, read_metadata
from malrapport.extract.pageorder import Part, plan_reports
from malrapport.extract.parse import blocks_to_goals
from malrapport.extract.profile import Profile
from malrapport.extract.profile_load import builtin_profiles
from malrapport.extract.symbols import read_legend
from malrapport.schemas.records import ReportRecord
from malrapport.schemas.words import PageWords


@dataclass(frozen=True)
class Reading:
    report: ReportRecord
    fits: list[Fit]
    profile: Profile  # the one the report was read with


def pages_to_report(pages: list[PageWords], report_id: str, source_file: str,
                    profiles: tuple[Profile, ...] | None = None) -> ReportRecord:
    return read_report(pages, report_id, source_file, profiles).report


def read_reports(pages: list[PageWords], report_id: str, source_file: str,
                 profiles: tuple[Profile, ...] | None = None) -> list[Reading]:
    """Every report of a file, in reading order. A part without goals (a cover sheet, a
    split that was not one) is read with the report before it (the first: after it)."""
    profiles = profiles or builtin_profiles()
    lines = [words_to_lines(straighten(p)) for p in pages]
    parts = plan_reports(lines, profiles, [p.number for p in pages])
    readings = [_read_part(part, pages, lines, report_id, source_file, profiles) for part in parts]
    while len(parts) > 1:
        empty = next((k for k, r in enumerate(readings) if not r.report.goals), None)
        if empty is None:
            break
        a = empty - 1 if empty > 0 else 0
        joined = Part(parts[a].order + parts[a + 1].order,
                      parts[a].warnings + tuple(w for w in parts[a + 1].warnings
                                                if w.kind != "report_split"))
        parts[a:a + 2] = [joined]
        readings[a:a + 2] = [_read_part(joined, pages, lines, report_id, source_file, profiles)]
    if len(parts) == 1:
        return readings
    return [replace(r, report=replace(r.report, report_id=f"{report_id}-p{r.report.first_page}"))
            for r in readings]


def _read_part(part: Part, pages: list[PageWords], lines: list[list], report_id: str,
               source_file: str, profiles: tuple[Profile, ...]) -> Reading:
    """One report's pages, numbered in reading order while parsed, back to file pages after."""
    own = [replace(pages[i], number=k) for k, i in enumerate(part.order, start=1)]
    own_lines = [[replace(l, page=k) for l in lines[i]] for k, i in enumerate(part.order, start=1)]
    reading = read_report(own, report_id, source_file, profiles, own_lines)
    file_page = {k: pages[i].number for k, i in enumerate(part.order, start=1)}
    report = _on_file_pages(reading.report, file_page)
    numbers = [pages[i].number for i in part.order]
    report = replace(report, pages=len(pages), first_page=min(numbers), last_page=max(numbers),
                     warnings=tuple(part.warnings) + report.warnings)
    return replace(reading, report=report)


def _on_file_pages(report: ReportRecord, file_page: dict[int, int]) -> ReportRecord:
    def back(page):
        return file_page.get(page, page) if page is not None else None

    goals = tuple(replace(g, page=back(g.page),
                          activities=tuple(replace(a, page=back(a.page)) for a in g.activities))
                  for g in report.goals)
    warnings = tuple(replace(w, page=back(w.page)) for w in report.warnings)
    return replace(report, goals=goals, warnings=warnings)


def read_report(pages: list[PageWords], report_id: str, source_file: str,
                profiles: tuple[Profile, ...] | None = None,
                lines: list[list[Line]] | None = None) -> Reading:
    """One report from all of ``pages``, in the order given (``lines``: their lines, when
    already made)."""
    if lines is None:
        lines = [words_to_lines(straighten(p)) for p in pages]
    fits = rank_profiles(lines, profiles or builtin_profiles())
    candidates = [f for f in fits if f.score >= MIN_SCORE] or fits[:1]
    first = None
    for fit in candidates:
        report = _read_with(fit, lines, pages, report_id, source_file)
        if report.goals:
            return Reading(report, fits, fit.profile)
        first = first or Reading(report, fits, fit.profile)
    return first


@dataclass(frozen=True)
class Layout:
    """A report's pages as one profile sees them: what ``inspect`` shows."""

    body: list[list[Line]]  # lines per page, running header and footer taken out
    running: list[Line]
    meta: ReportMeta
    blocks: list[Block]


def page_layout(pages: list[PageWords], lines: list[list[Line]], profile: Profile) -> Layout:
    body, running = strip_running_lines(lines, keep=lambda l: table_header(l, profile) is not None)
    meta = read_metadata([l for page in lines[:2] for l in page], running, profile)
    blocks = lines_to_blocks(body, profile, meta.year, rules=[p.rules for p in pages])
    return Layout(body, running, meta, blocks)


def _read_with(fit: Fit, lines: list[list[Line]], pages: list[PageWords], report_id: str,
               source_file: str) -> ReportRecord:
    profile = fit.profile
    layout = page_layout(pages, lines, profile)
    meta = layout.meta
    flat = [l for page in layout.body for l in page]
    marks = {p.number: p.marks for p in pages if p.marks}
    legend = read_legend(layout.body, marks, profile) if marks else None
    parsed = blocks_to_goals(layout.blocks, lines_to_catalogue(flat, profile), profile, marks, legend)
    return ReportRecord(
        report_id=report_id, source_file=source_file,
        municipality=meta.municipality, body=meta.body, title=meta.title, kind=meta.kind,
        year=meta.year, period=meta.period, pages=len(pages),
        ocr_pages=sum(1 for p in pages if p.source == "ocr"), goals=tuple(parsed.goals),
        profile=profile.name, profile_score=fit.score, coverage=parsed.coverage.share(),
        warnings=tuple(parsed.warnings))
