"""The batch on real PDFs through the real CLI: parallel output, re-runs, --force,
renamed and duplicate files, the per-file timeout; and the worker pool itself
with real processes (a crashing task, a killed task)."""
from __future__ import annotations

import hashlib
import os
import shutil
import sys
import time
from dataclasses import replace
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from conftest import DIGITAL, ROOT, SAMPLES, run_cli

sys.path.insert(0, str(ROOT / "bench"))
from make_archive import vary_pdf

TABLES = ("reports", "goals", "activities", "measures", "errors")


# --- helpers shared with test_resume.py and test_dask.py -------------------------------


def read_tables(out: Path) -> dict[str, pd.DataFrame]:
    """Every table read back with pandas, rows in a canonical order."""
    tables = {}
    for name in TABLES:
        folder = out / name
        frame = pd.read_parquet(folder) if folder.is_dir() and any(folder.glob("*.parquet")) \
            else pd.DataFrame()
        if len(frame):
            frame = frame.sort_values(list(frame.columns), key=lambda c: c.astype(str))
        tables[name] = frame.reset_index(drop=True)
    return tables


def assert_same_tables(a: Path, b: Path) -> None:
    left, right = read_tables(a), read_tables(b)
    for name in TABLES:
        pd.testing.assert_frame_equal(left[name], right[name], obj=name)


def parquet_mtimes(out: Path) -> dict[str, int]:
    return {str(p.relative_to(out)): p.stat().st_mtime_ns for p in out.rglob("*.parquet")}


def summary(proc) -> str:
    return proc.stderr.strip().splitlines()[-1]


def scan_pages(dst: Path, pages: int) -> Path:
    """A real scanned report of ``pages`` pages from a 300 dpi scan of the Ånge 2025 T1
    sample: the title page, then pages with goal headings."""
    import pypdfium2 as pdfium

    committed = SAMPLES / "pdf" / "scan300" / "ange-2025-t1.pdf"
    if committed.exists():
        src = committed
    else:  # scan the digital sample ourselves
        from malrapport.samples.scans import SCAN300, scan_pdf, seed_for

        src = dst.parent / "scan-source.pdf"
        scan_pdf(DIGITAL / "ange-2025-t1.pdf", src, SCAN300, seed_for("ange-2025-t1", "300"))
    out, doc = pdfium.PdfDocument.new(), pdfium.PdfDocument(src)
    out.import_pages(doc, [0, 3, 5, 8, 7, 6][:pages])
    dst.parent.mkdir(parents=True, exist_ok=True)
    out.save(dst)
    out.close(), doc.close()
    return dst


@pytest.fixture(scope="session")
def batch_inputs(tmp_path_factory) -> Path:
    """The digital samples and a two-page scan, in one folder."""
    folder = tmp_path_factory.mktemp("batch_inputs")
    for pdf in sorted(DIGITAL.glob("*.pdf")):
        shutil.copy(pdf, folder / pdf.name)
    scan_pages(folder / "scan-2p.pdf", 2)
    return folder


@pytest.fixture(scope="session")
def local_out(batch_inputs, tmp_path_factory) -> Path:
    """The batch with two local workers: the reference the other runs must equal."""
    out = tmp_path_factory.mktemp("local_out")
    # scan-2p.pdf is two pages of four: its report has warnings, the run exits 3
    run_cli("extract", batch_inputs, "-o", out, "--workers", "2", "--quiet", ok=(0, 3))
    return out


# --- the batch ---------------------------------------------------------------------------


def test_parallel_output_is_identical_to_one_worker(batch_inputs, local_out, tmp_path):
    out = tmp_path / "one"
    proc = run_cli("extract", batch_inputs, "-o", out, "--workers", "1", "--quiet", ok=(0, 3))
    files = len(list(batch_inputs.glob("*.pdf")))
    assert summary(proc).startswith(f"{files} files: {files} done, 0 failed, 0 skipped")
    assert "(2 OCR)" in summary(proc)
    assert_same_tables(out, local_out)
    reports = read_tables(out)["reports"]
    assert reports.loc[reports.source_file == f"{batch_inputs.name}/scan-2p.pdf",
                       "ocr_pages"].item() == 2


def test_a_second_run_skips_every_file_and_rewrites_nothing(batch_inputs, local_out, tmp_path):
    out = tmp_path / "out"
    shutil.copytree(local_out, out)
    before = parquet_mtimes(out)
    proc = run_cli("extract", batch_inputs, "-o", out, "--quiet", ok=(0, 3))
    files = len(list(batch_inputs.glob("*.pdf")))
    assert summary(proc).startswith(f"{files} files: 0 done, 0 failed, {files} skipped; 0 pages")
    assert parquet_mtimes(out) == before
    assert_same_tables(out, local_out)


