"""``malrapport inspect``: a page's lines and blocks as the parser sees them.

For writing and checking a profile: which profile fits the report and why, then
for each asked-for page every line with its position, size and style, grouped
into the blocks the parser makes of them, each with the rule that classified it
(``numbered heading 3.1.1 (bold)``, ``assessment label 'Bedömning' (alone)``,
``table header (Verksamhetens aktiviteter=title | Status=status | …)``), and the
running header and footer lines that were dropped.
"""
from __future__ import annotations

from pathlib import Path

from malrapport.extract.blocks import GridRows, Heading, Label, Paragraph, TableHeader
from malrapport.extract.detect import rank_profiles
from malrapport.extract.layout import Line, straighten, words_to_lines
from malrapport.extract.options import ExtractOptions
from malrapport.extract.report import page_layout
from malrapport.extract.profile import Profile
from malrapport.extract.profile_load import resolve_profiles
from malrapport.schemas.words import PageWords


def read_pages(path: Path, options: ExtractOptions, wanted: set[int]) -> list[PageWords]:
    """Words of every page: the text layer, or OCR for the wanted pages that need it
    (other pages that need OCR stay empty: OCR is slow, and inspect looks at a few)."""
    from malrapport.extract.pages import needs_ocr, open_checked, text_pages

    data = Path(path).read_bytes()
    pdf = open_checked(Path(path), data, options)
    try:
        pages = []
        for words, facts in text_pages(pdf, options):
            ocr, reason = needs_ocr(words, facts, options)
            if ocr and words.number in wanted:
                from malrapport.extract.ocr import ocr_page

                words = ocr_page(Path(path), words.number - 1, options)
            elif ocr:
                words = PageWords(words.number, words.width, words.height, (), "text",
                                  note=f"not read: needs OCR ({reason})")
            pages.append(words)
        return pages
    finally:
        pdf.close()


def _describe_line(line: Line) -> str:
    style = []
    if line.bold:
        style.append("bold")
    if any(w.approximate for w in line.words):
        style.append("ocr")
    style_text = f" {' '.join(style)}" if style else ""
    return f"    x={line.x0:6.1f} y={line.top:6.1f} {line.size:4.1f}pt{style_text:<9} | {line.text}"


def _block_title(block) -> str:
    if isinstance(block, Heading):
        extra = f" level={block.level}" if block.level else ""
        return f"HEADING [{block.why}]{extra}: {block.text!r}"
    if isinstance(block, Label):
        return f"LABEL [{block.why}]"
    if isinstance(block, TableHeader):
        return f"TABLE HEADER {block.kind} [{block.why}]"
    if isinstance(block, GridRows):
        columns = len(block.grid.columns) + 1 if block.grid.columns else "header"
        return (f"RULED ROWS [{len(block.bands)} rows between rules, cells by {columns} columns"
                f"{'; first on its page' if block.first_on_page else ''}"
                f"{'; last on its page' if block.last_on_page else ''}]")
    return f"PARAGRAPH [{block.why}]"


def inspect(path: Path, pages_wanted: list[int] | None, options: ExtractOptions) -> str:
    wanted = set(pages_wanted or [])
    pages = read_pages(path, options, wanted or {1})
    if not wanted:
        wanted = set(range(1, len(pages) + 1))
    bad = sorted(n for n in wanted if not 1 <= n <= len(pages))
    if bad:
        raise ValueError(f"{path} has {len(pages)} pages, no page {bad[0]}")
    lines = [words_to_lines(straighten(p)) for p in pages]
    profiles = resolve_profiles(options.profiles)
    fits = rank_profiles(lines, profiles)
    out = [f"{path}: {len(pages)} pages", "profiles, best fit first:"]
    out += [f"  {fit.describe()}" for fit in fits]
    profile: Profile = fits[0].profile
    out.append(f"reading with profile {profile.name!r} ({profile.source})")
    layout = page_layout(pages, lines, profile)
    meta, running, blocks = layout.meta, layout.running, layout.blocks
    out.append(f"title={meta.title!r} kind={meta.kind} year={meta.year} period={meta.period} "
               f"municipality={meta.municipality!r} body={meta.body!r}")
    for number in sorted(wanted):
        page = pages[number - 1]
        source = f"{page.source}" + (f", {page.note}" if page.note else "")
        out.append("")
        out.append(f"=== page {number} ({source}; {len(page.words)} words) ===")
        for line in running:
            if line.page == number:
                out.append("  RUNNING HEADER/FOOTER (dropped; kept as metadata)")
                out.append(_describe_line(line))
        for block in blocks:
            if block.page != number:
                continue
            out.append("  " + _block_title(block))
            if isinstance(block, GridRows):
                for i, band in enumerate(block.bands):
                    cells = " | ".join(c.text for c in band.cells)
                    out.append(f"    row {i + 1} y={band.top:6.1f}-{band.bottom:6.1f} | {cells}")
                continue
            block_lines = (block.lines if isinstance(block, (Heading, Paragraph))
                           else [block.line] if block.line is not None else [])
            out.extend(_describe_line(l) for l in block_lines)
    return "\n".join(out)
