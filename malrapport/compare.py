"""Cross-report comparison: OUTDIR tables → ``OUTDIR/comparison/`` and an HTML page.

One comparison row per goal_key and report: where the goal stood (number, title,
assessment) and how many of its activities had each status. The page built from
the same data (``compare_html``) shows, per municipality and reporting body:
goals × periods coloured by assessment, activity statuses per period, activities
whose status got worse between consecutive reports of one kind within one plan
year (``_worsened``), and goals that appeared, disappeared or were reworded
between years, judged only against reports that could have held the goal
(``_year_changes``).

The page is written last, atomically (temp file in its folder, then a rename);
where it is to go is checked before anything is read or written.
"""
from __future__ import annotations

import os
import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from malrapport.extract.errors import UsageError
from malrapport.normalize.labels import fold
from malrapport.schemas.atomic import replacing
from malrapport.schemas.tables import (
    COMPARISON_STATUSES, SchemaVersionError, read_table, rows_to_table, table_files,
    write_table_file)

PERIOD_RANK = {"T1": 1, "T2": 2, "T3": 3}
# How far a status is from "going to plan"; a rise between two reports is a worsening.
STATUS_SEVERITY = {
    "pagaende_enligt_plan": 0, "avslutad_enligt_plan": 0, "ej_paborjad": 1, "vantelage": 2,
    "pagaende_med_avvikelse": 3, "avslutad_med_avvikelse": 3,
}


class NotAnOutputFolder(UsageError):
    """OUTDIR is missing, empty, or not written by (this version of) malrapport."""


class UnwritablePage(NotAnOutputFolder):
    """``-o`` names no file the page can be written to: a folder, a file in a folder
    that does not exist, or the comparison table's own folder. A usage error like
    NotAnOutputFolder (and one of it, so that whoever catches that catches this)."""


@dataclass
class Column:
    """One report as a column of the comparison."""
    report_id: str
    label: str
    year: int | None
    period: str | None
    kind: str | None
    source_file: str | None


@dataclass
class GoalLine:
    goal_key: str
    level: str | None
    title: str  # as in the latest report that has the goal
    cells: list[dict | None]  # per column: the goal's comparison row, None when absent
    number: str | None = None  # as in the latest report that has the goal


@dataclass
class Worsened:
    activity_key: str
    title: str
    goal_title: str
    before: Column
    after: Column
    status_before: str
    status_after: str
    plan_year: int | None = None
    goal_number: str | None = None


@dataclass
class YearChange:
    from_year: int
    to_year: int
    appeared: list[tuple[str, str]] = field(default_factory=list)  # (goal_key, title)
    disappeared: list[tuple[str, str]] = field(default_factory=list)
    reworded: list[tuple[str, str, str]] = field(default_factory=list)  # (key, old, new)
    # Goals found in one of the two years only, whose other year has no report that
    # could have held them (no report of their kind, no goal of their level): neither
    # new nor gone, just not comparable. (goal_key, title, the year they are in)
    not_comparable: list[tuple[str, str, int]] = field(default_factory=list)


@dataclass
class Series:
    """The reports of one municipality and reporting body, in time order."""
    municipality: str | None
    body: str | None
    columns: list[Column]
    goals: list[GoalLine]
    status_counts: list[Counter]  # per column: status → activities
    worsened: list[Worsened]
    year_changes: list[YearChange]
    # What ``worsened`` was judged on: pairs of consecutive reports of one kind, and
    # activity statuses compared across them (same activity_key and plan year).
    n_report_pairs: int = 0
    n_compared: int = 0


def compare(outdir: Path, out_html: Path) -> list[Series]:
    """Write ``OUTDIR/comparison/`` and the HTML page; return what the page shows.

    Both paths are checked before any work (NotAnOutputFolder, UnwritablePage); the
    page is written last and atomically, so a failure leaves no partial page."""
    from malrapport.compare_html import render_page

    outdir, out_html = Path(outdir), Path(out_html)
    check_outdir(outdir)
    check_page_path(out_html, outdir)
    reports, goals, activities = load_tables(outdir)
    rows = comparison_rows(reports, goals, activities)
    series = build_series(reports, rows, activities)
    page = render_page(series, outdir)
    write_table_file(outdir, "comparison", "comparison", rows_to_table("comparison", rows))
    write_page(out_html, page)
    return series


