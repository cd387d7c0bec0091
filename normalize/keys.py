"""Goal and activity keys that follow the same goal across reports and years.

A report's goals are matched to the registry's goals of the same municipality
on their repaired titles (folded, function words dropped, rapidfuzz
``token_set_ratio``), one to one within a report, best pairs first:

1. a close title (``GOAL_MATCH``) of the same level matches anywhere;
2. a reworded title of the same level (``GOAL_REWORDED``, and at least two
   telling words in common, compounds counted) matches only with structural
   support: the goal's parent goal has the entry's parent key, or one of its
   activities continues one of the entry's;
3. the same title at another level (``GOAL_OTHER_LEVEL``, plain ratio): the
   level is read from headings and can be misread.

Goals left over get new keys. Activities are matched the same way within the
municipality: a close title under the same goal, a near-identical title under
any goal (activities move between goals), or a looser title under the same
goal when the descriptions agree. Goal numbers are never used: they change
from year to year.

A report is first written with provisional keys (``provisional_keys``): each
title's own new key, minted from the title alone, without the registry. The
worker that read the report gives them, so that it can encode the ``goals`` and
``activities`` tables itself: matching is done once, at the end, one
municipality per job (the pipeline runs them on its workers). The pipeline hands every report it writes to ``KeyAssigner.provisional``;
``save`` then keys this run's reports from the registry as it was at ``open``, in
(year, period) order, rewrites the ``goals`` and ``activities`` files whose keys
changed, and saves the registry: the result does not depend on the order files
were processed in. A provisional key is the key the title gets when it is new,
so only the files of goals matched to another wording (or another level) are
written again. Reports found in OUTDIR that no save has keyed (an interrupted
run), or with keys the registry does not know (an output written before keys
existed), are keyed the same way.
"""
from __future__ import annotations

import os
import unicodedata
from dataclasses import dataclass, field, replace
from functools import lru_cache
from pathlib import Path

from rapidfuzz import fuzz

from malrapport.normalize.registry import (
    GOAL_TABLE,
    Registry,
    comparable,
    content_words,
    fold,
    mint_key,
)
from malrapport.schemas.records import ReportRecord
from malrapport.schemas.tables import read_table, write_table_file

# Tuned on samples/gold (tests/test_keys.py), scores of the comparable forms: the
# goals reworded between years score 58, 65, 78 and 89; different goals under one
# parent goal 50, or 62 with only goal language in common ("verksamheter ... minska");
# different goals anywhere in a municipality up to 90 when one title is a compound
# of the other ("Ungdomsarbetslösheten …" / "Arbetslösheten …"), which the one-to-one
# matching within a report resolves when both goals are present.
GOAL_MATCH = 85
GOAL_REWORDED = 55
GOAL_SHARED_WORDS = 2
# The level is read from headings and can be misread (a damaged text layer turns an
# ekonomi goal into a ks goal): the same title at another level is the same goal.
GOAL_OTHER_LEVEL = 95
# Activities: different activities score at most 76; continuing ones are identical.
ACTIVITY_SAME_GOAL = 80
ACTIVITY_ANY_GOAL = 90
ACTIVITY_REWORDED = 65
ACTIVITY_MOVE_YEARS = 1  # an activity found under another goal: at most this many years apart
DESCRIPTION_MATCH = 85
PERIOD_RANK = {"T1": 1, "T2": 2, "T3": 3}
# Words of goal language that say nothing about which goal it is: not counted as shared.
GENERIC_WORDS = frozenset(
    "kommun kommunen kommunens kommuner kommunala kommunal verksamhet verksamheten "
    "verksamheter verksamheterna minska oka okad okat okade utveckla arbeta arbetet skapa "
    "erbjuda andelen antalet fler alla god goda battre forbattra sin sitt sina".split())


@dataclass
class ActivityItem:
    title: str
    description: str | None = None


