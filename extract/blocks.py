"""Lines → layout blocks: headings, labels, table headers and paragraphs.

Blocks know nothing of goals or activities; they only say what a run of lines
looks like, by the words of the report's profile. Table header blocks carry the
column positions read from the header row's words, which is all the parser knows
about columns. Every block says which rule made it (``why``), for ``inspect``.
"""
from __future__ import annotations

import statistics
from dataclasses import dataclass

from malrapport.extract.grids import Band, Grid, fill_grid, grid_skeletons
from malrapport.extract.layout import Line
from malrapport.extract.match import HEADING_NUMBER, best_at, fold_word, fold_words, match_at
from malrapport.extract.profile import HeadingRule, Profile, TableSpec
from malrapport.extract.text import join_words
from malrapport.normalize.labels import assessment_key
from malrapport.schemas.words import Rule

# A heading line is this much larger than body text (when not bold).
HEADING_SIZE_FACTOR = 1.08
# OCR sizes are estimates: a chapter heading must stand out more (an icon read as
# "9" before "Uppfyllt" is not chapter 9).
OCR_HEADING_SIZE_FACTOR = 1.25
OCR_PLAIN_HEADING_FACTOR = 1.45
# Two lines further apart than this many font sizes (centre to centre) start a new paragraph.
PARAGRAPH_PITCH = 1.55
LABEL_SIMILARITY = 80
# Header cells stand apart: at least this many font sizes between two columns'
# words (prose that happens to hold "Mål" and "Utfall" has word spaces only).
HEADER_GAP = 0.8
# A header row may hold at most this share of words the profile does not know.
HEADER_UNKNOWN_SHARE = 0.34
# Lines closer than this many font sizes (middle to middle) are one row of cells
# set at different heights: a header cell wrapped onto two lines beside one-line cells.
ROW_OFFSET = 0.7


@dataclass(frozen=True, slots=True)
class Heading:
    number: str | None
    text: str
    page: int
    lines: tuple[Line, ...]
    # goal | area | chapter | section (no goal: ends the one before) | numbered (by its depth, later)
    role: str = "goal"
    level: str | None = None  # from a prefix rule
    parent: str | None = None  # the level of the goal it belongs to (prefix rule)
    why: str = ""


@dataclass(frozen=True, slots=True)
class Label:
    name: str  # "assessment" | "comment"
    rest: str  # text after the label on the same line
    page: int
    line: Line | None = None
    why: str = ""


@dataclass(frozen=True, slots=True)
class Column:
    name: str  # a role of the table spec, or "?" for a header word the profile does not know
    x0: float
    x1: float  # right edge of the header word
    text: str = ""  # the header cell as printed
    cell: bool = False  # x0 and x1 are the header cell's ruled edges, not its words'


@dataclass(frozen=True, slots=True)
class TableHeader:
    kind: str  # "activities" | "measures" | "goals"
    columns: tuple[Column, ...]
    page: int
    size: float = 10.0  # font size of the header row
    spec: TableSpec | None = None
    line: Line | None = None
    why: str = ""
    guessed: tuple[str, ...] = ()  # header cells the profile does not know, read by position

    @property
    def unknown(self) -> tuple[Column, ...]:
        return tuple(c for c in self.columns if c.name == "?")

    def has(self, role: str) -> bool:
        return any(c.name == role for c in self.columns)


@dataclass(frozen=True, slots=True)
class GridRows:
    """Rows of a ruled table: bands between its rules, with their cells."""

    bands: tuple[Band, ...]
    page: int
    grid: Grid
    first_on_page: bool  # nothing of the page's body stands above it (but its header row)
    last_on_page: bool  # nothing stands below it: its last row may go on on the next page
    why: str = "ruled table rows"

    @property
    def lines(self) -> list[Line]:
        return [l for b in self.bands for l in b.lines]


@dataclass(frozen=True, slots=True)
class Paragraph:
    lines: tuple[Line, ...]
    page: int
    why: str = "paragraph"

    @property
    def text(self) -> str:
        return join_words(l.text for l in self.lines)


Block = Heading | Label | TableHeader | GridRows | Paragraph


def body_size(lines: list[Line]) -> float:
    sizes = [round(w.size) for l in lines for w in l.words]
    return statistics.mode(sizes) if sizes else 10.0


# table headers ------------------------------------------------------------------
def table_header(line: Line, profile: Profile, year: int | None = None) -> TableHeader | None:
    """The line as the header row of one of the profile's tables, with its columns, or None."""
    words = fold_words(line.words)
    best = None
    for spec in profile.tables:
        header = _header_for(spec, line, words, year)
        if header is not None and (best is None or _known(header) > _known(best)):
            best = header
    return best


