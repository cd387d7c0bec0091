"""The archive teaches itself: a clean report's titles and words repair the same
municipality's bad text layers, in one batch or over two runs, and a report
waiting for its repair survives an interrupted run."""
from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd
import pytest

from conftest import DIGITAL, SAMPLES, run_cli
from malrapport.extract.incremental import Pending
from malrapport.extract.jobs import scan_file
from malrapport.extract.options import ExtractOptions
from malrapport.extract.pipeline import EXTRACTOR_VERSION
from malrapport.normalize.learned import learned_rows, learned_vocabularies
from malrapport.normalize.records import report_texts

BAD = SAMPLES / "pdf" / "badlayer" / "ange-2024-t3.pdf"  # Ånge, 2024, English-model layer
NEWER = [DIGITAL / "ange-2025-t1.pdf", DIGITAL / "ange-2025-t2.pdf"]  # Ånge, 2025, clean
# Titles of the 2024 report that the shipped vocabulary and lexicon alone get wrong
# and that the 2025 reports spell (checked by hand against samples/gold/ange-2024-t3.json).
TAUGHT = {"Ånge ska vara en av Sveriges barn och ungdomsvänligaste kommuner.",
          "Skapa ett ökat utbud av aktiviteter för alla, genom avtalssamverkan med "
          "föreningslivet/civilsamhället."}


def titles_of(out: Path, pdf: Path) -> set[str]:
    reports = pd.read_parquet(out / "reports")
    rid = reports[reports.source_file.str.endswith(pdf.name)
                  & reports.source_file.str.contains(pdf.parent.name)].report_id
    assert len(rid) == 1
    goals = pd.read_parquet(out / "goals")
    acts = pd.read_parquet(out / "activities")
    return set(goals[goals.report_id == rid.iloc[0]].title) | \
        set(acts[acts.report_id == rid.iloc[0]].title)


def extract(out: Path, *pdfs: Path, ok=(0,)):
    return run_cli("extract", *pdfs, "-o", out, "--ocr", "never", "--quiet", "--workers", "1",
                   ok=ok)


@pytest.fixture(scope="module")
def alone(tmp_path_factory) -> set[str]:
    out = tmp_path_factory.mktemp("alone")
    extract(out, BAD)
    return titles_of(out, BAD)