@dataclass
class GoalItem:
    level: str
    title: str
    number: str | None = None
    parent_number: str | None = None
    activities: list[ActivityItem] = field(default_factory=list)
    parent_ordinal: int | None = None  # 1-based position of the parent (headings without numbers)


@dataclass
class ReportItems:
    report_id: str
    municipality: str | None
    year: int | None
    period: str | None
    goals: list[GoalItem]


@lru_cache(maxsize=65536)
def _cmp(text: str) -> str:
    return comparable(text)


def similarity(a: str | None, b: str | None) -> float:
    """0-100: how alike two titles are once folded and stripped of function words."""
    return fuzz.token_set_ratio(_cmp(a or ""), _cmp(b or ""))


def _best_of(titles: list[str], entries: list) -> list[list[float]]:
    """For every title and entry, the best ``similarity`` of the title to one of the
    entry's variants: one rapidfuzz ``cdist`` (the same scorer, in float64: the same
    scores as ``similarity`` one pair at a time)."""
    if not titles or not entries:
        return [[0.0] * len(entries) for _ in titles]
    import numpy as np
    from rapidfuzz import process

    choices, starts = [], []
    for e in entries:
        starts.append(len(choices))
        choices.extend(_cmp(v or "") for v in (e.variants or [e.title]))
    scores = process.cdist([_cmp(t or "") for t in titles], choices,
                           scorer=fuzz.token_set_ratio, dtype=np.float64, workers=1)
    return np.maximum.reduceat(scores, starts, axis=1).tolist()


def shared_words(a: str, b: str) -> int:
    """Content words of ``a`` found in ``b``, equal or one inside the other (compounds)."""
    words_b = [w for w in content_words(b) if w not in GENERIC_WORDS]
    count = 0
    for w in {w for w in content_words(a) if w not in GENERIC_WORDS}:
        if any(w == v or (min(len(w), len(v)) >= 5 and (w in v or v in w)) for v in words_b):
            count += 1
    return count


def _greedy(candidates: list[tuple]) -> list[tuple]:
    """(score, item, entry_key) triples, best first, each item and entry used once."""
    used_items, used_keys, chosen = set(), set(), []
    for score, item, key in sorted(candidates, key=lambda c: (-c[0], c[1], c[2])):
        if item not in used_items and key not in used_keys:
            chosen.append((score, item, key))
            used_items.add(item)
            used_keys.add(key)
    return chosen


def key_report(reg: Registry, report: ReportItems) -> tuple[list[str], list[list[str]]]:
    """Keys for every goal and activity of ``report``; ``reg`` learns the report."""
    goal_keys = _match_goals(reg, report)
    activity_keys = _match_activities(reg, report, goal_keys)
    return goal_keys, activity_keys


def _parent_index(goals: list[GoalItem]) -> dict[int, int]:
    """Each goal's parent: by its number, or by its position where goals have none."""
    by_number = {}
    for i, g in enumerate(goals):
        if g.number:
            by_number.setdefault(g.number, i)
    out = {i: by_number[g.parent_number] for i, g in enumerate(goals)
           if g.parent_number and g.parent_number in by_number}
    for i, g in enumerate(goals):
        if i not in out and g.parent_ordinal and 0 < g.parent_ordinal <= len(goals):
            out[i] = g.parent_ordinal - 1
    return out


