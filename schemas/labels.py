"""The ``labels`` table: each status and assessment key with its Swedish label,
colour, display order and (assessments) score, so that an analyst shows
``Pågående enligt plan`` instead of ``pagaende_enligt_plan`` with one join, and
ranks assessments without writing the order down again.

The comparison page and ``malrapport export`` take their labels and colours from
here too.
"""
from __future__ import annotations

from malrapport.normalize.labels import ASSESSMENT_KEYS, ASSESSMENTS, STATUS_KEYS, STATUSES

STATUS_LABEL: dict[str, str] = {key: label for label, key in STATUSES.items()} | {"avbruten": "Avbruten"}
ASSESSMENT_LABEL: dict[str, str] = {key: label for label, key in ASSESSMENTS.items()}

# Status display order: done, going, not started, waiting, deviating, stopped.
STATUS_ORDER: tuple[str, ...] = ("avslutad_enligt_plan", "pagaende_enligt_plan", "ej_paborjad",
                                 "vantelage", "pagaende_med_avvikelse",
                                 "avslutad_med_avvikelse", "avbruten")
STATUS_COLOR: dict[str, str] = {
    "avslutad_enligt_plan": "#1e7b3c", "pagaende_enligt_plan": "#6cc070",
    "ej_paborjad": "#9fb3c8", "vantelage": "#f2d24b", "pagaende_med_avvikelse": "#f29a4a",
    "avslutad_med_avvikelse": "#d64545", "avbruten": "#7a4a8c"}
ASSESSMENT_COLOR: dict[str, str] = {
    "uppfyllt": "#3f9f5a", "delvis_uppfyllt": "#f2d24b", "knappt_uppfyllt": "#f29a4a",
    "ej_uppfyllt": "#d64545", "saknas": "#a6a6a6"}
# How well it went, higher is better. ``saknas`` (the report says the assessment is
# missing) has no score: it says nothing about how the goal went.
ASSESSMENT_SCORE: dict[str, int | None] = {
    "uppfyllt": 3, "delvis_uppfyllt": 2, "knappt_uppfyllt": 1, "ej_uppfyllt": 0, "saknas": None}

assert set(STATUS_ORDER) == set(STATUS_KEYS) == set(STATUS_COLOR) == set(STATUS_LABEL)
assert set(ASSESSMENT_KEYS) == set(ASSESSMENT_COLOR) == set(ASSESSMENT_SCORE) == set(ASSESSMENT_LABEL)


def label_rows() -> list[dict]:
    """The rows of the ``labels`` table: statuses in display order, then assessments
    from best to worst, ``saknas`` last."""
    rows = [{"kind": "status", "key": key, "label": STATUS_LABEL[key],
             "color": STATUS_COLOR[key], "sort_order": i + 1, "score": None}
            for i, key in enumerate(STATUS_ORDER)]
    rows += [{"kind": "assessment", "key": key, "label": ASSESSMENT_LABEL[key],
              "color": ASSESSMENT_COLOR[key], "sort_order": i + 1,
              "score": ASSESSMENT_SCORE[key]}
             for i, key in enumerate(ASSESSMENT_KEYS)]
    return rows
