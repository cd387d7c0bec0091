"""Accuracy of every sample set against the gold, per report family: the README's table.

    python bench/accuracy.py [--sets digital scan300 ...] [--workers N]

Runs ``malrapport extract`` on each set into a temporary folder, then ``malrapport
evaluate`` against the gold of the reports in it, once per report family (the gold's
``report.profile``) and once for all, and prints one Markdown row each with goal,
activity and field F1 and the seconds the extraction took. The held-out sets
(samples/holdout, samples/holdout2: drawn by other engines, never used to write the
profiles' words) are scored the same way; their scans are made on the fly from their
PDFs with the sample scans' own recipe (300 dpi, deterministic).
"""
from __future__ import annotations

import argparse
import json
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from malrapport.extract.profile_load import builtin_profiles

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT / "samples"
FAMILY = {p.name: p.family for p in builtin_profiles()}  # profile → family letter
SETS = {  # name: (PDF folder, gold folder, extra extract flags, scan it first)
    "digital": (SAMPLES / "pdf/digital", SAMPLES / "gold", [], False),
    "scan300": (SAMPLES / "pdf/scan300", SAMPLES / "gold", [], False),
    "scan200": (SAMPLES / "pdf/scan200", SAMPLES / "gold", [], False),
    "badlayer": (SAMPLES / "pdf/badlayer", SAMPLES / "gold", [], False),
    "badlayer --ocr never": (SAMPLES / "pdf/badlayer", SAMPLES / "gold", ["--ocr", "never"], False),
    # the same with the sample municipalities' own goals handed over, as a user would
    "badlayer --ocr never --vocab goals": (SAMPLES / "pdf/badlayer", SAMPLES / "gold",
                                          ["--ocr", "never", "--vocab",
                                           str(SAMPLES / "vocabulary/goals.txt")], False),
    "holdout": (SAMPLES / "holdout/pdf", SAMPLES / "holdout/gold", [], False),
    "holdout scan300": (SAMPLES / "holdout/pdf", SAMPLES / "holdout/gold", [], True),
    "holdout2": (SAMPLES / "holdout2/pdf", SAMPLES / "holdout2/gold", [], False),
    "holdout2 scan300": (SAMPLES / "holdout2/pdf", SAMPLES / "holdout2/gold", [], True),
}


def _f1(text: str, table: str) -> str:
    m = re.search(rf"^{table}\s+P=\S+ R=\S+ F1=(\S+)", text, re.M)
    return m.group(1) if m else "?"


def _scanned(folder: Path, into: Path) -> Path:
    from malrapport.samples.scans import SCAN300, scan_pdf, seed_for

    into.mkdir(parents=True, exist_ok=True)
    for pdf in sorted(folder.glob("*.pdf")):
        scan_pdf(pdf, into / pdf.name, SCAN300, seed_for(pdf.stem, "300"))
    return into


def _gold_subset(gold_dir: Path, stems: list[str], into: Path) -> Path:
    into.mkdir(parents=True, exist_ok=True)
    for stem in stems:
        shutil.copy(gold_dir / f"{stem}.json", into)
    return into


def _evaluate(out: str, gold: Path) -> str:
    ev = subprocess.run(["malrapport", "evaluate", out, "--gold", str(gold)],
                        capture_output=True, text=True)
    if ev.returncode != 0:
        raise SystemExit(f"evaluate failed:\n{ev.stdout}\n{ev.stderr}")
    return ev.stdout


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sets", nargs="+", default=list(SETS), choices=list(SETS))
    ap.add_argument("--workers", default="2")
    args = ap.parse_args()
    print("| sample set | family | files | pages | goals F1 | activities F1 | field_f1 | seconds |")
    print("| --- | --- | --- | --- | --- | --- | --- | --- |")
    for name in args.sets:
        folder, gold_dir, flags, scan = SETS[name]
        with tempfile.TemporaryDirectory() as tmp:
            if scan:
                folder = _scanned(folder, Path(tmp) / "scans")
            out = str(Path(tmp) / "out")
            start = time.perf_counter()
            ex = subprocess.run(["malrapport", "extract", str(folder), "-o", out, "--quiet",
                                 "--workers", args.workers, *flags], capture_output=True, text=True)
            seconds = time.perf_counter() - start
            summary = ex.stderr.strip().splitlines()[-1] if ex.stderr.strip() else ""
            pages = re.search(r"(\d+) pages", summary)
            stems = sorted(p.stem for p in folder.glob("*.pdf"))
            by_family: dict[str, list[str]] = {}
            for stem in stems:
                profile = json.loads((gold_dir / f"{stem}.json").read_text(encoding="utf-8"))[
                    "report"]["profile"]
                by_family.setdefault(FAMILY[profile], []).append(stem)
            groups = sorted(by_family.items()) + ([("all", stems)] if len(by_family) > 1 else [])
            for family, members in groups:
                text = _evaluate(out, _gold_subset(gold_dir, members, Path(tmp) / f"gold-{family}"))
                field = text.strip().splitlines()[-1].split("=")[1]
                whole = family == "all" or len(groups) == 1  # pages and seconds are the set's
                shown_pages = pages.group(1) if pages and whole else ""
                shown_seconds = f"{seconds:.0f}" if whole else ""
                print(f"| {name} | {family} | {len(members)} | {shown_pages} "
                      f"| {_f1(text, 'goals')} | {_f1(text, 'activities')} | {field} "
                      f"| {shown_seconds} |", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
