"""Corrections a person made on the review page, applied to every later extraction.

A corrections file (``malrapport extract … --corrections FILE``, the file the review
page downloads) is a JSON list of entries, each about one row of one report:

    {"report_id": "<sha256>", "table": "goals", "goal_ordinal": 3,
     "goal_number": "3.1.1", "goal_title": "Ånge kommun ska …",
     "field": "assessment", "value": "delvis_uppfyllt"}
    {"report_id": "<sha256>", "table": "activities", "goal_ordinal": 3,
     "activity_ordinal": 2, "activity_title": "Ta fram koncept …", "action": "confirm"}

A row is found by its identity, never by its position alone: a goal by its ordinal
with its number and/or title as a check (``goal_number``, ``goal_title``: as the
row read when it was reviewed), else by that number and title anywhere in the
report; an activity by its goal, its ordinal and its title, else by its title
under that goal. Titles are compared folded, fuzzily (a repair that improved since
is no reason to lose the correction). An entry sets one ``field`` to ``value``
(null clears it) or, with ``"action": "confirm"``, confirms the row as read.

A corrected or confirmed row gets ``source = "review"``; a confirmed one
confidence 1.0 and no reasons. An entry whose row is gone (the report reads
differently now) is applied nowhere and becomes a ``correction_unmatched`` warning
of the report, and a line on stderr. ``CorrectionsError`` is a bad file, one line.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path

from malrapport.normalize.labels import ASSESSMENT_KEYS, STATUS_KEYS, fold
from malrapport.schemas.records import ReportRecord, WarningRecord
from rapidfuzz import fuzz

CORRECTIONS_LIMIT = 16 * 2**20  # bytes: a year of reviewing is kilobytes
TITLE_MATCH = 90  # rapidfuzz ratio of folded titles for a row's identity check
UNMATCHED = "correction_unmatched"

LEVELS = ("kf", "ks", "ekonomi", "namnd")
# The fields a correction may set, per table, and what their value may be.
_TEXT, _DATE = "text", "date"
GOAL_FIELDS: dict[str, object] = {
    "number": _TEXT, "level": LEVELS, "parent_number": _TEXT, "area": _TEXT,
    "title": _TEXT, "assessment": ASSESSMENT_KEYS, "comment": _TEXT, "description": _TEXT,
}
ACTIVITY_FIELDS: dict[str, object] = {
    "title": _TEXT, "description": _TEXT, "status": STATUS_KEYS, "start_date": _DATE,
    "end_date": _DATE, "end_date_raw": _TEXT, "comment": _TEXT, "responsible": _TEXT,
}
FIELDS = {"goals": GOAL_FIELDS, "activities": ACTIVITY_FIELDS}
NEVER_NULL = {"title", "level"}
KEYS = {"report_id", "table", "goal_ordinal", "goal_number", "goal_title",
        "activity_ordinal", "activity_title", "field", "value", "action", "note"}
_REPORT_ID = re.compile(r"[0-9a-f]{64}(-p[0-9]+)?")


class CorrectionsError(ValueError):
    """A corrections file that cannot be used: unreadable, not JSON, a wrong entry."""


@dataclass(frozen=True)
class Correction:
    report_id: str
    table: str  # goals | activities
    goal_ordinal: int
    goal_number: str | None
    goal_title: str | None
    has_goal_number: bool  # the entry checks the goal's number (null: the goal has none)
    activity_ordinal: int | None
    activity_title: str | None
    field: str | None  # None: a confirmation
    value: object
    entry: dict  # as written in the file

    def row(self) -> tuple:
        return (self.report_id, self.table, self.goal_ordinal, self.activity_ordinal)

    def describe(self) -> str:
        what = f"set {self.table}.{self.field} of" if self.field else "confirm"
        goal = " ".join(x for x in (self.goal_number, _short(self.goal_title)) if x)
        where = f"goal {self.goal_ordinal}" + (f" ({goal})" if goal else "")
        if self.table == "activities":
            where += f", activity {self.activity_ordinal} ({_short(self.activity_title)})"
        return f"{what} {where}"


def _short(text: str | None, n: int = 50) -> str:
    text = " ".join((text or "").split())
    return text if len(text) <= n else text[: n - 1] + "…"


# --- reading ------------------------------------------------------------------------------

def load_corrections(path: Path | str | None) -> Corrections:
    """The corrections of ``path`` (none for None); ``CorrectionsError`` naming the file
    and the reason for a file that cannot be used."""
    if path is None:
        return Corrections(())
    from malrapport.extract.small_files import read_text_file

    try:
        text = read_text_file(path, CORRECTIONS_LIMIT)
    except (OSError, UnicodeDecodeError) as e:
        reason = e.strerror if isinstance(e, OSError) and e.strerror else str(e)
        raise CorrectionsError(f"{path}: cannot read the corrections file: {reason}") from e
    try:
        data = json.loads(text)
    except json.JSONDecodeError as e:
        raise CorrectionsError(f"{path}: not valid JSON: {e}") from e
    if not isinstance(data, list):
        raise CorrectionsError(f"{path}: a corrections file is a JSON list of entries, "
                               f"not a {type(data).__name__}")
    out = []
    for i, entry in enumerate(data, start=1):
        try:
            out.append(parse_entry(entry))
        except CorrectionsError as e:
            raise CorrectionsError(f"{path}: entry {i}: {e}") from None
    return Corrections(tuple(out))


def _int(entry: dict, key: str) -> int:
    value = entry.get(key)
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise CorrectionsError(f'"{key}" must be a whole number from 1, not {value!r}')
    return value


def _text(entry: dict, key: str, required: bool) -> str | None:
    value = entry.get(key)
    if value is None and not required:
        return None
    if not isinstance(value, str) or not value.strip():
        raise CorrectionsError(f'"{key}" must be a non-empty string, not {value!r}')
    return value


def parse_entry(entry) -> Correction:
    """One entry of a corrections file, checked; ``CorrectionsError`` says what is wrong."""
    if not isinstance(entry, dict):
        raise CorrectionsError(f"an entry is a JSON object, not {type(entry).__name__}")
    unknown = sorted(set(entry) - KEYS)
    if unknown:
        raise CorrectionsError(f"unknown key {unknown[0]!r} (the keys are {', '.join(sorted(KEYS))})")
    report_id = entry.get("report_id")
    if not isinstance(report_id, str) or not _REPORT_ID.fullmatch(report_id):
        raise CorrectionsError(f'"report_id" must be a report_id (<sha256> or <sha256>-p<N>), '
                               f"not {report_id!r}")
    table = entry.get("table")
    if table not in FIELDS:
        raise CorrectionsError(f'"table" must be "goals" or "activities", not {table!r}')
    goal_ordinal = _int(entry, "goal_ordinal")
    goal_number = _text(entry, "goal_number", False)
    goal_title = _text(entry, "goal_title", False)
    activity_ordinal = activity_title = None
    if table == "goals":
        if "goal_number" not in entry and goal_title is None:
            raise CorrectionsError('a goal needs "goal_number" or "goal_title" as a check of '
                                   'its identity, besides "goal_ordinal"')
        for key in ("activity_ordinal", "activity_title"):
            if key in entry:
                raise CorrectionsError(f'"{key}" belongs to "table": "activities"')
    else:
        activity_ordinal = _int(entry, "activity_ordinal")
        activity_title = _text(entry, "activity_title", True)
    action = entry.get("action", "set")
    if action == "confirm":
        if "field" in entry or "value" in entry:
            raise CorrectionsError('"action": "confirm" takes no "field" or "value"')
        field, value = None, None
    elif action == "set":
        field = entry.get("field")
        names = FIELDS[table]
        if field not in names:
            raise CorrectionsError(f"unknown field {field!r} of {table} (the fields a "
                                   f"correction may set: {', '.join(names)})")
        if "value" not in entry:
            raise CorrectionsError(f'"value" is missing (null clears {field})')
        value = _value(table, field, entry["value"])
    else:
        raise CorrectionsError(f'"action" must be "set" or "confirm", not {action!r}')
    return Correction(report_id, table, goal_ordinal, goal_number, goal_title,
                      "goal_number" in entry, activity_ordinal, activity_title, field, value,
                      dict(entry))


def _value(table: str, field: str, value):
    kind = FIELDS[table][field]
    if value is None or (isinstance(value, str) and not value.strip()):
        if field in NEVER_NULL:
            raise CorrectionsError(f"{table}.{field} cannot be empty")
        return None
    if not isinstance(value, str):
        raise CorrectionsError(f"the value of {table}.{field} must be a string or null, "
                               f"not {value!r}")
    if kind == _DATE:
        try:
            return dt.date.fromisoformat(value.strip())
        except ValueError:
            raise CorrectionsError(f"the value of {table}.{field} must be a date YYYY-MM-DD, "
                                   f"not {value!r}") from None
    if isinstance(kind, tuple) and value not in kind:
        raise CorrectionsError(f"{value!r} is no {field} (one of {', '.join(kind)})")
    return " ".join(value.split()) if field in ("title", "number", "parent_number") else value.strip()


# --- applying -----------------------------------------------------------------------------

def _title_ok(titles: set[str], check: str | None) -> bool:
    if check is None:
        return True
    want = fold(check)
    return any(fuzz.ratio(fold(t or ""), want) >= TITLE_MATCH for t in titles)


class Corrections:
    """The entries of one corrections file, by file hash."""

    def __init__(self, entries: tuple[Correction, ...]):
        self.entries = entries
        self.by_file: dict[str, list[Correction]] = {}
        for c in entries:
            self.by_file.setdefault(file_of(c.report_id), []).append(c)

    def __bool__(self) -> bool:
        return bool(self.entries)

    def digest(self, file_hash: str) -> str:
        """What the corrections of one file are, as a short hash ("" for none): part of
        the incremental skip key (``extract/correction_stamps.py``)."""
        entries = [c.entry for c in self.by_file.get(file_hash, ())]
        if not entries:
            return ""
        text = json.dumps(entries, sort_keys=True, ensure_ascii=False, default=str)
        return hashlib.sha256(text.encode()).hexdigest()[:32]

    def apply(self, report, say: Callable[[str], None] | None = None):
        """``report`` (or a list of the reports of one file) with its corrections made."""
        if isinstance(report, list):
            if not report:
                return report
            ids = {r.report_id for r in report}
            done = [self._apply_one(r, say) for r in report]
            lost = [c for c in self.by_file.get(file_of(report[0].report_id), ())
                    if c.report_id not in ids]
            return [_unmatched(done[0], lost, say, "no report of this id in the file now"),
                    *done[1:]] if lost else done
        if not self.by_file.get(file_of(report.report_id)):
            return report
        report = self._apply_one(report, say)
        lost = [c for c in self.by_file[file_of(report.report_id)]
                if c.report_id != report.report_id]
        return _unmatched(report, lost, say, "the file is read as one report now") if lost else report

    def _apply_one(self, report: ReportRecord, say) -> ReportRecord:
        mine = [c for c in self.by_file.get(file_of(report.report_id), ())
                if c.report_id == report.report_id]
        if not mine:
            return report
        read = report.goals  # as read: identities are checked against these
        goals = list(read)
        acts = [list(g.activities) for g in goals]
        # the identity a row has once corrected: a later review checks against that
        known: dict[tuple, dict[str, set]] = {}

        def identity(row: tuple, field: str, read) -> set:
            return {read, *known.get(row, {}).get(field, ())}

        def find_goal(c: Correction) -> int | None:
            def fits(i: int) -> bool:
                g = read[i]
                row = (g.ordinal, None)
                if c.has_goal_number and c.goal_number not in identity(row, "number", g.number):
                    return False
                return _title_ok(identity(row, "title", g.title), c.goal_title)
            at = [i for i, g in enumerate(read) if g.ordinal == c.goal_ordinal]
            if at and fits(at[0]):
                return at[0]
            if not c.has_goal_number and c.goal_title is None:
                return None
            anywhere = [i for i in range(len(read)) if fits(i)]
            return anywhere[0] if len(anywhere) == 1 else None

        def find(c: Correction) -> tuple[int, int | None] | None:
            gi = find_goal(c)
            if gi is None or c.table == "goals":
                return None if gi is None else (gi, None)
            row = lambda j: (goals[gi].ordinal, j + 1)
            items = read[gi].activities
            j = c.activity_ordinal - 1
            if j < len(items) and _title_ok(identity(row(j), "title", items[j].title), c.activity_title):
                return gi, j
            hits = [k for k in range(len(items))
                    if _title_ok(identity(row(k), "title", items[k].title), c.activity_title)]
            return (gi, hits[0]) if len(hits) == 1 else None

        # identity fields first, each checked against the row as read; then the rest
        order = sorted(mine, key=lambda c: c.field not in ("title", "number"))
        lost = []
        for c in order:
            at = find(c)
            if at is None:
                lost.append(c)
                continue
            gi, j = at
            if j is None:
                goals[gi] = _changed(goals[gi], c)
                key = (goals[gi].ordinal, None)
            else:
                acts[gi][j] = _changed(acts[gi][j], c)
                key = (goals[gi].ordinal, j + 1)
            if c.field in ("title", "number"):
                known.setdefault(key, {}).setdefault(c.field, set()).add(c.value)
        goals = [replace(g, activities=tuple(a)) for g, a in zip(goals, acts)]
        report = replace(report, goals=tuple(goals))
        return _unmatched(report, lost, say, "no row of it fits now") if lost else report


def _changed(row, c: Correction):
    if c.field is None:
        return replace(row, source="review", confidence=1.0, reasons=())
    return replace(row, **{c.field: c.value}, source="review")


def _unmatched(report: ReportRecord, lost: list[Correction], say, why: str) -> ReportRecord:
    warnings = []
    for c in lost:
        message = (f"a correction matches no row, not applied ({why}; the report reads "
                   f"differently than when it was reviewed): {c.describe()}")
        if say is not None:
            say(f"malrapport: {report.source_file}: {message}")
        warnings.append(WarningRecord(page=_page(report, c), kind=UNMATCHED, message=message,
                                      text=json.dumps(c.entry, ensure_ascii=False, sort_keys=True)))
    return replace(report, warnings=(*report.warnings, *warnings))


def _page(report: ReportRecord, c: Correction) -> int | None:
    """The page of the goal the correction named, where the report still has it."""
    pages = [g.page for g in report.goals if g.ordinal == c.goal_ordinal]
    return pages[0] if pages else None


def file_of(report_id: str) -> str:
    head, sep, tail = report_id.rpartition("-p")
    return head if sep and tail.isdigit() else report_id
