"""Word-class hints read off the dictionary, for choosing between spellings.

No tagger is at hand, but the hunspell forms tell enough for a few safe
rules of Swedish grammar:

* an imperative ("fortsätt", "stärk") opens a sentence and is rarely meant
  inside one ("Projektet är fortsatt pausat");
* between an article and a noun in the definite form stands an adjective,
  never an infinitive ("det svåra samtalet", not "det svara samtalet");
* after an indefinite article stands a noun or an adjective, never a finite verb
  that is nothing else ("ett år i taget", not "ett är i taget");
* OCR runs a very common short word into the next ("ikommunal", "Tareda").
"""
from __future__ import annotations

import functools

from .hunspell import LEMMA
from .lexicon import Lexicon, fold

ARTICLES = frozenset({"den", "det", "de", "denna", "detta", "dessa"})
INDEFINITE = frozenset({"en", "ett"})
# finite verbs that are no noun or adjective as well (not "får": the sheep; not "var")
FINITE_ONLY = frozenset({"är", "blir", "bör", "har", "hade", "kan", "ska", "skall", "vill",
                         "måste", "finns", "gäller"})

HEAD_MIN_ZIPF = 6.0    # a word run together with the next: "i", "på", "ta", "av" ...
JOIN_MIN_ZIPF = 4.0    # ... and a frequent word after it


def finite_after_article(prev: str, form: str) -> bool:
    """A finite verb right after an indefinite article: "ett är" (where "ett år" is meant)."""
    return prev in INDEFINITE and form.lower() in FINITE_ONLY


def definite(fold_word: str) -> bool:
    """Ends like a noun in the definite form ("samtalet", "frågan", "målen")."""
    return len(fold_word) > 4 and fold_word.endswith(("et", "en", "an", "na"))


class WordClasses:
    def __init__(self, lexicon: Lexicon):
        self.lexicon = lexicon
        self.split_joined = functools.lru_cache(maxsize=10_000)(self._split_joined)

    def is_imperative(self, form: str) -> bool:
        """A verb's imperative ("fortsätt", "stärk"): -a makes the infinitive, -er,
        -te or -de a tense, and the form is no dictionary entry of its own ("stöd"
        is also the noun).  It opens a sentence; inside one it is rarely meant.
        (Stems in -r are left out: "hör", "för" are also the present tense.)"""
        lex = self.lexicon
        return (len(form) > 2 and form.islower() and not form.endswith("r")
                and not lex.roles(form) & LEMMA and lex.is_form(form + "a")
                and any(lex.is_form(form + end) for end in ("er", "te", "de")))

    def is_infinitive(self, form: str) -> bool:
        """A verb's infinitive: "svara" (svarar, svarade), "stärka" (stärker, stärkte),
        "fortsätta" (fortsätter, fortsatte)."""
        lex = self.lexicon
        if len(form) < 4 or not form.endswith("a") or not lex.is_form(form):
            return False
        if lex.is_form(form + "r") and lex.is_form(form + "de"):
            return True
        stem = form[:-1]
        if not lex.is_form(stem + "er"):
            return False
        if any(lex.is_form(stem + end) for end in ("te", "de")):
            return True
        # a past tense with a changed vowel: "fortsätta" (fortsatte), "välja" (valde)
        i = stem.rfind("ä")
        return i >= 0 and any(lex.is_form(stem[:i] + v + stem[i + 1:] + end)
                              for v in "aå" for end in ("e", "de", "te"))

    def _split_joined(self, token: str) -> str | None:
        """Two words OCR ran together ("ikommunal" -> "i kommunal"): a very common short
        word, then a frequent word; None when the token splits no such way."""
        best, best_score = None, JOIN_MIN_ZIPF
        for i in range(1, min(3, len(token) - 3) + 1):
            head, tail = token[:i], token[i:]
            heads = [f for f in self.lexicon.words_by_fold(fold(head)) if f.islower() or i == 1]
            head_form = max(heads, key=self.lexicon.zipf, default=None)
            if head_form is None or self.lexicon.zipf(head_form) < HEAD_MIN_ZIPF:
                continue
            tail_form = max(self.lexicon.words_by_fold(fold(tail)), key=self.lexicon.zipf, default=None)
            if tail_form is None:
                continue
            score = self.lexicon.zipf(tail_form)
            if score >= best_score:
                if head[:1].isupper():
                    head_form = head_form[:1].upper() + head_form[1:]
                best, best_score = f"{head_form} {tail_form}", score
        return best