def _match_goals(reg: Registry, report: ReportItems) -> list[str]:
    goals, muni = report.goals, report.municipality
    keys: list[str | None] = [None] * len(goals)
    parents = _parent_index(goals)
    scores = {}
    for lvl in sorted({g.level for g in goals}, key=str):
        entries = reg.goals_of(muni, lvl)
        mine = [i for i, g in enumerate(goals) if g.level == lvl]
        for i, row in zip(mine, _best_of([goals[i].title for i in mine], entries)):
            scores.update(((i, e.goal_key), s) for e, s in zip(entries, row))
    close = [(s, i, k) for (i, k), s in scores.items() if s >= GOAL_MATCH]
    for _, i, k in _greedy(close):
        keys[i] = k
    taken = set(keys)
    loose = []
    for (i, k), s in scores.items():
        if keys[i] is None and k not in taken and s >= GOAL_REWORDED:
            entry = reg.goals[k]
            if (shared_words(goals[i].title, entry.title) >= GOAL_SHARED_WORDS
                    and _supported(reg, goals[i], entry, keys[parents[i]] if i in parents else None)):
                loose.append((s, i, k))
    for _, i, k in _greedy(loose):
        keys[i] = k
    taken = set(keys)
    other = []
    for e in reg.goals_of(muni):
        for i, g in enumerate(goals):
            if keys[i] is None and e.level != g.level and e.goal_key not in taken:
                s = max(fuzz.ratio(_cmp(g.title), _cmp(v)) for v in e.variants or [e.title])
                if s >= GOAL_OTHER_LEVEL:
                    other.append((s, i, e.goal_key))
    for _, i, k in _greedy(other):
        keys[i] = k
    for i, g in enumerate(goals):
        parent_key = keys[parents[i]] if i in parents else None
        if keys[i] is None:
            keys[i] = reg.new_goal(muni, g.level, g.title, report.year, parent_key).goal_key
        else:
            reg.goals[keys[i]].seen(g.title, report.year, parent_key)
    return keys


def _supported(reg: Registry, goal: GoalItem, entry, parent_key: str | None) -> bool:
    """Structural evidence beyond the title: same parent goal, or a continuing activity."""
    if parent_key is not None and parent_key == entry.parent_key:
        return True
    titles = [v for a in reg.activities_of(entry.municipality) if a.goal_key == entry.goal_key
              for v in (a.variants or [a.title])]
    return any(similarity(act.title, t) >= ACTIVITY_ANY_GOAL
               for act in goal.activities for t in titles)


def _near(entry, year: int | None) -> bool:
    """An activity moves to another goal from one year's plan to the next; the same
    words under another goal years apart are a new activity."""
    if year is None or entry.first_year is None:
        return True
    return entry.first_year - ACTIVITY_MOVE_YEARS <= year <= entry.last_year + ACTIVITY_MOVE_YEARS


def _match_activities(reg: Registry, report: ReportItems, goal_keys: list[str]) -> list[list[str]]:
    entries = reg.activities_of(report.municipality)
    flat = [(gi, ai, act) for gi, g in enumerate(report.goals) for ai, act in enumerate(g.activities)]
    candidates = []
    best = _best_of([act.title for _, _, act in flat], entries)
    for n, (gi, _, act) in enumerate(flat):
        for e, s in zip(entries, best[n]):
            same_goal = e.goal_key == goal_keys[gi]
            if ((same_goal and s >= ACTIVITY_SAME_GOAL) or (s >= ACTIVITY_ANY_GOAL
                                                            and _near(e, report.year))
                    or (same_goal and s >= ACTIVITY_REWORDED and act.description and e.description
                        and similarity(act.description, e.description) >= DESCRIPTION_MATCH)):
                candidates.append((s + (5 if same_goal else 0), n, e.activity_key))
    matched = {n: k for _, n, k in _greedy(candidates)}
    out: list[list[str]] = [[] for _ in report.goals]
    for n, (gi, _, act) in enumerate(flat):
        if n in matched:
            reg.activities[matched[n]].seen(act.title, report.year, goal_keys[gi], act.description)
            key = matched[n]
        else:
            key = reg.new_activity(report.municipality, goal_keys[gi], act.title, report.year,
                                   act.description).activity_key
        out[gi].append(key)
    return out


