"""``malrapport compare`` on the samples: the comparison table against the gold, the
page's content, and the page in a real headless browser (Debian's chromium)."""
from __future__ import annotations

import json
import re
import shutil
import subprocess
import tempfile
from collections import Counter, defaultdict
from pathlib import Path

import duckdb
import pandas as pd
import pytest
from PIL import Image

from conftest import GOLD, run_cli, system_stems
from malrapport.compare import NotAnOutputFolder, compare
from test_keys import gold_to_output_keys

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


@pytest.fixture(scope="session")
def compared(system_out, tmp_path_factory) -> tuple[Path, Path]:
    outdir = tmp_path_factory.mktemp("compared") / "out"
    shutil.copytree(system_out, outdir)
    html = outdir.parent / "comparison.html"
    run_cli("compare", outdir, "-o", html)
    return outdir, html


def gold_reports() -> list[dict]:
    """The reports the hand-checked figures below were worked out on (families A and B)."""
    return [dict(json.loads((GOLD / f"{stem}.json").read_text(encoding="utf-8")), stem=stem)
            for stem in system_stems()]


# --- the comparison table ------------------------------------------------------------

def test_one_row_per_goal_and_report_with_the_gold_assessment_and_status_counts(compared):
    outdir, _ = compared
    comp = pd.read_parquet(outdir / "comparison")
    reports = pd.read_parquet(outdir / "reports")
    assert not comp.duplicated(["goal_key", "report_id"]).any()
    assert len(comp) == len(pd.read_parquet(outdir / "goals"))
    goal_pairs, _ = gold_to_output_keys(outdir, system_stems())
    key_of = {(stem, title): key for _, key, stem, title in goal_pairs}
    rid_of = dict(zip(reports.source_file.str.split("/").str[-1].str.removesuffix(".pdf"),
                      reports.report_id))
    checked = 0
    for gold in gold_reports():
        for g in gold["goals"]:
            row = comp[(comp.goal_key == key_of[(gold["stem"], g["title"])])
                       & (comp.report_id == rid_of[gold["stem"]])]
            assert len(row) == 1
            row = row.iloc[0]
            assert (row.assessment if pd.notna(row.assessment) else None) == g["assessment"]
            want = Counter(a["status"] for a in g["activities"])
            assert row.n_activities == len(g["activities"])
            for status in ("ej_paborjad", "pagaende_enligt_plan", "pagaende_med_avvikelse",
                           "avslutad_enligt_plan", "avslutad_med_avvikelse", "vantelage"):
                assert row[f"n_{status}"] == want[status], (gold["stem"], g["number"], status)
            checked += 1
    assert checked == sum(len(g["goals"]) for g in gold_reports())


def test_the_readme_analysis_in_pandas_and_duckdb_agree(compared):
    outdir, _ = compared
    comp = pd.read_parquet(outdir / "comparison")
    by_pandas = (comp[comp.municipality == "Ånge kommun"]
                 .pivot_table(index="goal_key", columns="period_label", values="assessment",
                              aggfunc="first"))
    assert by_pandas.loc[by_pandas.index.str.contains("sjukfranvaron"),
                         ["2024 T3", "2025 T1", "2025 T2"]].values.tolist() == [
        ["knappt_uppfyllt", "delvis_uppfyllt", "knappt_uppfyllt"]]
    worse = duckdb.sql(f"""
        select period_label, sum(n_pagaende_med_avvikelse + n_avslutad_med_avvikelse) as avvikelse
        from '{outdir}/comparison/*.parquet' where municipality = 'Ånge kommun'
        group by period_label order by period_label""").fetchall()
    by_hand = (comp[comp.municipality == "Ånge kommun"]
               .assign(avvikelse=lambda d: d.n_pagaende_med_avvikelse + d.n_avslutad_med_avvikelse)
               .groupby("period_label").avvikelse.sum())
    assert [(p, int(n)) for p, n in worse] == [(p, int(n)) for p, n in by_hand.items()]
    assert dict(worse)["2025 T2"] == 4  # counted in the gold of ange-2025-t2


# --- what the page shows ---------------------------------------------------------------

