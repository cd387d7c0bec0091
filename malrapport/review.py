"""What the review page shows: per report, its warnings and its least confident rows,
each with the crop of the PDF page it was read from.

The PDF of a report is found from ``reports.source_file`` (relative to where
extract was run, or absolute; ``--pdf-root`` gives that folder) and must still be
the file that was read: its SHA-256 is the report_id's hash part. When it is
missing or changed the page says so and shows the rows without images.

A row's crop is the page rendered with pypdfium2 around the row's ``box`` (the
whole page, smaller, when the row has none), the box drawn in red and the text
layer's words in light blue; a warning's crop is around its text where the text
layer has it (a row without a box: around its title, found the same way). Images
are WebP (else JPEG) data: URIs, so the page needs no network.
"""
from __future__ import annotations

import base64
import hashlib
import io
import math
from dataclasses import dataclass, field
from pathlib import Path

from malrapport.extract.errors import UsageError

DEFAULT_TOP = 10  # rows per report, least confident first
WARNINGS_LIMIT = 40  # warnings shown per report (the rest are counted)
RENDER_SCALE = 1.5  # pixels per PDF point: 108 dpi
CROP_MARGIN = 54.0  # points above and below a row's box
CROP_WIDTH = 760  # pixels, the widest an image is shown
PAGE_WIDTH = 420  # pixels of a whole page shown when a row has no box
WEBP_QUALITY = 60
JPEG_QUALITY = 62
GOAL_FIELDS = ("number", "level", "title", "assessment", "comment")
ACTIVITY_FIELDS = ("title", "status", "start_date", "end_date", "description", "comment")


@dataclass
class Item:
    kind: str  # warning | goal | activity
    page: int | None
    confidence: float | None = None
    reasons: list[str] = field(default_factory=list)
    fields: dict[str, object] = field(default_factory=dict)  # the values shown (and editable)
    identity: dict[str, object] = field(default_factory=dict)  # a correction's row keys
    source: str | None = None
    image: str | None = None  # data: URI
    image_note: str | None = None  # why there is no image, or what it shows
    message: str | None = None  # a warning's
    warning_kind: str | None = None
    box: tuple[float, ...] | None = None  # PDF points on ``page``, top-left origin


@dataclass
class ReportView:
    report_id: str
    source_file: str
    title: str
    pdf_note: str | None  # the PDF is missing or changed: said on the page
    items: list[Item]
    rows: int  # goals and activities of the report
    warnings: int
    more_warnings: int = 0


def gather(outdir: Path, top: int = DEFAULT_TOP, share: float | None = None,
           pdf_root: Path | None = None, images: bool = True) -> list[ReportView]:
    """The reports of ``outdir`` as the review page shows them, least sure first."""
    from malrapport.compare import check_outdir
    from malrapport.schemas.tables import SchemaVersionError, read_table

    outdir = Path(outdir)
    check_outdir(outdir)
    try:
        tables = {name: read_table(outdir, name).to_pylist()
                  for name in ("reports", "goals", "activities", "warnings")}
    except SchemaVersionError as e:
        raise UsageError(f"{e}; extract again into a new folder") from e
    views = []
    reports = sorted(tables["reports"], key=lambda r: (r["source_file"] or "", r["report_id"]))
    for report in reports:
        rid = report["report_id"]
        goals = [g for g in tables["goals"] if g["report_id"] == rid]
        acts = [a for a in tables["activities"] if a["report_id"] == rid]
        warns = [w for w in tables["warnings"] if w["report_id"] == rid]
        rows = _rows(goals, acts)
        if share is not None:
            chosen = rows[:math.ceil(share * len(rows))]
        else:
            chosen = rows if top == 0 else rows[:top]
        items = [_warning_item(w) for w in warns[:WARNINGS_LIMIT]] + chosen
        pdf, note = find_pdf(report["source_file"], rid, pdf_root)
        if pdf is not None and images:
            _draw(pdf, items)
        views.append(ReportView(rid, report["source_file"], _title(report), note, items,
                                len(rows), len(warns), max(0, len(warns) - WARNINGS_LIMIT)))
    return views


def _title(report: dict) -> str:
    parts = [report.get("municipality"), report.get("body"), report.get("title")]
    return " · ".join(p for p in parts if p) or report["source_file"]


def _order(row: dict) -> tuple:
    """Least sure first: not reviewed yet, lowest confidence, most reasons, reading order."""
    confidence = row.get("confidence")
    return (row.get("source") == "review", 1.0 if confidence is None else confidence,
            -len(row.get("reasons") or ()), row.get("page") or 0)