def merge_header_rows(lines: list[Line], profile: Profile, year: int | None) -> list[Line]:
    """Lines standing closer than a line's pitch (a header cell wrapped onto two lines,
    vertically centred beside one-line cells) become one header line, where together
    they make a better header row than each alone."""
    if not profile.tables:
        return lines
    out: list[Line] = []
    i = 0
    while i < len(lines):
        group = [lines[i]]
        while (i + len(group) < len(lines) and
               lines[i + len(group)].ymid - group[-1].ymid < ROW_OFFSET * max(group[-1].size, 1.0)):
            group.append(lines[i + len(group)])
        if len(group) > 1:
            merged = Line(tuple(sorted((w for l in group for w in l.words), key=lambda w: w.x0)),
                          group[0].page, group[0].page_height)
            header = table_header(merged, profile, year)
            alone = [table_header(l, profile, year) for l in group]
            if header is not None and _known(header) > max((_known(h) for h in alone if h), default=0):
                out.append(merged)
                i += len(group)
                continue
        out.append(lines[i])
        i += 1
    return out


def _attach_unknown(columns: list[Column], size: float) -> tuple[list[Column], list[str]]:
    """Unknown words set close to a known column's words (no gutter between them: "Våra
    aktiviteter", "Slutdatum (plan)") are part of its header cell; returns the columns
    and the cells so widened, as printed."""
    out: list[Column] = []
    widened: list[str] = []
    for col in columns:
        prev = out[-1] if out else None
        if prev is not None and (prev.name == "?") != (col.name == "?") \
                and col.x0 - prev.x1 < HEADER_GAP * size:
            name = prev.name if col.name == "?" else col.name
            out[-1] = Column(name, prev.x0, col.x1, f"{prev.text} {col.text}", prev.cell)
            widened.append(out[-1].text)
        else:
            out.append(col)
    return out, widened


def _known(header: TableHeader) -> int:
    return sum(1 for c in header.columns if c.name != "?")


def _header_for(spec: TableSpec, line: Line, words: list[str], year: int | None
                ) -> TableHeader | None:
    columns: list[Column] = []
    i = 0
    unknown_words = 0
    while i < len(words):
        hit = None
        for role, phrases in spec.columns:
            m = best_at(phrases, words, i, year)
            if m and (hit is None or m[1].end > hit[2].end):
                hit = (role, m[0], m[1])
        if hit is None:
            if not any(c.isalnum() for c in words[i]):  # a bar, a bullet, a speck: no word
                i += 1
                continue
            unknown_words += 1
            word = line.words[i]
            if columns and columns[-1].name == "?" and word.x0 - columns[-1].x1 < HEADER_GAP * line.size:
                last = columns[-1]
                columns[-1] = Column("?", last.x0, word.x1, f"{last.text} {word.text}")
            else:
                columns.append(Column("?", word.x0, word.x1, word.text))
            i += 1
            continue
        role, _phrase, m = hit
        first, last = line.words[i], line.words[m.end - 1]
        text = " ".join(w.text for w in line.words[i:m.end])
        columns.append(Column(role, first.x0, last.x1, text))
        i = m.end
    known = [c for c in columns if c.name != "?"]
    if len({c.name for c in known}) < 2 or len({c.name for c in known}) != len(known):
        return None
    columns, extra = _attach_unknown(columns, line.size)
    unknown_words -= sum(len(t.split()) for t in extra)
    for a, b in zip(columns, columns[1:]):
        if b.x0 - a.x1 < HEADER_GAP * line.size:
            return None  # a run of text, not cells standing apart
    why = "table header (" + " | ".join(f"{c.text}={c.name}" for c in columns) + ")"
    first_role = spec.columns[0][0]
    guessed = tuple(extra)
    if columns[0].name == "?" and first_role not in {c.name for c in known}:
        # the leftmost cell's words are not in the profile: read it as the first column
        unknown_words -= len(columns[0].text.split())
        columns[0] = Column(first_role, columns[0].x0, columns[0].x1, columns[0].text)
        guessed += (columns[0].text,)
        why += f"; {columns[0].text!r} taken for the {first_role} column"
    if unknown_words > HEADER_UNKNOWN_SHARE * len(words):
        return None
    if not set(spec.required) <= {c.name for c in columns}:
        return None
    return TableHeader(spec.kind, tuple(columns), line.page, line.size, spec, line, why, guessed)


