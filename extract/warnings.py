"""What the parser read but could not place: warnings, and the report's coverage.

Nothing read may vanish quietly. Inside a goal's section every line either goes
into a record field (or is structure: a heading, a label, a header row), or it
becomes a warning; ``Coverage`` counts the words of both, so that a report whose
template changed shows a coverage below 1 beside its warnings.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from malrapport.schemas.records import WarningRecord

# Kinds: unplaced_text (text in a goal's section no field took), unknown_column
# (a header word the profile does not know), unknown_status, unknown_assessment
# (a printed value outside the profile's vocabulary); page_order (the printed page
# numbers put the pages in another order than the file's, or a number is missing or on
# two pages) and report_split (one sign that a page starts another report bound into the
# file, not enough to split it), both from extract/pageorder.py.
Warn = WarningRecord


@dataclass
class Coverage:
    """Words inside goal sections, and those of them that went into records."""

    used_ids: set[int] = field(default_factory=set)
    seen: dict[int, int] = field(default_factory=dict)  # id(line) → words

    def add(self, line) -> None:
        if line is not None:
            self.seen.setdefault(id(line), len(line.words))

    def add_all(self, lines) -> None:
        for line in lines:
            self.add(line)

    def use(self, lines) -> None:
        for line in lines:
            if line is not None:
                self.add(line)
                self.used_ids.add(id(line))

    def merge(self, other: "Coverage") -> None:
        self.seen.update(other.seen)
        self.used_ids |= other.used_ids

    @property
    def words(self) -> int:
        return sum(self.seen.values())

    @property
    def used_words(self) -> int:
        return sum(n for i, n in self.seen.items() if i in self.used_ids)

    def share(self) -> float | None:
        return round(self.used_words / self.words, 4) if self.words else None
