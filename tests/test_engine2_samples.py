"""samples/engine2: families A and B drawn by a second engine (HTML through headless
Chromium, samples/engine2_html.py). The gold parses, every report shows the habits
issue 16 asks for, and the generator gives the same bytes twice on one machine."""
from __future__ import annotations

import shutil

import pypdfium2 as pdfium
import pytest
from conftest import SAMPLES
from malrapport.samples.generate import render_pdf

from malrapport.evaluate import load_gold

ENGINE2 = SAMPLES / "engine2"
STEMS = sorted(p.stem for p in (ENGINE2 / "gold").glob("*.json"))


def _pages(data) -> list[str]:
    """Each page's text, whitespace made single spaces."""
    pdf = pdfium.PdfDocument(data)
    try:
        return [" ".join(pdf[i].get_textpage().get_text_range().split()) for i in range(len(pdf))]
    finally:
        pdf.close()


def _text(data) -> str:
    return " ".join(_pages(data))


def test_two_reports_of_each_family_with_their_pdf():
    families = [load_gold(ENGINE2 / "gold" / f"{s}.json")["report"]["profile"] for s in STEMS]
    assert sorted(families) == ["tertial", "tertial", "uppsikt", "uppsikt"]
    assert sorted(p.stem for p in (ENGINE2 / "pdf").glob("*.pdf")) == STEMS


@pytest.mark.parametrize("stem", STEMS)
def test_the_pdf_prints_the_gold(stem):
    gold = load_gold(ENGINE2 / "gold" / f"{stem}.json")
    assert gold["render"]["renderer"] == "engine2_html"
    text = _text(ENGINE2 / "pdf" / f"{stem}.pdf")
    for goal in gold["goals"]:
        assert " ".join(goal["title"].split()) in text
        for a in goal["activities"]:
            assert a["title"] in text and (a["description"] or "")[:40] in text
        for m in goal["measures"]:
            assert m["name"] in text
    # the municipalities of no other sample set, so that their figures stay as they are
    assert gold["report"]["municipality"] in ("Bräcke kommun", "Ragunda kommun")


def test_the_set_shows_issue_16_s_classes():
    texts = {s: _text(ENGINE2 / "pdf" / f"{s}.pdf") for s in STEMS}
    every = "\n".join(texts.values())
    assert "7–9" in every and "2023–2026" in every and "1–14" in every  # en-dash ranges
    assert "85%" in every and "#jobbaibräcke" in every  # per cent signs, hashtags
    assert "(%)" in every and "(mnkr)" in every  # measures with the unit in brackets
    # a supervision report whose title is its first chapter's heading, on page 1
    assert "1 Redovisning av arbete för de politiska målen" in _pages(
        ENGINE2 / "pdf" / "bracke-2024-uppsikt.pdf")[0]
    # the goal for good financial management under its own catalogue heading, first and last
    assert every.count("Verksamhetsmål för god ekonomisk hushållning Sjukfrånvaron ska minska") == 2
    # a description ending on a line of its own just before the next goal's Bedömning,
    # and just before a page break
    assert "deltagarna och deras chefer. 3.1.2 Andelen medarbetare" in texts["bracke-2025-t1"]
    last = _pages(ENGINE2 / "pdf" / "bracke-2025-t1.pdf")[1]
    assert last.endswith("samtliga förskollärare.") or "samtliga förskollärare. Bräcke" in last


@pytest.mark.skipif(shutil.which("chromium") is None, reason="Chromium draws these samples")
def test_the_generator_is_deterministic_and_draws_the_committed_text():
    stem = "bracke-2024-uppsikt"
    gold = load_gold(ENGINE2 / "gold" / f"{stem}.json")
    first, second = render_pdf(gold), render_pdf(gold)
    assert first == second
    assert _text(first) == _text(ENGINE2 / "pdf" / f"{stem}.pdf")
