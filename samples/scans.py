"""Scanned variants of the digital samples, and a small Swedish demo page.

``python -m malrapport.samples.scans [STEM ...]`` turns every ``samples/pdf/digital/*.pdf``
(or the stems named) into

- ``samples/pdf/scan300/<stem>.pdf``: 300 dpi greyscale raster, rotated by a small
  random angle (within +-1.5 degrees), with paper noise, slight blur and JPEG
  artefacts; an image-only PDF, one JPEG per page, page size as the original
  (A4 in points);
- ``samples/pdf/scan200/<stem>.pdf``: the same at 200 dpi, a bit noisier and blurrier,
  compressed harder;
- ``samples/pdf/badlayer/<stem>.pdf``: the scan300 JPEGs with an invisible text layer
  written by ``tesseract -l eng ... pdf`` (a searchable PDF whose text has lost
  most of its å, ä and ö, like archives OCR'd by scanner software).

scan200 and badlayer are made of the goal-management system's own reports
(families A and B) only; the other families get scan300 (``all_sets``).

Everything is deterministic: the random generator is seeded from the file stem, the
JPEG encoder is deterministic and ``pin_pdf`` fixes the PDF writers' creation dates
and /IDs. ``samples/pdf/scan300/SOURCES.sha256`` records the digital PDFs the scans
were made from; rerun this command (about 2 minutes) after changing a digital sample.
``demo_pdf`` writes a one-page report excerpt with reportlab for the tests.
"""
from __future__ import annotations

import argparse
import hashlib
import io
import shutil
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pypdfium2 as pdfium
from malrapport.extract import tesseract
from malrapport.samples.reproducible import pin_pdf
from PIL import Image, ImageFilter

SAMPLES = Path(__file__).resolve().parent
A4 = (595.2756, 841.8898)


@dataclass(frozen=True)
class ScanStyle:
    """How bad a simulated scan is."""

    dpi: int
    max_angle: float = 1.5  # degrees, uniform in [-max_angle, max_angle]
    noise: float = 2.5  # std of the grey-level noise, before blur
    blur: float = 0.7  # Gaussian blur radius in pixels at this dpi
    quality: int = 18  # JPEG quality (progressive)
    paper: int = 246  # grey level of the paper


# Quality is lower than a scanner would use: a dense A4 text page at 300 dpi costs
# ~300 KB as JPEG at quality 30, and the committed samples must stay small. Measured
# on ange-2025-t2 (pages 2, 3, 5, 7): quality 18 gives ~180 KB/page and tesseract
# (swe) still reads 99.7 % of the words; scan200 ~85 KB/page, 99.3 %.
SCAN300 = ScanStyle(dpi=300, noise=2.5, blur=0.7, quality=18)
SCAN200 = ScanStyle(dpi=200, noise=4.0, blur=0.8, quality=15)


def seed_for(stem: str, salt: str = "") -> int:
    """A fixed seed per file, stable across machines and Python versions."""
    return int.from_bytes(hashlib.sha256(f"{stem}/{salt}".encode()).digest()[:8], "big")


# --- rasterising ---------------------------------------------------------------------


def render_grey(page: pdfium.PdfPage, dpi: int) -> Image.Image:
    bitmap = page.render(scale=dpi / 72, grayscale=True, may_draw_forms=True)
    return bitmap.to_pil().convert("L")


def degrade(img: Image.Image, style: ScanStyle, rng: np.random.Generator, angle: float,
            flip: bool = False) -> Image.Image:
    """Rotate, darken the paper, add noise and blur: what a cheap office scanner does."""
    if flip:
        img = img.transpose(Image.Transpose.ROTATE_180)
    img = img.rotate(angle, resample=Image.Resampling.BILINEAR, fillcolor=255)
    a = np.asarray(img, dtype=np.float32)
    a = a * (style.paper / 255.0)  # paper is never white
    a += rng.normal(0.0, style.noise, a.shape).astype(np.float32)
    # a few specks of dust
    n_specks = int(a.size / 400_000)
    ys = rng.integers(0, a.shape[0], n_specks)
    xs = rng.integers(0, a.shape[1], n_specks)
    a[ys, xs] = rng.uniform(40, 140, n_specks)
    out = Image.fromarray(np.clip(a, 0, 255).astype(np.uint8), "L")
    return out.filter(ImageFilter.GaussianBlur(style.blur))


def jpeg_bytes(img: Image.Image, style: ScanStyle) -> bytes:
    buf = io.BytesIO()
    img.save(buf, "JPEG", quality=style.quality, optimize=True, progressive=True, dpi=(style.dpi, style.dpi))
    return buf.getvalue()


