"""Layout profiles: the built-in ones, a user's own for a layout nobody built in, clear
errors for a profile that cannot be used, and reports whose words changed."""
from __future__ import annotations

import copy
import json

import pandas as pd
import pytest
from reportlab.lib.pagesizes import A4
from reportlab.pdfgen.canvas import Canvas

from conftest import GOLD, ROOT, run_cli
from malrapport.samples.generate import render_pdf

BUILT_IN = {"tertial": "A", "uppsikt": "B", "namnd": "C", "arsredovisning": "D", "verksamhetsplan": "E"}


def test_profiles_lists_every_built_in_profile_once():
    lines = run_cli("profiles").stdout.strip().splitlines()
    assert len(lines) == len(BUILT_IN)
    for line in lines:
        name, family = line.split()[:2]
        assert BUILT_IN[name] == family


def test_profiles_show_prints_the_file():
    out = run_cli("profiles", "--show", "verksamhetsplan").stdout
    assert 'name = "verksamhetsplan"' in out and "Tidplan" in out


# errors -----------------------------------------------------------------------------
BAD_PROFILES = [
    # (file text, line the error is on, key named in the message)
    ('name = "x"\n[detect]\ntitles = ["Målrapport" "Plan"]\n', 3, ""),  # TOML syntax: no comma
    ('name = "x"\n[detect]\ntitles = ["Målrapport"\n', 3, ""),  # an unclosed list: its last line
    ('name = "x"\ncolour = "blue"\n', 2, "colour"),  # an unknown top-level key
    ('name = "x"\n\n[statuses]\n"Klar" = "klar"\n', 4, "statuses.Klar"),  # no such status key
    ('name = "x"\n[[tables]]\nkind = "activities"\ncolumns.title = ["Insats"]\ncolumns.owner = ["Ägare"]\n',
     5, "tables[0].columns.owner"),  # no such column role
    ('name = "x"\n[[tables]]\nkind = "activities"\ncolumns.status = ["Läge"]\n', 4,
     "tables[0].columns"),  # an activity table without a title column
    ('name = "x"\n[[title]]\nform = "Målrapport {år}"\n', 3, "title[0].form"),  # unknown placeholder
]


@pytest.mark.parametrize("text,line,key", BAD_PROFILES)
def test_a_bad_profile_is_one_clear_usage_error(tmp_path, text, line, key):
    path = tmp_path / "bad.toml"
    path.write_text(text, encoding="utf-8")
    pdf = tmp_path / "x.pdf"
    pdf.write_bytes(b"%PDF-1.4\n")
    proc = run_cli("extract", pdf, "-o", tmp_path / "out", "--profile", path, check=False)
    assert proc.returncode == 2
    message = proc.stderr.strip()
    assert len(message.splitlines()) == 1 and "Traceback" not in message
    assert f"{path}:{line}:" in message
    assert f": {key}:" in message if key else "TOML" in message
    assert not (tmp_path / "out").exists()  # refused before anything is written


def test_an_unknown_profile_name_lists_the_built_in_ones(tmp_path):
    proc = run_cli("profiles", "--profile", "nosuch", check=False)
    assert proc.returncode == 2
    assert "no such profile" in proc.stderr and "verksamhetsplan" in proc.stderr


# a layout nobody built in ------------------------------------------------------------
# The annotated example of the README's "Report families": a profile for a layout no
# built-in profile covers, read here with that very file.
HEDBY_PROFILE = ROOT / "docs" / "example-profile.toml"


