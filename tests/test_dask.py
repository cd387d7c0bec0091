"""The same batch on a Dask cluster (a LocalCluster of two worker processes, one
thread each) gives the same tables as the local pool."""
from __future__ import annotations

import pytest
from conftest import run_cli
from test_pipeline import assert_same_tables, batch_inputs, local_out, summary  # noqa: F401 (fixtures)

distributed = pytest.importorskip("distributed")


@pytest.fixture(scope="module")
def cluster():
    with distributed.LocalCluster(n_workers=2, processes=True, threads_per_worker=1,
                                  dashboard_address=None, silence_logs=40) as cluster:
        yield cluster


def test_a_dask_cluster_gives_the_same_tables_as_the_local_pool(cluster, batch_inputs,
                                                                 local_out, tmp_path):
    out = tmp_path / "dask"
    proc = run_cli("extract", batch_inputs, "-o", out, "--executor", "dask",
                   "--scheduler", cluster.scheduler_address, "--quiet", ok=(0, 3))  # scan-2p: warnings
    files = len(list(batch_inputs.glob("*.pdf")))
    assert summary(proc).startswith(f"{files} files: {files} done, 0 failed, 0 skipped")
    assert "(2 OCR)" in summary(proc)
    assert_same_tables(out, local_out)

    again = run_cli("extract", batch_inputs, "-o", out, "--executor", "dask",
                    "--scheduler", cluster.scheduler_address, "--quiet", ok=(0, 3))
    assert summary(again).startswith(f"{files} files: 0 done, 0 failed, {files} skipped")


def test_an_unreachable_scheduler_is_a_typed_error(monkeypatch):
    from malrapport.extract import executors

    monkeypatch.setattr(executors, "DASK_CONNECT_TIMEOUT", 1.0)  # nothing listens on port 9
    with pytest.raises(executors.ExecutorError, match="cannot reach the dask scheduler"):
        executors.DaskPool("tcp://127.0.0.1:9")
