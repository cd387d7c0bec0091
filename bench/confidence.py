"""Do the wrong rows rank among the least confident? The rank figure of issue 14.

    python bench/confidence.py [--sets scan300 badlayer scan200 digital ...] [--workers N]

Extracts each sample set with ``malrapport extract`` into a temporary folder (the
held-out sets are scanned on the fly, as ``bench/accuracy.py`` does), matches its
goals and activities to the gold with ``malrapport/evaluate.py``'s own matching, and
counts the wrong fields of each predicted row: a field of a matched goal or
activity that differs from the gold, and every field of a predicted row that
matches no gold item (an extra). Goals and activities are pooled and sorted by
``confidence``, least sure first; among rows of equal confidence the rows with
fewer wrong fields come first, so that a tie can only lower the figure. It prints,
per set and overall, the number of wrong fields and the share of them in the 10%
least confident rows (``share@10%``), and the same counting also the fields of gold
items no prediction matched (``missing``: they have no row, so they lower the
figure: ``share@10% with missing``).
"""
from __future__ import annotations

import argparse
import math
import subprocess
import sys
import tempfile
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))

from accuracy import SETS as ACCURACY_SETS
from accuracy import _scanned

from malrapport.evaluate import (
    ACTIVITY_FIELDS,
    GOAL_FIELDS,
    _match_by_title,
    _match_goals,
    _optional_seen,
    _resolve_parent_ordinals,
    _Scorer,
    _under,
    load_gold,
)
from malrapport.schemas.tables import read_table

SHARE = 0.10
SETS = {name: ACCURACY_SETS[name] for name in
        ("scan300", "badlayer", "scan200", "digital", "holdout scan300", "holdout2 scan300")}
DEFAULT_SETS = ("scan300", "badlayer", "scan200", "digital")


@dataclass
class RankedRow:
    table: str  # goals | activities
    report: str  # the gold file's stem
    confidence: float
    reasons: tuple[str, ...]
    wrong: int  # wrong fields of the row
    fields: tuple[str, ...] = ()  # which
    label: str = ""
    diffs: tuple[tuple, ...] = ()  # (field, gold, found) of each wrong field
    page: int | None = None
    box: tuple | None = None


@dataclass
class SetResult:
    rows: list[RankedRow]
    missing: int  # fields of gold items that no row matched


def _wrong_fields(scorer: _Scorer, table: str, names, gold: dict | None,
                  pred: dict) -> tuple[tuple, ...]:
    """The fields of ``pred`` that ``evaluate`` counts wrong against ``gold`` (all of
    them for an extra row), found by letting its scorer score the one row."""
    before = len(scorer.s.diffs), scorer.s.pred_fields, scorer.s.correct_fields
    scorer.fields(table, names, gold, pred)
    compared = scorer.s.pred_fields - before[1]
    wrong = compared - (scorer.s.correct_fields - before[2])
    if gold is None:
        return tuple((f"{table} extra", None, pred.get("title")) for _ in range(wrong))
    return tuple((d[0], d[2], d[3]) for d in scorer.s.diffs[before[0]:])


def _gold_fields(scorer: _Scorer, table: str, names, gold: dict) -> int:
    before = scorer.s.gold_fields
    scorer.fields(table, names, gold, None)
    return scorer.s.gold_fields - before


def rank_rows(reports: list[dict], goals: list[dict], activities: list[dict],
              gold_dir: Path, stems: set[str] | None = None) -> SetResult:
    """Every predicted goal and activity of the reports that have a gold file, with
    its confidence and its wrong fields; and the fields of unmatched gold items.
    ``stems``: the gold files of these reports only (the set's PDFs), else all."""
    rows: list[RankedRow] = []
    missing = 0
    by_stem = {Path(r["source_file"]).stem: r for r in reports}
    for gold_file in sorted(Path(gold_dir).glob("*.json")):
        if stems is not None and gold_file.stem not in stems:
            continue
        report = by_stem.get(gold_file.stem)
        gold = load_gold(gold_file)
        scorer = _Scorer()
        scorer.optional_seen = _optional_seen(gold)
        stem = gold_file.stem
        rid = report["report_id"] if report else None
        pred_goals = [dict(g, parent=g["parent_number"]) for g in goals if g["report_id"] == rid]
        gold_goals = gold.get("goals", [])
        pairs = _match_goals(gold_goals, pred_goals)
        _resolve_parent_ordinals(gold_goals, pred_goals, pairs)
        gold_of = {p: g for g, p in pairs}

        def add(table, names, g, p, scorer=scorer, stem=stem):
            wrong = _wrong_fields(scorer, table, names, g, p)
            rows.append(RankedRow(table, stem, float(p["confidence"]), tuple(p["reasons"] or ()),
                                  len(wrong), tuple(w[0] for w in wrong),
                                  (p.get("number") or "") + " " + (p.get("title") or "")[:40], wrong,
                                  p.get("page"), tuple(p["box"]) if p.get("box") else None))

        for pi, pg in enumerate(pred_goals):
            g = gold_goals[gold_of[pi]] if pi in gold_of else None
            add("goals", GOAL_FIELDS, g, pg)
            pred_acts = _under(activities, rid, pg)
            gold_acts = g.get("activities", []) if g is not None else []
            act_pairs = {p: q for q, p in _match_by_title(gold_acts, pred_acts)}
            for ai, pa in enumerate(pred_acts):
                add("activities", ACTIVITY_FIELDS,
                    gold_acts[act_pairs[ai]] if ai in act_pairs else None, pa)
            matched_gold = set(act_pairs.values())
            missing += sum(_gold_fields(scorer, "activities", ACTIVITY_FIELDS, a)
                           for i, a in enumerate(gold_acts) if i not in matched_gold)
        for gi, g in enumerate(gold_goals):
            if gi not in dict(pairs):
                missing += _gold_fields(scorer, "goals", GOAL_FIELDS, g)
                missing += sum(_gold_fields(scorer, "activities", ACTIVITY_FIELDS, a)
                               for a in g.get("activities", []))
    return SetResult(rows, missing)


