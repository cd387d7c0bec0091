"""Pages out of order and reports joined into one PDF (issue 15, items 3 and 1).

The cases are built from the committed samples with pypdf, as a scanner's feeder
and an archive's bundling make them: a report turned over (its pages reversed), two
pages swapped, a page lost or fed twice, a T1 and a T2 of the same year joined, a
tertial and a committee report joined, two scanned reports joined. Each is read with
the real CLI and scored against the samples' gold, every report of a joined file
against its own gold (``evaluate.evaluate_report``).
"""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from pypdf import PdfReader, PdfWriter

from conftest import DIGITAL, SAMPLES, load_gold, run_cli
from malrapport.evaluate import evaluate_report
from malrapport.schemas.tables import read_table

SCAN300 = SAMPLES / "pdf" / "scan300"


def build(path, *parts):
    """A PDF of the given (sample PDF, 0-based page order or None for all) parts."""
    writer = PdfWriter()
    for source, order in parts:
        reader = PdfReader(source)
        for i in (range(len(reader.pages)) if order is None else order):
            writer.add_page(reader.pages[i])
    with open(path, "wb") as fh:
        writer.write(fh)
    return path


def extract(tmp_path, *pdfs, ocr="never", extra=()):
    folder = tmp_path / "in"
    folder.mkdir(exist_ok=True)
    for pdf in pdfs:
        if pdf.parent != folder:
            shutil.copy(pdf, folder / pdf.name)
    out = tmp_path / "out"
    proc = run_cli("extract", folder, "-o", out, "--ocr", ocr, "--workers", "2", "--quiet",
                   *extra, check=False)
    assert proc.returncode in (0, 3), proc.stderr
    assert "Traceback" not in proc.stderr
    return out


def rows(out, table):
    return read_table(out, table).to_pylist()


def reports_of(out, stem):
    return sorted((r for r in rows(out, "reports") if Path(r["source_file"]).stem == stem),
                  key=lambda r: r["first_page"])


def warnings_of(out, report_id, kind):
    return [w for w in rows(out, "warnings") if w["report_id"] == report_id and w["kind"] == kind]


def f1(out, report, gold_stem):
    return evaluate_report(out, load_gold(gold_stem), report["report_id"]).field_f1


def pages_of(n):
    return list(range(n))


# --- pages out of order -------------------------------------------------------------

REORDERED = [
    # (name, sample, file order of its pages)
    ("reversed", "ange-2025-t1", pages_of(9)[::-1]),
    ("swapped", "ange-2025-t1", [0, 1, 2, 3, 5, 4, 6, 7, 8]),  # activity tables run over 5–6
    ("swapped", "sjovik-soc-2023-aug", [0, 1, 2, 5, 4, 3, 6]),  # committee: "Sida 4 av 7"
    ("reversed", "ange-ar-2023", pages_of(15)[::-1]),  # the cover has no number
    ("swapped", "ange-vp-2017", [1, 0, 2, 3, 4]),  # the title page second
]


