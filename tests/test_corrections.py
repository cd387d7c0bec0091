"""Corrections kept (``extract --corrections``): applied by row identity on every
extraction, re-applied when they change, reported when their row is gone, a bad file
refused before any work; and a corrected report as a gold file evaluate scores 1.0.

The report is ange-2025-t1 (born-digital): its uncorrected extraction equals the
hand-made gold samples/gold/ange-2025-t1.json (checked below), so every difference
from that gold after a correction is the correction's."""
from __future__ import annotations

import json
import shutil
from pathlib import Path

import duckdb
import pandas as pd
import pytest
from conftest import DIGITAL, GOLD, run_cli

STEM = "ange-2025-t1"


def extract(out: Path, *more, ok=(0, 3)):
    return run_cli("extract", DIGITAL / f"{STEM}.pdf", "-o", out, "--ocr", "never",
                   "--workers", "1", "--quiet", *map(str, more), ok=ok)


@pytest.fixture(scope="module")
def base(tmp_path_factory) -> tuple[Path, str, pd.DataFrame, pd.DataFrame]:
    out = tmp_path_factory.mktemp("base") / "out"
    extract(out)
    rid = pd.read_parquet(out / "reports").report_id[0]
    return out, rid, pd.read_parquet(out / "goals"), pd.read_parquet(out / "activities")


def fresh(base, tmp_path) -> Path:
    out = tmp_path / "out"
    shutil.copytree(base[0], out)
    return out


def write(tmp_path: Path, entries, name="corrections.json") -> Path:
    path = tmp_path / name
    path.write_text(entries if isinstance(entries, str) else json.dumps(entries, ensure_ascii=False),
                    encoding="utf-8")
    return path


def goal_entry(rid, goals, ordinal, **kw):
    g = goals.set_index("ordinal").loc[ordinal]
    return {"report_id": rid, "table": "goals", "goal_ordinal": ordinal,
            "goal_number": g["number"], "goal_title": g["title"], **kw}


def activity_entry(rid, goals, acts, goal, ordinal, **kw):
    a = acts.set_index(["goal_ordinal", "ordinal"]).loc[(goal, ordinal)]
    return {"report_id": rid, "table": "activities", "goal_ordinal": goal,
            "goal_number": a["goal_number"], "activity_ordinal": ordinal,
            "activity_title": a["title"], **kw}


def test_the_uncorrected_report_equals_the_hand_made_gold(base, tmp_path):
    gold = tmp_path / "gold"
    gold.mkdir()
    shutil.copy(GOLD / f"{STEM}.json", gold)
    proc = run_cli("evaluate", base[0], "--gold", gold)
    assert proc.stdout.strip().endswith("field_f1=1.0000")


def test_corrections_apply_by_identity_are_kept_and_follow_their_file(base, tmp_path):
    _, rid, goals, acts = base
    out = fresh(base, tmp_path)
    # goal 3 (3.1.2) is named with a wrong ordinal: found by its number and title
    moved = goal_entry(rid, goals, 3, field="comment", value="Rättad kommentar.")
    moved["goal_ordinal"] = 5
    entries = [moved,
               activity_entry(rid, goals, acts, 2, 3, field="title", value="Minska övertiden med hälften"),
               # checked against the title as read, though the title above is corrected
               activity_entry(rid, goals, acts, 2, 3, field="responsible", value="Socialchef")]
    path = write(tmp_path, entries)
    proc = extract(out, "--corrections", path)
    assert "1 done" in proc.stderr and proc.returncode == 0, proc.stderr
    g = pd.read_parquet(out / "goals").set_index("ordinal")
    a = pd.read_parquet(out / "activities").set_index(["goal_ordinal", "ordinal"])
    assert g.loc[3, "comment"] == "Rättad kommentar." and g.loc[3, "source"] == "review"
    assert g.loc[5, "source"] == "text"  # the ordinal named is not the row
    assert g.drop(index=3).comment.equals(goals.set_index("ordinal").drop(index=3).comment)
    assert a.loc[(2, 3), "title"] == "Minska övertiden med hälften"
    assert a.loc[(2, 3), "title_raw"] == acts.set_index(["goal_ordinal", "ordinal"]).loc[(2, 3), "title_raw"]
    assert a.loc[(2, 3), "responsible"] == "Socialchef" and a.loc[(2, 3), "source"] == "review"
    assert (g.source == "review").sum() == 1 and (a.source == "review").sum() == 1

    # the same corrections again: the report is skipped, still corrected
    proc = extract(out, "--corrections", path)
    assert "0 done" in proc.stderr and "1 skipped" in proc.stderr, proc.stderr
    assert pd.read_parquet(out / "goals").set_index("ordinal").loc[3, "comment"] == "Rättad kommentar."
    # changed corrections: read again with the new ones
    path = write(tmp_path, entries[:1])
    proc = extract(out, "--corrections", path)
    assert "1 done" in proc.stderr, proc.stderr
    a = pd.read_parquet(out / "activities").set_index(["goal_ordinal", "ordinal"])
    assert a.loc[(2, 3), "title"] == acts.set_index(["goal_ordinal", "ordinal"]).loc[(2, 3), "title"]
    # without the option the report is as read again
    proc = extract(out)
    assert "1 done" in proc.stderr, proc.stderr
    after = pd.read_parquet(out / "goals")
    assert after.comment.equals(goals.comment) and set(after.source) == {"text"}