def least_confident(rows: list[RankedRow], share: float = SHARE) -> list[RankedRow]:
    """The ``share`` least confident rows (at least one); equal confidences put the
    rows with fewer wrong fields first, then by report and label: deterministic,
    and never in the figure's favour."""
    order = sorted(rows, key=lambda r: (r.confidence, r.wrong, r.report, r.table, r.label))
    return order[:max(1, math.floor(share * len(rows)))] if rows else []


def figure(result: SetResult, share: float = SHARE) -> dict:
    wrong = sum(r.wrong for r in result.rows)
    low = least_confident(result.rows, share)
    caught = sum(r.wrong for r in low)
    return {"rows": len(result.rows), "low_rows": len(low), "wrong": wrong, "caught": caught,
            "share": caught / wrong if wrong else None, "missing": result.missing,
            "share_missing": caught / (wrong + result.missing) if wrong + result.missing else None,
            "wrong_rows": sum(1 for r in result.rows if r.wrong)}


def read_outdir(out: Path) -> tuple[list[dict], list[dict], list[dict]]:
    return (read_table(out, "reports").to_pylist(), read_table(out, "goals").to_pylist(),
            read_table(out, "activities").to_pylist())


def extract_set(name: str, tmp: Path, workers: str) -> tuple[Path, set[str]]:
    """The set extracted into ``tmp/out``, and the stems of its PDFs."""
    folder, _gold, flags, scan = SETS[name]
    if scan:
        folder = _scanned(folder, tmp / "scans")
    out = tmp / "out"
    ex = subprocess.run(["malrapport", "extract", str(folder), "-o", str(out), "--quiet",
                         "--workers", workers, *flags], capture_output=True, text=True,
                        check=False)
    if ex.returncode not in (0, 3):
        raise SystemExit(f"extract {folder} failed:\n{ex.stderr}")
    return out, {p.stem for p in folder.glob("*.pdf")}


def _fmt(x) -> str:
    return "–" if x is None else f"{x:.3f}"


def print_row(name: str, f: dict) -> None:
    print(f"| {name} | {f['rows']} | {f['low_rows']} | {f['wrong']} | {f['wrong_rows']} "
          f"| {f['caught']} | **{_fmt(f['share'])}** | {f['missing']} | {_fmt(f['share_missing'])} |",
          flush=True)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sets", nargs="+", default=list(DEFAULT_SETS), choices=list(SETS))
    ap.add_argument("--workers", default="2")
    ap.add_argument("--show", action="store_true",
                    help="list the rows with wrong fields and the least confident rows")
    ap.add_argument("--outdir", type=Path, action="append", default=[],
                    help="score this already extracted OUTDIR instead (with --gold)")
    ap.add_argument("--gold", type=Path, help="gold folder for --outdir")
    args = ap.parse_args()
    print("| set | rows | 10% rows | wrong fields | wrong rows | in the 10% | share@10% "
          "| missing | share@10% with missing |")
    print("| --- | --- | --- | --- | --- | --- | --- | --- | --- |")
    pooled: list[RankedRow] = []
    pooled_missing = 0
    runs = ([(str(o), o, args.gold) for o in args.outdir] if args.outdir else
            [(name, None, SETS[name][1]) for name in args.sets])
    for name, out, gold in runs:
        with tempfile.TemporaryDirectory() as tmp:
            stems = None
            if out is None:
                out, stems = extract_set(name, Path(tmp), args.workers)
            result = rank_rows(*read_outdir(out), gold, stems)
        print_row(name, figure(result))
        if args.show:
            _show(result)
        if not name.startswith("digital"):
            pooled += result.rows
            pooled_missing += result.missing
    if len(runs) > 1:
        print_row("all but digital (pooled)", figure(SetResult(pooled, pooled_missing)))
    return 0


def _show(result: SetResult) -> None:
    low = {id(r) for r in least_confident(result.rows)}
    for r in sorted(result.rows, key=lambda r: (r.confidence, r.wrong)):
        if r.wrong or id(r) in low:
            mark = "*" if id(r) in low else " "
            print(f"  {mark} {r.confidence:.3f} {r.wrong} {r.report:<22} {r.table:<10} "
                  f"{r.label[:44]:<44} {','.join(r.reasons)} | {dict(Counter(r.fields))}")


if __name__ == "__main__":
    sys.exit(main())
