"""Accuracy of every sample set against the gold, per report family: the README's table.

    python bench/accuracy.py [--sets digital scan300 ...] [--workers N]

Runs ``malrapport extract`` on each set into a temporary folder, then ``malrapport
evaluate`` against the gold of the reports in it, once per report family (the gold's
``report.profile``) and once for all, and prints one Markdown row each with goal,
activity and field F1 and the seconds the extraction took. The held-out sets
(samples/holdout, samples/holdout2: drawn by other engines, never used to write the
profiles' words) are scored the same way; their scans are made on the fly from their
PDFs with the sample scans' own recipe (300 dpi, deterministic). So are the scans of
samples/engine2 (families A and B drawn by Chromium, development samples of a second
engine), and its bad text layer (the scan's pages with tesseract's English-model
layer, as ``python -m malrapport.samples.scans`` makes badlayer); ``--sets engine2``
runs its three sets.
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
LEARNED = "badlayer --ocr never, learned"
SETS = {  # name: (PDF folder, gold folder, extra extract flags, scan it first: True
        # for a 300 dpi scan, "badlayer" for that scan under an English-model text layer)
    "digital": (SAMPLES / "pdf/digital", SAMPLES / "gold", [], False),
    "scan300": (SAMPLES / "pdf/scan300", SAMPLES / "gold", [], False),
    "scan200": (SAMPLES / "pdf/scan200", SAMPLES / "gold", [], False),
    "badlayer": (SAMPLES / "pdf/badlayer", SAMPLES / "gold", [], False),
    "badlayer --ocr never": (SAMPLES / "pdf/badlayer", SAMPLES / "gold", ["--ocr", "never"], False),
    # the same with the sample municipalities' own goals handed over, as a user would
    "badlayer --ocr never --vocab goals": (SAMPLES / "pdf/badlayer", SAMPLES / "gold",
                                          ["--ocr", "never", "--vocab",
                                           str(SAMPLES / "vocabulary/goals.txt")], False),
    # learned from the same municipality's other, born-digital reports (leave-one-out:
    # never the digital twin of the report being repaired): _learned_outdir
    LEARNED: (SAMPLES / "pdf/badlayer", SAMPLES / "gold", ["--ocr", "never"], False),
    "holdout": (SAMPLES / "holdout/pdf", SAMPLES / "holdout/gold", [], False),
    "holdout scan300": (SAMPLES / "holdout/pdf", SAMPLES / "holdout/gold", [], True),
    "holdout2": (SAMPLES / "holdout2/pdf", SAMPLES / "holdout2/gold", [], False),
    "holdout2 scan300": (SAMPLES / "holdout2/pdf", SAMPLES / "holdout2/gold", [], True),
    # families A and B drawn by a second engine (samples/engine2_html.py); scans on the fly
    "engine2 digital": (SAMPLES / "engine2/pdf", SAMPLES / "engine2/gold", [], False),
    "engine2 scan300": (SAMPLES / "engine2/pdf", SAMPLES / "engine2/gold", [], True),
    "engine2 badlayer": (SAMPLES / "engine2/pdf", SAMPLES / "engine2/gold", [], "badlayer"),
}
GROUPS = {"engine2": ["engine2 digital", "engine2 scan300", "engine2 badlayer"]}


def _f1(text: str, table: str) -> str:
    m = re.search(rf"^{table}\s+P=\S+ R=\S+ F1=(\S+)", text, re.M)
    return m.group(1) if m else "?"


def _scanned(folder: Path, into: Path, layer: bool = False) -> Path:
    """300 dpi scans of ``folder``'s PDFs; with ``layer`` the scans' pages under an
    invisible English-model text layer (the samples' badlayer recipe)."""
    from malrapport.samples.scans import SCAN300, badlayer_pdf, scan_pdf, seed_for

    into.mkdir(parents=True, exist_ok=True)
    for pdf in sorted(folder.glob("*.pdf")):
        jpegs = into / f"{pdf.stem}-pages" if layer else None
        scan_pdf(pdf, into / pdf.name, SCAN300, seed_for(pdf.stem, "300"), jpeg_dir=jpegs)
        if jpegs is not None:
            badlayer_pdf(jpegs, into / pdf.name)
            shutil.rmtree(jpegs)
    return into


def _gold_subset(gold_dir: Path, stems: list[str], into: Path) -> Path:
    into.mkdir(parents=True, exist_ok=True)
    for stem in stems:
        shutil.copy(gold_dir / f"{stem}.json", into)
    return into


def _learned_outdir(folder: Path, flags: list[str], workers: str, tmp: Path) -> Path:
    """Each report of ``folder`` extracted into an OUTDIR that already holds the
    digital samples, its own digital twin left out, so that it is repaired with what
    the municipality's other clean reports taught; the reports gathered in one OUTDIR."""
    from malrapport.schemas.output import REPORT_TABLES
    from malrapport.schemas.tables import EMPTY_STEM

    base = tmp / "digital"
    subprocess.run(["malrapport", "extract", str(SAMPLES / "pdf/digital"), "-o", str(base),
                    "--quiet", "--workers", workers, "--ocr", "never"], capture_output=True)
    import pyarrow.parquet as pq

    ids = {Path(r["source_file"]).stem: r["report_id"]
           for r in pq.read_table(base / "reports").to_pylist()}
    combined = tmp / "out"
    for pdf in sorted(folder.glob("*.pdf")):
        out = tmp / f"out-{pdf.stem}"
        shutil.copytree(base, out)
        for table in REPORT_TABLES:  # leave the digital twin out
            (out / table / f"{ids[pdf.stem]}.parquet").unlink(missing_ok=True)
        before = {p.name for p in (out / "reports").glob("*.parquet")}
        ex = subprocess.run(["malrapport", "extract", str(pdf), "-o", str(out), "--quiet",
                             "--workers", workers, *flags], capture_output=True, text=True)
        if ex.returncode not in (0, 3):  # 3: done, with warnings
            raise SystemExit(f"extract {pdf} failed:\n{ex.stderr}")
        new = [p.name for p in (out / "reports").glob("*.parquet") if p.name not in before]
        for table in REPORT_TABLES:
            (combined / table).mkdir(parents=True, exist_ok=True)
            shutil.copy(out / table / f"{EMPTY_STEM}.parquet", combined / table)
            for name in new:
                shutil.copy(out / table / name, combined / table)
    return combined


def _evaluate(out: str, gold: Path) -> str:
    ev = subprocess.run(["malrapport", "evaluate", out, "--gold", str(gold)],
                        capture_output=True, text=True)
    if ev.returncode != 0:
        raise SystemExit(f"evaluate failed:\n{ev.stdout}\n{ev.stderr}")
    return ev.stdout


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sets", nargs="+", default=list(SETS), choices=list(SETS) + list(GROUPS),
                    help="sets to run; engine2 is its digital, scan300 and badlayer sets")
    ap.add_argument("--workers", default="2")
    ap.add_argument("--keep", type=Path, metavar="DIR",
                    help="keep each set's OUTDIR as DIR/<set> (e.g. for bench/confidence.py "
                         "--outdir); default: nothing kept")
    args = ap.parse_args()
    args.sets = [s for name in args.sets for s in GROUPS.get(name, [name])]
    titles: list[str] = []
    print("| sample set | family | files | pages | goals F1 | activities F1 | field_f1 | seconds |")
    print("| --- | --- | --- | --- | --- | --- | --- | --- |")
    for name in args.sets:
        folder, gold_dir, flags, scan = SETS[name]
        with tempfile.TemporaryDirectory() as tmp:
            if scan:
                folder = _scanned(folder, Path(tmp) / "scans", layer=scan == "badlayer")
            out = str(Path(tmp) / "out")
            start = time.perf_counter()
            if name == LEARNED:
                _learned_outdir(folder, flags, args.workers, Path(tmp))
                pages = None
            else:
                ex = subprocess.run(["malrapport", "extract", str(folder), "-o", out, "--quiet",
                                     "--workers", args.workers, *flags],
                                    capture_output=True, text=True)
                summary = ex.stderr.strip().splitlines()[-1] if ex.stderr.strip() else ""
                pages = re.search(r"(\d+) pages", summary)
            seconds = time.perf_counter() - start
            if args.keep:
                kept = args.keep / re.sub(r"[^\w.-]+", "_", name).strip("_")
                shutil.rmtree(kept, ignore_errors=True)
                shutil.copytree(Path(tmp) / "out", kept)
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
                if family == "all" and name.startswith("badlayer --ocr never"):
                    titles.append(f"| {name} | {_accuracy(text, 'goals.title')} "
                                  f"| {_accuracy(text, 'activities.title')} |")
    if titles:
        print("\n| bad text layers, `--ocr never` | goal titles | activity titles |")
        print("| --- | --- | --- |")
        print("\n".join(titles))
    return 0


def _accuracy(text: str, field: str) -> str:
    m = re.search(rf"^\s+{re.escape(field)}\s+(\S+)", text, re.M)
    return m.group(1) if m else "?"


if __name__ == "__main__":
    sys.exit(main())