def _rows(goals: list[dict], acts: list[dict]) -> list[Item]:
    by_ordinal = {g["ordinal"]: g for g in goals}
    scored = []
    for g in goals:
        scored.append((_order(g), g["ordinal"] or 0, 0, _goal_item(g)))
    for a in acts:
        goal = by_ordinal.get(a["goal_ordinal"], {})
        scored.append((_order(a), a["goal_ordinal"] or 0, a["ordinal"] or 0, _activity_item(a, goal)))
    scored.sort(key=lambda t: t[:3])
    return [t[3] for t in scored]


def _goal_item(g: dict) -> Item:
    item = Item("goal", g["page"], g.get("confidence"), list(g.get("reasons") or ()),
                {k: _shown(g.get(k)) for k in GOAL_FIELDS},
                {"report_id": g["report_id"], "table": "goals", "goal_ordinal": g["ordinal"],
                 "goal_number": g["number"], "goal_title": g["title"]}, g.get("source"))
    return _with_box(item, g)


def _activity_item(a: dict, goal: dict) -> Item:
    item = Item("activity", a["page"], a.get("confidence"), list(a.get("reasons") or ()),
                {k: _shown(a.get(k)) for k in ACTIVITY_FIELDS},
                {"report_id": a["report_id"], "table": "activities",
                 "goal_ordinal": a["goal_ordinal"], "goal_number": a["goal_number"],
                 "goal_title": goal.get("title"), "activity_ordinal": a["ordinal"],
                 "activity_title": a["title"]}, a.get("source"))
    return _with_box(item, a)


def _with_box(item: Item, row: dict) -> Item:
    box = row.get("box")
    item.box = tuple(float(v) for v in box) if box is not None and len(box) == 4 else None
    return item


def _warning_item(w: dict) -> Item:
    return Item("warning", w["page"], message=w["message"], warning_kind=w["kind"],
                fields={"text": w.get("text")})


def _shown(value):
    if value is None:
        return None
    if hasattr(value, "isoformat"):
        return value.isoformat()[:10]
    return str(value)


# --- the PDF --------------------------------------------------------------------------------

def find_pdf(source_file: str, report_id: str, root: Path | None = None) -> tuple[Path | None, str | None]:
    """The PDF a report was read from, or None and why not (missing, changed)."""
    from malrapport.schemas.output import file_of

    want = file_of(report_id)
    given = Path(source_file)
    candidates = [given] if given.is_absolute() else []
    if root is not None:
        candidates += [Path(root) / given] if not given.is_absolute() else []
        candidates += [Path(root) / given.name]
    if not given.is_absolute():
        candidates.append(Path.cwd() / given)
    changed = None
    for path in candidates:
        if path.is_file():
            if _sha256(path) == want:
                return path, None
            changed = changed or path
    if changed is not None:
        return None, (f"{changed} is not the file that was read: its SHA-256 differs from the "
                      f"report's (the file changed since); no page images")
    hint = (" (give --pdf-root: the folder extract was run in, or the one above the folder "
            "it was given)") if root is None else ""
    return None, (f"the PDF {source_file} is not found"
                  f"{' under ' + str(root) if root is not None else ''}{hint}; no page images")


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def _draw(pdf_path: Path, items: list[Item]) -> None:
    """Each item's image, one render per page used."""
    import pypdfium2 as pdfium

    try:
        pdf = pdfium.PdfDocument(str(pdf_path))
    except pdfium.PdfiumError as e:
        for item in items:
            item.image_note = f"the PDF cannot be opened: {e}"
        return
    pages: dict[int, tuple] = {}
    try:
        for item in items:
            if not item.page or not 1 <= item.page <= len(pdf):
                item.image_note = "no page to show"
                continue
            if item.page not in pages:
                pages[item.page] = _render(pdf[item.page - 1])
            image, words, textpage = pages[item.page]
            box, note = item.box, None
            needle = item.fields.get("text" if item.kind == "warning" else "title")
            if box is None and needle:
                box = _find_text(textpage, needle, image.height / RENDER_SCALE)
                note = f"found by its {'text' if item.kind == 'warning' else 'title'} on the page"
            item.image, item.image_note = _crop(image, words, box)
            item.image_note = item.image_note or (note if box is not None else None)
    finally:
        pdf.close()


def _render(page):
    """The page as an image, the text layer's word boxes in pixels, the text page."""
    image = page.render(scale=RENDER_SCALE).to_pil().convert("RGB")
    textpage = page.get_textpage()
    height = page.get_height()
    words = []
    for i in range(textpage.count_rects()):
        left, bottom, right, top = textpage.get_rect(i)
        words.append(tuple(v * RENDER_SCALE for v in (left, height - top, right, height - bottom)))
    return image, words, textpage


