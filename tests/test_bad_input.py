"""Hostile and broken input: one batch through the real CLI, good reports beside bad files.

The corpus is made here from a good sample (``fuzz/hostile.py``): truncated,
byte-flipped, xref-damaged, encrypted, renamed other formats, bombs, a script
and an attachment, a layout that is no report, odd file names and a link loop.
The good reports must come out exactly as in a clean run, every bad file must
have one ``errors`` row of the expected kind and one stderr line, and nothing
may print a traceback or write outside OUTDIR.
"""
from __future__ import annotations

import importlib.util
import os
import random
import shutil
import subprocess
import sys
import time
import unicodedata
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pypdfium2 as pdfium
import pytest

from conftest import DIGITAL, GOLD, ROOT, run_cli, sorted_rows


def _load(name: str):
    spec = importlib.util.spec_from_file_location(f"fuzz_{name}", ROOT / "fuzz" / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


hostile = _load("hostile")
fuzz_pdf = _load("fuzz_pdf")

TABLES = ("reports", "goals", "activities", "measures")
BASE = "ange-2025-t1.pdf"
NFD_NAME = unicodedata.normalize("NFD", "Målavstämning för år 2025.pdf")
ODD_GOOD_NAMES = ["Årsrapport – tertial 1 ✓ 2025.pdf", NFD_NAME, "lång-" + "x" * 200 + ".pdf",
                  "-rf --force.pdf"]
# A file name → the source_file recorded for it (escaped: one line, valid UTF-8).
ODD_BAD_NAMES = {"rad\nbrytning.pdf": "rad\\nbrytning.pdf",
                 os.fsdecode(b"latin1-\xe5\xe4\xf6.pdf"): "latin1-\\xe5\\xe4\\xf6.pdf"}


def _extract(cwd: Path, *args) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "malrapport.cli", "extract", *map(str, args),
                           "--ocr", "never", "--quiet"],
                          cwd=cwd, capture_output=True, text=True, timeout=600)


def _files(root: Path) -> set[Path]:
    return {p for p in root.rglob("*") if p.is_file() or p.is_symlink()}


def _table(outdir: Path, name: str) -> pd.DataFrame:
    folder = outdir / name
    if not folder.is_dir():
        return pd.DataFrame()
    return pd.concat([pq.read_table(p).to_pandas() for p in sorted(folder.glob("*.parquet"))],
                     ignore_index=True)


def _sorted(df: pd.DataFrame, drop: tuple[str, ...] = ()) -> pd.DataFrame:
    return sorted_rows(df, drop)


class Batch:
    def __init__(self, root: Path):
        self.root = root
        base = (DIGITAL / BASE).read_bytes()
        for folder in (root / "clean", root / "batch"):
            (folder / "good").mkdir(parents=True)
            for pdf in sorted(DIGITAL.glob("*.pdf")):
                shutil.copy(pdf, folder / "good" / pdf.name)
            for i, name in enumerate(ODD_GOOD_NAMES):  # unique bytes: a comment after %%EOF
                (folder / "good" / name).write_bytes(base + b"%% copy %d\n" % i)
        bad = root / "batch" / "bad"
        bad.mkdir()
        # source_file: the path in the folder given (".", the run's folder), prefixed by
        # that folder's own name: "batch/bad/…" here, "clean/good/…" in the clean run
        self.expected: dict[str, str] = {}  # source_file → error kind
        self.repaired: dict[str, str] = {}  # source_file → the good file it must equal
        for name, (data, kind) in hostile.corpus(base).items():
            (bad / name).write_bytes(data)
            if kind:
                self.expected[f"batch/bad/{name}"] = kind
            else:
                self.repaired[f"batch/bad/{name}"] = f"clean/good/{BASE}"
        for i, (name, shown) in enumerate(ODD_BAD_NAMES.items()):  # distinct bytes: no duplicates
            (bad / name).write_text(f"not a report {i}\n")
            self.expected[f"batch/bad/{shown}"] = "not_pdf"
        (bad / "broken-link.pdf").symlink_to("nowhere.pdf")
        self.expected["batch/bad/broken-link.pdf"] = "unreadable"
        (bad / "loop").mkdir()
        (bad / "loop" / "back-up").symlink_to("..")
        (bad / "loop" / "to-root").symlink_to("../..")
        elsewhere = root / "elsewhere"
        elsewhere.mkdir()
        # Other bytes than the corpus's Word file, or it would be skipped as a duplicate.
        (elsewhere / "outside.pdf").write_bytes(hostile.docx_bytes("Utanför mappen"))
        self.expected["../elsewhere/outside.pdf"] = "not_pdf"

        self.clean_out, self.out = root / "clean-out", root / "batch-out"
        clean = _extract(root / "clean", ".", "-o", self.clean_out, "--workers", "1")
        assert clean.returncode == 0, clean.stderr
        self.before = _files(root)
        start = time.perf_counter()
        self.proc = _extract(root / "batch", ".", "../elsewhere/outside.pdf", "-o", self.out,
                             "--workers", "2")
        self.seconds = time.perf_counter() - start
        self.after = _files(root)

    def rows(self, outdir: Path, name: str, sources: list[str]) -> pd.DataFrame:
        reports = _table(outdir, "reports")
        ids = set(reports.loc[reports.source_file.isin(sources), "report_id"])
        table = reports if name == "reports" else _table(outdir, name)
        return table[table.report_id.isin(ids)]


