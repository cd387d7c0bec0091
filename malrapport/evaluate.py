"""Score an output folder against gold annotations (CONTRACT.md).

Goals are matched by number (else by title), activities within a matched goal
by title, measures by name. Every gold field is one item of a micro-averaged
F1: a field is correct when the matched prediction has the same value (text
compared with white space folded); fields of unmatched gold items are misses,
fields of unmatched predictions are false alarms. The fields of schema 2
(``OPTIONAL_FIELDS``) are scored where the gold gives them. A goal's
``parent_ordinal`` is compared through the matching: the predicted parent must
be the goal matched to the gold parent.

``gold_from_report`` goes the other way: a report of OUTDIR (reviewed, and extracted
again with ``--corrections``) as a gold annotation, which names its report_id so
that evaluate finds the report whatever the gold file is called.
"""
from __future__ import annotations

import datetime as dt
import json
import unicodedata
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from rapidfuzz import fuzz

from malrapport.normalize.labels import fold
from malrapport.schemas.tables import read_table

REPORT_FIELDS = ("municipality", "body", "title", "kind", "year", "period")
GOAL_FIELDS = ("number", "level", "parent", "area", "title", "assessment", "comment")
ACTIVITY_FIELDS = ("title", "description", "status", "start_date", "end_date", "comment")
MEASURE_FIELDS = ("name", "target", "outcome", "unit")
# Scored only where the gold has the key (families C, D and E need them).
OPTIONAL_FIELDS = {
    "reports": ("profile",),
    "goals": ("parent_ordinal",),
    "activities": ("responsible", "end_date_raw"),
    "measures": ("previous_outcome", "trend"),
}
TITLE_MATCH = 80


@dataclass
class Counts:
    gold: int = 0
    pred: int = 0
    matched: int = 0

    def prf(self) -> tuple[float, float, float]:
        p = self.matched / self.pred if self.pred else (1.0 if not self.gold else 0.0)
        r = self.matched / self.gold if self.gold else 1.0
        return p, r, (2 * p * r / (p + r) if p + r else 0.0)


@dataclass
class Scores:
    tables: dict[str, Counts] = field(default_factory=lambda: defaultdict(Counts))
    fields: dict[str, list[int]] = field(default_factory=lambda: defaultdict(lambda: [0, 0]))
    gold_fields: int = 0
    pred_fields: int = 0
    correct_fields: int = 0
    missing_reports: list[str] = field(default_factory=list)
    diffs: list[tuple[str, str, object, object]] = field(default_factory=list)  # key, where, gold, found

    @property
    def field_f1(self) -> float:
        p = self.correct_fields / self.pred_fields if self.pred_fields else 0.0
        r = self.correct_fields / self.gold_fields if self.gold_fields else 0.0
        return 2 * p * r / (p + r) if p + r else 0.0


def _norm(value):
    if value is None:
        return None
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()[:10]
    if isinstance(value, float) and value != value:  # NaN
        return None
    text = unicodedata.normalize("NFC", " ".join(str(value).split()))
    return text or None


class _Scorer:
    def __init__(self) -> None:
        self.s = Scores()
        self.where = ""
        self.optional_seen: dict[str, set[str]] = {}  # optional fields this gold file has

    def fields(self, table: str, names, gold: dict | None, pred: dict | None) -> None:
        extra = [n for n in OPTIONAL_FIELDS.get(table, ()) if gold is None or n in gold]
        if gold is None and pred is not None:  # a false alarm: count only the fields gold keeps
            extra = [n for n in extra if n in self.optional_seen.get(table, set())]
        for name in (*names, *extra):
            key = f"{table}.{name}"
            if gold is not None:
                self.s.gold_fields += 1
            if pred is not None:
                self.s.pred_fields += 1
            if gold is not None and pred is not None:
                ok = _norm(gold.get(name)) == _norm(pred.get(name))
                if not ok:
                    where = f"{self.where} {gold.get('number') or gold.get('title') or gold.get('name') or ''}"
                    self.s.diffs.append((key, where.strip()[:60], gold.get(name), pred.get(name)))
                self.s.correct_fields += ok
                self.s.fields[key][0] += ok
                self.s.fields[key][1] += 1

    def items(self, table: str, names, gold: list[dict], pred: list[dict], pairs) -> None:
        counts = self.s.tables[table]
        counts.gold += len(gold)
        counts.pred += len(pred)
        counts.matched += len(pairs)
        used_g = {g for g, _ in pairs}
        used_p = {p for _, p in pairs}
        for g, p in pairs:
            self.fields(table, names, gold[g], pred[p])
        for g in sorted(set(range(len(gold))) - used_g):
            self.fields(table, names, gold[g], None)
            self.s.diffs.append((f"{table} missing", self.where, _label(gold[g]), None))
        for p in sorted(set(range(len(pred))) - used_p):
            self.fields(table, names, None, pred[p])
            self.s.diffs.append((f"{table} extra", self.where, None, _label(pred[p])))


