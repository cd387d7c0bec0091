"""Does this page need OCR? A per-page decision with its reason.

The caller passes the page's text-layer words (``PageWords`` from the text layer)
and cheap page facts (``page_facts``, a few pdfium calls, ~1 ms a page).

Rules for ``--ocr auto``, first match wins:

1. ``no text layer``: no characters, and an image or vector paths to read
   (a page with neither is blank: no OCR).
2. ``unusable text``: at least 5 characters and 10 % of them without a Unicode
   mapping (pdfium's map errors, U+FFFD, private-use or control characters, or
   pdfminer-style ``(cid:N)`` in the words).
3. ``almost no words for a scanned page``: images cover at least half the page and
   the text layer has fewer than 10 words.
4. ``diacritics lost``: the text reads as Swedish (at least 5 hits on Swedish words
   that have no å/ä/ö, such as "och", "att", "som", and more of them than English
   function words) and either
   a. at least 3 hits on the unaccented or garbled twins of common accented words
      ("for", "ar", "pa", "mal", "nar", "aven", "fér", "p&" …), with at most one
      accented form ("för", "är", "på", "mål" …) for every five of them; or
   b. at least 300 letters of which fewer than 0.5 % are å, ä or ö (Swedish prose
      has about 4 %).
5. ``garbled text layer``: images cover at least half the page (a scan with an OCR
   layer) and, among at least 30 alphabetic words, fewer than 3 % are common
   Swedish or English function words, or fewer than half look like words (letters,
   at most one capital at the start): what a scan OCR'd upside down gives.

Rule 5 only looks at scan-like pages, so that a born-digital page of tables is never
sent to OCR for reading oddly. ``always`` OCRs every page, ``never`` none.
"""
from __future__ import annotations

import ctypes
import re
from dataclasses import dataclass

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c

from malrapport.extract.options import OcrMode
from malrapport.schemas.words import PageWords

MIN_CHARS_FOR_MAP_CHECK = 5
MAX_UNMAPPED_SHARE = 0.10
SCAN_COVER = 0.5
MIN_WORDS_ON_SCAN = 10
MIN_SWEDISH_HITS = 5
MIN_TWIN_HITS = 3
MAX_ACCENTED_PER_TWIN = 0.2
MIN_LETTERS = 300
MIN_DIACRITIC_SHARE = 0.005
MIN_WORDS_FOR_GARBLE = 30
MIN_FUNCTION_SHARE = 0.03
MIN_WORDLIKE_SHARE = 0.5

# common words with å/ä/ö, and what they become when a layer loses the diacritics
ACCENTED = frozenset("""för är på år också så när även mål då här både får än över från många något
några målet målen står gå bör vår våra kommunfullmäktige kommunfullmäktiges påbörjad pågående
bedömning""".split())
# (not "vara", "bor", "sa", "an": Swedish or English words in their own right)
TWINS = frozenset("""for ar pa ocksa nar aven mal malet malen fran nagot nagra manga
kommunfullmaktige kommunfullmaktiges paborjad pagaende bedomning
fér pé p& &r fr6n 6ver éver ocksé nér""".split())
SWEDISH = frozenset("""och att som med det den inte ska till av om vi eller vid samt mot hur nya
kommun kommunen kommunens arbete arbetet arbetar enligt plan under efter detta dessa skall sig
sin sina har hade kan ett en""".split())
ENGLISH = frozenset("the and of to is with that this are be was from by".split())  # not "for", "an": twins
UNMAPPED_RE = re.compile(r"[\ufffd\ue000-\uf8ff\x00-\x08\x0b\x0c\x0e-\x1f]")
CID_RE = re.compile(r"\(cid:\d+\)")
WORDLIKE_RE = re.compile(r"^[A-ZÅÄÖÉ]?[a-zåäöéü]+(-[a-zåäöéü]+)*$")
STRIP = ".,:;!?()\"'«»”“’–-"


@dataclass(frozen=True, slots=True)
class PageFacts:
    """Cheap facts about a page, computed without rendering it."""

    width: float = 595.0
    height: float = 842.0
    n_chars: int = 0  # non-space characters in the text layer
    n_unmapped: int = 0  # characters without a Unicode mapping
    n_invisible: int = 0  # characters drawn invisibly (text render mode 3, an OCR layer)
    n_images: int = 0
    image_cover: float = 0.0  # share of the page covered by images, 0-1
    n_paths: int = 0


@dataclass(frozen=True, slots=True)
class TriageDecision:
    ocr: bool
    reason: str


def _union_cover(boxes: list[tuple[float, float, float, float]], x0: float, y0: float,
                 x1: float, y1: float, grid: int = 64) -> float:
    """Share of the page box covered by the union of ``boxes`` (on a grid x grid raster)."""
    w, h = x1 - x0, y1 - y0
    if w <= 0 or h <= 0 or not boxes:
        return 0.0
    covered = [[False] * grid for _ in range(grid)]
    for left, bottom, right, top in boxes:
        c0, c1 = max(0, int((left - x0) / w * grid)), min(grid, int(round((right - x0) / w * grid)))
        r0, r1 = max(0, int((bottom - y0) / h * grid)), min(grid, int(round((top - y0) / h * grid)))
        for r in range(r0, r1):
            covered[r][c0:c1] = [True] * max(0, c1 - c0)
    return sum(map(sum, covered)) / (grid * grid)


