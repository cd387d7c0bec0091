"""A larger synthetic archive for the batch benchmark, made from the samples.

    python bench/make_archive.py OUT [--digital 200] [--scanned 40] [--long-pages 100]

writes

- ``OUT/digital/NNNN-<stem>.pdf``: copies of ``samples/pdf/digital/*.pdf``, round robin;
- ``OUT/scanned/NNNN-<stem>.pdf``: copies of ``samples/pdf/scan300/*.pdf`` (made
  with ``malrapport.samples.scans`` into ``OUT/.scan-sources`` when the samples
  folder has none);
- ``OUT/long/scan-<N>p.pdf``: one scanned report of N pages, the scan pages
  concatenated with pypdfium2 (for peak memory).

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


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("out", type=Path, help="folder to write (outside the repository)")
    ap.add_argument("--digital", type=int, default=200)
    ap.add_argument("--scanned", type=int, default=40)
    ap.add_argument("--long-pages", type=int, default=100)
    args = ap.parse_args(argv)
    if args.out.resolve().is_relative_to(ROOT):
        print("make_archive: write the archive outside the repository", file=sys.stderr)
        return 2
    made = make_archive(args.out, args.digital, args.scanned, args.long_pages)
    for kind, paths in made.items():
        print(f"{kind}: {len(paths)} files in {args.out / kind}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
