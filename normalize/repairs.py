"""The audit of repairs: for each word the repair changed, where and on what evidence.

One row per changed word (``repairs`` table): the report, the table and field and
the row (goal ordinal, activity or measure ordinal), the word as read and as
written, and the evidence the written spelling rests on, the first that holds:

- ``archive``: the word, or the title it is part of, was learned from a clean
  report of the same municipality (``vocabulary/``, normalize/learned.py);
- ``vocab``: it is in the shipped vocabulary or a ``--vocab`` file;
- ``context``: the same report spells it so elsewhere (``SeenSpellings``);
- ``lexicon``: the general Swedish lexicon and language model chose it.

A change that is only punctuation (the en dash of a range) is ``typography``.
"""
from __future__ import annotations

import difflib
import re
from dataclasses import dataclass

from malrapport.schemas.records import RepairRecord

_TOKEN = re.compile(r"\S+")
_WORD = re.compile(r"[^\W\d_]+")


@dataclass(frozen=True)
class Evidence:
    """What the written spellings are checked against, in order."""

    archive_words: frozenset[str] = frozenset()
    archive_titles: frozenset[str] = frozenset()
    vocab_words: frozenset[str] = frozenset()
    vocab_titles: frozenset[str] = frozenset()
    seen: object = None  # SeenSpellings of the report, or None

    def source(self, written: str, title: str | None) -> str:
        if not _WORD.search(written):
            return "typography"
        words = _WORD.findall(written)
        if (title and title in self.archive_titles) or all(w in self.archive_words for w in words):
            return "archive"
        if (title and title in self.vocab_titles) or all(w in self.vocab_words for w in words):
            return "vocab"
        if self.seen is not None and all(self.seen.supports(w) for w in words):
            return "context"
        return "lexicon"


def changed_words(raw: str, written: str) -> list[tuple[str, str]]:
    """The (as read, as written) pairs of the tokens that differ, aligned by position."""
    a, b = _TOKEN.findall(raw), _TOKEN.findall(written)
    out = []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(a=a, b=b, autojunk=False).get_opcodes():
        if op == "equal":
            continue
        if i2 - i1 == j2 - j1:
            out += [(x, y) for x, y in zip(a[i1:i2], b[j1:j2]) if x != y]
        else:
            out.append((" ".join(a[i1:i2]), " ".join(b[j1:j2])))
    return out


def repair_rows(raw: str, written: str, where: tuple, evidence: Evidence,
                title: bool = False) -> list[RepairRecord]:
    """The audit rows of one field: ``where`` is (table, field, goal_ordinal, ordinal)."""
    table, field_name, goal_ordinal, ordinal = where
    return [RepairRecord(table, field_name, goal_ordinal, ordinal, before, after,
                         evidence.source(after, written if title else None))
            for before, after in changed_words(raw, written)]
