"""A budget document (``Mål och budget``) or any report as a vocabulary: ``--vocab
FILE.pdf``.

Its text layer, read as the extractor reads it, gives the goals it states (a
sentence with ``ska``, as goals are written: "Ånge kommun ska vara en attraktiv
arbetsgivare.", joined across line breaks) and its words with å, ä and ö, as a
vocabulary text (``[goals]``, ``[terms]``) that ``load_vocabulary`` reads like any
other file. A scanned page without a text layer gives nothing: OCR it first, or
list the goals in a text file.
"""
from __future__ import annotations

import re
import unicodedata
from pathlib import Path

import pypdfium2 as pdfium

GOAL_VERB = re.compile(r"\bska\b", re.I)
MIN_GOAL_WORDS, MAX_GOAL_WORDS = 4, 40
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-ZÅÄÖ0-9])")
_HYPHEN_BREAK = re.compile(r"(\w)-\n(\w)")
_NUMBERING = re.compile(r"^\s*(?:\d+(?:\.\d+)*\.?|[•\-–])\s+")
_WORD = re.compile(r"[^\W\d_]+(?:-[^\W\d_]+)*")
_DIACRITIC = re.compile(r"[åäöÅÄÖ]")


def pdf_vocabulary_text(path: Path, max_pages: int = 1000) -> str:
    """The vocabulary text of a PDF's text layer (see the module docstring)."""
    pdf = pdfium.PdfDocument(str(path))
    try:
        pages = []
        for index in range(min(len(pdf), max_pages)):
            page = pdf[index]
            textpage = page.get_textpage()
            try:
                pages.append(textpage.get_text_range())
            finally:
                textpage.close()
                page.close()
    finally:
        pdf.close()
    return vocabulary_text("\n\n".join(pages))


def vocabulary_text(text: str) -> str:
    """Goals and words of running text, in the vocabulary file format."""
    text = unicodedata.normalize("NFC", text.replace("\r\n", "\n").replace("\r", "\n"))
    goals: dict[str, None] = {}
    for paragraph in _paragraphs(_HYPHEN_BREAK.sub(r"\1\2", text)):
        for sentence in _SENTENCE_END.split(" ".join(paragraph.split())):
            _goal(sentence, goals)
    words = dict.fromkeys(w for w in _WORD.findall(text) if _DIACRITIC.search(w))
    return "\n".join(["[goals]", *goals, "[terms]", *words]) + "\n"


def _paragraphs(text: str) -> list[str]:
    """Lines joined into paragraphs: a line break stays a break after a sentence's end
    or before a numbered line, a bullet or a capital (a heading, a new sentence); a
    line that goes on in lower case is the same sentence wrapped."""
    out: list[list[str]] = [[]]
    for line in text.split("\n"):
        line = line.strip()
        if not line:
            out.append([])
            continue
        starts_anew = bool(_NUMBERING.match(line)) or line[:1].isupper()
        if out[-1] and (starts_anew or out[-1][-1].endswith((".", "!", "?", ":"))):
            out.append([])
        out[-1].append(_NUMBERING.sub("", line))
    return [" ".join(p) for p in out if p]


def _goal(sentence: str, goals: dict[str, None]) -> None:
    sentence = " ".join(sentence.split())
    n = len(sentence.split())
    if MIN_GOAL_WORDS <= n <= MAX_GOAL_WORDS and GOAL_VERB.search(sentence) \
            and sentence[:1].isupper() and sentence.endswith("."):
        goals[sentence] = None
