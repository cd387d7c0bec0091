"""Triage on real PDFs made here: the reportlab demo page (born-digital), its
image-only scan, and the scan with an invisible English-model text layer written by
tesseract's PDF renderer (one tesseract run, about 2 s). The text rules are also
checked on word lists directly."""
from __future__ import annotations

import shutil
from pathlib import Path

import pypdfium2 as pdfium
import pytest

from malrapport.extract import triage
from malrapport.extract.triage import PageFacts, decide, page_facts
from malrapport.samples import scans
from malrapport.schemas.words import PageWords, Word

needs_tesseract = pytest.mark.skipif(shutil.which("tesseract") is None, reason="tesseract not installed")


def words_of(text: str, number: int = 1) -> PageWords:
    words = tuple(Word(t, 10.0 * i, 10.0, 10.0 * i + 8, 20.0) for i, t in enumerate(text.split()))
    return PageWords(number=number, width=595.0, height=842.0, words=words)


def facts_and_words(path: Path, index: int = 0) -> tuple[PageFacts, PageWords]:
    """What the pipeline will pass: page facts and the text layer's words (here split on spaces)."""
    with pdfium.PdfDocument(str(path)) as pdf:
        page = pdf[index]
        textpage = page.get_textpage()
        facts = page_facts(page, textpage)
        words = words_of(textpage.get_text_range(), index + 1)
    return facts, words


@pytest.fixture(scope="module")
def pdfs(tmp_path_factory) -> dict[str, Path]:
    d = tmp_path_factory.mktemp("triage")
    digital = scans.demo_pdf(d / "digital.pdf")
    scan = d / "scan.pdf"
    scans.scan_pdf(digital, scan, scans.SCAN300, seed=3, angles=(0.6,), jpeg_dir=d / "jpeg")
    return {"digital": digital, "scan": scan, "jpeg": d / "jpeg", "dir": d}


def test_born_digital_page_keeps_its_text(pdfs):
    facts, words = facts_and_words(pdfs["digital"])
    assert facts.n_chars > 500 and facts.n_unmapped == 0 and facts.n_images == 0 and facts.n_invisible == 0
    assert decide(words, facts) == triage.TriageDecision(False, "text layer usable")


def test_image_only_page_goes_to_ocr(pdfs):
    facts, words = facts_and_words(pdfs["scan"])
    assert facts.n_chars == 0 and facts.n_images == 1 and facts.image_cover == pytest.approx(1.0)
    decision = decide(words, facts)
    assert decision.ocr and decision.reason == "no text layer"


@needs_tesseract
def test_english_model_layer_without_diacritics_goes_to_ocr(pdfs):
    bad = scans.badlayer_pdf(pdfs["jpeg"], pdfs["dir"] / "badlayer.pdf")
    facts, words = facts_and_words(bad)
    assert facts.n_invisible == facts.n_chars > 500  # tesseract's layer is invisible text
    assert facts.image_cover == pytest.approx(1.0, abs=0.01)
    assert not any(c in "åäöÅÄÖ" for w in words.words for c in w.text)
    decision = decide(words, facts)
    assert decision.ocr and decision.reason.startswith("diacritics lost"), decision


def test_modes(pdfs):
    digital = facts_and_words(pdfs["digital"])
    scan = facts_and_words(pdfs["scan"])
    assert decide(digital[1], digital[0], "always") == triage.TriageDecision(True, "ocr=always")
    assert decide(scan[1], scan[0], "never") == triage.TriageDecision(False, "ocr=never")
    with pytest.raises(ValueError):
        decide(digital[1], digital[0], "sometimes")


# --- the rules on word lists -------------------------------------------------------------

SWEDISH_LOST = ("Malet for aret ar att kommunen ska na en hogre andel. Arbetet pa avdelningen "
                "har gatt enligt plan och aven de nya rutinerna for uppfoljning ar klara. "
                "Malen for nasta ar tas fram under hosten med stod av kommunens ekonomer.")
SWEDISH_OK = ("Målet för året är att kommunen ska nå en högre andel. Arbetet på avdelningen "
              "har gått enligt plan och även de nya rutinerna för uppföljning är klara.")
ENGLISH = ("The report for the year shows that the council has met most of its goals for "
           "the period and that the work is on plan for the next year, with costs as planned.")
UPSIDE_DOWN = ("GZ0Z I 12491 BuruwelsaejeWw ISOUY I JEj4 JB UBBuIuUBLIag AB UDUÅSJIBAO JBU JEUEJS "
               "J919g1Yy uab.oswoa.pje L€-01L-SZz0Z pelhoged f3 woOur Burufiosiojsualaduwoy 10j uejd "
               "ua we ej JOB BOJ UB BJboy 106Bu Jua2o.ud 8/ Aag UDSUDAYBYSIEAS uejd Buiuweu.ale "
               "LE-20-9Zz0Z 1611U3 PenISAY upo ofltwsiagJe wo 1eyua")

DIGITAL = PageFacts(n_chars=800)
SCANNED = PageFacts(n_chars=800, n_invisible=800, n_images=1, image_cover=1.0)


def test_swedish_without_diacritics_goes_to_ocr():
    decision = decide(words_of(SWEDISH_LOST), DIGITAL)
    assert decision.ocr and "unaccented twins" in decision.reason
    assert not decide(words_of(SWEDISH_OK), DIGITAL).ocr


def test_garbled_forms_count_as_lost_diacritics():
    text = "Kommunen &r en av de som ska fér att p& sikt och med det till den nya planen om arbetet"
    assert decide(words_of(text), DIGITAL).ocr


def test_english_page_is_not_sent_to_ocr():
    assert not decide(words_of(ENGLISH), DIGITAL).ocr
    assert not decide(words_of(ENGLISH), SCANNED).ocr


def test_unmapped_glyphs_go_to_ocr():
    decision = decide(words_of(SWEDISH_OK), PageFacts(n_chars=200, n_unmapped=60))
    assert decision.ocr and decision.reason.startswith("unusable text")
    cid = " ".join(["(cid:12)(cid:7)"] * 20)
    assert decide(words_of(cid), PageFacts(n_chars=300)).ocr


def test_scan_with_almost_no_words_goes_to_ocr():
    decision = decide(words_of("Sida 3"), PageFacts(n_chars=5, n_images=1, image_cover=0.95))
    assert decision.ocr and decision.reason.startswith("almost no words")
    assert not decide(words_of("Sida 3"), PageFacts(n_chars=5, n_paths=2)).ocr


def test_upside_down_ocr_layer_goes_to_ocr_only_on_scans():
    decision = decide(words_of(UPSIDE_DOWN), SCANNED)
    assert decision.ocr and decision.reason.startswith("garbled text layer")
    assert not decide(words_of(UPSIDE_DOWN), DIGITAL).ocr


def test_blank_and_vector_pages():
    assert decide(words_of(""), PageFacts()) == triage.TriageDecision(False, "blank page")
    assert decide(words_of(""), PageFacts(n_paths=40)).reason == "no text layer"