def _label(item: dict) -> str:
    return " ".join(str(item.get(k)) for k in ("number", "title", "name") if item.get(k))


def _match_by_title(gold: list[dict], pred: list[dict], key: str = "title") -> list[tuple[int, int]]:
    scored = []
    for gi, g in enumerate(gold):
        for pi, p in enumerate(pred):
            score = fuzz.ratio(fold(g.get(key) or ""), fold(p.get(key) or ""))
            if score >= TITLE_MATCH:
                scored.append((-score, gi, pi))
    pairs, used_g, used_p = [], set(), set()
    for _, gi, pi in sorted(scored):
        if gi not in used_g and pi not in used_p:
            pairs.append((gi, pi))
            used_g.add(gi)
            used_p.add(pi)
    return pairs


def _match_goals(gold: list[dict], pred: list[dict]) -> list[tuple[int, int]]:
    by_number = {p.get("number"): i for i, p in enumerate(pred) if p.get("number")}
    pairs = [(gi, by_number[g["number"]]) for gi, g in enumerate(gold)
             if g.get("number") and g["number"] in by_number]
    used_g, used_p = {g for g, _ in pairs}, {p for _, p in pairs}
    rest_g = [i for i in range(len(gold)) if i not in used_g]
    rest_p = [i for i in range(len(pred)) if i not in used_p]
    extra = _match_by_title([gold[i] for i in rest_g], [pred[i] for i in rest_p])
    return pairs + [(rest_g[g], rest_p[p]) for g, p in extra]


def evaluate(outdir: Path, gold_dir: Path) -> Scores:
    reports = read_table(outdir, "reports").to_pylist()
    goals = read_table(outdir, "goals").to_pylist()
    activities = read_table(outdir, "activities").to_pylist()
    measures = read_table(outdir, "measures").to_pylist()
    scorer = _Scorer()
    by_stem = {Path(r["source_file"]).stem: r for r in reports}
    by_id = {r["report_id"]: r for r in reports}
    for gold_file in sorted(Path(gold_dir).glob("*.json")):
        gold = load_gold(gold_file)
        # a gold made from a report (gold_from_report) names it; others go by file name
        report = by_id.get(gold["report"].get("report_id")) or by_stem.get(gold_file.stem)
        scorer.where = gold_file.stem
        if report is None:
            scorer.s.missing_reports.append(gold_file.stem)
        try:
            _score_report(scorer, gold, report, goals, activities, measures)
        except (KeyError, TypeError, AttributeError, ValueError) as e:
            raise GoldError(f"{gold_file}: not a gold annotation evaluate can read "
                            f"(CONTRACT.md gives the form): {type(e).__name__}: {e}") from e
    return scorer.s


class GoldError(ValueError):
    """A gold file that is no gold annotation: not JSON, not of the contract's form."""


def load_gold(path: Path) -> dict:
    """One gold annotation; ``GoldError`` (one line) for anything else, a pipe or a
    file of gigabytes included."""
    from malrapport.extract.small_files import GOLD_LIMIT, read_text_file

    try:
        gold = json.loads(read_text_file(path, GOLD_LIMIT))
    except (OSError, UnicodeDecodeError) as e:
        raise GoldError(f"{path}: cannot read the gold annotation: {e}") from e
    except json.JSONDecodeError as e:
        raise GoldError(f"{path}: not valid JSON: {e}") from e
    if not isinstance(gold, dict) or not isinstance(gold.get("report"), dict) \
            or not isinstance(gold.get("goals", []), list):
        raise GoldError(f'{path}: not a gold annotation: it needs a "report" object and a '
                        f'"goals" list (CONTRACT.md gives the form)')
    return gold


