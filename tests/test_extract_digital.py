"""The spine on the born-digital samples: real PDFs through the real CLI, read back
with pandas, pyarrow.dataset and DuckDB, scored against the hand-written gold."""
from __future__ import annotations

import json
import shutil
import unicodedata

import duckdb
import pandas as pd
import pyarrow as pa
import pyarrow.dataset as ds

from conftest import DIGITAL, GOLD, load_gold, run_cli

TABLES = ("reports", "goals", "activities", "measures")


def test_digital_samples_reach_the_field_f1_floor(digital_out):
    proc = run_cli("evaluate", digital_out, "--gold", GOLD, "--min-f1", "0.99")
    last = proc.stdout.strip().splitlines()[-1]
    assert last.startswith("field_f1=")
    assert float(last.split("=")[1]) >= 0.99


def test_every_sample_has_one_report_row(digital_out):
    reports = pd.read_parquet(digital_out / "reports")
    stems = sorted(p.stem for p in DIGITAL.glob("*.pdf"))
    assert sorted(reports.source_file.str.removesuffix(".pdf")) == [f"digital/{s}" for s in stems]
    assert (reports.ocr_pages == 0).all()
    assert reports.report_id.str.fullmatch(r"[0-9a-f]{64}").all()


def test_goal_and_activity_titles_carry_the_swedish_letters_exactly(digital_out):
    goals = pd.read_parquet(digital_out / "goals")
    acts = pd.read_parquet(digital_out / "activities")
    reports = pd.read_parquet(digital_out / "reports")
    for stem in ("ange-2025-t1", "ange-2024-uppsikt"):
        gold = load_gold(stem)
        rid = reports.loc[reports.source_file == f"digital/{stem}.pdf", "report_id"].item()
        got_goals = set(goals.loc[goals.report_id == rid, "title"])
        want_goals = {g["title"] for g in gold["goals"]}
        assert got_goals == want_goals
        got_acts = set(acts.loc[acts.report_id == rid, "title"])
        want_acts = {a["title"] for g in gold["goals"] for a in g["activities"]}
        assert got_acts == want_acts
        assert any(ch in "".join(got_acts) for ch in "åäöÅÄÖ")


def test_statuses_and_dates_of_a_hand_checked_goal(digital_out):
    # 3.1.1 of the Ånge 2025 T1 report, read off the rendered PDF by eye.
    acts = duckdb.sql(f"""
        select a.title, a.status, a.status_raw, a.start_date, a.end_date
        from '{digital_out}/activities/*.parquet' a
        join '{digital_out}/reports/*.parquet' r using (report_id)
        where r.source_file = 'digital/ange-2025-t1.pdf' and a.goal_number = '3.1.1'
        order by a.ordinal""").fetchall()
    assert [(t[:20], s, raw) for t, s, raw, _, _ in acts] == [
        ("Ta fram koncept för ", "avslutad_enligt_plan", "Avslutad enligt plan"),
        ("Skapa Storytelling m", "ej_paborjad", "Ej påbörjad"),
        ("Minska övertiden ino", "pagaende_enligt_plan", "Pågående enligt plan"),
    ]
    assert [str(e) for *_, e in acts] == ["2025-03-31", "2025-10-31", "2025-12-31"]
    assert all(s is None for _, _, _, s, _ in acts)


def test_tables_read_with_pandas_pyarrow_and_duckdb(digital_out):
    for name in TABLES:
        frame = pd.read_parquet(digital_out / name)
        table = ds.dataset(digital_out / name).to_table()
        count = duckdb.sql(f"select count(*) from '{digital_out}/{name}/**/*.parquet'").fetchall()[0][0]
        assert len(frame) == table.num_rows == count > 0
    schema = ds.dataset(digital_out / "activities").schema
    assert schema.field("end_date").type == pa.date32()
    assert schema.field("confidence").type == pa.float32()
    assert ds.dataset(digital_out / "reports").schema.field("year").type == pa.int16()


def test_strings_are_nfc_and_never_empty(digital_out):
    for name in TABLES:
        frame = pd.read_parquet(digital_out / name)
        for col in frame.columns:
            values = [v for v in frame[col] if isinstance(v, str)]
            assert all(v.strip() for v in values), f"{name}.{col} has empty strings"
            assert all(unicodedata.is_normalized("NFC", v) for v in values), f"{name}.{col}"


def test_counts_match_the_gold(digital_out):
    acts = pd.read_parquet(digital_out / "activities")
    goals = pd.read_parquet(digital_out / "goals")
    gold = [json.loads(p.read_text(encoding="utf-8")) for p in GOLD.glob("*.json")]
    assert len(goals) == sum(len(g["goals"]) for g in gold)
    assert len(acts) == sum(len(x["activities"]) for g in gold for x in g["goals"])


def test_re_extracting_replaces_a_reports_rows(digital_out, tmp_path):
    out = tmp_path / "out"
    shutil.copytree(digital_out, out)
    before = len(pd.read_parquet(out / "activities"))
    run_cli("extract", DIGITAL / "ange-2025-t1.pdf", "-o", out, "--ocr", "never",
            "--workers", "1", "--quiet", "--force")
    assert len(pd.read_parquet(out / "activities")) == before
    assert not list(out.rglob("*.tmp"))


def test_evaluate_fails_below_the_floor_when_the_gold_disagrees(digital_out, tmp_path):
    gold = tmp_path / "gold"
    gold.mkdir()
    shutil.copy(GOLD / "ange-2025-t1.json", gold)  # one report, so that its errors weigh
    doc = json.loads((gold / "ange-2025-t1.json").read_text(encoding="utf-8"))
    for goal in doc["goals"]:
        for act in goal["activities"]:
            act["status"] = "vantelage" if act["status"] != "vantelage" else "ej_paborjad"
    (gold / "ange-2025-t1.json").write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    proc = run_cli("evaluate", digital_out, "--gold", gold, "--min-f1", "0.99", check=False)
    assert proc.returncode == 1
    assert "activities.status" in proc.stdout
    status_line = next(l for l in proc.stdout.splitlines() if "activities.status" in l)
    assert float(status_line.split()[1]) < 0.8