def _find_text(textpage, text: str, height: float):
    """Where a warning's text is on the page (PDF points, top-left origin), or None."""
    needle = " ".join(str(text).split())
    if len(needle) > 40:  # a title wraps: its first words are on one line
        needle = needle[:40].rsplit(" ", 1)[0]
    if len(needle) < 3:
        return None
    try:
        searcher = textpage.search(needle, match_case=False)
        hit = searcher.get_next()
    except Exception:  # noqa: BLE001 — pdfium's search is a nicety: no box then
        return None
    if not hit:
        return None
    index, count = hit
    rects = [textpage.get_rect(i) for i in range(textpage.count_rects(index, count))]
    if not rects:
        return None
    return (min(r[0] for r in rects), height - max(r[3] for r in rects),
            max(r[2] for r in rects), height - min(r[1] for r in rects))


def _crop(image, words, box) -> tuple[str, str | None]:
    from PIL import ImageDraw

    image = image.copy()
    draw = ImageDraw.Draw(image)
    if box is None:
        for w in words:
            draw.rectangle(w, outline=(120, 170, 230), width=1)
        scale = PAGE_WIDTH / image.width
        small = image.resize((PAGE_WIDTH, max(1, round(image.height * scale))))
        return _data_uri(small), "the whole page: the row has no box of its own"
    x0, top, x1, bottom = (v * RENDER_SCALE for v in box)
    y0 = max(0, top - CROP_MARGIN * RENDER_SCALE)
    y1 = min(image.height, bottom + CROP_MARGIN * RENDER_SCALE)
    for w in words:
        if w[3] >= y0 and w[1] <= y1:
            draw.rectangle(w, outline=(120, 170, 230), width=1)
    draw.rectangle((x0 - 3, top - 3, x1 + 3, bottom + 3), outline=(215, 30, 30), width=3)
    crop = image.crop((0, int(y0), image.width, math.ceil(y1)))
    if crop.width > CROP_WIDTH:
        crop = crop.resize((CROP_WIDTH, max(1, round(crop.height * CROP_WIDTH / crop.width))))
    return _data_uri(crop), None


def _data_uri(image) -> str:
    """WebP (a third smaller than JPEG at the same legibility), JPEG where Pillow has no WebP."""
    from PIL import features

    buf = io.BytesIO()
    if features.check("webp"):
        image.save(buf, format="WEBP", quality=WEBP_QUALITY, method=4)
        kind = "webp"
    else:
        image.save(buf, format="JPEG", quality=JPEG_QUALITY, optimize=True)
        kind = "jpeg"
    return f"data:image/{kind};base64," + base64.b64encode(buf.getvalue()).decode("ascii")


# --- the page -------------------------------------------------------------------------------

def review(outdir: Path, out_html: Path, top: int = DEFAULT_TOP, share: float | None = None,
           pdf_root: Path | None = None, corrections: Path | None = None,
           serve: Path | None = None) -> tuple[list[ReportView], str]:
    """Write the review page; return what it shows and the page. Paths are checked
    before any work. ``serve``: the decisions file a ``--serve`` server writes (its
    decisions, when it exists and no ``corrections`` are given, are the earlier ones)."""
    from malrapport.compare import check_outdir, write_page
    from malrapport.review_html import render_page

    outdir, out_html = Path(outdir), Path(out_html)
    check_outdir(outdir)
    check_page_path(out_html)
    if serve is not None:
        check_page_path(Path(serve))
        if corrections is None and Path(serve).is_file():
            corrections = Path(serve)
    earlier = _earlier_decisions(corrections)
    views = gather(outdir, top, share, pdf_root)
    page = render_page(views, outdir, earlier, serve)
    write_page(out_html, page)
    return views, page


def _earlier_decisions(path: Path | None) -> list[dict]:
    """The entries of a corrections file given to review (shown as decisions taken)."""
    if path is None:
        return []
    from malrapport.normalize.corrections import CorrectionsError, load_corrections

    try:
        return [c.entry for c in load_corrections(path).entries]
    except CorrectionsError as e:
        raise UsageError(f"--corrections: {e}") from e


def check_page_path(path: Path) -> None:
    import os

    def unwritable(reason: str) -> UsageError:
        return UsageError(f"{path}: cannot write the review page there: {reason}")

    if path.is_dir():
        raise unwritable("it is a folder; -o takes the HTML file to write, e.g. -o review.html")
    if path.exists() and not path.is_file():
        raise unwritable("it exists and is not a regular file")
    folder = path.parent
    if not folder.is_dir():
        raise unwritable(f"the folder {folder} does not exist")
    if not os.access(folder, os.W_OK | os.X_OK):
        raise unwritable(f"no permission to write in {folder}")