def evaluate_report(outdir: Path, gold: dict, report_id: str) -> Scores:
    """One report of OUTDIR against one gold annotation, whatever its file's name: each
    report of a file that holds several (``<hash>-p<first page>``) against its own gold."""
    reports = [r for r in read_table(outdir, "reports").to_pylist() if r["report_id"] == report_id]
    scorer = _Scorer()
    scorer.where = report_id
    if not reports:
        scorer.s.missing_reports.append(report_id)
    _score_report(scorer, gold, reports[0] if reports else None,
                  read_table(outdir, "goals").to_pylist(),
                  read_table(outdir, "activities").to_pylist(),
                  read_table(outdir, "measures").to_pylist())
    return scorer.s


def _optional_seen(gold: dict) -> dict[str, set[str]]:
    """The optional fields a gold file uses, per table."""
    items = {"reports": [gold["report"]], "goals": gold.get("goals", []),
             "activities": [a for g in gold.get("goals", []) for a in g.get("activities", [])],
             "measures": [m for g in gold.get("goals", []) for m in g.get("measures", [])]}
    return {table: {n for n in OPTIONAL_FIELDS[table] if any(n in i for i in items[table])}
            for table in OPTIONAL_FIELDS}


def _under(items: list[dict], rid: str | None, goal: dict) -> list[dict]:
    """The activities or measures of a predicted goal: by its ordinal, else by its number."""
    if goal.get("ordinal") is not None:
        return [a for a in items if a["report_id"] == rid and a.get("goal_ordinal") == goal["ordinal"]]
    return [a for a in items if a["report_id"] == rid and a["goal_number"] == goal["number"]]


def _score_report(scorer: _Scorer, gold: dict, report: dict | None, goals, activities, measures):
    rid = report["report_id"] if report else None
    scorer.optional_seen = _optional_seen(gold)
    scorer.items("reports", REPORT_FIELDS, [gold["report"]], [report] if report else [],
                 [(0, 0)] if report else [])
    pred_goals = [dict(g, parent=g["parent_number"]) for g in goals if g["report_id"] == rid]
    gold_goals = gold.get("goals", [])
    pairs = _match_goals(gold_goals, pred_goals)
    _resolve_parent_ordinals(gold_goals, pred_goals, pairs)
    scorer.items("goals", GOAL_FIELDS, gold_goals, pred_goals, pairs)
    matched = dict(pairs)
    for gi, g in enumerate(gold_goals):
        pg = pred_goals[matched[gi]] if gi in matched else None
        for table, names, items, key in (("activities", ACTIVITY_FIELDS, activities, "title"),
                                         ("measures", MEASURE_FIELDS, measures, "name")):
            gold_items = g.get(table, [])
            pred_items = [] if pg is None else _under(items, rid, pg)
            scorer.items(table, names, gold_items, pred_items,
                         _match_by_title(gold_items, pred_items, key))
    unmatched = set(range(len(pred_goals))) - set(matched.values())
    for pi in unmatched:  # activities under goals that match no gold goal are false alarms
        pg = pred_goals[pi]
        for table, names, items in (("activities", ACTIVITY_FIELDS, activities),
                                    ("measures", MEASURE_FIELDS, measures)):
            scorer.items(table, names, [], _under(items, rid, pg), [])


def _resolve_parent_ordinals(gold_goals: list[dict], pred_goals: list[dict], pairs) -> None:
    """Predicted parent ordinals as gold ordinals: the gold goal matched to the predicted parent."""
    gold_of_pred = {p: g for g, p in pairs}
    pred_by_ordinal = {g.get("ordinal"): i for i, g in enumerate(pred_goals)}
    for goal in pred_goals:
        parent = pred_by_ordinal.get(goal.get("parent_ordinal"))
        if goal.get("parent_ordinal") is None:
            goal["parent_ordinal"] = None
        elif parent is not None and parent in gold_of_pred:
            goal["parent_ordinal"] = gold_of_pred[parent] + 1
        else:
            goal["parent_ordinal"] = -1  # a parent that matches no gold goal