def provisional_keys(report: ReportRecord) -> ReportRecord:
    """``report`` with a key for every goal and activity that has none: the key the
    registry would mint for the title if it were new (``mint_key``), unique within the
    report. ``report`` itself when nothing lacks a key."""
    goals = report.goals
    if all(g.goal_key and all(a.activity_key for a in g.activities) for g in goals):
        return report
    taken_goals = {g.goal_key for g in goals if g.goal_key}
    taken_acts = {a.activity_key for g in goals for a in g.activities if a.activity_key}

    def minted(key, kind, title, taken):
        if key:
            return key
        key = mint_key(report.municipality, kind, title or "", taken)
        taken.add(key)
        return key

    goal_keys, activity_keys = [], []
    for g in goals:
        goal_keys.append(minted(g.goal_key, g.level, g.title or g.title_raw, taken_goals))
        activity_keys.append([minted(a.activity_key, "akt", a.title or a.title_raw, taken_acts)
                              for a in g.activities])
    return _with_keys(report, goal_keys, activity_keys)


def _with_keys(report: ReportRecord, goal_keys, activity_keys) -> ReportRecord:
    goals = tuple(
        replace(g, goal_key=gk, activities=tuple(replace(a, activity_key=ak)
                                                 for a, ak in zip(g.activities, aks)))
        for g, gk, aks in zip(report.goals, goal_keys, activity_keys))
    return replace(report, goals=goals)


class KeyAssigner:
    """The pipeline's hook: ``open`` at the start of a run, ``provisional`` for each
    report before it is written, ``save`` at the end."""

    def __init__(self, outdir: Path, registry: Registry):
        self.outdir = outdir
        self.base = registry
        self.run_ids: set[str] = set()
        # the key columns of the rows each assigned report is written with (key_rows),
        # so that ``save`` re-keys the run without reading its files back
        self.written: dict[str, tuple] = {}
        # keys of reports removed this run (``forget``): (goal keys, activity keys)
        self.forgotten: tuple[set[str], set[str]] = (set(), set())

    @classmethod
    def open(cls, outdir: Path) -> "KeyAssigner":
        return cls(Path(outdir), Registry.load(Path(outdir)))

    def provisional(self, report: ReportRecord) -> ReportRecord:
        """The report as it is written now: with its provisional keys (the worker's, or
        ``provisional_keys`` here), noted for ``save``."""
        keyed = provisional_keys(report)
        self.run_ids.add(keyed.report_id)
        self.written[keyed.report_id] = _packed(*key_rows(keyed))
        return keyed

    def forget(self, report_ids) -> None:
        """Reports about to be removed from OUTDIR: an earlier reading of a file that is
        read another way now (two reports bound into one file, once read as one). Their
        keys leave the registry at ``save`` unless a report still in OUTDIR has them, so
        that a wrong merge leaves no key of its own behind. Call before the files go."""
        import pyarrow as pa
        import pyarrow.parquet as pq

        for rid in report_ids:
            for name, column, into in (("goals", "goal_key", self.forgotten[0]),
                                       ("activities", "activity_key", self.forgotten[1])):
                try:
                    keys = pq.ParquetFile(self.outdir / name / f"{rid}.parquet").read(
                        columns=[column]).column(0).to_pylist()
                except (OSError, pa.ArrowException):
                    continue
                into.update(k for k in keys if k)

    def save(self, run=None) -> None:
        """Re-key this run's reports in (year, period) order and save the registry.

        A run that wrote nothing, on an OUTDIR whose reports were all keyed
        before, skips the work: a re-run of an unchanged archive stays fast.
        Reports keyed at an earlier save (``OUTDIR/goal_registry/.keyed-reports``)
        are not looked at again; the others are read and keyed (``rekey_outdir``).
        ``run``: as ``rekey_outdir`` takes it.
        """
        present = set(_report_ids(self.outdir))
        keyed = _keyed_ids(self.outdir)
        if not self.run_ids and keyed == present:
            return  # (a run that wrote reports and was stopped before saving: _keyed_ids)
        if any(self.forgotten):
            self.base = _without_forgotten(self.outdir, self.base, self.run_ids, *self.forgotten)
        rekey_outdir(self.outdir, self.base, self.run_ids, self.written, keyed, present, run)
        _write_keyed_ids(self.outdir, present)


