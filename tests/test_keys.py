"""Goal and activity keys across reports and years, checked against the gold:
every goal (activity) the gold gives one ``goal_key`` (``activity_key``) gets one
key in the output, and no output key joins two different gold goals."""
from __future__ import annotations

import datetime as dt
import json
import os
import random
import tempfile
import re
from collections import defaultdict
from pathlib import Path

import pandas as pd
import pyarrow.parquet as pq

from conftest import GOLD, load_gold
from malrapport.evaluate import _match_by_title, _match_goals, _under
from malrapport.normalize.keys import KeyAssigner, similarity
from malrapport.schemas.output import write_report
from malrapport.schemas.records import ActivityRecord, GoalRecord, ReportRecord

# --- the gold as truth --------------------------------------------------------------

def gold_to_output_keys(outdir: Path, stems: list[str] | None = None) -> tuple[list, list]:
    """(gold identity, output key) for every gold goal and every gold activity (of the
    reports ``stems``, default all), matched to the output as ``malrapport evaluate``
    matches them."""
    reports = pd.read_parquet(outdir / "reports")
    goals = pd.read_parquet(outdir / "goals").astype(object).where(lambda d: d.notna(), None)
    acts = pd.read_parquet(outdir / "activities").astype(object).where(lambda d: d.notna(), None)
    goal_pairs, act_pairs = [], []
    for path in sorted(GOLD.glob("*.json")):
        if stems is not None and path.stem not in stems:
            continue
        gold = json.loads(path.read_text(encoding="utf-8"))
        muni = gold["report"]["municipality"]
        # source_file is <input folder>/<name>.pdf
        row = reports[reports.source_file.str.split("/").str[-1].str.removesuffix(".pdf") == path.stem]
        assert len(row) == 1, f"{path.stem}: not extracted"
        rid = row.report_id.item()
        pred = [dict(g, parent=g["parent_number"])
                for g in goals[goals.report_id == rid].to_dict("records")]
        pairs = dict(_match_goals(gold["goals"], pred))
        for gi, g in enumerate(gold["goals"]):
            assert gi in pairs, f"{path.stem}: gold goal {g['number']} not extracted"
            pg = pred[pairs[gi]]
            goal_pairs.append(((muni, g["goal_key"]), pg["goal_key"], path.stem, g["title"]))
            pacts = _under(acts.to_dict("records"), rid, pg)
            apairs = dict(_match_by_title(g["activities"], pacts))
            for ai, a in enumerate(g["activities"]):
                assert ai in apairs, f"{path.stem}: activity {a['title']!r} not extracted"
                act_pairs.append(((muni, a["activity_key"]), pacts[apairs[ai]]["activity_key"],
                                  path.stem, a["title"]))
    return goal_pairs, act_pairs


def split_and_merge(pairs) -> tuple[dict, dict]:
    """Gold identities given several keys (splits), keys given several identities (merges)."""
    keys, identities = defaultdict(set), defaultdict(set)
    for identity, key, _, _ in pairs:
        keys[identity].add(key)
        identities[key].add(identity)
    return ({i: k for i, k in keys.items() if len(k) > 1},
            {k: i for k, i in identities.items() if len(i) > 1})