def _hedby_pdf(path) -> None:
    """Two goal levels with their own prefixes, a result line, a four-column table."""
    c = Canvas(str(path), pagesize=A4, invariant=1)
    y = 800

    def text(x, s, size=10, bold=False):
        c.setFont("Helvetica-Bold" if bold else "Helvetica", size)
        c.drawString(x, y, s)

    text(60, "Hedby kommun", 12, True); y -= 30
    text(60, "Målrapport 2015", 18, True); y -= 22
    text(60, "Byggnadsnämnden", 12); y -= 40
    rows = {
        "1.1": [("Digital ansökan om bygglov", "Bygglovschef", "Klar", "2015-09-30"),
                ("Två nya handläggare", "Nämndchef", "Pågår", "2015-12-31")],
        "1.2": [("Tillsyn av ovårdade tomter", "Byggnadsinspektör", "Pågår", "2015-11-30")],
    }
    text(60, "Inriktningsmål 1: Hedby ska vara en trygg kommun att bo i.", 13, True); y -= 26
    for number, title, result in (("1.1", "Bygglov ska handläggas inom sex veckor.", "Uppnått"),
                                  ("1.2", "Fler fastigheter ska tillsynas varje år.", "Ej uppnått")):
        text(60, f"Effektmål {number}: {title}", 11, True); y -= 18
        text(60, f"Resultat: {result}"); y -= 22
        for x, head in zip((60, 250, 370, 450), ("Insats", "Ansvarig", "Läge", "Klart datum")):
            text(x, head, bold=True)
        y -= 15
        for row in rows[number]:
            for x, cell in zip((60, 250, 370, 450), row):
                text(x, cell)
            y -= 15
        y -= 20
    c.save()


def test_a_layout_nobody_built_in_reads_with_its_own_profile(tmp_path):
    pdf = tmp_path / "in" / "hedby-2015.pdf"
    pdf.parent.mkdir()
    _hedby_pdf(pdf)
    profile = tmp_path / "hedby.toml"
    profile.write_text(HEDBY_PROFILE.read_text(encoding="utf-8"), encoding="utf-8")

    plain = run_cli("extract", pdf.parent, "-o", tmp_path / "plain", "--quiet", "--ocr", "never",
                    check=False)
    assert plain.returncode == 1 and "unknown_layout" in plain.stderr  # no built-in profile fits

    out = tmp_path / "out"
    run_cli("extract", pdf.parent, "-o", out, "--quiet", "--ocr", "never", "--profile", profile)
    report = pd.read_parquet(out / "reports").iloc[0]
    assert (report.profile, report.kind, report.year, report.period, report.title) == (
        "hedby-2015", "malrapport", 2015, "T3", "Målrapport 2015")
    assert report.body == "Byggnadsnämnden" and report.municipality == "Hedby kommun"
    goals = pd.read_parquet(out / "goals").sort_values("ordinal")
    assert list(goals.number) == ["1", "1.1", "1.2"]
    assert list(goals.level) == ["kf", "ks", "ks"]
    assert list(goals.parent_number.fillna("-")) == ["-", "1", "1"]
    assert list(goals.assessment.fillna("-")) == ["-", "uppfyllt", "ej_uppfyllt"]
    assert goals.title.iloc[1] == "Bygglov ska handläggas inom sex veckor."
    acts = pd.read_parquet(out / "activities").sort_values(["goal_ordinal", "ordinal"])
    assert list(acts.title) == ["Digital ansökan om bygglov", "Två nya handläggare",
                                "Tillsyn av ovårdade tomter"]
    assert list(acts.responsible) == ["Bygglovschef", "Nämndchef", "Byggnadsinspektör"]
    assert list(acts.status) == ["avslutad_enligt_plan", "pagaende_enligt_plan", "pagaende_enligt_plan"]
    assert [str(d) for d in acts.end_date] == ["2015-09-30", "2015-12-31", "2015-11-30"]
    assert report.n_warnings == 0 and report.coverage == 1.0


def test_a_profile_can_start_from_a_built_in_one(tmp_path):
    """``extends``: the tertial layout with one more header word, nothing else written."""
    profile = tmp_path / "mine.toml"
    profile.write_text('extends = "tertial"\nname = "tertial-2019"\n'
                       '[[tables]]\nkind = "activities"\n'
                       'columns.title = ["Våra aktiviteter"]\ncolumns.status = ["Status"]\n'
                       'columns.end = ["Slutdatum"]\nunder_row = ["description", "comment"]\n',
                       encoding="utf-8")
    shown = run_cli("profiles", "--profile", profile).stdout
    assert shown.split()[0] == "tertial-2019" and "Våra aktiviteter" in shown
    gold, out = _variant(tmp_path, "ange-2025-t1", {"Verksamhetens aktiviteter": "Våra aktiviteter"},
                         profile=profile)
    report = pd.read_parquet(out / "reports").iloc[0]
    assert (report.profile, report.kind, report.period) == ("tertial-2019", "tertial", "T1")
    warnings = pd.read_parquet(out / "warnings")
    assert not (warnings.kind == "unknown_column").any()
    assert len(pd.read_parquet(out / "activities")) == sum(len(g["activities"]) for g in gold["goals"])