@pytest.fixture(scope="module")
def batch(tmp_path_factory) -> Batch:
    return Batch(tmp_path_factory.mktemp("bad_input"))


# --- the batch -------------------------------------------------------------------

def test_the_batch_exits_1_without_a_traceback(batch):
    assert batch.proc.returncode == 1, batch.proc.stderr
    assert "Traceback" not in batch.proc.stderr + batch.proc.stdout
    assert batch.seconds < 120


def test_every_bad_file_has_one_errors_row_of_its_kind(batch):
    errors = _table(batch.out, "errors")
    got = dict(zip(errors.source_file, errors.error))
    assert len(errors) == len(got)
    assert got == batch.expected


def test_error_messages_are_one_readable_line(batch):
    errors = _table(batch.out, "errors")
    for source, kind, message in zip(errors.source_file, errors.error, errors.message):
        assert message and "\n" not in message and len(message) <= 500, source
        assert not message.split(":")[0].endswith(("Error", "Exception")), (source, message)
    by_source = dict(zip(errors.source_file, errors.message))
    assert "Word document" in by_source["batch/bad/word-document.pdf"]
    assert "PNG image" in by_source["batch/bad/image.pdf"]
    assert "--password" in by_source["batch/bad/encrypted.pdf"]
    assert "words per page: " in by_source["batch/bad/minutes.pdf"]
    assert "5,000 pages" in by_source["batch/bad/thousands-of-pages.pdf"]
    assert "--max-pixels" in by_source["batch/bad/image-bomb.pdf"]


def test_one_stderr_line_per_failure_and_a_summary(batch):
    lines = batch.proc.stderr.splitlines()
    failures = [line for line in lines if line.startswith("malrapport: ")]
    assert len(failures) == len(batch.expected)
    for source, kind in batch.expected.items():
        assert sum(line.startswith(f"malrapport: {source}: {kind}: ") for line in failures) == 1
    good = len(list((batch.root / "batch" / "good").iterdir()))
    assert lines[-1].startswith(f"{len(batch.expected) + len(batch.repaired) + good} files: ")


def test_good_files_come_out_exactly_as_in_a_clean_run(batch):
    good = sorted(str(p.relative_to(batch.root / "clean")) for p in (batch.root / "clean").rglob("*.pdf"))
    good = [unicodedata.normalize("NFC", g) for g in good]
    for name in TABLES:
        clean = _table(batch.clean_out, name)
        mixed = batch.rows(batch.out, name, [f"batch/{g}" for g in good])
        assert len(clean) > 0
        drop = ("source_file",)  # clean/good/… and batch/good/…
        pd.testing.assert_frame_equal(_sorted(mixed, drop), _sorted(clean, drop))


def test_repairable_files_extract_like_their_original(batch):
    for source, original in batch.repaired.items():
        for name in TABLES:
            want = batch.rows(batch.clean_out, name, [original])
            got = batch.rows(batch.out, name, [source])
            drop = ("report_id", "source_file")
            assert len(got) == len(want) > 0, (source, name)
            pd.testing.assert_frame_equal(_sorted(got, drop), _sorted(want, drop))


def test_odd_names_are_recorded_as_nfc_on_one_line(batch):
    reports = _table(batch.out, "reports")
    for name in ODD_GOOD_NAMES:
        assert f"batch/good/{unicodedata.normalize('NFC', name)}" in set(reports.source_file)


def test_nothing_is_written_outside_outdir(batch):
    new = batch.after - batch.before
    assert new and all(batch.out in p.parents for p in new)


def test_the_embedded_file_is_never_extracted(batch):
    for path in batch.out.rglob("*"):
        if path.is_file():
            assert hostile.PAYLOAD not in path.read_bytes()
    for name in (*TABLES, "errors"):
        text = _table(batch.out, name).astype(str).to_string()
        assert hostile.PAYLOAD.decode() not in text
    assert not any(p.name == "payload.txt" for p in batch.root.rglob("*"))


# --- single cases ----------------------------------------------------------------