def images_to_pdf(jpegs: list[bytes], sizes: list[tuple[float, float]], dst: Path) -> None:
    """Write an image-only PDF: one page per JPEG, the JPEG embedded as is (DCTDecode)."""
    pdf = pdfium.PdfDocument.new()
    for data, (w, h) in zip(jpegs, sizes):
        page = pdf.new_page(w, h)
        image = pdfium.PdfImage.new(pdf)
        image.load_jpeg(io.BytesIO(data), inline=False, autoclose=True)
        image.set_matrix(pdfium.PdfMatrix(w, 0, 0, h, 0, 0))
        page.insert_obj(image)
        page.gen_content()
    dst.parent.mkdir(parents=True, exist_ok=True)
    buf = io.BytesIO()
    pdf.save(buf)
    pdf.close()
    dst.write_bytes(pin_pdf(buf.getvalue()))


def scan_pdf(src: Path, dst: Path, style: ScanStyle, seed: int,
             flip_pages: tuple[int, ...] = (), angles: tuple[float, ...] | None = None,
             jpeg_dir: Path | None = None) -> list[float]:
    """Rasterise every page of ``src`` into an image-only ``dst``; returns the angles.

    ``flip_pages`` are 0-based pages to turn upside down. ``angles`` overrides the
    random angles (one per page). With ``jpeg_dir`` the page JPEGs are also written
    there as ``p0001.jpg``... (for the badlayer variant and the benchmark).
    """
    rng = np.random.default_rng(seed)
    pdf = pdfium.PdfDocument(src)
    jpegs, sizes, used = [], [], []
    try:
        for i in range(len(pdf)):
            page = pdf[i]
            sizes.append((page.get_width(), page.get_height()))
            angle = float(rng.uniform(-style.max_angle, style.max_angle))
            if angles is not None:
                angle = angles[i]
            used.append(angle)
            img = degrade(render_grey(page, style.dpi), style, rng, angle, flip=i in flip_pages)
            jpegs.append(jpeg_bytes(img, style))
            if jpeg_dir is not None:
                jpeg_dir.mkdir(parents=True, exist_ok=True)
                (jpeg_dir / f"p{i + 1:04d}.jpg").write_bytes(jpegs[-1])
    finally:
        pdf.close()
    images_to_pdf(jpegs, sizes, dst)
    return used


def badlayer_pdf(jpeg_dir: Path, dst: Path) -> Path:
    """The scan's JPEGs plus an invisible English-model text layer (tesseract's pdf renderer)."""
    images = sorted(jpeg_dir.glob("p*.jpg"))
    tesseract.searchable_pdf(images, dst, lang="eng")
    dst.write_bytes(pin_pdf(dst.read_bytes()))
    return dst


# --- the demo page -------------------------------------------------------------------

DEMO_ROWS = (
    ("Erbjuda friskvårdsbidrag och aktiviteter för hälsa på arbetstid",
     "Pågående enligt plan", "2025-12-31",
     "Alla medarbetare får ett årligt bidrag. Även korta pauser med rörelse uppmuntras."),
    ("Genomföra medarbetarenkät om arbetsmiljö och återhämtning",
     "Avslutad enligt plan", "2025-03-31",
     "Svarsfrekvensen blev 78 procent, något högre än förra året."),
    ("Ta fram en plan för kompetensförsörjning inom äldreomsorgen",
     "Ej påbörjad", "2025-10-31",
     "Arbetet startar när översynen av bemanningen är klar i höst."),
)


def demo_pdf(path: Path, pages: int = 1) -> Path:
    """A report excerpt in the tertial layout: header, goal heading, Bedömning, a table."""
    from reportlab.lib.pagesizes import A4 as RL_A4
    from reportlab.pdfgen import canvas

    c = canvas.Canvas(str(path), pagesize=RL_A4, invariant=1)
    w, h = RL_A4
    for p in range(pages):
        c.setFont("Helvetica", 9)
        c.drawString(56, h - 40, "Målavstämning, tertial 1 2025")
        c.drawRightString(w - 56, h - 40, "Kommunstyrelsen")
        y = h - 90
        c.setFont("Helvetica-Bold", 14)
        c.drawString(56, y, f"3.{p + 1} Kommunfullmäktiges mål: Ökad hälsa för alla")
        y -= 28
        c.setFont("Helvetica-Bold", 12)
        c.drawString(56, y, f"3.{p + 1}.1 Ånge kommun ska stimulera till utveckling av")
        y -= 16
        c.drawString(56, y, "hälsofrämjande arbetsplatser.")
        y -= 26
        c.setFont("Helvetica-Bold", 10)
        c.drawString(56, y, "Bedömning")
        c.setFont("Helvetica", 10)
        c.drawString(140, y, "Delvis uppfyllt")
        y -= 22
        c.setFont("Helvetica-Bold", 10)
        c.drawString(56, y, "Kommentar")
        c.setFont("Helvetica", 10)
        for line in ("Sjukfrånvaron har minskat något under våren. Fler chefer än förra året",
                     "har gått utbildningen om hälsofrämjande ledarskap och även de nya",
                     "medarbetarna får nu en introduktion i arbetsmiljö."):
            y -= 14
            c.drawString(56, y, line)
        y -= 32
        c.setFont("Helvetica-Bold", 10)
        c.drawString(56, y, "Verksamhetens aktiviteter")
        c.drawString(360, y, "Status")
        c.drawString(470, y, "Slutdatum")
        c.line(56, y - 5, w - 56, y - 5)
        c.setFont("Helvetica", 10)
        for title, status, date, desc in DEMO_ROWS:
            y -= 22
            words, lines = title.split(), [""]
            for word in words:  # wrap the title at ~45 characters
                if len(lines[-1]) + len(word) > 45:
                    lines.append("")
                lines[-1] = (lines[-1] + " " + word).strip()
            s1, s2 = (status.rsplit(" ", 1) + [""])[:2] if len(status) > 16 else (status, "")
            for k, line in enumerate(lines):
                c.drawString(56, y - 13 * k, line)
            c.drawString(360, y, s1)
            if s2:
                c.drawString(360, y - 13, s2)
            c.drawString(470, y, date)
            y -= 13 * max(len(lines), 2 if s2 else 1) + 6
            c.setFont("Helvetica-Oblique", 10)
            c.drawString(56, y, desc)
            c.setFont("Helvetica", 10)
            y -= 8
        c.setFont("Helvetica", 9)
        c.drawString(56, 40, "Målavstämning, tertial 1 2025")
        c.drawRightString(w - 56, 40, f"{p + 1}")
        c.showPage()
    c.save()
    return path