def test_worsened_activities_are_the_hand_checked_ones(system_out, tmp_path):
    shutil.copytree(system_out, tmp_path / "out")
    series = {s.municipality: s for s in compare(tmp_path / "out", tmp_path / "c.html")}
    ange = series["Ånge kommun"]
    got = sorted((w.title[:30], w.before.label, w.after.label, w.status_before, w.status_after)
                 for w in ange.worsened)
    # Read off the gold of Ånge 2025 T1 → T2; nothing got worse from 2024 helår to 2025 T1.
    assert got == [
        ("Börja källsortera avfallet", "2025 T1", "2025 T2", "ej_paborjad",
         "avslutad_med_avvikelse"),
        ("Delta i akademiskt projekt gäl", "2025 T1", "2025 T2", "ej_paborjad", "vantelage"),
        ("Minska övertiden inom sociala ", "2025 T1", "2025 T2", "pagaende_enligt_plan",
         "pagaende_med_avvikelse"),
        ("Praktiskt arbete för ökad närv", "2025 T1", "2025 T2", "pagaende_enligt_plan",
         "avslutad_med_avvikelse"),
    ]
    assert [c.label for c in ange.columns] == ["2024 T3", "2024 uppsikt", "2025 T1", "2025 T2"]


def test_goals_that_appear_disappear_or_are_reworded_match_the_gold(system_out, tmp_path):
    shutil.copytree(system_out, tmp_path / "out")
    series = {s.municipality: s for s in compare(tmp_path / "out", tmp_path / "c.html")}
    (change,) = series["Ånge kommun"].year_changes
    goal_pairs, _ = gold_to_output_keys(tmp_path / "out", system_stems())
    year = {g["stem"]: g["report"]["year"] for g in gold_reports()}
    keys_by_year: dict[int, set[str]] = defaultdict(set)
    for (muni, _), key, stem, _ in goal_pairs:
        if muni == "Ånge kommun":
            keys_by_year[year[stem]].add(key)
    old, new = keys_by_year[2024], keys_by_year[2025]
    assert (change.from_year, change.to_year) == (2024, 2025)
    assert {k for k, _ in change.appeared} == new - old
    assert {k for k, _ in change.disappeared} == old - new
    assert len(change.appeared) == len(change.disappeared) == 5
    reworded = {new_t for _, _, new_t in change.reworded}
    assert reworded == {"Erbjuda ett rikt utbud av aktiviteter i kommunens verksamheter",
                        "Starta en pilotverksamhet kring anpassad kollektivtrafik",
                        "Utveckla 3 befintliga eller skapa 3 nya mötesplatser utomhus för alla"}


def test_a_folder_that_is_not_an_output_is_said_to_be_so(tmp_path):
    with pytest.raises(NotAnOutputFolder, match="not a malrapport output folder"):
        compare(tmp_path, tmp_path / "c.html")
    (tmp_path / "reports").mkdir()
    pd.DataFrame({"report_id": ["x"]}).to_parquet(tmp_path / "reports" / "x.parquet")
    with pytest.raises(NotAnOutputFolder, match="not written by malrapport"):
        compare(tmp_path, tmp_path / "c.html")
    proc = run_cli("compare", tmp_path / "missing", "-o", tmp_path / "c.html", check=False)
    assert proc.returncode != 0
    assert "no such folder" in proc.stderr
    assert not (tmp_path / "c.html").exists()


def test_the_page_is_self_contained(compared):
    _, html = compared
    text = html.read_text(encoding="utf-8")
    assert "<script" not in text and "<link" not in text and "@import" not in text
    assert not re.search(r"""(src|href)\s*=\s*["'](?!#)""", text)
    assert set(re.findall(r"https?://[^\s\"')]+", text)) <= {"http://www.w3.org/2000/svg"}
    assert "@media print" in text


# --- the page in a real browser ----------------------------------------------------------

def run_chromium(html: Path, png: Path, width: int = 1400, height: int = 2000):
    with tempfile.TemporaryDirectory() as profile:
        return subprocess.run(
            [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
             "--no-first-run", "--disable-background-networking", "--disable-component-update",
             "--disable-sync", f"--user-data-dir={profile}", "--enable-logging=stderr", "--v=0",
             f"--window-size={width},{height}", "--hide-scrollbars",
             f"--screenshot={png}", "--dump-dom", html.resolve().as_uri()],
            capture_output=True, text=True, timeout=180)


