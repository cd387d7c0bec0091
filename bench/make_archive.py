"""A larger synthetic archive for the batch benchmark, made from the samples.

    python bench/make_archive.py OUT [--digital 200] [--scanned 40] [--long-pages 100]

writes

- ``OUT/digital/NNNN-<stem>.pdf``: copies of ``samples/pdf/digital/*.pdf``, round robin;
- ``OUT/scanned/NNNN-<stem>.pdf``: copies of ``samples/pdf/scan300/*.pdf`` (made
  with ``malrapport.samples.scans`` into ``OUT/.scan-sources`` when the samples
  folder has none);
- ``OUT/long/scan-<N>p.pdf``: one scanned report of N pages, the scan pages
  concatenated with pypdfium2 (for peak memory);
- with ``--scale N``: ``OUT/scale-N/NNNN-<municipality>-<year>.pdf``, N digital
  reports over 10 years x 4 municipalities (``scale_archive``): one family A
  sample (``sjovik-2022-t1``) rendered with reportlab once per municipality and
  year, its name and year replaced and a quarter of its goals new each year
  (so the key registry grows with the years), then copied round robin with
  varied bytes as below. Rendering the 40 templates takes about a second.

Every copy differs from its source in one place only, the first file ID in the
trailer (``/ID [<hex>…``), rewritten with as many hex digits, so the copy is the
same PDF byte for byte except there, and hashes to a new report_id. A PDF
without an ID gets a comment line after ``%%EOF`` instead. Nothing is written
inside the repository.
"""
from __future__ import annotations

import argparse
import hashlib
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT / "samples" / "pdf"
_TRAILER_ID = re.compile(rb"/ID\s*\[\s*<([0-9A-Fa-f]+)>")


def vary_pdf(src: Path, dst: Path, tag: str) -> Path:
    """Copy ``src`` to ``dst`` with a different file ID (hence a different SHA-256)."""
    data = src.read_bytes()
    matches = list(_TRAILER_ID.finditer(data))
    if matches:
        m = matches[-1]  # the last trailer is the one readers use
        old = m.group(1)
        new = hashlib.sha256(tag.encode() + old).hexdigest()[:len(old)]
        new = new.upper() if old.isupper() else new
        new = new.encode().ljust(len(old), b"0")
        data = data[:m.start(1)] + new + data[m.end(1):]
    else:
        data = data + f"\n% malrapport benchmark copy {tag}\n".encode()
    dst.parent.mkdir(parents=True, exist_ok=True)
    dst.write_bytes(data)
    return dst


def copies(sources: list[Path], folder: Path, count: int) -> list[Path]:
    """``count`` varied copies of ``sources``, round robin, named NNNN-<stem>.pdf."""
    if not sources:
        raise SystemExit(f"make_archive: no source PDFs for {folder}")
    out = []
    for i in range(count):
        src = sources[i % len(sources)]
        out.append(vary_pdf(src, folder / f"{i:04d}-{src.stem}.pdf", f"{folder.name}/{i}"))
    return out


def scan_sources(out: Path) -> list[Path]:
    """The committed 300 dpi scans, or scans of the digital samples made into ``out``."""
    committed = sorted((SAMPLES / "scan300").glob("*.pdf"))
    if committed:
        return committed
    from malrapport.samples.scans import SCAN300, scan_pdf, seed_for

    made = []
    for src in sorted((SAMPLES / "digital").glob("*.pdf")):
        dst = out / ".scan-sources" / src.name
        if not dst.exists():
            scan_pdf(src, dst, SCAN300, seed_for(src.stem, "300"))
        made.append(dst)
    return made


def long_scan(sources: list[Path], dst: Path, pages: int) -> Path:
    """One scanned report of ``pages`` pages: the sources' pages, repeated in order."""
    import pypdfium2 as pdfium

    out = pdfium.PdfDocument.new()
    try:
        while len(out) < pages:
            for src in sources:
                doc = pdfium.PdfDocument(src)
                try:
                    take = min(len(doc), pages - len(out))
                    out.import_pages(doc, list(range(take)))
                finally:
                    doc.close()
                if len(out) >= pages:
                    break
        dst.parent.mkdir(parents=True, exist_ok=True)
        out.save(dst)
    finally:
        out.close()
    return dst


def make_archive(out: Path, digital: int = 200, scanned: int = 40,
                 long_pages: int = 100) -> dict[str, list[Path]]:
    out = Path(out)
    scans = scan_sources(out)
    made = {
        "digital": copies(sorted((SAMPLES / "digital").glob("*.pdf")), out / "digital", digital),
        "scanned": copies(scans, out / "scanned", scanned),
        "long": [],
    }
    if long_pages:
        made["long"] = [long_scan(scans, out / "long" / f"scan-{long_pages}p.pdf", long_pages)]
    return made