def check_outdir(outdir: Path) -> None:
    if not outdir.is_dir():
        raise NotAnOutputFolder(f"{outdir}: no such folder")
    if not table_files(outdir, "reports"):
        raise NotAnOutputFolder(
            f"{outdir}: not a malrapport output folder (no reports/*.parquet); "
            f"run `malrapport extract PDF... -o {outdir}` first")


def check_page_path(path: Path, outdir: Path) -> None:
    """Raise UnwritablePage unless the page can be written to ``path``."""
    def unwritable(reason: str) -> UnwritablePage:
        return UnwritablePage(f"{path}: cannot write the comparison page there: {reason}")

    if path.is_dir():
        raise unwritable("it is a folder; -o takes the HTML file to write, "
                         "e.g. -o comparison.html")
    if path.exists() and not path.is_file():
        raise unwritable("it exists and is not a regular file")
    folder = path.parent
    if not folder.exists():
        raise unwritable(f"the folder {folder} does not exist")
    if not folder.is_dir():
        raise unwritable(f"{folder} is not a folder")
    if not os.access(folder, os.W_OK | os.X_OK):
        raise unwritable(f"no permission to write in {folder}")
    if path.resolve() == (outdir / "comparison").resolve():
        raise unwritable("that is the folder of the comparison table; "
                         "e.g. -o comparison.html")


def write_page(path: Path, text: str) -> None:
    """Write the page atomically; an existing page keeps its permissions."""
    with replacing(path) as tmp:
        tmp.write_text(text, encoding="utf-8")


def load_tables(outdir: Path) -> tuple[list[dict], list[dict], list[dict]]:
    check_outdir(outdir)
    try:
        return tuple(read_table(outdir, name).to_pylist()
                     for name in ("reports", "goals", "activities"))
    except SchemaVersionError as e:
        raise NotAnOutputFolder(f"{e}; extract again into a new folder") from e


def report_order(report: dict) -> tuple:
    return (report["year"] if report["year"] is not None else 0,
            PERIOD_RANK.get(report["period"] or "", 9), report["kind"] or "",
            report["source_file"] or "", report["report_id"])


def period_label(report: dict) -> str:
    year = str(report["year"]) if report["year"] is not None else "?"
    if report["period"]:
        label = f"{year} {report['period']}"
        return label if report["kind"] in (None, "tertial") else f"{label} {report['kind']}"
    return f"{year} {report['kind'] or ''}".strip()


def goal_key_of(goal: dict) -> str:
    """The goal's key; goals written before keys existed get one per report and number."""
    return goal["goal_key"] or f"utan-nyckel-{goal['report_id'][:8]}-{goal['number'] or goal['title']}"


def comparison_rows(reports: list[dict], goals: list[dict], activities: list[dict]) -> list[dict]:
    by_id = {r["report_id"]: r for r in reports}
    counts: dict[tuple, Counter] = defaultdict(Counter)
    for a in activities:
        counts[_goal_of(a["report_id"], a["goal_key"], a["goal_number"])][
            a["status"] or "no_status"] += 1
    rows = []
    for g in goals:
        r = by_id.get(g["report_id"])
        if r is None:  # a report being rewritten: its goals are not whole yet
            continue
        c = counts.get(_goal_of(g["report_id"], g["goal_key"], g["number"]), Counter())
        row = {
            "goal_key": goal_key_of(g), "report_id": g["report_id"],
            "municipality": r["municipality"], "year": r["year"], "period": r["period"],
            "kind": r["kind"], "period_label": period_label(r), "level": g["level"],
            "number": g["number"], "title": g["title"], "assessment": g["assessment"],
            "n_activities": sum(c.values()), "n_no_status": c["no_status"],
        }
        row.update({f"n_{s}": c[s] for s in COMPARISON_STATUSES})
        rows.append(row)
    order = {r["report_id"]: report_order(r) for r in reports}
    rows.sort(key=lambda row: (row["municipality"] or "", order[row["report_id"]],
                               _number_order(row["number"]), row["goal_key"]))
    return rows