def same_pairs(pairs) -> int:
    """How many pairs of gold items in different reports the gold calls the same."""
    per = defaultdict(int)
    for identity, _, _, _ in pairs:
        per[identity] += 1
    return sum(n * (n - 1) // 2 for n in per.values())


def test_gold_identical_goals_share_a_key_and_different_goals_do_not(digital_out):
    goal_pairs, _ = gold_to_output_keys(digital_out)
    assert all(key for _, key, _, _ in goal_pairs), "a goal without goal_key"
    splits, merges = split_and_merge(goal_pairs)
    assert splits == {}
    assert merges == {}
    assert same_pairs(goal_pairs) >= 80  # the samples do follow goals across reports


def test_gold_identical_activities_share_a_key_across_periods(digital_out):
    _, act_pairs = gold_to_output_keys(digital_out)
    assert all(key for _, key, _, _ in act_pairs), "an activity without activity_key"
    splits, merges = split_and_merge(act_pairs)
    assert splits == {}
    assert merges == {}
    assert same_pairs(act_pairs) >= 50


def test_reworded_goals_of_the_samples_keep_their_key(digital_out):
    goal_pairs, _ = gold_to_output_keys(digital_out)
    titles = defaultdict(set)
    for identity, key, _, title in goal_pairs:
        titles[key].add(title)
    reworded = {k: t for k, t in titles.items() if len(t) > 1}
    # Ånge: "Skapa ett ökat utbud av aktiviteter för äldre …" (2024) became "Erbjuda ett
    # rikt utbud av aktiviteter …" (2025), and three more goals were reworded.
    assert len(reworded) >= 4
    assert any(min(similarity(a, b) for a in t for b in t) < 65 for t in reworded.values())


def test_keys_are_readable_and_the_registry_lists_every_key(digital_out):
    goals = pd.read_parquet(digital_out / "goals")
    acts = pd.read_parquet(digital_out / "activities")
    assert goals.goal_key.str.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)+").all()
    assert goals.goal_key.str.startswith(("ange-", "norrfors-", "sjovik-")).all()
    reg = pd.read_parquet(digital_out / "goal_registry")
    areg = pd.read_parquet(digital_out / "activity_registry")
    assert set(reg.goal_key) == set(goals.goal_key)
    assert set(areg.activity_key) == set(acts.activity_key)
    assert reg.goal_key.is_unique and areg.activity_key.is_unique
    row = reg[reg.title == "Ånge kommun ska stimulera till utveckling av hälsofrämjande "
                           "arbetsplatser."].iloc[0]
    # in the tertial reports of 2024 and 2025, and among the KS goals of the 2023 accounts
    assert (row.municipality, row.level, row.first_year, row.last_year) == (
        "Ånge kommun", "ks", 2023, 2025)
    assert set(reg.level) == {"kf", "ks", "ekonomi", "namnd"}
    # The activities' goal_key column agrees with their goal's row.
    merged = acts.merge(goals, left_on=["report_id", "goal_ordinal"],
                        right_on=["report_id", "ordinal"], suffixes=("", "_goal"))
    assert len(merged) == len(acts) and (merged.goal_key == merged.goal_key_goal).all()


# --- order, increments, re-runs: the keyer on records built from the gold ----------

def gold_record(stem: str) -> ReportRecord:
    gold = load_gold(stem)
    r = gold["report"]
    goals = tuple(
        GoalRecord(number=g["number"], level=g["level"], title=g["title"], title_raw=g["title"],
                   parent_number=g.get("parent"), assessment=g.get("assessment"),
                   ordinal=i, parent_ordinal=g.get("parent_ordinal"),
                   activities=tuple(ActivityRecord(
                       title=a["title"], title_raw=a["title"], status=a.get("status"),
                       description=a.get("description"),
                       end_date=dt.date.fromisoformat(a["end_date"]) if a.get("end_date") else None)
                       for a in g["activities"]))
        for i, g in enumerate(gold["goals"], start=1))
    return ReportRecord(report_id=f"id-{stem}", source_file=f"{stem}.pdf",
                        municipality=r["municipality"], body=r["body"], title=r["title"],
                        kind=r["kind"], year=r["year"], period=r["period"], goals=goals)


def run_keyer(outdir: Path, stems: list[str]) -> None:
    """What the pipeline does: open, write each report with its provisional keys, save."""
    write_and_save(outdir, [gold_record(stem) for stem in stems])


def write_and_save(outdir: Path, reports: list[ReportRecord]) -> None:
    keys = KeyAssigner.open(outdir)
    for record in reports:
        write_report(outdir, keys.provisional(record), "test")
    keys.save()


def keys_by_gold(outdir: Path) -> dict:
    goals = pd.read_parquet(outdir / "goals")
    acts = pd.read_parquet(outdir / "activities")
    out = {}
    for rid, ordinal, key in goals[["report_id", "ordinal", "goal_key"]].itertuples(index=False):
        out[(rid, ordinal)] = key
    for rid, goal, ordinal, key in acts[["report_id", "goal_ordinal", "ordinal",
                                        "activity_key"]].itertuples(index=False):
        out[(rid, goal, ordinal)] = key
    return out