def test_force_extracts_everything_again(tmp_path):
    out = tmp_path / "out"
    run_cli("extract", DIGITAL, "-o", out, "--quiet")
    before = parquet_mtimes(out)
    time.sleep(0.01)
    proc = run_cli("extract", DIGITAL, "-o", out, "--quiet", "--force")
    files = len(list(DIGITAL.glob("*.pdf")))
    assert summary(proc).startswith(f"{files} files: {files} done, 0 failed, 0 skipped")
    after = parquet_mtimes(out)
    reports = [k for k in before if k.startswith("reports") and not k.endswith("empty.parquet")]
    assert all(after[k] != before[k] for k in reports)


def test_an_older_extractor_version_is_extracted_again(tmp_path):
    out = tmp_path / "out"
    run_cli("extract", DIGITAL / "ange-2025-t1.pdf", "-o", out, "--quiet")
    path = next(p for p in (out / "reports").glob("*.parquet") if p.name != "empty.parquet")
    table = pq.read_table(path)
    column = table.schema.get_field_index("extractor_version")
    pq.write_table(table.set_column(column, "extractor_version", pa.array(["0.0.0-old"])), path)
    proc = run_cli("extract", DIGITAL / "ange-2025-t1.pdf", "-o", out, "--quiet")
    assert summary(proc).startswith("1 files: 1 done, 0 failed, 0 skipped")
    from malrapport.extract.pipeline import EXTRACTOR_VERSION

    assert pq.read_table(path).column("extractor_version")[0].as_py() == EXTRACTOR_VERSION


def test_a_renamed_file_and_a_duplicate_are_not_extracted_twice(tmp_path):
    out = tmp_path / "out"
    run_cli("extract", DIGITAL / "ange-2025-t1.pdf", "-o", out, "--quiet")
    before = parquet_mtimes(out)
    renamed = tmp_path / "archive"
    renamed.mkdir()
    shutil.copy(DIGITAL / "ange-2025-t1.pdf", renamed / "2025 T1 (kopia).pdf")
    shutil.copy(DIGITAL / "ange-2024-t3.pdf", renamed / "a.pdf")
    shutil.copy(DIGITAL / "ange-2024-t3.pdf", renamed / "b.pdf")  # the same bytes twice
    proc = run_cli("extract", renamed, "-o", out, "--quiet")
    assert summary(proc).startswith("3 files: 1 done, 0 failed, 2 skipped")
    rid = hashlib.sha256((DIGITAL / "ange-2025-t1.pdf").read_bytes()).hexdigest()
    mine = {k: t for k, t in before.items() if rid in k}
    # one file per report table: goals, activities, measures, warnings, vocabulary,
    # repairs, reports
    assert len(mine) == 7 and all(parquet_mtimes(out)[k] == t for k, t in mine.items())
    assert set(read_tables(out)["reports"].source_file) == {"archive/a.pdf",
                                                           str(DIGITAL / "ange-2025-t1.pdf")}


def test_a_varied_copy_is_a_new_report(tmp_path):
    src = DIGITAL / "ange-2025-t1.pdf"
    copy = vary_pdf(src, tmp_path / "in" / "copy.pdf", "test")
    assert copy.stat().st_size == src.stat().st_size and copy.read_bytes() != src.read_bytes()
    proc = run_cli("extract", src, copy, "-o", tmp_path / "out", "--quiet")
    assert summary(proc).startswith("2 files: 2 done")


def test_a_file_over_the_timeout_is_recorded_and_the_batch_goes_on(tmp_path):
    # one worker: the scan's OCR (four pages, seconds each) overruns --timeout, its
    # worker is killed, and a fresh worker does the digital files after it
    inputs = tmp_path / "in"
    scan_pages(inputs / "a-scan.pdf", 4)
    for stem in ("ange-2025-t1", "ange-2024-uppsikt"):
        shutil.copy(DIGITAL / f"{stem}.pdf", inputs / f"b-{stem}.pdf")
    out = tmp_path / "out"
    proc = run_cli("extract", inputs, "-o", out, "--workers", "1", "--timeout", "1.5",
                   "--quiet", check=False)
    assert proc.returncode == 1, proc.stderr
    assert "a-scan.pdf: timeout:" in proc.stderr
    assert summary(proc).startswith("3 files: 2 done, 1 failed, 0 skipped")
    tables = read_tables(out)
    assert tables["errors"][["source_file", "error"]].values.tolist() == [["in/a-scan.pdf", "timeout"]]
    assert sorted(tables["reports"].source_file) == ["in/b-ange-2024-uppsikt.pdf",
                                                     "in/b-ange-2025-t1.pdf"]


