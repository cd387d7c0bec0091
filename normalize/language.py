"""Scores for choosing between spellings: word frequency and word-pair context.

* Unigram: the Zipf frequency the lexicon carries (from ``wordfreq``, when it
  was installed at build time), plus a bonus for words of the vocabulary.
* Context: word pairs counted in the package's small corpus
  (``data/corpus.txt``, written for the project) and in the vocabulary's
  phrases.  A pair seen there makes a spelling more likely next to its
  neighbour: ``den här``, ``är en``, ``tre år``.

Numbers count as one word class (``<num>``) so ``år 2040`` and ``tre år``
generalise; so do present participles as left neighbours (``<ptc>``:
``kommande år`` teaches ``föregående år``).
"""
from __future__ import annotations

import math
import re
from collections import Counter
from importlib import resources

from .hunspell import WORD
from .lexicon import Lexicon, fold
from .vocabulary import Vocabulary

NUM = "<num>"
PARTICIPLE = "<ptc>"
START = "<s>"
END = "</s>"
VOCAB_BONUS = 1.5      # Zipf units added to a vocabulary word
VOCAB_MAX_ZIPF = 5.0   # ... when rarer than this (so "år" in a goal title gains nothing)
CONTEXT_BONUS = 1.5    # per neighbour seen beside the spelling in the corpus ...
COMMON_ZIPF = 7.6      # ... less beside the commonest words (full weight up to Zipf 6)
MIN_WEIGHT = 0.3
UNKNOWN_ZIPF = 1.0     # a dictionary form wordfreq does not know
COMPOUND_ZIPF = 1.0    # floor for a compound built by the lexicon ...
COMPOUND_DISCOUNT = 2.0  # ... else its weakest part's Zipf minus this
PART_ZIPF = 3.0        # a linking form ("hälso") as a compound part
HEAD_WEIGHT = 0.7      # share of a compound's last part in its score
FALLBACK_ZIPF = 3.0    # a corpus word the lexicon has no frequency for
_ACCENTED = frozenset("åäöÅÄÖ")
_TOKEN_RE = re.compile(r"[^\W_]+|[.!?:;]")
_BOUNDARY = set(".!?:;")


def word_class(word: str) -> str:
    """The context key of a word: lower case, or ``<num>`` for numbers."""
    if any(c.isdigit() for c in word) and not any(c.isalpha() for c in word):
        return NUM
    return word.lower()


def participle_class(word: str) -> str:
    """``<ptc>`` for a present participle (``kommande``, ``föregående``), else ``word``:
    what follows one in the corpus may follow any ("kommande år" -> "föregående år")."""
    return PARTICIPLE if len(word) > 5 and word.endswith(("ande", "ende")) else word


_GLYPH_FOLD = str.maketrans({"&": "a", "6": "o", "¢": None})


def context_fold(word: str) -> str:
    """The fold of a neighbouring word not yet repaired (``genomf6rda`` -> ``genomforda``)."""
    if any(c.isalpha() for c in word):
        word = word.translate(_GLYPH_FOLD)
    return word_class(fold(word))


def corpus_text() -> str:
    text = resources.files(__package__).joinpath("data/corpus.txt").read_text(encoding="utf-8")
    return "\n".join(line for line in text.splitlines() if not line.startswith("#"))


def count_pairs(texts) -> Counter:
    """Counts of adjacent word pairs (lower case) within sentences."""
    pairs: Counter = Counter()
    for text in texts:
        for line in text.splitlines():
            prev = START
            for tok in _TOKEN_RE.findall(line):
                if tok in _BOUNDARY:
                    if prev != START:
                        pairs[(prev, END)] += 1
                    prev = START
                    continue
                cur = word_class(tok)
                pairs[(prev, cur)] += 1
                prev = cur
            if prev != START:
                pairs[(prev, END)] += 1
    return pairs


class LanguageModel:
    """Scores a spelling of a word, alone and beside its neighbours."""

    def __init__(self, lexicon: Lexicon, vocabulary: Vocabulary):
        self.lexicon = lexicon
        self.vocab_words = {w.lower() for w in vocabulary.words}
        texts = [corpus_text(), *vocabulary.phrases()]
        pairs = count_pairs(texts)
        # without wordfreq the lexicon has no frequencies: count the corpus instead
        self.counts = Counter(w for a, w in pairs if w not in (END, NUM))
        self.left = {(a, b) for a, b in pairs}                     # (prev spelling, spelling)
        self.left |= {(participle_class(a), b) for a, b in pairs if participle_class(a) != a}
        self.right = {(a, fold(b)) for a, b in pairs}              # (spelling, fold of next)
        self.seen = {w for pair in pairs for w in pair}

    def unigram(self, form: str, parts: tuple[str, ...] = ()) -> float:
        """Zipf-like score of a spelling; a compound (``parts``) by its weakest part."""
        z = self.lexicon.zipf(form) or self._corpus_zipf(form)
        if not z:
            if parts:
                # the head (last part) carries the meaning; modifiers count less
                head = self._part_zipf(parts[-1])
                modifier = min(self._part_zipf(p) for p in parts[:-1]) if len(parts) > 1 else head
                z = max(COMPOUND_ZIPF, HEAD_WEIGHT * head + (1 - HEAD_WEIGHT) * modifier - COMPOUND_DISCOUNT)
            else:
                z = UNKNOWN_ZIPF
        if z < VOCAB_MAX_ZIPF and form.lower() in self.vocab_words and not self._plain_kin(form):
            z += VOCAB_BONUS  # a domain word; common words need no help
        return z

    def _plain_kin(self, form: str) -> bool:
        """A word without å/ä/ö that is also a word with them ("far", "får"): that the
        vocabulary spells it so says only that it exists, not which is meant."""
        return not _ACCENTED.intersection(form) and any(
            f != form.lower() for f in self.lexicon.words_by_fold(fold(form)))

    def _part_zipf(self, part: str) -> float:
        z = self.lexicon.zipf(part) or self._corpus_zipf(part)
        if z:
            return z
        # a linking form ("hälso", "deltagar") is no word of its own: no frequency to expect
        return UNKNOWN_ZIPF if self.lexicon.roles(part) & WORD else PART_ZIPF

    def _corpus_zipf(self, form: str) -> float:
        seen = self.counts.get(form.lower(), 0)
        return FALLBACK_ZIPF + math.log10(1 + seen) if seen else 0.0

    def context(self, form: str, prev: str, next_fold: str) -> float:
        """Bonus for a spelling given the previous word (repaired) and the next (folded)."""
        w = form.lower()
        score = 0.0
        if (prev, w) in self.left or (participle_class(prev), w) in self.left:
            score += CONTEXT_BONUS * self._weight(prev)
        if next_fold and (w, next_fold) in self.right:
            score += CONTEXT_BONUS * self._weight(next_fold)
        return score

    def _weight(self, neighbour: str) -> float:
        """How much a pair with this neighbour tells: little for the commonest words
        ("i", "och", "att" stand beside anything), fully from Zipf 6 down."""
        z = max((self.lexicon.zipf(f) for f in self.lexicon.by_fold(neighbour)), default=0.0)
        z = max(z, self.lexicon.zipf(neighbour))
        return min(1.0, max(MIN_WEIGHT, (COMMON_ZIPF - z) / (COMMON_ZIPF - 6.0)))