def _without_forgotten(outdir: Path, base: Registry, run_ids: set[str], goal_keys: set[str],
                       activity_keys: set[str]) -> Registry:
    """``base`` without the forgotten keys that no report outside this run has (the run's
    own reports are keyed again from it)."""
    kept_goals = {r["goal_key"] for r in read_table(outdir, "goals").to_pylist()
                  if r["report_id"] not in run_ids}
    kept_acts = {r["activity_key"] for r in read_table(outdir, "activities").to_pylist()
                 if r["report_id"] not in run_ids}
    reg = base.copy()
    for key in goal_keys - kept_goals:
        reg.goals.pop(key, None)
    for key in activity_keys - kept_acts:
        reg.activities.pop(key, None)
    return reg


# Beside the registry: the report_ids keyed at the last save, one a line (hidden, so
# Parquet readers of the folder pass it by). It replaces the fingerprint of those ids
# that 0.4.0 kept (``.keyed-reports.sha256``): a list says which reports are new.
KEYED_IDS = ".keyed-reports"
OLD_KEYED_FINGERPRINT = ".keyed-reports.sha256"

# The columns keying reads from a report's rows (rows_to_items, _report_order).
REPORT_KEY_COLUMNS = ("report_id", "source_file", "municipality", "kind", "year", "period")
GOAL_KEY_COLUMNS = ("report_id", "number", "level", "parent_number", "title", "title_raw",
                    "goal_key", "ordinal", "parent_ordinal")
ACTIVITY_KEY_COLUMNS = ("report_id", "goal_number", "ordinal", "title", "title_raw",
                        "description", "activity_key", "goal_key", "goal_ordinal")


def _report_ids(outdir: Path) -> list[str]:
    from malrapport.schemas.tables import is_data_file

    folder = Path(outdir) / "reports"
    if not folder.is_dir():
        return []
    return [e.name[:-8] for e in os.scandir(folder) if is_data_file(e.name)]


def _keyed_ids(outdir: Path) -> set[str] | None:
    """The reports keyed at the last save, less those whose ``goals`` file changed since
    (written by a run stopped before it saved: their keys may be provisional)."""
    path = Path(outdir) / GOAL_TABLE / KEYED_IDS
    try:
        since = path.stat().st_mtime_ns
        text = path.read_text(encoding="ascii")
    except (OSError, UnicodeDecodeError):
        return None
    keyed = set()
    for rid in text.splitlines():
        try:  # >=: a coarse file-system clock could give both one tick
            if rid and os.stat(Path(outdir) / "goals" / f"{rid}.parquet").st_mtime_ns < since:
                keyed.add(rid)
        except OSError:
            pass  # no goals file (a report without goals, or gone): looked at again
    return keyed


def _write_keyed_ids(outdir: Path, ids) -> None:
    folder = Path(outdir) / GOAL_TABLE
    folder.mkdir(parents=True, exist_ok=True)
    tmp = folder / f".{KEYED_IDS}.tmp"
    tmp.write_text("".join(f"{rid}\n" for rid in sorted(ids)), encoding="ascii")
    os.replace(tmp, folder / KEYED_IDS)
    (folder / OLD_KEYED_FINGERPRINT).unlink(missing_ok=True)


def _cell(value):
    """A value as its Parquet file gives it back: NFC (report_to_rows), blank → null
    (rows_to_table)."""
    if isinstance(value, str):
        value = unicodedata.normalize("NFC", value)
        return value if value.strip() else None
    return value


