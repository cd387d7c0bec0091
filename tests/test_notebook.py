"""docs/analysis.ipynb runs headless, as it stands, on a real OUTDIR of the digital
samples: no cell fails, both plots are drawn, and its figures are those worked out by
hand from the gold annotations. The committed file keeps its outputs, small and
without the temporary paths it was run on."""
from __future__ import annotations

import json
from collections import defaultdict

import nbformat
import pytest
from jupyter_client.kernelspec import KernelSpecManager
from jupyter_client.manager import AsyncKernelManager
from nbclient import NotebookClient

from conftest import GOLD, ROOT

NOTEBOOK = ROOT / "docs" / "analysis.ipynb"
PLOTS = ("plot-assessments", "plot-status-flows")
SCORE = {"uppfyllt": 3, "delvis_uppfyllt": 2, "knappt_uppfyllt": 1, "ej_uppfyllt": 0}
PERIOD_RANK = {None: 0, "T1": 1, "T2": 2, "T3": 3}

# Appended to the notebook: hands the notebook's key results back as one JSON line.
RESULTS_CELL = """
import json
print(json.dumps({
    "worse": [[r.municipality, int(r.year), r.title] for r in worse.itertuples()],
    "changed": len(changed),
    "flows": int(flow_matrix.to_numpy().sum()),
    "unchanged": int(sum(flow_matrix.loc[k, k] for k in flow_matrix.index if k in flow_matrix.columns)),
    "assessed": int(per_report.to_numpy().sum()),
    "reports_plotted": len(per_report),
}))
"""


def gold_reports():
    for path in sorted(GOLD.glob("*.json")):
        yield json.loads(path.read_text(encoding="utf-8"))


def gold_worse() -> set[tuple[str, int, str]]:
    """(municipality, year, goal title) of goals whose last assessment of a year is worse
    than the last one of the year before, followed by the gold's goal keys."""
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


def native_kernel() -> AsyncKernelManager:
    """ipykernel's own "python3" kernel in this interpreter. With no kernel folders to
    search, jupyter_client falls back to the kernel ipykernel provides (its RESOURCES,
    argv from sys.executable): nothing to install (`ipykernel install`), and a stale
    "python3" kernelspec of the user's cannot start another Python."""
    return AsyncKernelManager(kernel_name="python3",
                              kernel_spec_manager=KernelSpecManager(kernel_dirs=[]))


@pytest.fixture(scope="module")
def executed(digital_out, tmp_path_factory):
    """The notebook run on the digital samples' OUTDIR (read only, so the shared fixture
    is used as it is), in an empty working folder; and the results cell's JSON."""
    nb = nbformat.read(NOTEBOOK, as_version=4)
    nb.cells.insert(0, nbformat.v4.new_code_cell(
        f"import os\nos.environ['MALRAPPORT_OUT'] = {str(digital_out)!r}"))
    nb.cells.append(nbformat.v4.new_code_cell(RESULTS_CELL))
    work = tmp_path_factory.mktemp("notebook")
    client = NotebookClient(nb, km=native_kernel(), kernel_name="python3", timeout=120,
                            record_timing=False, resources={"metadata": {"path": str(work)}})
    client.execute(cleanup_kc=True)  # raises CellExecutionError on a failing cell
    results = json.loads("".join(o.text for o in nb.cells[-1].outputs
                                 if o.output_type == "stream" and o.name == "stdout"))
    return nb, results


def _pngs(cell) -> int:
    return sum(1 for o in cell.get("outputs", []) if "image/png" in o.get("data", {}))


def _tagged(nb, tag):
    cells = [c for c in nb.cells if tag in c.metadata.get("tags", [])]
    assert len(cells) == 1, tag
    return cells[0]


def test_every_cell_runs_and_both_plots_are_drawn(executed):
    nb, _ = executed
    errors = [o for c in nb.cells if c.cell_type == "code" for o in c.outputs
              if o.output_type == "error" or (o.output_type == "stream" and o.name == "stderr")]
    assert errors == []
    for tag in PLOTS:
        assert _pngs(_tagged(nb, tag)) == 1, tag


def test_goals_assessed_worse_than_last_year_are_the_gold_ones(executed):
    _, results = executed
    expected = gold_worse()
    assert len(expected) == 8
    assert {(m, y, title) for m, y, title in results["worse"]} == expected
    assert len(results["worse"]) == 8


def test_status_flows_are_the_gold_ones(executed):
    _, results = executed
    followed, changed = gold_flows()
    assert changed == results["changed"] == 27
    assert results["flows"] == followed
    assert results["flows"] - results["unchanged"] == changed


def test_the_assessment_plot_counts_every_assessed_gold_goal(executed):
    _, results = executed
    assessed = [r for r in gold_reports() if any(g.get("assessment") for g in r["goals"])]
    assert results["reports_plotted"] == len(assessed)
    assert results["assessed"] == sum(1 for r in gold_reports() for g in r["goals"]
                                      if g.get("assessment"))


def test_the_committed_notebook_has_its_outputs_small_and_without_temp_paths():
    text = NOTEBOOK.read_text(encoding="utf-8")
    nb = nbformat.reads(text, as_version=4)
    nbformat.validate(nb)
    assert nb.metadata.kernelspec.name == "python3"
    assert len(text.encode()) < 1_000_000
    for tag in PLOTS:
        assert _pngs(_tagged(nb, tag)) == 1, tag
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert [c.execution_count for c in code] == list(range(1, len(code) + 1))  # run in order
    for fragment in ("/tmp/", "/root/", "/home/", "pytest-of-"):
        assert fragment not in text
