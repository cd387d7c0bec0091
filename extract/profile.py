"""Layout profiles: the words of one report family, read from a TOML file.

The parser holds the mechanisms (numbered and prefixed headings, labels, table
header rows and their columns, rows, symbols); a profile holds what a family
prints: how it is recognised, its title forms, heading prefixes and their
levels, label words, table headers with their synonyms mapped to column roles,
where the text under a table row goes, its status and assessment vocabulary and
its symbol maps. ``extract/profiles/*.toml`` are the built-in ones; a user's
profile is a file of the same form (``--profile FILE``), and may start from a
built-in one with ``extends = "tertial"``. This module says what a profile is;
``profile_load`` reads and checks the files.

Every phrase is kept as printed and as folded words (``labels.fold``), which is
what lines are compared with. Placeholders: ``{year}`` and ``{year-1}`` (the
report's year and the one before, in table headers), ``{number}`` (a heading
number, in heading prefixes), and in title forms ``{year}``, ``{tertial}``,
``{month}`` and ``{any}``.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from malrapport.extract.errors import UsageError
from malrapport.normalize.labels import fold

PLACEHOLDERS = frozenset({"{year}", "{year-1}", "{number}"})


class ProfileError(UsageError):
    """A profile file that cannot be used: names the file, the line and the key."""

    def __init__(self, path: Path | str, line: int | None, key: str, message: str):
        where = f"{path}:{line}" if line else str(path)
        super().__init__(f"{where}: {key}: {message}" if key else f"{where}: {message}")
        self.path, self.line, self.key = str(path), line, key


@dataclass(frozen=True, slots=True)
class Phrase:
    """A label, header or prefix as printed, and its folded words (``:`` dropped)."""

    text: str
    words: tuple[str, ...]

    @property
    def colon(self) -> bool:
        """Printed with a colon after its words (``Nämndmål:``)."""
        return self.text.rstrip().endswith(":")

    @classmethod
    def of(cls, text: str) -> "Phrase":
        words = []
        for raw in text.split():
            word = raw if raw in PLACEHOLDERS else fold(raw).strip(":")
            if raw.endswith(":") and raw[:-1] in PLACEHOLDERS:
                word = raw[:-1]
            if word:
                words.append(word)
        return cls(text, tuple(words))


@dataclass(frozen=True, slots=True)
class TitleForm:
    form: str
    pattern: re.Pattern
    kind: str | None
    period: str | None  # a fixed period; else {tertial} or {month} gives it


@dataclass(frozen=True, slots=True)
class PageNumberForm:
    """How the running header or footer prints a page's number: ``Sida {page} av {pages}``,
    ``{page} ({pages})``, a bare ``{page}``. ``start`` and ``end`` match the folded text of
    a line at its start and at its end; their groups are ``page`` and, where printed,
    ``pages``."""

    form: str
    start: re.Pattern
    end: re.Pattern
    bare: bool  # only the number: trusted where it changes from page to page


@dataclass(frozen=True, slots=True)
class HeadingRule:
    """A heading (or a section row of a goals table) led by words: ``Nämndmål:``."""

    phrase: Phrase
    role: str  # goal | area | chapter
    level: str | None = None
    parent: str | None = None  # the level of the goal this one belongs to


@dataclass(frozen=True, slots=True)
class TableSpec:
    kind: str  # activities | measures | goals
    columns: tuple[tuple[str, tuple[Phrase, ...]], ...]  # role → synonyms, in profile order
    required: tuple[str, ...]
    level: str | None = None  # goals tables: the level of their goals
    # rows and cells come from the table's ruling lines where the page has them
    ruled: bool = False
    # activities: what the text under a row holds, in order; a "status" slot is
    # skipped when the header row has a Status column
    under_row: tuple[str, ...] = ()

    def roles(self) -> tuple[str, ...]:
        return tuple(role for role, _ in self.columns)


@dataclass(frozen=True)
class Profile:
    name: str
    description: str
    family: str
    source: str
    detect_titles: tuple[Phrase, ...] = ()
    detect_markers: tuple[Phrase, ...] = ()
    titles: tuple[TitleForm, ...] = ()
    months: dict[str, str] = field(default_factory=dict)  # folded month → period
    numbered: bool = False
    headings: tuple[HeadingRule, ...] = ()
    labels: dict[str, tuple[Phrase, ...]] = field(default_factory=dict)
    # the text after an assessment (a sentence after it, the paragraph under it) is the
    # goal's comment, with no label of its own
    comment_after_assessment: bool = False
    # paragraphs between a goal's heading and its first label or table are its own
    # description (else they are text no field takes: a warning)
    goal_description: bool = False
    statuses: dict[str, str] = field(default_factory=dict)  # printed → key
    assessments: dict[str, str] = field(default_factory=dict)
    tables: tuple[TableSpec, ...] = ()
    sections: tuple[HeadingRule, ...] = ()
    economy: tuple[Phrase, ...] = ()
    catalogue_area: Phrase | None = None
    catalogue_economy: Phrase | None = None
    symbol_colours: dict[str, str] = field(default_factory=dict)  # colour → assessment key
    symbol_chars: dict[tuple[str, str], str] = field(default_factory=dict)  # (font, char) → key
    default_level: str = "ks"
    body_words: tuple[str, ...] = ()
    default_kind: str | None = None
    # the printed page numbers of the running header or footer, most telling first
    page_numbers: tuple[PageNumberForm, ...] = ()

    def line(self) -> str:
        """One line for ``malrapport profiles``."""
        tables = ", ".join(f"{t.kind}: {' | '.join(p[1][0].text for p in t.columns)}"
                           for t in self.tables)
        return f"{self.name:<16} {self.family:<2} {self.description}  [{tables}]"

    def __hash__(self) -> int:  # profiles are compared by where they came from
        return hash((self.name, self.source))