def format_diffs(s: Scores) -> str:
    """Every field that differs from the gold: where, what the gold says, what was found."""
    return "\n".join(f"{key:<24} {where}\n    gold:  {gold!r}\n    found: {found!r}"
                     for key, where, gold, found in s.diffs)


def format_scores(s: Scores) -> str:
    out = []
    for table in ("reports", "goals", "activities", "measures"):
        c = s.tables[table]
        p, r, f = c.prf()
        out.append(f"{table:<11} P={p:.4f} R={r:.4f} F1={f:.4f}  (gold {c.gold}, found {c.pred}, "
                   f"matched {c.matched})")
    if s.missing_reports:
        out.append("missing reports: " + ", ".join(s.missing_reports))
    out.append("field accuracy over matched items:")
    for key in sorted(s.fields):
        ok, n = s.fields[key]
        out.append(f"  {key:<24} {ok / n:.4f}  ({ok}/{n})")
    out.append(f"field_f1={s.field_f1:.4f}")
    return "\n".join(out)


# --- a reviewed report as a gold annotation ------------------------------------------------

GOLD_GOAL_FIELDS = (*GOAL_FIELDS, *OPTIONAL_FIELDS["goals"])
GOLD_ACTIVITY_FIELDS = (*ACTIVITY_FIELDS, *OPTIONAL_FIELDS["activities"])
GOLD_MEASURE_FIELDS = (*MEASURE_FIELDS, *OPTIONAL_FIELDS["measures"])


class NoSuchReport(ValueError):
    """``--gold-from-corrections`` names a report_id OUTDIR does not hold."""


def gold_from_report(outdir: Path, report_id: str) -> tuple[dict, int]:
    """One report of OUTDIR as a gold annotation (CONTRACT.md's form, every field
    ``evaluate`` scores, and the report's id so that evaluate finds it whatever the
    gold file is called), and how many of its rows were reviewed (``source = review``).

    Made from a report whose rows a person corrected and confirmed on the review page
    (``malrapport extract --corrections``), it is a gold for the regression suite."""
    tables = {name: [r for r in read_table(outdir, name).to_pylist() if r["report_id"] == report_id]
              for name in ("reports", "goals", "activities", "measures")}
    if not tables["reports"]:
        raise NoSuchReport(f"{outdir}: no report {report_id!r} in it (reports.report_id)")
    report = tables["reports"][0]
    goals = sorted(tables["goals"], key=lambda g: g["ordinal"] or 0)
    position = {g["ordinal"]: i + 1 for i, g in enumerate(goals)}
    reviewed = sum(r.get("source") == "review" for r in (*goals, *tables["activities"]))
    out_goals = []
    for g in goals:
        item = {name: _json(g.get("parent_number" if name == "parent" else name))
                for name in GOLD_GOAL_FIELDS}
        item["parent_ordinal"] = position.get(g.get("parent_ordinal"))
        acts = sorted((a for a in tables["activities"] if a.get("goal_ordinal") == g["ordinal"]),
                      key=lambda a: a["ordinal"] or 0)
        item["activities"] = [{n: _json(a.get(n)) for n in GOLD_ACTIVITY_FIELDS} for a in acts]
        item["measures"] = [{n: _json(m.get(n)) for n in GOLD_MEASURE_FIELDS}
                            for m in tables["measures"] if m.get("goal_ordinal") == g["ordinal"]]
        out_goals.append(item)
    head = {name: _json(report.get(name)) for name in (*REPORT_FIELDS, *OPTIONAL_FIELDS["reports"])}
    head["report_id"] = report_id
    return {"report": head, "goals": out_goals}, reviewed


def _json(value):
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()[:10]
    if isinstance(value, float) and value != value:
        return None
    return value


def gold_file_name(outdir: Path, report_id: str) -> str:
    """``<pdf name>.json``: the name ``evaluate --gold DIR`` expects of a gold file."""
    rows = [r for r in read_table(outdir, "reports").to_pylist() if r["report_id"] == report_id]
    stem = Path(rows[0]["source_file"]).stem if rows else report_id
    return f"{stem}.json"