STEMS = sorted(p.stem for p in GOLD.glob("*.json"))


def test_keys_do_not_depend_on_the_order_reports_finish_in(tmp_path):
    run_keyer(tmp_path / "sorted", STEMS)
    shuffled = STEMS[:]
    random.Random(5).shuffle(shuffled)
    run_keyer(tmp_path / "shuffled", list(reversed(STEMS)))
    run_keyer(tmp_path / "random", shuffled)
    want = keys_by_gold(tmp_path / "sorted")
    assert keys_by_gold(tmp_path / "shuffled") == want
    assert keys_by_gold(tmp_path / "random") == want
    for name in ("goal_registry", "activity_registry"):
        a = pd.read_parquet(tmp_path / "sorted" / name)
        b = pd.read_parquet(tmp_path / "random" / name)
        pd.testing.assert_frame_equal(a, b)


def test_keying_one_municipality_per_job_gives_the_keys_of_one_pass(tmp_path, monkeypatch):
    """``save`` keys each municipality as a job of its own (the pipeline runs them on
    its workers), then rewrites the changed files in jobs of their own: sent as a
    worker gets them (pickled), they give what one pass over every report gives."""
    import pickle

    from malrapport.normalize import keys as keys_module

    def one_pass(fn, jobs):
        if fn is not keys_module.key_municipality:  # the rewrites: here, one by one
            return [fn(*job) for job in jobs]
        whole = keys_module.Registry()
        for job in jobs:
            whole.goals.update(job[0].goals)
            whole.activities.update(job[0].activities)
        reports = sorted((r for job in jobs for r in job[1]),
                         key=lambda r: keys_module._report_order(r[1][0]))
        return [fn(whole, reports)] + [(keys_module.Registry(), [])] * (len(jobs) - 1)

    seen = []

    def as_jobs(fn, jobs):
        seen.append((fn.__name__, len(jobs)))
        return [fn(*pickle.loads(pickle.dumps(job))) for job in jobs]

    monkeypatch.setattr(keys_module, "REWRITES_A_JOB", 1)  # each file a job of its own
    for name, run in (("jobs", as_jobs), ("one", one_pass)):
        keys = KeyAssigner.open(tmp_path / name)
        for stem in STEMS:
            write_report(tmp_path / name, keys.provisional(gold_record(stem)), "test")
        keys.save(run=run)
    towns = len({load_gold(s)["report"]["municipality"] for s in STEMS})
    assert towns == 3 and seen[0] == ("key_municipality", towns)
    # the files whose provisional keys changed are rewritten by jobs of their own
    assert [name for name, _ in seen[1:]] == ["rewrite_files"]
    assert seen[1][1] >= 2  # (reports of one town keyed before an earlier one changed)
    assert keys_by_gold(tmp_path / "jobs") == keys_by_gold(tmp_path / "one")
    for name in ("goal_registry", "activity_registry"):
        pd.testing.assert_frame_equal(pd.read_parquet(tmp_path / "jobs" / name),
                                      pd.read_parquet(tmp_path / "one" / name))


def test_a_later_run_joins_the_keys_already_given_out(tmp_path):
    ange = [s for s in STEMS if s.startswith("ange-")]
    new, old = [s for s in ange if "2025" in s], [s for s in ange if "2025" not in s]
    run_keyer(tmp_path, new)
    first = keys_by_gold(tmp_path)
    run_keyer(tmp_path, old)  # the older year arrives in a second run
    after = keys_by_gold(tmp_path)
    assert {k: after[k] for k in first} == first  # saved keys never change
    goals = pd.read_parquet(tmp_path / "goals").merge(
        pd.read_parquet(tmp_path / "reports")[["report_id", "year"]], on="report_id")
    truth = {}
    for stem in ange:
        for i, g in enumerate(load_gold(stem)["goals"], start=1):
            truth[(f"id-{stem}", i)] = g["goal_key"]
    got = defaultdict(set)
    for rid, ordinal, key in goals[["report_id", "ordinal", "goal_key"]].itertuples(index=False):
        got[truth[(rid, ordinal)]].add(key)
    assert all(len(k) == 1 for k in got.values()), {g: k for g, k in got.items() if len(k) > 1}
    reg = pd.read_parquet(tmp_path / "goal_registry")
    hals = reg[reg.title.str.contains("hälsofrämjande arbetsplatser", regex=False)
               & (reg.level == "ks")].iloc[0]
    assert (hals.first_year, hals.last_year) == (2023, 2025)