def page_facts(page: pdfium.PdfPage, textpage: pdfium.PdfTextPage) -> PageFacts:
    """Count characters, unmapped characters, invisible characters, images and paths."""
    n_chars = n_unmapped = n_invisible = 0
    raw_tp = textpage.raw
    last_obj, last_invisible = None, False
    for i in range(textpage.count_chars()):
        code = pdfium_c.FPDFText_GetUnicode(raw_tp, i)
        if pdfium_c.FPDFText_IsGenerated(raw_tp, i) == 1 or chr(code).isspace():
            continue
        n_chars += 1
        if pdfium_c.FPDFText_HasUnicodeMapError(raw_tp, i) == 1 or UNMAPPED_RE.match(chr(code)):
            n_unmapped += 1
        obj = pdfium_c.FPDFText_GetTextObject(raw_tp, i)
        if obj:
            addr = _address(obj)
            if addr != last_obj:
                last_obj = addr
                last_invisible = (pdfium_c.FPDFTextObj_GetTextRenderMode(obj)
                                  == pdfium_c.FPDF_TEXTRENDERMODE_INVISIBLE)
            n_invisible += last_invisible
    boxes, n_paths = [], 0
    for obj in page.get_objects(max_depth=3):
        if obj.type == pdfium_c.FPDF_PAGEOBJ_IMAGE:
            boxes.append(obj.get_bounds())
        elif obj.type == pdfium_c.FPDF_PAGEOBJ_PATH:
            n_paths += 1
    cx0, cy0, cx1, cy1 = page.get_cropbox()
    width, height = page.get_size()
    return PageFacts(width=width, height=height, n_chars=n_chars, n_unmapped=n_unmapped,
                     n_invisible=n_invisible, n_images=len(boxes),
                     image_cover=round(_union_cover(boxes, cx0, cy0, cx1, cy1), 4), n_paths=n_paths)


def _address(ptr) -> int:
    return ctypes.cast(ptr, ctypes.c_void_p).value or 0


# --- text checks ---------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class TextStats:
    words: int  # tokens with at least one letter
    swedish: int
    english: int
    accented: int
    twins: int
    letters: int
    diacritics: int  # å ä ö Å Ä Ö
    wordlike: int
    cid: int  # (cid:N) glyphs and U+FFFD characters
    chars: int  # characters, a (cid:N) counting as one


def text_stats(texts: list[str]) -> TextStats:
    words = swedish = english = accented = twins = letters = diacritics = wordlike = cid = chars = 0
    for raw in texts:
        cid += raw.count("(cid:") + raw.count("\ufffd")
        chars += len(CID_RE.sub("?", raw))
        token = raw.strip(STRIP)
        low = token.lower()
        if low in TWINS or raw.lower() in TWINS:
            twins += 1
        if not any(c.isalpha() for c in token):
            continue
        words += 1
        letters += sum(c.isalpha() for c in token)
        diacritics += sum(c in "åäöÅÄÖ" for c in token)
        swedish += low in SWEDISH
        english += low in ENGLISH
        accented += low in ACCENTED
        wordlike += bool(WORDLIKE_RE.match(token))
    return TextStats(words, swedish, english, accented, twins, letters, diacritics, wordlike, cid, chars)


def diacritics_lost(s: TextStats) -> str:
    """'' or why the text looks like Swedish that lost its å, ä and ö (rule 4)."""
    if s.swedish < MIN_SWEDISH_HITS or s.swedish <= s.english:
        return ""
    if s.twins >= MIN_TWIN_HITS and s.accented <= MAX_ACCENTED_PER_TWIN * s.twins:
        return f"{s.twins} unaccented twins (for/ar/pa/mal…) against {s.accented} accented forms"
    if s.letters >= MIN_LETTERS and s.diacritics < MIN_DIACRITIC_SHARE * s.letters:
        return f"{s.diacritics} å/ä/ö in {s.letters} letters"
    return ""


def garbled(s: TextStats) -> str:
    """'' or why the words do not read as text (rule 5)."""
    if s.words < MIN_WORDS_FOR_GARBLE:
        return ""
    function_share = (s.swedish + s.english) / s.words
    if function_share < MIN_FUNCTION_SHARE:
        return f"{function_share:.0%} function words"
    if s.wordlike < MIN_WORDLIKE_SHARE * s.words:
        return f"{s.wordlike / s.words:.0%} of the words look like words"
    return ""


def decide(page_words: PageWords, page_info: PageFacts, mode: OcrMode = "auto") -> TriageDecision:
    """OCR this page or keep its text layer (see the module docstring for the rules)."""
    if mode == "always":
        return TriageDecision(True, "ocr=always")
    if mode == "never":
        return TriageDecision(False, "ocr=never")
    if mode != "auto":
        raise ValueError(f"ocr mode must be auto, always or never, not {mode!r}")
    f = page_info
    texts = [w.text for w in page_words.words]
    if f.n_chars == 0 and not texts:
        if f.n_images or f.n_paths:
            return TriageDecision(True, "no text layer")
        return TriageDecision(False, "blank page")
    stats = text_stats(texts)
    unmapped = max(f.n_unmapped, stats.cid)
    total = max(f.n_chars, stats.chars)
    if unmapped >= MIN_CHARS_FOR_MAP_CHECK and unmapped >= MAX_UNMAPPED_SHARE * total:
        return TriageDecision(True, f"unusable text: {unmapped} of {total} characters unmapped")
    scan_like = f.image_cover >= SCAN_COVER
    if scan_like and len(texts) < MIN_WORDS_ON_SCAN:
        return TriageDecision(True, f"almost no words for a scanned page ({len(texts)} words, "
                                    f"images cover {f.image_cover:.0%})")
    why = diacritics_lost(stats)
    if why:
        return TriageDecision(True, f"diacritics lost: {why}")
    if scan_like:
        why = garbled(stats)
        if why:
            return TriageDecision(True, f"garbled text layer: {why}")
    return TriageDecision(False, "text layer usable")