# --- the command ---------------------------------------------------------------------


# one page scanned upside down, for orientation detection (scan300 and badlayer)
FLIP = {"ange-2025-t1": (4,)}


def all_sets(root: Path, stem: str) -> bool:
    """Whether a sample gets every scanned set (scan200, badlayer) or scan300 alone.

    The goal-management system's own reports (families A and B, drawn by
    ``layout.py``) get all three; the other families (their own renderers) get
    scan300, which their accuracy floors need, so that the samples stay small."""
    import json

    gold = root / "gold" / f"{stem}.json"
    if not gold.exists():
        return True
    return not json.loads(gold.read_text(encoding="utf-8")).get("render", {}).get("renderer")


def make_all(root: Path = SAMPLES, flip: dict[str, tuple[int, ...]] = FLIP,
             stems: list[str] | None = None) -> list[Path]:
    digital = sorted((root / "pdf" / "digital").glob("*.pdf"))
    if stems:
        digital = [p for p in digital if p.stem in set(stems)]
    if not digital:
        raise SystemExit(f"no digital samples in {root / 'pdf' / 'digital'}")
    written = []
    with tempfile.TemporaryDirectory(prefix="scans-") as tmp:
        for src in digital:
            stem = src.stem
            jdir = Path(tmp) / stem
            dst300 = root / "pdf" / "scan300" / f"{stem}.pdf"
            scan_pdf(src, dst300, SCAN300, seed_for(stem, "300"), flip_pages=flip.get(stem, ()),
                     jpeg_dir=jdir)
            written.append(dst300)
            if all_sets(root, stem):
                dst200 = root / "pdf" / "scan200" / f"{stem}.pdf"
                scan_pdf(src, dst200, SCAN200, seed_for(stem, "200"))
                dstbad = root / "pdf" / "badlayer" / f"{stem}.pdf"
                badlayer_pdf(jdir, dstbad)
                written += [dst200, dstbad]
            shutil.rmtree(jdir)
    write_manifest(root)
    return written


def manifest_path(root: Path = SAMPLES) -> Path:
    return root / "pdf" / "scan300" / "SOURCES.sha256"


def source_digests(root: Path = SAMPLES) -> dict[str, str]:
    """sha256 of every digital sample, by file name: what the scans were made from."""
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted((root / "pdf" / "digital").glob("*.pdf"))}


def write_manifest(root: Path = SAMPLES) -> None:
    """Record the digital PDFs the committed scans come from (``sha256sum`` format), so a
    test can tell cheaply when a digital sample changed and the scans were not remade."""
    lines = [f"{digest}  ../digital/{name}\n" for name, digest in source_digests(root).items()]
    manifest_path(root).write_text("".join(lines))


def read_manifest(root: Path = SAMPLES) -> dict[str, str]:
    out = {}
    for line in manifest_path(root).read_text().splitlines():
        digest, _, name = line.partition("  ")
        out[Path(name).name] = digest
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m malrapport.samples.scans", description=__doc__.split("\n")[0])
    ap.add_argument("--root", type=Path, default=SAMPLES, help="samples folder (holds pdf/digital)")
    ap.add_argument("--demo", type=Path, help="only write the demo page PDF to this path")
    ap.add_argument("stems", nargs="*", help="only these samples (default: every digital one)")
    args = ap.parse_args(argv)
    if args.demo:
        demo_pdf(args.demo)
        return 0
    written = make_all(args.root, stems=args.stems or None)
    total = 0
    for path in written:
        size = path.stat().st_size
        total += size
        print(f"{size / 1e6:8.2f} MB  {path.relative_to(args.root.parent) if args.root.parent in path.parents else path}")
    print(f"{total / 1e6:8.2f} MB  total")
    return 0


if __name__ == "__main__":
    sys.exit(main())