def test_running_again_changes_nothing(tmp_path):
    run_keyer(tmp_path, STEMS)
    before = keys_by_gold(tmp_path)
    reg = pd.read_parquet(tmp_path / "goal_registry")
    run_keyer(tmp_path, STEMS[::-1])
    assert keys_by_gold(tmp_path) == before
    pd.testing.assert_frame_equal(pd.read_parquet(tmp_path / "goal_registry"), reg)


def test_reports_written_without_keys_are_keyed_at_the_next_save(tmp_path):
    for stem in STEMS:
        write_report(tmp_path, gold_record(stem), "test")  # e.g. an interrupted run
    assert pd.read_parquet(tmp_path / "goals").goal_key.isna().all()
    KeyAssigner.open(tmp_path).save()
    goals = pd.read_parquet(tmp_path / "goals")
    assert goals.goal_key.notna().all()
    assert pd.read_parquet(tmp_path / "activities").activity_key.notna().all()
    run_keyer(tmp_path / "fresh", STEMS)
    assert keys_by_gold(tmp_path) == keys_by_gold(tmp_path / "fresh")


# --- the matching rules on small cases -----------------------------------------------

def report(rid, year, goals, muni="Ånge kommun", period="T1") -> ReportRecord:
    return ReportRecord(report_id=rid, source_file=f"{rid}.pdf", municipality=muni, year=year,
                        period=period, goals=tuple(goals))


def goal(number, title, level="ks", parent=None, acts=()) -> GoalRecord:
    return GoalRecord(number=number, level=level, title=title, title_raw=title,
                      parent_number=parent,
                      activities=tuple(ActivityRecord(title=t, title_raw=t, description=d)
                                       for t, d in acts))


def keyed(reports: list[ReportRecord]) -> list[ReportRecord]:
    """The reports with the keys a run gives them: written, saved, read back."""
    from dataclasses import replace

    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp)
        write_and_save(out, reports)
        got = []
        for r in reports:
            goal_keys = iter(pq.read_table(out / "goals" / f"{r.report_id}.parquet")
                             .column("goal_key").to_pylist())
            act_keys = iter(pq.read_table(out / "activities" / f"{r.report_id}.parquet")
                            .column("activity_key").to_pylist())
            got.append(replace(r, goals=tuple(
                replace(g, goal_key=next(goal_keys), activities=tuple(
                    replace(a, activity_key=next(act_keys)) for a in g.activities))
                for g in r.goals)))
        return got


KF = goal("3.4", "Ånge ska år 2040 ha 11 000 invånare.", level="kf")


def test_a_reworded_goal_under_the_same_parent_keeps_its_key():
    a, b = keyed([
        report("a", 2024, [KF, goal("3.4.5", "Utveckla 3 nya platser för utomhusaktiviteter.",
                                    parent="3.4")]),
        report("b", 2025, [KF, goal("3.4.5", "Utveckla 3 befintliga eller skapa 3 nya "
                                             "mötesplatser utomhus för alla", parent="3.4")])])
    assert a.goals[1].goal_key == b.goals[1].goal_key
    assert a.goals[0].goal_key == b.goals[0].goal_key


def test_a_reworded_goal_without_support_gets_a_new_key():
    a, b = keyed([
        report("a", 2024, [goal("1.1", "Utveckla 3 nya platser för utomhusaktiviteter.")]),
        report("b", 2025, [goal("1.1", "Utveckla 3 befintliga eller skapa 3 nya "
                                       "mötesplatser utomhus för alla")])])
    assert a.goals[0].goal_key != b.goals[0].goal_key


