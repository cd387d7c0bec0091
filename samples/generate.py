"""Render every gold annotation in ``samples/gold`` to a sample PDF.

    python -m malrapport.samples.generate [--out samples/pdf/digital] [STEM ...]

The gold JSON is the source of truth: its ``report`` and ``goals`` are
what the parser should find; its ``render`` key holds what only the
picture needs (style, prose chapters, the goal catalogue, notes).

``render.renderer`` names the module of this package that draws the PDF
(``malrapport.samples.<renderer>``, with a function ``render_pdf(gold) -> bytes``);
without it the report is drawn by reportlab in the goal-management system's
layout (``layout.py``, families A and B). Other renderers drive another engine
(a word processor through LibreOffice, HTML through Chromium), so that the
samples are not all drawn one way. reportlab output is deterministic: the same
gold gives byte-identical PDFs (``render.engine`` says which engine a renderer uses).
"""
from __future__ import annotations

import argparse
import importlib
import json
import sys
from pathlib import Path


from .layout import render_report
from .render import sample_canvas, two_passes

HERE = Path(__file__).resolve().parent
GOLD_DIR = HERE / "gold"
DIGITAL_DIR = HERE / "pdf" / "digital"


def load_gold(path: Path) -> dict:
    with open(path, encoding="utf-8") as fh:
        return json.load(fh)


def _draw(gold: dict, total_pages: int) -> tuple[bytes, int]:
    canvas, buf = sample_canvas(gold, "malrapport.samples")
    pages = render_report(canvas, gold, total_pages)
    canvas.save()
    return buf.getvalue(), pages


def render_pdf(gold: dict) -> bytes:
    """The sample PDF of one gold annotation, drawn by its ``render.renderer``."""
    renderer = gold.get("render", {}).get("renderer")
    if renderer:
        module = importlib.import_module(f"{__package__}.{renderer}")
        return module.render_pdf(gold)
    return render_system_pdf(gold)


def render_system_pdf(gold: dict) -> bytes:
    return two_passes(_draw, gold)


def gold_paths(gold_dir: Path, stems: list[str] | None = None) -> list[Path]:
    paths = sorted(gold_dir.glob("*.json"))
    if stems:
        paths = [p for p in paths if p.stem in set(stems)]
    return paths


def generate(out_dir: Path, gold_dir: Path = GOLD_DIR,
             stems: list[str] | None = None) -> list[Path]:
    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for path in gold_paths(gold_dir, stems):
        target = out_dir / f"{path.stem}.pdf"
        target.write_bytes(render_pdf(load_gold(path)))
        written.append(target)
    return written


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m malrapport.samples.generate",
                                     description=__doc__.splitlines()[0])
    parser.add_argument("stems", nargs="*", help="only these gold stems")
    parser.add_argument("--out", type=Path, default=DIGITAL_DIR)
    parser.add_argument("--gold", type=Path, default=GOLD_DIR)
    args = parser.parse_args(argv)
    written = generate(args.out, args.gold, args.stems or None)
    if not written:
        print("no gold files found", file=sys.stderr)
        return 2
    for path in written:
        print(path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