# the same reports with other words ------------------------------------------------------
def _variant(tmp_path, stem: str, words: dict | None = None, title: str | None = None,
             profile=None):
    gold = json.loads((GOLD / f"{stem}.json").read_text(encoding="utf-8"))
    gold = copy.deepcopy(gold)
    if words:
        gold["render"].setdefault("style", {})["words"] = words
    if title:
        gold["report"]["title"] = title
    folder = tmp_path / "in"
    folder.mkdir(exist_ok=True)
    (folder / f"{stem}.pdf").write_bytes(render_pdf(gold))
    out = tmp_path / "out"
    # a variant with words the profile does not know ends in warnings: exit code 3
    run_cli("extract", folder, "-o", out, "--quiet", "--ocr", "never",
            *(["--profile", profile] if profile else []), ok=(0, 3))
    return gold, out


def test_planerade_aktiviteter_is_still_an_activity_table(tmp_path):
    gold, out = _variant(tmp_path, "ange-2025-t1", {"Verksamhetens aktiviteter": "Planerade aktiviteter"})
    acts = pd.read_parquet(out / "activities")
    assert len(acts) == sum(len(g["activities"]) for g in gold["goals"])


@pytest.mark.parametrize("printed", ["Insatser under året", "Våra aktiviteter"])
def test_a_header_word_the_profile_does_not_know_is_a_warning_and_still_read(tmp_path, printed):
    gold, out = _variant(tmp_path, "ange-2025-t1", {"Verksamhetens aktiviteter": printed})
    acts = pd.read_parquet(out / "activities")
    assert len(acts) == sum(len(g["activities"]) for g in gold["goals"])
    warnings = pd.read_parquet(out / "warnings")
    assert (warnings.kind == "unknown_column").any()
    assert printed in " ".join(warnings.message)
    assert pd.read_parquet(out / "reports").n_warnings.item() == len(warnings)


def test_an_assessment_label_the_profile_does_not_know_ends_in_warnings_not_silence(tmp_path):
    gold, out = _variant(tmp_path, "ange-2025-t1", {"Bedömning": "Måluppfyllelse"})
    goals = pd.read_parquet(out / "goals")
    assert goals.assessment.isna().all()  # the tertial profile knows no "Måluppfyllelse"
    warnings = pd.read_parquet(out / "warnings")
    lost = warnings[warnings.kind == "unplaced_text"]
    assessed = [g for g in gold["goals"] if g["assessment"]]
    assert len(lost) >= len(assessed)
    assert lost.text.str.startswith("Måluppfyllelse").sum() >= len(assessed) - 1
    report = pd.read_parquet(out / "reports").iloc[0]
    assert report.coverage < 1.0 and report.n_warnings == len(warnings)


@pytest.mark.parametrize("title,period", [("Tertialrapport 1 2024", "T1"),
                                          ("Delårsrapport tertial 2 2023", "T2")])
def test_other_tertial_titles_give_kind_and_period(tmp_path, title, period):
    _, out = _variant(tmp_path, "ange-2025-t1", title=title)
    report = pd.read_parquet(out / "reports").iloc[0]
    assert (report.title, report.kind, report.period, report.profile) == (title, "tertial", period, "tertial")


def test_a_report_no_profile_fits_names_the_nearest_profile(tmp_path):
    pdf = tmp_path / "prose.pdf"
    c = Canvas(str(pdf), pagesize=A4, invariant=1)
    c.setFont("Helvetica", 11)
    for i, line in enumerate(["Protokoll från kommunstyrelsens sammanträde", "Närvarande ledamöter",
                              "Verksamhetens aktiviteter diskuterades."]):
        c.drawString(60, 780 - 20 * i, line)
    c.save()
    proc = run_cli("extract", pdf, "-o", tmp_path / "out", "--quiet", "--ocr", "never", check=False)
    assert proc.returncode == 1
    assert "unknown_layout" in proc.stderr and "nearest profile" in proc.stderr
