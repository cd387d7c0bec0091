"""Property: the layout parser takes any positioned-word stream without crashing.

Words → lines → blocks → goals must return records, or raise the project's own
``MalrapportError``; nothing else. The streams are random (report vocabulary,
heading numbers, dates, noise, any coordinates a PDF or OCR can give: negative,
inverted, zero-height, huge) and mutated real pages (words of the samples
shuffled, dropped, nudged, relabelled, pages reordered).
"""
from __future__ import annotations

import dataclasses
from functools import lru_cache

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import DIGITAL
from malrapport.extract.blocks import lines_to_blocks
from malrapport.extract.catalogue import Catalogue
from malrapport.extract.errors import MalrapportError
from malrapport.extract.layout import words_to_lines
from malrapport.extract.parse import blocks_to_goals
from malrapport.extract.profile_load import builtin_profiles
from malrapport.extract.report import pages_to_report
from malrapport.schemas.records import GoalRecord, ReportRecord
from malrapport.schemas.words import PageWords, Word

SETTINGS = settings(max_examples=100, deadline=None,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])

VOCABULARY = [
    "1", "2", "3", "1.1", "3.1", "3.1.1", "3.4.6", "4.1", "12.3.4.5", "99", "0.0", "1.", "3.1.",
    "Bedömning", "Bedomning", "Kommentar", "Kommentar:", "Verksamhetens", "aktiviteter",
    "Status", "Startdatum", "Slutdatum", "Mått", "Mål", "Utfall", "Pågående", "enligt", "plan",
    "Avslutad", "med", "avvikelse", "Ej", "påbörjad", "Vänteläge", "Uppfyllt", "Delvis",
    "uppfyllt", "Saknas", "Målavstämning,", "tertial", "2025", "Kommunstyrelsen", "Ånge",
    "kommun", "Redovisning", "av", "arbete", "för", "de", "politiska", "målen", "uppsikt",
    "Mål", "inom", "målområde", "Vuxna", "Verksamhetsmål", "god", "ekonomisk", "hushållning",
    "2025-03-31", "2025-13-45", "0000-00-00", "Sida", "av", "•", "-", "@", "®)", "©", "|",
    "(%)", "7,5", "%", "Malavstamning", "&r", "6ka", "fér", "\u00a0", "ﬁ", "Å", "\u0301",
]
coordinate = st.floats(min_value=-2000, max_value=5000, allow_nan=False, allow_infinity=False)
text = st.one_of(st.sampled_from(VOCABULARY), st.text(min_size=1, max_size=12))


@st.composite
def words(draw) -> Word:
    x0, top = draw(coordinate), draw(coordinate)
    width = draw(st.one_of(st.floats(0, 400), st.floats(-50, 0)))
    height = draw(st.one_of(st.floats(0, 40), st.just(0.0), st.floats(-10, 0)))
    return Word(text=draw(text), x0=x0, top=top, x1=x0 + width, bottom=top + height,
                size=draw(st.one_of(st.floats(-20, 200), st.sampled_from([10.0, 12.0, 14.0]))),
                bold=draw(st.booleans()), source=draw(st.sampled_from(["text", "ocr"])),
                conf=draw(st.floats(0, 1)))


@st.composite
def random_pages(draw) -> list[PageWords]:
    count = draw(st.integers(1, 4))
    return [PageWords(number=n + 1, width=595.0, height=draw(st.sampled_from([842.0, 1.0, 0.0])),
                      words=tuple(draw(st.lists(words(), max_size=60))))
            for n in range(count)]


@lru_cache(maxsize=1)
def sample_pages() -> tuple[tuple[PageWords, ...], ...]:
    from malrapport.extract.options import ExtractOptions
    from malrapport.extract.pages import open_pdf, text_pages

    out = []
    for path in sorted(DIGITAL.glob("*.pdf"))[:3]:
        pdf = open_pdf(path, path.read_bytes(), None)
        try:
            out.append(tuple(w for w, _ in text_pages(pdf, ExtractOptions(ocr="never"))))
        finally:
            pdf.close()
    return tuple(out)


@st.composite
def mutated_pages(draw) -> list[PageWords]:
    report = draw(st.sampled_from(sample_pages()))
    start = draw(st.integers(0, len(report) - 1))
    pages = list(report[start: start + draw(st.integers(1, 3))])
    out = []
    for page in pages:
        ws = list(page.words)
        if ws and draw(st.booleans()):
            keep = draw(st.lists(st.booleans(), min_size=len(ws), max_size=len(ws)))
            ws = [w for w, k in zip(ws, keep) if k]
        if ws and draw(st.booleans()):
            ws = draw(st.permutations(ws))
        if ws and draw(st.booleans()):
            dx, dy = draw(st.floats(-30, 30)), draw(st.floats(-8, 8))
            every = draw(st.integers(1, 5))
            ws = [dataclasses.replace(w, x0=w.x0 + dx, x1=w.x1 + dx, top=w.top + dy,
                                      bottom=w.bottom + dy) if i % every == 0 else w
                  for i, w in enumerate(ws)]
        if ws and draw(st.booleans()):
            i = draw(st.integers(0, len(ws) - 1))
            ws[i] = dataclasses.replace(ws[i], text=draw(text), size=draw(st.floats(-5, 60)))
        if ws and draw(st.booleans()):
            ws = ws + ws[: draw(st.integers(0, len(ws)))]  # duplicated words (a doubled layer)
        out.append(dataclasses.replace(page, words=tuple(ws)))
    if draw(st.booleans()):
        out = draw(st.permutations(out))
    return out


def _check(pages: list[PageWords]) -> None:
    try:
        report = pages_to_report(pages, "0" * 64, "input.pdf")
    except MalrapportError:
        return
    assert isinstance(report, ReportRecord)
    assert report.pages == len(pages)
    numbers = {p.number for p in pages}
    for goal in report.goals:
        assert isinstance(goal, GoalRecord)
        assert goal.level in ("kf", "ks", "ekonomi", "namnd")
        assert goal.page is None or goal.page in numbers
        for act in goal.activities:
            assert isinstance(act.title, str)


def _check_blocks(pages: list[PageWords]) -> None:
    for profile in builtin_profiles():
        try:
            lines = [words_to_lines(p) for p in pages]
            parsed = blocks_to_goals(lines_to_blocks(lines, profile), Catalogue(), profile)
        except MalrapportError:
            continue
        assert all(isinstance(g, GoalRecord) for g in parsed.goals)
        assert parsed.coverage.used_words <= parsed.coverage.words


@SETTINGS
@given(random_pages())
def test_random_word_streams_give_records_or_our_error(pages):
    _check(pages)
    _check_blocks(pages)


@SETTINGS
@given(mutated_pages())
def test_mutated_sample_pages_give_records_or_our_error(pages):
    _check(pages)
    _check_blocks(pages)


def test_the_unmutated_samples_give_goals():
    for pages in sample_pages():
        assert pages_to_report(list(pages), "0" * 64, "input.pdf").goals


@pytest.mark.parametrize("page", [
    PageWords(1, 595.0, 842.0, ()),
    PageWords(1, 0.0, 0.0, (Word("3.1.1", 0, 0, 0, 0, size=0.0),)),
    PageWords(1, 595.0, 842.0, (Word("3.1", 50, 100, 60, 100, size=-3.0, bold=True),
                                Word("Mål", 70, 100, 60, 100, size=-3.0, bold=True))),
])
def test_degenerate_pages(page):
    _check([page])
    _check_blocks([page])