@pytest.mark.skipif(CHROMIUM is None, reason="chromium is not installed "
                    "(Debian: apt-get install chromium; scripts/install.sh installs it)")
def test_the_page_loads_in_chromium_and_shows_the_grid(compared, tmp_path):
    outdir, html = compared
    png = tmp_path / "page.png"
    proc = run_chromium(html, png)
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert "CONSOLE" not in proc.stderr and "net::ERR" not in proc.stderr
    dom = proc.stdout
    comp = pd.read_parquet(outdir / "comparison")
    reports = pd.read_parquet(outdir / "reports")
    grids = re.findall(r'<table class="grid" id="grid-\d+">', dom)
    assert len(grids) == reports.groupby(["municipality", "body"]).ngroups == 3
    cells = re.findall(r'<td class="cell (a-[a-z_]+|absent)"', dom)
    assert Counter(c != "absent" for c in cells)[True] == len(comp)
    assessed = Counter(c for c in cells if c not in ("absent", "a-none"))
    assert assessed == Counter(f"a-{a}" for a in comp.assessment.dropna())
    assert len(re.findall(r'<tr data-goal-key="', dom)) == comp.groupby(
        ["goal_key"]).ngroups
    assert dom.count('class="seg seg-') > 0
    # The colours were painted: the assessment greens, yellows and reds are on the screen.
    image = Image.open(png).convert("RGB")
    colours = {rgb: n for n, rgb in image.getcolors(maxcolors=1 << 24)}
    for rgb in ((0x3f, 0x9f, 0x5a), (0xf2, 0xd2, 0x4b), (0xd6, 0x45, 0x45)):
        assert colours.get(rgb, 0) > 500, f"#{bytes(rgb).hex()} not painted"


# --- small hand-made output folders ------------------------------------------------------

def write_outdir(folder: Path, reports: list[dict], goals: list[dict],
                 activities: list[dict]) -> Path:
    """An OUTDIR of the given rows, one file per table, as `extract` writes them."""
    from malrapport.schemas.tables import rows_to_table, write_table_file

    for name, rows in (("reports", reports), ("goals", goals), ("activities", activities)):
        write_table_file(folder, name, "all", rows_to_table(name, rows))
    return folder


def report(rid: str, year: int, period: str | None, kind: str,
           body: str = "Kommunstyrelsen") -> dict:
    return {"report_id": rid, "source_file": f"{rid}.pdf", "municipality": "Testby kommun",
            "body": body, "kind": kind, "year": year, "period": period}


def goal(rid: str, key: str, level: str, number: str | None = None,
         title: str | None = None, assessment: str | None = None) -> dict:
    return {"report_id": rid, "goal_key": key, "level": level, "number": number,
            "title": title or f"Målet {key}", "assessment": assessment}


def activity(rid: str, goal_key: str, key: str, status: str,
             plan_year: int | None = None) -> dict:
    return {"report_id": rid, "goal_key": goal_key, "activity_key": key,
            "title": f"Aktiviteten {key}", "status": status, "plan_year": plan_year}


def visible_text(html: str) -> str:
    """What a reader sees: the page without tags, attributes and style sheet."""
    html = re.sub(r"<style>.*?</style>", " ", html, flags=re.S)
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


# 1. where the page goes

@pytest.mark.parametrize("where, reason", [
    ("missing/dir/c.html", "does not exist"),
    ("OUT", "is a folder"),
    ("OUT/comparison", "comparison table"),
])
def test_a_page_path_that_cannot_be_written_is_a_usage_error_before_any_work(
        tmp_path, where, reason):
    out = write_outdir(tmp_path / "out", [report("r1", 2024, "T1", "tertial")],
                       [goal("r1", "g1", "ks")], [])
    target = out if where == "OUT" else (
        out / "comparison" if where == "OUT/comparison" else tmp_path / where)
    proc = run_cli("compare", out, "-o", target, check=False)
    assert proc.returncode == 2, proc.stderr
    assert "Traceback" not in proc.stderr
    (line,) = proc.stderr.strip().splitlines()
    assert line.startswith(f"malrapport: {target}: ") and reason in line
    assert not (out / "comparison").exists()  # nothing was written: the check came first
    from malrapport.compare import UnwritablePage
    from malrapport.extract.errors import UsageError

    with pytest.raises(UnwritablePage, match=reason) as e:
        compare(out, target)
    assert isinstance(e.value, UsageError) and isinstance(e.value, NotAnOutputFolder)
    assert not (out / "comparison").exists()