def test_a_correction_whose_row_is_gone_is_a_warning_and_a_line(base, tmp_path):
    _, rid, goals, acts = base
    out = fresh(base, tmp_path)
    entries = [activity_entry(rid, goals, acts, 2, 1, field="comment", value="Bra."),
               {**activity_entry(rid, goals, acts, 2, 2, action="confirm"),
                "activity_title": "En aktivitet som inte finns i rapporten"},
               {**goal_entry(rid, goals, 4, field="assessment", value="ej_uppfyllt"),
                "goal_number": "9.9.9"}]
    proc = extract(out, "--corrections", write(tmp_path, entries), ok=(3,))
    lines = [l for l in proc.stderr.splitlines() if "matches no row" in l]
    assert len(lines) == 2, proc.stderr
    assert "En aktivitet som inte finns" in lines[0] and "9.9.9" in lines[1]
    warnings = duckdb.sql(f"select kind, page, text from '{out}/warnings/*.parquet' "
                          f"order by text").fetchall()
    assert [w[0] for w in warnings] == ["correction_unmatched"] * 2
    as_text = lambda d: json.dumps(d, sort_keys=True)
    assert sorted(map(as_text, (json.loads(w[2]) for w in warnings))) == \
        sorted(map(as_text, entries[1:]))
    assert {w[1] for w in warnings} == {goals.set_index("ordinal").loc[o, "page"] for o in (2, 4)}
    report = pd.read_parquet(out / "reports")
    assert report.n_warnings[0] == 2
    a = pd.read_parquet(out / "activities").set_index(["goal_ordinal", "ordinal"])
    assert a.loc[(2, 1), "comment"] == "Bra."  # the matched one is applied
    assert a.loc[(2, 2), "source"] == "text"


def test_a_correction_of_another_report_of_the_file_is_reported(base, tmp_path):
    _, rid, goals, _ = base
    out = fresh(base, tmp_path)
    entry = goal_entry(rid, goals, 3, action="confirm")
    entry["report_id"] = rid + "-p5"  # the file was once read as several reports
    proc = extract(out, "--corrections", write(tmp_path, [entry]), ok=(3,))
    assert "read as one report now" in proc.stderr
    assert pd.read_parquet(out / "warnings").kind.tolist() == ["correction_unmatched"]


@pytest.mark.parametrize("content, reason", [
    ("{not json", "not valid JSON"),
    ('{"report_id": "x"}', "is a JSON list of entries"),
    (('[{"report_id": "R", "table": "goals", "goal_ordinal": 1, "goal_number": "3.1", '
     '"field": "colour", "value": "red"}]'), "entry 1: unknown field 'colour' of goals"),
    (('[{"report_id": "R", "table": "goals", "goal_ordinal": 1, "goal_title": "T", '
     '"field": "assessment", "value": "bra"}]'), "'bra' is no assessment"),
    (('[{"report_id": "R", "table": "activities", "goal_ordinal": 1, "activity_ordinal": 2, '
     '"field": "status", "value": "avbruten"}]'), '"activity_title" must be a non-empty string'),
    (('[{"report_id": "R", "table": "goals", "goal_ordinal": 0, "goal_number": "1", '
     '"action": "confirm"}]'), '"goal_ordinal" must be a whole number from 1'),
    ('[{"report_id": "R", "table": "goals", "goal_ordinal": 1, "action": "confirm"}]',
     '"goal_number" or "goal_title"'),
    (('[{"report_id": "R", "table": "activities", "goal_ordinal": 1, "activity_ordinal": 1, '
     '"activity_title": "A", "field": "end_date", "value": "31/3"}]'), "a date YYYY-MM-DD"),
    (('[{"report_id": "R", "table": "goals", "goal_ordinal": 1, "goal_number": "1", '
     '"row": 4, "action": "confirm"}]'), "unknown key 'row'"),
])
def test_a_bad_corrections_file_is_a_usage_error_before_any_work(base, tmp_path, content, reason):
    path = write(tmp_path, content.replace('"R"', json.dumps(base[1])))
    out = tmp_path / "never-written"
    proc = extract(out, "--corrections", path, ok=(2,))
    assert str(path) in proc.stderr and reason in proc.stderr, proc.stderr
    assert len(proc.stderr.strip().splitlines()) == 1 and "Traceback" not in proc.stderr
    assert not out.exists()
    missing = extract(out, "--corrections", tmp_path / "nonexistent.json", ok=(2,))
    assert "nonexistent.json" in missing.stderr and "No such file" in missing.stderr