def test_password_opens_an_encrypted_report_and_a_wrong_one_is_named(batch, tmp_path):
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "locked.pdf").write_bytes(hostile.encrypt((DIGITAL / BASE).read_bytes(), "hemligt"))
    ok = _extract(tmp_path, "in", "-o", "out", "--workers", "1", "--password", "hemligt")
    assert ok.returncode == 0, ok.stderr
    drop = ("report_id", "goal_key", "activity_key")  # keys depend on the other reports in OUTDIR
    for name in ("goals", "activities"):
        want = batch.rows(batch.clean_out, name, [f"clean/good/{BASE}"])
        got = batch.rows(tmp_path / "out", name, ["in/locked.pdf"])
        pd.testing.assert_frame_equal(_sorted(got, drop), _sorted(want, drop))
    wrong = _extract(tmp_path, "in", "-o", "out2", "--workers", "1", "--password", "fel")
    assert wrong.returncode == 1
    assert "locked.pdf: encrypted: the PDF is encrypted: the password given is wrong" in wrong.stderr


@pytest.mark.skipif(shutil.which("qpdf") is None, reason="qpdf not installed")
def test_aes256_encryption_by_qpdf(tmp_path):
    from malrapport.extract.jobs import scan_file
    from malrapport.extract.options import ExtractOptions

    locked = tmp_path / "aes.pdf"
    subprocess.run(["qpdf", "--encrypt", "hemligt", "ägare", "256", "--", str(DIGITAL / BASE),
                    str(locked)], check=True)
    assert scan_file(locked, "aes.pdf", ExtractOptions(ocr="never")).error[0] == "encrypted"
    opened = scan_file(locked, "aes.pdf", ExtractOptions(ocr="never", password="hemligt"))
    assert opened.error is None and opened.report.goals


def test_max_pixels_is_the_limit_for_images(tmp_path):
    from malrapport.extract.jobs import scan_file
    from malrapport.extract.options import ExtractOptions

    path = tmp_path / "picture.pdf"
    path.write_bytes(hostile.huge_image_pdf(2000, 1000))
    small = scan_file(path, "picture.pdf", ExtractOptions(ocr="never", max_pixels=1_000_000))
    assert small.error[0] == "image_too_large"
    roomy = scan_file(path, "picture.pdf", ExtractOptions(ocr="never", max_pixels=2_000_000))
    assert roomy.error == ("unknown_layout", "no goals found: no text on its only page "
                           "(0 words per page); probably a scan: run with --ocr auto")


def test_link_loops_end_and_each_file_is_found_once(tmp_path):
    from malrapport.extract.discover import discover

    root = tmp_path / "archive"
    deep = root / "a" / "b" / "c"
    deep.mkdir(parents=True)
    shutil.copy(DIGITAL / BASE, deep / "report.pdf")
    for folder in (root, root / "a", root / "a" / "b", deep):
        (folder / "up").symlink_to("..")
        (folder / "top").symlink_to(root)
        (folder / "self").symlink_to(".")
    (root / "a" / "twin").symlink_to("b")
    start = time.perf_counter()
    found = discover([root])
    assert time.perf_counter() - start < 5
    assert [name for _, name in found] == ["archive/a/b/c/report.pdf"]


def test_a_folder_that_cannot_be_listed_is_recorded(tmp_path):
    if os.geteuid() == 0:
        pytest.skip("root can list any folder")
    from malrapport.extract.discover import discover
    from malrapport.extract.jobs import scan_file
    from malrapport.extract.options import ExtractOptions

    locked = tmp_path / "in" / "locked"
    locked.mkdir(parents=True)
    locked.chmod(0)
    try:
        [(path, name)] = discover([tmp_path / "in"])
        assert name == "in/locked"
        kind, message = scan_file(path, name, ExtractOptions(ocr="never")).error
        assert kind == "unreadable" and "cannot be listed" in message
    finally:
        locked.chmod(0o755)


def test_source_names_are_one_line_valid_utf8_nfc():
    from malrapport.extract.discover import source_name

    assert source_name("good/ange-2025-t1.pdf") == "good/ange-2025-t1.pdf"
    assert source_name("a\nb\tc.pdf") == "a\\nb\\tc.pdf"
    assert source_name(os.fsdecode(b"\xff.pdf")) == "\\xff.pdf"
    assert source_name("evil\u202efdp.exe") == "evil\\u202efdp.exe"
    assert source_name(unicodedata.normalize("NFD", "år.pdf")) == "år.pdf"
    source_name(os.fsdecode(b"\xff.pdf")).encode("utf-8")