def test_the_page_is_written_atomically(tmp_path, monkeypatch):
    import os

    out = write_outdir(tmp_path / "out", [report("r1", 2024, "T1", "tertial")],
                       [goal("r1", "g1", "ks")], [])
    page = tmp_path / "pages" / "c.html"
    page.parent.mkdir()
    compare(out, page)
    assert [p.name for p in page.parent.iterdir()] == ["c.html"]
    assert page.read_text(encoding="utf-8").rstrip().endswith("</html>")
    page.write_text("the page of yesterday", encoding="utf-8")

    rename = os.replace

    def no_room_for_the_page(src, dst):
        if Path(dst) == page:
            raise OSError(28, "No space left on device")
        rename(src, dst)

    monkeypatch.setattr(os, "replace", no_room_for_the_page)
    with pytest.raises(OSError):
        compare(out, page)
    # The old page is whole and no temp file is left beside it.
    assert page.read_text(encoding="utf-8") == "the page of yesterday"
    assert [p.name for p in page.parent.iterdir()] == ["c.html"]


# 2. the legend, and the labels it takes from the labels table

def test_the_legend_tells_saknas_from_no_assessment_in_the_labels_tables_words(compared):
    from malrapport.schemas import labels

    _, html = compared
    text = html.read_text(encoding="utf-8")
    legend = re.search(r'<ul class="legend">(.*?)</ul>', text).group(1)
    assert "Saknas (rapporten anger att bedömning saknas)" in legend
    assert "– ingen bedömning angiven" in legend
    assert "– ingen bedömning</li>" not in text
    for key, color in labels.ASSESSMENT_COLOR.items():
        assert f'background:{color}"></span>{labels.ASSESSMENT_LABEL[key]}' in legend
        assert f"td.a-{key} {{ background: {color};" in text
    legends = re.findall(r'<ul class="legend">(.*?)</ul>', text)
    status_legend = legends[1]
    shown = re.findall(r'background:(#[0-9a-f]+)"></span>([^<]+)</li>', status_legend)
    assert shown[:len(labels.STATUS_ORDER)] == [
        (labels.STATUS_COLOR[k], labels.STATUS_LABEL[k]) for k in labels.STATUS_ORDER]
    assert shown[-1][1] == "Utan status"


# 3. which goals are new or gone

def test_goals_are_new_or_gone_only_against_reports_that_could_hold_them(tmp_path):
    """2023 tertial (KS), 2024 uppsikt (KS, ekonomi), 2025 tertial (KF, KS, ekonomi); and
    a second body with two tertial reports, the first without KF goals."""
    reports = [report("t23", 2023, "T3", "tertial"), report("u24", 2024, None, "uppsikt"),
               report("t25", 2025, "T1", "tertial"),
               report("n24", 2024, "T3", "tertial", body="Nämnd"),
               report("n25", 2025, "T3", "tertial", body="Nämnd")]
    goals = [goal("t23", "ks-x", "ks", "1"), goal("t23", "ks-y", "ks", "2"),
             goal("u24", "ks-x", "ks", "1"), goal("u24", "eko-e", "ekonomi", "9"),
             goal("t25", "kf-k", "kf", "1"), goal("t25", "ks-x", "ks", "1.1"),
             goal("t25", "ks-b", "ks", "1.2"), goal("t25", "eko-e", "ekonomi", "9"),
             goal("n24", "n-x", "ks", "1"),
             goal("n25", "n-kf", "kf", "1"), goal("n25", "n-x", "ks", "1.1")]
    out = write_outdir(tmp_path / "out", reports, goals, [])
    series = {s.body: s for s in compare(out, tmp_path / "c.html")}
    c23, c24 = series["Kommunstyrelsen"].year_changes
    # 2023 → 2024: the KS goal gone is gone (the uppsikt report holds KS goals); the
    # ekonomi goal is not new: 2023 has no uppsikt report and no ekonomi goal.
    assert ([k for k, _ in c23.appeared], [k for k, _ in c23.disappeared]) == ([], ["ks-y"])
    assert [(k, y) for k, _, y in c23.not_comparable] == [("eko-e", 2024)]
    # 2024 → 2025: the tertial report's KF goal is not new against the uppsikt report.
    assert ([k for k, _ in c24.appeared], [k for k, _ in c24.disappeared]) == (["ks-b"], [])
    assert [(k, y) for k, _, y in c24.not_comparable] == [("kf-k", 2025)]
    # Same kind is enough: a KF goal in the second tertial report is new.
    (n,) = series["Nämnd"].year_changes
    assert ([k for k, _ in n.appeared], n.disappeared, n.not_comparable) == (["n-kf"], [], [])
    page = visible_text((tmp_path / "c.html").read_text(encoding="utf-8"))
    assert "Kan inte jämföras (1) Målet kf-k (bara 2025)" in page


