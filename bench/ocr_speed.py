"""Seconds per page of ``ocr_page`` against plain ``tesseract`` on the same page images.

    python bench/ocr_speed.py                      # every page of samples/pdf/scan300 and scan200
    python bench/ocr_speed.py --pages 6            # a subset spread over the files
    python bench/ocr_speed.py some/scan.pdf --pages 3
    python bench/ocr_speed.py --pages 10 --engine cli   # ocr_page through the tesseract CLI

For each page, in the same run and one process at a time:

- *plain*: ``tesseract PAGE.jpg stdout -l swe --dpi D tsv`` on the page's own image
  (the scan's embedded JPEG written out as is; a rendered PNG for other pages),
  with ``OMP_THREAD_LIMIT=1`` like the pipeline;
- *ocr_page*: ``malrapport.extract.ocr.ocr_page`` on the PDF page: open, take the
  image, measure and remove skew, tesseract, orientation check, mapping to points.

Both wall seconds and CPU seconds (this process plus its children) are reported;
the two runs alternate which goes first. ``--engine`` picks the engine ``ocr_page``
uses (``MALRAPPORT_OCR_ENGINE``: tesserocr or the library in-process, or the tesseract CLI). One untimed warm-up of each comes first
(disk cache, tesseract's model files). With ``--repeat R`` each page is timed R
times and the fastest wall and CPU time of each kept. Target: ratio <= 1.15.
"""
from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pypdfium2 as pdfium

from malrapport.extract import render, tesseract
from malrapport.extract.ocr import ocr_page
from malrapport.extract.options import ExtractOptions

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DIRS = (ROOT / "samples" / "pdf" / "scan300", ROOT / "samples" / "pdf" / "scan200")


def _clock() -> tuple[float, float]:
    own = time.process_time()
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    return time.perf_counter(), own + kids.ru_utime + kids.ru_stime


def _since(start: tuple[float, float]) -> tuple[float, float]:
    now = _clock()
    return now[0] - start[0], now[1] - start[1]


def page_image_file(pdf_path: Path, index: int, dpi: int, out_dir: Path) -> tuple[Path, int]:
    """The page's own image as a file, and its dpi: what plain tesseract is given."""
    pdf = pdfium.PdfDocument(str(pdf_path))
    try:
        page = pdf[index]
        image = render.sole_scan_image(page)
        if image is not None and image.get_filters() == ["DCTDecode"]:
            w_px, _ = image.get_px_size()
            native = round(w_px / (page.get_width() / 72))
            out = out_dir / f"{pdf_path.parent.name}-{pdf_path.stem}-{index + 1}.jpg"
            out.write_bytes(bytes(image.get_data(decode_simple=False)))
            return out, native
        pimg = render.page_image(page, dpi, 10**10, allow_native=False)
        out = out_dir / f"{pdf_path.parent.name}-{pdf_path.stem}-{index + 1}.png"
        pimg.image.save(out)
        return out, dpi
    finally:
        pdf.close()


def plain_tesseract(image: Path, dpi: int, lang: str) -> None:
    env = dict(os.environ, OMP_THREAD_LIMIT="1")
    subprocess.run(["tesseract", str(image), "stdout", "-l", lang, "--dpi", str(dpi), "tsv"],
                   check=True, capture_output=True, env=env)


def select_pages(pdfs: list[Path], limit: int | None) -> list[tuple[Path, int]]:
    pages = []
    for pdf_path in pdfs:
        with pdfium.PdfDocument(str(pdf_path)) as pdf:
            pages += [(pdf_path, i) for i in range(len(pdf))]
    if limit and limit < len(pages):
        step = len(pages) / limit
        pages = [pages[int(k * step)] for k in range(limit)]
    return pages


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("paths", nargs="*", type=Path, help="scanned PDFs or folders (default: scan300, scan200)")
    ap.add_argument("--pages", type=int, help="time only this many pages, spread over the files")
    ap.add_argument("--dpi", type=int, default=300)
    ap.add_argument("--lang", default="swe")
    ap.add_argument("--repeat", type=int, default=1,
                    help="time each page this many times and keep the fastest (a busy machine)")
    ap.add_argument("--engine", choices=list(tesseract.ENGINES),
                    help="OCR engine of ocr_page (default: MALRAPPORT_OCR_ENGINE, else auto)")
    args = ap.parse_args(argv)
    if args.engine:
        os.environ[tesseract.ENGINE_ENV] = args.engine

    pdfs: list[Path] = []
    for p in args.paths or [d for d in DEFAULT_DIRS if d.is_dir()]:
        pdfs += sorted(p.glob("*.pdf")) if p.is_dir() else [p]
    if not pdfs:
        print("no scanned PDFs found; run python -m malrapport.samples.scans first", file=sys.stderr)
        return 2
    options = ExtractOptions(dpi=args.dpi, lang=args.lang)
    pages = select_pages(pdfs, args.pages)
    rows = []
    with tempfile.TemporaryDirectory(prefix="ocr-bench-") as tmp:
        images = [page_image_file(p, i, args.dpi, Path(tmp)) for p, i in pages]
        plain_tesseract(images[0][0], images[0][1], args.lang)  # warm-up, not timed
        ocr_page(pages[0][0], pages[0][1], options)
        for k, ((pdf_path, index), (image, dpi)) in enumerate(zip(pages, images)):
            runs: dict[str, tuple[float, float]] = {}
            for r in range(args.repeat):
                for name in (("plain", "ocr_page") if (k + r) % 2 == 0 else ("ocr_page", "plain")):
                    start = _clock()
                    if name == "plain":
                        plain_tesseract(image, dpi, args.lang)
                    else:
                        result = ocr_page(pdf_path, index, options)
                    took = _since(start)
                    best = runs.get(name, (float("inf"), float("inf")))
                    runs[name] = (min(best[0], took[0]), min(best[1], took[1]))
            rows.append((pdf_path, index, dpi, runs, result.note))
            (pw, pc), (ow, oc) = runs["plain"], runs["ocr_page"]
            print(f"{pdf_path.parent.name}/{pdf_path.name} p{index + 1:<3d} {dpi:4d} dpi  "
                  f"plain {pw:6.2f} s wall {pc:6.2f} s cpu   ocr_page {ow:6.2f} s wall {oc:6.2f} s cpu   "
                  f"ratio {ow / pw:5.2f}  [{result.note}]", flush=True)

    def per_page(name: str, i: int) -> float:
        return statistics.fmean(r[3][name][i] for r in rows)

    print()
    print(f"ocr_page engine: {tesseract.engine_line(args.lang)}")
    print(f"pages: {len(rows)} from {len(pdfs)} files, lang {args.lang}, one process, OMP_THREAD_LIMIT=1, "
          f"best of {args.repeat}; load average {os.getloadavg()[0]:.1f}")
    for label, i in (("wall", 0), ("cpu", 1)):
        plain, ours = per_page("plain", i), per_page("ocr_page", i)
        print(f"{label:4s}: plain tesseract {plain:.3f} s/page   ocr_page {ours:.3f} s/page   ratio {ours / plain:.3f}")
    for group in sorted({r[0].parent.name for r in rows}):
        sub = [r for r in rows if r[0].parent.name == group]
        plain = statistics.fmean(r[3]["plain"][0] for r in sub)
        ours = statistics.fmean(r[3]["ocr_page"][0] for r in sub)
        print(f"  {group}: {len(sub)} pages, wall plain {plain:.3f} s/page, ocr_page {ours:.3f} s/page, "
              f"ratio {ours / plain:.3f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
