"""Figures worked out from the gold annotations alone (their goal and activity keys,
assessments and statuses), for the tests that check the README's recipes and the
notebook against them: no code of the program's is used here."""
from __future__ import annotations

import json
from collections import defaultdict

from conftest import GOLD

SCORE = {"uppfyllt": 3, "delvis_uppfyllt": 2, "knappt_uppfyllt": 1, "ej_uppfyllt": 0}
PERIOD_RANK = {None: 0, "T1": 1, "T2": 2, "T3": 3}


def gold_reports():
    for path in sorted(GOLD.glob("*.json")):
        yield json.loads(path.read_text(encoding="utf-8"))


def gold_worse() -> set[tuple[str, int, str]]:
    """(municipality, year, goal title) of goals whose last assessment of a year is
    worse than the last one of the year before, followed by the gold's goal keys."""
    last: dict = {}
    for r in gold_reports():
        meta = r["report"]
        for g in r["goals"]:
            if g.get("assessment") not in SCORE:
                continue
            key = (meta["municipality"], g["goal_key"], meta["year"])
            rank = PERIOD_RANK[meta["period"]]
            if key not in last or rank >= last[key][0]:
                last[key] = (rank, SCORE[g["assessment"]], g["title"])
    return {(m, y, title) for (m, k, y), (_, score, title) in last.items()
            if (m, k, y - 1) in last and score < last[(m, k, y - 1)][1]}


def gold_flows() -> tuple[int, int]:
    """(activities followed from one report to the next of a plan year, of them changed),
    both with a status in both reports; reports without a period left out."""
    seen = defaultdict(list)
    for r in gold_reports():
        meta = r["report"]
        if meta["period"] is None:
            continue
        for g in r["goals"]:
            for a in g.get("activities", []):
                seen[(meta["municipality"], a["activity_key"], meta["year"])].append(
                    (PERIOD_RANK[meta["period"]], a.get("status")))
    pairs = [(s0, s1) for v in seen.values() for (_, s0), (_, s1) in zip(sorted(v), sorted(v)[1:])
             if s0 and s1]
    return len(pairs), sum(1 for s0, s1 in pairs if s0 != s1)