def test_the_samples_kf_goals_are_not_new_against_a_supervision_report(system_out, tmp_path):
    shutil.copytree(system_out, tmp_path / "out")
    series = compare(tmp_path / "out", tmp_path / "c.html")
    (norrfors,) = [s for s in series if s.municipality == "Norrfors kommun"]
    assert {c.kind for c in norrfors.columns} == {"uppsikt", "tertial"}
    level = {line.goal_key: line.level for line in norrfors.goals}
    (change,) = norrfors.year_changes
    assert change.appeared and not any(level[k] == "kf" for k, _ in change.appeared)
    assert {level[k] for k, _, _ in change.not_comparable} == {"kf"}


# 4. nothing to compare

def test_a_single_report_says_there_is_nothing_to_compare(tmp_path):
    out = write_outdir(tmp_path / "out", [report("r1", 2024, "T1", "tertial")],
                       [goal("r1", "g1", "ks", "1")],
                       [activity("r1", "g1", "a1", "pagaende_med_avvikelse")])
    (s,) = compare(out, tmp_path / "c.html")
    page = visible_text((tmp_path / "c.html").read_text(encoding="utf-8"))
    assert "Bara en rapport (2024 T1): inget att jämföra." in page
    assert "fick sämre status" not in page and "Ingen aktivitet" not in page
    assert s.n_report_pairs == 0 and not s.worsened


def test_reports_of_different_kinds_only_say_there_is_nothing_to_compare(tmp_path):
    out = write_outdir(tmp_path / "out", [report("r1", 2024, "T1", "tertial"),
                                          report("r2", 2024, None, "uppsikt")],
                       [goal("r1", "g1", "ks", "1"), goal("r2", "g1", "ks", "1")],
                       [activity("r1", "g1", "a1", "pagaende_enligt_plan"),
                        activity("r2", "g1", "a1", "pagaende_med_avvikelse")])
    (s,) = compare(out, tmp_path / "c.html")
    page = visible_text((tmp_path / "c.html").read_text(encoding="utf-8"))
    assert "Ingen rapport har en tidigare rapport av samma slag" in page
    assert "fick sämre status" not in page
    assert (s.n_report_pairs, s.n_compared, s.worsened) == (0, 0, [])


# 5. goals by number and title, not by key

def test_goal_rows_show_number_and_title_and_keep_the_key_out_of_sight(compared, tmp_path):
    out = write_outdir(tmp_path / "out", [report("r1", 2024, "T1", "tertial")],
                       [goal("r1", "testby-ks-fler-ska-trivas-abc123", "ks", "2.1",
                             "Fler ska trivas.")], [])
    compare(out, tmp_path / "c.html")
    html = (tmp_path / "c.html").read_text(encoding="utf-8")
    (row,) = re.findall(r'<tr data-goal-key="testby-ks-fler-ska-trivas-abc123">'
                        r'<th class="goal" scope="row" title="([^"]*)">(.*?)</th>', html)
    assert row[0] == "testby-ks-fler-ska-trivas-abc123"
    assert visible_text(row[1]) == "KS 2.1 Fler ska trivas."
    # On the samples' page no goal key is to be read anywhere, only in attributes.
    outdir, page = compared
    text = visible_text(page.read_text(encoding="utf-8"))
    keys = set(pd.read_parquet(outdir / "comparison").goal_key)
    assert keys and not [k for k in keys if k in text]


