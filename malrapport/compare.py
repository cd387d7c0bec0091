"""Cross-report comparison: OUTDIR tables → ``OUTDIR/comparison/`` and an HTML page.

One comparison row per goal_key and report: where the goal stood (number, title,
assessment) and how many of its activities had each status. The page built from
the same data (``compare_html``) shows, per municipality and reporting body:
goals × periods coloured by assessment, activity statuses per period, activities
whose status got worse between consecutive reports of one kind, and goals that
appeared, disappeared or were reworded between years.
"""
from __future__ import annotations

import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from malrapport.extract.errors import UsageError
from malrapport.normalize.labels import fold
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


@dataclass
class Worsened:
    activity_key: str
    title: str
    goal_title: str
    before: Column
    after: Column
    status_before: str
    status_after: str


@dataclass
class YearChange:
    from_year: int
    to_year: int
    appeared: list[tuple[str, str]] = field(default_factory=list)  # (goal_key, title)
    disappeared: list[tuple[str, str]] = field(default_factory=list)
    reworded: list[tuple[str, str, str]] = field(default_factory=list)  # (key, old, new)


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


def compare(outdir: Path, out_html: Path) -> list[Series]:
    """Write ``OUTDIR/comparison/`` and the HTML page; return what the page shows."""
    from malrapport.compare_html import render_page

    outdir = Path(outdir)
    reports, goals, activities = load_tables(outdir)
    rows = comparison_rows(reports, goals, activities)
    write_table_file(outdir, "comparison", "comparison", rows_to_table("comparison", rows))
    series = build_series(reports, rows, activities)
    Path(out_html).write_text(render_page(series, outdir), encoding="utf-8")
    return series


def load_tables(outdir: Path) -> tuple[list[dict], list[dict], list[dict]]:
    if not outdir.is_dir():
        raise NotAnOutputFolder(f"{outdir}: no such folder")
    if not table_files(outdir, "reports"):
        raise NotAnOutputFolder(
            f"{outdir}: not a malrapport output folder (no reports/*.parquet); "
            f"run `malrapport extract PDF... -o {outdir}` first")
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
        out.append(Series(
            municipality=muni or None, body=body or None, columns=columns,
            goals=_goal_lines(columns, series_rows),
            status_counts=[Counter(a["status"] or "no_status" for a in acts
                                   if a["report_id"] == rid) for rid in ids],
            worsened=_worsened(columns, acts, series_rows),
            year_changes=_year_changes(columns, series_rows)))
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
    lines = [GoalLine(k, latest[k]["level"], latest[k]["title"], cells[k]) for k in cells]
    # Goals of the latest report first, in its order; goals dropped earlier below them.
    lines.sort(key=lambda line: (-index[latest[line.goal_key]["report_id"]],
                                 _number_order(latest[line.goal_key]["number"]), line.title))
    return lines


def _worsened(columns, acts, rows) -> list[Worsened]:
    """Activities whose status rose in severity between consecutive reports of one kind."""
    titles = {(row["report_id"], row["goal_key"]): row["title"] for row in rows}
    by_kind: dict[str, list[Column]] = defaultdict(list)
    for c in columns:
        by_kind[c.kind or ""].append(c)
    status: dict[tuple, dict] = {}
    for a in acts:
        if a["activity_key"]:
            status[(a["report_id"], a["activity_key"])] = a
    out = []
    for series in by_kind.values():
        for before, after in zip(series, series[1:]):
            for (rid, key), a in status.items():
                if rid != after.report_id or (before.report_id, key) not in status:
                    continue
                old = status[(before.report_id, key)]["status"]
                new = a["status"]
                if old in STATUS_SEVERITY and new in STATUS_SEVERITY \
                        and STATUS_SEVERITY[new] > STATUS_SEVERITY[old]:
                    out.append(Worsened(key, a["title"], titles.get((rid, a["goal_key"]), ""),
                                        before, after, old, new))
    return out


def _year_changes(columns: list[Column], rows: list[dict]) -> list[YearChange]:
    """Goals that appear, disappear or change wording from one year to the next."""
    order = {c.report_id: i for i, c in enumerate(columns)}
    by_year: dict[int, dict[str, list[dict]]] = defaultdict(lambda: defaultdict(list))
    for row in rows:
        if row["year"] is not None:
            by_year[row["year"]][row["goal_key"]].append(row)
    years = sorted(by_year)
    out = []
    for y1, y2 in zip(years, years[1:]):
        old, new = by_year[y1], by_year[y2]
        change = YearChange(y1, y2)
        first = {k: min(v, key=lambda r: order[r["report_id"]]) for k, v in new.items()}
        last = {k: max(v, key=lambda r: order[r["report_id"]]) for k, v in old.items()}
        change.appeared = sorted(((k, first[k]["title"]) for k in new if k not in old),
                                 key=lambda t: _number_order(first[t[0]]["number"]))
        change.disappeared = sorted(((k, last[k]["title"]) for k in old if k not in new),
                                    key=lambda t: _number_order(last[t[0]]["number"]))
        change.reworded = [(k, last[k]["title"], first[k]["title"]) for k in sorted(
            set(old) & set(new), key=lambda k: _number_order(first[k]["number"]))
            if fold(last[k]["title"] or "") != fold(first[k]["title"] or "")]
        out.append(change)
    return out