# --- the scale archive: 10 years x 4 municipalities -----------------------------

SCALE_TEMPLATE = "sjovik-2022-t1"  # family A, 5 pages, 12 goals
SCALE_MUNICIPALITIES = ("Sjövik", "Norrfors", "Ånge", "Bräcke")
SCALE_YEARS = tuple(range(2015, 2025))
# Words of the goals that are new in a year (two each, so new goals share at most
# one telling word with another).
_NEW_GOAL_WORDS = (
    "biblioteket badhuset cykelvägar skolskjutsen matsalen idrottshallen "
    "kulturskolan lekplatser gatubelysningen vattenverket avloppet parkerna "
    "föreningslivet turismen hemtjänsten äldreboendet fritidsgården musikskolan "
    "naturreservatet kollektivtrafiken bredbandet återvinningen skogsbruket "
    "jordbruket besöksnäringen hamnen flygplatsen järnvägen simhallen ishallen "
    "elljusspåret vandringslederna fiskevården viltvården brandskyddet "
    "räddningstjänsten krisberedskapen dricksvattnet solenergin vindkraften "
    "laddstolparna mötesplatserna ungdomsrådet pensionärsrådet integrationen "
    "språkundervisningen läxhjälpen sommarjobben praktikplatserna lärlingarna "
    "vuxenutbildningen folkhögskolan studieförbunden hembygdsgården konsthallen "
    "teatern biografen").split()


def _scale_gold(template: dict, municipality: str, year: int, new_from: int) -> dict:
    """``template`` as the report of ``municipality`` and ``year``: names and year
    replaced, and the ks goals whose turn it is this year given new titles."""
    import json

    base_year = template["report"]["year"]
    text = json.dumps(template, ensure_ascii=False)
    text = text.replace(template["report"]["municipality"].split()[0], municipality)
    text = re.sub(rf"(?<!\d){base_year}(?!\d)", str(year), text)
    gold = json.loads(text)
    k = year - SCALE_YEARS[0]
    words, n = _NEW_GOAL_WORDS, new_from
    for i, goal in enumerate(gold["goals"]):
        if goal["level"] == "ks" and (i + k) % 4 == 0 and k:
            a, b = words[n % len(words)], words[(n * 7 + 3) % len(words)]
            goal["title"] = f"{a.capitalize()} och {b} ska bli bättre."
            n += 1
    return gold


def scale_templates(out: Path) -> list[Path]:
    """One PDF per municipality and year (``OUT/.scale-templates``), made once."""
    from malrapport.samples.generate import GOLD_DIR, load_gold, render_pdf

    template = load_gold(GOLD_DIR / f"{SCALE_TEMPLATE}.json")
    folder = out / ".scale-templates"
    folder.mkdir(parents=True, exist_ok=True)
    made = []
    for m, municipality in enumerate(SCALE_MUNICIPALITIES):
        for year in SCALE_YEARS:
            dst = folder / f"{fold_name(municipality)}-{year}.pdf"
            if not dst.exists():
                gold = _scale_gold(template, municipality, year,
                                  new_from=(m * len(SCALE_YEARS) + year - SCALE_YEARS[0]) * 4)
                tmp = dst.with_suffix(".tmp")
                tmp.write_bytes(render_pdf(gold))
                tmp.replace(dst)
            made.append(dst)
    return made


def fold_name(name: str) -> str:
    return name.lower().translate(str.maketrans("åäö", "aao"))


def scale_archive(out: Path, count: int) -> list[Path]:
    """``OUT/scale-<count>/``: ``count`` distinct digital reports over 10 years x 4
    municipalities (the templates round robin, each copy with its own bytes)."""
    folder = Path(out) / f"scale-{count}"
    return copies(scale_templates(Path(out)), folder, count)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("out", type=Path, help="folder to write (outside the repository)")
    ap.add_argument("--digital", type=int, default=200)
    ap.add_argument("--scanned", type=int, default=40)
    ap.add_argument("--long-pages", type=int, default=100)
    ap.add_argument("--scale", type=int, help="also N reports over 10 years x 4 municipalities")
    args = ap.parse_args(argv)
    if args.out.resolve().is_relative_to(ROOT):
        print("make_archive: write the archive outside the repository", file=sys.stderr)
        return 2
    made = make_archive(args.out, args.digital, args.scanned, args.long_pages)
    if args.scale:
        made[f"scale-{args.scale}"] = scale_archive(args.out, args.scale)
    for kind, paths in made.items():
        print(f"{kind}: {len(paths)} files in {args.out / kind}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
