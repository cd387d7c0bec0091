"""Positioned words → lines → running header/footer removal.

A ``Line`` is the words that share a baseline on one page, left to right. Lines
keep their words so later stages can read columns from word positions.
"""
from __future__ import annotations

import re
import statistics
from dataclasses import dataclass, replace

from rapidfuzz import fuzz

from malrapport.normalize.labels import fold
from malrapport.schemas.words import PageWords, Word

# Words whose vertical centres differ by less than this fraction of their height
# stand on one line.
LINE_TOLERANCE = 0.45
# A page whose words slope less than this (about 0.1 degree) is level; the
# slope is trusted only from this many pairs of neighbouring words.
MIN_SLOPE = 0.002
MIN_SLOPES = 20
# How many of the most recent lines a word may still join.
LINE_LOOKBACK = 3
# Header/footer bands: this fraction of the page height at the top and bottom.
RUNNING_BAND = 0.11
# A band line repeating on this share of pages (and on two at least) is running.
RUNNING_SHARE = 0.4
RUNNING_SIMILARITY = 85


@dataclass(frozen=True, slots=True)
class Line:
    words: tuple[Word, ...]
    page: int
    page_height: float = 842.0

    @property
    def text(self) -> str:
        return " ".join(w.text for w in self.words)

    @property
    def x0(self) -> float:
        return self.words[0].x0

    @property
    def top(self) -> float:
        return min(w.top for w in self.words)

    @property
    def bottom(self) -> float:
        return max(w.bottom for w in self.words)

    @property
    def ymid(self) -> float:
        return statistics.median(w.ymid for w in self.words)

    @property
    def size(self) -> float:
        return statistics.median(w.size for w in self.words)

    @property
    def bold(self) -> bool:
        """All its words in bold (words of letters; a line of figures by its figures)."""
        letters = [w for w in self.words if any(c.isalpha() for c in w.text)]
        if not letters:
            letters = [w for w in self.words if any(c.isalnum() for c in w.text)]
        return bool(letters) and all(w.bold for w in letters)

    @property
    def italic(self) -> bool:
        letters = [w for w in self.words if any(c.isalpha() for c in w.text)]
        return bool(letters) and all(w.italic for w in letters)


def straighten(page: PageWords) -> PageWords:
    """Undo the skew of a scanned page's words (an OCR layer written without deskewing).

    The slope is the median over neighbouring words of one line in reading order;
    a shear by it puts every line level. Born-digital pages come back as they are.
    """
    slopes = []
    for a, b in zip(page.words, page.words[1:]):
        gap, dy = b.x0 - a.x1, b.ymid - a.ymid
        if 0 < gap < 3 * a.size and abs(dy) < 0.5 * a.size and b.xmid - a.xmid > a.size:
            slopes.append(dy / (b.xmid - a.xmid))
    if len(slopes) < MIN_SLOPES:
        return page
    slope = statistics.median(slopes)
    if abs(slope) < MIN_SLOPE:
        return page
    words = tuple(replace(w, top=w.top - slope * w.xmid, bottom=w.bottom - slope * w.xmid)
                  for w in page.words)
    return replace(page, words=words)


def words_to_lines(page: PageWords) -> list[Line]:
    """Group a page's words into lines, top to bottom, each left to right.

    A word joins the nearby line whose horizontally nearest word sits at its
    height, so the lines of a slightly skewed scan do not interleave.
    """
    rows: list[list[Word]] = []
    for word in sorted(page.words, key=lambda w: (w.ymid, w.x0)):
        best, best_dist = None, None
        for row in rows[-LINE_LOOKBACK:]:
            near = min(row, key=lambda w: abs(w.xmid - word.xmid))
            dist = abs(word.ymid - near.ymid)
            if dist <= LINE_TOLERANCE * max(word.height, near.height, 1.0) and (
                    best_dist is None or dist < best_dist):
                best, best_dist = row, dist
        if best is None:
            rows.append([word])
        else:
            best.append(word)
    lines = [Line(tuple(sorted(r, key=lambda w: w.x0)), page.number, page.height) for r in rows]
    lines = [l for l in lines if not _is_speck(l)]
    return sorted(lines, key=lambda l: l.ymid)


def _is_speck(line: Line) -> bool:
    """An OCR line of a stray mark or two: no letter or digit at all."""
    return (all(w.approximate for w in line.words) and len(line.text) <= 3
            and not any(c.isalnum() for c in line.text))


def _running_key(line: Line) -> str:
    return re.sub(r"\d+", "#", fold(line.text))


def _in_band(line: Line) -> bool:
    band = RUNNING_BAND * line.page_height
    return line.bottom <= band or line.top >= line.page_height - band


def _is_page_number(line: Line) -> bool:
    return re.fullmatch(r"(sida\s*)?#(\s*(\(|av|/)\s*#\)?)?", _running_key(line)) is not None


def strip_running_lines(pages: list[list[Line]], keep=lambda line: False
                        ) -> tuple[list[list[Line]], list[Line]]:
    """Drop the page headers and footers: band lines that repeat on most pages.

    ``keep`` spares lines that repeat by design (a table header row repeated at
    the top of every page a table runs over). Returns the pages without the
    running lines, and the running lines themselves (the report's title and
    body often stand there).
    """
    keys: list[str] = []  # representative key per cluster
    pages_of: list[set[int]] = []
    for index, lines in enumerate(pages):
        for line in lines:
            if not _in_band(line) or keep(line):
                continue
            key = _running_key(line)
            for k, rep in enumerate(keys):
                if fuzz.ratio(key, rep) >= RUNNING_SIMILARITY:
                    pages_of[k].add(index)
                    break
            else:
                keys.append(key)
                pages_of.append({index})
    needed = max(2, RUNNING_SHARE * len(pages))
    running = {keys[k] for k in range(len(keys)) if len(pages_of[k]) >= needed}

    def is_running(line: Line) -> bool:
        if not _in_band(line) or keep(line):
            return False
        if _is_page_number(line):
            return True
        key = _running_key(line)
        return any(fuzz.ratio(key, rep) >= RUNNING_SIMILARITY for rep in running)

    kept, dropped = [], []
    for lines in pages:
        kept.append([l for l in lines if not is_running(l)])
        dropped.extend(l for l in lines if is_running(l))
    return kept, dropped


# Words further apart than this many font sizes on one line belong to separate
# segments (a header with the title left and the municipality right).
SEGMENT_GAP = 3.0


def split_at_gaps(line: Line) -> list[Line]:
    """The line's segments: runs of words separated by wide gaps."""
    segments: list[list[Word]] = [[line.words[0]]]
    for prev, word in zip(line.words, line.words[1:]):
        if word.x0 - prev.x1 > SEGMENT_GAP * max(prev.size, 1.0):
            segments.append([])
        segments[-1].append(word)
    return [Line(tuple(s), line.page, line.page_height) for s in segments]
