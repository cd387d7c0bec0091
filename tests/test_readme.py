"""Every analysis snippet in the README runs as it stands on a real OUTDIR of the
samples, and gives the figures worked out by hand from the gold annotations
(goal and activity keys, assessments and statuses as the gold gives them)."""
from __future__ import annotations

import os
import re
import shutil

import pandas as pd
import pytest

from conftest import ROOT, run_cli
from gold_figures import gold_flows, gold_reports, gold_worse



def readme_snippets() -> list[str]:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    return re.findall(r"```python\n(.*?)```", text, re.S)  # every Python block: all are analysis


@pytest.fixture(scope="module")
def snippets(digital_out, tmp_path_factory):
    """The namespace of each README snippet, run in order in a folder whose `out/`
    is a copy of the digital samples' OUTDIR with its comparison written."""
    work = tmp_path_factory.mktemp("readme")
    shutil.copytree(digital_out, work / "out")
    run_cli("compare", work / "out", "-o", work / "c.html")
    here = os.getcwd()
    os.chdir(work)
    try:
        results = []
        namespace: dict = {}
        for code in readme_snippets():
            exec(compile(code, "README.md", "exec"), namespace)
            results.append(dict(namespace))
        return results
    finally:
        os.chdir(here)


def test_the_readme_has_the_snippets_this_test_checks():
    codes = readme_snippets()
    assert len(codes) == 5
    assert "per_status" in codes[0] and "worse" in codes[1] and "changed" in codes[2]
    assert "duckdb" in codes[3] and "grid_sql" in codes[4]


def test_activities_per_status_keep_the_reports_without_a_period(snippets):
    ns = snippets[0]
    acts = [(r["report"]["period"], a) for r in gold_reports()
            for g in r["goals"] for a in g.get("activities", [])]
    assert ns["per_status"].sum() == len(acts) == 279
    no_period = ns["per_status"][ns["per_status"].index.get_level_values("period").isna()]
    assert no_period.sum() == sum(1 for period, _ in acts if period is None) == 80
    # `title` is the activity's (the merge took no report title), the label is Swedish
    assert "Lekplats Fränsta" in set(ns["acts"].title)
    assert "Pågående enligt plan" in set(ns["acts"].status_label.dropna())
    # dates are dates: .dt works, and the years are those the gold gives
    gold_years = pd.Series([int(a["end_date"][:4]) for _, a in acts if a.get("end_date")])
    assert ns["ends_per_year"].sort_index().to_dict() == \
        gold_years.value_counts().sort_index().to_dict()


def _worse_rows(frame: pd.DataFrame) -> set[tuple[str, int, str]]:
    return {(r.municipality, int(r.year), r.title) for r in frame.itertuples()}


def test_goals_assessed_worse_than_last_year_in_pandas_and_duckdb(snippets):
    expected = gold_worse()
    assert len(expected) == 8
    assert sum(1 for m, y, _ in expected if m == "Ånge kommun" and y in (2024, 2025)) == 5
    assert _worse_rows(snippets[1]["worse"]) == expected
    assert _worse_rows(snippets[3]["worse"]) == expected


def test_status_changes_within_a_plan_year_in_pandas_and_duckdb(snippets):
    assert gold_flows()[1] == 27
    pandas_changed, sql_changed = snippets[2]["changed"], snippets[3]["changed"]
    assert len(pandas_changed) == len(sql_changed) == 27
    assert set(zip(pandas_changed.title, pandas_changed.status)) == \
        set(zip(sql_changed.title, sql_changed.status))
    # an activity in the plans of two years is two instances: nothing across years
    assert set(pandas_changed.plan_year) == {2023, 2025}


def test_the_pandas_and_duckdb_grids_agree_on_every_cell(snippets):
    grid, grid_sql = snippets[4]["grid"], snippets[4]["grid_sql"].set_index("goal_key")
    ange_keys = {g["goal_key"] for r in gold_reports() if r["report"]["municipality"] == "Ånge kommun"
                 for g in r["goals"]}
    ange_reports = sum(1 for r in gold_reports() if r["report"]["municipality"] == "Ånge kommun")
    assert grid.shape == (len(ange_keys), ange_reports) == (54, 8)
    assert grid_sql.shape == grid.shape
    sql = grid_sql.loc[list(grid.index), list(grid.columns)]
    cells = grid.astype(object).where(grid.notna(), None).to_numpy()
    assert (cells == sql.astype(object).where(sql.notna(), None).to_numpy()).all()
    # a cell checked by hand: "Ånge kommun ska utveckla arbetet med jämställdhet."
    # was delvis uppfyllt at the end of 2024 and ej uppfyllt in tertial 2 2025
    ange = snippets[4]["ange"]
    key = ange[ange.title == "Ånge kommun ska utveckla arbetet med jämställdhet."].goal_key.iloc[0]
    assert (grid.loc[key, "2024 T3"], grid.loc[key, "2025 T2"]) == ("delvis_uppfyllt", "ej_uppfyllt")