# labels ----------------------------------------------------------------------------
def label(line: Line, profile: Profile) -> Label | None:
    """A label line (``Bedömning``, ``Kommentar``, ``Måluppfyllelse: Uppnått``) or None.

    The label must open the line and stand out: alone on its line, in bold,
    followed by a colon, or (an assessment label) followed by an assessment.
    """
    words = fold_words(line.words)
    if not words:
        return None
    for role in ("assessment", "comment"):
        hit = best_at(profile.labels.get(role, ()), words, 0, threshold=LABEL_SIMILARITY)
        if hit is None:
            continue
        phrase, m = hit
        rest = " ".join(w.text for w in line.words[m.end:])
        last = line.words[m.end - 1]
        colon = last.text.rstrip().endswith(":")
        alone = m.end == len(line.words)
        styled = last.bold or colon or alone
        if role == "assessment" and not styled and assessment_key(rest, profile.assessments):
            styled = True
        if styled:
            how = "alone" if alone else "bold" if last.bold else "colon" if colon else "assessment after it"
            return Label(role, rest, line.page, line, f"{role} label {phrase.text!r} ({how})")
    return None


# headings --------------------------------------------------------------------------
def heading_number(line: Line, size: float) -> str | None:
    """The heading number if this line opens a numbered heading, else None."""
    m = HEADING_NUMBER.match(line.words[0].text)
    if not m or len(line.words) < 2:
        return None
    number = m.group(1)
    ocr = any(w.approximate for w in line.words)
    factor = OCR_HEADING_SIZE_FACTOR if ocr else HEADING_SIZE_FACTOR
    styled = line.bold or line.size >= factor * size
    nxt = line.words[1].text[:1]
    if "." in number:
        # Estimated sizes (OCR layers) may put a heading below the body size.
        floor = 0.8 if ocr else 0.92
        ok = (nxt.isupper() or nxt.isdigit() or nxt in "|") and line.size >= floor * size
        return number if ok else None
    return number if styled and nxt.isupper() and int(number) < 30 else None


@dataclass(frozen=True, slots=True)
class _Prefixed:
    rule: HeadingRule
    number: str | None
    skip: int  # words of the prefix


def prefixed_heading(line: Line, profile: Profile, size: float) -> _Prefixed | None:
    """A heading led by the words of one of the profile's rules (``Nämndmål: …``)."""
    if not profile.headings:
        return None
    words = fold_words(line.words)
    ocr = any(w.approximate for w in line.words)
    larger = line.size >= HEADING_SIZE_FACTOR * size
    styled = line.bold or larger or (ocr and line.size >= 0.9 * size)
    if not styled:
        return None
    best = None
    for rule in profile.headings:
        m = match_at(rule.phrase, words, 0)
        if not m:
            continue
        # a scan has no bold: a prefix printed with a colon must show it, or stand out by size
        if ocr and not larger and rule.phrase.colon and not _colon_after(line, m.end):
            continue
        if best is None or m.end > best.skip:
            best = _Prefixed(rule, m.number, m.end)
    if best is None or (best.skip >= len(line.words) and best.rule.role == "goal"):
        return None
    return best


def _colon_after(line: Line, end: int) -> bool:
    """A colon right after the first ``end`` words of the line (on the last, or alone)."""
    if line.words[end - 1].text.rstrip().endswith(":"):
        return True
    return end < len(line.words) and line.words[end].text.startswith(":")


def plain_heading(line: Line, size: float, prev: Line | None) -> bool:
    """A heading without number or known prefix (``Ekonomi``, ``Sammanfattning``): bold
    and larger than the body, or much larger, with space above it. It ends a goal's
    section. OCR sizes are estimates (a short line's can be a third off), so a scan's
    heading must stand out more and begin with a capital."""
    if not any(c.isalpha() for c in line.text):
        return False
    if prev is not None and prev.page == line.page and line.top - prev.bottom < 0.6 * line.size:
        return False  # no space above: a line of the text or table before
    if any(w.approximate for w in line.words):
        return (line.size >= OCR_PLAIN_HEADING_FACTOR * size and len(line.words) <= 8
                and line.words[0].text[:1].isupper())
    short = len(line.words) <= 8
    return (line.bold and line.size >= (1.05 if short else 1.15) * size) or line.size >= 1.35 * size


