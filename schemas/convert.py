"""Report records → table rows, one dict per row, columns named as in CONTRACT.md."""
from __future__ import annotations

import unicodedata
from dataclasses import asdict

from malrapport.normalize.learned import learned_rows
from malrapport.normalize.records import report_texts
from malrapport.schemas.records import ReportRecord


def _nfc(value):
    return unicodedata.normalize("NFC", value) if isinstance(value, str) else value


def report_to_rows(report: ReportRecord, extractor_version: str) -> dict[str, list[dict]]:
    rid = report.report_id
    reports = [{
        "report_id": rid, "source_file": report.source_file,
        "municipality": report.municipality, "body": report.body, "title": report.title,
        "kind": report.kind, "year": report.year, "period": report.period,
        "pages": report.pages, "ocr_pages": report.ocr_pages,
        "extractor_version": extractor_version,
        "profile": report.profile, "profile_score": report.profile_score,
        "coverage": report.coverage, "n_warnings": len(report.warnings),
        "text_quality": report.text_quality,
        "first_page": report.first_page, "last_page": report.last_page,
    }]
    goals, activities, measures = [], [], []
    for goal in report.goals:
        goals.append({
            "report_id": rid, "number": goal.number, "level": goal.level,
            "parent_number": goal.parent_number, "area": goal.area, "title": goal.title,
            "title_raw": goal.title_raw, "assessment": goal.assessment,
            "assessment_raw": goal.assessment_raw, "comment": goal.comment,
            "page": goal.page, "goal_key": goal.goal_key,
            "ordinal": goal.ordinal, "parent_ordinal": goal.parent_ordinal,
            "description": goal.description, "source": goal.source,
            "confidence": goal.confidence, "reasons": list(goal.reasons),
            "box": list(goal.box) if goal.box is not None else None,
        })
        for ordinal, act in enumerate(goal.activities, start=1):
            row = asdict(act)
            row["reasons"] = list(act.reasons)
            row["box"] = list(act.box) if act.box is not None else None
            row.update(report_id=rid, goal_number=goal.number, ordinal=ordinal,
                       goal_key=goal.goal_key, goal_ordinal=goal.ordinal)
            activities.append(row)
        for m in goal.measures:
            measures.append({"report_id": rid, "goal_number": goal.number,
                             "goal_ordinal": goal.ordinal, **asdict(m)})
    warnings = [{"report_id": rid, **asdict(w)} for w in report.warnings]
    vocabulary = (learned_rows(report, report_texts(report))
                  if report.text_quality == "clean" else [])
    tables = {"reports": reports, "goals": goals, "activities": activities, "measures": measures,
              "warnings": warnings, "vocabulary": vocabulary,
              "repairs": [{"report_id": rid, **asdict(r)} for r in report.repairs]}
    return {name: [{k: _nfc(v) for k, v in r.items()} for r in rows]
            for name, rows in tables.items()}
