"""docs/analysis.ipynb runs headless, as it stands, on a real OUTDIR of the digital
samples: no cell fails, both plots are drawn, and its figures are those worked out by
hand from the gold annotations. The committed file keeps its outputs, small and
without the temporary paths it was run on."""
from __future__ import annotations

import json

import nbformat
import pytest
from jupyter_client.kernelspec import KernelSpecManager
from jupyter_client.manager import AsyncKernelManager
from nbclient import NotebookClient

from conftest import ROOT
from gold_figures import gold_flows, gold_reports, gold_worse

NOTEBOOK = ROOT / "docs" / "analysis.ipynb"
PLOTS = ("plot-assessments", "plot-status-flows")

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
