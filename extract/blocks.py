"""Lines → layout blocks: headings, labels, table headers, ruled rows and paragraphs.

Each line is classified by the words of the report's profile (``headings``,
``headers``, ``ruled``); consecutive plain lines become paragraphs. Blocks know
nothing of goals or activities.
"""
from __future__ import annotations

import statistics

from malrapport.extract.blocktypes import (Block, Column, GridRows, Heading, Label, Paragraph,
                                           TableHeader)
from malrapport.extract.headers import merge_header_rows, repeated_header, table_header
from malrapport.extract.headings import (HeadingState, dotless_heading, heading_number, label,
                                         plain_heading, prefixed_heading)
from malrapport.extract.layout import Line
from malrapport.extract.profile import Profile
from malrapport.extract.ruled import page_grids
from malrapport.extract.text import join_words
from malrapport.schemas.words import Rule

# Two lines further apart than this many font sizes (centre to centre) start a new paragraph.
PARAGRAPH_PITCH = 1.55


def body_size(lines: list[Line]) -> float:
    sizes = [round(w.size) for l in lines for w in l.words]
    return statistics.mode(sizes) if sizes else 10.0


def lines_to_blocks(pages: list[list[Line]], profile: Profile, year: int | None = None,
                    rules: list[tuple[Rule, ...]] | None = None) -> list[Block]:
    """Classify every line; consecutive plain lines become paragraphs (split at gaps and pages).

    ``rules`` (per page) give the ruled tables: their lines come out as the table's
    header and rows, in the place of the table's first line."""
    size = body_size([l for p in pages for l in p])
    blocks: list[Block] = []
    last_number: list[str | None] = [None]
    open_header: TableHeader | None = None
    for index, lines in enumerate(pages):
        lines = merge_header_rows(lines, profile, year)
        page_rules = rules[index] if rules and index < len(rules) else ()
        number = lines[0].page if lines else index + 1
        grids = page_grids(lines, page_rules, number, profile, year, open_header)
        grid_of: dict[int, int] = {}
        for g, (_grid, _header, taken) in enumerate(grids):
            for line_id in taken:
                grid_of.setdefault(line_id, g)
        emitted: set[int] = set()
        para: list[Line] = []
        heading: list[Line] = []
        state = HeadingState()

        def flush_para() -> None:
            if para:
                blocks.append(Paragraph(tuple(para), para[0].page))
                para.clear()

        def flush_heading() -> None:
            if heading:
                words = [w.text for l in heading for w in l.words][state.skip:]
                text = join_words(words).lstrip(":").strip()
                blocks.append(Heading(state.number, text, heading[0].page, tuple(heading),
                                      state.role, state.level, state.parent, state.why))
                heading.clear()
                state.reset()

        for n, line in enumerate(lines):
            g = grid_of.get(id(line))
            if g is not None:
                if g not in emitted:
                    emitted.add(g)
                    flush_para()
                    flush_heading()
                    grid, header, taken = grids[g]
                    bands = grid.bands
                    if header is not None:
                        blocks.append(header)
                        open_header, bands = header, bands[1:]
                    above = any(id(l) not in taken and l.bottom <= grid.top for l in lines)
                    below = any(id(l) not in taken and l.top >= grid.bottom for l in lines)
                    blocks.append(GridRows(tuple(bands), number, grid, not above, not below))
                continue
            pre = prefixed_heading(line, profile, size)
            num, skip = None, 1
            if pre is None and profile.numbered:
                num, skip = _numbered_heading(line, size, last_number[0])
            if pre is not None or num is not None:
                flush_para()
                flush_heading()
                heading.append(line)
                if pre is not None:
                    state.set(pre.number, pre.skip, pre.rule.role, pre.rule.level, pre.rule.parent,
                              f"{pre.rule.role} heading {pre.rule.phrase.text!r}")
                    if pre.number:
                        last_number[0] = pre.number
                else:
                    last_number[0] = num
                    state.set(num, skip, "numbered", None, None,
                              f"numbered heading {num}" + (" (bold)" if line.bold else "")
                              + (" (dash after the number)" if skip > 1 else ""))
                continue
            header = table_header(line, profile, year)
            lab = label(line, profile) if header is None else None
            if heading and header is None and lab is None and _continues_heading(heading[-1], line):
                heading.append(line)
                continue
            flush_heading()
            header = header or repeated_header(line, open_header, year)
            if header is not None:
                flush_para()
                blocks.append(header)
                open_header = header
                continue
            if lab is not None:
                flush_para()
                blocks.append(lab)
                continue
            if plain_heading(line, size, lines[n - 1] if n else None) and not profile.numbered:
                flush_para()
                heading.append(line)
                state.set(None, 0, "section", None, None, "heading without number or prefix")
                continue
            if para and not _same_paragraph(para[-1], line):
                flush_para()
            para.append(line)
        flush_para()
        flush_heading()
    return blocks


# A lone dash between a heading's number and its title: printed ("3.1.1 – Title"), or
# OCR's reading of the wide gap a tab stop leaves there.
NUMBER_DASHES = frozenset({"-", "–", "—", "−", "_", "~"})


def _numbered_heading(line: Line, size: float, last: str | None) -> tuple[str | None, int]:
    """The line's heading number and how many words lead the title (the number, and a
    dash standing alone after it), or (None, 1)."""
    num = heading_number(line, size) or dotless_heading(line, size, last)
    if num is not None:
        return num, 1
    if len(line.words) > 2 and line.words[1].text in NUMBER_DASHES:
        rest = Line((line.words[0], *line.words[2:]), line.page, line.page_height)
        num = heading_number(rest, size) or dotless_heading(rest, size, last)
        if num is not None:
            return num, 2
    return None, 1


def _continues_heading(prev: Line, line: Line) -> bool:
    """A line that is no label and no header row goes on with the heading above it when
    it looks the same and follows it as a paragraph's line would."""
    similar = abs(line.size - prev.size) <= 0.12 * prev.size and line.bold == prev.bold
    return similar and _same_paragraph(prev, line) and line.words[0].x0 >= prev.x0 - 30


def _same_paragraph(prev: Line, line: Line) -> bool:
    pitch = line.ymid - prev.ymid
    return 0 < pitch <= PARAGRAPH_PITCH * max(prev.size, line.size)


__all__ = ["Block", "Column", "GridRows", "Heading", "Label", "Paragraph", "TableHeader", "body_size",
           "heading_number", "label", "lines_to_blocks", "prefixed_heading", "table_header"]