def key_rows(report: ReportRecord) -> tuple[dict, list[dict], list[dict]]:
    """The key columns of the ``reports``, ``goals`` and ``activities`` rows
    ``schemas.convert.report_to_rows`` makes of ``report``, as read back
    (tests/test_keys.py checks the two agree)."""
    rid = report.report_id
    head = {"report_id": rid, "source_file": report.source_file,
            "municipality": report.municipality, "kind": report.kind, "year": report.year,
            "period": report.period}
    goals, acts = [], []
    for goal in report.goals:
        goals.append({"report_id": rid, "number": goal.number, "level": goal.level,
                      "parent_number": goal.parent_number, "title": goal.title,
                      "title_raw": goal.title_raw, "goal_key": goal.goal_key,
                      "ordinal": goal.ordinal, "parent_ordinal": goal.parent_ordinal})
        for ordinal, act in enumerate(goal.activities, start=1):
            acts.append({"report_id": rid, "goal_number": goal.number, "ordinal": ordinal,
                         "title": act.title, "title_raw": act.title_raw,
                         "description": act.description, "activity_key": act.activity_key,
                         "goal_key": goal.goal_key, "goal_ordinal": goal.ordinal})
    def clean(row: dict) -> dict:
        return {k: _cell(v) for k, v in row.items()}

    return clean(head), [clean(g) for g in goals], [clean(a) for a in acts]


# What ``assign`` keeps of a goal row and an activity row: the columns rows_to_items
# reads, the title standing for title_raw where it has none (all rows_to_items takes).
_PACKED_GOAL = ("number", "level", "parent_number", "title", "goal_key", "ordinal",
                "parent_ordinal")
_PACKED_ACTIVITY = ("goal_number", "ordinal", "title", "description", "activity_key",
                    "goal_key", "goal_ordinal")


def _packed(head: dict, goals: list[dict], acts: list[dict]) -> tuple:
    """Key rows kept small: tuples, without the report_id of every row, one title."""
    def titled(row: dict) -> dict:
        return dict(row, title=row["title"] or row["title_raw"])

    return (tuple(head[c] for c in REPORT_KEY_COLUMNS),
            tuple(tuple(titled(g)[c] for c in _PACKED_GOAL) for g in goals),
            tuple(tuple(titled(a)[c] for c in _PACKED_ACTIVITY) for a in acts))


def _unpacked(packed: tuple) -> tuple[dict, list[dict], list[dict]]:
    head, goals, acts = packed
    rid = head[REPORT_KEY_COLUMNS.index("report_id")]
    return (dict(zip(REPORT_KEY_COLUMNS, head)),
            [dict(zip(_PACKED_GOAL, g), report_id=rid, title_raw=None) for g in goals],
            [dict(zip(_PACKED_ACTIVITY, a), report_id=rid, title_raw=None) for a in acts])


def _file_rows(outdir: Path, name: str, rid: str) -> list[dict]:
    """The rows of one report's file of a table (``_file_table``); none when it has
    no file."""
    table = _file_table(outdir, name, rid)
    return [] if table is None else table.to_pylist()


