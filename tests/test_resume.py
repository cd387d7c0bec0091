"""Killing a real batch mid-run (SIGKILL, SIGINT): OUTDIR stays readable with
every finished report whole, the workers go with it, and the next run picks up
where it stopped and ends with the same tables as an uninterrupted run."""
from __future__ import annotations

import signal
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import pandas as pd
import psutil
import pyarrow.dataset as ds
import pyarrow.parquet as pq
import pytest
from conftest import DIGITAL, run_cli
from test_pipeline import assert_same_tables, summary, vary_pdf

FILES = 30
KILL_AFTER = 3  # reports written before the signal
GONE_WITHIN = 20.0  # generous: seconds for the workers to die with the batch


@pytest.fixture(scope="module")
def archive(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("archive")
    sources = sorted(DIGITAL.glob("*.pdf"))
    for i in range(FILES):
        src = sources[i % len(sources)]
        vary_pdf(src, folder / f"{i:03d}-{src.name}", f"resume/{i}")
    return folder


@pytest.fixture(scope="module")
def reference(archive, tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("reference")
    run_cli("extract", archive, "-o", out, "--workers", "2", "--quiet")
    return out


def _report_files(folder: Path) -> list[Path]:
    """The reports' files (not the zero-row empty.parquet every table folder holds)."""
    return [p for p in folder.glob("*.parquet") if p.name != "empty.parquet"]


def start_and_signal(archive: Path, out: Path, signum: int):
    """Start a batch, send ``signum`` once KILL_AFTER reports are written."""
    proc = subprocess.Popen([sys.executable, "-m", "malrapport.cli", "extract", str(archive),
                             "-o", str(out), "--workers", "2", "--quiet"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    reports = out / "reports"
    while proc.poll() is None:
        if reports.is_dir() and len(_report_files(reports)) >= KILL_AFTER:
            break
        time.sleep(0.02)
    assert proc.poll() is None, "the batch ended before it could be interrupted:\n" + proc.stderr.read()
    workers = psutil.Process(proc.pid).children(recursive=True)
    proc.send_signal(signum)
    _, err = proc.communicate(timeout=60)
    return proc.returncode, err, workers


def assert_gone(processes: list[psutil.Process]) -> None:
    deadline = time.monotonic() + GONE_WITHIN
    alive = processes
    while alive and time.monotonic() < deadline:
        alive = [p for p in alive if p.is_running() and p.status() != psutil.STATUS_ZOMBIE]
        time.sleep(0.1)
    assert not alive, f"left running: {[p.cmdline() for p in alive]}"


def assert_readable_and_whole(out: Path) -> int:
    """Every table reads with pandas, pyarrow and DuckDB; every reports row has its
    rows in the other tables. Returns the number of whole reports."""
    for name in ("reports", "goals", "activities", "measures"):
        files = list((out / name).glob("*.parquet"))
        for path in files:
            pq.read_table(path)  # no partial file under a visible name
        if files:
            frame = pd.read_parquet(out / name)
            assert ds.dataset(out / name).count_rows() == len(frame)
            count = duckdb.sql(f"select count(*) from '{out}/{name}/*.parquet'").fetchall()[0][0]
            assert count == len(frame)
    whole = {p.stem for p in _report_files(out / "reports")}
    for name in ("goals", "activities", "measures"):
        assert whole <= {p.stem for p in (out / name).glob("*.parquet")}, name
    return len(whole)


@pytest.mark.parametrize("signum", [signal.SIGKILL, signal.SIGINT], ids=["SIGKILL", "SIGINT"])
def test_an_interrupted_batch_resumes_where_it_stopped(archive, reference, tmp_path, signum):
    out = tmp_path / "out"
    code, err, workers = start_and_signal(archive, out, signum)
    if signum == signal.SIGINT:
        assert code == 130, err
        assert "(interrupted)" in err and "run the same command again" in err
    else:
        assert code == -signal.SIGKILL
    assert workers, "the batch had no worker processes"
    assert_gone(workers)
    done = assert_readable_and_whole(out)
    assert KILL_AFTER <= done < FILES

    # what a kill during a write leaves behind: a temp file, rows without a reports file
    (out / "goals" / ".deadbeef.x1y2.tmp").write_bytes(b"PAR1 partial")
    orphan = next((reference / "goals").glob("*.parquet"))
    if not (out / "reports" / orphan.name).exists():
        (out / "goals" / orphan.name).write_bytes(orphan.read_bytes())

    proc = run_cli("extract", archive, "-o", out, "--workers", "2", "--quiet")
    assert summary(proc).startswith(f"{FILES} files: {FILES - done} done, 0 failed, {done} skipped")
    assert not list(out.rglob("*.tmp"))
    assert_same_tables(out, reference)