def test_outdir_is_locked_while_a_run_writes(tmp_path):
    from malrapport.extract.incremental import OutdirBusy, OutdirLock

    with OutdirLock(tmp_path):
        with pytest.raises(OutdirBusy), OutdirLock(tmp_path):
            pass
        proc = run_cli("extract", DIGITAL, "-o", tmp_path, "--quiet", check=False)
        assert proc.returncode == 2 and "another malrapport run" in proc.stderr
    with OutdirLock(tmp_path):
        pass


def test_bad_usage_of_the_dask_executor_exits_2(tmp_path):
    proc = run_cli("extract", DIGITAL, "-o", tmp_path, "--executor", "dask", check=False)
    assert proc.returncode == 2 and "--scheduler" in proc.stderr


# --- the local pool ----------------------------------------------------------------------


def test_the_pool_replaces_a_crashed_worker_and_a_killed_one():
    from malrapport.extract.executors import LocalPool, Task, WorkerLost

    pool = LocalPool(2)
    try:
        pool.submit(Task(1, 1, os._exit, (3,)))  # the worker process dies mid-task
        pool.submit(Task(2, 2, time.sleep, (60,)))  # a task that would stall the batch
        outcomes = []
        while not outcomes:
            outcomes = pool.poll(5.0)
        assert [(o.task.id, type(o.error)) for o in outcomes] == [(1, WorkerLost)]
        assert "exit code 3" in str(outcomes[0].error), outcomes[0].error
        assert [t.id for t in pool.kill(2)] == [2]
        assert pool.free() == 2
        pool.submit(Task(3, 3, pow, (2, 10)))
        pool.submit(Task(4, 4, int, ("x",)))
        got = {}
        while len(got) < 2:
            got.update({o.task.id: o for o in pool.poll(5.0)})
        assert got[3].value == 1024 and got[3].error is None
        assert isinstance(got[4].error, ValueError)
    finally:
        pool.abort()


# --- work moved out of the main process, and the re-run that opens no report -------------


def test_the_tables_a_worker_makes_are_the_files_the_main_process_would_write(tmp_path):
    """Workers key a report provisionally and encode its tables (extract/worker_tables.py);
    written as they are, they are byte for byte what converting the report in the main
    process writes, and the main process keeps the worker's keys."""
    from malrapport.extract.executors import extractor_version
    from malrapport.extract.jobs import scan_file
    from malrapport.extract.options import ExtractOptions
    from malrapport.extract.worker_tables import finished_records, with_tables
    from malrapport.normalize.keys import KeyAssigner
    from malrapport.normalize.registry import Registry
    from malrapport.schemas.output import REPORT_TABLES, write_report

    keys = KeyAssigner(tmp_path / "a", Registry())
    compared = 0
    for pdf in sorted(DIGITAL.glob("*.pdf")):
        made = with_tables(scan_file, (pdf, pdf.name, ExtractOptions(), True), extractor_version())
        for record in finished_records(made.value):
            encoded = made.tables[record.report_id]
            keyed = keys.provisional(record)
            assert keyed is record and all(g.goal_key for g in keyed.goals)
            assert all(a.activity_key for g in keyed.goals for a in g.activities)
            write_report(tmp_path / "a", keyed, "test")
            write_report(tmp_path / "b", keyed, "test", encoded=encoded)
            for name in REPORT_TABLES:
                file = Path(name) / f"{record.report_id}.parquet"
                assert (tmp_path / "a" / file).read_bytes() == (tmp_path / "b" / file).read_bytes()
                compared += 1
            # a record changed since the worker encoded it is converted again
            changed = replace(keyed, title="Ändrad")
            assert not encoded.fits(changed, extractor_version())
    assert compared == len(REPORT_TABLES) * len(list(DIGITAL.glob("*.pdf")))


def test_a_rerun_skips_by_the_files_stat_without_opening_them(tmp_path):
    """What each ``reports`` footer said is kept in reports/.footers.tsv under the
    file's size, mtime and inode: a re-run reads no footer of an unchanged file (here
    one overwritten in place with the same size and mtime: it is still skipped), and
    reads again one that changed (another mtime: re-read, so extracted again)."""
    out = tmp_path / "out"
    inputs = [DIGITAL / "ange-2025-t1.pdf", DIGITAL / "sjovik-2022-t1.pdf"]
    run_cli("extract", *inputs, "-o", out, "--quiet")
    assert (out / "reports" / ".footers.tsv").exists()
    same, changed = sorted(p for p in (out / "reports").glob("*.parquet")
                           if p.name != "empty.parquet")
    for path in (same, changed):
        st = path.stat()
        with open(path, "r+b") as fh:  # same size, same inode, unreadable as Parquet
            fh.write(b"\0" * st.st_size)
        os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns + (path == changed)))
    proc = run_cli("extract", *inputs, "-o", out, "--quiet")
    assert summary(proc).startswith("2 files: 1 done, 0 failed, 1 skipped"), proc.stderr
    assert pq.read_table(changed).num_rows == 1  # written again
