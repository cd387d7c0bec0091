"""Phrase repair: whole phrases of the vocabulary matched as phrases.

* :class:`PhraseTable` finds runs of words whose fold equals a multi-word
  vocabulary phrase (``Ange kommun``, ``Pagaende enligt plan``) and gives
  them the vocabulary's spelling; this settles words that are ambiguous
  alone (``Ange`` is also the verb "ange").
* :class:`TitleMatcher` matches a whole goal title against the canonical
  goal titles with rapidfuzz, above a threshold.
"""
from __future__ import annotations

import difflib
import re

from rapidfuzz import fuzz, process
from rapidfuzz.distance import Levenshtein

from .lexicon import fold
from .vocabulary import Vocabulary

TITLE_THRESHOLD = 92.0   # rapidfuzz ratio (0-100) on folded titles
MAX_PHRASE_WORDS = 8
_WORD_RE = re.compile(r"(?:[^\W_]|[&¢])+")
_DIGITS_RE = re.compile(r"\d+")


def fuzzy_fold(text: str) -> str:
    """Fold for fuzzy comparison: glyphs that stand for vowels become vowels."""
    text = text.replace("&", "a").replace("¢6", "o").replace("6", "o")
    return " ".join(fold(text).split())


class PhraseTable:
    def __init__(self, vocabulary: Vocabulary):
        self.table: dict[tuple[str, ...], tuple[tuple[str, ...], bool]] = {}
        proper = {fold(m) for m in vocabulary.municipalities}
        for phrase in vocabulary.multiword_phrases():
            words = tuple(_WORD_RE.findall(phrase))
            if 2 <= len(words) <= MAX_PHRASE_WORDS:
                key = tuple(fold(w) for w in words)
                is_proper = any(k in proper or k.rstrip("s") in proper for k in key)
                self.table.setdefault(key, (words, is_proper))
        self.max_words = max((len(k) for k in self.table), default=0)

    def repair_line(self, line: str) -> str:
        """Respell every run of words in ``line`` that folds to a vocabulary phrase."""
        spans = [(m.start(), m.end()) for m in _WORD_RE.finditer(line)]
        if len(spans) < 2:
            return line
        keys = [fuzzy_fold(line[a:b]) for a, b in spans]
        out, last, i = [], 0, 0
        while i < len(spans):
            hit = self._match(line, spans, keys, i)
            if hit is None:
                i += 1
                continue
            n, words, is_proper = hit
            for (a, b), word in zip(spans[i:i + n], words):
                out.append(line[last:a])
                out.append(word if is_proper and word[:1].isupper() else _follow_case(line[a:b], word))
                last = b
            i += n
        out.append(line[last:])
        return "".join(out)

    def _match(self, line, spans, keys, i):
        for n in range(min(self.max_words, len(spans) - i), 1, -1):
            entry = self.table.get(tuple(keys[i:i + n]))
            if entry is None:
                continue
            # only words separated by spaces form a phrase
            if all(line[spans[j][1]:spans[j + 1][0]].strip(" ") == "" for j in range(i, i + n - 1)):
                return n, entry[0], entry[1]
        return None


def _follow_case(raw: str, word: str) -> str:
    letters = [c for c in raw if c.isalpha()]
    if len(letters) > 1 and all(c.isupper() for c in letters):
        return word.upper()
    if raw[:1].isupper():
        return word[:1].upper() + word[1:]
    if raw[:1].islower():
        return word[:1].lower() + word[1:]
    return word


class TitleMatcher:
    def __init__(self, titles, threshold: float = TITLE_THRESHOLD):
        self.titles = [t.rstrip(". ") for t in titles]
        self.keys = [fuzzy_fold(t) for t in self.titles]
        self.threshold = threshold

    def match(self, text: str, exact_fold: bool = False) -> str | None:
        """The canonical title closest to ``text``, or None when none is close enough.

        ``exact_fold``: accept only a title that differs from ``text`` in
        diacritics and case alone (for clean text).
        """
        flat = " ".join(text.split())
        if not flat or not self.keys:
            return None
        body = flat.rstrip(". ")
        query = fuzzy_fold(body)
        found = process.extractOne(query, self.keys, scorer=fuzz.ratio, score_cutoff=self.threshold)
        if found is None:
            return None
        _, score, index = found
        title = self.titles[index]
        if _DIGITS_RE.findall(title) != _DIGITS_RE.findall(body):
            return None
        if exact_fold and fold(title) != fold(body):
            return None
        return title


def respell_like(text: str, canonical: str, fallback, is_word=lambda w: False) -> str:
    """``text`` with each word that aligns with a word of ``canonical`` spelled as there.

    A word aligns when its fold is the same (``boendemiljoer``), or when it is
    no word (``is_word``) and one edit from the canonical word (``hdg`` for
    ``hög``).  Punctuation, spacing and words that do not align (``m.m.``
    against ``mm``, ``invånare`` against ``innevånare``) stay as in ``text``,
    the words going through ``fallback``.
    """
    spans = list(_WORD_RE.finditer(text))
    target = _WORD_RE.findall(canonical)
    a = [fuzzy_fold(m.group()) for m in spans]
    b = [fuzzy_fold(w) for w in target]
    respelled: dict[int, str] = {}
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if op == "equal" or (op == "replace" and i2 - i1 == j2 - j1):
            for k in range(i2 - i1):
                raw, want = a[i1 + k], b[j1 + k]
                if op == "equal" or (not is_word(spans[i1 + k].group())
                                     and Levenshtein.distance(raw, want) <= max(1, len(want) // 6)):
                    respelled[i1 + k] = target[j1 + k]
    out, last = [], 0
    for i, m in enumerate(spans):
        out.append(text[last:m.start()])
        out.append(respelled.get(i) or fallback(m.group()))
        last = m.end()
    out.append(text[last:])
    return "".join(out)
