"""Words of every page → one report record: layout, profile, blocks, parse, metadata.

The profiles are tried best fit first (``detect.rank_profiles``); the first that
finds goals reads the report. When none does, the report comes back without
goals and with the fits, for the ``unknown_layout`` message.
"""
from __future__ import annotations

from dataclasses import dataclass

from malrapport.extract.blocks import Block, lines_to_blocks, table_header
from malrapport.extract.catalogue import lines_to_catalogue
from malrapport.extract.detect import MIN_SCORE, Fit, rank_profiles
from malrapport.extract.layout import Line, straighten, strip_running_lines, words_to_lines
from malrapport.extract.metadata import ReportMeta, read_metadata
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


def read_report(pages: list[PageWords], report_id: str, source_file: str,
                profiles: tuple[Profile, ...] | None = None) -> Reading:
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
