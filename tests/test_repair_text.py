"""repair_text on the real seeds: OCR that lost å/ä/ö, and a clean text layer.

The expected lines below were written by hand, reading the OCR seed and the
report it came from, not copied from program output.  Only lines whose
damage is diacritics and OCR glyphs are listed; words the OCR mangled
otherwise (``varije``, ``pafylining``) are out of scope.
"""
from __future__ import annotations

import importlib.util
import io
import sys
import time
from pathlib import Path

import pytest

from malrapport.normalize.repair import get_repairer, repair_stream, repair_text

ROOT = Path(__file__).resolve().parents[1]
SEEDS = ROOT.parent / "shared" / "seeds"
OCR_SEED = SEEDS / "000_27a721a6329cc2c8.txt"
CLEAN_SEED = SEEDS / "001_0f31ea8929a47ff9.txt"

pytestmark = pytest.mark.skipif(not OCR_SEED.exists(), reason="../shared/seeds not beside the checkout")

EXPECTED_LINES = [
    "Målavstämning, tertial 1 2025",
    "Figuren ovan visar den politiska organisationen i Ånge kommun.",
    "Den här rapporten avser endast kommunstyrelsen och dess underliggande verksamheter.",
    "Under kommunstyrelsen finns en förvaltning. Förvaltningen är uppdelad i fem avdelningar;",
    "Staben, Ekonomiavdelningen, Utbildningsavdelningen, Samhällsbyggnadsavdelningen och",
    "som leds av kommunchef. Kommunstyrelseförvaltningen är tjänsteorganisationen som arbetar",
    "under kommunstyrelsen. Kommunförvaltningen är organiserad enligt följande karta.",
    "Det är denna organisation som ansvarar för att förverkliga kommunstyrelsens mål och",
    "utöver deras självständiga arbete mot de politiska målen samt kommunfullmäktiges",
    "verksamhetsmål för god ekonomisk hushållning.",
    "långsiktiga målet för Ånge kommun.",
    "Kommunfullmäktige förvaltar den visionen när de antar politiska mål för mandatperioden.",
    "Kommunstyrelsens mål antas för det kommande året. Dessa mål kan ha, men behöver inte, ha",
    "kommande år. I verksamhetsplanen framgår det vilka aktiviteter kommunstyrelsens förvaltning",
    "Utöver dessa politiskt antagna aktiviteter ska varje enhet självständigt bryta ner de politiska",
    "aktiviteten inte är påbörjad - det är då enligt plan och ingen avvikelse. Kommunstyrelsen kan",
    "vid tertialen besluta att ändra prioriteringen av aktiviteterna.",
    "Den här rapporten svarar för den första uppföljningen av det innevarande året.",
    "Kommunstyrelsen ska sträva efter att öka tillgängligheten och förståelsen för den kommunala",
    "Skapa Storytelling med temat friskvårdsbidrag Ej påbörjad 2025-10-31",
    "Minska övertiden inom sociala avdelningen med 50% @ Pågående enligt 2025-12-31",
    "Minskad övertid för Sociala avdelningens medarbetare är en viktig fråga gällande god arbetsmiljö och minskad",
    "Certifierad stjärnmärkning av två demensboenden via Vänteläge 2025-12-31",
    "Kartläggning av trafikmiljö i anslutning till skolor/förskolor @ Pågående enligt 2025-11-01",
    "Nyanställd personal ska genomgå NPF-studiepaket via SPSM @ Pågående enligt 2025-12-12",
    "Praktiskt arbete för ökad närvaro @ Pågående enligt 2025-07-31",
    "Ge elever möjlighet att nå högre resultat. Framtagande av @ Pågående enligt 2025-06-30",
    "kompetenshöjande aktiviteter inom följande tema: hälsa och plan",
    "välbefinnande, arbetsmarknad och arbetsliv, språk och",
    "För att öka möjligheter till etableringen på arbetsmarknaden.",
    "Erbjuda ungdomar i ålder 16-19 betalt jobb @ Pågående enligt 2025-06-30",
    "Ersättningen är samma som timersättning för feriepraktikanter.",
    "Stöd till nyföretagande ®) pågående enligt ~ 2025-10-31",
    "Ta fram modell för samskapande/medborgardialoger Vänteläge 2025-06-30",
    "Utbildningsinsats inom hot och våld, följt av dialog och Ej påbörjad 2025-12-31",
    "3.6 Ånge ska erbjuda goda förutsättningar för ett livslångt lärande.",
    "Erbjuda lärar- och förskollärarkurser på avancerad nivå genom @ Pågående med 2025-12-12",
    "samarbete med lärosäten. avvikelse",
    "Alla verksamheter ska säkerställa och upprätta rutiner för att källsortera från och med 1 augusti.",
    "4.1 Sjukfrånvaron ska minska",
    "Kommunen genomför en pilotstudie på två arbetsplatser med hög sjukfrånvaro. Utifrån en",
    "identifiera åtgärder. Efter avslutat pilotprojekt utvärderas arbetet i syfte att se ifall metoden kan",
    "Workshopar och uppföljande enkätundersökning är genomförda på båda pilotarbetsplatserna. Verksamhetsdagar",
    "Arbetet med den nya styrmodellen går bättre än förväntan. Det nya arbetssättet har inneburit en",
]