# 6. the grid's width

def test_the_grid_takes_the_full_width_of_the_content(tmp_path):
    out = write_outdir(tmp_path / "out", [report("r1", 2024, "T1", "tertial"),
                                          report("r2", 2024, "T2", "tertial")],
                       [goal(r, "g1", "ks", "1", "Kort mål.", "uppfyllt") for r in ("r1", "r2")],
                       [])
    html = tmp_path / "c.html"
    compare(out, html)
    assert re.search(r"table\.grid \{[^}]*width: 100%", html.read_text(encoding="utf-8"))
    if CHROMIUM is None:
        pytest.skip("chromium is not installed: the width is checked in the CSS only")
    png = tmp_path / "page.png"
    proc = run_chromium(html, png, width=1200, height=900)
    assert proc.returncode == 0, proc.stderr[-2000:]
    image = Image.open(png).convert("RGB")
    width, height = image.size
    pixels = image.load()

    def extent(rgb):
        xs = [x for y in range(height) for x in range(width) if pixels[x, y] == rgb]
        return min(xs), max(xs)

    # The h2's rule spans the content area; the grid's header row must span it too.
    content = extent((0x33, 0x33, 0x33))
    header = extent((0xf1, 0xf1, 0xf1))
    assert header[0] <= content[0] + 3 and header[1] >= content[1] - 3, (content, header)


# 7. "got worse" within one plan year

def test_an_activity_is_compared_within_its_plan_year_only(tmp_path):
    reports = [report("t24", 2024, "T3", "tertial"), report("t25a", 2025, "T1", "tertial"),
               report("t25b", 2025, "T2", "tertial")]
    goals = [goal(r, "g1", "ks", "1") for r in ("t24", "t25a", "t25b")]
    # Plan years not filled (an older output): the report's year is the plan year.
    acts = [activity("t24", "g1", "a1", "pagaende_enligt_plan"),
            activity("t25a", "g1", "a1", "ej_paborjad"),
            activity("t25b", "g1", "a1", "vantelage")]
    (s,) = compare(write_outdir(tmp_path / "a", reports, goals, acts), tmp_path / "a.html")
    assert [(w.before.label, w.after.label) for w in s.worsened] == [("2025 T1", "2025 T2")]
    assert s.worsened[0].plan_year == 2025 and s.n_compared == 1
    # Filled: the 2025 T1 report still follows up the 2024 plan; its T2 the 2025 plan.
    acts = [activity("t24", "g1", "a1", "pagaende_enligt_plan"),
            activity("t25a", "g1", "a1", "ej_paborjad", plan_year=2024),
            activity("t25b", "g1", "a1", "vantelage", plan_year=2025)]
    (s,) = compare(write_outdir(tmp_path / "b", reports, goals, acts), tmp_path / "b.html")
    assert [(w.before.label, w.after.label) for w in s.worsened] == [("2024 T3", "2025 T1")]
    assert s.worsened[0].plan_year == 2024


def test_the_same_activity_in_two_years_plans_is_not_said_to_get_worse(tmp_path):
    reports = [report("t24", 2024, "T3", "tertial"), report("t25", 2025, "T1", "tertial")]
    goals = [goal(r, "g1", "ks", "1") for r in ("t24", "t25")]
    acts = [activity("t24", "g1", "a1", "avslutad_enligt_plan"),
            activity("t25", "g1", "a1", "pagaende_med_avvikelse")]
    (s,) = compare(write_outdir(tmp_path / "out", reports, goals, acts), tmp_path / "c.html")
    assert s.worsened == [] and s.n_report_pairs == 1 and s.n_compared == 0
    page = visible_text((tmp_path / "c.html").read_text(encoding="utf-8"))
    assert "Ingen aktivitet finns i två rapporter i följd av samma slag inom samma planår" in page