def _goal_of(report_id: str, goal_key: str | None, number: str | None) -> tuple:
    """Which goal of a report an activity belongs to: by key, by number before keys existed."""
    return (report_id, "key", goal_key) if goal_key else (report_id, "number", number)


def _number_order(number: str | None) -> tuple:
    return tuple(int(n) for n in re.findall(r"\d+", number or "")) or (10**6,)


def build_series(reports, rows, activities) -> list[Series]:
    groups: dict[tuple, list[dict]] = defaultdict(list)
    for r in reports:
        groups[(r["municipality"] or "", r["body"] or "")].append(r)
    out = []
    for (muni, body), members in sorted(groups.items()):
        members.sort(key=report_order)
        columns = _columns(members)
        ids = [c.report_id for c in columns]
        series_rows = [row for row in rows if row["report_id"] in set(ids)]
        acts = [a for a in activities if a["report_id"] in set(ids)]
        worsened, n_pairs, n_compared = _worsened(columns, acts, series_rows)
        out.append(Series(
            municipality=muni or None, body=body or None, columns=columns,
            goals=_goal_lines(columns, series_rows),
            status_counts=[Counter(a["status"] or "no_status" for a in acts
                                   if a["report_id"] == rid) for rid in ids],
            worsened=worsened, year_changes=_year_changes(columns, series_rows),
            n_report_pairs=n_pairs, n_compared=n_compared))
    return out


def _columns(members: list[dict]) -> list[Column]:
    labels = Counter(period_label(r) for r in members)
    cols = []
    for r in members:
        label = period_label(r)
        if labels[label] > 1:  # two reports of one period: tell them apart by file
            label = f"{label} ({Path(r['source_file'] or r['report_id'][:8]).stem})"
        cols.append(Column(r["report_id"], label, r["year"], r["period"], r["kind"],
                           r["source_file"]))
    return cols


def _goal_lines(columns: list[Column], rows: list[dict]) -> list[GoalLine]:
    index = {c.report_id: i for i, c in enumerate(columns)}
    cells: dict[str, list] = {}
    latest: dict[str, dict] = {}
    for row in rows:
        key = row["goal_key"]
        cells.setdefault(key, [None] * len(columns))[index[row["report_id"]]] = row
        if key not in latest or index[row["report_id"]] >= index[latest[key]["report_id"]]:
            latest[key] = row
    lines = [GoalLine(k, latest[k]["level"], latest[k]["title"], cells[k], latest[k]["number"])
             for k in cells]
    # Goals of the latest report first, in its order; goals dropped earlier below them.
    lines.sort(key=lambda line: (-index[latest[line.goal_key]["report_id"]],
                                 _number_order(latest[line.goal_key]["number"]), line.title))
    return lines


def plan_year(activity: dict, column: Column) -> int | None:
    """The plan year an activity belongs to: ``activities.plan_year``, or, where that
    is null (outputs written before it was filled), the year of its report."""
    year = activity.get("plan_year")
    return year if year is not None else column.year