# words the issue names; each must appear in the repaired seed (the status
# "Pågående enligt plan" wraps in the seed's table: "Pågående enligt <date>" / "plan")
REQUIRED_WORDS = ["Målavstämning", "hälsofrämjande", "Ånge kommun", "är", "öka", "för", "på",
                  "Pågående enligt", "Ej påbörjad", "övertiden"]


@pytest.fixture(scope="module")
def repaired_seed() -> str:
    return repair_text(OCR_SEED.read_text(encoding="utf-8"))


@pytest.mark.parametrize("line", EXPECTED_LINES)
def test_seed_line_is_restored(repaired_seed, line):
    lines = {ln.strip() for ln in repaired_seed.split("\n")}
    assert line in lines


@pytest.mark.parametrize("word", REQUIRED_WORDS)
def test_required_words_appear(repaired_seed, word):
    flat = " ".join(repaired_seed.split())
    assert f" {word} " in f" {flat} " or f" {word}." in flat or f" {word}," in flat


@pytest.mark.parametrize("noisy, expected", [
    ("@ Pagaende enligt plan", "@ Pågående enligt plan"),
    ("®) P&gaende enligt plan", "®) Pågående enligt plan"),
    ("Ej p&borjad", "Ej påbörjad"),
    ("Véntelage", "Vänteläge"),
])
def test_status_phrases(noisy, expected):
    assert repair_text(noisy) == expected


def test_seed_keeps_line_structure(repaired_seed):
    original = OCR_SEED.read_text(encoding="utf-8")
    assert repaired_seed.count("\n") == original.count("\n")
    assert [len(ln) - len(ln.lstrip()) for ln in repaired_seed.split("\n")] == \
           [len(ln) - len(ln.lstrip()) for ln in original.split("\n")]


def test_clean_seed_is_unchanged_byte_for_byte():
    text = CLEAN_SEED.read_text(encoding="utf-8")
    assert repair_text(text) == text


def test_clean_seed_paragraphs_unchanged_one_by_one():
    # short pieces carry less evidence than the whole text
    for para in CLEAN_SEED.read_text(encoding="utf-8").split("\n\n"):
        assert repair_text(para) == para


def test_repair_is_fast():
    repairer = get_repairer()
    text = OCR_SEED.read_text(encoding="utf-8")
    fresh = type(repairer)(repairer.vocabulary, repairer.lexicon)   # empty candidate cache
    start = time.perf_counter()
    fresh.repair_text(text + "\n\n" + text.replace("2025", "2026"))   # ~28 pages
    assert time.perf_counter() - start < 1.0


def test_repair_stream_reads_and_writes_text():
    out = io.StringIO()
    repair_stream(io.StringIO("Koncept ar framtaget for halsoinspiratorer p& staben.\n"), out)
    assert out.getvalue() == "Koncept är framtaget för hälsoinspiratörer på staben.\n"


def _bench():
    spec = importlib.util.spec_from_file_location("repair_accuracy", ROOT / "bench" / "repair_accuracy.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module   # dataclasses look their module up
    spec.loader.exec_module(module)
    return module


def test_accuracy_on_seeds_meets_the_issue():
    bench = _bench()
    rows = bench.run(bench.builtin_pairs(SEEDS), out=io.StringIO())
    for name, before, after in rows:
        assert after.accent_accuracy >= 0.95, name
        assert after.accuracy >= before.accuracy, name


def test_bench_corruption_is_deterministic_and_lossy():
    bench = _bench()
    text = CLEAN_SEED.read_text(encoding="utf-8")
    assert bench.corrupt(text) == bench.corrupt(text)
    noisy = bench.corrupt(text)
    assert not set("åäöÅÄÖ") & set(noisy)
    assert "&" in noisy and "6" in noisy
    assert bench.score(noisy, text).accent_accuracy == 0.0


def test_real_ocr_text_layers_are_repaired():
    """The badlayer samples' text layers (tesseract's English model on the scans)
    against the born-digital PDFs: most lost å/ä/ö come back, no report gets worse."""
    bench = _bench()
    pairs = bench.layer_pairs(ROOT / "samples" / "pdf" / "badlayer", ROOT / "samples" / "pdf" / "digital")
    assert len(pairs) == 8   # seven reports and all of them together
    rows = {name: (before, after) for name, before, after in bench.run(pairs, out=io.StringIO())}
    for name, (before, after) in rows.items():
        assert before.accent_accuracy == 0.0 and after.accuracy > before.accuracy, name
    before, after = rows["layers-all"]
    assert after.accent_accuracy >= 0.90 and after.accuracy >= 0.90
    # the page scanned upside down is garbage in the layer; every other report does better
    assert all(after.accent_accuracy >= 0.90 for name, (_, after) in rows.items() if "2025-t1" not in name)