def test_a_new_goal_in_a_dropped_goals_place_gets_a_new_key():
    a, b = keyed([
        report("a", 2024, [KF, goal("3.4.6", "Öka antalet anslutna fastigheter med "
                                             "fiberanslutning med minst 50 st.", parent="3.4")]),
        report("b", 2025, [KF, goal("3.4.6", "Arbeta med våldsförebyggande insatser",
                                    parent="3.4")])])
    assert a.goals[1].goal_key != b.goals[1].goal_key


def test_goals_that_share_only_goal_language_stay_apart():
    kf = goal("3.8", "Ånge ska vara en klimatneutral kommun 2030", level="kf")
    a, b = keyed([
        report("a", 2024, [kf, goal("3.8.2", "Kommunens verksamheter ska minska sitt utsläpp "
                                             "av växthusgaser", parent="3.8")]),
        report("b", 2025, [kf, goal("3.8.2", "Alla kommunala verksamheter ska källsortera för "
                                             "att minska sitt avfall", parent="3.8")])])
    assert similarity(a.goals[1].title, b.goals[1].title) >= 55  # close as strings only
    assert a.goals[1].goal_key != b.goals[1].goal_key


def test_a_similar_goal_without_support_is_another_goal_and_a_small_edit_is_not():
    a, b, c, d = keyed([
        report("a", 2024, [goal("3.2.1", "Skapa ett ökat utbud av aktiviteter för äldre i våra "
                                         "verksamheter.")]),
        report("b", 2025, [goal("3.2.2", "Skapa ett ökat utbud av aktiviteter för alla, genom "
                                         "avtalssamverkan med föreningslivet/civilsamhället.")]),
        report("c", 2024, [goal("3.2.3", "Medverka i utvecklandet av boendemiljöer mm")]),
        report("d", 2025, [goal("1.9", "Medverka i utvecklingen av boendemiljöer m.m.")])])
    assert a.goals[0].goal_key != b.goals[0].goal_key
    assert c.goals[0].goal_key == d.goals[0].goal_key


def test_a_compound_of_another_goal_is_not_that_goal_when_both_are_present():
    a, b = keyed([
        report("a", 2024, [goal("1", "Ungdomsarbetslösheten i kommunen ska minska."),
                           goal("2", "Arbetslösheten i kommunen ska minska.")]),
        report("b", 2025, [goal("7", "Arbetslösheten i kommunen ska minska."),
                           goal("9", "Ungdomsarbetslösheten i kommunen ska minska.")])])
    assert (b.goals[0].goal_key, b.goals[1].goal_key) == (a.goals[1].goal_key,
                                                          a.goals[0].goal_key)


def test_same_title_in_another_municipality_is_another_goal():
    a, b = keyed([
        report("a", 2024, [goal("4.1", "Sjukfrånvaron ska minska", level="ekonomi")]),
        report("b", 2024, [goal("4.1", "Sjukfrånvaron ska minska", level="ekonomi")],
               muni="Norrfors kommun")])
    assert a.goals[0].goal_key != b.goals[0].goal_key
    assert a.goals[0].goal_key.startswith("ange-ekonomi-sjukfranvaron-minska-")
    assert b.goals[0].goal_key.startswith("norrfors-ekonomi-")


def test_a_misread_level_keeps_the_key_but_a_longer_title_at_another_level_does_not():
    a, b, c = keyed([
        report("a", 2024, [goal("4.1", "Sjukfrånvaron ska minska", level="ekonomi")]),
        report("b", 2025, [goal("4.1", "Sjukfrånvaron ska minska.", level="ks")]),
        report("c", 2025, [goal("2.3.2", "Sjukfrånvaron bland förskolans personal ska minska.")],
               period="T2")])
    assert a.goals[0].goal_key == b.goals[0].goal_key
    assert c.goals[0].goal_key != a.goals[0].goal_key
    assert similarity(a.goals[0].title, c.goals[0].title) == 100  # a subset, for token_set


def test_an_activity_keeps_its_key_when_it_moves_to_another_goal():
    act = ("Skapa Storytelling med temat friskvårdsbidrag", None)
    a, b = keyed([
        report("a", 2024, [goal("1", "Andelen anställda som nyttjar friskvårdsbidrag ska öka.",
                                acts=[act])]),
        report("b", 2025, [goal("1", "Ånge kommun ska stimulera till hälsofrämjande "
                                     "arbetsplatser.", acts=[act])])])
    assert a.goals[0].goal_key != b.goals[0].goal_key
    assert a.goals[0].activities[0].activity_key == b.goals[0].activities[0].activity_key