@pytest.fixture(scope="module")
def one_batch(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("batch")
    extract(out, BAD, *NEWER)  # the bad layer first: the clean ones must still teach it
    return out


def test_without_the_newer_reports_the_titles_stay_wrong(alone):
    assert not TAUGHT & alone


def test_the_newer_clean_reports_repair_the_older_bad_layer_in_one_batch(one_batch, alone):
    titles = titles_of(one_batch, BAD)
    assert TAUGHT <= titles
    reports = pd.read_parquet(one_batch / "reports").set_index("source_file")
    qualities = {Path(s).name: q for s, q in reports.text_quality.items()}
    assert qualities == {"ange-2024-t3.pdf": "ocr", "ange-2025-t1.pdf": "clean",
                         "ange-2025-t2.pdf": "clean"}
    assert not (one_batch / ".pending").exists() or not any((one_batch / ".pending").iterdir())


def test_the_vocabulary_table_holds_what_the_clean_reports_taught(one_batch):
    vocab = pd.read_parquet(one_batch / "vocabulary")
    reports = pd.read_parquet(one_batch / "reports")
    clean = set(reports[reports.text_quality == "clean"].report_id)
    assert set(vocab.report_id) == clean  # nothing learned from the repaired report
    assert set(vocab.municipality) == {"Ånge kommun"}
    assert {"goal_title", "activity_title", "word", "name"} == set(vocab.kind)
    # "Ångemodellen" is printed in the 2025 reports; it is a learned word
    assert "Ångemodellen" in set(vocab[vocab.kind == "word"].term)
    assert (vocab["count"] >= 1).all()


def test_a_later_run_learns_from_the_vocabulary_of_an_earlier_one(one_batch, tmp_path):
    out = tmp_path / "out"
    extract(out, *NEWER)
    extract(out, BAD)
    assert titles_of(out, BAD) == titles_of(one_batch, BAD)


OPEN_HOOK = """
import os

def hook(stage, path, index):
    if stage == "open":
        with open(os.environ["OPENED_LOG"], "a", encoding="utf-8") as fh:
            fh.write(os.path.basename(path) + "\\n")
"""


def logging_opens(tmp_path: Path) -> tuple[dict, Path]:
    """An environment whose extract runs log the name of every file a scan job opens."""
    import os

    from malrapport.extract.jobs import TEST_HOOK_ENV

    (tmp_path / "openlog.py").write_text(OPEN_HOOK, encoding="utf-8")
    log = tmp_path / "opened.txt"
    env = dict(os.environ, OPENED_LOG=str(log))
    env[TEST_HOOK_ENV] = "openlog:hook"
    env["PYTHONPATH"] = os.pathsep.join([str(tmp_path), env.get("PYTHONPATH", "")])
    return env, log


def test_a_report_waiting_for_its_repair_survives_an_interrupted_run(one_batch, tmp_path):
    """An interrupted run leaves the read report in .pending/; the next run repairs
    it without reading the file again, and the output is the uninterrupted run's."""
    out = tmp_path / "out"
    extract(out, NEWER[0])
    options = ExtractOptions(ocr="never")
    scan = scan_file(BAD, str(BAD), options, defer=True)
    assert type(scan.report).__name__ == "Unrepaired"
    pending = Pending(out, EXTRACTOR_VERSION)
    pending.put(scan.report, str(BAD))
    assert pending.get(scan.report_id) == scan.report  # what the next run takes
    moved = tmp_path / "elsewhere" / BAD.parent.name / BAD.name
    moved.parent.mkdir(parents=True)
    shutil.copy(BAD, moved)
    # the same bytes: the report is taken from .pending/, not read again
    env, opened = logging_opens(tmp_path)
    proc = run_cli("extract", moved, *NEWER, "-o", out, "--ocr", "never", "--quiet",
                   "--workers", "1", env=env, ok=(0, 3))
    assert "2 done" in proc.stderr and "1 skipped" in proc.stderr
    # the newer report not extracted before is read; the waiting one is not
    assert opened.read_text(encoding="utf-8").split() == [NEWER[1].name]
    assert titles_of(out, moved) == titles_of(one_batch, BAD)
    assert not any((out / ".pending").glob("*.json"))


# --- a file that holds several reports ----------------------------------------------

OTHER_BAD = SAMPLES / "pdf" / "badlayer" / "sjovik-2022-t1.pdf"  # Sjövik, another town


def joined(path: Path, *pdfs: Path) -> Path:
    """One PDF of the pages of ``pdfs`` in turn (an archive's bundling of reports)."""
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter()
    for pdf in pdfs:
        for page in PdfReader(pdf).pages:
            writer.add_page(page)
    with open(path, "wb") as fh:
        writer.write(fh)
    return path


def part_titles(out: Path, name: str) -> list[set[str]]:
    """The goal and activity titles of each report read from the file ``name``, in page order."""
    reports = pd.read_parquet(out / "reports")
    parts = reports[reports.source_file.str.endswith(name)].sort_values("first_page")
    goals, acts = pd.read_parquet(out / "goals"), pd.read_parquet(out / "activities")
    return [set(goals[goals.report_id == rid].title) | set(acts[acts.report_id == rid].title)
            for rid in parts.report_id]


def test_the_parts_of_a_joined_file_wait_for_the_batch_vocabulary(one_batch, alone, tmp_path):
    """A bad-layer report bound into one file with another municipality's, read before
    the clean reports of its own: its part is repaired with what those taught, as
    the same report alone in its own file is."""
    pdf = joined(tmp_path / "bound.pdf", BAD, OTHER_BAD)
    out = tmp_path / "out"
    extract(out, pdf, *NEWER, ok=(0, 3))  # the joined file first: its parts must still wait
    ange, _other = part_titles(out, pdf.name)
    assert TAUGHT <= ange and not TAUGHT & alone
    assert ange == titles_of(one_batch, BAD)
    reports = pd.read_parquet(out / "reports")
    assert sorted(reports[reports.source_file.str.endswith(pdf.name)].text_quality) == ["ocr", "ocr"]
    assert not any((out / ".pending").glob("*.json"))


def test_a_clean_part_teaches_the_other_part_of_its_file(tmp_path):
    """A born-digital report and a bad-layer report of the same municipality in one
    file: the clean part teaches the other one in the same run."""
    pdf = joined(tmp_path / "bound.pdf", NEWER[0], BAD)
    out = tmp_path / "out"
    extract(out, pdf)
    clean, bad = part_titles(out, pdf.name)
    assert TAUGHT <= clean and TAUGHT <= bad
    vocab = pd.read_parquet(out / "vocabulary")
    reports = pd.read_parquet(out / "reports").sort_values("first_page")
    assert list(reports.text_quality) == ["clean", "ocr"]
    assert set(vocab.report_id) == {reports.report_id.iloc[0]}  # learned from the clean part


def test_the_parts_of_a_joined_file_survive_an_interrupted_run(tmp_path):
    """An interrupted run leaves a joined file's parts in .pending/ (the clean one
    normalised, the other waiting); the next run writes them without reading the file
    again, as an uninterrupted run does."""
    pdf = joined(tmp_path / "bound.pdf", NEWER[0], BAD)
    whole = tmp_path / "whole"
    extract(whole, pdf, NEWER[1])
    out = tmp_path / "out"
    scan = scan_file(pdf, str(pdf), ExtractOptions(ocr="never"), defer=True)
    kinds = [type(part).__name__ for part in scan.report]
    assert kinds == ["ReportRecord", "Unrepaired"]
    pending = Pending(out, EXTRACTOR_VERSION)
    pending.put(scan.report, str(pdf))
    assert pending.get(scan.report_id) == scan.report
    env, opened = logging_opens(tmp_path)
    proc = run_cli("extract", pdf, NEWER[1], "-o", out, "--ocr", "never", "--quiet",
                   "--workers", "1", env=env, ok=(0, 3))
    assert "2 done" in proc.stderr, proc.stderr
    assert opened.read_text(encoding="utf-8").split() == [NEWER[1].name]  # not the joined file
    assert part_titles(out, pdf.name) == part_titles(whole, pdf.name)
    for table in ("reports", "vocabulary", "repairs"):
        a = pd.read_parquet(out / table).drop(columns=["extracted_at"], errors="ignore")
        b = pd.read_parquet(whole / table).drop(columns=["extracted_at"], errors="ignore")
        assert a.astype(str).sort_values(list(a.columns)).values.tolist() == \
            b.astype(str).sort_values(list(b.columns)).values.tolist(), table
    assert not any((out / ".pending").glob("*.json"))


def test_learned_vocabularies_keep_municipalities_apart():
    options = ExtractOptions(ocr="never")
    rows = []
    for pdf in (DIGITAL / "ange-2025-t1.pdf", DIGITAL / "sjovik-2022-t1.pdf"):
        report = scan_file(pdf, pdf.name, options).report
        assert report.text_quality == "clean"
        rows += learned_rows(report, report_texts(report))
    learned = learned_vocabularies(rows)
    assert set(learned) == {"Ånge kommun", "Sjövik kommun"}
    assert "Ångemodellen" in learned["Ånge kommun"].words
    assert "Ångemodellen" not in learned["Sjövik kommun"].words
    # words are preferred spellings, never phrases of their own
    assert not any(len(p.split()) == 1 and p in learned["Ånge kommun"].words
                   for p in learned["Ånge kommun"].terms if p != "Kommunstyrelsen")


def test_every_repaired_word_is_audited_with_its_evidence(one_batch):
    repairs = pd.read_parquet(one_batch / "repairs")
    reports = pd.read_parquet(one_batch / "reports").set_index("report_id")
    # only the repaired report has repairs; the clean ones came out as they were
    assert set(reports.loc[repairs.report_id.unique()].text_quality) == {"ocr"}
    assert set(repairs.source) <= {"archive", "vocab", "context", "lexicon", "typography"}
    assert {"archive", "lexicon"} <= set(repairs.source)
    goals = pd.read_parquet(one_batch / "goals")
    bad = reports[reports.text_quality == "ocr"].index[0]
    # the title the newer reports taught: its changed words rest on the archive
    taught = goals[(goals.report_id == bad)
                   & goals.title.str.contains("ungdomsvänligaste")].ordinal.iloc[0]
    rows = repairs[(repairs.table == "goals") & (repairs.field == "title")
                   & (repairs.goal_ordinal == taught)]
    assert ("ungdomsvanligaste", "ungdomsvänligaste", "archive") in set(
        zip(rows.raw, rows.repaired, rows.source))
    # every row points at a field that now holds the repaired word
    for r in repairs[repairs.table == "goals"].itertuples():
        title = goals[(goals.report_id == r.report_id) & (goals.ordinal == r.goal_ordinal)]
        assert r.repaired in " ".join(title[r.field].iloc[0].split())
