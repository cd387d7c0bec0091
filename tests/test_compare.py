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
    rid_of = dict(zip(reports.source_file.str.removesuffix(".pdf"), reports.report_id))
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