def test_the_same_activity_under_another_goal_years_later_is_a_new_activity():
    act = ("Inventera kommunens lokaler", None)
    a, b = keyed([
        report("a", 2020, [goal("1", "Lokalerna ska användas effektivt.", acts=[act]),
                           goal("2", "Energianvändningen ska minska.")]),
        report("b", 2025, [goal("1", "Lokalerna ska användas effektivt."),
                           goal("2", "Energianvändningen ska minska.", acts=[act])])])
    assert [g.goal_key for g in a.goals] == [g.goal_key for g in b.goals]
    old, new = a.goals[0].activities[0].activity_key, b.goals[1].activities[0].activity_key
    assert new == f"{old}-2"


def test_provisional_keys_are_each_title_s_new_key_and_unique_within_the_report():
    """What a report is first written with (in the worker): no registry is asked."""
    from malrapport.normalize.keys import provisional_keys
    from malrapport.normalize.registry import mint_key

    twice = goal("2", "Lokalerna ska användas effektivt.", acts=[("Inventera", None)] * 2)
    r = provisional_keys(report("a", 2024, [KF, twice, twice]))
    first = mint_key("Ånge kommun", "ks", twice.title, set())
    assert first.startswith("ange-ks-lokalerna-anvandas-effektivt-")
    assert [g.goal_key for g in r.goals[1:]] == [first, f"{first}-2"]
    acts = [a.activity_key for g in r.goals for a in g.activities]
    assert len(set(acts)) == 4 and acts[0] == mint_key("Ånge kommun", "akt", "Inventera", set())
    assert provisional_keys(r) is r  # keys it has are kept


def test_a_report_an_interrupted_run_wrote_is_keyed_again_even_with_known_keys(tmp_path):
    """An interrupted run saves no keys; its reports carry provisional keys, which can
    be keys the registry knows (here the activity's, which the registry would not give
    it: it stands under another goal five years later). The next save keys them."""
    act = ("Inventera kommunens lokaler", None)
    a = report("a", 2020, [goal("1", "Lokalerna ska användas effektivt.", acts=[act]),
                           goal("2", "Energianvändningen ska minska.")])
    b = report("b", 2025, [goal("1", "Lokalerna ska användas effektivt."),
                           goal("2", "Energianvändningen ska minska.", acts=[act])])
    write_and_save(tmp_path, [a])
    keys = KeyAssigner.open(tmp_path)
    write_report(tmp_path, keys.provisional(b), "test")  # and no save: interrupted
    registry = pd.read_parquet(tmp_path / "activity_registry")
    written = pd.read_parquet(tmp_path / "activities" / "b.parquet").activity_key.tolist()
    assert written == registry.activity_key.tolist()  # known to the registry
    KeyAssigner.open(tmp_path).save()
    want = keyed([a, b])[1].goals[1].activities[0].activity_key
    assert pd.read_parquet(tmp_path / "activities" / "b.parquet").activity_key.tolist() == [want]
    assert want == f"{written[0]}-2"


def test_a_reworded_activity_with_the_same_description_keeps_its_key():
    desc = "Två föreläsningar för all personal om kost, sömn och återhämtning under våren."
    g = "Ånge kommun ska stimulera till utveckling av hälsofrämjande arbetsplatser."
    old, new = ("Genomföra två föreläsningar om kost och återhämtning",
                "Föreläsningsserie om kost och återhämtning")
    assert 65 <= similarity(old, new) < 80
    a, b, c = keyed([
        report("a", 2024, [goal("1", g, acts=[(old, desc)])]),
        report("b", 2024, [goal("1", g, acts=[(new, desc)])], period="T2"),
        report("c", 2025, [goal("1", g, acts=[(old, "En helt annan plan för hösten.")])])])
    ka, kb, kc = (r.goals[0].activities[0].activity_key for r in (a, b, c))
    assert ka == kb
    assert kc == kb  # the registry knows both titles now


