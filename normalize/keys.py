"""Goal and activity keys that follow the same goal across reports and years.

Placeholder until the goal registry lands: assigns no keys.
"""
from __future__ import annotations

from pathlib import Path

from malrapport.schemas.records import ReportRecord


class KeyAssigner:
    def __init__(self, outdir: Path):
        self.outdir = outdir

    @classmethod
    def open(cls, outdir: Path) -> "KeyAssigner":
        return cls(Path(outdir))

    def assign(self, report: ReportRecord) -> ReportRecord:
        return report

    def save(self) -> None:
        pass