@pytest.fixture(scope="module")
def reordered_out(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("reordered")
    (tmp / "in").mkdir()
    for name, stem, order in REORDERED:
        build(tmp / "in" / f"{stem}-{name}.pdf", (DIGITAL / f"{stem}.pdf", order))
    return extract(tmp)


@pytest.mark.parametrize("name,stem,order", REORDERED, ids=[f"{s}-{n}" for n, s, _ in REORDERED])
def test_reordered_pages_read_as_the_original(reordered_out, digital_out, name, stem, order):
    [report] = reports_of(reordered_out, f"{stem}-{name}")
    [original] = reports_of(digital_out, stem)
    assert f1(reordered_out, report, stem) == f1(digital_out, original, stem) == 1.0
    assert (report["first_page"], report["last_page"]) == (1, len(order))
    assert report["report_id"] != original["report_id"] and "-p" not in report["report_id"]
    [warning] = warnings_of(reordered_out, report["report_id"], "page_order")
    assert warning["text"] == " ".join(str(order.index(i) + 1) for i in range(len(order)))
    first_out_of_place = next(k for k in range(len(order)) if order.index(k) != k)
    assert warning["page"] == order.index(first_out_of_place) + 1  # the file page it is on
    if name == "reversed":
        assert "reverse order" in warning["message"]
    # page is the file's page: where a viewer opens it
    file_page = {i + 1: k + 1 for k, i in enumerate(order)}  # printed page → file page
    goals = {g["ordinal"]: g["page"] for g in rows(reordered_out, "goals")
             if g["report_id"] == report["report_id"]}
    assert goals == {g["ordinal"]: file_page[g["page"]] for g in rows(digital_out, "goals")
                     if g["report_id"] == original["report_id"]}
    acts = sorted((a["goal_ordinal"], a["ordinal"], a["page"]) for a in rows(reordered_out, "activities")
                  if a["report_id"] == report["report_id"])
    assert acts == sorted((a["goal_ordinal"], a["ordinal"], file_page[a["page"]])
                          for a in rows(digital_out, "activities")
                          if a["report_id"] == original["report_id"])


def test_a_page_lost_or_fed_twice_is_a_warning(tmp_path):
    lost = build(tmp_path / "lost.pdf", (DIGITAL / "ange-2025-t1.pdf", [0, 1, 2, 3, 5, 6, 7, 8]))
    twice = build(tmp_path / "twice.pdf", (DIGITAL / "ange-2025-t1.pdf", [0, 1, 2, 3, 4, 4, 5, 6, 7, 8]))
    out = extract(tmp_path, lost, twice)
    [lost_report] = reports_of(out, "lost")
    [missing] = warnings_of(out, lost_report["report_id"], "page_order")
    assert "printed page 5 of 9 is not in the file" in missing["message"]
    [twice_report] = reports_of(out, "twice")
    [repeated] = warnings_of(out, twice_report["report_id"], "page_order")
    assert "printed page number 5 stands on more than one page (file pages 5, 6)" in repeated["message"]
    assert repeated["page"] == 6
    # the same number twice orders nothing: the pages are read as the file has them
    assert not any(w["kind"] == "report_split" for w in rows(out, "warnings"))


# --- reports joined into one file ------------------------------------------------------

JOINED = [
    ("t1-t2", "ange-2025-t1", "ange-2025-t2"),  # same template, same year: T1 then T2
    ("tertial-committee", "ange-2025-t1", "sjovik-soc-2023-aug"),  # two families
]


@pytest.fixture(scope="module")
def joined_out(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("joined")
    (tmp / "in").mkdir()
    for name, first, second in JOINED:
        build(tmp / "in" / f"{name}.pdf", (DIGITAL / f"{first}.pdf", None),
              (DIGITAL / f"{second}.pdf", None))
    return extract(tmp)


def _pages(stem, folder=DIGITAL):
    return len(PdfReader(folder / f"{stem}.pdf").pages)


@pytest.mark.parametrize("name,first,second", JOINED, ids=[n for n, _, _ in JOINED])
def test_joined_reports_are_split(joined_out, name, first, second):
    parts = reports_of(joined_out, name)
    assert len(parts) == 2
    n1, n2 = _pages(first), _pages(second)
    file_hash = parts[0]["report_id"].rsplit("-p", 1)[0]
    assert [r["report_id"] for r in parts] == [f"{file_hash}-p1", f"{file_hash}-p{n1 + 1}"]
    assert [(r["first_page"], r["last_page"], r["pages"]) for r in parts] == [
        (1, n1, n1 + n2), (n1 + 1, n1 + n2, n1 + n2)]
    for report, stem in zip(parts, (first, second)):
        gold = load_gold(stem)
        assert {k: report[k] for k in gold["report"]} == gold["report"]
        assert f1(joined_out, report, stem) == 1.0
        assert not [w for w in rows(joined_out, "warnings") if w["report_id"] == report["report_id"]]
        goals = [g for g in rows(joined_out, "goals") if g["report_id"] == report["report_id"]]
        assert len(goals) == len(gold["goals"])
        assert all(report["first_page"] <= g["page"] <= report["last_page"] for g in goals)
    # a T1 and a T2 of one year: the same goals under the same keys
    if name == "t1-t2":
        keys = [{g["goal_key"] for g in rows(joined_out, "goals") if g["report_id"] == r["report_id"]}
                for r in parts]
        assert keys[0] == keys[1]
        registry = {r["goal_key"] for r in rows(joined_out, "goal_registry")}
        assert registry >= keys[0] and not any(k.endswith("-2") for k in registry)


def test_a_split_file_is_skipped_on_a_rerun_and_replaced_whole_with_force(joined_out):
    before = {p.name: p.stat().st_mtime_ns for p in (joined_out / "reports").glob("*-p*.parquet")}
    assert len(before) == 4
    folder = joined_out.parent / "in"
    proc = run_cli("extract", folder, "-o", joined_out, "--ocr", "never", "--workers", "1",
                   check=False)
    assert "0 done, 0 failed, 2 skipped" in proc.stderr, proc.stderr
    assert {p.name: p.stat().st_mtime_ns for p in (joined_out / "reports").glob("*-p*.parquet")} == before
    proc = run_cli("extract", folder, "-o", joined_out, "--ocr", "never", "--workers", "1",
                   "--force", check=False)
    assert "2 done, 0 failed, 0 skipped" in proc.stderr, proc.stderr
    after = {p.name: p.stat().st_mtime_ns for p in (joined_out / "reports").glob("*-p*.parquet")}
    assert after.keys() == before.keys() and all(after[k] != before[k] for k in before)


def test_a_split_file_with_a_part_missing_is_read_again(tmp_path):
    joined = build(tmp_path / "t1-t2.pdf", (DIGITAL / "ange-2025-t1.pdf", None),
                   (DIGITAL / "ange-2025-t2.pdf", None))
    out = extract(tmp_path, joined)
    second = reports_of(out, "t1-t2")[1]["report_id"]
    (out / "reports" / f"{second}.parquet").unlink()  # a run stopped between the two
    proc = run_cli("extract", tmp_path / "in", "-o", out, "--ocr", "never", "--workers", "1",
                   check=False)
    assert "1 done" in proc.stderr, proc.stderr
    assert len(reports_of(out, "t1-t2")) == 2


def test_a_file_once_read_as_one_report_leaves_no_stale_rows_or_keys(tmp_path):
    """What an older version wrote for a joined file (one report: the first one's
    metadata, every goal twice, the second copy under new keys) is replaced by the two
    reports, and the keys of the wrong merge leave the registry."""
    from malrapport.extract.jobs import file_id
    from malrapport.extract.options import ExtractOptions
    from malrapport.extract.pages import open_checked, text_pages
    from malrapport.extract.report import read_report
    from malrapport.normalize.keys import KeyAssigner
    from malrapport.normalize.records import normalize_report
    from malrapport.schemas.output import write_report

    joined = build(tmp_path / "t1-t2.pdf", (DIGITAL / "ange-2025-t1.pdf", None),
                   (DIGITAL / "ange-2025-t2.pdf", None))
    data = joined.read_bytes()
    pdf = open_checked(joined, data, ExtractOptions())
    pages = [words for words, _facts in text_pages(pdf, ExtractOptions())]
    pdf.close()
    merged = normalize_report(read_report(pages, file_id(data), "in/t1-t2.pdf").report)
    assert len(merged.goals) == 2 * len(load_gold("ange-2025-t1")["goals"])
    out = tmp_path / "out"
    keys = KeyAssigner.open(out)
    write_report(out, keys.provisional(merged), "0.2.0")  # an older extractor: read again now
    keys.save()
    wrong = {r["goal_key"] for r in rows(out, "goal_registry")}
    assert any(k.endswith("-2") for k in wrong)

    extract(tmp_path, joined)
    stems = {p.stem for table in ("reports", "goals", "activities", "warnings")
             for p in (out / table).glob("*.parquet") if p.stem != "empty"}
    assert stems == {f"{file_id(data)}-p1", f"{file_id(data)}-p10"}
    goal_keys = {g["goal_key"] for g in rows(out, "goals")}
    assert {r["goal_key"] for r in rows(out, "goal_registry")} == goal_keys
    assert {r["activity_key"] for r in rows(out, "activity_registry")} == \
        {a["activity_key"] for a in rows(out, "activities")}
    assert not any(k.endswith("-2") for k in goal_keys)
    assert [r["period"] for r in reports_of(out, "t1-t2")] == ["T1", "T2"]


# --- a scanned case ------------------------------------------------------------------

@pytest.mark.skipif(shutil.which("tesseract") is None, reason="needs tesseract")
def test_two_scanned_reports_joined_are_split(tmp_path):
    """Two scans at 300 dpi joined (5 + 6 pages, OCR): split at the title change and the
    title page, each report as good as its own scan reads (field_f1 1.0 measured)."""
    joined = build(tmp_path / "scans.pdf", (SCAN300 / "sjovik-2022-t1.pdf", None),
                   (SCAN300 / "norrfors-2023-t2.pdf", None))
    out = extract(tmp_path, joined, ocr="auto")
    parts = reports_of(out, "scans")
    assert [(r["first_page"], r["last_page"], r["ocr_pages"]) for r in parts] == [(1, 5, 5), (6, 11, 6)]
    for report, stem in zip(parts, ("sjovik-2022-t1", "norrfors-2023-t2")):
        assert report["title"] == load_gold(stem)["report"]["title"]
        assert f1(out, report, stem) >= 0.97
    assert not [w for w in rows(out, "warnings") if w["kind"] in ("page_order", "report_split")]


# --- the mechanism on made-up pages --------------------------------------------------

def _made_up(footers, covers=()):
    """Pages of one body line and a footer line each; a page in ``covers`` carries a
    tertial report's title in large print."""
    from malrapport.extract.layout import words_to_lines
    from malrapport.schemas.words import PageWords, Word

    def line(text, top, size=10.0):
        words, x = [], 60.0
        for t in text.split():
            words.append(Word(t, x, top, x + 0.5 * size * len(t), top + size, size))
            x += 0.5 * size * len(t) + 0.3 * size
        return words

    pages = []
    for n, footer in enumerate(footers, start=1):
        words = line("Text på sidan om målen", 400) + line(footer, 800)
        if n in covers:
            words += line("Målavstämning, tertial 1 2025", 150, size=24)
        pages.append(words_to_lines(PageWords(n, 595, 842, tuple(words))))
    return pages


def _plan(footers, covers=()):
    from malrapport.extract.pageorder import plan_reports
    from malrapport.extract.profile_load import builtin_profiles

    return plan_reports(_made_up(footers, covers), builtin_profiles())


def test_a_misread_page_number_between_its_neighbours_orders_nothing():
    footers = [f"Kommunstyrelsen Sida {n} av 9" for n in (1, 2, 3, 4, 5, 6, 7, 3, 9)]
    [part] = _plan(footers)
    assert list(part.order) == list(range(9))
    [warning] = part.warnings
    assert (warning.kind, warning.page) == ("page_order", 8)
    assert "reads 3" in warning.message and "taken as 8" in warning.message


def test_one_sign_of_a_new_report_is_a_warning_not_a_split():
    # the numbering starts again, but no title page and no change of title: one report
    footers = [f"Kommunstyrelsen Sida {n} av 4" for n in (1, 2, 3, 4, 1, 2, 3, 4)]
    [part] = _plan(footers, covers=(1,))
    assert list(part.order) == list(range(8))  # same numbers twice: the file's order
    kinds = sorted(w.kind for w in part.warnings)
    assert kinds == ["page_order", "report_split"]
    split = next(w for w in part.warnings if w.kind == "report_split")
    assert split.page == 5 and "read as part of the report before it" in split.message
    # with a title page where the numbering starts again: two reports
    parts = _plan(footers, covers=(1, 5))
    assert [list(p.order) for p in parts] == [[0, 1, 2, 3], [4, 5, 6, 7]]
    assert not any(p.warnings for p in parts)


def test_a_bare_number_that_never_changes_is_no_page_number():
    # the year at the end of a running line is the same on every page: not read as a page
    footers = ["Målavstämning, tertial 1 2025"] * 4
    [part] = _plan(footers)
    assert list(part.order) == [0, 1, 2, 3] and not part.warnings
    # a bare number that does change is, and orders the pages
    footers = [f"Målavstämning, tertial 1 2025 {n}" for n in (1, 3, 2, 4)]
    [part] = _plan(footers)
    assert list(part.order) == [0, 2, 1, 3]
