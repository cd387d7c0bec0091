"""Scores for choosing between spellings: word frequency and word-pair context.

* Unigram: the Zipf frequency the lexicon carries (from ``wordfreq``, when it
  was installed at build time), plus a bonus for words of the vocabulary.
* Context: word pairs counted in the package's small corpus
  (``data/corpus.txt``, written for the project) and in the vocabulary's
  phrases.  A pair seen there makes a spelling more likely next to its
  neighbour: ``den här``, ``är en``, ``tre år``.

Numbers count as one word class (``<num>``) so ``år 2040`` and ``tre år``
generalise.
"""
from __future__ import annotations

import math
import re
from collections import Counter
from importlib import resources

from .lexicon import Lexicon, fold
from .vocabulary import Vocabulary

NUM = "<num>"
START = "<s>"
END = "</s>"
VOCAB_BONUS = 1.5      # Zipf units added to a vocabulary word
VOCAB_MAX_ZIPF = 5.0   # ... when rarer than this (so "år" in a goal title gains nothing)
CONTEXT_BONUS = 1.5    # per neighbour seen beside the spelling in the corpus
UNKNOWN_ZIPF = 1.0     # a dictionary form wordfreq does not know
COMPOUND_ZIPF = 1.5    # a compound built by the lexicon
FALLBACK_ZIPF = 3.0    # a corpus word the lexicon has no frequency for
_TOKEN_RE = re.compile(r"[^\W_]+|[.!?:;]")
_BOUNDARY = set(".!?:;")


def word_class(word: str) -> str:
    """The context key of a word: lower case, or ``<num>`` for numbers."""
    if any(c.isdigit() for c in word):
        return NUM
    return word.lower()


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
        self.right = {(a, fold(b)) for a, b in pairs}              # (spelling, fold of next)
        self.seen = {w for pair in pairs for w in pair}

    def unigram(self, form: str, compound: bool = False) -> float:
        z = self.lexicon.zipf(form)
        if not z:
            seen = self.counts.get(form.lower(), 0)
            if seen:
                z = FALLBACK_ZIPF + math.log10(1 + seen)
            else:
                z = COMPOUND_ZIPF if compound else UNKNOWN_ZIPF
        if z < VOCAB_MAX_ZIPF and form.lower() in self.vocab_words:
            z += VOCAB_BONUS  # a domain word; common words need no help
        return z

    def context(self, form: str, prev: str, next_fold: str) -> float:
        """Bonus for a spelling given the previous word (repaired) and the next (folded)."""
        w = form.lower()
        score = 0.0
        if (prev, w) in self.left:
            score += CONTEXT_BONUS
        if next_fold and (w, next_fold) in self.right:
            score += CONTEXT_BONUS
        return score
