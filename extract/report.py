"""Words of every page → one report record: layout, profile, blocks, parse, metadata.

The profiles are tried best fit first (``detect.rank_profiles``); the first that
finds goals reads the report. When none does, the report comes back without
goals and with the fits, for the ``unknown_layout`` message.
"""
from __future__ import annotations

from dataclasses import dataclass

from malrapport.extract.blocks import lines_to_blocks, table_header
from malrapport.extract.catalogue import lines_to_catalogue
from malrapport.extract.detect import MIN_SCORE, Fit, rank_profiles
from malrapport.extract.layout import Line, straighten, strip_running_lines, words_to_lines
from malrapport.extract.metadata import read_metadata
from malrapport.extract.parse import blocks_to_goals
from malrapport.extract.profile import Profile, builtin_profiles
from malrapport.schemas.records import ReportRecord
from malrapport.schemas.words import PageWords


@dataclass(frozen=True)
class Reading:
    report: ReportRecord
    fits: list[Fit]


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
        first = first or report
        if report.goals:
            return Reading(report, fits)
    return Reading(first, fits)


def _read_with(fit: Fit, lines: list[list[Line]], pages: list[PageWords], report_id: str,
               source_file: str) -> ReportRecord:
    profile = fit.profile
    body_lines, running = strip_running_lines(
        lines, keep=lambda l: table_header(l, profile) is not None)
    first = [l for page in lines[:2] for l in page]
    meta = read_metadata(first, running, profile)
    flat = [l for page in body_lines for l in page]
    blocks = lines_to_blocks(body_lines, profile, meta.year, rules=[p.rules for p in pages])
    parsed = blocks_to_goals(blocks, lines_to_catalogue(flat, profile), profile)
    return ReportRecord(
        report_id=report_id, source_file=source_file,
        municipality=meta.municipality, body=meta.body, title=meta.title, kind=meta.kind,
        year=meta.year, period=meta.period, pages=len(pages),
        ocr_pages=sum(1 for p in pages if p.source == "ocr"), goals=tuple(parsed.goals),
        profile=profile.name, profile_score=fit.score, coverage=parsed.coverage.share(),
        warnings=tuple(parsed.warnings))