def test_pdfium_runs_no_scripts_and_nothing_opens_forms_or_attachments(monkeypatch, tmp_path):
    """pdfium runs JavaScript only in a form environment, with V8 built in; neither is the case."""
    import pypdfium2.raw as pdfium_c

    from malrapport.extract.jobs import scan_file
    from malrapport.extract.options import ExtractOptions

    assert "V8" not in pdfium.PDFIUM_INFO.flags and "XFA" not in pdfium.PDFIUM_INFO.flags

    def forbidden(*args):
        raise AssertionError("a form environment or an attachment was opened")

    for name in ("FPDFDOC_InitFormFillEnvironment", "FPDFDoc_GetAttachment",
                 "FPDFAttachment_GetFile", "FPDFDoc_GetJavaScriptAction"):
        monkeypatch.setattr(pdfium_c, name, forbidden)
    monkeypatch.setattr(pdfium.PdfDocument, "init_forms", forbidden)
    path = tmp_path / "scripted.pdf"
    path.write_bytes(hostile.with_script_and_attachment((DIGITAL / BASE).read_bytes(), b"x"))
    scan = scan_file(path, "scripted.pdf", ExtractOptions(ocr="never"))
    assert scan.error is None and scan.report.goals


# --- evaluate on what it cannot read -----------------------------------------------

def _evaluate(outdir: Path) -> subprocess.CompletedProcess:
    return run_cli("evaluate", outdir, "--gold", GOLD, check=False)


def test_evaluate_refuses_a_folder_that_is_no_output(tmp_path):
    for outdir in (tmp_path / "missing", tmp_path):
        proc = _evaluate(outdir)
        assert proc.returncode == 2
        [line] = proc.stderr.splitlines()
        assert line.startswith(f"malrapport: {outdir}: ")


def _copy_with_old_schema_version(clean_out: Path, outdir: Path) -> Path:
    """A copy of a clean OUTDIR with one goals file marked as schema version 0."""
    shutil.copytree(clean_out, outdir)
    target = sorted((outdir / "goals").glob("*.parquet"))[0]
    table = pq.read_table(target)
    pq.write_table(table.replace_schema_metadata({b"malrapport.schema_version": b"0"}), target)
    return outdir


def test_evaluate_names_another_schema_version(batch, tmp_path):
    outdir = _copy_with_old_schema_version(batch.clean_out, tmp_path / "old")
    proc = _evaluate(outdir)
    assert proc.returncode == 2 and "Traceback" not in proc.stderr
    [line] = proc.stderr.splitlines()
    assert "written with schema version 0" in line


def test_evaluate_refuses_a_table_that_is_not_parquet(batch, tmp_path):
    outdir = tmp_path / "junk"
    shutil.copytree(batch.clean_out, outdir)
    (outdir / "reports" / "zz.parquet").write_text("not parquet")
    proc = _evaluate(outdir)
    assert proc.returncode == 2 and "Traceback" not in proc.stderr
    [line] = proc.stderr.splitlines()
    assert "not a malrapport output" in line
    pq.write_table(pa.table({"x": [1]}), outdir / "reports" / "zz.parquet")
    [line] = _evaluate(outdir).stderr.splitlines()
    assert "no schema version" in line


# --- the fuzz target on its seeds ----------------------------------------------------

def test_fuzz_target_holds_on_its_seeds_and_their_mutations(tmp_path):
    seeds = fuzz_pdf.seeds()
    assert len(seeds) > 10
    for name, data in seeds.items():
        fuzz_pdf.check(data, tmp_path)
    rng = random.Random(7)
    small = min(seeds.values(), key=lambda d: len(d) if d.startswith(b"%PDF") else 1 << 30)
    for _ in range(40):
        data = bytearray(small)
        for _ in range(rng.randint(1, 20)):
            data[rng.randrange(len(data))] = rng.randrange(256)
        fuzz_pdf.check(bytes(data[: rng.randint(len(data) // 2, len(data))]), tmp_path)


def test_compare_refuses_another_schema_version_in_one_line(batch, tmp_path):
    outdir = _copy_with_old_schema_version(batch.clean_out, tmp_path / "old")
    proc = run_cli("compare", outdir, "-o", tmp_path / "cmp.html", check=False)
    assert proc.returncode == 2 and "Traceback" not in proc.stderr
    [line] = proc.stderr.splitlines()
    assert "written with schema version 0" in line


def test_compare_refuses_a_folder_that_is_no_output(tmp_path):
    for outdir in (tmp_path / "missing", tmp_path):
        proc = run_cli("compare", outdir, "-o", tmp_path / "cmp.html", check=False)
        assert proc.returncode == 2 and "Traceback" not in proc.stderr
        [line] = proc.stderr.splitlines()
        assert line.startswith(f"malrapport: {outdir}: ")


def test_compare_refuses_a_table_that_is_not_parquet(batch, tmp_path):
    outdir = tmp_path / "junk"
    shutil.copytree(batch.clean_out, outdir)
    (outdir / "reports" / "zz.parquet").write_text("not parquet")
    proc = run_cli("compare", outdir, "-o", tmp_path / "cmp.html", check=False)
    assert proc.returncode == 2 and "Traceback" not in proc.stderr
    assert len(proc.stderr.splitlines()) == 1
