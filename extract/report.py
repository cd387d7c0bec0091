"""Words of every page → one report record (layout, blocks, parse, metadata)."""
from __future__ import annotations

from malrapport.extract.blocks import lines_to_blocks, table_header
from malrapport.extract.catalogue import lines_to_catalogue
from malrapport.extract.layout import straighten, strip_running_lines, words_to_lines
from malrapport.extract.metadata import read_metadata
from malrapport.extract.parse import blocks_to_goals
from malrapport.schemas.records import ReportRecord
from malrapport.schemas.words import PageWords


def pages_to_report(pages: list[PageWords], report_id: str, source_file: str) -> ReportRecord:
    lines = [words_to_lines(straighten(p)) for p in pages]
    body_lines, running = strip_running_lines(lines, keep=lambda l: table_header(l) is not None)
    first = [l for page in lines[:2] for l in page]
    meta = read_metadata(first, running)
    flat = [l for page in body_lines for l in page]
    goals = blocks_to_goals(lines_to_blocks(body_lines), lines_to_catalogue(flat))
    return ReportRecord(
        report_id=report_id, source_file=source_file,
        municipality=meta.municipality, body=meta.body, title=meta.title, kind=meta.kind,
        year=meta.year, period=meta.period, pages=len(pages),
        ocr_pages=sum(1 for p in pages if p.source == "ocr"), goals=tuple(goals))
