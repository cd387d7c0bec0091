"""The registry of known goals and activities, kept in OUTDIR between runs.

``OUTDIR/goal_registry/`` and ``OUTDIR/activity_registry/`` hold one row per key:
the canonical title (the first title seen, from which the key was minted), the
municipality, the first and last year seen and every title variant. A later run
loads them, so a new year's reports join the keys already given out.

Keys are readable and stable: ``<municipality>-<level>-<title words>-<hash>``
for goals (``ange-ks-stimulera-utveckling-halsoframjande-1c9e0a``) and
``<municipality>-akt-<title words>-<hash>`` for activities. The hash is of the
municipality, the level and the folded canonical title, so the same first title
always mints the same key. A key is never changed once saved.
"""
from __future__ import annotations

import copy
import hashlib
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from malrapport.normalize.labels import fold as _fold_text
from malrapport.schemas.tables import read_table, rows_to_table, write_table_file

GOAL_TABLE = "goal_registry"
ACTIVITY_TABLE = "activity_registry"

# Function words dropped before titles are compared and before key words are chosen.
STOPWORDS = frozenset(
    "i av for att och med en ett som pa till den det de om ska skall mm vara var ha har "
    "under genom samt fran vid hos inom".split())
KEY_WORDS = 3
KEY_SLUG_CHARS = 36


@lru_cache(maxsize=1 << 16)
def fold(text: str) -> str:
    """``labels.fold``, remembered: the same titles and names are folded again for
    every report keyed."""
    return _fold_text(text)


def content_words(text: str | None) -> list[str]:
    """Folded words of a title without function words or single letters (``m.m.``)."""
    words = re.findall(r"[0-9a-z]+", fold(text or ""))
    kept = [w for w in words if w not in STOPWORDS and (len(w) > 1 or w.isdigit())]
    return kept or words


def comparable(text: str | None) -> str:
    """The form titles are compared in: folded, no punctuation, no function words."""
    return " ".join(content_words(text))


def municipality_slug(municipality: str | None) -> str:
    words = [w for w in content_words(municipality) if w not in ("kommun", "kommuns")]
    return "-".join(words) or "okand"


def _slug(title: str, drop: set[str]) -> str:
    words = [w for w in content_words(title) if w not in drop
             and (len(w) >= 4 if w.isdigit() else len(w) >= 3)] or content_words(title)
    out = ""
    for word in words[:KEY_WORDS]:
        nxt = f"{out}-{word}" if out else word
        if len(nxt) > KEY_SLUG_CHARS and out:
            break
        out = nxt[:KEY_SLUG_CHARS]
    return out or "x"


def mint_key(municipality: str | None, kind: str, title: str, taken) -> str:
    """A new readable key; ``kind`` is the goal level or ``akt``. Unique among ``taken``."""
    muni = municipality_slug(municipality)
    drop = set(muni.split("-")) | {"kommun", "kommunen", "kommunens"}
    digest = hashlib.sha1(f"{fold(municipality or '')}|{kind}|{comparable(title)}".encode())
    key = f"{muni}-{kind}-{_slug(title, drop)}-{digest.hexdigest()[:6]}"
    unique, n = key, 2
    while unique in taken:
        unique, n = f"{key}-{n}", n + 1
    return unique


def _span(first: int | None, last: int | None, year: int | None) -> tuple[int | None, int | None]:
    if year is None:
        return first, last
    return (year if first is None else min(first, year), year if last is None else max(last, year))


@dataclass
class GoalEntry:
    goal_key: str
    municipality: str | None
    level: str
    title: str
    first_year: int | None = None
    last_year: int | None = None
    variants: list[str] = field(default_factory=list)
    parent_key: str | None = None

    def seen(self, title: str, year: int | None, parent_key: str | None) -> None:
        self.first_year, self.last_year = _span(self.first_year, self.last_year, year)
        _add_variant(self.variants, title)
        if parent_key is not None:
            self.parent_key = parent_key


@dataclass
class ActivityEntry:
    activity_key: str
    municipality: str | None
    goal_key: str | None
    title: str
    first_year: int | None = None
    last_year: int | None = None
    variants: list[str] = field(default_factory=list)
    description: str | None = None

    def seen(self, title: str, year: int | None, goal_key: str | None,
             description: str | None) -> None:
        self.first_year, self.last_year = _span(self.first_year, self.last_year, year)
        _add_variant(self.variants, title)
        self.goal_key = goal_key or self.goal_key
        self.description = description or self.description