def grid_header(band: Band, profile: Profile, year: int | None) -> TableHeader | None:
    """A ruled table's first row as the header of one of the profile's ruled tables.

    With vertical rules each cell must read as one column phrase; a row without
    them is read like any header line, from its words' positions."""
    specs = [t for t in profile.tables if t.ruled]
    if not specs or band.empty:
        return None
    if len(band.cells) == 1:
        lines = band.cells[0].lines
        if len(lines) != 1:
            return None
        header = table_header(lines[0], profile, year)
        return header if header is not None and header.spec.ruled else None
    for spec in specs:
        columns = []
        for cell in band.cells:
            words = [fold_word(w.text) for w in cell.words]
            words = [w for w in words if w]
            hit = None
            for role, phrases in spec.columns:
                m = best_at(phrases, words, 0, year)
                if m and m[1].end == len(words) and (hit is None or m[1].end > hit[1]):
                    hit = (role, m[1].end)
            columns.append(Column(hit[0] if hit else "?", cell.x0, cell.x1, cell.text, cell=True))
        known = [c.name for c in columns if c.name != "?"]
        if len(set(known)) >= 2 and len(set(known)) == len(known) and set(spec.required) <= set(known):
            line = band.cells[0].lines[0] if band.cells[0].lines else None
            why = "ruled table header (" + " | ".join(f"{c.text}={c.name}" for c in columns) + ")"
            size = line.size if line else 10.0
            return TableHeader(spec.kind, tuple(columns), band.cells[0].lines[0].page if line else 0,
                               size, spec, line, why)
    return None


def _page_grids(lines: list[Line], rules: tuple[Rule, ...], page: int, profile: Profile,
                year: int | None, open_header: TableHeader | None):
    """The ruled tables of a page that hold one of the profile's tables: (grid, header
    or None for a continuation, ids of its lines), top to bottom."""
    if not rules or not any(t.ruled for t in profile.tables):
        return []
    out = []
    for skeleton in sorted(grid_skeletons(rules), key=lambda s: s.ys[0]):
        grid = fill_grid(skeleton, lines, page)
        for part, header in _tables_in(grid, profile, year, open_header):
            out.append((part, header, part.line_ids))
            open_header = header or open_header
    return out


def _tables_in(grid: Grid, profile: Profile, year: int | None, open_header: TableHeader | None):
    """The tables a grid of rules holds: each from a header row (or, at the top of the
    grid, rows going on from the table before) up to the next header row, or up to a
    row holding a heading (text larger than the table's): what stands between two
    tables of one width is no row of either."""
    grid = _split_header_bands(grid, profile, year)
    headers = [grid_header(b, profile, year) for b in grid.bands]
    out = []
    start, header = None, None
    if headers and headers[0] is None and open_header is not None and _same_columns(grid, open_header):
        start = 0
    size = open_header.size if open_header else None
    for i, band in enumerate(grid.bands):
        if headers[i] is not None:
            if start is not None and i > start:
                out.append((grid.part(start, i), header))
            start, header, size = i, headers[i], headers[i].size
            continue
        if start is not None and size and any(_larger(l, size) and _wordy(l) for l in band.lines):
            if i > start:
                out.append((grid.part(start, i), header))
            start, header = None, None
    if start is not None and start < len(grid.bands):
        out.append((grid.part(start, len(grid.bands)), header))
    return out


def _split_header_bands(grid: Grid, profile: Profile, year: int | None) -> Grid:
    """A band without vertical rules that holds a header row among other lines (its own
    rules lost: a dark header band on a scan) is cut around the header row."""
    bands = []
    for band in grid.bands:
        if len(band.cells) == 1 and len(band.source) > 1 and grid_header(band, profile, year) is None:
            line = next((l for l in band.source if (h := table_header(l, profile, year)) is not None
                         and h.spec.ruled), None)
            if line is not None:
                bands.extend(b for b in band.split_at(line, grid.page) if b is not None)
                continue
        bands.append(band)
    return grid.with_bands(bands) if len(bands) != len(grid.bands) else grid


def _larger(line: Line, size: float) -> bool:
    """Set larger than a table's header: a heading. OCR's sizes are estimates."""
    ocr = any(w.approximate for w in line.words)
    return line.size > (1.6 if ocr else 1.2) * size


def _repeated(line: Line, header: TableHeader | None, year: int | None) -> TableHeader | None:
    """The open table's header row repeated on a new page, of which OCR lost a cell
    (``Bedömning Kommentar`` for ``Mål Bedömning Kommentar``): two of its cells at least,
    each at its column's place, and nothing else on the line."""
    if header is None or header.spec is None or line.page == header.page:
        return None
    words = fold_words(line.words)
    found, i = 0, 0
    while i < len(words):
        hit = None
        for col in header.columns:
            phrases = dict(header.spec.columns).get(col.name, ())
            m = best_at(phrases, words, i, year)
            if m and abs(line.words[i].x0 - col.x0) < 2 * line.size:
                hit = m[1]
                break
        if hit is None:
            if any(c.isalnum() for c in words[i]):
                return None
            i += 1
            continue
        found += 1
        i = hit.end
    if found < 2:
        return None
    return TableHeader(header.kind, header.columns, line.page, header.size, header.spec, line,
                       f"the table's header row repeated, read by its columns' places "
                       f"({found} of {len(header.columns)} cells)")