def rekey_outdir(outdir: Path, base: Registry, report_ids: set[str],
                 written: dict[str, tuple] | None = None, keyed: set[str] | None = None,
                 present: set[str] | None = None, run=None) -> Registry:
    """Key the given reports, and the others no save has keyed, in (year, period)
    order from ``base``; rewrite their changed key columns; save the registry.

    ``written``: the packed key rows of reports at hand (``KeyAssigner.provisional``),
    not read again; ``keyed``: reports keyed at an earlier save, not looked at (the
    others in OUTDIR carry provisional keys: they are keyed); None when OUTDIR does not
    say (an output of 0.4.0 or older), and then every report is read and keyed when
    one of its goals has a key ``base`` does not know. ``present``: the report_ids in
    OUTDIR (listed if not given). ``run(fn, jobs)``: runs ``fn(*job)`` for each job
    and gives back the results in order (the pipeline's runs one municipality on each
    of its workers); in this process when not given."""
    written = written or {}
    present = set(_report_ids(outdir)) if present is None else present
    rows: dict[str, tuple[dict, list[dict], list[dict]]] = {}
    for rid in set(report_ids) & present:
        if rid in written:
            rows[rid] = _unpacked(written[rid])
    for rid in sorted(present - set(rows) - (set(keyed or ()) - set(report_ids))):
        goal_rows = _file_rows(outdir, "goals", rid)
        if (rid in report_ids or keyed is not None
                or any(r["goal_key"] not in base.goals for r in goal_rows)):
            head = _file_rows(outdir, "reports", rid)
            if head:
                rows[rid] = (head[0], goal_rows, _file_rows(outdir, "activities", rid))
    targets = sorted(rows, key=lambda rid: _report_order(rows[rid][0]))
    if not targets:
        return base
    towns: dict[str, list[str]] = {}
    for rid in targets:
        towns.setdefault(fold(rows[rid][0]["municipality"] or ""), []).append(rid)
    parts = base.parts(towns)
    jobs = sorted(((parts[town], [(rid, rows[rid]) for rid in rids])
                   for town, rids in towns.items()), key=lambda job: -len(job[1]))
    run = run or _run_here
    keyed_parts = run(key_municipality, jobs)
    parts = [part for part, _ in keyed_parts]
    # the files are rewritten apart from the keying, a few to a job: one municipality's
    # keying is one job (its reports in order), its rewrites are shared by every worker
    changes = [(rid, _activity_file_order(rows[rid][2]), *keys)
               for _, changed in keyed_parts for rid, *keys in changed]
    run(rewrite_files, [(outdir, changes[i:i + REWRITES_A_JOB])
                        for i in range(0, len(changes), REWRITES_A_JOB)])
    reg = Registry(
        goals={k: e for k, e in base.goals.items() if fold(e.municipality or "") not in towns},
        activities={k: e for k, e in base.activities.items()
                    if fold(e.municipality or "") not in towns})
    for part in parts:
        reg.goals.update(part.goals)
        reg.activities.update(part.activities)
    reg.save(outdir)
    return reg


def key_municipality(reg: Registry, reports: list[tuple[str, tuple]]) -> tuple[Registry, list]:
    """One municipality's reports, (report_id, (report row, goal rows, activity rows))
    in (year, period) order, keyed from ``reg`` (its part of the registry, which
    learns them). Gives back ``reg`` and, for each report whose keys changed, its
    (report_id, links, goal keys, activity keys), what ``rewrite_files`` writes. A
    job that runs in a worker: keys of one municipality depend only on its own part
    of the registry (a new key is unique among them: it is named by the municipality)."""
    changed = []
    for rid, (head, goal_rows, act_rows) in reports:
        items, links = rows_to_items(head, goal_rows, act_rows)
        goal_keys, activity_keys = key_report(reg, items)
        if _changed(goal_rows, act_rows, links, goal_keys, activity_keys):
            changed.append((rid, links, goal_keys, activity_keys))
    return reg, changed


# Reports rewritten by one job of rewrite_files: about 6 ms each, so that a job is
# worth sending to a worker and the last one leaves no worker waiting long.
REWRITES_A_JOB = 8


def rewrite_files(outdir: Path, changes: list[tuple]) -> None:
    """``_rewrite`` each (report_id, activity order, links, goal keys, activity keys)."""
    for change in changes:
        _rewrite(outdir, *change)


def _run_here(fn, jobs: list[tuple]) -> list:
    return [fn(*job) for job in jobs]


def _changed(goal_rows, act_rows, links, goal_keys, activity_keys) -> bool:
    """The keys differ from those the rows carry (what _rewrite would write anew)."""
    if [g["goal_key"] for g in goal_rows] != list(goal_keys):
        return True
    for a, link in zip(sorted(act_rows, key=_activity_order), links):
        if link and (a["goal_key"], a["activity_key"]) != (goal_keys[link[0]],
                                                            activity_keys[link[0]][link[1]]):
            return True
    return False


def _report_order(report: dict) -> tuple:
    return (report["year"] if report["year"] is not None else 0,
            PERIOD_RANK.get(report["period"] or "", 9), report["kind"] or "",
            report["source_file"] or "", report["report_id"])