def test_a_corrected_report_becomes_a_gold_file_evaluate_scores_at_one(base, tmp_path):
    _, rid, goals, acts = base
    out = fresh(base, tmp_path)
    entries = [goal_entry(rid, goals, 3, field="assessment", value="delvis_uppfyllt"),
               activity_entry(rid, goals, acts, 2, 2, field="status", value="avbruten"),
               activity_entry(rid, goals, acts, 2, 2, field="end_date", value="2025-11-30"),
               activity_entry(rid, goals, acts, 2, 1, action="confirm")]
    extract(out, "--corrections", write(tmp_path, entries))
    gold_dir = tmp_path / "gold"
    gold_dir.mkdir()
    proc = run_cli("evaluate", out, "--gold-from-corrections", rid, "-o", gold_dir)
    assert "3 reviewed" in proc.stderr, proc.stderr  # goal 3, activities (2, 1) and (2, 2)
    made = json.loads((gold_dir / f"{STEM}.json").read_text(encoding="utf-8"))
    assert made["report"]["report_id"] == rid
    scores = run_cli("evaluate", out, "--gold", gold_dir, "--min-f1", "1.0")
    assert scores.stdout.strip().endswith("field_f1=1.0000")
    assert "F1=1.0000" in scores.stdout.splitlines()[2]  # activities
    # against the hand-made gold the made one differs in exactly the corrected fields
    hand = json.loads((GOLD / f"{STEM}.json").read_text(encoding="utf-8"))
    assert _differences(hand, made) == {
        ("goal 3", "assessment"): ("uppfyllt", "delvis_uppfyllt"),
        ("goal 2 activity 2", "status"): ("ej_paborjad", "avbruten"),
        ("goal 2 activity 2", "end_date"): ("2025-10-31", "2025-11-30")}
    # and the old extraction, scored against the new gold, misses exactly those three
    diffs = run_cli("evaluate", base[0], "--gold", gold_dir, "--diffs").stdout
    assert diffs.count("gold:") == 3 and "field_f1=1.0000" not in diffs


def _differences(hand: dict, made: dict) -> dict:
    """Where the made gold differs from the hand-made one, over the fields evaluate scores
    (the hand-made one also notes keys, goal_key and activity_key, that it does not)."""
    out = {}
    assert len(hand["goals"]) == len(made["goals"])
    for i, (h, m) in enumerate(zip(hand["goals"], made["goals"]), start=1):
        for k in h:
            if k not in ("activities", "measures") and k in m and h[k] != m[k]:
                out[(f"goal {i}", k)] = (h[k], m.get(k))
        assert len(h.get("activities", [])) == len(m["activities"])
        for j, (ha, ma) in enumerate(zip(h.get("activities", []), m["activities"]), start=1):
            for k in ha:
                if k in ma and ha[k] != ma[k]:
                    out[(f"goal {i} activity {j}", k)] = (ha[k], ma.get(k))
        for hm, mm in zip(h.get("measures", []), m["measures"]):
            for k in hm:
                if k in mm and hm[k] != mm[k]:
                    out[(f"goal {i} measure {hm['name']}", k)] = (hm[k], mm.get(k))
    return out


def test_gold_from_corrections_usage_errors(base, tmp_path):
    out, rid = base[0], base[1]
    proc = run_cli("evaluate", out, "--gold-from-corrections", "f" * 64, "-o", tmp_path, ok=(2,))
    assert "no report" in proc.stderr
    proc = run_cli("evaluate", out, "--gold-from-corrections", rid, ok=(2,))
    assert "needs -o" in proc.stderr
    proc = run_cli("evaluate", out, "--gold", tmp_path, "--gold-from-corrections", rid, ok=(2,))
    assert "not allowed with" in proc.stderr
