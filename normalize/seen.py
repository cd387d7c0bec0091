"""Spellings seen in the same document: evidence for words that are ambiguous alone.

OCR without a Swedish model loses å, ä and ö everywhere, so ``Starkt`` may
be "starkt" or "stärkt", ``massor`` "massor" or "mässor".  Words recur
within a document, and the same document often settles the question
elsewhere: ``starks`` is no word, so it can only be "stärks"; the compound
``rekryteringsmassor`` is only a dictionary word as "rekryteringsmässor".
:class:`SeenSpellings` holds such settled spellings (and words the text
spells with å, ä or ö itself) and tells whether a candidate spelling shares
one with them:

* the same word (``mässor``), or the head of a seen compound
  (``rekryteringsmässor`` -> ``mässor``);
* the same stem up to two letters past its last accented letter (``stärk-``
  in ``stärks``, ``förstärka`` -> ``stärkt``, ``stärka``), also at the end of
  a seen compound (``ytvattentäkten`` -> ``reservvattentäkt``).
"""
from __future__ import annotations

from collections.abc import Iterable

MIN_SUFFIX = 4   # letters of a seen compound's head, or of a stem, that count
MIN_WORD = 4     # shorter words ("år", "är", "går", "gör") are too common to tell apart
MIN_STEM = 5     # a shorter stem says too little ("stör-" in "större", "störa")
_ACCENTED = frozenset("åäö")


def accent_stem(word: str) -> str | None:
    """``word`` up to two letters past its last å/ä/ö (``stärk`` of ``stärkt``; None
    without an accent, or when shorter than ``MIN_STEM``)."""
    last = max((i for i, c in enumerate(word) if c in _ACCENTED), default=-1)
    if last < 0:
        return None
    stem = word[:last + 3]
    return stem if len(stem) >= MIN_STEM else None


def _suffixes(word: str) -> Iterable[str]:
    for i in range(len(word) - MIN_SUFFIX + 1):
        tail = word[i:]
        if _ACCENTED.intersection(tail):
            yield tail


class SeenSpellings:
    """Accented spellings a document settles, and the stems they share."""

    def __init__(self, words: Iterable[str] = ()):
        self.words: set[str] = set()
        self.tails: set[str] = set()
        self.stem_tails: set[str] = set()
        for w in words:
            self.add(w)

    def add(self, word: str) -> None:
        w = word.lower()
        if not _ACCENTED.intersection(w) or w in self.words:
            return
        self.words.add(w)
        self.tails.update(_suffixes(w))
        stem = accent_stem(w)
        if stem is not None:
            self.stem_tails.update(t for t in _suffixes(stem) if len(t) >= MIN_STEM)

    def __len__(self) -> int:
        return len(self.words)

    def __bool__(self) -> bool:
        return bool(self.words)

    def supports(self, form: str, parts: tuple[str, ...] = ()) -> bool:
        """Does the document settle ``form`` (or its accented compound part) elsewhere?"""
        for word in (form.lower(), *(p for p in parts if _ACCENTED.intersection(p))):
            if len(word) < MIN_WORD or not _ACCENTED.intersection(word):
                continue
            if word in self.words or (len(word) >= MIN_SUFFIX and word in self.tails):
                return True
            stem = accent_stem(word)
            if stem is not None and stem in self.stem_tails:
                return True
        return False
