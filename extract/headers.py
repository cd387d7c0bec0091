"""Table header rows: which of the profile's tables a row opens, and where its columns stand.

The column positions read here from the header row's words (or a ruled row's
cells) are all the parser ever knows about columns.
"""
from __future__ import annotations

from malrapport.extract.blocktypes import Column, TableHeader
from malrapport.extract.grids import Band
from malrapport.extract.layout import Line
from malrapport.extract.match import Match, best_at, fold_word, fold_words
from malrapport.extract.profile import Profile, TableSpec

# Header cells stand apart: at least this many font sizes between two columns'
# words (prose that happens to hold "Mål" and "Utfall" has word spaces only).
HEADER_GAP = 0.8
# A header row may hold at most this share of words the profile does not know.
HEADER_UNKNOWN_SHARE = 0.34
# Lines closer than this many font sizes (middle to middle) are one row of cells
# set at different heights: a header cell wrapped onto two lines beside one-line cells.
ROW_OFFSET = 0.7


def table_header(line: Line, profile: Profile, year: int | None = None) -> TableHeader | None:
    """The line as the header row of one of the profile's tables, with its columns, or None."""
    words = fold_words(line.words)
    best = None
    for spec in profile.tables:
        header = _header_for(spec, line, words, year)
        if header is not None and (best is None or known_columns(header) > known_columns(best)):
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
            if header is not None and known_columns(header) > max((known_columns(h) for h in alone if h), default=0):
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


def known_columns(header: TableHeader) -> int:
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
            hit = _split_word_hit(spec, line, words, i, year)
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


# OCR splits a header word at a wide letter space (``Slut datum``, ``Verksam hetens``):
# two pieces standing closer than this many font sizes, read joined.
SPLIT_WORD_GAP = 0.5


def _split_word_hit(spec: TableSpec, line: Line, words: list[str], i: int, year: int | None):
    """The column phrase that starts at ``i`` once the words at ``i`` and ``i + 1`` are
    read as one, as (role, phrase, match over the line's words), or None."""
    if i + 1 >= len(words) or not words[i] or not words[i + 1]:
        return None
    if line.words[i + 1].x0 - line.words[i].x1 >= SPLIT_WORD_GAP * line.size:
        return None
    joined = words[:i] + [words[i] + words[i + 1]] + words[i + 2:]
    hit = None
    for role, phrases in spec.columns:
        m = best_at(phrases, joined, i, year)
        # the joined pieces must spell the phrase's first word exactly: two words a
        # word space apart (``Våra aktiviteter``) are no split word, however close
        if m and m[0].words and joined[i] == m[0].words[0] and (
                hit is None or m[1].end > hit[2].end):
            hit = (role, m[0], Match(m[1].end + 1, m[1].number))
    return hit


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


def repeated_header(line: Line, header: TableHeader | None, year: int | None) -> TableHeader | None:
    """The open table's header row repeated on a new page, of which OCR lost a cell
    (``Bedömning Kommentar`` for ``Mål Bedömning Kommentar``): two of its cells at least,
    each at its column's place, and nothing else on the line."""
    if header is None or header.spec is None or line.page == header.page:
        return None
    words = fold_words(line.words)
    phrases_of = dict(header.spec.columns)
    found, i = 0, 0
    while i < len(words):
        hit = None
        for col in header.columns:
            phrases = phrases_of.get(col.name, ())
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
