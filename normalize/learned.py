"""The vocabulary an archive teaches itself: terms of its clean reports.

A report whose text is clean (a born-digital text layer with its å, ä and ö, not
OCR, nothing repaired) spells its goals, activities and words right. Those
spellings go into ``OUTDIR/vocabulary/`` (one file per report, rows of term,
kind, municipality, report_id, count), and the repair of the same municipality's
OCR and bad text layers uses them before the general lexicon: the same goals and
activities come back year after year in the older scans.

- ``learned_rows(report)``: the terms a clean report teaches, as table rows;
- ``learned_vocabularies(rows)``: rows → one ``Vocabulary`` per municipality
  (titles as ``goals``, the title matcher's canonical titles; words as ``terms``).
"""
from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Iterable

from malrapport.schemas.records import ReportRecord

from .vocabulary import Vocabulary, merge_vocabularies

GOAL_TITLE, ACTIVITY_TITLE, WORD, NAME = "goal_title", "activity_title", "word", "name"
KINDS = (GOAL_TITLE, ACTIVITY_TITLE, WORD, NAME)

_WORD = re.compile(r"[^\W\d_]+(?:-[^\W\d_]+)*")
_DIACRITIC = re.compile(r"[åäöÅÄÖéÉüÜ]")
MIN_TITLE_WORDS = 2  # a one-word title ("Resultat") teaches nothing a word would not


def learned_rows(report: ReportRecord, texts: Iterable[str]) -> list[dict]:
    """The rows a clean report adds to ``vocabulary/``: its goal and activity titles,
    its municipality, body and title, and every word with å/ä/ö in ``texts`` (the
    report's text, each field once), each with how often it occurs."""
    counts: Counter[tuple[str, str]] = Counter()
    for goal in report.goals:
        if len(goal.title.split()) >= MIN_TITLE_WORDS:
            counts[(_nfc(goal.title), GOAL_TITLE)] += 1
        for activity in goal.activities:
            if len(activity.title.split()) >= MIN_TITLE_WORDS:
                counts[(_nfc(activity.title), ACTIVITY_TITLE)] += 1
    for name in (report.municipality, report.body, report.title):
        if name:
            counts[(_nfc(name), NAME)] += 1
    for text in texts:
        for word in _WORD.findall(_nfc(text)):
            if _DIACRITIC.search(word):
                counts[(word, WORD)] += 1
    return [{"term": term, "kind": kind, "municipality": report.municipality,
             "report_id": report.report_id, "count": n}
            for (term, kind), n in sorted(counts.items(), key=lambda item: (item[0][1], item[0][0]))]


def taught_rows(report: ReportRecord) -> list[dict]:
    """The rows a normalised report adds to ``vocabulary/``: ``learned_rows`` of its text
    when it is clean (``text_quality``), none otherwise."""
    from .records import report_texts

    return learned_rows(report, report_texts(report)) if report.text_quality == "clean" else []


def learned_vocabularies(rows: Iterable[dict]) -> dict[str, Vocabulary]:
    """Rows of ``vocabulary/`` (any number of reports) → a Vocabulary per municipality.

    Titles become the title matcher's canonical titles, names and words the token
    repair's preferred spellings. Rows without a municipality teach nothing: which
    municipality's reports they would help is not known."""
    kinds = {GOAL_TITLE: "goals", ACTIVITY_TITLE: "goals", NAME: "terms", WORD: "words"}
    found: dict[str, dict[str, dict[str, None]]] = {}
    for row in rows:
        municipality = row.get("municipality")
        if municipality:
            section = found.setdefault(municipality, {"goals": {}, "terms": {}, "words": {}})
            section[kinds[row["kind"]]][row["term"]] = None
    out = {}
    for municipality in sorted(found):
        goals, names, words = (tuple(found[municipality][k]) for k in ("goals", "terms", "words"))
        # Words are preferred spellings, not phrases: a lone word as a phrase would
        # tell the language model it opens and ends a sentence.
        out[municipality] = Vocabulary(goals=goals, terms=names, words=frozenset(
            [*words, *(w for phrase in (*goals, *names) for w in _WORD.findall(phrase))]))
    return out


def with_learned(vocab: Vocabulary, learned: dict[str, Vocabulary] | None,
                 municipality: str | None) -> Vocabulary:
    """``vocab`` with what the archive taught about ``municipality`` (learned titles
    first: the same municipality's own spellings outrank the general vocabulary)."""
    own = (learned or {}).get(municipality or "")
    return vocab if own is None else merge_vocabularies(own, vocab)


def _nfc(text: str) -> str:
    return unicodedata.normalize("NFC", " ".join(text.split()))