def _add_variant(variants: list[str], title: str) -> None:
    if title and all(fold(v) != fold(title) for v in variants):
        variants.append(title)


def _by_municipality(entries: dict, index: dict) -> dict[str, dict]:
    """``index``: folded municipality → {key: entry} in the order of ``entries``, made
    anew when ``entries`` is another dict or changed size other than through
    ``_indexed`` (a registry loaded, copied, or with keys removed)."""
    if index.get(None) != (id(entries), len(entries)):
        index.clear()
        for key, entry in entries.items():
            index.setdefault(fold(entry.municipality or ""), {})[key] = entry
        index[None] = (id(entries), len(entries))
    return index


def _indexed(entries: dict, index: dict, key: str, entry) -> None:
    """Add ``entry`` to ``entries`` and, when it is up to date, to ``index``."""
    current = index.get(None) == (id(entries), len(entries))
    entries[key] = entry
    if current:
        index.setdefault(fold(entry.municipality or ""), {})[key] = entry
        index[None] = (id(entries), len(entries))


@dataclass
class Registry:
    goals: dict[str, GoalEntry] = field(default_factory=dict)
    activities: dict[str, ActivityEntry] = field(default_factory=dict)
    # folded municipality → its entries, kept by new_goal/new_activity (see _by_municipality)
    _goal_index: dict = field(default_factory=dict, repr=False, compare=False)
    _activity_index: dict = field(default_factory=dict, repr=False, compare=False)

    def copy(self) -> "Registry":
        return copy.deepcopy(self)

    def parts(self, towns) -> dict[str, "Registry"]:
        """For each folded municipality of ``towns``, a copy of its entries (from the
        index the registry keeps by municipality: one pass over the entries)."""
        goals = _by_municipality(self.goals, self._goal_index)
        acts = _by_municipality(self.activities, self._activity_index)
        return {town: copy.deepcopy(Registry(dict(goals.get(town, {})), dict(acts.get(town, {}))))
                for town in towns}

    def goals_of(self, municipality: str | None, level: str | None = None) -> list[GoalEntry]:
        """The municipality's goals, of one level or (``None``) of all, in registry order."""
        part = _by_municipality(self.goals, self._goal_index).get(fold(municipality or ""), {})
        return [e for e in part.values() if level in (None, e.level)]

    def activities_of(self, municipality: str | None) -> list[ActivityEntry]:
        part = _by_municipality(self.activities, self._activity_index).get(
            fold(municipality or ""), {})
        return list(part.values())

    def new_goal(self, municipality, level, title, year, parent_key) -> GoalEntry:
        key = mint_key(municipality, level, title, self.goals)
        entry = GoalEntry(key, municipality, level, title)
        entry.seen(title, year, parent_key)
        _indexed(self.goals, self._goal_index, key, entry)
        return entry

    def new_activity(self, municipality, goal_key, title, year, description) -> ActivityEntry:
        key = mint_key(municipality, "akt", title, self.activities)
        entry = ActivityEntry(key, municipality, goal_key, title)
        entry.seen(title, year, goal_key, description)
        _indexed(self.activities, self._activity_index, key, entry)
        return entry

    @classmethod
    def load(cls, outdir: Path) -> "Registry":
        reg = cls()
        for row in read_table(outdir, GOAL_TABLE).to_pylist():
            reg.goals[row["goal_key"]] = GoalEntry(
                row["goal_key"], row["municipality"], row["level"], row["title"],
                row["first_year"], row["last_year"], list(row["variants"] or []),
                row["parent_key"])
        for row in read_table(outdir, ACTIVITY_TABLE).to_pylist():
            reg.activities[row["activity_key"]] = ActivityEntry(
                row["activity_key"], row["municipality"], row["goal_key"], row["title"],
                row["first_year"], row["last_year"], list(row["variants"] or []),
                row["description"])
        return reg

    def save(self, outdir: Path) -> None:
        goals = [vars(e) for _, e in sorted(self.goals.items())]
        acts = [vars(e) for _, e in sorted(self.activities.items())]
        write_table_file(outdir, GOAL_TABLE, GOAL_TABLE, rows_to_table(GOAL_TABLE, goals))
        write_table_file(outdir, ACTIVITY_TABLE, ACTIVITY_TABLE,
                         rows_to_table(ACTIVITY_TABLE, acts))