def _wordy(line: Line) -> bool:
    """A line of words (not a symbol glyph drawn large): some word has three letters."""
    return any(sum(c.isalpha() for c in w.text) >= 3 for w in line.words)


def _same_columns(grid: Grid, header: TableHeader) -> bool:
    """A grid continues a table when its cells stand where the table's columns do."""
    cells = grid.bands[0].cells
    if len(cells) == 1:
        return abs(cells[0].x0 - header.columns[0].x0) < 12
    if len(cells) != len(header.columns):
        return False
    return all(abs(c.x0 - h.x0) < 6 for c, h in zip(cells, header.columns))


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
        grids = _page_grids(lines, page_rules, number, profile, year, open_header)
        grid_of: dict[int, int] = {}
        for g, (_grid, _header, taken) in enumerate(grids):
            for line_id in taken:
                grid_of.setdefault(line_id, g)
        emitted: set[int] = set()
        para: list[Line] = []
        heading: list[Line] = []
        state = _HeadingState()

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
            num = None
            if pre is None and profile.numbered:
                num = heading_number(line, size) or _dotless_heading(line, size, last_number[0])
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
                    state.set(num, 1, "numbered", None, None,
                              f"numbered heading {num}" + (" (bold)" if line.bold else ""))
                continue
            if heading and _continues_heading(heading[-1], line, profile, year):
                heading.append(line)
                continue
            flush_heading()
            header = table_header(line, profile, year) or _repeated(line, open_header, year)
            if header is not None:
                flush_para()
                blocks.append(header)
                open_header = header
                continue
            lab = label(line, profile)
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


@dataclass
class _HeadingState:
    number: str | None = None
    skip: int = 0
    role: str = "goal"
    level: str | None = None
    parent: str | None = None
    why: str = ""

    def set(self, number, skip, role, level, parent, why) -> None:
        self.number, self.skip, self.role, self.level, self.parent, self.why = (
            number, skip, role, level, parent, why)

    def reset(self) -> None:
        self.set(None, 0, "goal", None, None, "")


def _expected_after(number: str) -> set[str]:
    """Heading numbers that may follow ``number``: its first child, its next sibling,
    and the next sibling of each of its ancestors."""
    parts = [int(p) for p in number.split(".")]
    expected = {".".join(map(str, parts + [1]))}
    for depth in range(1, len(parts) + 1):
        head = parts[:depth - 1] + [parts[depth - 1] + 1]
        expected.add(".".join(map(str, head)))
    return expected


def _dotless_heading(line: Line, size: float, last: str | None) -> str | None:
    """An OCR'd heading whose number lost its dots, restored from the heading sequence."""
    first = line.words[0]
    if (not first.approximate or not first.text.isdigit() or not 2 <= len(first.text) <= 4
            or len(line.words) < 2 or not line.words[1].text[:1].isupper()
            or line.size < HEADING_SIZE_FACTOR * size):
        return None
    number = _restore_dots(first.text, last)
    return number if "." in number else None


def _restore_dots(number: str, last: str | None) -> str:
    """OCR may drop the dots of a heading number (``13`` for ``1.3``): when the
    number with dots put back is what the previous heading leads us to expect,
    take that; otherwise keep the number as read."""
    if last is None or len(number) < 2:
        return number
    expected = _expected_after(last)
    if number in expected:
        return number
    for dots in range(1, 1 << (len(number) - 1)):
        parts, start = [], 0
        for i in range(1, len(number)):
            if dots >> (i - 1) & 1:
                parts.append(number[start:i])
                start = i
        candidate = ".".join(parts + [number[start:]])
        if candidate in expected:
            return candidate
    return number


def _continues_heading(prev: Line, line: Line, profile: Profile, year: int | None) -> bool:
    if label(line, profile) is not None or table_header(line, profile, year) is not None:
        return False
    similar = abs(line.size - prev.size) <= 0.12 * prev.size and line.bold == prev.bold
    return similar and _same_paragraph(prev, line) and line.words[0].x0 >= prev.x0 - 30


def _same_paragraph(prev: Line, line: Line) -> bool:
    pitch = line.ymid - prev.ymid
    return 0 < pitch <= PARAGRAPH_PITCH * max(prev.size, line.size)


__all__ = ["Block", "Column", "Heading", "Label", "Paragraph", "TableHeader", "body_size",
           "heading_number", "label", "lines_to_blocks", "prefixed_heading", "table_header"]