def _worsened(columns, acts, rows) -> tuple[list[Worsened], int, int]:
    """Activities whose status rose in severity between consecutive reports of one kind.

    An activity is compared only within one plan year (``plan_year``): the same
    activity_key in next year's plan is a new instance of it, not the same one
    going worse. An activity of unknown plan year is not compared. Returns the
    worsened activities, the number of report pairs and of activity comparisons."""
    titles = {(row["report_id"], row["goal_key"]): row["title"] for row in rows}
    numbers = {(row["report_id"], row["goal_key"]): row["number"] for row in rows}
    by_kind: dict[str, list[Column]] = defaultdict(list)
    for c in columns:
        by_kind[c.kind or ""].append(c)
    by_report: dict[str, dict[str, dict]] = defaultdict(dict)
    for a in acts:
        if a["activity_key"]:
            by_report[a["report_id"]][a["activity_key"]] = a
    out, n_pairs, n_compared = [], 0, 0
    for series in by_kind.values():
        for before, after in zip(series, series[1:]):
            n_pairs += 1
            earlier = by_report.get(before.report_id, {})
            for key, a in by_report.get(after.report_id, {}).items():
                prev = earlier.get(key)
                if prev is None:
                    continue
                year = plan_year(a, after)
                if year is None or plan_year(prev, before) != year:
                    continue
                n_compared += 1
                old, new = prev["status"], a["status"]
                if old in STATUS_SEVERITY and new in STATUS_SEVERITY \
                        and STATUS_SEVERITY[new] > STATUS_SEVERITY[old]:
                    goal = (after.report_id, a["goal_key"])
                    out.append(Worsened(key, a["title"], titles.get(goal, ""), before, after,
                                        old, new, year, numbers.get(goal)))
    return out, n_pairs, n_compared


def _year_changes(columns: list[Column], rows: list[dict]) -> list[YearChange]:
    """Goals that appear, disappear or change wording from one year to the next.

    A goal found in one of two consecutive years only is judged against the other
    year's reports that could have held it: reports of a kind the goal is reported
    in, or reports with any goal of the goal's level. If the other year has none
    (a supervision report, kind ``uppsikt``, holds no KF goals, so next year's
    tertial KF goals are not new against it), the goal is neither new nor gone but
    listed in ``not_comparable``. Only reports with goals count: an empty report
    could hold anything and says nothing."""
    order = {c.report_id: i for i, c in enumerate(columns)}
    by_year: dict[int, dict[str, list[dict]]] = defaultdict(lambda: defaultdict(list))
    for row in rows:
        if row["year"] is not None:
            by_year[row["year"]][row["goal_key"]].append(row)
    held = {year: ({r["kind"] for rs in goals.values() for r in rs},
                   {r["level"] for rs in goals.values() for r in rs})
            for year, goals in by_year.items()}

    def could_hold(year: int, goal_rows: list[dict]) -> bool:
        kinds, levels = held[year]
        return any(r["kind"] in kinds or r["level"] in levels for r in goal_rows)

    years = sorted(by_year)
    out = []
    for y1, y2 in zip(years, years[1:]):
        old, new = by_year[y1], by_year[y2]
        change = YearChange(y1, y2)
        first = {k: min(v, key=lambda r: order[r["report_id"]]) for k, v in new.items()}
        last = {k: max(v, key=lambda r: order[r["report_id"]]) for k, v in old.items()}
        only_new = [k for k in new if k not in old]
        only_old = [k for k in old if k not in new]
        change.appeared = sorted(((k, first[k]["title"]) for k in only_new
                                  if could_hold(y1, new[k])),
                                 key=lambda t: _number_order(first[t[0]]["number"]))
        change.disappeared = sorted(((k, last[k]["title"]) for k in only_old
                                     if could_hold(y2, old[k])),
                                    key=lambda t: _number_order(last[t[0]]["number"]))
        change.reworded = [(k, last[k]["title"], first[k]["title"]) for k in sorted(
            set(old) & set(new), key=lambda k: _number_order(first[k]["number"]))
            if fold(last[k]["title"] or "") != fold(first[k]["title"] or "")]
        change.not_comparable = (
            [(k, last[k]["title"], y1) for k in sorted(
                only_old, key=lambda k: _number_order(last[k]["number"]))
             if not could_hold(y2, old[k])]
            + [(k, first[k]["title"], y2) for k in sorted(
                only_new, key=lambda k: _number_order(first[k]["number"]))
               if not could_hold(y1, new[k])])
        out.append(change)
    return out