def _activity_file_order(act_rows: list[dict]) -> list[int]:
    """The positions of a file's activity rows in the order ``rows_to_items`` reads them."""
    return sorted(range(len(act_rows)), key=lambda i: _activity_order(act_rows[i]))


def _activity_order(row: dict) -> tuple[int, int]:
    """Activity rows in reading order: by their goal, then their place under it."""
    return (row.get("goal_ordinal") or 0, row["ordinal"] or 0)


def rows_to_items(report: dict, goal_rows: list[dict], act_rows: list[dict]):
    """A written report back into match items, and for each activity row the
    (goal index, position) it was keyed under (None when it has no goal)."""
    goals = [GoalItem(g["level"], g["title"] or g["title_raw"] or "", g["number"],
                      g["parent_number"], parent_ordinal=g.get("parent_ordinal"))
             for g in goal_rows]
    by_ordinal = {g["ordinal"]: i for i, g in enumerate(goal_rows) if g.get("ordinal")}
    by_key = {g["goal_key"]: i for i, g in enumerate(goal_rows) if g["goal_key"]}
    by_number: dict[str, int] = {}
    for i, g in enumerate(goal_rows):
        if g["number"]:
            by_number.setdefault(g["number"], i)
    links: list[tuple[int, int] | None] = []
    for a in sorted(act_rows, key=_activity_order):
        gi = by_ordinal.get(a.get("goal_ordinal")) if a.get("goal_ordinal") else None
        if gi is None:
            gi = by_key.get(a["goal_key"]) if a["goal_key"] else None
        if gi is None:
            gi = by_number.get(a["goal_number"])
        if gi is None:
            links.append(None)
            continue
        links.append((gi, len(goals[gi].activities)))
        goals[gi].activities.append(ActivityItem(a["title"] or a["title_raw"] or "",
                                                 a["description"]))
    items = ReportItems(report["report_id"], report["municipality"], report["year"],
                        report["period"], goals)
    return items, links


def _rewrite(outdir, rid, order, links, goal_keys, activity_keys) -> None:
    """The report's ``goals`` and ``activities`` files with the new keys: their tables
    read back and only the key columns replaced, activities in the order
    ``rows_to_items`` linked them in (``order``: the file's activity rows in that
    order, ``_activity_file_order``). A file whose keys are the same is left as it is."""
    goals = _file_table(outdir, "goals", rid)
    if goals is not None:
        _replace_columns(outdir, "goals", rid, goals, {"goal_key": list(goal_keys)})
    acts = _file_table(outdir, "activities", rid)
    if acts is not None:
        if order != list(range(len(order))):
            import pyarrow as pa

            acts = acts.take(pa.array(order, pa.int64()))
        old_goal, old_act = (acts.column(c).to_pylist() for c in ("goal_key", "activity_key"))
        new_goal = [goal_keys[link[0]] if link else g for g, link in zip(old_goal, links)]
        new_act = [activity_keys[link[0]][link[1]] if link else a
                   for a, link in zip(old_act, links)]
        _replace_columns(outdir, "activities", rid, acts,
                         {"goal_key": new_goal, "activity_key": new_act})


def _file_table(outdir: Path, name: str, rid: str):
    """One report's file of a table as an Arrow table (an older schema version
    upgraded), or None when it has none."""
    import pyarrow.parquet as pq
    from malrapport.schemas.tables import TABLES, _upgrade, _with_version

    path = Path(outdir) / name / f"{rid}.parquet"
    if not path.exists():
        return None
    return _upgrade(pq.ParquetFile(path).read(), _with_version(TABLES[name]))


def _replace_columns(outdir, name, rid, table, columns: dict[str, list]) -> None:
    """Write ``table`` with ``columns`` replaced, unless they hold those values already."""
    import pyarrow as pa

    if all(table.column(c).to_pylist() == v for c, v in columns.items()):
        return
    for column, values in columns.items():
        i = table.schema.get_field_index(column)
        table = table.set_column(i, table.schema.field(i), pa.array(values, pa.string()))
    write_table_file(outdir, name, rid, table)
