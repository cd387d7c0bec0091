"""Accuracy of every sample set against the gold: the README's accuracy table.

    python bench/accuracy.py [--sets digital scan300 ...] [--workers N]

Runs ``malrapport extract`` on each set into a temporary folder, then
``malrapport evaluate`` against samples/gold, and prints one Markdown row per
set with goal, activity and field F1 and the seconds taken.
"""
from __future__ import annotations

import argparse
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SETS = {  # name: (folder under samples/pdf, extra extract flags)
    "digital": ("digital", []),
    "scan300": ("scan300", []),
    "scan200": ("scan200", []),
    "badlayer": ("badlayer", []),
    "badlayer --ocr never": ("badlayer", ["--ocr", "never"]),
}


def _f1(text: str, table: str) -> str:
    m = re.search(rf"^{table}\s+P=\S+ R=\S+ F1=(\S+)", text, re.M)
    return m.group(1) if m else "?"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sets", nargs="+", default=list(SETS), choices=list(SETS))
    ap.add_argument("--workers", default="2")
    args = ap.parse_args()
    print("| sample set | files | pages | goals F1 | activities F1 | field_f1 | seconds |")
    print("| --- | --- | --- | --- | --- | --- | --- |")
    for name in args.sets:
        folder, flags = SETS[name]
        with tempfile.TemporaryDirectory() as out:
            start = time.perf_counter()
            ex = subprocess.run(["malrapport", "extract", str(ROOT / "samples/pdf" / folder), "-o", out,
                                 "--quiet", "--workers", args.workers, *flags],
                                capture_output=True, text=True)
            seconds = time.perf_counter() - start
            ev = subprocess.run(["malrapport", "evaluate", out, "--gold", str(ROOT / "samples/gold")],
                                capture_output=True, text=True)
            if ev.returncode != 0:
                print(ev.stdout, ev.stderr, file=sys.stderr)
                return 1
            summary = ex.stderr.strip().splitlines()[-1] if ex.stderr.strip() else ""
            pages = re.search(r"(\d+) pages", summary)
            files = len(list((ROOT / "samples/pdf" / folder).glob("*.pdf")))
            field = ev.stdout.strip().splitlines()[-1].split("=")[1]
            print(f"| {name} | {files} | {pages.group(1) if pages else '?'} | {_f1(ev.stdout, 'goals')} "
                  f"| {_f1(ev.stdout, 'activities')} | {field} | {seconds:.0f} |", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