def test_two_activities_of_one_goal_never_share_a_key():
    g = goal("1", "Kommunens ungdomar ska känna ökad trygghet.",
             acts=[("Mental träning - Forskning", None),
                   ("Mental träning - Interventioner i elevgrupp", None)])
    a, b = keyed([report("a", 2025, [g]), report("b", 2025, [goal("1", g.title, acts=[
        ("Mental träning - Interventioner i elevgrupp", None)])], period="T2")])
    keys = [x.activity_key for x in a.goals[0].activities]
    assert len(set(keys)) == 2
    assert b.goals[0].activities[0].activity_key == keys[1]
    assert re.fullmatch(r"ange-akt-[a-z0-9-]+-[0-9a-f]{6}", keys[0])


def test_the_key_rows_kept_in_memory_are_the_rows_written(tmp_path):
    """``save`` re-keys a run's reports from the key columns ``assign`` kept, not from
    their files: those columns must be what the files give back (blank text as null,
    NFC), else the re-keying would differ from one that reads the files."""
    from malrapport.normalize.keys import (
        ACTIVITY_KEY_COLUMNS,
        GOAL_KEY_COLUMNS,
        REPORT_KEY_COLUMNS,
        key_rows,
    )

    keys = KeyAssigner.open(tmp_path)
    blank = replace_title(gold_record("ange-2024-t3"), "   ", "Cafe\u0301 och bibliotek")
    for record in [gold_record(s) for s in STEMS] + [blank]:
        keyed = keys.provisional(record)
        write_report(tmp_path, keyed, "test")
        head, goals, acts = key_rows(keyed)
        rid = keyed.report_id
        on_disk = {name: pd.read_parquet(tmp_path / name / f"{rid}.parquet")
                   .astype(object).where(lambda d: d.notna(), None).to_dict("records")
                   for name in ("reports", "goals", "activities")}
        assert [{c: r[c] for c in REPORT_KEY_COLUMNS} for r in on_disk["reports"]] == [head]
        assert [{c: r[c] for c in GOAL_KEY_COLUMNS} for r in on_disk["goals"]] == goals
        assert [{c: r[c] for c in ACTIVITY_KEY_COLUMNS} for r in on_disk["activities"]] == acts
    assert goals[0]["title"] is None and acts[0]["title"] == "Café och bibliotek"


def replace_title(report: ReportRecord, goal_title: str, activity_title: str) -> ReportRecord:
    """The report with its first goal's title and that goal's first activity's replaced."""
    from dataclasses import replace

    first = report.goals[0]
    act = ActivityRecord(title=activity_title, title_raw=activity_title)
    first = replace(first, title=goal_title, activities=(act, *first.activities[1:]))
    return replace(report, report_id="blank-titles", goals=(first, *report.goals[1:]))


def test_a_second_save_reads_only_the_reports_it_has_not_keyed(tmp_path):
    """The reports keyed at the last save are listed beside the registry and not read
    again; a report written since without keys is read and keyed."""
    run_keyer(tmp_path, STEMS[:-1])
    keyed = (tmp_path / "goal_registry" / ".keyed-reports").read_text().split()
    assert sorted(keyed) == sorted(f"id-{s}" for s in STEMS[:-1])
    # a keyed report's goals file made unreadable (its mtime kept): a save that read it
    # would fail
    untouched = tmp_path / "goals" / f"id-{STEMS[0]}.parquet"
    st = untouched.stat()
    untouched.write_bytes(b"not parquet")
    os.utime(untouched, ns=(st.st_atime_ns, st.st_mtime_ns))
    # a new report and a keyed one written again, both without keys (an interrupted run)
    write_report(tmp_path, gold_record(STEMS[-1]), "test")
    write_report(tmp_path, gold_record(STEMS[1]), "test")
    KeyAssigner.open(tmp_path).save()
    for stem in (STEMS[-1], STEMS[1]):
        goals = pd.read_parquet(tmp_path / "goals" / f"id-{stem}.parquet")
        assert goals.goal_key.notna().all(), stem
    assert f"id-{STEMS[-1]}" in (tmp_path / "goal_registry" / ".keyed-reports").read_text()
